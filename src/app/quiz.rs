//! A deck run as one fixed quiz for a class: making the form and its key,
//! printing it for paper, opening a student's sitting (new or resumed),
//! and reporting on the class's result files. The sitting itself is driven
//! by a surface through [`crate::quiz::take::Take`].

use std::path::Path;
use std::path::PathBuf;

use super::AppError;
use super::AppResult;
use super::checking::checked_deck;
use crate::bundled;
use crate::check::CheckOptions;
use crate::deck::model::CardKind;
use crate::quiz::atomic_file::write_atomic;
use crate::quiz::clock;
use crate::quiz::collect::collect;
use crate::quiz::collect::result_files;
use crate::quiz::form;
use crate::quiz::form::Form;
use crate::quiz::form::Key;
use crate::quiz::form::MakeOptions;
use crate::quiz::print;
use crate::quiz::print::PaperFormat;
use crate::quiz::report;
use crate::quiz::report::Report;
use crate::quiz::result_file::ResultFile;
use crate::quiz::selection::Selection;
use crate::quiz::take::Take;

/// What quiz to make, and where to write it.
#[derive(Debug, Clone)]
pub struct MakeRequest {
    /// The deck file; the bundled deck when `None`.
    pub deck: Option<PathBuf>,
    /// Directory of the deck's sources (quotes are then proven).
    pub sources: Option<PathBuf>,
    /// How many items (default: every matching card).
    pub items: Option<usize>,
    /// Only cards with one of these topics.
    pub topics: Vec<String>,
    /// Only cards of these kinds.
    pub kinds: Vec<CardKind>,
    /// Seed for item and option order.
    pub seed: u64,
    /// Time limit in minutes.
    pub time_limit: Option<u32>,
    /// Where to write the form.
    pub form: PathBuf,
    /// Where to write the key (default: beside the form).
    pub key: Option<PathBuf>,
    /// Replace a form or key that exists.
    pub force: bool,
}

/// A quiz made and written.
pub struct MadeQuiz {
    /// Items on the form.
    pub items: usize,
    /// The form's file.
    pub form: PathBuf,
    /// The key's file.
    pub key: PathBuf,
    /// The form's fingerprint (result files carry it).
    pub fingerprint: String,
}

/// Writes a file atomically, naming it in the error.
pub fn write_file(path: &Path, bytes: &[u8]) -> AppResult<()> {
    write_atomic(path, bytes)
        .map_err(|e| AppError::Failed(format!("{}: cannot write: {e}", path.display())))
}

/// Makes a form and its key from a deck, and writes both.
pub fn make(req: &MakeRequest) -> AppResult<MadeQuiz> {
    let (deck, text) = match &req.deck {
        None => (
            bundled::case_deck()
                .map_err(|e| AppError::Failed(format!("{e:#}")))?
                .into_deck(),
            bundled::CASE_DECK_TOML.to_string(),
        ),
        Some(path) => {
            super::inputs::require(path)?;
            let options = CheckOptions {
                sources_dir: req.sources.clone(),
                ..CheckOptions::default()
            };
            checked_deck(
                path,
                &options,
                false,
                format!(
                    "{}: the deck does not pass `docket check`; no quiz was made",
                    path.display()
                ),
            )?
        }
    };
    let options = MakeOptions {
        selection: Selection {
            items: req.items,
            topics: req.topics.iter().map(|t| t.trim().to_string()).collect(),
            kinds: req.kinds.clone(),
            seed: req.seed,
        },
        time_limit_minutes: req.time_limit,
    };
    let (form, key) =
        form::make(&deck, &text, &options).map_err(|e| AppError::Failed(e.to_string()))?;
    let key_path = req
        .key
        .clone()
        .unwrap_or_else(|| form::default_key_path(&req.form));
    if req
        .deck
        .as_ref()
        .is_some_and(|d| *d == req.form || *d == key_path)
    {
        return Err(AppError::Request(
            "refusing to write the form or key over the deck".into(),
        ));
    }
    if key_path == req.form {
        return Err(AppError::Request(
            "the form and the key must be different files".into(),
        ));
    }
    // A form already handed out, or its key, is never replaced by accident:
    // results made with it would no longer match.
    for path in [&req.form, &key_path] {
        crate::interop::output::check_target(path, req.force)
            .map_err(|e| AppError::Failed(e.to_string()))?;
    }
    write_file(&req.form, &form::to_json_bytes(&form))?;
    write_file(&key_path, &form::to_json_bytes(&key))?;
    Ok(MadeQuiz {
        items: form.items.len(),
        form: req.form.clone(),
        key: key_path,
        fingerprint: form.fingerprint.clone(),
    })
}

/// A form rendered for paper, with the key as a separate page if given.
pub fn paper(form_path: &Path, key_path: Option<&Path>, format: PaperFormat) -> AppResult<String> {
    let failed = |e: String| AppError::Failed(e);
    super::inputs::require(form_path)?;
    if let Some(k) = key_path {
        super::inputs::require(k)?;
    }
    let form = Form::read(form_path).map_err(|e| failed(e.to_string()))?;
    let key = match key_path {
        None => None,
        Some(p) => {
            let k = Key::read(p).map_err(|e| failed(e.to_string()))?;
            print::check_pair(&form, &k).map_err(|e| failed(format!("{}: {e}", p.display())))?;
            Some(k)
        }
    };
    Ok(print::render(&form, key.as_ref(), format))
}

/// Checks a student's name as given for a sitting; gives it as it will
/// be recorded (normalised, invisible characters removed).
pub fn check_student(name: &str) -> Result<String, String> {
    crate::quiz::names::check_student(name)
}

/// One student's sitting of a form: new, or resumed from its result file.
pub struct Sitting {
    /// The form.
    pub form: Form,
    /// The student's name as given (trimmed).
    pub student: String,
    /// The result file.
    pub output: PathBuf,
    /// The quiz clock.
    pub clock: Box<dyn clock::Clock>,
    resume: Option<ResultFile>,
}

impl Sitting {
    /// Opens a sitting: reads the form and, when the result file exists,
    /// the unfinished attempt in it; makes the result's directory.
    pub fn open(form_path: &Path, student: &str, output: &Path) -> AppResult<Sitting> {
        let student = check_student(student).map_err(AppError::Request)?;
        super::inputs::require(form_path)?;
        let clock = clock::from_env().map_err(AppError::Failed)?;
        let form = Form::read(form_path).map_err(|e| AppError::Failed(e.to_string()))?;
        let resume = if output.exists() {
            Some(
                ResultFile::read(output)
                    .map_err(|e| AppError::Failed(format!("{e}; not overwriting it")))?,
            )
        } else {
            None
        };
        let sitting = Sitting {
            form,
            student,
            output: output.to_path_buf(),
            clock,
            resume,
        };
        // Validate the resume now, before anything is created.
        sitting.take()?;
        if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                AppError::Failed(format!(
                    "{}: cannot create the directory: {e}",
                    dir.display()
                ))
            })?;
        }
        Ok(sitting)
    }

    /// Whether this continues an unfinished attempt.
    pub fn is_resumed(&self) -> bool {
        self.resume.is_some()
    }

    /// The attempt's state machine, at the start or where it was left.
    pub fn take(&self) -> AppResult<Take<'_>> {
        let now = self.clock.now();
        match &self.resume {
            None => Ok(Take::start(&self.form, &self.student, now)),
            Some(record) => {
                Take::resume(&self.form, record.clone(), &self.student, now).map_err(|e| {
                    AppError::Failed(format!("{}: cannot resume: {e}", self.output.display()))
                })
            }
        }
    }

    /// Saves the attempt so far (atomically).
    pub fn save(&self, record: &ResultFile) -> std::io::Result<()> {
        record.write(&self.output)
    }
}

/// What to report on.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// The key file.
    pub key: PathBuf,
    /// Result files, or directories of them.
    pub results: Vec<PathBuf>,
    /// Receipt codes noted at submission.
    pub receipts: Option<PathBuf>,
    /// Below this many students nothing is flagged.
    pub min_class_size: usize,
}

/// The class's report, and the students whose noted receipt matched no
/// valid result.
pub struct ClassReport {
    /// The report.
    pub report: Report,
    /// Students with a noted receipt but no valid result.
    pub missing: Vec<String>,
}

/// Grades every result file with the key and analyses the items.
pub fn report(req: &ReportRequest) -> AppResult<ClassReport> {
    super::inputs::require(&req.key)?;
    if let Some(r) = &req.receipts {
        super::inputs::require(r)?;
    }
    let key = Key::read(&req.key).map_err(|e| AppError::Failed(e.to_string()))?;
    let mut files = Vec::new();
    for p in &req.results {
        let found =
            result_files(p).map_err(|e| AppError::Request(format!("{}: {e}", p.display())))?;
        files.extend(found);
    }
    files.sort();
    files.dedup();
    // A key kept in the results directory is not a result.
    let key_file = std::fs::canonicalize(&req.key).ok();
    files.retain(|f| std::fs::canonicalize(f).ok() != key_file);
    let mut collected = collect(&key, &files);
    let mut missing = Vec::new();
    if let Some(p) = &req.receipts {
        let noted = crate::quiz::receipts::read_noted(p).map_err(AppError::Failed)?;
        missing = crate::quiz::receipts::check_receipts(&mut collected, &noted);
    }
    let effective = crate::quiz::regrade::apply(&key, &mut collected);
    Ok(ClassReport {
        report: report::build(&effective, collected, req.min_class_size),
        missing,
    })
}

/// Reads a missed-cards file written by `docket quiz report --missed-dir`.
pub fn read_missed(path: &Path) -> AppResult<crate::quiz::sheets::Missed> {
    super::inputs::require(path)?;
    let missed: crate::quiz::sheets::Missed = crate::quiz::form::read_json(path, "missed-cards")
        .map_err(|e| AppError::Failed(e.to_string()))?;
    if missed.format != crate::quiz::sheets::MISSED_FORMAT {
        return Err(AppError::Failed(format!(
            "{}: not a docket missed-cards file (format `{}`)",
            path.display(),
            crate::sanitize::one_line(&missed.format)
        )));
    }
    Ok(missed)
}

/// Writes each student's missed-cards file into `dir`, named after the
/// student's result file (`ana.json` → `ana.missed.json`), never after the
/// name the student typed. Returns how many were written.
pub fn write_missed(report: &Report, dir: &Path) -> AppResult<usize> {
    std::fs::create_dir_all(dir)
        .map_err(|e| AppError::Failed(format!("{}: cannot create: {e}", dir.display())))?;
    for st in &report.students {
        let stem = Path::new(&st.file)
            .file_stem()
            .map_or_else(|| "student".into(), |s| s.to_string_lossy().into_owned());
        let m = crate::quiz::sheets::missed(report, st);
        write_file(
            &dir.join(format!("{stem}.missed.json")),
            &form::to_json_bytes(&m),
        )?;
    }
    Ok(report.students.len())
}

/// Records a regrade in the key file (as its next version) and writes the
/// key back atomically. Returns the new version.
pub fn regrade(
    key_path: &Path,
    change: crate::quiz::regrade::Change,
    why: &str,
    by: Option<&str>,
) -> AppResult<u32> {
    super::inputs::require(key_path)?;
    let clock = clock::from_env().map_err(AppError::Failed)?;
    let mut key = Key::read(key_path).map_err(|e| AppError::Failed(e.to_string()))?;
    let at = clock
        .now()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let version =
        crate::quiz::regrade::record(&mut key, change, why, by, at).map_err(AppError::Request)?;
    write_file(key_path, &form::to_json_bytes(&key))?;
    Ok(version)
}

/// The report's flags as diagnostics on the deck file, at each flagged
/// card's prompt, for an instructor to fix the card where it is written.
pub struct FlagDiagnostics {
    /// The deck file.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// One warning per flag of a card found in the deck (by id).
    pub diagnostics: Vec<crate::diagnostic::Diagnostic>,
    /// Whether the file differs from the deck the quiz was made from (its
    /// SHA-256 is not the key's): positions are then today's.
    pub deck_changed: bool,
}

/// Places every flag of `report` on its card in the deck file at
/// `deck_path` (the deck the quiz was made from).
pub fn flag_diagnostics(report: &Report, deck_path: &Path) -> AppResult<FlagDiagnostics> {
    use crate::diagnostic::Diagnostic;
    super::inputs::require(deck_path)?;
    let loaded = crate::deck::read_deck_file(deck_path);
    let Some(deck) = &loaded.deck else {
        return Err(AppError::invalid(
            loaded.path.clone(),
            loaded.text.clone(),
            loaded.diagnostics.clone(),
            format!(
                "{}: the deck does not parse; no flag can be placed",
                deck_path.display()
            ),
        ));
    };
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
        loaded.text.as_bytes(),
    ));
    let mut diagnostics = Vec::new();
    for it in &report.items {
        let card = deck.cards.iter().find(|c| c.id == it.card_id);
        for f in &it.flags {
            let message = format!("item {} of the quiz: {}", it.position, f.reason);
            let help = match f.code {
                "check-key" | "negative-discrimination" | "positive-distractor" => {
                    "check the answer and the options: is the key right, and is only one option right?"
                }
                "unused-distractor" => {
                    "replace the option nobody chose with a plausible wrong answer"
                }
                "very-easy" => "make the question ask for more than recognition, or drop it",
                "very-hard" | "unanswered" => "check the wording and that it was taught",
                _ => {
                    "read the question as a student would: is it clear and is its answer the only right one?"
                }
            };
            let d = match card {
                Some(c) => Diagnostic::warning(f.code, message, c.spans.prompt.clone())
                    .with_label("flagged by the class's answers"),
                None => Diagnostic::whole_file(
                    crate::diagnostic::Severity::Warning,
                    f.code,
                    format!("{message} (card `{}` is no longer in the deck)", it.card_id),
                ),
            };
            diagnostics.push(d.with_help(help));
        }
    }
    Ok(FlagDiagnostics {
        deck_changed: sha != report.deck.sha256,
        path: loaded.path,
        text: loaded.text,
        diagnostics,
    })
}

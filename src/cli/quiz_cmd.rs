//! `docket quiz`: make a fixed form and its key from a deck, print it for
//! paper, take it in the terminal, and report on the class's result files.

use std::io::IsTerminal;
use std::path::Path;
use std::path::PathBuf;

use clap::Subcommand;
use clap::ValueEnum;
use codespan_reporting::term::termcolor::StandardStream;

use super::EXIT_FAILURE;
use super::EXIT_OK;
use super::EXIT_USAGE;
use super::check_cmd::stderr_color;
use crate::bundled;
use crate::check::CheckOptions;
use crate::check::check_loaded;
use crate::deck::model::CardKind;
use crate::deck::read_deck_file;
use crate::diagnostic::render;
use crate::quiz::atomic_file::write_atomic;
use crate::quiz::clock;
use crate::quiz::collect::collect;
use crate::quiz::collect::result_files;
use crate::quiz::csv;
use crate::quiz::flags::DEFAULT_MIN_CLASS_SIZE;
use crate::quiz::form;
use crate::quiz::form::Form;
use crate::quiz::form::Key;
use crate::quiz::form::MakeOptions;
use crate::quiz::frontend;
use crate::quiz::html::render_html;
use crate::quiz::print;
use crate::quiz::report;
use crate::quiz::result_file::ResultFile;
use crate::quiz::selection::Selection;
use crate::quiz::take::Step;
use crate::quiz::take::Take;

/// Arguments of `docket quiz`.
#[derive(Debug, clap::Args)]
pub struct QuizArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: QuizCommand,
}

/// The quiz subcommands.
#[derive(Debug, Subcommand)]
pub enum QuizCommand {
    /// Make a form (for students) and a key (for the teacher) from a deck.
    Make(MakeArgs),
    /// Render a form for paper, with the key as a separate page if given.
    Print(PrintArgs),
    /// Take a quiz in the terminal and write the result file.
    Take(TakeArgs),
    /// Grade the class's result files with the key and analyse the items.
    Report(ReportArgs),
}

/// Arguments of `docket quiz make`.
#[derive(Debug, clap::Args)]
pub struct MakeArgs {
    /// The deck file; the bundled case deck when omitted.
    pub deck: Option<PathBuf>,
    /// How many items (default: every matching card).
    #[arg(long, value_name = "N")]
    pub items: Option<usize>,
    /// Only cards with one of these topics (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "TOPIC,...")]
    pub topics: Vec<String>,
    /// Only cards of these kinds (comma-separated: basic, choice, truefalse, number, date, cloze, order).
    #[arg(long, value_delimiter = ',', value_name = "KIND,...")]
    pub kinds: Vec<String>,
    /// Seed for the item order and option orders: same deck and seed, same
    /// files. Default: a secret one drawn from the OS (recorded in the key).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Time limit in minutes.
    #[arg(long, value_name = "MINUTES")]
    pub time_limit: Option<u32>,
    /// Where to write the form.
    #[arg(short, long, value_name = "FORM")]
    pub output: PathBuf,
    /// Where to write the key (default: beside the form, `NAME.key.json`).
    #[arg(long, value_name = "KEY")]
    pub key: Option<PathBuf>,
    /// Directory holding the deck's source files (quotes are then proven).
    #[arg(long, value_name = "DIR")]
    pub sources: Option<PathBuf>,
}

/// Paper format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PaperArg {
    /// Markdown.
    Markdown,
    /// HTML.
    Html,
}

/// Arguments of `docket quiz print`.
#[derive(Debug, clap::Args)]
pub struct PrintArgs {
    /// The form file.
    pub form: PathBuf,
    /// The key file: adds the answers as a separate page.
    #[arg(long, value_name = "KEY")]
    pub key: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: PaperArg,
    /// Write here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `docket quiz take`.
#[derive(Debug, clap::Args)]
pub struct TakeArgs {
    /// The form file.
    pub form: PathBuf,
    /// The student's name, as the teacher will see it.
    #[arg(long)]
    pub student: String,
    /// The result file to write (an unfinished one is resumed).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Line mode: one line per answer (automatic when stdin is not a terminal).
    #[arg(long, conflicts_with = "json")]
    pub plain: bool,
    /// JSON lines in and out, for programs.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `docket quiz report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The key file.
    pub key: PathBuf,
    /// Result files, or directories of `*.json` result files.
    #[arg(required = true)]
    pub results: Vec<PathBuf>,
    /// Write the long CSV (student, item, position, response, correct, score, seconds).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write the wide CSV (one row per student, one column per item).
    #[arg(long, value_name = "FILE")]
    pub csv_wide: Option<PathBuf>,
    /// Write a self-contained HTML report with charts.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Receipt codes noted at submission (`student,CODE` per line): a file whose receipt differs is rejected.
    #[arg(long, value_name = "FILE")]
    pub receipts: Option<PathBuf>,
    /// Below this many students, indices carry their N and nothing is flagged.
    #[arg(long, default_value_t = DEFAULT_MIN_CLASS_SIZE, value_name = "N")]
    pub min_class_size: usize,
}

/// Runs `docket quiz`.
pub fn run(args: &QuizArgs) -> anyhow::Result<u8> {
    match &args.command {
        QuizCommand::Make(a) => make(a),
        QuizCommand::Print(a) => print_cmd(a),
        QuizCommand::Take(a) => take(a),
        QuizCommand::Report(a) => report_cmd(a),
    }
}

fn fail(msg: impl std::fmt::Display) -> anyhow::Result<u8> {
    eprintln!("docket quiz: {msg}");
    Ok(EXIT_FAILURE)
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_atomic(path, bytes).map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))
}

fn make(a: &MakeArgs) -> anyhow::Result<u8> {
    let mut kinds = Vec::new();
    for k in &a.kinds {
        match CardKind::from_name(k.trim()) {
            Some(kind) => kinds.push(kind),
            None => {
                let names: Vec<&str> = CardKind::ALL.iter().map(|k| k.name()).collect();
                eprintln!(
                    "docket quiz make: unknown kind `{k}` (kinds: {})",
                    names.join(", ")
                );
                return Ok(EXIT_USAGE);
            }
        }
    }
    let (deck, text) = match &a.deck {
        None => (
            bundled::case_deck()?.into_deck(),
            bundled::CASE_DECK_TOML.to_string(),
        ),
        Some(path) => {
            let options = CheckOptions {
                sources_dir: a.sources.clone(),
                ..CheckOptions::default()
            };
            let mut loaded = read_deck_file(path);
            let checked = check_loaded(&mut loaded, &options);
            let Some(checked) = checked else {
                let mut err = StandardStream::stderr(stderr_color());
                render::render(
                    &mut err,
                    &loaded.path,
                    &loaded.text,
                    &loaded.diagnostics,
                    render::Style::Rich,
                )?;
                return fail(format!(
                    "{}: the deck does not pass `docket check`; no quiz was made",
                    path.display()
                ));
            };
            (checked.into_deck(), loaded.text)
        }
    };
    let options = MakeOptions {
        selection: Selection {
            items: a.items,
            topics: a.topics.iter().map(|t| t.trim().to_string()).collect(),
            kinds,
            seed: match a.seed {
                Some(seed) => {
                    if crate::quiz::selection::guessable_seed(seed) {
                        eprintln!("{}", crate::quiz::selection::GUESSABLE_SEED_WARNING);
                    }
                    seed
                }
                None => crate::quiz::selection::fresh_seed(),
            },
        },
        time_limit_minutes: a.time_limit,
    };
    let (form, key) = match form::make(&deck, &text, &options) {
        Ok(pair) => pair,
        Err(e) => return fail(e),
    };
    let key_path = a
        .key
        .clone()
        .unwrap_or_else(|| form::default_key_path(&a.output));
    if a.deck
        .as_ref()
        .is_some_and(|d| *d == a.output || *d == key_path)
    {
        eprintln!("docket quiz make: refusing to write the form or key over the deck");
        return Ok(EXIT_USAGE);
    }
    if key_path == a.output {
        eprintln!("docket quiz make: the form and the key must be different files");
        return Ok(EXIT_USAGE);
    }
    write_file(&a.output, &form::to_json_bytes(&form))?;
    write_file(&key_path, &form::to_json_bytes(&key))?;
    eprintln!(
        "made a form of {} items: {} (give to students)\nkey: {} (keep it to yourself)\nform fingerprint {}",
        form.items.len(),
        a.output.display(),
        key_path.display(),
        form.fingerprint
    );
    Ok(EXIT_OK)
}

fn print_cmd(a: &PrintArgs) -> anyhow::Result<u8> {
    let form = match Form::read(&a.form) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let key = match &a.key {
        None => None,
        Some(p) => match Key::read(p) {
            Ok(k) => {
                if let Err(e) = print::check_pair(&form, &k) {
                    return fail(format!("{}: {e}", p.display()));
                }
                Some(k)
            }
            Err(e) => return fail(e),
        },
    };
    let format = match a.format {
        PaperArg::Markdown => print::PaperFormat::Markdown,
        PaperArg::Html => print::PaperFormat::Html,
    };
    let text = print::render(&form, key.as_ref(), format);
    match &a.output {
        Some(p) => write_file(p, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(EXIT_OK)
}

fn check_student(name: &str) -> Result<(), String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("--student must not be empty".into());
    }
    if name.chars().any(char::is_control) || name.chars().count() > 100 {
        return Err("--student must be at most 100 printable characters".into());
    }
    Ok(())
}

fn take(a: &TakeArgs) -> anyhow::Result<u8> {
    if let Err(e) = check_student(&a.student) {
        eprintln!("docket quiz take: {e}");
        return Ok(EXIT_USAGE);
    }
    let student = a.student.trim();
    let clock = match clock::from_env() {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let form = match Form::read(&a.form) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let now = clock.now();
    let mut take = if a.output.exists() {
        let record = match ResultFile::read(&a.output) {
            Ok(r) => r,
            Err(e) => return fail(format!("{e}; not overwriting it")),
        };
        match Take::resume(&form, record, student, now) {
            Ok(t) => {
                if !a.json {
                    eprintln!("Resuming the unfinished attempt in {}.", a.output.display());
                }
                t
            }
            Err(e) => return fail(format!("{}: cannot resume: {e}", a.output.display())),
        }
    } else {
        Take::start(&form, student, now)
    };
    if let Some(dir) = a.output.parent().filter(|d| !d.as_os_str().is_empty())
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        return fail(format!(
            "{}: cannot create the directory: {e}",
            dir.display()
        ));
    }
    let out = a.output.clone();
    let mut save = |r: &ResultFile| r.write(&out);
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let step = if a.json {
        let mut fe = frontend::json::JsonLines::new(stdin.lock(), stdout.lock());
        frontend::drive(&mut take, &mut fe, clock.as_ref(), &mut save)
    } else if a.plain || !stdin.is_terminal() {
        let mut fe = frontend::plain::Plain::new(stdin.lock(), stdout.lock());
        frontend::drive(&mut take, &mut fe, clock.as_ref(), &mut save)
    } else {
        let mut fe = frontend::tty::Tty::new();
        frontend::drive(&mut take, &mut fe, clock.as_ref(), &mut save)
    };
    match step {
        Ok(Step::Submitted { .. }) => Ok(EXIT_OK),
        Ok(_) => Ok(EXIT_OK),
        // Another student's (or a submitted) attempt in the file: refused.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            fail(format!("{}: {e}", crate::sanitize::path(&a.output)))
        }
        Err(e) => fail(format!(
            "{}: {e}; the answers up to the last one are saved",
            crate::sanitize::path(&a.output)
        )),
    }
}

fn report_cmd(a: &ReportArgs) -> anyhow::Result<u8> {
    let key = match Key::read(&a.key) {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    let mut files = Vec::new();
    for p in &a.results {
        match result_files(p) {
            Ok(f) => files.extend(f),
            Err(e) => {
                eprintln!("docket quiz report: {}: {e}", crate::sanitize::path(p));
                return Ok(EXIT_USAGE);
            }
        }
    }
    files.sort();
    files.dedup();
    // A key kept in the results directory is not a result.
    let key_file = std::fs::canonicalize(&a.key).ok();
    files.retain(|f| std::fs::canonicalize(f).ok() != key_file);
    let mut collected = collect(&key, &files);
    if let Some(p) = &a.receipts {
        let noted = match crate::quiz::receipts::read_noted(p) {
            Ok(n) => n,
            Err(e) => return fail(e),
        };
        for name in crate::quiz::receipts::check_receipts(&mut collected, &noted) {
            eprintln!(
                "docket quiz report: no valid result from `{}`, whose receipt was noted",
                crate::sanitize::one_line(&name)
            );
        }
    }
    let report = report::build(&key, collected, a.min_class_size);
    if let Some(p) = &a.csv {
        write_file(p, csv::long(&report).as_bytes())?;
    }
    if let Some(p) = &a.csv_wide {
        write_file(p, csv::wide(&report).as_bytes())?;
    }
    if let Some(p) = &a.html {
        write_file(p, render_html(&report).as_bytes())?;
    }
    if a.json {
        // C1 and bidi controls escaped, as serde_json leaves them raw.
        println!("{}", crate::sanitize::json_pretty(&report)?);
    } else {
        print!("{}", crate::quiz::text_report::render_text(&report));
    }
    for r in &report.rejected {
        // Reasons quote file contents (names, item ids): never print them raw.
        eprintln!(
            "docket quiz report: rejected {}: {}",
            crate::sanitize::path(&r.file),
            crate::sanitize::one_line(&r.reason)
        );
    }
    for t in crate::quiz::collect::stray_temp_files(&a.results) {
        eprintln!(
            "docket quiz report: ignored {}: a temporary file left by an interrupted sitting (safe to delete)",
            crate::sanitize::path(&t)
        );
    }
    if report.students.is_empty() {
        eprintln!("docket quiz report: no valid result files");
        return Ok(EXIT_FAILURE);
    }
    Ok(if report.rejected.is_empty() {
        EXIT_OK
    } else {
        EXIT_FAILURE
    })
}

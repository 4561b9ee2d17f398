//! `docket quiz`: make a fixed form and its key from a deck, print it for
//! paper, take it in the terminal, and report on the class's result files.

use std::io::IsTerminal;

use super::args::MakeArgs;
use super::args::PaperArg;
use super::args::PrintArgs;
use super::args::QuizArgs;
use super::args::QuizCommand;
use super::args::RegradeArgs;
use super::args::ReportArgs;
use super::args::TakeArgs;
use super::output;
use super::output::EXIT_FAILURE;
use super::output::EXIT_OK;
use crate::app::AppError;
use crate::app::quiz;
use crate::app::quiz::MakeRequest;
use crate::app::quiz::ReportRequest;
use crate::app::quiz::Sitting;
use crate::app::quiz::write_file;
use crate::deck::model::CardKind;
use crate::quiz::csv;
use crate::quiz::frontend;
use crate::quiz::html::render_html;
use crate::quiz::print::PaperFormat;
use crate::quiz::result_file::ResultFile;

/// Runs `docket quiz`.
pub fn run(args: &QuizArgs) -> anyhow::Result<u8> {
    let (sub, outcome) = match &args.command {
        QuizCommand::Make(a) => ("make", make(a)),
        QuizCommand::Print(a) => ("print", print_cmd(a)),
        QuizCommand::Take(a) => ("take", take(a)),
        QuizCommand::Report(a) => ("report", report_cmd(a)),
        QuizCommand::Regrade(a) => ("regrade", regrade(a)),
    };
    match outcome {
        Ok(code) => Ok(code),
        // A mistake in the request names the subcommand; other failures
        // speak for the quiz as a whole.
        Err(e @ AppError::Request(_)) => Ok(output::report(&format!("docket quiz {sub}"), &e)),
        Err(e) => Ok(output::report("docket quiz", &e)),
    }
}

fn make(a: &MakeArgs) -> Result<u8, AppError> {
    let mut kinds = Vec::new();
    for k in &a.kinds {
        match CardKind::from_name(k.trim()) {
            Some(kind) => kinds.push(kind),
            None => {
                let names: Vec<&str> = CardKind::ALL.iter().map(|k| k.name()).collect();
                return Err(AppError::Request(format!(
                    "unknown kind `{k}` (kinds: {})",
                    names.join(", ")
                )));
            }
        }
    }
    let made = quiz::make(&MakeRequest {
        deck: a.deck.clone(),
        sources: a.sources.clone(),
        items: a.items,
        topics: a.topics.clone(),
        kinds,
        seed: match a.seed {
            Some(seed) => {
                if crate::quiz::selection::guessable_seed(seed) {
                    eprintln!("{}", crate::quiz::selection::GUESSABLE_SEED_WARNING);
                }
                seed
            }
            // Nobody can recreate the key from a guess: 64 bits from the OS.
            None => crate::quiz::selection::fresh_seed(),
        },
        time_limit: a.time_limit,
        form: a.output.clone(),
        key: a.key.clone(),
        force: a.force,
    })?;
    eprintln!(
        "made a form of {} items: {} (give to students)\nkey: {} (keep it to yourself)\nform fingerprint {}",
        made.items,
        crate::sanitize::path(&made.form),
        crate::sanitize::path(&made.key),
        made.fingerprint
    );
    Ok(EXIT_OK)
}

fn print_cmd(a: &PrintArgs) -> Result<u8, AppError> {
    let format = match a.format {
        PaperArg::Markdown => PaperFormat::Markdown,
        PaperArg::Html => PaperFormat::Html,
    };
    let text = quiz::paper(&a.form, a.key.as_deref(), format)?;
    match &a.output {
        Some(p) => write_file(p, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(EXIT_OK)
}

fn take(a: &TakeArgs) -> Result<u8, AppError> {
    let sitting = Sitting::open(&a.form, &a.student, &a.output)?;
    let mut take = sitting.take()?;
    if sitting.is_resumed() && !a.json {
        eprintln!(
            "Resuming the unfinished attempt in {}.",
            crate::sanitize::path(&a.output)
        );
    }
    let mut save = |r: &ResultFile| sitting.save(r);
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let clock = sitting.clock.as_ref();
    let step = if a.json {
        let mut fe = frontend::json::JsonLines::new(stdin.lock(), stdout.lock());
        frontend::drive(&mut take, &mut fe, clock, &mut save)
    } else if a.plain || !stdin.is_terminal() {
        let mut fe = frontend::plain::Plain::new(stdin.lock(), stdout.lock());
        frontend::drive(&mut take, &mut fe, clock, &mut save)
    } else {
        let mut fe = frontend::tty::Tty::new();
        frontend::drive(&mut take, &mut fe, clock, &mut save)
    };
    match step {
        Ok(_) => Ok(EXIT_OK),
        // Another student's (or a submitted) attempt in the file: refused.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(AppError::Failed(format!(
            "{}: {e}",
            crate::sanitize::path(&a.output)
        ))),
        Err(e) => Err(AppError::Failed(format!(
            "{}: {e}; the answers up to the last one are saved",
            crate::sanitize::path(&a.output)
        ))),
    }
}

fn report_cmd(a: &ReportArgs) -> Result<u8, AppError> {
    let class = quiz::report(&ReportRequest {
        key: a.key.clone(),
        results: a.results.clone(),
        receipts: a.receipts.clone(),
        min_class_size: a.min_class_size,
    })?;
    for name in &class.missing {
        eprintln!(
            "docket quiz report: no valid result from `{}`, whose receipt was noted",
            crate::sanitize::one_line(name)
        );
    }
    let report = &class.report;
    if let Some(p) = &a.csv {
        write_file(p, csv::long(report).as_bytes())?;
    }
    if let Some(p) = &a.csv_wide {
        write_file(p, csv::wide(report).as_bytes())?;
    }
    if let Some(p) = &a.sheets {
        write_file(p, crate::quiz::sheets::render_sheets(report).as_bytes())?;
    }
    if let Some(dir) = &a.missed_dir {
        quiz::write_missed(report, dir)?;
    }
    if let Some(p) = &a.csv_items {
        write_file(p, csv::items(report).as_bytes())?;
    }
    if let Some(p) = &a.csv_test {
        write_file(p, csv::test(report).as_bytes())?;
    }
    if let Some(p) = &a.html {
        write_file(p, render_html(report).as_bytes())?;
    }
    if let Some(deck) = &a.lint {
        print_lint(report, deck, a.json)?;
    } else if a.json {
        // C1 and bidi controls escaped, as serde_json leaves them raw.
        let text = crate::sanitize::json_pretty(report)
            .map_err(|e| AppError::Failed(format!("cannot write the report: {e}")))?;
        println!("{text}");
    } else {
        print!("{}", crate::quiz::text_report::render_text(report));
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

fn regrade(a: &RegradeArgs) -> Result<u8, AppError> {
    use crate::quiz::regrade::Change;
    let item = a.item.clone();
    let change = match (&a.accept, a.remove, a.restore) {
        (Some(response), _, _) => Change::Accept {
            item,
            response: response.clone(),
        },
        (None, true, _) => Change::Remove { item },
        _ => Change::Restore { item },
    };
    let version = quiz::regrade(&a.key, change, &a.why, a.by.as_deref())?;
    eprintln!(
        "recorded as version {version} of {}; `docket quiz report` now regrades every sitting with it",
        crate::sanitize::path(&a.key)
    );
    Ok(EXIT_OK)
}

/// `--lint DECK`: the flags drawn on the deck as `docket check` draws its
/// diagnostics.
fn print_lint(
    report: &crate::quiz::report::Report,
    deck: &std::path::Path,
    json: bool,
) -> Result<(), AppError> {
    use std::io::Write;
    let lint = quiz::flag_diagnostics(report, deck)?;
    let io = |e: std::io::Error| AppError::Failed(format!("cannot print: {e}"));
    if lint.deck_changed {
        eprintln!(
            "docket quiz report: {} changed since the quiz was made; flags are placed on the cards as they are now",
            crate::sanitize::path(deck)
        );
    }
    if json {
        let mut out = std::io::stdout().lock();
        for d in &lint.diagnostics {
            let record = crate::diagnostic::json::record(&lint.path, &lint.text, d);
            let line =
                serde_json::to_string(&record).map_err(|e| AppError::Failed(e.to_string()))?;
            writeln!(out, "{line}").map_err(io)?;
        }
    } else {
        let mut err =
            codespan_reporting::term::termcolor::StandardStream::stderr(output::stderr_color());
        crate::diagnostic::render::render(
            &mut err,
            &lint.path,
            &lint.text,
            &lint.diagnostics,
            crate::diagnostic::render::Style::Rich,
        )
        .map_err(io)?;
        eprintln!(
            "{} flag{} on {}",
            lint.diagnostics.len(),
            if lint.diagnostics.len() == 1 { "" } else { "s" },
            crate::sanitize::path(deck)
        );
    }
    Ok(())
}

//! The command line: arguments ([`args`]), shared output ([`output`]), and
//! one module per command. Each command parses its arguments into a
//! request, calls the application layer ([`crate::app`]) and prints the
//! outcome; no command module uses another. [`run`] turns the outcome into
//! an exit code, printing any error exactly once.

pub mod args;
pub mod browse_cmd;
pub mod card_cmd;
pub mod cards_cmd;
pub mod check_cmd;
pub mod class_cmd;
pub mod config_cmd;
pub mod docs_cmd;
pub mod doctor_cmd;
pub mod export_cmd;
pub mod import_cmd;
pub mod memory_cmd;
pub mod output;
pub mod quiz_cmd;
pub mod reschedule_cmd;
pub mod reset_cmd;
pub mod stats_cmd;
pub mod study_cmd;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use args::Args;
use args::Command;
pub use output::EXIT_FAILURE;
pub use output::EXIT_OK;
pub use output::EXIT_USAGE;

/// Runs docket with the given arguments (the first is the program name).
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args = match Args::try_parse_from(args) {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    output::apply_color_rule();
    let outcome = match args.command {
        Some(Command::Check(c)) => check_cmd::run(&c),
        Some(Command::Import(a)) => import_cmd::run(&a),
        Some(Command::Export(a)) => export_cmd::run(&a),
        Some(Command::Study(s)) => study_cmd::run(&s),
        Some(Command::Cards(c)) => cards_cmd::run(&c),
        Some(Command::Stats(s)) => stats_cmd::run(&s),
        Some(Command::Reset(r)) => reset_cmd::run(&r),
        Some(Command::Reschedule(r)) => reschedule_cmd::run(&r),
        Some(Command::Card(c)) => card_cmd::run(&c),
        Some(Command::Browse(b)) => browse_cmd::run(&b),
        Some(Command::Config(c)) => config_cmd::run(&c),
        None => study_cmd::run(&args::StudyArgs {
            decks: Vec::new(),
            options: args.study,
        }),
        Some(Command::Quiz(q)) => quiz_cmd::run(&q),
        Some(Command::Optimize(a)) => memory_cmd::optimize(&a),
        Some(Command::Simulate(a)) => memory_cmd::simulate(&a),
        Some(Command::ExportLog(a)) => memory_cmd::export_log(&a),
        Some(Command::Class(c)) => class_cmd::run(&c),
        Some(Command::Doctor(d)) => doctor_cmd::run(&d),
        Some(Command::Completions(c)) => docs_cmd::completions(&c),
        Some(Command::Man(m)) => docs_cmd::man(&m),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) if output::is_broken_pipe(&e) => ExitCode::from(EXIT_OK),
        Err(e) => {
            eprintln!("docket: {e:#}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

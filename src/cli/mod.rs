//! The command line: arguments ([`args`]), and one module per command.
//! [`run`] parses the arguments, runs the command and turns its outcome into
//! an exit code, printing any error exactly once.

pub mod args;
pub mod cards_cmd;
pub mod check_cmd;
pub mod config_cmd;
pub mod export_cmd;
pub mod import_cmd;
pub mod import_history;
pub mod quiz_cmd;
pub mod reset_cmd;
pub mod stats_cmd;
pub mod study_cmd;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use args::Args;
use args::Command;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the command ran and found problems (a deck with errors).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code: the command line was wrong.
pub const EXIT_USAGE: u8 = 2;

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
    let outcome = match args.command {
        Some(Command::Check(c)) => check_cmd::run(&c),
        Some(Command::Import(a)) => import_cmd::run(&a),
        Some(Command::Export(a)) => export_cmd::run(&a),
        Some(Command::Study(s)) => study_cmd::run(&s),
        Some(Command::Cards(c)) => cards_cmd::run(&c),
        Some(Command::Stats(s)) => stats_cmd::run(&s),
        Some(Command::Reset(r)) => reset_cmd::run(&r),
        Some(Command::Config(c)) => config_cmd::run(&c),
        None => study_cmd::run(&study_cmd::StudyArgs {
            decks: Vec::new(),
            options: args.study,
        }),
        Some(Command::Quiz(q)) => quiz_cmd::run(&q),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        // The reader went away (`docket check --json | head -1`): nothing
        // is wrong, as with any well-behaved filter.
        Err(e) if is_broken_pipe(&e) => ExitCode::from(EXIT_OK),
        Err(e) => {
            eprintln!("docket: {e:#}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

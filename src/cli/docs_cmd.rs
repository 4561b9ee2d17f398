//! `docket completions SHELL` and `docket man`: shell completions and
//! manual pages, generated from the same clap definitions as the parser,
//! so they never disagree with it.

use std::io::Write;

use clap::CommandFactory;

use super::args::Args;
use super::args::CompletionsArgs;
use super::args::ManArgs;
use super::output;
use super::output::EXIT_OK;
use crate::app::AppError;

/// Runs `docket completions`.
pub fn completions(args: &CompletionsArgs) -> anyhow::Result<u8> {
    let mut cmd = Args::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut cmd, "docket", &mut out);
    out.flush()?;
    Ok(EXIT_OK)
}

/// Runs `docket man`.
pub fn man(args: &ManArgs) -> anyhow::Result<u8> {
    let cmd = Args::command();
    match &args.dir {
        None => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(cmd).render(&mut out)?;
            out.flush()?;
        }
        Some(dir) => {
            let written = std::fs::create_dir_all(dir)
                .and_then(|()| clap_mangen::generate_to(cmd, dir))
                .map_err(|e| AppError::Failed(format!("{}: cannot write: {e}", dir.display())));
            if let Err(e) = written {
                return Ok(output::report("docket man", &e));
            }
        }
    }
    Ok(EXIT_OK)
}

//! `docket check`: validates decks and proves their quotes, reporting every
//! problem of every file.

use std::io::Write;

use codespan_reporting::term::termcolor::StandardStream;

use super::args::CheckArgs;
use super::output;
use super::output::EXIT_FAILURE;
use super::output::EXIT_OK;
use crate::app::checking::check_paths;
use crate::check::CheckOptions;
use crate::diagnostic::json;
use crate::diagnostic::render;

/// The last JSON record of `docket check --json`.
#[derive(serde::Serialize)]
struct Summary {
    #[serde(rename = "type")]
    kind: &'static str,
    decks: usize,
    cards: usize,
    errors: usize,
    warnings: usize,
}

/// Sets how glibc's allocator grows and shrinks its heaps for a run of
/// `docket check`. Each rayon worker allocates from a heap of its own,
/// which glibc grows a few pages at a time with `mprotect` and gives back
/// as soon as the top is free: checking 1,000 cards made 240-280 such
/// calls. With a 1 MiB pad and up to 64 MiB kept free at the top it makes
/// 20-100 (it varies with which thread parses what), and the run takes
/// about 8% less CPU time (`docs/performance.md`). Setting these turns off
/// glibc's adaptive threshold for serving large blocks by `mmap`, so that
/// is fixed at its largest (32 MiB): a large deck's buffers then come from
/// the heaps, as the adaptive threshold had them after the first ones.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets the allocator's parameters (under its own
    // lock); a value it refuses is ignored and the default stays.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, 1 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
    }
}

/// Runs `docket check`.
pub fn run(args: &CheckArgs) -> anyhow::Result<u8> {
    tune_allocator();
    let options = CheckOptions {
        sources_dir: args.sources.clone(),
        strict: args.strict,
        lint: args.lint,
        notes: args.json || args.lint,
        ..CheckOptions::default()
    };
    let run = match check_paths(&args.paths, &options) {
        Ok(r) => r,
        Err(e) => return Ok(output::report("docket check", &e)),
    };
    let (errors, warnings, cards) = (run.errors, run.warnings, run.cards);
    let loaded = &run.decks;
    if args.json {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        for (l, _) in loaded {
            for d in &l.diagnostics {
                writeln!(
                    out,
                    "{}",
                    crate::sanitize::json(&json::record(&l.path, &l.text, d))?
                )?;
            }
        }
        let summary = Summary {
            kind: "summary",
            decks: loaded.len(),
            cards,
            errors,
            warnings,
        };
        writeln!(out, "{}", crate::sanitize::json(&summary)?)?;
    } else {
        let mut err = StandardStream::stderr(output::stderr_color());
        let style = if args.short {
            render::Style::Short
        } else {
            render::Style::Rich
        };
        for (l, _) in loaded {
            render::render(&mut err, &l.path, &l.text, &l.diagnostics, style)?;
        }
        let status = if errors > 0 { "FAILED" } else { "ok" };
        writeln!(
            err,
            "checked {} deck{}, {cards} card{}: {errors} error{}, {warnings} warning{} ({status})",
            loaded.len(),
            if loaded.len() == 1 { "" } else { "s" },
            if cards == 1 { "" } else { "s" },
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" },
        )?;
    }
    Ok(if errors > 0 { EXIT_FAILURE } else { EXIT_OK })
}

//! What every command shares for output: exit codes, whether to colour
//! stderr, a spinner for long steps, and printing an application error
//! once, in one way.

use std::time::Duration;

use codespan_reporting::term::termcolor::ColorChoice;
use codespan_reporting::term::termcolor::StandardStream;

use crate::app::AppError;
use crate::app::Progress;
use crate::diagnostic::render;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the command ran and found problems (a deck with errors).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code: the command line was wrong.
pub const EXIT_USAGE: u8 = 2;

/// Whether colour is turned off by the environment: `NO_COLOR` present
/// and not empty.
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Whether to colour output written to stderr: only on a terminal, and
/// never when NO_COLOR is set. Decided here rather than by termcolor's
/// `Auto`, which also counts an empty `NO_COLOR`.
pub fn stderr_color() -> ColorChoice {
    if !no_color() && console::Term::stderr().features().is_attended() {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    }
}

/// Applies the colour rule to the `console` crate too (it also counts an
/// empty `NO_COLOR`): colour on a terminal unless `NO_COLOR` is present
/// and not empty.
pub fn apply_color_rule() {
    let on = !no_color();
    console::set_colors_enabled(on && console::Term::stdout().features().is_attended());
    console::set_colors_enabled_stderr(on && console::Term::stderr().features().is_attended());
}

/// The exit code for an application error.
pub fn exit_code(e: &AppError) -> u8 {
    match e {
        AppError::Request(_) => EXIT_USAGE,
        _ => EXIT_FAILURE,
    }
}

/// Prints an application error on stderr, after `prefix` ("docket
/// import"), and returns its exit code. A deck's diagnostics are drawn
/// first, as `docket check` draws them.
pub fn report(prefix: &str, e: &AppError) -> u8 {
    if let AppError::Invalid(inv) = e {
        let mut err = StandardStream::stderr(stderr_color());
        let style = if inv.brief {
            render::Style::Short
        } else {
            render::Style::Rich
        };
        let _ = render::render(&mut err, &inv.path, &inv.text, &inv.diagnostics, style);
    }
    // Messages quote paths, file contents and names: none reaches the
    // terminal raw.
    eprintln!("{prefix}: {}", crate::sanitize::clean(&e.to_string()));
    exit_code(e)
}

/// A spinner on stderr for steps that may take a while; hidden when stderr
/// is not a terminal.
#[derive(Default)]
pub struct Spinner(Option<indicatif::ProgressBar>);

impl Progress for Spinner {
    fn begin(&mut self, what: String) {
        let pb =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        pb.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        pb.set_message(what);
        pb.enable_steady_tick(Duration::from_millis(120));
        self.0 = Some(pb);
    }

    fn end(&mut self) {
        if let Some(pb) = self.0.take() {
            pb.finish_and_clear();
        }
    }
}

/// A progress bar on stderr (hidden when stderr is not a terminal).
pub fn progress_bar(what: &str) -> indicatif::ProgressBar {
    let pb =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    pb.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    pb.set_message(what.to_string());
    pb
}

/// Whether an error is only the reader going away (`docket check --json
/// | head -1`): nothing is wrong, as with any well-behaved filter.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

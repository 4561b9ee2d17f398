//! `docket study [DECK...]` (and `docket` alone, on the bundled deck):
//! opens the decks into the user's progress and drives a session over each
//! through the chosen frontend.

use std::io::IsTerminal;

use super::args::StudyArgs;
use super::output;
use super::output::EXIT_OK;
use crate::app::AppError;
use crate::app::Collection;
use crate::app::study::changed_notice;
use crate::frontend;
use crate::frontend::Frontend;

/// Runs `docket study`.
pub fn run(args: &StudyArgs) -> anyhow::Result<u8> {
    let (mut collection, decks) = match Collection::open_with_decks(&args.decks) {
        Ok(p) => p,
        Err(e) => return Ok(output::report("docket", &e)),
    };
    if let Some(file) = &args.options.missed
        && let Err(e) = make_missed_due(&mut collection, &decks, file)
    {
        return Ok(output::report("docket", &e));
    }
    let seed = args.options.sched.seed.unwrap_or_else(rand::random);
    let plain =
        args.options.plain || !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal();
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut fe: Box<dyn Frontend> = if args.options.json {
        Box::new(frontend::json::Json::new(
            stdin.lock(),
            std::io::BufWriter::new(stdout.lock()),
        ))
    } else if plain {
        Box::new(frontend::plain::Plain::new(
            stdin.lock(),
            std::io::BufWriter::new(stdout.lock()),
            args.options.rate,
        ))
    } else {
        Box::new(frontend::tui::Tui::new(!output::no_color())?)
    };
    let overrides = crate::app::Overrides {
        review_ahead_days: args.options.ahead,
        ..args.options.sched.overrides()
    };
    for deck in &decks {
        // The load balancer's counts are read when the first card needs them.
        let sched = match collection.scheduler_without_load(deck.meta(), &overrides) {
            Ok(s) => s,
            Err(e) => {
                // Leave the study screen first, so the message stays visible.
                drop(fe);
                return Ok(output::report("docket", &e));
            }
        };
        let mut first: Vec<_> = changed_notice(&deck.sync).into_iter().collect();
        let source = deck.deck.source();
        let mut study = collection.start_session(source.as_ref(), sched, seed)?;
        first.append(&mut study.first);
        if frontend::drive(
            &mut study.session,
            fe.as_mut(),
            study.clock,
            first,
            Some(args.options.limit),
        )? {
            break;
        }
    }
    Ok(EXIT_OK)
}

/// `--missed FILE`: the quiz's missed cards become due now in the deck
/// they came from, which must be one of the decks studied.
fn make_missed_due(
    collection: &mut Collection,
    decks: &[crate::app::OpenedDeck],
    file: &std::path::Path,
) -> Result<(), AppError> {
    let missed = crate::app::quiz::read_missed(file)?;
    if !decks.iter().any(|d| d.meta().id == missed.deck_id) {
        return Err(AppError::Request(format!(
            "{}: the missed cards are from deck `{}` ({}); study that deck with --missed",
            file.display(),
            crate::sanitize::clean(&missed.deck_id),
            crate::sanitize::clean(&missed.deck_title)
        )));
    }
    let done = collection.make_due_now(&missed.deck_id, &missed.cards)?;
    eprintln!(
        "{} missed card{} due now{}{}",
        done.due.len(),
        if done.due.len() == 1 { "" } else { "s" },
        if done.new.is_empty() {
            String::new()
        } else {
            format!("; {} not studied yet come as new cards", done.new.len())
        },
        if done.unknown.is_empty() {
            String::new()
        } else {
            format!(
                "; {} no longer in the deck: {}",
                done.unknown.len(),
                crate::sanitize::clean(&done.unknown.join(", "))
            )
        }
    );
    Ok(())
}

//! `docket config [KEY [VALUE]] [--deck ID | --preset NAME]`: the user's
//! scheduling settings, kept in the progress store. Without `--deck` a
//! setting is the user's default; a deck's preset wins over it, and a
//! setting with `--deck` wins over both. `docket config preset
//! list|create|show|assign|unassign|delete [NAME]` manages the presets
//! (Anki's deck option presets).

use super::args::ConfigArgs;
use super::output;
use super::output::EXIT_FAILURE;
use super::output::EXIT_OK;
use crate::app::AppError;
use crate::app::Collection;
use crate::app::settings;
use crate::clock::SystemClock;

/// Runs `docket config`.
pub fn run(args: &ConfigArgs) -> anyhow::Result<u8> {
    // Settings need no time: a bad DOCKET_NOW is not this command's concern.
    let mut collection = match Collection::open(SystemClock::Real) {
        Ok(c) => c,
        Err(e) => return Ok(output::report("docket", &e)),
    };
    if let Some(deck) = &args.deck {
        // `preset:NAME` is where presets keep their values: not a deck.
        let checked = crate::schedule::config::validate_scope(deck).and_then(|()| {
            if deck.starts_with("preset:") {
                Err(format!(
                    "`{}` is not a deck id; use --preset NAME for a preset",
                    crate::sanitize::clean(deck)
                ))
            } else {
                Ok(())
            }
        });
        if let Err(e) = checked {
            return Ok(output::report("docket config", &AppError::Request(e)));
        }
    }
    if args.key.as_deref() == Some("preset") {
        return Ok(match preset(&mut collection, args) {
            Ok(()) => EXIT_OK,
            Err(e) => output::report("docket config preset", &e),
        });
    }
    if args.name.is_some() {
        return Ok(output::report(
            "docket config",
            &AppError::Request("too many arguments: give KEY and VALUE".into()),
        ));
    }
    let scope = match (&args.deck, &args.preset) {
        (Some(d), _) => d.clone(),
        (None, Some(p)) => {
            // The preset must exist: a typo would otherwise store settings
            // no deck uses.
            if let Err(e) = collection.preset_settings(p) {
                return Ok(output::report("docket config", &e));
            }
            settings::preset_scope(p)
        }
        (None, None) => String::new(),
    };
    let outcome = match (&args.key, &args.value) {
        (None, _) => {
            if let Some(deck) = &args.deck {
                let p = collection.deck_preset(deck)?;
                println!(
                    "{:<18} {:<10} the deck's preset (docket config preset assign NAME --deck ID)",
                    "preset",
                    p.as_deref().unwrap_or("-")
                );
            }
            for (key, help) in settings::KEYS {
                let value = collection.setting(&scope, key)?;
                println!("{key:<18} {:<10} {help}", value.as_deref().unwrap_or("-"));
            }
            Ok(())
        }
        (Some(key), None) if !settings::is_key(key) => Err(AppError::Request(
            crate::schedule::config::validate_key(key)
                .err()
                .unwrap_or_default(),
        )),
        (Some(key), None) if args.unset => collection.unset_setting(&scope, key),
        (Some(key), None) => match collection.setting(&scope, key)? {
            Some(v) => {
                println!("{v}");
                Ok(())
            }
            None => {
                // Like `git config`, an unset key exits 1 (scripts test
                // it); unlike it, say so, and what applies instead.
                let help = settings::KEYS
                    .iter()
                    .find(|(k, _)| k == key)
                    .map_or("", |(_, h)| *h);
                let place = match (&args.deck, &args.preset) {
                    (Some(d), _) => format!("for deck `{}`", crate::sanitize::clean(d)),
                    (None, Some(p)) => format!("in preset `{p}`"),
                    (None, None) => "for you".to_string(),
                };
                eprintln!("docket config: {key} is not set {place}; {help}");
                return Ok(EXIT_FAILURE);
            }
        },
        (Some(key), Some(value)) if args.reschedule => reschedule(&scope, key, value),
        (Some(key), Some(value)) => collection.set_setting(&scope, key, value),
    };
    match outcome {
        Ok(()) => Ok(EXIT_OK),
        Err(e) => Ok(output::report("docket config", &e)),
    }
}

/// `docket config desired_retention VALUE --reschedule`: sets it, then
/// reschedules the decks whose retention changed, at the time
/// `DOCKET_NOW` gives.
fn reschedule(scope: &str, key: &str, value: &str) -> Result<(), AppError> {
    if key != "desired_retention" {
        return Err(AppError::Request(format!(
            "--reschedule goes with desired_retention, not {}; for new parameters use \
             `docket optimize --reschedule`",
            crate::sanitize::clean(key)
        )));
    }
    let mut collection = Collection::open(crate::app::collection::clock_from_env()?)?;
    let done = collection.set_retention_and_reschedule(scope, value)?;
    if done.is_empty() {
        eprintln!("no deck's desired retention changed: nothing rescheduled");
    }
    for (deck, u) in done {
        println!(
            "deck `{}`: {} memory state{} recomputed, {} review card{} rescheduled",
            crate::sanitize::clean(&deck),
            u.recomputed,
            if u.recomputed == 1 { "" } else { "s" },
            u.rescheduled,
            if u.rescheduled == 1 { "" } else { "s" }
        );
    }
    Ok(())
}

/// `docket config preset ACTION [NAME]`.
fn preset(collection: &mut Collection, args: &ConfigArgs) -> Result<(), AppError> {
    let action = args.value.as_deref().unwrap_or("list");
    let name = || {
        args.name
            .as_deref()
            .ok_or_else(|| AppError::Request(format!("`preset {action}` needs a preset name")))
    };
    let deck = || {
        args.deck
            .as_deref()
            .ok_or_else(|| AppError::Request(format!("`preset {action}` needs --deck DECK_ID")))
    };
    match action {
        "list" => {
            let names = collection.presets()?;
            if names.is_empty() {
                eprintln!("no presets; `docket config preset create NAME` makes one");
            }
            for n in names {
                println!("{n}");
            }
        }
        "create" => {
            let n = name()?;
            collection.create_preset(n, args.from.as_deref())?;
            eprintln!(
                "created preset `{n}`; set its values with `docket config KEY VALUE --preset {n}`"
            );
        }
        "show" => {
            for (key, value) in collection.preset_settings(name()?)? {
                println!("{key:<18} {}", value.as_deref().unwrap_or("-"));
            }
        }
        "assign" => {
            let (n, d) = (name()?, deck()?);
            collection.assign_preset(d, Some(n))?;
            eprintln!("deck `{}` now uses preset `{n}`", crate::sanitize::clean(d));
        }
        "unassign" => {
            let d = deck()?;
            collection.assign_preset(d, None)?;
            eprintln!(
                "deck `{}` uses no preset: your own settings apply",
                crate::sanitize::clean(d)
            );
        }
        "delete" => {
            let n = name()?;
            collection.delete_preset(n)?;
            eprintln!("deleted preset `{n}`; decks that used it now use your own settings");
        }
        other => {
            return Err(AppError::Request(format!(
                "unknown preset action `{}`: use list, create, show, assign, unassign or delete",
                crate::sanitize::clean(other)
            )));
        }
    }
    Ok(())
}

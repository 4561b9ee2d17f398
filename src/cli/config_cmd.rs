//! `docket config [KEY [VALUE]] [--deck ID]`: the user's scheduling
//! settings, kept in the progress store. Without `--deck` a setting is the
//! user's default; with it, it applies to that deck only and wins.

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
    if let Some(deck) = &args.deck
        && let Err(e) = crate::schedule::config::validate_scope(deck)
    {
        return Ok(output::report("docket config", &AppError::Request(e)));
    }
    let scope = args.deck.as_deref().unwrap_or("");
    let outcome = match (&args.key, &args.value) {
        (None, _) => {
            for (key, help) in settings::KEYS {
                let value = collection.setting(scope, key)?;
                println!("{key:<18} {:<10} {help}", value.as_deref().unwrap_or("-"));
            }
            Ok(())
        }
        (Some(key), None) if !settings::is_key(key) => Err(AppError::Request(
            crate::schedule::config::validate_key(key)
                .err()
                .unwrap_or_default(),
        )),
        (Some(key), None) if args.unset => collection.unset_setting(scope, key),
        (Some(key), None) => match collection.setting(scope, key)? {
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
                let place = match &args.deck {
                    Some(d) => format!("for deck `{}`", crate::sanitize::clean(d)),
                    None => "for you".to_string(),
                };
                eprintln!("docket config: {key} is not set {place}; {help}");
                return Ok(EXIT_FAILURE);
            }
        },
        (Some(key), Some(value)) => collection.set_setting(scope, key, value),
    };
    match outcome {
        Ok(()) => Ok(EXIT_OK),
        Err(e) => Ok(output::report("docket config", &e)),
    }
}

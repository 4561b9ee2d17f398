//! `docket config [KEY [VALUE]] [--deck ID]`: the user's scheduling
//! settings, kept in the progress store. Without `--deck` a setting is the
//! user's default; with it, it applies to that deck only and wins.

use super::EXIT_FAILURE;
use super::EXIT_OK;
use super::EXIT_USAGE;
use super::study_cmd::open_store;
use crate::schedule::config::parse_steps;
use crate::store::Store;

/// The settings `docket config` knows, with what each means.
pub const KEYS: [(&str, &str); 7] = [
    (
        "desired_retention",
        "retention to aim for, 0.70-0.99 (default: the deck's, else 0.9)",
    ),
    ("new_per_day", "new cards per day (default 20)"),
    ("reviews_per_day", "reviews per day (default 200)"),
    ("learn_steps", "learning steps (default \"1m 10m\")"),
    ("relearn_steps", "relearning steps (default \"10m\")"),
    (
        "day_start_hour",
        "hour a study day starts, 0-23 (default 4)",
    ),
    (
        "fsrs_params",
        "FSRS parameters as a JSON array of 17, 19 or 21 numbers (default: FSRS-6's)",
    ),
];

/// Arguments of `docket config`.
#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// The setting; none lists them all.
    pub key: Option<String>,
    /// The new value; none shows the current one.
    pub value: Option<String>,
    /// Apply to this deck id only.
    #[arg(long, value_name = "DECK_ID")]
    pub deck: Option<String>,
    /// Remove the setting.
    #[arg(long, conflicts_with = "value")]
    pub unset: bool,
}

fn validate(key: &str, value: &str) -> Result<(), String> {
    let ok = match key {
        "desired_retention" => value
            .parse::<f32>()
            .is_ok_and(|r| (0.7..=0.99).contains(&r)),
        "new_per_day" | "reviews_per_day" => value.parse::<u32>().is_ok(),
        "day_start_hour" => value.parse::<u32>().is_ok_and(|h| h < 24),
        "learn_steps" | "relearn_steps" => return parse_steps(value).map(|_| ()),
        "fsrs_params" => serde_json::from_str::<Vec<f32>>(value)
            .ok()
            .is_some_and(|p| fsrs::FSRS::new(&p).is_ok()),
        _ => return Err(format!("unknown setting `{key}`; see `docket config`")),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("`{value}` is not a valid {key}"))
    }
}

/// Runs `docket config`.
pub fn run(args: &ConfigArgs) -> anyhow::Result<u8> {
    let mut store = match open_store() {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let scope = args.deck.as_deref().unwrap_or("");
    match (&args.key, &args.value) {
        (None, _) => {
            for (key, help) in KEYS {
                let value = store.setting(scope, key)?;
                println!("{key:<18} {:<10} {help}", value.as_deref().unwrap_or("-"));
            }
        }
        (Some(key), None) => {
            if !KEYS.iter().any(|(k, _)| k == key) {
                eprintln!("docket config: unknown setting `{key}`; see `docket config`");
                return Ok(EXIT_USAGE);
            }
            if args.unset {
                store.set_setting(scope, key, "")?;
                return Ok(EXIT_OK);
            }
            match store.setting(scope, key)?.filter(|v| !v.is_empty()) {
                Some(v) => println!("{v}"),
                None => return Ok(EXIT_FAILURE),
            }
        }
        (Some(key), Some(value)) => {
            if let Err(e) = validate(key, value) {
                eprintln!("docket config: {e}");
                return Ok(EXIT_USAGE);
            }
            store.set_setting(scope, key, value)?;
        }
    }
    Ok(EXIT_OK)
}

//! Scheduling settings: defaults, then the deck file, then the user's
//! stored settings (for everyone, then for one deck), then what the
//! surface asks for this run. Also the list of keys a user may set, and
//! their validation.

use crate::deck::model::DeckMeta;
use crate::schedule::SchedulerConfig;
use crate::schedule::config::parse_steps;
use crate::store::Store;

/// The settings a user may keep, with what each means.
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

/// What a surface asks for this run only, over the stored settings.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Overrides {
    /// Do not fuzz intervals.
    pub no_fuzz: bool,
    /// New cards per day.
    pub new_limit: Option<u32>,
    /// Reviews per day.
    pub review_limit: Option<u32>,
    /// Retention to aim for.
    pub desired_retention: Option<f32>,
}

/// Whether `key` is a setting a user may keep.
pub fn is_key(key: &str) -> bool {
    KEYS.iter().any(|(k, _)| *k == key)
}

/// Checks a value before it is stored.
pub fn validate(key: &str, value: &str) -> Result<(), String> {
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

/// The scheduler settings for a deck. An error names the setting that
/// cannot be used.
pub fn scheduler_config(
    store: &dyn Store,
    deck: &DeckMeta,
    overrides: &Overrides,
) -> Result<SchedulerConfig, String> {
    let mut c = SchedulerConfig {
        desired_retention: deck.desired_retention,
        ..SchedulerConfig::default()
    };
    for scope in ["", deck.id.as_str()] {
        let get = |key: &str| {
            store
                .setting(scope, key)
                .map(|v| v.filter(|v| !v.is_empty()))
                .map_err(|e| e.to_string())
        };
        let bad = |key: &str, v: &str| format!("stored setting {key} = `{v}` is not valid");
        if let Some(v) = get("desired_retention")? {
            c.desired_retention = v.parse().map_err(|_| bad("desired_retention", &v))?;
        }
        if let Some(v) = get("new_per_day")? {
            c.new_per_day = v.parse().map_err(|_| bad("new_per_day", &v))?;
        }
        if let Some(v) = get("reviews_per_day")? {
            c.reviews_per_day = v.parse().map_err(|_| bad("reviews_per_day", &v))?;
        }
        if let Some(v) = get("learn_steps")? {
            c.learn_steps = parse_steps(&v)?;
        }
        if let Some(v) = get("relearn_steps")? {
            c.relearn_steps = parse_steps(&v)?;
        }
        if let Some(v) = get("day_start_hour")? {
            c.day_start_hour = v.parse().map_err(|_| bad("day_start_hour", &v))?;
        }
        if let Some(v) = get("fsrs_params")? {
            c.params = serde_json::from_str(&v).map_err(|_| bad("fsrs_params", &v))?;
        }
    }
    if let Some(n) = overrides.new_limit {
        c.new_per_day = n;
    }
    if let Some(n) = overrides.review_limit {
        c.reviews_per_day = n;
    }
    if let Some(r) = overrides.desired_retention {
        c.desired_retention = r;
    }
    if !(0.7..=0.99).contains(&c.desired_retention) {
        return Err(format!(
            "desired retention {} is outside 0.70–0.99",
            c.desired_retention
        ));
    }
    c.fuzz = !overrides.no_fuzz;
    Ok(c)
}

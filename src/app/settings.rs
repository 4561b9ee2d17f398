//! Scheduling settings: defaults, then the deck file, then the user's
//! stored settings (for everyone, then for one deck), then what the
//! surface asks for this run. Also the list of keys a user may set, and
//! their validation.

use crate::deck::model::DeckMeta;
use crate::schedule::SchedulerConfig;
use crate::schedule::config;
use crate::store::Store;

/// The settings a user may keep, with what each means (the scheduler's
/// own list, so the two never disagree).
pub use crate::schedule::config::KEYS;

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
    config::validate_key(key).is_ok()
}

/// Checks a key (with a "did you mean" for a near miss), a scope and a
/// value before anything is stored; gives the value's normal form.
pub fn checked(scope: &str, key: &str, value: &str) -> Result<String, String> {
    config::validate_key(key)?;
    check_scope(scope)?;
    config::canonical_setting(key, value)
}

/// A scope names the user ("") or a deck; a deck scope may not be blank.
pub fn check_scope(scope: &str) -> Result<(), String> {
    if scope.is_empty() {
        Ok(())
    } else {
        config::validate_scope(scope)
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
        config::apply_stored(&mut c, |key| {
            store.setting(scope, key).map_err(|e| e.to_string())
        })?;
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
    if overrides.no_fuzz {
        c.fuzz = false;
    }
    Ok(c)
}

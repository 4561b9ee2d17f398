//! Scheduling settings: defaults, then the deck file, then the user's
//! stored settings (for everyone, then the deck's preset, then for one
//! deck), then what the surface asks for this run. Also the list of keys
//! a user may set, their validation, and named presets shared by decks
//! (Anki's deck option presets).
//!
//! Presets live in the settings store without a schema of their own: a
//! preset's values under the scope `preset:NAME`, the list of presets
//! under the user's key `presets`, and a deck's preset under the deck's
//! key `preset`.

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
    /// Review cards due within this many days after today too (Anki's
    /// custom study "review ahead").
    pub review_ahead_days: Option<u32>,
}

/// The user's key listing the presets (a JSON array of names).
pub const PRESETS_KEY: &str = "presets";
/// A deck's key naming its preset.
pub const DECK_PRESET_KEY: &str = "preset";

/// The settings scope of a preset.
pub fn preset_scope(name: &str) -> String {
    format!("preset:{name}")
}

/// Whether a preset name may be used: 1–40 letters, digits, `-` or `_`.
pub fn check_preset_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.chars().count() <= 40
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a preset name: use 1-40 letters, digits, - or _",
            crate::sanitize::clean(name)
        ))
    }
}

/// The presets, in the order they were created.
pub fn presets(store: &dyn Store) -> Result<Vec<String>, String> {
    match store
        .setting("", PRESETS_KEY)
        .map_err(|e| e.to_string())?
        .filter(|v| !v.is_empty())
    {
        None => Ok(Vec::new()),
        Some(v) => serde_json::from_str(&v)
            .map_err(|_| format!("the stored list of presets is unreadable: {v}")),
    }
}

/// The preset a deck uses, when it names one that still exists (Anki puts
/// the decks of a deleted preset back on its default).
pub fn deck_preset(store: &dyn Store, deck_id: &str) -> Result<Option<String>, String> {
    let Some(name) = store
        .setting(deck_id, DECK_PRESET_KEY)
        .map_err(|e| e.to_string())?
        .filter(|v| !v.is_empty())
    else {
        return Ok(None);
    };
    Ok(presets(store)?.contains(&name).then_some(name))
}

/// Whether `key` is a setting a user may keep.
pub fn is_key(key: &str) -> bool {
    config::validate_key(key).is_ok()
}

/// Checks a key (with a "did you mean" for a near miss), a scope (the
/// user "", a deck, or `preset:NAME`) and a value before anything is
/// stored; gives the value's normal form.
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
    let preset = deck_preset(store, &deck.id)?.map(|p| preset_scope(&p));
    let scopes = [Some(String::new()), preset, Some(deck.id.clone())];
    for scope in scopes.iter().flatten() {
        config::apply_stored(&mut c, |key| {
            store.setting(scope, key).map_err(|e| e.to_string())
        })?;
    }
    if let Some(n) = overrides.review_ahead_days {
        c.review_ahead_days = n;
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

//! [`SchedulerConfig`]: the settings the scheduler and queue run with
//! (Anki's defaults), passed in as a value; and the named settings a user
//! can store ([`KEYS`]), with their validation ([`validate_setting`]),
//! normal form ([`canonical_setting`]) and effect ([`apply_setting`]).

use serde::Serialize;

use crate::deck::model::DEFAULT_DESIRED_RETENTION;

/// The order of the day's reviews: Anki's choices (deck options, "Review
/// sort order"), with Anki's default, due date then random.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewOrder {
    /// Earliest due day first, then random (Anki's default).
    #[default]
    Day,
    /// Due day, then deck (docket studies one deck at a time: as `day`).
    DayThenDeck,
    /// Deck, then due day (one deck at a time: as `day`).
    DeckThenDay,
    /// Shortest interval first.
    IntervalsAscending,
    /// Longest interval first.
    IntervalsDescending,
    /// Under FSRS: hardest (highest difficulty) first (Anki's "ease ascending").
    EaseAscending,
    /// Under FSRS: easiest first.
    EaseDescending,
    /// Lowest retrievability first (docket's order before it was a setting).
    RetrievabilityAscending,
    /// Highest retrievability first.
    RetrievabilityDescending,
    /// Most overdue relative to the interval first.
    RelativeOverdueness,
    /// Random.
    Random,
    /// Deck order.
    Added,
    /// Reverse deck order.
    ReverseAdded,
}

impl ReviewOrder {
    /// Every order with its setting name.
    pub const ALL: [(ReviewOrder, &'static str); 13] = [
        (ReviewOrder::Day, "day"),
        (ReviewOrder::DayThenDeck, "day_then_deck"),
        (ReviewOrder::DeckThenDay, "deck_then_day"),
        (ReviewOrder::IntervalsAscending, "intervals_ascending"),
        (ReviewOrder::IntervalsDescending, "intervals_descending"),
        (ReviewOrder::EaseAscending, "ease_ascending"),
        (ReviewOrder::EaseDescending, "ease_descending"),
        (
            ReviewOrder::RetrievabilityAscending,
            "retrievability_ascending",
        ),
        (
            ReviewOrder::RetrievabilityDescending,
            "retrievability_descending",
        ),
        (ReviewOrder::RelativeOverdueness, "relative_overdueness"),
        (ReviewOrder::Random, "random"),
        (ReviewOrder::Added, "added"),
        (ReviewOrder::ReverseAdded, "reverse_added"),
    ];

    /// The setting name.
    pub fn name(self) -> &'static str {
        ReviewOrder::ALL
            .iter()
            .find(|(o, _)| *o == self)
            .map_or("day", |(_, n)| n)
    }

    /// Reads a setting name.
    pub fn parse(text: &str) -> Option<ReviewOrder> {
        let t = text.trim().to_ascii_lowercase().replace('-', "_");
        ReviewOrder::ALL
            .iter()
            .find(|(_, n)| *n == t)
            .map(|(o, _)| *o)
    }
}

/// Where one kind of card goes among the reviews (Anki's `ReviewMix`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewMix {
    /// Spread evenly among the reviews (Anki's default).
    #[default]
    MixWithReviews,
    /// After all reviews.
    AfterReviews,
    /// Before all reviews.
    BeforeReviews,
}

impl ReviewMix {
    /// Every choice with its setting name.
    pub const ALL: [(ReviewMix, &'static str); 3] = [
        (ReviewMix::MixWithReviews, "mix"),
        (ReviewMix::AfterReviews, "after"),
        (ReviewMix::BeforeReviews, "before"),
    ];

    /// Reads a setting name (`mix`, `after`, `before`).
    pub fn parse(text: &str) -> Option<ReviewMix> {
        let t = text.trim().to_ascii_lowercase();
        let t = t.trim_end_matches("_reviews").trim_end_matches("_with");
        ReviewMix::ALL
            .iter()
            .find(|(_, n)| *n == t)
            .map(|(m, _)| *m)
    }
}

/// Scheduling settings for one deck.
#[derive(Debug, Clone, PartialEq)]
pub struct SchedulerConfig {
    /// FSRS parameters; empty means the crate's FSRS-6 defaults.
    pub params: Vec<f32>,
    /// Retention the intervals aim for.
    pub desired_retention: f32,
    /// Learning steps in seconds (Anki: 1m 10m). Empty: FSRS times
    /// short-term learning itself, as Anki does with no steps.
    pub learn_steps: Vec<u32>,
    /// Relearning steps in seconds (Anki: 10m).
    pub relearn_steps: Vec<u32>,
    /// Longest interval in days.
    pub max_interval: u32,
    /// Whether intervals and learning steps are fuzzed.
    pub fuzz: bool,
    /// Hour at which a study day starts.
    pub day_start_hour: u32,
    /// New cards introduced per day.
    pub new_per_day: u32,
    /// Reviews per day.
    pub reviews_per_day: u32,
    /// Learning cards due within this many seconds are shown when nothing else is due.
    pub learn_ahead_secs: u32,
    /// Order of the day's reviews.
    pub review_order: ReviewOrder,
    /// Where new cards go among the reviews.
    pub new_review_mix: ReviewMix,
    /// Where interday learning cards go among the reviews.
    pub interday_learning_mix: ReviewMix,
    /// When false (Anki's default) the review limit also caps new cards.
    pub new_cards_ignore_review_limit: bool,
    /// Let FSRS time learning below half a day even when steps are set
    /// (Anki's `FsrsShortTermWithStepsEnabled`, off by default).
    pub fsrs_short_term_with_steps: bool,
    /// Lapses that make a card a leech (0: never).
    pub leech_threshold: u32,
    /// Pick the day within the fuzz range by the load of the days (Anki's
    /// load balancer, on by default).
    pub load_balancer: bool,
    /// Easy days: a percentage per weekday, Monday first (1 normal, 0
    /// minimum, between: reduced); used by the load balancer.
    pub easy_days: [f32; 7],
    /// Days ahead from which reviews are due this run (`study --ahead`,
    /// Anki's custom study "review ahead"); 0: only cards due today.
    pub review_ahead_days: u32,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        SchedulerConfig {
            params: Vec::new(),
            desired_retention: DEFAULT_DESIRED_RETENTION,
            learn_steps: vec![60, 600],
            relearn_steps: vec![600],
            max_interval: 36_500,
            fuzz: true,
            day_start_hour: crate::clock::DEFAULT_DAY_START_HOUR,
            new_per_day: 20,
            reviews_per_day: 200,
            learn_ahead_secs: 20 * 60,
            review_order: ReviewOrder::Day,
            new_review_mix: ReviewMix::MixWithReviews,
            interday_learning_mix: ReviewMix::MixWithReviews,
            new_cards_ignore_review_limit: false,
            fsrs_short_term_with_steps: false,
            leech_threshold: super::leech::DEFAULT_LEECH_THRESHOLD,
            load_balancer: true,
            easy_days: [1.0; 7],
            review_ahead_days: 0,
        }
    }
}

/// Reads steps such as `1m 10m 1h 1d` (a bare number is minutes). An
/// empty text or `none` means no steps (FSRS short-term scheduling).
pub fn parse_steps(text: &str) -> Result<Vec<u32>, String> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    text.split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
            let n: u32 = num
                .parse()
                .map_err(|_| format!("`{s}` is not a step like 10m"))?;
            let mult = match unit {
                "s" => 1,
                "" | "m" => 60,
                "h" => 3600,
                "d" => 86_400,
                _ => return Err(format!("`{s}`: use s, m, h or d")),
            };
            n.checked_mul(mult)
                .filter(|&v| v > 0)
                .ok_or_else(|| format!("`{s}` is out of range"))
        })
        .collect()
}

/// The settings `docket config` knows, with what each means.
pub const KEYS: [(&str, &str); 18] = [
    (
        "desired_retention",
        "retention to aim for, 0.70-0.99 (default: the deck's, else 0.9)",
    ),
    ("new_per_day", "new cards per day, 0-9999 (default 20)"),
    ("reviews_per_day", "reviews per day, 0-9999 (default 200)"),
    (
        "learn_steps",
        "learning steps (default \"1m 10m\"; \"\" or none: FSRS short-term scheduling)",
    ),
    (
        "relearn_steps",
        "relearning steps (default \"10m\"; \"\" or none: FSRS short-term scheduling)",
    ),
    (
        "day_start_hour",
        "hour a study day starts, 0-23 (default 4)",
    ),
    (
        "fsrs_params",
        "FSRS parameters as a JSON array of 17, 19 or 21 non-negative numbers (default: FSRS-6's)",
    ),
    (
        "max_interval",
        "longest interval in days, 1-36500 (default 36500)",
    ),
    (
        "review_order",
        "order of reviews: day (default: due date, then random), day_then_deck, deck_then_day, intervals_ascending, intervals_descending, ease_ascending, ease_descending, retrievability_ascending, retrievability_descending, relative_overdueness, random, added, reverse_added",
    ),
    (
        "new_review_mix",
        "new cards among reviews: mix (default), after, before",
    ),
    (
        "interday_learning_mix",
        "interday learning among reviews: mix (default), after, before",
    ),
    (
        "new_cards_ignore_review_limit",
        "true: the review limit does not cap new cards (default false)",
    ),
    (
        "learn_ahead_mins",
        "show learning cards due within this many minutes early, 0-1440 (default 20)",
    ),
    (
        "fsrs_short_term_with_steps",
        "true: FSRS may keep a card in learning below half a day even with steps (default false)",
    ),
    (
        "leech_threshold",
        "lapses that make a card a leech, 0 (never)-9999 (default 8)",
    ),
    (
        "fuzz",
        "true (default): spread intervals and learning steps as Anki does",
    ),
    (
        "load_balancer",
        "true (default, as Anki): within the fuzz range, prefer days with fewer cards due",
    ),
    (
        "easy_days",
        "seven numbers 0-1, Monday to Sunday: 1 normal (default), 0 minimum, between: reduced (with the load balancer)",
    ),
];

/// The known key closest to an unknown one, when one is close enough.
pub fn suggest_key(key: &str) -> Option<&'static str> {
    let key = key.trim().to_ascii_lowercase().replace('-', "_");
    KEYS.iter()
        .map(|(k, _)| (strsim::damerau_levenshtein(&key, k), *k))
        .filter(|(d, k)| *d <= 3.max(k.len() / 4) || k.contains(key.as_str()) && key.len() >= 4)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn unknown(key: &str) -> String {
    let shown = crate::sanitize::clean(key);
    match suggest_key(key) {
        Some(k) => format!("unknown setting `{shown}`; did you mean `{k}`?"),
        None => format!("unknown setting `{shown}`; see `docket config`"),
    }
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Some(true),
        "false" | "no" | "off" | "0" => Some(false),
        _ => None,
    }
}

fn parse_int(value: &str, range: std::ops::RangeInclusive<u32>) -> Option<u32> {
    value
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|v| range.contains(v))
}

/// Reads FSRS parameters: a JSON array (or numbers separated by commas or
/// spaces, as Anki's options show them) of 17, 19 or 21 finite,
/// non-negative numbers that FSRS accepts.
pub fn parse_params(value: &str) -> Result<Vec<f32>, String> {
    let t = value.trim();
    let nums: Vec<f64> = if t.starts_with('[') {
        serde_json::from_str(t).map_err(|_| "not a JSON array of numbers".to_string())?
    } else {
        t.split([',', ' ', '\t', '\n'])
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<f64>()
                    .map_err(|_| format!("`{s}` is not a number"))
            })
            .collect::<Result<_, _>>()?
    };
    if nums.is_empty() {
        return Err("no parameters given (unset the setting to use the defaults)".into());
    }
    if !matches!(nums.len(), 17 | 19 | 21) {
        return Err(format!(
            "{} parameters; FSRS takes 17, 19 or 21",
            nums.len()
        ));
    }
    if let Some(bad) = nums.iter().find(|v| !v.is_finite() || **v < 0.0) {
        return Err(format!("{bad} is not a non-negative number"));
    }
    let params: Vec<f32> = nums.iter().map(|&v| v as f32).collect();
    fsrs::FSRS::new(&params).map_err(|e| format!("FSRS refuses them: {e}"))?;
    if params.len() == 21 && !(0.1..=0.8).contains(&params[20]) {
        return Err(format!("decay {} is outside 0.1-0.8", params[20]));
    }
    Ok(params)
}

/// The normal form to store for a valid setting, or why it is refused.
/// Empty steps are stored as `none`, so that they are not mistaken for an
/// unset setting.
pub fn canonical_setting(key: &str, value: &str) -> Result<String, String> {
    let v = value.trim();
    let bad = |why: &str| {
        Err(format!(
            "`{}` is not a valid {key}: {why}",
            crate::sanitize::clean(value)
        ))
    };
    match key {
        "desired_retention" => match v.parse::<f64>() {
            // Checked as typed (not as f32) so 0.990000001 is refused.
            Ok(r) if (0.7..=0.99).contains(&r) => Ok(v.to_string()),
            _ => bad("use a number from 0.70 to 0.99"),
        },
        "new_per_day" | "reviews_per_day" | "leech_threshold" => match parse_int(v, 0..=9999) {
            Some(n) => Ok(n.to_string()),
            None => bad("use a whole number from 0 to 9999"),
        },
        "day_start_hour" => match parse_int(v, 0..=23) {
            Some(n) => Ok(n.to_string()),
            None => bad("use an hour from 0 to 23"),
        },
        "max_interval" => match parse_int(v, 1..=36_500) {
            Some(n) => Ok(n.to_string()),
            None => bad("use a number of days from 1 to 36500"),
        },
        "learn_ahead_mins" => match parse_int(v, 0..=1440) {
            Some(n) => Ok(n.to_string()),
            None => bad("use minutes from 0 to 1440"),
        },
        "learn_steps" | "relearn_steps" => match parse_steps(v) {
            Ok(steps) if steps.is_empty() => Ok("none".into()),
            Ok(_) => Ok(v.to_string()),
            Err(e) => bad(&e),
        },
        "fsrs_params" => match parse_params(v) {
            Ok(p) => Ok(serde_json::to_string(&p).unwrap_or_else(|_| v.to_string())),
            Err(e) => bad(&e),
        },
        "review_order" => match ReviewOrder::parse(v) {
            Some(o) => Ok(o.name().to_string()),
            None => bad("see `docket config` for the orders"),
        },
        "new_review_mix" | "interday_learning_mix" => match ReviewMix::parse(v) {
            Some(m) => Ok(ReviewMix::ALL
                .iter()
                .find(|(x, _)| *x == m)
                .map_or("mix", |(_, n)| n)
                .to_string()),
            None => bad("use mix, after or before"),
        },
        "new_cards_ignore_review_limit"
        | "fsrs_short_term_with_steps"
        | "fuzz"
        | "load_balancer" => match parse_bool(v) {
            Some(b) => Ok(b.to_string()),
            None => bad("use true or false"),
        },
        "easy_days" => match super::load_balancer::parse_easy_days(v) {
            Ok(days) => Ok(days.map(|d| d.to_string()).join(" ")),
            Err(e) => bad(&e),
        },
        _ => Err(unknown(key)),
    }
}

/// Whether a setting may be stored: `Err` says why not (out of range,
/// unreadable, or an unknown key with a "did you mean").
pub fn validate_setting(key: &str, value: &str) -> Result<(), String> {
    canonical_setting(key, value).map(|_| ())
}

/// Whether a key is one of [`KEYS`]; `Err` has a "did you mean".
pub fn validate_key(key: &str) -> Result<(), String> {
    if KEYS.iter().any(|(k, _)| *k == key) {
        Ok(())
    } else {
        Err(unknown(key))
    }
}

/// Whether a `--deck` scope may hold settings: not empty or blank.
pub fn validate_scope(deck_id: &str) -> Result<(), String> {
    if deck_id.trim().is_empty() {
        Err("the deck id is empty; leave out --deck for a setting of your own".into())
    } else {
        Ok(())
    }
}

/// Applies one stored setting to `config`.
pub fn apply_setting(config: &mut SchedulerConfig, key: &str, value: &str) -> Result<(), String> {
    let v = canonical_setting(key, value)?;
    let int = |v: &str| v.parse::<u32>().map_err(|e| e.to_string());
    match key {
        "desired_retention" => {
            config.desired_retention = v.parse::<f32>().map_err(|e| e.to_string())?
        }
        "new_per_day" => config.new_per_day = int(&v)?,
        "reviews_per_day" => config.reviews_per_day = int(&v)?,
        "leech_threshold" => config.leech_threshold = int(&v)?,
        "day_start_hour" => config.day_start_hour = int(&v)?,
        "max_interval" => config.max_interval = int(&v)?,
        "learn_ahead_mins" => config.learn_ahead_secs = int(&v)? * 60,
        "learn_steps" => config.learn_steps = parse_steps(&v)?,
        "relearn_steps" => config.relearn_steps = parse_steps(&v)?,
        "fsrs_params" => config.params = parse_params(&v)?,
        "review_order" => config.review_order = ReviewOrder::parse(&v).unwrap_or_default(),
        "new_review_mix" => config.new_review_mix = ReviewMix::parse(&v).unwrap_or_default(),
        "interday_learning_mix" => {
            config.interday_learning_mix = ReviewMix::parse(&v).unwrap_or_default()
        }
        "new_cards_ignore_review_limit" => config.new_cards_ignore_review_limit = v == "true",
        "fsrs_short_term_with_steps" => config.fsrs_short_term_with_steps = v == "true",
        "fuzz" => config.fuzz = v == "true",
        "load_balancer" => config.load_balancer = v == "true",
        "easy_days" => config.easy_days = super::load_balancer::parse_easy_days(&v)?,
        _ => return Err(unknown(key)),
    }
    Ok(())
}

/// Applies every stored setting `lookup` finds (None or an empty value:
/// not set) to `config`, in [`KEYS`] order. A stored value that is no
/// longer valid is an error naming the setting, not a silent default.
pub fn apply_stored(
    config: &mut SchedulerConfig,
    mut lookup: impl FnMut(&str) -> Result<Option<String>, String>,
) -> Result<(), String> {
    for (key, _) in KEYS {
        if let Some(v) = lookup(key)?.filter(|v| !v.is_empty()) {
            apply_setting(config, key, &v).map_err(|e| format!("stored setting {key}: {e}"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_parse() {
        assert_eq!(parse_steps("1m 10m").unwrap(), vec![60, 600]);
        assert_eq!(parse_steps("1h,2d").unwrap(), vec![3600, 172_800]);
        assert!(parse_steps("10x").is_err());
        assert!(parse_steps("0m").is_err());
        assert_eq!(parse_steps("").unwrap(), Vec::<u32>::new());
        assert_eq!(parse_steps("none").unwrap(), Vec::<u32>::new());
    }

    #[test]
    fn out_of_range_values_are_refused() {
        assert!(validate_setting("desired_retention", "0.990000001").is_err());
        assert!(validate_setting("desired_retention", "0.99").is_ok());
        assert!(validate_setting("desired_retention", "0.69").is_err());
        assert!(validate_setting("desired_retention", "NaN").is_err());
        assert!(validate_setting("fsrs_params", "").is_err());
        assert!(validate_setting("fsrs_params", "[]").is_err());
        let mut p: Vec<f32> = fsrs::DEFAULT_PARAMETERS.to_vec();
        assert!(validate_setting("fsrs_params", &serde_json::to_string(&p).unwrap()).is_ok());
        p[3] = -1.0;
        assert!(validate_setting("fsrs_params", &serde_json::to_string(&p).unwrap()).is_err());
        assert!(validate_setting("day_start_hour", "24").is_err());
        assert!(validate_setting("max_interval", "0").is_err());
        assert!(validate_setting("review_order", "sideways").is_err());
        assert!(validate_setting("fuzz", "maybe").is_err());
        assert!(validate_scope("").is_err());
        assert!(validate_scope("  ").is_err());
    }

    #[test]
    fn unknown_keys_get_a_suggestion() {
        let e = validate_setting("desired_retension", "0.9").unwrap_err();
        assert!(e.contains("did you mean `desired_retention`"), "{e}");
        let e = validate_setting("learn-steps", "1m").unwrap_err();
        assert!(e.contains("did you mean `learn_steps`"), "{e}");
        let e = validate_setting("colour", "red").unwrap_err();
        assert!(!e.contains("did you mean"), "{e}");
    }

    #[test]
    fn empty_steps_are_stored_as_none_and_mean_no_steps() {
        assert_eq!(canonical_setting("learn_steps", "").unwrap(), "none");
        let mut c = SchedulerConfig::default();
        apply_setting(&mut c, "learn_steps", "none").unwrap();
        assert!(c.learn_steps.is_empty());
        apply_setting(&mut c, "review_order", "retrievability_ascending").unwrap();
        assert_eq!(c.review_order, ReviewOrder::RetrievabilityAscending);
        apply_setting(&mut c, "new_review_mix", "after").unwrap();
        assert_eq!(c.new_review_mix, ReviewMix::AfterReviews);
        apply_setting(&mut c, "learn_ahead_mins", "5").unwrap();
        assert_eq!(c.learn_ahead_secs, 300);
    }

    #[test]
    fn stored_settings_apply_in_order_and_bad_ones_are_named() {
        let mut c = SchedulerConfig::default();
        apply_stored(&mut c, |k| {
            Ok(match k {
                "learn_steps" => Some("none".into()),
                "reviews_per_day" => Some("50".into()),
                "new_per_day" => Some(String::new()),
                _ => None,
            })
        })
        .unwrap();
        assert!(c.learn_steps.is_empty());
        assert_eq!((c.reviews_per_day, c.new_per_day), (50, 20));
        let e = apply_stored(&mut c, |k| {
            Ok((k == "desired_retention").then(|| "2".to_string()))
        })
        .unwrap_err();
        assert!(e.contains("desired_retention"), "{e}");
    }

    #[test]
    fn every_key_has_a_valid_example() {
        for (key, _) in KEYS {
            let example = match key {
                "desired_retention" => "0.85",
                "learn_steps" | "relearn_steps" => "10m",
                "fsrs_params" => {
                    "0.2 1.2 3.2 15.7 7.2 0.5 1.5 0.005 1.5 0.1 1.0 1.9 0.1 0.3 2.3 0.2 3.0 0.5 0.6 0.1 0.2"
                }
                "review_order" => "day",
                "new_review_mix" | "interday_learning_mix" => "before",
                "new_cards_ignore_review_limit"
                | "fsrs_short_term_with_steps"
                | "fuzz"
                | "load_balancer" => "true",
                "easy_days" => "1 1 1 1 1 0.5 0",
                _ => "4",
            };
            let mut c = SchedulerConfig::default();
            apply_setting(&mut c, key, example).unwrap_or_else(|e| panic!("{key}: {e}"));
        }
    }
}

//! [`SchedulerConfig`]: the settings the scheduler and queue run with
//! (Anki's defaults), passed in as a value.

use crate::deck::model::DEFAULT_DESIRED_RETENTION;

/// Scheduling settings for one deck.
#[derive(Debug, Clone, PartialEq)]
pub struct SchedulerConfig {
    /// FSRS parameters; empty means the crate's FSRS-6 defaults.
    pub params: Vec<f32>,
    /// Retention the intervals aim for.
    pub desired_retention: f32,
    /// Learning steps in seconds (Anki: 1m 10m).
    pub learn_steps: Vec<u32>,
    /// Relearning steps in seconds (Anki: 10m).
    pub relearn_steps: Vec<u32>,
    /// Longest interval in days.
    pub max_interval: u32,
    /// Whether intervals are fuzzed.
    pub fuzz: bool,
    /// Hour at which a study day starts.
    pub day_start_hour: u32,
    /// New cards introduced per day.
    pub new_per_day: u32,
    /// Reviews per day.
    pub reviews_per_day: u32,
    /// Learning cards due within this many seconds are shown when nothing else is due.
    pub learn_ahead_secs: u32,
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
        }
    }
}

/// Reads steps such as `1m 10m 1h 1d` (a bare number is minutes).
pub fn parse_steps(text: &str) -> Result<Vec<u32>, String> {
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

#[cfg(test)]
mod tests {
    #[test]
    fn steps_parse() {
        assert_eq!(super::parse_steps("1m 10m").unwrap(), vec![60, 600]);
        assert_eq!(super::parse_steps("1h,2d").unwrap(), vec![3600, 172_800]);
        assert!(super::parse_steps("10x").is_err());
        assert!(super::parse_steps("0m").is_err());
    }
}

//! Statistics: what is due today, cards by state (each card counted once:
//! a suspended card is counted as suspended, not also in its state), what
//! was done today, a 30-day forecast, a year's review calendar, true
//! retention as Anki shows it (young and mature cards over today,
//! yesterday, a week, a month and a year), distributions of stability,
//! difficulty and retrievability, and answer times. Computed only when
//! asked, never on the study path.

use serde::Serialize;

use super::AppResult;
use super::Collection;
use super::settings::Overrides;
use crate::clock::Days;
use crate::deck::model::DeckMeta;
use crate::schedule::Phase;
use crate::schedule::queue;
use crate::schedule::queue::QueueCounts;

/// How many days "recent" retention looks back.
pub const RETENTION_DAYS: i64 = 30;

/// Days in the forecast.
pub const FORECAST_DAYS: usize = 30;

/// Days in the review calendar.
pub const CALENDAR_DAYS: i64 = 365;

/// One deck's numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct DeckStats {
    /// Cards left today, within the daily limits.
    pub due_today: QueueCounts,
    /// Cards in the deck never studied (not suspended).
    pub new: usize,
    /// Cards in their learning steps (not suspended).
    pub learning: usize,
    /// Cards in review (not suspended).
    pub review: usize,
    /// Cards relearning after a lapse (not suspended).
    pub relearning: usize,
    /// Suspended cards, whatever their state.
    pub suspended: usize,
    /// Review answers in the last [`RETENTION_DAYS`] days.
    pub reviews: u32,
    /// Of those, answers other than Again.
    pub passed: u32,
}

impl DeckStats {
    /// Share of recent reviews passed; `None` before any review.
    pub fn retention(&self) -> Option<f64> {
        (self.reviews > 0).then(|| self.passed as f64 / self.reviews as f64)
    }
}

/// Cards by state; every card of the deck is in exactly one of these.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CardCounts {
    /// All cards in the deck.
    pub total: usize,
    /// Never studied.
    pub new: usize,
    /// In the learning steps.
    pub learning: usize,
    /// In review, interval under 21 days.
    pub young: usize,
    /// In review, interval of 21 days or more.
    pub mature: usize,
    /// Relearning after a lapse.
    pub relearning: usize,
    /// Suspended (whatever their state).
    pub suspended: usize,
    /// Buried until a later day (not suspended).
    pub buried: usize,
}

/// What was done today.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Today {
    /// Distinct cards answered.
    pub cards: u32,
    /// Answers given.
    pub answers: u32,
    /// Time spent answering, ms.
    pub time_ms: i64,
    /// Answers rated Again.
    pub again: u32,
    /// New cards seen for the first time.
    pub new_learned: u32,
}

/// Passed out of total reviews.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Ratio {
    /// Reviews not rated Again.
    pub passed: u32,
    /// All reviews.
    pub total: u32,
}

impl Ratio {
    /// The share passed, `None` without reviews.
    pub fn share(&self) -> Option<f64> {
        (self.total > 0).then(|| self.passed as f64 / self.total as f64)
    }

    fn add(&mut self, passed: bool, n: u32) {
        self.total += n;
        if passed {
            self.passed += n;
        }
    }
}

/// True retention over one period, as Anki shows it: reviews of cards in
/// review (not learning), passed unless rated Again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RetentionRow {
    /// `today`, `yesterday`, `week`, `month` or `year`.
    pub period: &'static str,
    /// Cards that had waited under 21 days.
    pub young: Ratio,
    /// Cards that had waited 21 days or more.
    pub mature: Ratio,
    /// Both.
    pub all: Ratio,
}

/// Counts in equal-width bins.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    /// What is counted and its unit.
    pub label: &'static str,
    /// Bin edges: bin `i` holds values from `edges[i]` up to `edges[i + 1]`.
    pub edges: Vec<f64>,
    /// Cards per bin.
    pub counts: Vec<u32>,
    /// The mean, when there are values.
    pub mean: Option<f64>,
}

impl Histogram {
    fn of(label: &'static str, values: &[f64], low: f64, high: f64, bins: usize) -> Histogram {
        let step = (high - low) / bins as f64;
        let mut counts = vec![0u32; bins];
        for &v in values {
            let i = (((v - low) / step).floor().max(0.0) as usize).min(bins - 1);
            counts[i] += 1;
        }
        Histogram {
            label,
            edges: (0..=bins).map(|i| low + step * i as f64).collect(),
            counts,
            mean: (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64),
        }
    }
}

/// One day of the review calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarDay {
    /// Local date, `2026-03-02`.
    pub date: String,
    /// Answers that day.
    pub answers: u32,
}

/// One day of the forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForecastDay {
    /// Local date.
    pub date: String,
    /// Learning and relearning cards due that day (today: also overdue).
    pub learning: u32,
    /// Review cards due that day, interval under 21 days.
    pub young: u32,
    /// Review cards due that day, interval of 21 days or more.
    pub mature: u32,
}

impl ForecastDay {
    /// All cards due that day.
    pub fn total(&self) -> u32 {
        self.learning + self.young + self.mature
    }
}

/// How long answers take.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerTime {
    /// Answers in the last year.
    pub answers: u32,
    /// Their total time, ms.
    pub total_ms: i64,
    /// Mean seconds per answer.
    pub mean_secs: Option<f64>,
    /// Median seconds per answer (whole seconds).
    pub median_secs: Option<u32>,
    /// `(seconds, answers)`: how many answers took each whole number of
    /// seconds (60 means a minute or more).
    pub seconds: Vec<(u32, u32)>,
}

/// Everything `docket stats` shows for one deck.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FullStats {
    /// Deck id.
    pub deck: String,
    /// Deck title.
    pub title: String,
    /// When computed (RFC 3339).
    pub at: String,
    /// Cards left today within the daily limits.
    pub due_today: QueueCounts,
    /// Cards by state.
    pub cards: CardCounts,
    /// Today.
    pub today: Today,
    /// Cards due per day, from today.
    pub forecast: Vec<ForecastDay>,
    /// Answers per day over the past year, oldest first, today last.
    pub calendar: Vec<CalendarDay>,
    /// True retention by period.
    pub retention: Vec<RetentionRow>,
    /// Stability in days of cards studied.
    pub stability: Histogram,
    /// Difficulty (1–10) of cards studied.
    pub difficulty: Histogram,
    /// Current retrievability of cards in review.
    pub retrievability: Histogram,
    /// Answer times.
    pub answer_time: AnswerTime,
    /// How well the schedule's predictions matched the answers.
    pub calibration: super::memory::Calibrations,
}

/// Reviews of this many days or more are "mature", as in Anki.
const MATURE_DAYS: u32 = 21;

fn date_of_day(day: i64) -> String {
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|d| d.checked_add_signed(chrono::TimeDelta::days(day)))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| day.to_string())
}

impl Collection {
    /// The statistics of one opened deck.
    pub fn deck_stats(&self, deck: &DeckMeta) -> AppResult<DeckStats> {
        let now = self.now();
        let sched = self.scheduler_without_load(deck, &Overrides::default())?;
        let due_today = queue::counts(self.store(), &deck.id, &sched, now)?;
        let rows = self.cards(&deck.id)?;
        let live = rows.iter().filter(|r| r.present);
        let count = |ph: Phase| {
            live.clone()
                .filter(|r| !r.suspended && r.state.phase == ph)
                .count()
        };
        let since = now.ms - RETENTION_DAYS * 86_400_000;
        let (reviews, passed) = self.store().reviews_passed_since(&deck.id, since)?;
        Ok(DeckStats {
            due_today,
            new: count(Phase::New),
            learning: count(Phase::Learning),
            review: count(Phase::Review),
            relearning: count(Phase::Relearning),
            suspended: live.clone().filter(|r| r.suspended).count(),
            reviews,
            passed,
        })
    }

    /// Everything `docket stats` shows for one opened deck.
    pub fn full_stats(&mut self, deck: &DeckMeta) -> AppResult<FullStats> {
        let now = self.now();
        let sched = self.scheduler_without_load(deck, &Overrides::default())?;
        let days: Days = sched.days(now);
        let today = days.day_of(now.ms);
        // The log's kept copy is decoded on another thread while the
        // cards are read here.
        let pending_log = self.store_mut().brief_log_begin(&deck.id)?;
        let due_today = queue::counts(self.store(), &deck.id, &sched, now)?;

        // Cards: states, forecast, distributions.
        let rows = self.store().card_progress(&deck.id)?;
        let mut cards = CardCounts::default();
        let mut forecast: Vec<ForecastDay> = (0..FORECAST_DAYS as i64)
            .map(|i| ForecastDay {
                date: date_of_day(today + i),
                learning: 0,
                young: 0,
                mature: 0,
            })
            .collect();
        let (mut stability, mut difficulty, mut retrievability) = (vec![], vec![], vec![]);
        for r in rows.iter().filter(|r| r.present) {
            cards.total += 1;
            let s = &r.state;
            let mature = s.interval_days >= MATURE_DAYS;
            if r.suspended {
                cards.suspended += 1;
            } else if r.buried_until_ms > now.ms {
                cards.buried += 1;
            } else {
                match s.phase {
                    Phase::New => cards.new += 1,
                    Phase::Learning => cards.learning += 1,
                    Phase::Relearning => cards.relearning += 1,
                    Phase::Review if mature => cards.mature += 1,
                    Phase::Review => cards.young += 1,
                }
            }
            if s.phase == Phase::New {
                continue;
            }
            stability.push(s.stability as f64);
            difficulty.push(s.difficulty as f64);
            if s.phase == Phase::Review
                && let Some(r) = sched.retrievability(s, now)
            {
                retrievability.push(r as f64);
            }
            if r.suspended {
                continue;
            }
            let at = (days.day_of(s.due_ms) - today).max(0);
            if let Some(f) = forecast.get_mut(at as usize) {
                match s.phase {
                    Phase::Review if mature => f.mature += 1,
                    Phase::Review => f.young += 1,
                    _ => f.learning += 1,
                }
            }
        }
        let max_stability = stability.iter().copied().fold(0.0f64, f64::max);
        // Round the stability axis up to a whole number of 10-day bins.
        let top = ((max_stability / 10.0).ceil() * 10.0).max(10.0);

        // The review log: one pass over the past year's rows.
        let year_start = days.start_of(today - (CALENDAR_DAYS - 1));
        // The offset at today's start (a fixed offset for the grouping; a
        // clock change within the year shifts the days on its far side by
        // an hour, as a day start near midnight would).
        let offset_ms = (days.zone.offset_at(days.start_of(today)) as i64
            - days.start_hour as i64 * 3600)
            * 1000;
        // The whole log, read once: the year's rows for the tables, all of
        // it for the calibration.
        let answers = self.store_mut().brief_log_finish(pending_log)?;
        let calibration = self.calibration_of(deck, &answers)?;
        let mut calendar: Vec<CalendarDay> = (0..CALENDAR_DAYS)
            .map(|i| CalendarDay {
                date: date_of_day(today - (CALENDAR_DAYS - 1) + i),
                answers: 0,
            })
            .collect();
        let periods: [(&'static str, i64, i64); 5] = [
            ("today", today, today),
            ("yesterday", today - 1, today - 1),
            ("week", today - 6, today),
            ("month", today - 29, today),
            ("year", today - (CALENDAR_DAYS - 1), today),
        ];
        let mut retention: Vec<RetentionRow> = periods
            .iter()
            .map(|&(period, ..)| RetentionRow {
                period,
                young: Ratio::default(),
                mature: Ratio::default(),
                all: Ratio::default(),
            })
            .collect();
        let mut today_stats = Today::default();
        let mut cards_today = std::collections::HashSet::new();
        let today_start = days.start_of(today);
        // Answers by whole seconds, capped at a minute.
        let mut by_secs = [0u32; 61];
        let mut total_ms: i64 = 0;
        for a in answers.iter().filter(|a| a.ts_ms >= year_start) {
            // Manual changes (resets) are not answers.
            if a.kind == 4 {
                continue;
            }
            let day = (a.ts_ms + offset_ms).div_euclid(86_400_000);
            by_secs[(a.duration_ms / 1000).clamp(0, 60) as usize] += 1;
            total_ms += a.duration_ms;
            if a.ts_ms >= today_start {
                cards_today.insert(a.card);
            }
            let i = day - (today - (CALENDAR_DAYS - 1));
            if let Some(c) = calendar.get_mut(i as usize) {
                c.answers += 1;
            }
            if day == today {
                today_stats.answers += 1;
                today_stats.time_ms += a.duration_ms;
                if a.rating == 1 {
                    today_stats.again += 1;
                }
                if a.first {
                    today_stats.new_learned += 1;
                }
            }
            // True retention counts answers of cards in review.
            if a.kind != 1 {
                continue;
            }
            let passed = a.rating > 1;
            let mature = a.elapsed_days >= MATURE_DAYS;
            for (row, &(_, from, to)) in retention.iter_mut().zip(&periods) {
                if (from..=to).contains(&day) {
                    if mature {
                        row.mature.add(passed, 1);
                    } else {
                        row.young.add(passed, 1);
                    }
                    row.all.add(passed, 1);
                }
            }
        }
        today_stats.cards = cards_today.len() as u32;
        let seconds: Vec<(u32, u32)> = by_secs
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| (s as u32, *n))
            .collect();
        let answers: u32 = seconds.iter().map(|s| s.1).sum();
        let median_secs = (answers > 0).then(|| {
            let half = answers.div_ceil(2);
            let mut seen = 0;
            seconds
                .iter()
                .find(|(_, n)| {
                    seen += n;
                    seen >= half
                })
                .map_or(0, |s| s.0)
        });
        Ok(FullStats {
            deck: deck.id.clone(),
            title: crate::sanitize::clean(&deck.title),
            at: now.rfc3339(),
            due_today,
            cards,
            today: today_stats,
            forecast,
            calendar,
            retention,
            stability: Histogram::of("stability (days)", &stability, 0.0, top, 10),
            difficulty: Histogram::of("difficulty (1-10)", &difficulty, 1.0, 10.0, 9),
            retrievability: Histogram::of("retrievability now", &retrievability, 0.0, 1.0, 10),
            answer_time: AnswerTime {
                answers,
                total_ms,
                mean_secs: (answers > 0).then(|| total_ms as f64 / 1000.0 / answers as f64),
                median_secs,
                seconds,
            },
            calibration,
        })
    }
}

#[cfg(test)]
mod tests {
    //! Pins every number of `full_stats` and of the calibration on a fixed
    //! store with a varied log (learning, review, relearning, manual
    //! resets, every rating, times over more than a year), so a faster way
    //! of computing them cannot change one.

    use super::*;
    use crate::app::DeckSelection;
    use crate::clock::Now;
    use crate::clock::SystemClock;
    use crate::schedule::CardState;
    use crate::schedule::Rating;
    use crate::schedule::ReviewKind;
    use crate::store::Answer;
    use crate::store::ImportedCard;
    use crate::store::SqliteStore;

    const NOW: &str = "2026-03-02T10:00:00+00:00";
    const DAY: i64 = 86_400_000;
    const CARDS: usize = 60;

    /// A small deterministic generator (xorshift), so the log is the same
    /// on every machine.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    fn deck_text() -> String {
        let mut s = String::from(
            "[deck]\nid = \"fixed\"\ntitle = \"Fixed\"\ndescription = \"Pinned statistics.\"\n",
        );
        for i in 0..CARDS {
            s.push_str(&format!(
                "\n[[card]]\nid = \"c{i}\"\nkind = \"basic\"\nprompt = \"What is item {i}?\"\nanswer = \"a{i}\"\n"
            ));
        }
        s
    }

    /// One card's history: learning steps, then reviews whose interval
    /// grows on success and starts over (relearning) on Again, now and then
    /// a manual reset; ends before `now_ms`, for some cards today.
    fn history(rng: &mut Rng, card: &crate::store::CardRow, now_ms: i64) -> ImportedCard {
        let mut t = now_ms - (30 + rng.below(600) as i64) * DAY - rng.below(DAY as u64) as i64;
        let mut state = CardState::NEW;
        let mut log = Vec::new();
        let mut ivl: i64 = 0;
        let mut kind = ReviewKind::Learning;
        // A third of the cards are answered once more today.
        let mut today = rng.below(3) == 0;
        loop {
            if t >= now_ms {
                let last = state.last_review_ms.unwrap_or(t);
                t = (now_ms - rng.below(5 * 3_600_000) as i64).max(last + 60_000);
                if !today || t >= now_ms {
                    break;
                }
                today = false;
            }
            let rating = match rng.below(20) {
                0..=2 => Rating::Again,
                3..=4 => Rating::Hard,
                5..=17 => Rating::Good,
                _ => Rating::Easy,
            };
            let manual = rng.below(40) == 0 && state.phase != crate::schedule::Phase::New;
            let before = state;
            let elapsed_ms = state.last_review_ms.map_or(0, |l| t - l);
            let (next_kind, phase);
            if manual {
                ivl = 0;
                next_kind = ReviewKind::Learning;
                phase = crate::schedule::Phase::New;
            } else if rating == Rating::Again {
                ivl = 0;
                next_kind = if kind == ReviewKind::Learning {
                    ReviewKind::Learning
                } else {
                    ReviewKind::Relearning
                };
                phase = if kind == ReviewKind::Learning {
                    crate::schedule::Phase::Learning
                } else {
                    crate::schedule::Phase::Relearning
                };
            } else {
                ivl = (ivl * (2 + rng.below(2) as i64)).max(1 + rng.below(3) as i64);
                next_kind = ReviewKind::Review;
                phase = crate::schedule::Phase::Review;
            }
            let gap = if ivl == 0 {
                (1 + rng.below(20) as i64) * 60_000
            } else {
                ivl * DAY + rng.below(DAY as u64 / 2) as i64
            };
            state = if manual {
                CardState::NEW
            } else {
                CardState {
                    phase,
                    step: 0,
                    stability: (ivl as f32 * 1.3).max(0.5),
                    difficulty: 1.0 + rng.below(90) as f32 / 10.0,
                    due_ms: t + gap,
                    interval_days: ivl as u32,
                    last_review_ms: Some(t),
                    reps: state.reps + 1,
                    lapses: state.lapses
                        + u32::from(rating == Rating::Again && kind != ReviewKind::Learning),
                }
            };
            log.push(Answer {
                deck_id: "fixed".into(),
                card_id: card.card_id.clone(),
                ts_ms: t,
                rating: (!manual).then_some(rating),
                kind: if manual { ReviewKind::Manual } else { kind },
                before,
                after: state,
                elapsed_days: (elapsed_ms / DAY) as u32,
                elapsed_secs: elapsed_ms / 1000,
                r_before: None,
                r_after: None,
                duration_ms: if manual {
                    0
                } else {
                    500 + rng.below(70_000) as i64
                },
                content_hash: card.content_hash.clone(),
                session_id: None,
            });
            kind = next_kind;
            t += gap;
        }
        ImportedCard {
            card_id: card.card_id.clone(),
            position: card.position,
            content_hash: card.content_hash.clone(),
            state,
            log,
        }
    }

    fn fixed_collection() -> (tempfile::TempDir, Collection, crate::app::OpenedDeck) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fixed.toml");
        std::fs::write(&path, deck_text()).unwrap();
        let store = SqliteStore::open_in_memory().unwrap();
        let clock = SystemClock::Fixed(Now::parse(NOW).unwrap());
        let mut c = Collection::new(Box::new(store), Box::new(clock));
        let deck = c
            .open_decks(&DeckSelection::resolve(&[path]).unwrap())
            .unwrap()
            .remove(0);
        let now_ms = c.now().ms;
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let rows = c.store().cards("fixed").unwrap();
        let imported: Vec<ImportedCard> = rows
            .iter()
            .filter(|r| !r.card_id.ends_with('7'))
            .map(|r| history(&mut rng, r, now_ms))
            .collect();
        c.store_mut()
            .import_history("fixed", &imported, false)
            .unwrap();
        c.set_suspended("fixed", "c3", true).unwrap();
        c.set_suspended("fixed", "c17", true).unwrap();
        c.set_buried("fixed", "c5", true).unwrap();
        (dir, c, deck)
    }

    /// Floats rounded to 6 significant digits, so that a change in the
    /// order of the calibration's sums does not show.
    fn rounded(v: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match v {
            Value::Number(n) if n.is_f64() => {
                let f = n.as_f64().unwrap_or_default();
                Value::String(format!("{f:.6e}"))
            }
            Value::Array(a) => Value::Array(a.into_iter().map(rounded).collect()),
            Value::Object(o) => {
                Value::Object(o.into_iter().map(|(k, v)| (k, rounded(v))).collect())
            }
            v => v,
        }
    }

    #[test]
    fn brief_answers_agree_with_the_full_log() {
        let (_dir, c, _deck) = fixed_collection();
        let log = c.store().log("fixed", None).unwrap();
        let since = log[log.len() / 3].answer.ts_ms;
        let brief = c.store().brief_answers_since("fixed", since).unwrap();
        let full: Vec<_> = log.iter().filter(|e| e.answer.ts_ms >= since).collect();
        assert!(brief.len() > 100);
        assert_eq!(brief.len(), full.len());
        let mut same_card = std::collections::HashMap::new();
        for (b, e) in brief.iter().zip(&full) {
            let a = &e.answer;
            assert_eq!(b.id, e.id);
            assert_eq!(b.ts_ms, a.ts_ms);
            assert_eq!(b.new_after, a.after.phase == crate::schedule::Phase::New);
            assert_eq!(b.kind, a.kind.number());
            assert_eq!(b.rating, a.rating.map_or(0, Rating::number));
            assert_eq!(b.first, a.before.phase == crate::schedule::Phase::New);
            assert_eq!(b.elapsed_days, a.elapsed_days);
            assert_eq!(b.duration_ms, a.duration_ms);
            // One number per card, and never two cards with one number.
            assert_eq!(*same_card.entry(b.card).or_insert(&a.card_id), &a.card_id);
        }
        assert!(
            c.store()
                .brief_answers_since("other-deck", since)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn the_log_copy_and_the_calibration_follow_appends_and_deletions() {
        use crate::schedule::calibration;
        let (_dir, mut c, deck) = fixed_collection();
        let first = c.full_stats(deck.meta()).unwrap();
        let store = c.store();
        assert!(store.log_derived("brief-log", "fixed").unwrap().is_some());
        assert!(store.log_derived("calibration", "fixed").unwrap().is_some());
        assert!(
            store
                .log_derived("calibration-default", "fixed")
                .unwrap()
                .is_some()
        );
        // Read back from the copies, the same.
        assert_eq!(c.full_stats(deck.meta()).unwrap(), first);

        // An answer appended to a card last seen more than a day ago: one
        // more review to predict.
        let now_ms = c.now().ms;
        let log = c.store().log("fixed", None).unwrap();
        let card = c
            .store()
            .cards("fixed")
            .unwrap()
            .into_iter()
            .find(|r| {
                r.state.phase == Phase::Review
                    && log
                        .iter()
                        .rev()
                        .find(|e| e.answer.card_id == r.card_id)
                        .is_some_and(|e| e.answer.ts_ms < now_ms - 3 * 86_400_000)
            })
            .unwrap();
        let template = log
            .iter()
            .rev()
            .find(|e| e.answer.card_id == card.card_id)
            .unwrap();
        let answer = crate::store::Answer {
            ts_ms: now_ms - 1000,
            rating: Some(Rating::Again),
            kind: crate::schedule::ReviewKind::Review,
            before: card.state,
            after: CardState {
                phase: Phase::Relearning,
                last_review_ms: Some(now_ms - 1000),
                ..card.state
            },
            elapsed_days: 3,
            ..template.answer.clone()
        };
        let id = c.store_mut().record(&answer).unwrap();
        let brief = c.store_mut().brief_log("fixed").unwrap();
        assert_eq!(
            brief,
            c.store().brief_answers_since("fixed", i64::MIN).unwrap()
        );
        // Only the answered card is predicted again; the result is exactly
        // that of predicting every card.
        let appended = c.full_stats(deck.meta()).unwrap();
        let reviews = |s: &FullStats| s.calibration.default.as_ref().unwrap().reviews;
        assert_eq!(reviews(&appended), reviews(&first) + 1);
        let sched = c
            .scheduler_without_load(deck.meta(), &Overrides::default())
            .unwrap();
        let next_day = sched.days(c.now()).next_day_at_secs(now_ms);
        let fresh =
            calibration::calibrate_histories(&calibration::card_histories(&brief, next_day), &[])
                .unwrap();
        assert_eq!(appended.calibration.default, fresh);

        // Undone: the deletion forgets what was made from the answer (the
        // calibration) and keeps what was made before it (the log's copy
        // and the kept tally), and the numbers are those before the answer
        // again.
        let kept = |c: &Collection, name: &str| c.store().log_derived(name, "fixed").unwrap();
        let copy = kept(&c, "brief-log");
        c.store_mut().undo(id).unwrap();
        assert!(kept(&c, "calibration").is_none());
        assert!(copy.is_some());
        assert_eq!(kept(&c, "brief-log"), copy);
        assert!(kept(&c, "calibration-default").is_some());
        assert_eq!(c.full_stats(deck.meta()).unwrap(), first);

        // Undoing a card's answer that the copies were made from forgets
        // them all, and again the numbers are those of the log.
        let log = c.store().log("fixed", None).unwrap();
        let older = log
            .iter()
            .filter(|e| e.answer.rating.is_some())
            .map(|e| (e.id, e.answer.card_id.clone()))
            .find(|(id, card)| {
                log.iter()
                    .filter(|e| &e.answer.card_id == card)
                    .all(|e| e.id <= *id)
            })
            .unwrap();
        let rows_before = c.store_mut().brief_log("fixed").unwrap().len();
        c.store_mut().undo(older.0).unwrap();
        for name in ["brief-log", "calibration", "calibration-default"] {
            assert!(kept(&c, name).is_none(), "{name}");
        }
        let after_undo = c.full_stats(deck.meta()).unwrap();
        let brief = c.store_mut().brief_log("fixed").unwrap();
        assert_eq!(brief.len(), rows_before - 1);
        assert_eq!(
            brief,
            c.store().brief_answers_since("fixed", i64::MIN).unwrap()
        );
        let fresh =
            calibration::calibrate_histories(&calibration::card_histories(&brief, next_day), &[])
                .unwrap();
        assert_eq!(after_undo.calibration.default, fresh);
    }

    #[test]
    fn calibration_from_brief_rows_equals_the_training_items_path() {
        use crate::schedule::calibration;
        use crate::schedule::optimize;
        let (_dir, c, _deck) = fixed_collection();
        let log = c.store().log("fixed", None).unwrap();
        let brief = c.store().brief_answers_since("fixed", i64::MIN).unwrap();
        let next_day = log.iter().map(|e| e.answer.ts_ms).max().unwrap() / 1000 + 3 * 86_400;
        let (items, _, _) = optimize::training_items(&log, next_day);
        let histories = calibration::card_histories(&brief, next_day);
        assert!(items.len() > 100);
        let mut custom = fsrs::DEFAULT_PARAMETERS.to_vec();
        custom[0] = 0.5;
        custom[8] = 1.2;
        let close = |a: f32, b: f32| (a - b).abs() <= 1e-5 * a.abs().max(1.0);
        for params in [&[][..], &custom[..]] {
            let old = calibration::calibrate_items(&items, params)
                .unwrap()
                .unwrap();
            let new = calibration::calibrate_histories(&histories, params)
                .unwrap()
                .unwrap();
            assert_eq!(old.reviews, items.len());
            assert_eq!(new.reviews, old.reviews);
            assert_eq!(new.auc, old.auc);
            assert!(close(new.log_loss, old.log_loss), "{new:?} {old:?}");
            assert!(close(new.rmse_bins, old.rmse_bins), "{new:?} {old:?}");
            assert_eq!(new.chart.len(), old.chart.len());
            for (n, o) in new.chart.iter().zip(&old.chart) {
                assert_eq!((n.from, n.count), (o.from, o.count));
                assert!(close(n.predicted, o.predicted) && close(n.actual, o.actual));
            }
        }
    }

    #[test]
    fn the_numbers_of_a_fixed_store_are_pinned() {
        let (_dir, mut c, deck) = fixed_collection();
        let full = c.full_stats(deck.meta()).unwrap();
        assert!(full.answer_time.answers > 300, "{:?}", full.answer_time);
        // Everything but the calibration (the last field, pinned below,
        // rounded), in the order it is printed.
        let json = serde_json::to_string_pretty(&full).unwrap();
        let tables = json
            .split_once(",\n  \"calibration\": ")
            .map(|(tables, _)| format!("{tables}\n}}"))
            .unwrap();
        insta::assert_snapshot!("fixed_store_full_stats", tables);
        let calibration = c.calibration(deck.meta()).unwrap();
        assert!(calibration.default.is_some());
        assert_eq!(
            serde_json::to_value(&calibration).unwrap(),
            serde_json::to_value(&full.calibration).unwrap()
        );
        insta::assert_snapshot!(
            "fixed_store_calibration",
            serde_json::to_string_pretty(&rounded(serde_json::to_value(&calibration).unwrap()))
                .unwrap()
        );
    }
}

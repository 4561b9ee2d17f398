//! Scheduling parity with Anki itself: the same answers at the same
//! instants go through Anki's own scheduler (its Python package, FSRS on,
//! load balancer off unless a sequence gives a load, the clock fixed by
//! libfaketime at each answer) and through docket's, and every card state
//! after every answer must be equal: phase, stability and difficulty (as
//! stored, rounded), interval, due day or due second, and the kind of the
//! review-log row. Sequences cover several retentions and parameters,
//! learning steps (none, one, two, a day), early, on-time and overdue
//! answers, lapses, answers at the day-start second, days in which clocks
//! go back or forward (Berlin, New York, Lord Howe's half hour), fuzz
//! (Anki's fuzz seeded with Anki's card id), the load balancer with easy
//! days (the same load placed before each answer), "set due date", early
//! answers while reviewing ahead (a custom study session), and the day's
//! queue (limits, mixing, the learning count).
//!
//! Anki and libfaketime live in target/anki-venv (see .ci/run); without
//! them the test skips with a message, unless DOCKET_REQUIRE_ANKI=1.
//!
//! Everything runs in one test function: the zone (TZ) is process-wide
//! state that docket's day arithmetic reads.

use std::path::PathBuf;
use std::process::Command;

use chrono::Local;
use chrono::NaiveDate;
use chrono::TimeZone;
use docket::clock::Days;
use docket::clock::Now;
use docket::schedule::CardState;
use docket::schedule::Phase;
use docket::schedule::Rating;
use docket::schedule::Scheduler;
use docket::schedule::SchedulerConfig;
use docket::schedule::load_balancer::LoadBalancer;
use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;
use serde_json::json;

/// The venv's Python and the libfaketime library in it, or `None` (after
/// saying so) when the test should skip.
fn anki_with_faketime() -> Option<(PathBuf, String)> {
    let py = std::env::var_os("DOCKET_ANKI_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/anki-venv/bin/python"));
    let lib = py.exists().then(|| {
        Command::new(&py)
            .args([
                "-c",
                "import anki.collection, libfaketime, os; \
                 print(os.path.join(os.path.dirname(libfaketime.__file__), \
                 'vendor/libfaketime/src/libfaketime.so.1'))",
            ])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    });
    if let Some(Some(lib)) = lib
        && std::path::Path::new(&lib).exists()
    {
        return Some((py, lib));
    }
    assert!(
        std::env::var("DOCKET_REQUIRE_ANKI").as_deref() != Ok("1"),
        "DOCKET_REQUIRE_ANKI=1 but {} cannot import anki and libfaketime \
         (pip install anki libfaketime into that venv)",
        py.display()
    );
    eprintln!(
        "SKIPPED: Anki's Python package with libfaketime is not installed at {}; \
         the scheduling parity test did not run",
        py.display()
    );
    None
}

/// Runs `f` with the zone set to `tz` for this process (docket reads TZ)
/// on a new thread: chrono keeps the local zone per thread and rereads TZ
/// at most once a second, so a fresh thread sees the new zone at once.
fn in_zone<T: Send>(tz: &str, f: impl FnOnce() -> T + Send) -> T {
    // SAFETY: this test binary has a single test, and the environment is
    // only changed here, while no other thread of it runs.
    unsafe { std::env::set_var("TZ", tz) };
    std::thread::scope(|s| s.spawn(f).join().expect("zone thread"))
}

/// Runs the driver in zone `tz`; `fuzz` leaves Anki's fuzz on.
fn run_anki(py: &PathBuf, lib: &str, tz: &str, fuzz: bool, spec: &Value) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spec.json");
    std::fs::write(&file, spec.to_string()).unwrap();
    let mut cmd = Command::new(py);
    cmd.arg("tests/anki/sched_parity.py")
        .arg(&file)
        .env("LD_PRELOAD", lib)
        .env("FAKETIME_FMT", "%s")
        .env("FAKETIME", "1700000000")
        .env("FAKETIME_NO_CACHE", "1")
        .env("DONT_FAKE_MONOTONIC", "1")
        .env("TZ", tz);
    if fuzz {
        cmd.env_remove("ANKI_TEST_MODE");
    } else {
        // Anki's test mode turns fuzz off (and shifts clocks read between
        // 02:00 and 04:00, so no answer here falls in that window).
        cmd.env("ANKI_TEST_MODE", "1");
    }
    let out = cmd.output().expect("python runs");
    assert!(
        out.status.success(),
        "Anki driver failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from the driver")
}

/// Epoch seconds of a local time in the current TZ (the first of two
/// when clocks go back).
fn local(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> i64 {
    let naive = NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, s)
        .unwrap();
    Local
        .from_local_datetime(&naive)
        .earliest()
        .expect("a time that exists")
        .timestamp()
}

/// One card's sequence of answers with its settings.
#[derive(Clone)]
struct Sequence {
    rollover: u32,
    retention: f32,
    params: Vec<f32>,
    learn: Vec<f32>,
    relearn: Vec<f32>,
    max_ivl: u32,
    /// Ratings 1-4, or 10 + N: Anki's "set due date" to N days.
    answers: Vec<(i64, u8)>,
    /// With the load balancer: cards due (days after each answer's day, how many).
    load: Option<Vec<(i64, u32)>>,
    /// Easy-day percentages, Monday first.
    easy_days: [f32; 7],
    /// Where the load cards are: "own" (the card's deck), "same_preset"
    /// (another deck on its preset) or "other_preset" (not counted).
    load_deck: &'static str,
}

/// Answers compared whose stability is above 1,000 days, and the
/// largest stability compared (whole days).
static ABOVE_1000: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static MOST: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
/// Set due dates with a range compared.
static RANGE_DRAWS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
/// Cards rescheduled on a change of retention compared (kind 5).
static RESCHEDULED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The rating that stands for "set due date" to `days` days.
const SET_DUE: u8 = 10;
/// Added to a rating: answered while reviewing ahead (Anki's custom
/// study, a filtered deck), mostly before the due day.
const AHEAD: u8 = 20;
/// RANGE + K: "set due date" with the range `RANGES[K]` (Anki draws the
/// day at random; docket follows the day Anki drew).
const RANGE: u8 = 50;
const RANGES: [&str; 6] = ["1-3", "3-7", "2-5!", "0-4!", "10-20", "5-9!"];
/// The card suspended then unsuspended, or buried then unburied.
const SUSPEND: u8 = 90;
const BURY: u8 = 91;
/// RETENTION + N: the deck options saved with a desired retention of
/// (70 + N) % and "reschedule cards on change" (Anki's kind 5).
const RETENTION: u8 = 100;

fn changed_retention(code: u8) -> f32 {
    (70 + (code - RETENTION) as u32) as f32 / 100.0
}

impl Sequence {
    fn spec(&self) -> Value {
        let mut spec = json!({
            "rollover": self.rollover,
            "retention": self.retention,
            "params": self.params,
            "learn_steps": self.learn,
            "relearn_steps": self.relearn,
            "max_ivl": self.max_ivl,
            "answers": self.answers.iter().map(|&(t, r)| if r >= RETENTION {
                json!([t, 0, format!("retention:{}", changed_retention(r))])
            } else if r == SUSPEND {
                json!([t, 0, "suspend"])
            } else if r == BURY {
                json!([t, 0, "bury"])
            } else if r >= RANGE {
                json!([t, 0, RANGES[(r - RANGE) as usize]])
            } else if r >= AHEAD {
                json!([t, r - AHEAD, "ahead"])
            } else if r >= SET_DUE {
                json!([t, 0, (r - SET_DUE).to_string()])
            } else {
                json!([t, r])
            }).collect::<Vec<_>>(),
        });
        if let Some(load) = &self.load {
            spec["load"] = json!(load);
            spec["easy_days"] = json!(self.easy_days);
            spec["load_deck"] = json!(self.load_deck);
        }
        spec
    }

    fn scheduler(&self, fuzz: bool) -> Scheduler {
        let mins = |v: &[f32]| v.iter().map(|m| (m * 60.0) as u32).collect();
        Scheduler::new(SchedulerConfig {
            params: self.params.clone(),
            desired_retention: self.retention,
            learn_steps: mins(&self.learn),
            relearn_steps: mins(&self.relearn),
            fuzz,
            day_start_hour: self.rollover,
            max_interval: self.max_ivl,
            load_balancer: self.load.is_some(),
            easy_days: self.easy_days,
            ..SchedulerConfig::default()
        })
        .unwrap()
    }
}

fn phase_of(anki_type: i64) -> Phase {
    Phase::from_number(anki_type).unwrap()
}

/// Replays a sequence in docket and compares with Anki's cards after each
/// answer. Returns how many answers were compared.
fn compare(label: &str, seq: &Sequence, anki: &Value, fuzz: bool) -> usize {
    use docket::schedule::reschedule;
    let mut sched = seq.scheduler(fuzz);
    let mut state = CardState::NEW;
    // The card's log, for recomputing its memory state.
    let mut log: Vec<docket::store::Answer> = Vec::new();
    let anki = anki.as_array().unwrap();
    for (i, ((secs, rating), a)) in seq.answers.iter().zip(anki).enumerate() {
        let now = Now {
            ms: secs * 1000,
            offset_secs: 0,
        };
        let days: Days = sched.days(now);
        let at = format!("{label}, answer {i} ({rating} at {})", now.rfc3339());
        let before = state;
        let kind = if matches!(*rating, SUSPEND | BURY) {
            // No log row: Anki's last row is the answer before.
            state = resaved_twice(state);
            log.last().unwrap().kind
        } else if *rating >= RETENTION {
            // Anki recomputes the memory state from the log, then
            // reschedules the review card from its last answer.
            sched.config.desired_retention = changed_retention(*rating);
            let fsrs = fsrs::FSRS::new(&seq.params).unwrap();
            let answers: Vec<&docket::store::Answer> = log.iter().collect();
            let memory =
                reschedule::memory_from_log(&fsrs, &answers, days.next_day_at_secs(now.ms))
                    .unwrap()
                    .expect("a history from learning answers");
            let (last, previous) = reschedule::last_review(&answers).unwrap();
            assert_eq!(state.phase, Phase::Review, "{at}");
            let seed = fuzz.then(|| {
                a["cid"]
                    .as_u64()
                    .unwrap()
                    .wrapping_add(state.reps.saturating_sub(1) as u64)
            });
            // With the load balancer on, Anki balances against the
            // preset's review cards (the load placed, and this card) and
            // the cards answered today.
            let today = days.day_of(now.ms);
            let mut load = seq.load.as_ref().map(|load| {
                let placed = load
                    .iter()
                    .filter(|_| seq.load_deck != "other_preset")
                    .flat_map(|&(d, n)| std::iter::repeat_n(today + d, n as usize));
                let answered_today = log
                    .iter()
                    .any(|e| e.rating.is_some() && e.ts_ms >= days.start_of(today));
                docket::schedule::load_balancer::RescheduleLoad::new(
                    days,
                    now.ms,
                    placed.chain([days.day_of(state.due_ms)]),
                    answered_today as usize,
                    seq.easy_days,
                )
            });
            state = reschedule::rescheduled(
                &state,
                memory,
                last,
                previous,
                &fsrs,
                &sched.config,
                days,
                now.ms,
                seed,
                load.as_mut(),
            );
            RESCHEDULED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            docket::schedule::ReviewKind::Rescheduled
        } else if (RANGE..RETENTION).contains(rating) {
            // Anki drew a day from the range: it must lie in it, and the
            // rest (interval, due day, memory) follows docket's rule for
            // that day, with or without `!`.
            let spec =
                docket::schedule::reschedule::parse_due(RANGES[(rating - RANGE) as usize], 0)
                    .unwrap();
            let drawn = a["due"].as_i64().unwrap() - a["today"].as_i64().unwrap();
            assert!(
                (spec.min as i64..=spec.max as i64).contains(&drawn),
                "Anki drew {drawn} days outside {:?}, {at}",
                RANGES[(rating - RANGE) as usize]
            );
            RANGE_DRAWS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            state = docket::schedule::reschedule::set_due_date(&state, drawn as u32, days, now.ms);
            docket::schedule::ReviewKind::Manual
        } else if (SET_DUE..AHEAD).contains(rating) {
            let n = (*rating - SET_DUE) as u32;
            state = docket::schedule::reschedule::set_due_date(&state, n, days, now.ms);
            docket::schedule::ReviewKind::Manual
        } else {
            // The load Anki's balancer saw, when it was used.
            let today = days.day_of(now.ms);
            // Anki's balancer counts the decks of the card's preset: a
            // load on another preset leaves it none.
            let counted = seq.load_deck != "other_preset";
            sched.load = match (&seq.load, a["balanced"].as_bool()) {
                (Some(load), Some(true)) => Some(LoadBalancer::new(
                    days,
                    today,
                    load.iter()
                        .filter(|_| counted)
                        .flat_map(|&(d, n)| std::iter::repeat_n(today + d, n as usize)),
                    seq.easy_days,
                )),
                _ => None,
            };
            let seed = a["cid"].as_u64().unwrap();
            let (rating, ahead) = match rating.checked_sub(AHEAD) {
                Some(r) => (r, 36_500),
                None => (*rating, 0),
            };
            sched.config.review_ahead_days = ahead;
            let next = sched.next_states(&state, now, seed).unwrap();
            state = next.get(Rating::from_number(rating).unwrap());
            next.kind
        };
        log.push(docket::store::Answer {
            deck_id: "d".into(),
            card_id: "c".into(),
            ts_ms: now.ms,
            rating: match *rating {
                r @ 1..=4 => Rating::from_number(r),
                r if (AHEAD + 1..=AHEAD + 4).contains(&r) => Rating::from_number(r - AHEAD),
                _ => None,
            },
            kind,
            before,
            after: state,
            elapsed_days: 0,
            elapsed_secs: 0,
            r_before: None,
            r_after: None,
            duration_ms: 0,
            content_hash: "h".into(),
            session_id: None,
        });
        assert_eq!(
            kind.number(),
            a["kind"].as_i64().unwrap(),
            "review-log kind, {at}"
        );
        assert_eq!(state.phase, phase_of(a["type"].as_i64().unwrap()), "{at}");
        let (s, d) = (a["s"].as_f64().unwrap(), a["d"].as_f64().unwrap());
        assert_eq!(state.stability, s as f32, "stability, {at}");
        if s > 1000.0 {
            ABOVE_1000.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            MOST.fetch_max(s as u64, std::sync::atomic::Ordering::Relaxed);
        }
        assert_eq!(state.difficulty, d as f32, "difficulty, {at}");
        let today = days.day_of(now.ms);
        let due = a["due"].as_i64().unwrap();
        match a["queue"].as_i64().unwrap() {
            // Intraday learning: due at a second.
            1 => assert_eq!(state.due_ms / 1000, due, "due second, {at}"),
            // Review or interday learning: due on a day, from its start.
            q @ (2 | 3) => {
                let anki_days = due - a["today"].as_i64().unwrap();
                assert_eq!(
                    days.day_of(state.due_ms) - today,
                    anki_days,
                    "due day, {at}"
                );
                assert_eq!(
                    state.due_ms,
                    days.start_of(today + anki_days),
                    "due at the day start, {at}"
                );
                if q == 2 {
                    let ivl = a["ivl"].as_i64().unwrap();
                    assert_eq!(state.interval_days as i64, ivl, "interval, {at}");
                }
            }
            q => panic!("unexpected Anki queue {q}, {at}"),
        }
    }
    anki.len()
}

/// A generated sequence: learning steps, then reviews answered early, on
/// time or late, at varied hours (never 02:00–04:00), with lapses.
/// Answer times follow docket's own due times, which must be Anki's.
/// With `set_due`, now and then a set due date instead of an answer; with
/// `ahead`, early answers are given while reviewing ahead.
fn generated(
    rng: &mut StdRng,
    start: i64,
    base: Sequence,
    answers: usize,
    set_due: bool,
    ahead: bool,
) -> Sequence {
    let sched = base.scheduler(false);
    let mut state = CardState::NEW;
    let mut t = start;
    let mut out = Vec::new();
    let hour_ok = |secs: i64| {
        let h = Local
            .timestamp_opt(secs, 0)
            .single()
            .map(|d| chrono::Timelike::hour(&d));
        !matches!(h, Some(2 | 3))
    };
    while !hour_ok(t) {
        t += 3600;
    }
    while out.len() < answers {
        let rating = *[1u8, 2, 3, 3, 3, 4]
            .get(rng.random_range(0..6))
            .unwrap_or(&3);
        let now = Now {
            ms: t * 1000,
            offset_secs: 0,
        };
        // Now and then a review card's due date is set (Anki's "set due
        // date"), instead of an answer.
        if set_due && state.phase == Phase::Review && rng.random_range(0..6) == 0 {
            let n = rng.random_range(0..8u8);
            let days = sched.days(now);
            state = docket::schedule::reschedule::set_due_date(&state, n as u32, days, now.ms);
            out.push((t, SET_DUE + n));
            t = (state.due_ms / 1000).max(t + 60) + rng.random_range(0..20 * 3600);
            while !hour_ok(t) {
                t += 3600;
            }
            continue;
        }
        let next = sched.next_states(&state, now, 0).unwrap();
        let days = sched.days(now);
        let early = state.phase == Phase::Review && days.day_of(state.due_ms) > days.day_of(now.ms);
        state = next.get(Rating::from_number(rating).unwrap());
        out.push((
            t,
            if ahead && early {
                AHEAD + rating
            } else {
                rating
            },
        ));
        let due = state.due_ms / 1000;
        t = match state.phase {
            Phase::Review => {
                // early (within the interval), on the day, or overdue
                let shift_days = match rng.random_range(0..10) {
                    0 => -(rng.random_range(0..=state.interval_days as i64)),
                    1..=6 => 0,
                    _ => rng.random_range(1..=(state.interval_days as i64).max(3)),
                };
                let base = (due + shift_days * 86_400).max(t + 60);
                base + rng.random_range(0..20 * 3600)
            }
            _ => due.max(t + 1) + rng.random_range(0..600),
        };
        while !hour_ok(t) {
            t += 3600;
        }
        // Past ten years the intervals say little more.
        if t > start + 10 * 365 * 86_400 {
            break;
        }
    }
    Sequence {
        answers: out,
        ..base
    }
}

/// A card learnt and then mostly passed, on time or a little late, until
/// its stability passes 10,000 days (or 24 answers, or 2038): the range where f32
/// stabilities are 1/8,192 of a day apart and the stored value is Anki's
/// only if every rounding is Anki's. Now and then a lapse or Hard, and
/// (with `set_due`) a set due date.
fn long_run(
    rng: &mut StdRng,
    start: i64,
    base: Sequence,
    set_due: bool,
    changes: bool,
) -> Sequence {
    let mut sched = base.scheduler(false);
    let mut state = CardState::NEW;
    let mut t = start;
    let mut out = Vec::new();
    let hour_ok = |secs: i64| {
        let h = Local
            .timestamp_opt(secs, 0)
            .single()
            .map(|d| chrono::Timelike::hour(&d));
        !matches!(h, Some(2 | 3))
    };
    // Anki keeps an intraday due time in 32 bits of seconds: stay
    // before 2038.
    let end = local(2037, 12, 1, 0, 0, 0);
    while out.len() < 24 && state.stability < 10_000.0 {
        while !hour_ok(t) {
            t += 3600;
        }
        let now = Now {
            ms: t * 1000,
            offset_secs: 0,
        };
        // Now and then the deck options are saved with another desired
        // retention, rescheduling the card (Anki's kind 5).
        if changes && state.phase == Phase::Review && rng.random_range(0..5) == 0 {
            // Another retention than the one in use (saving the same
            // one changes nothing in Anki).
            let mut code = RETENTION + rng.random_range(0..30u8);
            while changed_retention(code) == sched.config.desired_retention {
                code = RETENTION + rng.random_range(0..30u8);
            }
            let days = sched.days(now);
            sched.config.desired_retention = changed_retention(code);
            let fsrs = fsrs::FSRS::new(&base.params).unwrap();
            let interval =
                fsrs.next_interval(Some(state.stability), sched.config.desired_retention, 0);
            let last = state.last_review_ms.unwrap_or(now.ms);
            let due_day = days.day_of(last) + (interval.round() as i64).max(1);
            out.push((t, code));
            t = days.start_of(due_day).max(now.ms) / 1000 + 60 + rng.random_range(0..20 * 3600);
            state.due_ms = days.start_of(due_day);
            continue;
        }
        if set_due && state.phase == Phase::Review && rng.random_range(0..8) == 0 {
            // A number of days, or a range Anki draws from.
            let (n, code) = if rng.random_range(0..2) == 0 {
                let n = rng.random_range(0..8u8);
                (n as u32, SET_DUE + n)
            } else {
                let k = rng.random_range(0..RANGES.len());
                let spec = docket::schedule::reschedule::parse_due(RANGES[k], 0).unwrap();
                (spec.min, RANGE + k as u8)
            };
            state = docket::schedule::reschedule::set_due_date(&state, n, sched.days(now), now.ms);
            out.push((t, code));
            t = (state.due_ms / 1000).max(t + 60) + rng.random_range(0..20 * 3600);
            continue;
        }
        let rating = match (state.phase, rng.random_range(0..20)) {
            (Phase::Review, 0) => 1,
            (Phase::Review, 1 | 2) => 2,
            (Phase::Review, 3..=8) => 4,
            _ => 3,
        };
        let next = sched.next_states(&state, now, 0).unwrap();
        state = next.get(Rating::from_number(rating).unwrap());
        out.push((t, rating));
        let due = state.due_ms / 1000;
        t = match state.phase {
            Phase::Review => {
                let late = match rng.random_range(0..4) {
                    0 => rng.random_range(0..=(state.interval_days as i64 / 10).max(1)),
                    _ => 0,
                };
                due + late * 86_400 + rng.random_range(0..20 * 3600)
            }
            _ => due.max(t + 1) + rng.random_range(0..600),
        };
        if t > end {
            break;
        }
    }
    Sequence {
        answers: out,
        ..base
    }
}

/// What saves a card once more in Anki, without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resave {
    /// A set due date.
    SetDue = 0,
    /// Moved into a review-ahead filtered deck.
    Ahead = 1,
    /// Suspended, then unsuspended.
    Suspend = SUSPEND as isize,
    /// Buried, then unburied.
    Bury = BURY as isize,
}

/// A card saved twice more (Anki rounds its memory state at each save).
fn resaved_twice(state: CardState) -> CardState {
    let mut m = state.memory().unwrap();
    for _ in 0..2 {
        m = docket::schedule::states::round_memory(m);
    }
    CardState {
        stability: m.stability,
        difficulty: m.difficulty,
        ..state
    }
}

/// Sequences that reach a review card whose stored stability is not a
/// fixed point of Anki's rounding (rounding it again moves it one f32
/// step; about 1 % of stabilities between 100 and 1,000 days), then save
/// the card once more as Anki does: a set due date (`ahead` false) or an
/// answer while reviewing ahead (Anki moves every card due within the
/// window into a filtered deck first), then one more answer. Found by searching
/// with docket's own scheduler.
fn resaved(rng: &mut StdRng, how: Resave, wanted: usize) -> Vec<(String, Sequence)> {
    let ahead = how == Resave::Ahead;
    let mut out = Vec::new();
    for attempt in 0..20_000 {
        if out.len() == wanted {
            break;
        }
        let retention = [0.8, 0.85, 0.9, 0.95][attempt % 4];
        let b = base(retention, &[1.0, 10.0], &[10.0]);
        let sched = b.scheduler(false);
        let mut t = local(2026, 7, 13, 9, 0, 0) + rng.random_range(0..86_400 * 20);
        let mut state = CardState::NEW;
        let mut answers = Vec::new();
        let hour = |secs: i64| {
            Local
                .timestamp_opt(secs, 0)
                .single()
                .map(|d| chrono::Timelike::hour(&d))
        };
        while answers.len() < 16 && state.stability < 1000.0 {
            while matches!(hour(t), Some(2 | 3)) {
                t += 3600;
            }
            let now = Now {
                ms: t * 1000,
                offset_secs: 0,
            };
            let rating = if rng.random_range(0..4) == 0 { 4 } else { 3 };
            state = sched
                .next_states(&state, now, 0)
                .unwrap()
                .get(Rating::from_number(rating).unwrap());
            answers.push((t, rating));
            let m = state.memory();
            let unstable = m.is_some_and(|m| {
                docket::schedule::states::round_memory(m).stability != m.stability
            });
            let due = state.due_ms / 1000;
            t = if state.phase == Phase::Review {
                // On time or up to half the interval late, for varied states.
                let late = rng.random_range(0..=state.interval_days as i64 / 2);
                due + 86_400 * late + 3600 * rng.random_range(6..20)
            } else {
                due.max(t + 1) + rng.random_range(0..600)
            };
            if state.phase == Phase::Review && unstable && state.interval_days > 2 {
                while matches!(hour(t), Some(2 | 3)) {
                    t += 3600;
                }
                if ahead {
                    // Some days before the next answer: before the due
                    // day (early) or after it (late), in the session.
                    let early = t - 86_400 * rng.random_range(1..state.interval_days as i64);
                    answers.push((early, AHEAD + 3));
                    let mut cfg = sched.config.clone();
                    cfg.review_ahead_days = 36_500;
                    let s2 = Scheduler::new(cfg).unwrap();
                    state = s2
                        .next_states(
                            &state,
                            Now {
                                ms: early * 1000,
                                offset_secs: 0,
                            },
                            0,
                        )
                        .unwrap()
                        .get(Rating::Good);
                } else if how == Resave::SetDue {
                    let n = rng.random_range(1..6u8);
                    let now = Now {
                        ms: t * 1000,
                        offset_secs: 0,
                    };
                    state = docket::schedule::reschedule::set_due_date(
                        &state,
                        n as u32,
                        sched.days(now),
                        now.ms,
                    );
                    answers.push((t, SET_DUE + n));
                } else {
                    // Suspended then unsuspended, or buried then
                    // unburied: two saves, the answer a minute later.
                    answers.push((t, how as u8));
                    t += 60;
                    state = resaved_twice(state);
                }
                let next = if matches!(how, Resave::Suspend | Resave::Bury) {
                    t
                } else {
                    state.due_ms / 1000 + 3600 * rng.random_range(6..20)
                };
                if !matches!(hour(next), Some(2 | 3)) {
                    answers.push((next, 3));
                    out.push((
                        format!("resaved by {how:?} (attempt {attempt})"),
                        Sequence {
                            answers,
                            ..b.clone()
                        },
                    ));
                }
                break;
            }
        }
    }
    assert_eq!(out.len(), wanted, "no such sequences found");
    out
}

/// For each range of [`RANGES`], twice: a card learnt and reviewed,
/// then a set due date with the range a few days into its interval, then
/// an answer after the last day of the range.
fn range_sequences(rng: &mut StdRng) -> Vec<(String, Sequence)> {
    let mut out = Vec::new();
    for (k, range) in RANGES.iter().enumerate() {
        for j in 0..2 {
            let day0 = local(2026, 7, 1, 9, 0, 0) + 86_400 * rng.random_range(0..20);
            let day = |d: i64, h: i64| day0 + d * 86_400 + h * 3600;
            let spec = docket::schedule::reschedule::parse_due(range, 0).unwrap();
            let answers = vec![
                (day(0, 0), 3),
                (day(0, 0) + 600, 3),
                (day(3, 2), 3),
                (day(5 + j, 1), RANGE + k as u8),
                (day(6 + j + spec.max as i64, 3), 3),
            ];
            out.push((
                format!("set due date {range} ({j})"),
                Sequence {
                    answers,
                    ..base(0.9, &[1.0, 10.0], &[10.0])
                },
            ));
        }
    }
    out
}

const TUNED: [f32; 21] = [
    0.4, 1.8, 3.5, 12.0, 6.8, 0.7, 2.5, 0.01, 1.6, 0.15, 0.9, 1.8, 0.1, 0.3, 2.0, 0.2, 2.8, 0.5,
    0.6, 0.1, 0.2,
];

fn base(retention: f32, learn: &[f32], relearn: &[f32]) -> Sequence {
    Sequence {
        rollover: 4,
        retention,
        params: Vec::new(),
        learn: learn.to_vec(),
        relearn: relearn.to_vec(),
        max_ivl: 36_500,
        answers: Vec::new(),
        load: None,
        easy_days: [1.0; 7],
        load_deck: "own",
    }
}

/// Hand-picked sequences in the current zone, around 2026-07.
fn handpicked() -> Vec<(&'static str, Sequence)> {
    let day = |d: u32, h: u32, m: u32, s: u32| local(2026, 7, d, h, m, s);
    vec![
        (
            "answer at the day-start second, then later that day",
            Sequence {
                answers: vec![(day(13, 4, 0, 0), 4), (day(13, 12, 0, 0), 3)],
                ..base(0.9, &[1.0, 10.0], &[10.0])
            },
        ),
        (
            "a second before the day start",
            Sequence {
                answers: vec![(day(13, 20, 0, 0), 4), (day(14, 3, 59, 59), 3)],
                ..base(0.9, &[1.0, 10.0], &[10.0])
            },
        ),
        (
            "steps 1m 1d: Good at 20:00 becomes interday learning",
            Sequence {
                answers: vec![
                    (day(13, 19, 59, 0), 3),
                    (day(13, 20, 0, 0), 3),
                    (day(14, 9, 0, 0), 3),
                ],
                ..base(0.9, &[1.0, 1440.0], &[10.0])
            },
        ),
        (
            "no learning steps: FSRS short-term scheduling",
            Sequence {
                answers: vec![
                    (day(13, 10, 0, 0), 1),
                    (day(13, 10, 5, 0), 1),
                    (day(13, 11, 0, 0), 3),
                    (day(15, 11, 0, 0), 1),
                    (day(15, 12, 0, 0), 3),
                ],
                ..base(0.9, &[], &[])
            },
        ),
        (
            "a 10-minute step graduating late at night",
            Sequence {
                answers: vec![(day(13, 23, 55, 0), 3), (day(14, 0, 10, 0), 3)],
                ..base(0.95, &[10.0], &[10.0])
            },
        ),
        (
            "tuned parameters with a lapse and no relearning steps",
            Sequence {
                params: TUNED.to_vec(),
                answers: vec![
                    (day(1, 9, 0, 0), 3),
                    (day(1, 9, 10, 0), 3),
                    (day(3, 9, 0, 0), 3),
                    (day(9, 9, 0, 0), 1),
                    (day(10, 9, 0, 0), 2),
                    (day(13, 9, 0, 0), 4),
                ],
                ..base(0.85, &[1.0, 10.0], &[])
            },
        ),
        (
            "a learning step answered early, then Again and Hard on a review",
            Sequence {
                answers: vec![
                    (day(13, 10, 0, 0), 3),
                    (day(13, 10, 5, 0), 3),
                    (day(16, 10, 0, 0), 1),
                    (day(16, 10, 4, 0), 2),
                    (day(16, 10, 30, 0), 3),
                    (day(18, 22, 0, 0), 2),
                ],
                ..base(0.9, &[1.0, 10.0], &[10.0])
            },
        ),
        (
            "a maximum interval of 10 days",
            Sequence {
                max_ivl: 10,
                answers: vec![
                    (day(1, 9, 0, 0), 4),
                    (day(9, 9, 0, 0), 4),
                    (day(19, 9, 0, 0), 3),
                    (day(29, 9, 0, 0), 2),
                ],
                ..base(0.8, &[1.0, 10.0], &[10.0])
            },
        ),
        (
            "Easy, Hard, Good at retention 0.8 over months",
            Sequence {
                answers: vec![
                    (day(1, 9, 0, 0), 4),
                    (local(2026, 7, 20, 9, 0, 0), 2),
                    (local(2026, 9, 20, 9, 0, 0), 3),
                    (local(2027, 6, 1, 9, 0, 0), 3),
                ],
                ..base(0.8, &[1.0, 10.0], &[10.0])
            },
        ),
    ]
}

/// Sequences across a change of clocks in the current zone.
fn across_dst(back: (i32, u32, u32), forward: (i32, u32, u32)) -> Vec<(String, Sequence)> {
    let mut out = Vec::new();
    for (what, (y, m, d)) in [("back", back), ("forward", forward)] {
        for before in 1..=8u32 {
            for rating in [3u8, 4] {
                let start =
                    NaiveDate::from_ymd_opt(y, m, d).unwrap() - chrono::Days::new(before as u64);
                let (sy, sm, sd) = (
                    chrono::Datelike::year(&start),
                    chrono::Datelike::month(&start),
                    chrono::Datelike::day(&start),
                );
                let t0 = local(sy, sm, sd, 20, 0, 0);
                let seq = Sequence {
                    answers: vec![
                        (t0, 3),
                        (t0 + 600, rating),
                        (t0 + (before as i64 + 1) * 86_400, 3),
                        (t0 + (before as i64 + 9) * 86_400 + 3 * 3600, 3),
                    ],
                    ..base(0.9, &[1.0, 10.0], &[10.0])
                };
                out.push((format!("clocks go {what}, {before} days later"), seq));
            }
        }
    }
    out
}

/// One day's queue: cards in given states, the limits and the mix.
struct QueueCase {
    now: i64,
    new_per_day: u32,
    reviews_per_day: u32,
    mix: u8,
    new: usize,
    /// (interval, days overdue, stability, difficulty)
    reviews: Vec<(u32, i64, f32, f32)>,
    /// Intraday learning, due this many seconds from now.
    learning: Vec<i64>,
    /// Interday learning, due this many days ago.
    interday: Vec<i64>,
    /// Interday learning cards due today, answered Good a minute ago.
    answered_interday: usize,
}

impl QueueCase {
    fn spec(&self) -> Value {
        json!({
            "now": self.now, "new_per_day": self.new_per_day,
            "reviews_per_day": self.reviews_per_day, "mix": self.mix, "new": self.new,
            "reviews": self.reviews.iter().map(|r| json!([r.0, r.1, r.2, r.3])).collect::<Vec<_>>(),
            "learning": self.learning, "interday": self.interday,
            "answered_interday": self.answered_interday,
        })
    }

    /// docket's counts `[new, learning, review]` and order of kinds.
    fn docket(&self) -> (Vec<u32>, Vec<String>) {
        use docket::schedule::ReviewKind;
        use docket::schedule::config::ReviewMix;
        use docket::schedule::queue::Queue;
        use docket::store::Answer;
        use docket::store::DeckCard;
        use docket::store::SqliteStore;
        use docket::store::Store;
        let sched = Scheduler::new(SchedulerConfig {
            new_per_day: self.new_per_day,
            reviews_per_day: self.reviews_per_day,
            new_review_mix: [
                ReviewMix::MixWithReviews,
                ReviewMix::AfterReviews,
                ReviewMix::BeforeReviews,
            ][self.mix as usize],
            ..SchedulerConfig::default()
        })
        .unwrap();
        let now = Now {
            ms: self.now * 1000,
            offset_secs: 0,
        };
        let days = sched.days(now);
        let today = days.day_of(now.ms);
        let mut states: Vec<(String, CardState)> = Vec::new();
        for (i, &(ivl, overdue, s, d)) in self.reviews.iter().enumerate() {
            let due_day = today - overdue;
            states.push((
                format!("r{i}"),
                CardState {
                    phase: Phase::Review,
                    stability: s,
                    difficulty: d,
                    interval_days: ivl,
                    due_ms: days.start_of(due_day),
                    last_review_ms: Some(days.start_of(due_day - ivl as i64) + 3_600_000),
                    reps: 3,
                    ..CardState::NEW
                },
            ));
        }
        let learning = |due_ms: i64| CardState {
            phase: Phase::Learning,
            step: 1,
            stability: 1.0,
            difficulty: 5.0,
            due_ms,
            last_review_ms: Some(due_ms - 600_000),
            reps: 1,
            ..CardState::NEW
        };
        for (i, secs) in self.learning.iter().enumerate() {
            states.push((format!("l{i}"), learning((self.now + secs) * 1000)));
        }
        for (i, ago) in self.interday.iter().enumerate() {
            states.push((format!("d{i}"), learning(days.start_of(today - ago))));
        }
        let mut ids: Vec<String> = states.iter().map(|(id, _)| id.clone()).collect();
        ids.extend((0..self.new).map(|i| format!("n{i}")));
        ids.extend((0..self.answered_interday).map(|i| format!("x{i}")));
        let mut store = SqliteStore::open_in_memory().unwrap();
        let cards: Vec<DeckCard> = ids
            .iter()
            .map(|id| DeckCard {
                card_id: id.clone(),
                content_hash: "h".into(),
                text: None,
            })
            .collect();
        store.sync_deck("q", "Q", "h", &cards, 0).unwrap();
        for (id, after) in states {
            store
                .record(&Answer {
                    deck_id: "q".into(),
                    card_id: id,
                    ts_ms: 0,
                    rating: None,
                    kind: ReviewKind::Manual,
                    before: CardState::NEW,
                    after,
                    elapsed_days: 0,
                    elapsed_secs: 0,
                    r_before: None,
                    r_after: None,
                    duration_ms: 0,
                    content_hash: "h".into(),
                    session_id: None,
                })
                .unwrap();
        }
        for i in 0..self.answered_interday {
            let due = learning(days.start_of(today));
            let answer = |ts_ms, kind, before, after, elapsed_days, rating| Answer {
                deck_id: "q".into(),
                card_id: format!("x{i}"),
                ts_ms,
                rating,
                kind,
                before,
                after,
                elapsed_days,
                elapsed_secs: 0,
                r_before: None,
                r_after: None,
                duration_ms: 0,
                content_hash: "h".into(),
                session_id: None,
            };
            let manual = answer(0, ReviewKind::Manual, CardState::NEW, due, 0, None);
            store.record(&manual).unwrap();
            let graduated = CardState {
                phase: Phase::Review,
                interval_days: 3,
                due_ms: days.start_of(today + 3),
                ..due
            };
            let ts = (self.now - 60 + i as i64) * 1000;
            let good = answer(
                ts,
                ReviewKind::Learning,
                due,
                graduated,
                1,
                Some(Rating::Good),
            );
            store.record(&good).unwrap();
        }
        let queue = Queue::build(&store, "q", &sched, now).unwrap();
        let c = queue.counts_at(now);
        let order = queue
            .upcoming(now)
            .iter()
            .map(|(r, _)| r.card_id[..1].to_string())
            .collect();
        (vec![c.new, c.learning, c.review], order)
    }
}

fn queue_cases(now: i64) -> Vec<(&'static str, QueueCase)> {
    let case = |new, reviews: usize| QueueCase {
        now,
        new_per_day: 20,
        reviews_per_day: 200,
        mix: 0,
        new,
        reviews: (0..reviews)
            .map(|i| {
                (
                    3 + (i % 20) as u32,
                    (i % 4) as i64,
                    3.0 + (i % 7) as f32,
                    5.0,
                )
            })
            .collect(),
        learning: Vec::new(),
        interday: Vec::new(),
        answered_interday: 0,
    };
    vec![
        (
            "a few of each kind",
            QueueCase {
                learning: vec![-300, 60, 600, 1300, 5000],
                interday: vec![0, 1],
                ..case(20, 3)
            },
        ),
        ("230 reviews leave no room for new cards", case(20, 230)),
        ("190 reviews leave room for 10 new cards", case(30, 190)),
        (
            "new cards after reviews",
            QueueCase {
                mix: 1,
                reviews_per_day: 30,
                ..case(10, 40)
            },
        ),
        (
            "new cards before reviews",
            QueueCase {
                mix: 2,
                ..case(7, 12)
            },
        ),
        (
            "the learning count covers the learn-ahead window",
            QueueCase {
                learning: vec![
                    -60, 0, 100, 300, 500, 700, 900, 1000, 1100, 1190, 1200, 1201, 4000,
                ],
                ..case(0, 0)
            },
        ),
        (
            "interday learning answered today counts against the review limit",
            QueueCase {
                reviews_per_day: 10,
                answered_interday: 3,
                ..case(5, 12)
            },
        ),
        (
            "no new cards today",
            QueueCase {
                new_per_day: 0,
                interday: vec![0, 0, 3],
                ..case(5, 9)
            },
        ),
    ]
}

/// Has Anki's optimiser train on a synthetic log of `cards` cards and
/// docket's on the same log; returns (largest parameter difference, items,
/// Anki's seconds, docket's seconds).
fn compare_optimizer(
    py: &PathBuf,
    lib: &str,
    cards: usize,
    seed: u64,
    current: &[f32],
) -> (f32, u64, f64, f64) {
    use docket::schedule::ReviewKind;
    use docket::store::Answer;
    use docket::store::LogEntry;
    let out = Command::new(py)
        .arg("tests/anki/optimize_parity.py")
        .arg(cards.to_string())
        .arg(seed.to_string())
        .arg(serde_json::to_string(current).unwrap())
        .env("LD_PRELOAD", lib)
        .env("FAKETIME_FMT", "%s")
        .env("FAKETIME", "1783929600")
        .env("FAKETIME_NO_CACHE", "1")
        .env("DONT_FAKE_MONOTONIC", "1")
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let anki: Value = serde_json::from_slice(&out.stdout).unwrap();
    let log: Vec<LogEntry> = anki["revlog"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let kind = match r[3].as_i64().unwrap() {
                0 => ReviewKind::Learning,
                1 => ReviewKind::Review,
                _ => ReviewKind::Relearning,
            };
            LogEntry {
                id: i as i64 + 1,
                answer: Answer {
                    deck_id: "d".into(),
                    card_id: r[0].to_string(),
                    ts_ms: r[1].as_i64().unwrap(),
                    rating: Rating::from_number(r[2].as_u64().unwrap() as u8),
                    kind,
                    before: CardState::NEW,
                    after: CardState::NEW,
                    elapsed_days: 0,
                    elapsed_secs: 0,
                    r_before: None,
                    r_after: None,
                    duration_ms: 0,
                    content_hash: "h".into(),
                    session_id: None,
                },
            }
        })
        .collect();
    let started = std::time::Instant::now();
    let ours = docket::schedule::optimize::optimize(
        &log,
        anki["next_day_at"].as_i64().unwrap(),
        current,
        1,
        None,
    )
    .unwrap();
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(ours.items as u64, anki["fsrs_items"].as_u64().unwrap());
    let theirs: Vec<f32> = serde_json::from_value(anki["params"].clone()).unwrap();
    assert_eq!(
        ours.params.len(),
        theirs.len(),
        "docket {:?} (trained {:?}, {:?} -> {:?}), Anki {theirs:?}",
        ours.params,
        ours.trained,
        ours.before,
        ours.after
    );
    let diff = ours
        .params
        .iter()
        .zip(&theirs)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    (
        diff,
        ours.items as u64,
        anki["seconds"].as_f64().unwrap(),
        secs,
    )
}

/// Has Anki answer the sequences, then replays and compares each.
fn run_and_compare(
    py: &PathBuf,
    lib: &str,
    tz: &str,
    fuzz: bool,
    seqs: &[(String, Sequence)],
) -> usize {
    let spec = json!({"sequences": seqs.iter().map(|(_, s)| s.spec()).collect::<Vec<_>>()});
    let anki = run_anki(py, lib, tz, fuzz, &spec);
    if std::env::var_os("DOCKET_PARITY_DUMP").is_some() {
        eprintln!("{spec}\n{anki}");
    }
    seqs.iter()
        .zip(anki["sequences"].as_array().unwrap())
        .map(|((label, seq), a)| compare(&format!("{tz}: {label}"), seq, a, fuzz))
        .sum()
}

#[test]
fn docket_schedules_as_anki_does() {
    let Some((py, lib)) = anki_with_faketime() else {
        return;
    };
    let mut compared = 0;

    // Berlin: hand-picked and generated sequences, fuzz off.
    let settings: [(f32, &[f32], &[f32], bool); 9] = [
        (0.9, &[1.0, 10.0], &[10.0], false),
        (0.8, &[1.0, 10.0], &[10.0], false),
        (0.95, &[1.0, 10.0], &[10.0], false),
        (0.7, &[10.0], &[], false),
        (0.9, &[], &[], false),
        (0.85, &[1.0, 1440.0], &[10.0, 60.0], false),
        (0.9, &[1.0, 10.0], &[10.0], true),
        (0.97, &[5.0], &[5.0], true),
        (0.99, &[1.0, 10.0], &[10.0], false),
    ];
    compared += in_zone("Europe/Berlin", || {
        let mut rng = StdRng::seed_from_u64(13);
        let mut seqs: Vec<(String, Sequence)> = handpicked()
            .into_iter()
            .map(|(l, s)| (l.to_string(), s))
            .collect();
        for (k, (retention, learn, relearn, tuned)) in settings.iter().enumerate() {
            for j in 0..3 {
                let mut b = base(*retention, learn, relearn);
                if *tuned {
                    b.params = TUNED.to_vec();
                }
                let start = local(2026, 7, 13, 9, 0, 0) + rng.random_range(0..86_400 * 20);
                let seq = generated(&mut rng, start, b, 14, k % 2 == 0, j != 1);
                seqs.push((format!("generated {k}.{j} (retention {retention})"), seq));
            }
        }
        seqs.extend(range_sequences(&mut rng));
        run_and_compare(&py, &lib, "Europe/Berlin", false, &seqs)
    });

    // Stabilities of 1,000 to 10,000+ days at several retentions, with
    // the default and tuned parameters: stored values must be Anki's to
    // the last bit.
    compared += in_zone("Europe/Berlin", || {
        let mut rng = StdRng::seed_from_u64(1903);
        let mut seqs = Vec::new();
        for (k, retention) in [0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.99]
            .into_iter()
            .enumerate()
        {
            for tuned in [false, true] {
                let mut b = base(retention, &[1.0, 10.0], &[10.0]);
                if tuned {
                    b.params = TUNED.to_vec();
                }
                // From 2001, to have 37 years before 2038.
                let start = local(2001, 3, 1, 9, 0, 0) + rng.random_range(0..86_400 * 20);
                let seq = long_run(&mut rng, start, b, k % 2 == 1, k % 3 == 0);
                seqs.push((
                    format!("long {k} (retention {retention}, tuned {tuned})"),
                    seq,
                ));
            }
        }
        let most = seqs.iter().map(|(_, s)| s.answers.len()).max().unwrap_or(0);
        eprintln!("{} long sequences, up to {most} answers", seqs.len());
        run_and_compare(&py, &lib, "Europe/Berlin", false, &seqs)
    });

    // A stored stability that a second rounding moves, then saved once
    // more by Anki (set due date; moving into a review-ahead deck;
    // suspending and unsuspending; burying and unburying).
    compared += in_zone("Europe/Berlin", || {
        let mut rng = StdRng::seed_from_u64(616);
        let mut seqs = resaved(&mut rng, Resave::SetDue, 3);
        seqs.extend(resaved(&mut rng, Resave::Ahead, 3));
        seqs.extend(resaved(&mut rng, Resave::Suspend, 2));
        seqs.extend(resaved(&mut rng, Resave::Bury, 2));
        run_and_compare(&py, &lib, "Europe/Berlin", false, &seqs)
    });

    // Clocks going back and forward in three zones.
    for (tz, back, forward) in [
        ("Europe/Berlin", (2026, 10, 25), (2026, 3, 29)),
        ("America/New_York", (2026, 11, 1), (2026, 3, 8)),
        ("Australia/Lord_Howe", (2026, 4, 5), (2026, 10, 4)),
    ] {
        compared += in_zone(tz, || {
            run_and_compare(&py, &lib, tz, false, &across_dst(back, forward))
        });
    }

    // Fuzz on: Anki seeds it with its card id plus reps; given the same
    // seed docket must draw the same intervals and learning steps.
    compared += in_zone("Europe/Berlin", || {
        let mut rng = StdRng::seed_from_u64(26);
        let mut seqs = Vec::new();
        for (k, (retention, learn, relearn, _)) in settings.iter().enumerate() {
            let b = base(*retention, learn, relearn);
            let start = local(2026, 7, 13, 9, 0, 0) + rng.random_range(0..86_400 * 20);
            seqs.push((
                format!("fuzzed {k}"),
                generated(&mut rng, start, b, 12, false, false),
            ));
        }
        // Rescheduling on a change of retention is fuzzed with the seed
        // of the last answer.
        for (k, retention) in [0.8, 0.9, 0.95].into_iter().enumerate() {
            let b = base(retention, &[1.0, 10.0], &[10.0]);
            let start = local(2001, 3, 1, 9, 0, 0) + rng.random_range(0..86_400 * 20);
            seqs.push((
                format!("fuzzed, retention changes {k}"),
                long_run(&mut rng, start, b, false, true),
            ));
        }
        run_and_compare(&py, &lib, "Europe/Berlin", true, &seqs)
    });

    // The load balancer and easy days (fuzz on): before each answer the
    // other cards' load is placed alike for Anki and docket, and Anki's
    // draw (seeded with its card id) must pick docket's day. Set due
    // dates and early answers come in too.
    compared += in_zone("Europe/Berlin", || {
        let mut rng = StdRng::seed_from_u64(2411);
        let easy: [[f32; 7]; 3] = [
            [1.0; 7],
            [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0],
            [1.0, 0.5, 1.0, 1.0, 0.5, 0.0, 1.0],
        ];
        let mut seqs = Vec::new();
        for (k, (retention, learn, relearn, _)) in settings.iter().take(6).enumerate() {
            let mut b = base(*retention, learn, relearn);
            b.easy_days = easy[k % 3];
            let span = rng.random_range(20..60);
            b.load = Some(
                (1..=span)
                    .map(|d| (d, rng.random_range(0..4)))
                    .filter(|l| l.1 > 0)
                    .collect(),
            );
            let start = local(2026, 7, 13, 9, 0, 0) + rng.random_range(0..86_400 * 20);
            seqs.push((
                format!("load balanced {k}"),
                generated(&mut rng, start, b, 12, true, false),
            ));
        }
        // Rescheduling on a change of retention, balanced against the
        // load.
        for k in 0..4 {
            let mut b = base([0.8, 0.9, 0.85, 0.95][k], &[1.0, 10.0], &[10.0]);
            b.easy_days = easy[k % 3];
            let span = rng.random_range(20..90);
            b.load = Some(
                (-3..=span)
                    .map(|d| (d, rng.random_range(0..4)))
                    .filter(|l| l.1 > 0)
                    .collect(),
            );
            let start = local(2001, 3, 1, 9, 0, 0) + rng.random_range(0..86_400 * 20);
            seqs.push((
                format!("load balanced, retention changes {k}"),
                long_run(&mut rng, start, b, false, true),
            ));
        }
        // The load in another deck: counted on the same preset, not on
        // another one.
        for (k, load_deck) in ["same_preset", "other_preset", "same_preset", "other_preset"]
            .into_iter()
            .enumerate()
        {
            let mut b = base(0.9, &[1.0, 10.0], &[10.0]);
            b.easy_days = easy[k % 3];
            b.load_deck = load_deck;
            let span = rng.random_range(20..60);
            b.load = Some(
                (1..=span)
                    .map(|d| (d, rng.random_range(0..4)))
                    .filter(|l| l.1 > 0)
                    .collect(),
            );
            let start = local(2026, 7, 13, 9, 0, 0) + rng.random_range(0..86_400 * 20);
            seqs.push((
                format!("load in another deck, {load_deck} {k}"),
                generated(&mut rng, start, b, 12, false, false),
            ));
        }
        run_and_compare(&py, &lib, "Europe/Berlin", true, &seqs)
    });

    // The day's queue: limits, mixing and the learning count.
    in_zone("Europe/Berlin", || {
        let cases = queue_cases(local(2026, 7, 20, 10, 0, 0));
        let spec = json!({"queues": cases.iter().map(|(_, c)| c.spec()).collect::<Vec<_>>()});
        let anki = run_anki(&py, &lib, "Europe/Berlin", false, &spec);
        for ((label, case), a) in cases.iter().zip(anki["queues"].as_array().unwrap()) {
            let (counts, order) = case.docket();
            let anki_counts: Vec<u32> = serde_json::from_value(a["counts"].clone()).unwrap();
            assert_eq!(
                counts, anki_counts,
                "counts [new, learning, review]: {label}"
            );
            let anki_order: Vec<String> = serde_json::from_value(a["order"].clone()).unwrap();
            assert_eq!(order.join(""), anki_order.join(""), "order: {label}");
            eprintln!(
                "queue `{label}`: counts {counts:?}, {} cards listed",
                order.len()
            );
        }
    });

    // The optimiser: the same items, the same parameters.
    // With parameters already set, both keep them unless training does
    // better.
    let defaults = fsrs::DEFAULT_PARAMETERS.to_vec();
    for (cards, seed, current) in [(40, 1, &[][..]), (300, 2, &[][..]), (40, 1, &defaults[..])] {
        let (diff, items, anki_secs, docket_secs) =
            compare_optimizer(&py, &lib, cards, seed, current);
        eprintln!(
            "optimiser on {items} items: largest parameter difference {diff:.2e}; \
             Anki {anki_secs:.2} s, docket {docket_secs:.2} s (debug build)"
        );
        assert!(diff <= 1e-4, "parameters differ by {diff} on {items} items");
    }

    assert!(compared > 400, "only {compared} answers compared");
    let above = ABOVE_1000.load(std::sync::atomic::Ordering::Relaxed);
    let most = MOST.load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        above >= 50 && most >= 10_000,
        "only {above} answers above 1,000 days of stability, at most {most}"
    );
    eprintln!("{above} answers with stability above 1,000 days (up to {most}), all equal");
    let ranges = RANGE_DRAWS.load(std::sync::atomic::Ordering::Relaxed);
    assert!(ranges >= 5, "only {ranges} set due dates with a range");
    eprintln!("{ranges} set due dates with a range: Anki's day in range, the rest equal");
    let rescheduled = RESCHEDULED.load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        rescheduled >= 15,
        "only {rescheduled} reschedules on a change"
    );
    eprintln!("{rescheduled} cards rescheduled on a change of retention (kind 5), all equal");
    eprintln!("{compared} answers compared with Anki");
}

/// Figures for the notes (not run by default): optimiser time and result
/// against Anki's on about 10k and 100k reviews, and a 365-day simulation
/// of 10,000 cards. `cargo test --test anki_sched -- --ignored --nocapture`
#[test]
#[ignore]
fn figures() {
    let Some((py, lib)) = anki_with_faketime() else {
        return;
    };
    for cards in [1_250, 12_500] {
        let (diff, items, anki_secs, docket_secs) = compare_optimizer(&py, &lib, cards, 7, &[]);
        eprintln!(
            "optimise {cards} cards, {items} training items: Anki {anki_secs:.2} s, docket {docket_secs:.2} s, \
             largest parameter difference {diff:.2e}"
        );
    }
    let started = std::time::Instant::now();
    let sim = docket::schedule::simulate::simulate(
        &docket::schedule::simulate::SimulateSettings::default(),
        None,
    )
    .unwrap();
    eprintln!(
        "simulate 365 days, 10,000 cards: {:.2} s; {} answers, {:.0} minutes, {:.0} remembered at the end",
        started.elapsed().as_secs_f64(),
        sim.total_answers,
        sim.total_minutes,
        sim.remembered_at_end
    );
    let started = std::time::Instant::now();
    let advice = docket::schedule::simulate::retention_advice(
        &docket::schedule::simulate::SimulateSettings::default(),
        None,
    )
    .unwrap();
    eprintln!(
        "retention advice (28 simulations): {:.2} s",
        started.elapsed().as_secs_f64()
    );
    for a in advice.iter().step_by(3) {
        eprintln!(
            "  {:.2}: {:.0} min, {:.0} remembered, {:.1} per hour",
            a.desired_retention, a.total_minutes, a.remembered_at_end, a.remembered_per_hour
        );
    }
}

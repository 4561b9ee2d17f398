//! The review log as CSV in the schema the FSRS optimiser and the
//! srs-benchmark read: `card_id,review_time,review_rating,review_state,
//! review_duration` (time in ms since the epoch, rating 1–4, the card's
//! state when answered: 0 new, 1 learning, 2 review, 3 relearning; the
//! answer time in ms). Those tools take the timezone and the hour the day
//! starts as arguments: [`RevlogCsvMeta`] says what to pass. Manual rows
//! (resets, set due dates) have no rating and are left out, as the
//! optimiser expects; a card's rows before its last reset are left out
//! too, since they no longer describe its memory. Early reviews (Anki's
//! kind 3, "filtered") are written as state 4, as the FSRS optimiser's own
//! conversion of an Anki review log writes them (`type + 1`; it leaves
//! state 4 out of its answer-time statistics).

use serde::Serialize;

use crate::quiz::csv::field;
use crate::store::LogEntry;

/// What the reference tools need besides the rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevlogCsvMeta {
    /// IANA zone (`TZ`), or a fixed offset such as `+02:00`.
    pub timezone: String,
    /// Hour the study day starts (the optimiser's `next_day_starts_at`).
    pub day_start_hour: u32,
    /// Rows written.
    pub rows: usize,
}

/// The zone to report: `TZ` when set, else the offset given.
pub fn timezone_name(offset_secs: i32) -> String {
    match std::env::var("TZ") {
        Ok(tz) if !tz.trim().is_empty() => tz.trim().trim_start_matches(':').to_string(),
        _ => {
            let sign = if offset_secs < 0 { '-' } else { '+' };
            let a = offset_secs.unsigned_abs();
            format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
        }
    }
}

/// The `review_state` of an answer: the card's state when answered, or 4
/// for an early review (Anki's "filtered" kind).
fn review_state(a: &crate::store::Answer) -> i64 {
    if a.kind == crate::schedule::ReviewKind::Filtered {
        4
    } else {
        a.before.phase.number()
    }
}

/// Writes the log (any order; rows come out by card, then time) as CSV,
/// with what to tell the reference tools about it (`offset_secs`: the
/// current offset, named when `TZ` is not set).
pub fn revlog_csv(
    log: &[LogEntry],
    day_start_hour: u32,
    offset_secs: i32,
) -> (String, RevlogCsvMeta) {
    let mut rows: Vec<&LogEntry> = log.iter().collect();
    rows.sort_by(|a, b| {
        (a.answer.card_id.as_str(), a.answer.ts_ms, a.id).cmp(&(
            b.answer.card_id.as_str(),
            b.answer.ts_ms,
            b.id,
        ))
    });
    let mut out = String::from("card_id,review_time,review_rating,review_state,review_duration\n");
    let mut n = 0;
    for (i, e) in rows.iter().enumerate() {
        let a = &e.answer;
        let Some(rating) = a.rating else { continue };
        let reset_later = rows[i + 1..]
            .iter()
            .take_while(|o| o.answer.card_id == a.card_id)
            .any(|o| {
                o.answer.rating.is_none() && o.answer.after.phase == crate::schedule::Phase::New
            });
        if reset_later {
            continue;
        }
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            field(&a.card_id),
            a.ts_ms,
            rating.number(),
            review_state(a),
            a.duration_ms
        ));
        n += 1;
    }
    let meta = RevlogCsvMeta {
        timezone: timezone_name(offset_secs),
        day_start_hour,
        rows: n,
    };
    (out, meta)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::CardState;
    use crate::schedule::Phase;
    use crate::schedule::Rating;
    use crate::schedule::ReviewKind;
    use crate::store::Answer;

    fn e(id: i64, card: &str, ts: i64, rating: Option<Rating>, phase: Phase) -> LogEntry {
        LogEntry {
            id,
            answer: Answer {
                deck_id: "d".into(),
                card_id: card.into(),
                ts_ms: ts,
                rating,
                kind: if rating.is_some() {
                    ReviewKind::Review
                } else {
                    ReviewKind::Manual
                },
                before: CardState {
                    phase,
                    ..CardState::NEW
                },
                after: CardState::NEW,
                elapsed_days: 0,
                elapsed_secs: 0,
                r_before: None,
                r_after: None,
                duration_ms: 4200,
                content_hash: "h".into(),
                session_id: None,
            },
        }
    }

    #[test]
    fn rows_in_the_optimisers_schema() {
        let g = Some(Rating::Good);
        let log = vec![
            e(3, "b", 30, g, Phase::Review),
            e(1, "b", 10, g, Phase::New),
            e(2, "=x", 20, Some(Rating::Again), Phase::New),
            e(4, "c", 5, g, Phase::New),
            e(5, "c", 6, None, Phase::Review),
            e(6, "c", 7, g, Phase::New),
        ];
        let (csv, meta) = revlog_csv(&log, 4, 0);
        assert_eq!((meta.rows, meta.day_start_hour), (4, 4));
        assert_eq!(
            csv,
            "card_id,review_time,review_rating,review_state,review_duration\n\
             \"'=x\",20,1,0,4200\nb,10,3,0,4200\nb,30,3,2,4200\nc,7,3,0,4200\n"
        );
    }

    #[test]
    fn early_reviews_are_state_4_and_a_set_due_date_keeps_the_history() {
        let g = Some(Rating::Good);
        let mut moved = e(2, "d", 20, None, Phase::Review);
        moved.answer.after.phase = Phase::Review;
        let mut early = e(3, "d", 30, g, Phase::Review);
        early.answer.kind = ReviewKind::Filtered;
        let log = vec![e(1, "d", 10, g, Phase::New), moved, early];
        let (csv, meta) = revlog_csv(&log, 4, 0);
        assert_eq!(meta.rows, 2);
        assert!(csv.ends_with("d,10,3,0,4200\nd,30,3,4,4200\n"), "{csv}");
    }

    #[test]
    fn a_fixed_offset_is_named_when_no_zone_is_set() {
        if std::env::var("TZ").is_err() {
            assert_eq!(timezone_name(7200), "+02:00");
            assert_eq!(timezone_name(-34_200), "-09:30");
        }
    }
}

//! The compact encoding of a review-log row's details (schema 4): the
//! card's state after the answer, the state before it only when it is not
//! simply the state the card's previous row left (it always is, unless
//! progress was imported), and the answer's timings, as little-endian
//! `f32`s and LEB128 varints (times relative to the answer's own time,
//! signed values zigzagged). A typical review packs into about 30 bytes,
//! against about 400 for the two JSON states it replaces. Lossless: every
//! field reads back bit for bit.

use crate::schedule::CardState;
use crate::schedule::Phase;

/// The details of one answer, as stored in its `detail` column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detail {
    /// The state before, when it differs from the chain (else `None`).
    pub before: Option<CardState>,
    /// The state after.
    pub after: CardState,
    /// Study days since the previous answer.
    pub elapsed_days: u32,
    /// Seconds since the previous answer.
    pub elapsed_secs: i64,
    /// Answer time in ms.
    pub duration_ms: i64,
    /// Retrievability before.
    pub r_before: Option<f32>,
    /// Retrievability after.
    pub r_after: Option<f32>,
}

const BEFORE: u8 = 1;
const R_BEFORE: u8 = 2;
const R_AFTER: u8 = 4;

/// Appends `v` as a LEB128 varint.
pub(super) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Appends `v` zigzagged, as a varint.
pub(super) fn put_signed(out: &mut Vec<u8>, v: i64) {
    put_varint(out, ((v << 1) ^ (v >> 63)) as u64);
}

fn put_state(out: &mut Vec<u8>, s: &CardState, ts_ms: i64) {
    out.push(s.phase.number() as u8 | if s.last_review_ms.is_some() { 8 } else { 0 });
    put_varint(out, s.step.into());
    out.extend_from_slice(&s.stability.to_le_bytes());
    out.extend_from_slice(&s.difficulty.to_le_bytes());
    put_signed(out, s.due_ms.wrapping_sub(ts_ms));
    put_varint(out, s.interval_days.into());
    if let Some(last) = s.last_review_ms {
        put_signed(out, ts_ms.wrapping_sub(last));
    }
    put_varint(out, s.reps.into());
    put_varint(out, s.lapses.into());
}

/// Packs the details of an answer given at `ts_ms`. `chain` is the state
/// the card's previous row left (or new): the state before is stored only
/// if it differs.
pub fn pack(d: &Detail, before: &CardState, chain: &CardState, ts_ms: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(40);
    let store_before = before != chain;
    out.push(
        if store_before { BEFORE } else { 0 }
            | if d.r_before.is_some() { R_BEFORE } else { 0 }
            | if d.r_after.is_some() { R_AFTER } else { 0 },
    );
    put_state(&mut out, &d.after, ts_ms);
    if store_before {
        put_state(&mut out, before, ts_ms);
    }
    put_varint(&mut out, d.elapsed_days.into());
    let expected = before
        .last_review_ms
        .map_or(0, |l| ts_ms.wrapping_sub(l) / 1000);
    put_signed(&mut out, d.elapsed_secs.wrapping_sub(expected));
    put_signed(&mut out, d.duration_ms);
    for r in [d.r_before, d.r_after].into_iter().flatten() {
        out.extend_from_slice(&r.to_le_bytes());
    }
    out
}

/// Why a `detail` value cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a review-log row's details cannot be read ({0})")]
pub struct BadDetail(&'static str);

/// Reads what the `put_` functions wrote, in order.
pub(super) struct Reader<'a> {
    pub(super) bytes: &'a [u8],
}

impl Reader<'_> {
    pub(super) fn byte(&mut self) -> Result<u8, BadDetail> {
        let (&b, rest) = self.bytes.split_first().ok_or(BadDetail("too short"))?;
        self.bytes = rest;
        Ok(b)
    }

    pub(super) fn varint(&mut self) -> Result<u64, BadDetail> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(BadDetail("varint too long"))
    }

    fn u32(&mut self) -> Result<u32, BadDetail> {
        u32::try_from(self.varint()?).map_err(|_| BadDetail("number out of range"))
    }

    pub(super) fn signed(&mut self) -> Result<i64, BadDetail> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn f32(&mut self) -> Result<f32, BadDetail> {
        let mut b = [0u8; 4];
        for x in &mut b {
            *x = self.byte()?;
        }
        Ok(f32::from_le_bytes(b))
    }

    fn state(&mut self, ts_ms: i64) -> Result<CardState, BadDetail> {
        let head = self.byte()?;
        let phase = Phase::from_number(i64::from(head & 7)).ok_or(BadDetail("phase"))?;
        let step = self.u32()?;
        let stability = self.f32()?;
        let difficulty = self.f32()?;
        let due_ms = ts_ms.wrapping_add(self.signed()?);
        let interval_days = self.u32()?;
        let last_review_ms = if head & 8 != 0 {
            Some(ts_ms.wrapping_sub(self.signed()?))
        } else {
            None
        };
        Ok(CardState {
            phase,
            step,
            stability,
            difficulty,
            due_ms,
            interval_days,
            last_review_ms,
            reps: self.u32()?,
            lapses: self.u32()?,
        })
    }
}

/// Reads only the state after (all that the next row's chain needs).
pub fn after(bytes: &[u8], ts_ms: i64) -> Result<CardState, BadDetail> {
    let mut r = Reader { bytes };
    r.byte()?;
    r.state(ts_ms)
}

/// Reads everything; `chain` is the state the card's previous row left
/// (or new), used when the state before was not stored. Returns the
/// details and the state before.
pub fn unpack(
    bytes: &[u8],
    ts_ms: i64,
    chain: &CardState,
) -> Result<(Detail, CardState), BadDetail> {
    let mut r = Reader { bytes };
    let flags = r.byte()?;
    let after = r.state(ts_ms)?;
    let stored = if flags & BEFORE != 0 {
        Some(r.state(ts_ms)?)
    } else {
        None
    };
    let before = stored.unwrap_or(*chain);
    let elapsed_days = r.u32()?;
    let expected = before
        .last_review_ms
        .map_or(0, |l| ts_ms.wrapping_sub(l) / 1000);
    let elapsed_secs = r.signed()?.wrapping_add(expected);
    let duration_ms = r.signed()?;
    let r_before = if flags & R_BEFORE != 0 {
        Some(r.f32()?)
    } else {
        None
    };
    let r_after = if flags & R_AFTER != 0 {
        Some(r.f32()?)
    } else {
        None
    };
    if !r.bytes.is_empty() {
        return Err(BadDetail("trailing bytes"));
    }
    Ok((
        Detail {
            before: stored,
            after,
            elapsed_days,
            elapsed_secs,
            duration_ms,
            r_before,
            r_after,
        },
        before,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn state() -> impl Strategy<Value = CardState> {
        (
            0i64..4,
            0u32..5,
            any::<f32>(),
            any::<f32>(),
            any::<i64>(),
            any::<u32>(),
            proptest::option::of(any::<i64>()),
            any::<u32>(),
            any::<u32>(),
        )
            .prop_map(|(p, step, s, d, due, ivl, last, reps, lapses)| CardState {
                phase: Phase::from_number(p).unwrap(),
                step,
                stability: s,
                difficulty: d,
                due_ms: due,
                interval_days: ivl,
                last_review_ms: last,
                reps,
                lapses,
            })
    }

    fn same(a: &CardState, b: &CardState) -> bool {
        // Bit for bit, NaNs included.
        a.stability.to_bits() == b.stability.to_bits()
            && a.difficulty.to_bits() == b.difficulty.to_bits()
            && CardState {
                stability: 0.0,
                difficulty: 0.0,
                ..*a
            } == CardState {
                stability: 0.0,
                difficulty: 0.0,
                ..*b
            }
    }

    proptest! {
        #[test]
        fn every_field_reads_back(
            before in state(), after in state(), chain_is_before in any::<bool>(), other in state(),
            ts in any::<i64>(), days in any::<u32>(), secs in any::<i64>(), dur in any::<i64>(),
            rb in proptest::option::of(any::<f32>()), ra in proptest::option::of(any::<f32>()),
        ) {
            let chain = if chain_is_before { before } else { other };
            let d = Detail { before: None, after, elapsed_days: days, elapsed_secs: secs,
                duration_ms: dur, r_before: rb, r_after: ra };
            let bytes = pack(&d, &before, &chain, ts);
            let (got, got_before) = unpack(&bytes, ts, &chain).unwrap();
            prop_assert!(same(&got_before, &before));
            prop_assert!(same(&got.after, &after));
            prop_assert!(same(&self::after(&bytes, ts).unwrap(), &after));
            prop_assert_eq!(got.elapsed_days, days);
            prop_assert_eq!(got.elapsed_secs, secs);
            prop_assert_eq!(got.duration_ms, dur);
            prop_assert_eq!(got.r_before.map(f32::to_bits), rb.map(f32::to_bits));
            prop_assert_eq!(got.r_after.map(f32::to_bits), ra.map(f32::to_bits));
        }
    }

    #[test]
    fn a_typical_review_is_small() {
        let ts = 1_772_445_600_000;
        let before = CardState {
            phase: Phase::Review,
            step: 0,
            stability: 12.3,
            difficulty: 5.4,
            due_ms: ts - 86_400_000,
            interval_days: 11,
            last_review_ms: Some(ts - 12 * 86_400_000),
            reps: 6,
            lapses: 1,
        };
        let after = CardState {
            stability: 30.1,
            due_ms: ts + 30 * 86_400_000,
            interval_days: 30,
            last_review_ms: Some(ts),
            reps: 7,
            ..before
        };
        let d = Detail {
            before: None,
            after,
            elapsed_days: 12,
            elapsed_secs: 12 * 86_400,
            duration_ms: 5_300,
            r_before: Some(0.9),
            r_after: Some(0.9),
        };
        let bytes = pack(&d, &before, &before, ts);
        assert!(bytes.len() <= 32, "{} bytes", bytes.len());
    }
}

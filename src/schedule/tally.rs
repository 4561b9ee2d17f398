//! The sums a calibration is made of, kept exactly so that they do not
//! depend on order: predictions can be added and taken away in any order,
//! and the tally equals the one made from scratch, bit for bit. This is
//! what lets `docket stats` keep a deck's tally and, after new answers,
//! take away the answered cards' earlier predictions and add their new
//! ones instead of predicting and summing the whole log again.
//!
//! Exact because every sum is an integer: a prediction (an `f32` clipped
//! to 0.0001–0.9999) is a whole number of 2⁻³⁷, each log-loss term is
//! rounded once to a whole number of 2⁻⁶⁴, and the AUC works from a
//! count of recalled and forgotten reviews per predicted value.

use std::collections::BTreeMap;

use super::calibration::Calibration;
use super::calibration::CalibrationBin;

/// One unit of a summed prediction: every `f32` at or above 2⁻¹⁴ (the
/// clip is 0.0001) is a whole number of 2⁻³⁷.
const P_UNIT: f64 = (1u64 << 37) as f64;

/// One unit of a summed log-loss term.
const LOSS_UNIT: f64 = 18_446_744_073_709_551_616.0; // 2^64

/// Sums over a group of predictions (a benchmark bin, a chart bin).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Sums {
    /// Predicted recall, in [`P_UNIT`]s.
    p: i128,
    /// Reviews recalled.
    recalled: i64,
    /// Reviews.
    n: i64,
}

impl Sums {
    fn add(&mut self, p: i128, recalled: bool, sign: i64) {
        self.p += p * i128::from(sign);
        self.recalled += i64::from(recalled) * sign;
        self.n += sign;
    }
}

/// One prediction, as the tally counts it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Predicted {
    /// Predicted recall (0.0001–0.9999).
    pub p: f32,
    /// Recalled (Hard, Good or Easy).
    pub recalled: bool,
    /// The srs-benchmark bin (interval, review count, lapses).
    pub bin: (u32, u32, u32),
}

/// Exact sums of predictions: see the module's comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Summed log-loss terms, in 2⁻⁶⁴.
    loss: i128,
    /// By srs-benchmark bin; only bins with reviews.
    bins: BTreeMap<(u32, u32, u32), Sums>,
    /// By tenth of predicted recall.
    chart: [Sums; 10],
    /// (prediction's bits, recalled, forgotten), by prediction, only
    /// values with reviews. Bits of positive floats sort as the floats do.
    values: Vec<(u32, u32, u32)>,
}

/// A prediction's value in [`P_UNIT`]s (exact within the clip; anything
/// else, such as NaN, counts as nothing rather than panicking).
fn p_units(p: f32) -> i128 {
    (f64::from(p) * P_UNIT) as i128
}

/// A prediction's log-loss term, rounded once to 2⁻⁶⁴.
fn loss_units(p: f32, recalled: bool) -> i128 {
    let p = f64::from(p);
    let term = if recalled { -p.ln() } else { -(1.0 - p).ln() };
    (term * LOSS_UNIT).round() as i128
}

fn chart_bin(p: f32) -> usize {
    ((p * 10.0) as usize).min(9)
}

impl Tally {
    /// The tally of `predictions`.
    pub fn of(predictions: &[Predicted]) -> Tally {
        let mut t = Tally::default();
        let ok = t.change(predictions, &[]);
        debug_assert!(ok, "adding alone cannot make a count negative");
        t
    }

    /// Adds `added` and takes `removed` away. False when something taken
    /// away was not there (a count went below zero): the tally is then
    /// not one of any log and must be made again.
    pub fn change(&mut self, added: &[Predicted], removed: &[Predicted]) -> bool {
        use rayon::slice::ParallelSliceMut;
        let mut deltas: Vec<(u32, bool, i64)> = Vec::with_capacity(added.len() + removed.len());
        for (list, sign) in [(added, 1i64), (removed, -1i64)] {
            for x in list {
                let p = p_units(x.p);
                self.loss += loss_units(x.p, x.recalled) * i128::from(sign);
                self.bins.entry(x.bin).or_default().add(p, x.recalled, sign);
                self.chart[chart_bin(x.p)].add(p, x.recalled, sign);
                deltas.push((x.p.to_bits(), x.recalled, sign));
            }
        }
        self.bins.retain(|_, s| *s != Sums::default());
        if self
            .bins
            .values()
            .chain(&self.chart)
            .any(|s| s.n < 0 || s.recalled < 0 || s.recalled > s.n)
        {
            return false;
        }
        deltas.par_sort_unstable_by_key(|d| d.0);
        let mut changes: Vec<(u32, i64, i64)> = Vec::new();
        for (bits, recalled, sign) in deltas {
            if changes.last().is_none_or(|c| c.0 != bits) {
                changes.push((bits, 0, 0));
            }
            if let Some(c) = changes.last_mut() {
                if recalled {
                    c.1 += sign;
                } else {
                    c.2 += sign;
                }
            }
        }
        self.merge_values(changes)
    }

    /// Merges count changes by value (sorted, one per value) into the
    /// sorted counts; false when a count would go below zero.
    fn merge_values(&mut self, changes: Vec<(u32, i64, i64)>) -> bool {
        let old = std::mem::take(&mut self.values);
        let mut out = Vec::with_capacity(old.len() + changes.len());
        let mut ok = true;
        let mut push =
            |bits: u32, pos: i64, neg: i64| match (u32::try_from(pos), u32::try_from(neg)) {
                (Ok(0), Ok(0)) => {}
                (Ok(pos), Ok(neg)) => out.push((bits, pos, neg)),
                _ => ok = false,
            };
        let mut changes = changes.into_iter().peekable();
        for (bits, pos, neg) in old {
            while let Some((b, dp, dn)) = changes.next_if(|c| c.0 < bits) {
                push(b, dp, dn);
            }
            let (dp, dn) = changes
                .next_if(|c| c.0 == bits)
                .map_or((0, 0), |c| (c.1, c.2));
            push(bits, i64::from(pos) + dp, i64::from(neg) + dn);
        }
        for (b, dp, dn) in changes {
            push(b, dp, dn);
        }
        self.values = out;
        ok
    }

    /// Reviews counted.
    pub fn reviews(&self) -> usize {
        self.chart.iter().map(|s| s.n.max(0) as usize).sum()
    }

    /// The calibration these sums make; None without any review.
    pub fn calibration(&self) -> Option<Calibration> {
        let reviews = self.reviews();
        if reviews == 0 {
            return None;
        }
        let p_of = |s: &Sums| s.p as f64 / P_UNIT;
        let total: f64 = self.bins.values().map(|s| s.n as f64).sum();
        let rmse = (self
            .bins
            .values()
            .map(|s| {
                let n = s.n as f64;
                (p_of(s) / n - s.recalled as f64 / n).powi(2) * n
            })
            .sum::<f64>()
            / total)
            .sqrt();
        Some(Calibration {
            reviews,
            log_loss: (self.loss as f64 / LOSS_UNIT / reviews as f64) as f32,
            rmse_bins: rmse as f32,
            auc: self.auc(),
            chart: self
                .chart
                .iter()
                .enumerate()
                .filter(|(_, s)| s.n > 0)
                .map(|(k, s)| CalibrationBin {
                    from: k as f32 / 10.0,
                    predicted: (p_of(s) / s.n as f64) as f32,
                    actual: (s.recalled as f64 / s.n as f64) as f32,
                    count: s.n as usize,
                })
                .collect(),
        })
    }

    /// AUC by the rank-sum statistic, ties counted half; None when every
    /// review was recalled, or none was.
    fn auc(&self) -> Option<f32> {
        let positives: u64 = self.values.iter().map(|v| u64::from(v.1)).sum();
        let negatives: u64 = self.values.iter().map(|v| u64::from(v.2)).sum();
        if positives == 0 || negatives == 0 {
            return None;
        }
        let mut rank_sum = 0f64;
        let mut below = 0u64;
        for &(_, pos, neg) in &self.values {
            let here = u64::from(pos) + u64::from(neg);
            // Ranks below+1 ..= below+here share their mean.
            let mean_rank = (2 * below + 1 + here) as f64 / 2.0;
            rank_sum += mean_rank * f64::from(pos);
            below += here;
        }
        let p = positives as f64;
        Some(((rank_sum - p * (p + 1.0) / 2.0) / (p * negatives as f64)) as f32)
    }

    /// The tally as bytes (varints, then zstd), to be kept.
    pub fn encode(&self) -> Vec<u8> {
        let mut raw = Vec::with_capacity(self.values.len() * 4 + 64);
        put_varint(&mut raw, self.loss as u128);
        let put_sums = |raw: &mut Vec<u8>, s: &Sums| {
            put_varint(raw, s.p as u128);
            put_varint(raw, s.recalled as u128);
            put_varint(raw, s.n as u128);
        };
        for s in &self.chart {
            put_sums(&mut raw, s);
        }
        put_varint(&mut raw, self.bins.len() as u128);
        for (b, s) in &self.bins {
            for x in [b.0, b.1, b.2] {
                put_varint(&mut raw, u128::from(x));
            }
            put_sums(&mut raw, s);
        }
        put_varint(&mut raw, self.values.len() as u128);
        let mut prev = 0u32;
        for &(bits, pos, neg) in &self.values {
            put_varint(&mut raw, u128::from(bits.wrapping_sub(prev)));
            prev = bits;
            put_varint(&mut raw, u128::from(pos));
            put_varint(&mut raw, u128::from(neg));
        }
        let mut out = vec![FORMAT];
        out.extend(zstd::bulk::compress(&raw, 1).unwrap_or_default());
        out
    }

    /// [`Self::encode`]'s bytes back; None when they are not a readable
    /// tally (it is then made again).
    pub fn decode(bytes: &[u8]) -> Option<Tally> {
        let (&format, body) = bytes.split_first()?;
        if format != FORMAT {
            return None;
        }
        let size = zstd::zstd_safe::get_frame_content_size(body).ok()??;
        // A tally compresses a few times over: a far larger claim is
        // damage, refused before anything is allocated for it.
        if size > 64 * body.len() as u64 + (1 << 20) {
            return None;
        }
        let raw = zstd::bulk::decompress(body, size as usize).ok()?;
        let mut r = Reader(&raw);
        let mut t = Tally {
            loss: r.varint()? as i128,
            ..Tally::default()
        };
        for s in &mut t.chart {
            *s = r.sums()?;
        }
        for _ in 0..r.varint()? {
            let bin = (r.u32()?, r.u32()?, r.u32()?);
            t.bins.insert(bin, r.sums()?);
        }
        let n = usize::try_from(r.varint()?).ok()?;
        t.values.reserve(n.min(raw.len()));
        let mut bits = 0u32;
        for _ in 0..n {
            bits = bits.wrapping_add(r.u32()?);
            t.values.push((bits, r.u32()?, r.u32()?));
        }
        r.0.is_empty().then_some(t)
    }
}

/// The layout of [`Tally::encode`]'s output.
const FORMAT: u8 = 1;

/// A varint of the low 128 bits (two's complement for negatives).
fn put_varint(out: &mut Vec<u8>, mut v: u128) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads [`put_varint`]'s numbers.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn varint(&mut self) -> Option<u128> {
        let mut v = 0u128;
        for shift in (0..128).step_by(7) {
            let (&b, rest) = self.0.split_first()?;
            self.0 = rest;
            v |= u128::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }

    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.varint()?).ok()
    }

    fn sums(&mut self) -> Option<Sums> {
        Some(Sums {
            p: self.varint()? as i128,
            recalled: self.varint()? as i64,
            n: self.varint()? as i64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn predicted() -> impl Strategy<Value = Predicted> {
        (1u32..=9999, any::<bool>(), 0u32..4, 0u32..3).prop_map(|(p, recalled, a, b)| Predicted {
            p: p as f32 / 10_000.0,
            recalled,
            bin: (a, b, 0),
        })
    }

    proptest! {
        /// Taking away what was added, in any order, leaves the tally of
        /// what remains, and the bytes read back as written.
        #[test]
        fn order_free_and_read_back(
            kept in prop::collection::vec(predicted(), 0..60),
            gone in prop::collection::vec(predicted(), 0..60),
        ) {
            let all: Vec<Predicted> = gone.iter().chain(&kept).rev().copied().collect();
            let mut t = Tally::of(&all);
            prop_assert!(t.change(&[], &gone));
            prop_assert_eq!(&t, &Tally::of(&kept));
            prop_assert_eq!(Tally::decode(&t.encode()), Some(t.clone()));
            prop_assert_eq!(t.calibration(), Tally::of(&kept).calibration());
        }
    }

    #[test]
    fn taking_away_what_is_not_there_is_refused() {
        let x = Predicted {
            p: 0.5,
            recalled: true,
            bin: (1, 1, 0),
        };
        let mut t = Tally::of(&[x]);
        assert!(!t.change(&[], &[x, x]));
        let y = Predicted {
            recalled: false,
            ..x
        };
        assert!(!Tally::of(&[x]).change(&[], &[y]));
    }

    #[test]
    fn damaged_bytes_are_no_tally() {
        let t = Tally::of(&[Predicted {
            p: 0.25,
            recalled: false,
            bin: (3, 2, 1),
        }]);
        let bytes = t.encode();
        assert_eq!(Tally::decode(&bytes[..bytes.len() - 1]), None);
        assert_eq!(Tally::decode(&[]), None);
        assert_eq!(Tally::decode(&[FORMAT + 1]), None);
    }

    #[test]
    fn auc_by_ranks() {
        let of = |v: &[(f32, bool)]| {
            Tally::of(
                &v.iter()
                    .map(|&(p, recalled)| Predicted {
                        p,
                        recalled,
                        bin: (0, 0, 0),
                    })
                    .collect::<Vec<_>>(),
            )
            .auc()
        };
        assert_eq!(of(&[(0.1, false), (0.9, true)]), Some(1.0));
        assert_eq!(of(&[(0.9, false), (0.1, true)]), Some(0.0));
        assert_eq!(of(&[(0.5, false), (0.5, true)]), Some(0.5));
        assert_eq!(of(&[(0.5, true)]), None);
        let v = of(&[(0.2, false), (0.4, true), (0.6, false), (0.8, true)]).unwrap();
        assert!((v - 0.75).abs() < 1e-6);
    }
}

//! The result file a student hands in: the form's fingerprint, the student,
//! every answer event with its timing, and a hash chain over them. Each
//! event's hash covers the previous hash and the event, so changing,
//! dropping or reordering any event breaks every later link; the final
//! link gives the receipt code the student sees at submission.
//!
//! The chain is tamper *evidence*, not a lock: anyone can recompute it, but
//! not so that it ends in the receipt the teacher noted in the room. The
//! receipt has 65 bits (`docket-quiz-result/2`: 13 Crockford base32
//! characters, `XXXX-XXXX-XXXX-X`), so forging a file that ends in a noted
//! receipt takes about 2^64 hashes; files of the first format (32-bit
//! receipts, `ABCD-1234`) are still read and verified as they were.
//!
//! Saving never overwrites another attempt: see [`ResultFile::write`].

use std::path::Path;

use chrono::DateTime;
use chrono::SecondsFormat;
use chrono::Utc;
use serde::Deserialize;
use serde::Serialize;

use std::time::Duration;

use super::atomic_file::remove_stale_json_temps_beside;
use super::atomic_file::remove_temps_older_than;
use super::atomic_file::replace;
use super::atomic_file::write_new;
use super::error::QuizFileError;
use super::error::VerifyError;
use super::form::read_json;
use super::form::to_json_bytes;
use super::hashing::sha256_fields;

/// The `format` of result files written now.
pub const RESULT_FORMAT: &str = "docket-quiz-result/2";

/// The first format, with 32-bit receipts: still read and verified.
pub const RESULT_FORMAT_V1: &str = "docket-quiz-result/1";

/// A result file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultFile {
    /// [`RESULT_FORMAT`] (or [`RESULT_FORMAT_V1`] for older files).
    pub format: String,
    /// Fingerprint of the form taken.
    pub form: String,
    /// Who took it.
    pub student: String,
    /// When the attempt began (RFC 3339).
    pub started: String,
    /// What happened, in order.
    pub events: Vec<Event>,
    /// Set once the student submits; an attempt without it is unfinished.
    pub submitted: Option<Submission>,
    /// The item on screen when the file was last saved, so a resumed
    /// attempt opens where it stopped. Outside the hash chain on purpose:
    /// it is where to resume, not an answer.
    #[serde(default)]
    pub position: Option<String>,
}

/// The student left an item, with this response on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// 1, 2, 3…
    pub n: u64,
    /// Form item id.
    pub item: String,
    /// The response standing on the item (`None`: unanswered).
    pub response: Option<String>,
    /// Seconds spent on the item in this visit.
    pub seconds: u64,
    /// When the student left the item.
    pub at: String,
    /// Link of the hash chain.
    pub hash: String,
}

/// The submission: the last link of the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    /// When.
    pub at: String,
    /// Whether the time limit ran out (submitted automatically).
    pub time_up: bool,
    /// Link of the hash chain.
    pub hash: String,
    /// Short code shown to the student, derived from `hash`.
    pub receipt: String,
}

/// Formats an instant the way result files store it.
pub fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Crockford's base32 alphabet: digits and letters without I, L, O, U, so
/// a code read aloud or copied by hand is not misread.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters of a receipt code: 13 × 5 = 65 bits.
const RECEIPT_CHARS: usize = 13;

/// The receipt code for a final hash in the current format: the hash's
/// first 65 bits in Crockford base32, grouped `XXXX-XXXX-XXXX-X`.
pub fn receipt_code(hash: &str) -> String {
    let bytes = hex::decode(hash).unwrap_or_default();
    let mut bits: u128 = 0;
    for i in 0..9 {
        bits = (bits << 8) | u128::from(bytes.get(i).copied().unwrap_or(0));
    }
    // 72 bits read; keep the first 65.
    bits >>= 72 - 5 * RECEIPT_CHARS;
    let mut code = String::with_capacity(RECEIPT_CHARS + 3);
    for i in 0..RECEIPT_CHARS {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        let shift = 5 * (RECEIPT_CHARS - 1 - i);
        code.push(CROCKFORD[((bits >> shift) & 31) as usize] as char);
    }
    code
}

/// The receipt code of a first-format file: the first 8 hex digits of the
/// final hash, `ABCD-1234` (32 bits: forgeable in minutes).
pub fn receipt_code_v1(hash: &str) -> String {
    let h = hash.to_ascii_uppercase();
    let h = h.get(..8).unwrap_or(&h);
    format!("{}-{}", &h[..h.len().min(4)], h.get(4..).unwrap_or(""))
}

/// A receipt code as typed by a teacher, for comparison: case, spaces and
/// dashes ignored, and Crockford's look-alikes read as digits (O as 0,
/// I and L as 1), so `abcd efgh` and `ABCD-EFGH` are the same code.
pub fn normalize_receipt(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// Why saving a result file was refused.
fn refuse(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::AlreadyExists, message)
}

impl ResultFile {
    /// Starts an attempt.
    pub fn new(form: &str, student: &str, started: DateTime<Utc>) -> Self {
        ResultFile {
            format: RESULT_FORMAT.into(),
            form: form.into(),
            student: student.into(),
            started: instant(started),
            events: Vec::new(),
            submitted: None,
            position: None,
        }
    }

    fn genesis(&self) -> String {
        sha256_fields(&[
            self.format.as_bytes(),
            self.form.as_bytes(),
            self.student.as_bytes(),
            self.started.as_bytes(),
        ])
    }

    fn event_hash(
        prev: &str,
        n: u64,
        item: &str,
        response: Option<&str>,
        seconds: u64,
        at: &str,
    ) -> String {
        let (tag, text) = match response {
            Some(r) => (b"1", r),
            None => (b"0", ""),
        };
        sha256_fields(&[
            prev.as_bytes(),
            &n.to_le_bytes(),
            item.as_bytes(),
            tag,
            text.as_bytes(),
            &seconds.to_le_bytes(),
            at.as_bytes(),
        ])
    }

    fn submission_hash(prev: &str, at: &str, time_up: bool) -> String {
        sha256_fields(&[
            prev.as_bytes(),
            b"submit",
            at.as_bytes(),
            &[u8::from(time_up)],
        ])
    }

    /// The receipt code this file's format gives for a final hash.
    pub fn receipt_for(&self, hash: &str) -> String {
        if self.format == RESULT_FORMAT_V1 {
            receipt_code_v1(hash)
        } else {
            receipt_code(hash)
        }
    }

    /// The last link so far.
    pub fn head(&self) -> String {
        self.events
            .last()
            .map_or_else(|| self.genesis(), |e| e.hash.clone())
    }

    /// Appends an event.
    pub fn push(&mut self, item: &str, response: Option<&str>, seconds: u64, at: DateTime<Utc>) {
        let n = self.events.len() as u64 + 1;
        let at = instant(at);
        let hash = Self::event_hash(&self.head(), n, item, response, seconds, &at);
        self.events.push(Event {
            n,
            item: item.into(),
            response: response.map(str::to_string),
            seconds,
            at,
            hash,
        });
    }

    /// Closes the attempt; returns the receipt code.
    pub fn submit(&mut self, at: DateTime<Utc>, time_up: bool) -> String {
        let at = instant(at);
        let hash = Self::submission_hash(&self.head(), &at, time_up);
        let receipt = self.receipt_for(&hash);
        self.submitted = Some(Submission {
            at,
            time_up,
            hash,
            receipt: receipt.clone(),
        });
        receipt
    }

    /// Checks the format and every link of the chain. The error says where
    /// the chain first breaks.
    pub fn verify(&self) -> Result<(), VerifyError> {
        if self.format != RESULT_FORMAT && self.format != RESULT_FORMAT_V1 {
            return Err(VerifyError::WrongFormat(self.format.clone()));
        }
        if self.student.trim().is_empty() {
            return Err(VerifyError::NoStudent);
        }
        let mut prev = self.genesis();
        for (i, e) in self.events.iter().enumerate() {
            if e.n != i as u64 + 1 {
                return Err(VerifyError::Renumbered {
                    position: i + 1,
                    n: e.n,
                });
            }
            let want =
                Self::event_hash(&prev, e.n, &e.item, e.response.as_deref(), e.seconds, &e.at);
            if want != e.hash {
                return Err(VerifyError::BrokenAt {
                    n: e.n,
                    item: e.item.clone(),
                });
            }
            prev = want;
        }
        if let Some(s) = &self.submitted {
            let want = Self::submission_hash(&prev, &s.at, s.time_up);
            if want != s.hash {
                return Err(VerifyError::BrokenSubmission);
            }
            if self.receipt_for(&want) != s.receipt {
                return Err(VerifyError::WrongReceipt);
            }
        }
        Ok(())
    }

    /// Parses the bytes of a result file (not yet verified).
    pub fn parse(bytes: &[u8]) -> Result<ResultFile, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// Reads a result file (not yet verified).
    pub fn read(path: &Path) -> Result<ResultFile, QuizFileError> {
        read_json(path, "result")
    }

    /// Whether `other` is this same attempt (same form, student and start),
    /// perhaps saved at an earlier point.
    pub fn same_attempt(&self, other: &ResultFile) -> bool {
        self.format == other.format
            && self.form == other.form
            && self.student == other.student
            && self.started == other.started
    }

    /// Writes the file atomically, never over another attempt: a new file
    /// is created only if no file has that name (of two students racing for
    /// one `-o` file, the second is refused), and an existing one is
    /// replaced only if it holds this same attempt, not yet submitted. A
    /// refusal is an error of kind `AlreadyExists` naming the student whose
    /// attempt the file holds. Temporary files a killed sitting left beside
    /// it are removed (its own at once, other files' after a minute).
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let bytes = to_json_bytes(self);
        // Other sittings killed mid-save and never resumed: their old
        // temporary files go too.
        remove_stale_json_temps_beside(path);
        if std::fs::symlink_metadata(path).is_err() {
            // Only one writer per result file is allowed, so any temporary
            // file of this name is left from a killed sitting.
            remove_temps_older_than(path, Duration::ZERO);
            match write_new(path, &bytes) {
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                other => return other,
            }
        }
        self.check_may_replace(path)?;
        remove_temps_older_than(path, Duration::ZERO);
        replace(path, &bytes)
    }

    /// Refuses to replace a file that is not this attempt, or that holds
    /// it already submitted (unless it is exactly this record).
    fn check_may_replace(&self, path: &Path) -> std::io::Result<()> {
        let on_disk = match ResultFile::read(path) {
            Ok(r) => r,
            Err(e) => {
                return Err(refuse(format!(
                    "it exists and is not this attempt ({e}); not overwriting it"
                )));
            }
        };
        if !self.same_attempt(&on_disk) {
            return Err(refuse(format!(
                "it holds the attempt of `{}` (started {}), not this one of `{}`: not overwriting it; give each student their own result file",
                crate::sanitize::one_line(&on_disk.student),
                crate::sanitize::one_line(&on_disk.started),
                crate::sanitize::one_line(&self.student)
            )));
        }
        if on_disk.submitted.is_some() && on_disk != *self {
            return Err(refuse(format!(
                "it holds the attempt of `{}`, already submitted: not overwriting it",
                crate::sanitize::one_line(&on_disk.student)
            )));
        }
        Ok(())
    }

    /// What is implausible about the sitting's times, each in words (none
    /// for an honest file). The times are written by the student's own
    /// machine, whose clock the student controls: these checks catch
    /// clumsy edits and broken clocks, not a careful forger (the hash
    /// chain is recomputable). `time_limit_minutes` is the form's limit.
    pub fn timing_problems(&self, time_limit_minutes: Option<u32>) -> Vec<String> {
        let mut out = Vec::new();
        let parse = |s: &str| super::clock::parse_instant(s).ok();
        let Some(started) = parse(&self.started) else {
            out.push(format!(
                "the start time `{}` is unreadable",
                crate::sanitize::one_line(&self.started)
            ));
            return out;
        };
        let submitted = self.submitted.as_ref().and_then(|s| parse(&s.at));
        if let Some(end) = submitted {
            let span = (end - started).num_seconds();
            if span < 0 {
                out.push(format!("submitted {} s before it started", -span));
            } else if span == 0 && self.events.iter().any(|e| e.response.is_some()) {
                out.push("answered, and started and submitted in the same second".into());
            }
            let total: u64 = self
                .events
                .iter()
                .fold(0u64, |t, e| t.saturating_add(e.seconds));
            // Each item's time is rounded down to the second.
            if span >= 0 && total > (span as u64).saturating_add(self.events.len() as u64) {
                out.push(format!(
                    "the item times add up to {total} s, more than the {span} s between start and submission"
                ));
            }
            if let (Some(limit), Some(s)) = (time_limit_minutes, &self.submitted)
                && let Some(deadline) =
                    started.checked_add_signed(chrono::Duration::minutes(i64::from(limit)))
            {
                if !s.time_up && end > deadline + chrono::Duration::seconds(1) {
                    out.push(format!(
                        "submitted {} s after the {limit}-minute limit without being stopped",
                        (end - deadline).num_seconds()
                    ));
                }
                let total_limit = u64::from(limit) * 60 + self.events.len() as u64;
                if total > total_limit {
                    out.push(format!(
                        "the item times add up to {total} s, more than the {limit}-minute limit"
                    ));
                }
            }
        }
        let mut prev = started;
        for e in &self.events {
            match parse(&e.at) {
                None => {
                    out.push(format!("event {} has an unreadable time", e.n));
                    break;
                }
                Some(t) if t < prev => {
                    out.push(format!(
                        "event {} (item {}) is dated before the one before it, or before the start",
                        e.n,
                        crate::sanitize::one_line(&e.item)
                    ));
                    break;
                }
                Some(t) if submitted.is_some_and(|end| t > end) => {
                    out.push(format!("event {} is dated after the submission", e.n));
                    break;
                }
                Some(t) => prev = t,
            }
        }
        out
    }

    /// The standing response and total seconds per item, for items in
    /// `item_ids` order. Unknown item ids are returned as the error.
    pub fn answers(&self, item_ids: &[String]) -> Result<Vec<(Option<String>, u64)>, Vec<String>> {
        let mut out: Vec<(Option<String>, u64)> = vec![(None, 0); item_ids.len()];
        let mut unknown = Vec::new();
        for e in &self.events {
            match item_ids.iter().position(|id| *id == e.item) {
                Some(i) => {
                    out[i].0 = e.response.clone();
                    out[i].1 = out[i].1.saturating_add(e.seconds);
                }
                None if !unknown.contains(&e.item) => unknown.push(e.item.clone()),
                None => {}
            }
        }
        if unknown.is_empty() {
            Ok(out)
        } else {
            Err(unknown)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn any_edit_breaks_the_chain() {
        let mut r = ResultFile::new("fp", "ana", t("2026-01-01T09:00:00Z"));
        r.push("q01", Some("a"), 10, t("2026-01-01T09:00:10Z"));
        r.push("q02", None, 5, t("2026-01-01T09:00:15Z"));
        let receipt = r.submit(t("2026-01-01T09:00:20Z"), false);
        assert_eq!(receipt.len(), 16);
        assert_eq!(receipt.matches('-').count(), 3);
        assert!(r.verify().is_ok());
        let mut edited = r.clone();
        edited.events[0].response = Some("b".into());
        assert!(matches!(
            edited.verify(),
            Err(VerifyError::BrokenAt { n: 1, .. })
        ));
        let mut dropped = r.clone();
        dropped.events.remove(0);
        assert!(dropped.verify().is_err());
        let mut renamed = r.clone();
        renamed.student = "bo".into();
        assert!(renamed.verify().is_err());
    }
}

//! The result file a student hands in: the form's fingerprint, the student,
//! every answer event with its timing, and a hash chain over them. Each
//! event's hash covers the previous hash and the event, so changing,
//! dropping or reordering any event breaks every later link; the final
//! link gives the short receipt code the student sees at submission.
//!
//! The chain is tamper *evidence*, not a lock: anyone can recompute it, but
//! not so that it ends in the receipt the teacher noted in the room.

use std::path::Path;

use chrono::DateTime;
use chrono::SecondsFormat;
use chrono::Utc;
use serde::Deserialize;
use serde::Serialize;

use super::atomic_file::write_atomic;
use super::error::QuizFileError;
use super::error::VerifyError;
use super::form::read_json;
use super::form::to_json_bytes;
use super::hashing::sha256_fields;

/// The `format` of result files.
pub const RESULT_FORMAT: &str = "docket-quiz-result/1";

/// A result file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultFile {
    /// Always [`RESULT_FORMAT`].
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

/// The receipt code for a final hash: `ABCD-1234`.
pub fn receipt_code(hash: &str) -> String {
    let h = hash.to_ascii_uppercase();
    let h = h.get(..8).unwrap_or(&h);
    format!("{}-{}", &h[..h.len().min(4)], h.get(4..).unwrap_or(""))
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
            RESULT_FORMAT.as_bytes(),
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
        let receipt = receipt_code(&hash);
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
        if self.format != RESULT_FORMAT {
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
            if receipt_code(&want) != s.receipt {
                return Err(VerifyError::WrongReceipt);
            }
        }
        Ok(())
    }

    /// Reads a result file (not yet verified).
    pub fn read(path: &Path) -> Result<ResultFile, QuizFileError> {
        read_json(path, "result")
    }

    /// Writes the file atomically.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        write_atomic(path, &to_json_bytes(self))
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
        assert_eq!(receipt.len(), 9);
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

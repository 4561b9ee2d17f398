//! Gathering the class's result files: each is read, its hash chain
//! verified, matched to the key's form, and every raw response graded with
//! the key's cards. A file that fails any check is rejected with a reason
//! naming it; the rest still make the report.

use std::collections::BTreeMap;
use std::path::Path;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use super::form::Key;
use super::result_file::ResultFile;
use crate::deck::model::Card;
use crate::grade::Presentation;
use crate::grade::grade;

/// Responses longer than this are not graded (they count as wrong).
pub const MAX_RESPONSE_BYTES: usize = 4096;

/// One graded response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Response {
    /// What the student typed (`None`: no answer).
    pub text: Option<String>,
    /// Seconds spent on the item.
    pub seconds: u64,
    /// Whether the grader accepted it.
    pub correct: bool,
    /// The grader's remark, or why the response could not be read.
    pub note: Option<String>,
}

/// One student's valid, graded attempt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attempt {
    /// Student name as written in the file.
    pub student: String,
    /// The file it came from.
    pub file: PathBuf,
    /// The receipt code, to compare with the one the student was shown.
    pub receipt: String,
    /// When the attempt began.
    pub started: String,
    /// When it was submitted.
    pub submitted: String,
    /// Whether the time limit submitted it.
    pub time_up: bool,
    /// One per key item, in form order.
    pub responses: Vec<Response>,
    /// What is implausible about the sitting's times (see
    /// [`ResultFile::timing_problems`]); empty for an honest file.
    pub timing: Vec<String>,
}

impl Attempt {
    /// Number of right answers.
    pub fn score(&self) -> usize {
        self.responses.iter().filter(|r| r.correct).count()
    }

    /// Total seconds.
    pub fn seconds(&self) -> u64 {
        self.responses.iter().map(|r| r.seconds).sum()
    }
}

/// Why a file was left out, for scripts (the reason text is for people).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RejectKind {
    /// Not readable as a result file: missing, truncated, not JSON, wrong shape.
    Unreadable,
    /// The hash chain or format does not hold: edited by hand.
    Tampered,
    /// A result of a different form.
    OtherForm,
    /// The attempt was never submitted.
    NotSubmitted,
    /// It answers items the form does not have.
    UnknownItems,
    /// The same student handed in several files.
    DuplicateStudent,
    /// The receipt differs from the one the teacher noted.
    ReceiptMismatch,
    /// With noted receipts: the student is not on the list.
    NotOnList,
}

/// A file left out of the report, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejection {
    /// The file.
    pub file: PathBuf,
    /// Which kind of problem.
    pub kind: RejectKind,
    /// Why, in words.
    pub reason: String,
}

/// Everything gathered.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    /// Valid attempts, sorted by student name.
    pub attempts: Vec<Attempt>,
    /// Rejected files, in path order.
    pub rejected: Vec<Rejection>,
}

/// The result files a path names: the file, or the `*.json` files directly
/// in a directory (sorted; hidden and temporary files skipped: see
/// [`stray_temp_files`] to mention those).
pub fn result_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        std::fs::metadata(path)?;
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let p = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if !hidden && p.is_file() && p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

/// Temporary files that sittings killed mid-save left in the directories
/// `paths` name (they are never read as results; a report may mention
/// them so the teacher can delete them).
pub fn stray_temp_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter(|p| p.is_dir())
        .flat_map(|p| super::atomic_file::temp_files_in(p))
        .collect()
}

/// The key's cards with the presentations students saw, prepared once.
pub fn graded_items(key: &Key) -> Vec<(Card, Presentation)> {
    (0..key.items.len()).map(|i| key.graded_item(i)).collect()
}

fn check_file(
    key: &Key,
    items: &[(Card, Presentation)],
    ids: &[String],
    path: &Path,
) -> Result<Attempt, (RejectKind, String)> {
    let record = ResultFile::read(path).map_err(|e| {
        // The rejection names the file already.
        let e = e.to_string();
        let prefix = format!("{}: ", crate::sanitize::path(path));
        let reason = e.strip_prefix(&prefix).unwrap_or(&e).to_string();
        (RejectKind::Unreadable, reason)
    })?;
    record
        .verify()
        .map_err(|e| (RejectKind::Tampered, e.to_string()))?;
    if record.form != key.form_fingerprint {
        return Err((
            RejectKind::OtherForm,
            format!(
                "it is a result of another form (fingerprint {}…, the key's form is {}…)",
                record.form.get(..12).unwrap_or(&record.form),
                &key.form_fingerprint.get(..12).unwrap_or("")
            ),
        ));
    }
    let Some(submission) = &record.submitted else {
        return Err((RejectKind::NotSubmitted, "the attempt was never submitted (paused or interrupted): ask the student to resume it and submit".into()));
    };
    let answers = record.answers(ids).map_err(|unknown| {
        (
            RejectKind::UnknownItems,
            format!(
                "it names items the form does not have: {}",
                unknown.join(", ")
            ),
        )
    })?;
    let responses = answers
        .into_iter()
        .zip(items)
        .map(|((text, seconds), (card, shown))| {
            let (correct, note) = match text.as_deref() {
                None => (false, None),
                // No real answer is this long; don't let one slow the grader.
                Some(t) if t.len() > MAX_RESPONSE_BYTES => {
                    (false, Some("unreadable response: too long".to_string()))
                }
                Some(t) => match grade(card, shown, t) {
                    Ok(g) => (g.correct, g.note),
                    Err(e) => (false, Some(format!("unreadable response: {e}"))),
                },
            };
            Response {
                text,
                seconds,
                correct,
                note,
            }
        })
        .collect();
    Ok(Attempt {
        // Shown cleaned: a name with an escape sequence is never printed
        // raw, nor shown like another student's.
        student: super::names::display(&record.student),
        timing: record.timing_problems(key.time_limit_minutes),
        file: path.to_path_buf(),
        receipt: submission.receipt.clone(),
        started: record.started.clone(),
        submitted: submission.at.clone(),
        time_up: submission.time_up,
        responses,
    })
}

/// Reads, verifies and grades every file.
pub fn collect(key: &Key, files: &[PathBuf]) -> Collected {
    let items = graded_items(key);
    let ids: Vec<String> = key.items.iter().map(|i| i.id.clone()).collect();
    let mut out = Collected::default();
    let mut by_student: BTreeMap<String, Vec<Attempt>> = BTreeMap::new();
    // Files are independent: read, verify and grade them in parallel, then
    // fold them in path order so the outcome never depends on scheduling.
    let checked: Vec<Result<Attempt, (RejectKind, String)>> = files
        .par_iter()
        .map(|f| check_file(key, &items, &ids, f))
        .collect();
    for (f, outcome) in files.iter().zip(checked) {
        match outcome {
            Ok(a) => by_student
                .entry(super::names::key(&a.student))
                .or_default()
                .push(a),
            Err((kind, reason)) => out.rejected.push(Rejection {
                file: f.clone(),
                kind,
                reason,
            }),
        }
    }
    for (_, mut attempts) in by_student {
        if attempts.len() == 1 {
            out.attempts.append(&mut attempts);
            continue;
        }
        // Which file is the real one is the teacher's call, not ours.
        let files: Vec<String> = attempts
            .iter()
            .map(|a| crate::sanitize::path(&a.file))
            .collect();
        for a in attempts {
            out.rejected.push(Rejection {
                file: a.file.clone(),
                kind: RejectKind::DuplicateStudent,
                reason: format!(
                    "student `{}` handed in more than one result ({}); all are left out until one is removed",
                    a.student,
                    files.join(", ")
                ),
            });
        }
    }
    out.rejected.sort_by(|a, b| a.file.cmp(&b.file));
    out.attempts.sort_by(|a, b| a.student.cmp(&b.student));
    out
}

//! Checking result files against the receipt codes the teacher noted in
//! the room. A student's file whose receipt differs from the noted one was
//! changed (or its chain recomputed) after submission, so it is rejected;
//! so is a file from a student who is not on the list at all.
//!
//! The noted codes are a text file, one `student,CODE` per line (a CSV
//! with those two columns; blank lines and lines starting with `#` are
//! skipped; a `student,receipt` header is allowed). Names are compared by
//! [`super::names::key`] (look-alikes are one student); codes ignore case,
//! spaces and dashes ([`super::result_file::normalize_receipt`]).

use std::collections::BTreeMap;
use std::path::Path;

use super::collect::Collected;
use super::collect::RejectKind;
use super::collect::Rejection;
use super::names;
use super::result_file::normalize_receipt;

/// Noted receipts by name key: (the name as noted, the code as noted).
pub type Noted = BTreeMap<String, (String, String)>;

/// Largest receipts file read.
const MAX_NOTED_BYTES: u64 = 16 * 1024 * 1024;

/// Reads the noted receipts.
pub fn read_noted(path: &Path) -> Result<Noted, String> {
    let shown = crate::sanitize::path(path);
    let size = std::fs::metadata(path)
        .map_err(|e| format!("{shown}: cannot read the receipts: {e}"))?
        .len();
    if size > MAX_NOTED_BYTES {
        return Err(format!(
            "{shown}: the receipts file is larger than {} MiB",
            MAX_NOTED_BYTES >> 20
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| format!("{shown}: cannot read the receipts: {e}"))?;
    let text = String::from_utf8_lossy(&bytes);
    let mut out = Noted::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((student, code)) = line.rsplit_once(',') else {
            return Err(format!("{shown}:{}: expected `student,RECEIPT`", n + 1));
        };
        let (student, code) = (
            student.trim().trim_matches('"'),
            code.trim().trim_matches('"'),
        );
        if n == 0 && student.eq_ignore_ascii_case("student") {
            continue;
        }
        let key = names::key(student);
        if key.is_empty() {
            return Err(format!("{shown}:{}: the student name is empty", n + 1));
        }
        let code = code.to_ascii_uppercase();
        if let Some((other, other_code)) = out.get(&key)
            && normalize_receipt(other_code) != normalize_receipt(&code)
        {
            return Err(format!(
                "{shown}:{}: `{}` is noted twice with different receipts (as `{}` before)",
                n + 1,
                names::display(student),
                names::display(other)
            ));
        }
        out.insert(key, (names::display(student), code));
    }
    Ok(out)
}

/// Rejects attempts whose receipt differs from the noted one, and attempts
/// of students who are not on the list. Returns the noted students with no
/// file at all (neither kept nor rejected).
pub fn check_receipts(collected: &mut Collected, noted: &Noted) -> Vec<String> {
    let mut kept = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for a in std::mem::take(&mut collected.attempts) {
        let key = names::key(&a.student);
        seen.insert(key.clone());
        match noted.get(&key) {
            None => collected.rejected.push(Rejection {
                file: a.file.clone(),
                kind: RejectKind::NotOnList,
                reason: format!(
                    "student `{}` is not on the list of noted receipts",
                    crate::sanitize::one_line(&a.student)
                ),
            }),
            Some((_, code)) if normalize_receipt(code) != normalize_receipt(&a.receipt) => {
                collected.rejected.push(Rejection {
                    file: a.file.clone(),
                    kind: RejectKind::ReceiptMismatch,
                    reason: format!(
                        "its receipt {} is not the {} noted for `{}`: the file changed after it was submitted",
                        crate::sanitize::one_line(&a.receipt),
                        crate::sanitize::one_line(code),
                        crate::sanitize::one_line(&a.student)
                    ),
                })
            }
            Some(_) => kept.push(a),
        }
    }
    // Files rejected before (duplicates, tampering) still count as handed in.
    collected.attempts = kept;
    collected.rejected.sort_by(|a, b| a.file.cmp(&b.file));
    noted
        .iter()
        .filter(|(k, _)| !seen.contains(*k))
        .map(|(_, (name, _))| name.clone())
        .collect()
}

//! Checking result files against the receipt codes the teacher noted in
//! the room. A student's file whose receipt differs from the noted one was
//! changed (or its chain recomputed) after submission, so it is rejected.
//!
//! The noted codes are a text file, one `student,CODE` per line (a CSV
//! with those two columns; blank lines and lines starting with `#` are
//! skipped; a `student,receipt` header is allowed).

use std::collections::BTreeMap;
use std::path::Path;

use super::collect::Collected;
use super::collect::RejectKind;
use super::collect::Rejection;

/// Noted receipts by lowercased student name.
pub type Noted = BTreeMap<String, (String, String)>;

/// Reads the noted receipts.
pub fn read_noted(path: &Path) -> Result<Noted, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the receipts: {e}", path.display()))?;
    let mut out = Noted::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((student, code)) = line.rsplit_once(',') else {
            return Err(format!(
                "{}:{}: expected `student,RECEIPT`",
                path.display(),
                n + 1
            ));
        };
        let (student, code) = (
            student.trim().trim_matches('"'),
            code.trim().to_ascii_uppercase(),
        );
        if n == 0 && student.eq_ignore_ascii_case("student") {
            continue;
        }
        out.insert(student.to_lowercase(), (student.to_string(), code));
    }
    Ok(out)
}

/// Rejects attempts whose receipt differs from the noted one. Returns the
/// noted students with no file at all (neither kept nor mismatched).
pub fn check_receipts(collected: &mut Collected, noted: &Noted) -> Vec<String> {
    let mut kept = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for a in std::mem::take(&mut collected.attempts) {
        let name = a.student.to_lowercase();
        seen.insert(name.clone());
        match noted.get(&name) {
            Some((_, code)) if *code != a.receipt => collected.rejected.push(Rejection {
                file: a.file.clone(),
                kind: RejectKind::ReceiptMismatch,
                reason: format!(
                    "its receipt {} is not the {code} noted for `{}`: the file changed after it was submitted",
                    a.receipt, a.student
                ),
            }),
            _ => kept.push(a),
        }
    }
    collected.attempts = kept;
    collected.rejected.sort_by(|a, b| a.file.cmp(&b.file));
    noted
        .iter()
        .filter(|(k, _)| !seen.contains(*k))
        .map(|(_, (name, _))| name.clone())
        .collect()
}

//! Files named by the person asking: one rule for every operation, so that
//! a path that does not exist is the same kind of mistake everywhere (a
//! wrong request, not a broken file).

use std::path::Path;

use super::AppError;
use super::AppResult;

/// Fails the request when `path` cannot be found or looked at.
pub fn require(path: &Path) -> AppResult<()> {
    match std::fs::metadata(path) {
        Ok(_) => Ok(()),
        Err(e) => Err(AppError::Request(format!("{}: {e}", path.display()))),
    }
}

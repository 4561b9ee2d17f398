//! Writing an import's or export's result: to a temporary file beside the
//! target, then renamed into place, so that a failure never leaves a
//! partial file; and never over an existing file unless forced.

use std::io::Write;
use std::path::Path;
use std::path::PathBuf;

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The target exists and `--force` was not given.
    #[error("{0} already exists; pass --force to replace it")]
    Exists(String),
    /// An I/O failure.
    #[error("cannot write {0}: {1}")]
    Io(String, std::io::Error),
}

/// Refuses early when `path` exists and `force` is off, so a long import
/// does not run only to be thrown away.
pub fn check_target(path: &Path, force: bool) -> Result<(), OutputError> {
    if !force && std::fs::symlink_metadata(path).is_ok() {
        return Err(OutputError::Exists(crate::sanitize::path(path)));
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomically(path: &Path, bytes: &[u8], force: bool) -> Result<(), OutputError> {
    stage(path, bytes, force)?.commit()
}

/// A file written and synced beside its target under a temporary name,
/// waiting to be renamed into place by [`Staged::commit`]. Dropped
/// uncommitted, it is removed: an import writes its deck while proving it,
/// and throws the file away if the proof fails.
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
    force: bool,
}

/// The first half of [`write_atomically`]: `bytes` written to a temporary
/// file beside `path` and synced, not yet in place.
pub fn stage(path: &Path, bytes: &[u8], force: bool) -> Result<Staged, OutputError> {
    check_target(path, force)?;
    let io = |e| OutputError::Io(crate::sanitize::path(path), e);
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".docket-").suffix(".tmp");
    // Temporary files are private (0600); the result should be an ordinary
    // file, or keep the permissions of the file it replaces.
    let perms = match std::fs::metadata(path) {
        Ok(m) => Some(m.permissions()),
        Err(_) => ordinary_permissions(),
    };
    if let Some(p) = perms {
        builder.permissions(p);
    }
    let mut tmp = builder.tempfile_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    Ok(Staged {
        tmp,
        path: path.to_path_buf(),
        force,
    })
}

impl Staged {
    /// Renames the file into place (over an existing file only when forced).
    pub fn commit(self) -> Result<(), OutputError> {
        let path = &self.path;
        let io = |e| OutputError::Io(crate::sanitize::path(path), e);
        if self.force {
            self.tmp.persist(path).map_err(|e| io(e.error))?;
        } else {
            // persist_noclobber: a file created meanwhile is still not replaced.
            self.tmp.persist_noclobber(path).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    OutputError::Exists(crate::sanitize::path(path))
                } else {
                    io(e.error)
                }
            })?;
        }
        Ok(())
    }
}

#[cfg(unix)]
fn ordinary_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn ordinary_permissions() -> Option<std::fs::Permissions> {
    // Elsewhere a temporary file's permissions are already ordinary.
    None
}

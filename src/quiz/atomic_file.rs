//! Writing a file so that a crash leaves either the old or the new version,
//! never half of one: write a temporary file beside it (`.NAME.XXXXXX.tmp`,
//! removed by `tempfile` if the write fails), flush it to disk, then rename
//! it over the target — or, for a file that must not exist yet, link it
//! into place so that of two writers racing for one name only the first
//! wins. A process killed mid-write leaves its temporary file behind:
//! [`remove_stale_temps`] clears those on the next write.

use std::io::Write;
use std::path::Path;
use std::path::PathBuf;
use std::time::Duration;

use tempfile::NamedTempFile;

/// A temporary file older than this, beside a target, is left from a
/// killed writer (a live one holds its file for milliseconds).
pub const STALE_AFTER: Duration = Duration::from_secs(60);

fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into())
}

/// Whether `file_name` is a temporary file of docket's writing `target`
/// (`.TARGET.<anything>.tmp`, the pattern of this module and of earlier
/// versions).
fn is_temp_of(file_name: &str, target: &str) -> bool {
    file_name
        .strip_prefix('.')
        .and_then(|r| r.strip_prefix(target))
        .and_then(|r| r.strip_prefix('.'))
        .is_some_and(|r| r.ends_with(".tmp"))
}

/// Whether `file_name` looks like any temporary file docket writes.
pub fn is_temp_name(file_name: &str) -> bool {
    file_name.starts_with('.') && file_name.ends_with(".tmp")
}

/// The temporary files that writers killed mid-write left in `dir`
/// (docket's `.NAME.….tmp` files), for a report to mention.
pub fn temp_files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| is_temp_name(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// Removes temporary files of `path` left by killed writers: those older
/// than [`STALE_AFTER`]. Returns what was removed. Errors are ignored: a
/// leftover temporary file is untidy, not harmful.
pub fn remove_stale_temps(path: &Path) -> Vec<PathBuf> {
    remove_temps_older_than(path, STALE_AFTER)
}

/// Like [`remove_stale_temps`] with another age.
pub fn remove_temps_older_than(path: &Path, age: Duration) -> Vec<PathBuf> {
    let target = name_of(path);
    let Ok(entries) = std::fs::read_dir(dir_of(path)) else {
        return Vec::new();
    };
    let now = std::time::SystemTime::now();
    let mut removed = Vec::new();
    for e in entries.flatten() {
        if !is_temp_of(&e.file_name().to_string_lossy(), &target) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|d| d >= age);
        if old && std::fs::remove_file(e.path()).is_ok() {
            removed.push(e.path());
        }
    }
    removed
}

/// Removes, in the directory of `path`, the temporary files of any JSON
/// file (`.NAME.json.….tmp`: result files, forms, keys) older than
/// [`STALE_AFTER`], so that a sitting killed and never resumed leaves
/// nothing behind once the next student saves. Returns what was removed.
pub fn remove_stale_json_temps_beside(path: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir_of(path)) else {
        return Vec::new();
    };
    let now = std::time::SystemTime::now();
    let mut removed = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !(is_temp_name(&name) && name.contains(".json.")) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|d| d >= STALE_AFTER);
        if old && std::fs::remove_file(e.path()).is_ok() {
            removed.push(e.path());
        }
    }
    removed
}

/// A temporary file beside `path` holding `bytes`, flushed to disk.
fn temp_with(path: &Path, bytes: &[u8]) -> std::io::Result<NamedTempFile> {
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{}.", name_of(path)))
        .suffix(".tmp")
        .tempfile_in(dir_of(path))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// Writes `bytes` to `path` atomically, replacing it if it exists.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    remove_stale_temps(path);
    replace(path, bytes)
}

/// Writes `bytes` to `path` atomically, replacing it if it exists, without
/// looking for stale temporary files (the caller cleared them).
pub fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    temp_with(path, bytes)?
        .persist(path)
        .map(|_| ())
        .map_err(|e| e.error)
}

/// Writes `bytes` to `path` atomically, only if `path` does not exist:
/// fails with [`std::io::ErrorKind::AlreadyExists`] otherwise, even when
/// another process creates it at the same moment.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    temp_with(path, bytes)?
        .persist_noclobber(path)
        .map(|_| ())
        .map_err(|e| e.error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names() {
        assert!(is_temp_of(".ana.json.123.tmp", "ana.json"));
        assert!(is_temp_of(".ana.json.Ab3xYz.tmp", "ana.json"));
        assert!(!is_temp_of(".bo.json.1.tmp", "ana.json"));
        assert!(!is_temp_of("ana.json", "ana.json"));
    }

    #[test]
    fn write_new_refuses_an_existing_file_and_write_atomic_replaces_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.json");
        write_new(&p, b"one").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        let e = write_new(&p, b"two").unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        write_atomic(&p, b"three").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"three");
        assert_eq!(temp_files_in(dir.path()), Vec::<PathBuf>::new());
    }

    #[test]
    fn stale_temps_are_removed_fresh_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.json");
        let stale = dir.path().join(".x.json.999.tmp");
        std::fs::write(&stale, "half").unwrap();
        let f = std::fs::File::options().write(true).open(&stale).unwrap();
        f.set_modified(std::time::SystemTime::now() - Duration::from_secs(3600))
            .unwrap();
        let fresh = dir.path().join(".x.json.1000.tmp");
        std::fs::write(&fresh, "live").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert!(!stale.exists());
        assert!(fresh.exists());
        // Another file's stale temporary file goes too, on any save.
        let other = dir.path().join(".y.json.5.tmp");
        std::fs::write(&other, "half").unwrap();
        let f = std::fs::File::options().write(true).open(&other).unwrap();
        f.set_modified(std::time::SystemTime::now() - Duration::from_secs(3600))
            .unwrap();
        let kept = dir.path().join(".notes.tmp");
        std::fs::write(&kept, "mine").unwrap();
        remove_stale_json_temps_beside(&p);
        assert!(!other.exists());
        assert!(kept.exists());
    }
}

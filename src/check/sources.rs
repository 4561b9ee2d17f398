//! Finding, reading and verifying the source files a deck cites.
//!
//! A source names a plain file, looked up under `--sources DIR` first and
//! then beside the deck. Anything that could reach outside those
//! directories (absolute paths, `..`, separators, symlinks that lead out)
//! is refused, so checking a deck never reads files the user did not name.

use std::collections::HashMap;
use std::path::Path;
use std::path::PathBuf;

use sha2::Digest;

use super::CheckOptions;
use super::citations::SourceIndex;
use crate::deck::Deck;
use crate::deck::model::Source;
use crate::diagnostic::Diagnostic;

/// Source files larger than this are not read.
pub const MAX_SOURCE_BYTES: u64 = 16 * 1024 * 1024;

/// A source's text, ready for quote and copy checks.
#[derive(Debug)]
pub struct SourceText {
    /// Where it was read from.
    pub path: PathBuf,
    /// Index for quote lookup and the copy check.
    pub index: SourceIndex,
}

/// Why a file name may not be used to find a source.
fn unsafe_name(name: &str) -> Option<&'static str> {
    let p = Path::new(name);
    if name.is_empty() {
        Some("it is empty")
    } else if p.is_absolute() || name.starts_with('/') || name.starts_with('\\') {
        Some("absolute paths are refused")
    } else if name.split(['/', '\\']).any(|part| part == "..") {
        Some("paths that climb out with `..` are refused")
    } else if name.contains(['/', '\\']) || name.contains(':') {
        Some("give a plain file name; it is looked up beside the deck or under --sources")
    } else {
        None
    }
}

fn find(name: &str, dirs: &[&Path]) -> Option<PathBuf> {
    for dir in dirs {
        let candidate = dir.join(name);
        if !candidate.is_file() {
            continue;
        }
        // A symlink may point anywhere: only accept files that stay inside.
        let (Ok(real), Ok(real_dir)) = (candidate.canonicalize(), dir.canonicalize()) else {
            continue;
        };
        if real.starts_with(&real_dir) {
            return Some(candidate);
        }
    }
    None
}

fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(format!("it is larger than {} MiB", MAX_SOURCE_BYTES >> 20));
    }
    Ok(bytes)
}

/// Loads every source of a deck that can be found, reporting the rest.
pub fn load_sources(
    deck: &Deck,
    deck_dir: &Path,
    options: &CheckOptions,
    out: &mut Vec<Diagnostic>,
) -> HashMap<String, SourceText> {
    let mut dirs: Vec<&Path> = Vec::new();
    if let Some(d) = &options.sources_dir {
        dirs.push(d);
    }
    dirs.push(deck_dir);
    let mut texts = HashMap::new();
    for source in &deck.sources {
        if let Some(text) = load_one(source, &dirs, options, out) {
            texts.insert(source.id.clone(), text);
        }
    }
    texts
}

fn load_one(
    source: &Source,
    dirs: &[&Path],
    options: &CheckOptions,
    out: &mut Vec<Diagnostic>,
) -> Option<SourceText> {
    if let Some(why) = unsafe_name(&source.file) {
        out.push(
            Diagnostic::error(
                "source-path",
                format!(
                    "the source file `{}` is outside the allowed directories",
                    source.file
                ),
                source.file_span.clone(),
            )
            .with_label("not a plain file name")
            .with_help(format!(
                "{why}; put the file beside the deck or pass --sources DIR"
            )),
        );
        return None;
    }
    let Some(path) = find(&source.file, dirs) else {
        let looked = dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(" and ");
        let d = if options.sources_required() {
            Diagnostic::error(
                "source-missing",
                format!("the source file `{}` was not found", source.file),
                source.file_span.clone(),
            )
        } else {
            Diagnostic::warning(
                "source-missing",
                format!(
                    "the source file `{}` was not found: quotes not verified",
                    source.file
                ),
                source.file_span.clone(),
            )
        };
        out.push(d.with_label("not found").with_help(format!(
            "looked in {looked}; pass --sources DIR to say where the sources are"
        )));
        return None;
    };
    let bytes = match read_limited(&path) {
        Ok(b) => b,
        Err(e) => {
            out.push(
                Diagnostic::error(
                    "source-unreadable",
                    format!("cannot read the source `{}`: {e}", path.display()),
                    source.file_span.clone(),
                )
                .with_label("unreadable"),
            );
            return None;
        }
    };
    let actual = hex::encode(sha2::Sha256::digest(&bytes));
    match (&source.sha256, &source.sha256_span) {
        (Some(expected), Some(span)) if *expected != actual => {
            out.push(
                Diagnostic::error(
                    "source-changed",
                    format!("the source `{}` has changed since the deck was written", source.file),
                    span.clone(),
                )
                .with_label("the file's SHA-256 differs")
                .with_help(format!(
                    "the file's SHA-256 is {actual}; check the quotes still hold, then update `sha256`"
                )),
            );
        }
        (None, _) => out.push(
            Diagnostic::warning(
                "source-unhashed",
                format!(
                    "the source `{}` has no `sha256`: a change to it would go unnoticed",
                    source.id
                ),
                source.file_span.clone(),
            )
            .with_label("no hash")
            .with_help(format!("add `sha256 = \"{actual}\"`")),
        ),
        _ => {}
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            out.push(
                Diagnostic::error(
                    "source-not-text",
                    format!("the source `{}` is not UTF-8 text", path.display()),
                    source.file_span.clone(),
                )
                .with_label("not text"),
            );
            return None;
        }
    };
    Some(SourceText {
        path,
        index: SourceIndex::new(&text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_are_safe() {
        assert!(unsafe_name("000_a.txt").is_none());
        for bad in [
            "",
            "/etc/passwd",
            "../x.txt",
            "a/../../b",
            "sub/x.txt",
            "C:x",
            "..\\x",
        ] {
            assert!(unsafe_name(bad).is_some(), "{bad}");
        }
    }
}

//! Opening an untrusted zip archive safely: the number of entries, each
//! entry's unpacked size and its compression ratio are checked from the
//! central directory before anything is inflated, names that climb out of
//! the archive (`..`, absolute paths) are refused, and reads stop at the
//! declared size even if the data lies about it. Nothing is ever written
//! to disk under an entry's name.

use std::io::Cursor;
use std::io::Read;

use super::super::ImportError;
use super::super::limits::MAX_COMPRESSION_RATIO;
use super::super::limits::MAX_TOTAL_INFLATED_BYTES;
use super::super::limits::MAX_ZIP_ENTRIES;

/// A zip archive whose directory passed the checks.
pub struct SafeArchive<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    /// Bytes unpacked so far, against [`MAX_TOTAL_INFLATED_BYTES`].
    inflated: u64,
}

impl<'a> SafeArchive<'a> {
    /// Opens and vets an archive.
    pub fn open(bytes: &'a [u8]) -> Result<Self, ImportError> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            ImportError::invalid(format!(
                "this is not a valid Anki package (zip archive): {e}"
            ))
        })?;
        if zip.len() > MAX_ZIP_ENTRIES {
            return Err(ImportError::invalid(format!(
                "the package has {} entries; at most {MAX_ZIP_ENTRIES} are accepted",
                zip.len()
            )));
        }
        for i in 0..zip.len() {
            let f = zip
                .by_index_raw(i)
                .map_err(|e| ImportError::invalid(format!("a zip entry is unreadable: {e}")))?;
            let name = f
                .name()
                .map(|n| n.to_string())
                .unwrap_or_else(|_| "<bad name>".into());
            if f.enclosed_name().is_none() || name.contains('\\') || name.starts_with('/') {
                return Err(ImportError::invalid(format!(
                    "the package entry `{name}` points outside the package; refusing it"
                )));
            }
            let packed = f.compressed_size().max(1);
            if f.size() / packed > MAX_COMPRESSION_RATIO && f.size() > 1024 * 1024 {
                return Err(ImportError::invalid(format!(
                    "the package entry `{name}` unpacks {}:1 ({} bytes from {packed}); this looks like a zip bomb",
                    f.size() / packed,
                    f.size()
                )));
            }
        }
        Ok(SafeArchive { zip, inflated: 0 })
    }

    /// Whether an entry exists.
    pub fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// Reads an entry, refusing it when it is (or turns out to be) larger than `limit`.
    pub fn read(&mut self, name: &str, limit: u64) -> Result<Vec<u8>, ImportError> {
        let f = self.zip.by_name(name).map_err(|e| {
            ImportError::invalid(format!("cannot read `{name}` from the package: {e}"))
        })?;
        if f.size() > limit {
            return Err(ImportError::invalid(format!(
                "the package entry `{name}` is {} bytes unpacked; the limit is {limit}",
                f.size()
            )));
        }
        if self.inflated.saturating_add(f.size()) > MAX_TOTAL_INFLATED_BYTES {
            return Err(ImportError::invalid(format!(
                "the package unpacks to more than {} MiB in all; this looks like a zip bomb",
                MAX_TOTAL_INFLATED_BYTES >> 20
            )));
        }
        // Stop at the declared size: a directory that lies cannot make us inflate more.
        let declared = f.size();
        let mut out = Vec::with_capacity(declared as usize);
        f.take(declared + 1).read_to_end(&mut out).map_err(|e| {
            ImportError::invalid(format!("`{name}` in the package is corrupt: {e}"))
        })?;
        if out.len() as u64 > declared {
            return Err(ImportError::invalid(format!(
                "the package entry `{name}` unpacks to more than its declared size"
            )));
        }
        self.inflated += out.len() as u64;
        Ok(out)
    }
}

/// Inflates zstd data, refusing output beyond `limit` bytes or a ratio
/// beyond [`MAX_COMPRESSION_RATIO`] (for outputs over a megabyte).
pub fn unzstd(data: &[u8], limit: u64, name: &str) -> Result<Vec<u8>, ImportError> {
    let dec = zstd::stream::read::Decoder::new(data)
        .map_err(|e| ImportError::invalid(format!("`{name}` is not zstd data: {e}")))?;
    let cap = limit.min(
        (data.len() as u64)
            .saturating_mul(MAX_COMPRESSION_RATIO)
            .max(1024 * 1024),
    );
    let mut out = Vec::new();
    dec.take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|e| ImportError::invalid(format!("`{name}` in the package is corrupt: {e}")))?;
    if out.len() as u64 > cap {
        return Err(ImportError::invalid(format!(
            "`{name}` unpacks to more than {cap} bytes; this looks like a zip bomb"
        )));
    }
    Ok(out)
}

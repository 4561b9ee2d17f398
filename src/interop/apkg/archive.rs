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
    /// Bytes unpacked so far, against `total_limit`.
    inflated: u64,
    /// The most all entries read may unpack to together
    /// ([`MAX_TOTAL_INFLATED_BYTES`] unless a test lowers it).
    total_limit: u64,
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
        Ok(SafeArchive {
            zip,
            inflated: 0,
            total_limit: MAX_TOTAL_INFLATED_BYTES,
        })
    }

    /// The same archive with another limit on the total unpacked size, so
    /// that tests can exercise the limit without a huge file.
    pub fn with_total_limit(mut self, limit: u64) -> Self {
        self.total_limit = limit;
        self
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
        if self.inflated.saturating_add(f.size()) > self.total_limit {
            return Err(ImportError::invalid(format!(
                "the package unpacks to more than {} in all; this looks like a zip bomb",
                mib(self.total_limit)
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
    let cap = unzstd_cap(data.len(), limit);
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

/// The most [`unzstd`] inflates `packed` bytes to: `limit`, and at most
/// [`MAX_COMPRESSION_RATIO`] times the input (or a megabyte).
pub fn unzstd_cap(packed: usize, limit: u64) -> u64 {
    limit.min(
        (packed as u64)
            .saturating_mul(MAX_COMPRESSION_RATIO)
            .max(1024 * 1024),
    )
}

/// A size in words: whole MiB when it is one, else bytes.
fn mib(bytes: u64) -> String {
    if bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// A package of `entries` stored (uncompressed) entries of `size` bytes.
    fn package(entries: usize, size: usize) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for i in 0..entries {
            zip.start_file(format!("e{i}"), opts).unwrap();
            zip.write_all(&vec![b'x'; size]).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn the_total_inflation_limit_refuses_the_entry_that_passes_it() {
        let bytes = package(3, 1000);
        let mut zip = SafeArchive::open(&bytes).unwrap().with_total_limit(2500);
        assert_eq!(zip.read("e0", 1000).unwrap().len(), 1000);
        assert_eq!(zip.read("e1", 1000).unwrap().len(), 1000);
        let err = zip.read("e2", 1000).unwrap_err().to_string();
        assert!(err.contains("more than 2500 bytes in all"), "{err}");
        // Each entry alone is within its own limit: only the total refuses it.
        let mut fresh = SafeArchive::open(&bytes).unwrap().with_total_limit(2500);
        assert!(fresh.read("e2", 1000).is_ok());
    }

    #[test]
    fn the_default_total_limit_is_320_mib() {
        let bytes = package(1, 10);
        let zip = SafeArchive::open(&bytes).unwrap();
        assert_eq!(zip.total_limit, MAX_TOTAL_INFLATED_BYTES);
        assert_eq!(mib(zip.total_limit), "320 MiB");
    }
}

//! SHA-256 helpers shared by the form fingerprint, the deck hash and the
//! result files' hash chain.

use sha2::Digest;
use sha2::Sha256;

/// Lowercase hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Hashes several fields unambiguously: each is prefixed with its length,
/// so ("ab", "c") and ("a", "bc") differ.
pub fn sha256_fields(fields: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for f in fields {
        h.update((f.len() as u64).to_le_bytes());
        h.update(f);
    }
    hex::encode(h.finalize())
}

/// A 64-bit seed derived from a quiz seed and a purpose (such as a card
/// id), so each card's option order is independent of the others.
pub fn derive_seed(seed: u64, purpose: &str) -> u64 {
    let mut h = Sha256::new();
    h.update(b"docket-quiz-seed");
    h.update(seed.to_le_bytes());
    h.update(purpose.as_bytes());
    let d = h.finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_le_bytes(b)
}

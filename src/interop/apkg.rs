//! Anki packages: placeholder until the package reader and writer land.

use super::ImportError;
use super::Imported;
use super::Skipped;
use crate::deck::Deck;

/// Reads a package.
pub fn import(_name: &str, _bytes: &[u8]) -> Result<Imported, ImportError> {
    Err(ImportError::invalid("not yet"))
}

/// Writes a package.
pub fn export(_deck: &Deck) -> anyhow::Result<(Vec<u8>, Vec<Skipped>)> {
    anyhow::bail!("not yet")
}

//! The OS random number generator: every key, nonce and seed outside the
//! derandomized test paths comes from here.

use crate::{Error, Result};

/// Fills `buf` from the operating system's RNG.
pub(crate) fn fill(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|_| Error::Rng)
}

/// A fresh array from the OS RNG.
pub(crate) fn array<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    fill(&mut out)?;
    Ok(out)
}

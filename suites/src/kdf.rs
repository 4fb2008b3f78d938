//! KDF suites: HKDF-SHA-256, HKDF-SHA-384, Ascon-KDF128. `no_std`.
//! (interface fixed; implementation in progress)
use crate::Result;

/// Derives `out.len()` bytes with the KDF at `codepoint` from `ikm`, `salt` and `info`.
pub fn derive(_codepoint: u16, _salt: &[u8], _ikm: &[u8], _info: &[u8], _out: &mut [u8]) -> Result<()> {
    unimplemented!()
}

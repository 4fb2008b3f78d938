//! AEAD suites: Ascon-AEAD128, AES-256-GCM, ChaCha20-Poly1305. `no_std`.
//! (interface fixed; implementation in progress)
use crate::{Algorithm, Result};

/// Length of every registered AEAD's tag.
pub const TAG_LEN: usize = 16;

/// Which implementation serves AES-256-GCM and ChaCha20-Poly1305.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// The measured-fastest one in this build (aws-lc-rs with the `aws-lc` feature).
    #[default]
    Default,
    /// The portable RustCrypto crates (always present; `no_std`).
    Portable,
}

/// A prepared AEAD key for one registered AEAD. Zeroized on drop.
pub struct AeadKey {
    alg: &'static Algorithm,
}

impl AeadKey {
    /// Prepares `key` for the AEAD with `codepoint`, on the default backend.
    pub fn new(codepoint: u16, key: &[u8]) -> Result<Self> {
        Self::with_backend(codepoint, key, Backend::Default)
    }
    /// Prepares `key` on a chosen backend.
    pub fn with_backend(_codepoint: u16, _key: &[u8], _backend: Backend) -> Result<Self> {
        unimplemented!()
    }
    /// The registry entry.
    pub fn algorithm(&self) -> &'static Algorithm {
        self.alg
    }
    /// Encrypts `buf` in place and returns the tag.
    pub fn seal_in_place_detached(&self, _nonce: &[u8], _aad: &[u8], _buf: &mut [u8]) -> Result<[u8; TAG_LEN]> {
        unimplemented!()
    }
    /// Decrypts `buf` in place if `tag` verifies; otherwise zeroes `buf` and fails.
    pub fn open_in_place_detached(&self, _nonce: &[u8], _aad: &[u8], _buf: &mut [u8], _tag: &[u8]) -> Result<()> {
        unimplemented!()
    }
    /// Returns ciphertext ‖ tag.
    #[cfg(feature = "alloc")]
    pub fn seal(&self, _nonce: &[u8], _aad: &[u8], _plaintext: &[u8]) -> Result<alloc::vec::Vec<u8>> {
        unimplemented!()
    }
    /// Takes ciphertext ‖ tag, returns the plaintext only if the tag verifies.
    #[cfg(feature = "alloc")]
    pub fn open(&self, _nonce: &[u8], _aad: &[u8], _ciphertext_and_tag: &[u8]) -> Result<alloc::vec::Vec<u8>> {
        unimplemented!()
    }
}

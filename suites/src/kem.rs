//! KEM suites and hybrid KEMs. (implementation in progress)
use alloc::vec::Vec;

use crate::{Algorithm, Result, SecretBytes};

/// A KEM key pair.
#[derive(Debug)]
pub struct KemKeyPair {
    /// encapsulation key bytes
    pub public_key: Vec<u8>,
    /// decapsulation key bytes (zeroized on drop)
    pub secret_key: SecretBytes,
}

/// The result of encapsulation.
#[derive(Debug)]
pub struct Encapsulated {
    /// ciphertext to send to the key holder
    pub ciphertext: Vec<u8>,
    /// shared secret (zeroized on drop)
    pub shared_secret: SecretBytes,
}

/// One registered KEM (primitive or hybrid), behind bytes.
pub trait KemScheme: Send + Sync {
    /// The registry entry.
    fn algorithm(&self) -> &'static Algorithm;
    /// A fresh key pair from the OS RNG.
    fn keygen(&self) -> Result<KemKeyPair>;
    /// Encapsulates to `public_key`.
    fn encaps(&self, public_key: &[u8]) -> Result<Encapsulated>;
    /// Decapsulates `ciphertext`.
    fn decaps(&self, secret_key: &[u8], ciphertext: &[u8]) -> Result<SecretBytes>;
}

/// The implementation behind a KEM code point.
pub fn scheme(_codepoint: u16) -> Result<&'static dyn KemScheme> {
    unimplemented!()
}

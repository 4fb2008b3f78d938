//! Signature suites and composite signatures.
//! (interface fixed; implementation in progress)
use alloc::vec::Vec;

use crate::{Algorithm, Result, SecretBytes};

/// A signature key pair.
#[derive(Debug)]
pub struct SigKeyPair {
    /// verifying key bytes
    pub public_key: Vec<u8>,
    /// signing key bytes (zeroized on drop)
    pub secret_key: SecretBytes,
}

/// One registered signature algorithm (primitive or composite), behind bytes.
pub trait SignatureScheme: Send + Sync {
    /// The registry entry.
    fn algorithm(&self) -> &'static Algorithm;
    /// A fresh key pair from the OS RNG.
    fn keygen(&self) -> Result<SigKeyPair>;
    /// Signs `message`.
    fn sign(&self, secret_key: &[u8], message: &[u8]) -> Result<Vec<u8>>;
    /// Verifies; `Ok(())` only if the signature is valid.
    fn verify(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<()>;
}

/// The implementation behind a signature code point.
pub fn scheme(_codepoint: u16) -> Result<&'static dyn SignatureScheme> {
    unimplemented!()
}

use core::fmt;

use crate::registry::Kind;

/// Every failure the suites can report. No operation panics on bad input;
/// each returns one of these, and the message says what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// No algorithm with this name or code point is registered.
    UnknownAlgorithm,
    /// The algorithm exists but is of another kind (e.g. a KEM passed where an AEAD is expected).
    WrongKind {
        /// the kind the operation needs
        expected: Kind,
        /// the kind of the algorithm given
        found: Kind,
    },
    /// An input has the wrong length.
    InvalidLength {
        /// which input ("key", "nonce", "public key", ...)
        what: &'static str,
        /// the length the algorithm requires (for variable sizes: the maximum)
        expected: usize,
        /// the length given
        found: usize,
    },
    /// A public key is malformed (e.g. an ML-KEM key whose coefficients are not reduced).
    InvalidPublicKey,
    /// A secret key is malformed.
    InvalidSecretKey,
    /// A KEM ciphertext is malformed (e.g. an X25519 share of low order).
    InvalidCiphertext,
    /// AEAD decryption failed: the tag did not verify. No plaintext is released.
    AuthenticationFailed,
    /// A signature did not verify.
    InvalidSignature,
    /// The requested output is longer than the KDF can produce.
    OutputTooLong,
    /// No profile with this name exists.
    UnknownProfile,
    /// The algorithm (or its family) has been withdrawn by policy.
    Withdrawn,
    /// This build lacks the operation (e.g. deterministic key generation for HQC).
    Unsupported(&'static str),
    /// The operating system's random number generator failed.
    Rng,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnknownAlgorithm => f.write_str("unknown algorithm (run `agilis suites` to list them)"),
            Error::WrongKind { expected, found } => {
                write!(f, "wrong kind of algorithm: expected a {expected}, got a {found}")
            }
            Error::InvalidLength { what, expected, found } => {
                write!(f, "invalid {what} length: expected {expected} bytes, got {found}")
            }
            Error::InvalidPublicKey => f.write_str("malformed public key"),
            Error::InvalidSecretKey => f.write_str("malformed secret key"),
            Error::InvalidCiphertext => f.write_str("malformed KEM ciphertext"),
            Error::AuthenticationFailed => {
                f.write_str("authentication failed: the tag does not match (wrong key, nonce, AAD, or tampered data)")
            }
            Error::InvalidSignature => f.write_str("signature verification failed"),
            Error::OutputTooLong => f.write_str("requested KDF output is too long"),
            Error::UnknownProfile => f.write_str("unknown profile (the profiles are anchor, vehicle and constrained)"),
            Error::Withdrawn => f.write_str("algorithm withdrawn by policy"),
            Error::Unsupported(what) => write!(f, "unsupported: {what}"),
            Error::Rng => f.write_str("the operating system random number generator failed"),
        }
    }
}

impl core::error::Error for Error {}

/// `Ok` if `bytes` is `expected` long, else [`Error::InvalidLength`] naming `what`.
pub(crate) fn check_len(what: &'static str, bytes: &[u8], expected: usize) -> crate::Result<()> {
    if bytes.len() == expected {
        Ok(())
    } else {
        Err(Error::InvalidLength {
            what,
            expected,
            found: bytes.len(),
        })
    }
}

//! AEAD suites: Ascon-AEAD128, AES-256-GCM, ChaCha20-Poly1305. `no_std`.
//!
//! [`AeadKey`] prepares a key for the AEAD at a registry code point; every
//! size it checks (key, nonce, tag) comes from that registry entry.
//!
//! ## Implementations
//! | AEAD | [`Backend::Default`] with feature `aws-lc` | [`Backend::Portable`] (and every build without `aws-lc`) |
//! |---|---|---|
//! | ascon-aead128 | RustCrypto `ascon-aead` | RustCrypto `ascon-aead` |
//! | aes-256-gcm | aws-lc-rs `LessSafeKey` | RustCrypto `aes-gcm` |
//! | chacha20-poly1305 | aws-lc-rs `LessSafeKey` | RustCrypto `chacha20poly1305` |
//!
//! The two backends are independent implementations that must agree byte for
//! byte; the tests cross-check them, and the redundancy ruler can run both.
//!
//! Builds without feature `ascon-rustcrypto` (small `no_std` images such as the
//! ATmega328P's) serve Ascon-AEAD128 on both backends with agilis's compact
//! 8-bit implementation, `ascon8`; builds without `aes-256-gcm` or
//! `chacha20-poly1305` report [`Error::Unsupported`] for those code points.
//!
//! ## Failure semantics
//! - Bad sizes (key, nonce, tag, over-long input) give [`Error::InvalidLength`]
//!   before any byte of the buffer is touched.
//! - A tag that does not verify gives [`Error::AuthenticationFailed`] and the
//!   buffer is zeroized: unauthenticated plaintext is never released (aws-lc-rs
//!   documents the buffer as "overwritten in an unspecified way" on failure).
//! - Tags are compared in constant time by the underlying implementations;
//!   this module never compares tags itself.
//!
//! ## Key hygiene
//! Every prepared key is wiped when the [`AeadKey`] is dropped: the RustCrypto
//! ciphers with their `zeroize` feature (checked at compile time below),
//! aws-lc-rs by `EVP_AEAD_CTX_free`, whose `OPENSSL_free` cleanses the
//! allocation. `ascon-aead`'s own `zeroize` feature does not build without its
//! default features, so for Ascon the key bytes are kept in a [`Zeroizing`]
//! array and the cipher is rebuilt per call: Ascon-AEAD128's "key schedule" is
//! just loading two words, so this costs nothing measurable. As everywhere in
//! Rust, transient copies in registers and on the stack during a call are
//! outside what can be wiped.

use core::fmt;

#[cfg(feature = "aes-256-gcm")]
use aes_gcm::Aes256Gcm;
use ascon_aead::AsconAead128;
use ascon_aead::aead::KeySizeUser;
use ascon_aead::aead::array::typenum::Unsigned;
#[cfg(any(
    feature = "ascon-rustcrypto",
    feature = "aes-256-gcm",
    feature = "chacha20-poly1305"
))]
use ascon_aead::aead::{self, AeadInOut, KeyInit};
#[cfg(feature = "chacha20-poly1305")]
use chacha20poly1305::ChaCha20Poly1305;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

// Ascon-AEAD128 for small images (feature `ascon-rustcrypto` off); always
// compiled for the tests, which check it against the RustCrypto crate.
#[cfg(any(not(feature = "ascon-rustcrypto"), test))]
mod ascon8;

use crate::error::check_len;
use crate::registry::{self, Sizes, codepoint};
use crate::{Algorithm, Error, Kind, Result};

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

/// Ascon-AEAD128 key bytes; the length is the crate's, checked against the registry.
type AsconKeyBytes = [u8; <<AsconAead128 as KeySizeUser>::KeySize as Unsigned>::USIZE];

/// Longest plaintext SP 800-38D allows for GCM (2^39 − 256 bits); aws-lc and
/// `aes-gcm` both enforce it.
const GCM_MAX_PLAINTEXT: u64 = (1 << 36) - 32;
/// Longest AAD SP 800-38D allows for GCM (2^64 − 1 bits).
const GCM_MAX_AAD: u64 = (1 << 61) - 1;
/// ChaCha20's 32-bit block counter starts at 1 after the Poly1305 key block.
/// RFC 8439 allows (2^32 − 1)·64 bytes; aws-lc and `chacha20poly1305` both
/// reject that exact length too, so one byte less is the common limit.
const CHACHA_MAX_PLAINTEXT: u64 = (1 << 38) - 65;

/// The prepared cipher. One `match` per operation is the whole dispatch cost.
// Inline, not boxed: `no_std` builds have no allocator, and a key is prepared
// once per session, so its ~640 bytes (mostly the AES round keys) cost nothing
// on the hot path while a `Box` would add an indirection to it.
#[allow(clippy::large_enum_variant)]
enum Prepared {
    /// Rebuilt per call from zeroizing key bytes (see the module docs).
    Ascon(Zeroizing<AsconKeyBytes>),
    #[cfg(feature = "aes-256-gcm")]
    AesGcm(Aes256Gcm),
    #[cfg(feature = "chacha20-poly1305")]
    ChaCha(ChaCha20Poly1305),
    /// AES-256-GCM or ChaCha20-Poly1305; the key knows which.
    #[cfg(feature = "aws-lc")]
    AwsLc(aws_lc_rs::aead::LessSafeKey),
}

// Fails to compile if a `zeroize` feature we rely on is switched off.
const _: fn() = || {
    fn wiped_on_drop<T: ZeroizeOnDrop>() {}
    #[cfg(feature = "aes-256-gcm")]
    wiped_on_drop::<Aes256Gcm>();
    #[cfg(feature = "chacha20-poly1305")]
    wiped_on_drop::<ChaCha20Poly1305>();
    wiped_on_drop::<Zeroizing<AsconKeyBytes>>();
};

/// A prepared AEAD key for one registered AEAD. Zeroized on drop.
pub struct AeadKey {
    alg: &'static Algorithm,
    // Copied out of the registry entry once, so the hot path does not re-match it.
    nonce_len: usize,
    /// (max plaintext, max AAD) in bytes, from `limits()`.
    limits: (u64, u64),
    inner: Prepared,
}

// The driver layer shares keys across threads.
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<AeadKey>();
};

// Every `Prepared` variant wipes its key material when dropped (see module docs).
impl ZeroizeOnDrop for AeadKey {}

impl AeadKey {
    /// Prepares `key` for the AEAD with `codepoint`, on the default backend.
    pub fn new(codepoint: u16, key: &[u8]) -> Result<Self> {
        Self::with_backend(codepoint, key, Backend::Default)
    }

    /// Prepares `key` on a chosen backend.
    ///
    /// Errors: [`Error::UnknownAlgorithm`], [`Error::WrongKind`] for a non-AEAD
    /// code point, [`Error::InvalidLength`] for a key of the wrong size.
    pub fn with_backend(codepoint: u16, key: &[u8], backend: Backend) -> Result<Self> {
        // Each entry is resolved in a constant, so a `no_std` image carries
        // only these three entries, not the whole registry (see `entry_copy`).
        let alg: &'static Algorithm = match codepoint {
            codepoint::ASCON_AEAD128 => {
                const { &registry::entry_copy(codepoint::ASCON_AEAD128, Kind::Aead) }
            }
            codepoint::AES_256_GCM => {
                const { &registry::entry_copy(codepoint::AES_256_GCM, Kind::Aead) }
            }
            codepoint::CHACHA20_POLY1305 => {
                const { &registry::entry_copy(codepoint::CHACHA20_POLY1305, Kind::Aead) }
            }
            _ => {
                return Err(match registry::kind_of(codepoint) {
                    None => Error::UnknownAlgorithm,
                    Some(found) if found != Kind::Aead => Error::WrongKind {
                        expected: Kind::Aead,
                        found,
                    },
                    Some(_) => Error::Unsupported("no implementation of this AEAD in this build"),
                });
            }
        };
        let Sizes::Aead {
            key: key_len,
            nonce: nonce_len,
            tag: tag_len,
        } = alg.sizes
        else {
            return Err(Error::Unsupported(
                "registry entry of an AEAD lacks AEAD sizes",
            ));
        };
        // The detached API hands out `[u8; TAG_LEN]`; a registry entry with
        // another tag size would need an API change, not a silent truncation.
        if tag_len != TAG_LEN {
            return Err(Error::Unsupported("AEAD tag length other than 16 bytes"));
        }
        check_len("key", key, key_len)?;
        #[cfg(not(feature = "aws-lc"))]
        let _ = backend;
        let inner = match codepoint {
            codepoint::ASCON_AEAD128 => {
                let mut bytes = Zeroizing::new(AsconKeyBytes::default());
                let src = <&AsconKeyBytes>::try_from(key)
                    .map_err(|_| key_mismatch::<AsconAead128>(key))?;
                *bytes = *src;
                Prepared::Ascon(bytes)
            }
            #[cfg(feature = "aws-lc")]
            codepoint::AES_256_GCM if backend == Backend::Default => {
                aws_lc(&aws_lc_rs::aead::AES_256_GCM, key)?
            }
            #[cfg(feature = "aws-lc")]
            codepoint::CHACHA20_POLY1305 if backend == Backend::Default => {
                aws_lc(&aws_lc_rs::aead::CHACHA20_POLY1305, key)?
            }
            #[cfg(feature = "aes-256-gcm")]
            codepoint::AES_256_GCM => Prepared::AesGcm(rust_crypto(key)?),
            #[cfg(feature = "chacha20-poly1305")]
            codepoint::CHACHA20_POLY1305 => Prepared::ChaCha(rust_crypto(key)?),
            _ => {
                return Err(Error::Unsupported(
                    "no implementation of this AEAD in this build",
                ));
            }
        };
        Ok(AeadKey {
            alg,
            nonce_len,
            limits: limits(codepoint),
            inner,
        })
    }

    /// The registry entry.
    pub fn algorithm(&self) -> &'static Algorithm {
        self.alg
    }

    /// Nonce length in bytes (from the registry).
    pub fn nonce_len(&self) -> usize {
        self.nonce_len
    }

    /// The implementation serving this key, e.g. `"aws-lc-rs"` or `"RustCrypto aes-gcm"`.
    pub fn implementation(&self) -> &'static str {
        match self.inner {
            Prepared::Ascon(_) => ASCON_IMPLEMENTATION,
            #[cfg(feature = "aes-256-gcm")]
            Prepared::AesGcm(_) => "RustCrypto aes-gcm",
            #[cfg(feature = "chacha20-poly1305")]
            Prepared::ChaCha(_) => "RustCrypto chacha20poly1305",
            #[cfg(feature = "aws-lc")]
            Prepared::AwsLc(_) => "aws-lc-rs",
        }
    }

    /// Encrypts `buf` in place and returns the tag.
    ///
    /// Errors: [`Error::InvalidLength`] for a nonce of the wrong size or a
    /// plaintext or AAD beyond the algorithm's limit; `buf` is then untouched.
    #[inline]
    pub fn seal_in_place_detached(
        &self,
        nonce: &[u8],
        aad: &[u8],
        buf: &mut [u8],
    ) -> Result<[u8; TAG_LEN]> {
        self.check_nonce(nonce)?;
        self.check_limits(aad, buf)?;
        let tag = match &self.inner {
            Prepared::Ascon(key) => ascon_seal(key, nonce, aad, buf),
            #[cfg(feature = "aes-256-gcm")]
            Prepared::AesGcm(c) => rc_seal(c, nonce, aad, buf),
            #[cfg(feature = "chacha20-poly1305")]
            Prepared::ChaCha(c) => rc_seal(c, nonce, aad, buf),
            #[cfg(feature = "aws-lc")]
            Prepared::AwsLc(k) => {
                let n = aws_lc_rs::aead::Nonce::try_assume_unique_for_key(nonce)
                    .map_err(|_| self.nonce_error(nonce))?;
                k.seal_in_place_separate_tag(n, aws_lc_rs::aead::Aad::from(aad), buf)
                    .ok()
                    .and_then(|t| <[u8; TAG_LEN]>::try_from(t.as_ref()).ok())
            }
        };
        // After the checks above, the implementations have no other reason to fail.
        tag.ok_or_else(|| Error::InvalidLength {
            what: "plaintext",
            expected: self.max_plaintext_len(),
            found: buf.len(),
        })
    }

    /// Decrypts `buf` in place if `tag` verifies; otherwise zeroes `buf` and fails.
    ///
    /// Errors: [`Error::AuthenticationFailed`] (with `buf` zeroized);
    /// [`Error::InvalidLength`] for a nonce or tag of the wrong size or an
    /// over-long input, in which case `buf` still holds the ciphertext.
    #[inline]
    pub fn open_in_place_detached(
        &self,
        nonce: &[u8],
        aad: &[u8],
        buf: &mut [u8],
        tag: &[u8],
    ) -> Result<()> {
        self.check_nonce(nonce)?;
        if tag.len() != TAG_LEN {
            return Err(Error::InvalidLength {
                what: "tag",
                expected: TAG_LEN,
                found: tag.len(),
            });
        }
        self.check_limits(aad, buf)?;
        let ok = match &self.inner {
            Prepared::Ascon(key) => ascon_open(key, nonce, aad, buf, tag),
            #[cfg(feature = "aes-256-gcm")]
            Prepared::AesGcm(c) => rc_open(c, nonce, aad, buf, tag),
            #[cfg(feature = "chacha20-poly1305")]
            Prepared::ChaCha(c) => rc_open(c, nonce, aad, buf, tag),
            #[cfg(feature = "aws-lc")]
            Prepared::AwsLc(k) => match aws_lc_rs::aead::Nonce::try_assume_unique_for_key(nonce) {
                Ok(n) => k
                    .open_in_place_separate_tag(n, aws_lc_rs::aead::Aad::from(aad), tag, buf)
                    .is_ok(),
                Err(_) => return Err(self.nonce_error(nonce)),
            },
        };
        if ok {
            Ok(())
        } else {
            // Volatile wipe: the optimiser must not drop it as a dead store.
            buf.zeroize();
            Err(Error::AuthenticationFailed)
        }
    }

    /// Returns ciphertext ‖ tag.
    ///
    /// Errors as [`seal_in_place_detached`](Self::seal_in_place_detached).
    #[cfg(feature = "alloc")]
    pub fn seal(&self, nonce: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<alloc::vec::Vec<u8>> {
        let too_long = || Error::InvalidLength {
            what: "plaintext",
            expected: self.max_plaintext_len(),
            found: plaintext.len(),
        };
        // Checked before allocating so that an oversized request is an error, not an abort.
        self.check_nonce(nonce)?;
        self.check_limits(aad, plaintext)?;
        let total = plaintext.len().checked_add(TAG_LEN).ok_or_else(too_long)?;
        let mut out = alloc::vec::Vec::new();
        out.try_reserve_exact(total).map_err(|_| too_long())?;
        out.extend_from_slice(plaintext);
        let tag = self.seal_in_place_detached(nonce, aad, &mut out)?;
        out.extend_from_slice(&tag);
        Ok(out)
    }

    /// Takes ciphertext ‖ tag, returns the plaintext only if the tag verifies.
    ///
    /// Errors: [`Error::InvalidLength`] when the input is shorter than the tag,
    /// otherwise as [`open_in_place_detached`](Self::open_in_place_detached).
    #[cfg(feature = "alloc")]
    pub fn open(
        &self,
        nonce: &[u8],
        aad: &[u8],
        ciphertext_and_tag: &[u8],
    ) -> Result<alloc::vec::Vec<u8>> {
        let Some(ct_len) = ciphertext_and_tag.len().checked_sub(TAG_LEN) else {
            return Err(Error::InvalidLength {
                what: "ciphertext (minimum: the tag)",
                expected: TAG_LEN,
                found: ciphertext_and_tag.len(),
            });
        };
        let (ct, tag) = ciphertext_and_tag.split_at(ct_len);
        let mut out = ct.to_vec();
        self.open_in_place_detached(nonce, aad, &mut out, tag)?;
        Ok(out)
    }

    /// Longest plaintext (or ciphertext without tag) one call accepts.
    pub fn max_plaintext_len(&self) -> usize {
        saturate(self.limits.0)
    }

    #[inline]
    fn check_limits(&self, aad: &[u8], buf: &[u8]) -> Result<()> {
        let (max_pt, max_aad) = self.limits;
        // `usize` is at most 64 bits on every target Rust supports.
        if buf.len() as u64 > max_pt {
            return Err(Error::InvalidLength {
                what: "plaintext",
                expected: saturate(max_pt),
                found: buf.len(),
            });
        }
        if aad.len() as u64 > max_aad {
            return Err(Error::InvalidLength {
                what: "aad",
                expected: saturate(max_aad),
                found: aad.len(),
            });
        }
        Ok(())
    }

    #[inline]
    fn check_nonce(&self, nonce: &[u8]) -> Result<()> {
        if nonce.len() == self.nonce_len {
            Ok(())
        } else {
            Err(self.nonce_error(nonce))
        }
    }

    fn nonce_error(&self, nonce: &[u8]) -> Error {
        Error::InvalidLength {
            what: "nonce",
            expected: self.nonce_len,
            found: nonce.len(),
        }
    }
}

impl fmt::Debug for AeadKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AeadKey")
            .field("algorithm", &self.alg.name)
            .field("implementation", &self.implementation())
            .field("key", &"<redacted>")
            .finish()
    }
}

/// (max plaintext, max AAD) in bytes, as the standards and both backends enforce them.
fn limits(codepoint: u16) -> (u64, u64) {
    match codepoint {
        codepoint::AES_256_GCM => (GCM_MAX_PLAINTEXT, GCM_MAX_AAD),
        codepoint::CHACHA20_POLY1305 => (CHACHA_MAX_PLAINTEXT, u64::MAX),
        // SP 800-232 sets no per-message limit; `ascon-aead` only needs
        // |P| + |A| to fit in a u64, which slices always do.
        _ => (u64::MAX, u64::MAX),
    }
}

fn saturate(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// The registry and the crate disagree about the key size: report the crate's.
fn key_mismatch<A: KeySizeUser>(key: &[u8]) -> Error {
    Error::InvalidLength {
        what: "key",
        expected: A::KeySize::USIZE,
        found: key.len(),
    }
}

#[cfg(any(feature = "aes-256-gcm", feature = "chacha20-poly1305"))]
fn rust_crypto<A: KeyInit>(key: &[u8]) -> Result<A> {
    // Borrowing the key as the crate's array type avoids an unwiped copy.
    let key = <&aead::Key<A>>::try_from(key).map_err(|_| key_mismatch::<A>(key))?;
    Ok(A::new(key))
}

#[cfg(feature = "aws-lc")]
fn aws_lc(alg: &'static aws_lc_rs::aead::Algorithm, key: &[u8]) -> Result<Prepared> {
    let key = aws_lc_rs::aead::UnboundKey::new(alg, key)
        .map_err(|_| Error::Unsupported("aws-lc-rs could not prepare the AEAD key"))?;
    Ok(Prepared::AwsLc(aws_lc_rs::aead::LessSafeKey::new(key)))
}

/// Seals with a RustCrypto AEAD; `None` if the crate refuses (lengths are
/// checked against the registry before, so only a crate/registry mismatch
/// could get here).
#[cfg(any(
    feature = "ascon-rustcrypto",
    feature = "aes-256-gcm",
    feature = "chacha20-poly1305"
))]
#[inline(always)]
fn rc_seal<A: AeadInOut>(
    cipher: &A,
    nonce: &[u8],
    aad: &[u8],
    buf: &mut [u8],
) -> Option<[u8; TAG_LEN]> {
    let nonce = <&aead::Nonce<A>>::try_from(nonce).ok()?;
    let tag = cipher.encrypt_inout_detached(nonce, aad, buf.into()).ok()?;
    <[u8; TAG_LEN]>::try_from(tag.as_slice()).ok()
}

/// Opens with a RustCrypto AEAD; `true` only if the tag verified.
#[cfg(any(
    feature = "ascon-rustcrypto",
    feature = "aes-256-gcm",
    feature = "chacha20-poly1305"
))]
#[inline(always)]
fn rc_open<A: AeadInOut>(cipher: &A, nonce: &[u8], aad: &[u8], buf: &mut [u8], tag: &[u8]) -> bool {
    let (Ok(nonce), Ok(tag)) = (
        <&aead::Nonce<A>>::try_from(nonce),
        <&aead::Tag<A>>::try_from(tag),
    ) else {
        return false;
    };
    cipher
        .decrypt_inout_detached(nonce, aad, buf.into(), tag)
        .is_ok()
}

#[cfg(feature = "ascon-rustcrypto")]
const ASCON_IMPLEMENTATION: &str = "RustCrypto ascon-aead";
#[cfg(not(feature = "ascon-rustcrypto"))]
const ASCON_IMPLEMENTATION: &str = "agilis ascon8 (8-bit, compact)";

/// Ascon-AEAD128 seal: RustCrypto `ascon-aead` with feature `ascon-rustcrypto`.
#[cfg(feature = "ascon-rustcrypto")]
#[inline(always)]
fn ascon_seal(
    key: &AsconKeyBytes,
    nonce: &[u8],
    aad: &[u8],
    buf: &mut [u8],
) -> Option<[u8; TAG_LEN]> {
    rc_seal(&AsconAead128::new(key.into()), nonce, aad, buf)
}

/// Ascon-AEAD128 open: RustCrypto `ascon-aead` with feature `ascon-rustcrypto`.
#[cfg(feature = "ascon-rustcrypto")]
#[inline(always)]
fn ascon_open(key: &AsconKeyBytes, nonce: &[u8], aad: &[u8], buf: &mut [u8], tag: &[u8]) -> bool {
    rc_open(&AsconAead128::new(key.into()), nonce, aad, buf, tag)
}

/// Ascon-AEAD128 seal without `ascon-rustcrypto`: agilis's compact [`ascon8`].
#[cfg(not(feature = "ascon-rustcrypto"))]
fn ascon_seal(
    key: &AsconKeyBytes,
    nonce: &[u8],
    aad: &[u8],
    buf: &mut [u8],
) -> Option<[u8; TAG_LEN]> {
    let nonce = <&[u8; 16]>::try_from(nonce).ok()?;
    Some(ascon8::seal(key, nonce, aad, buf))
}

/// Ascon-AEAD128 open without `ascon-rustcrypto`: agilis's compact [`ascon8`].
#[cfg(not(feature = "ascon-rustcrypto"))]
fn ascon_open(key: &AsconKeyBytes, nonce: &[u8], aad: &[u8], buf: &mut [u8], tag: &[u8]) -> bool {
    match (
        <&[u8; 16]>::try_from(nonce),
        <&[u8; TAG_LEN]>::try_from(tag),
    ) {
        (Ok(nonce), Ok(tag)) => ascon8::open(key, nonce, aad, buf, tag),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ascon_aead::aead::AeadCore;

    /// The crates' type-level sizes must be the registry's: the registry is
    /// what we check inputs against, the crates what we hand them to.
    #[test]
    fn registry_sizes_match_the_crates() {
        fn sizes<A: AeadCore + KeySizeUser>() -> (usize, usize, usize) {
            (A::KeySize::USIZE, A::NonceSize::USIZE, A::TagSize::USIZE)
        }
        for alg in registry::of_kind(Kind::Aead) {
            let Sizes::Aead { key, nonce, tag } = alg.sizes else {
                panic!("{}: no AEAD sizes", alg.name)
            };
            let crate_sizes = match alg.codepoint {
                codepoint::ASCON_AEAD128 => sizes::<AsconAead128>(),
                #[cfg(feature = "aes-256-gcm")]
                codepoint::AES_256_GCM => sizes::<Aes256Gcm>(),
                #[cfg(feature = "chacha20-poly1305")]
                codepoint::CHACHA20_POLY1305 => sizes::<ChaCha20Poly1305>(),
                // Not in this build: nothing to compare.
                #[cfg(not(feature = "aes-256-gcm"))]
                codepoint::AES_256_GCM => continue,
                #[cfg(not(feature = "chacha20-poly1305"))]
                codepoint::CHACHA20_POLY1305 => continue,
                _ => panic!("{} has no implementation", alg.name),
            };
            assert_eq!((key, nonce, tag), crate_sizes, "{}", alg.name);
            assert_eq!(tag, TAG_LEN);
        }
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn debug_redacts_the_key() {
        let key = AeadKey::new(codepoint::ASCON_AEAD128, &[0xA5; 16]).unwrap();
        let s = alloc::format!("{key:?}");
        assert!(s.contains("ascon-aead128") && s.contains("redacted"), "{s}");
        assert!(!s.to_ascii_lowercase().contains("a5"), "{s}");
    }
}

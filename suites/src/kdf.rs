//! KDF suites: HKDF-SHA-256, HKDF-SHA-384, Ascon-KDF128. `no_std`.
//!
//! [`derive()`] reaches every KDF by code point. The registry's
//! `Sizes::Kdf { max_output }` is the authoritative output limit; a longer
//! request fails with [`Error::OutputTooLong`] before anything is computed.
//!
//! ## HKDF-SHA-256 / HKDF-SHA-384
//! RFC 5869 extract-then-expand (RustCrypto `hkdf` + `sha2`). An empty salt
//! is the RFC's default of HashLen zero bytes: HMAC pads any key shorter than
//! its block with zeros, so both give the same PRK.
//!
//! ## ascon-kdf128 (agilis construction, version 1)
//! ```text
//! okm = Ascon-CXOF128( Z = "agilis/ascon-kdf128/v1",
//!                      X = lp(salt) ‖ lp(ikm) ‖ lp(info),
//!                      L = out.len() )            with out.len() ≤ max_output (registry)
//! lp(x) = u32be(len x) ‖ x
//! ```
//! - Ascon-CXOF128 is the customizable XOF of NIST SP 800-232; the
//!   customization string Z separates this KDF (and its version) from every
//!   other use of the XOF, and the length prefixes make X an injective
//!   encoding of (salt, ikm, info), so no two distinct triples collide by
//!   shifting bytes from one field to the next.
//! - Each field must be shorter than 2^32 bytes ([`Error::InvalidLength`]).
//! - Security: 128 bits (NIST category 1), provided `ikm` carries at least
//!   128 bits of entropy; the salt may be empty.
//! - **Prefix property.** The output length is not an input, so, as for any
//!   XOF (and for HKDF as well), the first `n` bytes of a longer output equal
//!   the `n`-byte output for the same inputs. Keys for different purposes
//!   must differ in `info`, not only in length.
//!
//! `ascon-hash` 0.4 implements Ascon-Hash256 and Ascon-XOF128 but not
//! CXOF128. CXOF128 is XOF128's sponge started from another initial state and
//! fed the encoded customization string first (SP 800-232, Algorithm 6), so
//! [`ascon_cxof128`] loads that initial state into the crate's XOF core
//! through its state-serialization interface and absorbs
//! `int64le(bitlen Z) ‖ pad(Z)` ahead of the message. The official CXOF128
//! KATs check the result.

use ascon_hash::digest::block_api::CoreProxy;
use ascon_hash::digest::common::hazmat::{SerializableState, SerializedState};
use ascon_hash::{
    AsconHash256, AsconXof128, AsconXofCore, Digest, ExtendableOutput, Update, XofReader,
};
use sha2::{Sha256, Sha384};

use crate::registry::{self, Sizes, codepoint};
use crate::{Error, Kind, Result};

/// Customization string of ascon-kdf128 (version 1 of the construction).
pub const ASCON_KDF128_CUSTOMIZATION: &[u8] = b"agilis/ascon-kdf128/v1";

/// Longest Ascon-CXOF128 customization string: SP 800-232 limits it to 2048 bits.
pub const ASCON_CXOF128_MAX_CUSTOMIZATION: usize = 256;

/// Ascon-p[12](IV ‖ 0^256) for Ascon-CXOF128's IV 0x0000080000cc0004,
/// precomputed as `ascon-hash` does for its own XOF128 and Hash256 IVs.
const CXOF128_INITIAL_STATE: [u64; 5] = [
    0x675527c2a0e8de03,
    0x43d12d7dc0377bbc,
    0xe9901dec426e81b5,
    0x2ab14907720780b6,
    0x8f3f1d02d432bc46,
];

/// Derives `out.len()` bytes with the KDF at `codepoint` from `ikm`, `salt` and `info`.
///
/// Errors: [`Error::UnknownAlgorithm`], [`Error::WrongKind`] for a non-KDF
/// code point, [`Error::OutputTooLong`] beyond the registry's `max_output`,
/// [`Error::InvalidLength`] for an ascon-kdf128 field of 2^32 bytes or more.
/// On error `out` is left untouched.
pub fn derive(codepoint: u16, salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]) -> Result<()> {
    let alg = registry::by_codepoint(codepoint)?.expect_kind(Kind::Kdf)?;
    let Sizes::Kdf { max_output } = alg.sizes else {
        return Err(Error::Unsupported(
            "registry entry of a KDF lacks KDF sizes",
        ));
    };
    if out.len() > max_output {
        return Err(Error::OutputTooLong);
    }
    match codepoint {
        // `expand` can only fail on length, which the registry check above
        // already bounds (255 · HashLen for both).
        codepoint::HKDF_SHA256 => hkdf::Hkdf::<Sha256>::new(Some(salt), ikm)
            .expand(info, out)
            .map_err(|_| Error::OutputTooLong),
        codepoint::HKDF_SHA384 => hkdf::Hkdf::<Sha384>::new(Some(salt), ikm)
            .expand(info, out)
            .map_err(|_| Error::OutputTooLong),
        codepoint::ASCON_KDF128 => ascon_kdf128(salt, ikm, info, out),
        _ => Err(Error::Unsupported(
            "no implementation of this KDF in this build",
        )),
    }
}

fn ascon_kdf128(salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]) -> Result<()> {
    let fields = [("salt", salt), ("ikm", ikm), ("info", info)];
    let mut prefixes = [[0u8; 4]; 3];
    for ((what, field), prefix) in fields.iter().zip(&mut prefixes) {
        let len = u32::try_from(field.len()).map_err(|_| Error::InvalidLength {
            what,
            expected: usize::try_from(u32::MAX).unwrap_or(usize::MAX),
            found: field.len(),
        })?;
        *prefix = len.to_be_bytes();
    }
    let mut xof = cxof128(ASCON_KDF128_CUSTOMIZATION)?;
    for ((_, field), prefix) in fields.iter().zip(&prefixes) {
        xof.update(prefix);
        xof.update(field);
    }
    xof.finalize_xof().read(out);
    Ok(())
}

/// Ascon-Hash256 (SP 800-232) of `msg`.
pub fn ascon_hash256(msg: &[u8]) -> [u8; 32] {
    AsconHash256::digest(msg).into()
}

/// Ascon-XOF128 (SP 800-232) of `msg`, squeezed to `out.len()` bytes.
pub fn ascon_xof128(msg: &[u8], out: &mut [u8]) {
    let mut xof = AsconXof128::default();
    xof.update(msg);
    xof.finalize_xof().read(out);
}

/// Ascon-CXOF128 (SP 800-232) of `msg` with customization string
/// `customization`, squeezed to `out.len()` bytes.
///
/// Errors: [`Error::InvalidLength`] for a customization string longer than
/// [`ASCON_CXOF128_MAX_CUSTOMIZATION`] bytes.
pub fn ascon_cxof128(customization: &[u8], msg: &[u8], out: &mut [u8]) -> Result<()> {
    let mut xof = cxof128(customization)?;
    xof.update(msg);
    xof.finalize_xof().read(out);
    Ok(())
}

/// An Ascon-CXOF128 sponge that has absorbed the customization string and is
/// ready for the message: XOF128's sponge (same rate, rounds, padding and
/// squeezing) from CXOF128's initial state.
fn cxof128(customization: &[u8]) -> Result<AsconXof128> {
    if customization.len() > ASCON_CXOF128_MAX_CUSTOMIZATION {
        return Err(Error::InvalidLength {
            what: "customization string",
            expected: ASCON_CXOF128_MAX_CUSTOMIZATION,
            found: customization.len(),
        });
    }
    let core = AsconXofCore::deserialize(&serialize_state(&CXOF128_INITIAL_STATE))
        .map_err(|_| Error::Unsupported("ascon-hash rejected the Ascon-CXOF128 initial state"))?;
    let mut xof = AsconXof128::compose(core, Default::default());
    // Z0 = int64(|Z|) in bits, little-endian as all Ascon integers; the
    // length check above keeps the product far below u64::MAX.
    xof.update(&((customization.len() as u64) * 8).to_le_bytes());
    // pad(Z, 64): Z ‖ 0x01 ‖ 0x00…, to the next 8-byte boundary (a whole
    // padding block when |Z| is already a multiple of 8), so the message
    // starts on a fresh block exactly as in SP 800-232.
    xof.update(customization);
    let pad_len = 8 - customization.len() % 8;
    xof.update(&[1, 0, 0, 0, 0, 0, 0, 0][..pad_len]);
    Ok(xof)
}

/// `ascon-core`'s state serialization: the five words, each big-endian.
fn serialize_state(words: &[u64; 5]) -> SerializedState<AsconXofCore> {
    let mut bytes = SerializedState::<AsconXofCore>::default();
    for (chunk, word) in bytes.chunks_exact_mut(8).zip(words) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// XOF128's initial state from `ascon-hash` (its `ParametersXof`).
    const XOF128_INITIAL_STATE: [u64; 5] = [
        0xda82ce768d9447eb,
        0xcc7ce6c75f1ef969,
        0xe7508fd780085631,
        0x0ee0ea53416b58cc,
        0xe0547524db6f0bde,
    ];

    /// Pins the serialization layout `cxof128` relies on: if `ascon-hash`
    /// changed it, the CXOF initial state would be loaded wrongly.
    #[test]
    fn state_serialization_layout() {
        assert_eq!(
            AsconXofCore::default().serialize(),
            serialize_state(&XOF128_INITIAL_STATE)
        );
        let core = AsconXofCore::deserialize(&serialize_state(&XOF128_INITIAL_STATE)).unwrap();
        let mut via_state = [0u8; 40];
        let mut xof = AsconXof128::compose(core, Default::default());
        xof.update(b"layout");
        xof.finalize_xof().read(&mut via_state);
        let mut direct = [0u8; 40];
        ascon_xof128(b"layout", &mut direct);
        assert_eq!(via_state, direct);
    }

    #[test]
    fn customization_limit() {
        let mut out = [0u8; 16];
        assert!(ascon_cxof128(&[7; ASCON_CXOF128_MAX_CUSTOMIZATION], b"m", &mut out).is_ok());
        assert_eq!(
            ascon_cxof128(&[7; ASCON_CXOF128_MAX_CUSTOMIZATION + 1], b"m", &mut out),
            Err(Error::InvalidLength {
                what: "customization string",
                expected: 256,
                found: 257
            })
        );
    }
}

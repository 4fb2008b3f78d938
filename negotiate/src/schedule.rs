//! The key schedule (docs/anchor-protocol.md §5). Everything goes through the
//! negotiated KDF of the registry; the transcript hash is the KDF's own hash.
//!
//! ```text
//! Hash        = SHA-256 (hkdf-sha256) | SHA-384 (hkdf-sha384) | Ascon-Hash256 (ascon-kdf128); Hlen = 32 | 48 | 32
//! KDF(s,k,i,L)= agilis_suites::kdf::derive(kdf, salt = s, ikm = k, info = "agilis-anchor/v1 " ‖ i, L)
//! hs          = KDF(TH_k, ss, "handshake", Hlen)              TH_k: transcript through the KEM ciphertext
//! rck, ick    = KDF("", hs, "responder confirm" | "initiator confirm", Hlen)
//! MAC(k, th)  = KDF(k, th, "mac", Hlen)
//! i2r, r2i    = KDF(TH_f, hs, "initiator traffic" | "responder traffic", Hlen)   TH_f: full transcript
//! binding     = KDF(TH_f, hs, "session binding", 32)
//! key, iv     = KDF("", secret, "key" ‖ u16 aead | "iv" ‖ u16 aead, key_len | nonce_len)
//! next secret = KDF("", secret, "key update", Hlen)
//! switched    = KDF("", secret, "aead switch" ‖ u16 new_aead, Hlen)
//! ```

use agilis_suites::registry::{self, Sizes, codepoint as cp};
use agilis_suites::{SecretBytes, kdf};
use sha2::{Digest, Sha256, Sha384};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

const PREFIX: &[u8] = b"agilis-anchor/v1 ";

/// Hash output length of the KDF's transcript hash.
pub fn hash_len(kdf: u16) -> Result<usize> {
    match kdf {
        cp::HKDF_SHA256 | cp::ASCON_KDF128 => Ok(32),
        cp::HKDF_SHA384 => Ok(48),
        _ => Err(Error::Suites(agilis_suites::Error::Unsupported(
            "no transcript hash for this KDF",
        ))),
    }
}

/// The transcript hash of the concatenation of `parts`, under `kdf`'s hash.
pub fn transcript_hash(kdf: u16, parts: &[&[u8]]) -> Result<Vec<u8>> {
    Ok(match kdf {
        cp::HKDF_SHA256 => {
            let mut h = Sha256::new();
            parts.iter().for_each(|p| h.update(p));
            h.finalize().to_vec()
        }
        cp::HKDF_SHA384 => {
            let mut h = Sha384::new();
            parts.iter().for_each(|p| h.update(p));
            h.finalize().to_vec()
        }
        cp::ASCON_KDF128 => kdf::ascon_hash256(&parts.concat()).to_vec(),
        _ => {
            hash_len(kdf)?;
            unreachable!()
        }
    })
}

/// `KDF(salt, ikm, "agilis-anchor/v1 " ‖ label ‖ extra, len)`.
pub fn derive(
    kdf_cp: u16,
    salt: &[u8],
    ikm: &[u8],
    label: &str,
    extra: &[u8],
    len: usize,
) -> Result<SecretBytes> {
    let mut info = Vec::with_capacity(PREFIX.len() + label.len() + extra.len());
    info.extend_from_slice(PREFIX);
    info.extend_from_slice(label.as_bytes());
    info.extend_from_slice(extra);
    let mut out = Zeroizing::new(vec![0u8; len]);
    kdf::derive(kdf_cp, salt, ikm, &info, &mut out)?;
    Ok(SecretBytes::from_slice(&out))
}

/// `MAC(key, th)`.
pub fn mac(kdf_cp: u16, key: &SecretBytes, th: &[u8]) -> Result<Vec<u8>> {
    Ok(
        derive(kdf_cp, key.expose(), th, "mac", &[], hash_len(kdf_cp)?)?
            .expose()
            .to_vec(),
    )
}

/// Constant-time MAC check.
pub fn mac_ok(kdf_cp: u16, key: &SecretBytes, th: &[u8], tag: &[u8]) -> Result<bool> {
    let want = mac(kdf_cp, key, th)?;
    Ok(want.len() == tag.len() && bool::from(want.ct_eq(tag)))
}

/// AEAD key and nonce lengths from the registry.
pub fn aead_sizes(aead: u16) -> Result<(usize, usize)> {
    match registry::by_codepoint(aead)?.sizes {
        Sizes::Aead { key, nonce, .. } => Ok((key, nonce)),
        _ => Err(Error::Suites(agilis_suites::Error::WrongKind {
            expected: agilis_suites::Kind::Aead,
            found: registry::by_codepoint(aead)?.kind,
        })),
    }
}

/// The traffic key and IV of `secret` under `aead`.
pub fn traffic_key_iv(
    kdf_cp: u16,
    secret: &SecretBytes,
    aead: u16,
) -> Result<(SecretBytes, Vec<u8>)> {
    let (klen, nlen) = aead_sizes(aead)?;
    let key = derive(
        kdf_cp,
        &[],
        secret.expose(),
        "key",
        &aead.to_be_bytes(),
        klen,
    )?;
    let iv = derive(
        kdf_cp,
        &[],
        secret.expose(),
        "iv",
        &aead.to_be_bytes(),
        nlen,
    )?;
    Ok((key, iv.expose().to_vec()))
}

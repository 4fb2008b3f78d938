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
//! datagram    = KDF("", i2r | r2i, "datagram", Hlen)      epoch 0 of a datagram session
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

/// The labels of a handshake's last derivations: (initiator → responder
/// traffic, responder → initiator traffic, session binding).
pub type TrafficLabels = (&'static str, &'static str, &'static str);

/// The traffic secrets (initiator → responder, responder → initiator) and
/// the 32-byte session binding: `KDF(TH_f, hs, label, …)` for each label.
pub fn traffic_secrets(
    kdf_cp: u16,
    th_f: &[u8],
    hs: &SecretBytes,
    labels: TrafficLabels,
) -> Result<(SecretBytes, SecretBytes, [u8; 32])> {
    let hl = hash_len(kdf_cp)?;
    let i2r = derive(kdf_cp, th_f, hs.expose(), labels.0, &[], hl)?;
    let r2i = derive(kdf_cp, th_f, hs.expose(), labels.1, &[], hl)?;
    let b = derive(kdf_cp, th_f, hs.expose(), labels.2, &[], 32)?;
    let mut binding = [0u8; 32];
    binding.copy_from_slice(b.expose());
    Ok((i2r, r2i, binding))
}

/// The secret after a key update: `KDF("", secret, "key update", Hlen)`.
pub fn next_secret(kdf_cp: u16, secret: &SecretBytes) -> Result<SecretBytes> {
    derive(
        kdf_cp,
        &[],
        secret.expose(),
        "key update",
        &[],
        hash_len(kdf_cp)?,
    )
}

/// The secret for a switch to `aead`: `KDF("", secret, "aead switch" ‖ u16 aead, Hlen)`.
pub fn switch_secret(kdf_cp: u16, secret: &SecretBytes, aead: u16) -> Result<SecretBytes> {
    derive(
        kdf_cp,
        &[],
        secret.expose(),
        "aead switch",
        &aead.to_be_bytes(),
        hash_len(kdf_cp)?,
    )
}

/// The base secret of a datagram session: `KDF("", traffic secret, "datagram", Hlen)`.
pub fn datagram_secret(kdf_cp: u16, secret: &SecretBytes) -> Result<SecretBytes> {
    derive(
        kdf_cp,
        &[],
        secret.expose(),
        "datagram",
        &[],
        hash_len(kdf_cp)?,
    )
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

/// A running transcript hash: each byte goes in once, and [`RunningHash::peek`]
/// gives the hash of everything so far without hashing the prefix again.
/// Equal to [`transcript_hash`] of the same bytes; it exists because a
/// handshake takes up to seven hashes of a transcript of some 20 KB.
#[derive(Clone)]
pub struct RunningHash(Running);

#[derive(Clone)]
enum Running {
    Sha256(Sha256),
    Sha384(Sha384),
    /// Ascon-Hash256 has no incremental interface here: keep the bytes.
    Buffered(u16, Vec<u8>),
}

impl RunningHash {
    /// An empty transcript under `kdf`'s hash.
    pub fn new(kdf: u16) -> Result<RunningHash> {
        hash_len(kdf)?;
        Ok(RunningHash(match kdf {
            cp::HKDF_SHA256 => Running::Sha256(Sha256::new()),
            cp::HKDF_SHA384 => Running::Sha384(Sha384::new()),
            _ => Running::Buffered(kdf, Vec::new()),
        }))
    }

    /// Appends `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        match &mut self.0 {
            Running::Sha256(h) => h.update(bytes),
            Running::Sha384(h) => h.update(bytes),
            Running::Buffered(_, b) => b.extend_from_slice(bytes),
        }
    }

    /// The hash of everything appended so far.
    pub fn peek(&self) -> Result<Vec<u8>> {
        Ok(match &self.0 {
            Running::Sha256(h) => h.clone().finalize().to_vec(),
            Running::Sha384(h) => h.clone().finalize().to_vec(),
            Running::Buffered(kdf, b) => transcript_hash(*kdf, &[b])?,
        })
    }
}

#[cfg(test)]
mod running_hash_tests {
    use super::*;

    #[test]
    fn a_running_hash_equals_the_hash_of_the_whole_for_every_kdf() {
        let data: Vec<u8> = (0..5000u32).map(|i| (i * 13 % 251) as u8).collect();
        for kdf in [cp::HKDF_SHA256, cp::HKDF_SHA384, cp::ASCON_KDF128] {
            let mut r = RunningHash::new(kdf).unwrap();
            for (i, chunk) in data.chunks(777).enumerate() {
                r.update(chunk);
                let end = ((i + 1) * 777).min(data.len());
                assert_eq!(
                    r.peek().unwrap(),
                    transcript_hash(kdf, &[&data[..end]]).unwrap()
                );
            }
            let fork = r.clone();
            r.update(b"x");
            assert_ne!(r.peek().unwrap(), fork.peek().unwrap());
        }
        assert!(RunningHash::new(cp::AES_256_GCM).is_err());
    }
}

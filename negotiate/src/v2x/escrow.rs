//! The identity escrow (docs/handover-protocol.md §2.3): the vehicle's
//! identity, padded to a fixed length, sealed to the authority's hybrid KEM
//! key. Fresh KEM randomness per credential, so no two escrows share a byte
//! pattern; the AEAD's associated data binds the escrow to its credential.
//!
//! ```text
//! (ct, ss)  = Encaps(authority escrow key)
//! k         = KDF(ct, ss, "v2x escrow" ‖ u16 aead, key length)     nonce = 0…0 (k is used once)
//! plaintext = u8 len ‖ identity ‖ 0…0                         65 bytes
//! sealed    = AEAD(k, nonce, AD = credential binding, plaintext)
//! ```

use agilis_suites::aead::{AeadKey, TAG_LEN};
use agilis_suites::kem;
use zeroize::Zeroizing;

use super::MAX_IDENTITY_LEN;
use crate::error::{DecodeProblem, Error, Result};
use crate::messages::kem_sizes;
use crate::schedule::{aead_sizes, derive};
use crate::wire::{Reader, Writer, err};

/// Length of the padded identity.
pub const ESCROW_PLAINTEXT_LEN: usize = 1 + MAX_IDENTITY_LEN;

/// An identity sealed to the authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escrow {
    /// the authority's escrow KEM
    pub kem: u16,
    /// the AEAD sealing the identity
    pub aead: u16,
    /// the KDF deriving its key
    pub kdf: u16,
    /// KEM ciphertext
    pub ciphertext: Vec<u8>,
    /// sealed padded identity
    pub sealed: Vec<u8>,
}

fn key(kdf: u16, aead: u16, ciphertext: &[u8], ss: &[u8]) -> Result<AeadKey> {
    let (klen, _) = aead_sizes(aead)?;
    let k = derive(kdf, ciphertext, ss, "v2x escrow", &aead.to_be_bytes(), klen)?;
    Ok(AeadKey::new(aead, k.expose())?)
}

fn zero_nonce(aead: u16) -> Result<Vec<u8>> {
    Ok(vec![0u8; aead_sizes(aead)?.1])
}

impl Escrow {
    /// Seals `identity` (1–[`MAX_IDENTITY_LEN`] bytes) to (`kem`, `public_key`), bound to `binding`.
    pub(crate) fn seal(
        kem_alg: u16,
        public_key: &[u8],
        aead: u16,
        kdf: u16,
        binding: &[u8],
        identity: &[u8],
    ) -> Result<Escrow> {
        if identity.is_empty() || identity.len() > MAX_IDENTITY_LEN {
            return Err(Error::Config(format!(
                "a vehicle identity is 1–{MAX_IDENTITY_LEN} bytes (found {})",
                identity.len()
            )));
        }
        let enc = kem::scheme(kem_alg)?.encaps(public_key)?;
        let mut padded = Zeroizing::new(vec![0u8; ESCROW_PLAINTEXT_LEN]);
        padded[0] = identity.len() as u8;
        padded[1..1 + identity.len()].copy_from_slice(identity);
        let k = key(kdf, aead, &enc.ciphertext, enc.shared_secret.expose())?;
        let sealed = k.seal(&zero_nonce(aead)?, binding, &padded)?;
        Ok(Escrow {
            kem: kem_alg,
            aead,
            kdf,
            ciphertext: enc.ciphertext,
            sealed,
        })
    }

    /// Opens the escrow with the authority's KEM secret.
    pub(crate) fn open(&self, kem_secret: &[u8], binding: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let ss = kem::scheme(self.kem)?.decaps(kem_secret, &self.ciphertext)?;
        let k = key(self.kdf, self.aead, &self.ciphertext, ss.expose())?;
        let padded = Zeroizing::new(
            k.open(&zero_nonce(self.aead)?, binding, &self.sealed)
                .map_err(|_| Error::EscrowUndecryptable)?,
        );
        let len = padded[0] as usize;
        if len == 0 || len > MAX_IDENTITY_LEN || padded[1 + len..].iter().any(|b| *b != 0) {
            return Err(Error::EscrowUndecryptable);
        }
        Ok(Zeroizing::new(padded[1..1 + len].to_vec()))
    }

    /// `u16 kem ‖ u16 aead ‖ u16 kdf ‖ lp16 ciphertext ‖ lp16 sealed`.
    pub(crate) fn write(&self, w: &mut Writer) {
        w.u16(self.kem);
        w.u16(self.aead);
        w.u16(self.kdf);
        w.lp16(&self.ciphertext);
        w.lp16(&self.sealed);
    }

    /// Strict reading: exact ciphertext and sealed lengths.
    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Escrow> {
        let kem = r.u16("escrow KEM")?;
        let (_, ct_len) = kem_sizes(kem, "escrow KEM")?;
        let aead = r.u16("escrow AEAD")?;
        aead_sizes(aead).map_err(|_| err("escrow AEAD", DecodeProblem::Invalid))?;
        let kdf = r.u16("escrow KDF")?;
        crate::schedule::hash_len(kdf).map_err(|_| err("escrow KDF", DecodeProblem::Invalid))?;
        let ciphertext = r.lp16(ct_len, "escrow ciphertext")?;
        if ciphertext.len() != ct_len {
            return Err(err("escrow ciphertext", DecodeProblem::Invalid));
        }
        let sealed_len = ESCROW_PLAINTEXT_LEN + TAG_LEN;
        let sealed = r.lp16(sealed_len, "escrow sealed identity")?;
        if sealed.len() != sealed_len {
            return Err(err("escrow sealed identity", DecodeProblem::Invalid));
        }
        Ok(Escrow {
            kem,
            aead,
            kdf,
            ciphertext: ciphertext.to_vec(),
            sealed: sealed.to_vec(),
        })
    }
}

//! Official known answers that [`Card::selftest`](super::Card::selftest)
//! runs through every lane: a handful of entries, copied as constants from
//! their published sources (named in each entry), covering an empty and a
//! multi-block message and associated data.
//!
//! `tests` below checks each entry against the software AEADs of
//! `agilis-suites`; `verilator-tests/tests/card_selftest.rs` checks that the
//! Ascon entries appear verbatim in the NIST LWC KAT file.

use super::KeyAlg;

/// Where a known answer was published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnownAnswerSource {
    /// NIST LWC `asconaead128_LWC_AEAD_KAT_128_128.txt`, record `Count = count`.
    AsconLwcKat {
        /// the record's `Count`
        count: u32,
    },
    /// McGrew and Viega, "The Galois/Counter Mode of Operation (GCM)",
    /// revised 2005, appendix B, test case `case` (13..18 are AES-256).
    GcmSpec {
        /// the test case number
        case: u32,
    },
}

impl std::fmt::Display for KnownAnswerSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KnownAnswerSource::AsconLwcKat { count } => {
                write!(f, "Ascon LWC KAT count {count}")
            }
            KnownAnswerSource::GcmSpec { case } => write!(f, "GCM spec test case {case}"),
        }
    }
}

/// One known answer, fields as hex (uppercase for the LWC file's entries,
/// so they can be compared with it as text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownAnswer {
    /// the algorithm (and so the lanes it runs on)
    pub alg: KeyAlg,
    /// where it was published
    pub source: KnownAnswerSource,
    /// key
    pub key: &'static str,
    /// nonce (GCM: the 12-byte IV)
    pub nonce: &'static str,
    /// associated data
    pub ad: &'static str,
    /// plaintext
    pub pt: &'static str,
    /// ciphertext ‖ 16-byte tag
    pub ct: &'static str,
}

/// The known answers, Ascon first.
pub const KNOWN_ANSWERS: &[KnownAnswer] = &[
    // Ascon-AEAD128: empty message and AD; 1-byte message with a whole
    // block of AD; 17-byte message (two blocks) without AD; two blocks of each.
    KnownAnswer {
        alg: KeyAlg::AsconAead128,
        source: KnownAnswerSource::AsconLwcKat { count: 1 },
        key: "000102030405060708090A0B0C0D0E0F",
        nonce: "101112131415161718191A1B1C1D1E1F",
        ad: "",
        pt: "",
        ct: "4F9C278211BEC9316BF68F46EE8B2EC6",
    },
    KnownAnswer {
        alg: KeyAlg::AsconAead128,
        source: KnownAnswerSource::AsconLwcKat { count: 50 },
        key: "000102030405060708090A0B0C0D0E0F",
        nonce: "101112131415161718191A1B1C1D1E1F",
        ad: "303132333435363738393A3B3C3D3E3F",
        pt: "20",
        ct: "638BBACE2C82A050832E46B3224A9552A0",
    },
    KnownAnswer {
        alg: KeyAlg::AsconAead128,
        source: KnownAnswerSource::AsconLwcKat { count: 562 },
        key: "000102030405060708090A0B0C0D0E0F",
        nonce: "101112131415161718191A1B1C1D1E1F",
        ad: "",
        pt: "202122232425262728292A2B2C2D2E2F30",
        ct: "E8C3DEEE246CC5EAE3E872313897A2BB60301002539D456275DD0B0CEAB3B23844",
    },
    KnownAnswer {
        alg: KeyAlg::AsconAead128,
        source: KnownAnswerSource::AsconLwcKat { count: 1089 },
        key: "000102030405060708090A0B0C0D0E0F",
        nonce: "101112131415161718191A1B1C1D1E1F",
        ad: "303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F",
        pt: "202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F",
        ct: "CB34D04660A66DBFBE9C856601F5B8AA51A499B55AC8F7FBEFBC331A613EE9CD\
             FD191750A47F211C0A15ED28173D7CAA",
    },
    // AES-256-GCM: empty message and AD; one zero block; four blocks
    // without AD; 60 bytes (a partial last block) with 20 bytes of AD.
    KnownAnswer {
        alg: KeyAlg::Aes256Gcm,
        source: KnownAnswerSource::GcmSpec { case: 13 },
        key: "0000000000000000000000000000000000000000000000000000000000000000",
        nonce: "000000000000000000000000",
        ad: "",
        pt: "",
        ct: "530f8afbc74536b9a963b4f1c4cb738b",
    },
    KnownAnswer {
        alg: KeyAlg::Aes256Gcm,
        source: KnownAnswerSource::GcmSpec { case: 14 },
        key: "0000000000000000000000000000000000000000000000000000000000000000",
        nonce: "000000000000000000000000",
        ad: "",
        pt: "00000000000000000000000000000000",
        ct: "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919",
    },
    KnownAnswer {
        alg: KeyAlg::Aes256Gcm,
        source: KnownAnswerSource::GcmSpec { case: 15 },
        key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
        nonce: "cafebabefacedbaddecaf888",
        ad: "",
        pt: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
             1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
        ct: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa\
             8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad\
             b094dac5d93471bdec1a502270e3cc6c",
    },
    KnownAnswer {
        alg: KeyAlg::Aes256Gcm,
        source: KnownAnswerSource::GcmSpec { case: 16 },
        key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
        nonce: "cafebabefacedbaddecaf888",
        ad: "feedfacedeadbeeffeedfacedeadbeefabaddad2",
        pt: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
             1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        ct: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa\
             8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662\
             76fc6ece0f4e1768cddf8853bb2d551b",
    },
];

/// A known answer's fields as bytes.
pub(super) struct KnownAnswerBytes {
    pub key: Vec<u8>,
    pub nonce: [u8; 16],
    pub ad: Vec<u8>,
    pub pt: Vec<u8>,
    /// ciphertext ‖ tag
    pub ct: Vec<u8>,
}

impl KnownAnswer {
    /// The fields as bytes; the nonce zero-padded to the card's 16 bytes.
    /// `None` only if an entry above were malformed (the tests rule it out).
    pub(super) fn bytes(&self) -> Option<KnownAnswerBytes> {
        let nonce_bytes = hex::decode(self.nonce).ok()?;
        let mut nonce = [0u8; 16];
        nonce
            .get_mut(..nonce_bytes.len())?
            .copy_from_slice(&nonce_bytes);
        Some(KnownAnswerBytes {
            key: hex::decode(self.key).ok()?,
            nonce,
            ad: hex::decode(self.ad).ok()?,
            pt: hex::decode(self.pt).ok()?,
            ct: hex::decode(self.ct).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agilis_suites::aead::AeadKey;
    use agilis_suites::registry::codepoint as cp;

    #[test]
    fn every_known_answer_is_the_software_answer() {
        for kat in KNOWN_ANSWERS {
            let b = kat
                .bytes()
                .unwrap_or_else(|| panic!("{}: bad hex", kat.source));
            assert_eq!(b.key.len(), kat.alg.key_len(), "{}", kat.source);
            assert_eq!(kat.nonce.len() / 2, kat.alg.nonce_len(), "{}", kat.source);
            let aead = match kat.alg {
                KeyAlg::AsconAead128 => cp::ASCON_AEAD128,
                KeyAlg::Aes256Gcm => cp::AES_256_GCM,
            };
            let key = AeadKey::new(aead, &b.key).unwrap();
            let nonce = &b.nonce[..kat.alg.nonce_len()];
            let sealed = key.seal(nonce, &b.ad, &b.pt).unwrap();
            assert_eq!(
                hex::encode(&sealed),
                kat.ct.to_lowercase(),
                "{}",
                kat.source
            );
            assert_eq!(
                key.open(nonce, &b.ad, &b.ct).unwrap(),
                b.pt,
                "{}",
                kat.source
            );
            let mut tampered = b.ct.clone();
            let last = tampered.len() - 1;
            tampered[last] ^= 1;
            assert!(key.open(nonce, &b.ad, &tampered).is_err(), "{}", kat.source);
        }
    }

    #[test]
    fn both_algorithms_cover_empty_and_multi_block_inputs() {
        for alg in [KeyAlg::AsconAead128, KeyAlg::Aes256Gcm] {
            let kats: Vec<_> = KNOWN_ANSWERS.iter().filter(|k| k.alg == alg).collect();
            assert!((2..=4).contains(&kats.len()), "{alg:?}");
            assert!(kats.iter().any(|k| k.pt.is_empty() && k.ad.is_empty()));
            assert!(
                kats.iter().any(|k| k.pt.len() / 2 > 16),
                "{alg:?}: multi-block message"
            );
            assert!(
                kats.iter().any(|k| k.ad.len() / 2 > 16),
                "{alg:?}: multi-block AD"
            );
        }
    }
}

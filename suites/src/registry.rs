//! The registry: one static table describing every algorithm, and
//! [`Registry`], the run-time view of it after withdrawals.
//!
//! Code points are grouped by kind (`0x01xx` KEM, `0x11xx` hybrid KEM,
//! `0x02xx` signature, `0x12xx` composite signature, `0x03xx` AEAD, `0x04xx`
//! KDF). They are stable: they go on the wire and into the hybrid combiners'
//! domain separation, so an entry's code point never changes meaning.

use core::fmt;

use crate::{Error, Result};

/// What an algorithm does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// key encapsulation mechanism
    Kem,
    /// digital signature
    Signature,
    /// authenticated encryption with associated data
    Aead,
    /// key derivation function
    Kdf,
}

impl Kind {
    /// All kinds, in display order.
    pub const ALL: [Kind; 4] = [Kind::Kem, Kind::Signature, Kind::Aead, Kind::Kdf];

    /// Lower-case name as used by the CLI and JSON output.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Kem => "kem",
            Kind::Signature => "signature",
            Kind::Aead => "aead",
            Kind::Kdf => "kdf",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The hardness assumption (or design) an algorithm rests on. Two algorithms
/// of different families do not fall to the same attack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// Module-LWE / Module-SIS lattices (ML-KEM, ML-DSA).
    ModuleLattice,
    /// NTRU lattices (Falcon).
    NtruLattice,
    /// Error-correcting codes (HQC).
    CodeBased,
    /// Hash functions only (SLH-DSA, HKDF).
    HashBased,
    /// Elliptic-curve discrete logarithm (X25519, Ed25519); not post-quantum.
    EllipticCurve,
    /// Sponge permutations (Ascon).
    Sponge,
    /// Block ciphers (AES).
    BlockCipher,
    /// Add-rotate-xor stream ciphers (ChaCha20).
    Arx,
}

impl Family {
    /// All families.
    pub const ALL: [Family; 8] = [
        Family::ModuleLattice,
        Family::NtruLattice,
        Family::CodeBased,
        Family::HashBased,
        Family::EllipticCurve,
        Family::Sponge,
        Family::BlockCipher,
        Family::Arx,
    ];

    /// Lower-case, hyphenated name (`module-lattice`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Family::ModuleLattice => "module-lattice",
            Family::NtruLattice => "ntru-lattice",
            Family::CodeBased => "code-based",
            Family::HashBased => "hash-based",
            Family::EllipticCurve => "elliptic-curve",
            Family::Sponge => "sponge",
            Family::BlockCipher => "block-cipher",
            Family::Arx => "arx",
        }
    }

    /// Parses a family name (case-insensitive; `_` and `-` are equivalent).
    pub fn from_name(name: &str) -> Option<Family> {
        Family::ALL
            .into_iter()
            .find(|f| names_match(f.as_str(), name))
    }

    const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Byte sizes of an algorithm's inputs and outputs. For hybrids they are the
/// sizes of the combined encodings (see docs/registry.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sizes {
    /// KEM sizes.
    Kem {
        /// encapsulation (public) key
        public_key: usize,
        /// decapsulation (secret) key as agilis stores it
        secret_key: usize,
        /// ciphertext
        ciphertext: usize,
        /// shared secret
        shared_secret: usize,
    },
    /// Signature sizes.
    Signature {
        /// verifying (public) key
        public_key: usize,
        /// signing (secret) key as agilis stores it
        secret_key: usize,
        /// largest signature (Falcon's and composites with Falcon vary below it)
        signature: usize,
    },
    /// AEAD sizes.
    Aead {
        /// key
        key: usize,
        /// nonce
        nonce: usize,
        /// authentication tag, appended to the ciphertext
        tag: usize,
    },
    /// KDF sizes.
    Kdf {
        /// longest output one derivation can produce
        max_output: usize,
    },
}

/// One registered algorithm.
#[derive(Debug, PartialEq, Eq)]
pub struct Algorithm {
    /// Stable name (`ml-kem-768`, `x-wing`, `aes-256-gcm`, ...).
    pub name: &'static str,
    /// Stable 16-bit code point, used on the wire and for domain separation.
    pub codepoint: u16,
    /// What it does.
    pub kind: Kind,
    /// The families it rests on: one for a primitive, one per component for a hybrid.
    pub families: &'static [Family],
    /// Code points of the components, for hybrids; empty for primitives.
    pub components: &'static [u16],
    /// NIST security category 1..=5. Classical algorithms carry the category
    /// of their classical strength and `post_quantum: false`. A hybrid has
    /// the highest category of its components, since it holds while either does.
    pub category: u8,
    /// Whether it resists a quantum adversary (for a hybrid: whether any component does).
    pub post_quantum: bool,
    /// Sizes in bytes.
    pub sizes: Sizes,
    /// The standard it follows and the implementation behind it.
    pub implementation: &'static str,
}

impl Algorithm {
    /// True for hybrid KEMs and composite signatures.
    pub fn is_hybrid(&self) -> bool {
        !self.components.is_empty()
    }

    /// The component descriptors of a hybrid, in combiner order (empty for a primitive).
    pub fn component_algorithms(&self) -> impl Iterator<Item = &'static Algorithm> + '_ {
        self.components
            .iter()
            .filter_map(|&cp| by_codepoint(cp).ok())
    }

    /// Whether the families of this algorithm are pairwise distinct and at least two.
    pub fn spans_two_families(&self) -> bool {
        let set = FamilySet::of(self.families);
        self.families.len() >= 2 && set.len() == self.families.len()
    }

    /// Returns `self` if it is of `kind`, an error naming both kinds otherwise.
    pub fn expect_kind(&'static self, kind: Kind) -> Result<&'static Algorithm> {
        if self.kind == kind {
            Ok(self)
        } else {
            Err(Error::WrongKind {
                expected: kind,
                found: self.kind,
            })
        }
    }
}

/// A set of families, as a bit mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FamilySet(u16);

impl FamilySet {
    /// The set of the given families.
    pub fn of(families: &[Family]) -> Self {
        FamilySet(families.iter().fold(0, |m, f| m | f.bit()))
    }
    /// Adds a family.
    pub fn insert(&mut self, f: Family) {
        self.0 |= f.bit();
    }
    /// Whether it holds `f`.
    pub fn contains(self, f: Family) -> bool {
        self.0 & f.bit() != 0
    }
    /// Whether it shares a family with `other`.
    pub fn intersects(self, other: FamilySet) -> bool {
        self.0 & other.0 != 0
    }
    /// Number of families.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }
    /// True when empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The families in it, in [`Family::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Family> {
        Family::ALL.into_iter().filter(move |f| self.contains(*f))
    }
}

/// The stable code points, by name. Implementations map these to code.
#[allow(missing_docs)]
pub mod codepoint {
    pub const ML_KEM_512: u16 = 0x0101;
    pub const ML_KEM_768: u16 = 0x0102;
    pub const ML_KEM_1024: u16 = 0x0103;
    pub const X25519: u16 = 0x0110;
    pub const HQC_128: u16 = 0x0120;
    pub const HQC_192: u16 = 0x0121;
    pub const HQC_256: u16 = 0x0122;

    pub const X_WING: u16 = 0x1101;
    pub const ML_KEM_1024_X25519: u16 = 0x1102;
    pub const ML_KEM_1024_HQC_256: u16 = 0x1103;
    pub const ML_KEM_512_X25519: u16 = 0x1104;
    pub const HQC_256_X25519: u16 = 0x1105;

    pub const ML_DSA_44: u16 = 0x0201;
    pub const ML_DSA_65: u16 = 0x0202;
    pub const ML_DSA_87: u16 = 0x0203;
    pub const FALCON_512: u16 = 0x0210;
    pub const FALCON_1024: u16 = 0x0211;
    pub const ED25519: u16 = 0x0220;
    pub const SLH_DSA_SHAKE_128F: u16 = 0x0230;
    pub const SLH_DSA_SHAKE_256F: u16 = 0x0231;

    pub const ML_DSA_65_ED25519: u16 = 0x1201;
    pub const ML_DSA_87_SLH_DSA_SHAKE_256F: u16 = 0x1202;
    pub const FALCON_512_ED25519: u16 = 0x1203;
    pub const ML_DSA_44_ED25519: u16 = 0x1204;
    pub const SLH_DSA_SHAKE_256F_ED25519: u16 = 0x1205;

    pub const ASCON_AEAD128: u16 = 0x0301;
    pub const AES_256_GCM: u16 = 0x0302;
    pub const CHACHA20_POLY1305: u16 = 0x0303;

    pub const HKDF_SHA256: u16 = 0x0401;
    pub const HKDF_SHA384: u16 = 0x0402;
    pub const ASCON_KDF128: u16 = 0x0403;
}

use Family::*;
use codepoint as cp;

const fn kem(
    public_key: usize,
    secret_key: usize,
    ciphertext: usize,
    shared_secret: usize,
) -> Sizes {
    Sizes::Kem {
        public_key,
        secret_key,
        ciphertext,
        shared_secret,
    }
}
const fn sig(public_key: usize, secret_key: usize, signature: usize) -> Sizes {
    Sizes::Signature {
        public_key,
        secret_key,
        signature,
    }
}
/// Generic KEM combiner layout: pk = pk1‖pk2, sk = sk1‖sk2‖pk1‖pk2, ct = ct1‖ct2, ss = 32.
const fn hybrid_kem(a: Sizes, b: Sizes) -> Sizes {
    match (a, b) {
        (
            Sizes::Kem {
                public_key: p1,
                secret_key: s1,
                ciphertext: c1,
                ..
            },
            Sizes::Kem {
                public_key: p2,
                secret_key: s2,
                ciphertext: c2,
                ..
            },
        ) => kem(p1 + p2, s1 + s2 + p1 + p2, c1 + c2, 32),
        _ => panic!("hybrid_kem takes two KEM size sets"),
    }
}
/// Composite signature layout: pk = pk1‖pk2, sk = sk1‖sk2, sig = u16(len sig1)‖sig1‖sig2.
const fn composite_sig(a: Sizes, b: Sizes) -> Sizes {
    match (a, b) {
        (
            Sizes::Signature {
                public_key: p1,
                secret_key: s1,
                signature: g1,
            },
            Sizes::Signature {
                public_key: p2,
                secret_key: s2,
                signature: g2,
            },
        ) => sig(p1 + p2, s1 + s2, 2 + g1 + g2),
        _ => panic!("composite_sig takes two signature size sets"),
    }
}

/// Ascon-KDF128's output limit, 2^16 bytes. On a 16-bit target (AVR) no slice
/// can be that long, so the limit is `usize::MAX` there, which is the same bound.
const ASCON_KDF128_MAX_OUTPUT: usize = match 1usize.checked_shl(16) {
    Some(n) => n,
    None => usize::MAX,
};
const ML_KEM_512_SIZES: Sizes = kem(800, 64, 768, 32);
const ML_KEM_768_SIZES: Sizes = kem(1184, 64, 1088, 32);
const ML_KEM_1024_SIZES: Sizes = kem(1568, 64, 1568, 32);
const X25519_SIZES: Sizes = kem(32, 32, 32, 32);
const HQC_128_SIZES: Sizes = kem(2249, 2305, 4433, 64);
const HQC_192_SIZES: Sizes = kem(4522, 4586, 8978, 64);
const HQC_256_SIZES: Sizes = kem(7245, 7317, 14421, 64);

const ML_DSA_44_SIZES: Sizes = sig(1312, 2560, 2420);
const ML_DSA_65_SIZES: Sizes = sig(1952, 4032, 3309);
const ML_DSA_87_SIZES: Sizes = sig(2592, 4896, 4627);
const FALCON_512_SIZES: Sizes = sig(897, 1281, 752);
const FALCON_1024_SIZES: Sizes = sig(1793, 2305, 1462);
const ED25519_SIZES: Sizes = sig(32, 32, 64);
const SLH_DSA_SHAKE_128F_SIZES: Sizes = sig(32, 64, 17088);
const SLH_DSA_SHAKE_256F_SIZES: Sizes = sig(64, 128, 49856);

const ML_KEM: &str = "FIPS 203 ML-KEM; libcrux-ml-kem (formally verified, AVX2 chosen at run time), secret key stored as the 64-byte seed (d, z)";
const HQC: &str = "HQC (code-based, NIST-selected 2025); pqcrypto-hqc (PQClean C)";
const ML_DSA: &str = "FIPS 204 ML-DSA (pure, empty context); pqcrypto-mldsa (PQClean C): AVX2 key generation and signing; verification by aws-lc (std, feature aws-lc), else PQClean's portable code (the AVX2 verifier of 0.1.2 lacks the z bound check)";
const FALCON: &str = "Falcon (NTRU lattice, FN-DSA candidate); pqcrypto-falcon (PQClean C)";
const SLH_DSA: &str = "FIPS 205 SLH-DSA, SHAKE, fast variant; RustCrypto slh-dsa";
const KEM_COMBINER: &str = "agilis generic KEM combiner v1: SHA3-256 over both secrets, ciphertexts and public keys, domain-separated by code point";
const COMPOSITE: &str = "agilis composite signature v1: both components sign a message prefixed with the composite's code point; both must verify";

/// Every registered algorithm, primitives first, then hybrids.
pub static ALGORITHMS: &[Algorithm] = &[
    // ---- KEMs
    Algorithm {
        name: "ml-kem-512",
        codepoint: cp::ML_KEM_512,
        kind: Kind::Kem,
        families: &[ModuleLattice],
        components: &[],
        category: 1,
        post_quantum: true,
        sizes: ML_KEM_512_SIZES,
        implementation: ML_KEM,
    },
    Algorithm {
        name: "ml-kem-768",
        codepoint: cp::ML_KEM_768,
        kind: Kind::Kem,
        families: &[ModuleLattice],
        components: &[],
        category: 3,
        post_quantum: true,
        sizes: ML_KEM_768_SIZES,
        implementation: ML_KEM,
    },
    Algorithm {
        name: "ml-kem-1024",
        codepoint: cp::ML_KEM_1024,
        kind: Kind::Kem,
        families: &[ModuleLattice],
        components: &[],
        category: 5,
        post_quantum: true,
        sizes: ML_KEM_1024_SIZES,
        implementation: ML_KEM,
    },
    Algorithm {
        name: "x25519",
        codepoint: cp::X25519,
        kind: Kind::Kem,
        families: &[EllipticCurve],
        components: &[],
        category: 1,
        post_quantum: false,
        sizes: X25519_SIZES,
        implementation: "RFC 7748 X25519 as an ephemeral-static KEM (ct = ephemeral public key, ss = DH output, all-zero output rejected); aws-lc (std, feature aws-lc), x25519-dalek otherwise",
    },
    Algorithm {
        name: "hqc-128",
        codepoint: cp::HQC_128,
        kind: Kind::Kem,
        families: &[CodeBased],
        components: &[],
        category: 1,
        post_quantum: true,
        sizes: HQC_128_SIZES,
        implementation: HQC,
    },
    Algorithm {
        name: "hqc-192",
        codepoint: cp::HQC_192,
        kind: Kind::Kem,
        families: &[CodeBased],
        components: &[],
        category: 3,
        post_quantum: true,
        sizes: HQC_192_SIZES,
        implementation: HQC,
    },
    Algorithm {
        name: "hqc-256",
        codepoint: cp::HQC_256,
        kind: Kind::Kem,
        families: &[CodeBased],
        components: &[],
        category: 5,
        post_quantum: true,
        sizes: HQC_256_SIZES,
        implementation: HQC,
    },
    // ---- signatures
    Algorithm {
        name: "ml-dsa-44",
        codepoint: cp::ML_DSA_44,
        kind: Kind::Signature,
        families: &[ModuleLattice],
        components: &[],
        category: 2,
        post_quantum: true,
        sizes: ML_DSA_44_SIZES,
        implementation: ML_DSA,
    },
    Algorithm {
        name: "ml-dsa-65",
        codepoint: cp::ML_DSA_65,
        kind: Kind::Signature,
        families: &[ModuleLattice],
        components: &[],
        category: 3,
        post_quantum: true,
        sizes: ML_DSA_65_SIZES,
        implementation: ML_DSA,
    },
    Algorithm {
        name: "ml-dsa-87",
        codepoint: cp::ML_DSA_87,
        kind: Kind::Signature,
        families: &[ModuleLattice],
        components: &[],
        category: 5,
        post_quantum: true,
        sizes: ML_DSA_87_SIZES,
        implementation: ML_DSA,
    },
    Algorithm {
        name: "falcon-512",
        codepoint: cp::FALCON_512,
        kind: Kind::Signature,
        families: &[NtruLattice],
        components: &[],
        category: 1,
        post_quantum: true,
        sizes: FALCON_512_SIZES,
        implementation: FALCON,
    },
    Algorithm {
        name: "falcon-1024",
        codepoint: cp::FALCON_1024,
        kind: Kind::Signature,
        families: &[NtruLattice],
        components: &[],
        category: 5,
        post_quantum: true,
        sizes: FALCON_1024_SIZES,
        implementation: FALCON,
    },
    Algorithm {
        name: "ed25519",
        codepoint: cp::ED25519,
        kind: Kind::Signature,
        families: &[EllipticCurve],
        components: &[],
        category: 1,
        post_quantum: false,
        sizes: ED25519_SIZES,
        implementation: "RFC 8032 Ed25519 (strict verification); ed25519-dalek, signing by aws-lc (std, feature aws-lc)",
    },
    Algorithm {
        name: "slh-dsa-shake-128f",
        codepoint: cp::SLH_DSA_SHAKE_128F,
        kind: Kind::Signature,
        families: &[HashBased],
        components: &[],
        category: 1,
        post_quantum: true,
        sizes: SLH_DSA_SHAKE_128F_SIZES,
        implementation: SLH_DSA,
    },
    Algorithm {
        name: "slh-dsa-shake-256f",
        codepoint: cp::SLH_DSA_SHAKE_256F,
        kind: Kind::Signature,
        families: &[HashBased],
        components: &[],
        category: 5,
        post_quantum: true,
        sizes: SLH_DSA_SHAKE_256F_SIZES,
        implementation: SLH_DSA,
    },
    // ---- AEADs
    Algorithm {
        name: "ascon-aead128",
        codepoint: cp::ASCON_AEAD128,
        kind: Kind::Aead,
        families: &[Sponge],
        components: &[],
        category: 1,
        post_quantum: true,
        sizes: Sizes::Aead {
            key: 16,
            nonce: 16,
            tag: 16,
        },
        implementation: "NIST SP 800-232 Ascon-AEAD128; RustCrypto ascon-aead",
    },
    Algorithm {
        name: "aes-256-gcm",
        codepoint: cp::AES_256_GCM,
        kind: Kind::Aead,
        families: &[BlockCipher],
        components: &[],
        category: 5,
        post_quantum: true,
        sizes: Sizes::Aead {
            key: 32,
            nonce: 12,
            tag: 16,
        },
        implementation: "NIST SP 800-38D AES-256-GCM, 96-bit nonce; aws-lc-rs (std), RustCrypto aes-gcm (no_std)",
    },
    Algorithm {
        name: "chacha20-poly1305",
        codepoint: cp::CHACHA20_POLY1305,
        kind: Kind::Aead,
        families: &[Arx],
        components: &[],
        category: 5,
        post_quantum: true,
        sizes: Sizes::Aead {
            key: 32,
            nonce: 12,
            tag: 16,
        },
        implementation: "RFC 8439 ChaCha20-Poly1305; aws-lc-rs (std), RustCrypto chacha20poly1305 (no_std)",
    },
    // ---- KDFs
    Algorithm {
        name: "hkdf-sha256",
        codepoint: cp::HKDF_SHA256,
        kind: Kind::Kdf,
        families: &[HashBased],
        components: &[],
        category: 2,
        post_quantum: true,
        sizes: Sizes::Kdf {
            max_output: 255 * 32,
        },
        implementation: "RFC 5869 HKDF with SHA-256; RustCrypto hkdf + sha2",
    },
    Algorithm {
        name: "hkdf-sha384",
        codepoint: cp::HKDF_SHA384,
        kind: Kind::Kdf,
        families: &[HashBased],
        components: &[],
        category: 4,
        post_quantum: true,
        sizes: Sizes::Kdf {
            max_output: 255 * 48,
        },
        implementation: "RFC 5869 HKDF with SHA-384; RustCrypto hkdf + sha2",
    },
    Algorithm {
        name: "ascon-kdf128",
        codepoint: cp::ASCON_KDF128,
        kind: Kind::Kdf,
        families: &[Sponge],
        components: &[],
        category: 1,
        post_quantum: true,
        sizes: Sizes::Kdf {
            max_output: ASCON_KDF128_MAX_OUTPUT,
        },
        implementation: "agilis Ascon KDF: Ascon-CXOF128 (SP 800-232) with a fixed customization string over length-prefixed salt, ikm and info; RustCrypto ascon-hash",
    },
    // ---- hybrid KEMs
    Algorithm {
        name: "x-wing",
        codepoint: cp::X_WING,
        kind: Kind::Kem,
        families: &[ModuleLattice, EllipticCurve],
        components: &[cp::ML_KEM_768, cp::X25519],
        category: 3,
        post_quantum: true,
        sizes: kem(1216, 32, 1120, 32),
        implementation: "X-Wing (draft-connolly-cfrg-xwing-kem): ML-KEM-768 + X25519, SHA3-256 combiner; agilis",
    },
    Algorithm {
        name: "ml-kem-1024+x25519",
        codepoint: cp::ML_KEM_1024_X25519,
        kind: Kind::Kem,
        families: &[ModuleLattice, EllipticCurve],
        components: &[cp::ML_KEM_1024, cp::X25519],
        category: 5,
        post_quantum: true,
        sizes: hybrid_kem(ML_KEM_1024_SIZES, X25519_SIZES),
        implementation: KEM_COMBINER,
    },
    Algorithm {
        name: "ml-kem-1024+hqc-256",
        codepoint: cp::ML_KEM_1024_HQC_256,
        kind: Kind::Kem,
        families: &[ModuleLattice, CodeBased],
        components: &[cp::ML_KEM_1024, cp::HQC_256],
        category: 5,
        post_quantum: true,
        sizes: hybrid_kem(ML_KEM_1024_SIZES, HQC_256_SIZES),
        implementation: KEM_COMBINER,
    },
    Algorithm {
        name: "ml-kem-512+x25519",
        codepoint: cp::ML_KEM_512_X25519,
        kind: Kind::Kem,
        families: &[ModuleLattice, EllipticCurve],
        components: &[cp::ML_KEM_512, cp::X25519],
        category: 1,
        post_quantum: true,
        sizes: hybrid_kem(ML_KEM_512_SIZES, X25519_SIZES),
        implementation: KEM_COMBINER,
    },
    Algorithm {
        name: "hqc-256+x25519",
        codepoint: cp::HQC_256_X25519,
        kind: Kind::Kem,
        families: &[CodeBased, EllipticCurve],
        components: &[cp::HQC_256, cp::X25519],
        category: 5,
        post_quantum: true,
        sizes: hybrid_kem(HQC_256_SIZES, X25519_SIZES),
        implementation: KEM_COMBINER,
    },
    // ---- composite signatures
    Algorithm {
        name: "ml-dsa-65+ed25519",
        codepoint: cp::ML_DSA_65_ED25519,
        kind: Kind::Signature,
        families: &[ModuleLattice, EllipticCurve],
        components: &[cp::ML_DSA_65, cp::ED25519],
        category: 3,
        post_quantum: true,
        sizes: composite_sig(ML_DSA_65_SIZES, ED25519_SIZES),
        implementation: COMPOSITE,
    },
    Algorithm {
        name: "ml-dsa-87+slh-dsa-shake-256f",
        codepoint: cp::ML_DSA_87_SLH_DSA_SHAKE_256F,
        kind: Kind::Signature,
        families: &[ModuleLattice, HashBased],
        components: &[cp::ML_DSA_87, cp::SLH_DSA_SHAKE_256F],
        category: 5,
        post_quantum: true,
        sizes: composite_sig(ML_DSA_87_SIZES, SLH_DSA_SHAKE_256F_SIZES),
        implementation: COMPOSITE,
    },
    Algorithm {
        name: "falcon-512+ed25519",
        codepoint: cp::FALCON_512_ED25519,
        kind: Kind::Signature,
        families: &[NtruLattice, EllipticCurve],
        components: &[cp::FALCON_512, cp::ED25519],
        category: 1,
        post_quantum: true,
        sizes: composite_sig(FALCON_512_SIZES, ED25519_SIZES),
        implementation: COMPOSITE,
    },
    Algorithm {
        name: "ml-dsa-44+ed25519",
        codepoint: cp::ML_DSA_44_ED25519,
        kind: Kind::Signature,
        families: &[ModuleLattice, EllipticCurve],
        components: &[cp::ML_DSA_44, cp::ED25519],
        category: 2,
        post_quantum: true,
        sizes: composite_sig(ML_DSA_44_SIZES, ED25519_SIZES),
        implementation: COMPOSITE,
    },
    Algorithm {
        name: "slh-dsa-shake-256f+ed25519",
        codepoint: cp::SLH_DSA_SHAKE_256F_ED25519,
        kind: Kind::Signature,
        families: &[HashBased, EllipticCurve],
        components: &[cp::SLH_DSA_SHAKE_256F, cp::ED25519],
        category: 5,
        post_quantum: true,
        sizes: composite_sig(SLH_DSA_SHAKE_256F_SIZES, ED25519_SIZES),
        implementation: COMPOSITE,
    },
];

/// The entry for `codepoint`, which must be of `kind`, for implementations
/// to resolve their own entry in a constant: a missing entry, or one of
/// another kind or with another kind's sizes, fails the build.
pub(crate) const fn entry(codepoint: u16, kind: Kind) -> &'static Algorithm {
    let all = ALGORITHMS;
    let mut i = 0;
    while i < all.len() {
        if all[i].codepoint == codepoint {
            assert!(
                all[i].kind as u8 == kind as u8,
                "registry entry of another kind"
            );
            assert!(
                matches!(
                    (kind, &all[i].sizes),
                    (Kind::Kem, Sizes::Kem { .. })
                        | (Kind::Signature, Sizes::Signature { .. })
                        | (Kind::Aead, Sizes::Aead { .. })
                        | (Kind::Kdf, Sizes::Kdf { .. })
                ),
                "registry entry with another kind's sizes"
            );
            return &all[i];
        }
        i += 1;
    }
    panic!("code point missing from the registry")
}

/// A copy of [`entry`] for a constant: `const { &entry_copy(..) }` puts only
/// that entry and the data it points to into the binary, not the whole table.
/// This matters where read-only data lives in RAM: on the ATmega328P (AVR)
/// the full table with its strings (~2.8 KB) exceeds the 2 KB of RAM.
pub(crate) const fn entry_copy(codepoint: u16, kind: Kind) -> Algorithm {
    let a = entry(codepoint, kind);
    Algorithm {
        name: a.name,
        codepoint: a.codepoint,
        kind: a.kind,
        families: a.families,
        components: a.components,
        category: a.category,
        post_quantum: a.post_quantum,
        sizes: a.sizes,
        implementation: a.implementation,
    }
}

/// (code point, kind) of every entry, built from [`ALGORITHMS`] at compile time.
const KINDS: [(u16, Kind); ALGORITHMS.len()] = {
    let mut kinds = [(0, Kind::Kem); ALGORITHMS.len()];
    let mut i = 0;
    while i < kinds.len() {
        kinds[i] = (ALGORITHMS[i].codepoint, ALGORITHMS[i].kind);
        i += 1;
    }
    kinds
};

/// The kind registered at `codepoint`, if any, without referencing the table
/// itself (see [`entry_copy`]): 3 bytes per entry instead of the whole table.
pub(crate) fn kind_of(codepoint: u16) -> Option<Kind> {
    KINDS.iter().find(|(c, _)| *c == codepoint).map(|&(_, k)| k)
}

fn names_match(canonical: &str, given: &str) -> bool {
    canonical.len() == given.len()
        && canonical
            .bytes()
            .zip(given.bytes())
            .all(|(a, b)| a == b.to_ascii_lowercase() || (a == b'-' && b == b'_'))
}

/// Looks an algorithm up by name (case-insensitive, `_` for `-` accepted).
pub fn by_name(name: &str) -> Result<&'static Algorithm> {
    ALGORITHMS
        .iter()
        .find(|a| names_match(a.name, name))
        .ok_or(Error::UnknownAlgorithm)
}

/// Looks an algorithm up by code point.
pub fn by_codepoint(codepoint: u16) -> Result<&'static Algorithm> {
    ALGORITHMS
        .iter()
        .find(|a| a.codepoint == codepoint)
        .ok_or(Error::UnknownAlgorithm)
}

/// Every registered algorithm of `kind`, in table order.
pub fn of_kind(kind: Kind) -> impl Iterator<Item = &'static Algorithm> {
    ALGORITHMS.iter().filter(move |a| a.kind == kind)
}

/// Something that can be withdrawn: one algorithm, or a whole family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withdrawal {
    /// One algorithm, by code point (hybrids built on it go with it).
    Algorithm(u16),
    /// A whole family (every algorithm resting on it goes).
    Family(Family),
}

impl Withdrawal {
    /// Parses a family name or an algorithm name.
    pub fn parse(name: &str) -> Result<Withdrawal> {
        if let Some(f) = Family::from_name(name) {
            return Ok(Withdrawal::Family(f));
        }
        by_name(name).map(|a| Withdrawal::Algorithm(a.codepoint))
    }
}

impl fmt::Display for Withdrawal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Withdrawal::Family(fam) => write!(f, "family {fam}"),
            Withdrawal::Algorithm(c) => match by_codepoint(*c) {
                Ok(a) => write!(f, "algorithm {}", a.name),
                Err(_) => write!(f, "algorithm 0x{c:04x}"),
            },
        }
    }
}

/// The run-time registry: the static table minus whatever policy has
/// withdrawn. Cheap to clone; each service holds one and consults it for
/// every negotiation. `generation()` changes on every withdrawal, so holders
/// of live sessions can tell when to re-check (and rekey) the suite they use.
#[cfg(feature = "alloc")]
#[derive(Debug, Clone, Default)]
pub struct Registry {
    withdrawn_families: FamilySet,
    withdrawn_algorithms: alloc::vec::Vec<u16>,
    generation: u64,
}

#[cfg(feature = "alloc")]
impl Registry {
    /// Every algorithm available.
    pub fn new() -> Self {
        Self::default()
    }

    /// Withdraws an algorithm or a family. Idempotent.
    pub fn withdraw(&mut self, what: Withdrawal) {
        match what {
            Withdrawal::Family(f) => self.withdrawn_families.insert(f),
            Withdrawal::Algorithm(c) => {
                if !self.withdrawn_algorithms.contains(&c) {
                    self.withdrawn_algorithms.push(c);
                }
            }
        }
        self.generation += 1;
    }

    /// Counts withdrawals so far; compare to notice a change.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Families withdrawn so far.
    pub fn withdrawn_families(&self) -> FamilySet {
        self.withdrawn_families
    }

    /// Whether `alg` may still be used: neither it, nor any of its
    /// components, nor any family it rests on has been withdrawn.
    pub fn is_available(&self, alg: &Algorithm) -> bool {
        !self.withdrawn_algorithms.contains(&alg.codepoint)
            && !FamilySet::of(alg.families).intersects(self.withdrawn_families)
            && alg.component_algorithms().all(|c| self.is_available(c))
    }

    /// Looks `codepoint` up and fails with [`Error::Withdrawn`] if it is no longer available.
    pub fn get(&self, codepoint: u16) -> Result<&'static Algorithm> {
        let alg = by_codepoint(codepoint)?;
        if self.is_available(alg) {
            Ok(alg)
        } else {
            Err(Error::Withdrawn)
        }
    }

    /// Every available algorithm, in table order.
    pub fn available(&self) -> impl Iterator<Item = &'static Algorithm> + '_ {
        ALGORITHMS.iter().filter(|a| self.is_available(a))
    }
}

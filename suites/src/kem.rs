//! KEM suites: ML-KEM-512/768/1024, X25519, HQC-128/192/256, and the hybrids
//! built from them — X-Wing and agilis's generic combiner.
//!
//! Every KEM is reached through [`scheme`] by code point and speaks bytes, in
//! the layouts the registry's [`Sizes::Kem`](crate::registry::Sizes) gives.
//!
//! ## Derandomized paths
//! [`KemScheme::keygen_from_seed`] and [`KemScheme::encaps_with_randomness`]
//! exist for known-answer tests. [`KemScheme::keygen`] and
//! [`KemScheme::encaps`] run the very same code with seeds from the OS RNG.
//! HQC's implementation draws its own randomness and has no derandomized
//! path; for it (and hybrids containing it) these return
//! [`Error::Unsupported`].
//!
//! ## X-Wing
//! Exactly as draft-connolly-cfrg-xwing-kem: the 32-byte secret key is a
//! seed expanded with SHAKE-256 into ML-KEM-768's (d, z) and X25519's
//! secret; the shared secret is
//! `SHA3-256(ss_M ‖ ss_X ‖ ct_X ‖ pk_X ‖ "\.//^\")`.
//!
//! ## Generic combiner (v1), for every other hybrid
//! For a hybrid with code point `cp` and components A (lattice) and B:
//!
//! ```text
//! pk = pk_A ‖ pk_B        ct = ct_A ‖ ct_B        sk = sk_A ‖ sk_B ‖ pk_A ‖ pk_B
//! ss = SHA3-256( "agilis-hybrid-kem/v1" ‖ u16be(cp)
//!                ‖ lp(ss_A) ‖ lp(ss_B) ‖ lp(ct_A) ‖ lp(ct_B) ‖ lp(pk_A) ‖ lp(pk_B) )
//! lp(x) = u32be(len x) ‖ x
//! ```
//!
//! It binds both shared secrets, both ciphertexts and both public keys, and
//! the code point separates every hybrid's key space from every other's. The
//! shared secret is a random-oracle output as long as either component's
//! shared secret is secret (the "KEM combiner" argument of Giacon, Heuer and
//! Poettering; binding the ciphertexts keeps IND-CCA when one component is
//! broken).

use alloc::vec::Vec;

use pqcrypto_traits::kem::{Ciphertext as _, PublicKey as _, SecretKey as _, SharedSecret as _};
use sha3::{Digest, Sha3_256};
use shake::{ExtendableOutput, Shake256, Update, XofReader};
use zeroize::{Zeroize, Zeroizing};

use crate::error::check_len;
use crate::registry::{self, Kind, Sizes, codepoint as cp};
use crate::{Algorithm, Error, Result, SecretBytes, rng};

mod scalarmult;

use scalarmult::{x25519, x25519_base};

/// A KEM key pair.
#[derive(Debug)]
pub struct KemKeyPair {
    /// encapsulation key bytes
    pub public_key: Vec<u8>,
    /// decapsulation key bytes (zeroized on drop)
    pub secret_key: SecretBytes,
}

/// The result of encapsulation.
#[derive(Debug)]
pub struct Encapsulated {
    /// ciphertext to send to the key holder
    pub ciphertext: Vec<u8>,
    /// shared secret (zeroized on drop)
    pub shared_secret: SecretBytes,
}

/// One registered KEM (primitive or hybrid), behind bytes.
pub trait KemScheme: Send + Sync {
    /// The registry entry.
    fn algorithm(&self) -> &'static Algorithm;

    /// Length of the seed [`keygen_from_seed`](Self::keygen_from_seed) takes,
    /// or `None` if this KEM has no derandomized key generation.
    fn seed_len(&self) -> Option<usize>;

    /// Length of the randomness [`encaps_with_randomness`](Self::encaps_with_randomness)
    /// takes, or `None` if this KEM has no derandomized encapsulation.
    fn randomness_len(&self) -> Option<usize>;

    /// Deterministic key generation from `seed` (known-answer tests only).
    fn keygen_from_seed(&self, seed: &[u8]) -> Result<KemKeyPair>;

    /// Deterministic encapsulation with `randomness` (known-answer tests only).
    fn encaps_with_randomness(&self, public_key: &[u8], randomness: &[u8]) -> Result<Encapsulated>;

    /// A fresh key pair from the OS RNG.
    fn keygen(&self) -> Result<KemKeyPair> {
        let len = self
            .seed_len()
            .ok_or(Error::Unsupported("randomized key generation"))?;
        let mut seed = Zeroizing::new(alloc::vec![0u8; len]);
        rng::fill(&mut seed)?;
        self.keygen_from_seed(&seed)
    }

    /// Encapsulates to `public_key` with randomness from the OS RNG.
    fn encaps(&self, public_key: &[u8]) -> Result<Encapsulated> {
        let len = self
            .randomness_len()
            .ok_or(Error::Unsupported("randomized encapsulation"))?;
        let mut r = Zeroizing::new(alloc::vec![0u8; len]);
        rng::fill(&mut r)?;
        self.encaps_with_randomness(public_key, &r)
    }

    /// Decapsulates `ciphertext`. ML-KEM and HQC reject implicitly: a
    /// tampered ciphertext yields an unrelated secret, not an error.
    fn decaps(&self, secret_key: &[u8], ciphertext: &[u8]) -> Result<SecretBytes>;
}

/// The implementation behind a KEM code point.
pub fn scheme(codepoint: u16) -> Result<&'static dyn KemScheme> {
    let alg = registry::by_codepoint(codepoint)?.expect_kind(Kind::Kem)?;
    Ok(match alg.codepoint {
        cp::ML_KEM_512 => &ML_KEM_512,
        cp::ML_KEM_768 => &ML_KEM_768,
        cp::ML_KEM_1024 => &ML_KEM_1024,
        cp::X25519 => &X25519,
        cp::HQC_128 => &HQC_128,
        cp::HQC_192 => &HQC_192,
        cp::HQC_256 => &HQC_256,
        cp::X_WING => &XWING,
        cp::ML_KEM_1024_X25519 => &ML_KEM_1024_X25519,
        cp::ML_KEM_1024_HQC_256 => &ML_KEM_1024_HQC_256,
        cp::ML_KEM_512_X25519 => &ML_KEM_512_X25519,
        cp::HQC_256_X25519 => &HQC_256_X25519,
        _ => {
            return Err(Error::Unsupported(
                "no implementation registered for this KEM",
            ));
        }
    })
}

/// The registry sizes of a KEM entry.
fn kem_sizes(alg: &Algorithm) -> (usize, usize, usize) {
    match alg.sizes {
        Sizes::Kem {
            public_key,
            secret_key,
            ciphertext,
            ..
        } => (public_key, secret_key, ciphertext),
        // The table is static and checked by tests; a KEM entry always has KEM sizes.
        _ => (0, 0, 0),
    }
}

/// The registry entry of a KEM code point; used in constants, so a missing
/// entry fails the build.
const fn entry(codepoint: u16) -> &'static Algorithm {
    registry::entry(codepoint, Kind::Kem)
}

// ---------------------------------------------------------------- ML-KEM

/// ML-KEM through libcrux-ml-kem (formally verified; AVX2 where the CPU has
/// it, chosen at run time). The stored secret key is the 64-byte seed; the
/// expanded decapsulation key is rebuilt per call and wiped after use.
macro_rules! ml_kem_scheme {
    ($ty:ident, $module:ident, $keypair:ident, $pk_ty:ident, $ct_ty:ident, $codepoint:expr) => {
        struct $ty;

        impl $ty {
            /// The expanded key pair for `seed` (64 bytes, checked by the caller).
            fn expand(seed: &[u8]) -> Result<libcrux_ml_kem::$module::$keypair> {
                let seed: Zeroizing<[u8; 64]> =
                    Zeroizing::new(seed.try_into().map_err(|_| Error::InvalidLength {
                        what: "ML-KEM seed",
                        expected: 64,
                        found: seed.len(),
                    })?);
                Ok(libcrux_ml_kem::$module::generate_key_pair(*seed))
            }
        }

        impl KemScheme for $ty {
            fn algorithm(&self) -> &'static Algorithm {
                const { entry($codepoint) }
            }
            fn seed_len(&self) -> Option<usize> {
                Some(64)
            }
            fn randomness_len(&self) -> Option<usize> {
                Some(32)
            }
            fn keygen_from_seed(&self, seed: &[u8]) -> Result<KemKeyPair> {
                let (mut sk, pk) = Self::expand(seed)?.into_parts();
                sk[0..].zeroize();
                Ok(KemKeyPair {
                    public_key: pk.as_slice().to_vec(),
                    secret_key: SecretBytes::from_slice(seed),
                })
            }
            fn encaps_with_randomness(
                &self,
                public_key: &[u8],
                randomness: &[u8],
            ) -> Result<Encapsulated> {
                let (pk_len, _, _) = kem_sizes(self.algorithm());
                check_len("public key", public_key, pk_len)?;
                let m: Zeroizing<[u8; 32]> =
                    Zeroizing::new(array32("ML-KEM encapsulation randomness", randomness)?);
                let pk = libcrux_ml_kem::$module::$pk_ty::try_from(public_key)
                    .map_err(|_| Error::InvalidPublicKey)?;
                // FIPS 203 §7.2 modulus check: every coefficient must be reduced.
                if !libcrux_ml_kem::$module::validate_public_key(&pk) {
                    return Err(Error::InvalidPublicKey);
                }
                let (ct, ss) = libcrux_ml_kem::$module::encapsulate(&pk, *m);
                let ss = Zeroizing::new(ss);
                Ok(Encapsulated {
                    ciphertext: ct.as_slice().to_vec(),
                    shared_secret: SecretBytes::from_slice(&ss[..]),
                })
            }
            fn decaps(&self, secret_key: &[u8], ciphertext: &[u8]) -> Result<SecretBytes> {
                let (_, sk_len, ct_len) = kem_sizes(self.algorithm());
                check_len("secret key", secret_key, sk_len)?;
                check_len("ciphertext", ciphertext, ct_len)?;
                let ct = libcrux_ml_kem::$module::$ct_ty::try_from(ciphertext)
                    .map_err(|_| Error::InvalidCiphertext)?;
                let (mut sk, _) = Self::expand(secret_key)?.into_parts();
                let ss = Zeroizing::new(libcrux_ml_kem::$module::decapsulate(&sk, &ct));
                sk[0..].zeroize();
                Ok(SecretBytes::from_slice(&ss[..]))
            }
        }
    };
}

ml_kem_scheme!(
    MlKem512Scheme,
    mlkem512,
    MlKem512KeyPair,
    MlKem512PublicKey,
    MlKem512Ciphertext,
    cp::ML_KEM_512
);
ml_kem_scheme!(
    MlKem768Scheme,
    mlkem768,
    MlKem768KeyPair,
    MlKem768PublicKey,
    MlKem768Ciphertext,
    cp::ML_KEM_768
);
ml_kem_scheme!(
    MlKem1024Scheme,
    mlkem1024,
    MlKem1024KeyPair,
    MlKem1024PublicKey,
    MlKem1024Ciphertext,
    cp::ML_KEM_1024
);
static ML_KEM_512: MlKem512Scheme = MlKem512Scheme;
static ML_KEM_768: MlKem768Scheme = MlKem768Scheme;
static ML_KEM_1024: MlKem1024Scheme = MlKem1024Scheme;

// ---------------------------------------------------------------- X25519

fn array32(what: &'static str, bytes: &[u8]) -> Result<[u8; 32]> {
    bytes.try_into().map_err(|_| Error::InvalidLength {
        what,
        expected: 32,
        found: bytes.len(),
    })
}

/// Whether `u` is the canonical encoding of a field element (u < 2^255 - 19).
/// RFC 7748 would silently mask the top bit and reduce; agilis rejects
/// non-canonical shares instead, so every bit of a public value matters
/// (Wycheproof marks such shares "acceptable" either way).
fn is_canonical_u(u: &[u8; 32]) -> bool {
    const P: [u8; 32] = {
        let mut p = [0xff; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        p
    };
    // Compare as little-endian integers, most significant byte first.
    for i in (0..32).rev() {
        if u[i] != P[i] {
            return u[i] < P[i];
        }
    }
    false
}

/// A DH output of all zeros means the peer's point had small order.
fn reject_non_contributory(ss: &[u8; 32], err: Error) -> Result<()> {
    use subtle::ConstantTimeEq;
    if bool::from(ss.ct_eq(&[0u8; 32])) {
        Err(err)
    } else {
        Ok(())
    }
}

/// X25519 as an ephemeral-static KEM: ct = g^e, ss = pk^e. Shares must be
/// canonical and the output contributory (not all zeros).
struct X25519Scheme;
static X25519: X25519Scheme = X25519Scheme;

impl KemScheme for X25519Scheme {
    fn algorithm(&self) -> &'static Algorithm {
        const { entry(cp::X25519) }
    }
    fn seed_len(&self) -> Option<usize> {
        Some(32)
    }
    fn randomness_len(&self) -> Option<usize> {
        Some(32)
    }
    fn keygen_from_seed(&self, seed: &[u8]) -> Result<KemKeyPair> {
        let sk = Zeroizing::new(array32("X25519 secret key", seed)?);
        Ok(KemKeyPair {
            public_key: x25519_base(&sk).to_vec(),
            secret_key: SecretBytes::from_slice(&*sk),
        })
    }
    fn encaps_with_randomness(&self, public_key: &[u8], randomness: &[u8]) -> Result<Encapsulated> {
        let pk = array32("public key", public_key)?;
        if !is_canonical_u(&pk) {
            return Err(Error::InvalidPublicKey);
        }
        let e = Zeroizing::new(array32("X25519 ephemeral secret", randomness)?);
        let ss = x25519(&e, &pk);
        reject_non_contributory(&ss, Error::InvalidPublicKey)?;
        Ok(Encapsulated {
            ciphertext: x25519_base(&e).to_vec(),
            shared_secret: SecretBytes::from_slice(&*ss),
        })
    }
    fn decaps(&self, secret_key: &[u8], ciphertext: &[u8]) -> Result<SecretBytes> {
        let sk = Zeroizing::new(array32("secret key", secret_key)?);
        let ct = array32("ciphertext", ciphertext)?;
        if !is_canonical_u(&ct) {
            return Err(Error::InvalidCiphertext);
        }
        let ss = x25519(&sk, &ct);
        reject_non_contributory(&ss, Error::InvalidCiphertext)?;
        Ok(SecretBytes::from_slice(&*ss))
    }
}

// ---------------------------------------------------------------- HQC

/// pqcrypto-hqc 0.2.2's safe `decapsulate` asserts that the C function
/// returned 0, but PQClean's HQC returns -1 whenever the re-encryption check
/// fails, i.e. for every tampered ciphertext, after writing the implicit-rejection
/// secret. Through the safe wrapper a forged ciphertext would panic the
/// process, so decapsulation calls the C function directly and ignores the
/// status: the secret it writes is correct in both cases (FIPS-style
/// implicit rejection).
macro_rules! hqc_scheme {
    ($ty:ident, $static:ident, $module:ident, $decaps_fn:ident, $codepoint:expr) => {
        struct $ty;
        static $static: $ty = $ty;

        impl KemScheme for $ty {
            fn algorithm(&self) -> &'static Algorithm {
                const { entry($codepoint) }
            }
            fn seed_len(&self) -> Option<usize> {
                None
            }
            fn randomness_len(&self) -> Option<usize> {
                None
            }
            fn keygen_from_seed(&self, _seed: &[u8]) -> Result<KemKeyPair> {
                Err(Error::Unsupported(
                    "HQC has no derandomized key generation in this build",
                ))
            }
            fn encaps_with_randomness(&self, _pk: &[u8], _r: &[u8]) -> Result<Encapsulated> {
                Err(Error::Unsupported(
                    "HQC has no derandomized encapsulation in this build",
                ))
            }
            fn keygen(&self) -> Result<KemKeyPair> {
                // PQClean's HQC draws from the OS RNG itself.
                let (pk, sk) = pqcrypto_hqc::$module::keypair();
                Ok(KemKeyPair {
                    public_key: pk.as_bytes().to_vec(),
                    secret_key: SecretBytes::from_slice(sk.as_bytes()),
                })
            }
            fn encaps(&self, public_key: &[u8]) -> Result<Encapsulated> {
                let (pk_len, _, _) = kem_sizes(self.algorithm());
                check_len("public key", public_key, pk_len)?;
                let pk = pqcrypto_hqc::$module::PublicKey::from_bytes(public_key)
                    .map_err(|_| Error::InvalidPublicKey)?;
                let (ss, ct) = pqcrypto_hqc::$module::encapsulate(&pk);
                Ok(Encapsulated {
                    ciphertext: ct.as_bytes().to_vec(),
                    shared_secret: SecretBytes::from_slice(ss.as_bytes()),
                })
            }
            fn decaps(&self, secret_key: &[u8], ciphertext: &[u8]) -> Result<SecretBytes> {
                let (_, sk_len, ct_len) = kem_sizes(self.algorithm());
                check_len("secret key", secret_key, sk_len)?;
                check_len("ciphertext", ciphertext, ct_len)?;
                let mut ss = Zeroizing::new([0u8; pqcrypto_hqc::$module::shared_secret_bytes()]);
                // SAFETY: the lengths of `ciphertext` and `secret_key` were checked
                // against the registry sizes above, which equal the C API's
                // CRYPTO_CIPHERTEXTBYTES and CRYPTO_SECRETKEYBYTES (the
                // `sizes_match_registry` test checks this), and `ss` has
                // CRYPTO_BYTES. The C code only reads/writes within those bounds.
                #[allow(unsafe_code)]
                let _status = unsafe {
                    pqcrypto_hqc::ffi::$decaps_fn(
                        ss.as_mut_ptr(),
                        ciphertext.as_ptr(),
                        secret_key.as_ptr(),
                    )
                };
                Ok(SecretBytes::from_slice(&ss[..]))
            }
        }
    };
}

hqc_scheme!(
    Hqc128Scheme,
    HQC_128,
    hqc128,
    PQCLEAN_HQC128_CLEAN_crypto_kem_dec,
    cp::HQC_128
);
hqc_scheme!(
    Hqc192Scheme,
    HQC_192,
    hqc192,
    PQCLEAN_HQC192_CLEAN_crypto_kem_dec,
    cp::HQC_192
);
hqc_scheme!(
    Hqc256Scheme,
    HQC_256,
    hqc256,
    PQCLEAN_HQC256_CLEAN_crypto_kem_dec,
    cp::HQC_256
);

// ---------------------------------------------------------------- X-Wing

const XWING_LABEL: &[u8; 6] = b"\\.//^\\";
const XWING_PK_M: usize = 1184;
const XWING_CT_M: usize = 1088;

struct XWingScheme;
static XWING: XWingScheme = XWingScheme;

/// An X-Wing secret key expanded: ML-KEM-768's seed (d ‖ z) and X25519's secret.
type XWingExpanded = (Zeroizing<[u8; 64]>, Zeroizing<[u8; 32]>);

/// Expands an X-Wing seed: SHAKE-256(seed, 96) = d ‖ z ‖ sk_X.
fn xwing_expand(seed: &[u8]) -> Result<XWingExpanded> {
    check_len("X-Wing secret key", seed, 32)?;
    let mut shake = Shake256::default();
    shake.update(seed);
    let mut reader = shake.finalize_xof();
    let mut ml_kem_seed = Zeroizing::new([0u8; 64]);
    let mut sk_x = Zeroizing::new([0u8; 32]);
    reader.read(&mut ml_kem_seed[..]);
    reader.read(&mut sk_x[..]);
    Ok((ml_kem_seed, sk_x))
}

fn xwing_combine(ss_m: &[u8], ss_x: &[u8], ct_x: &[u8], pk_x: &[u8]) -> SecretBytes {
    let mut h = Sha3_256::new();
    Digest::update(&mut h, ss_m);
    Digest::update(&mut h, ss_x);
    Digest::update(&mut h, ct_x);
    Digest::update(&mut h, pk_x);
    Digest::update(&mut h, XWING_LABEL);
    let mut out = h.finalize();
    let ss = SecretBytes::from_slice(&out);
    out.zeroize();
    ss
}

impl KemScheme for XWingScheme {
    fn algorithm(&self) -> &'static Algorithm {
        const { entry(cp::X_WING) }
    }
    fn seed_len(&self) -> Option<usize> {
        Some(32)
    }
    fn randomness_len(&self) -> Option<usize> {
        Some(64)
    }
    fn keygen_from_seed(&self, seed: &[u8]) -> Result<KemKeyPair> {
        let (ml_kem_seed, sk_x) = xwing_expand(seed)?;
        let mut pk = ML_KEM_768.keygen_from_seed(&ml_kem_seed[..])?.public_key;
        pk.extend_from_slice(&x25519_base(&sk_x));
        Ok(KemKeyPair {
            public_key: pk,
            secret_key: SecretBytes::from_slice(seed),
        })
    }
    fn encaps_with_randomness(&self, public_key: &[u8], randomness: &[u8]) -> Result<Encapsulated> {
        check_len("public key", public_key, XWING_PK_M + 32)?;
        check_len("X-Wing encapsulation randomness", randomness, 64)?;
        let (pk_m, pk_x) = public_key.split_at(XWING_PK_M);
        let ek_x = Zeroizing::new(array32("X25519 ephemeral secret", &randomness[32..])?);
        let ct_x = x25519_base(&ek_x);
        let ss_x = x25519(&ek_x, &array32("X25519 public key", pk_x)?);
        let m = ML_KEM_768.encaps_with_randomness(pk_m, &randomness[..32])?;
        let mut ciphertext = m.ciphertext;
        let shared_secret = xwing_combine(m.shared_secret.expose(), &*ss_x, &ct_x, pk_x);
        ciphertext.extend_from_slice(&ct_x);
        Ok(Encapsulated {
            ciphertext,
            shared_secret,
        })
    }
    fn decaps(&self, secret_key: &[u8], ciphertext: &[u8]) -> Result<SecretBytes> {
        check_len("ciphertext", ciphertext, XWING_CT_M + 32)?;
        let (ml_kem_seed, sk_x) = xwing_expand(secret_key)?;
        let (ct_m, ct_x) = ciphertext.split_at(XWING_CT_M);
        let ss_m = ML_KEM_768.decaps(&ml_kem_seed[..], ct_m)?;
        let ss_x = x25519(&sk_x, &array32("X25519 ciphertext", ct_x)?);
        let pk_x = x25519_base(&sk_x);
        Ok(xwing_combine(ss_m.expose(), &*ss_x, ct_x, &pk_x))
    }
}

// ---------------------------------------------------------------- generic combiner

const COMBINER_LABEL: &[u8] = b"agilis-hybrid-kem/v1";

/// A hybrid of two KEMs joined by the generic combiner (see the module doc).
struct Combined {
    alg: &'static Algorithm,
    a: &'static dyn KemScheme,
    b: &'static dyn KemScheme,
}

static ML_KEM_1024_X25519: Combined = Combined {
    alg: entry(cp::ML_KEM_1024_X25519),
    a: &ML_KEM_1024,
    b: &X25519,
};
static ML_KEM_1024_HQC_256: Combined = Combined {
    alg: entry(cp::ML_KEM_1024_HQC_256),
    a: &ML_KEM_1024,
    b: &HQC_256,
};
static ML_KEM_512_X25519: Combined = Combined {
    alg: entry(cp::ML_KEM_512_X25519),
    a: &ML_KEM_512,
    b: &X25519,
};
static HQC_256_X25519: Combined = Combined {
    alg: entry(cp::HQC_256_X25519),
    a: &HQC_256,
    b: &X25519,
};

/// The combiner itself; public so that protocols and tests can name it.
pub fn combine(codepoint: u16, ss: [&[u8]; 2], ct: [&[u8]; 2], pk: [&[u8]; 2]) -> SecretBytes {
    let mut h = Sha3_256::new();
    Digest::update(&mut h, COMBINER_LABEL);
    Digest::update(&mut h, codepoint.to_be_bytes());
    for part in ss.iter().chain(ct.iter()).chain(pk.iter()) {
        // Every part is length-prefixed so no two inputs share an encoding.
        Digest::update(&mut h, (part.len() as u32).to_be_bytes());
        Digest::update(&mut h, part);
    }
    let mut out = h.finalize();
    let secret = SecretBytes::from_slice(&out);
    out.zeroize();
    secret
}

impl Combined {
    fn lens(&self) -> [(usize, usize, usize); 2] {
        [kem_sizes(self.a.algorithm()), kem_sizes(self.b.algorithm())]
    }

    fn join(&self, a: KemKeyPair, b: KemKeyPair) -> KemKeyPair {
        let mut public_key = a.public_key;
        public_key.extend_from_slice(&b.public_key);
        let mut sk = Zeroizing::new(Vec::with_capacity(
            a.secret_key.len() + b.secret_key.len() + public_key.len(),
        ));
        sk.extend_from_slice(a.secret_key.expose());
        sk.extend_from_slice(b.secret_key.expose());
        sk.extend_from_slice(&public_key);
        KemKeyPair {
            public_key,
            secret_key: SecretBytes::from_slice(&sk),
        }
    }

    fn finish(&self, public_key: &[u8], ea: Encapsulated, eb: Encapsulated) -> Encapsulated {
        let (pk_a, pk_b) = public_key.split_at(self.lens()[0].0);
        let shared_secret = combine(
            self.alg.codepoint,
            [ea.shared_secret.expose(), eb.shared_secret.expose()],
            [&ea.ciphertext, &eb.ciphertext],
            [pk_a, pk_b],
        );
        let mut ciphertext = ea.ciphertext;
        ciphertext.extend_from_slice(&eb.ciphertext);
        Encapsulated {
            ciphertext,
            shared_secret,
        }
    }

    fn split_pk<'p>(&self, public_key: &'p [u8]) -> Result<(&'p [u8], &'p [u8])> {
        let [(pa, _, _), (pb, _, _)] = self.lens();
        check_len("public key", public_key, pa + pb)?;
        Ok(public_key.split_at(pa))
    }
}

impl KemScheme for Combined {
    fn algorithm(&self) -> &'static Algorithm {
        self.alg
    }
    fn seed_len(&self) -> Option<usize> {
        Some(self.a.seed_len()? + self.b.seed_len()?)
    }
    fn randomness_len(&self) -> Option<usize> {
        Some(self.a.randomness_len()? + self.b.randomness_len()?)
    }
    fn keygen_from_seed(&self, seed: &[u8]) -> Result<KemKeyPair> {
        let (la, lb) = (self.a.seed_len(), self.b.seed_len());
        let (Some(la), Some(lb)) = (la, lb) else {
            return Err(Error::Unsupported(
                "a component has no derandomized key generation",
            ));
        };
        check_len("hybrid seed", seed, la + lb)?;
        let (sa, sb) = seed.split_at(la);
        Ok(self.join(self.a.keygen_from_seed(sa)?, self.b.keygen_from_seed(sb)?))
    }
    fn keygen(&self) -> Result<KemKeyPair> {
        Ok(self.join(self.a.keygen()?, self.b.keygen()?))
    }
    fn encaps_with_randomness(&self, public_key: &[u8], randomness: &[u8]) -> Result<Encapsulated> {
        let (Some(ra), Some(rb)) = (self.a.randomness_len(), self.b.randomness_len()) else {
            return Err(Error::Unsupported(
                "a component has no derandomized encapsulation",
            ));
        };
        check_len("hybrid encapsulation randomness", randomness, ra + rb)?;
        let (pk_a, pk_b) = self.split_pk(public_key)?;
        let (r_a, r_b) = randomness.split_at(ra);
        let ea = self.a.encaps_with_randomness(pk_a, r_a)?;
        let eb = self.b.encaps_with_randomness(pk_b, r_b)?;
        Ok(self.finish(public_key, ea, eb))
    }
    fn encaps(&self, public_key: &[u8]) -> Result<Encapsulated> {
        let (pk_a, pk_b) = self.split_pk(public_key)?;
        let ea = self.a.encaps(pk_a)?;
        let eb = self.b.encaps(pk_b)?;
        Ok(self.finish(public_key, ea, eb))
    }
    fn decaps(&self, secret_key: &[u8], ciphertext: &[u8]) -> Result<SecretBytes> {
        let [(pa, sa, ca), (pb, sb, cb)] = self.lens();
        check_len("secret key", secret_key, sa + sb + pa + pb)?;
        check_len("ciphertext", ciphertext, ca + cb)?;
        let (sk_a, rest) = secret_key.split_at(sa);
        let (sk_b, pk) = rest.split_at(sb);
        let (pk_a, pk_b) = pk.split_at(pa);
        let (ct_a, ct_b) = ciphertext.split_at(ca);
        let ss_a = self.a.decaps(sk_a, ct_a)?;
        let ss_b = self.b.decaps(sk_b, ct_b)?;
        Ok(combine(
            self.alg.codepoint,
            [ss_a.expose(), ss_b.expose()],
            [ct_a, ct_b],
            [pk_a, pk_b],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_covers_every_kem() {
        for alg in registry::of_kind(Kind::Kem) {
            let s = scheme(alg.codepoint).unwrap_or_else(|e| panic!("{}: {e}", alg.name));
            assert_eq!(s.algorithm().codepoint, alg.codepoint, "{}", alg.name);
        }
        assert!(matches!(
            scheme(cp::AES_256_GCM),
            Err(Error::WrongKind { .. })
        ));
        assert!(matches!(scheme(0xffff), Err(Error::UnknownAlgorithm)));
    }
}

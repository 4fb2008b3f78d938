//! Property tests for every registered KEM, hybrids included. The KEMs are
//! taken from the registry, never listed by hand.

use std::sync::OnceLock;

use agilis_suites::kem::{self, KemKeyPair, KemScheme};
use agilis_suites::registry::{self, Kind, Sizes};
use proptest::prelude::*;

struct Fixture {
    scheme: &'static dyn KemScheme,
    keys: KemKeyPair,
}

/// One key pair per KEM, made once (HQC key generation is not free).
fn fixtures() -> &'static [Fixture] {
    static F: OnceLock<Vec<Fixture>> = OnceLock::new();
    F.get_or_init(|| {
        registry::of_kind(Kind::Kem)
            .map(|alg| {
                let scheme = kem::scheme(alg.codepoint).unwrap();
                Fixture {
                    scheme,
                    keys: scheme.keygen().unwrap(),
                }
            })
            .collect()
    })
}

fn flip(bytes: &mut [u8], bit: usize) {
    let bit = bit % (bytes.len() * 8);
    bytes[bit / 8] ^= 1 << (bit % 8);
}

#[test]
fn sizes_match_registry() {
    for f in fixtures() {
        let alg = f.scheme.algorithm();
        let Sizes::Kem {
            public_key,
            secret_key,
            ciphertext,
            shared_secret,
        } = alg.sizes
        else {
            panic!("{}: KEM without KEM sizes", alg.name)
        };
        let enc = f.scheme.encaps(&f.keys.public_key).unwrap();
        assert_eq!(f.keys.public_key.len(), public_key, "{} pk", alg.name);
        assert_eq!(f.keys.secret_key.len(), secret_key, "{} sk", alg.name);
        assert_eq!(enc.ciphertext.len(), ciphertext, "{} ct", alg.name);
        assert_eq!(enc.shared_secret.len(), shared_secret, "{} ss", alg.name);
    }
}

#[test]
fn wrong_lengths_are_errors_not_panics() {
    for f in fixtures() {
        let name = f.scheme.algorithm().name;
        let enc = f.scheme.encaps(&f.keys.public_key).unwrap();
        for cut in [0, 1, 31] {
            let short_pk = &f.keys.public_key[..f.keys.public_key.len().saturating_sub(cut + 1)];
            assert!(f.scheme.encaps(short_pk).is_err(), "{name}: short pk");
            let short_ct = &enc.ciphertext[..enc.ciphertext.len() - cut - 1];
            assert!(
                f.scheme
                    .decaps(f.keys.secret_key.expose(), short_ct)
                    .is_err(),
                "{name}: short ct"
            );
            let short_sk = &f.keys.secret_key.expose()[..f.keys.secret_key.len() - cut - 1];
            assert!(
                f.scheme.decaps(short_sk, &enc.ciphertext).is_err(),
                "{name}: short sk"
            );
        }
        let mut long_ct = enc.ciphertext.clone();
        long_ct.push(0);
        assert!(
            f.scheme
                .decaps(f.keys.secret_key.expose(), &long_ct)
                .is_err(),
            "{name}: long ct"
        );
        let mut long_pk = f.keys.public_key.clone();
        long_pk.push(0);
        assert!(f.scheme.encaps(&long_pk).is_err(), "{name}: long pk");
        if let Some(n) = f.scheme.seed_len() {
            assert!(
                f.scheme.keygen_from_seed(&vec![7; n + 1]).is_err(),
                "{name}: long seed"
            );
        }
    }
}

/// The derandomized path is deterministic, and `keygen` really is random.
#[test]
fn derandomized_paths_are_deterministic() {
    for f in fixtures() {
        let (Some(sl), Some(rl)) = (f.scheme.seed_len(), f.scheme.randomness_len()) else {
            continue;
        };
        let a = f.scheme.keygen_from_seed(&vec![3; sl]).unwrap();
        let b = f.scheme.keygen_from_seed(&vec![3; sl]).unwrap();
        assert_eq!(a.public_key, b.public_key);
        let ea = f
            .scheme
            .encaps_with_randomness(&a.public_key, &vec![9; rl])
            .unwrap();
        let eb = f
            .scheme
            .encaps_with_randomness(&a.public_key, &vec![9; rl])
            .unwrap();
        assert_eq!(ea.ciphertext, eb.ciphertext);
        assert_eq!(ea.shared_secret, eb.shared_secret);
        assert_ne!(
            f.scheme.keygen().unwrap().public_key,
            f.scheme.keygen().unwrap().public_key
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn round_trip_with_fresh_keys(_case in 0u8..1) {
        for alg in registry::of_kind(Kind::Kem) {
            let s = kem::scheme(alg.codepoint).unwrap();
            let kp = s.keygen().unwrap();
            let enc = s.encaps(&kp.public_key).unwrap();
            let ss = s.decaps(kp.secret_key.expose(), &enc.ciphertext).unwrap();
            prop_assert_eq!(&ss, &enc.shared_secret, "{}", alg.name);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A flipped ciphertext bit never yields the sender's secret: it is an
    /// error (non-canonical X25519 share) or, by implicit rejection, another secret.
    #[test]
    fn flipped_ciphertext_bit_is_rejected(bit in any::<usize>()) {
        for f in fixtures() {
            let enc = f.scheme.encaps(&f.keys.public_key).unwrap();
            let mut ct = enc.ciphertext.clone();
            flip(&mut ct, bit);
            match f.scheme.decaps(f.keys.secret_key.expose(), &ct) {
                Err(_) => {}
                Ok(ss) => prop_assert_ne!(&ss, &enc.shared_secret, "{} bit {}", f.scheme.algorithm().name, bit),
            }
        }
    }

    /// Encapsulating to a public key with one bit flipped either fails or
    /// gives a secret the real key holder does not share.
    #[test]
    fn flipped_public_key_bit_is_rejected(bit in any::<usize>()) {
        for f in fixtures() {
            let mut pk = f.keys.public_key.clone();
            flip(&mut pk, bit);
            if let Ok(enc) = f.scheme.encaps(&pk) {
                match f.scheme.decaps(f.keys.secret_key.expose(), &enc.ciphertext) {
                    Err(_) => {}
                    Ok(ss) => prop_assert_ne!(&ss, &enc.shared_secret, "{} bit {}", f.scheme.algorithm().name, bit),
                }
            }
        }
    }

    /// A hybrid's secret changes when either component's contribution
    /// changes: here, the randomness of one component's encapsulation only.
    #[test]
    fn hybrid_secret_depends_on_each_component(r in prop::collection::vec(any::<u8>(), 64..=64), which in 0usize..2) {
        for f in fixtures().iter().filter(|f| f.scheme.algorithm().is_hybrid()) {
            let Some(rl) = f.scheme.randomness_len() else { continue };
            let base: Vec<u8> = r.iter().cycle().take(rl).copied().collect();
            let mut other = base.clone();
            // Component A's randomness comes first, B's last (32 bytes each for every derandomizable component).
            let idx = if which == 0 { 0 } else { rl - 1 };
            other[idx] ^= 0x01;
            let e1 = f.scheme.encaps_with_randomness(&f.keys.public_key, &base).unwrap();
            let e2 = f.scheme.encaps_with_randomness(&f.keys.public_key, &other).unwrap();
            prop_assert_ne!(&e1.shared_secret, &e2.shared_secret, "{}", f.scheme.algorithm().name);
            // ...and the key holder follows each change.
            prop_assert_eq!(&f.scheme.decaps(f.keys.secret_key.expose(), &e2.ciphertext).unwrap(), &e2.shared_secret);
        }
    }

    /// The generic combiner binds every input: changing any one of them
    /// (either secret, either ciphertext, either public key, or the code point)
    /// changes the output.
    #[test]
    fn combiner_binds_every_input(
        parts in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..64), 6..=6),
        which in 0usize..7,
        bit in any::<usize>(),
    ) {
        let cp = registry::codepoint::ML_KEM_1024_X25519;
        let out = |p: &[Vec<u8>], cp: u16| kem::combine(cp, [&p[0], &p[1]], [&p[2], &p[3]], [&p[4], &p[5]]);
        let reference = out(&parts, cp);
        if which == 6 {
            prop_assert_ne!(reference, out(&parts, registry::codepoint::ML_KEM_512_X25519));
        } else {
            let mut changed = parts.clone();
            flip(&mut changed[which], bit);
            prop_assert_ne!(reference, out(&changed, cp));
        }
    }
}

/// Moving bytes between the two fields of the combiner changes the
/// output: the length prefixes keep (ss_A, ss_B) = ("ab", "c") apart from ("a", "bc").
#[test]
fn combiner_fields_do_not_run_together() {
    let cp = registry::codepoint::ML_KEM_512_X25519;
    let a = kem::combine(cp, [b"ab", b"c"], [b"x", b"y"], [b"p", b"q"]);
    let b = kem::combine(cp, [b"a", b"bc"], [b"x", b"y"], [b"p", b"q"]);
    assert_ne!(a, b);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// agilis's ML-KEM (libcrux) against RustCrypto's independent `ml-kem`:
    /// the same seed gives the same public key, the same randomness the same
    /// ciphertext and secret, and each decapsulates the other's ciphertexts.
    #[test]
    fn ml_kem_matches_rustcrypto(seed in prop::array::uniform32(any::<u8>()), m in prop::array::uniform32(any::<u8>())) {
        use ml_kem::{Decapsulate, KeyExport};
        let mut seed64 = [0u8; 64];
        seed64[..32].copy_from_slice(&seed);
        seed64[32..].copy_from_slice(&m);
        macro_rules! check {
            ($cp:expr, $param:ty) => {{
                let ours = kem::scheme($cp).unwrap();
                let kp = ours.keygen_from_seed(&seed64).unwrap();
                let dk = ml_kem::DecapsulationKey::<$param>::from_seed(seed64.into());
                prop_assert_eq!(&kp.public_key[..], &dk.encapsulation_key().to_bytes()[..]);
                let enc = ours.encaps_with_randomness(&kp.public_key, &m).unwrap();
                let (ct, ss) = dk.encapsulation_key().encapsulate_deterministic(&m.into());
                prop_assert_eq!(&enc.ciphertext[..], &ct[..]);
                prop_assert_eq!(enc.shared_secret.expose(), &ss[..]);
                prop_assert_eq!(&dk.decapsulate(&ct)[..], enc.shared_secret.expose());
                // implicit rejection agrees too
                let mut bad = enc.ciphertext.clone();
                let at = m[0] as usize % bad.len();
                bad[at] ^= 1 << (m[1] % 8);
                let ours_bad = ours.decaps(kp.secret_key.expose(), &bad).unwrap();
                let theirs_bad = dk.decapsulate(&bad[..].try_into().unwrap());
                prop_assert_eq!(ours_bad.expose(), &theirs_bad[..]);
            }};
        }
        check!(registry::codepoint::ML_KEM_512, ml_kem::MlKem512);
        check!(registry::codepoint::ML_KEM_768, ml_kem::MlKem768);
        check!(registry::codepoint::ML_KEM_1024, ml_kem::MlKem1024);
    }
}

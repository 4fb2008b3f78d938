//! Property and edge-case tests for every registered signature (primitives
//! and composites), iterated from the registry.
//!
//! SLH-DSA signing is slow (seconds per signature in an unoptimized build),
//! so every suite that rests on the hash-based family gets few cases, and
//! signatures are shared through per-algorithm fixtures. Composite fixtures
//! are built from their components' fixture keys: composites that share a
//! component algorithm then share that component's key, and each
//! component's fixture signature is a standalone signature over the same
//! message — exactly what the moved-half and standalone-half tests need.

use std::collections::HashMap;
use std::sync::OnceLock;

use agilis_suites::registry::{self, Sizes, codepoint as cp};
use agilis_suites::sig::{self, SignatureLength, SignatureScheme};
use agilis_suites::{Algorithm, Error, Family, Kind, SecretBytes};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Cases per property for fast suites and for SLH-DSA-based ones.
const FAST_CASES: u32 = 64;
const SLOW_CASES: u32 = 4;
/// Extra sign operations per SLH-DSA suite in the round-trip property (each
/// fixture already is one round trip).
const SLOW_SIGN_CASES: u32 = 1;

/// The one message every fixture signs.
const MESSAGE: &[u8] = b"agilis sig_props fixture message";

fn signatures() -> impl Iterator<Item = &'static Algorithm> {
    registry::of_kind(Kind::Signature)
}

fn scheme(alg: &Algorithm) -> &'static dyn SignatureScheme {
    sig::scheme(alg.codepoint).unwrap_or_else(|e| panic!("{}: no scheme: {e}", alg.name))
}

fn slow(alg: &Algorithm) -> bool {
    alg.families.contains(&Family::HashBased)
}

fn sizes(alg: &Algorithm) -> (usize, usize, usize) {
    match alg.sizes {
        Sizes::Signature {
            public_key,
            secret_key,
            signature,
        } => (public_key, secret_key, signature),
        other => panic!("{}: not signature sizes: {other:?}", alg.name),
    }
}

/// Runs `test` as a property over `strategy`, with the case count for `alg`.
fn check<S: Strategy>(
    alg: &Algorithm,
    cases: (u32, u32),
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let cases = if slow(alg) { cases.1 } else { cases.0 };
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 256,
        ..Config::default()
    };
    if let Err(e) = TestRunner::new(config).run(&strategy, test) {
        panic!("{}: {e}", alg.name);
    }
}

struct Fixture {
    public_key: Vec<u8>,
    secret_key: SecretBytes,
    /// signature over [`MESSAGE`]
    signature: Vec<u8>,
}

/// The fixture of `codepoint`, built once per test binary.
fn fixture(codepoint: u16) -> &'static Fixture {
    static CELLS: OnceLock<HashMap<u16, OnceLock<Fixture>>> = OnceLock::new();
    let cells = CELLS.get_or_init(|| {
        signatures()
            .map(|a| (a.codepoint, OnceLock::new()))
            .collect()
    });
    cells[&codepoint].get_or_init(|| {
        let alg = registry::by_codepoint(codepoint).unwrap();
        let s = scheme(alg);
        let (public_key, secret_key) = if alg.is_hybrid() {
            let (mut pk, mut sk) = (Vec::new(), Vec::new());
            for &c in alg.components {
                pk.extend_from_slice(&fixture(c).public_key);
                sk.extend_from_slice(fixture(c).secret_key.expose());
            }
            (pk, SecretBytes::new(sk))
        } else {
            let kp = s.keygen().unwrap();
            (kp.public_key, kp.secret_key)
        };
        let signature = s.sign(secret_key.expose(), MESSAGE).unwrap();
        s.verify(&public_key, MESSAGE, &signature).unwrap();
        Fixture {
            public_key,
            secret_key,
            signature,
        }
    })
}

/// `u16be(len a) ‖ a ‖ b`
fn join(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = u16::try_from(a.len()).unwrap().to_be_bytes().to_vec();
    out.extend_from_slice(a);
    out.extend_from_slice(b);
    out
}

/// The two halves of a well-formed composite signature.
fn halves(sig: &[u8]) -> [&[u8]; 2] {
    let len_a = usize::from(u16::from_be_bytes([sig[0], sig[1]]));
    let (a, b) = sig[2..].split_at(len_a);
    [a, b]
}

/// Component `i`'s public key inside a composite public key.
fn component_public_key<'k>(alg: &Algorithm, pk: &'k [u8], i: usize) -> &'k [u8] {
    let first = sizes(registry::by_codepoint(alg.components[0]).unwrap()).0;
    if i == 0 { &pk[..first] } else { &pk[first..] }
}

fn composites() -> impl Iterator<Item = &'static Algorithm> {
    signatures().filter(|a| a.is_hybrid())
}

// ---------------------------------------------------------------- sizes

#[test]
fn generated_sizes_match_registry() {
    for alg in signatures() {
        let s = scheme(alg);
        let (pk, sk, max_sig) = sizes(alg);
        assert_eq!(s.algorithm().codepoint, alg.codepoint);
        let kp = s.keygen().unwrap();
        assert_eq!(kp.public_key.len(), pk, "{} public key", alg.name);
        assert_eq!(kp.secret_key.len(), sk, "{} secret key", alg.name);
        let signature = &fixture(alg.codepoint).signature;
        match s.signature_length() {
            SignatureLength::Fixed(n) => {
                assert_eq!(n, max_sig, "{} fixed signature length", alg.name);
                assert_eq!(signature.len(), max_sig, "{} signature", alg.name);
            }
            SignatureLength::Variable { max } => {
                assert_eq!(max, max_sig, "{} maximum signature length", alg.name);
                assert!(
                    signature.len() <= max_sig,
                    "{} signature {} > {max_sig}",
                    alg.name,
                    signature.len()
                );
            }
        }
        // Falcon, and composites containing it, vary; nothing else does.
        let falcon = alg.families.contains(&Family::NtruLattice);
        assert_eq!(
            matches!(s.signature_length(), SignatureLength::Variable { .. }),
            falcon,
            "{}",
            alg.name
        );
    }
}

// ---------------------------------------------------------------- properties

#[test]
fn sign_verify_round_trip() {
    for alg in signatures() {
        let s = scheme(alg);
        let f = fixture(alg.codepoint);
        check(
            alg,
            (FAST_CASES, SLOW_SIGN_CASES),
            prop::collection::vec(any::<u8>(), 0..512),
            |msg| {
                let signature = s
                    .sign(f.secret_key.expose(), &msg)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert!(s.signature_length().admits(signature.len()));
                prop_assert_eq!(s.verify(&f.public_key, &msg, &signature), Ok(()));
                Ok(())
            },
        );
    }
}

#[test]
fn any_flipped_bit_is_rejected() {
    for alg in signatures() {
        let s = scheme(alg);
        let f = fixture(alg.codepoint);
        let strategy = (any::<Index>(), any::<Index>(), any::<Index>());
        check(
            alg,
            (FAST_CASES, SLOW_CASES),
            strategy,
            |(in_sig, in_msg, in_pk)| {
                let mut signature = f.signature.clone();
                let bit = in_sig.index(signature.len() * 8);
                signature[bit / 8] ^= 1 << (bit % 8);
                prop_assert!(
                    s.verify(&f.public_key, MESSAGE, &signature).is_err(),
                    "signature bit {}",
                    bit
                );

                let mut msg = MESSAGE.to_vec();
                let bit = in_msg.index(msg.len() * 8);
                msg[bit / 8] ^= 1 << (bit % 8);
                prop_assert!(
                    s.verify(&f.public_key, &msg, &f.signature).is_err(),
                    "message bit {}",
                    bit
                );

                let mut pk = f.public_key.clone();
                let bit = in_pk.index(pk.len() * 8);
                pk[bit / 8] ^= 1 << (bit % 8);
                prop_assert!(
                    s.verify(&pk, MESSAGE, &f.signature).is_err(),
                    "public key bit {}",
                    bit
                );
                Ok(())
            },
        );
    }
}

#[test]
fn malformed_signatures_are_rejected() {
    for alg in signatures() {
        let s = scheme(alg);
        let f = fixture(alg.codepoint);
        let max = sizes(alg).2;
        let strategy = (
            any::<Index>(),
            prop::collection::vec(any::<u8>(), 1..64),
            prop::collection::vec(any::<u8>(), 0..max + 64),
        );
        check(
            alg,
            (FAST_CASES, SLOW_CASES),
            strategy,
            |(cut, extra, garbage)| {
                let truncated = &f.signature[..cut.index(f.signature.len())];
                prop_assert!(
                    s.verify(&f.public_key, MESSAGE, truncated).is_err(),
                    "truncated to {}",
                    truncated.len()
                );
                let extended = [f.signature.as_slice(), &extra].concat();
                prop_assert!(
                    s.verify(&f.public_key, MESSAGE, &extended).is_err(),
                    "extended by {:?}",
                    extra
                );
                prop_assert!(
                    s.verify(&f.public_key, MESSAGE, &garbage).is_err(),
                    "garbage of {} bytes",
                    garbage.len()
                );
                Ok(())
            },
        );
        // lengths no strategy is likely to pick
        for len in [0, 1, 2, max, max + 1, 1 << 16, (1 << 16) + 3] {
            assert!(
                s.verify(&f.public_key, MESSAGE, &vec![0u8; len]).is_err(),
                "{}: {len} zero bytes",
                alg.name
            );
            assert!(
                s.verify(&f.public_key, MESSAGE, &vec![0xff; len]).is_err(),
                "{}: {len} 0xff bytes",
                alg.name
            );
        }
        // wrong-length keys
        let (pk, sk, _) = sizes(alg);
        for bad in [0, pk - 1, pk + 1] {
            let key = vec![1u8; bad];
            let expected = Error::InvalidLength {
                what: "public key",
                expected: pk,
                found: bad,
            };
            assert_eq!(
                s.verify(&key, MESSAGE, &f.signature),
                Err(expected),
                "{}",
                alg.name
            );
        }
        for bad in [0, sk - 1, sk + 1] {
            let expected = Error::InvalidLength {
                what: "secret key",
                expected: sk,
                found: bad,
            };
            assert_eq!(
                s.sign(&vec![1u8; bad], MESSAGE),
                Err(expected),
                "{}",
                alg.name
            );
        }
    }
}

// ---------------------------------------------------------------- composites

#[test]
fn composite_half_from_another_key_is_rejected() {
    for alg in composites() {
        let s = scheme(alg);
        let f = fixture(alg.codepoint);
        let other = s.keygen().unwrap();
        let other_sig = s.sign(other.secret_key.expose(), MESSAGE).unwrap();
        assert_eq!(
            s.verify(&other.public_key, MESSAGE, &other_sig),
            Ok(()),
            "{}",
            alg.name
        );
        let [a, b] = halves(&f.signature);
        let [a2, b2] = halves(&other_sig);
        assert!(
            s.verify(&f.public_key, MESSAGE, &join(a2, b)).is_err(),
            "{}: first half from another key",
            alg.name
        );
        assert!(
            s.verify(&f.public_key, MESSAGE, &join(a, b2)).is_err(),
            "{}: second half from another key",
            alg.name
        );
        assert!(
            s.verify(&f.public_key, MESSAGE, &other_sig).is_err(),
            "{}: whole signature of another key",
            alg.name
        );
    }
}

#[test]
fn composite_with_a_half_stripped_is_rejected() {
    for alg in composites() {
        let s = scheme(alg);
        let f = fixture(alg.codepoint);
        let [a, b] = halves(&f.signature);
        let header_a = &f.signature[..2 + a.len()];
        for (what, stripped) in [
            ("second half stripped", join(a, &[])),
            ("second half stripped, header kept", header_a.to_vec()),
            ("first half stripped", join(&[], b)),
            ("first half only", a.to_vec()),
            ("second half only", b.to_vec()),
            ("no header", [a, b].concat()),
            ("header only", f.signature[..2].to_vec()),
            ("halves swapped", join(b, a)),
        ] {
            assert!(
                s.verify(&f.public_key, MESSAGE, &stripped).is_err(),
                "{}: {what}",
                alg.name
            );
        }
    }
}

#[test]
fn composite_half_moved_to_another_composite_is_rejected() {
    let mut moved = 0;
    for x in composites() {
        for y in composites().filter(|y| y.codepoint != x.codepoint) {
            for (i, c) in x.components.iter().enumerate() {
                for j in (0..2).filter(|&j| y.components[j] == *c) {
                    let (fx, fy) = (fixture(x.codepoint), fixture(y.codepoint));
                    // Same component key in both (fixtures share component keys).
                    assert_eq!(
                        component_public_key(x, &fx.public_key, i),
                        component_public_key(y, &fy.public_key, j)
                    );
                    let half = halves(&fx.signature)[i];
                    let mut parts = halves(&fy.signature);
                    parts[j] = half;
                    let forged = join(parts[0], parts[1]);
                    assert!(
                        scheme(y).verify(&fy.public_key, MESSAGE, &forged).is_err(),
                        "{} half of {} accepted in {}",
                        registry::by_codepoint(*c).unwrap().name,
                        x.name,
                        y.name
                    );
                    moved += 1;
                }
            }
        }
    }
    assert!(moved > 0, "no two composites share a component");
}

#[test]
fn standalone_component_signature_is_no_composite_half() {
    for alg in composites() {
        let s = scheme(alg);
        let f = fixture(alg.codepoint);
        for (i, &c) in alg.components.iter().enumerate() {
            let component = scheme(registry::by_codepoint(c).unwrap());
            let standalone = &fixture(c).signature; // same key, over MESSAGE itself
            let pk = component_public_key(alg, &f.public_key, i);
            assert_eq!(component.verify(pk, MESSAGE, standalone), Ok(()));
            let mut parts = halves(&f.signature);
            parts[i] = standalone;
            assert!(
                s.verify(&f.public_key, MESSAGE, &join(parts[0], parts[1]))
                    .is_err(),
                "{}: standalone {} signature accepted as a half",
                alg.name,
                component.algorithm().name
            );
            // nor is a composite half a standalone signature over the message
            let half = halves(&f.signature)[i];
            assert!(
                component.verify(pk, MESSAGE, half).is_err(),
                "{}: half {i} verifies standalone",
                alg.name
            );
        }
    }
}

#[test]
fn composite_length_rules() {
    for alg in composites() {
        let s = scheme(alg);
        let f = fixture(alg.codepoint);
        let [a, b] = halves(&f.signature);
        let comp_a = scheme(registry::by_codepoint(alg.components[0]).unwrap());
        let max_a = comp_a.signature_length().max();

        // The header claims more than the first component's maximum.
        let mut sig = f.signature.clone();
        sig[..2].copy_from_slice(&u16::try_from(max_a + 1).unwrap().to_be_bytes());
        assert_eq!(
            s.verify(&f.public_key, MESSAGE, &sig),
            Err(Error::InvalidLength {
                what: "first component signature",
                expected: max_a,
                found: max_a + 1
            }),
            "{}",
            alg.name
        );
        // The header claims more bytes than follow it.
        let short = join(a, &[]);
        let mut claim = short[..2 + a.len() / 2].to_vec();
        claim[..2].copy_from_slice(&u16::try_from(a.len()).unwrap().to_be_bytes());
        assert!(
            s.verify(&f.public_key, MESSAGE, &claim).is_err(),
            "{}",
            alg.name
        );
        // One byte moved from the second half into the first.
        if !b.is_empty() {
            let mut a1 = a.to_vec();
            a1.push(b[0]);
            assert!(
                s.verify(&f.public_key, MESSAGE, &join(&a1, &b[1..]))
                    .is_err(),
                "{}",
                alg.name
            );
        }
        // Longer than the registry allows.
        let max = sizes(alg).2;
        let long = [
            f.signature.as_slice(),
            &vec![0u8; max + 1 - f.signature.len()],
        ]
        .concat();
        assert_eq!(
            s.verify(&f.public_key, MESSAGE, &long),
            Err(Error::InvalidLength {
                what: "signature",
                expected: max,
                found: max + 1
            }),
            "{}",
            alg.name
        );
    }
}

// ---------------------------------------------------------------- typed errors

#[test]
fn lookup_errors() {
    assert_eq!(sig::scheme(0xffff).err(), Some(Error::UnknownAlgorithm));
    assert_eq!(
        sig::scheme(cp::AES_256_GCM).err(),
        Some(Error::WrongKind {
            expected: Kind::Signature,
            found: Kind::Aead
        })
    );
    assert_eq!(
        sig::ml_dsa_verify_with_context(cp::X_WING, &[], b"", b"", &[]),
        Err(Error::WrongKind {
            expected: Kind::Signature,
            found: Kind::Kem
        })
    );
    assert!(matches!(
        sig::ml_dsa_sign_with_context(cp::ED25519, &[], b"", b""),
        Err(Error::Unsupported(_))
    ));
    assert_eq!(
        sig::ml_dsa_sign_with_context(0xffff, &[], b"", b""),
        Err(Error::UnknownAlgorithm)
    );
}

fn ml_dsa_algorithms() -> impl Iterator<Item = &'static Algorithm> {
    signatures().filter(|a| !a.is_hybrid() && a.families == [Family::ModuleLattice])
}

#[test]
fn ml_dsa_context() {
    let mut seen = 0;
    for alg in ml_dsa_algorithms() {
        let f = fixture(alg.codepoint);
        let (pk, sk) = (&f.public_key, f.secret_key.expose());
        let ctx = b"agilis test context";
        let signature = sig::ml_dsa_sign_with_context(alg.codepoint, sk, MESSAGE, ctx).unwrap();
        assert_eq!(
            sig::ml_dsa_verify_with_context(alg.codepoint, pk, MESSAGE, ctx, &signature),
            Ok(())
        );
        // the context is bound: not valid under another context or the empty one
        assert!(
            sig::ml_dsa_verify_with_context(alg.codepoint, pk, MESSAGE, b"other", &signature)
                .is_err()
        );
        assert!(scheme(alg).verify(pk, MESSAGE, &signature).is_err());
        // plain sign/verify is the empty context
        assert_eq!(
            sig::ml_dsa_verify_with_context(alg.codepoint, pk, MESSAGE, b"", &f.signature),
            Ok(())
        );
        // 255 bytes is the limit
        let long = [0x42u8; 256];
        let signature =
            sig::ml_dsa_sign_with_context(alg.codepoint, sk, MESSAGE, &long[..255]).unwrap();
        assert_eq!(
            sig::ml_dsa_verify_with_context(alg.codepoint, pk, MESSAGE, &long[..255], &signature),
            Ok(())
        );
        let too_long = Err(Error::InvalidLength {
            what: "context",
            expected: 255,
            found: 256,
        });
        assert_eq!(
            sig::ml_dsa_sign_with_context(alg.codepoint, sk, MESSAGE, &long).map(|_| ()),
            too_long
        );
        assert_eq!(
            sig::ml_dsa_verify_with_context(alg.codepoint, pk, MESSAGE, &long, &signature),
            too_long
        );
        seen += 1;
    }
    assert_eq!(seen, 3);
}

#[test]
fn ml_dsa_secret_key_out_of_range() {
    for alg in ml_dsa_algorithms() {
        let f = fixture(alg.codepoint);
        // byte 128 starts s1: 0xff packs η − c = 7 (3-bit) or 15 (4-bit), beyond 2η
        for offset in [128, sizes(alg).1 - 1] {
            let mut sk = f.secret_key.expose().to_vec();
            sk[offset] = 0xff;
            let result = scheme(alg).sign(&sk, MESSAGE);
            if offset == 128 {
                assert_eq!(result, Err(Error::InvalidSecretKey), "{}", alg.name);
            } else {
                // the last byte is in t0, where every value is in range
                assert!(result.is_ok(), "{}: t0 byte rejected", alg.name);
            }
        }
    }
}

fn falcon_algorithms() -> impl Iterator<Item = &'static Algorithm> {
    signatures().filter(|a| !a.is_hybrid() && a.families == [Family::NtruLattice])
}

#[test]
fn falcon_rejects_malformed_keys() {
    let mut seen = 0;
    for alg in falcon_algorithms() {
        let s = scheme(alg);
        let f = fixture(alg.codepoint);
        let mut sk = f.secret_key.expose().to_vec();
        sk[0] ^= 0x01;
        assert_eq!(
            s.sign(&sk, MESSAGE),
            Err(Error::InvalidSecretKey),
            "{}",
            alg.name
        );
        let mut pk = f.public_key.clone();
        pk[0] ^= 0x01;
        assert_eq!(
            s.verify(&pk, MESSAGE, &f.signature),
            Err(Error::InvalidPublicKey),
            "{}",
            alg.name
        );
        // first coefficient 0x3fff ≥ q
        let mut pk = f.public_key.clone();
        pk[1] = 0xff;
        pk[2] |= 0xfc;
        assert_eq!(
            s.verify(&pk, MESSAGE, &f.signature),
            Err(Error::InvalidPublicKey),
            "{}",
            alg.name
        );
        seen += 1;
    }
    assert_eq!(seen, 2);
}

/// PQClean's unpadded Falcon verifier also accepts a signature zero-padded
/// to the padded variant's length; agilis must not (malleability).
#[test]
fn falcon_zero_padded_signature_is_rejected() {
    use pqcrypto_traits::sign::{DetachedSignature as _, PublicKey as _};
    for (codepoint, padded_len) in [
        (
            cp::FALCON_512,
            pqcrypto_falcon::falconpadded512::signature_bytes(),
        ),
        (
            cp::FALCON_1024,
            pqcrypto_falcon::falconpadded1024::signature_bytes(),
        ),
    ] {
        let alg = registry::by_codepoint(codepoint).unwrap();
        let s = scheme(alg);
        let f = fixture(codepoint);
        // fixture signatures are random; sign until one is shorter than the padded length
        let signature = std::iter::repeat_with(|| s.sign(f.secret_key.expose(), MESSAGE).unwrap())
            .find(|sig| sig.len() < padded_len)
            .unwrap();
        let mut padded = signature.clone();
        padded.resize(padded_len, 0);
        let raw_ok = match codepoint {
            cp::FALCON_512 => pqcrypto_falcon::falcon512::verify_detached_signature(
                &pqcrypto_falcon::falcon512::DetachedSignature::from_bytes(&padded).unwrap(),
                MESSAGE,
                &pqcrypto_falcon::falcon512::PublicKey::from_bytes(&f.public_key).unwrap(),
            )
            .is_ok(),
            _ => pqcrypto_falcon::falcon1024::verify_detached_signature(
                &pqcrypto_falcon::falcon1024::DetachedSignature::from_bytes(&padded).unwrap(),
                MESSAGE,
                &pqcrypto_falcon::falcon1024::PublicKey::from_bytes(&f.public_key).unwrap(),
            )
            .is_ok(),
        };
        assert!(
            raw_ok,
            "{}: PQClean no longer accepts zero padding; the canonical check may be moot",
            alg.name
        );
        assert_eq!(s.verify(&f.public_key, MESSAGE, &signature), Ok(()));
        assert_eq!(
            s.verify(&f.public_key, MESSAGE, &padded),
            Err(Error::InvalidSignature),
            "{}",
            alg.name
        );
    }
}

#[test]
fn ed25519_rejects_weak_and_undecodable_keys() {
    let s = sig::scheme(cp::ED25519).unwrap();
    let f = fixture(cp::ED25519);
    // the identity point (y = 1) has small order
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert_eq!(
        s.verify(&identity, MESSAGE, &f.signature),
        Err(Error::InvalidPublicKey)
    );
    // some y has no x on the curve
    let undecodable = (2u8..=255)
        .map(|y| {
            let mut pk = [0u8; 32];
            pk[0] = y;
            pk
        })
        .find(|pk| ed25519_dalek::VerifyingKey::from_bytes(pk).is_err())
        .unwrap();
    assert_eq!(
        s.verify(&undecodable, MESSAGE, &f.signature),
        Err(Error::InvalidPublicKey)
    );
}

#[test]
fn slh_dsa_rejects_corrupt_secret_key() {
    let mut seen = 0;
    for alg in signatures().filter(|a| !a.is_hybrid() && a.families == [Family::HashBased]) {
        let s = scheme(alg);
        let sk = fixture(alg.codepoint).secret_key.expose();
        let n = sk.len() / 4;
        // SK.seed, PK.seed and PK.root all determine PK.root
        for offset in [0, 2 * n, 3 * n, 4 * n - 1] {
            let mut bad = sk.to_vec();
            bad[offset] ^= 0x80;
            assert_eq!(
                s.sign(&bad, MESSAGE),
                Err(Error::InvalidSecretKey),
                "{} byte {offset}",
                alg.name
            );
        }
        seen += 1;
    }
    assert_eq!(seen, 2);
}

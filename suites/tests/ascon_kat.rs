//! The official Ascon known-answer tests (NIST SP 800-232, from the reference
//! implementation's LWC KAT files) through agilis's public API:
//! Ascon-AEAD128 through `AeadKey`, Hash256 / XOF128 / CXOF128 through the
//! `kdf` wrappers. Every entry of every file runs; the counts are asserted.

mod common;


use agilis_suites::Error;
use agilis_suites::aead::{AeadKey, Backend, TAG_LEN};
use agilis_suites::kdf;
use agilis_suites::registry::codepoint::ASCON_AEAD128;

fn load(file: &str) -> Option<Vec<common::Record>> {
    common::read_vectors("ascon", file).map(|text| common::lwc_kat_records(&text))
}

#[test]
fn aead128_all_kats_seal_open_and_reject_bit_flips() {
    let Some(records) = load("asconaead128_LWC_AEAD_KAT_128_128.txt") else {
        return;
    };
    assert_eq!(records.len(), 1089, "Ascon-AEAD128 KAT count");
    for backend in [Backend::Default, Backend::Portable] {
        for r in &records {
            let n = &r["Count"];
            let (key, nonce, pt, ad, expected) = (
                common::kat_field(r, "Key"),
                common::kat_field(r, "Nonce"),
                common::kat_field(r, "PT"),
                common::kat_field(r, "AD"),
                common::kat_field(r, "CT"),
            );
            assert_eq!(
                expected.len(),
                pt.len() + TAG_LEN,
                "KAT {n}: CT is ciphertext ‖ tag"
            );
            let k = AeadKey::with_backend(ASCON_AEAD128, &key, backend).unwrap();

            // detached, in place
            let mut buf = pt.clone();
            let tag = k.seal_in_place_detached(&nonce, &ad, &mut buf).unwrap();
            assert_eq!(
                [&buf[..], &tag[..]].concat(),
                expected,
                "KAT {n}: seal_in_place_detached"
            );
            k.open_in_place_detached(&nonce, &ad, &mut buf, &tag)
                .unwrap();
            assert_eq!(buf, pt, "KAT {n}: open_in_place_detached");

            // allocating
            assert_eq!(k.seal(&nonce, &ad, &pt).unwrap(), expected, "KAT {n}: seal");
            assert_eq!(k.open(&nonce, &ad, &expected).unwrap(), pt, "KAT {n}: open");

            // One flipped bit in the ciphertext (when there is one) and one
            // in the tag, at positions that wander with the record number.
            let count: usize = n.parse().unwrap();
            let mut flips = vec![pt.len() * 8 + count % (TAG_LEN * 8)];
            if !pt.is_empty() {
                flips.push((count * 7) % (pt.len() * 8));
            }
            for bit in flips {
                let mut tampered = expected.clone();
                tampered[bit / 8] ^= 1 << (bit % 8);
                let (ct, tag) = tampered.split_at(pt.len());
                let mut buf = ct.to_vec();
                assert_eq!(
                    k.open_in_place_detached(&nonce, &ad, &mut buf, tag),
                    Err(Error::AuthenticationFailed),
                    "KAT {n}: bit {bit} flipped"
                );
                assert!(
                    buf.iter().all(|&b| b == 0),
                    "KAT {n}: buffer not zeroized after failure"
                );
                assert_eq!(
                    k.open(&nonce, &ad, &tampered),
                    Err(Error::AuthenticationFailed),
                    "KAT {n}: open, bit {bit}"
                );
            }
        }
    }
}

#[test]
fn hash256_all_kats() {
    let Some(records) = load("asconhash256_LWC_HASH_KAT_128_256.txt") else {
        return;
    };
    assert_eq!(records.len(), 1025, "Ascon-Hash256 KAT count");
    for r in &records {
        assert_eq!(
            kdf::ascon_hash256(&common::kat_field(r, "Msg")).to_vec(),
            common::kat_field(r, "MD"),
            "Hash256 KAT {}",
            r["Count"]
        );
    }
}

#[test]
fn xof128_all_kats() {
    let Some(records) = load("asconxof128_LWC_XOF_KAT_128_512.txt") else {
        return;
    };
    assert_eq!(records.len(), 1025, "Ascon-XOF128 KAT count");
    for r in &records {
        let md = common::kat_field(r, "MD");
        let mut out = vec![0u8; md.len()];
        kdf::ascon_xof128(&common::kat_field(r, "Msg"), &mut out);
        assert_eq!(out, md, "XOF128 KAT {}", r["Count"]);
    }
}

#[test]
fn cxof128_all_kats() {
    let Some(records) = load("asconcxof128_LWC_CXOF_KAT_128_512.txt") else {
        return;
    };
    assert_eq!(records.len(), 1089, "Ascon-CXOF128 KAT count");
    let mut customization_lengths = std::collections::BTreeSet::new();
    for r in &records {
        let (msg, z, md) = (common::kat_field(r, "Msg"), common::kat_field(r, "Z"), common::kat_field(r, "MD"));
        customization_lengths.insert(z.len());
        let mut out = vec![0u8; md.len()];
        kdf::ascon_cxof128(&z, &msg, &mut out).unwrap();
        assert_eq!(out, md, "CXOF128 KAT {}", r["Count"]);
    }
    // The padding of Z has a special case at multiples of 8 bytes: make sure
    // the file exercised lengths on both sides of a block boundary.
    assert!(
        customization_lengths.contains(&0)
            && customization_lengths.contains(&8)
            && customization_lengths.contains(&9)
    );
}

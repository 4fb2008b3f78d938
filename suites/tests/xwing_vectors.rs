//! X-Wing against the draft's published vectors ($AGILIS_VECTORS/xwing), and
//! against the independent RustCrypto `x-wing` crate.

mod common;

use agilis_suites::kem;
use agilis_suites::registry::codepoint as cp;
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    seed: String,
    eseed: String,
    ss: String,
    sk: String,
    pk: String,
    ct: String,
}

#[test]
fn xwing_matches_published_vectors() {
    let Some(text) = common::read_vectors("xwing", "xwing_test_vectors.json") else {
        return;
    };
    let vectors: Vec<Vector> = serde_json::from_str(&text).expect("xwing_test_vectors.json parses");
    assert!(!vectors.is_empty());
    let xwing = kem::scheme(cp::X_WING).unwrap();
    for (i, v) in vectors.iter().enumerate() {
        let kp = xwing.keygen_from_seed(&common::unhex(&v.seed)).unwrap();
        assert_eq!(kp.public_key, common::unhex(&v.pk), "vector {i}: pk");
        assert_eq!(
            kp.secret_key.expose(),
            &common::unhex(&v.sk)[..],
            "vector {i}: sk"
        );
        let enc = xwing
            .encaps_with_randomness(&kp.public_key, &common::unhex(&v.eseed))
            .unwrap();
        assert_eq!(enc.ciphertext, common::unhex(&v.ct), "vector {i}: ct");
        assert_eq!(
            enc.shared_secret.expose(),
            &common::unhex(&v.ss)[..],
            "vector {i}: ss"
        );
        let ss = xwing
            .decaps(kp.secret_key.expose(), &enc.ciphertext)
            .unwrap();
        assert_eq!(ss.expose(), &common::unhex(&v.ss)[..], "vector {i}: decaps");
    }
    eprintln!("X-Wing: {} published vectors passed", vectors.len());
}

/// Our X-Wing and RustCrypto's `x-wing` crate agree on keys, and each
/// decapsulates what the other encapsulates.
#[test]
fn xwing_interoperates_with_independent_implementation() {
    use x_wing::{Decapsulate, Decapsulator, KeyExport};
    let xwing = kem::scheme(cp::X_WING).unwrap();
    for i in 0..16u8 {
        let seed = [i.wrapping_mul(37).wrapping_add(1); 32];
        let ours = xwing.keygen_from_seed(&seed).unwrap();
        let theirs = x_wing::DecapsulationKey::from(seed);
        let their_pk = theirs.encapsulation_key().to_bytes();
        assert_eq!(ours.public_key, their_pk.as_slice());

        // theirs -> ours (their deterministic encapsulation, with fresh-looking randomness)
        let randomness = [i.wrapping_mul(91).wrapping_add(7); 64];
        let (ct, ss) = theirs
            .encapsulation_key()
            .encapsulate_deterministic(&randomness.into());
        let our_ss = xwing
            .decaps(ours.secret_key.expose(), ct.as_slice())
            .unwrap();
        assert_eq!(our_ss.expose(), ss.as_slice());

        // ours -> theirs
        let enc = xwing.encaps(&ours.public_key).unwrap();
        let ct = x_wing::Ciphertext::try_from(enc.ciphertext.as_slice()).unwrap();
        let their_ss = theirs.decapsulate(&ct);
        assert_eq!(their_ss.as_slice(), enc.shared_secret.expose());
    }
}

//! Untrusted bytes into every KEM: public keys (encapsulation) and secret
//! keys / ciphertexts (decapsulation), of any length. Errors are fine;
//! panics are not.
#![no_main]

use agilis_suites::kem;
use agilis_suites::registry::{self, Kind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let kems: Vec<_> = registry::of_kind(Kind::Kem).collect();
    let alg = kems[selector as usize % kems.len()];
    let s = kem::scheme(alg.codepoint).unwrap();
    // Split the rest in two at a fuzzer-chosen point.
    let cut = rest.first().map_or(0, |&b| b as usize * rest.len() / 256);
    let (a, b) = rest.split_at(cut);
    let _ = s.encaps(rest);
    let _ = s.decaps(a, b);
    // A valid key with a hostile ciphertext: implicit rejection, never a panic.
    if let Ok(kp) = s.keygen_from_seed(&vec![selector; s.seed_len().unwrap_or(0)]) {
        let _ = s.decaps(kp.secret_key.expose(), rest);
    }
});

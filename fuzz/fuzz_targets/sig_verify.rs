//! Untrusted public keys, messages and signatures into every signature
//! scheme, composites included (their signature parser above all).
#![no_main]

use agilis_suites::registry::{self, Kind};
use agilis_suites::sig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let sigs: Vec<_> = registry::of_kind(Kind::Signature).collect();
    let alg = sigs[(selector & 0x7f) as usize % sigs.len()];
    let s = sig::scheme(alg.codepoint).unwrap();
    let registry::Sizes::Signature { public_key: pk_len, .. } = alg.sizes else { return };
    // Half the time a well-sized public key, so the signature parser is reached.
    let (pk, sig_bytes) = if selector & 0x80 != 0 && rest.len() >= pk_len {
        rest.split_at(pk_len)
    } else {
        let cut = rest.first().map_or(0, |&b| b as usize * rest.len() / 256);
        rest.split_at(cut)
    };
    // Fuzzer-made bytes must never pass as a signature over this message
    // (Ed25519's weak keys are refused by strict verification).
    assert!(s.verify(pk, b"fuzz message", sig_bytes).is_err(), "accepted fuzzer bytes as a {} signature", alg.name);
});

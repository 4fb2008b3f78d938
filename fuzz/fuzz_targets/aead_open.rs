//! Untrusted ciphertexts into every AEAD's open: never a panic, never
//! plaintext from a forged tag.
#![no_main]

use agilis_suites::aead::{AeadKey, Backend};
use agilis_suites::registry::{self, Kind, Sizes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let aeads: Vec<_> = registry::of_kind(Kind::Aead).collect();
    let alg = aeads[(selector & 0x7f) as usize % aeads.len()];
    let Sizes::Aead { key, nonce, .. } = alg.sizes else { return };
    let backend = if selector & 0x80 != 0 { Backend::Portable } else { Backend::Default };
    if rest.len() < key + nonce {
        let _ = AeadKey::with_backend(alg.codepoint, rest, backend);
        return;
    }
    let (k, rest) = rest.split_at(key);
    let (n, ct) = rest.split_at(nonce);
    let Ok(k) = AeadKey::with_backend(alg.codepoint, k, backend) else { return };
    // Whatever opens must be exactly what sealing the plaintext gives: the
    // fuzzer may rebuild a genuine ciphertext from a seed, but it must never
    // get plaintext out of anything else.
    if let Ok(pt) = k.open(n, b"", ct) {
        assert_eq!(k.seal(n, b"", &pt).ok().as_deref(), Some(ct), "{} opened a forged ciphertext", alg.name);
    }
    let _ = k.open(&n[..n.len() / 2], b"", ct);
});

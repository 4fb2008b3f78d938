//! ascon-kdf128, agilis's own construction (see the `kdf` module docs):
//! it is exactly the documented CXOF128 encoding, deterministic, depends on
//! every input, keeps field boundaries, and has the XOF prefix property.

use agilis_suites::Error;
use agilis_suites::kdf::{self, ASCON_KDF128_CUSTOMIZATION};
use agilis_suites::registry::codepoint::{ASCON_KDF128, HKDF_SHA256, HKDF_SHA384};

fn derive(salt: &[u8], ikm: &[u8], info: &[u8], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    kdf::derive(ASCON_KDF128, salt, ikm, info, &mut out).unwrap();
    out
}

fn lp(x: &[u8]) -> Vec<u8> {
    [&(x.len() as u32).to_be_bytes()[..], x].concat()
}

/// The construction, spelled out through the public CXOF128 (itself checked
/// against the official KATs in ascon_kat.rs).
#[test]
fn is_the_documented_cxof128_encoding() {
    for (salt, ikm, info) in [
        (&b""[..], &b""[..], &b""[..]),
        (b"salt", b"input keying material", b"context"),
        (&[0u8; 100][..], &[1u8; 7][..], &[2u8; 33][..]),
    ] {
        let x = [lp(salt), lp(ikm), lp(info)].concat();
        let mut expected = [0u8; 80];
        kdf::ascon_cxof128(ASCON_KDF128_CUSTOMIZATION, &x, &mut expected).unwrap();
        assert_eq!(derive(salt, ikm, info, 80), expected);
    }
    assert_eq!(ASCON_KDF128_CUSTOMIZATION, b"agilis/ascon-kdf128/v1");
}

#[test]
fn deterministic() {
    assert_eq!(
        derive(b"salt", b"ikm", b"info", 64),
        derive(b"salt", b"ikm", b"info", 64)
    );
}

#[test]
fn depends_on_every_input() {
    let base = derive(b"salt", b"ikm", b"info", 32);
    assert_ne!(base, derive(b"salT", b"ikm", b"info", 32), "salt");
    assert_ne!(base, derive(b"salt", b"ikM", b"info", 32), "ikm");
    assert_ne!(base, derive(b"salt", b"ikm", b"infO", 32), "info");
    assert_ne!(base, derive(b"", b"ikm", b"info", 32), "empty salt");
    assert_ne!(base, derive(b"salt", b"ikm", b"", 32), "empty info");
    // A different customization string (another CXOF user) gives another key.
    let x = [lp(b"salt"), lp(b"ikm"), lp(b"info")].concat();
    let mut other = [0u8; 32];
    kdf::ascon_cxof128(b"agilis/ascon-kdf128/v2", &x, &mut other).unwrap();
    assert_ne!(base, other, "customization");
}

/// Length prefixes make (salt, ikm, info) → X injective: moving bytes across
/// a field boundary changes the output.
#[test]
fn field_boundaries_matter() {
    let a = derive(b"ab", b"c", b"", 32);
    assert_ne!(a, derive(b"a", b"bc", b"", 32));
    assert_ne!(a, derive(b"", b"abc", b"", 32));
    assert_ne!(derive(b"", b"ikm", b"x", 32), derive(b"", b"ikmx", b"", 32));
}

/// XOF prefix property (documented): the output length is not an input, so a
/// shorter output is a prefix of a longer one. HKDF behaves the same way.
#[test]
fn prefix_property() {
    let long = derive(b"salt", b"ikm", b"info", 64);
    for len in [0, 1, 7, 8, 9, 16, 32, 63] {
        assert_eq!(
            derive(b"salt", b"ikm", b"info", len),
            long[..len],
            "length {len}"
        );
    }
    for cp in [HKDF_SHA256, HKDF_SHA384] {
        let (mut short, mut long) = ([0u8; 32], [0u8; 64]);
        kdf::derive(cp, b"salt", b"ikm", b"info", &mut short).unwrap();
        kdf::derive(cp, b"salt", b"ikm", b"info", &mut long).unwrap();
        assert_eq!(short, long[..32]);
    }
}

#[test]
fn output_limit_from_the_registry() {
    let mut out = vec![0u8; (1 << 16) + 1];
    assert_eq!(
        kdf::derive(ASCON_KDF128, b"", b"ikm", b"", &mut out),
        Err(Error::OutputTooLong)
    );
    kdf::derive(ASCON_KDF128, b"", b"ikm", b"", &mut out[..1 << 16]).unwrap();
}

#[test]
fn cxof_customization_limit_is_2048_bits() {
    let mut out = [0u8; 32];
    kdf::ascon_cxof128(&[0x5a; 256], b"msg", &mut out).unwrap();
    assert_eq!(
        kdf::ascon_cxof128(&[0x5a; 257], b"msg", &mut out),
        Err(Error::InvalidLength {
            what: "customization string",
            expected: 256,
            found: 257
        })
    );
}

/// CXOF128 with an empty customization string is still not XOF128 (other IV).
#[test]
fn cxof_is_domain_separated_from_xof() {
    let (mut c, mut x) = ([0u8; 32], [0u8; 32]);
    kdf::ascon_cxof128(b"", b"msg", &mut c).unwrap();
    kdf::ascon_xof128(b"msg", &mut x);
    assert_ne!(c, x);
}

//! Untrusted vehicle-to-edge encodings: warrants and warrant frames (from
//! edges), pseudonym credentials (inside requests, and the logs the
//! authority traces), the authority's public key file. The first byte
//! selects the decoder; what decodes must re-encode to the same bytes and
//! must never verify under an authority that did not sign it.
#![no_main]

use std::sync::OnceLock;

use agilis_negotiate::v2x::frames::decode_warrant_frame;
use agilis_negotiate::v2x::{Authority, AuthorityPublic, EdgeWarrant, PseudonymCredential};
use libfuzzer_sys::fuzz_target;

fn authority() -> &'static Authority {
    static A: OnceLock<Authority> = OnceLock::new();
    A.get_or_init(|| Authority::generate_default("fuzz-authority").unwrap())
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let a = authority();
    match selector % 5 {
        0 => {
            if let Ok(w) = EdgeWarrant::decode(bytes) {
                assert_eq!(w.encode(), bytes, "warrant encoding is canonical");
                assert!(w.verify(a.public()).is_err(), "fuzzer bytes never verify");
            }
        }
        1 => {
            if let Ok(c) = PseudonymCredential::decode(bytes) {
                assert_eq!(c.encode(), bytes, "credential encoding is canonical");
                assert!(c.verify(a.public()).is_err(), "fuzzer bytes never verify");
            }
            assert!(a.trace(bytes).is_err(), "only issued credentials can be traced");
        }
        2 => {
            if let Ok(p) = AuthorityPublic::decode(bytes) {
                assert_eq!(p.encode(), bytes, "authority key encoding is canonical");
            }
        }
        3 => {
            if let Ok(w) = decode_warrant_frame(bytes) {
                assert!(w.verify(a.public()).is_err(), "fuzzer bytes never verify");
            }
        }
        _ => {
            let _ = Authority::decode(bytes);
        }
    }
});

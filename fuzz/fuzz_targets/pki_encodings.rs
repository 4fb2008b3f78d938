//! Untrusted certificates, status lists and tokens (all arrive from peers).
//! The first byte selects the decoder; what decodes must re-encode to the
//! same bytes, and a certificate must never verify under a key it does not
//! come from.
#![no_main]

use agilis_negotiate::cert::{Certificate, StatusList};
use agilis_negotiate::token::Token;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    match selector % 3 {
        0 => {
            if let Ok(c) = Certificate::decode(bytes) {
                assert_eq!(c.encode(), bytes, "certificate encoding is canonical");
                assert!(c.not_before <= c.not_after);
                let _ = c.verify_signature(&c);
            }
        }
        1 => {
            if let Ok(l) = StatusList::decode(bytes) {
                assert_eq!(l.encode(), bytes, "status list encoding is canonical");
                assert!(l.revoked.windows(2).all(|w| w[0] < w[1]));
            }
        }
        _ => {
            if let Ok(t) = Token::decode(bytes) {
                assert_eq!(t.encode(), bytes, "token encoding is canonical");
            }
        }
    }
});

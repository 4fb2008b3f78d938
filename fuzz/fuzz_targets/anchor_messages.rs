//! Untrusted bytes as a stream of anchor-protocol frames: the frame header
//! parser (version, type, length bound) and every handshake-message decoder.
//! What decodes must re-encode to the same bytes (the encoding is canonical).
#![no_main]

use agilis_negotiate::messages::{
    self, Finish, Offer, Selection, msg_type, parse_header, split_frame,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut rest = data;
    while let Ok(Some((t, total))) = parse_header(rest) {
        assert!(total >= messages::HEADER_LEN);
        assert!(total - messages::HEADER_LEN <= messages::max_body(t).unwrap());
        if rest.len() < total {
            assert!(split_frame(rest).is_err());
            return;
        }
        let frame = &rest[..total];
        let (t2, body) = split_frame(frame).expect("a whole frame splits");
        assert_eq!(t, t2);
        match t {
            msg_type::OFFER => {
                if let Ok(o) = Offer::decode(body) {
                    assert_eq!(o.encode(), body, "offer encoding is canonical");
                }
            }
            msg_type::RETRY => {
                let _ = messages::decode_retry(body);
            }
            msg_type::SELECTION => {
                if let Ok(s) = Selection::decode(body) {
                    assert!(
                        s.ct_end <= s.cert_end
                            && s.cert_end <= s.sig_end
                            && s.sig_end <= body.len()
                    );
                }
            }
            msg_type::FINISH => {
                if let Ok(f) = Finish::decode(body) {
                    assert!(f.cert_end <= f.sig_end && f.sig_end <= body.len());
                }
            }
            msg_type::ALERT => {
                let _ = messages::decode_alert(body);
            }
            _ => {}
        }
        rest = &rest[total..];
    }
});

//! Untrusted and altered records into a live stream `Session::receive`. The
//! input is a script: the sending side seals data, updates keys or closes;
//! the receiving side gets the next genuine record, the next one with a byte
//! altered, or raw fuzzer bytes. What must hold: no panic; only the next
//! genuine record opens, with its own content; anything else fails and the
//! session stays failed.
//!
//! Script (after byte 0, the AEAD): `op % 6` = 0 `len`: seal `4·len` bytes
//! (records of at most 512) · 1: key update · 2: deliver the next genuine
//! record · 3 `at bit`: deliver it with byte `at` XOR `bit` · 4 `n bytes…`:
//! deliver `n` raw bytes · 5: close.
#![no_main]

use std::sync::{Arc, OnceLock};

use agilis_driver::SoftwareEngine;
use agilis_negotiate::cert::{Certificate, CertificateRequest, Role, SigningKey};
use agilis_negotiate::messages::parse_header;
use agilis_negotiate::pki::{DEFAULT_SIGNATURE, anchor_capabilities};
use agilis_negotiate::{Error, Event, Policy, RecordLimits, Session, SessionInfo, Suite};
use agilis_suites::SecretBytes;
use agilis_suites::registry::codepoint as cp;
use libfuzzer_sys::fuzz_target;

const NOW: u64 = 1_750_000_000_000;

fn peer() -> &'static Certificate {
    static CERT: OnceLock<Certificate> = OnceLock::new();
    CERT.get_or_init(|| {
        let key = SigningKey::generate(DEFAULT_SIGNATURE).unwrap();
        key.issue(&CertificateRequest {
            role: Role::Anchor,
            serial: 1,
            subnet: "fuzz".into(),
            key_alg: key.alg,
            public_key: key.public_key.clone(),
            not_before: NOW - 1,
            not_after: NOW + 1,
            capabilities: anchor_capabilities(),
        })
        .unwrap()
    })
}

fn session(send: u8, recv: u8, aead: u16) -> Session {
    let info = SessionInfo {
        initiator: send == 1,
        suite: Suite {
            kem: cp::ML_KEM_1024_HQC_256,
            aead,
            kdf: cp::HKDF_SHA384,
            sig_initiator: cp::ML_DSA_65_ED25519,
            sig_responder: cp::ML_DSA_65_ED25519,
        },
        families: vec![],
        transcript_hash: vec![0; 48],
        binding: [0; 32],
        peer: agilis_negotiate::Peer::Anchor(peer().clone()),
        retried: false,
        peer_aeads: vec![cp::AES_256_GCM, cp::CHACHA20_POLY1305],
    };
    let limits = RecordLimits {
        max_plaintext: 512,
        max_records_per_key: 8,
        ..Default::default()
    };
    Session::from_traffic_secrets(
        info,
        Policy::by_name("anchor").unwrap(),
        Arc::new(SoftwareEngine::new()),
        limits,
        SecretBytes::from_slice(&[send; 48]),
        SecretBytes::from_slice(&[recv; 48]),
        NOW,
    )
    .unwrap()
}

fn frames(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while let Ok(Some((_, total))) = parse_header(bytes) {
        out.push(bytes[..total].to_vec());
        bytes = &bytes[total..];
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, mut script)) = data.split_first() else {
        return;
    };
    let aead = [cp::AES_256_GCM, cp::CHACHA20_POLY1305, cp::ASCON_AEAD128][first as usize % 3];
    let mut a = session(1, 2, aead);
    let mut b = session(2, 1, aead);
    // genuine records not yet delivered, with what each must open to (None: not data)
    let mut queue: std::collections::VecDeque<(Vec<u8>, Option<Vec<u8>>)> = Default::default();
    let mut failed = false;
    let next = |s: &mut &[u8]| -> Option<u8> {
        let (&x, rest) = s.split_first()?;
        *s = rest;
        Some(x)
    };
    while let Some(op) = next(&mut script) {
        match op % 6 {
            0 => {
                let len = next(&mut script).unwrap_or(0) as usize * 4;
                let payload = vec![op; len];
                if a.send(&payload, NOW).is_err() {
                    continue;
                }
                let chunks: Vec<Vec<u8>> = payload.chunks(512).map(<[u8]>::to_vec).collect();
                let mut chunks = chunks.into_iter();
                for f in frames(&a.take_output()) {
                    let d = if f[1] == 0x10 { chunks.next() } else { None };
                    queue.push_back((f, d));
                }
            }
            1 | 5 => {
                let r = if op % 6 == 1 {
                    a.request_key_update(NOW)
                } else {
                    a.close(NOW)
                };
                if r.is_ok() {
                    queue.extend(frames(&a.take_output()).into_iter().map(|f| (f, None)));
                }
            }
            2 => {
                let Some((f, want)) = queue.pop_front() else {
                    continue;
                };
                match b.receive(&f, NOW) {
                    Ok(Event::Data(d)) => assert_eq!(Some(d), want),
                    Ok(_) => assert!(want.is_none()),
                    Err(Error::SessionFailed | Error::Closed) => {}
                    Err(e) => panic!("a genuine record in order failed: {e}"),
                }
                let _ = b.take_output();
            }
            3 => {
                let Some((mut f, _)) = queue.pop_front() else {
                    continue;
                };
                let at = next(&mut script).unwrap_or(0) as usize % f.len();
                f[at] ^= next(&mut script).unwrap_or(1).max(1);
                assert!(b.receive(&f, NOW).is_err(), "an altered record opened");
                failed = true;
            }
            _ => {
                let n = (next(&mut script).unwrap_or(0) as usize).min(script.len());
                let (raw, rest) = script.split_at(n);
                script = rest;
                if b.receive(raw, NOW).is_ok() {
                    assert!(!failed, "a failed session opened a record");
                    let (f, _) = queue.pop_front().expect("fuzzer bytes opened");
                    assert_eq!(f, raw, "fuzzer bytes opened");
                } else {
                    failed = true;
                }
            }
        }
    }
});

//! Untrusted and altered datagrams into a live `DatagramSession`. The input
//! is a script: the sending side seals data, updates keys or closes; the
//! receiving side gets genuine datagrams (in any order, again, or with one
//! byte altered), raw fuzzer bytes, and time passing. What must hold: no
//! panic; only a genuine datagram opens, at most once, with its own
//! plaintext; an altered one never opens.
//!
//! Script (after byte 0, the AEAD): `op % 7` = 0 `len`: seal `len` bytes ·
//! 1: key update · 2 `i`: deliver genuine datagram `i` · 3 `i at bit`: deliver
//! it with byte `at` XOR `bit` · 4 `n bytes…`: deliver `n` raw bytes ·
//! 5: close · 6 `s`: `s` seconds pass.
#![no_main]

use std::sync::{Arc, OnceLock};

use agilis_driver::SoftwareEngine;
use agilis_negotiate::cert::{Certificate, CertificateRequest, Role, SigningKey};
use agilis_negotiate::pki::{DEFAULT_SIGNATURE, anchor_capabilities};
use agilis_negotiate::{
    DatagramEvent, DatagramLimits, DatagramSession, Policy, SessionInfo, Suite,
};
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

fn session(send: u8, recv: u8, aead: u16) -> DatagramSession {
    let suite = Suite {
        kem: cp::ML_KEM_1024_HQC_256,
        aead,
        kdf: cp::HKDF_SHA384,
        sig_initiator: cp::ML_DSA_65_ED25519,
        sig_responder: cp::ML_DSA_65_ED25519,
    };
    let info = SessionInfo {
        initiator: send == 1,
        suite,
        families: vec![],
        transcript_hash: vec![0; 48],
        binding: [0; 32],
        peer: agilis_negotiate::Peer::Anchor(peer().clone()),
        retried: false,
        peer_aeads: vec![cp::AES_256_GCM, cp::CHACHA20_POLY1305],
    };
    let limits = DatagramLimits {
        max_datagrams_per_epoch: 8,
        previous_epoch_datagrams: 16,
        ..Default::default()
    };
    DatagramSession::from_base_secrets(
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

/// A datagram the sender really sealed.
struct Genuine {
    bytes: Vec<u8>,
    event: DatagramEvent,
    opened: bool,
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, mut script)) = data.split_first() else {
        return;
    };
    let aead = [cp::AES_256_GCM, cp::CHACHA20_POLY1305, cp::ASCON_AEAD128][first as usize % 3];
    let mut a = session(1, 2, aead);
    let mut b = session(2, 1, aead);
    let mut genuine: Vec<Genuine> = Vec::new();
    let mut now = NOW;
    let next = |s: &mut &[u8]| -> Option<u8> {
        let (&x, rest) = s.split_first()?;
        *s = rest;
        Some(x)
    };
    while let Some(op) = next(&mut script) {
        match op % 7 {
            0 | 5 => {
                let before = genuine.len();
                let event = if op % 7 == 0 {
                    let len = next(&mut script).unwrap_or(0) as usize;
                    let payload = vec![op; len];
                    if a.send(&payload, now).is_err() {
                        continue;
                    }
                    DatagramEvent::Data(payload)
                } else {
                    if a.close(now).is_err() {
                        continue;
                    }
                    DatagramEvent::Closed
                };
                let mut out = a.take_datagrams();
                assert_eq!(out.len(), 1);
                genuine.push(Genuine {
                    bytes: out.remove(0),
                    event,
                    opened: false,
                });
                assert_eq!(genuine.len(), before + 1);
            }
            1 => {
                let _ = a.request_key_update();
            }
            2 | 3 => {
                let Some(i) = next(&mut script) else { break };
                if genuine.is_empty() {
                    continue;
                }
                let g = i as usize % genuine.len();
                let mut d = genuine[g].bytes.clone();
                if op % 7 == 3 {
                    let at = next(&mut script).unwrap_or(0) as usize % d.len();
                    let bit = next(&mut script).unwrap_or(1).max(1);
                    d[at] ^= bit;
                    assert!(b.receive(&d, now).is_err(), "an altered datagram opened");
                    continue;
                }
                if let Ok(e) = b.receive(&d, now) {
                    assert!(!genuine[g].opened, "a datagram opened twice");
                    assert_eq!(e, genuine[g].event);
                    genuine[g].opened = true;
                }
            }
            4 => {
                let n = (next(&mut script).unwrap_or(0) as usize).min(script.len());
                let (raw, rest) = script.split_at(n);
                script = rest;
                if b.receive(raw, now).is_ok() {
                    let g = genuine.iter_mut().find(|g| g.bytes == raw && !g.opened);
                    g.expect("fuzzer bytes opened").opened = true;
                }
            }
            _ => now += next(&mut script).unwrap_or(0) as u64 * 1000,
        }
    }
});

//! Untrusted frames into the handshake state machines: byte 0 chooses the
//! responder (even) or the initiator (odd, after it sent its offer); the rest
//! is a stream of frames fed one by one at the seeds' fixed time. Nothing may
//! panic, and no fuzzer-made frame may complete a handshake.
#![no_main]

use std::sync::{Arc, OnceLock};

use agilis_driver::SoftwareEngine;
use agilis_negotiate::cert::{CertificateRequest, Role, SigningKey, StatusList};
use agilis_negotiate::messages::parse_header;
use agilis_negotiate::pki::{DEFAULT_SIGNATURE, Identity, anchor_capabilities};
use agilis_negotiate::trust::LocalTrust;
use agilis_negotiate::{
    Config, Initiator, InitiatorOutput, Policy, ReplayCache, Responder, ResponderOutput,
};
use libfuzzer_sys::fuzz_target;

const NOW: u64 = 1_750_000_000_000;
const DAY: u64 = 24 * 3600 * 1000;

fn config() -> &'static Config {
    static CFG: OnceLock<Config> = OnceLock::new();
    CFG.get_or_init(|| {
        let ca_key = SigningKey::generate(DEFAULT_SIGNATURE).unwrap();
        let req = |role, key: &SigningKey| CertificateRequest {
            role,
            serial: 1,
            subnet: "fuzz".into(),
            key_alg: key.alg,
            public_key: key.public_key.clone(),
            not_before: NOW - DAY,
            not_after: NOW + DAY,
            capabilities: anchor_capabilities(),
        };
        let ca = ca_key.issue(&req(Role::Ca, &ca_key)).unwrap();
        let trust = LocalTrust::new();
        trust.add_ca(ca).unwrap();
        trust
            .add_status_list(StatusList::sign(&ca_key, 1, NOW - DAY, NOW + DAY, vec![]).unwrap())
            .unwrap();
        let key = SigningKey::generate(DEFAULT_SIGNATURE).unwrap();
        let cert = ca_key.issue(&req(Role::Anchor, &key)).unwrap();
        Config::new(
            Arc::new(Identity::new(cert, key).unwrap()),
            Arc::new(trust),
            Policy::by_name("anchor").unwrap(),
            Arc::new(SoftwareEngine::new()),
        )
    })
}

fn frames(mut rest: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    // Malformed headers are passed on whole: the state machine must reject them itself.
    while !rest.is_empty() && out.len() < 4 {
        let total = match parse_header(rest) {
            Ok(Some((_, total))) if total <= rest.len() => total,
            _ => rest.len(),
        };
        out.push(&rest[..total]);
        rest = &rest[total..];
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let cfg = config().clone();
    if selector % 2 == 0 {
        let mut r = Responder::new(cfg, Arc::new(ReplayCache::new(16)));
        for f in frames(rest) {
            match r.receive(f, NOW) {
                Ok(ResponderOutput::Send(_)) => {}
                Ok(ResponderOutput::Established(_)) => panic!("fuzzer bytes completed a handshake"),
                Err(_) => break,
            }
        }
    } else {
        let Ok((mut i, _offer)) = Initiator::new(cfg, NOW) else {
            return;
        };
        for f in frames(rest) {
            match i.receive(f, NOW) {
                Ok(InitiatorOutput::Send(_)) => {}
                Ok(InitiatorOutput::Established { .. }) => {
                    panic!("fuzzer bytes completed a handshake")
                }
                Err(_) => break,
            }
        }
    }
});

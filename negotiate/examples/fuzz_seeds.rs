//! Writes seed inputs for the cargo-fuzz targets of this crate into
//! `DIR/<target>/` (default `fuzz/corpus`): real handshake frames (offer,
//! retry, retried offer, selection, finish, records), a certificate, a status
//! list and a token, all made at the fixed time the targets use.
//!
//! `cargo run -p agilis-negotiate --example fuzz_seeds -- fuzz/corpus`

use std::path::{Path, PathBuf};
use std::sync::Arc;

use agilis_driver::SoftwareEngine;
use agilis_negotiate::cert::{CertificateRequest, Role, SigningKey, StatusList};
use agilis_negotiate::pki::{DEFAULT_SIGNATURE, Identity, anchor_capabilities};
use agilis_negotiate::token::Token;
use agilis_negotiate::trust::LocalTrust;
use agilis_negotiate::{
    Config, Initiator, InitiatorOutput, Policy, ReplayCache, Responder, ResponderOutput,
};
use agilis_suites::registry::{Withdrawal, codepoint as cp};

/// The time every fuzz target runs at.
const NOW: u64 = 1_750_000_000_000;
const DAY: u64 = 24 * 3600 * 1000;

fn write(dir: &Path, target: &str, name: &str, bytes: &[u8]) {
    let d = dir.join(target);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join(name), bytes).unwrap();
}

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fuzz/corpus".into()),
    );
    let ca_key = SigningKey::generate(DEFAULT_SIGNATURE).unwrap();
    let req = |role, serial, subnet: &str, key: &SigningKey| CertificateRequest {
        role,
        serial,
        subnet: subnet.into(),
        key_alg: key.alg,
        public_key: key.public_key.clone(),
        not_before: NOW - DAY,
        not_after: NOW + DAY,
        capabilities: if role == Role::Ca {
            vec![]
        } else {
            anchor_capabilities()
        },
    };
    let ca = ca_key.issue(&req(Role::Ca, 0, "seed-ca", &ca_key)).unwrap();
    let trust = Arc::new(LocalTrust::new());
    trust.add_ca(ca.clone()).unwrap();
    let status = StatusList::sign(&ca_key, 1, NOW - DAY, NOW + DAY, vec![7, 9]).unwrap();
    trust.add_status_list(status.clone()).unwrap();
    let id = |serial, name: &str| {
        let k = SigningKey::generate(DEFAULT_SIGNATURE).unwrap();
        let c = ca_key.issue(&req(Role::Anchor, serial, name, &k)).unwrap();
        Arc::new(Identity::new(c, k).unwrap())
    };
    let (a, b) = (id(1, "seed-a"), id(2, "seed-b"));
    let cfg = |i: Arc<Identity>| {
        Config::new(
            i,
            trust.clone(),
            Policy::by_name("anchor").unwrap(),
            Arc::new(SoftwareEngine::new()),
        )
    };
    let (ic, rc) = (cfg(a.clone()), cfg(b.clone()));
    // Force a retry so that every message type appears.
    rc.policy.withdraw(Withdrawal::Algorithm(cp::HQC_256));
    let (mut init, offer) = Initiator::new(ic, NOW).unwrap();
    let mut resp = Responder::new(rc, Arc::new(ReplayCache::default()));
    let ResponderOutput::Send(retry) = resp.receive(&offer, NOW).unwrap() else {
        panic!()
    };
    let InitiatorOutput::Send(offer2) = init.receive(&retry, NOW).unwrap() else {
        panic!()
    };
    let ResponderOutput::Send(selection) = resp.receive(&offer2, NOW).unwrap() else {
        panic!()
    };
    let InitiatorOutput::Established {
        finish,
        session: mut si,
    } = init.receive(&selection, NOW).unwrap()
    else {
        panic!()
    };
    let ResponderOutput::Established(mut sr) = resp.receive(&finish, NOW).unwrap() else {
        panic!()
    };
    si.send(b"seed record", NOW).unwrap();
    si.request_key_update(NOW).unwrap();
    si.close(NOW).unwrap();
    let records = si.take_output();
    let _ = sr.take_output();

    let t = "anchor_messages";
    for (n, f) in [
        ("offer", &offer),
        ("retry", &retry),
        ("offer2", &offer2),
        ("selection", &selection),
        ("finish", &finish),
        ("records", &records),
    ] {
        write(&dir, t, &format!("seed-{n}"), f);
    }
    write(
        &dir,
        t,
        "seed-handshake-stream",
        &[
            offer.clone(),
            retry.clone(),
            offer2.clone(),
            selection.clone(),
            finish.clone(),
        ]
        .concat(),
    );
    // responder target: byte 0 even = responder; the frames follow
    let r = "anchor_state_machines";
    write(&dir, r, "seed-offer", &[&[0u8][..], &offer].concat());
    write(
        &dir,
        r,
        "seed-offer-finish",
        &[&[0u8][..], &offer, &finish].concat(),
    );
    write(
        &dir,
        r,
        "seed-initiator-retry",
        &[&[1u8][..], &retry].concat(),
    );
    write(
        &dir,
        r,
        "seed-initiator-selection",
        &[&[1u8][..], &selection].concat(),
    );
    let p = "pki_encodings";
    write(
        &dir,
        p,
        "seed-certificate",
        &[&[0u8][..], &a.cert.encode()].concat(),
    );
    write(
        &dir,
        p,
        "seed-ca-certificate",
        &[&[0u8][..], &ca.encode()].concat(),
    );
    write(
        &dir,
        p,
        "seed-status-list",
        &[&[1u8][..], &status.encode()].concat(),
    );
    let token = Token::issue(&a, "nf-amf-1", "n2", si.info().binding, NOW, 600_000).unwrap();
    write(
        &dir,
        p,
        "seed-token",
        &[&[2u8][..], &token.encode()].concat(),
    );
    println!("seeds written under {}", dir.display());
}

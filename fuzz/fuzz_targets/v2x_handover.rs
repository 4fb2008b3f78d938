//! Untrusted and altered handover messages into live state machines: an
//! edge's `receive_request` and `receive_ack`, and a vehicle's
//! `receive_response`. What must hold: no panic; fuzzer-made messages never
//! complete a step; a genuine message with any byte altered or cut is
//! refused; the genuine one is accepted.
//!
//! Input: byte 0 picks the stage (`% 4`) · 0: the rest is delivered raw to
//! the edge and to a vehicle awaiting a response · 1, 2, 3: the genuine
//! request, response or acknowledgement of a fresh handover is altered by
//! the rest, read as 3-byte edits `offset (u16) ‖ x` (XOR `x` at `offset`
//! modulo the length; `x = 0` cuts the message there) and delivered.
#![no_main]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use agilis_driver::SoftwareEngine;
use agilis_negotiate::handshake::{Policy, ReplayCache};
use agilis_negotiate::now_ms;
use agilis_negotiate::v2x::{
    Authority, AwaitingResponse, Edge, EdgeConfig, EdgeKeys, EdgeWarrant, PseudonymBatch,
    PseudonymKeys, RevocationList, Vehicle, VehicleConfig, DEFAULT_EDGE_SIGNATURE, DEFAULT_KEM,
};
use libfuzzer_sys::fuzz_target;

struct World {
    authority: Authority,
    warrant: EdgeWarrant,
    keys: Arc<EdgeKeys>,
    pseudonym: PseudonymKeys,
    revocation: Arc<RevocationList>,
    vehicle: Vehicle,
}

const HOUR: u64 = 3_600_000;

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let now = now_ms();
        let authority = Authority::generate_default("fuzz-authority").unwrap();
        let keys = EdgeKeys::generate(DEFAULT_EDGE_SIGNATURE, DEFAULT_KEM).unwrap();
        let warrant = authority
            .enroll_edge("fuzz-edge", &["video"], now - HOUR, now + 48 * HOUR, &keys)
            .unwrap();
        let batch = PseudonymBatch::new(1, &["video"], now - HOUR, 48 * HOUR);
        let pseudonym = PseudonymKeys::issue_batch(&authority, b"FUZZ-VIN", &batch)
            .unwrap()
            .pop()
            .unwrap();
        let list = authority
            .revocation_list(1, now - HOUR, now + 48 * HOUR, vec![])
            .unwrap();
        let revocation = Arc::new(RevocationList::new(authority.public(), list).unwrap());
        let vehicle = Vehicle::new(VehicleConfig::new(
            authority.public().clone(),
            revocation.clone(),
            Policy::by_name("vehicle").unwrap(),
            Arc::new(SoftwareEngine::new()),
        ));
        World {
            warrant,
            keys: Arc::new(keys),
            pseudonym,
            revocation,
            vehicle,
            authority,
        }
    })
}

/// A fresh edge with its own replay cache, so that genuine requests of
/// earlier runs do not count as replays.
fn edge(w: &World) -> Edge {
    let mut cfg = EdgeConfig::new(
        w.warrant.clone(),
        w.keys.clone(),
        w.authority.public().clone(),
        w.revocation.clone(),
        Policy::by_name("vehicle").unwrap(),
        Arc::new(SoftwareEngine::new()),
    );
    cfg.replay = Arc::new(ReplayCache::new(16));
    Edge::new(cfg).unwrap()
}

fn request(w: &World) -> (Vec<u8>, AwaitingResponse) {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, Ordering::Relaxed);
    w.vehicle
        .prepare(&w.pseudonym, &w.warrant, "video", seq, now_ms())
        .unwrap()
        .finalize(now_ms())
        .unwrap()
}

fn alter(genuine: &[u8], edits: &[u8]) -> Vec<u8> {
    let mut m = genuine.to_vec();
    for e in edits.chunks_exact(3) {
        if m.is_empty() {
            break;
        }
        let at = usize::from(u16::from_be_bytes([e[0], e[1]])) % m.len();
        if e[2] == 0 {
            m.truncate(at);
        } else {
            m[at] ^= e[2];
        }
    }
    m
}

fuzz_target!(|data: &[u8]| {
    let Some((&stage, rest)) = data.split_first() else {
        return;
    };
    let w = world();
    let e = edge(w);
    let now = now_ms();
    match stage % 4 {
        0 => {
            assert!(e.receive_request(rest, now).is_err());
            let (_, awaiting) = request(w);
            assert!(awaiting.receive_response(rest, now).is_err());
        }
        1 => {
            let (req, _) = request(w);
            let m = alter(&req, rest);
            let r = e.receive_request(&m, now);
            assert_eq!(r.is_ok(), m == req, "only the genuine request is accepted");
        }
        2 => {
            let (req, awaiting) = request(w);
            let (resp, _) = e.receive_request(&req, now).unwrap();
            let m = alter(&resp, rest);
            let r = awaiting.receive_response(&m, now);
            assert_eq!(r.is_ok(), m == resp, "only the genuine response is accepted");
        }
        _ => {
            let (req, awaiting) = request(w);
            let (resp, pending) = e.receive_request(&req, now).unwrap();
            let (ack, _session) = awaiting.receive_response(&resp, now).unwrap();
            let m = alter(&ack, rest);
            let r = pending.receive_ack(&m, now);
            assert_eq!(r.is_ok(), m == ack, "only the genuine acknowledgement is accepted");
        }
    }
});

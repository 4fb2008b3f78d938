//! CPU cost of the vehicle-to-edge handover, sans-IO, per step, under the
//! default algorithms (`agilis_negotiate::v2x::DEFAULT_*`): X-Wing,
//! Falcon-512 + Ed25519 for the authority and the pseudonyms, ML-DSA-44 +
//! Ed25519 for the edge, AES-256-GCM, HKDF-SHA-256.
//!
//! Benchmark ids, `handover/<step>`:
//! - `vehicle-precompute`: `Vehicle::prepare` (warrant check, ephemeral
//!   key, encapsulation, pseudonym signature), before coverage;
//! - `vehicle-online`: `PreparedRequest::finalize` (timestamp and seal);
//! - `vehicle-response`: `AwaitingResponse::receive_response` (response →
//!   acknowledgement and session);
//! - `edge`: `Edge::receive_request` + `PendingHandover::receive_ack`.
//!
//! Each iteration runs a whole handover and times only its step, in the
//! calling thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), as the handshake
//! bench does. The three message sizes (bytes on the air) are printed first.
//!
//! Run: `cargo bench -p agilis-negotiate --bench handover`
//! (estimates in `target/criterion/handover/<step>/new/estimates.json`).

#[path = "support/cpu.rs"]
mod cpu;
use cpu::thread_cpu;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use agilis_driver::SoftwareEngine;
use agilis_negotiate::v2x::{
    Authority, DEFAULT_EDGE_SIGNATURE, DEFAULT_KEM, Edge, EdgeConfig, EdgeKeys, PseudonymBatch,
    PseudonymKeys, RevocationList, Vehicle, VehicleConfig,
};
use agilis_negotiate::{Policy, now_ms};
use criterion::{Criterion, criterion_group, criterion_main};

const DAY: u64 = 86_400_000;
const APP: &str = "cooperative-perception";

/// Times `f` in CPU time.
fn cpu<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = thread_cpu();
    let out = f();
    (out, thread_cpu().saturating_sub(t))
}

struct Setup {
    vehicle: Vehicle,
    edge: Edge,
    pseudonym: PseudonymKeys,
}

fn setup() -> Setup {
    let now = now_ms();
    let authority = Authority::generate_default("bench-authority").unwrap();
    let list = authority
        .revocation_list(1, now, now + DAY, vec![])
        .unwrap();
    let revocation = Arc::new(RevocationList::new(authority.public(), list).unwrap());
    let keys = EdgeKeys::generate(DEFAULT_EDGE_SIGNATURE, DEFAULT_KEM).unwrap();
    let warrant = authority
        .enroll_edge("bench-edge", &[APP], now - DAY, now + DAY, &keys)
        .unwrap();
    let policy = || Policy::by_name("vehicle").unwrap();
    let edge = Edge::new(EdgeConfig::new(
        warrant,
        Arc::new(keys),
        authority.public().clone(),
        revocation.clone(),
        policy(),
        Arc::new(SoftwareEngine::new()),
    ))
    .unwrap();
    let vehicle = Vehicle::new(VehicleConfig::new(
        authority.public().clone(),
        revocation,
        policy(),
        Arc::new(SoftwareEngine::new()),
    ));
    let pseudonym = PseudonymKeys::issue_batch(
        &authority,
        b"VIN-BENCH-0001",
        &PseudonymBatch::new(1, &[APP], now - DAY, 2 * DAY),
    )
    .unwrap()
    .pop()
    .unwrap();
    Setup {
        vehicle,
        edge,
        pseudonym,
    }
}

/// One handover with sequence number `seq`: the CPU time of
/// [precompute, online, vehicle response, edge] and the three messages.
fn handover(s: &Setup, seq: u64) -> ([Duration; 4], [usize; 3]) {
    let now = now_ms();
    let (prepared, pre) = cpu(|| {
        s.vehicle
            .prepare(&s.pseudonym, s.edge.warrant(), APP, seq, now)
            .unwrap()
    });
    let ((req, awaiting), online) = cpu(|| prepared.finalize(now).unwrap());
    let ((resp, pending), mut edge) = cpu(|| s.edge.receive_request(&req, now).unwrap());
    let ((ack, vs), vresp) = cpu(|| awaiting.receive_response(&resp, now).unwrap());
    let ((es, _record), edge_ack) = cpu(|| pending.receive_ack(&ack, now).unwrap());
    edge += edge_ack;
    black_box((vs, es));
    (
        [pre, online, vresp, edge],
        [req.len(), resp.len(), ack.len()],
    )
}

fn bench(c: &mut Criterion) {
    let s = setup();
    let seq = std::cell::Cell::new(0u64);
    let next = || {
        seq.set(seq.get() + 1);
        seq.get()
    };
    let (_, sizes) = handover(&s, next());
    println!(
        "handover bytes on the air: request {} + response {} + ack {} = {}",
        sizes[0],
        sizes[1],
        sizes[2],
        sizes.iter().sum::<usize>()
    );
    let mut g = c.benchmark_group("handover");
    g.sample_size(30).measurement_time(Duration::from_secs(8));
    for (step, pick) in [
        ("vehicle-precompute", 0usize),
        ("vehicle-online", 1),
        ("vehicle-response", 2),
        ("edge", 3),
    ] {
        g.bench_function(step, |b| {
            b.iter_custom(|iters| (0..iters).map(|_| handover(&s, next()).0[pick]).sum())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

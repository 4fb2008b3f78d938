//! CPU cost of one full mutual anchor handshake, sans-IO (no sockets), per
//! side: the responder's `receive(offer)` + `receive(finish)`, and the
//! initiator's `Initiator::new` + `receive(selection)`. Each iteration runs
//! a whole handshake and times only the side named by the benchmark.
//!
//! The time is the calling thread's **CPU time** (`CLOCK_THREAD_CPUTIME_ID`),
//! not wall time: the goal is stated as CPU cost, and CPU time is what stays
//! meaningful on a machine shared with other jobs (preemption does not
//! count; cache pollution by the other jobs still does).
//!
//! Benchmark ids: `handshake/<suite>/<side>` with `<side>` one of
//! - `responder`: a peer that connects again (its certificate's CA
//!   signature was verified before and is remembered by `LocalTrust`; its
//!   handshake signature, validity and revocation are checked every time);
//! - `responder-new-peer`: the same with nothing remembered (a fresh trust
//!   store per handshake, built outside the timed region);
//! - `initiator` (remembering the responder's certificate likewise);
//!
//! and `<suite>` one of
//! - `x-wing_ml-dsa-65+ed25519`: the issue's goal suite, X-Wing (ML-KEM-768
//!   and X25519) with ML-DSA-65 + Ed25519 composite signatures: the
//!   `anchor` profile with `ml-kem-1024` and `code-based` withdrawn;
//! - `ml-kem-1024+hqc-256_ml-dsa-65+ed25519`: the `anchor` profile's first
//!   choice with the default anchor signature.
//!
//! Both use AES-256-GCM and HKDF-SHA-384, certificates issued by a CA with an
//! ML-DSA-65 + Ed25519 key, and a shared replay cache, as `agilis anchor serve`.
//!
//! Run: `cargo bench -p agilis-negotiate --bench handshake`
//! (estimates in `target/criterion/handshake/<suite>/<side>/new/estimates.json`).

#[path = "support/cpu.rs"]
mod cpu;
use cpu::thread_cpu;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use agilis_driver::SoftwareEngine;
use agilis_negotiate::handshake::{
    Config, Initiator, InitiatorOutput, Policy, ReplayCache, Responder, ResponderOutput,
};
use agilis_negotiate::now_ms;
use agilis_negotiate::pki::{CaDir, DAY_MS, DEFAULT_SIGNATURE, Identity, anchor_capabilities};
use agilis_negotiate::trust::LocalTrust;
use agilis_suites::Family;
use agilis_suites::registry::{Withdrawal, codepoint as cp};
use criterion::{Criterion, criterion_group, criterion_main};

/// An initiator's and a responder's configuration under `policy`.
fn configs(
    dir: &std::path::Path,
    policy: impl Fn() -> Policy,
) -> (Config, Config, std::path::PathBuf) {
    let now = now_ms();
    let ca = CaDir::init(&dir.join("ca"), "bench-ca", DEFAULT_SIGNATURE, DAY_MS, now).unwrap();
    let cfg = |subnet: &str| {
        let id = dir.join(subnet);
        ca.issue(
            subnet,
            DEFAULT_SIGNATURE,
            anchor_capabilities(),
            DAY_MS,
            now,
            &id,
        )
        .unwrap();
        Config::new(
            Arc::new(Identity::load(&id).unwrap()),
            Arc::new(LocalTrust::load_dir(&ca.trust_dir()).unwrap()),
            policy(),
            Arc::new(SoftwareEngine::new()),
        )
    };
    (cfg("initiator"), cfg("responder"), ca.trust_dir())
}

fn goal_policy() -> Policy {
    let p = Policy::by_name("anchor").unwrap();
    p.withdraw(Withdrawal::Algorithm(cp::ML_KEM_1024));
    p.withdraw(Withdrawal::Family(Family::CodeBased));
    p
}

/// A CPU-time stopwatch.
struct Cpu(Duration);

impl Cpu {
    fn start() -> Cpu {
        Cpu(thread_cpu())
    }
    fn elapsed(&self) -> Duration {
        thread_cpu().saturating_sub(self.0)
    }
}

/// One handshake; returns the CPU time spent in (initiator, responder) calls.
fn handshake(
    ic: &Config,
    rc: &Config,
    replay: &Arc<ReplayCache>,
    kem: u16,
) -> (Duration, Duration) {
    let now = now_ms();
    let t = Cpu::start();
    let (mut init, offer) = Initiator::new(ic.clone(), now).unwrap();
    let mut ti = t.elapsed();
    let t = Cpu::start();
    let mut resp = Responder::new(rc.clone(), replay.clone());
    let ResponderOutput::Send(selection) = resp.receive(&offer, now).unwrap() else {
        panic!("responder done early")
    };
    let mut tr = t.elapsed();
    let t = Cpu::start();
    let InitiatorOutput::Established { finish, session } = init.receive(&selection, now).unwrap()
    else {
        panic!("a retry: the initiator's first share is not the responder's choice")
    };
    ti += t.elapsed();
    let t = Cpu::start();
    let ResponderOutput::Established(s) = resp.receive(&finish, now).unwrap() else {
        panic!("responder not established")
    };
    tr += t.elapsed();
    assert_eq!(s.info().suite.kem, kem);
    black_box((session, s));
    (ti, tr)
}

fn bench(c: &mut Criterion) {
    type Case = (&'static str, u16, fn() -> Policy);
    let suites: [Case; 2] = [
        ("x-wing_ml-dsa-65+ed25519", cp::X_WING, goal_policy),
        (
            "ml-kem-1024+hqc-256_ml-dsa-65+ed25519",
            cp::ML_KEM_1024_HQC_256,
            || Policy::by_name("anchor").unwrap(),
        ),
    ];
    let mut g = c.benchmark_group("handshake");
    g.sample_size(30).measurement_time(Duration::from_secs(8));
    for (name, kem, policy) in suites {
        let dir = tempfile::tempdir().unwrap();
        let (ic, rc, trust_dir) = configs(dir.path(), policy);
        let replay = Arc::new(ReplayCache::new(1 << 22));
        for (side, pick, fresh) in [
            ("responder", 1usize, false),
            ("responder-new-peer", 1, true),
            ("initiator", 0, false),
        ] {
            g.bench_function(format!("{name}/{side}"), |b| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| {
                            let mut rc = rc.clone();
                            if fresh {
                                rc.trust = Arc::new(LocalTrust::load_dir(&trust_dir).unwrap());
                            }
                            let (ti, tr) = handshake(&ic, &rc, &replay, kem);
                            [ti, tr][pick]
                        })
                        .sum()
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! agilis's side of the handover table: one function the command calls.
//!
//! It runs `agilis_negotiate::v2x` (the quantum-safe handover of issue 6)
//! in process, with its defaults (the `vehicle` policy, X-Wing KEMs,
//! Falcon-512+Ed25519 pseudonyms and authority, ML-DSA-44+Ed25519 edge), and
//! times each phase the way `seccdv` is timed: medians over `iterations`
//! handovers on one core.

use std::sync::Arc;
use std::time::{Duration, Instant};

use agilis_driver::SoftwareEngine;
use agilis_negotiate::v2x::{
    Authority, DEFAULT_EDGE_SIGNATURE, DEFAULT_KEM, Edge, EdgeConfig, EdgeKeys, PseudonymBatch,
    PseudonymKeys, RevocationList, Vehicle, VehicleConfig,
};
use agilis_negotiate::{Policy, now_ms};

/// Medians of one agilis handover's phases, measured on one core.
#[derive(Clone, Debug, PartialEq)]
pub struct AgilisCosts {
    /// Vehicle, before coverage: everything of the request that does not depend on the time.
    pub vehicle_precompute: Duration,
    /// Vehicle, in coverage: finishing and sending the request (message 1).
    pub vehicle_online: Duration,
    /// Vehicle: checking the edge's response (message 2) and producing the acknowledgement (message 3).
    pub vehicle_response: Duration,
    /// Edge: checking message 1, producing message 2, checking message 3 (session established).
    pub edge: Duration,
    /// The three messages' bytes.
    pub bytes_on_air: usize,
    /// Handovers one edge core completed per second: iterations / total edge time.
    pub handovers_per_sec_per_core: f64,
}

/// What the agilis row runs (printed under the table).
pub const CONFIGURATION: &str = "agilis_negotiate::v2x with its defaults: X-Wing (ML-KEM-768 + X25519) for the edge's static and the \
vehicle's ephemeral KEM, Falcon-512 + Ed25519 for the authority and the pseudonyms, ML-DSA-44 + Ed25519 for the edge, \
AES-256-GCM, HKDF-SHA-256; the request carries the pseudonym credential with its identity escrow, the response the edge's warrant";

const HOUR_MS: u64 = 3_600_000;
const APPLICATION: &str = "cooperative-perception";

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// agilis's handover costs over `iterations` runs (after a short warm-up).
pub fn agilis_costs(iterations: usize) -> Result<AgilisCosts, String> {
    let err = |e: agilis_negotiate::Error| format!("agilis v2x handover: {e}");
    let policy = || Policy::by_name("vehicle").map_err(err);
    let now = now_ms();
    let authority = Authority::generate_default("bench-authority").map_err(err)?;
    let list = authority
        .revocation_list(1, now - HOUR_MS, now + 24 * HOUR_MS, vec![])
        .map_err(err)?;
    let revocation = Arc::new(RevocationList::new(authority.public(), list).map_err(err)?);
    let keys = EdgeKeys::generate(DEFAULT_EDGE_SIGNATURE, DEFAULT_KEM).map_err(err)?;
    let warrant = authority
        .enroll_edge(
            "bench-edge",
            &[APPLICATION],
            now - HOUR_MS,
            now + 24 * HOUR_MS,
            &keys,
        )
        .map_err(err)?;
    let engine = Arc::new(SoftwareEngine::new());
    let edge_cfg = EdgeConfig::new(
        warrant,
        Arc::new(keys),
        authority.public().clone(),
        revocation.clone(),
        policy()?,
        engine.clone(),
    );
    let edge = Edge::new(edge_cfg).map_err(err)?;
    let vehicle = Vehicle::new(VehicleConfig::new(
        authority.public().clone(),
        revocation,
        policy()?,
        engine,
    ));
    let batch = PseudonymBatch {
        period_ms: 0,
        ..PseudonymBatch::new(1, &[APPLICATION], now - HOUR_MS, 4 * HOUR_MS)
    };
    let pseudonym: PseudonymKeys = PseudonymKeys::issue_batch(&authority, b"bench-vehicle", &batch)
        .map_err(err)?
        .pop()
        .ok_or("agilis v2x handover: empty pseudonym batch")?;

    let warmup = (iterations / 10).max(2);
    let mut times: [Vec<Duration>; 4] = Default::default();
    let mut bytes_on_air = 0;
    for seq in 0..(warmup + iterations) as u64 {
        let now = now_ms();
        let t0 = Instant::now();
        let prepared = vehicle
            .prepare(&pseudonym, edge.warrant(), APPLICATION, seq, now)
            .map_err(err)?;
        let t1 = Instant::now();
        let (request, awaiting) = prepared.finalize(now).map_err(err)?;
        let t2 = Instant::now();
        let (response, pending) = edge.receive_request(&request, now).map_err(err)?;
        let t3 = Instant::now();
        let (ack, _vehicle_session) = awaiting.receive_response(&response, now).map_err(err)?;
        let t4 = Instant::now();
        let (_edge_session, _record) = pending.receive_ack(&ack, now).map_err(err)?;
        let t5 = Instant::now();
        if seq >= warmup as u64 {
            for (slot, d) in
                times
                    .iter_mut()
                    .zip([t1 - t0, t2 - t1, t4 - t3, (t3 - t2) + (t5 - t4)])
            {
                slot.push(d);
            }
        }
        bytes_on_air = request.len() + response.len() + ack.len();
    }
    let edge_total: Duration = times[3].iter().sum();
    let handovers_per_sec_per_core = iterations as f64 / edge_total.as_secs_f64();
    let [vehicle_precompute, vehicle_online, vehicle_response, edge] = times.map(median);
    Ok(AgilisCosts {
        vehicle_precompute,
        vehicle_online,
        vehicle_response,
        edge,
        bytes_on_air,
        handovers_per_sec_per_core,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_run_measures_every_phase() {
        let c = agilis_costs(1).unwrap();
        for d in [
            c.vehicle_precompute,
            c.vehicle_online,
            c.vehicle_response,
            c.edge,
        ] {
            assert!(d > Duration::ZERO);
        }
        assert!(
            c.bytes_on_air > 0
                && c.handovers_per_sec_per_core.is_finite()
                && c.handovers_per_sec_per_core > 0.0
        );
    }
}

//! `bench-harness handover`: the SecCDV handover baseline (m = 15 and 30)
//! and agilis's handover, measured in the same run on one core.
//!
//! Per scheme: vehicle precomputation, vehicle online cost (finishing the
//! request), vehicle response cost (checking message 2, producing message 3),
//! edge cost (messages 1 and 3), bytes on the air; for the baseline also the
//! primitives `T_m` and `T_h` and the cost model's prediction from them.
//! Every figure is the median over `--iterations` runs.
//!
//! Output: markdown tables on stdout (progress on stderr), JSON (default
//! `bench-harness/results/handover.json`) and, with `--write-docs`,
//! docs/handover.md.

pub mod agilis;
pub mod meter;
mod report;
pub mod seccdv;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use meter::{Meter, OpCounts};

#[derive(clap::Args, Debug)]
#[command(after_help = "\
The baseline is a reconstruction of SecCDV (IEEE TVT 2021, doi 10.1109/TVT.2021.3133308) from its published cost model \
(edge 4 T_h + (7+m) T_m, vehicle 3 T_h + 4 T_m) on P-256 (RustCrypto p256) and SHA-256; see docs/handover.md. \
Bytes on the air count compressed points as 33 B and scalars as 32 B.

About a minute with the default iterations on one core of a 2-vCPU VM; --quick takes a few seconds.

Example: cargo run --release -p agilis-bench --bin bench-harness -- handover --write-docs")]
pub struct Args {
    /// Handovers (and primitive batches) per figure; the median is reported. Default 1000 (about 45 s), or 40 with --quick.
    #[arg(long, value_name = "N")]
    pub iterations: Option<usize>,
    /// Fewer iterations (a smoke run; medians less stable).
    #[arg(long)]
    pub quick: bool,
    /// Where to write the JSON (relative paths are taken from the workspace root).
    #[arg(
        long,
        default_value = "bench-harness/results/handover.json",
        value_name = "PATH"
    )]
    pub json: PathBuf,
    /// Also (re)write the docs page with the tables, the command, the machine and the date.
    #[arg(long)]
    pub write_docs: bool,
    /// The docs page --write-docs writes.
    #[arg(long, default_value = "docs/handover.md", value_name = "PATH")]
    pub docs: PathBuf,
}

/// Ring sizes the issue asks for.
pub const RING_SIZES: [usize; 2] = [15, 30];
/// Operations per timed batch of a primitive (keeps timer overhead out of the median).
const PRIMITIVE_BATCH: u32 = 16;
/// The input length `T_h` is timed at: about the ring challenge's input.
const HASH_INPUT_LEN: usize = 256;

/// Medians of the primitives, in ms.
#[derive(Clone, Debug, Serialize)]
pub struct Primitives {
    /// `T_m`: constant-time variable-base P-256 multiplication (the prediction's unit).
    pub t_m_ms: f64,
    /// Variable-time variable-base multiplication (the verifiers' public-value multiplications).
    pub t_m_vartime_ms: f64,
    /// Constant-time generator multiplication with the crate's precomputed table.
    pub t_m_generator_ms: f64,
    /// One ECDH P-256 agreement in aws-lc-rs (a variable-base multiplication
    /// in assembly, plus peer-key validation): what `T_m` costs in a tuned library.
    pub t_m_aws_lc_ms: f64,
    /// `T_h`: SHA-256 over `hash_input_bytes`.
    pub t_h_ms: f64,
    pub hash_input_bytes: usize,
}

impl Primitives {
    /// `counts` priced at `T_h` and the constant-time `T_m`.
    pub fn predict_ms(&self, counts: OpCounts) -> f64 {
        f64::from(counts.hashes) * self.t_h_ms + f64::from(counts.mults) * self.t_m_ms
    }

    /// `counts` priced at `T_h` and aws-lc-rs's `T_m`.
    pub fn predict_aws_lc_ms(&self, counts: OpCounts) -> f64 {
        f64::from(counts.hashes) * self.t_h_ms + f64::from(counts.mults) * self.t_m_aws_lc_ms
    }
}

/// One phase's counted operations and median time.
#[derive(Clone, Debug, Serialize)]
pub struct Phase {
    pub counts: OpCounts,
    pub median_ms: f64,
}

/// The baseline at one ring size.
#[derive(Clone, Debug, Serialize)]
pub struct BaselineRow {
    pub m: usize,
    pub vehicle_precompute: Phase,
    pub vehicle_online: Phase,
    pub vehicle_response: Phase,
    /// Online + response per handover: the scope of the paper's vehicle figure.
    pub vehicle_handover_ms: f64,
    pub vehicle_model: OpCounts,
    pub edge: Phase,
    pub edge_model: OpCounts,
    pub bytes_on_air: usize,
    /// The paper's `(1120 + 256 m)` bits, in bytes.
    pub published_bytes: usize,
    /// 1 / median edge time.
    pub handovers_per_sec_per_core: f64,
}

/// agilis's figures in ms (from [`agilis::AgilisCosts`]).
#[derive(Clone, Debug, Serialize)]
pub struct AgilisRow {
    pub vehicle_precompute_ms: f64,
    pub vehicle_online_ms: f64,
    pub vehicle_response_ms: f64,
    pub edge_ms: f64,
    pub bytes_on_air: usize,
    pub handovers_per_sec_per_core: f64,
}

/// The goal: agilis edge ≤ ½ baseline edge at m = 15, agilis vehicle online ≤ 0.2 ms.
#[derive(Clone, Debug, Serialize)]
pub struct GoalCheck {
    pub edge_limit_ms: f64,
    pub vehicle_online_limit_ms: f64,
    /// None while agilis is not measured.
    pub edge_met: Option<bool>,
    pub vehicle_online_met: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub command: String,
    pub date_utc: String,
    pub machine: crate::report::inputs::Machine,
    pub iterations: usize,
    pub primitives: Primitives,
    pub baseline: Vec<BaselineRow>,
    pub agilis: Option<AgilisRow>,
    /// Why agilis has no row, if it has none.
    pub agilis_error: Option<String>,
    pub goal: GoalCheck,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Median per operation of `f`, timed in batches of [`PRIMITIVE_BATCH`].
fn per_op_ms(iterations: usize, mut f: impl FnMut()) -> f64 {
    let samples = (0..iterations)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..PRIMITIVE_BATCH {
                f();
            }
            started.elapsed() / PRIMITIVE_BATCH
        })
        .collect();
    ms(median(samples))
}

fn primitives(iterations: usize) -> Result<Primitives, String> {
    let k = seccdv::KeyPair::generate().map_err(|e| e.to_string())?;
    let point = k.public;
    let m = Meter::new();
    // A full-width scalar, as the protocol's are (variable-time multiplication gets faster on short ones).
    let scalar = m.hash_to_scalar(b"bench-harness handover T_m", &[]);
    let input = [0xa5u8; HASH_INPUT_LEN];
    Ok(Primitives {
        t_m_ms: per_op_ms(iterations, || {
            black_box(m.mul(black_box(&point), black_box(&scalar)));
        }),
        t_m_vartime_ms: per_op_ms(iterations, || {
            black_box(m.mul_public(black_box(&point), black_box(&scalar)));
        }),
        t_m_generator_ms: per_op_ms(iterations, || {
            black_box(m.mul_base(black_box(&scalar)));
        }),
        t_m_aws_lc_ms: aws_lc_ecdh_ms(iterations)?,
        t_h_ms: per_op_ms(iterations, || {
            black_box(m.hash(b"t_h", &[black_box(&input)]));
        }),
        hash_input_bytes: HASH_INPUT_LEN,
    })
}

/// Median of one aws-lc-rs ECDH P-256 agreement against a fixed peer key.
fn aws_lc_ecdh_ms(iterations: usize) -> Result<f64, String> {
    use aws_lc_rs::agreement::{ECDH_P256, PrivateKey, UnparsedPublicKey, agree};
    let fail = |_| "aws-lc-rs ECDH P-256 failed".to_string();
    let ours = PrivateKey::generate(&ECDH_P256).map_err(fail)?;
    let peer = PrivateKey::generate(&ECDH_P256)
        .and_then(|k| k.compute_public_key())
        .map_err(fail)?;
    let peer = UnparsedPublicKey::new(&ECDH_P256, peer.as_ref().to_vec());
    let mut ok = true;
    let t = per_op_ms(iterations, || {
        ok &= agree(&ours, &peer, (), |secret| Ok(black_box(secret[0]))).is_ok();
    });
    if ok {
        Ok(t)
    } else {
        Err("aws-lc-rs ECDH P-256 agreement failed".into())
    }
}

/// `iterations` full baseline handovers at ring size `m`, each phase timed.
fn baseline(m: usize, iterations: usize) -> Result<BaselineRow, String> {
    let err = |e: seccdv::HandoverError| format!("SecCDV baseline, m = {m}: {e}");
    let (vehicle, edge) = seccdv::deployment(m, m / 2, now_ms()).map_err(err)?;
    let target = edge.identity();
    let warmup = (iterations / 10).max(2);
    let mut times: [Vec<Duration>; 4] = Default::default();
    let mut counts = [OpCounts::default(); 4];
    for i in 0..warmup + iterations {
        let meters = [Meter::new(), Meter::new(), Meter::new(), Meter::new()];
        let now = now_ms();
        let t0 = Instant::now();
        let pre = vehicle.precompute(&meters[0]).map_err(err)?;
        let t1 = Instant::now();
        let (request, pending) = vehicle.request(pre, &target, now, &meters[1]);
        let t2 = Instant::now();
        let (response, session) = edge.respond(&request, now, &meters[3]).map_err(err)?;
        let t3 = Instant::now();
        let (ack, vehicle_key) = pending.finish(&response, &meters[2]).map_err(err)?;
        let t4 = Instant::now();
        let edge_key = session.confirm(&ack).map_err(err)?;
        let t5 = Instant::now();
        if !vehicle_key.ct_eq(&edge_key) {
            return Err(format!(
                "SecCDV baseline, m = {m}: the two sides derived different keys"
            ));
        }
        if i >= warmup {
            for (slot, d) in
                times
                    .iter_mut()
                    .zip([t1 - t0, t2 - t1, t4 - t3, (t3 - t2) + (t5 - t4)])
            {
                slot.push(d);
            }
            counts = [0, 1, 2, 3].map(|j| meters[j].counts());
        }
        let bytes = request.len() + response.len() + ack.len();
        if bytes != seccdv::bytes_on_air(m) {
            return Err(format!(
                "SecCDV baseline, m = {m}: {bytes} bytes on the air, expected {}",
                seccdv::bytes_on_air(m)
            ));
        }
        if (i + 1) % (warmup + iterations).div_ceil(4) == 0 {
            eprintln!(
                "[handover] SecCDV m = {m}: {}/{} handovers",
                i + 1,
                warmup + iterations
            );
        }
    }
    let [pre, online, response, edge_t] = times.map(median);
    let phase = |c: OpCounts, d: Duration| Phase {
        counts: c,
        median_ms: ms(d),
    };
    Ok(BaselineRow {
        m,
        vehicle_precompute: phase(counts[0], pre),
        vehicle_online: phase(counts[1], online),
        vehicle_response: phase(counts[2], response),
        vehicle_handover_ms: ms(online) + ms(response),
        vehicle_model: seccdv::vehicle_model(),
        edge: phase(counts[3], edge_t),
        edge_model: seccdv::edge_model(m),
        bytes_on_air: seccdv::bytes_on_air(m),
        published_bytes: seccdv::published_bytes(m),
        handovers_per_sec_per_core: 1.0 / edge_t.as_secs_f64(),
    })
}

fn agilis_row(c: &agilis::AgilisCosts) -> AgilisRow {
    AgilisRow {
        vehicle_precompute_ms: ms(c.vehicle_precompute),
        vehicle_online_ms: ms(c.vehicle_online),
        vehicle_response_ms: ms(c.vehicle_response),
        edge_ms: ms(c.edge),
        bytes_on_air: c.bytes_on_air,
        handovers_per_sec_per_core: c.handovers_per_sec_per_core,
    }
}

/// The goal check against the baseline at m = 15.
pub fn goal(baseline: &[BaselineRow], agilis: Option<&AgilisRow>) -> GoalCheck {
    let edge_limit_ms = baseline
        .iter()
        .find(|r| r.m == 15)
        .map_or(f64::NAN, |r| r.edge.median_ms / 2.0);
    GoalCheck {
        edge_limit_ms,
        vehicle_online_limit_ms: 0.2,
        edge_met: agilis.map(|a| a.edge_ms <= edge_limit_ms),
        vehicle_online_met: agilis.map(|a| a.vehicle_online_ms <= 0.2),
    }
}

/// Handovers per figure when `--iterations` is not given.
pub fn default_iterations(quick: bool) -> usize {
    if quick { 40 } else { 1000 }
}

/// The whole measurement: primitives, the baseline at every ring size,
/// agilis and the goal check, with progress on stderr. `command` is recorded
/// as the command line that reproduces the figures. Writes nothing.
pub fn measure(iterations: usize, command: String) -> Result<Report, String> {
    if iterations == 0 {
        return Err("--iterations: give at least 1".into());
    }
    eprintln!("[handover] primitives: T_m, T_h ({iterations} batches of {PRIMITIVE_BATCH})");
    let primitives = primitives(iterations)?;
    let mut rows = Vec::new();
    for m in RING_SIZES {
        rows.push(baseline(m, iterations)?);
    }
    eprintln!("[handover] agilis: {iterations} handovers");
    let (agilis, agilis_error) = match agilis::agilis_costs(iterations) {
        Ok(c) => (Some(agilis_row(&c)), None),
        Err(e) => {
            eprintln!("[handover] agilis not measured: {e}");
            (None, Some(e))
        }
    };
    let goal = goal(&rows, agilis.as_ref());
    Ok(Report {
        command,
        date_utc: crate::fpga::docs::today_utc(),
        machine: crate::report::env::machine(),
        iterations,
        primitives,
        baseline: rows,
        agilis,
        agilis_error,
        goal,
    })
}

pub fn run(args: &Args) -> Result<(), String> {
    let iterations = args
        .iterations
        .unwrap_or_else(|| default_iterations(args.quick));
    let started = Instant::now();
    let command = format!(
        "cargo run --release -p agilis-bench --bin bench-harness -- {}",
        std::env::args().skip(1).collect::<Vec<_>>().join(" ")
    );
    let rep = measure(iterations, command)?;
    println!("{}", report::tables(&rep));

    let root = crate::fpga::workspace_root();
    let json_path = if args.json.is_absolute() {
        args.json.clone()
    } else {
        root.join(&args.json)
    };
    if let Some(dir) = json_path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    let json =
        serde_json::to_string_pretty(&rep).map_err(|e| format!("serializing the report: {e}"))?;
    std::fs::write(&json_path, json + "\n")
        .map_err(|e| format!("writing {}: {e}", json_path.display()))?;
    eprintln!("[handover] wrote {}", json_path.display());
    if args.write_docs {
        let docs = if args.docs.is_absolute() {
            args.docs.clone()
        } else {
            root.join(&args.docs)
        };
        std::fs::write(&docs, report::page(&rep))
            .map_err(|e| format!("writing {}: {e}", docs.display()))?;
        eprintln!("[handover] wrote {}", docs.display());
    }
    eprintln!("[handover] total {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_run_counts_the_model_and_sizes() {
        for row in RING_SIZES.map(|m| baseline(m, 2).unwrap()) {
            assert_eq!(row.edge.counts, row.edge_model);
            let vehicle = OpCounts::new(
                row.vehicle_online.counts.hashes + row.vehicle_response.counts.hashes,
                row.vehicle_online.counts.mults + row.vehicle_response.counts.mults,
            );
            assert_eq!(vehicle, row.vehicle_model);
            assert_eq!(row.bytes_on_air, seccdv::bytes_on_air(row.m));
            assert!(row.edge.median_ms > 0.0 && row.handovers_per_sec_per_core.is_finite());
        }
    }

    #[test]
    fn the_goal_is_half_the_baseline_edge_at_m_15() {
        let row = baseline(15, 1).unwrap();
        let half = row.edge.median_ms / 2.0;
        let agilis = |edge_ms, online_ms| AgilisRow {
            vehicle_precompute_ms: 0.0,
            vehicle_online_ms: online_ms,
            vehicle_response_ms: 0.0,
            edge_ms,
            bytes_on_air: 0,
            handovers_per_sec_per_core: 0.0,
        };
        let met = goal(std::slice::from_ref(&row), Some(&agilis(half * 0.99, 0.19)));
        assert_eq!(
            (met.edge_met, met.vehicle_online_met),
            (Some(true), Some(true))
        );
        let missed = goal(std::slice::from_ref(&row), Some(&agilis(half * 1.01, 0.21)));
        assert_eq!(
            (missed.edge_met, missed.vehicle_online_met),
            (Some(false), Some(false))
        );
        assert_eq!(goal(&[row], None).edge_met, None);
    }
}

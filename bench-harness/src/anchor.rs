//! `bench-harness anchor`: a bounded load generator for the anchor server.
//!
//! On loopback, against an in-process `agilis_negotiate::server::Server`
//! (service `Discard`) or, with `--to`, against `agilis anchor serve --mode
//! discard` in another process, it measures:
//!
//! 1. for each concurrency level C (default 1, 10, 100, 1000): C client
//!    threads share a budget of handshakes; each connects, completes the
//!    full mutual handshake (its latency: connect to established), then
//!    closes the session cleanly and starts over. Reported: handshakes per
//!    second (completed / wall time), p50/p99/max latency, errors;
//! 2. bulk throughput per session: one session at a time carries
//!    `--megabytes` to the discarding server (timed from the first record
//!    to the server's authenticated close).
//!
//! Client and server share the machine's cores, so the handshake rate is
//! that of the whole loopback system, both sides' CPU included.
//!
//! Output: a table on stdout (progress on stderr) and JSON (default
//! `bench-harness/results/anchor.json`).

use std::io::Read;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use agilis_driver::SoftwareEngine;
use agilis_negotiate::handshake::{Config, Policy};
use agilis_negotiate::pki::{CaDir, DAY_MS, DEFAULT_SIGNATURE, Identity, anchor_capabilities};
use agilis_negotiate::server::{Discard, Limits, Server, Snapshot};
use agilis_negotiate::tcp::Connection;
use agilis_negotiate::trust::LocalTrust;
use agilis_negotiate::now_ms;
use agilis_suites::Family;
use agilis_suites::registry::{self, Withdrawal, codepoint as cp};
use serde::Serialize;

#[derive(clap::Args, Debug)]
#[command(after_help = "\
The goal suite is the issue's: X-Wing (ML-KEM-768 + X25519) with ML-DSA-65 + Ed25519, AES-256-GCM, HKDF-SHA-384 \
(the anchor profile with ml-kem-1024 and code-based withdrawn; `agilis anchor serve --withdraw ml-kem-1024 --withdraw code-based`). \
--suite anchor uses the anchor profile's first choice (ML-KEM-1024 + HQC-256).

Against another process: agilis anchor serve --listen 127.0.0.1:7443 --mode discard --max-pending 1100 --identity B --trust CA/trust [--withdraw ...], \
then bench-harness anchor --to 127.0.0.1:7443 --identity A --trust CA/trust.

Example: cargo run --release -p agilis-bench --bin bench-harness -- anchor")]
pub struct Args {
    /// Concurrency levels: clients at once (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "1,10,100,1000", value_name = "N,N,..")]
    pub clients: Vec<usize>,
    /// Handshakes per level (at least one per client).
    #[arg(long, default_value_t = 2000, value_name = "N")]
    pub handshakes: usize,
    /// Megabytes (MiB) per bulk session.
    #[arg(long, default_value_t = 64, value_name = "MIB")]
    pub megabytes: u64,
    /// Bulk sessions, one after another.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub bulk_sessions: usize,
    /// goal (X-Wing + ML-DSA-65+Ed25519) or anchor (the anchor profile's first choice).
    #[arg(long, value_enum, default_value = "goal")]
    pub suite: SuiteChoice,
    /// Load a server in another process (`agilis anchor serve --mode discard`) instead of one in this process.
    #[arg(long, value_name = "ADDR", requires_all = ["identity", "trust"])]
    pub to: Option<String>,
    /// With --to: the client's identity directory.
    #[arg(long, value_name = "DIR")]
    pub identity: Option<PathBuf>,
    /// With --to: the trust directory.
    #[arg(long, value_name = "DIR")]
    pub trust: Option<PathBuf>,
    /// Where to write the JSON (relative paths are taken from the workspace root).
    #[arg(long, default_value = "bench-harness/results/anchor.json", value_name = "PATH")]
    pub out: PathBuf,
}

/// Which suite the sessions negotiate.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuiteChoice {
    /// X-Wing + ML-DSA-65+Ed25519 (the issue's goal suite)
    Goal,
    /// the anchor profile's first choice
    Anchor,
}

fn policy(s: SuiteChoice) -> Policy {
    let p = Policy::by_name("anchor").expect("built-in profile");
    if s == SuiteChoice::Goal {
        p.withdraw(Withdrawal::Algorithm(cp::ML_KEM_1024));
        p.withdraw(Withdrawal::Family(Family::CodeBased));
    }
    p
}

#[derive(Serialize)]
struct Level {
    clients: usize,
    handshakes: usize,
    errors: usize,
    first_error: Option<String>,
    seconds: f64,
    handshakes_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

#[derive(Serialize)]
struct Bulk {
    mib: u64,
    mbit_per_s: Vec<f64>,
}

#[derive(Serialize)]
struct Report {
    command: String,
    date_utc: String,
    machine: String,
    suite: String,
    server: String,
    levels: Vec<Level>,
    bulk: Bulk,
    server_counters: Option<String>,
}

fn build_err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// A CA and two anchors in `dir`; (client, server) configurations.
fn local_pki(dir: &Path, suite: SuiteChoice) -> Result<(Config, Config), String> {
    let now = now_ms();
    let ca = CaDir::init(&dir.join("ca"), "bench-ca", DEFAULT_SIGNATURE, DAY_MS, now).map_err(build_err)?;
    let cfg = |subnet: &str| -> Result<Config, String> {
        let id = dir.join(subnet);
        ca.issue(subnet, DEFAULT_SIGNATURE, anchor_capabilities(), DAY_MS, now, &id).map_err(build_err)?;
        load(&id, &ca.trust_dir(), suite)
    };
    Ok((cfg("client")?, cfg("server")?))
}

fn load(identity: &Path, trust: &Path, suite: SuiteChoice) -> Result<Config, String> {
    let id = Identity::load(identity).map_err(|e| format!("{}: {e}", identity.display()))?;
    let trust = LocalTrust::load_dir(trust).map_err(|e| format!("{}: {e}", trust.display()))?;
    Ok(Config::new(Arc::new(id), Arc::new(trust), policy(suite), Arc::new(SoftwareEngine::new())))
}

/// One client's handshake, then a clean close; the handshake's latency.
fn one_handshake(addr: SocketAddr, cfg: &Config) -> Result<Duration, String> {
    let started = Instant::now();
    let stream = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    let conn = Connection::initiate(stream, cfg.clone(), Duration::from_secs(60)).map_err(build_err)?;
    let latency = started.elapsed();
    conn.pump(std::io::empty(), &mut std::io::sink()).map_err(build_err)?;
    Ok(latency)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1e3
}

fn level(addr: SocketAddr, cfg: &Config, clients: usize, budget: usize) -> Level {
    let budget = budget.max(clients);
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(budget)));
    let errors = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (next, done, lat, errs, cfg) =
                (next.clone(), done.clone(), latencies.clone(), errors.clone(), cfg.clone());
            std::thread::Builder::new()
                .spawn(move || {
                    while next.fetch_add(1, Ordering::Relaxed) < budget {
                        match one_handshake(addr, &cfg) {
                            Ok(l) => lat.lock().unwrap().push(l),
                            Err(e) => errs.lock().unwrap().push(e),
                        }
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                })
                .expect("client thread")
        })
        .collect();
    let progress = std::thread::spawn({
        let done = done.clone();
        move || {
            let mut shown = 0;
            while done.load(Ordering::Relaxed) < budget {
                std::thread::sleep(Duration::from_millis(200));
                let d = done.load(Ordering::Relaxed);
                if d * 10 / budget > shown * 10 / budget {
                    eprint!("\r[anchor] {clients:>5} clients: {d}/{budget} handshakes");
                    shown = d;
                }
            }
        }
    });
    for t in threads {
        let _ = t.join();
    }
    let seconds = started.elapsed().as_secs_f64();
    let _ = progress.join();
    eprintln!("\r[anchor] {clients:>5} clients: {budget}/{budget} handshakes in {seconds:.2} s");
    let mut lat = std::mem::take(&mut *latencies.lock().unwrap());
    lat.sort();
    let errors = std::mem::take(&mut *errors.lock().unwrap());
    Level {
        clients,
        handshakes: lat.len(),
        errors: errors.len(),
        first_error: errors.first().cloned(),
        seconds,
        handshakes_per_s: lat.len() as f64 / seconds,
        p50_ms: percentile(&lat, 0.50),
        p99_ms: percentile(&lat, 0.99),
        max_ms: lat.last().map_or(f64::NAN, |d| d.as_secs_f64() * 1e3),
    }
}

fn bulk(addr: SocketAddr, cfg: &Config, mib: u64) -> Result<f64, String> {
    let stream = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    let conn = Connection::initiate(stream, cfg.clone(), Duration::from_secs(60)).map_err(build_err)?;
    let bytes = mib * 1024 * 1024;
    let started = Instant::now();
    let (sent, _) = conn
        .pump(std::io::repeat(0x5a).take(bytes), &mut std::io::sink())
        .map_err(build_err)?;
    let secs = started.elapsed().as_secs_f64();
    if sent != bytes {
        return Err(format!("sent {sent} of {bytes} bytes"));
    }
    Ok(bytes as f64 * 8.0 / secs / 1e6)
}

fn suite_line(cfg: &Config) -> String {
    let names = |k| -> Vec<&str> {
        cfg.policy.allowed(k).iter().map(|c| registry::by_codepoint(*c).map_or("?", |a| a.name)).collect()
    };
    format!(
        "kem {} | signature {} (certificates) | aead {} | kdf {}",
        names(agilis_suites::Kind::Kem).first().unwrap_or(&"?"),
        registry::by_codepoint(cfg.identity.cert.key_alg).map_or("?", |a| a.name),
        names(agilis_suites::Kind::Aead).first().unwrap_or(&"?"),
        names(agilis_suites::Kind::Kdf).first().unwrap_or(&"?"),
    )
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| c.lines().find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())))
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{cpu}, {cores} logical CPUs")
}

fn date_utc() -> String {
    let unix = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    crate::fpga::docs::civil_from_days((unix / 86_400) as i64).to_string()
}

pub fn run(args: &Args) -> Result<(), String> {
    if args.clients.is_empty() || args.clients.contains(&0) {
        return Err("--clients: give concurrency levels of at least 1".into());
    }
    let max_clients = *args.clients.iter().max().expect("non-empty");
    let dir = std::env::temp_dir().join(format!("agilis-bench-anchor-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (ccfg, addr, server) = match &args.to {
        Some(to) => {
            let cfg = load(args.identity.as_deref().expect("clap"), args.trust.as_deref().expect("clap"), args.suite)?;
            let addr = std::net::ToSocketAddrs::to_socket_addrs(to)
                .map_err(|e| format!("--to {to}: {e}"))?
                .next()
                .ok_or(format!("--to {to}: no address"))?;
            (cfg, addr, None)
        }
        None => {
            let (ccfg, scfg) = local_pki(&dir, args.suite)?;
            let limits = Limits {
                max_pending: max_clients + 64,
                max_connections: 2 * max_clients + 64,
                handshake_timeout: Duration::from_secs(60),
                idle_timeout: Duration::from_secs(60),
            };
            let running = Server::bind("127.0.0.1:0", scfg, limits)
                .and_then(|s| s.spawn(Arc::new(Discard)))
                .map_err(build_err)?;
            (ccfg, running.addr, Some(running))
        }
    };
    let suite = suite_line(&ccfg);
    let server_desc = match &server {
        Some(_) => "in-process agilis_negotiate::server::Server (Discard), one thread per connection".to_string(),
        None => format!("external at {addr}"),
    };
    eprintln!("[anchor] suite: {suite}");
    eprintln!("[anchor] server: {server_desc}");

    let mut levels = Vec::new();
    for &c in &args.clients {
        levels.push(level(addr, &ccfg, c, args.handshakes));
    }
    let mut rates = Vec::new();
    for i in 0..args.bulk_sessions {
        let r = bulk(addr, &ccfg, args.megabytes)?;
        eprintln!("[anchor] bulk session {}: {} MiB at {r:.0} Mbit/s", i + 1, args.megabytes);
        rates.push(r);
    }
    let counters: Option<Snapshot> = server.map(|s| {
        let snap = s.stats.snapshot();
        let _ = s.stop();
        snap
    });
    let _ = std::fs::remove_dir_all(&dir);

    println!("anchor handshakes on loopback ({suite})");
    println!("{:>8} {:>11} {:>7} {:>10} {:>10} {:>10} {:>10}", "clients", "handshakes", "errors", "hs/s", "p50 ms", "p99 ms", "max ms");
    for l in &levels {
        println!(
            "{:>8} {:>11} {:>7} {:>10.0} {:>10.2} {:>10.2} {:>10.2}",
            l.clients, l.handshakes, l.errors, l.handshakes_per_s, l.p50_ms, l.p99_ms, l.max_ms
        );
        if let Some(e) = &l.first_error {
            println!("{:>8} first error: {e}", "");
        }
    }
    let shown: Vec<String> = rates.iter().map(|r| format!("{r:.0}")).collect();
    println!("bulk: {} MiB per session, Mbit/s per session: {}", args.megabytes, shown.join(", "));
    if let Some(s) = &counters {
        println!("server: {s:?}");
    }

    let report = Report {
        command: format!("cargo run --release -p agilis-bench --bin bench-harness -- {}", std::env::args().skip(1).collect::<Vec<_>>().join(" ")),
        date_utc: date_utc(),
        machine: machine(),
        suite,
        server: server_desc,
        levels,
        bulk: Bulk { mib: args.megabytes, mbit_per_s: rates },
        server_counters: counters.map(|s| format!("{s:?}")),
    };
    let out = if args.out.is_absolute() { args.out.clone() } else { crate::fpga::workspace_root().join(&args.out) };
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let json = serde_json::to_string_pretty(&report).map_err(build_err)?;
    std::fs::write(&out, json + "\n").map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!("[anchor] wrote {}", out.display());
    Ok(())
}

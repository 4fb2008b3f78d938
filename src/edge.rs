//! `agilis edge serve`: an edge server that takes vehicles' handovers
//! (agilis_negotiate::v2x) and then serves their sessions, under the same
//! load bounds as `agilis anchor serve`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};
use std::time::{Duration, SystemTime};

use agilis_driver::SoftwareEngine;
use agilis_negotiate::cert::StatusList;
use agilis_negotiate::handshake::Policy;
use agilis_negotiate::now_ms;
use agilis_negotiate::server::{
    Discard, Echo, EdgeAccept, Limits, Running, Server, Service, Snapshot,
};
use agilis_negotiate::v2x::dirs::EdgeDir;
use agilis_negotiate::v2x::{Edge, EdgeConfig, HandoverRecord, RevocationList};
use clap::{Args, Subcommand};

use crate::anchor::{LimitArgs, Logged, failure};
use crate::{CliResult, Failure};

#[derive(Subcommand)]
pub enum EdgeCommand {
    /// Serve handovers: vehicles hand their sessions over to this edge (three messages), then
    /// their records are echoed back (or discarded). Runs until killed.
    #[command(
        after_help = "Enroll the edge first: agilis authority enroll-edge --dir AUTHORITY --name NAME --apps APP --out DIR.\n\
Each completed handover's pseudonym credential is logged to DIR/handovers/ (or --log), so that the authority can \
trace a disputed one: agilis authority trace --dir AUTHORITY --credential FILE."
    )]
    Serve(ServeArgs),
}

#[derive(Args)]
pub struct ServeArgs {
    /// Edge directory (edge.warrant, edge.keys, trust/), from `agilis authority enroll-edge`.
    #[arg(long)]
    dir: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:7450")]
    listen: String,
    /// What to do with a vehicle's records after its handover.
    #[arg(long, value_enum, default_value = "echo")]
    mode: Mode,
    /// The authority's signed revocation list; re-read whenever it changes.
    /// Default: DIR/trust/revocations.list.
    #[arg(long, value_name = "FILE")]
    revocations: Option<PathBuf>,
    /// Directory for the handover log (one credential file per handover). Default: DIR/handovers.
    #[arg(long, value_name = "DIR")]
    log: Option<PathBuf>,
    /// Clock window in seconds: requests whose timestamp is further from our clock are refused.
    #[arg(long, default_value_t = 30)]
    window: u64,
    #[command(flatten)]
    limits: LimitArgs,
}

/// What the edge does with records.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// send every data record back
    Echo,
    /// read and drop every data record
    Discard,
}

/// A running edge: the server, and the file its revocation list comes from.
pub struct RunningEdge {
    /// the accept loop
    pub running: Running,
    /// the handover responder
    pub edge: Arc<Edge>,
}

/// Where and how an edge runs.
pub struct EdgeSetup<'a> {
    pub dir: &'a Path,
    pub listen: &'a str,
    pub mode: Mode,
    pub limits: Limits,
    pub revocations: Option<PathBuf>,
    pub log: Option<PathBuf>,
    pub window_ms: u64,
    /// print one line per handover and failure on stderr
    pub verbose: bool,
}

/// Starts an edge from its directory (also used by `agilis demo`).
pub fn start(s: EdgeSetup) -> Result<RunningEdge, Failure> {
    let d = EdgeDir::load(s.dir)
        .map_err(|e| Failure::BadInput(format!("--dir {}: {e}", s.dir.display())))?;
    let revocations_file = s
        .revocations
        .unwrap_or_else(|| s.dir.join("trust").join("revocations.list"));
    let list = read_list(&revocations_file)?;
    let revocation = Arc::new(
        RevocationList::new(&d.authority, list)
            .map_err(|e| Failure::BadInput(format!("{}: {e}", revocations_file.display())))?,
    );
    let policy = Policy::by_name("vehicle").map_err(failure)?;
    let mut cfg = EdgeConfig::new(
        d.warrant,
        Arc::new(d.keys),
        d.authority,
        revocation,
        policy,
        Arc::new(SoftwareEngine::new()),
    );
    cfg.clock_window_ms = s.window_ms;
    let edge = Arc::new(Edge::new(cfg).map_err(failure)?);
    let log_dir = s.log.unwrap_or_else(|| s.dir.join("handovers"));
    std::fs::create_dir_all(&log_dir)
        .map_err(|e| Failure::Other(format!("--log {}: {e}", log_dir.display())))?;
    let name = edge.warrant().edge.clone();
    let verbose = s.verbose;
    let log_name = name.clone();
    let accept = EdgeAccept::new(
        edge.clone(),
        Box::new(move |r: &HandoverRecord| log_handover(&log_dir, &log_name, r, verbose)),
    );
    let listener = std::net::TcpListener::bind(s.listen)
        .map_err(|e| Failure::BadInput(format!("--listen {}: {e}", s.listen)))?;
    let server = Server::with_accept(listener, Arc::new(accept), s.limits);
    let inner: Arc<dyn Service> = match s.mode {
        Mode::Echo => Arc::new(Echo),
        Mode::Discard => Arc::new(Discard),
    };
    // Failures go to stderr only when verbose (the demo keeps its output clean).
    let service: Arc<dyn Service> = if verbose {
        Arc::new(Logged {
            inner,
            who: format!("agilis edge {name}"),
            handshake_word: "handover",
        })
    } else {
        inner
    };
    let running = server.spawn(service).map_err(failure)?;
    watch_revocations(Arc::downgrade(&edge), revocations_file, name, verbose);
    Ok(RunningEdge { running, edge })
}

/// Reads a signed revocation list file (verified by whoever installs it).
pub(crate) fn read_list(path: &Path) -> Result<StatusList, Failure> {
    let bytes = std::fs::read(path).map_err(|e| {
        Failure::BadInput(format!(
            "revocation list {}: {e} (copy the authority's public/revocations.list, or pass --revocations)",
            path.display()
        ))
    })?;
    StatusList::decode(&bytes).map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))
}

/// Re-reads the revocation list whenever its file changes: the authority
/// publishes a new one on every revocation. The watcher ends with the edge:
/// it holds it weakly, and stays quiet once nothing else uses it (a stopped
/// edge whose directory is removed has nothing to report).
fn watch_revocations(edge: Weak<Edge>, path: PathBuf, name: String, verbose: bool) {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let mut seen: Option<SystemTime> = modified(&path);
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(250));
            let Some(edge) = edge.upgrade() else { return };
            let now = modified(&path);
            if now == seen {
                continue;
            }
            seen = now;
            let r = read_list(&path).and_then(|l| {
                let (number, n) = (l.number, l.revoked.len());
                edge.set_revocation(l).map_err(failure)?;
                Ok((number, n))
            });
            match r {
                Ok((number, n)) if verbose => eprintln!(
                    "agilis edge {name}: revocation list #{number} installed ({n} serials)"
                ),
                Ok(_) => {}
                // A half-written or older file: keep the installed list.
                Err(f) if Arc::strong_count(&edge) > 1 => eprintln!(
                    "agilis edge {name}: revocation list not installed: {}",
                    f.message()
                ),
                Err(_) => return,
            }
        }
    });
}

/// Logs a handover: the pseudonym credential to a file (for a trace), a line on stderr.
fn log_handover(dir: &Path, name: &str, r: &HandoverRecord, verbose: bool) {
    let file = dir.join(format!("{}-{:016x}-{}.cred", now_ms(), r.serial, r.seq));
    let saved = std::fs::write(&file, &r.credential);
    if verbose {
        match saved {
            Ok(()) => eprintln!(
                "agilis edge {name}: handover of pseudonym {:016x} (app {}, seq {}); credential logged to {}",
                r.serial,
                r.application,
                r.seq,
                file.display()
            ),
            Err(e) => eprintln!(
                "agilis edge {name}: handover of pseudonym {:016x}; cannot log it to {}: {e}",
                r.serial,
                file.display()
            ),
        }
    }
}

pub fn run(c: EdgeCommand) -> CliResult {
    let EdgeCommand::Serve(a) = c;
    let e = start(EdgeSetup {
        dir: &a.dir,
        listen: &a.listen,
        mode: a.mode,
        limits: a.limits.limits()?,
        revocations: a.revocations,
        log: a.log,
        window_ms: a.window.saturating_mul(1000),
        verbose: true,
    })?;
    let w = e.edge.warrant();
    eprintln!(
        "agilis edge {}: listening on {} (apps {})",
        w.edge,
        e.running.addr,
        w.applications.join(",")
    );
    let mut last = Snapshot::default();
    loop {
        std::thread::sleep(Duration::from_secs(10));
        let s = e.running.stats.snapshot();
        if s != last {
            eprintln!(
                "agilis edge {}: {} accepted, {} refused, {} handovers ({} failed), {} sessions ok, {} failed",
                w.edge,
                s.accepted,
                s.refused,
                s.handshakes,
                s.handshake_failures,
                s.sessions_ok,
                s.session_failures
            );
            last = s;
        }
    }
}

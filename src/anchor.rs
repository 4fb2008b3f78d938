//! `agilis anchor serve|connect`: an anchor-to-anchor session over TCP.
//! Data on stdin goes to the peer's stdout; each side prints the negotiated
//! suite, its families, the transcript hash and the session binding on
//! stderr. A thin layer over `agilis_negotiate::tcp`.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use agilis_driver::SoftwareEngine;
use agilis_negotiate::handshake::{Config, Policy, ReplayCache};
use agilis_negotiate::pki::Identity;
use agilis_negotiate::tcp::{Connection, HANDSHAKE_TIMEOUT};
use agilis_negotiate::trust::LocalTrust;
use agilis_negotiate::{Error, Session};
use agilis_suites::profile;
use clap::{Args, Subcommand};

use crate::policy::PolicyArgs;
use crate::{CliResult, Failure};

#[derive(Subcommand)]
pub enum AnchorCommand {
    /// Accept anchor sessions on ADDR. Runs until one session has completed (failed handshakes are
    /// reported and the next connection is accepted), or after the first connection with --once.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:7443 (port 0: any; the address is printed on stderr).
        #[arg(long)]
        listen: String,
        #[command(flatten)]
        common: Common,
        /// Exit after the first connection, whatever its outcome.
        #[arg(long)]
        once: bool,
    },
    /// End-to-end demo in one process: a CA and two anchors in a temporary directory, a session
    /// over loopback, MEGABYTES carried through it; reports suite, handshake time and throughput.
    Demo {
        /// Megabytes to move through the session.
        #[arg(long, default_value_t = 8)]
        megabytes: u64,
        /// Profile (default: anchor) and withdrawals, applied to both anchors.
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Connect to an anchor at ADDR.
    Connect {
        /// Address of the peer anchor.
        #[arg(long)]
        to: String,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Args)]
pub struct Common {
    /// Identity directory (anchor.cert, anchor.key), from `agilis ca issue`.
    #[arg(long)]
    identity: PathBuf,
    /// Trust directory (CA certificates *.cert and status lists *.status), e.g. CA/trust.
    #[arg(long)]
    trust: PathBuf,
    /// Only accept a peer whose certificate names this subnet.
    #[arg(long)]
    peer: Option<String>,
    /// Profile (default: anchor) and withdrawals.
    #[command(flatten)]
    policy: PolicyArgs,
}

/// Maps a negotiation error to the CLI's exit classes.
pub fn failure(e: Error) -> Failure {
    match e {
        Error::Config(_)
        | Error::Decode { .. }
        | Error::UnsupportedVersion { .. }
        | Error::Suites(_) => Failure::BadInput(e.to_string()),
        Error::Io(_) => Failure::Other(e.to_string()),
        _ => Failure::Rejected(e.to_string()),
    }
}

fn config(c: &Common) -> Result<Config, Failure> {
    config_from(&c.identity, &c.trust, c.peer.clone(), &c.policy)
}

fn config_from(
    identity: &std::path::Path,
    trust: &std::path::Path,
    peer: Option<String>,
    policy: &PolicyArgs,
) -> Result<Config, Failure> {
    let id = Identity::load(identity)
        .map_err(|e| Failure::BadInput(format!("--identity {}: {e}", identity.display())))?;
    let trust = LocalTrust::load_dir(trust)
        .map_err(|e| Failure::BadInput(format!("--trust {}: {e}", trust.display())))?;
    let p = policy.resolve()?;
    let profile = match p.profile {
        Some(p) => p,
        None => profile::by_name("anchor").map_err(|e| Failure::Other(e.to_string()))?,
    };
    let policy = Policy::with_registry(profile, Arc::new(RwLock::new(p.registry)));
    let mut cfg = Config::new(
        Arc::new(id),
        Arc::new(trust),
        policy,
        Arc::new(SoftwareEngine::new()),
    );
    cfg.expected_peer = peer;
    Ok(cfg)
}

fn name(c: u16) -> &'static str {
    agilis_suites::registry::by_codepoint(c)
        .map(|a| a.name)
        .unwrap_or("?")
}

fn report(s: &Session, elapsed_ms: f64) {
    let i = s.info();
    let suite = i.suite;
    eprintln!(
        "agilis anchor: session with `{}` (certificate serial {}), handshake {elapsed_ms:.1} ms{}",
        i.peer.subnet,
        i.peer.serial,
        if i.retried { ", after a retry" } else { "" }
    );
    eprintln!(
        "agilis anchor: suite: kem {} | signatures {} (initiator), {} (responder) | aead {} | kdf {}",
        name(suite.kem),
        name(suite.sig_initiator),
        name(suite.sig_responder),
        name(suite.aead),
        name(suite.kdf)
    );
    let fams: Vec<&str> = i.families.iter().map(|f| f.as_str()).collect();
    eprintln!("agilis anchor: families: {}", fams.join(", "));
    eprintln!(
        "agilis anchor: transcript hash: {}",
        hex::encode(&i.transcript_hash)
    );
    eprintln!("agilis anchor: session binding: {}", hex::encode(i.binding));
}

fn carry(conn: Connection) -> CliResult {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let (sent, received) = conn
        .pump(std::io::stdin(), &mut out)
        .map_err(|e| failure_with("session", e))?;
    eprintln!("agilis anchor: closed: {sent} bytes sent, {received} bytes received");
    Ok(())
}

fn failure_with(what: &str, e: Error) -> Failure {
    match failure(e) {
        Failure::Rejected(m) => Failure::Rejected(format!("{what} failed: {m}")),
        Failure::BadInput(m) => Failure::BadInput(format!("{what} failed: {m}")),
        Failure::Other(m) => Failure::Other(format!("{what} failed: {m}")),
        f => f,
    }
}

pub fn run(c: AnchorCommand) -> CliResult {
    match c {
        AnchorCommand::Serve {
            listen,
            common,
            once,
        } => {
            let cfg = config(&common)?;
            let listener = TcpListener::bind(&listen)
                .map_err(|e| Failure::BadInput(format!("--listen {listen}: {e}")))?;
            eprintln!("agilis anchor: listening on {}", listener.local_addr()?);
            let replay = Arc::new(ReplayCache::default());
            loop {
                let (stream, from) = listener.accept()?;
                let started = std::time::Instant::now();
                match Connection::respond(stream, cfg.clone(), replay.clone(), HANDSHAKE_TIMEOUT) {
                    Ok(conn) => {
                        report(conn.session(), started.elapsed().as_secs_f64() * 1e3);
                        return carry(conn);
                    }
                    Err(e) if once => {
                        return Err(failure_with(&format!("handshake with {from}"), e));
                    }
                    Err(e) => eprintln!("agilis anchor: handshake with {from} failed: {e}"),
                }
            }
        }
        AnchorCommand::Demo { megabytes, policy } => demo(megabytes, &policy),
        AnchorCommand::Connect { to, common } => {
            let cfg = config(&common)?;
            let stream =
                TcpStream::connect(&to).map_err(|e| Failure::Other(format!("--to {to}: {e}")))?;
            let started = std::time::Instant::now();
            let conn = Connection::initiate(stream, cfg, HANDSHAKE_TIMEOUT)
                .map_err(|e| failure_with(&format!("handshake with {to}"), e))?;
            report(conn.session(), started.elapsed().as_secs_f64() * 1e3);
            carry(conn)
        }
    }
}

/// A writer that counts and drops.
struct Sink(u64);

impl std::io::Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0 += b.len() as u64;
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn demo(megabytes: u64, policy: &PolicyArgs) -> CliResult {
    use std::io::Read;

    use agilis_negotiate::now_ms;
    use agilis_negotiate::pki::{CaDir, DAY_MS, DEFAULT_SIGNATURE, anchor_capabilities};

    let dir = std::env::temp_dir().join(format!(
        "agilis-anchor-demo-{}-{}",
        std::process::id(),
        now_ms()
    ));
    let result = (|| -> CliResult {
        let now = now_ms();
        let ca = CaDir::init(
            &dir.join("ca"),
            "demo-ca",
            DEFAULT_SIGNATURE,
            30 * DAY_MS,
            now,
        )
        .map_err(failure)?;
        for s in ["subnet-a", "subnet-b"] {
            ca.issue(
                s,
                DEFAULT_SIGNATURE,
                anchor_capabilities(),
                DAY_MS,
                now,
                &dir.join(s),
            )
            .map_err(failure)?;
        }
        eprintln!(
            "agilis anchor demo: CA and anchors subnet-a, subnet-b in {}",
            dir.display()
        );
        let cfg = |id: &str| config_from(&dir.join(id), &ca.trust_dir(), None, policy);
        let (ic, rc) = (cfg("subnet-a")?, cfg("subnet-b")?);
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let server = std::thread::spawn(move || -> Result<u64, Error> {
            let (stream, _) = listener.accept().map_err(Error::from)?;
            let conn = Connection::respond(
                stream,
                rc,
                Arc::new(ReplayCache::default()),
                HANDSHAKE_TIMEOUT,
            )?;
            let mut sink = Sink(0);
            conn.pump(std::io::empty(), &mut sink)?;
            Ok(sink.0)
        });
        let started = std::time::Instant::now();
        let conn = Connection::initiate(TcpStream::connect(addr)?, ic, HANDSHAKE_TIMEOUT)
            .map_err(|e| failure_with("handshake", e))?;
        let handshake_ms = started.elapsed().as_secs_f64() * 1e3;
        report(conn.session(), handshake_ms);
        let bytes = megabytes * 1024 * 1024;
        let started = std::time::Instant::now();
        conn.pump(std::io::repeat(0x5a).take(bytes), &mut Sink(0))
            .map_err(|e| failure_with("session", e))?;
        let received = server
            .join()
            .map_err(|_| Failure::Other("server thread panicked".into()))?
            .map_err(|e| failure_with("server", e))?;
        let secs = started.elapsed().as_secs_f64();
        if received != bytes {
            return Err(Failure::Other(format!(
                "sent {bytes} bytes, the peer received {received}"
            )));
        }
        println!(
            "anchor demo: handshake {handshake_ms:.1} ms; {megabytes} MiB in {:.3} s = {:.0} Mbit/s through the software engine",
            secs,
            bytes as f64 * 8.0 / secs / 1e6
        );
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

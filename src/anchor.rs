//! `agilis anchor serve|connect`: an anchor-to-anchor session over TCP.
//! Data on stdin goes to the peer's stdout; each side prints the negotiated
//! suite, its families, the transcript hash and the session binding on
//! stderr. A thin layer over `agilis_negotiate::tcp`.

use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock, mpsc};
use std::time::Duration;

use agilis_driver::SoftwareEngine;
use agilis_negotiate::handshake::{Config, Policy};
use agilis_negotiate::pki::Identity;
use agilis_negotiate::server::{Discard, Echo, Limits, Server, Service, Snapshot, Stage};
use agilis_negotiate::tcp::{Connection, HANDSHAKE_TIMEOUT};
use agilis_negotiate::trust::LocalTrust;
use agilis_negotiate::{Error, Session, Suite};
use agilis_suites::profile;
use clap::{Args, Subcommand};

use crate::policy::PolicyArgs;
use crate::{CliResult, Failure};

#[derive(Subcommand)]
pub enum AnchorCommand {
    /// Accept anchor sessions on ADDR, many at once (one thread per connection, bounded by
    /// --max-pending and --max-connections; connections over a limit are closed at once).
    ///
    /// --mode stdio (default): the first session to complete its handshake carries this process's
    /// stdin to the peer's stdout and back; the server exits when it ends. Failed handshakes are
    /// reported and others go on meanwhile; later sessions are closed at once (stdin is taken).
    /// With --once, the first connection's outcome, whatever it is, ends the server.
    ///
    /// --mode echo / discard: every session is served until its peer closes (echo sends each
    /// record back, discard drops it); the server runs until killed and prints its counters
    /// every 10 s. These are the modes for load (`bench-harness anchor --to ADDR`).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:7443 (port 0: any; the address is printed on stderr).
        #[arg(long)]
        listen: String,
        #[command(flatten)]
        common: Common,
        /// What sessions carry: stdio, echo or discard (see above).
        #[arg(long, value_enum, default_value_t = Mode::Stdio)]
        mode: Mode,
        #[command(flatten)]
        limits: LimitArgs,
        /// stdio mode: exit after the first connection, whatever its outcome.
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

/// What `anchor serve` does with sessions.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// the first session carries stdin to the peer's stdout and back, then the server exits
    Stdio,
    /// send every data record back; run until killed
    Echo,
    /// read and drop every data record; run until killed
    Discard,
}

/// The bounds of `anchor serve`.
#[derive(Args)]
pub struct LimitArgs {
    /// Most unfinished handshakes at once; connections beyond are closed at once.
    #[arg(long, default_value_t = Limits::default().max_pending, value_name = "N")]
    max_pending: usize,
    /// Most connections at once (handshakes and sessions, one thread each); beyond: closed at once.
    #[arg(long, default_value_t = Limits::default().max_connections, value_name = "N")]
    max_connections: usize,
    /// Deadline of one handshake in seconds, from accept to the peer's Finish; slower peers are cut.
    #[arg(long, default_value = "10", value_parser = seconds, value_name = "SECS")]
    handshake_timeout: Duration,
    /// Longest a session may wait for one read or write, in seconds; idler peers are cut.
    #[arg(long, default_value = "60", value_parser = seconds, value_name = "SECS")]
    idle_timeout: Duration,
}

impl LimitArgs {
    pub(crate) fn limits(&self) -> Result<Limits, Failure> {
        if self.max_pending == 0 || self.max_connections == 0 {
            return Err(Failure::BadInput(
                "--max-pending and --max-connections must be at least 1".into(),
            ));
        }
        Ok(Limits {
            max_pending: self.max_pending,
            max_connections: self.max_connections,
            handshake_timeout: self.handshake_timeout,
            idle_timeout: self.idle_timeout,
        })
    }
}

fn seconds(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if !(secs > 0.0 && secs <= 86_400.0) {
        return Err(format!(
            "{s} s: give a duration above 0 and at most 86400 s"
        ));
    }
    Ok(Duration::from_secs_f64(secs))
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

fn suite_line(suite: &Suite) -> String {
    format!(
        "kem {} | signatures {} (initiator), {} (responder) | aead {} | kdf {}",
        name(suite.kem),
        name(suite.sig_initiator),
        name(suite.sig_responder),
        name(suite.aead),
        name(suite.kdf)
    )
}

fn report(s: &Session, elapsed_ms: f64) {
    let i = s.info();
    let suite = i.suite;
    eprintln!(
        "agilis anchor: session with `{}` (certificate serial {}), handshake {elapsed_ms:.1} ms{}",
        i.peer.anchor().map_or("", |c| c.subnet.as_str()),
        i.peer.anchor().map_or(0, |c| c.serial),
        if i.retried { ", after a retry" } else { "" }
    );
    eprintln!("agilis anchor: suite: {}", suite_line(&suite));
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
    failure_prefixed(&format!("{what} failed: "), e)
}

/// [`failure`], its message after `prefix`.
pub(crate) fn failure_prefixed(prefix: &str, e: Error) -> Failure {
    match failure(e) {
        Failure::Rejected(m) => Failure::Rejected(format!("{prefix}{m}")),
        Failure::BadInput(m) => Failure::BadInput(format!("{prefix}{m}")),
        Failure::Other(m) => Failure::Other(format!("{prefix}{m}")),
        f => f,
    }
}

pub fn run(c: AnchorCommand) -> CliResult {
    match c {
        AnchorCommand::Serve {
            listen,
            common,
            mode,
            limits,
            once,
        } => serve(&listen, &common, mode, &limits, once),
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

fn serve(listen: &str, common: &Common, mode: Mode, limits: &LimitArgs, once: bool) -> CliResult {
    let limits = limits.limits()?;
    let cfg = config(common)?;
    let server = Server::bind(listen, cfg, limits)
        .map_err(|e| Failure::BadInput(format!("--listen {listen}: {e}")))?;
    eprintln!(
        "agilis anchor: listening on {}",
        server.local_addr().map_err(failure)?
    );
    match mode {
        Mode::Stdio => {
            let (tx, rx) = mpsc::channel();
            let service = StdioService {
                taken: AtomicBool::new(false),
                once,
                done: Mutex::new(tx),
            };
            let _running = server.spawn(Arc::new(service)).map_err(failure)?;
            rx.recv()
                .unwrap_or_else(|_| Err(Failure::Other("the server stopped".into())))
        }
        Mode::Echo | Mode::Discard => {
            let inner: Arc<dyn Service> = if mode == Mode::Echo {
                Arc::new(Echo)
            } else {
                Arc::new(Discard)
            };
            let service = Arc::new(Logged {
                inner,
                who: "agilis anchor".into(),
                handshake_word: "handshake",
            });
            let running = server.spawn(service).map_err(failure)?;
            let mut last = Snapshot::default();
            loop {
                std::thread::sleep(Duration::from_secs(10));
                let s = running.stats.snapshot();
                if s != last {
                    eprintln!(
                        "agilis anchor: {} accepted, {} refused, {} handshakes ({} failed, {} timed out), \
{} sessions ok, {} failed; now {} pending, {} connections",
                        s.accepted,
                        s.refused,
                        s.handshakes,
                        s.handshake_failures,
                        s.handshake_timeouts,
                        s.sessions_ok,
                        s.session_failures,
                        s.pending,
                        s.connections
                    );
                    last = s;
                }
            }
        }
    }
}

/// Reports failed connections on stderr, one line each: `{who}: {stage}
/// with {peer} failed: …`, the handshake stage named `handshake_word`.
pub(crate) struct Logged {
    pub inner: Arc<dyn Service>,
    pub who: String,
    pub handshake_word: &'static str,
}

impl Service for Logged {
    fn session(
        &self,
        conn: Connection,
        peer: SocketAddr,
        handshake: Duration,
    ) -> Result<(), Error> {
        self.inner.session(conn, peer, handshake)
    }
    fn failed(&self, peer: SocketAddr, stage: Stage, error: &Error) {
        let stage = match stage {
            Stage::Handshake => self.handshake_word,
            Stage::Session => "session",
        };
        eprintln!("{}: {stage} with {peer} failed: {error}", self.who);
    }
}

fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Handshake => "handshake",
        Stage::Session => "session",
    }
}

/// `--mode stdio`: the first established session gets stdin and stdout; its
/// outcome (or with `--once` the first connection's) goes to `done`.
struct StdioService {
    taken: AtomicBool,
    once: bool,
    done: Mutex<mpsc::Sender<CliResult>>,
}

impl StdioService {
    fn finish(&self, r: CliResult) {
        let _ = self.done.lock().unwrap_or_else(|p| p.into_inner()).send(r);
    }
}

impl Service for StdioService {
    fn session(
        &self,
        conn: Connection,
        peer: SocketAddr,
        handshake: Duration,
    ) -> Result<(), Error> {
        if self.taken.swap(true, Ordering::SeqCst) {
            eprintln!(
                "agilis anchor: session with {peer} closed at once: stdin is taken by another session"
            );
            return conn.close();
        }
        report(conn.session(), handshake.as_secs_f64() * 1e3);
        self.finish(carry(conn));
        Ok(())
    }

    fn failed(&self, peer: SocketAddr, stage: Stage, error: &Error) {
        let what = format!("{} with {peer}", stage_name(stage));
        if stage == Stage::Handshake && self.once && !self.taken.swap(true, Ordering::SeqCst) {
            self.finish(Err(failure_with(&what, error.clone())));
        } else if stage == Stage::Handshake {
            eprintln!("agilis anchor: {what} failed: {error}");
        }
    }
}

/// The demo's server side: drops the data, reports how much arrived.
struct Counting(Mutex<mpsc::Sender<Result<u64, Error>>>);

impl Service for Counting {
    fn session(&self, conn: Connection, _: SocketAddr, _: Duration) -> Result<(), Error> {
        let r = conn.serve(|_, _, _| Ok(()));
        let ok = r.as_ref().map(|_| ()).map_err(Clone::clone);
        let _ = self.0.lock().unwrap_or_else(|p| p.into_inner()).send(r);
        ok
    }
    fn failed(&self, _: SocketAddr, stage: Stage, error: &Error) {
        if stage == Stage::Handshake {
            let _ = self
                .0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .send(Err(error.clone()));
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

/// The end-to-end demo: a CA and two anchors in a temporary directory, with
/// the first signature the policy allows and every suite it allows as
/// capabilities; a session over loopback through the concurrent server;
/// `megabytes` carried through it. Details on stderr, the summary on stdout.
pub fn demo(megabytes: u64, policy: &PolicyArgs) -> CliResult {
    use std::io::Read;

    use agilis_negotiate::now_ms;
    use agilis_negotiate::pki::{CaDir, DAY_MS, DEFAULT_SIGNATURE};
    use agilis_suites::Kind;

    let resolved = policy.resolve()?;
    let profile = match resolved.profile {
        Some(p) => p,
        None => profile::by_name("anchor").map_err(|e| Failure::Other(e.to_string()))?,
    };
    let allowed = |k: Kind| -> Result<Vec<u16>, Failure> {
        let list: Vec<u16> = profile
            .allowed(&resolved.registry, k)
            .iter()
            .map(|a| a.codepoint)
            .collect();
        if list.is_empty() {
            return Err(Failure::BadInput(format!(
                "the policy leaves no {k} for an anchor session (profile {})",
                profile.name
            )));
        }
        Ok(list)
    };
    let capabilities = [Kind::Kem, Kind::Signature, Kind::Aead, Kind::Kdf]
        .map(allowed)
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?
        .concat();
    // The anchors' default key type (as `agilis ca issue`) where the policy allows it.
    let signatures = allowed(Kind::Signature)?;
    let signature = if signatures.contains(&DEFAULT_SIGNATURE) {
        DEFAULT_SIGNATURE
    } else {
        signatures[0]
    };
    let dir = std::env::temp_dir().join(format!(
        "agilis-anchor-demo-{}-{}",
        std::process::id(),
        now_ms()
    ));
    let result = (|| -> CliResult {
        let now = now_ms();
        let ca = CaDir::init(&dir.join("ca"), "demo-ca", signature, 30 * DAY_MS, now)
            .map_err(failure)?;
        for s in ["subnet-a", "subnet-b"] {
            ca.issue(
                s,
                signature,
                capabilities.clone(),
                DAY_MS,
                now,
                &dir.join(s),
            )
            .map_err(failure)?;
        }
        eprintln!(
            "agilis anchor demo: CA and anchors subnet-a, subnet-b ({}) in {}",
            name(signature),
            dir.display()
        );
        let cfg = |id: &str| config_from(&dir.join(id), &ca.trust_dir(), None, policy);
        let (ic, rc) = (cfg("subnet-a")?, cfg("subnet-b")?);
        let server = Server::bind("127.0.0.1:0", rc, Limits::default()).map_err(failure)?;
        let (tx, rx) = mpsc::channel();
        let running = server
            .spawn(Arc::new(Counting(Mutex::new(tx))))
            .map_err(failure)?;
        let addr = running.addr;
        let started = std::time::Instant::now();
        let conn = Connection::initiate(TcpStream::connect(addr)?, ic, HANDSHAKE_TIMEOUT)
            .map_err(|e| failure_with("handshake", e))?;
        let handshake_ms = started.elapsed().as_secs_f64() * 1e3;
        report(conn.session(), handshake_ms);
        let suite = conn.session().info().suite;
        let bytes = megabytes * 1024 * 1024;
        let started = std::time::Instant::now();
        conn.pump(std::io::repeat(0x5a).take(bytes), &mut Sink(0))
            .map_err(|e| failure_with("session", e))?;
        let secs = started.elapsed().as_secs_f64();
        let received = rx
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| Failure::Other("the server did not report its session".into()))?
            .map_err(|e| failure_with("server", e))?;
        let _ = running.stop();
        if received != bytes {
            return Err(Failure::Other(format!(
                "sent {bytes} bytes, the peer received {received}"
            )));
        }
        println!("anchor demo: suite {}", suite_line(&suite));
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

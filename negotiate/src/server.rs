//! A server that holds load: accepts connections and serves many at once,
//! with bounded cost per connection whatever the peers do. The handshake it
//! runs is an [`Accept`]: the anchor responder ([`AnchorAccept`], what
//! [`Server::bind`] uses) or any other, such as the vehicle-to-edge one.
//!
//! **Threads.** Each accepted connection gets its own thread. The transport
//! is blocking, so whatever serves a stalled peer is tied up until its
//! deadline; with a thread per connection a stalled peer ties up only its
//! own thread, and a worker pool would need as many workers anyway. The
//! bounds are therefore counts, checked when a connection is accepted:
//!
//! - at most [`Limits::max_pending`] unfinished handshakes, and
//! - at most [`Limits::max_connections`] connections in all (handshakes and
//!   sessions: this bounds the threads).
//!
//! A connection over either bound is closed at once, before any byte is
//! read or any thread started: refusing costs one `accept` and one `close`.
//!
//! **Time.** A handshake has one deadline ([`Limits::handshake_timeout`])
//! for all its reads, so a peer trickling bytes is cut when it passes. In a
//! session every read and write may wait at most [`Limits::idle_timeout`].
//!
//! **Memory.** A frame's buffer grows only with bytes received and is
//! bounded by the per-type limits of [`crate::messages`]; a session's
//! [`Service`] decides what it holds (the built-in ones hold one record).
//!
//! **Isolation.** A connection's failure (garbage, a dropped socket, a
//! timeout, even a panic in a [`Service`]) ends only its own thread; it is
//! counted in [`Stats`] and reported to [`Service::failed`].

use std::io::ErrorKind;
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::handshake::{Config, ReplayCache};
use crate::tcp::{Connection, HANDSHAKE_TIMEOUT};
use crate::v2x::{Edge, HandoverRecord, frames};
use crate::wire::now_ms;

/// The bounds of a [`Server`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Unfinished handshakes at once; connections beyond are refused (default 256).
    pub max_pending: usize,
    /// Connections at once, handshakes and sessions; connections beyond are refused (default 1024).
    pub max_connections: usize,
    /// Deadline of one handshake, from accept to the initiator's Finish (default 10 s).
    pub handshake_timeout: Duration,
    /// Longest wait of one read or write in a session (default 60 s).
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pending: 256,
            max_connections: 1024,
            handshake_timeout: HANDSHAKE_TIMEOUT,
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// Where a connection failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// before the session was established
    Handshake,
    /// in the session
    Session,
}

/// What the server does with connections. Both methods run on the
/// connection's own thread.
pub trait Service: Send + Sync + 'static {
    /// Serves an established session until it ends. `handshake` is the
    /// time from accept to the session. The idle timeout is already set.
    fn session(&self, conn: Connection, peer: SocketAddr, handshake: Duration) -> Result<()>;

    /// A connection failed (the default does nothing).
    fn failed(&self, peer: SocketAddr, stage: Stage, error: &Error) {
        let _ = (peer, stage, error);
    }
}

/// The responder's side of a handshake on an accepted connection.
pub trait Accept: Send + Sync + 'static {
    /// Runs the handshake on `stream`, all reads within `timeout` from now.
    fn accept(&self, stream: TcpStream, timeout: Duration) -> Result<Connection>;
}

/// The anchor-to-anchor responder, with one replay cache for all connections.
pub struct AnchorAccept {
    cfg: Config,
    replay: Arc<ReplayCache>,
}

impl AnchorAccept {
    /// A responder with `cfg` and a fresh replay cache.
    pub fn new(cfg: Config) -> AnchorAccept {
        AnchorAccept {
            cfg,
            replay: Arc::new(ReplayCache::default()),
        }
    }
}

impl Accept for AnchorAccept {
    fn accept(&self, stream: TcpStream, timeout: Duration) -> Result<Connection> {
        Connection::respond(stream, self.cfg.clone(), self.replay.clone(), timeout)
    }
}

/// What an edge does with each completed handover (log it for a later
/// trace, count it); runs on the connection's thread.
pub type HandoverLog = Box<dyn Fn(&HandoverRecord) + Send + Sync>;

/// The vehicle-to-edge responder: answers a warrant request if the vehicle
/// sends one first, then runs the three-message handover.
pub struct EdgeAccept {
    edge: Arc<Edge>,
    log: HandoverLog,
}

impl EdgeAccept {
    /// A responder for `edge`; `log` sees every completed handover.
    pub fn new(edge: Arc<Edge>, log: HandoverLog) -> EdgeAccept {
        EdgeAccept { edge, log }
    }
}

impl Accept for EdgeAccept {
    fn accept(&self, stream: TcpStream, timeout: Duration) -> Result<Connection> {
        Connection::establish(stream, timeout, |io| {
            let mut frame = io.next_frame()?;
            if frames::is_warrant_request(&frame).is_ok() {
                io.send(&self.edge.warrant_frame())?;
                frame = io.next_frame()?;
            }
            let (response, pending) = self.edge.receive_request(&frame, now_ms())?;
            io.send(&response)?;
            let (session, record) = pending.receive_ack(&io.next_frame()?, now_ms())?;
            (self.log)(&record);
            Ok(session)
        })
    }
}

/// Echoes every data record back to the peer, then answers its close.
#[derive(Debug, Default, Clone, Copy)]
pub struct Echo;

impl Service for Echo {
    fn session(&self, conn: Connection, _: SocketAddr, _: Duration) -> Result<()> {
        conn.serve(|s, data, now| s.send(data, now)).map(|_| ())
    }
}

/// Reads and discards every data record, then answers the peer's close.
#[derive(Debug, Default, Clone, Copy)]
pub struct Discard;

impl Service for Discard {
    fn session(&self, conn: Connection, _: SocketAddr, _: Duration) -> Result<()> {
        conn.serve(|_, _, _| Ok(())).map(|_| ())
    }
}

/// Counters of a [`Server`], shared with its threads.
#[derive(Debug, Default)]
pub struct Stats {
    accepted: AtomicU64,
    refused: AtomicU64,
    handshakes: AtomicU64,
    handshake_failures: AtomicU64,
    handshake_timeouts: AtomicU64,
    sessions_ok: AtomicU64,
    session_failures: AtomicU64,
    pending: Arc<Gauge>,
    connections: Arc<Gauge>,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Snapshot {
    /// connections accepted (refused ones included)
    pub accepted: u64,
    /// connections closed at once because a limit was reached
    pub refused: u64,
    /// handshakes completed
    pub handshakes: u64,
    /// handshakes failed (timeouts included)
    pub handshake_failures: u64,
    /// handshakes cut at the deadline
    pub handshake_timeouts: u64,
    /// sessions that ended cleanly
    pub sessions_ok: u64,
    /// sessions that ended with an error
    pub session_failures: u64,
    /// unfinished handshakes now
    pub pending: usize,
    /// most unfinished handshakes at once so far
    pub peak_pending: usize,
    /// connections (threads) now
    pub connections: usize,
    /// most connections at once so far
    pub peak_connections: usize,
}

impl Stats {
    /// The counters now.
    pub fn snapshot(&self) -> Snapshot {
        let n = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Snapshot {
            accepted: n(&self.accepted),
            refused: n(&self.refused),
            handshakes: n(&self.handshakes),
            handshake_failures: n(&self.handshake_failures),
            handshake_timeouts: n(&self.handshake_timeouts),
            sessions_ok: n(&self.sessions_ok),
            session_failures: n(&self.session_failures),
            pending: self.pending.now.load(Ordering::Relaxed),
            peak_pending: self.pending.peak.load(Ordering::Relaxed),
            connections: self.connections.now.load(Ordering::Relaxed),
            peak_connections: self.connections.peak.load(Ordering::Relaxed),
        }
    }
}

/// A bounded count with its peak: a non-blocking counting semaphore.
#[derive(Debug, Default)]
struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
}

/// One unit of a [`Gauge`], given back on drop.
struct Permit(Arc<Gauge>);

impl Gauge {
    fn try_acquire(self: &Arc<Self>, max: usize) -> Option<Permit> {
        let n = self
            .now
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()?;
        self.peak.fetch_max(n + 1, Ordering::Relaxed);
        Some(Permit(self.clone()))
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Accepts connections on a listener and serves each on its own thread.
pub struct Server {
    listener: TcpListener,
    accept: Arc<dyn Accept>,
    limits: Limits,
    stats: Arc<Stats>,
    stop: Arc<AtomicBool>,
}

/// Stops a running [`Server`] from another thread.
#[derive(Debug, Clone)]
pub struct StopHandle {
    stop: Arc<AtomicBool>,
    addr: SocketAddr,
}

impl StopHandle {
    /// Makes the accept loop return (connections in progress run to their
    /// end). Wakes the loop with a connection of its own.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake {
                SocketAddr::V4(_) => [127, 0, 0, 1].into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
    }
}

/// A server running on a thread of its own ([`Server::spawn`]).
pub struct Running {
    /// the address it listens on
    pub addr: SocketAddr,
    /// its counters
    pub stats: Arc<Stats>,
    stopper: StopHandle,
    thread: JoinHandle<Result<()>>,
}

impl Running {
    /// A handle that stops the server.
    pub fn stopper(&self) -> StopHandle {
        self.stopper.clone()
    }

    /// Stops accepting and waits for the accept loop to return.
    pub fn stop(self) -> Result<()> {
        self.stopper.stop();
        self.thread
            .join()
            .map_err(|_| Error::Io("the accept loop panicked".into()))?
    }
}

impl Server {
    /// An anchor server listening on `addr` (port 0: any free port).
    pub fn bind(addr: impl ToSocketAddrs, cfg: Config, limits: Limits) -> Result<Server> {
        Ok(Server::new(TcpListener::bind(addr)?, cfg, limits))
    }

    /// An anchor server on an existing listener.
    pub fn new(listener: TcpListener, cfg: Config, limits: Limits) -> Server {
        Server::with_accept(listener, Arc::new(AnchorAccept::new(cfg)), limits)
    }

    /// A server running the handshake `accept` on an existing listener.
    pub fn with_accept(listener: TcpListener, accept: Arc<dyn Accept>, limits: Limits) -> Server {
        Server {
            listener,
            accept,
            limits,
            stats: Arc::new(Stats::default()),
            stop: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// Its counters.
    pub fn stats(&self) -> Arc<Stats> {
        self.stats.clone()
    }

    /// A handle that stops [`Server::run`].
    pub fn stopper(&self) -> Result<StopHandle> {
        Ok(StopHandle {
            stop: self.stop.clone(),
            addr: self.local_addr()?,
        })
    }

    /// Runs the accept loop on a new thread.
    pub fn spawn(self, service: Arc<dyn Service>) -> Result<Running> {
        let (addr, stats, stopper) = (self.local_addr()?, self.stats(), self.stopper()?);
        let thread = std::thread::Builder::new()
            .name("agilis-accept".into())
            .spawn(move || self.run(service))?;
        Ok(Running {
            addr,
            stats,
            stopper,
            thread,
        })
    }

    /// Accepts connections until stopped, serving each on its own thread.
    pub fn run(self, service: Arc<dyn Service>) -> Result<()> {
        let shared = Arc::new(Shared {
            accept: self.accept,
            limits: self.limits,
            stats: self.stats,
        });
        loop {
            let accepted = self.listener.accept();
            if self.stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            let (stream, peer) = match accepted {
                Ok(a) => a,
                // Out of descriptors or a connection reset before accept:
                // this connection is lost, the server is not.
                Err(e) if transient(&e) => {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let stats = &shared.stats;
            stats.accepted.fetch_add(1, Ordering::Relaxed);
            // Both permits before anything else: over a limit, the
            // connection is closed (dropped) here, no thread started.
            let Some(pending) = stats.pending.try_acquire(shared.limits.max_pending) else {
                stats.refused.fetch_add(1, Ordering::Relaxed);
                continue;
            };
            let Some(conn) = stats.connections.try_acquire(shared.limits.max_connections) else {
                stats.refused.fetch_add(1, Ordering::Relaxed);
                continue;
            };
            let (sh, svc) = (shared.clone(), service.clone());
            let spawned = std::thread::Builder::new()
                .name("agilis-conn".into())
                .spawn(move || sh.connection(stream, peer, pending, conn, &*svc));
            // A thread the system cannot start is a refusal too.
            if spawned.is_err() {
                stats.refused.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

fn transient(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::ConnectionAborted
            | ErrorKind::ConnectionReset
            | ErrorKind::Interrupted
            | ErrorKind::WouldBlock
            | ErrorKind::OutOfMemory
    ) || e.raw_os_error().is_some_and(|c| c == 23 || c == 24) // ENFILE, EMFILE
}

/// What every connection thread shares.
struct Shared {
    accept: Arc<dyn Accept>,
    limits: Limits,
    stats: Arc<Stats>,
}

impl Shared {
    /// One connection's thread. `_conn` is held to the end.
    fn connection(
        &self,
        stream: TcpStream,
        peer: SocketAddr,
        pending: Permit,
        _conn: Permit,
        service: &dyn Service,
    ) {
        let stats = &self.stats;
        let started = Instant::now();
        let r = self
            .accept
            .accept(stream, self.limits.handshake_timeout)
            .and_then(|c| {
                c.set_idle_timeout(Some(self.limits.idle_timeout))?;
                Ok(c)
            });
        drop(pending);
        let conn = match r {
            Ok(c) => c,
            Err(e) => {
                stats.handshake_failures.fetch_add(1, Ordering::Relaxed);
                if e == Error::Timeout {
                    stats.handshake_timeouts.fetch_add(1, Ordering::Relaxed);
                }
                service.failed(peer, Stage::Handshake, &e);
                return;
            }
        };
        stats.handshakes.fetch_add(1, Ordering::Relaxed);
        let elapsed = started.elapsed();
        let r = std::panic::catch_unwind(AssertUnwindSafe(|| service.session(conn, peer, elapsed)))
            .unwrap_or_else(|_| Err(Error::Io("the session's service panicked".into())));
        match r {
            Ok(()) => stats.sessions_ok.fetch_add(1, Ordering::Relaxed),
            Err(e) => {
                service.failed(peer, Stage::Session, &e);
                stats.session_failures.fetch_add(1, Ordering::Relaxed)
            }
        };
    }
}

//! `agilis vehicle handover`: a vehicle attaches to a source edge, streams
//! data through it (echoed back), hands its session over to a target edge
//! midway (make-before-break: the source session stays until the target's
//! response verifies), and finishes the stream there. Every echoed byte is
//! checked against what was sent, in order, so a lost or duplicated byte
//! fails the run.

use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use agilis_driver::SoftwareEngine;
use agilis_negotiate::handshake::Policy;
use agilis_negotiate::record::{Event, Session};
use agilis_negotiate::tcp::{Connection, read_frame};
use agilis_negotiate::v2x::dirs::VehicleDir;
use agilis_negotiate::v2x::{RevocationList, Vehicle, VehicleConfig};
use agilis_negotiate::{Error, now_ms};
use clap::{Args, Subcommand};

use crate::anchor::{failure, failure_prefixed};
use crate::edge::read_list;
use crate::{CliResult, Failure};

#[derive(Subcommand)]
pub enum VehicleCommand {
    /// Attach to the edge at --from, stream data through it, hand the session over to the edge
    /// at --to midway, and finish the stream there; checks that no byte is lost or duplicated.
    #[command(
        after_help = "Each attach or handover uses a fresh pseudonym from DIR/pseudonyms/, so two handovers \
cannot be linked. If the handover fails (refused, timed out), the vehicle keeps its source session and finishes \
the stream there; the exit status is then 1.\n\n\
Example: agilis vehicle handover --dir VEHICLE --from 127.0.0.1:7450 --to 127.0.0.1:7451"
    )]
    Handover(HandoverArgs),
}

#[derive(Args)]
pub struct HandoverArgs {
    /// Vehicle directory (pseudonyms/, trust/), from `agilis authority enroll-vehicle`.
    #[arg(long)]
    dir: PathBuf,
    /// The source edge's address.
    #[arg(long)]
    from: String,
    /// The target edge's address.
    #[arg(long)]
    to: String,
    /// Application to ask for (default: the first one both the pseudonym and the edge allow).
    #[arg(long)]
    app: Option<String>,
    /// Kibibytes to stream; the handover happens halfway.
    #[arg(long, default_value_t = 4096)]
    kib: u64,
    /// Deadline of each handover and longest wait for an echo, in seconds.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// A newer signed revocation list from the authority (edges' warrants are checked against it).
    /// Default: DIR/trust/revocations.list.
    #[arg(long, value_name = "FILE")]
    revocations: Option<PathBuf>,
}

/// Bytes per record of the stream.
const CHUNK: usize = 16 * 1024;

/// Byte `i` of the stream: 8-byte big-endian block counters, so that a
/// lost, duplicated or reordered byte never matches.
fn stream_byte(i: u64) -> u8 {
    (i / 8).to_be_bytes()[(i % 8) as usize]
}

/// How one attach or handover went.
#[derive(Debug, Clone)]
pub struct Attach {
    /// the edge's name, from its warrant
    pub edge: String,
    /// the suite
    pub suite: String,
    /// connect + warrant request, ms
    pub fetch_ms: f64,
    /// the precomputed part of the request, ms
    pub precompute_ms: f64,
    /// the online part (timestamp, seal), ms
    pub online_ms: f64,
    /// request → response → acknowledgement on the wire, ms
    pub exchange_ms: f64,
    /// whether the pseudonym had been used before (then handovers are linkable)
    pub reused_pseudonym: bool,
}

/// The outcome of a run.
#[derive(Debug)]
pub struct Report {
    /// the attach to the source edge
    pub source: Attach,
    /// the handover, or why it failed
    pub handover: Result<Attach, String>,
    /// bytes carried by the source session
    pub via_source: u64,
    /// bytes carried by the target session
    pub via_target: u64,
}

struct Link {
    stream: TcpStream,
    session: Session,
}

/// Attaches to (or hands over to) the edge at `addr` under a fresh pseudonym.
fn attach(
    vehicle: &Vehicle,
    dir: &VehicleDir,
    addr: &str,
    app: Option<&str>,
    timeout: Duration,
) -> Result<(Link, Attach), Failure> {
    let t0 = Instant::now();
    let stream = TcpStream::connect(addr).map_err(|e| Failure::Other(format!("{addr}: {e}")))?;
    let warrant = Connection::fetch_warrant(&stream, timeout)
        .map_err(|e| Failure::Rejected(format!("{addr}: warrant request failed: {e}")))?;
    let fetch_ms = ms(t0);
    let now = now_ms();
    let (keys, seq, reused) = dir.take_pseudonym(now).map_err(failure)?;
    let app = match app {
        Some(a) => a.to_string(),
        None => keys
            .credential
            .applications
            .iter()
            .find(|a| warrant.applications.contains(a))
            .cloned()
            .ok_or_else(|| {
                Failure::Rejected(format!(
                    "edge `{}` serves {} and the pseudonyms allow {}: no application in common",
                    warrant.edge,
                    warrant.applications.join(","),
                    keys.credential.applications.join(",")
                ))
            })?,
    };
    let t1 = Instant::now();
    let prepared = vehicle
        .prepare(&keys, &warrant, &app, seq, now)
        .map_err(|e| failure_at(addr, e))?;
    let precompute_ms = ms(t1);
    let t2 = Instant::now();
    let (request, awaiting) = prepared
        .finalize(now_ms())
        .map_err(|e| failure_at(addr, e))?;
    let online_ms = ms(t2);
    let t3 = Instant::now();
    let conn = Connection::hand_over(stream, &request, awaiting, timeout)
        .map_err(|e| failure_at(addr, e))?;
    let exchange_ms = ms(t3);
    conn.set_idle_timeout(Some(timeout)).map_err(failure)?;
    let suite = conn.session().info().suite.to_string();
    let (stream, session) = conn.into_parts();
    Ok((
        Link { stream, session },
        Attach {
            edge: warrant.edge.clone(),
            suite,
            fetch_ms,
            precompute_ms,
            online_ms,
            exchange_ms,
            reused_pseudonym: reused,
        },
    ))
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn failure_at(addr: &str, e: Error) -> Failure {
    failure_prefixed(&format!("{addr}: "), e)
}

/// Sends stream bytes `[offset, offset + len)` and checks that exactly
/// those come back, in order.
fn echo_chunk(link: &mut Link, offset: u64, len: usize) -> Result<(), Failure> {
    let chunk: Vec<u8> = (0..len as u64).map(|i| stream_byte(offset + i)).collect();
    link.session.send(&chunk, now_ms()).map_err(failure)?;
    link.stream.write_all(&link.session.take_output())?;
    let mut back = 0usize;
    while back < len {
        let frame = read_frame(&mut link.stream)
            .map_err(failure)?
            .ok_or_else(|| Failure::Other("the edge closed the connection mid-stream".into()))?;
        let event = link.session.receive(&frame, now_ms()).map_err(failure)?;
        let out = link.session.take_output();
        if !out.is_empty() {
            link.stream.write_all(&out)?;
        }
        match event {
            Event::Data(d) => {
                if back + d.len() > len || d != chunk[back..back + d.len()] {
                    return Err(Failure::Other(format!(
                        "the echo differs from the stream after byte {}: lost, duplicated or reordered data",
                        offset + back as u64
                    )));
                }
                back += d.len();
            }
            Event::Closed => {
                return Err(Failure::Other(
                    "the edge closed the session mid-stream".into(),
                ));
            }
            Event::KeyUpdated | Event::AeadSwitched(_) => {}
        }
    }
    Ok(())
}

/// Closes a session (authenticated) and waits for the edge's close; any
/// data arriving now would be a duplicate.
fn close(mut link: Link) -> Result<(), Failure> {
    link.session.close(now_ms()).map_err(failure)?;
    link.stream.write_all(&link.session.take_output())?;
    loop {
        let Some(frame) = read_frame(&mut link.stream).map_err(failure)? else {
            return link.session.end_of_stream().map_err(failure);
        };
        match link.session.receive(&frame, now_ms()).map_err(failure)? {
            Event::Closed => return Ok(()),
            Event::Data(_) => {
                return Err(Failure::Other(
                    "data arrived after the whole stream was echoed: duplicated bytes".into(),
                ));
            }
            Event::KeyUpdated | Event::AeadSwitched(_) => {}
        }
    }
}

/// Where a run goes and what it carries.
pub struct Trip<'a> {
    /// the vehicle directory
    pub dir: &'a Path,
    /// a newer revocation list than DIR/trust's
    pub revocations: Option<&'a Path>,
    /// the source edge's address
    pub from: &'a str,
    /// the target edge's address
    pub to: &'a str,
    /// the application (default: the first both sides allow)
    pub app: Option<&'a str>,
    /// bytes to stream; the handover happens halfway
    pub bytes: u64,
    /// deadline of each handover and longest wait for an echo
    pub timeout: Duration,
}

/// The whole run (also used by `agilis demo`): attach, stream, hand over
/// halfway, finish. `progress` prints the steps on stdout.
pub fn drive(trip: &Trip, progress: bool) -> Result<Report, Failure> {
    let Trip {
        dir,
        revocations,
        from,
        to,
        app,
        bytes,
        timeout,
    } = *trip;
    let d = VehicleDir::open(dir)
        .map_err(|e| Failure::BadInput(format!("--dir {}: {e}", dir.display())))?;
    let list = match revocations {
        None => d.revocations.clone(),
        Some(f) => read_list(f)?,
    };
    let revocation = RevocationList::new(&d.authority, list)
        .map_err(|e| Failure::BadInput(format!("revocation list: {e}")))?;
    let vehicle = Vehicle::new(VehicleConfig::new(
        d.authority.clone(),
        Arc::new(revocation),
        Policy::by_name("vehicle").map_err(failure)?,
        Arc::new(SoftwareEngine::new()),
    ));
    let say = |s: String| {
        if progress {
            println!("{s}");
            let _ = std::io::stdout().flush();
        }
    };
    let (mut link, source) = attach(&vehicle, &d, from, app, timeout)?;
    say(format!(
        "attached to edge `{}` at {from} in {:.1} ms: {}",
        source.edge,
        source.fetch_ms + source.precompute_ms + source.online_ms + source.exchange_ms,
        source.suite
    ));
    let half = bytes / 2;
    let mut offset = 0u64;
    let mut via_source = 0u64;
    let mut handover: Option<Result<Attach, String>> = None;
    while offset < bytes {
        if handover.is_none() && offset >= half {
            // Make before break: the source link stays until the target's response verified.
            match attach(&vehicle, &d, to, app, timeout) {
                Ok((target, a)) => {
                    say(format!(
                        "handed over to edge `{}` at {to} after {offset} bytes: warrant {:.1} ms, request precomputed \
in {:.2} ms, finalized online in {:.3} ms, three messages in {:.1} ms{}",
                        a.edge,
                        a.fetch_ms,
                        a.precompute_ms,
                        a.online_ms,
                        a.exchange_ms,
                        if a.reused_pseudonym {
                            " (pseudonym reused: this handover is linkable to an earlier one)"
                        } else {
                            ""
                        }
                    ));
                    let old = std::mem::replace(&mut link, target);
                    via_source = offset;
                    close(old)?;
                    say(format!(
                        "source session with `{}` closed cleanly",
                        source.edge
                    ));
                    handover = Some(Ok(a));
                }
                Err(f) => {
                    let m = f.message().to_string();
                    say(format!(
                        "handover to {to} failed: {m}; the source session stays and carries the rest"
                    ));
                    handover = Some(Err(m));
                }
            }
        }
        let len = CHUNK.min((bytes - offset) as usize);
        echo_chunk(&mut link, offset, len)?;
        offset += len as u64;
    }
    let handover = handover.unwrap_or_else(|| Err("the stream was too short to hand over".into()));
    if handover.is_err() {
        via_source = offset;
    }
    close(link)?;
    Ok(Report {
        source,
        handover,
        via_source,
        via_target: offset - via_source,
    })
}

pub fn run(c: VehicleCommand) -> CliResult {
    let VehicleCommand::Handover(a) = c;
    if a.timeout == 0 {
        return Err(Failure::BadInput("--timeout: at least 1 second".into()));
    }
    let bytes = a.kib.saturating_mul(1024);
    let r = drive(
        &Trip {
            dir: &a.dir,
            revocations: a.revocations.as_deref(),
            from: &a.from,
            to: &a.to,
            app: a.app.as_deref(),
            bytes,
            timeout: Duration::from_secs(a.timeout),
        },
        true,
    )?;
    println!(
        "stream: {bytes} bytes sent and echoed back in order ({} via `{}`, {} via the target): nothing lost or duplicated",
        r.via_source, r.source.edge, r.via_target
    );
    match r.handover {
        Ok(_) => Ok(()),
        Err(m) => Err(Failure::Rejected(format!("handover failed: {m}"))),
    }
}

/// The vehicle-to-edge part of `agilis demo`: an authority, two edges and a
/// vehicle in a temporary directory; a handover with a live stream; a trace
/// of the logged pseudonym; a revocation the edges pick up.
pub fn demo(kib: u64) -> CliResult {
    use agilis_negotiate::pki::DAY_MS;
    use agilis_negotiate::server::Limits;
    use agilis_negotiate::v2x::dirs::{AuthorityDir, Holder, batch_on_grid};

    use crate::edge::{self, EdgeSetup, Mode};

    let dir = std::env::temp_dir().join(format!(
        "agilis-v2x-demo-{}-{}",
        std::process::id(),
        now_ms()
    ));
    let result = (|| -> CliResult {
        let now = now_ms();
        let auth =
            AuthorityDir::init(&dir.join("authority"), "road-authority", now).map_err(failure)?;
        for e in ["edge-a", "edge-b"] {
            auth.enroll_edge(e, &["video"], DAY_MS, now, &dir.join(e))
                .map_err(failure)?;
        }
        let identity = "WVWZZZ1JZXW000001";
        let batch = batch_on_grid(4, &["video"], now, 24);
        auth.enroll_vehicle(identity, &batch, &dir.join("vehicle"))
            .map_err(failure)?;
        let list = auth
            .public_dir()
            .join(agilis_negotiate::v2x::dirs::REVOCATIONS);
        let edges = ["edge-a", "edge-b"]
            .map(|e| {
                edge::start(EdgeSetup {
                    dir: &dir.join(e),
                    listen: "127.0.0.1:0",
                    mode: Mode::Echo,
                    limits: Limits::default(),
                    revocations: Some(list.clone()),
                    log: None,
                    window_ms: 30_000,
                    verbose: false,
                })
            })
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?;
        let (a, b) = (
            edges[0].running.addr.to_string(),
            edges[1].running.addr.to_string(),
        );
        let vehicle_dir = &dir.join("vehicle");
        println!(
            "road authority, edges edge-a ({a}) and edge-b ({b}), vehicle `{identity}` with 4 pseudonyms in {}",
            dir.display()
        );
        let trip = |bytes| Trip {
            dir: vehicle_dir,
            revocations: None,
            from: &a,
            to: &b,
            app: None,
            bytes,
            timeout: Duration::from_secs(10),
        };
        let r = drive(&trip(kib * 1024), true)?;
        if let Err(m) = &r.handover {
            return Err(Failure::Other(format!("the demo handover failed: {m}")));
        }
        println!(
            "stream: {} KiB echoed back in order ({} B via edge-a, {} B via edge-b): nothing lost or duplicated",
            kib, r.via_source, r.via_target
        );
        // What the target edge logged: the pseudonym credential, whose escrow only the authority opens.
        let logged = std::fs::read_dir(dir.join("edge-b").join("handovers"))?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .next()
            .ok_or_else(|| Failure::Other("edge-b logged no handover".into()))?;
        let traced = auth.trace(&std::fs::read(&logged)?).map_err(failure)?;
        println!("authority trace of edge-b's logged pseudonym: `{traced}`");
        if traced != identity {
            return Err(Failure::Other("the trace returned another identity".into()));
        }
        let (list, added) = auth
            .revoke(Holder::Vehicle, identity, now_ms())
            .map_err(failure)?;
        let installed = Instant::now();
        while edges
            .iter()
            .any(|e| e.edge.config().revocation.number() < list.number)
        {
            if installed.elapsed() > Duration::from_secs(5) {
                return Err(Failure::Other(
                    "the edges did not install the revocation list".into(),
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        match drive(&trip(64 * 1024), false) {
            Err(Failure::Rejected(m)) => println!(
                "vehicle revoked (list #{}, {added} pseudonyms): its next attach is refused: {m}",
                list.number
            ),
            Err(f) => return Err(f),
            Ok(_) => return Err(Failure::Other("a revoked vehicle was served".into())),
        }
        for e in edges {
            let _ = e.running.stop();
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

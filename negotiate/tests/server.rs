//! The server under faults: while good clients complete handshakes and move
//! data, others stall mid-handshake, send garbage, drop the connection or
//! break their session. The good sessions see no error, the stalled ones are
//! cut at the deadline, the pending-handshake limit holds, and the server
//! keeps serving afterwards. Deadlines are short so that this runs in
//! seconds; nothing here asserts on speed (waits are generous upper bounds).

use std::io::{Cursor, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use agilis_driver::SoftwareEngine;
use agilis_negotiate::handshake::{Config, Initiator, Policy};
use agilis_negotiate::pki::{CaDir, DAY_MS, DEFAULT_SIGNATURE, Identity, anchor_capabilities};
use agilis_negotiate::server::{Echo, Limits, Running, Server, Service, Snapshot, Stage};
use agilis_negotiate::tcp::{Connection, HANDSHAKE_TIMEOUT};
use agilis_negotiate::trust::LocalTrust;
use agilis_negotiate::{Error, now_ms};

/// A CA with a server anchor and a client anchor in `dir`, valid now.
fn configs(dir: &Path) -> (Config, Config) {
    let now = now_ms();
    let ca = CaDir::init(&dir.join("ca"), "ca", DEFAULT_SIGNATURE, DAY_MS, now).unwrap();
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
            Policy::by_name("anchor").unwrap(),
            Arc::new(SoftwareEngine::new()),
        )
    };
    (cfg("server"), cfg("client"))
}

fn start(cfg: Config, limits: Limits, service: Arc<dyn Service>) -> Running {
    Server::bind("127.0.0.1:0", cfg, limits)
        .unwrap()
        .spawn(service)
        .unwrap()
}

/// Waits (at most 30 s) until the server's counters satisfy `cond`.
fn wait_for(s: &Running, what: &str, cond: impl Fn(&Snapshot) -> bool) -> Snapshot {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let snap = s.stats.snapshot();
        if cond(&snap) {
            return snap;
        }
        assert!(Instant::now() < until, "never reached: {what}; {snap:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A good client: handshake, `n` bytes each way through the echo, close.
fn good_session(addr: SocketAddr, cfg: Config, n: usize) -> Result<(), Error> {
    let conn = Connection::initiate(TcpStream::connect(addr)?, cfg, HANDSHAKE_TIMEOUT)?;
    let data: Vec<u8> = (0..n).map(|i| (i * 7 % 256) as u8).collect();
    let mut back = Vec::new();
    let (sent, received) = conn.pump(Cursor::new(data.clone()), &mut back)?;
    assert_eq!((sent, received), (n as u64, n as u64));
    assert!(back == data, "the echo differs");
    Ok(())
}

/// Reads until the server closes; true if it did (within 30 s).
fn closed_by_server(mut s: TcpStream) -> bool {
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

/// An offer frame of a fresh initiator.
fn offer(cfg: &Config) -> Vec<u8> {
    Initiator::new(cfg.clone(), now_ms()).unwrap().1
}

#[test]
fn good_sessions_see_no_errors_while_others_stall_send_garbage_or_drop() {
    let dir = tempfile::tempdir().unwrap();
    let (scfg, ccfg) = configs(dir.path());
    let limits = Limits {
        max_pending: 64,
        max_connections: 128,
        // Long enough for any good handshake on a loaded machine; the stallers wait it out.
        handshake_timeout: Duration::from_secs(5),
        idle_timeout: Duration::from_secs(20),
    };
    let server = start(scfg, limits, Arc::new(Echo));
    let addr = server.addr;

    // Stallers: half an offer, then silence.
    let stalled: Vec<_> = (0..8)
        .map(|_| {
            let mut s = TcpStream::connect(addr).unwrap();
            let o = offer(&ccfg);
            s.write_all(&o[..o.len() / 2]).unwrap();
            std::thread::spawn(move || closed_by_server(s))
        })
        .collect();
    // Garbage instead of an offer.
    let garbage: Vec<_> = (0..8)
        .map(|i| {
            let mut s = TcpStream::connect(addr).unwrap();
            let junk: Vec<u8> = (0..200u32).map(|j| (j * 31 + i) as u8).collect();
            s.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
            let _ = s.write_all(&junk);
            std::thread::spawn(move || closed_by_server(s))
        })
        .collect();
    // Droppers: a valid offer, then gone.
    for _ in 0..8 {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(&offer(&ccfg)).unwrap();
        drop(s);
    }
    // Broken sessions: a complete handshake, then garbage inside the session.
    let broken: Vec<_> = (0..4)
        .map(|_| {
            let cfg = ccfg.clone();
            std::thread::spawn(move || {
                let conn =
                    Connection::initiate(TcpStream::connect(addr).unwrap(), cfg, HANDSHAKE_TIMEOUT)
                        .unwrap();
                // A data record whose tag cannot verify: the server must drop the session.
                let (mut stream, _session) = conn.into_parts();
                let bogus = agilis_negotiate::messages::frame(
                    agilis_negotiate::messages::msg_type::DATA,
                    &[0x5a; 64],
                );
                stream.write_all(&bogus).unwrap();
                closed_by_server(stream)
            })
        })
        .collect();
    // Good clients, four at a time, three sessions each.
    let good: Vec<_> = (0..4)
        .map(|_| {
            let cfg = ccfg.clone();
            std::thread::spawn(move || {
                (0..3)
                    .map(|_| good_session(addr, cfg.clone(), 100_000))
                    .collect::<Vec<_>>()
            })
        })
        .collect();

    for g in good {
        for r in g.join().unwrap() {
            assert_eq!(r, Ok(()), "a good session saw an error");
        }
    }
    for s in stalled {
        assert!(s.join().unwrap(), "a stalled client was not cut");
    }
    for g in garbage {
        assert!(g.join().unwrap(), "a garbage client was not closed");
    }
    for b in broken {
        assert!(b.join().unwrap(), "a broken session was not closed");
    }
    let snap = wait_for(&server, "every connection ended", |s| {
        s.connections == 0 && s.handshake_timeouts >= 8
    });
    assert_eq!(snap.refused, 0, "{snap:?}");
    assert!(snap.handshakes >= 12 + 4, "{snap:?}");
    assert!(
        snap.sessions_ok >= 12 && snap.session_failures >= 4,
        "{snap:?}"
    );
    assert!(snap.handshake_failures >= 8 + 8 + 8, "{snap:?}");
    assert!(
        snap.peak_pending <= 64 && snap.peak_connections <= 128,
        "{snap:?}"
    );
    // And it keeps serving.
    good_session(addr, ccfg, 10_000).unwrap();
    server.stop().unwrap();
}

#[test]
fn connections_over_the_pending_limit_are_refused_at_once_and_serving_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let (scfg, ccfg) = configs(dir.path());
    let limits = Limits {
        max_pending: 4,
        max_connections: 16,
        handshake_timeout: Duration::from_secs(2),
        idle_timeout: Duration::from_secs(20),
    };
    let server = start(scfg, limits, Arc::new(Echo));
    let addr = server.addr;
    // Four silent clients fill the pending handshakes.
    let stalled: Vec<_> = (0..4).map(|_| TcpStream::connect(addr).unwrap()).collect();
    wait_for(&server, "four pending handshakes", |s| s.pending == 4);
    // Every further connection is closed at once, before a byte is read:
    // its thread never starts.
    let refused: Vec<_> = (0..10)
        .map(|_| {
            let mut s = TcpStream::connect(addr).unwrap();
            let _ = s.write_all(&offer(&ccfg));
            s
        })
        .collect();
    let snap = wait_for(&server, "ten refusals", |s| s.refused == 10);
    assert_eq!(snap.pending, 4, "{snap:?}");
    assert_eq!(snap.peak_pending, 4, "{snap:?}");
    assert_eq!(snap.peak_connections, 4, "{snap:?}");
    for s in refused {
        assert!(closed_by_server(s), "a refused connection stayed open");
    }
    // The silent ones are cut at the deadline …
    for s in stalled {
        assert!(closed_by_server(s), "a stalled client was not cut");
    }
    let snap = wait_for(&server, "four timeouts", |s| s.handshake_timeouts == 4);
    assert_eq!(snap.pending, 0, "{snap:?}");
    // … and the server serves again.
    good_session(addr, ccfg, 50_000).unwrap();
    let snap = wait_for(&server, "a session", |s| s.sessions_ok == 1);
    assert!(snap.peak_pending <= 4, "{snap:?}");
    server.stop().unwrap();
}

#[test]
fn a_trickling_client_is_cut_at_the_handshake_deadline_not_per_read() {
    let dir = tempfile::tempdir().unwrap();
    let (scfg, ccfg) = configs(dir.path());
    let limits = Limits {
        handshake_timeout: Duration::from_millis(1200),
        ..Limits::default()
    };
    let server = start(scfg, limits, Arc::new(Echo));
    let mut s = TcpStream::connect(server.addr).unwrap();
    // One byte every 200 ms: each read waits less than the deadline, the
    // whole would take 20 s. The server must cut us while we trickle.
    s.set_read_timeout(Some(Duration::from_millis(1))).unwrap();
    let mut cut = false;
    for b in offer(&ccfg).iter().take(100) {
        std::thread::sleep(Duration::from_millis(200));
        let mut buf = [0u8; 64];
        match s.read(&mut buf) {
            Ok(_) => cut = true, // the deadline alert, or the end of stream
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => cut = true,
        }
        if cut || s.write_all(&[*b]).is_err() {
            cut = true;
            break;
        }
    }
    assert!(cut, "the trickling client was served for 20 s");
    let snap = wait_for(&server, "one timeout", |s| s.handshake_timeouts == 1);
    assert_eq!(snap.handshakes, 0, "{snap:?}");
    server.stop().unwrap();
}

/// Panics in every session: the server must survive it.
struct Panicky;

impl Service for Panicky {
    fn session(&self, _: Connection, _: SocketAddr, _: Duration) -> Result<(), Error> {
        panic!("a faulty service");
    }
}

#[test]
fn idle_sessions_are_cut_and_a_panicking_service_harms_only_its_connection() {
    let dir = tempfile::tempdir().unwrap();
    let (scfg, ccfg) = configs(dir.path());
    let limits = Limits {
        idle_timeout: Duration::from_millis(800),
        ..Limits::default()
    };
    let server = start(scfg.clone(), limits, Arc::new(Echo));
    let conn = Connection::initiate(
        TcpStream::connect(server.addr).unwrap(),
        ccfg.clone(),
        HANDSHAKE_TIMEOUT,
    )
    .unwrap();
    let (stream, _) = conn.into_parts();
    assert!(closed_by_server(stream), "the idle session was not cut");
    let snap = wait_for(&server, "one failed session", |s| s.session_failures == 1);
    assert_eq!((snap.handshakes, snap.connections), (1, 0), "{snap:?}");
    good_session(server.addr, ccfg.clone(), 1000).unwrap();
    server.stop().unwrap();

    let server = start(scfg, Limits::default(), Arc::new(Panicky));
    for _ in 0..2 {
        let conn = Connection::initiate(
            TcpStream::connect(server.addr).unwrap(),
            ccfg.clone(),
            HANDSHAKE_TIMEOUT,
        )
        .unwrap();
        let (stream, _) = conn.into_parts();
        stream.shutdown(Shutdown::Write).unwrap();
        assert!(closed_by_server(stream));
    }
    let snap = wait_for(&server, "two failed sessions", |s| s.session_failures == 2);
    assert_eq!(snap.connections, 0, "{snap:?}");
    server.stop().unwrap();
}

#[test]
fn failures_reach_the_service_with_their_stage() {
    struct Record(std::sync::Mutex<Vec<(Stage, Error)>>);
    impl Service for Record {
        fn session(&self, c: Connection, _: SocketAddr, _: Duration) -> Result<(), Error> {
            c.serve(|_, _, _| Ok(())).map(|_| ())
        }
        fn failed(&self, _: SocketAddr, stage: Stage, e: &Error) {
            self.0.lock().unwrap().push((stage, e.clone()));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let (scfg, _) = configs(dir.path());
    let rec = Arc::new(Record(Default::default()));
    let server = start(scfg, Limits::default(), rec.clone());
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.write_all(&[9, 9, 9, 9, 9, 9]).unwrap();
    assert!(closed_by_server(s));
    wait_for(&server, "one failure", |s| s.handshake_failures == 1);
    let got = rec.0.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, Stage::Handshake);
    assert!(
        matches!(
            got[0].1,
            Error::UnsupportedVersion { .. } | Error::Decode { .. }
        ),
        "{:?}",
        got[0].1
    );
    server.stop().unwrap();
}

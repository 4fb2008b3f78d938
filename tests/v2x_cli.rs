//! `agilis authority`, `agilis edge serve` and `agilis vehicle handover` as
//! separate processes over loopback: a handover with a live stream, a trace
//! of the logged pseudonym, a revocation that a target edge enforces while
//! the vehicle keeps its source session (make-before-break), and bad input.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

mod common;
use common::{agilis, listening, p, run};

/// An edge process; killed on drop.
struct EdgeProcess {
    child: Child,
    addr: String,
    log: Option<std::thread::JoinHandle<String>>,
}

impl EdgeProcess {
    fn start(dir: &Path, edge: &str, revocations: &str) -> EdgeProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_agilis"))
            .args([
                "edge",
                "serve",
                "--dir",
                &p(dir, edge),
                "--listen",
                "127.0.0.1:0",
                "--revocations",
                revocations,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (addr, log) = listening(&mut child);
        EdgeProcess {
            child,
            addr,
            log: Some(log),
        }
    }

    /// Stops the process and returns what it logged.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.log.take().unwrap().join().unwrap()
    }
}

impl Drop for EdgeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn setup(dir: &Path) {
    agilis(&["authority", "init", "--dir", &p(dir, "auth")]);
    for e in ["edge-a", "edge-b"] {
        agilis(&[
            "authority",
            "enroll-edge",
            "--dir",
            &p(dir, "auth"),
            "--name",
            e,
            "--apps",
            "video,telemetry",
            "--out",
            &p(dir, e),
        ]);
    }
    agilis(&[
        "authority",
        "enroll-vehicle",
        "--dir",
        &p(dir, "auth"),
        "--identity",
        "VIN-0001",
        "--apps",
        "video",
        "--count",
        "4",
        "--out",
        &p(dir, "car"),
    ]);
}

fn handover(dir: &Path, from: &str, to: &str, kib: &str) -> Output {
    run(&[
        "vehicle",
        "handover",
        "--dir",
        &p(dir, "car"),
        "--from",
        from,
        "--to",
        to,
        "--kib",
        kib,
    ])
}

#[test]
fn handover_trace_and_revocation_across_processes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    let list = p(dir, "auth/public/revocations.list");
    let a = EdgeProcess::start(dir, "edge-a", &list);
    let b = EdgeProcess::start(dir, "edge-b", &list);

    let o = handover(dir, &a.addr, &b.addr, "512");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("handed over to edge `edge-b`"), "{out}");
    assert!(
        out.contains("524288 bytes sent and echoed back in order (262144 via `edge-a`, 262144 via the target)"),
        "{out}"
    );

    // The target logged the pseudonym; the authority, and only it, recovers the identity.
    let logged: Vec<_> = std::fs::read_dir(dir.join("edge-b/handovers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(logged.len(), 1);
    let cred = logged[0].to_str().unwrap();
    let o = agilis(&[
        "authority",
        "trace",
        "--dir",
        &p(dir, "auth"),
        "--credential",
        cred,
    ]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "VIN-0001");
    agilis(&[
        "authority",
        "init",
        "--dir",
        &p(dir, "other"),
        "--name",
        "other",
    ]);
    let o = run(&[
        "authority",
        "trace",
        "--dir",
        &p(dir, "other"),
        "--credential",
        cred,
    ]);
    assert_eq!(o.status.code(), Some(1), "another authority cannot trace");

    // Two handovers used two pseudonyms: the edges logged different serials.
    let a_log = std::fs::read_dir(dir.join("edge-a/handovers"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let serial = |name: &str| name.split('-').nth(1).unwrap().to_string();
    assert_ne!(
        serial(&a_log.file_name().to_string_lossy()),
        serial(&logged[0].file_name().unwrap().to_string_lossy())
    );

    // Revoke the vehicle. Edge-b reads the authority's new list; edge-a is
    // restarted on the stale copy it was enrolled with, so the vehicle can
    // still attach to it, and its handover to edge-b is refused: the stream
    // stays on the source session and completes there.
    let o = agilis(&[
        "authority",
        "revoke",
        "--dir",
        &p(dir, "auth"),
        "--vehicle",
        "VIN-0001",
    ]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("revocation list #2"));
    a.stop();
    let stale = p(dir, "edge-a/trust/revocations.list");
    let a = EdgeProcess::start(dir, "edge-a", &stale);
    std::thread::sleep(std::time::Duration::from_millis(600)); // edge-b polls its list file
    let o = handover(dir, &a.addr, &b.addr, "256");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("the source session stays and carries the rest"),
        "{out}"
    );
    assert!(
        out.contains(
            "262144 bytes sent and echoed back in order (262144 via `edge-a`, 0 via the target)"
        ),
        "{out}"
    );
    let b_log = b.stop();
    assert!(b_log.contains("revocation list #2 installed"), "{b_log}");
    assert!(b_log.contains("revoked pseudonym"), "{b_log}");
    drop(a);

    // The authority's status shows the revocation.
    let o = agilis(&["authority", "status", "--dir", &p(dir, "auth")]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("revocation list #2: 4 serials"), "{s}");
    assert!(s.contains("VIN-0001") && s.contains("revoked"), "{s}");
}

#[test]
fn a_target_that_never_answers_leaves_the_source_session_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    let a = EdgeProcess::start(dir, "edge-a", &p(dir, "auth/public/revocations.list"));
    // A "target" that accepts the connection and then says nothing.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let to = silent.local_addr().unwrap().to_string();
    let held = std::thread::spawn(move || silent.accept().map(|(s, _)| s));
    let o = run(&[
        "vehicle",
        "handover",
        "--dir",
        &p(dir, "car"),
        "--from",
        &a.addr,
        "--to",
        &to,
        "--kib",
        "128",
        "--timeout",
        "1",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains(&format!("handover to {to} failed")), "{out}");
    assert!(
        out.contains(
            "131072 bytes sent and echoed back in order (131072 via `edge-a`, 0 via the target)"
        ),
        "{out}"
    );
    drop(held.join());
}

#[test]
fn a_vehicle_refuses_a_revoked_edge_from_a_newer_list() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    // Both edges run on the lists they were enrolled with; the authority then revokes edge-b.
    let a = EdgeProcess::start(dir, "edge-a", &p(dir, "edge-a/trust/revocations.list"));
    let b = EdgeProcess::start(dir, "edge-b", &p(dir, "edge-b/trust/revocations.list"));
    agilis(&[
        "authority",
        "revoke",
        "--dir",
        &p(dir, "auth"),
        "--edge",
        "edge-b",
    ]);
    let o = run(&[
        "vehicle",
        "handover",
        "--dir",
        &p(dir, "car"),
        "--from",
        &a.addr,
        "--to",
        &b.addr,
        "--kib",
        "64",
        "--revocations",
        &p(dir, "auth/public/revocations.list"),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("failed") && out.contains("revoked"), "{out}");
    assert!(
        out.contains(
            "65536 bytes sent and echoed back in order (65536 via `edge-a`, 0 via the target)"
        ),
        "{out}"
    );
    // With the old list the vehicle does not know, and the handover goes through.
    let o = handover(dir, &a.addr, &b.addr, "64");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}

#[test]
fn bad_input_gets_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let o = run(&["authority", "status", "--dir", &p(dir, "none")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("agilis authority init"));
    agilis(&["authority", "init", "--dir", &p(dir, "auth")]);
    let o = run(&["authority", "init", "--dir", &p(dir, "auth")]);
    assert_eq!(o.status.code(), Some(2), "a second init must not overwrite");
    let o = run(&[
        "authority",
        "enroll-vehicle",
        "--dir",
        &p(dir, "auth"),
        "--identity",
        "has space",
        "--apps",
        "video",
        "--out",
        &p(dir, "car"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[
        "authority",
        "enroll-edge",
        "--dir",
        &p(dir, "auth"),
        "--name",
        "e",
        "--apps",
        "bad app",
        "--out",
        &p(dir, "e"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[
        "authority",
        "revoke",
        "--dir",
        &p(dir, "auth"),
        "--vehicle",
        "nobody",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let junk = dir.join("junk.cred");
    std::fs::write(&junk, b"not a credential").unwrap();
    let o = run(&[
        "authority",
        "trace",
        "--dir",
        &p(dir, "auth"),
        "--credential",
        junk.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&[
        "vehicle",
        "handover",
        "--dir",
        &p(dir, "nocar"),
        "--from",
        "127.0.0.1:1",
        "--to",
        "127.0.0.1:1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("enroll-vehicle"));
    let o = run(&["edge", "serve", "--dir", &p(dir, "noedge")]);
    assert_eq!(o.status.code(), Some(2));
}

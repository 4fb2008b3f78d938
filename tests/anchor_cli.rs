//! `agilis ca`, `agilis token` and `agilis anchor` as separate processes over
//! loopback: a CA and two anchors in a temporary directory, a session that
//! carries stdin to the peer's stdout both ways, a revoked anchor, and a
//! man-in-the-middle proxy that alters the offer.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

mod common;
use common::{agilis, listening, p};

use agilis_negotiate::messages::{HEADER_LEN, Offer, frame, msg_type};
use agilis_negotiate::tcp::read_frame;

/// A CA with anchors `a` and `b` in `dir`.
fn setup(dir: &Path) {
    agilis(&["ca", "init", "--dir", &p(dir, "ca"), "--name", "test-ca"]);
    agilis(&[
        "ca",
        "issue",
        "--dir",
        &p(dir, "ca"),
        "--subnet",
        "subnet-a",
        "--out",
        &p(dir, "a"),
    ]);
    agilis(&[
        "ca",
        "issue",
        "--dir",
        &p(dir, "ca"),
        "--subnet",
        "subnet-b",
        "--out",
        &p(dir, "b"),
    ]);
}

/// Starts `anchor serve --once` for identity `id`; returns the child and the address it listens on.
fn serve(dir: &Path, id: &str, stdin: Vec<u8>) -> (Child, String, std::thread::JoinHandle<String>) {
    serve_with(dir, id, stdin, &["--once"])
}

fn serve_with(
    dir: &Path,
    id: &str,
    stdin: Vec<u8>,
    extra: &[&str],
) -> (Child, String, std::thread::JoinHandle<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_agilis"))
        .args([
            "anchor",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--identity",
            &p(dir, id),
            "--trust",
            &p(dir, "ca/trust"),
        ])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (addr, rest) = listening(&mut child);
    let mut input = child.stdin.take().unwrap();
    std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    (child, addr, rest)
}

fn connect(dir: &Path, id: &str, to: &str, stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_agilis"))
        .args([
            "anchor",
            "connect",
            "--to",
            to,
            "--identity",
            &p(dir, id),
            "--trust",
            &p(dir, "ca/trust"),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    child.wait_with_output().unwrap()
}

fn field<'a>(stderr: &'a str, name: &str) -> &'a str {
    stderr
        .lines()
        .find_map(|l| l.split_once(&format!("{name}: ")).map(|(_, v)| v))
        .unwrap_or_else(|| panic!("no `{name}` in {stderr}"))
}

#[test]
fn two_anchor_processes_negotiate_and_carry_stdin_to_the_peers_stdout() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let to_client: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
    let to_server: Vec<u8> = b"hello from subnet-a\n".repeat(3000);
    let (server, addr, server_err) = serve(dir.path(), "b", to_client.clone());
    let client = connect(dir.path(), "a", &addr, &to_server);
    let server = server.wait_with_output().unwrap();
    let (cerr, serr) = (
        String::from_utf8_lossy(&client.stderr).into_owned(),
        server_err.join().unwrap(),
    );
    assert!(client.status.success(), "client: {cerr}");
    assert!(server.status.success(), "server: {serr}");
    assert_eq!(
        client.stdout, to_client,
        "server stdin reached client stdout"
    );
    assert_eq!(
        server.stdout, to_server,
        "client stdin reached server stdout"
    );
    for e in [&cerr, &serr] {
        assert!(field(e, "suite").contains("kem ml-kem-1024+hqc-256"), "{e}");
        assert!(field(e, "suite").contains("aead aes-256-gcm"), "{e}");
        assert_eq!(
            field(e, "families"),
            "module-lattice, code-based, hash-based, elliptic-curve, block-cipher"
        );
    }
    assert_eq!(
        field(&cerr, "transcript hash"),
        field(&serr, "transcript hash")
    );
    assert_eq!(field(&cerr, "transcript hash").len(), 96);
    assert!(cerr.contains("session with `subnet-b`") && serr.contains("session with `subnet-a`"));

    // a token from subnet-a's network function, bound to this session, checked by subnet-b
    let binding = field(&cerr, "session binding").to_string();
    let tok = agilis(&[
        "token",
        "issue",
        "--identity",
        &p(dir.path(), "a"),
        "--session",
        &binding,
        "--subject",
        "nf-smf-1",
    ]);
    let tok = String::from_utf8(tok.stdout).unwrap();
    let cert = p(dir.path(), "a/anchor.cert");
    let ok = agilis(&[
        "token",
        "verify",
        "--token",
        tok.trim(),
        "--issuer-cert",
        &cert,
        "--session",
        &binding,
        "--trust",
        &p(dir.path(), "ca/trust"),
    ]);
    assert!(String::from_utf8_lossy(&ok.stdout).contains("token valid: subject `nf-smf-1`"));
    let other = "00".repeat(32);
    let bad = Command::new(env!("CARGO_BIN_EXE_agilis"))
        .args([
            "token",
            "verify",
            "--token",
            tok.trim(),
            "--issuer-cert",
            &cert,
            "--session",
            &other,
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("token bound to another session"));
}

#[test]
fn a_revoked_anchor_is_refused_and_both_sides_name_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let status = agilis(&[
        "ca",
        "revoke",
        "--dir",
        &p(dir.path(), "ca"),
        "--serial",
        "1",
    ]); // subnet-a
    assert!(String::from_utf8_lossy(&status.stdout).contains("revoked serial 1"));
    let listing = agilis(&["ca", "status", "--dir", &p(dir.path(), "ca")]);
    let listing = String::from_utf8_lossy(&listing.stdout).into_owned();
    assert!(
        listing.contains("status list #2: 1 revoked")
            && listing.contains("subnet-a                 revoked"),
        "{listing}"
    );
    let (server, addr, server_err) = serve(dir.path(), "b", b"secret".to_vec());
    let client = connect(dir.path(), "a", &addr, b"data");
    let server = server.wait_with_output().unwrap();
    let serr = server_err.join().unwrap();
    let cerr = String::from_utf8_lossy(&client.stderr);
    assert_eq!(server.status.code(), Some(1), "{serr}");
    assert_eq!(client.status.code(), Some(1), "{cerr}");
    assert!(serr.contains("revoked certificate: serial 1"), "{serr}");
    assert!(
        cerr.contains("peer aborted the handshake: revoked certificate"),
        "{cerr}"
    );
    assert!(server.stdout.is_empty() && client.stdout.is_empty());
}

/// Forwards frames between `client` and `server`, letting `alter` change frames from the client.
fn proxy(
    listener: TcpListener,
    server: String,
    alter: fn(Vec<u8>) -> Vec<u8>,
) -> std::thread::JoinHandle<usize> {
    std::thread::spawn(move || {
        let (client, _) = listener.accept().unwrap();
        let upstream = TcpStream::connect(server).unwrap();
        let (mut c_r, mut c_w) = (client.try_clone().unwrap(), client);
        let (mut s_r, mut s_w) = (upstream.try_clone().unwrap(), upstream);
        let down = std::thread::spawn(move || {
            let mut n = 0;
            while let Ok(Some(f)) = read_frame(&mut s_r) {
                n += 1;
                if c_w.write_all(&f).is_err() {
                    break;
                }
            }
            let _ = c_w.shutdown(std::net::Shutdown::Both);
            n
        });
        let mut app_records = 0;
        while let Ok(Some(f)) = read_frame(&mut c_r) {
            if f[1] >= msg_type::DATA {
                app_records += 1;
            }
            if s_w.write_all(&alter(f)).is_err() {
                break;
            }
        }
        let _ = s_w.shutdown(std::net::Shutdown::Both);
        let _ = down.join();
        app_records
    })
}

#[test]
fn a_man_in_the_middle_altering_the_offer_makes_both_sides_abort_before_any_data() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let (server, server_addr, server_err) = serve(dir.path(), "b", b"server secret".to_vec());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_addr = listener.local_addr().unwrap().to_string();
    // Strip the least preferred KEM from the offer (a classic downgrade move).
    let mitm = proxy(listener, server_addr, |f| {
        if f[1] != msg_type::OFFER {
            return f;
        }
        let mut o = Offer::decode(&f[HEADER_LEN..]).unwrap();
        o.kems.pop();
        frame(msg_type::OFFER, &o.encode())
    });
    let client = connect(dir.path(), "a", &proxy_addr, b"client secret");
    let server = server.wait_with_output().unwrap();
    let serr = server_err.join().unwrap();
    let cerr = String::from_utf8_lossy(&client.stderr);
    assert_eq!(client.status.code(), Some(1), "{cerr}");
    assert_eq!(server.status.code(), Some(1), "{serr}");
    assert!(cerr.contains("tampered transcript"), "{cerr}");
    assert!(
        serr.contains("peer aborted the handshake: tampered transcript"),
        "{serr}"
    );
    assert!(
        client.stdout.is_empty() && server.stdout.is_empty(),
        "no application byte delivered"
    );
    assert_eq!(
        mitm.join().unwrap(),
        0,
        "no application record crossed the proxy"
    );
}

#[test]
fn the_anchor_demo_moves_data_through_a_loopback_session_and_reports_it() {
    let o = agilis(&["anchor", "demo", "--megabytes", "1"]);
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        out.contains("anchor demo: handshake") && out.contains("1 MiB in"),
        "{out}"
    );
    assert!(
        field(&err, "suite").contains("kem ml-kem-1024+hqc-256"),
        "{err}"
    );
}

#[test]
fn an_echo_server_serves_several_clients_at_once_while_one_stalls() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let (mut server, addr, _err) = serve_with(
        dir.path(),
        "b",
        Vec::new(),
        &["--mode", "echo", "--handshake-timeout", "30"],
    );
    // A client that connects and says nothing must not hold up the others.
    let _stalled = TcpStream::connect(&addr).unwrap();
    let clients: Vec<_> = (0..3u8)
        .map(|i| {
            let (dir, addr) = (dir.path().to_path_buf(), addr.clone());
            std::thread::spawn(move || {
                let data: Vec<u8> = (0..40_000u32).map(|j| (j as u8) ^ i).collect();
                let out = connect(&dir, "a", &addr, &data);
                (out, data)
            })
        })
        .collect();
    for c in clients {
        let (out, data) = c.join().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout == data, "the echo differs");
    }
    let _ = server.kill();
    let _ = server.wait();
}

#[test]
fn serve_rejects_zero_limits() {
    let o = Command::new(env!("CARGO_BIN_EXE_agilis"))
        .args([
            "anchor",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--identity",
            ".",
            "--trust",
            ".",
            "--max-pending",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--max-pending"));
}

//! Running the `agilis` binary from the process-level tests.
// Each test file compiles this module and uses part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::thread::JoinHandle;

/// Runs `agilis args…` to completion.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_agilis"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs `agilis args…` with `stdin` as its standard input.
pub fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_agilis"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("agilis runs");
    // The child may exit (bad arguments) before reading stdin: a broken pipe here is not an error.
    match child.stdin.take().unwrap().write_all(stdin) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.unwrap(),
    }
    child.wait_with_output().unwrap()
}

/// A finished command's stderr, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `agilis args…` and requires success.
pub fn agilis(args: &[&str]) -> Output {
    let o = run(args);
    assert!(
        o.status.success(),
        "agilis {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// `dir/sub` as a string argument.
pub fn p(dir: &Path, sub: &str) -> String {
    dir.join(sub).to_str().unwrap().to_string()
}

/// For a server just spawned with its stderr piped: waits for its first
/// line, `… listening on ADDR …`, and returns ADDR and a thread that
/// collects the rest of its stderr.
pub fn listening(child: &mut Child) -> (String, JoinHandle<String>) {
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let addr = line
        .split("listening on ")
        .nth(1)
        .unwrap_or_else(|| panic!("no `listening on` in {line}"))
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let rest = std::thread::spawn(move || {
        let mut s = String::new();
        err.read_to_string(&mut s).unwrap();
        s
    });
    (addr, rest)
}

//! Running the `agilis` binary from the process-level tests.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Output};
use std::thread::JoinHandle;

/// Runs `agilis args…` to completion.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_agilis"))
        .args(args)
        .output()
        .unwrap()
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

//! Running the `agilis` binary from the process-level tests.

use std::path::Path;
use std::process::{Command, Output};

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

//! External tools: finding them, saying what to install, running them with a
//! time limit, and building the firmware crates with a clean cargo.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A prerequisite that is not installed, and how to get it.
#[derive(Debug, Clone)]
pub struct Missing {
    pub what: String,
    pub install: String,
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (install: {})", self.what, self.install)
    }
}

/// Joins missing prerequisites into one message.
pub fn describe(missing: &[Missing]) -> String {
    missing.iter().map(|m| format!("  - {m}\n")).collect()
}

/// True under CI (`CI=true` or `CI=1`), where missing tools or vectors fail
/// (tests/embedded_kats.rs).
#[allow(dead_code)]
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The repository root (this crate lives in `bench-harness/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench-harness has a parent directory")
        .to_path_buf()
}

/// Runs `program args` and returns its first line of output, if it runs and succeeds.
pub fn first_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_owned)
}

/// Output of a finished process.
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

/// Runs `cmd` to completion, killing it after `limit`.
pub fn run_with_limit(cmd: &mut Command, limit: Duration, what: &str) -> Result<Finished, String> {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{what}: cannot start {:?}: {e}", cmd.get_program()))?;
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("{what}: {e}"))? {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let stderr =
                String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
            return Err(format!(
                "{what}: no result within {} s (killed); last output:\n{}",
                limit.as_secs(),
                tail(&stderr, 20)
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok(Finished {
        status,
        stdout: String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned(),
        elapsed: start.elapsed(),
    })
}

/// The last `n` lines of `text`, without terminal colour codes.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    strip_ansi(&lines[lines.len().saturating_sub(n)..].join("\n"))
}

/// `text` without "ESC [ ... m" colour sequences (simavr colours UART lines).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A `cargo` for building a firmware crate: through rustup with `toolchain`
/// (e.g. `nightly`) when given, and without the environment an outer cargo
/// (`cargo test`) or rustup set for itself, which would otherwise leak into
/// the nested build (its toolchain, target directory, flags).
pub fn cargo(toolchain: Option<&str>, dir: &Path) -> Command {
    let mut cmd = match toolchain {
        Some(tc) => {
            let mut c = Command::new("rustup");
            c.args(["run", tc, "cargo"]);
            c
        }
        None => Command::new("cargo"),
    };
    for (key, _) in std::env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        let leaks =
            (key.starts_with("CARGO_") && key != "CARGO_HOME" && key != "CARGO_NET_OFFLINE")
                || key.starts_with("RUSTC")
                || key.starts_with("RUSTDOC")
                || matches!(
                    key,
                    "CARGO" | "RUSTFLAGS" | "RUSTUP_TOOLCHAIN" | "__CARGO_FIX_PLZ"
                );
        if leaks {
            cmd.env_remove(key);
        }
    }
    cmd.current_dir(dir);
    cmd
}

/// Whether `rustup` knows `toolchain` and it has `component` (e.g. `rust-src`)
/// or target installed.
/// `toolchain` `None` is the default one.
pub fn rustup_has(toolchain: Option<&str>, list: &str, wanted: &str) -> bool {
    let mut args = vec![
        if list == "component" {
            "component"
        } else {
            "target"
        },
        "list",
        "--installed",
    ];
    if let Some(tc) = toolchain {
        args.extend(["--toolchain", tc]);
    }
    Command::new("rustup")
        .args(&args)
        .env_remove("RUSTUP_TOOLCHAIN")
        .output()
        .is_ok_and(|o| {
            o.status.success()
                && String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .any(|l| l.trim() == wanted)
        })
}

/// Runs a cargo build and reports its errors in full.
pub fn build(mut cmd: Command, what: &str) -> Result<(), String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: cannot run cargo: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what}: build failed:\n{}",
            tail(&String::from_utf8_lossy(&out.stderr), 60)
        ))
    }
}

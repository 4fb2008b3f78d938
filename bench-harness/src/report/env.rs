//! The run's surroundings for the report: the machine, the tool versions,
//! the git commit and the date.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use super::inputs::Machine;
use crate::embedded::{avr, tools};

/// CPU, cores, memory and kernel from /proc (empty fields elsewhere).
pub fn machine() -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        cpuinfo.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == name).then(|| v.trim().to_string())
        })
    };
    let flags: Vec<String> = field("flags")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let has = |f: &str| flags.iter().any(|x| x == f);
    let memory_gib = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
        let kb: f64 = m
            .lines()
            .find(|l| l.starts_with("MemTotal:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()?;
        Some(kb / (1024.0 * 1024.0))
    });
    Machine {
        cpu: field("model name").unwrap_or_default(),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        virtualized: has("hypervisor"),
        memory_gib,
        kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .ok()
            .map(|k| k.trim().to_string()),
        crypto_flags: [
            "aes",
            "pclmulqdq",
            "avx2",
            "avx512f",
            "bmi2",
            "adx",
            "sha_ni",
        ]
        .into_iter()
        .filter(|f| has(f))
        .map(str::to_owned)
        .collect(),
    }
}

/// The version line of every tool the report's stages use (None: not installed).
pub fn tool_versions() -> BTreeMap<String, Option<String>> {
    let simavr = tools::first_line("dpkg-query", &["-W", "-f=${Version}", "simavr"])
        .map(|v| format!("simavr {v} (Debian package)"))
        .or_else(|| {
            Command::new("simavr")
                .arg("--help")
                .output()
                .ok()
                .map(|_| "simavr (version unknown)".into())
        });
    let avr_rustc = tools::first_line("rustup", &["run", &avr::toolchain(), "rustc", "--version"]);
    [
        ("rustc", tools::first_line("rustc", &["--version"])),
        ("cargo", tools::first_line("cargo", &["--version"])),
        ("rustc (AVR images)", avr_rustc),
        ("avr-gcc", tools::first_line("avr-gcc", &["--version"])),
        ("simavr", simavr),
        (
            "qemu-system-arm",
            tools::first_line("qemu-system-arm", &["--version"]),
        ),
        ("yosys", tools::first_line("yosys", &["-V"])),
        ("verilator", tools::first_line("verilator", &["--version"])),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// `git rev-parse HEAD` in `repo`, with "+dirty" when `git status` lists changes.
pub fn git_commit(repo: &Path) -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(repo)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    match git(&["rev-parse", "HEAD"]) {
        Some(head) => {
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|s| !s.is_empty());
            if dirty { format!("{head}+dirty") } else { head }
        }
        None => "unknown (not a git checkout)".into(),
    }
}

/// The last commit that changed `path` (relative to `repo`), if any.
pub fn last_commit_of(repo: &Path, path: &str) -> Option<String> {
    let out = Command::new("git")
        .args(["log", "-1", "--format=%H %cs", "--", path])
        .current_dir(repo)
        .output()
        .ok()?;
    let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !line.is_empty()).then_some(line)
}

/// Seconds since the epoch as "YYYY-MM-DD HH:MM UTC".
pub fn date_utc(unix: u64) -> String {
    let day = crate::fpga::docs::civil_from_days((unix / 86_400) as i64);
    let secs = unix % 86_400;
    format!("{day} {:02}:{:02} UTC", secs / 3600, secs % 3600 / 60)
}

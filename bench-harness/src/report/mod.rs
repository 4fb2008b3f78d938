//! `bench-harness report`: one command for the cross-target report. It runs
//! what this machine can run (host criterion benches, the handshake bench,
//! the vehicle handover measurement, the ATmega328P and Cortex-M4
//! simulations), takes the FPGA figures from
//! `bench-harness/results/fpga.json` (or reruns synthesis with `--fpga`),
//! prints the tables, and writes docs/benchmarks.md, its SVG plots under
//! docs/plots/ and bench-harness/results/report.json.
//!
//! The rendering is a pure function of [`inputs::Inputs`] (tested from
//! fixtures in tests/report.rs); this module only runs the stages.

pub mod criterion;
pub mod env;
pub mod figures;
pub mod handover;
pub mod inputs;
pub mod markdown;
pub mod offload;
pub mod plots;
pub mod published;
pub mod render;
pub mod svg;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use clap::Parser;
use serde_json::Value;

use crate::embedded::{self, avr, cortex_m, tools};
use inputs::{FpgaSource, Inputs, Meta, Outcome, Stage};

/// The stages, in the order they run.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageName {
    Host,
    Handshake,
    Handover,
    Avr,
    CortexM,
    Fpga,
}

impl StageName {
    const ALL: [StageName; 6] = [
        StageName::Host,
        StageName::Handshake,
        StageName::Handover,
        StageName::Avr,
        StageName::CortexM,
        StageName::Fpga,
    ];

    fn name(self) -> &'static str {
        match self {
            StageName::Host => "host",
            StageName::Handshake => "handshake",
            StageName::Handover => "handover",
            StageName::Avr => "avr",
            StageName::CortexM => "cortex-m",
            StageName::Fpga => "fpga",
        }
    }
}

/// `bench-harness report`
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Stages (each says what it runs and how long it took; a stage whose tools are missing is skipped with a notice):
  host       cargo bench -p agilis-suites --bench kem|sig|aead (criterion medians, one core)
  handshake  cargo bench -p agilis-negotiate --bench handshake, when that bench exists
  handover   bench-harness handover's measurement in process: SecCDV baseline (m = 15, 30) beside agilis
             (1000 handovers, 40 with --quick); results/handover.json and docs/handover.md are left alone
  avr        bench-harness avr: ATmega328P in simavr (needs the AVR nightly, gcc-avr, avr-libc, simavr)
  cortex-m   bench-harness cortex-m: Cortex-M4 in QEMU (needs thumbv7em-none-eabihf, qemu-system-arm)
  fpga       reads bench-harness/results/fpga.json (bench-harness fpga); --fpga reruns synthesis (yosys, verilator)

Writes docs/benchmarks.md and docs/plots/*.svg (unless --no-docs) and bench-harness/results/report.json;
avr and cortex-m also rewrite results/avr.json and results/cortex-m4.json as their own commands do.
Once built, a full run takes about 26 minutes on 2 CPUs (host benches ~15, handshake ~2, handover ~1, avr ~4, cortex-m ~5);
--quick about 15 on a busy machine; --fpga adds ~12. A fresh machine first builds the benches and firmware.

Example: cargo run --release -p agilis-bench --bin bench-harness -- report --quick --no-docs")]
pub struct Args {
    /// Only these stages (comma-separated): host, handshake, handover, avr, cortex-m, fpga.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STAGE,..")]
    pub only: Vec<StageName>,
    /// Short criterion runs (warm-up 0.2 s, measurement 0.5 s, 10 samples) and fewer handovers; the simulators are exact either way.
    #[arg(long)]
    pub quick: bool,
    /// Rerun FPGA synthesis (`bench-harness fpga`, ~12 min) instead of reading the stored fpga.json.
    #[arg(long)]
    pub fpga: bool,
    /// Leave docs/ alone (docs/benchmarks.md, docs/plots/, and with --fpga docs/hardware.md).
    #[arg(long)]
    pub no_docs: bool,
    /// Where to write the report JSON (default bench-harness/results/report.json).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
}

/// Criterion options of every host benchmark.
fn criterion_args(quick: bool) -> Vec<String> {
    let args: &[&str] = if quick {
        &[
            "--warm-up-time",
            "0.2",
            "--measurement-time",
            "0.5",
            "--sample-size",
            "10",
        ]
    } else {
        &["--warm-up-time", "1", "--measurement-time", "3"]
    };
    args.iter().map(|s| s.to_string()).collect()
}

pub fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let root = tools::repo_root();
    let selected = |s: StageName| args.only.is_empty() || args.only.contains(&s);
    let crit = criterion_args(args.quick);
    let mut stages = Vec::new();
    let mut inp_host = None;
    let mut inp_handshake = None;
    let mut inp_handover = None;
    let mut inp_avr = None;
    let mut inp_cortex = None;
    let mut inp_fpga = None;
    for stage in StageName::ALL {
        let name = stage.name();
        if !selected(stage) {
            stages.push(Stage {
                name: name.into(),
                what: "-".into(),
                outcome: Outcome::Skipped("not selected (--only)".into()),
                seconds: 0.0,
            });
            continue;
        }
        let t = Instant::now();
        let (what, outcome) = match stage {
            StageName::Host => {
                let what = format!(
                    "cargo bench -p agilis-suites --bench kem, sig, aead -- {}",
                    crit.join(" ")
                );
                eprintln!("[report] host: {what}");
                match host_benches(
                    &root,
                    "agilis-suites",
                    &["kem", "sig", "aead"],
                    &crit,
                    "host",
                ) {
                    Ok(m) => {
                        eprintln!("[report] host: {} medians", m.len());
                        inp_host = Some(m);
                        (what, Outcome::Ran)
                    }
                    Err(e) => (what, Outcome::Failed(e)),
                }
            }
            StageName::Handshake => {
                let what = format!(
                    "cargo bench -p agilis-negotiate --bench handshake -- {}",
                    crit.join(" ")
                );
                if !root.join("negotiate/benches/handshake.rs").exists() {
                    (what, Outcome::Skipped("agilis-negotiate has no `handshake` bench (negotiate/benches/handshake.rs)".into()))
                } else {
                    eprintln!("[report] handshake: {what}");
                    match host_benches(
                        &root,
                        "agilis-negotiate",
                        &["handshake"],
                        &crit,
                        "handshake",
                    ) {
                        Ok(m) => {
                            inp_handshake = Some(m);
                            (what, Outcome::Ran)
                        }
                        Err(e) => (what, Outcome::Failed(e)),
                    }
                }
            }
            StageName::Handover => {
                let (what, outcome, figures) = handover_stage(args.quick);
                inp_handover = figures;
                (what, outcome)
            }
            StageName::Avr => {
                let what =
                    "bench-harness avr (ATmega328P in simavr: KATs, code size, cycles)".to_string();
                let missing = avr::prerequisites();
                if !missing.is_empty() {
                    (what, skipped_for_missing(&missing))
                } else {
                    eprintln!("[report] avr: {what}");
                    let path = embedded::default_json("avr");
                    let r = avr::run(&avr::Args {
                        json: Some(path.clone()),
                        images: Vec::new(),
                        kats_only: false,
                        skip_kats: false,
                    })
                    .and_then(|()| read_json(&path));
                    match r {
                        Ok(v) => {
                            inp_avr = Some(v);
                            (what, Outcome::Ran)
                        }
                        Err(e) => (what, Outcome::Failed(e)),
                    }
                }
            }
            StageName::CortexM => {
                let what = "bench-harness cortex-m (Cortex-M4 in QEMU: KATs, instruction counts, code sizes)".to_string();
                let missing = cortex_m::prerequisites();
                if !missing.is_empty() {
                    (what, skipped_for_missing(&missing))
                } else {
                    eprintln!("[report] cortex-m: {what}");
                    let path = embedded::default_json("cortex-m4");
                    let r = cortex_m::run(&cortex_m::Args {
                        json: Some(path.clone()),
                        kats_only: false,
                        skip_kats: false,
                        no_sizes: false,
                    })
                    .and_then(|()| read_json(&path));
                    match r {
                        Ok(v) => {
                            inp_cortex = Some(v);
                            (what, Outcome::Ran)
                        }
                        Err(e) => (what, Outcome::Failed(e)),
                    }
                }
            }
            StageName::Fpga => {
                let (what, outcome, source) = fpga_stage(&root, args);
                inp_fpga = source;
                (what, outcome)
            }
        };
        let seconds = t.elapsed().as_secs_f64();
        match &outcome {
            Outcome::Ran => eprintln!("[report] {name}: done in {seconds:.0} s"),
            Outcome::Stored(note) => eprintln!("[report] {name}: using stored figures: {note}"),
            Outcome::Skipped(why) => eprintln!("[report] {name}: SKIPPED: {why}"),
            Outcome::Failed(e) => eprintln!("[report] {name}: FAILED after {seconds:.0} s: {e}"),
        }
        stages.push(Stage {
            name: name.into(),
            what,
            outcome,
            seconds,
        });
    }

    let unix = embedded::unix_time();
    let meta = Meta {
        command: format!(
            "cargo run --release -p agilis-bench --bin bench-harness -- {}",
            std::env::args().skip(1).collect::<Vec<_>>().join(" ")
        ),
        date_utc: env::date_utc(unix),
        unix_time: unix,
        git_commit: env::git_commit(&root),
        machine: env::machine(),
        tools: env::tool_versions(),
        quick: args.quick,
        criterion_args: crit,
        stages,
    };
    let failed: Vec<String> = meta
        .stages
        .iter()
        .filter(|s| matches!(s.outcome, Outcome::Failed(_)))
        .map(|s| s.name.clone())
        .collect();
    let inputs = Inputs {
        meta,
        host: inp_host,
        handshake: inp_handshake,
        handover: inp_handover,
        avr: inp_avr,
        cortex_m: inp_cortex,
        fpga: inp_fpga,
        offload: stored_offload(&root),
    };
    let rendered = render::render(&inputs);
    println!("{}", rendered.summary);
    let json_path = args
        .json
        .clone()
        .unwrap_or_else(|| embedded::default_json("report"));
    let docs = (!args.no_docs).then(|| root.join("docs"));
    for path in render::write(&rendered, docs.as_deref(), &json_path)? {
        eprintln!("[report] wrote {path}");
    }
    eprintln!("[report] total {:.0} s", started.elapsed().as_secs_f64());
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "stage(s) failed: {} (the report was written with the failures noted)",
            failed.join(", ")
        ))
    }
}

/// The stored offload figures (bench-harness offload), if any: cheap to read,
/// slow to remeasure, so the report only reads them.
fn stored_offload(root: &Path) -> Option<Value> {
    let path = root.join("bench-harness/results/offload.json");
    if !path.exists() {
        eprintln!("[report] offload: no {} (run bench-harness offload)", path.display());
        return None;
    }
    match read_json(&path) {
        Ok(v) => {
            eprintln!("[report] offload: using stored figures from {}", path.display());
            Some(v)
        }
        Err(e) => {
            eprintln!("[report] offload: {e}");
            None
        }
    }
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not valid JSON: {e}", path.display()))
}

/// Where this run's criterion results go: a directory of the report's own
/// under the cargo target directory, emptied first so that only this run's
/// medians are read.
fn criterion_home(root: &Path, stage: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map_or_else(
            || root.join("target"),
            |t| if t.is_absolute() { t } else { root.join(t) },
        );
    target.join("criterion-report").join(stage)
}

/// Runs `cargo bench -p package --bench b -- args` for each bench with
/// CRITERION_HOME pointing at the stage's own directory, prints one line per
/// benchmark, and returns the medians of this run.
fn host_benches(
    root: &Path,
    package: &str,
    benches: &[&str],
    args: &[String],
    stage: &str,
) -> Result<Vec<criterion::Median>, String> {
    let home = criterion_home(root, stage);
    if home.exists() {
        std::fs::remove_dir_all(&home)
            .map_err(|e| format!("cannot empty {}: {e}", home.display()))?;
    }
    for (i, bench) in benches.iter().enumerate() {
        let t = Instant::now();
        eprintln!(
            "[report] {stage}: ({}/{}) cargo bench -p {package} --bench {bench} -- {}",
            i + 1,
            benches.len(),
            args.join(" ")
        );
        let mut child = Command::new("cargo")
            .args(["bench", "-p", package, "--bench", bench, "--"])
            .args(args)
            .env("CRITERION_HOME", &home)
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run cargo bench: {e}"))?;
        // Cargo's and criterion's messages pass through, without criterion's
        // "Benchmarking ..." progress lines (one line per benchmark is printed below).
        let stderr = child.stderr.take().expect("piped");
        let forward = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if !line.starts_with("Benchmarking ") {
                    eprintln!("{line}");
                }
            }
        });
        let stdout = child.stdout.take().expect("piped");
        let mut current = String::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| format!("reading cargo bench output: {e}"))?;
            if let Some((id, rest)) = line.split_once("time:") {
                let id = if id.trim().is_empty() {
                    current.as_str()
                } else {
                    id.trim()
                };
                eprintln!("[report] {stage}:   {id}  {}", rest.trim());
            } else if !line.starts_with(char::is_whitespace)
                && !line.trim().is_empty()
                && !line.starts_with("Benchmarking")
                && !line.contains(':')
            {
                current = line.trim().to_string();
            }
        }
        let status = child.wait().map_err(|e| format!("cargo bench: {e}"))?;
        let _ = forward.join();
        if !status.success() {
            return Err(format!(
                "cargo bench -p {package} --bench {bench} failed ({status}); its output is above"
            ));
        }
        eprintln!(
            "[report] {stage}: {bench} done in {:.0} s",
            t.elapsed().as_secs_f64()
        );
    }
    let medians = criterion::read_medians(&home)?;
    if medians.is_empty() {
        return Err(format!(
            "cargo bench left no results under {}",
            home.display()
        ));
    }
    Ok(medians)
}

/// The handover measurement of `bench-harness handover`, run in process with
/// its own iteration defaults; its figures as results/handover.json has them.
fn handover_stage(quick: bool) -> (String, Outcome, Option<Value>) {
    let iterations = crate::handover::default_iterations(quick);
    let command = format!(
        "cargo run --release -p agilis-bench --bin bench-harness -- handover --iterations {iterations}"
    );
    let what = format!(
        "bench-harness handover --iterations {iterations} (SecCDV baseline m = 15, 30 and agilis v2x, in process)"
    );
    eprintln!("[report] handover: {what}");
    let figures = crate::handover::measure(iterations, command).and_then(|rep| {
        serde_json::to_value(&rep).map_err(|e| format!("serializing the handover figures: {e}"))
    });
    match figures {
        Ok(v) => (what, Outcome::Ran, Some(v)),
        Err(e) => (what, Outcome::Failed(e), None),
    }
}

/// `bench-harness fpga` with the report's options, parsed as its own command line.
#[derive(Parser)]
struct FpgaCommand {
    #[command(flatten)]
    args: crate::fpga::Args,
}

/// The FPGA figures: rerun (`--fpga`) or read from the stored fpga.json.
fn fpga_stage(root: &Path, args: &Args) -> (String, Outcome, Option<FpgaSource>) {
    let rel = "bench-harness/results/fpga.json";
    let path = root.join(rel);
    let mut rerun_note = None;
    if args.fpga {
        let what =
            "bench-harness fpga (Yosys synthesis of every core, Verilator cycles)".to_string();
        let missing = match crate::fpga::yosys_version() {
            Err(e) => Some(e),
            Ok(_) if crate::fpga::cycles::available_models().is_empty() => {
                Some("agilis-verilator was built without Verilated models (install verilator, then cargo clean -p agilis-verilator)".into())
            }
            Ok(_) => None,
        };
        match missing {
            Some(why) => rerun_note = Some(format!("not rerun: {why}")),
            None => {
                eprintln!("[report] fpga: {what}");
                let argv: Vec<&str> = std::iter::once("fpga")
                    .chain(args.no_docs.then_some("--no-docs"))
                    .collect();
                let cmd = match FpgaCommand::try_parse_from(argv) {
                    Ok(c) => c,
                    Err(e) => return (what, Outcome::Failed(e.to_string()), None),
                };
                if let Err(e) = crate::fpga::run(&cmd.args) {
                    return (what, Outcome::Failed(e), None);
                }
                return match read_json(&path) {
                    Ok(json) => {
                        let commit = json["git_commit"]
                            .as_str()
                            .map(str::to_owned)
                            .or_else(|| Some(env::git_commit(root)));
                        (
                            what,
                            Outcome::Ran,
                            Some(FpgaSource {
                                json,
                                path: rel.into(),
                                rerun: true,
                                commit,
                            }),
                        )
                    }
                    Err(e) => (what, Outcome::Failed(e), None),
                };
            }
        }
    }
    let what = format!("read {rel} (written by `bench-harness fpga`; --fpga reruns it)");
    if !path.exists() {
        let why = format!(
            "{}no {rel}: run `bench-harness fpga` or `report --fpga`",
            rerun_note.map_or(String::new(), |n| format!("{n}; "))
        );
        return (what, Outcome::Skipped(why), None);
    }
    match read_json(&path) {
        Ok(json) => {
            let commit = json["git_commit"].as_str().map(str::to_owned).or_else(|| {
                let last = env::last_commit_of(root, rel)?;
                let changed = Command::new("git")
                    .args(["diff", "--quiet", "HEAD", "--", rel])
                    .current_dir(root)
                    .status()
                    .is_ok_and(|s| !s.success());
                Some(if changed {
                    format!("{last}, changed in the working tree since")
                } else {
                    format!("{last} (the last commit of the file)")
                })
            });
            let note = format!(
                "{rel}, dated {}{}{}",
                json["date_utc"].as_str().unwrap_or("(undated)"),
                commit
                    .as_deref()
                    .map_or(String::new(), |c| format!(", commit {c}")),
                rerun_note.map_or(String::new(), |n| format!("; {n}"))
            );
            (
                what,
                Outcome::Stored(note),
                Some(FpgaSource {
                    json,
                    path: rel.into(),
                    rerun: false,
                    commit,
                }),
            )
        }
        Err(e) => (what, Outcome::Failed(e), None),
    }
}

/// The outcome of a simulator stage whose tools are not installed.
fn skipped_for_missing(missing: &[tools::Missing]) -> Outcome {
    let names: Vec<String> = missing.iter().map(|m| m.to_string()).collect();
    Outcome::Skipped(format!("missing {}", names.join("; ")))
}

#[cfg(test)]
mod tests {
    use crate::handover::meter::OpCounts;
    use crate::handover::{AgilisRow, BaselineRow, Phase, Primitives, Report, goal, seccdv};

    fn baseline_row(m: usize, edge_ms: f64) -> BaselineRow {
        let phase = |counts, median_ms| Phase { counts, median_ms };
        BaselineRow {
            m,
            vehicle_precompute: phase(OpCounts::new(0, m as u32 + 1), 3.0),
            vehicle_online: phase(OpCounts::new(1, 0), 0.002),
            vehicle_response: phase(OpCounts::new(2, 4), 0.8),
            vehicle_handover_ms: 0.802,
            vehicle_model: seccdv::vehicle_model(),
            edge: phase(seccdv::edge_model(m), edge_ms),
            edge_model: seccdv::edge_model(m),
            bytes_on_air: seccdv::bytes_on_air(m),
            published_bytes: seccdv::published_bytes(m),
            handovers_per_sec_per_core: 1e3 / edge_ms,
        }
    }

    /// The section reads the field names `bench-harness handover` writes:
    /// a real `Report`, serialized as the stage serializes it, renders every figure.
    #[test]
    fn the_handover_section_reads_the_measurements_json() {
        let baseline = vec![baseline_row(15, 4.0), baseline_row(30, 8.0)];
        let agilis = AgilisRow {
            vehicle_precompute_ms: 0.5,
            vehicle_online_ms: 0.25,
            vehicle_response_ms: 0.2,
            edge_ms: 0.4,
            bytes_on_air: 13389,
            handovers_per_sec_per_core: 2500.0,
        };
        let rep = Report {
            command: "cargo run --release -p agilis-bench --bin bench-harness -- handover --iterations 40".into(),
            date_utc: "2026-11-23".into(),
            machine: Default::default(),
            iterations: 40,
            primitives: Primitives {
                t_m_ms: 0.25,
                t_m_vartime_ms: 0.27,
                t_m_generator_ms: 0.08,
                t_m_aws_lc_ms: 0.045,
                t_h_ms: 0.0002,
                hash_input_bytes: 256,
            },
            goal: goal(&baseline, Some(&agilis)),
            baseline,
            agilis: Some(agilis),
            agilis_error: None,
        };
        let mut s = String::new();
        super::handover::figures(&mut s, &serde_json::to_value(&rep).unwrap());
        for line in [
            "Medians of 40 handovers per phase",
            "(alone: `cargo run --release -p agilis-bench --bin bench-harness -- handover --iterations 40`)",
            "| SecCDV baseline (P-256) | 15 | 3 ms | 2 µs | 800 µs | 4 ms | 719 | 250 |",
            "| SecCDV baseline (P-256) | 30 | 3 ms | 2 µs | 800 µs | 8 ms | 1199 | 125 |",
            "| agilis | – | 500 µs | 250 µs | 200 µs | 400 µs | 13389 | 2500 |",
            "- agilis edge cost ≤ ½ of the SecCDV edge cost at m = 15 (≤ 2 ms): **met** (400 µs)",
            "- agilis vehicle online cost ≤ 200 µs: **missed** (250 µs)",
        ] {
            assert!(s.contains(line), "missing {line:?} in\n{s}");
        }
    }
}

//! `bench-harness fpga`: synthesis, logic depth, estimated clock, Verilator
//! cycles and throughput of every hdl/ core configuration and of the lane
//! array, beside the published figures of `../shared/TARGETS.md`.
//!
//! Steps, for each configuration:
//! 1. `yosys -c hdl/synth/synth_xc7.tcl` (`synth_xilinx -family xc7`,
//!    flattened, out of context) writes `stat` and the netlist JSON;
//! 2. [`stat`] counts LUTs, flip-flops, carry chains, wide muxes, RAM, DSP;
//! 3. [`depth`] finds the critical register-to-register path under the
//!    per-level [`model::DelayModel`] and the clock it supports;
//! 4. [`cycles`] runs the Verilated model of the core (the same one the tests
//!    use) at (message, AD) = (0,0), (16,16), (1536,1536) bytes;
//! 5. throughput = message bits / (cycles / clock); lane arrays: N x the
//!    per-lane figure against the ~16 Gb/s of PCIe Gen2 x4.
//!
//! Output: tables on stdout (progress on stderr), JSON with every figure
//! (default `bench-harness/results/fpga.json`), and the same tables in the
//! generated block of `docs/hardware.md`.

pub mod cycles;
pub mod depth;
pub mod docs;
pub mod model;
pub mod report;
pub mod stat;

use model::DelayModel;
use serde::Serialize;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

#[derive(clap::Args, Debug)]
#[command(after_help = "\
For every configuration (ascon_aead128 at ROUNDS_PER_CYCLE 1/2/4 x BUS 64/128, aes256_gcm, and agilis_top at a few lane counts) it:
  * runs `yosys -c hdl/synth/synth_xc7.tcl` (synth_xilinx -family xc7, flattened, out of context) and counts LUT1..LUT6 (+INV), FD*, CARRY4, MUXF7/8, LUT RAM, BRAM, DSP;
  * finds the critical register-to-register path of the mapped netlist (LUT/MUXF/CARRY4 levels plus fanout-dependent net delay; our own longest-path analysis) and the clock it supports under a conservative Artix-7 delay model (docs/hardware.md), capped at 464 MHz;
  * takes Verilator cycle counts for (message, AD) = (0,0), (16,16), (1536,1536) bytes from the agilis-verilator models, each run checked by a decrypting round trip;
  * computes throughput = message bits / (cycles / clock), and for lane arrays N x per-lane throughput against the 16 Gb/s raw rate of PCIe Gen2 x4: the lane count that reaches it, its LUT cost and the smallest Artix-7 part that holds it.

Prints the tables (progress on stderr), writes every figure as JSON and rewrites the generated block of docs/hardware.md.

Needs yosys on PATH (apt-get install yosys; 0.23 tested) and Verilator on PATH when agilis-verilator was built (apt-get install verilator; 5.006 tested). A full run takes about 15-25 minutes on 2 CPUs; --quick takes about 2.

Example: cargo run --release -p agilis-bench --bin bench-harness -- fpga")]
pub struct Args {
    /// Fewer configurations: ascon r2/b128, aes256_gcm and one lane array.
    #[arg(long)]
    pub quick: bool,
    /// Only core configurations whose name contains one of these (repeatable), e.g. --only ascon_r4;
    /// lane arrays are then skipped unless --lanes is given too.
    #[arg(long, value_name = "NAME")]
    pub only: Vec<String>,
    /// Lane counts to synthesize agilis_top at (comma-separated, 1..16); default 1,2,4 (quick: 2).
    /// Lane counts beyond the largest are extrapolated linearly.
    #[arg(long, value_delimiter = ',', value_name = "N,N,..")]
    pub lanes: Vec<u32>,
    /// Where to write the JSON (relative paths are taken from the workspace root).
    #[arg(long, default_value = "bench-harness/results/fpga.json", value_name = "PATH")]
    pub json: PathBuf,
    /// The document whose generated block receives the tables.
    #[arg(long, default_value = "docs/hardware.md", value_name = "PATH")]
    pub docs: PathBuf,
    /// Do not touch the docs.
    #[arg(long)]
    pub no_docs: bool,
    /// Parallel Yosys runs (default: the number of CPUs).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Directory for Yosys outputs (stat, netlist JSON, log); default target/fpga-synth.
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,
    /// LUT mapping of synth_xilinx: abc9 (timing-driven, `-abc9`) or abc (Yosys 0.23's default).
    #[arg(long, value_enum, default_value_t = Flow::Abc9)]
    pub flow: Flow,
    /// Only analyse this Yosys netlist JSON (flattened, mapped to xc7): print its critical path and exit.
    #[arg(long, value_name = "NETLIST.json")]
    pub analyse: Option<PathBuf>,
}

/// The LUT-mapping flow of `synth_xilinx`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Flow {
    /// `synth_xilinx -abc9`: ABC9, timing-driven with the xc7 cell delays.
    Abc9,
    /// `synth_xilinx` without -abc9 (the classic ABC LUT mapping).
    Abc,
}

impl Flow {
    pub fn flags(self) -> &'static str {
        match self {
            Flow::Abc9 => "synth_xilinx -family xc7 -flatten -abc9",
            Flow::Abc => "synth_xilinx -family xc7 -flatten",
        }
    }
}

/// The workspace root (bench-harness/..).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("bench-harness has a parent").to_path_buf()
}

fn from_root(p: &Path) -> PathBuf {
    if p.is_absolute() { p.to_path_buf() } else { workspace_root().join(p) }
}

/// What a configuration synthesizes.
#[derive(Clone, Debug, Serialize)]
pub struct SynthJob {
    pub name: String,
    pub top: String,
    pub params: Vec<(String, String)>,
    #[serde(skip)]
    pub files: Vec<PathBuf>,
    /// The Verilator model giving the cycles (cores only).
    pub model: Option<String>,
    pub kind: JobKind,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobKind {
    Ascon { rounds_per_cycle: u32, bus: u32 },
    Aes { bus: u32 },
    LaneArray { lanes: u32, algorithm: String, aes_mask: u64, ascon_rounds_per_cycle: u32 },
}

/// One synthesized configuration.
#[derive(Clone, Debug, Serialize)]
pub struct SynthResult {
    pub job: SynthJob,
    /// The flow that produced the netlist: the requested one, or "abc"
    /// when ABC9 crashed on this design and the classic mapping was used.
    pub flow: Flow,
    pub fell_back: bool,
    pub resources: stat::Resources,
    pub depth: depth::DepthReport,
    pub synth_seconds: f64,
}

fn rtl_files(rtl: &Path, prefixes: &[&str]) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(rtl)
        .map_err(|e| format!("reading {}: {e}", rtl.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".v") && prefixes.iter().any(|pre| name.starts_with(pre))
        })
        .collect();
    files.sort();
    Ok(files)
}

fn module_exists(files: &[PathBuf], module: &str) -> bool {
    let needle = format!("module {module}");
    files.iter().any(|f| {
        std::fs::read_to_string(f).is_ok_and(|t| {
            t.lines().any(|l| {
                let l = l.trim_start();
                l.starts_with(&needle) && l[needle.len()..].starts_with(|c: char| c.is_whitespace() || c == '#' || c == '(')
            })
        })
    })
}

/// The core configurations (phase 1).
fn core_jobs(args: &Args) -> Result<Vec<SynthJob>, String> {
    let rtl = workspace_root().join("hdl/rtl");
    let ascon = rtl_files(&rtl, &["ascon_", "agilis_cells"])?;
    let aes = rtl_files(&rtl, &["aes256_gcm", "aes_", "ghash_"])?;
    let mut jobs = Vec::new();
    if module_exists(&ascon, "ascon_aead128") {
        for r in [1u32, 2, 4] {
            for bus in [64u32, 128] {
                if args.quick && !(r == 2 && bus == 128) {
                    continue;
                }
                let name = format!("ascon_r{r}_b{bus}");
                jobs.push(SynthJob {
                    name: name.clone(),
                    top: "ascon_aead128".into(),
                    params: vec![("ROUNDS_PER_CYCLE".into(), r.to_string()), ("BUS".into(), bus.to_string())],
                    files: ascon.clone(),
                    model: Some(name),
                    kind: JobKind::Ascon { rounds_per_cycle: r, bus },
                });
            }
        }
    } else {
        eprintln!("[fpga] note: hdl/rtl has no ascon_aead128 yet; skipping the Ascon cores");
    }
    if module_exists(&aes, "aes256_gcm") {
        jobs.push(SynthJob {
            name: "aes256_gcm".into(),
            top: "aes256_gcm".into(),
            params: vec![],
            files: aes,
            model: Some("aes256_gcm".into()),
            kind: JobKind::Aes { bus: 128 },
        });
    } else {
        eprintln!("[fpga] note: hdl/rtl has no aes256_gcm yet; skipping AES-256-GCM");
    }
    Ok(jobs.into_iter().filter(|j| selected(args, &j.name)).collect())
}

fn selected(args: &Args, name: &str) -> bool {
    args.only.is_empty() || args.only.iter().any(|o| name.contains(o.as_str()))
}

/// The parameters agilis_top declares (so that the report only sets those).
fn top_params(files: &[PathBuf]) -> Vec<String> {
    let mut out = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(f) else { continue };
        let Some(start) = text.find("module agilis_top") else { continue };
        let rest = &text[start..];
        let header_end = rest.find(");").unwrap_or(rest.len());
        for line in rest[..header_end].lines() {
            let l = line.trim_start();
            if let Some(p) = l.strip_prefix("parameter") {
                let p = p.trim_start();
                let p = p.strip_prefix("integer").map(str::trim_start).unwrap_or(p);
                let p = if p.starts_with('[') { p.split_once(']').map(|x| x.1.trim_start()).unwrap_or(p) } else { p };
                let name: String = p.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        }
    }
    out
}

/// Lane-array configurations (phase 2), given the Ascon rounds chosen for
/// lanes and which algorithms have per-lane cycle counts.
fn lane_jobs(args: &Args, ascon_rounds: u32, with_ascon: bool, with_aes: bool) -> Result<Vec<SynthJob>, String> {
    let rtl = workspace_root().join("hdl/rtl");
    let all = rtl_files(&rtl, &[""])?;
    if !module_exists(&all, "agilis_top") {
        eprintln!("[fpga] note: hdl/rtl has no agilis_top yet; lane arrays are estimated as N x core");
        return Ok(vec![]);
    }
    if !args.only.is_empty() && args.lanes.is_empty() {
        eprintln!("[fpga] note: --only without --lanes: no lane arrays (estimated as N x core instead)");
        return Ok(vec![]);
    }
    let declared = top_params(&all);
    let counts: Vec<u32> = if !args.lanes.is_empty() {
        args.lanes.clone()
    } else if args.quick {
        vec![2]
    } else {
        vec![1, 2, 4]
    };
    let mut jobs = Vec::new();
    for (algorithm, all_aes) in [("ascon", false), ("aes", true)] {
        if (all_aes && !with_aes) || (!all_aes && !with_ascon) {
            eprintln!("[fpga] note: no {algorithm} core with cycle counts in this run; no {algorithm} lane arrays");
            continue;
        }
        for &n in &counts {
            if args.quick && all_aes {
                continue;
            }
            if n == 0 || n > 16 {
                return Err(format!("--lanes {n}: lane counts go from 1 to 16 (agilis_top N_LANES)"));
            }
            let mask: u64 = if all_aes { if n == 64 { u64::MAX } else { (1u64 << n) - 1 } } else { 0 };
            let mut params = vec![("N_LANES".to_string(), n.to_string())];
            if declared.iter().any(|p| p == "LANE_AES_MASK") {
                params.push(("LANE_AES_MASK".into(), mask.to_string()));
            } else if all_aes {
                continue;
            }
            if declared.iter().any(|p| p == "ASCON_ROUNDS_PER_CYCLE") {
                params.push(("ASCON_ROUNDS_PER_CYCLE".into(), ascon_rounds.to_string()));
            }
            let name = format!("agilis_top_{algorithm}_x{n}");
            jobs.push(SynthJob {
                name,
                top: "agilis_top".into(),
                params,
                files: all.clone(),
                model: None,
                kind: JobKind::LaneArray { lanes: n, algorithm: algorithm.into(), aes_mask: mask, ascon_rounds_per_cycle: ascon_rounds },
            });
        }
    }
    Ok(jobs)
}

/// `yosys -V`, or a clear error saying what to install.
pub fn yosys_version() -> Result<String, String> {
    let out = Command::new("yosys").arg("-V").output().map_err(|e| {
        format!("cannot run yosys ({e}): install it (Debian/Ubuntu: apt-get install yosys; 0.23 is the tested version) and put it on PATH")
    })?;
    if !out.status.success() {
        return Err("yosys -V failed: check the yosys installation (apt-get install yosys)".into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn verilator_version() -> Option<String> {
    let out = Command::new("verilator").arg("--version").output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Runs the synthesis script on one job and analyses its netlist.
/// Synthesizes one job; when ABC9 itself crashes (an assertion inside
/// berkeley-abc, which Yosys 0.23 calls experimental), falls back to the
/// classic mapping and says so in the result.
pub fn synthesize(job: &SynthJob, work: &Path, model: &DelayModel, flow: Flow) -> Result<SynthResult, String> {
    match synthesize_with(job, work, model, flow) {
        Err(e) if flow == Flow::Abc9 && e.contains("ABC: execution of command") => {
            eprintln!("[fpga] note: ABC9 crashed on {} (berkeley-abc assertion); retrying with the classic ABC mapping", job.name);
            let mut r = synthesize_with(job, work, model, Flow::Abc)?;
            r.fell_back = true;
            Ok(r)
        }
        other => other,
    }
}

fn synthesize_with(job: &SynthJob, work: &Path, model: &DelayModel, flow: Flow) -> Result<SynthResult, String> {
    let dir = work.join(&job.name);
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let script = workspace_root().join("hdl/synth/synth_xc7.tcl");
    let files: Vec<String> = job.files.iter().map(|f| f.display().to_string()).collect();
    if files.iter().any(|f| f.contains(' ')) {
        return Err("RTL paths with spaces are not supported by synth_xc7.tcl".into());
    }
    let params: Vec<String> = job.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let log = dir.join("yosys.log");
    let started = Instant::now();
    let out = Command::new("yosys")
        .arg("-q")
        .arg("-l")
        .arg(&log)
        .arg("-c")
        .arg(&script)
        .env("AGILIS_SYNTH_TOP", &job.top)
        .env("AGILIS_SYNTH_FILES", files.join(" "))
        .env("AGILIS_SYNTH_PARAMS", params.join(" "))
        .env("AGILIS_SYNTH_OUT", &dir)
        .env("AGILIS_SYNTH_ABC9", if flow == Flow::Abc9 { "1" } else { "0" })
        .output()
        .map_err(|e| format!("cannot run yosys: {e} (apt-get install yosys)"))?;
    let synth_seconds = started.elapsed().as_secs_f64();
    if !out.status.success() {
        let log_text = std::fs::read_to_string(&log).unwrap_or_default();
        let tail: Vec<&str> = log_text.lines().rev().take(15).collect::<Vec<_>>().into_iter().rev().collect();
        return Err(format!(
            "yosys failed on {} (full log: {}):\n{}\n{}",
            job.name,
            log.display(),
            String::from_utf8_lossy(&out.stderr).trim(),
            tail.join("\n")
        ));
    }
    let stat_text = std::fs::read_to_string(dir.join("stat.txt")).map_err(|e| format!("{}: reading stat.txt: {e}", job.name))?;
    let resources = stat::parse_stat(&stat_text).map_err(|e| format!("{}: {e}", job.name))?;
    let json = std::fs::read_to_string(dir.join("netlist.json")).map_err(|e| format!("{}: reading netlist.json: {e}", job.name))?;
    let depth = depth::analyse_json(&json, model).map_err(|e| format!("{}: {e}", job.name))?;
    Ok(SynthResult { job: job.clone(), flow, fell_back: false, resources, depth, synth_seconds })
}

/// Runs jobs on `jobs` threads, reporting progress on stderr.
fn synthesize_all(list: Vec<SynthJob>, work: &Path, model: &DelayModel, flow: Flow, threads: usize) -> Result<Vec<SynthResult>, String> {
    let total = list.len();
    let queue = Mutex::new(list.into_iter().enumerate().collect::<VecDeque<_>>());
    let results: Mutex<Vec<(usize, Result<SynthResult, String>)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads.max(1).min(total.max(1)) {
            s.spawn(|| {
                loop {
                    let next = queue.lock().unwrap().pop_front();
                    let Some((i, job)) = next else { break };
                    eprintln!("[fpga] synth {} ({}{}) ...", job.name, job.top, params_text(&job.params));
                    let r = synthesize(&job, work, model, flow);
                    match &r {
                        Ok(r) => eprintln!(
                            "[fpga] synth {} done in {:.1} s: {} LUT, {} FF, {} levels, {:.2} ns -> {:.0} MHz",
                            r.job.name,
                            r.synth_seconds,
                            r.resources.luts,
                            r.resources.ffs,
                            r.depth.critical_levels.total(),
                            r.depth.critical_ns,
                            r.depth.fmax_mhz
                        ),
                        Err(e) => eprintln!("[fpga] synth {} FAILED: {}", job.name, e.lines().next().unwrap_or("")),
                    }
                    results.lock().unwrap().push((i, r));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

fn params_text(params: &[(String, String)]) -> String {
    if params.is_empty() { String::new() } else { format!(" {}", params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ")) }
}

pub fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let model = DelayModel::ARTIX7;
    if let Some(path) = &args.analyse {
        let json = std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let d = depth::analyse_json(&json, &model)?;
        println!(
            "critical path {:.2} ns -> {:.0} MHz{}; levels {}; max levels {}; from {} to {}; {} cells",
            d.critical_ns,
            d.fmax_mhz,
            if d.capped { " (cap)" } else { "" },
            d.critical_levels.describe(),
            d.max_levels,
            d.start,
            d.end,
            d.cells
        );
        for hop in &d.path {
            println!("  {hop}");
        }
        println!("slowest end points (one per register):");
        for end in &d.slowest_ends {
            println!("  {end}");
        }
        return Ok(());
    }
    let yosys = yosys_version()?;
    let models = cycles::available_models();
    if models.is_empty() {
        return Err("agilis-verilator was built without Verilated models (Verilator was not on PATH at build time): install it (Debian/Ubuntu: apt-get install verilator; 5.006 is the tested version), then `cargo clean -p agilis-verilator` and rerun".into());
    }
    let verilator = verilator_version().unwrap_or_else(|| "unknown (not on PATH now; the models were built with it)".into());
    let work = args.work_dir.clone().map(|p| from_root(&p)).unwrap_or_else(|| workspace_root().join("target/fpga-synth"));
    let threads = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));

    // Phase 1: the cores, then their cycles.
    let jobs = core_jobs(args)?;
    if jobs.is_empty() {
        return Err("no core configuration selected (hdl/rtl has no cores, or --only matched nothing)".into());
    }
    let synth = synthesize_all(jobs, &work, &model, args.flow, threads)?;
    let mut cores = Vec::new();
    for s in synth {
        let cycles = match &s.job.model {
            Some(name) if models.contains(&name.as_str()) => {
                eprintln!("[fpga] cycles {name} ...");
                Some(cycles::measure(name)?)
            }
            Some(name) => {
                eprintln!("[fpga] note: no Verilated model {name:?} in this build; no cycles for it");
                None
            }
            None => None,
        };
        cores.push(report::CoreRow::new(s, cycles, &model));
    }

    // Phase 2: lane arrays, with the Ascon configuration that reaches line
    // rate at the fewest LUTs.
    let ascon_rounds = report::best_for_line_rate(&cores, "ascon")
        .and_then(|r| match r.synth.job.kind {
            JobKind::Ascon { rounds_per_cycle, .. } => Some(rounds_per_cycle),
            _ => None,
        })
        .unwrap_or(2);
    let has_cycles = |alg: &str| cores.iter().any(|c| c.algorithm == alg && c.cycles.is_some());
    let lane_jobs = lane_jobs(args, ascon_rounds, has_cycles("ascon"), has_cycles("aes"))?;
    let lane_synth = if lane_jobs.is_empty() { vec![] } else { synthesize_all(lane_jobs, &work, &model, args.flow, threads)? };

    let command = format!("cargo run --release -p agilis-bench --bin bench-harness -- {}", std::env::args().skip(1).collect::<Vec<_>>().join(" "));
    let rep = report::Report::build(report::Inputs {
        command,
        yosys,
        verilator,
        model: model.clone(),
        cores,
        lane_synth,
        runtime_s: started.elapsed().as_secs_f64(),
        quick: args.quick,
        synth_flow: args.flow.flags().to_string(),
    });
    let text = rep.markdown();
    println!("{text}");

    let json_path = from_root(&args.json);
    if let Some(dir) = json_path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    let json = serde_json::to_string_pretty(&rep).map_err(|e| format!("serializing the report: {e}"))?;
    std::fs::write(&json_path, json + "\n").map_err(|e| format!("writing {}: {e}", json_path.display()))?;
    eprintln!("[fpga] wrote {}", json_path.display());
    if !args.no_docs {
        let docs_path = from_root(&args.docs);
        docs::write_docs_block(&docs_path, &text)?;
        eprintln!("[fpga] updated the generated block of {}", docs_path.display());
    }
    eprintln!("[fpga] total {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

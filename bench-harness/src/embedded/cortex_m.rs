//! 32-bit: a Cortex-M4 (`thumbv7em-none-eabihf`) under QEMU's `mps2-an386`
//! machine, with semihosting for the record file, the output and the exit.
//!
//! QEMU emulates instructions, not a pipeline, so the figures are
//! **instruction counts**, not cycles. They are exact: for a measured run
//! QEMU executes one instruction per translation block (`-singlestep`) and
//! logs each execution (`-d exec,nochain`) to our pipe; we count the log
//! lines between the firmware's calls to `agilis_mark_start` and
//! `agilis_mark_stop`, less the count of an empty region. (Debian's QEMU 7.2
//! ships no TCG plugins such as libinsn.so, and `-icount` only turns the
//! count into virtual time, which the board's 25 MHz timers read in steps of
//! 40 instructions.) A loop of known length checks the method on every run.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::Event;
use super::elf::Elf;
use super::kat::{self, Kat};
use super::records::{self, Backend, Stream};
use super::tools::{self, Missing};

pub const TARGET: &str = "thumbv7em-none-eabihf";
pub const MACHINE: &str = "mps2-an386";
const RUN_LIMIT: Duration = Duration::from_secs(1800);

/// The published nRF52840 (Cortex-M4, 64 MHz) figures for Ascon (../shared/TARGETS.md).
pub const PUBLISHED_ASCON_CODE: usize = 1392;
pub const PUBLISHED_ASCON_KBPS: f64 = 589.9;
pub const PUBLISHED_CLOCK_HZ: f64 = 64e6;

/// What is missing to build and run the Cortex-M4 image.
pub fn prerequisites() -> Vec<Missing> {
    let mut missing = Vec::new();
    if !tools::rustup_has(None, "target", TARGET) {
        missing.push(Missing {
            what: format!("the Rust target {TARGET}"),
            install: format!("rustup target add {TARGET}"),
        });
    }
    let machines = Command::new("qemu-system-arm")
        .args(["-M", "help"])
        .output();
    match machines {
        Ok(o) if String::from_utf8_lossy(&o.stdout).contains(MACHINE) => {}
        Ok(_) => missing.push(Missing {
            what: format!("a qemu-system-arm with the {MACHINE} machine"),
            install: "apt-get install qemu-system-arm (QEMU 6.0 or later)".into(),
        }),
        Err(_) => missing.push(Missing {
            what: "qemu-system-arm".into(),
            install: "apt-get install qemu-system-arm".into(),
        }),
    }
    missing
}

pub fn tool_versions() -> Value {
    json!({
        "rustc": tools::first_line("rustc", &["--version"]),
        "qemu": tools::first_line("qemu-system-arm", &["--version"]),
    })
}

fn firmware_dir() -> PathBuf {
    tools::repo_root().join("bench-harness/targets/cortex-m4")
}

fn target_dir() -> PathBuf {
    tools::repo_root().join("target/embedded/cortex-m4")
}

/// The linked image and its marker addresses.
pub struct Built {
    pub path: PathBuf,
    pub elf: Elf,
    pub mark_start: u32,
    pub mark_stop: u32,
}

/// Bytes an image occupies in flash: the loaded sections below RAM, and the
/// initial values of .data (what an nRF52840's flash would hold).
pub fn flash_bytes(elf: &Elf) -> usize {
    elf.sections
        .iter()
        .filter(|s| s.alloc && !s.nobits && (s.addr < 0x2000_0000 || s.name == ".data"))
        .map(|s| s.size as usize)
        .sum()
}

static BUILD_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Builds the firmware with `features` (None: the default, measured image)
/// and returns the ELF path. `opt_s`: with `opt-level = "s"` (size figures only).
fn cargo_build(features: Option<&str>, opt_s: bool) -> Result<PathBuf, String> {
    let _guard = BUILD_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = if opt_s {
        target_dir().with_file_name("cortex-m4-opt-s")
    } else {
        target_dir()
    };
    let mut cmd = tools::cargo(None, &firmware_dir());
    cmd.args(["build", "--release", "--locked", "--target-dir"])
        .arg(&dir);
    match features {
        Some("") => {
            cmd.arg("--no-default-features");
        }
        Some(f) => {
            cmd.args(["--no-default-features", "--features", f]);
        }
        None => {}
    }
    if opt_s {
        cmd.env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "s");
    }
    tools::build(
        cmd,
        &format!("Cortex-M4 image ({})", features.unwrap_or("default")),
    )?;
    let path = dir.join(format!("{TARGET}/release/agilis-cortex-m4-fw"));
    let name = match features {
        None => "default",
        Some("") => "none",
        Some(f) => f,
    };
    let dest = dir.join(format!("images/{name}.elf"));
    std::fs::create_dir_all(dest.parent().expect("has parent")).map_err(|e| e.to_string())?;
    std::fs::copy(&path, &dest).map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
    Ok(dest)
}

/// Code size of each part: the flash of an image with it minus the flash of
/// the image it extends. (name, bytes, over what, opt-level).
pub fn code_sizes(progress: bool) -> Result<Vec<(String, i64, String, &'static str)>, String> {
    // (part, features, the part it extends)
    const PARTS: [(&str, &str, &str); 7] = [
        ("harness", "", ""),
        (
            "ascon-aead128 (agilis ascon8) via AeadKey",
            "aead",
            "harness",
        ),
        (
            "ascon-aead128 (RustCrypto) via AeadKey",
            "ascon-rustcrypto",
            "harness",
        ),
        (
            "aes-256-gcm (RustCrypto)",
            "aes-256-gcm",
            "ascon-aead128 (agilis ascon8) via AeadKey",
        ),
        (
            "chacha20-poly1305 (RustCrypto)",
            "chacha20-poly1305",
            "ascon-aead128 (agilis ascon8) via AeadKey",
        ),
        ("ml-kem-512 + ml-kem-768 (libcrux)", "ml-kem", "harness"),
        ("ed25519 (ed25519-dalek)", "ed25519", "harness"),
    ];
    let mut out = Vec::new();
    for (opt_s, level) in [(false, "3"), (true, "s")] {
        let mut flash = std::collections::HashMap::new();
        for (part, features, over) in PARTS {
            if opt_s && (features.contains("ml-kem") || features.contains("ed25519")) {
                continue;
            }
            if progress {
                eprintln!("cortex-m: sizing {part} (opt-level {level}) ...");
            }
            let path = cargo_build(Some(features), opt_s)?;
            let bytes = flash_bytes(&Elf::read(&path)?) as i64;
            flash.insert(part, bytes);
            if !over.is_empty() {
                out.push((
                    part.to_string(),
                    bytes - flash[over],
                    over.to_string(),
                    level,
                ));
            }
        }
    }
    Ok(out)
}

pub fn build() -> Result<Built, String> {
    let path = cargo_build(None, false)?;
    let elf = Elf::read(&path)?;
    let addr = |name: &str| {
        elf.symbol(name)
            .map(|s| s.value & !1)
            .ok_or_else(|| format!("the Cortex-M4 image has no {name}"))
    };
    let (mark_start, mark_stop) = (addr("agilis_mark_start")?, addr("agilis_mark_stop")?);
    if mark_start == mark_stop {
        return Err("the Cortex-M4 image's two markers were folded into one function".into());
    }
    Ok(Built {
        path,
        elf,
        mark_start,
        mark_stop,
    })
}

/// One QEMU run.
pub struct Run {
    pub events: Vec<Event>,
    /// Instructions in each measured region, in order (when counted).
    pub counts: Vec<u64>,
    pub elapsed: Duration,
}

/// The PC of one `-d exec` line: `Trace 0: 0x... [cs_base/pc/flags/cflags] name`.
fn exec_pc(line: &[u8]) -> Option<u32> {
    let open = line.iter().position(|&b| b == b'[')?;
    let rest = &line[open + 1..];
    let first = rest.iter().position(|&b| b == b'/')?;
    let rest = &rest[first + 1..];
    let second = rest.iter().position(|&b| b == b'/')?;
    u32::from_str_radix(std::str::from_utf8(&rest[..second]).ok()?, 16).ok()
}

/// Runs `records` on `built`; with `count`, also counts the instructions of
/// every measured region.
pub fn run_records(built: &Built, records: &[u8], count: bool, tag: &str) -> Result<Run, String> {
    let dir = target_dir().join(format!("runs/{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let input = dir.join("records.bin");
    let console = dir.join("console.txt");
    std::fs::write(&input, records)
        .map_err(|e| format!("cannot write {}: {e}", input.display()))?;
    let result = run_in(built, &input, &console, count, tag);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run_in(
    built: &Built,
    input: &Path,
    console: &Path,
    count: bool,
    tag: &str,
) -> Result<Run, String> {
    for p in [input, console] {
        if p.to_string_lossy().contains(',') {
            return Err(format!(
                "QEMU options cannot name a path with a comma: {}",
                p.display()
            ));
        }
    }
    let what = format!("QEMU Cortex-M4 ({tag})");
    let mut cmd = Command::new("qemu-system-arm");
    cmd.args([
        "-M",
        MACHINE,
        "-nographic",
        "-monitor",
        "none",
        "-serial",
        "none",
    ])
    .arg("-chardev")
    .arg(format!("file,id=semi,path={}", console.display()))
    .arg("-semihosting-config")
    .arg(format!(
        "enable=on,target=native,chardev=semi,arg=agilis-fw,arg={}",
        input.display()
    ))
    .arg("-kernel")
    .arg(&built.path);
    let start = Instant::now();
    let (status, stderr, counts) = if count {
        cmd.args(["-singlestep", "-d", "exec,nochain", "-D", "/dev/stdout"]);
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{what}: cannot start qemu-system-arm: {e}"))?;
        let mut err = child.stderr.take().expect("piped");
        let err_reader = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut err, &mut s);
            s
        });
        let mut reader = BufReader::with_capacity(1 << 20, child.stdout.take().expect("piped"));
        let mut counts = Vec::new();
        let mut inside: Option<u64> = None;
        let mut line = Vec::with_capacity(256);
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => return Err(format!("{what}: reading the exec log: {e}")),
            }
            if !line.starts_with(b"Trace") {
                continue;
            }
            let Some(pc) = exec_pc(&line) else { continue };
            if pc == built.mark_start {
                inside = Some(0);
            } else if pc == built.mark_stop {
                // The stop marker's first instruction is not the region's.
                if let Some(n) = inside.take() {
                    counts.push(n);
                }
            }
            if let Some(n) = inside.as_mut() {
                *n += 1;
            }
            if start.elapsed() > RUN_LIMIT {
                let _ = child.kill();
                return Err(format!(
                    "{what}: no result within {} s (killed)",
                    RUN_LIMIT.as_secs()
                ));
            }
        }
        let status = child.wait().map_err(|e| format!("{what}: {e}"))?;
        (status, err_reader.join().unwrap_or_default(), counts)
    } else {
        let done = tools::run_with_limit(&mut cmd, RUN_LIMIT, &what)?;
        (done.status, done.stderr, Vec::new())
    };
    let output = std::fs::read_to_string(console).unwrap_or_default();
    let events = super::parse_events(output.lines())?;
    super::check_completed(&events, &what).map_err(|e| {
        format!(
            "{e}\nQEMU {status}; stderr:\n{}\nlast output:\n{}",
            tools::tail(&stderr, 10),
            tools::tail(&output, 20)
        )
    })?;
    if !status.success() {
        return Err(format!(
            "{what}: QEMU exited with {status}:\n{}",
            tools::tail(&stderr, 10)
        ));
    }
    Ok(Run {
        events,
        counts,
        elapsed: start.elapsed(),
    })
}

pub struct KatSummary {
    pub checked: usize,
    pub elapsed: Duration,
}

/// Runs all `kats` (Ascon-AEAD128 through `AeadKey`, `backend`) in one QEMU run.
pub fn check_kats(built: &Built, kats: &[Kat], backend: Backend) -> Result<KatSummary, String> {
    let chunks = records::kat_chunks(kats, records::ASCON_AEAD128, backend, usize::MAX)?;
    let (stream, all) = &chunks[0];
    let run = run_records(built, stream, false, "kats")?;
    super::check_kats(&run.events, all, "Cortex-M4 Ascon-AEAD128 KATs")?;
    Ok(KatSummary {
        checked: all.len(),
        elapsed: run.elapsed,
    })
}

/// AEAD lengths measured: (associated data, message).
pub const AEAD_LENGTHS: [(usize, usize); 8] = [
    (16, 16),
    (0, 0),
    (0, 16),
    (0, 64),
    (0, 256),
    (0, 1024),
    (0, 4096),
    (1536, 1536),
];

/// (name, code point, key length, nonce length).
const AEADS: [(&str, u16, usize, usize); 3] = [
    ("ascon-aead128", records::ASCON_AEAD128, 16, 16),
    ("aes-256-gcm", records::AES_256_GCM, 32, 12),
    ("chacha20-poly1305", records::CHACHA20_POLY1305, 32, 12),
];

const KEMS: [(&str, u16); 2] = [("ml-kem-512", 0x0101), ("ml-kem-768", 0x0102)];
/// Signatures: (name, code point, message length).
const SIGS: [(&str, u16, usize); 1] = [("ed25519", 0x0220, 64)];

#[derive(Debug, Clone)]
pub struct AeadFigure {
    pub alg: &'static str,
    pub implementation: String,
    pub ad: usize,
    pub msg: usize,
    pub seal: u64,
    pub open: u64,
    pub seal_stack: u64,
    pub open_stack: u64,
}

#[derive(Debug, Clone)]
pub struct SigFigure {
    pub alg: &'static str,
    pub msg: usize,
    pub keygen: u64,
    pub sign: u64,
    pub verify: u64,
    pub stacks: [u64; 3],
}

#[derive(Debug, Clone)]
pub struct KemFigure {
    pub alg: &'static str,
    pub keygen: u64,
    pub encaps: u64,
    pub decaps: u64,
    pub stacks: [u64; 3],
}

/// Runs the benchmark records with instruction counting.
pub fn measure(built: &Built) -> Result<Measured, String> {
    let mut s = Stream::default();
    for &(_, cp, key_len, nonce_len) in &AEADS {
        s.suite(cp, Backend::Portable);
        let key: Vec<u8> = (0..key_len as u8).collect();
        let nonce: Vec<u8> = (0..nonce_len as u8).map(|b| 0x10 + b).collect();
        s.key_nonce(&key, &nonce);
        for &(ad, msg) in &AEAD_LENGTHS {
            s.bench(ad, msg);
        }
    }
    for &(_, cp) in &KEMS {
        let seed: [u8; 64] = std::array::from_fn(|i| i as u8);
        let rand: [u8; 32] = std::array::from_fn(|i| 0x80 + i as u8);
        s.kem(cp, &seed, &rand);
    }
    for &(_, cp, len) in &SIGS {
        let seed: [u8; 32] = std::array::from_fn(|i| 0x40 + i as u8);
        s.sig(cp, &seed, len);
    }
    let run = run_records(built, &s.finish(), true, "bench")?;
    let mut counts = run.counts.iter().copied();
    let mut next = |what: &str| {
        counts
            .next()
            .ok_or_else(|| format!("Cortex-M4: no instruction count for {what}"))
    };
    // Calibration: the empty region, then the loop of known length.
    let c = run
        .events
        .iter()
        .find(|e| e.tag == 'C')
        .ok_or("Cortex-M4: no calibration line")?;
    let empty = next("the empty region")?;
    let loop_count = next("the calibration loop")?;
    let expected = c.num(0)?;
    if loop_count - empty != expected {
        return Err(format!(
            "Cortex-M4 instruction counting is off: a loop of {expected} instructions counted {}",
            loop_count - empty
        ));
    }
    let mut aead = Vec::new();
    let mut kem = Vec::new();
    let mut implementation = String::new();
    let mut aead_iter = AEADS
        .iter()
        .flat_map(|a| AEAD_LENGTHS.iter().map(move |l| (a.0, *l)));
    let mut kem_iter = KEMS.iter();
    let mut sig_iter = SIGS.iter();
    let mut sig = Vec::new();
    let mut pending_seal: Option<(u64, u64)> = None;
    for e in &run.events {
        match e.tag {
            'I' if e.fields.first().map(String::as_str) == Some("impl") => {
                implementation = e.fields[1..].join(" ");
            }
            'S' => pending_seal = Some((next("a seal")?, e.num(0)?)),
            'O' => {
                let (seal, seal_stack) =
                    pending_seal.take().ok_or("Cortex-M4: open without seal")?;
                let open = next("an open")?;
                let (alg, (ad, msg)) = aead_iter
                    .next()
                    .ok_or("Cortex-M4: more AEAD results than records")?;
                if e.num_back(0)? != 1 || e.blob != (0..msg).map(|i| i as u8).collect::<Vec<u8>>() {
                    return Err(format!(
                        "Cortex-M4 {alg} ({ad},{msg}): its own ciphertext did not open"
                    ));
                }
                aead.push(AeadFigure {
                    alg,
                    implementation: implementation.clone(),
                    ad,
                    msg,
                    seal: seal - empty,
                    open: open - empty,
                    seal_stack,
                    open_stack: e.num(0)?,
                });
            }
            'K' => {
                let (alg, _) = kem_iter
                    .next()
                    .ok_or("Cortex-M4: more KEM results than records")?;
                if e.num(1)? != 1 {
                    return Err(format!(
                        "Cortex-M4 {alg}: decapsulation did not give the encapsulated secret"
                    ));
                }
                kem.push(KemFigure {
                    alg,
                    keygen: next("keygen")? - empty,
                    encaps: next("encaps")? - empty,
                    decaps: next("decaps")? - empty,
                    stacks: [e.num(2)?, e.num(3)?, e.num(4)?],
                });
            }
            'G' => {
                let (alg, _, msg) = sig_iter
                    .next()
                    .ok_or("Cortex-M4: more signature results than records")?;
                if e.num(1)? != 1 {
                    return Err(format!(
                        "Cortex-M4 {alg}: the signature did not verify, or a tampered one did"
                    ));
                }
                sig.push(SigFigure {
                    alg,
                    msg: *msg,
                    keygen: next("keygen")? - empty,
                    sign: next("sign")? - empty,
                    verify: next("verify")? - empty,
                    stacks: [e.num(2)?, e.num(3)?, e.num(4)?],
                });
            }
            _ => {}
        }
    }
    if aead.len() != AEADS.len() * AEAD_LENGTHS.len()
        || kem.len() != KEMS.len()
        || sig.len() != SIGS.len()
    {
        return Err("Cortex-M4: fewer results than records".into());
    }
    if counts.next().is_some() {
        return Err("Cortex-M4: more measured regions than results".into());
    }
    Ok(Measured {
        aead,
        kem,
        sig,
        overhead: empty,
    })
}

/// Everything one measured run gives.
pub struct Measured {
    pub aead: Vec<AeadFigure>,
    pub kem: Vec<KemFigure>,
    pub sig: Vec<SigFigure>,
    /// Instructions of the empty region (subtracted from every figure).
    pub overhead: u64,
}

/// `bench-harness cortex-m`
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to write the figures.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Only check the 1089 Ascon-AEAD128 KATs; measure nothing.
    #[arg(long)]
    pub kats_only: bool,
    /// Measure without checking the KATs first.
    #[arg(long, conflicts_with = "kats_only")]
    pub skip_kats: bool,
    /// Skip the code-size builds (nine more builds of the firmware).
    #[arg(long)]
    pub no_sizes: bool,
}

pub fn run(args: &Args) -> Result<(), String> {
    let missing = prerequisites();
    if !missing.is_empty() {
        return Err(format!(
            "the Cortex-M4 target needs:\n{}",
            tools::describe(&missing)
        ));
    }
    eprintln!("cortex-m: building the {TARGET} image ...");
    let built = build()?;
    let mut kat_json = Value::Null;
    if !args.skip_kats {
        let dir = kat::vectors_base(&tools::repo_root()).join(kat::ASCON_SUBDIR);
        let kats = kat::load_ascon(&dir).map_err(|e| format!("{e} (set AGILIS_VECTORS)"))?;
        eprintln!(
            "cortex-m: checking {} Ascon-AEAD128 KATs in QEMU ...",
            kats.len()
        );
        let summary = check_kats(&built, &kats, Backend::Portable)?;
        eprintln!(
            "cortex-m: all {} KATs pass (seal, open, tampered open), {:.1} s",
            summary.checked,
            summary.elapsed.as_secs_f64()
        );
        kat_json = json!({"checked": summary.checked, "passed": true});
    }
    if args.kats_only {
        return Ok(());
    }
    eprintln!(
        "cortex-m: measuring (QEMU single-steps and logs every instruction; this takes a while) ..."
    );
    let t = Instant::now();
    let Measured {
        aead,
        kem,
        sig,
        overhead,
    } = measure(&built)?;
    eprintln!("cortex-m: measured in {:.1} s", t.elapsed().as_secs_f64());
    let code = if args.no_sizes {
        Vec::new()
    } else {
        code_sizes(true)?
    };
    let image_flash = flash_bytes(&built.elf);
    print_table(&aead, &kem, &sig, &code, image_flash);
    let published_cycles = PUBLISHED_CLOCK_HZ * 8.0 * 16.0 / (PUBLISHED_ASCON_KBPS * 1000.0);
    let value = json!({
        "target": "cortex-m4",
        "rust_target": TARGET,
        "simulator": format!("qemu-system-arm -M {MACHINE}"),
        "units": {
            "instructions": "instructions executed, counted from QEMU's exec log (-singlestep -d exec,nochain) between the firmware's markers, less the empty region; not cycles",
            "instructions_per_byte_long": "extra seal instructions per extra message byte between 1024 and 4096 bytes",
            "stack_bytes": "stack high-water mark during the operation, measured by painting",
            "code_bytes": "flash (.vector_table + .text + .rodata + .data) of an image with the part minus that of the image it extends, built with the same cargo profile (opt-level 3, as measured) and with opt-level s",
        },
        "marker_overhead_instructions": overhead,
        "image_flash_bytes": image_flash,
        "code_bytes": code.iter().map(|(part, bytes, over, level)| json!({
            "part": part, "bytes": bytes, "over": over, "opt_level": level,
        })).collect::<Vec<_>>(),
        "kats": kat_json,
        "aead": aead.iter().map(|a| json!({
            "algorithm": a.alg, "implementation": a.implementation,
            "ad_bytes": a.ad, "msg_bytes": a.msg,
            "seal_instructions": a.seal, "open_instructions": a.open,
            "seal_stack_bytes": a.seal_stack, "open_stack_bytes": a.open_stack,
        })).collect::<Vec<_>>(),
        "aead_instructions_per_byte_long": AEADS.iter().map(|(alg, ..)| (alg.to_string(), json!(per_byte(&aead, alg)))).collect::<serde_json::Map<_, _>>(),
        "kem": kem.iter().map(|k| json!({
            "algorithm": k.alg, "implementation": "libcrux-ml-kem 0.0.11 (portable)",
            "keygen_instructions": k.keygen, "encaps_instructions": k.encaps, "decaps_instructions": k.decaps,
            "keygen_stack_bytes": k.stacks[0], "encaps_stack_bytes": k.stacks[1], "decaps_stack_bytes": k.stacks[2],
        })).collect::<Vec<_>>(),
        "signature": sig.iter().map(|g| json!({
            "algorithm": g.alg, "implementation": "ed25519-dalek 3.0.0, as agilis-suites uses it",
            "msg_bytes": g.msg,
            "keygen_instructions": g.keygen, "sign_instructions": g.sign, "verify_instructions": g.verify,
            "keygen_stack_bytes": g.stacks[0], "sign_stack_bytes": g.stacks[1], "verify_stack_bytes": g.stacks[2],
        })).collect::<Vec<_>>(),
        "published": {"ascon-aead128": {
            "platform": "nRF52840 (Cortex-M4, 64 MHz)", "code_bytes": PUBLISHED_ASCON_CODE,
            "kbps_16_16": PUBLISHED_ASCON_KBPS,
            "implied_cycles_16_16": published_cycles.round(),
            "implied_cycles_note": "64 MHz x 128 message bits / 589.9 kb/s, if kb/s counts message bits only",
            "source": "../shared/TARGETS.md (NIST LWC)",
        }},
        "tools": tool_versions(),
        "unix_time": super::unix_time(),
    });
    let path = args
        .json
        .clone()
        .unwrap_or_else(|| super::default_json("cortex-m4"));
    super::write_json(&path, &value)?;
    eprintln!("cortex-m: figures written to {}", path.display());
    Ok(())
}

/// Extra seal instructions per extra byte between 1024 and 4096 bytes of message.
fn per_byte(aead: &[AeadFigure], alg: &str) -> Option<f64> {
    let at = |n| {
        aead.iter()
            .find(|a| a.alg == alg && a.ad == 0 && a.msg == n)
    };
    let (a, b) = (at(1024)?, at(4096)?);
    Some(((b.seal as f64 - a.seal as f64) / 3072.0 * 100.0).round() / 100.0)
}

fn print_table(
    aead: &[AeadFigure],
    kem: &[KemFigure],
    sig: &[SigFigure],
    code: &[(String, i64, String, &str)],
    flash: usize,
) {
    println!("Cortex-M4 (QEMU {MACHINE}): INSTRUCTIONS executed, not cycles");
    println!("| algorithm | (AD,M) | seal instr | open instr | seal instr/byte | stack (B) |");
    println!("|---|---|---|---|---|---|");
    for a in aead {
        let per = if a.msg > 0 {
            format!("{:.1}", a.seal as f64 / a.msg as f64)
        } else {
            "-".into()
        };
        println!(
            "| {} | ({},{}) | {} | {} | {per} | {} |",
            a.alg,
            a.ad,
            a.msg,
            a.seal,
            a.open,
            a.seal_stack.max(a.open_stack)
        );
    }
    for (alg, ..) in AEADS {
        if let Some(p) = per_byte(aead, alg) {
            println!("{alg}: {p} instructions per byte on long messages");
        }
    }
    println!("| KEM | keygen instr | encaps instr | decaps instr | stack (B) |");
    println!("|---|---|---|---|---|");
    for k in kem {
        println!(
            "| {} | {} | {} | {} | {} |",
            k.alg,
            k.keygen,
            k.encaps,
            k.decaps,
            k.stacks.iter().max().unwrap_or(&0)
        );
    }
    println!("| signature | keygen instr | sign instr | verify instr | stack (B) |");
    println!("|---|---|---|---|---|");
    for g in sig {
        println!(
            "| {} ({} B message) | {} | {} | {} | {} |",
            g.alg,
            g.msg,
            g.keygen,
            g.sign,
            g.verify,
            g.stacks.iter().max().unwrap_or(&0)
        );
    }
    println!("| code | bytes (opt-level 3) | bytes (opt-level s) | over |");
    println!("|---|---|---|---|");
    for (part, bytes, over, level) in code.iter().filter(|c| c.3 == "3") {
        let s = code
            .iter()
            .find(|c| c.3 == "s" && &c.0 == part)
            .map_or("-".to_string(), |c| c.1.to_string());
        let _ = level;
        println!("| {part} | {bytes} | {s} | {over} |");
    }
    println!("measured image: {flash} B of flash");
    println!(
        "published nRF52840 (TARGETS.md): Ascon {PUBLISHED_ASCON_CODE} B, {PUBLISHED_ASCON_KBPS} kb/s at (16,16), 64 MHz"
    );
}

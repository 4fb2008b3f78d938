//! 8-bit: the ATmega328P at 16 MHz under simavr (cycle-exact).
//!
//! Images come from `bench-harness/targets/avr` (nightly, `-Zbuild-std=core`,
//! `avr-none`, linked by avr-gcc against avr-libc). One image per AEAD and
//! backend, plus a `baseline` image with the same harness and no
//! cryptography, whose size is subtracted to give the AEAD's code size.
//!
//! The host writes the records (KATs or benchmark lengths) into the image's
//! `AGILIS_RECORDS` flash array and runs the patched ELF: the KATs and the
//! measurements run the same linked code.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::kat::{self, Kat};
use super::records::{self, Backend, Stream};
use super::tools::{self, Missing};
use super::{Event, elf::Elf};

/// The nightly the AVR images are built and measured with (rustc 1.97.0-nightly
/// e50aa6fba 2026-05-19). Pinned: AVR code generation changes between
/// nightlies, and .ci/run installs exactly this one.
pub const PINNED_TOOLCHAIN: &str = "nightly-2026-05-20";

/// The toolchain that builds the AVR images: [`PINNED_TOOLCHAIN`], or the one
/// named by `AGILIS_AVR_TOOLCHAIN` (e.g. `nightly` to try the latest).
pub fn toolchain() -> String {
    std::env::var("AGILIS_AVR_TOOLCHAIN").unwrap_or_else(|_| PINNED_TOOLCHAIN.into())
}
pub const CLOCK_HZ: u64 = 16_000_000;
pub const FLASH_BYTES: usize = 32 * 1024;
pub const RAM_BYTES: usize = 2 * 1024;
/// One simavr run may not take longer than this (wall clock; the longest,
/// a KAT chunk of the RustCrypto image, takes a few seconds).
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// The published ATmega328P figures for Ascon (../shared/TARGETS.md).
pub const PUBLISHED_ASCON_CODE: usize = 3662;
pub const PUBLISHED_ASCON_KBPS: f64 = 17.0;

/// A firmware image: one cargo feature of `targets/avr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    Baseline,
    Ascon8bit,
    AsconPortable,
    ChaCha20Poly1305,
    Aes256Gcm,
}

impl Image {
    pub const ALL: [Image; 5] = [
        Image::Ascon8bit,
        Image::AsconPortable,
        Image::ChaCha20Poly1305,
        Image::Aes256Gcm,
        Image::Baseline,
    ];

    pub fn feature(self) -> &'static str {
        match self {
            Image::Baseline => "baseline",
            Image::Ascon8bit => "ascon-8bit",
            Image::AsconPortable => "ascon-portable",
            Image::ChaCha20Poly1305 => "chacha20-poly1305",
            Image::Aes256Gcm => "aes-256-gcm",
        }
    }

    pub fn from_feature(name: &str) -> Option<Image> {
        Image::ALL.into_iter().find(|i| i.feature() == name)
    }

    /// (algorithm name, code point, backend), none for the baseline.
    pub fn suite(self) -> Option<(&'static str, u16, Backend)> {
        match self {
            Image::Baseline => None,
            Image::Ascon8bit => Some(("ascon-aead128", records::ASCON_AEAD128, Backend::Default)),
            Image::AsconPortable => {
                Some(("ascon-aead128", records::ASCON_AEAD128, Backend::Portable))
            }
            Image::ChaCha20Poly1305 => Some((
                "chacha20-poly1305",
                records::CHACHA20_POLY1305,
                Backend::Portable,
            )),
            Image::Aes256Gcm => Some(("aes-256-gcm", records::AES_256_GCM, Backend::Portable)),
        }
    }

    fn key_nonce_len(self) -> (usize, usize) {
        match self {
            Image::ChaCha20Poly1305 | Image::Aes256Gcm => (32, 12),
            _ => (16, 16),
        }
    }
}

/// What is missing to build and run the AVR images.
pub fn prerequisites() -> Vec<Missing> {
    let mut missing = Vec::new();
    if tools::first_line("rustup", &["--version"]).is_none() {
        missing.push(Missing {
            what: "rustup".into(),
            install: "https://rustup.rs (the nightly toolchain is installed through it)".into(),
        });
        return missing;
    }
    let tc = toolchain();
    if tools::first_line("rustup", &["run", &tc, "rustc", "--version"]).is_none() {
        missing.push(Missing {
            what: format!("the Rust toolchain {tc}"),
            install: format!(
                "rustup toolchain install {tc} --profile minimal --component rust-src"
            ),
        });
    } else if !tools::rustup_has(Some(&tc), "component", "rust-src") {
        missing.push(Missing {
            what: format!("rust-src for {tc} (build-std of core for avr-none)"),
            install: format!("rustup component add rust-src --toolchain {tc}"),
        });
    }
    match Command::new("avr-gcc")
        .args(["-mmcu=atmega328p", "-print-file-name=crtatmega328p.o"])
        .output()
    {
        Ok(o) if o.status.success() => {
            let crt = String::from_utf8_lossy(&o.stdout).trim().to_owned();
            if !Path::new(&crt).is_absolute() || !Path::new(&crt).exists() {
                missing.push(Missing {
                    what: "avr-libc (ATmega328P start-up code)".into(),
                    install: "apt-get install avr-libc".into(),
                });
            }
        }
        _ => missing.push(Missing {
            what: "avr-gcc (the linker for avr-none)".into(),
            install: "apt-get install gcc-avr binutils-avr avr-libc".into(),
        }),
    }
    // `simavr --list-cores` exits 1 after listing them.
    let simavr_knows_328p = Command::new("simavr")
        .arg("--list-cores")
        .output()
        .is_ok_and(|o| {
            String::from_utf8_lossy(&o.stdout).contains("atmega328p")
                || String::from_utf8_lossy(&o.stderr).contains("atmega328p")
        });
    if !simavr_knows_328p {
        missing.push(Missing {
            what: "simavr".into(),
            install: "apt-get install simavr".into(),
        });
    }
    missing
}

/// Tool versions for the JSON.
pub fn tool_versions() -> Value {
    json!({
        "rustc": tools::first_line("rustup", &["run", &toolchain(), "rustc", "--version"]),
        "avr-gcc": tools::first_line("avr-gcc", &["--version"]),
        "simavr": tools::first_line("dpkg-query", &["-W", "-f=${Version}", "simavr"])
            .map(|v| format!("simavr {v} (Debian package)")),
    })
}

fn firmware_dir() -> PathBuf {
    tools::repo_root().join("bench-harness/targets/avr")
}

fn target_dir() -> PathBuf {
    tools::repo_root().join("target/embedded/avr")
}

/// A linked image with a record area of a known size.
pub struct Built {
    pub image: Image,
    pub elf: Elf,
    pub path: PathBuf,
    /// Bytes of `AGILIS_RECORDS`.
    pub records_len: usize,
}

impl Built {
    /// Flash the image occupies without its record area: .text + .data initializers.
    pub fn flash_bytes(&self) -> usize {
        let sum = |name: &str| self.elf.section(name).map_or(0, |s| s.size as usize);
        sum(".text") + sum(".data") - self.records_len
    }

    /// Statically allocated RAM: .data + .bss.
    pub fn static_ram(&self) -> usize {
        let sum = |name: &str| self.elf.section(name).map_or(0, |s| s.size as usize);
        sum(".data") + sum(".bss")
    }
}

/// The result of building: an image, or the reason it does not fit.
pub enum Outcome {
    Built(Built),
    DoesNotFit(String),
}

/// One build at a time in this process: every image is built into the same
/// cargo target directory and copied out of it before the next build.
static BUILD_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn cargo_build(image: Image, records_len: usize) -> Result<Result<PathBuf, String>, String> {
    let _guard = BUILD_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let mut cmd = tools::cargo(Some(&toolchain()), &firmware_dir());
    cmd.args([
        "build",
        "--release",
        "--locked",
        "--features",
        image.feature(),
        "--target-dir",
    ])
    .arg(target_dir())
    .env("AGILIS_AVR_RECORDS_LEN", records_len.to_string());
    let out = cmd
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("AVR image {}: cannot run cargo: {e}", image.feature()))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        // The linker's word for an image larger than the chip.
        if let Some(line) = stderr.lines().find(|l| l.contains("overflowed by")) {
            let what = line.trim().trim_start_matches(|c| c != 'r').to_owned();
            return Ok(Err(what));
        }
        return Err(format!(
            "AVR image {}: build failed:\n{}",
            image.feature(),
            tools::tail(&stderr, 60)
        ));
    }
    let built = target_dir().join("avr-none/release/agilis-avr-fw.elf");
    let dest = target_dir().join(format!("images/{}-{records_len}.elf", image.feature()));
    std::fs::create_dir_all(dest.parent().expect("has parent")).map_err(|e| e.to_string())?;
    std::fs::copy(&built, &dest).map_err(|e| format!("cannot copy {}: {e}", built.display()))?;
    Ok(Ok(dest))
}

/// Builds `image` with a record area filling the flash its code leaves free.
pub fn build(image: Image) -> Result<Outcome, String> {
    // First with a token record area, to learn the code's size.
    let probe = match cargo_build(image, 16)? {
        Ok(path) => path,
        Err(overflow) => return Ok(Outcome::DoesNotFit(overflow)),
    };
    let probe_elf = Elf::read(&probe)?;
    let used = Built {
        image,
        elf: probe_elf,
        path: probe,
        records_len: 16,
    }
    .flash_bytes();
    // A little slack: the record area's length is one constant in the code.
    let records_len = FLASH_BYTES.saturating_sub(used + 64) & !0xF;
    if records_len < 256 {
        return Ok(Outcome::DoesNotFit(format!(
            "only {records_len} bytes of flash left for the records"
        )));
    }
    let path = match cargo_build(image, records_len)? {
        Ok(path) => path,
        Err(overflow) => return Ok(Outcome::DoesNotFit(overflow)),
    };
    let elf = Elf::read(&path)?;
    let sym = elf
        .symbol("AGILIS_RECORDS")
        .ok_or("AVR image has no AGILIS_RECORDS symbol")?;
    if sym.size as usize != records_len {
        return Err(format!(
            "AGILIS_RECORDS is {} bytes, built for {records_len}",
            sym.size
        ));
    }
    Ok(Outcome::Built(Built {
        image,
        elf,
        path,
        records_len,
    }))
}

/// simavr decorates UART lines (colour codes, a '.' for the newline).
fn uart_lines(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .map(|l| {
            let s = tools::strip_ansi(l);
            s.strip_suffix('.').map(str::to_owned).unwrap_or(s)
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// One simavr run of `built` with `records` in its flash.
pub struct Run {
    pub events: Vec<Event>,
    pub elapsed: Duration,
}

pub fn run_records(built: &Built, records: &[u8], tag: &str) -> Result<Run, String> {
    let mut elf = Elf::parse(built.elf.bytes.clone())?;
    elf.patch_symbol("AGILIS_RECORDS", records)?;
    let path = target_dir().join(format!(
        "runs/{}-{tag}-{}.elf",
        built.image.feature(),
        std::process::id()
    ));
    std::fs::create_dir_all(path.parent().expect("has parent")).map_err(|e| e.to_string())?;
    std::fs::write(&path, &elf.bytes)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let what = format!("simavr ({} {tag})", built.image.feature());
    let done = tools::run_with_limit(
        Command::new("simavr")
            .args(["-m", "atmega328p", "-f", &CLOCK_HZ.to_string()])
            .arg(&path),
        RUN_LIMIT,
        &what,
    );
    let _ = std::fs::remove_file(&path);
    let done = done?;
    let lines = uart_lines(&done.stderr);
    if !done.status.success() {
        return Err(format!(
            "{what} failed ({}):\n{}\n{}",
            done.status,
            tools::tail(&done.stdout, 5),
            tools::tail(&done.stderr, 20)
        ));
    }
    let events = super::parse_events(lines.iter().map(String::as_str))?;
    super::check_completed(&events, &what)
        .map_err(|e| format!("{e}\nlast output:\n{}", tools::tail(&lines.join("\n"), 20)))?;
    Ok(Run {
        events,
        elapsed: done.elapsed,
    })
}

/// Timer calibration from the `C` line: (cost of an empty measurement, cost
/// of one overflow interrupt), in cycles, checked on a second loop.
pub fn calibration(events: &[Event]) -> Result<(u64, u64), String> {
    let c = events
        .iter()
        .find(|e| e.tag == 'C')
        .ok_or("the AVR image printed no calibration line")?;
    let empty = c.num(0)?;
    let (raw1, ovf1, len1) = (c.num(1)?, c.num(2)?, c.num(3)?);
    let (raw2, ovf2, len2) = (c.num(4)?, c.num(5)?, c.num(6)?);
    let bad = || {
        format!(
            "AVR timer calibration is inconsistent: C {}",
            c.fields.join(" ")
        )
    };
    if ovf1 == 0 || raw1 < empty + len1 {
        return Err(bad());
    }
    let cal = (empty, (raw1 - empty - len1) / ovf1);
    // An interrupt waits for the current instruction to finish (here 0-1
    // cycles), so each overflow may cost one cycle more or less.
    let got = cycles(raw2, ovf2, cal);
    if got.abs_diff(len2) > ovf2 + 1 {
        return Err(format!(
            "{}: a loop of {len2} cycles measured {got} with empty = {}, interrupt = {}",
            bad(),
            cal.0,
            cal.1
        ));
    }
    Ok(cal)
}

/// Cycles of a measured operation from its raw timer reading.
pub fn cycles(raw: u64, overflows: u64, cal: (u64, u64)) -> u64 {
    raw.saturating_sub(cal.0 + overflows * cal.1)
}

/// Results of the KAT check of one image.
pub struct KatSummary {
    pub checked: usize,
    pub runs: usize,
    pub elapsed: Duration,
}

/// Checks all `kats` on `built`, in as many simavr runs as flash requires,
/// two at a time.
pub fn check_kats(built: &Built, kats: &[Kat], progress: bool) -> Result<KatSummary, String> {
    let (_, codepoint, backend) = built
        .image
        .suite()
        .ok_or("the baseline image runs no KATs")?;
    let chunks = records::kat_chunks(kats, codepoint, backend, built.records_len)?;
    let start = Instant::now();
    let n = chunks.len();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(n);
    let results: Vec<Result<usize, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some((stream, chunk)) = chunks.get(i) else {
                            break;
                        };
                        let what = format!(
                            "AVR {} KATs {}..={}",
                            built.image.feature(),
                            chunk[0].count,
                            chunk[chunk.len() - 1].count
                        );
                        let r = run_records(built, stream, &format!("kat{i}")).and_then(|run| {
                            super::check_kats(&run.events, chunk, &what)?;
                            if progress {
                                eprintln!(
                                    "  {what}: ok ({:.1} s in simavr)",
                                    run.elapsed.as_secs_f64()
                                );
                            }
                            Ok(chunk.len())
                        });
                        out.push(r);
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("KAT worker"))
            .collect()
    });
    let mut checked = 0;
    for r in results {
        checked += r?;
    }
    if checked != kats.len() {
        return Err(format!("checked {checked} of {} KATs", kats.len()));
    }
    Ok(KatSummary {
        checked,
        runs: n,
        elapsed: start.elapsed(),
    })
}

/// (associated data, message) lengths measured.
pub const BENCH_LENGTHS: [(usize, usize); 6] =
    [(16, 16), (0, 0), (0, 16), (0, 64), (0, 128), (0, 256)];

/// One measured length.
#[derive(Debug, Clone)]
pub struct Measured {
    pub ad: usize,
    pub msg: usize,
    pub seal_cycles: u64,
    pub open_cycles: u64,
    pub seal_stack: u64,
    pub open_stack: u64,
}

impl Measured {
    /// kb/s (1000 bits) of message at 16 MHz: 8·|M| / (cycles / f).
    pub fn seal_kbps(&self) -> f64 {
        kbps(self.msg, self.seal_cycles)
    }
}

pub fn kbps(bytes: usize, cycles: u64) -> f64 {
    if cycles == 0 {
        return 0.0;
    }
    8.0 * bytes as f64 * CLOCK_HZ as f64 / cycles as f64 / 1000.0
}

/// Runs the benchmark lengths on `built`; every sealed message is opened again.
pub fn measure(built: &Built) -> Result<(Vec<Measured>, Vec<Event>), String> {
    let (_, codepoint, backend) = built
        .image
        .suite()
        .ok_or("the baseline image measures nothing")?;
    let (key_len, nonce_len) = built.image.key_nonce_len();
    let mut s = Stream::default();
    s.suite(codepoint, backend);
    let key: Vec<u8> = (0..key_len as u8).collect();
    let nonce: Vec<u8> = (0..nonce_len as u8).map(|b| 0x10 + b).collect();
    s.key_nonce(&key, &nonce);
    for &(ad, msg) in &BENCH_LENGTHS {
        s.bench(ad, msg);
    }
    let run = run_records(built, &s.finish(), "bench")?;
    let cal = calibration(&run.events)?;
    let seals: Vec<&Event> = run.events.iter().filter(|e| e.tag == 'S').collect();
    let opens: Vec<&Event> = run.events.iter().filter(|e| e.tag == 'O').collect();
    if seals.len() != BENCH_LENGTHS.len() || opens.len() != BENCH_LENGTHS.len() {
        return Err(format!(
            "AVR {}: expected {} measurements",
            built.image.feature(),
            BENCH_LENGTHS.len()
        ));
    }
    let mut out = Vec::new();
    for ((&(ad, msg), s), o) in BENCH_LENGTHS.iter().zip(seals).zip(opens) {
        if o.num_back(0)? != 1 {
            return Err(format!(
                "AVR {}: ({ad},{msg}): its own ciphertext did not open",
                built.image.feature()
            ));
        }
        if o.blob != (0..msg).map(|i| i as u8).collect::<Vec<u8>>() {
            return Err(format!(
                "AVR {}: ({ad},{msg}): open did not return the message",
                built.image.feature()
            ));
        }
        out.push(Measured {
            ad,
            msg,
            seal_cycles: cycles(s.num(0)?, s.num(1)?, cal),
            open_cycles: cycles(o.num(0)?, o.num(1)?, cal),
            seal_stack: s.num(2)?,
            open_stack: o.num(2)?,
        });
    }
    Ok((out, run.events))
}

/// `bench-harness avr`
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to write the figures.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Images to build and run (default: all). Values: ascon-8bit, ascon-portable,
    /// chacha20-poly1305, aes-256-gcm, baseline.
    #[arg(long, value_delimiter = ',')]
    pub images: Vec<String>,
    /// Only check the 1089 Ascon-AEAD128 KATs on the Ascon images; measure nothing.
    #[arg(long)]
    pub kats_only: bool,
    /// Measure without checking the KATs first.
    #[arg(long, conflicts_with = "kats_only")]
    pub skip_kats: bool,
}

pub fn run(args: &Args) -> Result<(), String> {
    let missing = prerequisites();
    if !missing.is_empty() {
        return Err(format!(
            "the AVR target needs:\n{}",
            tools::describe(&missing)
        ));
    }
    let images: Vec<Image> = if args.images.is_empty() {
        Image::ALL.to_vec()
    } else {
        args.images
            .iter()
            .map(|n| Image::from_feature(n).ok_or_else(|| format!("unknown AVR image {n}")))
            .collect::<Result<_, _>>()?
    };
    let kats = if args.skip_kats {
        None
    } else {
        let dir = kat::vectors_base(&tools::repo_root()).join(kat::ASCON_SUBDIR);
        Some(kat::load_ascon(&dir).map_err(|e| format!("{e} (set AGILIS_VECTORS)"))?)
    };
    let mut baseline_flash = None;
    let mut rows = Vec::new();
    let mut json_images = Vec::new();
    // The baseline first: the others' code size is measured against it.
    let mut order = images.clone();
    order.sort_by_key(|i| *i != Image::Baseline);
    if !order.contains(&Image::Baseline) {
        order.insert(0, Image::Baseline);
    }
    for image in order {
        eprintln!("avr: building {} ...", image.feature());
        let built = match build(image)? {
            Outcome::Built(b) => b,
            Outcome::DoesNotFit(why) => {
                eprintln!(
                    "avr: {} does not fit the ATmega328P: {why}",
                    image.feature()
                );
                json_images.push(json!({"image": image.feature(), "fits": false, "why": why}));
                continue;
            }
        };
        let flash = built.flash_bytes();
        eprintln!(
            "avr: {}: {flash} bytes of flash, {} of static RAM; {} bytes left for records ({})",
            image.feature(),
            built.static_ram(),
            built.records_len,
            built.path.display()
        );
        let Some((alg, _, backend)) = image.suite() else {
            baseline_flash = Some(flash);
            json_images.push(json!({
                "image": "baseline", "fits": true, "flash_bytes": flash, "static_ram_bytes": built.static_ram(),
            }));
            continue;
        };
        let mut kat_json = Value::Null;
        if let (Some(kats), Image::Ascon8bit | Image::AsconPortable) = (&kats, image) {
            eprintln!(
                "avr: {}: checking {} KATs in simavr ...",
                image.feature(),
                kats.len()
            );
            let summary = check_kats(&built, kats, true)?;
            eprintln!(
                "avr: {}: all {} KATs pass (seal, open, tampered open) in {} runs, {:.1} s",
                image.feature(),
                summary.checked,
                summary.runs,
                summary.elapsed.as_secs_f64()
            );
            kat_json =
                json!({"checked": summary.checked, "passed": true, "simavr_runs": summary.runs});
        }
        if args.kats_only {
            continue;
        }
        eprintln!("avr: {}: measuring ...", image.feature());
        let (measured, events) = match measure(&built) {
            Ok(m) => m,
            // Ascon must run; for the others, not running is a finding to report.
            Err(e) if !matches!(image, Image::Ascon8bit | Image::AsconPortable) => {
                eprintln!(
                    "avr: {} does not run on the ATmega328P: {e}",
                    image.feature()
                );
                json_images.push(json!({
                    "image": image.feature(), "fits": false, "algorithm": alg,
                    "flash_bytes": flash,
                    "code_bytes_over_baseline": baseline_flash.map(|b| flash as i64 - b as i64),
                    "static_ram_bytes": built.static_ram(),
                    "why": format!("builds and fits the flash, but does not run: {}", e.split_whitespace().collect::<Vec<_>>().join(" ")),
                }));
                continue;
            }
            Err(e) => return Err(e),
        };
        let info = |key: &str| {
            events
                .iter()
                .find(|e| e.tag == 'I' && e.fields.first().map(String::as_str) == Some(key))
                .map(|e| e.fields[1..].join(" "))
        };
        let implementation = info("impl").unwrap_or_default();
        let key_size = info("key_size").and_then(|v| u64::from_str_radix(&v, 16).ok());
        let code = baseline_flash.map(|b| flash as i64 - b as i64);
        let peak_stack = measured
            .iter()
            .map(|m| m.seal_stack.max(m.open_stack))
            .max()
            .unwrap_or(0);
        for m in &measured {
            rows.push((image, alg, implementation.clone(), code, m.clone()));
        }
        let per_byte = marginal_cycles_per_byte(&measured);
        json_images.push(json!({
            "image": image.feature(),
            "fits": true,
            "algorithm": alg,
            "backend": format!("{backend:?}"),
            "implementation": implementation,
            "flash_bytes": flash,
            "code_bytes_over_baseline": code,
            "static_ram_bytes": built.static_ram(),
            "aead_key_bytes": key_size,
            "peak_stack_bytes": peak_stack,
            "kats": kat_json,
            "seal_cycles_per_byte_long": per_byte,
            "runs": measured.iter().map(|m| json!({
                "ad_bytes": m.ad, "msg_bytes": m.msg,
                "seal_cycles": m.seal_cycles, "open_cycles": m.open_cycles,
                "seal_kbps": round2(m.seal_kbps()), "open_kbps": round2(kbps(m.msg, m.open_cycles)),
                "seal_stack_bytes": m.seal_stack, "open_stack_bytes": m.open_stack,
            })).collect::<Vec<_>>(),
        }));
    }
    if args.kats_only {
        return Ok(());
    }
    print_table(&rows);
    let path = args
        .json
        .clone()
        .unwrap_or_else(|| super::default_json("avr"));
    let value = json!({
        "target": "avr-atmega328p",
        "simulator": "simavr",
        "clock_hz": CLOCK_HZ,
        "flash_bytes": FLASH_BYTES,
        "ram_bytes": RAM_BYTES,
        "units": {
            "cycles": "CPU cycles from Timer1 at clk/1 on the simulated chip, timer start/stop and overflow-interrupt cost subtracted",
            "kbps": "8 * message bytes / (cycles / 16 MHz) / 1000 (associated data not counted)",
            "code_bytes_over_baseline": "flash (.text + .data) of the image minus that of the same harness without cryptography",
            "peak_stack_bytes": "stack high-water mark during one seal or open, measured by painting RAM",
        },
        "published": {"ascon-aead128": {"code_bytes": PUBLISHED_ASCON_CODE, "kbps_16_16": PUBLISHED_ASCON_KBPS, "source": "../shared/TARGETS.md (NIST LWC, ATmega328P)"}},
        "tools": tool_versions(),
        "unix_time": super::unix_time(),
        "images": json_images,
    });
    super::write_json(&path, &value)?;
    eprintln!("avr: figures written to {}", path.display());
    Ok(())
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Seal cycles per extra message byte between the two longest lengths.
fn marginal_cycles_per_byte(measured: &[Measured]) -> Option<f64> {
    let mut long: Vec<&Measured> = measured.iter().filter(|m| m.ad == 0).collect();
    long.sort_by_key(|m| m.msg);
    let (a, b) = (long.get(long.len().checked_sub(2)?)?, long.last()?);
    (b.msg > a.msg).then(|| (b.seal_cycles as f64 - a.seal_cycles as f64) / (b.msg - a.msg) as f64)
}

fn print_table(rows: &[(Image, &str, String, Option<i64>, Measured)]) {
    println!("ATmega328P @ 16 MHz (simavr, cycle-exact)");
    println!(
        "| image | algorithm | code (B) | (AD,M) | seal cycles | open cycles | seal kb/s | stack (B) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (image, alg, _, code, m) in rows {
        println!(
            "| {} | {alg} | {} | ({},{}) | {} | {} | {:.1} | {} |",
            image.feature(),
            code.map_or("-".into(), |c| c.to_string()),
            m.ad,
            m.msg,
            m.seal_cycles,
            m.open_cycles,
            m.seal_kbps(),
            m.seal_stack.max(m.open_stack)
        );
    }
    println!(
        "published (TARGETS.md, NIST LWC): Ascon {PUBLISHED_ASCON_CODE} B, {PUBLISHED_ASCON_KBPS} kb/s at (16,16)"
    );
}

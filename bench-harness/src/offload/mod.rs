//! `bench-harness offload`: the software engine, the card and the
//! dispatcher (`AutoEngine`) in the same run, the cost of the redundancy
//! ruler, and the crossover the dispatcher routes by.
//!
//! For each AEAD the card has lanes for and each message size, batches of
//! the dispatcher's `max_batch` same-size jobs (one key, distinct nonces,
//! 16 B of AD) are sealed (and opened) on:
//! - **software**: `SoftwareEngine`, wall clock, median of `--runs` runs,
//!   each run long enough to cover `--run-bytes` of messages;
//! - **card**: `CardEngine` over the simulated card (`SimBus`), time =
//!   simulated cycles of the batch at the clock the synthesis report supports
//!   ([`clock`]); outputs checked byte for byte against software. The
//!   driver's register reads, writes and interrupt waits are counted, since
//!   simulated time has no PCIe latency;
//! - **auto**: `AutoEngine` over the same card with the crossovers this run
//!   measured: host wall time outside the card plus the card's time.
//!
//! The ruler (`Ruler` over the card in modes off, sampled and all) is timed
//! the same way; its overhead is against mode off. The crossover per AEAD is
//! the routing threshold on a power-of-two grid that sends the most sizes
//! to the engine whose seal throughput is higher there ([`crossover`]);
//! `--write-config` records it in driver/dispatch.toml, the dispatcher's
//! compiled-in defaults.
//!
//! `--card vfio` measures a real card through agilis-vfio's `VfioBus`, in
//! wall-clock time, the same way.

pub mod clock;
pub mod crossover;
pub mod meter;
mod report;
pub mod workload;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use agilis_driver::card::{Bus, CardInfo, KeyAlg};
use agilis_driver::dispatch::{AutoEngine, DispatchConfig, DispatchEvent};
use agilis_driver::ruler::{Alarm, Mode, Ruler};
use agilis_driver::{Direction, Engine, SoftwareEngine};
use serde::Serialize;

use clock::Clock;
use crossover::Point;
use meter::{BusCounts, CardMeter, MeteredCard};
use workload::{Aead, Batch, rates, reps_for, time_batches};

/// Which card to measure.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardKind {
    /// the Verilated card (agilis-verilator's SimBus), simulated cycles at the synthesized clock
    Sim,
    /// a real card bound to vfio-pci (agilis-vfio's VfioBus), wall-clock time
    Vfio,
}

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Simulated time is card time only: it has no PCIe latency (doorbell and other register round trips, interrupt delivery) \
and no host time of the driver (staging DMA buffers). The tables count the driver's register reads and writes and interrupt \
waits per batch, so that a latency of one's choice can be added. On a real card (--card vfio) every figure is wall time.

About 4-6 minutes on 2 vCPUs with the defaults, most of it simulating the card; --quick (fewer software runs, a coarser grid) saves little of that.

Example: cargo run --release -p agilis-bench --bin bench-harness -- offload --write-config")]
pub struct Args {
    /// The card: sim (Verilated top_mixed) or vfio (a real card through VFIO).
    #[arg(long, value_enum, default_value_t = CardKind::Sim)]
    pub card: CardKind,
    /// Fewer and shorter runs and a coarser crossover grid (a smoke run).
    #[arg(long)]
    pub quick: bool,
    /// Software runs per figure (median reported); default 7, 3 with --quick.
    #[arg(long, value_name = "N")]
    pub runs: Option<usize>,
    /// Runs per figure that involve the card (auto, ruler) for batches up to 256 KiB (larger: one run);
    /// default 3, 1 with --quick. The simulated card's own time is deterministic; the repeats steady the host part.
    #[arg(long, value_name = "N")]
    pub card_runs: Option<usize>,
    /// The card clock in MHz, instead of the one bench-harness/results/fpga.json supports.
    #[arg(long, value_name = "MHZ")]
    pub clock_mhz: Option<f64>,
    /// Seal only (no open figures).
    #[arg(long)]
    pub no_open: bool,
    /// Write the measured crossovers to driver/dispatch.toml (the dispatcher's compiled-in defaults).
    #[arg(long)]
    pub write_config: bool,
    /// Where to write the JSON (relative paths are taken from the workspace root).
    #[arg(long, default_value = "bench-harness/results/offload.json", value_name = "PATH")]
    pub json: PathBuf,
    /// The docs page.
    #[arg(long, default_value = "docs/offload.md", value_name = "PATH")]
    pub docs: PathBuf,
    /// Do not touch the docs.
    #[arg(long)]
    pub no_docs: bool,
}

/// The sizes of the throughput and ruler tables.
pub const SIZES: [usize; 4] = [64, 1024, 16 * 1024, 64 * 1024];
/// Associated data per job.
pub const AD_LEN: usize = 16;
/// The ruler's sampled modes.
pub const SAMPLED: [f64; 2] = [0.1, 0.5];
/// Batches up to this many message bytes get `Plan::card_runs` runs when
/// the card is involved; larger ones one run (their host part is long enough
/// to time once, and each run simulates millions of cycles).
pub const REPEAT_CARD_UP_TO: usize = 256 * 1024;
/// Seed of the ruler's sampling (reproducible counts of checks).
const RULER_SEED: u64 = 0x05ee_d0ff_10ad;

/// What one run measures.
#[derive(Debug, Clone)]
pub struct Plan {
    pub sizes: Vec<usize>,
    /// the crossover grid (must hold `sizes`)
    pub grid: Vec<usize>,
    pub batch_jobs: usize,
    pub runs: usize,
    pub card_runs: usize,
    /// messages per software run, at least
    pub run_bytes: usize,
    pub open: bool,
}

impl Plan {
    pub fn new(quick: bool, runs: Option<usize>, card_runs: Option<usize>, open: bool) -> Plan {
        let grid = if quick {
            (3..=8).map(|k| 1usize << (2 * k)).collect() // 64 B .. 64 KiB, x4
        } else {
            (4..=16).map(|k| 1usize << k).collect() // 16 B .. 64 KiB, x2
        };
        Plan {
            sizes: SIZES.to_vec(),
            grid,
            batch_jobs: DispatchConfig::default().max_batch,
            runs: runs.unwrap_or(if quick { 3 } else { 7 }).max(1),
            card_runs: card_runs.unwrap_or(if quick { 1 } else { 3 }).max(1),
            run_bytes: if quick { 1 << 20 } else { 4 << 20 },
            open,
        }
    }
}

impl Plan {
    /// Runs of a measurement that involves the card.
    fn card_runs_for(&self, batch: &Batch) -> usize {
        if batch.message_bytes() <= REPEAT_CARD_UP_TO { self.card_runs } else { 1 }
    }
}

/// One engine's figures for a batch.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub seconds_per_batch: f64,
    pub mb_per_s: f64,
    pub jobs_per_s: f64,
    pub runs: usize,
    /// batches per run
    pub reps: usize,
}

/// The card's figures for a batch.
#[derive(Debug, Clone, Serialize)]
pub struct CardFigure {
    /// card time only (simulated: cycles / clock)
    pub seconds_per_batch: f64,
    pub mb_per_s: f64,
    pub jobs_per_s: f64,
    /// bus ticks per batch: simulated cycles (sim) or nanoseconds (vfio)
    pub ticks: u64,
    pub bus: BusCounts,
    /// outputs compared with software's; a difference stops the run
    pub identical_to_software: bool,
}

/// The dispatcher's figures for a batch.
#[derive(Debug, Clone, Serialize)]
pub struct AutoFigure {
    pub seconds_per_batch: f64,
    pub mb_per_s: f64,
    pub jobs_per_s: f64,
    /// jobs per batch the card ran
    pub card_jobs: u64,
    /// jobs per batch software ran
    pub software_jobs: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub aead: Aead,
    pub size: usize,
    pub direction: &'static str,
    pub software: Figure,
    pub card: CardFigure,
    pub auto: AutoFigure,
}

#[derive(Debug, Clone, Serialize)]
pub struct RulerRow {
    pub aead: Aead,
    pub size: usize,
    /// "off", "sampled 0.1", "all"
    pub mode: String,
    pub jobs: u64,
    /// jobs the ruler checked against software
    pub checks: u64,
    pub seconds_per_batch: f64,
    pub mb_per_s: f64,
    pub jobs_per_s: f64,
    /// of these, card time per batch
    pub card_seconds_per_batch: f64,
    /// time over mode off's, in percent (0 for off)
    pub overhead_percent: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct GridRow {
    pub aead: Aead,
    pub size: usize,
    pub software_mb_per_s: f64,
    pub card_mb_per_s: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Crossover {
    pub aead: Aead,
    /// the routing threshold in bytes ([`crossover::crossover`]); None: never
    pub size: Option<usize>,
    /// grid sizes that threshold sends to the faster engine
    pub routed_right: usize,
    pub grid_sizes: usize,
    /// the smallest size at which the card is at least software; None: no size
    pub first_card_win: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CardSummary {
    /// "sim" or "vfio"
    pub kind: &'static str,
    /// the Verilated model, for sim
    pub model: Option<&'static str>,
    pub lanes: u32,
    pub ascon_lanes: u32,
    pub aes_lanes: u32,
    pub max_len: u32,
    pub key_slots: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub command: String,
    pub date_utc: String,
    pub machine: crate::report::inputs::Machine,
    /// /proc/loadavg's 1, 5 and 15-minute load averages when the run started and ended
    pub load_average: [String; 2],
    pub card: CardSummary,
    /// None on a real card (wall time)
    pub clock: Option<Clock>,
    pub time_model: String,
    pub batch_jobs: usize,
    pub ad_len: usize,
    pub software_runs: usize,
    pub card_runs: usize,
    /// card-involving batches up to this many bytes are repeated `card_runs` times
    pub repeat_card_up_to: usize,
    pub run_bytes: usize,
    pub grid: Vec<GridRow>,
    pub crossover: Vec<Crossover>,
    pub throughput: Vec<Row>,
    pub ruler: Vec<RulerRow>,
    pub limits: Vec<String>,
    /// driver/dispatch.toml as written (with --write-config)
    pub config_written: Option<String>,
}

fn summary(kind: CardKind, info: &CardInfo) -> CardSummary {
    CardSummary {
        kind: match kind {
            CardKind::Sim => "sim",
            CardKind::Vfio => "vfio",
        },
        model: (kind == CardKind::Sim).then_some(agilis_verilator::sim_bus::CARD_MODEL),
        lanes: info.lanes,
        ascon_lanes: info.lanes_of(KeyAlg::AsconAead128),
        aes_lanes: info.lanes_of(KeyAlg::Aes256Gcm),
        max_len: info.max_len,
        key_slots: info.key_slots,
    }
}

fn direction_name(d: Direction) -> &'static str {
    match d {
        Direction::Seal => "seal",
        Direction::Open => "open",
    }
}

fn figure(batch: &Batch, t: &workload::Timed) -> Figure {
    let (mb_per_s, jobs_per_s) = rates(batch, t.seconds);
    Figure {
        seconds_per_batch: t.seconds,
        mb_per_s,
        jobs_per_s,
        runs: t.runs,
        reps: t.reps,
    }
}

/// The card alone: card time per batch (simulated time excludes the host).
fn card_figure(card: &(impl Engine + CardMeter), batch: &Batch, direction: Direction, runs: usize) -> Result<CardFigure, String> {
    let t = time_batches(card, Some(card), batch, direction, runs, 1, false)?;
    let (mb_per_s, jobs_per_s) = rates(batch, t.card.card_seconds);
    Ok(CardFigure {
        seconds_per_batch: t.card.card_seconds,
        mb_per_s,
        jobs_per_s,
        ticks: t.card.ticks,
        bus: t.card.bus,
        identical_to_software: true,
    })
}

fn software_figure(software: &SoftwareEngine, batch: &Batch, direction: Direction, plan: &Plan) -> Result<Figure, String> {
    let t = time_batches(software, None, batch, direction, plan.runs, reps_for(batch, plan.run_bytes), true)?;
    Ok(figure(batch, &t))
}

fn mb(x: f64) -> String {
    format!("{x:.1} MB/s")
}

/// The whole measurement over an opened card. `command` is recorded as the
/// command that reproduces it. Writes nothing.
pub fn measure<B: Bus + 'static>(
    plan: &Plan,
    kind: CardKind,
    card: Arc<MeteredCard<B>>,
    clock: Option<Clock>,
    command: String,
) -> Result<Report, String> {
    let load_before = load_average();
    let info = card.info();
    for &size in plan.sizes.iter().chain(&plan.grid) {
        if size > info.max_len as usize {
            return Err(format!("the card takes messages of at most {} B (MAX_LEN); {size} B asked", info.max_len));
        }
    }
    if let Some(&missing) = plan.sizes.iter().find(|s| !plan.grid.contains(s)) {
        return Err(format!("size {missing} B is not on the crossover grid"));
    }
    let software = SoftwareEngine::new();
    let aeads: Vec<Aead> = Aead::ALL
        .into_iter()
        .filter(|a| KeyAlg::from_codepoint(a.codepoint()).is_some_and(|alg| info.lanes_of(alg) > 0))
        .collect();

    // 1. The grid: software and card seals, and the crossover.
    let mut grid = Vec::new();
    let mut crossovers = Vec::new();
    let mut seal_figures = Vec::new();
    for &aead in &aeads {
        let mut points = Vec::new();
        for &size in &plan.grid {
            let batch = Batch::new(aead, size, plan.batch_jobs, AD_LEN)?;
            let sw = software_figure(&software, &batch, Direction::Seal, plan)?;
            let cd = card_figure(card.as_ref(), &batch, Direction::Seal, 1)?;
            eprintln!(
                "[offload] {} {size} B seal: software {}, card {} ({} cycles/ticks per batch of {})",
                aead.name(),
                mb(sw.mb_per_s),
                mb(cd.mb_per_s),
                cd.ticks,
                plan.batch_jobs
            );
            points.push(Point { size, software: sw.mb_per_s, card: cd.mb_per_s });
            grid.push(GridRow { aead, size, software_mb_per_s: sw.mb_per_s, card_mb_per_s: cd.mb_per_s });
            if plan.sizes.contains(&size) {
                seal_figures.push((aead, size, sw, cd));
            }
        }
        let size = crossover::crossover(&points);
        eprintln!(
            "[offload] {} crossover: {}",
            aead.name(),
            size.map_or("never".into(), |s| format!("{s} B"))
        );
        crossovers.push(Crossover {
            aead,
            size,
            routed_right: crossover::routed_right(&points, size),
            grid_sizes: points.len(),
            first_card_win: crossover::first_card_win(&points),
        });
    }

    // 2. Software, card and auto at the table's sizes.
    let crossover_of = |aead: Aead| {
        crossovers.iter().find(|c| c.aead == aead).and_then(|c| c.size).unwrap_or(usize::MAX)
    };
    let measured = DispatchConfig {
        ascon_aead128_crossover: crossover_of(Aead::Ascon),
        aes_256_gcm_crossover: crossover_of(Aead::AesGcm),
        ..DispatchConfig::default()
    };
    // A simulated batch takes far longer in wall time than on the card:
    // the dispatcher's wall-clock deadline would demote the card.
    let auto_config = DispatchConfig {
        card_deadline: match kind {
            CardKind::Sim => agilis_verilator::sim_bus::SIM_DISPATCH_DEADLINE,
            CardKind::Vfio => measured.card_deadline,
        },
        ..measured.clone()
    };
    let events = Arc::new(AtomicU64::new(0));
    let seen = events.clone();
    let auto = AutoEngine::new(Some(card.clone() as Arc<dyn Engine>), auto_config).with_sink(Arc::new(
        move |e: &DispatchEvent| {
            seen.fetch_add(1, Ordering::Relaxed);
            eprintln!("[offload] dispatcher event: {e}");
        },
    ));
    let directions: Vec<Direction> = if plan.open { vec![Direction::Seal, Direction::Open] } else { vec![Direction::Seal] };
    let mut throughput = Vec::new();
    let mut ruler_rows = Vec::new();
    for &aead in &aeads {
        for &size in &plan.sizes {
            let batch = Batch::new(aead, size, plan.batch_jobs, AD_LEN)?;
            for &direction in &directions {
                let (sw, cd) = match seal_figures.iter().find(|f| f.0 == aead && f.1 == size && direction == Direction::Seal) {
                    Some((_, _, sw, cd)) => (sw.clone(), cd.clone()),
                    None => (
                        software_figure(&software, &batch, direction, plan)?,
                        card_figure(card.as_ref(), &batch, direction, 1)?,
                    ),
                };
                let before = auto.counts();
                let to_card = size >= measured.crossover(aead.codepoint());
                let (runs, reps) = if to_card { (plan.card_runs_for(&batch), 1) } else { (plan.runs, reps_for(&batch, plan.run_bytes)) };
                let t = time_batches(&auto, Some(card.as_ref()), &batch, direction, runs, reps, !to_card)?;
                let after = auto.counts();
                let batches = (after.jobs - before.jobs) / plan.batch_jobs as u64;
                let (mb_per_s, jobs_per_s) = rates(&batch, t.seconds);
                let row = Row {
                    aead,
                    size,
                    direction: direction_name(direction),
                    auto: AutoFigure {
                        seconds_per_batch: t.seconds,
                        mb_per_s,
                        jobs_per_s,
                        card_jobs: (after.card - before.card) / batches.max(1),
                        software_jobs: (after.software - before.software) / batches.max(1),
                    },
                    software: sw,
                    card: cd,
                };
                eprintln!(
                    "[offload] {} {size} B {}: software {}, card {}, auto {} (card {} / software {} jobs per batch)",
                    aead.name(),
                    row.direction,
                    mb(row.software.mb_per_s),
                    mb(row.card.mb_per_s),
                    mb(row.auto.mb_per_s),
                    row.auto.card_jobs,
                    row.auto.software_jobs
                );
                throughput.push(row);
            }
            ruler_rows.extend(ruler_figures(&card, &batch, plan)?);
        }
    }
    if events.load(Ordering::Relaxed) != 0 {
        return Err("the dispatcher reported card events (see above): the auto figures are not the card's".into());
    }
    Ok(Report {
        command,
        date_utc: crate::report::env::date_utc(crate::embedded::unix_time()),
        machine: crate::report::env::machine(),
        load_average: [load_before, load_average()],
        card: summary(kind, &info),
        time_model: match (&clock, kind) {
            (Some(c), CardKind::Sim) => format!(
                "card: simulated cycles of the batch at {:.1} MHz (doorbell to last completion, register accesses included; no PCIe latency, no host time of the driver); software: wall clock; auto and ruler: host wall time outside the card plus card time",
                c.mhz
            ),
            _ => "every figure is wall-clock time on this host, the card's included".into(),
        },
        clock,
        batch_jobs: plan.batch_jobs,
        ad_len: AD_LEN,
        software_runs: plan.runs,
        card_runs: plan.card_runs,
        repeat_card_up_to: REPEAT_CARD_UP_TO,
        run_bytes: plan.run_bytes,
        grid,
        crossover: crossovers,
        throughput,
        ruler: ruler_rows,
        limits: limits(kind),
        config_written: None,
    })
}

/// The 1, 5 and 15-minute load averages ("?" where /proc has none): the
/// software figures are wall clock on a machine others may be using.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "?".into())
}

/// The ruler over the card in every mode, at one size (seal).
fn ruler_figures<B: Bus + 'static>(card: &Arc<MeteredCard<B>>, batch: &Batch, plan: &Plan) -> Result<Vec<RulerRow>, String> {
    let mut modes = vec![("off".to_string(), Mode::Off)];
    modes.extend(SAMPLED.iter().map(|&p| (format!("sampled {p}"), Mode::Sampled(p))));
    modes.push(("all".to_string(), Mode::All));
    let mut rows: Vec<RulerRow> = Vec::new();
    for (name, mode) in modes {
        let alarms = Arc::new(AtomicU64::new(0));
        let seen = alarms.clone();
        let ruler = Ruler::with_seed(card.clone() as Arc<dyn Engine>, mode, RULER_SEED)
            .with_sink(Arc::new(move |a: &Alarm| {
                seen.fetch_add(1, Ordering::Relaxed);
                eprintln!("[offload] ruler alarm: {a}");
            }));
        let t = time_batches(&ruler, Some(card.as_ref()), batch, Direction::Seal, plan.card_runs_for(batch), 1, false)?;
        let counts = ruler.counts();
        if alarms.load(Ordering::Relaxed) != 0 || counts.mismatches != 0 {
            return Err(format!("{} {} B: the ruler caught the card disagreeing with software", batch.aead.name(), batch.size));
        }
        let (mb_per_s, jobs_per_s) = rates(batch, t.seconds);
        let off = rows.first().map_or(t.seconds, |r| r.seconds_per_batch);
        let row = RulerRow {
            aead: batch.aead,
            size: batch.size,
            mode: name,
            jobs: counts.jobs,
            checks: counts.checked,
            seconds_per_batch: t.seconds,
            mb_per_s,
            jobs_per_s,
            card_seconds_per_batch: t.card.card_seconds,
            overhead_percent: (t.seconds / off - 1.0) * 100.0,
        };
        eprintln!(
            "[offload] {} {} B ruler {}: {} ({} of {} jobs checked, {:+.1}% over off)",
            batch.aead.name(),
            batch.size,
            row.mode,
            mb(row.mb_per_s),
            row.checks,
            row.jobs,
            row.overhead_percent
        );
        rows.push(row);
    }
    Ok(rows)
}

fn limits(kind: CardKind) -> Vec<String> {
    let mut v = Vec::new();
    if kind == CardKind::Sim {
        v.push("Simulated card time has no PCIe latency: no doorbell or register round trips over the link, no interrupt delivery, no DMA latency of a host bridge. The MMIO columns give the driver's register reads (each a round trip on PCIe, typically 0.5-2 µs), writes (posted) and interrupt waits per batch, so a latency of one's choice can be added: card time + reads x read latency + waits x interrupt latency.".into());
        v.push("Card time leaves out the host side of the driver (copying jobs into DMA buffers and back, building descriptors), which a real card's wall time includes; the auto and ruler figures include it only as far as it runs outside the card engine.".into());
        v.push("The clock is an estimate: the fmax of synthesized lane arrays under the report's conservative delay model (no place and route), and the mixed configuration itself was not synthesized.".into());
        v.push("The simulated DMA memory answers like on-card memory: a real host's memory read latency over PCIe would slow each job's start.".into());
    }
    v.push("Each batch holds jobs of one AEAD, so it uses only that AEAD's lanes (two of the four on top_mixed).".into());
    v.push("Software figures are wall clock on a shared 2-vCPU VM: other load on the machine moves them; the median of several runs damps that but does not remove it.".into());
    v.push("The crossover compares seal throughput of full batches; a trickle of single jobs pays the card's per-batch cost each time.".into());
    v.push("Where the card and software are within a few tens of percent of each other, the crossover moves with the machine's load from run to run (the ratios beside it say how close the call was): read it as a band, and re-measure on the machine that will run the dispatcher.".into());
    v
}

/// Opens the card the options name, with its meter and clock.
fn run_on<B: Bus + 'static>(args: &Args, plan: &Plan, kind: CardKind, card: MeteredCard<B>, clock: Option<Clock>) -> Result<(), String> {
    let started = Instant::now();
    let command = format!(
        "cargo run --release -p agilis-bench --bin bench-harness -- {}",
        std::env::args().skip(1).collect::<Vec<_>>().join(" ")
    );
    if let Some(c) = &clock {
        eprintln!("[offload] card clock {:.1} MHz: {}", c.mhz, c.source);
    }
    let mut rep = measure(plan, kind, Arc::new(card), clock, command)?;
    let root = crate::fpga::workspace_root();
    if args.write_config {
        let config = DispatchConfig {
            ascon_aead128_crossover: crossover_size(&rep, Aead::Ascon),
            aes_256_gcm_crossover: crossover_size(&rep, Aead::AesGcm),
            ..DispatchConfig::default()
        };
        let text = crossover::config_text(&config, &report::config_header(&rep));
        DispatchConfig::parse(&text).map_err(|e| format!("the config to write does not parse: {e}"))?;
        let path = root.join("driver/dispatch.toml");
        std::fs::write(&path, &text).map_err(|e| format!("writing {}: {e}", path.display()))?;
        eprintln!("[offload] wrote {} (rebuild agilis-driver to compile it in)", path.display());
        rep.config_written = Some(text);
    }
    println!("{}", report::tables(&rep)?);
    let json_path = if args.json.is_absolute() { args.json.clone() } else { root.join(&args.json) };
    if let Some(dir) = json_path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    let json = serde_json::to_string_pretty(&rep).map_err(|e| format!("serializing the report: {e}"))?;
    std::fs::write(&json_path, json + "\n").map_err(|e| format!("writing {}: {e}", json_path.display()))?;
    eprintln!("[offload] wrote {}", json_path.display());
    if !args.no_docs {
        let docs = if args.docs.is_absolute() { args.docs.clone() } else { root.join(&args.docs) };
        std::fs::write(&docs, report::page(&rep)?).map_err(|e| format!("writing {}: {e}", docs.display()))?;
        eprintln!("[offload] wrote {}", docs.display());
    }
    eprintln!("[offload] total {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn crossover_size(rep: &Report, aead: Aead) -> usize {
    rep.crossover.iter().find(|c| c.aead == aead).and_then(|c| c.size).unwrap_or(usize::MAX)
}

/// The simulated card: `top_mixed` behind SimBus, cycles at `clock`.
pub fn simulated_card(clock: &Clock) -> Result<MeteredCard<agilis_verilator::sim_bus::SimBus>, String> {
    use agilis_verilator::sim_bus::{CARD_MODEL, SimBus};
    use agilis_verilator::top::TopModel;
    if agilis_verilator::model_names().next().is_none() {
        return Err("no Verilated models in this build (Verilator was not on PATH when agilis-verilator was built; apt-get install verilator, then cargo clean -p agilis-verilator)".into());
    }
    let model = TopModel::new(CARD_MODEL).map_err(|e| format!("building the {CARD_MODEL} model: {e}"))?;
    MeteredCard::open(SimBus::new(model), |bus: &mut SimBus| bus.model().cycles(), clock.hz())
        .map_err(|e| format!("opening the simulated card: {e}"))
}

/// The clock of the simulated card: `--clock-mhz`, else fpga.json's.
fn sim_clock(args: &Args) -> Result<Clock, String> {
    if let Some(mhz) = args.clock_mhz {
        if !(mhz.is_finite() && mhz > 0.0) {
            return Err(format!("--clock-mhz {mhz}: give a positive frequency"));
        }
        return Ok(Clock::given(mhz));
    }
    let rel = "bench-harness/results/fpga.json";
    let path = crate::fpga::workspace_root().join(rel);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!("cannot read {}: {e} (run `bench-harness fpga`, or give --clock-mhz)", path.display())
    })?;
    let fpga: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{rel} is not valid JSON: {e}"))?;
    // top_mixed's lanes (sim_bus::CARD_MODEL); checked against CAPS once the card is open.
    clock::card_clock(&fpga, rel, 2, 2)
}

pub fn run(args: &Args) -> Result<(), String> {
    let plan = Plan::new(args.quick, args.runs, args.card_runs, !args.no_open);
    match args.card {
        CardKind::Sim => {
            let clock = sim_clock(args)?;
            let card = simulated_card(&clock)?;
            let info = card.info();
            let (ascon, aes) = (info.lanes_of(KeyAlg::AsconAead128), info.lanes_of(KeyAlg::Aes256Gcm));
            if args.clock_mhz.is_none() && (ascon, aes) != (2, 2) {
                return Err(format!("the simulated card has {ascon} Ascon and {aes} AES lanes, not the 2 + 2 its clock was chosen for"));
            }
            run_on(args, &plan, CardKind::Sim, card, Some(clock))
        }
        CardKind::Vfio => {
            let bus = agilis_vfio::VfioBus::open(None).map_err(|e| format!("--card vfio: {e}"))?;
            let card = MeteredCard::open(bus, |bus: &mut agilis_vfio::VfioBus| bus.now().as_nanos() as u64, 1e9)
                .map_err(|e| format!("--card vfio: opening the card: {e}"))?;
            run_on(args, &plan, CardKind::Vfio, card, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tiny_run_on_the_simulated_card_measures_every_engine_and_checks_outputs() {
        if !agilis_verilator::models_or_skip("offload tiny run") {
            return;
        }
        let clock = Clock::given(100.0);
        let card = simulated_card(&clock).unwrap();
        let plan = Plan {
            sizes: vec![64, 1024],
            grid: vec![64, 1024],
            batch_jobs: 4,
            runs: 1,
            card_runs: 1,
            run_bytes: 1,
            open: true,
        };
        let rep = measure(&plan, CardKind::Sim, Arc::new(card), Some(clock), "test".into()).unwrap();
        assert_eq!(rep.grid.len(), 4, "2 AEADs x 2 sizes");
        assert_eq!(rep.throughput.len(), 8, "2 AEADs x 2 sizes x seal, open");
        assert_eq!(rep.ruler.len(), 16, "2 AEADs x 2 sizes x 4 modes");
        for row in &rep.throughput {
            assert!(row.card.ticks > 0 && row.card.mb_per_s > 0.0, "{row:?}");
            assert!(row.card.bus.mmio_reads > 0 && row.card.bus.mmio_writes > 0, "{row:?}");
            assert!(row.software.mb_per_s > 0.0 && row.auto.mb_per_s > 0.0);
            assert_eq!(row.auto.card_jobs + row.auto.software_jobs, 4);
            let to_card = row.size >= crossover_size(&rep, row.aead);
            assert_eq!(row.auto.card_jobs == 4, to_card, "{row:?} {:?}", rep.crossover);
        }
        // cycles at 100 MHz: 10 ns each
        let r = &rep.throughput[0];
        assert!((r.card.seconds_per_batch - r.card.ticks as f64 * 1e-8).abs() < 1e-12);
        for r in &rep.ruler {
            match r.mode.as_str() {
                "off" => assert_eq!((r.checks, r.overhead_percent), (0, 0.0)),
                "all" => assert_eq!(r.checks, r.jobs),
                _ => assert!(r.checks <= r.jobs),
            }
            assert!(r.card_seconds_per_batch > 0.0);
        }
        let tables = report::tables(&rep).unwrap();
        assert!(tables.contains("Ascon-AEAD128") && tables.contains("AES-256-GCM"), "{tables}");
        let page = report::page(&rep).unwrap();
        assert!(page.contains("100.0 MHz") && page.contains("PCIe"), "{page}");
    }

    #[test]
    fn the_plan_covers_the_issue_sizes_on_the_grid() {
        for quick in [false, true] {
            let plan = Plan::new(quick, None, None, true);
            assert!(plan.sizes.iter().all(|s| plan.grid.contains(s)));
            assert_eq!(plan.batch_jobs, DispatchConfig::default().max_batch);
        }
        let full = Plan::new(false, None, None, true);
        assert_eq!((full.grid[0], *full.grid.last().unwrap(), full.grid.len()), (16, 65536, 13));
    }
}

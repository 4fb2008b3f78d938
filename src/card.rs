//! `agilis card probe | load | selftest`: the card tooling of the lab.
//!
//! Real cards are reached through VFIO (`agilis-vfio`); `--sim` stands in the
//! Verilated card (`agilis-verilator`'s card model), so the register paths
//! run in CI too. Progress goes to stderr, results to stdout. The sysfs root
//! is `/` unless `AGILIS_SYSFS_ROOT` names another (tests use fake trees).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use agilis_driver::bitstream::{self, BitHeader};
use agilis_driver::card::{self, Bus, Card, CardInfo, SelftestReport};
use agilis_verilator::sim_bus::{CARD_MODEL, SimBus};
use agilis_verilator::top::TopModel;
use agilis_vfio::jtag::{self, DEFAULT_BOARD, DEFAULT_CABLE, JtagLoad};
use agilis_vfio::{CardLocation, Sysfs, VfioBus};
use clap::{Args, Subcommand};

use crate::{CliResult, Failure};

/// How long the card may take to reappear after the rescan, and then to be
/// ready for VFIO (udev creates its device node).
const REAPPEAR_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Subcommand)]
pub enum CardCommand {
    /// List the agilis cards (PCI 10ee:7024) and read their identification
    /// and capability registers.
    #[command(
        long_about = "List the agilis cards (PCI 10ee:7024) with their address, IOMMU group and \
driver, and read each VFIO-bound card's ID, version, register map hash and capabilities (lanes and \
their algorithms, key slots, longest job, ring size). A card that VFIO cannot open is listed with \
the reason and what to do.\n\nExit status: 0 when at least one card was read, 3 when none was found \
or none could be read."
    )]
    Probe(ProbeArgs),
    /// Load a bitstream over JTAG, rescan PCIe and confirm the card answers.
    #[command(
        long_about = "Load a bitstream into the card's FPGA over JTAG, in order:\n\
  1. read the .bit header (design, part, date, time);\n\
  2. refuse a bitstream built for another part than the board's (exit 2, nothing run);\n\
  3. load it with openFPGALoader (apt-get install openfpgaloader) into configuration RAM;\n\
  4. remove the card's PCI function, rescan the bus, wait for the card and bind it to vfio-pci;\n\
  5. read its ID and version registers through VFIO.\n\n\
Steps 4 and 5 need root (sysfs writes, /dev/vfio). The load lasts until power is removed; \
docs/lab-card.md explains the flash image for a persistent one.\n\n\
Exit status: 0 loaded and confirmed, 2 bad or wrong-part bitstream, 3 any later step failed."
    )]
    Load(LoadArgs),
    /// Run the built-in self-test and the official known answers through every lane.
    #[command(
        long_about = "Run the card's built-in self-test and, on every lane by itself, official \
known answers (Ascon-AEAD128 from the NIST LWC KAT file, AES-256-GCM from the GCM specification): \
each is sealed, opened, and opened with a tampered tag, which must fail. Prints one line per lane. \
The card stays usable: the self-test's key slot is cleared and the descriptor ring restarted.\n\n\
Exit status: 0 every lane passed, 1 a lane failed, 3 no card or the card failed as a whole."
    )]
    Selftest(SelftestArgs),
}

#[derive(Args)]
pub struct ProbeArgs {
    /// Probe the simulated card (the Verilated model) instead of real ones.
    #[arg(long)]
    sim: bool,
}

#[derive(Args)]
pub struct LoadArgs {
    /// The .bit file Vivado wrote (e.g. build/litefury/agilis_litefury.bit).
    #[arg(long)]
    bitstream: PathBuf,
    /// The board: litefury (xc7a100tfgg484) or nitefury (xc7a200tfbg484).
    #[arg(long, default_value = DEFAULT_BOARD)]
    board: String,
    /// The card's PCI address (e.g. 0000:03:00.0); needed with several cards.
    #[arg(long)]
    device: Option<String>,
    /// The JTAG cable, as openFPGALoader names it (`openFPGALoader --list-cables`).
    #[arg(long, default_value = DEFAULT_CABLE)]
    cable: String,
}

#[derive(Args)]
pub struct SelftestArgs {
    /// Test the simulated card (the Verilated model) instead of a real one.
    #[arg(long, conflicts_with = "device")]
    sim: bool,
    /// The card's PCI address (e.g. 0000:03:00.0); default: the first ready card.
    #[arg(long)]
    device: Option<String>,
}

pub fn run(c: CardCommand) -> CliResult {
    match c {
        CardCommand::Probe(a) => probe(a),
        CardCommand::Load(a) => load(a),
        CardCommand::Selftest(a) => selftest(a),
    }
}

/// The sysfs view: `/`, or `AGILIS_SYSFS_ROOT`.
pub(crate) fn sysfs() -> Sysfs {
    Sysfs::new(std::env::var_os("AGILIS_SYSFS_ROOT").unwrap_or_else(|| "/".into()))
}

/// The simulated card's bus.
pub(crate) fn sim_bus() -> Result<SimBus, Failure> {
    if agilis_verilator::model_names().next().is_none() {
        return Err(Failure::Other(
            "the simulated card is not in this build: Verilator was not on PATH when agilis-verilator was built \
(apt-get install verilator, then rebuild agilis)"
                .into(),
        ));
    }
    TopModel::new(CARD_MODEL).map(SimBus::new).map_err(|e| {
        Failure::Other(format!(
            "cannot start the simulated card ({CARD_MODEL}): {e}"
        ))
    })
}

fn probe(a: ProbeArgs) -> CliResult {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if a.sim {
        let mut bus = sim_bus()?;
        writeln!(out, "simulated card (Verilator model {CARD_MODEL})")?;
        let info = card::identify(&mut bus).map_err(|e| Failure::Other(e.to_string()))?;
        write_info(&mut out, &info)?;
        return Ok(());
    }
    let sysfs = sysfs();
    let cards = sysfs.cards().map_err(|e| Failure::Other(e.to_string()))?;
    if cards.is_empty() {
        return Err(Failure::Other(format!(
            "no agilis card (PCI 10ee:7024) found in {}. Check that the board is seated and powered, that a \
bitstream is loaded (`agilis card load --bitstream FILE`), and that the host rescanned PCIe (`lspci -d 10ee:7024`); \
docs/lab-card.md has the steps",
            sysfs.devices_dir().display()
        )));
    }
    let mut read = 0;
    for location in &cards {
        write_location(&mut out, location)?;
        let opened = sysfs
            .check(location)
            .map_err(agilis_vfio::OpenError::from)
            .and_then(VfioBus::open_ready);
        let result = match opened {
            Ok(mut bus) => card::identify(&mut bus).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match result {
            Ok(info) => {
                write_info(&mut out, &info)?;
                read += 1;
            }
            Err(e) => writeln!(out, "  not readable: {e}")?,
        }
    }
    out.flush()?;
    if read == 0 {
        return Err(Failure::Other(format!(
            "found {} agilis card(s), but none could be read through VFIO (reasons above)",
            cards.len()
        )));
    }
    Ok(())
}

fn write_location(out: &mut impl Write, c: &CardLocation) -> std::io::Result<()> {
    let group = c
        .iommu_group
        .map_or_else(|| "none".to_owned(), |g| g.to_string());
    let driver = c.function.driver.as_deref().unwrap_or("none");
    writeln!(
        out,
        "card {}  IOMMU group {group}  driver {driver}",
        c.function.address
    )
}

fn write_info(out: &mut impl Write, info: &CardInfo) -> std::io::Result<()> {
    let hash_note = if info.regmap_hash == agilis_regmap::REGMAP_HASH {
        "matches this build"
    } else {
        "differs from this build's"
    };
    let lanes: Vec<String> = (0..info.lanes)
        .map(|l| format!("{l} {}", info.lane_alg(l).name()))
        .collect();
    writeln!(
        out,
        "  ID           {:#010x} (agilis)",
        agilis_regmap::ID_MAGIC
    )?;
    writeln!(
        out,
        "  version      {} ({:#010x})",
        info.version_text(),
        info.version
    )?;
    writeln!(
        out,
        "  regmap hash  {:#010x} ({hash_note})",
        info.regmap_hash
    )?;
    writeln!(out, "  lanes        {}: {}", info.lanes, lanes.join(", "))?;
    writeln!(out, "  key slots    {}", info.key_slots)?;
    writeln!(
        out,
        "  max job      {} bytes of AD and {} bytes of message",
        info.max_len, info.max_len
    )?;
    writeln!(
        out,
        "  ring         up to {} descriptors",
        info.ring_max_entries
    )
}

/// A step of `card load`, announced on stderr.
fn step(n: u32, what: &str) {
    eprintln!("agilis card load: [{n}/5] {what}");
}

fn load(a: LoadArgs) -> CliResult {
    let board = jtag::board(&a.board).ok_or_else(|| {
        let names: Vec<&str> = jtag::BOARDS.iter().map(|b| b.name).collect();
        Failure::BadInput(format!(
            "unknown board `{}`; boards: {}",
            a.board,
            names.join(", ")
        ))
    })?;

    step(1, &format!("reading {}", a.bitstream.display()));
    let header = read_header(&a.bitstream)?;
    eprintln!(
        "  design {}, part {}, written {} {}{}, {} bytes of configuration data",
        header.design,
        header.part,
        header.date,
        header.time,
        header
            .tool_version
            .as_deref()
            .map(|v| format!(" by Vivado {v}"))
            .unwrap_or_default(),
        header.data_len
    );

    step(
        2,
        &format!(
            "checking the part against the {} ({})",
            board.name, board.part
        ),
    );
    bitstream::check_part(&header, board.part).map_err(|e| {
        Failure::BadInput(format!(
            "refusing to load {}: {e}; or pick the right --board ({}). Nothing was loaded",
            a.bitstream.display(),
            board.description
        ))
    })?;

    let jtag = JtagLoad::new(&a.bitstream, &a.cable);
    step(3, &format!("loading over JTAG: {}", jtag.command_line()));
    jtag.run(&mut std::io::stderr())
        .map_err(|e| Failure::Other(format!("JTAG load failed: {e}")))?;

    let sysfs = sysfs();
    step(4, "removing the card's PCI function and rescanning the bus");
    let rescan_failed = |e: agilis_vfio::RescanError| {
        Failure::Other(format!(
            "the bitstream is loaded, but the card is not ready: {e}"
        ))
    };
    let removed = sysfs
        .remove_and_rescan(a.device.as_deref())
        .map_err(rescan_failed)?;
    if let Some(address) = &removed {
        eprintln!("  removed {address}; rescanned");
    }
    let wanted = a.device.clone().or(removed);
    let location = sysfs
        .wait_for_card(wanted.as_deref(), REAPPEAR_TIMEOUT)
        .map_err(rescan_failed)?;
    let address = location.function.address.clone();
    eprintln!("  found {address}; binding it to vfio-pci");
    sysfs.bind_to_vfio(&location).map_err(rescan_failed)?;
    let ready = sysfs
        .wait_until_ready(&address, REAPPEAR_TIMEOUT)
        .map_err(rescan_failed)?;

    step(
        5,
        &format!("confirming the ID and version registers of {address} through VFIO"),
    );
    let confirm_failed = |e: String| {
        Failure::Other(format!(
            "the card {address} is enumerated but did not answer as an agilis card: {e}"
        ))
    };
    let mut bus = VfioBus::open_ready(ready).map_err(|e| confirm_failed(e.to_string()))?;
    let info = card::identify(&mut bus).map_err(|e| confirm_failed(e.to_string()))?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(
        out,
        "loaded {} into the {} at {address}",
        header.design, board.name
    )?;
    write_info(&mut out, &info)?;
    Ok(())
}

/// Reads and parses a .bit file; every problem is bad input (exit 2).
fn read_header(path: &Path) -> Result<BitHeader, Failure> {
    let bytes = std::fs::read(path).map_err(|e| {
        Failure::BadInput(format!("cannot read the bitstream {}: {e}", path.display()))
    })?;
    bitstream::parse(&bytes).map_err(|e| {
        Failure::BadInput(format!("{} is not a usable .bit file: {e}", path.display()))
    })
}

fn selftest(a: SelftestArgs) -> CliResult {
    if a.sim {
        eprintln!("agilis card selftest: simulated card (Verilator model {CARD_MODEL})");
        return run_selftest(sim_bus()?);
    }
    let bus = VfioBus::open_in(&sysfs(), a.device.as_deref())
        .map_err(|e| Failure::Other(format!("no card to test: {e}")))?;
    eprintln!(
        "agilis card selftest: card {}",
        bus.card().location.function.address
    );
    run_selftest(bus)
}

fn run_selftest<B: Bus>(bus: B) -> CliResult {
    let card_failed = |e: card::CardError| {
        Failure::Other(format!("the card failed the self-test as a whole: {e}"))
    };
    let mut card = Card::open(bus).map_err(card_failed)?;
    let report = card.selftest().map_err(card_failed)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    write_report(&mut out, &report)?;
    out.flush()?;
    if report.passed() {
        Ok(())
    } else {
        let failed = report.lanes.iter().filter(|l| !l.passed()).count();
        Err(Failure::Rejected(format!(
            "the self-test failed on {failed} of {} lane(s){}: do not use this card; reload the bitstream, and if it \
persists, the hardware is faulty",
            report.lanes.len(),
            if report.builtin_pass {
                ""
            } else {
                " (the built-in self-test failed too)"
            }
        )))
    }
}

fn write_report(out: &mut impl Write, report: &SelftestReport) -> std::io::Result<()> {
    writeln!(
        out,
        "lane  kind           built-in  KATs passed  KATs failed  result"
    )?;
    for l in &report.lanes {
        let verdict = |ok: bool| if ok { "pass" } else { "FAIL" };
        writeln!(
            out,
            "{:<4}  {:<13}  {:<8}  {:>11}  {:>11}  {}",
            l.lane,
            l.kind.name(),
            verdict(l.builtin_pass),
            l.kats_passed,
            l.kats_failed,
            verdict(l.passed())
        )?;
    }
    for l in &report.lanes {
        for f in &l.failures {
            writeln!(
                out,
                "lane {}: {} {}: {}",
                l.lane, f.source, f.step, f.detail
            )?;
        }
    }
    if report.reset_after_hang {
        writeln!(
            out,
            "a lane hung: the card was soft-reset (every key slot wiped)"
        )?;
    }
    writeln!(
        out,
        "self-test {}",
        if report.passed() { "passed" } else { "FAILED" }
    )
}

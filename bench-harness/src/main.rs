//! `bench-harness`: one command per target class, each printing a table with
//! progress on stderr and writing its figures as JSON.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod anchor;
mod embedded;
mod fpga;
mod handover;
mod offload;
mod report;

#[derive(Parser)]
#[command(
    name = "bench-harness",
    about = "agilis benchmarks beside the published figures (../shared/TARGETS.md)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Anchor server on loopback: handshakes/s and p50/p99 latency at 1..1000 clients, bulk Mbit/s per session
    Anchor(anchor::Args),
    /// FPGA: Yosys synth_xilinx (xc7) LUT/FF/depth, Verilator cycles, throughput per core and configuration
    Fpga(fpga::Args),
    /// 8-bit: ATmega328P at 16 MHz under simavr (cycle-exact): KATs, code size, RAM, cycles
    Avr(embedded::avr::Args),
    /// 32-bit: Cortex-M4 under QEMU (instruction counts, not cycles): KATs, AEADs, ML-KEM
    CortexM(embedded::cortex_m::Args),
    /// Vehicle handover: the SecCDV baseline (m = 15, 30; P-256) beside agilis, medians per phase, bytes on the air
    Handover(handover::Args),
    /// AEAD offload: software, the simulated card (cycles at the synthesized clock) and the dispatcher per message size, the ruler's cost, the crossover -> docs/offload.md, offload.json, --write-config: driver/dispatch.toml
    Offload(offload::Args),
    /// All targets in one report: host criterion, handshake, vehicle handover, AVR, Cortex-M4, FPGA -> docs/benchmarks.md, plots, report.json
    Report(report::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Anchor(args) => anchor::run(&args),
        Command::Fpga(args) => fpga::run(&args),
        Command::Avr(args) => embedded::avr::run(&args),
        Command::CortexM(args) => embedded::cortex_m::run(&args),
        Command::Handover(args) => handover::run(&args),
        Command::Offload(args) => offload::run(&args),
        Command::Report(args) => report::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench-harness: {message}");
            ExitCode::FAILURE
        }
    }
}

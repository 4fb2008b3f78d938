//! The FPGA report: rows, line-rate arithmetic, Markdown tables, and the
//! generated block of docs/hardware.md.

use super::cycles::{CycleCounts, POINTS};
use super::model::{self, DelayModel, PCIE_GEN2_X4_GBPS};
use super::{JobKind, SynthResult};
use serde::Serialize;
use std::fmt::Write as _;

/// The published figures of ../shared/TARGETS.md the report stands beside.
#[derive(Clone, Debug, Serialize)]
pub struct Published {
    pub nist_ascon_artix7_luts: u64,
    pub nist_ascon_artix7_mbps_16_16: f64,
    pub ascon_verilog: Vec<PublishedDesign>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PublishedDesign {
    pub name: &'static str,
    pub bus: u32,
    pub rounds_per_cycle: u32,
    pub cycles: [u64; 3],
}

pub fn published() -> Published {
    Published {
        nist_ascon_artix7_luts: 1790,
        nist_ascon_artix7_mbps_16_16: 538.3,
        ascon_verilog: vec![
            PublishedDesign { name: "ascon-verilog v1", bus: 32, rounds_per_cycle: 1, cycles: [41, 75, 2355] },
            PublishedDesign { name: "ascon-verilog v6", bus: 64, rounds_per_cycle: 4, cycles: [17, 29, 789] },
        ],
    }
}

/// Throughput at one (message, AD) point.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Throughput {
    pub msg_bytes: usize,
    pub ad_bytes: usize,
    pub cycles: u64,
    /// Message bits / (cycles / clock), Mb/s: the report's figure.
    pub mbps_msg: f64,
    /// (AD + message) bits / (cycles / clock), Mb/s: for sources that count AD.
    pub mbps_ad_msg: f64,
}

/// One core configuration.
#[derive(Clone, Debug, Serialize)]
pub struct CoreRow {
    pub synth: SynthResult,
    pub algorithm: &'static str,
    pub cycles: Option<CycleCounts>,
    /// At (16,16) and (1536,1536), at the estimated clock.
    pub throughput: Vec<Throughput>,
}

impl CoreRow {
    pub fn new(synth: SynthResult, cycles: Option<CycleCounts>, _model: &DelayModel) -> CoreRow {
        let algorithm = match synth.job.kind {
            JobKind::Ascon { .. } => "ascon",
            JobKind::Aes { .. } => "aes",
            JobKind::LaneArray { .. } => "lanes",
        };
        let f = synth.depth.fmax_mhz;
        let throughput = match &cycles {
            Some(c) => POINTS
                .iter()
                .zip(c.cycles.iter())
                .filter(|((m, a), _)| m + a > 0)
                .map(|(&(m, a), &cy)| Throughput {
                    msg_bytes: m,
                    ad_bytes: a,
                    cycles: cy,
                    mbps_msg: model::throughput_mbps(8 * m as u64, cy, f),
                    mbps_ad_msg: model::throughput_mbps(8 * (m + a) as u64, cy, f),
                })
                .collect(),
            None => vec![],
        };
        CoreRow { synth, algorithm, cycles, throughput }
    }

    pub fn at(&self, msg: usize, ad: usize) -> Option<&Throughput> {
        self.throughput.iter().find(|t| t.msg_bytes == msg && t.ad_bytes == ad)
    }

    /// Message bits per clock on long messages (1536,1536).
    pub fn bits_per_cycle_long(&self) -> Option<f64> {
        let c = self.cycles.as_ref()?;
        Some(8.0 * 1536.0 / c.cycles[2] as f64)
    }

    fn bus(&self) -> Option<u32> {
        match self.synth.job.kind {
            JobKind::Ascon { bus, .. } | JobKind::Aes { bus } => Some(bus),
            JobKind::LaneArray { .. } => None,
        }
    }
    fn rounds(&self) -> Option<u32> {
        match self.synth.job.kind {
            JobKind::Ascon { rounds_per_cycle, .. } => Some(rounds_per_cycle),
            _ => None,
        }
    }
}

/// Lanes of `row`'s core needed for PCIe Gen2 x4 at the core's own clock.
pub fn lanes_needed(row: &CoreRow) -> Option<u32> {
    lanes_needed_at(row, row.synth.depth.fmax_mhz)
}

/// Lanes of `row`'s core needed for PCIe Gen2 x4 with the core at `mhz`.
fn lanes_needed_at(row: &CoreRow, mhz: f64) -> Option<u32> {
    let bpc = row.bits_per_cycle_long()?;
    model::lanes_for(PCIE_GEN2_X4_GBPS, bpc * mhz)
}

/// The clock the lab card runs its lanes at by default: the PCIe bridge's
/// 128-bit user clock (docs/lab-card.md). A core faster than this gains
/// nothing inside the lane array.
pub const CARD_CLOCK_MHZ: f64 = 125.0;

/// The configuration of `algorithm` that reaches line rate with the fewest
/// LUTs, each core at min(its own clock, CARD_CLOCK_MHZ).
pub fn best_for_line_rate<'a>(cores: &'a [CoreRow], algorithm: &str) -> Option<&'a CoreRow> {
    cores
        .iter()
        .filter(|r| r.algorithm == algorithm && r.cycles.is_some())
        .filter_map(|r| {
            let n = lanes_needed_at(r, r.synth.depth.fmax_mhz.min(CARD_CLOCK_MHZ))?;
            Some((r, n as u64 * r.synth.resources.luts, n))
        })
        .min_by(|a, b| a.1.cmp(&b.1).then(a.2.cmp(&b.2)))
        .map(|(r, _, _)| r)
}

/// The most lanes agilis_top accepts (N_LANES 1..16).
pub const MAX_LANES: u32 = 16;

/// One lane array, synthesized or estimated.
#[derive(Clone, Debug, Serialize)]
pub struct LaneRow {
    pub name: String,
    pub algorithm: String,
    pub lanes: u32,
    /// "synthesized" (agilis_top through Yosys), "extrapolated" (linear fit
    /// over the synthesized lane counts) or "n_x_core" (N times the bare core).
    pub source: &'static str,
    pub luts: u64,
    pub ffs: u64,
    pub fmax_mhz: f64,
    pub critical_levels: Option<String>,
    /// The core configuration giving the per-lane cycles.
    pub lane_core: String,
    pub per_lane_mbps: f64,
    pub array_gbps: f64,
    /// 128-bit DMA at the array clock: the most the array can be fed.
    pub dma_gbps: f64,
    pub reaches_line_rate: bool,
    pub smallest_part: Option<&'static str>,
}

/// The lane count that reaches PCIe Gen2 x4 line rate, per algorithm.
#[derive(Clone, Debug, Serialize)]
pub struct LineRate {
    pub algorithm: String,
    pub lanes: u32,
    pub row: LaneRow,
}

#[derive(Clone, Debug, Serialize)]
pub struct Tools {
    pub yosys: String,
    pub verilator: String,
    pub bench_harness: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub command: String,
    pub date_utc: String,
    pub quick: bool,
    pub runtime_s: f64,
    /// The Yosys command the synthesis ran (also -noiopad -noclkbuf).
    pub synth_flow: String,
    pub tools: Tools,
    pub delay_model: DelayModel,
    pub fit_percent: u64,
    pub pcie_gen2_x4_gbps: f64,
    pub devices: Vec<model::Device>,
    pub published: Published,
    pub cores: Vec<CoreRow>,
    /// agilis_top synthesized at a few lane counts.
    pub lane_synth: Vec<SynthResult>,
    pub lane_arrays: Vec<LaneRow>,
    pub line_rate: Vec<LineRate>,
    /// Ascon configurations meeting the goal: >= 2 x 538.3 Mb/s at
    /// (16,16) (message bits) in <= 1790 LUTs.
    pub ascon_goal_met_by: Vec<String>,
}

pub struct Inputs {
    pub command: String,
    pub yosys: String,
    pub verilator: String,
    pub model: DelayModel,
    pub cores: Vec<CoreRow>,
    pub lane_synth: Vec<SynthResult>,
    pub runtime_s: f64,
    pub quick: bool,
    pub synth_flow: String,
}

fn lane_core<'a>(cores: &'a [CoreRow], algorithm: &str, rounds: u32) -> Option<&'a CoreRow> {
    let candidates: Vec<&CoreRow> = cores.iter().filter(|r| r.algorithm == algorithm && r.cycles.is_some()).collect();
    if algorithm == "ascon" {
        candidates
            .iter()
            .find(|r| r.rounds() == Some(rounds) && r.bus() == Some(128))
            .or_else(|| candidates.iter().find(|r| r.rounds() == Some(rounds)))
            .copied()
    } else {
        candidates.first().copied()
    }
}

#[allow(clippy::too_many_arguments)]
fn lane_row(
    name: String,
    algorithm: &str,
    lanes: u32,
    source: &'static str,
    luts: u64,
    ffs: u64,
    fmax: f64,
    levels: Option<String>,
    core: &CoreRow,
) -> LaneRow {
    let bpc = core.bits_per_cycle_long().unwrap_or(0.0);
    let per_lane_mbps = bpc * fmax;
    let array_gbps = lanes as f64 * per_lane_mbps / 1000.0;
    let dma_gbps = 128.0 * fmax / 1000.0;
    LaneRow {
        name,
        algorithm: algorithm.to_string(),
        lanes,
        source,
        luts,
        ffs,
        fmax_mhz: fmax,
        critical_levels: levels,
        lane_core: core.synth.job.name.clone(),
        per_lane_mbps,
        array_gbps,
        dma_gbps,
        reaches_line_rate: array_gbps.min(dma_gbps) >= PCIE_GEN2_X4_GBPS,
        smallest_part: model::smallest_fit(luts, ffs).map(|d| d.name),
    }
}

impl Report {
    pub fn build(inp: Inputs) -> Report {
        let mut lane_arrays = Vec::new();
        let mut line_rate = Vec::new();
        for algorithm in ["ascon", "aes"] {
            let measured: Vec<&SynthResult> =
                inp.lane_synth.iter().filter(|s| matches!(&s.job.kind, JobKind::LaneArray { algorithm: a, .. } if a == algorithm)).collect();
            let rounds = measured
                .iter()
                .find_map(|s| match s.job.kind {
                    JobKind::LaneArray { ascon_rounds_per_cycle, .. } => Some(ascon_rounds_per_cycle),
                    _ => None,
                })
                .unwrap_or(0);
            let core = if measured.is_empty() { best_for_line_rate(&inp.cores, algorithm) } else { lane_core(&inp.cores, algorithm, rounds) };
            let Some(core) = core else { continue };
            let mut rows: Vec<LaneRow> = measured
                .iter()
                .map(|s| {
                    let lanes = match s.job.kind {
                        JobKind::LaneArray { lanes, .. } => lanes,
                        _ => 0,
                    };
                    lane_row(
                        s.job.name.clone(),
                        algorithm,
                        lanes,
                        "synthesized",
                        s.resources.luts,
                        s.resources.ffs,
                        s.depth.fmax_mhz,
                        Some(s.depth.critical_levels.describe()),
                        core,
                    )
                })
                .collect();
            rows.sort_by_key(|r| r.lanes);
            // The line-rate point: the smallest synthesized array that
            // reaches it, else an extrapolation at the clock of the largest
            // synthesized array (or, with none, N x the bare core).
            let chosen = if let Some(r) = rows.iter().find(|r| r.reaches_line_rate) {
                Some(r.clone())
            } else if let Some(largest) = rows.last() {
                let f = largest.fmax_mhz;
                let bpc = core.bits_per_cycle_long().unwrap_or(0.0);
                model::lanes_for(PCIE_GEN2_X4_GBPS, bpc * f).map(|n| {
                    // Two or more synthesized arrays: least squares. One: its
                    // cost plus the bare core's for every further lane.
                    let fit = |pick: fn(&LaneRow) -> u64, per_lane: u64| {
                        if rows.len() >= 2 {
                            model::linear_fit(&rows.iter().map(|r| (r.lanes as f64, pick(r) as f64)).collect::<Vec<_>>())
                        } else {
                            let r = &rows[0];
                            (pick(r) as f64 - r.lanes as f64 * per_lane as f64, per_lane as f64)
                        }
                    };
                    let lut_fit = fit(|r| r.luts, core.synth.resources.luts);
                    let ff_fit = fit(|r| r.ffs, core.synth.resources.ffs);
                    let luts = (lut_fit.0 + lut_fit.1 * n as f64).ceil().max(0.0) as u64;
                    let ffs = (ff_fit.0 + ff_fit.1 * n as f64).ceil().max(0.0) as u64;
                    lane_row(format!("agilis_top_{algorithm}_x{n}"), algorithm, n, "extrapolated", luts, ffs, f, None, core)
                })
            } else {
                lanes_needed(core).map(|n| {
                    lane_row(
                        format!("{}_x{n}", core.synth.job.name),
                        algorithm,
                        n,
                        "n_x_core",
                        n as u64 * core.synth.resources.luts,
                        n as u64 * core.synth.resources.ffs,
                        core.synth.depth.fmax_mhz,
                        None,
                        core,
                    )
                })
            };
            if let Some(row) = chosen {
                if row.source != "synthesized" {
                    rows.push(row.clone());
                }
                line_rate.push(LineRate { algorithm: algorithm.to_string(), lanes: row.lanes, row });
            }
            lane_arrays.extend(rows);
        }
        let goal = 2.0 * published().nist_ascon_artix7_mbps_16_16;
        let ascon_goal_met_by = inp
            .cores
            .iter()
            .filter(|r| r.algorithm == "ascon" && r.synth.resources.luts <= 1790 && r.at(16, 16).is_some_and(|t| t.mbps_msg >= goal))
            .map(|r| r.synth.job.name.clone())
            .collect();
        Report {
            command: inp.command,
            date_utc: super::docs::today_utc(),
            quick: inp.quick,
            runtime_s: inp.runtime_s,
            synth_flow: inp.synth_flow,
            tools: Tools { yosys: inp.yosys, verilator: inp.verilator, bench_harness: env!("CARGO_PKG_VERSION").to_string() },
            delay_model: inp.model,
            fit_percent: model::FIT_PERCENT,
            pcie_gen2_x4_gbps: PCIE_GEN2_X4_GBPS,
            devices: model::ARTIX7_PARTS.to_vec(),
            published: published(),
            cores: inp.cores,
            lane_synth: inp.lane_synth,
            lane_arrays,
            line_rate,
            ascon_goal_met_by,
        }
    }

    /// The tables, as printed and as written into docs/hardware.md.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Produced by `{}` on {} (UTC) in {:.0} s{}.",
            self.command,
            self.date_utc,
            self.runtime_s,
            if self.quick { " (--quick: fewer configurations)" } else { "" }
        );
        let _ = writeln!(s, "Tools: {}; {}.", self.tools.yosys, self.tools.verilator);
        let figures: Vec<String> = self.delay_model.describe().iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(s, "Delay model `{}` (ns, MHz): {}.", self.delay_model.name, figures.join(", "));
        let _ = writeln!(s);
        let _ = writeln!(s, "#### Synthesis: `yosys {} -noiopad -noclkbuf` (out of context)", self.synth_flow);
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "| configuration | LUT | FF | CARRY4 | MUXF7/F8 | LUTRAM | BRAM36 | DSP | levels (critical path) | max levels | path (ns) | est. clock (MHz) | critical path: from -> to (pin) |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for r in &self.cores {
            synth_line(&mut s, &r.synth);
        }
        for r in &self.lane_synth {
            synth_line(&mut s, r);
        }
        if self.cores.iter().map(|c| &c.synth).chain(self.lane_synth.iter()).any(|r| r.fell_back) {
            let _ = writeln!(s);
            let _ = writeln!(
                s,
                "(abc): ABC9 crashed on this configuration (an assertion inside berkeley-abc); the row comes from the classic ABC mapping (`synth_xilinx` without -abc9)."
            );
        }
        let _ = writeln!(s);
        let _ = writeln!(s, "#### Cycles (Verilator, full-speed streams) and throughput at the estimated clock");
        let _ = writeln!(s);
        let _ = writeln!(s, "Throughput = message bits / (cycles / clock); the bracketed figure counts AD + message bits.");
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "| configuration | bus | rounds/cycle | cycles (0,0) | (16,16) | (1536,1536) | est. clock (MHz) | Mb/s at (16,16) | Mb/s at (1536,1536) |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|");
        for r in &self.cores {
            let (c0, c1, c2) = match &r.cycles {
                Some(c) => (c.cycles[0].to_string(), c.cycles[1].to_string(), c.cycles[2].to_string()),
                None => ("-".into(), "-".into(), "-".into()),
            };
            let t1 = r.at(16, 16).map(|t| format!("{:.1} [{:.1}]", t.mbps_msg, t.mbps_ad_msg)).unwrap_or_else(|| "-".into());
            let t2 = r.at(1536, 1536).map(|t| format!("{:.1} [{:.1}]", t.mbps_msg, t.mbps_ad_msg)).unwrap_or_else(|| "-".into());
            let rounds = r.rounds().map(|x| x.to_string()).unwrap_or_else(|| "1 AES round".into());
            let _ = writeln!(
                s,
                "| {} | {} | {} | {c0} | {c1} | {c2} | {:.0} | {t1} | {t2} |",
                r.synth.job.name,
                r.bus().unwrap_or(0),
                rounds,
                r.synth.depth.fmax_mhz
            );
        }
        let _ = writeln!(s);
        let _ = writeln!(s, "#### Beside the published figures (../shared/TARGETS.md)");
        let _ = writeln!(s);
        let p = &self.published;
        let _ = writeln!(s, "| design | bus | rounds/cycle | LUT | cycles (0,0) | (16,16) | (1536,1536) | Mb/s at (16,16) |");
        let _ = writeln!(s, "|---|---|---|---|---|---|---|---|");
        let _ = writeln!(s, "| NIST LWC table, Ascon on Artix-7 | | | {} | | | | {} |", p.nist_ascon_artix7_luts, p.nist_ascon_artix7_mbps_16_16);
        for d in &p.ascon_verilog {
            let _ = writeln!(
                s,
                "| {} (published) | {} | {} | | {} | {} | {} | |",
                d.name, d.bus, d.rounds_per_cycle, d.cycles[0], d.cycles[1], d.cycles[2]
            );
        }
        for r in self.cores.iter().filter(|r| r.algorithm == "ascon") {
            let (c0, c1, c2) = match &r.cycles {
                Some(c) => (c.cycles[0].to_string(), c.cycles[1].to_string(), c.cycles[2].to_string()),
                None => ("-".into(), "-".into(), "-".into()),
            };
            let t = r.at(16, 16).map(|t| format!("{:.1}", t.mbps_msg)).unwrap_or_else(|| "-".into());
            let _ = writeln!(
                s,
                "| agilis {} | {} | {} | {} | {c0} | {c1} | {c2} | {t} |",
                r.synth.job.name,
                r.bus().unwrap_or(0),
                r.rounds().unwrap_or(0),
                r.synth.resources.luts
            );
        }
        let _ = writeln!(s);
        let goal = 2.0 * p.nist_ascon_artix7_mbps_16_16;
        if self.ascon_goal_met_by.is_empty() {
            let _ = writeln!(
                s,
                "Goal (Ascon at (16,16) >= {goal:.1} Mb/s in <= {} LUT): **not met** by any configuration of this run.",
                p.nist_ascon_artix7_luts
            );
        } else {
            let _ = writeln!(
                s,
                "Goal (Ascon at (16,16) >= {goal:.1} Mb/s in <= {} LUT): **met** by {}.",
                p.nist_ascon_artix7_luts,
                self.ascon_goal_met_by.join(", ")
            );
        }
        let _ = writeln!(s);
        let _ = writeln!(s, "#### Lane arrays against PCIe Gen2 x4 ({:.0} Gb/s raw per direction)", self.pcie_gen2_x4_gbps);
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "Per-lane throughput is the (1536,1536) message rate of the lane's core at the array's estimated clock; the array is also bounded by its 128-bit DMA (128 bits x clock). Parts: the smallest Artix-7 whose LUTs and FFs, x {} %, hold the array.",
            self.fit_percent
        );
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "| array | lanes | source | lane core | LUT | FF | est. clock (MHz) | per lane (Mb/s) | array (Gb/s) | DMA (Gb/s) | >= line rate | smallest part |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|---|---|");
        for r in &self.lane_arrays {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {:.0} | {:.1} | {:.2} | {:.2} | {} | {} |",
                r.name,
                r.lanes,
                source_text(r.source),
                r.lane_core,
                r.luts,
                r.ffs,
                r.fmax_mhz,
                r.per_lane_mbps,
                r.array_gbps,
                r.dma_gbps,
                if r.reaches_line_rate { "yes" } else { "no" },
                r.smallest_part.unwrap_or("none (> xc7a200t)")
            );
        }
        let _ = writeln!(s);
        for l in &self.line_rate {
            let name = if l.algorithm == "ascon" { "Ascon-AEAD128" } else { "AES-256-GCM" };
            let r = &l.row;
            let part = r.smallest_part.unwrap_or("none (more than 70 % of an xc7a200t)");
            let lanes_note = if r.lanes > MAX_LANES { format!(" (more than the {MAX_LANES} lanes agilis_top supports)") } else { String::new() };
            if r.reaches_line_rate {
                let _ = writeln!(
                    s,
                    "- **{name}** reaches line rate with **{} lanes**{lanes_note} of `{}` ({}): {} LUT, {} FF at {:.0} MHz, {:.2} Gb/s; smallest part: {part}.",
                    r.lanes,
                    r.lane_core,
                    source_text(r.source),
                    r.luts,
                    r.ffs,
                    r.fmax_mhz,
                    r.array_gbps.min(r.dma_gbps)
                );
            } else {
                let _ = writeln!(
                    s,
                    "- **{name}** does **not** reach line rate at the estimated clock: {} lanes{lanes_note} of `{}` ({}) would compute {:.2} Gb/s ({} LUT, {} FF; smallest part: {part}), but the 128-bit DMA at {:.0} MHz carries only {:.2} Gb/s; it needs {:.0} MHz.",
                    r.lanes,
                    r.lane_core,
                    source_text(r.source),
                    r.array_gbps,
                    r.luts,
                    r.ffs,
                    r.fmax_mhz,
                    r.dma_gbps,
                    PCIE_GEN2_X4_GBPS * 1000.0 / 128.0
                );
            }
        }
        s
    }
}

fn source_text(source: &str) -> &'static str {
    match source {
        "synthesized" => "synthesized",
        "extrapolated" => "extrapolated (linear in N)",
        _ => "N x bare core",
    }
}

fn synth_line(s: &mut String, r: &SynthResult) {
    let res = &r.resources;
    let d = &r.depth;
    let _ = writeln!(
        s,
        "| {}{} | {} | {} | {} | {}/{} | {} | {} | {} | {} | {} | {:.2} | {:.0}{} | `{}` -> `{}` |",
        r.job.name,
        if r.fell_back { " (abc)" } else { "" },
        res.luts,
        res.ffs,
        res.carry4,
        res.muxf7,
        res.muxf8,
        res.lutram,
        res.bram36,
        res.dsp,
        d.critical_levels.describe(),
        d.max_levels,
        d.critical_ns,
        d.fmax_mhz,
        if d.capped { " (cap)" } else { "" },
        d.start,
        d.end
    );
}

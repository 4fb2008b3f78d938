//! The per-level delay model, the Artix-7 device table and the throughput
//! arithmetic of the FPGA report. Pure functions: the tests in
//! `tests/fpga_model.rs` check them on known numbers.
//!
//! # Where the numbers come from
//!
//! Every delay is in nanoseconds, rounded *up* from the figures below so that
//! the clock this model gives is one Vivado should meet or beat:
//!
//! * **Vivado on the LiteFury's own part.** A routed Vivado 2025.2 timing
//!   report for an xc7a100t-fgg484 at speed file -2 (the RHS Research
//!   LiteFury, the lab card of `docs/lab-card.md`), published in
//!   github.com/hdlguy/litefury_pcie, `x4_pcie/implement/results/timing.rpt`:
//!   FDRE clock-to-Q 0.379-0.433, LUT1/LUT3 0.105-0.122, CARRY4 S->CO[3]
//!   0.440, CI->CO[3] 0.098, CI->O[1] 0.265, routed nets 0.395 (fanout 1,
//!   neighbour slice) to 1.118 (fanout 4, ten rows away), FDRE setup -0.059
//!   to 0.210, clock uncertainty 0.035-0.071.
//! * **prjxray-db, artix7 (speed grade -1)**, as quoted in the `specify`
//!   blocks of Yosys 0.23's `share/yosys/xilinx/cells_sim.v`: MUXF7 I->O
//!   0.217-0.223 and S->O 0.296, MUXF8 0.094-0.104 and S->O 0.273, FDRE R/CE
//!   setup 0.404/0.109, SRL clock-to-Q 1.472 and address->Q 0.631, BRAM
//!   clock-to-DO 2.454 (no output register), BRAM DI setup 0.737.
//! * **Clock tree ceiling.** 7-series FMAX_BUFG is 464 MHz at speed grade
//!   -1 and 628 MHz at -2 (DS189, Spartan-7, Table 32; same 28 nm fabric and
//!   clock tree as Artix-7). The model never reports more than the -1 figure.
//!
//! The net delay grows with fanout: `net_base + net_per_fanout_doubling *
//! ceil(log2(fanout))`, capped at `net_max`: 0.50 ns for a fanout-1 net, 0.70
//! at fanout 4, 1.10 at fanout 64, 1.40 from fanout 512 on. Vivado's
//! placer and its fanout replication usually do better; the model does not
//! count on them.

/// Delays in ns of one technology, per logic level and per endpoint.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DelayModel {
    /// A short name for tables.
    pub name: &'static str,
    /// Flip-flop clock-to-Q (FD*), also the arrival of a module input port
    /// (ports are taken as registered outside the module).
    pub t_cko: f64,
    /// One LUT (LUT1..LUT6, INV), any input to O.
    pub t_lut: f64,
    /// MUXF7 / MUXF8, data or select input to O.
    pub t_muxf: f64,
    /// CARRY4 entered from S, DI or CYINIT, to any output.
    pub t_carry_first: f64,
    /// CARRY4 CI to CO[3] (the ripple to the next CARRY4).
    pub t_carry_ci_co: f64,
    /// CARRY4 CI to O[0..3] or CO[0..2].
    pub t_carry_ci_o: f64,
    /// LUT RAM / SRL: address input to data output.
    pub t_lutram_addr: f64,
    /// LUT RAM / SRL: clock to data output.
    pub t_lutram_cko: f64,
    /// Block RAM clock to DO (no output register).
    pub t_bram_cko: f64,
    /// DSP48E1: clock to output, and input setup (coarse: the cores use no DSP).
    pub t_dsp: f64,
    /// Any cell type the model does not know: input to output.
    pub t_unknown: f64,
    /// General routing: base delay of a net of fanout 1.
    pub net_base: f64,
    /// General routing: added per doubling of the fanout.
    pub net_per_fanout_doubling: f64,
    /// General routing: the largest net delay.
    pub net_max: f64,
    /// Setup of a flip-flop D input (and of a module output port).
    pub t_setup_d: f64,
    /// Setup of a flip-flop CE input.
    pub t_setup_ce: f64,
    /// Setup (or recovery) of a flip-flop R/S/CLR/PRE input.
    pub t_setup_sr: f64,
    /// Setup of block RAM / LUT RAM inputs.
    pub t_setup_ram: f64,
    /// Clock uncertainty and skew, added to every path.
    pub t_clock: f64,
    /// The highest clock reported (the global clock tree's limit).
    pub fmax_cap_mhz: f64,
}

impl DelayModel {
    /// Artix-7, conservative (see the module documentation for the sources).
    pub const ARTIX7: DelayModel = DelayModel {
        name: "artix7-conservative",
        t_cko: 0.45,
        t_lut: 0.15,
        t_muxf: 0.30,
        t_carry_first: 0.45,
        t_carry_ci_co: 0.11,
        t_carry_ci_o: 0.27,
        t_lutram_addr: 0.64,
        t_lutram_cko: 1.48,
        t_bram_cko: 2.46,
        t_dsp: 3.00,
        t_unknown: 1.00,
        net_base: 0.50,
        net_per_fanout_doubling: 0.10,
        net_max: 1.40,
        t_setup_d: 0.10,
        t_setup_ce: 0.20,
        t_setup_sr: 0.45,
        t_setup_ram: 0.74,
        t_clock: 0.10,
        fmax_cap_mhz: 464.0,
    };

    /// Delay of a general-routing net with `fanout` sinks.
    pub fn net(&self, fanout: usize) -> f64 {
        let doublings = ceil_log2(fanout.max(1)) as f64;
        (self.net_base + self.net_per_fanout_doubling * doublings).min(self.net_max)
    }

    /// The clock a register-to-register path of `path_ns` (clock-to-out,
    /// logic, nets and setup included; the clock term is added here)
    /// supports, in MHz, and whether the clock-tree cap bound it.
    pub fn fmax_mhz(&self, path_ns: f64) -> (f64, bool) {
        let period = path_ns + self.t_clock;
        let raw = 1000.0 / period;
        if raw > self.fmax_cap_mhz { (self.fmax_cap_mhz, true) } else { (raw, false) }
    }

    /// One line per figure, for the report and the JSON.
    pub fn describe(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("t_cko", self.t_cko),
            ("t_lut", self.t_lut),
            ("t_muxf", self.t_muxf),
            ("t_carry_first", self.t_carry_first),
            ("t_carry_ci_co", self.t_carry_ci_co),
            ("t_carry_ci_o", self.t_carry_ci_o),
            ("t_lutram_addr", self.t_lutram_addr),
            ("t_lutram_cko", self.t_lutram_cko),
            ("t_bram_cko", self.t_bram_cko),
            ("t_dsp", self.t_dsp),
            ("t_unknown", self.t_unknown),
            ("net_base", self.net_base),
            ("net_per_fanout_doubling", self.net_per_fanout_doubling),
            ("net_max", self.net_max),
            ("t_setup_d", self.t_setup_d),
            ("t_setup_ce", self.t_setup_ce),
            ("t_setup_sr", self.t_setup_sr),
            ("t_setup_ram", self.t_setup_ram),
            ("t_clock", self.t_clock),
            ("fmax_cap_mhz", self.fmax_cap_mhz),
        ]
    }
}

/// ceil(log2(n)) for n >= 1.
pub fn ceil_log2(n: usize) -> u32 {
    if n <= 1 { 0 } else { usize::BITS - (n - 1).leading_zeros() }
}

/// Throughput in Mb/s of `bits` processed in `cycles` clocks at `f_mhz`:
/// bits / (cycles / f).
pub fn throughput_mbps(bits: u64, cycles: u64, f_mhz: f64) -> f64 {
    if cycles == 0 {
        return 0.0;
    }
    bits as f64 * f_mhz / cycles as f64
}

/// Raw PCIe Gen2 x4 rate per direction: 4 lanes x 5 GT/s x 8b/10b.
pub const PCIE_GEN2_X4_GBPS: f64 = 4.0 * 5.0 * 8.0 / 10.0;

/// The smallest number of lanes of `per_lane_mbps` each that reaches
/// `target_gbps` (at least 1).
pub fn lanes_for(target_gbps: f64, per_lane_mbps: f64) -> Option<u32> {
    if per_lane_mbps <= 0.0 || !per_lane_mbps.is_finite() {
        return None;
    }
    let n = (target_gbps * 1000.0 / per_lane_mbps).ceil();
    if n > 4096.0 { None } else { Some((n as u32).max(1)) }
}

/// One Artix-7 part (7 Series FPGAs Data Sheet: Overview, DS180, Table 4
/// "Artix-7 FPGA Feature Summary by Device": 4 LUTs and 8 flip-flops per
/// slice).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Device {
    pub name: &'static str,
    pub slices: u32,
    pub luts: u32,
    pub ffs: u32,
    pub bram36: u32,
    pub dsp: u32,
}

const fn part(name: &'static str, slices: u32, bram36: u32, dsp: u32) -> Device {
    Device { name, slices, luts: slices * 4, ffs: slices * 8, bram36, dsp }
}

/// The Artix-7 parts with a PCIe Gen2 block, smallest first.
pub const ARTIX7_PARTS: &[Device] = &[
    part("xc7a35t", 5_200, 50, 90),
    part("xc7a50t", 8_150, 75, 120),
    part("xc7a75t", 11_800, 105, 180),
    part("xc7a100t", 15_850, 135, 240),
    part("xc7a200t", 33_650, 365, 740),
];

/// The share of a part's LUTs and flip-flops the lane array may take; the
/// rest is left to the PCIe bridge, the AXI converters and routing slack.
/// A rule of thumb, not a vendor figure: the lab build's utilization report
/// is the real answer.
pub const FIT_PERCENT: u64 = 70;

/// The smallest Artix-7 part whose LUTs and flip-flops, times
/// [`FIT_PERCENT`] %, hold `luts` and `ffs`.
pub fn smallest_fit(luts: u64, ffs: u64) -> Option<&'static Device> {
    ARTIX7_PARTS.iter().find(|d| luts * 100 <= u64::from(d.luts) * FIT_PERCENT && ffs * 100 <= u64::from(d.ffs) * FIT_PERCENT)
}

/// Least-squares line through (n, y); with one point, through the origin.
pub fn linear_fit(points: &[(f64, f64)]) -> (f64, f64) {
    match points.len() {
        0 => (0.0, 0.0),
        1 => (0.0, points[0].1 / points[0].0),
        _ => {
            let n = points.len() as f64;
            let sx: f64 = points.iter().map(|p| p.0).sum();
            let sy: f64 = points.iter().map(|p| p.1).sum();
            let sxx: f64 = points.iter().map(|p| p.0 * p.0).sum();
            let sxy: f64 = points.iter().map(|p| p.0 * p.1).sum();
            let denom = n * sxx - sx * sx;
            if denom.abs() < 1e-12 {
                return (0.0, sy / sx);
            }
            let b = (n * sxy - sx * sy) / denom;
            let a = (sy - b * sx) / n;
            (a, b)
        }
    }
}

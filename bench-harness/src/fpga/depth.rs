//! Logic depth and the critical register-to-register path of a mapped Xilinx
//! 7-series netlist (Yosys `write_json` after `synth_xilinx -flatten`), under
//! the per-level [`DelayModel`].
//!
//! This is our own longest-path analysis, not Yosys's `ltp` or `sta`: `ltp
//! -noff` does not recognise the mapped FD* primitives as registers, and
//! `sta` needs timing models for every cell. The analysis:
//!
//! * **Start points**: flip-flop (FD*, LD*) outputs at `t_cko`; module input
//!   ports at `t_cko` too (a core's ports are driven by registers of the
//!   lane around it); LUT RAM/SRL outputs at `t_lutram_cko`; block RAM at
//!   `t_bram_cko`; DSP at `t_dsp`.
//! * **Levels**: every LUT (LUT1-LUT6, INV), MUXF7/MUXF8 and CARRY4 on the
//!   path is one logic level, as Vivado counts "Logic Levels". A LUT RAM read
//!   is one level as well.
//! * **Nets**: an edge through general routing costs [`DelayModel::net`] of
//!   the driving net's fanout. Dedicated wires cost nothing: LUT to MUXF7
//!   data input, MUXF7 to MUXF8 data input, CARRY4 CO[3] to the next CI, and
//!   a LUT into CARRY4 S/DI (Vivado packs both into one slice).
//! * **End points**: flip-flop D/CE/R/S inputs (with their setup), RAM and
//!   DSP inputs, module output ports (a register of the lane captures them).
//!   Clock pins are not data end points.
//!
//! The clock estimate is `1 / (critical path + t_clock)`, capped at
//! `fmax_cap_mhz` (see [`DelayModel::fmax_mhz`]).

use super::model::DelayModel;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One bit of a Yosys JSON connection: a net number or a constant.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Bit {
    Net(usize),
    Const(#[allow(dead_code)] String),
}

#[derive(Debug, Deserialize)]
pub struct JsonNetlist {
    pub modules: HashMap<String, JsonModule>,
}

#[derive(Debug, Deserialize)]
pub struct JsonModule {
    #[serde(default)]
    pub attributes: HashMap<String, serde_json::Value>,
    #[serde(default)]
    pub ports: HashMap<String, JsonPort>,
    #[serde(default)]
    pub cells: HashMap<String, JsonCell>,
    #[serde(default)]
    pub netnames: HashMap<String, JsonNetName>,
}

#[derive(Debug, Deserialize)]
pub struct JsonNetName {
    #[serde(default)]
    pub hide_name: u8,
    pub bits: Vec<Bit>,
}

#[derive(Debug, Deserialize)]
pub struct JsonPort {
    pub direction: String,
    pub bits: Vec<Bit>,
}

#[derive(Debug, Deserialize)]
pub struct JsonCell {
    #[serde(rename = "type")]
    pub cell_type: String,
    #[serde(default)]
    pub port_directions: HashMap<String, String>,
    #[serde(default)]
    pub connections: HashMap<String, Vec<Bit>>,
}

/// What the analysis found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DepthReport {
    /// The slowest register-to-register path: clock-to-out, logic, nets and
    /// setup, in ns (the clock term of the model not included).
    pub critical_ns: f64,
    /// The clock that path supports under the model, in MHz (capped).
    pub fmax_mhz: f64,
    /// True when the clock-tree cap, not the path, set `fmax_mhz`.
    pub capped: bool,
    /// Logic levels on the critical path, by kind.
    pub critical_levels: Levels,
    /// The deepest path by level count alone (Vivado's "Logic Levels").
    pub max_levels: u32,
    /// Where the critical path starts and ends (cell or port names).
    pub start: String,
    pub end: String,
    /// Cells whose type the model does not know (costed at `t_unknown`).
    pub unknown_cells: Vec<String>,
    pub cells: usize,
    /// The critical path from its end back to its start, one net a line
    /// (name or driving cell, fanout, arrival): what `--analyse` prints.
    #[serde(skip)]
    pub path: Vec<String>,
    /// The slowest end points, one per register (bit indices dropped),
    /// slowest first: what `--analyse` prints after the path.
    #[serde(skip)]
    pub slowest_ends: Vec<String>,
}

/// Logic levels of one path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Levels {
    pub lut: u32,
    pub muxf: u32,
    pub carry: u32,
    pub lutram: u32,
    pub other: u32,
}

impl Levels {
    pub fn total(&self) -> u32 {
        self.lut + self.muxf + self.carry + self.lutram + self.other
    }
    /// "7 (LUT=5 MUXF=1 CARRY4=1)"
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (n, name) in [(self.lut, "LUT"), (self.muxf, "MUXF"), (self.carry, "CARRY4"), (self.lutram, "LUTRAM"), (self.other, "other")] {
            if n > 0 {
                parts.push(format!("{name}={n}"));
            }
        }
        format!("{} ({})", self.total(), parts.join(" "))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Lut,
    MuxF7,
    MuxF8,
    Carry4,
    Ff,
    LutRam,
    Bram,
    Dsp,
    Const,
    Other,
}

fn kind(cell_type: &str) -> Kind {
    match cell_type {
        "LUT1" | "LUT2" | "LUT3" | "LUT4" | "LUT5" | "LUT6" | "LUT6_2" | "INV" => Kind::Lut,
        "MUXF7" => Kind::MuxF7,
        "MUXF8" => Kind::MuxF8,
        "CARRY4" => Kind::Carry4,
        "RAMB18E1" | "RAMB36E1" => Kind::Bram,
        "DSP48E1" => Kind::Dsp,
        "GND" | "VCC" => Kind::Const,
        t if t.starts_with("FD") || t.starts_with("LD") => Kind::Ff,
        t if super::stat::is_lutram(t) => Kind::LutRam,
        _ => Kind::Other,
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Lut => "LUT",
        Kind::MuxF7 => "MUXF7",
        Kind::MuxF8 => "MUXF8",
        Kind::Carry4 => "CARRY4",
        Kind::Ff => "FF",
        Kind::LutRam => "LUTRAM",
        Kind::Bram => "BRAM",
        Kind::Dsp => "DSP",
        Kind::Const => "const",
        Kind::Other => "cell",
    }
}

fn is_clock_pin(pin: &str) -> bool {
    matches!(pin, "C" | "CLK" | "WCLK" | "G" | "CLKARDCLK" | "CLKBWRCLK")
}

/// LUT RAM / SRL pins that address the read port (combinational to the output).
fn is_lutram_addr_pin(pin: &str) -> bool {
    pin.starts_with("ADDR")
        || pin.starts_with("DPRA")
        || pin.starts_with('A') && pin.len() <= 3 && pin[1..].chars().all(|c| c.is_ascii_digit())
        || pin == "A"
}

/// A readable name per net bit: the shortest visible net name, "name[i]".
fn net_names(module: &JsonModule, nets: usize) -> Vec<Option<String>> {
    let mut names: Vec<Option<String>> = vec![None; nets];
    let mut entries: Vec<(&String, &JsonNetName)> = module.netnames.iter().filter(|(_, n)| n.hide_name == 0).collect();
    entries.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then(a.0.cmp(b.0)));
    for (name, n) in entries {
        let wide = n.bits.len() > 1;
        for (i, b) in n.bits.iter().enumerate() {
            if let Bit::Net(x) = b
                && *x < nets
                && names[*x].is_none()
            {
                names[*x] = Some(if wide { format!("{name}[{i}]") } else { name.clone() });
            }
        }
    }
    names
}

/// A cell input that waits for a net.
#[derive(Clone, Copy, Debug)]
struct PinRef {
    cell: usize,
}

/// Analyses a Yosys JSON netlist (the text of `write_json`).
pub fn analyse_json(json: &str, model: &DelayModel) -> Result<DepthReport, String> {
    let netlist: JsonNetlist = serde_json::from_str(json).map_err(|e| format!("netlist JSON: {e}"))?;
    analyse(&netlist, model)
}

/// Analyses the top module of a parsed netlist (the module with the `top`
/// attribute, else the only module with cells).
pub fn analyse(netlist: &JsonNetlist, model: &DelayModel) -> Result<DepthReport, String> {
    let top = netlist
        .modules
        .iter()
        .find(|(_, m)| m.attributes.contains_key("top"))
        .or_else(|| {
            let with_cells: Vec<_> = netlist.modules.iter().filter(|(_, m)| !m.cells.is_empty()).collect();
            if with_cells.len() == 1 { Some(with_cells[0]) } else { None }
        })
        .map(|(_, m)| m)
        .ok_or_else(|| "netlist has no top module (flatten the design first)".to_string())?;
    let is_user_module = |m: &JsonModule| !["blackbox", "whitebox", "lib_whitebox"].iter().any(|a| m.attributes.contains_key(*a));
    if let Some(sub) = top.cells.values().find(|c| netlist.modules.get(&c.cell_type).is_some_and(is_user_module)) {
        return Err(format!("netlist is not flat: the top instantiates module {} (flatten after synthesis)", sub.cell_type));
    }
    analyse_module(top, model)
}

struct CellInfo<'a> {
    name: &'a str,
    kind: Kind,
    /// (port name, direction is output, bits)
    ports: Vec<(&'a str, bool, &'a [Bit])>,
}

impl CellInfo<'_> {
    fn kind_label(&self) -> &'static str {
        kind_name(self.kind)
    }
}

#[derive(Clone, Copy, Debug)]
enum Driver {
    None,
    Port,
    Cell { cell: usize, port: usize },
}

#[derive(Clone, Copy, Debug, Default)]
struct Arrival {
    t: f64,
    levels: Levels,
    /// Unweighted level count (max over paths).
    depth: u32,
    /// The net this arrival came through (for the start point), or usize::MAX.
    from: usize,
    known: bool,
}

pub fn analyse_module(module: &JsonModule, model: &DelayModel) -> Result<DepthReport, String> {
    // Cells, with a stable order (sorted by name) for reproducible reports.
    let mut names: Vec<&String> = module.cells.keys().collect();
    names.sort();
    let mut cells: Vec<CellInfo> = Vec::with_capacity(names.len());
    let mut unknown = std::collections::BTreeSet::new();
    for name in names {
        let c = &module.cells[name];
        let k = kind(&c.cell_type);
        if k == Kind::Other {
            unknown.insert(c.cell_type.clone());
        }
        let mut ports: Vec<(&str, bool, &[Bit])> = c
            .connections
            .iter()
            .map(|(p, bits)| {
                let out = c.port_directions.get(p).is_some_and(|d| d == "output");
                (p.as_str(), out, bits.as_slice())
            })
            .collect();
        ports.sort_by(|a, b| a.0.cmp(b.0));
        cells.push(CellInfo { name: name.as_str(), kind: k, ports });
    }

    // Nets: driver and sinks.
    let max_net = module
        .ports
        .values()
        .flat_map(|p| p.bits.iter())
        .chain(cells.iter().flat_map(|c| c.ports.iter().flat_map(|(_, _, b)| b.iter())))
        .filter_map(|b| if let Bit::Net(n) = b { Some(*n) } else { None })
        .max()
        .unwrap_or(0);
    let mut driver = vec![Driver::None; max_net + 1];
    let mut fanout = vec![0usize; max_net + 1];
    for p in module.ports.values() {
        for b in &p.bits {
            if let Bit::Net(n) = b {
                match p.direction.as_str() {
                    "input" => driver[*n] = Driver::Port,
                    "output" => fanout[*n] += 1,
                    _ => {
                        driver[*n] = Driver::Port;
                        fanout[*n] += 1;
                    }
                }
            }
        }
    }
    for (ci, c) in cells.iter().enumerate() {
        for (pi, (pin, out, bits)) in c.ports.iter().enumerate() {
            for b in bits.iter() {
                if let Bit::Net(n) = b {
                    if *out {
                        driver[*n] = Driver::Cell { cell: ci, port: pi };
                    } else if !is_clock_pin(pin) {
                        fanout[*n] += 1;
                    }
                }
            }
        }
    }

    // Arrival times, net by net, in topological order of the combinational
    // cells (Kahn). Sequential cells and ports are sources.
    let mut arr = vec![Arrival { from: usize::MAX, ..Arrival::default() }; max_net + 1];
    let source = |t: f64| Arrival { t, levels: Levels::default(), depth: 0, from: usize::MAX, known: true };
    for (n, d) in driver.iter().enumerate() {
        if let Driver::Port = d {
            arr[n] = source(model.t_cko);
        }
    }
    let is_comb = |k: Kind| matches!(k, Kind::Lut | Kind::MuxF7 | Kind::MuxF8 | Kind::Carry4 | Kind::Other);
    for c in &cells {
        let t = match c.kind {
            Kind::Ff => model.t_cko,
            Kind::LutRam => model.t_lutram_cko,
            Kind::Bram => model.t_bram_cko,
            Kind::Dsp => model.t_dsp,
            _ => continue,
        };
        for (_, out, bits) in &c.ports {
            if *out {
                for b in bits.iter() {
                    if let Bit::Net(n) = b {
                        arr[*n] = source(t);
                    }
                }
            }
        }
    }

    // Pending inputs per combinational cell (and LUT RAM, whose address
    // pins are combinational to its outputs).
    let needs_eval = |k: Kind| is_comb(k) || k == Kind::LutRam;
    let mut pending = vec![0usize; cells.len()];
    let mut users: Vec<Vec<PinRef>> = vec![Vec::new(); max_net + 1];
    for (ci, c) in cells.iter().enumerate() {
        if !needs_eval(c.kind) {
            continue;
        }
        for (pin, out, bits) in c.ports.iter() {
            if *out || (c.kind == Kind::LutRam && !is_lutram_addr_pin(pin)) {
                continue;
            }
            for b in bits.iter() {
                if let Bit::Net(n) = b
                    && let Driver::Cell { cell, .. } = driver[*n]
                    && needs_eval(cells[cell].kind)
                {
                    pending[ci] += 1;
                    users[*n].push(PinRef { cell: ci });
                }
            }
        }
    }
    let mut ready: Vec<usize> = (0..cells.len()).filter(|&ci| needs_eval(cells[ci].kind) && pending[ci] == 0).collect();
    let mut done = 0usize;
    let total_eval = cells.iter().filter(|c| needs_eval(c.kind)).count();
    while let Some(ci) = ready.pop() {
        done += 1;
        let c = &cells[ci];
        for (pname, out, bits) in &c.ports {
            if !*out {
                continue;
            }
            for (bit_index, b) in bits.iter().enumerate() {
                let Bit::Net(n) = b else { continue };
                let out_pin = OutPin { port: pname, bit: bit_index };
                let a = eval_output(c, &out_pin, &cells, &driver, &fanout, &arr, model);
                if c.kind == Kind::LutRam {
                    // The clock-to-out source set above stays if it is later.
                    if !arr[*n].known || a.t > arr[*n].t {
                        arr[*n] = a;
                    }
                } else {
                    arr[*n] = a;
                }
                for u in std::mem::take(&mut users[*n]) {
                    pending[u.cell] -= 1;
                    if pending[u.cell] == 0 {
                        ready.push(u.cell);
                    }
                }
            }
        }
    }
    if done < total_eval {
        let stuck: Vec<&str> =
            (0..cells.len()).filter(|&ci| needs_eval(cells[ci].kind) && pending[ci] > 0).take(5).map(|ci| cells[ci].name).collect();
        return Err(format!("combinational loop in the netlist ({} cells on or behind it, e.g. {})", total_eval - done, stuck.join(", ")));
    }

    // End points, named after the register (net) they load.
    let names = net_names(module, max_net + 1);
    let cell_label = |c: &CellInfo| -> String {
        c.ports
            .iter()
            .filter(|(_, out, _)| *out)
            .flat_map(|(_, _, bits)| bits.iter())
            .find_map(|b| if let Bit::Net(n) = b { names[*n].clone() } else { None })
            .unwrap_or_else(|| format!("{} ({})", c.name, kind_name(c.kind)))
    };
    let mut best: Option<(f64, Arrival, String)> = None;
    let mut max_levels = 0u32;
    // slowest arrival per end register, bit indices dropped
    let mut per_end: HashMap<String, (f64, Arrival)> = HashMap::new();
    let mut consider = |t: f64, a: Arrival, end: String, best: &mut Option<(f64, Arrival, String)>| {
        let base = match end.find('[') {
            Some(i) => format!("{}{}", &end[..i], end.rfind(']').map_or("", |j| &end[j + 1..])),
            None => end.clone(),
        };
        let e = per_end.entry(base).or_insert((t, a));
        if t > e.0 {
            *e = (t, a);
        }
        if best.as_ref().is_none_or(|(bt, _, _)| t > *bt) {
            *best = Some((t, a, end));
        }
    };
    for c in &cells {
        let setup_of = |pin: &str| -> Option<f64> {
            match c.kind {
                Kind::Ff => Some(match pin {
                    "D" => model.t_setup_d,
                    "CE" | "GE" => model.t_setup_ce,
                    _ => model.t_setup_sr,
                }),
                Kind::Bram | Kind::LutRam => Some(model.t_setup_ram),
                Kind::Dsp => Some(model.t_dsp),
                _ => None,
            }
        };
        for (pin, out, bits) in &c.ports {
            if *out || is_clock_pin(pin) {
                continue;
            }
            let Some(setup) = setup_of(pin) else { continue };
            for b in bits.iter() {
                let Bit::Net(n) = b else { continue };
                let a = arr[*n];
                if !a.known {
                    continue;
                }
                max_levels = max_levels.max(a.depth);
                let t = a.t + model.net(fanout[*n]) + setup;
                consider(t, a, format!("{} ({pin})", cell_label(c)), &mut best);
            }
        }
    }
    let mut out_ports: Vec<(&String, &JsonPort)> = module.ports.iter().filter(|(_, p)| p.direction != "input").collect();
    out_ports.sort_by(|a, b| a.0.cmp(b.0));
    for (name, p) in out_ports {
        for (i, b) in p.bits.iter().enumerate() {
            let Bit::Net(n) = b else { continue };
            let a = arr[*n];
            if !a.known {
                continue;
            }
            max_levels = max_levels.max(a.depth);
            let t = a.t + model.net(fanout[*n]) + model.t_setup_d;
            consider(t, a, format!("port {name}[{i}]"), &mut best);
        }
    }
    let mut slowest: Vec<(String, (f64, Arrival))> = per_end.into_iter().collect();
    slowest.sort_by(|x, y| y.1 .0.total_cmp(&x.1 .0).then_with(|| x.0.cmp(&y.0)));
    // The nets of a path, from the one an end point sees back to its start
    // (a register output, a port, or an undriven net).
    let walk_back = |mut net: usize| -> Vec<usize> {
        let mut nets = Vec::new();
        while net != usize::MAX && nets.len() < 100_000 {
            nets.push(net);
            match driver[net] {
                Driver::Cell { cell, .. } if needs_eval(cells[cell].kind) => net = arr[net].from,
                _ => break,
            }
        }
        nets
    };
    let net_name = |net: usize| names[net].clone().unwrap_or_else(|| format!("net {net}"));
    // each with the chain of net names and fanouts behind it, start first
    let slowest_ends = slowest
        .iter()
        .take(32)
        .map(|(name, (t, a))| {
            let chain: Vec<String> =
                walk_back(a.from).iter().rev().map(|&n| format!("{}/{}", net_name(n), fanout[n])).collect();
            format!("{t:>7.2} ns  {:>2} levels  {name}  <-  {}", a.depth, chain.join(" > "))
        })
        .collect();
    let (critical_ns, a, end) = best.ok_or_else(|| "no register or port end point in the netlist".to_string())?;

    // The critical path, end first, and its start point's name.
    let nets = walk_back(a.from);
    let path = nets
        .iter()
        .map(|&net| {
            let via = match driver[net] {
                Driver::Cell { cell, .. } => cells[cell].kind_label(),
                _ => "port",
            };
            format!("{:>7.2} ns  fanout {:>4}  {:<6} {}", arr[net].t, fanout[net], via, net_name(net))
        })
        .collect();
    let start = match nets.last().map(|&net| (net, driver[net])) {
        Some((net, Driver::Port)) => {
            let name = module.ports.iter().find(|(_, p)| p.bits.iter().any(|b| matches!(b, Bit::Net(x) if *x == net))).map(|(n, _)| n.clone());
            format!("port {}", name.unwrap_or_default())
        }
        Some((net, Driver::Cell { cell, port })) => {
            names[net].clone().unwrap_or_else(|| format!("{}.{}", cells[cell].name, cells[cell].ports[port].0))
        }
        _ => String::from("?"),
    };
    let (fmax_mhz, capped) = model.fmax_mhz(critical_ns);
    Ok(DepthReport {
        critical_ns,
        fmax_mhz,
        capped,
        critical_levels: a.levels,
        max_levels,
        start,
        end,
        unknown_cells: unknown.into_iter().collect(),
        cells: cells.len(),
        path,
        slowest_ends,
    })
}

struct OutPin<'a> {
    port: &'a str,
    bit: usize,
}

/// The arrival at one output bit of a combinational (or LUT RAM) cell.
#[allow(clippy::too_many_arguments)]
fn eval_output(c: &CellInfo, out: &OutPin, cells: &[CellInfo], driver: &[Driver], fanout: &[usize], arr: &[Arrival], model: &DelayModel) -> Arrival {
    let mut best = Arrival { from: usize::MAX, ..Arrival::default() };
    for (pin, is_out, bits) in &c.ports {
        if *is_out {
            continue;
        }
        if c.kind == Kind::LutRam && !is_lutram_addr_pin(pin) {
            continue;
        }
        if is_clock_pin(pin) {
            continue;
        }
        for b in bits.iter() {
            let Bit::Net(n) = b else { continue };
            let a = arr[*n];
            if !a.known {
                continue;
            }
            let drv_kind = match driver[*n] {
                Driver::Cell { cell, .. } => Some(cells[cell].kind),
                _ => None,
            };
            let dedicated = match (c.kind, drv_kind) {
                (Kind::MuxF7, Some(Kind::Lut)) => *pin == "I0" || *pin == "I1",
                (Kind::MuxF8, Some(Kind::MuxF7)) => *pin == "I0" || *pin == "I1",
                (Kind::Carry4, Some(Kind::Carry4)) => *pin == "CI",
                (Kind::Carry4, Some(Kind::Lut)) => pin.starts_with('S') || pin.starts_with("DI"),
                _ => false,
            };
            let net = if dedicated { 0.0 } else { model.net(fanout[*n]) };
            let cell_delay = match c.kind {
                Kind::Lut => model.t_lut,
                Kind::MuxF7 | Kind::MuxF8 => model.t_muxf,
                Kind::Carry4 => {
                    if *pin == "CI" {
                        if out.port == "CO" && out.bit == 3 { model.t_carry_ci_co } else { model.t_carry_ci_o }
                    } else {
                        model.t_carry_first
                    }
                }
                Kind::LutRam => model.t_lutram_addr,
                _ => model.t_unknown,
            };
            let t = a.t + net + cell_delay;
            // A ripple through CI extends the level count of the chain like
            // Vivado does: each CARRY4 is one level.
            if !best.known || t > best.t {
                let mut levels = a.levels;
                match c.kind {
                    Kind::Lut => levels.lut += 1,
                    Kind::MuxF7 | Kind::MuxF8 => levels.muxf += 1,
                    Kind::Carry4 => levels.carry += 1,
                    Kind::LutRam => levels.lutram += 1,
                    _ => levels.other += 1,
                }
                best = Arrival { t, levels, depth: best.depth.max(a.depth + 1), from: *n, known: true };
            } else {
                best.depth = best.depth.max(a.depth + 1);
            }
        }
    }
    if !best.known {
        // Only constants in: the output is a constant, not a timing source.
        return Arrival { from: usize::MAX, ..Arrival::default() };
    }
    best
}

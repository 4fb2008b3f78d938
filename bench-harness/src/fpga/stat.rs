//! Parses the `stat` text Yosys prints after `synth_xilinx -family xc7` into
//! resource counts. Pure: `tests/fpga_stat.rs` runs it on captured output.

use serde::Serialize;
use std::collections::BTreeMap;

/// Resources of one mapped netlist, by Xilinx 7-series primitive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Resources {
    /// Every cell type with its count, as Yosys printed it.
    pub cells: BTreeMap<String, u64>,
    /// LUT1..LUT6 plus INV (Vivado implements an inverter as a LUT1).
    pub luts: u64,
    /// LUTs by input count: index 0 is LUT1 (with INV), 5 is LUT6.
    pub luts_by_size: [u64; 6],
    /// Flip-flops and latches: FDRE, FDSE, FDCE, FDPE (and their _1 forms), LD*.
    pub ffs: u64,
    pub carry4: u64,
    pub muxf7: u64,
    pub muxf8: u64,
    /// Distributed RAM and shift-register primitives (RAM32M, RAM64X1D, SRL16E, ...).
    pub lutram: u64,
    /// Block RAM in 36 Kb tiles: RAMB36E1 counts 1, RAMB18E1 counts 1/2 (rounded up).
    pub bram36: u64,
    pub ramb18: u64,
    pub ramb36: u64,
    pub dsp: u64,
    /// Cell types outside the lists above (I/O and clock buffers excluded).
    pub other: BTreeMap<String, u64>,
}

/// Classifies one Yosys/Xilinx cell type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellClass {
    Lut(u8),
    Ff,
    Carry4,
    MuxF7,
    MuxF8,
    LutRam,
    Ramb18,
    Ramb36,
    Dsp,
    /// I/O and clock buffers, constants: not logic.
    Ignored,
    Other,
}

/// Distributed RAM and shift registers: LUTs used as memory.
pub fn is_lutram(cell_type: &str) -> bool {
    ["RAM32", "RAM64", "RAM128", "RAM256", "RAMS", "RAMD", "SRL"]
        .iter()
        .any(|prefix| cell_type.starts_with(prefix))
}

pub fn classify(cell_type: &str) -> CellClass {
    match cell_type {
        "INV" | "LUT1" => CellClass::Lut(1),
        "LUT2" => CellClass::Lut(2),
        "LUT3" => CellClass::Lut(3),
        "LUT4" => CellClass::Lut(4),
        "LUT5" => CellClass::Lut(5),
        // one LUT site with two outputs (hand-instantiated: Yosys 0.23 does
        // not pair LUTs; Vivado's packer does)
        "LUT6" | "LUT6_2" => CellClass::Lut(6),
        "CARRY4" => CellClass::Carry4,
        "MUXF7" => CellClass::MuxF7,
        "MUXF8" => CellClass::MuxF8,
        "RAMB18E1" => CellClass::Ramb18,
        "RAMB36E1" => CellClass::Ramb36,
        "DSP48E1" => CellClass::Dsp,
        "IBUF" | "OBUF" | "OBUFT" | "IOBUF" | "IBUFG" | "BUFG" | "BUFGCTRL" | "BUFH" | "GND" | "VCC" | "$scopeinfo" => CellClass::Ignored,
        t if t.starts_with("FD") || t.starts_with("LD") => CellClass::Ff,
        t if is_lutram(t) => CellClass::LutRam,
        _ => CellClass::Other,
    }
}

/// Parses the cell table of Yosys's `stat` output (the last module block when
/// there are several, which after `-flatten` is the only one that matters;
/// with `-top` printing, the per-module block of the top).
///
/// Errors when the text holds no cell table at all.
pub fn parse_stat(text: &str) -> Result<Resources, String> {
    // Yosys prints "Number of cells:  N" and then one indented "TYPE  COUNT"
    // line per type; the table ends at the first blank line. Later blocks
    // (another module, "design hierarchy") restart the table.
    let mut tables: Vec<BTreeMap<String, u64>> = Vec::new();
    let mut in_table = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("Number of cells:") {
            tables.push(BTreeMap::new());
            in_table = true;
            continue;
        }
        if !in_table {
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with("Chip area") || trimmed.starts_with("===") {
            in_table = false;
            continue;
        }
        let mut parts = trimmed.split_whitespace();
        let (Some(name), Some(count), None) = (parts.next(), parts.next(), parts.next()) else {
            in_table = false;
            continue;
        };
        let Ok(count) = count.parse::<u64>() else {
            in_table = false;
            continue;
        };
        *tables.last_mut().expect("a table was opened").entry(name.to_string()).or_insert(0) += count;
    }
    let cells = tables.into_iter().rev().find(|t| !t.is_empty()).ok_or_else(|| "no cell table in the yosys stat output".to_string())?;
    Ok(resources_from_cells(cells))
}

/// Sums a cell-type table into [`Resources`].
pub fn resources_from_cells(cells: BTreeMap<String, u64>) -> Resources {
    let mut r = Resources::default();
    for (name, &count) in &cells {
        match classify(name) {
            CellClass::Lut(n) => {
                r.luts += count;
                r.luts_by_size[usize::from(n) - 1] += count;
            }
            CellClass::Ff => r.ffs += count,
            CellClass::Carry4 => r.carry4 += count,
            CellClass::MuxF7 => r.muxf7 += count,
            CellClass::MuxF8 => r.muxf8 += count,
            CellClass::LutRam => r.lutram += count,
            CellClass::Ramb18 => r.ramb18 += count,
            CellClass::Ramb36 => r.ramb36 += count,
            CellClass::Dsp => r.dsp += count,
            CellClass::Ignored => {}
            CellClass::Other => {
                r.other.insert(name.clone(), count);
            }
        }
    }
    r.bram36 = r.ramb36 + r.ramb18.div_ceil(2);
    r.cells = cells;
    r
}

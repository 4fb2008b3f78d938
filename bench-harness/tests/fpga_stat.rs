//! The Yosys `stat` parser of `bench-harness fpga`, on captured output.

#[allow(dead_code)]
#[path = "../src/fpga/stat.rs"]
mod stat;

use stat::{CellClass, classify, parse_stat};

/// Captured from `yosys -c hdl/synth/synth_xc7.tcl` (Yosys 0.23) on an early
/// ascon_aead128 (ROUNDS_PER_CYCLE=2, BUS=128).
const ASCON_STAT: &str = "
8. Printing statistics.

=== ascon_aead128 ===

   Number of wires:               5199
   Number of wire bits:          17364
   Number of public wires:         112
   Number of public wire bits:    7738
   Number of memories:               0
   Number of memory bits:            0
   Number of processes:              0
   Number of cells:               7929
     CARRY4                         34
     FDRE                         1055
     INV                            76
     LUT1                          338
     LUT2                          460
     LUT3                          672
     LUT4                          601
     LUT5                          572
     LUT6                         2220
     MUXF7                        1379
     MUXF8                         522

";

#[test]
fn captured_ascon_stat() {
    let r = parse_stat(ASCON_STAT).unwrap();
    assert_eq!(r.luts, 76 + 338 + 460 + 672 + 601 + 572 + 2220);
    assert_eq!(r.luts_by_size, [76 + 338, 460, 672, 601, 572, 2220]);
    assert_eq!(r.ffs, 1055);
    assert_eq!(r.carry4, 34);
    assert_eq!(r.muxf7, 1379);
    assert_eq!(r.muxf8, 522);
    assert_eq!((r.lutram, r.bram36, r.dsp), (0, 0, 0));
    assert!(r.other.is_empty());
    assert_eq!(r.cells.values().sum::<u64>(), 7929);
}

/// A design with every resource class, as `stat` prints one module after
/// another (the last table is the flattened top).
const MIXED_STAT: &str = "
=== sub ===

   Number of cells:                  2
     LUT2                            2

=== top ===

   Number of wires:                 10
   Number of cells:                 40
     BUFG                            1
     DSP48E1                         2
     FDCE                            3
     FDPE                            1
     FDRE                            4
     FDSE                            2
     IBUF                            5
     LUT6                            7
     OBUF                            3
     RAM32M                          2
     RAMB18E1                        3
     RAMB36E1                        1
     SRLC32E                         1
     XORCY                           5

";

#[test]
fn every_resource_class() {
    let r = parse_stat(MIXED_STAT).unwrap();
    assert_eq!(r.luts, 7, "only the last (top) table counts");
    assert_eq!(r.ffs, 3 + 1 + 4 + 2);
    assert_eq!(r.dsp, 2);
    assert_eq!(r.lutram, 2 + 1);
    assert_eq!((r.ramb18, r.ramb36), (3, 1));
    assert_eq!(r.bram36, 1 + 2, "two RAMB18 share a 36 Kb tile: 3 RAMB18 take 2 tiles");
    assert_eq!(r.other.get("XORCY"), Some(&5));
    assert!(!r.other.contains_key("IBUF") && !r.other.contains_key("BUFG"), "buffers are not logic");
}

#[test]
fn no_table_is_an_error() {
    assert!(parse_stat("").is_err());
    assert!(parse_stat("ERROR: Module `x' not found!\n").is_err());
}

#[test]
fn classification() {
    assert_eq!(classify("INV"), CellClass::Lut(1));
    assert_eq!(classify("LUT6"), CellClass::Lut(6));
    // a LUT6_2 site (two outputs) is one LUT, as Vivado counts it
    assert_eq!(classify("LUT6_2"), CellClass::Lut(6));
    assert_eq!(classify("FDRE_1"), CellClass::Ff);
    assert_eq!(classify("LDCE"), CellClass::Ff);
    assert_eq!(classify("RAM64X1D"), CellClass::LutRam);
    assert_eq!(classify("SRL16E"), CellClass::LutRam);
    assert_eq!(classify("CARRY4"), CellClass::Carry4);
    assert_eq!(classify("OBUF"), CellClass::Ignored);
    assert_eq!(classify("MMCME2_ADV"), CellClass::Other);
}

//! The delay-model and throughput arithmetic of `bench-harness fpga`.

#[allow(dead_code)]
#[path = "../src/fpga/docs.rs"]
mod docs;
#[allow(dead_code)]
#[path = "../src/fpga/model.rs"]
mod model;

use model::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn net_delay_grows_with_fanout_and_is_capped() {
    let m = DelayModel::ARTIX7;
    assert!(close(m.net(0), 0.50));
    assert!(close(m.net(1), 0.50));
    assert!(close(m.net(2), 0.60));
    assert!(close(m.net(3), 0.70));
    assert!(close(m.net(4), 0.70));
    assert!(close(m.net(64), 1.10));
    assert!(close(m.net(65), 1.20));
    assert!(close(m.net(512), 1.40));
    assert!(close(m.net(1 << 20), 1.40));
}

#[test]
fn ceil_log2_values() {
    assert_eq!([1, 2, 3, 4, 5, 8, 9, 1024].map(ceil_log2), [0, 1, 2, 2, 3, 3, 4, 10]);
}

#[test]
fn clock_from_path_and_cap() {
    let m = DelayModel::ARTIX7;
    // 4.9 ns + 0.1 ns clock term = 5 ns: 200 MHz.
    let (f, capped) = m.fmax_mhz(4.9);
    assert!(close(f, 200.0) && !capped);
    // A short path would exceed the clock tree: capped at 464 MHz.
    let (f, capped) = m.fmax_mhz(1.0);
    assert!(close(f, 464.0) && capped);
}

#[test]
fn register_to_register_example() {
    // FF -> LUT -> LUT -> FF, fanout 1 everywhere: the per-level model.
    let m = DelayModel::ARTIX7;
    let path = m.t_cko + m.net(1) + m.t_lut + m.net(1) + m.t_lut + m.net(1) + m.t_setup_d;
    assert!(close(path, 0.45 + 0.5 + 0.15 + 0.5 + 0.15 + 0.5 + 0.10));
    let (f, _) = m.fmax_mhz(path);
    assert!(close(f, 1000.0 / 2.45));
}

#[test]
fn throughput_arithmetic() {
    // TARGETS.md's ascon-verilog v6: 29 cycles at (16,16); at 200 MHz,
    // 128 message bits take 29 / 200 MHz = 145 ns: 882.76 Mb/s.
    assert!(close(throughput_mbps(128, 29, 200.0), 128.0 * 200.0 / 29.0));
    assert!(close(throughput_mbps(0, 17, 200.0), 0.0));
    assert!(close(throughput_mbps(128, 0, 200.0), 0.0));
}

#[test]
fn pcie_line_rate_and_lanes() {
    assert!(close(PCIE_GEN2_X4_GBPS, 16.0));
    assert_eq!(lanes_for(16.0, 2000.0), Some(8));
    assert_eq!(lanes_for(16.0, 1999.0), Some(9));
    assert_eq!(lanes_for(16.0, 40_000.0), Some(1));
    assert_eq!(lanes_for(16.0, 0.0), None);
}

#[test]
fn device_table_and_fit() {
    let a100 = ARTIX7_PARTS.iter().find(|d| d.name == "xc7a100t").unwrap();
    // Vivado's utilization report on a LiteFury: 63400 LUTs, 126800 registers.
    assert_eq!((a100.luts, a100.ffs, a100.bram36, a100.dsp), (63_400, 126_800, 135, 240));
    assert_eq!(smallest_fit(10_000, 10_000).unwrap().name, "xc7a35t");
    // 70 % of xc7a35t's 20800 LUTs is 14560.
    assert_eq!(smallest_fit(14_560, 0).unwrap().name, "xc7a35t");
    assert_eq!(smallest_fit(14_561, 0).unwrap().name, "xc7a50t");
    assert_eq!(smallest_fit(0, 188_440).unwrap().name, "xc7a200t", "70 % of 269200 FFs");
    assert!(smallest_fit(0, 188_441).is_none());
    assert_eq!(smallest_fit(94_220, 0).unwrap().name, "xc7a200t");
    assert!(smallest_fit(94_221, 0).is_none(), "70 % of 134600 is 94220");
}

#[test]
fn linear_fit_of_lane_costs() {
    let (a, b) = linear_fit(&[(1.0, 1500.0), (2.0, 2500.0), (4.0, 4500.0)]);
    assert!(close(a, 500.0) && close(b, 1000.0));
    let (a, b) = linear_fit(&[(2.0, 3000.0)]);
    assert!(close(a, 0.0) && close(b, 1500.0));
}

#[test]
fn docs_block_replacement() {
    let doc = format!("# T\n\nprose\n{}\nold\n{}\nafter\n", docs::BEGIN_MARKER, docs::END_MARKER);
    let new = docs::replace_block(&doc, "new table\n").unwrap();
    assert_eq!(new, format!("# T\n\nprose\n{}\nnew table\n{}\nafter\n", docs::BEGIN_MARKER, docs::END_MARKER));
    assert_eq!(docs::replace_block(&new, "new table").unwrap(), new, "idempotent");
    assert!(docs::replace_block("no markers", "x").is_err());
}

#[test]
fn report_dates() {
    assert_eq!(docs::civil_from_days(0), "1970-01-01");
    assert_eq!(docs::civil_from_days(19_723), "2024-01-01");
    assert_eq!(docs::civil_from_days(20_513), "2026-03-01");
}

//! The LUT-site wrappers of hdl/rtl/agilis_cells.v (agilis_lut5x2,
//! agilis_lut6) have two bodies: Verilator simulates the table lookup,
//! Yosys synthesizes a Xilinx LUT6_2 / LUT6 primitive with an INIT built
//! from the same tables. This proves, with Yosys's SAT solver over Yosys's
//! own simulation models of the primitives, that the two bodies compute the
//! same function, so that the tests run under Verilator also cover the
//! synthesized netlist's LUT contents. A negative control (the two halves
//! of the LUT6_2 swapped) must fail, so the check can fail.
//!
//! Without Yosys the test prints a notice and skips; under CI=true it fails.

use std::process::Command;

mod tool_common;
use tool_common::{root, tool_or_skip};

/// Proves `gold` (a table lookup written here) equal to `gate` (the wrapper
/// as Yosys reads it, SYNTHESIS defined, flattened through cells_sim.v).
/// Returns whether the proof succeeded.
fn equivalent(gold: &str, gate: &str, tag: &str) -> bool {
    let dir = std::env::temp_dir().join(format!("agilis-lut-sites-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gold_v = dir.join("gold.v");
    let gate_v = dir.join("gate.v");
    std::fs::write(&gold_v, gold).unwrap();
    std::fs::write(&gate_v, gate).unwrap();
    let cells = root().join("hdl/rtl/agilis_cells.v");
    let script = format!(
        "read_verilog +/xilinx/cells_sim.v; read_verilog {cells} {gate}; hierarchy -top gate; proc; flatten; design -stash gatedes; \
         read_verilog {gold}; hierarchy -top gold; proc; design -stash golddes; \
         design -copy-from gatedes -as gate gate; design -copy-from golddes -as gold gold; \
         miter -equiv -make_assert -flatten gold gate miter; hierarchy -top miter; sat -verify -prove-asserts miter",
        cells = cells.display(),
        gate = gate_v.display(),
        gold = gold_v.display()
    );
    let out = Command::new("yosys")
        .arg("-p")
        .arg(&script)
        .output()
        .expect("running yosys");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
    let proved = out.status.success() && text.contains("SUCCESS!");
    let refuted = !out.status.success() && text.contains("proof did fail");
    assert!(
        proved || refuted,
        "{tag}: yosys neither proved nor refuted:\n{text}"
    );
    proved
}

fn lut5x2_pair(f6: u32, f5: u32, gold_f6: u32, gold_f5: u32) -> (String, String) {
    let gold = format!(
        "module gold(input [4:0] i, output o6, output o5);\n  localparam [31:0] F6 = 32'h{gold_f6:08x}, F5 = 32'h{gold_f5:08x};\n  assign o6 = F6[i];\n  assign o5 = F5[i];\nendmodule\n"
    );
    let gate = format!(
        "module gate(input [4:0] i, output o6, output o5);\n  agilis_lut5x2 #(.F6(32'h{f6:08x}), .F5(32'h{f5:08x})) u (.i(i), .o6(o6), .o5(o5));\nendmodule\n"
    );
    (gold, gate)
}

#[test]
fn lut_site_wrappers_synthesize_the_tables_they_simulate() {
    if !tool_or_skip(
        "yosys",
        "-V",
        "lut_site_wrappers_synthesize_the_tables_they_simulate",
    ) {
        return;
    }
    // tables of every kind the cores use, and arbitrary ones
    let pairs: [(u32, u32); 4] = [
        (0x9669_6996, 0x3cc3_c33c),
        (0x1234_5678, 0x9abc_def0),
        (0xffff_0000, 0x0000_ffff),
        (0x8000_0001, 0x7fff_fffe),
    ];
    for (n, &(f6, f5)) in pairs.iter().enumerate() {
        let (gold, gate) = lut5x2_pair(f6, f5, f6, f5);
        assert!(
            equivalent(&gold, &gate, &format!("lut5x2-{n}")),
            "agilis_lut5x2 F6={f6:08x} F5={f5:08x}: synthesis differs from simulation"
        );
    }
    for (n, f) in [
        0xf0f0_f0f0_9696_6969u64,
        0x0123_4567_89ab_cdef,
        0x8000_0000_0000_0001,
    ]
    .into_iter()
    .enumerate()
    {
        let gold = format!(
            "module gold(input [5:0] i, output o);\n  localparam [63:0] F = 64'h{f:016x};\n  assign o = F[i];\nendmodule\n"
        );
        let gate = format!(
            "module gate(input [5:0] i, output o);\n  agilis_lut6 #(.F(64'h{f:016x})) u (.i(i), .o(o));\nendmodule\n"
        );
        assert!(
            equivalent(&gold, &gate, &format!("lut6-{n}")),
            "agilis_lut6 F={f:016x}: synthesis differs from simulation"
        );
    }
    // negative control: the halves swapped must be refuted
    let (gold, gate) = lut5x2_pair(0x1234_5678, 0x9abc_def0, 0x9abc_def0, 0x1234_5678);
    assert!(
        !equivalent(&gold, &gate, "control"),
        "the check proved two different functions equal: it cannot fail"
    );
}

//! The Artix-7 lab-card wrapper (hdl/board/litefury/) checked without Vivado:
//! - it lints clean under `verilator --lint-only -Wall` against the real
//!   hdl/rtl and the port-accurate lint models of the Xilinx primitives and
//!   IP (hdl/board/lint/xilinx_stubs.v), so a port mismatch fails CI;
//! - every port its XDC constrains exists, and every top-level port has a pin.
//!
//! Without Verilator the lint test prints a notice and skips; under CI=true
//! it fails instead (mirrors suites/tests/common/mod.rs).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

mod tool_common;
use tool_common::{root, tool_or_skip};

fn rtl_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("hdl/rtl"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "v"))
        .collect();
    files.sort();
    files
}

/// Lints the wrapper with the given -G parameters; returns the complaints
/// that concern hdl/board/ (warnings in hdl/rtl/ belong to the RTL's own lint).
fn lint(params: &[&str]) -> Vec<String> {
    let r = root();
    let mut cmd = Command::new("verilator");
    cmd.args([
        "--lint-only",
        "-Wall",
        "-Wno-fatal",
        "--top-module",
        "agilis_litefury_top",
    ])
    .arg(format!("-I{}", r.join("hdl/rtl").display()));
    for p in params {
        cmd.arg(format!("-G{p}"));
    }
    cmd.arg(r.join("hdl/board/lint/xilinx_stubs.v"))
        .arg(r.join("hdl/board/litefury/agilis_litefury_top.v"));
    cmd.args(rtl_files());
    let out = cmd.output().expect("running verilator");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut complaints: Vec<String> = text
        .lines()
        .filter(|l| {
            l.starts_with("%Error") || (l.starts_with("%Warning") && l.contains("hdl/board/"))
        })
        .map(str::to_string)
        .collect();
    if !out.status.success() && complaints.is_empty() {
        complaints.push(format!("verilator exited with {}:\n{text}", out.status));
    }
    complaints
}

#[test]
fn litefury_wrapper_lints_clean() {
    if !tool_or_skip("verilator", "--version", "litefury_wrapper_lints_clean") {
        return;
    }
    for params in [
        &[][..],
        &[
            "N_LANES=2",
            "LANE_AES_MASK=16'h0002",
            "ASCON_ROUNDS_PER_CYCLE=4",
        ][..],
    ] {
        let complaints = lint(params);
        assert!(
            complaints.is_empty(),
            "verilator --lint-only {params:?}:\n{}",
            complaints.join("\n")
        );
    }
}

/// Top-level port names of a Verilog module (ANSI header), with their widths.
fn top_ports(src: &str, module: &str) -> Vec<(String, u32)> {
    let start = src
        .find(&format!("module {module}"))
        .expect("module header");
    let header = &src[start..];
    let body = &header[header.find(") (").map(|i| i + 3).unwrap_or(0)..header.find(");").unwrap()];
    let mut ports = Vec::new();
    for line in body.lines() {
        let l = line
            .split("//")
            .next()
            .unwrap()
            .trim()
            .trim_end_matches(',');
        let Some(rest) = l.strip_prefix("input").or_else(|| l.strip_prefix("output")) else {
            continue;
        };
        let rest = rest
            .trim_start()
            .trim_start_matches("wire")
            .trim_start_matches("reg")
            .trim_start();
        let (width, name) = if let Some(r) = rest.strip_prefix('[') {
            let (range, name) = r.split_once(']').unwrap();
            let (hi, lo) = range.split_once(':').unwrap();
            (
                hi.trim().parse::<u32>().unwrap() - lo.trim().parse::<u32>().unwrap() + 1,
                name.trim(),
            )
        } else {
            (1, rest)
        };
        ports.push((name.to_string(), width));
    }
    ports
}

#[test]
fn xdc_and_wrapper_ports_agree() {
    let r = root();
    let wrapper =
        std::fs::read_to_string(r.join("hdl/board/litefury/agilis_litefury_top.v")).unwrap();
    let xdc = std::fs::read_to_string(r.join("hdl/board/litefury/agilis_litefury.xdc")).unwrap();
    let ports = top_ports(&wrapper, "agilis_litefury_top");
    assert!(ports.len() >= 8, "{ports:?}");
    let mut port_bits = BTreeSet::new();
    for (name, width) in &ports {
        if *width == 1 {
            port_bits.insert(name.clone());
        } else {
            for i in 0..*width {
                port_bits.insert(format!("{name}[{i}]"));
            }
        }
    }
    // Every get_ports target must exist; every bit must get a PACKAGE_PIN.
    let mut pinned = BTreeSet::new();
    for line in xdc.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let Some(i) = line.find("[get_ports ") else {
            continue;
        };
        let target = line[i + 11..]
            .trim_end()
            .trim_end_matches(']')
            .trim()
            .trim_start_matches('{')
            .trim_end_matches('}')
            .trim();
        if let Some(prefix) = target.strip_suffix("[*]") {
            assert!(
                ports.iter().any(|(n, w)| n == prefix && *w > 1),
                "XDC names {target}, the wrapper has no such bus"
            );
            continue;
        }
        assert!(
            port_bits.contains(target),
            "XDC constrains {target:?}, which is not a port of agilis_litefury_top"
        );
        if line.contains("PACKAGE_PIN") {
            pinned.insert(target.to_string());
        }
    }
    let unpinned: Vec<&String> = port_bits.difference(&pinned).collect();
    assert!(
        unpinned.is_empty(),
        "ports without PACKAGE_PIN: {unpinned:?}"
    );
}

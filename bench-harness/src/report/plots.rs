//! The report's plots: agilis beside the published figures, one chart per
//! platform and unit, written as SVG under docs/plots/.

use super::figures::{self, HostRow};
use super::inputs::Inputs;
use super::published::{LWC, LwcRow, PeerUnit};
use super::svg::{Bar, Chart, Group};

/// A chart and the file it goes to (under docs/plots/).
pub struct Plot {
    pub file: &'static str,
    /// The image link's alt text.
    pub alt: String,
    pub chart: Chart,
}

fn agilis(label: impl Into<String>, value: Option<f64>) -> Bar {
    Bar {
        label: label.into(),
        value,
        published: false,
    }
}

fn lwc_group(heading: &str, value: impl Fn(&LwcRow) -> f64) -> Group {
    Group {
        heading: heading.into(),
        bars: LWC
            .iter()
            .map(|r| Bar {
                label: r.algorithm.into(),
                value: Some(value(r)),
                published: true,
            })
            .collect(),
    }
}

/// An agilis group that says "not measured" rather than vanishing.
fn or_missing(mut bars: Vec<Bar>) -> Vec<Bar> {
    if bars.is_empty() {
        bars.push(agilis("agilis", None));
    }
    bars
}

pub fn plots(inp: &Inputs) -> Vec<Plot> {
    let mut out = Vec::new();

    let avr = inp
        .avr
        .as_ref()
        .map(figures::avr_images)
        .unwrap_or_default();
    let avr_fit: Vec<_> = avr.iter().filter(|i| i.fits).collect();
    out.push(Plot {
        file: "avr-code.svg",
        alt: "ATmega328P code size: agilis beside the NIST LWC finalists".into(),
        chart: Chart {
            title: "ATmega328P: AEAD code size".into(),
            axis: "flash bytes (lower is better)".into(),
            groups: vec![
                Group {
                    heading: "agilis (flash over the baseline image)".into(),
                    bars: or_missing(
                        avr_fit
                            .iter()
                            .map(|i| {
                                agilis(
                                    format!("{} ({})", i.algorithm, i.image),
                                    i.code_bytes.map(|b| b as f64),
                                )
                            })
                            .collect(),
                    ),
                },
                lwc_group("published, NIST LWC", |r| r.atmega328p_code_bytes as f64),
            ],
            note: Some(
                "agilis: simavr, bench-harness avr. Published: NIST LWC finalists (TARGETS.md)."
                    .into(),
            ),
        },
    });
    out.push(Plot {
        file: "avr-speed.svg",
        alt: "ATmega328P speed at (16,16): agilis beside the NIST LWC finalists".into(),
        chart: Chart {
            title: "ATmega328P at 16 MHz: seal speed, 16-byte message + 16-byte AD".into(),
            axis: "kb/s of message (higher is better)".into(),
            groups: vec![
                Group {
                    heading: "agilis (cycle-exact, simavr)".into(),
                    bars: or_missing(
                        avr_fit
                            .iter()
                            .filter(|i| i.kbps_16_16.is_some())
                            .map(|i| agilis(format!("{} ({})", i.algorithm, i.image), i.kbps_16_16))
                            .collect(),
                    ),
                },
                lwc_group("published, NIST LWC", |r| r.atmega328p_kbps),
            ],
            note: Some(
                "kb/s = 8 x message bytes / (cycles / 16 MHz) / 1000; associated data not counted."
                    .into(),
            ),
        },
    });

    let cm = inp.cortex_m.as_ref();
    let code = cm.map(figures::cortex_code).unwrap_or_default();
    out.push(Plot {
        file: "cortex-m4-code.svg",
        alt: "Cortex-M4 Ascon code size: agilis beside the published nRF52840 figures".into(),
        chart: Chart {
            title: "32-bit Cortex-M4: Ascon-AEAD128 code size".into(),
            axis: "flash bytes (lower is better)".into(),
            groups: vec![
                Group {
                    heading: "agilis (thumbv7em-none-eabihf, flash over the harness)".into(),
                    bars: or_missing(
                        code.iter()
                            .filter(|c| c.part.starts_with("ascon-aead128"))
                            .map(|c| agilis(format!("{}, opt-level {}", c.part.trim_start_matches("ascon-aead128 "), c.opt_level), Some(c.bytes as f64)))
                            .collect(),
                    ),
                },
                lwc_group("published, nRF52840 (NIST LWC)", |r| r.nrf52840_code_bytes as f64),
            ],
            note: Some("agilis: bench-harness cortex-m subset builds. Published: NIST LWC on the nRF52840 (TARGETS.md).".into()),
        },
    });
    let aeads = cm.map(figures::cortex_aeads).unwrap_or_default();
    out.push(Plot {
        file: "cortex-m4-speed.svg",
        alt: "Cortex-M4 speed at (16,16): agilis estimated from QEMU instruction counts, beside the published nRF52840 figures".into(),
        chart: Chart {
            title: "32-bit: seal speed at (16,16), agilis ESTIMATED from instruction counts".into(),
            axis: "kb/s of message (higher is better)".into(),
            groups: vec![
                Group {
                    heading: "agilis, Cortex-M4 in QEMU (estimate)".into(),
                    bars: or_missing(aeads.iter().map(|a| agilis(format!("{} ({})", a.algorithm, a.implementation), Some(a.estimated_kbps_16_16_at_64mhz))).collect()),
                },
                lwc_group("published, nRF52840 at 64 MHz (NIST LWC)", |r| r.nrf52840_kbps),
            ],
            note: Some("Estimate: 128 bits / (QEMU instruction count / 64 MHz), i.e. 1 instruction per cycle; not measured on an nRF52840.".into()),
        },
    });

    let cores = inp
        .fpga
        .as_ref()
        .map(|f| figures::fpga_cores(&f.json))
        .unwrap_or_default();
    out.push(Plot {
        file: "fpga-luts.svg",
        alt: "FPGA LUTs: agilis core configurations beside the published Artix-7 figures".into(),
        chart: Chart {
            title: "Artix-7: LUTs per AEAD core".into(),
            axis: "LUTs (lower is better)".into(),
            groups: vec![
                Group {
                    heading: "agilis (Yosys synth_xilinx, xc7)".into(),
                    bars: or_missing(
                        cores
                            .iter()
                            .map(|c| agilis(c.name.clone(), Some(c.luts as f64)))
                            .collect(),
                    ),
                },
                lwc_group("published, Artix-7 (NIST LWC)", |r| r.artix7_luts as f64),
            ],
            note: Some(fpga_note(inp)),
        },
    });
    out.push(Plot {
        file: "fpga-speed.svg",
        alt: "FPGA throughput at (16,16): agilis at its estimated clock beside the published Artix-7 figures".into(),
        chart: Chart {
            title: "Artix-7: throughput at (16,16)".into(),
            axis: "Mb/s of message (higher is better); agilis at an estimated clock".into(),
            groups: vec![
                Group { heading: "agilis (Verilator cycles, estimated clock)".into(), bars: or_missing(cores.iter().map(|c| agilis(c.name.clone(), c.mbps_16_16)).collect()) },
                lwc_group("published, Artix-7 (NIST LWC)", |r| r.artix7_mbps),
            ],
            note: Some(fpga_note(inp)),
        },
    });

    // Without host figures every agilis bar says "not measured" beside the peers.
    let host = figures::host_rows(inp.host.as_deref().unwrap_or(&[]));
    out.push(Plot {
        file: "host-aead.svg",
        alt: "Host AEAD throughput at 16 KiB: agilis beside the peers of TARGETS.md".into(),
        chart: Chart {
            title: "64-bit host, one core: AEAD seal of 16 KiB".into(),
            axis: "Gb/s (higher is better)".into(),
            groups: host_groups(&host, PeerUnit::Gbps),
            note: Some("agilis: criterion medians of this run. Peers: measured on this machine kind (TARGETS.md).".into()),
        },
    });
    out.push(Plot {
        file: "host-pq.svg",
        alt: "Host KEM and signature times: agilis beside the peers of TARGETS.md".into(),
        chart: Chart {
            title: "64-bit host, one core: KEM and signature operations".into(),
            axis: "microseconds per operation (lower is better)".into(),
            groups: host_groups(&host, PeerUnit::Micros).into_iter().filter(|g| !g.heading.contains("seal")).collect(),
            note: Some("agilis: criterion medians of this run. Peers: measured on this machine kind (TARGETS.md).".into()),
        },
    });
    out
}

fn host_groups(rows: &[HostRow], unit: PeerUnit) -> Vec<Group> {
    rows.iter()
        .filter(|r| r.unit == unit)
        .map(|r| {
            let mut bars = Vec::new();
            for (i, (label, _, value)) in r.agilis.iter().enumerate() {
                let suffix = if r.agilis.len() > 1 {
                    format!(" {label}")
                } else {
                    String::new()
                };
                bars.push(agilis(format!("agilis{suffix}"), *value));
                for (peer, values) in &r.peers {
                    bars.push(Bar {
                        label: format!("{}{suffix}", peer.replace('`', "")),
                        value: values.get(i).copied(),
                        published: true,
                    });
                }
            }
            Group {
                heading: r.operation.into(),
                bars,
            }
        })
        .collect()
}

fn fpga_note(inp: &Inputs) -> String {
    match &inp.fpga {
        Some(f) => format!(
            "agilis: {} ({}), {}. Published: NIST LWC on Artix-7.",
            f.path,
            f.json["date_utc"].as_str().unwrap_or("undated"),
            if f.rerun {
                "synthesized in this run"
            } else {
                "stored figures, not rerun"
            }
        ),
        None => "agilis: no FPGA figures (run bench-harness fpga). Published: NIST LWC on Artix-7."
            .into(),
    }
}

//! The figures the report shows, taken out of the per-target JSON files
//! (avr.json, cortex-m4.json, fpga.json) and the criterion medians, and the
//! rows that set them beside the published ones.

use serde::Serialize;
use serde_json::Value;

use super::criterion::{self, Median};
use super::inputs::Inputs;
use super::published::{self, ASCON, NRF52840_CLOCK_HZ};

/// Message bits of the (16,16) point all the published rows use.
const BITS_16: f64 = 128.0;

/// One AVR image of avr.json (not the baseline).
#[derive(Debug, Clone, Serialize)]
pub struct AvrImage {
    pub image: String,
    pub algorithm: String,
    pub implementation: String,
    pub fits: bool,
    /// Flash over the baseline image, bytes.
    pub code_bytes: Option<i64>,
    pub static_ram_bytes: Option<u64>,
    pub peak_stack_bytes: Option<u64>,
    pub seal_cycles_16_16: Option<u64>,
    /// kb/s of message at 16 MHz, (16,16) seal.
    pub kbps_16_16: Option<f64>,
    pub cycles_per_byte_long: Option<f64>,
    /// Why it does not fit or run.
    pub why: Option<String>,
}

pub fn avr_images(avr: &Value) -> Vec<AvrImage> {
    let Some(images) = avr["images"].as_array() else {
        return Vec::new();
    };
    images
        .iter()
        .filter(|i| i["image"] != "baseline")
        .map(|i| {
            let run = i["runs"].as_array().and_then(|r| {
                r.iter()
                    .find(|r| r["ad_bytes"] == 16 && r["msg_bytes"] == 16)
            });
            AvrImage {
                image: str_of(&i["image"]),
                algorithm: str_of(&i["algorithm"]),
                implementation: str_of(&i["implementation"]),
                fits: i["fits"].as_bool().unwrap_or(false),
                code_bytes: i["code_bytes_over_baseline"].as_i64(),
                static_ram_bytes: i["static_ram_bytes"].as_u64(),
                peak_stack_bytes: i["peak_stack_bytes"].as_u64(),
                seal_cycles_16_16: run.and_then(|r| r["seal_cycles"].as_u64()),
                kbps_16_16: run.and_then(|r| r["seal_kbps"].as_f64()),
                cycles_per_byte_long: i["seal_cycles_per_byte_long"].as_f64(),
                why: i["why"].as_str().map(str::to_owned),
            }
        })
        .collect()
}

/// The Ascon image with the best (16,16) speed: the one set beside the published row.
pub fn avr_ascon(images: &[AvrImage]) -> Option<&AvrImage> {
    images
        .iter()
        .filter(|i| i.algorithm == "ascon-aead128" && i.kbps_16_16.is_some())
        .max_by(|a, b| {
            a.kbps_16_16
                .partial_cmp(&b.kbps_16_16)
                .unwrap_or(std::cmp::Ordering::Equal)
        })
}

/// One AEAD of cortex-m4.json at (16,16).
#[derive(Debug, Clone, Serialize)]
pub struct CortexAead {
    pub algorithm: String,
    pub implementation: String,
    pub seal_instructions_16_16: u64,
    pub instructions_per_byte_long: Option<f64>,
    /// 128 message bits / (instructions / 64 MHz), assuming one instruction per cycle.
    pub estimated_kbps_16_16_at_64mhz: f64,
}

pub fn cortex_aeads(cm: &Value) -> Vec<CortexAead> {
    let Some(aead) = cm["aead"].as_array() else {
        return Vec::new();
    };
    aead.iter()
        .filter(|a| a["ad_bytes"] == 16 && a["msg_bytes"] == 16)
        .filter_map(|a| {
            let algorithm = str_of(&a["algorithm"]);
            let instr = a["seal_instructions"].as_u64()?;
            Some(CortexAead {
                instructions_per_byte_long: cm["aead_instructions_per_byte_long"][&algorithm]
                    .as_f64(),
                algorithm,
                implementation: str_of(&a["implementation"]),
                seal_instructions_16_16: instr,
                estimated_kbps_16_16_at_64mhz: estimated_kbps(instr),
            })
        })
        .collect()
}

/// kb/s at the nRF52840's 64 MHz if each instruction took one cycle (an estimate:
/// loads, branches and multiplies take more on a Cortex-M4).
pub fn estimated_kbps(instructions: u64) -> f64 {
    if instructions == 0 {
        0.0
    } else {
        BITS_16 * NRF52840_CLOCK_HZ / instructions as f64 / 1000.0
    }
}

/// One code-size figure of cortex-m4.json.
#[derive(Debug, Clone, Serialize)]
pub struct CortexCode {
    pub part: String,
    pub opt_level: String,
    pub bytes: i64,
    pub over: String,
}

pub fn cortex_code(cm: &Value) -> Vec<CortexCode> {
    cm["code_bytes"]
        .as_array()
        .map(|c| {
            c.iter()
                .filter_map(|c| {
                    Some(CortexCode {
                        part: str_of(&c["part"]),
                        opt_level: str_of(&c["opt_level"]),
                        bytes: c["bytes"].as_i64()?,
                        over: str_of(&c["over"]),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The Ascon code size of the implementation whose speed is reported
/// (RustCrypto or agilis's own), at `opt_level`.
pub fn cortex_ascon_code<'a>(
    code: &'a [CortexCode],
    implementation: &str,
    opt_level: &str,
) -> Option<&'a CortexCode> {
    let rustcrypto = implementation.contains("RustCrypto");
    code.iter().find(|c| {
        c.part.starts_with("ascon-aead128")
            && c.opt_level == opt_level
            && c.part.contains("RustCrypto") == rustcrypto
    })
}

/// (algorithm, keygen, encaps or sign, decaps or verify) instruction counts.
pub fn cortex_pq(cm: &Value) -> Vec<(String, u64, u64, u64)> {
    let mut out = Vec::new();
    for k in cm["kem"].as_array().into_iter().flatten() {
        out.push((
            str_of(&k["algorithm"]),
            k["keygen_instructions"].as_u64().unwrap_or(0),
            k["encaps_instructions"].as_u64().unwrap_or(0),
            k["decaps_instructions"].as_u64().unwrap_or(0),
        ));
    }
    for g in cm["signature"].as_array().into_iter().flatten() {
        out.push((
            str_of(&g["algorithm"]),
            g["keygen_instructions"].as_u64().unwrap_or(0),
            g["sign_instructions"].as_u64().unwrap_or(0),
            g["verify_instructions"].as_u64().unwrap_or(0),
        ));
    }
    out
}

/// One synthesized core configuration of fpga.json.
#[derive(Debug, Clone, Serialize)]
pub struct FpgaCore {
    pub name: String,
    pub algorithm: String,
    pub luts: u64,
    pub ffs: u64,
    /// Estimated under the delay model fpga.json states; not a Vivado timing result.
    pub fmax_mhz: f64,
    pub cycles_16_16: Option<u64>,
    pub mbps_16_16: Option<f64>,
    pub mbps_1536_1536: Option<f64>,
}

pub fn fpga_cores(fpga: &Value) -> Vec<FpgaCore> {
    let Some(cores) = fpga["cores"].as_array() else {
        return Vec::new();
    };
    cores
        .iter()
        .map(|c| {
            let at = |n: u64| {
                c["throughput"]
                    .as_array()
                    .and_then(|t| t.iter().find(|t| t["msg_bytes"] == n && t["ad_bytes"] == n))
            };
            FpgaCore {
                name: str_of(&c["synth"]["job"]["name"]),
                algorithm: str_of(&c["algorithm"]),
                luts: c["synth"]["resources"]["luts"].as_u64().unwrap_or(0),
                ffs: c["synth"]["resources"]["ffs"].as_u64().unwrap_or(0),
                fmax_mhz: c["synth"]["depth"]["fmax_mhz"].as_f64().unwrap_or(0.0),
                cycles_16_16: at(16).and_then(|t| t["cycles"].as_u64()),
                mbps_16_16: at(16).and_then(|t| t["mbps_msg"].as_f64()),
                mbps_1536_1536: at(1536).and_then(|t| t["mbps_msg"].as_f64()),
            }
        })
        .collect()
}

/// The Ascon configuration set beside the published Artix-7 row: the
/// smallest that reaches the published (16,16) speed, else the fastest.
pub fn fpga_ascon(cores: &[FpgaCore]) -> Option<&FpgaCore> {
    let ascon: Vec<&FpgaCore> = cores
        .iter()
        .filter(|c| c.algorithm == "ascon" && c.mbps_16_16.is_some())
        .collect();
    ascon
        .iter()
        .filter(|c| c.mbps_16_16 >= Some(ASCON.artix7_mbps))
        .min_by_key(|c| c.luts)
        .or_else(|| {
            ascon.iter().max_by(|a, b| {
                a.mbps_16_16
                    .partial_cmp(&b.mbps_16_16)
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
        })
        .copied()
}

/// One row of the headline table: a platform's figure, published and agilis's.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub platform: String,
    pub figure: String,
    pub unit: String,
    pub published: f64,
    pub published_source: String,
    /// None: not measured in this run.
    pub agilis: Option<f64>,
    /// Which agilis implementation or configuration, and how the figure was obtained.
    pub agilis_note: String,
    /// True when the agilis figure is derived under a stated assumption rather than measured.
    pub estimate: bool,
}

const NIST: &str = "NIST LWC (TARGETS.md)";

/// The headline rows: Ascon on the 8-bit, 32-bit and FPGA rows of TARGETS.md.
pub fn ascon_comparison(inp: &Inputs) -> Vec<Comparison> {
    let mut rows = Vec::new();
    let row = |platform: &str,
               figure: &str,
               unit: &str,
               published: f64,
               agilis: Option<f64>,
               note: String,
               estimate: bool| Comparison {
        platform: platform.into(),
        figure: figure.into(),
        unit: unit.into(),
        published,
        published_source: NIST.into(),
        agilis,
        agilis_note: note,
        estimate,
    };
    // 8-bit
    let avr = inp.avr.as_ref().map(avr_images).unwrap_or_default();
    let pick = avr_ascon(&avr);
    let avr_note = pick.map_or("not measured in this run".into(), |i| {
        format!("`{}` image ({}), simavr", i.image, i.implementation)
    });
    rows.push(row(
        "ATmega328P, 16 MHz",
        "Ascon code",
        "B",
        ASCON.atmega328p_code_bytes as f64,
        pick.and_then(|i| i.code_bytes).map(|b| b as f64),
        format!("{avr_note}: flash over the baseline image"),
        false,
    ));
    rows.push(row(
        "ATmega328P, 16 MHz",
        "Ascon speed (16,16)",
        "kb/s",
        ASCON.atmega328p_kbps,
        pick.and_then(|i| i.kbps_16_16),
        format!("{avr_note}: cycle-exact seal"),
        false,
    ));
    // 32-bit
    let cm = inp.cortex_m.as_ref();
    let aeads = cm.map(cortex_aeads).unwrap_or_default();
    let code = cm.map(cortex_code).unwrap_or_default();
    let ascon = aeads.iter().find(|a| a.algorithm == "ascon-aead128");
    let measured_code = ascon.and_then(|a| cortex_ascon_code(&code, &a.implementation, "3"));
    let small_code = ascon.and_then(|a| cortex_ascon_code(&code, &a.implementation, "s"));
    rows.push(row(
        "Cortex-M4 (published: nRF52840, 64 MHz)",
        "Ascon code",
        "B",
        ASCON.nrf52840_code_bytes as f64,
        small_code.or(measured_code).map(|c| c.bytes as f64),
        match (ascon, small_code.or(measured_code)) {
            (Some(a), Some(c)) => format!(
                "{}, opt-level {} (the measured image is opt-level 3{})",
                a.implementation,
                c.opt_level,
                measured_code.map_or(String::new(), |m| format!(": {} B", m.bytes))
            ),
            _ => "not measured in this run".into(),
        },
        false,
    ));
    rows.push(row("Cortex-M4 (published: nRF52840, 64 MHz)", "Ascon speed (16,16)", "kb/s", ASCON.nrf52840_kbps,
        ascon.map(|a| a.estimated_kbps_16_16_at_64mhz),
        ascon.map_or("not measured in this run".into(), |a| format!(
            "{}: {} instructions per (16,16) seal in QEMU; **estimate** at 1 instruction/cycle and 64 MHz",
            a.implementation, a.seal_instructions_16_16)), true));
    // FPGA
    let cores = inp
        .fpga
        .as_ref()
        .map(|f| fpga_cores(&f.json))
        .unwrap_or_default();
    let core = fpga_ascon(&cores);
    let fpga_note = core.map_or("no FPGA figures".into(), |c| {
        format!("`{}`, Yosys synth_xilinx", c.name)
    });
    rows.push(row(
        "Artix-7",
        "Ascon LUTs",
        "LUT",
        ASCON.artix7_luts as f64,
        core.map(|c| c.luts as f64),
        fpga_note.clone(),
        false,
    ));
    rows.push(row(
        "Artix-7",
        "Ascon speed (16,16)",
        "Mb/s",
        ASCON.artix7_mbps,
        core.and_then(|c| c.mbps_16_16),
        core.map_or(fpga_note, |c| {
            format!(
                "`{}`: Verilator cycles at an estimated {:.0} MHz (delay model, not Vivado timing)",
                c.name, c.fmax_mhz
            )
        }),
        true,
    ));
    rows
}

/// One row of the host table: agilis's figures for an operation of the peers table.
#[derive(Debug, Clone, Serialize)]
pub struct HostRow {
    pub operation: &'static str,
    pub unit: published::PeerUnit,
    /// (label, criterion id, value in `unit` if measured).
    pub agilis: Vec<(&'static str, &'static str, Option<f64>)>,
    pub peers: Vec<(&'static str, Vec<f64>)>,
}

pub fn host_rows(medians: &[Median]) -> Vec<HostRow> {
    published::HOST
        .iter()
        .map(|h| HostRow {
            operation: h.operation,
            unit: h.unit,
            agilis: h
                .agilis
                .iter()
                .map(|(label, id)| {
                    let m = criterion::find(medians, id);
                    let value = match h.unit {
                        published::PeerUnit::Gbps => m.and_then(Median::gbps),
                        published::PeerUnit::Micros => m.map(|m| m.median_ns / 1000.0),
                    };
                    (*label, *id, value)
                })
                .collect(),
            peers: h.peers.iter().map(|(p, v)| (*p, v.to_vec())).collect(),
        })
        .collect()
}

/// `handshake/<suite>/<role>` medians as (suite, role, ns).
pub fn handshakes(medians: &[Median]) -> Vec<(String, String, f64)> {
    medians
        .iter()
        .filter_map(|m| {
            let rest = m.id.strip_prefix("handshake/")?;
            let (suite, role) = rest.rsplit_once('/')?;
            Some((suite.to_string(), role.to_string(), m.median_ns))
        })
        .collect()
}

/// An agilis row beside the same operation on the underlying crate, same run.
#[derive(Debug, Clone, Serialize)]
pub struct Dispatch {
    pub operation: String,
    pub agilis: String,
    pub agilis_ns: f64,
    pub direct: String,
    pub direct_ns: f64,
    /// (agilis - direct) / direct, percent.
    pub difference_percent: f64,
}

/// Each `.../agilis` median beside the `.../direct*` ones of the same operation:
/// `-prepared` rows hold key objects made outside the timing, so they are not
/// the same work; `agilis-portable` pairs with `direct-rustcrypto`, and
/// `agilis` with `direct-aws-lc` where there is one.
pub fn dispatch(medians: &[Median]) -> Vec<Dispatch> {
    let mut out = Vec::new();
    for m in medians {
        let Some((prefix, imp)) = m.id.rsplit_once('/') else {
            continue;
        };
        if imp != "agilis" && imp != "agilis-portable" {
            continue;
        }
        let has_aws = medians
            .iter()
            .any(|o| o.id == format!("{prefix}/direct-aws-lc"));
        for o in medians {
            let Some((o_prefix, o_imp)) = o.id.rsplit_once('/') else {
                continue;
            };
            if o_prefix != prefix || !o_imp.starts_with("direct") || o_imp.ends_with("-prepared") {
                continue;
            }
            if imp == "agilis-portable" && o_imp != "direct-rustcrypto" {
                continue;
            }
            if imp == "agilis" && o_imp == "direct-rustcrypto" && has_aws {
                continue;
            }
            out.push(Dispatch {
                operation: prefix.to_string(),
                agilis: imp.to_string(),
                agilis_ns: m.median_ns,
                direct: o_imp.to_string(),
                direct_ns: o.median_ns,
                difference_percent: 100.0 * (m.median_ns - o.median_ns) / o.median_ns,
            });
        }
    }
    out
}

fn str_of(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

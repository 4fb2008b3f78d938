//! `bench-harness report` from fixture inputs: criterion estimates, avr.json,
//! cortex-m4.json, fpga.json and the handover figures written to a temporary directory, read the
//! way a run reads them, rendered and written. Checks that the page, the
//! SVG plots and report.json are well-formed and carry the right numbers.
//! No benchmark runs.

#[allow(dead_code)]
#[path = "../src/report"]
mod report {
    #[path = "criterion.rs"]
    pub mod criterion;
    #[path = "figures.rs"]
    pub mod figures;
    #[path = "handover.rs"]
    pub mod handover;
    #[path = "inputs.rs"]
    pub mod inputs;
    #[path = "markdown.rs"]
    pub mod markdown;
    #[path = "offload.rs"]
    pub mod offload;
    #[path = "plots.rs"]
    pub mod plots;
    #[path = "published.rs"]
    pub mod published;
    #[path = "render.rs"]
    pub mod render;
    #[path = "svg.rs"]
    pub mod svg;
}

use std::path::{Path, PathBuf};

use report::inputs::{FpgaSource, Inputs, Machine, Meta, Outcome, Stage};
use serde_json::{Value, json};

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let dir = std::env::temp_dir().join(format!(
            "agilis-report-{tag}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

/// `AGILIS_REPORT_TEST_KEEP=1` keeps the rendered files to look at (the path is printed).
impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("AGILIS_REPORT_TEST_KEEP").is_some() {
            eprintln!("kept {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// One criterion result as criterion 0.8 stores it (only the fields read).
fn estimate(home: &Path, dir: &str, kind: &str, full_id: &str, median_ns: f64, bytes: Option<u64>) {
    let d = home.join(dir).join(kind);
    std::fs::create_dir_all(&d).unwrap();
    let est = json!({
        "mean": {"point_estimate": median_ns * 1.01, "standard_error": 1.0},
        "median": {"point_estimate": median_ns, "standard_error": 1.0,
                   "confidence_interval": {"confidence_level": 0.95, "lower_bound": median_ns * 0.99, "upper_bound": median_ns * 1.01}},
    });
    let bench = json!({
        "group_id": full_id.rsplit_once('/').map(|x| x.0), "function_id": full_id.rsplit_once('/').map(|x| x.1), "value_str": null,
        "throughput": bytes.map(|b| json!({"Bytes": b})), "full_id": full_id, "directory_name": dir, "title": full_id,
    });
    std::fs::write(d.join("estimates.json"), est.to_string()).unwrap();
    std::fs::write(d.join("benchmark.json"), bench.to_string()).unwrap();
}

fn host_fixture(home: &Path) {
    estimate(
        home,
        "aead_aes/seal/16384/agilis",
        "new",
        "aead/aes-256-gcm/seal/16384/agilis",
        1000.0,
        Some(16384),
    );
    // An older run's result beside it: only `new/` counts.
    estimate(
        home,
        "aead_aes/seal/16384/agilis",
        "base",
        "aead/aes-256-gcm/seal/16384/agilis",
        9999.0,
        Some(16384),
    );
    estimate(
        home,
        "aead_aes/seal/16384/direct-aws-lc",
        "new",
        "aead/aes-256-gcm/seal/16384/direct-aws-lc",
        1010.0,
        Some(16384),
    );
    estimate(
        home,
        "aead_chacha/seal/16384/agilis",
        "new",
        "aead/chacha20-poly1305/seal/16384/agilis",
        6400.0,
        Some(16384),
    );
    estimate(
        home,
        "kem_mlkem768/keygen/agilis",
        "new",
        "kem/ml-kem-768/keygen/agilis",
        20_000.0,
        None,
    );
    estimate(
        home,
        "kem_mlkem768/encaps/agilis",
        "new",
        "kem/ml-kem-768/encaps/agilis",
        19_300.0,
        None,
    );
    estimate(
        home,
        "kem_mlkem768/decaps/agilis",
        "new",
        "kem/ml-kem-768/decaps/agilis",
        38_800.0,
        None,
    );
    estimate(
        home,
        "sig_ed25519/sign/agilis",
        "new",
        "sig/ed25519/sign/agilis",
        29_100.0,
        None,
    );
    estimate(
        home,
        "sig_ed25519/sign/direct",
        "new",
        "sig/ed25519/sign/direct",
        28_600.0,
        None,
    );
}

fn avr_fixture() -> Value {
    json!({
        "target": "avr-atmega328p", "clock_hz": 16_000_000,
        "images": [
            {"image": "baseline", "fits": true, "flash_bytes": 4916, "static_ram_bytes": 124},
            {"image": "ascon-8bit", "fits": true, "algorithm": "ascon-aead128", "implementation": "agilis ascon8 (8-bit, compact)",
             "code_bytes_over_baseline": 2926, "static_ram_bytes": 256, "peak_stack_bytes": 153, "seal_cycles_per_byte_long": 598.3125,
             "runs": [{"ad_bytes": 16, "msg_bytes": 16, "seal_cycles": 59096, "open_cycles": 59787, "seal_kbps": 34.66},
                      {"ad_bytes": 0, "msg_bytes": 256, "seal_cycles": 170000, "open_cycles": 171000, "seal_kbps": 192.77}]},
            {"image": "ascon-portable", "fits": true, "algorithm": "ascon-aead128", "implementation": "RustCrypto ascon-aead",
             "code_bytes_over_baseline": 9502, "static_ram_bytes": 252, "peak_stack_bytes": 333,
             "runs": [{"ad_bytes": 16, "msg_bytes": 16, "seal_cycles": 81758, "open_cycles": 82400, "seal_kbps": 25.05}]},
            {"image": "aes-256-gcm", "fits": false, "algorithm": "aes-256-gcm", "code_bytes_over_baseline": 23670,
             "static_ram_bytes": 270, "why": "builds and fits the flash, but does not run: killed"},
        ],
    })
}

fn cortex_fixture() -> Value {
    json!({
        "target": "cortex-m4",
        "aead": [
            {"algorithm": "ascon-aead128", "implementation": "RustCrypto ascon-aead", "ad_bytes": 16, "msg_bytes": 16, "seal_instructions": 6400, "open_instructions": 6687},
            {"algorithm": "ascon-aead128", "implementation": "RustCrypto ascon-aead", "ad_bytes": 0, "msg_bytes": 64, "seal_instructions": 7488, "open_instructions": 7734},
            {"algorithm": "chacha20-poly1305", "implementation": "RustCrypto chacha20poly1305", "ad_bytes": 16, "msg_bytes": 16, "seal_instructions": 3899, "open_instructions": 3948},
        ],
        "aead_instructions_per_byte_long": {"ascon-aead128": 66.25, "chacha20-poly1305": 33.2},
        "code_bytes": [
            {"part": "ascon-aead128 (agilis ascon8) via AeadKey", "opt_level": "3", "bytes": 5828, "over": "harness"},
            {"part": "ascon-aead128 (RustCrypto) via AeadKey", "opt_level": "3", "bytes": 12004, "over": "harness"},
            {"part": "ascon-aead128 (agilis ascon8) via AeadKey", "opt_level": "s", "bytes": 2336, "over": "harness"},
            {"part": "ascon-aead128 (RustCrypto) via AeadKey", "opt_level": "s", "bytes": 3504, "over": "harness"},
        ],
        "kem": [{"algorithm": "ml-kem-768", "keygen_instructions": 941850, "encaps_instructions": 1037137, "decaps_instructions": 1177922}],
        "signature": [],
    })
}

/// The handover figures as `bench-harness handover` writes them (results/handover.json).
fn handover_fixture() -> Value {
    let phase = |hashes: u32, mults: u32, median_ms: f64| json!({"counts": {"hashes": hashes, "mults": mults}, "median_ms": median_ms});
    let row = |m: u32, edge_ms: f64, bytes: u32| {
        json!({
            "m": m,
            "vehicle_precompute": phase(0, m + 1, 3.893856),
            "vehicle_online": phase(1, 0, 0.003285),
            "vehicle_response": phase(2, 4, 0.84355),
            "vehicle_handover_ms": 0.846835,
            "vehicle_model": {"hashes": 3, "mults": 4},
            "edge": phase(4, m + 7, edge_ms),
            "edge_model": {"hashes": 4, "mults": m + 7},
            "bytes_on_air": bytes,
            "published_bytes": 140 + 32 * m,
            "handovers_per_sec_per_core": 1e3 / edge_ms,
        })
    };
    json!({
        "command": "cargo run --release -p agilis-bench --bin bench-harness -- handover --iterations 40",
        "date_utc": "2026-11-23",
        "machine": {"cpu": "Intel Xeon Processor (Fixture)", "cores": 2, "virtualized": true},
        "iterations": 40,
        "primitives": {"t_m_ms": 0.255811, "t_m_vartime_ms": 0.271694, "t_m_generator_ms": 0.077501,
                       "t_m_aws_lc_ms": 0.04509, "t_h_ms": 0.000239, "hash_input_bytes": 256},
        "baseline": [row(15, 4.743043, 719), row(30, 9.203819, 1199)],
        "agilis": {"vehicle_precompute_ms": 0.530024, "vehicle_online_ms": 0.00653, "vehicle_response_ms": 0.220687,
                   "edge_ms": 0.431, "bytes_on_air": 13389, "handovers_per_sec_per_core": 2290.4},
        "agilis_error": null,
        "goal": {"edge_limit_ms": 2.3715215, "vehicle_online_limit_ms": 0.2, "edge_met": true, "vehicle_online_met": true},
    })
}

fn core(name: &str, alg: &str, luts: u64, fmax: f64, cycles: u64, mbps: f64) -> Value {
    json!({
        "synth": {"job": {"name": name}, "resources": {"luts": luts, "ffs": 1055}, "depth": {"fmax_mhz": fmax}},
        "algorithm": alg,
        "throughput": [{"msg_bytes": 16, "ad_bytes": 16, "cycles": cycles, "mbps_msg": mbps},
                       {"msg_bytes": 1536, "ad_bytes": 1536, "cycles": 1569, "mbps_msg": mbps * 3.0}],
    })
}

fn fpga_fixture() -> Value {
    json!({
        "command": "cargo run --release -p agilis-bench --bin bench-harness -- fpga",
        "date_utc": "2026-11-20", "quick": false, "synth_flow": "synth_xilinx -family xc7 -flatten -abc9",
        "tools": {"yosys": "Yosys 0.23", "verilator": "Verilator 5.006"},
        "delay_model": {"name": "artix7-conservative"},
        "cores": [
            core("ascon_r1_b64", "ascon", 1865, 95.2, 49, 248.8),
            core("ascon_r4_b128", "ascon", 4591, 65.6, 13, 645.6),
            core("ascon_r4_b64", "ascon", 4567, 64.7, 14, 591.8),
            core("aes256_gcm", "aes", 2972, 122.0, 43, 363.0),
        ],
    })
}

fn stage(name: &str, outcome: Outcome) -> Stage {
    Stage {
        name: name.into(),
        what: format!("{name} fixture"),
        outcome,
        seconds: 1.0,
    }
}

fn meta(stages: Vec<Stage>) -> Meta {
    Meta {
        command: "cargo run --release -p agilis-bench --bin bench-harness -- report --quick".into(),
        date_utc: "2026-11-23 17:00 UTC".into(),
        unix_time: 1_795_453_200,
        git_commit: "0123456789abcdef+dirty".into(),
        machine: Machine {
            cpu: "Intel Xeon Processor (Fixture)".into(),
            cores: 2,
            virtualized: true,
            memory_gib: Some(24.0),
            kernel: Some("6.18.0".into()),
            crypto_flags: vec!["aes".into(), "avx2".into()],
        },
        tools: [
            ("rustc".to_string(), Some("rustc 1.95.0".to_string())),
            ("simavr".to_string(), None),
        ]
        .into_iter()
        .collect(),
        quick: true,
        criterion_args: vec!["--warm-up-time".into(), "0.2".into()],
        stages,
    }
}

fn full_inputs(dir: &Path) -> Inputs {
    let home = dir.join("criterion");
    host_fixture(&home);
    let hs = dir.join("criterion-handshake");
    estimate(
        &hs,
        "handshake/x/initiator",
        "new",
        "handshake/ml-kem-768+x25519/initiator",
        1_234_000.0,
        None,
    );
    estimate(
        &hs,
        "handshake/x/responder",
        "new",
        "handshake/ml-kem-768+x25519/responder",
        987_000.0,
        None,
    );
    // The stage outputs go through files, as in a run.
    let write = |name: &str, v: &Value| {
        let p = dir.join(name);
        std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
        serde_json::from_str::<Value>(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    Inputs {
        meta: meta(vec![
            stage("host", Outcome::Ran),
            stage("handshake", Outcome::Ran),
            stage("handover", Outcome::Ran),
            stage("avr", Outcome::Ran),
            stage("cortex-m", Outcome::Ran),
            stage(
                "fpga",
                Outcome::Stored("bench-harness/results/fpga.json, dated 2026-11-20".into()),
            ),
        ]),
        host: Some(report::criterion::read_medians(&home).unwrap()),
        handshake: Some(report::criterion::read_medians(&hs).unwrap()),
        handover: Some(write("handover.json", &handover_fixture())),
        avr: Some(write("avr.json", &avr_fixture())),
        cortex_m: Some(write("cortex-m4.json", &cortex_fixture())),
        fpga: Some(FpgaSource {
            json: write("fpga.json", &fpga_fixture()),
            path: "bench-harness/results/fpga.json".into(),
            rerun: false,
            commit: Some("a005ba2 2026-11-23 (the last commit of the file)".into()),
        }),
        offload: None,
    }
}

/// A small XML well-formedness check: balanced tags, quoted attributes,
/// escaped text, one root element named `root`.
fn assert_well_formed(xml: &str, root: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        check_text(&rest[..open]);
        rest = &rest[open..];
        if let Some(r) = rest.strip_prefix("<!--") {
            rest = &r[r.find("-->").expect("unterminated comment") + 3..];
            continue;
        }
        if let Some(r) = rest.strip_prefix("<?") {
            rest = &r[r.find("?>").expect("unterminated declaration") + 2..];
            continue;
        }
        let close = rest.find('>').expect("unterminated tag");
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        assert!(!tag.contains('<'), "'<' inside tag {tag:?}");
        assert_eq!(
            tag.matches('"').count() % 2,
            0,
            "unbalanced quotes in {tag:?}"
        );
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "mismatched </{name}>"
            );
            continue;
        }
        let name = tag
            .split_whitespace()
            .next()
            .expect("empty tag")
            .trim_end_matches('/')
            .to_string();
        if stack.is_empty() {
            roots += 1;
            assert_eq!(name, root);
        }
        if !tag.ends_with('/') {
            stack.push(name);
        }
    }
    check_text(rest);
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    assert_eq!(roots, 1, "expected one root element");
}

fn check_text(text: &str) {
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"]
                .iter()
                .any(|e| entity.starts_with(e)),
            "unescaped & in {text:?}"
        );
    }
}

/// (data-value, width) of every bar of `class` in an SVG.
fn bars(svg: &str, class: &str) -> Vec<(f64, f64)> {
    let attr = |line: &str, name: &str| -> f64 {
        let start = line.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        line[start..start + line[start..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    svg.lines()
        .filter(|l| l.starts_with("<rect") && l.contains(&format!("class=\"bar {class}\"")))
        .map(|l| (attr(l, "data-value"), attr(l, "width")))
        .collect()
}

#[test]
fn report_from_fixtures() {
    let tmp = TempDir::new("full");
    let inputs = full_inputs(&tmp.0);
    // Only `new/` estimates are read, and every one of them.
    let host = inputs.host.as_ref().unwrap();
    assert_eq!(host.len(), 8);
    assert_eq!(
        report::criterion::find(host, "aead/aes-256-gcm/seal/16384/agilis")
            .unwrap()
            .median_ns,
        1000.0
    );

    let rendered = report::render::render(&inputs);
    let docs = tmp.0.join("docs");
    let json_path = tmp.0.join("results/report.json");
    let written = report::render::write(&rendered, Some(&docs), &json_path).unwrap();
    assert_eq!(written.len(), 1 + rendered.plots.len() + 1);

    // The page.
    let md = std::fs::read_to_string(docs.join("benchmarks.md")).unwrap();
    assert!(md.starts_with("# Benchmarks\n\n<!-- generated by `bench-harness report`"));
    assert!(
        md.contains("cargo run --release -p agilis-bench --bin bench-harness -- report --quick")
    );
    assert!(md.contains("2026-11-23 17:00 UTC (commit `0123456789abcdef+dirty`)"));
    assert!(md.contains(
        "2 vCPUs of Intel Xeon Processor (Fixture) (virtualized; aes avx2), 24 GiB, Linux 6.18.0"
    ));
    assert!(md.contains("simavr: not installed"));
    // The TARGETS.md-shaped row: the fastest 8-bit image, the Cortex-M4 code of the
    // implementation measured (RustCrypto, opt-level s), 128 bits x 64 MHz / 6400
    // instructions = 1280 kb/s, and the smallest FPGA configuration above 538.3 Mb/s.
    assert!(
        md.contains("| **agilis Ascon-AEAD128** | **2926** | **34.7** | **3504** | **1280.0*** | **4567** | **591.8*** |"),
        "{md}"
    );
    assert!(md.contains("| ASCON (published) | 3662 | 17.0 | 1392 | 589.9 | 1790 | 538.3 |"));
    assert!(md.contains("| ATmega328P, 16 MHz | Ascon code | 3662 B | 2926 B | 0.80× |"));
    assert!(
        md.contains("| ATmega328P, 16 MHz | Ascon speed (16,16) | 17 kb/s | 34.66 kb/s | 2.04× |")
    );
    assert!(md.contains(
        "| Artix-7 | Ascon speed (16,16) | 538.3 Mb/s | 591.8 Mb/s (estimate) | 1.10× |"
    ));
    assert!(md.contains("| Cortex-M4 (published: nRF52840, 64 MHz) | Ascon speed (16,16) | 589.9 kb/s | 1280 kb/s (estimate) | 2.17× |"));
    assert!(md.contains(
        "6400 instructions per (16,16) seal in QEMU; **estimate** at 1 instruction/cycle and 64 MHz"
    ));
    // Per-target tables.
    assert!(md.contains("| ascon-8bit | ascon-aead128 | agilis ascon8 (8-bit, compact) | 2926 | 256 | 153 | 59,096 | 34.66 | 598.3 |"));
    assert!(md.contains("| aes-256-gcm | aes-256-gcm | - | 23670 | 270 | - | - | - | does not run: builds and fits the flash, but does not run: killed |"));
    assert!(
        md.contains("| ascon-aead128 | RustCrypto ascon-aead | 6,400 | 66.2 | 1280.0 |")
            || md.contains("| ascon-aead128 | RustCrypto ascon-aead | 6,400 | 66.3 | 1280.0 |")
    );
    assert!(md.contains("| ml-kem-768 | 941,850 | 1,037,137 | 1,177,922 |"));
    assert!(md.contains("**Stored figures, not rerun by this command:** read from `bench-harness/results/fpga.json`, dated 2026-11-20, commit `a005ba2"));
    assert!(md.contains("| ascon_r4_b64 | 4567 | 1055 | 65 | 14 | 591.8 | 1775.4 |"));
    // Host: 8 x 16384 / 1000 ns = 131.072 Gb/s; the dispatch difference is (1000 - 1010) / 1010.
    assert!(md.contains(
        "| AES-256-GCM seal, 16 KiB | 131.1 Gb/s | aws-lc-rs 76.9 Gb/s; `aes-gcm` crate 11.4 Gb/s |"
    ));
    assert!(md.contains("| ML-KEM-768 keygen / encaps / decaps | 20 µs / 19.3 µs / 38.8 µs |"));
    assert!(md.contains("| Falcon-512 sign / verify | not measured |"));
    assert!(md.contains(
        "| `aead/aes-256-gcm/seal/16384` | agilis | 1 µs | direct-aws-lc | 1.01 µs | -1.0% |"
    ));
    assert!(md.contains("| `sig/ed25519/sign` | agilis | 29.1 µs | direct | 28.6 µs | +1.7% |"));
    assert!(md.contains("| `aead/aes-256-gcm/seal/16384/agilis` | 1 µs | 131.07 |"));
    assert!(
        !md.contains("10 µs"),
        "a base/ estimate leaked into the page"
    );
    assert!(md.contains("| ml-kem-768+x25519 | initiator | 1.23 ms |"));
    // The handover section: its table, the goal check, the baseline's provenance, the link.
    let handover = &md[md
        .find(report::handover::TITLE)
        .expect("no handover section")..];
    let handover = &handover[..handover[3..]
        .find("\n## ")
        .map_or(handover.len(), |e| e + 3)];
    for line in [
        "Medians of 40 handovers per phase on one core, measured in this run by the code of `bench-harness handover`",
        "(alone: `cargo run --release -p agilis-bench --bin bench-harness -- handover --iterations 40`)",
        "| scheme | ring m | vehicle precompute | vehicle online | vehicle response | edge | bytes on the air | handovers/s per edge core |",
        "| SecCDV baseline (P-256) | 15 | 3.89 ms | 3.29 µs | 844 µs | 4.74 ms | 719 | 211 |",
        "| SecCDV baseline (P-256) | 30 | 3.89 ms | 3.29 µs | 844 µs | 9.2 ms | 1199 | 109 |",
        "| agilis | – | 530 µs | 6.53 µs | 221 µs | 431 µs | 13389 | 2290 |",
        "- agilis edge cost ≤ ½ of the SecCDV edge cost at m = 15 (≤ 2.37 ms): **met** (431 µs)",
        "- agilis vehicle online cost ≤ 200 µs: **met** (6.53 µs)",
        "The SecCDV baseline is a reconstruction from the paper's published cost model",
        "[handover.md](handover.md)",
    ] {
        assert!(handover.contains(line), "missing {line:?} in\n{handover}");
    }
    assert_eq!(
        handover.matches("| SecCDV baseline").count() + handover.matches("| agilis |").count(),
        3
    );
    assert!(md.contains("| handover | handover fixture | measured in this run | 1 s |"));
    // Every plot is linked and written.
    for (file, svg) in &rendered.plots {
        assert!(
            md.contains(&format!("(plots/{file})")),
            "{file} is not linked"
        );
        let on_disk = std::fs::read_to_string(docs.join("plots").join(file)).unwrap();
        assert_eq!(&on_disk, svg);
        assert_well_formed(svg, "svg");
    }

    // The plots' bars carry the figures, at widths proportional to them.
    let speed = &rendered
        .plots
        .iter()
        .find(|p| p.0 == "avr-speed.svg")
        .unwrap()
        .1;
    let ours = bars(speed, "agilis");
    let published = bars(speed, "published");
    assert_eq!(
        ours.iter().map(|b| b.0).collect::<Vec<_>>(),
        vec![34.66, 25.05]
    );
    assert_eq!(published.len(), 5);
    let ascon = published.iter().find(|b| b.0 == 17.0).unwrap();
    assert!(
        (ours[0].1 / ascon.1 - 34.66 / 17.0).abs() < 0.01,
        "bar widths are not proportional"
    );
    assert!(speed.contains(">34.7<") && speed.contains(">kb/s of message (higher is better)<"));
    let cm = &rendered
        .plots
        .iter()
        .find(|p| p.0 == "cortex-m4-speed.svg")
        .unwrap()
        .1;
    assert!(cm.contains("ESTIMATED") && cm.contains("1 instruction per cycle"));
    let luts = &rendered
        .plots
        .iter()
        .find(|p| p.0 == "fpga-luts.svg")
        .unwrap()
        .1;
    assert_eq!(
        bars(luts, "agilis").iter().map(|b| b.0).collect::<Vec<_>>(),
        vec![1865.0, 4591.0, 4567.0, 2972.0]
    );

    // The JSON.
    let j: Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(j["meta"]["git_commit"], "0123456789abcdef+dirty");
    assert_eq!(j["meta"]["machine"]["cores"], 2);
    assert_eq!(j["meta"]["tools"]["rustc"], "rustc 1.95.0");
    assert!(j["meta"]["tools"]["simavr"].is_null());
    let cmp = j["comparison"].as_array().unwrap();
    assert_eq!(cmp.len(), 6);
    let find = |platform: &str, figure: &str| {
        cmp.iter()
            .find(|c| {
                c["platform"].as_str().unwrap().starts_with(platform) && c["figure"] == figure
            })
            .unwrap()
    };
    assert_eq!(find("ATmega", "Ascon code")["agilis"], 2926.0);
    assert_eq!(find("ATmega", "Ascon code")["unit"], "B");
    assert_eq!(find("ATmega", "Ascon speed (16,16)")["agilis"], 34.66);
    assert_eq!(find("Cortex", "Ascon speed (16,16)")["agilis"], 1280.0);
    assert_eq!(find("Cortex", "Ascon speed (16,16)")["estimate"], true);
    assert_eq!(find("Artix", "Ascon LUTs")["agilis"], 4567.0);
    assert_eq!(find("Artix", "Ascon speed (16,16)")["published"], 538.3);
    let medians = j["host"]["medians"].as_array().unwrap();
    assert_eq!(medians.len(), 8);
    let aes = medians
        .iter()
        .find(|m| m["id"] == "aead/aes-256-gcm/seal/16384/agilis")
        .unwrap();
    assert_eq!(aes["median_ns"], 1000.0);
    assert!((aes["gbps"].as_f64().unwrap() - 131.072).abs() < 1e-9);
    assert_eq!(j["handshake"][0]["suite"], "ml-kem-768+x25519");
    assert_eq!(j["handshake"][0]["median_ns"], 1_234_000.0);
    assert_eq!(j["handover"], handover_fixture());
    assert_eq!(j["meta"]["stages"][2]["name"], "handover");
    assert_eq!(j["avr"]["images"][1]["code_bytes_over_baseline"], 2926);
    assert_eq!(j["fpga"]["rerun_in_this_run"], false);
    assert_eq!(j["fpga"]["figures"]["date_utc"], "2026-11-20");
    assert_eq!(
        j["published"]["lwc_16_16"][0]["atmega328p_code_bytes"],
        3662
    );

    // What the command prints is the page's tables.
    for line in rendered.summary.lines().filter(|l| l.starts_with('|')) {
        assert!(md.contains(line), "printed line not on the page: {line}");
    }
}

#[test]
fn missing_stages_are_declared_not_invented() {
    let tmp = TempDir::new("missing");
    let inputs = Inputs {
        meta: meta(vec![
            stage("host", Outcome::Skipped("not selected (--only)".into())),
            stage(
                "handshake",
                Outcome::Skipped("agilis-negotiate has no `handshake` bench".into()),
            ),
            stage("handover", Outcome::Skipped("not selected (--only)".into())),
            stage(
                "avr",
                Outcome::Skipped("missing simavr (install: apt-get install simavr)".into()),
            ),
            stage(
                "cortex-m",
                Outcome::Failed("QEMU exited with 1:\n boom".into()),
            ),
            stage(
                "fpga",
                Outcome::Skipped("no bench-harness/results/fpga.json".into()),
            ),
        ]),
        host: None,
        handshake: None,
        handover: None,
        avr: None,
        cortex_m: None,
        fpga: None,
        offload: None,
    };
    let rendered = report::render::render(&inputs);
    report::render::write(
        &rendered,
        Some(&tmp.0.join("docs")),
        &tmp.0.join("report.json"),
    )
    .unwrap();
    let md = &rendered.markdown;
    assert!(md.contains(
        "| avr | avr fixture | skipped: missing simavr (install: apt-get install simavr) | 1 s |"
    ));
    assert!(
        md.contains("| cortex-m | cortex-m fixture | **failed:** QEMU exited with 1: boom | 1 s |")
    );
    assert!(md.contains(
        "Not measured in this run (skipped: missing simavr (install: apt-get install simavr))."
    ));
    assert!(md.contains("Not measured (agilis-negotiate has no `handshake` bench)."));
    assert!(md.contains(&format!(
        "{}\n\nNot measured in this run (skipped: not selected (--only)).\n",
        report::handover::TITLE
    )));
    assert!(!md.contains("| SecCDV baseline"));
    assert!(md.contains("| **agilis Ascon-AEAD128** | **not measured** | **not measured** | **not measured** | **not measured** | **not measured** | **not measured** |"));
    assert!(!md.contains("## Every median"));
    for (_, svg) in &rendered.plots {
        assert_well_formed(svg, "svg");
        assert!(bars(svg, "agilis").is_empty());
        assert!(svg.contains("not measured"));
    }
    let j: Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.0.join("report.json")).unwrap()).unwrap();
    assert!(
        j["host"].is_null() && j["handover"].is_null() && j["avr"].is_null() && j["fpga"].is_null()
    );
    assert!(
        j["comparison"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["agilis"].is_null())
    );
    assert_eq!(j["meta"]["stages"][4]["outcome"]["status"], "failed");
}

#[test]
fn svg_axis_and_escaping() {
    assert_eq!(report::svg::axis_scale(34.66), (10.0, 40.0));
    assert_eq!(report::svg::axis_scale(4591.0), (1000.0, 5000.0));
    assert_eq!(report::svg::axis_scale(100.0), (20.0, 120.0));
    assert_eq!(
        report::svg::esc("a<b & \"c\">"),
        "a&lt;b &amp; &quot;c&quot;&gt;"
    );
    assert_eq!(report::criterion::fmt_time(38_800.0), "38.8 µs");
    assert_eq!(report::criterion::fmt_time(64.83), "64.8 ns");
    assert_eq!(report::criterion::fmt_time(1_234_000.0), "1.23 ms");
    assert_eq!(report::markdown::thousands(1_177_922), "1,177,922");
}

#[test]
fn handover_without_agilis_row_says_why() {
    let mut figures = handover_fixture();
    figures["agilis"] = Value::Null;
    figures["agilis_error"] = json!("agilis v2x handover: no policy named `vehicle`");
    figures["goal"]["edge_met"] = Value::Null;
    figures["goal"]["vehicle_online_met"] = Value::Null;
    let mut s = String::new();
    report::handover::figures(&mut s, &figures);
    assert!(s.contains("| SecCDV baseline (P-256) | 30 |"), "{s}");
    assert!(!s.contains("| agilis |"), "{s}");
    assert!(
        s.contains("agilis: not measured (agilis v2x handover: no policy named `vehicle`)."),
        "{s}"
    );
    assert!(s.contains("(≤ 2.37 ms): not measured\n"), "{s}");
    assert!(
        s.contains("- agilis vehicle online cost ≤ 200 µs: not measured\n"),
        "{s}"
    );
}

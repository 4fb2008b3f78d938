//! Verilates the hdl/ designs and compiles each with its C++ shim into a
//! static library, so that Rust drives the same RTL that Yosys synthesizes.
//!
//! Without Verilator on PATH the crate still builds, with no models: tests
//! then print a notice and skip, or fail under `CI=true` (see `lib.rs`).

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One Verilated model: a top module, its parameters, the RTL files (by
/// prefix in hdl/rtl/) and the shim that gives it a C ABI.
struct Model {
    name: &'static str,
    top: &'static str,
    rtl_prefixes: &'static [&'static str],
    params: &'static [(&'static str, &'static str)],
    shim: &'static str,
}

const ASCON_RTL: &[&str] = &["ascon_", "agilis_cells"];
const AES_RTL: &[&str] = &["aes256_gcm", "aes_", "ghash_"];
const TOP_RTL: &[&str] = &["agilis_", "ascon_", "aes256_gcm", "aes_", "ghash_"];

const MODELS: &[Model] = &[
    Model { name: "ascon_r1_b64", top: "ascon_aead128", rtl_prefixes: ASCON_RTL, params: &[("ROUNDS_PER_CYCLE", "1"), ("BUS", "64")], shim: "core_shim.cpp" },
    Model { name: "ascon_r1_b128", top: "ascon_aead128", rtl_prefixes: ASCON_RTL, params: &[("ROUNDS_PER_CYCLE", "1"), ("BUS", "128")], shim: "core_shim.cpp" },
    Model { name: "ascon_r2_b64", top: "ascon_aead128", rtl_prefixes: ASCON_RTL, params: &[("ROUNDS_PER_CYCLE", "2"), ("BUS", "64")], shim: "core_shim.cpp" },
    Model { name: "ascon_r2_b128", top: "ascon_aead128", rtl_prefixes: ASCON_RTL, params: &[("ROUNDS_PER_CYCLE", "2"), ("BUS", "128")], shim: "core_shim.cpp" },
    Model { name: "ascon_r4_b64", top: "ascon_aead128", rtl_prefixes: ASCON_RTL, params: &[("ROUNDS_PER_CYCLE", "4"), ("BUS", "64")], shim: "core_shim.cpp" },
    Model { name: "ascon_r4_b128", top: "ascon_aead128", rtl_prefixes: ASCON_RTL, params: &[("ROUNDS_PER_CYCLE", "4"), ("BUS", "128")], shim: "core_shim.cpp" },
    Model { name: "aes256_gcm", top: "aes256_gcm", rtl_prefixes: AES_RTL, params: &[("BUS", "128")], shim: "core_shim.cpp" },
    // The card's top level (agilis_top): 4 lanes, lanes 2 and 3 AES-256-GCM, 0 and 1 Ascon (2 rounds/cycle).
    Model { name: "top_mixed", top: "agilis_top", rtl_prefixes: TOP_RTL, params: &[("N_LANES", "4"), ("LANE_AES_MASK", "12"), ("ASCON_ROUNDS_PER_CYCLE", "2"), ("KEY_SLOTS", "16")], shim: "top_shim.cpp" },
    // The smallest corners of the parameters: one Ascon lane (1 round/cycle), 3 key slots, an 8-entry ring, 4 KiB jobs.
    Model { name: "top_small", top: "agilis_top", rtl_prefixes: TOP_RTL, params: &[("N_LANES", "1"), ("LANE_AES_MASK", "0"), ("ASCON_ROUNDS_PER_CYCLE", "1"), ("KEY_SLOTS", "3"), ("RING_MAX_LOG2", "3"), ("MAX_LEN_LOG2", "12")], shim: "top_shim.cpp" },
];

/// The model that stands in for the card outside the tests (`sim_bus::CARD_MODEL`).
const CARD_MODEL: &str = "top_mixed";

/// The generated table: each model's name and the shim function returning its API.
const MODELS_DECL: &str = "/// Returns a shim's API table.\npub(crate) type ModelApi = fn() -> *const std::ffi::c_void;\npub(crate) const MODELS: &[(&str, ModelApi)] = ";

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let rtl_dir = manifest.join("../hdl/rtl");
    let csrc = manifest.join("csrc");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed={}", rtl_dir.display());
    println!("cargo:rerun-if-changed={}", csrc.display());
    println!("cargo:rerun-if-env-changed=PATH");
    println!("cargo::rustc-check-cfg=cfg(agilis_verilated)");

    let root = match verilator_root() {
        Some(root) => root,
        None => {
            println!("cargo:warning=verilator not found on PATH: hdl/ models not built (apt-get install verilator)");
            std::fs::write(out.join("models.rs"), format!("{MODELS_DECL}&[];\n")).unwrap();
            return;
        }
    };
    println!("cargo:rustc-cfg=agilis_verilated");
    let include = root.join("include");
    let jobs = env::var("NUM_JOBS").unwrap_or_else(|_| "2".into());

    let mut registry = format!("{MODELS_DECL}&[\n");
    let mut externs = String::from("unsafe extern \"C\" {\n");
    // Without the `all-models` feature (the agilis CLI's case) only the card
    // model is built: the CLI's simulated card needs nothing else.
    let all_models = env::var_os("CARGO_FEATURE_ALL_MODELS").is_some();
    for model in MODELS.iter().filter(|m| all_models || m.name == CARD_MODEL) {
        let files = rtl_files(&rtl_dir, model.rtl_prefixes);
        let mdir = out.join(model.name);
        let prefix = format!("V{}", model.name);
        let mut cmd = Command::new("verilator");
        cmd.args(["--cc", "--build", "-j", &jobs, "-Wno-fatal", "--x-assign", "unique", "--x-initial", "unique"])
            .arg("--prefix").arg(&prefix)
            .arg("-Mdir").arg(&mdir)
            .arg("--top-module").arg(model.top)
            .args(["-CFLAGS", "-fPIC -O2"])
            .arg(format!("-I{}", rtl_dir.display()));
        for (k, v) in model.params {
            cmd.arg(format!("-G{k}={v}"));
        }
        cmd.args(&files);
        let output = cmd.output().expect("running verilator");
        if !output.status.success() {
            panic!(
                "verilator failed for model {} ({}):\n{}\n{}",
                model.name,
                model.top,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let api = format!("agilis_model_{}", model.name);
        cc::Build::new()
            .cpp(true)
            .file(csrc.join(model.shim))
            .include(&include)
            .include(include.join("vltstd"))
            .include(&mdir)
            .define("MODEL_CLASS", prefix.as_str())
            .define("MODEL_HEADER", format!("\"{prefix}.h\"").as_str())
            .define("MODEL_API", api.as_str())
            .flag_if_supported("-std=c++17")
            .flag_if_supported("-Wno-unused-parameter")
            .opt_level(2)
            .compile(&format!("shim_{}", model.name));
        println!("cargo:rustc-link-search=native={}", mdir.display());
        println!("cargo:rustc-link-lib=static:+verbatim={prefix}__ALL.a");
        externs.push_str(&format!("    fn {api}() -> *const std::ffi::c_void;\n"));
        registry.push_str(&format!("    (\"{}\", || unsafe {{ {api}() }}),\n", model.name));
    }
    externs.push_str("}\n");
    registry.push_str("];\n");

    // The Verilator runtime, once for all models.
    cc::Build::new()
        .cpp(true)
        .file(include.join("verilated.cpp"))
        .file(include.join("verilated_threads.cpp"))
        .include(&include)
        .include(include.join("vltstd"))
        .flag_if_supported("-std=c++17")
        .flag_if_supported("-Wno-unused-parameter")
        .opt_level(2)
        .compile("verilated_runtime");
    println!("cargo:rustc-link-lib=stdc++");
    println!("cargo:rustc-link-lib=pthread");
    std::fs::write(out.join("models.rs"), format!("{externs}\n{registry}")).unwrap();
}

fn verilator_root() -> Option<PathBuf> {
    let output = Command::new("verilator").arg("--getenv").arg("VERILATOR_ROOT").output().ok()?;
    if !output.status.success() {
        return None;
    }
    let root = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    root.join("include/verilated.h").exists().then_some(root)
}

fn rtl_files(dir: &Path, prefixes: &[&str]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".v") && prefixes.iter().any(|pre| name.starts_with(pre))
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no RTL in {} for {:?}", dir.display(), prefixes);
    files
}

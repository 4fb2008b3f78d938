//! The `hdl/` designs as Verilated models, driven from Rust.
//!
//! `build.rs` Verilates each model of its `MODELS` table (a core or the top
//! level, with its parameters) and links it with a small C++ shim; this crate
//! wraps those shims in safe types:
//! - [`core`]: one bare AEAD core behind the contract of `hdl/README.md`,
//!   driven beat by beat. The KAT, differential, tamper and interface tests in
//!   `tests/` and the cycle counts of `bench-harness fpga` use it.
//! - [`top`]: the card's top level (`agilis_top`) with its host memory.
//! - [`sim_bus`]: that model as the bus of `agilis-driver`'s card driver.
//!
//! When Verilator was not on `PATH` at build time, no model exists:
//! [`models_or_skip`] then prints a notice (or, under `CI=true`, panics), so
//! that `cargo test` works on a machine without it and CI never skips.

pub mod core;
pub mod sim_bus;
pub mod top;

mod ffi {
    include!(concat!(env!("OUT_DIR"), "/models.rs"));
}

/// Names of the models this build holds.
pub fn model_names() -> impl Iterator<Item = &'static str> {
    ffi::MODELS.iter().map(|(name, _)| *name)
}

/// The shim's API table of a model, if it was built.
pub(crate) fn model_api(name: &str) -> Option<*const std::ffi::c_void> {
    ffi::MODELS.iter().find(|(n, _)| *n == name).map(|(_, api)| api())
}

/// True when the Verilated models exist. Otherwise prints why `test` is
/// skipped and returns false, or panics under `CI=true`, where a skip would
/// hide a broken setup.
pub fn models_or_skip(test: &str) -> bool {
    if ffi::MODELS.is_empty() {
        let message = format!(
            "{test}: no Verilated models in this build (Verilator was not on PATH when agilis-verilator was built; apt-get install verilator, then cargo clean -p agilis-verilator)"
        );
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{message}; CI=true, so this is a failure");
        }
        eprintln!("notice: {message}; skipping");
        return false;
    }
    true
}

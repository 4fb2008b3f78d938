//! Verilator cycle counts of one core configuration, from the same Verilated
//! models the tests of `verilator-tests/` drive (`agilis_verilator::core`).
//!
//! Each count is `Outcome::cycles` of an encryption at full speed: input
//! always valid, output always ready, from the clock edge that takes `start`
//! until `done` is seen. Every encryption is checked by decrypting its own
//! output with its own tag: the tag must verify, the plaintext must come
//! back, and neither run may report an error or a protocol violation. A
//! figure from a broken run is never reported.

use agilis_verilator::core::{CoreConfig, CoreModel, Job};

/// The (message bytes, AD bytes) points of the report.
pub const POINTS: [(usize, usize); 3] = [(0, 0), (16, 16), (1536, 1536)];

/// Cycle counts at [`POINTS`], in order.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CycleCounts {
    pub model: String,
    pub cycles: [u64; 3],
}

/// Deterministic test bytes (no RNG: the figures must be reproducible).
fn bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

/// Runs the three points on the named model.
pub fn measure(model_name: &str) -> Result<CycleCounts, String> {
    let config = CoreConfig::by_name(model_name).ok_or_else(|| format!("agilis-verilator has no core configuration {model_name:?}"))?;
    let mut model = CoreModel::new(model_name)?;
    let key = bytes(32, 0x11);
    let nonce = bytes(16, 0x22);
    let nonce = &nonce[..config.algorithm.nonce_len()];
    let key = &key[..config.algorithm.key_len()];
    let mut cycles = [0u64; 3];
    for (i, &(msg_len, ad_len)) in POINTS.iter().enumerate() {
        let msg = bytes(msg_len, 0x33);
        let ad = bytes(ad_len, 0x44);
        let enc = model
            .run(&Job { decrypt: false, key, nonce, ad: &ad, msg: &msg, tag: [0; 16] })
            .map_err(|h| format!("{model_name}: encryption of ({msg_len},{ad_len}) hung after {} cycles", h.cycles))?;
        if enc.err || !enc.violations.is_empty() || enc.output.len() != msg_len {
            return Err(format!(
                "{model_name}: encryption of ({msg_len},{ad_len}) misbehaved: err={} output {} of {msg_len} bytes, violations {:?}",
                enc.err,
                enc.output.len(),
                enc.violations
            ));
        }
        let dec = model
            .run(&Job { decrypt: true, key, nonce, ad: &ad, msg: &enc.output, tag: enc.tag })
            .map_err(|h| format!("{model_name}: decryption of ({msg_len},{ad_len}) hung after {} cycles", h.cycles))?;
        if dec.err || !dec.tag_ok || dec.output != msg || !dec.violations.is_empty() {
            return Err(format!(
                "{model_name}: round trip of ({msg_len},{ad_len}) failed: err={} tag_ok={} plaintext {}",
                dec.err,
                dec.tag_ok,
                if dec.output == msg { "matches" } else { "differs" }
            ));
        }
        cycles[i] = enc.cycles;
    }
    Ok(CycleCounts { model: model_name.to_string(), cycles })
}

/// The models this build holds (empty when Verilator was missing at build time).
pub fn available_models() -> Vec<&'static str> {
    agilis_verilator::model_names().collect()
}

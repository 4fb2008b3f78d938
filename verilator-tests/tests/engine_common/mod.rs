//! Shared by the tests of agilis-driver's engines over the simulated card
//! (card_engine.rs, dispatch.rs, ruler.rs): the card, keys loaded into the
//! engine under test and into the software reference, owned job specs, and
//! a batch runner.
#![allow(dead_code)]

use agilis_driver::card::CardEngine;
use agilis_driver::{Direction, Engine, Error, Job, KeyHandle, SoftwareEngine};
use agilis_suites::registry::codepoint as cp;
use agilis_verilator::sim_bus::SimBus;
use agilis_verilator::top::TopModel;

use crate::top_common::Rng;

/// The simulated card (`top_mixed`: two Ascon and two AES lanes) behind
/// `CardEngine`, or None (with a notice; a failure under CI=true) when this
/// build has no Verilated models.
pub fn simulated_card(test: &str) -> Option<CardEngine<SimBus>> {
    if !agilis_verilator::models_or_skip(test) {
        return None;
    }
    let model = TopModel::new("top_mixed").expect("building the top model");
    Some(CardEngine::open(SimBus::new(model)).expect("opening the simulated card"))
}

/// (AEAD code point, key length, nonce length)
pub type AeadShape = (u16, usize, usize);
pub const ASCON: AeadShape = (cp::ASCON_AEAD128, 16, 16);
pub const AES_GCM: AeadShape = (cp::AES_256_GCM, 32, 12);
pub const CHACHA: AeadShape = (cp::CHACHA20_POLY1305, 32, 12);
/// Two keys of each AEAD the card has.
pub const CARD_KEYS: [AeadShape; 4] = [ASCON, AES_GCM, ASCON, AES_GCM];

/// One key loaded into the engine under test and into the reference.
pub struct TwinKey {
    pub aead: u16,
    pub nonce_len: usize,
    pub tested: KeyHandle,
    pub reference: KeyHandle,
}

/// Loads a random key of each shape into both engines.
pub fn load_twins(tested: &dyn Engine, reference: &SoftwareEngine, shapes: &[AeadShape], rng: &mut Rng) -> Vec<TwinKey> {
    shapes
        .iter()
        .map(|&(aead, key_len, nonce_len)| {
            let key = rng.bytes(key_len);
            TwinKey { aead, nonce_len, tested: tested.load_key(aead, &key).unwrap(), reference: reference.load_key(aead, &key).unwrap() }
        })
        .collect()
}

/// A job's inputs, owned, so that both engines get identical copies.
#[derive(Clone, Debug)]
pub struct Spec {
    pub key: usize,
    pub direction: Direction,
    pub nonce: Vec<u8>,
    pub aad: Vec<u8>,
    pub buffer: Vec<u8>,
}

/// Runs `specs` as one batch; returns the results and the buffers afterwards.
pub fn run(engine: &dyn Engine, handle: impl Fn(usize) -> KeyHandle, specs: &[Spec]) -> (Vec<Result<(), Error>>, Vec<Vec<u8>>) {
    let mut buffers: Vec<Vec<u8>> = specs.iter().map(|s| s.buffer.clone()).collect();
    let mut jobs: Vec<Job> = specs
        .iter()
        .zip(buffers.iter_mut())
        .map(|(s, buffer)| Job { key: handle(s.key), direction: s.direction, nonce: &s.nonce, aad: &s.aad, buffer })
        .collect();
    let results = engine.process(&mut jobs);
    drop(jobs);
    (results, buffers)
}

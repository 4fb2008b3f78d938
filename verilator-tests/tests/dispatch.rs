//! `AutoEngine` over the simulated card (`top_mixed`): results are
//! byte-identical to `SoftwareEngine` on both sides of the crossover, and a
//! card that fails makes its jobs fall back to software, with an event.

mod engine_common;
mod top_common;

use std::sync::{Arc, Mutex};

use agilis_driver::card::CardEngine;
use agilis_driver::dispatch::{AutoEngine, DispatchConfig, DispatchEvent, DispatchEventKind};
use agilis_driver::{Direction, Error, SoftwareEngine};
use agilis_verilator::sim_bus::SimBus;
use agilis_verilator::top::HostMemory;
use engine_common::{run, Spec, TwinKey, AES_GCM, ASCON, CHACHA};
use top_common::Rng;

/// Small crossovers, read the way a user's override file is.
const CONFIG: &str = "
[dispatch]
ascon_aead128_crossover = 64   # bytes
aes_256_gcm_crossover = 1_00
max_batch = 8
retry_card_after_jobs = 100
card_deadline_ms = 60_000      # wall time of a simulated batch is not card time
";

fn card(test: &str) -> Option<Arc<CardEngine<SimBus>>> {
    engine_common::simulated_card(test).map(Arc::new)
}

fn recording_dispatcher(card: &Arc<CardEngine<SimBus>>) -> (AutoEngine, Arc<Mutex<Vec<DispatchEvent>>>) {
    let config = DispatchConfig::parse(CONFIG).expect("the test config parses");
    let events = Arc::new(Mutex::new(Vec::new()));
    let log = events.clone();
    let engine = AutoEngine::new(Some(card.clone()), config).with_sink(Arc::new(move |e: &DispatchEvent| log.lock().unwrap().push(e.clone())));
    (engine, events)
}

/// Seals and opens of every length within 3 bytes of each key's crossover,
/// plus empty, tiny and bulk messages; one tampered open per key.
fn specs_around_the_crossover(rng: &mut Rng, config: &DispatchConfig, reference: &SoftwareEngine, keys: &[TwinKey]) -> Vec<Spec> {
    let mut specs = Vec::new();
    for (k, key) in keys.iter().enumerate() {
        let crossover = config.crossover(key.aead).min(200);
        let mut lengths: Vec<usize> = (crossover.saturating_sub(3)..=crossover + 3).collect();
        lengths.extend([0, 1, 1500]);
        for len in lengths {
            let ad_len = rng.below(20);
            let seal = Spec { key: k, direction: Direction::Seal, nonce: rng.bytes(key.nonce_len), aad: rng.bytes(ad_len), buffer: rng.bytes(len) };
            let (_, mut sealed) = run(reference, |i| keys[i].reference, std::slice::from_ref(&seal));
            let open = Spec { direction: Direction::Open, buffer: sealed.remove(0), ..seal.clone() };
            specs.push(seal);
            specs.push(open);
        }
        let mut tampered = specs.last().unwrap().clone();
        tampered.buffer[0] ^= 1;
        specs.push(tampered);
    }
    specs
}

/// Asserts identical results and bytes; returns the results.
fn check_against_software(auto: &AutoEngine, reference: &SoftwareEngine, keys: &[TwinKey], specs: &[Spec]) -> Vec<Result<(), Error>> {
    let (results, buffers) = run(auto, |k| keys[k].tested, specs);
    let (expected_results, expected) = run(reference, |k| keys[k].reference, specs);
    for (i, spec) in specs.iter().enumerate() {
        let what = format!("job {i}: {:?} aead {:#06x} buffer {}", spec.direction, keys[spec.key].aead, spec.buffer.len());
        assert_eq!(results[i], expected_results[i], "{what}");
        assert_eq!(buffers[i], expected[i], "{what}");
    }
    results
}

#[test]
fn results_are_byte_identical_to_software_around_the_crossover() {
    let Some(card) = card("results_are_byte_identical_to_software_around_the_crossover") else { return };
    let (auto, events) = recording_dispatcher(&card);
    let reference = SoftwareEngine::new();
    let mut rng = Rng(0xD15_0001);
    let keys = engine_common::load_twins(&auto, &reference, &[ASCON, AES_GCM, CHACHA], &mut rng);
    let specs = specs_around_the_crossover(&mut rng, auto.config(), &reference, &keys);
    let results = check_against_software(&auto, &reference, &keys, &specs);
    assert_eq!(results.iter().filter(|r| **r == Err(Error::AuthenticationFailed)).count(), keys.len());
    let counts = auto.counts();
    // Below the crossover and ChaCha20-Poly1305 (no lanes): software; at and above it: the card.
    let bulk = specs.iter().filter(|s| {
        let msg = if s.direction == Direction::Open { s.buffer.len() - 16 } else { s.buffer.len() };
        s.key < 2 && msg >= auto.config().crossover(keys[s.key].aead)
    });
    assert_eq!(counts.card, bulk.count() as u64, "{counts:?}");
    assert_eq!(counts.card + counts.software, specs.len() as u64);
    assert_eq!(counts.fallbacks, 0);
    assert!(events.lock().unwrap().is_empty(), "{:?}", events.lock().unwrap());
}

#[test]
fn a_failing_card_falls_back_to_software_with_an_event_and_is_retried_later() {
    let Some(card) = card("a_failing_card_falls_back_to_software_with_an_event_and_is_retried_later") else { return };
    let (auto, events) = recording_dispatcher(&card);
    let reference = SoftwareEngine::new();
    let mut rng = Rng(0xD15_0002);
    let keys = engine_common::load_twins(&auto, &reference, &[ASCON, AES_GCM, CHACHA], &mut rng);
    let specs = specs_around_the_crossover(&mut rng, auto.config(), &reference, &keys);

    // Every DMA read of host memory fails: each card job reports BUS_READ.
    card.with_card(|c| c.bus_mut().model().fail_reads(HostMemory::BASE..u64::MAX));
    check_against_software(&auto, &reference, &keys, &specs);
    let counts = auto.counts();
    assert!(counts.fallbacks > 0 && counts.card == 0, "{counts:?}");
    {
        let events = events.lock().unwrap();
        let failed: Vec<&DispatchEvent> = events.iter().filter(|e| e.kind == DispatchEventKind::CardFailed).collect();
        assert_eq!(failed.len(), 1, "{events:?}");
        assert_eq!(failed[0].jobs as u64, counts.fallbacks);
        assert_eq!(failed[0].executor, "verilator");
        assert!(failed[0].detail.contains("card"), "{}", failed[0].detail);
    }

    // Demoted: the next jobs stay on software even though the card is healthy again.
    card.with_card(|c| c.bus_mut().model().clear_faults());
    check_against_software(&auto, &reference, &keys, &specs);
    assert_eq!(auto.counts().card, 0);
    // After retry_card_after_jobs (100) jobs, the card is tried again and works.
    check_against_software(&auto, &reference, &keys, &specs);
    let counts = auto.counts();
    assert!(counts.card > 0, "{counts:?}");
    assert!(events.lock().unwrap().iter().any(|e| e.kind == DispatchEventKind::CardRetried));
}

#[test]
fn a_card_over_its_deadline_keeps_its_results_but_is_demoted() {
    let Some(card) = card("a_card_over_its_deadline_keeps_its_results_but_is_demoted") else { return };
    let config = DispatchConfig::parse(&format!("{CONFIG}\ncard_deadline_ms = 0")).unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let log = events.clone();
    let auto = AutoEngine::new(Some(card.clone()), config).with_sink(Arc::new(move |e: &DispatchEvent| log.lock().unwrap().push(e.clone())));
    let reference = SoftwareEngine::new();
    let mut rng = Rng(0xD15_0003);
    let keys = engine_common::load_twins(&auto, &reference, &[ASCON, AES_GCM, CHACHA], &mut rng);
    let specs = specs_around_the_crossover(&mut rng, auto.config(), &reference, &keys);
    check_against_software(&auto, &reference, &keys, &specs);
    let on_card = auto.counts().card;
    assert!(on_card > 0);
    assert!(events.lock().unwrap().iter().any(|e| e.kind == DispatchEventKind::CardOverDeadline && e.detail.contains("deadline")));
    check_against_software(&auto, &reference, &keys, &specs);
    assert_eq!(auto.counts().card, on_card, "demoted: the second batch ran on software");
}

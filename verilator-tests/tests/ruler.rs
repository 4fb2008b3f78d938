//! The redundancy ruler over the simulated card (`top_mixed`) with an
//! injected datapath fault: `SimBus` flips one random bit of a job's output
//! with a fixed probability. Every released output is compared with
//! `SoftwareEngine`: with the ruler on every job none may be wrong; with the
//! ruler off the same fault must show (so the first test can fail).

mod engine_common;
mod top_common;

use std::sync::{Arc, Mutex};

use agilis_driver::card::CardEngine;
use agilis_driver::ruler::{Alarm, AlarmKind, Mode, Ruler, RulerCounts};
use agilis_driver::{Direction, Error, SoftwareEngine};
use agilis_verilator::sim_bus::SimBus;
use engine_common::{run, Spec, TwinKey, CARD_KEYS};
use top_common::Rng;

/// Probability that one job output read back from the card has a flipped bit.
const FLIP_PROBABILITY: f64 = 0.03;

fn faulty_card(test: &str, seed: u64) -> Option<Arc<CardEngine<SimBus>>> {
    let card = engine_common::simulated_card(test)?;
    card.with_card(|c| c.bus_mut().flip_output_bits(FLIP_PROBABILITY, seed));
    Some(Arc::new(card))
}

fn recording_ruler(card: &Arc<CardEngine<SimBus>>, mode: Mode, seed: u64) -> (Ruler, Arc<Mutex<Vec<Alarm>>>) {
    let alarms = Arc::new(Mutex::new(Vec::new()));
    let log = alarms.clone();
    let ruler = Ruler::with_seed(card.clone(), mode, seed)
        .with_sink(Arc::new(move |a: &Alarm| log.lock().unwrap().push(a.clone())))
        .with_retest_after(64);
    (ruler, alarms)
}

/// A random batch of 1..=16 jobs of both AEADs and directions (opens of
/// records sealed by the reference), messages 0..600 bytes.
fn random_batch(rng: &mut Rng, reference: &SoftwareEngine, keys: &[TwinKey]) -> Vec<Spec> {
    (0..1 + rng.below(16))
        .map(|_| {
            let key = rng.below(keys.len());
            let len = rng.below(600);
            let ad = rng.below(33);
            let mut spec = Spec { key, direction: Direction::Seal, nonce: rng.bytes(keys[key].nonce_len), aad: rng.bytes(ad), buffer: rng.bytes(len) };
            if rng.below(2) == 0 {
                let (results, mut sealed) = run(reference, |k| keys[k].reference, std::slice::from_ref(&spec));
                assert_eq!(results, vec![Ok(())]);
                spec.buffer = sealed.remove(0);
                spec.direction = Direction::Open;
            }
            spec
        })
        .collect()
}

/// What happened to the released outputs of a campaign.
#[derive(Debug, Default)]
struct Tally {
    jobs: usize,
    correct: usize,
    /// released (Ok) but different from the reference: a fault got through
    wrong: usize,
    /// failed closed with `Error::Disagreement`
    caught: usize,
}

/// Runs `jobs` random jobs through the ruler and checks every output
/// against the reference; a job that failed closed must have released nothing.
fn campaign(ruler: &Ruler, seed: u64, jobs: usize) -> Tally {
    let reference = SoftwareEngine::new();
    let mut rng = Rng(seed);
    let keys = engine_common::load_twins(ruler, &reference, &CARD_KEYS, &mut rng);
    let mut tally = Tally::default();
    while tally.jobs < jobs {
        let specs = random_batch(&mut rng, &reference, &keys);
        let (results, buffers) = run(ruler, |k| keys[k].tested, &specs);
        let (expected_results, expected) = run(&reference, |k| keys[k].reference, &specs);
        for (i, spec) in specs.iter().enumerate() {
            match &results[i] {
                Err(Error::Disagreement { executor }) => {
                    assert_eq!(*executor, "verilator");
                    match spec.direction {
                        Direction::Open => assert!(buffers[i].is_empty(), "a failed open releases nothing"),
                        Direction::Seal => assert_eq!(buffers[i], spec.buffer, "a failed seal leaves the plaintext"),
                    }
                    tally.caught += 1;
                }
                other => {
                    assert_eq!(*other, expected_results[i], "job result");
                    if buffers[i] == expected[i] {
                        tally.correct += 1;
                    } else {
                        tally.wrong += 1;
                    }
                }
            }
        }
        tally.jobs += specs.len();
    }
    tally
}

fn injected(card: &CardEngine<SimBus>) -> u64 {
    card.with_card(|c| c.bus_mut().output_flips_injected())
}

#[test]
fn with_the_ruler_on_every_job_no_injected_fault_reaches_the_caller() {
    let Some(card) = faulty_card("with_the_ruler_on_every_job_no_injected_fault_reaches_the_caller", 0x5EED_0001) else { return };
    let (ruler, alarms) = recording_ruler(&card, Mode::All, 1);
    let tally = campaign(&ruler, 0x5EED_0002, 4000);
    let counts: RulerCounts = ruler.counts();
    eprintln!("ruler=all: {tally:?}, {counts:?}, bit flips injected: {}", injected(&card));
    assert_eq!(tally.wrong, 0, "a wrong output reached the caller");
    assert!(tally.caught > 0 && counts.mismatches == tally.caught as u64, "{tally:?} {counts:?}");
    assert!(injected(&card) >= counts.mismatches, "every mismatch comes from an injected flip");
    assert!(counts.quarantines > 0 && counts.retried > 0 && counts.readmissions > 0, "{counts:?}");
    assert!(counts.retests_failed + counts.readmissions == counts.retried, "{counts:?}");
    assert!(counts.diverted > 0 && counts.checked + counts.diverted <= counts.jobs, "{counts:?}");
    let alarms = alarms.lock().unwrap();
    for kind in [AlarmKind::Mismatch, AlarmKind::Quarantined, AlarmKind::Readmitted] {
        assert!(alarms.iter().any(|a| a.kind == kind), "no {kind:?} alarm");
    }
    assert_eq!(alarms.iter().filter(|a| a.kind == AlarmKind::Mismatch).count() as u64, counts.mismatches);
    assert!(alarms.iter().all(|a| a.executor == "verilator"));
}

#[test]
fn with_the_ruler_off_the_same_faults_corrupt_outputs() {
    let Some(card) = faulty_card("with_the_ruler_off_the_same_faults_corrupt_outputs", 0x5EED_0003) else { return };
    let (ruler, alarms) = recording_ruler(&card, Mode::Off, 2);
    let tally = campaign(&ruler, 0x5EED_0004, 1000);
    eprintln!("ruler=off: {tally:?}, bit flips injected: {}", injected(&card));
    assert!(tally.wrong > 0, "the injected fault must be visible without the ruler: {tally:?}");
    assert_eq!(tally.caught, 0);
    assert_eq!(ruler.counts().checked, 0);
    assert!(alarms.lock().unwrap().is_empty());
}

#[test]
fn sampled_checking_catches_a_proportion_of_the_faults() {
    let Some(card) = faulty_card("sampled_checking_catches_a_proportion_of_the_faults", 0x5EED_0005) else { return };
    let (ruler, _) = recording_ruler(&card, Mode::Sampled(0.5), 3);
    let tally = campaign(&ruler, 0x5EED_0006, 2000);
    let counts = ruler.counts();
    eprintln!("ruler=sampled(0.5): {tally:?}, {counts:?}, bit flips injected: {}", injected(&card));
    assert!(tally.caught > 0, "{tally:?}");
    assert_eq!(counts.mismatches, tally.caught as u64);
    // About half of the jobs the card ran were checked.
    let on_card = counts.jobs - counts.diverted;
    assert!(counts.checked * 10 >= on_card * 4 && counts.checked * 10 <= on_card * 6, "{counts:?}");
}

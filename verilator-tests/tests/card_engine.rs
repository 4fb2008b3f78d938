//! agilis-driver's `CardEngine` on the simulated card (`top_mixed`: two
//! Ascon and two AES lanes) through `SimBus`: the same driver code a VFIO
//! card runs. Every output is compared byte for byte with `SoftwareEngine`.

mod engine_common;
mod top_common;

use agilis_driver::card::{Bus, CardEngine, CardError};
use agilis_driver::{Direction, Engine, Error, Job, KeyHandle, SoftwareEngine};
use agilis_regmap::reg;
use agilis_suites::registry::codepoint as cp;
use agilis_verilator::sim_bus::SimBus;
use agilis_verilator::top::{BusFlow, HostMemory};
use engine_common::{run, simulated_card as card_engine, Spec, TwinKey, CARD_KEYS};
use top_common::Rng;

/// Runs `specs` on both engines and asserts identical results and buffers.
fn check_against_software(card: &CardEngine<SimBus>, software: &SoftwareEngine, keys: &[TwinKey], specs: &[Spec]) -> Vec<Result<(), Error>> {
    let (card_results, card_buffers) = run(card, |k| keys[k].tested, specs);
    let (sw_results, sw_buffers) = run(software, |k| keys[k].reference, specs);
    for (i, spec) in specs.iter().enumerate() {
        let what = format!("job {i} of {}: {:?} aead {:#06x} ad {} buffer {}", specs.len(), spec.direction, keys[spec.key].aead, spec.aad.len(), spec.buffer.len());
        assert_eq!(card_results[i], sw_results[i], "{what}: result");
        assert_eq!(card_buffers[i], sw_buffers[i], "{what}: output bytes");
    }
    card_results
}

/// A random job: `msg_len` bytes of payload (sealed by software first when opening).
fn random_spec(rng: &mut Rng, software: &SoftwareEngine, keys: &[TwinKey], key: usize, msg_len: usize, ad_len: usize, direction: Direction) -> Spec {
    let mut spec = Spec { key, direction: Direction::Seal, nonce: rng.bytes(keys[key].nonce_len), aad: rng.bytes(ad_len), buffer: rng.bytes(msg_len) };
    if direction == Direction::Open {
        let (results, mut sealed) = run(software, |k| keys[k].reference, std::slice::from_ref(&spec));
        assert_eq!(results, vec![Ok(())]);
        spec.buffer = sealed.remove(0);
        spec.direction = Direction::Open;
    }
    spec
}

fn check_bus_clean(card: &CardEngine<SimBus>) {
    card.with_card(|c| {
        let m = c.bus_mut().model();
        assert!(m.violations().is_empty(), "AXI violations: {:?}", m.violations());
        assert_eq!(m.read32(reg::ERROR).unwrap() & !0xFF, 0, "card-level errors");
    });
}

/// Runs `count` random jobs in random batches of 1..=32 (after every length
/// 0..=48 on every key, both directions) and compares with software.
fn random_jobs_match_software(card: &CardEngine<SimBus>, seed: u64, count: usize) {
    let software = SoftwareEngine::new();
    let mut rng = Rng(seed);
    let keys = engine_common::load_twins(card, &software, &CARD_KEYS, &mut rng);
    let mut shapes: Vec<(usize, usize, Direction)> = Vec::new();
    for len in 0..=48 {
        for key in 0..keys.len() {
            for direction in [Direction::Seal, Direction::Open] {
                shapes.push((key, len, direction));
            }
        }
    }
    while shapes.len() < count {
        // Half short (where padding and partial blocks live), half up to 2 KiB.
        let len = if rng.below(2) == 0 { rng.below(100) } else { rng.below(2049) };
        let direction = if rng.below(2) == 0 { Direction::Seal } else { Direction::Open };
        shapes.push((rng.below(keys.len()), len, direction));
    }
    let mut rest = shapes.as_slice();
    while !rest.is_empty() {
        let batch = (1 + rng.below(32)).min(rest.len());
        let specs: Vec<Spec> = rest[..batch]
            .iter()
            .map(|&(key, len, direction)| {
                let ad = rng.below(65);
                random_spec(&mut rng, &software, &keys, key, len, ad, direction)
            })
            .collect();
        let results = check_against_software(card, &software, &keys, &specs);
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        rest = &rest[batch..];
    }
    check_bus_clean(card);
}

#[test]
fn thousands_of_random_jobs_match_the_software_engine() {
    let Some(card) = card_engine("thousands_of_random_jobs_match_the_software_engine") else { return };
    random_jobs_match_software(&card, 0xCA4D_0001, 3000);
}

#[test]
fn random_jobs_under_bus_back_pressure_match_the_software_engine() {
    let Some(card) = card_engine("random_jobs_under_bus_back_pressure_match_the_software_engine") else { return };
    // Stalls on every AXI channel, interleaved read data, PCIe-like latencies.
    card.with_card(|c| c.bus_mut().model().flow = BusFlow::random(30, 0xCA4D_0005));
    random_jobs_match_software(&card, 0xCA4D_0006, 600);
}

#[test]
fn a_flipped_bit_fails_only_its_job_and_releases_nothing() {
    let Some(card) = card_engine("a_flipped_bit_fails_only_its_job_and_releases_nothing") else { return };
    let software = SoftwareEngine::new();
    let mut rng = Rng(0xCA4D_0002);
    let keys = engine_common::load_twins(&card, &software, &CARD_KEYS, &mut rng);
    for round in 0..24 {
        let specs: Vec<Spec> = (0..8)
            .map(|i| {
                let (len, ad) = (rng.below(300), 1 + rng.below(64));
                random_spec(&mut rng, &software, &keys, (round + i) % keys.len(), len, ad, Direction::Open)
            })
            .collect();
        let plaintexts: Vec<Vec<u8>> = run(&software, |k| keys[k].reference, &specs).1;
        let mut tampered = specs.clone();
        let victim = rng.below(tampered.len());
        let spec = &mut tampered[victim];
        let tag_at = spec.buffer.len() - 16;
        match round % 3 {
            0 if tag_at > 0 => {
                let at = rng.below(tag_at); // ciphertext
                spec.buffer[at] ^= 1 << rng.below(8);
            }
            1 => {
                let at = rng.below(spec.aad.len());
                spec.aad[at] ^= 1 << rng.below(8);
            }
            _ => {
                let at = tag_at + rng.below(16); // tag
                spec.buffer[at] ^= 1 << rng.below(8);
            }
        }
        let results = check_against_software(&card, &software, &keys, &tampered);
        let (_, buffers) = run(&card, |k| keys[k].tested, &tampered);
        for (i, r) in results.iter().enumerate() {
            if i == victim {
                assert_eq!(*r, Err(Error::AuthenticationFailed), "round {round}");
                assert!(buffers[i].is_empty(), "round {round}: the tampered job's buffer is wiped and empty");
            } else {
                assert_eq!(*r, Ok(()), "round {round}, job {i}");
                assert_eq!(buffers[i], plaintexts[i], "round {round}, job {i}");
            }
        }
    }
    check_bus_clean(&card);
}

#[test]
fn an_unloaded_key_is_unknown_and_its_slot_is_cleared() {
    let Some(card) = card_engine("an_unloaded_key_is_unknown_and_its_slot_is_cleared") else { return };
    let key = card.load_key(cp::AES_256_GCM, &[7; 32]).unwrap();
    assert_eq!(card.key_algorithm(key), Ok(cp::AES_256_GCM));
    let slots_loaded = || card.with_card(|c| c.bus_mut().read32(reg::KEY_LOADED).unwrap());
    assert_eq!(slots_loaded().count_ones(), 1);
    let mut buffer = b"payload".to_vec();
    let seal = |buffer: &mut Vec<u8>, key| card.process(&mut [Job { key, direction: Direction::Seal, nonce: &[1; 12], aad: b"", buffer }]);
    assert_eq!(seal(&mut buffer, key), vec![Ok(())]);
    card.unload_key(key).unwrap();
    assert_eq!(slots_loaded(), 0, "unloading clears the card's slot");
    let mut plain = b"payload".to_vec();
    assert_eq!(seal(&mut plain, key), vec![Err(Error::UnknownKey)]);
    assert_eq!(plain, b"payload", "a refused seal leaves the buffer alone");
    let open = card.process(&mut [Job { key, direction: Direction::Open, nonce: &[1; 12], aad: b"", buffer: &mut buffer }]);
    assert_eq!(open, vec![Err(Error::UnknownKey)]);
    assert!(buffer.is_empty(), "a refused open releases nothing");
    assert_eq!(card.unload_key(key), Err(Error::UnknownKey));
    assert_eq!(card.key_algorithm(key), Err(Error::UnknownKey));
    // The slot is reused; the old handle must not reach the new key.
    let again = card.load_key(cp::AES_256_GCM, &[8; 32]).unwrap();
    assert_ne!(again, key);
    assert_eq!(seal(&mut b"x".to_vec(), key), vec![Err(Error::UnknownKey)]);
    drop(card); // clears the remaining slot (checked by the next open's soft reset anyway)
}

#[test]
fn key_table_limits_and_foreign_algorithms_are_typed_errors() {
    let Some(card) = card_engine("key_table_limits_and_foreign_algorithms_are_typed_errors") else { return };
    assert_eq!(card.name(), "verilator");
    let slots = card.with_card(|c| c.info().key_slots) as usize;
    assert_eq!(card.load_key(cp::CHACHA20_POLY1305, &[1; 32]), Err(Error::Card(CardError::AlgorithmNotOnCard { aead: cp::CHACHA20_POLY1305 })));
    assert!(matches!(card.load_key(cp::AES_256_GCM, &[1; 16]), Err(Error::Aead(agilis_suites::Error::InvalidLength { what: "key", .. }))));
    let handles: Vec<KeyHandle> = (0..slots).map(|i| card.load_key(cp::ASCON_AEAD128, &[i as u8; 16]).unwrap()).collect();
    assert_eq!(card.load_key(cp::ASCON_AEAD128, &[0; 16]), Err(Error::KeyTableFull { capacity: slots }));
    for h in handles {
        card.unload_key(h).unwrap();
    }
    assert_eq!(card.with_card(|c| c.bus_mut().read32(reg::KEY_LOADED).unwrap()), 0);
}

#[test]
fn a_dma_read_fault_is_a_typed_error_and_the_card_recovers() {
    let Some(card) = card_engine("a_dma_read_fault_is_a_typed_error_and_the_card_recovers") else { return };
    let software = SoftwareEngine::new();
    let mut rng = Rng(0xCA4D_0003);
    let keys = engine_common::load_twins(&card, &software, &CARD_KEYS, &mut rng);
    let specs: Vec<Spec> = (0..12)
        .map(|i| {
            let direction = if i % 2 == 0 { Direction::Seal } else { Direction::Open };
            random_spec(&mut rng, &software, &keys, i % keys.len(), 100 + i * 37, 20, direction)
        })
        .collect();
    // Every DMA read of host memory fails: descriptors and sources alike.
    card.with_card(|c| c.bus_mut().model().fail_reads(HostMemory::BASE..u64::MAX));
    let (results, buffers) = run(&card, |k| keys[k].tested, &specs);
    for (i, (r, spec)) in results.iter().zip(&specs).enumerate() {
        match r {
            Err(Error::Card(CardError::Job { error_bits })) => assert_ne!(error_bits & reg::error::BUS_READ, 0, "job {i}: {r:?}"),
            other => panic!("job {i}: expected a BUS_READ job error, got {other:?}"),
        }
        match spec.direction {
            Direction::Open => assert!(buffers[i].is_empty(), "job {i}: a failed open releases nothing"),
            Direction::Seal => assert_eq!(buffers[i], spec.buffer, "job {i}: a failed seal leaves the buffer alone"),
        }
    }
    // Job errors do not fault the card: without the fault, everything works again.
    card.with_card(|c| {
        assert!(!c.is_faulted());
        c.bus_mut().model().clear_faults();
    });
    let results = check_against_software(&card, &software, &keys, &specs);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert!(card.with_card(|c| c.bus_mut().model().violations().is_empty()));
}

#[test]
fn a_wrong_nonce_length_is_a_typed_error_like_software() {
    let Some(card) = card_engine("a_wrong_nonce_length_is_a_typed_error_like_software") else { return };
    let software = SoftwareEngine::new();
    let mut rng = Rng(0xCA4D_0004);
    let keys = engine_common::load_twins(&card, &software, &CARD_KEYS, &mut rng);
    let mut specs: Vec<Spec> = Vec::new();
    for key in 0..2 {
        for direction in [Direction::Seal, Direction::Open] {
            let good = random_spec(&mut rng, &software, &keys, key, 40, 10, direction);
            for wrong in [0, 8, 12, 16, 17] {
                if wrong != keys[key].nonce_len {
                    specs.push(Spec { nonce: vec![3; wrong], ..good.clone() });
                }
            }
            specs.push(good);
        }
    }
    let results = check_against_software(&card, &software, &keys, &specs);
    for (r, spec) in results.iter().zip(&specs) {
        if spec.nonce.len() == keys[spec.key].nonce_len {
            assert_eq!(*r, Ok(()));
        } else {
            assert!(matches!(r, Err(Error::Aead(agilis_suites::Error::InvalidLength { what: "nonce", .. }))), "{r:?}");
        }
    }
}

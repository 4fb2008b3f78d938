//! `Card::selftest` on the simulated card (`top_mixed`: lanes 0 and 1
//! Ascon-AEAD128, 2 and 3 AES-256-GCM): every lane passes, the card stays
//! usable (the caller's keys and the ring work afterwards, the self-test's
//! key slot is empty), and a datapath fault or a failing DMA read makes it
//! fail. Also: its Ascon known answers are verbatim entries of the NIST LWC
//! KAT file.

#[path = "../../suites/tests/common/mod.rs"]
mod common;
mod engine_common;
mod top_common;

use agilis_driver::card::{Bus, CardEngine, KatStep, KeyAlg, KnownAnswerSource, SelftestReport, KNOWN_ANSWERS};
use agilis_driver::{Direction, SoftwareEngine};
use agilis_regmap::reg;
use agilis_verilator::sim_bus::SimBus;
use engine_common::{load_twins, run, simulated_card, Spec, TwinKey, CARD_KEYS};
use top_common::Rng;

#[test]
fn ascon_known_answers_are_entries_of_the_lwc_kat_file() {
    let Some(text) = common::read_vectors("ascon", "asconaead128_LWC_AEAD_KAT_128_128.txt") else {
        return;
    };
    let records = common::lwc_kat_records(&text);
    let mut checked = 0;
    for kat in KNOWN_ANSWERS {
        let KnownAnswerSource::AsconLwcKat { count } = kat.source else { continue };
        let r = &records[count as usize - 1];
        assert_eq!(r["Count"], count.to_string());
        for (field, ours) in [("Key", kat.key), ("Nonce", kat.nonce), ("PT", kat.pt), ("AD", kat.ad), ("CT", kat.ct)] {
            assert_eq!(r[field], ours, "count {count}: {field}");
        }
        checked += 1;
    }
    assert!(checked >= 2, "the self-test should hold at least two Ascon KAT entries");
}

/// Seals and opens a job on every twin key through the engine, and checks
/// the outputs against software: the card works.
fn card_matches_software(card: &CardEngine<SimBus>, software: &SoftwareEngine, keys: &[TwinKey], rng: &mut Rng) {
    let specs: Vec<Spec> = (0..keys.len())
        .map(|key| Spec { key, direction: Direction::Seal, nonce: rng.bytes(keys[key].nonce_len), aad: rng.bytes(21), buffer: rng.bytes(70) })
        .collect();
    let (card_results, card_out) = run(card, |k| keys[k].tested, &specs);
    let (sw_results, sw_out) = run(software, |k| keys[k].reference, &specs);
    assert_eq!(card_results, sw_results);
    assert!(card_results.iter().all(Result::is_ok), "{card_results:?}");
    assert_eq!(card_out, sw_out);
    let opens: Vec<Spec> = specs.into_iter().zip(card_out).map(|(s, sealed)| Spec { direction: Direction::Open, buffer: sealed, ..s }).collect();
    let (results, _) = run(card, |k| keys[k].tested, &opens);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

fn print(report: &SelftestReport) {
    for l in &report.lanes {
        eprintln!("lane {} {:?}: built-in {} KATs {} passed {} failed {:?}", l.lane, l.kind, l.builtin_pass, l.kats_passed, l.kats_failed, l.failures);
    }
}

#[test]
fn selftest_passes_on_every_lane_and_leaves_the_card_usable() {
    let Some(card) = simulated_card("selftest_passes_on_every_lane_and_leaves_the_card_usable") else { return };
    let software = SoftwareEngine::new();
    let mut rng = Rng(0x5e1f);
    let keys = load_twins(&card, &software, &CARD_KEYS, &mut rng);
    card_matches_software(&card, &software, &keys, &mut rng);
    let loaded_before = card.with_card(|c| c.bus_mut().read32(reg::KEY_LOADED).unwrap());
    assert_eq!(loaded_before.count_ones(), 4);

    for round in 0..2 {
        let report = card.with_card(|c| c.selftest()).expect("self-test");
        print(&report);
        assert!(report.passed(), "round {round}");
        assert!(report.builtin_pass && !report.reset_after_hang);
        let kinds: Vec<KeyAlg> = report.lanes.iter().map(|l| l.kind).collect();
        assert_eq!(kinds, [KeyAlg::AsconAead128, KeyAlg::AsconAead128, KeyAlg::Aes256Gcm, KeyAlg::Aes256Gcm]);
        for l in &report.lanes {
            let expected = KNOWN_ANSWERS.iter().filter(|k| k.alg == l.kind).count() as u32;
            assert_eq!((l.kats_passed, l.kats_failed), (expected, 0), "lane {}", l.lane);
            assert!(l.builtin_pass && l.failures.is_empty());
        }
        // The caller's keys are still loaded, the self-test's slot is empty,
        // no error is left, and the ring runs jobs again.
        card.with_card(|c| {
            let m = c.bus_mut().model();
            assert_eq!(m.read32(reg::KEY_LOADED).unwrap(), loaded_before);
            assert_eq!(m.read32(reg::ERROR).unwrap(), 0);
            assert!(m.violations().is_empty(), "{:?}", m.violations());
            assert!(!c.is_faulted());
        });
        card_matches_software(&card, &software, &keys, &mut rng);
    }
}

#[test]
fn selftest_fails_when_the_datapath_flips_output_bits() {
    let Some(card) = simulated_card("selftest_fails_when_the_datapath_flips_output_bits") else { return };
    card.with_card(|c| c.bus_mut().flip_output_bits(1.0, 7));
    let report = card.with_card(|c| c.selftest()).expect("self-test");
    print(&report);
    assert!(!report.passed());
    // The built-in test uses no DMA, so it still passes; every lane's
    // known answers do not.
    assert!(report.builtin_pass);
    for l in &report.lanes {
        assert!(!l.passed(), "lane {}", l.lane);
        assert!(l.kats_failed > 0);
        assert!(l.failures.iter().any(|f| f.step == KatStep::Seal), "lane {}: a corrupted seal must be caught", l.lane);
    }
    assert!(card.with_card(|c| c.bus_mut().output_flips_injected()) > 0);

    // Without the fault the same card passes again.
    card.with_card(|c| c.bus_mut().clear_output_flips());
    assert!(card.with_card(|c| c.selftest()).unwrap().passed());
}

#[test]
fn selftest_fails_when_dma_reads_fail() {
    let Some(card) = simulated_card("selftest_fails_when_dma_reads_fail") else { return };
    card.with_card(|c| c.bus_mut().model().fail_reads(0..u64::MAX));
    let report = card.with_card(|c| c.selftest()).expect("self-test");
    print(&report);
    assert!(!report.passed());
    for l in &report.lanes {
        assert_eq!(l.kats_passed, 0, "lane {}", l.lane);
        assert!(l.failures.iter().any(|f| f.detail.contains("BUS_READ")), "lane {}: {:?}", l.lane, l.failures);
    }
    card.with_card(|c| c.bus_mut().model().clear_faults());
    assert!(card.with_card(|c| c.selftest()).unwrap().passed());
}

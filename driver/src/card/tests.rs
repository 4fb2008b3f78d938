//! The driver against a scripted bus: identification, key registers,
//! deadlines and fail-closed paths that the simulated card cannot be made to
//! show (a card that never completes, a register bus that fails). The
//! simulated card's tests are in `verilator-tests/tests/card_engine.rs`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agilis_regmap::{self as rm, reg};

use super::*;
use crate::{Direction, Engine, Error, Job};

/// A card that identifies correctly, loads keys, and never completes a job.
#[derive(Default)]
struct ScriptedBus {
    regs: HashMap<u32, u32>,
    /// every register write, shared so a test can read it after a drop
    writes: Arc<Mutex<Vec<(u32, u32)>>>,
    buffers: Vec<Option<Vec<u8>>>,
    now: Duration,
    /// register reads at this offset fail
    failing_read: Option<u32>,
}

impl ScriptedBus {
    fn new() -> ScriptedBus {
        let mut regs = HashMap::new();
        regs.insert(reg::ID, rm::ID_MAGIC);
        regs.insert(reg::VERSION, rm::VERSION);
        regs.insert(reg::REGMAP_HASH, rm::REGMAP_HASH);
        // 2 lanes (lane 1 AES), 4 key slots
        regs.insert(
            reg::CAPABILITY,
            reg::capability::LANES.put(2) | reg::capability::KEY_SLOTS.put(4),
        );
        regs.insert(reg::LANE_KIND, 0b10);
        regs.insert(reg::MAX_LEN, 1 << 20);
        regs.insert(reg::RING_CAP, reg::ring_cap::MAX_ENTRIES.put(16));
        ScriptedBus {
            regs,
            ..ScriptedBus::default()
        }
    }
    fn writes_to(log: &Mutex<Vec<(u32, u32)>>, offset: u32) -> Vec<u32> {
        log.lock()
            .unwrap()
            .iter()
            .filter(|(o, _)| *o == offset)
            .map(|(_, v)| *v)
            .collect()
    }
}

impl Bus for ScriptedBus {
    const NAME: &'static str = "scripted";

    fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
        if self.failing_read == Some(offset) {
            return Err(BusError::Register {
                offset,
                detail: "scripted failure".into(),
            });
        }
        Ok(self.regs.get(&offset).copied().unwrap_or(0))
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        self.writes.lock().unwrap().push((offset, value));
        let slot = self.regs.get(&reg::KEY_SLOT_SEL).copied().unwrap_or(0);
        let loaded = self.regs.entry(reg::KEY_LOADED).or_default();
        match (offset, value) {
            (reg::KEY_CMD, rm::key_cmd::LOAD) => *loaded |= 1 << slot,
            (reg::KEY_CMD, rm::key_cmd::CLEAR) => *loaded &= !(1 << slot),
            (reg::CONTROL, v) => {
                self.regs.insert(reg::CONTROL, v & reg::control::RING_EN);
            }
            (reg::KEY_SLOT_SEL | reg::RING_PROD, v) => {
                self.regs.insert(offset, v);
            }
            _ => {}
        }
        Ok(())
    }

    fn alloc_dma(&mut self, len: usize) -> Result<DmaBuffer, BusError> {
        self.buffers.push(Some(vec![0; len.max(1)]));
        let token = self.buffers.len() as u64 - 1;
        Ok(DmaBuffer::new(0x1_0000 * (token + 1), len.max(1), token))
    }

    fn free_dma(&mut self, buffer: DmaBuffer) -> Result<(), BusError> {
        self.buffers[buffer.token() as usize] = None;
        Ok(())
    }

    fn dma_write(
        &mut self,
        buffer: &DmaBuffer,
        offset: usize,
        bytes: &[u8],
    ) -> Result<(), BusError> {
        buffer.check_range(offset, bytes.len())?;
        let memory = self.buffers[buffer.token() as usize]
            .as_mut()
            .ok_or(BusError::Dma {
                detail: "freed".into(),
            })?;
        memory[offset..offset + bytes.len()].copy_from_slice(bytes);
        Ok(())
    }

    fn dma_read(
        &mut self,
        buffer: &DmaBuffer,
        offset: usize,
        out: &mut [u8],
    ) -> Result<(), BusError> {
        buffer.check_range(offset, out.len())?;
        let memory = self.buffers[buffer.token() as usize]
            .as_ref()
            .ok_or(BusError::Dma {
                detail: "freed".into(),
            })?;
        out.copy_from_slice(&memory[offset..offset + out.len()]);
        Ok(())
    }

    fn now(&self) -> Duration {
        self.now
    }

    fn wait_interrupt(&mut self, max: Duration) -> Result<bool, BusError> {
        self.now += max;
        Ok(false)
    }
}

#[test]
fn identification_refuses_other_devices_versions_and_register_maps() {
    let open_with = |offset: u32, value: u32| {
        let mut bus = ScriptedBus::new();
        bus.regs.insert(offset, value);
        Card::open(bus).map(|c| c.info().clone())
    };
    // A vanished PCIe device reads all ones.
    assert_eq!(
        open_with(reg::ID, u32::MAX).unwrap_err(),
        CardError::NotAgilis { id: u32::MAX }
    );
    let v2 = reg::version::MAJOR.put(2);
    assert_eq!(
        open_with(reg::VERSION, v2).unwrap_err(),
        CardError::UnsupportedVersion {
            found: v2,
            expected: rm::VERSION
        }
    );
    assert_eq!(
        open_with(reg::REGMAP_HASH, 1).unwrap_err(),
        CardError::RegmapMismatch {
            found: 1,
            expected: rm::REGMAP_HASH
        }
    );
    // A newer minor version only adds: accepted, whatever its hash.
    let newer = rm::VERSION + reg::version::MINOR.put(1);
    let mut bus = ScriptedBus::new();
    bus.regs.insert(reg::VERSION, newer);
    bus.regs.insert(reg::REGMAP_HASH, 1);
    let info = Card::open(bus).unwrap().info().clone();
    assert_eq!((info.lanes, info.key_slots, info.version), (2, 4, newer));
    assert_eq!(
        (
            info.lanes_of(KeyAlg::AsconAead128),
            info.lanes_of(KeyAlg::Aes256Gcm)
        ),
        (1, 1)
    );
    let mut bus = ScriptedBus::new();
    bus.failing_read = Some(reg::VERSION);
    assert!(matches!(
        Card::open(bus),
        Err(CardError::Bus(BusError::Register {
            offset: reg::VERSION,
            ..
        }))
    ));
}

#[test]
fn keys_go_through_the_key_registers_and_are_cleared_on_drop() {
    let bus = ScriptedBus::new();
    let log = bus.writes.clone();
    let engine = CardEngine::open(bus).unwrap();
    let key: Vec<u8> = (0..32).collect();
    let h = engine
        .load_key(agilis_suites::registry::codepoint::AES_256_GCM, &key)
        .unwrap();
    let data: Vec<u32> = (0..8)
        .flat_map(|i| ScriptedBus::writes_to(&log, reg::KEY_DATA + 4 * i))
        .collect();
    assert_eq!(data[0], 0x0302_0100, "key bytes little-endian");
    assert_eq!(data[7], 0x1F1E_1D1C);
    assert_eq!(
        ScriptedBus::writes_to(&log, reg::KEY_ALG),
        vec![rm::key_alg::AES_256_GCM]
    );
    assert_eq!(
        engine.key_algorithm(h),
        Ok(agilis_suites::registry::codepoint::AES_256_GCM)
    );
    drop(engine);
    assert_eq!(
        ScriptedBus::writes_to(&log, reg::KEY_CMD),
        vec![rm::key_cmd::LOAD, rm::key_cmd::CLEAR]
    );
}

#[test]
fn a_card_that_never_completes_times_out_fails_closed_and_faults() {
    let engine = CardEngine::open(ScriptedBus::new()).unwrap();
    engine.with_card(|c| c.set_timeout(Duration::from_millis(2)));
    let h = engine
        .load_key(agilis_suites::registry::codepoint::ASCON_AEAD128, &[5; 16])
        .unwrap();
    let mut sealed = b"plaintext".to_vec();
    let mut opened = vec![9u8; 40];
    let results = engine.process(&mut [
        Job {
            key: h,
            direction: Direction::Seal,
            nonce: &[0; 16],
            aad: b"",
            buffer: &mut sealed,
        },
        Job {
            key: h,
            direction: Direction::Open,
            nonce: &[0; 16],
            aad: b"",
            buffer: &mut opened,
        },
    ]);
    for r in &results {
        assert!(
            matches!(r, Err(Error::Card(CardError::Timeout { .. }))),
            "{r:?}"
        );
    }
    assert_eq!(
        sealed, b"plaintext",
        "a failed seal leaves the buffer alone"
    );
    assert!(opened.is_empty(), "a failed open releases nothing");
    assert!(engine.with_card(|c| c.is_faulted()));
    let mut more = b"x".to_vec();
    let r = engine.process(&mut [Job {
        key: h,
        direction: Direction::Seal,
        nonce: &[0; 16],
        aad: b"",
        buffer: &mut more,
    }]);
    assert_eq!(r, vec![Err(Error::Card(CardError::Faulted))]);
    // A reset brings the card back, without its keys.
    engine.reset().unwrap();
    assert_eq!(engine.key_algorithm(h), Err(Error::UnknownKey));
    assert!(
        engine
            .load_key(agilis_suites::registry::codepoint::ASCON_AEAD128, &[5; 16])
            .is_ok()
    );
}

#[test]
fn the_selftest_needs_a_free_key_slot_and_touches_nothing_without_one() {
    let bus = ScriptedBus::new();
    let log = bus.writes.clone();
    let mut card = Card::open(bus).unwrap();
    for slot in 0..4 {
        card.load_key(slot, KeyAlg::AsconAead128, &[7; 16]).unwrap();
    }
    let controls = ScriptedBus::writes_to(&log, reg::CONTROL).len();
    assert_eq!(card.selftest(), Err(CardError::NoFreeKeySlot));
    assert_eq!(ScriptedBus::writes_to(&log, reg::CONTROL).len(), controls);
    assert!(!card.is_faulted());
    card.clear_key(3).unwrap();
    // with a free slot it runs (and, on this card, finds hung lanes)
    card.bus_mut().regs.insert(
        reg::STATUS,
        reg::status::SELFTEST_DONE | reg::status::SELFTEST_PASS,
    );
    assert!(card.selftest().is_ok());
}

#[test]
fn lanes_that_never_finish_fail_the_selftest_and_the_card_is_reset() {
    let mut card = Card::open(ScriptedBus::new()).unwrap();
    card.set_timeout(Duration::from_millis(2));
    card.load_key(0, KeyAlg::Aes256Gcm, &[1; 32]).unwrap();
    // the built-in test passes on both lanes; direct jobs never complete
    let regs = &mut card.bus_mut().regs;
    regs.insert(
        reg::STATUS,
        reg::status::SELFTEST_DONE | reg::status::SELFTEST_PASS,
    );
    regs.insert(reg::SELFTEST_RESULT, 0b11);
    let report = card.selftest().unwrap();
    assert!(!report.passed());
    assert!(report.builtin_pass && report.reset_after_hang);
    let kinds: Vec<KeyAlg> = report.lanes.iter().map(|l| l.kind).collect();
    assert_eq!(kinds, [KeyAlg::AsconAead128, KeyAlg::Aes256Gcm]);
    for lane in &report.lanes {
        assert!(lane.builtin_pass && !lane.passed());
        assert_eq!(lane.kats_passed, 0);
        assert_eq!(
            lane.kats_failed as usize,
            KNOWN_ANSWERS.iter().filter(|k| k.alg == lane.kind).count()
        );
        assert!(
            lane.failures[0].detail.contains("did not finish"),
            "{:?}",
            lane.failures
        );
    }
    // the reset wiped every slot, the caller's too, and left the card usable
    assert_eq!(card.slot_algorithm(0), None);
    assert!(!card.is_faulted());
}

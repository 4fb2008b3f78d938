//! agilis_top's register contract: identification, capability, scratch,
//! access errors, key slots (write-only, clear), interrupts.

mod top_common;

use agilis_regmap::{self as rm, lane, reg};
use top_common::*;

#[test]
fn identification_version_capability() {
    let Some(mut m) = model("identification_version_capability") else { return };
    assert_eq!(m.read32(reg::ID).unwrap(), rm::ID_MAGIC);
    assert_eq!(&m.read32(reg::ID).unwrap().to_le_bytes(), b"AGLS");
    assert_eq!(m.read32(reg::VERSION).unwrap(), rm::VERSION);
    assert_eq!(m.read32(reg::REGMAP_HASH).unwrap(), rm::REGMAP_HASH, "RTL and Rust built from different register maps");
    let cap = m.read32(reg::CAPABILITY).unwrap();
    assert_eq!(reg::capability::LANES.get(cap), 4);
    assert_eq!(reg::capability::KEY_SLOTS.get(cap), 16);
    assert_eq!(reg::capability::ASCON_ROUNDS.get(cap), 2);
    assert_eq!(reg::capability::BEAT_BYTES.get(cap), 16);
    assert_eq!(reg::capability::MAX_BURST.get(cap), 15);
    assert_eq!(m.read32(reg::LANE_KIND).unwrap(), 0b1100);
    assert_eq!(m.read32(reg::MAX_LEN).unwrap(), 1 << 20);
    let ring = m.read32(reg::RING_CAP).unwrap();
    assert_eq!(reg::ring_cap::DESC_BYTES.get(ring), rm::desc::BYTES as u32);
    assert_eq!(reg::ring_cap::MAX_ENTRIES.get(ring), 4096);
    assert!(reg::ring_cap::MAX_INFLIGHT.get(ring) >= 5);
    for i in 0..4 {
        let info = m.read32(lane::at(i, lane::INFO)).unwrap();
        let aes = i >= 2;
        assert_eq!(info & lane::info::KIND != 0, aes, "lane {i} kind");
        assert_eq!(lane::info::ROUNDS.get(info), if aes { 0 } else { 2 });
        assert_eq!(m.read32(lane::at(i, lane::STATUS)).unwrap(), 0, "lane {i} idle after reset");
    }
    // Reset values of the map.
    for r in rm::REGISTERS {
        if let (Some(reset), 1) = (r.reset, r.count) {
            assert_eq!(m.read32(r.offset).unwrap(), reset, "reset value of {}", r.name);
        }
    }
    assert_eq!(m.read32(reg::ERROR).unwrap(), 0, "no error after all those reads");
    check_bus(&m);
}

#[test]
fn scratch_and_access_errors() {
    let Some(mut m) = model("scratch_and_access_errors") else { return };
    for v in [0xDEAD_BEEF, 0, 0x1234_5678, u32::MAX] {
        m.write32(reg::SCRATCH, v).unwrap();
        assert_eq!(m.read32(reg::SCRATCH).unwrap(), v);
    }
    assert_eq!(m.read32(reg::ERROR).unwrap(), 0);
    // unmapped read: 0 and REG_ACCESS
    assert_eq!(m.read32(0x0FF0).unwrap(), 0);
    assert_eq!(m.take_errors().unwrap(), reg::error::REG_ACCESS);
    // a lane beyond the card's lanes
    assert_eq!(m.read32(lane::at(4, lane::STATUS)).unwrap(), 0);
    assert_eq!(m.take_errors().unwrap(), reg::error::REG_ACCESS);
    // write to a read-only register: ignored, flagged
    m.write32(reg::ID, 0).unwrap();
    assert_eq!(m.read32(reg::ID).unwrap(), rm::ID_MAGIC);
    assert_eq!(m.take_errors().unwrap(), reg::error::REG_ACCESS);
    m.write32(lane::at(0, lane::STATUS), 0xFFFF_FFFF).unwrap();
    assert_eq!(m.take_errors().unwrap(), reg::error::REG_ACCESS);
    // partial write: ignored, flagged
    m.write32_strb(reg::SCRATCH, 0x5555_5555, 0b0011).unwrap();
    assert_eq!(m.read32(reg::SCRATCH).unwrap(), u32::MAX);
    assert_eq!(m.take_errors().unwrap(), reg::error::REG_ACCESS);
    // W1C leaves other bits
    m.write32(reg::ID, 0).unwrap();
    m.write32(reg::KEY_SLOT_SEL, 200).unwrap();
    m.write32(reg::KEY_CMD, rm::key_cmd::CLEAR).unwrap();
    assert_eq!(m.read32(reg::ERROR).unwrap(), reg::error::REG_ACCESS | reg::error::KEY_CMD);
    m.write32(reg::ERROR, reg::error::KEY_CMD).unwrap();
    assert_eq!(m.read32(reg::ERROR).unwrap(), reg::error::REG_ACCESS);
    check_bus(&m);
}

#[test]
fn key_slots_are_write_only_and_clear() {
    let Some(mut m) = model("key_slots_are_write_only_and_clear") else { return };
    let key: Vec<u8> = (1..=32).collect();
    m.load_key(5, rm::key_alg::AES_256_GCM, &key).unwrap();
    m.load_key(0, rm::key_alg::ASCON_AEAD128, &key[..16]).unwrap();
    assert_eq!(m.read32(reg::KEY_LOADED).unwrap(), (1 << 5) | 1);
    // Key material never reads back.
    for i in 0..reg::KEY_DATA_COUNT {
        assert_eq!(m.read32(reg::KEY_DATA + 4 * i).unwrap(), 0, "KEY_DATA{i}");
    }
    assert_eq!(m.read32(reg::KEY_CMD).unwrap(), 0);
    assert_eq!(m.read32(reg::ERROR).unwrap(), 0);
    // Both keys work.
    let mut rng = Rng(7);
    let k5 = Key { slot: 5, alg: Alg::Aes, key: key.clone() };
    let (job, ct, tag) = k5.encrypt(&mut rng, 3, 40);
    check_encrypt("slot 5", &m.run_direct(2, &job).unwrap(), &ct, &tag);
    // Writing a word un-loads the slot until LOAD.
    m.write32(reg::KEY_SLOT_SEL, 0).unwrap();
    m.write32(reg::KEY_DATA, 0xFFFF_FFFF).unwrap();
    assert_eq!(m.read32(reg::KEY_LOADED).unwrap(), 1 << 5);
    // CLEAR empties the slot: a job on it fails with KEY_SLOT.
    m.clear_key(5).unwrap();
    assert_eq!(m.read32(reg::KEY_LOADED).unwrap(), 0);
    let o = m.run_direct(2, &job).unwrap();
    assert!(o.error && o.job_error == reg::error::KEY_SLOT, "{o:?}");
    assert_eq!(m.take_errors().unwrap(), reg::error::KEY_SLOT);
    // The cleared slot is zero: loaded again as-is (LOAD without new data), it
    // encrypts under the all-zero key, not the old one.
    m.write32(reg::KEY_SLOT_SEL, 5).unwrap();
    m.write32(reg::KEY_ALG, rm::key_alg::AES_256_GCM).unwrap();
    m.write32(reg::KEY_CMD, rm::key_cmd::LOAD).unwrap();
    let zero = Key { slot: 5, alg: Alg::Aes, key: vec![0; 32] };
    let (job, ct, tag) = zero.encrypt(&mut rng, 0, 16);
    check_encrypt("zeroed slot", &m.run_direct(3, &job).unwrap(), &ct, &tag);
    // Bad commands.
    m.write32(reg::KEY_ALG, 3).unwrap();
    m.write32(reg::KEY_CMD, rm::key_cmd::LOAD).unwrap();
    assert_eq!(m.take_errors().unwrap(), reg::error::KEY_CMD);
    m.write32(reg::KEY_CMD, 3).unwrap();
    assert_eq!(m.take_errors().unwrap(), reg::error::KEY_CMD);
    m.write32(reg::KEY_SLOT_SEL, 16).unwrap();
    m.write32(reg::KEY_DATA, 1).unwrap();
    assert_eq!(m.take_errors().unwrap(), reg::error::KEY_CMD);
    check_bus(&m);
}

#[test]
fn interrupts() {
    let Some(mut m) = model("interrupts") else { return };
    let mut rng = Rng(11);
    let k = Key::load(&mut m, 1, Alg::Ascon, &mut rng);
    // A job with interrupts disabled: status set, line low.
    let (job, _, _) = k.encrypt(&mut rng, 4, 4);
    m.run_direct(0, &job).unwrap();
    let lane0 = 1 << reg::irq_status::LANE_DONE.lsb;
    assert_eq!(m.read32(reg::IRQ_STATUS).unwrap(), lane0);
    assert!(!m.irq());
    // Enabling raises it; W1C lowers it.
    m.write32(reg::IRQ_ENABLE, u32::MAX).unwrap();
    m.run(2);
    assert!(m.irq());
    assert_ne!(m.read32(reg::STATUS).unwrap() & reg::status::IRQ, 0);
    m.write32(reg::IRQ_STATUS, lane0).unwrap();
    m.run(2);
    assert!(!m.irq());
    // A job on lane 1 raises the line by itself.
    let staged = m.stage(&job);
    m.start_direct(1, &job, &staged).unwrap();
    m.wait_irq(20_000).unwrap();
    assert_eq!(m.read32(reg::IRQ_STATUS).unwrap(), lane0 << 1);
    m.write32(reg::IRQ_STATUS, u32::MAX).unwrap();
    // An error raises ERROR.
    m.write32(lane::at(0, lane::KEY_SLOT), 15).unwrap();
    m.write32(lane::at(0, lane::CTRL), lane::ctrl::START).unwrap();
    m.wait_irq(1_000).unwrap();
    let st = m.read32(reg::IRQ_STATUS).unwrap();
    assert_ne!(st & reg::irq_status::ERROR, 0, "{st:#x}");
    assert_eq!(m.read32(reg::ERROR).unwrap(), reg::error::KEY_SLOT);
    // Masked causes do not drive the line.
    m.write32(reg::IRQ_ENABLE, reg::irq_status::RING).unwrap();
    m.run(2);
    assert!(!m.irq());
    check_bus(&m);
}


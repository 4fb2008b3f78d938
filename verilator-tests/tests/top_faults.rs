//! Malformed programming, bus errors and resets never hang agilis_top: each
//! sets ERROR (and the lane's error), raises the interrupt, ends within a
//! bounded number of cycles, and leaves the card usable.

mod top_common;

use agilis_regmap::{self as rm, lane, reg};
use agilis_verilator::top::{BusFlow, Job, Ring, TopModel, job_budget};
use top_common::*;

fn keys(m: &mut TopModel, rng: &mut Rng) -> (Key, Key) {
    (Key::load(m, 0, Alg::Ascon, rng), Key::load(m, 1, Alg::Aes, rng))
}

/// A good job on every lane still works, and no AXI rule was broken.
fn still_usable(m: &mut TopModel, rng: &mut Rng, ascon: &Key, aes: &Key) {
    for l in 0..m.caps().lanes {
        let k = if m.caps().lane_is_aes(l) { aes } else { ascon };
        let (job, ct, tag) = k.encrypt(rng, 19, 77);
        check_encrypt(&format!("lane {l} after the fault"), &m.run_direct(l, &job).unwrap(), &ct, &tag);
        let (job, pt) = k.decrypt(rng, 3, 33);
        check_decrypt(&format!("lane {l} after the fault"), &m.run_direct(l, &job).unwrap(), &pt);
    }
    check_bus(m);
}

/// Runs a direct job expected to fail with `err`; checks lane status, lane
/// ERROR, global ERROR and the interrupt, then clears them.
fn expect_job_error(m: &mut TopModel, l: u32, job: &Job, err: u32, what: &str) {
    m.write32(reg::IRQ_ENABLE, reg::irq_status::ERROR).unwrap();
    let o = m.run_direct(l, job).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(o.done && o.error && !o.tag_ok && !o.tag_fail, "{what}: {o:?}");
    assert_eq!(o.job_error, err, "{what}: job error bits");
    assert!(m.irq(), "{what}: interrupt");
    assert_eq!(m.read32(lane::at(l, lane::ERROR)).unwrap(), err, "{what}: lane ERROR");
    m.write32(lane::at(l, lane::ERROR), err).unwrap();
    assert_eq!(m.take_errors().unwrap(), err, "{what}: ERROR");
    m.write32(reg::IRQ_STATUS, u32::MAX).unwrap();
    m.run(2);
    assert!(!m.irq());
}

#[test]
fn malformed_programming_sets_error_and_never_hangs() {
    let Some(mut m) = model("malformed_programming_sets_error_and_never_hangs") else { return };
    let mut rng = Rng(0xFA17_0001);
    let (ascon, aes) = keys(&mut m, &mut rng);
    let max = m.caps().max_len;
    for l in 0..m.caps().lanes {
        let (k, other) = if m.caps().lane_is_aes(l) { (&aes, &ascon) } else { (&ascon, &aes) };
        let (good, _, _) = k.encrypt(&mut rng, 10, 40);
        expect_job_error(&mut m, l, &Job { msg_len: Some(max + 1), ..good.clone() }, reg::error::BAD_LENGTH, "MSG_LEN > MAX_LEN");
        expect_job_error(&mut m, l, &Job { ad_len: Some(u32::MAX), ..good.clone() }, reg::error::BAD_LENGTH, "AD_LEN huge");
        expect_job_error(&mut m, l, &Job { slot: 9, ..good.clone() }, reg::error::KEY_SLOT, "empty slot");
        expect_job_error(&mut m, l, &Job { slot: 200, ..good.clone() }, reg::error::KEY_SLOT, "slot out of range");
        expect_job_error(&mut m, l, &Job { slot: other.slot, ..good.clone() }, reg::error::KEY_ALG, "slot of the other algorithm");
        // misaligned source or destination
        for (ds, dd) in [(8u64, 0u64), (0, 4), (1, 15)] {
            let staged = m.stage(&good);
            m.program_lane(l, &good, staged.src + ds, staged.dst + dd).unwrap();
            m.write32(lane::at(l, lane::CTRL), lane::ctrl::START).unwrap();
            let st = m.wait_lane(l, 1_000).unwrap();
            assert_eq!(lane::status::JOB_ERROR.get(st), reg::error::MISALIGNED, "misaligned {ds}/{dd}");
            assert_eq!(m.take_errors().unwrap(), reg::error::MISALIGNED);
            m.write32(lane::at(l, lane::ERROR), u32::MAX).unwrap();
        }
        // Lengths that do not match the buffers: the card reads past the
        // source the host allocated, the host answers DECERR, the job ends.
        let staged = m.stage(&good);
        let longer = Job { msg_len: Some(4000), ..good.clone() };
        m.program_lane(l, &longer, staged.src, staged.dst).unwrap();
        m.write32(lane::at(l, lane::CTRL), lane::ctrl::START).unwrap();
        let st = m.wait_lane(l, job_budget(&longer)).unwrap();
        assert_eq!(lane::status::JOB_ERROR.get(st), reg::error::BUS_READ, "length beyond the buffer");
        assert_eq!(m.take_errors().unwrap(), reg::error::BUS_READ);
        m.write32(lane::at(l, lane::ERROR), u32::MAX).unwrap();
    }
    // The host model recorded those out-of-buffer reads as violations, as it should.
    assert!(!m.violations().is_empty());
    let mut m = model("malformed (fresh)").unwrap();
    let (ascon, aes) = keys(&mut m, &mut rng);
    still_usable(&mut m, &mut rng, &ascon, &aes);
}

#[test]
fn start_or_write_while_busy_is_refused() {
    let Some(mut m) = model("start_or_write_while_busy_is_refused") else { return };
    let mut rng = Rng(0xFA17_0002);
    let (ascon, aes) = keys(&mut m, &mut rng);
    m.flow = BusFlow::random(50, 3); // slow enough to catch the lane busy
    for l in 0..m.caps().lanes {
        let k = if m.caps().lane_is_aes(l) { &aes } else { &ascon };
        let (job, ct, tag) = k.encrypt(&mut rng, 30, 3000);
        let staged = m.stage(&job);
        m.start_direct(l, &job, &staged).unwrap();
        assert_ne!(m.read32(lane::at(l, lane::STATUS)).unwrap() & lane::status::BUSY, 0);
        // A second start, and parameter writes, are refused and flagged...
        m.write32(lane::at(l, lane::CTRL), lane::ctrl::START | lane::ctrl::DECRYPT).unwrap();
        m.write32(lane::at(l, lane::MSG_LEN), 5).unwrap();
        m.write32(lane::at(l, lane::SRC_LO), 0).unwrap();
        assert_eq!(m.read32(lane::at(l, lane::MSG_LEN)).unwrap(), 3000);
        // ...as are the self-test and the ring while a lane is busy.
        m.write32(reg::CONTROL, reg::control::SELFTEST).unwrap();
        m.write32(reg::RING_SIZE, 4).unwrap();
        m.write32(reg::RING_BASE_LO, 0x1000).unwrap();
        m.write32(reg::CONTROL, reg::control::RING_EN).unwrap();
        assert_eq!(m.read32(reg::CONTROL).unwrap() & reg::control::RING_EN, 0);
        assert_eq!(m.read32(lane::at(l, lane::ERROR)).unwrap(), reg::error::BUSY);
        // ...and the running job finishes untouched.
        m.wait_lane(l, 4 * job_budget(&job)).unwrap();
        check_encrypt(&format!("lane {l} job under refused writes"), &m.finish_direct(l, &staged).unwrap(), &ct, &tag);
        assert_eq!(m.take_errors().unwrap(), reg::error::BUSY);
        m.write32(lane::at(l, lane::ERROR), u32::MAX).unwrap();
    }
    // Direct starts while the ring owns the lanes are refused too.
    m.flow = BusFlow::fast();
    let _ring = Ring::setup(&mut m, 4).unwrap();
    m.write32(lane::at(0, lane::CTRL), lane::ctrl::START).unwrap();
    assert_eq!(m.take_errors().unwrap(), reg::error::BUSY);
    assert_eq!(m.read32(lane::at(0, lane::STATUS)).unwrap() & lane::status::BUSY, 0);
    // Ring registers are locked while it is enabled.
    m.write32(reg::RING_SIZE, 64).unwrap();
    assert_eq!(m.read32(reg::RING_SIZE).unwrap(), 4);
    assert_eq!(m.take_errors().unwrap(), reg::error::BUSY);
    m.write32(reg::CONTROL, 0).unwrap();
    still_usable(&mut m, &mut rng, &ascon, &aes);
}

#[test]
fn bad_ring_configuration() {
    let Some(mut m) = model("bad_ring_configuration") else { return };
    let mut rng = Rng(0xFA17_0003);
    let (ascon, aes) = keys(&mut m, &mut rng);
    let base = m.mem.alloc_at(64 * 16, 64, 0);
    for (b, size) in [(base, 0u32), (base, 3), (base, 8192), (base + 32, 8), (base + 16, 1)] {
        m.write32(reg::RING_BASE_LO, b as u32).unwrap();
        m.write32(reg::RING_BASE_HI, (b >> 32) as u32).unwrap();
        m.write32(reg::RING_SIZE, size).unwrap();
        m.write32(reg::CONTROL, reg::control::RING_EN).unwrap();
        assert_eq!(m.read32(reg::CONTROL).unwrap() & reg::control::RING_EN, 0, "base {b:#x} size {size}");
        assert_eq!(m.take_errors().unwrap(), reg::error::RING_CONFIG, "base {b:#x} size {size}");
    }
    // The producer running more than RING_SIZE ahead disables the ring.
    Ring::setup(&mut m, 4).unwrap();
    m.write32(reg::RING_PROD, 5).unwrap();
    m.run(20);
    assert_eq!(m.read32(reg::CONTROL).unwrap() & reg::control::RING_EN, 0);
    assert_eq!(m.take_errors().unwrap(), reg::error::RING_CONFIG);
    m.wait_reg(reg::STATUS, reg::status::RING_ACTIVE, 0, 10_000).unwrap();
    // A descriptor naming an empty slot completes at once with KEY_SLOT;
    // lengths beyond MAX_LEN come back as BAD_LENGTH from the lane.
    let mut ring = Ring::setup(&mut m, 4).unwrap();
    let (good, ct, tag) = ascon.encrypt(&mut rng, 5, 50);
    let jobs = [
        Job { slot: 7, ..good.clone() },
        Job { msg_len: Some(m.caps().max_len + 16), ..good.clone() },
        good.clone(),
        Job { slot: 99, ..good.clone() },
    ];
    let outs = ring.run_all(&mut m, &jobs, 100_000).unwrap();
    assert!(outs[0].done && outs[0].error && outs[0].job_error == reg::error::KEY_SLOT, "{:?}", outs[0]);
    assert!(outs[1].done && outs[1].error && outs[1].job_error == reg::error::BAD_LENGTH, "{:?}", outs[1]);
    check_encrypt("good descriptor among bad ones", &outs[2], &ct, &tag);
    assert!(outs[3].error && outs[3].job_error == reg::error::KEY_SLOT);
    assert_eq!(m.take_errors().unwrap(), reg::error::KEY_SLOT | reg::error::BAD_LENGTH);
    m.write32(reg::CONTROL, 0).unwrap();
    m.wait_reg(reg::STATUS, reg::status::RING_ACTIVE, 0, 10_000).unwrap();
    still_usable(&mut m, &mut rng, &ascon, &aes);
}

#[test]
fn bus_error_responses_end_the_job() {
    let Some(mut m) = model("bus_error_responses_end_the_job") else { return };
    let mut rng = Rng(0xFA17_0004);
    let (ascon, aes) = keys(&mut m, &mut rng);
    for flow in [BusFlow::fast(), BusFlow::every_beat(), BusFlow::random(40, 8)] {
        m.flow = flow;
        for l in 0..m.caps().lanes {
            let k = if m.caps().lane_is_aes(l) { &aes } else { &ascon };
            for (where_, decrypt) in [("read", false), ("read", true), ("write", false), ("write", true)] {
                let job = if decrypt { k.decrypt(&mut rng, 40, 1000).0 } else { k.encrypt(&mut rng, 40, 1000).0 };
                let staged = m.stage(&job);
                if where_ == "read" {
                    m.fail_reads(staged.src + 512..staged.src + 528);
                } else {
                    m.fail_writes(staged.dst + 256..staged.dst + 272);
                }
                m.start_direct(l, &job, &staged).unwrap();
                let st = m.wait_lane(l, 4 * job_budget(&job)).unwrap();
                let want = if where_ == "read" { reg::error::BUS_READ } else { reg::error::BUS_WRITE };
                assert_eq!(lane::status::JOB_ERROR.get(st), want, "lane {l} {where_} decrypt {decrypt}");
                assert_eq!(st & (lane::status::TAG_OK | lane::status::TAG_FAIL), 0, "an errored job has no verdict");
                m.clear_faults();
                assert_eq!(m.take_errors().unwrap(), want);
                m.write32(lane::at(l, lane::ERROR), u32::MAX).unwrap();
            }
        }
    }
    // Descriptor fetch and status write-back errors.
    m.flow = BusFlow::fast();
    let mut ring = Ring::setup(&mut m, 2).unwrap();
    let (job, ..) = ascon.encrypt(&mut rng, 5, 5);
    m.fail_reads(ring.base..ring.base + 64);
    let outs = ring.run_all(&mut m, std::slice::from_ref(&job), 50_000).unwrap();
    assert!(outs[0].error && outs[0].job_error == reg::error::BUS_READ, "{:?}", outs[0]);
    m.clear_faults();
    m.fail_writes(ring.base + 64..ring.base + 128);
    let outs = ring.run_all(&mut m, std::slice::from_ref(&job), 50_000).unwrap();
    assert!(!outs[0].done, "a status write that failed is not in memory");
    m.clear_faults();
    assert_eq!(m.take_errors().unwrap(), reg::error::BUS_READ | reg::error::BUS_WRITE);
    m.write32(reg::CONTROL, 0).unwrap();
    m.wait_reg(reg::STATUS, reg::status::RING_ACTIVE, 0, 10_000).unwrap();
    still_usable(&mut m, &mut rng, &ascon, &aes);
}

/// Starts long jobs on every lane and a ring's worth of descriptors is not
/// possible at the same time (lanes belong to one or the other), so: direct
/// jobs on all lanes when `ring` is false, else a ring of long descriptors.
fn busy_card(m: &mut TopModel, rng: &mut Rng, ascon: &Key, aes: &Key, ring: bool) {
    let mut jobs = Vec::new();
    for l in 0..m.caps().lanes {
        let k = if m.caps().lane_is_aes(l) { aes } else { ascon };
        jobs.push((l, if l % 2 == 0 { k.encrypt(rng, 100, 4000).0 } else { k.decrypt(rng, 100, 4000).0 }));
    }
    if ring {
        let mut r = Ring::setup(m, 8).unwrap();
        for (_, j) in &jobs {
            r.post(m, j).unwrap();
            r.post(m, j).unwrap();
        }
    } else {
        for (l, j) in &jobs {
            let staged = m.stage(j);
            m.start_direct(*l, j, &staged).unwrap();
        }
    }
}

#[test]
fn soft_reset_in_the_middle_of_messages() {
    let Some(mut m) = model("soft_reset_in_the_middle_of_messages") else { return };
    let mut rng = Rng(0xFA17_0005);
    for (i, delay) in [0u64, 3, 10, 40, 150, 600, 2000].into_iter().enumerate() {
        m.flow = if i % 2 == 0 { BusFlow::every_beat() } else { BusFlow::random(50, i as u64) };
        let (ascon, aes) = keys(&mut m, &mut rng);
        m.write32(reg::SCRATCH, 0x1234).unwrap();
        busy_card(&mut m, &mut rng, &ascon, &aes, i % 3 == 2);
        m.run(delay);
        m.write32(reg::CONTROL, reg::control::SOFT_RESET).unwrap();
        m.wait_reg(reg::CONTROL, reg::control::SOFT_RESET, 0, 100_000).unwrap();
        // Everything is back to its reset value: keys wiped, ring off, lanes idle.
        assert_eq!(m.read32(reg::KEY_LOADED).unwrap(), 0, "delay {delay}");
        assert_eq!(m.read32(reg::CONTROL).unwrap(), 0);
        assert_eq!(m.read32(reg::SCRATCH).unwrap(), 0);
        assert_eq!(m.read32(reg::ERROR).unwrap(), 0);
        assert_eq!(m.read32(reg::STATUS).unwrap(), 0, "delay {delay}");
        for l in 0..m.caps().lanes {
            assert_eq!(m.read32(lane::at(l, lane::STATUS)).unwrap(), 0);
            assert_eq!(m.read32(lane::at(l, lane::MSG_LEN)).unwrap(), 0);
        }
        // Quiet bus: nothing more arrives after the reset completed.
        let before = m.bus_stats().clone();
        m.run(200);
        assert_eq!(m.bus_stats(), &before, "DMA after soft reset (delay {delay})");
        let (ascon, aes) = keys(&mut m, &mut rng);
        still_usable(&mut m, &mut rng, &ascon, &aes);
    }
}

#[test]
fn hard_reset_in_the_middle_of_messages() {
    let Some(mut m) = model("hard_reset_in_the_middle_of_messages") else { return };
    let mut rng = Rng(0xFA17_0006);
    for (i, delay) in [0u64, 2, 17, 90, 400, 1500].into_iter().enumerate() {
        m.flow = if i % 2 == 0 { BusFlow::random(30, i as u64) } else { BusFlow::every_beat() };
        let (ascon, aes) = keys(&mut m, &mut rng);
        busy_card(&mut m, &mut rng, &ascon, &aes, i % 2 == 1);
        m.run(delay);
        m.hard_reset().unwrap();
        assert_eq!(m.read32(reg::KEY_LOADED).unwrap(), 0);
        assert_eq!(m.read32(reg::STATUS).unwrap(), 0);
        assert_eq!(m.read32(reg::ID).unwrap(), rm::ID_MAGIC);
        let (ascon, aes) = keys(&mut m, &mut rng);
        still_usable(&mut m, &mut rng, &ascon, &aes);
    }
}

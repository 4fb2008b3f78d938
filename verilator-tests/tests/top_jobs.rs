//! Jobs through agilis_top, byte for byte against the software AEADs of
//! agilis-suites: every lane, both directions, many lengths; all lanes at
//! once, back to back; back-pressure on every beat; tampering; the ring.

mod top_common;

use agilis_regmap::{lane, reg};
use agilis_verilator::top::{BusFlow, Job, Ring, TopModel, job_budget};
use top_common::*;

/// Keys: slot 0 Ascon, slot 1 AES (and 2, 3 for variety).
fn keys(m: &mut TopModel, rng: &mut Rng) -> Vec<Key> {
    vec![
        Key::load(m, 0, Alg::Ascon, rng),
        Key::load(m, 1, Alg::Aes, rng),
        Key::load(m, 2, Alg::Ascon, rng),
        Key::load(m, 3, Alg::Aes, rng),
    ]
}

fn key_for(keys: &[Key], alg: Alg, i: usize) -> &Key {
    keys.iter().filter(|k| k.alg == alg).nth(i % 2).unwrap()
}

fn lane_alg(m: &TopModel, l: u32) -> Alg {
    if m.caps().lane_is_aes(l) { Alg::Aes } else { Alg::Ascon }
}

#[test]
fn every_lane_both_directions_many_lengths() {
    let Some(mut m) = model("every_lane_both_directions_many_lengths") else { return };
    let mut rng = Rng(0x5EED_0001);
    let keys = keys(&mut m, &mut rng);
    let mut lengths: Vec<(usize, usize)> = (0..=48).map(|n| (n % 7 * 5, n)).collect();
    lengths.extend([(0, 0), (48, 0), (17, 0), (1, 1), (16, 16), (33, 255), (1536, 1536), (5, 4096), (300, 2049)]);
    for l in 0..m.caps().lanes {
        let alg = lane_alg(&m, l);
        for (i, &(ad, msg)) in lengths.iter().enumerate() {
            let k = key_for(&keys, alg, i);
            let (job, ct, tag) = k.encrypt(&mut rng, ad, msg);
            let o = m.run_direct(l, &job).unwrap();
            check_encrypt(&format!("lane {l} {alg:?} encrypt ad {ad} msg {msg}"), &o, &ct, &tag);
            let (job, pt) = k.decrypt(&mut rng, ad, msg);
            let o = m.run_direct(l, &job).unwrap();
            check_decrypt(&format!("lane {l} {alg:?} decrypt ad {ad} msg {msg}"), &o, &pt);
        }
    }
    assert_eq!(m.read32(reg::ERROR).unwrap(), 0);
    check_bus(&m);
}

#[test]
fn buffers_across_4k_pages() {
    // Bursts must be split at 4 KiB boundaries (the host model flags any that cross).
    let Some(mut m) = model("buffers_across_4k_pages") else { return };
    let mut rng = Rng(0x5EED_0002);
    let keys = keys(&mut m, &mut rng);
    for (l, before) in [(0u32, 16u64), (1, 48), (2, 240), (3, 4080)] {
        let k = key_for(&keys, lane_alg(&m, l), 0);
        let (job, ct, tag) = k.encrypt(&mut rng, 100, 700);
        let layout = agilis_regmap::Layout { ad_len: 100, msg_len: 700, decrypt: false };
        let src = m.mem.alloc_across_page(layout.src_len(), before);
        let dst = m.mem.alloc_across_page(layout.dst_len(), before + 32);
        let mut bytes = vec![0u8; layout.src_len()];
        layout.write_source(&mut bytes, &job.ad, &job.msg, None);
        m.mem.write(src, &bytes);
        let staged = agilis_verilator::top::Staged { src, dst, layout };
        m.start_direct(l, &job, &staged).unwrap();
        m.wait_lane(l, job_budget(&job)).unwrap();
        check_encrypt(&format!("lane {l}, {before} bytes before a page"), &m.finish_direct(l, &staged).unwrap(), &ct, &tag);
    }
    check_bus(&m);
}

/// Runs `rounds` rounds of one job per lane, all lanes started before any
/// is waited for, and checks every byte.
fn all_lanes_back_to_back(m: &mut TopModel, rng: &mut Rng, keys: &[Key], rounds: usize, max_len: usize) {
    let lanes = m.caps().lanes;
    for round in 0..rounds {
        let mut pending = Vec::new();
        for l in 0..lanes {
            let k = key_for(keys, lane_alg(m, l), round + l as usize);
            let (ad, msg) = (rng.below(64), rng.below(max_len + 1));
            let decrypt = (round + l as usize) % 2 == 1;
            let (job, expect) = if decrypt {
                let (job, pt) = k.decrypt(rng, ad, msg);
                (job, (pt, None))
            } else {
                let (job, ct, tag) = k.encrypt(rng, ad, msg);
                (job, (ct, Some(tag)))
            };
            let staged = m.stage(&job);
            m.start_direct(l, &job, &staged).unwrap();
            pending.push((l, job, staged, expect));
        }
        // Every lane is busy at once (jobs of a few beats may already be done).
        for (l, job, staged, (bytes, tag)) in pending {
            m.wait_lane(l, 4 * job_budget(&job)).unwrap();
            let o = m.finish_direct(l, &staged).unwrap();
            let what = format!("round {round} lane {l} ad {} msg {}", job.ad.len(), job.msg.len());
            match tag {
                Some(tag) => check_encrypt(&what, &o, &bytes, &tag),
                None => check_decrypt(&what, &o, &bytes),
            }
        }
    }
}

#[test]
fn all_lanes_at_once_back_to_back() {
    let Some(mut m) = model("all_lanes_at_once_back_to_back") else { return };
    let mut rng = Rng(0x5EED_0003);
    let keys = keys(&mut m, &mut rng);
    all_lanes_back_to_back(&mut m, &mut rng, &keys, 40, 2048);
    assert_eq!(m.read32(reg::ERROR).unwrap(), 0);
    check_bus(&m);
}

#[test]
fn backpressure_on_every_beat() {
    let Some(mut m) = model("backpressure_on_every_beat") else { return };
    let mut rng = Rng(0x5EED_0004);
    let keys = keys(&mut m, &mut rng);
    m.flow = BusFlow::every_beat();
    let before = m.bus_stats().clone();
    all_lanes_back_to_back(&mut m, &mut rng, &keys, 12, 700);
    let s = m.bus_stats();
    let handshakes = (s.read_bursts - before.read_bursts) + (s.write_bursts - before.write_bursts) + (s.write_beats - before.write_beats);
    assert!(s.stalled_beats - before.stalled_beats >= handshakes, "every AR, AW and W handshake waited: {s:?}");
    // Random stalls, long latencies and interleaved read data.
    for seed in 1..=3 {
        m.flow = BusFlow::random(50, seed);
        all_lanes_back_to_back(&mut m, &mut rng, &keys, 8, 1500);
    }
    m.flow = BusFlow::random(90, 99);
    all_lanes_back_to_back(&mut m, &mut rng, &keys, 3, 300);
    assert_eq!(m.read32(reg::ERROR).unwrap(), 0);
    check_bus(&m);
}

#[test]
fn tampering_is_tag_fail_and_fails_closed() {
    let Some(mut m) = model("tampering_is_tag_fail_and_fails_closed") else { return };
    let mut rng = Rng(0x5EED_0005);
    let keys = keys(&mut m, &mut rng);
    for l in 0..m.caps().lanes {
        let k = key_for(&keys, lane_alg(&m, l), l as usize);
        for what in ["ciphertext", "tag", "ad", "nonce"] {
            let (mut job, _) = k.decrypt(&mut rng, 21, 37);
            match what {
                "ciphertext" => job.msg[36] ^= 0x80,
                "tag" => job.tag[0] ^= 1,
                "ad" => job.ad[3] ^= 4,
                _ => job.nonce[5] ^= 0x10,
            }
            let o = m.run_direct(l, &job).unwrap();
            assert!(o.done && o.tag_fail && !o.tag_ok && !o.error, "lane {l} {what}: {o:?}");
            assert_eq!(o.reg_tag, Some([0; 16]), "lane {l} {what}: the computed tag of a failed decrypt must not be readable");
            let st = m.read32(lane::at(l, lane::STATUS)).unwrap();
            assert_eq!(st & (lane::status::TAG_OK | lane::status::TAG_FAIL), lane::status::TAG_FAIL);
        }
    }
    // Through the ring too.
    let mut ring = Ring::setup(&mut m, 8).unwrap();
    let mut jobs = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let (mut job, _) = k.decrypt(&mut rng, 8, 64);
        job.msg[i] ^= 1;
        jobs.push(job);
    }
    for o in ring.run_all(&mut m, &jobs, 100_000).unwrap() {
        assert!(o.done && o.tag_fail && !o.tag_ok && !o.error, "{o:?}");
    }
    assert_eq!(m.read32(reg::ERROR).unwrap(), 0, "a tag failure is not a card error");
    check_bus(&m);
}

/// What a ring job must give back: the output bytes, the tag (encrypt), the algorithm.
type Expect = (Vec<u8>, Option<[u8; 16]>, Alg);

fn ring_jobs(rng: &mut Rng, keys: &[Key], n: usize, max_len: usize) -> (Vec<Job>, Vec<Expect>) {
    let mut jobs = Vec::new();
    let mut expect = Vec::new();
    for i in 0..n {
        let k = &keys[rng.below(keys.len())];
        let (ad, msg) = (rng.below(40), if i % 5 == 0 { rng.below(max_len + 1) } else { rng.below(200) });
        if rng.below(2) == 0 {
            let (job, ct, tag) = k.encrypt(rng, ad, msg);
            jobs.push(job);
            expect.push((ct, Some(tag), k.alg));
        } else {
            let (job, pt) = k.decrypt(rng, ad, msg);
            jobs.push(job);
            expect.push((pt, None, k.alg));
        }
    }
    (jobs, expect)
}

fn check_ring(m: &TopModel, outs: &[agilis_verilator::top::Outcome], expect: &[Expect]) {
    assert_eq!(outs.len(), expect.len());
    for (i, (o, (bytes, tag, alg))) in outs.iter().zip(expect).enumerate() {
        let what = format!("descriptor {i}");
        match tag {
            Some(tag) => check_encrypt(&what, o, bytes, tag),
            None => check_decrypt(&what, o, bytes),
        }
        assert_eq!(m.caps().lane_is_aes(o.lane), *alg == Alg::Aes, "{what}: ran on lane {} of the wrong kind", o.lane);
    }
}

#[test]
fn ring_many_jobs_in_order() {
    let Some(mut m) = model("ring_many_jobs_in_order") else { return };
    let mut rng = Rng(0x5EED_0006);
    let keys = keys(&mut m, &mut rng);
    m.write32(reg::IRQ_ENABLE, reg::irq_status::RING).unwrap();
    let mut ring = Ring::setup(&mut m, 16).unwrap();
    let (jobs, expect) = ring_jobs(&mut rng, &keys, 300, 2048);
    let outs = ring.run_all(&mut m, &jobs, 3_000_000).unwrap();
    check_ring(&m, &outs, &expect);
    let mut lanes_used = [0; 4];
    for o in &outs {
        lanes_used[o.lane as usize] += 1;
    }
    assert!(lanes_used.iter().all(|&n| n > 0), "every lane took work: {lanes_used:?}");
    eprintln!("ring: {} cycles, lanes {lanes_used:?}, bus {:?}", m.cycles(), m.bus_stats());
    assert_eq!(m.read32(reg::RING_CONS).unwrap(), 300);
    assert_eq!(m.read32(reg::RING_FETCH).unwrap(), 300);
    assert_ne!(m.read32(reg::IRQ_STATUS).unwrap() & reg::irq_status::RING, 0);
    assert!(m.irq());
    // Disabling lets the ring go idle; direct jobs work again.
    m.write32(reg::CONTROL, 0).unwrap();
    m.wait_reg(reg::STATUS, reg::status::RING_ACTIVE, 0, 1_000).unwrap();
    let (job, ct, tag) = keys[1].encrypt(&mut rng, 3, 3);
    check_encrypt("direct after ring", &m.run_direct(3, &job).unwrap(), &ct, &tag);
    assert_eq!(m.read32(reg::ERROR).unwrap(), 0);
    check_bus(&m);
}

#[test]
fn ring_under_backpressure() {
    let Some(mut m) = model("ring_under_backpressure") else { return };
    let mut rng = Rng(0x5EED_0007);
    let keys = keys(&mut m, &mut rng);
    for (size, flow) in [(4, BusFlow::every_beat()), (32, BusFlow::random(60, 5)), (1, BusFlow::random(30, 6))] {
        m.flow = flow;
        let mut ring = Ring::setup(&mut m, size).unwrap();
        let (jobs, expect) = ring_jobs(&mut rng, &keys, 60, 1024);
        let outs = ring.run_all(&mut m, &jobs, 3_000_000).unwrap();
        check_ring(&m, &outs, &expect);
        m.write32(reg::CONTROL, 0).unwrap();
        m.wait_reg(reg::STATUS, reg::status::RING_ACTIVE, 0, 10_000).unwrap();
    }
    assert_eq!(m.read32(reg::ERROR).unwrap(), 0);
    check_bus(&m);
}

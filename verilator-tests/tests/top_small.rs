//! The smallest corner of agilis_top's parameters (model `top_small`): one
//! Ascon lane, three key slots (not a power of two), an 8-entry ring and
//! 4 KiB jobs. Checks that the capability registers follow the parameters
//! and that the limits are enforced where they are.

mod top_common;

use agilis_regmap::{self as rm, lane, reg};
use agilis_verilator::top::{Job, Ring, TopModel};
use top_common::*;

fn small(test: &str) -> Option<TopModel> {
    if !agilis_verilator::models_or_skip(test) {
        return None;
    }
    Some(TopModel::new("top_small").expect("building top_small"))
}

#[test]
fn capability_follows_the_parameters() {
    let Some(mut m) = small("capability_follows_the_parameters") else { return };
    let c = m.caps().clone();
    assert_eq!((c.lanes, c.key_slots, c.ascon_rounds, c.lane_kind, c.max_len, c.ring_max), (1, 3, 1, 0, 4096, 8));
    assert_eq!(m.read32(reg::REGMAP_HASH).unwrap(), rm::REGMAP_HASH);
    assert_eq!(lane::info::ROUNDS.get(m.read32(lane::at(0, lane::INFO)).unwrap()), 1);
    assert_eq!(m.read32(lane::at(1, lane::STATUS)).unwrap(), 0);
    assert_eq!(m.take_errors().unwrap(), reg::error::REG_ACCESS, "lane 1 does not exist");
    // slot 3 does not exist
    m.load_key(3, rm::key_alg::ASCON_AEAD128, &[1; 16]).unwrap();
    assert_eq!(m.take_errors().unwrap(), reg::error::KEY_CMD);
    assert_eq!(m.read32(reg::KEY_LOADED).unwrap(), 0);
}

#[test]
fn limits_and_the_missing_kind() {
    let Some(mut m) = small("limits_and_the_missing_kind") else { return };
    let mut rng = Rng(0x5A11);
    let k = Key::load(&mut m, 2, Alg::Ascon, &mut rng);
    // MAX_LEN itself works, one byte more does not.
    let (job, ct, tag) = k.encrypt(&mut rng, 4096, 4096);
    check_encrypt("AD and message of MAX_LEN", &m.run_direct(0, &job).unwrap(), &ct, &tag);
    let (job, pt) = k.decrypt(&mut rng, 0, 4096);
    check_decrypt("message of MAX_LEN", &m.run_direct(0, &job).unwrap(), &pt);
    let o = m.run_direct(0, &Job { msg_len: Some(4097), ..job.clone() }).unwrap();
    assert_eq!(o.job_error, reg::error::BAD_LENGTH);
    assert_eq!(m.take_errors().unwrap(), reg::error::BAD_LENGTH);
    // An AES key cannot run here: KEY_ALG on the lane, and from the ring.
    m.load_key(1, rm::key_alg::AES_256_GCM, &[7; 32]).unwrap();
    let aes_job = Job { slot: 1, ..job.clone() };
    assert_eq!(m.run_direct(0, &aes_job).unwrap().job_error, reg::error::KEY_ALG);
    assert_eq!(m.take_errors().unwrap(), reg::error::KEY_ALG);
    // Ring sizes up to 8.
    m.write32(reg::RING_SIZE, 16).unwrap();
    m.write32(reg::CONTROL, reg::control::RING_EN).unwrap();
    assert_eq!(m.take_errors().unwrap(), reg::error::RING_CONFIG);
    let mut ring = Ring::setup(&mut m, 8).unwrap();
    let mut jobs = Vec::new();
    let mut expect = Vec::new();
    for i in 0..40 {
        if i % 7 == 3 {
            jobs.push(aes_job.clone());
            expect.push(None);
        } else {
            let (job, ct, tag) = k.encrypt(&mut rng, i, 3 * i);
            jobs.push(job);
            expect.push(Some((ct, tag)));
        }
    }
    let outs = ring.run_all(&mut m, &jobs, 1_000_000).unwrap();
    for (i, (o, e)) in outs.iter().zip(&expect).enumerate() {
        match e {
            Some((ct, tag)) => check_encrypt(&format!("descriptor {i}"), o, ct, tag),
            None => assert!(o.done && o.error && o.job_error == reg::error::KEY_ALG, "descriptor {i}: {o:?}"),
        }
    }
    assert_eq!(m.take_errors().unwrap(), reg::error::KEY_ALG);
    m.write32(reg::CONTROL, 0).unwrap();
    // Self-test of the one lane.
    m.wait_reg(reg::STATUS, reg::status::RING_ACTIVE, 0, 1_000).unwrap();
    m.write32(reg::CONTROL, reg::control::SELFTEST).unwrap();
    let st = m.wait_reg(reg::STATUS, reg::status::SELFTEST_DONE, reg::status::SELFTEST_DONE, 10_000).unwrap();
    assert_ne!(st & reg::status::SELFTEST_PASS, 0);
    check_bus(&m);
}

//! The stream and control contract of hdl/README.md, for every core
//! configuration: back-pressure on every beat, back-to-back messages, `start`
//! while busy, reset in the middle of a message, and streams that disagree
//! with the programmed lengths (which must end in `err`, never in a hang).

mod support;

use agilis_verilator::core::{stream_beats, Beat, CoreModel, Flow, Job};
use support::{reference, Rng};

fn job<'a>(key: &'a [u8], nonce: &'a [u8], ad: &'a [u8], msg: &'a [u8]) -> Job<'a> {
    Job { decrypt: false, key, nonce, ad, msg, tag: [0; 16] }
}

#[test]
fn back_pressure_on_every_beat_changes_nothing() {
    if !agilis_verilator::models_or_skip("back_pressure_on_every_beat_changes_nothing") {
        return;
    }
    let mut rng = Rng::from_env(11);
    for config in support::configs() {
        let mut core = CoreModel::new(config.name).unwrap();
        for (ad_len, msg_len) in [(0, 0), (1, 1), (16, 16), (17, 33), (40, 200), (300, 5)] {
            let key = rng.bytes(config.algorithm.key_len());
            let nonce = rng.bytes(config.algorithm.nonce_len());
            let (ad, pt) = (rng.bytes(ad_len), rng.bytes(msg_len));
            let want = reference(config.algorithm, &key).seal(&nonce, &ad, &pt).unwrap();
            let fast = core.run(&job(&key, &nonce, &ad, &pt)).unwrap();
            let slow = core.run_with(&job(&key, &nonce, &ad, &pt), &mut Flow::every_beat()).unwrap();
            for out in [&fast, &slow] {
                assert!(!out.err && out.violations.is_empty(), "{}: {out:?}", config.name);
                assert_eq!([&out.output[..], &out.tag[..]].concat(), want, "{}: ({ad_len},{msg_len})", config.name);
            }
        }
    }
}

#[test]
fn back_to_back_messages_and_start_while_busy() {
    if !agilis_verilator::models_or_skip("back_to_back_messages_and_start_while_busy") {
        return;
    }
    let mut rng = Rng::from_env(12);
    for config in support::configs() {
        let mut core = CoreModel::new(config.name).unwrap();
        let key = rng.bytes(config.algorithm.key_len());
        let nonce = rng.bytes(config.algorithm.nonce_len());
        let other_key = rng.bytes(config.algorithm.key_len());
        let (ad, pt) = (rng.bytes(20), rng.bytes(50));
        let want = reference(config.algorithm, &key).seal(&nonce, &ad, &pt).unwrap();
        // Start a message, then hold `start` high with another key and other
        // lengths for the whole run: the core must ignore it while busy.
        let mut flow = Flow::full_speed();
        core.start(&job(&key, &nonce, &ad, &pt), ad.len() as u32, pt.len() as u32);
        let beats = stream_beats(&ad, &pt, config.bus_bits);
        let mut next = 0;
        let mut output = Vec::new();
        let mut done = None;
        for _ in 0..10_000 {
            let pins = core.pins();
            pins.start = 1;
            pins.key = agilis_verilator::core::bytes_to_words::<8>(&other_key);
            pins.ad_len = 3;
            pins.msg_len = 7;
            pins.out_ready = 1;
            if next < beats.len() {
                let b = &beats[next];
                pins.in_valid = 1;
                pins.in_data = agilis_verilator::core::bytes_to_words::<4>(&b.data);
                pins.in_keep = b.keep;
                pins.in_last = b.last as u8;
            } else {
                pins.in_valid = 0;
            }
            let out = core.eval();
            if out.done != 0 {
                done = Some(out);
                break;
            }
            if out.in_ready != 0 && next < beats.len() {
                next += 1;
            }
            if out.out_valid != 0 {
                output.extend(agilis_verilator::core::words_to_bytes(&out.out_data, out.out_keep.trailing_ones() as usize));
            }
            core.tick();
        }
        let done = done.unwrap_or_else(|| panic!("{}: no done while start was held high", config.name));
        assert_eq!(done.err, 0, "{}", config.name);
        assert_eq!([&output[..], &agilis_verilator::core::words_to_bytes(&done.tag_out, 16)[..]].concat(), want, "{}: start while busy disturbed the message", config.name);
        core.tick();
        core.pins().start = 0;
        core.reset();
        let _ = &mut flow;
        // Back to back: a run of messages, each started in the cycle after
        // the one that shows the previous `done` and the new lengths.
        for i in 0..20 {
            let (ad, pt) = (rng.bytes(i * 3), rng.bytes(i * 7 + 1));
            let want = reference(config.algorithm, &key).seal(&nonce, &ad, &pt).unwrap();
            let out = core.run(&job(&key, &nonce, &ad, &pt)).unwrap();
            assert_eq!([&out.output[..], &out.tag[..]].concat(), want, "{}: back-to-back message {i}", config.name);
        }
    }
}

#[test]
fn reset_in_the_middle_of_a_message_leaves_a_working_core() {
    if !agilis_verilator::models_or_skip("reset_in_the_middle_of_a_message_leaves_a_working_core") {
        return;
    }
    let mut rng = Rng::from_env(13);
    for config in support::configs() {
        let mut core = CoreModel::new(config.name).unwrap();
        for cut in [1u32, 2, 5, 9, 20, 40] {
            let key = rng.bytes(config.algorithm.key_len());
            let nonce = rng.bytes(config.algorithm.nonce_len());
            let (ad, pt) = (rng.bytes(256), rng.bytes(400));
            core.start(&job(&key, &nonce, &ad, &pt), 256, 400);
            let beats = stream_beats(&ad, &pt, config.bus_bits);
            let mut next = 0;
            for _ in 0..cut {
                let pins = core.pins();
                pins.out_ready = 1;
                if next < beats.len() {
                    pins.in_valid = 1;
                    pins.in_data = agilis_verilator::core::bytes_to_words::<4>(&beats[next].data);
                    pins.in_keep = beats[next].keep;
                    pins.in_last = beats[next].last as u8;
                }
                let out = core.eval();
                assert_eq!(out.done, 0, "{}: done before the reset at cycle {cut}", config.name);
                if out.in_ready != 0 {
                    next += 1;
                }
                core.tick();
            }
            core.reset();
            let out = core.eval();
            assert_eq!((out.busy, out.out_valid, out.done), (0, 0, 0), "{}: reset left the core active", config.name);
            // The next message is unaffected.
            let want = reference(config.algorithm, &key).seal(&nonce, &ad, &pt).unwrap();
            let after = core.run(&job(&key, &nonce, &ad, &pt)).unwrap();
            assert_eq!([&after.output[..], &after.tag[..]].concat(), want, "{}: message after a reset at cycle {cut}", config.name);
        }
    }
}

#[test]
fn streams_that_disagree_with_the_lengths_end_in_err_not_a_hang() {
    if !agilis_verilator::models_or_skip("streams_that_disagree_with_the_lengths_end_in_err_not_a_hang") {
        return;
    }
    let mut rng = Rng::from_env(14);
    for config in support::configs() {
        let width = (config.bus_bits / 8) as usize;
        let mut core = CoreModel::new(config.name).unwrap();
        let key = rng.bytes(config.algorithm.key_len());
        let nonce = rng.bytes(config.algorithm.nonce_len());
        let (ad, pt) = (rng.bytes(40), rng.bytes(70));
        let good = stream_beats(&ad, &pt, config.bus_bits);
        let ad_beats = ad.len().div_ceil(width);

        let mut cases: Vec<(&str, u32, u32, Vec<Beat>)> = Vec::new();
        // AD ends early: `last` on the first AD beat.
        let mut early = good.clone();
        early[0].last = true;
        cases.push(("last too early", 40, 70, early));
        // AD runs long: the lengths say 20 bytes of AD, the stream has 40.
        cases.push(("last too late", 20, 70, good.clone()));
        // A gap in keep on a full beat.
        let mut gap = good.clone();
        gap[1].keep &= !0b10;
        cases.push(("keep with a hole", 40, 70, gap));
        // The final message beat carries one byte too many.
        let mut long = good.clone();
        let last = long.len() - 1;
        long[last].keep = (long[last].keep << 1) | 1;
        cases.push(("keep too wide on the last beat", 40, 70, long));
        // The message section's last beat never says last.
        let mut unterminated = good.clone();
        unterminated[last].last = false;
        cases.push(("no last", 40, 70, unterminated));
        // The stream has no AD section though the lengths say 40 bytes.
        cases.push(("section missing", 40, 70, good[ad_beats..].to_vec()));

        for (what, ad_len, msg_len, beats) in cases {
            let out = core
                .run_beats(&job(&key, &nonce, &ad, &pt), ad_len, msg_len, &beats, &mut Flow::full_speed())
                .unwrap_or_else(|h| panic!("{}: {what}: the core hung ({} cycles)", config.name, h.cycles));
            assert!(out.err, "{}: {what}: no err", config.name);
            assert!(!out.tag_ok, "{}: {what}", config.name);
            // Usable at once afterwards.
            let want = reference(config.algorithm, &key).seal(&nonce, &ad, &pt).unwrap();
            let next = core.run(&job(&key, &nonce, &ad, &pt)).unwrap();
            assert!(!next.err, "{}: after {what}: {next:?}", config.name);
            assert_eq!([&next.output[..], &next.tag[..]].concat(), want, "{}: after {what}", config.name);
        }
    }
}

//! Random differential: every core configuration against the software AEADs
//! of `agilis-suites`, byte for byte, encrypt and decrypt: every (AD, message)
//! length pair from 0 to 48 bytes, then random lengths up to 2 KiB, some of
//! them under random back-pressure. Then tampering: a flipped ciphertext, tag
//! or AD bit must come back as tag-fail.

mod support;

use agilis_verilator::core::{CoreConfig, CoreModel, Flow, Job};
use support::{reference, Rng};

/// One checked message: what decrypting it again needs.
struct Case {
    key: Vec<u8>,
    nonce: Vec<u8>,
    ad: Vec<u8>,
    ct: Vec<u8>,
    tag: [u8; 16],
}

/// Encrypts and decrypts one random case through the core and checks both
/// against the reference.
fn check_case(core: &mut CoreModel, rng: &mut Rng, ad_len: usize, msg_len: usize, flow: &mut Flow) -> Case {
    let config = *core.config();
    let alg = config.algorithm;
    let key = rng.bytes(alg.key_len());
    let nonce = rng.bytes(alg.nonce_len());
    let ad = rng.bytes(ad_len);
    let pt = rng.bytes(msg_len);
    let sealed = reference(alg, &key).seal(&nonce, &ad, &pt).unwrap();
    let (want_ct, want_tag) = sealed.split_at(msg_len);
    let what = format!("{}: ad {ad_len} msg {msg_len}", config.name);

    let enc = core
        .run_with(&Job { decrypt: false, key: &key, nonce: &nonce, ad: &ad, msg: &pt, tag: [0; 16] }, flow)
        .unwrap_or_else(|h| panic!("{what}: encrypt hung after {} cycles", h.cycles));
    assert!(!enc.err && enc.violations.is_empty(), "{what}: {enc:?}");
    assert_eq!(enc.output, want_ct, "{what}: ciphertext differs from software");
    assert_eq!(&enc.tag[..], want_tag, "{what}: tag differs from software");

    let tag: [u8; 16] = want_tag.try_into().unwrap();
    let dec = core
        .run_with(&Job { decrypt: true, key: &key, nonce: &nonce, ad: &ad, msg: want_ct, tag }, flow)
        .unwrap_or_else(|h| panic!("{what}: decrypt hung after {} cycles", h.cycles));
    assert!(!dec.err && dec.violations.is_empty(), "{what}: {dec:?}");
    assert!(dec.tag_ok, "{what}: decrypt reported tag-fail on a genuine message");
    assert_eq!(dec.output, pt, "{what}: plaintext differs");
    Case { key, nonce, ad, ct: want_ct.to_vec(), tag }
}

fn differential(config: &CoreConfig, seed: u64) {
    let mut core = CoreModel::new(config.name).unwrap();
    let mut rng = Rng::from_env(seed);
    let mut cases = 0;
    for ad_len in 0..=48 {
        for msg_len in 0..=48 {
            check_case(&mut core, &mut rng, ad_len, msg_len, &mut Flow::full_speed());
            cases += 1;
        }
    }
    for i in 0..400 {
        let ad_len = rng.below(2049) as usize;
        let msg_len = rng.below(2049) as usize;
        let mut flow = if i % 4 == 0 { Flow::random(30, 30, rng.next_u64()) } else { Flow::full_speed() };
        check_case(&mut core, &mut rng, ad_len, msg_len, &mut flow);
        cases += 1;
    }
    for (ad_len, msg_len) in [(2048, 2048), (0, 2048), (2048, 0), (2047, 2049)] {
        check_case(&mut core, &mut rng, ad_len, msg_len, &mut Flow::full_speed());
        cases += 1;
    }
    eprintln!("{}: {cases} cases, each encrypted and decrypted, match the software", config.name);
}

#[test]
fn every_configuration_matches_software() {
    if !agilis_verilator::models_or_skip("every_configuration_matches_software") {
        return;
    }
    for (i, config) in support::configs().iter().enumerate() {
        differential(config, 0xA6_11_15 + i as u64);
    }
}

#[test]
fn flipped_bits_are_reported_as_tag_fail() {
    if !agilis_verilator::models_or_skip("flipped_bits_are_reported_as_tag_fail") {
        return;
    }
    let mut rng = Rng::from_env(0x7A_3B);
    for config in support::configs() {
        let mut core = CoreModel::new(config.name).unwrap();
        for i in 0..60 {
            let ad_len = 1 + rng.below(64) as usize;
            let msg_len = 1 + rng.below(96) as usize;
            let Case { key, nonce, mut ad, mut ct, mut tag } = check_case(&mut core, &mut rng, ad_len, msg_len, &mut Flow::full_speed());
            let which = i % 3;
            match which {
                0 => ct[rng.below(msg_len as u64) as usize] ^= 1 << rng.below(8),
                1 => tag[rng.below(16) as usize] ^= 1 << rng.below(8),
                _ => ad[rng.below(ad_len as u64) as usize] ^= 1 << rng.below(8),
            }
            let out = core
                .run(&Job { decrypt: true, key: &key, nonce: &nonce, ad: &ad, msg: &ct, tag })
                .unwrap_or_else(|h| panic!("{}: tampered decrypt hung after {} cycles", config.name, h.cycles));
            let part = ["ciphertext", "tag", "AD"][which];
            assert!(!out.err, "{}: a flipped {part} bit is a tag failure, not a stream error", config.name);
            assert!(!out.tag_ok, "{}: a flipped {part} bit was accepted", config.name);
        }
    }
}

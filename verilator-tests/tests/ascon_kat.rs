//! All 1089 Ascon-AEAD128 KATs (NIST LWC file), encrypt and decrypt, through
//! every Verilated configuration of the `ascon_aead128` core.

#[path = "../../suites/tests/common/mod.rs"]
mod common;

use agilis_verilator::core::{CoreAlgorithm, CoreConfig, CoreModel, Job};

#[test]
fn ascon_aead128_all_kats_every_configuration() {
    if !agilis_verilator::models_or_skip("ascon_aead128_all_kats_every_configuration") {
        return;
    }
    let Some(text) = common::read_vectors("ascon", "asconaead128_LWC_AEAD_KAT_128_128.txt") else {
        return;
    };
    let records = common::lwc_kat_records(&text);
    assert_eq!(records.len(), 1089, "the KAT file should hold 1089 records");
    for config in CoreConfig::of(CoreAlgorithm::AsconAead128) {
        let mut core = CoreModel::new(config.name).unwrap();
        for r in &records {
            let count = &r["Count"];
            let key = common::kat_field(r, "Key");
            let nonce = common::kat_field(r, "Nonce");
            let pt = common::kat_field(r, "PT");
            let ad = common::kat_field(r, "AD");
            let ct = common::kat_field(r, "CT");
            let (body, tag) = ct.split_at(pt.len());
            let tag: [u8; 16] = tag.try_into().unwrap();

            let sealed = core
                .run(&Job { decrypt: false, key: &key, nonce: &nonce, ad: &ad, msg: &pt, tag: [0; 16] })
                .unwrap_or_else(|h| panic!("{}: KAT {count} encrypt hung after {} cycles", config.name, h.cycles));
            assert!(!sealed.err && sealed.violations.is_empty(), "{}: KAT {count}: {sealed:?}", config.name);
            assert_eq!(sealed.output, body, "{}: KAT {count} ciphertext", config.name);
            assert_eq!(sealed.tag, tag, "{}: KAT {count} tag", config.name);

            let opened = core
                .run(&Job { decrypt: true, key: &key, nonce: &nonce, ad: &ad, msg: body, tag })
                .unwrap_or_else(|h| panic!("{}: KAT {count} decrypt hung after {} cycles", config.name, h.cycles));
            assert!(!opened.err && opened.violations.is_empty(), "{}: KAT {count}: {opened:?}", config.name);
            assert!(opened.tag_ok, "{}: KAT {count}: decrypt reported tag-fail", config.name);
            assert_eq!(opened.output, pt, "{}: KAT {count} plaintext", config.name);
        }
    }
}

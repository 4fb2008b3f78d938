//! The self-test command: the built-in known answers are the software's,
//! every lane passes, and the result is reported with an interrupt.

mod top_common;

use agilis_regmap::{lane, reg};
use top_common::*;

/// A `localparam [..] NAME = N'hHEX;` of hdl/rtl/agilis_selftest.vh, as
/// little-endian bytes (byte j at bits 8j+7:8j), `len` of them.
fn vh_bytes(text: &str, name: &str, len: usize) -> Vec<u8> {
    let line = text.lines().find(|l| l.contains(&format!(" {name} "))).unwrap_or_else(|| panic!("{name} not in agilis_selftest.vh"));
    let value = line.split('=').nth(1).unwrap().trim().trim_end_matches(';');
    let (_, based) = value.split_once('\'').unwrap();
    let mut bytes = match based.split_at(1) {
        ("h", hex) => hex::decode(if hex.len() % 2 == 1 { format!("0{hex}") } else { hex.to_string() }).unwrap(),
        ("d", dec) => dec.parse::<u128>().unwrap().to_be_bytes().to_vec(),
        _ => panic!("{name}: unexpected literal {value}"),
    };
    bytes.reverse();
    bytes.resize(len, 0);
    bytes
}

#[test]
fn selftest_vectors_are_the_software_answers() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../hdl/rtl/agilis_selftest.vh")).unwrap();
    let ad_len = vh_bytes(&text, "ST_AD_LEN", 4);
    let msg_len = vh_bytes(&text, "ST_MSG_LEN", 4);
    assert_eq!((ad_len[0], msg_len[0]), (20, 20));
    let key = vh_bytes(&text, "ST_KEY", 32);
    let nonce: [u8; 16] = vh_bytes(&text, "ST_NONCE", 16).try_into().unwrap();
    let ad = vh_bytes(&text, "ST_AD", 20);
    let pt = vh_bytes(&text, "ST_PT", 20);
    for (alg, ct_name, tag_name) in [(Alg::Ascon, "ST_CT_ASCON", "ST_TAG_ASCON"), (Alg::Aes, "ST_CT_AES", "ST_TAG_AES")] {
        let (ct, tag) = sw_seal(alg, &key[..alg.key_len()], &nonce, &ad, &pt);
        assert_eq!(vh_bytes(&text, ct_name, 20), ct, "{ct_name}");
        assert_eq!(vh_bytes(&text, tag_name, 16), tag, "{tag_name}");
        // and the padding of the 32-byte vectors is zero
        assert!(vh_bytes(&text, ct_name, 32)[20..].iter().all(|&b| b == 0));
    }
}

#[test]
fn selftest_passes_on_every_lane() {
    let Some(mut m) = model("selftest_passes_on_every_lane") else { return };
    m.write32(reg::IRQ_ENABLE, reg::irq_status::SELFTEST).unwrap();
    for round in 0..3 {
        m.write32(reg::CONTROL, reg::control::SELFTEST).unwrap();
        assert_ne!(m.read32(reg::STATUS).unwrap() & reg::status::SELFTEST_BUSY, 0);
        m.wait_irq(10_000).unwrap();
        let st = m.read32(reg::STATUS).unwrap();
        assert_eq!(st & (reg::status::SELFTEST_BUSY | reg::status::SELFTEST_DONE | reg::status::SELFTEST_PASS), reg::status::SELFTEST_DONE | reg::status::SELFTEST_PASS, "round {round}: {st:#x}");
        assert_eq!(m.read32(reg::SELFTEST_RESULT).unwrap(), (1 << m.caps().lanes) - 1);
        for l in 0..m.caps().lanes {
            assert_ne!(m.read32(lane::at(l, lane::STATUS)).unwrap() & lane::status::SELFTEST_PASS, 0, "lane {l}");
        }
        assert_eq!(m.read32(reg::ERROR).unwrap(), 0);
        m.write32(reg::IRQ_STATUS, u32::MAX).unwrap();
        m.run(2);
        assert!(!m.irq());
    }
    // The self-test used no DMA and left the lanes usable.
    assert_eq!(m.bus_stats().read_bursts + m.bus_stats().write_bursts, 0);
    let mut rng = Rng(1);
    let k = Key::load(&mut m, 4, Alg::Aes, &mut rng);
    let (job, ct, tag) = k.encrypt(&mut rng, 20, 20);
    check_encrypt("after self-test", &m.run_direct(3, &job).unwrap(), &ct, &tag);
    check_bus(&m);
}

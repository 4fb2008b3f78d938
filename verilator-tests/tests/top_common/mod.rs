//! Shared by the tests/top_*.rs tests: the software reference, job builders
//! and the checks every top-level test makes.
#![allow(dead_code)]

use agilis_regmap::key_alg;
use agilis_suites::aead::AeadKey;
use agilis_suites::registry::codepoint;
use agilis_verilator::top::{Job, Outcome, TopModel};

/// The top model under test, or None (with a notice; a failure under CI=true)
/// when this build has no Verilated models.
pub fn model(test: &str) -> Option<TopModel> {
    if !agilis_verilator::models_or_skip(test) {
        return None;
    }
    Some(TopModel::new("top_mixed").expect("building the top model"))
}

/// Deterministic pseudo-random bytes (xorshift64*).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// A key algorithm of the card and its software twin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alg {
    Ascon,
    Aes,
}

impl Alg {
    pub const BOTH: [Alg; 2] = [Alg::Ascon, Alg::Aes];
    pub fn key_alg(self) -> u32 {
        match self {
            Alg::Ascon => key_alg::ASCON_AEAD128,
            Alg::Aes => key_alg::AES_256_GCM,
        }
    }
    pub fn codepoint(self) -> u16 {
        match self {
            Alg::Ascon => codepoint::ASCON_AEAD128,
            Alg::Aes => codepoint::AES_256_GCM,
        }
    }
    pub fn key_len(self) -> usize {
        match self {
            Alg::Ascon => 16,
            Alg::Aes => 32,
        }
    }
    pub fn nonce_len(self) -> usize {
        match self {
            Alg::Ascon => 16,
            Alg::Aes => 12,
        }
    }
}

/// Software seal: (ciphertext, tag).
pub fn sw_seal(alg: Alg, key: &[u8], nonce: &[u8; 16], ad: &[u8], pt: &[u8]) -> (Vec<u8>, [u8; 16]) {
    let k = AeadKey::new(alg.codepoint(), key).expect("software key");
    let mut ct = k.seal(&nonce[..alg.nonce_len()], ad, pt).expect("software seal");
    let tag: [u8; 16] = ct.split_off(pt.len()).try_into().unwrap();
    (ct, tag)
}

/// A loaded key slot.
#[derive(Clone, Debug)]
pub struct Key {
    pub slot: u32,
    pub alg: Alg,
    pub key: Vec<u8>,
}

impl Key {
    pub fn load(m: &mut TopModel, slot: u32, alg: Alg, rng: &mut Rng) -> Key {
        let key = rng.bytes(alg.key_len());
        m.load_key(slot, alg.key_alg(), &key).unwrap();
        Key { slot, alg, key }
    }

    /// An encrypt job and its expected (ciphertext, tag).
    pub fn encrypt(&self, rng: &mut Rng, ad_len: usize, msg_len: usize) -> (Job, Vec<u8>, [u8; 16]) {
        let mut nonce = [0u8; 16];
        nonce[..self.alg.nonce_len()].copy_from_slice(&rng.bytes(self.alg.nonce_len()));
        let ad = rng.bytes(ad_len);
        let pt = rng.bytes(msg_len);
        let (ct, tag) = sw_seal(self.alg, &self.key, &nonce, &ad, &pt);
        (Job { slot: self.slot, decrypt: false, nonce, ad, msg: pt, ..Job::default() }, ct, tag)
    }

    /// A decrypt job of a genuine ciphertext, and its expected plaintext.
    pub fn decrypt(&self, rng: &mut Rng, ad_len: usize, msg_len: usize) -> (Job, Vec<u8>) {
        let (enc, ct, tag) = self.encrypt(rng, ad_len, msg_len);
        (Job { decrypt: true, msg: ct, tag, ..enc.clone() }, enc.msg)
    }
}

/// The checks of a successful encryption.
pub fn check_encrypt(what: &str, o: &Outcome, ct: &[u8], tag: &[u8; 16]) {
    assert!(o.done && !o.error && !o.tag_ok && !o.tag_fail, "{what}: status {o:?}");
    assert_eq!(o.output, ct, "{what}: ciphertext");
    assert_eq!(o.tag.as_ref(), Some(tag), "{what}: tag in the destination");
    if let Some(reg_tag) = o.reg_tag {
        assert_eq!(&reg_tag, tag, "{what}: TAG registers");
    }
    assert!(o.padding.iter().all(|&b| b == 0), "{what}: destination padding {:?}", o.padding);
}

/// The checks of a successful decryption.
pub fn check_decrypt(what: &str, o: &Outcome, pt: &[u8]) {
    assert!(o.done && !o.error && o.tag_ok && !o.tag_fail, "{what}: status {o:?}");
    assert_eq!(o.output, pt, "{what}: plaintext");
    if let Some(reg_tag) = o.reg_tag {
        assert_eq!(reg_tag, [0; 16], "{what}: a decrypt's tag must not be readable");
    }
    assert!(o.padding.iter().all(|&b| b == 0), "{what}: destination padding");
}

/// No AXI rule was broken on the master port.
pub fn check_bus(m: &TopModel) {
    assert!(m.violations().is_empty(), "AXI violations: {:#?}", m.violations());
}

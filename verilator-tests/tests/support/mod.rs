//! Shared by the core tests: the software reference from `agilis-suites`, a
//! reproducible RNG, and the list of core configurations this build holds.
#![allow(dead_code)]

use agilis_suites::aead::AeadKey;
use agilis_suites::registry::codepoint;
use agilis_verilator::core::{CoreAlgorithm, CoreConfig, CORE_CONFIGS};

/// The software AEAD the core must match byte for byte.
pub fn reference(algorithm: CoreAlgorithm, key: &[u8]) -> AeadKey {
    let cp = match algorithm {
        CoreAlgorithm::AsconAead128 => codepoint::ASCON_AEAD128,
        CoreAlgorithm::Aes256Gcm => codepoint::AES_256_GCM,
    };
    AeadKey::new(cp, key).expect("reference key")
}

/// Every core configuration, each of which must have been built.
pub fn configs() -> &'static [CoreConfig] {
    let built: Vec<&str> = agilis_verilator::model_names().collect();
    for c in CORE_CONFIGS {
        assert!(built.contains(&c.name), "core configuration {} is not in this build (verilator-tests/build.rs)", c.name);
    }
    CORE_CONFIGS
}

/// SplitMix64: reproducible cases; the seed is printed by each test and can
/// be set with AGILIS_SEED.
pub struct Rng(u64);

impl Rng {
    pub fn from_env(default: u64) -> Rng {
        let seed = std::env::var("AGILIS_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(default);
        eprintln!("seed {seed} (set AGILIS_SEED to replay)");
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}

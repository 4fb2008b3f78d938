//! The cost-model units of the SecCDV baseline, counted where they are spent.
//!
//! Every P-256 point multiplication (`T_m`) and every SHA-256 evaluation
//! (`T_h`) of the baseline goes through a [`Meter`], so the tests can check
//! the code against the published cost model and the benchmark can print the
//! counts beside the timings. Counting is one cell increment per operation,
//! far below the cost of what it counts.

use std::cell::Cell;

use p256::elliptic_curve::Group;
use p256::elliptic_curve::ops::{MulByGeneratorVartime, Reduce};
use p256::{FieldBytes, ProjectivePoint, Scalar};
use sha2::{Digest, Sha256};

/// Operation counts in the units of the paper's cost model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct OpCounts {
    /// `T_h`: SHA-256 evaluations (one per hash call, whatever its input length).
    pub hashes: u32,
    /// `T_m`: elliptic-curve point multiplications (fixed or variable base).
    pub mults: u32,
}

impl OpCounts {
    pub const fn new(hashes: u32, mults: u32) -> OpCounts {
        OpCounts { hashes, mults }
    }
}

impl std::fmt::Display for OpCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} T_h + {} T_m", self.hashes, self.mults)
    }
}

/// Counts the `T_m` and `T_h` one party spends.
#[derive(Debug, Default)]
pub struct Meter {
    hashes: Cell<u32>,
    mults: Cell<u32>,
}

impl Meter {
    pub fn new() -> Meter {
        Meter::default()
    }

    pub fn counts(&self) -> OpCounts {
        OpCounts {
            hashes: self.hashes.get(),
            mults: self.mults.get(),
        }
    }

    fn count_mult(&self) {
        self.mults.set(self.mults.get() + 1);
    }

    /// `k·P` in constant time (k secret).
    pub fn mul(&self, point: &ProjectivePoint, k: &Scalar) -> ProjectivePoint {
        self.count_mult();
        point * k
    }

    /// `k·P` in variable time: only for public `k` and `P` (verification).
    pub fn mul_public(&self, point: &ProjectivePoint, k: &Scalar) -> ProjectivePoint {
        self.count_mult();
        point.mul_vartime(k)
    }

    /// `k·G` in constant time, from the crate's precomputed generator table.
    pub fn mul_base(&self, k: &Scalar) -> ProjectivePoint {
        self.count_mult();
        ProjectivePoint::mul_by_generator(k)
    }

    /// `k·G` in variable time: only for public `k` (verification).
    pub fn mul_base_public(&self, k: &Scalar) -> ProjectivePoint {
        self.count_mult();
        ProjectivePoint::mul_by_generator_vartime(k)
    }

    /// SHA-256 over a domain label and length-prefixed parts (so no two
    /// different part lists hash the same input).
    pub fn hash(&self, domain: &[u8], parts: &[&[u8]]) -> [u8; 32] {
        self.hashes.set(self.hashes.get() + 1);
        let mut h = Sha256::new();
        for part in std::iter::once(&domain).chain(parts) {
            h.update((part.len() as u32).to_be_bytes());
            h.update(part);
        }
        h.finalize().into()
    }

    /// [`Meter::hash`] reduced modulo the group order.
    pub fn hash_to_scalar(&self, domain: &[u8], parts: &[&[u8]]) -> Scalar {
        let digest = FieldBytes::from(self.hash(domain, parts));
        <Scalar as Reduce<FieldBytes>>::reduce(&digest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_operation_counts_once_and_the_variants_agree() {
        let m = Meter::new();
        let k = Scalar::from(7u64);
        let g = ProjectivePoint::GENERATOR;
        assert_eq!(m.mul(&g, &k), m.mul_base(&k));
        assert_eq!(m.mul_public(&g, &k), m.mul_base_public(&k));
        assert_eq!(m.counts(), OpCounts::new(0, 4));
        let a = m.hash_to_scalar(b"d", &[b"ab", b"c"]);
        let b = m.hash_to_scalar(b"d", &[b"a", b"bc"]);
        assert_ne!(a, b, "length prefixes keep part boundaries apart");
        assert_eq!(m.counts(), OpCounts::new(2, 4));
    }
}

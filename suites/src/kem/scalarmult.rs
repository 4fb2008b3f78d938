//! X25519 scalar multiplication (RFC 7748) for the X25519 KEM and X-Wing,
//! by the fastest backend of the build: aws-lc with the `aws-lc` feature
//! (s2n-bignum's formally verified x86-64 and AArch64 code, measured faster
//! than x25519-dalek: `cargo bench -p agilis-suites --bench kem -- x25519`),
//! x25519-dalek otherwise. Both follow RFC 7748
//! exactly: clamped scalar, top bit of `u` ignored, `u` reduced mod p, and an
//! all-zero output returned as is (the callers that must reject it do).

use zeroize::Zeroizing;

/// X25519(k, u) per RFC 7748.
pub(super) fn x25519(k: &[u8; 32], u: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    #[cfg(feature = "aws-lc")]
    {
        let mut out = Zeroizing::new([0u8; 32]);
        // SAFETY: `X25519` reads 32 bytes through each input pointer and
        // writes 32 through the output one, all from live 32-byte arrays; it
        // keeps no pointer. It always writes the result; its return value
        // only tells whether that is all zeros, which the callers check
        // themselves where the protocol requires it (X-Wing does not).
        #[allow(unsafe_code)]
        unsafe {
            aws_lc_sys::X25519(out.as_mut_ptr(), k.as_ptr(), u.as_ptr());
        }
        out
    }
    #[cfg(not(feature = "aws-lc"))]
    {
        Zeroizing::new(x25519_dalek::x25519(*k, *u))
    }
}

/// `X25519(k, 9)`, through a fixed-base table (the same result as the
/// ladder on the base point).
pub(super) fn x25519_base(k: &[u8; 32]) -> [u8; 32] {
    #[cfg(feature = "aws-lc")]
    {
        let mut out = [0u8; 32];
        // SAFETY: reads 32 bytes from `k` and writes 32 to `out`, both live
        // 32-byte arrays; no pointer is kept.
        #[allow(unsafe_code)]
        unsafe {
            aws_lc_sys::X25519_public_from_private(out.as_mut_ptr(), k.as_ptr());
        }
        out
    }
    #[cfg(not(feature = "aws-lc"))]
    {
        x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(*k)).to_bytes()
    }
}

#[cfg(all(test, feature = "aws-lc"))]
mod tests {
    use alloc::vec;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// aws-lc and x25519-dalek agree on every scalar and every `u`,
        /// non-canonical ones (top bit set, u ≥ p) included.
        #[test]
        fn aws_lc_equals_dalek(k in any::<[u8; 32]>(), u in any::<[u8; 32]>()) {
            prop_assert_eq!(*x25519(&k, &u), x25519_dalek::x25519(k, u));
            prop_assert_eq!(
                x25519_base(&k),
                x25519_dalek::x25519(k, x25519_dalek::X25519_BASEPOINT_BYTES)
            );
        }
    }

    #[test]
    fn aws_lc_equals_dalek_on_edge_points() {
        let k = [0x5a; 32];
        let p_minus_1 = {
            let mut p = [0xff; 32];
            p[0] = 0xec;
            p[31] = 0x7f;
            p
        };
        let mut one = [0u8; 32];
        one[0] = 1;
        // 0 and 1 (small order: all-zero output), p − 1, p, p + 1, p + 2, 2^255 − 1.
        let mut edges = vec![[0u8; 32], one, p_minus_1, [0xff; 32]];
        for add in 1..=3u8 {
            let mut e = p_minus_1;
            e[0] += add;
            edges.push(e);
        }
        for u in edges {
            assert_eq!(*x25519(&k, &u), x25519_dalek::x25519(k, u), "u = {u:02x?}");
        }
        assert_eq!(*x25519(&k, &[0; 32]), [0; 32]);
    }
}

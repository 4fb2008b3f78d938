//! Signature benchmarks: keygen, sign and verify of every registered
//! signature through `sig::scheme`, plus ML-DSA-65 and Ed25519 called
//! directly (pqcrypto-mldsa, ed25519-dalek) to show the dispatch overhead.
//! ML-DSA-65 verification is measured with each verifier `sig` uses and with
//! the binding's own choice of backend.
//!
//! Ids: `sig/<alg>/<keygen|sign|verify>/agilis`; `sig/ml-dsa-65/sign/direct`,
//! `.../verify/direct-aws-lc` (what agilis calls for the empty context with
//! the `aws-lc` feature), `.../verify/direct-portable` (PQClean's portable
//! verifier, what agilis calls otherwise) and `.../verify/peer-avx2` (the
//! binding's AVX2 verifier, which agilis does not use);
//! `sig/ed25519/{sign,verify}/direct` (ed25519-dalek from the same seed and
//! public-key bytes; agilis verifies with it, and signs with it only without
//! the `aws-lc` feature) and `.../direct-prepared` (key objects made once).
//!
//! `cargo bench -p agilis-suites --bench sig -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use agilis_suites::registry::{self, Family, Kind};
use agilis_suites::sig;
use criterion::{Criterion, criterion_group, criterion_main};

/// A short message, as in a handshake transcript hash plus framing.
const MESSAGE: [u8; 64] = [0x5a; 64];

fn through_registry(c: &mut Criterion) {
    for alg in registry::of_kind(Kind::Signature) {
        let scheme = sig::scheme(alg.codepoint).unwrap();
        let mut group = c.benchmark_group(format!("sig/{}", alg.name));
        // SLH-DSA signs in tens of milliseconds.
        if alg.families.contains(&Family::HashBased) {
            group.sample_size(10);
        }
        group.bench_function("keygen/agilis", |b| b.iter(|| scheme.keygen().unwrap()));
        let kp = scheme.keygen().unwrap();
        group.bench_function("sign/agilis", |b| {
            b.iter(|| {
                scheme
                    .sign(black_box(kp.secret_key.expose()), black_box(&MESSAGE))
                    .unwrap()
            })
        });
        let signature = scheme.sign(kp.secret_key.expose(), &MESSAGE).unwrap();
        group.bench_function("verify/agilis", |b| {
            b.iter(|| {
                scheme
                    .verify(
                        black_box(&kp.public_key),
                        black_box(&MESSAGE),
                        black_box(&signature),
                    )
                    .unwrap()
            })
        });
        group.finish();
    }
}

fn direct(c: &mut Criterion) {
    {
        use pqcrypto_mldsa::mldsa65;
        use pqcrypto_traits::sign::{DetachedSignature as _, PublicKey as _};
        let mut group = c.benchmark_group("sig/ml-dsa-65");
        let (pk, sk) = mldsa65::keypair();
        group.bench_function("sign/direct", |b| {
            b.iter(|| mldsa65::detached_sign(black_box(&MESSAGE), black_box(&sk)))
        });
        let signature = mldsa65::detached_sign(&MESSAGE, &sk);
        // the binding's own choice (AVX2 on x86-64), which `sig` does not verify with
        group.bench_function("verify/peer-avx2", |b| {
            b.iter(|| {
                mldsa65::verify_detached_signature(
                    black_box(&signature),
                    black_box(&MESSAGE),
                    black_box(&pk),
                )
                .unwrap()
            })
        });
        // aws-lc, which `sig` calls for the empty context with the `aws-lc` feature
        group.bench_function("verify/direct-aws-lc", |b| {
            let key = aws_lc_rs::signature::UnparsedPublicKey::new(
                &aws_lc_rs::signature::ML_DSA_65,
                pk.as_bytes(),
            );
            b.iter(|| {
                black_box(&key)
                    .verify(black_box(&MESSAGE), black_box(signature.as_bytes()))
                    .unwrap()
            })
        });
        // PQClean's portable verifier, which `sig` calls otherwise
        group.bench_function("verify/direct-portable", |b| {
            let (sig, pk) = (signature.as_bytes(), pk.as_bytes());
            b.iter(|| {
                let (sig, msg, pk) = (black_box(sig), black_box(&MESSAGE), black_box(pk));
                // SAFETY: live slices passed with their lengths; pk has the
                // PUBLICKEYBYTES the C code reads.
                let status = unsafe {
                    pqcrypto_mldsa::ffi::PQCLEAN_MLDSA65_CLEAN_crypto_sign_verify_ctx(
                        sig.as_ptr(),
                        sig.len(),
                        msg.as_ptr(),
                        msg.len(),
                        [].as_ptr(),
                        0,
                        pk.as_ptr(),
                    )
                };
                assert_eq!(status, 0);
            })
        });
        group.finish();
    }
    {
        use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
        let mut group = c.benchmark_group("sig/ed25519");
        let seed = [7u8; 32];
        let key = SigningKey::from_bytes(&seed);
        let vk = key.verifying_key();
        let vk_bytes = vk.to_bytes();
        // From the same bytes agilis takes: the 32-byte seed, the encoded public key.
        group.bench_function("sign/direct", |b| {
            b.iter(|| SigningKey::from_bytes(black_box(&seed)).sign(black_box(&MESSAGE)))
        });
        let signature = key.sign(&MESSAGE);
        group.bench_function("verify/direct", |b| {
            b.iter(|| {
                VerifyingKey::from_bytes(black_box(&vk_bytes))
                    .unwrap()
                    .verify_strict(black_box(&MESSAGE), black_box(&signature))
                    .unwrap()
            })
        });
        // With key objects made once, outside the timing: what a prepared-key API would give.
        group.bench_function("sign/direct-prepared", |b| {
            b.iter(|| black_box(&key).sign(black_box(&MESSAGE)))
        });
        group.bench_function("verify/direct-prepared", |b| {
            b.iter(|| {
                black_box(&vk)
                    .verify_strict(black_box(&MESSAGE), black_box(&signature))
                    .unwrap()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, through_registry, direct);
criterion_main!(benches);

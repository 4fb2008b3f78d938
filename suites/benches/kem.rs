//! KEM costs through agilis (`kem::scheme(..)`), for every registered KEM,
//! beside the underlying crates called directly on the same byte inputs, so
//! the registry's dispatch overhead can be read off one run.
//!
//! Ids: `kem/<alg>/<keygen|encaps|decaps>/agilis` and, for ML-KEM-768,
//! `.../direct`: the underlying crate (libcrux-ml-kem) doing the same work
//! from the same bytes (expand the seed or check the key, draw randomness
//! from the OS, operate). For ML-KEM-768 also `.../rustcrypto-prepared`:
//! RustCrypto `ml-kem` with key objects made once, outside the timing, as a
//! peer. For X25519 `.../peer-dalek`: the same work with x25519-dalek's
//! ladder, the backend agilis uses without the `aws-lc` feature (with it,
//! agilis uses aws-lc's X25519).
//!
//! Run: `cargo bench -p agilis-suites --bench kem -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use agilis_suites::kem;
use agilis_suites::registry::{self, Kind};
use criterion::{Criterion, criterion_group, criterion_main};
use ml_kem::Decapsulate;

fn every_kem(c: &mut Criterion) {
    for alg in registry::of_kind(Kind::Kem) {
        let s = kem::scheme(alg.codepoint).unwrap();
        let mut g = c.benchmark_group(format!("kem/{}", alg.name));
        if alg.name.contains("hqc") {
            g.sample_size(20);
        }
        let kp = s.keygen().unwrap();
        let enc = s.encaps(&kp.public_key).unwrap();
        g.bench_function("keygen/agilis", |b| {
            b.iter(|| black_box(s.keygen().unwrap()))
        });
        g.bench_function("encaps/agilis", |b| {
            b.iter(|| black_box(s.encaps(black_box(&kp.public_key)).unwrap()))
        });
        g.bench_function("decaps/agilis", |b| {
            b.iter(|| {
                black_box(
                    s.decaps(
                        black_box(kp.secret_key.expose()),
                        black_box(&enc.ciphertext),
                    )
                    .unwrap(),
                )
            })
        });
        g.finish();
    }
}

fn random<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).unwrap();
    out
}

fn direct_ml_kem_768(c: &mut Criterion) {
    use libcrux_ml_kem::mlkem768;
    let seed = random::<64>();
    let kp = mlkem768::generate_key_pair(seed);
    let pk_bytes = kp.pk().to_vec();
    let (ct, _) = mlkem768::encapsulate(kp.public_key(), random::<32>());
    let mut g = c.benchmark_group("kem/ml-kem-768");
    g.bench_function("keygen/direct", |b| {
        b.iter(|| black_box(mlkem768::generate_key_pair(random::<64>()).pk().to_vec()))
    });
    g.bench_function("encaps/direct", |b| {
        b.iter(|| {
            let pk = mlkem768::MlKem768PublicKey::try_from(black_box(&pk_bytes[..])).unwrap();
            assert!(mlkem768::validate_public_key(&pk));
            black_box(mlkem768::encapsulate(&pk, random::<32>()))
        })
    });
    g.bench_function("decaps/direct", |b| {
        b.iter(|| {
            black_box(mlkem768::decapsulate(
                mlkem768::generate_key_pair(black_box(seed)).private_key(),
                black_box(&ct),
            ))
        })
    });

    type Dk = ml_kem::DecapsulationKey<ml_kem::MlKem768>;
    let dk = Dk::from_seed(seed.into());
    let ek = dk.encapsulation_key().clone();
    let (rc_ct, _) = ek.encapsulate_deterministic(&random::<32>().into());
    g.bench_function("keygen/rustcrypto-prepared", |b| {
        b.iter(|| black_box(Dk::from_seed(random::<64>().into())))
    });
    g.bench_function("encaps/rustcrypto-prepared", |b| {
        b.iter(|| black_box(ek.encapsulate_deterministic(&random::<32>().into())))
    });
    g.bench_function("decaps/rustcrypto-prepared", |b| {
        b.iter(|| black_box(dk.decapsulate(black_box(&rc_ct))))
    });
    g.finish();
}

fn direct_x25519(c: &mut Criterion) {
    let sk = random::<32>();
    let pk = x25519_dalek::x25519(sk, x25519_dalek::X25519_BASEPOINT_BYTES);
    let mut g = c.benchmark_group("kem/x25519");
    g.bench_function("encaps/peer-dalek", |b| {
        b.iter(|| {
            let e = random::<32>();
            black_box((
                x25519_dalek::x25519(e, x25519_dalek::X25519_BASEPOINT_BYTES),
                x25519_dalek::x25519(e, black_box(pk)),
            ))
        })
    });
    g.bench_function("decaps/peer-dalek", |b| {
        b.iter(|| black_box(x25519_dalek::x25519(black_box(sk), black_box(pk))))
    });
    g.finish();
}

criterion_group!(benches, every_kem, direct_ml_kem_768, direct_x25519);
criterion_main!(benches);

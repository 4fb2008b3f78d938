//! KEM costs through agilis (`kem::scheme(..)`), for every registered KEM,
//! beside the underlying crates called directly on the same byte inputs, so
//! the registry's dispatch overhead can be read off one run.
//!
//! Ids: `kem/<alg>/<keygen|encaps|decaps>/agilis` and, for ML-KEM-768 and
//! X25519, `.../direct` (ml-kem / x25519-dalek from the same bytes: parse the
//! key, draw randomness from the OS, operate) and `.../direct-prepared`
//! (key objects parsed once, outside the timing).
//!
//! Run: `cargo bench -p agilis-suites --bench kem -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use agilis_suites::kem;
use agilis_suites::registry::{self, Kind};
use criterion::{Criterion, criterion_group, criterion_main};
use ml_kem::{Decapsulate, KeyExport, MlKem768};

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
    type Dk = ml_kem::DecapsulationKey<MlKem768>;
    type Ek = ml_kem::EncapsulationKey<MlKem768>;
    let seed = random::<64>();
    let dk = Dk::from_seed(seed.into());
    let ek_bytes = dk.encapsulation_key().to_bytes();
    let (ct, _) = dk
        .encapsulation_key()
        .encapsulate_deterministic(&random::<32>().into());
    let mut g = c.benchmark_group("kem/ml-kem-768");
    g.bench_function("keygen/direct", |b| {
        b.iter(|| {
            black_box(
                Dk::from_seed(random::<64>().into())
                    .encapsulation_key()
                    .to_bytes(),
            )
        })
    });
    g.bench_function("encaps/direct", |b| {
        b.iter(|| {
            let ek = Ek::new(black_box(&ek_bytes)).unwrap();
            black_box(ek.encapsulate_deterministic(&random::<32>().into()))
        })
    });
    g.bench_function("decaps/direct", |b| {
        b.iter(|| black_box(Dk::from_seed(black_box(seed).into()).decapsulate(black_box(&ct))))
    });
    let ek = Ek::new(&ek_bytes).unwrap();
    g.bench_function("encaps/direct-prepared", |b| {
        b.iter(|| black_box(ek.encapsulate_deterministic(&random::<32>().into())))
    });
    g.bench_function("decaps/direct-prepared", |b| {
        b.iter(|| black_box(dk.decapsulate(black_box(&ct))))
    });
    g.finish();
}

fn direct_x25519(c: &mut Criterion) {
    let sk = random::<32>();
    let pk = x25519_dalek::x25519(sk, x25519_dalek::X25519_BASEPOINT_BYTES);
    let mut g = c.benchmark_group("kem/x25519");
    g.bench_function("encaps/direct", |b| {
        b.iter(|| {
            let e = random::<32>();
            black_box((
                x25519_dalek::x25519(e, x25519_dalek::X25519_BASEPOINT_BYTES),
                x25519_dalek::x25519(e, black_box(pk)),
            ))
        })
    });
    g.bench_function("decaps/direct", |b| {
        b.iter(|| black_box(x25519_dalek::x25519(black_box(sk), black_box(pk))))
    });
    g.finish();
}

criterion_group!(benches, every_kem, direct_ml_kem_768, direct_x25519);
criterion_main!(benches);

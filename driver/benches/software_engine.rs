//! `SoftwareEngine` on one thread beside all of the machine's cores, per
//! AEAD and job size, batches of 64 jobs (the dispatcher's batch): where
//! splitting a batch across the pool pays, which is what
//! `PARALLEL_MIN_WORK` and `ASCON_WORK_PER_BYTE` encode.
//!
//! Benchmark ids: `software_engine/<aead>/<job bytes>/<threads>`, where
//! `<threads>` is `1-thread` or `all-cores` (the engine's default, which
//! still runs batches under the threshold on the calling thread).
//!
//! Run: `cargo bench -p agilis-driver --bench software_engine -- --warm-up-time 1 --measurement-time 3`

use agilis_driver::{Direction, Engine, Job, SoftwareEngine};
use agilis_suites::registry::codepoint as cp;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

const BATCH: usize = 64;
const SIZES: [usize; 4] = [1024, 4096, 16 * 1024, 64 * 1024];

fn bench(c: &mut Criterion) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut group = c.benchmark_group("software_engine");
    for (name, aead, key_len, nonce_len) in [
        ("ascon-aead128", cp::ASCON_AEAD128, 16, 16),
        ("aes-256-gcm", cp::AES_256_GCM, 32, 12),
        ("chacha20-poly1305", cp::CHACHA20_POLY1305, 32, 12),
    ] {
        let nonce = vec![7u8; nonce_len];
        for size in SIZES {
            group.throughput(Throughput::Bytes((BATCH * size) as u64));
            for (label, engine) in [
                ("1-thread", SoftwareEngine::new().with_max_threads(1)),
                ("all-cores", SoftwareEngine::new().with_max_threads(cores)),
            ] {
                let key = engine.load_key(aead, &vec![3u8; key_len]).unwrap();
                group.bench_function(format!("{name}/{size}/{label}"), |b| {
                    b.iter_batched_ref(
                        // Room for the tag, as the record layer leaves it:
                        // a reallocation per job would be timed otherwise.
                        || {
                            (0..BATCH)
                                .map(|_| {
                                    let mut buffer = Vec::with_capacity(size + 16);
                                    buffer.resize(size, 0x5a);
                                    buffer
                                })
                                .collect::<Vec<_>>()
                        },
                        |buffers| {
                            let mut jobs: Vec<Job> = buffers
                                .iter_mut()
                                .map(|buffer| Job {
                                    key,
                                    direction: Direction::Seal,
                                    nonce: &nonce,
                                    aad: b"",
                                    buffer,
                                })
                                .collect();
                            let results = engine.process(&mut jobs);
                            assert!(results.iter().all(|r| r.is_ok()));
                        },
                        BatchSize::LargeInput,
                    )
                });
            }
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);

//! AEAD and KDF throughput through agilis, beside the same operations called
//! directly on the underlying crates, so the registry's dispatch overhead
//! can be read off one run.
//!
//! Benchmark ids: `aead/<alg>/<seal|open>/<bytes>/<impl>` with `<impl>` one of
//! - `agilis` — `AeadKey` on the Default backend (aws-lc-rs for AES-GCM and
//!   ChaCha20-Poly1305 with the `aws-lc` feature),
//! - `agilis-portable` — `AeadKey` on the Portable backend (RustCrypto),
//! - `direct-aws-lc`, `direct-rustcrypto`, `direct-ascon-aead` — the crate
//!   called directly with a key prepared once;
//!
//! and `kdf/<alg>/<bytes>/agilis` (plus `direct-hkdf` for HKDF).
//!
//! Run: `cargo bench -p agilis-suites --bench aead -- --warm-up-time 1 --measurement-time 3`
//! (add a filter such as `aead/aes-256-gcm/seal/16384` to run a subset).
//! Open benchmarks restore the ciphertext outside the timed region
//! (criterion's `iter_batched_ref`, `LargeInput` batches that stay in cache).
//! All buffers start on a cache line (see `Aligned`).

use std::hint::black_box;

use agilis_suites::aead::{AeadKey, Backend};
use agilis_suites::registry::{self, Sizes, codepoint};
use agilis_suites::{Algorithm, Kind, kdf};
use ascon_aead::aead::{AeadInOut, KeyInit};
use criterion::{
    BatchSize, BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main,
    measurement::WallTime,
};

const SIZES: [usize; 3] = [64, 1024, 16 * 1024];
const AAD: &[u8] = b"agilis bench aad";

/// A buffer of `size` bytes starting on a cache line. Small-message AEAD
/// timings depend on buffer alignment by a few percent, which would swamp
/// the dispatch overhead this bench is there to show; aligning every buffer
/// makes the agilis and direct runs see the same memory layout.
struct Aligned {
    storage: Vec<u8>,
    offset: usize,
    size: usize,
}

impl Aligned {
    fn new(contents: &[u8]) -> Self {
        let mut storage = vec![0u8; contents.len() + 63];
        let offset = storage.as_ptr().align_offset(64);
        storage[offset..offset + contents.len()].copy_from_slice(contents);
        Aligned {
            storage,
            offset,
            size: contents.len(),
        }
    }
    fn get(&mut self) -> &mut [u8] {
        &mut self.storage[self.offset..self.offset + self.size]
    }
}

/// Seal and open at one size for one implementation, given as two closures
/// over a buffer (seal returns the tag; open takes it).
fn seal_open<S, O>(g: &mut BenchmarkGroup<'_, WallTime>, size: usize, imp: &str, seal: S, open: O)
where
    S: Fn(&mut [u8]) -> [u8; 16],
    O: Fn(&mut [u8], &[u8; 16]),
{
    let mut buf = Aligned::new(&vec![0x42u8; size]);
    g.bench_function(format!("seal/{size}/{imp}"), |b| {
        b.iter(|| black_box(seal(black_box(buf.get()))))
    });

    let mut ct = vec![0x42u8; size];
    let tag = seal(&mut ct);
    g.bench_function(format!("open/{size}/{imp}"), |b| {
        b.iter_batched_ref(
            || Aligned::new(&ct),
            |buf| open(black_box(buf.get()), &tag),
            BatchSize::LargeInput,
        )
    });
}

fn agilis(
    g: &mut BenchmarkGroup<'_, WallTime>,
    alg: &Algorithm,
    key: &[u8],
    nonce: &[u8],
    size: usize,
    backend: Backend,
    imp: &str,
) {
    let k = AeadKey::with_backend(alg.codepoint, key, backend).unwrap();
    seal_open(
        g,
        size,
        imp,
        |buf| k.seal_in_place_detached(nonce, AAD, buf).unwrap(),
        |buf, tag| k.open_in_place_detached(nonce, AAD, buf, tag).unwrap(),
    );
}

/// A RustCrypto AEAD (aead 0.6 in-place detached API), key prepared once.
fn rust_crypto<A: AeadInOut + KeyInit>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    key: &[u8],
    nonce: &[u8],
    size: usize,
    imp: &str,
) {
    let cipher = A::new_from_slice(key).unwrap();
    let nonce = ascon_aead::aead::Nonce::<A>::try_from(nonce).unwrap();
    seal_open(
        g,
        size,
        imp,
        |buf| {
            cipher
                .encrypt_inout_detached(&nonce, AAD, buf.into())
                .unwrap()
                .as_slice()
                .try_into()
                .unwrap()
        },
        |buf, tag| {
            cipher
                .decrypt_inout_detached(&nonce, AAD, buf.into(), tag.as_slice().try_into().unwrap())
                .unwrap()
        },
    );
}

fn aws_lc(
    g: &mut BenchmarkGroup<'_, WallTime>,
    alg: &'static aws_lc_rs::aead::Algorithm,
    key: &[u8],
    nonce: &[u8],
    size: usize,
) {
    use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey};
    let k = LessSafeKey::new(UnboundKey::new(alg, key).unwrap());
    seal_open(
        g,
        size,
        "direct-aws-lc",
        |buf| {
            let n = Nonce::try_assume_unique_for_key(nonce).unwrap();
            k.seal_in_place_separate_tag(n, Aad::from(AAD), buf)
                .unwrap()
                .as_ref()
                .try_into()
                .unwrap()
        },
        |buf, tag| {
            let n = Nonce::try_assume_unique_for_key(nonce).unwrap();
            k.open_in_place_separate_tag(n, Aad::from(AAD), tag, buf)
                .unwrap();
        },
    );
}

fn aead_benches(c: &mut Criterion) {
    for alg in registry::of_kind(Kind::Aead) {
        let Sizes::Aead { key, nonce, .. } = alg.sizes else {
            unreachable!()
        };
        let (key, nonce) = (vec![0x11u8; key], vec![0x22u8; nonce]);
        let mut g = c.benchmark_group(format!("aead/{}", alg.name));
        for size in SIZES {
            g.throughput(Throughput::Bytes(size as u64));
            agilis(&mut g, alg, &key, &nonce, size, Backend::Default, "agilis");
            match alg.codepoint {
                codepoint::ASCON_AEAD128 => rust_crypto::<ascon_aead::AsconAead128>(
                    &mut g,
                    &key,
                    &nonce,
                    size,
                    "direct-ascon-aead",
                ),
                codepoint::AES_256_GCM => {
                    aws_lc(&mut g, &aws_lc_rs::aead::AES_256_GCM, &key, &nonce, size);
                    agilis(
                        &mut g,
                        alg,
                        &key,
                        &nonce,
                        size,
                        Backend::Portable,
                        "agilis-portable",
                    );
                    rust_crypto::<aes_gcm::Aes256Gcm>(
                        &mut g,
                        &key,
                        &nonce,
                        size,
                        "direct-rustcrypto",
                    );
                }
                codepoint::CHACHA20_POLY1305 => {
                    aws_lc(
                        &mut g,
                        &aws_lc_rs::aead::CHACHA20_POLY1305,
                        &key,
                        &nonce,
                        size,
                    );
                    agilis(
                        &mut g,
                        alg,
                        &key,
                        &nonce,
                        size,
                        Backend::Portable,
                        "agilis-portable",
                    );
                    rust_crypto::<chacha20poly1305::ChaCha20Poly1305>(
                        &mut g,
                        &key,
                        &nonce,
                        size,
                        "direct-rustcrypto",
                    );
                }
                _ => eprintln!("no direct comparison for {}", alg.name),
            }
        }
        g.finish();
    }
}

/// salt, ikm, info, out
type DirectKdf = fn(&[u8], &[u8], &[u8], &mut [u8]);

fn kdf_benches(c: &mut Criterion) {
    let (salt, ikm, info) = ([0x01u8; 32], [0x02u8; 32], b"agilis bench info");
    for alg in registry::of_kind(Kind::Kdf) {
        let mut g = c.benchmark_group(format!("kdf/{}", alg.name));
        for len in [32usize, 64] {
            let mut out = vec![0u8; len];
            g.throughput(Throughput::Bytes(len as u64));
            g.bench_function(format!("{len}/agilis"), |b| {
                b.iter(|| {
                    kdf::derive(
                        alg.codepoint,
                        black_box(&salt),
                        black_box(&ikm),
                        info,
                        &mut out,
                    )
                    .unwrap()
                })
            });
            let direct: Option<DirectKdf> = match alg.codepoint {
                codepoint::HKDF_SHA256 => Some(|s, k, i, o| {
                    hkdf::Hkdf::<sha2::Sha256>::new(Some(s), k)
                        .expand(i, o)
                        .unwrap()
                }),
                codepoint::HKDF_SHA384 => Some(|s, k, i, o| {
                    hkdf::Hkdf::<sha2::Sha384>::new(Some(s), k)
                        .expand(i, o)
                        .unwrap()
                }),
                _ => None,
            };
            if let Some(direct) = direct {
                g.bench_function(format!("{len}/direct-hkdf"), |b| {
                    b.iter(|| direct(black_box(&salt), black_box(&ikm), info, &mut out))
                });
            }
        }
        g.finish();
    }
}

criterion_group!(benches, aead_benches, kdf_benches);
criterion_main!(benches);

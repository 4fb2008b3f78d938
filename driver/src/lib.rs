//! # agilis-driver — AEAD offload behind one interface
//!
//! [`Engine`] is the interface between the session layer (`agilis-negotiate`)
//! and whatever seals and opens records: software ([`SoftwareEngine`], over
//! [`agilis_suites::aead::AeadKey`]), the Verilator-simulated card or the
//! VFIO PCIe card. Every engine gives byte-identical output for the same
//! jobs.
//!
//! The unit of work is a **batch** of [`Job`]s. Each job names a loaded key
//! ([`KeyHandle`]), a nonce, associated data, a payload buffer and a
//! [`Direction`]; [`Engine::process`] returns one result per job, in the
//! order of the jobs.
//!
//! ## Contract every engine keeps
//! - **Seal**: the buffer holds the plaintext on entry and `ciphertext ‖ tag`
//!   on success.
//! - **Open**: the buffer holds `ciphertext ‖ tag` on entry and the plaintext
//!   on success. If the tag does not verify, the job fails with
//!   [`Error::AuthenticationFailed`] and the buffer is **wiped and emptied**:
//!   no unauthenticated byte leaves the engine (fail closed).
//! - Any other failure (unknown or unloaded key, wrong nonce length, input
//!   over the AEAD's limit) is a typed [`Error`]; on it the buffer is left as
//!   it was for a seal and wiped and emptied for an open.
//! - One job's failure does not affect the other jobs of the batch.
//! - Keys live in the engine's key table from [`Engine::load_key`] until
//!   [`Engine::unload_key`]; unloading wipes them. A handle outlives its key
//!   harmlessly: using it afterwards is [`Error::UnknownKey`], even if the
//!   slot has been reused.
//!
//! The driver knows nothing of handshakes, records or sequence numbers: the
//! caller chooses nonces and associated data.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bitstream;
pub mod card;
pub mod dispatch;
pub mod ruler;
mod twin_keys;

use std::fmt;
use std::sync::{Arc, OnceLock, RwLock};

use agilis_suites::aead::{AeadKey, TAG_LEN};
use zeroize::Zeroize;

/// Whether a job encrypts or decrypts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// plaintext in, `ciphertext ‖ tag` out
    Seal,
    /// `ciphertext ‖ tag` in, plaintext out (only if the tag verifies)
    Open,
}

/// A key loaded into an engine's key table. Opaque; cheap to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyHandle {
    slot: u32,
    generation: u32,
}

/// A key loaded into an engine that is unloaded, and its slot wiped, when
/// this value drops: the owning form of a [`KeyHandle`].
pub struct LoadedKey {
    engine: Arc<dyn Engine>,
    handle: KeyHandle,
}

impl LoadedKey {
    /// Loads `key` for the AEAD with registry code point `aead` into `engine`.
    pub fn load(engine: &Arc<dyn Engine>, aead: u16, key: &[u8]) -> Result<LoadedKey> {
        let handle = engine.load_key(aead, key)?;
        Ok(LoadedKey {
            engine: engine.clone(),
            handle,
        })
    }

    /// The handle to put in [`Job`]s; valid while this value lives.
    pub fn handle(&self) -> KeyHandle {
        self.handle
    }

    /// The engine holding the key.
    pub fn engine(&self) -> &Arc<dyn Engine> {
        &self.engine
    }
}

impl Drop for LoadedKey {
    fn drop(&mut self) {
        // The only failure is a handle the engine already forgot (a card
        // reset cleared every slot): nothing is left to wipe.
        let _ = self.engine.unload_key(self.handle);
    }
}

impl fmt::Debug for LoadedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadedKey")
            .field("engine", &self.engine.name())
            .field("handle", &self.handle)
            .finish()
    }
}

/// One AEAD operation.
#[derive(Debug)]
pub struct Job<'a> {
    /// the key to use
    pub key: KeyHandle,
    /// seal or open
    pub direction: Direction,
    /// nonce, of the AEAD's nonce length
    pub nonce: &'a [u8],
    /// associated data (authenticated, not encrypted)
    pub aad: &'a [u8],
    /// payload, transformed in place (see the crate docs for the contract)
    pub buffer: &'a mut Vec<u8>,
}

impl Job<'_> {
    /// The same job under another engine's handle of the same key, on this
    /// job's buffer: how the dispatcher and the ruler hand a caller's job on.
    pub(crate) fn under(&mut self, key: KeyHandle) -> Job<'_> {
        Job {
            key,
            direction: self.direction,
            nonce: self.nonce,
            aad: self.aad,
            buffer: &mut *self.buffer,
        }
    }
}

/// Every failure an engine reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The tag did not verify; the buffer was wiped.
    AuthenticationFailed,
    /// The handle names no loaded key (never loaded, unloaded, or of another engine).
    UnknownKey,
    /// The engine's key table is full.
    KeyTableFull {
        /// number of slots
        capacity: usize,
    },
    /// The AEAD layer refused the job or the key (length, unknown algorithm, ...).
    Aead(agilis_suites::Error),
    /// The offload card failed the job or the key (bus, timeout, card error).
    Card(card::CardError),
    /// Two engines computed different outputs for a checked job (see
    /// [`ruler`]); nothing was released and `executor` was quarantined.
    Disagreement {
        /// the engine that disagreed with the software reference
        executor: &'static str,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::AuthenticationFailed => f.write_str(
                "authentication failed: the record's tag does not verify (nothing was released)",
            ),
            Error::UnknownKey => f.write_str("no key is loaded under this handle"),
            Error::KeyTableFull { capacity } => {
                write!(f, "the engine's key table is full ({capacity} keys)")
            }
            Error::Aead(e) => write!(f, "AEAD: {e}"),
            Error::Card(e) => write!(f, "card: {e}"),
            Error::Disagreement { executor } => write!(
                f,
                "the {executor} engine disagreed with the software engine on this job; nothing was released and {executor} is quarantined: submit the job again"
            ),
        }
    }
}

impl std::error::Error for Error {}

impl From<agilis_suites::Error> for Error {
    fn from(e: agilis_suites::Error) -> Self {
        match e {
            agilis_suites::Error::AuthenticationFailed => Error::AuthenticationFailed,
            other => Error::Aead(other),
        }
    }
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// An AEAD engine: a key table and a batch interface.
pub trait Engine: Send + Sync {
    /// A short name for logs (`"software"`, `"verilator"`, `"vfio"`).
    fn name(&self) -> &'static str;

    /// Loads `key` for the AEAD with registry code point `aead` into a free slot.
    fn load_key(&self, aead: u16, key: &[u8]) -> Result<KeyHandle>;

    /// Removes a key and wipes it. Unloading an unknown handle is [`Error::UnknownKey`].
    fn unload_key(&self, key: KeyHandle) -> Result<()>;

    /// The registry code point of the AEAD a loaded key belongs to.
    fn key_algorithm(&self, key: KeyHandle) -> Result<u16>;

    /// Runs a batch; one result per job, in the order of `jobs`.
    fn process(&self, jobs: &mut [Job<'_>]) -> Vec<Result<()>>;
}

/// One key-table slot: the generation tells a stale handle from the current key.
#[derive(Default)]
struct Slot {
    generation: u32,
    key: Option<Arc<AeadKey>>,
}

/// The software engine: the reference implementation over
/// [`agilis_suites::aead::AeadKey`] (aws-lc-rs or RustCrypto underneath).
///
/// A batch with at least [`PARALLEL_MIN_WORK`] of work is split into runs
/// of about equal bytes, one per core (see
/// [`with_max_threads`](Self::with_max_threads)), on a pool of one thread
/// per core that every engine of the process shares; smaller batches run on
/// the calling thread.
pub struct SoftwareEngine {
    slots: RwLock<Vec<Slot>>,
    capacity: usize,
    max_threads: usize,
}

impl SoftwareEngine {
    /// Default key-table size.
    pub const DEFAULT_CAPACITY: usize = 65_536;

    /// An engine with [`DEFAULT_CAPACITY`](Self::DEFAULT_CAPACITY) key slots.
    pub fn new() -> Self {
        Self::with_capacity(Self::DEFAULT_CAPACITY)
    }

    /// An engine with room for `capacity` keys at once.
    pub fn with_capacity(capacity: usize) -> Self {
        SoftwareEngine {
            slots: RwLock::new(Vec::new()),
            capacity: capacity.min(u32::MAX as usize),
            max_threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }

    /// Caps the threads one batch may use (default: the machine's cores;
    /// 1 runs every batch on the calling thread).
    pub fn with_max_threads(mut self, threads: usize) -> Self {
        self.max_threads = threads.max(1);
        self
    }

    /// Number of keys loaded now.
    pub fn loaded_keys(&self) -> usize {
        self.read().iter().filter(|s| s.key.is_some()).count()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<Slot>> {
        // A panic while holding the lock cannot leave a slot half-written
        // (each write is one assignment), so a poisoned lock is still sound.
        self.slots.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Vec<Slot>> {
        self.slots.write().unwrap_or_else(|p| p.into_inner())
    }

    fn key(&self, slots: &[Slot], h: KeyHandle) -> Result<Arc<AeadKey>> {
        slots
            .get(h.slot as usize)
            .filter(|s| s.generation == h.generation)
            .and_then(|s| s.key.clone())
            .ok_or(Error::UnknownKey)
    }
}

impl Default for SoftwareEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for SoftwareEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoftwareEngine")
            .field("loaded_keys", &self.loaded_keys())
            .field("capacity", &self.capacity)
            .field("max_threads", &self.max_threads)
            .finish()
    }
}

/// Runs one job against a prepared key, keeping the fail-closed contract.
fn run_job(key: &AeadKey, job: &mut Job<'_>) -> Result<()> {
    match job.direction {
        Direction::Seal => {
            let tag = key.seal_in_place_detached(job.nonce, job.aad, job.buffer)?;
            job.buffer.extend_from_slice(&tag);
            Ok(())
        }
        Direction::Open => {
            let result = match job.buffer.len().checked_sub(TAG_LEN) {
                None => Err(Error::Aead(agilis_suites::Error::InvalidLength {
                    what: "ciphertext (minimum: the tag)",
                    expected: TAG_LEN,
                    found: job.buffer.len(),
                })),
                Some(ct_len) => {
                    let (ct, tag) = job.buffer.split_at_mut(ct_len);
                    key.open_in_place_detached(job.nonce, job.aad, ct, tag)
                        .map(|()| ct_len)
                        .map_err(Error::from)
                }
            };
            match result {
                Ok(ct_len) => {
                    job.buffer.truncate(ct_len);
                    Ok(())
                }
                Err(e) => {
                    job.buffer.zeroize();
                    job.buffer.clear();
                    Err(e)
                }
            }
        }
    }
}

impl Engine for SoftwareEngine {
    fn name(&self) -> &'static str {
        "software"
    }

    fn load_key(&self, aead: u16, key: &[u8]) -> Result<KeyHandle> {
        let prepared = Arc::new(AeadKey::new(aead, key)?);
        let mut slots = self.write();
        let index = match slots.iter().position(|s| s.key.is_none()) {
            Some(i) => i,
            None if slots.len() < self.capacity => {
                slots.push(Slot::default());
                slots.len() - 1
            }
            None => {
                return Err(Error::KeyTableFull {
                    capacity: self.capacity,
                });
            }
        };
        let slot = &mut slots[index];
        slot.generation = slot.generation.wrapping_add(1);
        slot.key = Some(prepared);
        Ok(KeyHandle {
            slot: index as u32,
            generation: slot.generation,
        })
    }

    fn unload_key(&self, key: KeyHandle) -> Result<()> {
        let mut slots = self.write();
        match slots.get_mut(key.slot as usize) {
            Some(s) if s.generation == key.generation && s.key.is_some() => {
                // Dropping the last `Arc` wipes the key (AeadKey is ZeroizeOnDrop);
                // a batch running concurrently holds its own reference until it ends.
                s.key = None;
                Ok(())
            }
            _ => Err(Error::UnknownKey),
        }
    }

    fn key_algorithm(&self, key: KeyHandle) -> Result<u16> {
        Ok(self.key(&self.read(), key)?.algorithm().codepoint)
    }

    fn process(&self, jobs: &mut [Job<'_>]) -> Vec<Result<()>> {
        // Resolve every key under one short read lock, then run without it.
        let keys: Vec<Result<Arc<AeadKey>>> = {
            let slots = self.read();
            jobs.iter().map(|j| self.key(&slots, j.key)).collect()
        };
        let threads = worker_threads(jobs, &keys, self.max_threads);
        let pool = if threads > 1 { worker_pool() } else { None };
        let Some(pool) = pool else {
            return run_jobs(jobs, &keys);
        };
        // Contiguous runs of about equal bytes, one per thread; results are
        // joined back in job order.
        let runs = split_by_bytes(jobs.len(), threads, |i| jobs[i].buffer.len());
        let mut outputs: Vec<Vec<Result<()>>> = vec![Vec::new(); runs.len()];
        let (mut rest_jobs, mut rest_keys) = (&mut *jobs, &keys[..]);
        pool.scope(|scope| {
            for (len, output) in runs.into_iter().zip(outputs.iter_mut()) {
                let (run, jr) = std::mem::take(&mut rest_jobs).split_at_mut(len);
                let (run_keys, kr) = rest_keys.split_at(len);
                (rest_jobs, rest_keys) = (jr, kr);
                scope.spawn(move |_| *output = run_jobs(run, run_keys));
            }
        });
        outputs.concat()
    }
}

/// One pool of worker threads for every `SoftwareEngine` of the process,
/// one thread per core, started by the first batch that needs it. Per-engine
/// pools would multiply threads: a dispatcher and a ruler each hold a
/// software engine beside the caller's. `None`: the pool could not start,
/// and batches run on the calling thread.
fn worker_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(std::thread::available_parallelism().map_or(1, |n| n.get()))
            .thread_name(|i| format!("agilis-aead-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// The work below which a batch runs on the calling thread, in bytes of
/// AES-256-GCM or ChaCha20-Poly1305 payload; an Ascon-AEAD128 byte counts
/// [`ASCON_WORK_PER_BYTE`] (a bitsliced sponge in portable code against
/// AES-NI and SIMD ChaCha). Below it, handing runs to the pool's threads
/// costs more than they would share: `cargo bench -p agilis-driver --bench
/// software_engine` compares one thread with all of them per size.
pub const PARALLEL_MIN_WORK: usize = 1024 * 1024;

/// How much more an Ascon-AEAD128 byte costs the host than an AES-256-GCM
/// or ChaCha20-Poly1305 byte, for [`PARALLEL_MIN_WORK`].
pub const ASCON_WORK_PER_BYTE: usize = 16;

/// How many threads a batch deserves: up to `max_threads`, at most one per
/// job, and only for batches of at least [`PARALLEL_MIN_WORK`].
fn worker_threads(jobs: &[Job<'_>], keys: &[Result<Arc<AeadKey>>], max_threads: usize) -> usize {
    let work: usize = jobs
        .iter()
        .zip(keys)
        .map(|(job, key)| match key {
            Ok(k)
                if k.algorithm().codepoint == agilis_suites::registry::codepoint::ASCON_AEAD128 =>
            {
                job.buffer.len().saturating_mul(ASCON_WORK_PER_BYTE)
            }
            _ => job.buffer.len(),
        })
        .fold(0, usize::saturating_add);
    if jobs.len() < 2 || work < PARALLEL_MIN_WORK {
        return 1;
    }
    max_threads.min(jobs.len())
}

/// Splits `count` items into at most `parts` contiguous, non-empty runs of
/// about equal total size; returns the run lengths.
fn split_by_bytes(count: usize, parts: usize, size: impl Fn(usize) -> usize) -> Vec<usize> {
    let total: usize = (0..count).map(&size).sum();
    let share = total.div_ceil(parts.max(1)).max(1);
    let mut runs = Vec::with_capacity(parts);
    let (mut start, mut filled) = (0, 0);
    for i in 0..count {
        filled += size(i);
        let items_left = count - i - 1;
        let runs_left = parts - runs.len() - 1;
        if runs_left > 0 && (filled >= share || items_left == runs_left) {
            runs.push(i + 1 - start);
            start = i + 1;
            filled = 0;
        }
    }
    if start < count {
        runs.push(count - start);
    }
    runs
}

/// Runs jobs in order on this thread, each with its resolved key.
fn run_jobs(jobs: &mut [Job<'_>], keys: &[Result<Arc<AeadKey>>]) -> Vec<Result<()>> {
    jobs.iter_mut()
        .zip(keys)
        .map(|(job, key)| match key {
            Ok(k) => run_job(k, job),
            Err(e) => {
                if job.direction == Direction::Open {
                    job.buffer.zeroize();
                    job.buffer.clear();
                }
                Err(e.clone())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use agilis_suites::registry::codepoint as cp;

    fn job<'a>(
        key: KeyHandle,
        direction: Direction,
        nonce: &'a [u8],
        buffer: &'a mut Vec<u8>,
    ) -> Job<'a> {
        Job {
            key,
            direction,
            nonce,
            aad: b"header",
            buffer,
        }
    }

    #[test]
    fn seal_then_open_every_aead_matches_the_suites_crate() {
        let engine = SoftwareEngine::new();
        for (aead, key_len, nonce_len) in [
            (cp::ASCON_AEAD128, 16, 16),
            (cp::AES_256_GCM, 32, 12),
            (cp::CHACHA20_POLY1305, 32, 12),
        ] {
            let key = vec![7u8; key_len];
            let nonce = vec![1u8; nonce_len];
            let h = engine.load_key(aead, &key).unwrap();
            assert_eq!(engine.key_algorithm(h).unwrap(), aead);
            let mut buf = b"record payload".to_vec();
            let r = engine.process(&mut [job(h, Direction::Seal, &nonce, &mut buf)]);
            assert_eq!(r, vec![Ok(())]);
            let reference = AeadKey::new(aead, &key)
                .unwrap()
                .seal(&nonce, b"header", b"record payload")
                .unwrap();
            assert_eq!(buf, reference, "byte-identical to agilis-suites");
            let r = engine.process(&mut [job(h, Direction::Open, &nonce, &mut buf)]);
            assert_eq!(r, vec![Ok(())]);
            assert_eq!(buf, b"record payload");
            engine.unload_key(h).unwrap();
        }
        assert_eq!(engine.loaded_keys(), 0);
    }

    #[test]
    fn a_batch_returns_results_in_order_and_a_bad_tag_fails_closed() {
        let engine = SoftwareEngine::new();
        let h = engine.load_key(cp::AES_256_GCM, &[9u8; 32]).unwrap();
        let nonces: Vec<[u8; 12]> = (0..4u8).map(|i| [i; 12]).collect();
        let mut bufs: Vec<Vec<u8>> = (0..4u8).map(|i| vec![i; 100 + i as usize]).collect();
        let mut jobs: Vec<Job> = bufs
            .iter_mut()
            .zip(&nonces)
            .map(|(b, n)| job(h, Direction::Seal, n, b))
            .collect();
        assert!(engine.process(&mut jobs).iter().all(|r| r.is_ok()));
        drop(jobs);
        bufs[2][5] ^= 1; // tamper with the third record only
        let mut jobs: Vec<Job> = bufs
            .iter_mut()
            .zip(&nonces)
            .map(|(b, n)| job(h, Direction::Open, n, b))
            .collect();
        let results = engine.process(&mut jobs);
        drop(jobs);
        assert_eq!(
            results,
            vec![Ok(()), Ok(()), Err(Error::AuthenticationFailed), Ok(())]
        );
        assert!(bufs[2].is_empty(), "nothing unauthenticated is released");
        for i in [0usize, 1, 3] {
            assert_eq!(bufs[i], vec![i as u8; 100 + i]);
        }
    }

    #[test]
    fn stale_handles_short_inputs_and_bad_nonces_are_typed_errors() {
        let engine = SoftwareEngine::with_capacity(1);
        let h = engine.load_key(cp::CHACHA20_POLY1305, &[1u8; 32]).unwrap();
        assert_eq!(
            engine.load_key(cp::CHACHA20_POLY1305, &[1u8; 32]),
            Err(Error::KeyTableFull { capacity: 1 })
        );
        let mut short = vec![1u8; 5];
        let r = engine.process(&mut [job(h, Direction::Open, &[0; 12], &mut short)]);
        assert!(matches!(
            r[0],
            Err(Error::Aead(agilis_suites::Error::InvalidLength { .. }))
        ));
        assert!(short.is_empty());
        let mut buf = vec![1u8; 5];
        let r = engine.process(&mut [job(h, Direction::Seal, &[0; 11], &mut buf)]);
        assert!(matches!(
            r[0],
            Err(Error::Aead(agilis_suites::Error::InvalidLength {
                what: "nonce",
                ..
            }))
        ));
        assert_eq!(buf, vec![1u8; 5], "a refused seal leaves the buffer alone");
        engine.unload_key(h).unwrap();
        assert_eq!(engine.unload_key(h), Err(Error::UnknownKey));
        // the slot is reused; the old handle must not reach the new key
        let h2 = engine.load_key(cp::CHACHA20_POLY1305, &[2u8; 32]).unwrap();
        assert_ne!(h, h2);
        let mut buf = vec![1u8; 5];
        let r = engine.process(&mut [job(h, Direction::Seal, &[0; 12], &mut buf)]);
        assert_eq!(r, vec![Err(Error::UnknownKey)]);
        assert_eq!(
            engine.load_key(cp::HKDF_SHA256, &[0; 32]),
            Err(Error::Aead(agilis_suites::Error::WrongKind {
                expected: agilis_suites::Kind::Aead,
                found: agilis_suites::Kind::Kdf
            }))
        );
    }

    #[test]
    fn batches_split_into_runs_of_about_equal_bytes_in_order() {
        let sizes = [10usize, 10, 10, 10, 1000, 10, 10];
        let runs = split_by_bytes(sizes.len(), 2, |i| sizes[i]);
        assert_eq!(runs, vec![5, 2]);
        assert_eq!(split_by_bytes(3, 4, |_| 5), vec![1, 1, 1]);
        assert_eq!(split_by_bytes(4, 2, |_| 0), vec![3, 1]);
        assert_eq!(split_by_bytes(0, 2, |_| 1), Vec::<usize>::new());
        for parts in 1..6 {
            let runs = split_by_bytes(9, parts, |i| i * 7 % 5);
            assert_eq!(runs.iter().sum::<usize>(), 9);
            assert!(runs.len() <= parts && runs.iter().all(|&r| r > 0));
        }
    }

    #[test]
    fn a_large_batch_runs_on_every_core_and_matches_one_job_at_a_time() {
        // Four threads even on a smaller machine: the split is what is tested.
        let engine = SoftwareEngine::new().with_max_threads(4);
        let h = engine.load_key(cp::ASCON_AEAD128, &[5u8; 16]).unwrap();
        let other = engine.load_key(cp::AES_256_GCM, &[6u8; 32]).unwrap();
        // 40 jobs of 16 KiB: well over PARALLEL_MIN_WORK.
        let nonces: Vec<[u8; 16]> = (0..40u8).map(|i| [i; 16]).collect();
        let mut bufs: Vec<Vec<u8>> = (0..40u8).map(|i| vec![i; 16 * 1024]).collect();
        let mut one_by_one = bufs.clone();
        let key_of = |i: usize| if i.is_multiple_of(3) { other } else { h };
        let nonce_of = |i: usize| {
            if i.is_multiple_of(3) {
                &nonces[i][..12]
            } else {
                &nonces[i][..]
            }
        };
        let mut jobs: Vec<Job> = bufs
            .iter_mut()
            .enumerate()
            .map(|(i, b)| job(key_of(i), Direction::Seal, nonce_of(i), b))
            .collect();
        let keys: Vec<Result<Arc<AeadKey>>> = {
            let slots = engine.read();
            jobs.iter().map(|j| engine.key(&slots, j.key)).collect()
        };
        assert_eq!(worker_threads(&jobs, &keys, 4), 4);
        assert_eq!(
            worker_threads(&jobs[..1], &keys, 4),
            1,
            "one job: no threads"
        );
        // Every third job is AES-256-GCM (16 KiB of work), the others Ascon
        // (16 KiB x 16 = 256 KiB each).
        assert_eq!(worker_threads(&jobs[..1], &keys[..1], 4), 1);
        assert_eq!(
            worker_threads(&jobs[1..3], &keys[1..3], 4),
            1,
            "512 KiB of work"
        );
        assert_eq!(
            worker_threads(&jobs[1..6], &keys[1..6], 4),
            4,
            "over 1 MiB of work"
        );
        assert_eq!(
            worker_threads(&jobs[..2], &keys[..2], 4),
            1,
            "272 KiB of work"
        );
        assert!(engine.process(&mut jobs).iter().all(|r| r.is_ok()));
        drop(jobs);
        for (i, b) in one_by_one.iter_mut().enumerate() {
            let r = engine.process(&mut [job(key_of(i), Direction::Seal, nonce_of(i), b)]);
            assert_eq!(r, vec![Ok(())]);
        }
        assert_eq!(bufs, one_by_one);
        // Opening in parallel: one tampered record fails alone and is wiped.
        bufs[17][3] ^= 0x80;
        let mut jobs: Vec<Job> = bufs
            .iter_mut()
            .enumerate()
            .map(|(i, b)| job(key_of(i), Direction::Open, nonce_of(i), b))
            .collect();
        let results = engine.process(&mut jobs);
        drop(jobs);
        for (i, r) in results.iter().enumerate() {
            if i == 17 {
                assert_eq!(*r, Err(Error::AuthenticationFailed));
                assert!(bufs[i].is_empty());
            } else {
                assert_eq!(*r, Ok(()));
                assert_eq!(bufs[i], vec![i as u8; 16 * 1024]);
            }
        }
    }

    #[test]
    fn a_loaded_key_is_unloaded_when_it_drops() {
        let concrete = Arc::new(SoftwareEngine::with_capacity(1));
        let engine: Arc<dyn Engine> = concrete.clone();
        let key = LoadedKey::load(&engine, cp::ASCON_AEAD128, &[1; 16]).unwrap();
        let handle = key.handle();
        assert_eq!(concrete.loaded_keys(), 1);
        drop(key);
        assert_eq!(concrete.loaded_keys(), 0);
        assert_eq!(engine.key_algorithm(handle), Err(Error::UnknownKey));
        // The slot is free again (capacity 1).
        let _again = LoadedKey::load(&engine, cp::ASCON_AEAD128, &[2; 16]).unwrap();
    }

    #[test]
    fn engines_are_shared_across_threads() {
        let engine = Arc::new(SoftwareEngine::new());
        let handles: Vec<_> = (0..4u8)
            .map(|t| {
                let e = engine.clone();
                std::thread::spawn(move || {
                    let h = e.load_key(cp::AES_256_GCM, &[t; 32]).unwrap();
                    for i in 0..50u8 {
                        let nonce = [i; 12];
                        let mut buf = vec![t; 64];
                        assert!(
                            e.process(&mut [job(h, Direction::Seal, &nonce, &mut buf)])[0].is_ok()
                        );
                        assert!(
                            e.process(&mut [job(h, Direction::Open, &nonce, &mut buf)])[0].is_ok()
                        );
                        assert_eq!(buf, vec![t; 64]);
                    }
                    e.unload_key(h).unwrap();
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(engine.loaded_keys(), 0);
    }
}

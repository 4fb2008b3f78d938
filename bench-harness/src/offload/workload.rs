//! Batches of same-size jobs and the timed runs over them.
//!
//! Every run checks its outputs against the software engine's (computed
//! once, before timing): a card that differs by one byte stops the
//! measurement with an error.

use std::time::Instant;

use agilis_driver::{Direction, Engine, Job, KeyHandle};
use agilis_suites::registry::codepoint as cp;
use serde::Serialize;

use super::meter::{CardMeter, CardUse};

/// The AEADs the card has lanes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Aead {
    #[serde(rename = "Ascon-AEAD128")]
    Ascon,
    #[serde(rename = "AES-256-GCM")]
    AesGcm,
}

impl Aead {
    pub const ALL: [Aead; 2] = [Aead::Ascon, Aead::AesGcm];

    pub fn codepoint(self) -> u16 {
        match self {
            Aead::Ascon => cp::ASCON_AEAD128,
            Aead::AesGcm => cp::AES_256_GCM,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Aead::Ascon => "Ascon-AEAD128",
            Aead::AesGcm => "AES-256-GCM",
        }
    }

    fn key_len(self) -> usize {
        match self {
            Aead::Ascon => 16,
            Aead::AesGcm => 32,
        }
    }

    fn nonce_len(self) -> usize {
        match self {
            Aead::Ascon => 16,
            Aead::AesGcm => 12,
        }
    }
}

/// Deterministic filler bytes (xorshift64*): reproducible inputs, not secrets.
fn bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

/// One batch: `jobs` messages of `size` bytes under one key, distinct
/// nonces, `ad_len` bytes of associated data, and the software engine's
/// sealed outputs.
pub struct Batch {
    pub aead: Aead,
    pub size: usize,
    pub key: Vec<u8>,
    pub aad: Vec<u8>,
    pub nonces: Vec<Vec<u8>>,
    pub plaintexts: Vec<Vec<u8>>,
    /// `ciphertext ‖ tag` of each plaintext, from the software engine
    pub sealed: Vec<Vec<u8>>,
}

impl Batch {
    pub fn new(aead: Aead, size: usize, jobs: usize, ad_len: usize) -> Result<Batch, String> {
        let seed = (size as u64) << 8 | u64::from(aead.codepoint() & 0xff);
        let mut batch = Batch {
            aead,
            size,
            key: bytes(seed ^ 1, aead.key_len()),
            aad: bytes(seed ^ 2, ad_len),
            nonces: (0..jobs).map(|i| bytes(seed ^ (3 + i as u64) << 20, aead.nonce_len())).collect(),
            plaintexts: (0..jobs).map(|i| bytes(seed ^ (5 + i as u64) << 40, size)).collect(),
            sealed: Vec::new(),
        };
        let software = agilis_driver::SoftwareEngine::new();
        let key = software.load_key(aead.codepoint(), &batch.key).map_err(|e| e.to_string())?;
        let mut outputs = batch.copies(Direction::Seal, 1).pop().unwrap_or_default();
        batch.run(&software, key, Direction::Seal, &mut outputs)?;
        batch.sealed = outputs;
        Ok(batch)
    }

    pub fn jobs(&self) -> usize {
        self.plaintexts.len()
    }

    /// Message bytes of the batch (what throughput counts).
    pub fn message_bytes(&self) -> usize {
        self.jobs() * self.size
    }

    fn inputs(&self, direction: Direction) -> &[Vec<u8>] {
        match direction {
            Direction::Seal => &self.plaintexts,
            Direction::Open => &self.sealed,
        }
    }

    fn outputs(&self, direction: Direction) -> &[Vec<u8>] {
        match direction {
            Direction::Seal => &self.sealed,
            Direction::Open => &self.plaintexts,
        }
    }

    /// `reps` fresh copies of the batch's inputs (room for the tag included).
    fn copies(&self, direction: Direction, reps: usize) -> Vec<Vec<Vec<u8>>> {
        (0..reps)
            .map(|_| {
                self.inputs(direction)
                    .iter()
                    .map(|b| {
                        let mut v = Vec::with_capacity(b.len() + 16);
                        v.extend_from_slice(b);
                        v
                    })
                    .collect()
            })
            .collect()
    }

    /// Runs the batch once on `engine`; every job must succeed.
    fn run(&self, engine: &dyn Engine, key: KeyHandle, direction: Direction, buffers: &mut [Vec<u8>]) -> Result<(), String> {
        let mut jobs: Vec<Job> = buffers
            .iter_mut()
            .zip(&self.nonces)
            .map(|(buffer, nonce)| Job {
                key,
                direction,
                nonce,
                aad: &self.aad,
                buffer,
            })
            .collect();
        let results = engine.process(&mut jobs);
        match results.into_iter().position(|r| r.is_err()) {
            None => Ok(()),
            Some(i) => Err(format!(
                "{} {} B {direction:?} on {}: job {i} failed",
                self.aead.name(),
                self.size,
                engine.name()
            )),
        }
    }

    /// Checks every output against the software engine's.
    fn check(&self, engine: &str, direction: Direction, buffers: &[Vec<u8>]) -> Result<(), String> {
        match buffers.iter().zip(self.outputs(direction)).position(|(got, want)| got != want) {
            None => Ok(()),
            Some(i) => Err(format!(
                "{} {} B {direction:?}: job {i}'s output on {engine} differs from the software engine's",
                self.aead.name(),
                self.size
            )),
        }
    }
}

/// How one engine did on one batch: medians over the runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timed {
    /// time per batch: host wall time outside the card plus card time
    pub seconds: f64,
    /// what the card did per batch (zero when it took no job)
    pub card: CardUse,
    pub runs: usize,
    pub reps: usize,
}

/// Times `runs` runs of `reps` batches on `engine` (after one warm-up batch
/// if `warm_up`) and returns the median time per batch. The time of a batch is its host
/// wall time minus the wall time inside the card (`meter`), plus the
/// card's own time: for the simulated card, its cycles at the card clock.
pub fn time_batches(
    engine: &dyn Engine,
    meter: Option<&dyn CardMeter>,
    batch: &Batch,
    direction: Direction,
    runs: usize,
    reps: usize,
    warm_up: bool,
) -> Result<Timed, String> {
    let key = engine
        .load_key(batch.aead.codepoint(), &batch.key)
        .map_err(|e| format!("{}: loading the {} key: {e}", engine.name(), batch.aead.name()))?;
    let result = (|| -> Result<Timed, String> {
        if warm_up {
            let mut warm = batch.copies(direction, 1).pop().unwrap_or_default();
            batch.run(engine, key, direction, &mut warm)?;
            batch.check(engine.name(), direction, &warm)?;
        }
        let mut samples: Vec<(f64, CardUse)> = Vec::with_capacity(runs);
        for _ in 0..runs.max(1) {
            let mut copies = batch.copies(direction, reps.max(1));
            if let Some(m) = meter {
                m.take();
            }
            let started = Instant::now();
            for buffers in copies.iter_mut() {
                batch.run(engine, key, direction, buffers)?;
            }
            let wall = started.elapsed();
            let card = meter.map(|m| m.take()).unwrap_or_default();
            for buffers in &copies {
                batch.check(engine.name(), direction, buffers)?;
            }
            let host = wall.saturating_sub(card.host_wall);
            let n = reps.max(1) as f64;
            samples.push(((host.as_secs_f64() + card.card_seconds) / n, per_batch(card, reps.max(1) as u64)));
        }
        samples.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (seconds, card) = samples[samples.len() / 2];
        Ok(Timed {
            seconds,
            card,
            runs: runs.max(1),
            reps: reps.max(1),
        })
    })();
    engine
        .unload_key(key)
        .map_err(|e| format!("{}: unloading a key: {e}", engine.name()))?;
    result
}

/// `total` over `reps` batches, as the figures of one batch.
fn per_batch(total: CardUse, reps: u64) -> CardUse {
    CardUse {
        batches: total.batches / reps,
        jobs: total.jobs / reps,
        card_seconds: total.card_seconds / reps as f64,
        ticks: total.ticks / reps,
        host_wall: total.host_wall / reps as u32,
        bus: super::meter::BusCounts {
            mmio_reads: total.bus.mmio_reads / reps,
            mmio_writes: total.bus.mmio_writes / reps,
            interrupt_waits: total.bus.interrupt_waits / reps,
        },
    }
}

/// Batches per run so that a run covers at least `min_bytes` of messages.
pub fn reps_for(batch: &Batch, min_bytes: usize) -> usize {
    min_bytes.div_ceil(batch.message_bytes().max(1)).clamp(1, 4096)
}

/// MB/s (10^6 bytes per second) and jobs/s of a batch taking `seconds`.
pub fn rates(batch: &Batch, seconds: f64) -> (f64, f64) {
    if seconds <= 0.0 {
        return (0.0, 0.0);
    }
    (batch.message_bytes() as f64 / seconds / 1e6, batch.jobs() as f64 / seconds)
}

//! [`CardEngine`]: the [`Engine`] interface over a [`Card`], byte-identical
//! to [`SoftwareEngine`](crate::SoftwareEngine).
//!
//! The engine owns the mapping from key handles to card key slots: a handle
//! carries the slot and a generation, so a handle that outlived its key (or
//! a card reset) is [`Error::UnknownKey`] even after the slot is reused.

use std::sync::{Mutex, MutexGuard};

use agilis_suites::aead::AeadKey;

use super::{Bus, Card, CardError, CardJob, KeyAlg};
use crate::{Direction, Engine, Error, Job, KeyHandle, Result};

/// One key slot as the engine sees it.
#[derive(Clone, Copy, Default)]
struct SlotEntry {
    generation: u32,
    /// the registry code point of the loaded key (None: free)
    aead: Option<u16>,
}

struct Inner<B: Bus> {
    card: Card<B>,
    slots: Vec<SlotEntry>,
}

/// An [`Engine`] that runs every job on an agilis card.
///
/// Jobs of one batch go through the descriptor ring together, so the
/// card's lanes work on them at once. Keys of AEADs the card has no lane
/// for are refused with [`CardError::AlgorithmNotOnCard`]: route those to
/// the software engine.
pub struct CardEngine<B: Bus> {
    inner: Mutex<Inner<B>>,
}

impl<B: Bus> CardEngine<B> {
    /// An engine over an opened card.
    pub fn new(card: Card<B>) -> CardEngine<B> {
        let slots = vec![SlotEntry::default(); card.info().key_slots as usize];
        CardEngine {
            inner: Mutex::new(Inner { card, slots }),
        }
    }

    /// Opens the card behind `bus` (see [`Card::open`]).
    pub fn open(bus: B) -> std::result::Result<CardEngine<B>, CardError> {
        Ok(CardEngine::new(Card::open(bus)?))
    }

    fn lock(&self) -> MutexGuard<'_, Inner<B>> {
        // Every update of Inner is finished before anything that can panic,
        // so a poisoned lock still guards a consistent state.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the card (diagnostics, fault injection in tests).
    pub fn with_card<R>(&self, f: impl FnOnce(&mut Card<B>) -> R) -> R {
        f(&mut self.lock().card)
    }

    /// Resets a faulted card: every key is gone and every handle becomes
    /// [`Error::UnknownKey`].
    pub fn reset(&self) -> std::result::Result<(), CardError> {
        let mut inner = self.lock();
        for slot in inner.slots.iter_mut() {
            slot.aead = None;
        }
        inner.card.reset()
    }
}

impl<B: Bus> Inner<B> {
    /// The slot and algorithm of a live handle.
    fn resolve(&self, h: KeyHandle) -> Result<(u32, KeyAlg)> {
        let entry = self
            .slots
            .get(h.slot as usize)
            .filter(|s| s.generation == h.generation)
            .ok_or(Error::UnknownKey)?;
        let alg = entry
            .aead
            .and_then(KeyAlg::from_codepoint)
            .ok_or(Error::UnknownKey)?;
        Ok((h.slot, alg))
    }
}

/// The key slot and the padded nonce of an engine job, or the error that
/// keeps it off the card.
fn card_parameters(inner: &Inner<impl Bus>, job: &Job<'_>) -> Result<(u32, [u8; 16])> {
    let (slot, alg) = inner.resolve(job.key)?;
    if job.nonce.len() != alg.nonce_len() {
        return Err(Error::Aead(agilis_suites::Error::InvalidLength {
            what: "nonce",
            expected: alg.nonce_len(),
            found: job.nonce.len(),
        }));
    }
    let mut nonce = [0u8; 16];
    nonce[..job.nonce.len()].copy_from_slice(job.nonce);
    Ok((slot, nonce))
}

impl<B: Bus> Engine for CardEngine<B> {
    fn name(&self) -> &'static str {
        B::NAME
    }

    fn load_key(&self, aead: u16, key: &[u8]) -> Result<KeyHandle> {
        // The software AEAD checks the code point and the key length, so the
        // errors are the software engine's; the prepared key is wiped on drop.
        drop(AeadKey::new(aead, key)?);
        let alg = KeyAlg::from_codepoint(aead).ok_or(CardError::AlgorithmNotOnCard { aead })?;
        let mut inner = self.lock();
        if inner.card.info().lanes_of(alg) == 0 {
            return Err(CardError::AlgorithmNotOnCard { aead }.into());
        }
        let capacity = inner.slots.len();
        let index = inner
            .slots
            .iter()
            .position(|s| s.aead.is_none())
            .ok_or(Error::KeyTableFull { capacity })?;
        inner.card.load_key(index as u32, alg, key)?;
        let entry = &mut inner.slots[index];
        entry.generation = entry.generation.wrapping_add(1);
        entry.aead = Some(aead);
        Ok(KeyHandle {
            slot: index as u32,
            generation: entry.generation,
        })
    }

    fn unload_key(&self, key: KeyHandle) -> Result<()> {
        let mut inner = self.lock();
        inner.resolve(key)?;
        inner.slots[key.slot as usize].aead = None;
        inner.card.clear_key(key.slot)?;
        Ok(())
    }

    fn key_algorithm(&self, key: KeyHandle) -> Result<u16> {
        let inner = self.lock();
        inner.resolve(key)?;
        inner.slots[key.slot as usize].aead.ok_or(Error::UnknownKey)
    }

    fn process(&self, jobs: &mut [Job<'_>]) -> Vec<Result<()>> {
        let mut inner = self.lock();
        let mut results: Vec<Option<Result<()>>> = Vec::with_capacity(jobs.len());
        let mut card_jobs = Vec::with_capacity(jobs.len());
        for job in jobs.iter_mut() {
            match card_parameters(&inner, job) {
                Ok((slot, nonce)) => {
                    card_jobs.push(CardJob {
                        slot,
                        direction: job.direction,
                        nonce,
                        aad: job.aad,
                        buffer: &mut *job.buffer,
                    });
                    results.push(None);
                }
                Err(e) => {
                    if job.direction == Direction::Open {
                        // fail closed: a refused open releases nothing
                        zeroize::Zeroize::zeroize(&mut *job.buffer);
                        job.buffer.clear();
                    }
                    results.push(Some(Err(e)));
                }
            }
        }
        let mut card_results = inner.card.process(&mut card_jobs).into_iter();
        results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| {
                    card_results
                        .next()
                        .unwrap_or(Err(CardError::Faulted.into()))
                })
            })
            .collect()
    }
}

impl<B: Bus> std::fmt::Debug for CardEngine<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.lock();
        f.debug_struct("CardEngine")
            .field("card", &inner.card)
            .field(
                "loaded_keys",
                &inner.slots.iter().filter(|s| s.aead.is_some()).count(),
            )
            .finish()
    }
}

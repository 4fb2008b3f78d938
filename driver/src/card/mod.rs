//! The agilis card: one driver for the simulated and the real card.
//!
//! - [`bus`]: the [`Bus`] trait, the only thing that differs between the
//!   Verilated card and the VFIO card (registers, DMA memory, time).
//! - [`Card`] (this module): identification, soft reset, key slots.
//! - `ring`: batches of jobs through the descriptor ring of `docs/dma.md`.
//! - `engine`: [`CardEngine`], the [`Engine`](crate::Engine) over a [`Card`].
//! - `selftest`: [`Card::selftest`], the built-in self-test and official
//!   known answers ([`KNOWN_ANSWERS`]) through every lane.
//!
//! Register offsets, the buffer layout and the descriptor encoding come from
//! `agilis-regmap`, generated from `hdl/regmap.toml` like the card's own
//! Verilog header.

pub mod bus;
mod engine;
mod error;
mod known_answers;
mod ring;
mod selftest;

use std::time::Duration;

use agilis_regmap::{self as rm, reg};
use zeroize::Zeroizing;

pub use bus::{Bus, BusError, DmaBuffer};
pub use engine::CardEngine;
pub use error::CardError;
pub use known_answers::{KNOWN_ANSWERS, KnownAnswer, KnownAnswerSource};
pub use ring::CardJob;
pub use selftest::{KatFailure, KatStep, LaneReport, SelftestReport};

/// A key algorithm of the card's key slots (`KEY_ALG`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAlg {
    /// Ascon-AEAD128: 16-byte key, 16-byte nonce; lanes of kind 0.
    AsconAead128,
    /// AES-256-GCM: 32-byte key, 12-byte nonce; lanes of kind 1.
    Aes256Gcm,
}

impl KeyAlg {
    /// The `KEY_ALG` register value.
    pub fn register_value(self) -> u32 {
        match self {
            KeyAlg::AsconAead128 => rm::key_alg::ASCON_AEAD128,
            KeyAlg::Aes256Gcm => rm::key_alg::AES_256_GCM,
        }
    }
    /// Key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            KeyAlg::AsconAead128 => 16,
            KeyAlg::Aes256Gcm => 32,
        }
    }
    /// Nonce length in bytes (GCM's IV occupies bytes 0..12 of the card's 16).
    pub fn nonce_len(self) -> usize {
        match self {
            KeyAlg::AsconAead128 => 16,
            KeyAlg::Aes256Gcm => 12,
        }
    }
    /// The `agilis_suites` registry code point.
    pub fn codepoint(self) -> u16 {
        use agilis_suites::registry::codepoint as cp;
        match self {
            KeyAlg::AsconAead128 => cp::ASCON_AEAD128,
            KeyAlg::Aes256Gcm => cp::AES_256_GCM,
        }
    }
    /// The registry's name (`ascon-aead128`, `aes-256-gcm`).
    pub fn name(self) -> &'static str {
        agilis_suites::registry::by_codepoint(self.codepoint()).map_or("?", |a| a.name)
    }
    /// The card algorithm of an `agilis_suites` registry code point, if any.
    pub fn from_codepoint(aead: u16) -> Option<KeyAlg> {
        use agilis_suites::registry::codepoint as cp;
        match aead {
            cp::ASCON_AEAD128 => Some(KeyAlg::AsconAead128),
            cp::AES_256_GCM => Some(KeyAlg::Aes256Gcm),
            _ => None,
        }
    }
}

#[cfg(test)]
mod key_alg_tests {
    use super::KeyAlg;

    #[test]
    fn code_points_and_names_round_trip_through_the_registry() {
        for alg in [KeyAlg::AsconAead128, KeyAlg::Aes256Gcm] {
            assert_eq!(KeyAlg::from_codepoint(alg.codepoint()), Some(alg));
        }
        assert_eq!(KeyAlg::AsconAead128.name(), "ascon-aead128");
        assert_eq!(KeyAlg::Aes256Gcm.name(), "aes-256-gcm");
    }
}

/// What a card is, from its identification and capability registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardInfo {
    /// VERSION (major.minor.patch in 16.8.8 bits)
    pub version: u32,
    /// REGMAP_HASH
    pub regmap_hash: u32,
    /// number of lanes
    pub lanes: u32,
    /// bit i: lane i is AES-256-GCM, else Ascon-AEAD128
    pub lane_kind: u32,
    /// number of key slots
    pub key_slots: u32,
    /// largest AD and largest message of one job, in bytes
    pub max_len: u32,
    /// largest descriptor ring
    pub ring_max_entries: u32,
}

impl CardInfo {
    /// The algorithm of lane `lane` (its LANE_KIND bit).
    pub fn lane_alg(&self, lane: u32) -> KeyAlg {
        if self.lane_kind >> lane & 1 == 1 {
            KeyAlg::Aes256Gcm
        } else {
            KeyAlg::AsconAead128
        }
    }

    /// VERSION as `major.minor.patch`.
    pub fn version_text(&self) -> String {
        error::version(self.version)
    }

    /// Number of lanes that run `alg`.
    pub fn lanes_of(&self, alg: KeyAlg) -> u32 {
        let aes = self.lane_kind & lane_mask(self.lanes);
        match alg {
            KeyAlg::Aes256Gcm => aes.count_ones(),
            KeyAlg::AsconAead128 => self.lanes - aes.count_ones(),
        }
    }
}

fn lane_mask(lanes: u32) -> u32 {
    if lanes >= 32 {
        u32::MAX
    } else {
        (1 << lanes) - 1
    }
}

/// Reads ID, VERSION, REGMAP_HASH and the capabilities; refuses anything but
/// an agilis card of this driver's major version (and, at exactly this
/// driver's version, its register map hash).
pub fn identify<B: Bus>(bus: &mut B) -> Result<CardInfo, CardError> {
    let id = bus.read32(reg::ID)?;
    if id != rm::ID_MAGIC {
        return Err(CardError::NotAgilis { id });
    }
    let version = bus.read32(reg::VERSION)?;
    let major = reg::version::MAJOR;
    // Minor versions only add; a different major changes the contract.
    if major.get(version) != major.get(rm::VERSION) {
        return Err(CardError::UnsupportedVersion {
            found: version,
            expected: rm::VERSION,
        });
    }
    let regmap_hash = bus.read32(reg::REGMAP_HASH)?;
    if version == rm::VERSION && regmap_hash != rm::REGMAP_HASH {
        return Err(CardError::RegmapMismatch {
            found: regmap_hash,
            expected: rm::REGMAP_HASH,
        });
    }
    let cap = bus.read32(reg::CAPABILITY)?;
    let ring_cap = bus.read32(reg::RING_CAP)?;
    Ok(CardInfo {
        version,
        regmap_hash,
        lanes: reg::capability::LANES.get(cap),
        lane_kind: bus.read32(reg::LANE_KIND)?,
        key_slots: reg::capability::KEY_SLOTS.get(cap),
        max_len: bus.read32(reg::MAX_LEN)?,
        ring_max_entries: reg::ring_cap::MAX_ENTRIES.get(ring_cap),
    })
}

/// The descriptor ring's host side: its memory and the two counters.
struct Ring {
    memory: DmaBuffer,
    size: u32,
    /// descriptors posted (free-running, as written to RING_PROD)
    prod: u32,
    /// descriptors reaped (free-running, follows RING_CONS)
    cons: u32,
}

/// Largest ring the driver sets up: enough to keep 16 lanes busy twice over.
const RING_ENTRIES: u32 = 64;

/// Default deadline: how long the card may go without progress.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(50);

/// Pause between two polls of a register the interrupt does not announce.
const POLL: Duration = Duration::from_micros(1);

/// A register-level agilis card over a [`Bus`].
///
/// Opening it soft-resets the card (a known state, every key slot wiped),
/// sets up the descriptor ring and enables the ring and error interrupts.
/// Dropping it clears every key slot it loaded.
pub struct Card<B: Bus> {
    bus: B,
    info: CardInfo,
    ring: Option<Ring>,
    /// The algorithm of each key slot this driver loaded (None: empty).
    loaded: Vec<Option<KeyAlg>>,
    timeout: Duration,
    /// Set by a fatal error; cleared only by a successful [`Card::reset`].
    faulted: bool,
}

impl<B: Bus> Card<B> {
    /// Identifies the card behind `bus`, resets it and sets up its ring.
    pub fn open(mut bus: B) -> Result<Card<B>, CardError> {
        let info = identify(&mut bus)?;
        let mut card = Card {
            loaded: vec![None; info.key_slots as usize],
            bus,
            info,
            ring: None,
            timeout: DEFAULT_TIMEOUT,
            faulted: true,
        };
        card.reset()?;
        Ok(card)
    }

    /// What the card is.
    pub fn info(&self) -> &CardInfo {
        &self.info
    }

    /// The bus underneath (for diagnostics and fault injection in tests).
    pub fn bus_mut(&mut self) -> &mut B {
        &mut self.bus
    }

    /// How long the card may go without progress before a wait fails.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Whether a fatal error left the card unusable until [`reset`](Self::reset).
    pub fn is_faulted(&self) -> bool {
        self.faulted
    }

    /// Soft-resets the card (aborting every job and wiping every key slot),
    /// then sets up the ring and the interrupts again.
    pub fn reset(&mut self) -> Result<(), CardError> {
        self.faulted = true;
        self.soft_reset()?;
        self.loaded.fill(None);
        let size = RING_ENTRIES.min(self.info.ring_max_entries);
        if size == 0 || !size.is_power_of_two() {
            return Err(CardError::Card {
                error_bits: reg::error::RING_CONFIG,
            });
        }
        let memory = match self.ring.take() {
            Some(r) if r.size == size => r.memory,
            Some(r) => {
                self.bus.free_dma(r.memory)?;
                self.bus.alloc_dma(rm::desc::BYTES * size as usize)?
            }
            None => self.bus.alloc_dma(rm::desc::BYTES * size as usize)?,
        };
        self.ring = Some(Ring {
            memory,
            size,
            prod: 0,
            cons: 0,
        });
        self.start_ring()?;
        self.faulted = false;
        Ok(())
    }

    /// Points the card at the ring's memory, enables the ring (it restarts
    /// at index 0, and so do the host's counters) and the interrupts.
    fn start_ring(&mut self) -> Result<(), CardError> {
        let ring = self.ring.as_mut().ok_or(CardError::Faulted)?;
        ring.prod = 0;
        ring.cons = 0;
        let (base, size) = (ring.memory.bus_addr(), ring.size);
        self.bus.write32(reg::RING_BASE_LO, base as u32)?;
        self.bus.write32(reg::RING_BASE_HI, (base >> 32) as u32)?;
        self.bus.write32(reg::RING_SIZE, size)?;
        self.bus.write32(reg::CONTROL, reg::control::RING_EN)?;
        if self.bus.read32(reg::CONTROL)? & reg::control::RING_EN == 0 {
            let error_bits = self.bus.read32(reg::ERROR)?;
            return Err(CardError::Card { error_bits });
        }
        self.bus.write32(
            reg::IRQ_ENABLE,
            reg::irq_enable::RING | reg::irq_enable::ERROR,
        )?;
        Ok(())
    }

    /// CONTROL.SOFT_RESET, then waits (with the deadline) for it to finish.
    fn soft_reset(&mut self) -> Result<(), CardError> {
        self.bus.write32(reg::CONTROL, reg::control::SOFT_RESET)?;
        self.wait_for("soft reset to finish", |bus| {
            Ok(bus.read32(reg::STATUS)? & reg::status::RESET_BUSY == 0)
        })
    }

    /// Polls `ready` until it holds or the deadline passes.
    fn wait_for(
        &mut self,
        what: &'static str,
        mut ready: impl FnMut(&mut B) -> Result<bool, BusError>,
    ) -> Result<(), CardError> {
        let start = self.bus.now();
        loop {
            if ready(&mut self.bus)? {
                return Ok(());
            }
            let waited = self.bus.now().saturating_sub(start);
            if waited >= self.timeout {
                return Err(CardError::Timeout { what, waited });
            }
            self.bus.wait_interrupt(POLL.min(self.timeout - waited))?;
        }
    }

    /// The algorithm loaded in `slot` by this driver, if any.
    pub fn slot_algorithm(&self, slot: u32) -> Option<KeyAlg> {
        self.loaded.get(slot as usize).copied().flatten()
    }

    /// Writes `key` into `slot` through the key registers and loads it for
    /// `alg`. The key is never read back: only the slot's KEY_LOADED bit is.
    pub fn load_key(&mut self, slot: u32, alg: KeyAlg, key: &[u8]) -> Result<(), CardError> {
        if self.faulted {
            return Err(CardError::Faulted);
        }
        if slot >= self.info.key_slots || key.len() != alg.key_len() {
            return Err(CardError::KeyLoad { slot });
        }
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes[..key.len()].copy_from_slice(key);
        let result = self.write_key(slot, alg, &bytes);
        if result.is_err() {
            // A half-written slot holds key bytes: wipe it (best effort).
            let _ = self.clear_key(slot);
        }
        result
    }

    fn write_key(&mut self, slot: u32, alg: KeyAlg, bytes: &[u8; 32]) -> Result<(), CardError> {
        self.bus.write32(reg::KEY_SLOT_SEL, slot)?;
        self.bus.write32(reg::KEY_ALG, alg.register_value())?;
        for (i, word) in bytes.chunks_exact(4).enumerate() {
            let word = Zeroizing::new(u32::from_le_bytes([word[0], word[1], word[2], word[3]]));
            self.bus
                .write32(reg::KEY_DATA + reg::KEY_DATA_STRIDE * i as u32, *word)?;
        }
        self.bus.write32(reg::KEY_CMD, rm::key_cmd::LOAD)?;
        let refused = self.bus.read32(reg::ERROR)? & reg::error::KEY_CMD != 0;
        if refused || self.bus.read32(reg::KEY_LOADED)? >> slot & 1 == 0 {
            self.bus.write32(reg::ERROR, reg::error::KEY_CMD)?;
            return Err(CardError::KeyLoad { slot });
        }
        self.loaded[slot as usize] = Some(alg);
        Ok(())
    }

    /// Zeroes `slot` on the card and marks it empty. Works on a faulted card
    /// too: wiping a key is always worth trying.
    pub fn clear_key(&mut self, slot: u32) -> Result<(), CardError> {
        if let Some(s) = self.loaded.get_mut(slot as usize) {
            *s = None;
        }
        self.bus.write32(reg::KEY_SLOT_SEL, slot)?;
        self.bus.write32(reg::KEY_CMD, rm::key_cmd::CLEAR)?;
        if self.bus.read32(reg::KEY_LOADED)? >> slot & 1 != 0 {
            return Err(CardError::KeyLoad { slot });
        }
        Ok(())
    }
}

impl<B: Bus> Drop for Card<B> {
    fn drop(&mut self) {
        // Wipe every slot this driver loaded; a faulted card gets a soft
        // reset, which wipes them all at once. Errors cannot be reported here.
        for slot in 0..self.loaded.len() as u32 {
            if self.loaded[slot as usize].is_some() {
                let _ = self.clear_key(slot);
            }
        }
        if self.faulted {
            let _ = self.soft_reset();
        } else {
            let _ = self.bus.write32(reg::CONTROL, 0);
        }
        // The ring's memory goes back only once the card is known quiet.
        let quiet = self
            .bus
            .read32(reg::STATUS)
            .is_ok_and(|s| s & reg::status::RING_ACTIVE == 0);
        if let Some(ring) = self.ring.take().filter(|_| quiet) {
            let _ = self.bus.free_dma(ring.memory);
        }
    }
}

impl<B: Bus> std::fmt::Debug for Card<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Card")
            .field("info", &self.info)
            .field("faulted", &self.faulted)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;

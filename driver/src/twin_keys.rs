//! One key handle for two engines.
//!
//! The ruler and the dispatcher both hand out a single [`KeyHandle`] while
//! the key lives in a primary engine (the card) *and* in a software engine:
//! the ruler must run a job on both, the dispatcher must be able to move any
//! job to software at any time. A key the primary cannot hold (an AEAD
//! without lanes, a full key table, an absent card) is still a valid key,
//! just a software-only one.

use std::sync::RwLock;

use crate::{Engine, Error, KeyHandle, Result};

/// Where one key lives.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TwinKey {
    /// registry code point of the AEAD
    pub aead: u16,
    /// the key's handle in the software engine
    pub software: KeyHandle,
    /// the key's handle in the primary engine, if it could load it
    pub primary: Option<KeyHandle>,
}

#[derive(Default)]
struct Slot {
    generation: u32,
    key: Option<TwinKey>,
}

/// The table from outer handles to [`TwinKey`]s.
#[derive(Default)]
pub(crate) struct TwinKeys {
    slots: RwLock<Vec<Slot>>,
}

impl TwinKeys {
    /// Loads `key` into `software` (which must accept it) and then into
    /// `primary` (which may refuse: the refusal is returned beside the
    /// handle so the caller can report it).
    pub fn load(
        &self,
        primary: Option<&dyn Engine>,
        software: &dyn Engine,
        aead: u16,
        key: &[u8],
    ) -> Result<(KeyHandle, Option<Error>)> {
        let software_handle = software.load_key(aead, key)?;
        let (primary_handle, refusal) = match primary.map(|p| p.load_key(aead, key)) {
            Some(Ok(h)) => (Some(h), None),
            Some(Err(e)) => (None, Some(e)),
            None => (None, None),
        };
        let twin = TwinKey {
            aead,
            software: software_handle,
            primary: primary_handle,
        };
        let mut slots = self.slots.write().unwrap_or_else(|p| p.into_inner());
        let index = match slots.iter().position(|s| s.key.is_none()) {
            Some(i) => i,
            None => {
                slots.push(Slot::default());
                slots.len() - 1
            }
        };
        let slot = &mut slots[index];
        slot.generation = slot.generation.wrapping_add(1);
        slot.key = Some(twin);
        let handle = KeyHandle {
            slot: index as u32,
            generation: slot.generation,
        };
        Ok((handle, refusal))
    }

    /// The twin behind a live handle.
    pub fn get(&self, h: KeyHandle) -> Result<TwinKey> {
        let slots = self.slots.read().unwrap_or_else(|p| p.into_inner());
        slots
            .get(h.slot as usize)
            .filter(|s| s.generation == h.generation)
            .and_then(|s| s.key)
            .ok_or(Error::UnknownKey)
    }

    /// Forgets `h` and unloads its key from both engines. Both unloads are
    /// attempted (each wipes its copy); the software engine's error wins.
    pub fn unload(
        &self,
        primary: Option<&dyn Engine>,
        software: &dyn Engine,
        h: KeyHandle,
    ) -> Result<()> {
        let twin = {
            let mut slots = self.slots.write().unwrap_or_else(|p| p.into_inner());
            slots
                .get_mut(h.slot as usize)
                .filter(|s| s.generation == h.generation)
                .and_then(|s| s.key.take())
                .ok_or(Error::UnknownKey)?
        };
        let primary_result = match (primary, twin.primary) {
            (Some(p), Some(ph)) => p.unload_key(ph),
            _ => Ok(()),
        };
        software.unload_key(twin.software)?;
        // A primary that lost its keys (a card reset) has nothing left to wipe.
        match primary_result {
            Err(Error::UnknownKey) | Ok(()) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

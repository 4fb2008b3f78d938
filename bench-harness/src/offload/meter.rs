//! What the card costs per batch: a counting [`Bus`] wrapper (register reads,
//! writes, interrupt waits) and [`MeteredCard`], the card engine that records
//! the card time and the host wall time of every batch it runs.
//!
//! Card time is the bus's own clock: simulated cycles for the Verilated card
//! (converted at the clock the synthesis report supports), wall time for a
//! real card. The dispatcher and the ruler take a `MeteredCard` as their
//! card, so that their figures can be split into "card time" and "host time
//! around the card".

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use agilis_driver::card::{Bus, BusError, CardEngine, CardError, CardInfo, DmaBuffer};
use agilis_driver::{Engine, Job, KeyHandle, Result};
use serde::Serialize;

/// Register and interrupt traffic of the driver.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BusCounts {
    /// 32-bit register reads (non-posted: each is a PCIe round trip on a real card)
    pub mmio_reads: u64,
    /// 32-bit register writes (posted on PCIe; the doorbell is one of them)
    pub mmio_writes: u64,
    /// waits for the card's interrupt
    pub interrupt_waits: u64,
}

impl BusCounts {
    fn add(&mut self, other: BusCounts) {
        self.mmio_reads += other.mmio_reads;
        self.mmio_writes += other.mmio_writes;
        self.interrupt_waits += other.interrupt_waits;
    }

    fn since(self, earlier: BusCounts) -> BusCounts {
        BusCounts {
            mmio_reads: self.mmio_reads - earlier.mmio_reads,
            mmio_writes: self.mmio_writes - earlier.mmio_writes,
            interrupt_waits: self.interrupt_waits - earlier.interrupt_waits,
        }
    }
}

/// A bus that counts the driver's register accesses and interrupt waits.
pub struct CountingBus<B> {
    inner: B,
    counts: BusCounts,
}

impl<B: Bus> CountingBus<B> {
    pub fn new(inner: B) -> CountingBus<B> {
        CountingBus {
            inner,
            counts: BusCounts::default(),
        }
    }
}

impl<B: Bus> Bus for CountingBus<B> {
    const NAME: &'static str = B::NAME;

    fn read32(&mut self, offset: u32) -> std::result::Result<u32, BusError> {
        self.counts.mmio_reads += 1;
        self.inner.read32(offset)
    }

    fn write32(&mut self, offset: u32, value: u32) -> std::result::Result<(), BusError> {
        self.counts.mmio_writes += 1;
        self.inner.write32(offset, value)
    }

    fn alloc_dma(&mut self, len: usize) -> std::result::Result<DmaBuffer, BusError> {
        self.inner.alloc_dma(len)
    }

    fn free_dma(&mut self, buffer: DmaBuffer) -> std::result::Result<(), BusError> {
        self.inner.free_dma(buffer)
    }

    fn dma_write(
        &mut self,
        buffer: &DmaBuffer,
        offset: usize,
        bytes: &[u8],
    ) -> std::result::Result<(), BusError> {
        self.inner.dma_write(buffer, offset, bytes)
    }

    fn dma_read(
        &mut self,
        buffer: &DmaBuffer,
        offset: usize,
        out: &mut [u8],
    ) -> std::result::Result<(), BusError> {
        self.inner.dma_read(buffer, offset, out)
    }

    fn now(&self) -> Duration {
        self.inner.now()
    }

    fn wait_interrupt(&mut self, max: Duration) -> std::result::Result<bool, BusError> {
        self.counts.interrupt_waits += 1;
        self.inner.wait_interrupt(max)
    }
}

/// What the card did over some batches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct CardUse {
    pub batches: u64,
    pub jobs: u64,
    /// card time: bus ticks / ticks per second
    pub card_seconds: f64,
    /// bus ticks (simulated cycles, or nanoseconds on a real card)
    pub ticks: u64,
    /// host wall time spent inside the card engine's `process`
    #[serde(skip)]
    pub host_wall: Duration,
    pub bus: BusCounts,
}

impl CardUse {
    fn add(&mut self, other: &CardUse) {
        self.batches += other.batches;
        self.jobs += other.jobs;
        self.card_seconds += other.card_seconds;
        self.ticks += other.ticks;
        self.host_wall += other.host_wall;
        self.bus.add(other.bus);
    }
}

/// Reads what the card has used so far and starts counting afresh.
pub trait CardMeter {
    fn take(&self) -> CardUse;
}

/// A [`CardEngine`] over a [`CountingBus`] that records each batch's card
/// time, host wall time and bus traffic.
pub struct MeteredCard<B: Bus> {
    engine: CardEngine<CountingBus<B>>,
    /// reads the bus's tick counter
    ticks: fn(&mut B) -> u64,
    ticks_per_second: f64,
    used: Mutex<CardUse>,
}

impl<B: Bus> MeteredCard<B> {
    /// Opens the card behind `bus`; `ticks` reads its clock, which runs at
    /// `ticks_per_second`.
    pub fn open(
        bus: B,
        ticks: fn(&mut B) -> u64,
        ticks_per_second: f64,
    ) -> std::result::Result<MeteredCard<B>, CardError> {
        Ok(MeteredCard {
            engine: CardEngine::open(CountingBus::new(bus))?,
            ticks,
            ticks_per_second,
            used: Mutex::new(CardUse::default()),
        })
    }

    pub fn info(&self) -> CardInfo {
        self.engine.with_card(|c| c.info().clone())
    }

    fn snapshot(&self) -> (u64, BusCounts) {
        self.engine.with_card(|c| {
            let bus = c.bus_mut();
            ((self.ticks)(&mut bus.inner), bus.counts)
        })
    }

    fn used(&self) -> MutexGuard<'_, CardUse> {
        self.used.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl<B: Bus> CardMeter for MeteredCard<B> {
    fn take(&self) -> CardUse {
        std::mem::take(&mut *self.used())
    }
}

impl<B: Bus> Engine for MeteredCard<B> {
    fn name(&self) -> &'static str {
        self.engine.name()
    }

    fn load_key(&self, aead: u16, key: &[u8]) -> Result<KeyHandle> {
        self.engine.load_key(aead, key)
    }

    fn unload_key(&self, key: KeyHandle) -> Result<()> {
        self.engine.unload_key(key)
    }

    fn key_algorithm(&self, key: KeyHandle) -> Result<u16> {
        self.engine.key_algorithm(key)
    }

    fn process(&self, jobs: &mut [Job<'_>]) -> Vec<Result<()>> {
        let (ticks_before, bus_before) = self.snapshot();
        let started = Instant::now();
        let results = self.engine.process(jobs);
        let host_wall = started.elapsed();
        let (ticks_after, bus_after) = self.snapshot();
        let ticks = ticks_after.saturating_sub(ticks_before);
        self.used().add(&CardUse {
            batches: 1,
            jobs: jobs.len() as u64,
            card_seconds: ticks as f64 / self.ticks_per_second,
            ticks,
            host_wall,
            bus: bus_after.since(bus_before),
        });
        results
    }
}

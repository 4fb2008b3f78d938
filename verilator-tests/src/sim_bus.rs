//! The simulated card as an `agilis_driver::card::Bus`: the driver's
//! `Card` and `CardEngine` run unchanged on the Verilated `agilis_top`.
//!
//! Registers are AXI4-Lite transactions on the model ([`TopModel::read32`]),
//! DMA buffers live in its [`HostMemory`](crate::top::HostMemory), and time
//! is the model's clock: cycles counted at [`SIM_CLOCK_HZ`]. The model only
//! runs while the driver accesses a register or waits, which is exactly when
//! a real card's time would pass under the driver too.

use std::collections::HashMap;
use std::time::Duration;

use agilis_driver::card::{Bus, BusError, DmaBuffer};

use crate::top::{SimError, TopModel};

/// The top-level model that stands in for the card outside the tests: four
/// lanes, 0 and 1 Ascon-AEAD128 (2 rounds/cycle), 2 and 3 AES-256-GCM, 16
/// key slots. It is the only model a build without the `all-models` feature
/// holds.
pub const CARD_MODEL: &str = "top_mixed";

/// A wall-clock deadline for the dispatcher (`DispatchConfig::card_deadline`)
/// over the simulated card: the simulator takes far longer in wall time
/// than a card would, so a real card's deadline would demote it on every
/// large batch. The driver's own timeout still counts simulated time.
pub const SIM_DISPATCH_DEADLINE: Duration = Duration::from_secs(3600);

/// The nominal clock that converts simulated cycles to card time (only
/// deadlines depend on it).
pub const SIM_CLOCK_HZ: u64 = 100_000_000;

/// Alignment of every DMA buffer: the ring needs 64 bytes, job buffers 16.
const DMA_ALIGN: u64 = 64;

/// The Verilated card and its host memory behind the driver's bus trait.
pub struct SimBus {
    model: TopModel,
    /// Freed buffers by capacity, reused by later allocations: the host
    /// memory model has no free, and thousands of jobs would otherwise grow it.
    free: HashMap<usize, Vec<u64>>,
    /// Capacity of every live buffer, by bus address.
    live: HashMap<u64, usize>,
    /// Injected datapath fault, if any (see [`SimBus::flip_output_bits`]).
    output_flips: Option<OutputFlips>,
}

/// A datapath fault model: each job output the driver reads back gets one
/// random bit flipped with probability `probability`.
struct OutputFlips {
    probability: f64,
    /// xorshift64* state (seeded: a campaign is reproducible)
    rng: u64,
    injected: u64,
}

impl OutputFlips {
    fn next(&mut self) -> u64 {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Flips one bit of `bytes` with the configured probability.
    fn maybe_flip(&mut self, bytes: &mut [u8]) {
        let draw = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        if bytes.is_empty() || draw >= self.probability {
            return;
        }
        let bit = (self.next() % (bytes.len() as u64 * 8)) as usize;
        bytes[bit / 8] ^= 1 << (bit % 8);
        self.injected += 1;
    }
}

// SAFETY: a Verilated model has no thread affinity; `TopModel` is only
// not `Send` because it holds the model as a raw pointer. The `Bus` user
// (`Card`, behind `CardEngine`'s mutex) accesses it from one thread at a time.
unsafe impl Send for SimBus {}

impl SimBus {
    /// Wraps a model (built with [`TopModel::new`]).
    pub fn new(model: TopModel) -> SimBus {
        SimBus { model, free: HashMap::new(), live: HashMap::new(), output_flips: None }
    }

    /// Injects a datapath fault: from now on, each job output the driver
    /// reads back (a whole destination buffer: ciphertext and tag, or
    /// plaintext) has one random bit flipped with probability `probability`
    /// (0..=1), drawn from a generator seeded with `seed`. Descriptor status
    /// words are partial reads of the ring and are left alone: this models
    /// corrupted data, not a corrupted verdict. Some flips land in the
    /// padding between message and tag, which the driver never releases.
    pub fn flip_output_bits(&mut self, probability: f64, seed: u64) {
        self.output_flips = Some(OutputFlips { probability, rng: seed | 1, injected: 0 });
    }

    /// Stops injecting bit flips.
    pub fn clear_output_flips(&mut self) {
        self.output_flips = None;
    }

    /// Bits flipped since [`flip_output_bits`](Self::flip_output_bits).
    pub fn output_flips_injected(&self) -> u64 {
        self.output_flips.as_ref().map_or(0, |f| f.injected)
    }

    /// The model, for fault injection (`fail_reads`, `flow`) and checks (`violations`).
    pub fn model(&mut self) -> &mut TopModel {
        &mut self.model
    }

    /// Bus address range of a live buffer's bytes, checked.
    fn range(&self, buffer: &DmaBuffer, offset: usize, len: usize) -> Result<u64, BusError> {
        buffer.check_range(offset, len)?;
        if !self.live.contains_key(&buffer.bus_addr()) {
            return Err(BusError::Dma { detail: format!("buffer at {:#x} is not allocated", buffer.bus_addr()) });
        }
        Ok(buffer.bus_addr() + offset as u64)
    }
}

fn register_error(offset: u32, e: SimError) -> BusError {
    BusError::Register { offset, detail: e.to_string() }
}

/// Allocations are rounded up to a power of two so that freed buffers fit later ones.
fn capacity_for(len: usize) -> usize {
    len.max(64).next_power_of_two()
}

impl Bus for SimBus {
    const NAME: &'static str = "verilator";

    fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
        self.model.read32(offset).map_err(|e| register_error(offset, e))
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        self.model.write32(offset, value).map_err(|e| register_error(offset, e))
    }

    fn alloc_dma(&mut self, len: usize) -> Result<DmaBuffer, BusError> {
        let capacity = capacity_for(len);
        let addr = match self.free.get_mut(&capacity).and_then(Vec::pop) {
            Some(addr) => {
                self.model.mem.fill(addr, capacity, 0);
                addr
            }
            None => self.model.mem.alloc_at(capacity, DMA_ALIGN, 0),
        };
        self.live.insert(addr, capacity);
        Ok(DmaBuffer::new(addr, len.max(1), 0))
    }

    fn free_dma(&mut self, buffer: DmaBuffer) -> Result<(), BusError> {
        let capacity = self
            .live
            .remove(&buffer.bus_addr())
            .ok_or_else(|| BusError::Dma { detail: format!("double free of the buffer at {:#x}", buffer.bus_addr()) })?;
        self.free.entry(capacity).or_default().push(buffer.bus_addr());
        Ok(())
    }

    fn dma_write(&mut self, buffer: &DmaBuffer, offset: usize, bytes: &[u8]) -> Result<(), BusError> {
        let addr = self.range(buffer, offset, bytes.len())?;
        self.model.mem.write(addr, bytes);
        Ok(())
    }

    fn dma_read(&mut self, buffer: &DmaBuffer, offset: usize, out: &mut [u8]) -> Result<(), BusError> {
        let addr = self.range(buffer, offset, out.len())?;
        out.copy_from_slice(&self.model.mem.read(addr, out.len()));
        // The driver reads a job's output as the whole destination buffer.
        if let Some(flips) = self.output_flips.as_mut().filter(|_| offset == 0 && out.len() == buffer.len()) {
            flips.maybe_flip(out);
        }
        Ok(())
    }

    fn now(&self) -> Duration {
        let cycles = self.model.cycles();
        Duration::from_secs(cycles / SIM_CLOCK_HZ)
            + Duration::from_nanos((cycles % SIM_CLOCK_HZ) * 1_000_000_000 / SIM_CLOCK_HZ)
    }

    fn wait_interrupt(&mut self, max: Duration) -> Result<bool, BusError> {
        // At least one cycle, so that a poll loop always lets time pass.
        let cycles = (max.as_nanos() * u128::from(SIM_CLOCK_HZ) / 1_000_000_000).max(1);
        for _ in 0..cycles {
            if self.model.irq() {
                return Ok(true);
            }
            self.model.step();
        }
        Ok(self.model.irq())
    }
}

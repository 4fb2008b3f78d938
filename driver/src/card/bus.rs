//! The bus under the card driver: what differs between the simulated card
//! and the real one.
//!
//! Everything above this trait ([`Card`](super::Card),
//! [`CardEngine`](super::CardEngine)) is the same code for every card. A bus
//! gives three things:
//!
//! - **registers**: 32-bit reads and writes at BAR0 offsets
//!   (`agilis_regmap::reg`, `agilis_regmap::lane`);
//! - **DMA memory**: buffers the card can reach by their bus address, which
//!   the host fills and reads back;
//! - **time**: a monotonic clock and a wait for the card's interrupt with a
//!   limit, so that every wait of the driver has a deadline.
//!
//! ## Implementations
//! - The simulated card (`agilis_verilator::sim_bus::SimBus`): registers are
//!   AXI4-Lite transactions on the Verilated `agilis_top`, DMA memory is the
//!   model's host memory, and time passes by clock cycles (register accesses
//!   take cycles too), so the simulation only runs while the driver waits.
//! - A VFIO card fits the same shape: `read32`/`write32` are volatile
//!   accesses to the mmap'd BAR0 region; `alloc_dma` takes page-aligned host
//!   memory and maps it with `VFIO_IOMMU_MAP_DMA` at an IOVA the bus hands
//!   out (that IOVA is [`DmaBuffer::bus_addr`]), `free_dma` unmaps it;
//!   `now` is `Instant`, and `wait_interrupt` polls the eventfd that
//!   `VFIO_DEVICE_SET_IRQS` tied to the card's MSI. A device that vanished
//!   reads all ones; its bus reports that as [`BusError::Register`].
//!
//! No method panics on a bad argument: errors are [`BusError`]s.

use std::fmt;
use std::time::Duration;

/// A DMA buffer handed out by a [`Bus`]: device-visible memory of `len`
/// bytes at bus address `bus_addr`, at least 64-byte aligned (ring
/// descriptors need 64, job buffers 16).
///
/// The handle is only a name: the bytes live with the bus, and are reached
/// through [`Bus::dma_write`] / [`Bus::dma_read`]. `token` is the bus's own
/// bookkeeping (e.g. the index of a VFIO mapping).
#[derive(Debug, PartialEq, Eq)]
pub struct DmaBuffer {
    bus_addr: u64,
    len: usize,
    token: u64,
}

impl DmaBuffer {
    /// For bus implementations: names a buffer they allocated.
    pub fn new(bus_addr: u64, len: usize, token: u64) -> DmaBuffer {
        DmaBuffer {
            bus_addr,
            len,
            token,
        }
    }
    /// The address the card uses for this buffer (an IOVA on a real card).
    pub fn bus_addr(&self) -> u64 {
        self.bus_addr
    }
    /// Usable length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }
    /// True for a zero-length buffer.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// The bus's bookkeeping value.
    pub fn token(&self) -> u64 {
        self.token
    }
    /// Checks that `offset .. offset + len` lies inside the buffer.
    pub fn check_range(&self, offset: usize, len: usize) -> Result<(), BusError> {
        match offset.checked_add(len) {
            Some(end) if end <= self.len => Ok(()),
            _ => Err(BusError::OutOfRange {
                offset,
                len,
                buffer_len: self.len,
            }),
        }
    }
}

/// What went wrong on a bus.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BusError {
    /// A register access failed (no answer, device gone, bus fault).
    Register {
        /// BAR0 offset
        offset: u32,
        /// what the bus saw
        detail: String,
    },
    /// DMA memory could not be allocated, mapped or accessed.
    Dma {
        /// what the bus saw
        detail: String,
    },
    /// An access outside a DMA buffer (a driver bug, refused).
    OutOfRange {
        /// first byte asked for
        offset: usize,
        /// bytes asked for
        len: usize,
        /// the buffer's length
        buffer_len: usize,
    },
    /// Waiting for the interrupt failed (not a timeout: that is not an error here).
    Wait {
        /// what the bus saw
        detail: String,
    },
}

impl fmt::Display for BusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BusError::Register { offset, detail } => {
                write!(
                    f,
                    "register access at BAR0 offset {offset:#x} failed: {detail}"
                )
            }
            BusError::Dma { detail } => write!(f, "DMA memory: {detail}"),
            BusError::OutOfRange {
                offset,
                len,
                buffer_len,
            } => write!(
                f,
                "DMA access of {len} bytes at offset {offset} outside a buffer of {buffer_len} bytes"
            ),
            BusError::Wait { detail } => {
                write!(f, "waiting for the card's interrupt failed: {detail}")
            }
        }
    }
}

impl std::error::Error for BusError {}

/// Registers, DMA memory and time of one card. See the module docs.
pub trait Bus: Send {
    /// The engine name of a card on this bus, for logs (`"verilator"`, `"vfio"`).
    const NAME: &'static str;

    /// Reads the 32-bit register at BAR0 offset `offset`.
    fn read32(&mut self, offset: u32) -> Result<u32, BusError>;

    /// Writes the 32-bit register at BAR0 offset `offset`.
    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError>;

    /// Allocates a zeroed DMA buffer of at least `len` bytes (at least 1),
    /// at least 64-byte aligned.
    fn alloc_dma(&mut self, len: usize) -> Result<DmaBuffer, BusError>;

    /// Returns a buffer to the bus. The caller must wipe secrets first and
    /// must not free a buffer the card may still write.
    fn free_dma(&mut self, buffer: DmaBuffer) -> Result<(), BusError>;

    /// Copies `bytes` into `buffer` at `offset`.
    fn dma_write(
        &mut self,
        buffer: &DmaBuffer,
        offset: usize,
        bytes: &[u8],
    ) -> Result<(), BusError>;

    /// Copies `out.len()` bytes of `buffer` at `offset` into `out`.
    fn dma_read(
        &mut self,
        buffer: &DmaBuffer,
        offset: usize,
        out: &mut [u8],
    ) -> Result<(), BusError>;

    /// A monotonic clock of the card's time (wall time on a real card,
    /// clock cycles at a nominal frequency in a simulation).
    fn now(&self) -> Duration;

    /// Lets up to `max` pass, returning early once the card's interrupt line
    /// is asserted. Returns whether it is. Spurious early returns are
    /// allowed: the driver re-reads the registers either way.
    fn wait_interrupt(&mut self, max: Duration) -> Result<bool, BusError>;
}

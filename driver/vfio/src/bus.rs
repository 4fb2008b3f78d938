//! [`VfioBus`]: the real card behind `agilis_driver::card::Bus`.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{Ordering, fence};
use std::time::{Duration, Instant};

use agilis_driver::card::{Bus, BusError, DmaBuffer};
use agilis_regmap::reg;
use vfio_bindings::bindings::vfio::{
    VFIO_PCI_BAR0_REGION_INDEX, VFIO_PCI_CONFIG_REGION_INDEX, VFIO_PCI_MSI_IRQ_INDEX,
    VFIO_REGION_INFO_FLAG_MMAP,
};
use vfio_ioctls::{VfioContainer, VfioDevice, VfioError};

use crate::bar::BarMap;
use crate::discovery::{DiscoveryError, ReadyCard, Sysfs, node_error};
use crate::dma::{DmaRegion, page_size};
use crate::iova::{CARD_WINDOW, IovaAllocator};
use crate::irq::MsiEvent;

/// PCI COMMAND register: its offset in configuration space and the bits
/// the card needs (memory space, bus master).
const PCI_COMMAND: u64 = 0x04;
const PCI_COMMAND_MEMORY: u16 = 1 << 1;
const PCI_COMMAND_MASTER: u16 = 1 << 2;

/// Sleep between two STATUS reads when the card has no usable MSI.
const POLL_INTERVAL: Duration = Duration::from_micros(20);

/// Why the card could not be opened.
#[derive(Debug)]
#[non_exhaustive]
pub enum OpenError {
    /// Discovery found no usable card; the error says what to do.
    Discovery(DiscoveryError),
    /// A VFIO ioctl failed.
    Vfio {
        /// what was being done
        step: &'static str,
        /// what vfio-ioctls reported
        source: VfioError,
    },
    /// The card does not look like an agilis card through VFIO.
    Card {
        /// what is wrong
        detail: String,
    },
    /// A system call around VFIO failed.
    Io {
        /// what was being done
        step: &'static str,
        /// what the OS said
        source: io::Error,
    },
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Discovery(e) => e.fmt(f),
            OpenError::Vfio { step, source } => write!(f, "VFIO: {step}: {source}"),
            OpenError::Card { detail } => write!(f, "the card through VFIO: {detail}"),
            OpenError::Io { step, source } => write!(f, "{step}: {source}"),
        }
    }
}

impl std::error::Error for OpenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OpenError::Discovery(e) => Some(e),
            OpenError::Vfio { source, .. } => Some(source),
            OpenError::Io { source, .. } => Some(source),
            OpenError::Card { .. } => None,
        }
    }
}

impl From<DiscoveryError> for OpenError {
    fn from(e: DiscoveryError) -> OpenError {
        OpenError::Discovery(e)
    }
}

/// How the bus learns of the card's interrupt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterruptMode {
    /// MSI delivered to an eventfd.
    Msi,
    /// No usable MSI (none offered, or enabling failed): STATUS.IRQ is read
    /// every [`POLL_INTERVAL`] (20 µs) while waiting.
    Polling,
}

/// One live DMA buffer: its memory and where it is mapped.
#[derive(Debug)]
struct Mapping {
    region: DmaRegion,
    /// mapped length (whole pages)
    len: u64,
}

/// The real card: BAR0 mmap'd through VFIO, DMA buffers mapped in the
/// IOMMU at IOVAs below 4 GiB, MSI on an eventfd.
pub struct VfioBus {
    // Field order is drop order: the BAR mapping and the interrupt go
    // before the device, the device before its container.
    bar: BarMap,
    msi: Option<MsiEvent>,
    mappings: HashMap<u64, Mapping>,
    device: VfioDevice,
    container: Arc<VfioContainer>,
    iova: IovaAllocator,
    card: ReadyCard,
    start: Instant,
}

impl fmt::Debug for VfioBus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VfioBus")
            .field("card", &self.card.location.function.address)
            .field("bar0_len", &self.bar.len())
            .field("interrupts", &self.interrupt_mode())
            .field("dma_buffers", &self.mappings.len())
            .finish()
    }
}

impl VfioBus {
    /// Opens the first usable agilis card of the running system (or the one
    /// at `address`, e.g. `0000:03:00.0`).
    pub fn open(address: Option<&str>) -> Result<VfioBus, OpenError> {
        VfioBus::open_in(&Sysfs::default(), address)
    }

    /// As [`open`](Self::open), discovering through `sysfs`. VFIO itself
    /// always opens the kernel's `/dev/vfio` nodes, so a root other than `/`
    /// only serves to test discovery.
    pub fn open_in(sysfs: &Sysfs, address: Option<&str>) -> Result<VfioBus, OpenError> {
        let card = sysfs.find_ready(address)?;
        VfioBus::open_ready(card)
    }

    /// Opens a card that discovery found ready.
    pub fn open_ready(card: ReadyCard) -> Result<VfioBus, OpenError> {
        let container = Arc::new(
            VfioContainer::new(None).map_err(|e| vfio_open_error("open the container", e))?,
        );
        let device = VfioDevice::new(&card.location.sysfs_path, container.clone(), false)
            .map_err(|e| vfio_open_error("open the card's group and device", e))?;
        let bar = map_bar0(&device)?;
        enable_bus_master(&device)?;
        let msi = enable_msi(&device);
        let mut bus = VfioBus {
            bar,
            msi,
            mappings: HashMap::new(),
            device,
            container,
            iova: IovaAllocator::new(CARD_WINDOW, page_size()),
            card,
            start: Instant::now(),
        };
        let id = bus.read32(reg::ID).map_err(|e| OpenError::Card {
            detail: e.to_string(),
        })?;
        if id != agilis_regmap::ID_MAGIC {
            return Err(OpenError::Card {
                detail: format!(
                    "ID register reads {id:#010x}, not {:#010x} (\"AGLS\"): the FPGA holds another bitstream",
                    agilis_regmap::ID_MAGIC
                ),
            });
        }
        Ok(bus)
    }

    /// The card this bus drives.
    pub fn card(&self) -> &ReadyCard {
        &self.card
    }

    /// Whether interrupts arrive by MSI or by polling.
    pub fn interrupt_mode(&self) -> InterruptMode {
        match self.msi {
            Some(_) => InterruptMode::Msi,
            None => InterruptMode::Polling,
        }
    }

    fn mapping(&self, buffer: &DmaBuffer, offset: usize, len: usize) -> Result<&Mapping, BusError> {
        buffer.check_range(offset, len)?;
        let mapping = self
            .mappings
            .get(&buffer.bus_addr())
            .ok_or_else(|| BusError::Dma {
                detail: format!("buffer at IOVA {:#x} is not allocated", buffer.bus_addr()),
            })?;
        if buffer.len() > mapping.region.len() {
            return Err(BusError::Dma {
                detail: format!(
                    "buffer at IOVA {:#x} is larger than its mapping",
                    buffer.bus_addr()
                ),
            });
        }
        Ok(mapping)
    }

    /// Unmaps, wipes and releases one buffer. On an unmap failure the card
    /// may still reach the memory, so it is kept (leaked) rather than reused.
    fn release(&mut self, iova: u64) -> Result<(), BusError> {
        let Some(mapping) = self.mappings.remove(&iova) else {
            return Err(BusError::Dma {
                detail: format!("double free of the buffer at IOVA {iova:#x}"),
            });
        };
        let len = usize::try_from(mapping.len).unwrap_or(usize::MAX);
        if let Err(e) = self.container.vfio_dma_unmap(iova, len) {
            std::mem::forget(mapping.region);
            return Err(BusError::Dma {
                detail: format!(
                    "VFIO_IOMMU_UNMAP_DMA of IOVA {iova:#x} failed ({e}); its memory is kept out of use"
                ),
            });
        }
        mapping.region.zero();
        drop(mapping);
        self.iova.free(iova).map_err(|e| BusError::Dma {
            detail: e.to_string(),
        })
    }

    fn status_irq(&mut self) -> Result<bool, BusError> {
        Ok(self.read32(reg::STATUS)? & reg::status::IRQ != 0)
    }
}

impl Drop for VfioBus {
    fn drop(&mut self) {
        if self.msi.is_some() {
            let _ = self.device.disable_msi();
        }
        let live: Vec<u64> = self.mappings.keys().copied().collect();
        for iova in live {
            let _ = self.release(iova);
        }
    }
}

/// Maps a vfio-ioctls open failure to the discovery error a person can act
/// on where there is one (the kernel's nodes are opened by path there).
fn vfio_open_error(step: &'static str, e: VfioError) -> OpenError {
    match e {
        VfioError::OpenContainer(io) => node_error("/dev/vfio/vfio".as_ref(), io).into(),
        VfioError::OpenGroup(io, group) => {
            node_error(format!("/dev/vfio/{group}").as_ref(), io).into()
        }
        other => OpenError::Vfio {
            step,
            source: other,
        },
    }
}

fn map_bar0(device: &VfioDevice) -> Result<BarMap, OpenError> {
    let index = VFIO_PCI_BAR0_REGION_INDEX;
    let size = device.get_region_size(index);
    if size == 0 {
        return Err(OpenError::Card {
            detail:
                "BAR0 is absent: the FPGA holds another bitstream, or the PCIe link did not train"
                    .into(),
        });
    }
    if device.get_region_flags(index) & VFIO_REGION_INFO_FLAG_MMAP == 0 {
        return Err(OpenError::Card {
            detail: "the kernel does not let BAR0 be mmap'd (it is smaller than a page?)".into(),
        });
    }
    let len = usize::try_from(size).map_err(|_| OpenError::Card {
        detail: format!("BAR0 of {size} bytes does not fit the address space"),
    })?;
    BarMap::map(device, device.get_region_offset(index), len).map_err(|source| OpenError::Io {
        step: "mmap BAR0",
        source,
    })
}

/// vfio-pci enables memory decoding but leaves bus mastering (DMA) to the
/// user: set both, and read back to be sure the write took.
fn enable_bus_master(device: &VfioDevice) -> Result<(), OpenError> {
    let config = VFIO_PCI_CONFIG_REGION_INDEX;
    let mut word = [0u8; 2];
    device.region_read(config, &mut word, PCI_COMMAND);
    let command = u16::from_le_bytes(word) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
    device.region_write(config, &command.to_le_bytes(), PCI_COMMAND);
    device.region_read(config, &mut word, PCI_COMMAND);
    let wanted = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
    if u16::from_le_bytes(word) & wanted != wanted {
        return Err(OpenError::Card {
            detail: format!(
                "PCI COMMAND reads {:#06x} after enabling memory and bus master",
                u16::from_le_bytes(word)
            ),
        });
    }
    Ok(())
}

/// Ties the card's one MSI vector to an eventfd; `None` (polling) when the
/// card offers no MSI or the kernel refuses it.
fn enable_msi(device: &VfioDevice) -> Option<MsiEvent> {
    let offered = device.get_irq_info(VFIO_PCI_MSI_IRQ_INDEX)?.count;
    if offered == 0 {
        return None;
    }
    let event = MsiEvent::new().ok()?;
    device.enable_msi(vec![event.eventfd()]).ok()?;
    Some(event)
}

fn register_error(offset: u32, detail: impl fmt::Display) -> BusError {
    BusError::Register {
        offset,
        detail: detail.to_string(),
    }
}

impl Bus for VfioBus {
    const NAME: &'static str = "vfio";

    fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
        let value = self
            .bar
            .read32(offset)
            .map_err(|e| register_error(offset, e))?;
        // Later reads of DMA memory must not pass this register read
        // (a completion seen here means the card's writes are visible).
        fence(Ordering::SeqCst);
        // A device that left the bus answers all ones; ID never reads so.
        if value == u32::MAX
            && self
                .bar
                .read32(reg::ID)
                .map_err(|e| register_error(offset, e))?
                == u32::MAX
        {
            return Err(register_error(
                offset,
                "the card reads all ones: it left the bus (link down, PERST#, removal); rescan PCIe",
            ));
        }
        Ok(value)
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        // DMA memory written before (descriptors, payloads) must be visible
        // to the card before a doorbell register write.
        fence(Ordering::SeqCst);
        self.bar
            .write32(offset, value)
            .map_err(|e| register_error(offset, e))
    }

    fn alloc_dma(&mut self, len: usize) -> Result<DmaBuffer, BusError> {
        let len = len.max(1);
        let (iova, mapped) = self.iova.alloc(len as u64).map_err(|e| BusError::Dma {
            detail: e.to_string(),
        })?;
        let mapped_len = usize::try_from(mapped).map_err(|_| BusError::Dma {
            detail: format!("{mapped} bytes do not fit the address space"),
        });
        let region = mapped_len.and_then(|n| {
            DmaRegion::new(n).map_err(|e| BusError::Dma {
                detail: format!("allocating {n} bytes of DMA memory: {e}"),
            })
        });
        let region = match region {
            Ok(region) => region,
            Err(e) => {
                let _ = self.iova.free(iova);
                return Err(e);
            }
        };
        // SAFETY: the region is a fresh mapping that this bus owns and only
        // touches through volatile copies (`DmaRegion::read`/`write`/`zero`);
        // no Rust reference to it exists. It stays mapped until `release`
        // unmaps the IOVA, and is leaked if that unmap fails.
        let mapped_ok = unsafe {
            self.container
                .vfio_dma_map(iova, region.len(), region.as_mut_ptr())
        };
        if let Err(e) = mapped_ok {
            let _ = self.iova.free(iova);
            return Err(BusError::Dma {
                detail: format!(
                    "VFIO_IOMMU_MAP_DMA of {} bytes at IOVA {iova:#x} failed ({e}); if the \
                     locked-memory limit is low, raise it (`ulimit -l`)",
                    region.len()
                ),
            });
        }
        self.mappings.insert(
            iova,
            Mapping {
                region,
                len: mapped,
            },
        );
        Ok(DmaBuffer::new(iova, len, iova))
    }

    fn free_dma(&mut self, buffer: DmaBuffer) -> Result<(), BusError> {
        self.release(buffer.bus_addr())
    }

    fn dma_write(
        &mut self,
        buffer: &DmaBuffer,
        offset: usize,
        bytes: &[u8],
    ) -> Result<(), BusError> {
        let mapping = self.mapping(buffer, offset, bytes.len())?;
        mapping
            .region
            .write(offset, bytes)
            .map_err(|e| BusError::Dma {
                detail: e.to_string(),
            })
    }

    fn dma_read(
        &mut self,
        buffer: &DmaBuffer,
        offset: usize,
        out: &mut [u8],
    ) -> Result<(), BusError> {
        let mapping = self.mapping(buffer, offset, out.len())?;
        mapping.region.read(offset, out).map_err(|e| BusError::Dma {
            detail: e.to_string(),
        })
    }

    fn now(&self) -> Duration {
        self.start.elapsed()
    }

    fn wait_interrupt(&mut self, max: Duration) -> Result<bool, BusError> {
        // The MSI fires on the line's rising edge only: a line already high
        // sends none, so look first.
        if self.status_irq()? {
            return Ok(true);
        }
        if let Some(msi) = &self.msi {
            return msi.wait(max).map_err(|e| BusError::Wait {
                detail: e.to_string(),
            });
        }
        let deadline = Instant::now() + max;
        loop {
            let now = Instant::now();
            if now >= deadline {
                return Ok(false);
            }
            std::thread::sleep(POLL_INTERVAL.min(deadline - now));
            if self.status_irq()? {
                return Ok(true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compile-time check: the driver's `Card` needs a `Send` bus.
    #[test]
    fn the_bus_is_send() {
        fn assert_send<T: Send>() {}
        assert_send::<VfioBus>();
    }

    #[test]
    fn without_a_card_opening_reports_discovery_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let err = VfioBus::open_in(&Sysfs::new(dir.path()), None).unwrap_err();
        assert!(
            matches!(err, OpenError::Discovery(DiscoveryError::NoCard { .. })),
            "{err:?}"
        );
        assert!(err.to_string().contains("no agilis card"), "{err}");
    }

    #[test]
    fn vfio_node_failures_become_discovery_errors() {
        let denied = io::Error::from_raw_os_error(libc::EACCES);
        let err = vfio_open_error(
            "open the card's group and device",
            VfioError::OpenGroup(denied, "7".into()),
        );
        match err {
            OpenError::Discovery(DiscoveryError::PermissionDenied { path }) => {
                assert_eq!(path, std::path::Path::new("/dev/vfio/7"))
            }
            other => panic!("expected PermissionDenied, got {other:?}"),
        }
        let missing = io::Error::from_raw_os_error(libc::ENOENT);
        let err = vfio_open_error("open the container", VfioError::OpenContainer(missing));
        assert!(
            matches!(
                err,
                OpenError::Discovery(DiscoveryError::NodeMissing { .. })
            ),
            "{err:?}"
        );
        let err = vfio_open_error("open the card's group and device", VfioError::GroupViable);
        assert!(
            err.to_string().contains("open the card's group and device"),
            "{err}"
        );
    }
}

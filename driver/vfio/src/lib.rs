//! The real agilis card's bus: Linux VFIO under `agilis_driver::card::Bus`.
//!
//! `agilis-driver` holds the one card driver (`Card`, `CardEngine`) over a
//! `Bus` trait and forbids `unsafe`; the simulated card's bus lives in
//! `agilis-verilator` (`sim_bus`). This crate is the other bus, the only
//! place with the `unsafe` that mapped device memory needs, each block small
//! and justified:
//!
//! - [`discovery`]: finds cards (PCI `10ee:7024`, as `hdl/board/build.tcl`
//!   sets them) in sysfs, and says exactly what keeps one from VFIO: no
//!   card, wrong driver, IOMMU off, a shared IOMMU group, missing or
//!   forbidden `/dev/vfio` nodes. Its root is configurable, so it is tested
//!   on fake sysfs trees.
//! - [`VfioBus`]: opens the card with rust-vmm's `vfio-ioctls` (without its
//!   KVM feature), mmaps BAR0 for volatile 32-bit register accesses, maps
//!   DMA buffers (page-aligned anonymous memory) with `VFIO_IOMMU_MAP_DMA`
//!   at IOVAs from [`iova::IovaAllocator`] below 4 GiB (the card's DMA
//!   window), wipes and unmaps them on free, and waits for the card's MSI
//!   on an eventfd (or polls STATUS.IRQ when no MSI is usable).
//!
//! - [`rescan`]: after a JTAG load, removes the card's PCI function,
//!   rescans the bus, waits for the card and binds it to vfio-pci again.
//! - [`jtag`]: loads a bitstream with openFPGALoader (deadline, progress,
//!   clear failures), and the table of [`BOARDS`] and their parts.
//!
//! Everything up to the ioctls is unit-tested on any machine; the ioctls
//! themselves need the card. Without one, [`VfioBus::open`] returns the
//! discovery error and touches nothing.
//!
//! # Handing the card to VFIO (lab)
//!
//! After the card is loaded and enumerated (`docs/lab-card.md`, "Finding the
//! card on the host"):
//!
//! 1. The IOMMU must be on: VT-d / AMD-Vi enabled in the firmware, and
//!    `intel_iommu=on` (Intel) or `amd_iommu=on` (AMD) on the kernel command
//!    line. `ls /sys/kernel/iommu_groups` must list groups.
//! 2. Bind the card (its address from `lspci -D -d 10ee:7024`) to vfio-pci:
//!    ```sh
//!    BDF=0000:03:00.0
//!    sudo modprobe vfio-pci
//!    echo vfio-pci | sudo tee /sys/bus/pci/devices/$BDF/driver_override
//!    # only if `lspci -k -s $BDF` shows a driver in use:
//!    echo $BDF | sudo tee /sys/bus/pci/devices/$BDF/driver/unbind
//!    echo $BDF | sudo tee /sys/bus/pci/drivers_probe
//!    ```
//!    Every other device in the card's group
//!    (`ls /sys/bus/pci/devices/$BDF/iommu_group/devices`) must be bound to
//!    vfio-pci too, or unbound (bridges on `pcieport` are fine).
//! 3. `/dev/vfio/<group>` is root's by default: run as root, or add a udev
//!    rule (`SUBSYSTEM=="vfio", GROUP="vfio", MODE="0660"`) and join group
//!    `vfio`. DMA mappings are locked memory: raise `ulimit -l` for a
//!    non-root user.
//!
//! The sysfs read-back of BAR0 in `docs/lab-card.md` ("Checking the card")
//! uses `resource0`: run it before binding, since vfio-pci may put an idle
//! card into D3, where BAR0 reads all ones until a process opens it.

#![deny(missing_docs)]

mod bar;
mod bus;
pub mod discovery;
mod dma;
pub mod iova;
mod irq;
pub mod jtag;
pub mod rescan;

pub use bus::{InterruptMode, OpenError, VfioBus};
pub use discovery::{CardLocation, DiscoveryError, PciFunction, ReadyCard, Sysfs};
pub use jtag::{BOARDS, Board, JtagError, JtagLoad};
pub use rescan::RescanError;

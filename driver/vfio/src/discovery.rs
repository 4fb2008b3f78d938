//! Finding agilis cards through sysfs, and saying exactly what stands
//! between a card and VFIO.
//!
//! Everything is read below a configurable root (`/` on a real host), so the
//! tests run against fake trees: `sys/bus/pci/devices/<address>/{vendor,
//! device, driver, iommu_group}`, `sys/kernel/iommu_groups/<g>/devices/` and
//! `dev/vfio/{vfio, <g>}`.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// PCI vendor ID of the card (Xilinx), as `hdl/board/build.tcl` sets it.
pub const AGILIS_VENDOR_ID: u16 = 0x10ee;
/// PCI device ID of the agilis LiteFury build (`hdl/board/build.tcl`).
pub const AGILIS_DEVICE_ID: u16 = 0x7024;
/// The driver a card must be bound to.
pub const VFIO_DRIVER: &str = "vfio-pci";

/// Drivers that leave an IOMMU group usable by VFIO besides [`VFIO_DRIVER`]:
/// the kernel lets `pci-stub` and PCIe port drivers (bridges) share a group
/// with a VFIO device (vfio.rst, "viable" groups).
const GROUP_FRIENDLY_DRIVERS: [&str; 3] = [VFIO_DRIVER, "pci-stub", "pcieport"];

/// A PCI function in sysfs and the driver bound to it, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PciFunction {
    /// Domain:bus:device.function, e.g. `0000:03:00.0`.
    pub address: String,
    /// Name of the bound driver (`driver` symlink), `None` when unbound.
    pub driver: Option<String>,
}

/// An agilis card as sysfs shows it, whatever its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardLocation {
    /// The card's PCI function and driver.
    pub function: PciFunction,
    /// `sys/bus/pci/devices/<address>` below the discovery root.
    pub sysfs_path: PathBuf,
    /// Its IOMMU group number (`iommu_group` symlink), `None` without one.
    pub iommu_group: Option<u32>,
}

/// A card that VFIO can open: bound to vfio-pci, in a viable IOMMU group,
/// with the group's and the container's device nodes openable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadyCard {
    /// Where the card is.
    pub location: CardLocation,
    /// Its IOMMU group.
    pub group: u32,
    /// `dev/vfio/<group>` below the discovery root.
    pub group_node: PathBuf,
}

/// What stands between the host and a usable card. Every message says what
/// to do about it.
#[derive(Debug)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// No PCI function with the agilis IDs.
    NoCard {
        /// the directory that was searched
        devices_dir: PathBuf,
    },
    /// A card was asked for by address, and that address is not an agilis card.
    NoSuchCard {
        /// the address asked for
        address: String,
        /// the agilis cards that exist
        found: Vec<String>,
    },
    /// The card is bound to another driver, or to none.
    WrongDriver {
        /// the card's address
        address: String,
        /// the driver it is bound to (`None`: unbound)
        driver: Option<String>,
    },
    /// The kernel has no IOMMU groups at all: the IOMMU is off.
    IommuOff {
        /// the empty or missing `sys/kernel/iommu_groups`
        groups_dir: PathBuf,
    },
    /// The IOMMU is on but the card has no group.
    NoIommuGroup {
        /// the card's address
        address: String,
    },
    /// Other devices of the card's group are bound to drivers that keep the
    /// group from VFIO.
    GroupNotViable {
        /// the card's address
        address: String,
        /// its group
        group: u32,
        /// the devices in the way and their drivers
        blockers: Vec<PciFunction>,
    },
    /// A VFIO device node does not exist.
    NodeMissing {
        /// `/dev/vfio/vfio` or `/dev/vfio/<group>`
        path: PathBuf,
    },
    /// A VFIO device node exists but this user may not open it.
    PermissionDenied {
        /// `/dev/vfio/vfio` or `/dev/vfio/<group>`
        path: PathBuf,
    },
    /// A VFIO group node is already open elsewhere (one user at a time).
    Busy {
        /// `/dev/vfio/<group>`
        path: PathBuf,
    },
    /// A sysfs file or device node could not be read for another reason.
    Unreadable {
        /// the file
        path: PathBuf,
        /// what the OS said
        source: io::Error,
    },
}

impl fmt::Display for DiscoveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiscoveryError::NoCard { devices_dir } => write!(
                f,
                "no agilis card (PCI {AGILIS_VENDOR_ID:04x}:{AGILIS_DEVICE_ID:04x}) in {}: load the \
                 bitstream, then rescan PCIe (`echo 1 | sudo tee /sys/bus/pci/rescan`) or reboot warm; \
                 `lspci -d {AGILIS_VENDOR_ID:04x}:{AGILIS_DEVICE_ID:04x}` must list it (docs/lab-card.md)",
                devices_dir.display()
            ),
            DiscoveryError::NoSuchCard { address, found } => {
                write!(f, "{address} is not an agilis card; ")?;
                if found.is_empty() {
                    write!(f, "no agilis card is present")
                } else {
                    write!(f, "agilis cards present: {}", found.join(", "))
                }
            }
            DiscoveryError::WrongDriver { address, driver } => {
                match driver {
                    Some(d) => write!(
                        f,
                        "card {address} is bound to driver `{d}`, not {VFIO_DRIVER}"
                    )?,
                    None => write!(f, "card {address} is bound to no driver, not {VFIO_DRIVER}")?,
                }
                write!(
                    f,
                    "; hand it to {VFIO_DRIVER} with:\n{}",
                    bind_commands(address, driver.is_some())
                )
            }
            DiscoveryError::IommuOff { groups_dir } => write!(
                f,
                "the IOMMU is off ({} is empty or missing), and VFIO needs it: enable VT-d (Intel) \
                 or AMD-Vi/IOMMU (AMD) in the firmware setup, add `intel_iommu=on` (Intel) or \
                 `amd_iommu=on` (AMD) to the kernel command line, and reboot",
                groups_dir.display()
            ),
            DiscoveryError::NoIommuGroup { address } => write!(
                f,
                "card {address} has no IOMMU group although the IOMMU is on: the root port it \
                 sits behind is not translated; move it to another slot, or check \
                 `dmesg | grep -i -e DMAR -e IOMMU`"
            ),
            DiscoveryError::GroupNotViable {
                address,
                group,
                blockers,
            } => {
                let list: Vec<String> = blockers
                    .iter()
                    .map(|b| match &b.driver {
                        Some(d) => format!("{} (driver `{d}`)", b.address),
                        None => b.address.clone(),
                    })
                    .collect();
                write!(
                    f,
                    "IOMMU group {group} of card {address} is not viable: {} also in it; VFIO needs \
                     every device of the group bound to {VFIO_DRIVER} (or pci-stub, or unbound). Bind \
                     them to {VFIO_DRIVER} as well (driver_override + drivers_probe, as for the card), \
                     or move the card to a slot with a group of its own",
                    list.join(", ")
                )
            }
            DiscoveryError::NodeMissing { path } => write!(
                f,
                "{} does not exist: load the VFIO modules (`sudo modprobe vfio-pci`) and bind the \
                 card to {VFIO_DRIVER}",
                path.display()
            ),
            DiscoveryError::PermissionDenied { path } => write!(
                f,
                "permission denied opening {}: run as root, or give your user the VFIO nodes with a \
                 udev rule such as `SUBSYSTEM==\"vfio\", GROUP=\"vfio\", MODE=\"0660\"` in \
                 /etc/udev/rules.d/99-vfio.rules, `sudo udevadm trigger`, and membership of group \
                 vfio (`sudo usermod -aG vfio $USER`, then log in again); DMA also needs a \
                 locked-memory limit (`ulimit -l`) above the buffers' size",
                path.display()
            ),
            DiscoveryError::Busy { path } => write!(
                f,
                "{} is busy: another process (another agilis, a VM) holds the card; stop it \
                 (`sudo fuser -v {}` names it)",
                path.display(),
                path.display()
            ),
            DiscoveryError::Unreadable { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for DiscoveryError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DiscoveryError::Unreadable { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The shell commands that hand the PCI function `address` to vfio-pci.
pub fn bind_commands(address: &str, unbind_first: bool) -> String {
    let dev = format!("/sys/bus/pci/devices/{address}");
    let mut cmds = String::from("  sudo modprobe vfio-pci\n");
    cmds += &format!("  echo {VFIO_DRIVER} | sudo tee {dev}/driver_override\n");
    if unbind_first {
        cmds += &format!("  echo {address} | sudo tee {dev}/driver/unbind\n");
    }
    cmds += &format!("  echo {address} | sudo tee /sys/bus/pci/drivers_probe");
    cmds
}

/// The sysfs and /dev view below one root directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sysfs {
    root: PathBuf,
}

impl Default for Sysfs {
    fn default() -> Sysfs {
        Sysfs::new("/")
    }
}

impl Sysfs {
    /// The view below `root` (`/` for the running system).
    pub fn new(root: impl Into<PathBuf>) -> Sysfs {
        Sysfs { root: root.into() }
    }

    /// `sys/bus/pci/devices` below the root.
    pub fn devices_dir(&self) -> PathBuf {
        self.root.join("sys/bus/pci/devices")
    }

    fn groups_dir(&self) -> PathBuf {
        self.root.join("sys/kernel/iommu_groups")
    }

    /// `dev/vfio/vfio` below the root: the VFIO container node.
    pub fn container_node(&self) -> PathBuf {
        self.root.join("dev/vfio/vfio")
    }

    /// `dev/vfio/<group>` below the root.
    pub fn group_node(&self, group: u32) -> PathBuf {
        self.root.join("dev/vfio").join(group.to_string())
    }

    /// Every agilis card, in address order, whatever its state.
    pub fn cards(&self) -> Result<Vec<CardLocation>, DiscoveryError> {
        let entries = match dir_entries(&self.devices_dir()) {
            Ok(entries) => entries,
            // No PCI bus at all (a container, a fake tree): no card either.
            Err(DiscoveryError::Unreadable { source, .. })
                if source.kind() == io::ErrorKind::NotFound =>
            {
                return Ok(Vec::new());
            }
            Err(e) => return Err(e),
        };
        let mut cards = Vec::new();
        for (address, path) in entries {
            if read_id(&path.join("vendor"))? != AGILIS_VENDOR_ID
                || read_id(&path.join("device"))? != AGILIS_DEVICE_ID
            {
                continue;
            }
            cards.push(CardLocation {
                function: PciFunction {
                    address,
                    driver: link_name(&path.join("driver"))?,
                },
                iommu_group: self.iommu_group(&path)?,
                sysfs_path: path,
            });
        }
        Ok(cards)
    }

    fn iommu_group(&self, device: &Path) -> Result<Option<u32>, DiscoveryError> {
        let link = device.join("iommu_group");
        match link_name(&link)? {
            None => Ok(None),
            Some(name) => name
                .parse()
                .map(Some)
                .map_err(|_| DiscoveryError::Unreadable {
                    path: link,
                    source: io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("IOMMU group `{name}` is not a number"),
                    ),
                }),
        }
    }

    /// Checks everything VFIO needs of `card`, in the order a person would
    /// fix it: driver, IOMMU, group viability, device nodes.
    pub fn check(&self, card: &CardLocation) -> Result<ReadyCard, DiscoveryError> {
        let address = &card.function.address;
        if card.function.driver.as_deref() != Some(VFIO_DRIVER) {
            return Err(DiscoveryError::WrongDriver {
                address: address.clone(),
                driver: card.function.driver.clone(),
            });
        }
        let Some(group) = card.iommu_group else {
            return Err(if self.iommu_is_off()? {
                DiscoveryError::IommuOff {
                    groups_dir: self.groups_dir(),
                }
            } else {
                DiscoveryError::NoIommuGroup {
                    address: address.clone(),
                }
            });
        };
        let blockers: Vec<PciFunction> = self
            .group_members(group)?
            .into_iter()
            .filter(|m| {
                m.driver
                    .as_deref()
                    .is_some_and(|d| !GROUP_FRIENDLY_DRIVERS.contains(&d))
            })
            .collect();
        if !blockers.is_empty() {
            return Err(DiscoveryError::GroupNotViable {
                address: address.clone(),
                group,
                blockers,
            });
        }
        check_node(&self.container_node())?;
        let group_node = self.group_node(group);
        check_node(&group_node)?;
        Ok(ReadyCard {
            location: card.clone(),
            group,
            group_node,
        })
    }

    /// True when the kernel shows no IOMMU group at all.
    fn iommu_is_off(&self) -> Result<bool, DiscoveryError> {
        let dir = self.groups_dir();
        match fs::read_dir(&dir) {
            Ok(mut entries) => Ok(entries.next().is_none()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
            Err(source) => Err(DiscoveryError::Unreadable { path: dir, source }),
        }
    }

    /// The PCI functions of IOMMU group `group`, in address order.
    pub fn group_members(&self, group: u32) -> Result<Vec<PciFunction>, DiscoveryError> {
        let dir = self.groups_dir().join(group.to_string()).join("devices");
        dir_entries(&dir)?
            .into_iter()
            .map(|(address, path)| {
                Ok(PciFunction {
                    driver: link_name(&path.join("driver"))?,
                    address,
                })
            })
            .collect()
    }

    /// The first agilis card VFIO can open, or the card at `address`.
    ///
    /// Without an address, a host with several cards gets the first ready
    /// one; when none is ready, the first card's problem is reported.
    pub fn find_ready(&self, address: Option<&str>) -> Result<ReadyCard, DiscoveryError> {
        let cards = self.cards()?;
        if let Some(address) = address {
            let card = cards
                .iter()
                .find(|c| c.function.address == address)
                .ok_or_else(|| DiscoveryError::NoSuchCard {
                    address: address.to_owned(),
                    found: cards.iter().map(|c| c.function.address.clone()).collect(),
                })?;
            return self.check(card);
        }
        let mut first_problem = None;
        for card in &cards {
            match self.check(card) {
                Ok(ready) => return Ok(ready),
                Err(e) => {
                    first_problem.get_or_insert(e);
                }
            }
        }
        Err(first_problem.unwrap_or(DiscoveryError::NoCard {
            devices_dir: self.devices_dir(),
        }))
    }
}

/// The names and paths in directory `dir`, in name order.
fn dir_entries(dir: &Path) -> Result<Vec<(String, PathBuf)>, DiscoveryError> {
    let unreadable = |source| DiscoveryError::Unreadable {
        path: dir.to_owned(),
        source,
    };
    let mut entries = fs::read_dir(dir)
        .map_err(unreadable)?
        .map(|entry| {
            let entry = entry.map_err(unreadable)?;
            Ok((
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
            ))
        })
        .collect::<Result<Vec<_>, DiscoveryError>>()?;
    entries.sort();
    Ok(entries)
}

/// Reads a sysfs ID file such as `vendor` (`0x10ee\n`).
fn read_id(path: &Path) -> Result<u16, DiscoveryError> {
    let text = fs::read_to_string(path).map_err(|source| DiscoveryError::Unreadable {
        path: path.to_owned(),
        source,
    })?;
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix("0x").unwrap_or(trimmed);
    u16::from_str_radix(digits, 16).map_err(|_| DiscoveryError::Unreadable {
        path: path.to_owned(),
        source: io::Error::new(
            io::ErrorKind::InvalidData,
            format!("`{trimmed}` is not a 16-bit hex ID"),
        ),
    })
}

/// The last component of symlink `link`'s target, `None` if there is no link.
fn link_name(link: &Path) -> Result<Option<String>, DiscoveryError> {
    match fs::read_link(link) {
        Ok(target) => Ok(target.file_name().map(|n| n.to_string_lossy().into_owned())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(DiscoveryError::Unreadable {
            path: link.to_owned(),
            source,
        }),
    }
}

/// Opens a VFIO device node read-write the way VFIO will, and drops it.
fn check_node(path: &Path) -> Result<(), DiscoveryError> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map(drop)
        .map_err(|e| node_error(path, e))
}

/// The typed error of a failed open of a VFIO device node.
pub(crate) fn node_error(path: &Path, e: io::Error) -> DiscoveryError {
    let path = path.to_owned();
    match e.kind() {
        io::ErrorKind::NotFound => DiscoveryError::NodeMissing { path },
        io::ErrorKind::PermissionDenied => DiscoveryError::PermissionDenied { path },
        io::ErrorKind::ResourceBusy => DiscoveryError::Busy { path },
        _ => DiscoveryError::Unreadable { path, source: e },
    }
}

#[cfg(test)]
#[path = "discovery_tests.rs"]
pub(crate) mod tests;

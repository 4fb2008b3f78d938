//! After a JTAG load: make the host see the new card, and hand it to VFIO.
//!
//! The host enumerates PCIe at boot; a card configured later (or
//! reconfigured) is found by removing its old PCI function and rescanning
//! the bus (`sys/bus/pci/devices/<address>/remove`,
//! `sys/bus/pci/rescan`). A new function has no `driver_override`, so it
//! is bound to vfio-pci again the way docs/lab-card.md does by hand.
//! Everything goes through the [`Sysfs`] root, so it is tested on fake trees.

use std::fmt;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::discovery::{CardLocation, DiscoveryError, ReadyCard, Sysfs, VFIO_DRIVER};

/// How often the waits below look again.
const POLL: Duration = Duration::from_millis(50);

/// What went wrong removing, rescanning or binding.
#[derive(Debug)]
#[non_exhaustive]
pub enum RescanError {
    /// A sysfs control file could not be written.
    Write {
        /// the file
        path: PathBuf,
        /// what the OS said
        source: io::Error,
    },
    /// No device was named, and there are several cards.
    WhichCard {
        /// their addresses
        found: Vec<String>,
    },
    /// The card did not come back after the rescan.
    NotFound {
        /// the address waited for (None: any agilis card)
        address: Option<String>,
        /// how long
        waited: Duration,
    },
    /// Reading sysfs failed, or the card did not become usable by VFIO.
    Discovery(DiscoveryError),
}

impl fmt::Display for RescanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RescanError::Write { path, source }
                if source.kind() == io::ErrorKind::PermissionDenied =>
            {
                write!(
                    f,
                    "cannot write {}: permission denied (removing, rescanning and binding PCI devices needs root: run with sudo)",
                    path.display()
                )
            }
            RescanError::Write { path, source } if source.kind() == io::ErrorKind::NotFound => {
                write!(
                    f,
                    "cannot write {}: it does not exist (no PCI bus in this sysfs: a container, or a VM without the card passed through?)",
                    path.display()
                )
            }
            RescanError::Write { path, source } => {
                write!(f, "cannot write {}: {source}", path.display())
            }
            RescanError::WhichCard { found } => write!(
                f,
                "there are several agilis cards ({}): name one with --device",
                found.join(", ")
            ),
            RescanError::NotFound { address, waited } => {
                match address {
                    Some(a) => write!(f, "the card {a} did not reappear")?,
                    None => write!(f, "no agilis card (10ee:7024) appeared")?,
                }
                write!(
                    f,
                    " within {waited:.1?} of the PCI rescan: is the bitstream an agilis PCIe design for this board? \
Is the link up (LED0)? Some root ports only retrain after a warm reboot (docs/lab-card.md, \"Finding the card on the host\")"
                )
            }
            RescanError::Discovery(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RescanError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RescanError::Write { source, .. } => Some(source),
            RescanError::Discovery(e) => Some(e),
            _ => None,
        }
    }
}

impl From<DiscoveryError> for RescanError {
    fn from(e: DiscoveryError) -> Self {
        RescanError::Discovery(e)
    }
}

/// Writes `value` into an existing sysfs control file.
fn write_control(path: &Path, value: &str) -> Result<(), RescanError> {
    OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|mut f| f.write_all(value.as_bytes()))
        .map_err(|source| RescanError::Write {
            path: path.to_owned(),
            source,
        })
}

impl Sysfs {
    /// `sys/bus/pci/rescan` below the root.
    pub fn rescan_file(&self) -> PathBuf {
        self.devices_dir().with_file_name("rescan")
    }

    /// Removes the card's PCI function (`remove`), if there is one, and
    /// rescans the bus. Returns the address removed. Without `address`,
    /// the one agilis card is removed (several: [`RescanError::WhichCard`]).
    pub fn remove_and_rescan(&self, address: Option<&str>) -> Result<Option<String>, RescanError> {
        let cards = self.cards()?;
        let removed = match address {
            Some(a) => cards.iter().find(|c| c.function.address == a),
            None if cards.len() > 1 => {
                return Err(RescanError::WhichCard {
                    found: cards.iter().map(|c| c.function.address.clone()).collect(),
                });
            }
            None => cards.first(),
        };
        if let Some(card) = removed {
            write_control(&card.sysfs_path.join("remove"), "1")?;
        }
        write_control(&self.rescan_file(), "1")?;
        Ok(removed.map(|c| c.function.address.clone()))
    }

    /// Waits until the card at `address` (or, without one, the first agilis
    /// card) is in sysfs.
    pub fn wait_for_card(
        &self,
        address: Option<&str>,
        timeout: Duration,
    ) -> Result<CardLocation, RescanError> {
        let start = Instant::now();
        loop {
            // A function the kernel is still adding may not have all its
            // files yet: an unreadable tree counts only at the deadline.
            match self.cards() {
                Ok(cards) => {
                    let mut matching = cards
                        .into_iter()
                        .filter(|c| address.is_none_or(|a| c.function.address == a));
                    if let Some(card) = matching.next() {
                        return Ok(card);
                    }
                }
                Err(e) if start.elapsed() >= timeout => return Err(e.into()),
                Err(_) => {}
            }
            if start.elapsed() >= timeout {
                return Err(RescanError::NotFound {
                    address: address.map(str::to_owned),
                    waited: start.elapsed(),
                });
            }
            std::thread::sleep(POLL);
        }
    }

    /// Hands `card` to vfio-pci (`driver_override`, `unbind` from another
    /// driver, `drivers_probe`), unless it is bound to it already.
    pub fn bind_to_vfio(&self, card: &CardLocation) -> Result<(), RescanError> {
        if card.function.driver.as_deref() == Some(VFIO_DRIVER) {
            return Ok(());
        }
        let address = &card.function.address;
        write_control(&card.sysfs_path.join("driver_override"), VFIO_DRIVER)?;
        if card.function.driver.is_some() {
            write_control(&card.sysfs_path.join("driver/unbind"), address)?;
        }
        write_control(&self.devices_dir().with_file_name("drivers_probe"), address)
    }

    /// Waits until the card at `address` is ready for VFIO (bound, its
    /// group viable, its device nodes there: udev creates them a moment
    /// after the bind). After the deadline, the last reason it was not.
    pub fn wait_until_ready(
        &self,
        address: &str,
        timeout: Duration,
    ) -> Result<ReadyCard, RescanError> {
        let start = Instant::now();
        loop {
            match self.find_ready(Some(address)) {
                Ok(ready) => return Ok(ready),
                Err(e) if start.elapsed() >= timeout => return Err(e.into()),
                Err(_) => std::thread::sleep(POLL),
            }
        }
    }
}

#[cfg(test)]
#[path = "rescan_tests.rs"]
mod tests;

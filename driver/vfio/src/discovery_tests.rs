//! Discovery against fake sysfs trees laid out like the kernel's.

use super::*;
use std::os::unix::fs::symlink;

pub(crate) const CARD: &str = "0000:03:00.0";

/// A fake root: `sys/devices` holds the real directories, the bus and
/// group directories hold symlinks to them, as in sysfs.
pub(crate) struct FakeHost {
    dir: tempfile::TempDir,
}

impl FakeHost {
    pub(crate) fn new() -> FakeHost {
        let host = FakeHost {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        fs::create_dir_all(host.path("sys/bus/pci/devices")).unwrap();
        fs::create_dir_all(host.path("sys/bus/pci/drivers")).unwrap();
        fs::create_dir_all(host.path("sys/kernel/iommu_groups")).unwrap();
        fs::create_dir_all(host.path("dev/vfio")).unwrap();
        host
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub(crate) fn sysfs(&self) -> Sysfs {
        Sysfs::new(self.dir.path())
    }

    /// A PCI function with IDs, an optional driver and an optional group.
    pub(crate) fn device(&self, address: &str, ids: (u16, u16), driver: Option<&str>, group: Option<u32>) {
        let real = self.path(&format!("sys/devices/pci0000:00/{address}"));
        fs::create_dir_all(&real).unwrap();
        fs::write(real.join("vendor"), format!("{:#06x}\n", ids.0)).unwrap();
        fs::write(real.join("device"), format!("{:#06x}\n", ids.1)).unwrap();
        symlink(&real, self.path(&format!("sys/bus/pci/devices/{address}"))).unwrap();
        if let Some(driver) = driver {
            let drv = self.path(&format!("sys/bus/pci/drivers/{driver}"));
            fs::create_dir_all(&drv).unwrap();
            symlink(&drv, real.join("driver")).unwrap();
        }
        if let Some(group) = group {
            let g = self.path(&format!("sys/kernel/iommu_groups/{group}"));
            fs::create_dir_all(g.join("devices")).unwrap();
            symlink(&g, real.join("iommu_group")).unwrap();
            symlink(&real, g.join("devices").join(address)).unwrap();
        }
    }

    pub(crate) fn card(&self, driver: Option<&str>, group: Option<u32>) {
        self.device(CARD, (AGILIS_VENDOR_ID, AGILIS_DEVICE_ID), driver, group);
    }

    /// The container and group nodes, as plain files (they only get opened).
    pub(crate) fn nodes(&self, group: u32) {
        fs::write(self.path("dev/vfio/vfio"), b"").unwrap();
        fs::write(self.path(&format!("dev/vfio/{group}")), b"").unwrap();
    }
}

#[test]
fn ready_card_in_a_viable_group_is_found() {
    let host = FakeHost::new();
    host.device("0000:00:1f.0", (0x8086, 0x1234), Some("lpc_ich"), Some(1));
    host.card(Some("vfio-pci"), Some(7));
    // a PCIe bridge in the same group does not spoil it
    host.device("0000:00:01.0", (0x8086, 0x4321), Some("pcieport"), Some(7));
    host.nodes(7);

    let cards = host.sysfs().cards().unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].function.address, CARD);
    assert_eq!(cards[0].function.driver.as_deref(), Some("vfio-pci"));
    assert_eq!(cards[0].iommu_group, Some(7));

    let ready = host.sysfs().find_ready(None).unwrap();
    assert_eq!(ready.group, 7);
    assert_eq!(ready.group_node, host.path("dev/vfio/7"));
    assert_eq!(
        ready.location.sysfs_path,
        host.path(&format!("sys/bus/pci/devices/{CARD}"))
    );
    assert_eq!(host.sysfs().find_ready(Some(CARD)).unwrap(), ready);
}

#[test]
fn other_xilinx_devices_are_not_cards() {
    let host = FakeHost::new();
    host.device(
        "0000:04:00.0",
        (AGILIS_VENDOR_ID, 0x7011),
        Some("vfio-pci"),
        Some(3),
    );
    host.device(
        "0000:05:00.0",
        (0x1234, AGILIS_DEVICE_ID),
        Some("vfio-pci"),
        Some(4),
    );
    assert!(host.sysfs().cards().unwrap().is_empty());
}

#[test]
fn no_device_is_no_card() {
    let host = FakeHost::new();
    host.device("0000:00:1f.0", (0x8086, 0x1234), Some("lpc_ich"), Some(1));
    let err = host.sysfs().find_ready(None).unwrap_err();
    assert!(matches!(err, DiscoveryError::NoCard { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("10ee:7024") && msg.contains("rescan"), "{msg}");
}

#[test]
fn a_root_without_pci_bus_has_no_card() {
    let dir = tempfile::tempdir().unwrap();
    let err = Sysfs::new(dir.path()).find_ready(None).unwrap_err();
    assert!(matches!(err, DiscoveryError::NoCard { .. }), "{err:?}");
}

#[test]
fn asking_for_another_address_names_the_cards_present() {
    let host = FakeHost::new();
    host.card(Some("vfio-pci"), Some(7));
    host.nodes(7);
    let err = host.sysfs().find_ready(Some("0000:09:00.0")).unwrap_err();
    assert!(matches!(err, DiscoveryError::NoSuchCard { .. }), "{err:?}");
    assert!(err.to_string().contains(CARD), "{err}");
}

#[test]
fn card_bound_to_another_driver_gets_the_rebind_commands() {
    let host = FakeHost::new();
    host.card(Some("xdma"), Some(7));
    host.nodes(7);
    let err = host.sysfs().find_ready(None).unwrap_err();
    match &err {
        DiscoveryError::WrongDriver { address, driver } => {
            assert_eq!(address, CARD);
            assert_eq!(driver.as_deref(), Some("xdma"));
        }
        other => panic!("expected WrongDriver, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("`xdma`"), "{msg}");
    assert!(
        msg.contains(&format!(
            "echo vfio-pci | sudo tee /sys/bus/pci/devices/{CARD}/driver_override"
        )),
        "{msg}"
    );
    assert!(
        msg.contains(&format!("/sys/bus/pci/devices/{CARD}/driver/unbind")),
        "{msg}"
    );
    assert!(
        msg.contains(&format!(
            "echo {CARD} | sudo tee /sys/bus/pci/drivers_probe"
        )),
        "{msg}"
    );
}

#[test]
fn unbound_card_needs_no_unbind() {
    let host = FakeHost::new();
    host.card(None, Some(7));
    let err = host.sysfs().find_ready(None).unwrap_err();
    assert!(
        matches!(err, DiscoveryError::WrongDriver { driver: None, .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("driver_override") && msg.contains("drivers_probe"),
        "{msg}"
    );
    assert!(!msg.contains("unbind"), "{msg}");
}

#[test]
fn no_iommu_groups_means_iommu_off() {
    let host = FakeHost::new();
    host.card(Some("vfio-pci"), None);
    let err = host.sysfs().find_ready(None).unwrap_err();
    assert!(matches!(err, DiscoveryError::IommuOff { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("intel_iommu=on") && msg.contains("amd_iommu=on"),
        "{msg}"
    );

    // a kernel without the directory at all says the same
    fs::remove_dir(host.path("sys/kernel/iommu_groups")).unwrap();
    let err = host.sysfs().find_ready(None).unwrap_err();
    assert!(matches!(err, DiscoveryError::IommuOff { .. }), "{err:?}");
}

#[test]
fn groupless_card_with_iommu_on_is_told_apart() {
    let host = FakeHost::new();
    host.device("0000:00:1f.0", (0x8086, 0x1234), Some("lpc_ich"), Some(1));
    host.card(Some("vfio-pci"), None);
    let err = host.sysfs().find_ready(None).unwrap_err();
    assert!(
        matches!(err, DiscoveryError::NoIommuGroup { .. }),
        "{err:?}"
    );
}

#[test]
fn group_shared_with_a_bound_device_is_not_viable() {
    let host = FakeHost::new();
    host.card(Some("vfio-pci"), Some(7));
    host.device(
        "0000:03:00.1",
        (0x10de, 0x10f0),
        Some("snd_hda_intel"),
        Some(7),
    );
    host.device("0000:03:00.2", (0x10de, 0x10f1), None, Some(7));
    host.nodes(7);
    let err = host.sysfs().find_ready(None).unwrap_err();
    match &err {
        DiscoveryError::GroupNotViable {
            group, blockers, ..
        } => {
            assert_eq!(*group, 7);
            // the unbound function does not block, the bound one does
            assert_eq!(
                blockers,
                &vec![PciFunction {
                    address: "0000:03:00.1".into(),
                    driver: Some("snd_hda_intel".into()),
                }]
            );
        }
        other => panic!("expected GroupNotViable, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("0000:03:00.1 (driver `snd_hda_intel`)"),
        "{msg}"
    );
    assert!(!msg.contains("0000:03:00.2"), "{msg}");
}

#[test]
fn missing_vfio_nodes_are_named() {
    let host = FakeHost::new();
    host.card(Some("vfio-pci"), Some(7));
    let err = host.sysfs().find_ready(None).unwrap_err();
    match &err {
        DiscoveryError::NodeMissing { path } => assert_eq!(path, &host.path("dev/vfio/vfio")),
        other => panic!("expected NodeMissing, got {other:?}"),
    }
    assert!(err.to_string().contains("modprobe vfio-pci"), "{err}");

    fs::write(host.path("dev/vfio/vfio"), b"").unwrap();
    let err = host.sysfs().find_ready(None).unwrap_err();
    match &err {
        DiscoveryError::NodeMissing { path } => assert_eq!(path, &host.path("dev/vfio/7")),
        other => panic!("expected NodeMissing for the group, got {other:?}"),
    }
}

#[test]
fn opening_a_nonexistent_group_path_is_typed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dev/vfio/42");
    let err = check_node(&path).unwrap_err();
    assert!(
        matches!(&err, DiscoveryError::NodeMissing { path: p } if *p == path),
        "{err:?}"
    );
}

#[test]
fn permission_and_busy_errors_are_typed() {
    // Root opens any file whatever its mode, so a denied open is built from
    // its OS error here; the real open path goes through the same function.
    let path = Path::new("/dev/vfio/7");
    let err = node_error(path, io::Error::from_raw_os_error(libc::EACCES));
    assert!(
        matches!(err, DiscoveryError::PermissionDenied { .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("/dev/vfio/7") && msg.contains("udev") && msg.contains("usermod"),
        "{msg}"
    );

    let err = node_error(path, io::Error::from_raw_os_error(libc::EBUSY));
    assert!(matches!(err, DiscoveryError::Busy { .. }), "{err:?}");
    let err = node_error(path, io::Error::from_raw_os_error(libc::EIO));
    assert!(matches!(err, DiscoveryError::Unreadable { .. }), "{err:?}");
}

#[test]
fn unreadable_id_file_is_reported_with_its_path() {
    let host = FakeHost::new();
    host.card(Some("vfio-pci"), Some(7));
    // a `vendor` that cannot be read as a file (EISDIR, even for root)
    let vendor = host.path(&format!("sys/devices/pci0000:00/{CARD}/vendor"));
    fs::remove_file(&vendor).unwrap();
    fs::create_dir(&vendor).unwrap();
    let err = host.sysfs().cards().unwrap_err();
    match &err {
        DiscoveryError::Unreadable { path, .. } => {
            assert_eq!(
                path,
                &host.path(&format!("sys/bus/pci/devices/{CARD}/vendor"))
            )
        }
        other => panic!("expected Unreadable, got {other:?}"),
    }
}

#[test]
fn garbage_in_sysfs_is_an_error_not_a_panic() {
    let host = FakeHost::new();
    host.card(Some("vfio-pci"), Some(7));
    let real = host.path(&format!("sys/devices/pci0000:00/{CARD}"));
    fs::write(real.join("device"), "0xzz\n").unwrap();
    let err = host.sysfs().cards().unwrap_err();
    assert!(matches!(err, DiscoveryError::Unreadable { .. }), "{err:?}");
    assert!(err.to_string().contains("0xzz"), "{err}");

    fs::write(real.join("device"), "0x7024\n").unwrap();
    fs::remove_file(real.join("iommu_group")).unwrap();
    symlink("../../kernel/iommu_groups/seven", real.join("iommu_group")).unwrap();
    let err = host.sysfs().cards().unwrap_err();
    assert!(err.to_string().contains("`seven` is not a number"), "{err}");
}

#[test]
fn unreadable_group_directory_is_reported() {
    let host = FakeHost::new();
    host.card(Some("vfio-pci"), Some(7));
    host.nodes(7);
    let devices = host.path("sys/kernel/iommu_groups/7/devices");
    fs::remove_dir_all(&devices).unwrap();
    fs::write(&devices, b"not a directory").unwrap();
    let err = host.sysfs().find_ready(None).unwrap_err();
    match &err {
        DiscoveryError::Unreadable { path, .. } => assert_eq!(path, &devices),
        other => panic!("expected Unreadable, got {other:?}"),
    }
}

#[test]
fn first_ready_card_wins_and_the_first_problem_is_reported() {
    let host = FakeHost::new();
    host.device(
        "0000:02:00.0",
        (AGILIS_VENDOR_ID, AGILIS_DEVICE_ID),
        Some("xdma"),
        Some(5),
    );
    host.card(Some("vfio-pci"), Some(7));
    host.nodes(7);
    assert_eq!(
        host.sysfs()
            .find_ready(None)
            .unwrap()
            .location
            .function
            .address,
        CARD
    );

    fs::remove_file(host.path("dev/vfio/7")).unwrap();
    let err = host.sysfs().find_ready(None).unwrap_err();
    assert!(matches!(err, DiscoveryError::WrongDriver { .. }), "{err:?}");
}

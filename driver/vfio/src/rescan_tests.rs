//! Remove, rescan, wait and bind on fake sysfs trees (discovery's `FakeHost`).

use super::*;
use crate::discovery::tests::{CARD, FakeHost};
use crate::discovery::{AGILIS_DEVICE_ID, AGILIS_VENDOR_ID};
use std::fs;

/// The control files the kernel provides: the bus's and the card's.
fn control_files(host: &FakeHost, addresses: &[&str]) {
    fs::write(host.path("sys/bus/pci/rescan"), "").unwrap();
    fs::write(host.path("sys/bus/pci/drivers_probe"), "").unwrap();
    for a in addresses {
        let dev = host.path(&format!("sys/bus/pci/devices/{a}"));
        fs::write(dev.join("remove"), "").unwrap();
        fs::write(dev.join("driver_override"), "").unwrap();
        if dev.join("driver").exists() {
            fs::write(dev.join("driver/unbind"), "").unwrap();
        }
    }
}

fn read(host: &FakeHost, rel: &str) -> String {
    fs::read_to_string(host.path(rel)).unwrap()
}

#[test]
fn the_card_is_removed_then_the_bus_rescanned() {
    let host = FakeHost::new();
    host.card(Some("vfio-pci"), Some(7));
    control_files(&host, &[CARD]);
    let removed = host.sysfs().remove_and_rescan(None).unwrap();
    assert_eq!(removed.as_deref(), Some(CARD));
    assert_eq!(
        read(&host, &format!("sys/bus/pci/devices/{CARD}/remove")),
        "1"
    );
    assert_eq!(read(&host, "sys/bus/pci/rescan"), "1");
}

#[test]
fn without_a_card_only_the_bus_is_rescanned() {
    let host = FakeHost::new();
    control_files(&host, &[]);
    assert_eq!(host.sysfs().remove_and_rescan(Some(CARD)).unwrap(), None);
    assert_eq!(read(&host, "sys/bus/pci/rescan"), "1");
}

#[test]
fn several_cards_need_a_device_address() {
    let host = FakeHost::new();
    host.card(None, None);
    host.device(
        "0000:04:00.0",
        (AGILIS_VENDOR_ID, AGILIS_DEVICE_ID),
        None,
        None,
    );
    control_files(&host, &[CARD, "0000:04:00.0"]);
    let e = host.sysfs().remove_and_rescan(None).unwrap_err();
    assert!(
        matches!(&e, RescanError::WhichCard { found } if found.len() == 2),
        "{e:?}"
    );
    assert!(e.to_string().contains("--device"), "{e}");
    assert_eq!(read(&host, "sys/bus/pci/rescan"), "", "nothing was done");
    // with the address, only that card goes
    host.sysfs()
        .remove_and_rescan(Some("0000:04:00.0"))
        .unwrap();
    assert_eq!(read(&host, "sys/bus/pci/devices/0000:04:00.0/remove"), "1");
    assert_eq!(
        read(&host, &format!("sys/bus/pci/devices/{CARD}/remove")),
        ""
    );
}

#[test]
fn a_missing_control_file_is_a_clear_error() {
    let host = FakeHost::new();
    let e = host.sysfs().remove_and_rescan(None).unwrap_err();
    assert!(
        matches!(&e, RescanError::Write { path, .. } if path.ends_with("sys/bus/pci/rescan")),
        "{e:?}"
    );
    let denied = RescanError::Write {
        path: PathBuf::from("/sys/bus/pci/rescan"),
        source: io::Error::from(io::ErrorKind::PermissionDenied),
    };
    assert!(denied.to_string().contains("sudo"), "{denied}");
}

#[test]
fn waiting_finds_a_card_that_appears_later_and_gives_up_on_one_that_does_not() {
    let host = FakeHost::new();
    let sysfs = host.sysfs();
    let e = sysfs
        .wait_for_card(Some(CARD), Duration::from_millis(200))
        .unwrap_err();
    assert!(matches!(e, RescanError::NotFound { .. }), "{e:?}");
    assert!(e.to_string().contains("did not reappear"), "{e}");

    std::thread::scope(|s| {
        s.spawn(|| {
            // first half-made (no ID files yet), as while the kernel adds it
            let real = host.path(&format!("sys/devices/pci0000:00/{CARD}"));
            fs::create_dir_all(&real).unwrap();
            std::os::unix::fs::symlink(&real, host.path(&format!("sys/bus/pci/devices/{CARD}")))
                .unwrap();
            std::thread::sleep(Duration::from_millis(150));
            fs::remove_file(host.path(&format!("sys/bus/pci/devices/{CARD}"))).unwrap();
            host.card(None, Some(3));
        });
        let card = sysfs
            .wait_for_card(Some(CARD), Duration::from_secs(10))
            .unwrap();
        assert_eq!(card.function.address, CARD);
        assert_eq!(card.iommu_group, Some(3));
    });
}

#[test]
fn binding_overrides_unbinds_and_probes() {
    let host = FakeHost::new();
    host.card(Some("xdma"), Some(7));
    control_files(&host, &[CARD]);
    let card = host.sysfs().cards().unwrap().remove(0);
    host.sysfs().bind_to_vfio(&card).unwrap();
    assert_eq!(
        read(
            &host,
            &format!("sys/bus/pci/devices/{CARD}/driver_override")
        ),
        "vfio-pci"
    );
    assert_eq!(
        read(&host, &format!("sys/bus/pci/devices/{CARD}/driver/unbind")),
        CARD
    );
    assert_eq!(read(&host, "sys/bus/pci/drivers_probe"), CARD);
}

#[test]
fn a_card_on_vfio_is_left_alone_and_found_ready() {
    let host = FakeHost::new();
    host.card(Some("vfio-pci"), Some(7));
    control_files(&host, &[CARD]);
    let card = host.sysfs().cards().unwrap().remove(0);
    host.sysfs().bind_to_vfio(&card).unwrap();
    assert_eq!(read(&host, "sys/bus/pci/drivers_probe"), "");
    // its device nodes are not there yet: the last reason is reported
    let e = host
        .sysfs()
        .wait_until_ready(CARD, Duration::from_millis(100))
        .unwrap_err();
    assert!(
        matches!(
            e,
            RescanError::Discovery(DiscoveryError::NodeMissing { .. })
        ),
        "{e:?}"
    );
    host.nodes(7);
    assert_eq!(
        host.sysfs()
            .wait_until_ready(CARD, Duration::from_millis(100))
            .unwrap()
            .group,
        7
    );
}

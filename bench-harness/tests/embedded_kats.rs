//! The 1089 Ascon-AEAD128 KATs executed on the simulated chips, seal, open
//! and an open with a flipped tag bit for every record, each output checked
//! against the file:
//! - ATmega328P under simavr: the image with agilis's compact 8-bit Ascon
//!   (what AVR builds of agilis-suites use) and the one with RustCrypto
//!   `ascon-aead` (the code every other build uses);
//! - Cortex-M4 under QEMU (`mps2-an386`): RustCrypto `ascon-aead`.
//!
//! The images are the ones `bench-harness avr` / `bench-harness cortex-m`
//! measure (src/embedded builds them; the records are the only difference).
//! Each check is also shown to fail: a KAT with one wrong byte must be reported.
//!
//! Without the vectors directory this prints a notice and skips, as the other
//! vector tests do; without the toolchain pieces (nightly with rust-src,
//! avr-gcc and avr-libc, simavr; the thumbv7em target, qemu-system-arm)
//! likewise. Under CI=true both are failures that say what to install.

#[allow(dead_code)]
#[path = "../src/embedded/mod.rs"]
mod embedded;

use embedded::records::Backend;
use embedded::{avr, cortex_m, kat, tools};

/// The KATs, or `None` (skip) when the vectors are absent outside CI.
fn kats() -> Option<Vec<kat::Kat>> {
    let dir = kat::vectors_base(&tools::repo_root()).join(kat::ASCON_SUBDIR);
    if !dir.is_dir() {
        assert!(
            !tools::ci(),
            "official vectors not found at {} (set AGILIS_VECTORS); under CI=true the vector tests must run",
            dir.display()
        );
        eprintln!(
            "NOTICE: skipping: official vectors not found at {} (set AGILIS_VECTORS to run this test)",
            dir.display()
        );
        return None;
    }
    Some(kat::load_ascon(&dir).unwrap())
}

/// `true` to go on; `false` (skip) when tools are missing outside CI.
fn tools_present(target: &str, missing: Vec<tools::Missing>) -> bool {
    if missing.is_empty() {
        return true;
    }
    let list = tools::describe(&missing);
    assert!(
        !tools::ci(),
        "the {target} KAT check must run under CI=true, but these are missing:\n{list}"
    );
    eprintln!("NOTICE: skipping the {target} KAT check; missing:\n{list}");
    false
}

/// The first `n` KATs, with one byte of KAT `bad`'s expected ciphertext changed.
fn corrupted(kats: &[kat::Kat], n: usize, bad: usize) -> Vec<kat::Kat> {
    let mut some = kats[..n].to_vec();
    some[bad - 1].ct[0] ^= 0x40;
    some
}

fn check_avr(image: avr::Image) {
    let Some(kats) = kats() else { return };
    if !tools_present("AVR (ATmega328P, simavr)", avr::prerequisites()) {
        return;
    }
    let built = match avr::build(image).unwrap() {
        avr::Outcome::Built(b) => b,
        avr::Outcome::DoesNotFit(why) => {
            panic!("AVR image {} does not fit: {why}", image.feature())
        }
    };
    let summary = avr::check_kats(&built, &kats, true).unwrap();
    assert_eq!(summary.checked, kat::ASCON_COUNT);
    eprintln!(
        "AVR {}: {} KATs in {} simavr runs, {:.1} s",
        image.feature(),
        summary.checked,
        summary.runs,
        summary.elapsed.as_secs_f64()
    );
    // The same check must catch a wrong expected value (KAT 40: 1-byte AD, 6-byte message).
    let err = avr::check_kats(&built, &corrupted(&kats, 64, 40), false)
        .err()
        .expect("a corrupted KAT must fail the check");
    assert!(
        err.contains("KAT 40 seal") && err.contains("KAT 40 open"),
        "{err}"
    );
}

#[test]
fn ascon_kats_on_avr_8bit_backend() {
    check_avr(avr::Image::Ascon8bit);
}

#[test]
fn ascon_kats_on_avr_rustcrypto_backend() {
    check_avr(avr::Image::AsconPortable);
}

#[test]
fn ascon_kats_on_cortex_m4() {
    let Some(kats) = kats() else { return };
    if !tools_present("Cortex-M4 (QEMU)", cortex_m::prerequisites()) {
        return;
    }
    let built = cortex_m::build().unwrap();
    let summary = cortex_m::check_kats(&built, &kats, Backend::Portable).unwrap();
    assert_eq!(summary.checked, kat::ASCON_COUNT);
    eprintln!(
        "Cortex-M4: {} KATs in QEMU, {:.1} s",
        summary.checked,
        summary.elapsed.as_secs_f64()
    );
    let err = cortex_m::check_kats(&built, &corrupted(&kats, 64, 40), Backend::Portable)
        .err()
        .expect("a corrupted KAT must fail the check");
    assert!(
        err.contains("KAT 40 seal") && err.contains("KAT 40 open"),
        "{err}"
    );
}

/// (name → versions) of the packages a Cargo.lock pins.
fn lock_versions(path: &std::path::Path) -> std::collections::HashMap<String, Vec<String>> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut map: std::collections::HashMap<String, Vec<String>> = Default::default();
    let mut name = None;
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_owned());
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take()) {
            map.entry(n)
                .or_default()
                .push(v.trim_matches('"').to_owned());
        }
    }
    map
}

/// The images must run the code the workspace runs: every crate that a
/// firmware's own Cargo.lock shares with the workspace's is at a version the
/// workspace uses. (After a dependency update in the workspace, update the
/// firmware locks to match: `cargo update -p NAME --precise VERSION` in
/// bench-harness/targets/*.)
#[test]
fn firmware_locks_pin_the_workspace_versions() {
    let root = tools::repo_root();
    let workspace = lock_versions(&root.join("Cargo.lock"));
    let mut shared = 0;
    for fw in [
        "bench-harness/targets/avr",
        "bench-harness/targets/cortex-m4",
    ] {
        for (name, versions) in lock_versions(&root.join(fw).join("Cargo.lock")) {
            let Some(ours) = workspace.get(&name) else {
                continue;
            };
            for v in versions {
                assert!(
                    ours.contains(&v),
                    "{fw}/Cargo.lock pins {name} {v}; the workspace uses {ours:?}"
                );
                shared += 1;
            }
        }
    }
    // ascon-aead, aes-gcm, chacha20poly1305, libcrux-ml-kem, ed25519-dalek and their dependencies.
    assert!(
        shared > 30,
        "only {shared} shared crates: is a lock file empty?"
    );
}

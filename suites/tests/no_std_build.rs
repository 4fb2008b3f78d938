//! The AEAD and KDF part of the crate (all three AEADs) builds `no_std` for the Cortex-M4
//! (thumbv7em-none-eabihf), as the cross-target benchmarks need. This test
//! runs that build. Without the rustup target it prints a notice and skips,
//! except under CI=true, where it fails (.ci/run installs the target).

use std::process::Command;

const TARGET: &str = "thumbv7em-none-eabihf";

#[test]
fn suites_build_no_std_for_cortex_m4() {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == TARGET)
        })
        .unwrap_or(false);
    if !installed {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(
            !ci,
            "rustup target {TARGET} is missing; under CI=true the no_std build must run"
        );
        eprintln!("NOTICE: skipping: `rustup target add {TARGET}` to check the no_std build");
        return;
    }
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    // A separate target directory: the outer `cargo test` holds the workspace's.
    let target_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/no-std-check");
    let out = Command::new(env!("CARGO"))
        .args([
            "build",
            "--manifest-path",
            manifest,
            "--no-default-features",
            // Every no_std AEAD, not only the Ascon-only default of small images.
            "--features",
            "aes-256-gcm,chacha20-poly1305",
            "--target",
            TARGET,
            "--target-dir",
            target_dir,
        ])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "no_std build for {TARGET} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

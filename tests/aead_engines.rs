//! `agilis aead seal|open --engine software|fpga-sim|vfio|auto`: every engine
//! gives the same bytes, and the card engines keep the CLI's contract (bad
//! tag: status 1 and nothing on stdout; bad input: status 2).

use std::process::Output;

use agilis_suites::aead::AeadKey;
use agilis_suites::registry::codepoint as cp;

mod common;
use common::stderr;

fn agilis(args: &[&str], stdin: &[u8]) -> Output {
    common::run_with_stdin(args, stdin)
}

/// The card's two AEADs: suite name, code point, key, nonce.
fn card_suites() -> [(&'static str, u16, Vec<u8>, Vec<u8>); 2] {
    [
        (
            "ascon-aead128",
            cp::ASCON_AEAD128,
            (0..16).collect(),
            (16..32).collect(),
        ),
        (
            "aes-256-gcm",
            cp::AES_256_GCM,
            (0..32).collect(),
            (40..52).collect(),
        ),
    ]
}

fn run(op: &str, suite: &str, key: &[u8], nonce: &[u8], extra: &[&str], input: &[u8]) -> Output {
    let (key, nonce) = (hex::encode(key), hex::encode(nonce));
    let mut args = vec![
        "aead", op, "--suite", suite, "--key", &key, "--nonce", &nonce, "--aad", "a0a1a2",
    ];
    args.extend_from_slice(extra);
    agilis(&args, input)
}

/// False (after a notice) when this build has no simulated card; under
/// `CI=true` that is a failure, so CI never skips.
fn simulator_or_skip(test: &str) -> bool {
    let o = run(
        "seal",
        "ascon-aead128",
        &[0; 16],
        &[0; 16],
        &["--engine", "fpga-sim"],
        b"",
    );
    if o.status.success() {
        return true;
    }
    let message = format!(
        "{test}: the simulated card is not available: {}",
        stderr(&o)
    );
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{message}; CI=true, so this is a failure"
    );
    eprintln!("notice: {message}; skipping");
    false
}

#[test]
fn every_engine_seals_and_opens_the_same_bytes_as_the_library() {
    if !simulator_or_skip("every_engine_seals_and_opens_the_same_bytes_as_the_library") {
        return;
    }
    for (suite, codepoint, key, nonce) in card_suites() {
        let reference = AeadKey::new(codepoint, &key).unwrap();
        for len in [0usize, 1, 15, 16, 17, 100, 4099] {
            let plaintext: Vec<u8> = (0..len).map(|i| (i * 31 + 7) as u8).collect();
            let want = reference
                .seal(&nonce, &[0xa0, 0xa1, 0xa2], &plaintext)
                .unwrap();
            for engine in [
                &["--engine", "software"][..],
                &["--engine", "fpga-sim"],
                &["--engine", "auto"],
                &[],
                &["--engine", "fpga-sim", "--ruler", "all"],
            ] {
                let sealed = run("seal", suite, &key, &nonce, engine, &plaintext);
                assert!(
                    sealed.status.success(),
                    "{suite} {len} {engine:?}: {}",
                    stderr(&sealed)
                );
                assert_eq!(
                    sealed.stdout, want,
                    "{suite} {len} {engine:?}: not byte-identical"
                );
                let opened = run("open", suite, &key, &nonce, engine, &want);
                assert!(
                    opened.status.success(),
                    "{suite} {len} {engine:?}: {}",
                    stderr(&opened)
                );
                assert_eq!(opened.stdout, plaintext, "{suite} {len} {engine:?}");
            }
        }
    }
}

#[test]
fn the_simulated_card_releases_nothing_when_the_tag_fails() {
    if !simulator_or_skip("the_simulated_card_releases_nothing_when_the_tag_fails") {
        return;
    }
    for (suite, codepoint, key, nonce) in card_suites() {
        let sealed = AeadKey::new(codepoint, &key)
            .unwrap()
            .seal(&nonce, &[0xa0, 0xa1, 0xa2], &[0x55; 300])
            .unwrap();
        for flip in [0, 150, sealed.len() - 1] {
            let mut bad = sealed.clone();
            bad[flip] ^= 0x01;
            let o = run("open", suite, &key, &nonce, &["--engine", "fpga-sim"], &bad);
            assert_eq!(
                o.status.code(),
                Some(1),
                "{suite} flip {flip}: {}",
                stderr(&o)
            );
            assert!(
                o.stdout.is_empty(),
                "{suite}: released unauthenticated data"
            );
            assert!(
                stderr(&o).contains("authentication failed"),
                "{}",
                stderr(&o)
            );
        }
    }
}

#[test]
fn engine_choices_that_cannot_work_say_why_and_exit_2_or_3() {
    let (k32, n12) = (vec![1u8; 32], vec![2u8; 12]);
    // The card has no ChaCha20-Poly1305 lanes: refused before anything starts.
    for engine in ["fpga-sim", "vfio"] {
        let o = run(
            "seal",
            "chacha20-poly1305",
            &k32,
            &n12,
            &["--engine", engine],
            b"x",
        );
        assert_eq!(o.status.code(), Some(2), "{engine}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("no chacha20-poly1305 lanes"),
            "{}",
            stderr(&o)
        );
    }
    // auto runs it on software.
    let o = run("seal", "chacha20-poly1305", &k32, &n12, &[], b"x");
    assert!(o.status.success(), "{}", stderr(&o));
    for (args, needle) in [
        (&["--engine", "gpu"][..], "gpu"),
        (&["--ruler", "1.5"], "fraction"),
        (
            &["--engine", "software", "--device", "0000:03:00.0"],
            "--device",
        ),
        (
            &["--dispatch-config", "/nonexistent/dispatch.toml"],
            "--dispatch-config",
        ),
    ] {
        let o = run("seal", "aes-256-gcm", &k32, &n12, args, b"x");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
    // No card here (CI has none): vfio says so and what to do; auto carries on.
    let has_card = std::fs::read_dir("/sys/bus/pci/devices").is_ok_and(|d| {
        d.flatten().any(|e| {
            let id = |f: &str| std::fs::read_to_string(e.path().join(f)).unwrap_or_default();
            id("vendor").trim() == "0x10ee" && id("device").trim() == "0x7024"
        })
    });
    if !has_card {
        let o = run(
            "seal",
            "aes-256-gcm",
            &k32,
            &n12,
            &["--engine", "vfio"],
            b"x",
        );
        assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
        assert!(stderr(&o).contains("no agilis card"), "{}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn a_job_over_the_cards_limit_is_refused_on_the_card_and_runs_on_auto() {
    if !simulator_or_skip("a_job_over_the_cards_limit_is_refused_on_the_card_and_runs_on_auto") {
        return;
    }
    let (key, nonce) = ([3u8; 16], [4u8; 16]);
    let big = vec![0u8; (1 << 20) + 1];
    let o = run(
        "seal",
        "ascon-aead128",
        &key,
        &nonce,
        &["--engine", "fpga-sim"],
        &big,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("up to 1048576 bytes"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let o = run(
        "seal",
        "ascon-aead128",
        &key,
        &nonce,
        &["--engine", "auto"],
        &big,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(o.stdout.len(), big.len() + 16);
}

#[test]
fn the_demo_runs_records_through_the_simulated_card_beside_software() {
    if !simulator_or_skip("the_demo_runs_records_through_the_simulated_card_beside_software") {
        return;
    }
    let o = agilis(&["demo", "--no-session"], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    for suite in ["ascon-aead128", "aes-256-gcm"] {
        assert!(
            out.lines().any(|l| l.contains(suite)
                && l.contains("sealed on the card = software")
                && l.contains("the tampered one refused")),
            "{out}"
        );
    }
    assert!(out.contains("64 checked, 0 disagreements"), "{out}");
    assert!(out.contains("auto, ascon-aead128"), "{out}");
    let o = agilis(&["demo", "--no-session", "--no-offload"], b"");
    assert!(o.status.success());
    assert!(!String::from_utf8_lossy(&o.stdout).contains("on the card"));
}

//! `agilis demo`: the end-to-end job. First an anchor-to-anchor session: a
//! CA and two anchors in a temporary directory, a negotiated hybrid session
//! over loopback, a few megabytes through it, with the suite, handshake time
//! and throughput (`agilis anchor demo`); a vehicle's handover between two
//! edges; records sealed and opened on the simulated card beside software,
//! under the ruler, and the dispatcher's routing. Then every suite the chosen policy
//! allows through a full round trip, with a hybrid KEM secret feeding the
//! KDFs and the KDF output keying the AEADs, the way a session would use
//! them. Any failure makes the exit status non-zero.

use std::io::Write;
use std::time::Instant;

use agilis_suites::aead::AeadKey;
use agilis_suites::registry::{Sizes, codepoint};
use agilis_suites::{Algorithm, Kind, kdf, kem, sig};
use clap::Args;

use crate::policy::PolicyArgs;
use crate::{CliResult, Failure, table};

#[derive(Args)]
pub struct DemoArgs {
    /// Profile and withdrawals: the session uses the profile (default: anchor), the round trip
    /// every suite it allows (default: every available suite).
    #[command(flatten)]
    policy: PolicyArgs,
    /// Megabytes (MiB) to move through the anchor session.
    #[arg(long, default_value_t = 8)]
    megabytes: u64,
    /// Kibibytes the vehicle streams across its handover.
    #[arg(long, default_value_t = 2048)]
    handover_kib: u64,
    /// Skip the anchor session and the handover; only the round trip through every suite.
    #[arg(long)]
    no_session: bool,
    /// Skip the offload part (records sealed on the simulated card).
    #[arg(long)]
    no_offload: bool,
    /// Print the registry table before the round trip.
    #[arg(long)]
    table: bool,
    /// Skip the registry table (the default now; kept for scripts).
    #[arg(long, hide = true)]
    no_table: bool,
}

struct Tally {
    ok: usize,
    failed: Vec<String>,
}

impl Tally {
    fn record(&mut self, alg: &Algorithm, started: Instant, result: Result<String, String>) {
        let ms = started.elapsed().as_secs_f64() * 1e3;
        match result {
            Ok(detail) => {
                self.ok += 1;
                println!("  ok    {:<30} {:>9.2} ms  {detail}", alg.name, ms);
            }
            Err(e) => {
                self.failed.push(alg.name.to_string());
                println!("  FAIL  {:<30} {:>9.2} ms  {e}", alg.name, ms);
            }
        }
        let _ = std::io::stdout().flush();
    }
}

fn check(cond: bool, what: &str) -> Result<(), String> {
    if cond { Ok(()) } else { Err(what.to_string()) }
}

fn kem_round_trip(alg: &Algorithm) -> Result<(String, Vec<u8>), String> {
    let s = kem::scheme(alg.codepoint).map_err(|e| e.to_string())?;
    let kp = s.keygen().map_err(|e| e.to_string())?;
    let enc = s.encaps(&kp.public_key).map_err(|e| e.to_string())?;
    let ss = s
        .decaps(kp.secret_key.expose(), &enc.ciphertext)
        .map_err(|e| e.to_string())?;
    check(ss == enc.shared_secret, "decapsulated secret differs")?;
    Ok((
        format!(
            "pk {} B, ct {} B, shared secret agrees",
            kp.public_key.len(),
            enc.ciphertext.len()
        ),
        ss.expose().to_vec(),
    ))
}

fn sig_round_trip(alg: &Algorithm) -> Result<String, String> {
    let s = sig::scheme(alg.codepoint).map_err(|e| e.to_string())?;
    let kp = s.keygen().map_err(|e| e.to_string())?;
    let msg = b"agilis demo: anchor handshake transcript";
    let signature = s
        .sign(kp.secret_key.expose(), msg)
        .map_err(|e| e.to_string())?;
    s.verify(&kp.public_key, msg, &signature)
        .map_err(|e| e.to_string())?;
    check(
        s.verify(&kp.public_key, b"a different message", &signature)
            .is_err(),
        "forged message accepted",
    )?;
    Ok(format!(
        "sig {} B, verifies, rejects another message",
        signature.len()
    ))
}

fn aead_round_trip(alg: &Algorithm, session_secret: &[u8]) -> Result<String, String> {
    let Sizes::Aead {
        key: key_len,
        nonce: nonce_len,
        ..
    } = alg.sizes
    else {
        return Err("not an AEAD".into());
    };
    let mut key = zeroize::Zeroizing::new(vec![0u8; key_len]);
    kdf::derive(
        codepoint::HKDF_SHA256,
        b"agilis demo",
        session_secret,
        alg.name.as_bytes(),
        &mut key,
    )
    .map_err(|e| e.to_string())?;
    let key = AeadKey::new(alg.codepoint, &key).map_err(|e| e.to_string())?;
    let nonce = vec![0x42; nonce_len];
    let msg = b"vehicle 17 hands over from edge A to edge B";
    let sealed = key
        .seal(&nonce, b"record 1", msg)
        .map_err(|e| e.to_string())?;
    check(
        key.open(&nonce, b"record 1", &sealed)
            .map_err(|e| e.to_string())?
            == msg,
        "plaintext differs",
    )?;
    let mut tampered = sealed.clone();
    tampered[0] ^= 1;
    check(
        key.open(&nonce, b"record 1", &tampered).is_err(),
        "tampered ciphertext accepted",
    )?;
    Ok(format!("{} B sealed, opens, tamper rejected", sealed.len()))
}

fn kdf_round_trip(alg: &Algorithm, session_secret: &[u8]) -> Result<String, String> {
    let mut a = [0u8; 32];
    let mut b = [0u8; 32];
    kdf::derive(
        alg.codepoint,
        b"salt",
        session_secret,
        b"agilis demo",
        &mut a,
    )
    .map_err(|e| e.to_string())?;
    kdf::derive(
        alg.codepoint,
        b"salt",
        session_secret,
        b"agilis demo",
        &mut b,
    )
    .map_err(|e| e.to_string())?;
    check(a == b, "not deterministic")?;
    Ok(format!(
        "32 B from the hybrid secret: {}…",
        hex::encode(&a[..8])
    ))
}

/// Records through the simulated card: the same driver as a real card,
/// checked job by job against software by the ruler, and a tampered record
/// refused. Then the dispatcher routing a mix of sizes by its crossovers.
fn offload_demo() -> CliResult {
    use agilis_driver::dispatch::{AutoEngine, DispatchConfig};
    use agilis_driver::ruler::{Mode, Ruler};
    use agilis_driver::{Direction, Engine, Job, SoftwareEngine};
    use std::sync::Arc;

    let card = match crate::engine::open_sim_card() {
        Ok(card) => card,
        Err(Failure::Other(reason)) => {
            println!("  skipped: {reason}");
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let info = card.with_card(|c| c.info().clone());
    let lanes: Vec<&str> = (0..info.lanes).map(|i| info.lane_alg(i).name()).collect();
    println!(
        "  card: {} lanes [{}], {} key slots, jobs up to {} KiB",
        info.lanes,
        lanes.join(", "),
        info.key_slots,
        info.max_len / 1024
    );
    let fail = |what: String| Failure::Other(format!("offload demo: {what}"));
    let software = SoftwareEngine::new();
    let ruler = Ruler::new(card.clone(), Mode::All).map_err(|e| fail(e.to_string()))?;
    for (suite, aead, key_len, nonce_len) in [
        ("ascon-aead128", codepoint::ASCON_AEAD128, 16, 16),
        ("aes-256-gcm", codepoint::AES_256_GCM, 32, 12),
    ] {
        let key: Vec<u8> = (0..key_len as u8)
            .map(|i| i.wrapping_mul(29) ^ 0x5c)
            .collect();
        let on_card = ruler
            .load_key(aead, &key)
            .map_err(|e| fail(e.to_string()))?;
        let on_cpu = software
            .load_key(aead, &key)
            .map_err(|e| fail(e.to_string()))?;
        let nonces: Vec<Vec<u8>> = (0..16u8).map(|i| vec![i; nonce_len]).collect();
        let plain: Vec<Vec<u8>> = (0..16usize)
            .map(|i| vec![i as u8; 1024 + 300 * i])
            .collect();
        let jobs_of = |engine: &dyn Engine, key, direction, buffers: &mut [Vec<u8>]| {
            let mut jobs: Vec<Job> = buffers
                .iter_mut()
                .zip(&nonces)
                .map(|(buffer, nonce)| Job {
                    key,
                    direction,
                    nonce,
                    aad: b"demo record",
                    buffer,
                })
                .collect();
            engine.process(&mut jobs)
        };
        let cycles_before = card.with_card(|c| c.bus_mut().model().cycles());
        let mut sealed = plain.clone();
        let mut reference = plain.clone();
        let ok = jobs_of(&ruler, on_card, Direction::Seal, &mut sealed)
            .iter()
            .all(|r| r.is_ok())
            && jobs_of(&software, on_cpu, Direction::Seal, &mut reference)
                .iter()
                .all(|r| r.is_ok());
        if !ok || sealed != reference {
            return Err(fail(format!(
                "{suite}: the card's records differ from software's"
            )));
        }
        sealed[5][100] ^= 0x08;
        let mut opened = sealed.clone();
        let results = jobs_of(&ruler, on_card, Direction::Open, &mut opened);
        let cycles = card.with_card(|c| c.bus_mut().model().cycles()) - cycles_before;
        let refused = matches!(results[5], Err(agilis_driver::Error::AuthenticationFailed))
            && opened[5].is_empty();
        let others = (0..16)
            .filter(|&i| i != 5)
            .all(|i| results[i].is_ok() && opened[i] == plain[i]);
        if !refused || !others {
            return Err(fail(format!("{suite}: opening on the card went wrong")));
        }
        let bytes: usize = plain.iter().map(Vec::len).sum();
        println!(
            "  {suite:<14} 16 records, {} KiB: sealed on the card = software, byte for byte; opened; the tampered one refused, nothing released ({cycles} simulated cycles)",
            bytes / 1024
        );
        ruler.unload_key(on_card).map_err(|e| fail(e.to_string()))?;
    }
    let counts = ruler.counts();
    println!(
        "  ruler (every job on card and software): {} checked, {} disagreements",
        counts.checked, counts.mismatches
    );

    // The dispatcher: which sizes the measured crossovers send to the card.
    let config = DispatchConfig {
        card_deadline: agilis_verilator::sim_bus::SIM_DISPATCH_DEADLINE,
        ..DispatchConfig::default()
    };
    let auto = AutoEngine::new(Some(card.clone() as Arc<dyn Engine>), config.clone());
    let key = auto
        .load_key(codepoint::ASCON_AEAD128, &[7; 16])
        .map_err(|e| fail(e.to_string()))?;
    let sizes = [64usize, 1024, 16 * 1024, 64 * 1024];
    let mut routed = Vec::new();
    for size in sizes {
        let before = auto.counts().card;
        let mut buffer = vec![0u8; size];
        let r = auto.process(&mut [Job {
            key,
            direction: Direction::Seal,
            nonce: &[1; 16],
            aad: b"",
            buffer: &mut buffer,
        }]);
        r.into_iter()
            .next()
            .unwrap_or(Ok(()))
            .map_err(|e| fail(e.to_string()))?;
        let place = if auto.counts().card > before {
            "card"
        } else {
            "software"
        };
        routed.push(format!("{} B -> {place}", size));
    }
    let crossover = match config.ascon_aead128_crossover {
        usize::MAX => "never".to_string(),
        n => format!("{n} B"),
    };
    println!(
        "  auto, ascon-aead128 (crossover {crossover}, driver/dispatch.toml): {}",
        routed.join(", ")
    );
    Ok(())
}

pub fn run(args: DemoArgs) -> CliResult {
    let policy = args.policy.resolve()?;
    if !args.no_session {
        println!("== anchor-to-anchor session over loopback (details on stderr)");
        let _ = std::io::stdout().flush();
        crate::anchor::demo(args.megabytes, &args.policy)?;
        println!();
        println!("== vehicle-to-edge handover over loopback");
        crate::vehicle::demo(args.handover_kib)?;
        println!();
    }
    if !args.no_offload {
        println!("== bulk AEAD on the card (its Verilated RTL) beside software");
        offload_demo()?;
        println!();
    }
    if args.table && !args.no_table {
        println!(
            "== agilis registry{}",
            policy
                .profile
                .map(|p| format!(" (profile {})", p.name))
                .unwrap_or_default()
        );
        table::write_table(&mut std::io::stdout().lock(), &policy)?;
        println!();
    } else {
        table::write_policy_changes(&mut std::io::stdout().lock(), &policy)?;
    }
    let mut tally = Tally {
        ok: 0,
        failed: Vec::new(),
    };

    println!("== every suite: a round trip");
    println!("== KEMs: keygen, encapsulate, decapsulate");
    // The first hybrid's secret (or, lacking one, any KEM's) keys the KDF and
    // AEAD steps, as in a session.
    let (mut hybrid_secret, mut any_secret) = (None, None);
    for alg in policy.allowed(Kind::Kem) {
        let t = Instant::now();
        let r = kem_round_trip(alg);
        if let Ok((_, ss)) = &r {
            let slot = if alg.is_hybrid() {
                &mut hybrid_secret
            } else {
                &mut any_secret
            };
            slot.get_or_insert_with(|| ss.clone());
        }
        tally.record(alg, t, r.map(|(d, _)| d));
    }
    let session_secret = hybrid_secret
        .or(any_secret)
        .unwrap_or_else(|| b"no KEM is allowed: fixed demo secret".to_vec());

    println!("== signatures: keygen, sign, verify, reject a forgery");
    for alg in policy.allowed(Kind::Signature) {
        let t = Instant::now();
        tally.record(alg, t, sig_round_trip(alg));
    }
    println!("== KDFs: derive from the KEM secret");
    for alg in policy.allowed(Kind::Kdf) {
        let t = Instant::now();
        tally.record(alg, t, kdf_round_trip(alg, &session_secret));
    }
    println!("== AEADs: key from HKDF-SHA-256, seal, open, reject tampering");
    for alg in policy.allowed(Kind::Aead) {
        let t = Instant::now();
        tally.record(alg, t, aead_round_trip(alg, &session_secret));
    }

    println!();
    if tally.failed.is_empty() {
        println!("all {} suites round-tripped", tally.ok);
        Ok(())
    } else {
        Err(Failure::Other(format!(
            "{} of {} suites failed: {}",
            tally.failed.len(),
            tally.ok + tally.failed.len(),
            tally.failed.join(", ")
        )))
    }
}

//! `agilis suites`: the registry as a table or as JSON.

use std::io::Write;

use agilis_suites::Kind;
use agilis_suites::profile::Outcome;
use agilis_suites::registry::{Algorithm, Sizes};
use serde_json::{Value, json};

use crate::Failure;
use crate::policy::Policy;

/// The algorithms to show: every available one in table order, or, under a
/// profile, what it allows, kind by kind in its order of preference.
fn rows(policy: &Policy) -> Vec<&'static Algorithm> {
    match policy.profile {
        None => policy.registry.available().collect(),
        Some(_) => Kind::ALL
            .into_iter()
            .flat_map(|k| policy.allowed(k))
            .collect(),
    }
}

fn sizes_text(s: &Sizes) -> String {
    match *s {
        Sizes::Kem {
            public_key,
            secret_key,
            ciphertext,
            shared_secret,
        } => {
            format!("pk {public_key}, sk {secret_key}, ct {ciphertext}, ss {shared_secret}")
        }
        Sizes::Signature {
            public_key,
            secret_key,
            signature,
        } => {
            format!("pk {public_key}, sk {secret_key}, sig ≤{signature}")
        }
        Sizes::Aead { key, nonce, tag } => format!("key {key}, nonce {nonce}, tag {tag}"),
        Sizes::Kdf { max_output } => format!("output ≤{max_output}"),
    }
}

fn sizes_json(s: &Sizes) -> Value {
    match *s {
        Sizes::Kem {
            public_key,
            secret_key,
            ciphertext,
            shared_secret,
        } => {
            json!({"public_key": public_key, "secret_key": secret_key, "ciphertext": ciphertext, "shared_secret": shared_secret})
        }
        Sizes::Signature {
            public_key,
            secret_key,
            signature,
        } => {
            json!({"public_key": public_key, "secret_key": secret_key, "signature_max": signature})
        }
        Sizes::Aead { key, nonce, tag } => json!({"key": key, "nonce": nonce, "tag": tag}),
        Sizes::Kdf { max_output } => json!({"max_output": max_output}),
    }
}

fn families_text(a: &Algorithm) -> String {
    a.families
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(" + ")
}

pub fn write_table(out: &mut impl Write, policy: &Policy) -> Result<(), Failure> {
    let rows = rows(policy);
    if let Some(p) = policy.profile {
        writeln!(out, "profile {}: {}", p.name, p.description)?;
    }
    let fams: Vec<String> = rows.iter().map(|a| families_text(a)).collect();
    let name_w = rows.iter().map(|a| a.name.len()).max().unwrap_or(4).max(4);
    let fam_w = fams.iter().map(|f| f.len()).max().unwrap_or(8).max(8);
    writeln!(
        out,
        "{:<name_w$}  {:<6}  {:<9}  {:<fam_w$}  {:>3}  {:<3}  SIZES (bytes)",
        "NAME", "CODE", "KIND", "FAMILIES", "CAT", "PQ"
    )?;
    for (a, f) in rows.iter().zip(&fams) {
        writeln!(
            out,
            "{:<name_w$}  0x{:04x}  {:<9}  {:<fam_w$}  {:>3}  {:<3}  {}",
            a.name,
            a.codepoint,
            a.kind.as_str(),
            f,
            a.category,
            if a.post_quantum { "yes" } else { "no" },
            sizes_text(&a.sizes)
        )?;
    }
    write_policy_changes(out, policy)
}

/// What the withdrawals took away: withdrawn families, hybrids that fell
/// back or were removed, kinds the profile lost entirely.
pub fn write_policy_changes(out: &mut impl Write, policy: &Policy) -> Result<(), Failure> {
    let withdrawn = policy.registry.withdrawn_families();
    if !withdrawn.is_empty() {
        let names: Vec<_> = withdrawn.iter().map(|f| f.as_str()).collect();
        writeln!(out, "\nwithdrawn families: {}", names.join(", "))?;
    }
    let Some(report) = policy.report() else {
        return Ok(());
    };
    for change in &report.changes {
        match change {
            Outcome::FellBack { hybrid, to } => writeln!(
                out,
                "fell back: {} -> {} alone (one family: {})",
                hybrid.name,
                to.name,
                families_text(to)
            )?,
            Outcome::Removed(a) => {
                writeln!(out, "removed: {} (withdrawn, nothing replaces it)", a.name)?
            }
        }
    }
    for kind in report.empty_kinds() {
        writeln!(
            out,
            "EMPTY: profile {} has no {kind} left; it cannot make sessions",
            report.profile.name
        )?;
    }
    Ok(())
}

pub fn write_json(out: &mut impl Write, policy: &Policy) -> Result<(), Failure> {
    let report = policy.report();
    let changes = report
        .as_ref()
        .map(|r| r.changes.as_slice())
        .unwrap_or_default();
    let items: Vec<Value> = rows(policy)
        .into_iter()
        .map(|a| {
            let fallback_for: Vec<&str> = changes
                .iter()
                .filter_map(|c| match c {
                    Outcome::FellBack { hybrid, to } if to.codepoint == a.codepoint => {
                        Some(hybrid.name)
                    }
                    _ => None,
                })
                .collect();
            json!({
                "name": a.name,
                "codepoint": a.codepoint,
                "kind": a.kind.as_str(),
                "families": a.families.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
                "category": a.category,
                "post_quantum": a.post_quantum,
                "components": a.component_algorithms().map(|c| c.name).collect::<Vec<_>>(),
                "sizes": sizes_json(&a.sizes),
                "implementation": a.implementation,
                "fallback_for": fallback_for,
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items).map_err(|e| match e.io_error_kind() {
        Some(kind) => Failure::from(std::io::Error::from(kind)),
        None => Failure::Other(e.to_string()),
    })?;
    writeln!(out)?;
    if let Some(r) = &report {
        for kind in r.empty_kinds() {
            eprintln!(
                "agilis: warning: profile {} has no {kind} left after withdrawals",
                r.profile.name
            );
        }
    }
    Ok(())
}

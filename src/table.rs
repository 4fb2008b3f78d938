//! `agilis suites`: the registry as a table or as JSON.

use std::io::Write;

use agilis_suites::Kind;
use agilis_suites::profile::{Outcome, Profile};
use agilis_suites::registry::{Algorithm, Registry, Sizes};
use serde_json::{Value, json};

use crate::Failure;

/// The algorithms to show: all available ones, or what `profile` allows, by preference.
fn rows(reg: &Registry, profile: Option<&'static Profile>) -> Vec<&'static Algorithm> {
    match profile {
        None => reg.available().collect(),
        Some(p) => Kind::ALL
            .into_iter()
            .flat_map(|k| p.allowed(reg, k))
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

fn changes(reg: &Registry, profile: Option<&'static Profile>) -> Vec<Outcome> {
    profile.map(|p| p.report(reg).changes).unwrap_or_default()
}

pub fn write_table(
    out: &mut impl Write,
    reg: &Registry,
    profile: Option<&'static Profile>,
) -> Result<(), Failure> {
    let rows = rows(reg, profile);
    if let Some(p) = profile {
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
    let withdrawn = reg.withdrawn_families();
    if !withdrawn.is_empty() {
        let names: Vec<_> = withdrawn.iter().map(|f| f.as_str()).collect();
        writeln!(out, "\nwithdrawn families: {}", names.join(", "))?;
    }
    for change in changes(reg, profile) {
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
    if let Some(p) = profile {
        for kind in p.report(reg).empty_kinds() {
            writeln!(
                out,
                "EMPTY: profile {} has no {kind} left; it cannot make sessions",
                p.name
            )?;
        }
    }
    Ok(())
}

pub fn write_json(
    out: &mut impl Write,
    reg: &Registry,
    profile: Option<&'static Profile>,
) -> Result<(), Failure> {
    let changes = changes(reg, profile);
    let items: Vec<Value> = rows(reg, profile)
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
    if let Some(p) = profile {
        for kind in p.report(reg).empty_kinds() {
            eprintln!(
                "agilis: warning: profile {} has no {kind} left after withdrawals",
                p.name
            );
        }
    }
    Ok(())
}

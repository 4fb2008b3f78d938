//! Shared by the integration tests: where the official vectors live.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

/// The directory `$AGILIS_VECTORS/<sub>` (default `../shared/vectors/<sub>`,
/// relative to the workspace root).
///
/// When it is absent the test prints a notice and returns `None` so the
/// caller can skip, except under `CI=true`, where a missing vector set is a
/// failure: CI must always run the vector tests.
pub fn vectors_dir(sub: &str) -> Option<PathBuf> {
    let base = match std::env::var_os("AGILIS_VECTORS") {
        Some(v) => PathBuf::from(v),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"),
    };
    let dir = base.join(sub);
    if dir.is_dir() {
        return Some(dir);
    }
    let ci = std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false);
    assert!(
        !ci,
        "official vectors not found at {} (set AGILIS_VECTORS); under CI=true the vector tests must run",
        dir.display()
    );
    eprintln!(
        "NOTICE: skipping: official vectors not found at {} (set AGILIS_VECTORS to run this test)",
        dir.display()
    );
    None
}

/// Reads `$AGILIS_VECTORS/<sub>/<file>` if the vector directory exists (see [`vectors_dir`]).
pub fn read_vectors(sub: &str, file: &str) -> Option<String> {
    let path = vectors_dir(sub)?.join(file);
    Some(
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())),
    )
}

/// Decodes hex, panicking with the offending text (test input only).
pub fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s.trim()).unwrap_or_else(|e| panic!("bad hex in vector file ({e}): {s:.40}"))
}

/// One `Count = n` block of an LWC KAT file, field name → value.
pub type Record = HashMap<String, String>;

/// Parses the LWC KAT format (`Name = HEX` lines, blank-line separated
/// records) and checks that the records are numbered 1, 2, 3, ...
pub fn lwc_kat_records(text: &str) -> Vec<Record> {
    let mut records = Vec::new();
    let mut current = Record::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                records.push(std::mem::take(&mut current));
            }
            continue;
        }
        let (name, value) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("malformed KAT line: {line}"));
        current.insert(name.trim().to_owned(), value.trim().to_owned());
    }
    if !current.is_empty() {
        records.push(current);
    }
    for (i, r) in records.iter().enumerate() {
        assert_eq!(
            r["Count"],
            (i + 1).to_string(),
            "KAT records out of sequence"
        );
    }
    records
}

pub fn kat_field(r: &Record, name: &str) -> Vec<u8> {
    unhex(
        r.get(name)
            .unwrap_or_else(|| panic!("record {} lacks {name}", r["Count"])),
    )
}

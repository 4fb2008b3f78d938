//! The Ascon-AEAD128 known-answer tests (LWC KAT format), and where they live.

use std::path::{Path, PathBuf};

/// The KAT file, under `$AGILIS_VECTORS` (default `../shared/vectors`).
pub const ASCON_SUBDIR: &str = "ascon";
pub const ASCON_FILE: &str = "asconaead128_LWC_AEAD_KAT_128_128.txt";
/// How many records the file has; a different count is an error.
pub const ASCON_COUNT: usize = 1089;
pub const TAG_LEN: usize = 16;

/// One `Count = n` record.
#[derive(Debug, Clone)]
pub struct Kat {
    pub count: usize,
    pub key: Vec<u8>,
    pub nonce: Vec<u8>,
    pub pt: Vec<u8>,
    pub ad: Vec<u8>,
    /// Ciphertext ‖ tag.
    pub ct: Vec<u8>,
}

/// `$AGILIS_VECTORS`, or `../shared/vectors` relative to the repository root.
pub fn vectors_base(repo: &Path) -> PathBuf {
    match std::env::var_os("AGILIS_VECTORS") {
        Some(v) => PathBuf::from(v),
        None => repo.join("../shared/vectors"),
    }
}

fn unhex(s: &str, what: &str, count: &str) -> Result<Vec<u8>, String> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) {
        return Err(format!(
            "KAT {count}: {what} has an odd number of hex digits"
        ));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&s[i..i + 2], 16)
                .map_err(|_| format!("KAT {count}: {what} is not hex: {s:.40}"))
        })
        .collect()
}

/// Parses the LWC KAT text; records must be numbered 1, 2, 3, ...
pub fn parse(text: &str) -> Result<Vec<Kat>, String> {
    let mut blocks: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            if !blocks.last().is_some_and(Vec::is_empty) {
                blocks.push(Vec::new());
            }
            continue;
        }
        let (name, value) = line
            .split_once('=')
            .ok_or_else(|| format!("malformed KAT line: {line}"))?;
        blocks
            .last_mut()
            .expect("at least one block")
            .push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let mut kats = Vec::new();
    for block in blocks.into_iter().filter(|b| !b.is_empty()) {
        let get = |name: &str| {
            block
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .ok_or_else(|| format!("KAT record lacks {name}: {block:?}"))
        };
        let count = get("Count")?;
        let kat = Kat {
            count: count
                .parse()
                .map_err(|_| format!("bad KAT Count {count}"))?,
            key: unhex(get("Key")?, "Key", count)?,
            nonce: unhex(get("Nonce")?, "Nonce", count)?,
            pt: unhex(get("PT")?, "PT", count)?,
            ad: unhex(get("AD")?, "AD", count)?,
            ct: unhex(get("CT")?, "CT", count)?,
        };
        if kat.count != kats.len() + 1 {
            return Err(format!(
                "KAT records out of sequence at Count = {}",
                kat.count
            ));
        }
        if kat.ct.len() != kat.pt.len() + TAG_LEN {
            return Err(format!("KAT {count}: CT is not ciphertext ‖ 16-byte tag"));
        }
        kats.push(kat);
    }
    Ok(kats)
}

/// Reads and parses the Ascon-AEAD128 KAT file, checking the record count.
pub fn load_ascon(dir: &Path) -> Result<Vec<Kat>, String> {
    let path = dir.join(ASCON_FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let kats = parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if kats.len() != ASCON_COUNT {
        return Err(format!(
            "{}: {} records, expected {ASCON_COUNT}",
            path.display(),
            kats.len()
        ));
    }
    Ok(kats)
}

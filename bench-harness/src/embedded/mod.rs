//! The 8-bit and 32-bit targets: firmware images built from
//! `bench-harness/targets/*` (each its own cargo project and lock file, outside
//! the workspace), run under simavr (ATmega328P, cycle-exact) and QEMU
//! (Cortex-M4, instruction counts). Both check the 1089 Ascon-AEAD128 KATs
//! (seal, open, tampered open) in the simulated chip, then measure.
//!
//! The record stream that drives an image is described in `records.rs`; what
//! the images print is described at the top of each firmware's `main.rs`.

pub mod avr;
pub mod cortex_m;
pub mod elf;
pub mod kat;
pub mod records;
pub mod tools;

use kat::Kat;

/// One line the firmware printed: a tag letter, hex fields, and the bytes of
/// the `=<hex>` lines that followed it.
#[derive(Debug, Clone)]
pub struct Event {
    pub tag: char,
    pub fields: Vec<String>,
    pub blob: Vec<u8>,
}

impl Event {
    /// Field `i` as a hexadecimal number.
    pub fn num(&self, i: usize) -> Result<u64, String> {
        let f = self.fields.get(i).ok_or_else(|| {
            format!(
                "firmware line {} lacks field {i}: {:?}",
                self.tag, self.fields
            )
        })?;
        u64::from_str_radix(f, 16)
            .map_err(|_| format!("firmware line {}: field {f} is not hex", self.tag))
    }

    /// Field counted from the end (0 = last).
    pub fn num_back(&self, i: usize) -> Result<u64, String> {
        let n = self.fields.len();
        if i >= n {
            return Err(format!(
                "firmware line {} has too few fields: {:?}",
                self.tag, self.fields
            ));
        }
        self.num(n - 1 - i)
    }
}

/// Parses firmware output lines (already stripped of simulator decoration).
pub fn parse_events<'a>(lines: impl Iterator<Item = &'a str>) -> Result<Vec<Event>, String> {
    let mut events: Vec<Event> = Vec::new();
    for line in lines {
        let line = line.trim_end();
        let Some(tag) = line.chars().next() else {
            continue;
        };
        if tag == '=' {
            let hex = &line[1..];
            let last = events
                .last_mut()
                .ok_or_else(|| format!("firmware printed data before any record line: {line}"))?;
            for i in (0..hex.len()).step_by(2) {
                let byte = hex
                    .get(i..i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("firmware printed bad hex: {line}"))?;
                last.blob.push(byte);
            }
            continue;
        }
        events.push(Event {
            tag,
            fields: line[1..].split_whitespace().map(str::to_owned).collect(),
            blob: Vec::new(),
        });
    }
    Ok(events)
}

/// Checks for a panic, an API error, and the end marker.
pub fn check_completed(events: &[Event], what: &str) -> Result<(), String> {
    if let Some(e) = events.iter().find(|e| e.tag == 'P') {
        return Err(format!("{what}: the firmware panicked {:?}", e.fields));
    }
    if let Some(e) = events.iter().find(|e| e.tag == 'X') {
        return Err(format!(
            "{what}: the firmware reported an error: {}",
            e.fields.join(" ")
        ));
    }
    if events.last().map(|e| e.tag) != Some('Z') {
        return Err(format!(
            "{what}: the firmware stopped before the end of its records"
        ));
    }
    Ok(())
}

/// Matches the S/O/T lines to `kats` and checks every output: the sealed
/// ciphertext ‖ tag, the opened plaintext, and that a flipped tag bit is
/// rejected with the buffer wiped.
pub fn check_kats(events: &[Event], kats: &[Kat], what: &str) -> Result<(), String> {
    check_completed(events, what)?;
    let ops: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e.tag, 'S' | 'O' | 'T'))
        .collect();
    if ops.len() != 3 * kats.len() {
        return Err(format!(
            "{what}: {} result lines for {} KATs (expected 3 each)",
            ops.len(),
            kats.len()
        ));
    }
    let mut failures = Vec::new();
    for (kat, three) in kats.iter().zip(ops.chunks(3)) {
        let (s, o, t) = (three[0], three[1], three[2]);
        if (s.tag, o.tag, t.tag) != ('S', 'O', 'T') {
            return Err(format!(
                "{what}: KAT {}: result lines out of order",
                kat.count
            ));
        }
        if s.blob != kat.ct {
            failures.push(format!(
                "KAT {} seal: got {}, expected {}",
                kat.count,
                hex(&s.blob),
                hex(&kat.ct)
            ));
        }
        match o.num_back(0)? {
            1 if o.blob == kat.pt => {}
            1 => failures.push(format!(
                "KAT {} open: got {}, expected {}",
                kat.count,
                hex(&o.blob),
                hex(&kat.pt)
            )),
            _ => failures.push(format!(
                "KAT {} open: the KAT's tag was rejected",
                kat.count
            )),
        }
        if t.num(0)? != 1 {
            failures.push(format!(
                "KAT {} tampered open: a flipped tag bit was accepted",
                kat.count
            ));
        } else if t.num(1)? != 1 {
            failures.push(format!(
                "KAT {} tampered open: the buffer was not wiped",
                kat.count
            ));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        let n = failures.len();
        failures.truncate(10);
        Err(format!(
            "{what}: {n} KAT checks failed:\n  {}",
            failures.join("\n  ")
        ))
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where the JSON goes by default: `bench-harness/results/<target>.json`.
pub fn default_json(target: &str) -> std::path::PathBuf {
    tools::repo_root()
        .join("bench-harness/results")
        .join(format!("{target}.json"))
}

/// Writes `value` as pretty JSON, creating the directory.
pub fn write_json(path: &std::path::Path, value: &serde_json::Value) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(value).expect("JSON value serializes") + "\n";
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Seconds since the Unix epoch (for the JSON's timestamp).
pub fn unix_time() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

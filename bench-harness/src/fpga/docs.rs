//! The generated block of docs/hardware.md, and the report date. Pure
//! functions (tested in `tests/fpga_docs.rs`).

use std::path::Path;

/// Markers of the generated block in docs/hardware.md.
pub const BEGIN_MARKER: &str = "<!-- BEGIN bench-harness fpga: generated, do not edit by hand -->";
pub const END_MARKER: &str = "<!-- END bench-harness fpga -->";

/// Replaces the text between the markers of `path` by `block`.
pub fn replace_block(doc: &str, block: &str) -> Result<String, String> {
    let begin = doc.find(BEGIN_MARKER).ok_or("the begin marker is missing")?;
    let after_begin = begin + BEGIN_MARKER.len();
    let end = doc[after_begin..].find(END_MARKER).ok_or("the end marker is missing")? + after_begin;
    Ok(format!("{}\n{}\n{}", &doc[..after_begin], block.trim_end(), &doc[end..]))
}

pub fn write_docs_block(path: &Path, block: &str) -> Result<(), String> {
    let doc = std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e} (use --no-docs to skip the docs)", path.display()))?;
    let new = replace_block(&doc, block)
        .map_err(|e| format!("{}: {e}; add the markers\n{BEGIN_MARKER}\n{END_MARKER}\nor pass --no-docs", path.display()))?;
    std::fs::write(path, new).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock.
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    civil_from_days((secs / 86_400) as i64)
}

/// Howard Hinnant's days-to-civil algorithm.
pub fn civil_from_days(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

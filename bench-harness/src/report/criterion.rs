//! Criterion's stored results: the median of every benchmark of a run, read
//! from `<criterion home>/**/new/estimates.json` and the `benchmark.json`
//! beside it (times in nanoseconds).

use std::path::Path;

use serde_json::Value;

/// One benchmark's median.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Median {
    /// Criterion's full id, e.g. `aead/aes-256-gcm/seal/16384/agilis`.
    pub id: String,
    pub median_ns: f64,
    /// Bytes per iteration, when the benchmark declared a byte throughput.
    pub bytes: Option<u64>,
}

impl Median {
    /// Gb/s (10^9 bits per second) when the benchmark declared its bytes.
    pub fn gbps(&self) -> Option<f64> {
        self.bytes.map(|b| gbps(b, self.median_ns))
    }
}

/// Bits per nanosecond is Gb/s.
pub fn gbps(bytes: u64, ns: f64) -> f64 {
    if ns > 0.0 {
        8.0 * bytes as f64 / ns
    } else {
        0.0
    }
}

/// Every median under `home` (criterion's output directory), sorted by id.
/// A missing directory gives no medians; an unreadable result is an error.
pub fn read_medians(home: &Path) -> Result<Vec<Median>, String> {
    let mut files = Vec::new();
    find_estimates(home, &mut files)?;
    let mut out = Vec::new();
    for estimates in files {
        let dir = estimates.parent().expect("estimates.json has a directory");
        let read = |p: &Path| -> Result<Value, String> {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            serde_json::from_str(&text)
                .map_err(|e| format!("{} is not criterion JSON: {e}", p.display()))
        };
        let est = read(&estimates)?;
        let bench = read(&dir.join("benchmark.json"))?;
        let median_ns = est["median"]["point_estimate"]
            .as_f64()
            .ok_or_else(|| format!("{}: no median.point_estimate", estimates.display()))?;
        let id = bench["full_id"]
            .as_str()
            .ok_or_else(|| format!("{}: no full_id", dir.join("benchmark.json").display()))?
            .to_string();
        let t = &bench["throughput"];
        let bytes = t["Bytes"].as_u64().or_else(|| t["BytesDecimal"].as_u64());
        out.push(Median {
            id,
            median_ns,
            bytes,
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

fn find_estimates(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            find_estimates(&path, out)?;
        } else if path.file_name().is_some_and(|n| n == "estimates.json")
            && path
                .parent()
                .and_then(Path::file_name)
                .is_some_and(|n| n == "new")
        {
            out.push(path);
        }
    }
    Ok(())
}

/// The median of `id`, if it was measured.
pub fn find<'a>(medians: &'a [Median], id: &str) -> Option<&'a Median> {
    medians.iter().find(|m| m.id == id)
}

/// A time in ns with three significant digits and a unit (as the tables print it).
pub fn fmt_time(ns: f64) -> String {
    for (unit, scale) in [("s", 1e9), ("ms", 1e6), ("µs", 1e3)] {
        if ns >= scale {
            return format!("{} {unit}", sig3(ns / scale));
        }
    }
    format!("{} ns", sig3(ns))
}

/// Three significant digits, no trailing zeros (like Python's `{:.3g}` for 0.001..1e6).
pub fn sig3(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = x.abs().log10().floor() as i32;
    let decimals = (2 - digits).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

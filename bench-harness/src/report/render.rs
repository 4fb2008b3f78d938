//! Turns the inputs of a run into its outputs (the page, the plots, the JSON)
//! and writes them.

use std::path::Path;

use serde_json::{Value, json};

use super::figures::{self, Comparison};
use super::inputs::Inputs;
use super::{markdown, plots, published};

/// Everything a report writes.
pub struct Rendered {
    /// docs/benchmarks.md.
    pub markdown: String,
    /// (file name under docs/plots/, SVG text).
    pub plots: Vec<(String, String)>,
    /// bench-harness/results/report.json.
    pub json: Value,
    /// What the command prints on stdout: the same tables as the page.
    pub summary: String,
}

pub fn render(inp: &Inputs) -> Rendered {
    let comparison = figures::ascon_comparison(inp);
    let plots = plots::plots(inp);
    let markdown = markdown::page(inp, &comparison, &plots);
    let summary = markdown::summary(inp, &comparison);
    let json = report_json(inp, &comparison);
    Rendered {
        markdown,
        plots: plots
            .iter()
            .map(|p| (p.file.to_string(), p.chart.to_svg()))
            .collect(),
        json,
        summary,
    }
}

fn report_json(inp: &Inputs, comparison: &[Comparison]) -> Value {
    let host = inp.host.as_deref();
    json!({
        "schema": "agilis bench-harness report v1",
        "meta": inp.meta,
        "units": {
            "median_ns": "criterion median, nanoseconds per operation, one core",
            "gbps": "8 * bytes / median_ns (10^9 bits per second)",
            "comparison": "each row names its unit; `estimate` marks figures derived under a stated assumption",
            "handover": "milliseconds (*_ms), bytes, handovers per second per edge core; see docs/handover.md",
            "avr": "see avr.units (cycles are simavr CPU cycles at 16 MHz)",
            "cortex_m": "see cortex_m.units (instructions, not cycles)",
            "fpga": "see fpga.json's fields: LUTs from Yosys stat, Mb/s at an estimated clock",
        },
        "published": {
            "lwc_16_16": published::LWC,
            "host_peers": published::HOST,
            "source": "../shared/TARGETS.md",
        },
        "comparison": comparison,
        "host": host.map(|m| json!({
            "medians": m.iter().map(|x| json!({"id": x.id, "median_ns": x.median_ns, "bytes": x.bytes, "gbps": x.gbps()})).collect::<Vec<_>>(),
            "beside_peers": figures::host_rows(m),
            "dispatch": figures::dispatch(m),
        })),
        "handshake": inp.handshake.as_deref().map(|m| figures::handshakes(m).into_iter()
            .map(|(suite, role, ns)| json!({"suite": suite, "role": role, "median_ns": ns})).collect::<Vec<_>>()),
        "handover": inp.handover,
        "avr": inp.avr,
        "cortex_m": inp.cortex_m,
        "fpga": inp.fpga.as_ref().map(|f| json!({
            "source": f.path, "rerun_in_this_run": f.rerun, "commit": f.commit, "figures": f.json,
        })),
        "offload": inp.offload.as_ref().map(|o| json!({
            "source": "bench-harness/results/offload.json", "rerun_in_this_run": false, "figures": o,
        })),
    })
}

/// Writes the page and plots under `docs` (when given) and the JSON to `json_path`.
/// Returns the paths written.
pub fn write(r: &Rendered, docs: Option<&Path>, json_path: &Path) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    let put = |path: &Path, text: &str, written: &mut Vec<String>| -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path.display().to_string());
        Ok(())
    };
    if let Some(docs) = docs {
        put(&docs.join("benchmarks.md"), &r.markdown, &mut written)?;
        for (file, svg) in &r.plots {
            put(&docs.join("plots").join(file), svg, &mut written)?;
        }
    }
    let text = serde_json::to_string_pretty(&r.json)
        .map_err(|e| format!("serializing the report: {e}"))?
        + "\n";
    put(json_path, &text, &mut written)?;
    Ok(written)
}

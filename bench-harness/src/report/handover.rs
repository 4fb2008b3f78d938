//! The handover section of docs/benchmarks.md: the SecCDV baseline beside
//! agilis, read from the figures `bench-harness handover` measures (the
//! shape of results/handover.json, which the report stage holds as JSON).
//! The scheme, the cost model and the primitives stay on docs/handover.md.

use std::fmt::Write as _;

use serde_json::Value;

use super::criterion::fmt_time;
use super::inputs::Inputs;
use super::markdown::not_measured;

/// The section's title.
pub const TITLE: &str = "## Vehicle handover: the SecCDV baseline beside agilis";

/// The table's header, as `bench-harness handover` prints it.
const HEADER: &str = "| scheme | ring m | vehicle precompute | vehicle online | vehicle response | edge | bytes on the air | handovers/s per edge core |\n\
                      |---|---:|---:|---:|---:|---:|---:|---:|\n";

/// The section, or why the stage measured nothing.
pub fn section(s: &mut String, inp: &Inputs) {
    let _ = writeln!(s, "{TITLE}\n");
    match &inp.handover {
        Some(h) => figures(s, h),
        None => not_measured(s, inp, "handover"),
    }
}

/// The section's body from the handover figures `h`: a short note, the
/// table, the goal check, the baseline's provenance and the link to the details.
pub fn figures(s: &mut String, h: &Value) {
    let _ = writeln!(
        s,
        "Medians of {} handovers per phase on one core, measured in this run by the code of `bench-harness handover`\n\
         (alone: `{}`).\n",
        h["iterations"].as_u64().unwrap_or(0),
        h["command"].as_str().unwrap_or("bench-harness handover")
    );
    table(s, h);
    goal(s, h);
    s.push_str(
        "The SecCDV baseline is a reconstruction from the paper's published cost model (edge `4 T_h + (7+m) T_m`, vehicle `3 T_h + 4 T_m`; P-256, SHA-256), not the paper's equations.\n\n\
         Details (the scheme, the cost model against this machine's `T_m` and `T_h`, agilis's configuration): [handover.md](handover.md).\n\n",
    );
}

/// The table of the baseline rows and agilis's row (or why it has none).
fn table(s: &mut String, h: &Value) {
    let time = |v: &Value| v.as_f64().map_or("-".into(), |ms| fmt_time(ms * 1e6));
    let count = |v: &Value| v.as_u64().map_or("-".into(), |n| n.to_string());
    let rate = |v: &Value| v.as_f64().map_or("-".into(), |r| format!("{r:.0}"));
    s.push_str(HEADER);
    for r in h["baseline"].as_array().into_iter().flatten() {
        let _ = writeln!(
            s,
            "| SecCDV baseline (P-256) | {} | {} | {} | {} | {} | {} | {} |",
            count(&r["m"]),
            time(&r["vehicle_precompute"]["median_ms"]),
            time(&r["vehicle_online"]["median_ms"]),
            time(&r["vehicle_response"]["median_ms"]),
            time(&r["edge"]["median_ms"]),
            count(&r["bytes_on_air"]),
            rate(&r["handovers_per_sec_per_core"]),
        );
    }
    let a = &h["agilis"];
    if a.is_object() {
        let _ = writeln!(
            s,
            "| agilis | – | {} | {} | {} | {} | {} | {} |",
            time(&a["vehicle_precompute_ms"]),
            time(&a["vehicle_online_ms"]),
            time(&a["vehicle_response_ms"]),
            time(&a["edge_ms"]),
            count(&a["bytes_on_air"]),
            rate(&a["handovers_per_sec_per_core"]),
        );
    } else {
        let _ = writeln!(
            s,
            "\nagilis: not measured ({}).",
            h["agilis_error"].as_str().unwrap_or("no figures")
        );
    }
    s.push('\n');
}

/// The two goals, with the verdicts the measurement recorded.
fn goal(s: &mut String, h: &Value) {
    let g = &h["goal"];
    let time = |v: &Value| v.as_f64().map_or("?".into(), |ms| fmt_time(ms * 1e6));
    let verdict = |met: &Value, value: &Value| match met.as_bool() {
        Some(true) => format!("**met** ({})", time(value)),
        Some(false) => format!("**missed** ({})", time(value)),
        None => "not measured".into(),
    };
    let _ = writeln!(
        s,
        "- agilis edge cost ≤ ½ of the SecCDV edge cost at m = 15 (≤ {}): {}",
        time(&g["edge_limit_ms"]),
        verdict(&g["edge_met"], &h["agilis"]["edge_ms"])
    );
    let _ = writeln!(
        s,
        "- agilis vehicle online cost ≤ {}: {}\n",
        time(&g["vehicle_online_limit_ms"]),
        verdict(&g["vehicle_online_met"], &h["agilis"]["vehicle_online_ms"])
    );
}

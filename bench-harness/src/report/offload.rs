//! The offload figures as markdown, from results/offload.json's shape
//! (`bench-harness offload` writes it): the tables of docs/offload.md and
//! the offload section of docs/benchmarks.md, which reads the stored file.

use std::fmt::Write as _;

use serde_json::Value;

use super::criterion::fmt_time;

/// The benchmarks.md section's title.
pub const TITLE: &str = "## AEAD offload: software, the simulated card, the dispatcher";

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn rate(v: &Value) -> String {
    let x = num(v);
    if !x.is_finite() {
        "-".into()
    } else if x >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn count(v: &Value) -> String {
    v.as_u64().map_or("-".into(), |n| n.to_string())
}

fn seconds(v: &Value) -> String {
    let x = num(v);
    if x.is_finite() { fmt_time(x * 1e9) } else { "-".into() }
}

/// "64 B", "16 KiB".
pub fn size(bytes: u64) -> String {
    if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} B")
    }
}

fn size_of(v: &Value) -> String {
    v.as_u64().map_or("-".into(), size)
}

/// The card column's name: the clock for a simulated card.
fn card_label(o: &Value) -> String {
    match o["clock"]["mhz"].as_f64() {
        Some(mhz) => format!("card (sim, {mhz:.1} MHz)"),
        None => "card (wall clock)".into(),
    }
}

/// Throughput per engine, MB/s = 10^6 message bytes per second.
pub fn throughput_table(s: &mut String, o: &Value) {
    let card = card_label(o);
    let _ = writeln!(
        s,
        "| AEAD | message | op | software MB/s | software jobs/s | {card} MB/s | card jobs/s | card/software | card ticks per batch | MMIO reads / writes, irq waits per batch | auto MB/s | auto jobs/s | auto: jobs to card / software |"
    );
    s.push_str("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for r in o["throughput"].as_array().into_iter().flatten() {
        let ratio = num(&r["card"]["mb_per_s"]) / num(&r["software"]["mb_per_s"]);
        let bus = &r["card"]["bus"];
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} / {}, {} | {} | {} | {} / {} |",
            r["aead"].as_str().unwrap_or("?"),
            size_of(&r["size"]),
            r["direction"].as_str().unwrap_or("?"),
            rate(&r["software"]["mb_per_s"]),
            rate(&r["software"]["jobs_per_s"]),
            rate(&r["card"]["mb_per_s"]),
            rate(&r["card"]["jobs_per_s"]),
            if ratio.is_finite() { format!("{ratio:.2}") } else { "-".into() },
            count(&r["card"]["ticks"]),
            count(&bus["mmio_reads"]),
            count(&bus["mmio_writes"]),
            count(&bus["interrupt_waits"]),
            rate(&r["auto"]["mb_per_s"]),
            rate(&r["auto"]["jobs_per_s"]),
            count(&r["auto"]["card_jobs"]),
            count(&r["auto"]["software_jobs"]),
        );
    }
    s.push('\n');
}

/// The ruler in each mode beside mode off.
pub fn ruler_table(s: &mut String, o: &Value) {
    s.push_str("| AEAD | message | ruler | jobs checked / jobs | MB/s | jobs/s | time per batch | of it card | over mode off |\n");
    s.push_str("|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for r in o["ruler"].as_array().into_iter().flatten() {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} / {} | {} | {} | {} | {} | {:+.1}% |",
            r["aead"].as_str().unwrap_or("?"),
            size_of(&r["size"]),
            r["mode"].as_str().unwrap_or("?"),
            count(&r["checks"]),
            count(&r["jobs"]),
            rate(&r["mb_per_s"]),
            rate(&r["jobs_per_s"]),
            seconds(&r["seconds_per_batch"]),
            seconds(&r["card_seconds_per_batch"]),
            num(&r["overhead_percent"]),
        );
    }
    s.push('\n');
}

/// The crossover grid: seal MB/s per size, one column pair per AEAD.
pub fn grid_table(s: &mut String, o: &Value) {
    let rows: Vec<&Value> = o["grid"].as_array().into_iter().flatten().collect();
    let mut aeads: Vec<&str> = Vec::new();
    let mut sizes: Vec<u64> = Vec::new();
    for r in &rows {
        let a = r["aead"].as_str().unwrap_or("?");
        if !aeads.contains(&a) {
            aeads.push(a);
        }
        let n = r["size"].as_u64().unwrap_or(0);
        if !sizes.contains(&n) {
            sizes.push(n);
        }
    }
    s.push_str("| message |");
    for a in &aeads {
        let _ = write!(s, " {a} software MB/s | {a} card MB/s |");
    }
    s.push_str("\n|---:|");
    for _ in &aeads {
        s.push_str("---:|---:|");
    }
    s.push('\n');
    for n in sizes {
        let _ = write!(s, "| {} |", size(n));
        for a in &aeads {
            let cell = rows.iter().find(|r| r["aead"] == *a && r["size"].as_u64() == Some(n));
            match cell {
                Some(r) => {
                    let ahead = num(&r["card_mb_per_s"]) >= num(&r["software_mb_per_s"]);
                    let card = rate(&r["card_mb_per_s"]);
                    let _ = write!(
                        s,
                        " {} | {} |",
                        rate(&r["software_mb_per_s"]),
                        if ahead { format!("**{card}**") } else { card }
                    );
                }
                None => s.push_str(" - | - |"),
            }
        }
        s.push('\n');
    }
    s.push('\n');
}

/// Assumed costs of the worked latency example (not measured here).
pub const ASSUMED_READ_US: f64 = 1.0;
pub const ASSUMED_INTERRUPT_US: f64 = 5.0;

/// The card's seal rows again, with an assumed PCIe cost added: each
/// register read a round trip of [`ASSUMED_READ_US`], each interrupt wait
/// [`ASSUMED_INTERRUPT_US`] (posted writes free). An illustration of how to
/// use the MMIO columns, labelled as such.
pub fn latency_example(s: &mut String, o: &Value) {
    let _ = writeln!(
        s,
        "| AEAD | message | card MB/s (simulated) | + {ASSUMED_READ_US} µs per read, {ASSUMED_INTERRUPT_US} µs per interrupt wait: MB/s | software MB/s |"
    );
    s.push_str("|---|---:|---:|---:|---:|
");
    for r in o["throughput"].as_array().into_iter().flatten().filter(|r| r["direction"] == "seal") {
        let card_s = num(&r["card"]["seconds_per_batch"]);
        let bus = &r["card"]["bus"];
        let extra = (num(&bus["mmio_reads"]) * ASSUMED_READ_US + num(&bus["interrupt_waits"]) * ASSUMED_INTERRUPT_US) * 1e-6;
        let bytes = num(&r["size"]) * num(&o["batch_jobs"]);
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            r["aead"].as_str().unwrap_or("?"),
            size_of(&r["size"]),
            rate(&r["card"]["mb_per_s"]),
            rate(&Value::from(bytes / (card_s + extra) / 1e6)),
            rate(&r["software"]["mb_per_s"]),
        );
    }
    s.push('\n');
}

/// One line per AEAD: its crossover, how many grid sizes it routes to the
/// faster engine, and where the card is first ahead.
pub fn crossover_lines(s: &mut String, o: &Value) {
    let grid: Vec<&Value> = o["grid"].as_array().into_iter().flatten().collect();
    for c in o["crossover"].as_array().into_iter().flatten() {
        let aead = c["aead"].as_str().unwrap_or("?");
        let best = grid
            .iter()
            .filter(|r| r["aead"] == aead)
            .map(|r| (r["size"].as_u64().unwrap_or(0), num(&r["card_mb_per_s"]) / num(&r["software_mb_per_s"])))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let threshold = c["size"].as_u64().map_or("never".into(), size);
        let first = match c["first_card_win"].as_u64() {
            Some(n) => format!("the card is first at least as fast at {}", size(n)),
            None => "the card is behind at every size".into(),
        };
        let best = best.map_or(String::new(), |(n, r)| format!("; its best: {r:.2} x software, at {}", size(n)));
        let _ = writeln!(
            s,
            "- {aead}: **{threshold}** (sends {} of {} grid sizes to the faster engine; {first}{best})",
            count(&c["routed_right"]),
            count(&c["grid_sizes"]),
        );
    }
    s.push('\n');
}

/// Card, clock, batch and run counts in a few lines.
pub fn setup_lines(s: &mut String, o: &Value) {
    let c = &o["card"];
    let card = match c["kind"].as_str() {
        Some("sim") => format!(
            "simulated card `{}` (Verilator): {} lanes, {} Ascon-AEAD128 and {} AES-256-GCM, messages up to {} (CAPS MAX_LEN)",
            c["model"].as_str().unwrap_or("?"),
            count(&c["lanes"]),
            count(&c["ascon_lanes"]),
            count(&c["aes_lanes"]),
            size_of(&c["max_len"])
        ),
        _ => format!("a real card through VFIO: {} lanes", count(&c["lanes"])),
    };
    let _ = writeln!(s, "- Card: {card}.");
    match o["clock"]["mhz"].as_f64() {
        Some(mhz) => {
            let _ = writeln!(
                s,
                "- Clock: **{mhz:.1} MHz**, from {}.",
                o["clock"]["source"].as_str().unwrap_or("?")
            );
        }
        None => s.push_str("- Clock: wall clock (a real card).\n"),
    }
    let _ = writeln!(s, "- Time: {}.", o["time_model"].as_str().unwrap_or("?"));
    let _ = writeln!(
        s,
        "- Batches of {} jobs of one size under one key (the dispatcher's `max_batch`), {} B of associated data each; MB/s counts message bytes (10^6 B/s).",
        count(&o["batch_jobs"]),
        count(&o["ad_len"])
    );
    let _ = writeln!(
        s,
        "- Software: median of {} runs, each of at least {} of messages. Auto (when it uses the card) and the ruler: median of {} runs for batches up to {}, one run above. The card alone: one batch (simulated cycles are deterministic). Every output of the card, the dispatcher and the ruler is compared with the software engine's: all identical.",
        count(&o["software_runs"]),
        o["run_bytes"].as_u64().map_or("-".into(), size),
        count(&o["card_runs"]),
        o["repeat_card_up_to"].as_u64().map_or("-".into(), size),
    );
    if let Some([start, end]) = o["load_average"].as_array().and_then(|a| Some([a.first()?, a.get(1)?])) {
        let _ = writeln!(
            s,
            "- Host load average (1, 5, 15 min, /proc/loadavg): {} at the start, {} at the end. Software figures are wall clock and move with other work on the machine.",
            start.as_str().unwrap_or("?"),
            end.as_str().unwrap_or("?")
        );
    }
    s.push('\n');
}

/// The benchmarks.md section, from the stored offload.json (None: not measured).
pub fn section(s: &mut String, offload: Option<&Value>) {
    let _ = writeln!(s, "{TITLE}\n");
    let Some(o) = offload else {
        s.push_str("Not measured: run `cargo run --release -p agilis-bench --bin bench-harness -- offload` (bench-harness/results/offload.json).\n\n");
        return;
    };
    let _ = writeln!(
        s,
        "Stored figures from bench-harness/results/offload.json (`{}`, {}), not rerun by this report. Details, the ruler's cost and the limits: [offload.md](offload.md).\n",
        o["command"].as_str().unwrap_or("bench-harness offload"),
        o["date_utc"].as_str().unwrap_or("?"),
    );
    setup_lines(s, o);
    throughput_table(s, o);
    s.push_str("Crossover (the dispatcher's routing threshold, in driver/dispatch.toml):\n\n");
    crossover_lines(s, o);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_and_the_section_carry_the_stored_figures() {
        let o = json!({
            "command": "bench-harness offload", "date_utc": "2026-11-24 05:00 UTC", "load_average": ["5.1 4.9 4.0", "3.2 4.0 4.1"],
            "card": {"kind": "sim", "model": "top_mixed", "lanes": 4, "ascon_lanes": 2, "aes_lanes": 2, "max_len": 1048576},
            "clock": {"mhz": 94.8, "source": "fpga.json"},
            "time_model": "cycles", "batch_jobs": 64, "ad_len": 16, "software_runs": 7, "card_runs": 3, "repeat_card_up_to": 262144, "run_bytes": 4194304,
            "grid": [{"aead": "AES-256-GCM", "size": 16, "software_mb_per_s": 100.0, "card_mb_per_s": 5.0},
                     {"aead": "AES-256-GCM", "size": 1024, "software_mb_per_s": 100.0, "card_mb_per_s": 150.0}],
            "crossover": [{"aead": "AES-256-GCM", "size": 1024, "routed_right": 2, "grid_sizes": 2, "first_card_win": 1024},
                          {"aead": "Ascon-AEAD128", "size": null, "routed_right": 0, "grid_sizes": 0, "first_card_win": null}],
            "throughput": [{"aead": "AES-256-GCM", "size": 1024, "direction": "seal",
                "software": {"mb_per_s": 100.0, "jobs_per_s": 97656.0},
                "card": {"mb_per_s": 150.0, "jobs_per_s": 146484.0, "ticks": 4242, "seconds_per_batch": 0.000437, "bus": {"mmio_reads": 9, "mmio_writes": 5, "interrupt_waits": 3}},
                "auto": {"mb_per_s": 149.0, "jobs_per_s": 145000.0, "card_jobs": 64, "software_jobs": 0}}],
            "ruler": [{"aead": "AES-256-GCM", "size": 1024, "mode": "all", "jobs": 64, "checks": 64, "mb_per_s": 90.0,
                "jobs_per_s": 1.0, "seconds_per_batch": 0.001, "card_seconds_per_batch": 0.0005, "overhead_percent": 66.6}]
        });
        let mut s = String::new();
        throughput_table(&mut s, &o);
        assert!(s.contains("card (sim, 94.8 MHz) MB/s"), "{s}");
        assert!(s.contains("| AES-256-GCM | 1 KiB | seal | 100 | 97656 | 150 | 146484 | 1.50 | 4242 | 9 / 5, 3 | 149 | 145000 | 64 / 0 |"), "{s}");
        let mut latency = String::new();
        latency_example(&mut latency, &o);
        // 65536 B / (437 µs + 9 reads x 1 µs + 3 waits x 5 µs) = 142 MB/s
        assert!(latency.contains("| AES-256-GCM | 1 KiB | 150 | 142 | 100 |"), "{latency}");
        ruler_table(&mut s, &o);
        assert!(s.contains("| all | 64 / 64 | 90.0 |") && s.contains("+66.6%"), "{s}");
        grid_table(&mut s, &o);
        assert!(s.contains("| 16 B | 100 | 5.0 |") && s.contains("| 1 KiB | 100 | **150** |"), "{s}");
        let mut sec = String::new();
        section(&mut sec, Some(&o));
        assert!(sec.contains("AES-256-GCM: **1 KiB** (sends 2 of 2 grid sizes to the faster engine; the card is first at least as fast at 1 KiB; its best: 1.50 x software, at 1 KiB)"), "{sec}");
        assert!(sec.contains("Ascon-AEAD128: **never** (sends 0 of 0 grid sizes to the faster engine; the card is behind at every size)"), "{sec}");
        assert!(sec.contains("94.8 MHz") && sec.contains("[offload.md](offload.md)"), "{sec}");
        assert!(sec.contains("5.1 4.9 4.0 at the start, 3.2 4.0 4.1 at the end"), "{sec}");
        let mut none = String::new();
        section(&mut none, None);
        assert!(none.contains("Not measured"));
    }
}

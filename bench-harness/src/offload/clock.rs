//! The clock that turns the simulated card's cycles into time: the clock the
//! synthesis report (`bench-harness fpga`, results/fpga.json) supports for
//! the card's configuration.
//!
//! `agilis_top` has one clock for every lane, so a card with lanes of both
//! kinds runs at the slower of its lane arrays: for `top_mixed` (two Ascon
//! and two AES lanes) the lower fmax of `agilis_top_ascon_x2` and
//! `agilis_top_aes_x2`. The mixed array itself is not synthesized; its
//! shared logic (ring, DMA, registers) is in both single-kind arrays, so its
//! critical path is the longer of theirs unless placement of the larger
//! design lengthens nets, which the report's delay model cannot say.

use serde::Serialize;
use serde_json::Value;

/// The chosen clock and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clock {
    pub mhz: f64,
    /// one line a reader can check against the file
    pub source: String,
    /// the lane arrays it was chosen from: (name, fmax MHz)
    pub arrays: Vec<(String, f64)>,
}

impl Clock {
    pub fn hz(&self) -> f64 {
        self.mhz * 1e6
    }

    /// A clock given on the command line.
    pub fn given(mhz: f64) -> Clock {
        Clock {
            mhz,
            source: format!("{mhz} MHz given with --clock-mhz"),
            arrays: Vec::new(),
        }
    }
}

/// The clock of a card with `ascon_lanes` Ascon and `aes_lanes` AES lanes,
/// from the `lane_arrays` of fpga.json (`fpga`), read from `path`.
pub fn card_clock(fpga: &Value, path: &str, ascon_lanes: u32, aes_lanes: u32) -> Result<Clock, String> {
    let arrays = fpga["lane_arrays"]
        .as_array()
        .ok_or_else(|| format!("{path} has no `lane_arrays`: rerun `bench-harness fpga`"))?;
    let mut chosen = Vec::new();
    for (algorithm, lanes) in [("ascon", ascon_lanes), ("aes", aes_lanes)] {
        if lanes == 0 {
            continue;
        }
        let row = arrays
            .iter()
            .find(|r| {
                r["algorithm"] == algorithm
                    && r["lanes"].as_u64() == Some(u64::from(lanes))
                    && r["source"] == "synthesized"
            })
            .ok_or_else(|| {
                format!(
                    "{path} has no synthesized {algorithm} lane array of {lanes} lanes: run `bench-harness fpga --lanes {lanes}`, or give the clock with --clock-mhz"
                )
            })?;
        let fmax = row["fmax_mhz"]
            .as_f64()
            .filter(|f| f.is_finite() && *f > 0.0)
            .ok_or_else(|| format!("{path}: lane array {} has no fmax_mhz", row["name"]))?;
        chosen.push((row["name"].as_str().unwrap_or(algorithm).to_string(), fmax));
    }
    let (slowest, mhz) = chosen
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .cloned()
        .ok_or("the card has no lanes")?;
    let listed: Vec<String> = chosen.iter().map(|(n, f)| format!("{n} {f:.1} MHz")).collect();
    let source = format!(
        "{path} (bench-harness fpga of {}, delay model {}): fmax of the card's lane arrays {}; one clock drives every lane, so the slowest ({slowest}) sets it",
        fpga["date_utc"].as_str().unwrap_or("an unknown date"),
        fpga["delay_model"]["name"].as_str().unwrap_or("unknown"),
        listed.join(", "),
    );
    Ok(Clock {
        mhz,
        source,
        arrays: chosen,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fixture() -> Value {
        json!({
            "date_utc": "2026-11-24",
            "delay_model": {"name": "artix7-conservative"},
            "lane_arrays": [
                {"name": "agilis_top_ascon_x2", "algorithm": "ascon", "lanes": 2, "source": "synthesized", "fmax_mhz": 127.4},
                {"name": "agilis_top_aes_x2", "algorithm": "aes", "lanes": 2, "source": "synthesized", "fmax_mhz": 94.8},
                {"name": "agilis_top_aes_x4", "algorithm": "aes", "lanes": 4, "source": "synthesized", "fmax_mhz": 90.1},
                {"name": "agilis_top_ascon_x9", "algorithm": "ascon", "lanes": 9, "source": "extrapolated", "fmax_mhz": 125.8}
            ]
        })
    }

    #[test]
    fn a_mixed_card_runs_at_its_slower_lane_array() {
        let clock = card_clock(&fixture(), "fpga.json", 2, 2).unwrap();
        assert_eq!(clock.mhz, 94.8);
        assert_eq!(clock.hz(), 94.8e6);
        assert_eq!(clock.arrays.len(), 2);
        assert!(clock.source.contains("agilis_top_ascon_x2 127.4 MHz"), "{}", clock.source);
        assert!(clock.source.contains("slowest (agilis_top_aes_x2)"), "{}", clock.source);
        assert!(clock.source.contains("2026-11-24") && clock.source.contains("artix7-conservative"));
    }

    #[test]
    fn a_single_kind_card_takes_its_own_array_and_extrapolations_do_not_count() {
        assert_eq!(card_clock(&fixture(), "f", 2, 0).unwrap().mhz, 127.4);
        assert_eq!(card_clock(&fixture(), "f", 0, 4).unwrap().mhz, 90.1);
        let missing = card_clock(&fixture(), "f", 9, 0).unwrap_err();
        assert!(missing.contains("no synthesized ascon lane array of 9 lanes"), "{missing}");
        assert!(card_clock(&json!({}), "f", 2, 2).unwrap_err().contains("no `lane_arrays`"));
        assert!(card_clock(&fixture(), "f", 0, 0).is_err());
    }
}

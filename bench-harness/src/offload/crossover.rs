//! The crossover (the smallest message the card should get) and the
//! dispatcher's configuration file that records it. Pure functions.

use agilis_driver::dispatch::DispatchConfig;

/// One message size of the crossover grid: throughputs in the same unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub size: usize,
    pub software: f64,
    pub card: f64,
}

/// The smallest size from which on the card's throughput is at least the
/// software engine's at every larger size of the grid; `None` ("never")
/// when the card is behind at the largest size. The dispatcher sends every
/// job at or above the crossover to the card, so a size where the card wins
/// only between losses does not count.
pub fn crossover(points: &[Point]) -> Option<usize> {
    let mut sorted = points.to_vec();
    sorted.sort_by_key(|p| p.size);
    let mut found = None;
    for p in sorted.iter().rev() {
        if p.card >= p.software {
            found = Some(p.size);
        } else {
            break;
        }
    }
    found
}

/// `never` for no crossover, else the size.
pub fn crossover_value(size: usize) -> String {
    if size == usize::MAX {
        "\"never\"".into()
    } else {
        size.to_string()
    }
}

/// `driver/dispatch.toml`: a header of comment lines (`header`, each
/// prefixed with `# `) and every key of `config`.
pub fn config_text(config: &DispatchConfig, header: &[String]) -> String {
    let mut s = String::new();
    for line in header {
        if line.is_empty() {
            s.push_str("#\n");
        } else {
            s.push_str(&format!("# {line}\n"));
        }
    }
    s.push_str("[dispatch]\n");
    s.push_str(&format!(
        "ascon_aead128_crossover = {}\n",
        crossover_value(config.ascon_aead128_crossover)
    ));
    s.push_str(&format!(
        "aes_256_gcm_crossover = {}\n",
        crossover_value(config.aes_256_gcm_crossover)
    ));
    s.push_str(&format!("max_batch = {}\n", config.max_batch));
    s.push_str(&format!("card_deadline_ms = {}\n", config.card_deadline.as_millis()));
    s.push_str(&format!("retry_card_after_jobs = {}\n", config.retry_card_after_jobs));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn p(size: usize, software: f64, card: f64) -> Point {
        Point { size, software, card }
    }

    #[test]
    fn the_crossover_is_where_the_card_stays_ahead() {
        let grid = [p(16, 100.0, 5.0), p(64, 100.0, 80.0), p(256, 100.0, 100.0), p(1024, 100.0, 300.0)];
        assert_eq!(crossover(&grid), Some(256), "ties go to the card");
        let mut shuffled = grid;
        shuffled.reverse();
        assert_eq!(crossover(&shuffled), Some(256), "order of the points does not matter");
        assert_eq!(crossover(&[p(16, 1.0, 0.5), p(32, 1.0, 0.9)]), None);
        // ahead in the middle only: the dispatcher would send the larger, losing sizes to the card
        assert_eq!(crossover(&[p(16, 1.0, 0.5), p(32, 1.0, 2.0), p(64, 1.0, 0.9)]), None);
        assert_eq!(crossover(&[p(16, 1.0, 2.0), p(32, 1.0, 0.5), p(64, 1.0, 3.0)]), Some(64));
        assert_eq!(crossover(&[p(16, 1.0, 2.0)]), Some(16));
        assert_eq!(crossover(&[]), None);
    }

    #[test]
    fn the_written_config_parses_back_to_the_same_values() {
        let measured = DispatchConfig {
            ascon_aead128_crossover: 2048,
            aes_256_gcm_crossover: usize::MAX,
            max_batch: 48,
            card_deadline: Duration::from_millis(75),
            retry_card_after_jobs: 999,
        };
        let header = vec!["agilis-driver dispatch defaults".to_string(), String::new(), "measured: now".to_string()];
        let text = config_text(&measured, &header);
        assert!(text.starts_with("# agilis-driver dispatch defaults\n#\n# measured: now\n[dispatch]\n"), "{text}");
        assert!(text.contains("aes_256_gcm_crossover = \"never\"\n"), "{text}");
        assert_eq!(DispatchConfig::parse(&text).unwrap(), measured);
        let both = DispatchConfig { aes_256_gcm_crossover: 0, ..measured };
        assert_eq!(DispatchConfig::parse(&config_text(&both, &[])).unwrap(), both);
    }
}

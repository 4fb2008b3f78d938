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

/// The routing threshold: of every choice (each grid size, or never), the
/// one that sends the most grid sizes to the faster engine when sizes below
/// it stay on software and the rest go to the card; `None` is never. Ties go
/// to the larger threshold (fewer jobs on the card). A single threshold is
/// all the dispatcher takes, so an isolated size where one side is ahead by
/// noise does not move it, and a card ahead over a middle band still gets
/// that band when it loses only at the ends.
pub fn crossover(points: &[Point]) -> Option<usize> {
    let mut sorted = points.to_vec();
    sorted.sort_by_key(|p| p.size);
    let right = |threshold: usize| {
        sorted
            .iter()
            .filter(|p| (p.size >= threshold) == (p.card >= p.software))
            .count()
    };
    // Candidates from the largest down (never first), so that ties keep the larger.
    let mut best = (right(usize::MAX), None);
    for p in sorted.iter().rev() {
        let score = right(p.size);
        if score > best.0 {
            best = (score, Some(p.size));
        }
    }
    best.1
}

/// The smallest size at which the card is at least software (the first
/// card win; for reference beside the routing threshold).
pub fn first_card_win(points: &[Point]) -> Option<usize> {
    points.iter().filter(|p| p.card >= p.software).map(|p| p.size).min()
}

/// How many of `points` a threshold sends to the faster engine.
pub fn routed_right(points: &[Point], threshold: Option<usize>) -> usize {
    let t = threshold.unwrap_or(usize::MAX);
    points.iter().filter(|p| (p.size >= t) == (p.card >= p.software)).count()
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
    fn the_crossover_sends_the_most_sizes_to_the_faster_engine() {
        let grid = [p(16, 100.0, 5.0), p(64, 100.0, 80.0), p(256, 100.0, 100.0), p(1024, 100.0, 300.0)];
        assert_eq!(crossover(&grid), Some(256), "ties of throughput go to the card");
        assert_eq!(routed_right(&grid, Some(256)), 4);
        let mut shuffled = grid;
        shuffled.reverse();
        assert_eq!(crossover(&shuffled), Some(256), "order of the points does not matter");
        assert_eq!(crossover(&[p(16, 1.0, 0.5), p(32, 1.0, 0.9)]), None);
        assert_eq!(routed_right(&[p(16, 1.0, 0.5), p(32, 1.0, 0.9)], None), 2);
        // a card ahead over a middle band, behind by a little at the top: it gets the band
        let band = [p(16, 1.0, 0.5), p(32, 1.0, 0.8), p(64, 1.0, 1.3), p(128, 1.0, 1.2), p(256, 1.0, 0.9)];
        assert_eq!(crossover(&band), Some(64));
        assert_eq!(first_card_win(&band), Some(64));
        // one noisy win below the band does not move it (ties: the larger threshold)
        let blip = [p(16, 1.0, 1.1), p(32, 1.0, 0.8), p(64, 1.0, 0.9), p(128, 1.0, 1.2), p(256, 1.0, 1.3)];
        assert_eq!(crossover(&blip), Some(128));
        assert_eq!(first_card_win(&blip), Some(16));
        // ahead at one size only, behind everywhere else: never (a tie with 16 keeps never)
        assert_eq!(crossover(&[p(16, 1.0, 2.0), p(32, 1.0, 0.5), p(64, 1.0, 0.5)]), None);
        assert_eq!(crossover(&[p(16, 1.0, 2.0)]), Some(16));
        assert_eq!(crossover(&[]), None);
        assert_eq!(first_card_win(&[]), None);
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

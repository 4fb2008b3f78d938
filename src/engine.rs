//! `--engine`, `--device`, `--ruler` and `--dispatch-config`: which
//! `agilis_driver::Engine` runs a command's AEAD jobs.
//!
//! Every engine gives byte-identical output; they differ in where the work
//! runs. `auto` (the default) uses a VFIO-bound card when one is usable and
//! software otherwise, routing each job by suite and size.

use std::path::PathBuf;
use std::sync::Arc;

use agilis_driver::card::CardEngine;
use agilis_driver::dispatch::{AutoEngine, DispatchConfig, DispatchEvent};
use agilis_driver::ruler::{Alarm, Mode, Ruler};
use agilis_driver::{Engine, SoftwareEngine};
use agilis_verilator::sim_bus::SimBus;
use agilis_vfio::{DiscoveryError, OpenError, VfioBus};
use clap::{Args, ValueEnum};

use crate::Failure;

/// Where AEAD jobs run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineChoice {
    /// The card when one is bound to vfio-pci and the job is at least the
    /// suite's crossover size; software otherwise, and whenever the card fails.
    Auto,
    /// The host CPU (every core for large batches).
    Software,
    /// The Verilated model of the card's RTL (slow: for checking, not speed).
    FpgaSim,
    /// The Artix-7 card bound to vfio-pci; an error if there is none.
    Vfio,
}

/// Engine options shared by the commands that seal or open.
#[derive(Args, Debug)]
pub struct EngineArgs {
    /// Where the AEAD runs. The card runs ascon-aead128 and aes-256-gcm.
    #[arg(long, value_enum, default_value_t = EngineChoice::Auto)]
    engine: EngineChoice,
    /// PCI address of the card (e.g. 0000:03:00.0) when several are bound.
    #[arg(long, value_name = "BDF")]
    device: Option<String>,
    /// Check the card against software: `off`, `all`, or a fraction of jobs
    /// (0.1). Output is released only when both agree.
    #[arg(long, default_value = "off", value_parser = parse_ruler)]
    ruler: Mode,
    /// `key = value` file overriding the dispatcher's measured defaults
    /// (driver/dispatch.toml): ascon_aead128_crossover, aes_256_gcm_crossover,
    /// max_batch, card_deadline_ms, retry_card_after_jobs.
    #[arg(long, value_name = "FILE")]
    dispatch_config: Option<PathBuf>,
}

fn parse_ruler(text: &str) -> Result<Mode, String> {
    match text {
        "off" => Ok(Mode::Off),
        "all" => Ok(Mode::All),
        fraction => match fraction.parse::<f64>() {
            Ok(p) if (0.0..=1.0).contains(&p) => Ok(Mode::Sampled(p)),
            _ => Err(format!(
                "`{fraction}` is not off, all or a fraction between 0 and 1"
            )),
        },
    }
}

/// Whether the card has lanes for an AEAD (see `agilis card probe`).
fn card_runs(aead: u16) -> bool {
    agilis_driver::card::KeyAlg::from_codepoint(aead).is_some()
}

impl EngineArgs {
    /// Builds the engine for jobs of AEAD `aead` (a registry code point).
    pub fn open(&self, aead: u16, suite: &str) -> Result<Arc<dyn Engine>, Failure> {
        let card_only = matches!(self.engine, EngineChoice::FpgaSim | EngineChoice::Vfio);
        if card_only && !card_runs(aead) {
            return Err(Failure::BadInput(format!(
                "the card has no {suite} lanes (it runs ascon-aead128 and aes-256-gcm): use --engine software or auto"
            )));
        }
        if self.device.is_some() && !matches!(self.engine, EngineChoice::Auto | EngineChoice::Vfio)
        {
            return Err(Failure::BadInput(
                "--device names a VFIO card: use it with --engine vfio or auto".into(),
            ));
        }
        match self.engine {
            EngineChoice::Software => Ok(Arc::new(SoftwareEngine::new())),
            EngineChoice::FpgaSim => Ok(self.checked(open_sim_card()?)),
            EngineChoice::Vfio => {
                let card = open_vfio_card(self.device.as_deref()).map_err(|e| match e {
                    OpenError::Discovery(e) => Failure::Other(format!(
                        "--engine vfio: {e} (or use --engine software, auto or fpga-sim)"
                    )),
                    e => Failure::Other(format!("--engine vfio: {e}")),
                })?;
                Ok(self.checked(card))
            }
            EngineChoice::Auto => {
                let config = match &self.dispatch_config {
                    Some(path) => DispatchConfig::load(path)
                        .map_err(|e| Failure::BadInput(format!("--dispatch-config: {e}")))?,
                    None => DispatchConfig::default(),
                };
                let card = match open_vfio_card(self.device.as_deref()) {
                    Ok(card) => Some(self.checked(card)),
                    // No card is the normal case on most hosts: say nothing.
                    Err(OpenError::Discovery(DiscoveryError::NoCard { .. })) => None,
                    Err(e) => {
                        note(&format!(
                            "the card is not usable, so software runs every job: {e}"
                        ));
                        None
                    }
                };
                Ok(Arc::new(AutoEngine::new(card, config).with_sink(Arc::new(
                    |e: &DispatchEvent| note(&e.to_string()),
                ))))
            }
        }
    }

    /// Wraps a card engine in the ruler when one was asked for.
    fn checked(&self, card: Arc<dyn Engine>) -> Arc<dyn Engine> {
        if self.ruler == Mode::Off {
            return card;
        }
        let ruler = Ruler::new(card.clone(), self.ruler).unwrap_or_else(|e| {
            // Only the OS RNG can fail here; checking nothing silently
            // would be worse than saying so and checking every job.
            note(&format!(
                "sampling needs the OS RNG ({e}); checking every job instead"
            ));
            Ruler::with_seed(card, Mode::All, 0)
        });
        Arc::new(ruler.with_sink(Arc::new(|a: &Alarm| note(&a.to_string()))))
    }
}

fn note(message: &str) {
    eprintln!("agilis: note: {message}");
}

/// The simulated card: the Verilated `agilis_top` behind the same driver.
pub fn open_sim_card() -> Result<Arc<CardEngine<SimBus>>, Failure> {
    let card = CardEngine::open(crate::card::sim_bus()?)
        .map_err(|e| Failure::Other(format!("the simulated card did not start: {e}")))?;
    Ok(Arc::new(card))
}

fn open_vfio_card(device: Option<&str>) -> Result<Arc<dyn Engine>, OpenError> {
    let bus = VfioBus::open_in(&crate::card::sysfs(), device)?;
    let card = CardEngine::open(bus).map_err(|e| OpenError::Card {
        detail: e.to_string(),
    })?;
    Ok(Arc::new(card))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruler_settings_parse_and_bad_ones_say_what_is_expected() {
        assert_eq!(parse_ruler("off"), Ok(Mode::Off));
        assert_eq!(parse_ruler("all"), Ok(Mode::All));
        assert_eq!(parse_ruler("0.25"), Ok(Mode::Sampled(0.25)));
        for bad in ["1.5", "-0.1", "half", "NaN"] {
            assert!(parse_ruler(bad).unwrap_err().contains("fraction"), "{bad}");
        }
    }
}

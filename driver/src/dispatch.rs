//! [`AutoEngine`]: one engine that sends each job where it runs best.
//!
//! A card pays a fixed cost per job (descriptor, two DMA buffers, an
//! interrupt) that small records never earn back, while the host's AES-NI or
//! Ascon code has none. So a job goes to the card only when its message is at
//! least the suite's **crossover** length ([`DispatchConfig`]), and the card's
//! jobs of one call go in batches of [`DispatchConfig::max_batch`] so that
//! its lanes work in parallel.
//!
//! The card is never needed for correctness: if it is absent, reports an
//! error, or a batch takes longer than [`DispatchConfig::card_deadline`],
//! the affected jobs run on software instead (the caller sees only correct
//! results), a [`DispatchEvent`] goes to the sink, and the card gets no jobs
//! until [`DispatchConfig::retry_card_after_jobs`] more jobs have passed.
//! The card's own driver enforces the per-batch deadline
//! (`Card::set_timeout`); the wall-clock check here catches a card that is
//! merely slow. Keys a card reset lost stay software-only until reloaded
//! (the dispatcher keeps no copy of key bytes).
//!
//! To check the card's output as well, give the dispatcher a
//! [`Ruler`](crate::ruler::Ruler) over the card as its card: a disagreement
//! the ruler catches then falls back to software like any card failure.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use agilis_suites::aead::TAG_LEN;
use agilis_suites::registry::codepoint as cp;
use zeroize::{Zeroize, Zeroizing};

use crate::ruler::{Sink, stderr_sink};
use crate::twin_keys::TwinKeys;
use crate::{Direction, Engine, Error, Job, KeyHandle, Result, SoftwareEngine};

/// Routing parameters. Load them with [`DispatchConfig::parse`] or
/// [`DispatchConfig::load`] to override the defaults.
///
/// The defaults are `driver/dispatch.toml`, compiled in. That file is written
/// by `bench-harness offload`, which measures both engines per message size
/// and records the smallest size at which the card's throughput beats the
/// software engine's (see the file's header for the run it came from).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchConfig {
    /// Ascon-AEAD128 messages of at least this many bytes go to the card
    /// (`usize::MAX`, written `never` in a file: none do)
    pub ascon_aead128_crossover: usize,
    /// AES-256-GCM messages of at least this many bytes go to the card
    /// (`usize::MAX`, written `never` in a file: none do)
    pub aes_256_gcm_crossover: usize,
    /// card jobs per batch
    pub max_batch: usize,
    /// a card batch slower than this demotes the card
    pub card_deadline: Duration,
    /// after a failure, jobs to run on software before trying the card again
    pub retry_card_after_jobs: u64,
}

/// The measured defaults (see [`DispatchConfig`]).
const DEFAULT_FILE: &str = include_str!("../dispatch.toml");

/// What a file's missing keys fall back to when even `dispatch.toml` does
/// not set them: the card gets nothing until a measurement says otherwise.
const UNMEASURED: DispatchConfig = DispatchConfig {
    ascon_aead128_crossover: usize::MAX,
    aes_256_gcm_crossover: usize::MAX,
    max_batch: 64,
    card_deadline: Duration::from_millis(50),
    retry_card_after_jobs: 1024,
};

impl Default for DispatchConfig {
    fn default() -> Self {
        // A unit test proves the compiled-in file parses.
        Self::parse_over(UNMEASURED, DEFAULT_FILE).unwrap_or(UNMEASURED)
    }
}

/// A configuration file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// 1-based line number (0: the file itself)
    pub line: usize,
    /// what is wrong and what is expected
    pub detail: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "dispatch config, line {}: {}", self.line, self.detail)
    }
}

impl std::error::Error for ConfigError {}

impl DispatchConfig {
    /// The keys a configuration file may set.
    pub const KEYS: [&'static str; 5] = [
        "ascon_aead128_crossover",
        "aes_256_gcm_crossover",
        "max_batch",
        "card_deadline_ms",
        "retry_card_after_jobs",
    ];

    /// Parses `key = integer` lines over the defaults. This is the flat
    /// subset of TOML (comments `#`, an optional `[dispatch]` header,
    /// underscores in numbers; a crossover may be the string `never`), so
    /// the same file reads as TOML elsewhere.
    pub fn parse(text: &str) -> std::result::Result<DispatchConfig, ConfigError> {
        Self::parse_over(DispatchConfig::default(), text)
    }

    fn parse_over(
        base: DispatchConfig,
        text: &str,
    ) -> std::result::Result<DispatchConfig, ConfigError> {
        let mut config = base;
        for (n, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() || line == "[dispatch]" {
                continue;
            }
            let error = |detail: String| ConfigError {
                line: n + 1,
                detail,
            };
            let (key, value) = line
                .split_once('=')
                .ok_or_else(|| error(format!("expected `key = number`, found `{line}`")))?;
            let (key, value) = (key.trim(), value.trim());
            let is_crossover = matches!(key, "ascon_aead128_crossover" | "aes_256_gcm_crossover");
            if !Self::KEYS.contains(&key) {
                return Err(error(format!(
                    "unknown key `{key}`; known keys: {}",
                    Self::KEYS.join(", ")
                )));
            }
            let number: u64 = if is_crossover && value.trim_matches('"') == "never" {
                u64::MAX
            } else {
                value.replace('_', "").parse().map_err(|_| {
                    error(format!(
                        "`{key}` needs a non-negative integer{}, found `{value}`",
                        if is_crossover { " or \"never\"" } else { "" }
                    ))
                })?
            };
            let size = match usize::try_from(number) {
                Ok(size) => size,
                Err(_) if is_crossover => usize::MAX,
                Err(_) => return Err(error(format!("`{key}` = {number} is too large"))),
            };
            match key {
                "ascon_aead128_crossover" => config.ascon_aead128_crossover = size,
                "aes_256_gcm_crossover" => config.aes_256_gcm_crossover = size,
                "max_batch" if size > 0 => config.max_batch = size,
                "max_batch" => return Err(error("`max_batch` must be at least 1".into())),
                "card_deadline_ms" => config.card_deadline = Duration::from_millis(number),
                _ => config.retry_card_after_jobs = number,
            }
        }
        Ok(config)
    }

    /// Reads and parses a configuration file.
    pub fn load(path: &Path) -> std::result::Result<DispatchConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            line: 0,
            detail: format!("cannot read {}: {e}", path.display()),
        })?;
        Self::parse(&text)
    }

    /// The smallest message the card gets for an AEAD (`usize::MAX`: never).
    pub fn crossover(&self, aead: u16) -> usize {
        match aead {
            cp::ASCON_AEAD128 => self.ascon_aead128_crossover,
            cp::AES_256_GCM => self.aes_256_gcm_crossover,
            _ => usize::MAX,
        }
    }
}

/// Why jobs left the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DispatchEventKind {
    /// no card was given: bulk jobs run on software (reported once)
    CardAbsent,
    /// the card reported errors; those jobs ran again on software
    CardFailed,
    /// a card batch took longer than the deadline (its results were kept)
    CardOverDeadline,
    /// the waiting time after a failure is over: the card gets jobs again
    CardRetried,
}

/// One structured dispatch event (the same shape as the ruler's alarms).
#[derive(Debug, Clone)]
pub struct DispatchEvent {
    /// what happened
    pub kind: DispatchEventKind,
    /// when (wall clock)
    pub at: SystemTime,
    /// index of the first job concerned (jobs numbered from 0)
    pub job_index: u64,
    /// the card engine's name
    pub executor: &'static str,
    /// jobs concerned (moved to software, or in the slow batch)
    pub jobs: usize,
    /// the card's error or the time taken
    pub detail: String,
}

impl fmt::Display for DispatchEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self
            .at
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        write!(
            f,
            "agilis dispatch: {:?} executor={} job={} jobs={} time={secs:.3} {}",
            self.kind, self.executor, self.job_index, self.jobs, self.detail
        )
    }
}

/// How many jobs went where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DispatchCounts {
    /// jobs submitted
    pub jobs: u64,
    /// jobs the card completed
    pub card: u64,
    /// jobs routed to software
    pub software: u64,
    /// jobs the card failed that software ran instead
    pub fallbacks: u64,
}

struct State {
    counts: DispatchCounts,
    /// the card gets no jobs while this is set (jobs left to wait)
    card_down_for: Option<u64>,
    absent_reported: bool,
}

/// The [`Engine`] that routes by suite and size. See the module docs.
pub struct AutoEngine {
    card: Option<Arc<dyn Engine>>,
    software: SoftwareEngine,
    keys: TwinKeys,
    config: DispatchConfig,
    state: Mutex<State>,
    sink: Sink<DispatchEvent>,
}

/// Where a job goes.
enum Route {
    Refused(Error),
    Software(KeyHandle),
    Card {
        card: KeyHandle,
        software: KeyHandle,
    },
}

impl AutoEngine {
    /// A dispatcher over `card` (`None`: no card, everything on software).
    pub fn new(card: Option<Arc<dyn Engine>>, config: DispatchConfig) -> AutoEngine {
        AutoEngine {
            card,
            software: SoftwareEngine::new(),
            keys: TwinKeys::default(),
            config,
            state: Mutex::new(State {
                counts: DispatchCounts::default(),
                card_down_for: None,
                absent_reported: false,
            }),
            sink: stderr_sink(),
        }
    }

    /// Sends events to `sink` instead of stderr.
    pub fn with_sink(mut self, sink: Sink<DispatchEvent>) -> AutoEngine {
        self.sink = sink;
        self
    }

    /// The routing parameters in use.
    pub fn config(&self) -> &DispatchConfig {
        &self.config
    }

    /// The counts so far.
    pub fn counts(&self) -> DispatchCounts {
        self.lock().counts
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // State updates are plain assignments: a poisoned lock is consistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn event(
        &self,
        kind: DispatchEventKind,
        job_index: u64,
        jobs: usize,
        detail: String,
    ) -> DispatchEvent {
        DispatchEvent {
            kind,
            at: SystemTime::now(),
            job_index,
            executor: self.card.as_ref().map_or("none", |c| c.name()),
            jobs,
            detail,
        }
    }

    fn route(
        &self,
        state: &mut State,
        job: &Job<'_>,
        index: u64,
        events: &mut Vec<DispatchEvent>,
    ) -> Route {
        let twin = match self.keys.get(job.key) {
            Ok(t) => t,
            Err(e) => return Route::Refused(e),
        };
        let msg_len = match job.direction {
            Direction::Seal => job.buffer.len(),
            Direction::Open => job.buffer.len().saturating_sub(TAG_LEN),
        };
        if msg_len < self.config.crossover(twin.aead) {
            return Route::Software(twin.software);
        }
        if self.card.is_none() && !state.absent_reported {
            state.absent_reported = true;
            let detail = "no card: bulk jobs run on software".to_string();
            events.push(self.event(DispatchEventKind::CardAbsent, index, 1, detail));
        }
        match (twin.primary, state.card_down_for) {
            (Some(card), None) => Route::Card {
                card,
                software: twin.software,
            },
            _ => Route::Software(twin.software),
        }
    }

    /// Counts down a demoted card's wait; reinstates it when the wait is over.
    fn tick_card_wait(&self, state: &mut State, jobs: u64, events: &mut Vec<DispatchEvent>) {
        if let Some(left) = state.card_down_for {
            if left <= jobs {
                state.card_down_for = None;
                let detail = "trying the card again".to_string();
                events.push(self.event(
                    DispatchEventKind::CardRetried,
                    state.counts.jobs,
                    0,
                    detail,
                ));
            } else {
                state.card_down_for = Some(left - jobs);
            }
        }
    }

    /// Runs the card's jobs in batches; returns each job's result (by index
    /// into `jobs`) and the card errors seen.
    fn run_on_card(
        &self,
        card: &dyn Engine,
        jobs: &mut [Job<'_>],
        routes: &[Route],
        first_index: u64,
        events: &mut Vec<DispatchEvent>,
    ) -> Vec<Option<Result<()>>> {
        let mut results: Vec<Option<Result<()>>> = jobs.iter().map(|_| None).collect();
        let mut batch = Vec::new();
        let mut index = Vec::new();
        for (i, (job, route)) in jobs.iter_mut().zip(routes).enumerate() {
            if let Route::Card { card: key, .. } = *route {
                batch.push(job.under(key));
                index.push(i);
            }
        }
        for (chunk, chunk_index) in batch
            .chunks_mut(self.config.max_batch.max(1))
            .zip(index.chunks(self.config.max_batch.max(1)))
        {
            let start = Instant::now();
            let chunk_results = card.process(chunk);
            let took = start.elapsed();
            if took > self.config.card_deadline {
                let detail = format!(
                    "batch took {took:?}, deadline {:?}",
                    self.config.card_deadline
                );
                let at = first_index + chunk_index[0] as u64;
                events.push(self.event(
                    DispatchEventKind::CardOverDeadline,
                    at,
                    chunk.len(),
                    detail,
                ));
            }
            for (&i, r) in chunk_index.iter().zip(chunk_results) {
                results[i] = Some(r);
            }
        }
        results
    }
}

/// Whether a card result means "the card failed", not "the job is bad".
/// A [`Ruler`](crate::ruler::Ruler) used as the card reports a caught fault
/// as [`Error::Disagreement`]; running the job again on software hides it.
fn card_failed(result: &Result<()>) -> bool {
    matches!(
        result,
        Err(Error::Card(_) | Error::UnknownKey | Error::Disagreement { .. })
    )
}

impl Engine for AutoEngine {
    fn name(&self) -> &'static str {
        "auto"
    }

    fn load_key(&self, aead: u16, key: &[u8]) -> Result<KeyHandle> {
        // A key the card refuses (no lanes for the AEAD, table full) is software-only.
        let (handle, _refusal) = self
            .keys
            .load(self.card.as_deref(), &self.software, aead, key)?;
        Ok(handle)
    }

    fn unload_key(&self, key: KeyHandle) -> Result<()> {
        self.keys.unload(self.card.as_deref(), &self.software, key)
    }

    fn key_algorithm(&self, key: KeyHandle) -> Result<u16> {
        Ok(self.keys.get(key)?.aead)
    }

    fn process(&self, jobs: &mut [Job<'_>]) -> Vec<Result<()>> {
        let mut events = Vec::new();
        let (first_index, routes) = {
            let mut state = self.lock();
            self.tick_card_wait(&mut state, jobs.len() as u64, &mut events);
            let first = state.counts.jobs;
            state.counts.jobs += jobs.len() as u64;
            let routes: Vec<Route> = jobs
                .iter()
                .enumerate()
                .map(|(i, j)| self.route(&mut state, j, first + i as u64, &mut events))
                .collect();
            (first, routes)
        };
        // The card wipes a failed open's buffer; keep its input to rerun it.
        let inputs: Vec<Option<Zeroizing<Vec<u8>>>> = jobs
            .iter()
            .zip(&routes)
            .map(|(job, route)| {
                (matches!(route, Route::Card { .. }) && job.direction == Direction::Open)
                    .then(|| Zeroizing::new(job.buffer.clone()))
            })
            .collect();
        let mut card_results = match &self.card {
            Some(card) if routes.iter().any(|r| matches!(r, Route::Card { .. })) => {
                self.run_on_card(card.as_ref(), jobs, &routes, first_index, &mut events)
            }
            _ => jobs.iter().map(|_| None).collect(),
        };
        // Software: the small jobs, plus the card's failures run again.
        let mut batch = Vec::new();
        let mut index = Vec::new();
        let mut failures: Vec<String> = Vec::new();
        let mut first_failure = None;
        for (i, ((job, route), input)) in jobs.iter_mut().zip(&routes).zip(&inputs).enumerate() {
            let key = match *route {
                Route::Software(key) => key,
                Route::Card { software, .. }
                    if card_results[i].as_ref().is_some_and(card_failed) =>
                {
                    if let Some(Err(e)) = card_results[i].take() {
                        failures.push(e.to_string());
                    }
                    first_failure.get_or_insert(i);
                    if let Some(input) = input {
                        job.buffer.zeroize();
                        job.buffer.clear();
                        job.buffer.extend_from_slice(input);
                    }
                    software
                }
                _ => continue,
            };
            batch.push(job.under(key));
            index.push(i);
        }
        let mut software_results: Vec<Option<Result<()>>> = routes.iter().map(|_| None).collect();
        if !batch.is_empty() {
            for (i, r) in index.into_iter().zip(self.software.process(&mut batch)) {
                software_results[i] = Some(r);
            }
        }
        drop(batch);
        let mut state = self.lock();
        if let Some(first) = first_failure {
            let fell_back = failures.len();
            state.counts.fallbacks += fell_back as u64;
            state.card_down_for = Some(self.config.retry_card_after_jobs);
            failures.dedup();
            let detail = failures.join("; ");
            let event = self.event(
                DispatchEventKind::CardFailed,
                first_index + first as u64,
                fell_back,
                detail,
            );
            events.push(event);
        }
        if events
            .iter()
            .any(|e| e.kind == DispatchEventKind::CardOverDeadline)
        {
            state.card_down_for = Some(self.config.retry_card_after_jobs);
        }
        let results: Vec<Result<()>> = jobs
            .iter_mut()
            .zip(routes)
            .enumerate()
            .map(|(i, (job, route))| match route {
                Route::Refused(e) => {
                    if job.direction == Direction::Open {
                        job.buffer.zeroize();
                        job.buffer.clear();
                    }
                    Err(e)
                }
                _ => {
                    if let Some(r) = card_results[i].take() {
                        state.counts.card += 1;
                        r
                    } else {
                        state.counts.software += 1;
                        software_results[i]
                            .take()
                            .unwrap_or(Err(Error::Card(crate::card::CardError::Faulted)))
                    }
                }
            })
            .collect();
        drop(state);
        for event in &events {
            (self.sink)(event);
        }
        results
    }
}

impl fmt::Debug for AutoEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AutoEngine")
            .field("card", &self.card.as_ref().map(|c| c.name()))
            .field("config", &self.config)
            .field("counts", &self.counts())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_defaults_parse_and_never_sends_nothing_to_the_card() {
        let measured = DispatchConfig::parse_over(UNMEASURED, DEFAULT_FILE)
            .expect("driver/dispatch.toml must parse");
        assert_eq!(DispatchConfig::default(), measured);
        let never = DispatchConfig::parse(
            "ascon_aead128_crossover = \"never\"\naes_256_gcm_crossover = never",
        )
        .unwrap();
        assert_eq!(never.crossover(cp::ASCON_AEAD128), usize::MAX);
        assert_eq!(never.crossover(cp::AES_256_GCM), usize::MAX);
        let error = DispatchConfig::parse("max_batch = never").unwrap_err();
        assert!(
            error.detail.contains("non-negative integer, found"),
            "{error}"
        );
    }

    #[test]
    fn a_config_file_overrides_the_defaults_and_bad_lines_say_what_is_wrong() {
        let config = DispatchConfig::parse(
            "# measured 2026-11-24\n[dispatch]\nascon_aead128_crossover = 1_024\ncard_deadline_ms = 5 # ms\n",
        )
        .unwrap();
        assert_eq!(config.ascon_aead128_crossover, 1024);
        assert_eq!(config.card_deadline, Duration::from_millis(5));
        assert_eq!(
            config.aes_256_gcm_crossover,
            DispatchConfig::default().aes_256_gcm_crossover
        );
        assert_eq!(config.crossover(cp::CHACHA20_POLY1305), usize::MAX);
        let error = DispatchConfig::parse("\nmax_batchh = 3").unwrap_err();
        assert_eq!(error.line, 2);
        assert!(error.detail.contains("unknown key `max_batchh`"), "{error}");
        assert!(DispatchConfig::parse("max_batch = 0").is_err());
        assert!(
            DispatchConfig::parse("max_batch = -1")
                .unwrap_err()
                .detail
                .contains("non-negative integer")
        );
        assert!(DispatchConfig::parse("max_batch").is_err());
        assert_eq!(
            DispatchConfig::load(Path::new("/nonexistent/agilis.toml"))
                .unwrap_err()
                .line,
            0
        );
    }

    /// A card whose every output a ruler would reject.
    struct Disagreeing(SoftwareEngine);

    impl Engine for Disagreeing {
        fn name(&self) -> &'static str {
            "disagreeing"
        }
        fn load_key(&self, aead: u16, key: &[u8]) -> Result<KeyHandle> {
            self.0.load_key(aead, key)
        }
        fn unload_key(&self, key: KeyHandle) -> Result<()> {
            self.0.unload_key(key)
        }
        fn key_algorithm(&self, key: KeyHandle) -> Result<u16> {
            self.0.key_algorithm(key)
        }
        fn process(&self, jobs: &mut [Job<'_>]) -> Vec<Result<()>> {
            jobs.iter_mut()
                .map(|job| {
                    if job.direction == Direction::Open {
                        job.buffer.zeroize();
                        job.buffer.clear();
                    }
                    Err(Error::Disagreement {
                        executor: "disagreeing",
                    })
                })
                .collect()
        }
    }

    #[test]
    fn a_caught_disagreement_is_rerun_on_software() {
        let card: Arc<dyn Engine> = Arc::new(Disagreeing(SoftwareEngine::new()));
        let auto = AutoEngine::new(
            Some(card),
            DispatchConfig::parse("aes_256_gcm_crossover = 0\nretry_card_after_jobs = 0").unwrap(),
        )
        .with_sink(Arc::new(|_: &DispatchEvent| {}));
        let key = auto.load_key(cp::AES_256_GCM, &[8; 32]).unwrap();
        let run = |direction, buffer: &mut Vec<u8>| {
            let mut jobs = [Job {
                key,
                direction,
                nonce: &[2; 12],
                aad: b"ad",
                buffer,
            }];
            auto.process(&mut jobs)
        };
        let mut buffer = b"bulk record".to_vec();
        assert_eq!(run(Direction::Seal, &mut buffer), vec![Ok(())]);
        let sealed = buffer.clone();
        assert_eq!(run(Direction::Open, &mut buffer), vec![Ok(())]);
        assert_eq!(
            buffer, b"bulk record",
            "the open's input was kept for the rerun"
        );
        assert_ne!(sealed, b"bulk record");
        assert_eq!(
            auto.counts().fallbacks,
            2,
            "both jobs ran again on software"
        );
    }

    #[test]
    fn without_a_card_every_job_runs_on_software_and_the_absence_is_reported_once() {
        let events = Arc::new(Mutex::new(Vec::new()));
        let log = events.clone();
        // Jobs of 5000 and 9000 bytes would go to a card.
        let config = DispatchConfig::parse("aes_256_gcm_crossover = 4096").unwrap();
        let auto = AutoEngine::new(None, config).with_sink(Arc::new(move |e: &DispatchEvent| {
            log.lock().unwrap().push(e.clone())
        }));
        let reference = SoftwareEngine::new();
        let key = auto.load_key(cp::AES_256_GCM, &[3; 32]).unwrap();
        let twin = reference.load_key(cp::AES_256_GCM, &[3; 32]).unwrap();
        for len in [0, 10, 5000, 9000] {
            let mut got = vec![7u8; len];
            let mut want = got.clone();
            let job = |key, buffer| Job {
                key,
                direction: Direction::Seal,
                nonce: &[1; 12],
                aad: b"",
                buffer,
            };
            assert_eq!(auto.process(&mut [job(key, &mut got)]), vec![Ok(())]);
            assert_eq!(reference.process(&mut [job(twin, &mut want)]), vec![Ok(())]);
            assert_eq!(got, want);
        }
        let kinds: Vec<DispatchEventKind> = events.lock().unwrap().iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [DispatchEventKind::CardAbsent]);
        assert_eq!(auto.counts().software, 4);
        auto.unload_key(key).unwrap();
        assert_eq!(auto.unload_key(key), Err(Error::UnknownKey));
    }
}

//! [`Ruler`]: redundant execution, so that a faulty card cannot hand out a
//! wrong ciphertext or plaintext unnoticed.
//!
//! A card's datapath can fail silently (a flipped bit in a DMA buffer, a
//! marginal lane): the tag check protects the *peer* from a corrupted
//! ciphertext, but nothing protects the caller from a wrong plaintext
//! released after a correct tag check, or from a wrong ciphertext it sends.
//! The ruler runs a checked job on the card **and** on the software engine
//! and releases the output only when both agree, compared in constant time
//! (the outputs are plaintext or about to be public, but the comparison must
//! not leak where they differ).
//!
//! On a disagreement:
//! - the job fails closed with [`Error::Disagreement`] (a seal's buffer is
//!   restored to the plaintext, an open's is wiped and emptied, as the
//!   [crate contract](crate) asks of any failure);
//! - the card is **quarantined**: every job goes to software only;
//! - after [`Ruler::with_retest_after`] jobs in quarantine, the card is
//!   re-tested with known-answer jobs (Ascon-AEAD128 and AES-256-GCM). The
//!   known answers are computed by the software engine
//!   (`agilis_suites::aead::AeadKey`) over fixed inputs, not taken from
//!   published vectors: the question is "does the card agree with the
//!   reference now", and the software engine is itself KAT-tested in
//!   `agilis-suites`. The card is readmitted only when every answer matches;
//! - each step emits an [`Alarm`] to the caller's [`Sink`].
//!
//! A card that *reports* an error (bus fault, timeout, lost key) is not a
//! disagreement: it failed openly, so a checked job takes the software
//! result. Jobs that are not checked (mode [`Mode::Off`], or not sampled)
//! run on the card alone.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use agilis_suites::aead::AeadKey;
use agilis_suites::registry::codepoint as cp;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::card::CardError;
use crate::twin_keys::TwinKeys;
use crate::{Direction, Engine, Error, Job, KeyHandle, Result, SoftwareEngine};

/// Where events go: a callback the caller supplies (log, metrics, channel).
/// It is called after the ruler's locks are released, so it may call back in.
pub type Sink<E> = Arc<dyn Fn(&E) + Send + Sync>;

/// The default sink: one line on stderr.
pub fn stderr_sink<E: fmt::Display>() -> Sink<E> {
    Arc::new(|event: &E| eprintln!("{event}"))
}

/// Which jobs are checked against software.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    /// none: the card alone
    Off,
    /// each job with this probability (clamped to 0..=1), drawn from the
    /// ruler's RNG (OS-seeded unless [`Ruler::with_seed`])
    Sampled(f64),
    /// every job
    All,
}

/// What the ruler has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RulerCounts {
    /// jobs submitted
    pub jobs: u64,
    /// jobs run on both engines and compared
    pub checked: u64,
    /// checked jobs whose outputs disagreed (each failed closed)
    pub mismatches: u64,
    /// known-answer re-test rounds run on a quarantined card
    pub retried: u64,
    /// re-test rounds the card failed
    pub retests_failed: u64,
    /// times the card was quarantined
    pub quarantines: u64,
    /// times the card passed a re-test and was readmitted
    pub readmissions: u64,
    /// jobs that went to software because the card was quarantined
    pub diverted: u64,
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlarmKind {
    /// a checked job's outputs disagreed; it failed closed
    Mismatch,
    /// the executor now gets no jobs until it passes a re-test
    Quarantined,
    /// the executor failed its known-answer re-test and stays quarantined
    RetestFailed,
    /// the executor passed its re-test and gets jobs again
    Readmitted,
}

/// One structured alarm.
#[derive(Debug, Clone)]
pub struct Alarm {
    /// what happened
    pub kind: AlarmKind,
    /// when (wall clock)
    pub at: SystemTime,
    /// index of the job concerned (jobs numbered from 0 since the ruler's
    /// creation); for re-tests, the number of jobs submitted so far
    pub job_index: u64,
    /// the engine concerned (its [`Engine::name`])
    pub executor: &'static str,
    /// the counts right after the event
    pub counts: RulerCounts,
}

impl fmt::Display for Alarm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self
            .at
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let c = &self.counts;
        write!(
            f,
            "agilis ruler alarm: {:?} executor={} job={} time={secs:.3} checked={} mismatches={} retried={} quarantines={} readmissions={}",
            self.kind,
            self.executor,
            self.job_index,
            c.checked,
            c.mismatches,
            c.retried,
            c.quarantines,
            c.readmissions
        )
    }
}

/// SplitMix64: enough to spread samples; its seed is the only secret.
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// true with probability `p`
    fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

struct State {
    mode: Mode,
    rng: SplitMix,
    counts: RulerCounts,
    quarantined: bool,
    /// jobs diverted since the quarantine or the last failed re-test
    diverted_since_retest: u64,
}

/// How one job runs.
enum Route {
    Refused(Error),
    Software(KeyHandle),
    Primary(KeyHandle),
    Checked {
        primary: KeyHandle,
        software: KeyHandle,
    },
}

/// An [`Engine`] that cross-checks a primary engine (the card) against the
/// software engine. See the module docs.
pub struct Ruler {
    primary: Arc<dyn Engine>,
    software: SoftwareEngine,
    keys: TwinKeys,
    state: Mutex<State>,
    sink: Sink<Alarm>,
    retest_after: u64,
}

impl Ruler {
    /// Default number of quarantined jobs between two re-tests.
    pub const DEFAULT_RETEST_AFTER: u64 = 256;

    /// A ruler over `primary`; sampling draws from an OS-seeded RNG, so a
    /// peer cannot predict which jobs are checked.
    pub fn new(primary: Arc<dyn Engine>, mode: Mode) -> Result<Ruler> {
        let seed = getrandom::u64().map_err(|_| Error::Aead(agilis_suites::Error::Rng))?;
        Ok(Ruler::with_seed(primary, mode, seed))
    }

    /// A ruler whose sampling is reproducible (tests, fault campaigns).
    pub fn with_seed(primary: Arc<dyn Engine>, mode: Mode, seed: u64) -> Ruler {
        Ruler {
            primary,
            software: SoftwareEngine::new(),
            keys: TwinKeys::default(),
            state: Mutex::new(State {
                mode,
                rng: SplitMix(seed),
                counts: RulerCounts::default(),
                quarantined: false,
                diverted_since_retest: 0,
            }),
            sink: stderr_sink(),
            retest_after: Self::DEFAULT_RETEST_AFTER,
        }
    }

    /// Sends alarms to `sink` instead of stderr.
    pub fn with_sink(mut self, sink: Sink<Alarm>) -> Ruler {
        self.sink = sink;
        self
    }

    /// Re-tests a quarantined card after this many diverted jobs (at least 1).
    pub fn with_retest_after(mut self, jobs: u64) -> Ruler {
        self.retest_after = jobs.max(1);
        self
    }

    /// Changes which jobs are checked.
    pub fn set_mode(&self, mode: Mode) {
        self.lock().mode = mode;
    }

    /// The counts so far.
    pub fn counts(&self) -> RulerCounts {
        self.lock().counts
    }

    /// Whether the card is quarantined now.
    pub fn is_quarantined(&self) -> bool {
        self.lock().quarantined
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update of State is a few assignments with nothing that panics
        // between them: a poisoned lock still holds consistent counts.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn emit(&self, alarms: Vec<Alarm>) {
        for alarm in &alarms {
            (self.sink)(alarm);
        }
    }

    fn alarm(&self, state: &State, kind: AlarmKind, job_index: u64) -> Alarm {
        Alarm {
            kind,
            at: SystemTime::now(),
            job_index,
            executor: self.primary.name(),
            counts: state.counts,
        }
    }

    /// Runs the known-answer re-test now if the card is quarantined;
    /// returns whether the card is admitted afterwards.
    pub fn retest(&self) -> bool {
        if !self.is_quarantined() {
            return true;
        }
        let passed = known_answers_pass(self.primary.as_ref());
        let mut state = self.lock();
        state.counts.retried += 1;
        state.diverted_since_retest = 0;
        let kind = if passed {
            state.quarantined = false;
            state.counts.readmissions += 1;
            AlarmKind::Readmitted
        } else {
            state.counts.retests_failed += 1;
            AlarmKind::RetestFailed
        };
        let alarm = self.alarm(&state, kind, state.counts.jobs);
        drop(state);
        self.emit(vec![alarm]);
        passed
    }

    fn route(&self, state: &mut State, key: KeyHandle) -> Route {
        let twin = match self.keys.get(key) {
            Ok(t) => t,
            Err(e) => return Route::Refused(e),
        };
        match twin.primary {
            None => Route::Software(twin.software),
            Some(_) if state.quarantined => {
                state.counts.diverted += 1;
                state.diverted_since_retest += 1;
                Route::Software(twin.software)
            }
            Some(primary) => {
                let check = match state.mode {
                    Mode::Off => false,
                    Mode::All => true,
                    Mode::Sampled(p) => state.rng.chance(p.clamp(0.0, 1.0)),
                };
                if check {
                    Route::Checked {
                        primary,
                        software: twin.software,
                    }
                } else {
                    Route::Primary(primary)
                }
            }
        }
    }
}

/// The outcome of one checked job.
enum Verdict {
    Agree,
    /// the card failed openly; the software result stands
    PrimaryRefused,
    Disagree,
}

fn judge(primary: &Result<()>, software: &Result<()>, output: &[u8], shadow: &[u8]) -> Verdict {
    let refused = matches!(primary, Err(Error::Card(_) | Error::UnknownKey));
    if refused && primary != software {
        return Verdict::PrimaryRefused;
    }
    // Lengths are public; the bytes are compared in constant time.
    let same_bytes: bool = output.ct_eq(shadow).into();
    if primary == software && same_bytes {
        Verdict::Agree
    } else {
        Verdict::Disagree
    }
}

/// Replaces `buffer` with `with`, wiping what it held.
fn replace_wiping(buffer: &mut Vec<u8>, with: &[u8]) {
    buffer.zeroize();
    buffer.clear();
    buffer.extend_from_slice(with);
}

impl Engine for Ruler {
    fn name(&self) -> &'static str {
        "ruler"
    }

    fn load_key(&self, aead: u16, key: &[u8]) -> Result<KeyHandle> {
        // A key the card refuses is a software-only key: still usable.
        let (handle, _refusal) =
            self.keys
                .load(Some(self.primary.as_ref()), &self.software, aead, key)?;
        Ok(handle)
    }

    fn unload_key(&self, key: KeyHandle) -> Result<()> {
        self.keys
            .unload(Some(self.primary.as_ref()), &self.software, key)
    }

    fn key_algorithm(&self, key: KeyHandle) -> Result<u16> {
        Ok(self.keys.get(key)?.aead)
    }

    fn process(&self, jobs: &mut [Job<'_>]) -> Vec<Result<()>> {
        let due = {
            let state = self.lock();
            state.quarantined && state.diverted_since_retest >= self.retest_after
        };
        if due {
            self.retest();
        }
        let (first_index, routes) = {
            let mut state = self.lock();
            let first = state.counts.jobs;
            state.counts.jobs += jobs.len() as u64;
            let routes: Vec<Route> = jobs.iter().map(|j| self.route(&mut state, j.key)).collect();
            (first, routes)
        };
        // Checked jobs: a copy for software, and a seal's plaintext to restore.
        let mut shadows: Vec<Option<Zeroizing<Vec<u8>>>> = Vec::with_capacity(jobs.len());
        let mut originals: Vec<Option<Zeroizing<Vec<u8>>>> = Vec::with_capacity(jobs.len());
        for (job, route) in jobs.iter().zip(&routes) {
            let checked = matches!(route, Route::Checked { .. });
            shadows.push(checked.then(|| Zeroizing::new(job.buffer.clone())));
            originals.push(
                (checked && job.direction == Direction::Seal)
                    .then(|| Zeroizing::new(job.buffer.clone())),
            );
        }
        let mut primary_results: Vec<Option<Result<()>>> = jobs.iter().map(|_| None).collect();
        let mut software_results: Vec<Option<Result<()>>> = jobs.iter().map(|_| None).collect();
        {
            let mut primary_batch = Vec::new();
            let mut primary_index = Vec::new();
            let mut software_batch = Vec::new();
            let mut software_index = Vec::new();
            for (i, ((job, route), shadow)) in jobs
                .iter_mut()
                .zip(&routes)
                .zip(shadows.iter_mut())
                .enumerate()
            {
                let (direction, nonce, aad) = (job.direction, job.nonce, job.aad);
                let to = |key, buffer| Job {
                    key,
                    direction,
                    nonce,
                    aad,
                    buffer,
                };
                match *route {
                    Route::Refused(_) => {}
                    Route::Software(key) => {
                        software_batch.push(job.under(key));
                        software_index.push(i);
                    }
                    Route::Primary(key) => {
                        primary_batch.push(job.under(key));
                        primary_index.push(i);
                    }
                    Route::Checked { primary, software } => {
                        primary_batch.push(job.under(primary));
                        primary_index.push(i);
                        if let Some(shadow) = shadow.as_deref_mut() {
                            software_batch.push(to(software, shadow));
                            software_index.push(i);
                        }
                    }
                }
            }
            if !primary_batch.is_empty() {
                let results = self.primary.process(&mut primary_batch);
                for (i, r) in primary_index.into_iter().zip(results) {
                    primary_results[i] = Some(r);
                }
            }
            if !software_batch.is_empty() {
                let results = self.software.process(&mut software_batch);
                for (i, r) in software_index.into_iter().zip(results) {
                    software_results[i] = Some(r);
                }
            }
        }
        let missing = || Err(Error::Card(CardError::Faulted));
        let mut alarms = Vec::new();
        let mut results = Vec::with_capacity(jobs.len());
        let mut state = self.lock();
        for (i, (job, route)) in jobs.iter_mut().zip(routes).enumerate() {
            let result = match route {
                Route::Refused(e) => {
                    if job.direction == Direction::Open {
                        replace_wiping(job.buffer, &[]);
                    }
                    Err(e)
                }
                Route::Software(_) => software_results[i].take().unwrap_or_else(missing),
                Route::Primary(_) => primary_results[i].take().unwrap_or_else(missing),
                Route::Checked { .. } => {
                    state.counts.checked += 1;
                    let primary = primary_results[i].take().unwrap_or_else(missing);
                    let software = software_results[i].take().unwrap_or_else(missing);
                    let shadow = shadows[i].as_deref().map_or(&[][..], Vec::as_slice);
                    match judge(&primary, &software, job.buffer, shadow) {
                        Verdict::Agree => primary,
                        Verdict::PrimaryRefused => {
                            replace_wiping(job.buffer, shadow);
                            software
                        }
                        Verdict::Disagree => {
                            let restore = originals[i].as_deref().map_or(&[][..], Vec::as_slice);
                            replace_wiping(job.buffer, restore);
                            state.counts.mismatches += 1;
                            let index = first_index + i as u64;
                            alarms.push(self.alarm(&state, AlarmKind::Mismatch, index));
                            if !state.quarantined {
                                state.quarantined = true;
                                state.diverted_since_retest = 0;
                                state.counts.quarantines += 1;
                                alarms.push(self.alarm(&state, AlarmKind::Quarantined, index));
                            }
                            Err(Error::Disagreement {
                                executor: self.primary.name(),
                            })
                        }
                    }
                }
            };
            results.push(result);
        }
        drop(state);
        self.emit(alarms);
        results
    }
}

impl fmt::Debug for Ruler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Ruler")
            .field("primary", &self.primary.name())
            .field("mode", &state.mode)
            .field("quarantined", &state.quarantined)
            .field("counts", &state.counts)
            .finish_non_exhaustive()
    }
}

/// Message lengths of the re-test: empty, partial, exact and multi-block.
const KNOWN_ANSWER_LENGTHS: [usize; 7] = [0, 1, 15, 16, 17, 64, 255];

/// Fixed, public bytes for the known-answer inputs.
fn pattern(len: usize, mul: u8, add: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(mul).wrapping_add(add))
        .collect()
}

/// Seals and opens fixed inputs on `engine` for each AEAD it can hold and
/// compares with the software engine's answers. An AEAD the engine refuses
/// as not on the card is skipped (it never gets such jobs).
fn known_answers_pass(engine: &dyn Engine) -> bool {
    [(cp::ASCON_AEAD128, 16), (cp::AES_256_GCM, 32)]
        .into_iter()
        .all(|(aead, key_len)| known_answer_passes(engine, aead, key_len).unwrap_or(false))
}

fn known_answer_passes(engine: &dyn Engine, aead: u16, key_len: usize) -> Result<bool> {
    let key = pattern(key_len, 13, 5);
    let reference = AeadKey::new(aead, &key)?;
    let nonce = pattern(reference.nonce_len(), 7, 1);
    let aad = b"agilis ruler known answer";
    let handle = match engine.load_key(aead, &key) {
        Ok(h) => h,
        Err(Error::Card(CardError::AlgorithmNotOnCard { .. })) => return Ok(true),
        Err(e) => return Err(e),
    };
    let mut expected = Vec::new();
    let mut buffers = Vec::new();
    for len in KNOWN_ANSWER_LENGTHS {
        let plaintext = pattern(len, 31, 3);
        let sealed = reference.seal(&nonce, aad, &plaintext)?;
        buffers.push((Direction::Seal, plaintext.clone()));
        expected.push(sealed.clone());
        buffers.push((Direction::Open, sealed));
        expected.push(plaintext);
    }
    let mut jobs: Vec<Job> = buffers
        .iter_mut()
        .map(|(direction, buffer)| Job {
            key: handle,
            direction: *direction,
            nonce: &nonce,
            aad,
            buffer,
        })
        .collect();
    let results = engine.process(&mut jobs);
    drop(jobs);
    let _ = engine.unload_key(handle);
    let all_ok = results.len() == expected.len() && results.iter().all(Result::is_ok);
    let all_match = buffers
        .iter()
        .zip(&expected)
        .all(|((_, got), want)| bool::from(got.as_slice().ct_eq(want.as_slice())));
    Ok(all_ok && all_match)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// A software engine that corrupts the next `corrupt` outputs (one bit each).
    #[derive(Default)]
    struct Flaky {
        inner: SoftwareEngine,
        corrupt: AtomicU32,
    }

    impl Engine for Flaky {
        fn name(&self) -> &'static str {
            "flaky"
        }
        fn load_key(&self, aead: u16, key: &[u8]) -> Result<KeyHandle> {
            self.inner.load_key(aead, key)
        }
        fn unload_key(&self, key: KeyHandle) -> Result<()> {
            self.inner.unload_key(key)
        }
        fn key_algorithm(&self, key: KeyHandle) -> Result<u16> {
            self.inner.key_algorithm(key)
        }
        fn process(&self, jobs: &mut [Job<'_>]) -> Vec<Result<()>> {
            let results = self.inner.process(jobs);
            for job in jobs.iter_mut() {
                let pending = self.corrupt.load(Ordering::SeqCst);
                if pending > 0 && !job.buffer.is_empty() {
                    self.corrupt.store(pending - 1, Ordering::SeqCst);
                    job.buffer[0] ^= 0x10;
                }
            }
            results
        }
    }

    /// One job under the tests' fixed nonce and AD.
    fn run_one(
        engine: &dyn Engine,
        key: KeyHandle,
        direction: Direction,
        buffer: &mut Vec<u8>,
    ) -> Result<()> {
        let mut jobs = [Job {
            key,
            direction,
            nonce: &[3; 12],
            aad: b"ad",
            buffer,
        }];
        engine.process(&mut jobs).remove(0)
    }

    fn seal(engine: &dyn Engine, key: KeyHandle, buffer: &mut Vec<u8>) -> Result<()> {
        run_one(engine, key, Direction::Seal, buffer)
    }

    fn open(engine: &dyn Engine, key: KeyHandle, buffer: &mut Vec<u8>) -> Result<()> {
        run_one(engine, key, Direction::Open, buffer)
    }

    fn recording_ruler(flaky: Arc<Flaky>, mode: Mode) -> (Ruler, Arc<Mutex<Vec<Alarm>>>) {
        let alarms = Arc::new(Mutex::new(Vec::new()));
        let log = alarms.clone();
        let ruler = Ruler::with_seed(flaky, mode, 7)
            .with_sink(Arc::new(move |a: &Alarm| {
                log.lock().unwrap().push(a.clone())
            }))
            .with_retest_after(2);
        (ruler, alarms)
    }

    #[test]
    fn a_corrupted_seal_fails_closed_quarantines_and_is_readmitted_after_a_retest() {
        let flaky = Arc::new(Flaky::default());
        let (ruler, alarms) = recording_ruler(flaky.clone(), Mode::All);
        let key = ruler.load_key(cp::AES_256_GCM, &[5; 32]).unwrap();
        let mut good = b"sixteen byte msg".to_vec();
        assert_eq!(seal(&ruler, key, &mut good), Ok(()));
        let reference = AeadKey::new(cp::AES_256_GCM, &[5; 32])
            .unwrap()
            .seal(&[3; 12], b"ad", b"sixteen byte msg")
            .unwrap();
        assert_eq!(good, reference);

        flaky.corrupt.store(1, Ordering::SeqCst);
        let mut buffer = b"sixteen byte msg".to_vec();
        assert_eq!(
            seal(&ruler, key, &mut buffer),
            Err(Error::Disagreement { executor: "flaky" })
        );
        assert_eq!(
            buffer, b"sixteen byte msg",
            "a failed seal leaves the plaintext"
        );
        assert!(ruler.is_quarantined());

        // Quarantined: software only, still correct; the third job triggers the re-test.
        for _ in 0..3 {
            let mut b = b"sixteen byte msg".to_vec();
            assert_eq!(seal(&ruler, key, &mut b), Ok(()));
            assert_eq!(b, reference);
        }
        assert!(!ruler.is_quarantined());
        let c = ruler.counts();
        assert_eq!(
            (
                c.mismatches,
                c.quarantines,
                c.retried,
                c.readmissions,
                c.diverted
            ),
            (1, 1, 1, 1, 2)
        );
        let kinds: Vec<AlarmKind> = alarms.lock().unwrap().iter().map(|a| a.kind).collect();
        assert_eq!(
            kinds,
            [
                AlarmKind::Mismatch,
                AlarmKind::Quarantined,
                AlarmKind::Readmitted
            ]
        );
        assert_eq!(alarms.lock().unwrap()[0].job_index, 1);
    }

    #[test]
    fn a_corrupted_open_releases_nothing_and_a_failed_retest_keeps_the_quarantine() {
        let flaky = Arc::new(Flaky::default());
        let (ruler, alarms) = recording_ruler(flaky.clone(), Mode::All);
        let key = ruler.load_key(cp::AES_256_GCM, &[6; 32]).unwrap();
        let mut sealed = b"a record".to_vec();
        seal(&ruler, key, &mut sealed).unwrap();
        flaky.corrupt.store(1, Ordering::SeqCst);
        let mut buffer = sealed.clone();
        assert_eq!(
            open(&ruler, key, &mut buffer),
            Err(Error::Disagreement { executor: "flaky" })
        );
        assert!(buffer.is_empty(), "nothing released");
        // The re-test's first output is corrupted too: stays quarantined.
        flaky.corrupt.store(1, Ordering::SeqCst);
        assert!(!ruler.retest());
        assert!(ruler.is_quarantined());
        assert!(ruler.retest());
        let kinds: Vec<AlarmKind> = alarms.lock().unwrap().iter().map(|a| a.kind).collect();
        assert_eq!(
            kinds,
            [
                AlarmKind::Mismatch,
                AlarmKind::Quarantined,
                AlarmKind::RetestFailed,
                AlarmKind::Readmitted
            ]
        );
        let mut buffer = sealed.clone();
        assert_eq!(open(&ruler, key, &mut buffer), Ok(()));
        assert_eq!(buffer, b"a record");
        ruler.unload_key(key).unwrap();
        assert_eq!(ruler.key_algorithm(key), Err(Error::UnknownKey));
    }

    #[test]
    fn with_the_ruler_off_a_corruption_reaches_the_caller() {
        let flaky = Arc::new(Flaky::default());
        let (ruler, _) = recording_ruler(flaky.clone(), Mode::Off);
        let key = ruler.load_key(cp::ASCON_AEAD128, &[1; 16]).unwrap();
        flaky.corrupt.store(1, Ordering::SeqCst);
        let mut buffer = b"payload".to_vec();
        let mut jobs = [Job {
            key,
            direction: Direction::Seal,
            nonce: &[0; 16],
            aad: b"",
            buffer: &mut buffer,
        }];
        assert_eq!(ruler.process(&mut jobs), vec![Ok(())]);
        let reference = AeadKey::new(cp::ASCON_AEAD128, &[1; 16])
            .unwrap()
            .seal(&[0; 16], b"", b"payload")
            .unwrap();
        assert_ne!(
            buffer, reference,
            "unchecked: the fault passes (this is what the ruler is for)"
        );
        assert_eq!(ruler.counts().checked, 0);
    }

    #[test]
    fn sampling_checks_about_the_asked_fraction() {
        let (ruler, _) = recording_ruler(Arc::new(Flaky::default()), Mode::Sampled(0.25));
        let key = ruler.load_key(cp::AES_256_GCM, &[2; 32]).unwrap();
        for _ in 0..4000 {
            seal(&ruler, key, &mut vec![1; 8]).unwrap();
        }
        let checked = ruler.counts().checked;
        assert!(
            (800..1200).contains(&checked),
            "{checked} of 4000 checked at 0.25"
        );
    }

    #[test]
    fn failed_tags_agree_and_bad_keys_are_typed_errors() {
        let (ruler, _) = recording_ruler(Arc::new(Flaky::default()), Mode::All);
        let key = ruler.load_key(cp::CHACHA20_POLY1305, &[4; 32]).unwrap();
        assert_eq!(ruler.key_algorithm(key), Ok(cp::CHACHA20_POLY1305));
        assert_eq!(
            ruler.load_key(cp::HKDF_SHA256, &[0; 32]).map(|_| ()),
            Err(Error::Aead(agilis_suites::Error::WrongKind {
                expected: agilis_suites::Kind::Aead,
                found: agilis_suites::Kind::Kdf
            }))
        );
        let mut bad = vec![0u8; 40];
        assert_eq!(
            open(&ruler, key, &mut bad),
            Err(Error::AuthenticationFailed)
        );
        assert!(bad.is_empty());
        assert_eq!(
            ruler.counts().mismatches,
            0,
            "both engines agree on a failed tag"
        );
    }
}

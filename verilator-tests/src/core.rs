//! One bare AEAD core (`ascon_aead128` or `aes256_gcm`) as a Verilated model,
//! with the stream protocol of `hdl/README.md` driven from Rust.

use std::ffi::c_void;

/// The algorithm a core implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoreAlgorithm {
    AsconAead128,
    Aes256Gcm,
}

impl CoreAlgorithm {
    pub fn key_len(self) -> usize {
        match self {
            CoreAlgorithm::AsconAead128 => 16,
            CoreAlgorithm::Aes256Gcm => 32,
        }
    }
    pub fn nonce_len(self) -> usize {
        match self {
            CoreAlgorithm::AsconAead128 => 16,
            CoreAlgorithm::Aes256Gcm => 12,
        }
    }
}

/// One configuration of a core, as Verilated by `build.rs`.
#[derive(Clone, Copy, Debug)]
pub struct CoreConfig {
    /// Model name in `build.rs`.
    pub name: &'static str,
    pub algorithm: CoreAlgorithm,
    /// Permutation rounds per clock (Ascon); 1 AES round per clock for AES.
    pub rounds_per_cycle: u32,
    pub bus_bits: u32,
}

/// Every core configuration `build.rs` builds.
pub const CORE_CONFIGS: &[CoreConfig] = &[
    ascon("ascon_r1_b64", 1, 64),
    ascon("ascon_r1_b128", 1, 128),
    ascon("ascon_r2_b64", 2, 64),
    ascon("ascon_r2_b128", 2, 128),
    ascon("ascon_r4_b64", 4, 64),
    ascon("ascon_r4_b128", 4, 128),
    CoreConfig { name: "aes256_gcm", algorithm: CoreAlgorithm::Aes256Gcm, rounds_per_cycle: 1, bus_bits: 128 },
];

const fn ascon(name: &'static str, rounds_per_cycle: u32, bus_bits: u32) -> CoreConfig {
    CoreConfig { name, algorithm: CoreAlgorithm::AsconAead128, rounds_per_cycle, bus_bits }
}

impl CoreConfig {
    pub fn by_name(name: &str) -> Option<&'static CoreConfig> {
        CORE_CONFIGS.iter().find(|c| c.name == name)
    }
    /// The configurations of one algorithm.
    pub fn of(algorithm: CoreAlgorithm) -> impl Iterator<Item = &'static CoreConfig> {
        CORE_CONFIGS.iter().filter(move |c| c.algorithm == algorithm)
    }
}

/// The core's input pins (mirrors `CoreInputs` in csrc/core_shim.cpp).
/// Wide values are little-endian 32-bit words: byte j in word j/4.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct CoreInputs {
    pub key: [u32; 8],
    pub nonce: [u32; 4],
    pub tag_in: [u32; 4],
    pub in_data: [u32; 4],
    pub ad_len: u32,
    pub msg_len: u32,
    pub in_keep: u32,
    pub rst: u8,
    pub start: u8,
    pub decrypt: u8,
    pub in_valid: u8,
    pub in_last: u8,
    pub out_ready: u8,
    _pad: [u8; 2],
}

/// The core's output pins (mirrors `CoreOutputs` in csrc/core_shim.cpp).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct CoreOutputs {
    pub out_data: [u32; 4],
    pub tag_out: [u32; 4],
    pub out_keep: u32,
    pub busy: u8,
    pub in_ready: u8,
    pub out_valid: u8,
    pub out_last: u8,
    pub done: u8,
    pub tag_ok: u8,
    pub err: u8,
    _pad: u8,
}

#[repr(C)]
struct CoreApi {
    create: unsafe extern "C" fn() -> *mut c_void,
    destroy: unsafe extern "C" fn(*mut c_void),
    eval: unsafe extern "C" fn(*mut c_void, *const CoreInputs, *mut CoreOutputs),
    tick: unsafe extern "C" fn(*mut c_void),
}

/// Packs bytes into little-endian words (byte j in word j/4).
pub fn bytes_to_words<const N: usize>(bytes: &[u8]) -> [u32; N] {
    let mut words = [0u32; N];
    for (j, b) in bytes.iter().enumerate().take(N * 4) {
        words[j / 4] |= u32::from(*b) << (8 * (j % 4));
    }
    words
}

/// Unpacks little-endian words into `len` bytes.
pub fn words_to_bytes(words: &[u32], len: usize) -> Vec<u8> {
    (0..len).map(|j| (words[j / 4] >> (8 * (j % 4))) as u8).collect()
}

/// One input beat, as the stream carries it.
#[derive(Clone, Debug)]
pub struct Beat {
    pub data: Vec<u8>,
    pub keep: u32,
    pub last: bool,
}

/// The beats of a well-formed input stream for (AD, message) on a bus of
/// `bus_bits`: each section on fresh beats, `keep` = 2^n-1 on its last beat.
pub fn stream_beats(ad: &[u8], msg: &[u8], bus_bits: u32) -> Vec<Beat> {
    let width = (bus_bits / 8) as usize;
    let mut beats = Vec::new();
    for section in [ad, msg] {
        let chunks: Vec<&[u8]> = section.chunks(width).collect();
        for (i, chunk) in chunks.iter().enumerate() {
            let keep = if chunk.len() == 32 { u32::MAX } else { (1u32 << chunk.len()) - 1 };
            beats.push(Beat { data: chunk.to_vec(), keep, last: i + 1 == chunks.len() });
        }
    }
    beats
}

/// What one message asks of the core.
#[derive(Clone, Debug)]
pub struct Job<'a> {
    pub decrypt: bool,
    pub key: &'a [u8],
    pub nonce: &'a [u8],
    pub ad: &'a [u8],
    /// Plaintext when encrypting, ciphertext when decrypting.
    pub msg: &'a [u8],
    /// Expected tag when decrypting.
    pub tag: [u8; 16],
}

/// Stalls on the two streams: a deterministic pseudo-random pattern.
#[derive(Clone, Debug)]
pub struct Flow {
    /// Percent of cycles the source holds back `in_valid`.
    pub in_stall_pct: u32,
    /// Percent of cycles the sink holds back `out_ready`.
    pub out_stall_pct: u32,
    /// Stall once before every beat on both sides (overrides the percentages).
    pub stall_every_beat: bool,
    state: u64,
}

impl Flow {
    /// Both streams at full speed.
    pub fn full_speed() -> Flow {
        Flow { in_stall_pct: 0, out_stall_pct: 0, stall_every_beat: false, state: 1 }
    }
    /// Random stalls with the given percentages, reproducible from `seed`.
    pub fn random(in_stall_pct: u32, out_stall_pct: u32, seed: u64) -> Flow {
        Flow { in_stall_pct, out_stall_pct, stall_every_beat: false, state: seed | 1 }
    }
    /// Every beat on both sides waits one cycle first.
    pub fn every_beat() -> Flow {
        Flow { in_stall_pct: 0, out_stall_pct: 0, stall_every_beat: true, state: 1 }
    }
    fn roll(&mut self, pct: u32) -> bool {
        // xorshift64
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        (self.state % 100) < u64::from(pct)
    }
}

/// What the core produced for one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Every output byte, in order (plaintext is unverified until `tag_ok`).
    pub output: Vec<u8>,
    pub tag: [u8; 16],
    pub tag_ok: bool,
    pub err: bool,
    /// Clock edges from the one that takes `start` until `done` is seen.
    pub cycles: u64,
    /// Protocol violations seen on the output stream (must be empty).
    pub violations: Vec<String>,
}

/// A Verilated core.
pub struct CoreModel {
    config: CoreConfig,
    api: &'static CoreApi,
    handle: *mut c_void,
    pins: CoreInputs,
    ticks: u64,
}

impl Drop for CoreModel {
    fn drop(&mut self) {
        // SAFETY: handle came from this api's create and is dropped once.
        unsafe { (self.api.destroy)(self.handle) }
    }
}

/// A run that did not end within its cycle budget: the core hung.
#[derive(Debug)]
pub struct Hang {
    pub cycles: u64,
    pub output: Vec<u8>,
}

impl CoreModel {
    /// Builds the named model (see [`CORE_CONFIGS`]) and holds it in reset
    /// for two cycles.
    pub fn new(name: &str) -> Result<CoreModel, String> {
        let config = *CoreConfig::by_name(name).ok_or_else(|| format!("unknown core configuration {name:?}"))?;
        let api = crate::model_api(name).ok_or_else(|| format!("model {name:?} is not in this build"))?;
        // SAFETY: core_shim.cpp returns a pointer to a static CoreApi.
        let api: &'static CoreApi = unsafe { &*(api as *const CoreApi) };
        // SAFETY: create has no preconditions.
        let handle = unsafe { (api.create)() };
        let mut model = CoreModel { config, api, handle, pins: CoreInputs::default(), ticks: 0 };
        model.reset();
        Ok(model)
    }

    pub fn config(&self) -> &CoreConfig {
        &self.config
    }

    /// Clock edges since the model was built.
    pub fn ticks(&self) -> u64 {
        self.ticks
    }

    /// The input pins as they will be applied at the next [`eval`](Self::eval).
    pub fn pins(&mut self) -> &mut CoreInputs {
        &mut self.pins
    }

    /// Applies the input pins and settles the logic; returns the outputs of
    /// this cycle (before the next clock edge).
    pub fn eval(&mut self) -> CoreOutputs {
        let mut out = CoreOutputs::default();
        // SAFETY: handle is live; both pointers are valid for the call.
        unsafe { (self.api.eval)(self.handle, &self.pins, &mut out) };
        out
    }

    /// One rising clock edge.
    pub fn tick(&mut self) {
        // SAFETY: handle is live.
        unsafe { (self.api.tick)(self.handle) };
        self.ticks += 1;
    }

    /// Synchronous reset for two cycles, then all inputs low.
    pub fn reset(&mut self) {
        self.pins = CoreInputs { rst: 1, ..CoreInputs::default() };
        for _ in 0..2 {
            self.eval();
            self.tick();
        }
        self.pins.rst = 0;
        self.eval();
    }

    /// Runs one well-formed message at full speed.
    pub fn run(&mut self, job: &Job) -> Result<Outcome, Hang> {
        self.run_with(job, &mut Flow::full_speed())
    }

    /// Runs one well-formed message under the given stalls.
    pub fn run_with(&mut self, job: &Job, flow: &mut Flow) -> Result<Outcome, Hang> {
        let beats = stream_beats(job.ad, job.msg, self.config.bus_bits);
        self.run_beats(job, job.ad.len() as u32, job.msg.len() as u32, &beats, flow)
    }

    /// Starts a message with the given lengths and feeds it `beats`, which may
    /// disagree with the lengths. Waits for `done`, at most a generous budget
    /// of cycles; past it, reports a [`Hang`].
    pub fn run_beats(&mut self, job: &Job, ad_len: u32, msg_len: u32, beats: &[Beat], flow: &mut Flow) -> Result<Outcome, Hang> {
        let budget = 64 + 64 * (u64::from(ad_len) + u64::from(msg_len) + 16 * beats.len() as u64);
        self.start(job, ad_len, msg_len);
        let width = (self.config.bus_bits / 8) as usize;
        let mut next = 0usize;
        let mut output = Vec::new();
        let mut violations = Vec::new();
        let mut cycles = 1u64;
        let mut in_wait = flow.stall_every_beat;
        let mut out_wait = flow.stall_every_beat;
        loop {
            let offer = next < beats.len() && !in_wait && !flow.roll(flow.in_stall_pct);
            if offer {
                let beat = &beats[next];
                self.pins.in_valid = 1;
                self.pins.in_data = bytes_to_words::<4>(&beat.data);
                self.pins.in_keep = beat.keep;
                self.pins.in_last = beat.last as u8;
            } else {
                self.pins.in_valid = 0;
                self.pins.in_data = [0; 4];
                self.pins.in_keep = 0;
                self.pins.in_last = 0;
            }
            let ready = !out_wait && !flow.roll(flow.out_stall_pct);
            self.pins.out_ready = ready as u8;
            let out = self.eval();
            if out.done != 0 {
                let tag: [u8; 16] = words_to_bytes(&out.tag_out, 16).try_into().unwrap();
                self.idle_inputs();
                return Ok(Outcome { output, tag, tag_ok: out.tag_ok != 0, err: out.err != 0, cycles, violations });
            }
            if offer && out.in_ready != 0 {
                next += 1;
                in_wait = flow.stall_every_beat;
            } else if in_wait {
                in_wait = false;
            }
            if out.out_valid != 0 {
                if ready {
                    let keep = out.out_keep;
                    let n = keep.trailing_ones() as usize;
                    if n == 0 || n > width || (n < 32 && keep >> n != 0) {
                        violations.push(format!("cycle {cycles}: out_keep {keep:#x} is not 2^n-1"));
                    }
                    if n < width && out.out_last == 0 {
                        violations.push(format!("cycle {cycles}: partial beat without out_last"));
                    }
                    output.extend(words_to_bytes(&out.out_data, n.min(width)));
                    out_wait = flow.stall_every_beat;
                } else if out_wait {
                    out_wait = false;
                }
            }
            self.tick();
            cycles += 1;
            if cycles > budget {
                self.idle_inputs();
                return Err(Hang { cycles, output });
            }
        }
    }

    /// Presents the job's configuration, then `start` for one clock edge.
    /// The lengths are held from the cycle before `start` (the core
    /// contract: the Ascon core registers their descriptors a cycle ahead).
    pub fn start(&mut self, job: &Job, ad_len: u32, msg_len: u32) {
        self.pins.key = bytes_to_words::<8>(job.key);
        self.pins.nonce = bytes_to_words::<4>(job.nonce);
        self.pins.tag_in = bytes_to_words::<4>(&job.tag);
        self.pins.ad_len = ad_len;
        self.pins.msg_len = msg_len;
        self.pins.decrypt = job.decrypt as u8;
        self.pins.start = 0;
        self.pins.in_valid = 0;
        self.pins.out_ready = 0;
        self.eval();
        self.tick();
        self.pins.start = 1;
        self.eval();
        self.tick();
        self.pins.start = 0;
    }

    fn idle_inputs(&mut self) {
        self.pins.in_valid = 0;
        self.pins.out_ready = 0;
        self.pins.start = 0;
        self.eval();
    }
}

//! The card's top level (`agilis_top`) as a Verilated model, seen the way a
//! driver sees the real card: 32-bit registers at BAR0 offsets, and host
//! memory that the card reaches by DMA.
//!
//! [`TopModel`] is the bus: [`read32`](TopModel::read32) /
//! [`write32`](TopModel::write32) run AXI4-Lite transactions on the model's
//! slave port, and every clock cycle a host-memory model ([`HostMemory`])
//! answers the model's AXI4 master: reads and writes of 16-byte beats, with
//! optional back-pressure on every channel ([`BusFlow`]), error responses
//! for chosen address ranges, and a check of the AXI rules the card must keep
//! (bursts within 4 KiB, lengths, WLAST, only memory the host allocated).
//! The register offsets come from `agilis-regmap`, like the driver's.
//!
//! On top of the bus, [`TopModel`] has the helpers the tests use to run a
//! job through a lane's registers ([`start_direct`](TopModel::start_direct))
//! or through the descriptor ring ([`Ring`]). They follow `docs/dma.md`.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::ffi::c_void;
use std::fmt;
use std::ops::Range;

use agilis_regmap::{self as rm, Descriptor, DescStatus, Layout, desc, lane, reg};

/// Names of the top-level models `build.rs` builds (each `agilis_top` with
/// its parameters; the tests read the parameters back from CAPABILITY).
pub const TOP_MODELS: &[&str] = &["top_mixed", "top_small"];

/// The top's input pins (mirrors `TopInputs` in csrc/top_shim.cpp).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TopInputs {
    pub m_rdata: [u32; 4],
    pub s_wdata: u32,
    pub s_awaddr: u16,
    pub s_araddr: u16,
    pub rst: u8,
    pub s_awvalid: u8,
    pub s_wstrb: u8,
    pub s_wvalid: u8,
    pub s_bready: u8,
    pub s_arvalid: u8,
    pub s_rready: u8,
    pub m_arready: u8,
    pub m_rid: u8,
    pub m_rresp: u8,
    pub m_rlast: u8,
    pub m_rvalid: u8,
    pub m_awready: u8,
    pub m_wready: u8,
    pub m_bid: u8,
    pub m_bresp: u8,
    pub m_bvalid: u8,
    _pad: [u8; 3],
}

/// The top's output pins (mirrors `TopOutputs` in csrc/top_shim.cpp).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TopOutputs {
    pub m_araddr: u64,
    pub m_awaddr: u64,
    pub m_wdata: [u32; 4],
    pub s_rdata: u32,
    pub m_wstrb: u16,
    pub s_awready: u8,
    pub s_wready: u8,
    pub s_bresp: u8,
    pub s_bvalid: u8,
    pub s_arready: u8,
    pub s_rresp: u8,
    pub s_rvalid: u8,
    pub m_arid: u8,
    pub m_arlen: u8,
    pub m_arsize: u8,
    pub m_arburst: u8,
    pub m_arvalid: u8,
    pub m_rready: u8,
    pub m_awid: u8,
    pub m_awlen: u8,
    pub m_awsize: u8,
    pub m_awburst: u8,
    pub m_awvalid: u8,
    pub m_wlast: u8,
    pub m_wvalid: u8,
    pub m_bready: u8,
    pub irq: u8,
    _pad: [u8; 7],
}

#[repr(C)]
struct TopApi {
    inputs_size: u32,
    outputs_size: u32,
    create: unsafe extern "C" fn() -> *mut c_void,
    destroy: unsafe extern "C" fn(*mut c_void),
    eval: unsafe extern "C" fn(*mut c_void, *const TopInputs, *mut TopOutputs),
    tick: unsafe extern "C" fn(*mut c_void),
}

/// What went wrong on the simulated bus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimError {
    /// The model is not in this build.
    NoModel(String),
    /// A register access or a wait did not finish within its cycle budget.
    Timeout { what: String, cycles: u64 },
    /// A job could not be set up (bad arguments to a helper).
    Setup(String),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::NoModel(m) => write!(f, "model {m:?} is not in this build"),
            SimError::Timeout { what, cycles } => write!(f, "timeout after {cycles} cycles: {what}"),
            SimError::Setup(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for SimError {}

/// Cycles one AXI4-Lite transaction may take before it counts as a hang.
pub const REG_TIMEOUT: u64 = 2_000;

// ---------------------------------------------------------------- memory ----

const PAGE: u64 = 4096;

/// Host memory as the card sees it: sparse, byte-addressed, 64-bit.
/// Only allocated ranges may be touched by DMA; anything else is answered
/// with DECERR and recorded as a violation.
#[derive(Default)]
pub struct HostMemory {
    pages: HashMap<u64, Box<[u8; PAGE as usize]>>,
    allocs: BTreeMap<u64, u64>, // start -> end
    next: u64,
}

impl HostMemory {
    /// Addresses start above 4 GiB, so that the high address words matter.
    pub const BASE: u64 = 0x0000_0001_0000_0000;

    pub fn new() -> HostMemory {
        HostMemory { pages: HashMap::new(), allocs: BTreeMap::new(), next: Self::BASE }
    }

    /// Allocates `len` bytes (at least 1) at an address that is `align`-aligned
    /// plus `skew` bytes, leaving an unallocated guard gap after the previous
    /// allocation. The memory is zeroed.
    pub fn alloc_at(&mut self, len: usize, align: u64, skew: u64) -> u64 {
        let align = align.max(16);
        let start = (self.next + 64).div_ceil(align) * align + skew;
        let len = (len as u64).max(1);
        self.allocs.insert(start, start + len);
        self.next = start + len;
        self.fill(start, len as usize, 0);
        start
    }

    /// Allocates `len` bytes, 16-byte aligned.
    pub fn alloc(&mut self, len: usize) -> u64 {
        self.alloc_at(len, 16, 0)
    }

    /// Allocates `len` bytes that end just before a 4 KiB boundary plus
    /// `over` bytes, so that a buffer of more than `len - over` bytes crosses it.
    pub fn alloc_across_page(&mut self, len: usize, before_boundary: u64) -> u64 {
        let start = (self.next + 64).div_ceil(PAGE) * PAGE + PAGE - before_boundary;
        let len = (len as u64).max(1);
        self.allocs.insert(start, start + len);
        self.next = start + len;
        self.fill(start, len as usize, 0);
        start
    }

    /// Forgets every allocation and byte.
    pub fn clear(&mut self) {
        *self = HostMemory::new();
    }

    /// Whether `[addr, addr+len)` lies inside one allocation.
    pub fn is_allocated(&self, addr: u64, len: u64) -> bool {
        self.allocs.range(..=addr).next_back().is_some_and(|(_, &end)| addr + len <= end)
    }

    fn byte_mut(&mut self, addr: u64) -> &mut u8 {
        let page = self.pages.entry(addr / PAGE).or_insert_with(|| Box::new([0u8; PAGE as usize]));
        &mut page[(addr % PAGE) as usize]
    }

    fn byte(&self, addr: u64) -> u8 {
        self.pages.get(&(addr / PAGE)).map_or(0, |p| p[(addr % PAGE) as usize])
    }

    pub fn write(&mut self, addr: u64, bytes: &[u8]) {
        for (i, b) in bytes.iter().enumerate() {
            *self.byte_mut(addr + i as u64) = *b;
        }
    }

    pub fn read(&self, addr: u64, len: usize) -> Vec<u8> {
        (0..len as u64).map(|i| self.byte(addr + i)).collect()
    }

    pub fn fill(&mut self, addr: u64, len: usize, value: u8) {
        for i in 0..len as u64 {
            *self.byte_mut(addr + i) = value;
        }
    }
}

// ------------------------------------------------------------ bus timing ----

/// Back-pressure the host side applies to the card's AXI4 master.
#[derive(Clone, Debug)]
pub struct BusFlow {
    /// Percent of cycles each ready (AR, AW, W) is held low.
    pub ready_stall_pct: u32,
    /// Percent of cycles a response (R beat, B) is held back before it is offered.
    pub valid_stall_pct: u32,
    /// Every beat on every channel waits at least one cycle (overrides the
    /// percentages): readies go high only after valid was seen low-ready,
    /// and responses pause one cycle between beats.
    pub stall_every_beat: bool,
    /// Cycles from an accepted AR to its first data beat.
    pub read_latency: u64,
    /// Cycles from a burst's last W beat to its B response.
    pub write_latency: u64,
    /// Interleave the R beats of bursts with different IDs (AXI allows it).
    pub interleave_reads: bool,
    state: u64,
}

impl Default for BusFlow {
    fn default() -> Self {
        BusFlow::fast()
    }
}

impl BusFlow {
    /// No stalls, short latencies.
    pub fn fast() -> BusFlow {
        BusFlow { ready_stall_pct: 0, valid_stall_pct: 0, stall_every_beat: false, read_latency: 4, write_latency: 2, interleave_reads: false, state: 0x9E37_79B9_7F4A_7C15 }
    }
    /// Random stalls on every channel, reproducible from `seed`, with
    /// interleaved read data and PCIe-like latencies.
    pub fn random(stall_pct: u32, seed: u64) -> BusFlow {
        BusFlow { ready_stall_pct: stall_pct, valid_stall_pct: stall_pct, stall_every_beat: false, read_latency: 20, write_latency: 8, interleave_reads: true, state: seed | 1 }
    }
    /// Every beat of every channel is stalled at least once.
    pub fn every_beat() -> BusFlow {
        BusFlow { stall_every_beat: true, read_latency: 6, write_latency: 3, interleave_reads: true, ..BusFlow::fast() }
    }
    fn next(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }
    fn roll(&mut self, pct: u32) -> bool {
        pct > 0 && (self.next() % 100) < u64::from(pct)
    }
}

/// AXI response codes.
pub const OKAY: u8 = 0;
pub const SLVERR: u8 = 2;
pub const DECERR: u8 = 3;

#[derive(Debug)]
struct ReadBurst {
    id: u8,
    addr: u64,
    beats: u32,
    sent: u32,
    ready_at: u64,
}

#[derive(Debug)]
struct WriteBurst {
    addr: u64,
    id: u8,
    beats: u32,
    got: u32,
    resp: u8,
}

/// Counters of what crossed the AXI4 master port.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BusStats {
    pub read_bursts: u64,
    pub read_beats: u64,
    pub write_bursts: u64,
    pub write_beats: u64,
    /// Handshakes that followed at least one stalled cycle.
    pub stalled_beats: u64,
    pub error_responses: u64,
}

/// The host side of the card's AXI4 master.
struct AxiHost {
    reads: Vec<ReadBurst>,
    writes: VecDeque<WriteBurst>,
    bresps: VecDeque<(u8, u8, u64)>, // id, resp, ready_at
    r_cur: Option<usize>,             // burst whose beat is on R (must stay until taken)
    r_gap: bool,
    b_cur: bool,
    b_gap: bool,
    ar_seen: bool,
    aw_seen: bool,
    w_seen: bool,
    read_errors: Vec<Range<u64>>,
    write_errors: Vec<Range<u64>>,
    violations: Vec<String>,
    stats: BusStats,
}

impl AxiHost {
    fn new() -> AxiHost {
        AxiHost {
            reads: Vec::new(),
            writes: VecDeque::new(),
            bresps: VecDeque::new(),
            r_cur: None,
            r_gap: false,
            b_cur: false,
            b_gap: false,
            ar_seen: false,
            aw_seen: false,
            w_seen: false,
            read_errors: Vec::new(),
            write_errors: Vec::new(),
            violations: Vec::new(),
            stats: BusStats::default(),
        }
    }

    /// Drops every transaction in flight (a hard reset of the whole system).
    fn reset(&mut self) {
        let (re, we, v, s) = (std::mem::take(&mut self.read_errors), std::mem::take(&mut self.write_errors), std::mem::take(&mut self.violations), self.stats.clone());
        *self = AxiHost::new();
        self.read_errors = re;
        self.write_errors = we;
        self.violations = v;
        self.stats = s;
    }

    fn check_burst(&mut self, cycle: u64, what: &str, addr: u64, len: u8, size: u8, burst: u8) {
        let bytes = (u64::from(len) + 1) * 16;
        if size != 4 || burst != 1 {
            self.violations.push(format!("cycle {cycle}: {what} {addr:#x}: size {size} burst {burst}, expected 16-byte INCR"));
        }
        if len > 15 {
            self.violations.push(format!("cycle {cycle}: {what} {addr:#x}: {} beats, more than 16", u32::from(len) + 1));
        }
        if !addr.is_multiple_of(16) {
            self.violations.push(format!("cycle {cycle}: {what} {addr:#x}: not 16-byte aligned"));
        }
        if addr / PAGE != (addr + bytes - 1) / PAGE {
            self.violations.push(format!("cycle {cycle}: {what} {addr:#x}+{bytes}: crosses a 4 KiB boundary"));
        }
    }
}

fn overlaps(ranges: &[Range<u64>], addr: u64, len: u64) -> bool {
    ranges.iter().any(|r| addr < r.end && r.start < addr + len)
}

// ------------------------------------------------------------------ model ----

/// A Verilated `agilis_top` with its host: the simulated card and its bus.
pub struct TopModel {
    name: String,
    api: &'static TopApi,
    handle: *mut c_void,
    pins: TopInputs,
    out: TopOutputs,
    cycle: u64,
    /// Host memory the card reads and writes by DMA.
    pub mem: HostMemory,
    /// Back-pressure and latencies of the host side; change at any time.
    pub flow: BusFlow,
    host: AxiHost,
    caps: Caps,
}

/// The card's parameters, as its capability registers report them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Caps {
    pub lanes: u32,
    pub key_slots: u32,
    pub ascon_rounds: u32,
    /// Bit i: lane i is AES-256-GCM.
    pub lane_kind: u32,
    pub max_len: u32,
    pub ring_max: u32,
    pub max_inflight: u32,
}

impl Caps {
    /// Whether lane `i` runs AES-256-GCM (else Ascon-AEAD128).
    pub fn lane_is_aes(&self, i: u32) -> bool {
        self.lane_kind >> i & 1 == 1
    }
    /// Lanes of the given key algorithm (`rm::key_alg::*`).
    pub fn lanes_of(&self, alg: u32) -> Vec<u32> {
        (0..self.lanes).filter(|&i| self.lane_is_aes(i) == (alg == rm::key_alg::AES_256_GCM)).collect()
    }
}

impl Drop for TopModel {
    fn drop(&mut self) {
        // SAFETY: handle came from this api's create and is dropped once.
        unsafe { (self.api.destroy)(self.handle) }
    }
}

impl TopModel {
    /// Builds the named top model, resets it (hard reset, then the key wipe
    /// that follows it) and reads its capabilities.
    pub fn new(name: &str) -> Result<TopModel, SimError> {
        let api = crate::model_api(name).ok_or_else(|| SimError::NoModel(name.into()))?;
        // SAFETY: top_shim.cpp returns a pointer to a static TopApi.
        let api: &'static TopApi = unsafe { &*(api as *const TopApi) };
        assert_eq!(api.inputs_size as usize, size_of::<TopInputs>(), "TopInputs layout differs from top_shim.cpp");
        assert_eq!(api.outputs_size as usize, size_of::<TopOutputs>(), "TopOutputs layout differs from top_shim.cpp");
        // SAFETY: create has no preconditions.
        let handle = unsafe { (api.create)() };
        let mut model = TopModel {
            name: name.into(),
            api,
            handle,
            pins: TopInputs::default(),
            out: TopOutputs::default(),
            cycle: 0,
            mem: HostMemory::new(),
            flow: BusFlow::fast(),
            host: AxiHost::new(),
            caps: Caps::default(),
        };
        model.hard_reset()?;
        model.caps = model.read_caps()?;
        Ok(model)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The card's parameters (read at construction).
    pub fn caps(&self) -> &Caps {
        &self.caps
    }

    fn read_caps(&mut self) -> Result<Caps, SimError> {
        let cap = self.read32(reg::CAPABILITY)?;
        let ring = self.read32(reg::RING_CAP)?;
        Ok(Caps {
            lanes: reg::capability::LANES.get(cap),
            key_slots: reg::capability::KEY_SLOTS.get(cap),
            ascon_rounds: reg::capability::ASCON_ROUNDS.get(cap),
            lane_kind: self.read32(reg::LANE_KIND)?,
            max_len: self.read32(reg::MAX_LEN)?,
            ring_max: reg::ring_cap::MAX_ENTRIES.get(ring),
            max_inflight: reg::ring_cap::MAX_INFLIGHT.get(ring),
        })
    }

    /// Clock cycles since the model was built.
    pub fn cycles(&self) -> u64 {
        self.cycle
    }

    /// The interrupt line, as of the last cycle.
    pub fn irq(&self) -> bool {
        self.out.irq != 0
    }

    /// AXI rule violations seen on the master port (must stay empty).
    pub fn violations(&self) -> &[String] {
        &self.host.violations
    }

    /// Counters of the master port.
    pub fn bus_stats(&self) -> &BusStats {
        &self.host.stats
    }

    /// Answer every read beat touching `range` with SLVERR.
    pub fn fail_reads(&mut self, range: Range<u64>) {
        self.host.read_errors.push(range);
    }

    /// Answer every write burst touching `range` with SLVERR (and drop its data).
    pub fn fail_writes(&mut self, range: Range<u64>) {
        self.host.write_errors.push(range);
    }

    /// Removes every injected error.
    pub fn clear_faults(&mut self) {
        self.host.read_errors.clear();
        self.host.write_errors.clear();
    }

    /// Holds `rst` for four cycles, as the board's reset does; the host side
    /// drops whatever it had in flight. Then waits for the key wipe.
    pub fn hard_reset(&mut self) -> Result<(), SimError> {
        self.pins = TopInputs { rst: 1, ..TopInputs::default() };
        for _ in 0..4 {
            self.raw_cycle();
        }
        self.pins.rst = 0;
        self.host.reset();
        self.wait_reg(reg::STATUS, reg::status::RESET_BUSY, 0, 10_000)?;
        Ok(())
    }

    /// One clock cycle: the host side drives its inputs, the logic settles,
    /// handshakes are taken, the clock ticks.
    pub fn step(&mut self) {
        self.drive_host();
        self.eval();
        self.take_host();
        self.tick();
    }

    /// `n` clock cycles.
    pub fn run(&mut self, n: u64) {
        for _ in 0..n {
            self.step();
        }
    }

    fn raw_cycle(&mut self) {
        self.eval();
        self.tick();
    }

    fn eval(&mut self) {
        // SAFETY: handle is live; both pointers are valid for the call.
        unsafe { (self.api.eval)(self.handle, &self.pins, &mut self.out) };
    }

    fn tick(&mut self) {
        // SAFETY: handle is live.
        unsafe { (self.api.tick)(self.handle) };
        self.cycle += 1;
    }

    // ---- host side of the AXI4 master ----

    fn drive_host(&mut self) {
        let every = self.flow.stall_every_beat;
        let (rs, vs) = (self.flow.ready_stall_pct, self.flow.valid_stall_pct);
        // Readies: in every-beat mode high only once valid has waited a cycle.
        self.pins.m_arready = if every { self.host.ar_seen as u8 } else { !self.flow.roll(rs) as u8 };
        self.pins.m_awready = if every { self.host.aw_seen as u8 } else { !self.flow.roll(rs) as u8 };
        // W only for a burst whose AW was taken.
        let w_ok = !self.host.writes.is_empty();
        self.pins.m_wready = (w_ok && if every { self.host.w_seen } else { !self.flow.roll(rs) }) as u8;

        // R: keep the beat on offer until it is taken; else maybe offer one.
        if self.host.r_cur.is_none() {
            let gap = if every { std::mem::replace(&mut self.host.r_gap, false) } else { self.flow.roll(vs) };
            if !gap {
                let now = self.cycle;
                let mut heads: Vec<usize> = Vec::new();
                for (i, b) in self.host.reads.iter().enumerate() {
                    if b.ready_at <= now && !self.host.reads[..i].iter().any(|o| o.id == b.id) {
                        heads.push(i);
                    }
                }
                if !heads.is_empty() {
                    let pick = if self.flow.interleave_reads { heads[(self.flow.next() % heads.len() as u64) as usize] } else { heads[0] };
                    self.host.r_cur = Some(pick);
                }
            }
        }
        match self.host.r_cur {
            Some(i) => {
                let b = &self.host.reads[i];
                let addr = b.addr + 16 * u64::from(b.sent);
                let resp = if overlaps(&self.host.read_errors, addr, 16) {
                    SLVERR
                } else if !self.mem.is_allocated(addr, 16) {
                    DECERR
                } else {
                    OKAY
                };
                let data = if resp == OKAY { self.mem.read(addr, 16) } else { vec![0xA5; 16] };
                self.pins.m_rdata = crate::core::bytes_to_words::<4>(&data);
                self.pins.m_rid = b.id;
                self.pins.m_rresp = resp;
                self.pins.m_rlast = (b.sent + 1 == b.beats) as u8;
                self.pins.m_rvalid = 1;
            }
            None => {
                self.pins.m_rvalid = 0;
                self.pins.m_rlast = 0;
                self.pins.m_rresp = 0;
            }
        }

        // B
        if !self.host.b_cur {
            let gap = if every { std::mem::replace(&mut self.host.b_gap, false) } else { self.flow.roll(vs) };
            if !gap && self.host.bresps.front().is_some_and(|b| b.2 <= self.cycle) {
                self.host.b_cur = true;
            }
        }
        if self.host.b_cur {
            let (id, resp, _) = *self.host.bresps.front().unwrap();
            self.pins.m_bid = id;
            self.pins.m_bresp = resp;
            self.pins.m_bvalid = 1;
        } else {
            self.pins.m_bvalid = 0;
        }
    }

    fn take_host(&mut self) {
        let o = self.out;
        let now = self.cycle;
        // AR
        if o.m_arvalid != 0 && self.pins.m_arready != 0 {
            self.host.check_burst(now, "read", o.m_araddr, o.m_arlen, o.m_arsize, o.m_arburst);
            let beats = u32::from(o.m_arlen) + 1;
            if !self.mem.is_allocated(o.m_araddr, 16 * u64::from(beats)) {
                self.host.violations.push(format!("cycle {now}: read {:#x}+{}: outside host allocations", o.m_araddr, 16 * beats));
            }
            if self.host.ar_seen && !self.flow.stall_every_beat {
                self.host.stats.stalled_beats += 1;
            }
            if self.flow.stall_every_beat {
                self.host.stats.stalled_beats += 1;
            }
            self.host.reads.push(ReadBurst { id: o.m_arid, addr: o.m_araddr, beats, sent: 0, ready_at: now + self.flow.read_latency });
            self.host.stats.read_bursts += 1;
            self.host.ar_seen = false;
        } else {
            self.host.ar_seen = o.m_arvalid != 0;
        }
        // R
        if self.pins.m_rvalid != 0 && o.m_rready != 0 {
            let i = self.host.r_cur.take().unwrap();
            let b = &mut self.host.reads[i];
            b.sent += 1;
            if self.pins.m_rresp != OKAY {
                self.host.stats.error_responses += 1;
            }
            if b.sent == b.beats {
                self.host.reads.remove(i);
            }
            self.host.stats.read_beats += 1;
            self.host.r_gap = true;
        }
        // AW
        if o.m_awvalid != 0 && self.pins.m_awready != 0 {
            self.host.check_burst(now, "write", o.m_awaddr, o.m_awlen, o.m_awsize, o.m_awburst);
            let beats = u32::from(o.m_awlen) + 1;
            let bytes = 16 * u64::from(beats);
            let resp = if overlaps(&self.host.write_errors, o.m_awaddr, bytes) { SLVERR } else { OKAY };
            self.host.writes.push_back(WriteBurst { addr: o.m_awaddr, id: o.m_awid, beats, got: 0, resp });
            self.host.stats.write_bursts += 1;
            if self.flow.stall_every_beat {
                self.host.stats.stalled_beats += 1;
            }
            self.host.aw_seen = false;
        } else {
            self.host.aw_seen = o.m_awvalid != 0;
        }
        // W
        if o.m_wvalid != 0 && self.pins.m_wready != 0 {
            let w = self.host.writes.front_mut().unwrap();
            let addr = w.addr + 16 * u64::from(w.got);
            w.got += 1;
            let last = w.got == w.beats;
            if (o.m_wlast != 0) != last {
                self.host.violations.push(format!("cycle {now}: WLAST {} on beat {} of {}", o.m_wlast, w.got, w.beats));
            }
            let resp = w.resp;
            let data = crate::core::words_to_bytes(&o.m_wdata, 16);
            let mut resp_now = resp;
            for (j, byte) in data.iter().enumerate() {
                if o.m_wstrb >> j & 1 == 1 {
                    let a = addr + j as u64;
                    if !self.mem.is_allocated(a, 1) {
                        self.host.violations.push(format!("cycle {now}: write of {a:#x}: outside host allocations"));
                        resp_now = DECERR;
                    } else if resp == OKAY {
                        self.mem.write(a, &[*byte]);
                    }
                }
            }
            if resp_now != OKAY && resp == OKAY {
                self.host.writes.front_mut().unwrap().resp = resp_now;
            }
            if self.flow.stall_every_beat {
                self.host.stats.stalled_beats += 1;
            }
            self.host.stats.write_beats += 1;
            if last {
                let w = self.host.writes.pop_front().unwrap();
                self.host.bresps.push_back((w.id, w.resp, now + self.flow.write_latency));
            }
            self.host.w_seen = false;
        } else {
            self.host.w_seen = o.m_wvalid != 0 && !self.host.writes.is_empty();
        }
        // B
        if self.pins.m_bvalid != 0 && o.m_bready != 0 {
            let (_, resp, _) = self.host.bresps.pop_front().unwrap();
            if resp != OKAY {
                self.host.stats.error_responses += 1;
            }
            self.host.b_cur = false;
            self.host.b_gap = true;
        }
    }

    // ---- AXI4-Lite: the register bus ----

    /// Reads the 32-bit register at BAR0 offset `offset`.
    pub fn read32(&mut self, offset: u32) -> Result<u32, SimError> {
        self.pins.s_araddr = offset as u16;
        self.pins.s_arvalid = 1;
        let mut n = 0;
        loop {
            self.drive_host();
            self.eval();
            let accepted = self.out.s_arready != 0;
            self.take_host();
            self.tick();
            if accepted {
                break;
            }
            n += 1;
            if n > REG_TIMEOUT {
                self.pins.s_arvalid = 0;
                return Err(SimError::Timeout { what: format!("AXI4-Lite read of {offset:#x}: ARREADY"), cycles: n });
            }
        }
        self.pins.s_arvalid = 0;
        self.pins.s_rready = 1;
        loop {
            self.drive_host();
            self.eval();
            let valid = self.out.s_rvalid != 0;
            let data = self.out.s_rdata;
            self.take_host();
            self.tick();
            if valid {
                self.pins.s_rready = 0;
                return Ok(data);
            }
            n += 1;
            if n > REG_TIMEOUT {
                self.pins.s_rready = 0;
                return Err(SimError::Timeout { what: format!("AXI4-Lite read of {offset:#x}: RVALID"), cycles: n });
            }
        }
    }

    /// Writes the 32-bit register at BAR0 offset `offset`.
    pub fn write32(&mut self, offset: u32, value: u32) -> Result<(), SimError> {
        self.write32_strb(offset, value, 0xF)
    }

    /// A write with an explicit WSTRB (the card refuses anything but 0b1111).
    pub fn write32_strb(&mut self, offset: u32, value: u32, strb: u8) -> Result<(), SimError> {
        self.pins.s_awaddr = offset as u16;
        self.pins.s_awvalid = 1;
        self.pins.s_wdata = value;
        self.pins.s_wstrb = strb;
        self.pins.s_wvalid = 1;
        let mut n = 0;
        while self.pins.s_awvalid != 0 || self.pins.s_wvalid != 0 {
            self.drive_host();
            self.eval();
            let (aw, w) = (self.out.s_awready != 0, self.out.s_wready != 0);
            self.take_host();
            self.tick();
            if aw {
                self.pins.s_awvalid = 0;
            }
            if w {
                self.pins.s_wvalid = 0;
            }
            n += 1;
            if n > REG_TIMEOUT {
                self.pins.s_awvalid = 0;
                self.pins.s_wvalid = 0;
                return Err(SimError::Timeout { what: format!("AXI4-Lite write of {offset:#x}: AWREADY/WREADY"), cycles: n });
            }
        }
        self.pins.s_bready = 1;
        loop {
            self.drive_host();
            self.eval();
            let valid = self.out.s_bvalid != 0;
            self.take_host();
            self.tick();
            if valid {
                self.pins.s_bready = 0;
                return Ok(());
            }
            n += 1;
            if n > REG_TIMEOUT {
                self.pins.s_bready = 0;
                return Err(SimError::Timeout { what: format!("AXI4-Lite write of {offset:#x}: BVALID"), cycles: n });
            }
        }
    }

    /// Polls `offset` until `(value & mask) == want`, for at most `budget`
    /// cycles. Returns the last value read.
    pub fn wait_reg(&mut self, offset: u32, mask: u32, want: u32, budget: u64) -> Result<u32, SimError> {
        let start = self.cycle;
        loop {
            let v = self.read32(offset)?;
            if v & mask == want {
                return Ok(v);
            }
            if self.cycle - start > budget {
                return Err(SimError::Timeout { what: format!("register {offset:#x} & {mask:#x} == {want:#x} (last {v:#x})"), cycles: self.cycle - start });
            }
            self.run(4);
        }
    }

    /// Runs until the interrupt line is high, for at most `budget` cycles.
    pub fn wait_irq(&mut self, budget: u64) -> Result<(), SimError> {
        for _ in 0..budget {
            if self.irq() {
                return Ok(());
            }
            self.step();
        }
        if self.irq() { Ok(()) } else { Err(SimError::Timeout { what: "irq".into(), cycles: budget }) }
    }

    // ---- card helpers (as a driver would do it) ----

    /// Loads `key` into `slot` for `alg` (`rm::key_alg::*`): select, eight
    /// KEY_DATA words (zero beyond the key), LOAD.
    pub fn load_key(&mut self, slot: u32, alg: u32, key: &[u8]) -> Result<(), SimError> {
        if key.len() > 32 {
            return Err(SimError::Setup(format!("key of {} bytes", key.len())));
        }
        let words = crate::core::bytes_to_words::<8>(key);
        self.write32(reg::KEY_SLOT_SEL, slot)?;
        self.write32(reg::KEY_ALG, alg)?;
        for (i, w) in words.iter().enumerate() {
            self.write32(reg::KEY_DATA + reg::KEY_DATA_STRIDE * i as u32, *w)?;
        }
        self.write32(reg::KEY_CMD, rm::key_cmd::LOAD)
    }

    /// Zeroes `slot` and marks it empty.
    pub fn clear_key(&mut self, slot: u32) -> Result<(), SimError> {
        self.write32(reg::KEY_SLOT_SEL, slot)?;
        self.write32(reg::KEY_CMD, rm::key_cmd::CLEAR)
    }

    /// Reads and clears ERROR; returns what it held.
    pub fn take_errors(&mut self) -> Result<u32, SimError> {
        let e = self.read32(reg::ERROR)?;
        self.write32(reg::ERROR, e)?;
        Ok(e)
    }

    /// Allocates and fills the buffers of `job` (layout of docs/dma.md).
    pub fn stage(&mut self, job: &Job) -> Staged {
        let layout = Layout { ad_len: job.ad.len(), msg_len: job.msg.len(), decrypt: job.decrypt };
        let mut src = vec![0u8; layout.src_len()];
        layout.write_source(&mut src, &job.ad, &job.msg, job.decrypt.then_some(&job.tag));
        let src_addr = self.mem.alloc(src.len());
        self.mem.write(src_addr, &src);
        let dst_addr = self.mem.alloc(layout.dst_len());
        // A pattern the card must overwrite (padding included).
        self.mem.fill(dst_addr, layout.dst_len(), 0xEE);
        Staged { src: src_addr, dst: dst_addr, layout }
    }

    /// Programs lane `lane`'s registers for `job` and starts it.
    pub fn start_direct(&mut self, lane_idx: u32, job: &Job, staged: &Staged) -> Result<(), SimError> {
        self.program_lane(lane_idx, job, staged.src, staged.dst)?;
        self.write32(lane::at(lane_idx, lane::CTRL), lane::ctrl::START | if job.decrypt { lane::ctrl::DECRYPT } else { 0 })
    }

    /// Writes a lane's parameter registers (no start).
    pub fn program_lane(&mut self, lane_idx: u32, job: &Job, src: u64, dst: u64) -> Result<(), SimError> {
        let at = |r| lane::at(lane_idx, r);
        self.write32(at(lane::KEY_SLOT), job.slot)?;
        self.write32(at(lane::AD_LEN), job.ad_len.unwrap_or(job.ad.len() as u32))?;
        self.write32(at(lane::MSG_LEN), job.msg_len.unwrap_or(job.msg.len() as u32))?;
        self.write32(at(lane::SRC_LO), src as u32)?;
        self.write32(at(lane::SRC_HI), (src >> 32) as u32)?;
        self.write32(at(lane::DST_LO), dst as u32)?;
        self.write32(at(lane::DST_HI), (dst >> 32) as u32)?;
        let nonce = crate::core::bytes_to_words::<4>(&job.nonce);
        for (i, w) in nonce.iter().enumerate() {
            self.write32(at(lane::NONCE + lane::NONCE_STRIDE * i as u32), *w)?;
        }
        Ok(())
    }

    /// Waits until lane `lane` is no longer busy and has DONE, within `budget` cycles.
    pub fn wait_lane(&mut self, lane_idx: u32, budget: u64) -> Result<u32, SimError> {
        self.wait_reg(lane::at(lane_idx, lane::STATUS), lane::status::BUSY | lane::status::DONE, lane::status::DONE, budget)
    }

    /// Collects a finished direct job's result from lane `lane`.
    pub fn finish_direct(&mut self, lane_idx: u32, staged: &Staged) -> Result<Outcome, SimError> {
        let status = self.read32(lane::at(lane_idx, lane::STATUS))?;
        let cycles = self.read32(lane::at(lane_idx, lane::CYCLES))?;
        let mut reg_tag = [0u32; 4];
        for (i, w) in reg_tag.iter_mut().enumerate() {
            *w = self.read32(lane::at(lane_idx, lane::TAG + lane::TAG_STRIDE * i as u32))?;
        }
        Ok(Outcome {
            done: status & lane::status::DONE != 0,
            tag_ok: status & lane::status::TAG_OK != 0,
            tag_fail: status & lane::status::TAG_FAIL != 0,
            error: status & lane::status::ERROR != 0,
            job_error: lane::status::JOB_ERROR.get(status),
            lane: lane_idx,
            cycles,
            reg_tag: Some(crate::core::words_to_bytes(&reg_tag, 16).try_into().unwrap()),
            output: self.mem.read(staged.dst, staged.layout.msg_len),
            tag: (!staged.layout.decrypt).then(|| self.mem.read(staged.dst + staged.layout.dst_tag_offset() as u64, 16).try_into().unwrap()),
            padding: self.mem.read(staged.dst + staged.layout.msg_len as u64, staged.layout.dst_tag_offset() - staged.layout.msg_len),
        })
    }

    /// Stages, runs and collects one job on lane `lane`, within a cycle budget
    /// proportional to its length.
    pub fn run_direct(&mut self, lane_idx: u32, job: &Job) -> Result<Outcome, SimError> {
        let staged = self.stage(job);
        self.start_direct(lane_idx, job, &staged)?;
        self.wait_lane(lane_idx, job_budget(job))?;
        self.finish_direct(lane_idx, &staged)
    }
}

/// A cycle budget for one job: generous, but finite.
pub fn job_budget(job: &Job) -> u64 {
    20_000 + 64 * (job.ad.len() + job.msg.len()) as u64
}

/// One AEAD job as the host asks for it.
#[derive(Clone, Debug, Default)]
pub struct Job {
    pub slot: u32,
    pub decrypt: bool,
    pub nonce: [u8; 16],
    pub ad: Vec<u8>,
    /// Plaintext (encrypt) or ciphertext without tag (decrypt).
    pub msg: Vec<u8>,
    /// Expected tag (decrypt).
    pub tag: [u8; 16],
    /// Override the AD_LEN programmed (malformed-programming tests).
    pub ad_len: Option<u32>,
    /// Override the MSG_LEN programmed.
    pub msg_len: Option<u32>,
}

/// Where a job's buffers are.
#[derive(Clone, Copy, Debug)]
pub struct Staged {
    pub src: u64,
    pub dst: u64,
    pub layout: Layout,
}

/// What came back from a job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub done: bool,
    pub tag_ok: bool,
    pub tag_fail: bool,
    pub error: bool,
    /// Error bits, numbered as ERROR[7:0].
    pub job_error: u32,
    pub lane: u32,
    /// Cycles the lane took (direct jobs; 0 for ring jobs).
    pub cycles: u32,
    /// The lane's TAG registers (direct jobs).
    pub reg_tag: Option<[u8; 16]>,
    /// The destination's message bytes (unverified plaintext when decrypting:
    /// only usable when `tag_ok`).
    pub output: Vec<u8>,
    /// The tag the card wrote to the destination (encrypt).
    pub tag: Option<[u8; 16]>,
    /// The destination's padding after the message (must be zeros).
    pub padding: Vec<u8>,
}

// ------------------------------------------------------------------ ring ----

/// The descriptor ring in host memory, driven as docs/dma.md describes.
pub struct Ring {
    pub base: u64,
    pub size: u32,
    /// Descriptors posted so far (the producer index).
    pub prod: u32,
    /// The card's consumer index as last read.
    pub cons: u32,
    posted: VecDeque<(u32, Staged)>,
}

impl Ring {
    /// Allocates a ring of `size` descriptors, programs it and enables it.
    pub fn setup(m: &mut TopModel, size: u32) -> Result<Ring, SimError> {
        let base = m.mem.alloc_at(desc::BYTES * size as usize, 64, 0);
        m.write32(reg::RING_BASE_LO, base as u32)?;
        m.write32(reg::RING_BASE_HI, (base >> 32) as u32)?;
        m.write32(reg::RING_SIZE, size)?;
        m.write32(reg::CONTROL, reg::control::RING_EN)?;
        if m.read32(reg::CONTROL)? & reg::control::RING_EN == 0 {
            return Err(SimError::Setup(format!("ring not enabled (ERROR {:#x})", m.read32(reg::ERROR)?)));
        }
        Ok(Ring { base, size, prod: 0, cons: 0, posted: VecDeque::new() })
    }

    fn slot_addr(&self, idx: u32) -> u64 {
        self.base + desc::BYTES as u64 * u64::from(idx % self.size)
    }

    /// Room for more descriptors.
    pub fn space(&self) -> u32 {
        self.size - (self.prod - self.cons)
    }

    /// Stages `job`, writes its descriptor (status zeroed) and rings the
    /// doorbell. The cookie is the descriptor index.
    pub fn post(&mut self, m: &mut TopModel, job: &Job) -> Result<u32, SimError> {
        if self.space() == 0 {
            return Err(SimError::Setup("ring full".into()));
        }
        let staged = m.stage(job);
        let d = Descriptor {
            decrypt: job.decrypt,
            key_slot: job.slot as u8,
            ad_len: job.ad_len.unwrap_or(job.ad.len() as u32),
            msg_len: job.msg_len.unwrap_or(job.msg.len() as u32),
            src: staged.src,
            dst: staged.dst,
            nonce: job.nonce,
            cookie: u64::from(self.prod),
        };
        let idx = self.prod;
        m.mem.write(self.slot_addr(idx), &d.to_bytes());
        self.posted.push_back((idx, staged));
        self.prod += 1;
        m.write32(reg::RING_PROD, self.prod)?;
        Ok(idx)
    }

    /// Reads RING_CONS and collects every newly completed descriptor, in ring order.
    pub fn reap(&mut self, m: &mut TopModel) -> Result<Vec<(u32, Outcome)>, SimError> {
        let cons = m.read32(reg::RING_CONS)?;
        let mut done = Vec::new();
        while self.cons != cons {
            let (idx, staged) = self.posted.pop_front().ok_or_else(|| SimError::Setup(format!("RING_CONS {cons} beyond RING_PROD {}", self.prod)))?;
            let bytes = m.mem.read(self.slot_addr(idx), desc::BYTES);
            let st: DescStatus = Descriptor::status_of(&bytes);
            let l = staged.layout;
            done.push((
                idx,
                Outcome {
                    done: st.done(),
                    tag_ok: st.tag_ok(),
                    tag_fail: st.tag_fail(),
                    error: st.error(),
                    job_error: st.job_error(),
                    lane: st.lane(),
                    cycles: 0,
                    reg_tag: None,
                    output: m.mem.read(staged.dst, l.msg_len),
                    tag: (!l.decrypt).then(|| m.mem.read(staged.dst + l.dst_tag_offset() as u64, 16).try_into().unwrap()),
                    padding: m.mem.read(staged.dst + l.msg_len as u64, l.dst_tag_offset() - l.msg_len),
                },
            ));
            self.cons += 1;
        }
        Ok(done)
    }

    /// Posts every job (waiting for room when the ring is full) and collects
    /// every result, in ring order, within `budget` cycles overall.
    pub fn run_all(&mut self, m: &mut TopModel, jobs: &[Job], budget: u64) -> Result<Vec<Outcome>, SimError> {
        let start = m.cycles();
        let mut out = Vec::with_capacity(jobs.len());
        let mut next = 0;
        while out.len() < jobs.len() {
            while next < jobs.len() && self.space() > 0 {
                self.post(m, &jobs[next])?;
                next += 1;
            }
            m.run(16);
            out.extend(self.reap(m)?.into_iter().map(|(_, o)| o));
            if m.cycles() - start > budget {
                return Err(SimError::Timeout { what: format!("ring: {} of {} jobs completed", out.len(), jobs.len()), cycles: m.cycles() - start });
            }
        }
        Ok(out)
    }
}

// Generated from hdl/regmap.toml by `AGILIS_BLESS=1 cargo test -p agilis-regmap --test generated`. Do not edit.

/// ID register value: "AGLS".
pub const ID_MAGIC: u32 = 0x534c4741;
/// VERSION register value (1.0.0).
pub const VERSION: u32 = 0x00010000;
/// REGMAP_HASH register value of this map.
pub const REGMAP_HASH: u32 = 0x8f69344b;
/// Size of BAR0 in bytes.
pub const BAR_BYTES: u32 = 0x10000;

/// Global registers: offsets in BAR0, and a module of fields per register.
pub mod reg {
    /// ID (RO). Identification magic: the bytes "AGLS" (0x534C4741). Anything else is not an agilis card.
    pub const ID: u32 = 0x000;
    /// VERSION (RO). Version of this register contract (semantic versioning).
    pub const VERSION: u32 = 0x004;
    /// Fields of VERSION.
    pub mod version {
        /// patch
        pub const PATCH: crate::Field = crate::Field { lsb: 0, width: 8 };
        /// minor: backwards-compatible additions
        pub const MINOR: crate::Field = crate::Field { lsb: 8, width: 8 };
        /// major: incompatible changes
        pub const MAJOR: crate::Field = crate::Field { lsb: 16, width: 16 };
    }
    /// REGMAP_HASH (RO). FNV-1a 32 of the structural content of this register map (names, offsets, access, fields, descriptor layout; not the prose). A driver compares it with the hash it was built against.
    pub const REGMAP_HASH: u32 = 0x008;
    /// CAPABILITY (RO). What this build of the card has (top-level parameters).
    pub const CAPABILITY: u32 = 0x00c;
    /// Fields of CAPABILITY.
    pub mod capability {
        /// number of lanes N_LANES (1..16)
        pub const LANES: crate::Field = crate::Field { lsb: 0, width: 8 };
        /// number of key slots KEY_SLOTS (1..32)
        pub const KEY_SLOTS: crate::Field = crate::Field { lsb: 8, width: 8 };
        /// Ascon permutation rounds per clock cycle of the Ascon lanes
        pub const ASCON_ROUNDS: crate::Field = crate::Field { lsb: 16, width: 4 };
        /// longest DMA burst, in 16-byte beats, minus 1 (15: 16 beats)
        pub const MAX_BURST: crate::Field = crate::Field { lsb: 20, width: 4 };
        /// DMA and core data width in bytes (16); also the buffer alignment
        pub const BEAT_BYTES: crate::Field = crate::Field { lsb: 24, width: 8 };
    }
    /// LANE_KIND (RO). Core of each lane: bit i = 1 if lane i is AES-256-GCM, 0 if it is Ascon-AEAD128 (bits at and above LANES read 0).
    pub const LANE_KIND: u32 = 0x010;
    /// MAX_LEN (RO). Largest AD_LEN and largest MSG_LEN a job may have, in bytes (each separately).
    pub const MAX_LEN: u32 = 0x014;
    /// RING_CAP (RO). Descriptor ring capabilities.
    pub const RING_CAP: u32 = 0x018;
    /// Fields of RING_CAP.
    pub mod ring_cap {
        /// largest RING_SIZE (a power of two)
        pub const MAX_ENTRIES: crate::Field = crate::Field { lsb: 0, width: 16 };
        /// size of one descriptor in bytes (64)
        pub const DESC_BYTES: crate::Field = crate::Field { lsb: 16, width: 8 };
        /// descriptors fetched but not yet completed, at most
        pub const MAX_INFLIGHT: crate::Field = crate::Field { lsb: 24, width: 8 };
    }
    /// CONTROL (RW). Card control.
    pub const CONTROL: u32 = 0x020;
    /// Fields of CONTROL.
    pub mod control {
        /// write 1: abort every job (in-flight DMA bursts are finished, never cut), wipe every key slot, and return all registers to their reset values; reads 1 until done
        pub const SOFT_RESET: u32 = 1 << 0;
        /// descriptor ring enable. 0->1 checks RING_BASE/RING_SIZE (bad: ERROR.RING_CONFIG, stays 0), then resets RING_PROD, RING_FETCH and RING_CONS to 0; lanes then belong to the ring. 1->0 stops fetching; fetched descriptors still complete (STATUS.RING_ACTIVE)
        pub const RING_EN: u32 = 1 << 1;
        /// write 1: run the built-in known-answer test on every lane (needs every lane idle and the ring inactive; leaves the known answer in the lanes' AD_LEN, MSG_LEN, NONCE and CTRL.DECRYPT); reads 1 while it runs
        pub const SELFTEST: u32 = 1 << 2;
    }
    /// STATUS (RO). Card status.
    pub const STATUS: u32 = 0x024;
    /// Fields of STATUS.
    pub mod status {
        /// a soft reset is in progress
        pub const RESET_BUSY: u32 = 1 << 0;
        /// ring enabled, or fetched descriptors not yet completed
        pub const RING_ACTIVE: u32 = 1 << 1;
        /// the self-test is running
        pub const SELFTEST_BUSY: u32 = 1 << 2;
        /// a self-test has finished since reset
        pub const SELFTEST_DONE: u32 = 1 << 3;
        /// the last self-test passed on every lane
        pub const SELFTEST_PASS: u32 = 1 << 4;
        /// ERROR is not zero
        pub const ERROR: u32 = 1 << 5;
        /// the irq output is asserted
        pub const IRQ: u32 = 1 << 6;
        /// bit i: lane i is busy
        pub const LANE_BUSY: crate::Field = crate::Field { lsb: 16, width: 16 };
    }
    /// ERROR (W1C). Sticky error causes. Each newly set bit also sets IRQ_STATUS.ERROR. Bits 0..7 are job errors: the same bits appear in the lane's ERROR and STATUS.JOB_ERROR and in a descriptor's status word.
    pub const ERROR: u32 = 0x028;
    /// Fields of ERROR.
    pub mod error {
        /// refused: start or lane-register write on a busy lane, direct start while the ring is enabled, self-test or ring enable while work is in flight, ring register write while the ring is enabled
        pub const BUSY: u32 = 1 << 0;
        /// AD_LEN or MSG_LEN above MAX_LEN
        pub const BAD_LENGTH: u32 = 1 << 1;
        /// key slot out of range or not loaded
        pub const KEY_SLOT: u32 = 1 << 2;
        /// the key slot's algorithm is not the lane's (direct), or no lane has it (ring)
        pub const KEY_ALG: u32 = 1 << 3;
        /// source or destination address not 16-byte aligned
        pub const MISALIGNED: u32 = 1 << 4;
        /// a DMA read returned RRESP != OKAY; the job ended
        pub const BUS_READ: u32 = 1 << 5;
        /// a DMA write returned BRESP != OKAY; the job ended
        pub const BUS_WRITE: u32 = 1 << 6;
        /// the AEAD core reported a stream error; the job ended
        pub const CORE: u32 = 1 << 7;
        /// RING_SIZE not a power of two in 1..RING_CAP.MAX_ENTRIES or RING_BASE not 64-byte aligned at ring enable, or RING_PROD ran more than RING_SIZE ahead of RING_CONS (the ring is then disabled)
        pub const RING_CONFIG: u32 = 1 << 8;
        /// access to an unmapped offset, a write to a read-only register, or a write with WSTRB != 0b1111 (ignored; reads return 0)
        pub const REG_ACCESS: u32 = 1 << 9;
        /// KEY_CMD with an unknown command, KEY_SLOT_SEL out of range, or LOAD with a KEY_ALG that is not an algorithm
        pub const KEY_CMD: u32 = 1 << 10;
        /// the self-test failed on at least one lane
        pub const SELFTEST: u32 = 1 << 11;
    }
    /// IRQ_STATUS (W1C). Interrupt causes (sticky). The irq output is high while (IRQ_STATUS & IRQ_ENABLE) != 0.
    pub const IRQ_STATUS: u32 = 0x02c;
    /// Fields of IRQ_STATUS.
    pub mod irq_status {
        /// a bit of ERROR was set
        pub const ERROR: u32 = 1 << 0;
        /// RING_CONS advanced
        pub const RING: u32 = 1 << 1;
        /// the self-test finished
        pub const SELFTEST: u32 = 1 << 2;
        /// bit i: a directly programmed job on lane i finished (ok or not)
        pub const LANE_DONE: crate::Field = crate::Field { lsb: 16, width: 16 };
    }
    /// IRQ_ENABLE (RW). Interrupt enables, bit for bit as IRQ_STATUS.
    pub const IRQ_ENABLE: u32 = 0x030;
    /// Fields of IRQ_ENABLE.
    pub mod irq_enable {
        /// a bit of ERROR was set
        pub const ERROR: u32 = 1 << 0;
        /// RING_CONS advanced
        pub const RING: u32 = 1 << 1;
        /// the self-test finished
        pub const SELFTEST: u32 = 1 << 2;
        /// bit i: a directly programmed job on lane i finished (ok or not)
        pub const LANE_DONE: crate::Field = crate::Field { lsb: 16, width: 16 };
    }
    /// SCRATCH (RW). Free for the driver; no effect (bus sanity checks).
    pub const SCRATCH: u32 = 0x034;
    /// SELFTEST_RESULT (RO). Bit i: lane i passed the last self-test (valid when STATUS.SELFTEST_DONE).
    pub const SELFTEST_RESULT: u32 = 0x038;
    /// KEY_SLOT_SEL (RW). The key slot that KEY_DATA writes and KEY_CMD act on.
    pub const KEY_SLOT_SEL: u32 = 0x040;
    /// Fields of KEY_SLOT_SEL.
    pub mod key_slot_sel {
        /// slot index, below CAPABILITY.KEY_SLOTS
        pub const SLOT: crate::Field = crate::Field { lsb: 0, width: 8 };
    }
    /// KEY_ALG (RW). Algorithm recorded in the slot by KEY_CMD LOAD (enumeration key_alg).
    pub const KEY_ALG: u32 = 0x044;
    /// Fields of KEY_ALG.
    pub mod key_alg {
        /// 1 Ascon-AEAD128, 2 AES-256-GCM
        pub const ALG: crate::Field = crate::Field { lsb: 0, width: 2 };
    }
    /// KEY_CMD (WO). Key slot command on slot KEY_SLOT_SEL (enumeration key_cmd). LOAD marks the slot loaded with algorithm KEY_ALG; CLEAR zeroes the slot's key and marks it empty.
    pub const KEY_CMD: u32 = 0x048;
    /// Fields of KEY_CMD.
    pub mod key_cmd {
        /// 1 LOAD, 2 CLEAR
        pub const CMD: crate::Field = crate::Field { lsb: 0, width: 2 };
    }
    /// KEY_LOADED (RO). Bit i: key slot i is loaded. Key material itself is never readable.
    pub const KEY_LOADED: u32 = 0x04c;
    /// KEY_DATA (WO). Key bytes 4i..4i+3 (little-endian) of slot KEY_SLOT_SEL, written straight into the slot; a write marks the slot empty until the next KEY_CMD LOAD. Ascon-AEAD128 uses words 0..3, AES-256 all eight. Reads return 0.
    pub const KEY_DATA: u32 = 0x060;
    /// Number of KEY_DATA registers.
    pub const KEY_DATA_COUNT: u32 = 8;
    /// Distance between KEY_DATA registers.
    pub const KEY_DATA_STRIDE: u32 = 4;
    /// RING_BASE_LO (RW). Ring base address in host memory, bits 31:0 (64-byte aligned). Writable only while CONTROL.RING_EN = 0.
    pub const RING_BASE_LO: u32 = 0x080;
    /// RING_BASE_HI (RW). Ring base address, bits 63:32.
    pub const RING_BASE_HI: u32 = 0x084;
    /// RING_SIZE (RW). Number of descriptors in the ring: a power of two, 1..RING_CAP.MAX_ENTRIES. Writable only while CONTROL.RING_EN = 0.
    pub const RING_SIZE: u32 = 0x088;
    /// RING_PROD (RW). Producer index (doorbell): the host writes the free-running count of descriptors it has posted. Descriptor i lives at RING_BASE + 64 * (i mod RING_SIZE). Must stay within RING_SIZE of RING_CONS.
    pub const RING_PROD: u32 = 0x08c;
    /// RING_CONS (RO). Consumer index: free-running count of descriptors completed, in ring order. Every descriptor below it has its status word written (and visible) in host memory.
    pub const RING_CONS: u32 = 0x090;
    /// RING_FETCH (RO). Free-running count of descriptors fetched and dispatched (diagnostic).
    pub const RING_FETCH: u32 = 0x094;
}

/// Per-lane registers. Lane i's registers are at base + i * stride + offset. The parameter registers (KEY_SLOT .. NONCE) are write-protected while the lane is busy (ERROR.BUSY); a ring job loads them from its descriptor.
pub mod lane {
    /// Offset of lane 0's window.
    pub const BASE: u32 = 0x1000;
    /// Distance between lane windows.
    pub const STRIDE: u32 = 0x100;
    /// Most lanes the map has room for.
    pub const MAX_LANES: u32 = 16;
    /// BAR0 offset of register `offset` of lane `lane`.
    pub const fn at(lane: u32, offset: u32) -> u32 {
        BASE + lane * STRIDE + offset
    }
    /// CTRL (RW). Start a directly programmed job (refused while the lane is busy or the ring is enabled: ERROR.BUSY).
    pub const CTRL: u32 = 0x000;
    /// Fields of CTRL.
    pub mod ctrl {
        /// write 1: start the job with the parameters below; reads 0
        pub const START: u32 = 1 << 0;
        /// 0 encrypt, 1 decrypt (taken with START; reads back the last job's direction)
        pub const DECRYPT: u32 = 1 << 1;
    }
    /// STATUS (RO). State of the lane and result of its last job (cleared by the next start).
    pub const STATUS: u32 = 0x004;
    /// Fields of STATUS.
    pub mod status {
        /// a job or the self-test is running
        pub const BUSY: u32 = 1 << 0;
        /// the last job finished (fields below are valid)
        pub const DONE: u32 = 1 << 1;
        /// decrypt: the tag verified (and no error); the output may be released
        pub const TAG_OK: u32 = 1 << 2;
        /// decrypt: the tag did not verify; the host must discard the output
        pub const TAG_FAIL: u32 = 1 << 3;
        /// the job ended with an error (JOB_ERROR)
        pub const ERROR: u32 = 1 << 4;
        /// the job came from the descriptor ring
        pub const RING: u32 = 1 << 5;
        /// this lane passed the last self-test
        pub const SELFTEST_PASS: u32 = 1 << 6;
        /// error bits of the last job, numbered as ERROR[7:0]
        pub const JOB_ERROR: crate::Field = crate::Field { lsb: 8, width: 8 };
    }
    /// ERROR (W1C). Sticky job errors of this lane, numbered as ERROR[7:0].
    pub const ERROR: u32 = 0x008;
    /// Fields of ERROR.
    pub mod error {
        /// refused: start or lane-register write on a busy lane, direct start while the ring is enabled, self-test or ring enable while work is in flight, ring register write while the ring is enabled
        pub const BUSY: u32 = 1 << 0;
        /// AD_LEN or MSG_LEN above MAX_LEN
        pub const BAD_LENGTH: u32 = 1 << 1;
        /// key slot out of range or not loaded
        pub const KEY_SLOT: u32 = 1 << 2;
        /// the key slot's algorithm is not the lane's (direct), or no lane has it (ring)
        pub const KEY_ALG: u32 = 1 << 3;
        /// source or destination address not 16-byte aligned
        pub const MISALIGNED: u32 = 1 << 4;
        /// a DMA read returned RRESP != OKAY; the job ended
        pub const BUS_READ: u32 = 1 << 5;
        /// a DMA write returned BRESP != OKAY; the job ended
        pub const BUS_WRITE: u32 = 1 << 6;
        /// the AEAD core reported a stream error; the job ended
        pub const CORE: u32 = 1 << 7;
    }
    /// KEY_SLOT (RW). Key slot of the job; its algorithm must be this lane's.
    pub const KEY_SLOT: u32 = 0x00c;
    /// AD_LEN (RW). Associated-data length in bytes (0..MAX_LEN).
    pub const AD_LEN: u32 = 0x010;
    /// MSG_LEN (RW). Message (plaintext or ciphertext, without tag) length in bytes (0..MAX_LEN).
    pub const MSG_LEN: u32 = 0x014;
    /// SRC_LO (RW). Source buffer address bits 31:0 (16-byte aligned); see docs/dma.md for the layout.
    pub const SRC_LO: u32 = 0x018;
    /// SRC_HI (RW). Source buffer address bits 63:32.
    pub const SRC_HI: u32 = 0x01c;
    /// DST_LO (RW). Destination buffer address bits 31:0 (16-byte aligned).
    pub const DST_LO: u32 = 0x020;
    /// DST_HI (RW). Destination buffer address bits 63:32.
    pub const DST_HI: u32 = 0x024;
    /// INFO (RO). What this lane is.
    pub const INFO: u32 = 0x028;
    /// Fields of INFO.
    pub mod info {
        /// 1 AES-256-GCM, 0 Ascon-AEAD128
        pub const KIND: u32 = 1 << 0;
        /// Ascon rounds per cycle (0 for AES)
        pub const ROUNDS: crate::Field = crate::Field { lsb: 4, width: 4 };
    }
    /// CYCLES (RO). Clock cycles the last job took, from start to completion (performance counter).
    pub const CYCLES: u32 = 0x02c;
    /// NONCE (RW). Nonce bytes 4i..4i+3 (little-endian). Ascon-AEAD128 uses all 16 bytes, GCM the first 12 (its IV).
    pub const NONCE: u32 = 0x030;
    /// Number of NONCE registers.
    pub const NONCE_COUNT: u32 = 4;
    /// Distance between NONCE registers.
    pub const NONCE_STRIDE: u32 = 4;
    /// TAG (RO). Tag computed by the last job, bytes 4i..4i+3 (also written to the destination when encrypting).
    pub const TAG: u32 = 0x040;
    /// Number of TAG registers.
    pub const TAG_COUNT: u32 = 4;
    /// Distance between TAG registers.
    pub const TAG_STRIDE: u32 = 4;
}

/// The ring descriptor. One ring entry in host memory, little-endian. The card reads bytes 0..55 and writes only STATUS (a 4-byte write); the host zeroes STATUS before posting.
pub mod desc {
    /// Bytes per descriptor.
    pub const BYTES: usize = 64;
    /// bit 0: DECRYPT (0 encrypt, 1 decrypt); other bits 0
    pub const FLAGS: crate::Span = crate::Span { offset: 0, size: 1 };
    /// key slot; its algorithm chooses the kind of lane
    pub const KEY_SLOT: crate::Span = crate::Span { offset: 1, size: 1 };
    /// associated-data length in bytes
    pub const AD_LEN: crate::Span = crate::Span { offset: 4, size: 4 };
    /// message length in bytes (without tag)
    pub const MSG_LEN: crate::Span = crate::Span { offset: 8, size: 4 };
    /// source buffer address (16-byte aligned)
    pub const SRC: crate::Span = crate::Span { offset: 16, size: 8 };
    /// destination buffer address (16-byte aligned)
    pub const DST: crate::Span = crate::Span { offset: 24, size: 8 };
    /// nonce (GCM: bytes 0..11 are the IV)
    pub const NONCE: crate::Span = crate::Span { offset: 32, size: 16 };
    /// opaque to the card: the host's tag for this job
    pub const COOKIE: crate::Span = crate::Span { offset: 48, size: 8 };
    /// written by the card when the job completes (fields: desc_status)
    pub const STATUS: crate::Span = crate::Span { offset: 56, size: 4 };
    /// Fields of the STATUS word.
    pub mod status {
        /// the card has completed this descriptor
        pub const DONE: u32 = 1 << 0;
        /// decrypt: the tag verified and no error
        pub const TAG_OK: u32 = 1 << 1;
        /// decrypt: the tag did not verify; discard the destination
        pub const TAG_FAIL: u32 = 1 << 2;
        /// the job failed (JOB_ERROR); discard the destination
        pub const ERROR: u32 = 1 << 3;
        /// error bits, numbered as ERROR[7:0]
        pub const JOB_ERROR: crate::Field = crate::Field { lsb: 8, width: 8 };
        /// the lane that ran the job (diagnostic)
        pub const LANE: crate::Field = crate::Field { lsb: 16, width: 4 };
    }
}

/// Key slot algorithms (KEY_ALG.ALG).
pub mod key_alg {
    /// empty
    pub const NONE: u32 = 0;
    /// Ascon-AEAD128 (NIST SP 800-232), 16-byte key; runs on lanes of kind 0
    pub const ASCON_AEAD128: u32 = 1;
    /// AES-256-GCM, 32-byte key, 12-byte IV; runs on lanes of kind 1
    pub const AES_256_GCM: u32 = 2;
}

/// Key slot commands (KEY_CMD.CMD).
pub mod key_cmd {
    /// mark slot KEY_SLOT_SEL loaded with algorithm KEY_ALG
    pub const LOAD: u32 = 1;
    /// zero slot KEY_SLOT_SEL and mark it empty
    pub const CLEAR: u32 = 2;
}

/// Every global register, for listings.
pub static REGISTERS: &[crate::RegInfo] = &[
    crate::RegInfo { name: "ID", offset: 0x000, count: 1, stride: 4, access: crate::Access::Ro, reset: Some(1397507905), desc: "Identification magic: the bytes \"AGLS\" (0x534C4741). Anything else is not an agilis card.", fields: &[
    ] },
    crate::RegInfo { name: "VERSION", offset: 0x004, count: 1, stride: 4, access: crate::Access::Ro, reset: Some(65536), desc: "Version of this register contract (semantic versioning).", fields: &[
        crate::FieldInfo { name: "PATCH", lsb: 0, width: 8, desc: "patch" },
        crate::FieldInfo { name: "MINOR", lsb: 8, width: 8, desc: "minor: backwards-compatible additions" },
        crate::FieldInfo { name: "MAJOR", lsb: 16, width: 16, desc: "major: incompatible changes" },
    ] },
    crate::RegInfo { name: "REGMAP_HASH", offset: 0x008, count: 1, stride: 4, access: crate::Access::Ro, reset: None, desc: "FNV-1a 32 of the structural content of this register map (names, offsets, access, fields, descriptor layout; not the prose). A driver compares it with the hash it was built against.", fields: &[
    ] },
    crate::RegInfo { name: "CAPABILITY", offset: 0x00c, count: 1, stride: 4, access: crate::Access::Ro, reset: None, desc: "What this build of the card has (top-level parameters).", fields: &[
        crate::FieldInfo { name: "LANES", lsb: 0, width: 8, desc: "number of lanes N_LANES (1..16)" },
        crate::FieldInfo { name: "KEY_SLOTS", lsb: 8, width: 8, desc: "number of key slots KEY_SLOTS (1..32)" },
        crate::FieldInfo { name: "ASCON_ROUNDS", lsb: 16, width: 4, desc: "Ascon permutation rounds per clock cycle of the Ascon lanes" },
        crate::FieldInfo { name: "MAX_BURST", lsb: 20, width: 4, desc: "longest DMA burst, in 16-byte beats, minus 1 (15: 16 beats)" },
        crate::FieldInfo { name: "BEAT_BYTES", lsb: 24, width: 8, desc: "DMA and core data width in bytes (16); also the buffer alignment" },
    ] },
    crate::RegInfo { name: "LANE_KIND", offset: 0x010, count: 1, stride: 4, access: crate::Access::Ro, reset: None, desc: "Core of each lane: bit i = 1 if lane i is AES-256-GCM, 0 if it is Ascon-AEAD128 (bits at and above LANES read 0).", fields: &[
    ] },
    crate::RegInfo { name: "MAX_LEN", offset: 0x014, count: 1, stride: 4, access: crate::Access::Ro, reset: None, desc: "Largest AD_LEN and largest MSG_LEN a job may have, in bytes (each separately).", fields: &[
    ] },
    crate::RegInfo { name: "RING_CAP", offset: 0x018, count: 1, stride: 4, access: crate::Access::Ro, reset: None, desc: "Descriptor ring capabilities.", fields: &[
        crate::FieldInfo { name: "MAX_ENTRIES", lsb: 0, width: 16, desc: "largest RING_SIZE (a power of two)" },
        crate::FieldInfo { name: "DESC_BYTES", lsb: 16, width: 8, desc: "size of one descriptor in bytes (64)" },
        crate::FieldInfo { name: "MAX_INFLIGHT", lsb: 24, width: 8, desc: "descriptors fetched but not yet completed, at most" },
    ] },
    crate::RegInfo { name: "CONTROL", offset: 0x020, count: 1, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "Card control.", fields: &[
        crate::FieldInfo { name: "SOFT_RESET", lsb: 0, width: 1, desc: "write 1: abort every job (in-flight DMA bursts are finished, never cut), wipe every key slot, and return all registers to their reset values; reads 1 until done" },
        crate::FieldInfo { name: "RING_EN", lsb: 1, width: 1, desc: "descriptor ring enable. 0->1 checks RING_BASE/RING_SIZE (bad: ERROR.RING_CONFIG, stays 0), then resets RING_PROD, RING_FETCH and RING_CONS to 0; lanes then belong to the ring. 1->0 stops fetching; fetched descriptors still complete (STATUS.RING_ACTIVE)" },
        crate::FieldInfo { name: "SELFTEST", lsb: 2, width: 1, desc: "write 1: run the built-in known-answer test on every lane (needs every lane idle and the ring inactive; leaves the known answer in the lanes' AD_LEN, MSG_LEN, NONCE and CTRL.DECRYPT); reads 1 while it runs" },
    ] },
    crate::RegInfo { name: "STATUS", offset: 0x024, count: 1, stride: 4, access: crate::Access::Ro, reset: Some(0), desc: "Card status.", fields: &[
        crate::FieldInfo { name: "RESET_BUSY", lsb: 0, width: 1, desc: "a soft reset is in progress" },
        crate::FieldInfo { name: "RING_ACTIVE", lsb: 1, width: 1, desc: "ring enabled, or fetched descriptors not yet completed" },
        crate::FieldInfo { name: "SELFTEST_BUSY", lsb: 2, width: 1, desc: "the self-test is running" },
        crate::FieldInfo { name: "SELFTEST_DONE", lsb: 3, width: 1, desc: "a self-test has finished since reset" },
        crate::FieldInfo { name: "SELFTEST_PASS", lsb: 4, width: 1, desc: "the last self-test passed on every lane" },
        crate::FieldInfo { name: "ERROR", lsb: 5, width: 1, desc: "ERROR is not zero" },
        crate::FieldInfo { name: "IRQ", lsb: 6, width: 1, desc: "the irq output is asserted" },
        crate::FieldInfo { name: "LANE_BUSY", lsb: 16, width: 16, desc: "bit i: lane i is busy" },
    ] },
    crate::RegInfo { name: "ERROR", offset: 0x028, count: 1, stride: 4, access: crate::Access::W1c, reset: Some(0), desc: "Sticky error causes. Each newly set bit also sets IRQ_STATUS.ERROR. Bits 0..7 are job errors: the same bits appear in the lane's ERROR and STATUS.JOB_ERROR and in a descriptor's status word.", fields: &[
        crate::FieldInfo { name: "BUSY", lsb: 0, width: 1, desc: "refused: start or lane-register write on a busy lane, direct start while the ring is enabled, self-test or ring enable while work is in flight, ring register write while the ring is enabled" },
        crate::FieldInfo { name: "BAD_LENGTH", lsb: 1, width: 1, desc: "AD_LEN or MSG_LEN above MAX_LEN" },
        crate::FieldInfo { name: "KEY_SLOT", lsb: 2, width: 1, desc: "key slot out of range or not loaded" },
        crate::FieldInfo { name: "KEY_ALG", lsb: 3, width: 1, desc: "the key slot's algorithm is not the lane's (direct), or no lane has it (ring)" },
        crate::FieldInfo { name: "MISALIGNED", lsb: 4, width: 1, desc: "source or destination address not 16-byte aligned" },
        crate::FieldInfo { name: "BUS_READ", lsb: 5, width: 1, desc: "a DMA read returned RRESP != OKAY; the job ended" },
        crate::FieldInfo { name: "BUS_WRITE", lsb: 6, width: 1, desc: "a DMA write returned BRESP != OKAY; the job ended" },
        crate::FieldInfo { name: "CORE", lsb: 7, width: 1, desc: "the AEAD core reported a stream error; the job ended" },
        crate::FieldInfo { name: "RING_CONFIG", lsb: 8, width: 1, desc: "RING_SIZE not a power of two in 1..RING_CAP.MAX_ENTRIES or RING_BASE not 64-byte aligned at ring enable, or RING_PROD ran more than RING_SIZE ahead of RING_CONS (the ring is then disabled)" },
        crate::FieldInfo { name: "REG_ACCESS", lsb: 9, width: 1, desc: "access to an unmapped offset, a write to a read-only register, or a write with WSTRB != 0b1111 (ignored; reads return 0)" },
        crate::FieldInfo { name: "KEY_CMD", lsb: 10, width: 1, desc: "KEY_CMD with an unknown command, KEY_SLOT_SEL out of range, or LOAD with a KEY_ALG that is not an algorithm" },
        crate::FieldInfo { name: "SELFTEST", lsb: 11, width: 1, desc: "the self-test failed on at least one lane" },
    ] },
    crate::RegInfo { name: "IRQ_STATUS", offset: 0x02c, count: 1, stride: 4, access: crate::Access::W1c, reset: Some(0), desc: "Interrupt causes (sticky). The irq output is high while (IRQ_STATUS & IRQ_ENABLE) != 0.", fields: &[
        crate::FieldInfo { name: "ERROR", lsb: 0, width: 1, desc: "a bit of ERROR was set" },
        crate::FieldInfo { name: "RING", lsb: 1, width: 1, desc: "RING_CONS advanced" },
        crate::FieldInfo { name: "SELFTEST", lsb: 2, width: 1, desc: "the self-test finished" },
        crate::FieldInfo { name: "LANE_DONE", lsb: 16, width: 16, desc: "bit i: a directly programmed job on lane i finished (ok or not)" },
    ] },
    crate::RegInfo { name: "IRQ_ENABLE", offset: 0x030, count: 1, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "Interrupt enables, bit for bit as IRQ_STATUS.", fields: &[
        crate::FieldInfo { name: "ERROR", lsb: 0, width: 1, desc: "a bit of ERROR was set" },
        crate::FieldInfo { name: "RING", lsb: 1, width: 1, desc: "RING_CONS advanced" },
        crate::FieldInfo { name: "SELFTEST", lsb: 2, width: 1, desc: "the self-test finished" },
        crate::FieldInfo { name: "LANE_DONE", lsb: 16, width: 16, desc: "bit i: a directly programmed job on lane i finished (ok or not)" },
    ] },
    crate::RegInfo { name: "SCRATCH", offset: 0x034, count: 1, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "Free for the driver; no effect (bus sanity checks).", fields: &[
    ] },
    crate::RegInfo { name: "SELFTEST_RESULT", offset: 0x038, count: 1, stride: 4, access: crate::Access::Ro, reset: Some(0), desc: "Bit i: lane i passed the last self-test (valid when STATUS.SELFTEST_DONE).", fields: &[
    ] },
    crate::RegInfo { name: "KEY_SLOT_SEL", offset: 0x040, count: 1, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "The key slot that KEY_DATA writes and KEY_CMD act on.", fields: &[
        crate::FieldInfo { name: "SLOT", lsb: 0, width: 8, desc: "slot index, below CAPABILITY.KEY_SLOTS" },
    ] },
    crate::RegInfo { name: "KEY_ALG", offset: 0x044, count: 1, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "Algorithm recorded in the slot by KEY_CMD LOAD (enumeration key_alg).", fields: &[
        crate::FieldInfo { name: "ALG", lsb: 0, width: 2, desc: "1 Ascon-AEAD128, 2 AES-256-GCM" },
    ] },
    crate::RegInfo { name: "KEY_CMD", offset: 0x048, count: 1, stride: 4, access: crate::Access::Wo, reset: None, desc: "Key slot command on slot KEY_SLOT_SEL (enumeration key_cmd). LOAD marks the slot loaded with algorithm KEY_ALG; CLEAR zeroes the slot's key and marks it empty.", fields: &[
        crate::FieldInfo { name: "CMD", lsb: 0, width: 2, desc: "1 LOAD, 2 CLEAR" },
    ] },
    crate::RegInfo { name: "KEY_LOADED", offset: 0x04c, count: 1, stride: 4, access: crate::Access::Ro, reset: Some(0), desc: "Bit i: key slot i is loaded. Key material itself is never readable.", fields: &[
    ] },
    crate::RegInfo { name: "KEY_DATA", offset: 0x060, count: 8, stride: 4, access: crate::Access::Wo, reset: None, desc: "Key bytes 4i..4i+3 (little-endian) of slot KEY_SLOT_SEL, written straight into the slot; a write marks the slot empty until the next KEY_CMD LOAD. Ascon-AEAD128 uses words 0..3, AES-256 all eight. Reads return 0.", fields: &[
    ] },
    crate::RegInfo { name: "RING_BASE_LO", offset: 0x080, count: 1, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "Ring base address in host memory, bits 31:0 (64-byte aligned). Writable only while CONTROL.RING_EN = 0.", fields: &[
    ] },
    crate::RegInfo { name: "RING_BASE_HI", offset: 0x084, count: 1, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "Ring base address, bits 63:32.", fields: &[
    ] },
    crate::RegInfo { name: "RING_SIZE", offset: 0x088, count: 1, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "Number of descriptors in the ring: a power of two, 1..RING_CAP.MAX_ENTRIES. Writable only while CONTROL.RING_EN = 0.", fields: &[
    ] },
    crate::RegInfo { name: "RING_PROD", offset: 0x08c, count: 1, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "Producer index (doorbell): the host writes the free-running count of descriptors it has posted. Descriptor i lives at RING_BASE + 64 * (i mod RING_SIZE). Must stay within RING_SIZE of RING_CONS.", fields: &[
    ] },
    crate::RegInfo { name: "RING_CONS", offset: 0x090, count: 1, stride: 4, access: crate::Access::Ro, reset: Some(0), desc: "Consumer index: free-running count of descriptors completed, in ring order. Every descriptor below it has its status word written (and visible) in host memory.", fields: &[
    ] },
    crate::RegInfo { name: "RING_FETCH", offset: 0x094, count: 1, stride: 4, access: crate::Access::Ro, reset: Some(0), desc: "Free-running count of descriptors fetched and dispatched (diagnostic).", fields: &[
    ] },
];

/// Every per-lane register, for listings.
pub static LANE_REGISTERS: &[crate::RegInfo] = &[
    crate::RegInfo { name: "CTRL", offset: 0x000, count: 1, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "Start a directly programmed job (refused while the lane is busy or the ring is enabled: ERROR.BUSY).", fields: &[
        crate::FieldInfo { name: "START", lsb: 0, width: 1, desc: "write 1: start the job with the parameters below; reads 0" },
        crate::FieldInfo { name: "DECRYPT", lsb: 1, width: 1, desc: "0 encrypt, 1 decrypt (taken with START; reads back the last job's direction)" },
    ] },
    crate::RegInfo { name: "STATUS", offset: 0x004, count: 1, stride: 4, access: crate::Access::Ro, reset: Some(0), desc: "State of the lane and result of its last job (cleared by the next start).", fields: &[
        crate::FieldInfo { name: "BUSY", lsb: 0, width: 1, desc: "a job or the self-test is running" },
        crate::FieldInfo { name: "DONE", lsb: 1, width: 1, desc: "the last job finished (fields below are valid)" },
        crate::FieldInfo { name: "TAG_OK", lsb: 2, width: 1, desc: "decrypt: the tag verified (and no error); the output may be released" },
        crate::FieldInfo { name: "TAG_FAIL", lsb: 3, width: 1, desc: "decrypt: the tag did not verify; the host must discard the output" },
        crate::FieldInfo { name: "ERROR", lsb: 4, width: 1, desc: "the job ended with an error (JOB_ERROR)" },
        crate::FieldInfo { name: "RING", lsb: 5, width: 1, desc: "the job came from the descriptor ring" },
        crate::FieldInfo { name: "SELFTEST_PASS", lsb: 6, width: 1, desc: "this lane passed the last self-test" },
        crate::FieldInfo { name: "JOB_ERROR", lsb: 8, width: 8, desc: "error bits of the last job, numbered as ERROR[7:0]" },
    ] },
    crate::RegInfo { name: "ERROR", offset: 0x008, count: 1, stride: 4, access: crate::Access::W1c, reset: Some(0), desc: "Sticky job errors of this lane, numbered as ERROR[7:0].", fields: &[
        crate::FieldInfo { name: "BUSY", lsb: 0, width: 1, desc: "refused: start or lane-register write on a busy lane, direct start while the ring is enabled, self-test or ring enable while work is in flight, ring register write while the ring is enabled" },
        crate::FieldInfo { name: "BAD_LENGTH", lsb: 1, width: 1, desc: "AD_LEN or MSG_LEN above MAX_LEN" },
        crate::FieldInfo { name: "KEY_SLOT", lsb: 2, width: 1, desc: "key slot out of range or not loaded" },
        crate::FieldInfo { name: "KEY_ALG", lsb: 3, width: 1, desc: "the key slot's algorithm is not the lane's (direct), or no lane has it (ring)" },
        crate::FieldInfo { name: "MISALIGNED", lsb: 4, width: 1, desc: "source or destination address not 16-byte aligned" },
        crate::FieldInfo { name: "BUS_READ", lsb: 5, width: 1, desc: "a DMA read returned RRESP != OKAY; the job ended" },
        crate::FieldInfo { name: "BUS_WRITE", lsb: 6, width: 1, desc: "a DMA write returned BRESP != OKAY; the job ended" },
        crate::FieldInfo { name: "CORE", lsb: 7, width: 1, desc: "the AEAD core reported a stream error; the job ended" },
    ] },
    crate::RegInfo { name: "KEY_SLOT", offset: 0x00c, count: 1, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "Key slot of the job; its algorithm must be this lane's.", fields: &[
    ] },
    crate::RegInfo { name: "AD_LEN", offset: 0x010, count: 1, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "Associated-data length in bytes (0..MAX_LEN).", fields: &[
    ] },
    crate::RegInfo { name: "MSG_LEN", offset: 0x014, count: 1, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "Message (plaintext or ciphertext, without tag) length in bytes (0..MAX_LEN).", fields: &[
    ] },
    crate::RegInfo { name: "SRC_LO", offset: 0x018, count: 1, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "Source buffer address bits 31:0 (16-byte aligned); see docs/dma.md for the layout.", fields: &[
    ] },
    crate::RegInfo { name: "SRC_HI", offset: 0x01c, count: 1, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "Source buffer address bits 63:32.", fields: &[
    ] },
    crate::RegInfo { name: "DST_LO", offset: 0x020, count: 1, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "Destination buffer address bits 31:0 (16-byte aligned).", fields: &[
    ] },
    crate::RegInfo { name: "DST_HI", offset: 0x024, count: 1, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "Destination buffer address bits 63:32.", fields: &[
    ] },
    crate::RegInfo { name: "INFO", offset: 0x028, count: 1, stride: 4, access: crate::Access::Ro, reset: None, desc: "What this lane is.", fields: &[
        crate::FieldInfo { name: "KIND", lsb: 0, width: 1, desc: "1 AES-256-GCM, 0 Ascon-AEAD128" },
        crate::FieldInfo { name: "ROUNDS", lsb: 4, width: 4, desc: "Ascon rounds per cycle (0 for AES)" },
    ] },
    crate::RegInfo { name: "CYCLES", offset: 0x02c, count: 1, stride: 4, access: crate::Access::Ro, reset: Some(0), desc: "Clock cycles the last job took, from start to completion (performance counter).", fields: &[
    ] },
    crate::RegInfo { name: "NONCE", offset: 0x030, count: 4, stride: 4, access: crate::Access::Rw, reset: Some(0), desc: "Nonce bytes 4i..4i+3 (little-endian). Ascon-AEAD128 uses all 16 bytes, GCM the first 12 (its IV).", fields: &[
    ] },
    crate::RegInfo { name: "TAG", offset: 0x040, count: 4, stride: 4, access: crate::Access::Ro, reset: Some(0), desc: "Tag computed by the last job, bytes 4i..4i+3 (also written to the destination when encrypting).", fields: &[
    ] },
];

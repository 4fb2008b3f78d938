//! agilis on a Cortex-M4 (thumbv7em-none-eabihf), run under QEMU's
//! `mps2-an386` machine with semihosting.
//!
//! The image reads a record stream (bench-harness/src/embedded/records.rs)
//! from the host file named on its semihosting command line and executes it:
//! AEAD KAT records (seal, open, open with a flipped tag bit, through
//! `agilis_suites::aead::AeadKey`), AEAD benchmark records, and ML-KEM and
//! Ed25519 records. Results go to the host console as short text lines.
//!
//! Instruction counts come from QEMU, not from the chip: every measured
//! operation runs between calls to `agilis_mark_start` and `agilis_mark_stop`,
//! and the host counts the instructions QEMU executes between the two (see
//! bench-harness/src/embedded/cortex_m.rs). The stack high-water mark of each
//! operation is measured here by painting the stack before it.
//!
//! Output lines (numbers hexadecimal):
//! - `I <key> <value>`: facts about the image
//! - `C`: the empty measured region (calibration)
//! - `S <stack>` then `=<hex>` lines: a seal and its ciphertext ‖ tag
//! - `O <stack> <ok>` then `=<hex>`: an open and its plaintext
//! - `T <rejected> <zeroed>`: the open of a tampered tag
//! - `K <codepoint> <ok> <stack keygen> <stack encaps> <stack decaps>` then
//!   `=<hex>`: an ML-KEM key generation, encapsulation and decapsulation and
//!   the shared secret (both sides must agree: `ok`)
//! - `G <codepoint> <ok> <stack keygen> <stack sign> <stack verify>` then
//!   `=<hex>`: an Ed25519 key generation, signature and verification, the
//!   way agilis-suites does them, and the signature (`ok`: it verifies and a
//!   copy with one bit flipped does not)
//! - `X <what> <code>`: an error; `P`: a panic; `Z`: the end of the records
#![no_std]
#![no_main]
// The size-only subsets (see Cargo.toml) leave some of this unused.
#![cfg_attr(not(all(feature = "ml-kem", feature = "ed25519")), allow(dead_code))]

use core::arch::asm;

const TAG_LEN: usize = 16;
use cortex_m_rt::entry;

// ---- semihosting (ARM semihosting: `bkpt 0xab`, operation in r0, argument in r1)

const SYS_OPEN: u32 = 0x01;
const SYS_CLOSE: u32 = 0x02;
const SYS_WRITE0: u32 = 0x04;
const SYS_READ: u32 = 0x06;
const SYS_FLEN: u32 = 0x0C;
const SYS_GET_CMDLINE: u32 = 0x15;
const SYS_EXIT: u32 = 0x18;
const ADP_STOPPED_APPLICATION_EXIT: u32 = 0x20026;
const ADP_STOPPED_RUNTIME_ERROR: u32 = 0x20023;

fn semihost(op: u32, arg: *const u32) -> u32 {
    let r: u32;
    // SAFETY: the semihosting call reads (and for reads writes) only the
    // argument block and the buffers it points to, which the callers own.
    unsafe { asm!("bkpt #0xab", inout("r0") op => r, in("r1") arg, options(nostack)) };
    r
}

fn exit(ok: bool) -> ! {
    let reason = if ok {
        ADP_STOPPED_APPLICATION_EXIT
    } else {
        ADP_STOPPED_RUNTIME_ERROR
    };
    semihost(SYS_EXIT, reason as *const u32);
    loop {}
}

/// Console output, one semihosting call per buffer of lines.
struct Out {
    buf: [u8; 2048],
    len: usize,
}

impl Out {
    const fn new() -> Self {
        Out {
            buf: [0; 2048],
            len: 0,
        }
    }

    fn byte(&mut self, b: u8) {
        if self.len + 2 >= self.buf.len() {
            self.flush();
        }
        self.buf[self.len] = b;
        self.len += 1;
    }

    fn str(&mut self, s: &str) {
        for b in s.bytes() {
            self.byte(b);
        }
    }

    fn hex(&mut self, v: u32) {
        self.byte(b' ');
        let mut started = false;
        for i in (0..8).rev() {
            let nib = ((v >> (i * 4)) & 0xF) as u8;
            if nib != 0 || started || i == 0 {
                started = true;
                self.byte(hex_digit(nib));
            }
        }
    }

    fn line(&mut self) {
        self.byte(b'\n');
        if self.len > 1500 {
            self.flush();
        }
    }

    /// `=<hex>` lines of at most 32 bytes.
    fn blob(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(32) {
            self.byte(b'=');
            for &b in chunk {
                self.byte(hex_digit(b >> 4));
                self.byte(hex_digit(b & 0xF));
            }
            self.line();
        }
    }

    fn flush(&mut self) {
        if self.len == 0 {
            return;
        }
        self.buf[self.len] = 0;
        semihost(SYS_WRITE0, self.buf.as_ptr().cast());
        self.len = 0;
    }
}

fn hex_digit(n: u8) -> u8 {
    if n < 10 { b'0' + n } else { b'a' + n - 10 }
}

static mut OUT: Out = Out::new();

fn out() -> &'static mut Out {
    // SAFETY: one thread, no interrupts use it; every use is a short call
    // that does not hold the reference across another `out()`.
    unsafe { &mut *(&raw mut OUT) }
}

fn fail(what: &str, code: u32) -> ! {
    let o = out();
    o.str("X ");
    o.str(what);
    o.hex(code);
    o.line();
    o.str("Z\n");
    o.flush();
    exit(false)
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    let o = out();
    o.str("\nP\n");
    o.flush();
    exit(false)
}

// ---- the measured regions

/// QEMU's instruction count starts at this function's first instruction.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn agilis_mark_start() {
    // SAFETY: a no-op; it only keeps the call from being optimised away.
    unsafe { asm!("nop", options(nomem, nostack, preserves_flags)) };
}

/// ... and stops at this one's. Its body differs from the start marker's, or
/// LTO would fold the two into one function.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn agilis_mark_stop() {
    // SAFETY: as above.
    unsafe { asm!("nop", "nop", options(nomem, nostack, preserves_flags)) };
}

/// Runs `f` between the two markers and returns its result and the stack it
/// used below the caller's frame.
#[inline(never)]
fn measured<R>(f: impl FnOnce() -> R) -> (R, u32) {
    let sp = paint_stack();
    agilis_mark_start();
    let r = f();
    agilis_mark_stop();
    (core::hint::black_box(r), stack_used_below(sp))
}

// ---- RAM

const PAINT: u32 = 0xA5A5_A5A5;
/// How far below the current frame the stack is painted: more than any
/// operation here needs (ML-KEM-768 is the deepest).
const PAINT_DEPTH: usize = 64 * 1024;

unsafe extern "C" {
    /// End of .bss (cortex-m-rt): the lowest address the stack may reach.
    static __sheap: u32;
}

fn stack_pointer() -> usize {
    let sp: usize;
    // SAFETY: reads the stack pointer.
    unsafe { asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags)) };
    sp
}

fn paint_bounds() -> (usize, usize) {
    let sp = stack_pointer() & !3;
    let floor = (&raw const __sheap) as usize;
    let top = sp - 128;
    (top.saturating_sub(PAINT_DEPTH).max(floor), top)
}

/// Paints the stack below the current frame; returns the stack pointer it started from.
#[inline(never)]
fn paint_stack() -> usize {
    let (bottom, top) = paint_bounds();
    let mut a = bottom;
    while a < top {
        // SAFETY: free stack between the end of .bss and below our own frame.
        unsafe { core::ptr::write_volatile(a as *mut u32, PAINT) };
        a += 4;
    }
    stack_pointer()
}

/// Bytes of stack used below `sp` since the last paint.
#[inline(never)]
fn stack_used_below(sp: usize) -> u32 {
    let (bottom, _) = paint_bounds();
    let mut a = bottom;
    // SAFETY: reads the painted region.
    while a < sp && unsafe { core::ptr::read_volatile(a as *const u32) } == PAINT {
        a += 4;
    }
    (sp.saturating_sub(a)) as u32
}

// ---- records

const OP_KEY: u8 = 0x01;
const OP_NONCE: u8 = 0x02;
const OP_KAT: u8 = 0x03;
const OP_BENCH: u8 = 0x04;
const OP_SUITE: u8 = 0x05;
const OP_KEM: u8 = 0x10;
const OP_SIG: u8 = 0x11;
const OP_END: u8 = 0xFF;

const RECORDS_MAX: usize = 1 << 20;
static mut RECORDS: [u8; RECORDS_MAX] = [0; RECORDS_MAX];

/// Reads the file named last on the semihosting command line into RECORDS.
fn load_records() -> &'static [u8] {
    let mut cmdline = [0u8; 256];
    let mut block = [cmdline.as_mut_ptr() as u32, cmdline.len() as u32];
    if semihost(SYS_GET_CMDLINE, block.as_mut_ptr()) != 0 {
        fail("cmdline", 0);
    }
    let line = &cmdline[..block[1] as usize];
    let start = line.iter().rposition(|&b| b == b' ').map_or(0, |i| i + 1);
    let mut path = [0u8; 256];
    let name = &line[start..];
    path[..name.len()].copy_from_slice(name);
    let open = [path.as_ptr() as u32, 0 /* "r" */, name.len() as u32];
    let handle = semihost(SYS_OPEN, open.as_ptr());
    if handle == u32::MAX {
        fail("open", 0);
    }
    let len = semihost(SYS_FLEN, [handle].as_ptr()) as usize;
    if len > RECORDS_MAX {
        fail("records_len", len as u32);
    }
    let buf = (&raw mut RECORDS).cast::<u8>();
    let read = [handle, buf as u32, len as u32];
    if semihost(SYS_READ, read.as_ptr()) != 0 {
        fail("read", 0);
    }
    semihost(SYS_CLOSE, [handle].as_ptr());
    // SAFETY: the first `len` bytes of RECORDS were just written; nothing
    // else refers to RECORDS.
    unsafe { core::slice::from_raw_parts(buf, len) }
}

struct Records<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Records<'a> {
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(OP_END);
        self.at += 1;
        b
    }

    fn u16(&mut self) -> u16 {
        let lo = self.byte();
        u16::from(lo) | (u16::from(self.byte()) << 8)
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        match self.data.get(self.at..self.at + n) {
            Some(s) => {
                self.at += n;
                s
            }
            None => fail("records_truncated", self.at as u32),
        }
    }
}

/// The AEAD under test, behind the calls the record loop makes.
#[cfg(feature = "aead")]
mod suite {
    use agilis_suites::Error;
    use agilis_suites::aead::{AeadKey, Backend};

    pub type Key = AeadKey;

    fn code(e: &Error) -> u32 {
        match e {
            Error::UnknownAlgorithm => 1,
            Error::WrongKind { .. } => 2,
            Error::InvalidLength { .. } => 3,
            Error::AuthenticationFailed => 4,
            Error::Unsupported(_) => 5,
            _ => 0xFF,
        }
    }

    pub fn prepare(codepoint: u16, backend: u8, key: &[u8]) -> Result<Key, u32> {
        let backend = if backend == 0 {
            Backend::Default
        } else {
            Backend::Portable
        };
        AeadKey::with_backend(codepoint, key, backend).map_err(|e| code(&e))
    }

    pub fn implementation(k: &Key) -> &'static str {
        k.implementation()
    }

    pub fn seal(k: &Key, nonce: &[u8], ad: &[u8], buf: &mut [u8]) -> Result<[u8; 16], u32> {
        k.seal_in_place_detached(nonce, ad, buf)
            .map_err(|e| code(&e))
    }

    /// `Ok(false)`: the tag did not verify.
    pub fn open(k: &Key, nonce: &[u8], ad: &[u8], buf: &mut [u8], tag: &[u8]) -> Result<bool, u32> {
        match k.open_in_place_detached(nonce, ad, buf, tag) {
            Ok(()) => Ok(true),
            Err(Error::AuthenticationFailed) => Ok(false),
            Err(e) => Err(code(&e)),
        }
    }
}

/// No cryptography: the same record loop around calls that do nothing, so
/// that the size difference to an AEAD image is the AEAD's code (size builds only).
#[cfg(not(feature = "aead"))]
mod suite {
    use core::hint::black_box;

    pub type Key = [u8; 1];

    pub fn prepare(codepoint: u16, backend: u8, key: &[u8]) -> Result<Key, u32> {
        Ok([black_box(key.len() as u8 ^ codepoint as u8 ^ backend)])
    }

    pub fn implementation(_k: &Key) -> &'static str {
        "none"
    }

    pub fn seal(k: &Key, nonce: &[u8], ad: &[u8], buf: &mut [u8]) -> Result<[u8; 16], u32> {
        black_box((k, nonce, ad, &buf));
        Ok([0; 16])
    }

    pub fn open(k: &Key, nonce: &[u8], ad: &[u8], buf: &mut [u8], tag: &[u8]) -> Result<bool, u32> {
        black_box((k, nonce, ad, &buf, tag));
        Ok(black_box(true))
    }
}

const MAX_MSG: usize = 4096;

#[entry]
fn main() -> ! {
    let records = load_records();
    let o = out();
    o.str("I image cortex-m4");
    o.line();
    o.str("I aeadkey_size");
    o.hex(core::mem::size_of::<suite::Key>() as u32);
    o.line();
    // Calibration: an empty region, and a loop of 1 + 2·100 instructions
    // (`movs`, then 100 × `subs` + `bne`) that the host checks its count on.
    let ((), _) = measured(|| ());
    let ((), _) = measured(|| {
        // SAFETY: a register-only loop.
        unsafe {
            asm!("movs {n}, #100", "1:", "subs {n}, #1", "bne 1b", n = out(reg) _, options(nomem, nostack))
        }
    });
    o.str("C");
    o.hex(1 + 2 * 100);
    o.line();
    run(Records {
        data: records,
        at: 0,
    });
    o.str("Z\n");
    o.flush();
    exit(true)
}

fn run(mut rec: Records) {
    let mut suite = (0u16, 0u8);
    let mut key: Option<suite::Key> = None;
    let mut nonce: &[u8] = &[];
    let mut buf = [0u8; MAX_MSG];
    let mut ct = [0u8; MAX_MSG];
    let mut ad_buf = [0u8; MAX_MSG];
    let mut told = false;
    loop {
        match rec.byte() {
            OP_END => return,
            OP_SUITE => {
                let cp = rec.u16();
                suite = (cp, rec.byte());
                key = None;
                told = false;
            }
            OP_KEY => {
                let n = usize::from(rec.byte());
                let bytes = rec.take(n);
                // Drop (and so wipe) the previous key before preparing the next.
                #[allow(unused_assignments)]
                {
                    key = None;
                }
                match suite::prepare(suite.0, suite.1, bytes) {
                    Ok(k) => {
                        if !told {
                            let o = out();
                            o.str("I impl ");
                            o.str(suite::implementation(&k));
                            o.line();
                            told = true;
                        }
                        key = Some(k);
                    }
                    Err(code) => fail("key", code),
                }
            }
            OP_NONCE => {
                let n = usize::from(rec.byte());
                nonce = rec.take(n);
            }
            op @ (OP_KAT | OP_BENCH) => {
                let Some(k) = key.as_ref() else {
                    fail("no_key", 0)
                };
                let ad_len = usize::from(rec.u16());
                let pt_len = usize::from(rec.u16());
                if ad_len > MAX_MSG || pt_len > MAX_MSG {
                    fail("length", (ad_len.max(pt_len)) as u32);
                }
                let (ad, pt, ct) = (&mut ad_buf[..ad_len], &mut buf[..pt_len], &mut ct[..pt_len]);
                let mut tag = [0u8; TAG_LEN];
                if op == OP_KAT {
                    ad.copy_from_slice(rec.take(ad_len));
                    pt.copy_from_slice(rec.take(pt_len));
                    ct.copy_from_slice(rec.take(pt_len));
                    tag.copy_from_slice(rec.take(TAG_LEN));
                } else {
                    for (i, b) in ad.iter_mut().enumerate() {
                        *b = i as u8;
                    }
                    for (i, b) in pt.iter_mut().enumerate() {
                        *b = i as u8;
                    }
                }
                let (sealed, stack) = measured(|| suite::seal(k, nonce, ad, pt));
                let sealed = match sealed {
                    Ok(t) => t,
                    Err(code) => fail("seal", code),
                };
                let o = out();
                o.str("S");
                o.hex(stack);
                o.line();
                o.blob(pt);
                o.blob(&sealed);
                if op == OP_BENCH {
                    ct.copy_from_slice(pt);
                    tag = sealed;
                }
                pt.copy_from_slice(ct);
                let (opened, stack) = measured(|| suite::open(k, nonce, ad, pt, &tag));
                let ok = match opened {
                    Ok(ok) => ok,
                    Err(code) => fail("open", code),
                };
                o.str("O");
                o.hex(stack);
                o.hex(u32::from(ok));
                o.line();
                if ok {
                    o.blob(pt);
                }
                if op == OP_KAT {
                    pt.copy_from_slice(ct);
                    tag[0] ^= 1;
                    let rejected = suite::open(k, nonce, ad, pt, &tag) == Ok(false);
                    let zeroed = pt.iter().all(|&b| b == 0);
                    o.str("T");
                    o.hex(u32::from(rejected));
                    o.hex(u32::from(zeroed));
                    o.line();
                }
            }
            #[cfg(feature = "ml-kem")]
            OP_KEM => {
                let cp = rec.u16();
                let seed: [u8; 64] = rec.take(64).try_into().unwrap_or([0; 64]);
                let rand: [u8; 32] = rec.take(32).try_into().unwrap_or([0; 32]);
                kem(cp, seed, rand);
            }
            #[cfg(feature = "ed25519")]
            OP_SIG => {
                let cp = rec.u16();
                let seed: [u8; 32] = rec.take(32).try_into().unwrap_or([0; 32]);
                let len = usize::from(rec.u16());
                if len > MAX_MSG {
                    fail("length", len as u32);
                }
                let msg = &mut buf[..len];
                for (i, b) in msg.iter_mut().enumerate() {
                    *b = i as u8;
                }
                sig(cp, &seed, msg);
            }
            op => fail("op", u32::from(op)),
        }
    }
}

#[cfg(feature = "ed25519")]
/// Ed25519 as agilis-suites does it (suites/src/sig.rs): the key pair from a
/// 32-byte seed; signing re-derives the key from the seed; verification
/// rejects weak keys and verifies strictly.
fn sig(cp: u16, seed: &[u8; 32], msg: &[u8]) {
    use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
    if cp != 0x0220 {
        fail("sig", u32::from(cp));
    }
    let (pk, s0) = measured(|| SigningKey::from_bytes(seed).verifying_key().to_bytes());
    let (signature, s1) = measured(|| {
        SigningKey::from_bytes(seed)
            .try_sign(msg)
            .map(|s| s.to_bytes())
    });
    let Ok(signature) = signature else {
        fail("sign", 0)
    };
    let verify = |sig: &[u8; 64]| {
        let Ok(key) = VerifyingKey::from_bytes(&pk) else {
            return false;
        };
        !key.is_weak() && key.verify_strict(msg, &Signature::from_bytes(sig)).is_ok()
    };
    let (ok, s2) = measured(|| verify(&signature));
    let mut tampered = signature;
    tampered[7] ^= 0x10;
    let rejected = !verify(&tampered);
    let o = out();
    o.str("G");
    o.hex(u32::from(cp));
    o.hex(u32::from(ok && rejected));
    for s in [s0, s1, s2] {
        o.hex(s);
    }
    o.line();
    o.blob(&signature);
}

/// ML-KEM key generation, encapsulation and decapsulation, each measured.
#[cfg(feature = "ml-kem")]
fn kem(cp: u16, seed: [u8; 64], rand: [u8; 32]) {
    macro_rules! run {
        ($module:ident) => {{
            use libcrux_ml_kem::$module as m;
            let (pair, s0) = measured(|| m::generate_key_pair(seed));
            let ((ct, ss), s1) = measured(|| m::encapsulate(pair.public_key(), rand));
            let (ss2, s2) = measured(|| m::decapsulate(pair.private_key(), &ct));
            (ss, ss2, [s0, s1, s2])
        }};
    }
    let (ss, ss2, stacks) = match cp {
        0x0101 => run!(mlkem512),
        0x0102 => run!(mlkem768),
        _ => fail("kem", u32::from(cp)),
    };
    let o = out();
    o.str("K");
    o.hex(u32::from(cp));
    o.hex(u32::from(ss == ss2));
    for s in stacks {
        o.hex(s);
    }
    o.line();
    o.blob(&ss);
}

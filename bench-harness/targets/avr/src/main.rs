//! agilis on the ATmega328P at 16 MHz, run cycle-exact under simavr.
//!
//! The image runs a stream of records that the host (bench-harness,
//! `src/embedded/`) writes into the `AGILIS_RECORDS` array of the linked ELF:
//! KAT records (seal, open, open with a flipped tag bit, all through
//! `agilis_suites::aead::AeadKey`) and benchmark records (timed seal and open
//! of a given length). Results go out on USART0 as short text lines, which
//! simavr prints; the host checks every output. The KAT run and the benchmark
//! run use the very same image: only the record bytes differ.
//!
//! Cycles are counted on the chip itself, with Timer1 at clk/1 and its
//! overflow interrupt; the fixed cost of starting and stopping the timer and
//! of each overflow interrupt is measured at boot (`C` line) and subtracted by
//! the host. The stack high-water mark of every operation is measured by
//! painting the free RAM before it and scanning it after.
//!
//! Output lines (all numbers hexadecimal, every line under simavr's 95-char
//! UART line buffer):
//! - `I <key> <value>`: facts about the image (implementation, sizes, free RAM)
//! - `C <empty> <loop1 raw> <ovf> <cycles> <loop2 raw> <ovf> <cycles>`: raw
//!   timer readings of an empty region and of two loops of known length
//! - `S <raw> <ovf> <stack>` then `=<hex>` lines: a seal and its ciphertext ‖ tag
//! - `O <raw> <ovf> <stack> <ok>` then `=<hex>` lines: an open and its plaintext
//! - `T <rejected> <zeroed>`: the open of a tampered tag
//! - `X <what> <code>`: an API error or a stack overflow; `P`: a panic; `Z`:
//!   the end of the records
#![no_std]
#![no_main]
#![feature(asm_experimental_arch, abi_avr_interrupt)]

use core::arch::asm;
use core::ptr::{read_volatile, write_volatile};

#[cfg(not(feature = "baseline"))]
use agilis_suites::aead::Backend;
#[cfg(not(feature = "baseline"))]
use agilis_suites::registry::codepoint;

#[cfg(not(any(
    feature = "baseline",
    feature = "ascon-portable",
    feature = "ascon-8bit",
    feature = "chacha20-poly1305",
    feature = "aes-256-gcm"
)))]
compile_error!(
    "pick one image feature: baseline, ascon-8bit, ascon-portable, chacha20-poly1305, aes-256-gcm"
);

/// The AEAD this image serves, and through which backend.
#[cfg(feature = "ascon-portable")]
const SUITE: (u16, Backend, &str) = (
    codepoint::ASCON_AEAD128,
    Backend::Portable,
    "ascon-portable",
);
#[cfg(feature = "ascon-8bit")]
const SUITE: (u16, Backend, &str) = (codepoint::ASCON_AEAD128, Backend::Default, "ascon-8bit");
#[cfg(feature = "chacha20-poly1305")]
const SUITE: (u16, Backend, &str) = (
    codepoint::CHACHA20_POLY1305,
    Backend::Portable,
    "chacha20-poly1305",
);
#[cfg(feature = "aes-256-gcm")]
const SUITE: (u16, Backend, &str) = (codepoint::AES_256_GCM, Backend::Portable, "aes-256-gcm");

/// Bytes of flash the host can fill with records: `AGILIS_AVR_RECORDS_LEN`
/// at build time (the host sizes it to the flash the code leaves free).
const RECORDS_LEN: usize = match option_env!("AGILIS_AVR_RECORDS_LEN") {
    Some(s) => parse_usize(s),
    None => 16,
};

const fn parse_usize(s: &str) -> usize {
    let b = s.as_bytes();
    let mut n = 0;
    let mut i = 0;
    while i < b.len() {
        assert!(
            b[i].is_ascii_digit(),
            "AGILIS_AVR_RECORDS_LEN must be a decimal number"
        );
        n = n * 10 + (b[i] - b'0') as usize;
        i += 1;
    }
    n
}

/// The record stream, in flash (`.progmem.data`), patched into the ELF by
/// the host. 0xFF (erased flash) ends the stream.
#[used]
#[unsafe(no_mangle)]
#[unsafe(link_section = ".progmem.data")]
static AGILIS_RECORDS: [u8; RECORDS_LEN] = [0xFF; RECORDS_LEN];

/// Largest message / associated data a record may carry (RAM is 2 KB).
const MAX_MSG: usize = 256;
const MAX_AD: usize = 64;

// Record opcodes (see bench-harness/src/embedded/records.rs).
const OP_SUITE: u8 = 0x05;
const OP_KEY: u8 = 0x01;
const OP_NONCE: u8 = 0x02;
const OP_KAT: u8 = 0x03;
const OP_BENCH: u8 = 0x04;
const OP_END: u8 = 0xFF;

// ---- ATmega328P registers (data-space addresses)
const UCSR0A: *mut u8 = 0xC0 as *mut u8;
const UCSR0B: *mut u8 = 0xC1 as *mut u8;
const UCSR0C: *mut u8 = 0xC2 as *mut u8;
const UBRR0L: *mut u8 = 0xC4 as *mut u8;
const UBRR0H: *mut u8 = 0xC5 as *mut u8;
const UDR0: *mut u8 = 0xC6 as *mut u8;
const TCCR1A: *mut u8 = 0x80 as *mut u8;
const TCCR1B: *mut u8 = 0x81 as *mut u8;
const TCNT1L: *mut u8 = 0x84 as *mut u8;
const TCNT1H: *mut u8 = 0x85 as *mut u8;
const TIMSK1: *mut u8 = 0x6F as *mut u8;
const TIFR1: *mut u8 = 0x36 as *mut u8;
const SPL: *const u8 = 0x5D as *const u8;
const SPH: *const u8 = 0x5E as *const u8;

/// Stack paint byte.
const PAINT: u8 = 0xA5;

unsafe extern "C" {
    /// End of .bss (avr-libc linker script): the lowest address the stack may reach.
    static mut __heap_start: u8;
}

/// Timer1 overflows since the last `timer_start`. A plain static accessed
/// with volatile loads and stores: the main code touches it only with
/// interrupts off. (Not an `AtomicU16`: this nightly's AVR backend loads an
/// atomic u16 into the Z pair through Z itself, `ld r30, Z; ldd r31, Z+1`,
/// which reads the wrong address.)
static mut OVERFLOWS: u16 = 0;

fn overflows() -> u16 {
    unsafe { read_volatile(core::ptr::addr_of!(OVERFLOWS)) }
}

fn set_overflows(v: u16) {
    unsafe { write_volatile(core::ptr::addr_of_mut!(OVERFLOWS), v) }
}

/// TIMER1_OVF.
#[unsafe(no_mangle)]
pub unsafe extern "avr-interrupt" fn __vector_13() {
    set_overflows(overflows().wrapping_add(1));
}

fn uart_init() {
    unsafe {
        // 2 Mbaud (U2X, UBRR 0): simulated time spent on output stays small.
        write_volatile(UCSR0A, 1 << 1);
        write_volatile(UBRR0H, 0);
        write_volatile(UBRR0L, 0);
        write_volatile(UCSR0C, 0x06);
        write_volatile(UCSR0B, 1 << 3);
    }
}

fn putc(c: u8) {
    unsafe {
        while read_volatile(UCSR0A) & (1 << 5) == 0 {}
        write_volatile(UDR0, c);
    }
}

fn puts(s: &str) {
    for b in s.bytes() {
        putc(b);
    }
}

fn put_hex_u32(v: u32) {
    let mut started = false;
    for i in (0..8).rev() {
        let nib = ((v >> (i * 4)) & 0xF) as u8;
        if nib != 0 || started || i == 0 {
            started = true;
            putc(hex_digit(nib));
        }
    }
}

fn hex_digit(n: u8) -> u8 {
    if n < 10 { b'0' + n } else { b'a' + n - 10 }
}

fn field(v: u32) {
    putc(b' ');
    put_hex_u32(v);
}

fn newline() {
    putc(b'\n');
}

/// `=<hex>` lines of at most 24 bytes.
fn put_blob(bytes: &[u8]) {
    for chunk in bytes.chunks(24) {
        putc(b'=');
        for &b in chunk {
            putc(hex_digit(b >> 4));
            putc(hex_digit(b & 0xF));
        }
        newline();
    }
}

/// Waits for the last byte to leave, then stops the simulation (simavr ends
/// on `sleep` with interrupts off).
fn halt() -> ! {
    unsafe {
        while read_volatile(UCSR0A) & (1 << 6) == 0 {}
        asm!("cli", "sleep");
    }
    loop {}
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    puts("\nP\n");
    halt()
}

// ---- cycle counting

#[inline(always)]
fn timer_start(initial: u16) {
    unsafe {
        write_volatile(TCCR1B, 0);
        write_volatile(TCCR1A, 0);
        write_volatile(TCNT1H, (initial >> 8) as u8);
        write_volatile(TCNT1L, initial as u8);
        set_overflows(0);
        write_volatile(TIFR1, 1);
        write_volatile(TIMSK1, 1);
        asm!("sei");
        // clk/1: from here on every cycle counts.
        write_volatile(TCCR1B, 1);
    }
}

/// Reads Timer1 and stops it; returns (cycles since the count 0, overflows).
/// The count is read while the timer runs (simavr does not keep TCNT1 of a
/// stopped timer); an overflow still pending (interrupts are off) counts if
/// it came before that read, i.e. if the count read is small.
#[inline(always)]
fn timer_stop() -> (u32, u16) {
    unsafe {
        asm!("cli");
        let lo = read_volatile(TCNT1L);
        let hi = read_volatile(TCNT1H);
        write_volatile(TCCR1B, 0);
        let ticks = u16::from(lo) | (u16::from(hi) << 8);
        let mut ovf = overflows();
        if read_volatile(TIFR1) & 1 != 0 {
            if ticks < 0x8000 {
                ovf = ovf.wrapping_add(1);
            }
            write_volatile(TIFR1, 1);
        }
        ((u32::from(ovf) << 16) | u32::from(ticks), ovf)
    }
}

/// A loop of known length: `ldi`, `ldi`, N × (`sbiw` 2 + `brne` 2) − 1 = 4·N + 1 cycles.
#[inline(always)]
fn timed_loop<const N: u16>() -> (u32, u16) {
    timer_start(0);
    unsafe {
        asm!(
            "ldi r24, {lo}",
            "ldi r25, {hi}",
            "1:",
            "sbiw r24, 1",
            "brne 1b",
            lo = const N & 0xFF,
            hi = const N >> 8,
            out("r24") _,
            out("r25") _,
            options(nomem, nostack),
        );
    }
    timer_stop()
}

/// Calibration: an empty measured region (the cost of starting and stopping
/// the timer), and two loops of known length spanning one and three timer
/// overflows: the host takes the cost of an overflow interrupt from the
/// first and checks the whole method on the second.
fn calibrate() {
    timer_start(0);
    let (empty, _) = timer_stop();
    let (raw1, ovf1) = timed_loop::<20_000>();
    let (raw2, ovf2) = timed_loop::<60_000>();
    putc(b'C');
    field(empty);
    field(raw1);
    field(u32::from(ovf1));
    field(4 * 20_000 + 1);
    field(raw2);
    field(u32::from(ovf2));
    field(4 * 60_000 + 1);
    newline();
}

// ---- RAM

fn stack_pointer() -> u16 {
    unsafe { u16::from(read_volatile(SPL)) | (u16::from(read_volatile(SPH)) << 8) }
}

/// Paints the free RAM below the current stack frame (keeping a margin for
/// this function's own frame).
#[inline(never)]
fn paint_stack() {
    let bottom = core::ptr::addr_of_mut!(__heap_start) as u16;
    let top = stack_pointer() - 16;
    let mut a = bottom;
    while a < top {
        unsafe { write_volatile(a as *mut u8, PAINT) };
        a += 1;
    }
}

/// Bytes of stack used below `sp` since the last `paint_stack`. Stops the
/// run if the stack reached the end of .bss, where it overwrites data.
#[inline(never)]
fn stack_used_below(sp: u16) -> u32 {
    let bottom = core::ptr::addr_of_mut!(__heap_start) as u16;
    if unsafe { read_volatile(bottom as *const u8) } != PAINT {
        error("stack_overflow", u32::from(sp - bottom));
    }
    let mut a = bottom;
    while a < sp && unsafe { read_volatile(a as *const u8) } == PAINT {
        a += 1;
    }
    u32::from(sp - a)
}

// ---- the record stream in flash

struct Records {
    addr: u16,
    end: u16,
}

impl Records {
    fn new() -> Self {
        let start = core::ptr::addr_of!(AGILIS_RECORDS) as u16;
        Records {
            addr: start,
            end: start + RECORDS_LEN as u16,
        }
    }

    fn byte(&mut self) -> u8 {
        if self.addr >= self.end {
            return OP_END;
        }
        let b: u8;
        // SAFETY: `lpm` reads program memory at Z; the address lies inside AGILIS_RECORDS.
        unsafe {
            asm!("lpm {b}, Z", b = out(reg) b, in("Z") self.addr,
                options(pure, readonly, nostack, preserves_flags));
        }
        self.addr += 1;
        b
    }

    fn u16(&mut self) -> u16 {
        let lo = self.byte();
        u16::from(lo) | (u16::from(self.byte()) << 8)
    }

    /// Copies `out.len()` bytes from flash address `at` (a field read earlier).
    fn copy_from(&self, at: u16, out: &mut [u8]) {
        let mut r = Records {
            addr: at,
            end: self.end,
        };
        r.bytes(out);
    }

    fn bytes(&mut self, out: &mut [u8]) {
        for b in out {
            *b = self.byte();
        }
    }
}

fn error(what: &str, code: u32) -> ! {
    putc(b'X');
    putc(b' ');
    puts(what);
    field(code);
    newline();
    puts("Z\n");
    halt()
}

#[cfg(not(feature = "baseline"))]
fn error_code(e: &agilis_suites::Error) -> u32 {
    use agilis_suites::Error as E;
    match e {
        E::UnknownAlgorithm => 1,
        E::WrongKind { .. } => 2,
        E::InvalidLength { .. } => 3,
        E::AuthenticationFailed => 4,
        E::Unsupported(_) => 5,
        _ => 0xFF,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn main() -> ! {
    uart_init();
    puts("I image ");
    #[cfg(feature = "baseline")]
    puts("baseline");
    #[cfg(not(feature = "baseline"))]
    puts(SUITE.2);
    newline();
    puts("I records");
    field(RECORDS_LEN as u32);
    newline();
    puts("I key_size");
    field(core::mem::size_of::<suite::Key>() as u32);
    newline();
    calibrate();
    run(Records::new());
    puts("Z\n");
    halt()
}

/// The AEAD under test, behind the three calls the record loop makes.
#[cfg(not(feature = "baseline"))]
mod suite {
    use super::{SUITE, error_code};
    use agilis_suites::Error;
    use agilis_suites::aead::{AeadKey, TAG_LEN};

    pub type Key = AeadKey;

    /// Whether a suite record (code point, backend byte) names this image's AEAD.
    pub fn serves(codepoint: u16, backend: u8) -> bool {
        let ours = match SUITE.1 {
            agilis_suites::aead::Backend::Default => 0,
            agilis_suites::aead::Backend::Portable => 1,
        };
        codepoint == SUITE.0 && backend == ours
    }

    pub fn implementation(k: &Key) -> &'static str {
        k.implementation()
    }

    pub fn prepare(key: &[u8]) -> Result<Key, u32> {
        AeadKey::with_backend(SUITE.0, key, SUITE.1).map_err(|e| error_code(&e))
    }

    #[inline(never)]
    pub fn seal(k: &Key, nonce: &[u8], ad: &[u8], buf: &mut [u8]) -> Result<[u8; TAG_LEN], u32> {
        k.seal_in_place_detached(nonce, ad, buf)
            .map_err(|e| error_code(&e))
    }

    /// `Ok(false)`: the tag did not verify.
    #[inline(never)]
    pub fn open(k: &Key, nonce: &[u8], ad: &[u8], buf: &mut [u8], tag: &[u8]) -> Result<bool, u32> {
        match k.open_in_place_detached(nonce, ad, buf, tag) {
            Ok(()) => Ok(true),
            Err(Error::AuthenticationFailed) => Ok(false),
            Err(e) => Err(error_code(&e)),
        }
    }
}

/// No cryptography: the same record loop around calls that do nothing, so
/// that the size difference to an AEAD image is the AEAD's code.
#[cfg(feature = "baseline")]
mod suite {
    use core::hint::black_box;

    pub type Key = [u8; 1];

    pub fn serves(_codepoint: u16, _backend: u8) -> bool {
        true
    }

    pub fn implementation(_k: &Key) -> &'static str {
        "none"
    }

    pub fn prepare(key: &[u8]) -> Result<Key, u32> {
        Ok([black_box(key.len() as u8)])
    }

    #[inline(never)]
    pub fn seal(k: &Key, nonce: &[u8], ad: &[u8], buf: &mut [u8]) -> Result<[u8; 16], u32> {
        black_box((k, nonce, ad, &buf));
        Ok([0; 16])
    }

    #[inline(never)]
    pub fn open(k: &Key, nonce: &[u8], ad: &[u8], buf: &mut [u8], tag: &[u8]) -> Result<bool, u32> {
        black_box((k, nonce, ad, &buf, tag));
        Ok(black_box(true))
    }
}

const TAG: usize = 16;

fn run(mut rec: Records) {
    let mut key_bytes = [0u8; 32];
    let mut nonce = [0u8; 16];
    let mut nonce_len = 0usize;
    let mut key: Option<suite::Key> = None;
    let mut ad = [0u8; MAX_AD];
    let mut buf = [0u8; MAX_MSG];
    let mut tag = [0u8; TAG];
    let mut told = false;
    let (sp, heap) = (
        stack_pointer(),
        core::ptr::addr_of_mut!(__heap_start) as u16,
    );
    if sp < heap + 16 {
        error("no_ram", u32::from(heap.wrapping_sub(sp)));
    }
    puts("I free_ram");
    field(u32::from(sp - heap));
    newline();
    loop {
        match rec.byte() {
            OP_END => return,
            OP_SUITE => {
                let codepoint = rec.u16();
                let backend = rec.byte();
                if !suite::serves(codepoint, backend) {
                    error("suite", u32::from(codepoint));
                }
            }
            OP_KEY => {
                let key_len = usize::from(rec.byte());
                if key_len > key_bytes.len() {
                    error("key_len", key_len as u32);
                }
                rec.bytes(&mut key_bytes[..key_len]);
                // Drop (and so wipe) the previous key before preparing the next.
                #[allow(unused_assignments)]
                {
                    key = None;
                }
                match suite::prepare(&key_bytes[..key_len]) {
                    Ok(k) => {
                        if !told {
                            puts("I impl ");
                            puts(suite::implementation(&k));
                            newline();
                            told = true;
                        }
                        key = Some(k)
                    }
                    Err(code) => error("key", code),
                }
            }
            OP_NONCE => {
                nonce_len = usize::from(rec.byte());
                if nonce_len > nonce.len() {
                    error("nonce_len", nonce_len as u32);
                }
                rec.bytes(&mut nonce[..nonce_len]);
            }
            op @ (OP_KAT | OP_BENCH) => {
                let Some(k) = key.as_ref() else {
                    error("no_key", 0)
                };
                let ad_len = usize::from(rec.u16());
                let pt_len = usize::from(rec.u16());
                if ad_len > MAX_AD {
                    error("ad_len", ad_len as u32);
                }
                if pt_len > MAX_MSG {
                    error("pt_len", pt_len as u32);
                }
                let (ad, pt) = (&mut ad[..ad_len], &mut buf[..pt_len]);
                // The KAT's ciphertext stays in flash (RAM is short); this is where.
                let mut ct_at = 0;
                if op == OP_KAT {
                    rec.bytes(ad);
                    rec.bytes(pt);
                    ct_at = rec.addr;
                    rec.addr += pt_len as u16;
                    rec.bytes(&mut tag);
                } else {
                    // Benchmark input: the byte pattern of the LWC KATs.
                    for (i, b) in ad.iter_mut().enumerate() {
                        *b = i as u8;
                    }
                    for (i, b) in pt.iter_mut().enumerate() {
                        *b = i as u8;
                    }
                }
                let nonce = &nonce[..nonce_len];

                // Seal the plaintext in place.
                paint_stack();
                let sp = stack_pointer();
                timer_start(0);
                let sealed = suite::seal(k, nonce, ad, pt);
                let (raw, ovf) = timer_stop();
                let stack = stack_used_below(sp);
                let sealed_tag = match sealed {
                    Ok(t) => t,
                    Err(code) => error("seal", code),
                };
                putc(b'S');
                field(raw);
                field(u32::from(ovf));
                field(stack);
                newline();
                put_blob(pt);
                put_blob(&sealed_tag);

                // Open: the KAT's ciphertext, or (benchmark) our own.
                if op == OP_BENCH {
                    // Open our own ciphertext, still in the buffer.
                    tag = sealed_tag;
                } else {
                    rec.copy_from(ct_at, pt);
                }
                paint_stack();
                timer_start(0);
                let opened = suite::open(k, nonce, ad, pt, &tag);
                let (raw, ovf) = timer_stop();
                let stack = stack_used_below(sp);
                let ok = match opened {
                    Ok(ok) => ok,
                    Err(code) => error("open", code),
                };
                putc(b'O');
                field(raw);
                field(u32::from(ovf));
                field(stack);
                field(u32::from(ok));
                newline();
                if ok {
                    put_blob(pt);
                }

                // A flipped tag bit must be rejected, with the buffer wiped.
                if op == OP_KAT {
                    rec.copy_from(ct_at, pt);
                    tag[0] ^= 1;
                    let rejected = suite::open(k, nonce, ad, pt, &tag) == Ok(false);
                    tag[0] ^= 1;
                    let zeroed = pt.iter().all(|&b| b == 0);
                    putc(b'T');
                    field(u32::from(rejected));
                    field(u32::from(zeroed));
                    newline();
                }
            }
            op => error("op", u32::from(op)),
        }
    }
}

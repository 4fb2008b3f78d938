//! Ascon-AEAD128 (NIST SP 800-232) written for 8-bit processors: agilis's
//! implementation for images too small for RustCrypto `ascon-aead` (on the
//! ATmega328P that crate's code is about 9.5 KB of the 32 KB of flash; this
//! one about a quarter of it). It serves Ascon-AEAD128 when the crate is
//! built without the `ascon-rustcrypto` feature.
//!
//! The state is 40 bytes, lane `i` in bytes `8i..8i+8`, least significant
//! byte first (SP 800-232's byte order, so rate and key bytes are XORed in
//! place). The S-box is bitsliced over bytes: one loop over the 8 byte
//! columns of the five lanes. Each rotation of the linear layer is a byte
//! offset plus a shift done with 8×8-bit multiplications (see `ROT`), so no
//! 64-bit shift is ever needed. Encryption and decryption share one loop,
//! and every loop stays rolled: on an 8-bit core size is what is short.
//!
//! Checked against the RustCrypto crate in this module's tests (host) and
//! against the 1089 official KATs on the simulated ATmega328P
//! (bench-harness/tests/embedded_kats.rs).

use subtle::ConstantTimeEq;
use zeroize::Zeroize;

/// Key, nonce and tag length.
const LEN: usize = 16;
/// Rate in bytes.
const RATE: usize = 16;
/// SP 800-232 initial value of Ascon-AEAD128 (a = 12, b = 8, rate 128).
const IV: u64 = 0x0000_1000_808C_0001;

/// Rotations of the linear layer, lane by lane: Σ_i(x) = x ⊕ (x ⋙ r0) ⊕ (x ⋙ r1),
/// each r = 8·q + b (1 ≤ b ≤ 7) given as (q, 2^(8−b)). Output byte k of
/// x ⋙ r is (x[k+q] ≫ b) | (x[k+q+1] ≪ (8−b)): the high byte of
/// x[k+q]·2^(8−b) and the low byte of x[k+q+1]·2^(8−b). The AVR's 2-cycle
/// `mul` makes that a shift by any amount at one cost, with no branches.
#[cfg(not(target_arch = "avr"))]
const ROT: [[(u8, u8); 2]; 5] = [
    [(2, 1 << 5), (3, 1 << 4)], // 19 = 16+3, 28 = 24+4
    [(7, 1 << 3), (4, 1 << 1)], // 61 = 56+5, 39 = 32+7
    [(0, 1 << 7), (0, 1 << 2)], // 1, 6
    [(1, 1 << 6), (2, 1 << 7)], // 10 = 8+2, 17 = 16+1
    [(0, 1 << 1), (5, 1 << 7)], // 7, 41 = 40+1
];

type State = [u8; 40];

#[cfg(not(target_arch = "avr"))]
fn mul(a: u8, b: u8) -> u16 {
    u16::from(a) * u16::from(b)
}

/// The last `rounds` rounds of Ascon-p.
#[inline(never)]
fn permute(s: &mut State, rounds: u8) {
    for i in 12 - rounds..12 {
        // Round constant into the low byte of x2.
        s[16] ^= ((0xF - i) << 4) | i;
        // S-box, on the five bytes of each column.
        for k in 0..8 {
            let (x0, x1, x2, x3, x4) = (
                s[k] ^ s[32 + k],
                s[8 + k],
                s[16 + k] ^ s[8 + k],
                s[24 + k],
                s[32 + k] ^ s[24 + k],
            );
            let t0 = x0 ^ (!x1 & x2);
            let t1 = x1 ^ (!x2 & x3);
            let t2 = x2 ^ (!x3 & x4);
            let t3 = x3 ^ (!x4 & x0);
            let t4 = x4 ^ (!x0 & x1);
            s[k] = t0 ^ t4;
            s[8 + k] = t1 ^ t0;
            s[16 + k] = !t2;
            s[24 + k] = t3 ^ t2;
            s[32 + k] = t4;
        }
        linear(s);
    }
}

/// Linear layer: each lane XORed with its two rotations, read from a
/// doubled copy so that byte k+q needs no wrap-around.
#[cfg(not(target_arch = "avr"))]
fn linear(s: &mut State) {
    for (lane, rot) in s.chunks_exact_mut(8).zip(ROT) {
        let mut x = [0u8; 16];
        x[..8].copy_from_slice(lane);
        x[8..].copy_from_slice(lane);
        for (q, m) in rot {
            let src = &x[usize::from(q)..usize::from(q) + 9];
            let mut p = mul(src[0], m);
            for (out, &next) in lane.iter_mut().zip(&src[1..]) {
                let n = mul(next, m);
                *out ^= (p >> 8) as u8 ^ n as u8;
                p = n;
            }
        }
    }
}

/// Linear layer on the AVR, one lane at a time in registers: the rotated
/// copy is loaded at a byte offset, then turned by at most four one-bit
/// rotations through the carry (10 cycles each). LLVM's AVR backend splits
/// 64-bit shifts into 16-bit pieces at several times the cost, which is why
/// this one function is assembly. Checked by the KATs on the simulated chip.
#[cfg(target_arch = "avr")]
fn linear(s: &mut State) {
    // lane!(offset, (q0, b0), (q1, b1)): lane ^= rotr(lane, 8·q0 + b0) ^ rotr(lane, 8·q1 + b1).
    macro_rules! lane {
        ($lane:expr, ($q0:expr, $b0:expr), ($q1:expr, $b1:expr)) => {
            // SAFETY: Z points at 8 bytes inside `s`, which is exclusively
            // borrowed; the block reads and writes only those bytes and
            // touches only the registers it declares.
            #[allow(unsafe_code)]
            unsafe {
                core::arch::asm!(
                    // acc (r2..r9) = lane
                    "ld r2, Z", "ldd r3, Z+1", "ldd r4, Z+2", "ldd r5, Z+3",
                    "ldd r6, Z+4", "ldd r7, Z+5", "ldd r8, Z+6", "ldd r9, Z+7",
                    // t (r18..r25) = lane rotated right by q0 bytes, then b0 bits
                    "ldd r18, Z+{a0}", "ldd r19, Z+{a1}", "ldd r20, Z+{a2}", "ldd r21, Z+{a3}",
                    "ldd r22, Z+{a4}", "ldd r23, Z+{a5}", "ldd r24, Z+{a6}", "ldd r25, Z+{a7}",
                    ".rept {ar}",
                    "bst r18, 0", "lsr r25", "ror r24", "ror r23", "ror r22",
                    "ror r21", "ror r20", "ror r19", "ror r18", "bld r25, 7",
                    ".endr",
                    ".rept {al}",
                    "bst r25, 7", "lsl r18", "rol r19", "rol r20", "rol r21",
                    "rol r22", "rol r23", "rol r24", "rol r25", "bld r18, 0",
                    ".endr",
                    "eor r2, r18", "eor r3, r19", "eor r4, r20", "eor r5, r21",
                    "eor r6, r22", "eor r7, r23", "eor r8, r24", "eor r9, r25",
                    // the same for (q1, b1)
                    "ldd r18, Z+{b0}", "ldd r19, Z+{b1}", "ldd r20, Z+{b2}", "ldd r21, Z+{b3}",
                    "ldd r22, Z+{b4}", "ldd r23, Z+{b5}", "ldd r24, Z+{b6}", "ldd r25, Z+{b7}",
                    ".rept {br}",
                    "bst r18, 0", "lsr r25", "ror r24", "ror r23", "ror r22",
                    "ror r21", "ror r20", "ror r19", "ror r18", "bld r25, 7",
                    ".endr",
                    ".rept {bl}",
                    "bst r25, 7", "lsl r18", "rol r19", "rol r20", "rol r21",
                    "rol r22", "rol r23", "rol r24", "rol r25", "bld r18, 0",
                    ".endr",
                    "eor r2, r18", "eor r3, r19", "eor r4, r20", "eor r5, r21",
                    "eor r6, r22", "eor r7, r23", "eor r8, r24", "eor r9, r25",
                    "st Z, r2", "std Z+1, r3", "std Z+2, r4", "std Z+3, r5",
                    "std Z+4, r6", "std Z+5, r7", "std Z+6, r8", "std Z+7, r9",
                    a0 = const ($q0) % 8, a1 = const ($q0 + 1) % 8, a2 = const ($q0 + 2) % 8,
                    a3 = const ($q0 + 3) % 8, a4 = const ($q0 + 4) % 8, a5 = const ($q0 + 5) % 8,
                    a6 = const ($q0 + 6) % 8, a7 = const ($q0 + 7) % 8,
                    ar = const if $b0 > 0 { $b0 } else { 0 },
                    al = const if $b0 < 0 { -$b0 } else { 0 },
                    b0 = const ($q1) % 8, b1 = const ($q1 + 1) % 8, b2 = const ($q1 + 2) % 8,
                    b3 = const ($q1 + 3) % 8, b4 = const ($q1 + 4) % 8, b5 = const ($q1 + 5) % 8,
                    b6 = const ($q1 + 6) % 8, b7 = const ($q1 + 7) % 8,
                    br = const if $b1 > 0 { $b1 } else { 0 },
                    bl = const if $b1 < 0 { -$b1 } else { 0 },
                    in("Z") s.as_mut_ptr().wrapping_add($lane),
                    out("r2") _, out("r3") _, out("r4") _, out("r5") _,
                    out("r6") _, out("r7") _, out("r8") _, out("r9") _,
                    out("r18") _, out("r19") _, out("r20") _, out("r21") _,
                    out("r22") _, out("r23") _, out("r24") _, out("r25") _,
                    options(nostack),
                );
            }
        };
    }
    // r = 8·q + b with |b| ≤ 4; b < 0 rotates left.
    lane!(0, (2, 3), (3, 4)); // 19, 28
    lane!(8, (0, -3), (5, -1)); // 61, 39
    lane!(16, (0, 1), (1, -2)); // 1, 6
    lane!(24, (1, 2), (2, 1)); // 10, 17
    lane!(32, (1, -1), (5, 1)); // 7, 41
}

/// One message block: plaintext in, ciphertext out (or the reverse), and the
/// ciphertext into the state.
#[inline(never)]
fn duplex(s: &mut State, block: &mut [u8], decrypt: bool) {
    for (x, b) in s.iter_mut().zip(block.iter_mut()) {
        let out = *x ^ *b;
        *x = if decrypt { *b } else { out };
        *b = out;
    }
}

fn xor_into(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d ^= s;
    }
}

/// Runs Ascon-AEAD128 over `buf` in place (encrypting, or decrypting) and
/// returns the tag it computes.
#[inline(never)]
fn crypt(
    key: &[u8; LEN],
    nonce: &[u8; LEN],
    ad: &[u8],
    buf: &mut [u8],
    decrypt: bool,
) -> [u8; LEN] {
    let mut s: State = [0; 40];
    s[..8].copy_from_slice(&IV.to_le_bytes());
    s[8..24].copy_from_slice(key);
    s[24..].copy_from_slice(nonce);
    permute(&mut s, 12);
    xor_into(&mut s[24..], key);

    // Associated data: full blocks, then the padded last (only if there is any).
    if !ad.is_empty() {
        let mut blocks = ad.chunks_exact(RATE);
        for block in &mut blocks {
            xor_into(&mut s, block);
            permute(&mut s, 8);
        }
        let last = blocks.remainder();
        xor_into(&mut s, last);
        s[last.len()] ^= 0x01;
        permute(&mut s, 8);
    }
    s[39] ^= 0x80;

    // Message: full blocks, then the padded last (possibly empty) one. The
    // state's rate becomes the ciphertext.
    let mut blocks = buf.chunks_exact_mut(RATE);
    for block in &mut blocks {
        duplex(&mut s, block, decrypt);
        permute(&mut s, 8);
    }
    let last = blocks.into_remainder();
    duplex(&mut s, last, decrypt);
    s[last.len()] ^= 0x01;

    // Finalization.
    xor_into(&mut s[16..32], key);
    permute(&mut s, 12);
    let mut tag = [0u8; LEN];
    tag.copy_from_slice(&s[24..]);
    xor_into(&mut tag, key);
    s.zeroize();
    tag
}

/// Encrypts `buf` in place and returns the tag.
pub(super) fn seal(key: &[u8; LEN], nonce: &[u8; LEN], ad: &[u8], buf: &mut [u8]) -> [u8; LEN] {
    crypt(key, nonce, ad, buf, false)
}

/// Decrypts `buf` in place; `true` if `tag` verifies (compared in constant
/// time). On `false` the caller wipes `buf`.
pub(super) fn open(
    key: &[u8; LEN],
    nonce: &[u8; LEN],
    ad: &[u8],
    buf: &mut [u8],
    tag: &[u8; LEN],
) -> bool {
    let mut computed = crypt(key, nonce, ad, buf, true);
    let ok = computed.ct_eq(tag).into();
    computed.zeroize();
    ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use ascon_aead::AsconAead128;
    use ascon_aead::aead::{AeadInOut, KeyInit};

    /// Every (AD, message) length up to three blocks and a bit, against RustCrypto.
    #[test]
    fn matches_rustcrypto_for_every_length() {
        let key: [u8; 16] = core::array::from_fn(|i| i as u8 * 7 + 1);
        let nonce: [u8; 16] = core::array::from_fn(|i| 0xF0 ^ i as u8);
        let reference = AsconAead128::new(&key.into());
        for ad_len in 0..52 {
            for msg_len in 0..52 {
                let ad: [u8; 52] = core::array::from_fn(|i| (i * 13 + ad_len) as u8);
                let ad = &ad[..ad_len];
                let msg: [u8; 52] = core::array::from_fn(|i| (i * 29 + msg_len) as u8);
                let mut ours = msg;
                let tag = seal(&key, &nonce, ad, &mut ours[..msg_len]);
                let mut theirs = msg;
                let their_tag = reference
                    .encrypt_inout_detached(&nonce.into(), ad, (&mut theirs[..msg_len]).into())
                    .unwrap();
                assert_eq!(
                    ours[..msg_len],
                    theirs[..msg_len],
                    "ciphertext ({ad_len},{msg_len})"
                );
                assert_eq!(tag[..], their_tag[..], "tag ({ad_len},{msg_len})");
                assert!(open(&key, &nonce, ad, &mut ours[..msg_len], &tag));
                assert_eq!(
                    ours[..msg_len],
                    msg[..msg_len],
                    "round trip ({ad_len},{msg_len})"
                );
                let mut bad = tag;
                bad[15] ^= 0x80;
                let mut ct = theirs;
                assert!(!open(&key, &nonce, ad, &mut ct[..msg_len], &bad));
            }
        }
    }
}

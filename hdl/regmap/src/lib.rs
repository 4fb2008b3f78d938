//! # agilis-regmap — the card's host-visible contract
//!
//! The register map, the ring descriptor and the enumerations of the agilis
//! AEAD card, as Rust constants. They are **generated** from
//! `hdl/regmap.toml`, the one source of truth, together with the Verilog
//! header `hdl/rtl/agilis_regmap.vh` and `docs/register-map.md`; the test
//! `tests/generated.rs` fails when any of the three has drifted from the TOML
//! and regenerates them with
//!
//! ```text
//! AGILIS_BLESS=1 cargo test -p agilis-regmap --test generated
//! ```
//!
//! On top of the constants, this crate holds the (hand-written, documented in
//! `docs/dma.md`) DMA buffer layout and descriptor encoding, which both the
//! simulated and the real card's driver use.
//!
//! Naming: [`reg`] holds the global register offsets (`reg::CONTROL`) and,
//! per register with fields, a module of field masks (`reg::control::RING_EN`).
//! [`lane`] does the same for the per-lane window; [`desc`] is the
//! descriptor; [`key_alg`] and [`key_cmd`] are enumerations.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[allow(missing_docs)]
mod generated;
pub use generated::*;

/// A multi-bit field of a register: bits `lsb .. lsb + width`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// Lowest bit.
    pub lsb: u32,
    /// Number of bits.
    pub width: u32,
}

impl Field {
    /// The field's bits in place.
    pub const fn mask(self) -> u32 {
        (if self.width >= 32 { u32::MAX } else { (1u32 << self.width) - 1 }) << self.lsb
    }
    /// The field's value in a register value.
    pub const fn get(self, reg: u32) -> u32 {
        (reg & self.mask()) >> self.lsb
    }
    /// `value` placed in the field (bits outside the field are dropped).
    pub const fn put(self, value: u32) -> u32 {
        (value << self.lsb) & self.mask()
    }
}

/// Bytes `offset .. offset + size` of a descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub offset: usize,
    /// Number of bytes.
    pub size: usize,
}

/// How the host may access a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Read-only: writes are ignored and flag `ERROR.REG_ACCESS`.
    Ro,
    /// Read/write.
    Rw,
    /// Write 1 to clear.
    W1c,
    /// Write-only: reads return 0.
    Wo,
}

/// One field of a register, for listings (`agilis card probe`, docs).
#[derive(Clone, Copy, Debug)]
pub struct FieldInfo {
    /// Field name as in the TOML.
    pub name: &'static str,
    /// Lowest bit.
    pub lsb: u32,
    /// Number of bits.
    pub width: u32,
    /// One-line description.
    pub desc: &'static str,
}

/// One register (or array of registers), for listings.
#[derive(Clone, Copy, Debug)]
pub struct RegInfo {
    /// Register name as in the TOML.
    pub name: &'static str,
    /// Offset (in the BAR, or in a lane's window).
    pub offset: u32,
    /// Number of consecutive registers (1 unless an array).
    pub count: u32,
    /// Distance between the elements of an array.
    pub stride: u32,
    /// Access.
    pub access: Access,
    /// Value after reset, where the map defines one.
    pub reset: Option<u32>,
    /// Description.
    pub desc: &'static str,
    /// Fields.
    pub fields: &'static [FieldInfo],
}

/// Bytes per DMA beat; every buffer and section is aligned to it.
pub const BEAT: usize = 16;
/// Length of an AEAD tag (both algorithms).
pub const TAG_LEN: usize = 16;

/// `n` rounded up to whole beats.
pub const fn pad16(n: usize) -> usize {
    n.div_ceil(BEAT) * BEAT
}

/// The DMA buffer layout of one job (see `docs/dma.md`):
///
/// - **source**: the AD, zero-padded to 16 bytes; then the message,
///   zero-padded to 16 bytes; then, when decrypting, the expected 16-byte tag.
/// - **destination**: the output message, zero-padded to 16 bytes (the card
///   writes the padding as zeros); then, when encrypting, the 16-byte tag.
///
/// Both buffers are 16-byte aligned; neither section of the source needs
/// to be followed by anything when it is empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Associated-data length in bytes.
    pub ad_len: usize,
    /// Message length in bytes (plaintext or ciphertext, without tag).
    pub msg_len: usize,
    /// Direction.
    pub decrypt: bool,
}

impl Layout {
    /// Offset of the message in the source buffer.
    pub const fn src_msg_offset(&self) -> usize {
        pad16(self.ad_len)
    }
    /// Offset of the expected tag in the source buffer (decrypt).
    pub const fn src_tag_offset(&self) -> usize {
        pad16(self.ad_len) + pad16(self.msg_len)
    }
    /// Bytes the card reads from the source buffer.
    pub const fn src_len(&self) -> usize {
        self.src_tag_offset() + if self.decrypt { TAG_LEN } else { 0 }
    }
    /// Offset of the tag in the destination buffer (encrypt).
    pub const fn dst_tag_offset(&self) -> usize {
        pad16(self.msg_len)
    }
    /// Bytes the card writes to the destination buffer.
    pub const fn dst_len(&self) -> usize {
        pad16(self.msg_len) + if self.decrypt { 0 } else { TAG_LEN }
    }
    /// Fills `src` (at least [`src_len`](Self::src_len) bytes) with the
    /// source layout: AD, padding, message, padding, and the tag when
    /// decrypting.
    pub fn write_source(&self, src: &mut [u8], ad: &[u8], msg: &[u8], tag: Option<&[u8; TAG_LEN]>) {
        assert!(ad.len() == self.ad_len && msg.len() == self.msg_len && src.len() >= self.src_len());
        src[..self.src_len()].fill(0);
        src[..ad.len()].copy_from_slice(ad);
        let m = self.src_msg_offset();
        src[m..m + msg.len()].copy_from_slice(msg);
        if let Some(tag) = tag {
            let t = self.src_tag_offset();
            src[t..t + TAG_LEN].copy_from_slice(tag);
        }
    }
}

/// One ring descriptor, as the host fills it in (see `docs/dma.md`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Descriptor {
    /// Decrypt (true) or encrypt.
    pub decrypt: bool,
    /// Key slot; its algorithm picks the kind of lane.
    pub key_slot: u8,
    /// Associated-data length in bytes.
    pub ad_len: u32,
    /// Message length in bytes.
    pub msg_len: u32,
    /// Source buffer address.
    pub src: u64,
    /// Destination buffer address.
    pub dst: u64,
    /// Nonce (GCM uses bytes 0..12).
    pub nonce: [u8; 16],
    /// Opaque to the card.
    pub cookie: u64,
}

fn put(buf: &mut [u8], span: Span, value: &[u8]) {
    buf[span.offset..span.offset + span.size].copy_from_slice(&value[..span.size]);
}

impl Descriptor {
    /// The descriptor's bytes, with a zero status word.
    pub fn to_bytes(&self) -> [u8; desc::BYTES] {
        let mut b = [0u8; desc::BYTES];
        put(&mut b, desc::FLAGS, &[u8::from(self.decrypt)]);
        put(&mut b, desc::KEY_SLOT, &[self.key_slot]);
        put(&mut b, desc::AD_LEN, &self.ad_len.to_le_bytes());
        put(&mut b, desc::MSG_LEN, &self.msg_len.to_le_bytes());
        put(&mut b, desc::SRC, &self.src.to_le_bytes());
        put(&mut b, desc::DST, &self.dst.to_le_bytes());
        put(&mut b, desc::NONCE, &self.nonce);
        put(&mut b, desc::COOKIE, &self.cookie.to_le_bytes());
        b
    }
    /// The status word of a descriptor's bytes.
    pub fn status_of(bytes: &[u8]) -> DescStatus {
        let s = desc::STATUS.offset;
        DescStatus(u32::from_le_bytes(bytes[s..s + 4].try_into().unwrap()))
    }
}

/// The status word the card writes back into a descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DescStatus(pub u32);

impl DescStatus {
    /// The card completed the descriptor.
    pub fn done(self) -> bool {
        self.0 & desc::status::DONE != 0
    }
    /// Decrypt: the tag verified and nothing failed. Only then may the
    /// destination be released.
    pub fn tag_ok(self) -> bool {
        self.0 & desc::status::TAG_OK != 0
    }
    /// Decrypt: the tag did not verify.
    pub fn tag_fail(self) -> bool {
        self.0 & desc::status::TAG_FAIL != 0
    }
    /// The job failed.
    pub fn error(self) -> bool {
        self.0 & desc::status::ERROR != 0
    }
    /// The job's error bits, numbered as `reg::ERROR` bits 0..7.
    pub fn job_error(self) -> u32 {
        desc::status::JOB_ERROR.get(self.0)
    }
    /// The lane that ran the job.
    pub fn lane(self) -> u32 {
        desc::status::LANE.get(self.0)
    }
}

/// Names of the set bits of an `ERROR` value (for messages).
pub fn error_names(bits: u32) -> impl Iterator<Item = &'static str> {
    let fields = REGISTERS.iter().find(|r| r.name == "ERROR").map(|r| r.fields).unwrap_or(&[]);
    fields.iter().filter(move |f| bits & (1 << f.lsb) != 0).map(|f| f.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_sizes() {
        let l = Layout { ad_len: 5, msg_len: 17, decrypt: true };
        assert_eq!((l.src_msg_offset(), l.src_tag_offset(), l.src_len(), l.dst_len()), (16, 48, 64, 32));
        let l = Layout { ad_len: 0, msg_len: 0, decrypt: false };
        assert_eq!((l.src_len(), l.dst_len(), l.dst_tag_offset()), (0, 16, 0));
    }

    #[test]
    fn descriptor_bytes() {
        let d = Descriptor { decrypt: true, key_slot: 3, ad_len: 7, msg_len: 9, src: 0x1000, dst: 0x2000, nonce: [0xAA; 16], cookie: 42 };
        let b = d.to_bytes();
        assert_eq!(b[desc::FLAGS.offset], 1);
        assert_eq!(b[desc::KEY_SLOT.offset], 3);
        assert_eq!(Descriptor::status_of(&b), DescStatus(0));
        assert_eq!(u64::from_le_bytes(b[desc::COOKIE.offset..][..8].try_into().unwrap()), 42);
    }

    #[test]
    fn fields() {
        assert_eq!(reg::capability::LANES.mask(), 0xFF);
        assert_eq!(reg::version::MAJOR.get(VERSION), 1);
        assert_eq!(error_names(reg::error::BUSY | reg::error::KEY_SLOT).collect::<alloc_free::Names>().0, 2);
    }

    mod alloc_free {
        pub struct Names(pub usize);
        impl<'a> FromIterator<&'a str> for Names {
            fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Self {
                Names(iter.into_iter().count())
            }
        }
    }
}

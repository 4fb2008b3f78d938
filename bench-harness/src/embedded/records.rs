//! The record stream the firmware images execute (the same encoding on AVR,
//! where it is patched into flash, and on the Cortex-M4, where it is read
//! through semihosting). Little-endian; see the firmware sources for the
//! other side.

use super::kat::{Kat, TAG_LEN};

/// Selects the AEAD for the following records: u16 code point, u8 backend (0 default, 1 portable).
pub const OP_SUITE: u8 = 0x05;
/// u8 length, key bytes: prepares an `AeadKey`.
pub const OP_KEY: u8 = 0x01;
/// u8 length, nonce bytes.
pub const OP_NONCE: u8 = 0x02;
/// u16 ad_len, u16 pt_len, ad, pt, ciphertext (pt_len), tag (16): seal, open, open with a flipped tag bit.
pub const OP_KAT: u8 = 0x03;
/// u16 ad_len, u16 pt_len: timed seal and open of the byte pattern 0, 1, 2, ...
pub const OP_BENCH: u8 = 0x04;
/// Cortex-M4 only: u16 code point, 64-byte key-generation seed, 32-byte encapsulation randomness.
pub const OP_KEM: u8 = 0x10;
/// Cortex-M4 only: u16 code point, 32-byte seed, u16 message length: sign and verify.
pub const OP_SIG: u8 = 0x11;
/// End of the stream (erased flash on AVR).
pub const OP_END: u8 = 0xFF;

/// AEAD code points (agilis-suites registry).
pub const ASCON_AEAD128: u16 = 0x0301;
pub const AES_256_GCM: u16 = 0x0302;
pub const CHACHA20_POLY1305: u16 = 0x0303;

/// `Backend::Default` / `Backend::Portable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Default = 0,
    Portable = 1,
}

/// A record stream under construction.
#[derive(Default, Clone)]
pub struct Stream {
    pub bytes: Vec<u8>,
    key: Option<Vec<u8>>,
    nonce: Option<Vec<u8>>,
}

fn u16_le(n: usize) -> [u8; 2] {
    u16::try_from(n)
        .expect("record field fits 16 bits")
        .to_le_bytes()
}

impl Stream {
    pub fn suite(&mut self, codepoint: u16, backend: Backend) {
        self.bytes.push(OP_SUITE);
        self.bytes.extend(codepoint.to_le_bytes());
        self.bytes.push(backend as u8);
        self.key = None;
    }

    /// Sets key and nonce, writing only what changed.
    pub fn key_nonce(&mut self, key: &[u8], nonce: &[u8]) {
        if self.key.as_deref() != Some(key) {
            self.bytes.push(OP_KEY);
            self.bytes.push(key.len() as u8);
            self.bytes.extend(key);
            self.key = Some(key.to_vec());
        }
        if self.nonce.as_deref() != Some(nonce) {
            self.bytes.push(OP_NONCE);
            self.bytes.push(nonce.len() as u8);
            self.bytes.extend(nonce);
            self.nonce = Some(nonce.to_vec());
        }
    }

    /// Bytes `kat` adds (with a key/nonce change in the worst case).
    pub fn kat_size(kat: &Kat) -> usize {
        2 + kat.key.len() + 2 + kat.nonce.len() + 5 + kat.ad.len() + 2 * kat.pt.len() + TAG_LEN
    }

    pub fn kat(&mut self, kat: &Kat) {
        self.key_nonce(&kat.key, &kat.nonce);
        self.bytes.push(OP_KAT);
        self.bytes.extend(u16_le(kat.ad.len()));
        self.bytes.extend(u16_le(kat.pt.len()));
        self.bytes.extend(&kat.ad);
        self.bytes.extend(&kat.pt);
        self.bytes.extend(&kat.ct);
    }

    pub fn bench(&mut self, ad_len: usize, pt_len: usize) {
        self.bytes.push(OP_BENCH);
        self.bytes.extend(u16_le(ad_len));
        self.bytes.extend(u16_le(pt_len));
    }

    pub fn kem(&mut self, codepoint: u16, keygen_seed: &[u8; 64], encaps_rand: &[u8; 32]) {
        self.bytes.push(OP_KEM);
        self.bytes.extend(codepoint.to_le_bytes());
        self.bytes.extend(keygen_seed);
        self.bytes.extend(encaps_rand);
    }

    pub fn sig(&mut self, codepoint: u16, seed: &[u8; 32], msg_len: usize) {
        self.bytes.push(OP_SIG);
        self.bytes.extend(codepoint.to_le_bytes());
        self.bytes.extend(seed);
        self.bytes.extend(u16_le(msg_len));
    }

    pub fn finish(mut self) -> Vec<u8> {
        self.bytes.push(OP_END);
        self.bytes
    }
}

/// A record stream and the KATs in it.
pub type Chunk<'a> = (Vec<u8>, &'a [Kat]);

/// Splits the KATs into streams of at most `capacity` bytes each, every
/// stream starting with the suite selection.
pub fn kat_chunks(
    kats: &[Kat],
    codepoint: u16,
    backend: Backend,
    capacity: usize,
) -> Result<Vec<Chunk<'_>>, String> {
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < kats.len() {
        let mut s = Stream::default();
        s.suite(codepoint, backend);
        let mut end = start;
        while end < kats.len() && s.bytes.len() + Stream::kat_size(&kats[end]) < capacity {
            s.kat(&kats[end]);
            end += 1;
        }
        if end == start {
            return Err(format!(
                "KAT {} alone does not fit {capacity} bytes of records",
                kats[start].count
            ));
        }
        chunks.push((s.finish(), &kats[start..end]));
        start = end;
    }
    Ok(chunks)
}

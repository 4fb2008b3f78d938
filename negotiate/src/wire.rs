//! Bounded big-endian reader and writer shared by every encoding of the
//! crate. Every length is checked against its hard bound *before* anything
//! is allocated or sliced, so hostile lengths cost nothing.

use crate::error::{DecodeProblem, Error, Result};

pub(crate) fn err(what: &'static str, problem: DecodeProblem) -> Error {
    Error::Decode { what, problem }
}

/// A cursor over untrusted bytes.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn bytes(&mut self, n: usize, what: &'static str) -> Result<&'a [u8]> {
        if self.remaining() < n {
            return Err(err(what, DecodeProblem::Truncated));
        }
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    pub fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N]> {
        let b = self.bytes(N, what)?;
        let mut out = [0u8; N];
        out.copy_from_slice(b);
        Ok(out)
    }

    pub fn u8(&mut self, what: &'static str) -> Result<u8> {
        Ok(self.array::<1>(what)?[0])
    }

    pub fn u16(&mut self, what: &'static str) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array(what)?))
    }

    pub fn u32(&mut self, what: &'static str) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array(what)?))
    }

    pub fn u64(&mut self, what: &'static str) -> Result<u64> {
        Ok(u64::from_be_bytes(self.array(what)?))
    }

    fn bounded(&mut self, len: usize, max: usize, what: &'static str) -> Result<&'a [u8]> {
        if len > max {
            return Err(err(what, DecodeProblem::TooLong { max, found: len }));
        }
        self.bytes(len, what)
    }

    /// `u8 len ‖ bytes`, len ≤ max.
    pub fn lp8(&mut self, max: usize, what: &'static str) -> Result<&'a [u8]> {
        let len = self.u8(what)? as usize;
        self.bounded(len, max, what)
    }

    /// `u16 len ‖ bytes`, len ≤ max.
    pub fn lp16(&mut self, max: usize, what: &'static str) -> Result<&'a [u8]> {
        let len = self.u16(what)? as usize;
        self.bounded(len, max, what)
    }

    /// `u8 count ‖ count × u16`, count ≤ max, no duplicates.
    pub fn codepoints(&mut self, max: usize, what: &'static str) -> Result<Vec<u16>> {
        let n = self.u8(what)? as usize;
        if n > max {
            return Err(err(what, DecodeProblem::TooLong { max, found: n }));
        }
        let raw = self.bytes(2 * n, what)?;
        let list: Vec<u16> = raw
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        for (i, c) in list.iter().enumerate() {
            if list[..i].contains(c) {
                return Err(err(what, DecodeProblem::Invalid));
            }
        }
        Ok(list)
    }

    /// Fails unless every byte was consumed.
    pub fn finish(&self, what: &'static str) -> Result<()> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(err(what, DecodeProblem::TrailingBytes))
        }
    }
}

/// An output buffer. Lengths are asserted by the encoders' own invariants
/// (every value they write was built or checked against the same bounds).
#[derive(Default)]
pub(crate) struct Writer(pub Vec<u8>);

impl Writer {
    pub fn new() -> Self {
        Writer(Vec::new())
    }
    pub fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }
    pub fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }
    pub fn bytes(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }
    pub fn lp8(&mut self, b: &[u8]) {
        debug_assert!(b.len() <= u8::MAX as usize);
        self.u8(b.len() as u8);
        self.bytes(b);
    }
    pub fn lp16(&mut self, b: &[u8]) {
        debug_assert!(b.len() <= u16::MAX as usize);
        self.u16(b.len() as u16);
        self.bytes(b);
    }
    pub fn codepoints(&mut self, list: &[u16]) {
        debug_assert!(list.len() <= u8::MAX as usize);
        self.u8(list.len() as u8);
        for c in list {
            self.u16(*c);
        }
    }
}

/// Current time, unix milliseconds (for the transports and the CLI; the
/// sans-IO cores take the time as an argument).
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

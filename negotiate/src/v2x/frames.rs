//! The handover's wire encodings (docs/handover-protocol.md §3). Every
//! message travels in the protocol's frame (`crate::messages`); decoders
//! are strict and bounded, and never panic.

use agilis_suites::aead::TAG_LEN;

use super::credential::{EdgeWarrant, WarrantId};
use super::{MAX_APP_LEN, MAX_CREDENTIAL_LEN, MAX_REQUEST_BODY, MAX_WARRANT_LEN, valid_name};
use crate::error::{DecodeProblem, Error, Result};
use crate::messages::{HEADER_LEN, MAX_HASH, frame, kem_sizes, msg_type, split_frame};
use crate::wire::{Reader, Writer, err};

/// Length of the request's cleartext header.
pub const REQUEST_HEADER_LEN: usize = 2 + 2 + 2 + 32;

/// The request's cleartext header: the suite and the target warrant. The
/// same for every vehicle addressing one edge under one suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestHeader {
    /// the edge's static KEM (and the vehicle's ephemeral KEM)
    pub kem: u16,
    /// the KDF
    pub kdf: u16,
    /// the AEAD
    pub aead: u16,
    /// the target edge's warrant id
    pub warrant_id: WarrantId,
}

impl RequestHeader {
    pub(crate) fn write(&self, w: &mut Writer) {
        w.u16(self.kem);
        w.u16(self.kdf);
        w.u16(self.aead);
        w.bytes(&self.warrant_id);
    }

    fn read(r: &mut Reader<'_>) -> Result<RequestHeader> {
        Ok(RequestHeader {
            kem: r.u16("request KEM")?,
            kdf: r.u16("request KDF")?,
            aead: r.u16("request AEAD")?,
            warrant_id: r.array("request warrant id")?,
        })
    }
}

/// A request's cleartext parts.
pub(crate) struct RequestOuter<'a> {
    pub header: RequestHeader,
    /// the KEM ciphertext to the edge's static key
    pub ciphertext: &'a [u8],
    /// AEAD ciphertext ‖ tag
    pub sealed: &'a [u8],
    /// the header fields and ciphertext as the signature and request key cover them
    pub covered: &'a [u8],
    /// length of the frame prefix the AEAD authenticates (frame header through the sealed length)
    pub ad_len: usize,
}

/// `header ‖ lp16 ciphertext ‖ u32 sealed_len ‖ sealed`.
pub(crate) fn parse_request(frame_bytes: &[u8]) -> Result<RequestOuter<'_>> {
    let (t, body) = split_frame(frame_bytes)?;
    expect(t, msg_type::V2X_REQUEST, "a handover request")?;
    let mut r = Reader::new(body);
    let header = RequestHeader::read(&mut r)?;
    let (_, ct_len) = kem_sizes(header.kem, "request KEM")?;
    let ciphertext = r.lp16(ct_len, "request ciphertext")?;
    if ciphertext.len() != ct_len {
        return Err(err("request ciphertext", DecodeProblem::Invalid));
    }
    let covered = &body[..r.position()];
    let sealed_len = r.u32("request sealed length")? as usize;
    if !(TAG_LEN..=MAX_REQUEST_BODY).contains(&sealed_len) {
        return Err(err(
            "request sealed part",
            DecodeProblem::TooLong {
                max: MAX_REQUEST_BODY,
                found: sealed_len,
            },
        ));
    }
    let ad_len = HEADER_LEN + r.position();
    let sealed = r.bytes(sealed_len, "request sealed part")?;
    r.finish("request")?;
    Ok(RequestOuter {
        header,
        ciphertext,
        sealed,
        covered,
        ad_len,
    })
}

/// What the pseudonym signs (hashed first): the header, the KEM ciphertext,
/// the credential, the ephemeral key, the application and the sequence number.
pub(crate) fn signed_part(
    covered: &[u8],
    credential: &[u8],
    ephemeral: &[u8],
    application: &str,
    seq: u64,
) -> Vec<u8> {
    let mut w = Writer(covered.to_vec());
    w.lp16(credential);
    w.lp16(ephemeral);
    w.lp8(application.as_bytes());
    w.u64(seq);
    w.0
}

/// The sealed part of a request, decoded.
pub(crate) struct RequestInner {
    pub credential: Vec<u8>,
    pub ephemeral: Vec<u8>,
    pub application: String,
    pub seq: u64,
    pub timestamp: u64,
    pub signature: Vec<u8>,
    /// zero bytes after the signature
    pub padding: usize,
}

/// The sealed plaintext before the timestamp: `lp16 credential ‖ lp16 ephemeral ‖ lp8 app ‖ u64 seq`.
pub(crate) fn inner_head(
    credential: &[u8],
    ephemeral: &[u8],
    application: &str,
    seq: u64,
) -> Vec<u8> {
    let mut w = Writer::new();
    w.lp16(credential);
    w.lp16(ephemeral);
    w.lp8(application.as_bytes());
    w.u64(seq);
    w.0
}

/// The sealed plaintext after the timestamp: `lp16 signature ‖ padding zeros`.
pub(crate) fn inner_tail(signature: &[u8], padding: usize) -> Vec<u8> {
    let mut w = Writer::new();
    w.lp16(signature);
    w.0.resize(w.0.len() + padding, 0);
    w.0
}

impl RequestInner {
    /// Strict decoding; the ephemeral key must have `kem`'s exact size and the padding be zeros.
    pub(crate) fn decode(pt: &[u8], kem: u16) -> Result<RequestInner> {
        let mut r = Reader::new(pt);
        let credential = r.lp16(MAX_CREDENTIAL_LEN, "request credential")?.to_vec();
        let (pk_len, _) = kem_sizes(kem, "request KEM")?;
        let ephemeral = r.lp16(pk_len, "request ephemeral key")?;
        if ephemeral.len() != pk_len {
            return Err(err("request ephemeral key", DecodeProblem::Invalid));
        }
        let app = r.lp8(MAX_APP_LEN, "request application")?;
        if !valid_name(app, MAX_APP_LEN) {
            return Err(err("request application", DecodeProblem::Invalid));
        }
        let seq = r.u64("request sequence number")?;
        let timestamp = r.u64("request timestamp")?;
        let signature = r.lp16(u16::MAX as usize, "request signature")?.to_vec();
        let padding = r.remaining();
        if r.bytes(padding, "request padding")?.iter().any(|b| *b != 0) {
            return Err(err("request padding", DecodeProblem::Invalid));
        }
        Ok(RequestInner {
            credential,
            ephemeral: ephemeral.to_vec(),
            application: String::from_utf8_lossy(app).into_owned(),
            seq,
            timestamp,
            signature,
            padding,
        })
    }
}

/// A response, with the body offsets its transcript hashes stop at.
pub(crate) struct Response<'a> {
    pub ciphertext: &'a [u8],
    pub warrant: &'a [u8],
    pub signature: &'a [u8],
    pub mac: &'a [u8],
    pub ct_end: usize,
    pub warrant_end: usize,
    pub sig_end: usize,
}

/// `lp16 ciphertext ‖ lp16 warrant ‖ lp16 signature ‖ lp8 mac`; `ct_len` is
/// the ephemeral KEM's ciphertext size, `sig_max` the edge algorithm's bound.
pub(crate) fn parse_response(body: &[u8], ct_len: usize, sig_max: usize) -> Result<Response<'_>> {
    let mut r = Reader::new(body);
    let ciphertext = r.lp16(ct_len, "response ciphertext")?;
    if ciphertext.len() != ct_len {
        return Err(err("response ciphertext", DecodeProblem::Invalid));
    }
    let ct_end = r.position();
    let warrant = r.lp16(MAX_WARRANT_LEN, "response warrant")?;
    let warrant_end = r.position();
    let signature = r.lp16(sig_max, "response signature")?;
    let sig_end = r.position();
    let mac = r.lp8(MAX_HASH, "response MAC")?;
    r.finish("response")?;
    Ok(Response {
        ciphertext,
        warrant,
        signature,
        mac,
        ct_end,
        warrant_end,
        sig_end,
    })
}

/// Ack body: `lp8 mac`.
pub(crate) fn parse_ack(frame_bytes: &[u8]) -> Result<&[u8]> {
    let (t, body) = split_frame(frame_bytes)?;
    expect(t, msg_type::V2X_ACK, "a handover acknowledgement")?;
    let mut r = Reader::new(body);
    let mac = r.lp8(MAX_HASH, "ack MAC")?;
    r.finish("ack")?;
    Ok(mac)
}

/// Fails unless `t` is `want`.
pub(crate) fn expect(t: u8, want: u8, expected: &'static str) -> Result<()> {
    if t == want {
        Ok(())
    } else {
        Err(Error::UnexpectedMessage { found: t, expected })
    }
}

/// The warrant request frame (empty body): "send your warrant".
pub fn warrant_request_frame() -> Vec<u8> {
    frame(msg_type::V2X_WARRANT_REQUEST, &[])
}

/// Fails unless `frame_bytes` is a well-formed warrant request.
pub fn is_warrant_request(frame_bytes: &[u8]) -> Result<()> {
    let (t, _) = split_frame(frame_bytes)?;
    expect(t, msg_type::V2X_WARRANT_REQUEST, "a warrant request")
}

/// A warrant frame carrying `warrant`.
pub fn warrant_frame(warrant: &EdgeWarrant) -> Vec<u8> {
    frame(msg_type::V2X_WARRANT, &warrant.encode())
}

/// Decodes a warrant frame (the warrant is verified by [`super::Vehicle::prepare`]).
pub fn decode_warrant_frame(frame_bytes: &[u8]) -> Result<EdgeWarrant> {
    let (t, body) = split_frame(frame_bytes)?;
    expect(t, msg_type::V2X_WARRANT, "a warrant")?;
    EdgeWarrant::decode(body)
}

//! The anchor protocol's wire messages (docs/anchor-protocol.md §3–4).
//!
//! Every message travels in a frame:
//!
//! ```text
//! frame = u8 version (1) ‖ u8 type ‖ u32 body_length ‖ body      body_length ≤ the bound of the type
//! ```
//!
//! Decoders are strict: each field bounded (key shares and ciphertexts to the
//! exact registry size of their KEM), no duplicates in code-point lists, no
//! trailing bytes. They never panic and allocate only after a bound check.

use agilis_suites::Kind;
use agilis_suites::registry::{self, Sizes};

use crate::cert::{MAX_CERT_LEN, sig_sizes};
use crate::error::{DecodeProblem, Error, Result};
use crate::wire::{Reader, Writer, err};

/// Protocol version carried by every frame.
pub const PROTOCOL_VERSION: u8 = 1;
/// Frame header length.
pub const HEADER_LEN: usize = 6;
/// Most code points per kind in an offer.
pub const MAX_LIST: usize = 16;
/// Most key shares in an offer.
pub const MAX_SHARES: usize = 4;
/// Largest offer body.
pub const MAX_OFFER: usize = 64 * 1024;
/// Largest selection body.
pub const MAX_SELECTION: usize = 192 * 1024;
/// Largest finish body.
pub const MAX_FINISH: usize = 128 * 1024;
/// Largest record plaintext the protocol allows (sessions may set less).
pub const MAX_RECORD_PLAINTEXT: usize = 16 * 1024;
/// Largest record body: a switch's u16 code point, the plaintext and the tag.
pub const MAX_RECORD_BODY: usize = 2 + MAX_RECORD_PLAINTEXT + agilis_suites::aead::TAG_LEN;
/// Longest transcript hash.
pub const MAX_HASH: usize = 64;

/// Message types.
pub mod msg_type {
    /// initiator → responder: capabilities, key shares, nonce, time
    pub const OFFER: u8 = 0x01;
    /// responder → initiator: "send a key share for this KEM"
    pub const RETRY: u8 = 0x02;
    /// responder → initiator: choice, ciphertext, certificate, signature, MAC
    pub const SELECTION: u8 = 0x03;
    /// initiator → responder: certificate, signature, MAC
    pub const FINISH: u8 = 0x04;
    /// either way, unauthenticated: the handshake aborted, with a code
    pub const ALERT: u8 = 0x0f;
    /// record: application data
    pub const DATA: u8 = 0x10;
    /// record: the sender's next records use the next key
    pub const KEY_UPDATE: u8 = 0x11;
    /// record: authenticated end of stream
    pub const CLOSE: u8 = 0x12;
    /// record: the sender switched to another AEAD (sealed under it)
    pub const AEAD_SWITCH: u8 = 0x13;
    /// vehicle → edge: handover request (docs/handover-protocol.md)
    pub const V2X_REQUEST: u8 = 0x21;
    /// edge → vehicle: handover response
    pub const V2X_RESPONSE: u8 = 0x22;
    /// vehicle → edge: handover acknowledgement (key confirmation)
    pub const V2X_ACK: u8 = 0x23;
    /// vehicle → edge: "send your warrant" (empty body)
    pub const V2X_WARRANT_REQUEST: u8 = 0x24;
    /// edge → vehicle: the edge's warrant
    pub const V2X_WARRANT: u8 = 0x25;
}

/// The body bound of a message type, `None` for unknown types.
pub fn max_body(t: u8) -> Option<usize> {
    use msg_type::*;
    match t {
        OFFER => Some(MAX_OFFER),
        RETRY => Some(2),
        SELECTION => Some(MAX_SELECTION),
        FINISH => Some(MAX_FINISH),
        ALERT => Some(1),
        DATA | KEY_UPDATE | CLOSE | AEAD_SWITCH => Some(MAX_RECORD_BODY),
        V2X_REQUEST => Some(crate::v2x::MAX_REQUEST_BODY),
        V2X_RESPONSE => Some(crate::v2x::MAX_RESPONSE_BODY),
        V2X_ACK => Some(1 + MAX_HASH),
        V2X_WARRANT_REQUEST => Some(0),
        V2X_WARRANT => Some(crate::v2x::MAX_WARRANT_LEN),
        _ => None,
    }
}

/// Reads a frame header from the start of `buf`: `None` if fewer than
/// [`HEADER_LEN`] bytes are there, else the type and the whole frame's length.
/// Version, type and length bound are checked here, before the body is read.
pub fn parse_header(buf: &[u8]) -> Result<Option<(u8, usize)>> {
    if buf.len() < HEADER_LEN {
        return Ok(None);
    }
    if buf[0] != PROTOCOL_VERSION {
        return Err(Error::UnsupportedVersion {
            what: "protocol",
            found: buf[0],
        });
    }
    let t = buf[1];
    let max = max_body(t).ok_or(err("frame type", DecodeProblem::Invalid))?;
    let len = u32::from_be_bytes([buf[2], buf[3], buf[4], buf[5]]) as usize;
    if len > max {
        return Err(err("frame", DecodeProblem::TooLong { max, found: len }));
    }
    Ok(Some((t, HEADER_LEN + len)))
}

/// Splits one complete frame into its type and body.
pub fn split_frame(frame: &[u8]) -> Result<(u8, &[u8])> {
    match parse_header(frame)? {
        None => Err(err("frame header", DecodeProblem::Truncated)),
        Some((_, total)) if frame.len() < total => Err(err("frame", DecodeProblem::Truncated)),
        Some((_, total)) if frame.len() > total => Err(err("frame", DecodeProblem::TrailingBytes)),
        Some((t, _)) => Ok((t, &frame[HEADER_LEN..])),
    }
}

/// Builds a frame.
pub fn frame(t: u8, body: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(HEADER_LEN + body.len());
    f.push(PROTOCOL_VERSION);
    f.push(t);
    f.extend_from_slice(&(body.len() as u32).to_be_bytes());
    f.extend_from_slice(body);
    f
}

pub(crate) fn kem_sizes(kem: u16, what: &'static str) -> Result<(usize, usize)> {
    let a = registry::by_codepoint(kem)
        .ok()
        .filter(|a| a.kind == Kind::Kem)
        .ok_or(err(what, DecodeProblem::Invalid))?;
    match a.sizes {
        Sizes::Kem {
            public_key,
            ciphertext,
            ..
        } => Ok((public_key, ciphertext)),
        _ => Err(err(what, DecodeProblem::Invalid)),
    }
}

/// Offer body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// fresh random nonce
    pub nonce: [u8; 32],
    /// sender time, unix ms
    pub timestamp: u64,
    /// KEMs, most preferred first
    pub kems: Vec<u16>,
    /// signature algorithms accepted from the responder (and used by the initiator)
    pub sigs: Vec<u16>,
    /// AEADs
    pub aeads: Vec<u16>,
    /// KDFs
    pub kdfs: Vec<u16>,
    /// (KEM, ephemeral public key), each KEM listed in `kems`
    pub shares: Vec<(u16, Vec<u8>)>,
}

impl Offer {
    /// Body encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.bytes(&self.nonce);
        w.u64(self.timestamp);
        w.codepoints(&self.kems);
        w.codepoints(&self.sigs);
        w.codepoints(&self.aeads);
        w.codepoints(&self.kdfs);
        w.u8(self.shares.len() as u8);
        for (kem, pk) in &self.shares {
            w.u16(*kem);
            w.lp16(pk);
        }
        w.0
    }

    /// Strict body decoding.
    pub fn decode(body: &[u8]) -> Result<Offer> {
        let mut r = Reader::new(body);
        let nonce = r.array("offer nonce")?;
        let timestamp = r.u64("offer timestamp")?;
        let kems = r.codepoints(MAX_LIST, "offer KEM list")?;
        let sigs = r.codepoints(MAX_LIST, "offer signature list")?;
        let aeads = r.codepoints(MAX_LIST, "offer AEAD list")?;
        let kdfs = r.codepoints(MAX_LIST, "offer KDF list")?;
        let n = r.u8("offer key shares")? as usize;
        if n == 0 || n > MAX_SHARES {
            return Err(err(
                "offer key shares",
                DecodeProblem::TooLong {
                    max: MAX_SHARES,
                    found: n,
                },
            ));
        }
        let mut shares: Vec<(u16, Vec<u8>)> = Vec::with_capacity(n);
        for _ in 0..n {
            let kem = r.u16("key share KEM")?;
            if !kems.contains(&kem) || shares.iter().any(|(k, _)| *k == kem) {
                return Err(err("key share KEM", DecodeProblem::Invalid));
            }
            let (pk_len, _) = kem_sizes(kem, "key share KEM")?;
            let pk = r.lp16(pk_len, "key share")?;
            if pk.len() != pk_len {
                return Err(err("key share", DecodeProblem::Invalid));
            }
            shares.push((kem, pk.to_vec()));
        }
        r.finish("offer")?;
        Ok(Offer {
            nonce,
            timestamp,
            kems,
            sigs,
            aeads,
            kdfs,
            shares,
        })
    }

    /// Whether two offers agree in everything but key shares and timestamp
    /// (what a retried offer must keep).
    pub fn same_capabilities(&self, other: &Offer) -> bool {
        self.nonce == other.nonce
            && self.kems == other.kems
            && self.sigs == other.sigs
            && self.aeads == other.aeads
            && self.kdfs == other.kdfs
    }
}

/// Retry body: the KEM the responder chose.
pub fn decode_retry(body: &[u8]) -> Result<u16> {
    let mut r = Reader::new(body);
    let kem = r.u16("retry KEM")?;
    r.finish("retry")?;
    Ok(kem)
}

/// Selection body, with the offsets (into the body) that the transcript
/// hashes stop at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// responder nonce
    pub nonce: [u8; 32],
    /// responder time, unix ms
    pub timestamp: u64,
    /// chosen KEM
    pub kem: u16,
    /// responder's signature algorithm
    pub sig: u16,
    /// chosen AEAD
    pub aead: u16,
    /// chosen KDF
    pub kdf: u16,
    /// the transcript hash of the offer(s) (and retry) as the responder received them
    pub offer_hash: Vec<u8>,
    /// KEM ciphertext to the initiator's share
    pub ciphertext: Vec<u8>,
    /// responder certificate (encoded)
    pub certificate: Vec<u8>,
    /// responder signature
    pub signature: Vec<u8>,
    /// responder key-confirmation MAC
    pub mac: Vec<u8>,
    /// body offset after the ciphertext
    pub ct_end: usize,
    /// body offset after the certificate
    pub cert_end: usize,
    /// body offset after the signature
    pub sig_end: usize,
}

/// Writes the selection fields through the ciphertext.
pub(crate) fn selection_head(
    nonce: &[u8; 32],
    timestamp: u64,
    suite: [u16; 4],
    offer_hash: &[u8],
    ciphertext: &[u8],
) -> Vec<u8> {
    let mut w = Writer::new();
    w.bytes(nonce);
    w.u64(timestamp);
    for c in suite {
        w.u16(c);
    }
    w.lp8(offer_hash);
    w.lp16(ciphertext);
    w.0
}

impl Selection {
    /// Strict body decoding.
    pub fn decode(body: &[u8]) -> Result<Selection> {
        let mut r = Reader::new(body);
        let nonce = r.array("selection nonce")?;
        let timestamp = r.u64("selection timestamp")?;
        let kem = r.u16("selection KEM")?;
        let sig = r.u16("selection signature")?;
        let aead = r.u16("selection AEAD")?;
        let kdf = r.u16("selection KDF")?;
        let offer_hash = r.lp8(MAX_HASH, "selection offer hash")?.to_vec();
        let (_, ct_len) = kem_sizes(kem, "selection KEM")?;
        let ciphertext = r.lp16(ct_len, "selection ciphertext")?;
        if ciphertext.len() != ct_len {
            return Err(err("selection ciphertext", DecodeProblem::Invalid));
        }
        let ct_end = r.position();
        let certificate = r.lp16(MAX_CERT_LEN, "selection certificate")?.to_vec();
        let cert_end = r.position();
        let (_, sig_max) =
            sig_sizes(sig).map_err(|_| err("selection signature", DecodeProblem::Invalid))?;
        let signature = r.lp16(sig_max, "selection signature")?.to_vec();
        let sig_end = r.position();
        let mac = r.lp8(MAX_HASH, "selection MAC")?.to_vec();
        r.finish("selection")?;
        Ok(Selection {
            nonce,
            timestamp,
            kem,
            sig,
            aead,
            kdf,
            offer_hash,
            ciphertext: ciphertext.to_vec(),
            certificate,
            signature,
            mac,
            ct_end,
            cert_end,
            sig_end,
        })
    }
}

/// Finish body, with transcript offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finish {
    /// initiator certificate (encoded)
    pub certificate: Vec<u8>,
    /// initiator signature
    pub signature: Vec<u8>,
    /// initiator key-confirmation MAC
    pub mac: Vec<u8>,
    /// body offset after the certificate
    pub cert_end: usize,
    /// body offset after the signature
    pub sig_end: usize,
}

impl Finish {
    /// Strict body decoding; `sig_alg` bounds the signature (the initiator's
    /// algorithm is known from its certificate, which comes first, so the
    /// bound is the largest registered signature).
    pub fn decode(body: &[u8]) -> Result<Finish> {
        let mut r = Reader::new(body);
        let certificate = r.lp16(MAX_CERT_LEN, "finish certificate")?.to_vec();
        let cert_end = r.position();
        let signature = r.lp16(u16::MAX as usize, "finish signature")?.to_vec();
        let sig_end = r.position();
        let mac = r.lp8(MAX_HASH, "finish MAC")?.to_vec();
        r.finish("finish")?;
        Ok(Finish {
            certificate,
            signature,
            mac,
            cert_end,
            sig_end,
        })
    }
}

/// Alert body.
pub fn decode_alert(body: &[u8]) -> Result<u8> {
    let mut r = Reader::new(body);
    let c = r.u8("alert")?;
    r.finish("alert")?;
    Ok(c)
}

/// An alert frame for `e`, to send when a handshake aborts.
pub fn alert_frame(e: &Error) -> Vec<u8> {
    frame(msg_type::ALERT, &[e.alert_code()])
}

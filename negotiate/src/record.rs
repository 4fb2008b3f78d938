//! Sessions: the record layer over a negotiated suite (docs/anchor-protocol.md §6).
//!
//! ```text
//! record  = u8 version ‖ u8 type ‖ u32 body_len ‖ body
//! body    = ciphertext ‖ tag                          (DATA, KEY_UPDATE, CLOSE)
//!         | u16 new_aead ‖ ciphertext ‖ tag           (AEAD_SWITCH, sealed under the new AEAD)
//! AD      = version ‖ type ‖ u32 body_len ‖ u16 aead ‖ u64 seq
//! nonce   = iv XOR (0…0 ‖ u64be seq)                  seq: per direction and key, from 0
//! ```
//!
//! - Every record is sealed and opened through the session's
//!   [`agilis_driver::Engine`]; a batch of records goes to the engine as one batch.
//! - Records carry at most [`RecordLimits::max_plaintext`] bytes.
//! - The sending key is updated (`KEY_UPDATE`, then the next secret) when it
//!   reaches [`RecordLimits`]' record, byte or age limit, or on request
//!   ([`Session::request_key_update`]); a `KEY_UPDATE` with its flag set asks
//!   the peer to update too.
//! - `CLOSE` is an authenticated end of stream; an end of stream without it
//!   is [`Error::Truncated`].
//! - **Policy at run time.** Before anything is sent, the session re-reads
//!   its [`Policy`] if the registry's generation changed. If the KEM, a
//!   signature or the KDF it rests on was withdrawn, it sends an
//!   authenticated `CLOSE` (under its AEAD, if that is still allowed) and
//!   fails with [`Error::SuiteWithdrawn`]; the caller handshakes anew under
//!   the new policy. If only the AEAD was withdrawn, it switches its sending
//!   direction to the most preferred allowed AEAD the peer supports
//!   (`AEAD_SWITCH`, sealed under the new AEAD, asking the peer to switch as
//!   well); with no such AEAD it stops without sending anything. Nothing is
//!   ever sealed under a withdrawn algorithm after the withdrawal.
//! - Any receive error leaves the session failed: it never resynchronises
//!   past a bad record.
//! - For links that lose or reorder, the same handshake yields one
//!   [`crate::DatagramSession`] ([`Session::datagram`], `crate::datagram`).

use std::sync::Arc;

use agilis_driver::{Direction, Engine, Job, LoadedKey};
use agilis_suites::{Family, Kind, SecretBytes};

use crate::cert::Certificate;
use crate::error::{Error, Result};
use crate::handshake::Policy;
use crate::messages::{self, HEADER_LEN, PROTOCOL_VERSION, msg_type, split_frame};
use crate::schedule::{datagram_secret, next_secret, switch_secret, traffic_key_iv};
use crate::v2x::{EdgeWarrant, PseudonymCredential};

/// Most records the receiver accepts under one key, whatever the sender's own limits.
pub const HARD_RECORD_LIMIT: u64 = 1 << 32;

/// The negotiated algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suite {
    /// hybrid KEM
    pub kem: u16,
    /// AEAD (at establishment; see [`Session::send_aead`] after a switch)
    pub aead: u16,
    /// KDF
    pub kdf: u16,
    /// initiator's signature algorithm
    pub sig_initiator: u16,
    /// responder's signature algorithm
    pub sig_responder: u16,
}

impl Suite {
    /// Every family the suite rests on.
    pub fn families(&self) -> Vec<Family> {
        crate::handshake::families(&[
            self.kem,
            self.sig_initiator,
            self.sig_responder,
            self.aead,
            self.kdf,
        ])
    }
}

fn name(c: u16) -> String {
    agilis_suites::registry::by_codepoint(c)
        .map(|a| a.name.to_string())
        .unwrap_or_else(|_| format!("0x{c:04x}"))
}

impl std::fmt::Display for Suite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "kem={} sig(initiator)={} sig(responder)={} aead={} kdf={}",
            name(self.kem),
            name(self.sig_initiator),
            name(self.sig_responder),
            name(self.aead),
            name(self.kdf)
        )
    }
}

/// Who the authenticated peer of a session is.
#[derive(Debug, Clone)]
pub enum Peer {
    /// a security anchor, by its certificate (anchor-to-anchor handshake)
    Anchor(Certificate),
    /// an edge server, by its warrant (the vehicle's side of a handover)
    Edge(Box<EdgeWarrant>),
    /// a vehicle, known only by its pseudonym credential (the edge's side of a handover)
    Vehicle(Box<PseudonymCredential>),
}

impl Peer {
    /// The anchor certificate, for an anchor peer.
    pub fn anchor(&self) -> Option<&Certificate> {
        match self {
            Peer::Anchor(c) => Some(c),
            _ => None,
        }
    }
}

impl std::fmt::Display for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Peer::Anchor(c) => write!(f, "anchor `{}` (serial {})", c.subnet, c.serial),
            Peer::Edge(w) => write!(f, "edge `{}` (warrant serial {})", w.edge, w.serial),
            Peer::Vehicle(p) => write!(f, "vehicle pseudonym {:016x}", p.serial),
        }
    }
}

/// What a session records about its negotiation.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// whether we initiated
    pub initiator: bool,
    /// the suite
    pub suite: Suite,
    /// every family the suite rests on
    pub families: Vec<Family>,
    /// the hash of the whole handshake transcript
    pub transcript_hash: Vec<u8>,
    /// a secret value both anchors derive from this session; binds tokens to it
    pub binding: [u8; 32],
    /// the authenticated peer
    pub peer: Peer,
    /// whether the handshake went through a retry
    pub retried: bool,
    /// AEADs the peer supports (targets of a policy-driven switch)
    pub peer_aeads: Vec<u16>,
}

/// Record-layer limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordLimits {
    /// largest plaintext per record (≤ [`messages::MAX_RECORD_PLAINTEXT`])
    pub max_plaintext: usize,
    /// records sealed under one key before it is updated
    pub max_records_per_key: u64,
    /// bytes sealed under one key before it is updated
    pub max_bytes_per_key: u64,
    /// age of a key (ms) after which it is updated at the next send
    pub max_key_age_ms: u64,
}

impl Default for RecordLimits {
    fn default() -> Self {
        RecordLimits {
            max_plaintext: messages::MAX_RECORD_PLAINTEXT,
            max_records_per_key: 1 << 24,
            max_bytes_per_key: 1 << 34,
            max_key_age_ms: 3600 * 1000,
        }
    }
}

/// One direction's state under one key (shared with the datagram mode).
pub(crate) struct Dir {
    pub(crate) secret: SecretBytes,
    pub(crate) aead: u16,
    key: LoadedKey,
    iv: Vec<u8>,
    pub(crate) seq: u64,
    pub(crate) bytes: u64,
    pub(crate) since: u64,
}

impl Dir {
    pub(crate) fn new(
        engine: &Arc<dyn Engine>,
        kdf: u16,
        secret: SecretBytes,
        aead: u16,
        now: u64,
    ) -> Result<Dir> {
        let (key, iv) = traffic_key_iv(kdf, &secret, aead)?;
        Ok(Dir {
            secret,
            aead,
            key: LoadedKey::load(engine, aead, key.expose())?,
            iv,
            seq: 0,
            bytes: 0,
            since: now,
        })
    }

    /// `iv XOR (0…0 ‖ u64be seq)`.
    pub(crate) fn nonce_at(&self, seq: u64) -> Vec<u8> {
        let mut n = self.iv.clone();
        let len = n.len();
        for (i, b) in seq.to_be_bytes().iter().enumerate() {
            n[len - 8 + i] ^= b;
        }
        n
    }

    fn nonce(&self) -> Vec<u8> {
        self.nonce_at(self.seq)
    }

    /// Seals or opens `buf` in place under this key with the nonce of `seq`.
    pub(crate) fn process_one(
        &self,
        direction: Direction,
        seq: u64,
        ad: &[u8],
        buf: &mut Vec<u8>,
    ) -> Result<()> {
        self.process_many(direction, &mut [(seq, ad, buf)])
    }

    /// Seals or opens each `(seq, ad, buf)` in place, as one engine batch.
    pub(crate) fn process_many(
        &self,
        direction: Direction,
        items: &mut [(u64, &[u8], &mut Vec<u8>)],
    ) -> Result<()> {
        let nonces: Vec<Vec<u8>> = items.iter().map(|(s, _, _)| self.nonce_at(*s)).collect();
        let mut jobs: Vec<Job> = items
            .iter_mut()
            .zip(&nonces)
            .map(|((_, ad, buf), nonce)| Job {
                key: self.key.handle(),
                direction,
                nonce,
                aad: ad,
                buffer: buf,
            })
            .collect();
        let results = self.key.engine().process(&mut jobs);
        if results.len() != jobs.len() {
            return Err(Error::RecordAuthentication);
        }
        results.into_iter().try_for_each(|r| r.map_err(Error::from))
    }
}

/// Something the peer sent.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    /// application data
    Data(Vec<u8>),
    /// the peer updated its key
    KeyUpdated,
    /// the peer switched to this AEAD
    AeadSwitched(u16),
    /// the peer closed the session (authenticated)
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Open,
    Failed,
}

/// An established session: sans-IO record protection in both directions.
pub struct Session {
    info: SessionInfo,
    policy: Policy,
    engine: Arc<dyn Engine>,
    limits: RecordLimits,
    send: Dir,
    recv: Dir,
    generation: u64,
    outbox: Vec<u8>,
    state: State,
    sent_close: bool,
    received_close: bool,
    sent_under: Vec<u16>,
    /// (send, receive) base secrets of the one datagram session this handshake may spawn
    datagram_secrets: Option<(SecretBytes, SecretBytes)>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("suite", &self.info.suite)
            .field("state", &self.state)
            .finish()
    }
}

/// What a policy change asks of a live session, stream or datagram: carry
/// on; close, because its KEM, a signature or its KDF is withdrawn; move
/// sending to another AEAD both sides allow; or stop, because no such AEAD
/// is left.
pub(crate) enum PolicyVerdict {
    Keep,
    Close(u16),
    MoveAead(u16),
    Stop(u16),
}

pub(crate) fn policy_verdict(policy: &Policy, info: &SessionInfo, send_aead: u16) -> PolicyVerdict {
    let s = info.suite;
    if let Some(c) = [s.kem, s.sig_initiator, s.sig_responder, s.kdf]
        .into_iter()
        .find(|c| !policy.permits(*c))
    {
        return PolicyVerdict::Close(c);
    }
    if policy.permits(send_aead) {
        return PolicyVerdict::Keep;
    }
    match policy
        .allowed(Kind::Aead)
        .into_iter()
        .find(|a| info.peer_aeads.contains(a))
    {
        Some(new) => PolicyVerdict::MoveAead(new),
        None => PolicyVerdict::Stop(send_aead),
    }
}

impl Session {
    /// A session from traffic secrets agreed elsewhere.
    ///
    /// The handshake ([`crate::Initiator`], [`crate::Responder`]) is the
    /// normal way in. This constructor serves other key agreements, fuzzing
    /// and tests: `send_secret` and `recv_secret` must be fresh secrets of the
    /// KDF's hash length, distinct per direction, the peer's `recv_secret`
    /// equal to our `send_secret`, and never given to a second session.
    pub fn from_traffic_secrets(
        info: SessionInfo,
        policy: Policy,
        engine: Arc<dyn Engine>,
        limits: RecordLimits,
        send_secret: SecretBytes,
        recv_secret: SecretBytes,
        now: u64,
    ) -> Result<Session> {
        let kdf = info.suite.kdf;
        let aead = info.suite.aead;
        let limits = RecordLimits {
            max_plaintext: limits
                .max_plaintext
                .clamp(1, messages::MAX_RECORD_PLAINTEXT),
            max_records_per_key: limits.max_records_per_key.clamp(1, HARD_RECORD_LIMIT),
            ..limits
        };
        let datagram_secrets = Some((
            datagram_secret(kdf, &send_secret)?,
            datagram_secret(kdf, &recv_secret)?,
        ));
        Ok(Session {
            datagram_secrets,
            send: Dir::new(&engine, kdf, send_secret, aead, now)?,
            recv: Dir::new(&engine, kdf, recv_secret, aead, now)?,
            generation: policy.generation(),
            info,
            policy,
            engine,
            limits,
            outbox: Vec::new(),
            state: State::Open,
            sent_close: false,
            received_close: false,
            sent_under: Vec::new(),
        })
    }

    /// What was negotiated.
    pub fn info(&self) -> &SessionInfo {
        &self.info
    }

    /// The AEAD records are sent under now.
    pub fn send_aead(&self) -> u16 {
        self.send.aead
    }

    /// The AEAD records are expected under now.
    pub fn recv_aead(&self) -> u16 {
        self.recv.aead
    }

    /// Records sent under the current sending key.
    pub fn send_sequence(&self) -> u64 {
        self.send.seq
    }

    /// The AEAD of every record sealed so far, in order (for audits and tests).
    pub fn sealed_under(&self) -> &[u16] {
        &self.sent_under
    }

    /// Whether the peer closed the session.
    pub fn peer_closed(&self) -> bool {
        self.received_close
    }

    /// The policy, engine and datagram base secrets for [`Session::datagram`]
    /// (the secrets only once per handshake).
    pub(crate) fn datagram_parts(
        &mut self,
    ) -> (Policy, Arc<dyn Engine>, Option<(SecretBytes, SecretBytes)>) {
        (
            self.policy.clone(),
            self.engine.clone(),
            self.datagram_secrets.take(),
        )
    }

    /// Takes the frames produced so far (to write to the transport).
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.outbox)
    }

    fn usable_for_send(&self) -> Result<()> {
        match self.state {
            State::Failed => Err(Error::SessionFailed),
            State::Open if self.sent_close => Err(Error::Closed),
            State::Open => Ok(()),
        }
    }

    /// Seals `payloads` as records of type `t` under the current sending key, in one engine batch.
    fn seal_batch(&mut self, t: u8, payloads: Vec<Vec<u8>>) -> Result<()> {
        let aead = self.send.aead;
        let mut bufs = payloads;
        let mut meta = Vec::with_capacity(bufs.len());
        for b in &bufs {
            let body_len = b.len() + agilis_suites::aead::TAG_LEN;
            let mut header = [0u8; HEADER_LEN];
            header[0] = PROTOCOL_VERSION;
            header[1] = t;
            header[2..].copy_from_slice(&(body_len as u32).to_be_bytes());
            let mut ad = header.to_vec();
            ad.extend_from_slice(&aead.to_be_bytes());
            ad.extend_from_slice(&self.send.seq.to_be_bytes());
            meta.push((header, ad, self.send.nonce()));
            self.send.seq += 1;
            self.send.bytes += b.len() as u64;
        }
        let handle = self.send.key.handle();
        let mut jobs: Vec<Job> = bufs
            .iter_mut()
            .zip(&meta)
            .map(|(b, (_, ad, nonce))| Job {
                key: handle,
                direction: Direction::Seal,
                nonce,
                aad: ad,
                buffer: b,
            })
            .collect();
        let results = self.engine.process(&mut jobs);
        drop(jobs);
        for r in results {
            if let Err(e) = r {
                self.state = State::Failed;
                return Err(e.into());
            }
        }
        for (b, (header, _, _)) in bufs.iter().zip(&meta) {
            self.outbox.extend_from_slice(header);
            self.outbox.extend_from_slice(b);
            self.sent_under.push(aead);
        }
        Ok(())
    }

    /// Re-reads the policy if it changed; switches or closes as the module docs say.
    pub fn enforce_policy(&mut self, now: u64) -> Result<()> {
        let generation = self.policy.generation();
        if generation == self.generation {
            return Ok(());
        }
        self.generation = generation;
        match policy_verdict(&self.policy, &self.info, self.send.aead) {
            PolicyVerdict::Keep => {}
            PolicyVerdict::Close(c) => {
                if self.policy.permits(self.send.aead)
                    && !self.sent_close
                    && self.state == State::Open
                {
                    self.seal_batch(msg_type::CLOSE, vec![vec![1]])?;
                    self.sent_close = true;
                }
                self.state = State::Failed;
                return Err(Error::SuiteWithdrawn { codepoint: c });
            }
            PolicyVerdict::MoveAead(new) => self.switch_send(new, true, now)?,
            PolicyVerdict::Stop(withdrawn) => {
                self.state = State::Failed;
                return Err(Error::SuiteWithdrawn {
                    codepoint: withdrawn,
                });
            }
        }
        Ok(())
    }

    fn switch_send(&mut self, new: u16, reply_requested: bool, now: u64) -> Result<()> {
        let kdf = self.info.suite.kdf;
        let secret = switch_secret(kdf, &self.send.secret, new)?;
        self.send = Dir::new(&self.engine, kdf, secret, new, now)?;
        // The switch record: u16 new_aead ‖ sealed([reply_requested]) under the new key, seq 0.
        let mut buf = vec![reply_requested as u8];
        let body_len = 2 + buf.len() + agilis_suites::aead::TAG_LEN;
        let mut header = [0u8; HEADER_LEN];
        header[0] = PROTOCOL_VERSION;
        header[1] = msg_type::AEAD_SWITCH;
        header[2..].copy_from_slice(&(body_len as u32).to_be_bytes());
        let mut ad = header.to_vec();
        ad.extend_from_slice(&new.to_be_bytes());
        ad.extend_from_slice(&0u64.to_be_bytes());
        if let Err(e) = self.send.process_one(Direction::Seal, 0, &ad, &mut buf) {
            self.state = State::Failed;
            return Err(e);
        }
        self.send.seq = 1;
        self.outbox.extend_from_slice(&header);
        self.outbox.extend_from_slice(&new.to_be_bytes());
        self.outbox.extend_from_slice(&buf);
        self.sent_under.push(new);
        Ok(())
    }

    fn update_send(&mut self, requested: bool, now: u64) -> Result<()> {
        self.seal_batch(msg_type::KEY_UPDATE, vec![vec![requested as u8]])?;
        let kdf = self.info.suite.kdf;
        let next = next_secret(kdf, &self.send.secret)?;
        self.send = Dir::new(&self.engine, kdf, next, self.send.aead, now)?;
        Ok(())
    }

    fn key_due(&self, now: u64) -> bool {
        self.send.seq >= self.limits.max_records_per_key
            || self.send.bytes >= self.limits.max_bytes_per_key
            || now.saturating_sub(self.send.since) >= self.limits.max_key_age_ms
    }

    /// Seals `data` as one or more records (into [`take_output`](Self::take_output)).
    pub fn send(&mut self, data: &[u8], now: u64) -> Result<()> {
        self.usable_for_send()?;
        self.enforce_policy(now)?;
        const BATCH: usize = 64;
        let mut chunks = data.chunks(self.limits.max_plaintext).peekable();
        while chunks.peek().is_some() {
            if self.key_due(now) {
                self.update_send(false, now)?;
            }
            let room_records = self
                .limits
                .max_records_per_key
                .saturating_sub(self.send.seq)
                .max(1);
            let mut room_bytes = self
                .limits
                .max_bytes_per_key
                .saturating_sub(self.send.bytes)
                .max(1);
            let mut batch = Vec::new();
            while let Some(c) = chunks.peek() {
                if batch.len() as u64 >= room_records || batch.len() >= BATCH || room_bytes == 0 {
                    break;
                }
                room_bytes = room_bytes.saturating_sub(c.len() as u64);
                batch.push(c.to_vec());
                chunks.next();
            }
            self.seal_batch(msg_type::DATA, batch)?;
        }
        Ok(())
    }

    /// Updates our sending key now and asks the peer to update its own.
    pub fn request_key_update(&mut self, now: u64) -> Result<()> {
        self.usable_for_send()?;
        self.enforce_policy(now)?;
        self.update_send(true, now)
    }

    /// Sends an authenticated close. Nothing can be sent afterwards.
    pub fn close(&mut self, now: u64) -> Result<()> {
        self.usable_for_send()?;
        self.enforce_policy(now)?;
        self.seal_batch(msg_type::CLOSE, vec![vec![0]])?;
        self.sent_close = true;
        Ok(())
    }

    /// `Ok` if the peer closed the session; [`Error::Truncated`] if the
    /// transport ended without its authenticated close.
    pub fn end_of_stream(&self) -> Result<()> {
        if self.received_close {
            Ok(())
        } else {
            Err(Error::Truncated)
        }
    }

    /// Opens one record frame from the peer.
    pub fn receive(&mut self, frame: &[u8], now: u64) -> Result<Event> {
        if self.state == State::Failed {
            return Err(Error::SessionFailed);
        }
        if self.received_close {
            return Err(Error::Closed);
        }
        let r = self.receive_inner(frame, now);
        if r.is_err() {
            self.state = State::Failed;
        }
        r
    }

    fn receive_inner(&mut self, frame: &[u8], now: u64) -> Result<Event> {
        let (t, body) = split_frame(frame)?;
        let (aead, ct) = match t {
            msg_type::DATA | msg_type::KEY_UPDATE | msg_type::CLOSE => (self.recv.aead, body),
            msg_type::AEAD_SWITCH => {
                if body.len() < 2 {
                    return Err(crate::wire::err(
                        "aead switch",
                        crate::error::DecodeProblem::Truncated,
                    ));
                }
                let new = u16::from_be_bytes([body[0], body[1]]);
                if !self.policy.permits(new)
                    || agilis_suites::registry::by_codepoint(new)?.kind != Kind::Aead
                {
                    return Err(Error::AeadSwitchRefused { codepoint: new });
                }
                (new, &body[2..])
            }
            msg_type::ALERT => return Err(Error::PeerAlert(messages::decode_alert(body)?)),
            other => {
                return Err(Error::UnexpectedMessage {
                    found: other,
                    expected: "a record",
                });
            }
        };
        let max = self.limits.max_plaintext + agilis_suites::aead::TAG_LEN;
        if ct.len() > max {
            return Err(Error::RecordTooLarge {
                max,
                found: ct.len(),
            });
        }
        // The switch record opens under the key derived for the new AEAD.
        let kdf = self.info.suite.kdf;
        let switched = if t == msg_type::AEAD_SWITCH {
            let secret = switch_secret(kdf, &self.recv.secret, aead)?;
            Some(Dir::new(&self.engine, kdf, secret, aead, now)?)
        } else {
            None
        };
        let dir = switched.as_ref().unwrap_or(&self.recv);
        // A KEY_UPDATE may carry seq == limit; anything beyond is a peer that never updates.
        if dir.seq > HARD_RECORD_LIMIT {
            return Err(Error::KeyLimitExceeded);
        }
        let mut ad = frame[..HEADER_LEN].to_vec();
        ad.extend_from_slice(&aead.to_be_bytes());
        ad.extend_from_slice(&dir.seq.to_be_bytes());
        let mut buf = ct.to_vec();
        dir.process_one(Direction::Open, dir.seq, &ad, &mut buf)?;
        if let Some(d) = switched {
            self.recv = d;
        }
        self.recv.seq += 1;
        match t {
            msg_type::DATA => Ok(Event::Data(buf)),
            msg_type::KEY_UPDATE => {
                let requested = match buf.as_slice() {
                    [0] => false,
                    [1] => true,
                    _ => {
                        return Err(crate::wire::err(
                            "key update",
                            crate::error::DecodeProblem::Invalid,
                        ));
                    }
                };
                let next = next_secret(kdf, &self.recv.secret)?;
                self.recv = Dir::new(&self.engine, kdf, next, self.recv.aead, now)?;
                if requested && !self.sent_close {
                    self.enforce_policy(now)?;
                    self.update_send(false, now)?;
                }
                Ok(Event::KeyUpdated)
            }
            msg_type::CLOSE => {
                self.received_close = true;
                Ok(Event::Closed)
            }
            _ => {
                let reply = match buf.as_slice() {
                    [0] => false,
                    [1] => true,
                    _ => {
                        return Err(crate::wire::err(
                            "aead switch",
                            crate::error::DecodeProblem::Invalid,
                        ));
                    }
                };
                self.enforce_policy(now)?;
                if reply && !self.sent_close && self.send.aead != aead {
                    self.switch_send(aead, false, now)?;
                }
                Ok(Event::AeadSwitched(aead))
            }
        }
    }
}

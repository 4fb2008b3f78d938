//! Datagram mode: sessions over links that lose, duplicate and reorder
//! (docs/anchor-protocol.md §7).
//!
//! ```text
//! datagram = u8 version (1) ‖ u8 type ‖ u16 aead ‖ u16 epoch ‖ u64 seq ‖ ciphertext ‖ tag
//! AD       = the 14-byte header
//! nonce    = iv_epoch XOR (0…0 ‖ u64 seq)          seq: per direction and epoch, from 0
//! epoch 0  = schedule::datagram_secret(i2r | r2i); epoch n+1 = schedule::next_secret(epoch n)
//! key, iv  = schedule::traffic_key_iv(epoch secret, aead)
//! ```
//!
//! - Every datagram is sealed and opened on its own, through the session's
//!   [`agilis_driver::Engine`]; nothing depends on the datagrams before it.
//! - **Anti-replay.** Each receive epoch keeps a [`ReplayWindow`] of
//!   [`REPLAY_WINDOW`] sequence numbers: each is accepted once, reordering
//!   inside the window is fine, older ones are dropped. The window moves only
//!   after the tag verified, so forgeries cannot shift or poison it.
//! - **Epochs.** The sender moves to the next epoch after
//!   [`DatagramLimits`]' datagram, byte or age limit, on request, or to
//!   change AEAD. The receiver follows up to [`MAX_EPOCH_SKIP`] epochs ahead
//!   (lost datagrams) and keeps the previous epoch's keys for a bounded time
//!   and count, so datagrams reordered across the change still open.
//! - **Close.** A `CLOSE` datagram is authenticated like data; after it the
//!   receiver accepts nothing more. Datagrams can be lost: the sender may
//!   send the same close datagram again (duplicates are dropped).
//! - **Policy at run time** as for [`crate::Session`]: before anything is
//!   sent the policy is re-read; a withdrawn KEM, signature or KDF closes the
//!   session (an authenticated close if the AEAD is still allowed) with
//!   [`Error::SuiteWithdrawn`]; a withdrawn AEAD moves the sending direction to
//!   a new epoch under the most preferred allowed AEAD the peer supports. A
//!   peer whose epoch changed AEAD is followed (if policy allows it).
//! - **Errors never kill the receiving side.** A bad datagram is dropped with
//!   its error and the session goes on: a forged or replayed datagram must
//!   not cost the link. Nothing unauthenticated is ever released.

use std::sync::Arc;

use agilis_driver::{Direction, Engine};
use agilis_suites::aead::TAG_LEN;
use agilis_suites::{Kind, SecretBytes};

use crate::error::{DecodeProblem, Error, Result};
use crate::handshake::Policy;
use crate::record::{Dir, PolicyVerdict, Session, SessionInfo, policy_verdict};
use crate::schedule::next_secret;
use crate::wire::{Reader, err};

/// Version byte of every datagram.
pub const DATAGRAM_VERSION: u8 = 1;
/// `u8 version ‖ u8 type ‖ u16 aead ‖ u16 epoch ‖ u64 seq`.
pub const DATAGRAM_HEADER_LEN: usize = 14;
/// Largest datagram (header, ciphertext and tag) the protocol allows.
pub const MAX_DATAGRAM: usize = 16 * 1024;
/// Sequence numbers a receive epoch remembers (accepts reordering within).
pub const REPLAY_WINDOW: u64 = 1024;
/// Most datagrams the receiver accepts under one epoch, whatever the sender's own limits.
pub const HARD_DATAGRAM_LIMIT: u64 = 1 << 32;
/// How many epochs ahead of its current one a receiver follows.
pub const MAX_EPOCH_SKIP: u16 = 4;

/// Datagram types.
pub mod datagram_type {
    /// application data
    pub const DATA: u8 = 0x20;
    /// authenticated end of the session; plaintext `u8 reason` (0 normal, 1 policy)
    pub const CLOSE: u8 = 0x21;
}

/// Datagram-mode limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatagramLimits {
    /// largest whole datagram sent or accepted (≤ [`MAX_DATAGRAM`]); default 1400, under an Ethernet MTU
    pub max_datagram: usize,
    /// datagrams sealed in one epoch before the next (≤ [`HARD_DATAGRAM_LIMIT`])
    pub max_datagrams_per_epoch: u64,
    /// plaintext bytes sealed in one epoch before the next
    pub max_bytes_per_epoch: u64,
    /// age of an epoch (ms) after which the next send opens a new one
    pub max_epoch_age_ms: u64,
    /// sending epochs a session may use (≤ 65 536); then it must handshake again
    pub max_epochs: u32,
    /// how long (ms) the previous receive epoch is kept after a newer one opened
    pub previous_epoch_ms: u64,
    /// how many datagrams the previous receive epoch still opens after a newer one opened
    pub previous_epoch_datagrams: u64,
}

impl Default for DatagramLimits {
    fn default() -> Self {
        DatagramLimits {
            max_datagram: 1400,
            max_datagrams_per_epoch: 1 << 24,
            max_bytes_per_epoch: 1 << 34,
            max_epoch_age_ms: 3600 * 1000,
            max_epochs: 1 << 16,
            previous_epoch_ms: 30_000,
            previous_epoch_datagrams: REPLAY_WINDOW,
        }
    }
}

/// The anti-replay window of one receive epoch: a bitmap of the last
/// [`REPLAY_WINDOW`] sequence numbers below the highest one accepted.
#[derive(Clone, Debug, Default)]
pub struct ReplayWindow {
    highest: Option<u64>,
    bits: [u64; (REPLAY_WINDOW / 64) as usize],
}

impl ReplayWindow {
    fn slot(seq: u64) -> (usize, u64) {
        let i = seq % REPLAY_WINDOW;
        ((i / 64) as usize, 1u64 << (i % 64))
    }

    /// Whether `seq` may be accepted; changes nothing.
    pub fn check(&self, epoch: u16, seq: u64) -> Result<()> {
        let Some(top) = self.highest else {
            return Ok(());
        };
        if seq > top {
            return Ok(());
        }
        if top - seq >= REPLAY_WINDOW {
            return Err(Error::DatagramTooOld {
                epoch,
                seq,
                newest: top,
            });
        }
        let (w, b) = Self::slot(seq);
        if self.bits[w] & b != 0 {
            return Err(Error::DatagramReplayed { epoch, seq });
        }
        Ok(())
    }

    /// Marks `seq` as seen (call only after [`check`](Self::check) passed and the tag verified).
    pub fn accept(&mut self, seq: u64) {
        match self.highest {
            Some(top) if seq <= top => {}
            Some(top) if seq - top < REPLAY_WINDOW => {
                // Slots between the old and the new top held numbers now out of the window.
                for s in top + 1..seq {
                    let (w, b) = Self::slot(s);
                    self.bits[w] &= !b;
                }
                self.highest = Some(seq);
            }
            _ => {
                self.bits = Default::default();
                self.highest = Some(seq);
            }
        }
        let (w, b) = Self::slot(seq);
        self.bits[w] |= b;
    }

    /// The highest sequence number accepted so far.
    pub fn highest(&self) -> Option<u64> {
        self.highest
    }
}

/// Something the peer sent.
#[derive(Debug, PartialEq, Eq)]
pub enum DatagramEvent {
    /// application data
    Data(Vec<u8>),
    /// the peer closed the session (authenticated)
    Closed,
}

/// One receive epoch: its key and its window.
struct RecvEpoch {
    epoch: u16,
    dir: Dir,
    window: ReplayWindow,
}

/// The previous receive epoch, kept for reordered datagrams until `until` or `remaining` runs out.
struct Previous {
    epoch: RecvEpoch,
    until: u64,
    remaining: u64,
}

/// Which key a datagram opens under.
enum Opener {
    Current,
    Previous,
    Ahead(Box<RecvEpoch>),
}

/// A datagram-mode session: each datagram protected on its own.
pub struct DatagramSession {
    info: SessionInfo,
    policy: Policy,
    engine: Arc<dyn Engine>,
    limits: DatagramLimits,
    /// policy generation last enforced; `None` until the first send
    generation: Option<u64>,
    send: Dir,
    send_epoch: u16,
    update_requested: bool,
    /// an AEAD the peer moved to, which our sending direction follows
    follow_aead: Option<u16>,
    current: RecvEpoch,
    previous: Option<Previous>,
    outbox: Vec<Vec<u8>>,
    failed: bool,
    sent_close: bool,
    received_close: bool,
}

impl std::fmt::Debug for DatagramSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatagramSession")
            .field("suite", &self.info.suite)
            .field("send_epoch", &self.send_epoch)
            .field("recv_epoch", &self.current.epoch)
            .finish()
    }
}

impl Session {
    /// The datagram session of this handshake (docs/anchor-protocol.md §7).
    ///
    /// Its keys come from the handshake's traffic secrets under the label
    /// `"datagram"`, independent of the stream's records and key updates, so
    /// both sides may derive it at any time and use both modes side by side.
    /// A handshake yields one datagram session: a second call fails with
    /// [`Error::DatagramSessionTaken`] (two would reuse nonces).
    pub fn datagram(&mut self, limits: DatagramLimits, now: u64) -> Result<DatagramSession> {
        let info = self.info().clone();
        let (policy, engine, secrets) = self.datagram_parts();
        let (send, recv) = secrets.ok_or(Error::DatagramSessionTaken)?;
        DatagramSession::from_base_secrets(info, policy, engine, limits, send, recv, now)
    }
}

impl DatagramSession {
    /// A datagram session from epoch-0 secrets agreed elsewhere.
    ///
    /// [`Session::datagram`] is the normal way in. This constructor serves
    /// other key agreements and tests: `send` and `recv` must be fresh
    /// secrets of the KDF's hash length, distinct per direction, the peer's
    /// `recv` equal to our `send`, and never given to a second session.
    pub fn from_base_secrets(
        info: SessionInfo,
        policy: Policy,
        engine: Arc<dyn Engine>,
        limits: DatagramLimits,
        send: SecretBytes,
        recv: SecretBytes,
        now: u64,
    ) -> Result<DatagramSession> {
        let min = DATAGRAM_HEADER_LEN + TAG_LEN + 1;
        let limits = DatagramLimits {
            max_datagram: limits.max_datagram.clamp(min, MAX_DATAGRAM),
            max_datagrams_per_epoch: limits.max_datagrams_per_epoch.clamp(1, HARD_DATAGRAM_LIMIT),
            max_epochs: limits.max_epochs.clamp(1, 1 << 16),
            ..limits
        };
        let (kdf, aead) = (info.suite.kdf, info.suite.aead);
        Ok(DatagramSession {
            send: Dir::new(&engine, kdf, send, aead, now)?,
            current: RecvEpoch {
                epoch: 0,
                dir: Dir::new(&engine, kdf, recv, aead, now)?,
                window: ReplayWindow::default(),
            },
            info,
            policy,
            engine,
            limits,
            generation: None,
            send_epoch: 0,
            update_requested: false,
            follow_aead: None,
            previous: None,
            outbox: Vec::new(),
            failed: false,
            sent_close: false,
            received_close: false,
        })
    }

    /// What was negotiated.
    pub fn info(&self) -> &SessionInfo {
        &self.info
    }

    /// The limits in force (after clamping to the protocol's bounds).
    pub fn limits(&self) -> &DatagramLimits {
        &self.limits
    }

    /// Largest plaintext of one datagram.
    pub fn max_plaintext(&self) -> usize {
        self.limits.max_datagram - DATAGRAM_HEADER_LEN - TAG_LEN
    }

    /// The AEAD datagrams are sent under now.
    pub fn send_aead(&self) -> u16 {
        self.send.aead
    }

    /// The current sending epoch.
    pub fn send_epoch(&self) -> u16 {
        self.send_epoch
    }

    /// The newest receive epoch.
    pub fn recv_epoch(&self) -> u16 {
        self.current.epoch
    }

    /// The sequence number of the next datagram sent in this epoch.
    pub fn send_sequence(&self) -> u64 {
        self.send.seq
    }

    /// Whether the peer closed the session.
    pub fn peer_closed(&self) -> bool {
        self.received_close
    }

    /// Takes the datagrams produced so far, one `Vec` per datagram, in order.
    pub fn take_datagrams(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.outbox)
    }

    fn usable_for_send(&self) -> Result<()> {
        if self.failed {
            Err(Error::SessionFailed)
        } else if self.sent_close {
            Err(Error::Closed)
        } else {
            Ok(())
        }
    }

    /// Re-reads the policy if it changed; moves or closes as the module docs say.
    pub fn enforce_policy(&mut self, now: u64) -> Result<()> {
        let generation = self.policy.generation();
        if self.generation == Some(generation) {
            return Ok(());
        }
        self.generation = Some(generation);
        match policy_verdict(&self.policy, &self.info, self.send.aead) {
            PolicyVerdict::Keep => {}
            PolicyVerdict::Close(c) => {
                if self.policy.permits(self.send.aead) && !self.sent_close && !self.failed {
                    self.seal_batch(datagram_type::CLOSE, &[&[1]])?;
                    self.sent_close = true;
                }
                self.failed = true;
                return Err(Error::SuiteWithdrawn { codepoint: c });
            }
            PolicyVerdict::MoveAead(new) => self.next_send_epoch(new, now)?,
            PolicyVerdict::Stop(withdrawn) => {
                self.failed = true;
                return Err(Error::SuiteWithdrawn {
                    codepoint: withdrawn,
                });
            }
        }
        Ok(())
    }

    /// Moves the sending direction to the next epoch, under `aead`.
    fn next_send_epoch(&mut self, aead: u16, now: u64) -> Result<()> {
        let next = u32::from(self.send_epoch) + 1;
        if next >= self.limits.max_epochs {
            return Err(Error::KeyLimitExceeded);
        }
        let kdf = self.info.suite.kdf;
        let secret = next_secret(kdf, &self.send.secret)?;
        self.send = Dir::new(&self.engine, kdf, secret, aead, now)?;
        self.send_epoch = next as u16;
        self.update_requested = false;
        Ok(())
    }

    /// Opens a new epoch first if a limit, a request or the peer's AEAD says so.
    fn roll_epoch_if_due(&mut self, now: u64) -> Result<()> {
        let follow = self
            .follow_aead
            .take()
            .filter(|&a| a != self.send.aead && self.policy.permits(a));
        let due = self.update_requested
            || self.send.seq >= self.limits.max_datagrams_per_epoch
            || self.send.bytes >= self.limits.max_bytes_per_epoch
            || now.saturating_sub(self.send.since) >= self.limits.max_epoch_age_ms;
        if follow.is_some() || due {
            self.next_send_epoch(follow.unwrap_or(self.send.aead), now)?;
        }
        Ok(())
    }

    /// Seals `payloads` as datagrams of type `t` in the current epoch, in one engine batch.
    fn seal_batch(&mut self, t: u8, payloads: &[&[u8]]) -> Result<()> {
        let mut items: Vec<(u64, Vec<u8>, Vec<u8>)> = Vec::with_capacity(payloads.len());
        for p in payloads {
            let seq = self.send.seq;
            let mut header = Vec::with_capacity(DATAGRAM_HEADER_LEN);
            header.push(DATAGRAM_VERSION);
            header.push(t);
            header.extend_from_slice(&self.send.aead.to_be_bytes());
            header.extend_from_slice(&self.send_epoch.to_be_bytes());
            header.extend_from_slice(&seq.to_be_bytes());
            items.push((seq, header, p.to_vec()));
            // Counted before sealing: a failed seal never reuses the number.
            self.send.seq += 1;
            self.send.bytes += p.len() as u64;
        }
        let mut jobs: Vec<(u64, &[u8], &mut Vec<u8>)> = items
            .iter_mut()
            .map(|(seq, header, buf)| (*seq, header.as_slice(), buf))
            .collect();
        if let Err(e) = self.send.process_many(Direction::Seal, &mut jobs) {
            self.failed = true;
            return Err(e);
        }
        for (_, mut header, buf) in items {
            header.extend_from_slice(&buf);
            self.outbox.push(header);
        }
        Ok(())
    }

    /// Seals `data` as one datagram (into [`take_datagrams`](Self::take_datagrams)).
    /// Datagrams are never fragmented: more than [`max_plaintext`](Self::max_plaintext)
    /// bytes is [`Error::RecordTooLarge`] and nothing is sent.
    pub fn send(&mut self, data: &[u8], now: u64) -> Result<()> {
        self.send_batch(&[data], now)
    }

    /// Seals each message as its own datagram, in as few engine batches as the epoch limits allow.
    pub fn send_batch(&mut self, messages: &[&[u8]], now: u64) -> Result<()> {
        self.usable_for_send()?;
        let max = self.max_plaintext();
        if let Some(m) = messages.iter().find(|m| m.len() > max) {
            return Err(Error::RecordTooLarge {
                max,
                found: m.len(),
            });
        }
        self.enforce_policy(now)?;
        let mut rest = messages;
        while !rest.is_empty() {
            self.roll_epoch_if_due(now)?;
            let room_records = self.limits.max_datagrams_per_epoch - self.send.seq;
            let mut room_bytes = self
                .limits
                .max_bytes_per_epoch
                .saturating_sub(self.send.bytes);
            let mut n = 0;
            while n < rest.len() && (n as u64) < room_records && (n == 0 || room_bytes > 0) {
                room_bytes = room_bytes.saturating_sub(rest[n].len() as u64);
                n += 1;
            }
            self.seal_batch(datagram_type::DATA, &rest[..n])?;
            rest = &rest[n..];
        }
        Ok(())
    }

    /// Opens a new sending epoch with the next datagram.
    pub fn request_key_update(&mut self) -> Result<()> {
        self.usable_for_send()?;
        self.update_requested = true;
        Ok(())
    }

    /// Seals an authenticated close. Nothing can be sent afterwards; the
    /// datagram may be sent more than once in case it is lost.
    pub fn close(&mut self, now: u64) -> Result<()> {
        self.usable_for_send()?;
        self.enforce_policy(now)?;
        self.roll_epoch_if_due(now)?;
        self.seal_batch(datagram_type::CLOSE, &[&[0]])?;
        self.sent_close = true;
        Ok(())
    }

    /// Opens one datagram from the peer. An error drops this datagram only;
    /// the session goes on (see the module docs).
    pub fn receive(&mut self, datagram: &[u8], now: u64) -> Result<DatagramEvent> {
        if self.failed {
            return Err(Error::SessionFailed);
        }
        if self.received_close {
            return Err(Error::Closed);
        }
        self.expire_previous(now);
        let max = self.limits.max_datagram;
        if datagram.len() > max {
            return Err(Error::RecordTooLarge {
                max,
                found: datagram.len(),
            });
        }
        let mut r = Reader::new(datagram);
        let version = r.u8("datagram header")?;
        if version != DATAGRAM_VERSION {
            return Err(Error::UnsupportedVersion {
                what: "datagram",
                found: version,
            });
        }
        let t = r.u8("datagram header")?;
        if t != datagram_type::DATA && t != datagram_type::CLOSE {
            return Err(Error::UnexpectedMessage {
                found: t,
                expected: "a datagram",
            });
        }
        let aead = r.u16("datagram header")?;
        let epoch = r.u16("datagram header")?;
        let seq = r.u64("datagram header")?;
        if r.remaining() < TAG_LEN {
            return Err(err("datagram", DecodeProblem::Truncated));
        }
        if seq >= HARD_DATAGRAM_LIMIT {
            return Err(Error::KeyLimitExceeded);
        }
        let opener = self.opener(aead, epoch, now)?;
        let target = match &opener {
            Opener::Current => &self.current,
            Opener::Previous => match &self.previous {
                Some(p) => &p.epoch,
                None => return Err(Error::SessionFailed),
            },
            Opener::Ahead(e) => e,
        };
        if target.dir.aead != aead {
            // Each epoch has one AEAD; another one named here cannot authenticate.
            return Err(Error::RecordAuthentication);
        }
        target.window.check(epoch, seq)?;
        let mut buf = datagram[DATAGRAM_HEADER_LEN..].to_vec();
        target.dir.process_one(
            Direction::Open,
            seq,
            &datagram[..DATAGRAM_HEADER_LEN],
            &mut buf,
        )?;
        let event = match t {
            datagram_type::DATA => DatagramEvent::Data(buf),
            _ if buf.len() == 1 && buf[0] <= 1 => DatagramEvent::Closed,
            _ => return Err(err("datagram close", DecodeProblem::Invalid)),
        };
        // Authenticated and well-formed: only now does any state move.
        self.commit(opener, seq, now);
        if event == DatagramEvent::Closed {
            self.received_close = true;
        }
        Ok(event)
    }

    /// Drops the previous receive epoch once its time or count is up.
    fn expire_previous(&mut self, now: u64) {
        if self
            .previous
            .as_ref()
            .is_some_and(|p| now > p.until || p.remaining == 0)
        {
            self.previous = None;
        }
    }

    /// Finds (or derives, for a newer epoch) the key `epoch` opens under.
    fn opener(&self, aead: u16, epoch: u16, now: u64) -> Result<Opener> {
        let current = self.current.epoch;
        if epoch == current {
            return Ok(Opener::Current);
        }
        if self
            .previous
            .as_ref()
            .is_some_and(|p| p.epoch.epoch == epoch)
        {
            return Ok(Opener::Previous);
        }
        let ahead = epoch.wrapping_sub(current);
        if epoch < current || ahead > MAX_EPOCH_SKIP {
            return Err(Error::DatagramEpochUnknown { epoch, current });
        }
        if !self.policy.permits(aead)
            || !agilis_suites::registry::by_codepoint(aead).is_ok_and(|a| a.kind == Kind::Aead)
        {
            return Err(Error::AeadSwitchRefused { codepoint: aead });
        }
        let kdf = self.info.suite.kdf;
        let mut secret = next_secret(kdf, &self.current.dir.secret)?;
        for _ in 1..ahead {
            secret = next_secret(kdf, &secret)?;
        }
        Ok(Opener::Ahead(Box::new(RecvEpoch {
            epoch,
            dir: Dir::new(&self.engine, kdf, secret, aead, now)?,
            window: ReplayWindow::default(),
        })))
    }

    /// Records `seq` as seen and, for a newer epoch, makes it current.
    fn commit(&mut self, opener: Opener, seq: u64, now: u64) {
        match opener {
            Opener::Current => self.current.window.accept(seq),
            Opener::Previous => {
                if let Some(p) = &mut self.previous {
                    p.epoch.window.accept(seq);
                    p.remaining = p.remaining.saturating_sub(1);
                }
            }
            Opener::Ahead(mut e) => {
                e.window.accept(seq);
                if e.dir.aead != self.current.dir.aead {
                    self.follow_aead = Some(e.dir.aead);
                }
                let old = std::mem::replace(&mut self.current, *e);
                self.previous = Some(Previous {
                    epoch: old,
                    until: now.saturating_add(self.limits.previous_epoch_ms),
                    remaining: self.limits.previous_epoch_datagrams,
                });
            }
        }
    }
}

//! The sans-IO anchor-to-anchor handshake (docs/anchor-protocol.md §4).
//!
//! ```text
//! Initiator                                   Responder
//! Offer{caps, shares, nonce, time}   ──▶
//!                                    ◀──      [Retry{kem}            if no share for its choice]
//! [Offer{same caps, share for kem}   ──▶]
//!                                    ◀──      Selection{suite, offer_hash, ct, cert, sig, mac}
//! Finish{cert, sig, mac}             ──▶
//! records                            ◀──▶     records
//! ```
//!
//! [`Initiator`] and [`Responder`] take whole frames and the current time
//! and return frames to send, then a [`Session`]. They do no I/O, read no
//! clock and keep no global state; the [`ReplayCache`] is shared explicitly.
//! After any error the state machine is dead ([`Error::SessionFailed`]); the
//! caller may send [`crate::messages::alert_frame`] for the error.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard};

use agilis_driver::Engine;
use agilis_suites::kem::{self, KemKeyPair};
use agilis_suites::profile::{self, Profile};
use agilis_suites::registry::{self, Registry, Withdrawal};
use agilis_suites::{Family, Kind, SecretBytes};

use crate::cert::Certificate;
use crate::error::{Error, Result};
use crate::messages::{
    self, Finish, Offer, Selection, frame, msg_type, selection_head, split_frame,
};
use crate::pki::Identity;
use crate::record::{Peer, RecordLimits, Session, SessionInfo, Suite};
use crate::schedule::{RunningHash, derive, hash_len, mac, mac_ok, traffic_secrets};
use crate::trust::TrustBackend;
use crate::wire::Writer;

const RESPONDER_SIG_LABEL: &[u8] = b"agilis-anchor/v1 responder signature\0";
const INITIATOR_SIG_LABEL: &[u8] = b"agilis-anchor/v1 initiator signature\0";

/// A profile read against a registry that policy may change at run time.
/// Clones share the registry: a withdrawal through one is seen by every
/// handshake and live session holding a clone.
#[derive(Debug, Clone)]
pub struct Policy {
    /// the profile
    pub profile: &'static Profile,
    registry: Arc<RwLock<Registry>>,
}

impl Policy {
    /// `profile` over a fresh registry.
    pub fn new(profile: &'static Profile) -> Policy {
        Policy {
            profile,
            registry: Arc::new(RwLock::new(Registry::new())),
        }
    }

    /// A built-in profile by name (`anchor`, `vehicle`, `constrained`).
    pub fn by_name(name: &str) -> Result<Policy> {
        Ok(Policy::new(profile::by_name(name)?))
    }

    /// `profile` over a shared registry.
    pub fn with_registry(profile: &'static Profile, registry: Arc<RwLock<Registry>>) -> Policy {
        Policy { profile, registry }
    }

    fn registry(&self) -> RwLockReadGuard<'_, Registry> {
        self.registry.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Withdraws an algorithm or family, for every holder of this policy.
    pub fn withdraw(&self, what: Withdrawal) {
        self.registry
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .withdraw(what);
    }

    /// The registry's generation (changes on every withdrawal).
    pub fn generation(&self) -> u64 {
        self.registry().generation()
    }

    /// What the profile allows of `kind` now, most preferred first.
    pub fn allowed(&self, kind: Kind) -> Vec<u16> {
        self.profile
            .allowed(&self.registry(), kind)
            .iter()
            .map(|a| a.codepoint)
            .collect()
    }

    /// Whether `codepoint` may be used now.
    pub fn permits(&self, codepoint: u16) -> bool {
        registry::by_codepoint(codepoint).is_ok_and(|a| self.allowed(a.kind).contains(&codepoint))
    }
}

/// Nonce → expiry, and the same in insertion order for eviction.
type ReplayEntries = (HashMap<[u8; 32], u64>, VecDeque<([u8; 32], u64)>);

/// Anti-replay: the nonces of offers seen within the clock window.
#[derive(Debug)]
pub struct ReplayCache {
    inner: Mutex<ReplayEntries>,
    capacity: usize,
}

impl ReplayCache {
    /// A cache holding at most `capacity` live entries; when full of live
    /// entries it refuses new offers ([`Error::ReplayCacheFull`]) rather
    /// than forget one that could still be replayed.
    pub fn new(capacity: usize) -> ReplayCache {
        ReplayCache {
            inner: Mutex::new((HashMap::new(), VecDeque::new())),
            capacity,
        }
    }

    /// Records `nonce` until `expires` (unix ms); [`Error::Replay`] if it is already there.
    pub fn check_and_insert(&self, nonce: [u8; 32], now: u64, expires: u64) -> Result<()> {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let (map, order) = &mut *guard;
        while let Some(&(n, exp)) = order.front() {
            if exp >= now {
                break;
            }
            order.pop_front();
            if map.get(&n) == Some(&exp) {
                map.remove(&n);
            }
        }
        if map.contains_key(&nonce) {
            return Err(Error::Replay);
        }
        if map.len() >= self.capacity {
            return Err(Error::ReplayCacheFull);
        }
        map.insert(nonce, expires);
        order.push_back((nonce, expires));
        Ok(())
    }

    /// Live entries.
    pub fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).0.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for ReplayCache {
    fn default() -> Self {
        ReplayCache::new(1 << 20)
    }
}

/// Everything one side needs for handshakes.
#[derive(Clone)]
pub struct Config {
    /// our certificate and key
    pub identity: Arc<Identity>,
    /// who we trust
    pub trust: Arc<dyn TrustBackend>,
    /// what we allow
    pub policy: Policy,
    /// the AEAD engine sessions seal records with
    pub engine: Arc<dyn Engine>,
    /// largest accepted difference between the peer's clock and ours, ms (default 30 s)
    pub clock_window_ms: u64,
    /// initiator: how many key shares to send, for its most preferred KEMs (default 1)
    pub key_shares: usize,
    /// if set, the peer's certificate must name this subnet
    pub expected_peer: Option<String>,
    /// record-layer limits of the sessions
    pub limits: RecordLimits,
}

impl Config {
    /// A configuration with the defaults.
    pub fn new(
        identity: Arc<Identity>,
        trust: Arc<dyn TrustBackend>,
        policy: Policy,
        engine: Arc<dyn Engine>,
    ) -> Config {
        Config {
            identity,
            trust,
            policy,
            engine,
            clock_window_ms: 30_000,
            key_shares: 1,
            expected_peer: None,
            limits: RecordLimits::default(),
        }
    }

    fn check_time(&self, peer: u64, now: u64) -> Result<()> {
        let skew = peer as i128 - now as i128;
        if skew.unsigned_abs() > self.clock_window_ms as u128 {
            return Err(Error::ClockSkew {
                skew_ms: skew.clamp(i64::MIN as i128, i64::MAX as i128) as i64,
                window_ms: self.clock_window_ms,
            });
        }
        Ok(())
    }

    /// Our policy's list of `kind`, restricted to what our certificate lists.
    fn offerable(&self, kind: Kind) -> Vec<u16> {
        let caps = &self.identity.cert.capabilities;
        self.policy
            .allowed(kind)
            .into_iter()
            .filter(|c| caps.contains(c))
            .collect()
    }

    /// Checks the peer's certificate: trust, expected name, capabilities.
    pub(crate) fn check_peer(
        &self,
        cert_bytes: &[u8],
        suite: &[u16],
        now: u64,
    ) -> Result<Certificate> {
        let cert = Certificate::decode(cert_bytes)?;
        self.trust.validate(&cert, now)?;
        if let Some(want) = &self.expected_peer
            && &cert.subnet != want
        {
            return Err(Error::UnexpectedPeer {
                found: cert.subnet.clone(),
            });
        }
        if let Some(&c) = suite.iter().find(|c| !cert.capabilities.contains(c)) {
            return Err(Error::NotCertified { codepoint: c });
        }
        Ok(cert)
    }
}

fn random_nonce() -> Result<[u8; 32]> {
    let mut n = [0u8; 32];
    getrandom::fill(&mut n).map_err(|_| Error::Suites(agilis_suites::Error::Rng))?;
    Ok(n)
}

pub(crate) fn families(codepoints: &[u16]) -> Vec<Family> {
    let mut set = registry::FamilySet::default();
    for c in codepoints {
        if let Ok(a) = registry::by_codepoint(*c) {
            a.families.iter().for_each(|f| set.insert(*f));
        }
    }
    set.iter().collect()
}

/// Where an initiator is.
enum IState {
    AwaitSelection,
    Done,
    Failed,
}

/// What the initiator does next.
#[derive(Debug)]
pub enum InitiatorOutput {
    /// The responder asked for another key share: send this retried offer.
    Send(Vec<u8>),
    /// Done: send `finish`; the session is ready (records may follow `finish` at once).
    Established {
        /// the Finish frame
        finish: Vec<u8>,
        /// the session
        session: Box<Session>,
    },
}

/// The initiating side.
pub struct Initiator {
    cfg: Config,
    state: IState,
    offer: Offer,
    shares: Vec<(u16, KemKeyPair)>,
    transcript: Vec<u8>,
    retried: bool,
}

impl Initiator {
    /// Starts a handshake: returns the state machine and the Offer frame to send.
    pub fn new(cfg: Config, now: u64) -> Result<(Initiator, Vec<u8>)> {
        let [kems, sigs, aeads, kdfs] =
            [Kind::Kem, Kind::Signature, Kind::Aead, Kind::Kdf].map(|k| cfg.offerable(k));
        for (list, kind) in [
            (&kems, Kind::Kem),
            (&sigs, Kind::Signature),
            (&aeads, Kind::Aead),
            (&kdfs, Kind::Kdf),
        ] {
            if list.is_empty() {
                return Err(Error::NothingToOffer(kind));
            }
        }
        if !sigs.contains(&cfg.identity.cert.key_alg) {
            return Err(Error::NothingToOffer(Kind::Signature));
        }
        let trim = |mut v: Vec<u16>| {
            v.truncate(messages::MAX_LIST);
            v
        };
        let (kems, sigs, aeads, kdfs) = (trim(kems), trim(sigs), trim(aeads), trim(kdfs));
        let mut shares = Vec::new();
        for &k in kems
            .iter()
            .take(cfg.key_shares.clamp(1, messages::MAX_SHARES))
        {
            shares.push((k, kem::scheme(k)?.keygen()?));
        }
        let offer = Offer {
            nonce: random_nonce()?,
            timestamp: now,
            kems,
            sigs,
            aeads,
            kdfs,
            shares: shares
                .iter()
                .map(|(k, kp)| (*k, kp.public_key.clone()))
                .collect(),
        };
        let f = frame(msg_type::OFFER, &offer.encode());
        let init = Initiator {
            cfg,
            state: IState::AwaitSelection,
            offer,
            shares,
            transcript: f.clone(),
            retried: false,
        };
        Ok((init, f))
    }

    /// Feeds one frame from the responder.
    pub fn receive(&mut self, frame_bytes: &[u8], now: u64) -> Result<InitiatorOutput> {
        if !matches!(self.state, IState::AwaitSelection) {
            return Err(Error::SessionFailed);
        }
        let r = self.step(frame_bytes, now);
        self.state = match &r {
            Ok(InitiatorOutput::Send(_)) => IState::AwaitSelection,
            Ok(InitiatorOutput::Established { .. }) => IState::Done,
            Err(_) => IState::Failed,
        };
        r
    }

    fn step(&mut self, frame_bytes: &[u8], now: u64) -> Result<InitiatorOutput> {
        let (t, body) = split_frame(frame_bytes)?;
        match t {
            msg_type::ALERT => Err(Error::PeerAlert(messages::decode_alert(body)?)),
            msg_type::RETRY if !self.retried => {
                let k = messages::decode_retry(body)?;
                if !self.offer.kems.contains(&k) || self.shares.iter().any(|(s, _)| *s == k) {
                    return Err(Error::SelectionNotOffered { codepoint: k });
                }
                self.retried = true;
                self.transcript.extend_from_slice(frame_bytes);
                let kp = kem::scheme(k)?.keygen()?;
                self.offer.timestamp = now;
                self.offer.shares = vec![(k, kp.public_key.clone())];
                self.shares = vec![(k, kp)];
                let f = frame(msg_type::OFFER, &self.offer.encode());
                self.transcript.extend_from_slice(&f);
                Ok(InitiatorOutput::Send(f))
            }
            msg_type::SELECTION => self.selection(frame_bytes, body, now),
            other => Err(Error::UnexpectedMessage {
                found: other,
                expected: "selection or retry",
            }),
        }
    }

    fn selection(&mut self, frame_bytes: &[u8], body: &[u8], now: u64) -> Result<InitiatorOutput> {
        let sel = Selection::decode(body)?;
        for (c, list) in [
            (sel.kem, &self.offer.kems),
            (sel.sig, &self.offer.sigs),
            (sel.aead, &self.offer.aeads),
            (sel.kdf, &self.offer.kdfs),
        ] {
            if !list.contains(&c) {
                return Err(Error::SelectionNotOffered { codepoint: c });
            }
        }
        let kdf = sel.kdf;
        // One running hash of the transcript; `sh` forks it for the hashes
        // inside the Selection, which cover its type byte and body prefixes.
        let mut th = RunningHash::new(kdf)?;
        th.update(&self.transcript);
        // Downgrade check: the responder's view of our offer(s) must be ours.
        if th.peek()? != sel.offer_hash {
            return Err(Error::TamperedTranscript);
        }
        self.cfg.check_time(sel.timestamp, now)?;
        let share = self
            .shares
            .iter()
            .find(|(k, _)| *k == sel.kem)
            .ok_or(Error::SelectionNotOffered { codepoint: sel.kem })?;
        let ss = kem::scheme(sel.kem)?.decaps(share.1.secret_key.expose(), &sel.ciphertext)?;
        let mut sh = th.clone();
        sh.update(&[msg_type::SELECTION]);
        sh.update(&body[..sel.ct_end]);
        let th_k = sh.peek()?;
        let hl = hash_len(kdf)?;
        let hs = derive(kdf, &th_k, ss.expose(), "handshake", &[], hl)?;
        let peer = self
            .cfg
            .check_peer(&sel.certificate, &[sel.kem, sel.aead, sel.kdf], now)?;
        if peer.key_alg != sel.sig {
            return Err(Error::BadSignature);
        }
        sh.update(&body[sel.ct_end..sel.cert_end]);
        let th_rs = sh.peek()?;
        // peer.key_alg == sel.sig (checked above)
        if !peer.verify_labeled(RESPONDER_SIG_LABEL, &th_rs, &sel.signature)? {
            return Err(Error::BadSignature);
        }
        let rck = derive(kdf, &[], hs.expose(), "responder confirm", &[], hl)?;
        sh.update(&body[sel.cert_end..sel.sig_end]);
        let th_rm = sh.peek()?;
        if !mac_ok(kdf, &rck, &th_rm, &sel.mac)? {
            return Err(Error::KeyConfirmationFailed);
        }
        self.transcript.extend_from_slice(frame_bytes);
        th.update(frame_bytes);

        // Finish
        let me = &self.cfg.identity;
        let mut w = Writer::new();
        w.lp16(&me.cert_bytes);
        let mut fh = th.clone();
        fh.update(&[msg_type::FINISH]);
        fh.update(&w.0);
        let th_is = fh.peek()?;
        let signature = me.key.sign_labeled(INITIATOR_SIG_LABEL, &th_is)?;
        let signed = w.0.len();
        w.lp16(&signature);
        fh.update(&w.0[signed..]);
        let th_im = fh.peek()?;
        let ick = derive(kdf, &[], hs.expose(), "initiator confirm", &[], hl)?;
        w.lp8(&mac(kdf, &ick, &th_im)?);
        let finish = frame(msg_type::FINISH, &w.0);
        self.transcript.extend_from_slice(&finish);
        th.update(&finish);

        let suite = Suite {
            kem: sel.kem,
            aead: sel.aead,
            kdf,
            sig_initiator: me.cert.key_alg,
            sig_responder: sel.sig,
        };
        let peer_aeads = peer.capabilities.clone();
        let session = establish(
            &self.cfg,
            true,
            suite,
            peer,
            peer_aeads,
            th.peek()?,
            &hs,
            self.retried,
            now,
        )?;
        Ok(InitiatorOutput::Established {
            finish,
            session: Box::new(session),
        })
    }
}

/// Derives the traffic secrets and builds the session.
#[allow(clippy::too_many_arguments)]
fn establish(
    cfg: &Config,
    initiator: bool,
    suite: Suite,
    peer: Certificate,
    peer_caps: Vec<u16>,
    th_f: Vec<u8>,
    hs: &SecretBytes,
    retried: bool,
    now: u64,
) -> Result<Session> {
    let (i2r, r2i, binding) = traffic_secrets(
        suite.kdf,
        &th_f,
        hs,
        ("initiator traffic", "responder traffic", "session binding"),
    )?;
    let info = SessionInfo {
        initiator,
        families: suite.families(),
        suite,
        transcript_hash: th_f,
        binding,
        peer: Peer::Anchor(peer),
        retried,
        peer_aeads: peer_caps
            .into_iter()
            .filter(|c| registry::by_codepoint(*c).is_ok_and(|a| a.kind == Kind::Aead))
            .collect(),
    };
    let (send, recv) = if initiator { (i2r, r2i) } else { (r2i, i2r) };
    Session::from_traffic_secrets(
        info,
        cfg.policy.clone(),
        cfg.engine.clone(),
        cfg.limits,
        send,
        recv,
        now,
    )
}

enum RState {
    AwaitOffer,
    AwaitRetriedOffer {
        first: Offer,
        suite: [u16; 4],
    },
    AwaitFinish {
        offer: Offer,
        suite: [u16; 4],
        hs: SecretBytes,
        /// the running hash of the transcript through the Selection
        th: Box<RunningHash>,
    },
    Done,
    Failed,
}

/// What the responder does next.
#[derive(Debug)]
pub enum ResponderOutput {
    /// Send this frame (a Retry or the Selection) and wait for the next one.
    Send(Vec<u8>),
    /// Done: the session is ready.
    Established(Box<Session>),
}

/// The responding side.
pub struct Responder {
    cfg: Config,
    replay: Arc<ReplayCache>,
    state: RState,
    transcript: Vec<u8>,
    retried: bool,
}

impl Responder {
    /// A responder waiting for an offer. `replay` is shared by all the
    /// responders of one service.
    pub fn new(cfg: Config, replay: Arc<ReplayCache>) -> Responder {
        Responder {
            cfg,
            replay,
            state: RState::AwaitOffer,
            transcript: Vec::new(),
            retried: false,
        }
    }

    /// Feeds one frame from the initiator.
    pub fn receive(&mut self, frame_bytes: &[u8], now: u64) -> Result<ResponderOutput> {
        let state = std::mem::replace(&mut self.state, RState::Failed);
        let r = self.step(state, frame_bytes, now);
        if r.is_err() {
            self.state = RState::Failed;
        }
        r
    }

    fn step(&mut self, state: RState, frame_bytes: &[u8], now: u64) -> Result<ResponderOutput> {
        let (t, body) = split_frame(frame_bytes)?;
        if t == msg_type::ALERT {
            return Err(Error::PeerAlert(messages::decode_alert(body)?));
        }
        match (state, t) {
            (RState::AwaitOffer, msg_type::OFFER) => {
                let offer = Offer::decode(body)?;
                self.cfg.check_time(offer.timestamp, now)?;
                let expires = offer
                    .timestamp
                    .max(now)
                    .saturating_add(self.cfg.clock_window_ms);
                self.replay.check_and_insert(offer.nonce, now, expires)?;
                self.transcript.extend_from_slice(frame_bytes);
                let suite = self.select(&offer)?;
                if offer.shares.iter().any(|(k, _)| *k == suite[0]) {
                    self.selection(offer, suite, now)
                } else {
                    let retry = frame(msg_type::RETRY, &suite[0].to_be_bytes());
                    self.transcript.extend_from_slice(&retry);
                    self.retried = true;
                    self.state = RState::AwaitRetriedOffer {
                        first: offer,
                        suite,
                    };
                    Ok(ResponderOutput::Send(retry))
                }
            }
            (RState::AwaitRetriedOffer { first, suite }, msg_type::OFFER) => {
                let offer = Offer::decode(body)?;
                if !offer.same_capabilities(&first)
                    || !offer.shares.iter().any(|(k, _)| *k == suite[0])
                {
                    return Err(Error::RetryMismatch);
                }
                self.cfg.check_time(offer.timestamp, now)?;
                self.transcript.extend_from_slice(frame_bytes);
                self.selection(offer, suite, now)
            }
            (
                RState::AwaitFinish {
                    offer,
                    suite,
                    hs,
                    th,
                },
                msg_type::FINISH,
            ) => self.finish(frame_bytes, body, offer, suite, hs, th, now),
            (RState::Done | RState::Failed, _) => Err(Error::SessionFailed),
            (_, other) => Err(Error::UnexpectedMessage {
                found: other,
                expected: "the next handshake message",
            }),
        }
    }

    /// Deterministic choice: for each kind, our most preferred allowed
    /// algorithm that our certificate lists and the offer contains.
    /// Returns [kem, sig, aead, kdf].
    fn select(&self, offer: &Offer) -> Result<[u16; 4]> {
        let pick = |kind: Kind, offered: &[u16]| {
            self.cfg
                .offerable(kind)
                .into_iter()
                .find(|c| offered.contains(c))
                .ok_or(Error::NoCommonSuite(kind))
        };
        let kem = pick(Kind::Kem, &offer.kems)?;
        let own_sig = self.cfg.identity.cert.key_alg;
        if !self.cfg.policy.permits(own_sig) {
            return Err(Error::NothingToOffer(Kind::Signature));
        }
        if !offer.sigs.contains(&own_sig) {
            return Err(Error::NoCommonSuite(Kind::Signature));
        }
        let aead = pick(Kind::Aead, &offer.aeads)?;
        let kdf = pick(Kind::Kdf, &offer.kdfs)?;
        if self.cfg.policy.profile.require_two_families {
            for c in [kem, own_sig] {
                if !registry::by_codepoint(c)?.spans_two_families() {
                    return Err(Error::NoCommonSuite(registry::by_codepoint(c)?.kind));
                }
            }
        }
        Ok([kem, own_sig, aead, kdf])
    }

    fn selection(&mut self, offer: Offer, suite: [u16; 4], now: u64) -> Result<ResponderOutput> {
        let [kem_cp, _, _, kdf] = suite;
        let pk = &offer
            .shares
            .iter()
            .find(|(k, _)| *k == kem_cp)
            .expect("checked by caller")
            .1;
        let enc = kem::scheme(kem_cp)?.encaps(pk)?;
        let mut th = RunningHash::new(kdf)?;
        th.update(&self.transcript);
        let offer_hash = th.peek()?;
        let nonce = random_nonce()?;
        let mut w = Writer(selection_head(
            &nonce,
            now,
            suite,
            &offer_hash,
            &enc.ciphertext,
        ));
        let hl = hash_len(kdf)?;
        // Forks of the running hash for the hashes inside the Selection.
        let mut sh = th.clone();
        sh.update(&[msg_type::SELECTION]);
        sh.update(&w.0);
        let th_k = sh.peek()?;
        let hs = derive(kdf, &th_k, enc.shared_secret.expose(), "handshake", &[], hl)?;
        let hashed = w.0.len();
        w.lp16(&self.cfg.identity.cert_bytes);
        sh.update(&w.0[hashed..]);
        let th_rs = sh.peek()?;
        let signature = self
            .cfg
            .identity
            .key
            .sign_labeled(RESPONDER_SIG_LABEL, &th_rs)?;
        let hashed = w.0.len();
        w.lp16(&signature);
        sh.update(&w.0[hashed..]);
        let th_rm = sh.peek()?;
        let rck = derive(kdf, &[], hs.expose(), "responder confirm", &[], hl)?;
        w.lp8(&mac(kdf, &rck, &th_rm)?);
        let f = frame(msg_type::SELECTION, &w.0);
        self.transcript.extend_from_slice(&f);
        th.update(&f);
        self.state = RState::AwaitFinish {
            offer,
            suite,
            hs,
            th: Box::new(th),
        };
        Ok(ResponderOutput::Send(f))
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        &mut self,
        frame_bytes: &[u8],
        body: &[u8],
        offer: Offer,
        suite: [u16; 4],
        hs: SecretBytes,
        mut th: Box<RunningHash>,
        now: u64,
    ) -> Result<ResponderOutput> {
        let [kem_cp, own_sig, aead, kdf] = suite;
        let fin = Finish::decode(body)?;
        let peer = self
            .cfg
            .check_peer(&fin.certificate, &[kem_cp, aead, kdf], now)?;
        if !offer.sigs.contains(&peer.key_alg) || !self.cfg.policy.permits(peer.key_alg) {
            return Err(Error::NoCommonSuite(Kind::Signature));
        }
        let mut fh = th.clone();
        fh.update(&[msg_type::FINISH]);
        fh.update(&body[..fin.cert_end]);
        let th_is = fh.peek()?;
        if !peer.verify_labeled(INITIATOR_SIG_LABEL, &th_is, &fin.signature)? {
            return Err(Error::BadSignature);
        }
        let hl = hash_len(kdf)?;
        let ick = derive(kdf, &[], hs.expose(), "initiator confirm", &[], hl)?;
        fh.update(&body[fin.cert_end..fin.sig_end]);
        let th_im = fh.peek()?;
        if !mac_ok(kdf, &ick, &th_im, &fin.mac)? {
            return Err(Error::KeyConfirmationFailed);
        }
        self.transcript.extend_from_slice(frame_bytes);
        th.update(frame_bytes);
        let suite = Suite {
            kem: kem_cp,
            aead,
            kdf,
            sig_initiator: peer.key_alg,
            sig_responder: own_sig,
        };
        let peer_caps: Vec<u16> = offer
            .aeads
            .iter()
            .copied()
            .filter(|c| peer.capabilities.contains(c))
            .collect();
        let session = establish(
            &self.cfg,
            false,
            suite,
            peer,
            peer_caps,
            th.peek()?,
            &hs,
            self.retried,
            now,
        )?;
        self.state = RState::Done;
        Ok(ResponderOutput::Established(Box::new(session)))
    }
}

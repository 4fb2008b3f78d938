//! The Noise handshake suite `Noise_XXhfs_25519+Kyber1024_ChaChaPoly_BLAKE2s`,
//! through `snow`, for peers that already speak Noise
//! (docs/anchor-protocol.md §8).
//!
//! ```text
//! Initiator                                               Responder
//! → e, e1                                 (payload empty)
//! ← e, ee, ekem1, s, es                   (payload: identity of the responder)
//! → s, se                                 (payload: identity of the initiator)
//! identity  = u8 version (1) ‖ lp16 certificate ‖ lp16 signature
//! signature = Sign(anchor key, "agilis-noise/v1 static key\0" ‖ lp8 noise_static_public ‖ lp8 h)
//!             h: the Noise handshake hash just before the message that carries it
//! ```
//!
//! The Noise messages are standard: any Noise implementation of the pattern
//! talks to [`NoiseHandshake`]; to be accepted it carries the identity
//! payload ([`identity_payload`], [`verify_identity_payload`]). The signature
//! binds the peer's Noise static key to its agilis certificate *and* to this
//! handshake, so neither can be moved to another session. Certificates are
//! checked by the [`crate::trust::TrustBackend`] exactly as in the anchor
//! handshake (trust, validity, revocation, expected subnet).
//!
//! Sans-IO: whole Noise messages in, whole messages out (a transport frames
//! them, e.g. with a `u16` length as the Noise specification suggests); at
//! most [`MAX_NOISE_MESSAGE`] bytes each. Run-time policy: the suite rests on
//! X25519 + a lattice KEM and ChaCha20-Poly1305; it is refused, and a live
//! [`NoiseTransport`] stops sending, once policy withdraws
//! [`cp::ML_KEM_1024_X25519`] (the registry's entry for those two families)
//! or [`cp::CHACHA20_POLY1305`].

use agilis_suites::registry::codepoint as cp;
use snow::params::NoiseParams;
use snow::{HandshakeState, TransportState};
use zeroize::Zeroizing;

use crate::cert::Certificate;
use crate::error::{DecodeProblem, Error, Result};
use crate::handshake::{Config, Policy};
use crate::pki::Identity;
use crate::wire::{Reader, Writer, err};

/// The Noise protocol name of the suite.
pub const NOISE_SUITE: &str = "Noise_XXhfs_25519+Kyber1024_ChaChaPoly_BLAKE2s";
/// Largest Noise message (the Noise specification's bound).
pub const MAX_NOISE_MESSAGE: usize = 65_535;
/// The ChaChaPoly tag.
const TAG_LEN: usize = 16;
/// Largest plaintext of one transport message.
pub const MAX_NOISE_PLAINTEXT: usize = MAX_NOISE_MESSAGE - TAG_LEN;
/// Registry code points whose withdrawal stops the suite.
pub const NOISE_POLICY_CODEPOINTS: [u16; 2] = [cp::ML_KEM_1024_X25519, cp::CHACHA20_POLY1305];

const PAYLOAD_VERSION: u8 = 1;
const BINDING_LABEL: &[u8] = b"agilis-noise/v1 static key\0";

fn params() -> Result<NoiseParams> {
    NOISE_SUITE.parse().map_err(noise_err)
}

fn noise_err(e: snow::Error) -> Error {
    Error::Noise(e.to_string())
}

/// A handshake message that does not decrypt was altered (or the peer derived other keys).
fn handshake_err(e: snow::Error) -> Error {
    match e {
        snow::Error::Decrypt => Error::TamperedTranscript,
        e => noise_err(e),
    }
}

fn check_policy(policy: &Policy) -> Result<()> {
    match NOISE_POLICY_CODEPOINTS
        .into_iter()
        .find(|c| !policy.permits(*c))
    {
        Some(codepoint) => Err(Error::SuiteWithdrawn { codepoint }),
        None => Ok(()),
    }
}

/// An anchor's Noise static key pair (X25519). The private half is wiped on drop.
pub struct NoiseStaticKey {
    private: Zeroizing<Vec<u8>>,
    public: Vec<u8>,
}

impl std::fmt::Debug for NoiseStaticKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoiseStaticKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl NoiseStaticKey {
    /// A fresh key pair from the OS RNG.
    pub fn generate() -> Result<NoiseStaticKey> {
        let kp = snow::Builder::new(params()?)
            .generate_keypair()
            .map_err(noise_err)?;
        Ok(NoiseStaticKey {
            private: Zeroizing::new(kp.private),
            public: kp.public,
        })
    }

    /// The public key (32 bytes).
    pub fn public(&self) -> &[u8] {
        &self.public
    }
}

fn binding_message(static_public: &[u8], handshake_hash: &[u8]) -> Result<Vec<u8>> {
    if static_public.len() > u8::MAX as usize || handshake_hash.len() > u8::MAX as usize {
        return Err(err("noise binding", DecodeProblem::Invalid));
    }
    let mut w = Writer::new();
    w.lp8(static_public);
    w.lp8(handshake_hash);
    Ok(w.0)
}

/// The identity payload binding `static_public` to `identity`'s certificate in
/// the handshake whose hash, before the carrying message, is `handshake_hash`.
pub fn identity_payload(
    identity: &Identity,
    static_public: &[u8],
    handshake_hash: &[u8],
) -> Result<Vec<u8>> {
    let sig = identity.key.sign_labeled(
        BINDING_LABEL,
        &binding_message(static_public, handshake_hash)?,
    )?;
    let mut w = Writer::new();
    w.u8(PAYLOAD_VERSION);
    w.lp16(&identity.cert_bytes);
    w.lp16(&sig);
    Ok(w.0)
}

/// Checks a peer's identity payload: the certificate through `cfg`'s trust
/// backend (and expected subnet), then its signature over `static_public`
/// and `handshake_hash`. Returns the certificate.
pub fn verify_identity_payload(
    cfg: &Config,
    payload: &[u8],
    static_public: &[u8],
    handshake_hash: &[u8],
    now: u64,
) -> Result<Certificate> {
    let mut r = Reader::new(payload);
    let version = r.u8("noise identity")?;
    if version != PAYLOAD_VERSION {
        return Err(Error::UnsupportedVersion {
            what: "noise identity",
            found: version,
        });
    }
    let cert_bytes = r.lp16(crate::cert::MAX_CERT_LEN, "noise identity certificate")?;
    let sig = r.lp16(u16::MAX as usize, "noise identity signature")?;
    r.finish("noise identity")?;
    let cert = cfg.check_peer(cert_bytes, &[], now)?;
    if !cfg.policy.permits(cert.key_alg) {
        return Err(Error::NoCommonSuite(agilis_suites::Kind::Signature));
    }
    if !cert.verify_labeled(
        BINDING_LABEL,
        &binding_message(static_public, handshake_hash)?,
        sig,
    )? {
        return Err(Error::BadSignature);
    }
    Ok(cert)
}

/// What the handshake does next.
#[derive(Debug)]
pub enum NoiseOutput {
    /// Send this message and wait for the peer's next one.
    Send(Vec<u8>),
    /// Done: send `send` if there is one; the transport is ready.
    Established {
        /// the last handshake message, for the initiator
        send: Option<Vec<u8>>,
        /// the transport phase
        transport: Box<NoiseTransport>,
    },
}

/// One side of the Noise handshake. After any error it is dead ([`Error::SessionFailed`]).
pub struct NoiseHandshake {
    cfg: Config,
    static_public: Vec<u8>,
    state: Option<HandshakeState>,
    peer: Option<Certificate>,
}

impl std::fmt::Debug for NoiseHandshake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoiseHandshake")
            .field("live", &self.state.is_some())
            .finish_non_exhaustive()
    }
}

impl NoiseHandshake {
    fn build(cfg: Config, key: &NoiseStaticKey, initiator: bool) -> Result<NoiseHandshake> {
        check_policy(&cfg.policy)?;
        let builder = snow::Builder::new(params()?)
            .local_private_key(&key.private)
            .map_err(noise_err)?;
        let state = if initiator {
            builder.build_initiator()
        } else {
            builder.build_responder()
        }
        .map_err(noise_err)?;
        Ok(NoiseHandshake {
            cfg,
            static_public: key.public.clone(),
            state: Some(state),
            peer: None,
        })
    }

    /// Starts a handshake as initiator: the state and the first message to send.
    pub fn initiator(cfg: Config, key: &NoiseStaticKey) -> Result<(NoiseHandshake, Vec<u8>)> {
        let mut h = Self::build(cfg, key, true)?;
        let mut out = vec![0u8; MAX_NOISE_MESSAGE];
        let state = h.state.as_mut().ok_or(Error::SessionFailed)?;
        let n = state.write_message(&[], &mut out).map_err(noise_err)?;
        out.truncate(n);
        Ok((h, out))
    }

    /// A responder waiting for the first message.
    pub fn responder(cfg: Config, key: &NoiseStaticKey) -> Result<NoiseHandshake> {
        Self::build(cfg, key, false)
    }

    /// Takes one message from the peer.
    pub fn receive(&mut self, message: &[u8], now: u64) -> Result<NoiseOutput> {
        let mut state = self.state.take().ok_or(Error::SessionFailed)?;
        let out = self.step(&mut state, message, now)?;
        match out {
            Step::Send(m) => {
                self.state = Some(state);
                Ok(NoiseOutput::Send(m))
            }
            Step::Done(send) => {
                let handshake_hash = state.get_handshake_hash().to_vec();
                let peer = self.peer.take().ok_or(Error::SessionFailed)?;
                let transport = state.into_transport_mode().map_err(noise_err)?;
                Ok(NoiseOutput::Established {
                    send,
                    transport: Box::new(NoiseTransport {
                        state: transport,
                        peer,
                        handshake_hash,
                        policy: self.cfg.policy.clone(),
                        generation: self.cfg.policy.generation(),
                        failed: false,
                    }),
                })
            }
        }
    }

    fn step(&mut self, state: &mut HandshakeState, message: &[u8], now: u64) -> Result<Step> {
        if message.len() > MAX_NOISE_MESSAGE {
            return Err(err(
                "noise message",
                DecodeProblem::TooLong {
                    max: MAX_NOISE_MESSAGE,
                    found: message.len(),
                },
            ));
        }
        if state.is_my_turn() {
            return Err(Error::UnexpectedMessage {
                found: 0,
                expected: "nothing: it is our turn to send",
            });
        }
        let h_before = state.get_handshake_hash().to_vec();
        let mut payload = vec![0u8; MAX_NOISE_MESSAGE];
        let n = state
            .read_message(message, &mut payload)
            .map_err(handshake_err)?;
        payload.truncate(n);
        match (self.peer.is_some(), state.get_remote_static()) {
            (false, Some(remote)) => {
                let remote = remote.to_vec();
                self.peer = Some(verify_identity_payload(
                    &self.cfg, &payload, &remote, &h_before, now,
                )?);
            }
            // The first message is sent in the clear: it carries nothing.
            _ if !payload.is_empty() => {
                return Err(err(
                    "noise first message payload",
                    DecodeProblem::TrailingBytes,
                ));
            }
            _ => {}
        }
        if state.is_handshake_finished() {
            return Ok(Step::Done(None));
        }
        let h = state.get_handshake_hash().to_vec();
        let payload = identity_payload(&self.cfg.identity, &self.static_public, &h)?;
        let mut out = vec![0u8; MAX_NOISE_MESSAGE];
        let n = state.write_message(&payload, &mut out).map_err(noise_err)?;
        out.truncate(n);
        Ok(if state.is_handshake_finished() {
            Step::Done(Some(out))
        } else {
            Step::Send(out)
        })
    }
}

enum Step {
    Send(Vec<u8>),
    Done(Option<Vec<u8>>),
}

/// The Noise transport phase: ChaChaPoly messages with implicit nonces, in order.
/// Any error ends it ([`Error::SessionFailed`] afterwards): a Noise stream
/// cannot resynchronise.
pub struct NoiseTransport {
    state: TransportState,
    peer: Certificate,
    handshake_hash: Vec<u8>,
    policy: Policy,
    generation: u64,
    failed: bool,
}

impl std::fmt::Debug for NoiseTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoiseTransport")
            .field("peer", &self.peer.subnet)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl NoiseTransport {
    /// The peer's verified certificate.
    pub fn peer(&self) -> &Certificate {
        &self.peer
    }

    /// The Noise handshake hash (channel binding).
    pub fn handshake_hash(&self) -> &[u8] {
        &self.handshake_hash
    }

    fn live(&self) -> Result<()> {
        if self.failed {
            Err(Error::SessionFailed)
        } else {
            Ok(())
        }
    }

    /// Encrypts one message (at most [`MAX_NOISE_PLAINTEXT`] bytes).
    pub fn seal(&mut self, plaintext: &[u8]) -> Result<Vec<u8>> {
        self.live()?;
        if self.policy.generation() != self.generation {
            self.generation = self.policy.generation();
            if let Err(e) = check_policy(&self.policy) {
                self.failed = true;
                return Err(e);
            }
        }
        if plaintext.len() > MAX_NOISE_PLAINTEXT {
            return Err(Error::RecordTooLarge {
                max: MAX_NOISE_PLAINTEXT,
                found: plaintext.len(),
            });
        }
        let mut out = vec![0u8; plaintext.len() + TAG_LEN];
        match self.state.write_message(plaintext, &mut out) {
            Ok(n) => {
                out.truncate(n);
                Ok(out)
            }
            Err(e) => {
                self.failed = true;
                Err(noise_err(e))
            }
        }
    }

    /// Decrypts the peer's next message.
    pub fn open(&mut self, message: &[u8]) -> Result<Vec<u8>> {
        self.live()?;
        if message.len() > MAX_NOISE_MESSAGE {
            return Err(Error::RecordTooLarge {
                max: MAX_NOISE_MESSAGE,
                found: message.len(),
            });
        }
        let mut out = vec![0u8; message.len()];
        match self.state.read_message(message, &mut out) {
            Ok(n) => {
                out.truncate(n);
                Ok(out)
            }
            Err(e) => {
                self.failed = true;
                Err(match e {
                    snow::Error::Decrypt => Error::RecordAuthentication,
                    e => noise_err(e),
                })
            }
        }
    }

    /// Moves our sending key forward (Noise `REKEY`); the peer must call
    /// [`rekey_incoming`](Self::rekey_incoming) at the same point of the stream.
    pub fn rekey_outgoing(&mut self) {
        self.state.rekey_outgoing();
    }

    /// Moves the peer's sending key forward, matching its `rekey_outgoing`.
    pub fn rekey_incoming(&mut self) {
        self.state.rekey_incoming();
    }
}

//! The vehicle's side of the handover: [`Vehicle::prepare`] (before
//! coverage), [`PreparedRequest::finalize`] (online: timestamp and seal),
//! [`AwaitingResponse::receive_response`] (response → acknowledgement and
//! session). Each step consumes its state, so a prepared request is sealed
//! once and a failed response leaves nothing usable behind.

use std::sync::Arc;

use agilis_driver::Engine;
use agilis_suites::aead::{AeadKey, TAG_LEN};
use agilis_suites::{SecretBytes, kem};
use zeroize::Zeroizing;

use super::authority::AuthorityPublic;
use super::credential::{EdgeWarrant, PseudonymKeys};
use super::frames::{RequestHeader, expect, inner_head, inner_tail, parse_response, signed_part};
use super::revocation::RevocationList;
use super::schedule::{SessionParts, confirm_key, establish, handshake_secret, request_key};
use super::{DEFAULT_AEAD, DEFAULT_KDF, EDGE_SIG_LABEL, REQUEST_SIG_LABEL, permit, verify_labeled};
use crate::cert::sig_sizes;
use crate::error::{Error, Result};
use crate::handshake::Policy;
use crate::messages::{self, PROTOCOL_VERSION, frame, kem_sizes, msg_type, split_frame};
use crate::record::{Peer, RecordLimits, Session, Suite};
use crate::schedule::{RunningHash, mac, mac_ok, transcript_hash};
use crate::wire::Writer;

/// Everything a vehicle needs for handovers.
#[derive(Clone)]
pub struct VehicleConfig {
    /// the road authority it trusts
    pub authority: AuthorityPublic,
    /// the authority's revocation list (edge warrants are checked against it)
    pub revocation: Arc<RevocationList>,
    /// what it allows
    pub policy: Policy,
    /// the AEAD engine sessions seal records with
    pub engine: Arc<dyn Engine>,
    /// the AEAD of requests and sessions (default [`DEFAULT_AEAD`])
    pub aead: u16,
    /// the KDF (default [`DEFAULT_KDF`])
    pub kdf: u16,
    /// record-layer limits of the sessions
    pub limits: RecordLimits,
}

impl VehicleConfig {
    /// A configuration with the defaults.
    pub fn new(
        authority: AuthorityPublic,
        revocation: Arc<RevocationList>,
        policy: Policy,
        engine: Arc<dyn Engine>,
    ) -> VehicleConfig {
        VehicleConfig {
            authority,
            revocation,
            policy,
            engine,
            aead: DEFAULT_AEAD,
            kdf: DEFAULT_KDF,
            limits: RecordLimits::default(),
        }
    }
}

/// A vehicle: prepares handover requests under its pseudonyms.
#[derive(Clone)]
pub struct Vehicle {
    cfg: VehicleConfig,
}

/// What the response step needs from the request.
struct Handover {
    cfg: VehicleConfig,
    warrant: EdgeWarrant,
    warrant_bytes: Vec<u8>,
    header: RequestHeader,
    pseudonym_alg: u16,
    not_before: u64,
    not_after: u64,
    ephemeral_secret: SecretBytes,
    ss1: SecretBytes,
}

/// A request signed before coverage; [`PreparedRequest::finalize`] adds the
/// timestamp and seals it. Consumed by `finalize`, so it is sealed once.
pub struct PreparedRequest {
    handover: Handover,
    /// frame header ‖ request header ‖ lp16 ciphertext ‖ u32 sealed length (the AEAD's AD)
    ad: Vec<u8>,
    /// the plaintext before and after the timestamp
    head: Zeroizing<Vec<u8>>,
    tail: Zeroizing<Vec<u8>>,
    key: AeadKey,
    nonce: Vec<u8>,
}

/// A request on the air, waiting for the edge's response.
pub struct AwaitingResponse {
    handover: Handover,
    request: Vec<u8>,
}

impl Vehicle {
    /// A vehicle with `cfg`.
    pub fn new(cfg: VehicleConfig) -> Vehicle {
        Vehicle { cfg }
    }

    /// The configuration.
    pub fn config(&self) -> &VehicleConfig {
        &self.cfg
    }

    /// Precomputes a request to the edge of `warrant` for `application`
    /// under `pseudonym`, with sequence number `seq` (unique per pseudonym;
    /// the caller keeps the counter): verifies the warrant (authority,
    /// validity at `now`, revocation, application), checks policy, makes
    /// the ephemeral key pair, encapsulates to the edge and signs.
    ///
    /// The request is sealed once: [`PreparedRequest::finalize`] consumes it.
    ///
    /// ```compile_fail
    /// # fn f(p: agilis_negotiate::v2x::PreparedRequest) {
    /// let _ = p.finalize(1);
    /// let _ = p.finalize(2); // use of moved value: a second seal is impossible
    /// # }
    /// ```
    pub fn prepare(
        &self,
        pseudonym: &PseudonymKeys,
        warrant: &EdgeWarrant,
        application: &str,
        seq: u64,
        now: u64,
    ) -> Result<PreparedRequest> {
        let cfg = &self.cfg;
        warrant.verify(&cfg.authority)?;
        warrant.check_validity(now)?;
        cfg.revocation.check("edge warrant", warrant.serial, now)?;
        // The credential's authority and scope are the edge's to enforce.
        let cred = &pseudonym.credential;
        if !warrant.applications.iter().any(|a| a == application) {
            return Err(Error::ApplicationNotServed {
                application: application.to_string(),
            });
        }
        permit(
            &cfg.policy,
            &[
                warrant.kem,
                cfg.kdf,
                cfg.aead,
                cred.sig_alg,
                cred.signature_alg,
                warrant.sig_alg,
                warrant.signature_alg,
            ],
        )?;
        let scheme = kem::scheme(warrant.kem)?;
        let ephemeral = scheme.keygen()?;
        let enc = scheme.encaps(&warrant.kem_public_key)?;
        let header = RequestHeader {
            kem: warrant.kem,
            kdf: cfg.kdf,
            aead: cfg.aead,
            warrant_id: warrant.id(),
        };
        let mut covered = Writer::new();
        header.write(&mut covered);
        covered.lp16(&enc.ciphertext);
        let signed = signed_part(
            &covered.0,
            &pseudonym.encoded,
            &ephemeral.public_key,
            application,
            seq,
        );
        let th_sig = transcript_hash(cfg.kdf, &[&signed])?;
        let signature = pseudonym.signing.sign_labeled(REQUEST_SIG_LABEL, &th_sig)?;
        // Pad both signatures to their algorithm's maximum, so that the
        // request's length depends on the suite and scope only.
        let (_, cred_sig_max) = sig_sizes(cred.signature_alg)?;
        let (_, req_sig_max) = sig_sizes(cred.sig_alg)?;
        let padding = (cred_sig_max - cred.signature.len()) + (req_sig_max - signature.len());
        let head = Zeroizing::new(inner_head(
            &pseudonym.encoded,
            &ephemeral.public_key,
            application,
            seq,
        ));
        let tail = Zeroizing::new(inner_tail(&signature, padding));
        let sealed_len = head.len() + 8 + tail.len() + TAG_LEN;
        let body_len = covered.0.len() + 4 + sealed_len;
        if body_len > super::MAX_REQUEST_BODY {
            return Err(Error::Config(
                "the request exceeds its bound: choose smaller algorithms".into(),
            ));
        }
        let mut ad = Writer::new();
        ad.u8(PROTOCOL_VERSION);
        ad.u8(msg_type::V2X_REQUEST);
        ad.u32(body_len as u32);
        ad.bytes(&covered.0);
        ad.u32(sealed_len as u32);
        let th_q = transcript_hash(cfg.kdf, &[&covered.0])?;
        let (key, nonce) = request_key(cfg.kdf, cfg.aead, &th_q, &enc.shared_secret)?;
        Ok(PreparedRequest {
            handover: Handover {
                cfg: cfg.clone(),
                warrant: warrant.clone(),
                warrant_bytes: warrant.encode(),
                header,
                pseudonym_alg: cred.sig_alg,
                not_before: cred.not_before,
                not_after: cred.not_after,
                ephemeral_secret: ephemeral.secret_key,
                ss1: enc.shared_secret,
            },
            ad: ad.0,
            head,
            tail,
            key,
            nonce,
        })
    }
}

impl PreparedRequest {
    /// The online step: checks that the pseudonym and the warrant are valid
    /// at `now`, adds the timestamp and seals. Returns the request frame.
    pub fn finalize(self, now: u64) -> Result<(Vec<u8>, AwaitingResponse)> {
        let h = &self.handover;
        super::check_window("pseudonym credential", h.not_before, h.not_after, now)?;
        h.warrant.check_validity(now)?;
        let mut pt = Zeroizing::new(Vec::with_capacity(self.head.len() + 8 + self.tail.len()));
        pt.extend_from_slice(&self.head);
        pt.extend_from_slice(&now.to_be_bytes());
        pt.extend_from_slice(&self.tail);
        let mut request = self.ad.clone();
        request.reserve(pt.len() + TAG_LEN);
        let sealed = self.key.seal(&self.nonce, &self.ad, &pt)?;
        request.extend_from_slice(&sealed);
        let awaiting = AwaitingResponse {
            handover: self.handover,
            request: request.clone(),
        };
        Ok((request, awaiting))
    }
}

impl AwaitingResponse {
    /// The request frame sent.
    pub fn request(&self) -> &[u8] {
        &self.request
    }

    /// Verifies the edge's response (same warrant as prepared, still valid
    /// and not revoked; the transcript signature; the key confirmation) and
    /// returns the acknowledgement frame to send and the session. Consumes
    /// the state: after an error the handover is over (fail closed).
    pub fn receive_response(self, frame_bytes: &[u8], now: u64) -> Result<(Vec<u8>, Session)> {
        let h = self.handover;
        let cfg = &h.cfg;
        let (t, body) = split_frame(frame_bytes)?;
        if t == msg_type::ALERT {
            return Err(Error::PeerAlert(messages::decode_alert(body)?));
        }
        expect(t, msg_type::V2X_RESPONSE, "a handover response")?;
        let kdf = h.header.kdf;
        let (_, ct_len) = kem_sizes(h.header.kem, "response KEM")?;
        let (_, sig_max) = sig_sizes(h.warrant.sig_alg)?;
        let resp = parse_response(body, ct_len, sig_max)?;
        if resp.warrant != h.warrant_bytes.as_slice() {
            return Err(Error::WrongWarrant);
        }
        h.warrant.check_validity(now)?;
        cfg.revocation
            .check("edge warrant", h.warrant.serial, now)?;
        permit(
            &cfg.policy,
            &[
                h.header.kem,
                kdf,
                h.header.aead,
                h.pseudonym_alg,
                h.warrant.sig_alg,
            ],
        )?;
        let ss2 =
            kem::scheme(h.header.kem)?.decaps(h.ephemeral_secret.expose(), resp.ciphertext)?;
        let mut th = RunningHash::new(kdf)?;
        th.update(&self.request);
        let mut sh = th.clone();
        sh.update(&[msg_type::V2X_RESPONSE]);
        sh.update(&body[..resp.ct_end]);
        let hs = handshake_secret(kdf, &sh.peek()?, &h.ss1, &ss2)?;
        sh.update(&body[resp.ct_end..resp.warrant_end]);
        if !verify_labeled(
            h.warrant.sig_alg,
            &h.warrant.public_key,
            EDGE_SIG_LABEL,
            &sh.peek()?,
            resp.signature,
        )? {
            return Err(Error::BadSignature);
        }
        sh.update(&body[resp.warrant_end..resp.sig_end]);
        if !mac_ok(kdf, &confirm_key(kdf, &hs, true)?, &sh.peek()?, resp.mac)? {
            return Err(Error::KeyConfirmationFailed);
        }
        th.update(frame_bytes);
        let mut w = Writer::new();
        w.lp8(&mac(kdf, &confirm_key(kdf, &hs, false)?, &th.peek()?)?);
        let ack = frame(msg_type::V2X_ACK, &w.0);
        th.update(&ack);
        let suite = Suite {
            kem: h.header.kem,
            aead: h.header.aead,
            kdf,
            sig_initiator: h.pseudonym_alg,
            sig_responder: h.warrant.sig_alg,
        };
        let parts = SessionParts {
            policy: cfg.policy.clone(),
            engine: cfg.engine.clone(),
            limits: cfg.limits,
        };
        let session = establish(
            true,
            suite,
            Peer::Edge(Box::new(h.warrant.clone())),
            th.peek()?,
            &hs,
            parts,
            now,
        )?;
        Ok((ack, session))
    }
}

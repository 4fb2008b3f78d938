//! The edge's side of the handover: [`Edge::receive_request`] (request →
//! response) and [`PendingHandover::receive_ack`] (acknowledgement →
//! session and [`HandoverRecord`]).

use std::sync::Arc;

use agilis_driver::Engine;
use agilis_suites::{SecretBytes, kem};
use sha2::{Digest, Sha256};

use super::authority::AuthorityPublic;
use super::credential::{EdgeKeys, EdgeWarrant, PseudonymCredential, WarrantId};
use super::frames::{RequestInner, parse_ack, parse_request, signed_part, warrant_frame};
use super::revocation::RevocationList;
use super::schedule::{SessionParts, confirm_key, establish, handshake_secret, request_key};
use super::{EDGE_SIG_LABEL, REQUEST_SIG_LABEL, permit};
use crate::cert::{StatusList, sig_sizes};
use crate::error::{DecodeProblem, Error, Result};
use crate::handshake::{Policy, ReplayCache};
use crate::messages::{frame, msg_type};
use crate::record::{Peer, RecordLimits, Session, Suite};
use crate::schedule::{RunningHash, mac, mac_ok, transcript_hash};
use crate::wire::{Writer, err};

/// Everything an edge needs to serve handovers.
#[derive(Clone)]
pub struct EdgeConfig {
    /// our warrant
    pub warrant: EdgeWarrant,
    /// our keys (those the warrant certifies)
    pub keys: Arc<EdgeKeys>,
    /// the road authority we trust
    pub authority: AuthorityPublic,
    /// its revocation list, swappable at run time ([`RevocationList::replace`], [`Edge::set_revocation`])
    pub revocation: Arc<RevocationList>,
    /// anti-replay cache, shared by every request of this edge
    pub replay: Arc<ReplayCache>,
    /// largest accepted difference between the request's timestamp and our clock, ms (default 30 s)
    pub clock_window_ms: u64,
    /// what we allow
    pub policy: Policy,
    /// the AEAD engine sessions seal records with
    pub engine: Arc<dyn Engine>,
    /// record-layer limits of the sessions
    pub limits: RecordLimits,
}

impl EdgeConfig {
    /// A configuration with the defaults (30 s window, a fresh replay cache).
    pub fn new(
        warrant: EdgeWarrant,
        keys: Arc<EdgeKeys>,
        authority: AuthorityPublic,
        revocation: Arc<RevocationList>,
        policy: Policy,
        engine: Arc<dyn Engine>,
    ) -> EdgeConfig {
        EdgeConfig {
            warrant,
            keys,
            authority,
            revocation,
            replay: Arc::new(ReplayCache::default()),
            clock_window_ms: 30_000,
            policy,
            engine,
            limits: RecordLimits::default(),
        }
    }
}

/// An edge server's handover responder. `receive_request` takes `&self`,
/// so one `Edge` serves any number of concurrent handovers.
pub struct Edge {
    cfg: EdgeConfig,
    warrant_id: WarrantId,
    warrant_bytes: Vec<u8>,
}

/// What the edge keeps of a completed handover: enough for the authority
/// to trace a disputed one ([`super::Authority::trace`] on `credential`).
#[derive(Debug, Clone)]
pub struct HandoverRecord {
    /// the pseudonym's serial
    pub serial: u64,
    /// the encoded pseudonym credential (holds the identity escrow)
    pub credential: Vec<u8>,
    /// the application served
    pub application: String,
    /// the request's sequence number
    pub seq: u64,
    /// the request's timestamp, unix ms
    pub timestamp: u64,
    /// the hash of the whole handover transcript
    pub transcript_hash: Vec<u8>,
}

/// A response sent, waiting for the vehicle's acknowledgement.
pub struct PendingHandover {
    suite: Suite,
    hs: SecretBytes,
    th: RunningHash,
    credential: PseudonymCredential,
    record: HandoverRecord,
    parts: SessionParts,
    deadline: u64,
}

fn replay_key(label: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(label);
    parts.iter().for_each(|p| h.update(p));
    h.finalize().into()
}

impl Edge {
    /// An edge with `cfg`: its warrant must verify under the authority and
    /// certify its keys.
    pub fn new(cfg: EdgeConfig) -> Result<Edge> {
        cfg.warrant.verify(&cfg.authority)?;
        if !cfg.keys.matches(&cfg.warrant) {
            return Err(Error::Config(
                "the edge keys are not the ones its warrant certifies".into(),
            ));
        }
        Ok(Edge {
            warrant_id: cfg.warrant.id(),
            warrant_bytes: cfg.warrant.encode(),
            cfg,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &EdgeConfig {
        &self.cfg
    }

    /// Our warrant.
    pub fn warrant(&self) -> &EdgeWarrant {
        &self.cfg.warrant
    }

    /// The answer to a warrant request.
    pub fn warrant_frame(&self) -> Vec<u8> {
        warrant_frame(&self.cfg.warrant)
    }

    /// Installs a newer revocation list (for every holder of the shared list).
    pub fn set_revocation(&self, list: StatusList) -> Result<()> {
        self.cfg.revocation.replace(list)
    }

    /// Checks a request and answers it. On success returns the response
    /// frame and the handover waiting for the vehicle's acknowledgement.
    pub fn receive_request(
        &self,
        frame_bytes: &[u8],
        now: u64,
    ) -> Result<(Vec<u8>, PendingHandover)> {
        let cfg = &self.cfg;
        let w = &cfg.warrant;
        let outer = parse_request(frame_bytes)?;
        let hdr = outer.header;
        if hdr.warrant_id != self.warrant_id {
            return Err(Error::WrongEdge);
        }
        if hdr.kem != w.kem {
            return Err(err("request KEM", DecodeProblem::Invalid));
        }
        permit(&cfg.policy, &[hdr.kem, hdr.kdf, hdr.aead, w.sig_alg])?;
        w.check_validity(now)?;
        let kdf = hdr.kdf;

        // Open the sealed part under the key from the static KEM secret.
        let ss1 = kem::scheme(hdr.kem)?.decaps(cfg.keys.kem_secret().expose(), outer.ciphertext)?;
        let th_q = transcript_hash(kdf, &[outer.covered])?;
        let (key, nonce) = request_key(kdf, hdr.aead, &th_q, &ss1)?;
        let pt = zeroize::Zeroizing::new(
            key.open(&nonce, &frame_bytes[..outer.ad_len], outer.sealed)
                .map_err(|_| Error::RequestUndecryptable)?,
        );
        let inner = RequestInner::decode(&pt, hdr.kem)?;

        // The credential: authority, algorithms, validity, scope, revocation.
        let cred = PseudonymCredential::decode(&inner.credential)?;
        cred.verify(&cfg.authority)?;
        permit(&cfg.policy, &[cred.sig_alg, cred.signature_alg])?;
        let (_, cred_sig_max) = sig_sizes(cred.signature_alg)?;
        let (_, req_sig_max) = sig_sizes(cred.sig_alg)?;
        if inner.signature.len() > req_sig_max
            || inner.padding
                != (cred_sig_max - cred.signature.len()) + (req_sig_max - inner.signature.len())
        {
            return Err(err("request padding", DecodeProblem::Invalid));
        }
        cred.check_validity(now)?;
        let app = &inner.application;
        if !cred.applications.contains(app) {
            return Err(Error::WrongScope {
                application: app.clone(),
            });
        }
        if !w.applications.contains(app) {
            return Err(Error::ApplicationNotServed {
                application: app.clone(),
            });
        }
        cfg.revocation.check("pseudonym", cred.serial, now)?;

        // Freshness, then the pseudonym's signature, then replay.
        let skew = inner.timestamp as i128 - now as i128;
        if skew.unsigned_abs() > cfg.clock_window_ms as u128 {
            return Err(Error::ClockSkew {
                skew_ms: skew.clamp(i64::MIN as i128, i64::MAX as i128) as i64,
                window_ms: cfg.clock_window_ms,
            });
        }
        let signed = signed_part(
            outer.covered,
            &inner.credential,
            &inner.ephemeral,
            app,
            inner.seq,
        );
        if !cred.verify_by_pseudonym(
            REQUEST_SIG_LABEL,
            &transcript_hash(kdf, &[&signed])?,
            &inner.signature,
        )? {
            return Err(Error::BadSignature);
        }
        // Same bytes mean same (serial, seq): one key covers both replays.
        let expires = inner.timestamp.max(now).saturating_add(cfg.clock_window_ms);
        cfg.replay.check_and_insert(
            replay_key(
                b"agilis-v2x/v1 replay seq\0",
                &[&cred.serial.to_be_bytes(), &inner.seq.to_be_bytes()],
            ),
            now,
            expires,
        )?;

        // The response: encapsulate to the ephemeral key, sign, confirm.
        let enc = kem::scheme(hdr.kem)?.encaps(&inner.ephemeral)?;
        let mut th = RunningHash::new(kdf)?;
        th.update(frame_bytes);
        let mut body = Writer::new();
        body.lp16(&enc.ciphertext);
        let mut sh = th.clone();
        sh.update(&[msg_type::V2X_RESPONSE]);
        sh.update(&body.0);
        let hs = handshake_secret(kdf, &sh.peek()?, &ss1, &enc.shared_secret)?;
        let hashed = body.0.len();
        body.lp16(&self.warrant_bytes);
        sh.update(&body.0[hashed..]);
        let signature = cfg.keys.signing.sign_labeled(EDGE_SIG_LABEL, &sh.peek()?)?;
        let hashed = body.0.len();
        body.lp16(&signature);
        sh.update(&body.0[hashed..]);
        body.lp8(&mac(kdf, &confirm_key(kdf, &hs, true)?, &sh.peek()?)?);
        let response = frame(msg_type::V2X_RESPONSE, &body.0);
        th.update(&response);

        let record = HandoverRecord {
            serial: cred.serial,
            credential: inner.credential.clone(),
            application: app.clone(),
            seq: inner.seq,
            timestamp: inner.timestamp,
            transcript_hash: Vec::new(),
        };
        let suite = Suite {
            kem: hdr.kem,
            aead: hdr.aead,
            kdf,
            sig_initiator: cred.sig_alg,
            sig_responder: w.sig_alg,
        };
        let pending = PendingHandover {
            suite,
            hs,
            th,
            credential: cred,
            record,
            parts: SessionParts {
                policy: cfg.policy.clone(),
                engine: cfg.engine.clone(),
                limits: cfg.limits,
            },
            deadline: now.saturating_add(cfg.clock_window_ms),
        };
        Ok((response, pending))
    }
}

impl PendingHandover {
    /// The pseudonym credential of the vehicle (already verified).
    pub fn credential(&self) -> &PseudonymCredential {
        &self.credential
    }

    /// Checks the vehicle's key confirmation and returns the session and
    /// the handover's record. An acknowledgement later than the clock
    /// window after the request is refused ([`Error::Timeout`]).
    pub fn receive_ack(self, frame_bytes: &[u8], now: u64) -> Result<(Session, HandoverRecord)> {
        if now > self.deadline {
            return Err(Error::Timeout);
        }
        let tag = parse_ack(frame_bytes)?;
        let kdf = self.suite.kdf;
        if !mac_ok(
            kdf,
            &confirm_key(kdf, &self.hs, false)?,
            &self.th.peek()?,
            tag,
        )? {
            return Err(Error::KeyConfirmationFailed);
        }
        let mut th = self.th;
        th.update(frame_bytes);
        let th_f = th.peek()?;
        let mut record = self.record;
        record.transcript_hash = th_f.clone();
        let session = establish(
            false,
            self.suite,
            Peer::Vehicle(Box::new(self.credential)),
            th_f,
            &self.hs,
            self.parts,
            now,
        )?;
        Ok((session, record))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use agilis_driver::SoftwareEngine;
    use agilis_suites::aead::TAG_LEN;
    use agilis_suites::kem;

    use super::*;
    use crate::messages::PROTOCOL_VERSION;
    use crate::v2x::frames::RequestHeader;
    use crate::v2x::{
        Authority, DEFAULT_EDGE_SIGNATURE, DEFAULT_KEM, PseudonymBatch, PseudonymKeys, Vehicle,
        VehicleConfig,
    };

    const NOW: u64 = 1_750_000_000_000;
    const HOUR: u64 = 3_600_000;

    /// A malicious edge A opens a request meant for it and re-seals the
    /// same contents to edge B, under B's warrant id and key: the
    /// pseudonym's signature covers A's warrant id and ciphertext, so B
    /// refuses.
    #[test]
    fn a_request_re_encrypted_to_another_edge_is_refused() {
        let authority = Authority::generate_default("ra").unwrap();
        let list = authority
            .revocation_list(1, NOW - HOUR, NOW + HOUR, vec![])
            .unwrap();
        let revocation = Arc::new(RevocationList::new(authority.public(), list).unwrap());
        let policy = || Policy::by_name("vehicle").unwrap();
        let edge = |name: &str| {
            let keys = Arc::new(EdgeKeys::generate(DEFAULT_EDGE_SIGNATURE, DEFAULT_KEM).unwrap());
            let warrant = authority
                .enroll_edge(name, &["app"], NOW - HOUR, NOW + HOUR, &keys)
                .unwrap();
            Edge::new(EdgeConfig::new(
                warrant,
                keys,
                authority.public().clone(),
                revocation.clone(),
                policy(),
                Arc::new(SoftwareEngine::new()),
            ))
            .unwrap()
        };
        let (a, b) = (edge("edge-a"), edge("edge-b"));
        let vehicle = Vehicle::new(VehicleConfig::new(
            authority.public().clone(),
            revocation.clone(),
            policy(),
            Arc::new(SoftwareEngine::new()),
        ));
        let p = PseudonymKeys::issue_batch(
            &authority,
            b"vin",
            &PseudonymBatch::new(1, &["app"], NOW - HOUR, 2 * HOUR),
        )
        .unwrap()
        .pop()
        .unwrap();
        let (req, _) = vehicle
            .prepare(&p, a.warrant(), "app", 1, NOW)
            .unwrap()
            .finalize(NOW)
            .unwrap();

        // A opens it ...
        let outer = parse_request(&req).unwrap();
        let hdr = outer.header;
        let ss1 = kem::scheme(hdr.kem)
            .unwrap()
            .decaps(a.cfg.keys.kem_secret().expose(), outer.ciphertext)
            .unwrap();
        let th_q = transcript_hash(hdr.kdf, &[outer.covered]).unwrap();
        let (key, nonce) = request_key(hdr.kdf, hdr.aead, &th_q, &ss1).unwrap();
        let pt = key
            .open(&nonce, &req[..outer.ad_len], outer.sealed)
            .unwrap();

        // ... and re-seals the same plaintext to B.
        let enc = kem::scheme(hdr.kem)
            .unwrap()
            .encaps(&b.warrant().kem_public_key)
            .unwrap();
        let mut covered = Writer::new();
        RequestHeader {
            warrant_id: b.warrant().id(),
            ..hdr
        }
        .write(&mut covered);
        covered.lp16(&enc.ciphertext);
        let sealed_len = pt.len() + TAG_LEN;
        let mut forged = Writer::new();
        forged.u8(PROTOCOL_VERSION);
        forged.u8(msg_type::V2X_REQUEST);
        forged.u32((covered.0.len() + 4 + sealed_len) as u32);
        forged.bytes(&covered.0);
        forged.u32(sealed_len as u32);
        let th_q = transcript_hash(hdr.kdf, &[&covered.0]).unwrap();
        let (key, nonce) = request_key(hdr.kdf, hdr.aead, &th_q, &enc.shared_secret).unwrap();
        let sealed = key.seal(&nonce, &forged.0, &pt).unwrap();
        forged.bytes(&sealed);

        let e = b.receive_request(&forged.0, NOW).map(|_| ()).unwrap_err();
        assert_eq!(e, Error::BadSignature);
        // the original still works at A
        a.receive_request(&req, NOW).unwrap();
    }
}

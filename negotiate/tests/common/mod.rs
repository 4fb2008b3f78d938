//! Fixtures shared by the integration tests: an in-memory CA, anchors, and a
//! driver that carries frames between an initiator and a responder, letting a
//! test alter them on the way.
#![allow(dead_code)]

use std::sync::Arc;

use agilis_driver::SoftwareEngine;
use agilis_negotiate::cert::{Certificate, CertificateRequest, Role, SigningKey, StatusList};
use agilis_negotiate::pki::{DEFAULT_SIGNATURE, Identity, anchor_capabilities};
use agilis_negotiate::trust::LocalTrust;
use agilis_negotiate::{
    Config, Error, Initiator, InitiatorOutput, Policy, ReplayCache, Responder, ResponderOutput,
    Session,
};

pub const NOW: u64 = 1_750_000_000_000;
pub const HOUR: u64 = 3_600_000;

pub struct Pki {
    pub ca_key: SigningKey,
    pub ca: Certificate,
    pub trust: Arc<LocalTrust>,
    pub next_serial: std::sync::atomic::AtomicU64,
}

impl Pki {
    pub fn new() -> Pki {
        let ca_key = SigningKey::generate(DEFAULT_SIGNATURE).unwrap();
        let ca = ca_key
            .issue(&CertificateRequest {
                role: Role::Ca,
                serial: 0,
                subnet: "test-ca".into(),
                key_alg: ca_key.alg,
                public_key: ca_key.public_key.clone(),
                not_before: NOW - 24 * HOUR,
                not_after: NOW + 365 * 24 * HOUR,
                capabilities: vec![],
            })
            .unwrap();
        let trust = Arc::new(LocalTrust::new());
        trust.add_ca(ca.clone()).unwrap();
        let pki = Pki {
            ca_key,
            ca,
            trust,
            next_serial: 1.into(),
        };
        pki.publish(1, &[]);
        pki
    }

    pub fn publish(&self, number: u64, revoked: &[u64]) {
        let l = StatusList::sign(
            &self.ca_key,
            number,
            NOW - HOUR,
            NOW + 24 * HOUR,
            revoked.to_vec(),
        )
        .unwrap();
        self.trust.add_status_list(l).unwrap();
    }

    pub fn anchor_req(&self, subnet: &str, key: &SigningKey) -> CertificateRequest {
        CertificateRequest {
            role: Role::Anchor,
            serial: self
                .next_serial
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst),
            subnet: subnet.into(),
            key_alg: key.alg,
            public_key: key.public_key.clone(),
            not_before: NOW - HOUR,
            not_after: NOW + 24 * HOUR,
            capabilities: anchor_capabilities(),
        }
    }

    pub fn anchor(&self, subnet: &str) -> Arc<Identity> {
        self.anchor_with(subnet, |_| {})
    }

    pub fn anchor_with(
        &self,
        subnet: &str,
        edit: impl FnOnce(&mut CertificateRequest),
    ) -> Arc<Identity> {
        let key = SigningKey::generate(DEFAULT_SIGNATURE).unwrap();
        let mut req = self.anchor_req(subnet, &key);
        edit(&mut req);
        let cert = self.ca_key.issue(&req).unwrap();
        Arc::new(Identity::new(cert, key).unwrap())
    }

    pub fn config(&self, id: Arc<Identity>) -> Config {
        Config::new(
            id,
            self.trust.clone(),
            Policy::by_name("anchor").unwrap(),
            Arc::new(SoftwareEngine::new()),
        )
    }
}

/// Which side failed, and how.
#[derive(Debug, PartialEq, Eq)]
pub struct Failure {
    pub initiator: Option<Error>,
    pub responder: Option<Error>,
}

/// Runs a handshake, passing every frame through `tamper(from_initiator, frame)`.
/// On an error the failing side's alert is delivered to the other side, as
/// the TCP transport does, so a failure reports both sides' errors.
pub fn handshake_with(
    ic: Config,
    rc: Config,
    replay: Arc<ReplayCache>,
    now: u64,
    mut tamper: impl FnMut(bool, &mut Vec<u8>),
) -> Result<(Session, Session), Failure> {
    let alert = agilis_negotiate::messages::alert_frame;
    let (mut init, mut offer) = Initiator::new(ic, now).map_err(|e| Failure {
        initiator: Some(e),
        responder: None,
    })?;
    let mut resp = Responder::new(rc, replay);
    loop {
        tamper(true, &mut offer);
        let out = match resp.receive(&offer, now) {
            Ok(o) => o,
            Err(e) => {
                let i = init.receive(&alert(&e), now).err();
                return Err(Failure {
                    initiator: i,
                    responder: Some(e),
                });
            }
        };
        let mut reply = match out {
            ResponderOutput::Send(f) => f,
            ResponderOutput::Established(_) => unreachable!("responder done before finish"),
        };
        tamper(false, &mut reply);
        match init.receive(&reply, now) {
            Err(e) => {
                let r = resp.receive(&alert(&e), now).err();
                return Err(Failure {
                    initiator: Some(e),
                    responder: r,
                });
            }
            Ok(InitiatorOutput::Send(o)) => offer = o,
            Ok(InitiatorOutput::Established {
                mut finish,
                mut session,
            }) => {
                tamper(true, &mut finish);
                return match resp.receive(&finish, now) {
                    Ok(ResponderOutput::Established(r)) => Ok((*session, *r)),
                    Ok(_) => unreachable!(),
                    // The initiator's session gets the alert as its first frame.
                    Err(e) => Err(Failure {
                        initiator: session.receive(&alert(&e), now).err(),
                        responder: Some(e),
                    }),
                };
            }
        }
    }
}

pub fn handshake(ic: Config, rc: Config) -> Result<(Session, Session), Failure> {
    handshake_with(ic, rc, Arc::new(ReplayCache::default()), NOW, |_, _| {})
}

/// Splits a byte stream of frames into frames.
pub fn frames(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let (_, total) = agilis_negotiate::messages::parse_header(bytes)
            .unwrap()
            .unwrap();
        out.push(bytes[..total].to_vec());
        bytes = &bytes[total..];
    }
    out
}

//! The Noise suite against an unmodified `snow` peer, both ways round, plus
//! tampering, certificate failures, size bounds and policy withdrawal.

mod common;

use std::sync::Arc;

use agilis_negotiate::noise::{
    MAX_NOISE_MESSAGE, MAX_NOISE_PLAINTEXT, NOISE_SUITE, NoiseHandshake, NoiseOutput,
    NoiseStaticKey, NoiseTransport, identity_payload, verify_identity_payload,
};
use agilis_negotiate::pki::Identity;
use agilis_negotiate::{Config, DecodeProblem, Error};
use agilis_suites::Family;
use agilis_suites::registry::{Withdrawal, codepoint as cp};
use common::*;
use snow::{HandshakeState, Keypair};

/// A plain `snow` endpoint, as a peer that already speaks Noise would run it.
struct SnowPeer {
    hs: HandshakeState,
    keys: Keypair,
}

fn params() -> snow::params::NoiseParams {
    NOISE_SUITE.parse().unwrap()
}

impl SnowPeer {
    fn new(initiator: bool) -> SnowPeer {
        let keys = snow::Builder::new(params()).generate_keypair().unwrap();
        let b = snow::Builder::new(params())
            .local_private_key(&keys.private)
            .unwrap();
        let hs = if initiator {
            b.build_initiator()
        } else {
            b.build_responder()
        }
        .unwrap();
        SnowPeer { hs, keys }
    }

    fn write(&mut self, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![0u8; MAX_NOISE_MESSAGE];
        let n = self.hs.write_message(payload, &mut out).unwrap();
        out.truncate(n);
        out
    }

    /// Reads a message; returns the handshake hash before it and the payload.
    fn read(&mut self, m: &[u8]) -> Result<(Vec<u8>, Vec<u8>), snow::Error> {
        let h = self.hs.get_handshake_hash().to_vec();
        let mut out = vec![0u8; MAX_NOISE_MESSAGE];
        let n = self.hs.read_message(m, &mut out)?;
        out.truncate(n);
        Ok((h, out))
    }

    /// Our identity payload for the next message.
    fn identity(&self, id: &Identity) -> Vec<u8> {
        identity_payload(id, &self.keys.public, self.hs.get_handshake_hash()).unwrap()
    }
}

struct World {
    pki: Pki,
    agilis: Config,
    snow_id: Arc<Identity>,
    /// how the snow side's application checks the anchor's identity
    snow_cfg: Config,
}

fn world() -> World {
    let pki = Pki::new();
    let agilis = pki.config(pki.anchor("subnet-a"));
    let snow_id = pki.anchor("subnet-b");
    let snow_cfg = pki.config(snow_id.clone());
    World {
        pki,
        agilis,
        snow_id,
        snow_cfg,
    }
}

fn established(out: NoiseOutput) -> (Option<Vec<u8>>, Box<NoiseTransport>) {
    match out {
        NoiseOutput::Established { send, transport } => (send, transport),
        NoiseOutput::Send(_) => panic!("not established"),
    }
}

fn sent(out: NoiseOutput) -> Vec<u8> {
    match out {
        NoiseOutput::Send(m) => m,
        NoiseOutput::Established { .. } => panic!("established too early"),
    }
}

fn transport_both_ways(agilis: &mut NoiseTransport, snow: &mut snow::TransportState) {
    let mut buf = vec![0u8; MAX_NOISE_MESSAGE];
    let m = agilis.seal(b"from the anchor").unwrap();
    let n = snow.read_message(&m, &mut buf).unwrap();
    assert_eq!(&buf[..n], b"from the anchor");
    let n = snow.write_message(b"from snow", &mut buf).unwrap();
    assert_eq!(agilis.open(&buf[..n]).unwrap(), b"from snow");
    // rekeying in step keeps working
    agilis.rekey_outgoing();
    snow.rekey_incoming();
    let m = agilis.seal(b"after rekey").unwrap();
    let n = snow.read_message(&m, &mut buf).unwrap();
    assert_eq!(&buf[..n], b"after rekey");
}

#[test]
fn agilis_initiator_with_an_unmodified_snow_responder() {
    let w = world();
    let key = NoiseStaticKey::generate().unwrap();
    let (mut ini, m1) = NoiseHandshake::initiator(w.agilis.clone(), &key).unwrap();
    let mut peer = SnowPeer::new(false);
    let (_, p1) = peer.read(&m1).unwrap();
    assert!(p1.is_empty());
    let m2 = peer.write(&peer.identity(&w.snow_id));
    let (m3, mut t) = established(ini.receive(&m2, NOW).unwrap());
    assert_eq!(t.peer().subnet, "subnet-b");
    let (h, p3) = peer.read(&m3.unwrap()).unwrap();
    assert_eq!(peer.hs.get_remote_static().unwrap(), key.public());
    let cert = verify_identity_payload(&w.snow_cfg, &p3, key.public(), &h, NOW).unwrap();
    assert_eq!(cert.subnet, "subnet-a");
    assert_eq!(t.handshake_hash(), peer.hs.get_handshake_hash());
    let mut st = peer.hs.into_transport_mode().unwrap();
    transport_both_ways(&mut t, &mut st);
}

#[test]
fn unmodified_snow_initiator_with_an_agilis_responder() {
    let w = world();
    let key = NoiseStaticKey::generate().unwrap();
    let mut resp = NoiseHandshake::responder(w.agilis.clone(), &key).unwrap();
    let mut peer = SnowPeer::new(true);
    let m1 = peer.write(&[]);
    let m2 = sent(resp.receive(&m1, NOW).unwrap());
    let (h, p2) = peer.read(&m2).unwrap();
    assert_eq!(peer.hs.get_remote_static().unwrap(), key.public());
    let cert = verify_identity_payload(&w.snow_cfg, &p2, key.public(), &h, NOW).unwrap();
    assert_eq!(cert.subnet, "subnet-a");
    let m3 = peer.write(&peer.identity(&w.snow_id));
    let (none, mut t) = established(resp.receive(&m3, NOW).unwrap());
    assert!(none.is_none());
    assert_eq!(t.peer().subnet, "subnet-b");
    assert_eq!(t.handshake_hash(), peer.hs.get_handshake_hash());
    let mut st = peer.hs.into_transport_mode().unwrap();
    transport_both_ways(&mut t, &mut st);
}

#[test]
fn two_agilis_anchors_complete_the_suite() {
    let w = world();
    let (ik, rk) = (
        NoiseStaticKey::generate().unwrap(),
        NoiseStaticKey::generate().unwrap(),
    );
    let (mut ini, m1) = NoiseHandshake::initiator(w.agilis.clone(), &ik).unwrap();
    let mut resp = NoiseHandshake::responder(w.snow_cfg.clone(), &rk).unwrap();
    let m2 = sent(resp.receive(&m1, NOW).unwrap());
    let (m3, mut ti) = established(ini.receive(&m2, NOW).unwrap());
    let (_, mut tr) = established(resp.receive(&m3.unwrap(), NOW).unwrap());
    assert_eq!(ti.peer().subnet, "subnet-b");
    assert_eq!(tr.peer().subnet, "subnet-a");
    let m = ti.seal(b"ping").unwrap();
    assert_eq!(tr.open(&m).unwrap(), b"ping");
}

/// Flips one bit in message `which` (1–3) of an agilis-initiator / snow-responder run;
/// returns the agilis side's error.
fn tampered_run(which: usize, at: usize) -> Error {
    let w = world();
    let key = NoiseStaticKey::generate().unwrap();
    let (mut ini, mut m1) = NoiseHandshake::initiator(w.agilis.clone(), &key).unwrap();
    let mut peer = SnowPeer::new(false);
    if which == 1 {
        m1[at] ^= 1;
    }
    peer.read(&m1).unwrap();
    let mut m2 = peer.write(&peer.identity(&w.snow_id));
    if which == 2 {
        m2[at] ^= 1;
    }
    let err = ini.receive(&m2, NOW).unwrap_err();
    assert_eq!(ini.receive(&m2, NOW).unwrap_err(), Error::SessionFailed);
    err
}

#[test]
fn tampered_handshake_messages_abort_with_a_tampered_transcript() {
    // the initiator's ephemeral (first message, in the clear) and its Kyber key
    assert_eq!(tampered_run(1, 3), Error::TamperedTranscript);
    assert_eq!(tampered_run(1, 100), Error::TamperedTranscript);
    // the responder's ephemeral, its KEM ciphertext, its encrypted static key and its payload
    assert_eq!(tampered_run(2, 3), Error::TamperedTranscript);
    assert_eq!(tampered_run(2, 500), Error::TamperedTranscript);
    assert_eq!(tampered_run(2, 1650), Error::TamperedTranscript);
    assert_eq!(tampered_run(2, 3000), Error::TamperedTranscript);
}

#[test]
fn a_tampered_third_message_and_tampered_transport_messages_are_refused() {
    let w = world();
    let key = NoiseStaticKey::generate().unwrap();
    let mut resp = NoiseHandshake::responder(w.agilis.clone(), &key).unwrap();
    let mut peer = SnowPeer::new(true);
    let m2 = sent(resp.receive(&peer.write(&[]), NOW).unwrap());
    peer.read(&m2).unwrap();
    let mut m3 = peer.write(&peer.identity(&w.snow_id));
    m3[40] ^= 1;
    assert_eq!(
        resp.receive(&m3, NOW).unwrap_err(),
        Error::TamperedTranscript
    );

    // transport: one flipped bit ends the transport
    let key = NoiseStaticKey::generate().unwrap();
    let mut resp = NoiseHandshake::responder(w.agilis.clone(), &key).unwrap();
    let mut peer = SnowPeer::new(true);
    let m2 = sent(resp.receive(&peer.write(&[]), NOW).unwrap());
    peer.read(&m2).unwrap();
    let m3 = peer.write(&peer.identity(&w.snow_id));
    let (_, mut t) = established(resp.receive(&m3, NOW).unwrap());
    let mut st = peer.hs.into_transport_mode().unwrap();
    let mut buf = vec![0u8; 64];
    let n = st.write_message(b"data", &mut buf).unwrap();
    buf[n - 1] ^= 1;
    assert_eq!(t.open(&buf[..n]).unwrap_err(), Error::RecordAuthentication);
    assert_eq!(t.open(&buf[..n]).unwrap_err(), Error::SessionFailed);
    assert_eq!(t.seal(b"x").unwrap_err(), Error::SessionFailed);
}

/// Runs agilis initiator ↔ snow responder with the payload `make(peer, h)` in message 2.
fn with_responder_payload(
    w: &World,
    make: impl FnOnce(&SnowPeer) -> Vec<u8>,
) -> Result<Box<NoiseTransport>, Error> {
    let key = NoiseStaticKey::generate().unwrap();
    let (mut ini, m1) = NoiseHandshake::initiator(w.agilis.clone(), &key).unwrap();
    let mut peer = SnowPeer::new(false);
    peer.read(&m1).unwrap();
    let payload = make(&peer);
    let m2 = peer.write(&payload);
    ini.receive(&m2, NOW).map(|o| established(o).1)
}

/// Replaces the certificate inside an identity payload.
fn swap_certificate(payload: &[u8], cert: &[u8]) -> Vec<u8> {
    let len = u16::from_be_bytes([payload[1], payload[2]]) as usize;
    let mut out = vec![payload[0]];
    out.extend_from_slice(&(cert.len() as u16).to_be_bytes());
    out.extend_from_slice(cert);
    out.extend_from_slice(&payload[3 + len..]);
    out
}

#[test]
fn wrong_certificates_and_bindings_are_refused_with_their_cause() {
    let w = world();
    assert!(with_responder_payload(&w, |p| p.identity(&w.snow_id)).is_ok());
    // a certificate from a CA the anchor does not trust
    let other = Pki::new();
    let stranger = other.anchor("subnet-b");
    assert_eq!(
        with_responder_payload(&w, |p| p.identity(&stranger)).unwrap_err(),
        Error::UnknownIssuer
    );
    // a trusted certificate with a signature by another key (someone else's certificate)
    let mallory = w.pki.anchor("subnet-m");
    assert_eq!(
        with_responder_payload(&w, |p| swap_certificate(
            &p.identity(&mallory),
            &w.snow_id.cert_bytes
        ))
        .unwrap_err(),
        Error::BadSignature
    );
    // the right certificate and key, but endorsing another Noise static key
    let elsewhere = NoiseStaticKey::generate().unwrap();
    assert_eq!(
        with_responder_payload(&w, |p| identity_payload(
            &w.snow_id,
            elsewhere.public(),
            p.hs.get_handshake_hash()
        )
        .unwrap())
        .unwrap_err(),
        Error::BadSignature
    );
    // ... or made for another handshake (replayed payload)
    assert_eq!(
        with_responder_payload(&w, |p| identity_payload(
            &w.snow_id,
            &p.keys.public,
            &[0; 32]
        )
        .unwrap())
        .unwrap_err(),
        Error::BadSignature
    );
    // a revoked certificate
    let revoked = w.pki.anchor("subnet-r");
    w.pki.publish(2, &[revoked.cert.serial]);
    assert_eq!(
        with_responder_payload(&w, |p| p.identity(&revoked)).unwrap_err(),
        Error::CertificateRevoked {
            serial: revoked.cert.serial
        }
    );
    // a Noise peer that sends no identity at all
    assert!(matches!(
        with_responder_payload(&w, |_| Vec::new()).unwrap_err(),
        Error::Decode {
            problem: DecodeProblem::Truncated,
            ..
        }
    ));
    // another subnet than the one expected
    let mut w2 = world();
    w2.agilis.expected_peer = Some("subnet-z".into());
    assert_eq!(
        with_responder_payload(&w2, |p| p.identity(&w2.snow_id)).unwrap_err(),
        Error::UnexpectedPeer {
            found: "subnet-b".into()
        }
    );
}

#[test]
fn the_responder_refuses_an_initiator_that_is_not_certified() {
    let w = world();
    let key = NoiseStaticKey::generate().unwrap();
    let mut resp = NoiseHandshake::responder(w.agilis.clone(), &key).unwrap();
    let mut peer = SnowPeer::new(true);
    let m2 = sent(resp.receive(&peer.write(&[]), NOW).unwrap());
    peer.read(&m2).unwrap();
    let stranger = Pki::new().anchor("subnet-b");
    let m3 = peer.write(&peer.identity(&stranger));
    assert_eq!(resp.receive(&m3, NOW).unwrap_err(), Error::UnknownIssuer);
}

#[test]
fn oversized_messages_and_a_first_message_with_a_payload_are_refused() {
    let w = world();
    let key = NoiseStaticKey::generate().unwrap();
    let mut resp = NoiseHandshake::responder(w.agilis.clone(), &key).unwrap();
    assert_eq!(
        resp.receive(&vec![0; MAX_NOISE_MESSAGE + 1], NOW)
            .unwrap_err(),
        Error::Decode {
            what: "noise message",
            problem: DecodeProblem::TooLong {
                max: MAX_NOISE_MESSAGE,
                found: MAX_NOISE_MESSAGE + 1
            }
        }
    );
    let mut resp = NoiseHandshake::responder(w.agilis.clone(), &key).unwrap();
    let mut peer = SnowPeer::new(true);
    assert!(matches!(
        resp.receive(&peer.write(b"early data"), NOW).unwrap_err(),
        Error::Decode { .. }
    ));
    // the transport's plaintext bound
    let (mut t, _) = pair_of_transports(&w);
    assert_eq!(
        t.seal(&vec![0; MAX_NOISE_PLAINTEXT + 1]).unwrap_err(),
        Error::RecordTooLarge {
            max: MAX_NOISE_PLAINTEXT,
            found: MAX_NOISE_PLAINTEXT + 1
        }
    );
    assert_eq!(
        t.seal(&vec![0; MAX_NOISE_PLAINTEXT]).unwrap().len(),
        MAX_NOISE_MESSAGE
    );
}

fn pair_of_transports(w: &World) -> (Box<NoiseTransport>, Box<NoiseTransport>) {
    let (ik, rk) = (
        NoiseStaticKey::generate().unwrap(),
        NoiseStaticKey::generate().unwrap(),
    );
    let (mut ini, m1) = NoiseHandshake::initiator(w.agilis.clone(), &ik).unwrap();
    let mut resp = NoiseHandshake::responder(w.snow_cfg.clone(), &rk).unwrap();
    let m2 = sent(resp.receive(&m1, NOW).unwrap());
    let (m3, ti) = established(ini.receive(&m2, NOW).unwrap());
    let (_, tr) = established(resp.receive(&m3.unwrap(), NOW).unwrap());
    (ti, tr)
}

#[test]
fn policy_withdrawal_refuses_the_suite_and_stops_a_live_transport() {
    let w = world();
    let (mut t, mut peer) = pair_of_transports(&w);
    let m = t.seal(b"before").unwrap();
    assert_eq!(peer.open(&m).unwrap(), b"before");
    w.agilis.policy.withdraw(Withdrawal::Family(Family::Arx)); // ChaCha20-Poly1305
    assert_eq!(
        t.seal(b"after").unwrap_err(),
        Error::SuiteWithdrawn {
            codepoint: cp::CHACHA20_POLY1305
        }
    );
    assert_eq!(t.seal(b"after").unwrap_err(), Error::SessionFailed);
    let key = NoiseStaticKey::generate().unwrap();
    assert_eq!(
        NoiseHandshake::initiator(w.agilis.clone(), &key).unwrap_err(),
        Error::SuiteWithdrawn {
            codepoint: cp::CHACHA20_POLY1305
        }
    );
}

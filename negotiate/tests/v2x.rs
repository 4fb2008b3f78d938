//! The vehicle-to-edge handover (issue 6): every check the edge and the
//! vehicle make, the trace, unlinkability on the wire, and the
//! precompute/finalize split.

use std::sync::Arc;

use agilis_driver::SoftwareEngine;
use agilis_negotiate::messages::{self, msg_type};
use agilis_negotiate::v2x::frames::{decode_warrant_frame, warrant_request_frame};
use agilis_negotiate::v2x::{
    Authority, AuthorityPublic, AwaitingResponse, DEFAULT_EDGE_SIGNATURE, DEFAULT_KEM, Edge,
    EdgeConfig, EdgeKeys, EdgeWarrant, HandoverRecord, PseudonymBatch, PseudonymCredential,
    PseudonymKeys, RevocationList, Vehicle, VehicleConfig,
};
use agilis_negotiate::{Error, Event, Peer, Policy, Session};
use agilis_suites::registry::{Withdrawal, codepoint as cp};

const NOW: u64 = 1_750_000_000_000;
const SEC: u64 = 1000;
const HOUR: u64 = 3_600_000;
const APP: &str = "cooperative-perception";

fn policy() -> Policy {
    Policy::by_name("vehicle").unwrap()
}

struct World {
    authority: Authority,
    revocation: Arc<RevocationList>,
}

impl World {
    fn new() -> World {
        let authority = Authority::generate_default("road-authority").unwrap();
        let list = authority
            .revocation_list(1, NOW - HOUR, NOW + 24 * HOUR, vec![])
            .unwrap();
        let revocation = Arc::new(RevocationList::new(authority.public(), list).unwrap());
        World {
            authority,
            revocation,
        }
    }

    fn public(&self) -> &AuthorityPublic {
        self.authority.public()
    }

    /// An edge named `name` with a warrant valid over [nb, na].
    fn edge_at(&self, name: &str, nb: u64, na: u64, edit: impl FnOnce(&mut EdgeConfig)) -> Edge {
        let keys = EdgeKeys::generate(DEFAULT_EDGE_SIGNATURE, DEFAULT_KEM).unwrap();
        let warrant = self
            .authority
            .enroll_edge(name, &[APP, "tolling"], nb, na, &keys)
            .unwrap();
        let mut cfg = EdgeConfig::new(
            warrant,
            Arc::new(keys),
            self.public().clone(),
            self.revocation.clone(),
            policy(),
            Arc::new(SoftwareEngine::new()),
        );
        edit(&mut cfg);
        Edge::new(cfg).unwrap()
    }

    fn edge(&self, name: &str) -> Edge {
        self.edge_at(name, NOW - HOUR, NOW + 24 * HOUR, |_| {})
    }

    fn vehicle(&self) -> Vehicle {
        Vehicle::new(VehicleConfig::new(
            self.public().clone(),
            self.revocation.clone(),
            policy(),
            Arc::new(SoftwareEngine::new()),
        ))
    }

    fn pseudonyms(&self, identity: &[u8], count: usize, apps: &[&str]) -> Vec<PseudonymKeys> {
        PseudonymKeys::issue_batch(
            &self.authority,
            identity,
            &PseudonymBatch {
                period_ms: 0,
                ..PseudonymBatch::new(count, apps, NOW - HOUR, 4 * HOUR)
            },
        )
        .unwrap()
    }

    fn pseudonym(&self, identity: &[u8]) -> PseudonymKeys {
        self.pseudonyms(identity, 1, &[APP]).pop().unwrap()
    }
}

/// A request under `p` to `edge`, prepared and finalized at `now`.
fn request(
    v: &Vehicle,
    p: &PseudonymKeys,
    edge: &Edge,
    seq: u64,
    now: u64,
) -> (Vec<u8>, AwaitingResponse) {
    v.prepare(p, edge.warrant(), APP, seq, now)
        .unwrap()
        .finalize(now)
        .unwrap()
}

struct Handover {
    wire: [Vec<u8>; 3],
    vehicle: Session,
    edge: Session,
    record: HandoverRecord,
}

fn handover(v: &Vehicle, p: &PseudonymKeys, edge: &Edge, seq: u64, now: u64) -> Handover {
    let (req, awaiting) = request(v, p, edge, seq, now);
    let (resp, pending) = edge.receive_request(&req, now).unwrap();
    let (ack, vehicle) = awaiting.receive_response(&resp, now).unwrap();
    let (edge, record) = pending.receive_ack(&ack, now).unwrap();
    Handover {
        wire: [req, resp, ack],
        vehicle,
        edge,
        record,
    }
}

fn edge_error(edge: &Edge, req: &[u8], now: u64) -> Error {
    edge.receive_request(req, now).map(|_| ()).unwrap_err()
}

/// Sends `data` from `a` to `b` and returns what `b` received.
fn deliver(a: &mut Session, b: &mut Session, data: &[u8]) -> Vec<u8> {
    a.send(data, NOW).unwrap();
    let out = a.take_output();
    let (_, len) = messages::parse_header(&out).unwrap().unwrap();
    assert_eq!(len, out.len(), "one record");
    match b.receive(&out, NOW).unwrap() {
        Event::Data(d) => d,
        other => panic!("expected data, got {other:?}"),
    }
}

#[test]
fn a_handover_yields_sessions_that_carry_records_both_ways() {
    let w = World::new();
    let edge = w.edge("edge-a");
    let p = w.pseudonym(b"VIN-1HGCM82633A004352");
    let mut h = handover(&w.vehicle(), &p, &edge, 1, NOW);
    assert_eq!(
        deliver(&mut h.vehicle, &mut h.edge, b"to the edge"),
        b"to the edge"
    );
    assert_eq!(
        deliver(&mut h.edge, &mut h.vehicle, b"to the vehicle"),
        b"to the vehicle"
    );
    let (vi, ei) = (h.vehicle.info(), h.edge.info());
    assert!(vi.initiator && !ei.initiator);
    assert_eq!(vi.transcript_hash, ei.transcript_hash);
    assert_eq!(vi.binding, ei.binding);
    assert_eq!(vi.suite, ei.suite);
    assert_eq!(vi.suite.kem, cp::X_WING);
    assert_eq!(vi.suite.sig_initiator, cp::FALCON_512_ED25519);
    assert_eq!(vi.suite.sig_responder, cp::ML_DSA_44_ED25519);
    assert!(vi.families.len() >= 3, "{:?}", vi.families);
    assert!(matches!(&vi.peer, Peer::Edge(wt) if wt.edge == "edge-a"));
    assert!(matches!(&ei.peer, Peer::Vehicle(c) if c.serial == p.credential.serial));
    assert!(vi.peer.anchor().is_none());
    assert!(ei.peer.to_string().contains("pseudonym"));
    assert_eq!(h.record.serial, p.credential.serial);
    assert_eq!(h.record.credential, p.credential_bytes());
    assert_eq!(h.record.application, APP);
    assert_eq!(h.record.transcript_hash, ei.transcript_hash);
}

#[test]
fn a_warrant_is_fetched_with_a_warrant_request() {
    let w = World::new();
    let edge = w.edge("edge-a");
    let ask = warrant_request_frame();
    assert_eq!(ask, [1, msg_type::V2X_WARRANT_REQUEST, 0, 0, 0, 0]);
    let got = decode_warrant_frame(&edge.warrant_frame()).unwrap();
    assert_eq!(&got, edge.warrant());
    let p = w.pseudonym(b"v");
    w.vehicle().prepare(&p, &got, APP, 0, NOW).unwrap();
}

#[test]
fn a_pseudonym_outside_its_scope_is_refused_by_the_edge() {
    let w = World::new();
    let edge = w.edge("edge-a");
    let p = w.pseudonyms(b"v", 1, &["tolling"]).pop().unwrap();
    let (req, _) = request(&w.vehicle(), &p, &edge, 1, NOW);
    assert_eq!(
        edge_error(&edge, &req, NOW),
        Error::WrongScope {
            application: APP.into()
        }
    );
    // an application the warrant does not serve: refused before anything is sent
    let p = w.pseudonyms(b"v", 1, &["parking"]).pop().unwrap();
    let e = w
        .vehicle()
        .prepare(&p, edge.warrant(), "parking", 1, NOW)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(
        e,
        Error::ApplicationNotServed {
            application: "parking".into()
        }
    );
}

#[test]
fn an_expired_or_future_credential_is_refused() {
    let w = World::new();
    let edge = w.edge("edge-a");
    let v = w.vehicle();
    let issue = |nb: u64, na: u64| {
        let key = agilis_negotiate::cert::SigningKey::generate(cp::FALCON_512_ED25519).unwrap();
        let c = w
            .authority
            .issue_pseudonym(
                b"v",
                &[APP.to_string()],
                nb,
                na,
                key.alg,
                &key.public_key,
                cp::AES_256_GCM,
                cp::HKDF_SHA256,
            )
            .unwrap();
        PseudonymKeys::new(c, key).unwrap()
    };
    // valid when sealed, expired when the edge checks (within the clock window)
    let p = issue(NOW - HOUR, NOW + 10 * SEC);
    let (req, _) = request(&v, &p, &edge, 1, NOW + 5 * SEC);
    assert_eq!(
        edge_error(&edge, &req, NOW + 20 * SEC),
        Error::Expired {
            what: "pseudonym credential",
            not_after: NOW + 10 * SEC
        }
    );
    // the vehicle does not seal a request under an expired pseudonym
    let prepared = v.prepare(&p, edge.warrant(), APP, 2, NOW).unwrap();
    assert!(matches!(
        prepared.finalize(NOW + 11 * SEC).map(|_| ()).unwrap_err(),
        Error::Expired { .. }
    ));
    // not yet valid
    let p = issue(NOW + 10 * SEC, NOW + HOUR);
    let (req, _) = request(&v, &p, &edge, 1, NOW + 10 * SEC);
    assert!(matches!(
        edge_error(&edge, &req, NOW),
        Error::NotYetValid { .. }
    ));
}

#[test]
fn an_expired_warrant_is_refused_by_vehicle_and_edge() {
    let w = World::new();
    let p = w.pseudonym(b"v");
    let v = w.vehicle();
    let old = w.edge_at("edge-old", NOW - 2 * HOUR, NOW - HOUR, |_| {});
    let e = v
        .prepare(&p, old.warrant(), APP, 1, NOW)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(
        e,
        Error::Expired {
            what: "edge warrant",
            not_after: NOW - HOUR
        }
    );
    // valid when prepared, expired when the edge answers
    let ending = w.edge_at("edge-ending", NOW - HOUR, NOW + 10 * SEC, |_| {});
    let (req, _) = request(&v, &p, &ending, 1, NOW + 5 * SEC);
    assert!(matches!(
        edge_error(&ending, &req, NOW + 20 * SEC),
        Error::Expired {
            what: "edge warrant",
            ..
        }
    ));
    // and the vehicle refuses a response once the warrant has expired
    let (req, awaiting) = request(&v, &p, &ending, 2, NOW + 5 * SEC);
    let (resp, _) = ending.receive_request(&req, NOW + 5 * SEC).unwrap();
    assert!(matches!(
        awaiting
            .receive_response(&resp, NOW + 11 * SEC)
            .map(|_| ())
            .unwrap_err(),
        Error::Expired {
            what: "edge warrant",
            ..
        }
    ));
}

#[test]
fn revoking_a_vehicle_revokes_its_whole_batch_and_nothing_else() {
    let w = World::new();
    let edge = w.edge("edge-a");
    let v = w.vehicle();
    let batch = w.pseudonyms(b"VIN-bad", 3, &[APP]);
    let other = w.pseudonym(b"VIN-good");
    handover(&v, &batch[0], &edge, 1, NOW);
    let serials = batch.iter().map(|p| p.credential.serial).collect();
    edge.set_revocation(
        w.authority
            .revocation_list(2, NOW, NOW + HOUR, serials)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(w.revocation.number(), 2);
    for (i, p) in batch.iter().enumerate() {
        let (req, _) = request(&v, p, &edge, 10 + i as u64, NOW);
        assert_eq!(
            edge_error(&edge, &req, NOW),
            Error::Revoked {
                what: "pseudonym",
                serial: p.credential.serial
            }
        );
    }
    handover(&v, &other, &edge, 1, NOW);
    // an older list cannot be installed over it, nor a forged one
    let older = w
        .authority
        .revocation_list(1, NOW, NOW + HOUR, vec![])
        .unwrap();
    assert!(edge.set_revocation(older).is_err());
    let mut forged = w
        .authority
        .revocation_list(3, NOW, NOW + HOUR, vec![])
        .unwrap();
    forged.number = 4;
    assert_eq!(
        edge.set_revocation(forged).unwrap_err(),
        Error::BadStatusListSignature
    );
}

#[test]
fn a_revoked_warrant_is_refused_by_the_vehicle() {
    let w = World::new();
    let edge = w.edge("edge-a");
    let p = w.pseudonym(b"v");
    w.revocation
        .replace(
            w.authority
                .revocation_list(2, NOW, NOW + HOUR, vec![edge.warrant().serial])
                .unwrap(),
        )
        .unwrap();
    let e = w
        .vehicle()
        .prepare(&p, edge.warrant(), APP, 1, NOW)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(
        e,
        Error::Revoked {
            what: "edge warrant",
            serial: edge.warrant().serial
        }
    );
}

#[test]
fn a_stale_revocation_list_stops_handovers() {
    let w = World::new();
    let edge = w.edge("edge-a");
    let p = w.pseudonym(b"v");
    let v = w.vehicle();
    let (req, _) = request(&v, &p, &edge, 1, NOW);
    edge.set_revocation(
        w.authority
            .revocation_list(2, NOW - 2 * HOUR, NOW - HOUR, vec![])
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        edge_error(&edge, &req, NOW),
        Error::StatusListExpired {
            next_update: NOW - HOUR
        }
    );
    // the vehicle shares the list here: it refuses to prepare too
    assert!(matches!(
        v.prepare(&p, edge.warrant(), APP, 2, NOW)
            .map(|_| ())
            .unwrap_err(),
        Error::StatusListExpired { .. }
    ));
}

#[test]
fn replays_are_refused_by_bytes_and_by_serial_and_sequence() {
    let w = World::new();
    let edge = w.edge("edge-a");
    let p = w.pseudonym(b"v");
    let v = w.vehicle();
    let (req, _) = request(&v, &p, &edge, 1, NOW);
    edge.receive_request(&req, NOW).unwrap();
    assert_eq!(edge_error(&edge, &req, NOW + SEC), Error::Replay);
    // a different request (fresh KEM ciphertext) with the same serial and sequence number
    let (again, _) = request(&v, &p, &edge, 1, NOW + SEC);
    assert_ne!(again, req);
    assert_eq!(edge_error(&edge, &again, NOW + SEC), Error::Replay);
    // the next sequence number is fine
    let (next, _) = request(&v, &p, &edge, 2, NOW + SEC);
    edge.receive_request(&next, NOW + SEC).unwrap();
    // outside the window the timestamp refuses the old bytes
    assert!(matches!(
        edge_error(&edge, &req, NOW + 31 * SEC),
        Error::ClockSkew { .. }
    ));
}

#[test]
fn a_timestamp_outside_the_window_is_refused() {
    let w = World::new();
    let edge = w.edge_at("edge-a", NOW - HOUR, NOW + HOUR, |c| {
        c.clock_window_ms = 30 * SEC
    });
    let p = w.pseudonym(b"v");
    let v = w.vehicle();
    let (late, _) = request(&v, &p, &edge, 1, NOW);
    assert_eq!(
        edge_error(&edge, &late, NOW + 30 * SEC + 1),
        Error::ClockSkew {
            skew_ms: -(30 * SEC as i64) - 1,
            window_ms: 30 * SEC
        }
    );
    let (early, _) = request(&v, &p, &edge, 2, NOW + 31 * SEC);
    assert!(matches!(
        edge_error(&edge, &early, NOW),
        Error::ClockSkew {
            skew_ms: 31_000,
            ..
        }
    ));
    let (edge_of_window, _) = request(&v, &p, &edge, 3, NOW);
    edge.receive_request(&edge_of_window, NOW + 30 * SEC)
        .unwrap();
}

#[test]
fn a_request_for_another_edge_is_refused() {
    let w = World::new();
    let a = w.edge("edge-a");
    let b = w.edge("edge-b");
    let p = w.pseudonym(b"v");
    let (req, _) = request(&w.vehicle(), &p, &a, 1, NOW);
    assert_eq!(edge_error(&b, &req, NOW), Error::WrongEdge);
    // relabelled for B (its warrant id in the header): B cannot open what was sealed to A
    let mut relabelled = req.clone();
    let id_at = messages::HEADER_LEN + 6;
    relabelled[id_at..id_at + 32].copy_from_slice(&b.warrant().id());
    assert_eq!(
        edge_error(&b, &relabelled, NOW),
        Error::RequestUndecryptable
    );
    // A still accepts the original
    a.receive_request(&req, NOW).unwrap();
}

/// Positions to flip in a message of `len` bytes: every part of it, some 40 of them.
fn positions(len: usize) -> Vec<usize> {
    let step = (len / 40).max(1);
    (messages::HEADER_LEN..len)
        .step_by(step)
        .chain([len - 1])
        .collect()
}

#[test]
fn a_tampered_request_is_refused_without_a_session() {
    let w = World::new();
    let edge = w.edge("edge-a");
    let p = w.pseudonym(b"v");
    let (req, _) = request(&w.vehicle(), &p, &edge, 1, NOW);
    for i in positions(req.len()) {
        let mut t = req.clone();
        t[i] ^= 0x40;
        let e = edge_error(&edge, &t, NOW);
        assert!(
            matches!(
                e,
                Error::WrongEdge | Error::RequestUndecryptable | Error::Decode { .. }
            ),
            "byte {i}: {e}"
        );
    }
    // frame header: type, version, length
    for (i, bit) in [(0, 1), (1, 1), (5, 1)] {
        let mut t = req.clone();
        t[i] ^= bit;
        assert!(edge.receive_request(&t, NOW).is_err(), "header byte {i}");
    }
    edge.receive_request(&req, NOW).unwrap();
}

#[test]
fn a_tampered_response_is_refused_and_ends_the_handover() {
    let w = World::new();
    let edge = w.edge("edge-a");
    let p = w.pseudonym(b"v");
    let v = w.vehicle();
    let (req, awaiting) = request(&v, &p, &edge, 0, NOW);
    let (resp, _) = edge.receive_request(&req, NOW).unwrap();
    drop(awaiting);
    for (n, i) in positions(resp.len()).into_iter().enumerate() {
        let (req, awaiting) = request(&v, &p, &edge, 1 + n as u64, NOW);
        let (resp, _) = edge.receive_request(&req, NOW).unwrap();
        let mut t = resp.clone();
        t[i] ^= 0x02;
        let e = awaiting.receive_response(&t, NOW).map(|_| ()).unwrap_err();
        assert!(
            matches!(
                e,
                Error::BadSignature
                    | Error::KeyConfirmationFailed
                    | Error::WrongWarrant
                    | Error::Decode { .. }
            ),
            "byte {i}: {e}"
        );
    }
    // a response meant for another request does not verify either
    let (req1, awaiting1) = request(&v, &p, &edge, 1000, NOW);
    let (req2, _) = request(&v, &p, &edge, 1001, NOW);
    edge.receive_request(&req1, NOW).unwrap();
    let (resp2, _) = edge.receive_request(&req2, NOW).unwrap();
    assert!(awaiting1.receive_response(&resp2, NOW).is_err());
}

#[test]
fn a_response_from_an_impostor_edge_is_refused() {
    let w = World::new();
    let a = w.edge("edge-a");
    let b = w.edge("edge-b");
    let p = w.pseudonym(b"v");
    let v = w.vehicle();
    let (req_b, _) = request(&v, &p, &b, 1, NOW);
    let (resp_b, _) = b.receive_request(&req_b, NOW).unwrap();
    let (_, awaiting_a) = request(&v, &p, &a, 2, NOW);
    assert_eq!(
        awaiting_a
            .receive_response(&resp_b, NOW)
            .map(|_| ())
            .unwrap_err(),
        Error::WrongWarrant
    );
}

#[test]
fn a_tampered_ack_is_refused_without_a_session() {
    let w = World::new();
    let edge = w.edge("edge-a");
    let p = w.pseudonym(b"v");
    let v = w.vehicle();
    let h = handover(&v, &p, &edge, 0, NOW);
    let ack_len = h.wire[2].len();
    for (n, i) in (0..ack_len).enumerate() {
        let (req, awaiting) = request(&v, &p, &edge, 1 + n as u64, NOW);
        let (resp, pending) = edge.receive_request(&req, NOW).unwrap();
        let (mut ack, _vehicle_session) = awaiting.receive_response(&resp, NOW).unwrap();
        ack[i] ^= 0x10;
        assert!(pending.receive_ack(&ack, NOW).is_err(), "byte {i}");
    }
    // the genuine ack, too late
    let (req, awaiting) = request(&v, &p, &edge, 500, NOW);
    let (resp, pending) = edge.receive_request(&req, NOW).unwrap();
    let (ack, _) = awaiting.receive_response(&resp, NOW).unwrap();
    assert_eq!(
        pending
            .receive_ack(&ack, NOW + 31 * SEC)
            .map(|_| ())
            .unwrap_err(),
        Error::Timeout
    );
}

#[test]
fn a_pseudonym_from_another_authority_is_refused() {
    let w = World::new();
    let rogue = World::new();
    let edge = w.edge("edge-a");
    let p = rogue.pseudonym(b"v");
    let (req, _) = request(&w.vehicle(), &p, &edge, 1, NOW);
    assert_eq!(edge_error(&edge, &req, NOW), Error::UnknownAuthority);
    // and a rogue warrant is refused by the vehicle
    let rogue_edge = rogue.edge("edge-a");
    let e = w
        .vehicle()
        .prepare(&w.pseudonym(b"v"), rogue_edge.warrant(), APP, 1, NOW)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(e, Error::UnknownAuthority);
}

#[test]
fn only_the_issuing_authority_traces_a_handover_to_the_vehicle() {
    let w = World::new();
    let edge = w.edge("edge-a");
    let v = w.vehicle();
    let p1 = w.pseudonym(b"VIN-ONE");
    let p2 = w.pseudonym(b"VIN-TWO-LONGER-IDENTITY");
    let r1 = handover(&v, &p1, &edge, 1, NOW).record;
    let r2 = handover(&v, &p2, &edge, 1, NOW).record;
    assert_eq!(
        w.authority.trace(&r1.credential).unwrap().as_slice(),
        b"VIN-ONE"
    );
    assert_eq!(
        w.authority.trace(&r2.credential).unwrap().as_slice(),
        b"VIN-TWO-LONGER-IDENTITY"
    );
    // another authority cannot open it
    let other = Authority::generate_default("road-authority").unwrap();
    assert_eq!(
        other.trace(&r1.credential).unwrap_err(),
        Error::UnknownAuthority
    );
    // the escrow is bound to its credential: moving it into another credential breaks the signature
    let mut moved = PseudonymCredential::decode(&r2.credential).unwrap();
    moved.escrow = PseudonymCredential::decode(&r1.credential).unwrap().escrow;
    assert!(matches!(
        w.authority.trace(&moved.encode()).unwrap_err(),
        Error::BadCredentialSignature { .. }
    ));
    // the escrow has one length whatever the identity's
    assert_eq!(
        r1.credential.len(),
        r2.credential.len() + p1.credential.signature.len() - p2.credential.signature.len()
    );
    // an identity longer than the bound is refused at issuance
    assert!(
        PseudonymKeys::issue_batch(
            &w.authority,
            &[b'x'; 65],
            &PseudonymBatch::new(1, &[APP], NOW, HOUR)
        )
        .is_err()
    );
}

/// Every 8-byte window of `a`.
fn windows(a: &[u8]) -> std::collections::HashSet<&[u8]> {
    a.windows(8).collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Two handovers of one vehicle under different pseudonyms share no 8-byte
/// window that a different vehicle's handover to the same edge lacks.
///
/// A window that straddles a fixed field (a length prefix) and one or two
/// random bytes matches between two handovers by chance (p ≈ 2⁻⁸ per such
/// window), which is no identifier. A stable identifier would be in *every*
/// handover of the vehicle, so the check runs over four of them: a window
/// in all four and absent from the other vehicle's is a link (chance
/// matches: p ≈ 2⁻²⁴ per window).
///
/// Runs of one byte value are no identifier either: a Falcon signature is
/// zero-padded to its fixed size, so eight zeros appear whenever the
/// compressed signature is 8+ bytes short; on that padding alone the check
/// failed 12 times in 200 runs (none in 300 since runs are excluded).
#[test]
fn two_handovers_of_one_vehicle_share_nothing_that_another_vehicle_does_not() {
    let w = World::new();
    let edge = w.edge("edge-a");
    let v = w.vehicle();
    let id = b"VIN-1HGCM82633A004352";
    let batch = w.pseudonyms(id, 4, &[APP]);
    let stranger = w.pseudonym(b"VIN-OTHER-VEHICLE-0001");
    let mine: Vec<Vec<u8>> = batch
        .iter()
        .enumerate()
        .map(|(i, p)| {
            handover(&v, p, &edge, 7, NOW + i as u64 * SEC)
                .wire
                .concat()
        })
        .collect();
    let other = handover(&v, &stranger, &edge, 7, NOW + 5 * SEC)
        .wire
        .concat();
    for m in &mine {
        assert_eq!(m.len(), other.len(), "lengths differ");
    }
    let others = windows(&other);
    let sets: Vec<_> = mine.iter().map(|m| windows(m)).collect();
    let linking: Vec<_> = sets[0]
        .iter()
        .filter(|x| !x.iter().all(|&b| b == x[0]))
        .filter(|x| sets[1..].iter().all(|s| s.contains(*x)) && !others.contains(*x))
        .collect();
    assert!(
        linking.is_empty(),
        "{} windows link the vehicle's handovers",
        linking.len()
    );
    for (p, wire) in batch.iter().zip(&mine) {
        assert!(!contains(wire, id));
        assert!(!contains(wire, &p.credential.serial.to_be_bytes()));
        assert!(!contains(wire, &p.credential.public_key[..16]));
        assert!(!contains(
            wire,
            &p.credential.public_key[p.credential.public_key.len() - 16..]
        ));
        assert!(!contains(wire, &p.credential.escrow.ciphertext[..16]));
    }
}

#[test]
fn a_prepared_request_is_finalized_later_with_a_fresh_timestamp() {
    let w = World::new();
    let edge = w.edge("edge-a");
    let p = w.pseudonym(b"v");
    let v = w.vehicle();
    let prepared = v.prepare(&p, edge.warrant(), APP, 1, NOW).unwrap();
    let later = NOW + 10 * 60 * SEC;
    let (req, awaiting) = prepared.finalize(later).unwrap();
    assert_eq!(awaiting.request(), req.as_slice());
    let (resp, pending) = edge.receive_request(&req, later).unwrap();
    let (ack, _) = awaiting.receive_response(&resp, later).unwrap();
    let (_, record) = pending.receive_ack(&ack, later).unwrap();
    assert_eq!(record.timestamp, later);
    // the precomputed part alone, sealed at prepare time, would be stale by now
    let (stale, _) = v
        .prepare(&p, edge.warrant(), APP, 2, NOW)
        .unwrap()
        .finalize(NOW)
        .unwrap();
    assert!(matches!(
        edge_error(&edge, &stale, later),
        Error::ClockSkew { .. }
    ));
}

#[test]
fn policy_refuses_a_withdrawn_algorithm() {
    let w = World::new();
    let withdrawn = policy();
    withdrawn.withdraw(Withdrawal::Algorithm(cp::FALCON_512));
    let edge = w.edge_at("edge-a", NOW - HOUR, NOW + HOUR, |c| {
        c.policy = withdrawn.clone()
    });
    let p = w.pseudonym(b"v");
    let (req, _) = request(&w.vehicle(), &p, &edge, 1, NOW);
    assert_eq!(
        edge_error(&edge, &req, NOW),
        Error::NotPermitted {
            codepoint: cp::FALCON_512_ED25519
        }
    );
    let mut cfg = w.vehicle().config().clone();
    cfg.policy = withdrawn;
    let e = Vehicle::new(cfg)
        .prepare(&p, edge.warrant(), APP, 1, NOW)
        .map(|_| ())
        .unwrap_err();
    assert!(matches!(e, Error::NotPermitted { .. }));
}

#[test]
fn every_object_round_trips_and_decodes_strictly() {
    let w = World::new();
    let edge = w.edge("edge-a");
    let p = w.pseudonym(b"v");
    let a = AuthorityPublic::decode(&w.public().encode()).unwrap();
    assert_eq!(&a, w.public());
    let back = Authority::decode(&w.authority.encode()).unwrap();
    assert_eq!(back.public(), w.public());
    let wt = EdgeWarrant::decode(&edge.warrant().encode()).unwrap();
    assert_eq!(&wt, edge.warrant());
    let c = PseudonymCredential::decode(p.credential_bytes()).unwrap();
    assert_eq!(c, p.credential);
    let pk = PseudonymKeys::decode(&p.encode()).unwrap();
    assert_eq!(pk.credential, p.credential);
    let keys = EdgeKeys::generate(DEFAULT_EDGE_SIGNATURE, DEFAULT_KEM).unwrap();
    let k2 = EdgeKeys::decode(&keys.encode()).unwrap();
    assert_eq!(k2.kem_public_key, keys.kem_public_key);
    // a restored authority still traces and signs
    let r = handover(&w.vehicle(), &p, &edge, 1, NOW).record;
    assert_eq!(back.trace(&r.credential).unwrap().as_slice(), b"v");
    // trailing bytes, truncation and one kind read as another are refused
    for (name, bytes, dec) in [
        (
            "warrant",
            edge.warrant().encode(),
            (|b: &[u8]| EdgeWarrant::decode(b).map(|_| ())) as fn(&[u8]) -> _,
        ),
        ("credential", p.credential_bytes().to_vec(), |b: &[u8]| {
            PseudonymCredential::decode(b).map(|_| ())
        }),
        ("authority", w.public().encode(), |b: &[u8]| {
            AuthorityPublic::decode(b).map(|_| ())
        }),
    ] {
        let mut long = bytes.clone();
        long.push(0);
        assert!(dec(&long).is_err(), "{name}: trailing byte");
        for cut in [0, 1, 2, bytes.len() / 2, bytes.len() - 1] {
            assert!(dec(&bytes[..cut]).is_err(), "{name}: cut at {cut}");
        }
    }
    assert!(PseudonymCredential::decode(&edge.warrant().encode()).is_err());
    // frames over their bound are refused from the header alone
    let mut huge = vec![1, msg_type::V2X_REQUEST];
    huge.extend_from_slice(&(u32::MAX).to_be_bytes());
    assert!(messages::parse_header(&huge).is_err());
    let mut ack = vec![1, msg_type::V2X_ACK];
    ack.extend_from_slice(&66u32.to_be_bytes());
    assert!(messages::parse_header(&ack).is_err());
    // a forged warrant does not make an edge
    let mut forged = edge.warrant().clone();
    forged.applications.push("everything".into());
    let keys = EdgeKeys::generate(DEFAULT_EDGE_SIGNATURE, DEFAULT_KEM).unwrap();
    let cfg = EdgeConfig::new(
        forged,
        Arc::new(keys),
        w.public().clone(),
        w.revocation.clone(),
        policy(),
        Arc::new(SoftwareEngine::new()),
    );
    assert!(matches!(
        Edge::new(cfg).map(|_| ()).unwrap_err(),
        Error::BadCredentialSignature { .. }
    ));
}

#[test]
fn garbage_never_panics_the_parsers() {
    let w = World::new();
    let edge = w.edge("edge-a");
    let p = w.pseudonym(b"v");
    let v = w.vehicle();
    let (req, _) = request(&v, &p, &edge, 1, NOW);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for n in 0..300usize {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = (x as usize) % req.len();
        let mut b = req[..len].to_vec();
        if let Some(byte) = b.get_mut(n % len.max(1)) {
            *byte ^= x as u8;
        }
        let _ = edge.receive_request(&b, NOW);
        let _ = EdgeWarrant::decode(&b);
        let _ = PseudonymCredential::decode(&b);
        let _ = AuthorityPublic::decode(&b);
        let (_, awaiting) = request(&v, &p, &edge, 1000 + n as u64, NOW);
        let _ = awaiting.receive_response(&b, NOW);
    }
}

//! The anchor-to-anchor handshake: the happy path, the retry, and every
//! failure with its exact error on both sides.

mod common;

use std::sync::Arc;

use agilis_negotiate::messages::{HEADER_LEN, Offer, Selection, frame, msg_type, split_frame};
use agilis_negotiate::{Error, Initiator, Policy, ReplayCache, Responder, Session};
use agilis_suites::registry::{Withdrawal, by_codepoint, codepoint as cp};
use agilis_suites::{Family, Kind};
use common::*;

fn pair(pki: &Pki) -> (agilis_negotiate::Config, agilis_negotiate::Config) {
    (
        pki.config(pki.anchor("subnet-a")),
        pki.config(pki.anchor("subnet-b")),
    )
}

fn both(f: Failure) -> (Option<Error>, Option<Error>) {
    (f.initiator, f.responder)
}

fn exchange(a: &mut Session, b: &mut Session, data: &[u8]) -> Vec<u8> {
    a.send(data, NOW).unwrap();
    let mut got = Vec::new();
    for f in frames(&a.take_output()) {
        if let agilis_negotiate::Event::Data(d) = b.receive(&f, NOW).unwrap() {
            got.extend(d);
        }
    }
    got
}

#[test]
fn anchors_agree_on_the_anchor_profiles_first_choices_and_exchange_data() {
    let pki = Pki::new();
    let (ic, rc) = pair(&pki);
    let (mut i, mut r) = handshake(ic, rc).unwrap();
    let s = i.info().suite;
    assert_eq!(s, r.info().suite);
    assert_eq!(s.kem, cp::ML_KEM_1024_HQC_256);
    assert_eq!(s.sig_initiator, cp::ML_DSA_65_ED25519);
    assert_eq!(s.sig_responder, cp::ML_DSA_65_ED25519);
    assert_eq!(s.aead, cp::AES_256_GCM);
    assert_eq!(s.kdf, cp::HKDF_SHA384);
    assert_eq!(
        i.info().families,
        [
            Family::ModuleLattice,
            Family::CodeBased,
            Family::HashBased,
            Family::EllipticCurve,
            Family::BlockCipher
        ]
    );
    assert_eq!(i.info().transcript_hash, r.info().transcript_hash);
    assert_eq!(i.info().transcript_hash.len(), 48);
    assert_eq!(i.info().binding, r.info().binding);
    assert_eq!(i.info().peer.anchor().unwrap().subnet, "subnet-b");
    assert_eq!(r.info().peer.anchor().unwrap().subnet, "subnet-a");
    assert!(!i.info().retried);
    assert_eq!(exchange(&mut i, &mut r, b"hello b"), b"hello b");
    assert_eq!(exchange(&mut r, &mut i, b"hello a"), b"hello a");
}

#[test]
fn selection_is_deterministic_and_every_asymmetric_choice_spans_two_families() {
    let pki = Pki::new();
    let (ia, ra) = pair(&pki);
    let (ib, rb) = pair(&pki);
    let (a, _) = handshake(ia, ra).unwrap();
    let (b, _) = handshake(ib, rb).unwrap();
    assert_eq!(a.info().suite, b.info().suite);
    assert_ne!(
        a.info().transcript_hash,
        b.info().transcript_hash,
        "fresh nonces and shares"
    );
    for c in [
        a.info().suite.kem,
        a.info().suite.sig_initiator,
        a.info().suite.sig_responder,
    ] {
        assert!(by_codepoint(c).unwrap().spans_two_families());
    }
}

#[test]
fn retry_names_the_responders_choice_and_is_covered_by_the_transcript() {
    let pki = Pki::new();
    let (ic, rc) = pair(&pki);
    rc.policy.withdraw(Withdrawal::Algorithm(cp::HQC_256));
    let (i, r) = handshake(ic, rc).unwrap();
    assert!(i.info().retried && r.info().retried);
    assert_eq!(i.info().suite.kem, cp::ML_KEM_1024_X25519);
    assert_eq!(i.info().transcript_hash, r.info().transcript_hash);
}

#[test]
fn an_altered_retry_makes_both_sides_abort() {
    let pki = Pki::new();
    let (ic, rc) = pair(&pki);
    rc.policy.withdraw(Withdrawal::Algorithm(cp::HQC_256));
    let f = handshake_with(
        ic,
        rc,
        Arc::new(ReplayCache::default()),
        NOW,
        |from_i, f| {
            if !from_i && f[1] == msg_type::RETRY {
                *f = frame(msg_type::RETRY, &cp::X_WING.to_be_bytes());
            }
        },
    )
    .unwrap_err();
    assert_eq!(
        both(f),
        (Some(Error::PeerAlert(5)), Some(Error::RetryMismatch))
    );
}

fn edit_offer(f: &mut Vec<u8>, edit: impl FnOnce(&mut Offer)) {
    if f[1] != msg_type::OFFER {
        return;
    }
    let mut o = Offer::decode(&f[HEADER_LEN..]).unwrap();
    edit(&mut o);
    *f = frame(msg_type::OFFER, &o.encode());
}

#[test]
fn stripping_reordering_or_altering_offered_suites_makes_both_sides_abort() {
    let pki = Pki::new();
    type Edit = fn(&mut Offer);
    let edits: [(&str, Edit); 5] = [
        ("strip a KEM", |o| {
            o.kems.pop();
        }),
        ("reorder AEADs", |o| o.aeads.reverse()),
        ("strip a signature", |o| {
            o.sigs.retain(|&s| s != cp::ML_DSA_87_SLH_DSA_SHAKE_256F);
        }),
        ("reorder KEMs after the shared one", |o| {
            o.kems[1..].reverse()
        }),
        ("alter the timestamp", |o| o.timestamp += 1),
    ];
    for (what, edit) in edits {
        let (ic, rc) = pair(&pki);
        let f = handshake_with(
            ic,
            rc,
            Arc::new(ReplayCache::default()),
            NOW,
            |from_i, f| {
                if from_i {
                    edit_offer(f, edit)
                }
            },
        )
        .unwrap_err();
        assert_eq!(
            both(f),
            (Some(Error::TamperedTranscript), Some(Error::PeerAlert(5))),
            "{what}"
        );
    }
}

#[test]
fn no_common_suite_is_reported_by_kind() {
    let pki = Pki::new();
    let all: Vec<u16> = agilis_suites::registry::ALGORITHMS
        .iter()
        .map(|a| a.codepoint)
        .collect();
    let i = pki.anchor_with("subnet-a", |r| r.capabilities = all.clone());
    let mut ic = pki.config(i);
    ic.policy = Policy::by_name("vehicle").unwrap(); // HKDF-SHA256 and Ascon-KDF only
    let rc = pki.config(pki.anchor("subnet-b"));
    let f = handshake(ic, rc).unwrap_err();
    assert_eq!(
        both(f),
        (
            Some(Error::PeerAlert(4)),
            Some(Error::NoCommonSuite(Kind::Kdf))
        )
    );
}

#[test]
fn a_policy_that_leaves_nothing_to_offer_fails_before_sending() {
    let pki = Pki::new();
    let (ic, rc) = pair(&pki);
    ic.policy.withdraw(Withdrawal::Family(Family::BlockCipher));
    ic.policy.withdraw(Withdrawal::Family(Family::Arx));
    let f = handshake(ic, rc).unwrap_err();
    assert_eq!(both(f), (Some(Error::NothingToOffer(Kind::Aead)), None));
}

fn selection_of(f: &[u8]) -> Selection {
    Selection::decode(split_frame(f).unwrap().1).unwrap()
}

fn flip_selection(pick: fn(&Selection) -> usize) -> (Option<Error>, Option<Error>) {
    let pki = Pki::new();
    let (ic, rc) = pair(&pki);
    let f = handshake_with(
        ic,
        rc,
        Arc::new(ReplayCache::default()),
        NOW,
        |from_i, f| {
            if !from_i && f[1] == msg_type::SELECTION {
                let at = HEADER_LEN + pick(&selection_of(f));
                f[at] ^= 0x01;
            }
        },
    )
    .unwrap_err();
    both(f)
}

#[test]
fn a_bad_handshake_signature_is_bad_signature() {
    assert_eq!(
        flip_selection(|s| s.cert_end + 2 + 40),
        (Some(Error::BadSignature), Some(Error::PeerAlert(6)))
    );
}

#[test]
fn a_bad_key_confirmation_mac_is_key_confirmation_failed() {
    assert_eq!(
        flip_selection(|s| s.sig_end + 1),
        (
            Some(Error::KeyConfirmationFailed),
            Some(Error::PeerAlert(7))
        )
    );
}

#[test]
fn a_tampered_kem_ciphertext_breaks_the_signed_transcript() {
    assert_eq!(
        flip_selection(|s| s.ct_end - 5),
        (Some(Error::BadSignature), Some(Error::PeerAlert(6)))
    );
}

#[test]
fn a_tampered_responder_certificate_is_a_bad_certificate_signature() {
    // byte 20 of the certificate: inside the subnet name or key algorithm
    let (i, r) = flip_selection(|s| s.ct_end + 2 + 3);
    assert_eq!(r, Some(Error::PeerAlert(8)));
    assert!(matches!(i, Some(Error::BadCertificateSignature)), "{i:?}");
}

#[test]
fn a_selection_of_something_never_offered_is_caught() {
    let pki = Pki::new();
    let (ic, rc) = pair(&pki);
    let f = handshake_with(
        ic,
        rc,
        Arc::new(ReplayCache::default()),
        NOW,
        |from_i, f| {
            if !from_i && f[1] == msg_type::SELECTION {
                // the AEAD field: nonce(32) time(8) kem(2) sig(2)
                let at = HEADER_LEN + 44;
                f[at..at + 2].copy_from_slice(&cp::ASCON_AEAD128.to_be_bytes());
            }
        },
    )
    .unwrap_err();
    assert_eq!(
        both(f),
        (
            Some(Error::SelectionNotOffered {
                codepoint: cp::ASCON_AEAD128
            }),
            Some(Error::PeerAlert(5))
        )
    );
}

#[test]
fn a_tampered_finish_fails_at_the_responder() {
    let pki = Pki::new();
    let (ic, rc) = pair(&pki);
    let f = handshake_with(
        ic,
        rc,
        Arc::new(ReplayCache::default()),
        NOW,
        |from_i, f| {
            if from_i && f[1] == msg_type::FINISH {
                let n = f.len();
                f[n - 3] ^= 1; // inside the MAC
            }
        },
    )
    .unwrap_err();
    assert_eq!(
        both(f),
        (
            Some(Error::PeerAlert(7)),
            Some(Error::KeyConfirmationFailed)
        )
    );
}

#[test]
fn revoked_certificates_fail_on_either_side() {
    let pki = Pki::new();
    let a = pki.anchor("subnet-a");
    let b = pki.anchor("subnet-b");
    pki.publish(2, &[a.cert.serial]);
    let f = handshake(pki.config(a.clone()), pki.config(b.clone())).unwrap_err();
    assert_eq!(
        both(f),
        (
            Some(Error::PeerAlert(9)),
            Some(Error::CertificateRevoked {
                serial: a.cert.serial
            })
        )
    );
    let f = handshake(pki.config(b), pki.config(a.clone())).unwrap_err();
    assert_eq!(
        both(f),
        (
            Some(Error::CertificateRevoked {
                serial: a.cert.serial
            }),
            Some(Error::PeerAlert(9))
        )
    );
}

#[test]
fn expired_and_not_yet_valid_certificates_fail() {
    let pki = Pki::new();
    let old = pki.anchor_with("subnet-a", |r| {
        r.not_before = NOW - 48 * HOUR;
        r.not_after = NOW - HOUR;
    });
    let f = handshake(pki.config(old), pki.config(pki.anchor("subnet-b"))).unwrap_err();
    assert_eq!(
        both(f),
        (
            Some(Error::PeerAlert(10)),
            Some(Error::CertificateExpired {
                not_after: NOW - HOUR
            })
        )
    );
    let future = pki.anchor_with("subnet-b", |r| r.not_before = NOW + HOUR);
    let f = handshake(pki.config(pki.anchor("subnet-a")), pki.config(future)).unwrap_err();
    assert_eq!(
        both(f),
        (
            Some(Error::CertificateNotYetValid {
                not_before: NOW + HOUR
            }),
            Some(Error::PeerAlert(10))
        )
    );
}

#[test]
fn a_certificate_from_another_ca_is_an_unknown_issuer() {
    let pki = Pki::new();
    let other = Pki::new();
    let f = handshake(
        pki.config(other.anchor("intruder")),
        pki.config(pki.anchor("subnet-b")),
    )
    .unwrap_err();
    assert_eq!(
        both(f),
        (Some(Error::PeerAlert(8)), Some(Error::UnknownIssuer))
    );
}

#[test]
fn a_stale_status_list_fails_closed() {
    let pki = Pki::new();
    let l = agilis_negotiate::cert::StatusList::sign(
        &pki.ca_key,
        2,
        NOW - 3 * HOUR,
        NOW - HOUR,
        vec![],
    )
    .unwrap();
    pki.trust.add_status_list(l).unwrap();
    let (ic, rc) = pair(&pki);
    let f = handshake(ic, rc).unwrap_err();
    assert_eq!(
        both(f),
        (
            Some(Error::StatusListExpired {
                next_update: NOW - HOUR
            }),
            Some(Error::PeerAlert(11))
        )
    );
}

#[test]
fn an_unexpected_peer_name_is_refused() {
    let pki = Pki::new();
    let (mut ic, rc) = pair(&pki);
    ic.expected_peer = Some("subnet-c".into());
    let f = handshake(ic, rc).unwrap_err();
    assert_eq!(
        both(f),
        (
            Some(Error::UnexpectedPeer {
                found: "subnet-b".into()
            }),
            Some(Error::PeerAlert(12))
        )
    );
}

#[test]
fn clock_skew_beyond_the_window_is_refused() {
    let pki = Pki::new();
    let (ic, rc) = pair(&pki);
    let (_, offer) = Initiator::new(ic, NOW - 60_000).unwrap();
    let mut r = Responder::new(rc, Arc::new(ReplayCache::default()));
    assert_eq!(
        r.receive(&offer, NOW).unwrap_err(),
        Error::ClockSkew {
            skew_ms: -60_000,
            window_ms: 30_000
        }
    );
}

#[test]
fn a_replayed_offer_is_refused() {
    let pki = Pki::new();
    let (ic, rc) = pair(&pki);
    let replay = Arc::new(ReplayCache::default());
    let (_, offer) = Initiator::new(ic, NOW).unwrap();
    let mut r1 = Responder::new(rc.clone(), replay.clone());
    assert!(r1.receive(&offer, NOW).is_ok());
    let mut r2 = Responder::new(rc, replay.clone());
    assert_eq!(r2.receive(&offer, NOW + 1000).unwrap_err(), Error::Replay);
    // a full cache refuses instead of forgetting
    let small = ReplayCache::new(1);
    small.check_and_insert([1; 32], NOW, NOW + 10).unwrap();
    assert_eq!(
        small.check_and_insert([2; 32], NOW, NOW + 10),
        Err(Error::ReplayCacheFull)
    );
    // expired entries make room
    small.check_and_insert([2; 32], NOW + 11, NOW + 20).unwrap();
}

#[test]
fn malformed_and_out_of_order_messages_are_typed_errors() {
    let pki = Pki::new();
    let (ic, rc) = pair(&pki);
    let (mut i, offer) = Initiator::new(ic, NOW).unwrap();
    let fresh = || Responder::new(rc.clone(), Arc::new(ReplayCache::default()));
    // truncated body
    let mut short = offer.clone();
    short.truncate(offer.len() - 1);
    assert!(matches!(
        fresh().receive(&short, NOW),
        Err(Error::Decode { .. })
    ));
    // a header claiming more than the bound
    let mut big = offer.clone();
    big[2..6].copy_from_slice(&(1u32 << 30).to_be_bytes());
    assert!(matches!(
        fresh().receive(&big, NOW),
        Err(Error::Decode { .. })
    ));
    // another version
    let mut v2 = offer.clone();
    v2[0] = 2;
    assert_eq!(
        fresh().receive(&v2, NOW).unwrap_err(),
        Error::UnsupportedVersion {
            what: "protocol",
            found: 2
        }
    );
    // an offer where a selection is expected
    assert_eq!(
        i.receive(&offer, NOW).unwrap_err(),
        Error::UnexpectedMessage {
            found: msg_type::OFFER,
            expected: "selection or retry"
        }
    );
    // the machine is dead after an error
    assert_eq!(i.receive(&offer, NOW).unwrap_err(), Error::SessionFailed);
    // a finish first
    let fin = frame(msg_type::FINISH, &[0, 0, 0, 0, 0]);
    assert!(matches!(
        fresh().receive(&fin, NOW),
        Err(Error::UnexpectedMessage { .. })
    ));
}

#[test]
fn hash_based_and_elliptic_suites_carry_on_after_a_lattice_break() {
    let pki = Pki::new();
    let key = agilis_negotiate::cert::SigningKey::generate(cp::SLH_DSA_SHAKE_256F_ED25519);
    // SLH-DSA-256f signing is slow in debug builds; one handshake only.
    let key = key.unwrap();
    let mut req = pki.anchor_req("subnet-a", &key);
    req.key_alg = key.alg;
    let a = Arc::new(
        agilis_negotiate::pki::Identity::new(pki.ca_key.issue(&req).unwrap(), key).unwrap(),
    );
    let b = pki.anchor("subnet-b"); // ML-DSA-65+Ed25519: refused after the break
    let (ic, rc) = (pki.config(a), pki.config(b));
    rc.policy
        .withdraw(Withdrawal::Family(Family::ModuleLattice));
    let f = handshake(ic, rc).unwrap_err();
    assert_eq!(
        both(f),
        (
            Some(Error::PeerAlert(4)),
            Some(Error::NothingToOffer(Kind::Signature))
        )
    );
}

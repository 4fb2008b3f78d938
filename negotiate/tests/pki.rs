//! Certificates, status lists, the CA directory, the trust backend and tokens.

mod common;

use agilis_negotiate::cert::{Certificate, Role, SigningKey, StatusList};
use agilis_negotiate::pki::{CaDir, DAY_MS, DEFAULT_SIGNATURE, Identity, anchor_capabilities};
use agilis_negotiate::token::{MAX_TOKEN_LIFETIME_MS, Token};
use agilis_negotiate::trust::{LocalTrust, TrustBackend};
use agilis_negotiate::{DecodeProblem, Error};
use common::*;

#[test]
fn certificates_round_trip_and_every_flipped_byte_is_caught() {
    let pki = Pki::new();
    let a = pki.anchor("subnet-a");
    let bytes = a.cert.encode();
    let back = Certificate::decode(&bytes).unwrap();
    assert_eq!(back, a.cert);
    assert_eq!(back.capabilities, anchor_capabilities());
    pki.trust.validate(&back, NOW).unwrap();
    // every byte position (stride 7 for speed; covers each field)
    for at in (0..bytes.len()).step_by(7) {
        let mut b = bytes.clone();
        b[at] ^= 0x04;
        if let Ok(c) = Certificate::decode(&b) {
            assert!(
                pki.trust.validate(&c, NOW).is_err(),
                "flip at {at} accepted"
            );
        }
    }
    assert!(matches!(
        Certificate::decode(&bytes[..bytes.len() - 1]),
        Err(Error::Decode { .. })
    ));
    let mut long = bytes.clone();
    long.push(0);
    assert_eq!(
        Certificate::decode(&long).unwrap_err(),
        Error::Decode {
            what: "certificate",
            problem: DecodeProblem::TrailingBytes
        }
    );
    let mut v = bytes;
    v[0] = 9;
    assert_eq!(
        Certificate::decode(&v).unwrap_err(),
        Error::UnsupportedVersion {
            what: "certificate",
            found: 9
        }
    );
}

#[test]
fn status_lists_are_signed_ordered_and_never_rolled_back() {
    let pki = Pki::new();
    let a = pki.anchor("subnet-a");
    let l = StatusList::sign(
        &pki.ca_key,
        5,
        NOW,
        NOW + DAY_MS,
        vec![9, a.cert.serial, 3, 9],
    )
    .unwrap();
    assert_eq!(
        l.revoked,
        [a.cert.serial, 3, 9]
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    );
    let bytes = l.encode();
    assert_eq!(StatusList::decode(&bytes).unwrap(), l);
    let mut bad = bytes.clone();
    bad[40] ^= 1;
    let bad = StatusList::decode(&bad).unwrap();
    assert_eq!(
        pki.trust.add_status_list(bad).unwrap_err(),
        Error::BadStatusListSignature
    );
    pki.trust.add_status_list(l).unwrap();
    assert_eq!(
        pki.trust.validate(&a.cert, NOW).unwrap_err(),
        Error::CertificateRevoked {
            serial: a.cert.serial
        }
    );
    // an older list (number 1, nothing revoked) does not un-revoke
    pki.publish(1, &[]);
    assert_eq!(
        pki.trust.validate(&a.cert, NOW).unwrap_err(),
        Error::CertificateRevoked {
            serial: a.cert.serial
        }
    );
    // a status list from another CA
    let other = Pki::new();
    let foreign = StatusList::sign(&other.ca_key, 9, NOW, NOW + DAY_MS, vec![]).unwrap();
    assert_eq!(
        pki.trust.add_status_list(foreign).unwrap_err(),
        Error::UnknownIssuer
    );
}

#[test]
fn a_trust_store_without_a_status_list_fails_closed() {
    let pki = Pki::new();
    let a = pki.anchor("subnet-a");
    let bare = LocalTrust::new();
    bare.add_ca(pki.ca.clone()).unwrap();
    assert_eq!(
        bare.validate(&a.cert, NOW).unwrap_err(),
        Error::NoStatusList
    );
    assert_eq!(
        bare.add_ca(a.cert.clone()).unwrap_err(),
        Error::WrongCertificateRole
    );
    assert_eq!(
        bare.validate(&pki.ca, NOW).unwrap_err(),
        Error::WrongCertificateRole
    );
}

#[test]
fn the_ca_directory_issues_revokes_and_feeds_a_local_trust_directory() {
    let dir = tempfile::tempdir().unwrap();
    let ca_dir = dir.path().join("ca");
    let ca = CaDir::init(&ca_dir, "domain-ca", DEFAULT_SIGNATURE, 365 * DAY_MS, NOW).unwrap();
    assert!(CaDir::init(&ca_dir, "again", DEFAULT_SIGNATURE, DAY_MS, NOW).is_err());
    let a = ca
        .issue(
            "subnet-a",
            DEFAULT_SIGNATURE,
            anchor_capabilities(),
            30 * DAY_MS,
            NOW,
            &dir.path().join("a"),
        )
        .unwrap();
    let b = ca
        .issue(
            "subnet-b",
            DEFAULT_SIGNATURE,
            anchor_capabilities(),
            30 * DAY_MS,
            NOW,
            &dir.path().join("b"),
        )
        .unwrap();
    assert_eq!((a.serial, b.serial), (1, 2));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("a/anchor.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "private keys are not readable by others");
    }
    let id = Identity::load(&dir.path().join("a")).unwrap();
    assert_eq!(id.cert, a);
    let trust = LocalTrust::load_dir(&ca.trust_dir()).unwrap();
    trust.validate(&a, NOW).unwrap();
    let ca = CaDir::open(&ca_dir).unwrap();
    let list = ca.revoke(2, NOW).unwrap();
    assert_eq!((list.number, list.revoked.clone()), (2, vec![2]));
    let trust = LocalTrust::load_dir(&ca.trust_dir()).unwrap();
    assert_eq!(
        trust.validate(&b, NOW).unwrap_err(),
        Error::CertificateRevoked { serial: 2 }
    );
    trust.validate(&a, NOW).unwrap();
    assert!(ca.revoke(99, NOW).is_err());
    let recs = ca.records().unwrap();
    assert_eq!(recs.iter().filter(|r| r.revoked).count(), 1);
    // the status list expires after 7 days unless refreshed
    assert_eq!(
        trust.validate(&a, NOW + 8 * DAY_MS).unwrap_err(),
        Error::StatusListExpired {
            next_update: NOW + 7 * DAY_MS
        }
    );
    let refreshed = ca.refresh_status(NOW + 6 * DAY_MS).unwrap();
    assert_eq!(refreshed.number, 3);
    LocalTrust::load_dir(&ca.trust_dir())
        .unwrap()
        .validate(&a, NOW + 8 * DAY_MS)
        .unwrap();
}

#[test]
fn tokens_are_accepted_only_from_the_session_peer_for_that_session_in_time() {
    let pki = Pki::new();
    let (ic, rc) = (
        pki.config(pki.anchor("subnet-a")),
        pki.config(pki.anchor("subnet-b")),
    );
    let (i, r) = handshake(ic.clone(), rc.clone()).unwrap();
    // subnet-a issues a token to one of its network functions, bound to this session
    let t = Token::issue(
        &ic.identity,
        "nf-upf-7",
        "n3-forwarding",
        i.info().binding,
        NOW,
        600_000,
    )
    .unwrap();
    let bytes = t.encode();
    // subnet-b verifies it on the strength of the session
    let ok = Token::verify(
        &bytes,
        r.info().peer.anchor().unwrap(),
        &r.info().binding,
        NOW + 1000,
    )
    .unwrap();
    assert_eq!(
        (ok.subject.as_str(), ok.issuer_subnet.as_str()),
        ("nf-upf-7", "subnet-a")
    );
    // forged
    let mut forged = bytes.clone();
    let n = forged.len();
    forged[n - 10] ^= 1;
    assert_eq!(
        Token::verify(
            &forged,
            r.info().peer.anchor().unwrap(),
            &r.info().binding,
            NOW
        )
        .unwrap_err(),
        Error::TokenForged
    );
    let mut scope = bytes.clone();
    let at = scope
        .windows(13)
        .position(|w| w == b"n3-forwarding")
        .unwrap();
    scope[at] = b'x';
    assert_eq!(
        Token::verify(
            &scope,
            r.info().peer.anchor().unwrap(),
            &r.info().binding,
            NOW
        )
        .unwrap_err(),
        Error::TokenForged
    );
    // expired, and not yet valid
    assert_eq!(
        Token::verify(
            &bytes,
            r.info().peer.anchor().unwrap(),
            &r.info().binding,
            NOW + 600_001
        )
        .unwrap_err(),
        Error::TokenExpired
    );
    assert_eq!(
        Token::verify(
            &bytes,
            r.info().peer.anchor().unwrap(),
            &r.info().binding,
            NOW - 1
        )
        .unwrap_err(),
        Error::TokenExpired
    );
    // from another session between the same anchors
    let (_, r2) = handshake(ic.clone(), rc).unwrap();
    assert_eq!(
        Token::verify(
            &bytes,
            r2.info().peer.anchor().unwrap(),
            &r2.info().binding,
            NOW
        )
        .unwrap_err(),
        Error::TokenWrongSession
    );
    // presented over a session with another peer
    let (_, r3) = handshake(
        pki.config(pki.anchor("subnet-c")),
        pki.config(pki.anchor("subnet-b")),
    )
    .unwrap();
    assert_eq!(
        Token::verify(
            &bytes,
            r3.info().peer.anchor().unwrap(),
            &r3.info().binding,
            NOW
        )
        .unwrap_err(),
        Error::TokenWrongIssuer
    );
    // lifetime bound
    assert_eq!(
        Token::issue(
            &ic.identity,
            "nf",
            "x",
            i.info().binding,
            NOW,
            MAX_TOKEN_LIFETIME_MS + 1
        )
        .unwrap_err(),
        Error::TokenLifetimeTooLong
    );
}

#[test]
fn signing_key_files_round_trip_and_keys_must_match_certificates() {
    let pki = Pki::new();
    let k = SigningKey::generate(DEFAULT_SIGNATURE).unwrap();
    let back = SigningKey::decode(&k.encode()).unwrap();
    assert_eq!(back.key_id(), k.key_id());
    let a = pki.anchor("subnet-a");
    assert!(matches!(
        Identity::new(a.cert.clone(), back),
        Err(Error::Config(_))
    ));
    assert_eq!(a.cert.role, Role::Anchor);
}

//! `LocalTrust` remembers certificates whose CA signature verified; that must
//! never let a forged, revoked or expired certificate through.

use agilis_negotiate::Error;
use agilis_negotiate::cert::Certificate;
use agilis_negotiate::pki::{CaDir, DAY_MS, DEFAULT_SIGNATURE, anchor_capabilities};
use agilis_negotiate::trust::{LocalTrust, TrustBackend};

#[test]
fn a_remembered_certificate_is_still_checked_for_forgery_revocation_and_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let now = agilis_negotiate::now_ms();
    let ca = CaDir::init(
        &dir.path().join("ca"),
        "ca",
        DEFAULT_SIGNATURE,
        30 * DAY_MS,
        now,
    )
    .unwrap();
    let cert = ca
        .issue(
            "a",
            DEFAULT_SIGNATURE,
            anchor_capabilities(),
            DAY_MS,
            now,
            &dir.path().join("a"),
        )
        .unwrap();
    let trust = LocalTrust::load_dir(&ca.trust_dir()).unwrap();
    trust.validate(&cert, now).unwrap();
    trust.validate(&cert, now).unwrap(); // from the cache

    // The same certificate with one signature bit flipped, or another subnet.
    let mut forged = cert.clone();
    forged.signature[10] ^= 1;
    assert_eq!(
        trust.validate(&forged, now),
        Err(Error::BadCertificateSignature)
    );
    let mut renamed = cert.clone();
    renamed.subnet = "b".into();
    assert_eq!(
        trust.validate(&renamed, now),
        Err(Error::BadCertificateSignature)
    );
    let decoded = Certificate::decode(&cert.encode()).unwrap();
    trust.validate(&decoded, now).unwrap();

    // Expiry and revocation are checked on every call.
    assert!(matches!(
        trust.validate(&cert, now + 2 * DAY_MS),
        Err(Error::CertificateExpired { .. })
    ));
    trust
        .add_status_list(ca.revoke(cert.serial, now).unwrap())
        .unwrap();
    assert_eq!(
        trust.validate(&cert, now),
        Err(Error::CertificateRevoked {
            serial: cert.serial
        })
    );
}

//! The vehicle-to-edge handover (docs/handover-protocol.md): a road
//! authority, edge warrants, pseudonym credentials with an identity escrow,
//! and the sans-IO three-message exchange.
//!
//! ```text
//! Vehicle                                            Target edge
//! prepare(pseudonym, warrant, app, seq)   (before coverage: verify warrant,
//!                                          ephemeral key, encapsulate, sign)
//! finalize(now) ─ Request{hdr, ct₁, AEAD(cred, epk, app, seq, time, sig)} ──▶
//!                                                    receive_request(now)
//!             ◀── Response{ct₂, warrant, sig(transcript), mac} ─
//! receive_response(now)
//!             ── Ack{mac} ─────────────────────────────────────────▶
//!                                                    receive_ack(now)
//! Session (records)                       ◀──▶      Session (records)
//! ```
//!
//! | module | job |
//! |---|---|
//! | [`authority`] | [`Authority`] (signing and escrow keys, enrollment, revocation, trace), [`AuthorityPublic`] |
//! | [`dirs`] | on-disk directories of the authority, edges and vehicles (`agilis authority …`) |
//! | [`credential`] | [`EdgeWarrant`], [`EdgeKeys`], [`PseudonymCredential`], [`PseudonymKeys`] |
//! | [`escrow`] | the identity escrow sealed to the authority's KEM key |
//! | [`revocation`] | [`RevocationList`]: the authority's signed list, verified and swappable at run time |
//! | [`frames`] | the request, response and acknowledgement encodings |
//! | [`vehicle`] | [`Vehicle`], [`PreparedRequest`], [`AwaitingResponse`] |
//! | [`edge`] | [`Edge`], [`EdgeConfig`], [`PendingHandover`], [`HandoverRecord`] |
//!
//! Make-before-break is the caller's: nothing here touches any other
//! session, and a failed step consumes its state machine (fail closed).

use agilis_suites::registry::codepoint as cp;

use crate::cert::labeled;
use crate::error::{Error, Result};
use crate::handshake::Policy;

pub mod authority;
pub mod credential;
pub mod dirs;
pub mod edge;
pub mod escrow;
pub mod frames;
pub mod revocation;
mod schedule;
pub mod vehicle;

pub use authority::{Authority, AuthorityPublic};
pub use credential::{EdgeKeys, EdgeWarrant, PseudonymBatch, PseudonymCredential, PseudonymKeys};
pub use edge::{Edge, EdgeConfig, HandoverRecord, PendingHandover};
pub use escrow::Escrow;
pub use revocation::RevocationList;
pub use vehicle::{AwaitingResponse, PreparedRequest, Vehicle, VehicleConfig};

/// Version byte of every v2x encoding.
pub const V2X_VERSION: u8 = 1;
/// Longest authority or edge name.
pub const MAX_NAME_LEN: usize = 64;
/// Longest application name.
pub const MAX_APP_LEN: usize = 32;
/// Most applications a warrant or a pseudonym scope lists.
pub const MAX_APPS: usize = 8;
/// Longest vehicle identity an escrow holds (it is padded to this length).
pub const MAX_IDENTITY_LEN: usize = 64;
/// Longest encoded warrant (also the bound of a warrant frame's body).
pub const MAX_WARRANT_LEN: usize = u16::MAX as usize;
/// Longest encoded pseudonym credential.
pub const MAX_CREDENTIAL_LEN: usize = u16::MAX as usize;
/// Largest request body.
pub const MAX_REQUEST_BODY: usize = 256 * 1024;
/// Largest response body.
pub const MAX_RESPONSE_BODY: usize = 256 * 1024;

/// Default authority signature: Falcon-512 + Ed25519. The authority's
/// signatures travel in every request (inside the credential) and are
/// verified by the edge online, so the choice is small signatures with fast
/// verification; its slow signing happens offline at enrollment.
pub const DEFAULT_AUTHORITY_SIGNATURE: u16 = cp::FALCON_512_ED25519;
/// Default escrow KEM: X-Wing.
pub const DEFAULT_ESCROW_KEM: u16 = cp::X_WING;
/// Default pseudonym signature: Falcon-512 + Ed25519 (signed in the
/// precompute step, so only size and verification cost count).
pub const DEFAULT_PSEUDONYM_SIGNATURE: u16 = cp::FALCON_512_ED25519;
/// Default edge signature: ML-DSA-44 + Ed25519, the fastest composite to
/// sign, since the edge signs every response online.
pub const DEFAULT_EDGE_SIGNATURE: u16 = cp::ML_DSA_44_ED25519;
/// Default edge static KEM (and vehicle ephemeral KEM): X-Wing, the fastest hybrid KEM.
pub const DEFAULT_KEM: u16 = cp::X_WING;
/// Default handover AEAD (request sealing, escrow, records).
pub const DEFAULT_AEAD: u16 = cp::AES_256_GCM;
/// Default handover KDF.
pub const DEFAULT_KDF: u16 = cp::HKDF_SHA256;

pub(crate) const WARRANT_LABEL: &[u8] = b"agilis-v2x/v1 warrant\0";
pub(crate) const CREDENTIAL_LABEL: &[u8] = b"agilis-v2x/v1 pseudonym\0";
pub(crate) const REQUEST_SIG_LABEL: &[u8] = b"agilis-v2x/v1 request signature\0";
pub(crate) const EDGE_SIG_LABEL: &[u8] = b"agilis-v2x/v1 edge signature\0";

/// Object kinds (second byte of every encoding, so that one file can never be read as another).
pub(crate) mod kind {
    pub const WARRANT: u8 = 1;
    pub const PSEUDONYM: u8 = 2;
    pub const AUTHORITY_PUBLIC: u8 = 3;
    pub const AUTHORITY_SECRET: u8 = 4;
    pub const EDGE_KEYS: u8 = 5;
    pub const PSEUDONYM_KEYS: u8 = 6;
}

/// Whether `signature` verifies under (`alg`, `public_key`) over `label ‖ message`.
pub(crate) fn verify_labeled(
    alg: u16,
    public_key: &[u8],
    label: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<bool> {
    Ok(agilis_suites::sig::scheme(alg)?
        .verify(public_key, &labeled(label, message), signature)
        .is_ok())
}

/// Names: 1–64 of `A-Z a-z 0-9 . - _`.
pub(crate) fn valid_name(s: &[u8], max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// Checks a list of applications (1–[`MAX_APPS`] distinct names of ≤ [`MAX_APP_LEN`]).
pub(crate) fn check_apps(apps: &[String]) -> Result<()> {
    if apps.is_empty() || apps.len() > MAX_APPS {
        return Err(Error::Config(format!(
            "list 1–{MAX_APPS} applications (found {})",
            apps.len()
        )));
    }
    for (i, a) in apps.iter().enumerate() {
        if !valid_name(a.as_bytes(), MAX_APP_LEN) || apps[..i].contains(a) {
            return Err(Error::Config(format!(
                "application `{a}` must be 1–{MAX_APP_LEN} characters of A-Z a-z 0-9 . - _, listed once"
            )));
        }
    }
    Ok(())
}

/// `policy` must allow every code point in `codepoints`.
pub(crate) fn permit(policy: &Policy, codepoints: &[u16]) -> Result<()> {
    match codepoints.iter().find(|c| !policy.permits(**c)) {
        Some(&codepoint) => Err(Error::NotPermitted { codepoint }),
        None => Ok(()),
    }
}

/// A random u64 from the OS RNG.
pub(crate) fn random_u64() -> Result<u64> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|_| Error::Suites(agilis_suites::Error::Rng))?;
    Ok(u64::from_be_bytes(b))
}

/// Checks `now` against a validity window of the object `what`.
pub(crate) fn check_window(
    what: &'static str,
    not_before: u64,
    not_after: u64,
    now: u64,
) -> Result<()> {
    if now < not_before {
        Err(Error::NotYetValid { what, not_before })
    } else if now > not_after {
        Err(Error::Expired { what, not_after })
    } else {
        Ok(())
    }
}

//! The handover's key schedule (docs/handover-protocol.md §5): the anchor
//! schedule's KDF and MAC with `v2x ` labels, over both KEM secrets.

use std::sync::Arc;

use agilis_driver::Engine;
use agilis_suites::SecretBytes;
use agilis_suites::aead::AeadKey;
use zeroize::Zeroizing;

use crate::error::Result;
use crate::handshake::Policy;
use crate::record::{Peer, RecordLimits, Session, SessionInfo, Suite};
use crate::schedule::{derive, hash_len, traffic_key_iv, traffic_secrets};

/// The request's AEAD key and nonce: `rs = KDF(TH_q, ss₁, "v2x request")`, then key/iv of `rs`.
pub(crate) fn request_key(
    kdf: u16,
    aead: u16,
    th_q: &[u8],
    ss1: &SecretBytes,
) -> Result<(AeadKey, Vec<u8>)> {
    let rs = derive(kdf, th_q, ss1.expose(), "v2x request", &[], hash_len(kdf)?)?;
    let (key, iv) = traffic_key_iv(kdf, &rs, aead)?;
    Ok((AeadKey::new(aead, key.expose())?, iv))
}

/// `hs = KDF(TH_k, ss₁ ‖ ss₂, "v2x handshake", Hlen)`.
pub(crate) fn handshake_secret(
    kdf: u16,
    th_k: &[u8],
    ss1: &SecretBytes,
    ss2: &SecretBytes,
) -> Result<SecretBytes> {
    let ikm = Zeroizing::new([ss1.expose(), ss2.expose()].concat());
    derive(kdf, th_k, &ikm, "v2x handshake", &[], hash_len(kdf)?)
}

/// The edge's (`edge = true`) or vehicle's key-confirmation key.
pub(crate) fn confirm_key(kdf: u16, hs: &SecretBytes, edge: bool) -> Result<SecretBytes> {
    let label = if edge {
        "v2x edge confirm"
    } else {
        "v2x vehicle confirm"
    };
    derive(kdf, &[], hs.expose(), label, &[], hash_len(kdf)?)
}

/// What both sides pass to [`establish`].
pub(crate) struct SessionParts {
    pub policy: Policy,
    pub engine: Arc<dyn Engine>,
    pub limits: RecordLimits,
}

/// Derives the traffic secrets from `hs` and the full transcript hash and
/// builds the session; the vehicle is the initiator.
pub(crate) fn establish(
    vehicle: bool,
    suite: Suite,
    peer: Peer,
    th_f: Vec<u8>,
    hs: &SecretBytes,
    parts: SessionParts,
    now: u64,
) -> Result<Session> {
    let (v2e, e2v, binding) = traffic_secrets(
        suite.kdf,
        &th_f,
        hs,
        (
            "v2x vehicle traffic",
            "v2x edge traffic",
            "v2x session binding",
        ),
    )?;
    let info = SessionInfo {
        initiator: vehicle,
        families: suite.families(),
        suite,
        transcript_hash: th_f,
        binding,
        peer,
        retried: false,
        peer_aeads: vec![suite.aead],
    };
    let (send, recv) = if vehicle { (v2e, e2v) } else { (e2v, v2e) };
    Session::from_traffic_secrets(
        info,
        parts.policy,
        parts.engine,
        parts.limits,
        send,
        recv,
        now,
    )
}

//! # agilis-negotiate — identity, trust, handshakes and sessions
//!
//! The two links of agilis. **Anchor to anchor:** two network security
//! anchors authenticate each other with composite (two-family) signatures,
//! agree a hybrid (two-family) KEM secret and protect records with the
//! negotiated AEAD through an [`agilis_driver::Engine`]. **Vehicle to edge**
//! ([`v2x`]): a vehicle hands its session over to an edge server in three
//! messages under a one-time pseudonym; the records that follow are the same.
//!
//! | module | job |
//! |---|---|
//! | [`cert`] | certificates, signing keys, signed status lists (compact versioned encoding) |
//! | [`trust`] | the [`trust::TrustBackend`] trait and the local CA-directory / status-list backend |
//! | [`pki`] | on-disk CA and identity directories (`agilis ca …`) |
//! | [`token`] | short-lived tokens for network functions, bound to one session |
//! | [`messages`] | the wire frames and handshake messages (strict, bounded parsers) |
//! | [`handshake`] | the sans-IO 1-RTT mutual handshake: [`Initiator`], [`Responder`], [`Policy`], [`ReplayCache`] |
//! | [`schedule`] | the key schedule |
//! | [`record`] | [`Session`]: records, key updates, close, run-time policy |
//! | [`datagram`] | [`DatagramSession`]: per-datagram protection, replay window, epochs |
//! | [`noise`] | the `Noise_XXhfs_25519+Kyber1024_ChaChaPoly_BLAKE2s` handshake suite (via `snow`) |
//! | [`tcp`] | a thin blocking TCP transport over the sans-IO cores (and [`server`]: many connections, bounded) |
//! | [`v2x`] | the vehicle-to-edge handover: authority, warrants, pseudonyms, the sans-IO three-message exchange |
//!
//! Data flows downward only: this crate asks `agilis-suites` for algorithms
//! and policy and `agilis-driver` for record sealing; neither knows of it.
//! The byte-level specifications are `docs/anchor-protocol.md` and
//! `docs/handover-protocol.md`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cert;
pub mod datagram;
mod error;
pub mod handshake;
pub mod messages;
pub mod noise;
pub mod pki;
pub mod record;
pub mod schedule;
pub mod server;
pub mod tcp;
pub mod token;
pub mod trust;
pub mod v2x;
pub(crate) mod wire;

pub use datagram::{DatagramEvent, DatagramLimits, DatagramSession};
pub use error::{AlertCode, DecodeProblem, Error, Result};
pub use handshake::{
    Config, Initiator, InitiatorOutput, Policy, ReplayCache, Responder, ResponderOutput,
};
pub use record::{Event, Peer, RecordLimits, Session, SessionInfo, Suite};
pub use wire::now_ms;

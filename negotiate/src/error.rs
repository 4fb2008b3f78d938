use std::fmt;

use agilis_suites::Kind;

/// What was wrong with bytes that failed to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeProblem {
    /// The input ended inside this field.
    Truncated,
    /// The field (or its length prefix) exceeds its hard bound.
    TooLong {
        /// the bound
        max: usize,
        /// what was found
        found: usize,
    },
    /// Bytes follow the last field.
    TrailingBytes,
    /// The value is not allowed (wrong size for its algorithm, bad enum value, unsorted list, ...).
    Invalid,
}

/// A peer's alert code, sent (unauthenticated) when a handshake aborts.
pub type AlertCode = u8;

/// Every failure of this crate. Each has its own variant, so that callers
/// and tests can tell the causes apart; the `Display` text names the cause.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Bytes do not decode.
    Decode {
        /// which structure and field
        what: &'static str,
        /// what was wrong
        problem: DecodeProblem,
    },
    /// A message or encoding carries a version this build does not speak.
    UnsupportedVersion {
        /// what carried it
        what: &'static str,
        /// the version found
        found: u8,
    },
    /// A message arrived that the state machine does not expect now.
    UnexpectedMessage {
        /// the message type byte
        found: u8,
        /// what was expected
        expected: &'static str,
    },
    /// Nothing the peer offers of this kind is allowed by our policy.
    NoCommonSuite(Kind),
    /// Our own policy leaves nothing of this kind to offer (e.g. after a withdrawal).
    NothingToOffer(Kind),
    /// The responder chose something the initiator never offered (downgrade or tampering).
    SelectionNotOffered {
        /// code point chosen
        codepoint: u16,
    },
    /// The peer's view of the transcript differs from ours: a message was altered in transit.
    TamperedTranscript,
    /// A retried offer differs from the first one in more than its key shares.
    RetryMismatch,
    /// The handshake signature does not verify.
    BadSignature,
    /// The key-confirmation MAC does not verify.
    KeyConfirmationFailed,
    /// A certificate's signature does not verify under its CA's key.
    BadCertificateSignature,
    /// A certificate's CA is not in the trust store.
    UnknownIssuer,
    /// A certificate of the wrong role (an anchor certificate where a CA is needed, or the reverse).
    WrongCertificateRole,
    /// The certificate (serial given) is on its CA's signed status list.
    CertificateRevoked {
        /// serial of the revoked certificate
        serial: u64,
    },
    /// The certificate's validity ended before now.
    CertificateExpired {
        /// end of validity, unix ms
        not_after: u64,
    },
    /// The certificate is not valid yet.
    CertificateNotYetValid {
        /// start of validity, unix ms
        not_before: u64,
    },
    /// The CA has no status list in the trust store, so revocation cannot be checked.
    NoStatusList,
    /// The CA's status list is past its next-update time.
    StatusListExpired {
        /// its next-update time, unix ms
        next_update: u64,
    },
    /// The status list's signature does not verify.
    BadStatusListSignature,
    /// The peer's certificate does not list this suite among its capabilities.
    NotCertified {
        /// the code point missing from the certificate
        codepoint: u16,
    },
    /// The peer's certificate names another subnet than the one expected.
    UnexpectedPeer {
        /// subnet in the certificate
        found: String,
    },
    /// The peer's timestamp is outside the allowed window.
    ClockSkew {
        /// peer time minus our time, in ms
        skew_ms: i64,
        /// the window, in ms
        window_ms: u64,
    },
    /// This offer has been seen before.
    Replay,
    /// The replay cache is full of live entries: refusing rather than forgetting.
    ReplayCacheFull,
    /// The peer aborted the handshake with this alert.
    PeerAlert(AlertCode),
    /// A token's signature does not verify.
    TokenForged,
    /// A token is outside its validity window.
    TokenExpired,
    /// A token is bound to another session.
    TokenWrongSession,
    /// A token was issued by another anchor than the session's peer.
    TokenWrongIssuer,
    /// A token's lifetime exceeds the maximum.
    TokenLifetimeTooLong,
    /// A record does not authenticate (tampered, reordered, replayed or under the wrong key).
    RecordAuthentication,
    /// A record is larger than the session allows.
    RecordTooLarge {
        /// the bound
        max: usize,
        /// what was found
        found: usize,
    },
    /// The peer exceeded the records allowed under one key without updating.
    KeyLimitExceeded,
    /// The stream ended without an authenticated close: data may have been cut off.
    Truncated,
    /// The session is closed.
    Closed,
    /// The session is unusable after an earlier error.
    SessionFailed,
    /// Policy withdrew an algorithm the session rests on; the session closed.
    SuiteWithdrawn {
        /// the withdrawn algorithm's code point
        codepoint: u16,
    },
    /// The peer switched to an AEAD our policy does not allow.
    AeadSwitchRefused {
        /// the code point asked for
        codepoint: u16,
    },
    /// A datagram's sequence number was accepted before (dropped; the session goes on).
    DatagramReplayed {
        /// its epoch
        epoch: u16,
        /// its sequence number
        seq: u64,
    },
    /// A datagram is older than the replay window (dropped; the session goes on).
    DatagramTooOld {
        /// its epoch
        epoch: u16,
        /// its sequence number
        seq: u64,
        /// the newest sequence number accepted in that epoch
        newest: u64,
    },
    /// A datagram's epoch is neither the current one, the previous one (while
    /// kept) nor a few ahead (dropped; the session goes on).
    DatagramEpochUnknown {
        /// its epoch
        epoch: u16,
        /// the receiver's current epoch
        current: u16,
    },
    /// The handshake's one datagram session was already derived.
    DatagramSessionTaken,
    /// The Noise handshake or transport failed (the `snow` error, in words).
    Noise(String),
    /// A handshake did not finish in time.
    Timeout,
    /// An algorithm failure from `agilis-suites` (lengths, malformed keys, RNG).
    Suites(agilis_suites::Error),
    /// The AEAD engine failed (other than authentication).
    Engine(agilis_driver::Error),
    /// Our own identity or configuration is unusable.
    Config(String),
    /// I/O (transport, files).
    Io(String),
    /// A handover request names another edge's warrant than ours.
    WrongEdge,
    /// A credential, warrant or list comes from an authority we do not trust.
    UnknownAuthority,
    /// The authority's signature on a credential, warrant or escrow does not verify.
    BadCredentialSignature {
        /// which object
        what: &'static str,
    },
    /// The pseudonym is not scoped for the application asked for.
    WrongScope {
        /// the application asked for
        application: String,
    },
    /// The edge's warrant does not cover the application asked for.
    ApplicationNotServed {
        /// the application asked for
        application: String,
    },
    /// A credential or warrant's validity ended before now.
    Expired {
        /// which object
        what: &'static str,
        /// end of validity, unix ms
        not_after: u64,
    },
    /// A credential or warrant is not valid yet.
    NotYetValid {
        /// which object
        what: &'static str,
        /// start of validity, unix ms
        not_before: u64,
    },
    /// A pseudonym or warrant serial is on the authority's revocation list.
    Revoked {
        /// which object
        what: &'static str,
        /// its serial
        serial: u64,
    },
    /// A handover request does not decrypt: tampered with, or encrypted to another edge's key.
    RequestUndecryptable,
    /// An identity escrow does not open under this authority's key.
    EscrowUndecryptable,
    /// A handover response carries another warrant than the one the request was prepared for.
    WrongWarrant,
    /// Policy does not allow this algorithm (withdrawn, or outside the profile).
    NotPermitted {
        /// the algorithm's code point
        codepoint: u16,
    },
}

impl Error {
    /// The alert code sent to the peer when a handshake aborts with this error.
    pub fn alert_code(&self) -> AlertCode {
        match self {
            Error::Decode { .. } => 1,
            Error::UnsupportedVersion { .. } => 2,
            Error::UnexpectedMessage { .. } => 3,
            Error::NoCommonSuite(_) | Error::NothingToOffer(_) => 4,
            Error::SelectionNotOffered { .. }
            | Error::TamperedTranscript
            | Error::RetryMismatch => 5,
            Error::BadSignature => 6,
            Error::KeyConfirmationFailed => 7,
            Error::BadCertificateSignature | Error::UnknownIssuer | Error::WrongCertificateRole => {
                8
            }
            Error::CertificateRevoked { .. } => 9,
            Error::CertificateExpired { .. } | Error::CertificateNotYetValid { .. } => 10,
            Error::NoStatusList
            | Error::StatusListExpired { .. }
            | Error::BadStatusListSignature => 11,
            Error::NotCertified { .. } | Error::UnexpectedPeer { .. } => 12,
            Error::ClockSkew { .. } => 13,
            Error::Replay | Error::ReplayCacheFull => 14,
            Error::WrongEdge | Error::UnknownAuthority | Error::WrongWarrant => 12,
            Error::BadCredentialSignature { .. } => 8,
            Error::Revoked { .. } => 9,
            Error::Expired { .. } | Error::NotYetValid { .. } => 10,
            Error::NotPermitted { .. } => 4,
            Error::Timeout => 15,
            _ => 255,
        }
    }

    /// A one-line description of an alert code received from a peer.
    pub fn describe_alert(code: AlertCode) -> &'static str {
        match code {
            1 => "malformed message",
            2 => "unsupported version",
            3 => "unexpected message",
            4 => "no common suite",
            5 => "tampered transcript",
            6 => "bad signature",
            7 => "key confirmation failed",
            8 => "untrusted certificate",
            9 => "revoked certificate or credential",
            10 => "expired or not yet valid certificate",
            11 => "certificate status unavailable",
            12 => "certificate not acceptable",
            13 => "clock skew",
            14 => "replayed offer",
            15 => "timeout",
            _ => "internal error",
        }
    }
}

fn hex_cp(cp: u16) -> String {
    match agilis_suites::registry::by_codepoint(cp) {
        Ok(a) => a.name.to_string(),
        Err(_) => format!("0x{cp:04x}"),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Decode { what, problem } => match problem {
                DecodeProblem::Truncated => write!(f, "malformed {what}: truncated"),
                DecodeProblem::TooLong { max, found } => {
                    write!(f, "malformed {what}: {found} exceeds the bound {max}")
                }
                DecodeProblem::TrailingBytes => write!(f, "malformed {what}: trailing bytes"),
                DecodeProblem::Invalid => write!(f, "malformed {what}: invalid value"),
            },
            Error::UnsupportedVersion { what, found } => {
                write!(f, "unsupported {what} version {found}")
            }
            Error::UnexpectedMessage { found, expected } => {
                write!(f, "unexpected message type 0x{found:02x} (expected {expected})")
            }
            Error::NoCommonSuite(k) => write!(f, "no common suite: no {k} offered by the peer is allowed by policy"),
            Error::NothingToOffer(k) => write!(f, "no common suite: policy leaves no {k} to offer"),
            Error::SelectionNotOffered { codepoint } => write!(
                f,
                "tampered transcript: the responder selected {} which was never offered",
                hex_cp(*codepoint)
            ),
            Error::TamperedTranscript => f.write_str(
                "tampered transcript: the peer saw different handshake messages than we sent (downgrade or man in the middle)",
            ),
            Error::RetryMismatch => f.write_str("tampered transcript: the retried offer differs from the first"),
            Error::BadSignature => f.write_str("bad signature: the peer's handshake signature does not verify"),
            Error::KeyConfirmationFailed => f.write_str("key confirmation failed: the peer derived other keys"),
            Error::BadCertificateSignature => f.write_str("bad certificate: its CA signature does not verify"),
            Error::UnknownIssuer => f.write_str("untrusted certificate: its CA is not in the trust store"),
            Error::WrongCertificateRole => f.write_str("bad certificate: wrong role (CA vs anchor)"),
            Error::CertificateRevoked { serial } => {
                write!(f, "revoked certificate: serial {serial} is on the CA's status list")
            }
            Error::CertificateExpired { not_after } => {
                write!(f, "expired certificate: valid until {} (unix ms)", not_after)
            }
            Error::CertificateNotYetValid { not_before } => {
                write!(f, "certificate not yet valid: valid from {} (unix ms)", not_before)
            }
            Error::NoStatusList => f.write_str("certificate status unknown: no status list from its CA"),
            Error::StatusListExpired { next_update } => write!(
                f,
                "certificate status unknown: the CA's status list expired at {next_update} (unix ms)"
            ),
            Error::BadStatusListSignature => f.write_str("bad status list: its signature does not verify"),
            Error::NotCertified { codepoint } => write!(
                f,
                "certificate does not list {} among its capabilities",
                hex_cp(*codepoint)
            ),
            Error::UnexpectedPeer { found } => write!(f, "unexpected peer: certificate is for subnet `{found}`"),
            Error::ClockSkew { skew_ms, window_ms } => write!(
                f,
                "clock skew: peer clock differs by {skew_ms} ms (window ±{window_ms} ms)"
            ),
            Error::Replay => f.write_str("replay: this offer was seen before"),
            Error::ReplayCacheFull => f.write_str("replay cache full: refusing new handshakes"),
            Error::PeerAlert(c) => write!(f, "peer aborted the handshake: {} (alert {c})", Error::describe_alert(*c)),
            Error::TokenForged => f.write_str("token forged: its signature does not verify"),
            Error::TokenExpired => f.write_str("token expired or not yet valid"),
            Error::TokenWrongSession => f.write_str("token bound to another session"),
            Error::TokenWrongIssuer => f.write_str("token issued by another anchor than this session's peer"),
            Error::TokenLifetimeTooLong => f.write_str("token lifetime exceeds the maximum"),
            Error::RecordAuthentication => {
                f.write_str("record authentication failed (tampered, reordered or replayed record)")
            }
            Error::RecordTooLarge { max, found } => write!(f, "record of {found} bytes exceeds {max}"),
            Error::KeyLimitExceeded => f.write_str("peer exceeded the key's record limit without a key update"),
            Error::Truncated => f.write_str("stream ended without an authenticated close (truncation)"),
            Error::Closed => f.write_str("session closed"),
            Error::SessionFailed => f.write_str("session failed earlier and cannot be used"),
            Error::SuiteWithdrawn { codepoint } => write!(
                f,
                "policy withdrew {}, which the session rests on: session closed",
                hex_cp(*codepoint)
            ),
            Error::AeadSwitchRefused { codepoint } => write!(
                f,
                "peer switched to {}, which policy does not allow",
                hex_cp(*codepoint)
            ),
            Error::DatagramReplayed { epoch, seq } => write!(
                f,
                "datagram dropped: epoch {epoch} sequence {seq} was already received (replay or duplicate)"
            ),
            Error::DatagramTooOld { epoch, seq, newest } => write!(
                f,
                "datagram dropped: epoch {epoch} sequence {seq} is behind the replay window (newest {newest})"
            ),
            Error::DatagramEpochUnknown { epoch, current } => write!(
                f,
                "datagram dropped: epoch {epoch} has no key here (current epoch {current}; older epochs are forgotten)"
            ),
            Error::DatagramSessionTaken => f.write_str(
                "this handshake's datagram session was already derived; handshake again for another",
            ),
            Error::Noise(m) => write!(f, "noise: {m}"),
            Error::Timeout => f.write_str("handshake deadline passed"),
            Error::Suites(e) => write!(f, "{e}"),
            Error::Engine(e) => write!(f, "AEAD engine: {e}"),
            Error::Config(m) => write!(f, "configuration: {m}"),
            Error::Io(m) => write!(f, "I/O: {m}"),
            Error::WrongEdge => f.write_str(
                "handover request addressed to another edge's warrant: the vehicle must prepare it for this edge",
            ),
            Error::UnknownAuthority => f.write_str(
                "issued by an authority this side does not trust: enroll with the configured road authority",
            ),
            Error::BadCredentialSignature { what } => write!(
                f,
                "forged or altered {what}: the authority's signature does not verify"
            ),
            Error::WrongScope { application } => write!(
                f,
                "wrong scope: the pseudonym is not issued for application `{application}`; use one that is"
            ),
            Error::ApplicationNotServed { application } => write!(
                f,
                "this edge's warrant does not cover application `{application}`; ask another edge or re-enroll it"
            ),
            Error::Expired { what, not_after } => write!(
                f,
                "expired {what}: valid until {not_after} (unix ms); use a current one (and check the clock)"
            ),
            Error::NotYetValid { what, not_before } => write!(
                f,
                "{what} not yet valid: valid from {not_before} (unix ms); check the clock"
            ),
            Error::Revoked { what, serial } => write!(
                f,
                "revoked {what}: serial {serial} is on the authority's revocation list"
            ),
            Error::RequestUndecryptable => f.write_str(
                "handover request does not decrypt: tampered with, or encrypted to another edge's key",
            ),
            Error::EscrowUndecryptable => f.write_str(
                "identity escrow does not open: tampered with, or sealed to another authority",
            ),
            Error::WrongWarrant => f.write_str(
                "the edge answered with another warrant than the request was prepared for (wrong or impersonated edge)",
            ),
            Error::NotPermitted { codepoint } => write!(
                f,
                "policy does not allow {} (withdrawn or outside the profile): use credentials under an allowed algorithm",
                hex_cp(*codepoint)
            ),
        }
    }
}

impl std::error::Error for Error {}

impl From<agilis_suites::Error> for Error {
    fn from(e: agilis_suites::Error) -> Self {
        Error::Suites(e)
    }
}

impl From<agilis_driver::Error> for Error {
    fn from(e: agilis_driver::Error) -> Self {
        match e {
            agilis_driver::Error::AuthenticationFailed => Error::RecordAuthentication,
            other => Error::Engine(other),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => Error::Timeout,
            _ => Error::Io(e.to_string()),
        }
    }
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, Error>;

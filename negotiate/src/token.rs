//! Tokens for network functions.
//!
//! An anchor issues short-lived tokens to the network functions behind it.
//! A token names the issuing anchor (subnet and key identifier), the network
//! function, a scope, a validity window and the **session binding** of one
//! anchor-to-anchor session ([`crate::SessionInfo::binding`], a value both
//! anchors derive from that session's key schedule and nobody else knows).
//! It is signed with the anchor's composite key. The peer anchor accepts it
//! on the strength of that session: the issuer must be the session's
//! authenticated peer, and the binding must be the session's.
//!
//! ```text
//! token = u8 version(1) ‖ lp8 issuer_subnet ‖ [32] issuer_key_id ‖ lp8 subject ‖ lp8 scope
//!       ‖ [32] session_binding ‖ u64 issued_at ‖ u64 expires_at ‖ u16 sig_alg ‖ lp16 signature
//! signature = Sign(anchor key, "agilis-token/v1\0" ‖ everything before the signature length)
//! ```

use subtle::ConstantTimeEq;

use crate::cert::{Certificate, KeyId, sig_sizes};
use crate::error::{DecodeProblem, Error, Result};
use crate::pki::Identity;
use crate::wire::{Reader, Writer, err};

const TOKEN_LABEL: &[u8] = b"agilis-token/v1\0";
/// Version byte of tokens.
pub const TOKEN_VERSION: u8 = 1;
/// Longest lifetime a token may have: one hour.
pub const MAX_TOKEN_LIFETIME_MS: u64 = 3600 * 1000;
/// Longest subject or scope.
pub const MAX_NAME_LEN: usize = 64;

/// A network-function token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// subnet of the issuing anchor
    pub issuer_subnet: String,
    /// key identifier of the issuing anchor's certificate key
    pub issuer_key_id: KeyId,
    /// the network function it was issued to
    pub subject: String,
    /// what it allows (free text, printable ASCII)
    pub scope: String,
    /// the anchor-to-anchor session it is bound to
    pub session_binding: [u8; 32],
    /// unix ms
    pub issued_at: u64,
    /// unix ms (inclusive)
    pub expires_at: u64,
    /// signature algorithm (the issuer certificate's)
    pub signature_alg: u16,
    /// signature
    pub signature: Vec<u8>,
}

fn name_ok(s: &[u8]) -> bool {
    !s.is_empty() && s.len() <= MAX_NAME_LEN && s.iter().all(|b| b.is_ascii_graphic())
}

impl Token {
    fn tbs(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u8(TOKEN_VERSION);
        w.lp8(self.issuer_subnet.as_bytes());
        w.bytes(&self.issuer_key_id);
        w.lp8(self.subject.as_bytes());
        w.lp8(self.scope.as_bytes());
        w.bytes(&self.session_binding);
        w.u64(self.issued_at);
        w.u64(self.expires_at);
        w.u16(self.signature_alg);
        w.0
    }

    /// The encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer(self.tbs());
        w.lp16(&self.signature);
        w.0
    }

    /// Issues a token signed by `anchor`, valid from `now` for `ttl_ms`.
    pub fn issue(
        anchor: &Identity,
        subject: &str,
        scope: &str,
        session_binding: [u8; 32],
        now: u64,
        ttl_ms: u64,
    ) -> Result<Token> {
        if !name_ok(subject.as_bytes()) || !name_ok(scope.as_bytes()) {
            return Err(Error::Config(format!(
                "subject and scope must be 1–{MAX_NAME_LEN} printable ASCII characters"
            )));
        }
        if ttl_ms > MAX_TOKEN_LIFETIME_MS {
            return Err(Error::TokenLifetimeTooLong);
        }
        let mut t = Token {
            issuer_subnet: anchor.cert.subnet.clone(),
            issuer_key_id: anchor.cert.key_id(),
            subject: subject.into(),
            scope: scope.into(),
            session_binding,
            issued_at: now,
            expires_at: now.saturating_add(ttl_ms),
            signature_alg: anchor.key.alg,
            signature: Vec::new(),
        };
        t.signature = anchor.key.sign_labeled(TOKEN_LABEL, &t.tbs())?;
        Ok(t)
    }

    /// Decodes strictly (nothing verified).
    pub fn decode(bytes: &[u8]) -> Result<Token> {
        let mut r = Reader::new(bytes);
        let v = r.u8("token version")?;
        if v != TOKEN_VERSION {
            return Err(Error::UnsupportedVersion {
                what: "token",
                found: v,
            });
        }
        let text = |b: &[u8], what| {
            if name_ok(b) {
                Ok(String::from_utf8_lossy(b).into_owned())
            } else {
                Err(err(what, DecodeProblem::Invalid))
            }
        };
        let issuer_subnet = text(r.lp8(MAX_NAME_LEN, "token issuer")?, "token issuer")?;
        let issuer_key_id = r.array("token issuer key id")?;
        let subject = text(r.lp8(MAX_NAME_LEN, "token subject")?, "token subject")?;
        let scope = text(r.lp8(MAX_NAME_LEN, "token scope")?, "token scope")?;
        let session_binding = r.array("token session binding")?;
        let issued_at = r.u64("token issued_at")?;
        let expires_at = r.u64("token expires_at")?;
        let signature_alg = r.u16("token signature algorithm")?;
        let (_, max) = sig_sizes(signature_alg)
            .map_err(|_| err("token signature algorithm", DecodeProblem::Invalid))?;
        let signature = r.lp16(max, "token signature")?.to_vec();
        r.finish("token")?;
        Ok(Token {
            issuer_subnet,
            issuer_key_id,
            subject,
            scope,
            session_binding,
            issued_at,
            expires_at,
            signature_alg,
            signature,
        })
    }

    /// Decodes and verifies a token presented over the session whose peer is
    /// `issuer` (the peer's authenticated certificate) and whose binding is
    /// `session_binding`, at `now`.
    ///
    /// Errors, checked in this order: decoding; [`Error::TokenWrongIssuer`];
    /// [`Error::TokenForged`]; [`Error::TokenWrongSession`];
    /// [`Error::TokenLifetimeTooLong`]; [`Error::TokenExpired`].
    pub fn verify(
        bytes: &[u8],
        issuer: &Certificate,
        session_binding: &[u8; 32],
        now: u64,
    ) -> Result<Token> {
        let t = Token::decode(bytes)?;
        if t.issuer_key_id != issuer.key_id() || t.issuer_subnet != issuer.subnet {
            return Err(Error::TokenWrongIssuer);
        }
        if t.signature_alg != issuer.key_alg
            || !issuer.verify_labeled(TOKEN_LABEL, &t.tbs(), &t.signature)?
        {
            return Err(Error::TokenForged);
        }
        if !bool::from(t.session_binding.ct_eq(session_binding)) {
            return Err(Error::TokenWrongSession);
        }
        if t.expires_at.saturating_sub(t.issued_at) > MAX_TOKEN_LIFETIME_MS {
            return Err(Error::TokenLifetimeTooLong);
        }
        if now < t.issued_at || now > t.expires_at {
            return Err(Error::TokenExpired);
        }
        Ok(t)
    }
}

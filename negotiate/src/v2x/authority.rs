//! The road trust authority: a composite signing key (warrants, pseudonym
//! credentials, revocation lists) and a hybrid KEM key the identity escrows
//! are sealed to (docs/handover-protocol.md §2).

use agilis_suites::{SecretBytes, kem};
use zeroize::Zeroizing;

use super::credential::{EdgeKeys, EdgeWarrant, PseudonymCredential, check_len, read_kem_key};
use super::escrow::Escrow;
use super::{
    DEFAULT_AUTHORITY_SIGNATURE, DEFAULT_ESCROW_KEM, MAX_NAME_LEN, V2X_VERSION, check_apps, kind,
    random_u64, valid_name, verify_labeled,
};
use crate::cert::{KeyId, SigningKey, StatusList, key_id, sig_sizes};
use crate::error::{DecodeProblem, Error, Result};
use crate::wire::{Reader, Writer, err};

/// Longest encoded [`AuthorityPublic`].
pub const MAX_AUTHORITY_PUBLIC_LEN: usize = 8 * 1024;

/// What edges and vehicles trust: the authority's name, signature key and escrow KEM key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityPublic {
    /// the authority's name
    pub name: String,
    /// its signature algorithm (composite)
    pub sig_alg: u16,
    /// its signature public key
    pub sig_public_key: Vec<u8>,
    /// its escrow KEM (hybrid)
    pub escrow_kem: u16,
    /// its escrow KEM public key
    pub escrow_public_key: Vec<u8>,
}

impl AuthorityPublic {
    /// The key id of its signature key (what warrants, credentials and lists name).
    pub fn key_id(&self) -> KeyId {
        key_id(self.sig_alg, &self.sig_public_key)
    }

    pub(crate) fn verify(&self, label: &[u8], message: &[u8], signature: &[u8]) -> Result<bool> {
        verify_labeled(
            self.sig_alg,
            &self.sig_public_key,
            label,
            message,
            signature,
        )
    }

    /// `u8 version ‖ u8 kind ‖ lp8 name ‖ u16 sig_alg ‖ lp16 pk ‖ u16 kem ‖ lp16 kem pk`.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u8(V2X_VERSION);
        w.u8(kind::AUTHORITY_PUBLIC);
        w.lp8(self.name.as_bytes());
        w.u16(self.sig_alg);
        w.lp16(&self.sig_public_key);
        w.u16(self.escrow_kem);
        w.lp16(&self.escrow_public_key);
        w.0
    }

    /// Strict decoding.
    pub fn decode(bytes: &[u8]) -> Result<AuthorityPublic> {
        const W: &str = "authority";
        check_len(bytes, MAX_AUTHORITY_PUBLIC_LEN, W)?;
        let mut r = Reader::new(bytes);
        let v = r.u8(W)?;
        if v != V2X_VERSION {
            return Err(Error::UnsupportedVersion { what: W, found: v });
        }
        if r.u8(W)? != kind::AUTHORITY_PUBLIC {
            return Err(err(W, DecodeProblem::Invalid));
        }
        let name = r.lp8(MAX_NAME_LEN, "authority name")?;
        if !valid_name(name, MAX_NAME_LEN) {
            return Err(err("authority name", DecodeProblem::Invalid));
        }
        let sig_alg = r.u16("authority signature algorithm")?;
        let (pk_len, _) = sig_sizes(sig_alg)
            .map_err(|_| err("authority signature algorithm", DecodeProblem::Invalid))?;
        let pk = r.lp16(pk_len, "authority public key")?;
        if pk.len() != pk_len {
            return Err(err("authority public key", DecodeProblem::Invalid));
        }
        let (escrow_kem, escrow_public_key) = read_kem_key(&mut r, "authority escrow key")?;
        r.finish(W)?;
        Ok(AuthorityPublic {
            name: String::from_utf8_lossy(name).into_owned(),
            sig_alg,
            sig_public_key: pk.to_vec(),
            escrow_kem,
            escrow_public_key,
        })
    }
}

/// The authority with its secrets (zeroized on drop).
#[derive(Debug)]
pub struct Authority {
    public: AuthorityPublic,
    signing: SigningKey,
    escrow_secret: SecretBytes,
}

impl Authority {
    /// A new authority named `name` with fresh keys.
    pub fn generate(name: &str, sig_alg: u16, escrow_kem: u16) -> Result<Authority> {
        if !valid_name(name.as_bytes(), MAX_NAME_LEN) {
            return Err(Error::Config(format!(
                "authority name `{name}` must be 1–{MAX_NAME_LEN} characters of A-Z a-z 0-9 . - _"
            )));
        }
        let signing = SigningKey::generate(sig_alg)?;
        let kp = kem::scheme(escrow_kem)?.keygen()?;
        Ok(Authority {
            public: AuthorityPublic {
                name: name.to_string(),
                sig_alg,
                sig_public_key: signing.public_key.clone(),
                escrow_kem,
                escrow_public_key: kp.public_key,
            },
            signing,
            escrow_secret: kp.secret_key,
        })
    }

    /// A new authority with the default algorithms
    /// ([`DEFAULT_AUTHORITY_SIGNATURE`], [`DEFAULT_ESCROW_KEM`]).
    pub fn generate_default(name: &str) -> Result<Authority> {
        Authority::generate(name, DEFAULT_AUTHORITY_SIGNATURE, DEFAULT_ESCROW_KEM)
    }

    /// The public part.
    pub fn public(&self) -> &AuthorityPublic {
        &self.public
    }

    /// Signs a warrant for the edge holding `keys` (only their public halves are read),
    /// with a fresh random serial.
    pub fn enroll_edge(
        &self,
        edge: &str,
        applications: &[&str],
        not_before: u64,
        not_after: u64,
        keys: &EdgeKeys,
    ) -> Result<EdgeWarrant> {
        let applications: Vec<String> = applications.iter().map(|a| a.to_string()).collect();
        check_apps(&applications)?;
        if !valid_name(edge.as_bytes(), MAX_NAME_LEN) || not_after < not_before {
            return Err(Error::Config(format!(
                "edge name `{edge}` must be 1–{MAX_NAME_LEN} characters of A-Z a-z 0-9 . - _, with not_before ≤ not_after"
            )));
        }
        EdgeWarrant {
            authority_key_id: self.public.key_id(),
            serial: random_u64()?,
            edge: edge.to_string(),
            applications,
            not_before,
            not_after,
            sig_alg: keys.signing.alg,
            public_key: keys.signing.public_key.clone(),
            kem: keys.kem,
            kem_public_key: keys.kem_public_key.clone(),
            signature_alg: self.signing.alg,
            signature: Vec::new(),
        }
        .sign(&self.signing)
    }

    /// Issues one pseudonym credential for the vehicle `identity` over the
    /// pseudonym key (`sig_alg`, `public_key`), with a fresh random serial and escrow.
    #[allow(clippy::too_many_arguments)]
    pub fn issue_pseudonym(
        &self,
        identity: &[u8],
        applications: &[String],
        not_before: u64,
        not_after: u64,
        sig_alg: u16,
        public_key: &[u8],
        escrow_aead: u16,
        escrow_kdf: u16,
    ) -> Result<PseudonymCredential> {
        check_apps(applications)?;
        let (pk_len, _) = sig_sizes(sig_alg)?;
        if public_key.len() != pk_len || not_after < not_before {
            return Err(Error::Config(
                "pseudonym key of the wrong length for its algorithm, or an empty validity window"
                    .into(),
            ));
        }
        let authority_key_id = self.public.key_id();
        let serial = random_u64()?;
        let binding =
            PseudonymCredential::escrow_binding(&authority_key_id, serial, sig_alg, public_key);
        let escrow = Escrow::seal(
            self.public.escrow_kem,
            &self.public.escrow_public_key,
            escrow_aead,
            escrow_kdf,
            &binding,
            identity,
        )?;
        PseudonymCredential {
            authority_key_id,
            serial,
            applications: applications.to_vec(),
            not_before,
            not_after,
            sig_alg,
            public_key: public_key.to_vec(),
            escrow,
            signature_alg: self.signing.alg,
            signature: Vec::new(),
        }
        .sign(&self.signing)
    }

    /// Signs revocation list number `number` (serials of pseudonyms and warrants).
    /// Revoking a vehicle means listing every serial of its batches.
    pub fn revocation_list(
        &self,
        number: u64,
        this_update: u64,
        next_update: u64,
        serials: Vec<u64>,
    ) -> Result<StatusList> {
        StatusList::sign(&self.signing, number, this_update, next_update, serials)
    }

    /// Opens the identity escrow of a credential this authority issued (for
    /// example [`super::HandoverRecord::credential`] of a disputed handover).
    /// The credential's signature is checked first, so an escrow cannot be
    /// moved into another credential.
    pub fn trace(&self, credential: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let cred = PseudonymCredential::decode(credential)?;
        cred.verify(&self.public)?;
        let binding = PseudonymCredential::escrow_binding(
            &cred.authority_key_id,
            cred.serial,
            cred.sig_alg,
            &cred.public_key,
        );
        if cred.escrow.kem != self.public.escrow_kem {
            return Err(Error::EscrowUndecryptable);
        }
        cred.escrow.open(self.escrow_secret.expose(), &binding)
    }

    /// Secret file: `u8 version ‖ u8 kind ‖ lp16 public ‖ lp16 signing key file ‖ lp16 escrow secret`.
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut w = Writer::new();
        w.u8(V2X_VERSION);
        w.u8(kind::AUTHORITY_SECRET);
        w.lp16(&self.public.encode());
        w.lp16(&self.signing.encode());
        w.lp16(self.escrow_secret.expose());
        Zeroizing::new(w.0)
    }

    /// Decodes a secret file; fails if the keys do not match the public part.
    pub fn decode(bytes: &[u8]) -> Result<Authority> {
        const W: &str = "authority key file";
        let mut r = Reader::new(bytes);
        let v = r.u8(W)?;
        if v != V2X_VERSION {
            return Err(Error::UnsupportedVersion { what: W, found: v });
        }
        if r.u8(W)? != kind::AUTHORITY_SECRET {
            return Err(err(W, DecodeProblem::Invalid));
        }
        let public = AuthorityPublic::decode(r.lp16(MAX_AUTHORITY_PUBLIC_LEN, W)?)?;
        let signing = SigningKey::decode(r.lp16(u16::MAX as usize, W)?)?;
        let escrow_secret = SecretBytes::from_slice(r.lp16(u16::MAX as usize, W)?);
        r.finish(W)?;
        if signing.alg != public.sig_alg || signing.public_key != public.sig_public_key {
            return Err(err(W, DecodeProblem::Invalid));
        }
        Ok(Authority {
            public,
            signing,
            escrow_secret,
        })
    }
}

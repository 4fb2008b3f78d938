//! Certificates, signing keys and signed status lists, in agilis's compact
//! versioned encoding (docs/anchor-protocol.md §2 gives the byte layout and
//! docs/certificates.md why it is not X.509).
//!
//! Every structure decodes strictly: fixed field order, every length bounded
//! and checked against the registry size of its algorithm, no trailing bytes.
//! The encoding is canonical, so `decode(b).encode() == b` for every `b`
//! that decodes.

use agilis_suites::registry::{self, Sizes};
use agilis_suites::{Kind, SecretBytes, sig};
use sha2::{Digest, Sha256};

use crate::error::{DecodeProblem, Error, Result};
use crate::wire::{Reader, Writer, err};

/// Version byte of certificates, status lists and key files.
pub const CERT_VERSION: u8 = 1;
/// Longest encoded certificate.
pub const MAX_CERT_LEN: usize = u16::MAX as usize;
/// Longest subnet identifier.
pub const MAX_SUBNET_LEN: usize = 64;
/// Most capabilities a certificate lists.
pub const MAX_CAPABILITIES: usize = 64;
/// Most serials one status list holds.
pub const MAX_REVOKED: usize = 1 << 20;

const CERT_LABEL: &[u8] = b"agilis-cert/v1\0";
const STATUS_LABEL: &[u8] = b"agilis-status-list/v1\0";
const KEY_ID_LABEL: &[u8] = b"agilis-key-id/v1\0";

/// A key identifier: SHA-256 over a label, the algorithm and the public key.
pub type KeyId = [u8; 32];

/// The key identifier of a signature public key.
pub fn key_id(alg: u16, public_key: &[u8]) -> KeyId {
    let mut h = Sha256::new();
    h.update(KEY_ID_LABEL);
    h.update(alg.to_be_bytes());
    h.update(public_key);
    h.finalize().into()
}

/// Registry (public key, max signature) sizes of a signature algorithm.
pub(crate) fn sig_sizes(alg: u16) -> Result<(usize, usize)> {
    let a = registry::by_codepoint(alg)?.expect_kind(Kind::Signature)?;
    match a.sizes {
        Sizes::Signature {
            public_key,
            signature,
            ..
        } => Ok((public_key, signature)),
        _ => Err(Error::Config(
            "registry entry without signature sizes".into(),
        )),
    }
}

fn check_subnet(s: &[u8]) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SUBNET_LEN
        && s.iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// What a certificate is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A domain CA (self-signed; signs anchor certificates and status lists).
    Ca = 1,
    /// A security anchor of a subnet.
    Anchor = 2,
}

/// A certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// CA or anchor
    pub role: Role,
    /// serial number, unique per CA
    pub serial: u64,
    /// subnet identifier (1–64 of `A-Z a-z 0-9 . - _`)
    pub subnet: String,
    /// the subject's signature algorithm (registry code point)
    pub key_alg: u16,
    /// the subject's public key
    pub public_key: Vec<u8>,
    /// start of validity, unix ms
    pub not_before: u64,
    /// end of validity, unix ms (inclusive)
    pub not_after: u64,
    /// the suites (code points of any kind) the subject supports
    pub capabilities: Vec<u16>,
    /// key identifier of the issuing CA's key (its own for a CA certificate)
    pub issuer_key_id: KeyId,
    /// the issuer's signature algorithm
    pub signature_alg: u16,
    /// the issuer's signature over the encoding up to and including `signature_alg`
    pub signature: Vec<u8>,
}

impl Certificate {
    /// The key identifier of the subject's key.
    pub fn key_id(&self) -> KeyId {
        key_id(self.key_alg, &self.public_key)
    }

    /// The signed part of the encoding.
    pub fn tbs(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u8(CERT_VERSION);
        w.u8(self.role as u8);
        w.u64(self.serial);
        w.lp8(self.subnet.as_bytes());
        w.u16(self.key_alg);
        w.lp16(&self.public_key);
        w.u64(self.not_before);
        w.u64(self.not_after);
        w.codepoints(&self.capabilities);
        w.bytes(&self.issuer_key_id);
        w.u16(self.signature_alg);
        w.0
    }

    /// The full encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer(self.tbs());
        w.lp16(&self.signature);
        w.0
    }

    /// Decodes strictly (the signature is not checked here; see [`Certificate::verify_signature`]).
    pub fn decode(bytes: &[u8]) -> Result<Certificate> {
        const W: &str = "certificate";
        if bytes.len() > MAX_CERT_LEN {
            return Err(err(
                W,
                DecodeProblem::TooLong {
                    max: MAX_CERT_LEN,
                    found: bytes.len(),
                },
            ));
        }
        let mut r = Reader::new(bytes);
        let version = r.u8("certificate version")?;
        if version != CERT_VERSION {
            return Err(Error::UnsupportedVersion {
                what: "certificate",
                found: version,
            });
        }
        let role = match r.u8("certificate role")? {
            1 => Role::Ca,
            2 => Role::Anchor,
            _ => return Err(err("certificate role", DecodeProblem::Invalid)),
        };
        let serial = r.u64("certificate serial")?;
        let subnet = r.lp8(MAX_SUBNET_LEN, "certificate subnet")?;
        if !check_subnet(subnet) {
            return Err(err("certificate subnet", DecodeProblem::Invalid));
        }
        let key_alg = r.u16("certificate key algorithm")?;
        let (pk_len, _) = sig_sizes(key_alg)
            .map_err(|_| err("certificate key algorithm", DecodeProblem::Invalid))?;
        let public_key = r.lp16(pk_len, "certificate public key")?;
        if public_key.len() != pk_len {
            return Err(err("certificate public key", DecodeProblem::Invalid));
        }
        let not_before = r.u64("certificate not_before")?;
        let not_after = r.u64("certificate not_after")?;
        if not_after < not_before {
            return Err(err("certificate validity", DecodeProblem::Invalid));
        }
        let capabilities = r.codepoints(MAX_CAPABILITIES, "certificate capabilities")?;
        let issuer_key_id = r.array("certificate issuer key id")?;
        let signature_alg = r.u16("certificate signature algorithm")?;
        let (_, sig_max) = sig_sizes(signature_alg)
            .map_err(|_| err("certificate signature algorithm", DecodeProblem::Invalid))?;
        let signature = r.lp16(sig_max, "certificate signature")?.to_vec();
        r.finish(W)?;
        Ok(Certificate {
            role,
            serial,
            // check_subnet admitted ASCII only
            subnet: String::from_utf8_lossy(subnet).into_owned(),
            key_alg,
            public_key: public_key.to_vec(),
            not_before,
            not_after,
            capabilities,
            issuer_key_id,
            signature_alg,
            signature,
        })
    }

    /// Verifies the certificate's signature under `issuer`'s key.
    pub fn verify_signature(&self, issuer: &Certificate) -> Result<()> {
        if issuer.role != Role::Ca {
            return Err(Error::WrongCertificateRole);
        }
        if self.issuer_key_id != issuer.key_id()
            || self.signature_alg != issuer.key_alg
            || !issuer.verify_labeled(CERT_LABEL, &self.tbs(), &self.signature)?
        {
            return Err(Error::BadCertificateSignature);
        }
        Ok(())
    }

    /// Whether `signature` is this certificate's key's signature over
    /// `label ‖ message` (made by [`SigningKey::sign_labeled`]). An unknown
    /// algorithm is an error; a signature that does not verify is `false`.
    pub(crate) fn verify_labeled(
        &self,
        label: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<bool> {
        Ok(sig::scheme(self.key_alg)?
            .verify(&self.public_key, &labeled(label, message), signature)
            .is_ok())
    }

    /// Whether `now` (unix ms) lies in the validity window; the error says which end failed.
    pub fn check_validity(&self, now: u64) -> Result<()> {
        if now < self.not_before {
            Err(Error::CertificateNotYetValid {
                not_before: self.not_before,
            })
        } else if now > self.not_after {
            Err(Error::CertificateExpired {
                not_after: self.not_after,
            })
        } else {
            Ok(())
        }
    }
}

/// What a CA signs into a new certificate.
#[derive(Debug, Clone)]
pub struct CertificateRequest {
    /// CA or anchor
    pub role: Role,
    /// serial
    pub serial: u64,
    /// subnet identifier
    pub subnet: String,
    /// subject signature algorithm
    pub key_alg: u16,
    /// subject public key
    pub public_key: Vec<u8>,
    /// validity start, unix ms
    pub not_before: u64,
    /// validity end, unix ms
    pub not_after: u64,
    /// capabilities
    pub capabilities: Vec<u16>,
}

/// A signature key pair with its algorithm. The secret is zeroized on drop.
#[derive(Debug)]
pub struct SigningKey {
    /// signature algorithm
    pub alg: u16,
    /// public key
    pub public_key: Vec<u8>,
    secret: SecretBytes,
}

impl SigningKey {
    /// A fresh key pair from the OS RNG.
    pub fn generate(alg: u16) -> Result<SigningKey> {
        let kp = sig::scheme(alg)?.keygen()?;
        Ok(SigningKey {
            alg,
            public_key: kp.public_key,
            secret: kp.secret_key,
        })
    }

    /// The key identifier of the public key.
    pub fn key_id(&self) -> KeyId {
        key_id(self.alg, &self.public_key)
    }

    /// Signs `label ‖ message` (checked by [`Certificate::verify_labeled`]).
    pub(crate) fn sign_labeled(&self, label: &[u8], message: &[u8]) -> Result<Vec<u8>> {
        Ok(sig::scheme(self.alg)?.sign(self.secret.expose(), &labeled(label, message))?)
    }

    /// Key file encoding: `u8 version ‖ u16 alg ‖ lp16 pk ‖ lp16 sk`.
    pub fn encode(&self) -> zeroize::Zeroizing<Vec<u8>> {
        let mut w = Writer::new();
        w.u8(CERT_VERSION);
        w.u16(self.alg);
        w.lp16(&self.public_key);
        w.lp16(self.secret.expose());
        zeroize::Zeroizing::new(w.0)
    }

    /// Decodes a key file.
    pub fn decode(bytes: &[u8]) -> Result<SigningKey> {
        let mut r = Reader::new(bytes);
        let v = r.u8("key file version")?;
        if v != CERT_VERSION {
            return Err(Error::UnsupportedVersion {
                what: "key file",
                found: v,
            });
        }
        let alg = r.u16("key algorithm")?;
        let (pk_len, _) =
            sig_sizes(alg).map_err(|_| err("key algorithm", DecodeProblem::Invalid))?;
        let pk = r.lp16(pk_len, "public key")?.to_vec();
        let sk = SecretBytes::from_slice(r.lp16(u16::MAX as usize, "secret key")?);
        r.finish("key file")?;
        Ok(SigningKey {
            alg,
            public_key: pk,
            secret: sk,
        })
    }

    /// Signs a certificate for `req` with this (CA) key.
    pub fn issue(&self, req: &CertificateRequest) -> Result<Certificate> {
        if !check_subnet(req.subnet.as_bytes()) {
            return Err(Error::Config(format!(
                "subnet `{}` must be 1–{MAX_SUBNET_LEN} characters of A-Z a-z 0-9 . - _",
                req.subnet
            )));
        }
        if req.capabilities.len() > MAX_CAPABILITIES || req.not_after < req.not_before {
            return Err(Error::Config(
                "too many capabilities or an empty validity window".into(),
            ));
        }
        let (pk_len, _) = sig_sizes(req.key_alg)?;
        if req.public_key.len() != pk_len {
            return Err(Error::Config(
                "public key of the wrong length for its algorithm".into(),
            ));
        }
        let mut cert = Certificate {
            role: req.role,
            serial: req.serial,
            subnet: req.subnet.clone(),
            key_alg: req.key_alg,
            public_key: req.public_key.clone(),
            not_before: req.not_before,
            not_after: req.not_after,
            capabilities: req.capabilities.clone(),
            issuer_key_id: self.key_id(),
            signature_alg: self.alg,
            signature: Vec::new(),
        };
        cert.signature = self.sign_labeled(CERT_LABEL, &cert.tbs())?;
        Ok(cert)
    }
}

/// A CA's signed list of revoked serials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    /// the CA's key identifier
    pub ca_key_id: KeyId,
    /// increases with every list the CA signs
    pub number: u64,
    /// when it was signed, unix ms
    pub this_update: u64,
    /// after this time (unix ms) the list is stale and certificates of this CA fail
    pub next_update: u64,
    /// revoked serials, strictly ascending
    pub revoked: Vec<u64>,
    /// CA signature algorithm
    pub signature_alg: u16,
    /// CA signature over everything before it
    pub signature: Vec<u8>,
}

impl StatusList {
    fn tbs(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u8(CERT_VERSION);
        w.bytes(&self.ca_key_id);
        w.u64(self.number);
        w.u64(self.this_update);
        w.u64(self.next_update);
        w.u32(self.revoked.len() as u32);
        for s in &self.revoked {
            w.u64(*s);
        }
        w.u16(self.signature_alg);
        w.0
    }

    /// The encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer(self.tbs());
        w.lp16(&self.signature);
        w.0
    }

    /// Signs a list with the CA's key.
    pub fn sign(
        ca: &SigningKey,
        number: u64,
        this_update: u64,
        next_update: u64,
        mut revoked: Vec<u64>,
    ) -> Result<StatusList> {
        revoked.sort_unstable();
        revoked.dedup();
        if revoked.len() > MAX_REVOKED {
            return Err(Error::Config(
                "too many revoked serials for one list".into(),
            ));
        }
        let mut l = StatusList {
            ca_key_id: ca.key_id(),
            number,
            this_update,
            next_update,
            revoked,
            signature_alg: ca.alg,
            signature: Vec::new(),
        };
        l.signature = ca.sign_labeled(STATUS_LABEL, &l.tbs())?;
        Ok(l)
    }

    /// Decodes strictly (signature unchecked; see [`StatusList::verify`]).
    pub fn decode(bytes: &[u8]) -> Result<StatusList> {
        let mut r = Reader::new(bytes);
        let v = r.u8("status list version")?;
        if v != CERT_VERSION {
            return Err(Error::UnsupportedVersion {
                what: "status list",
                found: v,
            });
        }
        let ca_key_id = r.array("status list CA key id")?;
        let number = r.u64("status list number")?;
        let this_update = r.u64("status list this_update")?;
        let next_update = r.u64("status list next_update")?;
        let count = r.u32("status list count")? as usize;
        if count > MAX_REVOKED {
            return Err(err(
                "status list count",
                DecodeProblem::TooLong {
                    max: MAX_REVOKED,
                    found: count,
                },
            ));
        }
        let raw = r.bytes(count * 8, "status list serials")?;
        let revoked: Vec<u64> = raw
            .chunks_exact(8)
            .map(|c| u64::from_be_bytes(c.try_into().expect("8 bytes")))
            .collect();
        if revoked.windows(2).any(|w| w[0] >= w[1]) {
            return Err(err("status list serials", DecodeProblem::Invalid));
        }
        let signature_alg = r.u16("status list signature algorithm")?;
        let (_, sig_max) = sig_sizes(signature_alg)
            .map_err(|_| err("status list signature algorithm", DecodeProblem::Invalid))?;
        let signature = r.lp16(sig_max, "status list signature")?.to_vec();
        r.finish("status list")?;
        Ok(StatusList {
            ca_key_id,
            number,
            this_update,
            next_update,
            revoked,
            signature_alg,
            signature,
        })
    }

    /// Verifies the list's signature under the CA certificate.
    pub fn verify(&self, ca: &Certificate) -> Result<()> {
        self.verify_key(ca.key_alg, &ca.public_key)
    }

    /// Verifies the list's signature under a bare signing key (`alg`,
    /// `public_key`): the v2x authority signs lists without a certificate.
    pub fn verify_key(&self, alg: u16, public_key: &[u8]) -> Result<()> {
        if self.ca_key_id != key_id(alg, public_key)
            || self.signature_alg != alg
            || sig::scheme(alg)?
                .verify(
                    public_key,
                    &labeled(STATUS_LABEL, &self.tbs()),
                    &self.signature,
                )
                .is_err()
        {
            return Err(Error::BadStatusListSignature);
        }
        Ok(())
    }

    /// Whether `serial` is revoked.
    pub fn is_revoked(&self, serial: u64) -> bool {
        self.revoked.binary_search(&serial).is_ok()
    }
}

/// `label ‖ message`: what every agilis signature covers, so that a signature
/// made for one purpose never verifies for another.
pub(crate) fn labeled(label: &[u8], message: &[u8]) -> Vec<u8> {
    [label, message].concat()
}

//! Edge warrants, pseudonym credentials and the key material behind them
//! (docs/handover-protocol.md §2). Decoders are strict: fixed field order,
//! every length bounded and checked against the registry size of its
//! algorithm, no trailing bytes; the encodings are canonical.

use agilis_suites::SecretBytes;
use agilis_suites::kem;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::authority::{Authority, AuthorityPublic};
use super::escrow::Escrow;
use super::{
    CREDENTIAL_LABEL, DEFAULT_AEAD, DEFAULT_KDF, DEFAULT_PSEUDONYM_SIGNATURE, MAX_APP_LEN,
    MAX_APPS, MAX_CREDENTIAL_LEN, MAX_NAME_LEN, MAX_WARRANT_LEN, V2X_VERSION, WARRANT_LABEL,
    check_window, kind, valid_name, verify_labeled,
};
use crate::cert::{KeyId, SigningKey, sig_sizes};
use crate::error::{DecodeProblem, Error, Result};
use crate::messages::kem_sizes;
use crate::wire::{Reader, Writer, err};

const WARRANT_ID_LABEL: &[u8] = b"agilis-v2x/v1 warrant id\0";

/// A warrant's identifier: SHA-256 over a label and its encoding.
pub type WarrantId = [u8; 32];

pub(crate) fn write_apps(w: &mut Writer, apps: &[String]) {
    w.u8(apps.len() as u8);
    for a in apps {
        w.lp8(a.as_bytes());
    }
}

pub(crate) fn read_apps(r: &mut Reader<'_>, what: &'static str) -> Result<Vec<String>> {
    let n = r.u8(what)? as usize;
    if n == 0 || n > MAX_APPS {
        return Err(err(
            what,
            DecodeProblem::TooLong {
                max: MAX_APPS,
                found: n,
            },
        ));
    }
    let mut apps: Vec<String> = Vec::with_capacity(n);
    for _ in 0..n {
        let a = r.lp8(MAX_APP_LEN, what)?;
        if !valid_name(a, MAX_APP_LEN) {
            return Err(err(what, DecodeProblem::Invalid));
        }
        // valid_name admitted ASCII only
        let a = String::from_utf8_lossy(a).into_owned();
        if apps.contains(&a) {
            return Err(err(what, DecodeProblem::Invalid));
        }
        apps.push(a);
    }
    Ok(apps)
}

/// Reads `u16 alg ‖ lp16 public key` of a signature algorithm (exact registry size).
fn read_sig_key(r: &mut Reader<'_>, what: &'static str) -> Result<(u16, Vec<u8>)> {
    let alg = r.u16(what)?;
    let (pk_len, _) = sig_sizes(alg).map_err(|_| err(what, DecodeProblem::Invalid))?;
    let pk = r.lp16(pk_len, what)?;
    if pk.len() != pk_len {
        return Err(err(what, DecodeProblem::Invalid));
    }
    Ok((alg, pk.to_vec()))
}

/// Reads `u16 kem ‖ lp16 public key` (exact registry size).
pub(crate) fn read_kem_key(r: &mut Reader<'_>, what: &'static str) -> Result<(u16, Vec<u8>)> {
    let alg = r.u16(what)?;
    let (pk_len, _) = kem_sizes(alg, what)?;
    let pk = r.lp16(pk_len, what)?;
    if pk.len() != pk_len {
        return Err(err(what, DecodeProblem::Invalid));
    }
    Ok((alg, pk.to_vec()))
}

/// Reads `u16 alg ‖ lp16 signature` bounded by the algorithm's registry maximum.
fn read_signature(r: &mut Reader<'_>, what: &'static str) -> Result<(u16, Vec<u8>)> {
    let alg = r.u16(what)?;
    let (_, max) = sig_sizes(alg).map_err(|_| err(what, DecodeProblem::Invalid))?;
    Ok((alg, r.lp16(max, what)?.to_vec()))
}

fn read_header(r: &mut Reader<'_>, k: u8, what: &'static str) -> Result<()> {
    let v = r.u8(what)?;
    if v != V2X_VERSION {
        return Err(Error::UnsupportedVersion { what, found: v });
    }
    if r.u8(what)? != k {
        return Err(err(what, DecodeProblem::Invalid));
    }
    Ok(())
}

/// Checks that `signature` (under `signature_alg`) is `authority`'s, named by
/// `key_id`, over `label ‖ tbs`: [`Error::UnknownAuthority`] for another
/// authority, [`Error::BadCredentialSignature`] naming `what` otherwise.
fn authority_signed(
    authority: &AuthorityPublic,
    key_id: &KeyId,
    signature_alg: u16,
    label: &[u8],
    tbs: &[u8],
    signature: &[u8],
    what: &'static str,
) -> Result<()> {
    if *key_id != authority.key_id() {
        return Err(Error::UnknownAuthority);
    }
    if signature_alg != authority.sig_alg || !authority.verify(label, tbs, signature)? {
        return Err(Error::BadCredentialSignature { what });
    }
    Ok(())
}

pub(crate) fn check_len(bytes: &[u8], max: usize, what: &'static str) -> Result<()> {
    if bytes.len() > max {
        return Err(err(
            what,
            DecodeProblem::TooLong {
                max,
                found: bytes.len(),
            },
        ));
    }
    Ok(())
}

/// An edge server's warrant, signed by the road authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeWarrant {
    /// the signing authority's key id
    pub authority_key_id: KeyId,
    /// serial, unique per authority (revocable)
    pub serial: u64,
    /// the edge's name
    pub edge: String,
    /// the applications it may serve
    pub applications: Vec<String>,
    /// validity start, unix ms
    pub not_before: u64,
    /// validity end, unix ms (inclusive)
    pub not_after: u64,
    /// the edge's signature algorithm (composite)
    pub sig_alg: u16,
    /// the edge's signature public key
    pub public_key: Vec<u8>,
    /// the edge's static hybrid KEM
    pub kem: u16,
    /// the edge's static KEM public key
    pub kem_public_key: Vec<u8>,
    /// the authority's signature algorithm
    pub signature_alg: u16,
    /// the authority's signature over everything before it
    pub signature: Vec<u8>,
}

impl EdgeWarrant {
    fn tbs(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u8(V2X_VERSION);
        w.u8(kind::WARRANT);
        w.bytes(&self.authority_key_id);
        w.u64(self.serial);
        w.lp8(self.edge.as_bytes());
        write_apps(&mut w, &self.applications);
        w.u64(self.not_before);
        w.u64(self.not_after);
        w.u16(self.sig_alg);
        w.lp16(&self.public_key);
        w.u16(self.kem);
        w.lp16(&self.kem_public_key);
        w.u16(self.signature_alg);
        w.0
    }

    /// The encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer(self.tbs());
        w.lp16(&self.signature);
        w.0
    }

    /// Strict decoding (the signature is checked by [`EdgeWarrant::verify`]).
    pub fn decode(bytes: &[u8]) -> Result<EdgeWarrant> {
        const W: &str = "edge warrant";
        check_len(bytes, MAX_WARRANT_LEN, W)?;
        let mut r = Reader::new(bytes);
        read_header(&mut r, kind::WARRANT, W)?;
        let authority_key_id = r.array("warrant authority key id")?;
        let serial = r.u64("warrant serial")?;
        let edge = r.lp8(MAX_NAME_LEN, "warrant edge name")?;
        if !valid_name(edge, MAX_NAME_LEN) {
            return Err(err("warrant edge name", DecodeProblem::Invalid));
        }
        let applications = read_apps(&mut r, "warrant applications")?;
        let not_before = r.u64("warrant not_before")?;
        let not_after = r.u64("warrant not_after")?;
        if not_after < not_before {
            return Err(err("warrant validity", DecodeProblem::Invalid));
        }
        let (sig_alg, public_key) = read_sig_key(&mut r, "warrant signature key")?;
        let (kem, kem_public_key) = read_kem_key(&mut r, "warrant KEM key")?;
        let (signature_alg, signature) = read_signature(&mut r, "warrant signature")?;
        r.finish(W)?;
        Ok(EdgeWarrant {
            authority_key_id,
            serial,
            edge: String::from_utf8_lossy(edge).into_owned(),
            applications,
            not_before,
            not_after,
            sig_alg,
            public_key,
            kem,
            kem_public_key,
            signature_alg,
            signature,
        })
    }

    /// The warrant id a request names: SHA-256 over a label and the encoding.
    pub fn id(&self) -> WarrantId {
        let mut h = Sha256::new();
        h.update(WARRANT_ID_LABEL);
        h.update(self.encode());
        h.finalize().into()
    }

    /// Checks the authority's signature ([`Error::UnknownAuthority`] for another authority).
    pub fn verify(&self, authority: &AuthorityPublic) -> Result<()> {
        authority_signed(
            authority,
            &self.authority_key_id,
            self.signature_alg,
            WARRANT_LABEL,
            &self.tbs(),
            &self.signature,
            "edge warrant",
        )
    }

    /// Whether `now` lies in the validity window.
    pub fn check_validity(&self, now: u64) -> Result<()> {
        check_window("edge warrant", self.not_before, self.not_after, now)
    }

    /// Signs a warrant (the authority's side).
    pub(crate) fn sign(mut self, authority: &SigningKey) -> Result<EdgeWarrant> {
        self.signature_alg = authority.alg;
        self.signature = authority.sign_labeled(WARRANT_LABEL, &self.tbs())?;
        Ok(self)
    }
}

/// An edge's secrets: its signing key and static KEM key pair. Zeroized on drop.
#[derive(Debug)]
pub struct EdgeKeys {
    /// the signing key (composite)
    pub signing: SigningKey,
    /// the static hybrid KEM
    pub kem: u16,
    /// the static KEM public key
    pub kem_public_key: Vec<u8>,
    kem_secret: SecretBytes,
}

impl EdgeKeys {
    /// Fresh keys from the OS RNG.
    pub fn generate(sig_alg: u16, kem_alg: u16) -> Result<EdgeKeys> {
        let kp = kem::scheme(kem_alg)?.keygen()?;
        Ok(EdgeKeys {
            signing: SigningKey::generate(sig_alg)?,
            kem: kem_alg,
            kem_public_key: kp.public_key,
            kem_secret: kp.secret_key,
        })
    }

    pub(crate) fn kem_secret(&self) -> &SecretBytes {
        &self.kem_secret
    }

    /// Whether these keys are the ones `warrant` certifies.
    pub fn matches(&self, warrant: &EdgeWarrant) -> bool {
        self.signing.alg == warrant.sig_alg
            && self.signing.public_key == warrant.public_key
            && self.kem == warrant.kem
            && self.kem_public_key == warrant.kem_public_key
    }

    /// Key file: `u8 version ‖ u8 kind ‖ lp16 signing key file ‖ u16 kem ‖ lp16 pk ‖ lp16 sk`.
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut w = Writer::new();
        w.u8(V2X_VERSION);
        w.u8(kind::EDGE_KEYS);
        w.lp16(&self.signing.encode());
        w.u16(self.kem);
        w.lp16(&self.kem_public_key);
        w.lp16(self.kem_secret.expose());
        Zeroizing::new(w.0)
    }

    /// Decodes a key file.
    pub fn decode(bytes: &[u8]) -> Result<EdgeKeys> {
        let mut r = Reader::new(bytes);
        read_header(&mut r, kind::EDGE_KEYS, "edge key file")?;
        let signing = SigningKey::decode(r.lp16(u16::MAX as usize, "edge signing key")?)?;
        let (kem, kem_public_key) = read_kem_key(&mut r, "edge KEM key")?;
        let kem_secret = SecretBytes::from_slice(r.lp16(u16::MAX as usize, "edge KEM secret")?);
        r.finish("edge key file")?;
        Ok(EdgeKeys {
            signing,
            kem,
            kem_public_key,
            kem_secret,
        })
    }
}

/// A pseudonym credential, signed by the road authority. No field is
/// common to two pseudonyms of one vehicle other than what every vehicle
/// with the same scope and validity grid shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PseudonymCredential {
    /// the signing authority's key id
    pub authority_key_id: KeyId,
    /// random serial (revocable)
    pub serial: u64,
    /// the applications it may be used for
    pub applications: Vec<String>,
    /// validity start, unix ms
    pub not_before: u64,
    /// validity end, unix ms (inclusive)
    pub not_after: u64,
    /// the pseudonym's signature algorithm (composite)
    pub sig_alg: u16,
    /// the pseudonym's public key
    pub public_key: Vec<u8>,
    /// the vehicle's identity, sealed to the authority
    pub escrow: Escrow,
    /// the authority's signature algorithm
    pub signature_alg: u16,
    /// the authority's signature over everything before it
    pub signature: Vec<u8>,
}

impl PseudonymCredential {
    fn tbs(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u8(V2X_VERSION);
        w.u8(kind::PSEUDONYM);
        w.bytes(&self.authority_key_id);
        w.u64(self.serial);
        write_apps(&mut w, &self.applications);
        w.u64(self.not_before);
        w.u64(self.not_after);
        w.u16(self.sig_alg);
        w.lp16(&self.public_key);
        self.escrow.write(&mut w);
        w.u16(self.signature_alg);
        w.0
    }

    /// What the escrow's AEAD binds it to: the authority, serial and key of this credential.
    pub(crate) fn escrow_binding(
        authority_key_id: &KeyId,
        serial: u64,
        sig_alg: u16,
        public_key: &[u8],
    ) -> Vec<u8> {
        let mut w = Writer::new();
        w.bytes(b"agilis-v2x/v1 escrow\0");
        w.bytes(authority_key_id);
        w.u64(serial);
        w.u16(sig_alg);
        w.lp16(public_key);
        w.0
    }

    /// The encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer(self.tbs());
        w.lp16(&self.signature);
        w.0
    }

    /// Strict decoding (the signature is checked by [`PseudonymCredential::verify`]).
    pub fn decode(bytes: &[u8]) -> Result<PseudonymCredential> {
        const W: &str = "pseudonym credential";
        check_len(bytes, MAX_CREDENTIAL_LEN, W)?;
        let mut r = Reader::new(bytes);
        read_header(&mut r, kind::PSEUDONYM, W)?;
        let authority_key_id = r.array("pseudonym authority key id")?;
        let serial = r.u64("pseudonym serial")?;
        let applications = read_apps(&mut r, "pseudonym scope")?;
        let not_before = r.u64("pseudonym not_before")?;
        let not_after = r.u64("pseudonym not_after")?;
        if not_after < not_before {
            return Err(err("pseudonym validity", DecodeProblem::Invalid));
        }
        let (sig_alg, public_key) = read_sig_key(&mut r, "pseudonym key")?;
        let escrow = Escrow::read(&mut r)?;
        let (signature_alg, signature) = read_signature(&mut r, "pseudonym signature")?;
        r.finish(W)?;
        Ok(PseudonymCredential {
            authority_key_id,
            serial,
            applications,
            not_before,
            not_after,
            sig_alg,
            public_key,
            escrow,
            signature_alg,
            signature,
        })
    }

    /// Checks the authority's signature ([`Error::UnknownAuthority`] for another authority).
    pub fn verify(&self, authority: &AuthorityPublic) -> Result<()> {
        authority_signed(
            authority,
            &self.authority_key_id,
            self.signature_alg,
            CREDENTIAL_LABEL,
            &self.tbs(),
            &self.signature,
            "pseudonym credential",
        )
    }

    /// Whether `now` lies in the validity window.
    pub fn check_validity(&self, now: u64) -> Result<()> {
        check_window("pseudonym credential", self.not_before, self.not_after, now)
    }

    /// Signs a credential (the authority's side).
    pub(crate) fn sign(mut self, authority: &SigningKey) -> Result<PseudonymCredential> {
        self.signature_alg = authority.alg;
        self.signature = authority.sign_labeled(CREDENTIAL_LABEL, &self.tbs())?;
        Ok(self)
    }

    /// Whether the pseudonym's signature over `label ‖ message` verifies.
    pub(crate) fn verify_by_pseudonym(
        &self,
        label: &[u8],
        message: &[u8],
        sig: &[u8],
    ) -> Result<bool> {
        verify_labeled(self.sig_alg, &self.public_key, label, message, sig)
    }
}

/// What a batch of pseudonyms is issued for.
#[derive(Debug, Clone)]
pub struct PseudonymBatch {
    /// how many credentials
    pub count: usize,
    /// the application scope of each
    pub applications: Vec<String>,
    /// start of the first credential's validity, unix ms
    pub not_before: u64,
    /// credential `i` starts at `not_before + i × period_ms`
    pub period_ms: u64,
    /// each credential's lifetime, ms
    pub lifetime_ms: u64,
    /// the pseudonyms' signature algorithm
    pub sig_alg: u16,
    /// the escrow's AEAD
    pub escrow_aead: u16,
    /// the escrow's KDF
    pub escrow_kdf: u16,
}

impl PseudonymBatch {
    /// `count` pseudonyms for `applications`, back to back from `not_before`,
    /// each valid `lifetime_ms` (overlapping the next by a tenth), default algorithms.
    pub fn new(
        count: usize,
        applications: &[&str],
        not_before: u64,
        lifetime_ms: u64,
    ) -> PseudonymBatch {
        PseudonymBatch {
            count,
            applications: applications.iter().map(|a| a.to_string()).collect(),
            not_before,
            period_ms: lifetime_ms - lifetime_ms / 10,
            lifetime_ms,
            sig_alg: DEFAULT_PSEUDONYM_SIGNATURE,
            escrow_aead: DEFAULT_AEAD,
            escrow_kdf: DEFAULT_KDF,
        }
    }
}

/// A pseudonym credential with its signing key (the vehicle's secret). Zeroized on drop.
#[derive(Debug)]
pub struct PseudonymKeys {
    /// the credential
    pub credential: PseudonymCredential,
    pub(crate) encoded: Vec<u8>,
    pub(crate) signing: SigningKey,
}

impl PseudonymKeys {
    /// Pairs a credential with its key; fails unless the key is the credential's.
    pub fn new(credential: PseudonymCredential, signing: SigningKey) -> Result<PseudonymKeys> {
        if signing.alg != credential.sig_alg || signing.public_key != credential.public_key {
            return Err(Error::Config(
                "the signing key is not the pseudonym credential's key".into(),
            ));
        }
        Ok(PseudonymKeys {
            encoded: credential.encode(),
            credential,
            signing,
        })
    }

    /// Issues a batch for the vehicle `identity`: the keys are generated here
    /// (on the vehicle's side in a deployment), the credentials by `authority`.
    pub fn issue_batch(
        authority: &Authority,
        identity: &[u8],
        batch: &PseudonymBatch,
    ) -> Result<Vec<PseudonymKeys>> {
        (0..batch.count)
            .map(|i| {
                let key = SigningKey::generate(batch.sig_alg)?;
                let start = batch
                    .not_before
                    .saturating_add((i as u64).saturating_mul(batch.period_ms));
                let cred = authority.issue_pseudonym(
                    identity,
                    &batch.applications,
                    start,
                    start.saturating_add(batch.lifetime_ms),
                    key.alg,
                    &key.public_key,
                    batch.escrow_aead,
                    batch.escrow_kdf,
                )?;
                PseudonymKeys::new(cred, key)
            })
            .collect()
    }

    /// The encoded credential.
    pub fn credential_bytes(&self) -> &[u8] {
        &self.encoded
    }

    /// Key file: `u8 version ‖ u8 kind ‖ lp16 credential ‖ lp16 signing key file`.
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut w = Writer::new();
        w.u8(V2X_VERSION);
        w.u8(kind::PSEUDONYM_KEYS);
        w.lp16(&self.encoded);
        w.lp16(&self.signing.encode());
        Zeroizing::new(w.0)
    }

    /// Decodes a key file.
    pub fn decode(bytes: &[u8]) -> Result<PseudonymKeys> {
        let mut r = Reader::new(bytes);
        read_header(&mut r, kind::PSEUDONYM_KEYS, "pseudonym key file")?;
        let cred =
            PseudonymCredential::decode(r.lp16(MAX_CREDENTIAL_LEN, "pseudonym credential")?)?;
        let key = SigningKey::decode(r.lp16(u16::MAX as usize, "pseudonym signing key")?)?;
        r.finish("pseudonym key file")?;
        PseudonymKeys::new(cred, key)
    }
}

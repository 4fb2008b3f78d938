//! Trust backends: "is this certificate valid and current?"
//!
//! [`TrustBackend`] is the pluggable interface the handshake asks. One
//! backend ships: [`LocalTrust`], a set of CA certificates and their signed
//! status lists, loaded from a local directory ([`LocalTrust::load_dir`]) or
//! from individual files ([`LocalTrust::add_ca_file`],
//! [`LocalTrust::add_status_list_file`]). A ledger or a directory service
//! implements the same trait: it receives the decoded certificate and the
//! time, and answers with `Ok` or the typed reason.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;
use std::sync::{Mutex, RwLock};

use sha2::{Digest, Sha256};

use crate::cert::{Certificate, KeyId, Role, StatusList};
use crate::error::{Error, Result};

/// Decides whether an anchor certificate is valid and current.
pub trait TrustBackend: Send + Sync {
    /// `Ok` if `cert` chains to a trusted CA, its signature verifies, it is
    /// inside its validity window at `now` (unix ms), and its CA's current
    /// status list does not revoke it. Otherwise the precise reason:
    /// [`Error::UnknownIssuer`], [`Error::BadCertificateSignature`],
    /// [`Error::WrongCertificateRole`], [`Error::CertificateExpired`],
    /// [`Error::CertificateNotYetValid`], [`Error::NoStatusList`],
    /// [`Error::StatusListExpired`], [`Error::CertificateRevoked`].
    fn validate(&self, cert: &Certificate, now: u64) -> Result<()>;
}

/// CA certificates and their status lists, held in memory.
#[derive(Debug, Default)]
pub struct LocalTrust {
    cas: RwLock<HashMap<KeyId, Certificate>>,
    status: RwLock<HashMap<KeyId, StatusList>>,
    verified: Mutex<Verified>,
}

/// Fingerprints of certificates whose CA signature has verified. An anchor
/// that connects again is not verified again (a composite verification
/// costs more than the rest of a handshake's checks); its role, validity
/// window and revocation status are still checked every time. Bounded: the
/// oldest entry goes first.
#[derive(Debug, Default)]
struct Verified {
    set: HashSet<[u8; 32]>,
    order: VecDeque<[u8; 32]>,
}

impl Verified {
    const CAPACITY: usize = 4096;

    fn insert(&mut self, fp: [u8; 32]) {
        if self.set.insert(fp) {
            self.order.push_back(fp);
            if self.order.len() > Self::CAPACITY
                && let Some(old) = self.order.pop_front()
            {
                self.set.remove(&old);
            }
        }
    }
}

/// SHA-256 of the whole certificate, its signature and issuer key id included.
fn fingerprint(cert: &Certificate) -> [u8; 32] {
    Sha256::digest(cert.encode()).into()
}

impl LocalTrust {
    /// An empty trust store (it trusts nothing).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a CA certificate after checking that it is a self-signed CA certificate.
    pub fn add_ca(&self, ca: Certificate) -> Result<()> {
        if ca.role != Role::Ca {
            return Err(Error::WrongCertificateRole);
        }
        ca.verify_signature(&ca)?;
        self.cas
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(ca.key_id(), ca);
        // A CA replaced: verify everything again.
        *self.verified.lock().unwrap_or_else(|p| p.into_inner()) = Verified::default();
        Ok(())
    }

    /// Adds (or replaces with a newer one) a CA's status list, after checking
    /// its signature. An older list than the one held is ignored, so a
    /// replayed old list cannot un-revoke a certificate.
    pub fn add_status_list(&self, list: StatusList) -> Result<()> {
        let cas = self.cas.read().unwrap_or_else(|p| p.into_inner());
        let ca = cas.get(&list.ca_key_id).ok_or(Error::UnknownIssuer)?;
        list.verify(ca)?;
        let mut status = self.status.write().unwrap_or_else(|p| p.into_inner());
        match status.get(&list.ca_key_id) {
            Some(held) if held.number >= list.number => {}
            _ => {
                status.insert(list.ca_key_id, list);
            }
        }
        Ok(())
    }

    /// Reads and adds a CA certificate file.
    pub fn add_ca_file(&self, path: &Path) -> Result<()> {
        self.add_ca(Certificate::decode(&read(path)?)?)
    }

    /// Reads and adds a status-list file.
    pub fn add_status_list_file(&self, path: &Path) -> Result<()> {
        self.add_status_list(StatusList::decode(&read(path)?)?)
    }

    /// Loads a trust directory: every `*.cert` is a CA certificate, then every
    /// `*.status` a status list of one of them.
    pub fn load_dir(dir: &Path) -> Result<LocalTrust> {
        let trust = LocalTrust::new();
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| Error::Io(format!("{}: {e}", dir.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "cert"))
        {
            trust
                .add_ca_file(p)
                .map_err(|e| Error::Config(format!("{}: {e}", p.display())))?;
        }
        for p in entries
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "status"))
        {
            trust
                .add_status_list_file(p)
                .map_err(|e| Error::Config(format!("{}: {e}", p.display())))?;
        }
        if trust
            .cas
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .is_empty()
        {
            return Err(Error::Config(format!(
                "{}: no CA certificate (*.cert)",
                dir.display()
            )));
        }
        Ok(trust)
    }
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::Io(format!("{}: {e}", path.display())))
}

impl TrustBackend for LocalTrust {
    fn validate(&self, cert: &Certificate, now: u64) -> Result<()> {
        if cert.role != Role::Anchor {
            return Err(Error::WrongCertificateRole);
        }
        let cas = self.cas.read().unwrap_or_else(|p| p.into_inner());
        let ca = cas.get(&cert.issuer_key_id).ok_or(Error::UnknownIssuer)?;
        let fp = fingerprint(cert);
        let known = self
            .verified
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .set
            .contains(&fp);
        if !known {
            cert.verify_signature(ca)?;
            self.verified
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(fp);
        }
        ca.check_validity(now)?;
        cert.check_validity(now)?;
        let status = self.status.read().unwrap_or_else(|p| p.into_inner());
        let list = status.get(&cert.issuer_key_id).ok_or(Error::NoStatusList)?;
        if now > list.next_update {
            return Err(Error::StatusListExpired {
                next_update: list.next_update,
            });
        }
        if list.is_revoked(cert.serial) {
            return Err(Error::CertificateRevoked {
                serial: cert.serial,
            });
        }
        Ok(())
    }
}

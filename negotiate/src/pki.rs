//! On-disk layouts: a domain CA's directory and an anchor's identity
//! directory. The `agilis ca` and `agilis anchor` commands are thin layers
//! over these.
//!
//! ```text
//! CA/ca.key            CA signing key (mode 0600)
//! CA/ca.cert           self-signed CA certificate
//! CA/ca.db             issued serials: "serial subnet not_after valid|revoked", one per line
//! CA/trust/ca.cert     what anchors need to trust this CA (copy it to them):
//! CA/trust/ca.status   the CA certificate and its current signed status list
//! ID/anchor.cert       an anchor's certificate
//! ID/anchor.key        its signing key (mode 0600)
//! ```

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use agilis_suites::profile;
use agilis_suites::registry::codepoint as cp;

use crate::cert::{Certificate, CertificateRequest, Role, SigningKey, StatusList};
use crate::error::{Error, Result};
use crate::trust::read;

/// Default signature algorithm of new keys: ML-DSA-65 + Ed25519.
pub const DEFAULT_SIGNATURE: u16 = cp::ML_DSA_65_ED25519;
/// Default validity of a status list: 7 days.
pub const STATUS_VALIDITY_MS: u64 = 7 * 24 * 3600 * 1000;
/// One day in ms.
pub const DAY_MS: u64 = 24 * 3600 * 1000;

/// Every code point of the `anchor` profile: the default capability list.
pub fn anchor_capabilities() -> Vec<u16> {
    let p = profile::by_name("anchor").expect("built-in profile");
    let mut caps: Vec<u16> = [p.kem, p.signature, p.aead, p.kdf].concat();
    // X-Wing is in the anchor profile; keep order, drop duplicates.
    let mut seen = Vec::new();
    caps.retain(|c| {
        let new = !seen.contains(c);
        seen.push(*c);
        new
    });
    caps
}

pub(crate) fn write_file(path: &Path, bytes: &[u8], secret: bool) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut f = opts
        .open(path)
        .map_err(|e| Error::Io(format!("{}: {e}", path.display())))?;
    f.write_all(bytes)
        .map_err(|e| Error::Io(format!("{}: {e}", path.display())))
}

pub(crate) fn mkdir(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).map_err(|e| Error::Io(format!("{}: {e}", path.display())))
}

/// One line of the CA database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedRecord {
    /// serial
    pub serial: u64,
    /// subnet
    pub subnet: String,
    /// end of validity, unix ms
    pub not_after: u64,
    /// whether it is revoked
    pub revoked: bool,
}

/// A domain CA's directory.
pub struct CaDir {
    path: PathBuf,
    key: SigningKey,
    cert: Certificate,
}

impl CaDir {
    /// Creates a new CA in `path` (which must not hold one yet).
    pub fn init(
        path: &Path,
        name: &str,
        sig_alg: u16,
        validity_ms: u64,
        now: u64,
    ) -> Result<CaDir> {
        if path.join("ca.key").exists() {
            return Err(Error::Config(format!(
                "{} already holds a CA",
                path.display()
            )));
        }
        mkdir(&path.join("trust"))?;
        let key = SigningKey::generate(sig_alg)?;
        let cert = key.issue(&CertificateRequest {
            role: Role::Ca,
            serial: 0,
            subnet: name.to_string(),
            key_alg: key.alg,
            public_key: key.public_key.clone(),
            not_before: now,
            not_after: now.saturating_add(validity_ms),
            capabilities: Vec::new(),
        })?;
        write_file(&path.join("ca.key"), &key.encode(), true)?;
        write_file(&path.join("ca.cert"), &cert.encode(), false)?;
        write_file(&path.join("trust/ca.cert"), &cert.encode(), false)?;
        write_file(&path.join("ca.db"), b"", false)?;
        let ca = CaDir {
            path: path.to_path_buf(),
            key,
            cert,
        };
        ca.publish_status(now, 1)?;
        Ok(ca)
    }

    /// Opens an existing CA directory.
    pub fn open(path: &Path) -> Result<CaDir> {
        let key = SigningKey::decode(&read(&path.join("ca.key"))?)?;
        let cert = Certificate::decode(&read(&path.join("ca.cert"))?)?;
        if cert.key_id() != key.key_id() {
            return Err(Error::Config("ca.key does not match ca.cert".into()));
        }
        Ok(CaDir {
            path: path.to_path_buf(),
            key,
            cert,
        })
    }

    /// The CA certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.cert
    }

    /// The directory anchors should use as `--trust`.
    pub fn trust_dir(&self) -> PathBuf {
        self.path.join("trust")
    }

    /// Every certificate issued so far.
    pub fn records(&self) -> Result<Vec<IssuedRecord>> {
        let text = String::from_utf8(read(&self.path.join("ca.db"))?)
            .map_err(|_| Error::Config("ca.db is not text".into()))?;
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                match f.as_slice() {
                    [serial, subnet, not_after, state] => Ok(IssuedRecord {
                        serial: serial.parse().map_err(|_| bad_db(l))?,
                        subnet: subnet.to_string(),
                        not_after: not_after.parse().map_err(|_| bad_db(l))?,
                        revoked: match *state {
                            "valid" => false,
                            "revoked" => true,
                            _ => return Err(bad_db(l)),
                        },
                    }),
                    _ => Err(bad_db(l)),
                }
            })
            .collect()
    }

    fn save_records(&self, records: &[IssuedRecord]) -> Result<()> {
        let mut s = String::new();
        for r in records {
            let state = if r.revoked { "revoked" } else { "valid" };
            let _ = writeln!(s, "{} {} {} {state}", r.serial, r.subnet, r.not_after);
        }
        write_file(&self.path.join("ca.db"), s.as_bytes(), false)
    }

    /// The current status list.
    pub fn status_list(&self) -> Result<StatusList> {
        StatusList::decode(&read(&self.path.join("trust/ca.status"))?)
    }

    fn publish_status(&self, now: u64, number: u64) -> Result<StatusList> {
        let revoked = self
            .records()?
            .into_iter()
            .filter(|r| r.revoked)
            .map(|r| r.serial)
            .collect();
        let list = StatusList::sign(
            &self.key,
            number,
            now,
            now.saturating_add(STATUS_VALIDITY_MS),
            revoked,
        )?;
        write_file(&self.path.join("trust/ca.status"), &list.encode(), false)?;
        Ok(list)
    }

    /// Signs a fresh status list (same revocations, new validity).
    pub fn refresh_status(&self, now: u64) -> Result<StatusList> {
        let number = self.status_list().map(|l| l.number + 1).unwrap_or(1);
        self.publish_status(now, number)
    }

    /// Issues an anchor certificate with a fresh key into the identity directory `out`.
    pub fn issue(
        &self,
        subnet: &str,
        key_alg: u16,
        capabilities: Vec<u16>,
        validity_ms: u64,
        now: u64,
        out: &Path,
    ) -> Result<Certificate> {
        mkdir(out)?;
        let mut records = self.records()?;
        let serial = records.iter().map(|r| r.serial).max().unwrap_or(0) + 1;
        let key = SigningKey::generate(key_alg)?;
        let cert = self.key.issue(&CertificateRequest {
            role: Role::Anchor,
            serial,
            subnet: subnet.to_string(),
            key_alg,
            public_key: key.public_key.clone(),
            not_before: now,
            not_after: now.saturating_add(validity_ms),
            capabilities,
        })?;
        write_file(&out.join("anchor.key"), &key.encode(), true)?;
        write_file(&out.join("anchor.cert"), &cert.encode(), false)?;
        records.push(IssuedRecord {
            serial,
            subnet: subnet.to_string(),
            not_after: cert.not_after,
            revoked: false,
        });
        self.save_records(&records)?;
        Ok(cert)
    }

    /// Revokes `serial` and publishes a new status list.
    pub fn revoke(&self, serial: u64, now: u64) -> Result<StatusList> {
        let mut records = self.records()?;
        let r = records
            .iter_mut()
            .find(|r| r.serial == serial)
            .ok_or_else(|| Error::Config(format!("serial {serial} was not issued by this CA")))?;
        r.revoked = true;
        self.save_records(&records)?;
        self.refresh_status(now)
    }
}

fn bad_db(line: &str) -> Error {
    Error::Config(format!("ca.db: bad line `{line}`"))
}

/// An anchor's identity: its certificate and signing key.
#[derive(Debug)]
pub struct Identity {
    /// the certificate
    pub cert: Certificate,
    /// its encoding, as sent in handshakes
    pub cert_bytes: Vec<u8>,
    /// the signing key
    pub key: SigningKey,
}

impl Identity {
    /// Pairs a certificate with its key, checking that they match.
    pub fn new(cert: Certificate, key: SigningKey) -> Result<Identity> {
        if cert.key_alg != key.alg || cert.public_key != key.public_key {
            return Err(Error::Config(
                "the key does not match the certificate".into(),
            ));
        }
        Ok(Identity {
            cert_bytes: cert.encode(),
            cert,
            key,
        })
    }

    /// Loads `DIR/anchor.cert` and `DIR/anchor.key`.
    pub fn load(dir: &Path) -> Result<Identity> {
        let cert = Certificate::decode(&read(&dir.join("anchor.cert"))?)?;
        let key = SigningKey::decode(&read(&dir.join("anchor.key"))?)?;
        Identity::new(cert, key)
    }
}

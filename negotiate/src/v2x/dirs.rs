//! On-disk directories of the road authority, its edges and its vehicles
//! (`agilis authority …`, `agilis edge serve`, `agilis vehicle handover`).
//!
//! ```text
//! AUTHORITY/authority.key            the authority's secrets (0600)
//! AUTHORITY/authority.db             who holds which serial (0600: it links pseudonyms to vehicles)
//! AUTHORITY/public/authority.pub     what edges and vehicles trust
//! AUTHORITY/public/revocations.list  the signed revocation list
//! EDGE/edge.warrant  EDGE/edge.keys (0600)  EDGE/trust/{authority.pub, revocations.list}
//! VEHICLE/pseudonyms/NNNN.keys (0600)  VEHICLE/state  VEHICLE/trust/{authority.pub, revocations.list}
//! ```
//!
//! `authority.db` has one line per serial the authority issued:
//! `edge|vehicle SERIAL HOLDER NOT_AFTER valid|revoked`. A vehicle's
//! pseudonyms share its HOLDER (its identity), so revoking a vehicle
//! revokes its whole batch. `VEHICLE/state` has one line per pseudonym
//! used: `INDEX NEXT_SEQ`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{
    Authority, AuthorityPublic, DEFAULT_EDGE_SIGNATURE, DEFAULT_KEM, EdgeKeys, EdgeWarrant,
    MAX_IDENTITY_LEN, PseudonymBatch, PseudonymKeys,
};
use crate::cert::StatusList;
use crate::error::{Error, Result};
use crate::pki::{STATUS_VALIDITY_MS, mkdir, write_file};
use crate::trust::read;

const AUTHORITY_KEY: &str = "authority.key";
const AUTHORITY_DB: &str = "authority.db";
/// The trust file edges and vehicles hold.
pub const AUTHORITY_PUB: &str = "authority.pub";
/// The revocation list file edges and vehicles hold.
pub const REVOCATIONS: &str = "revocations.list";

/// Whether a vehicle identity can be stored in `authority.db`: 1–64
/// printable ASCII characters without spaces.
fn valid_identity(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_IDENTITY_LEN && id.bytes().all(|b| b.is_ascii_graphic())
}

/// One hour: pseudonym validity windows start on hour boundaries.
pub const GRID_MS: u64 = 3_600_000;

/// A batch of `count` pseudonyms for `applications`, all valid at once for
/// `hours` from the start of the current hour. Windows on a shared grid keep
/// them unlinkable: every vehicle enrolled in the same hour has the same
/// window, while a window starting at the enrollment's millisecond would
/// tie a vehicle's pseudonyms together.
pub fn batch_on_grid(count: usize, applications: &[&str], now: u64, hours: u64) -> PseudonymBatch {
    let mut batch = PseudonymBatch::new(
        count,
        applications,
        now - now % GRID_MS,
        hours.max(1).saturating_mul(GRID_MS),
    );
    batch.period_ms = 0;
    batch
}

/// What the holder of a serial is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// an edge's warrant
    Edge,
    /// one of a vehicle's pseudonyms
    Vehicle,
}

impl Holder {
    /// Its word in `authority.db` and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Holder::Edge => "edge",
            Holder::Vehicle => "vehicle",
        }
    }
}

/// One line of `authority.db`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// edge or vehicle
    pub holder: Holder,
    /// the warrant's or pseudonym's serial
    pub serial: u64,
    /// the edge's name or the vehicle's identity
    pub name: String,
    /// end of validity, unix ms
    pub not_after: u64,
    /// whether it is on the revocation list
    pub revoked: bool,
}

/// The road authority's directory.
pub struct AuthorityDir {
    path: PathBuf,
    authority: Authority,
}

impl AuthorityDir {
    /// Creates an authority named `name` with default algorithms in `path`
    /// (which must not hold one yet), and publishes an empty revocation list.
    pub fn init(path: &Path, name: &str, now: u64) -> Result<AuthorityDir> {
        if path.join(AUTHORITY_KEY).exists() {
            return Err(Error::Config(format!(
                "{} already holds an authority; choose another --dir",
                path.display()
            )));
        }
        let authority = Authority::generate_default(name)?;
        mkdir(&path.join("public"))?;
        write_file(&path.join(AUTHORITY_KEY), &authority.encode(), true)?;
        write_file(&path.join(AUTHORITY_DB), b"", true)?;
        write_file(
            &path.join("public").join(AUTHORITY_PUB),
            &authority.public().encode(),
            false,
        )?;
        let dir = AuthorityDir {
            path: path.to_path_buf(),
            authority,
        };
        dir.publish(now, 1)?;
        Ok(dir)
    }

    /// Opens an existing authority directory.
    pub fn open(path: &Path) -> Result<AuthorityDir> {
        let key = path.join(AUTHORITY_KEY);
        if !key.exists() {
            return Err(Error::Config(format!(
                "{} holds no authority; create one with `agilis authority init --dir {}`",
                path.display(),
                path.display()
            )));
        }
        Ok(AuthorityDir {
            path: path.to_path_buf(),
            authority: Authority::decode(&read(&key)?)?,
        })
    }

    /// The authority.
    pub fn authority(&self) -> &Authority {
        &self.authority
    }

    /// The directory edges and vehicles copy their trust from.
    pub fn public_dir(&self) -> PathBuf {
        self.path.join("public")
    }

    /// The current revocation list.
    pub fn revocation_list(&self) -> Result<StatusList> {
        StatusList::decode(&read(&self.public_dir().join(REVOCATIONS))?)
    }

    /// Every serial issued so far.
    pub fn issued(&self) -> Result<Vec<Issued>> {
        let text = String::from_utf8(read(&self.path.join(AUTHORITY_DB))?)
            .map_err(|_| Error::Config("authority.db is not text".into()))?;
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let bad = || Error::Config(format!("authority.db: bad line `{l}`"));
                let f: Vec<&str> = l.split(' ').collect();
                let [holder, serial, name, not_after, state] = f.as_slice() else {
                    return Err(bad());
                };
                Ok(Issued {
                    holder: match *holder {
                        "edge" => Holder::Edge,
                        "vehicle" => Holder::Vehicle,
                        _ => return Err(bad()),
                    },
                    serial: serial.parse().map_err(|_| bad())?,
                    name: name.to_string(),
                    not_after: not_after.parse().map_err(|_| bad())?,
                    revoked: match *state {
                        "valid" => false,
                        "revoked" => true,
                        _ => return Err(bad()),
                    },
                })
            })
            .collect()
    }

    fn save(&self, issued: &[Issued]) -> Result<()> {
        let mut s = String::new();
        for i in issued {
            let holder = i.holder.as_str();
            let state = if i.revoked { "revoked" } else { "valid" };
            let _ = writeln!(
                s,
                "{holder} {} {} {} {state}",
                i.serial, i.name, i.not_after
            );
        }
        write_file(&self.path.join(AUTHORITY_DB), s.as_bytes(), true)
    }

    fn publish(&self, now: u64, number: u64) -> Result<StatusList> {
        let revoked = self
            .issued()?
            .into_iter()
            .filter(|i| i.revoked)
            .map(|i| i.serial)
            .collect();
        let list = self.authority.revocation_list(
            number,
            now,
            now.saturating_add(STATUS_VALIDITY_MS),
            revoked,
        )?;
        write_file(&self.public_dir().join(REVOCATIONS), &list.encode(), false)?;
        Ok(list)
    }

    /// Signs a fresh revocation list (same revocations, new validity).
    pub fn refresh(&self, now: u64) -> Result<StatusList> {
        let number = self.revocation_list().map(|l| l.number + 1).unwrap_or(1);
        self.publish(now, number)
    }

    fn copy_trust(&self, out: &Path) -> Result<()> {
        let trust = out.join("trust");
        mkdir(&trust)?;
        for f in [AUTHORITY_PUB, REVOCATIONS] {
            write_file(&trust.join(f), &read(&self.public_dir().join(f))?, false)?;
        }
        Ok(())
    }

    /// Enrolls the edge `name` for `applications` with fresh keys (default
    /// algorithms) into the edge directory `out`.
    pub fn enroll_edge(
        &self,
        name: &str,
        applications: &[&str],
        validity_ms: u64,
        now: u64,
        out: &Path,
    ) -> Result<EdgeWarrant> {
        let mut issued = self.issued()?;
        if issued
            .iter()
            .any(|i| i.holder == Holder::Edge && i.name == name && !i.revoked)
        {
            return Err(Error::Config(format!(
                "edge `{name}` is already enrolled; revoke it first (`agilis authority revoke --edge {name}`)"
            )));
        }
        let keys = EdgeKeys::generate(DEFAULT_EDGE_SIGNATURE, DEFAULT_KEM)?;
        let warrant = self.authority.enroll_edge(
            name,
            applications,
            now,
            now.saturating_add(validity_ms),
            &keys,
        )?;
        mkdir(out)?;
        write_file(&out.join("edge.keys"), &keys.encode(), true)?;
        write_file(&out.join("edge.warrant"), &warrant.encode(), false)?;
        self.copy_trust(out)?;
        issued.push(Issued {
            holder: Holder::Edge,
            serial: warrant.serial,
            name: name.to_string(),
            not_after: warrant.not_after,
            revoked: false,
        });
        self.save(&issued)?;
        Ok(warrant)
    }

    /// Issues a batch of pseudonyms for the vehicle `identity` into the
    /// vehicle directory `out` (added to any pseudonyms already there).
    pub fn enroll_vehicle(
        &self,
        identity: &str,
        batch: &PseudonymBatch,
        out: &Path,
    ) -> Result<Vec<PseudonymKeys>> {
        if !valid_identity(identity) {
            return Err(Error::Config(format!(
                "vehicle identity `{identity}` must be 1–{MAX_IDENTITY_LEN} printable ASCII characters without spaces"
            )));
        }
        let mut issued = self.issued()?;
        if issued
            .iter()
            .any(|i| i.holder == Holder::Vehicle && i.name == identity && i.revoked)
        {
            return Err(Error::Config(format!(
                "vehicle `{identity}` is revoked; it gets no new pseudonyms"
            )));
        }
        let keys = PseudonymKeys::issue_batch(&self.authority, identity.as_bytes(), batch)?;
        let dir = out.join("pseudonyms");
        mkdir(&dir)?;
        let first = VehicleDir::pseudonym_count(out)?;
        for (i, k) in keys.iter().enumerate() {
            write_file(
                &dir.join(format!("{:04}.keys", first + i)),
                &k.encode(),
                true,
            )?;
            issued.push(Issued {
                holder: Holder::Vehicle,
                serial: k.credential.serial,
                name: identity.to_string(),
                not_after: k.credential.not_after,
                revoked: false,
            });
        }
        self.copy_trust(out)?;
        self.save(&issued)?;
        Ok(keys)
    }

    /// Revokes every serial of the edge or vehicle `name` and publishes a
    /// new revocation list. Returns the list and how many serials it added.
    pub fn revoke(&self, holder: Holder, name: &str, now: u64) -> Result<(StatusList, usize)> {
        let mut issued = self.issued()?;
        let mut found = 0;
        let mut added = 0;
        for i in issued
            .iter_mut()
            .filter(|i| i.holder == holder && i.name == name)
        {
            found += 1;
            added += usize::from(!i.revoked);
            i.revoked = true;
        }
        if found == 0 {
            let what = holder.as_str();
            return Err(Error::Config(format!(
                "no {what} `{name}` was enrolled by this authority"
            )));
        }
        self.save(&issued)?;
        Ok((self.refresh(now)?, added))
    }

    /// Opens the identity escrow of a pseudonym credential (as an edge
    /// logged it): the identity of the vehicle behind a disputed handover.
    pub fn trace(&self, credential: &[u8]) -> Result<String> {
        let id = self.authority.trace(credential)?;
        Ok(String::from_utf8_lossy(&id).into_owned())
    }
}

/// An edge's directory: its warrant, keys and trust.
pub struct EdgeDir {
    /// the warrant
    pub warrant: EdgeWarrant,
    /// the keys it certifies
    pub keys: EdgeKeys,
    /// the authority it trusts
    pub authority: AuthorityPublic,
    /// the revocation list it was given
    pub revocations: StatusList,
}

impl EdgeDir {
    /// Loads `DIR/edge.warrant`, `DIR/edge.keys` and `DIR/trust/`.
    pub fn load(dir: &Path) -> Result<EdgeDir> {
        let trust = dir.join("trust");
        Ok(EdgeDir {
            warrant: EdgeWarrant::decode(&read(&dir.join("edge.warrant"))?)?,
            keys: EdgeKeys::decode(&read(&dir.join("edge.keys"))?)?,
            authority: AuthorityPublic::decode(&read(&trust.join(AUTHORITY_PUB))?)?,
            revocations: StatusList::decode(&read(&trust.join(REVOCATIONS))?)?,
        })
    }
}

/// A vehicle's directory: its pseudonyms, which it uses one per handover,
/// and the sequence numbers it used under each.
pub struct VehicleDir {
    path: PathBuf,
    /// the authority it trusts
    pub authority: AuthorityPublic,
    /// the revocation list it was given
    pub revocations: StatusList,
}

impl VehicleDir {
    /// Opens `dir` (it must hold pseudonyms and `trust/`).
    pub fn open(dir: &Path) -> Result<VehicleDir> {
        if VehicleDir::pseudonym_count(dir)? == 0 {
            return Err(Error::Config(format!(
                "{} holds no pseudonyms; enroll the vehicle with `agilis authority enroll-vehicle --out {}`",
                dir.display(),
                dir.display()
            )));
        }
        let trust = dir.join("trust");
        Ok(VehicleDir {
            path: dir.to_path_buf(),
            authority: AuthorityPublic::decode(&read(&trust.join(AUTHORITY_PUB))?)?,
            revocations: StatusList::decode(&read(&trust.join(REVOCATIONS))?)?,
        })
    }

    fn pseudonym_count(dir: &Path) -> Result<usize> {
        let p = dir.join("pseudonyms");
        if !p.exists() {
            return Ok(0);
        }
        let entries =
            std::fs::read_dir(&p).map_err(|e| Error::Io(format!("{}: {e}", p.display())))?;
        Ok(entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".keys"))
            .count())
    }

    fn state(&self) -> Result<Vec<(usize, u64)>> {
        let p = self.path.join("state");
        if !p.exists() {
            return Ok(Vec::new());
        }
        let text = String::from_utf8(read(&p)?)
            .map_err(|_| Error::Config(format!("{} is not text", p.display())))?;
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let bad = || Error::Config(format!("{}: bad line `{l}`", p.display()));
                let (i, s) = l.split_once(' ').ok_or_else(bad)?;
                Ok((i.parse().map_err(|_| bad())?, s.parse().map_err(|_| bad())?))
            })
            .collect()
    }

    /// The next pseudonym to use at `now` and its sequence number, recorded
    /// as used. A pseudonym is used once while unused valid ones remain (two
    /// handovers under one pseudonym are linkable); after that, the valid one
    /// used least is reused with the next sequence number. Returns also
    /// whether it is a reuse.
    pub fn take_pseudonym(&self, now: u64) -> Result<(PseudonymKeys, u64, bool)> {
        let mut state = self.state()?;
        let count = VehicleDir::pseudonym_count(&self.path)?;
        let mut best: Option<(PseudonymKeys, usize, u64)> = None;
        for index in 0..count {
            let file = self
                .path
                .join("pseudonyms")
                .join(format!("{index:04}.keys"));
            let keys = PseudonymKeys::decode(&read(&file)?)?;
            if keys.credential.check_validity(now).is_err() {
                continue;
            }
            let seq = state
                .iter()
                .find(|(i, _)| *i == index)
                .map(|(_, s)| *s)
                .unwrap_or(0);
            if best.as_ref().is_none_or(|(_, _, s)| seq < *s) {
                best = Some((keys, index, seq));
            }
            if seq == 0 {
                break;
            }
        }
        let Some((keys, index, seq)) = best else {
            return Err(Error::Config(format!(
                "no pseudonym in {} is valid now; ask the authority for a new batch (`agilis authority enroll-vehicle`)",
                self.path.display()
            )));
        };
        match state.iter_mut().find(|(i, _)| *i == index) {
            Some(entry) => entry.1 = seq + 1,
            None => state.push((index, seq + 1)),
        }
        let mut s = String::new();
        for (i, n) in &state {
            let _ = writeln!(s, "{i} {n}");
        }
        write_file(&self.path.join("state"), s.as_bytes(), false)?;
        Ok((keys, seq, seq > 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonym_windows_sit_on_the_shared_grid() {
        let t = 1_795_000_000_000;
        let a = batch_on_grid(5, &["video"], t + 1, 24);
        let b = batch_on_grid(5, &["video"], t + GRID_MS / 2, 24);
        assert_eq!(a.not_before, b.not_before, "same hour, same window");
        assert_eq!(a.not_before % GRID_MS, 0);
        assert!(a.not_before <= t + 1);
        assert_eq!((a.period_ms, a.lifetime_ms), (0, 24 * GRID_MS));
    }

    #[test]
    fn a_vehicle_rotates_pseudonyms_then_reuses_the_least_used() {
        let tmp = tempfile::tempdir().unwrap();
        let now = crate::now_ms();
        let auth = AuthorityDir::init(&tmp.path().join("auth"), "t", now).unwrap();
        let car = tmp.path().join("car");
        auth.enroll_vehicle("VIN-1", &batch_on_grid(2, &["video"], now, 2), &car)
            .unwrap();
        let dir = VehicleDir::open(&car).unwrap();
        let (a, seq_a, reused_a) = dir.take_pseudonym(now).unwrap();
        let (b, seq_b, reused_b) = dir.take_pseudonym(now).unwrap();
        assert_ne!(a.credential.serial, b.credential.serial);
        assert_eq!((seq_a, reused_a, seq_b, reused_b), (0, false, 0, false));
        let (c, seq_c, reused_c) = dir.take_pseudonym(now).unwrap();
        assert!(
            reused_c && seq_c == 1,
            "batch used up: reuse with the next sequence number"
        );
        assert!([a.credential.serial, b.credential.serial].contains(&c.credential.serial));
        // Revoking the vehicle lists its whole batch.
        let (list, added) = auth.revoke(Holder::Vehicle, "VIN-1", now).unwrap();
        assert_eq!(added, 2);
        assert!(list.is_revoked(a.credential.serial) && list.is_revoked(b.credential.serial));
        assert!(
            auth.enroll_vehicle("VIN-1", &batch_on_grid(1, &["video"], now, 2), &car)
                .is_err()
        );
    }
}

//! The authority's signed revocation list as edges and vehicles hold it:
//! verified once when installed, swappable at run time, checked for
//! freshness at every use.

use std::sync::RwLock;

use super::authority::AuthorityPublic;
use crate::cert::StatusList;
use crate::error::{Error, Result};

/// A verified revocation list of one authority. Share it (`Arc`) between
/// the edges or vehicles that use it; [`RevocationList::replace`] installs a
/// newer list for all of them.
#[derive(Debug)]
pub struct RevocationList {
    authority: AuthorityPublic,
    list: RwLock<StatusList>,
}

impl RevocationList {
    /// Verifies `list` under `authority` and holds it.
    pub fn new(authority: &AuthorityPublic, list: StatusList) -> Result<RevocationList> {
        list.verify_key(authority.sig_alg, &authority.sig_public_key)?;
        Ok(RevocationList {
            authority: authority.clone(),
            list: RwLock::new(list),
        })
    }

    /// Installs a newer list (verified; its number must not be lower than the current one's).
    pub fn replace(&self, list: StatusList) -> Result<()> {
        list.verify_key(self.authority.sig_alg, &self.authority.sig_public_key)?;
        let mut cur = self.list.write().unwrap_or_else(|p| p.into_inner());
        if list.number < cur.number {
            return Err(Error::Config(format!(
                "revocation list {} is older than the installed list {}",
                list.number, cur.number
            )));
        }
        *cur = list;
        Ok(())
    }

    /// The installed list's number.
    pub fn number(&self) -> u64 {
        self.list.read().unwrap_or_else(|p| p.into_inner()).number
    }

    /// Fails if the list is stale at `now` ([`Error::StatusListExpired`]) or
    /// lists `serial` ([`Error::Revoked`], naming `what`).
    pub fn check(&self, what: &'static str, serial: u64, now: u64) -> Result<()> {
        let list = self.list.read().unwrap_or_else(|p| p.into_inner());
        if now > list.next_update {
            return Err(Error::StatusListExpired {
                next_update: list.next_update,
            });
        }
        if list.is_revoked(serial) {
            return Err(Error::Revoked { what, serial });
        }
        Ok(())
    }
}

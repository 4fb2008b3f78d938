//! `--profile` and `--withdraw`, shared by `agilis suites` and `agilis demo`:
//! the registry after withdrawals, read through an optional profile.

use agilis_suites::profile::{self, Profile, ProfileReport};
use agilis_suites::registry::{Registry, Withdrawal};
use agilis_suites::{Algorithm, Family, Kind};
use clap::Args;

use crate::Failure;

#[derive(Args)]
pub struct PolicyArgs {
    /// Only what this profile allows (anchor, vehicle, constrained), in its order of preference.
    /// Default: every available suite.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Withdraw a family (e.g. module-lattice) or an algorithm (e.g. x25519) first. Repeatable.
    #[arg(long, value_name = "FAMILY_OR_ALG")]
    withdraw: Vec<String>,
}

/// The registry after the requested withdrawals, and the chosen profile.
pub struct Policy {
    pub registry: Registry,
    pub profile: Option<&'static Profile>,
}

impl PolicyArgs {
    pub fn resolve(&self) -> Result<Policy, Failure> {
        let mut registry = Registry::new();
        for w in &self.withdraw {
            let what = Withdrawal::parse(w).map_err(|_| {
                Failure::BadInput(format!(
                    "cannot withdraw `{w}`: not a family ({}) nor a registered algorithm",
                    Family::ALL.map(|f| f.as_str()).join(", ")
                ))
            })?;
            registry.withdraw(what);
        }
        let profile = self
            .profile
            .as_deref()
            .map(profile::by_name)
            .transpose()
            .map_err(Failure::from)?;
        Ok(Policy { registry, profile })
    }
}

impl Policy {
    /// What may be used of `kind`: the profile's allowed list, or every available algorithm.
    pub fn allowed(&self, kind: Kind) -> Vec<&'static Algorithm> {
        match self.profile {
            Some(p) => p.allowed(&self.registry, kind),
            None => self
                .registry
                .available()
                .filter(|a| a.kind == kind)
                .collect(),
        }
    }

    /// The profile's report of what withdrawals changed, if a profile was chosen.
    pub fn report(&self) -> Option<ProfileReport> {
        self.profile.map(|p| p.report(&self.registry))
    }
}

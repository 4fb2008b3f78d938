//! Profiles: named policy bundles that say which suites a deployment may
//! use, in which order of preference, and how strictly.
//!
//! | profile | for | min. category | hybrid must span two families |
//! |---|---|---|---|
//! | `anchor` | links between network security anchors | 3 | yes |
//! | `vehicle` | vehicle-to-edge handover | 1 | yes |
//! | `constrained` | 8- and 32-bit devices | 1 | no |
//!
//! A profile is read against a [`Registry`]: what policy has withdrawn is
//! gone from every answer. Where a hybrid lost one component, a strict
//! profile drops it; a lenient one (`constrained`) falls back to the
//! surviving component, and [`Profile::report`] says so.

use alloc::vec::Vec;

use crate::registry::{self, Registry, codepoint as cp};
use crate::{Algorithm, Error, Kind, Result};

/// A named policy bundle.
#[derive(Debug, PartialEq, Eq)]
pub struct Profile {
    /// `anchor`, `vehicle` or `constrained`.
    pub name: &'static str,
    /// One line on what it is for.
    pub description: &'static str,
    /// Lowest NIST category admitted.
    pub min_category: u8,
    /// Whether KEMs and signatures must be hybrids over two distinct families.
    pub require_two_families: bool,
    /// Whether every KEM and signature must resist a quantum adversary.
    pub require_post_quantum: bool,
    /// KEM code points, most preferred first.
    pub kem: &'static [u16],
    /// Signature code points, most preferred first.
    pub signature: &'static [u16],
    /// AEAD code points, most preferred first.
    pub aead: &'static [u16],
    /// KDF code points, most preferred first.
    pub kdf: &'static [u16],
}

/// The built-in profiles.
pub static PROFILES: &[Profile] = &[
    Profile {
        name: "anchor",
        description: "anchor-to-anchor links: category 3 or more, every KEM and signature a hybrid over two families",
        min_category: 3,
        require_two_families: true,
        require_post_quantum: true,
        kem: &[
            cp::ML_KEM_1024_HQC_256,
            cp::ML_KEM_1024_X25519,
            cp::HQC_256_X25519,
            cp::X_WING,
        ],
        signature: &[
            cp::ML_DSA_87_SLH_DSA_SHAKE_256F,
            cp::ML_DSA_65_ED25519,
            cp::SLH_DSA_SHAKE_256F_ED25519,
        ],
        aead: &[cp::AES_256_GCM, cp::CHACHA20_POLY1305],
        kdf: &[cp::HKDF_SHA384],
    },
    Profile {
        name: "vehicle",
        description: "vehicle-to-edge handover: small, fast hybrids over two families",
        min_category: 1,
        require_two_families: true,
        require_post_quantum: true,
        // The last entries are heavy but hold without elliptic curves.
        kem: &[
            cp::X_WING,
            cp::ML_KEM_512_X25519,
            cp::HQC_256_X25519,
            cp::ML_KEM_1024_HQC_256,
        ],
        signature: &[
            cp::FALCON_512_ED25519,
            cp::ML_DSA_44_ED25519,
            cp::ML_DSA_65_ED25519,
            cp::ML_DSA_87_SLH_DSA_SHAKE_256F,
        ],
        aead: &[cp::ASCON_AEAD128, cp::AES_256_GCM, cp::CHACHA20_POLY1305],
        kdf: &[cp::HKDF_SHA256, cp::ASCON_KDF128],
    },
    Profile {
        name: "constrained",
        description: "8- and 32-bit devices: lightweight suites; a hybrid that loses a family falls back to the survivor",
        min_category: 1,
        require_two_families: false,
        require_post_quantum: false,
        kem: &[cp::ML_KEM_512_X25519, cp::ML_KEM_512, cp::X25519],
        signature: &[cp::FALCON_512_ED25519, cp::ML_DSA_44_ED25519, cp::ED25519],
        aead: &[cp::ASCON_AEAD128, cp::CHACHA20_POLY1305],
        kdf: &[cp::ASCON_KDF128, cp::HKDF_SHA256],
    },
];

/// Looks a profile up by name.
pub fn by_name(name: &str) -> Result<&'static Profile> {
    PROFILES
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .ok_or(Error::UnknownProfile)
}

/// What became of one entry of a profile after withdrawals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A hybrid lost a component; the profile now uses the survivor alone (one family).
    FellBack {
        /// the hybrid as listed in the profile
        hybrid: &'static Algorithm,
        /// the component still in use
        to: &'static Algorithm,
    },
    /// The entry is gone and nothing replaces it.
    Removed(&'static Algorithm),
}

/// A profile read against a registry: what it allows now and what changed.
#[derive(Debug, Clone)]
pub struct ProfileReport {
    /// The profile.
    pub profile: &'static Profile,
    /// For each kind, the allowed algorithms in order of preference.
    pub allowed: [(Kind, Vec<&'static Algorithm>); 4],
    /// Entries that fell back or were removed by withdrawals.
    pub changes: Vec<Outcome>,
}

impl ProfileReport {
    /// Kinds for which nothing is left: a session under this profile cannot be made.
    pub fn empty_kinds(&self) -> impl Iterator<Item = Kind> + '_ {
        self.allowed
            .iter()
            .filter(|(_, v)| v.is_empty())
            .map(|(k, _)| *k)
    }
}

impl Profile {
    /// The preference list for `kind`.
    pub fn preferences(&self, kind: Kind) -> &'static [u16] {
        match kind {
            Kind::Kem => self.kem,
            Kind::Signature => self.signature,
            Kind::Aead => self.aead,
            Kind::Kdf => self.kdf,
        }
    }

    /// Whether the profile's rules admit `alg` (withdrawals aside).
    pub fn admits(&self, alg: &Algorithm) -> bool {
        let asymmetric = matches!(alg.kind, Kind::Kem | Kind::Signature);
        alg.category >= self.min_category
            && !(asymmetric && self.require_two_families && !alg.spans_two_families())
            && !(asymmetric && self.require_post_quantum && !alg.post_quantum)
    }

    /// The algorithms of `kind` this profile allows under `registry`, most preferred first.
    pub fn allowed(&self, registry: &Registry, kind: Kind) -> Vec<&'static Algorithm> {
        self.walk(registry, kind, &mut Vec::new())
    }

    /// Everything the profile allows under `registry`, and what withdrawals changed.
    pub fn report(&'static self, registry: &Registry) -> ProfileReport {
        let mut changes = Vec::new();
        let allowed = Kind::ALL.map(|k| (k, self.walk(registry, k, &mut changes)));
        ProfileReport {
            profile: self,
            allowed,
            changes,
        }
    }

    fn walk(
        &self,
        registry: &Registry,
        kind: Kind,
        changes: &mut Vec<Outcome>,
    ) -> Vec<&'static Algorithm> {
        let mut out: Vec<&'static Algorithm> = Vec::new();
        let mut push = |a: &'static Algorithm| {
            if !out.contains(&a) {
                out.push(a);
            }
        };
        for alg in self
            .preferences(kind)
            .iter()
            .filter_map(|&c| registry::by_codepoint(c).ok())
        {
            if registry.is_available(alg) {
                if self.admits(alg) {
                    push(alg);
                }
                continue;
            }
            let survivors: Vec<_> = alg
                .component_algorithms()
                .filter(|c| registry.is_available(c) && self.admits(c))
                .collect();
            if survivors.is_empty() {
                changes.push(Outcome::Removed(alg));
            }
            for to in survivors {
                changes.push(Outcome::FellBack { hybrid: alg, to });
                push(to);
            }
        }
        out
    }

    /// The most preferred allowed algorithm of `kind` that `peer` also offers.
    pub fn select(
        &self,
        registry: &Registry,
        kind: Kind,
        peer: &[u16],
    ) -> Option<&'static Algorithm> {
        self.allowed(registry, kind)
            .into_iter()
            .find(|a| peer.contains(&a.codepoint))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Family;
    use crate::registry::Withdrawal;

    #[test]
    fn every_profile_entry_is_registered_and_admitted() {
        let reg = Registry::new();
        for p in PROFILES {
            for kind in Kind::ALL {
                for &c in p.preferences(kind) {
                    let alg = registry::by_codepoint(c).unwrap();
                    assert_eq!(
                        alg.kind, kind,
                        "{}: {} listed under {kind}",
                        p.name, alg.name
                    );
                    assert!(
                        p.admits(alg),
                        "{}: lists {} which its own rules refuse",
                        p.name,
                        alg.name
                    );
                }
                assert_eq!(p.allowed(&reg, kind).len(), p.preferences(kind).len());
            }
            assert!(p.report(&reg).changes.is_empty());
        }
    }

    #[test]
    fn anchor_refuses_single_family_suites() {
        let anchor = by_name("anchor").unwrap();
        for a in registry::of_kind(Kind::Kem).chain(registry::of_kind(Kind::Signature)) {
            if !a.is_hybrid() {
                assert!(!anchor.admits(a), "{}", a.name);
            }
        }
    }

    #[test]
    fn strict_profile_drops_and_lenient_profile_falls_back() {
        let mut reg = Registry::new();
        reg.withdraw(Withdrawal::Family(Family::EllipticCurve));
        let vehicle = by_name("vehicle").unwrap().report(&reg);
        assert!(
            vehicle
                .changes
                .iter()
                .any(|o| matches!(o, Outcome::Removed(a) if a.name == "x-wing"))
        );
        let names = |v: &[&Algorithm]| v.iter().map(|a| a.name).collect::<Vec<_>>();
        assert_eq!(names(&vehicle.allowed[0].1), ["ml-kem-1024+hqc-256"]);
        assert_eq!(
            names(&vehicle.allowed[1].1),
            ["ml-dsa-87+slh-dsa-shake-256f"]
        );
        assert_eq!(vehicle.empty_kinds().count(), 0);
        let constrained = by_name("constrained").unwrap().report(&reg);
        assert!(constrained.changes.iter().any(
            |o| matches!(o, Outcome::FellBack { hybrid, to } if hybrid.name == "ml-kem-512+x25519" && to.name == "ml-kem-512")
        ));
        assert_eq!(names(&constrained.allowed[0].1), ["ml-kem-512"]);
    }

    #[test]
    fn anchor_survives_a_lattice_break_and_reports_an_empty_kind() {
        let names = |v: &[&Algorithm]| v.iter().map(|a| a.name).collect::<Vec<_>>();
        let anchor = by_name("anchor").unwrap();
        let mut reg = Registry::new();
        reg.withdraw(Withdrawal::Family(Family::ModuleLattice));
        assert_eq!(names(&anchor.allowed(&reg, Kind::Kem)), ["hqc-256+x25519"]);
        assert_eq!(
            names(&anchor.allowed(&reg, Kind::Signature)),
            ["slh-dsa-shake-256f+ed25519"]
        );
        // then hash functions too: no KDF and no signature is left for anchors
        reg.withdraw(Withdrawal::parse("hash-based").unwrap());
        let report = anchor.report(&reg);
        assert_eq!(
            report.empty_kinds().collect::<Vec<_>>(),
            [Kind::Signature, Kind::Kdf]
        );
        assert!(
            report
                .changes
                .iter()
                .all(|o| matches!(o, Outcome::Removed(_)))
        );
    }

    #[test]
    fn select_takes_our_preference_among_the_peers_offers() {
        let reg = Registry::new();
        let anchor = by_name("anchor").unwrap();
        let peer = [cp::X_WING, cp::ML_KEM_1024_X25519, cp::ML_KEM_512];
        assert_eq!(
            anchor.select(&reg, Kind::Kem, &peer).unwrap().name,
            "ml-kem-1024+x25519"
        );
        assert_eq!(anchor.select(&reg, Kind::Kem, &[cp::ML_KEM_512]), None);
    }
}

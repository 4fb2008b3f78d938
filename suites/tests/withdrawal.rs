//! Withdrawal: a withdrawn family or algorithm disappears from every query,
//! together with everything built on it.

use agilis_suites::profile::{Outcome, PROFILES};
use agilis_suites::registry::{ALGORITHMS, Registry, Withdrawal, by_name};
use agilis_suites::{Error, Family, Kind};

fn rests_on(a: &agilis_suites::Algorithm, f: Family) -> bool {
    a.families.contains(&f) || a.component_algorithms().any(|c| c.families.contains(&f))
}

#[test]
fn withdrawing_a_family_removes_every_suite_that_depends_on_it() {
    for family in Family::ALL {
        let mut reg = Registry::new();
        let before = reg.generation();
        reg.withdraw(Withdrawal::Family(family));
        assert!(reg.generation() > before);
        let dependents: Vec<_> = ALGORITHMS.iter().filter(|a| rests_on(a, family)).collect();
        assert!(!dependents.is_empty(), "no algorithm rests on {family}");
        for a in &dependents {
            assert!(
                !reg.is_available(a),
                "{} survived the withdrawal of {family}",
                a.name
            );
            assert_eq!(reg.get(a.codepoint), Err(Error::Withdrawn));
        }
        for a in reg.available() {
            assert!(
                !rests_on(a, family),
                "{} rests on withdrawn {family}",
                a.name
            );
        }
        // everything else is untouched
        assert_eq!(
            reg.available().count() + dependents.len(),
            ALGORITHMS.len(),
            "{family}"
        );
        for p in PROFILES {
            for kind in Kind::ALL {
                for a in p.allowed(&reg, kind) {
                    assert!(
                        !rests_on(a, family),
                        "profile {} still allows {} after {family} withdrawn",
                        p.name,
                        a.name
                    );
                }
            }
        }
    }
}

#[test]
fn withdrawing_an_algorithm_takes_its_hybrids_with_it() {
    let mut reg = Registry::new();
    reg.withdraw(Withdrawal::parse("ml-kem-768").unwrap());
    assert!(!reg.is_available(by_name("x-wing").unwrap()));
    assert!(reg.is_available(by_name("ml-kem-1024+x25519").unwrap()));
    assert!(reg.is_available(by_name("ml-kem-512").unwrap()));
    // withdrawing a hybrid leaves its components
    let mut reg = Registry::new();
    reg.withdraw(Withdrawal::parse("x-wing").unwrap());
    assert!(!reg.is_available(by_name("x-wing").unwrap()));
    assert!(
        reg.is_available(by_name("ml-kem-768").unwrap())
            && reg.is_available(by_name("x25519").unwrap())
    );
}

#[test]
fn withdrawal_names_parse_and_unknown_names_are_errors() {
    assert_eq!(
        Withdrawal::parse("Module_Lattice").unwrap(),
        Withdrawal::Family(Family::ModuleLattice)
    );
    assert!(matches!(
        Withdrawal::parse("x25519").unwrap(),
        Withdrawal::Algorithm(_)
    ));
    assert_eq!(Withdrawal::parse("rsa"), Err(Error::UnknownAlgorithm));
}

#[test]
fn lenient_profile_reports_fallbacks_strict_profiles_report_removals() {
    let mut reg = Registry::new();
    reg.withdraw(Withdrawal::Family(Family::ModuleLattice));
    for p in PROFILES {
        let report = p.report(&reg);
        for change in &report.changes {
            match change {
                Outcome::FellBack { hybrid, to } => {
                    assert!(!p.require_two_families, "{} must not fall back", p.name);
                    assert!(hybrid.components.contains(&to.codepoint));
                    assert!(reg.is_available(to) && !to.is_hybrid());
                }
                Outcome::Removed(a) => assert!(!reg.is_available(a)),
            }
        }
        let listed_unavailable = Kind::ALL
            .iter()
            .flat_map(|&k| p.preferences(k))
            .filter(|&&c| !reg.is_available(agilis_suites::registry::by_codepoint(c).unwrap()))
            .count();
        assert!(
            report.changes.len() >= listed_unavailable,
            "{}: every lost entry is reported",
            p.name
        );
    }
    // constrained: ml-kem-512+x25519 falls back to x25519; falcon-512+ed25519 is intact
    let c = agilis_suites::profile::by_name("constrained").unwrap();
    let kems: Vec<_> = c.allowed(&reg, Kind::Kem).iter().map(|a| a.name).collect();
    assert_eq!(kems, ["x25519"]);
    let sigs: Vec<_> = c
        .allowed(&reg, Kind::Signature)
        .iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(sigs, ["falcon-512+ed25519", "ed25519"]);
}

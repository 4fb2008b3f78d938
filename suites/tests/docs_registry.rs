//! docs/registry.md states every code point and profile; these tests fail
//! when the registry and the document drift apart.

use agilis_suites::Kind;
use agilis_suites::profile::PROFILES;
use agilis_suites::registry::{ALGORITHMS, by_codepoint};

fn doc() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/registry.md");
    std::fs::read_to_string(path).expect("docs/registry.md exists")
}

/// The table row docs/registry.md must hold for each algorithm.
fn algorithm_row(a: &agilis_suites::Algorithm) -> String {
    let families: Vec<_> = a.families.iter().map(|f| f.as_str()).collect();
    let components: Vec<_> = a.component_algorithms().map(|c| c.name).collect();
    format!(
        "| `{}` | `0x{:04x}` | {} | {} | {} | {} | {} |",
        a.name,
        a.codepoint,
        a.kind,
        families.join(" + "),
        a.category,
        if a.post_quantum { "yes" } else { "no" },
        if components.is_empty() {
            "—".to_string()
        } else {
            components.join(" + ")
        }
    )
}

fn profile_row(p: &agilis_suites::profile::Profile) -> String {
    let list = |k: Kind| {
        p.preferences(k)
            .iter()
            .map(|&c| by_codepoint(c).unwrap().name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let yn = |b: bool| if b { "yes" } else { "no" };
    format!(
        "| `{}` | {} | {} | {} | {} | {} | {} | {} |",
        p.name,
        p.min_category,
        yn(p.require_two_families),
        yn(p.require_post_quantum),
        list(Kind::Kem),
        list(Kind::Signature),
        list(Kind::Aead),
        list(Kind::Kdf)
    )
}

#[test]
fn every_code_point_is_documented_as_registered() {
    let doc = doc();
    let rows: Vec<&str> = doc
        .lines()
        .filter(|l| l.starts_with("| `") && l.contains("| `0x"))
        .collect();
    for a in ALGORITHMS {
        let row = algorithm_row(a);
        assert!(
            doc.lines().any(|l| l == row),
            "docs/registry.md lacks or misstates:\n{row}"
        );
    }
    assert_eq!(
        rows.len(),
        ALGORITHMS.len(),
        "docs/registry.md documents code points the registry lacks"
    );
}

#[test]
fn every_profile_is_documented_as_defined() {
    let doc = doc();
    for p in PROFILES {
        let row = profile_row(p);
        assert!(
            doc.lines().any(|l| l == row),
            "docs/registry.md lacks or misstates profile:\n{row}"
        );
    }
}

#[test]
fn code_points_and_names_are_unique() {
    for (i, a) in ALGORITHMS.iter().enumerate() {
        for b in &ALGORITHMS[i + 1..] {
            assert_ne!(a.codepoint, b.codepoint, "{} and {}", a.name, b.name);
            assert_ne!(a.name, b.name);
        }
        for c in a.component_algorithms() {
            assert_eq!(
                c.kind, a.kind,
                "{}: component {} of another kind",
                a.name, c.name
            );
            assert!(!c.is_hybrid(), "{}: nested hybrid", a.name);
        }
        assert_eq!(
            a.components.len(),
            a.component_algorithms().count(),
            "{}: unregistered component",
            a.name
        );
        if a.is_hybrid() {
            assert!(
                a.spans_two_families(),
                "{}: a hybrid must join two distinct families",
                a.name
            );
            let fams: Vec<_> = a
                .component_algorithms()
                .flat_map(|c| c.families.iter().copied())
                .collect();
            assert_eq!(
                fams, a.families,
                "{}: families must be the components'",
                a.name
            );
            let max = a.component_algorithms().map(|c| c.category).max().unwrap();
            assert_eq!(a.category, max, "{}", a.name);
        }
    }
}

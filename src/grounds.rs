//! Withholding-grounds tables: the built-in presets, merging a site's own
//! codes over them, and the slug each ground's page lives at.
//!
//! Presets are data files in `src/presets/`, compiled in, so that a regime is
//! a table rather than code: a site under another Act lists its codes in
//! `site.yaml` and needs nothing else.

use std::collections::HashMap;

use serde::Deserialize;

use crate::markers;
use crate::model::{Ground, GroundsConfig};

/// A preset file: a named table of grounds under one Act.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Preset {
    name: String,
    act: String,
    codes: Vec<Ground>,
}

/// Built-in presets by name, with their YAML source.
const PRESETS: &[(&str, &str)] = &[("nz-oia", include_str!("presets/nz-oia.yaml"))];

/// Names of the built-in presets, for messages and `annex init`.
pub fn preset_names() -> Vec<&'static str> {
    PRESETS.iter().map(|(name, _)| *name).collect()
}

/// The grounds of a built-in preset, each carrying its Act.
pub fn preset(name: &str) -> Option<Vec<Ground>> {
    let (_, source) = PRESETS.iter().find(|(n, _)| *n == name)?;
    // A broken built-in table is a bug in annex, caught by the tests below.
    let preset: Preset = crate::yaml::parse_document(source).ok()?;
    debug_assert_eq!(preset.name, name);
    Some(
        preset
            .codes
            .into_iter()
            .map(|mut g| {
                if g.act.is_empty() {
                    g.act = preset.act.clone();
                }
                g
            })
            .collect(),
    )
}

/// The full table for a site: the preset (if any), with the site's codes
/// replacing preset codes of the same canonical code and the rest appended.
/// Returns the unknown preset name as the error.
pub fn table(config: &GroundsConfig) -> Result<Vec<Ground>, String> {
    let mut grounds = match &config.preset {
        Some(name) => preset(name).ok_or_else(|| name.clone())?,
        None => Vec::new(),
    };
    for own in &config.codes {
        let key = key(&own.code);
        match grounds.iter_mut().find(|g| self::key(&g.code) == key) {
            Some(existing) => *existing = own.clone(),
            None => grounds.push(own.clone()),
        }
    }
    Ok(grounds)
}

/// The lookup key of a code: its canonical form when the marker grammar
/// knows the notation, else the code as written.
pub fn key(code: &str) -> String {
    markers::canonical(code).unwrap_or_else(|| code.trim().to_string())
}

/// Canonical code → index into the table.
pub fn index(grounds: &[Ground]) -> HashMap<String, usize> {
    grounds
        .iter()
        .enumerate()
        .map(|(i, g)| (key(&g.code), i))
        .collect()
}

/// The URL slug of a ground's page: `s9(2)(g)(i)` → `s9-2-g-i`.
pub fn ground_slug(code: &str) -> String {
    let mut slug = String::new();
    for c in code.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GroundTest;

    #[test]
    fn every_preset_parses_and_codes_are_canonical_and_unique() {
        for name in preset_names() {
            let grounds = preset(name).unwrap_or_else(|| panic!("preset {name} does not parse"));
            let idx = index(&grounds);
            assert_eq!(idx.len(), grounds.len(), "duplicate codes in {name}");
            for g in &grounds {
                assert!(
                    !g.label.is_empty() && !g.wording.is_empty(),
                    "{name}: {} lacks text",
                    g.code
                );
                assert!(!g.act.is_empty());
            }
        }
    }

    #[test]
    fn nz_oia_has_the_whole_table() {
        let g = preset("nz-oia").unwrap();
        let idx = index(&g);
        for code in [
            "s6(a)",
            "s6(b)(i)",
            "s6(b)(ii)",
            "s6(c)",
            "s6(d)",
            "s6(e)",
            "s6(e)(vi)",
            "s7(a)",
            "s9(2)(a)",
            "s9(2)(b)(ii)",
            "s9(2)(ba)(i)",
            "s9(2)(f)(iv)",
            "s9(2)(g)",
            "s9(2)(g)(i)",
            "s9(2)(k)",
            "s18(d)",
            "s18(h)",
            "Out of scope",
        ] {
            assert!(idx.contains_key(code), "missing {code}");
        }
        assert_eq!(g[idx["s6(a)"]].test, GroundTest::Conclusive);
        assert_eq!(g[idx["s9(2)(g)(i)"]].test, GroundTest::PublicInterest);
    }

    #[test]
    fn a_site_overrides_and_adds_codes() {
        let config = GroundsConfig {
            preset: Some("nz-oia".into()),
            codes: vec![
                Ground {
                    code: "s6(a)".into(),
                    section: "section 6(a)".into(),
                    label: "our label".into(),
                    wording: "w".into(),
                    test: GroundTest::Conclusive,
                    act: "OIA".into(),
                },
                Ground {
                    code: "(b)(6)".into(),
                    section: "5 U.S.C. 552(b)(6)".into(),
                    label: "personal privacy".into(),
                    wording: "w".into(),
                    test: GroundTest::Other,
                    act: "FOIA".into(),
                },
            ],
        };
        let t = table(&config).unwrap();
        let idx = index(&t);
        assert_eq!(t[idx["s6(a)"]].label, "our label");
        assert!(idx.contains_key("(b)(6)"));
        assert_eq!(
            table(&GroundsConfig {
                preset: Some("nope".into()),
                codes: vec![]
            }),
            Err("nope".into())
        );
    }

    #[test]
    fn slugs() {
        assert_eq!(ground_slug("s9(2)(g)(i)"), "s9-2-g-i");
        assert_eq!(ground_slug("Out of scope"), "out-of-scope");
        assert_eq!(ground_slug("(b)(7)(C)"), "b-7-c");
        assert_eq!(ground_slug("s6(a)"), "s6-a");
    }
}

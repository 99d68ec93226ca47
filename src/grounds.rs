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
const PRESETS: &[(&str, &str)] = &[
    ("nz-oia", include_str!("presets/nz-oia.yaml")),
    ("nz-lgoima", include_str!("presets/nz-lgoima.yaml")),
    ("us-foia", include_str!("presets/us-foia.yaml")),
    ("uk-foia", include_str!("presets/uk-foia.yaml")),
    ("au-foi", include_str!("presets/au-foi.yaml")),
];

/// How each preset's Act is named in letters, most specific first. The
/// LGOIMA's title contains the words "Official Information", so it must be
/// tried before the OIA; the two Freedom of Information Acts differ only by
/// year, and the US Act is named by its codification (5 U.S.C. 552).
const ACT_NAMES: &[(&str, &[&str])] = &[
    (
        "nz-lgoima",
        &[
            "local government official information and meetings act",
            "lgoima",
        ],
    ),
    ("nz-oia", &["official information act 1982"]),
    (
        "uk-foia",
        &[
            "freedom of information act 2000",
            "foi act 2000",
            "foia 2000",
        ],
    ),
    (
        "au-foi",
        &[
            "freedom of information act 1982",
            "foi act 1982",
            "foi act (cth)",
        ],
    ),
    (
        "us-foia",
        &[
            "5 u.s.c. 552",
            "5 u.s.c. § 552",
            "5 u.s.c. §552",
            "5 usc 552",
        ],
    ),
];

/// The built-in preset for the Act a letter names, if it names one. Every
/// mention of every known Act is counted (case and spacing ignored), so a
/// council's letter under the LGOIMA that also mentions the OIA once (for a
/// transfer) still picks the LGOIMA; a tie goes to the Act named first. A
/// mention of the OIA inside the LGOIMA's full title is not counted twice.
pub fn preset_for_act(text: &str) -> Option<&'static str> {
    let folded = fold_for_act_search(text);
    let mut best: Option<(usize, usize, &'static str)> = None; // (count, first, name)
    let mut claimed: Vec<std::ops::Range<usize>> = Vec::new();
    for (name, spellings) in ACT_NAMES {
        let mut count = 0;
        let mut first = usize::MAX;
        for spelling in *spellings {
            for (at, _) in folded.match_indices(spelling) {
                let span = at..at + spelling.len();
                if claimed
                    .iter()
                    .any(|c| c.start < span.end && span.start < c.end)
                {
                    continue;
                }
                count += 1;
                first = first.min(at);
                claimed.push(span);
            }
        }
        if count == 0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((c, f, _)) => count > c || (count == c && first < f),
        };
        if better {
            best = Some((count, first, name));
        }
    }
    best.map(|(_, _, name)| name)
}

/// Lowercases and collapses runs of whitespace (line breaks inside an Act's
/// title are common in extracted letters), so that one spelling matches.
fn fold_for_act_search(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    out
}

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
    fn every_preset_code_is_its_own_canonical_form() {
        for name in preset_names() {
            for g in preset(name).unwrap() {
                assert_eq!(
                    markers::canonical(&g.code).as_deref(),
                    Some(g.code.as_str()),
                    "{name}: {} is not recognised by the marker grammar",
                    g.code
                );
                assert_eq!(key(&g.code), g.code, "{name}: {} round trip", g.code);
                // Printed beside a redaction, the code is found by `scan`.
                let line = format!("withheld {} here", g.code);
                let found: Vec<String> = markers::scan(&line)
                    .into_iter()
                    .flat_map(|grp| grp.codes)
                    .map(|c| c.canonical)
                    .collect();
                assert_eq!(found, vec![g.code.clone()], "{name}: scan of {line:?}");
            }
        }
    }

    #[test]
    fn every_preset_names_its_act_and_covers_its_range() {
        let has = |name: &str, codes: &[&str]| {
            let g = preset(name).unwrap();
            let idx = index(&g);
            for code in codes {
                assert!(idx.contains_key(*code), "{name} lacks {code}");
            }
            g
        };
        let lg = has(
            "nz-lgoima",
            &[
                "s6(a)",
                "s6(b)",
                "s7(2)(a)",
                "s7(2)(b)(i)",
                "s7(2)(b)(ii)",
                "s7(2)(ba)",
                "s7(2)(c)(i)",
                "s7(2)(c)(ii)",
                "s7(2)(d)",
                "s7(2)(e)",
                "s7(2)(f)(i)",
                "s7(2)(f)(ii)",
                "s7(2)(g)",
                "s7(2)(h)",
                "s7(2)(i)",
                "s7(2)(j)",
                "s17(a)",
                "s17(d)",
                "s17(e)",
                "s17(f)",
                "s17(h)",
            ],
        );
        assert!(lg
            .iter()
            .all(|g| g.act == "Local Government Official Information and Meetings Act 1987"));
        let mut us: Vec<String> = (1..=9).map(|n| format!("(b)({n})")).collect();
        us.extend("ABCDEF".chars().map(|c| format!("(b)(7)({c})")));
        let us_refs: Vec<&str> = us.iter().map(String::as_str).collect();
        has("us-foia", &us_refs);
        let uk = has(
            "uk-foia",
            &[
                "s21(1)", "s22(1)", "s23(1)", "s24(1)", "s26(1)", "s27(1)", "s28(1)", "s29(1)",
                "s30(1)", "s31(1)", "s32(1)", "s33(2)", "s34(1)", "s35(1)", "s36(2)", "s37(1)",
                "s38(1)", "s39(1)", "s40(1)", "s40(2)", "s41(1)", "s42(1)", "s43(1)", "s43(2)",
                "s44(1)",
            ],
        );
        let uk_idx = index(&uk);
        assert_eq!(uk[uk_idx["s21(1)"]].test, GroundTest::Conclusive);
        assert_eq!(uk[uk_idx["s43(2)"]].test, GroundTest::PublicInterest);
        let au = has(
            "au-foi",
            &[
                "s33(a)(i)",
                "s33(b)",
                "s34(1)",
                "s37(1)(a)",
                "s38(1)",
                "s42(1)",
                "s45(1)",
                "s45A",
                "s46(a)",
                "s47(1)(a)",
                "s47A",
                "s47B",
                "s47C",
                "s47D",
                "s47E(d)",
                "s47F",
                "s47F(1)",
                "s47G(1)(a)",
                "s47H",
                "s47J",
            ],
        );
        let au_idx = index(&au);
        assert_eq!(au[au_idx["s33(a)(iii)"]].test, GroundTest::Conclusive);
        assert_eq!(au[au_idx["s47F"]].test, GroundTest::PublicInterest);
    }

    #[test]
    fn printed_notations_find_preset_codes() {
        let uk = index(&preset("uk-foia").unwrap());
        for printed in [
            "s.40(2)",
            "section 40(2)",
            "s 40(2)",
            "S40(2)",
            "[section 40(2)]",
        ] {
            assert!(uk.contains_key(&key(printed)), "{printed}");
        }
        let au = index(&preset("au-foi").unwrap());
        for printed in [
            "s 47F(1)",
            "s47F",
            "s. 47E(d)",
            "s 33(a)(iii)",
            "s 22(1)(a)(ii)",
        ] {
            assert!(au.contains_key(&key(printed)), "{printed}");
        }
        let us = index(&preset("us-foia").unwrap());
        for printed in ["(b)(6)", "(b)(7)(c)", "b6", "(b) (6)", "(b) (7)(C)", "b7C"] {
            assert!(us.contains_key(&key(printed)), "{printed}");
        }
        let lg = index(&preset("nz-lgoima").unwrap());
        for printed in ["s7(2)(a)", "s.7(2)(f)(i) LGOIMA", "section 7(2)(b)(ii)"] {
            assert!(lg.contains_key(&key(printed)), "{printed}");
        }
    }

    #[test]
    fn the_act_a_letter_names_picks_the_preset() {
        assert_eq!(
            preset_for_act(
                "in which you request the following under the Official Information Act 1982 (OIA):"
            ),
            Some("nz-oia")
        );
        assert_eq!(
            preset_for_act("Your request was considered under the Local Government\nOfficial Information and Meetings Act 1987 (LGOIMA). It was transferred under the Official Information Act 1982. Withheld under LGOIMA s7(2)(a)."),
            Some("nz-lgoima")
        );
        assert_eq!(
            preset_for_act(
                "We have handled your request under the Freedom of Information Act 2000 (the Act)."
            ),
            Some("uk-foia")
        );
        assert_eq!(
            preset_for_act("a decision under the Freedom of Information Act 1982 (FOI Act)"),
            Some("au-foi")
        );
        assert_eq!(
            preset_for_act("pursuant to the Freedom of Information Act (FOIA), 5 U.S.C. § 552."),
            Some("us-foia")
        );
        assert_eq!(preset_for_act("Dear Sir, thank you for your letter."), None);
        for name in preset_names() {
            assert!(
                ACT_NAMES.iter().any(|(n, _)| *n == name),
                "{name} has no Act names"
            );
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

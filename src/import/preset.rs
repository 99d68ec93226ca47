//! The grounds preset an import checks codes against, why it was chosen,
//! and the codes it does not know.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use super::SourceLine;
use crate::diagnostics::Diagnostic;
use crate::markers;

/// The grounds preset of an import and where the choice came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroundsChoice {
    pub preset: &'static str,
    pub source: GroundsSource,
}

/// Why a preset was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroundsSource {
    /// `--grounds NAME`.
    Option,
    /// The Act the cover letter names.
    Letter,
    /// The letter names no Act; the Act named elsewhere in the release
    /// (its page stamps, say).
    Release,
    /// Nothing names an Act a preset covers: the NZ OIA, annex's default.
    Default,
}

impl fmt::Display for GroundsChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.source {
            GroundsSource::Option => "chosen with --grounds",
            GroundsSource::Letter => "the Act the cover letter names",
            GroundsSource::Release => "the Act the release names (the cover letter names none)",
            GroundsSource::Default => "the default: the release names no Act that a preset covers",
        };
        write!(f, "{} ({why})", self.preset)
    }
}

/// The preset the default falls back to when nothing names an Act.
const DEFAULT_PRESET: &str = "nz-oia";

/// Checks a `--grounds` name: the built-in preset of that name, or an error
/// that lists the presets (and the nearest name, for a typo).
pub fn grounds_preset(name: &str) -> Result<&'static str, String> {
    let names = crate::grounds::preset_names();
    if let Some(found) = names.iter().find(|n| **n == name) {
        return Ok(found);
    }
    let near = crate::diagnostics::did_you_mean(name, names.iter().copied())
        .map(|n| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default();
    Err(format!(
        "unknown grounds preset `{name}`{near}; the presets are: {}",
        names.join(", ")
    ))
}

/// The grounds preset: the one `--grounds` names, else the one for the Act
/// the letter names, else the Act named anywhere in the release, else the
/// default.
pub fn choose_grounds(
    chosen: Option<&'static str>,
    lines: &[SourceLine],
    first_document: usize,
) -> GroundsChoice {
    match chosen {
        Some(preset) => GroundsChoice {
            preset,
            source: GroundsSource::Option,
        },
        None => {
            let named = |ls: &[SourceLine]| {
                crate::grounds::preset_for_act(
                    &ls.iter()
                        .map(|l| l.text.as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                )
            };
            match named(&lines[..first_document]) {
                Some(preset) => GroundsChoice {
                    preset,
                    source: GroundsSource::Letter,
                },
                None => match named(lines) {
                    Some(preset) => GroundsChoice {
                        preset,
                        source: GroundsSource::Release,
                    },
                    None => GroundsChoice {
                        preset: DEFAULT_PRESET,
                        source: GroundsSource::Default,
                    },
                },
            }
        }
    }
}

/// Codes the preset does not know, each reported once, where it first
/// appears, with the preset's closest codes and any other preset that
/// knows it. They are warnings: the content keeps the release's text as
/// printed, and `annex check` reports them as errors until `site.yaml`
/// lists them or names the right preset.
pub fn unknown_codes(
    path: &Path,
    lines: &[SourceLine],
    text: &str,
    groups: &[markers::Group],
    preset: &str,
) -> Vec<Diagnostic> {
    let table = crate::grounds::preset(preset).unwrap_or_default();
    let known = crate::grounds::index(&table);
    let mut seen: BTreeMap<&str, (usize, &markers::Code)> = BTreeMap::new();
    let mut order = Vec::new();
    for code in groups.iter().flat_map(|g| &g.codes) {
        if known.contains_key(&code.canonical) {
            continue;
        }
        let entry = seen.entry(code.canonical.as_str()).or_insert_with(|| {
            order.push(code.canonical.as_str());
            (0, code)
        });
        entry.0 += 1;
    }
    let index = crate::diagnostics::LineIndex::new(text);
    order
        .into_iter()
        .map(|canonical| {
            let (count, code) = seen[canonical];
            let printed = &text[code.span.clone()];
            let (line, col) = index.line_col(code.span.start);
            let line = lines.get(line - 1).map_or(line, |l| l.number);
            let near = crate::diagnostics::closest(
                canonical,
                table.iter().map(|g| g.code.as_str()),
                3,
            );
            let elsewhere: Vec<&str> = crate::grounds::preset_names()
                .into_iter()
                .filter(|&p| p != preset)
                .filter(|p| {
                    crate::grounds::preset(p).is_some_and(|t| {
                        t.iter().any(|g| crate::grounds::key(&g.code) == canonical)
                    })
                })
                .collect();
            let mut hint = Vec::new();
            if !near.is_empty() {
                hint.push(format!(
                    "closest known codes: {}",
                    near.iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !elsewhere.is_empty() {
                hint.push(format!(
                    "the {} preset knows it: pass `--grounds {}` if the release is under that Act",
                    elsewhere
                        .iter()
                        .map(|p| format!("`{p}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    elsewhere[0]
                ));
            }
            hint.push(if hint.is_empty() {
                "add the code to `grounds.codes` in site.yaml, or pass `--grounds` with the preset of the release's Act".to_string()
            } else {
                "or add the code to `grounds.codes` in site.yaml".to_string()
            });
            let times = if count == 1 {
                String::new()
            } else {
                format!(" ({count} times; the first is here)")
            };
            Diagnostic::warning(
                "unknown-code",
                path,
                format!(
                    "redaction code `{printed}` is not in the `{preset}` grounds preset{times}"
                ),
            )
            .at(line, col)
            .hint(hint.join("; "))
        })
        .collect()
}

//! Attendee lists → participants by side.
//!
//! A note's list starts at `Attendees` and holds bullets, grouped under side
//! headings (`New Zealand:`, `US:`, `Republic of Korea`) or, without
//! headings, into groups separated by a blank line. Each bullet is split
//! into name and role by its shape: `Role, Name`, `Name – Role`, or a role
//! followed by a capitalised name (`Ambassador to the US Rosemary Banks`).
//! A withheld name (`Legislative Assistant s6(a)`) keeps the role and records
//! the code in `withheld`.

use std::borrow::Borrow;

use crate::markers;
use crate::model::{Participant, Side};

use super::SourceLine;

/// The label given to a group the release does not label.
pub const UNLABELLED: &str = "Side not stated";

/// Words that belong to roles, not names, when splitting `Role Name`.
const ROLE_WORDS: &[&str] = &[
    "Prime",
    "Minister",
    "President",
    "Secretary",
    "State",
    "General",
    "Deputy",
    "Senator",
    "Congressman",
    "Congresswoman",
    "Representative",
    "Chair",
    "Chairman",
    "Chairwoman",
    "Ambassador",
    "Member",
    "Head",
    "Chief",
    "Director",
    "Assistant",
    "Adviser",
    "Advisor",
    "Counsellor",
    "Counselor",
    "Officer",
    "Staff",
    "Committee",
    "Affairs",
    "Security",
    "Secretariat",
    "Bureau",
    "Cabinet",
    "Office",
    "Ranking",
    "Principal",
    "Senior",
    "Press",
    "Policy",
    "Foreign",
    "Trade",
    "Defence",
    "Defense",
    "Political",
    "Legislative",
    "Leader",
    "United",
    "States",
    "Kingdom",
    "Nations",
    "Sub",
    "Subcommittee",
    "Council",
    "Commissioner",
    "Spokesperson",
    "Attaché",
];

/// Reads the attendee list among a document's lines; empty when it has none.
/// Takes the lines owned or borrowed (the importer lends a document's lines
/// rather than copying them).
pub fn read<L: Borrow<SourceLine>>(lines: &[L]) -> Vec<Side> {
    let Some(start) = lines
        .iter()
        .position(|l| is_attendees_heading(&l.borrow().text))
    else {
        return Vec::new();
    };
    let rest = &lines[start + 1..];
    let mut sides: Vec<Side> = Vec::new();
    let mut blank_since_bullet = false;
    let mut i = 0;
    while i < rest.len() {
        let text = rest[i].borrow().text.trim();
        // A stray bullet (`-`) is an extraction artefact, not a gap.
        if text == "-" {
            i += 1;
            continue;
        }
        if text.is_empty() {
            if sides.last().is_some_and(|s| !s.people.is_empty()) {
                blank_since_bullet = true;
            }
            i += 1;
            continue;
        }
        if let Some(item) = bullet(text) {
            if item.split_whitespace().count() > 16 {
                break;
            }
            let start_group = match sides.last() {
                None => true,
                Some(s) => blank_since_bullet && !s.people.is_empty(),
            };
            if start_group {
                sides.push(Side {
                    side: UNLABELLED.to_string(),
                    people: Vec::new(),
                });
            }
            if let Some(last) = sides.last_mut() {
                last.people.push(participant(item));
            }
            blank_since_bullet = false;
        } else if is_side_heading(text) && next_content_is_bullet(&rest[i + 1..]) {
            sides.push(Side {
                side: text.trim_end_matches(':').trim().to_string(),
                people: Vec::new(),
            });
            blank_since_bullet = false;
        } else {
            break;
        }
        i += 1;
    }
    sides.retain(|s| !s.people.is_empty());
    sides
}

fn is_attendees_heading(text: &str) -> bool {
    let t = text.trim().trim_end_matches(':').to_lowercase();
    matches!(
        t.as_str(),
        "attendees" | "attendance" | "participants" | "present" | "in attendance"
    )
}

fn bullet(text: &str) -> Option<&str> {
    let t = text.trim_start();
    t.strip_prefix("- ")
        .or_else(|| t.strip_prefix("* "))
        .or_else(|| t.strip_prefix("• "))
        .map(str::trim)
}

/// A short line that names a side (`US:`, `Republic of Korea`), not a
/// paragraph heading in capitals (`SUMMARY:`).
fn is_side_heading(text: &str) -> bool {
    let t = text.trim_end_matches(':').trim();
    let words = t.split_whitespace().count();
    let shouting =
        t.chars().filter(|c| c.is_alphabetic()).count() > 4 && t.chars().all(|c| !c.is_lowercase());
    (1..=5).contains(&words)
        && !shouting
        && t.chars().next().is_some_and(char::is_uppercase)
        && !t.ends_with('.')
        && markers::scan(t).is_empty()
}

fn next_content_is_bullet<L: Borrow<SourceLine>>(lines: &[L]) -> bool {
    lines
        .iter()
        .map(|l| l.borrow().text.trim())
        .find(|t| !t.is_empty())
        .and_then(bullet)
        .is_some_and(|b| !b.is_empty())
}

/// One bullet → a participant.
pub fn participant(item: &str) -> Participant {
    let groups = markers::scan(item);
    let withheld = (!groups.is_empty()).then(|| {
        groups
            .iter()
            .map(|g| g.printed(item))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let mut rest = String::new();
    let mut last = 0;
    for g in &groups {
        rest.push_str(&item[last..g.span.start]);
        last = g.span.end;
    }
    rest.push_str(&item[last..]);
    let rest = crate::text::collapse_whitespace(&rest);
    let rest = rest.trim().trim_end_matches([',', ';', '.']).trim();
    if rest.is_empty() {
        return Participant {
            name: None,
            role: None,
            withheld,
        };
    }
    let (name, role) = split_name_role(rest);
    // A bullet with neither a name nor a code (`Various other staffers`) is
    // kept as printed, in the name: a participant is someone or a redaction.
    let (name, role) = match (name, role, &withheld) {
        (None, Some(r), None) => (Some(r), None),
        other => (other.0, other.1),
    };
    // A withheld name leaves only the role.
    let (name, role) = if withheld.is_some() && name.is_some() && role.is_none() {
        (None, name)
    } else {
        (name, role)
    };
    Participant {
        name,
        role,
        withheld,
    }
}

fn split_name_role(text: &str) -> (Option<String>, Option<String>) {
    // Party and state in brackets belong to the role: `Jason Smith (R-MO)`.
    let (core, tag) = match (text.rfind(" ("), text.ends_with(')')) {
        (Some(i), true) => (&text[..i], Some(&text[i + 1..])),
        _ => (text, None),
    };
    let with_tag = |role: Option<String>| match (role, tag) {
        (Some(r), Some(t)) => Some(format!("{r} {t}")),
        (None, Some(t)) => Some(t.to_string()),
        (r, None) => r,
    };
    // `Name – Role`.
    for dash in [" – ", " - ", " — "] {
        if let Some((left, right)) = core.split_once(dash) {
            if is_name(left) {
                return (
                    Some(left.trim().to_string()),
                    with_tag(Some(right.trim().to_string())),
                );
            }
        }
    }
    // `Role, Name`.
    if let Some(i) = core.rfind(", ") {
        let (left, right) = (&core[..i], &core[i + 2..]);
        if is_name(right) {
            return (
                Some(right.trim().to_string()),
                with_tag(Some(left.trim().to_string())),
            );
        }
    }
    // `Role Name`: the trailing capitalised words that are not role words
    // or acronyms.
    let tokens: Vec<&str> = core.split_whitespace().collect();
    let mut n = 0;
    while n < tokens.len() && n < 3 && name_token(tokens[tokens.len() - 1 - n]) {
        n += 1;
    }
    // A third word after a list connector is the end of the role
    // (`… Belgium and Luxembourg Caroline Millar`, `Minister of Defence Rustem Umerov`).
    if n == 3
        && tokens.len() > 3
        && matches!(
            tokens[tokens.len() - 4],
            "and" | "of" | "the" | "to" | "for"
        )
    {
        n = 2;
    }
    if n == 0 {
        return (None, with_tag(Some(core.to_string())));
    }
    let name = tokens[tokens.len() - n..].join(" ");
    let role = tokens[..tokens.len() - n].join(" ");
    (Some(name), with_tag((!role.is_empty()).then_some(role)))
}

fn name_token(tok: &str) -> bool {
    let letters: Vec<char> = tok.chars().filter(|c| c.is_alphabetic()).collect();
    let acronym = letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase());
    tok.chars().next().is_some_and(char::is_uppercase) && !acronym && !ROLE_WORDS.contains(&tok)
}

/// One to four capitalised words, none of them a role word.
fn is_name(text: &str) -> bool {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    (1..=4).contains(&tokens.len()) && tokens.iter().all(|t| name_token(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: Option<&str>, role: Option<&str>, withheld: Option<&str>) -> Participant {
        Participant {
            name: name.map(Into::into),
            role: role.map(Into::into),
            withheld: withheld.map(Into::into),
        }
    }

    #[test]
    fn bullets_split_into_name_and_role() {
        assert_eq!(
            participant("Prime Minister Luxon"),
            p(Some("Luxon"), Some("Prime Minister"), None)
        );
        assert_eq!(
            participant("Ambassador to the US Rosemary Banks"),
            p(Some("Rosemary Banks"), Some("Ambassador to the US"), None)
        );
        assert_eq!(
            participant("CE DPMC, Ben King"),
            p(Some("Ben King"), Some("CE DPMC"), None)
        );
        assert_eq!(
            participant("Josh Snead – Ways and Means Chief Trade Counsel (R)"),
            p(
                Some("Josh Snead"),
                Some("Ways and Means Chief Trade Counsel (R)"),
                None
            )
        );
        assert_eq!(
            participant("Chair of Ways and Means Committee, Jason Smith (R-MO)"),
            p(
                Some("Jason Smith"),
                Some("Chair of Ways and Means Committee (R-MO)"),
                None
            )
        );
        assert_eq!(
            participant("President Yoon Suk Yeol"),
            p(Some("Yoon Suk Yeol"), Some("President"), None)
        );
        assert_eq!(
            participant(
                "Australian Ambassador to the EU, NATO, Belgium and Luxembourg Caroline Millar"
            )
            .name
            .as_deref(),
            Some("Caroline Millar")
        );
        assert_eq!(
            participant("Minister of Defence Rustem Umerov")
                .name
                .as_deref(),
            Some("Rustem Umerov")
        );
        assert_eq!(
            participant("Various other staffers"),
            p(Some("Various other staffers"), None, None)
        );
    }

    #[test]
    fn withheld_names_keep_the_code() {
        assert_eq!(participant("s6(a)"), p(None, None, Some("s6(a)")));
        assert_eq!(
            participant("Legislative Assistant s6(a)"),
            p(None, Some("Legislative Assistant"), Some("s6(a)"))
        );
    }

    #[test]
    fn sides_by_heading_or_by_blank_line() {
        let lines: Vec<SourceLine> = "Attendees:\n\nNew Zealand:\n\n- Prime Minister Luxon\n\nUS:\n\n- Deputy Secretary Campbell\n- s6(a)\n\n1. Text"
            .lines()
            .enumerate()
            .map(|(i, t)| SourceLine { number: i + 1, raw: t.into(), text: t.into() })
            .collect();
        let sides = read(&lines);
        assert_eq!(sides.len(), 2);
        assert_eq!(sides[1].side, "US");
        assert_eq!(sides[1].people.len(), 2);
        let lines: Vec<SourceLine> = "Attendees\n\n- Senator Ossoff\n\n- PM Luxon\n- Trade Counsellor, Ed McIsaac\n\n1. ^{x}"
            .lines()
            .enumerate()
            .map(|(i, t)| SourceLine { number: i + 1, raw: t.into(), text: t.into() })
            .collect();
        let sides = read(&lines);
        assert_eq!(sides.len(), 2);
        assert_eq!(sides[0].side, UNLABELLED);
        assert_eq!(sides[1].people[1].name.as_deref(), Some("Ed McIsaac"));
    }
}

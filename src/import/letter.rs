//! The cover letter: reference, dates, the request's items, the refinement
//! that excluded some of them, and the grounds it cites.
//!
//! Each fact is found by the shape of the sentence that states it ("your
//! email of <date>", "transferred from <agency> on <date>", "On <date>, you
//! agreed to refine your request to exclude parts 8, 12 and 13"), so any
//! response letter written in the usual New Zealand form is read the same way.

use std::sync::LazyLock;

use regex::Regex;

use super::dates::find_date;
use super::SourceLine;
use crate::markers;
use crate::model::{CitedGround, DatedEvent, RequestItem};

/// What the letter says, ready for `release.md`'s front matter.
#[derive(Debug, Default)]
pub struct Letter {
    pub reference: Option<String>,
    pub agency: Option<String>,
    /// The signature line the agency was read from (for the release's notes).
    pub agency_from: Option<String>,
    pub act: Option<String>,
    pub response_date: Option<String>,
    pub request_date: Option<String>,
    pub transferred: Option<DatedEvent>,
    pub refined: Option<DatedEvent>,
    pub extended: Option<DatedEvent>,
    pub signatory: Option<String>,
    pub request_items: Vec<RequestItem>,
    pub grounds_cited: Vec<CitedGround>,
}

static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:our ref(?:erence)?:?\s*)?((?:OIA|LGOIMA|FOI|DOIA|IR|MIN)[ -]?\d{3,}[\w/-]*)$")
        .expect("valid regex")
});
static ACT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bthe ((?:[A-Z][\w']*\s)+Act \d{4})").expect("valid regex"));
static REQUEST_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\byour (?:email|letter|request|correspondence|message)s? (?:of|dated|received on|on) ([^,;]+)")
        .expect("valid regex")
});
static TRANSFER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b((?:partially |partly |in part )?transferred (?:to us )?from (?:the )?.+?) on (\d{1,2} \w+ \d{4})")
        .expect("valid regex")
});
static REQUEST_ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*[-*•]?\s*"?(\d+)[.)]\s+(.+)$"#).expect("valid regex"));
static GROUND_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[-*•]\s*((?:s(?:ection)?\s?)?\d+[A-Z]?(?:\([0-9a-z]+\))+)\s*[:–-]\s*(.+)$")
        .expect("valid regex")
});
static EXCLUDED_PARTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\bexclude (?:parts?|items?|questions?|points?) ((?:\d+(?:,\s*|\s+and\s+|\s*&\s*)?)+)",
    )
    .expect("valid regex")
});
static SIGNED_FOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:for )(?:the )?(Secretary|Chief Executive|Director-General|Commissioner) (?:of|for) (.+)$")
        .expect("valid regex")
});

/// Reads the letter's lines (already normalised).
pub fn read(lines: &[SourceLine]) -> Letter {
    let mut letter = Letter::default();
    let texts: Vec<&str> = lines.iter().map(|l| l.text.trim()).collect();
    let whole = texts.join("\n");

    letter.response_date = texts.iter().find_map(|t| {
        let (iso, r) = find_date(t)?;
        (r.start == 0 && r.end == t.len()).then_some(iso)
    });
    letter.reference = texts
        .iter()
        .find_map(|t| REFERENCE.captures(t).map(|c| c[1].to_string()));
    letter.act = ACT.captures(&whole).map(|c| c[1].to_string());
    letter.request_date = REQUEST_DATE.captures(&whole).and_then(|c| {
        find_date(&c[1])
            .filter(|(_, r)| r.start == 0)
            .map(|(d, _)| d)
    });
    if let Some(c) = TRANSFER.captures(&whole) {
        if let Some((date, _)) = find_date(&c[2]) {
            letter.transferred = Some(DatedEvent {
                date,
                note: c[1].to_string(),
            });
        }
    }
    for t in &texts {
        for sentence in sentences(t) {
            let Some((date, _)) = find_date(sentence) else {
                continue;
            };
            let lower = sentence.to_lowercase();
            if letter.refined.is_none() && lower.contains("refine") {
                letter.refined = Some(DatedEvent {
                    date,
                    note: sentence.to_string(),
                });
            } else if letter.extended.is_none() && lower.contains("extended") {
                letter.extended = Some(DatedEvent {
                    date,
                    note: sentence.to_string(),
                });
            }
        }
    }

    // The request's numbered items, as quoted in the letter.
    for t in &texts {
        if GROUND_ITEM.is_match(t) {
            continue;
        }
        if let Some(c) = REQUEST_ITEM.captures(t) {
            let number = c[1].to_string();
            if letter.request_items.iter().any(|i| i.number == number) {
                continue;
            }
            let text = c[2]
                .trim()
                .trim_end_matches(['*', '"', '”'])
                .trim()
                .to_string();
            letter.request_items.push(RequestItem {
                number,
                text,
                excluded: false,
            });
        }
    }
    if let Some(refined) = &letter.refined {
        if let Some(c) = EXCLUDED_PARTS.captures(&refined.note) {
            let excluded: Vec<String> = c[1]
                .split(|ch: char| !ch.is_ascii_digit())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            for item in &mut letter.request_items {
                item.excluded = excluded.contains(&item.number);
            }
        }
    }

    // The grounds it cites: `- 6(a): to avoid prejudicing …`.
    for t in &texts {
        if let Some(c) = GROUND_ITEM.captures(t) {
            if let Some(code) = markers::canonical(&c[1]) {
                let reason = c[2]
                    .trim()
                    .trim_end_matches([';', '.', ','])
                    .trim()
                    .to_string();
                letter.grounds_cited.push(CitedGround { code, reason });
            }
        }
    }

    // Signature: the name above a `for Secretary of …` line.
    for (i, t) in texts.iter().enumerate() {
        if let Some(c) = SIGNED_FOR.captures(t) {
            let name = texts[..i].iter().rev().find(|s| !s.is_empty());
            letter.signatory = Some(match name {
                Some(n) if n.split_whitespace().count() <= 5 && !n.ends_with(',') => {
                    format!("{n}, {t}")
                }
                _ => t.to_string(),
            });
            let body = c[2].trim().trim_end_matches('.');
            letter.agency = Some(match &c[1] {
                s if s.eq_ignore_ascii_case("Secretary") => format!("Ministry of {body}"),
                _ => body.to_string(),
            });
            letter.agency_from = Some(t.to_string());
        }
    }
    letter
}

/// Sentences of a line: split after `. ` so that "On 5 September 2024, you
/// agreed …" stands alone.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'.'
            && bytes.get(i + 1) == Some(&b' ')
            && bytes.get(i + 2).is_some_and(u8::is_ascii_uppercase)
        {
            out.push(text[start..=i].trim());
            start = i + 2;
        }
    }
    if start < text.len() {
        out.push(text[start..].trim());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<SourceLine> {
        text.lines()
            .enumerate()
            .map(|(i, t)| SourceLine {
                number: i + 1,
                raw: t.to_string(),
                text: t.to_string(),
            })
            .collect()
    }

    #[test]
    fn reads_dates_items_and_grounds() {
        let l = read(&lines(
            "11 October 2024\n\nOIA 29619\n\nThank you for your email of 4 August 2024, partially transferred from the Department of the Prime Minister and Cabinet on 16 August 2024, in which you request the following under the Official Information Act 1982 (OIA):\n\n- 1. A meeting with A on 9 July 2024.*\n- 2. A meeting with B on 9 July 2024.\"*\n\nOn 5 September 2024, you agreed to refine your request to exclude parts 2 of your original request.\n\nOn 12 September 2024, the timeframes were extended by 20 working days.\n\n- 6(a): to avoid prejudicing the security;\n- 9(2)(g)(i): to protect the free and frank expression of opinions by departments.\n\nJane Doe\nfor Secretary of Foreign Affairs and Trade\n",
        ));
        assert_eq!(l.response_date.as_deref(), Some("2024-10-11"));
        assert_eq!(l.reference.as_deref(), Some("OIA 29619"));
        assert_eq!(l.request_date.as_deref(), Some("2024-08-04"));
        assert_eq!(l.act.as_deref(), Some("Official Information Act 1982"));
        let t = l.transferred.unwrap();
        assert_eq!(t.date, "2024-08-16");
        assert_eq!(
            t.note,
            "partially transferred from the Department of the Prime Minister and Cabinet"
        );
        assert_eq!(l.refined.unwrap().date, "2024-09-05");
        assert_eq!(l.extended.unwrap().date, "2024-09-12");
        assert_eq!(l.request_items.len(), 2);
        assert_eq!(l.request_items[1].text, "A meeting with B on 9 July 2024.");
        assert!(l.request_items[1].excluded && !l.request_items[0].excluded);
        assert_eq!(l.grounds_cited[1].code, "s9(2)(g)(i)");
        assert_eq!(
            l.grounds_cited[0].reason,
            "to avoid prejudicing the security"
        );
        assert_eq!(
            l.agency.as_deref(),
            Some("Ministry of Foreign Affairs and Trade")
        );
        assert_eq!(
            l.signatory.as_deref(),
            Some("Jane Doe, for Secretary of Foreign Affairs and Trade")
        );
    }
}

//! Short, readable, deterministic slugs from titles.
//!
//! Meetings are `NN-<words>` (NN = the request item, two digits), documents
//! `NN-<words>` (NN = the first release page). The words name who or what
//! the title is about: for "A meeting with US Senator Maria Cantwell on 9 July
//! 2024" that is `maria-cantwell`, for "FORMAL MESSAGE: UNITED STATES: VISIT
//! TO WASHINGTON DC" it is `united-states-visit`. The rules only look at the
//! shape of the title (roles, acronyms, capitals, commas), never at names.

use std::collections::BTreeSet;

/// Words that describe an office or a body's role rather than name someone.
const ROLE_WORDS: &[&str] = &[
    "prime",
    "minister",
    "ministers",
    "president",
    "vice",
    "secretary",
    "state",
    "general",
    "deputy",
    "senator",
    "senators",
    "congressman",
    "congresswoman",
    "representative",
    "chair",
    "chairman",
    "chairwoman",
    "ambassador",
    "member",
    "members",
    "leader",
    "leaders",
    "head",
    "chief",
    "director",
    "assistant",
    "adviser",
    "advisor",
    "counsellor",
    "counselor",
    "officer",
    "staff",
    "ranking",
    "king",
    "queen",
];

/// Words that never help a slug.
const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "and",
    "with",
    "for",
    "to",
    "in",
    "on",
    "at",
    "by",
    "us",
    "meeting",
    "bilateral",
    "note",
    "file",
    "formal",
    "message",
    "email",
    "re",
    "pm",
];

fn is_role(word: &str) -> bool {
    ROLE_WORDS.contains(&word.to_lowercase().as_str())
}

fn is_stop(word: &str) -> bool {
    STOP_WORDS.contains(&word.to_lowercase().as_str())
}

/// An acronym (`US`, `NATO`, `DPMC`): all capitals, two letters or more.
fn is_acronym(word: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
}

fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Lower-case ASCII slug of one word: letters and digits kept, accents
/// folded where simple, everything else dropped (`Luxon's` → `luxons`).
fn slug_word(word: &str) -> String {
    let mut out = String::new();
    for c in word.chars() {
        let c = fold(c);
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '-' && !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn fold(c: char) -> char {
    match c {
        'ā' | 'á' | 'à' | 'â' | 'ä' | 'Ā' | 'Á' | 'À' | 'Â' | 'Ä' => 'a',
        'ē' | 'é' | 'è' | 'ê' | 'ë' | 'Ē' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
        'ī' | 'í' | 'ì' | 'î' | 'ï' | 'Ī' | 'Í' => 'i',
        'ō' | 'ó' | 'ò' | 'ô' | 'ö' | 'Ō' | 'Ó' | 'Ö' => 'o',
        'ū' | 'ú' | 'ù' | 'û' | 'ü' | 'Ū' | 'Ú' | 'Ü' => 'u',
        'ñ' | 'Ñ' => 'n',
        '–' | '—' => '-',
        other => other,
    }
}

/// Up to `max` slug words naming what `title` is about.
pub fn words(title: &str, max: usize) -> String {
    let mut t = strip_parentheticals(title);
    // A kind prefix (`File Note:`) says nothing about the subject.
    if let Some(rest) = strip_kind_prefix(&t) {
        t = rest;
    }
    let mostly_upper = {
        let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
        !letters.is_empty()
            && letters.iter().filter(|c| c.is_uppercase()).count() * 10 >= letters.len() * 8
    };
    if mostly_upper {
        // Formal-message subjects are in capitals: take the first words.
        return first_significant(&t, max);
    }
    // Drop the date clause and what follows (`on 9 July 2024 in Washington DC`).
    if let Some(i) = find_date_clause(&t) {
        t.truncate(i);
    }
    // A subtitle after a dash is detail (`IP4 Leaders Meeting – Session One`).
    if let Some(i) = t.find(" – ").or_else(|| t.find(" - ")) {
        t.truncate(i);
    }
    // ASCII lower-casing keeps byte offsets, so they index `t` too.
    let lower = t.to_ascii_lowercase();
    for key in ["meeting with ", "meeting of ", "call with ", "met with "] {
        if let Some(i) = lower.rfind(key) {
            t = t[i + key.len()..].to_string();
            break;
        }
    }
    let t = t.trim().trim_end_matches([',', '.', ';']).to_string();
    // An apposition after the last comma names the person (`the Prime
    // Minister of Canada, Justin Trudeau`).
    let mut t = t;
    if let Some(i) = t.rfind(',') {
        let after = t[i + 1..].trim().trim_end_matches(['.', ',']);
        if after.split_whitespace().any(capitalised) {
            t = after.to_string();
        }
    }
    let picked = name_run(&t, max);
    if picked.is_empty() {
        first_significant(&t, max)
    } else {
        picked
    }
}

/// The first run of naming words after any leading roles, acronyms and
/// stop words, up to `max`: stops at a lower-case word (except `and`
/// inside a name like `Ways and Means`), a role word or the end.
fn name_run(text: &str, max: usize) -> String {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    // A name after an office (`French President Emmanuel Macron`) wins over
    // the words before it.
    if let Some(role_at) = tokens.iter().position(|t| is_role(t)) {
        let after = run_from(&tokens, role_at, max);
        if !after.is_empty() {
            return after;
        }
    }
    run_from(&tokens, 0, max)
}

fn run_from(tokens: &[&str], start: usize, max: usize) -> String {
    let mut i = start;
    while i < tokens.len() && (is_role(tokens[i]) || is_acronym(tokens[i]) || is_stop(tokens[i])) {
        i += 1;
    }
    let mut picked = Vec::new();
    while i < tokens.len() && picked.len() < max {
        let tok = tokens[i];
        if tok == "and" && tokens.get(i + 1).is_some_and(|n| capitalised(n)) && !picked.is_empty() {
            i += 1;
            continue;
        }
        if !capitalised(tok) || is_role(tok) {
            break;
        }
        if !is_stop(tok) {
            let w = slug_word(tok);
            if !w.is_empty() {
                picked.push(w);
            }
        }
        i += 1;
    }
    picked.join("-")
}

fn first_significant(text: &str, max: usize) -> String {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | ';' | '/'))
        .filter(|w| {
            !w.is_empty() && !is_stop(w) && !w.chars().all(|c| c.is_ascii_digit() || c == '-')
        })
        .map(slug_word)
        .filter(|w| !w.is_empty())
        .take(max)
        .collect::<Vec<_>>()
        .join("-")
}

fn strip_parentheticals(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    crate::text::collapse_whitespace(&out)
}

/// `File Note: X`, `Email - FORMAL MESSAGE: X` → `X`.
pub fn strip_kind_prefix(title: &str) -> Option<String> {
    let lower = title.to_ascii_lowercase();
    let mut rest_at = None;
    for prefix in super::documents::TITLE_PREFIXES
        .iter()
        .chain(["formal message:"].iter())
    {
        if let Some(i) = lower.find(prefix) {
            if lower[..i]
                .trim()
                .trim_end_matches(['-', '–'])
                .trim()
                .chars()
                .all(|c| c.is_alphabetic() || c == ' ')
                && i < 12
            {
                rest_at = Some(i + prefix.len());
                break;
            }
        }
    }
    rest_at.map(|i| title[i..].trim().to_string())
}

fn find_date_clause(text: &str) -> Option<usize> {
    let (_, range) = super::dates::find_date(text)?;
    let before = &text[..range.start];
    Some(
        before
            .trim_end()
            .strip_suffix(" on")
            .map_or(range.start, |b| b.len()),
    )
}

/// Makes `slug` unique among `taken` by appending `-2`, `-3`, …
pub fn unique(slug: String, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = slug.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{slug}-{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_named_by_their_names() {
        assert_eq!(words("A meeting with Deputy Secretary of State Kurt Campbell on 9 July 2024 in Washington DC.", 3), "kurt-campbell");
        assert_eq!(
            words(
                "A meeting with US Senator Maria Cantwell on 9 July 2024 in Washington DC.",
                3
            ),
            "maria-cantwell"
        );
        assert_eq!(
            words(
                "A meeting with French President Emmanuel Macron on 10 July 2024",
                3
            ),
            "emmanuel-macron"
        );
        assert_eq!(words("A meeting with the Prime Minister of the Netherlands, Dick Schoof, on 11 July 2024", 3), "dick-schoof");
        assert_eq!(
            words(
                "A meeting with the Prime Minister of Canada, Justin Trudeau on 10 July 2024",
                3
            ),
            "justin-trudeau"
        );
        assert_eq!(
            words("A meeting with US President Joe Biden and US Secretary of State Antony Blinken on 11 July 2024", 3),
            "joe-biden"
        );
        assert_eq!(
            words(
                "A meeting with NATO Secretary General Jens Stoltenberg on 11 July 2024",
                3
            ),
            "jens-stoltenberg"
        );
    }

    #[test]
    fn bodies_are_named_by_their_names() {
        assert_eq!(
            words("A meeting with members of the US Senate Foreign Relations Committee on 9 July 2024", 3),
            "senate-foreign-relations"
        );
        assert_eq!(
            words(
                "A meeting with members of the House Ways and Means Committee on 10 July 2024",
                3
            ),
            "house-ways-means"
        );
        assert_eq!(
            words(
                "A meeting of the NATO Indo-Pacific Four, on 11 July 2024 in Washington DC.",
                3
            ),
            "indo-pacific-four"
        );
    }

    #[test]
    fn document_titles() {
        assert_eq!(words("File Note: Prime Minister Christopher Luxon meeting with US Deputy Secretary of State, Kurt Campbell", 3), "kurt-campbell");
        assert_eq!(words("Note for File: Prime Minister Luxon's meeting with Senator Amy Klobuchar (Democrat – Minnesota)", 3), "amy-klobuchar");
        assert_eq!(
            words("File Note: IP4 Leaders Meeting – Session One and Two", 3),
            "ip4-leaders"
        );
        assert_eq!(
            words(
                "File Note: Bilateral Meeting with President Emmanuel Macron of France",
                3
            ),
            "emmanuel-macron"
        );
        assert_eq!(
            words(
                "FORMAL MESSAGE: UNITED STATES: VISIT TO WASHINGTON DC BY PRIME MINISTER LUXON",
                3
            ),
            "united-states-visit"
        );
        assert_eq!(
            words(
                "Email - FORMAL MESSAGE: NATO SUMMIT, WASHINGTON, 9-11 JULY: PM LUXON",
                3
            ),
            "nato-summit-washington"
        );
    }

    #[test]
    fn unique_appends_a_number() {
        let mut taken = BTreeSet::new();
        assert_eq!(unique("a".into(), &mut taken), "a");
        assert_eq!(unique("a".into(), &mut taken), "a-2");
    }
}

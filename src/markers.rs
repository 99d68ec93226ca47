//! The redaction-marker grammar: what a withholding code looks like in a
//! release's text, how a list of codes forms one marker group, and the
//! canonical form each code is counted and looked up under.
//!
//! This is the only module that knows the notation. The importer counts with
//! it, `resolve` validates with it, and the renderer turns its groups into
//! badges, so all three agree on what a marker is.
//!
//! Recognised (see `docs/content.md`):
//! - section codes with an `s` prefix: `s6(a)`, `s9(2)(g)(i)`, `s9(2)(ba)(i)`,
//!   `s.9(2)(a)`, `s 9(2)(a)`, `s47F`, `s47E(d)`, optionally followed by the
//!   Act's abbreviation (`s.9(2)(g) OIA`);
//! - `section 9(2)(a)` only inside brackets or when it is a whole line,
//!   because in prose ("section 15A(1)(a) of the OIA refers") it is a citation,
//!   not a redaction;
//! - US FOIA exemptions: `(b)(6)`, `(b)(7)(C)`, `b6`, `(b)(7)(c)`;
//! - bare codes (`9(2)(a)`) inside brackets (`[9(2)(a)]`) or as a whole line;
//! - `Out of scope`, `Not in scope` (any letter case);
//! - lists (`s6(a), s6(b)(i)`, `s6(a) and s9(2)(a)`) and codes run into their
//!   neighbours by extraction (`s9(2)(k)s9(2)(k)Driver`, `OIAs.9(2)(g)`).
//!
//! A group keeps its exact printed text; each code also gets a canonical
//! form (`s9(2)(a)`, `(b)(7)(C)`, `Out of scope`) used for counting.

use std::ops::Range;

/// One code inside a marker group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// Byte range of the code as printed, within the scanned text.
    pub span: Range<usize>,
    /// Canonical form used to look the code up in the grounds table.
    pub canonical: String,
}

/// A marker group: one or more codes printed together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Byte range of the whole group (brackets and separators included).
    pub span: Range<usize>,
    pub codes: Vec<Code>,
}

impl Group {
    /// The group exactly as printed.
    pub fn printed<'t>(&self, text: &'t str) -> &'t str {
        &text[self.span.clone()]
    }
}

/// The canonical text for out-of-scope markers.
pub const OUT_OF_SCOPE: &str = "Out of scope";

/// Finds every marker group in `text`, in order. Groups never span a line
/// break: each line of a release is scanned on its own terms.
pub fn scan(text: &str) -> Vec<Group> {
    let mut groups = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        scan_line(line, line_start, &mut groups);
        line_start += line.len();
    }
    groups
}

/// Counts codes by canonical form, for lossless checks and statistics.
pub fn count_codes(text: &str) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for g in scan(text) {
        for c in g.codes {
            *counts.entry(c.canonical).or_insert(0) += 1;
        }
    }
    counts
}

/// Canonical form of a single code as printed in any recognised notation
/// (`s.9(2)(g) OIA` → `s9(2)(g)`), or `None` if it is not a code.
pub fn canonical(printed: &str) -> Option<String> {
    let t = printed
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim();
    let b = t.as_bytes();
    if let Some((end, canon)) = parse_scope(b, 0) {
        return (end == b.len()).then_some(canon);
    }
    if let Some((end, canon)) = parse_code(t, 0, true) {
        return (t[end..].trim().is_empty()).then_some(canon);
    }
    None
}

/// The parent of a canonical code (`s9(2)(g)(i)` → `s9(2)(g)`), if it has
/// one with at least one parenthesised part left. `s9(2)` has no parent:
/// it is not a ground on its own.
pub fn parent(canonical: &str) -> Option<String> {
    let cut = canonical.rfind('(')?;
    let parent = &canonical[..cut];
    // `(b)` alone is the FOIA subsection, not an exemption.
    if parent == "(b)" {
        return None;
    }
    if parent.contains('(') {
        Some(parent.to_string())
    } else {
        None
    }
}

/// English month names, for telling a date line (`9 July 2024`) from a
/// paragraph number; the renderer prints dates with the same names.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The paragraph number a line of a released document starts with, as
/// printed without its trailing dot: `12. The PM…` → `12`, `2 Prime
/// Minister…` → `2`, `11.2. That…` → `11.2`. A number of more than three
/// digits (a year) or a bare number followed by a month name (a date line
/// such as `9 July 2024`) is not a paragraph number.
pub fn paragraph_number(line: &str) -> Option<&str> {
    split_paragraph_number(line.trim_start()).map(|(number, _)| number)
}

/// `paragraph_number` of text that starts with the number, with the byte
/// offset where the paragraph's own text begins (after the dot and the
/// whitespace): the renderer strips the number there.
pub fn split_paragraph_number(t: &str) -> Option<(&str, usize)> {
    let b = t.as_bytes();
    let mut end = 0;
    loop {
        let start = end;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        if end == start || end - start > 3 {
            return None;
        }
        // `11.2` continues; `11. ` or `11 ` ends the number.
        if b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
            end += 1;
            continue;
        }
        break;
    }
    let dotted = b.get(end) == Some(&b'.');
    let after = end + usize::from(dotted);
    let rest = t[after..].trim_start();
    let ws = t.len() - after - rest.len();
    if ws == 0 && after < t.len() {
        return None;
    }
    // A month name (or its first three letters) right after a bare number
    // is a date, not a paragraph.
    if !dotted && starts_with_month(rest) {
        return None;
    }
    Some((&t[..end], after + ws))
}

fn starts_with_month(text: &str) -> bool {
    let word: String = text
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    word.len() >= 3
        && MONTHS
            .iter()
            .any(|m| word.starts_with(&m[..3].to_lowercase()))
}

fn scan_line(line: &str, offset: usize, out: &mut Vec<Group>) {
    let body = line.trim_end_matches(['\n', '\r']);
    // A line that is nothing but codes may use notations that are ambiguous
    // in prose (`9(2)(a)`, `section 9(2)(a)`).
    if let Some(group) = whole_line_group(body) {
        out.push(shift(group, offset));
        return;
    }
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Only a few bytes can start a group in prose, and not inside a
        // word (as `boundary_before` decides, but in one comparison: a
        // run-in after `OIA`, `LGOIMA` or `FOIA` follows an `A`). One table
        // answers both without a branch per byte: a `match` here compiled
        // to a jump table whose mispredictions cost more than the rest of
        // the scan on ordinary prose.
        let prev = if i > 0 {
            BYTE_CLASS[bytes[i - 1] as usize]
        } else {
            0
        };
        let start = BYTE_CLASS[bytes[i] as usize] & !(prev >> 1) & START != 0;
        if !start || !may_start(bytes, i) {
            i += 1;
            continue;
        }
        if let Some(group) = group_at(body, i, false) {
            i = group.span.end;
            out.push(shift(group, offset));
        } else {
            i += 1;
        }
    }
}

/// `BYTE_CLASS` bit: the byte can start a group in prose (see `may_start`).
const START: u8 = 1;
/// `BYTE_CLASS` bit: a group in prose cannot follow the byte: an ASCII
/// letter or digit, except `A` (the end of `OIA`, `LGOIMA` or `FOIA` run
/// into a code). One place above `START`, so that shifting the previous
/// byte's class right lines the two up.
const IN_WORD: u8 = 2;
/// What the prose scan needs to know of each byte.
const BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let starts = b"[sSbOoNn(";
    let mut k = 0;
    while k < starts.len() {
        t[starts[k] as usize] |= START;
        k += 1;
    }
    let mut b = 0;
    while b < 128 {
        if (b as u8).is_ascii_alphanumeric() && b as u8 != b'A' {
            t[b] |= IN_WORD;
        }
        b += 1;
    }
    t
};

/// Whether a group in prose (not lenient) can start at `i`, judged by the
/// next byte or two: what `code_at` and the bracket rule need at least.
/// Prose is full of words starting with these letters (`stakeholders`,
/// `of`, `noted`, `by`); this turns them away before any parsing.
///
/// It restates what `parse_code`, `parse_scope` and `parse_foia` accept
/// as a start, so a new notation must be added in three places: there,
/// here, and its first byte in `BYTE_CLASS`, or `scan` misses it in prose
/// without a word. The random-line test
/// `may_start_turns_away_only_what_cannot_start_a_group` is what keeps the
/// parsers and this in step, for the fragments in its list (add the new
/// notation's too), and `the_byte_table_says_what_the_prose_rule_says`
/// keeps the table and this in step.
fn may_start(b: &[u8], i: usize) -> bool {
    let next = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match b[i] {
        b'[' => true,
        // `s6(a)`, `s.9(2)(a)`, `s 9(2)(a)`, `s. 9(2)(a)`: a digit after
        // the optional dot and space (`parse_code`).
        b's' | b'S' => {
            let mut k = 1;
            if next(k) == b'.' {
                k += 1;
            }
            if next(k) == b' ' {
                k += 1;
            }
            next(k).is_ascii_digit()
        }
        // `Out of scope`, `Not in scope` (`parse_scope`).
        b'o' | b'O' => matches!(next(1), b'u' | b'U'),
        b'n' | b'N' => matches!(next(1), b'o' | b'O'),
        // `b6`, `b(6)` and `(b)(6)`, `(b) (6)` (`parse_foia`).
        b'b' => next(1) == b'(' || next(1).is_ascii_digit(),
        b'(' => next(1) == b'b',
        _ => false,
    }
}

/// Whether a lenient group (a whole line, or inside brackets) can start
/// with byte `b`: a bracket, an `s` code or `section`, a bare number, a
/// FOIA exemption, or a scope phrase. Most lines of prose start otherwise,
/// and every line is tried as a whole-line group first.
///
/// Like `may_start`, it restates what the parsers accept as a start; the
/// random-line test `may_start_turns_away_only_what_cannot_start_a_group`
/// keeps them in step.
fn may_start_lenient(b: u8) -> bool {
    matches!(
        b,
        b'[' | b's' | b'S' | b'(' | b'b' | b'o' | b'O' | b'n' | b'N' | b'0'..=b'9'
    )
}

fn shift(mut g: Group, by: usize) -> Group {
    g.span = g.span.start + by..g.span.end + by;
    for c in &mut g.codes {
        c.span = c.span.start + by..c.span.end + by;
    }
    g
}

/// The whole line as one group, when it holds nothing but codes and separators.
fn whole_line_group(body: &str) -> Option<Group> {
    let lead = body.len() - body.trim_start().len();
    let trimmed = body.trim();
    if trimmed.is_empty() || !may_start_lenient(trimmed.as_bytes()[0]) {
        return None;
    }
    let g = group_at(body, lead, true)?;
    (g.span.end == lead + trimmed.len()).then_some(g)
}

/// Parses a group starting exactly at `i`. `lenient` admits bare and
/// spelled-out codes (used inside brackets and for whole lines).
fn group_at(text: &str, i: usize, lenient: bool) -> Option<Group> {
    let bytes = text.as_bytes();
    // Inside empty brackets (`[]`) there is nothing to read.
    if i >= text.len() || !boundary_before(text, i) {
        return None;
    }
    // `[s9(2)(a)]`, `[9(2)(a), 6(b)]`: brackets make any notation unambiguous.
    if bytes[i] == b'[' {
        // Codes never hold a bracket, so the group ends at the next bracket
        // or not at all. Stopping at a `[` also keeps a line of many `[`
        // linear rather than quadratic.
        let close = text[i + 1..].find([']', '['])? + i + 1;
        if bytes[close] == b'[' {
            return None;
        }
        // The codes are read inside the brackets only: read on the whole
        // line, a nested `[[9(a)]` gave an inner group ending past `close`
        // (a slice panic found by fuzzing, tests/fuzz_regressions.rs).
        let inner = group_at(&text[..close], i + 1, true)?;
        if text[inner.span.end..close].trim().is_empty() {
            return Some(Group {
                span: i..close + 1,
                codes: inner.codes,
            });
        }
        return None;
    }
    let (end, canonical) = code_at(text, i, lenient)?;
    let mut codes = vec![Code {
        span: i..end,
        canonical,
    }];
    let mut end = end;
    // Further codes joined by separators, or run straight on.
    loop {
        let rest = &text[end..];
        let sep_len = separator_len(rest);
        let next = end + sep_len;
        match code_at(text, next, lenient) {
            Some((e, c)) if next < text.len() => {
                codes.push(Code {
                    span: next..e,
                    canonical: c,
                });
                end = e;
            }
            _ => break,
        }
    }
    Some(Group {
        span: i..end,
        codes,
    })
}

fn code_at(text: &str, i: usize, lenient: bool) -> Option<(usize, String)> {
    if i >= text.len() {
        return None;
    }
    parse_scope(text.as_bytes(), i).or_else(|| parse_code(text, i, lenient))
}

/// Length of a list separator at the start of `rest`: `, `, `; `, ` and `,
/// ` & `, `/`, plain spaces, or nothing (run-in codes).
fn separator_len(rest: &str) -> usize {
    let b = rest.as_bytes();
    let mut j = 0;
    while j < b.len() && b[j] == b' ' {
        j += 1;
    }
    if j < b.len() && matches!(b[j], b',' | b';' | b'/' | b'&') {
        j += 1;
    } else if rest[j..].starts_with("and ") {
        j += 3;
    }
    while j < b.len() && b[j] == b' ' {
        j += 1;
    }
    j
}

/// A code may start at `i` when it does not continue a word. Run-ins from
/// extraction are allowed: after `)` (`s9(2)(k)s9(2)(k)`) and after an
/// Act's abbreviation (`OIAs.9(2)(g)`).
fn boundary_before(text: &str, i: usize) -> bool {
    let before = &text[..i];
    match before.chars().next_back() {
        None => true,
        Some(c) if !c.is_alphanumeric() => true,
        Some(_) => {
            before.ends_with("OIA") || before.ends_with("LGOIMA") || before.ends_with("FOIA")
        }
    }
}

fn parse_scope(b: &[u8], i: usize) -> Option<(usize, String)> {
    for phrase in ["out of scope", "not in scope"] {
        let end = i + phrase.len();
        if end <= b.len() && b[i..end].eq_ignore_ascii_case(phrase.as_bytes()) {
            // Not the start of a longer word (`Out of scopes`).
            if b.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
                return None;
            }
            return Some((end, OUT_OF_SCOPE.to_string()));
        }
    }
    None
}

/// A section code at `i`: prefix, number, optional letter suffix, and
/// parenthesised parts. Returns the end and the canonical form.
fn parse_code(text: &str, i: usize, lenient: bool) -> Option<(usize, String)> {
    let b = text.as_bytes();
    let mut j = i;
    let mut prefixed = false;
    if starts_with_ci(&b[j..], b"section ") && lenient {
        j += "section ".len();
        prefixed = true;
    } else if matches!(b.get(j), Some(b's' | b'S')) {
        j += 1;
        if matches!(b.get(j), Some(b'.')) {
            j += 1;
        }
        if matches!(b.get(j), Some(b' ')) {
            j += 1;
        }
        prefixed = true;
    }
    // US FOIA: `(b)(6)`, `(b)(7)(C)`, `b6`, `b(6)`.
    if !prefixed || b.get(i).is_some_and(|c| *c == b'(' || *c == b'b') {
        if let Some(r) = parse_foia(b, i) {
            return Some(r);
        }
    }
    if !prefixed && !lenient {
        return None;
    }
    let num_start = j;
    while j < b.len() && b[j].is_ascii_digit() && j - num_start < 3 {
        j += 1;
    }
    if j == num_start || b.get(j).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    // Section letter suffix: `15A`, `47F`, `47GA`.
    let suffix_start = j;
    while j < b.len() && b[j].is_ascii_uppercase() && j - suffix_start < 2 {
        j += 1;
    }
    let has_suffix = j > suffix_start;
    // The canonical form, `s` + number + parts, built in place.
    let mut canon = String::with_capacity(16);
    canon.push('s');
    canon.push_str(&text[num_start..j]);
    let parts_at = canon.len();
    let parts_end = parse_parts(b, j, &mut canon);
    let no_parts = canon.len() == parts_at;
    if no_parts && !has_suffix {
        return None;
    }
    // The letter suffix must end the word (`s47F` but not `s4Ever`).
    if no_parts && b.get(parts_end).is_some_and(|c| c.is_ascii_alphabetic()) && !has_suffix {
        return None;
    }
    let mut end = parts_end;
    // A trailing Act abbreviation belongs to the printed code.
    for act in [" OIA", " LGOIMA", " FOIA"] {
        if text[end..].starts_with(act)
            && !b
                .get(end + act.len())
                .is_some_and(u8::is_ascii_alphanumeric)
        {
            end += act.len();
            break;
        }
    }
    Some((end, canon))
}

/// Parenthesised parts from `j`: `(2)(g)(i)`. One space is allowed before a
/// part that is a roman numeral, since extraction splits `(g)` and `(i)`.
/// Appends the parts found to `out` and returns where they end.
fn parse_parts(b: &[u8], mut j: usize, out: &mut String) -> usize {
    let first = out.len();
    loop {
        let start = if b.get(j) == Some(&b' ') && out.len() > first {
            j + 1
        } else {
            j
        };
        if b.get(start) != Some(&b'(') {
            break;
        }
        let mut k = start + 1;
        while k < b.len() && b[k].is_ascii_alphanumeric() && k - start <= 4 {
            k += 1;
        }
        if k == start + 1 || b.get(k) != Some(&b')') {
            break;
        }
        let part = std::str::from_utf8(&b[start + 1..k]).unwrap_or_default();
        if start != j && !part.bytes().all(|c| matches!(c, b'i' | b'v' | b'x')) {
            break;
        }
        out.push('(');
        out.push_str(part);
        out.push(')');
        j = k + 1;
    }
    j
}

fn parse_foia(b: &[u8], i: usize) -> Option<(usize, String)> {
    let (mut j, digit_at) = if b[i..].starts_with(b"(b)(") {
        (i + 3, None)
    } else if b[i..].starts_with(b"(b) (") {
        // DOJ-style `(b) (6)`, `(b) (7)(C)`.
        (i + 4, None)
    } else if b[i..].starts_with(b"b(") {
        (i + 1, None)
    } else if b.get(i) == Some(&b'b') && b.get(i + 1).is_some_and(|c| (b'1'..=b'9').contains(c)) {
        (i + 2, Some(i + 1))
    } else {
        return None;
    };
    let mut canon = String::from("(b)");
    if let Some(d) = digit_at {
        canon.push('(');
        canon.push(b[d] as char);
        canon.push(')');
        // FBI-style `b7C`: the (b)(7) sub-letter run on, in capitals.
        if b[d] == b'7'
            && b.get(j).is_some_and(|c| (b'A'..=b'F').contains(c))
            && !b.get(j + 1).is_some_and(|c| c.is_ascii_alphanumeric())
        {
            canon.push('(');
            canon.push(b[j] as char);
            canon.push(')');
            j += 1;
        }
        if b.get(j).is_some_and(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
    }
    let parts_at = canon.len();
    j = parse_parts(b, j, &mut canon);
    if digit_at.is_none() {
        // The first part must be the exemption number 1-9.
        let parts = &canon.as_bytes()[parts_at..];
        let first_ok = parts.len() >= 3 && (b'1'..=b'9').contains(&parts[1]) && parts[2] == b')';
        if !first_ok {
            return None;
        }
    }
    // `(b)(7)(c)` and `(b)(7)(C)` are the same exemption: the sub-letters of
    // 552(b)(7) are printed in capitals in the statute.
    let canon = uppercase_after_seven(&canon);
    Some((j, canon))
}

fn uppercase_after_seven(canon: &str) -> String {
    match canon.strip_prefix("(b)(7)") {
        Some(rest) => format!("(b)(7){}", rest.to_ascii_uppercase()),
        None => canon.to_string(),
    }
}

fn starts_with_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(text: &str) -> Vec<(String, Vec<String>)> {
        scan(text)
            .into_iter()
            .map(|g| {
                (
                    g.printed(text).to_string(),
                    g.codes.into_iter().map(|c| c.canonical).collect(),
                )
            })
            .collect()
    }

    fn canon(text: &str) -> Vec<String> {
        scan(text)
            .into_iter()
            .flat_map(|g| g.codes)
            .map(|c| c.canonical)
            .collect()
    }

    #[test]
    fn single_codes_in_prose() {
        assert_eq!(
            printed("The Prime Minister said s6(a)"),
            vec![("s6(a)".into(), vec!["s6(a)".into()])]
        );
        assert_eq!(canon("reset. s9(2)(g)(i)"), vec!["s9(2)(g)(i)"]);
        assert_eq!(canon("x s9(2)(ba)(i) y"), vec!["s9(2)(ba)(i)"]);
    }

    #[test]
    fn a_list_is_one_group() {
        assert_eq!(
            printed("16. s6(a), s6(b)(i)"),
            vec![(
                "s6(a), s6(b)(i)".into(),
                vec!["s6(a)".into(), "s6(b)(i)".into()]
            )]
        );
        assert_eq!(printed("s6(a); s9(2)(a) and s6(b)").len(), 1);
        assert_eq!(
            canon("s6(a); s9(2)(a) and s6(b)"),
            vec!["s6(a)", "s9(2)(a)", "s6(b)"]
        );
    }

    #[test]
    fn separate_groups_when_prose_intervenes() {
        let got = printed("10. s6(b)(i) was interested in AUKUS s6(b)(i) asked about");
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn agency_notations() {
        assert_eq!(canon("withheld s.9(2)(a) OIA here"), vec!["s9(2)(a)"]);
        assert_eq!(printed("withheld s.9(2)(g) OIA here")[0].0, "s.9(2)(g) OIA");
        assert_eq!(canon("withheld s 9(2)(a) here"), vec!["s9(2)(a)"]);
        assert_eq!(canon("[s9(2)(a)]"), vec!["s9(2)(a)"]);
        assert_eq!(printed("a [9(2)(a)] b")[0].0, "[9(2)(a)]");
        assert_eq!(canon("9(2)(a)"), vec!["s9(2)(a)"]);
        assert_eq!(canon("  section 9(2)(a)  "), vec!["s9(2)(a)"]);
        assert_eq!(canon("s47F"), vec!["s47F"]);
        assert_eq!(canon("s 47E(d)"), vec!["s47E(d)"]);
    }

    #[test]
    fn run_in_codes_from_extraction() {
        assert_eq!(
            canon("s9(2)(k)s9(2)(k)Driver licensing"),
            vec!["s9(2)(k)", "s9(2)(k)"]
        );
        assert_eq!(canon("under the OIAs.9(2)(g) for"), vec!["s9(2)(g)"]);
    }

    #[test]
    fn split_subitem_is_rejoined() {
        assert_eq!(
            canon("reset s6(a), s9(2)(g) (i)"),
            vec!["s6(a)", "s9(2)(g)(i)"]
        );
    }

    #[test]
    fn out_of_scope_in_any_case() {
        assert_eq!(canon("Out of scope"), vec![OUT_OF_SCOPE]);
        assert_eq!(canon("- Not in scope"), vec![OUT_OF_SCOPE]);
        assert_eq!(canon("out of scope"), vec![OUT_OF_SCOPE]);
    }

    #[test]
    fn citations_in_prose_are_not_markers() {
        assert!(scan("(section 15A(1)(a) and (b) of the OIA refers)").is_empty());
        assert!(scan("- 6(a): to avoid prejudicing the security").is_empty());
        assert!(scan("sections 9(2) and 10").is_empty());
        assert!(scan("Thursday 11 July, s6 in the list").is_empty());
        assert!(scan("bus9(2)(a)").is_empty());
        assert!(scan("12 s").is_empty());
    }

    #[test]
    fn foia_exemptions() {
        assert_eq!(canon("(b)(6)"), vec!["(b)(6)"]);
        assert_eq!(
            canon("redacted (b)(6), (b)(7)(c) here"),
            vec!["(b)(6)", "(b)(7)(C)"]
        );
        assert_eq!(canon("b6"), vec!["(b)(6)"]);
        assert!(scan("items (a) and (b) apply").is_empty());
    }

    #[test]
    fn foia_agency_notations() {
        // DOJ prints a space after (b); the FBI runs the (7) letter on.
        assert_eq!(canon("withheld (b) (6) here"), vec!["(b)(6)"]);
        assert_eq!(canon("(b) (6), (b) (7)(C)"), vec!["(b)(6)", "(b)(7)(C)"]);
        assert_eq!(printed("x (b) (6) y")[0].0, "(b) (6)");
        assert_eq!(
            canon("b6 b7C b7D"),
            vec!["(b)(6)", "(b)(7)(C)", "(b)(7)(D)"]
        );
        assert_eq!(canonical("b7E").as_deref(), Some("(b)(7)(E)"));
        // Not codes: a word, a lower-case run-on, a letter past F.
        assert!(scan("b7Cx").is_empty());
        assert!(scan("b7G").is_empty());
        assert!(scan("items (a) and (b) apply (2)").is_empty());
        assert_eq!(parent("(b)(6)"), None);
        assert_eq!(parent("(b)(7)"), None);
    }

    #[test]
    fn uk_and_australian_notations() {
        assert_eq!(canon("withheld s.40(2) FOIA"), vec!["s40(2)"]);
        assert_eq!(printed("withheld s.40(2) FOIA")[0].0, "s.40(2) FOIA");
        assert_eq!(canon("[section 40(2)]"), vec!["s40(2)"]);
        assert_eq!(canon("Section 43(2)"), vec!["s43(2)"]);
        assert_eq!(canon("S.36(2)(b)(ii)"), vec!["s36(2)(b)(ii)"]);
        assert_eq!(canon("s37(1)(aa)"), vec!["s37(1)(aa)"]);
        assert_eq!(
            canon("deleted s 47F(1) and s. 47E(d)"),
            vec!["s47F(1)", "s47E(d)"]
        );
        assert_eq!(canon("s 22(1)(a)(ii)"), vec!["s22(1)(a)(ii)"]);
        assert_eq!(canon("s45A"), vec!["s45A"]);
        assert_eq!(canon("s7(2)(f)(i) LGOIMA"), vec!["s7(2)(f)(i)"]);
        // A bare section number in prose is a citation, not a marker.
        assert!(scan("as section 40 of the Act says").is_empty());
        assert!(scan("see s 42 for privilege").is_empty());
    }

    #[test]
    fn canonical_and_parent() {
        assert_eq!(canonical("s.9(2)(g) OIA").as_deref(), Some("s9(2)(g)"));
        assert_eq!(canonical("Not in scope").as_deref(), Some(OUT_OF_SCOPE));
        assert_eq!(canonical("hello"), None);
        assert_eq!(parent("s9(2)(g)(i)").as_deref(), Some("s9(2)(g)"));
        assert_eq!(parent("s9(2)(g)").as_deref(), Some("s9(2)"));
        assert_eq!(parent("s6(a)"), None);
        assert_eq!(parent("(b)(7)(C)").as_deref(), Some("(b)(7)"));
    }

    #[test]
    fn spans_point_into_the_text() {
        let text = "line one\n5. s6(a), s6(b)(i)\n";
        let g = &scan(text)[0];
        assert_eq!(g.printed(text), "s6(a), s6(b)(i)");
        assert_eq!(&text[g.codes[1].span.clone()], "s6(b)(i)");
    }

    #[test]
    fn paragraph_numbers() {
        assert_eq!(paragraph_number("12. The PM said"), Some("12"));
        assert_eq!(paragraph_number("2 Prime Minister Kishida"), Some("2"));
        assert_eq!(paragraph_number("11.2. The government"), Some("11.2"));
        assert_eq!(paragraph_number("11"), Some("11"));
        assert_eq!(paragraph_number("9 July 2024, Washington DC"), None);
        assert_eq!(paragraph_number("2024 was"), None);
        assert_eq!(paragraph_number("6(a): to avoid"), None);
        assert_eq!(paragraph_number("The PM"), None);
    }

    #[test]
    fn the_byte_table_says_what_the_prose_rule_says() {
        // A byte may start a group exactly when `may_start` accepts it
        // before some bytes (`s. 9`, `s 9`, `s9`, `ou`, `b(`, ...), so a
        // notation added there without its first byte here fails.
        let starts = |b: u8| {
            (0..=255u8).any(|n| [b' ', b'0'].iter().any(|&m| may_start(&[b, n, m, b'0'], 0)))
        };
        let in_word = |p: u8| p.is_ascii_alphanumeric() && p != b'A';
        for b in 0..=255u8 {
            let table = |prev: u8| BYTE_CLASS[b as usize] & !(prev >> 1) & START != 0;
            assert_eq!(table(0), starts(b), "byte {b} at the start of a line");
            for p in 0..=255u8 {
                assert_eq!(
                    table(BYTE_CLASS[p as usize]),
                    starts(b) && !in_word(p),
                    "byte {b} after {p}"
                );
            }
        }
    }

    #[test]
    fn may_start_turns_away_only_what_cannot_start_a_group() {
        // Random lines of code-like fragments: wherever `may_start` says
        // no, parsing a group there finds nothing either, so the shortcut
        // never changes what `scan` finds.
        let parts: Vec<&str> = "s|S|.| |9|6|47|F|(2)|(a)|(g)|(i)|(b)|b|b7C|b(6)|Out of scope|\
            not in scope|NOT|o|on|n|N|[|]|,|and |; |OIA|section |(|)|x|ā|\u{feff}|of|by|\
            0|12|1.|T|The |B|Section |SECTION |OUT OF SCOPE|\t|-"
            .split('|')
            .collect();
        let mut draw = crate::testing::Draw::new(0x2545_f491_4f6c_dd1d);
        let mut checked = 0;
        for _ in 0..20_000 {
            let len = 1 + draw.below(12);
            let line: String = (0..len).map(|_| *draw.pick(&parts)).collect();
            for i in (0..line.len()).filter(|&i| line.is_char_boundary(i)) {
                if !may_start(line.as_bytes(), i) {
                    assert_eq!(group_at(&line, i, false), None, "{line:?} at {i}");
                    checked += 1;
                }
                if !may_start_lenient(line.as_bytes()[i]) {
                    assert_eq!(group_at(&line, i, true), None, "{line:?} at {i}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 100_000);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "s",
            "s.",
            "s (",
            "s9(",
            "s9(2",
            "(b)(",
            "[",
            "[s6(a)",
            "ā s6(ā)",
            "b",
            "\u{feff}s6(a)",
        ] {
            let _ = scan(s);
            let _ = canonical(s);
        }
    }
}

//! Splitting the released documents apart, and reading each one's header.
//!
//! A document starts at a title line (`File Note: …`, `Note for File: …`),
//! at a formal message's `From:` header (with `Subject:` a few lines on), or
//! — when its title was withheld — at the first content after another
//! document's signature block (`New Zealand Embassy` / `Washington DC` /
//! `July 2024`). Page stamps ("Released under the Official Information Act
//! 1982", printed at the foot of each page) split a document into segments;
//! which page each segment starts on is decided later, with the schedule's
//! page ranges (see `pages`).

use std::sync::LazyLock;

use regex::Regex;

use super::dates::{find_date, is_date_line, time_range};
use super::{normalise, SourceLine};
use crate::markers;
use crate::model::DocumentKind;

/// Title prefixes of notes, lower-cased. A line starting with one of these
/// starts a document.
pub const TITLE_PREFIXES: &[&str] = &[
    "file note:",
    "note for file:",
    "note to file:",
    "record of conversation:",
    "meeting note:",
    "briefing note:",
];

static CLASSIFICATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\[?(RESTRICTED|IN-CONFIDENCE|IN CONFIDENCE|CONFIDENTIAL|SENSITIVE|SECRET|TOP SECRET|UNCLASSIFIED)\]?$")
        .expect("valid regex")
});
static NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d+(?:\.\d+)*\.?\s").expect("valid regex"));
static FOOTER_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Z]{2,}(?:-[A-Z0-9]+)*-\d+(?:-\d+)*$").expect("valid regex"));

/// One released document as split from the source.
#[derive(Debug, Clone)]
pub struct SplitDocument {
    /// Source line where the document starts.
    pub line: usize,
    pub kind: DocumentKind,
    /// The title as printed (kind prefix kept); `None` when the released text
    /// has no title line.
    pub title: Option<String>,
    /// Author or post: the `From:` of a formal message, the signature block
    /// of a note.
    pub author: Option<String>,
    /// Date the document was written: `Date:` header or signature date.
    pub date: Option<String>,
    /// The date, place and time a note's heading gives for its meeting.
    pub meeting_date: Option<String>,
    pub place: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub classification: Option<String>,
    /// The document's lines, split at page stamps. Blank lines are kept.
    pub segments: Vec<Vec<SourceLine>>,
    /// Page stamps inside the document.
    pub stamps: usize,
    /// The release page of each segment, when the source marks pages
    /// itself with `<!-- page N -->` lines (a PDF import), else `None`.
    pub segment_pages: Vec<Option<u32>>,
    /// Whether any line beyond title, header and signature has released
    /// words (text that is not a redaction marker).
    pub has_released_text: bool,
    /// The signature block has been read: more content starts a new document.
    signed: bool,
    continuation_left: usize,
}

impl SplitDocument {
    fn new(line: usize, kind: DocumentKind, title: Option<String>) -> Self {
        SplitDocument {
            line,
            kind,
            title,
            author: None,
            date: None,
            meeting_date: None,
            place: None,
            start: None,
            end: None,
            classification: None,
            segments: vec![Vec::new()],
            stamps: 0,
            segment_pages: vec![None],
            has_released_text: false,
            signed: false,
            continuation_left: 0,
        }
    }

    /// Non-blank lines of the document, in order.
    pub fn content_lines(&self) -> impl Iterator<Item = &SourceLine> {
        self.segments
            .iter()
            .flatten()
            .filter(|l| normalise::carries_content(&l.text) && !is_comment_line(&l.text))
    }

    /// Segments that hold content (a trailing stamp opens no page).
    pub fn page_segments(&self) -> Vec<&Vec<SourceLine>> {
        let mut segs: Vec<&Vec<SourceLine>> = self.segments.iter().collect();
        while segs.len() > 1
            && !segs
                .last()
                .is_some_and(|s| s.iter().any(|l| normalise::carries_content(&l.text)))
        {
            segs.pop();
        }
        segs
    }

    /// The release page of each page segment, when the source marked
    /// every one of them with a `<!-- page N -->` line.
    pub fn explicit_pages(&self) -> Option<Vec<u32>> {
        let n = self.page_segments().len();
        self.segment_pages.iter().take(n).copied().collect()
    }

    fn push(&mut self, line: &SourceLine) {
        if let Some(seg) = self.segments.last_mut() {
            seg.push(line.clone());
        }
    }

    fn has_content(&self) -> bool {
        self.content_lines().next().is_some()
    }
}

/// The title kind of a line, when it starts a note.
fn note_title(text: &str) -> Option<String> {
    let t = text.trim();
    let lower = t.to_lowercase();
    TITLE_PREFIXES
        .iter()
        .any(|p| lower.starts_with(p))
        .then(|| t.to_string())
}

fn header_value<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let t = text.trim();
    let head = t.get(..name.len())?;
    head.eq_ignore_ascii_case(name)
        .then(|| t[name.len()..].trim())
        .filter(|v| !v.is_empty())
}

/// A signature line naming a post: `New Zealand Embassy Washington DC`,
/// `Washington Embassy`, `New Zealand Mission to NATO`.
pub fn is_signoff(text: &str) -> bool {
    let t = text.trim();
    // The post's name first: it rules out nearly every line without
    // splitting it into words.
    let post = [
        "Embassy",
        "High Commission",
        "Consulate",
        "Mission to ",
        "Permanent Mission",
        "Delegation",
    ]
    .iter()
    .any(|k| t.contains(k));
    if !post {
        return false;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty()
        || words.len() > 8
        || t.ends_with(['.', ':', ','])
        || t.starts_with(['-', '*'])
    {
        return false;
    }
    words.iter().all(|w| {
        w.chars().next().is_some_and(char::is_uppercase)
            || matches!(*w, "to" | "of" | "the" | "and" | "in" | "for")
    })
}

/// A line that may follow a signature line: the city (`Washington DC`,
/// `Brussels`) or the date (`July 2024`).
fn is_signoff_continuation(text: &str) -> bool {
    let t = text.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty() || words.len() > 4 {
        return false;
    }
    is_date_line(t)
        || words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && !w.chars().any(|c| c.is_ascii_digit())
                && !w.ends_with([':', ','])
                && markers::canonical(w).is_none()
        })
}

/// Whether a line has words outside its redaction markers.
fn has_words_outside_markers(text: &str) -> bool {
    let mut rest = String::new();
    let mut last = 0;
    for g in markers::scan(text) {
        rest.push_str(&text[last..g.span.start]);
        last = g.span.end;
    }
    rest.push_str(&text[last..]);
    rest.chars().filter(|c| c.is_alphabetic()).count() >= 2
}

/// Splits the documents part of the source (everything after the schedule).
pub fn split(lines: &[SourceLine]) -> Vec<SplitDocument> {
    split_from_page(lines, None)
}

/// The page number of a `<!-- page N -->` line (written by the PDF reader,
/// which knows each page's number exactly).
pub fn page_marker(text: &str) -> Option<u32> {
    text.trim()
        .strip_prefix("<!-- page ")?
        .strip_suffix(" -->")?
        .parse()
        .ok()
}

/// Other comment lines the PDF reader writes (page furniture, OCR notes):
/// kept in place, never a document's start or structure.
fn is_comment_line(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("<!--") && t.ends_with("-->")
}

/// `split`, for a source that marks its pages with `<!-- page N -->` lines;
/// `page` is the page in effect where `lines` begin.
pub fn split_from_page(lines: &[SourceLine], mut page: Option<u32>) -> Vec<SplitDocument> {
    let mut docs: Vec<SplitDocument> = Vec::new();
    let mut pending: Vec<SourceLine> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let text = line.text.trim();
        if let Some(n) = page_marker(text) {
            page = Some(n);
            if let Some(doc) = docs.last_mut() {
                if doc.segments.last().is_some_and(|s| {
                    s.iter()
                        .any(|l| normalise::carries_content(&l.text) && !is_comment_line(&l.text))
                }) {
                    doc.segments.push(Vec::new());
                    doc.segment_pages.push(Some(n));
                } else if let Some(last) = doc.segment_pages.last_mut() {
                    *last = Some(n);
                }
            }
            continue;
        }
        // A page's comment lines (its furniture, an OCR note) go with the
        // page's first content line, into whichever document that is.
        if is_comment_line(text) || (!pending.is_empty() && !normalise::carries_content(text)) {
            pending.push(line.clone());
            continue;
        }
        if normalise::is_page_stamp(text) {
            if let Some(doc) = docs.last_mut() {
                for l in pending.drain(..) {
                    doc.push(&l);
                }
                doc.stamps += 1;
                doc.segments.push(Vec::new());
                doc.segment_pages.push(None);
            }
            continue;
        }
        if !normalise::carries_content(text) {
            if let Some(doc) = docs.last_mut() {
                doc.push(line);
            }
            continue;
        }
        let starts = if let Some(title) = note_title(text) {
            Some(SplitDocument::new(
                line.number,
                DocumentKind::FileNote,
                Some(title),
            ))
        } else if header_value(text, "From:").is_some() && is_message_header(&lines[i..]) {
            Some(SplitDocument::new(
                line.number,
                DocumentKind::FormalMessage,
                None,
            ))
        } else {
            match docs.last_mut() {
                None => Some(SplitDocument::new(line.number, DocumentKind::Other, None)),
                Some(doc) if doc.signed => {
                    if doc.continuation_left > 0 && is_signoff_continuation(text) {
                        doc.continuation_left -= 1;
                        doc.push(line);
                        note_signoff_line(doc, text);
                        continue;
                    }
                    if FOOTER_ID.is_match(text) {
                        doc.continuation_left = 0;
                        doc.push(line);
                        continue;
                    }
                    // Content after a signed-off document, with no title of
                    // its own: a document whose title was withheld.
                    Some(SplitDocument::new(line.number, DocumentKind::Other, None))
                }
                Some(_) => None,
            }
        };
        if let Some(mut doc) = starts {
            doc.segment_pages = vec![page];
            docs.push(doc);
        }
        let Some(doc) = docs.last_mut() else { continue };
        for l in pending.drain(..) {
            doc.push(&l);
        }
        let had_content = doc.has_content();
        doc.push(line);
        if is_signoff(text) && had_content {
            doc.signed = true;
            doc.continuation_left = 2;
            doc.author = Some(text.to_string());
        } else if !doc.has_released_text
            // Once set it stays set: the checks (a marker scan a line) are
            // skipped for the rest of the document.
            && !is_header_line(doc, text)
            && has_words_outside_markers(text)
        {
            doc.has_released_text = true;
        }
    }
    if let Some(doc) = docs.last_mut() {
        for l in pending.drain(..) {
            doc.push(&l);
        }
    }
    for doc in &mut docs {
        read_header(doc);
    }
    docs
}

/// `From:` followed within a few lines by `Subject:`.
fn is_message_header(lines: &[SourceLine]) -> bool {
    lines
        .iter()
        .skip(1)
        .take(8)
        .any(|l| header_value(&l.text, "Subject:").is_some())
}

/// Lines that belong to a document's furniture rather than its text.
fn is_header_line(doc: &SplitDocument, text: &str) -> bool {
    doc.title.as_deref() == Some(text)
        || ["From:", "To:", "Cc:", "Subject:", "Date:", "Attachments:"]
            .iter()
            .any(|h| header_value(text, h).is_some())
        || doc.content_lines().count() <= 4 && find_date(text).is_some_and(|(_, r)| r.start == 0)
        || CLASSIFICATION.is_match(text)
}

fn note_signoff_line(doc: &mut SplitDocument, text: &str) {
    if is_date_line(text) {
        if let Some((iso, _)) = find_date(text) {
            doc.date = Some(iso);
        }
    } else if let Some(author) = &mut doc.author {
        author.push_str(", ");
        author.push_str(text);
    }
}

/// Title, author, dates, place, times and classification from the top of
/// the document.
fn read_header(doc: &mut SplitDocument) {
    let lines: Vec<String> = doc
        .content_lines()
        .map(|l| l.text.trim().to_string())
        .collect();
    if doc.kind == DocumentKind::FormalMessage {
        for t in lines.iter().take(40) {
            if let Some(v) = header_value(t, "From:") {
                doc.author.get_or_insert_with(|| v.to_string());
            } else if let Some(v) = header_value(t, "Subject:") {
                doc.title.get_or_insert_with(|| v.to_string());
            } else if let Some(v) = header_value(t, "Date:") {
                if doc.date.is_none() {
                    doc.date = find_date(v).map(|(d, _)| d);
                }
            }
        }
        // A formal message's signature is its `From:`: a post named in its
        // text is not its author.
        if let Some(from) = lines.iter().find_map(|t| header_value(t, "From:")) {
            doc.author = Some(from.to_string());
        }
    }
    doc.classification = lines
        .iter()
        .take(30)
        .find_map(|t| CLASSIFICATION.captures(t).map(|c| c[1].to_string()));
    if doc.kind == DocumentKind::FormalMessage {
        return;
    }
    // A note's heading: an optional place line, then `9 July 2024, 0730` or
    // `9 July 2024, Washington DC`, then an optional time range.
    let skip = usize::from(doc.title.is_some());
    let mut seen_date = false;
    for t in lines.iter().skip(skip).take(4) {
        if t.eq_ignore_ascii_case("attendees")
            || t.to_lowercase().starts_with("attendees")
            || t.starts_with('-')
            || (NUMBERED.is_match(t) && find_date(t).is_none_or(|(_, r)| r.start > 0))
        {
            break;
        }
        if !seen_date {
            if let Some((iso, range)) = find_date(t) {
                if range.start == 0 {
                    seen_date = true;
                    doc.meeting_date = Some(iso);
                    let rest = t[range.end..]
                        .trim_start_matches([',', ' '])
                        .trim()
                        .trim_end_matches('.');
                    if let Some((s, e)) = time_range(rest) {
                        doc.start = Some(s);
                        doc.end = e;
                    } else if !rest.is_empty() && doc.place.is_none() {
                        doc.place = Some(rest.to_string());
                    }
                    continue;
                }
            }
            if time_range(t).is_none() && !has_markers(t) && t.split_whitespace().count() <= 8 {
                doc.place = Some(t.trim_end_matches('.').to_string());
                continue;
            }
            break;
        }
        match time_range(t) {
            Some((s, e)) => {
                doc.start = Some(s);
                doc.end = e;
            }
            None => break,
        }
    }
    if doc.date.is_none() {
        doc.date = doc.meeting_date.clone();
    }
}

fn has_markers(text: &str) -> bool {
    !markers::scan(text).is_empty()
}

/// The document's body: its lines with a `<!-- page N -->` marker at the
/// start of each page segment, blank runs collapsed, tables completed.
pub fn body(doc: &SplitDocument, pages: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    for (seg, page) in doc.page_segments().into_iter().zip(pages) {
        push_blank(&mut out);
        out.push(format!("<!-- page {page} -->"));
        push_blank(&mut out);
        push_lines(
            &mut out,
            seg.iter().map(|l| (l.raw.as_str(), l.text.as_str())),
        );
    }
    finish(out)
}

/// Notes on a body's paragraph numbering as released: numbers printed
/// twice, and runs of numbers that do not appear (withheld or unnumbered
/// pages). Sub-paragraphs (`11.2`) have their own numbering and are skipped.
pub fn numbering_notes(body: &str) -> Vec<String> {
    let mut notes = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut last: Option<u32> = None;
    for line in body.lines() {
        let Some(n) = markers::paragraph_number(line).and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        if !seen.insert(n) {
            notes.push(format!(
                "Paragraph number {n} is printed twice in the release; both are kept as printed (the second is anchored p{n}-2)."
            ));
        } else if let Some(prev) = last.filter(|p| n > p + 1) {
            let gap = if n == prev + 2 {
                format!("paragraph {}", prev + 1)
            } else {
                format!("paragraphs {}-{}", prev + 1, n - 1)
            };
            notes.push(format!(
                "Paragraph numbers jump from {prev} to {n}: no {gap} in the released text (withheld, out of scope, or printed without a number)."
            ));
        }
        last = Some(last.map_or(n, |p| p.max(n)));
    }
    notes
}

/// Appends lines, collapsing blank runs and adding a separator row under
/// the first row of each table.
pub fn push_lines<'a>(out: &mut Vec<String>, lines: impl Iterator<Item = (&'a str, &'a str)>) {
    let mut in_table = false;
    let mut in_header = false;
    for (raw, text) in lines {
        if !normalise::carries_content(text) {
            in_table = false;
            in_header = false;
            push_blank(out);
            continue;
        }
        if normalise::is_table_row(raw) {
            if !in_table {
                push_blank(out);
                out.push(text.to_string());
                out.push(normalise::table_separator(
                    normalise::table_cells(raw).len(),
                ));
                in_table = true;
                continue;
            }
        } else if in_table {
            // A table ends at the first line that is not a row.
            push_blank(out);
            in_table = false;
        } else if let Some(prev) = out.last().filter(|l| !l.is_empty()) {
            // Markdown would run a message header, an address or a signature
            // block into one paragraph; a blank line keeps the release's lines.
            if in_header || separate_lines(prev, text) {
                push_blank(out);
            }
        }
        if header_value(text, "From:").is_some() {
            in_header = true;
        }
        out.push(text.to_string());
    }
}

/// Whether two consecutive lines are separate lines of a block (`New Zealand
/// Embassy` / `July 2024`) rather than one paragraph wrapped: both short,
/// neither a list item, and the second not continuing a sentence.
fn separate_lines(prev: &str, next: &str) -> bool {
    let short = |t: &str| t.split_whitespace().count() <= 6;
    let list_item = |t: &str| {
        let t = t.trim_start();
        let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        t.starts_with("- ")
            || t.starts_with("* ")
            || (digits > 0 && (t[digits..].starts_with(". ") || t[digits..].starts_with(") ")))
    };
    short(prev)
        && short(next)
        && !list_item(prev)
        && !list_item(next)
        && !prev.trim_end().ends_with([',', ';', '-', '–'])
        && !next.trim_start().starts_with(char::is_lowercase)
}

fn push_blank(out: &mut Vec<String>) {
    if out.last().is_some_and(|l| !l.is_empty()) {
        out.push(String::new());
    }
}

/// Joins lines, without leading or trailing blank lines, ending in a newline.
pub fn finish(mut out: Vec<String>) -> String {
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    let start = out.iter().position(|l| !l.is_empty()).unwrap_or(out.len());
    let mut s = out[start..].join("\n");
    s.push('\n');
    s
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
                text: normalise::line(t),
            })
            .collect()
    }

    #[test]
    fn splits_at_titles_headers_and_after_signatures() {
        let docs = split(&lines(
            "File Note: Meeting with A\n\nHome, Town.\n\n9 July 2024, 0730\n\n1. Text s6(a)\n\nReleased under the Official Information Act 1982\n\n2. More\n\nNew Zealand Embassy\nWashington DC\n\nReleased under the Official Information Act 1982\n\ns6(a), s6(b)(ii)\n\nNew Zealand Mission to NATO\nBrussels\n\nReleased under the Official Information Act 1982\n\nFrom: [POST](#)\nTo: [X](#)\nSubject: FORMAL MESSAGE: THING\nDate: Tuesday, 16 July 2024 7:24:50 am\n\n[RESTRICTED]\n\n1. Words\n",
        ));
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].title.as_deref(), Some("File Note: Meeting with A"));
        assert_eq!(docs[0].place.as_deref(), Some("Home, Town"));
        assert_eq!(docs[0].start.as_deref(), Some("07:30"));
        assert_eq!(docs[0].meeting_date.as_deref(), Some("2024-07-09"));
        assert_eq!(
            docs[0].author.as_deref(),
            Some("New Zealand Embassy, Washington DC")
        );
        assert_eq!(docs[0].stamps, 2);
        assert_eq!(docs[0].page_segments().len(), 2);
        assert!(docs[0].has_released_text);
        assert_eq!(docs[1].title, None);
        assert!(!docs[1].has_released_text);
        assert_eq!(
            docs[1].author.as_deref(),
            Some("New Zealand Mission to NATO, Brussels")
        );
        assert_eq!(docs[2].kind, DocumentKind::FormalMessage);
        assert_eq!(docs[2].title.as_deref(), Some("FORMAL MESSAGE: THING"));
        assert_eq!(docs[2].author.as_deref(), Some("POST"));
        assert_eq!(docs[2].date.as_deref(), Some("2024-07-16"));
        assert_eq!(docs[2].classification.as_deref(), Some("RESTRICTED"));
    }

    #[test]
    fn blocks_of_short_lines_stay_separate_lines() {
        let mut out = Vec::new();
        let lines = [
            "From: POST",
            "To: DESK",
            "Cc: A long list of addressees that runs on and on and on",
            "",
            "New Zealand Embassy",
            "Washington DC",
            "",
            "36 s6(a) the task of",
            "organising and chairing of this year's meeting fell to New Zealand.",
            "- a",
            "- b",
        ];
        push_lines(&mut out, lines.iter().map(|l| (*l, *l)));
        assert_eq!(
            finish(out),
            "From: POST\n\nTo: DESK\n\nCc: A long list of addressees that runs on and on and on\n\nNew Zealand Embassy\n\nWashington DC\n\n36 s6(a) the task of\norganising and chairing of this year's meeting fell to New Zealand.\n- a\n- b\n"
        );
    }

    #[test]
    fn numbering_repeats_and_gaps_are_noted() {
        let notes = numbering_notes("1. a\n\n2 b\n\n2 c\n\n5. d\n\n11.2. e\n\n7 f\n");
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(notes[0].contains("2 is printed twice"));
        assert!(notes[1].contains("from 2 to 5") && notes[1].contains("paragraphs 3-4"));
        assert!(notes[2].contains("no paragraph 6 "));
    }

    #[test]
    fn body_marks_each_page() {
        let docs = split(&lines(
            "File Note: A\n\n1. x\n\nReleased under the Official Information Act 1982\n\n2. y\n",
        ));
        assert_eq!(
            body(&docs[0], &[3, 4]),
            "<!-- page 3 -->\n\nFile Note: A\n\n1. x\n\n<!-- page 4 -->\n\n2. y\n"
        );
    }
}

//! Extraction artefacts → the release's own text, one line at a time.
//!
//! PDF-to-text tools leave traces that are not part of the release:
//! superscripts written `^{s6(a)}`, link stubs `[WASHINGTON](#)` with
//! Markdown-escaped brackets inside, footnote references `^[1]`, HTML list
//! tags in table cells, stray bullets, and tab-separated table rows. Each
//! function here undoes one of them without adding or dropping words, so
//! the lossless test can compare the source with the written content line
//! by line.

use std::sync::LazyLock;

use regex::Regex;

static SUPERSCRIPT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\^\{([^}]*)\}").expect("valid regex"));
static FOOTNOTE_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\^\[(\d+)\]").expect("valid regex"));
static LINK_STUB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[((?:[^\]\\]|\\.)*)\]\(#\)").expect("valid regex"));
static ESCAPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\\([()\[\]])").expect("valid regex"));
static HTML_LIST_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"</?(?:ul|ol|li)(?:\s[^>]*)?>").expect("valid regex"));
static STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^released under the [\w ]*\bact \d{4}$").expect("valid regex")
});

/// True for the "Released under the Official Information Act 1982" stamp
/// printed at the foot of every released page (any Act, any letter case).
pub fn is_page_stamp(line: &str) -> bool {
    STAMP.is_match(line.trim())
}

/// True when a line holds a tab-separated table row.
pub fn is_table_row(raw: &str) -> bool {
    raw.contains('\t')
}

/// True when a line carries content: at least one letter or digit. Blank
/// lines and stray bullets (`-`) carry none.
pub fn carries_content(line: &str) -> bool {
    line.chars().any(char::is_alphanumeric)
}

/// One line of release text with its artefacts undone. Leading spaces are
/// kept (they nest list items); trailing spaces are dropped. A tab-separated
/// row becomes a Markdown table row (see [`table_row`]).
pub fn line(raw: &str) -> String {
    if is_table_row(raw) {
        return table_row(raw);
    }
    inline(raw)
}

/// The inline artefacts of a line (everything but tables).
pub fn inline(raw: &str) -> String {
    let text = raw.trim_end();
    // Every artefact below starts with one of these characters: most lines
    // have none, and skip the regexes.
    if !text.contains(['^', '[', '<']) {
        return text.to_string();
    }
    // A footnote definition at the start of a line: `^[1] text` → `[^1]: text`.
    let text = match FOOTNOTE_REF.find(text) {
        Some(m) if m.start() == text.len() - text.trim_start().len() => {
            let n = &text[m.start() + 2..m.end() - 1];
            format!("{}[^{n}]:{}", &text[..m.start()], &text[m.end()..])
        }
        _ => text.to_string(),
    };
    let text = FOOTNOTE_REF.replace_all(&text, "[^$1]");
    let text = LINK_STUB.replace_all(&text, |c: &regex::Captures| {
        ESCAPE.replace_all(&c[1], "$1").into_owned()
    });
    let text = superscripts(&text);
    let text = HTML_LIST_TAG.replace_all(&text, "");
    text.trim_end().to_string()
}

/// `^{s6(a)}` → `s6(a)`. A superscript run into the word before it
/// (`adviser^{s6(a)}`) gets a space, so the code reads as a code and not as
/// the end of a word.
fn superscripts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for caps in SUPERSCRIPT.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        out.push_str(&text[last..whole.start()]);
        if out.chars().next_back().is_some_and(char::is_alphanumeric) {
            out.push(' ');
        }
        out.push_str(&caps[1]);
        last = whole.end();
    }
    out.push_str(&text[last..]);
    out
}

/// A tab-separated row as a Markdown table row: `| a | b |`. Cells are
/// trimmed, HTML list tags dropped and `|` escaped.
pub fn table_row(raw: &str) -> String {
    let cells: Vec<String> = table_cells(raw)
        .into_iter()
        .map(|c| c.replace('|', "\\|"))
        .collect();
    format!("| {} |", cells.join(" | "))
}

/// The cells of a tab-separated row, each with its inline artefacts undone.
pub fn table_cells(raw: &str) -> Vec<String> {
    raw.trim_end_matches(['\n', '\r'])
        .split('\t')
        .map(|c| inline(c).trim().to_string())
        .collect()
}

/// The separator row under a table's header: `| --- | --- |`.
pub fn table_separator(columns: usize) -> String {
    format!("|{}", " --- |".repeat(columns.max(1)))
}

/// Whether a normalised line is a Markdown table separator row.
pub fn is_table_separator(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('|') && t.chars().all(|c| matches!(c, '|' | '-' | ' ' | ':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn superscripts_become_plain_codes() {
        assert_eq!(line("1. ^{s6(b)(i)}"), "1. s6(b)(i)");
        assert_eq!(line("Principal adviser^{s6(a)}"), "Principal adviser s6(a)");
        assert_eq!(
            line("reset ^{s6(a), s9(2)(g)} (i)"),
            "reset s6(a), s9(2)(g) (i)"
        );
    }

    #[test]
    fn link_stubs_keep_their_text_unescaped() {
        assert_eq!(line("From: [WASHINGTON](#)"), "From: WASHINGTON");
        assert_eq!(
            line("Cc: [ALL POSTS \\(FM\\)](#); [CEO](#)"),
            "Cc: ALL POSTS (FM); CEO"
        );
        assert_eq!(
            line("[FM.DPMC \\(Seemail\\); s6\\(a\\)](#)"),
            "FM.DPMC (Seemail); s6(a)"
        );
        assert_eq!(line("[RESTRICTED]"), "[RESTRICTED]");
    }

    #[test]
    fn footnotes_become_markdown_footnotes() {
        assert_eq!(
            line("met with 21 Members ^[1], including"),
            "met with 21 Members [^1], including"
        );
        assert_eq!(
            line("^[1] Prime Minister Luxon met"),
            "[^1]: Prime Minister Luxon met"
        );
    }

    #[test]
    fn tab_rows_become_table_rows() {
        assert_eq!(
            line("2\tA meeting\t<ul style=\"list-style-type: none\"> File Note: X \t6-7"),
            "| 2 | A meeting | File Note: X | 6-7 |"
        );
        assert_eq!(table_separator(2), "| --- | --- |");
        assert!(is_table_separator("| --- | --- |"));
    }

    #[test]
    fn stamps_and_empty_bullets() {
        assert!(is_page_stamp(
            "Released under the Official Information Act 1982"
        ));
        assert!(is_page_stamp(
            "RELEASED UNDER THE OFFICIAL INFORMATION ACT 1982 "
        ));
        assert!(!is_page_stamp("It was released under the Act"));
        assert!(!carries_content("-"));
        assert!(carries_content("- a"));
    }
}

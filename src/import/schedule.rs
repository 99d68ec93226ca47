//! The schedule of documents ("Annex A"): a tab-separated table of request
//! item → meeting → documents in scope → pages.
//!
//! Extraction flattens a cell's list of documents into one run of text
//! (`<ul …> File Note: … FORMAL MESSAGE: … `) and its page ranges into
//! `1-5 44-49`; titles are split again where a document-kind prefix starts,
//! and paired with the ranges in order.

use std::sync::LazyLock;

use regex::Regex;

use super::normalise;
use super::SourceLine;
use crate::diagnostics::Diagnostic;
use crate::model::PageRange;

/// One row of the schedule as printed.
#[derive(Debug, Clone)]
pub struct Row {
    /// Source line of the row.
    pub line: usize,
    pub item: String,
    pub subject: String,
    pub documents: Vec<RowDocument>,
}

#[derive(Debug, Clone)]
pub struct RowDocument {
    /// The title as the schedule prints it.
    pub title: String,
    pub pages: Option<PageRange>,
}

static TITLE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:\bemail\s*[-–]\s*)?(?:\bformal message|\bfile note|\bnote for file|\bnote to file|\brecord of conversation|\bmeeting note|\bbriefing note|\baide[- ]m[ée]moire)\s*:",
    )
    .expect("valid regex")
});

/// Column roles, found from the header row's words.
#[derive(Debug, Clone, Copy)]
struct Columns {
    item: usize,
    subject: usize,
    documents: usize,
    pages: usize,
}

impl Columns {
    fn from_header(cells: &[String]) -> Option<Columns> {
        let find = |words: &[&str]| {
            cells.iter().position(|c| {
                let c = c.to_lowercase();
                words.iter().any(|w| c.contains(w))
            })
        };
        Some(Columns {
            item: find(&["request", "item", "#", "no."])?,
            subject: find(&["meeting", "subject", "description", "engagement"])?,
            documents: find(&["document", "title"])?,
            pages: find(&["page"])?,
        })
    }
}

const POSITIONAL: Columns = Columns {
    item: 0,
    subject: 1,
    documents: 2,
    pages: 3,
};

/// Reads the rows among `lines` (the schedule's part of the source).
pub fn read(path: &std::path::Path, lines: &[SourceLine], diags: &mut Vec<Diagnostic>) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut columns: Option<Columns> = None;
    for line in lines.iter().filter(|l| normalise::is_table_row(&l.raw)) {
        let cells = normalise::table_cells(&line.raw);
        if let Some(header) = Columns::from_header(&cells) {
            if !cells
                .first()
                .is_some_and(|c| c.chars().next().is_some_and(|ch| ch.is_ascii_digit()))
            {
                columns = Some(header);
                continue;
            }
        }
        let cols = columns.unwrap_or(POSITIONAL);
        let cell = |i: usize| cells.get(i).cloned().unwrap_or_default();
        let titles = split_titles(&cell(cols.documents));
        let (ranges, bad) = page_ranges(&cell(cols.pages));
        for b in bad {
            diags.push(
                Diagnostic::warning(
                    "schedule-pages",
                    path,
                    format!("`{b}` in the schedule's pages column is not a page range"),
                )
                .at(line.number, 1)
                .hint("the row's documents are imported without those pages"),
            );
        }
        if !ranges.is_empty() && ranges.len() != titles.len() {
            diags.push(
                Diagnostic::warning(
                    "schedule-pages",
                    path,
                    format!(
                        "the schedule row lists {} documents but {} page ranges",
                        titles.len(),
                        ranges.len()
                    ),
                )
                .at(line.number, 1)
                .hint(
                    "documents and ranges are paired in order; check the row's pages in release.md",
                ),
            );
        }
        let documents = titles
            .into_iter()
            .enumerate()
            .map(|(i, title)| RowDocument {
                title,
                pages: ranges.get(i).copied(),
            })
            .collect();
        rows.push(Row {
            line: line.number,
            item: cell(cols.item),
            subject: cell(cols.subject),
            documents,
        });
    }
    rows
}

/// Splits a flattened cell into document titles at each kind prefix.
pub fn split_titles(cell: &str) -> Vec<String> {
    let cell = normalise::inline(cell);
    let cell = cell.trim();
    let starts: Vec<usize> = TITLE_START.find_iter(cell).map(|m| m.start()).collect();
    let mut cuts = Vec::new();
    if starts.first() != Some(&0) {
        cuts.push(0);
    }
    cuts.extend(starts);
    let mut titles = Vec::new();
    for (i, &start) in cuts.iter().enumerate() {
        let end = cuts.get(i + 1).copied().unwrap_or(cell.len());
        let t = cell[start..end].trim();
        if !t.is_empty() {
            titles.push(t.to_string());
        }
    }
    titles
}

/// `1-5 44-49` → two ranges; anything unreadable is returned separately.
fn page_ranges(cell: &str) -> (Vec<PageRange>, Vec<String>) {
    let mut ranges = Vec::new();
    let mut bad = Vec::new();
    for tok in cell
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|t| !t.is_empty())
    {
        match tok.parse::<PageRange>() {
            Ok(r) => ranges.push(r),
            Err(_) => bad.push(tok.to_string()),
        }
    }
    (ranges, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_flattened_titles() {
        let t = split_titles(
            "<ul> Email - FORMAL MESSAGE: NATO SUMMIT: X File Note: Bilateral Meeting with Y ",
        );
        assert_eq!(
            t,
            vec![
                "Email - FORMAL MESSAGE: NATO SUMMIT: X",
                "File Note: Bilateral Meeting with Y"
            ]
        );
        assert_eq!(split_titles("Note for File: A"), vec!["Note for File: A"]);
    }

    #[test]
    fn reads_rows_with_header() {
        let lines: Vec<SourceLine> = [
            "Request #\tMeeting\tDocuments in scope\tPages",
            "2\tA meeting with B.\tNote for File: B (Democrat – Washington)\t6-7",
            "7\tC\t<ul style=\"list-style-type: none\"> Email - FORMAL MESSAGE: X File Note: Y \t20-29 42-43",
        ]
        .iter()
        .enumerate()
        .map(|(i, t)| SourceLine { number: i + 1, raw: t.to_string(), text: String::new() })
        .collect();
        let mut diags = Vec::new();
        let rows = read(std::path::Path::new("x"), &lines, &mut diags);
        assert!(diags.is_empty());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].item, "2");
        assert_eq!(
            rows[0].documents[0].pages,
            Some(PageRange { first: 6, last: 7 })
        );
        assert_eq!(rows[1].documents[1].title, "File Note: Y");
        assert_eq!(
            rows[1].documents[1].pages,
            Some(PageRange {
                first: 42,
                last: 43
            })
        );
    }
}

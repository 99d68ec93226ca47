//! Which release page each part of each document is on.
//!
//! Two sources, kept apart: the schedule's page ranges (what Annex A says),
//! and the page stamps in the text (one at the foot of each page, when the
//! extraction kept it). A document's first page is the schedule's; its last
//! is the schedule's unless the next document starts earlier. When a
//! document has fewer stamps than pages, the importer cannot know where the
//! missing page breaks fell: it places the first marker at the first page
//! and counts the pages after each stamp back from the last page, so both
//! ends are right and the gap stays inside the first marked page. Every such
//! case gets a note; nothing is silently corrected.

use crate::model::PageRange;

/// The page layout worked out for one document.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// The range to record: the schedule's when it gives one.
    pub declared: Option<PageRange>,
    /// Pages the document's text actually occupies, by the stamps.
    pub effective: PageRange,
    /// Page number at the start of each page segment.
    pub markers: Vec<u32>,
    /// Editorial notes on any mismatch.
    pub notes: Vec<String>,
}

/// The layout of a document whose source marks every page with its
/// number (a PDF import): the marks are the pages. A schedule range that
/// disagrees is kept as declared, with a note.
pub fn marked(declared: Option<PageRange>, pages: &[u32]) -> Layout {
    let first = pages.first().copied().unwrap_or(1);
    let last = pages.last().copied().unwrap_or(first).max(first);
    let effective = PageRange { first, last };
    let mut notes = Vec::new();
    if let Some(d) = declared.filter(|d| *d != effective) {
        notes.push(format!(
            "The schedule gives pages {d} for this document; in the PDF it is on pages {effective}. The page markers follow the PDF's own pages; the range is kept as the schedule prints it."
        ));
    }
    Layout {
        declared,
        effective,
        markers: pages.to_vec(),
        notes,
    }
}

/// Lays out a document: `declared` from the schedule, `first` where it
/// starts (the schedule's first page, or counted on from the document
/// before), `next_first` where the next document starts, `segments` the
/// number of page segments its stamps divide it into.
pub fn layout(
    declared: Option<PageRange>,
    first: u32,
    next_first: Option<u32>,
    segments: usize,
) -> Layout {
    let segments = segments.max(1) as u32;
    let mut notes = Vec::new();
    let mut last = declared.map_or(first + segments - 1, |d| d.last);
    if let Some(next) = next_first.filter(|n| *n > first) {
        if last >= next {
            let by_stamps = first + segments - 1;
            if let Some(d) = declared {
                notes.push(format!(
                    "Annex A gives pages {d} for this document, but the next document in the release begins on page {next}, and this document's page stamps put its text on pages {}. The range is kept as Annex A prints it; the page markers follow the stamps.",
                    PageRange { first, last: (next - 1).min(by_stamps.max(first)) }
                ));
            }
            last = next - 1;
        }
    }
    let last = last.max(first);
    let pages = last - first + 1;
    let markers: Vec<u32> = if segments >= pages {
        if segments > pages {
            notes.push(format!(
                "The extracted text has {segments} page segments in this document but it is given {pages} page{} ({}); the pages after {last} are numbered on from the stamps.",
                if pages == 1 { "" } else { "s" },
                PageRange { first, last }
            ));
        }
        (0..segments).map(|k| first + k).collect()
    } else {
        let counted_back: Vec<u32> = (1..segments).map(|k| last - (segments - 1 - k)).collect();
        let missing = pages - segments;
        let range = PageRange { first, last };
        let placed = if counted_back.is_empty() {
            format!("only page {first} is marked, at the top")
        } else {
            format!(
                "page {first} is marked at the top and {} after the stamps, counted back from page {last}",
                list(&counted_back)
            )
        };
        let unmarked = PageRange {
            first: first + 1,
            last: counted_back.first().map_or(last, |p| p - 1),
        };
        let lost = if missing == 1 {
            "the stamp of the other page was not extracted".to_string()
        } else {
            format!("the stamps of the other {missing} pages were not extracted")
        };
        let gap = if unmarked.first == unmarked.last {
            format!("The start of page {unmarked} falls")
        } else {
            format!("The starts of pages {unmarked} fall")
        };
        notes.push(format!(
            "This document is on {pages} pages ({range}) but the extracted text keeps only {segments} of its page starts ('Released under …' stamps; {lost}): {placed}. {gap} somewhere within the text marked as page {first}."
        ));
        std::iter::once(first).chain(counted_back).collect()
    };
    Layout {
        declared,
        effective: PageRange { first, last },
        markers,
        notes,
    }
}

fn list(pages: &[u32]) -> String {
    let words: Vec<String> = pages.iter().map(ToString::to_string).collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => format!("page {one}"),
        [init @ .., last] => format!("pages {} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(first: u32, last: u32) -> Option<PageRange> {
        Some(PageRange { first, last })
    }

    #[test]
    fn one_stamp_per_page_numbers_straight_on() {
        let l = layout(r(42, 43), 42, Some(44), 2);
        assert_eq!(l.markers, vec![42, 43]);
        assert!(l.notes.is_empty());
    }

    #[test]
    fn missing_stamps_count_back_from_the_last_page() {
        let l = layout(r(16, 19), 16, Some(20), 2);
        assert_eq!(l.markers, vec![16, 19]);
        assert_eq!(l.notes.len(), 1);
        assert!(l.notes[0].contains("pages 17-18"), "{}", l.notes[0]);
    }

    #[test]
    fn a_range_running_into_the_next_document_is_kept_and_noted() {
        let l = layout(r(37, 49), 37, Some(40), 3);
        assert_eq!(l.markers, vec![37, 38, 39]);
        assert_eq!(
            l.effective,
            PageRange {
                first: 37,
                last: 39
            }
        );
        assert_eq!(l.declared, r(37, 49));
        assert!(l.notes[0].contains("37-49") && l.notes[0].contains("page 40"));
    }

    #[test]
    fn unscheduled_documents_count_their_stamps() {
        let l = layout(None, 5, None, 3);
        assert_eq!(l.markers, vec![5, 6, 7]);
        assert!(l.notes.is_empty());
    }
}

//! Which release page each part of each document is on.
//!
//! Two sources, kept apart: the schedule's page ranges (what Annex A says),
//! and the page stamps in the text (one at the foot of each page, when the
//! extraction kept it). A document's first page is the schedule's; its last
//! is the schedule's unless the next document starts earlier. When a
//! document has fewer stamps than pages, the importer cannot know where the
//! missing page breaks fell: the first marker is the first page, and the
//! unstamped pages are shared among the stretches of text between stamps in
//! proportion to their length (each at least one page), so both ends are
//! right and the markers in between are estimates. Every such case gets a
//! note saying so; nothing is silently corrected.

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
/// before), `next_first` where the next document starts, and the size (in
/// content lines) of each page segment its stamps divide it into.
pub fn layout(
    declared: Option<PageRange>,
    first: u32,
    next_first: Option<u32>,
    segment_sizes: &[usize],
) -> Layout {
    let segments = segment_sizes.len().max(1) as u32;
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
        let sizes: Vec<usize> = if segment_sizes.is_empty() {
            vec![1]
        } else {
            segment_sizes.to_vec()
        };
        let shares = share_pages(&sizes, pages);
        let mut markers = Vec::with_capacity(shares.len());
        let mut page = first;
        for share in &shares {
            markers.push(page);
            page += share;
        }
        notes.push(missing_stamps_note(first, last, &markers));
        markers
    };
    Layout {
        declared,
        effective: PageRange { first, last },
        markers,
        notes,
    }
}

/// Shares `pages` among segments of the given sizes: one page each, the
/// rest in proportion to size (largest remainders first, earlier segments
/// winning ties), so the result is deterministic and sums to `pages`.
fn share_pages(sizes: &[usize], pages: u32) -> Vec<u32> {
    let n = sizes.len() as u64;
    let extra = u64::from(pages).saturating_sub(n);
    let weights: Vec<u64> = sizes.iter().map(|&s| s.max(1) as u64).collect();
    let total: u64 = weights.iter().sum();
    let mut shares: Vec<u64> = weights.iter().map(|w| 1 + extra * w / total).collect();
    let mut left = u64::from(pages) - shares.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&k| (std::cmp::Reverse(extra * weights[k] % total), k));
    for k in order {
        if left == 0 {
            break;
        }
        shares[k] += 1;
        left -= 1;
    }
    shares.into_iter().map(|s| s as u32).collect()
}

fn missing_stamps_note(first: u32, last: u32, markers: &[u32]) -> String {
    let pages = last - first + 1;
    let segments = markers.len() as u32;
    let missing = pages - segments;
    let range = PageRange { first, last };
    let lost = if missing == 1 {
        "the stamp of one page was not extracted".to_string()
    } else {
        format!("the stamps of {missing} pages were not extracted")
    };
    let placed = match markers {
        [_] => format!("Only page {first} is marked, at the top"),
        [_, one] => format!(
            "Page {first} is marked at the top; the marker after the stamp (page {one}) is an estimate, sharing the unstamped pages between the two stretches of text in proportion to their length"
        ),
        _ => format!(
            "Page {first} is marked at the top; the markers after the stamps ({}) are estimates, sharing the unstamped pages among the stretches of text between stamps in proportion to their length",
            list(&markers[1..])
        ),
    };
    let unmarked: Vec<u32> = (first..=last).filter(|p| !markers.contains(p)).collect();
    let (noun, verb) = if unmarked.len() == 1 {
        ("Page", "has")
    } else {
        ("Pages", "have")
    };
    format!(
        "This document is on {pages} pages ({range}) but the extracted text keeps only {segments} of its page starts ('Released under …' stamps; {lost}). {placed}. {noun} {} {verb} no marker of {} own and fall{} within the text marked before {}.",
        ranges(&unmarked),
        if unmarked.len() == 1 { "its" } else { "their" },
        if unmarked.len() == 1 { "s" } else { "" },
        if unmarked.len() == 1 { "it" } else { "them" },
    )
}

/// `[2, 3, 4, 7]` → `2-4, 7`.
fn ranges(pages: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < pages.len() {
        let mut j = i;
        while j + 1 < pages.len() && pages[j + 1] == pages[j] + 1 {
            j += 1;
        }
        out.push(
            PageRange {
                first: pages[i],
                last: pages[j],
            }
            .to_string(),
        );
        i = j + 1;
    }
    match out.split_last() {
        Some((last, init)) if !init.is_empty() => format!("{} and {last}", init.join(", ")),
        _ => out.join(""),
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
        let l = layout(r(42, 43), 42, Some(44), &[10, 5]);
        assert_eq!(l.markers, vec![42, 43]);
        assert!(l.notes.is_empty());
    }

    #[test]
    fn missing_stamps_share_the_pages_by_length() {
        // A long first stretch and a short last one: the last is the last page.
        let l = layout(r(16, 19), 16, Some(20), &[40, 4]);
        assert_eq!(l.markers, vec![16, 19]);
        assert_eq!(l.notes.len(), 1);
        assert!(
            l.notes[0].contains("Pages 17-18 have no marker of their own"),
            "{}",
            l.notes[0]
        );
        assert!(l.notes[0].contains("estimate"), "{}", l.notes[0]);
        // Two stretches of about the same length split the pages evenly.
        let l = layout(r(20, 29), 20, Some(30), &[100, 95]);
        assert_eq!(l.markers, vec![20, 25]);
        // One stretch: only the first page is marked.
        let l = layout(r(6, 7), 6, Some(8), &[20]);
        assert_eq!(l.markers, vec![6]);
        assert!(
            l.notes[0].contains("Only page 6")
                && l.notes[0].contains("Page 7 has no marker of its own"),
            "{}",
            l.notes[0]
        );
    }

    #[test]
    fn shares_always_sum_to_the_pages() {
        for sizes in [vec![1], vec![3, 1, 1], vec![52, 1, 18, 17], vec![0, 0]] {
            for pages in sizes.len() as u32..12 {
                let shares = share_pages(&sizes, pages);
                assert_eq!(shares.iter().sum::<u32>(), pages);
                assert!(shares.iter().all(|s| *s >= 1));
            }
        }
    }

    #[test]
    fn a_range_running_into_the_next_document_is_kept_and_noted() {
        let l = layout(r(37, 49), 37, Some(40), &[5, 1, 3]);
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
        let l = layout(None, 5, None, &[1, 1, 1]);
        assert_eq!(l.markers, vec![5, 6, 7]);
        assert!(l.notes.is_empty());
    }
}

//! Matching the released documents with the schedule's entries: by title
//! first, then an untitled document with the unmatched entry that begins
//! where the stamps say it does. Unmatched entries are warnings.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::documents::{self, SplitDocument};
use super::schedule;
use crate::diagnostics::Diagnostic;
use crate::model::{DocumentKind, PageRange};
use crate::text::collapse_whitespace;

/// Each document's schedule entries (row, document in the row), its first
/// page as the schedule gives it, and whether it had no title line of its
/// own. Untitled documents that match an entry take its title and kind.
pub type Matched = (Vec<Vec<(usize, usize)>>, Vec<Option<u32>>, Vec<bool>);

/// Matches `split` with the schedule's `rows`.
pub fn match_schedule(
    path: &Path,
    rows: &[schedule::Row],
    split: &mut [SplitDocument],
    warnings: &mut Vec<Diagnostic>,
) -> Matched {
    let entries: Vec<(usize, usize)> = rows
        .iter()
        .enumerate()
        .flat_map(|(ri, r)| (0..r.documents.len()).map(move |di| (ri, di)))
        .collect();
    // Each entry's title key is made once and looked up by hash: comparing
    // every document with every entry was quadratic in a large release.
    let mut by_title: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for &(ri, di) in &entries {
        let key = title_key(&rows[ri].documents[di].title);
        if !key.is_empty() {
            by_title.entry(key).or_default().push((ri, di));
        }
    }
    let mut doc_entries: Vec<Vec<(usize, usize)>> = vec![Vec::new(); split.len()];
    let mut matched: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (d, doc) in split.iter().enumerate() {
        let Some(title) = &doc.title else { continue };
        if let Some(same) = by_title.get(&title_key(title)) {
            doc_entries[d].extend_from_slice(same);
            matched.extend(same.iter().copied());
        }
    }
    // A document without a title line is the unmatched entry that begins
    // where the stamps say it does.
    let mut firsts: Vec<Option<u32>> = doc_entries
        .iter()
        .map(|es| declared(rows, es).map(|r| r.first))
        .collect();
    let mut untitled = vec![false; split.len()];
    for d in 0..split.len() {
        if split[d].title.is_some() {
            continue;
        }
        untitled[d] = true;
        let expected = match d.checked_sub(1) {
            Some(p) => firsts[p].map(|f| f + split[p].page_segments().len() as u32),
            None => None,
        };
        let next_first = firsts[d + 1..].iter().flatten().next().copied();
        let candidate = entries
            .iter()
            .filter(|e| !matched.contains(e))
            .filter_map(|&(ri, di)| rows[ri].documents[di].pages.map(|p| (p.first, ri, di)))
            .filter(|(f, _, _)| {
                d.checked_sub(1)
                    .and_then(|p| firsts[p])
                    .is_none_or(|pf| *f > pf)
                    && next_first.is_none_or(|n| *f < n)
            })
            .min_by_key(|(f, _, _)| expected.map_or(0, |e| f.abs_diff(e)));
        if let Some((_, ri, di)) = candidate {
            let title = rows[ri].documents[di].title.clone();
            // Every unmatched entry of the candidate's title, itself
            // included (an empty title matches nothing).
            let same = by_title
                .get(&title_key(&title))
                .map_or(&[][..], Vec::as_slice);
            for &(rj, dj) in same {
                if matched.insert((rj, dj)) {
                    doc_entries[d].push((rj, dj));
                }
            }
            split[d].title = Some(title.clone());
            if split[d].kind == DocumentKind::Other {
                split[d].kind = kind_of(&title);
            }
            firsts[d] = declared(rows, &doc_entries[d]).map(|r| r.first);
        }
    }
    for &(ri, di) in entries.iter().filter(|e| !matched.contains(e)) {
        warnings.push(
            Diagnostic::warning(
                "schedule-unmatched",
                path,
                format!("the schedule lists `{}` but no document with that title was found", rows[ri].documents[di].title),
            )
            .at(rows[ri].line, 1)
            .hint("check the document's title line in the text; the schedule row keeps the title without a link"),
        );
    }
    (doc_entries, firsts, untitled)
}

/// A title's key for loose comparison: case, spacing, dashes, quotes and an
/// `Email -` prefix don't count. Two titles are the same when their keys are
/// equal and not empty.
pub fn title_key(title: &str) -> String {
    let s = title
        .to_lowercase()
        .replace(['–', '—'], "-")
        .replace(['’', '‘'], "'");
    let s = s.trim();
    let s = s
        .strip_prefix("email")
        .map(|r| r.trim_start().trim_start_matches('-').trim_start())
        .unwrap_or(s);
    collapse_whitespace(s)
}

pub fn kind_of(title: &str) -> DocumentKind {
    let t = title.to_lowercase();
    if t.contains("formal message") {
        DocumentKind::FormalMessage
    } else if documents::TITLE_PREFIXES.iter().any(|p| t.starts_with(p)) {
        DocumentKind::FileNote
    } else {
        DocumentKind::Other
    }
}

/// The schedule's range for a document: the first range among its entries.
pub fn declared(rows: &[schedule::Row], entries: &[(usize, usize)]) -> Option<PageRange> {
    entries
        .iter()
        .filter_map(|&(ri, di)| rows[ri].documents[di].pages)
        .next()
}

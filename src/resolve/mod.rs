//! Stage 2, resolve: check every reference between content files and build
//! the graph that render, check and the exports read.
//!
//! A dangling reference, a duplicate slug or an unknown redaction code is an
//! error located in the file that makes it; all are collected before
//! returning. Nothing here renders or writes.

mod checks;
mod people;

use std::collections::{BTreeSet, HashMap};

use crate::diagnostics::Diagnostics;
use crate::grounds;
use crate::model::{Content, DocumentMeta, Entry, MarkerUse, MeetingMeta, Site, SlugIndex};
use checks::{slug_index, Checker, CodeChecker};
use people::{named, people, update_people};

use rayon::prelude::*;

/// Resolves loaded content into a `Site`. On success the diagnostics hold
/// warnings only.
pub fn resolve(content: Content) -> Result<(Site, Diagnostics), Diagnostics> {
    resolve_reusing(content, Reuse::default())
}

/// Marker scans an earlier resolve already did, for `resolve_reusing`.
/// Scanning bodies is most of resolving a large release, and an edit in
/// `annex serve` changes one file.
#[derive(Debug, Default)]
pub struct Reuse {
    /// Document path → the markers of its body.
    pub document_markers: HashMap<std::path::PathBuf, Vec<MarkerUse>>,
    /// Meetings whose bodies were scanned and had only known codes.
    pub clean_meetings: std::collections::HashSet<std::path::PathBuf>,
}

impl Reuse {
    /// The scans of `site`, except those of the files at `changed` paths.
    /// The caller vouches that every other file's text, and the grounds
    /// table, are as `site` was resolved with: the result is then the one a
    /// full resolve would give.
    pub fn from_site(
        content: &Content,
        document_markers: Vec<Vec<MarkerUse>>,
        changed: &std::collections::HashSet<std::path::PathBuf>,
    ) -> Reuse {
        Reuse {
            document_markers: content
                .documents
                .iter()
                .zip(document_markers)
                .filter(|(d, _)| !changed.contains(&d.path))
                .map(|(d, m)| (d.path.clone(), m))
                .collect(),
            clean_meetings: content
                .meetings
                .iter()
                .filter(|m| !changed.contains(&m.path))
                .map(|m| m.path.clone())
                .collect(),
        }
    }
}

/// `resolve`, taking the scans in `reuse` as done (see [`Reuse::from_site`]).
pub fn resolve_reusing(
    mut content: Content,
    mut reuse: Reuse,
) -> Result<(Site, Diagnostics), Diagnostics> {
    // Loading's warnings first: they go with the errors or the warnings.
    let mut diags = std::mem::take(&mut content.warnings);
    let ground_index = grounds::index(&content.grounds);

    let slugs = SlugIndex {
        meetings: slug_index(&content.meetings, "meeting", &mut diags),
        documents: slug_index(&content.documents, "document", &mut diags),
        press: slug_index(&content.press, "press item", &mut diags),
    };

    let codes = CodeChecker {
        index: &ground_index,
        grounds: &content.grounds,
    };
    // Scanning bodies is the bulk of resolving a large release: do it in parallel.
    let done: Vec<Option<Vec<MarkerUse>>> = content
        .documents
        .iter()
        .map(|d| reuse.document_markers.remove(&d.path))
        .collect();
    let scanned: Vec<(Vec<MarkerUse>, Diagnostics)> = content
        .documents
        .par_iter()
        .zip(done)
        .map(|(d, done)| {
            let mut found = Diagnostics::default();
            let markers =
                done.unwrap_or_else(|| codes.markers(&d.path, &d.body, d.body_line, &mut found));
            (markers, found)
        })
        .collect();
    let mut document_markers = Vec::with_capacity(scanned.len());
    for (markers, found) in scanned {
        document_markers.push(markers);
        diags.extend(found);
    }
    // Meeting annotations and the cover letter are rendered with badges
    // too, so their codes must be known as well.
    let found: Vec<Diagnostics> = content
        .meetings
        .par_iter()
        .filter(|m| !reuse.clean_meetings.contains(&m.path))
        .map(|m| {
            let mut found = Diagnostics::default();
            codes.markers(&m.path, &m.body, m.body_line, &mut found);
            found
        })
        .collect();
    diags.extend(found.into_iter().flatten());
    let r = &content.release;
    codes.markers(&r.path, &r.body, r.body_line, &mut diags);

    let mut checker = Checker::new(&content.documents, &content.press, &slugs, codes);
    let mut meeting_documents = vec![Vec::new(); content.meetings.len()];
    let mut document_meetings = vec![Vec::new(); content.documents.len()];
    let mut press_meetings = vec![Vec::new(); content.press.len()];
    let mut participant_markers = Vec::with_capacity(content.meetings.len());

    for (mi, m) in content.meetings.iter().enumerate() {
        let links = checker.meeting(m, &mut diags);
        for &di in &links.documents {
            push_unique(&mut meeting_documents[mi], di);
            push_unique(&mut document_meetings[di], mi);
        }
        for &pi in &links.press {
            push_unique(&mut press_meetings[pi], mi);
        }
        participant_markers.push(links.participant_markers);
    }
    let refs = &mut checker.refs;
    for (di, d) in content.documents.iter().enumerate() {
        for slug in &d.meta.meetings {
            if let Some(mi) = refs.get(
                &slugs.meetings,
                &d.path,
                "meetings",
                slug,
                "meeting",
                &mut diags,
            ) {
                push_unique(&mut document_meetings[di], mi);
                push_unique(&mut meeting_documents[mi], di);
            }
        }
    }
    for row in &content.release.meta.schedule {
        if let Some(slug) = &row.meeting {
            refs.get(
                &slugs.meetings,
                &r.path,
                "meeting",
                slug,
                "meeting",
                &mut diags,
            );
        }
        for doc in &row.documents {
            if let Some(slug) = &doc.document {
                refs.get(
                    &slugs.documents,
                    &r.path,
                    "document",
                    slug,
                    "document",
                    &mut diags,
                );
            }
        }
    }
    for g in &r.meta.grounds_cited {
        if !ground_index.contains_key(&grounds::key(&g.code)) {
            let (line, col) = refs.locate(&r.path, "code", &g.code);
            diags.push(checker.codes.unknown(&r.path, &g.code, line, col));
        }
    }

    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }

    let mut order: Vec<usize> = (0..content.meetings.len()).collect();
    let ms = &content.meetings;
    order.sort_by(|&a, &b| order_key(&ms[a]).cmp(&order_key(&ms[b])));
    sort_meeting_lists(&mut document_meetings, &mut press_meetings, &order);
    for list in meeting_documents.iter_mut() {
        sort_documents(list, &content.documents);
    }

    let mut ground_uses = vec![0; content.grounds.len()];
    for u in document_markers.iter().flatten() {
        for &g in &u.grounds {
            ground_uses[g] += 1;
        }
    }

    let people = people(&content, &order);
    diags.sort();
    Ok((
        Site {
            meeting_order: order,
            meeting_documents,
            document_meetings,
            press_meetings,
            document_markers,
            participant_markers,
            people,
            ground_index,
            ground_uses,
            slugs,
            content,
        },
        diags,
    ))
}

/// Puts meetings read again into `site` in place, each at its index, with
/// the same file and slug as before (the caller checks both), and updates
/// the graph around them: `site` is then what [`resolve`] makes of the same
/// content. Only the edited meetings are checked and only the links they
/// take part in are redone, so an edit of one meeting in a large release
/// costs about as much as the meeting. On errors `site` is unchanged.
pub fn update_meetings(
    site: &mut Site,
    fresh: Vec<(usize, Entry<MeetingMeta>)>,
) -> Result<Updated, Diagnostics> {
    let mut diags = Diagnostics::default();
    let codes = CodeChecker {
        index: &site.ground_index,
        grounds: &site.content.grounds,
    };
    let mut checker = Checker::new(
        &site.content.documents,
        &site.content.press,
        &site.slugs,
        codes,
    );
    let mut links = Vec::with_capacity(fresh.len());
    for (_, m) in &fresh {
        checker
            .codes
            .markers(&m.path, &m.body, m.body_line, &mut diags);
        links.push(checker.meeting(m, &mut diags));
    }
    diags.sort();
    if diags.has_errors() {
        return Err(diags);
    }

    let mut updated = Updated::default();
    let changed: Vec<usize> = fresh.iter().map(|(mi, _)| *mi).collect();
    let mut moved = Vec::new();
    let mut names_before = BTreeSet::new();
    for ((mi, m), links) in fresh.into_iter().zip(links) {
        let old = std::mem::replace(&mut site.content.meetings[mi], m);
        names_before.extend(named(&old).map(str::to_string));
        let new = &site.content.meetings[mi];
        if order_key(&old) != order_key(new) {
            updated.order_changed = true;
            moved.push(mi);
        }
        if old.meta.participants != new.meta.participants {
            updated.people_changed = true;
        }
        if old.meta.press != new.meta.press || old.meta.sources != new.meta.sources {
            updated.claims_changed = true;
        }
        // Documents that name the meeting themselves stay linked to it.
        let slug = &new.slug;
        let docs = &site.content.documents;
        let mut documents: Vec<usize> = site.meeting_documents[mi]
            .iter()
            .copied()
            .filter(|&di| docs[di].meta.meetings.contains(slug))
            .collect();
        for &di in &links.documents {
            push_unique(&mut documents, di);
        }
        sort_documents(&mut documents, docs);
        for &di in &site.meeting_documents[mi] {
            site.document_meetings[di].retain(|&x| x != mi);
        }
        for &di in &documents {
            push_unique(&mut site.document_meetings[di], mi);
        }
        site.meeting_documents[mi] = documents;
        for pr in &old.meta.press {
            if let Some(&pi) = site.slugs.press.get(&pr.item) {
                site.press_meetings[pi].retain(|&x| x != mi);
            }
        }
        for &pi in &links.press {
            push_unique(&mut site.press_meetings[pi], mi);
        }
        site.participant_markers[mi] = links.participant_markers;
    }
    // Each moved meeting taken out and put back where its key now sorts:
    // the rest of the order stands.
    let order = &mut site.meeting_order;
    order.retain(|m| !moved.contains(m));
    let ms = &site.content.meetings;
    for &mi in &moved {
        let at = order
            .binary_search_by(|&x| order_key(&ms[x]).cmp(&order_key(&ms[mi])))
            .unwrap_or_else(|at| at);
        order.insert(at, mi);
    }
    sort_meeting_lists(
        &mut site.document_meetings,
        &mut site.press_meetings,
        &site.meeting_order,
    );
    if updated.people_changed || updated.order_changed {
        update_people(site, &changed, names_before);
    }
    updated.warnings = diags;
    Ok(updated)
}

/// What [`update_meetings`] changed beyond the meetings' own links.
#[derive(Debug, Default)]
pub struct Updated {
    /// The meetings' time order.
    pub order_changed: bool,
    /// The participants list (`Site::people`).
    pub people_changed: bool,
    /// A meeting's press claims, or its sources (the pages they cite
    /// place its claims' passages).
    pub claims_changed: bool,
    /// Warnings about the updated meetings.
    pub warnings: Diagnostics,
}

/// The key meetings are ordered by: date, request item, start time (a
/// meeting without one after those with one), title, slug.
fn order_key(m: &Entry<MeetingMeta>) -> (&str, u32, bool, &str, &str, &str) {
    let meta = &m.meta;
    let item = meta
        .request_item
        .as_deref()
        .and_then(|n| n.trim().parse::<u32>().ok());
    (
        &meta.date,
        item.unwrap_or(u32::MAX),
        meta.start.is_none(),
        meta.start.as_deref().unwrap_or(""),
        &meta.title,
        &m.slug,
    )
}

/// Lists of meetings in time order.
fn sort_meeting_lists(documents: &mut [Vec<usize>], press: &mut [Vec<usize>], order: &[usize]) {
    let mut rank = vec![0; order.len()];
    for (pos, &mi) in order.iter().enumerate() {
        rank[mi] = pos;
    }
    for list in documents.iter_mut().chain(press.iter_mut()) {
        list.sort_by_key(|&mi| rank[mi]);
    }
}

/// A meeting's documents in release order.
fn sort_documents(list: &mut [usize], documents: &[Entry<DocumentMeta>]) {
    list.sort_by_key(|&di| (documents[di].meta.pages.first, di));
}

/// Adds `i` to `list` unless it is there already.
fn push_unique(list: &mut Vec<usize>, i: usize) {
    if !list.contains(&i) {
        list.push(i);
    }
}

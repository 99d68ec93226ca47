//! Stage 2, resolve: check every reference between content files and build
//! the graph that render, check and the exports read.
//!
//! A dangling reference, a duplicate slug or an unknown redaction code is an
//! error located in the file that makes it; all are collected before
//! returning. Nothing here renders or writes.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::diagnostics::{closest, Diagnostic, Diagnostics, LineIndex};
use crate::grounds;
use crate::markers;
use crate::model::{Content, Entry, MarkerUse, Person, Site};
use crate::yaml;

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
    content: Content,
    mut reuse: Reuse,
) -> Result<(Site, Diagnostics), Diagnostics> {
    let mut diags = Diagnostics::default();
    let ground_index = grounds::index(&content.grounds);

    let meetings = slug_index(&content.meetings, "meeting", &mut diags);
    let documents = slug_index(&content.documents, "document", &mut diags);
    let press = slug_index(&content.press, "press item", &mut diags);

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

    // Paragraph numbers, for the documents a reference names a paragraph
    // of: found when first needed, not for every document.
    let mut paragraphs: HashMap<usize, Vec<String>> = HashMap::new();
    let numbers = |di: usize| -> Vec<String> {
        content.documents[di]
            .body
            .lines()
            .filter_map(markers::paragraph_number)
            .map(str::to_string)
            .collect()
    };

    let mut refs = RefChecker::default();
    let mut meeting_documents = vec![Vec::new(); content.meetings.len()];
    let mut document_meetings = vec![Vec::new(); content.documents.len()];
    let mut press_meetings = vec![Vec::new(); content.press.len()];
    let mut participant_markers = vec![Vec::new(); content.meetings.len()];

    for (mi, m) in content.meetings.iter().enumerate() {
        for source in &m.meta.sources {
            if let Some(di) = refs.get(
                &documents,
                &m.path,
                "document",
                &source.document,
                "document",
                &mut diags,
            ) {
                push_unique(&mut meeting_documents[mi], di);
                push_unique(&mut document_meetings[di], mi);
                for p in &source.paragraphs {
                    let known = paragraphs.entry(di).or_insert_with(|| numbers(di));
                    refs.paragraph(&m.path, &content.documents[di], known, p, &mut diags);
                }
                if let Some(pages) = source.pages {
                    let doc = &content.documents[di].meta.pages;
                    if pages.first < doc.first || pages.last > doc.last {
                        let (line, col) = refs.locate(&m.path, "pages", &pages.to_string());
                        diags.push(
                            Diagnostic::warning(
                                "page-range",
                                &m.path,
                                format!(
                                    "pages {pages} are outside document `{}` (pages {doc})",
                                    source.document
                                ),
                            )
                            .at(line, col)
                            .hint("check the release page numbers"),
                        );
                    }
                }
            }
        }
        for pr in &m.meta.press {
            if let Some(pi) = refs.get(&press, &m.path, "item", &pr.item, "press item", &mut diags)
            {
                push_unique(&mut press_meetings[pi], mi);
            }
            for passage in &pr.release {
                if let Some(di) = refs.get(
                    &documents,
                    &m.path,
                    "document",
                    &passage.document,
                    "document",
                    &mut diags,
                ) {
                    let known = paragraphs.entry(di).or_insert_with(|| numbers(di));
                    refs.paragraph(
                        &m.path,
                        &content.documents[di],
                        known,
                        &passage.paragraph,
                        &mut diags,
                    );
                }
            }
        }
        for side in &m.meta.participants {
            for person in &side.people {
                if let Some(code) = &person.withheld {
                    let (line, col) = refs.locate(&m.path, "withheld", code);
                    let found = codes.markers(&m.path, code, 1, &mut diags);
                    if found.is_empty() {
                        diags.push(
                            Diagnostic::error(
                                "unknown-code",
                                &m.path,
                                format!("`{code}` is not a redaction code"),
                            )
                            .at(line, col)
                            .hint("write the code as the release prints it, e.g. `s6(a)`"),
                        );
                    }
                    participant_markers[mi].extend(found.into_iter().map(|u| MarkerUse {
                        line,
                        column: col,
                        ..u
                    }));
                }
                if person.name.is_none() && person.withheld.is_none() {
                    let (line, col) = refs.locate(&m.path, "people", "");
                    diags.push(
                        Diagnostic::error("missing-field", &m.path, "a participant has neither `name` nor `withheld`")
                            .at(line, col)
                            .hint("give the name, or `withheld:` with the code the release prints in its place"),
                    );
                }
            }
        }
    }
    for (di, d) in content.documents.iter().enumerate() {
        for slug in &d.meta.meetings {
            if let Some(mi) = refs.get(&meetings, &d.path, "meetings", slug, "meeting", &mut diags)
            {
                push_unique(&mut document_meetings[di], mi);
                push_unique(&mut meeting_documents[mi], di);
            }
        }
    }
    for row in &content.release.meta.schedule {
        if let Some(slug) = &row.meeting {
            refs.get(&meetings, &r.path, "meeting", slug, "meeting", &mut diags);
        }
        for doc in &row.documents {
            if let Some(slug) = &doc.document {
                refs.get(
                    &documents, &r.path, "document", slug, "document", &mut diags,
                );
            }
        }
    }
    for g in &r.meta.grounds_cited {
        if !ground_index.contains_key(&grounds::key(&g.code)) {
            let (line, col) = refs.locate(&r.path, "code", &g.code);
            diags.push(codes.unknown(&r.path, &g.code, line, col));
        }
    }

    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }

    let mut order: Vec<usize> = (0..content.meetings.len()).collect();
    let ms = &content.meetings;
    // Time order where the release gives times. A meeting with no time is
    // placed by its request item (requests list engagements in order),
    // then after the timed meetings of the same item.
    order.sort_by(|&a, &b| {
        let key = |i: usize| {
            let m = &ms[i].meta;
            let item = m
                .request_item
                .as_deref()
                .and_then(|n| n.trim().parse::<u32>().ok());
            (
                &m.date,
                item.unwrap_or(u32::MAX),
                m.start.is_none(),
                m.start.as_deref().unwrap_or(""),
                &m.title,
                &ms[i].slug,
            )
        };
        key(a).cmp(&key(b))
    });
    let rank: Vec<usize> = {
        let mut rank = vec![0; order.len()];
        for (pos, &mi) in order.iter().enumerate() {
            rank[mi] = pos;
        }
        rank
    };
    for list in document_meetings
        .iter_mut()
        .chain(press_meetings.iter_mut())
    {
        list.sort_by_key(|&mi| rank[mi]);
    }
    for list in meeting_documents.iter_mut() {
        list.sort_by_key(|&di| (content.documents[di].meta.pages.first, di));
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
            content,
        },
        diags,
    ))
}

/// Slug → index for one kind; a repeated slug is an error naming both files.
fn slug_index<M>(
    entries: &[Entry<M>],
    what: &str,
    diags: &mut Diagnostics,
) -> HashMap<String, usize> {
    let mut index: HashMap<String, usize> = HashMap::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        if let Some(&first) = index.get(&e.slug) {
            diags.push(
                Diagnostic::error(
                    "duplicate-slug",
                    &e.path,
                    format!("{what} slug `{}` is already used by {}", e.slug, entries[first].path.display()),
                )
                .hint("two files would be written to the same URL: rename one, or set a different `slug:`"),
            );
        } else {
            index.insert(e.slug.clone(), i);
        }
    }
    index
}

fn push_unique(list: &mut Vec<usize>, i: usize) {
    if !list.contains(&i) {
        list.push(i);
    }
}

/// Looks up redaction codes in the grounds table.
struct CodeChecker<'a> {
    index: &'a HashMap<String, usize>,
    grounds: &'a [crate::model::Ground],
}

impl CodeChecker<'_> {
    /// Every marker group in `body`, located in the file; unknown codes are
    /// reported and left out of the group's grounds.
    fn markers(
        &self,
        path: &Path,
        body: &str,
        body_line: usize,
        diags: &mut Diagnostics,
    ) -> Vec<MarkerUse> {
        let mut found = Vec::new();
        let lines = LineIndex::new(body);
        for group in markers::scan(body) {
            let (line, column) = lines.line_col(group.span.start);
            let line = line + body_line - 1;
            let mut ground_ids = Vec::with_capacity(group.codes.len());
            for code in &group.codes {
                match self.index.get(&code.canonical) {
                    Some(&g) => ground_ids.push(g),
                    None => {
                        let (l, c) = lines.line_col(code.span.start);
                        diags.push(self.unknown(
                            path,
                            &body[code.span.clone()],
                            l + body_line - 1,
                            c,
                        ));
                    }
                }
            }
            found.push(MarkerUse {
                line,
                column,
                printed: group.printed(body).to_string(),
                grounds: ground_ids,
            });
        }
        found
    }

    fn unknown(&self, path: &Path, printed: &str, line: usize, column: usize) -> Diagnostic {
        let near = closest(
            &grounds::key(printed),
            self.grounds.iter().map(|g| g.code.as_str()),
            3,
        );
        let hint = if near.is_empty() {
            "add the code to `grounds.codes` in site.yaml, or choose the preset of the Act the release cites".to_string()
        } else {
            format!(
                "closest known codes: {}; or add the code to `grounds.codes` in site.yaml",
                near.iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        Diagnostic::error(
            "unknown-code",
            path,
            format!("unknown redaction code `{printed}`"),
        )
        .at(line, column)
        .hint(hint)
    }
}

/// Checks references, reading a file's text again only to locate an error.
#[derive(Default)]
struct RefChecker {
    texts: HashMap<std::path::PathBuf, String>,
}

impl RefChecker {
    fn get(
        &mut self,
        index: &HashMap<String, usize>,
        path: &Path,
        key: &str,
        slug: &str,
        what: &str,
        diags: &mut Diagnostics,
    ) -> Option<usize> {
        if let Some(&i) = index.get(slug) {
            return Some(i);
        }
        let (line, col) = self.locate(path, key, slug);
        let mut known: Vec<&str> = index.keys().map(String::as_str).collect();
        known.sort_unstable();
        let hint = match closest(slug, known.iter().copied(), 1).first() {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("create the {what}, or correct the slug (the file name without `.md`)"),
        };
        diags.push(
            Diagnostic::error(
                "dangling-ref",
                path,
                format!("no {what} with slug `{slug}`"),
            )
            .at(line, col)
            .hint(hint),
        );
        None
    }

    fn paragraph(
        &mut self,
        path: &Path,
        doc: &Entry<crate::model::DocumentMeta>,
        known: &[String],
        p: &str,
        diags: &mut Diagnostics,
    ) {
        if known.iter().any(|k| k == p) {
            return;
        }
        let (line, col) = self.locate(path, "paragraph", p);
        diags.push(
            Diagnostic::error(
                "dangling-ref",
                path,
                format!("document `{}` has no paragraph numbered `{p}`", doc.slug),
            )
            .at(line, col)
            .hint("use a paragraph number as printed in the document (its anchor is #p<number>)"),
        );
    }

    fn locate(&mut self, path: &Path, key: &str, value: &str) -> (usize, usize) {
        let text = self
            .texts
            .entry(path.to_path_buf())
            .or_insert_with(|| std::fs::read_to_string(path).unwrap_or_default());
        yaml::locate(text, key, value)
    }
}

/// Everyone named in a participants list, merged by name.
fn people(content: &Content, order: &[usize]) -> Vec<Person> {
    let mut by_name: BTreeMap<String, Person> = BTreeMap::new();
    for &mi in order {
        for side in &content.meetings[mi].meta.participants {
            for p in &side.people {
                let Some(name) = &p.name else { continue };
                let person = by_name.entry(name.clone()).or_insert_with(|| Person {
                    name: name.clone(),
                    roles: Vec::new(),
                    sides: Vec::new(),
                    meetings: Vec::new(),
                });
                if let Some(role) = &p.role {
                    if !person.roles.contains(role) {
                        person.roles.push(role.clone());
                    }
                }
                if !person.sides.contains(&side.side) {
                    person.sides.push(side.side.clone());
                }
                // Meetings arrive in time order, so a repeat can only be the last one.
                if person.meetings.last() != Some(&mi) {
                    person.meetings.push(mi);
                }
            }
        }
    }
    by_name.into_values().collect()
}

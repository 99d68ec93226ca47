//! Stage 2, resolve: check every reference between content files and build
//! the graph that render, check and the exports read.
//!
//! A dangling reference, a duplicate slug or an unknown redaction code is an
//! error located in the file that makes it; all are collected before
//! returning. Nothing here renders or writes.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use crate::diagnostics::{closest, Diagnostic, Diagnostics, LineIndex};
use crate::grounds;
use crate::markers;
use crate::model::{Content, DocumentMeta, Entry, MarkerUse, MeetingMeta, Person, Site, SlugIndex};
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

    let mut checker = Checker::new(&content.documents, &slugs, codes);
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
    let mut checker = Checker::new(&site.content.documents, &site.slugs, codes);
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

/// What a meeting's front matter links to, once checked.
struct MeetingLinks {
    /// Documents of its `sources`, in order, once each.
    documents: Vec<usize>,
    /// Press items it cites, in order.
    press: Vec<usize>,
    /// Markers in its participants list.
    participant_markers: Vec<MarkerUse>,
}

/// Checks entries' references against the site's indexes.
struct Checker<'a> {
    documents: &'a [Entry<DocumentMeta>],
    slugs: &'a SlugIndex,
    codes: CodeChecker<'a>,
    /// Paragraph numbers of the documents a reference names a paragraph
    /// of: found when first needed, not for every document.
    paragraphs: HashMap<usize, Vec<String>>,
    refs: RefChecker,
}

impl<'a> Checker<'a> {
    fn new(
        documents: &'a [Entry<DocumentMeta>],
        slugs: &'a SlugIndex,
        codes: CodeChecker<'a>,
    ) -> Checker<'a> {
        Checker {
            documents,
            slugs,
            codes,
            paragraphs: HashMap::new(),
            refs: RefChecker::default(),
        }
    }

    /// Checks a meeting's front matter and resolves its links; problems go
    /// to `diags`.
    fn meeting(&mut self, m: &Entry<MeetingMeta>, diags: &mut Diagnostics) -> MeetingLinks {
        let mut links = MeetingLinks {
            documents: Vec::new(),
            press: Vec::new(),
            participant_markers: Vec::new(),
        };
        let slugs = self.slugs;
        for source in &m.meta.sources {
            let found = self.refs.get(
                &slugs.documents,
                &m.path,
                "document",
                &source.document,
                "document",
                diags,
            );
            let Some(di) = found else { continue };
            push_unique(&mut links.documents, di);
            for p in &source.paragraphs {
                self.paragraph(&m.path, di, p, diags);
            }
            if let Some(pages) = source.pages {
                let doc = &self.documents[di].meta.pages;
                if pages.first < doc.first || pages.last > doc.last {
                    let (line, col) = self.refs.locate(&m.path, "pages", &pages.to_string());
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
        for pr in &m.meta.press {
            let found = self
                .refs
                .get(&slugs.press, &m.path, "item", &pr.item, "press item", diags);
            if let Some(pi) = found {
                push_unique(&mut links.press, pi);
            }
            for passage in &pr.release {
                let found = self.refs.get(
                    &slugs.documents,
                    &m.path,
                    "document",
                    &passage.document,
                    "document",
                    diags,
                );
                if let Some(di) = found {
                    self.paragraph(&m.path, di, &passage.paragraph, diags);
                }
            }
        }
        for side in &m.meta.participants {
            for person in &side.people {
                if let Some(code) = &person.withheld {
                    let (line, col) = self.refs.locate(&m.path, "withheld", code);
                    let found = self.codes.markers(&m.path, code, 1, diags);
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
                    links
                        .participant_markers
                        .extend(found.into_iter().map(|u| MarkerUse {
                            line,
                            column: col,
                            ..u
                        }));
                }
                if person.name.is_none() && person.withheld.is_none() {
                    let (line, col) = self.refs.locate(&m.path, "people", "");
                    diags.push(
                        Diagnostic::error("missing-field", &m.path, "a participant has neither `name` nor `withheld`")
                            .at(line, col)
                            .hint("give the name, or `withheld:` with the code the release prints in its place"),
                    );
                }
            }
        }
        links
    }

    /// Checks that document `di` has a paragraph numbered `p`.
    fn paragraph(&mut self, path: &Path, di: usize, p: &str, diags: &mut Diagnostics) {
        let documents = self.documents;
        let known = self.paragraphs.entry(di).or_insert_with(|| {
            documents[di]
                .body
                .lines()
                .filter_map(markers::paragraph_number)
                .map(str::to_string)
                .collect()
        });
        self.refs.paragraph(path, &documents[di], known, p, diags);
    }
}

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
    // Borrowed while gathering: a large release names people tens of
    // thousands of times.
    let mut by_name: HashMap<&str, Gathered> = HashMap::new();
    for &mi in order {
        for side in &content.meetings[mi].meta.participants {
            for p in &side.people {
                if let Some(name) = &p.name {
                    by_name.entry(name).or_default().note(mi, &side.side, p);
                }
            }
        }
    }
    let mut people: Vec<Person> = by_name
        .into_iter()
        .map(|(name, g)| g.person(name))
        .collect();
    people.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    people
}

/// The people named in the meetings at `changed`, before (`before`) or
/// after their edit, gathered again over their meetings in time order:
/// nobody else's entry can have changed.
fn update_people(site: &mut Site, changed: &[usize], before: BTreeSet<String>) {
    let mut names = before;
    for &mi in changed {
        names.extend(named(&site.content.meetings[mi]).map(str::to_string));
    }
    let mut rank = vec![0; site.meeting_order.len()];
    for (pos, &mi) in site.meeting_order.iter().enumerate() {
        rank[mi] = pos;
    }
    for name in names {
        let at = site.people.binary_search_by(|p| p.name.as_str().cmp(&name));
        let mut meetings: Vec<usize> = match at {
            Ok(i) => site.people[i]
                .meetings
                .iter()
                .copied()
                .filter(|m| !changed.contains(m))
                .collect(),
            Err(_) => Vec::new(),
        };
        for &mi in changed {
            if named(&site.content.meetings[mi]).any(|n| n == name) {
                meetings.push(mi);
            }
        }
        meetings.sort_by_key(|&m| rank[m]);
        meetings.dedup();
        let mut g = Gathered::default();
        for &mi in &meetings {
            for side in &site.content.meetings[mi].meta.participants {
                for p in &side.people {
                    if p.name.as_deref() == Some(name.as_str()) {
                        g.note(mi, &side.side, p);
                    }
                }
            }
        }
        match (at, g.meetings.is_empty()) {
            (Ok(i), false) => site.people[i] = g.person(&name),
            (Ok(i), true) => {
                site.people.remove(i);
            }
            (Err(i), false) => site.people.insert(i, g.person(&name)),
            (Err(_), true) => {}
        }
    }
}

/// The names in a meeting's participants list.
fn named(m: &Entry<MeetingMeta>) -> impl Iterator<Item = &str> {
    m.meta
        .participants
        .iter()
        .flat_map(|side| side.people.iter().filter_map(|p| p.name.as_deref()))
}

/// One person's roles, sides and meetings, as the meetings are read in
/// time order.
#[derive(Default)]
struct Gathered<'a> {
    roles: Vec<&'a str>,
    sides: Vec<&'a str>,
    meetings: Vec<usize>,
}

impl<'a> Gathered<'a> {
    fn note(&mut self, mi: usize, side: &'a str, p: &'a crate::model::Participant) {
        if let Some(role) = &p.role {
            if !self.roles.contains(&role.as_str()) {
                self.roles.push(role);
            }
        }
        if !self.sides.contains(&side) {
            self.sides.push(side);
        }
        // Meetings arrive in time order, so a repeat can only be the last one.
        if self.meetings.last() != Some(&mi) {
            self.meetings.push(mi);
        }
    }

    fn person(self, name: &str) -> Person {
        Person {
            name: name.to_string(),
            roles: self.roles.into_iter().map(str::to_string).collect(),
            sides: self.sides.into_iter().map(str::to_string).collect(),
            meetings: self.meetings,
        }
    }
}

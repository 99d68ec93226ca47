//! Edits of content entries (meetings, documents, press items): the body
//! of one alone, a meeting's front matter updated in place, or any other
//! edit by resolving again with every unchanged file's work reused. See the
//! parent module for when each applies.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::affected::Affected;
use super::{ms, Bodies, Live, Patch, Project, Rebuilt, Todo};
use crate::diagnostics::Diagnostics;
use crate::load::{self, FrontMatter, Kind};
use crate::model::{Content, Entry, Site};
use crate::render::markdown::{self, Body};
use crate::render::{self, OutputFile, PageId, ReusedBodies};
use serde::de::DeserializeOwned;

impl Project {
    /// When every edit changed only the body of meetings or press items
    /// (front matter the same, value for value, and every code in the new
    /// body known), the site graph cannot have changed and each body is
    /// shown on its own page only: the bodies are parsed into the renderer
    /// in place and only their pages are re-rendered. `Ok(None)` when the
    /// edit is of another kind; an unreadable file is an error that leaves
    /// the site as it was.
    pub(super) fn body_only(
        &mut self,
        changed: &[(Kind, PathBuf)],
    ) -> Result<Option<Rebuilt>, Diagnostics> {
        let started = Instant::now();
        let Some(live) = &self.live else {
            return Ok(None);
        };
        let site = live.borrow_owner();
        let c = &site.content;
        let mut meetings = Vec::new();
        let mut press = Vec::new();
        for (kind, rel) in changed {
            match kind {
                Kind::Meeting => {
                    let Some((i, fresh)) =
                        reread(&self.root, &c.meetings, rel).map_err(Diagnostics)?
                    else {
                        return Ok(None);
                    };
                    if !same(&fresh.meta, &c.meetings[i].meta) {
                        return Ok(None);
                    }
                    meetings.push((i, fresh));
                }
                Kind::Press => {
                    let Some((i, fresh)) =
                        reread(&self.root, &c.press, rel).map_err(Diagnostics)?
                    else {
                        return Ok(None);
                    };
                    if !same(&fresh.meta, &c.press[i].meta) {
                        return Ok(None);
                    }
                    press.push((i, fresh));
                }
                Kind::Document => return Ok(None),
            }
        }
        let read_ms = ms(started);
        let parsing = Instant::now();
        let r = live.borrow_dependent();
        let cx = r.badges.context();
        let deep = render::root_for_depth(2);
        let meeting_bodies: Vec<Body> = meetings
            .iter()
            .map(|(_, e)| markdown::render_body(&e.body, &cx, &deep))
            .collect();
        let press_bodies: Vec<Body> = press
            .iter()
            .map(|(_, e)| markdown::render_body(&e.body, &cx, &deep))
            .collect();
        // An unknown code is an error, located by the full path.
        if meeting_bodies
            .iter()
            .chain(&press_bodies)
            .any(|b| !b.unknown.is_empty())
        {
            return Ok(None);
        }
        let parse_ms = ms(parsing);
        let rendering = Instant::now();
        let mut ids = Vec::new();
        let live = self.live.as_mut().expect("checked above");
        let rendered = live.with_dependent_mut(|_, r| {
            for ((i, _), body) in meetings.iter().zip(meeting_bodies) {
                r.meeting_bodies[*i] = body;
                ids.push(PageId::Meeting(*i));
            }
            for ((i, _), body) in press.iter().zip(press_bodies) {
                r.press_bodies[*i] = body;
                ids.push(PageId::Press(*i));
            }
            r.render(&ids)
        });
        self.patches
            .extend(meetings.into_iter().map(|(i, e)| Patch::Meeting(i, e)));
        self.patches
            .extend(press.into_iter().map(|(i, e)| Patch::Press(i, e)));
        let files = match rendered {
            Ok(files) => files,
            Err(d) => {
                self.forget();
                return Err(d);
            }
        };
        let pages = files.len();
        let timings = vec![
            ("read", read_ms),
            ("parse", parse_ms),
            ("render", ms(rendering)),
        ];
        Ok(Some(self.unchanged(files, pages, "partial", timings)))
    }

    /// When every edit is to an existing meeting file that keeps its slug
    /// (its front matter changed: a title, a date, its sources or
    /// participants), the meetings are put in the site in place and the
    /// graph is updated around them (`resolve::update_meetings`); the
    /// renderer keeps all its work but theirs. Then the pages that show the
    /// meetings, before and after the edit, are re-rendered as for any
    /// other entry edit: their own pages before the reload, the rest after.
    /// `Ok(None)` when the edit is of another kind (a new, removed or
    /// renamed file, a changed slug, a document or press item).
    pub(super) fn meetings_in_place(
        &mut self,
        changed: &[(Kind, PathBuf)],
    ) -> Result<Option<Rebuilt>, Diagnostics> {
        let started = Instant::now();
        let Some(live) = &self.live else {
            return Ok(None);
        };
        let old = live.borrow_owner();
        let mut fresh = Vec::new();
        let mut diags = Diagnostics::default();
        for (kind, rel) in changed {
            if *kind != Kind::Meeting {
                return Ok(None);
            }
            match reread(&self.root, &old.content.meetings, rel) {
                Ok(Some(e)) => fresh.push(e),
                Ok(None) => return Ok(None),
                Err(d) => diags.extend(d),
            }
        }
        if diags.has_errors() {
            diags.sort();
            return Err(diags);
        }
        let read_ms = ms(started);
        let resolving = Instant::now();
        // What shows the meetings before the edit.
        let mut affected = Affected::default();
        for (i, _) in &fresh {
            affected.meeting_at(old, *i);
        }
        let changed_at: Vec<usize> = fresh.iter().map(|(i, _)| *i).collect();
        let Some((mut site, parts)) = self.teardown_parts() else {
            return Ok(None);
        };
        let updated = match crate::resolve::update_meetings(&mut site, fresh) {
            Ok(updated) => updated,
            Err(d) => {
                // The site is as it was: serve it on, and read the files
                // again with the next edit.
                match self.prepare_parts(site, parts, &[], true) {
                    Ok(live) => self.live = Some(live),
                    Err(_) => self.forget(),
                }
                return Err(d);
            }
        };
        let resolve_ms = ms(resolving);
        let preparing = Instant::now();
        let keep_backlinks = !updated.claims_changed && !updated.order_changed;
        let live = match self.prepare_parts(site, parts, &changed_at, keep_backlinks) {
            Ok(live) => live,
            Err(d) => {
                self.forget();
                return Err(d);
            }
        };
        let prepare_ms = ms(preparing);
        let rendering = Instant::now();
        let r = live.borrow_dependent();
        for &i in &changed_at {
            affected.meeting_at(r.site, i);
        }
        let first = affected.first_pages(r.site);
        // Page indices are as before: work left from earlier edits stands.
        let mut later = affected.later_pages(r.site);
        if let Some(todo) = &self.todo {
            later.extend(todo.pages.iter().copied());
        }
        let done = self.first_pages(live, first, later, &affected, Some(&changed_at))?;
        Ok(Some(Rebuilt {
            files: done.files,
            cards: Vec::new(),
            outputs: None,
            removed: Vec::new(),
            later: done.later,
            pages: done.pages,
            total_pages: done.total_pages,
            base_path: done.base_path,
            warnings: updated.warnings,
            kind: "partial",
            timings: vec![
                ("read", read_ms),
                ("update", resolve_ms),
                ("prepare", prepare_ms),
                ("render", ms(rendering)),
            ],
        }))
    }

    /// Reloads the changed entry files, resolves the site again and renders
    /// the entries' own pages; the other pages that show them are left for
    /// after the reload.
    pub(super) fn entries(&mut self, changed: &[(Kind, PathBuf)]) -> Result<Rebuilt, Diagnostics> {
        let started = Instant::now();
        // Read every edited file before changing anything, so that a
        // broken one leaves the last good site as the base for its fix.
        let mut fresh = Vec::new();
        let mut diags = Diagnostics::default();
        for (kind, rel) in changed {
            match Fresh::read(&self.root, *kind, rel) {
                Ok(f) => fresh.push((rel, f)),
                Err(d) => diags.extend(d),
            }
        }
        if diags.has_errors() {
            diags.sort();
            return Err(diags);
        }
        let read_ms = ms(started);

        // Work left from before, by output path: page indices move when
        // files are added or removed.
        let carried: Vec<String> = match (&self.todo, &self.live) {
            (Some(todo), Some(live)) => {
                let r = live.borrow_dependent();
                todo.pages.iter().map(|&id| r.page_path(id)).collect()
            }
            _ => Vec::new(),
        };
        let Some((old, bodies)) = self.teardown() else {
            return self.load_all();
        };
        let resolving = Instant::now();
        let changed_paths: HashSet<PathBuf> = changed
            .iter()
            .map(|(_, rel)| load::display_path(&self.root, rel))
            .collect();
        let mut affected = Affected::default();
        let mut old_slugs = Vec::new();
        for (kind, rel) in changed {
            let path = load::display_path(&self.root, rel);
            affected.entry(&old, *kind, &path);
            if let Some(slug) = slug_at(&old.content, *kind, &path) {
                old_slugs.push((*kind, slug));
            }
        }
        let Site {
            content,
            document_markers,
            ..
        } = old;
        let scans = crate::resolve::Reuse::from_site(&content, document_markers, &changed_paths);
        // Bodies by path, taken before the content moves on.
        let kept = Kept::new(Some(bodies), &content);
        let mut content: Content = content;
        for (rel, f) in fresh {
            let path = load::display_path(&self.root, rel);
            match f {
                Fresh::Meeting(e) => put(&mut content.meetings, &path, e),
                Fresh::Document(e) => put(&mut content.documents, &path, e),
                Fresh::Press(e) => put(&mut content.press, &path, e),
            }
        }
        let graph_ms = ms(resolving);
        let resolving = Instant::now();
        let resolved = crate::resolve::resolve_reusing(content, scans);
        let (site, warnings) = match resolved {
            Ok(r) => r,
            Err(d) => {
                self.forget();
                return Err(d);
            }
        };
        for (kind, rel) in changed {
            let path = load::display_path(&self.root, rel);
            affected.entry(&site, *kind, &path);
        }
        let resolve_ms = ms(resolving);
        let preparing = Instant::now();
        let reuse = kept.reuse(&site.content, &changed_paths);
        let live = match self.prepare(site, reuse) {
            Ok(live) => live,
            Err(d) => {
                self.forget();
                return Err(d);
            }
        };
        let prepare_ms = ms(preparing);
        let rendering = Instant::now();
        let r = live.borrow_dependent();
        let first = affected.first_pages(r.site);
        let mut later = affected.later_pages(r.site);
        if !carried.is_empty() {
            let by_path: HashMap<String, PageId> = r
                .all_pages()
                .into_iter()
                .map(|id| (r.page_path(id), id))
                .collect();
            later.extend(carried.iter().filter_map(|p| by_path.get(p).copied()));
        }
        let done = self.first_pages(live, first, later, &affected, None)?;
        let c = &self.live.as_ref().expect("just put").borrow_owner().content;
        let mut removed = Vec::new();
        for (kind, slug) in old_slugs {
            let gone = match kind {
                Kind::Meeting => !c.meetings.iter().any(|e| e.slug == slug),
                Kind::Document => !c.documents.iter().any(|e| e.slug == slug),
                Kind::Press => !c.press.iter().any(|e| e.slug == slug),
            };
            if gone {
                removed.push(format!("{}/{slug}/index.html", kind.folder()));
                if kind == Kind::Meeting {
                    removed.push(format!("cards/{slug}.png"));
                }
            }
        }
        Ok(Rebuilt {
            files: done.files,
            cards: Vec::new(),
            outputs: None,
            removed,
            later: done.later,
            pages: done.pages,
            total_pages: done.total_pages,
            base_path: done.base_path,
            warnings,
            kind: "partial",
            timings: vec![
                ("read", read_ms),
                ("graph", graph_ms),
                ("resolve", resolve_ms),
                ("prepare", prepare_ms),
                ("render", ms(rendering)),
            ],
        })
    }

    /// Renders an entry edit's `first` pages with `live`, which becomes the
    /// live site, and leaves for after the reload the `later` pages, the
    /// data files and the cards (of the meetings at `cards` only; `None`:
    /// every card, as when indices may have moved).
    fn first_pages(
        &mut self,
        live: Live,
        first: Vec<PageId>,
        mut later: Vec<PageId>,
        affected: &Affected,
        cards: Option<&[usize]>,
    ) -> Result<FirstPages, Diagnostics> {
        let r = live.borrow_dependent();
        let first_set: HashSet<PageId> = first.iter().copied().collect();
        later.retain(|id| !first_set.contains(id));
        later.sort();
        later.dedup();
        let files = match r.render(&first) {
            Ok(files) => files,
            Err(d) => {
                drop(live);
                self.forget();
                return Err(d);
            }
        };
        // Pending until made again: the later pages, the data downloads and
        // the cards of the meetings the edit touches.
        let mut later_paths: Vec<String> = later.iter().map(|&id| r.page_path(id)).collect();
        later_paths.extend(self.site_paths.iter().cloned());
        later_paths.extend(
            r.site
                .content
                .meetings
                .iter()
                .filter(|m| affected.meetings.contains(&m.slug))
                .map(crate::cards::card_path),
        );
        let done = FirstPages {
            pages: files.len(),
            files,
            later: later_paths,
            total_pages: r.all_pages().len(),
            base_path: r.base_path.clone(),
        };
        self.live = Some(live);
        let generation = self.generation;
        let todo = self.todo.get_or_insert_with(|| Todo::new(generation, true));
        todo.pages = later;
        match cards {
            None => todo.cards = None,
            Some(meetings) => {
                if !todo.site_files {
                    todo.cards = Some(BTreeSet::new());
                }
                if let Some(set) = &mut todo.cards {
                    set.extend(meetings.iter().copied());
                }
            }
        }
        todo.site_files = true;
        todo.generation = generation;
        todo.partial = true;
        Ok(done)
    }
}

/// What [`Project::first_pages`] rendered and left.
struct FirstPages {
    files: Vec<OutputFile>,
    /// Output paths pending until rendered after the reload.
    later: Vec<String>,
    pages: usize,
    total_pages: usize,
    base_path: String,
}

/// The entry file at `rel` read again, with its index in `entries`, when
/// it is one of theirs and keeps its slug; `Ok(None)` for a new or removed
/// file or a changed slug, which are not edits in place.
fn reread<M: DeserializeOwned + FrontMatter>(
    root: &Path,
    entries: &[Entry<M>],
    rel: &Path,
) -> Result<Option<(usize, Entry<M>)>, Vec<crate::diagnostics::Diagnostic>> {
    if !root.join(rel).is_file() {
        return Ok(None);
    }
    let path = load::display_path(root, rel);
    let Ok(i) = entries.binary_search_by(|e| e.path.cmp(&path)) else {
        return Ok(None);
    };
    let fresh = load::load_entry::<M>(root, rel)?;
    Ok((fresh.slug == entries[i].slug).then_some((i, fresh)))
}

/// The slug of the entry at `path`, if there is one.
fn slug_at(c: &Content, kind: Kind, path: &Path) -> Option<String> {
    fn find<M>(entries: &[Entry<M>], path: &Path) -> Option<String> {
        entries
            .iter()
            .find(|e| e.path == path)
            .map(|e| e.slug.clone())
    }
    match kind {
        Kind::Meeting => find(&c.meetings, path),
        Kind::Document => find(&c.documents, path),
        Kind::Press => find(&c.press, path),
    }
}

/// Front matter compared value for value (the model types have no
/// `PartialEq`; their serialised forms are equal exactly when they are).
fn same<M: serde::Serialize>(a: &M, b: &M) -> bool {
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Parsed bodies by file path, to match them with entries after files were
/// added or removed.
#[derive(Default)]
struct Kept {
    documents: HashMap<PathBuf, Body>,
    meetings: HashMap<PathBuf, Body>,
    press: HashMap<PathBuf, Body>,
    letter: Option<Body>,
}

impl Kept {
    fn new(bodies: Option<Bodies>, content: &Content) -> Kept {
        let Some(b) = bodies else {
            return Kept::default();
        };
        fn by_path<M>(entries: &[Entry<M>], bodies: Vec<Body>) -> HashMap<PathBuf, Body> {
            if entries.len() != bodies.len() {
                return HashMap::new();
            }
            entries.iter().map(|e| e.path.clone()).zip(bodies).collect()
        }
        Kept {
            documents: by_path(&content.documents, b.documents),
            meetings: by_path(&content.meetings, b.meetings),
            press: by_path(&content.press, b.press),
            letter: Some(b.letter),
        }
    }

    fn reuse(mut self, content: &Content, changed: &HashSet<PathBuf>) -> ReusedBodies {
        fn take<M>(
            entries: &[Entry<M>],
            kept: &mut HashMap<PathBuf, Body>,
            changed: &HashSet<PathBuf>,
        ) -> Vec<Option<Body>> {
            entries
                .iter()
                .map(|e| {
                    if changed.contains(&e.path) {
                        None
                    } else {
                        kept.remove(&e.path)
                    }
                })
                .collect()
        }
        ReusedBodies {
            documents: take(&content.documents, &mut self.documents, changed),
            meetings: take(&content.meetings, &mut self.meetings, changed),
            press: take(&content.press, &mut self.press, changed),
            letter: self.letter,
            at_page: false,
            ..ReusedBodies::default()
        }
    }
}

/// An edited entry file as read again: `None` when it was deleted.
enum Fresh {
    Meeting(Option<Entry<crate::model::MeetingMeta>>),
    Document(Option<Entry<crate::model::DocumentMeta>>),
    Press(Option<Entry<crate::model::PressMeta>>),
}

impl Fresh {
    fn read(
        root: &Path,
        kind: Kind,
        rel: &Path,
    ) -> Result<Fresh, Vec<crate::diagnostics::Diagnostic>> {
        let exists = root.join(rel).is_file();
        Ok(match kind {
            Kind::Meeting => {
                Fresh::Meeting(exists.then(|| load::load_entry(root, rel)).transpose()?)
            }
            Kind::Document => {
                Fresh::Document(exists.then(|| load::load_entry(root, rel)).transpose()?)
            }
            Kind::Press => Fresh::Press(exists.then(|| load::load_entry(root, rel)).transpose()?),
        })
    }
}

/// Puts an entry read again in its place in `entries` (kept sorted by
/// path), or removes the entry at `path` when the file is gone.
fn put<M>(entries: &mut Vec<Entry<M>>, path: &Path, entry: Option<Entry<M>>) {
    let at = entries.binary_search_by(|e| e.path.as_path().cmp(path));
    match (at, entry) {
        (Ok(i), Some(e)) => entries[i] = e,
        (Err(i), Some(e)) => entries.insert(i, e),
        (Ok(i), None) => {
            entries.remove(i);
        }
        (Err(_), None) => {}
    }
}

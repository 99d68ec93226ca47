//! Rebuilding after an edit, rendering only the pages the edit can change,
//! and first the pages the browser is looking at.
//!
//! The project keeps the last good site graph and its renderer (the parsed
//! bodies, statistics, cross-links and compiled theme that every page
//! shares) between edits: see [`Live`]. What an edit re-renders:
//!
//! - the body alone of a meeting or press item (front matter unchanged,
//!   value for value): nothing else shows it, so its body is parsed again
//!   into the renderer in place and its own page is re-rendered. Nothing
//!   is resolved or prepared again: this is the edit a publisher makes all
//!   day, and it costs one file read and one page;
//! - the front matter of existing meetings (same file, same slug): the
//!   meetings are put into the site in place and the graph is updated
//!   around them alone (`resolve::update_meetings`: their references
//!   checked, their links and the time order redone); the renderer keeps
//!   every parsed body and statistic but theirs. Their pages and the
//!   pages that show them are re-rendered as below, and only their cards
//!   are made again. This is what keeps a title or a date edit in a
//!   large release as quick as a body edit;
//! - any other edit of a meeting, document or press file: that file alone
//!   is read again (the others come from memory, with their Markdown
//!   already parsed), the graph is resolved again reusing the marker scans
//!   of the unchanged files, and the pages that show the entry, before and
//!   after the edit, are re-rendered (see [`Affected`]) in two steps: the
//!   entries' own pages (the meeting, its documents and press items) before
//!   the reload is sent, and the rest (indexes, ground pages, participants,
//!   the home page, the data downloads and cards, some of them megabytes
//!   for a large release) after it, by [`Project::step`]. The server marks
//!   those pages pending until then, and a request for one waits for its
//!   render, so no stale page is served after a reload;
//! - a template: the theme is compiled again and the pages rendered with
//!   that template are re-rendered; a template that others include or
//!   extend (`base.html`, `macros.html`) re-renders every page;
//! - a theme static file: only the theme's static files are replaced;
//! - a file in a content folder that is not Markdown, or is hidden (an
//!   editor's swap, lock or temporary file): nothing, as a build skips it;
//! - `site.yaml`, `content/release.md` (its facts are on every page), or
//!   the site's `static/`: everything is loaded
//!   and rendered again. That is the documented exception to "only what
//!   changed", and it is still one pass over memory, with no output folder
//!   to write.
//!
//! Work left for after a reload starts once edits pause for a second (or
//! at once for a page a request waits for), is interrupted by the next
//! edit between pages, and is carried over into that edit's rebuild, so a
//! burst of edits is never queued behind megabytes of index pages (at
//! 10,000 meetings the home page and the participants page take a second
//! or two each to render).
//!
//! After a failure: when an edited file cannot be read (broken YAML, a bad
//! date), the last good site stays in memory and the file is read again
//! with the next edit, so its fix is a partial rebuild too; a failure later
//! on (a dangling reference, a template error) makes the next rebuild a
//! full one.
//!
//! Set `ANNEX_SERVE_VERIFY=1` to have every partial rebuild checked, once
//! its work after the reload is done, against a full build of the project
//! as it is on disk (loaded, resolved and rendered from scratch); a
//! difference is printed as a bug.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diagnostics::Diagnostics;
use crate::load::{self, Kind};
use crate::markers;
use crate::model::{Content, Entry, Site};
use crate::render::markdown::{self, Body};
use crate::render::{
    self, templates, OutputFile, PageId, Parts, RenderOptions, Renderer, ReusedBodies,
};

self_cell::self_cell!(
    /// The last good site and the renderer that borrows it, kept together
    /// between rebuilds so that an edit re-renders pages without preparing
    /// the whole site again.
    struct Live {
        owner: Site,
        #[covariant]
        dependent: Renderer,
    }
);

/// What one rebuild produced, up to the reload.
pub struct Rebuilt {
    /// Files rendered, to put in place before the reload.
    pub files: Vec<OutputFile>,
    /// Every output path the site now has, when this rebuild knows them
    /// all (a full one); files not in it are dropped.
    pub outputs: Option<HashSet<String>>,
    /// Output paths that no longer exist (a removed or renamed entry).
    pub removed: Vec<String>,
    /// Output paths that will be rendered again after the reload: requests
    /// for them wait until they are.
    pub later: Vec<String>,
    /// Pages rendered (HTML, XML and text pages; not static files).
    pub pages: usize,
    /// Pages the site has in all.
    pub total_pages: usize,
    pub base_path: String,
    pub warnings: Diagnostics,
    /// `full` or `partial`.
    pub kind: &'static str,
    /// Where the time went, in milliseconds, for the rebuild's line.
    pub timings: Vec<(&'static str, f64)>,
}

/// One piece of the work left after a reload.
pub struct Step {
    pub files: Vec<OutputFile>,
    /// Every output path, once the site files are made.
    pub outputs: Option<HashSet<String>>,
    /// Set when the work of the last rebuild is complete.
    pub done: Option<Done>,
}

/// The end of a rebuild's work after its reload.
pub struct Done {
    /// The last rebuild whose work this completes.
    pub generation: u64,
    /// Pages and site files rendered after the reload.
    pub pages: usize,
    pub site_files: usize,
    pub ms: f64,
    /// With `ANNEX_SERVE_VERIFY=1`, after a partial rebuild: every file as
    /// a full build of the project on disk makes it, or why there is none.
    pub full_render: Option<Result<Vec<OutputFile>, String>>,
}

/// Pages rendered together (in parallel) after a reload, between checks
/// for a new edit: an index of a large release takes a while on its own.
const CHUNK: usize = 2;

/// Which pages to render.
enum Select {
    All,
    /// The pages rendered with one of these templates.
    Templates(BTreeSet<String>),
}

/// Work left for after the reload.
struct Todo {
    pages: Vec<PageId>,
    site_files: bool,
    /// With the site files, the cards of these meetings only (`None`:
    /// every card). A card shows one meeting.
    cards: Option<BTreeSet<usize>>,
    /// The last rebuild that added to it.
    generation: u64,
    /// Whether a partial rebuild added to it (and so is to be verified).
    partial: bool,
    pages_done: usize,
    site_files_done: usize,
    started: Instant,
}

impl Todo {
    fn new(generation: u64, partial: bool) -> Todo {
        Todo {
            pages: Vec::new(),
            site_files: false,
            cards: Some(BTreeSet::new()),
            generation,
            partial,
            pages_done: 0,
            site_files_done: 0,
            started: Instant::now(),
        }
    }
}

/// An entry whose body alone changed, already in the renderer but not yet
/// in the site it borrows (see [`Project::teardown`]).
enum Patch {
    Meeting(usize, Entry<crate::model::MeetingMeta>),
    Press(usize, Entry<crate::model::PressMeta>),
}

/// A project being served.
pub struct Project {
    /// The root as the user gave it, so diagnostics show the paths they know.
    root: PathBuf,
    /// `http://127.0.0.1:1111`: the site's links and canonical URLs point to
    /// the preview server, under the base URL's own path.
    origin: String,
    /// The compiled theme while no renderer holds it.
    theme: Option<templates::Theme>,
    theme_name: Option<String>,
    /// The last good site and its renderer; `None` before the first
    /// success and after a failure (the next rebuild is then a full one).
    live: Option<Live>,
    /// Body-only edits in `live`'s renderer, not yet in its site.
    patches: Vec<Patch>,
    /// Work left for after the last reload.
    todo: Option<Todo>,
    /// The site files other than cards (data downloads), as last made.
    site_paths: Vec<String>,
    pub generation: u64,
    verify: bool,
    /// Files changed by a rebuild that failed before it touched the site.
    pending: BTreeSet<PathBuf>,
}

/// A renderer's parsed bodies, kept between rebuilds.
struct Bodies {
    documents: Vec<Body>,
    meetings: Vec<Body>,
    press: Vec<Body>,
    letter: Body,
}

impl Bodies {
    fn all(self) -> ReusedBodies {
        ReusedBodies {
            documents: self.documents.into_iter().map(Some).collect(),
            meetings: self.meetings.into_iter().map(Some).collect(),
            press: self.press.into_iter().map(Some).collect(),
            letter: Some(self.letter),
        }
    }
}

/// How an edit is handled.
#[derive(Debug, PartialEq, Eq)]
enum Plan {
    Full,
    /// Content entry files (relative to the root).
    Entries(Vec<(Kind, PathBuf)>),
    /// Templates changed: their names, or `None` for "a template any page
    /// may include".
    Templates(Option<BTreeSet<String>>),
    Static,
    Nothing,
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

impl Project {
    pub fn new(root: &Path, origin: &str) -> Project {
        Project {
            root: root.to_path_buf(),
            origin: origin.trim_end_matches('/').to_string(),
            theme: None,
            theme_name: None,
            live: None,
            patches: Vec::new(),
            todo: None,
            site_paths: Vec::new(),
            generation: 0,
            verify: std::env::var_os("ANNEX_SERVE_VERIFY").is_some_and(|v| v == "1"),
            pending: BTreeSet::new(),
        }
    }

    /// Loads and renders everything.
    pub fn full(&mut self) -> Result<Rebuilt, Diagnostics> {
        self.generation += 1;
        self.load_all()
    }

    /// Whether work is left for after the last reload (see [`Project::step`]).
    pub fn has_work(&self) -> bool {
        self.todo.is_some()
    }

    fn options(&self, site: &Site) -> RenderOptions {
        let base_url = format!(
            "{}{}",
            self.origin,
            render::base_path(&site.content.config.base_url)
        );
        RenderOptions {
            base_url: Some(base_url),
            theme: None,
        }
    }

    /// The theme of `site`: the one in memory when it is the same, else
    /// compiled from the project.
    fn take_theme(&mut self, site: &Site) -> Result<templates::Theme, Diagnostics> {
        let name = &site.content.config.theme;
        if self.theme_name.as_deref() != Some(name.as_str()) {
            self.theme = None;
        }
        let theme = match self.theme.take() {
            Some(t) => t,
            None => templates::load_theme(&self.root, name)?,
        };
        self.theme_name = Some(name.clone());
        Ok(theme)
    }

    /// A renderer for `site`, reusing the bodies in `reuse`.
    fn prepare(&mut self, site: Site, reuse: ReusedBodies) -> Result<Live, Diagnostics> {
        let theme = self.take_theme(&site)?;
        let options = self.options(&site);
        Live::try_new(site, |site| {
            Renderer::new_reusing(site, theme, &options, reuse)
        })
    }

    /// Takes the live site apart: its site, with the body-only edits put
    /// in, and the renderer's parsed bodies. The theme goes back to
    /// `self.theme`.
    fn teardown(&mut self) -> Option<(Site, Bodies)> {
        let (site, parts) = self.teardown_parts()?;
        let bodies = Bodies {
            documents: parts.documents,
            meetings: parts.meeting_bodies,
            press: parts.press_bodies,
            letter: parts.letter,
        };
        Some((site, bodies))
    }

    /// [`Project::teardown`], keeping all the renderer's work.
    fn teardown_parts(&mut self) -> Option<(Site, Parts)> {
        let mut live = self.live.take()?;
        let (parts, theme) = live.with_dependent_mut(|_, r| {
            let empty = templates::Theme {
                tera: tera::Tera::default(),
                static_files: Default::default(),
            };
            (r.take_parts(), std::mem::replace(&mut r.theme, empty))
        });
        self.theme = Some(theme);
        let mut site = live.into_owner();
        for patch in self.patches.drain(..) {
            match patch {
                Patch::Meeting(i, e) => site.content.meetings[i] = e,
                Patch::Press(i, e) => site.content.press[i] = e,
            }
        }
        Some((site, parts))
    }

    /// A renderer for `site` from the `parts` of the last one, with the
    /// meetings at `changed` redone (see [`Renderer::from_parts`]).
    fn prepare_parts(
        &mut self,
        site: Site,
        parts: Parts,
        changed: &[usize],
        keep_backlinks: bool,
    ) -> Result<Live, Diagnostics> {
        let theme = self.take_theme(&site)?;
        let options = self.options(&site);
        Live::try_new(site, |site| {
            Renderer::from_parts(site, theme, &options, parts, changed, keep_backlinks)
        })
    }

    /// Forgets the site: the next rebuild is a full one.
    fn forget(&mut self) {
        self.teardown();
        self.todo = None;
    }

    fn load_all(&mut self) -> Result<Rebuilt, Diagnostics> {
        self.forget();
        let started = Instant::now();
        let content = load::load_project(&self.root)?;
        let (site, warnings) = crate::resolve::resolve(content)?;
        let live = self.prepare(site, ReusedBodies::default())?;
        let r = live.borrow_dependent();
        let all = r.all_pages();
        let mut files = r.render(&all)?;
        files.extend(r.theme_files());
        let site_files = r.site_files();
        self.site_paths = non_card_paths(&site_files);
        files.extend(site_files);
        let outputs = files.iter().map(|f| f.path.clone()).collect();
        let base_path = r.base_path.clone();
        let total = all.len();
        self.live = Some(live);
        self.todo = Some(Todo::new(self.generation, false));
        Ok(Rebuilt {
            files,
            outputs: Some(outputs),
            removed: Vec::new(),
            later: Vec::new(),
            pages: total,
            total_pages: total,
            base_path,
            warnings,
            kind: "full",
            timings: vec![("build", ms(started))],
        })
    }

    /// Rebuilds after the files `changed` (relative to the root) changed.
    pub fn apply(&mut self, changed: &BTreeSet<PathBuf>) -> Result<Rebuilt, Diagnostics> {
        // Files of a failed rebuild are read again with the next edit,
        // which is usually their fix.
        let mut all = std::mem::take(&mut self.pending);
        all.extend(changed.iter().cloned());
        let result = self.apply_plan(&all);
        if result.is_err() {
            self.pending = all;
        }
        result
    }

    fn apply_plan(&mut self, changed: &BTreeSet<PathBuf>) -> Result<Rebuilt, Diagnostics> {
        self.generation += 1;
        let plan = self.plan(changed);
        if self.live.is_none() {
            return self.load_all();
        }
        match plan {
            Plan::Full => self.load_all(),
            Plan::Nothing => Ok(self.unchanged(Vec::new(), 0, "partial", Vec::new())),
            Plan::Static => self.retheme(None, true),
            Plan::Templates(names) => {
                let select = match names {
                    Some(names) => Select::Templates(names),
                    None => Select::All,
                };
                self.retheme(Some(select), true)
            }
            Plan::Entries(entries) => {
                if let Some(rebuilt) = self.body_only(&entries)? {
                    return Ok(rebuilt);
                }
                if let Some(rebuilt) = self.meetings_in_place(&entries)? {
                    return Ok(rebuilt);
                }
                self.entries(&entries)
            }
        }
    }

    /// The result of a rebuild that kept the site's entries, with `files`
    /// rendered; the work left before it stays to do.
    fn unchanged(
        &mut self,
        files: Vec<OutputFile>,
        pages: usize,
        kind: &'static str,
        timings: Vec<(&'static str, f64)>,
    ) -> Rebuilt {
        let generation = self.generation;
        let todo = self.todo.get_or_insert_with(|| Todo::new(generation, true));
        todo.generation = generation;
        todo.partial = true;
        let (total_pages, base_path) = match &self.live {
            Some(live) => {
                let r = live.borrow_dependent();
                (r.all_pages().len(), r.base_path.clone())
            }
            None => (0, "/".into()),
        };
        Rebuilt {
            files,
            outputs: None,
            removed: Vec::new(),
            later: Vec::new(),
            pages,
            total_pages,
            base_path,
            warnings: Diagnostics::default(),
            kind,
            timings,
        }
    }

    /// Compiles the theme again (`select`: the pages to re-render, none for
    /// a static file alone) and re-renders.
    fn retheme(
        &mut self,
        select: Option<Select>,
        with_static: bool,
    ) -> Result<Rebuilt, Diagnostics> {
        let started = Instant::now();
        let Some((site, bodies)) = self.teardown() else {
            return self.load_all();
        };
        self.theme = None;
        let live = match self.prepare(site, bodies.all()) {
            Ok(live) => live,
            Err(d) => {
                self.forget();
                return Err(d);
            }
        };
        let r = live.borrow_dependent();
        let ids: Vec<PageId> = match select {
            None => Vec::new(),
            Some(Select::All) => r.all_pages(),
            Some(Select::Templates(names)) => r
                .all_pages()
                .into_iter()
                .filter(|&id| names.contains(template_of(id)))
                .collect(),
        };
        let rendered = r.render(&ids);
        let mut files = match rendered {
            Ok(files) => files,
            Err(d) => {
                drop(live);
                self.forget();
                return Err(d);
            }
        };
        let pages = files.len();
        if with_static {
            files.extend(r.theme_files());
        }
        self.live = Some(live);
        Ok(self.unchanged(
            files,
            pages,
            "partial",
            vec![("theme and render", ms(started))],
        ))
    }

    fn plan(&self, changed: &BTreeSet<PathBuf>) -> Plan {
        let theme = self.theme_name.as_deref().unwrap_or("default");
        let mut entries = Vec::new();
        let mut templates = BTreeSet::new();
        let mut any_template = false;
        let mut statics = false;
        for rel in changed {
            let parts: Vec<&str> = rel.iter().filter_map(|p| p.to_str()).collect();
            let in_kind_folder = |folder: &str| Kind::ALL.iter().any(|k| k.folder() == folder);
            match parts.as_slice() {
                // Editors' swap, lock and temporary files, and anything else
                // that is not Markdown: a build skips them (with a warning
                // for a visible non-Markdown file), so they change nothing.
                ["content", folder, .., name]
                    if in_kind_folder(folder)
                        && (name.starts_with('.') || !name.ends_with(".md"))
                        && !self.root.join(rel).is_dir() => {}
                ["content", folder, .., name] if name.ends_with(".md") => {
                    match Kind::ALL.iter().find(|k| k.folder() == *folder) {
                        Some(&kind) => entries.push((kind, rel.clone())),
                        None => return Plan::Full,
                    }
                }
                ["templates", rest @ ..] => {
                    templates.insert(rest.join("/"));
                }
                ["themes", name, "templates", rest @ ..] if *name == theme => {
                    templates.insert(rest.join("/"));
                }
                ["themes", name, "static", ..] if *name == theme => statics = true,
                // Another theme's files, or the theme folder's own README.
                ["themes", name, ..] if *name != theme => {}
                ["themes", _, _] => {}
                // A folder event without a file: the files inside have
                // their own events.
                ["content", ..] if self.root.join(rel).is_dir() => {}
                // A temporary file that is already gone (`sed -i`, editors
                // that save through a rename): it never was content.
                ["content", ..] if !self.root.join(rel).exists() => {}
                _ => return Plan::Full,
            }
        }
        if !templates.is_empty() {
            any_template = templates
                .iter()
                .any(|t| !PAGE_TEMPLATES.contains(&t.as_str()));
        }
        match (entries.is_empty(), templates.is_empty(), statics) {
            (false, true, false) => Plan::Entries(entries),
            (true, false, _) => Plan::Templates((!any_template).then_some(templates)),
            (true, true, true) => Plan::Static,
            (true, true, false) => Plan::Nothing,
            // Mixed edits (a content file and a template at once): rare,
            // and a full rebuild is certainly right.
            _ => Plan::Full,
        }
    }

    /// When every edit changed only the body of meetings or press items
    /// (front matter the same, value for value, and every code in the new
    /// body known), the site graph cannot have changed and each body is
    /// shown on its own page only: the bodies are parsed into the renderer
    /// in place and only their pages are re-rendered. `Ok(None)` when the
    /// edit is of another kind; an unreadable file is an error that leaves
    /// the site as it was.
    fn body_only(&mut self, changed: &[(Kind, PathBuf)]) -> Result<Option<Rebuilt>, Diagnostics> {
        let started = Instant::now();
        let Some(live) = &self.live else {
            return Ok(None);
        };
        let site = live.borrow_owner();
        let c = &site.content;
        let mut meetings = Vec::new();
        let mut press = Vec::new();
        for (kind, rel) in changed {
            let path = load::display_path(&self.root, rel);
            if !self.root.join(rel).is_file() {
                return Ok(None);
            }
            match kind {
                Kind::Meeting => {
                    let Ok(i) = c.meetings.binary_search_by(|e| e.path.cmp(&path)) else {
                        return Ok(None);
                    };
                    let fresh = load::load_entry::<crate::model::MeetingMeta>(&self.root, rel)
                        .map_err(Diagnostics)?;
                    if fresh.slug != c.meetings[i].slug || !same(&fresh.meta, &c.meetings[i].meta) {
                        return Ok(None);
                    }
                    meetings.push((i, fresh));
                }
                Kind::Press => {
                    let Ok(i) = c.press.binary_search_by(|e| e.path.cmp(&path)) else {
                        return Ok(None);
                    };
                    let fresh = load::load_entry::<crate::model::PressMeta>(&self.root, rel)
                        .map_err(Diagnostics)?;
                    if fresh.slug != c.press[i].slug || !same(&fresh.meta, &c.press[i].meta) {
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
        let cx = markdown::BadgeContext {
            grounds: &c.grounds,
            lookup: &r.ground_lookup,
            slugs: &r.ground_slugs,
            default_act: &r.default_act,
        };
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
    fn meetings_in_place(
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
            if *kind != Kind::Meeting || !self.root.join(rel).is_file() {
                return Ok(None);
            }
            let path = load::display_path(&self.root, rel);
            let Ok(i) = old.content.meetings.binary_search_by(|e| e.path.cmp(&path)) else {
                return Ok(None);
            };
            match load::load_entry::<crate::model::MeetingMeta>(&self.root, rel) {
                Ok(e) if e.slug != old.content.meetings[i].slug => return Ok(None),
                Ok(e) => fresh.push((i, e)),
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
        let first_set: HashSet<PageId> = first.iter().copied().collect();
        // Page indices are as before: work left from earlier edits stands.
        let mut later = affected.later_pages(r.site);
        if let Some(todo) = &self.todo {
            later.extend(todo.pages.iter().copied());
        }
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
        let c = &r.site.content;
        let mut later_paths: Vec<String> = later.iter().map(|&id| r.page_path(id)).collect();
        later_paths.extend(self.site_paths.iter().cloned());
        later_paths.extend(
            c.meetings
                .iter()
                .filter(|m| affected.meetings.contains(&m.slug))
                .map(crate::cards::card_path),
        );
        let pages = files.len();
        let total_pages = r.all_pages().len();
        let base_path = r.base_path.clone();
        let render_ms = ms(rendering);
        self.live = Some(live);
        let generation = self.generation;
        let todo = self.todo.get_or_insert_with(|| Todo::new(generation, true));
        todo.pages = later;
        if !todo.site_files {
            todo.cards = Some(BTreeSet::new());
        }
        if let Some(cards) = &mut todo.cards {
            cards.extend(changed_at.iter().copied());
        }
        todo.site_files = true;
        todo.generation = generation;
        todo.partial = true;
        Ok(Some(Rebuilt {
            files,
            outputs: None,
            removed: Vec::new(),
            later: later_paths,
            pages,
            total_pages,
            base_path,
            warnings: updated.warnings,
            kind: "partial",
            timings: vec![
                ("read", read_ms),
                ("update", resolve_ms),
                ("prepare", prepare_ms),
                ("render", render_ms),
            ],
        }))
    }

    /// Reloads the changed entry files, resolves the site again and renders
    /// the entries' own pages; the other pages that show them are left for
    /// after the reload.
    fn entries(&mut self, changed: &[(Kind, PathBuf)]) -> Result<Rebuilt, Diagnostics> {
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
        let (carried, carried_site_files) = match (&self.todo, &self.live) {
            (Some(todo), Some(live)) => {
                let r = live.borrow_dependent();
                let paths: Vec<String> = todo.pages.iter().map(|&id| r.page_path(id)).collect();
                (paths, todo.site_files)
            }
            _ => (Vec::new(), false),
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
        let c = &r.site.content;
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
        // Pending until made again: the later pages, the data downloads and
        // the cards of the meetings the edit touches.
        let mut later_paths: Vec<String> = later.iter().map(|&id| r.page_path(id)).collect();
        later_paths.extend(self.site_paths.iter().cloned());
        later_paths.extend(
            c.meetings
                .iter()
                .filter(|m| affected.meetings.contains(&m.slug))
                .map(crate::cards::card_path),
        );
        let pages = files.len();
        let total_pages = r.all_pages().len();
        let base_path = r.base_path.clone();
        let render_ms = ms(rendering);
        self.live = Some(live);
        let generation = self.generation;
        let todo = self.todo.get_or_insert_with(|| Todo::new(generation, true));
        todo.pages = later;
        todo.site_files = true;
        // Indices may have moved: every card.
        todo.cards = None;
        todo.generation = generation;
        todo.partial = true;
        let _ = carried_site_files;
        Ok(Rebuilt {
            files,
            outputs: None,
            removed,
            later: later_paths,
            pages,
            total_pages,
            base_path,
            warnings,
            kind: "partial",
            timings: vec![
                ("read", read_ms),
                ("graph", graph_ms),
                ("resolve", resolve_ms),
                ("prepare", prepare_ms),
                ("render", render_ms),
            ],
        })
    }

    /// Does the next piece of the work left after a reload: a few pages
    /// (those in `wanted`, paths a request waits for, first), then the site
    /// files, then the check of `ANNEX_SERVE_VERIFY`.
    pub fn step(&mut self, wanted: &HashSet<String>) -> Result<Step, Diagnostics> {
        let (Some(todo), Some(live)) = (&mut self.todo, &self.live) else {
            self.todo = None;
            return Ok(Step {
                files: Vec::new(),
                outputs: None,
                done: None,
            });
        };
        let r = live.borrow_dependent();
        if !todo.pages.is_empty() {
            let mut ids = Vec::with_capacity(CHUNK);
            if !wanted.is_empty() {
                todo.pages.retain(|&id| {
                    if ids.len() < CHUNK && wanted.contains(&r.page_path(id)) {
                        ids.push(id);
                        false
                    } else {
                        true
                    }
                });
            }
            while ids.len() < CHUNK {
                match todo.pages.pop() {
                    Some(id) => ids.push(id),
                    None => break,
                }
            }
            let files = r.render(&ids);
            let files = match files {
                Ok(files) => files,
                Err(d) => {
                    self.forget();
                    return Err(d);
                }
            };
            todo.pages_done += files.len();
            return Ok(Step {
                files,
                outputs: None,
                done: None,
            });
        }
        if todo.site_files {
            todo.site_files = false;
            let cards: Option<Vec<usize>> = todo.cards.take().map(|c| c.into_iter().collect());
            let mut files = r.site_files_with_cards(cards.as_deref());
            todo.site_files_done = files.len();
            self.site_paths = non_card_paths(&files);
            let mut outputs: HashSet<String> = r
                .all_pages()
                .into_iter()
                .map(|id| r.page_path(id))
                .collect();
            outputs.extend(r.theme_files().into_iter().map(|f| f.path));
            outputs.extend(files.iter().map(|f| f.path.clone()));
            if cards.is_some() {
                // The other cards are as they were.
                outputs.extend(r.site.content.meetings.iter().map(crate::cards::card_path));
            }
            files.shrink_to_fit();
            return Ok(Step {
                files,
                outputs: Some(outputs),
                done: None,
            });
        }
        let todo = self.todo.take().expect("checked above");
        let full_render = (self.verify && todo.partial).then(|| self.full_render());
        Ok(Step {
            files: Vec::new(),
            outputs: None,
            done: Some(Done {
                generation: todo.generation,
                pages: todo.pages_done,
                site_files: todo.site_files_done,
                ms: ms(todo.started),
                full_render,
            }),
        })
    }

    /// The project on disk built from scratch, nothing reused, as the
    /// served site should be.
    fn full_render(&self) -> Result<Vec<OutputFile>, String> {
        let content = load::load_project(&self.root).map_err(|d| d.summary())?;
        let (site, _) = crate::resolve::resolve(content).map_err(|d| d.summary())?;
        let theme = templates::load_theme(&self.root, &site.content.config.theme)
            .map_err(|d| d.summary())?;
        let r = Renderer::new(&site, theme, &self.options(&site)).map_err(|d| d.summary())?;
        let mut files = r.render(&r.all_pages()).map_err(|d| d.summary())?;
        files.extend(r.theme_files());
        files.extend(r.site_files());
        Ok(files)
    }
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

/// The site files that are not cards (the data downloads).
fn non_card_paths(files: &[OutputFile]) -> Vec<String> {
    files
        .iter()
        .filter(|f| !f.path.starts_with("cards/"))
        .map(|f| f.path.clone())
        .collect()
}

/// The theme's static files as output files.
/// The templates pages are rendered with, by page kind (see
/// `render::pages::context`); any other template is included by these.
const PAGE_TEMPLATES: [&str; 17] = [
    "home.html",
    "meetings.html",
    "meeting.html",
    "documents.html",
    "document.html",
    "press_index.html",
    "press.html",
    "grounds.html",
    "ground.html",
    "participants.html",
    "data.html",
    "compare.html",
    "search.html",
    "404.html",
    "sitemap.xml",
    "atom.xml",
    "robots.txt",
];

fn template_of(id: PageId) -> &'static str {
    match id {
        PageId::Home => "home.html",
        PageId::Meetings => "meetings.html",
        PageId::Meeting(_) => "meeting.html",
        PageId::Documents => "documents.html",
        PageId::Document(_) => "document.html",
        PageId::PressIndex => "press_index.html",
        PageId::Press(_) => "press.html",
        PageId::Grounds => "grounds.html",
        PageId::Ground(_) => "ground.html",
        PageId::Participants => "participants.html",
        PageId::Data => "data.html",
        PageId::Compare => "compare.html",
        PageId::Search => "search.html",
        PageId::NotFound => "404.html",
        PageId::Sitemap => "sitemap.xml",
        PageId::Feed => "atom.xml",
        PageId::Robots => "robots.txt",
        PageId::GroundsCss => "grounds.css",
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

/// The entries whose pages an edit can change, by slug (indices move when
/// files are added or removed; slugs are what URLs are made of).
#[derive(Default)]
struct Affected {
    meetings: BTreeSet<String>,
    documents: BTreeSet<String>,
    press: BTreeSet<String>,
    grounds: BTreeSet<String>,
}

impl Affected {
    /// Adds what shows the entry at `path` in `site` (called with the site
    /// before the edit and after it).
    fn entry(&mut self, site: &Site, kind: Kind, path: &Path) {
        let c = &site.content;
        match kind {
            Kind::Meeting => {
                if let Some(i) = c.meetings.iter().position(|e| e.path == path) {
                    self.meeting_at(site, i);
                }
            }
            Kind::Document => {
                let Some(d) = c.documents.iter().position(|e| e.path == path) else {
                    return;
                };
                let slug = &c.documents[d].slug;
                self.documents.insert(slug.clone());
                self.body_grounds(site, &c.documents[d].body);
                // Meetings that cover it or quote its paragraphs beside a
                // press claim show its text, and so do their press pages.
                for (m, meeting) in c.meetings.iter().enumerate() {
                    let quotes = meeting
                        .meta
                        .press
                        .iter()
                        .any(|p| p.release.iter().any(|r| &r.document == slug));
                    if quotes || site.document_meetings[d].contains(&m) {
                        self.meeting_and_press(site, m);
                    }
                }
            }
            Kind::Press => {
                let Some(p) = c.press.iter().position(|e| e.path == path) else {
                    return;
                };
                self.press.insert(c.press[p].slug.clone());
                self.body_grounds(site, &c.press[p].body);
                for &m in &site.press_meetings[p] {
                    self.meetings.insert(c.meetings[m].slug.clone());
                }
            }
        }
    }

    /// What shows the meeting at index `i` of `site`: its page, its
    /// neighbours' (they show it as previous / next) and the pages that
    /// show it.
    fn meeting_at(&mut self, site: &Site, i: usize) {
        let c = &site.content;
        self.meeting(site, i);
        if let Some(pos) = site.meeting_order.iter().position(|&x| x == i) {
            for n in [pos.checked_sub(1), Some(pos + 1)].into_iter().flatten() {
                if let Some(&m) = site.meeting_order.get(n) {
                    self.meetings.insert(c.meetings[m].slug.clone());
                }
            }
        }
    }

    /// A meeting's page and the pages that show it.
    fn meeting(&mut self, site: &Site, m: usize) {
        let c = &site.content;
        let meeting = &c.meetings[m];
        self.meeting_and_press(site, m);
        for &d in &site.meeting_documents[m] {
            self.documents.insert(c.documents[d].slug.clone());
        }
        for source in &meeting.meta.sources {
            self.documents.insert(source.document.clone());
        }
        // Documents link back to the press claims that quote them.
        for p in &meeting.meta.press {
            for passage in &p.release {
                self.documents.insert(passage.document.clone());
            }
        }
        self.body_grounds(site, &meeting.body);
        for u in &site.participant_markers[m] {
            for &g in &u.grounds {
                self.grounds.insert(c.grounds[g].code.clone());
            }
        }
    }

    fn meeting_and_press(&mut self, site: &Site, m: usize) {
        let meeting = &site.content.meetings[m];
        self.meetings.insert(meeting.slug.clone());
        for p in &meeting.meta.press {
            self.press.insert(p.item.clone());
        }
    }

    fn body_grounds(&mut self, site: &Site, body: &str) {
        for group in markers::scan(body) {
            for code in &group.codes {
                if let Some(&g) = site.ground_index.get(&code.canonical) {
                    self.grounds.insert(site.content.grounds[g].code.clone());
                }
            }
        }
    }

    /// The affected entries' own pages (meetings, documents, press items):
    /// rendered before the reload.
    fn first_pages(&self, site: &Site) -> Vec<PageId> {
        let c = &site.content;
        let mut ids = Vec::new();
        pick(
            &self.meetings,
            c.meetings.iter().map(|e| e.slug.as_str()),
            PageId::Meeting,
            &mut ids,
        );
        pick(
            &self.documents,
            c.documents.iter().map(|e| e.slug.as_str()),
            PageId::Document,
            &mut ids,
        );
        pick(
            &self.press,
            c.press.iter().map(|e| e.slug.as_str()),
            PageId::Press,
            &mut ids,
        );
        ids
    }

    /// Every index (home, lists, participants, sitemap, feed) and the
    /// affected ground pages: rendered after the reload.
    fn later_pages(&self, site: &Site) -> Vec<PageId> {
        let c = &site.content;
        let mut ids = vec![
            PageId::Home,
            PageId::Meetings,
            PageId::Documents,
            PageId::PressIndex,
            PageId::Grounds,
            PageId::Participants,
            PageId::Sitemap,
            PageId::Feed,
            // Built from every meeting and press claim.
            PageId::Data,
            PageId::Compare,
        ];
        // As `Renderer::all_pages`: no meetings, no meetings index.
        if c.meetings.is_empty() {
            ids.retain(|&id| id != PageId::Meetings);
        }
        if c.config.search {
            ids.push(PageId::Search);
        }
        pick(
            &self.grounds,
            c.grounds.iter().map(|g| g.code.as_str()),
            PageId::Ground,
            &mut ids,
        );
        ids
    }
}

/// The pages (`id` of the position) of the entries whose slugs are in `set`.
fn pick<'a>(
    set: &BTreeSet<String>,
    slugs: impl Iterator<Item = &'a str>,
    id: fn(usize) -> PageId,
    out: &mut Vec<PageId>,
) {
    if set.is_empty() {
        return;
    }
    for (i, s) in slugs.enumerate() {
        if set.contains(s) {
            out.push(id(i));
        }
    }
}

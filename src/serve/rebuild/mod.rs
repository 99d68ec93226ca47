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
//!   after the edit, are re-rendered (see [`affected::Affected`]) in two steps: the
//!   entries' own pages (the meeting, its documents and press items) before
//!   the reload is sent, and the rest (indexes, ground pages, participants,
//!   the home page, the data downloads and cards, some of them megabytes
//!   for a large release) after it, by [`Project::step`]. The server marks
//!   those pages pending until then, and a request for one waits for its
//!   render, so no stale page is served after a reload;
//! - a template: the theme is compiled again and the pages rendered with
//!   that template are re-rendered; a template that others include or
//!   extend (`base.html`, `components.html`) re-renders every page;
//! - a theme static file: only the theme's static files are replaced;
//! - a file in a content folder that is not Markdown, or is hidden (an
//!   editor's swap, lock or temporary file): nothing, as a build skips it;
//! - `content/` itself or a folder in it, moved, removed or put in place
//!   (a release imported again): everything is loaded again, since a
//!   folder moved in or out brings no events for the files it holds;
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

mod affected;
mod entries;

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cards::Card;
use crate::diagnostics::Diagnostics;
use crate::load::{self, Kind};
use crate::model::{Entry, Site};
use crate::render::markdown::Body;
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
    /// Cards made, to put in place with them (see `cards::cards_of`).
    pub cards: Vec<(String, Card)>,
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
    pub cards: Vec<(String, Card)>,
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
            at_page: false,
            ..ReusedBodies::default()
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
        let (parts, theme) =
            live.with_dependent_mut(|_, r| (r.take_parts(), std::mem::take(&mut r.theme)));
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
        let data = crate::export::files(r);
        self.site_paths = data.iter().map(|f| f.path.clone()).collect();
        files.extend(data);
        let (cards, _) = crate::cards::cards_of(r, None);
        let outputs = files
            .iter()
            .map(|f| &f.path)
            .chain(cards.iter().map(|(path, _)| path))
            .cloned()
            .collect();
        let base_path = r.base_path.clone();
        let total = all.len();
        self.live = Some(live);
        self.todo = Some(Todo::new(self.generation, false));
        Ok(Rebuilt {
            files,
            cards,
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
            cards: Vec::new(),
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
                // `content/` itself or one of its top-level parts (the
                // cover letter, a kind's folder) moved, removed or put in
                // place (a release imported again, `mv content-new
                // content`): a folder moved in brings no events for the
                // files inside it, and one moved away none for the files
                // it took. Everything is loaded again.
                ["content"] | ["content", _] => return Plan::Full,
                // A folder deeper down, made or moved in: likewise.
                ["content", ..] if self.root.join(rel).is_dir() => return Plan::Full,
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

    /// Does the next piece of the work left after a reload: a few pages
    /// (those in `wanted`, paths a request waits for, first), then the site
    /// files, then the check of `ANNEX_SERVE_VERIFY`.
    pub fn step(&mut self, wanted: &HashSet<String>) -> Result<Step, Diagnostics> {
        let (Some(todo), Some(live)) = (&mut self.todo, &self.live) else {
            self.todo = None;
            return Ok(Step {
                files: Vec::new(),
                cards: Vec::new(),
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
                cards: Vec::new(),
                outputs: None,
                done: None,
            });
        }
        if todo.site_files {
            todo.site_files = false;
            let meetings: Option<Vec<usize>> = todo.cards.take().map(|c| c.into_iter().collect());
            let mut files = crate::export::files(r);
            let (cards, _) = crate::cards::cards_of(r, meetings.as_deref());
            todo.site_files_done = files.len() + cards.len();
            self.site_paths = files.iter().map(|f| f.path.clone()).collect();
            let mut outputs: HashSet<String> = r
                .all_pages()
                .into_iter()
                .map(|id| r.page_path(id))
                .collect();
            outputs.extend(r.theme_files().into_iter().map(|f| f.path));
            outputs.extend(files.iter().map(|f| f.path.clone()));
            outputs.extend(cards.iter().map(|(path, _)| path.clone()));
            if meetings.is_some() {
                // The other cards are as they were.
                outputs.extend(r.site.content.meetings.iter().map(crate::cards::card_path));
            }
            files.shrink_to_fit();
            return Ok(Step {
                files,
                cards,
                outputs: Some(outputs),
                done: None,
            });
        }
        let todo = self.todo.take().expect("checked above");
        let full_render = (self.verify && todo.partial).then(|| self.full_render());
        Ok(Step {
            files: Vec::new(),
            cards: Vec::new(),
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

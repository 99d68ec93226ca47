//! Rebuilding after an edit, rendering only the pages the edit can change.
//!
//! The project keeps the last good site graph and the compiled theme. What
//! an edit re-renders:
//!
//! - a meeting, document or press file: that file alone is read again
//!   (the others come from memory, with their Markdown already parsed),
//!   the graph is resolved again, and the pages that show the entry are
//!   re-rendered, before and after the edit (so a removed link disappears
//!   too): see [`Affected`];
//! - the body alone of a meeting or press item (front matter unchanged):
//!   nothing else shows it, so only its own page is re-rendered, without
//!   resolving again;
//! - a template: the theme is compiled again and the pages rendered with
//!   that template are re-rendered; a template that others include or
//!   extend (`base.html`, `macros.html`) re-renders every page;
//! - a theme static file: only the theme's static files are replaced;
//! - `site.yaml`, `content/release.md` (its facts are on every page), a
//!   new non-Markdown file or the site's `static/`: everything is loaded
//!   and rendered again. That is the documented exception to "only what
//!   changed", and it is still one pass over memory, with no output folder
//!   to write.
//!
//! After a failure: when an edited file cannot be read (broken YAML, a bad
//! date), the last good site stays in memory and the file is read again
//! with the next edit, so its fix is a partial rebuild too; a failure later
//! on (a dangling reference, a template error) makes the next rebuild a
//! full one.
//!
//! Set `ANNEX_SERVE_VERIFY=1` to have every partial rebuild checked against
//! a full render of the same site; a difference is printed as a bug.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostics;
use crate::load::{self, Kind};
use crate::markers;
use crate::model::{Content, Entry, Site};
use crate::render::markdown::Body;
use crate::render::{self, templates, OutputFile, PageId, RenderOptions, Renderer, ReusedBodies};

/// What one rebuild produced.
pub struct Rebuilt {
    /// Files rendered, to put in place.
    pub files: Vec<OutputFile>,
    /// Every output path the site now has.
    pub outputs: HashSet<String>,
    /// Pages rendered (HTML, XML and text pages; not static files).
    pub pages: usize,
    /// Pages the site has in all.
    pub total_pages: usize,
    pub base_path: String,
    pub warnings: Diagnostics,
    /// `full` or `partial`.
    pub kind: &'static str,
    /// With `ANNEX_SERVE_VERIFY=1`, after a partial rebuild: every file as a
    /// full render makes it, to check the served site against.
    pub full_render: Option<Vec<OutputFile>>,
}

/// Which pages to render.
enum Select {
    All,
    Pages(Vec<PageId>),
    /// The pages rendered with one of these templates.
    Templates(BTreeSet<String>),
}

/// A project being served.
pub struct Project {
    /// The root as the user gave it, so diagnostics show the paths they know.
    root: PathBuf,
    /// `http://127.0.0.1:1111`: the site's links and canonical URLs point to
    /// the preview server, under the base URL's own path.
    origin: String,
    theme: Option<templates::Theme>,
    theme_name: Option<String>,
    /// The last good site, `None` before the first success and after a
    /// failure (the next rebuild is then a full one).
    site: Option<Site>,
    pub generation: u64,
    verify: bool,
    /// The rendered bodies of `site`'s entries, index for index, reused for
    /// the files an edit did not touch.
    bodies: Option<Bodies>,
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

impl Project {
    pub fn new(root: &Path, origin: &str) -> Project {
        Project {
            root: root.to_path_buf(),
            origin: origin.trim_end_matches('/').to_string(),
            theme: None,
            theme_name: None,
            site: None,
            generation: 0,
            verify: std::env::var_os("ANNEX_SERVE_VERIFY").is_some_and(|v| v == "1"),
            bodies: None,
            pending: BTreeSet::new(),
        }
    }

    /// Loads and renders everything.
    pub fn full(&mut self) -> Result<Rebuilt, Diagnostics> {
        self.generation += 1;
        self.load_all()
    }

    fn load_all(&mut self) -> Result<Rebuilt, Diagnostics> {
        self.site = None;
        let content = load::load_project(&self.root)?;
        let (site, warnings) = crate::resolve::resolve(content)?;
        self.bodies = None;
        self.render(site, warnings, Select::All, true, ReusedBodies::default())
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
        let Some(site) = self.site.take() else {
            return self.load_all();
        };
        match plan {
            Plan::Full => {
                drop(site);
                self.load_all()
            }
            Plan::Nothing => {
                let reuse = self.all_bodies();
                self.render(
                    site,
                    Diagnostics::default(),
                    Select::Pages(Vec::new()),
                    false,
                    reuse,
                )
            }
            Plan::Static => {
                self.theme = None;
                let reuse = self.all_bodies();
                self.render(
                    site,
                    Diagnostics::default(),
                    Select::Pages(Vec::new()),
                    true,
                    reuse,
                )
            }
            Plan::Templates(names) => {
                self.theme = None;
                let select = match names {
                    Some(names) => Select::Templates(names),
                    None => Select::All,
                };
                let reuse = self.all_bodies();
                self.render(site, Diagnostics::default(), select, true, reuse)
            }
            Plan::Entries(entries) => self.entries(site, &entries),
        }
    }

    /// Every body of the current site, for a rebuild that changed no entry.
    fn all_bodies(&mut self) -> ReusedBodies {
        match self.bodies.take() {
            Some(b) => ReusedBodies {
                documents: b.documents.into_iter().map(Some).collect(),
                meetings: b.meetings.into_iter().map(Some).collect(),
                press: b.press.into_iter().map(Some).collect(),
                letter: Some(b.letter),
            },
            None => ReusedBodies::default(),
        }
    }

    fn plan(&self, changed: &BTreeSet<PathBuf>) -> Plan {
        let theme = self.theme_name.as_deref().unwrap_or("default");
        let mut entries = Vec::new();
        let mut templates = BTreeSet::new();
        let mut any_template = false;
        let mut statics = false;
        for rel in changed {
            let parts: Vec<&str> = rel.iter().filter_map(|p| p.to_str()).collect();
            match parts.as_slice() {
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

    /// Reloads the changed entry files and re-renders the pages that show
    /// them.
    fn entries(
        &mut self,
        mut old: Site,
        changed: &[(Kind, PathBuf)],
    ) -> Result<Rebuilt, Diagnostics> {
        let bodies = self.bodies.take();
        let changed_paths: HashSet<PathBuf> = changed
            .iter()
            .map(|(_, rel)| load::display_path(&self.root, rel))
            .collect();
        let fast = match self.body_only(&mut old, changed) {
            Ok(fast) => fast,
            Err(diags) => {
                // Nothing was changed yet: the last good site stays the
                // base for the fix.
                self.site = Some(old);
                self.bodies = bodies;
                return Err(diags);
            }
        };
        if let Some(ids) = fast {
            // Entries kept their places: reuse by index, except the edited.
            self.bodies = bodies;
            let mut reuse = self.all_bodies();
            for id in &ids {
                match *id {
                    PageId::Meeting(i) => {
                        if let Some(slot) = reuse.meetings.get_mut(i) {
                            *slot = None;
                        }
                    }
                    PageId::Press(i) => {
                        if let Some(slot) = reuse.press.get_mut(i) {
                            *slot = None;
                        }
                    }
                    _ => {}
                }
            }
            return self.render(
                old,
                Diagnostics::default(),
                Select::Pages(ids),
                false,
                reuse,
            );
        }
        let mut affected = Affected::default();
        for (kind, rel) in changed {
            let path = load::display_path(&self.root, rel);
            affected.entry(&old, *kind, &path);
        }
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
            self.site = Some(old);
            self.bodies = bodies;
            return Err(diags);
        }
        // Bodies by path, taken before the content moves on.
        let kept = Kept::new(bodies, &old.content);
        let mut content: Content = old.content;
        for (rel, f) in fresh {
            let path = load::display_path(&self.root, rel);
            match f {
                Fresh::Meeting(e) => put(&mut content.meetings, &path, e),
                Fresh::Document(e) => put(&mut content.documents, &path, e),
                Fresh::Press(e) => put(&mut content.press, &path, e),
            }
        }
        let (site, warnings) = crate::resolve::resolve(content)?;
        for (kind, rel) in changed {
            let path = load::display_path(&self.root, rel);
            affected.entry(&site, *kind, &path);
        }
        let ids = affected.pages(&site);
        let reuse = kept.reuse(&site.content, &changed_paths);
        self.render(site, warnings, Select::Pages(ids), false, reuse)
    }

    /// When every edit changed only the body of meetings or press items
    /// (front matter the same, value for value), the site graph cannot have
    /// changed and each body is shown on its own page only: the entries are
    /// replaced in place, without resolving again, and only their pages are
    /// re-rendered. `Ok(None)` when the edit is of another kind.
    fn body_only(
        &self,
        site: &mut Site,
        changed: &[(Kind, PathBuf)],
    ) -> Result<Option<Vec<PageId>>, Diagnostics> {
        let mut meetings = Vec::new();
        let mut press = Vec::new();
        for (kind, rel) in changed {
            let path = load::display_path(&self.root, rel);
            if !self.root.join(rel).is_file() {
                return Ok(None);
            }
            let c = &site.content;
            match kind {
                Kind::Meeting => {
                    let Some(i) = c.meetings.iter().position(|e| e.path == path) else {
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
                    let Some(i) = c.press.iter().position(|e| e.path == path) else {
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
        let mut ids = Vec::new();
        for (i, fresh) in meetings {
            site.content.meetings[i] = fresh;
            ids.push(PageId::Meeting(i));
        }
        for (i, fresh) in press {
            site.content.press[i] = fresh;
            ids.push(PageId::Press(i));
        }
        Ok(Some(ids))
    }

    /// Renders `ids` (all pages when `None`) of `site`, compiling the theme
    /// first when it is not in memory, and keeps the site for next time.
    fn render(
        &mut self,
        site: Site,
        warnings: Diagnostics,
        select: Select,
        with_static: bool,
        reuse: ReusedBodies,
    ) -> Result<Rebuilt, Diagnostics> {
        let config = &site.content.config;
        if self.theme_name.as_deref() != Some(config.theme.as_str()) {
            self.theme = None;
        }
        let theme = match self.theme.take() {
            Some(t) => t,
            None => templates::load_theme(&self.root, &config.theme)?,
        };
        self.theme_name = Some(config.theme.clone());
        let base_url = format!("{}{}", self.origin, render::base_path(&config.base_url));
        let options = RenderOptions {
            base_url: Some(base_url),
            theme: None,
        };
        let renderer = Renderer::new_reusing(&site, theme, &options, reuse)?;
        let all = renderer.all_pages();
        let mut outputs: HashSet<String> = all.iter().map(|&id| renderer.page_path(id)).collect();
        outputs.extend(static_files(&renderer).into_iter().map(|f| f.path));
        // Data downloads and cards read the whole site, and are cheap (cards
        // are cached): made on every rebuild so they are never stale. The
        // search index needs every page's HTML, so serve leaves it out.
        let site_files = renderer.site_files();
        outputs.extend(site_files.iter().map(|f| f.path.clone()));
        let total_pages = all.len();
        let (kind, ids) = match select {
            Select::All => ("full", all),
            Select::Pages(ids) => ("partial", ids),
            Select::Templates(names) => (
                "partial",
                all.into_iter()
                    .filter(|&id| names.contains(template_of(id)))
                    .collect(),
            ),
        };
        let mut files = renderer.render(&ids)?;
        let pages = files.len();
        if with_static {
            files.extend(static_files(&renderer));
        }
        files.extend(site_files.iter().cloned());
        // In verify mode, the whole site as a full build would render it,
        // for the caller to compare with what it serves.
        let full_render = if self.verify && kind == "partial" {
            let mut all = renderer.render(&renderer.all_pages())?;
            all.extend(static_files(&renderer));
            all.extend(site_files);
            Some(all)
        } else {
            None
        };
        let base_path = renderer.base_path.clone();
        let Renderer {
            theme,
            documents,
            meeting_bodies,
            press_bodies,
            letter,
            ..
        } = renderer;
        self.theme = Some(theme);
        self.bodies = Some(Bodies {
            documents,
            meetings: meeting_bodies,
            press: press_bodies,
            letter,
        });
        self.site = Some(site);
        Ok(Rebuilt {
            files,
            outputs,
            pages,
            total_pages,
            base_path,
            warnings,
            kind,
            full_render,
        })
    }
}

/// The theme's static files as output files.
fn static_files(renderer: &Renderer) -> Vec<OutputFile> {
    renderer
        .theme
        .static_files
        .iter()
        .map(|(path, bytes)| OutputFile {
            path: format!("assets/{path}"),
            bytes: bytes.clone(),
        })
        .collect()
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
                let Some(i) = c.meetings.iter().position(|e| e.path == path) else {
                    return;
                };
                self.meeting(site, i);
                // Its neighbours show it as previous / next.
                if let Some(pos) = site.meeting_order.iter().position(|&x| x == i) {
                    for n in [pos.checked_sub(1), Some(pos + 1)].into_iter().flatten() {
                        if let Some(&m) = site.meeting_order.get(n) {
                            self.meetings.insert(c.meetings[m].slug.clone());
                        }
                    }
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

    /// The pages of `site` to re-render: the affected entries' pages and
    /// every index (home, lists, participants, sitemap, feed).
    fn pages(&self, site: &Site) -> Vec<PageId> {
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
        if c.config.search {
            ids.push(PageId::Search);
        }
        let pick = |set: &BTreeSet<String>,
                    slugs: &mut dyn Iterator<Item = &str>,
                    id: fn(usize) -> PageId,
                    out: &mut Vec<PageId>| {
            for (i, s) in slugs.enumerate() {
                if set.contains(s) {
                    out.push(id(i));
                }
            }
        };
        pick(
            &self.meetings,
            &mut c.meetings.iter().map(|e| e.slug.as_str()),
            PageId::Meeting,
            &mut ids,
        );
        pick(
            &self.documents,
            &mut c.documents.iter().map(|e| e.slug.as_str()),
            PageId::Document,
            &mut ids,
        );
        pick(
            &self.press,
            &mut c.press.iter().map(|e| e.slug.as_str()),
            PageId::Press,
            &mut ids,
        );
        pick(
            &self.grounds,
            &mut c.grounds.iter().map(|g| g.code.as_str()),
            PageId::Ground,
            &mut ids,
        );
        ids
    }
}

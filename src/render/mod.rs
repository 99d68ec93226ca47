//! Render: the resolved site to pages in memory.
//!
//! `Renderer::new` does the work every page shares once (each Markdown body
//! is parsed once, see `bodies`; statistics and cross-links are computed
//! once, the theme is compiled once); `Renderer::render` then turns any set
//! of pages into bytes in parallel, borrowing the site graph rather than
//! copying it. The build renders every page, streaming the large ones;
//! `serve` can re-render just the pages an edit touches.
//!
//! Templates get a context computed here (ordering, statistics, links
//! relative to the page); they hold presentation only.

mod bodies;
pub mod charts;
pub mod escape;
pub mod markdown;
pub(crate) mod pages;
pub mod stats;
pub mod templates;
pub mod value;

use std::collections::HashMap;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{PageRange, Site};
pub use bodies::{block_html, Badges, BodiesOnDisk, Place, ReusedBodies};
use bodies::{ground_places, render_entry_body, select_blocks};
use markdown::Body;
use stats::Stats;
use templates::Theme;

/// Settings that are not content: where the site is served, which theme.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Absolute URL of the site (`https://example.org/release/`); `None`
    /// takes `site.yaml`'s.
    pub base_url: Option<String>,
    /// Theme name; `None` takes `site.yaml`'s.
    pub theme: Option<String>,
}

/// One output file: its path relative to the output folder (`/`-separated)
/// and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Every page the site has, for rendering all or some of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageId {
    Home,
    Meetings,
    Meeting(usize),
    Documents,
    Document(usize),
    PressIndex,
    Press(usize),
    Grounds,
    Ground(usize),
    Participants,
    /// "About this data": the downloads documented (see `export`).
    Data,
    /// Press claims set beside the release (see `compare`).
    Compare,
    /// The search page (see `search`), when search is on.
    Search,
    NotFound,
    Sitemap,
    Feed,
    Robots,
    /// `assets/grounds.css`: each ground's wording, shown when a badge is
    /// hovered or focused. Defined once for the site instead of inside
    /// every badge, where it was most of a page's bytes.
    GroundsCss,
}

/// A meeting's passages from one covering document.
#[derive(Debug, Clone)]
pub struct Passage {
    pub document: usize,
    pub pages: Option<PageRange>,
    /// Indices into the document's blocks, in order.
    pub blocks: Vec<usize>,
}

/// Everything pages share, computed once per build.
pub struct Renderer<'s> {
    pub site: &'s Site,
    pub theme: Theme,
    /// Ends with `/`.
    pub base_url: String,
    /// The base URL's path, `/` or `/release/`.
    pub base_path: String,
    /// The grounds' slugs, lookup and badge names, the release's Act.
    pub badges: Badges,
    /// Per document: its body, rendered for a page two levels deep.
    pub documents: Vec<Body>,
    pub document_stats: Vec<Stats>,
    pub release_stats: Stats,
    /// The cover letter, rendered for the home page.
    pub letter: Body,
    /// Per meeting and press item: its body, rendered for its page. Empty
    /// when the pages render their own (see [`ReusedBodies::at_page`]).
    pub meeting_bodies: Vec<Body>,
    pub press_bodies: Vec<Body>,
    /// Meeting and press bodies a build left in their files, read again
    /// by their pages (see [`ReusedBodies::on_disk`]); empty otherwise.
    bodies_on_disk: BodiesOnDisk,
    pub meeting_passages: Vec<Vec<Passage>>,
    pub meeting_stats: Vec<Stats>,
    /// Per ground: places applied, in document order.
    pub ground_places: Vec<Vec<Place>>,
    /// Per ground: (meeting, count) of withheld participant names.
    pub ground_participant_uses: Vec<Vec<(usize, usize)>>,
    /// Slug → index, as resolve made them (`Site::slugs`).
    pub document_by_slug: &'s HashMap<String, usize>,
    pub meeting_by_slug: &'s HashMap<String, usize>,
    pub press_by_slug: &'s HashMap<String, usize>,
    /// Per meeting: its position in `site.meeting_order`, so that pages find
    /// their neighbours and sort by time without searching the order.
    pub meeting_rank: Vec<usize>,
    /// Request item number → its meetings, in time order.
    pub item_meetings: HashMap<&'s str, Vec<usize>>,
    /// Request item number → the item's text.
    pub item_text: HashMap<&'s str, &'s str>,
    /// Per document, the press claims citing each block (see
    /// `compare::backlinks`): made on first use, once per build, since
    /// every document page needs it.
    pub claim_backlinks:
        std::sync::OnceLock<Vec<std::collections::BTreeMap<usize, Vec<crate::compare::Backlink>>>>,
    /// The site's title, language and release, as every page's `site`.
    pub site_value: value::Value,
}

/// The work of a renderer that outlives it in `serve` (see
/// [`Renderer::take_parts`]): parsed bodies and what is computed from them.
#[derive(Default)]
pub struct Parts {
    pub documents: Vec<Body>,
    pub document_stats: Vec<Stats>,
    pub release_stats: Stats,
    pub ground_places: Vec<Vec<Place>>,
    pub letter: Body,
    pub meeting_bodies: Vec<Body>,
    pub press_bodies: Vec<Body>,
    pub meeting_passages: Vec<Vec<Passage>>,
    pub meeting_stats: Vec<Stats>,
    pub claim_backlinks:
        Option<Vec<std::collections::BTreeMap<usize, Vec<crate::compare::Backlink>>>>,
}

/// Why a page could not be rendered into a writer.
#[derive(Debug)]
pub enum PageError {
    /// The template's error, or unknown codes in the page's body.
    Content(Diagnostics),
    /// The writer's.
    Write(std::io::Error),
}

/// A writer that keeps its first error, so that a failed write is told
/// apart from a template error (Tera reports both as its own).
struct KeepError<'w> {
    inner: &'w mut dyn std::io::Write,
    error: Option<std::io::Error>,
}

impl KeepError<'_> {
    /// `result`, its error (the first only) kept as well.
    fn keep<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        result.inspect_err(|e| {
            self.error
                .get_or_insert_with(|| std::io::Error::new(e.kind(), e.to_string()));
        })
    }
}

impl std::io::Write for KeepError<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.inner.write(buf);
        self.keep(result)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let result = self.inner.write_all(buf);
        self.keep(result)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Relative path from a page at `depth` folders below the root to the root.
pub fn root_for_depth(depth: usize) -> String {
    "../".repeat(depth)
}

impl<'s> Renderer<'s> {
    /// Prepares rendering: compiles nothing but what `theme` already holds,
    /// parses every body once, computes statistics and cross-links. Fails
    /// with diagnostics when a body uses a code the grounds table lacks.
    pub fn new(site: &'s Site, theme: Theme, options: &RenderOptions) -> Result<Self, Diagnostics> {
        Self::new_reusing(site, theme, options, ReusedBodies::default())
    }

    /// `new`, taking the bodies in `reuse` as already rendered instead of
    /// parsing them again: `serve` passes the bodies of an earlier renderer
    /// for the files an edit did not touch. The caller vouches that each
    /// reused body is what `render_body` would make of the same text with
    /// the same grounds table and release (a full reload reuses nothing).
    pub fn new_reusing(
        site: &'s Site,
        theme: Theme,
        options: &RenderOptions,
        reuse: ReusedBodies,
    ) -> Result<Self, Diagnostics> {
        let content = &site.content;
        let badges = Badges::new(site);
        let done = reuse.render_all(site)?;
        let some = |v: Vec<Option<Body>>| v.into_iter().map(Option::unwrap_or_default).collect();
        let documents: Vec<Body> = some(done.documents);
        let meeting_bodies: Vec<Body> = some(done.meetings);
        let press_bodies: Vec<Body> = some(done.press);
        let letter = done.letter.unwrap_or_default();

        let n_grounds = content.grounds.len();
        let document_stats: Vec<Stats> = documents
            .iter()
            .map(|b| {
                let mut s = Stats::new(n_grounds);
                b.blocks.iter().for_each(|bl| s.add_block(bl));
                s
            })
            .collect();
        let mut release_stats = Stats::new(n_grounds);
        document_stats.iter().for_each(|s| release_stats.add(s));
        let ground_places = ground_places(&documents, n_grounds);
        let parts = Parts {
            documents,
            document_stats,
            release_stats,
            ground_places,
            letter,
            meeting_bodies,
            press_bodies,
            meeting_passages: Vec::new(),
            meeting_stats: Vec::new(),
            claim_backlinks: None,
        };
        let all: Vec<usize> = (0..content.meetings.len()).collect();
        Ok(Self::assemble(
            site,
            theme,
            options,
            badges,
            parts,
            done.on_disk,
            &all,
        ))
    }

    /// Takes the work this renderer did out of it, for [`Renderer::from_parts`].
    pub fn take_parts(&mut self) -> Parts {
        Parts {
            documents: std::mem::take(&mut self.documents),
            document_stats: std::mem::take(&mut self.document_stats),
            release_stats: std::mem::take(&mut self.release_stats),
            ground_places: std::mem::take(&mut self.ground_places),
            letter: std::mem::take(&mut self.letter),
            meeting_bodies: std::mem::take(&mut self.meeting_bodies),
            press_bodies: std::mem::take(&mut self.press_bodies),
            meeting_passages: std::mem::take(&mut self.meeting_passages),
            meeting_stats: std::mem::take(&mut self.meeting_stats),
            claim_backlinks: self.claim_backlinks.take(),
        }
    }

    /// A renderer for `site` made from the `parts` of a renderer of the
    /// same site before [`crate::resolve::update_meetings`] put new
    /// versions of the meetings at `changed` in it: those meetings' bodies
    /// are parsed again and their passages found again; everything else is
    /// reused. `keep_backlinks`: the press claims and the meetings' order
    /// are as before, so the claims' links from document pages are too.
    pub fn from_parts(
        site: &'s Site,
        theme: Theme,
        options: &RenderOptions,
        mut parts: Parts,
        changed: &[usize],
        keep_backlinks: bool,
    ) -> Result<Self, Diagnostics> {
        let content = &site.content;
        let badges = Badges::new(site);
        let cx = badges.context();
        let mut diags = Diagnostics::default();
        for &m in changed {
            let e = &content.meetings[m];
            parts.meeting_bodies[m] =
                render_entry_body(&cx, &e.path, &e.body, e.body_line, &mut diags);
        }
        if diags.has_errors() {
            diags.sort();
            return Err(diags);
        }
        if !keep_backlinks {
            parts.claim_backlinks = None;
        }
        // `serve` keeps the bodies it shows: none is left in its file.
        let on_disk = BodiesOnDisk::default();
        Ok(Self::assemble(
            site, theme, options, badges, parts, on_disk, changed,
        ))
    }

    /// A renderer from bodies and what is computed from the documents, with
    /// the passages of the meetings at `redo` found (again), and the cheap
    /// site-wide lookups made.
    fn assemble(
        site: &'s Site,
        theme: Theme,
        options: &RenderOptions,
        badges: Badges,
        mut parts: Parts,
        bodies_on_disk: BodiesOnDisk,
        redo: &[usize],
    ) -> Self {
        let content = &site.content;
        let base_url = normalise_base_url(
            options
                .base_url
                .as_deref()
                .unwrap_or(&content.config.base_url),
        );
        let base_path = base_path(&base_url);
        let n_grounds = content.grounds.len();

        let document_by_slug = &site.slugs.documents;
        let meeting_by_slug = &site.slugs.meetings;
        let press_by_slug = &site.slugs.press;

        let mut meeting_rank = vec![usize::MAX; content.meetings.len()];
        for (k, &m) in site.meeting_order.iter().enumerate() {
            meeting_rank[m] = k;
        }

        let documents = &parts.documents;
        parts
            .meeting_passages
            .resize_with(content.meetings.len(), Vec::new);
        parts
            .meeting_stats
            .resize_with(content.meetings.len(), || Stats::new(n_grounds));
        let redone: Vec<(Vec<Passage>, Stats)> = redo
            .par_iter()
            .map(|&m| {
                let passages: Vec<Passage> = content.meetings[m]
                    .meta
                    .sources
                    .iter()
                    .filter_map(|s| {
                        let d = *document_by_slug.get(s.document.as_str())?;
                        Some(Passage {
                            document: d,
                            pages: s.pages,
                            blocks: select_blocks(&documents[d].blocks, s.pages, &s.paragraphs),
                        })
                    })
                    .collect();
                let mut stats = Stats::new(n_grounds);
                let mut seen = std::collections::HashSet::new();
                for p in &passages {
                    for &b in &p.blocks {
                        if seen.insert((p.document, b)) {
                            stats.add_block(&documents[p.document].blocks[b]);
                        }
                    }
                }
                (passages, stats)
            })
            .collect();
        for (&m, (passages, stats)) in redo.iter().zip(redone) {
            parts.meeting_passages[m] = passages;
            parts.meeting_stats[m] = stats;
        }

        let mut ground_participant_uses: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n_grounds];
        for (m, uses) in site.participant_markers.iter().enumerate() {
            for u in uses {
                for &g in &u.grounds {
                    if g >= n_grounds {
                        continue;
                    }
                    match ground_participant_uses[g].last_mut() {
                        Some((mm, c)) if *mm == m => *c += 1,
                        _ => ground_participant_uses[g].push((m, 1)),
                    }
                }
            }
        }

        let mut item_meetings: HashMap<&str, Vec<usize>> = HashMap::new();
        for &m in &site.meeting_order {
            if let Some(item) = content
                .meetings
                .get(m)
                .and_then(|x| x.meta.request_item.as_deref())
            {
                item_meetings.entry(item).or_default().push(m);
            }
        }

        let item_text = content
            .release
            .meta
            .request_items
            .iter()
            .map(|it| (it.number.as_str(), it.text.as_str()))
            .collect();

        let claim_backlinks = std::sync::OnceLock::new();
        if let Some(links) = parts.claim_backlinks {
            let _ = claim_backlinks.set(links);
        }
        Renderer {
            site_value: pages::site_value(site),
            site,
            item_text,
            item_meetings,
            theme,
            base_url,
            base_path,
            badges,
            documents: parts.documents,
            document_stats: parts.document_stats,
            release_stats: parts.release_stats,
            letter: parts.letter,
            meeting_bodies: parts.meeting_bodies,
            press_bodies: parts.press_bodies,
            bodies_on_disk,
            meeting_passages: parts.meeting_passages,
            meeting_stats: parts.meeting_stats,
            ground_places: parts.ground_places,
            ground_participant_uses,
            document_by_slug,
            meeting_by_slug,
            press_by_slug,
            meeting_rank,
            claim_backlinks,
        }
    }

    /// Every page of the site, in a stable order.
    pub fn all_pages(&self) -> Vec<PageId> {
        let c = &self.site.content;
        let mut ids = vec![PageId::Home];
        if !c.meetings.is_empty() {
            ids.push(PageId::Meetings);
        }
        ids.extend([
            PageId::Documents,
            PageId::PressIndex,
            PageId::Grounds,
            PageId::Participants,
            PageId::Data,
            PageId::Compare,
        ]);
        if crate::search::enabled(self) {
            ids.push(PageId::Search);
        }
        ids.extend((0..c.meetings.len()).map(PageId::Meeting));
        ids.extend((0..c.documents.len()).map(PageId::Document));
        ids.extend((0..c.press.len()).map(PageId::Press));
        ids.extend((0..c.grounds.len()).map(PageId::Ground));
        ids.extend([
            PageId::NotFound,
            PageId::Sitemap,
            PageId::Feed,
            PageId::Robots,
            PageId::GroundsCss,
        ]);
        ids
    }

    /// The output path of a page, relative to the output folder.
    pub fn page_path(&self, id: PageId) -> String {
        let c = &self.site.content;
        match id {
            PageId::Home => "index.html".into(),
            PageId::Meetings => "meetings/index.html".into(),
            PageId::Meeting(i) => format!("meetings/{}/index.html", c.meetings[i].slug),
            PageId::Documents => "documents/index.html".into(),
            PageId::Document(i) => format!("documents/{}/index.html", c.documents[i].slug),
            PageId::PressIndex => "press/index.html".into(),
            PageId::Press(i) => format!("press/{}/index.html", c.press[i].slug),
            PageId::Grounds => "grounds/index.html".into(),
            PageId::Ground(i) => format!("grounds/{}/index.html", self.badges.slugs[i]),
            PageId::Participants => "participants/index.html".into(),
            PageId::Data => "data/index.html".into(),
            PageId::Compare => crate::compare::PAGE_PATH.into(),
            PageId::Search => crate::search::PAGE_PATH.into(),
            PageId::NotFound => "404.html".into(),
            PageId::Sitemap => "sitemap.xml".into(),
            PageId::Feed => "atom.xml".into(),
            PageId::Robots => "robots.txt".into(),
            PageId::GroundsCss => "assets/grounds.css".into(),
        }
    }

    /// Renders the given pages in parallel, in the order given. All errors
    /// are collected.
    pub fn render(&self, ids: &[PageId]) -> Result<Vec<OutputFile>, Diagnostics> {
        let results: Vec<Result<OutputFile, Diagnostics>> =
            ids.par_iter().map(|&id| self.render_page(id)).collect();
        let mut files = Vec::with_capacity(results.len());
        let mut diags = Diagnostics::default();
        for r in results {
            match r {
                Ok(f) => files.push(f),
                Err(d) => diags.extend(d.0),
            }
        }
        if diags.has_errors() {
            diags.sort();
            return Err(diags);
        }
        Ok(files)
    }

    /// Every page plus the theme's static files, sorted by path.
    pub fn render_all(&self) -> Result<Vec<OutputFile>, Diagnostics> {
        let mut files = self.render(&self.all_pages())?;
        files.extend(self.theme_files());
        files.extend(self.site_files());
        files.extend(self.search_files(&files)?);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// The theme's static files, under `assets/`.
    pub fn theme_files(&self) -> Vec<OutputFile> {
        self.theme
            .static_files
            .iter()
            .map(|(path, bytes)| OutputFile {
                path: format!("assets/{path}"),
                bytes: bytes.clone(),
            })
            .collect()
    }

    /// Files made from the whole site rather than one page: the data
    /// downloads (see `export`) and the meetings' social cards (`cards`).
    pub fn site_files(&self) -> Vec<OutputFile> {
        let mut files = crate::export::files(self);
        files.extend(crate::cards::files(self).0);
        files
    }

    /// The search index of the HTML pages among `files` (see `search`);
    /// nothing when search is off.
    pub fn search_files(&self, files: &[OutputFile]) -> Result<Vec<OutputFile>, Diagnostics> {
        if crate::search::enabled(self) {
            crate::search::index(files)
        } else {
            Ok(Vec::new())
        }
    }

    /// One page, rendered. Its errors: the template's, or the unknown
    /// codes of a body rendered for it (see [`Renderer::page_body`]).
    pub fn render_page(&self, id: PageId) -> Result<OutputFile, Diagnostics> {
        let path = self.page_path(id);
        // The default theme's item pages are 15-25 KB: room for one
        // without growing (each doubling copies what is written so far).
        let mut bytes = Vec::with_capacity(32 * 1024);
        match self.render_page_to(id, &path, &mut bytes) {
            Ok(()) => Ok(OutputFile { path, bytes }),
            Err(PageError::Content(d)) => Err(d),
            // Writing to memory does not fail; kept for completeness.
            Err(PageError::Write(e)) => Err(Diagnostics(vec![Diagnostic::error(
                "write",
                &path,
                e.to_string(),
            )])),
        }
    }

    /// [`Renderer::render_page`] for the page at `path`, written to `out`
    /// as it is made: a build streams the pages listing the whole site,
    /// megabytes each in a large release, straight into their files.
    pub fn render_page_to(
        &self,
        id: PageId,
        path: &str,
        out: &mut dyn std::io::Write,
    ) -> Result<(), PageError> {
        let body = self.page_body(id).map_err(PageError::Content)?;
        let (template, context) = pages::context(self, id, path, body.as_deref());
        let mut out = KeepError {
            inner: out,
            error: None,
        };
        let rendered = self.theme.tera.render_to(template, &context, &mut out);
        if let Some(e) = out.error {
            return Err(PageError::Write(e));
        }
        rendered
            .map_err(|e| PageError::Content(Diagnostics(vec![self.template_error(template, &e)])))
    }

    fn template_error(&self, template: &str, e: &tera::Error) -> Diagnostic {
        self.theme.render_error(template, e)
    }

    /// Absolute URL of a page path, for canonical links, the sitemap and the feed.
    pub fn absolute(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.base_url,
            path.strip_suffix("index.html").unwrap_or(path)
        )
    }
}

/// Why `url` cannot be a site's base URL, if it cannot: it must be an
/// absolute http(s) URL with a host (`https://example.org/release/`) or a
/// path from the root (`/`, `/release/`), with nothing that would end up
/// in the middle of every link (a query, a fragment, a space).
pub fn check_base_url(url: &str) -> Result<(), String> {
    let url = url.trim();
    let problem = if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("it has a space or a control character (write a space as %20)")
    } else if url.contains(['?', '#']) {
        Some("it has a query or a fragment (`?`, `#`), which every link would carry")
    } else if url.contains(['"', '<', '>', '\\']) {
        Some("it has a character a URL may not hold")
    } else if let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    {
        rest.split('/')
            .next()
            .is_none_or(str::is_empty)
            .then_some("it has no host")
    } else if url.starts_with("//") {
        Some("a URL without its scheme is ambiguous")
    } else if !url.starts_with('/') {
        Some("it is neither an http(s) URL nor a path from the root")
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(why) => Err(format!(
            "`{url}` is not a base URL: {why}; use the absolute URL the site is published at, \
             such as https://example.org/release/, or a path such as /release/"
        )),
    }
}

/// `https://example.org/release` → `https://example.org/release/`.
pub fn normalise_base_url(url: &str) -> String {
    let url = url.trim();
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

/// The path part of a base URL: `https://example.org/release/` → `/release/`.
pub fn base_path(base_url: &str) -> String {
    let after_scheme = match base_url.find("://") {
        Some(i) => &base_url[i + 3..],
        None => {
            return if base_url.starts_with('/') {
                base_url.to_string()
            } else {
                format!("/{base_url}")
            }
        }
    };
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].to_string(),
        None => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_absolute_urls_with_a_host_or_paths_from_the_root() {
        for good in [
            "/",
            "/release/",
            "https://example.org",
            "http://localhost:8000/a/b/",
        ] {
            assert_eq!(check_base_url(good), Ok(()), "{good}");
        }
        for (bad, why) in [
            ("example.org/x/", "neither"),
            ("https:///x/", "no host"),
            ("https://example.org/release/?q=1#x", "query"),
            ("https://example.org/a b/", "space"),
            ("//example.org/", "ambiguous"),
            ("", "neither"),
        ] {
            let e = check_base_url(bad).unwrap_err();
            assert!(
                e.contains(why) && e.contains("https://example.org/release/"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn base_paths_and_slugs() {
        assert_eq!(base_path("https://example.org/release/"), "/release/");
        assert_eq!(base_path("https://example.org/"), "/");
        assert_eq!(base_path("/"), "/");
        assert_eq!(
            normalise_base_url("https://example.org/release"),
            "https://example.org/release/"
        );
    }
}

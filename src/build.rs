//! Build: load → resolve → render → write, as functions `build`, `serve`
//! and `check` share.
//!
//! `build` renders and writes a page at a time, so that memory stays flat
//! however large the release; `render_site` produces the whole site in
//! memory for `check` and `serve`. A `Renderer` (see `render`) can also
//! render just some pages, for incremental rebuilds.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::render::{
    templates, OutputFile, PageError, PageId, RenderOptions, Renderer, ReusedBodies,
};
use crate::write::{self, WriteSummary};

/// What `annex build` was asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; `None` takes `site.yaml`'s `output_dir` under the root.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub theme: Option<String>,
    /// Replace an output folder that annex did not write (never one of
    /// the project's own folders).
    pub force: bool,
}

/// Why a build failed.
#[derive(Debug)]
pub enum BuildError {
    /// Problems with the content or theme (exit code 1).
    Content(Diagnostics),
    /// The output could not be written (exit code 2).
    Output(String),
}

/// A finished build.
#[derive(Debug)]
pub struct BuildReport {
    pub output: PathBuf,
    pub written: WriteSummary,
    /// Pages (HTML files) among the files written.
    pub pages: usize,
    pub warnings: Diagnostics,
    pub elapsed: std::time::Duration,
    /// Per stage, in order: its name, wall time and the process's peak
    /// resident memory at its end (`annex build --timings` prints them).
    pub stages: Vec<Stage>,
    /// How the cards were made.
    pub cards: crate::cards::CardReport,
    /// What became of the card cache's unused entries.
    pub pruned: std::io::Result<crate::cards::Pruned>,
}

/// Loads and resolves the project at `root`: the checked site graph and
/// its warnings.
pub fn load_site(root: &Path) -> Result<(Site, Diagnostics), Diagnostics> {
    let content = crate::load::load_project(root)?;
    crate::resolve::resolve(content)
}

/// Compiles the theme for `site` and prepares a renderer.
pub fn renderer<'s>(site: &'s Site, options: &RenderOptions) -> Result<Renderer<'s>, Diagnostics> {
    renderer_reusing(site, options, ReusedBodies::default())
}

/// [`renderer`], with the bodies in `bodies` already rendered.
fn renderer_reusing<'s>(
    site: &'s Site,
    options: &RenderOptions,
    bodies: ReusedBodies,
) -> Result<Renderer<'s>, Diagnostics> {
    let name = options
        .theme
        .clone()
        .unwrap_or_else(|| site.content.config.theme.clone());
    let theme = templates::load_theme(&site.content.root, &name)?;
    Renderer::new_reusing(site, theme, options, bodies)
}

/// Renders every file of the site into memory, sorted by path.
pub fn render_site(site: &Site, options: &RenderOptions) -> Result<Vec<OutputFile>, Diagnostics> {
    renderer(site, options)?.render_all()
}

/// The output folder a build writes to.
pub fn output_dir(site: &Site, output: Option<&Path>) -> PathBuf {
    match output {
        Some(p) => p.to_path_buf(),
        None => site.content.root.join(&site.content.config.output_dir),
    }
}

/// Refuses an output folder the swap must not replace: the build puts its
/// new output where the folder was and deletes the old one whole.
///
/// - the project root, or a folder holding it;
/// - one of the project's own files or folders (`content/`, a theme, the
///   card cache, ...) or anything inside one, whatever `force` says;
/// - unless `force`, an existing folder that holds files and no
///   `release.json` of annex's, so was not (all) written by annex: the
///   wrong path given to `--output` or `output_dir`, which would be deleted.
fn check_output(root: &Path, output: &Path, force: bool) -> Result<(), String> {
    let (Some(r), Some(o)) = (resolved(root), resolved(output)) else {
        return Ok(()); // unreadable paths: Staging reports them
    };
    let shown = output.display();
    if r.starts_with(&o) {
        return Err(format!(
            "output folder {shown} holds the project itself: choose another, such as public/"
        ));
    }
    for input in crate::load::PROJECT_INPUTS {
        if o.starts_with(r.join(input)) {
            return Err(format!(
                "output folder {shown} is the project's `{input}` or inside it, and a build replaces its output \
                 folder whole: choose a folder of its own, such as public/"
            ));
        }
    }
    if !force && holds_files(&o) && !written_by_annex(&o) {
        return Err(format!(
            "output folder {shown} holds files and no release.json of annex's, so annex did not write it, and a \
             build replaces its output folder whole: choose a new or empty folder, or pass --force to replace it"
        ));
    }
    Ok(())
}

/// `path` made absolute with every link resolved, for a path that may not
/// exist yet: its nearest existing ancestor resolved, the rest appended.
/// `None` for a path with `..` after that ancestor, or none at all.
fn resolved(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut rest = Vec::new();
    let mut base = absolute.as_path();
    loop {
        if let Ok(real) = base.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return Some(out);
        }
        let name = base.file_name()?;
        rest.push(name.to_os_string());
        base = base.parent()?;
    }
}

/// Whether `dir` is a folder with anything in it.
fn holds_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}

/// Whether `dir` has the `release.json` every annex build writes (its
/// first bytes name annex as its generator).
fn written_by_annex(dir: &Path) -> bool {
    use std::io::Read as _;
    let mut head = [0u8; 64];
    let Ok(mut file) = std::fs::File::open(dir.join("release.json")) else {
        return false;
    };
    let n = file.read(&mut head).unwrap_or(0);
    let head = &head[..n];
    head.starts_with(b"{\"version\":")
        && memchr::memmem::find(head, b"\"generator\":\"annex ").is_some()
}

/// Pages rendered and written per step of a build: enough to keep every
/// core busy, few enough that memory stays flat however large the site.
const CHUNK: usize = 256;

/// The whole build: load, resolve, render, write. Pages are written as
/// they are rendered, into a staging folder that replaces the output only
/// when everything succeeded; the search index is built beside them.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let mut stages = Stages::new(start);
    let content = crate::load::load_project(&options.root).map_err(BuildError::Content)?;
    stages.done("load");
    let (mut site, warnings) = crate::resolve::resolve(content).map_err(BuildError::Content)?;
    // Where each marker is in its file serves `check` and `serve`; the
    // pages are made from the rendered blocks.
    site.document_markers = Vec::new();
    // Meeting and press bodies are read again by their pages, the only
    // place they show, rather than held through the build.
    let on_disk = crate::render::BodiesOnDisk::take(&mut site.content);
    stages.done("resolve");
    // The documents' bodies are rendered before the renderer borrows the
    // site, so that their Markdown text can be freed: their pages, the
    // meetings quoting them and the data files need only the rendered
    // blocks. A meeting's or press item's body is shown on its own page
    // only, which reads it again from its file and renders it.
    let bodies = ReusedBodies {
        at_page: true,
        on_disk,
        ..ReusedBodies::default()
    }
    .render_all(&site)
    .map_err(BuildError::Content)?;
    site.content.clear_document_bodies();
    let render_options = RenderOptions {
        base_url: options.base_url.clone(),
        theme: options.theme.clone(),
    };
    let mut renderer =
        renderer_reusing(&site, &render_options, bodies).map_err(BuildError::Content)?;
    stages.done("prepare (Markdown, statistics, theme)");
    let output = output_dir(&site, options.output.as_deref());
    check_output(&options.root, &output, options.force).map_err(BuildError::Output)?;
    let cannot =
        |e: std::io::Error| BuildError::Output(format!("cannot write {}: {e}", output.display()));
    let stage = write::Staging::new(&output).map_err(cannot)?;
    let indexer = crate::search::enabled(&renderer).then(crate::search::Indexer::start);

    // Pages listing the whole site (the home page, the indexes) are each
    // many megabytes of context and output, and the data downloads are
    // made in one pass each: one thread does those, one at a time, so two
    // are never in memory together, while the others render item pages.
    let (site_ids, item_ids): (Vec<PageId>, Vec<PageId>) = renderer
        .all_pages()
        .into_iter()
        .partition(|&id| lists_whole_site(id));
    let (items, whole) = std::thread::scope(|s| {
        let whole = s.spawn(|| -> Result<PagesDone, BuildError> {
            let mut done = PagesDone::default();
            for id in site_ids {
                if indexer.is_some() {
                    // Kept for the search index, which takes them after
                    // the item pages, so that its input order never varies.
                    done.page(renderer.render_page(id), &stage, true)?;
                } else {
                    done.stream(&renderer, id, &stage)?;
                }
            }
            if !done.errors.has_errors() {
                // The data downloads are streamed to their files, never held whole.
                crate::export::write(&renderer, |path, make| stage.put_with(path, make))
                    .map_err(cannot)?;
            }
            Ok(done)
        });
        let items = render_items(&renderer, &item_ids, &stage, indexer.as_ref());
        let whole = whole
            .join()
            .unwrap_or_else(|_| Err(BuildError::Output("a page's render panicked".into())));
        (items, whole)
    });
    let (items, whole) = (items?, whole?);
    let mut errors = items.errors;
    errors.extend(whole.errors.0);
    if errors.has_errors() {
        errors.sort();
        return Err(BuildError::Content(errors));
    }
    let pages = items.pages + whole.pages;
    if let Some(ix) = &indexer {
        for file in whole.kept {
            ix.add(file.path, file.bytes);
        }
    }
    stages.done("pages and data files");
    let cards = crate::cards::each(&renderer, |path, card| match card {
        crate::cards::Card::Drawn { bytes, .. } => stage.put(&path, &bytes),
        crate::cards::Card::Cached { file, bytes, .. } => stage.link(&path, &file, bytes),
    })
    .map_err(cannot)?;
    stages.done("cards");
    let mut rest = renderer.theme_files();
    if let Some(ix) = indexer {
        rest.extend(ix.finish().map_err(BuildError::Content)?);
    }
    rest.par_iter()
        .try_for_each(|f| stage.put(&f.path, &f.bytes))
        .map_err(cannot)?;
    stages.done("theme files and search index");
    let written = stage.commit().map_err(cannot)?;
    stages.done("swap in");
    // Only now: a failed build leaves the cache as it was.
    let pruned = crate::cards::prune(&site.content.root, &cards.keys);
    stages.done("prune the card cache");
    // Freeing a large site's graph and parsed bodies takes a tenth of a
    // second or more, and nothing waits for it: a command-line build exits
    // without waiting, a long-running caller frees them meanwhile.
    let parts = renderer.take_parts();
    drop(renderer);
    std::thread::spawn(move || drop((parts, site)));
    Ok(BuildReport {
        output,
        written,
        pages,
        warnings,
        elapsed: start.elapsed(),
        stages: stages.list,
        cards,
        pruned,
    })
}

/// One stage of a build, as `--timings` reports it.
#[derive(Debug, Clone)]
pub struct Stage {
    pub name: &'static str,
    pub time: std::time::Duration,
    /// Peak resident memory so far, in bytes (Linux; `None` elsewhere).
    pub peak_rss: Option<u64>,
    /// Resident memory at the stage's end, in bytes (what it kept).
    pub rss: Option<u64>,
}

/// Wall time and memory per stage of a build.
struct Stages {
    last: Instant,
    list: Vec<Stage>,
}

impl Stages {
    fn new(start: Instant) -> Stages {
        Stages {
            last: start,
            list: Vec::new(),
        }
    }

    fn done(&mut self, name: &'static str) {
        let now = Instant::now();
        self.list.push(Stage {
            name,
            time: now - self.last,
            peak_rss: memory_status("VmHWM:"),
            rss: memory_status("VmRSS:"),
        });
        self.last = now;
    }
}

/// A memory figure of this process in bytes, where the system reports it:
/// `VmHWM:` (peak resident set size so far) or `VmRSS:` (now).
fn memory_status(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Pages rendered and written so far, and the template errors met.
#[derive(Default)]
struct PagesDone {
    pages: usize,
    errors: Diagnostics,
    /// Pages kept for the search index (see `build`).
    kept: Vec<OutputFile>,
}

impl PagesDone {
    /// Takes one page's result: written unless a page before it failed
    /// (every page is still rendered, so that all template errors are
    /// reported at once). Fails only when writing fails.
    fn page(
        &mut self,
        result: Result<OutputFile, Diagnostics>,
        stage: &write::Staging,
        keep: bool,
    ) -> Result<(), BuildError> {
        match result {
            Ok(file) => {
                if !self.errors.has_errors() {
                    write_page(stage, &file).map_err(BuildError::Output)?;
                }
                self.pages += usize::from(file.path.ends_with(".html"));
                if keep {
                    self.kept.push(file);
                }
            }
            Err(d) => self.errors.extend(d.0),
        }
        Ok(())
    }

    /// Renders page `id` straight into its file, never whole in memory
    /// (see [`Renderer::render_page_to`]); after an error, into nothing,
    /// for the page's own errors.
    fn stream(
        &mut self,
        r: &Renderer,
        id: PageId,
        stage: &write::Staging,
    ) -> Result<(), BuildError> {
        use std::io::Write as _;
        let path = r.page_path(id);
        let mut rendered = Ok(());
        if self.errors.has_errors() {
            rendered = r.render_page_to(id, &path, &mut std::io::sink());
        } else {
            stage
                .put_with(&path, &mut |file| {
                    let mut file = std::io::BufWriter::with_capacity(1 << 16, file);
                    match r.render_page_to(id, &path, &mut file) {
                        Err(PageError::Write(e)) => return Err(e),
                        other => rendered = other,
                    }
                    file.flush()
                })
                .map_err(|e| BuildError::Output(format!("cannot write {path}: {e}")))?;
        }
        match rendered {
            Ok(()) => self.pages += usize::from(path.ends_with(".html")),
            Err(PageError::Content(d)) => self.errors.extend(d.0),
            Err(PageError::Write(e)) => {
                return Err(BuildError::Output(format!("cannot write {path}: {e}")))
            }
        }
        Ok(())
    }
}

/// Renders and writes the pages `ids` in parallel, a chunk at a time, each
/// chunk handed to the search index (when there is one) in order.
fn render_items(
    renderer: &Renderer,
    ids: &[PageId],
    stage: &write::Staging,
    indexer: Option<&crate::search::Indexer>,
) -> Result<PagesDone, BuildError> {
    let mut done = PagesDone::default();
    for chunk in ids.chunks(CHUNK) {
        let write = !done.errors.has_errors();
        let results: Vec<Result<OutputFile, ItemError>> = chunk
            .par_iter()
            .map(|&id| {
                let mut file = renderer.render_page(id).map_err(ItemError::Render)?;
                if write {
                    write_page(stage, &file).map_err(ItemError::Write)?;
                }
                if indexer.is_none() {
                    // Written, and wanted by nothing else: free it now
                    // rather than with the rest of its chunk.
                    file.bytes = Vec::new();
                }
                Ok(file)
            })
            .collect();
        for r in results {
            match r {
                Ok(file) => {
                    done.pages += usize::from(file.path.ends_with(".html"));
                    if let Some(ix) = indexer {
                        ix.add(file.path, file.bytes);
                    }
                }
                Err(ItemError::Write(message)) => return Err(BuildError::Output(message)),
                Err(ItemError::Render(d)) => done.errors.extend(d.0),
            }
        }
    }
    Ok(done)
}

/// Writes one rendered page into the staging folder; the error names it.
fn write_page(stage: &write::Staging, file: &OutputFile) -> Result<(), String> {
    stage
        .put(&file.path, &file.bytes)
        .map_err(|e| format!("cannot write {}: {e}", file.path))
}

/// Why one item page of a build failed: its template, or writing it.
enum ItemError {
    Render(Diagnostics),
    Write(String),
}

/// Pages made from every meeting or document at once (see `build`).
fn lists_whole_site(id: PageId) -> bool {
    matches!(
        id,
        PageId::Home
            | PageId::Meetings
            | PageId::Documents
            | PageId::PressIndex
            | PageId::Participants
            | PageId::Data
            | PageId::Compare
            | PageId::Search
            | PageId::Sitemap
            | PageId::Feed
    )
}

/// Diagnostics about the command line rather than the content.
pub fn usage_error(message: impl Into<String>) -> Diagnostic {
    Diagnostic::error("usage", "annex", message)
}

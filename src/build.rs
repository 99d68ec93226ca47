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
use crate::render::{templates, OutputFile, PageId, RenderOptions, Renderer};
use crate::write::{self, WriteSummary};

/// What `annex build` was asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; `None` takes `site.yaml`'s `output_dir` under the root.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub theme: Option<String>,
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
}

/// Loads and resolves the project at `root`: the checked site graph and
/// its warnings.
pub fn load_site(root: &Path) -> Result<(Site, Diagnostics), Diagnostics> {
    let content = crate::load::load_project(root)?;
    crate::resolve::resolve(content)
}

/// Compiles the theme for `site` and prepares a renderer.
pub fn renderer<'s>(site: &'s Site, options: &RenderOptions) -> Result<Renderer<'s>, Diagnostics> {
    let name = options
        .theme
        .clone()
        .unwrap_or_else(|| site.content.config.theme.clone());
    let theme = templates::load_theme(&site.content.root, &name)?;
    Renderer::new(site, theme, options)
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

/// Refuses an output folder that is the project root or contains it,
/// since the swap replaces the folder.
fn check_output(root: &Path, output: &Path) -> Result<(), String> {
    if let (Ok(r), Ok(o)) = (root.canonicalize(), output.canonicalize()) {
        if r.starts_with(&o) {
            return Err(format!(
                "output folder {} holds the project itself: choose another",
                output.display()
            ));
        }
    }
    Ok(())
}

/// Writes rendered files to `output`, swapping them in whole.
pub fn write_output(
    root: &Path,
    output: &Path,
    files: &[OutputFile],
) -> Result<WriteSummary, String> {
    check_output(root, output)?;
    write::write_site(output, files).map_err(|e| format!("cannot write {}: {e}", output.display()))
}

/// Pages rendered and written per step of a build: enough to keep every
/// core busy, few enough that memory stays flat however large the site.
const CHUNK: usize = 256;

/// The whole build: load, resolve, render, write. Pages are written as
/// they are rendered, into a staging folder that replaces the output only
/// when everything succeeded; the search index is built beside them.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let (site, warnings) = load_site(&options.root).map_err(BuildError::Content)?;
    let render_options = RenderOptions {
        base_url: options.base_url.clone(),
        theme: options.theme.clone(),
    };
    let renderer = renderer(&site, &render_options).map_err(BuildError::Content)?;
    let output = output_dir(&site, options.output.as_deref());
    check_output(&options.root, &output).map_err(BuildError::Output)?;
    let cannot =
        |e: std::io::Error| BuildError::Output(format!("cannot write {}: {e}", output.display()));
    let stage = write::Staging::new(&output).map_err(cannot)?;
    let indexer = crate::search::enabled(&renderer).then(crate::search::Indexer::start);

    let mut errors = Diagnostics::default();
    let mut pages = 0;
    // Pages listing the whole site (the home page, the indexes) are each
    // many megabytes of context and output: one at a time, so that two are
    // never in memory together; other threads render item pages meanwhile.
    let whole_site = std::sync::Mutex::new(());
    for chunk in renderer.all_pages().chunks(CHUNK) {
        // After an error nothing more is written, but every page is still
        // rendered so that all template errors are reported at once.
        let write = !errors.has_errors();
        let results: Vec<Result<OutputFile, PageError>> = chunk
            .par_iter()
            .map(|&id| {
                let file = if lists_whole_site(id) {
                    let _one = whole_site.lock().unwrap_or_else(|e| e.into_inner());
                    renderer.render_page(id)
                } else {
                    renderer.render_page(id)
                }
                .map_err(PageError::Render)?;
                if write {
                    stage.put(&file.path, &file.bytes).map_err(|e| {
                        PageError::Write(format!("cannot write {}: {e}", file.path))
                    })?;
                }
                Ok(file)
            })
            .collect();
        for r in results {
            match r {
                Ok(file) => {
                    pages += usize::from(file.path.ends_with(".html"));
                    if let Some(ix) = &indexer {
                        ix.add(file.path, file.bytes);
                    }
                }
                Err(PageError::Write(message)) => return Err(BuildError::Output(message)),
                Err(PageError::Render(d)) => errors.push(d),
            }
        }
    }
    if errors.has_errors() {
        errors.sort();
        return Err(BuildError::Content(errors));
    }
    crate::cards::each(&renderer, |path, card| match card {
        crate::cards::Card::Drawn(bytes) => stage.put(&path, &bytes),
        crate::cards::Card::Cached(file) => stage.link(&path, &file),
    })
    .map_err(cannot)?;
    // The data downloads are streamed to their files, never held whole.
    crate::export::write(&renderer, |path, make| stage.put_with(path, make)).map_err(cannot)?;
    let mut rest = renderer.theme_files();
    if let Some(ix) = indexer {
        rest.extend(ix.finish().map_err(BuildError::Content)?);
    }
    rest.par_iter()
        .try_for_each(|f| stage.put(&f.path, &f.bytes))
        .map_err(cannot)?;
    let written = stage.commit().map_err(cannot)?;
    Ok(BuildReport {
        output,
        written,
        pages,
        warnings,
        elapsed: start.elapsed(),
    })
}

/// Why one page of a build failed: its template, or writing it.
enum PageError {
    Render(Diagnostic),
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

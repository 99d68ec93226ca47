//! Build: load → resolve → render → write, as functions `build`, `serve`
//! and `check` share.
//!
//! `render_site` produces the whole site in memory; `write_output` puts it
//! on disk. A `Renderer` (see `render`) can also render just some pages, for
//! incremental rebuilds.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::render::{templates, OutputFile, RenderOptions, Renderer};
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

/// Writes rendered files to `output`, swapping them in whole. Refuses an
/// output folder that is the project root or contains it, since the swap
/// replaces the folder.
pub fn write_output(
    root: &Path,
    output: &Path,
    files: &[OutputFile],
) -> Result<WriteSummary, String> {
    if let (Ok(r), Ok(o)) = (root.canonicalize(), output.canonicalize()) {
        if r.starts_with(&o) {
            return Err(format!(
                "output folder {} holds the project itself: choose another",
                output.display()
            ));
        }
    }
    write::write_site(output, files).map_err(|e| format!("cannot write {}: {e}", output.display()))
}

/// The whole build: load, resolve, render, write.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let (site, warnings) = load_site(&options.root).map_err(BuildError::Content)?;
    let render_options = RenderOptions {
        base_url: options.base_url.clone(),
        theme: options.theme.clone(),
    };
    let files = render_site(&site, &render_options).map_err(BuildError::Content)?;
    let output = output_dir(&site, options.output.as_deref());
    let written = write_output(&options.root, &output, &files).map_err(BuildError::Output)?;
    let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
    Ok(BuildReport {
        output,
        written,
        pages,
        warnings,
        elapsed: start.elapsed(),
    })
}

/// Diagnostics about the command line rather than the content.
pub fn usage_error(message: impl Into<String>) -> Diagnostic {
    Diagnostic::error("usage", "annex", message)
}

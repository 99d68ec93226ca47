//! The theme: Tera templates compiled once per build, and static files.
//!
//! The default theme is compiled into the binary, so any project builds
//! without a copy of it. A folder `themes/<name>/` in the project replaces
//! its files one at a time (and is required for any theme other than
//! `default`; every theme falls back to the built-in files for the rest);
//! a project's own `templates/` folder then overrides any single template.
//! Content never reaches Tera as template source: pages hand it over as
//! values, already escaped or rendered.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::Tera;

use crate::diagnostics::{Diagnostic, Diagnostics};

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

/// The default theme's templates, as shipped.
const DEFAULT_TEMPLATES: &[(&str, &str)] = embedded!(
    "base.html",
    "components.html",
    "home.html",
    "meeting.html",
    "meetings.html",
    "document.html",
    "documents.html",
    "press.html",
    "press_index.html",
    "ground.html",
    "grounds.html",
    "participants.html",
    "data.html",
    "compare.html",
    "citation.txt",
    "search.html",
    "404.html",
    "sitemap.xml",
    "atom.xml",
    "robots.txt",
    "grounds.css",
);

/// The default theme's static files, copied to the output as they are.
const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "search.js",
        include_bytes!("../../themes/default/static/search.js"),
    ),
];

/// A compiled theme.
#[derive(Default)]
pub struct Theme {
    pub tera: Tera,
    /// Static files: output path → bytes, sorted.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// Template name → the file it came from, for diagnostics.
    pub paths: BTreeMap<String, PathBuf>,
}

impl Theme {
    /// A diagnostic for a template that failed to render: the file, line
    /// and column of the failing part (which may be in a template the page's
    /// own extends or uses) when Tera gives them.
    pub fn render_error(&self, template: &str, e: &tera::Error) -> Diagnostic {
        let fallback = PathBuf::from("templates").join(template);
        let path = |name: &str| self.paths.get(name).cloned();
        let shown = report(e)
            .and_then(|r| path(r.filename()))
            .or_else(|| path(template))
            .unwrap_or(fallback);
        located(&shown, e).hint("a theme template failed to render; check the variables it uses")
    }
}

/// Loads and compiles theme `name` for the project at `root`.
pub fn load_theme(root: &Path, name: &str) -> Result<Theme, Diagnostics> {
    let mut diags = Diagnostics::default();
    // Template name → (source, where it came from, for diagnostics).
    let mut sources: BTreeMap<String, (String, PathBuf)> = BTreeMap::new();
    let mut static_files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let theme_dir = root.join("themes").join(name);
    // Every theme starts from the built-in default, so that a theme (or a
    // project's `templates/`) need hold only the files it changes.
    for (file, text) in DEFAULT_TEMPLATES {
        sources.insert(
            file.to_string(),
            (
                text.to_string(),
                PathBuf::from("themes/default/templates").join(file),
            ),
        );
    }
    for (file, bytes) in DEFAULT_STATIC {
        static_files.insert(file.to_string(), bytes.to_vec());
    }
    if name != "default" && !theme_dir.is_dir() {
        // Named in site.yaml: `annex build --theme` checks its own name
        // before it gets here.
        let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap_or_default();
        let mut line_start = 0;
        let mut at = None;
        for line in yaml.split_inclusive('\n') {
            if line.trim_start().starts_with("theme:") {
                at = line.find(name).map(|c| line_start + c);
                break;
            }
            line_start += line.len();
        }
        let (line, col) = at.map_or((1, 1), |at| crate::diagnostics::line_col(&yaml, at));
        diags.push(
            Diagnostic::error(
                "theme",
                "site.yaml",
                format!(
                    "theme `{name}` not found: no folder {}",
                    theme_dir.display()
                ),
            )
            .at(line, col)
            .hint("use `default`, or add the theme's folder under themes/"),
        );
        return Err(diags);
    }
    read_tree(
        &theme_dir.join("templates"),
        root,
        &mut diags,
        |rel, path, bytes| {
            sources.insert(rel, (String::from_utf8_lossy(&bytes).into_owned(), path));
        },
    );
    read_tree(
        &theme_dir.join("static"),
        root,
        &mut diags,
        |rel, _, bytes| {
            static_files.insert(rel, bytes);
        },
    );
    read_tree(
        &root.join("templates"),
        root,
        &mut diags,
        |rel, path, bytes| {
            sources.insert(rel, (String::from_utf8_lossy(&bytes).into_owned(), path));
        },
    );
    if diags.has_errors() {
        return Err(diags);
    }

    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // The same escaping as the Markdown bodies', so that pages escape
    // alike whichever made the text.
    tera.set_escape_fn(escape_fn);
    // Parse each template alone first, so a syntax error names its file
    // (alone, a template's missing parent is no error of its own).
    for (name, (text, path)) in &sources {
        if let Err(e) = Tera::default().add_raw_template(name, text) {
            if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                diags.push(template_error(path, &e));
            }
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let all: Vec<(&str, &str)> = sources
        .iter()
        .map(|(n, (t, _))| (n.as_str(), t.as_str()))
        .collect();
    if let Err(e) = tera.add_raw_templates(all) {
        diags.extend(set_errors(&sources, &theme_dir.join("templates"), &e));
        return Err(diags);
    }
    let paths = sources
        .into_iter()
        .map(|(name, (_, path))| (name, path))
        .collect();
    Ok(Theme {
        tera,
        static_files,
        paths,
    })
}

/// Tera's escape hook: the Markdown bodies' entities (see
/// [`super::escape::escape_runs`]), written straight to the page.
fn escape_fn(s: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut result = Ok(());
    super::escape::escape_runs(s, |run| {
        if result.is_ok() {
            result = out.write_all(run.as_bytes());
        }
    });
    result
}

/// Every file under `dir`, with its path relative to `dir` (`/`-separated),
/// in sorted order.
fn read_tree(
    dir: &Path,
    root: &Path,
    diags: &mut Diagnostics,
    mut f: impl FnMut(String, PathBuf, Vec<u8>),
) {
    if !dir.is_dir() {
        return;
    }
    let walker = walkdir::WalkDir::new(dir).sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "io",
                    dir.strip_prefix(root).unwrap_or(dir),
                    e.to_string(),
                ));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let shown = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_path_buf();
        match std::fs::read(entry.path()) {
            Ok(bytes) => f(rel, shown, bytes),
            Err(e) => diags.push(Diagnostic::error("io", &shown, format!("cannot read: {e}"))),
        }
    }
}

/// A Tera error with its whole chain of causes (Tera puts the useful part,
/// line and column included, in the sources).
pub fn error_chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// What Tera found wrong with the templates taken together (a filter,
/// test, function, component or included template that does not exist; a
/// parent that does not), each error in the file it is in. Tera reports
/// them as one message of reports, each with a `--> name:line:col` line,
/// or as a missing parent; anything else is put on the templates folder.
fn set_errors(
    sources: &BTreeMap<String, (String, PathBuf)>,
    folder: &Path,
    e: &tera::Error,
) -> Vec<Diagnostic> {
    const HINT: &str = "check the name's spelling; Tera 2's own filters, tests and functions are in its documentation, the theme's components in components.html";
    let path_of = |name: &str| sources.get(name).map(|(_, p)| p.clone());
    if let tera::ErrorKind::MissingParent { current, parent } = e.kind() {
        if let Some((text, path)) = sources.get(current) {
            let (line, column) = text
                .find(parent.as_str())
                .map_or((1, 1), |at| crate::diagnostics::line_col(text, at));
            return vec![Diagnostic::error(
                "template",
                path,
                format!("extends `{parent}`, which is not a template of the theme or the project"),
            )
            .at(line, column)
            .hint("name a template the theme has (base.html), or add the missing one")];
        }
    }
    let chain = error_chain(e);
    let mut found = Vec::new();
    let mut message = None;
    for line in chain.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            message = Some(m.trim().to_string());
        } else if let (Some(at), Some(m)) = (line.trim_start().strip_prefix("--> "), &message) {
            let mut parts = at.trim().rsplitn(3, ':');
            let (column, line, name) = (parts.next(), parts.next(), parts.next());
            if let (Some(path), Some(line), Some(column)) = (
                name.and_then(path_of),
                line.and_then(|l| l.parse().ok()),
                column.and_then(|c| c.parse().ok()),
            ) {
                let hint = if m.starts_with("Unknown template") {
                    "include a template the theme or the project has, or add the missing one"
                } else {
                    HINT
                };
                found.push(
                    Diagnostic::error("template", path, m.clone())
                        .at(line, column)
                        .hint(hint),
                );
                message = None;
            }
        }
    }
    if found.is_empty() {
        found.push(template_error(folder, e));
    }
    found
}

fn template_error(path: &Path, e: &tera::Error) -> Diagnostic {
    located(path, e).hint("fix the template, or delete the override to use the theme's own")
}

/// The part of a Tera error that points into a template, if it has one.
fn report(e: &tera::Error) -> Option<&tera::ReportError> {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    }
}

/// An error in the template at `path`: at the line and column Tera names,
/// with its message alone (not Tera's drawing of the source line).
fn located(path: &Path, e: &tera::Error) -> Diagnostic {
    match report(e) {
        Some(r) => {
            let span = r.span();
            Diagnostic::error("template", path, r.message().to_string())
                .at(span.start_line, span.start_col + 1)
        }
        None => Diagnostic::error("template", path, error_chain(e).replace('\n', " ")),
    }
}

/// The default theme's files as shipped, by path inside the theme folder
/// (`templates/base.html`, `static/style.css`), for `annex init
/// --eject-theme`.
pub fn default_theme_files() -> Vec<(String, &'static [u8])> {
    let mut files: Vec<(String, &'static [u8])> = DEFAULT_TEMPLATES
        .iter()
        .map(|(name, text)| (format!("templates/{name}"), text.as_bytes()))
        .collect();
    files.extend(
        DEFAULT_STATIC
            .iter()
            .map(|(name, bytes)| (format!("static/{name}"), *bytes)),
    );
    files
}

//! `annex init`: a new release project that builds as it is.
//!
//! The example files live in `src/scaffold/` and are compiled into the
//! binary, so `annex init` works from any folder without the repository.
//! The default theme is compiled in too (see `render::templates`): a new
//! project uses it without a copy, and `--eject-theme` writes that same
//! copy into `themes/default/`, where each file overrides the built-in one.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The files of a new project: path relative to the project, contents.
const SCAFFOLD: &[(&str, &str)] = &[
    ("site.yaml", include_str!("scaffold/site.yaml")),
    (
        "content/release.md",
        include_str!("scaffold/content/release.md"),
    ),
    (
        "content/meetings/01-example-council.md",
        include_str!("scaffold/content/meetings/01-example-council.md"),
    ),
    (
        "content/documents/01-example-council.md",
        include_str!("scaffold/content/documents/01-example-council.md"),
    ),
    (
        "content/press/example-news-report.md",
        include_str!("scaffold/content/press/example-news-report.md"),
    ),
    // Stored without its dot: as `.gitignore` it would apply to annex's own
    // repository.
    (".gitignore", include_str!("scaffold/gitignore")),
];

/// Why a project could not be created.
#[derive(Debug)]
pub enum InitError {
    /// The folder has files already; nothing was written.
    NotEmpty(PathBuf),
    /// The path exists and is not a folder.
    NotAFolder(PathBuf),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InitError::NotEmpty(p) => write!(
                f,
                "{} is not empty: annex init only writes into an empty or new folder",
                p.display()
            ),
            InitError::NotAFolder(p) => write!(f, "{} exists and is not a folder", p.display()),
            InitError::Io(p, e) => write!(f, "cannot write {}: {e}", p.display()),
        }
    }
}

/// Creates a project in `dir` (created if missing, refused unless empty).
/// Returns the files written, relative to `dir`, in order.
pub fn create(dir: &Path, eject_theme: bool) -> Result<Vec<String>, InitError> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(InitError::NotAFolder(dir.to_path_buf()));
        }
        let mut entries = fs::read_dir(dir).map_err(|e| InitError::Io(dir.to_path_buf(), e))?;
        if entries.next().is_some() {
            return Err(InitError::NotEmpty(dir.to_path_buf()));
        }
    }
    let mut files: Vec<(String, &[u8])> = SCAFFOLD
        .iter()
        .map(|(p, text)| (p.to_string(), text.as_bytes()))
        .collect();
    if eject_theme {
        files.extend(
            crate::render::templates::default_theme_files()
                .into_iter()
                .map(|(p, bytes)| (format!("themes/default/{p}"), bytes)),
        );
    }
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| InitError::Io(parent.to_path_buf(), e))?;
        }
        fs::write(&path, bytes).map_err(|e| InitError::Io(path.clone(), e))?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_loads_and_resolves_without_warnings() {
        let dir = tempfile::tempdir().unwrap();
        create(dir.path(), false).unwrap();
        let content = crate::load::load_project(dir.path()).expect("the example loads");
        let (site, warnings) = crate::resolve::resolve(content).expect("the example resolves");
        assert!(warnings.0.is_empty(), "{warnings:?}");
        let checked = crate::check::content(&site);
        assert!(checked.0.is_empty(), "{checked:?}");
    }

    #[test]
    fn a_folder_with_anything_in_it_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".keep"), "x").unwrap();
        assert!(matches!(
            create(dir.path(), false),
            Err(InitError::NotEmpty(_))
        ));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

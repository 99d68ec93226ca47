//! The import's files: front matter over bodies, the `site.yaml` for a
//! new project, and writing them into the output folder.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use super::{GroundsChoice, Import};
use crate::diagnostics::Diagnostic;
use crate::model::ReleaseMeta;

/// The project settings for imported content: a title from the letter's
/// reference and agency, and the grounds preset with the reason for it.
pub fn site_yaml(release: &ReleaseMeta, grounds: &GroundsChoice) -> String {
    let (title, from) = match (release.reference.trim(), release.agency.trim()) {
        ("", "") => (
            "Imported release".to_string(),
            "A placeholder: the cover letter's reference and agency were not recognised.",
        ),
        (r, "") => (r.to_string(), "The cover letter's reference."),
        ("", a) => (a.to_string(), "The cover letter's agency."),
        (r, a) => (
            format!("{r}: {a}"),
            "The cover letter's reference and agency.",
        ),
    };
    // serde_yaml quotes the title when it needs quoting.
    let title = serde_yaml::to_string(&title).unwrap_or_else(|_| "Imported release\n".into());
    format!(
        "# Written by `annex import`. Every setting left out has its default; `annex init`\n\
         # in an empty folder writes a site.yaml that lists them all.\n\
         \n\
         # {from}\n\
         title: {title}\
         \n\
         grounds:\n\
         \x20 # {grounds}.\n\
         \x20 preset: {}\n",
        grounds.preset
    )
}

/// `---`, the YAML, `---`, a blank line, the body.
pub fn with_front_matter<M: Serialize>(
    path: &Path,
    meta: &M,
    body: &str,
) -> Result<String, Vec<Diagnostic>> {
    let yaml = serde_yaml::to_string(meta).map_err(|e| {
        vec![Diagnostic::error(
            "yaml",
            path,
            format!("cannot write front matter: {e}"),
        )]
    })?;
    Ok(if body.is_empty() {
        format!("---\n{yaml}---\n")
    } else {
        format!("---\n{yaml}---\n\n{body}")
    })
}

/// Writes the import into `out`. Refuses to replace any existing file unless
/// `force`; other files in `out` are left alone.
pub fn write(import: &Import, out: &Path, force: bool) -> Result<(), Diagnostic> {
    if !force {
        let existing: Vec<&PathBuf> = import
            .files
            .keys()
            .filter(|p| out.join(p).exists())
            .collect();
        if let Some(first) = existing.first() {
            return Err(Diagnostic::error(
                "exists",
                out.join(first),
                format!("refusing to overwrite existing content ({} of the files to write already exist)", existing.len()),
            )
            .hint("pass --force to replace them, or import into an empty folder with --out"));
        }
    }
    // Folders first (a handful), then the files on every core; the first
    // error in the files' order is the one reported.
    let parents: BTreeSet<PathBuf> = import
        .files
        .keys()
        .filter_map(|rel| out.join(rel).parent().map(Path::to_path_buf))
        .collect();
    for parent in &parents {
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::error("io", parent, format!("cannot create folder: {e}")))?;
    }
    let files: Vec<(&PathBuf, &String)> = import.files.iter().collect();
    let written: Vec<Result<(), Diagnostic>> = files
        .par_iter()
        .map(|(rel, text)| {
            let target = out.join(rel);
            std::fs::write(&target, text)
                .map_err(|e| Diagnostic::error("io", &target, format!("cannot write: {e}")))
        })
        .collect();
    written.into_iter().collect()
}

//! Write: put a rendered site on disk so that a failed build changes nothing.
//!
//! Files go into a fresh folder beside the output (same parent, so the same
//! filesystem); only when every file is written is it renamed into place,
//! and the previous output removed. Until that rename the previous output is
//! untouched, byte for byte.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::render::OutputFile;

/// What a write did: files and bytes written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteSummary {
    pub files: usize,
    pub bytes: u64,
}

/// Writes `files` as the new content of `output`. Refuses when `output` is
/// an existing file, or when a path would leave the output folder.
pub fn write_site(output: &Path, files: &[OutputFile]) -> io::Result<WriteSummary> {
    if output.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} is a file, not a folder: refusing to replace it",
                output.display()
            ),
        ));
    }
    let name = output
        .file_name()
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} has no folder name", output.display()),
            )
        })?
        .to_string_lossy()
        .into_owned();
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let staging = sibling(&parent, &name, "new");
    let _ = fs::remove_dir_all(&staging);
    let summary = match write_all(&staging, files) {
        Ok(s) => s,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    // Swap: move the old output aside, move the new one in, delete the old.
    let old = sibling(&parent, &name, "old");
    let _ = fs::remove_dir_all(&old);
    let had_old = output.exists();
    if had_old {
        if let Err(e) = fs::rename(output, &old) {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    }
    if let Err(e) = fs::rename(&staging, output) {
        if had_old {
            let _ = fs::rename(&old, output);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if had_old {
        let _ = fs::remove_dir_all(&old);
    }
    Ok(summary)
}

fn sibling(parent: &Path, name: &str, what: &str) -> PathBuf {
    parent.join(format!(".{name}.annex-{what}-{}", std::process::id()))
}

fn write_all(dir: &Path, files: &[OutputFile]) -> io::Result<WriteSummary> {
    fs::create_dir_all(dir)?;
    // Every path is checked before anything is written.
    for f in files {
        let rel = Path::new(&f.path);
        if rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("output path `{}` leaves the output folder", f.path),
            ));
        }
    }
    // Folders first, each once (a site has one folder per page), then the
    // files in parallel: writing is a tenth of a large build, and on one
    // thread it would run after all the parallel rendering is done.
    let folders: BTreeSet<&Path> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent())
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    for folder in folders {
        fs::create_dir_all(dir.join(folder))?;
    }
    files
        .par_iter()
        .try_for_each(|f| fs::write(dir.join(&f.path), &f.bytes))?;
    Ok(WriteSummary {
        files: files.len(),
        bytes: files.iter().map(|f| f.bytes.len() as u64).sum(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn replaces_the_whole_output_and_leaves_no_staging() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_site(
            &out,
            &[file("a/index.html", "one"), file("stale.html", "x")],
        )
        .unwrap();
        let s = write_site(&out, &[file("a/index.html", "two")]).unwrap();
        assert_eq!(s, WriteSummary { files: 1, bytes: 3 });
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
        assert!(!out.join("stale.html").exists());
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn refuses_a_file_and_escaping_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let f = tmp.path().join("public");
        fs::write(&f, "keep").unwrap();
        assert!(write_site(&f, &[file("index.html", "x")]).is_err());
        assert_eq!(fs::read_to_string(&f).unwrap(), "keep");
        let out = tmp.path().join("out");
        write_site(&out, &[file("index.html", "old")]).unwrap();
        assert!(write_site(&out, &[file("../evil.html", "x")]).is_err());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
    }
}

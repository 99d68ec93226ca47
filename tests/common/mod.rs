//! Helpers shared by the integration test suites (`mod common;` in each).
//!
//! Every suite compiles this module on its own and uses only some of it, so
//! the helpers it leaves unused are not dead code.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use annex::build::{build, BuildError, BuildOptions, BuildReport};

/// The repository's root (the default site lives there).
pub fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the tree `from` into `to` (created as needed), files and folders,
/// but not a card cache (`.annex-cache`): a build of `from` running in
/// another test may be pruning it meanwhile.
pub fn copy_dir(from: &Path, to: &Path) {
    let walk = walkdir::WalkDir::new(from)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".annex-cache");
    for entry in walk {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Builds the site at `root` into `out`; a failed build fails the test with
/// every diagnostic.
pub fn build_into(root: &Path, out: &Path, base_url: Option<&str>) -> BuildReport {
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        base_url: base_url.map(str::to_string),
        theme: None,
        force: false,
    };
    match build(&options) {
        Ok(report) => report,
        Err(e) => match e {
            BuildError::Content(d) => panic!(
                "build failed:\n{}",
                d.0.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            BuildError::Output(m) => panic!("build failed: {m}"),
        },
    }
}

/// Every file under `dir`: path relative to it (with `/`) → bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    files
}

/// Runs the `annex` binary in `dir` with `args`.
pub fn annex_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_annex"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("annex runs")
}

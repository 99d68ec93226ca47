//! `annex check`'s content checks: each kind of inconsistency is a located
//! warning, and a clean site has none.

use std::path::Path;

fn site_from(root: &Path) -> annex::model::Site {
    let content = annex::load::load_project(root).expect("loads");
    annex::resolve::resolve(content).expect("resolves").0
}

/// `annex check --root ROOT`: its stderr, once the exit code is `code`.
fn annex_check(root: &Path, code: i32) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_annex"))
        .args(["check", "--root"])
        .arg(root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    stderr
}

fn copy_of_good_site() -> tempfile::TempDir {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good");
    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let target = dir.path().join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    dir
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let p = root.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{rel} lacks {from:?}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_consistent_site_has_no_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good");
    let d = annex::check::content(&site_from(&root));
    assert!(d.0.is_empty(), "{:#?}", d.0);
}

#[test]
fn numbering_gaps_and_repeats_are_warnings_with_lines() {
    let site = copy_of_good_site();
    edit(
        site.path(),
        "content/documents/p01-file-note.md",
        "3. The meeting closed.",
        "5. The meeting closed.\n\n5. Again.",
    );
    let d = annex::check::content(&site_from(site.path()));
    let numbering: Vec<_> = d.0.iter().filter(|d| d.code == "numbering").collect();
    assert_eq!(numbering.len(), 2, "{numbering:#?}");
    assert!(numbering.iter().all(|d| !d.is_error() && d.line > 0));
    assert!(numbering[0].message.contains("jump from 2 to 5"));
}

#[test]
fn uncovered_meetings_and_unreported_press_are_warnings() {
    let site = copy_of_good_site();
    let m = site.path().join("content/meetings/01-minister.md");
    let text = std::fs::read_to_string(&m).unwrap();
    let start = text.find("sources:").unwrap();
    std::fs::write(&m, format!("{}---\nBody.\n", &text[..start])).unwrap();
    edit(
        site.path(),
        "content/documents/p01-file-note.md",
        "meetings: [01-minister]\n",
        "",
    );
    let d = annex::check::content(&site_from(site.path()));
    let codes: Vec<&str> = d.0.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"no-document"), "{codes:?}");
    assert!(codes.contains(&"no-meeting"), "{codes:?}");
}

#[test]
fn schedule_page_disagreements_are_warnings() {
    let site = copy_of_good_site();
    edit(
        site.path(),
        "content/release.md",
        "pages: 1-2",
        "pages: 1-9",
    );
    let d = annex::check::content(&site_from(site.path()));
    let w =
        d.0.iter()
            .find(|d| d.code == "pages")
            .expect("pages warning");
    assert!(w.message.contains("1-9"), "{w}");
    assert!(w.line > 0);
}

#[test]
fn cited_but_unused_grounds_are_warnings() {
    let site = copy_of_good_site();
    edit(
        site.path(),
        "content/release.md",
        "  - code: s6(a)\n",
        "  - code: s9(2)(a)\n",
    );
    let d = annex::check::content(&site_from(site.path()));
    assert!(
        d.0.iter()
            .any(|d| d.code == "unused-ground" && d.message.contains("s9(2)(a)")),
        "{:#?}",
        d.0
    );
}

#[test]
fn annex_check_passes_on_the_default_site_and_writes_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stderr = annex_check(root, 0);
    assert!(stderr.contains("check: 0 errors"), "{stderr}");
    // site.yaml's base_url is `/`: the feeds and sitemap would carry
    // relative addresses.
    assert!(
        stderr.contains("site.yaml:3:12: warning[base-url]: base_url `/` has no host"),
        "{stderr}"
    );
    // Warnings are printed like a compiler's, with a hint each.
    for line in stderr.lines().filter(|l| l.contains(": warning[")) {
        let (place, _) = line.split_once(": warning[").unwrap();
        assert_eq!(place.rsplitn(3, ':').count(), 3, "path:line:col in {line}");
    }
}

#[test]
fn a_base_url_with_a_host_needs_no_warning() {
    let site = copy_of_good_site();
    edit(
        site.path(),
        "site.yaml",
        "base_url: /",
        "base_url: https://example.org/release/",
    );
    let stderr = annex_check(site.path(), 0);
    assert!(!stderr.contains("base-url"), "{stderr}");
}

/// A broken link written in a content file is reported in that file, at
/// the link, not in the page it was rendered into.
#[test]
fn a_broken_link_in_markdown_is_located_in_its_content_file() {
    let site = copy_of_good_site();
    let meeting = site.path().join("content/meetings/01-minister.md");
    let mut text = std::fs::read_to_string(&meeting).unwrap();
    text.push_str("\nSee [the note](../../documents/no-such-note/).\n");
    let line = text.lines().count();
    std::fs::write(&meeting, text).unwrap();
    let stderr = annex_check(site.path(), 1);
    let at = format!("content/meetings/01-minister.md:{line}:16: error[broken-link]: link `../../documents/no-such-note/`");
    assert!(stderr.contains(&at), "expected {at} in:\n{stderr}");
    assert!(
        stderr.contains("(on meetings/"),
        "names the page too: {stderr}"
    );
}

#[test]
fn annex_check_reports_errors_with_exit_1_and_touches_no_output() {
    let site = copy_of_good_site();
    std::fs::create_dir_all(site.path().join("themes")).unwrap();
    for entry in walkdir::WalkDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("themes")) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")))
            .unwrap();
        let target = site.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    edit(
        site.path(),
        "content/documents/p01-file-note.md",
        "s9(2)(g)(i)",
        "s9(2)(q)",
    );
    let stderr = annex_check(site.path(), 1);
    assert!(
        stderr.contains("p01-file-note.md:17:24: error[unknown-code]"),
        "{stderr}"
    );
    assert!(stderr.contains("check: 1 error"), "{stderr}");
    assert!(
        !site.path().join("public").exists(),
        "check writes no output"
    );
}

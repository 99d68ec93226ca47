//! Loading and resolving: a good fixture site resolves, and each broken
//! front-matter fixture fails with an error naming its file, line and column.

use std::path::{Path, PathBuf};

use annex::diagnostics::Diagnostic;

mod common;
use common::copy_dir;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A temp copy of the good fixture site, so tests can break it freely.
fn copy_of_good_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("good"), dir.path());
    dir
}

fn errors_for(root: &Path) -> Vec<Diagnostic> {
    match annex::load::load_project(root) {
        Err(d) => d.0,
        Ok(content) => match annex::resolve::resolve(content) {
            Err(d) => d.0,
            Ok(_) => Vec::new(),
        },
    }
}

#[test]
fn the_good_fixture_site_resolves_into_a_graph() {
    let root = fixtures().join("good");
    let content = annex::load::load_project(&root).expect("loads");
    let (site, warnings) = annex::resolve::resolve(content).expect("resolves");
    assert_eq!(warnings.errors(), 0);
    assert_eq!(site.content.meetings.len(), 1);
    assert_eq!(site.meeting_documents[0], vec![0]);
    assert_eq!(site.document_meetings[0], vec![0]);
    assert_eq!(site.press_meetings[0], vec![0]);
    // Two groups in the document body: `s6(a), s6(b)(i)` and `s9(2)(g)(i)`.
    let markers = &site.document_markers[0];
    assert_eq!(markers.len(), 2);
    assert_eq!(markers[0].printed, "s6(a), s6(b)(i)");
    assert_eq!((markers[0].line, markers[0].column), (13, 4));
    assert_eq!(markers[0].grounds.len(), 2);
    assert_eq!(site.participant_markers[0].len(), 1);
    assert_eq!(site.people.len(), 1);
    assert_eq!(site.people[0].name, "A Minister");
}

/// Drops `fixture` into the meetings folder of a good site and checks the
/// single error it causes.
fn assert_broken(fixture: &str, code: &str, line: usize, column: usize) {
    let site = copy_of_good_site();
    let target = site.path().join("content/meetings").join(fixture);
    std::fs::copy(fixtures().join("broken").join(fixture), &target).unwrap();
    let errors = errors_for(site.path());
    let error = errors
        .iter()
        .find(|d| {
            d.path
                .ends_with(Path::new("content/meetings").join(fixture))
        })
        .unwrap_or_else(|| panic!("{fixture}: no error for the file; got {errors:#?}"));
    assert_eq!(
        (error.code, error.line, error.column),
        (code, line, column),
        "{fixture}: {error}"
    );
    assert!(error.hint.is_some(), "{fixture}: an error says what to do");
    let printed = error.to_string();
    assert!(
        printed.contains(&format!("{fixture}:{line}:{column}: error[{code}]")),
        "{printed}"
    );
}

#[test]
fn bad_yaml_is_an_error_with_location() {
    assert_broken("bad-yaml.md", "yaml", 2, 8);
}

#[test]
fn unknown_field_is_an_error_with_location_and_suggestion() {
    assert_broken("unknown-field.md", "unknown-field", 5, 1);
}

#[test]
fn wrong_type_is_an_error_with_location() {
    assert_broken("wrong-type.md", "wrong-type", 5, 15);
}

#[test]
fn dangling_reference_is_an_error_with_location() {
    assert_broken("dangling-ref.md", "dangling-ref", 6, 15);
}

#[test]
fn non_utf8_is_an_error_with_location() {
    assert_broken("non-utf8.md", "not-utf8", 6, 4);
}

#[test]
fn empty_file_is_an_error() {
    assert_broken("empty.md", "front-matter", 1, 1);
}

#[test]
fn missing_front_matter_is_an_error() {
    assert_broken("no-front-matter.md", "front-matter", 1, 1);
}

#[test]
fn unknown_section_code_is_an_error_with_location() {
    assert_broken("unknown-code.md", "unknown-code", 6, 10);
}

#[test]
fn tab_indentation_is_an_error_with_location() {
    assert_broken("tab-indent.md", "yaml", 5, 1);
}

#[test]
fn duplicate_key_is_an_error_with_location() {
    assert_broken("duplicate-key.md", "yaml", 3, 1);
}

#[test]
fn all_errors_are_reported_in_one_run() {
    let site = copy_of_good_site();
    for f in [
        "bad-yaml.md",
        "unknown-field.md",
        "wrong-type.md",
        "empty.md",
    ] {
        std::fs::copy(
            fixtures().join("broken").join(f),
            site.path().join("content/meetings").join(f),
        )
        .unwrap();
    }
    let errors = errors_for(site.path());
    assert!(errors.len() >= 4, "{errors:#?}");
}

#[test]
fn duplicate_slugs_name_both_files() {
    let site = copy_of_good_site();
    let text =
        std::fs::read_to_string(site.path().join("content/meetings/01-minister.md")).unwrap();
    std::fs::write(site.path().join("content/meetings/01 Minister.md"), text).unwrap();
    let errors = errors_for(site.path());
    let e = errors
        .iter()
        .find(|d| d.code == "duplicate-slug")
        .expect("duplicate slug error");
    assert!(e.message.contains("01-minister"), "{e}");
}

#[test]
fn a_folder_named_like_a_content_file_is_an_error() {
    let site = copy_of_good_site();
    std::fs::create_dir(site.path().join("content/meetings/odd.md")).unwrap();
    let errors = errors_for(site.path());
    assert!(errors.iter().any(|d| d.code == "not-a-file"), "{errors:#?}");
}

#[test]
fn crlf_and_bom_files_load() {
    let site = copy_of_good_site();
    let p = site.path().join("content/press/example-report.md");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
    assert!(errors_for(site.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_an_error_not_a_hang() {
    let site = copy_of_good_site();
    std::os::unix::fs::symlink("..", site.path().join("content/meetings/loop")).unwrap();
    let errors = errors_for(site.path());
    assert!(
        errors.iter().any(|d| d.message.contains("loop")),
        "{errors:#?}"
    );
}

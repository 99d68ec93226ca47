//! Every input the fuzz targets (`fuzz/`) ever crashed on, replayed under
//! plain `cargo test` through the target's own checks (`fuzz/checks.rs`),
//! plus the committed seeds. Crash inputs live in
//! `tests/fixtures/fuzz/<target>/`; docs/testing.md ("Fuzzing") lists what
//! each one found and the fix.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::Path;

/// Runs `check` on every file of `dir` (a missing folder has none), in name
/// order, naming the file if it fails.
fn replay(dir: &str, check: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let run = std::panic::catch_unwind(|| check(&data));
        assert!(run.is_ok(), "{} fails its fuzz check", f.display());
    }
    files.len()
}

fn replay_target(target: &str, check: fn(&[u8])) {
    replay(&format!("tests/fixtures/fuzz/{target}"), check);
    replay(&format!("fuzz/seeds/{target}"), check);
}

#[test]
fn front_matter_inputs() {
    replay_target("front_matter", checks::front_matter);
}

/// The front-matter checks (among them: the `yaml::block` shortcut means
/// what serde_yaml means, as a value and as each kind of content) on every
/// file of the default site, and on meetings at the shortcut's edges: empty
/// and explicit nulls, numbers, quoted look-alikes, misplaced lists.
#[test]
fn front_matter_checks_hold_on_the_default_site_and_edge_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut files = 0;
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "md") {
            checks::front_matter(&std::fs::read(entry.path()).unwrap());
            files += 1;
        }
    }
    assert!(files > 25, "{files} content files");
    let meeting = "title: x\ndate: 2024-07-09\nscope: released\n";
    for extra in [
        "",
        "participants:\n",
        "participants: ~\n",
        "participants: null\n",
        "participants: []\n",
        "place:\n",
        "place: ''\n",
        "place: ~\n",
        "place: true\n",
        "place: \"true\"\n",
        "start: 07:30\n",
        "slug: 12\n",
        "scope: partly-withheld\n",
        "sources:\n- document: d\n  pages: 1-5\n",
        "sources:\n- document: d\n  pages: 7\n",
        "sources:\n- document: d\n  pages: '7'\n",
        "sources:\n- document: d\n  paragraphs:\n",
        "sources:\n- document: d\n  paragraphs: ['3']\n",
        "sources:\n- document: d\n  paragraphs:\n  - 3\n",
        "sources:\n- d\n",
        "sources:\n  document: d\n",
        "participants:\n- side: US\n  people:\n",
        "participants:\n- side: US\n  people:\n  - name:\n",
        "participants:\n- side: US\n  people:\n  - role: x\n    extra: y\n",
        "scope: Released\n",
        "title: y\n",
    ] {
        checks::front_matter(format!("{meeting}{extra}").as_bytes());
    }
}

#[test]
fn markers_inputs() {
    replay_target("markers", checks::markers);
}

#[test]
fn import_text_inputs() {
    replay_target("import_text", checks::import_text);
}

#[test]
fn pdf_text_inputs() {
    replay_target("pdf_text", checks::pdf_text);
}

/// `tests/fixtures/fuzz/markers/nested-bracket-slice.txt`: a bracket
/// inside a bracket (`[[9(a)]`) made `markers::scan` slice backwards and
/// panic. The inner bracket is the group; the outer one is text.
#[test]
fn nested_brackets_read_the_inner_group() {
    let text = "[[9(a)]";
    let groups = annex::markers::scan(text);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].printed(text), "[9(a)]");
    assert_eq!(groups[0].codes[0].canonical, "s9(a)");
    let text = "see [[s6(a), s9(2)(a)] here";
    let groups = annex::markers::scan(text);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].printed(text), "[s6(a), s9(2)(a)]");
    // `empty-brackets.txt`: the first fix read past the end of `[]`.
    assert!(annex::markers::scan("[] [ ]").is_empty());
}

/// A line of many `[` (hostile input, not a release) reads in one pass:
/// each `[` looks ahead only to the next bracket, not to the line's end.
#[test]
fn a_line_of_open_brackets_is_read() {
    let mut text = "[".repeat(200_000);
    text.push_str("s6(a)] and [");
    let groups = annex::markers::scan(&text);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].printed(&text), "[s6(a)]");
}

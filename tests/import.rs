//! `annex import` on the real release (OIA 29619): nothing lost, nothing
//! doubled, every redaction code counted, deterministic, careful with
//! existing content. The seed lives in the `shared/seeds` folder beside the
//! checkout (`../shared` in CI).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use annex::import;
use annex::markers;
use annex::model::{DocumentMeta, MeetingMeta, ReleaseMeta, Scope};

mod common;
use common::annex_in;

const SEED: &str = "shared/seeds/002_844ded7d17077c26.txt";

/// The seed release: `../shared/…` beside the checkout, or in a folder
/// above it (worktrees sit one level deeper).
fn seed() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = manifest
        .ancestors()
        .skip(1)
        .map(|dir| dir.join(SEED))
        .find(|p| p.is_file());
    match found {
        Some(p) => p,
        None => panic!(
            "the seed release is missing: expected {} (the `shared/seeds` folder that sits beside the repository checkout)",
            manifest.parent().unwrap_or(manifest).join(SEED).display()
        ),
    }
}

fn source() -> String {
    std::fs::read_to_string(seed()).expect("seed is readable")
}

/// Imports the seed into a fresh folder.
fn imported() -> (tempfile::TempDir, import::Import) {
    let dir = tempfile::tempdir().expect("temp dir");
    let result = import::import_file(&seed()).unwrap_or_else(|d| panic!("import failed: {d:?}"));
    import::write(&result, dir.path(), false).unwrap_or_else(|d| panic!("write failed: {d}"));
    (dir, result)
}

fn split_front_matter(text: &str) -> (&str, &str) {
    let rest = text
        .strip_prefix("---\n")
        .expect("front matter opens the file");
    let end = rest.find("\n---\n").expect("front matter closes");
    (&rest[..end + 1], rest[end + 5..].trim_start_matches('\n'))
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Files of one folder, by name.
fn folder(dir: &Path, name: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir.join(name))
        .expect("folder exists")
        .map(|e| e.expect("entry").path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Words of a line: runs of letters and digits.
fn words(line: &str) -> Vec<String> {
    line.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A source line's words without the extraction artefacts' words (the
/// HTML list tag in schedule cells), computed without the importer's code.
fn source_words(line: &str) -> Vec<String> {
    let line = match (line.find("<ul"), line.find('>')) {
        (Some(a), Some(b)) if b > a => format!("{} {}", &line[..a], &line[b + 1..]),
        _ => line.to_string(),
    };
    words(&line)
}

fn is_stamp(line: &str) -> bool {
    line.trim() == "Released under the Official Information Act 1982"
}

/// The written lines that carry content, file by file, in reading order:
/// release.md, then documents by slug (slugs begin with the first page).
fn written_lines(dir: &Path) -> Vec<(String, String)> {
    let mut files = vec![("release.md".to_string(), read(dir, "release.md"))];
    files.extend(
        folder(dir, "documents")
            .into_iter()
            .map(|(n, t)| (format!("documents/{n}"), t)),
    );
    let mut out = Vec::new();
    for (name, text) in files {
        let (_, body) = split_front_matter(&text);
        for line in body.lines() {
            let t = line.trim();
            if t.is_empty()
                || (t.starts_with("<!-- page ") && t.ends_with("-->"))
                || is_table_separator(t)
            {
                continue;
            }
            out.push((name.clone(), line.to_string()));
        }
    }
    out
}

fn is_table_separator(t: &str) -> bool {
    t.starts_with('|') && t.chars().all(|c| matches!(c, '|' | '-' | ' ' | ':'))
}

#[test]
fn every_source_line_lands_in_exactly_one_file_in_order() {
    let (dir, _) = imported();
    let src = source();
    let source_lines: Vec<&str> = src
        .lines()
        .filter(|l| !is_stamp(l))
        .filter(|l| !source_words(l).is_empty())
        .collect();
    let written = written_lines(dir.path());
    assert_eq!(
        source_lines.len(),
        written.len(),
        "every content line of the source is written once (source {}, written {})",
        source_lines.len(),
        written.len()
    );
    for (i, (src_line, (file, out_line))) in source_lines.iter().zip(&written).enumerate() {
        // The importer's own normalisation must give exactly the written line…
        assert_eq!(
            &import::normalise::line(src_line),
            out_line,
            "line {i} in {file}"
        );
        // …and, independently of it, the same words in the same order.
        assert_eq!(
            source_words(src_line),
            words(out_line),
            "words of `{src_line}` in {file}"
        );
    }
    // Meetings are editorial: none of their bodies repeats release text.
    for (name, text) in folder(dir.path(), "meetings") {
        let (_, body) = split_front_matter(&text);
        assert!(
            body.trim().is_empty(),
            "meetings/{name} has an imported body"
        );
    }
}

#[test]
fn every_redaction_code_is_counted_as_in_the_source() {
    let (dir, result) = imported();
    // Undo the two artefacts that hide or split codes, without the importer:
    // superscripts `^{s6(a)}` and escaped brackets `s6\(a\)` in link stubs.
    let src = source()
        .replace("^{", " ")
        .replace('}', "")
        .replace("\\(", "(")
        .replace("\\)", ")");
    let src: String = src
        .lines()
        .filter(|l| !is_stamp(l))
        .collect::<Vec<_>>()
        .join("\n");
    let expected = markers::count_codes(&src);
    let mut bodies = String::new();
    bodies.push_str(split_front_matter(&read(dir.path(), "release.md")).1);
    for folder_name in ["documents", "meetings"] {
        for (_, text) in folder(dir.path(), folder_name) {
            bodies.push_str(split_front_matter(&text).1);
            bodies.push('\n');
        }
    }
    let written = markers::count_codes(&bodies);
    assert_eq!(expected, written);
    assert_eq!(result.summary.markers, written);
    let figures: BTreeMap<&str, usize> = [
        ("Out of scope", 7),
        ("s6(a)", 139),
        ("s6(b)(i)", 116),
        ("s6(b)(ii)", 3),
        ("s9(2)(g)(i)", 5),
    ]
    .into();
    let got: BTreeMap<&str, usize> = written.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(got, figures);
}

#[test]
fn importing_twice_gives_byte_identical_files() {
    let (a, _) = imported();
    let (b, _) = imported();
    let list = |d: &Path| -> BTreeMap<PathBuf, Vec<u8>> {
        walk(d)
            .into_iter()
            .map(|p| {
                (
                    p.strip_prefix(d).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect()
    };
    let (fa, fb) = (list(a.path()), list(b.path()));
    assert_eq!(fa.len(), 1 + 13 + 15);
    assert_eq!(fa, fb);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn fifteen_meetings_of_which_three_excluded() {
    let (dir, result) = imported();
    let meetings: Vec<(String, MeetingMeta)> = folder(dir.path(), "meetings")
        .into_iter()
        .map(|(n, t)| {
            (
                n,
                serde_yaml::from_str(split_front_matter(&t).0).expect("meeting front matter"),
            )
        })
        .collect();
    assert_eq!(meetings.len(), 15);
    assert_eq!(result.summary.meetings, 15);
    let excluded: Vec<&str> = meetings
        .iter()
        .filter(|(_, m)| m.scope == Scope::Excluded)
        .map(|(_, m)| m.request_item.as_deref().unwrap())
        .collect();
    assert_eq!(excluded, vec!["8", "12", "13"]);
    for (name, m) in meetings.iter().filter(|(_, m)| m.scope == Scope::Excluded) {
        let note = m.scope_note.as_deref().unwrap_or_default();
        assert!(
            note.contains("refine your request to exclude parts 8, 12 and 13"),
            "{name}: {note}"
        );
        assert!(m.sources.is_empty());
    }
    // Item 2 names three senators, and Annex A gives each a row.
    let senators: Vec<&String> = meetings
        .iter()
        .filter(|(_, m)| m.request_item.as_deref() == Some("2"))
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        senators,
        vec![
            "02-amy-klobuchar.md",
            "02-jon-ossoff.md",
            "02-maria-cantwell.md"
        ]
    );
    // Every in-scope meeting points at its documents.
    for (name, m) in meetings.iter().filter(|(_, m)| m.scope != Scope::Excluded) {
        assert!(!m.sources.is_empty(), "{name} has no sources");
        assert!(!m.date.is_empty(), "{name} has no date");
    }
}

#[test]
fn attendee_lists_become_participants_with_withheld_names() {
    let (dir, _) = imported();
    let text = read(dir.path(), "meetings/01-kurt-campbell.md");
    let m: MeetingMeta = serde_yaml::from_str(split_front_matter(&text).0).unwrap();
    assert_eq!(m.start.as_deref(), Some("07:30"));
    assert_eq!(
        m.place.as_deref(),
        Some("New Zealand Residence, Washington DC")
    );
    let sides: Vec<&str> = m.participants.iter().map(|s| s.side.as_str()).collect();
    assert_eq!(sides, vec!["New Zealand", "US"]);
    let us = &m.participants[1].people;
    assert_eq!(us[1].name.as_deref(), Some("Dan Kritenbrink"));
    assert_eq!(us[2].withheld.as_deref(), Some("s6(a)"));
    assert_eq!(us[2].name, None);

    let text = read(dir.path(), "meetings/10-indo-pacific-four.md");
    let m: MeetingMeta = serde_yaml::from_str(split_front_matter(&text).0).unwrap();
    let sides: Vec<&str> = m.participants.iter().map(|s| s.side.as_str()).collect();
    assert_eq!(
        sides,
        vec![
            "New Zealand",
            "Republic of Korea",
            "Japan",
            "Australia",
            "Ukraine"
        ]
    );
}

#[test]
fn pages_follow_stamps_and_annex_a_inconsistencies_are_noted() {
    let (dir, result) = imported();
    assert_eq!(result.summary.documents, 13);
    assert_eq!(result.summary.pages, 49);
    assert_eq!(result.summary.stamps, 23);
    for (name, text) in folder(dir.path(), "documents") {
        let (front, body) = split_front_matter(&text);
        let meta: DocumentMeta = serde_yaml::from_str(front).unwrap();
        let first_marker = format!("<!-- page {} -->", meta.pages.first);
        assert!(
            body.starts_with(&first_marker),
            "{name} starts with {first_marker}"
        );
        assert!(
            name.starts_with(&format!("{:02}-", meta.pages.first)),
            "{name} is named by its first page"
        );
    }
    let text = read(dir.path(), "documents/37-justin-trudeau.md");
    let (front, body) = split_front_matter(&text);
    let meta: DocumentMeta = serde_yaml::from_str(front).unwrap();
    assert_eq!(
        meta.pages.to_string(),
        "37-49",
        "Annex A's range is kept as printed"
    );
    assert!(meta
        .notes
        .iter()
        .any(|n| n.contains("37-49") && n.contains("page 40")));
    let markers: Vec<&str> = body
        .lines()
        .filter(|l| l.starts_with("<!-- page "))
        .collect();
    assert_eq!(
        markers,
        vec!["<!-- page 37 -->", "<!-- page 38 -->", "<!-- page 39 -->"]
    );
    // The Stoltenberg note has no title line: Annex A's entry for page 40 names it.
    let text = read(dir.path(), "documents/40-jens-stoltenberg.md");
    let meta: DocumentMeta = serde_yaml::from_str(split_front_matter(&text).0).unwrap();
    assert_eq!(meta.pages.to_string(), "40-41");
    assert!(meta.notes.iter().any(|n| n.contains("no title line")));
    let release: ReleaseMeta =
        serde_yaml::from_str(split_front_matter(&read(dir.path(), "release.md")).0).unwrap();
    assert_eq!(release.reference, "OIA 29619");
    assert_eq!(release.schedule.len(), 12);
    assert!(release.notes.iter().any(|n| n.contains("37-49")));
    assert_eq!(release.grounds_cited.len(), 4);
}

#[test]
fn imported_content_loads_and_resolves() {
    let root = tempfile::tempdir().unwrap();
    let result = import::import_file(&seed()).unwrap();
    import::write(&result, &root.path().join("content"), false).unwrap();
    std::fs::write(
        root.path().join("site.yaml"),
        "title: Test\ngrounds:\n  preset: nz-oia\n",
    )
    .unwrap();
    let content =
        annex::load::load_project(root.path()).unwrap_or_else(|d| panic!("load: {:#?}", d.0));
    let (_, diags) =
        annex::resolve::resolve(content).unwrap_or_else(|d| panic!("resolve: {:#?}", d.0));
    assert!(!diags.has_errors());
}

#[test]
fn committed_content_loads_and_resolves_without_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let content = annex::load::load_project(root).unwrap_or_else(|d| {
        panic!(
            "load: {}",
            d.0.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    assert_eq!(content.meetings.len(), 15);
    assert_eq!(content.documents.len(), 13);
    assert_eq!(content.press.len(), 2);
    let (site, diags) = annex::resolve::resolve(content).unwrap_or_else(|d| {
        panic!(
            "resolve: {}",
            d.0.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    assert!(!diags.has_errors());
    // Every press item is cited by a meeting, with the release beside it.
    assert!(site.press_meetings.iter().all(|m| !m.is_empty()));
    // Quotes are verbatim passages of the press item they cite.
    let c = &site.content;
    for m in &c.meetings {
        for pr in &m.meta.press {
            let item = c
                .press
                .iter()
                .find(|p| p.slug == pr.item)
                .expect("press item exists");
            assert!(
                item.body.contains(&pr.quote),
                "{}: quote not found verbatim in {}",
                m.path.display(),
                pr.item
            );
            assert!(
                !pr.release.is_empty(),
                "{}: a press quote without the release beside it",
                m.path.display()
            );
        }
    }
    let biden = c
        .meetings
        .iter()
        .find(|m| m.slug == "11-joe-biden")
        .expect("Biden meeting");
    assert!(biden.meta.press.iter().any(|p| p
        .quote
        .contains("formal bilateral meeting with Biden")
        && p.release
            .iter()
            .any(|r| r.document == "44-united-states-visit" && r.paragraph == "3")));
}

#[test]
fn the_binary_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("content");
    let run = |force: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_annex"));
        cmd.arg("import").arg(seed()).arg("--out").arg(&out);
        if force {
            cmd.arg("--force");
        }
        cmd.output().expect("annex runs")
    };
    let first = run(false);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        stdout.contains(
            "13 documents, 49 pages (23 page stamps), 15 meetings (3 excluded), 270 markers"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("s6(a) 139") && stdout.contains("Out of scope 7"),
        "{stdout}"
    );

    let marker = out.join("meetings/01-kurt-campbell.md");
    std::fs::write(&marker, "hand-edited\n").unwrap();
    let second = run(false);
    assert_eq!(second.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("error[exists]") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&marker).unwrap(),
        "hand-edited\n",
        "nothing was overwritten"
    );

    let third = run(true);
    assert!(third.status.success());
    assert_ne!(std::fs::read_to_string(&marker).unwrap(), "hand-edited\n");
}

#[test]
fn the_binary_reports_a_missing_file_as_a_diagnostic() {
    let out = Command::new(env!("CARGO_BIN_EXE_annex"))
        .args(["import", "no/such/release.txt", "--out"])
        .arg(tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("no/such/release.txt:1:1: error[io]: cannot read the release"),
        "{stderr}"
    );
}

/// The committed release and documents are the importer's output, untouched:
/// hand-finishing happens in meetings and press items only, so the content
/// stays reproducible from the seed.
#[test]
fn committed_release_and_documents_are_exactly_the_importers_output() {
    let (dir, _) = imported();
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    assert_eq!(
        read(dir.path(), "release.md"),
        read(&committed, "release.md"),
        "content/release.md"
    );
    let fresh = folder(dir.path(), "documents");
    let kept = folder(&committed, "documents");
    assert_eq!(
        fresh.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        kept.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for ((name, a), (_, b)) in fresh.iter().zip(&kept) {
        assert_eq!(a, b, "content/documents/{name} differs from a fresh import");
    }
    // Meetings keep the importer's names.
    let names = |d: &Path| {
        folder(d, "meetings")
            .into_iter()
            .map(|(n, _)| n)
            .collect::<Vec<_>>()
    };
    assert_eq!(names(dir.path()), names(&committed));
}

/// Another release of the same form, with other titles, kinds, pages and
/// grounds: the importer reads structure by its shape, not by OIA 29619's
/// wording.
#[test]
fn another_release_of_the_same_form_imports_the_same_way() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/small-release.txt");
    let result = import::import_file(&path).unwrap_or_else(|d| panic!("{d:?}"));
    assert!(result.warnings.is_empty(), "{:?}", result.warnings);
    let names: Vec<String> = result
        .files
        .keys()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    assert_eq!(
        names,
        vec![
            "documents/01-ana-rojas.md",
            "documents/04-geneva-ministers-call.md",
            "meetings/01-ana-rojas.md",
            "meetings/02-director-general.md",
            "meetings/03-business-leaders.md",
            "release.md",
        ]
    );
    let s = &result.summary;
    assert_eq!(
        (s.documents, s.pages, s.stamps, s.meetings, s.excluded),
        (2, 5, 5, 3, 1)
    );
    let counts: Vec<(&str, usize)> = s.markers.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        counts,
        vec![("Out of scope", 1), ("s6(a)", 4), ("s9(2)(a)", 1)]
    );

    let file = |name: &str| result.files[Path::new(name)].clone();
    let release: ReleaseMeta =
        serde_yaml::from_str(split_front_matter(&file("release.md")).0).unwrap();
    assert_eq!(release.reference, "OIA 30001");
    assert_eq!(release.request_date.as_deref(), Some("2025-01-10"));
    assert_eq!(
        release.refined.as_ref().map(|r| r.date.as_str()),
        Some("2025-01-20")
    );
    assert!(release.request_items[2].excluded);
    assert_eq!(
        release.schedule[1].documents[0].document.as_deref(),
        Some("04-geneva-ministers-call")
    );

    let note = file("documents/01-ana-rojas.md");
    let (front, body) = split_front_matter(&note);
    let meta: DocumentMeta = serde_yaml::from_str(front).unwrap();
    assert_eq!(meta.kind, annex::model::DocumentKind::FileNote);
    assert_eq!(meta.title, "Minister's meeting with Ana Rojas");
    assert!(meta.notes.is_empty(), "one stamp per page: nothing to note");
    let markers: Vec<&str> = body
        .lines()
        .filter(|l| l.starts_with("<!-- page"))
        .collect();
    assert_eq!(
        markers,
        vec!["<!-- page 1 -->", "<!-- page 2 -->", "<!-- page 3 -->"]
    );

    let message: DocumentMeta =
        serde_yaml::from_str(split_front_matter(&file("documents/04-geneva-ministers-call.md")).0)
            .unwrap();
    assert_eq!(message.kind, annex::model::DocumentKind::FormalMessage);
    assert_eq!(message.classification.as_deref(), Some("IN-CONFIDENCE"));
    assert_eq!(message.date.as_deref(), Some("2025-02-07"));

    let meeting: MeetingMeta =
        serde_yaml::from_str(split_front_matter(&file("meetings/01-ana-rojas.md")).0).unwrap();
    assert_eq!(meeting.start.as_deref(), Some("09:00"));
    assert_eq!(meeting.participants[1].side, "Chile");
    assert_eq!(
        meeting.participants[1].people[1].withheld.as_deref(),
        Some("s9(2)(a)")
    );
    let excluded: MeetingMeta =
        serde_yaml::from_str(split_front_matter(&file("meetings/03-business-leaders.md")).0)
            .unwrap();
    assert_eq!(excluded.scope, Scope::Excluded);
}

/// Odd input is reported, never a panic.
#[test]
fn odd_input_gives_diagnostics_not_panics() {
    let path = Path::new("odd.txt");
    let err = import::import_text(path, "").unwrap_err();
    assert_eq!(err[0].code, "no-documents");
    assert!(err[0]
        .to_string()
        .starts_with("odd.txt:1:1: error[no-documents]"));
    for text in [
        "File Note:",
        "From: x\nSubject:",
        "Annex A\n\n1\t\t\t\nFile Note: A\n",
        "Annex A\n\nItem\tSubject\tDocuments\tPages\n1\tx\tFile Note: A\t0-0 9-3 x\nFile Note: A\n1. s6(",
        "File Note: A\nReleased under the Official Information Act 1982\nReleased under the Official Information Act 1982\n",
        "New Zealand Embassy\ns6(a)\nNew Zealand Embassy\nWashington\ns6(a)\n- 1. x\n^{\n[](#)\n\u{feff}",
    ] {
        let _ = import::import_text(path, text);
    }
}

/// A short release under no Act the presets know by name, with US FOIA
/// exemptions beside the blanks, one document, no schedule, no meetings.
const FOIA_LETTER: &str = "12 March 2025

Dear requester

You asked for the notes of the Secretary's meetings in February 2025. One document is released in part.

Sincerely

A. Officer

File Note: Secretary's meeting with the Harbour Board

1. The Board's chair, (b)(6), opened the meeting.

2. (b)(7)(C)

3. The minutes were agreed.
";

/// FOIA_LETTER written to `dir/release.txt` and imported into
/// `dir/content` under the US FOIA preset.
fn import_foia_letter(dir: &Path) -> std::process::Output {
    std::fs::write(dir.join("release.txt"), FOIA_LETTER).unwrap();
    annex_in(
        dir,
        &[
            "import",
            "release.txt",
            "--out",
            "content",
            "--grounds",
            "us-foia",
        ],
    )
}

#[test]
fn grounds_option_overrides_the_act_checks_codes_and_goes_into_site_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let out = import_foia_letter(dir.path());
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("(b)(6) 1, (b)(7)(C) 1"), "{stdout}");
    assert!(
        stdout.contains("grounds: us-foia (chosen with --grounds)"),
        "{stdout}"
    );
    assert!(!stderr.contains("unknown-code"), "{stderr}");
    let site = read(dir.path(), "site.yaml");
    let config: annex::model::SiteConfig = serde_yaml::from_str(&site).unwrap();
    assert_eq!(config.grounds.preset.as_deref(), Some("us-foia"));
    assert!(
        site.contains("# us-foia (chosen with --grounds)."),
        "{site}"
    );

    // The written site checks every code against the preset it names.
    let content = annex::load::load_project(dir.path()).unwrap_or_else(|d| panic!("{:#?}", d.0));
    let (_, diags) = annex::resolve::resolve(content).unwrap_or_else(|d| panic!("{:#?}", d.0));
    assert!(!diags.has_errors(), "{:#?}", diags.0);

    // An existing site.yaml is the user's: kept, even with --force, and a
    // preset that differs from the import's is pointed out.
    let again = annex_in(
        dir.path(),
        &[
            "import",
            "release.txt",
            "--out",
            "content",
            "--force",
            "--grounds",
            "nz-oia",
        ],
    );
    assert!(again.status.success());
    assert_eq!(read(dir.path(), "site.yaml"), site);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("site.yaml: warning[grounds]: kept as it is; its grounds preset is `us-foia`, the import checked codes against `nz-oia`"),
        "{stderr}"
    );
}

#[test]
fn a_code_the_preset_does_not_know_is_reported_at_its_place_with_the_closest_codes() {
    let path = Path::new("release.txt");
    // No Act named, no --grounds: the NZ OIA, said to be the default.
    let text = FOIA_LETTER.replace(
        "3. The minutes were agreed.",
        "3. The minutes were agreed. s9(2)(z)\n\n4. (b)(6)",
    );
    let result = import::import_text(path, &text).unwrap();
    assert_eq!(result.grounds.preset, "nz-oia");
    assert_eq!(result.grounds.source, import::GroundsSource::Default);
    let unknown: Vec<String> = result
        .warnings
        .iter()
        .filter(|w| w.code == "unknown-code")
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        unknown,
        vec![
            "release.txt:13:23: warning[unknown-code]: redaction code `(b)(6)` is not in the `nz-oia` grounds preset (2 times; the first is here)\n  = hint: the `us-foia` preset knows it: pass `--grounds us-foia` if the release is under that Act; or add the code to `grounds.codes` in site.yaml",
            "release.txt:15:4: warning[unknown-code]: redaction code `(b)(7)(C)` is not in the `nz-oia` grounds preset\n  = hint: the `us-foia` preset knows it: pass `--grounds us-foia` if the release is under that Act; or add the code to `grounds.codes` in site.yaml",
            "release.txt:17:29: warning[unknown-code]: redaction code `s9(2)(z)` is not in the `nz-oia` grounds preset\n  = hint: closest known codes: `s9(2)(a)`, `s9(2)(b)`, `s9(2)(c)`; or add the code to `grounds.codes` in site.yaml",
        ]
    );
    // The content keeps every code as printed all the same.
    let (_, body) = split_front_matter(&result.files[Path::new("documents/01-harbour-board.md")]);
    assert!(body.contains("3. The minutes were agreed. s9(2)(z)"));

    // With the US preset, only the code no preset knows is left.
    let options = import::Options {
        grounds: Some("us-foia".into()),
    };
    let result = import::import_text_with(path, &text, &options).unwrap();
    let unknown: Vec<&str> = result
        .warnings
        .iter()
        .filter(|w| w.code == "unknown-code")
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(
        unknown,
        vec!["redaction code `s9(2)(z)` is not in the `us-foia` grounds preset"]
    );
    assert!(result.site_yaml.contains("\n  preset: us-foia\n"));
}

#[test]
fn an_unknown_grounds_name_is_a_usage_error_listing_the_presets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("release.txt"), FOIA_LETTER).unwrap();
    let out = annex_in(
        dir.path(),
        &[
            "import",
            "release.txt",
            "--out",
            "content",
            "--grounds",
            "us-fioa",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "annex import: --grounds: unknown grounds preset `us-fioa` (did you mean `us-foia`?); the presets are: nz-oia, nz-lgoima, us-foia, uk-foia, au-foi\n"
    );
    assert!(!dir.path().join("content").exists());
    assert!(!dir.path().join("site.yaml").exists());
    let err = import::import_text_with(
        Path::new("release.txt"),
        FOIA_LETTER,
        &import::Options {
            grounds: Some("oia".into()),
        },
    )
    .unwrap_err();
    assert_eq!(err[0].code, "unknown-preset");
}

#[test]
fn the_act_the_letter_names_picks_the_preset() {
    let path = Path::new("release.txt");
    let council = FOIA_LETTER
        .replace(
            "You asked for",
            "Under the Local Government Official Information and Meetings Act 1987 you asked for",
        )
        .replace("(b)(6)", "s7(2)(a)")
        .replace("(b)(7)(C)", "s7(2)(b)(ii)");
    let result = import::import_text(path, &council).unwrap();
    assert_eq!(
        result.grounds.to_string(),
        "nz-lgoima (the Act the cover letter names)"
    );
    assert!(result.warnings.iter().all(|w| w.code != "unknown-code"));
    // The seed names the OIA.
    let seed = import::import_file(&seed()).unwrap();
    assert_eq!(seed.grounds.preset, "nz-oia");
    assert_eq!(seed.grounds.source, import::GroundsSource::Letter);
    assert!(seed.warnings.iter().all(|w| w.code != "unknown-code"));
    assert!(seed
        .site_yaml
        .contains("title: 'OIA 29619: Ministry of Foreign Affairs and Trade'"));
}

/// A release of documents only (no schedule, no request items): no
/// meetings, and the site builds.
#[test]
fn a_release_without_meetings_imports_and_builds() {
    let dir = tempfile::tempdir().unwrap();
    let import = import_foia_letter(dir.path());
    assert!(import.status.success());
    assert!(String::from_utf8_lossy(&import.stdout)
        .contains("1 documents, 1 pages (0 page stamps), 0 meetings"));
    assert!(!dir.path().join("content/meetings").exists());
    let build = annex_in(dir.path(), &["build"]);
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let page = read(dir.path(), "public/documents/01-harbour-board/index.html");
    assert!(page.contains("The minutes were agreed."));
    assert!(page.contains("(b)(7)(C)"));
    // No meetings: no meetings index, and no page links to one.
    assert!(!dir.path().join("public/meetings").exists());
    assert!(!page.contains("meetings/\""));
    assert!(!read(dir.path(), "public/index.html").contains("meetings/\""));
}

/// Codes as agencies print them go into the content exactly as printed,
/// each counted once under its canonical code.
#[test]
fn agency_notations_import_as_printed_and_count_once() {
    let lines = [
        "1. The caller, s.9(2)(a) OIA, asked about the permit.",
        "2. s9(2)(k)s9(2)(k)Driver licensing",
        "3. The OIAs.9(2)(g) advice was noted.",
        "4. [s9(2)(a)]",
        "5. Withheld under s 9(2)(a) and s6(a), s6(b)(i).",
        "9(2)(a)",
        "section 9(2)(a)",
        "Not in scope",
        "Out of scope",
    ];
    let text = format!(
        "1 April 2025\n\nOIA 30002\n\nYour request under the Official Information Act 1982 is answered below.\n\nFile Note: Permit enquiries\n\n{}\n",
        lines.join("\n\n")
    );
    let result = import::import_text(Path::new("police.txt"), &text).unwrap();
    let counts: Vec<(&str, usize)> = result
        .summary
        .markers
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("Out of scope", 2),
            ("s6(a)", 1),
            ("s6(b)(i)", 1),
            ("s9(2)(a)", 5),
            ("s9(2)(g)", 1),
            ("s9(2)(k)", 2),
        ]
    );
    let (_, body) = split_front_matter(&result.files[Path::new("documents/01-permit.md")]);
    for line in lines {
        assert!(body.contains(line), "`{line}` not kept as printed");
    }
    // `s9(2)(g)` is a parent code: valid in the OIA preset.
    assert!(
        result.warnings.iter().all(|w| w.code != "unknown-code"),
        "{:?}",
        result.warnings
    );
}

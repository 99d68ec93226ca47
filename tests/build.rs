//! `annex build` end to end: fixture sites built into temp folders, the
//! HTML read back with a real parser.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use scraper::{Html, Selector};

mod common;
use common::{annex_in, build_into, copy_dir, manifest, snapshot};

fn fixture() -> PathBuf {
    manifest().join("tests/fixtures/site-min")
}

/// Replaces `from` (which must be there) with `to` in the file at `path`.
fn replace_in(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    fs::write(path, text.replace(from, to)).unwrap();
}

fn html_pages(out: &Path) -> BTreeMap<String, Html> {
    snapshot(out)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, Html::parse_document(&String::from_utf8(b).unwrap())))
        .collect()
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// Resolves `href` found on the page at `page` (an output path such as
/// `meetings/x/index.html`) to an output file and fragment; `None` for
/// external links.
fn resolve_link(page: &str, href: &str) -> Option<(String, Option<String>)> {
    if href.contains("://") || href.starts_with("mailto:") {
        return None;
    }
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (href, None),
    };
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    if !path.is_empty() {
        assert!(
            !path.starts_with('/'),
            "root-absolute link {href} on {page}"
        );
        for seg in path.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    assert!(
                        parts.pop().is_some(),
                        "link {href} on {page} leaves the site"
                    );
                }
                s => parts.push(s),
            }
        }
    }
    let mut target = parts.join("/");
    if path.is_empty() {
        target = page.to_string();
    } else if path.ends_with('/') || path == "." {
        target = if target.is_empty() {
            "index.html".into()
        } else {
            format!("{target}/index.html")
        };
    }
    Some((target, fragment))
}

fn ids(doc: &Html) -> BTreeSet<String> {
    doc.select(&sel("[id]"))
        .filter_map(|e| e.value().attr("id").map(str::to_string))
        .collect()
}

fn assert_links_resolve(out: &Path) -> usize {
    let pages = html_pages(out);
    let files = snapshot(out);
    let ids: BTreeMap<&String, BTreeSet<String>> = pages.iter().map(|(p, d)| (p, ids(d))).collect();
    let mut checked = 0;
    for (page, doc) in &pages {
        if page == "404.html" {
            continue;
        }
        for a in doc.select(&sel("a[href], link[href]")) {
            let href = a.value().attr("href").unwrap();
            if a.value().name() == "link" && a.value().attr("rel") == Some("canonical") {
                continue;
            }
            let Some((target, fragment)) = resolve_link(page, href) else {
                continue;
            };
            assert!(
                files.contains_key(&target),
                "{page}: link {href} → missing {target}"
            );
            if let Some(f) = fragment {
                let target_ids = &ids[&target];
                assert!(
                    target_ids.contains(&f),
                    "{page}: link {href} → no #{f} in {target}"
                );
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_into(&fixture(), &out, None);
    let checked = assert_links_resolve(&out);
    assert!(checked > 200, "only {checked} links checked");
}

/// For each document, badges rendered = markers in its content, and every
/// badge links to an existing ground page with a full accessible name.
fn assert_badges_match_markers(root: &Path, out: &Path) -> usize {
    let pages = html_pages(out);
    let (site, _) = annex::build::load_site(root).unwrap();
    let mut total = 0;
    assert!(!site.content.documents.is_empty());
    for d in &site.content.documents {
        let page = format!("documents/{}/index.html", d.slug);
        let doc = &pages[&page];
        let badges: Vec<_> = doc.select(&sel(".doc-text .redaction")).collect();
        assert_eq!(badges.len(), annex::markers::scan(&d.body).len(), "{page}");
        total += badges.len();
        for b in &badges {
            let codes = b.value().attr("data-grounds").unwrap();
            let links: Vec<_> = b.select(&sel("a")).collect();
            assert!(!links.is_empty() && !codes.is_empty());
            for a in links {
                let href = a.value().attr("href").unwrap();
                let (target, _) = resolve_link(&page, href).unwrap();
                assert!(
                    target.starts_with("grounds/") && pages.contains_key(&target),
                    "{href}"
                );
                let name = a.value().attr("aria-label").unwrap();
                assert!(
                    name.starts_with("Withheld under section ") || name.starts_with("Out of scope"),
                    "{name}"
                );
            }
        }
    }
    total
}

#[test]
fn badges_match_markers_and_link_to_ground_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_into(&fixture(), &out, None);
    assert!(assert_badges_match_markers(&fixture(), &out) > 5);
    let pages = html_pages(&out);
    // The fixture's first file note: a list of codes is one group.
    let doc = &pages["documents/file-note-minister/index.html"];
    let group = doc.select(&sel("#p2 .redaction")).next().unwrap();
    assert_eq!(group.value().attr("data-grounds"), Some("s6(a) s6(b)(i)"));
    assert!(doc.select(&sel("#p2.withheld-full")).next().is_some());
    assert!(doc.select(&sel("#p1.partly-withheld")).next().is_some());
    assert!(doc.select(&sel("#p11-2")).next().is_some());
    assert!(doc.select(&sel("#page-2 .page-no")).next().is_some());
}

/// Each press page links to at least one meeting, and each of those
/// meetings links back. Returns the number of meeting pages.
fn assert_press_and_meetings_link_both_ways(out: &Path) -> usize {
    let pages = html_pages(out);
    let meetings = pages
        .keys()
        .filter(|p| p.starts_with("meetings/") && p.matches('/').count() == 2)
        .count();
    let press: Vec<_> = pages
        .keys()
        .filter(|p| p.starts_with("press/") && p.matches('/').count() == 2)
        .cloned()
        .collect();
    assert!(!press.is_empty());
    for p in &press {
        let linked: BTreeSet<String> = pages[p]
            .select(&sel("main a[href]"))
            .filter_map(|a| resolve_link(p, a.value().attr("href").unwrap()))
            .map(|(t, _)| t)
            .filter(|t| t.starts_with("meetings/") && t != "meetings/index.html")
            .collect();
        assert!(!linked.is_empty(), "{p} links no meeting");
        for m in linked {
            let back = pages[&m]
                .select(&sel("main a[href]"))
                .filter_map(|a| resolve_link(&m, a.value().attr("href").unwrap()))
                .any(|(t, _)| &t == p);
            assert!(back, "{m} does not link back to {p}");
        }
    }
    meetings
}

#[test]
fn meeting_and_press_pages_link_both_ways() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_into(&fixture(), &out, None);
    assert_eq!(assert_press_and_meetings_link_both_ways(&out), 3);
    let pages = html_pages(&out);
    // An excluded meeting says why.
    let excluded = pages["meetings/president/index.html"]
        .root_element()
        .text()
        .collect::<String>();
    assert!(excluded.contains("Not in the release") && excluded.contains("exclude item 3"));
    // Content cannot inject markup or template code.
    let minister = &pages["meetings/minister/index.html"];
    assert!(minister.select(&sel(".annotation em")).next().is_none());
    assert!(minister
        .root_element()
        .text()
        .collect::<String>()
        .contains("{{ template syntax }}"));
}

#[test]
fn two_builds_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    build_into(&fixture(), &tmp.path().join("a"), None);
    build_into(&fixture(), &tmp.path().join("b"), None);
    assert_eq!(
        snapshot(&tmp.path().join("a")),
        snapshot(&tmp.path().join("b"))
    );
}

/// A build reads meeting and press bodies again from their files by the
/// path it loaded them by, which is relative to the working directory when
/// `--root` is: the command line's relative root must give the same site.
#[test]
fn a_build_from_a_relative_root_reads_its_bodies_back_and_matches_an_absolute_one() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), &tmp.path().join("site"));
    build_into(&tmp.path().join("site"), &tmp.path().join("absolute"), None);
    let run = annex_in(
        tmp.path(),
        &["build", "--root", "site", "--output", "relative"],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let relative = snapshot(&tmp.path().join("relative"));
    assert!(relative.keys().any(|k| k.starts_with("meetings/")));
    assert_eq!(relative, snapshot(&tmp.path().join("absolute")));
}

#[test]
fn a_sub_path_build_keeps_every_link_under_the_sub_path() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_into(&fixture(), &out, Some("https://example.org/release/"));
    let files = snapshot(&out);
    for (page, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        if page.ends_with(".html") {
            let doc = Html::parse_document(&text);
            for e in doc.select(&sel("a[href], link[href]")) {
                let href = e.value().attr("href").unwrap();
                if let Some(rest) = href.strip_prefix("https://example.org") {
                    assert!(rest.starts_with("/release/"), "{page}: {href}");
                } else if href.starts_with('/') {
                    assert!(
                        page == "404.html" && href.starts_with("/release/"),
                        "{page}: {href}"
                    );
                } else if !href.contains("://") {
                    resolve_link(page, href);
                }
            }
            let canonical = doc
                .select(&sel("link[rel=canonical]"))
                .next()
                .unwrap()
                .value()
                .attr("href")
                .unwrap();
            assert!(
                canonical.starts_with("https://example.org/release/"),
                "{page}: {canonical}"
            );
        }
    }
    let sitemap = String::from_utf8_lossy(&files["sitemap.xml"]).into_owned();
    assert!(sitemap.contains("<loc>https://example.org/release/meetings/minister/</loc>"));
    for loc in sitemap.split("<loc>").skip(1) {
        assert!(loc.starts_with("https://example.org/release/"), "{loc}");
    }
    let feed = String::from_utf8_lossy(&files["atom.xml"]).into_owned();
    assert!(feed.contains("<link href=\"https://example.org/release/press/news-report/\"/>"));
    assert!(String::from_utf8_lossy(&files["robots.txt"])
        .contains("Sitemap: https://example.org/release/sitemap.xml"));
}

/// Runs `annex build` of `root` into `out`, which must fail with exit code
/// 1 and leave `out` as it was (`before`); returns what it printed on stderr.
fn failed_build(root: &Path, out: &Path, before: &BTreeMap<String, Vec<u8>>) -> String {
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_annex"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert_eq!(&snapshot(out), before, "a failed build changed the output");
    stderr
}

#[test]
fn a_broken_file_fails_with_its_location_and_leaves_the_output_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixture(), &root);
    let out = tmp.path().join("public");
    build_into(&root, &out, None);
    let before = snapshot(&out);

    // Line 17 of the file (the body's paragraph 5) gets an unknown code.
    let doc = root.join("content/documents/file-note-minister.md");
    let text = fs::read_to_string(&doc).unwrap();
    let line = text.lines().position(|l| l.starts_with("5. ")).unwrap() + 1;
    replace_in(
        &doc,
        "5. The meeting closed on time.",
        "5. The meeting closed s6(zz) on time.",
    );

    let stderr = failed_build(&root, &out, &before);
    let expected = format!("content/documents/file-note-minister.md:{line}:23: error[");
    assert!(
        stderr.contains(&expected),
        "expected {expected} in:\n{stderr}"
    );
    assert!(stderr.contains("s6(zz)"), "{stderr}");
    assert!(stderr.contains("1 error"), "{stderr}");
    let siblings: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        siblings.len(),
        2,
        "staging folders left behind: {siblings:?}"
    );
}

#[test]
fn unknown_codes_in_a_press_text_are_all_reported_and_leave_the_output_alone() {
    // A build renders a press item's (or meeting's) body at its own page,
    // not beforehand with the documents: an unknown code there must still
    // be reported with its place, every one of them, and fail the build
    // whole. (Meetings' and documents' codes are also checked by resolve.)
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixture(), &root);
    let out = tmp.path().join("public");
    build_into(&root, &out, None);
    let before = snapshot(&out);

    let press = root.join("content/press/news-report.md");
    let text = fs::read_to_string(&press).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("He also met"))
        .unwrap()
        + 1;
    replace_in(
        &press,
        "He also met a senator.",
        // After the sentence, which a meeting quotes word for word.
        "He also met a senator. s6(yy) s9(9)(q)",
    );

    let stderr = failed_build(&root, &out, &before);
    for expected in [
        format!("content/press/news-report.md:{line}:24: error[unknown-code]: unknown withholding code `s6(yy)`"),
        format!("content/press/news-report.md:{line}:31: error[unknown-code]: unknown withholding code `s9(9)(q)`"),
        "build failed: 2 errors".to_string(),
    ] {
        assert!(stderr.contains(&expected), "expected {expected} in:\n{stderr}");
    }
}

#[test]
fn a_site_without_a_description_is_described_by_its_release_and_act() {
    // The fallback names the release's own Act (or none): annex serves
    // FOI regimes other than New Zealand's.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixture(), &root);
    let yaml = root.join("site.yaml");
    let text = fs::read_to_string(&yaml).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("description:"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&yaml, text).unwrap();
    let release = root.join("content/release.md");
    replace_in(
        &release,
        "act: Official Information Act 1982",
        "act: Freedom of Information Act 2000",
    );
    let out = tmp.path().join("public");
    build_into(&root, &out, None);
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    let expected = "Ministry of Examples response OIA 1001 to a request under the Freedom of Information Act 2000, annotated.";
    assert!(home.contains(expected), "{home}");
    assert!(!home.contains("Official Information Act request"));

    // Without an Act, a plain "information request".
    replace_in(&release, "act: Freedom of Information Act 2000\n", "");
    build_into(&root, &out, None);
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("response OIA 1001 to an information request, annotated."));
}

#[test]
fn a_build_writes_what_the_in_memory_render_makes_file_for_file() {
    // `annex build` streams the whole-site pages into their files and
    // renders meeting and press bodies at their pages; `check` and `serve`
    // render everything in memory from bodies kept up front. Both must
    // give the same bytes. Without search, so that the streaming path is
    // the one taken (the search index wants the pages in memory).
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixture(), &root);
    let yaml = root.join("site.yaml");
    let text = fs::read_to_string(&yaml).unwrap();
    fs::write(&yaml, format!("{text}search: false\n")).unwrap();
    let out = tmp.path().join("public");
    build_into(&root, &out, None);
    let built = snapshot(&out);

    let (site, _) = annex::build::load_site(&root).unwrap();
    let options = annex::render::RenderOptions {
        base_url: None,
        theme: None,
    };
    let files = annex::build::render_site(&site, &options).unwrap();
    assert!(files.iter().any(|f| f.path == "participants/index.html"));
    assert!(files
        .iter()
        .any(|f| f.path.starts_with("meetings/") && f.path != "meetings/index.html"));
    for f in &files {
        let on_disk = built
            .get(&f.path)
            .unwrap_or_else(|| panic!("{} rendered but not built", f.path));
        assert!(
            *on_disk == f.bytes,
            "{} differs between build and render",
            f.path
        );
    }
    // The build also writes the theme's own files and cards; nothing it
    // renders is missing from the in-memory render.
    for path in built
        .keys()
        .filter(|p| p.ends_with(".html") || p.ends_with(".xml"))
    {
        assert!(
            files.iter().any(|f| &f.path == path),
            "{path} built but not rendered"
        );
    }
}

#[test]
fn usage_errors_exit_2_and_success_ends_with_one_summary_line() {
    let tmp = tempfile::tempdir().unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_annex"))
        .args(["build", "--root"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    // `annex build [flags] --root <fixture> --output <out>`.
    let build_to = |out: &Path, flags: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_annex"))
            .arg("build")
            .args(flags)
            .arg("--root")
            .arg(fixture())
            .arg("--output")
            .arg(out)
            .output()
            .unwrap()
    };
    let file = tmp.path().join("file");
    fs::write(&file, "x").unwrap();
    let run = build_to(&file, &[]);
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(fs::read_to_string(&file).unwrap(), "x");
    let out = tmp.path().join("out");
    let run = build_to(&out, &[]);
    assert_eq!(run.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.starts_with("built ") && stdout.contains(" pages ") && stdout.contains(" s"),
        "{stdout}"
    );
    // --timings: then one line per stage, each with its time and memory,
    // and how the cards were made.
    let run = build_to(&out, &["--timings"]);
    assert_eq!(run.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&run.stdout);
    let mut stages: Vec<&str> = stdout.lines().skip(1).collect();
    let cards = stages.pop().unwrap_or_default();
    assert!(
        cards.starts_with("  cards: ")
            && cards.contains(" drawn, ")
            && cards.contains(" from the cache"),
        "{stdout}"
    );
    assert!(stages.len() >= 6, "{stdout}");
    for (line, name) in stages.iter().zip(["load", "resolve", "prepare"]) {
        assert!(line.contains(name), "{stdout}");
    }
    assert!(
        stages
            .iter()
            .all(|l| l.contains(" s ") && l.contains("MiB peak") && l.contains("MiB after")),
        "{stdout}"
    );
}

#[test]
fn the_default_site_builds_with_its_fifteen_meetings() {
    let root = manifest();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_into(&root, &out, None);
    assert_eq!(assert_press_and_meetings_link_both_ways(&out), 15);
    assert!(assert_badges_match_markers(&root, &out) > 100);
    assert!(assert_links_resolve(&out) > 1000);
    let sub = tmp.path().join("sub");
    build_into(&root, &sub, Some("https://example.org/release/"));
    assert_eq!(snapshot(&out).len(), snapshot(&sub).len());
}

#[test]
fn a_home_page_past_its_list_limit_links_to_the_indexes_instead() {
    // The default release (15 meetings, 13 documents, 13 schedule rows)
    // with the home page's lists limited to 4 items each.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    fs::create_dir_all(&root).unwrap();
    copy_dir(&manifest().join("content"), &root.join("content"));
    let yaml = fs::read_to_string(manifest().join("site.yaml")).unwrap();
    fs::write(
        root.join("site.yaml"),
        format!("{yaml}\nhome_list_limit: 4\n"),
    )
    .unwrap();
    let out = tmp.path().join("public");
    build_into(&root, &out, None);
    let pages = html_pages(&out);
    let home = &pages["index.html"];
    let in_section = |id: &str, what: &str| {
        let section = home
            .select(&sel(&format!("section[aria-labelledby=\"{id}\"]")))
            .next()
            .unwrap_or_else(|| panic!("no section {id}"));
        section.select(&sel(what)).count()
    };
    assert_eq!(in_section("meetings", ".meeting-list li"), 4);
    assert_eq!(in_section("schedule", "tbody tr"), 4);
    assert_eq!(in_section("by-document", "tbody tr"), 4);
    let more: Vec<String> = home
        .select(&sel("p.more"))
        .map(|p| p.text().collect::<String>())
        .collect();
    assert_eq!(more.len(), 3, "{more:?}");
    assert!(more[0].contains("first 4 of 15 meetings"), "{more:?}");
    assert!(more[0].contains("All 15 meetings"), "{more:?}");
    assert!(more[2].contains("All 13 documents"), "{more:?}");
    let hrefs: BTreeSet<&str> = home
        .select(&sel("p.more a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(hrefs, BTreeSet::from(["meetings/", "documents/"]));
    assert!(assert_links_resolve(&out) > 1000);

    // Under the limit (the default, 50), nothing is cut and nothing says so.
    let full = tmp.path().join("full");
    build_into(&manifest(), &full, None);
    let pages = html_pages(&full);
    assert_eq!(pages["index.html"].select(&sel("p.more")).count(), 0);
    assert_eq!(
        pages["index.html"]
            .select(&sel(
                "section[aria-labelledby=\"meetings\"] .meeting-list li"
            ))
            .count(),
        15
    );
}

#[test]
fn a_template_error_names_the_template_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixture(), &root);
    fs::create_dir_all(root.join("templates")).unwrap();
    let run = |template: &str, text: &str| {
        fs::write(root.join("templates").join(template), text).unwrap();
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_annex"))
            .args(["build", "--root"])
            .arg(&root)
            .output()
            .unwrap();
        fs::remove_file(root.join("templates").join(template)).unwrap();
        assert_eq!(run.status.code(), Some(1));
        assert!(!root.join("public").exists());
        String::from_utf8_lossy(&run.stderr).into_owned()
    };
    // A field the page's context lacks, found while rendering.
    let err = run(
        "meeting.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ meeting.nope }}</h1>\n{% endblock content %}\n",
    );
    assert!(
        err.contains("templates/meeting.html:3:16: error[template]"),
        "{err}"
    );
    assert!(err.contains("`nope`") && err.contains("title"), "{err}");
    // A syntax error, found when the theme is compiled.
    let err = run(
        "meeting.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ meeting.title }</h1>\n{% endblock content %}\n",
    );
    assert!(
        err.contains("templates/meeting.html:3:22: error[template]"),
        "{err}"
    );
    // An error inside a component is reported where it is, not at the page.
    let err = run(
        "components.html",
        "{% component stats(s, heading, id) %}{{ s.nothing }}{% endcomponent stats %}\n{% component meeting_line(m) %}{% endcomponent meeting_line %}\n",
    );
    assert!(
        err.contains("templates/components.html:1:43: error[template]"),
        "{err}"
    );
}

/// The names of the files in the project's card cache.
fn cache_names(root: &Path) -> BTreeSet<String> {
    match fs::read_dir(root.join(".annex-cache/cards")) {
        Ok(dir) => dir
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => BTreeSet::new(),
    }
}

#[test]
fn a_build_removes_the_cached_cards_it_no_longer_uses_unless_another_holds_the_cache() {
    use annex::cards::Pruned;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixture(), &root);
    let out = tmp.path().join("public");
    let cache = root.join(".annex-cache/cards");

    let first = build_into(&root, &out, None);
    assert_eq!((first.cards.drawn, first.cards.cached), (3, 0));
    let cards: BTreeSet<String> = cache_names(&root)
        .into_iter()
        .filter(|n| n.ends_with(".png"))
        .collect();
    assert_eq!(cards.len(), 3, "one cached card per meeting");

    // A retitled meeting gets a new card; its old one is removed, and so is
    // a temporary file an interrupted build left, but not a stranger's file.
    fs::write(cache.join("0123456789abcdef.4242.tmp"), b"half a card").unwrap();
    fs::write(cache.join("notes.txt"), b"mine").unwrap();
    let minister = root.join("content/meetings/minister.md");
    replace_in(
        &minister,
        "title: Meeting with a minister",
        "title: Talks with a minister",
    );
    let second = build_into(&root, &out, None);
    assert_eq!((second.cards.drawn, second.cards.cached), (1, 2));
    assert!(
        matches!(second.pruned, Ok(Pruned::Removed { files: 2, bytes }) if bytes > 11),
        "{:?}",
        second.pruned
    );
    let after = cache_names(&root);
    assert!(
        after.contains("notes.txt") && after.contains(".lock"),
        "{after:?}"
    );
    assert!(!after.iter().any(|n| n.ends_with(".tmp")), "{after:?}");
    let now: BTreeSet<String> = after.into_iter().filter(|n| n.ends_with(".png")).collect();
    assert_eq!(now.len(), 3);
    assert_eq!(
        now.intersection(&cards).count(),
        2,
        "only the retitled card changed"
    );
    // The output's card is a whole PNG, whatever became of the cache.
    let png = fs::read(out.join("cards/minister.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000);

    // While another build or `serve` holds the cache, nothing is removed.
    let holder = fs::File::open(cache.join(".lock")).unwrap();
    holder.lock_shared().unwrap();
    replace_in(
        &minister,
        "title: Talks with a minister",
        "title: Meeting with a minister",
    );
    let third = build_into(&root, &out, None);
    assert_eq!(third.pruned.as_ref().ok(), Some(&Pruned::Busy));
    assert_eq!(
        cache_names(&root)
            .iter()
            .filter(|n| n.ends_with(".png"))
            .count(),
        4
    );
    drop(holder);
    // So does a hold of this process's own (`serve` run as a library).
    let hold = annex::cards::hold(&root).expect("the cache can be held");
    let held = build_into(&root, &out, None);
    assert_eq!(held.pruned.as_ref().ok(), Some(&Pruned::Busy));
    drop(hold);
    let fourth = build_into(&root, &out, None);
    assert_eq!((fourth.cards.drawn, fourth.cards.cached), (0, 3));
    assert!(matches!(
        fourth.pruned,
        Ok(Pruned::Removed { files: 1, .. })
    ));
    let last: BTreeSet<String> = cache_names(&root)
        .into_iter()
        .filter(|n| n.ends_with(".png"))
        .collect();
    assert_eq!(last, cards, "back to the first build's cards");
    // Content files are never touched.
    assert!(fs::read_to_string(&minister)
        .unwrap()
        .contains("title: Meeting with a minister"));
}

#[test]
fn a_failed_build_leaves_the_card_cache_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixture(), &root);
    let out = tmp.path().join("public");
    build_into(&root, &out, None);
    let cache = root.join(".annex-cache/cards");
    fs::write(cache.join("fedcba9876543210.png"), b"an old card").unwrap();
    let before = snapshot(&cache);
    let minister = root.join("content/meetings/minister.md");
    replace_in(
        &minister,
        "title: Meeting with a minister",
        "title: [unclosed",
    );
    failed_build(&root, &out, &snapshot(&out));
    assert_eq!(snapshot(&cache), before);
}

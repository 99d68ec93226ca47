//! Reader features on the default site (OIA 29619): the data downloads read
//! back and checked against the HTML pages, citations, and the press
//! comparison page's links both ways.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use annex::build::{build, BuildOptions};
use scraper::{Html, Selector};

mod common;
use common::{build_into, manifest, snapshot};

/// The default site, built once for every test in this file (into Cargo's
/// scratch folder for integration tests).
fn site() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("data-site");
        build_into(&manifest(), &out, Some("https://example.org/release/"));
        out
    })
}

fn page(rel: &str) -> Html {
    Html::parse_document(&fs::read_to_string(site().join(rel)).unwrap())
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// Slugs of the pages under `section/` (folders with an index.html).
fn slugs(section: &str) -> BTreeSet<String> {
    fs::read_dir(site().join(section))
        .unwrap()
        .filter_map(|e| {
            let e = e.unwrap();
            (e.path().join("index.html").is_file())
                .then(|| e.file_name().to_string_lossy().into_owned())
        })
        .collect()
}

/// Paragraph 20 of the Campbell file note, as release.json gives it.
fn campbell_p20() -> serde_json::Value {
    release_json()["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["slug"] == "01-kurt-campbell")
        .unwrap()["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["anchor"] == "p20")
        .unwrap()
        .clone()
}

fn release_json() -> serde_json::Value {
    serde_json::from_slice(&fs::read(site().join("release.json")).unwrap()).unwrap()
}

/// `data-grounds` of every badge in a document page's text, in order.
fn page_badges(doc: &str) -> Vec<String> {
    let html = page(&format!("documents/{doc}/index.html"));
    html.select(&sel(".doc-text [data-grounds]"))
        .map(|e| e.value().attr("data-grounds").unwrap().to_string())
        .collect()
}

#[test]
fn release_json_matches_the_pages() {
    let json = release_json();
    assert_eq!(json["version"], 1);
    let meetings: BTreeSet<String> = json["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["slug"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(meetings.len(), 15);
    assert_eq!(meetings, slugs("meetings"));
    let documents = json["documents"].as_array().unwrap();
    let doc_slugs: BTreeSet<String> = documents
        .iter()
        .map(|d| d["slug"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(doc_slugs, slugs("documents"));
    let press: BTreeSet<String> = json["press"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(press, slugs("press"));

    let mut total = (0, 0, 0, 0);
    for d in documents {
        let slug = d["slug"].as_str().unwrap();
        let html = page(&format!("documents/{slug}/index.html"));
        let paras = d["paragraphs"].as_array().unwrap();
        // Statuses as the page styles them.
        for (status, class) in [
            ("released", ".doc-text .para.released"),
            ("partly-withheld", ".doc-text .para.partly-withheld"),
            ("withheld-full", ".doc-text .para.withheld-full"),
        ] {
            let in_json = paras.iter().filter(|p| p["status"] == status).count();
            assert_eq!(in_json, html.select(&sel(class)).count(), "{slug} {status}");
        }
        // Markers: the same codes, in the same order, as the page's badges.
        let printed: Vec<String> = paras
            .iter()
            .flat_map(|p| p["markers"].as_array().unwrap())
            .map(|m| m["printed"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(printed, page_badges(slug), "{slug}");
        assert_eq!(
            d["stats"]["markers"].as_u64().unwrap() as usize,
            printed.len()
        );
        // Every paragraph anchor exists on the page.
        let ids: BTreeSet<String> = html
            .select(&sel("[id]"))
            .map(|e| e.value().id().unwrap().to_string())
            .collect();
        for p in paras {
            if let Some(a) = p["anchor"].as_str() {
                assert!(ids.contains(a), "{slug}#{a}");
            }
        }
        for pg in d["release_pages"].as_array().unwrap() {
            assert!(ids.contains(pg["anchor"].as_str().unwrap()));
        }
        total.0 += paras.len();
        total.1 += paras
            .iter()
            .filter(|p| p["status"] == "partly-withheld")
            .count();
        total.2 += paras
            .iter()
            .filter(|p| p["status"] == "withheld-full")
            .count();
        total.3 += printed.len();
    }
    let stats = &json["stats"];
    assert_eq!(stats["paragraphs"].as_u64().unwrap() as usize, total.0);
    assert_eq!(stats["partly_withheld"].as_u64().unwrap() as usize, total.1);
    assert_eq!(
        stats["withheld_in_full"].as_u64().unwrap() as usize,
        total.2
    );
    assert_eq!(stats["markers"].as_u64().unwrap() as usize, total.3);
    assert!(total.3 > 100, "the default release has many markers");

    // The paragraph the example cites, with its text as released.
    let campbell = documents
        .iter()
        .find(|d| d["slug"] == "01-kurt-campbell")
        .unwrap();
    let p20 = campbell["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["anchor"] == "p20")
        .unwrap();
    assert!(p20["text"]
        .as_str()
        .unwrap()
        .starts_with("The Prime Minister asked Campbell to chair a Strategic Dialogue"));
    assert_eq!(p20["status"], "partly-withheld");
    assert_eq!(p20["meetings"][0], "01-kurt-campbell");
}

#[test]
fn redactions_csv_has_one_row_per_badge() {
    let text = fs::read_to_string(site().join("redactions.csv")).unwrap();
    assert!(text.ends_with("\r\n"));
    let rows: Vec<Vec<String>> = text
        .trim_end_matches("\r\n")
        .split("\r\n")
        .map(parse_csv_line)
        .collect();
    let header = &rows[0];
    assert_eq!(
        header,
        &[
            "document",
            "document_title",
            "release_page",
            "paragraph",
            "anchor",
            "paragraph_status",
            "codes",
            "grounds",
            "meetings",
            "url"
        ]
    );
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut by_doc: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in &rows[1..] {
        assert_eq!(row.len(), header.len(), "{row:?}");
        by_doc
            .entry(row[col("document")].clone())
            .or_default()
            .push(row[col("codes")].clone());
        assert!(row[col("url")].starts_with("https://example.org/release/documents/"));
        assert!(
            !row[col("release_page")].is_empty(),
            "every marker is on a release page: {row:?}"
        );
    }
    for doc in slugs("documents") {
        let badges = page_badges(&doc);
        assert_eq!(by_doc.remove(&doc).unwrap_or_default(), badges, "{doc}");
    }
    assert!(by_doc.is_empty());
    // A row the example names: paragraph 20 of the Campbell note.
    let page = campbell_p20()["page"].to_string();
    assert!(rows.iter().any(|r| r[col("document")] == "01-kurt-campbell"
        && r[col("paragraph")] == "20"
        && r[col("release_page")] == page
        && r[col("meetings")] == "01-kurt-campbell"));
}

/// One CSV record (RFC 4180; the file has no line breaks inside fields).
fn parse_csv_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

#[test]
fn meetings_ics_has_one_event_per_meeting_page() {
    let text = fs::read_to_string(site().join("meetings.ics")).unwrap();
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "folded at 75 octets: {line}");
        assert!(!line.contains('\n'));
    }
    let unfolded = text.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
    assert_eq!(lines.last(), Some(&"END:VCALENDAR"));
    let events: Vec<&[&str]> = {
        let mut v = Vec::new();
        let mut start = None;
        for (i, l) in lines.iter().enumerate() {
            match *l {
                "BEGIN:VEVENT" => start = Some(i),
                "END:VEVENT" => v.push(&lines[start.take().unwrap()..=i]),
                _ => {}
            }
        }
        v
    };
    let pages = slugs("meetings");
    assert_eq!(events.len(), pages.len());
    let prop = |ev: &[&str], name: &str| -> Option<String> {
        ev.iter().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.split(';').next() == Some(name)).then(|| v.to_string())
        })
    };
    let mut uids = BTreeSet::new();
    let mut urls = BTreeSet::new();
    for ev in &events {
        assert!(uids.insert(prop(ev, "UID").unwrap()));
        assert_eq!(prop(ev, "DTSTAMP").as_deref(), Some("20241011T000000Z"));
        let start = prop(ev, "DTSTART").unwrap();
        assert!(
            start.len() == 8 || (start.len() == 15 && !start.ends_with('Z')),
            "{start}"
        );
        let url = prop(ev, "URL").unwrap();
        urls.insert(
            url.trim_start_matches("https://example.org/release/meetings/")
                .trim_end_matches('/')
                .to_string(),
        );
    }
    assert_eq!(urls, pages);
    // Kurt Campbell: 07:30 local on 9 July 2024, a floating time.
    let campbell = events
        .iter()
        .find(|ev| prop(ev, "URL").unwrap().ends_with("/01-kurt-campbell/"))
        .unwrap();
    assert_eq!(
        prop(campbell, "DTSTART").as_deref(),
        Some("20240709T073000")
    );
}

#[test]
fn every_numbered_paragraph_has_a_citation() {
    for doc in slugs("documents") {
        let html = page(&format!("documents/{doc}/index.html"));
        let title = html
            .select(&sel("h1"))
            .next()
            .unwrap()
            .text()
            .collect::<String>();
        for para in html.select(&sel(".doc-text .para[id]")) {
            let id = para.value().id().unwrap();
            let number = para
                .select(&sel(".para-no"))
                .next()
                .unwrap()
                .text()
                .collect::<String>();
            let cite = para
                .select(&sel("details.cite .cite-text"))
                .next()
                .unwrap_or_else(|| panic!("{doc}#{id} has no cite control"));
            let text = cite.text().collect::<String>();
            assert!(
                text.starts_with(
                    "Ministry of Foreign Affairs and Trade, OIA 29619 (11 October 2024), "
                ),
                "{text}"
            );
            assert!(text.contains(&format!("\"{}\"", title.trim())), "{text}");
            assert!(text.contains(&format!(", para {number}, ")), "{text}");
            assert!(
                text.ends_with(&format!(
                    "<https://example.org/release/documents/{doc}/#{id}>"
                )),
                "{text}"
            );
            let summary = para.select(&sel("details.cite > summary")).next().unwrap();
            assert_eq!(
                summary.text().collect::<String>(),
                format!("Cite paragraph {number}")
            );
        }
    }
    // The example, with the release page the content gives it.
    let page_of_p20 = campbell_p20()["page"].as_u64().unwrap();
    let campbell = page("documents/01-kurt-campbell/index.html");
    let p20 = campbell.select(&sel("#p20 .cite-text")).next().unwrap();
    assert_eq!(
        p20.text().collect::<String>(),
        format!("Ministry of Foreign Affairs and Trade, OIA 29619 (11 October 2024), \"Prime Minister Christopher Luxon meeting with US Deputy Secretary of State, Kurt Campbell\", para 20, release p. {page_of_p20}, <https://example.org/release/documents/01-kurt-campbell/#p20>")
    );
}

#[test]
fn press_claims_and_passages_link_both_ways() {
    let json = release_json();
    let recorded: usize = json["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["press"].as_array().unwrap())
        .filter(|p| !p["release"].as_array().unwrap().is_empty())
        .count();
    assert!(recorded > 0);
    let compare = page("compare/index.html");
    let claims: Vec<_> = compare.select(&sel("article.claim")).collect();
    assert_eq!(claims.len(), recorded);
    for claim in claims {
        let id = claim.value().id().unwrap();
        for a in claim.select(&sel(".claim-release .relations > li > p a")) {
            let href = a.value().attr("href").unwrap();
            let (path, anchor) = href.trim_start_matches("../").split_once('#').unwrap();
            let doc = page(&format!("{path}index.html"));
            let para = doc
                .select(&sel(&format!("[id=\"{anchor}\"]")))
                .next()
                .unwrap_or_else(|| panic!("{href} does not resolve"));
            let back: Vec<String> = para
                .select(&sel(".claim-links a"))
                .map(|a| a.value().attr("href").unwrap().to_string())
                .collect();
            assert!(
                back.contains(&format!("../../compare/#{id}")),
                "{href} does not link back to {id}: {back:?}"
            );
        }
    }
}

#[test]
fn about_this_data_is_linked_from_every_page() {
    let about = page("data/index.html");
    let links: BTreeSet<String> = about
        .select(&sel("main a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    for f in ["../release.json", "../redactions.csv", "../meetings.ics"] {
        assert!(links.contains(f), "{f} in {links:?}");
    }
    let home = page("index.html");
    assert!(home
        .select(&sel("footer a[href=\"data/\"]"))
        .next()
        .is_some());
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn every_page_has_sharing_metadata_and_meetings_have_cards() {
    let meta = |html: &Html, attr: &str, key: &str| -> Option<String> {
        html.select(&sel(&format!("meta[{attr}=\"{key}\"]")))
            .next()
            .map(|e| e.value().attr("content").unwrap().to_string())
    };
    for e in walkdir::WalkDir::new(site()).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(site())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if !rel.ends_with(".html") || rel.starts_with("pagefind/") {
            continue;
        }
        let html = page(&rel);
        for key in [
            "og:title",
            "og:description",
            "og:url",
            "og:type",
            "og:site_name",
        ] {
            assert!(meta(&html, "property", key).is_some(), "{rel}: {key}");
        }
        assert!(meta(&html, "name", "twitter:card").is_some(), "{rel}");
    }
    for slug in slugs("meetings") {
        let html = page(&format!("meetings/{slug}/index.html"));
        let image = meta(&html, "property", "og:image").unwrap();
        assert_eq!(
            image,
            format!("https://example.org/release/cards/{slug}.png")
        );
        assert_eq!(
            meta(&html, "name", "twitter:card").as_deref(),
            Some("summary_large_image")
        );
        assert!(
            meta(&html, "property", "og:image:alt")
                .unwrap()
                .contains("paragraph")
                || meta(&html, "property", "og:image:alt")
                    .unwrap()
                    .contains("Excluded")
        );
        let png = fs::read(site().join(format!("cards/{slug}.png"))).unwrap();
        assert_eq!(png_size(&png), (1200, 630));
    }
}

#[test]
fn the_default_site_builds_byte_identical_twice_with_search_and_cards() {
    let first = snapshot(site());
    assert!(
        first.keys().any(|k| k.starts_with("pagefind/")),
        "search index written"
    );
    assert!(first.contains_key("pagefind/pagefind.js"));
    assert!(
        !first.contains_key("pagefind/pagefind-ui.js"),
        "Pagefind's own UI is not shipped"
    );
    // A second build, with the card cache emptied, so cards are drawn again.
    let cache = manifest().join(".annex-cache/cards");
    let _ = fs::remove_dir_all(&cache);
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("data-site-again");
    build(&BuildOptions {
        root: manifest(),
        output: Some(out.clone()),
        base_url: Some("https://example.org/release/".into()),
        theme: None,
        force: false,
    })
    .map_err(|_| "second build failed")
    .unwrap();
    let second = snapshot(&out);
    let differ: Vec<&String> = first
        .keys()
        .chain(second.keys())
        .filter(|k| first.get(*k) != second.get(*k))
        .collect();
    assert!(differ.is_empty(), "files differ between builds: {differ:?}");
}

//! What each fuzz target runs and asserts, in one place: the targets in
//! `fuzz_targets/` call these, and `tests/fuzz_regressions.rs` replays every
//! saved input (`tests/fixtures/fuzz/<target>/`) through the same function
//! under plain `cargo test`, so a crash found once stays fixed.
//!
//! "No panic" is the first property of each: annex must survive any input.
//! The assertions add what must hold besides.

use std::path::{Component, Path};

use annex::diagnostics::Diagnostic;
use annex::import::pdf::{self, columns, furniture, ocr, repair, table};
use annex::model::{DocumentMeta, MeetingMeta, PressMeta, ReleaseMeta, SiteConfig};
use annex::{load, markers, yaml};

/// The front-matter splitter and parser, as the loader runs them on a
/// content file of each kind, and `site.yaml`'s reader on the whole text:
/// errors are values whose line is inside the file. The plain-YAML
/// shortcut (`yaml::block`) either declines or reads what serde_yaml reads.
pub fn front_matter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // YAML reads a lone carriage return as a line break too (old Mac files),
    // as editors do, so lines are counted that way here.
    let lines = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .lines()
        .count()
        .max(1);
    let inside = |ds: Vec<Diagnostic>| {
        for d in ds {
            assert!(d.line <= lines + 1, "{d:?} (file has {lines} lines)");
        }
    };
    for source in [text, yaml::split(text).map_or("", |s| s.front)] {
        if let Some(shortcut) = yaml::block::read(source) {
            let full = serde_yaml::from_str::<serde_yaml::Value>(source).ok();
            assert_eq!(Some(shortcut), full, "the shortcut differs on {source:?}");
        }
        same_as_serde_yaml::<MeetingMeta>(source);
        same_as_serde_yaml::<DocumentMeta>(source);
        same_as_serde_yaml::<PressMeta>(source);
        same_as_serde_yaml::<ReleaseMeta>(source);
        same_as_serde_yaml::<SiteConfig>(source);
    }
    match yaml::split(text) {
        Ok(s) => {
            assert!(s.front_line >= 1 && s.body_line >= s.front_line, "{s:?}");
            assert!(text.ends_with(s.body), "the body is the file's tail");
        }
        Err(e) => assert!(e.line >= 1 && e.line <= lines + 1, "{e:?}"),
    }
    let path = Path::new("content/documents/fuzz.md");
    if let Err(ds) = load::parse_entry::<DocumentMeta>(path, text) {
        inside(ds);
    }
    if let Err(ds) = load::parse_entry::<MeetingMeta>(path, text) {
        inside(ds);
    }
    if let Err(ds) = load::parse_entry::<PressMeta>(path, text) {
        inside(ds);
    }
    if let Err(ds) = load::parse_entry::<ReleaseMeta>(path, text) {
        inside(ds);
    }
    if let Err(e) = yaml::parse_document::<SiteConfig>(text) {
        assert!(e.line >= 1 && e.line <= lines + 1, "{e:?}");
    }
}

/// `yaml::parse` (shortcut included) reads `source` as `T` exactly as
/// serde_yaml alone does, or both refuse it.
fn same_as_serde_yaml<T: serde::de::DeserializeOwned + std::fmt::Debug>(source: &str) {
    if source.trim().is_empty() {
        return; // `parse` reads an empty front matter as `{}` on purpose
    }
    let ours = yaml::parse::<T>(source, 1).map(|t| format!("{t:?}"));
    let theirs = serde_yaml::from_str::<T>(source).map(|t| format!("{t:?}"));
    match (ours, theirs) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{source:?}"),
        (Err(_), Err(_)) => {}
        (a, b) => panic!("{source:?}: annex {a:?}, serde_yaml {b:?}"),
    }
}

/// The redaction-marker grammar: groups are in order, inside the text, on
/// char boundaries, codes inside their group; a printed code that
/// `canonical` reads on its own gets the canonical form `scan` gave it;
/// `count_codes` agrees with `scan`.
pub fn markers(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let groups = markers::scan(text);
    let mut last = 0;
    for g in &groups {
        assert!(g.span.start >= last && g.span.end <= text.len(), "{g:?}");
        assert!(text.is_char_boundary(g.span.start) && text.is_char_boundary(g.span.end));
        assert!(!g.codes.is_empty(), "{g:?}");
        last = g.span.end;
        for c in &g.codes {
            assert!(
                c.span.start >= g.span.start && c.span.end <= g.span.end,
                "{g:?}"
            );
            let printed = &text[c.span.clone()];
            if let Some(again) = markers::canonical(printed) {
                assert_eq!(again, c.canonical, "{printed:?}");
            }
            let _ = markers::parent(&c.canonical);
        }
    }
    let total: usize = markers::count_codes(text).values().sum();
    assert_eq!(total, groups.iter().map(|g| g.codes.len()).sum::<usize>());
    for line in text.lines() {
        if let Some(n) = markers::paragraph_number(line) {
            assert!(
                !n.is_empty() && line.trim_start().starts_with(n),
                "{line:?}"
            );
        }
    }
    let _ = annex::grounds::preset_for_act(text);
}

/// The text importer: content or diagnostics. When it succeeds, every file
/// it would write stays inside the output folder, and each content file's
/// front matter loads as its kind (the importer's output must build). The
/// importer checks by itself that the written bodies hold every code of the
/// source (a mismatch is its `lossless` error).
pub fn import_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(import) = annex::import::import_text(Path::new("fuzz.txt"), text) else {
        return;
    };
    let _ = import.summary.to_string();
    for (rel, content) in &import.files {
        assert!(
            rel.components().all(|c| matches!(c, Component::Normal(_))),
            "{rel:?} leaves the output folder"
        );
        let kind = rel.components().next().and_then(|c| c.as_os_str().to_str());
        let loaded = match kind {
            Some("documents") => load::parse_entry::<DocumentMeta>(rel, content).map(|_| ()),
            Some("meetings") => load::parse_entry::<MeetingMeta>(rel, content).map(|_| ()),
            Some("press") => load::parse_entry::<PressMeta>(rel, content).map(|_| ()),
            Some("release.md") => load::parse_entry::<ReleaseMeta>(rel, content).map(|_| ()),
            _ => Ok(()),
        };
        if let Err(ds) = loaded {
            // Only the YAML itself must load; values left for a person to
            // fill in (a date the letter did not give) are reported by the
            // loader as `bad-value`, as the import's warnings say.
            for d in ds {
                assert!(d.code == "bad-value", "{rel:?}: {d:?}\n{content}");
            }
        }
    }
}

/// The PDF reader after `pdftotext -layout`, stage by stage as
/// `import::pdf::read` runs them: pages split at form feeds, each read as a
/// table or in reading order, character repairs, furniture, hyphenation,
/// then the importer's text form and the text importer on it. The first
/// byte says where the second file starts (a release may come as two PDFs);
/// Tesseract's TSV reader gets the text too.
pub fn pdf_text(data: &[u8]) {
    let Some((&second_file, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let _ = ocr::parse_tsv(text);
    // `pdftotext` ends every page with a form feed.
    let mut layouts: Vec<&str> = text.split('\u{c}').collect();
    if layouts.len() > 1 && layouts.last() == Some(&"") {
        layouts.pop();
    }
    let second_file = usize::from(second_file) % (layouts.len() + 1);
    let raw: Vec<(usize, String, bool)> = layouts
        .iter()
        .enumerate()
        .map(|(k, layout)| {
            let (text, table) = match table::columns(layout) {
                Some(cols) => (table::rows(layout, &cols), true),
                None => (columns::reading_order(layout).0, false),
            };
            (usize::from(k >= second_file), text, table)
        })
        .collect();
    let mut repairs = repair::Repairs::default();
    let texts: Vec<(usize, String)> = raw
        .iter()
        .map(|(file, text, _)| (*file, repair::characters(text, &mut repairs)))
        .collect();
    let splits = furniture::split(&texts);
    assert_eq!(splits.len(), texts.len());
    let vocab = repair::vocabulary(splits.iter().map(|s| s.text.as_str()));
    let mut pages = Vec::new();
    for (i, ((file, text, table), split)) in raw.iter().zip(splits).enumerate() {
        for f in &split.furniture {
            assert!(
                markers::scan(f).is_empty(),
                "a code is never furniture: {f:?}"
            );
        }
        let fixed = repair::hyphenation(&split.text, &vocab, &mut repairs);
        // Joining hyphenated words never changes the codes read.
        assert_eq!(
            markers::count_codes(&split.text),
            markers::count_codes(&fixed),
            "{:?}",
            split.text
        );
        let source = if text.trim().is_empty() {
            pdf::PageSource::Blank
        } else if *table {
            pdf::PageSource::Table
        } else {
            pdf::PageSource::Text
        };
        pages.push(pdf::ReleasePage {
            number: i as u32 + 1,
            file: format!("file{file}.pdf").into(),
            file_page: i as u32 + 1,
            text: fixed,
            furniture: split.furniture,
            source,
        });
    }
    let release = pdf::PdfRelease {
        pages,
        repairs,
        warnings: Vec::new(),
    };
    let _ = release.summary().to_string();
    let imported = release.to_text();
    for p in &release.pages {
        assert!(
            imported.contains(&pdf::page_marker(p.number)),
            "page {}",
            p.number
        );
    }
    import_text(imported.as_bytes());
}

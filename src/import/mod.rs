//! `annex import`: the extracted text of a release → content files.
//!
//! The source has three parts, found by their shape: the cover letter, the
//! schedule of documents (a heading such as `Annex A` over a tab-separated
//! table), and the released documents. Each part has its own module:
//! `letter` (dates, request items, grounds cited), `schedule` (rows →
//! documents → page ranges), `documents` (splitting and headers), `pages`
//! (page markers from stamps and ranges), `participants` (attendee lists),
//! `meetings` (one per engagement the request names). `matching` pairs the
//! documents with the schedule's entries, `preset` chooses the grounds
//! preset and reports codes it does not know, and `output` makes and writes
//! the files. `normalise` undoes extraction artefacts line by line and
//! `slug` names the files.
//!
//! Nothing is dropped: every line that carries content goes to exactly one
//! file (the letter and schedule to `release.md`, each document's lines to
//! its own file), page stamps become `<!-- page N -->` markers, and the
//! importer checks that the written bodies hold as many redaction codes of
//! each kind as the source before it returns.

pub mod dates;
pub mod documents;
pub mod letter;
mod matching;
pub mod meetings;
pub mod normalise;
mod output;
pub mod pages;
pub mod participants;
pub mod pdf;
mod preset;
pub mod schedule;
pub mod slug;

use matching::declared;
pub use output::write;
use output::{site_yaml, with_front_matter};
use preset::{choose_grounds, unknown_codes};
pub use preset::{grounds_preset, GroundsChoice, GroundsSource};

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;

use crate::diagnostics::Diagnostic;
use crate::markers;
use crate::model::{
    DocumentKind, DocumentMeta, PageRange, ReleaseMeta, ScheduleDocument, ScheduleRow,
};

/// One line of the source: its number, the raw text, and the text with
/// extraction artefacts undone.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceLine {
    /// 1-based line number in the source file.
    pub number: usize,
    pub raw: String,
    pub text: String,
}

/// How to import: what the command line can choose.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The grounds preset to check codes against (`--grounds NAME`),
    /// overriding the one the letter's Act points to.
    pub grounds: Option<String>,
}

/// The result of reading a release: the files to write (paths relative to
/// the output folder) and what they hold.
#[derive(Debug, Clone)]
pub struct Import {
    pub files: BTreeMap<PathBuf, String>,
    pub summary: Summary,
    /// Problems worth a look that did not stop the import.
    pub warnings: Vec<Diagnostic>,
    /// The grounds preset the codes were checked against, and why.
    pub grounds: GroundsChoice,
    /// A `site.yaml` for the imported content (title from the letter, the
    /// grounds preset), for a project that has none yet.
    pub site_yaml: String,
}

/// The closing summary: documents, pages, meetings, markers per ground.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub reference: String,
    pub documents: usize,
    pub pages: usize,
    pub stamps: usize,
    pub meetings: usize,
    pub excluded: usize,
    /// Codes by canonical form, counted in the written bodies.
    pub markers: BTreeMap<String, usize>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let markers: Vec<String> = self
            .markers
            .iter()
            .map(|(code, n)| format!("{code} {n}"))
            .collect();
        write!(
            f,
            "imported {}: {} documents, {} pages ({} page stamps), {} meetings ({} excluded), {} markers: {}",
            if self.reference.is_empty() { "release" } else { &self.reference },
            self.documents,
            self.pages,
            self.stamps,
            self.meetings,
            self.excluded,
            self.markers.values().sum::<usize>(),
            markers.join(", ")
        )
    }
}

static SCHEDULE_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:\*\*)?(?:annex|appendix|schedule|attachment|enclosure) [A-Z0-9]{1,3}(?:\*\*)?:?$|^(?i:schedule of documents)$")
        .expect("valid regex")
});

/// Reads and imports a release's text file.
pub fn import_file(path: &Path) -> Result<Import, Vec<Diagnostic>> {
    import_file_with(path, &Options::default())
}

/// [`import_file`] with options.
pub fn import_file_with(path: &Path, options: &Options) -> Result<Import, Vec<Diagnostic>> {
    let bytes = std::fs::read(path).map_err(|e| {
        vec![
            Diagnostic::error("io", path, format!("cannot read the release: {e}"))
                .hint("give the path of the release's extracted text (a .txt file)"),
        ]
    })?;
    if bytes.starts_with(b"%PDF") {
        return Err(vec![Diagnostic::error("not-text", path, "this is a PDF, not its extracted text")
            .hint("extract the text first, for example `pdftotext -layout release.pdf release.txt`, then import the .txt")]);
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let (line, col) = crate::diagnostics::line_col(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        );
        vec![
            Diagnostic::error("encoding", path, "the release text is not valid UTF-8")
                .at(line, col)
                .hint("convert it to UTF-8, for example with `iconv -f WINDOWS-1252 -t UTF-8`"),
        ]
    })?;
    import_text_with(path, &text, options)
}

/// Imports a release from its text. `path` is only used in diagnostics.
pub fn import_text(path: &Path, text: &str) -> Result<Import, Vec<Diagnostic>> {
    import_text_with(path, text, &Options::default())
}

/// [`import_text`] with options.
pub fn import_text_with(
    path: &Path,
    text: &str,
    options: &Options,
) -> Result<Import, Vec<Diagnostic>> {
    let chosen = match &options.grounds {
        Some(name) => Some(grounds_preset(name).map_err(|message| {
            vec![Diagnostic::error("unknown-preset", path, message)
                .hint("pass one of the presets to --grounds, or leave it out to use the Act the letter names")]
        })?),
        None => None,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Lines are normalised one by one, so on every core.
    let raws: Vec<&str> = text.lines().collect();
    let lines: Vec<SourceLine> = raws
        .par_iter()
        .enumerate()
        .map(|(i, raw)| SourceLine {
            number: i + 1,
            raw: raw.to_string(),
            text: normalise::line(raw),
        })
        .collect();
    let mut warnings = Vec::new();

    // Where the parts begin.
    let first_document = lines
        .iter()
        .enumerate()
        .position(|(i, l)| starts_document(&lines[i..], l));
    let Some(first_document) = first_document else {
        return Err(vec![Diagnostic::error("no-documents", path, "no released documents found in the text")
            .hint("a document starts at a title line such as `File Note: …` or `Note for File: …`, or at a formal message's `From:` … `Subject:` header")]);
    };
    let schedule_heading = lines[..first_document]
        .iter()
        .position(|l| SCHEDULE_HEADING.is_match(l.text.trim()));
    let schedule_heading = schedule_heading.filter(|&h| {
        lines[h..first_document]
            .iter()
            .any(|l| normalise::is_table_row(&l.raw))
    });
    if schedule_heading.is_none() {
        warnings.push(
            Diagnostic::warning("no-schedule", path, "no schedule of documents (a heading like `Annex A` over a tab-separated table) found")
                .at(first_document + 1, 1)
                .hint("documents are imported with pages counted from the page stamps, and no meetings come from the schedule"),
        );
    }
    let letter_end = schedule_heading.unwrap_or(first_document);

    // A source that marks its own pages (a PDF import) says which page
    // the first document begins on.
    let page_in_effect = lines[..first_document]
        .iter()
        .rev()
        .find_map(|l| documents::page_marker(&l.text));
    // Splitting the documents is one pass in order; the letter, the
    // schedule and the Act are read meanwhile.
    let (mut split, (letter, rows, grounds)) = rayon::join(
        || documents::split_from_page(&lines[first_document..], page_in_effect),
        || {
            let letter = letter::read(&lines[..letter_end]);
            let rows = schedule::read(path, &lines[letter_end..first_document], &mut warnings);
            let grounds = choose_grounds(chosen, &lines, first_document);
            (letter, rows, grounds)
        },
    );
    for (field, missing) in [
        ("reference", letter.reference.is_none()),
        ("agency", letter.agency.is_none()),
    ] {
        if missing {
            warnings.push(
                Diagnostic::warning(
                    "letter",
                    path,
                    format!("the cover letter's {field} was not recognised"),
                )
                .at(1, 1)
                .hint(format!("fill in `{field}:` in release.md by hand")),
            );
        }
    }

    let (doc_entries, firsts, untitled) =
        matching::match_schedule(path, &rows, &mut split, &mut warnings);

    // Pages: first pages in order, then each document's layout.
    let mut first_pages: Vec<u32> = Vec::with_capacity(split.len());
    for (d, declared_first) in firsts.iter().enumerate() {
        let first = declared_first.unwrap_or_else(|| match d.checked_sub(1) {
            Some(p) => first_pages[p] + split[p].page_segments().len() as u32,
            None => 1,
        });
        first_pages.push(first);
    }
    // Pages the source marks itself are exact: they replace the count.
    let explicit: Vec<Option<Vec<u32>>> = split.iter().map(|d| d.explicit_pages()).collect();
    for (d, pages) in explicit.iter().enumerate() {
        if let Some(first) = pages.as_ref().and_then(|p| p.first()) {
            first_pages[d] = *first;
        }
    }
    let layouts: Vec<pages::Layout> = (0..split.len())
        .map(|d| {
            if let Some(marked) = &explicit[d] {
                return pages::marked(declared(&rows, &doc_entries[d]), marked);
            }
            let next_first = first_pages.get(d + 1).copied();
            // Each stretch's length in lines, to share out missing pages.
            let sizes: Vec<usize> = split[d]
                .page_segments()
                .iter()
                .map(|seg| {
                    seg.iter()
                        .filter(|l| normalise::carries_content(&l.text))
                        .count()
                })
                .collect();
            pages::layout(
                declared(&rows, &doc_entries[d]),
                first_pages[d],
                next_first,
                &sizes,
            )
        })
        .collect();
    let width = layouts
        .iter()
        .map(|l| l.effective.last.max(l.declared.map_or(0, |r| r.last)))
        .max()
        .unwrap_or(1)
        .to_string()
        .len()
        .max(2);

    // Document slugs, by first page and a few title words.
    // The words on every core, then made unique in order.
    let title_words: Vec<String> = split
        .par_iter()
        .map(|doc| {
            doc.title
                .as_deref()
                .map(|t| slug::words(t, 3))
                .unwrap_or_default()
        })
        .collect();
    let mut taken = BTreeSet::new();
    let doc_slugs: Vec<String> = title_words
        .into_iter()
        .zip(&layouts)
        .map(|(words, layout)| {
            let words = if words.is_empty() {
                "document".to_string()
            } else {
                words
            };
            slug::unique(
                format!("{:0width$}-{words}", layout.effective.first),
                &mut taken,
            )
        })
        .collect();

    // Meetings.
    let facts: Vec<meetings::DocumentFacts> = split
        .par_iter()
        .zip(doc_slugs.par_iter())
        .map(|(doc, slug)| {
            let lines: Vec<&SourceLine> = doc.segments.iter().flatten().collect();
            meetings::DocumentFacts {
                slug: slug.clone(),
                is_note: doc.kind == DocumentKind::FileNote,
                has_released_text: doc.has_released_text,
                has_markers: doc
                    .content_lines()
                    .any(|l| !markers::scan(&l.text).is_empty()),
                meeting_date: doc.meeting_date.clone(),
                place: doc.place.clone(),
                start: doc.start.clone(),
                end: doc.end.clone(),
                participants: participants::read(&lines),
            }
        })
        .collect();
    let mut row_documents: Vec<Vec<Option<usize>>> =
        rows.iter().map(|r| vec![None; r.documents.len()]).collect();
    for (d, es) in doc_entries.iter().enumerate() {
        for &(ri, di) in es {
            row_documents[ri][di] = Some(d);
        }
    }
    let refined_note = letter.refined.as_ref().map(|r| r.note.as_str());
    let (built, row_meeting) = meetings::build(
        &letter.request_items,
        refined_note,
        &rows,
        &row_documents,
        &facts,
    );

    // Files.
    let mut files = BTreeMap::new();
    let mut bodies = String::new();
    let total_pages: BTreeSet<u32> = layouts
        .iter()
        .flat_map(|l| l.effective.first..=l.effective.last)
        .collect();
    let stamps: usize = split.iter().map(|d| d.stamps).sum();

    let mut release_notes = Vec::new();
    if let Some(from) = &letter.agency_from {
        release_notes.push(format!(
            "The agency is read from the letter's signature block ('{from}'); the letter does not otherwise name it."
        ));
    }
    if stamps < total_pages.len() && explicit.iter().any(Option::is_none) {
        release_notes.push(format!(
            "The extracted text keeps {stamps} 'Released under …' page stamps for {} release pages. Page markers follow the stamps; where a document has fewer stamps than pages, its notes say which page starts are estimated and which pages have no marker of their own.",
            total_pages.len()
        ));
    }
    for (d, layout) in layouts.iter().enumerate() {
        if let (Some(dec), Some(next)) = (layout.declared, first_pages.get(d + 1)) {
            if dec.last >= *next && *next > dec.first {
                release_notes.push(format!(
                    "Annex A gives pages {dec} for `{}`, but the release's next document begins on page {next}: kept as printed (see that document's notes).",
                    split[d].title.as_deref().unwrap_or("a document")
                ));
            }
        }
    }

    let mut release_body = Vec::new();
    documents::push_lines(
        &mut release_body,
        lines[..first_document]
            .iter()
            .map(|l| (l.raw.as_str(), l.text.as_str())),
    );
    let release_body = documents::finish(release_body);
    bodies.push_str(&release_body);

    let schedule: Vec<ScheduleRow> = rows
        .iter()
        .enumerate()
        .map(|(ri, r)| ScheduleRow {
            item: r.item.clone(),
            subject: r.subject.clone(),
            meeting: row_meeting[ri].clone(),
            documents: r
                .documents
                .iter()
                .enumerate()
                .map(|(di, rd)| ScheduleDocument {
                    title: rd.title.clone(),
                    document: row_documents[ri][di].map(|d| doc_slugs[d].clone()),
                    pages: rd.pages,
                })
                .collect(),
        })
        .collect();
    let release = ReleaseMeta {
        reference: letter.reference.clone().unwrap_or_default(),
        agency: letter.agency.clone().unwrap_or_default(),
        act: letter.act.clone(),
        response_date: letter.response_date.clone(),
        request_date: letter.request_date.clone(),
        transferred: letter.transferred.clone(),
        refined: letter.refined.clone(),
        extended: letter.extended.clone(),
        signatory: letter.signatory.clone(),
        request_items: letter.request_items.clone(),
        schedule,
        grounds_cited: letter.grounds_cited.clone(),
        notes: release_notes,
    };

    // Each document's file is made on its own (on every core), then
    // gathered in order; release.md (its schedule makes its front matter
    // the largest) meanwhile.
    let (release_file, document_files) = rayon::join(
        || with_front_matter(path, &release, &release_body),
        || {
            split
        .par_iter()
        .enumerate()
        .map(|(d, doc)| {
        let layout = &layouts[d];
        let mut notes = Vec::new();
        if untitled[d] {
            notes.push(match &doc.title {
                Some(_) => format!(
                    "The released text has no title line for this document (it begins with a redaction marker); its title and kind are Annex A's entry for the document that begins on page {}.",
                    layout.effective.first
                ),
                None => "The released text has no title line for this document, and Annex A lists none that begins here.".to_string(),
            });
        }
        if doc_entries[d].is_empty() {
            notes.push("Annex A does not list this document; its pages are counted from the page stamps, after the document before it.".to_string());
        }
        let distinct: BTreeSet<PageRange> = doc_entries[d]
            .iter()
            .filter_map(|&(ri, di)| rows[ri].documents[di].pages)
            .collect();
        if distinct.len() > 1 {
            let list: Vec<String> = distinct.iter().map(ToString::to_string).collect();
            notes.push(format!(
                "Annex A gives this document different page ranges in different rows: {}.",
                list.join(", ")
            ));
        }
        notes.extend(layout.notes.iter().cloned());
        let mut doc_meetings: Vec<String> = Vec::new();
        for &(ri, _) in &doc_entries[d] {
            if let Some(m) = &row_meeting[ri] {
                if !doc_meetings.contains(m) {
                    doc_meetings.push(m.clone());
                }
            }
        }
        let title = doc
            .title
            .as_deref()
            .map(|t| slug::strip_kind_prefix(t).unwrap_or_else(|| t.to_string()));
        let body = documents::body(doc, &layout.markers);
        notes.extend(documents::numbering_notes(&body));
        let meta = DocumentMeta {
            title: title
                .unwrap_or_else(|| format!("Untitled document, page {}", layout.effective.first)),
            slug: None,
            kind: doc.kind,
            author: doc.author.clone(),
            date: doc.date.clone(),
            classification: doc.classification.clone(),
            pages: layout.declared.unwrap_or(layout.effective),
            meetings: doc_meetings,
            notes,
        };
        let file = with_front_matter(path, &meta, &body)?;
        Ok((
            PathBuf::from("documents").join(format!("{}.md", doc_slugs[d])),
            file,
            body,
        ))
        })
        .collect::<Vec<Result<(PathBuf, String, String), Vec<Diagnostic>>>>()
        },
    );
    files.insert(PathBuf::from("release.md"), release_file?);
    for made in document_files {
        let (rel, file, body) = made?;
        bodies.push_str(&body);
        files.insert(rel, file);
    }
    let meeting_files: Vec<Result<(PathBuf, String), Vec<Diagnostic>>> = built
        .par_iter()
        .map(|m| {
            Ok((
                PathBuf::from("meetings").join(format!("{}.md", m.slug)),
                with_front_matter(path, &m.meta, "")?,
            ))
        })
        .collect();
    for made in meeting_files {
        let (rel, file) = made?;
        files.insert(rel, file);
    }

    // The lossless promise, checked before anything is written.
    let source_text = lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    // The source's codes and the written ones are counted side by side.
    let (source_groups, written_counts) = rayon::join(
        || markers::scan(&source_text),
        || markers::count_codes(&bodies),
    );
    let mut source_counts = BTreeMap::new();
    for code in source_groups.iter().flat_map(|g| &g.codes) {
        *source_counts.entry(code.canonical.clone()).or_insert(0) += 1;
    }
    warnings.extend(unknown_codes(
        path,
        &lines,
        &source_text,
        &source_groups,
        grounds.preset,
    ));
    if source_counts != written_counts {
        let mut diffs = Vec::new();
        for code in source_counts
            .keys()
            .chain(written_counts.keys())
            .collect::<BTreeSet<_>>()
        {
            let (a, b) = (
                source_counts.get(code).copied().unwrap_or(0),
                written_counts.get(code).copied().unwrap_or(0),
            );
            if a != b {
                diffs.push(format!("{code}: {a} in the source, {b} written"));
            }
        }
        return Err(vec![Diagnostic::error(
            "lossless",
            path,
            format!("redaction codes would be lost: {}", diffs.join("; ")),
        )
        .hint(
            "this is a bug in the importer: please report it with the release text",
        )]);
    }

    let summary = Summary {
        reference: release.reference.clone(),
        documents: split.len(),
        pages: total_pages.len(),
        stamps,
        meetings: built.len(),
        excluded: built
            .iter()
            .filter(|m| m.meta.scope == crate::model::Scope::Excluded)
            .count(),
        markers: written_counts,
    };
    let site_yaml = site_yaml(&release, &grounds);
    Ok(Import {
        files,
        summary,
        warnings,
        grounds,
        site_yaml,
    })
}

/// Whether a document starts at this line.
fn starts_document(rest: &[SourceLine], line: &SourceLine) -> bool {
    let t = line.text.trim().to_lowercase();
    if normalise::is_table_row(&line.raw) {
        return false;
    }
    documents::TITLE_PREFIXES.iter().any(|p| t.starts_with(p))
        || (t.starts_with("from:")
            && rest
                .iter()
                .skip(1)
                .take(8)
                .any(|l| l.text.trim().to_lowercase().starts_with("subject:")))
}

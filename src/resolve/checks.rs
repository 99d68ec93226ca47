//! The checks resolve makes: references between files (slugs, paragraph
//! numbers, page ranges) and redaction codes against the grounds table,
//! each problem located in the file that has it.

use std::collections::HashMap;
use std::path::Path;

use super::push_unique;
use crate::diagnostics::{closest, Diagnostic, Diagnostics, LineIndex};
use crate::grounds;
use crate::markers;
use crate::model::{DocumentMeta, Entry, MarkerUse, MeetingMeta, PressMeta, SlugIndex};
use crate::yaml;

/// What a meeting's front matter links to, once checked.
pub(super) struct MeetingLinks {
    /// Documents of its `sources`, in order, once each.
    pub(super) documents: Vec<usize>,
    /// Press items it cites, in order.
    pub(super) press: Vec<usize>,
    /// Markers in its participants list.
    pub(super) participant_markers: Vec<MarkerUse>,
}

/// Checks entries' references against the site's indexes.
pub(super) struct Checker<'a> {
    documents: &'a [Entry<DocumentMeta>],
    press: &'a [Entry<PressMeta>],
    /// Press items' texts made [`plain`], for quotes not found as written.
    plain_press: HashMap<usize, String>,
    slugs: &'a SlugIndex,
    pub(super) codes: CodeChecker<'a>,
    /// Paragraph numbers of the documents a reference names a paragraph
    /// of: found when first needed, not for every document.
    paragraphs: HashMap<usize, Vec<String>>,
    pub(super) refs: RefChecker,
}

impl<'a> Checker<'a> {
    pub(super) fn new(
        documents: &'a [Entry<DocumentMeta>],
        press: &'a [Entry<PressMeta>],
        slugs: &'a SlugIndex,
        codes: CodeChecker<'a>,
    ) -> Checker<'a> {
        Checker {
            documents,
            press,
            plain_press: HashMap::new(),
            slugs,
            codes,
            paragraphs: HashMap::new(),
            refs: RefChecker::default(),
        }
    }

    /// Checks a meeting's front matter and resolves its links; problems go
    /// to `diags`.
    pub(super) fn meeting(
        &mut self,
        m: &Entry<MeetingMeta>,
        diags: &mut Diagnostics,
    ) -> MeetingLinks {
        let mut links = MeetingLinks {
            documents: Vec::new(),
            press: Vec::new(),
            participant_markers: Vec::new(),
        };
        let slugs = self.slugs;
        for source in &m.meta.sources {
            let found = self.refs.get(
                &slugs.documents,
                &m.path,
                "document",
                &source.document,
                "document",
                diags,
            );
            let Some(di) = found else { continue };
            push_unique(&mut links.documents, di);
            for p in &source.paragraphs {
                self.paragraph(&m.path, di, p, diags);
            }
            if let Some(pages) = source.pages {
                let doc = &self.documents[di].meta.pages;
                if pages.first < doc.first || pages.last > doc.last {
                    let (line, col) = self.refs.locate(&m.path, "pages", &pages.to_string());
                    diags.push(
                        Diagnostic::warning(
                            "page-range",
                            &m.path,
                            format!(
                                "pages {pages} are outside document `{}` (pages {doc})",
                                source.document
                            ),
                        )
                        .at(line, col)
                        .hint("check the release page numbers"),
                    );
                }
            }
        }
        for pr in &m.meta.press {
            let found = self
                .refs
                .get(&slugs.press, &m.path, "item", &pr.item, "press item", diags);
            if let Some(pi) = found {
                push_unique(&mut links.press, pi);
                let item = &self.press[pi];
                // Most quotes are copied as they are: a plain search finds
                // them; the rest are compared with the item's text made
                // plain once. (A body a build already let go of cannot be
                // checked; never the case while resolving.)
                let verbatim = pr.quote.trim_end_matches(CLOSING);
                let found = item.body.is_empty()
                    || memchr::memmem::find(item.body.as_bytes(), verbatim.as_bytes()).is_some()
                    || quoted_in(
                        &pr.quote,
                        self.plain_press
                            .entry(pi)
                            .or_insert_with(|| plain(&item.body)),
                    );
                if !found {
                    let start: String = pr.quote.chars().take(24).collect();
                    let (line, col) = self.refs.locate(&m.path, "quote", start.trim_end());
                    diags.push(
                        Diagnostic::error(
                            "quote",
                            &m.path,
                            format!("the quote is not in press item `{}`'s text", pr.item),
                        )
                        .at(line, col)
                        .hint(format!(
                            "copy the passage exactly from {} (mark a cut with …), or cite the press item that has it",
                            item.path.display()
                        )),
                    );
                }
            }
            for passage in &pr.release {
                let found = self.refs.get(
                    &slugs.documents,
                    &m.path,
                    "document",
                    &passage.document,
                    "document",
                    diags,
                );
                if let Some(di) = found {
                    self.paragraph(&m.path, di, &passage.paragraph, diags);
                }
            }
        }
        for side in &m.meta.participants {
            for person in &side.people {
                if let Some(code) = &person.withheld {
                    let (line, col) = self.refs.locate(&m.path, "withheld", code);
                    let found = self.codes.markers(&m.path, code, 1, diags);
                    if found.is_empty() {
                        diags.push(
                            Diagnostic::error(
                                "unknown-code",
                                &m.path,
                                format!("`{code}` is not a redaction code"),
                            )
                            .at(line, col)
                            .hint("write the code as the release prints it, e.g. `s6(a)`"),
                        );
                    }
                    links
                        .participant_markers
                        .extend(found.into_iter().map(|u| MarkerUse {
                            line,
                            column: col,
                            ..u
                        }));
                }
                if person.name.is_none() && person.withheld.is_none() {
                    let (line, col) = self.refs.locate(&m.path, "people", "");
                    diags.push(
                        Diagnostic::error("missing-field", &m.path, "a participant has neither `name` nor `withheld`")
                            .at(line, col)
                            .hint("give the name, or `withheld:` with the code the release prints in its place"),
                    );
                }
            }
        }
        links
    }

    /// Checks that document `di` has a paragraph numbered `p`.
    fn paragraph(&mut self, path: &Path, di: usize, p: &str, diags: &mut Diagnostics) {
        let documents = self.documents;
        let known = self.paragraphs.entry(di).or_insert_with(|| {
            documents[di]
                .body
                .lines()
                .filter_map(markers::paragraph_number)
                .map(str::to_string)
                .collect()
        });
        self.refs.paragraph(path, &documents[di], known, p, diags);
    }
}

/// Slug → index of `entries`; a slug used twice is an error.
pub(super) fn slug_index<M>(
    entries: &[Entry<M>],
    what: &str,
    diags: &mut Diagnostics,
) -> HashMap<String, usize> {
    let mut index: HashMap<String, usize> = HashMap::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        if let Some(&first) = index.get(&e.slug) {
            diags.push(
                Diagnostic::error(
                    "duplicate-slug",
                    &e.path,
                    format!("{what} slug `{}` is already used by {}", e.slug, entries[first].path.display()),
                )
                .hint("two files would be written to the same URL: rename one, or set a different `slug:`"),
            );
        } else {
            index.insert(e.slug.clone(), i);
        }
    }
    index
}

/// The punctuation a quote may end a part with where the text goes on.
const CLOSING: [char; 4] = ['.', ',', ';', ':'];

/// Whether `quote` is in `text` word for word, allowing for what copying
/// a passage changes without changing its words: line breaks and runs of
/// spaces, curly or straight quotes and apostrophes, and Markdown's
/// emphasis and escapes in the text, and the punctuation that ends a part
/// (a quote may close with a full stop where the sentence goes on). A cut
/// marked with `…`, `...` or `[…]` splits the quote into parts that must
/// appear in order. `text` is the press item's text already made
/// [`plain`].
pub(super) fn quoted_in(quote: &str, text: &str) -> bool {
    let quote = quote
        .replace("[…]", "…")
        .replace("[...]", "…")
        .replace("...", "…");
    let mut from = 0;
    let parts = quote
        .split('…')
        .map(|p| plain(p).trim_end_matches(CLOSING).trim_end().to_string());
    for part in parts.filter(|p| !p.is_empty()) {
        match text[from..].find(&part) {
            Some(at) => from += at + part.len(),
            None => return false,
        }
    }
    true
}

/// `s` as [`quoted_in`] compares it: runs of white space as one space,
/// curly quotes and apostrophes straight, Markdown's `*`, `_` and `\\`
/// left out.
pub(super) fn plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut after_space = true;
    for c in s.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '*' | '_' | '\\' => continue,
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            if after_space {
                continue;
            }
            after_space = true;
        } else {
            after_space = false;
        }
        out.push(c);
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Looks up redaction codes in the grounds table.
pub(super) struct CodeChecker<'a> {
    pub(super) index: &'a HashMap<String, usize>,
    pub(super) grounds: &'a [crate::model::Ground],
}

impl CodeChecker<'_> {
    /// Every marker group in `body`, located in the file; unknown codes are
    /// reported and left out of the group's grounds.
    pub(super) fn markers(
        &self,
        path: &Path,
        body: &str,
        body_line: usize,
        diags: &mut Diagnostics,
    ) -> Vec<MarkerUse> {
        let mut found = Vec::new();
        let lines = LineIndex::new(body);
        for group in markers::scan(body) {
            let (line, column) = lines.line_col(group.span.start);
            let line = line + body_line - 1;
            let mut ground_ids = Vec::with_capacity(group.codes.len());
            for code in &group.codes {
                match self.index.get(&code.canonical) {
                    Some(&g) => ground_ids.push(g),
                    None => {
                        let (l, c) = lines.line_col(code.span.start);
                        diags.push(self.unknown(
                            path,
                            &body[code.span.clone()],
                            l + body_line - 1,
                            c,
                        ));
                    }
                }
            }
            found.push(MarkerUse {
                line,
                column,
                printed: group.printed(body).to_string(),
                grounds: ground_ids,
            });
        }
        found
    }

    pub(super) fn unknown(
        &self,
        path: &Path,
        printed: &str,
        line: usize,
        column: usize,
    ) -> Diagnostic {
        let near = closest(
            &grounds::key(printed),
            self.grounds.iter().map(|g| g.code.as_str()),
            3,
        );
        let hint = if near.is_empty() {
            "add the code to `grounds.codes` in site.yaml, or choose the preset of the Act the release cites".to_string()
        } else {
            format!(
                "closest known codes: {}; or add the code to `grounds.codes` in site.yaml",
                near.iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        Diagnostic::error(
            "unknown-code",
            path,
            format!("unknown redaction code `{printed}`"),
        )
        .at(line, column)
        .hint(hint)
    }
}

/// Checks references, reading a file's text again only to locate an error.
#[derive(Default)]
pub(super) struct RefChecker {
    texts: HashMap<std::path::PathBuf, String>,
}

impl RefChecker {
    pub(super) fn get(
        &mut self,
        index: &HashMap<String, usize>,
        path: &Path,
        key: &str,
        slug: &str,
        what: &str,
        diags: &mut Diagnostics,
    ) -> Option<usize> {
        if let Some(&i) = index.get(slug) {
            return Some(i);
        }
        let (line, col) = self.locate(path, key, slug);
        let mut known: Vec<&str> = index.keys().map(String::as_str).collect();
        known.sort_unstable();
        let hint = match closest(slug, known.iter().copied(), 1).first() {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("create the {what}, or correct the slug (the file name without `.md`)"),
        };
        diags.push(
            Diagnostic::error(
                "dangling-ref",
                path,
                format!("no {what} with slug `{slug}`"),
            )
            .at(line, col)
            .hint(hint),
        );
        None
    }

    fn paragraph(
        &mut self,
        path: &Path,
        doc: &Entry<crate::model::DocumentMeta>,
        known: &[String],
        p: &str,
        diags: &mut Diagnostics,
    ) {
        if known.iter().any(|k| k == p) {
            return;
        }
        let (line, col) = self.locate(path, "paragraph", p);
        diags.push(
            Diagnostic::error(
                "dangling-ref",
                path,
                format!("document `{}` has no paragraph numbered `{p}`", doc.slug),
            )
            .at(line, col)
            .hint("use a paragraph number as printed in the document (its anchor is #p<number>)"),
        );
    }

    pub(super) fn locate(&mut self, path: &Path, key: &str, value: &str) -> (usize, usize) {
        let text = self
            .texts
            .entry(path.to_path_buf())
            .or_insert_with(|| std::fs::read_to_string(path).unwrap_or_default());
        yaml::locate(text, key, value)
    }
}

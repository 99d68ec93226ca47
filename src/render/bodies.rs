//! Bodies: Markdown rendered into blocks once, and blocks into the HTML
//! pages show. Documents' bodies are rendered before any page (meeting
//! pages, ground pages and the data files quote them); a meeting's or
//! press item's body is rendered for its own page, or kept by `serve`.

use std::borrow::Cow;
use std::collections::HashMap;

use rayon::prelude::*;

use super::markdown::{self, BadgeContext, Block, BlockKind, Body};
use super::{root_for_depth, PageId, Renderer};
use crate::diagnostics::{line_col, Diagnostic, Diagnostics};
use crate::model::{PageRange, Site};

/// Bodies already rendered, by index into the site's content vectors
/// (`None`, or a shorter vector: render it), for [`Renderer::new_reusing`].
#[derive(Debug, Default)]
pub struct ReusedBodies {
    pub documents: Vec<Option<Body>>,
    pub meetings: Vec<Option<Body>>,
    pub press: Vec<Option<Body>>,
    pub letter: Option<Body>,
    /// Meeting and press bodies are left to their own pages, which render
    /// them when they are made (see [`Renderer::page_body`]). A build sets
    /// this: each such body is shown on one page only, so keeping them all
    /// rendered is memory for nothing (about a fifth of a large build's).
    pub at_page: bool,
    /// With `at_page`: the meeting and press bodies a build took out of
    /// the content, which their pages read again from their files (see
    /// [`BodiesOnDisk`]); empty, the pages render the content's own.
    pub on_disk: BodiesOnDisk,
}

impl ReusedBodies {
    /// Every body of `site` rendered (those in `self` kept), and checked
    /// for codes the grounds table lacks, with their places in the text;
    /// with `at_page`, the documents' and the cover letter's only.
    pub fn render_all(self, site: &Site) -> Result<ReusedBodies, Diagnostics> {
        let content = &site.content;
        let badges = Badges::new(site);
        let cx = badges.context();
        let deep = root_for_depth(2);
        let ReusedBodies {
            documents,
            meetings,
            press,
            letter,
            at_page,
            on_disk,
        } = self;
        let render = |text: &str| markdown::render_body(text, &cx, &deep);
        let documents = render_entries(&content.documents, documents, &render);
        let (meetings, press) = if at_page {
            (Vec::new(), Vec::new())
        } else {
            (
                render_entries(&content.meetings, meetings, &render),
                render_entries(&content.press, press, &render),
            )
        };
        let letter =
            letter.unwrap_or_else(|| markdown::render_body(&content.release.body, &cx, ""));

        let mut diags = Diagnostics::default();
        entries_unknown_codes(&content.documents, &documents, &mut diags);
        entries_unknown_codes(&content.meetings, &meetings, &mut diags);
        entries_unknown_codes(&content.press, &press, &mut diags);
        let r = &content.release;
        unknown_codes(&r.path, &r.body, r.body_line, &letter, &mut diags);
        if diags.has_errors() {
            diags.sort();
            return Err(diags);
        }
        Ok(ReusedBodies {
            documents,
            meetings,
            press,
            letter: Some(letter),
            at_page,
            on_disk,
        })
    }
}

/// Meeting and press bodies that a build leaves in their files, once
/// resolve has checked them, and reads again when their pages are made:
/// each is shown on its own page only, and holding them all is memory for
/// nothing (200 MB of Markdown at 100,000 meetings).
/// Each body is known by its length and hash at load, so that a file
/// edited while the build runs fails the build (which leaves the last
/// output alone) instead of giving a page the rest of the site was not
/// made from.
#[derive(Debug, Default)]
pub struct BodiesOnDisk {
    meetings: Vec<Fingerprint>,
    press: Vec<Fingerprint>,
}

impl BodiesOnDisk {
    /// Empties the meeting and press bodies of `content`, remembering each.
    pub fn take(content: &mut crate::model::Content) -> BodiesOnDisk {
        fn take<M>(entries: &mut [crate::model::Entry<M>]) -> Vec<Fingerprint> {
            entries
                .iter_mut()
                .map(|e| Fingerprint::of(&std::mem::take(&mut e.body)))
                .collect()
        }
        BodiesOnDisk {
            meetings: take(&mut content.meetings),
            press: take(&mut content.press),
        }
    }
}

/// A body's length and hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fingerprint {
    len: usize,
    hash: u64,
}

impl Fingerprint {
    fn of(text: &str) -> Fingerprint {
        use std::hash::Hasher as _;
        // Not the cards' FNV-1a, which goes a byte at a time: this hashes
        // every meeting's body twice per build (200 MB at 100,000). A
        // change that kept the length and hash is not a worry here.
        let mut h = rustc_hash::FxHasher::default();
        h.write(text.as_bytes());
        Fingerprint {
            len: text.len(),
            hash: h.finish(),
        }
    }

    /// The body of the file at `path`, if it is still the one fingerprinted.
    fn read(&self, path: &std::path::Path) -> Result<String, Diagnostic> {
        let changed = |why: &str| {
            Diagnostic::error(
                "changed-during-build",
                path,
                format!("the file changed while the site was being built{why}"),
            )
            .hint("build again (the output folder was left as it was)")
        };
        // Gone, or caught half-written: it was read whole before.
        let mut text = crate::load::read_text(path, path)
            .map_err(|d| changed(&format!(" ({})", d.message)))?;
        let start = crate::yaml::split(&text)
            .ok()
            .filter(|s| Fingerprint::of(s.body) == *self)
            .map(|s| s.body.as_ptr() as usize - text.as_ptr() as usize)
            .ok_or_else(|| changed(""))?;
        text.drain(..start);
        Ok(text)
    }
}

/// What a body's badges are made with, from the site's grounds table and
/// release; the renderer keeps it for the pages and data files that name
/// a ground too.
pub struct Badges {
    /// Per ground: its page's slug.
    pub slugs: Vec<String>,
    /// Canonical code → index into the grounds table.
    pub lookup: HashMap<String, usize>,
    /// The release's Act, for a ground that names none.
    pub default_act: String,
    /// Per ground: its badges' accessible name, escaped (see `BadgeContext`).
    pub names: Vec<String>,
    /// Per ground: the same name as text, for templates (which escape it);
    /// `names` is made from it.
    pub accessible_names: Vec<String>,
}

impl Badges {
    pub(super) fn new(site: &Site) -> Badges {
        let content = &site.content;
        let default_act = content.release.meta.act.clone().unwrap_or_default();
        let accessible_names: Vec<String> = content
            .grounds
            .iter()
            .map(|g| markdown::accessible_name(g, &default_act))
            .collect();
        Badges {
            slugs: content
                .grounds
                .iter()
                .map(|g| crate::grounds::ground_slug(&g.code))
                .collect(),
            lookup: crate::grounds::index(&content.grounds),
            names: accessible_names
                .iter()
                .map(|n| super::escape::escape(n))
                .collect(),
            accessible_names,
            default_act,
        }
    }

    /// The borrowed view [`markdown::render_body`] takes.
    pub fn context(&self) -> BadgeContext<'_> {
        BadgeContext {
            lookup: &self.lookup,
            slugs: &self.slugs,
            names: &self.names,
        }
    }
}

/// Adds an error for each code in `b` that the grounds table lacks.
fn unknown_codes(
    path: &std::path::Path,
    body: &str,
    body_line: usize,
    b: &Body,
    diags: &mut Diagnostics,
) {
    for u in &b.unknown {
        let (line, col) = line_col(body, u.offset);
        diags.push(
            Diagnostic::error(
                "unknown-code",
                path,
                format!("unknown withholding code `{}`", u.printed),
            )
            .at(line + body_line.saturating_sub(1), col)
            .hint("add it to `grounds.codes` in site.yaml, or correct the marker"),
        );
    }
}

/// A meeting's or press item's body, `text` (in the file at `path` from
/// `body_line` on), rendered for its own page, with an error in `diags`
/// for each code the grounds table lacks.
pub(super) fn render_entry_body(
    cx: &BadgeContext,
    path: &std::path::Path,
    text: &str,
    body_line: usize,
    diags: &mut Diagnostics,
) -> Body {
    let body = markdown::render_body(text, cx, &root_for_depth(2));
    unknown_codes(path, text, body_line, &body, diags);
    body
}

/// The bodies of `entries`: those in `done`, the others rendered, in parallel.
fn render_entries<M: Sync>(
    entries: &[crate::model::Entry<M>],
    mut done: Vec<Option<Body>>,
    render: &(impl Fn(&str) -> Body + Sync),
) -> Vec<Option<Body>> {
    done.resize_with(entries.len(), || None);
    entries
        .par_iter()
        .zip(done)
        .map(|(e, body)| Some(body.unwrap_or_else(|| render(&e.body))))
        .collect()
}

/// [`unknown_codes`] for each of `entries` with its body.
fn entries_unknown_codes<M>(
    entries: &[crate::model::Entry<M>],
    bodies: &[Option<Body>],
    diags: &mut Diagnostics,
) {
    for (e, b) in entries.iter().zip(bodies) {
        if let Some(b) = b {
            unknown_codes(&e.path, &e.body, e.body_line, b, diags);
        }
    }
}

/// Per ground: the places in the documents where it was applied. A place
/// is a few numbers, its label made when its ground's page is: a large
/// release has a million of them.
pub(super) fn ground_places(documents: &[Body], n_grounds: usize) -> Vec<Vec<Place>> {
    let mut ground_places: Vec<Vec<Place>> = vec![Vec::new(); n_grounds];
    for (d, body) in documents.iter().enumerate() {
        // The last block with an anchor, and whether it is a numbered
        // paragraph (a place in an unnumbered block after it is "after" it).
        let mut last: Option<(usize, bool)> = None;
        for (i, b) in body.blocks.iter().enumerate() {
            if b.anchor.is_some() {
                let paragraph = !matches!(b.kind, BlockKind::PageBreak(_)) && b.number.is_some();
                last = Some((i, paragraph));
            }
            for &g in b.groups.iter().flatten() {
                let (block, after) = match last {
                    Some((l, _)) if l == i && b.number.is_some() => (Some(l), false),
                    Some((l, paragraph)) => (Some(l), paragraph),
                    None => (None, false),
                };
                let places = &mut ground_places[g];
                match places.last_mut() {
                    Some(p) if p.document == d && p.block == block => p.count += 1,
                    _ => places.push(Place {
                        document: d,
                        block,
                        after,
                        page: b.page,
                        count: 1,
                    }),
                }
            }
        }
    }
    ground_places
}

/// A place a ground was applied: a paragraph (or the nearest anchor before
/// it) of a document.
#[derive(Debug, Clone)]
pub struct Place {
    pub document: usize,
    /// The block whose anchor the place links to: the paragraph itself,
    /// or the nearest anchored block before it; `None`: before any.
    pub block: Option<usize>,
    /// The place is after that block's paragraph, not in it.
    pub after: bool,
    pub page: Option<u32>,
    pub count: usize,
}

impl Place {
    /// The element id the place links to in its document's `blocks`.
    pub fn anchor<'b>(&self, blocks: &'b [Block]) -> Option<&'b str> {
        self.block.and_then(|b| blocks[b].anchor.as_deref())
    }

    /// `para 12`, `after para 12`, `page 14`, `start of the document`.
    pub fn label(&self, blocks: &[Block]) -> String {
        let Some(b) = self.block.map(|b| &blocks[b]) else {
            return "start of the document".to_string();
        };
        let base = match (b.kind, &b.number) {
            (BlockKind::PageBreak(n), _) => format!("page {n}"),
            (_, Some(n)) => format!("para {n}"),
            _ => b.anchor.clone().unwrap_or_default(),
        };
        if self.after {
            format!("after {base}")
        } else {
            base
        }
    }
}

impl Renderer<'_> {
    /// The body a meeting or press page shows: the renderer's own, or,
    /// when it keeps none ([`ReusedBodies::at_page`]), rendered now (read
    /// again from its file when the build left it there, see
    /// [`BodiesOnDisk`]), its unknown codes reported as the page's errors.
    /// `None` for other pages.
    pub fn page_body(&self, id: PageId) -> Result<Option<Cow<'_, Body>>, Diagnostics> {
        let c = &self.site.content;
        let on_disk = &self.bodies_on_disk;
        match id {
            PageId::Meeting(i) => self
                .entry_body(&self.meeting_bodies, &on_disk.meetings, &c.meetings, i)
                .map(Some),
            PageId::Press(i) => self
                .entry_body(&self.press_bodies, &on_disk.press, &c.press, i)
                .map(Some),
            _ => Ok(None),
        }
    }

    fn entry_body<'a, M>(
        &'a self,
        kept: &'a [Body],
        on_disk: &[Fingerprint],
        entries: &[crate::model::Entry<M>],
        i: usize,
    ) -> Result<Cow<'a, Body>, Diagnostics> {
        if let Some(body) = kept.get(i) {
            return Ok(Cow::Borrowed(body));
        }
        let e = &entries[i];
        let read;
        let text = match on_disk.get(i) {
            Some(print) => {
                read = print.read(&e.path).map_err(|d| Diagnostics(vec![d]))?;
                &read
            }
            None => &e.body,
        };
        let mut diags = Diagnostics::default();
        let body = render_entry_body(
            &self.badges.context(),
            &e.path,
            text,
            e.body_line,
            &mut diags,
        );
        if diags.has_errors() {
            diags.sort();
            return Err(diags);
        }
        Ok(Cow::Owned(body))
    }

    /// The HTML of some of a document's blocks. `link` is the document
    /// page's URL relative to the current page when the blocks are shown
    /// elsewhere (their numbers then link back, and carry no ids); `None`
    /// renders them for the document's own page, with anchors.
    pub fn blocks_html<'b>(
        &self,
        blocks: impl IntoIterator<Item = &'b Block>,
        link: Option<&str>,
    ) -> String {
        let mut out = String::new();
        for b in blocks {
            block_html(&mut out, b, link, "");
        }
        out
    }

    /// The HTML of an editorial or press body: badges, but no paragraph
    /// status styling or anchors, which belong to released text only.
    pub fn prose_html(&self, body: &Body) -> String {
        let mut out = String::new();
        for b in &body.blocks {
            match (b.kind, &b.number) {
                (BlockKind::Text, Some(n)) => {
                    out.push_str("<div class=\"para\"><span class=\"para-no\">");
                    out.push_str(n);
                    out.push_str("</span><div class=\"para-body\">");
                    out.push_str(&b.html);
                    out.push_str("</div></div>\n");
                }
                (BlockKind::PageBreak(_), _) => {}
                _ => {
                    out.push_str(&b.html);
                    out.push('\n');
                }
            }
        }
        out
    }
}

/// Blocks of a document for a source reference: pages and paragraphs as
/// given (an unnumbered block belongs to the numbered paragraph before it),
/// with the page breaks of the pages they are on.
pub(super) fn select_blocks(
    blocks: &[Block],
    pages: Option<PageRange>,
    paragraphs: &[String],
) -> Vec<usize> {
    let has_pages = blocks.iter().any(|b| b.page.is_some());
    let wanted: Vec<String> = paragraphs
        .iter()
        .map(|p| p.trim().trim_end_matches('.').to_string())
        .collect();
    let in_pages = |b: &Block| match (pages, has_pages) {
        (Some(r), true) => b.page.is_some_and(|p| r.contains(p)),
        _ => true,
    };
    if wanted.is_empty() {
        return (0..blocks.len())
            .filter(|&i| in_pages(&blocks[i]))
            .collect();
    }
    let mut chosen = vec![false; blocks.len()];
    let mut current = false;
    for (i, b) in blocks.iter().enumerate() {
        match (b.kind, &b.number) {
            (BlockKind::Text, Some(n)) => current = in_pages(b) && wanted.iter().any(|w| w == n),
            (BlockKind::Text, None) => {}
            _ => continue,
        }
        chosen[i] = current;
    }
    let pages_used: std::collections::BTreeSet<u32> = (0..blocks.len())
        .filter(|&i| chosen[i])
        .filter_map(|i| blocks[i].page)
        .collect();
    (0..blocks.len())
        .filter(|&i| {
            chosen[i]
                || matches!(blocks[i].kind, BlockKind::PageBreak(n) if pages_used.contains(&n))
        })
        .collect()
}

/// One block's HTML; `extra` (already HTML) goes inside the paragraph,
/// after its text: the cite control and links to press claims (see `cite`).
pub fn block_html(out: &mut String, b: &Block, link: Option<&str>, extra: &str) {
    use std::fmt::Write as _;
    // Pushed piece by piece: a document has hundreds of blocks and a
    // large release tens of thousands, and `format!` costs more than the
    // copying.
    let href = |out: &mut String, anchor: &str| {
        if let Some(l) = link {
            out.push_str(l);
        }
        out.push('#');
        out.push_str(anchor);
    };
    let id = |out: &mut String| {
        if let (None, Some(a)) = (link, &b.anchor) {
            out.push_str(" id=\"");
            out.push_str(a);
            out.push('"');
        }
    };
    match b.kind {
        BlockKind::PageBreak(n) => {
            out.push_str("<div class=\"page-break\"");
            id(out);
            out.push_str("><a class=\"page-no\" href=\"");
            href(out, &b.id().unwrap_or_default());
            let _ = writeln!(
                out,
                "\"><span class=\"page-word\">Page </span>{n}</a></div>"
            );
        }
        BlockKind::Heading => {
            out.push_str(&b.html);
            out.push('\n');
        }
        BlockKind::Text => {
            let status = b.status.map_or("", |s| s.class());
            out.push_str("<div class=\"para ");
            out.push_str(status);
            out.push('"');
            id(out);
            out.push('>');
            if let Some(n) = &b.number {
                out.push_str("<a class=\"para-no\" href=\"");
                href(out, &b.id().unwrap_or_default());
                out.push_str("\" aria-label=\"Paragraph ");
                out.push_str(n);
                out.push_str("\">");
                out.push_str(n);
                out.push_str("</a>");
            }
            out.push_str("<div class=\"para-body\">");
            // A paragraph withheld in full says so in words, not only by its look.
            let tag = "<span class=\"status-tag\">Withheld in full</span>";
            match (b.status, b.html.strip_suffix("</p>")) {
                (Some(markdown::ParaStatus::WithheldInFull), Some(open)) => {
                    out.push_str(open);
                    out.push(' ');
                    out.push_str(tag);
                    out.push_str("</p>");
                }
                (Some(markdown::ParaStatus::WithheldInFull), None) => {
                    out.push_str(&b.html);
                    out.push_str(tag);
                }
                _ => out.push_str(&b.html),
            }
            out.push_str("</div>");
            out.push_str(extra);
            out.push_str("</div>\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_left_on_disk_is_read_back_only_while_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.md");
        let file = "\u{feff}---\r\ntitle: x\r\n---\r\nBody s6(a).\r\n";
        std::fs::write(&path, file).unwrap();
        let print = Fingerprint::of("Body s6(a).\r\n");
        assert_eq!(print.read(&path).unwrap(), "Body s6(a).\r\n");

        // A front-matter edit leaves the body, and so the page, as built.
        std::fs::write(&path, file.replace("title: x", "title: y")).unwrap();
        assert!(print.read(&path).is_ok());

        // A body edit, or a file gone, fails the page with the file named.
        std::fs::write(&path, file.replace("Body", "Edited body")).unwrap();
        let changed = print.read(&path).unwrap_err();
        assert_eq!(changed.code, "changed-during-build");
        assert_eq!(changed.path, path);
        std::fs::remove_file(&path).unwrap();
        let gone = print.read(&path).unwrap_err();
        assert_eq!(gone.code, "changed-during-build");
        assert!(gone.message.contains("cannot read"), "{}", gone.message);
    }
}

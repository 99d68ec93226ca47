//! Data downloads: the resolved release as files readers take into their own
//! analysis (`release.json`, `redactions.csv`, `meetings.ics`).
//!
//! Everything about paragraphs and markers is read from the renderer's own
//! blocks (the same ones the pages show), never recounted from the Markdown,
//! so a figure in a download always equals the figure on the page.

mod ics;
mod json;

use std::collections::BTreeSet;
use std::io::{self, Write};

use crate::render::markdown::{Block, BlockKind};
use crate::render::{OutputFile, Renderer};

pub use json::SCHEMA_VERSION;

/// The data files of a site, in path order.
pub fn files(r: &Renderer) -> Vec<OutputFile> {
    let mut files = Vec::new();
    let _ = write(r, |path, make| {
        let mut bytes = Vec::new();
        make(&mut bytes)?;
        files.push(OutputFile {
            path: path.into(),
            bytes,
        });
        Ok(())
    });
    files
}

/// Writes each data file through `put` (its path, and what writes its
/// bytes), in path order. A build streams them to disk this way: a large
/// release's `release.json` is tens of megabytes, and is never held in
/// memory whole.
pub fn write<P>(r: &Renderer, mut put: P) -> io::Result<()>
where
    P: FnMut(&str, &mut dyn FnMut(&mut dyn Write) -> io::Result<()>) -> io::Result<()>,
{
    let index = ParagraphIndex::new(r);
    put("meetings.ics", &mut |out| {
        out.write_all(ics::calendar(r).as_bytes())
    })?;
    put("redactions.csv", &mut |out| redactions_csv(r, &index, out))?;
    put("release.json", &mut |out| json::release(r, &index, out))
}

/// The "About this data" page's context: what each file holds, with the
/// figures a reader can check a download against.
pub fn page_context(r: &Renderer, root: &str) -> crate::render::value::Value {
    let c = &r.site.content;
    let s = &r.release_stats;
    crate::tv!({
        "version": SCHEMA_VERSION,
        "files": {
            "json": format!("{root}release.json"),
            "csv": format!("{root}redactions.csv"),
            "ics": format!("{root}meetings.ics"),
        },
        "counts": {
            "meetings": c.meetings.len(),
            "documents": c.documents.len(),
            "press": c.press.len(),
            "grounds": c.grounds.len(),
            "paragraphs": s.paragraphs(),
            "released": s.released,
            "partly": s.partly,
            "full": s.full,
            "markers": s.groups,
            "codes": s.codes(),
        },
    })
}

/// Per document and block: the meetings (indices, in time order) whose
/// sources select that block, so a paragraph knows what it is about.
pub struct ParagraphIndex {
    pub meetings: Vec<Vec<Vec<usize>>>,
}

impl ParagraphIndex {
    pub fn new(r: &Renderer) -> Self {
        let mut meetings: Vec<Vec<BTreeSet<usize>>> = r
            .documents
            .iter()
            .map(|b| vec![BTreeSet::new(); b.blocks.len()])
            .collect();
        let rank: Vec<usize> = {
            let mut rank = vec![0; r.site.content.meetings.len()];
            for (pos, &m) in r.site.meeting_order.iter().enumerate() {
                rank[m] = pos;
            }
            rank
        };
        for (m, passages) in r.meeting_passages.iter().enumerate() {
            for p in passages {
                for &b in &p.blocks {
                    meetings[p.document][b].insert(rank[m]);
                }
            }
        }
        let order = &r.site.meeting_order;
        ParagraphIndex {
            meetings: meetings
                .into_iter()
                .map(|doc| {
                    doc.into_iter()
                        .map(|set| set.into_iter().map(|pos| order[pos]).collect())
                        .collect()
                })
                .collect(),
        }
    }
}

/// The codes of each badge group of a block, as printed (read back from the
/// block's own `data-grounds` attributes, so they are what the page shows).
pub fn printed_groups(block: &Block) -> Vec<String> {
    const ATTR: &str = "data-grounds=\"";
    // `str::find` sets up a new searcher on every call, which cost more
    // than the search: blocks are short and there are hundreds of thousands.
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(ATTR));
    let mut out = Vec::with_capacity(block.groups.len());
    let mut rest = block.html.as_str();
    while let Some(i) = FINDER.find(rest.as_bytes()) {
        rest = &rest[i + ATTR.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push(unescape(&rest[..end]));
        rest = &rest[end..];
    }
    out
}

/// A block's visible text: tags removed, the badges' hidden tooltips
/// dropped, entities decoded, whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while !rest.is_empty() {
        if rest.starts_with("<span class=\"tip\"") {
            // Tooltips hold no nested spans: skip to their close.
            match rest.find("</span>") {
                Some(i) => rest = &rest[i + "</span>".len()..],
                None => break,
            }
            continue;
        }
        if rest.starts_with('<') {
            match rest.find('>') {
                Some(i) => {
                    let tag = &rest[..i];
                    if tag.starts_with("</p") || tag.starts_with("<br") || tag.starts_with("</li") {
                        text.push(' ');
                    }
                    rest = &rest[i + 1..];
                }
                None => break,
            }
            continue;
        }
        let next = rest.find('<').unwrap_or(rest.len());
        text.push_str(&rest[..next]);
        rest = &rest[next..];
    }
    crate::text::collapse_whitespace(&unescape(&text))
}

/// Decodes the entities `render::escape` and pulldown-cmark write, in one
/// pass; an `&` that starts none of them stays as it is.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let decoded = [
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&quot;", '"'),
            ("&#39;", '\''),
            ("&#x27;", '\''),
            ("&amp;", '&'),
        ]
        .into_iter()
        .find(|(entity, _)| rest.starts_with(entity));
        match decoded {
            Some((entity, c)) => {
                out.push(c);
                rest = &rest[entity.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `redactions.csv`: one row per marker (badge group), in document order.
fn redactions_csv(r: &Renderer, index: &ParagraphIndex, out: &mut dyn Write) -> io::Result<()> {
    let c = &r.site.content;
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(
        b"document,document_title,release_page,paragraph,anchor,paragraph_status,codes,grounds,meetings,url\r\n",
    )?;
    let (mut line, mut grounds) = (String::new(), String::new());
    for d in document_order(r) {
        let doc = &c.documents[d];
        let url = r.absolute(&format!("documents/{}/", doc.slug));
        let mut last_anchor: Option<&str> = None;
        for (b, block) in r.documents[d].blocks.iter().enumerate() {
            if block.kind == BlockKind::Text && block.anchor.is_some() {
                last_anchor = block.anchor.as_deref();
            }
            if block.groups.is_empty() {
                continue;
            }
            // What the rows of this block share, then one row per group,
            // written field by field into one reused line.
            let meetings: Vec<&str> = index.meetings[d][b]
                .iter()
                .map(|&m| c.meetings[m].slug.as_str())
                .collect();
            let meetings = meetings.join(" ");
            let anchor = block.anchor.as_deref().or(last_anchor);
            let page = block.page.map(|p| p.to_string()).unwrap_or_default();
            let status = block.status.map(|s| s.class()).unwrap_or_default();
            let link = match anchor {
                Some(a) => format!("{url}#{a}"),
                None => url.clone(),
            };
            for (group, printed) in block.groups.iter().zip(printed_groups(block)) {
                grounds.clear();
                for (k, &g) in group.iter().enumerate() {
                    if k > 0 {
                        grounds.push(' ');
                    }
                    grounds.push_str(&c.grounds[g].code);
                }
                line.clear();
                for (k, field) in [
                    doc.slug.as_str(),
                    &doc.meta.title,
                    &page,
                    block.number.as_deref().unwrap_or_default(),
                    anchor.unwrap_or_default(),
                    status,
                    &printed,
                    &grounds,
                    &meetings,
                    &link,
                ]
                .into_iter()
                .enumerate()
                {
                    if k > 0 {
                        line.push(',');
                    }
                    push_csv_field(&mut line, field);
                }
                line.push_str("\r\n");
                out.write_all(line.as_bytes())?;
            }
        }
    }
    out.flush()
}

/// Appends `s` as one RFC 4180 field: quoted when it holds a comma, quote
/// or line break, with quotes doubled.
fn push_csv_field(line: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&s.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(s);
    }
}

/// Documents in release-page order, as the site lists them.
pub fn document_order(r: &Renderer) -> Vec<usize> {
    let c = &r.site.content;
    let mut order: Vec<usize> = (0..c.documents.len()).collect();
    order.sort_by_key(|&i| (c.documents[i].meta.pages, c.documents[i].slug.clone()));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_tags_and_tooltips() {
        let html = "<p>Hello <span class=\"redaction\" data-grounds=\"s6(a)\"><span class=\"code\"><a href=\"x\">s6(a)</a><span class=\"tip\" aria-hidden=\"true\"><b>section 6(a)</b> wording</span></span></span> &amp; bye</p>";
        assert_eq!(plain_text(html), "Hello s6(a) & bye");
    }

    #[test]
    fn unescape_decodes_each_entity_once() {
        // The same as replacing each entity in turn, `&amp;` last, so that
        // `&amp;lt;` reads `&lt;`.
        let chained = |s: &str| {
            s.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&#x27;", "'")
                .replace("&amp;", "&")
        };
        let pieces = [
            "&", "amp;", "lt;", "gt;", "quot;", "#39;", "#x27;", "a", " ", "é", ";", "&&",
        ];
        let mut draw = crate::testing::Draw::new(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..draw.below(10) {
                text.push_str(pieces[draw.below(pieces.len())]);
            }
            assert_eq!(unescape(&text), chained(&text), "{text:?}");
        }
        assert_eq!(unescape("&amp;lt; &#39;x&#x27; &nbsp;"), "&lt; 'x' &nbsp;");
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        let csv_field = |s: &str| {
            let mut line = String::new();
            push_csv_field(&mut line, s);
            line
        };
        assert_eq!(csv_field("a"), "a");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}

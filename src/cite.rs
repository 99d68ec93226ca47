//! Citable paragraphs: on a document's own page every numbered paragraph
//! gets a "cite" control (a `<details>` disclosure, so it works without
//! JavaScript and from the keyboard) holding a ready citation, and links to
//! the press claims that cite it (see `compare`).
//!
//! The citation's wording is the theme's `citation.txt` template, so a
//! publisher changes the format without touching code.

use std::fmt::Write as _;

use crate::render::escape::{escape, escape_into};
use crate::render::markdown::BlockKind;
use crate::render::{block_html, Renderer};

/// The full text of document `d` for its own page: blocks with anchors,
/// each numbered paragraph with its cite control and claim links.
pub fn document_text(r: &Renderer, d: usize) -> String {
    let c = &r.site.content;
    let doc = &c.documents[d];
    let rel = &c.release.meta;
    let page_url = r.absolute(&format!("documents/{}/", doc.slug));
    let backlinks = &r
        .claim_backlinks
        .get_or_init(|| crate::compare::backlinks(r))[d];
    let mut cx = tera::Context::new();
    cx.insert("agency", &rel.agency);
    cx.insert("reference", &rel.reference);
    cx.insert(
        "response_date",
        &rel.response_date
            .as_deref()
            .map(crate::render::pages::human_date),
    );
    cx.insert("document", &doc.meta.title);
    let mut out = String::new();
    // Reused for every paragraph: a document has hundreds.
    let (mut extra, mut url, mut text) = (String::new(), String::new(), Vec::new());
    for (i, b) in r.documents[d].blocks.iter().enumerate() {
        extra.clear();
        if let (BlockKind::Text, Some(n), Some(a)) = (b.kind, &b.number, &b.anchor) {
            url.clear();
            let _ = write!(url, "{page_url}#{a}");
            cx.insert("paragraph", n);
            cx.insert("page", &b.page);
            cx.insert("anchor", a);
            cx.insert("url", &url);
            // A theme without the template (or with a broken one) still
            // gets paragraph anchors; the control is left out.
            text.clear();
            let rendered = r.theme.tera.render_to("citation.txt", &cx, &mut text);
            if let (Ok(()), Ok(text)) = (rendered, std::str::from_utf8(&text)) {
                let _ = write!(
                    extra,
                    "<details class=\"cite\"><summary>Cite<span class=\"visually-hidden\"> paragraph {n}</span></summary><p class=\"cite-text\">"
                );
                escape_into(&mut extra, text.trim());
                let _ = write!(
                    extra,
                    "</p><p class=\"cite-link\"><a href=\"#{a}\">Link to paragraph {n}</a></p></details>"
                );
            }
            if let Some(claims) = backlinks.get(&i) {
                extra.push_str("<p class=\"claim-links\">Press: ");
                for (k, (id, outlet, rel)) in claims.iter().enumerate() {
                    if k > 0 {
                        extra.push_str(", ");
                    }
                    let _ = write!(
                        extra,
                        "<a href=\"../../compare/#{id}\">{} a claim by {}</a>",
                        crate::compare::relation_label(*rel),
                        escape(outlet)
                    );
                }
                extra.push_str("</p>");
            }
        }
        block_html(&mut out, b, None, &extra);
    }
    out
}

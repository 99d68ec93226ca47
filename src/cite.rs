//! Citable paragraphs: on a document's own page every numbered paragraph
//! gets a "cite" control (a `<details>` disclosure, so it works without
//! JavaScript and from the keyboard) holding a ready citation, and links to
//! the press claims that cite it (see `compare`).
//!
//! The citation's wording is the theme's `citation.txt` template, so a
//! publisher changes the format without touching code.

use std::fmt::Write as _;

use crate::render::markdown::{escape, BlockKind};
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
    for (i, b) in r.documents[d].blocks.iter().enumerate() {
        let mut extra = String::new();
        if let (BlockKind::Text, Some(n), Some(a)) = (b.kind, &b.number, &b.anchor) {
            cx.insert("paragraph", n);
            cx.insert("page", &b.page);
            cx.insert("anchor", a);
            cx.insert("url", &format!("{page_url}#{a}"));
            // A theme without the template (or with a broken one) still
            // gets paragraph anchors; the control is left out.
            if let Ok(text) = r.theme.tera.render("citation.txt", &cx) {
                let _ = write!(
                    extra,
                    "<details class=\"cite\"><summary>Cite<span class=\"visually-hidden\"> paragraph {n}</span></summary><p class=\"cite-text\">{}</p><p class=\"cite-link\"><a href=\"#{a}\">Link to paragraph {n}</a></p></details>",
                    escape(text.trim())
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

//! Press against the release: every press claim recorded in the content
//! (`MeetingMeta.press[].quote`) set beside the release paragraphs that
//! confirm, contradict or add to it (`PassageRef`s), on one page, linked
//! both ways: each claim links to its paragraphs (`#pN`), and each of those
//! paragraphs, on its document's page, links back to the claim.

use std::collections::BTreeMap;

use crate::render::value::{tv, Value};

use crate::model::{PassageRef, Relation};
use crate::render::Renderer;

/// Path of the page, relative to the output folder.
pub const PAGE_PATH: &str = "compare/index.html";

/// The block and anchor a passage reference points at: the paragraph with
/// that number, preferring one within the pages the meeting cites (a
/// document can repeat a number).
pub fn passage_anchor<'r>(
    r: &'r Renderer,
    meeting: usize,
    pass: &PassageRef,
) -> Option<(usize, &'r str)> {
    let d = *r.document_by_slug.get(pass.document.as_str())?;
    let wanted = pass.paragraph.trim().trim_end_matches('.');
    let blocks = &r.documents[d].blocks;
    let range = r
        .meeting_passages
        .get(meeting)
        .and_then(|ps| ps.iter().find(|p| p.document == d))
        .and_then(|p| p.pages);
    let candidates = || {
        blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| b.number.as_deref() == Some(wanted))
    };
    let (i, b) = candidates()
        .find(|(_, b)| range.is_some_and(|rg| b.page.is_some_and(|pg| rg.contains(pg))))
        .or_else(|| candidates().next())?;
    Some((i, b.anchor.as_deref()?))
}

/// The id of a claim on the compare page: `<meeting slug>-<n>` (n counts
/// the meeting's press reports from 1), stable while the content keeps its
/// order.
pub fn claim_id(r: &Renderer, meeting: usize, k: usize) -> String {
    format!("claim-{}-{}", r.site.content.meetings[meeting].slug, k + 1)
}

/// Every claim with release passages, in meeting time order.
fn claims(r: &Renderer) -> Vec<(usize, usize)> {
    let c = &r.site.content;
    r.site
        .meeting_order
        .iter()
        .flat_map(|&m| {
            c.meetings[m]
                .meta
                .press
                .iter()
                .enumerate()
                .filter(|(_, pr)| !pr.release.is_empty())
                .map(move |(k, _)| (m, k))
        })
        .collect()
}

/// A claim that cites a paragraph: its anchor id, the outlet, and how the
/// paragraph bears on it.
pub type Backlink = (String, String, Relation);

/// For each document: block index → the claims that cite it, for the links
/// back from the document page.
pub fn backlinks(r: &Renderer) -> Vec<BTreeMap<usize, Vec<Backlink>>> {
    let c = &r.site.content;
    let mut out = vec![BTreeMap::new(); c.documents.len()];
    for (m, k) in claims(r) {
        let pr = &c.meetings[m].meta.press[k];
        let outlet = r
            .press_by_slug
            .get(pr.item.as_str())
            .map(|&p| c.press[p].meta.outlet.clone())
            .unwrap_or_default();
        for pass in &pr.release {
            let Some(&d) = r.document_by_slug.get(pass.document.as_str()) else {
                continue;
            };
            if let Some((b, _)) = passage_anchor(r, m, pass) {
                let list: &mut Vec<_> = out[d].entry(b).or_default();
                let id = claim_id(r, m, k);
                if !list.iter().any(|(x, _, _)| *x == id) {
                    list.push((id, outlet.clone(), pass.relation));
                }
            }
        }
    }
    out
}

/// Document blocks are rendered once, for pages two folders deep; this page
/// is one deep, so their own relative links (badges, links in the text) lose
/// one `../`. Links this page adds are made for its depth already.
fn rebase(html: &str) -> String {
    html.replace("href=\"../../", "href=\"../")
}

pub fn relation_label(rel: Relation) -> &'static str {
    match rel {
        Relation::Confirms => "Confirms",
        Relation::Contradicts => "Contradicts",
        Relation::Adds => "Adds",
    }
}

fn relation_class(rel: Relation) -> &'static str {
    match rel {
        Relation::Confirms => "confirms",
        Relation::Contradicts => "contradicts",
        Relation::Adds => "adds",
    }
}

/// The compare page's context. `root` leads from the page to the site root.
pub fn context(r: &Renderer, root: &str) -> Value {
    let c = &r.site.content;
    let list: Vec<Value> = claims(r)
        .into_iter()
        .map(|(m, k)| {
            let meeting = &c.meetings[m];
            let pr = &meeting.meta.press[k];
            let press = r.press_by_slug.get(pr.item.as_str()).map(|&p| {
                let item = &c.press[p];
                tv!({
                    "title": item.meta.headline.clone().unwrap_or_else(|| item.meta.title.clone()),
                    "outlet": item.meta.outlet,
                    "url": format!("{root}press/{}/", item.slug),
                    "date": item.meta.date,
                })
            });
            let passages: Vec<Value> = pr
                .release
                .iter()
                .filter_map(|pass| {
                    let d = *r.document_by_slug.get(pass.document.as_str())?;
                    let url = format!("{root}documents/{}/", c.documents[d].slug);
                    let found = passage_anchor(r, m, pass);
                    Some(tv!({
                        "document": c.documents[d].meta.title,
                        "paragraph": pass.paragraph,
                        "relation": relation_class(pass.relation),
                        "relation_label": relation_label(pass.relation),
                        "note": pass.note,
                        "url": match found { Some((_, a)) => format!("{url}#{a}"), None => url.clone() },
                        "text": found.map(|(b, _)| rebase(&r.blocks_html([&r.documents[d].blocks[b]], Some(&url)))),
                    }))
                })
                .collect();
            tv!({
                "id": claim_id(r, m, k),
                "quote": pr.quote,
                "press": press,
                "meeting": {
                    "title": meeting.meta.title,
                    "url": format!("{root}meetings/{}/", meeting.slug),
                    "date": meeting.meta.date,
                },
                "passages": passages,
            })
        })
        .collect();
    let count = |rel: Relation| {
        c.meetings
            .iter()
            .flat_map(|m| &m.meta.press)
            .flat_map(|pr| &pr.release)
            .filter(|p| p.relation == rel)
            .count()
    };
    tv!({
        "claims": list,
        "counts": {
            "confirms": count(Relation::Confirms),
            "contradicts": count(Relation::Contradicts),
            "adds": count(Relation::Adds),
        },
    })
}

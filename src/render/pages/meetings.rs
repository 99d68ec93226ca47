//! Meeting pages: the meetings index and each meeting with its passages,
//! documents and press.

use crate::render::value::{tv, with, Value};

use super::*;

impl Page<'_, '_> {
    pub(super) fn meetings(&self) -> Value {
        let list: Vec<Value> = self
            .r
            .site
            .meeting_order
            .iter()
            .map(|&m| {
                // Each meeting once: no use keeping its summary for the page.
                with(
                    &self.make_meeting_summary(m),
                    &[("stats", tv!(self.r.meeting_stats[m]))],
                )
            })
            .collect();
        tv!({ "meetings": list })
    }
    pub(super) fn meeting(&self, i: usize) -> Value {
        let r = self.r;
        let c = &r.site.content;
        let m = &c.meetings[i];
        let order = &r.site.meeting_order;
        let pos = Some(r.meeting_rank[i]).filter(|&k| k < order.len());
        let prev = pos
            .and_then(|p| p.checked_sub(1))
            .map(|p| self.meeting_summary(order[p]));
        let next = pos
            .and_then(|p| order.get(p + 1))
            .map(|&n| self.meeting_summary(n));
        let cx = r.badges.context();

        let sides: Vec<Value> = m
            .meta
            .participants
            .iter()
            .map(|s| {
                tv!({
                    "side": s.side,
                    "people": s.people.iter().map(|p| tv!({
                        "name": p.name,
                        "role": p.role,
                        "withheld": p.withheld.as_deref().map(|w| inline_html(w, &cx, self.root)),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();

        let sources: Vec<Value> = r.meeting_passages[i]
            .iter()
            .map(|p| {
                let d = &c.documents[p.document];
                let url = self.document_url(p.document);
                let pages = p.pages.map(|pg| pg.to_string());
                let blocks = p.blocks.iter().map(|&b| &r.documents[p.document].blocks[b]);
                tv!({
                    "title": d.meta.title,
                    "url": url,
                    "pages": pages,
                    "pages_url": p.pages.map(|pg| format!("{url}#page-{}", pg.first))
                        .filter(|_| p.pages.is_some_and(|pg| r.documents[p.document].blocks.iter().any(|b| b.kind == BlockKind::PageBreak(pg.first)))),
                    "passages": r.blocks_html(blocks, Some(&url)),
                    "empty": p.blocks.is_empty(),
                })
            })
            .collect();
        let with_sources: std::collections::BTreeSet<usize> =
            r.meeting_passages[i].iter().map(|p| p.document).collect();
        let other_documents: Vec<Value> = r.site.meeting_documents[i]
            .iter()
            .filter(|d| !with_sources.contains(d))
            .map(|&d| self.document_summary(d))
            .collect();

        let press: Vec<Value> = m
            .meta
            .press
            .iter()
            .filter_map(|pr| {
                let p = *r.press_by_slug.get(pr.item.as_str())?;
                Some(with(
                    &self.press_summary(p),
                    &[
                        ("quote", tv!(pr.quote)),
                        ("release", tv!(self.passage_refs(i, &pr.release))),
                    ],
                ))
            })
            .collect();

        let request_text = m
            .meta
            .request_item
            .as_deref()
            .and_then(|n| r.item_text.get(n).copied());
        tv!({
            "meeting": self.meeting_summary(i),
            "weekday_date": human_day(&m.meta.date),
            "request_text": request_text,
            "scope_note": m.meta.scope_note,
            "sides": sides,
            "sources": sources,
            "other_documents": other_documents,
            "press": press,
            "annotation": self.body.map(|b| r.prose_html(b)),
            "stats": self.stats_block("meeting", "the passages about this meeting", &r.meeting_stats[i]),
            "prev": prev,
            "next": next,
        })
    }
    /// Release passages set beside a press claim, with the paragraph's text.
    pub(super) fn passage_refs(
        &self,
        meeting: usize,
        refs: &[crate::model::PassageRef],
    ) -> Vec<Value> {
        let r = self.r;
        refs.iter()
            .filter_map(|pr| {
                let d = *r.document_by_slug.get(pr.document.as_str())?;
                let wanted = pr.paragraph.trim().trim_end_matches('.');
                let blocks = &r.documents[d].blocks;
                // Prefer the paragraph within the pages this meeting cites.
                let range = r.meeting_passages.get(meeting).and_then(|ps| ps.iter().find(|p| p.document == d)).and_then(|p| p.pages);
                let candidates = || blocks.iter().filter(|b| b.number.as_deref() == Some(wanted));
                let block = candidates()
                    .find(|b| range.is_some_and(|rg| b.page.is_some_and(|pg| rg.contains(pg))))
                    .or_else(|| candidates().next());
                let url = self.document_url(d);
                Some(tv!({
                    "document": r.site.content.documents[d].meta.title,
                    "paragraph": pr.paragraph,
                    "url": match block.and_then(|b| b.anchor.as_ref()) { Some(a) => format!("{url}#{a}"), None => url.clone() },
                    "relation": relation_class(pr.relation),
                    "relation_label": relation_label(pr.relation),
                    "note": pr.note,
                    "text": block.map(|b| r.blocks_html([b], Some(&url))),
                }))
            })
            .collect()
    }
}

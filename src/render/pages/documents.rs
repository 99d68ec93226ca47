//! Document pages: the documents index and each document's full text.

use crate::render::value::{tv, Value};

use super::*;

impl Page<'_, '_> {
    pub(super) fn documents(&self) -> Value {
        let c = &self.r.site.content;
        let mut order: Vec<usize> = (0..c.documents.len()).collect();
        order.sort_by_key(|&i| (c.documents[i].meta.pages, c.documents[i].slug.clone()));
        tv!({ "documents": order.iter().map(|&i| self.document_summary(i)).collect::<Vec<_>>() })
    }
    pub(super) fn document(&self, i: usize) -> Value {
        let r = self.r;
        let d = &r.site.content.documents[i];
        let meetings: Vec<Value> = r.site.document_meetings[i]
            .iter()
            .map(|&m| self.meeting_summary(m))
            .collect();
        let pages: Vec<u32> = r.documents[i]
            .blocks
            .iter()
            .filter_map(|b| match b.kind {
                BlockKind::PageBreak(n) => Some(n),
                _ => None,
            })
            .collect();
        tv!({
            "document": self.document_summary(i),
            "author": d.meta.author,
            "classification": d.meta.classification,
            "notes": d.meta.notes,
            "meetings": meetings,
            "page_links": pages.iter().map(|n| tv!({"number": n, "url": format!("#page-{n}")})).collect::<Vec<_>>(),
            "text": crate::cite::document_text(r, i),
            "stats": self.stats_block("document", "this document", &r.document_stats[i]),
        })
    }
}

//! Press pages: the coverage index and each item set beside the release.

use crate::render::value::{tv, with, Value};

use super::*;

impl Page<'_, '_> {
    pub(super) fn press_index(&self) -> Value {
        let c = &self.r.site.content;
        let mut order: Vec<usize> = (0..c.press.len()).collect();
        order.sort_by_key(|&i| (press_sort_date(&c.press[i]), c.press[i].slug.clone()));
        tv!({ "items": order.iter().map(|&i| {
            with(&self.press_summary(i), &[("meetings", tv!(self.r.site.press_meetings[i].iter().map(|&m| self.meeting_summary(m)).collect::<Vec<_>>()))])
        }).collect::<Vec<_>>() })
    }
    pub(super) fn press(&self, i: usize) -> Value {
        let r = self.r;
        let c = &r.site.content;
        let item = &c.press[i];
        let meetings: Vec<Value> = r.site.press_meetings[i]
            .iter()
            .map(|&m| {
                let reports: Vec<Value> = c.meetings[m]
                    .meta
                    .press
                    .iter()
                    .filter(|pr| pr.item == item.slug)
                    .map(
                        |pr| tv!({"quote": pr.quote, "release": self.passage_refs(m, &pr.release)}),
                    )
                    .collect();
                with(&self.meeting_summary(m), &[("reports", tv!(reports))])
            })
            .collect();
        tv!({
            "item": self.press_summary(i),
            "headline": item.meta.headline,
            "source_url": item.meta.url,
            "meetings": meetings,
            "text": self.body.map(|b| r.prose_html(b)),
        })
    }
}

//! Press pages: the coverage index and each item set beside the release.

use serde_json::{json, Value};

use super::*;

impl Page<'_, '_> {
    pub(super) fn press_index(&self) -> Value {
        let c = &self.r.site.content;
        let mut order: Vec<usize> = (0..c.press.len()).collect();
        order.sort_by_key(|&i| (press_sort_date(&c.press[i]), c.press[i].slug.clone()));
        json!({ "items": order.iter().map(|&i| {
            let mut v = self.press_summary(i);
            v["meetings"] = json!(self.r.site.press_meetings[i].iter().map(|&m| self.meeting_summary(m)).collect::<Vec<_>>());
            v
        }).collect::<Vec<_>>() })
    }
    pub(super) fn press(&self, i: usize) -> Value {
        let r = self.r;
        let c = &r.site.content;
        let item = &c.press[i];
        let meetings: Vec<Value> = r.site.press_meetings[i]
            .iter()
            .map(|&m| {
                let mut v = self.meeting_summary(m);
                let reports: Vec<Value> = c.meetings[m]
                    .meta
                    .press
                    .iter()
                    .filter(|pr| pr.item == item.slug)
                    .map(|pr| json!({"quote": pr.quote, "release": self.passage_refs(m, &pr.release)}))
                    .collect();
                v["reports"] = json!(reports);
                v
            })
            .collect();
        json!({
            "item": self.press_summary(i),
            "headline": item.meta.headline,
            "source_url": item.meta.url,
            "meetings": meetings,
            "text": r.prose_html(&r.press_bodies[i]),
        })
    }
}

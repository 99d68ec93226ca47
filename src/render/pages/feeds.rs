//! Machine-read pages: the sitemap and the Atom feed.

use crate::render::value::{tv, Value};

use super::*;

impl Page<'_, '_> {
    pub(super) fn sitemap(&self) -> Value {
        let r = self.r;
        let mut urls: Vec<String> = r
            .all_pages()
            .into_iter()
            .filter(|id| {
                !matches!(
                    id,
                    PageId::NotFound
                        | PageId::Sitemap
                        | PageId::Feed
                        | PageId::Robots
                        | PageId::GroundsCss
                )
            })
            .map(|id| r.absolute(&r.page_path(id)))
            .collect();
        urls.sort();
        tv!({ "urls": urls })
    }
    pub(super) fn feed(&self) -> Value {
        let r = self.r;
        let c = &r.site.content;
        // (date, url, entry): newest first, then by address.
        let mut entries: Vec<(String, String, Value)> = Vec::new();
        for (i, m) in c.meetings.iter().enumerate() {
            let url = r.absolute(&r.page_path(PageId::Meeting(i)));
            entries.push((
                m.meta.date.clone(),
                url.clone(),
                tv!({
                    "title": m.meta.title,
                    "url": url,
                    "updated": format!("{}T00:00:00Z", m.meta.date),
                    "summary": meeting_description(m),
                }),
            ));
        }
        for (i, p) in c.press.iter().enumerate() {
            let date = press_sort_date(p);
            let url = r.absolute(&r.page_path(PageId::Press(i)));
            entries.push((
                date.clone(),
                url.clone(),
                tv!({
                    "title": format!("{} ({})", press_title(p), p.meta.outlet),
                    "url": url,
                    "updated": format!("{date}T00:00:00Z"),
                    "summary": format!("Press coverage by {}, set beside the release.", p.meta.outlet),
                }),
            ));
        }
        entries.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let updated = c
            .release
            .meta
            .response_date
            .clone()
            .into_iter()
            .chain(entries.iter().map(|e| e.0.clone()))
            .max()
            .unwrap_or_else(|| "1970-01-01".into());
        tv!({
            "feed_url": r.absolute("atom.xml"),
            "home_url": r.base_url,
            "updated": format!("{updated}T00:00:00Z"),
            "entries": entries.into_iter().map(|e| e.2).collect::<Vec<_>>(),
        })
    }
}

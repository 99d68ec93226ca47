//! The home page: the release at a glance (request, timeline, meetings by day,
//! Annex A, grounds cited, statistics, the cover letter).

use crate::render::value::{tv, Value};

use super::*;

impl Page<'_, '_> {
    pub(super) fn home(&self) -> Value {
        let c = &self.r.site.content;
        let rel = &c.release.meta;
        let mut timeline = Vec::new();
        if let Some(d) = &rel.request_date {
            timeline.push((d.clone(), "Request made", String::new()));
        }
        if let Some(e) = &rel.transferred {
            timeline.push((e.date.clone(), "Transferred", e.note.clone()));
        }
        if let Some(e) = &rel.refined {
            timeline.push((e.date.clone(), "Request refined", e.note.clone()));
        }
        if let Some(e) = &rel.extended {
            timeline.push((e.date.clone(), "Time limit extended", e.note.clone()));
        }
        if let Some(d) = &rel.response_date {
            timeline.push((d.clone(), "Response sent", String::new()));
        }
        timeline.sort_by(|a, b| a.0.cmp(&b.0));
        let timeline: Vec<Value> = timeline
            .into_iter()
            .map(|(date, label, note)| tv!({"date": human_date(&date), "date_iso": date, "label": label, "note": note}))
            .collect();

        // Each list stops at the limit; the template then links to the
        // full index and says how many more there are.
        let limit = c.config.home_list_limit;
        let more = |n: usize| n.saturating_sub(limit);

        // Meetings grouped by day, in time order.
        let mut days: Vec<Value> = Vec::new();
        let mut current: Option<(String, Vec<Value>)> = None;
        for &m in self.r.site.meeting_order.iter().take(limit) {
            let date = &c.meetings[m].meta.date;
            if current.as_ref().is_some_and(|(d, _)| d != date) {
                let (d, ms) = current.take().unwrap_or_default();
                days.push(tv!({"date": human_day(&d), "date_iso": d, "meetings": ms}));
            }
            current
                .get_or_insert_with(|| (date.clone(), Vec::new()))
                .1
                // A few meetings, each once: nothing to share.
                .push(self.make_meeting_summary(m));
        }
        if let Some((d, ms)) = current {
            days.push(tv!({"date": human_day(&d), "date_iso": d, "meetings": ms}));
        }

        let schedule: Vec<Value> = rel
            .schedule
            .iter()
            .take(limit)
            .map(|row| {
                let meeting = row.meeting.as_deref().and_then(|s| self.r.meeting_by_slug.get(s)).copied();
                tv!({
                    "item": row.item,
                    "subject": row.subject,
                    "meeting_url": meeting.map(|m| self.meeting_url(m)),
                    "documents": row.documents.iter().map(|d| {
                        let doc = d.document.as_deref().and_then(|s| self.r.document_by_slug.get(s)).copied();
                        tv!({
                            "title": d.title,
                            "url": doc.map(|i| self.document_url(i)),
                            "pages": d.pages.map(|p| p.to_string()),
                            "pages_url": match (doc, d.pages) {
                                (Some(i), Some(p)) if self.r.documents[i].blocks.iter().any(|b| b.kind == BlockKind::PageBreak(p.first)) =>
                                    Some(format!("{}#page-{}", self.document_url(i), p.first)),
                                _ => None,
                            },
                        })
                    }).collect::<Vec<_>>(),
                })
            })
            .collect();

        let request_items: Vec<Value> = rel
            .request_items
            .iter()
            .map(|it| {
                let all = self.r.item_meetings.get(it.number.as_str()).map_or(&[][..], Vec::as_slice);
                let meetings: Vec<Value> = all
                    .iter()
                    .take(limit)
                    .map(|&m| tv!({"title": c.meetings[m].meta.title, "url": self.meeting_url(m)}))
                    .collect();
                tv!({"number": it.number, "text": it.text, "excluded": it.excluded, "meetings": meetings,
                     "meetings_total": all.len(), "meetings_more": more(all.len())})
            })
            .collect();

        let cited: Vec<Value> = rel
            .grounds_cited
            .iter()
            .map(|g| {
                let idx = self
                    .r
                    .badges
                    .lookup
                    .get(&crate::grounds::key(&g.code))
                    .copied();
                tv!({
                    "code": g.code,
                    "reason": g.reason,
                    "url": idx.map(|i| self.ground_url(i)),
                    "count": idx.map(|i| self.r.release_stats.per_ground[i]).unwrap_or(0),
                })
            })
            .collect();

        let mut order: Vec<usize> = (0..c.documents.len()).collect();
        order.sort_by_key(|&i| (c.documents[i].meta.pages, c.documents[i].slug.clone()));
        order.truncate(limit);
        let mut all_rows = vec![("Whole release".to_string(), &self.r.release_stats)];
        all_rows.extend(
            order
                .iter()
                .map(|&i| (c.documents[i].meta.title.clone(), &self.r.document_stats[i])),
        );
        let letter = self.r.prose_html(&self.r.letter);

        tv!({
            "release": {
                "reference": rel.reference,
                "agency": rel.agency,
                "act": rel.act,
                "response_date": rel.response_date.as_deref().map(human_date),
                "request_date": rel.request_date.as_deref().map(human_date),
                "signatory": rel.signatory,
                "notes": rel.notes,
                "documents": c.documents.len(),
                "meetings": c.meetings.len(),
                "pages": c.documents.iter().map(|d| d.meta.pages.page_count()).sum::<u32>(),
            },
            "timeline": timeline,
            "days": days,
            "schedule": schedule,
            "request_items": request_items,
            "grounds_cited": cited,
            "stats": self.stats_block("release", "the release", &self.r.release_stats),
            "document_chart": charts::paragraph_bars("documents-paras", "Paragraphs withheld, for the whole release and each document", &all_rows),
            "document_rows": order.iter().map(|&i| self.document_summary(i)).collect::<Vec<_>>(),
            "more": {
                "meetings": more(c.meetings.len()),
                "schedule": more(rel.schedule.len()),
                "documents": more(c.documents.len()),
            },
            "letter": letter,
        })
    }
}

//! Page contexts: everything a template shows, computed here (ordering,
//! statistics, labels, links relative to the page), so templates hold
//! presentation only.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::charts;
use super::markdown::{self, BlockKind};
use super::stats::Stats;
use super::{root_for_depth, PageId, Place, Renderer};
use crate::markers::MONTHS;
use crate::model::{DocumentKind, GroundTest, Meeting, PressItem, Relation, Scope};

/// The template and context for one page.
pub fn context(r: &Renderer, id: PageId, path: &str) -> (&'static str, Value) {
    // The 404 page is served at any depth, so its links start from the
    // site's base path instead of being relative.
    let root = if id == PageId::NotFound {
        r.base_path.clone()
    } else {
        root_for_depth(path.matches('/').count())
    };
    let p = Page { r, root: &root };
    let (template, title, description, body) = match id {
        PageId::Home => ("home.html", None, r.site.content.config.description.clone(), p.home()),
        PageId::Meetings => ("meetings.html", Some("Meetings".to_string()), Some("Every meeting the request names, in time order, with what was released about it.".into()), p.meetings()),
        PageId::Meeting(i) => {
            let m = &r.site.content.meetings[i];
            ("meeting.html", Some(m.meta.title.clone()), Some(meeting_description(m)), p.meeting(i))
        }
        PageId::Documents => ("documents.html", Some("Documents".to_string()), Some("Every document in the release, in release-page order, with how much of it was withheld.".into()), p.documents()),
        PageId::Document(i) => {
            let d = &r.site.content.documents[i];
            let desc = format!("{}: release pages {}, the full text as released, with its redactions.", kind_label(d.meta.kind), d.meta.pages);
            ("document.html", Some(d.meta.title.clone()), Some(desc), p.document(i))
        }
        PageId::PressIndex => ("press_index.html", Some("Press coverage".to_string()), Some("News reports and analysis of the meetings, set beside the release.".into()), p.press_index()),
        PageId::Press(i) => {
            let item = &r.site.content.press[i];
            let desc = format!("{} ({}), set beside what the release shows.", press_title(item), item.meta.outlet);
            ("press.html", Some(press_title(item)), Some(desc), p.press(i))
        }
        PageId::Grounds => ("grounds.html", Some("Withholding grounds".to_string()), Some("The grounds information was withheld under, with where each was applied.".into()), p.grounds()),
        PageId::Ground(i) => {
            let g = &r.site.content.grounds[i];
            ("ground.html", Some(format!("{}: {}", g.code, g.label)), Some(format!("Where {} ({}) was applied in the release.", g.code, g.label)), p.ground(i))
        }
        PageId::Participants => ("participants.html", Some("Participants".to_string()), Some("Everyone named as attending a meeting, by side, with their meetings.".into()), p.participants()),
        PageId::Data => ("data.html", Some("About this data".to_string()), Some("The release as data: JSON, CSV and calendar downloads, and what each field means.".into()), crate::export::page_context(r, &root)),
        PageId::Compare => ("compare.html", Some("Press against the release".to_string()), Some("Each press claim recorded here, set beside the release paragraphs that confirm, contradict or add to it.".into()), crate::compare::context(r, &root)),
        PageId::Search => ("search.html", Some("Search".to_string()), Some("Search the released text, the cover letter, the annotations and the press coverage, by word and by ground, meeting, document, participant or date.".into()), crate::search::context(r, &root)),
        PageId::NotFound => ("404.html", Some("Page not found".to_string()), Some("There is no page at this address.".into()), json!({})),
        PageId::Sitemap => ("sitemap.xml", None, None, p.sitemap()),
        PageId::Feed => ("atom.xml", None, None, p.feed()),
        PageId::Robots => ("robots.txt", None, None, json!({ "sitemap": r.absolute("sitemap.xml") })),
        PageId::GroundsCss => ("grounds.css", None, None, p.grounds_css()),
    };
    let config = &r.site.content.config;
    let release = &r.site.content.release.meta;
    let full_title = match &title {
        Some(t) => format!("{t} · {}", config.title),
        None => config.title.clone(),
    };
    let description = description
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| {
            format!(
                "{} response {} to an Official Information Act request, annotated.",
                release.agency, release.reference
            )
        });
    let mut value = json!({
        "site": {
            "title": config.title,
            "description": config.description,
            "language": config.language,
            "reference": release.reference,
            "agency": release.agency,
            // A release without meetings (a report, a manual) has no
            // meetings index, and no link to one.
            "meetings": r.site.content.meetings.len(),
        },
        "page": {
            "kind": template.trim_end_matches(".html").trim_end_matches(".xml").trim_end_matches(".txt"),
            "title": title,
            "full_title": full_title,
            "description": description,
            "canonical": r.absolute(path),
            "root": root,
            "home": if root.is_empty() { "./".to_string() } else { root.clone() },
        },
    });
    value["search_meta"] = json!(crate::search::page_meta(r, id));
    value["search_enabled"] = json!(crate::search::enabled(r));
    value["social"] = crate::cards::social(r, id, &full_title);
    if let (Value::Object(v), Value::Object(b)) = (&mut value, body) {
        v.extend(b);
    }
    (template, value)
}

struct Page<'a, 's> {
    r: &'a Renderer<'s>,
    root: &'a str,
}

impl Page<'_, '_> {
    fn meeting_url(&self, i: usize) -> String {
        format!(
            "{}meetings/{}/",
            self.root, self.r.site.content.meetings[i].slug
        )
    }
    fn document_url(&self, i: usize) -> String {
        format!(
            "{}documents/{}/",
            self.root, self.r.site.content.documents[i].slug
        )
    }
    fn press_url(&self, i: usize) -> String {
        format!("{}press/{}/", self.root, self.r.site.content.press[i].slug)
    }
    fn ground_url(&self, g: usize) -> String {
        format!("{}grounds/{}/", self.root, self.r.ground_slugs[g])
    }

    fn meeting_summary(&self, i: usize) -> Value {
        let m = &self.r.site.content.meetings[i];
        json!({
            "title": m.meta.title,
            "url": self.meeting_url(i),
            "date": human_date(&m.meta.date),
            "date_iso": m.meta.date,
            "time": time_range(m),
            "place": m.meta.place,
            "request_item": m.meta.request_item,
            "scope": scope_class(m.meta.scope),
            "scope_label": scope_label(m.meta.scope),
            "excluded": m.meta.scope == Scope::Excluded,
        })
    }

    fn document_summary(&self, i: usize) -> Value {
        let d = &self.r.site.content.documents[i];
        json!({
            "title": d.meta.title,
            "url": self.document_url(i),
            "kind": kind_label(d.meta.kind),
            "date": d.meta.date.as_deref().map(human_date),
            "pages": d.meta.pages.to_string(),
            "stats": self.r.document_stats[i],
        })
    }

    fn press_summary(&self, i: usize) -> Value {
        let p = &self.r.site.content.press[i];
        json!({
            "title": press_title(p),
            "url": self.press_url(i),
            "outlet": p.meta.outlet,
            "date": p.meta.date.as_deref().map(human_date),
            "date_inferred": p.meta.date_inferred.as_ref().map(|d| json!({"value": human_date_range(&d.value), "reason": d.reason})),
            "genre": p.meta.genre,
        })
    }

    /// Ground counts of a statistics record, most used first.
    fn ground_counts(&self, stats: &Stats) -> Vec<Value> {
        let grounds = &self.r.site.content.grounds;
        let mut rows: Vec<(usize, usize)> = stats
            .per_ground
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, n)| *n > 0)
            .collect();
        rows.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(grounds[a.0].code.cmp(&grounds[b.0].code))
        });
        rows.into_iter()
            .map(|(g, n)| {
                let ground = &grounds[g];
                json!({ "code": ground.code, "label": ground.label, "url": self.ground_url(g), "count": n,
                        "name": markdown::accessible_name(ground, &self.r.default_act) })
            })
            .collect()
    }

    /// A statistics record with its two charts' SVG and the table rows.
    fn stats_block(&self, id: &str, label: &str, stats: &Stats) -> Value {
        let counts = self.ground_counts(stats);
        let bars: Vec<(String, usize)> = counts
            .iter()
            .map(|c| {
                (
                    c["code"].as_str().unwrap_or_default().to_string(),
                    c["count"].as_u64().unwrap_or(0) as usize,
                )
            })
            .collect();
        json!({
            "figures": stats,
            "paragraphs": stats.paragraphs(),
            "codes": stats.codes(),
            "withheld_percent": stats.withheld_percent(),
            "summary": charts::summary(stats),
            "paragraph_chart": charts::paragraph_bars(&format!("{id}-paras"), &format!("Paragraphs of {label} by how much was withheld"), &[(label.to_string(), stats)]),
            "ground_chart": if bars.is_empty() { String::new() } else { charts::ground_bars(&format!("{id}-codes"), &format!("Codes applied in {label}, by ground"), &bars) },
            "grounds": counts,
        })
    }

    fn home(&self) -> Value {
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
            .map(|(date, label, note)| json!({"date": human_date(&date), "date_iso": date, "label": label, "note": note}))
            .collect();

        // Meetings grouped by day, in time order.
        let mut days: Vec<Value> = Vec::new();
        let mut current: Option<(String, Vec<Value>)> = None;
        for &m in &self.r.site.meeting_order {
            let date = &c.meetings[m].meta.date;
            if current.as_ref().is_some_and(|(d, _)| d != date) {
                let (d, ms) = current.take().unwrap_or_default();
                days.push(json!({"date": human_day(&d), "date_iso": d, "meetings": ms}));
            }
            current
                .get_or_insert_with(|| (date.clone(), Vec::new()))
                .1
                .push(self.meeting_summary(m));
        }
        if let Some((d, ms)) = current {
            days.push(json!({"date": human_day(&d), "date_iso": d, "meetings": ms}));
        }

        let schedule: Vec<Value> = rel
            .schedule
            .iter()
            .map(|row| {
                let meeting = row.meeting.as_deref().and_then(|s| self.r.meeting_by_slug.get(s)).copied();
                json!({
                    "item": row.item,
                    "subject": row.subject,
                    "meeting_url": meeting.map(|m| self.meeting_url(m)),
                    "documents": row.documents.iter().map(|d| {
                        let doc = d.document.as_deref().and_then(|s| self.r.document_by_slug.get(s)).copied();
                        json!({
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
                let meetings: Vec<Value> = self
                    .r
                    .item_meetings
                    .get(it.number.as_str())
                    .into_iter()
                    .flatten()
                    .map(|&m| json!({"title": c.meetings[m].meta.title, "url": self.meeting_url(m)}))
                    .collect();
                json!({"number": it.number, "text": it.text, "excluded": it.excluded, "meetings": meetings})
            })
            .collect();

        let cited: Vec<Value> = rel
            .grounds_cited
            .iter()
            .map(|g| {
                let idx = self
                    .r
                    .ground_lookup
                    .get(&crate::grounds::key(&g.code))
                    .copied();
                json!({
                    "code": g.code,
                    "reason": g.reason,
                    "url": idx.map(|i| self.ground_url(i)),
                    "count": idx.map(|i| self.r.release_stats.per_ground[i]).unwrap_or(0),
                })
            })
            .collect();

        let rows: Vec<(String, &Stats)> = (0..c.documents.len())
            .map(|i| (c.documents[i].meta.title.clone(), &self.r.document_stats[i]))
            .collect();
        let mut order: Vec<usize> = (0..c.documents.len()).collect();
        order.sort_by_key(|&i| (c.documents[i].meta.pages, c.documents[i].slug.clone()));
        let ordered_rows: Vec<(String, &Stats)> = order.iter().map(|&i| rows[i].clone()).collect();
        let mut all_rows = vec![("Whole release".to_string(), &self.r.release_stats)];
        all_rows.extend(ordered_rows);
        let letter = self.r.prose_html(&self.r.letter);

        json!({
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
            "letter": letter,
        })
    }

    fn meetings(&self) -> Value {
        let list: Vec<Value> = self
            .r
            .site
            .meeting_order
            .iter()
            .map(|&m| {
                let mut v = self.meeting_summary(m);
                v["stats"] = json!(self.r.meeting_stats[m]);
                v
            })
            .collect();
        json!({ "meetings": list })
    }

    fn meeting(&self, i: usize) -> Value {
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
        let cx = markdown::BadgeContext {
            grounds: &c.grounds,
            lookup: &r.ground_lookup,
            slugs: &r.ground_slugs,
            default_act: &r.default_act,
        };

        let sides: Vec<Value> = m
            .meta
            .participants
            .iter()
            .map(|s| {
                json!({
                    "side": s.side,
                    "people": s.people.iter().map(|p| json!({
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
                json!({
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
                let mut v = self.press_summary(p);
                v["quote"] = json!(pr.quote);
                v["release"] = json!(self.passage_refs(i, &pr.release));
                Some(v)
            })
            .collect();

        let request_text = m
            .meta
            .request_item
            .as_deref()
            .and_then(|n| r.item_text.get(n).copied());
        json!({
            "meeting": self.meeting_summary(i),
            "weekday_date": human_day(&m.meta.date),
            "request_text": request_text,
            "scope_note": m.meta.scope_note,
            "sides": sides,
            "sources": sources,
            "other_documents": other_documents,
            "press": press,
            "annotation": r.prose_html(&r.meeting_bodies[i]),
            "stats": self.stats_block("meeting", "the passages about this meeting", &r.meeting_stats[i]),
            "prev": prev,
            "next": next,
        })
    }

    /// Release passages set beside a press claim, with the paragraph's text.
    fn passage_refs(&self, meeting: usize, refs: &[crate::model::PassageRef]) -> Vec<Value> {
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
                Some(json!({
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

    fn documents(&self) -> Value {
        let c = &self.r.site.content;
        let mut order: Vec<usize> = (0..c.documents.len()).collect();
        order.sort_by_key(|&i| (c.documents[i].meta.pages, c.documents[i].slug.clone()));
        json!({ "documents": order.iter().map(|&i| self.document_summary(i)).collect::<Vec<_>>() })
    }

    fn document(&self, i: usize) -> Value {
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
        json!({
            "document": self.document_summary(i),
            "author": d.meta.author,
            "classification": d.meta.classification,
            "notes": d.meta.notes,
            "meetings": meetings,
            "page_links": pages.iter().map(|n| json!({"number": n, "url": format!("#page-{n}")})).collect::<Vec<_>>(),
            "text": crate::cite::document_text(r, i),
            "stats": self.stats_block("document", "this document", &r.document_stats[i]),
        })
    }

    fn press_index(&self) -> Value {
        let c = &self.r.site.content;
        let mut order: Vec<usize> = (0..c.press.len()).collect();
        order.sort_by_key(|&i| (press_sort_date(&c.press[i]), c.press[i].slug.clone()));
        json!({ "items": order.iter().map(|&i| {
            let mut v = self.press_summary(i);
            v["meetings"] = json!(self.r.site.press_meetings[i].iter().map(|&m| self.meeting_summary(m)).collect::<Vec<_>>());
            v
        }).collect::<Vec<_>>() })
    }

    fn press(&self, i: usize) -> Value {
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

    fn grounds(&self) -> Value {
        let c = &self.r.site.content;
        let total = &self.r.release_stats.per_ground;
        let mut used = Vec::new();
        let mut unused = Vec::new();
        for (g, ground) in c.grounds.iter().enumerate() {
            let participants: usize = self.r.ground_participant_uses[g].iter().map(|x| x.1).sum();
            let v = json!({
                "code": ground.code, "label": ground.label, "url": self.ground_url(g),
                "section": ground.section, "test": test_label(ground.test),
                "count": total.get(g).copied().unwrap_or(0) + participants,
            });
            if total.get(g).copied().unwrap_or(0) + participants > 0 {
                used.push(v);
            } else {
                unused.push(v);
            }
        }
        json!({ "used": used, "unused": unused })
    }

    fn ground(&self, g: usize) -> Value {
        let r = self.r;
        let c = &r.site.content;
        let ground = &c.grounds[g];
        let canonical = crate::grounds::key(&ground.code);
        let parent =
            crate::markers::parent(&canonical).and_then(|p| r.ground_lookup.get(&p).copied());
        let children: Vec<Value> = c
            .grounds
            .iter()
            .enumerate()
            .filter(|(_, x)| crate::markers::parent(&crate::grounds::key(&x.code)).as_deref() == Some(canonical.as_str()))
            .map(|(i, x)| json!({"code": x.code, "label": x.label, "url": self.ground_url(i), "count": r.release_stats.per_ground[i]}))
            .collect();
        // Places grouped by document in one pass (a ground is applied in
        // thousands of places in a large release: no search per place).
        let mut slot: HashMap<usize, usize> = HashMap::new();
        let mut by_document: Vec<(usize, usize, Vec<&Place>)> = Vec::new();
        for p in &r.ground_places[g] {
            let k = *slot.entry(p.document).or_insert_with(|| {
                by_document.push((p.document, 0, Vec::new()));
                by_document.len() - 1
            });
            by_document[k].1 += p.count;
            by_document[k].2.push(p);
        }
        by_document.sort_by(|a, b| {
            let (da, db) = (&c.documents[a.0], &c.documents[b.0]);
            (da.meta.pages, &da.slug).cmp(&(db.meta.pages, &db.slug))
        });
        let documents: Vec<Value> = by_document
            .iter()
            .map(|(d, n, places)| {
                let d = *d;
                let url = self.document_url(d);
                json!({
                    "title": c.documents[d].meta.title,
                    "url": url,
                    "count": n,
                    "places": places.iter().map(|p| json!({
                        "label": p.label,
                        "page": p.page,
                        "count": p.count,
                        "url": match &p.anchor { Some(a) => format!("{url}#{a}"), None => url.clone() },
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let participants: Vec<Value> = r.ground_participant_uses[g]
            .iter()
            .map(|&(m, n)| {
                let mut v = self.meeting_summary(m);
                v["count"] = json!(n);
                v["url"] = json!(format!("{}#participants", self.meeting_url(m)));
                v
            })
            .collect();
        let cited = c
            .release
            .meta
            .grounds_cited
            .iter()
            .find(|x| crate::grounds::key(&x.code) == canonical);
        json!({
            "ground": {
                "code": ground.code,
                "section": ground.section,
                "label": ground.label,
                "wording": ground.wording,
                "act": if ground.act.is_empty() { r.default_act.clone() } else { ground.act.clone() },
                "test": test_class(ground.test),
                "test_label": test_label(ground.test),
                "name": markdown::accessible_name(ground, &r.default_act),
            },
            "cited_reason": cited.map(|x| x.reason.clone()),
            "parent": parent.map(|p| json!({"code": c.grounds[p].code, "label": c.grounds[p].label, "url": self.ground_url(p)})),
            "children": children,
            "count": r.release_stats.per_ground[g],
            "documents": documents,
            "participants": participants,
        })
    }

    fn participants(&self) -> Value {
        let r = self.r;
        let mut sides: Vec<String> = r
            .site
            .people
            .iter()
            .flat_map(|p| p.sides.iter().cloned())
            .collect();
        sides.sort();
        sides.dedup();
        let groups: Vec<Value> = sides
            .iter()
            .enumerate()
            .map(|(k, side)| {
                let people: Vec<Value> = r
                    .site
                    .people
                    .iter()
                    .filter(|p| p.sides.contains(side))
                    .map(|p| {
                        let mut ms = p.meetings.clone();
                        ms.sort_by_key(|&m| r.meeting_rank[m]);
                        json!({
                            "name": p.name,
                            "roles": p.roles,
                            "meetings": ms.iter().map(|&m| self.meeting_summary(m)).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                json!({"side": side, "id": format!("side-{}", k + 1), "people": people})
            })
            .collect();
        json!({ "sides": groups })
    }

    /// Per ground: the class its badge links carry and the explanation
    /// shown on hover and focus, as a quoted CSS string.
    fn grounds_css(&self) -> Value {
        let c = &self.r.site.content;
        let grounds: Vec<Value> = c
            .grounds
            .iter()
            .zip(&self.r.ground_slugs)
            .map(|(g, slug)| {
                let text = if g.wording.is_empty() {
                    &g.label
                } else {
                    &g.wording
                };
                json!({
                    "code": g.code,
                    "class": format!("g-{slug}"),
                    "content": css_string(&format!("{}: {text}", g.section)),
                })
            })
            .collect();
        json!({ "grounds": grounds })
    }

    fn sitemap(&self) -> Value {
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
        json!({ "urls": urls })
    }

    fn feed(&self) -> Value {
        let r = self.r;
        let c = &r.site.content;
        let mut entries: Vec<(String, Value)> = Vec::new();
        for (i, m) in c.meetings.iter().enumerate() {
            entries.push((
                m.meta.date.clone(),
                json!({
                    "title": m.meta.title,
                    "url": r.absolute(&r.page_path(PageId::Meeting(i))),
                    "updated": format!("{}T00:00:00Z", m.meta.date),
                    "summary": meeting_description(m),
                }),
            ));
        }
        for (i, p) in c.press.iter().enumerate() {
            let date = press_sort_date(p);
            entries.push((
                date.clone(),
                json!({
                    "title": format!("{} ({})", press_title(p), p.meta.outlet),
                    "url": r.absolute(&r.page_path(PageId::Press(i))),
                    "updated": format!("{date}T00:00:00Z"),
                    "summary": format!("Press coverage by {}, set beside the release.", p.meta.outlet),
                }),
            ));
        }
        entries.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| a.1["url"].as_str().cmp(&b.1["url"].as_str()))
        });
        let updated = c
            .release
            .meta
            .response_date
            .clone()
            .into_iter()
            .chain(entries.iter().map(|e| e.0.clone()))
            .max()
            .unwrap_or_else(|| "1970-01-01".into());
        json!({
            "feed_url": r.absolute("atom.xml"),
            "home_url": r.base_url,
            "updated": format!("{updated}T00:00:00Z"),
            "entries": entries.into_iter().map(|e| e.1).collect::<Vec<_>>(),
        })
    }
}

/// A short text with markers (a withheld participant's code) as inline HTML with badges.
fn inline_html(text: &str, cx: &markdown::BadgeContext, root: &str) -> String {
    let body = markdown::render_body(text, cx, root);
    let html: String = body.blocks.iter().map(|b| b.html.as_str()).collect();
    html.trim()
        .trim_start_matches("<p>")
        .trim_end_matches("</p>")
        .to_string()
}

fn meeting_description(m: &Meeting) -> String {
    let mut s = format!("{}, {}", m.meta.title, human_date(&m.meta.date));
    if let Some(p) = &m.meta.place {
        s.push_str(&format!(", {p}"));
    }
    s.push_str(&format!(": {}.", scope_label(m.meta.scope).to_lowercase()));
    s
}

fn time_range(m: &Meeting) -> Option<String> {
    match (&m.meta.start, &m.meta.end) {
        (Some(a), Some(b)) => Some(format!("{a}–{b}")),
        (Some(a), None) => Some(a.clone()),
        _ => None,
    }
}

fn press_title(p: &PressItem) -> String {
    p.meta
        .headline
        .clone()
        .unwrap_or_else(|| p.meta.title.clone())
}

/// A press item's date for ordering: its own, else the start of the
/// inferred range, else empty (sorted first).
fn press_sort_date(p: &PressItem) -> String {
    p.meta
        .date
        .clone()
        .or_else(|| {
            p.meta
                .date_inferred
                .as_ref()
                .map(|d| d.value.split('/').next().unwrap_or_default().to_string())
        })
        .unwrap_or_default()
}

fn scope_class(s: Scope) -> &'static str {
    match s {
        Scope::Released => "released",
        Scope::PartlyWithheld => "partly-withheld",
        Scope::WithheldInFull => "withheld-full",
        Scope::Excluded => "excluded",
    }
}

fn scope_label(s: Scope) -> &'static str {
    match s {
        Scope::Released => "Released",
        Scope::PartlyWithheld => "Partly withheld",
        Scope::WithheldInFull => "Withheld in full",
        Scope::Excluded => "Excluded from the request",
    }
}

fn kind_label(k: DocumentKind) -> &'static str {
    match k {
        DocumentKind::FileNote => "File note",
        DocumentKind::FormalMessage => "Formal message",
        DocumentKind::Letter => "Letter",
        DocumentKind::Annex => "Annex",
        DocumentKind::Other => "Document",
    }
}

fn test_class(t: GroundTest) -> &'static str {
    match t {
        GroundTest::Conclusive => "conclusive",
        GroundTest::PublicInterest => "public-interest",
        GroundTest::Refusal => "refusal",
        GroundTest::Scope => "scope",
        GroundTest::Other => "other",
    }
}

fn test_label(t: GroundTest) -> &'static str {
    match t {
        GroundTest::Conclusive => "Conclusive: once the ground applies, the information may be withheld",
        GroundTest::PublicInterest => "Public-interest test: withheld only if the public interest in release does not outweigh it",
        GroundTest::Refusal => "A ground for refusing a request",
        GroundTest::Scope => "Not a statutory ground: outside the scope of the request",
        GroundTest::Other => "Another regime's exemption",
    }
}

fn relation_class(r: Relation) -> &'static str {
    match r {
        Relation::Confirms => "confirms",
        Relation::Contradicts => "contradicts",
        Relation::Adds => "adds",
    }
}

fn relation_label(r: Relation) -> &'static str {
    match r {
        Relation::Confirms => "Confirms",
        Relation::Contradicts => "Contradicts",
        Relation::Adds => "Adds",
    }
}

fn parse_date(iso: &str) -> Option<(i32, u32, u32)> {
    let mut it = iso.trim().splitn(3, '-');
    let y = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.get(..2)?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// `2024-07-09` → `9 July 2024`; anything else as written.
pub fn human_date(iso: &str) -> String {
    match parse_date(iso) {
        Some((y, m, d)) => format!("{d} {} {y}", MONTHS[m as usize - 1]),
        None => iso.to_string(),
    }
}

/// `2024-07-09` → `Tuesday 9 July 2024`.
pub fn human_day(iso: &str) -> String {
    match parse_date(iso) {
        Some((y, m, d)) => format!("{} {}", weekday(y, m, d), human_date(iso)),
        None => iso.to_string(),
    }
}

/// `2024-07-09/2024-07-11` → `9 July 2024 to 11 July 2024`.
fn human_date_range(value: &str) -> String {
    match value.split_once('/') {
        Some((a, b)) => format!("{} to {}", human_date(a), human_date(b)),
        None => human_date(value),
    }
}

/// Day of the week (Sakamoto's method).
fn weekday(y: i32, m: u32, d: u32) -> &'static str {
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    const NAMES: [&str; 7] = [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ];
    let y = if m < 3 { y - 1 } else { y };
    let w = (y + y / 4 - y / 100 + y / 400 + T[m as usize - 1] + d as i32).rem_euclid(7);
    NAMES[w as usize]
}

/// `text` as a quoted CSS string, for `content:`. A CSS file is not HTML,
/// so only the string's own delimiters and line breaks need escaping.
fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push_str("\\a "),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn css_strings_escape_their_delimiters_and_line_breaks() {
        assert_eq!(
            super::css_string("a \"b\" \\ c\nd"),
            "\"a \\\"b\\\" \\\\ c\\a d\""
        );
    }

    use super::*;

    #[test]
    fn dates_read_in_full() {
        assert_eq!(human_date("2024-07-09"), "9 July 2024");
        assert_eq!(human_day("2024-07-09"), "Tuesday 9 July 2024");
        assert_eq!(human_day("2024-10-11"), "Friday 11 October 2024");
        assert_eq!(human_date("soon"), "soon");
        assert_eq!(
            human_date_range("2024-07-09/2024-07-11"),
            "9 July 2024 to 11 July 2024"
        );
    }
}

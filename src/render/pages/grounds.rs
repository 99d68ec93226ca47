//! Withholding grounds: the grounds index, each ground's places, and the
//! badges' stylesheet.

use crate::render::value::{tv, with, Value};

use super::*;

impl Page<'_, '_> {
    pub(super) fn grounds(&self) -> Value {
        let c = &self.r.site.content;
        let total = &self.r.release_stats;
        let mut used = Vec::new();
        let mut unused = Vec::new();
        for (g, ground) in c.grounds.iter().enumerate() {
            let participants: usize = self.r.ground_participant_uses[g].iter().map(|x| x.1).sum();
            let v = tv!({
                "code": ground.code, "label": ground.label, "url": self.ground_url(g),
                "section": ground.section, "test": test_label(ground.test),
                "count": total.uses(g) + participants,
            });
            if total.uses(g) + participants > 0 {
                used.push(v);
            } else {
                unused.push(v);
            }
        }
        tv!({ "used": used, "unused": unused })
    }
    pub(super) fn ground(&self, g: usize) -> Value {
        let r = self.r;
        let c = &r.site.content;
        let ground = &c.grounds[g];
        let canonical = crate::grounds::key(&ground.code);
        let parent =
            crate::markers::parent(&canonical).and_then(|p| r.badges.lookup.get(&p).copied());
        let children: Vec<Value> = c
            .grounds
            .iter()
            .enumerate()
            .filter(|(_, x)| crate::markers::parent(&crate::grounds::key(&x.code)).as_deref() == Some(canonical.as_str()))
            .map(|(i, x)| tv!({"code": x.code, "label": x.label, "url": self.ground_url(i), "count": r.release_stats.per_ground[i]}))
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
                tv!({
                    "title": c.documents[d].meta.title,
                    "url": url,
                    "count": n,
                    "places": places.iter().map(|p| {
                        let blocks = &r.documents[d].blocks;
                        tv!({
                            "label": p.label(blocks),
                            "page": p.page,
                            "count": p.count,
                            "url": match p.anchor(blocks) { Some(a) => format!("{url}#{a}"), None => url.clone() },
                        })
                    }).collect::<Vec<_>>(),
                })
            })
            .collect();
        let participants: Vec<Value> = r.ground_participant_uses[g]
            .iter()
            .map(|&(m, n)| {
                with(
                    &self.meeting_summary(m),
                    &[
                        ("count", tv!(n)),
                        ("url", tv!(format!("{}#participants", self.meeting_url(m)))),
                    ],
                )
            })
            .collect();
        let cited = c
            .release
            .meta
            .grounds_cited
            .iter()
            .find(|x| crate::grounds::key(&x.code) == canonical);
        tv!({
            "ground": {
                "code": ground.code,
                "section": ground.section,
                "label": ground.label,
                "wording": ground.wording,
                "act": if ground.act.is_empty() { r.badges.default_act.clone() } else { ground.act.clone() },
                "test": test_class(ground.test),
                "test_label": test_label(ground.test),
                "name": markdown::accessible_name(ground, &r.badges.default_act),
            },
            "cited_reason": cited.map(|x| x.reason.clone()),
            "parent": parent.map(|p| tv!({"code": c.grounds[p].code, "label": c.grounds[p].label, "url": self.ground_url(p)})),
            "children": children,
            "count": r.release_stats.per_ground[g],
            "documents": documents,
            "participants": participants,
        })
    }
    /// Per ground: the class its badge links carry and the explanation
    /// shown on hover and focus, as a quoted CSS string.
    pub(super) fn grounds_css(&self) -> Value {
        let c = &self.r.site.content;
        let grounds: Vec<Value> = c
            .grounds
            .iter()
            .zip(&self.r.badges.slugs)
            .map(|(g, slug)| {
                let text = if g.wording.is_empty() {
                    &g.label
                } else {
                    &g.wording
                };
                tv!({
                    "code": g.code,
                    "class": format!("g-{slug}"),
                    "content": css_string(&format!("{}: {text}", g.section)),
                })
            })
            .collect();
        tv!({ "grounds": grounds })
    }
}

//! Which pages an edit of an entry can change.

use std::collections::BTreeSet;
use std::path::Path;

use crate::load::Kind;
use crate::markers;
use crate::model::Site;
use crate::render::PageId;

/// The entries whose pages an edit can change, by slug (indices move when
/// files are added or removed; slugs are what URLs are made of).
#[derive(Default)]
pub(super) struct Affected {
    pub(super) meetings: BTreeSet<String>,
    documents: BTreeSet<String>,
    press: BTreeSet<String>,
    grounds: BTreeSet<String>,
}

impl Affected {
    /// Adds what shows the entry at `path` in `site` (called with the site
    /// before the edit and after it).
    pub(super) fn entry(&mut self, site: &Site, kind: Kind, path: &Path) {
        let c = &site.content;
        match kind {
            Kind::Meeting => {
                if let Some(i) = c.meetings.iter().position(|e| e.path == path) {
                    self.meeting_at(site, i);
                }
            }
            Kind::Document => {
                let Some(d) = c.documents.iter().position(|e| e.path == path) else {
                    return;
                };
                let slug = &c.documents[d].slug;
                self.documents.insert(slug.clone());
                self.body_grounds(site, &c.documents[d].body);
                // Meetings that cover it or quote its paragraphs beside a
                // press claim show its text, and so do their press pages.
                for (m, meeting) in c.meetings.iter().enumerate() {
                    let quotes = meeting
                        .meta
                        .press
                        .iter()
                        .any(|p| p.release.iter().any(|r| &r.document == slug));
                    if quotes || site.document_meetings[d].contains(&m) {
                        self.meeting_and_press(site, m);
                    }
                }
            }
            Kind::Press => {
                let Some(p) = c.press.iter().position(|e| e.path == path) else {
                    return;
                };
                self.press.insert(c.press[p].slug.clone());
                self.body_grounds(site, &c.press[p].body);
                for &m in &site.press_meetings[p] {
                    self.meetings.insert(c.meetings[m].slug.clone());
                }
            }
        }
    }

    /// What shows the meeting at index `i` of `site`: its page, its
    /// neighbours' (they show it as previous / next) and the pages that
    /// show it.
    pub(super) fn meeting_at(&mut self, site: &Site, i: usize) {
        let c = &site.content;
        self.meeting(site, i);
        if let Some(pos) = site.meeting_order.iter().position(|&x| x == i) {
            for n in [pos.checked_sub(1), Some(pos + 1)].into_iter().flatten() {
                if let Some(&m) = site.meeting_order.get(n) {
                    self.meetings.insert(c.meetings[m].slug.clone());
                }
            }
        }
    }

    /// A meeting's page and the pages that show it.
    fn meeting(&mut self, site: &Site, m: usize) {
        let c = &site.content;
        let meeting = &c.meetings[m];
        self.meeting_and_press(site, m);
        for &d in &site.meeting_documents[m] {
            self.documents.insert(c.documents[d].slug.clone());
        }
        for source in &meeting.meta.sources {
            self.documents.insert(source.document.clone());
        }
        // Documents link back to the press claims that quote them.
        for p in &meeting.meta.press {
            for passage in &p.release {
                self.documents.insert(passage.document.clone());
            }
        }
        self.body_grounds(site, &meeting.body);
        for u in &site.participant_markers[m] {
            for &g in &u.grounds {
                self.grounds.insert(c.grounds[g].code.clone());
            }
        }
    }

    fn meeting_and_press(&mut self, site: &Site, m: usize) {
        let meeting = &site.content.meetings[m];
        self.meetings.insert(meeting.slug.clone());
        for p in &meeting.meta.press {
            self.press.insert(p.item.clone());
        }
    }

    fn body_grounds(&mut self, site: &Site, body: &str) {
        for group in markers::scan(body) {
            for code in &group.codes {
                if let Some(&g) = site.ground_index.get(&code.canonical) {
                    self.grounds.insert(site.content.grounds[g].code.clone());
                }
            }
        }
    }

    /// The affected entries' own pages (meetings, documents, press items):
    /// rendered before the reload.
    pub(super) fn first_pages(&self, site: &Site) -> Vec<PageId> {
        let c = &site.content;
        let mut ids = Vec::new();
        pick(
            &self.meetings,
            c.meetings.iter().map(|e| e.slug.as_str()),
            PageId::Meeting,
            &mut ids,
        );
        pick(
            &self.documents,
            c.documents.iter().map(|e| e.slug.as_str()),
            PageId::Document,
            &mut ids,
        );
        pick(
            &self.press,
            c.press.iter().map(|e| e.slug.as_str()),
            PageId::Press,
            &mut ids,
        );
        ids
    }

    /// Every index (home, lists, participants, sitemap, feed) and the
    /// affected ground pages: rendered after the reload.
    pub(super) fn later_pages(&self, site: &Site) -> Vec<PageId> {
        let c = &site.content;
        let mut ids = vec![
            PageId::Home,
            PageId::Meetings,
            PageId::Documents,
            PageId::PressIndex,
            PageId::Grounds,
            PageId::Participants,
            PageId::Sitemap,
            PageId::Feed,
            // Built from every meeting and press claim.
            PageId::Data,
            PageId::Compare,
        ];
        // As `Renderer::all_pages`: no meetings, no meetings index.
        if c.meetings.is_empty() {
            ids.retain(|&id| id != PageId::Meetings);
        }
        if c.config.search {
            ids.push(PageId::Search);
        }
        pick(
            &self.grounds,
            c.grounds.iter().map(|g| g.code.as_str()),
            PageId::Ground,
            &mut ids,
        );
        ids
    }
}

/// The pages (`id` of the position) of the entries whose slugs are in `set`.
fn pick<'a>(
    set: &BTreeSet<String>,
    slugs: impl Iterator<Item = &'a str>,
    id: fn(usize) -> PageId,
    out: &mut Vec<PageId>,
) {
    if set.is_empty() {
        return;
    }
    for (i, s) in slugs.enumerate() {
        if set.contains(s) {
            out.push(id(i));
        }
    }
}

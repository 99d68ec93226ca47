//! Search: a Pagefind index of the rendered pages, built inside `annex
//! build` with Pagefind's Rust API over the HTML in memory (no second tool,
//! nothing read back from disk), and a search page that queries it from the
//! static files.
//!
//! What is indexed is chosen by the templates: only elements marked
//! `data-pagefind-body` (released text, the cover letter, editorial
//! annotations, press text). Badge tooltips, cite controls and claim links
//! are excluded by selector, so nothing the theme hides from readers is
//! searchable. Filters (ground, meeting, document, participant, date) and
//! result metadata come from attribute-only elements (`key:value`), which
//! carry no text of their own.
//!
//! Pagefind folds diacritics when it indexes and when it searches, so
//! "Tena koe" finds "Tēnā koe" without a folded copy of the text.

use std::collections::BTreeSet;
use std::sync::mpsc;
use std::thread;

use crate::render::value::{tv, Value};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::{OutputFile, PageId, Renderer};

/// Where the index goes, relative to the output folder.
pub const BUNDLE_DIR: &str = "pagefind";

/// Pagefind's files we do not ship: its own UIs (the theme has its own
/// search page) and the highlighting script.
const UNUSED: &[&str] = &[
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

/// Elements never indexed, whatever a template marks: the badges' hidden
/// tooltips, controls and navigation.
const EXCLUDE: &[&str] = &[
    ".cite",
    ".claim-links",
    ".visually-hidden",
    ".page-word",
    "nav",
    "script",
];

/// Whether the site builds a search index: `search: false` in site.yaml
/// turns it off.
pub fn enabled(r: &Renderer) -> bool {
    r.site.content.config.search
}

/// Indexes the HTML pages among `files` and returns Pagefind's bundle,
/// paths under `pagefind/`, sorted.
///
/// Only the pages indexed are copied (Pagefind takes each page as an owned
/// `String`, and the caller still writes `files`); the theme's assets, the
/// cards and the data downloads are passed over without a copy.
pub fn index(files: &[OutputFile]) -> Result<Vec<OutputFile>, Diagnostics> {
    let indexer = Indexer::start();
    for f in files.iter().filter(|f| indexed(&f.path)) {
        indexer.add(f.path.clone(), f.bytes.clone());
    }
    indexer.finish()
}

/// Whether an output file goes into the index: HTML pages, except the 404
/// page, which is not content.
fn indexed(path: &str) -> bool {
    path.ends_with(".html") && path != "404.html"
}

/// Pagefind's index, built on a thread of its own while the pages are
/// still being rendered: a build hands each page over as it is written
/// and keeps no page in memory. Pages must be added in a stable order
/// (the bundle depends on it).
pub struct Indexer {
    pages: Option<mpsc::SyncSender<(String, String)>>,
    worker: Option<thread::JoinHandle<Result<Vec<pagefind::api::SyntheticFile>, String>>>,
}

impl Indexer {
    pub fn start() -> Self {
        // Bounded, so a slow indexer holds back rendering instead of
        // letting pages pile up in memory.
        let (tx, rx) = mpsc::sync_channel::<(String, String)>(64);
        let worker = thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .map_err(|e| format!("cannot start the indexer: {e}"))?;
            let config = pagefind::options::PagefindServiceConfig::builder()
                .force_language("en".to_string())
                .exclude_selectors(EXCLUDE.iter().map(|s| s.to_string()).collect())
                .build();
            runtime.block_on(async {
                let mut index = pagefind::api::PagefindIndex::new(Some(config))
                    .map_err(|e| format!("cannot configure the indexer: {e}"))?;
                // Every page is taken off the channel even after an error,
                // so that the renderer never blocks on a full one.
                let mut failed = None;
                for (path, html) in rx {
                    if failed.is_some() {
                        continue;
                    }
                    if let Err(e) = index.add_html_file(Some(path.clone()), None, html).await {
                        failed = Some(format!("cannot index {path}: {e}"));
                    }
                }
                if let Some(e) = failed {
                    return Err(e);
                }
                index
                    .get_files()
                    .await
                    .map_err(|e| format!("cannot build the index: {e}"))
            })
        });
        Indexer {
            pages: Some(tx),
            worker: Some(worker),
        }
    }

    /// Hands one output file to the index; anything but an HTML page (and
    /// the 404 page, which is not content) is passed over.
    pub fn add(&self, path: String, bytes: Vec<u8>) {
        if !indexed(&path) {
            return;
        }
        if let Some(tx) = &self.pages {
            let html = String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            // A send fails only when the worker is gone; `finish` says why.
            let _ = tx.send((path, html));
        }
    }

    /// Waits for the index and returns Pagefind's bundle, paths under
    /// `pagefind/`, sorted.
    pub fn finish(mut self) -> Result<Vec<OutputFile>, Diagnostics> {
        let fail = |e: String| {
            let mut d = Diagnostics::default();
            d.push(
                Diagnostic::error("search", "pagefind", e)
                    .hint("set `search: false` in site.yaml to build without a search index"),
            );
            d
        };
        drop(self.pages.take());
        let mut bundle = match self.worker.take().map(|w| w.join()) {
            Some(Ok(result)) => result.map_err(fail)?,
            _ => return Err(fail("the indexer stopped unexpectedly".into())),
        };
        let mut out: Vec<OutputFile> = bundle
            .drain(..)
            .filter_map(|f| {
                let rel = bundle_path(&f.filename)?;
                let name = rel.rsplit('/').next().unwrap_or_default();
                (!UNUSED.contains(&name)).then(|| OutputFile {
                    path: format!("{BUNDLE_DIR}/{rel}"),
                    bytes: f.contents,
                })
            })
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }
}

/// A bundle file's path inside the bundle folder, `/`-separated.
fn bundle_path(p: &std::path::Path) -> Option<String> {
    let parts: Vec<String> = p
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let start = parts
        .iter()
        .rposition(|c| c == BUNDLE_DIR)
        .map_or(0, |i| i + 1);
    let rel = parts[start..].join("/");
    (!rel.is_empty()).then_some(rel)
}

/// The search metadata of a page, for `base.html`: filters and result
/// metadata. `None` for pages that are not indexed.
pub fn page_meta(r: &Renderer, id: PageId) -> Option<Value> {
    if !enabled(r) {
        return None;
    }
    let c = &r.site.content;
    let mut filters: Vec<(&str, String)> = Vec::new();
    let mut grounds: BTreeSet<usize> = BTreeSet::new();
    let kind;
    let date;
    let participants = |meetings: &[usize], filters: &mut Vec<(&str, String)>| {
        let mut names = BTreeSet::new();
        for &m in meetings {
            for side in &c.meetings[m].meta.participants {
                names.extend(side.people.iter().filter_map(|p| p.name.clone()));
            }
        }
        filters.extend(names.into_iter().map(|n| ("participant", n)));
    };
    match id {
        PageId::Document(d) => {
            let doc = &c.documents[d];
            kind = "Document";
            date = doc.meta.date.clone();
            filters.push(("document", doc.meta.title.clone()));
            let meetings = &r.site.document_meetings[d];
            filters.extend(
                meetings
                    .iter()
                    .map(|&m| ("meeting", c.meetings[m].meta.title.clone())),
            );
            participants(meetings, &mut filters);
            grounds.extend(used(&r.document_stats[d].per_ground));
        }
        PageId::Meeting(m) => {
            let meeting = &c.meetings[m];
            kind = "Meeting";
            date = Some(meeting.meta.date.clone());
            filters.push(("meeting", meeting.meta.title.clone()));
            let docs: BTreeSet<usize> = r.meeting_passages[m].iter().map(|p| p.document).collect();
            filters.extend(
                docs.iter()
                    .map(|&d| ("document", c.documents[d].meta.title.clone())),
            );
            participants(&[m], &mut filters);
            grounds.extend(used(&r.meeting_stats[m].per_ground));
            grounds.extend(
                r.site.participant_markers[m]
                    .iter()
                    .flat_map(|u| u.grounds.iter().copied()),
            );
        }
        PageId::Press(p) => {
            let item = &c.press[p];
            kind = "Press";
            date = item.meta.date.clone();
            let meetings = &r.site.press_meetings[p];
            filters.extend(
                meetings
                    .iter()
                    .map(|&m| ("meeting", c.meetings[m].meta.title.clone())),
            );
            participants(meetings, &mut filters);
        }
        PageId::Home => {
            kind = "Response letter";
            date = c.release.meta.response_date.clone();
            grounds.extend(
                r.letter
                    .blocks
                    .iter()
                    .flat_map(|b| b.groups.iter().flatten().copied()),
            );
        }
        _ => return None,
    }
    let grounds: Vec<usize> = grounds
        .into_iter()
        .filter(|&g| g < c.grounds.len())
        .collect();
    filters.extend(
        grounds
            .iter()
            .map(|&g| ("ground", c.grounds[g].code.clone())),
    );
    if let Some(d) = &date {
        filters.push(("date", d.clone()));
    }
    let codes: Vec<&str> = grounds
        .iter()
        .map(|&g| c.grounds[g].code.as_str())
        .collect();
    Some(tv!({
        "filters": filters.into_iter().map(|(k, v)| tv!({"key": k, "value": v})).collect::<Vec<_>>(),
        "meta": [
            {"key": "kind", "value": kind},
            {"key": "date", "value": date.as_deref().map(crate::render::pages::human_date).unwrap_or_default()},
            {"key": "grounds", "value": codes.join(" ")},
        ],
    }))
}

fn used(per_ground: &[u32]) -> impl Iterator<Item = usize> + '_ {
    per_ground
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(g, _)| g)
}

/// Path of the search page.
pub const PAGE_PATH: &str = "search/index.html";

/// The search page's context: the filter choices (exactly the values the
/// pages carry) and each ground's page, for the results' badges.
pub fn context(r: &Renderer, root: &str) -> Value {
    let c = &r.site.content;
    let used_grounds: Vec<Value> = (0..c.grounds.len())
        .filter(|&g| {
            r.release_stats.per_ground.get(g).copied().unwrap_or(0) > 0
                || !r.ground_participant_uses[g].is_empty()
        })
        .map(|g| tv!({"code": c.grounds[g].code, "label": c.grounds[g].label}))
        .collect();
    let slugs: serde_json::Map<String, serde_json::Value> = c
        .grounds
        .iter()
        .enumerate()
        .map(|(g, ground)| (ground.code.clone(), serde_json::json!(r.badges.slugs[g])))
        .collect();
    let meetings: Vec<Value> = r
        .site
        .meeting_order
        .iter()
        .filter(|&&m| c.meetings[m].meta.scope != crate::model::Scope::Excluded)
        .map(|&m| tv!(c.meetings[m].meta.title))
        .collect();
    let documents: Vec<Value> = crate::export::document_order(r)
        .into_iter()
        .map(|d| tv!(c.documents[d].meta.title))
        .collect();
    let participants: BTreeSet<&str> = c
        .meetings
        .iter()
        .filter(|m| m.meta.scope != crate::model::Scope::Excluded)
        .flat_map(|m| &m.meta.participants)
        .flat_map(|s| &s.people)
        .filter_map(|p| p.name.as_deref())
        .collect();
    let dates: BTreeSet<&str> = c
        .meetings
        .iter()
        .filter(|m| m.meta.scope != crate::model::Scope::Excluded)
        .map(|m| m.meta.date.as_str())
        .chain(c.documents.iter().filter_map(|d| d.meta.date.as_deref()))
        .chain(c.release.meta.response_date.as_deref())
        .collect();
    tv!({
        "enabled": enabled(r),
        "grounds": used_grounds,
        "meetings": meetings,
        "documents": documents,
        "participants": participants,
        "dates": dates.iter().map(|d| tv!({"value": d, "label": crate::render::pages::human_date(d)})).collect::<Vec<_>>(),
        "ground_slugs": serde_json::Value::Object(slugs).to_string(),
        "bundle": format!("{root}{BUNDLE_DIR}/"),
    })
}

//! Sharing: OpenGraph and Twitter card metadata for every page, and a
//! social card image (PNG, 1200×630) per meeting showing the meeting, its
//! date and a bar of how much was withheld.
//!
//! A card is drawn as SVG, then rasterised with resvg using fonts compiled
//! into the binary (DejaVu Sans, `themes/default/fonts/`), so cards look the
//! same on every machine, with or without fonts installed (`draw`).
//! Rasterising is the slow part, so PNGs are cached by a hash of the SVG
//! (which holds everything drawn; a hatch is hashed as the rectangle it
//! fills, not its stripes) in `.annex-cache/cards/` under the project: an
//! unchanged card is read back, not redrawn (`cache`). The cache is only
//! ever a copy: deleting it changes nothing but build time (and a running
//! `serve`, which serves cached cards from it, answers 404 for them until
//! restarted). A build that succeeds removes the cached cards it did not
//! use ([`prune`]), so the cache holds about one card per meeting however
//! often cards change.

mod cache;
mod draw;

use std::path::PathBuf;

use rayon::prelude::*;

pub use cache::{cache_dir, cache_name, hold, prune, Hold, Pruned};
use draw::{card_svg, date_line, font_options, rasterise, withheld_sentence, Stripes};

use crate::model::Meeting;
use crate::render::value::{tv, Value};
use crate::render::{OutputFile, PageId, Renderer};

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// How a build's cards were produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardReport {
    pub drawn: usize,
    pub cached: usize,
    /// The cache key of every card made, sorted and without repeats: the
    /// entries [`prune`] keeps.
    pub keys: Vec<u64>,
}

/// Output path of a meeting's card.
pub fn card_path(m: &Meeting) -> String {
    format!("cards/{}.png", m.slug)
}

/// Every meeting's card, drawn or read from the cache, sorted by path.
pub fn files(r: &Renderer) -> (Vec<OutputFile>, CardReport) {
    // Held until the cached cards are read, so that no build removes one
    // between finding and reading it.
    let _hold = hold(&r.site.content.root);
    let (cards, report) = cards_of(r, None);
    let files = cards
        .into_par_iter()
        .filter_map(|(path, card)| {
            let bytes = match card {
                Card::Drawn { bytes, .. } => bytes,
                Card::Cached { file, .. } => std::fs::read(file).ok()?,
            };
            Some(OutputFile { path, bytes })
        })
        .collect();
    (files, report)
}

/// The cards of the meetings at `meetings` (`None`: every meeting), sorted
/// by path, as they were made: `serve` keeps a cached card as its file in
/// the cache, read when asked for, rather than holding its bytes (a third
/// of a large site's). The caller holds the cache ([`hold`]) for as long
/// as it refers to those files.
pub fn cards_of(r: &Renderer, meetings: Option<&[usize]>) -> (Vec<(String, Card)>, CardReport) {
    let out = std::sync::Mutex::new(Vec::new());
    let all_meetings;
    let meetings = match meetings {
        Some(m) => m,
        None => {
            all_meetings = all(r);
            &all_meetings
        }
    };
    let report = each_of(r, meetings, |path, card| {
        out.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path, card));
        Ok(())
    })
    .unwrap_or_default();
    let mut cards = out.into_inner().unwrap_or_else(|e| e.into_inner());
    cards.sort_by(|a, b| a.0.cmp(&b.0));
    (cards, report)
}

/// A card for the output: just drawn, or a file in the cache (which a
/// build links or copies without reading it), with its size in bytes; and
/// its cache key, a hash of what it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Card {
    Drawn { bytes: Vec<u8>, key: u64 },
    Cached { file: PathBuf, bytes: u64, key: u64 },
}

/// Hands every meeting's card and its output path to `put` as soon as it
/// is drawn or found in the cache, in parallel, so that a build never holds
/// them all (at 24 KB a card they are a third of a large site's bytes). Stops
/// at `put`'s first error. A card that cannot be drawn is left out.
pub fn each<F>(r: &Renderer, put: F) -> std::io::Result<CardReport>
where
    F: Fn(String, Card) -> std::io::Result<()> + Sync,
{
    each_of(r, &all(r), put)
}

fn all(r: &Renderer) -> Vec<usize> {
    (0..r.site.content.meetings.len()).collect()
}

/// [`each`] for the meetings at `meetings`.
pub fn each_of<F>(r: &Renderer, meetings: &[usize], put: F) -> std::io::Result<CardReport>
where
    F: Fn(String, Card) -> std::io::Result<()> + Sync,
{
    let c = &r.site.content;
    let cache = cache_dir(&c.root);
    let _hold = hold(&c.root);
    let options = std::sync::OnceLock::new();
    let drawn = std::sync::atomic::AtomicUsize::new(0);
    let cached = std::sync::atomic::AtomicUsize::new(0);
    let keys = std::sync::Mutex::new(Vec::with_capacity(meetings.len()));
    // Each thread draws into one pixmap (3 MB), cleared between cards,
    // rather than asking the allocator for a new one per card.
    meetings.par_iter().try_for_each_init(
        || None,
        |pixmap, &m| {
            // The key is the card with its hatch described, not drawn:
            // drawing the stripes costs more than the rest of the SVG, and
            // a cached card (the usual case) needs only the key.
            let described = card_svg(r, m, Stripes::Described);
            let key = cache::key(&described);
            keys.lock().unwrap_or_else(|e| e.into_inner()).push(key);
            let cached_png = cache.join(cache_name(key));
            // One `stat` tells both that the card is cached and its size,
            // which the build counts without asking the file system again.
            if let Some(bytes) = std::fs::metadata(&cached_png)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len())
            {
                cached.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let card = Card::Cached {
                    file: cached_png,
                    bytes,
                    key,
                };
                return put(card_path(&c.meetings[m]), card);
            }
            let svg = card_svg(r, m, Stripes::Drawn);
            let Some(bytes) = rasterise(&svg, options.get_or_init(font_options), pixmap) else {
                return Ok(());
            };
            cache::put(&cache, key, &bytes);
            drawn.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            put(card_path(&c.meetings[m]), Card::Drawn { bytes, key })
        },
    )?;
    let mut keys = keys.into_inner().unwrap_or_else(|e| e.into_inner());
    keys.sort_unstable();
    keys.dedup();
    Ok(CardReport {
        drawn: drawn.into_inner(),
        cached: cached.into_inner(),
        keys,
    })
}

/// The sharing metadata of a page for `base.html`: title, type and, for a
/// meeting, its card. `None` for files that are not HTML pages.
pub fn social(r: &Renderer, id: PageId, full_title: &str) -> Value {
    let c = &r.site.content;
    let kind = match id {
        PageId::Sitemap | PageId::Feed | PageId::Robots | PageId::GroundsCss => {
            return Value::none()
        }
        PageId::Meeting(_) | PageId::Document(_) | PageId::Press(_) => "article",
        _ => "website",
    };
    let image = match id {
        PageId::Meeting(m) => {
            let meeting = &c.meetings[m];
            tv!({
                "url": r.absolute(&card_path(meeting)),
                "width": WIDTH,
                "height": HEIGHT,
                "alt": format!("{}, {}. {}.", meeting.meta.title, date_line(meeting), withheld_sentence(meeting, &r.meeting_stats[m])),
            })
        }
        _ => Value::none(),
    };
    tv!({ "type": kind, "title": full_title, "image": image })
}

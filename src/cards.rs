//! Sharing: OpenGraph and Twitter card metadata for every page, and a
//! social card image (PNG, 1200×630) per meeting showing the meeting, its
//! date and a bar of how much was withheld.
//!
//! A card is drawn as SVG, then rasterised with resvg using fonts compiled
//! into the binary (DejaVu Sans, `themes/default/fonts/`), so cards look the
//! same on every machine, with or without fonts installed. Rasterising is
//! the slow part, so PNGs are cached by a hash of the SVG (which holds
//! everything drawn) in `.annex-cache/cards/` under the project: an
//! unchanged card is read back, not redrawn. The cache is only ever a copy:
//! deleting it changes nothing but build time.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use crate::render::value::{tv, Value};

use crate::model::{Meeting, Scope};
use crate::render::markdown::escape;
use crate::render::stats::Stats;
use crate::render::{OutputFile, PageId, Renderer};

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

const SANS: &[u8] = include_bytes!("../themes/default/fonts/DejaVuSans.ttf");
const SANS_BOLD: &[u8] = include_bytes!("../themes/default/fonts/DejaVuSans-Bold.ttf");

/// Changes whenever the drawing code or fonts change, so old cached cards
/// are not reused for a new look.
const CACHE_VERSION: &str = "cards-1 resvg-0.49 dejavu-2.37";

/// How a build's cards were produced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CardReport {
    pub drawn: usize,
    pub cached: usize,
}

/// Output path of a meeting's card.
pub fn card_path(m: &Meeting) -> String {
    format!("cards/{}.png", m.slug)
}

/// The card folder of the project's cache.
pub fn cache_dir(root: &Path) -> PathBuf {
    root.join(".annex-cache").join("cards")
}

/// Every meeting's card, drawn or read from the cache, sorted by path.
pub fn files(r: &Renderer) -> (Vec<OutputFile>, CardReport) {
    files_of(r, &all(r))
}

/// The cards of the meetings at `meetings` (indices into the content's
/// meetings), as [`files`]: `serve` makes again only those an edit changed.
pub fn files_of(r: &Renderer, meetings: &[usize]) -> (Vec<OutputFile>, CardReport) {
    let out = std::sync::Mutex::new(Vec::new());
    let report = each_of(r, meetings, |path, card| {
        let bytes = match card {
            Card::Drawn(bytes) => bytes,
            Card::Cached(file) => std::fs::read(file)?,
        };
        out.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(OutputFile { path, bytes });
        Ok(())
    })
    .unwrap_or_default();
    let mut files = out.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (files, report)
}

/// A card for the output: just drawn, or a file in the cache (which a
/// build links or copies without reading it).
pub enum Card {
    Drawn(Vec<u8>),
    Cached(PathBuf),
}

/// Hands every meeting's card and its output path to `put` as soon as it
/// is drawn or found in the cache, in parallel, so that a build never holds
/// them all (at 43 KB a card they are most of a large site's bytes). Stops
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
    let options = std::sync::OnceLock::new();
    let drawn = std::sync::atomic::AtomicUsize::new(0);
    let cached = std::sync::atomic::AtomicUsize::new(0);
    meetings.par_iter().try_for_each(|&m| {
        let svg = card_svg(r, m);
        let key = format!(
            "{:016x}",
            fnv1a(&[CACHE_VERSION.as_bytes(), svg.as_bytes()])
        );
        let cached_png = cache.join(format!("{key}.png"));
        if cached_png.is_file() {
            cached.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return put(card_path(&c.meetings[m]), Card::Cached(cached_png));
        }
        let Some(bytes) = rasterise(&svg, options.get_or_init(font_options)) else {
            return Ok(());
        };
        // The cache is an optimisation: a read-only project still builds.
        if std::fs::create_dir_all(&cache).is_ok() {
            let tmp = cache.join(format!("{key}.{}.tmp", std::process::id()));
            if std::fs::write(&tmp, &bytes).is_ok() {
                let _ = std::fs::rename(&tmp, &cached_png);
            }
        }
        drawn.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        put(card_path(&c.meetings[m]), Card::Drawn(bytes))
    })?;
    Ok(CardReport {
        drawn: drawn.into_inner(),
        cached: cached.into_inner(),
    })
}

fn font_options() -> resvg::usvg::Options<'static> {
    let mut opt = resvg::usvg::Options::default();
    let db = opt.fontdb_mut();
    db.load_font_data(SANS.to_vec());
    db.load_font_data(SANS_BOLD.to_vec());
    db.set_sans_serif_family("DejaVu Sans");
    opt.font_family = "DejaVu Sans".into();
    opt
}

fn rasterise(svg: &str, opt: &resvg::usvg::Options) -> Option<Vec<u8>> {
    let tree = resvg::usvg::Tree::from_str(svg, opt).ok()?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(WIDTH, HEIGHT)?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().ok()
}

/// 64-bit FNV-1a: stable across Rust versions and platforms, which the
/// standard library's hasher is not promised to be.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        // Separate parts, so ("ab", "c") and ("a", "bc") differ.
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Words of `text` in lines of at most `width` characters; the last line
/// ends with an ellipsis when the text needs more than `max` lines.
fn wrap(text: &str, width: usize, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    lines
}

/// What the card's bar says, in words (also the image's alt text).
fn withheld_sentence(m: &Meeting, s: &Stats) -> String {
    if m.meta.scope == Scope::Excluded {
        return "Excluded from the request: nothing about it was released".into();
    }
    let n = s.paragraphs();
    if n == 0 {
        return "No released paragraphs are attached to this meeting".into();
    }
    let withheld = s.partly + s.full;
    format!(
        "{withheld} of {n} paragraph{} withheld: {} in full, {} in part",
        if n == 1 { "" } else { "s" },
        s.full,
        s.partly
    )
}

fn date_line(m: &Meeting) -> String {
    let mut s = crate::render::pages::human_day(&m.meta.date);
    match (&m.meta.start, &m.meta.end) {
        (Some(a), Some(b)) => s.push_str(&format!(", {a}–{b}")),
        (Some(a), None) => s.push_str(&format!(", {a}")),
        _ => {}
    }
    s
}

/// The card as SVG. Colours follow the theme's light palette; the bar's
/// segments differ in pattern as well as colour, and the figures are written
/// beside it.
fn card_svg(r: &Renderer, m: usize) -> String {
    let c = &r.site.content;
    let meeting = &c.meetings[m];
    let stats = &r.meeting_stats[m];
    let rel = &c.release.meta;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">\
<defs><pattern id=\"hatch\" width=\"12\" height=\"12\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"12\" height=\"12\" fill=\"#d9a441\"/><rect width=\"5\" height=\"12\" fill=\"#b07d1e\"/></pattern></defs>\
<rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#fbfaf7\"/><rect width=\"16\" height=\"{HEIGHT}\" fill=\"#1a4f8b\"/>\
<g font-family=\"DejaVu Sans\" fill=\"#1c1d1f\">"
    );
    // The site title usually names the release; else name it here.
    let head = if c.config.title.contains(&rel.reference) {
        c.config.title.clone()
    } else {
        format!("{} · {}", rel.reference, c.config.title)
    };
    svg.push_str(&format!(
        "<text x=\"80\" y=\"92\" font-size=\"28\" fill=\"#55585e\">{}</text>",
        escape(&wrap(&head, 62, 1).concat())
    ));
    let title = wrap(&meeting.meta.title, 32, 3);
    let mut y = 180;
    for line in &title {
        svg.push_str(&format!(
            "<text x=\"80\" y=\"{y}\" font-size=\"54\" font-weight=\"bold\">{}</text>",
            escape(line)
        ));
        y += 66;
    }
    svg.push_str(&format!(
        "<text x=\"80\" y=\"{}\" font-size=\"32\">{}</text>",
        y + 8,
        escape(&date_line(meeting))
    ));
    if let Some(place) = &meeting.meta.place {
        svg.push_str(&format!(
            "<text x=\"80\" y=\"{}\" font-size=\"28\" fill=\"#55585e\">{}</text>",
            y + 50,
            escape(&wrap(place, 60, 1).concat())
        ));
    }
    // The bar: released, partly withheld (hatched), withheld in full (dark).
    let (bx, by, bw, bh) = (80.0, 478.0, 1040.0, 44.0);
    let n = stats.paragraphs();
    svg.push_str(&format!(
        "<rect x=\"{bx}\" y=\"{by}\" width=\"{bw}\" height=\"{bh}\" fill=\"#e6e1d6\" stroke=\"#55585e\" stroke-width=\"2\"/>"
    ));
    if n > 0 && meeting.meta.scope != Scope::Excluded {
        let w = |k: usize| bw * k as f64 / n as f64;
        let mut x = bx;
        for (k, fill) in [
            (stats.released, "#f2efe8"),
            (stats.partly, "url(#hatch)"),
            (stats.full, "#1c1d1f"),
        ] {
            if k > 0 {
                svg.push_str(&format!(
                    "<rect x=\"{x:.1}\" y=\"{by}\" width=\"{:.1}\" height=\"{bh}\" fill=\"{fill}\" stroke=\"#55585e\" stroke-width=\"2\"/>",
                    w(k)
                ));
            }
            x += w(k);
        }
    }
    svg.push_str(&format!(
        "<text x=\"80\" y=\"572\" font-size=\"30\">{}</text>",
        escape(&withheld_sentence(meeting, stats))
    ));
    svg.push_str("</g></svg>");
    svg
}

/// The sharing metadata of a page for `base.html`: title, type and, for a
/// meeting, its card. `None` for files that are not HTML pages.
pub fn social(r: &Renderer, id: PageId, full_title: &str) -> Value {
    let c = &r.site.content;
    let kind = match id {
        PageId::Sitemap | PageId::Feed | PageId::Robots | PageId::GroundsCss => return Value::none(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_on_words_and_truncates() {
        assert_eq!(
            wrap(
                "Meeting with Deputy Secretary of State Kurt Campbell",
                32,
                3
            ),
            vec!["Meeting with Deputy Secretary of", "State Kurt Campbell"]
        );
        assert_eq!(wrap("a b c d", 3, 1), vec!["a b…"]);
    }

    #[test]
    fn hash_is_stable() {
        // No parts: FNV-1a's offset basis, a published constant.
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
    }
}

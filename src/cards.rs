//! Sharing: OpenGraph and Twitter card metadata for every page, and a
//! social card image (PNG, 1200×630) per meeting showing the meeting, its
//! date and a bar of how much was withheld.
//!
//! A card is drawn as SVG, then rasterised with resvg using fonts compiled
//! into the binary (DejaVu Sans, `themes/default/fonts/`), so cards look the
//! same on every machine, with or without fonts installed. Rasterising is
//! the slow part, so PNGs are cached by a hash of the SVG (which holds
//! everything drawn; a hatch is hashed as the rectangle it fills, not its
//! stripes) in `.annex-cache/cards/` under the project: an
//! unchanged card is read back, not redrawn. The cache is only ever a copy:
//! deleting it changes nothing but build time (and a running `serve`, which
//! serves cached cards from it, answers 404 for them until restarted). A
//! build that succeeds removes
//! the cached cards it did not use ([`prune`]), so the cache holds about one
//! card per meeting however often cards change.

use std::path::{Path, PathBuf};

use crate::render::value::{tv, Value};
use rayon::prelude::*;

use crate::model::{Meeting, Scope};
use crate::render::charts::Fixed;
use crate::render::escape::escape;
use crate::render::stats::Stats;
use crate::render::{OutputFile, PageId, Renderer};

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

const SANS: &[u8] = include_bytes!("../themes/default/fonts/DejaVuSans.ttf");
const SANS_BOLD: &[u8] = include_bytes!("../themes/default/fonts/DejaVuSans-Bold.ttf");

/// Changes whenever the drawing code, the fonts or the PNG encoder change,
/// so old cached cards are not reused for a new look, and a build from a
/// cache gives the same bytes as a build without one.
const CACHE_VERSION: &str = "cards-2 resvg-0.49 png-0.18 zlib-rs dejavu-2.37";

/// How a build's cards were produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardReport {
    pub drawn: usize,
    pub cached: usize,
    /// The cache key of every card made, sorted and without repeats: the
    /// entries [`prune`] keeps.
    pub keys: Vec<u64>,
}

/// What [`prune`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pruned {
    /// Removed this many unused cards (and files left by interrupted
    /// writes), of this many bytes.
    Removed { files: usize, bytes: u64 },
    /// Another build or `annex serve` was using the cache, so nothing was
    /// removed: a later build prunes it.
    Busy,
    /// There is no cache.
    NoCache,
    /// The file system has no file locks, so pruning could remove a card
    /// another build is about to use: nothing was removed.
    NoLocks,
}

/// Output path of a meeting's card.
pub fn card_path(m: &Meeting) -> String {
    format!("cards/{}.png", m.slug)
}

/// The card folder of the project's cache.
pub fn cache_dir(root: &Path) -> PathBuf {
    root.join(".annex-cache").join("cards")
}

/// Everything that uses the cache holds this file's lock shared (a build
/// while it makes cards, `serve` for as long as it runs, since it serves
/// cached cards from their files); [`prune`] takes it exclusively, and only
/// if no one else holds it. So a card another process has found in the
/// cache, but not yet linked or read, is never removed under it.
const LOCK_FILE: &str = ".lock";

/// This process's shared holds on card caches: one open lock file per
/// cache and the number of its holders. One file, because where Linux
/// emulates `flock` with POSIX record locks (NFS, some FUSE file systems),
/// closing any handle on a file drops all of the process's locks on it.
static HOLDS: std::sync::Mutex<Vec<(PathBuf, std::fs::File, usize)>> =
    std::sync::Mutex::new(Vec::new());

fn holds() -> std::sync::MutexGuard<'static, Vec<(PathBuf, std::fs::File, usize)>> {
    HOLDS.lock().unwrap_or_else(|e| e.into_inner())
}

/// A shared hold on a project's card cache (see [`hold`]); released when
/// dropped.
#[derive(Debug)]
pub struct Hold {
    cache: PathBuf,
}

impl Drop for Hold {
    fn drop(&mut self) {
        let mut holds = holds();
        if let Some(i) = holds.iter().position(|(c, ..)| *c == self.cache) {
            holds[i].2 -= 1;
            if holds[i].2 == 0 {
                // Closing the file releases the lock.
                holds.swap_remove(i);
            }
        }
    }
}

/// Holds the cache of the project at `root` until the hold is dropped, so
/// that no build removes a card from it meanwhile ([`prune`] finds it
/// busy). Waits while a prune runs. `None` where the cache cannot be made
/// (a read-only project: nothing is cached to protect) or locked.
pub fn hold(root: &Path) -> Option<Hold> {
    let cache = cache_dir(root);
    let mut holds = holds();
    if let Some(held) = holds.iter_mut().find(|(c, ..)| *c == cache) {
        held.2 += 1;
        return Some(Hold { cache });
    }
    let file = open_lock(&cache).ok()?;
    file.lock_shared().ok()?;
    holds.push((cache.clone(), file, 1));
    Some(Hold { cache })
}

fn open_lock(cache: &Path) -> std::io::Result<std::fs::File> {
    std::fs::create_dir_all(cache)?;
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(cache.join(LOCK_FILE))
}

/// Removes from the cache of the project at `root` every card whose key is
/// not in `keys` (a successful build's [`CardReport::keys`], sorted) and
/// every temporary file an interrupted write left behind. Other files are
/// left alone: only names the cache itself makes are removed. Without this,
/// every edit that changes a card (a title, a date, a count withheld) would
/// leave its old card in the cache for good.
pub fn prune(root: &Path, keys: &[u64]) -> std::io::Result<Pruned> {
    let cache = cache_dir(root);
    if !cache.is_dir() {
        return Ok(Pruned::NoCache);
    }
    // A hold of this process's own (`serve` run as a library) counts too.
    if holds().iter().any(|(c, ..)| *c == cache) {
        return Ok(Pruned::Busy);
    }
    let lock = open_lock(&cache)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Ok(Pruned::Busy),
        Err(std::fs::TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
            return Ok(Pruned::NoLocks)
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(e),
    }
    let (mut files, mut bytes) = (0, 0);
    for entry in std::fs::read_dir(&cache)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let stale = match cache_entry(name) {
            // A temporary file's writer held the lock shared: none is
            // writing now that this holds it exclusively.
            Some(Entry::Temporary) => true,
            Some(Entry::Card(key)) => keys.binary_search(&key).is_err(),
            None => false,
        };
        if stale {
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            match std::fs::remove_file(entry.path()) {
                Ok(()) => {
                    files += 1;
                    bytes += size;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(Pruned::Removed { files, bytes })
}

/// The file name of the card with this key in the cache.
pub fn cache_name(key: u64) -> String {
    format!("{key:016x}.png")
}

/// A file the cache made: a card (`<16 hex digits>.png`, its key) or a
/// card being written (`<key>.<process id>.tmp`).
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Card(u64),
    Temporary,
}

fn cache_entry(name: &str) -> Option<Entry> {
    let key = |hex: &str| {
        (hex.len() == 16 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| u64::from_str_radix(hex, 16).ok())
            .flatten()
    };
    if let Some(hex) = name.strip_suffix(".png") {
        return key(hex).map(Entry::Card);
    }
    let (hex, pid) = name.strip_suffix(".tmp")?.split_once('.')?;
    let pid_ok = !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
    (key(hex).is_some() && pid_ok).then_some(Entry::Temporary)
}

/// Every meeting's card, drawn or read from the cache, sorted by path.
pub fn files(r: &Renderer) -> (Vec<OutputFile>, CardReport) {
    let out = std::sync::Mutex::new(Vec::new());
    // Read while the cache is held (in `each`), so no build removes a
    // card between finding and reading it.
    let report = each(r, |path, card| {
        let bytes = match card {
            Card::Drawn { bytes, .. } => bytes,
            Card::Cached { file, .. } => std::fs::read(file)?,
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
            let key = fnv1a(&[CACHE_VERSION.as_bytes(), described.as_bytes()]);
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
            // The cache is an optimisation: a read-only project still builds.
            if std::fs::create_dir_all(&cache).is_ok() {
                let tmp = cache.join(format!("{key:016x}.{}.tmp", std::process::id()));
                if std::fs::write(&tmp, &bytes).is_ok() {
                    let _ = std::fs::rename(&tmp, &cached_png);
                }
            }
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

fn font_options() -> resvg::usvg::Options<'static> {
    let mut opt = resvg::usvg::Options::default();
    let db = opt.fontdb_mut();
    db.load_font_data(SANS.to_vec());
    db.load_font_data(SANS_BOLD.to_vec());
    db.set_sans_serif_family("DejaVu Sans");
    opt.font_family = "DejaVu Sans".into();
    opt
}

/// The card drawn into `pixmap` (made on first use, else cleared) and
/// encoded as PNG.
fn rasterise(
    svg: &str,
    opt: &resvg::usvg::Options,
    pixmap: &mut Option<resvg::tiny_skia::Pixmap>,
) -> Option<Vec<u8>> {
    let tree = resvg::usvg::Tree::from_str(svg, opt).ok()?;
    let pixmap = match pixmap {
        Some(p) => {
            p.fill(resvg::tiny_skia::Color::TRANSPARENT);
            p
        }
        None => pixmap.insert(resvg::tiny_skia::Pixmap::new(WIDTH, HEIGHT)?),
    };
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    encode(pixmap)
}

/// The card as an 8-bit indexed PNG. A card holds a few flat colours and
/// their anti-aliased blends (under 100 on the synthetic corpus), so a
/// palette is exact and leaves a quarter of RGBA's bytes to compress;
/// unfiltered, since filtering palette indices only scatters their repeats.
/// Level 4 was the knee of time against size on 1,000 cards: the png
/// crate's fdeflate mode drew a card in two thirds of the time but a third
/// bigger; level 6 took a third longer for 5% less. Compressed by zlib-rs
/// (the png crate's `zlib-rs` feature) rather than miniz_oxide: a fifth
/// less CPU for a first build of 300 cards, and cards 0.4 % smaller.
fn encode(pixmap: &resvg::tiny_skia::Pixmap) -> Option<Vec<u8>> {
    let (palette, indices) = indexed(pixmap.data());
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(palette);
    encoder.set_deflate_compression(png::DeflateCompression::Level(4));
    encoder.set_filter(png::Filter::NoFilter);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(&indices).ok()?;
    writer.finish().ok()?;
    Some(out)
}

/// RGB of premultiplied RGBA pixels: the card's background is opaque, so
/// premultiplied and straight colour agree (a transparent pixel, were
/// there one, would come out as if over black).
fn rgb(rgba: &[u8]) -> impl Iterator<Item = u32> + '_ {
    rgba.chunks_exact(4)
        .map(|p| u32::from(p[0]) << 16 | u32::from(p[1]) << 8 | u32::from(p[2]))
}

/// A palette (flat RGB triples, at most 256) and each pixel's index in it.
fn indexed(rgba: &[u8]) -> (Vec<u8>, Vec<u8>) {
    exact_palette(rgba).unwrap_or_else(|| reduced_palette(rgba))
}

type ColourMap<V> = std::collections::HashMap<u32, V, rustc_hash::FxBuildHasher>;

/// Every colour of a card that has at most 256, in order of first
/// appearance; `None` for more. A card is a few flat colours and their
/// anti-aliased blends, so this is the usual case.
fn exact_palette(rgba: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut index = ColourMap::default();
    let mut palette = Vec::new();
    let mut indices = vec![0; rgba.len() / 4];
    // Most pixels repeat their left neighbour (background, bar, glyph
    // interiors), which skips the map. No colour is u32::MAX.
    let (mut last, mut i) = (u32::MAX, 0);
    for (c, out) in rgb(rgba).zip(&mut indices) {
        if c != last {
            i = match index.get(&c) {
                Some(&i) => i,
                None => {
                    let i = u8::try_from(index.len()).ok()?;
                    index.insert(c, i);
                    palette.extend_from_slice(&c.to_be_bytes()[1..]);
                    i
                }
            };
            last = c;
        }
        *out = i;
    }
    Some((palette, indices))
}

/// For a card of more than 256 colours: the 256 most frequent, ties broken
/// by value so that the result never depends on hashing order, and every
/// other colour drawn as its nearest kept colour: on a card, rare colours
/// are edge blends a few levels off a kept one.
fn reduced_palette(rgba: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut counts = ColourMap::<u32>::default();
    for c in rgb(rgba) {
        *counts.entry(c).or_default() += 1;
    }
    let mut colours: Vec<(u32, u32)> = counts.into_iter().collect();
    colours.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let kept: Vec<[u8; 3]> = colours
        .iter()
        .take(256)
        .map(|&(c, _)| [(c >> 16) as u8, (c >> 8) as u8, c as u8])
        .collect();
    let nearest = |c: u32| {
        let c = [(c >> 16) as u8, (c >> 8) as u8, c as u8];
        let distance =
            |k: &[u8; 3]| -> u32 { (0..3).map(|j| u32::from(c[j].abs_diff(k[j])).pow(2)).sum() };
        // min_by_key keeps the first of equals: the more frequent colour.
        kept.iter()
            .enumerate()
            .min_by_key(|(_, k)| distance(k))
            .map_or(0, |(i, _)| i as u8)
    };
    let index: ColourMap<u8> = colours
        .iter()
        .enumerate()
        .map(|(i, &(c, _))| (c, u8::try_from(i).unwrap_or_else(|_| nearest(c))))
        .collect();
    let indices = rgb(rgba)
        .map(|c| index.get(&c).copied().unwrap_or(0))
        .collect();
    (kept.concat(), indices)
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

/// How `card_svg` writes the hatch of a partly withheld segment.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stripes {
    /// As the stripes' path data, to be drawn.
    Drawn,
    /// As the rectangle they fill, for the cache key: the path is a
    /// function of that rectangle and of `hatch`, whose changes
    /// `CACHE_VERSION` follows like any other change to the drawing.
    Described,
}

/// The card as SVG. Colours follow the theme's light palette; the bar's
/// segments differ in pattern as well as colour, and the figures are written
/// beside it.
fn card_svg(r: &Renderer, m: usize, stripes: Stripes) -> String {
    let c = &r.site.content;
    let meeting = &c.meetings[m];
    let stats = &r.meeting_stats[m];
    let rel = &c.release.meta;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">\
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
        // Rounded as written, so the stripes meet the rectangle drawn.
        let tenth = |v: f64| (v * 10.0).round() / 10.0;
        let mut x = bx;
        for (k, fill, hatched) in [
            (stats.released, "#f2efe8", false),
            (stats.partly, "#d9a441", true),
            (stats.full, "#1c1d1f", false),
        ] {
            if k > 0 {
                let (sx, sw) = (tenth(x), tenth(w(k)));
                svg.push_str(&format!(
                    "<rect x=\"{}\" y=\"{by}\" width=\"{}\" height=\"{bh}\" fill=\"{fill}\" stroke=\"#55585e\" stroke-width=\"2\"/>",
                    Fixed(sx, 1),
                    Fixed(sw, 1)
                ));
                // Inset by half the stroke, which stays on top as it did
                // over the pattern fill this replaces.
                if hatched && sw > 2.0 {
                    let (x, y, w, h) = (sx + 1.0, by + 1.0, sw - 2.0, bh - 2.0);
                    let d = match stripes {
                        Stripes::Drawn => hatch(x, y, w, h),
                        Stripes::Described => format!("hatch {x} {y} {w} {h}"),
                    };
                    svg.push_str(&format!("<path d=\"{d}\" fill=\"#b07d1e\"/>"));
                }
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

/// Path data of diagonal stripes filling the rectangle at (`x`, `y`) of
/// size `w` × `h`: the hatch of a partly withheld segment, 5 units dark in
/// every 12 at 45°, anchored at the origin as the SVG pattern they replace
/// was. That pattern resvg rendered to an image and resampled (bicubic),
/// about a millisecond a card, a fifth of the rasterising, for stripes that
/// polygons draw as well and sharper.
fn hatch(x: f64, y: f64, w: f64, h: f64) -> String {
    use std::fmt::Write;
    let period = 12.0 * std::f64::consts::SQRT_2;
    let dark = 5.0 * std::f64::consts::SQRT_2;
    let rect = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)];
    let mut d = String::new();
    // A stripe is where x + y lies in [k·period, k·period + dark].
    let first = ((x + y) / period).floor() as i64;
    let last = ((x + w + y + h) / period).ceil() as i64;
    for k in first..last {
        let lo = k as f64 * period;
        let band = clip(&clip(&rect, |(px, py)| px + py - lo), |(px, py)| {
            lo + dark - px - py
        });
        // Fewer than three corners: the band only touches the rectangle.
        if band.len() < 3 {
            continue;
        }
        for (i, (px, py)) in band.iter().enumerate() {
            let (px, py) = (Fixed(*px, 2), Fixed(*py, 2));
            let _ = write!(d, "{}{px} {py}", if i == 0 { "M" } else { "L" });
        }
        d.push('Z');
    }
    d
}

/// The part of the convex polygon `poly` where `side` is not negative
/// (Sutherland–Hodgman against one straight edge).
fn clip(poly: &[(f64, f64)], side: impl Fn((f64, f64)) -> f64) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for (i, &p) in poly.iter().enumerate() {
        let q = poly[(i + 1) % poly.len()];
        let (sp, sq) = (side(p), side(q));
        if sp >= 0.0 {
            out.push(p);
        }
        if (sp >= 0.0) != (sq >= 0.0) {
            let t = sp / (sp - sq);
            out.push((p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1)));
        }
    }
    out
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
    fn prune_knows_the_cache_s_own_names_only() {
        assert_eq!(
            cache_entry("00ff00ff00ff00ff.png"),
            Some(Entry::Card(0x00ff_00ff_00ff_00ff))
        );
        assert_eq!(
            cache_entry("00ff00ff00ff00ff.77.tmp"),
            Some(Entry::Temporary)
        );
        for other in [
            ".lock",
            "notes.png",
            "00ff00ff00ff00f.png",
            "00ff00ff00ff00ffa.png",
            "00FF00FF00FF00FF.png",
            "+0ff00ff00ff00ff.png",
            "00ff00ff00ff00ff.tmp",
            "00ff00ff00ff00ff.x.tmp",
            "00ff00ff00ff00ff.png.bak",
        ] {
            assert_eq!(cache_entry(other), None, "{other}");
        }
    }

    #[test]
    fn hash_is_stable() {
        // No parts: FNV-1a's offset basis, a published constant.
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
    }

    /// Pixels of the given RGB colours, as tiny-skia's opaque RGBA.
    fn rgba(colours: &[u32]) -> Vec<u8> {
        colours
            .iter()
            .flat_map(|c| {
                let [_, r, g, b] = c.to_be_bytes();
                [r, g, b, 255]
            })
            .collect()
    }

    #[test]
    fn a_palette_is_exact_up_to_256_colours() {
        let colours: Vec<u32> = (0..256u32).flat_map(|c| [c * 0x010101; 3]).collect();
        let (palette, indices) = indexed(&rgba(&colours));
        assert_eq!(palette.len(), 256 * 3);
        for (c, &i) in colours.iter().zip(&indices) {
            let i = usize::from(i) * 3;
            assert_eq!(palette[i..i + 3], c.to_be_bytes()[1..]);
        }
    }

    #[test]
    fn past_256_colours_the_rarest_take_their_nearest() {
        // 300 greys: the first 256 twice each, then 44 once, which must be
        // drawn as the nearest of the kept greys.
        let mut colours: Vec<u32> = (0..256u32).flat_map(|c| [c * 0x010100; 2]).collect();
        colours.extend((0..44u32).map(|c| c * 0x010100 + 1));
        let pixels = rgba(&colours);
        let (palette, indices) = indexed(&pixels);
        assert_eq!(palette.len(), 256 * 3);
        assert_eq!(
            indexed(&pixels),
            (palette.clone(), indices.clone()),
            "deterministic"
        );
        let last = usize::from(indices[indices.len() - 1]) * 3;
        assert_eq!(palette[last..last + 3], [43, 43, 0]);
    }

    #[test]
    fn a_card_png_decodes_to_the_pixels_drawn() {
        let mut pixmap = resvg::tiny_skia::Pixmap::new(7, 3).unwrap();
        let colours: Vec<u32> = (0..21).map(|i| 0x10_2030 * i).collect();
        pixmap.data_mut().copy_from_slice(&rgba(&colours));
        let png = encode(&pixmap).unwrap();
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().unwrap();
        let mut rgb = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut rgb).unwrap();
        let drawn: Vec<u8> = rgba(&colours)
            .chunks(4)
            .flat_map(|p| p[..3].to_vec())
            .collect();
        assert_eq!(rgb, drawn);
    }

    #[test]
    fn hatch_stripes_stay_in_their_rectangle() {
        let d = hatch(81.0, 479.0, 100.0, 42.0);
        assert!(d.matches('Z').count() >= 6, "{d}");
        let numbers = d
            .split(['M', 'L', 'Z', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<f64>().unwrap());
        for (k, v) in numbers.enumerate() {
            let (lo, hi) = if k % 2 == 0 {
                (81.0, 181.0)
            } else {
                (479.0, 521.0)
            };
            assert!((lo..=hi).contains(&v), "{v} in {d}");
        }
        // Degenerate rectangles: no panic.
        let _ = hatch(10.0, 10.0, 0.0, 42.0);
        let _ = hatch(10.0, 10.0, -5.0, f64::NAN);
    }
}

//! Drawing a card: the SVG (the meeting, its date and a bar of how much
//! was withheld), rasterised with resvg using fonts compiled into the
//! binary, and encoded as an indexed PNG.

use crate::model::{Meeting, Scope};
use crate::render::charts::Fixed;
use crate::render::escape::escape;
use crate::render::stats::Stats;
use crate::render::Renderer;

use super::{HEIGHT, WIDTH};

const SANS: &[u8] = include_bytes!("../../themes/default/fonts/DejaVuSans.ttf");
const SANS_BOLD: &[u8] = include_bytes!("../../themes/default/fonts/DejaVuSans-Bold.ttf");

pub(super) fn font_options() -> resvg::usvg::Options<'static> {
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
pub(super) fn rasterise(
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
pub(super) fn withheld_sentence(m: &Meeting, s: &Stats) -> String {
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

pub(super) fn date_line(m: &Meeting) -> String {
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
pub(super) enum Stripes {
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
pub(super) fn card_svg(r: &Renderer, m: usize, stripes: Stripes) -> String {
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

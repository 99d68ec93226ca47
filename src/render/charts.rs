//! Charts drawn as inline SVG at build time: no JavaScript, and they print.
//!
//! Colours come from CSS classes (so dark mode and print restyle them), and
//! each share also carries a pattern, so the chart never relies on colour
//! alone. The same figures are always given in a table beside the chart
//! (see the templates); the SVG's own title summarises it.

use std::fmt::Write as _;

use super::escape::escape;
use super::stats::{percent, Stats};

const WIDTH: f64 = 640.0;

/// A number printed with a fixed count of decimals, as `{:.N}` prints it
/// but without the float formatter's exact-decimal machinery, which was a
/// measurable share of a large build (every page carries two charts, every
/// card a hatched bar). Ties round to even. Numbers the shortcut cannot
/// print exactly (not finite, or of 2^52 and more once scaled, or with
/// more than 9 decimals) go to the formatter.
pub(crate) struct Fixed(pub f64, pub u32);

impl Fixed {
    /// The number as ASCII, written into the end of `buf`; `None` when the
    /// shortcut cannot print it exactly and the formatter must. Integer
    /// arithmetic where it can: without SSE4.1 (not in the x86-64
    /// baseline), `f64::round` and `powi` are library calls.
    fn digits<'b>(&self, buf: &'b mut [u8; 32]) -> Option<&'b [u8]> {
        const SCALE: [f64; 10] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
        let places = self.1 as usize;
        let scale = *SCALE.get(places)?;
        let t = self.0 * scale;
        if !t.is_finite() || t.abs() >= 4_503_599_627_370_496.0 {
            return None;
        }
        // Below 2^52 the truncation and the fraction are exact.
        let i = t as i64;
        let frac = (t - i as f64).abs();
        let away = i + if t < 0.0 { -1 } else { 1 };
        let r = if frac < 0.5 {
            i
        } else if frac > 0.5 {
            away
        } else {
            // The product is a tie only after rounding; the fused
            // multiply-add gives the sign of the exact difference, and an
            // exact tie goes to the even neighbour.
            let d = self.0.mul_add(scale, -t) * t.signum();
            if d > 0.0 || (d == 0.0 && i % 2 != 0) {
                away
            } else {
                i
            }
        };
        let mut n = r.unsigned_abs();
        let mut at = buf.len();
        let mut written = 0;
        loop {
            if written == places && places > 0 {
                at -= 1;
                buf[at] = b'.';
            }
            at -= 1;
            buf[at] = b'0' + (n % 10) as u8;
            n /= 10;
            written += 1;
            if n == 0 && written > places {
                break;
            }
        }
        if self.0.is_sign_negative() {
            at -= 1;
            buf[at] = b'-';
        }
        Some(&buf[at..])
    }

    /// Appends the number to `s`, as `Display` prints it but without
    /// going through `fmt`: charts print thousands of these.
    pub(crate) fn push_to(&self, s: &mut String) {
        match self.digits(&mut [0; 32]) {
            Some(ascii) => s.extend(ascii.iter().map(|&b| char::from(b))),
            None => {
                let _ = write!(s, "{self}");
            }
        }
    }
}

impl std::fmt::Display for Fixed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.digits(&mut [0; 32]).map(std::str::from_utf8) {
            Some(Ok(d)) => f.write_str(d),
            _ => write!(f, "{:.*}", self.1 as usize, self.0),
        }
    }
}

/// Appends `pieces` to `s` in order: the charts' markup is many short
/// pieces, for which `write!` costs more than the copying.
fn push(s: &mut String, pieces: &[Piece]) {
    for piece in pieces {
        match piece {
            Piece::Str(t) => s.push_str(t),
            Piece::Num(x) => x.push_to(s),
            Piece::Count(n) => {
                let _ = write!(s, "{n}");
            }
        }
    }
}

/// One piece of chart markup for `push`.
enum Piece<'a> {
    Str(&'a str),
    Num(Fixed),
    Count(usize),
}
use Piece::{Count, Num, Str};

/// One stacked bar per row: paragraphs released, partly withheld and
/// withheld in full. `id` must be unique on the page (it prefixes the
/// pattern ids).
pub fn paragraph_bars(id: &str, title: &str, rows: &[(String, &Stats)]) -> String {
    let row_h = 40.0;
    let legend_h = 28.0;
    let height = legend_h + row_h * rows.len() as f64;
    // About what the markup takes, so it is not copied as it grows.
    let mut s = String::with_capacity(1024 + 640 * rows.len());
    let _ = write!(
        s,
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">\
<title id=\"{id}-title\">{title}</title>\
<defs><pattern id=\"{id}-dots\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><circle class=\"mark\" cx=\"3\" cy=\"3\" r=\"1.2\"/></pattern>\
<pattern id=\"{id}-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect class=\"mark\" width=\"2\" height=\"6\"/></pattern></defs>",
        title = escape(title)
    );
    // Legend.
    let legend = [
        ("Released", "released", None),
        ("Partly withheld", "partly", Some("dots")),
        ("Withheld in full", "full", Some("hatch")),
    ];
    let mut x = 0.0;
    for (label, class, pattern) in legend {
        swatch(&mut s, id, x, 4.0, 14.0, 14.0, class, pattern);
        let _ = write!(
            s,
            "<text class=\"legend\" x=\"{}\" y=\"16\">{label}</text>",
            x + 20.0
        );
        x += 20.0 + label.len() as f64 * 8.0 + 24.0;
    }
    for (i, (label, stats)) in rows.iter().enumerate() {
        let y = legend_h + row_h * i as f64;
        let total = stats.paragraphs();
        push(
            &mut s,
            &[
                Str("<text class=\"label\" x=\"0\" y=\""),
                Num(Fixed(y + 14.0, 1)),
                Str("\">"),
                Str(&escape(&truncate(label, 60))),
                Str(" ("),
                Count(stats.partly + stats.full),
                Str(" of "),
                Count(total),
                Str(" withheld)</text>"),
            ],
        );
        if total == 0 {
            continue;
        }
        let mut x = 0.0;
        for (n, class, pattern) in [
            (stats.released, "released", None),
            (stats.partly, "partly", Some("dots")),
            (stats.full, "full", Some("hatch")),
        ] {
            let w = WIDTH * n as f64 / total as f64;
            if w > 0.0 {
                swatch(&mut s, id, x, y + 19.0, w, 14.0, class, pattern);
            }
            x += w;
        }
    }
    s.push_str("</svg>");
    s
}

#[allow(clippy::too_many_arguments)]
fn swatch(
    s: &mut String,
    id: &str,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    class: &str,
    pattern: Option<&str>,
) {
    // The geometry, written once: a patterned swatch draws it twice.
    let mut geometry = String::with_capacity(64);
    push(
        &mut geometry,
        &[
            Str(" x=\""),
            Num(Fixed(x, 1)),
            Str("\" y=\""),
            Num(Fixed(y, 1)),
            Str("\" width=\""),
            Num(Fixed(w, 1)),
            Str("\" height=\""),
            Num(Fixed(h, 1)),
            Str("\"/>"),
        ],
    );
    push(
        s,
        &[
            Str("<rect class=\"bar-"),
            Str(class),
            Str("\""),
            Str(&geometry),
        ],
    );
    if let Some(p) = pattern {
        push(
            s,
            &[
                Str("<rect fill=\"url(#"),
                Str(id),
                Str("-"),
                Str(p),
                Str(")\""),
                Str(&geometry),
            ],
        );
    }
}

/// Horizontal bars of codes per ground: `(code, count)` rows.
pub fn ground_bars(id: &str, title: &str, rows: &[(String, usize)]) -> String {
    let row_h = 24.0;
    let label_w = 120.0;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let height = (row_h * rows.len() as f64).max(row_h);
    let mut s = String::with_capacity(256 + 288 * rows.len());
    let _ = write!(
        s,
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\"><title id=\"{id}-title\">{}</title>",
        escape(title)
    );
    for (i, (code, n)) in rows.iter().enumerate() {
        let y = row_h * i as f64;
        let w = (WIDTH - label_w - 48.0) * *n as f64 / max as f64;
        push(
            &mut s,
            &[
                Str("<text class=\"label\" x=\"0\" y=\""),
                Num(Fixed(y + 15.0, 1)),
                Str("\">"),
                Str(&escape(&truncate(code, 16))),
                Str("</text><rect class=\"bar-code\" x=\""),
                Num(Fixed(label_w, 0)),
                Str("\" y=\""),
                Num(Fixed(y + 4.0, 1)),
                Str("\" width=\""),
                Num(Fixed(w, 1)),
                Str("\" height=\"14\"/><text class=\"value\" x=\""),
                Num(Fixed(label_w + w + 6.0, 1)),
                Str("\" y=\""),
                Num(Fixed(y + 15.0, 1)),
                Str("\">"),
                Count(*n),
                Str("</text>"),
            ],
        );
    }
    s.push_str("</svg>");
    s
}

/// The share of paragraphs with something withheld, as a sentence.
pub fn summary(stats: &Stats) -> String {
    let total = stats.paragraphs();
    format!(
        "{} of {} paragraphs ({}%) have something withheld: {} withheld in full, {} partly withheld; {} released in full.",
        stats.partly + stats.full,
        total,
        percent(stats.partly + stats.full, total),
        stats.full,
        stats.partly,
        stats.released
    )
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_decimals_print_as_the_float_formatter_does() {
        for x in [
            0.0,
            -0.04,
            0.004,
            0.005,
            0.015,
            0.125,
            507.965,
            1.005,
            0.04,
            0.05,
            0.15,
            0.25,
            2.5,
            14.0,
            71.111,
            213.333,
            355.5555,
            639.96,
            -1.25,
            1e6 / 3.0,
        ] {
            assert_eq!(Fixed(x, 1).to_string(), format!("{x:.1}"), "{x}");
            assert_eq!(Fixed(x, 2).to_string(), format!("{x:.2}"), "{x}");
            assert_eq!(Fixed(x, 0).to_string(), format!("{x:.0}"), "{x}");
        }
        for x in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e300,
            -4.6e15,
            1e20,
        ] {
            assert_eq!(Fixed(x, 2).to_string(), format!("{x:.2}"), "{x}");
        }
        assert_eq!(Fixed(0.1, 12).to_string(), format!("{:.12}", 0.1));
        // Every hundredth a card's hatch may print, and their neighbours.
        for k in 0..200_000 {
            let x = f64::from(k) / 100.0 + 0.005;
            assert_eq!(Fixed(x, 2).to_string(), format!("{x:.2}"), "{x}");
        }
    }

    #[test]
    fn fixed_decimals_agree_with_the_formatter_on_generated_numbers() {
        let mut draw = crate::testing::Draw::new(0x5eed_f1ed);
        let mut buf = String::new();
        for _ in 0..300_000 {
            // Exact binary fractions (ties among them), hundredths, and
            // arbitrary bit patterns of every magnitude.
            let x = match draw.below(3) {
                0 => (draw.below(1 << 20) as f64 - 524_288.0) / (1u64 << draw.below(12)) as f64,
                1 => (draw.below(2_000_000) as f64 - 1_000_000.0) / 100.0 + 0.005,
                _ => f64::from_bits(draw.number()),
            };
            let places = draw.below(5) as u32;
            buf.clear();
            Fixed(x, places).push_to(&mut buf);
            assert_eq!(buf, format!("{x:.*}", places as usize), "{x:e} to {places}");
        }
    }

    #[test]
    fn bars_are_deterministic_svg_with_a_title() {
        let stats = Stats {
            released: 2,
            partly: 1,
            full: 1,
            per_ground: vec![],
            groups: 2,
        };
        let a = paragraph_bars("c1", "Paragraphs", &[("Doc <1>".into(), &stats)]);
        assert_eq!(
            a,
            paragraph_bars("c1", "Paragraphs", &[("Doc <1>".into(), &stats)])
        );
        assert!(a.starts_with("<svg") && a.ends_with("</svg>"));
        assert!(a.contains("Doc &lt;1&gt; (2 of 4 withheld)"));
        assert!(a.contains("url(#c1-hatch)"));
        let g = ground_bars(
            "c2",
            "Codes",
            &[("s6(a)".into(), 3), ("s6(b)(i)".into(), 1)],
        );
        assert!(g.contains(">3</text>"));
    }
}

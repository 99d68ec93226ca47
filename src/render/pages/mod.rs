//! Page contexts: everything a template shows, computed here (ordering,
//! statistics, labels, links relative to the page), so templates hold
//! presentation only.

use std::collections::HashMap;

use crate::render::value::{tv, ToTera, Value};

mod documents;
mod feeds;
mod grounds;
mod home;
mod meetings;
mod participants;
mod press;

use super::charts;
use super::markdown::{self, BlockKind, Body};
use super::stats::Stats;
use super::{root_for_depth, PageId, Place, Renderer};
use crate::markers::MONTHS;
use crate::model::{DocumentKind, GroundTest, Meeting, PressItem, Relation, Scope};

/// The template and context for one page.
/// `body`: the page's own rendered body, for a meeting or press page (see
/// [`Renderer::page_body`]).
pub fn context(
    r: &Renderer,
    id: PageId,
    path: &str,
    body: Option<&Body>,
) -> (&'static str, tera::Context) {
    // The 404 page is served at any depth, so its links start from the
    // site's base path instead of being relative.
    let root = if id == PageId::NotFound {
        r.base_path.clone()
    } else {
        root_for_depth(path.matches('/').count())
    };
    let p = Page {
        r,
        root: &root,
        body,
        summaries: Summaries::default(),
    };
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
        PageId::NotFound => ("404.html", Some("Page not found".to_string()), Some("There is no page at this address.".into()), tv!({})),
        PageId::Sitemap => ("sitemap.xml", None, None, p.sitemap()),
        PageId::Feed => ("atom.xml", None, None, p.feed()),
        PageId::Robots => ("robots.txt", None, None, tv!({ "sitemap": r.absolute("sitemap.xml") })),
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
            // The release's own Act when known: annex serves any regime.
            let request = match release.act.as_deref().filter(|a| !a.trim().is_empty()) {
                Some(act) => format!("a request under the {act}"),
                None => "an information request".to_string(),
            };
            format!(
                "{} response {} to {request}, annotated.",
                release.agency, release.reference
            )
        });
    let mut cx = tera::Context::new();
    cx.insert_value("site", r.site_value.clone());
    cx.insert_value(
        "page",
        tv!({
            "kind": template.trim_end_matches(".html").trim_end_matches(".xml").trim_end_matches(".txt"),
            "title": title,
            "full_title": full_title,
            "description": description,
            "canonical": r.absolute(path),
            "root": root,
            "home": if root.is_empty() { "./" } else { root.as_str() },
        }),
    );
    cx.insert_value("search_meta", crate::search::page_meta(r, id).to_tera());
    cx.insert_value("search_enabled", Value::from(crate::search::enabled(r)));
    cx.insert_value("social", crate::cards::social(r, id, &full_title));
    for (key, value) in body.into_map().unwrap_or_default() {
        if let Some(key) = key.as_str() {
            cx.insert_value(key.to_string(), value);
        }
    }
    (template, cx)
}

/// The site-wide part of every page's context, made once per renderer.
pub fn site_value(site: &crate::model::Site) -> Value {
    let config = &site.content.config;
    let release = &site.content.release.meta;
    tv!({
        "title": config.title,
        "description": config.description,
        "language": config.language,
        "reference": release.reference,
        "agency": release.agency,
        // A release without meetings (a report, a manual) has no
        // meetings index, and no link to one.
        "meetings": site.content.meetings.len(),
    })
}

/// Summaries of meetings made for one page, each on first use and then
/// shared within the page: the participants page lists a meeting once per
/// person at it. They are not kept between pages: at 100,000 meetings a
/// set of them is 230 MB, which a build held to its end when every page
/// at a depth shared one set. An item's page lists a few others and keeps
/// none; the home page and the meetings index list each meeting once and
/// make their summaries without this cache.
#[derive(Default)]
struct Summaries {
    meetings: std::sync::OnceLock<Vec<std::sync::OnceLock<Value>>>,
}

struct Page<'a, 's> {
    r: &'a Renderer<'s>,
    root: &'a str,
    /// A meeting or press page's rendered body.
    body: Option<&'a Body>,
    summaries: Summaries,
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
        format!("{}grounds/{}/", self.root, self.r.badges.slugs[g])
    }

    /// Meeting `i`'s summary, made once for this page when it lists the
    /// whole site (see [`Summaries`]).
    fn meeting_summary(&self, i: usize) -> Value {
        // An item's page (two folders deep) lists a few meetings, and the
        // 404 page (links from the base path) none.
        if !matches!(self.root, "" | "../") {
            return self.make_meeting_summary(i);
        }
        let n = self.r.site.content.meetings.len();
        self.summaries
            .meetings
            .get_or_init(|| (0..n).map(|_| Default::default()).collect())[i]
            .get_or_init(|| self.make_meeting_summary(i))
            .clone()
    }

    fn make_meeting_summary(&self, i: usize) -> Value {
        let m = &self.r.site.content.meetings[i];
        tv!({
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
        tv!({
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
        tv!({
            "title": press_title(p),
            "url": self.press_url(i),
            "outlet": p.meta.outlet,
            "date": p.meta.date.as_deref().map(human_date),
            "date_inferred": p.meta.date_inferred.as_ref().map(|d| tv!({"value": human_date_range(&d.value), "reason": d.reason})),
            "genre": p.meta.genre,
        })
    }

    /// Ground indices and counts of a statistics record, most used first.
    fn ground_rows(&self, stats: &Stats) -> Vec<(usize, usize)> {
        let grounds = &self.r.site.content.grounds;
        let mut rows: Vec<(usize, usize)> = stats
            .per_ground
            .iter()
            .map(|&n| n as usize)
            .enumerate()
            .filter(|(_, n)| *n > 0)
            .collect();
        rows.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(grounds[a.0].code.cmp(&grounds[b.0].code))
        });
        rows
    }

    /// A statistics record with its two charts' SVG and the table rows.
    fn stats_block(&self, id: &str, label: &str, stats: &Stats) -> Value {
        let grounds = &self.r.site.content.grounds;
        let rows = self.ground_rows(stats);
        let counts: Vec<Value> = rows
            .iter()
            .map(|&(g, n)| {
                let ground = &grounds[g];
                tv!({ "code": ground.code, "label": ground.label, "url": self.ground_url(g), "count": n,
                      "name": self.r.badges.accessible_names[g] })
            })
            .collect();
        let bars: Vec<(String, usize)> = rows
            .iter()
            .map(|&(g, n)| (grounds[g].code.clone(), n))
            .collect();
        tv!({
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
        Some(date) => with_date(String::with_capacity(20), date),
        None => iso.to_string(),
    }
}

/// `2024-07-09` → `Tuesday 9 July 2024`.
pub fn human_day(iso: &str) -> String {
    match parse_date(iso) {
        Some((y, m, d)) => {
            let mut s = String::with_capacity(30);
            s.push_str(weekday(y, m, d));
            s.push(' ');
            with_date(s, (y, m, d))
        }
        None => iso.to_string(),
    }
}

/// `s` followed by `9 July 2024`. Pages list thousands of dates; this
/// spares each the formatting machinery of `format!`.
fn with_date(mut s: String, (y, m, d): (i32, u32, u32)) -> String {
    if d >= 10 {
        s.push(char::from(b'0' + (d / 10) as u8));
    }
    s.push(char::from(b'0' + (d % 10) as u8));
    s.push(' ');
    s.push_str(MONTHS[m as usize - 1]);
    s.push(' ');
    if (1000..=9999).contains(&y) {
        let y = y as u32;
        for div in [1000, 100, 10, 1] {
            s.push(char::from(b'0' + (y / div % 10) as u8));
        }
    } else {
        s.push_str(&y.to_string());
    }
    s
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
        // As `format!` wrote them before `with_date`, years of any width.
        for (y, m, d) in [
            (2024, 7, 9),
            (999, 1, 31),
            (12024, 12, 10),
            (0, 2, 1),
            (1000, 3, 20),
        ] {
            let iso = format!("{y:04}-{m:02}-{d:02}");
            let expected = format!("{d} {} {y}", MONTHS[m as usize - 1]);
            assert_eq!(human_date(&iso), expected, "{iso}");
            assert_eq!(
                human_day(&iso),
                format!("{} {expected}", weekday(y, m, d)),
                "{iso}"
            );
        }
        assert_eq!(
            human_date_range("2024-07-09/2024-07-11"),
            "9 July 2024 to 11 July 2024"
        );
    }
}

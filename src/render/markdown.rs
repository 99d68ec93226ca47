//! Markdown bodies to HTML blocks, in one pass over pulldown-cmark's events.
//!
//! The pass does four jobs at once, so a body is parsed exactly once:
//! - redaction markers (found by `markers::scan` on each merged run of text,
//!   never by a grammar of our own) become badge groups;
//! - numbered paragraphs (`12. text`, `12 text`, `11.2. text`, or items of a
//!   top-level ordered list) become blocks with a number and an anchor;
//! - `<!-- page N -->` lines become release-page blocks;
//! - every other piece of raw HTML is turned into text, so content can never
//!   inject markup or script.
//!
//! The output is a list of blocks rather than one HTML string because the
//! same paragraph appears on its document's page (with its anchor) and on the
//! pages of the meetings it concerns (without, linking back).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::escape::{escape, escape_into};
use crate::markers;
use crate::model::{Ground, GroundTest};

/// What a block of a body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// The start of a release page (`<!-- page N -->`).
    PageBreak(u32),
    Heading,
    /// A paragraph, list, table or quote: anything that counts as text.
    Text,
}

/// How much of a paragraph was released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParaStatus {
    Released,
    PartlyWithheld,
    WithheldInFull,
}

impl ParaStatus {
    pub fn class(self) -> &'static str {
        match self {
            ParaStatus::Released => "released",
            ParaStatus::PartlyWithheld => "partly-withheld",
            ParaStatus::WithheldInFull => "withheld-full",
        }
    }
}

/// One block of a rendered body.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    /// The block's HTML without its wrapper (see `render::blocks_html`).
    pub html: String,
    /// The paragraph number as printed, without a trailing dot (`11.2`).
    pub number: Option<String>,
    /// The element id on the document page (`p12`, `p24-2`, `page-14`).
    pub anchor: Option<String>,
    /// The release page the block is on, when the body marks pages.
    pub page: Option<u32>,
    pub status: Option<ParaStatus>,
    /// One entry per badge group: indices into the grounds table.
    pub groups: Vec<Vec<usize>>,
}

/// A code the grounds table does not know, at a byte offset of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode {
    pub offset: usize,
    pub printed: String,
}

/// A rendered body.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub blocks: Vec<Block>,
    pub unknown: Vec<UnknownCode>,
}

/// What badges need to know about the site.
pub struct BadgeContext<'a> {
    /// Canonical code → index into the site's grounds table.
    pub lookup: &'a HashMap<String, usize>,
    /// Per ground: its page's slug.
    pub slugs: &'a [String],
    /// Per ground: its [`accessible_name`], escaped for an attribute. The
    /// same for every badge of the ground, so made once, not per badge.
    pub names: &'a [String],
}

/// Renders a Markdown body. `root` is the relative path from the page the
/// body appears on to the site root (`../../`), used for badge links and
/// for root-absolute links written in content.
pub fn render_body(text: &str, cx: &BadgeContext, root: &str) -> Body {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let mut out = Body::default();
    let mut unit: Vec<(Event, Range<usize>)> = Vec::new();
    let mut depth = 0usize;
    // Inside a top-level ordered list: the next item's number.
    let mut ordered: Option<u64> = None;
    let mut page: Option<u32> = None;

    for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
        if depth == 0 && unit.is_empty() {
            match &event {
                Event::Start(Tag::List(Some(n))) if ordered.is_none() => {
                    ordered = Some(*n);
                    continue;
                }
                Event::End(TagEnd::List(true)) if ordered.is_some() => {
                    ordered = None;
                    continue;
                }
                _ => {}
            }
        }
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        unit.push((event, range));
        if depth == 0 {
            let number = match (ordered, &unit[0].0) {
                (Some(n), Event::Start(Tag::Item)) => {
                    ordered = Some(n + 1);
                    Some(n.to_string())
                }
                _ => None,
            };
            finish_unit(
                std::mem::take(&mut unit),
                number,
                cx,
                root,
                &mut page,
                &mut out,
            );
        }
    }
    assign_anchors(&mut out.blocks);
    // A build keeps every document's blocks to the end: no spare capacity.
    out.blocks.shrink_to_fit();
    out
}

impl Block {
    /// The element id of the block: its anchor, else the id its anchor
    /// starts from (see [`base_anchor`]); `None` for a block with neither.
    pub fn id(&self) -> Option<std::borrow::Cow<'_, str>> {
        match &self.anchor {
            Some(a) => Some(a.into()),
            None => base_anchor(self.kind, self.number.as_deref()).map(Into::into),
        }
    }
}

/// The id a page break's or numbered paragraph's anchor starts from:
/// `page-14`, `p12`, `p11-2` for paragraph `11.2`.
fn base_anchor(kind: BlockKind, number: Option<&str>) -> Option<String> {
    let mut id = String::with_capacity(8);
    match (kind, number) {
        (BlockKind::PageBreak(n), _) => {
            let _ = write!(id, "page-{n}");
        }
        (_, Some(num)) => {
            id.push('p');
            id.extend(num.chars().map(|c| if c == '.' { '-' } else { c }));
        }
        _ => return None,
    }
    Some(id)
}

/// Gives numbered paragraphs and page breaks unique ids: `p12`, `p11-2`,
/// and `p24-2` for the second paragraph numbered 24.
fn assign_anchors(blocks: &mut [Block]) {
    let mut used = HashSet::new();
    for b in blocks.iter_mut() {
        let Some(mut id) = base_anchor(b.kind, b.number.as_deref()) else {
            continue;
        };
        if !used.insert(id.clone()) {
            let base = std::mem::take(&mut id);
            for k in 2.. {
                id = format!("{base}-{k}");
                if used.insert(id.clone()) {
                    break;
                }
            }
        }
        b.anchor = Some(id);
    }
}

fn finish_unit<'t>(
    mut unit: Vec<(Event<'t>, Range<usize>)>,
    number: Option<String>,
    cx: &BadgeContext,
    root: &str,
    page: &mut Option<u32>,
    out: &mut Body,
) {
    match &unit[0].0 {
        Event::Start(Tag::HtmlBlock) => {
            // Page markers become page blocks; any other raw HTML is shown as text.
            let start = unit[0].1.start;
            let raw: String = unit
                .iter()
                .filter_map(|(e, _)| match e {
                    Event::Html(s) | Event::Text(s) => Some(s.as_ref()),
                    _ => None,
                })
                .collect();
            let mut verbatim = String::new();
            for line in raw.lines() {
                if let Some(n) = page_marker(line) {
                    flush_verbatim(&mut verbatim, start, cx, root, *page, out);
                    *page = Some(n);
                    out.blocks.push(Block {
                        kind: BlockKind::PageBreak(n),
                        html: String::new(),
                        number: None,
                        anchor: None,
                        page: Some(n),
                        status: None,
                        groups: Vec::new(),
                    });
                } else if !line.trim().is_empty() {
                    verbatim.push_str(line);
                    verbatim.push('\n');
                }
            }
            flush_verbatim(&mut verbatim, start, cx, root, *page, out);
        }
        Event::Start(Tag::Item) => {
            let inner: Vec<_> = unit.drain(1..unit.len() - 1).collect();
            let events = wrap_inline_runs(inner);
            let block = transform(events, number, BlockKind::Text, cx, root, *page, out);
            out.blocks.push(block);
        }
        Event::Start(Tag::Paragraph) => {
            let number = strip_paragraph_number(&mut unit);
            let block = transform(unit, number, BlockKind::Text, cx, root, *page, out);
            out.blocks.push(block);
        }
        Event::Start(Tag::Heading { .. }) => {
            let block = transform(unit, None, BlockKind::Heading, cx, root, *page, out);
            out.blocks.push(block);
        }
        _ => {
            let block = transform(unit, number, BlockKind::Text, cx, root, *page, out);
            out.blocks.push(block);
        }
    }
}

fn flush_verbatim(
    buf: &mut String,
    offset: usize,
    cx: &BadgeContext,
    root: &str,
    page: Option<u32>,
    out: &mut Body,
) {
    if buf.is_empty() {
        return;
    }
    let text = std::mem::take(buf);
    let events = vec![
        (Event::Start(Tag::Paragraph), offset..offset),
        (
            Event::Text(CowStr::from(text.trim_end().to_string())),
            offset..offset + text.len(),
        ),
        (Event::End(TagEnd::Paragraph), offset..offset),
    ];
    let block = transform(events, None, BlockKind::Text, cx, root, page, out);
    out.blocks.push(block);
}

/// `<!-- page 14 -->` → 14.
pub fn page_marker(line: &str) -> Option<u32> {
    let inner = line
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    let n = inner.strip_prefix("page")?.trim();
    n.parse().ok().filter(|n| *n > 0)
}

/// A tight list item holds inline events directly; wrap each run of them in
/// a paragraph so every item renders the same way.
fn wrap_inline_runs<'t>(inner: Vec<(Event<'t>, Range<usize>)>) -> Vec<(Event<'t>, Range<usize>)> {
    let mut out = Vec::with_capacity(inner.len() + 2);
    let mut depth = 0usize;
    let mut open = false;
    for (event, range) in inner {
        let is_block = depth == 0
            && match &event {
                Event::Start(t) => is_block_tag(t),
                Event::Rule | Event::Html(_) => true,
                _ => false,
            };
        if depth == 0 {
            if is_block && open {
                out.push((Event::End(TagEnd::Paragraph), range.start..range.start));
                open = false;
            } else if !is_block && !open {
                out.push((Event::Start(Tag::Paragraph), range.start..range.start));
                open = true;
            }
        }
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        out.push((event, range));
    }
    if open {
        let end = out.last().map_or(0, |(_, r)| r.end);
        out.push((Event::End(TagEnd::Paragraph), end..end));
    }
    out
}

fn is_block_tag(t: &Tag) -> bool {
    matches!(
        t,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::HtmlBlock
            | Tag::List(_)
            | Tag::Table(_)
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
    )
}

/// Removes a printed paragraph number (`12.`, `12 `, `11.2.`) from the
/// start of a paragraph and returns it without its trailing dot.
fn strip_paragraph_number(unit: &mut [(Event, Range<usize>)]) -> Option<String> {
    let (Event::Text(text), range) = unit.get_mut(1)? else {
        return None;
    };
    let (number, rest_at) = crate::markers::split_paragraph_number(text)?;
    let number = number.to_string();
    let rest = text[rest_at..].to_string();
    range.start += rest_at;
    *text = CowStr::from(rest);
    Some(number)
}

/// The event transform: badges, escaped HTML, safe links, shifted headings;
/// then the block's HTML and status.
fn transform<'t>(
    events: Vec<(Event<'t>, Range<usize>)>,
    number: Option<String>,
    kind: BlockKind,
    cx: &BadgeContext,
    root: &str,
    page: Option<u32>,
    out: &mut Body,
) -> Block {
    let mut result: Vec<Event> = Vec::with_capacity(events.len());
    let mut groups = Vec::new();
    // Whether any letter or digit is left outside the markers: only that
    // tells a paragraph withheld in full from one withheld in part.
    let mut has_text = false;
    // Merged run of text and its source offset.
    let mut run = String::new();
    let mut run_start: Option<usize> = None;
    // Per open link: whether it was dropped as unsafe.
    let mut links: Vec<bool> = Vec::new();

    for (event, range) in events {
        let event = match event {
            Event::Text(t) => {
                run_start.get_or_insert(range.start);
                run.push_str(&t);
                continue;
            }
            Event::InlineHtml(t) | Event::Html(t) => {
                run_start.get_or_insert(range.start);
                run.push_str(&t);
                continue;
            }
            other => other,
        };
        flush_run(
            &mut run,
            &mut run_start,
            cx,
            root,
            &mut result,
            &mut groups,
            &mut has_text,
            out,
        );
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match safe_url(&dest_url, root) {
                Some(url) => {
                    links.push(false);
                    result.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url: url.into(),
                        title,
                        id,
                    }));
                }
                None => links.push(true),
            },
            Event::End(TagEnd::Link) => {
                if !links.pop().unwrap_or(true) {
                    result.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let url = safe_url(&dest_url, root).unwrap_or_default();
                result.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: url.into(),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Heading { level, .. }) => result.push(Event::Start(Tag::Heading {
                level: shift(level),
                id: None,
                classes: vec![],
                attrs: vec![],
            })),
            Event::End(TagEnd::Heading(level)) => {
                result.push(Event::End(TagEnd::Heading(shift(level))))
            }
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {}
            Event::Code(t) => {
                has_text = has_text || has_letters(&t);
                result.push(Event::Code(t));
            }
            other => result.push(other),
        }
    }
    flush_run(
        &mut run,
        &mut run_start,
        cx,
        root,
        &mut result,
        &mut groups,
        &mut has_text,
        out,
    );

    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, result.into_iter());
    let status = match kind {
        BlockKind::Text if groups.is_empty() && !has_text => None,
        BlockKind::Text if groups.is_empty() => Some(ParaStatus::Released),
        BlockKind::Text if !has_text => Some(ParaStatus::WithheldInFull),
        BlockKind::Text => Some(ParaStatus::PartlyWithheld),
        _ => None,
    };
    Block {
        kind,
        html: html.trim_end().to_string(),
        number,
        anchor: None,
        page,
        status,
        groups,
    }
}

#[allow(clippy::too_many_arguments)]
fn flush_run<'t>(
    run: &mut String,
    run_start: &mut Option<usize>,
    cx: &BadgeContext,
    root: &str,
    result: &mut Vec<Event<'t>>,
    groups: &mut Vec<Vec<usize>>,
    has_text: &mut bool,
    out: &mut Body,
) {
    let Some(offset) = run_start.take() else {
        return;
    };
    let text = std::mem::take(run);
    let mut at = 0;
    for group in markers::scan(&text) {
        let before = &text[at..group.span.start];
        *has_text = *has_text || has_letters(before);
        if !before.is_empty() {
            result.push(Event::Text(CowStr::from(before.to_string())));
        }
        let mut badge = String::new();
        let mut indices = Vec::with_capacity(group.codes.len());
        let printed: Vec<&str> = group.codes.iter().map(|c| &text[c.span.clone()]).collect();
        let _ = write!(
            badge,
            "<span class=\"redaction\" data-grounds=\"{}\">",
            escape(&printed.join(" "))
        );
        let mut pos = group.span.start;
        for (code, shown) in group.codes.iter().zip(&printed) {
            badge.push_str(&escape(&text[pos..code.span.start]));
            match cx.lookup.get(&code.canonical) {
                Some(&g) => {
                    indices.push(g);
                    badge_code(&mut badge, shown, g, cx, root);
                }
                None => {
                    out.unknown.push(UnknownCode {
                        offset: offset + code.span.start,
                        printed: shown.to_string(),
                    });
                    let _ = write!(badge, "<span class=\"code\">{}</span>", escape(shown));
                }
            }
            pos = code.span.end;
        }
        badge.push_str(&escape(&text[pos..group.span.end]));
        badge.push_str("</span>");
        result.push(Event::InlineHtml(CowStr::from(badge)));
        groups.push(indices);
        at = group.span.end;
    }
    let rest = &text[at..];
    *has_text = *has_text || has_letters(rest);
    if !rest.is_empty() {
        result.push(Event::Text(CowStr::from(rest.to_string())));
    }
}

/// Whether `s` has a letter or digit (in any script).
fn has_letters(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// One code of a badge: a link to the ground's page whose accessible name
/// reads the ground in full. Its class names the ground, so that the
/// statute's wording, defined once in `assets/grounds.css`, shows as a
/// tooltip on hover and keyboard focus.
fn badge_code(out: &mut String, shown: &str, g: usize, cx: &BadgeContext, root: &str) {
    // The accessible name reads the ground in full and ends with the code as
    // shown (outside brackets, which checkers ignore), so speech-input users
    // can still say what they see (WCAG 2.5.3).
    out.push_str("<span class=\"code\"><a class=\"g-");
    out.push_str(&cx.slugs[g]);
    out.push_str("\" href=\"");
    out.push_str(root);
    out.push_str("grounds/");
    out.push_str(&cx.slugs[g]);
    out.push_str("/\" aria-label=\"");
    out.push_str(&cx.names[g]);
    out.push_str("; printed as ");
    escape_into(out, shown);
    out.push_str("\">");
    escape_into(out, shown);
    out.push_str("</a></span>");
}

/// "Withheld under section 6(a) of the Official Information Act 1982: …".
pub fn accessible_name(ground: &Ground, default_act: &str) -> String {
    let act = if ground.act.is_empty() {
        default_act
    } else {
        &ground.act
    };
    match ground.test {
        GroundTest::Scope => format!("{}: {}", ground.code, ground.label),
        _ if act.is_empty() => format!("Withheld under {}: {}", ground.section, ground.label),
        _ => format!(
            "Withheld under {} of the {}: {}",
            ground.section, act, ground.label
        ),
    }
}

/// Content links: web, mail and relative links are kept (root-absolute ones
/// made relative so the site works under a sub-path); anything else
/// (`javascript:`, empty, `#`) is dropped, keeping the link's text.
fn safe_url(url: &str, root: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() || url == "#" {
        return None;
    }
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
    {
        return Some(url.to_string());
    }
    if let Some(rest) = url.strip_prefix('/') {
        if rest.starts_with('/') {
            return None;
        }
        return Some(format!("{root}{rest}"));
    }
    match lower.find(':') {
        // A scheme comes before any `/`, `?` or `#`.
        Some(i) if !lower[..i].contains(['/', '?', '#']) => None,
        _ => Some(url.to_string()),
    }
}

/// Body headings sit below the page's own `h1`.
fn shift(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GroundTest;

    fn ground(code: &str, section: &str) -> Ground {
        Ground {
            code: code.into(),
            section: section.into(),
            label: format!("label of {code}"),
            wording: format!("wording of {code}"),
            test: GroundTest::Conclusive,
            act: "Official Information Act 1982".into(),
        }
    }

    fn render(text: &str) -> Body {
        let grounds = [
            ground("s6(a)", "section 6(a)"),
            ground("s6(b)(i)", "section 6(b)(i)"),
        ];
        let lookup: HashMap<String, usize> = grounds
            .iter()
            .enumerate()
            .map(|(i, g)| (g.code.clone(), i))
            .collect();
        let slugs = vec!["s6-a".to_string(), "s6-b-i".to_string()];
        let cx = BadgeContext {
            lookup: &lookup,
            slugs: &slugs,
            names: &grounds
                .iter()
                .map(|g| escape(&accessible_name(g, "")))
                .collect::<Vec<_>>(),
        };
        render_body(text, &cx, "../../")
    }

    #[test]
    fn marker_list_becomes_one_badge_group_with_links() {
        let body = render("16. s6(a), s6(b)(i)\n");
        assert_eq!(body.blocks.len(), 1);
        let b = &body.blocks[0];
        assert_eq!(b.number.as_deref(), Some("16"));
        assert_eq!(b.anchor.as_deref(), Some("p16"));
        assert_eq!(b.status, Some(ParaStatus::WithheldInFull));
        assert_eq!(b.groups, vec![vec![0, 1]]);
        assert!(
            b.html.contains("data-grounds=\"s6(a) s6(b)(i)\""),
            "{}",
            b.html
        );
        assert!(b.html.contains("href=\"../../grounds/s6-b-i/\""));
        assert!(b.html.contains("aria-label=\"Withheld under section 6(a) of the Official Information Act 1982: label of s6(a); printed as s6(a)\""));
    }

    #[test]
    fn numbered_paragraphs_pages_and_repeats_get_anchors() {
        let body = render("<!-- page 3 -->\n\n1. Text s6(a)\n\n2 More text\n\n11.2. Sub\n\n<!-- page 4 -->\n1. Again\n\n9 July 2024, Washington\n");
        let anchors: Vec<_> = body.blocks.iter().map(|b| b.anchor.clone()).collect();
        assert_eq!(
            anchors,
            vec![
                Some("page-3".into()),
                Some("p1".into()),
                Some("p2".into()),
                Some("p11-2".into()),
                Some("page-4".into()),
                Some("p1-2".into()),
                None
            ]
        );
        assert_eq!(body.blocks[1].status, Some(ParaStatus::PartlyWithheld));
        assert_eq!(body.blocks[2].status, Some(ParaStatus::Released));
        assert_eq!(body.blocks[5].page, Some(4));
    }

    #[test]
    fn raw_html_and_template_syntax_are_text() {
        let body = render("<script>alert(1)</script>\n\nHi <b onclick=x>there</b> {{ secret }} {% raw %}\n\n[x](javascript:alert(1)) [y](/press/a/)\n");
        let html: String = body.blocks.iter().map(|b| b.html.as_str()).collect();
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("&lt;b onclick=x&gt;"));
        assert!(html.contains("{{ secret }}"));
        assert!(!html.contains("javascript"));
        assert!(html.contains("href=\"../../press/a/\""));
    }

    #[test]
    fn unknown_codes_are_reported_with_offset() {
        let text = "1. Fine\n\n2. s6(z) here\n";
        let body = render(text);
        assert_eq!(body.unknown.len(), 1);
        assert_eq!(
            &text[body.unknown[0].offset..body.unknown[0].offset + 5],
            "s6(z)"
        );
    }
}

//! `release.json`: the whole resolved release, described by
//! `docs/release.schema.json`. Field order is fixed by these structs, so
//! the file is byte-identical between builds.

use std::io::{self, Write};

use serde::Serialize;

use super::{document_order, plain_text, printed_groups, ParagraphIndex};
use crate::model::{CitedGround, DatedEvent, Participant, RequestItem, ScheduleRow, Scope, Side};
use crate::render::markdown::BlockKind;
use crate::render::stats::Stats;
use crate::render::Renderer;

/// Bumped when a field changes meaning or is removed (adding one does not).
pub const SCHEMA_VERSION: u32 = 1;

/// The whole file. `meetings` and `documents` are [`Lazy`]: each entry is
/// made as it is written and dropped after, since together they are most
/// of a large release (a document's paragraphs with their text).
#[derive(Serialize)]
struct Release<'a, M, D> {
    version: u32,
    generator: String,
    site: SiteInfo<'a>,
    release: ReleaseInfo<'a>,
    stats: Figures,
    grounds: Vec<GroundOut<'a>>,
    meetings: M,
    documents: D,
    press: Vec<PressOut<'a>>,
}

/// A sequence serialized item by item from an iterator it makes when
/// written, so that its items are never all in memory at once. Written the
/// same as a `Vec` of the same items.
struct Lazy<F>(F);

impl<F, I> Serialize for Lazy<F>
where
    F: Fn() -> I,
    I: IntoIterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

#[derive(Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    url: &'a str,
    language: &'a str,
}

#[derive(Serialize)]
struct ReleaseInfo<'a> {
    reference: &'a str,
    agency: &'a str,
    act: Option<&'a str>,
    request_date: Option<&'a str>,
    response_date: Option<&'a str>,
    transferred: Option<&'a DatedEvent>,
    refined: Option<&'a DatedEvent>,
    extended: Option<&'a DatedEvent>,
    signatory: Option<&'a str>,
    request_items: &'a [RequestItem],
    schedule: &'a [ScheduleRow],
    grounds_cited: &'a [CitedGround],
    notes: &'a [String],
    pages: u32,
}

/// Paragraph and marker figures, as the pages' statistics show them.
#[derive(Serialize)]
struct Figures {
    paragraphs: usize,
    released: usize,
    partly_withheld: usize,
    withheld_in_full: usize,
    markers: usize,
    codes: usize,
}

impl From<&Stats> for Figures {
    fn from(s: &Stats) -> Self {
        Figures {
            paragraphs: s.paragraphs(),
            released: s.released,
            partly_withheld: s.partly,
            withheld_in_full: s.full,
            markers: s.groups,
            codes: s.codes(),
        }
    }
}

#[derive(Serialize)]
struct GroundOut<'a> {
    code: &'a str,
    slug: &'a str,
    section: &'a str,
    label: &'a str,
    wording: &'a str,
    test: crate::model::GroundTest,
    act: &'a str,
    /// Codes applied in documents' text.
    uses: usize,
    /// Participants' names withheld under it.
    participant_uses: usize,
    url: String,
}

#[derive(Serialize)]
struct MeetingOut<'a> {
    slug: &'a str,
    title: &'a str,
    date: &'a str,
    start: Option<&'a str>,
    end: Option<&'a str>,
    place: Option<&'a str>,
    request_item: Option<&'a str>,
    scope: Scope,
    scope_note: Option<&'a str>,
    participants: Vec<SideOut<'a>>,
    sources: Vec<SourceOut<'a>>,
    press: Vec<PressReportOut<'a>>,
    stats: Figures,
    url: String,
}

#[derive(Serialize)]
struct SideOut<'a> {
    side: &'a str,
    people: &'a [Participant],
}

#[derive(Serialize)]
struct SourceOut<'a> {
    document: &'a str,
    pages: Option<String>,
    /// Anchors of the paragraphs the meeting page shows from this document.
    paragraphs: Vec<&'a str>,
}

#[derive(Serialize)]
struct PressReportOut<'a> {
    item: &'a str,
    quote: &'a str,
    release: Vec<PassageOut<'a>>,
}

#[derive(Serialize)]
struct PassageOut<'a> {
    document: &'a str,
    paragraph: &'a str,
    anchor: Option<&'a str>,
    relation: crate::model::Relation,
    note: &'a str,
    url: String,
}

#[derive(Serialize)]
struct DocumentOut<'a> {
    slug: &'a str,
    title: &'a str,
    kind: crate::model::DocumentKind,
    author: Option<&'a str>,
    date: Option<&'a str>,
    classification: Option<&'a str>,
    first_page: u32,
    last_page: u32,
    meetings: Vec<&'a str>,
    notes: &'a [String],
    stats: Figures,
    release_pages: Vec<PageOut>,
    paragraphs: Vec<ParagraphOut<'a>>,
    url: String,
}

#[derive(Serialize)]
struct PageOut {
    number: u32,
    anchor: String,
}

#[derive(Serialize)]
struct ParagraphOut<'a> {
    /// As printed, without a trailing dot; absent for unnumbered blocks.
    number: Option<&'a str>,
    anchor: Option<&'a str>,
    page: Option<u32>,
    status: &'static str,
    markers: Vec<MarkerOut>,
    meetings: Vec<&'a str>,
    text: String,
}

#[derive(Serialize)]
struct MarkerOut {
    printed: String,
    grounds: Vec<String>,
}

#[derive(Serialize)]
struct PressOut<'a> {
    slug: &'a str,
    outlet: &'a str,
    title: &'a str,
    headline: Option<&'a str>,
    date: Option<&'a str>,
    date_inferred: Option<&'a crate::model::Inferred>,
    genre: Option<&'a str>,
    source_url: Option<&'a str>,
    meetings: Vec<&'a str>,
    url: String,
}

/// Writes `release.json` to `out` on one line, ending with a newline:
/// indentation made a large release's file 40 % bigger (77 against 46 MB at
/// 10,000 meetings) for nobody's benefit, since browsers and `jq .` indent
/// it for reading.
pub fn release(r: &Renderer, index: &ParagraphIndex, out: &mut dyn Write) -> io::Result<()> {
    let c = &r.site.content;
    let rel = &c.release.meta;
    let doc_slug = |d: usize| c.documents[d].slug.as_str();
    let meeting_slug = |m: usize| c.meetings[m].slug.as_str();
    let grounds = c
        .grounds
        .iter()
        .enumerate()
        .map(|(g, ground)| GroundOut {
            code: &ground.code,
            slug: &r.badges.slugs[g],
            section: &ground.section,
            label: &ground.label,
            wording: &ground.wording,
            test: ground.test,
            act: if ground.act.is_empty() {
                &r.badges.default_act
            } else {
                &ground.act
            },
            uses: r.release_stats.uses(g),
            participant_uses: r.ground_participant_uses[g].iter().map(|x| x.1).sum(),
            url: r.absolute(&format!("grounds/{}/", r.badges.slugs[g])),
        })
        .collect();
    let meetings = Lazy(|| {
        r.site.meeting_order.iter().map(|&m| {
            let meeting = &c.meetings[m];
            let meta = &meeting.meta;
            MeetingOut {
                slug: &meeting.slug,
                title: &meta.title,
                date: &meta.date,
                start: meta.start.as_deref(),
                end: meta.end.as_deref(),
                place: meta.place.as_deref(),
                request_item: meta.request_item.as_deref(),
                scope: meta.scope,
                scope_note: meta.scope_note.as_deref(),
                participants: meta
                    .participants
                    .iter()
                    .map(|s: &Side| SideOut {
                        side: &s.side,
                        people: &s.people,
                    })
                    .collect(),
                sources: r.meeting_passages[m]
                    .iter()
                    .map(|p| SourceOut {
                        document: doc_slug(p.document),
                        pages: p.pages.map(|pg| pg.to_string()),
                        paragraphs: p
                            .blocks
                            .iter()
                            .filter_map(|&b| {
                                let block = &r.documents[p.document].blocks[b];
                                match block.kind {
                                    BlockKind::Text => block.anchor.as_deref(),
                                    _ => None,
                                }
                            })
                            .collect(),
                    })
                    .collect(),
                press: meta
                    .press
                    .iter()
                    .map(|pr| PressReportOut {
                        item: &pr.item,
                        quote: &pr.quote,
                        release: pr
                            .release
                            .iter()
                            .map(|pass| {
                                let anchor = crate::compare::passage_anchor(r, m, pass);
                                let url = r.absolute(&format!("documents/{}/", pass.document));
                                PassageOut {
                                    document: &pass.document,
                                    paragraph: &pass.paragraph,
                                    anchor: anchor.map(|(_, a)| a),
                                    relation: pass.relation,
                                    note: &pass.note,
                                    url: match anchor {
                                        Some((_, a)) => format!("{url}#{a}"),
                                        None => url,
                                    },
                                }
                            })
                            .collect(),
                    })
                    .collect(),
                stats: (&r.meeting_stats[m]).into(),
                url: r.absolute(&format!("meetings/{}/", meeting.slug)),
            }
        })
    });
    let documents = Lazy(|| {
        document_order(r).into_iter().map(|d| {
            let doc = &c.documents[d];
            let blocks = &r.documents[d].blocks;
            DocumentOut {
                slug: &doc.slug,
                title: &doc.meta.title,
                kind: doc.meta.kind,
                author: doc.meta.author.as_deref(),
                date: doc.meta.date.as_deref(),
                classification: doc.meta.classification.as_deref(),
                first_page: doc.meta.pages.first,
                last_page: doc.meta.pages.last,
                meetings: r.site.document_meetings[d]
                    .iter()
                    .map(|&m| meeting_slug(m))
                    .collect(),
                notes: &doc.meta.notes,
                stats: (&r.document_stats[d]).into(),
                release_pages: blocks
                    .iter()
                    .filter_map(|b| match b.kind {
                        BlockKind::PageBreak(n) => Some(PageOut {
                            number: n,
                            anchor: b.id().unwrap_or_default().into_owned(),
                        }),
                        _ => None,
                    })
                    .collect(),
                paragraphs: blocks
                    .iter()
                    .enumerate()
                    .filter_map(|(i, b)| {
                        let status = b.status?;
                        Some(ParagraphOut {
                            number: b.number.as_deref(),
                            anchor: b.anchor.as_deref(),
                            page: b.page,
                            status: status.class(),
                            markers: b
                                .groups
                                .iter()
                                .zip(printed_groups(b))
                                .map(|(g, printed)| MarkerOut {
                                    printed,
                                    grounds: g.iter().map(|&x| c.grounds[x].code.clone()).collect(),
                                })
                                .collect(),
                            meetings: index.meetings[d][i]
                                .iter()
                                .map(|&m| meeting_slug(m))
                                .collect(),
                            text: plain_text(&b.html),
                        })
                    })
                    .collect(),
                url: r.absolute(&format!("documents/{}/", doc.slug)),
            }
        })
    });
    let press = c
        .press
        .iter()
        .enumerate()
        .map(|(i, p)| PressOut {
            slug: &p.slug,
            outlet: &p.meta.outlet,
            title: &p.meta.title,
            headline: p.meta.headline.as_deref(),
            date: p.meta.date.as_deref(),
            date_inferred: p.meta.date_inferred.as_ref(),
            genre: p.meta.genre.as_deref(),
            source_url: p.meta.url.as_deref(),
            meetings: r.site.press_meetings[i]
                .iter()
                .map(|&m| meeting_slug(m))
                .collect(),
            url: r.absolute(&format!("press/{}/", p.slug)),
        })
        .collect();
    let release = Release {
        version: SCHEMA_VERSION,
        generator: format!("annex {}", env!("CARGO_PKG_VERSION")),
        site: SiteInfo {
            title: &c.config.title,
            url: &r.base_url,
            language: &c.config.language,
        },
        release: ReleaseInfo {
            reference: &rel.reference,
            agency: &rel.agency,
            act: rel.act.as_deref(),
            request_date: rel.request_date.as_deref(),
            response_date: rel.response_date.as_deref(),
            transferred: rel.transferred.as_ref(),
            refined: rel.refined.as_ref(),
            extended: rel.extended.as_ref(),
            signatory: rel.signatory.as_deref(),
            request_items: &rel.request_items,
            schedule: &rel.schedule,
            grounds_cited: &rel.grounds_cited,
            notes: &rel.notes,
            pages: c.documents.iter().map(|d| d.meta.pages.page_count()).sum(),
        },
        stats: (&r.release_stats).into(),
        grounds,
        meetings,
        documents,
        press,
    };
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer(&mut out, &release).map_err(io::Error::from)?;
    out.write_all(b"\n")?;
    out.flush()
}

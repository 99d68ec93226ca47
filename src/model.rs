//! The content model: plain data types that every stage reads.
//!
//! Front-matter structs mirror the YAML a publisher writes, one struct per
//! file kind, and reject unknown keys so that a typo is an error rather than a
//! silently ignored setting. `docs/content.md` documents every field with a
//! complete example; keep the two in step.
//!
//! Dates are ISO 8601 strings (`2024-07-09`), checked by `load` rather than
//! parsed into a date type: the site only ever prints and sorts them, and a
//! string keeps the file's own spelling for lossless round trips.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------
// site.yaml
// ---------------------------------------------------------------------------

/// `site.yaml` at the project root: how the site is built and which
/// withholding grounds apply. The release's own facts live in
/// `content/release.md` (see [`ReleaseMeta`]), because the importer recovers
/// them from the cover letter and a publisher edits them like any content.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's title, shown in every page's `<title>` and header.
    pub title: String,
    /// One-line description for the home page's meta description.
    #[serde(default)]
    pub description: Option<String>,
    /// Absolute URL the site is served from, with or without a sub-path
    /// (`https://example.org/release/`). Links are made relative to its path.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// BCP 47 language tag for `<html lang>` (`en-NZ`).
    #[serde(default = "default_language")]
    pub language: String,
    /// Theme folder name under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Output folder, relative to the project root.
    #[serde(default = "default_output_dir")]
    pub output_dir: String,
    /// The withholding grounds table: a built-in preset plus the site's own codes.
    #[serde(default)]
    pub grounds: GroundsConfig,
    /// Build a search index (Pagefind) and the search page; on by default.
    #[serde(default = "default_true")]
    pub search: bool,
    /// How many meetings, schedule rows and documents the home page lists
    /// before it links to the full index instead: a release of thousands
    /// of meetings gets a home page that can be read, not one of megabytes.
    #[serde(default = "default_home_list_limit")]
    pub home_list_limit: usize,
}

fn default_home_list_limit() -> usize {
    50
}

fn default_true() -> bool {
    true
}

fn default_base_url() -> String {
    "/".to_string()
}
fn default_language() -> String {
    "en".to_string()
}
fn default_theme() -> String {
    "default".to_string()
}
fn default_output_dir() -> String {
    "public".to_string()
}

/// `grounds:` in `site.yaml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroundsConfig {
    /// Name of a built-in table (`nz-oia`); `None` means the site lists every
    /// code itself.
    #[serde(default)]
    pub preset: Option<String>,
    /// Codes added to the preset, or replacing a preset code of the same `code`.
    #[serde(default)]
    pub codes: Vec<Ground>,
}

/// One withholding ground: a code as releases print it and what it means.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Ground {
    /// The code in its canonical printed form (`s6(a)`, `s9(2)(g)(i)`,
    /// `Out of scope`, `(b)(6)`). Other notations of the same code are
    /// mapped to it by `markers::canonical`.
    pub code: String,
    /// The provision it cites (`section 6(a)`, `5 U.S.C. 552(b)(6)`).
    pub section: String,
    /// Short plain-English label, used in badges' accessible names.
    pub label: String,
    /// The statute's wording.
    #[serde(default)]
    pub wording: String,
    /// Conclusive, or subject to a public-interest test.
    pub test: GroundTest,
    /// The Act it belongs to (`Official Information Act 1982`).
    #[serde(default)]
    pub act: String,
}

/// How a ground weighs against disclosure.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum GroundTest {
    /// Withholding is conclusive once the ground applies (OIA section 6).
    Conclusive,
    /// Withheld only when no public interest outweighs it (OIA section 9).
    PublicInterest,
    /// A ground for refusing a request outright (OIA section 18).
    Refusal,
    /// Not a statutory ground: material outside the request's scope.
    Scope,
    /// Any other kind (another regime's exemption with its own test).
    Other,
}

// ---------------------------------------------------------------------------
// Content files: front matter + Markdown body
// ---------------------------------------------------------------------------

/// One content file after loading: where it came from, its slug, its front
/// matter and its Markdown body.
#[derive(Debug, Clone)]
pub struct Entry<M> {
    /// Where the file is, as shown in every diagnostic: the project root
    /// joined with the file's path in it, so relative to the working
    /// directory when the root is. `build` opens it again by this path to
    /// read a body it did not keep (see `render::BodiesOnDisk`).
    pub path: PathBuf,
    /// URL slug: the front matter's `slug`, else the file name without `.md`.
    pub slug: String,
    pub meta: M,
    /// The Markdown body, exactly as in the file (after the closing `---`);
    /// empty once a build no longer needs it (`Content::clear_document_bodies`,
    /// `render::BodiesOnDisk::take`).
    pub body: String,
    /// 1-based line number of the body's first line in the file, so that a
    /// position inside the body maps back to the file.
    pub body_line: usize,
}

pub type Meeting = Entry<MeetingMeta>;
pub type Document = Entry<DocumentMeta>;
pub type PressItem = Entry<PressMeta>;
pub type ReleaseInfo = Entry<ReleaseMeta>;

/// `content/release.md`: the release as a whole. Its body is the cover
/// letter as released.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseMeta {
    /// The agency's reference (`OIA 29619`).
    pub reference: String,
    /// The responding agency.
    pub agency: String,
    /// The Act the request was made under (`Official Information Act 1982`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act: Option<String>,
    /// Date of the response letter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_date: Option<String>,
    /// Date the requester asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_date: Option<String>,
    /// Transfer from another agency (OIA section 14), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transferred: Option<DatedEvent>,
    /// Refinement of the request by the requester, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refined: Option<DatedEvent>,
    /// Extension of the time limit (OIA section 15A), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended: Option<DatedEvent>,
    /// Who signed the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signatory: Option<String>,
    /// The request's items as the requester numbered them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request_items: Vec<RequestItem>,
    /// The schedule of documents (MFAT's "Annex A"): one row per line of the table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedule: Vec<ScheduleRow>,
    /// Grounds the letter says were used, with the letter's own gloss.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grounds_cited: Vec<CitedGround>,
    /// Editorial notes on the release as a whole (inconsistencies, context).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A dated step in the request's life (transfer, refinement, extension).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DatedEvent {
    pub date: String,
    /// What happened, in the letter's words where possible.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// One numbered item of the request.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RequestItem {
    /// The requester's number, as a string (`"2"`).
    pub number: String,
    /// The item's text as written in the request.
    pub text: String,
    /// True when the requester later excluded the item.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub excluded: bool,
}

/// One row of the schedule of documents.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRow {
    /// Request item number this row answers.
    pub item: String,
    /// The row's description of the meeting or subject.
    pub subject: String,
    /// Slug of the meeting this row is about, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting: Option<String>,
    pub documents: Vec<ScheduleDocument>,
}

/// A document as a schedule row lists it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScheduleDocument {
    /// The title as the schedule prints it.
    pub title: String,
    /// Slug of the document file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// Release pages as the schedule prints them (`"1-5"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<PageRange>,
}

/// A ground the letter says it used, with the letter's explanation.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CitedGround {
    pub code: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// An inclusive range of release pages, written `"37-49"` or `"10"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageRange {
    pub first: u32,
    pub last: u32,
}

/// `content/meetings/*.md`: one meeting (or engagement) the request names.
/// The body is the editorial summary and annotation.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingMeta {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// ISO date (`2024-07-09`).
    pub date: String,
    /// Local start time (`07:30`), where the release gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Local end time, where the release gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The request item it answers (`"2"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_item: Option<String>,
    pub scope: Scope,
    /// Why the meeting is excluded or withheld, in the release's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_note: Option<String>,
    /// Participants grouped by side (`New Zealand`, `United States`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<Side>,
    /// The documents and release pages that cover this meeting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceRef>,
    /// The press items that report this meeting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub press: Vec<PressRef>,
}

/// Whether and how much of a meeting's record was released.
#[derive(
    Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    #[default]
    Released,
    PartlyWithheld,
    WithheldInFull,
    /// Dropped from the request when the requester refined it.
    Excluded,
}

/// One side of a meeting and the people on it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Side {
    pub side: String,
    pub people: Vec<Participant>,
}

/// A participant. A withheld name is itself a redaction: `withheld` holds
/// the code as printed, and `name` is absent.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Redaction code(s) as printed, when the name was withheld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withheld: Option<String>,
}

/// A document (and optionally some of its pages or paragraphs) covering a meeting.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    /// Slug of the document.
    pub document: String,
    /// Release pages of the document that concern the meeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<PageRange>,
    /// Paragraph numbers (as printed, `"3"`, `"11.2"`) that concern the
    /// meeting; empty means the whole document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paragraphs: Vec<String>,
}

/// A press item's report of a meeting: the passage quoted, and how the
/// release bears on it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PressRef {
    /// Slug of the press item.
    pub item: String,
    /// The passage of the press item that reports the meeting, verbatim.
    pub quote: String,
    /// Release passages that confirm, contradict or add to the quote.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub release: Vec<PassageRef>,
}

/// A release paragraph set beside a press claim.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PassageRef {
    pub document: String,
    /// Paragraph number as printed (`"3"`).
    pub paragraph: String,
    pub relation: Relation,
    /// What the release shows, citing the paragraph; no opinion.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// How a release passage bears on a press claim.
#[derive(
    Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    #[default]
    Confirms,
    Contradicts,
    Adds,
}

/// `content/documents/*.md`: one released document. The body is the
/// document as released, with paragraph numbers, redaction markers in the
/// release's own notation, and `<!-- page N -->` page-break markers.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentMeta {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    pub kind: DocumentKind,
    /// Author or post (`New Zealand Embassy Washington DC`, `BRUSSELS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// ISO date of the document, where it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Security classification as printed (`RESTRICTED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<String>,
    /// Release pages the document occupies.
    pub pages: PageRange,
    /// Slugs of the meetings the document covers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meetings: Vec<String>,
    /// Editorial notes: inconsistencies kept as released, inferences with reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// What sort of document it is.
#[derive(
    Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    #[default]
    FileNote,
    FormalMessage,
    Letter,
    Annex,
    Other,
}

/// `content/press/*.md`: one news report or analysis. The body is its text.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PressMeta {
    pub outlet: String,
    /// The headline, only when known: never invented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// A short title for lists when there is no headline.
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Publication date, only when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// A date inferred from the text, with the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_inferred: Option<Inferred>,
    /// The article's address, only when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// What kind of piece (`news report`, `analysis`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
}

/// A value inferred rather than read, with the reason, so readers can judge it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Inferred {
    /// The inferred value; for dates an ISO date or range (`2024-07-09/2024-07-11`).
    pub value: String,
    pub reason: String,
}

/// Everything `load` read from a project, before cross-references are checked.
#[derive(Debug, Clone)]
pub struct Content {
    pub root: PathBuf,
    pub config: SiteConfig,
    /// The full grounds table: preset merged with the site's own codes.
    pub grounds: Vec<Ground>,
    pub release: ReleaseInfo,
    pub meetings: Vec<Meeting>,
    pub documents: Vec<Document>,
    pub press: Vec<PressItem>,
    /// What loading found wrong but not fatal (a file in a content folder
    /// that is not Markdown, ...). `resolve` hands them on with its own
    /// warnings, so they are printed whether or not the build fails.
    pub warnings: crate::diagnostics::Diagnostics,
}

impl Content {
    /// Frees the Markdown text of every document once their bodies are
    /// rendered: a build needs only the rendered blocks after that, and
    /// the text is a large share of its memory.
    pub fn clear_document_bodies(&mut self) {
        self.documents
            .iter_mut()
            .for_each(|e| e.body = String::new());
    }
}

impl PageRange {
    pub fn contains(&self, page: u32) -> bool {
        self.first <= page && page <= self.last
    }
    pub fn page_count(&self) -> u32 {
        self.last.saturating_sub(self.first) + 1
    }
}

impl std::fmt::Display for PageRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

impl std::str::FromStr for PageRange {
    type Err = String;
    /// Accepts `"10"`, `"37-49"` and `"37–49"` (en dash, as schedules print it).
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let parse = |t: &str| {
            t.trim()
                .parse::<u32>()
                .map_err(|_| format!("`{s}` is not a page range: write `12` or `12-15`"))
        };
        let (first, last) = match s.split_once(['-', '–']) {
            Some((a, b)) => (parse(a)?, parse(b)?),
            None => (parse(s)?, parse(s)?),
        };
        if first == 0 || last < first {
            return Err(format!(
                "`{s}` is not a page range: pages count from 1 and the last is not before the first"
            ));
        }
        Ok(PageRange { first, last })
    }
}

impl Serialize for PageRange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PageRange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u32),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(n) => format!("{n}").parse().map_err(serde::de::Error::custom),
            Raw::Text(t) => t.parse().map_err(serde::de::Error::custom),
        }
    }
}

// ---------------------------------------------------------------------------
// The resolved graph (output of `resolve`)
// ---------------------------------------------------------------------------

/// A redaction marker found in a body: one group of codes as printed
/// (`s6(a), s6(b)(i)`), located in its file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarkerUse {
    /// 1-based line and column in the content file.
    pub line: usize,
    pub column: usize,
    /// The group exactly as printed.
    pub printed: String,
    /// Index into `Content::grounds` of each code in the group, in order.
    pub grounds: Vec<usize>,
}

/// A person or body named as a participant, with every meeting they attended.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub name: String,
    /// Distinct roles recorded for them, in first-seen order.
    pub roles: Vec<String>,
    pub sides: Vec<String>,
    /// Indices into `Content::meetings`.
    pub meetings: Vec<usize>,
}

/// The checked graph of a release: content plus every cross-reference
/// resolved to indices. Built once by `resolve`; read by render, check and
/// the data exports. Indices point into the vectors of `content`.
#[derive(Debug, Clone)]
pub struct Site {
    pub content: Content,
    /// Meetings in time order (date, then start time, then title).
    pub meeting_order: Vec<usize>,
    /// Per meeting: the documents that cover it, with the source entry.
    pub meeting_documents: Vec<Vec<usize>>,
    /// Per document: the meetings it covers (its own list and the meetings'
    /// `sources`, merged, in time order).
    pub document_meetings: Vec<Vec<usize>>,
    /// Per press item: the meetings that cite it, in time order.
    pub press_meetings: Vec<Vec<usize>>,
    /// Per document: its redaction markers in order of appearance.
    pub document_markers: Vec<Vec<MarkerUse>>,
    /// Per meeting: markers in its participants list (withheld names).
    pub participant_markers: Vec<Vec<MarkerUse>>,
    /// Everyone named, sorted by name.
    pub people: Vec<Person>,
    /// Canonical code → index into `content.grounds` (see `grounds::key`).
    pub ground_index: std::collections::HashMap<String, usize>,
    /// Per ground: how many marker codes use it, across documents.
    pub ground_uses: Vec<usize>,
    /// Slug → index of every entry, kept so that `serve` can check an
    /// edited meeting's references without indexing the site again.
    pub slugs: SlugIndex,
}

/// Slug → index into `Content`'s vectors, per kind of entry.
#[derive(Debug, Clone, Default)]
pub struct SlugIndex {
    pub meetings: std::collections::HashMap<String, usize>,
    pub documents: std::collections::HashMap<String, usize>,
    pub press: std::collections::HashMap<String, usize>,
}

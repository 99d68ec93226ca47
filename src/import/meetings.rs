//! One meeting per engagement the request names: a meeting for each
//! schedule row (Annex A may give one request item several rows, as it does
//! for three senators), and one for each request item the requester
//! excluded when refining the request, saying so.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;

use super::dates::find_date;
use super::participants::UNLABELLED;
use super::schedule::Row;
use super::slug;
use crate::model::{MeetingMeta, RequestItem, Scope, Side, SourceRef};

/// What the meeting builder needs to know about an imported document.
#[derive(Debug, Clone)]
pub struct DocumentFacts {
    pub slug: String,
    pub is_note: bool,
    pub has_released_text: bool,
    pub has_markers: bool,
    pub meeting_date: Option<String>,
    pub place: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub participants: Vec<Side>,
}

/// A meeting with its file slug.
#[derive(Debug, Clone)]
pub struct BuiltMeeting {
    pub slug: String,
    pub meta: MeetingMeta,
}

static PLACE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^,?\s+in ([^.;"*]+)"#).expect("valid regex"));

/// Builds the meetings. `row_documents[i][j]` is the index into `documents`
/// of row `i`'s `j`th document, when it was matched.
pub fn build(
    items: &[RequestItem],
    refined_note: Option<&str>,
    rows: &[Row],
    row_documents: &[Vec<Option<usize>>],
    documents: &[DocumentFacts],
) -> (Vec<BuiltMeeting>, Vec<Option<String>>) {
    let mut taken = BTreeSet::new();
    let mut built: Vec<(u64, usize, BuiltMeeting)> = Vec::new();
    let mut row_meeting = vec![None; rows.len()];

    // A schedule that breaks a row across pages prints it twice: rows with
    // the same item and subject are one meeting.
    // Each row's key is made once and found by hash (comparing every row
    // with every group was quadratic in a large schedule); groups keep the
    // order of their first rows.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: HashMap<(&str, String), usize> = HashMap::new();
    for (ri, row) in rows.iter().enumerate() {
        let key = (
            row.item.trim(),
            crate::text::collapse_whitespace(&row.subject),
        );
        match group_of.get(&key) {
            Some(&g) => groups[g].push(ri),
            None => {
                group_of.insert(key, groups.len());
                groups.push(vec![ri]);
            }
        }
    }
    // Each group's meeting is read on its own (on every core); the slugs
    // are then made unique in order.
    let read: Vec<(MeetingMeta, String)> = groups
        .par_iter()
        .map(|group| {
            let row = &rows[group[0]];
            let matched: Vec<(Option<crate::model::PageRange>, usize)> = group
                .iter()
                .flat_map(|&ri| {
                    rows[ri]
                        .documents
                        .iter()
                        .zip(row_documents.get(ri).into_iter().flatten())
                        .filter_map(|(rd, di)| di.map(|i| (rd.pages, i)))
                })
                .collect();
            let docs: Vec<&DocumentFacts> = matched.iter().map(|&(_, i)| &documents[i]).collect();
            let notes: Vec<&&DocumentFacts> = docs.iter().filter(|d| d.is_note).collect();
            let primary = (notes.len() == 1).then(|| *notes[0]);
            let mut meta = from_subject(&row.subject, &row.item);
            if let Some(p) = primary {
                if let Some(d) = &p.meeting_date {
                    meta.date = d.clone();
                }
                if p.place.is_some() {
                    meta.place = p.place.clone();
                }
                meta.start = p.start.clone();
                meta.end = p.end.clone();
                meta.participants = p.participants.clone();
            }
            meta.scope = if docs.is_empty() || docs.iter().all(|d| !d.has_released_text) {
                Scope::WithheldInFull
            } else if docs.iter().any(|d| d.has_markers) {
                Scope::PartlyWithheld
            } else {
                Scope::Released
            };
            if docs.is_empty() {
                meta.scope_note = Some(
                    "The schedule of documents lists no released document for this meeting.".into(),
                );
            }
            for &(pages, i) in &matched {
                let source = SourceRef {
                    document: documents[i].slug.clone(),
                    pages,
                    paragraphs: Vec::new(),
                };
                if !meta.sources.contains(&source) {
                    meta.sources.push(source);
                }
            }
            (meta, meeting_slug(&row.item, &row.subject))
        })
        .collect();
    for (group, (meta, slug)) in groups.iter().zip(read) {
        let row = &rows[group[0]];
        let slug = slug::unique(slug, &mut taken);
        for &ri in group {
            row_meeting[ri] = Some(slug.clone());
        }
        built.push((item_order(&row.item), group[0], BuiltMeeting { slug, meta }));
    }

    // Items the requester dropped, and items the schedule does not answer.
    let row_items: HashSet<&str> = rows.iter().map(|r| r.item.as_str()).collect();
    for item in items {
        if row_items.contains(item.number.as_str()) {
            continue;
        }
        let mut meta = from_subject(&item.text, &item.number);
        if item.excluded {
            meta.scope = Scope::Excluded;
            meta.scope_note = refined_note.map(str::to_string);
        } else {
            meta.scope = Scope::WithheldInFull;
            meta.scope_note =
                Some("The schedule of documents lists no released document for this item.".into());
        }
        let slug = slug::unique(meeting_slug(&item.number, &item.text), &mut taken);
        built.push((
            item_order(&item.number),
            usize::MAX,
            BuiltMeeting { slug, meta },
        ));
    }
    built.sort_by_key(|b| (b.0, b.1));
    let mut meetings: Vec<BuiltMeeting> = built.into_iter().map(|(_, _, m)| m).collect();
    label_sides(&mut meetings);
    (meetings, row_meeting)
}

fn item_order(item: &str) -> u64 {
    item.trim().parse().unwrap_or(u64::MAX)
}

fn meeting_slug(item: &str, subject: &str) -> String {
    let words = slug::words(subject, 3);
    let words = if words.is_empty() {
        "meeting".to_string()
    } else {
        words
    };
    match item.trim().parse::<u32>() {
        Ok(n) => format!("{n:02}-{words}"),
        Err(_) => format!("{}-{words}", slug::words(item, 2)),
    }
}

/// Title, date and place from a request item's or schedule row's wording:
/// "A meeting with X on 9 July 2024 in Washington DC." → title "Meeting with
/// X", date 2024-07-09, place "Washington DC".
fn from_subject(subject: &str, item: &str) -> MeetingMeta {
    let subject = subject.trim().trim_matches(['"', '*', '“', '”']).trim();
    let (title, date, place) = match find_date(subject) {
        Some((iso, range)) => {
            let before = subject[..range.start].trim_end();
            let before = before
                .strip_suffix(" on")
                .unwrap_or(before)
                .trim_end()
                .trim_end_matches(',');
            let place = PLACE
                .captures(&subject[range.end..])
                .map(|c| c[1].trim().to_string());
            (before.to_string(), iso, place)
        }
        None => (
            subject.trim_end_matches('.').to_string(),
            String::new(),
            None,
        ),
    };
    let title = title
        .strip_prefix("A ")
        .or_else(|| title.strip_prefix("An "))
        .unwrap_or(&title);
    let mut chars = title.chars();
    let title = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    MeetingMeta {
        title,
        date,
        place,
        request_item: Some(item.trim().to_string()),
        ..MeetingMeta::default()
    }
}

/// Gives an unlabelled group of attendees the side its people are listed
/// under elsewhere in the release (by name), when that is unambiguous.
fn label_sides(meetings: &mut [BuiltMeeting]) {
    let mut known: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for m in meetings.iter() {
        for side in m.meta.participants.iter().filter(|s| s.side != UNLABELLED) {
            for p in &side.people {
                if let Some(name) = &p.name {
                    *known
                        .entry(name.clone())
                        .or_default()
                        .entry(side.side.clone())
                        .or_insert(0) += 1;
                }
            }
        }
    }
    for m in meetings.iter_mut() {
        for side in m
            .meta
            .participants
            .iter_mut()
            .filter(|s| s.side == UNLABELLED)
        {
            let mut votes: BTreeMap<&String, usize> = BTreeMap::new();
            for p in &side.people {
                if let Some(sides) = p.name.as_ref().and_then(|n| known.get(n)) {
                    for (s, n) in sides {
                        *votes.entry(s).or_insert(0) += n;
                    }
                }
            }
            if votes.len() == 1 {
                if let Some((s, _)) = votes.into_iter().next() {
                    side.side = s.clone();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_gives_title_date_and_place() {
        let m = from_subject(
            "A meeting with US Senator Jon Ossoff on 9 July 2024 in Washington DC.",
            "2",
        );
        assert_eq!(m.title, "Meeting with US Senator Jon Ossoff");
        assert_eq!(m.date, "2024-07-09");
        assert_eq!(m.place.as_deref(), Some("Washington DC"));
        let m = from_subject("A meeting with the Prime Minister of Spain, Pedro Sanchez, on 11 July 2024 in Washington DC.\"", "13");
        assert_eq!(
            m.title,
            "Meeting with the Prime Minister of Spain, Pedro Sanchez"
        );
        assert_eq!(m.place.as_deref(), Some("Washington DC"));
        assert_eq!(
            meeting_slug(
                "13",
                "A meeting with the Prime Minister of Spain, Pedro Sanchez, on 11 July 2024"
            ),
            "13-pedro-sanchez"
        );
    }

    #[test]
    fn a_row_broken_across_pages_is_one_meeting() {
        use super::super::schedule::RowDocument;
        let row = |docs: &[&str]| Row {
            line: 1,
            item: "7".into(),
            subject: "A meeting with X on 1 May 2024.".into(),
            documents: docs
                .iter()
                .map(|t| RowDocument {
                    title: t.to_string(),
                    pages: None,
                })
                .collect(),
        };
        let rows = vec![row(&["File Note: A"]), row(&["File Note: B"])];
        let fact = |slug: &str| DocumentFacts {
            slug: slug.into(),
            is_note: true,
            has_released_text: true,
            has_markers: false,
            meeting_date: None,
            place: None,
            start: None,
            end: None,
            participants: Vec::new(),
        };
        let (meetings, row_meeting) = build(
            &[],
            None,
            &rows,
            &[vec![Some(0)], vec![Some(1)]],
            &[fact("01-a"), fact("03-b")],
        );
        assert_eq!(meetings.len(), 1);
        assert_eq!(meetings[0].meta.sources.len(), 2);
        assert_eq!(
            row_meeting,
            vec![Some("07-x".to_string()), Some("07-x".to_string())]
        );
    }
}

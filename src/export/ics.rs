//! `meetings.ics`: the meetings as an iCalendar file (RFC 5545).
//!
//! Deterministic by construction: DTSTAMP is the release's response date
//! (content, not the clock), UIDs are made of the release reference and the
//! meeting slug, events come in time order. Times are floating local times
//! because the release gives local times without a zone; a meeting without
//! a time is an all-day event.

use std::fmt::Write as _;

use crate::model::{Meeting, Scope};
use crate::render::Renderer;

pub fn calendar(r: &Renderer) -> String {
    let c = &r.site.content;
    let rel = &c.release.meta;
    let reference = slug(&rel.reference);
    let stamp = rel
        .response_date
        .clone()
        .or_else(|| c.meetings.iter().map(|m| m.meta.date.clone()).max())
        .map(|d| format!("{}T000000Z", compact(&d)))
        .unwrap_or_else(|| "19700101T000000Z".into());
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        format!(
            "PRODID:-//annex//{} {}//EN",
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION")
        ),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", text(&c.config.title)),
    ];
    for &m in &r.site.meeting_order {
        let meeting = &c.meetings[m];
        let url = r.absolute(&format!("meetings/{}/", meeting.slug));
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}.{reference}@annex", meeting.slug));
        lines.push(format!("DTSTAMP:{stamp}"));
        lines.extend(times(meeting));
        lines.push(format!("SUMMARY:{}", text(&meeting.meta.title)));
        if let Some(p) = &meeting.meta.place {
            lines.push(format!("LOCATION:{}", text(p)));
        }
        lines.push(format!(
            "DESCRIPTION:{}",
            text(&description(r, meeting, &url))
        ));
        lines.push(format!("URL:{url}"));
        lines.push(format!(
            "STATUS:{}",
            if meeting.meta.scope == Scope::Excluded {
                "TENTATIVE"
            } else {
                "CONFIRMED"
            }
        ));
        lines.push("TRANSP:TRANSPARENT".into());
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in lines {
        fold(&mut out, &line);
    }
    out
}

fn description(r: &Renderer, m: &Meeting, url: &str) -> String {
    let rel = &r.site.content.release.meta;
    let mut s = String::new();
    if let Some(item) = &m.meta.request_item {
        let _ = write!(s, "Request item {item} of {}. ", rel.reference);
    }
    s.push_str(match m.meta.scope {
        Scope::Released => "Released.",
        Scope::PartlyWithheld => "Partly withheld.",
        Scope::WithheldInFull => "Withheld in full.",
        Scope::Excluded => "Excluded from the request: nothing about it was released.",
    });
    if let Some(note) = &m.meta.scope_note {
        let _ = write!(s, " {note}");
    }
    let _ = write!(s, "\n{url}");
    s
}

/// DTSTART/DTEND: floating date-times when the release gives a time, else
/// an all-day event (DTEND is the next day, exclusive).
fn times(m: &Meeting) -> Vec<String> {
    let date = compact(&m.meta.date);
    match &m.meta.start {
        Some(start) => {
            let mut v = vec![format!("DTSTART:{date}T{}00", compact(start))];
            if let Some(end) = &m.meta.end {
                v.push(format!("DTEND:{date}T{}00", compact(end)));
            }
            v
        }
        None => vec![
            format!("DTSTART;VALUE=DATE:{date}"),
            format!("DTEND;VALUE=DATE:{}", next_day(&m.meta.date)),
        ],
    }
}

/// `2024-07-09` → `20240709`; `07:30` → `0730`.
fn compact(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The day after an ISO date, compact.
fn next_day(iso: &str) -> String {
    let parts: Vec<u32> = iso.split('-').map_while(|p| p.parse().ok()).collect();
    let (y, m, d) = match parts.as_slice() {
        [y, m, d, ..] => (*y, *m, *d),
        _ => return compact(iso),
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let (y, m, d) = if d < days {
        (y, m, d + 1)
    } else if m < 12 {
        (y, m + 1, 1)
    } else {
        (y + 1, 1, 1)
    };
    format!("{y:04}{m:02}{d:02}")
}

/// TEXT value escaping (RFC 5545 3.3.11).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Lines longer than 75 octets are folded (CRLF + space), never inside a
/// UTF-8 character.
fn fold(out: &mut String, line: &str) {
    let mut width = 0;
    for ch in line.chars() {
        let n = ch.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += n;
    }
    out.push_str("\r\n");
}

fn slug(s: &str) -> String {
    crate::grounds::ground_slug(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_day_rolls_over_months_and_years() {
        assert_eq!(next_day("2024-07-09"), "20240710");
        assert_eq!(next_day("2024-02-28"), "20240229");
        assert_eq!(next_day("2023-02-28"), "20230301");
        assert_eq!(next_day("2024-12-31"), "20250101");
    }

    #[test]
    fn long_lines_fold_at_75_octets() {
        let mut out = String::new();
        fold(&mut out, &format!("SUMMARY:{}", "ā".repeat(60)));
        for l in out.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), format!("SUMMARY:{}", "ā".repeat(60)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(text("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }
}

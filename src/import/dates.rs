//! Dates and times as releases print them (`9 July 2024`, `July 11 2024`,
//! `Tuesday, 16 July 2024 10:09:30 pm`, `11.45am – 12.45pm`, `0730`) → ISO
//! dates and 24-hour `HH:MM` times.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2}) (January|February|March|April|May|June|July|August|September|October|November|December),? (\d{4})\b")
        .expect("valid regex")
});
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(January|February|March|April|May|June|July|August|September|October|November|December) (\d{1,2}),? (\d{4})\b")
        .expect("valid regex")
});
static MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:\d{1,2} )?(January|February|March|April|May|June|July|August|September|October|November|December),? \d{4}$")
        .expect("valid regex")
});
static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(\d{1,2})(?:[.:](\d{2}))?\s*(am|pm)?$").expect("valid regex")
});
static TIME_24: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([01]\d|2[0-3])([0-5]\d)$").expect("valid regex"));

fn month_number(name: &str) -> Option<usize> {
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(name))
        .map(|i| i + 1)
}

/// The first full date in `text`, as an ISO date and where it was found.
pub fn find_date(text: &str) -> Option<(String, Range<usize>)> {
    let dmy = DAY_MONTH_YEAR.captures(text).and_then(|c| {
        let day: u32 = c[1].parse().ok()?;
        let month = month_number(&c[2])?;
        Some((iso(&c[3], month, day)?, c.get(0)?.range()))
    });
    let mdy = MONTH_DAY_YEAR.captures(text).and_then(|c| {
        let day: u32 = c[2].parse().ok()?;
        let month = month_number(&c[1])?;
        Some((iso(&c[3], month, day)?, c.get(0)?.range()))
    });
    match (dmy, mdy) {
        (Some(a), Some(b)) => Some(if a.1.start <= b.1.start { a } else { b }),
        (a, b) => a.or(b),
    }
}

fn iso(year: &str, month: usize, day: u32) -> Option<String> {
    (1..=31)
        .contains(&day)
        .then(|| format!("{year}-{month:02}-{day:02}"))
}

/// True when the whole line is a date, full (`11 July 2024`) or month and
/// year (`July 2024`): the date line of a signature block.
pub fn is_date_line(line: &str) -> bool {
    let t = line.trim();
    MONTH_YEAR.is_match(t) || find_date(t).is_some_and(|(_, r)| r.start == 0 && r.end == t.len())
}

/// A time or time range as printed (`0730`, `11.45am – 12.45pm`,
/// `2:15 – 2:50pm`) → start and optional end, `HH:MM`. A start without am/pm
/// takes the end's, as people write `2:15 – 2:50pm`.
pub fn time_range(text: &str) -> Option<(String, Option<String>)> {
    let t = text.trim().trim_end_matches('.');
    let parts: Vec<&str> = t
        .split(['–', '—'])
        .flat_map(|p| p.split(" - "))
        .flat_map(|p| p.split(" to "))
        .collect();
    match parts.as_slice() {
        [one] => Some((time(one, None)?, None)),
        [start, end] => {
            let end_meridiem = meridiem(end);
            let end_time = time(end, None)?;
            let start_time = time(start, end_meridiem)?;
            Some((start_time, Some(end_time)))
        }
        _ => None,
    }
}

fn meridiem(text: &str) -> Option<bool> {
    let t = text.trim().to_ascii_lowercase();
    if t.ends_with("pm") {
        Some(true)
    } else if t.ends_with("am") {
        Some(false)
    } else {
        None
    }
}

/// One time. `default_pm` applies when the time has no am/pm of its own.
fn time(text: &str, default_pm: Option<bool>) -> Option<String> {
    let t = text.trim();
    if let Some(c) = TIME_24.captures(t) {
        return Some(format!("{}:{}", &c[1], &c[2]));
    }
    let c = TIME.captures(t)?;
    let mut hour: u32 = c[1].parse().ok()?;
    let minute: u32 = c.get(2).map_or(Some(0), |m| m.as_str().parse().ok())?;
    let pm = match c.get(3) {
        Some(m) => Some(m.as_str().eq_ignore_ascii_case("pm")),
        None => default_pm,
    };
    // A bare number with neither minutes nor am/pm is not a time (`11`).
    if c.get(2).is_none() && pm.is_none() {
        return None;
    }
    if hour > 23 || minute > 59 {
        return None;
    }
    match pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    Some(format!("{hour:02}:{minute:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_orders() {
        assert_eq!(find_date("9 July 2024, 0730").unwrap().0, "2024-07-09");
        assert_eq!(find_date("July 11 2024").unwrap().0, "2024-07-11");
        assert_eq!(
            find_date("Date: Tuesday, 16 July 2024 10:09:30 pm")
                .unwrap()
                .0,
            "2024-07-16"
        );
        assert!(find_date("NATO SUMMIT, WASHINGTON, 9-11 JULY").is_none());
    }

    #[test]
    fn date_lines() {
        assert!(is_date_line("July 2024"));
        assert!(is_date_line("11 July 2024"));
        assert!(!is_date_line("9 July 2024, Washington DC"));
    }

    #[test]
    fn times_and_ranges() {
        assert_eq!(time_range("0730"), Some(("07:30".into(), None)));
        assert_eq!(
            time_range("11.45am – 12.45pm"),
            Some(("11:45".into(), Some("12:45".into())))
        );
        assert_eq!(
            time_range("2:15 – 2:50pm"),
            Some(("14:15".into(), Some("14:50".into())))
        );
        assert_eq!(time_range("Washington DC"), None);
        assert_eq!(time_range("11"), None);
    }
}

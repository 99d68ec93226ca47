//! Reading order from `pdftotext -layout` output, which sets each line of
//! the page as it stands: a two-column page comes out with its columns side
//! by side. A run of lines whose text starts again at the same column (give
//! or take the grid's rounding), with nothing printed across that gutter, is
//! read as two columns: the left column's lines, then the right column's.
//! Every other line is read as it stands, its layout indentation dropped and
//! a wide gap (three spaces or more) read as a line break, since it parts
//! two things set side by side (an address and a date).

/// A wide gap parts two things set side by side.
const GAP: usize = 3;
/// Lines that must share the right column's start.
const MIN_LINES: usize = 3;
/// The grid rounds x positions; starts this close are one column.
const SLACK: usize = 2;

/// Start positions (in characters) of text that follows a wide gap.
fn starts_after_gap(chars: &[char]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut spaces = 0;
    let mut seen_text = false;
    for (i, c) in chars.iter().enumerate() {
        if *c == ' ' {
            spaces += 1;
        } else {
            if seen_text && spaces >= GAP {
                out.push(i);
            }
            seen_text = true;
            spaces = 0;
        }
    }
    out
}

/// The right column's start and the range of lines set in two columns.
fn two_columns(lines: &[Vec<char>]) -> Option<(usize, std::ops::Range<usize>)> {
    let mut counts: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for (n, l) in lines.iter().enumerate() {
        for s in starts_after_gap(l) {
            counts.entry(s).or_default().push(n);
        }
    }
    // The column start shared by most lines, with its near neighbours.
    let (gutter, rows) = counts
        .keys()
        .map(|&s| {
            let mut rows: Vec<usize> = counts
                .range(s..=s + SLACK)
                .flat_map(|(_, r)| r.iter().copied())
                .collect();
            rows.sort_unstable();
            rows.dedup();
            (s, rows)
        })
        .max_by_key(|(s, rows)| (rows.len(), std::cmp::Reverse(*s)))?;
    if rows.len() < MIN_LINES {
        return None;
    }
    let mut range = rows[0]..rows[rows.len() - 1] + 1;
    // Nothing may be printed across the gutter inside the run.
    let crosses = |l: &Vec<char>| {
        let lo = gutter.saturating_sub(GAP - 1);
        (lo..gutter).any(|i| l.get(i).is_some_and(|c| *c != ' '))
    };
    if lines[range.clone()].iter().any(crosses) {
        return None;
    }
    // A column longer than the other goes on past the last shared line,
    // until a blank line or a line across the gutter.
    let filled = |l: &Vec<char>| l.iter().any(|c| *c != ' ');
    while range.end < lines.len() && filled(&lines[range.end]) && !crosses(&lines[range.end]) {
        range.end += 1;
    }
    while range.start > 0 && filled(&lines[range.start - 1]) && !crosses(&lines[range.start - 1]) {
        range.start -= 1;
    }
    Some((gutter, range))
}

/// A line read as it stands: trimmed, a wide gap as a line break.
fn as_it_stands(line: &[char], out: &mut Vec<String>) {
    let text: String = line.iter().collect();
    let trimmed = text.trim();
    if trimmed.is_empty() {
        out.push(String::new());
        return;
    }
    for part in trimmed.split(&" ".repeat(GAP)[..]) {
        let part = part.trim();
        if !part.is_empty() {
            out.push(part.to_string());
        }
    }
}

/// The page's text in reading order, and whether it was set in two columns.
pub fn reading_order(layout: &str) -> (String, bool) {
    let lines: Vec<Vec<char>> = layout.lines().map(|l| l.chars().collect()).collect();
    let mut out = Vec::new();
    let Some((gutter, run)) = two_columns(&lines) else {
        for l in &lines {
            as_it_stands(l, &mut out);
        }
        return (out.join("\n"), false);
    };
    for l in &lines[..run.start] {
        as_it_stands(l, &mut out);
    }
    let split = |l: &Vec<char>| -> (Vec<char>, Vec<char>) {
        let cut = gutter.min(l.len());
        (l[..cut].to_vec(), l[cut..].to_vec())
    };
    let halves: Vec<(Vec<char>, Vec<char>)> = lines[run.clone()].iter().map(split).collect();
    let blank = |h: &[char]| h.iter().all(|c| *c == ' ');
    // A half left empty because only the other column has text there is
    // not a paragraph break; a line empty on both sides is.
    for (left, right) in &halves {
        if !blank(left) || blank(right) {
            as_it_stands(left, &mut out);
        }
    }
    out.push(String::new());
    for (left, right) in &halves {
        if !blank(right) || blank(left) {
            as_it_stands(right, &mut out);
        }
    }
    for l in &lines[run.end..] {
        as_it_stands(l, &mut out);
    }
    (out.join("\n"), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = "MINISTRY\n\n7. The Board described three options for the      9. The Chair said the second option had the\nwharf. The first keeps the existing berths        support of most members but s9(2)(g)(i)\nreclamation; the third closes the inner\n                                                  10. The meeting closed with agreement to\nwharves entirely.\n                                                  meet again in September.\n8. The Minister asked about the effect on         offices.\n\nPage 3 of 4\n                                                     Released under the Official Information Act 1982";

    #[test]
    fn two_columns_are_read_left_then_right() {
        let (text, cols) = reading_order(TWO);
        assert!(cols);
        assert_eq!(
            text,
            "MINISTRY\n\n7. The Board described three options for the\nwharf. The first keeps the existing berths\nreclamation; the third closes the inner\nwharves entirely.\n8. The Minister asked about the effect on\n\n9. The Chair said the second option had the\nsupport of most members but s9(2)(g)(i)\n10. The meeting closed with agreement to\nmeet again in September.\noffices.\n\nPage 3 of 4\nReleased under the Official Information Act 1982"
        );
    }

    #[test]
    fn one_column_is_read_as_it_stands_with_wide_gaps_as_breaks() {
        let page = "   195 Lambton Quay               11 October 2024\n\n1. The Minister  met the Chair.\n    2. Indented line";
        let (text, cols) = reading_order(page);
        assert!(!cols);
        assert_eq!(
            text,
            "195 Lambton Quay\n11 October 2024\n\n1. The Minister  met the Chair.\n2. Indented line"
        );
    }

    #[test]
    fn text_across_the_gutter_means_one_column() {
        let page = "aaa      bbb\nccc      ddd\neee      fff\nthis line runs right across the gutter\nggg      hhh";
        let (_, cols) = reading_order(page);
        assert!(!cols);
        assert_eq!(reading_order("").0, "");
    }
}

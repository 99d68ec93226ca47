//! Tables in `pdftotext -layout` output: a page whose lines line up in three
//! or more columns is a table, and its rows become tab-separated lines (the
//! form the schedule reader takes), with a cell's wrapped continuation
//! lines joined back into the cell.
//!
//! Only a layout with at least two shared cell columns beyond the first, on
//! at least three lines, counts: a two-column page (one gutter) is read in
//! reading order instead, and justified prose, whose wide gaps do not line
//! up from line to line, is not mistaken for a table.

use std::collections::BTreeMap;

/// A gap of this many spaces separates cells.
const GAP: usize = 3;

/// Cells of a line: (start column in characters, text).
fn cells(line: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && chars[i] == ' ' {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let start = i;
        let mut end = i;
        let mut spaces = 0;
        while i < chars.len() {
            if chars[i] == ' ' {
                spaces += 1;
                if spaces >= GAP {
                    break;
                }
            } else {
                spaces = 0;
                end = i + 1;
            }
            i += 1;
        }
        out.push((start, chars[start..end].iter().collect()));
    }
    out
}

/// The table's cell columns (start positions, first column included), when
/// the page holds a table.
pub fn columns(layout: &str) -> Option<Vec<usize>> {
    let mut starts: BTreeMap<usize, usize> = BTreeMap::new();
    let mut firsts: BTreeMap<usize, usize> = BTreeMap::new();
    for line in layout.lines() {
        let c = cells(line);
        if c.len() >= 3 {
            *firsts.entry(c[0].0).or_default() += 1;
            for (s, _) in &c[1..] {
                *starts.entry(*s).or_default() += 1;
            }
        }
    }
    let shared: Vec<usize> = starts
        .into_iter()
        .filter(|(_, n)| *n >= 3)
        .map(|(s, _)| s)
        .collect();
    if shared.len() < 2 {
        return None;
    }
    let (&first, _) = firsts
        .iter()
        .max_by_key(|(s, n)| (**n, std::cmp::Reverse(**s)))?;
    let mut cols = vec![first];
    cols.extend(shared.into_iter().filter(|s| *s > first));
    Some(cols)
}

/// The page with table rows tab-separated and continuation lines joined;
/// lines outside the table are kept, without their layout indentation.
pub fn rows(layout: &str, cols: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    // The row being built: its cells by column index, and its index in `out`.
    let mut row: Option<(Vec<String>, usize)> = None;
    for line in layout.lines() {
        let c = cells(line);
        if c.is_empty() {
            // Blank lines between rows carry nothing; elsewhere they are kept.
            if row.is_none() {
                out.push(String::new());
            }
            continue;
        }
        let at: Option<Vec<usize>> = c
            .iter()
            .map(|(s, _)| cols.iter().position(|col| col == s))
            .collect();
        match at {
            Some(at) if at[0] == 0 && c.len() >= 2 => {
                // A new row.
                let mut cells_text = vec![String::new(); cols.len()];
                for (k, (_, t)) in at.iter().zip(&c) {
                    cells_text[*k] = t.clone();
                }
                out.push(String::new());
                row = Some((cells_text, out.len() - 1));
            }
            Some(at) if row.is_some() && at[0] > 0 => {
                // A wrapped continuation of the row's cells.
                if let Some((cells_text, _)) = row.as_mut() {
                    for (k, (_, t)) in at.iter().zip(&c) {
                        let cell = &mut cells_text[*k];
                        if !cell.is_empty() {
                            cell.push(' ');
                        }
                        cell.push_str(t);
                    }
                }
            }
            _ => {
                flush(&mut out, &mut row);
                out.push(line.trim().to_string());
            }
        }
        if let Some((cells_text, i)) = &row {
            out[*i] = join_row(cells_text);
        }
    }
    flush(&mut out, &mut row);
    out.join("\n")
}

fn join_row(cells: &[String]) -> String {
    let mut cells = cells.to_vec();
    while cells.last().is_some_and(String::is_empty) {
        cells.pop();
    }
    cells.join("\t")
}

fn flush(out: &mut [String], row: &mut Option<(Vec<String>, usize)>) {
    if let Some((cells, i)) = row.take() {
        out[i] = join_row(&cells);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "Annex A\n\nItem     Document                                         Pages      Decision\n\n1        File Note: Minister's meeting with the Harbour   2-4        Released in part: s6(a), s9(2)(a)\n         Board\n\n2        Email: Board to Minister's office                5          Released in part: s9(2)(a)\n\n3        Briefing: Wharf options                          6          Withheld in full: s9(2)(g)(i)\n\nNotes after the table.";

    #[test]
    fn a_table_becomes_tab_separated_rows_with_wrapped_cells_joined() {
        let cols = columns(TABLE).expect("a table");
        assert_eq!(cols, vec![0, 9, 58, 69]);
        assert_eq!(
            rows(TABLE, &cols),
            "Annex A\n\nItem\tDocument\tPages\tDecision\nl\tFile Note: Minister's meeting with the Harbour Board\t2-4\tReleased in part: s6(a), s9(2)(a)\n2\tEmail: Board to Minister's office\t5\tReleased in part: s9(2)(a)\n3\tBriefing: Wharf options\t6\tWithheld in full: s9(2)(g)(i)\nNotes after the table."
                .replace("\nl\t", "\n1\t")
        );
    }

    #[test]
    fn two_columns_and_justified_prose_are_not_tables() {
        let two = "7. The Board described three      9. The Chair said the second\nwharf. The first keeps the        support of most members but\nand dredges the channel;          and that consultation with\n";
        assert_eq!(columns(two), None);
        let justified = "The  Minister   said that   the  Board\nwould    need to   consider   the  cost\nof   the options    before    deciding   now";
        assert_eq!(columns(justified), None);
    }

    #[test]
    fn cells_split_at_wide_gaps_only() {
        assert_eq!(
            cells("  a b   c  d    e"),
            vec![(2, "a b".into()), (8, "c  d".into()), (16, "e".into())]
        );
        assert!(cells("").is_empty());
        assert!(cells("    ").is_empty());
    }
}

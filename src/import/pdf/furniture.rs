//! Page furniture: running headers and footers (`Page 3 of 13`, a
//! letterhead, an intranet's print banner, the `Released under the Official
//! Information Act 1982` stamp), recognised by repetition across pages.
//!
//! A line is furniture when it sits among the first or last few lines of a
//! page and the same line, with its numbers blanked (`Page # of #`), sits
//! there on at least two pages and on at least half of the pages of its
//! file or of the whole release. A line holding a redaction code is never
//! furniture: a code is content, and counting it is the promise.
//! Furniture is kept out of the reading text and kept on the page as
//! metadata, exactly as printed.

use std::collections::HashMap;

use crate::markers;

/// How many lines from each end of a page may be furniture.
const EDGE: usize = 4;

/// One page's lines split into reading text and furniture (as printed,
/// trimmed), in page order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Split {
    pub text: String,
    pub furniture: Vec<String>,
}

/// The shape of a line for comparison across pages: whitespace collapsed,
/// digit runs blanked, so `Page 3 of 13` and `Page 4 of 13` agree.
fn shape(line: &str) -> String {
    let mut out = String::new();
    let mut in_digits = false;
    for word in line.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            if c.is_ascii_digit() {
                if !in_digits {
                    out.push('#');
                }
                in_digits = true;
            } else {
                in_digits = false;
                out.push(c);
            }
        }
        in_digits = false;
    }
    out
}

/// Indices of the non-empty lines at the edges of a page.
fn edge_lines(lines: &[&str]) -> Vec<usize> {
    let filled: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].trim().is_empty())
        .collect();
    let mut edges: Vec<usize> = filled.iter().take(EDGE).copied().collect();
    for &i in filled.iter().rev().take(EDGE) {
        if !edges.contains(&i) {
            edges.push(i);
        }
    }
    edges
}

/// Splits each page (`(file index, text)`) into reading text and furniture.
pub fn split(pages: &[(usize, String)]) -> Vec<Split> {
    // Pages on which each shape appears at an edge, overall and per file.
    let mut seen: HashMap<String, Vec<usize>> = HashMap::new();
    for (p, (_, text)) in pages.iter().enumerate() {
        let lines: Vec<&str> = text.lines().collect();
        for i in edge_lines(&lines) {
            let s = shape(lines[i]);
            let on = seen.entry(s).or_default();
            if on.last() != Some(&p) {
                on.push(p);
            }
        }
    }
    let mut file_pages: HashMap<usize, usize> = HashMap::new();
    for (f, _) in pages {
        *file_pages.entry(*f).or_default() += 1;
    }
    let is_furniture = |line: &str, file: usize| -> bool {
        let s = shape(line);
        let Some(on) = seen.get(&s) else { return false };
        if on.len() < 2 || !markers::scan(line).is_empty() {
            return false;
        }
        let in_file = on.iter().filter(|&&p| pages[p].0 == file).count();
        2 * on.len() >= pages.len() || (in_file >= 2 && 2 * in_file >= file_pages[&file])
    };
    pages
        .iter()
        .map(|(file, text)| {
            let lines: Vec<&str> = text.lines().collect();
            let edges = edge_lines(&lines);
            let mut out = Split::default();
            let mut kept: Vec<&str> = Vec::with_capacity(lines.len());
            for (i, line) in lines.iter().enumerate() {
                if edges.contains(&i) && is_furniture(line, *file) {
                    out.furniture.push(crate::text::collapse_whitespace(line));
                } else {
                    kept.push(line);
                }
            }
            out.text = kept.join("\n");
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(f: usize, t: &str) -> (usize, String) {
        (f, t.to_string())
    }

    #[test]
    fn running_headers_footers_and_stamps_are_furniture() {
        let pages = vec![
            page(0, "MINISTRY\n\n1. First s6(a)\n\nPage 1 of 3\nReleased under the Official Information Act 1982\n"),
            page(0, "MINISTRY\n2. Second\nPage 2 of 3\nReleased under the Official Information Act 1982"),
            page(0, "MINISTRY\n3. Third\nPage 3 of 3\nReleased under the Official Information Act 1982"),
        ];
        let s = split(&pages);
        assert_eq!(s[0].text, "\n1. First s6(a)\n");
        assert_eq!(
            s[1].furniture,
            vec![
                "MINISTRY",
                "Page 2 of 3",
                "Released under the Official Information Act 1982"
            ]
        );
        assert_eq!(s[2].text, "3. Third");
    }

    #[test]
    fn a_repeated_line_with_a_code_stays_in_the_text() {
        let pages = vec![
            page(0, "Heading\nbody one\nOut of scope"),
            page(0, "Heading\nbody two\nOut of scope"),
        ];
        let s = split(&pages);
        assert!(s[0].text.ends_with("Out of scope"));
        assert_eq!(s[0].furniture, vec!["Heading"]);
    }

    #[test]
    fn a_line_on_one_page_only_is_text() {
        let pages = vec![page(0, "Dear Minister\nbody"), page(0, "Other\nbody two")];
        let s = split(&pages);
        assert_eq!(s[0].text, "Dear Minister\nbody");
        assert!(s[0].furniture.is_empty());
    }

    #[test]
    fn a_letterhead_repeated_in_its_own_file_is_furniture() {
        let mut pages = vec![
            page(0, "Letterhead Ltd\nletter one"),
            page(0, "Letterhead Ltd\nletter two"),
        ];
        for i in 0..6 {
            pages.push(page(1, &format!("Document body {i}\nline")));
        }
        let s = split(&pages);
        assert_eq!(s[1].furniture, vec!["Letterhead Ltd"]);
    }
}

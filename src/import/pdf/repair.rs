//! Extraction debris, repaired only where the repair is certain, and
//! counted so the import summary can say what was changed.
//!
//! - NUL bytes carry nothing: removed.
//! - A form feed inside a page's text is a page-break character the PDF
//!   printed as a glyph: it becomes a line break.
//! - A soft hyphen (U+00AD) is invisible by definition: removed, and where it
//!   ends a line the word is joined across the break.
//! - Ligature characters (`ﬁ` U+FB01 …) are the letters they stand for.
//! - A word hyphenated across a line end (`recon-` / `figuration`) is joined
//!   only when the release itself settles the spelling: the joined word
//!   (`reconfiguration`) or the hyphenated one (`re-negotiated`) appears
//!   whole elsewhere in the release. Otherwise the line end is kept as
//!   printed and counted as left alone.

use std::collections::HashSet;

/// What was repaired, over the whole release.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Repairs {
    pub nul_bytes: usize,
    pub form_feeds: usize,
    pub soft_hyphens: usize,
    pub ligatures: usize,
    /// Line-end hyphenations joined, the hyphen dropped or kept as the
    /// release spells the word elsewhere.
    pub hyphenations_joined: usize,
    /// Line-end hyphenations left as printed, the spelling being uncertain.
    pub hyphenations_left: usize,
}

impl Repairs {
    pub fn total(&self) -> usize {
        self.nul_bytes
            + self.form_feeds
            + self.soft_hyphens
            + self.ligatures
            + self.hyphenations_joined
    }
}

impl std::fmt::Display for Repairs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} NUL bytes, {} form feeds, {} soft hyphens, {} ligatures removed; {} line-end hyphenations joined, {} left as printed",
            self.nul_bytes,
            self.form_feeds,
            self.soft_hyphens,
            self.ligatures,
            self.hyphenations_joined,
            self.hyphenations_left
        )
    }
}

fn ligature(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{FB00}' => "ff",
        '\u{FB01}' => "fi",
        '\u{FB02}' => "fl",
        '\u{FB03}' => "ffi",
        '\u{FB04}' => "ffl",
        '\u{FB05}' | '\u{FB06}' => "st",
        _ => return None,
    })
}

/// Character-level repairs of one page's text: NUL, form feed, soft hyphen,
/// ligatures. Carriage returns are line ends.
pub fn characters(text: &str, counts: &mut Repairs) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\0' => counts.nul_bytes += 1,
            '\u{c}' => {
                counts.form_feeds += 1;
                out.push('\n');
            }
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\u{AD}' => {
                counts.soft_hyphens += 1;
                // `recon\u{AD}\nfiguration`: the break was only for the hyphen.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                    while chars.peek().is_some_and(|c| *c == ' ') {
                        chars.next();
                    }
                    // The rest of the word joins this line; the line break
                    // moves to after it.
                    let mut word = String::new();
                    while let Some(&n) = chars.peek() {
                        if n.is_whitespace() {
                            break;
                        }
                        word.push(n);
                        chars.next();
                    }
                    out.push_str(&word);
                    // The line break moves to after the word, unless the
                    // word was the whole line (its own break follows).
                    if chars.peek() == Some(&' ') {
                        while chars.peek() == Some(&' ') {
                            chars.next();
                        }
                        out.push('\n');
                    }
                }
            }
            c => match ligature(c) {
                Some(s) => {
                    counts.ligatures += 1;
                    out.push_str(s);
                }
                None => out.push(c),
            },
        }
    }
    out
}

/// Words of the release as they appear whole (not at a line-end hyphen),
/// lowercased, for deciding hyphenations.
pub fn vocabulary<'a>(pages: impl IntoIterator<Item = &'a str>) -> HashSet<String> {
    let mut words = HashSet::new();
    for page in pages {
        for line in page.lines() {
            let trimmed = line.trim_end();
            let tokens: Vec<&str> = trimmed.split_whitespace().collect();
            for (i, t) in tokens.iter().enumerate() {
                let last = i + 1 == tokens.len();
                if last && t.ends_with('-') {
                    continue;
                }
                let w = t.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
                if !w.is_empty() {
                    words.insert(w.to_lowercase());
                }
            }
        }
    }
    words
}

/// Joins words hyphenated across line ends where `vocab` settles the spelling.
pub fn hyphenation(text: &str, vocab: &HashSet<String>, counts: &mut Repairs) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut carry = String::new(); // the start of the next line, moved up
    for (i, line) in lines.iter().enumerate() {
        let mut line: String = line.to_string();
        if !carry.is_empty() {
            line = line.trim_start()[carry.len()..].trim_start().to_string();
            carry.clear();
            // The whole line moved up: no blank line is left behind, since
            // a blank line would end the paragraph.
            if line.is_empty() {
                continue;
            }
        }
        let next = lines.get(i + 1).map(|l| l.trim_start());
        if let (Some(head), Some(next)) = (hyphen_head(&line), next) {
            let tail: &str = next.split_whitespace().next().unwrap_or("");
            let tail_word = tail.trim_end_matches(|c: char| !c.is_alphanumeric());
            let starts_lower = tail_word.chars().next().is_some_and(char::is_lowercase);
            // Only a word of letters continues a word: never a code
            // (`pre-` / `s6(a)`), a number or a reference.
            let letters = tail_word.chars().all(char::is_alphabetic);
            if !tail_word.is_empty() && starts_lower && letters {
                let joined = format!("{head}{tail_word}").to_lowercase();
                let hyphened = format!("{head}-{tail_word}").to_lowercase();
                let keep_hyphen = vocab.contains(&hyphened);
                let drop_hyphen = vocab.contains(&joined);
                // Remove the trailing hyphen (if dropping) and append the tail.
                let cut = line.trim_end().len() - 1;
                let mut joined_line = line[..cut].to_string();
                if keep_hyphen {
                    joined_line.push('-');
                }
                joined_line.push_str(tail);
                // What is left of the next line must read the same way: a
                // line left holding only `9(2)(a)` would become a marker.
                let rest = next[tail.len()..].trim_start();
                let same_codes = crate::markers::count_codes(&format!("{line}\n{next}"))
                    == crate::markers::count_codes(&format!("{joined_line}\n{rest}"));
                if keep_hyphen != drop_hyphen && same_codes {
                    counts.hyphenations_joined += 1;
                    carry = tail.to_string();
                    out.push(joined_line);
                    continue;
                }
                counts.hyphenations_left += 1;
            }
        }
        out.push(line);
    }
    out.join("\n")
}

/// The word fragment before a line-end hyphen (`recon` in `… recon-`), if
/// the line ends in a letter followed by a hyphen.
fn hyphen_head(line: &str) -> Option<&str> {
    let t = line.trim_end();
    let body = t.strip_suffix('-')?;
    let word_start = body.rfind(|c: char| c.is_whitespace()).map_or(0, |i| i + 1);
    let head = &body[word_start..];
    (head.chars().last().is_some_and(char::is_alphabetic)
        && head.chars().all(|c| c.is_alphabetic() || c == '-'))
    .then_some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_are_repaired_and_counted() {
        let mut r = Repairs::default();
        let t = characters("a\0b\u{c}c ﬁnancial proﬁle\r\nx", &mut r);
        assert_eq!(t, "ab\nc financial profile\nx");
        assert_eq!((r.nul_bytes, r.form_feeds, r.ligatures), (1, 1, 2));
    }

    #[test]
    fn a_soft_hyphen_at_a_line_end_joins_the_word() {
        let mut r = Repairs::default();
        let t = characters("the port's recon\u{AD}\nfiguration and cost\nnext", &mut r);
        assert_eq!(t, "the port's reconfiguration\nand cost\nnext");
        assert_eq!(r.soft_hyphens, 1);
        let t = characters("in\u{AD}side", &mut r);
        assert_eq!(t, "inside");
        let t = characters("a recon\u{AD}\nfiguration\nnext", &mut r);
        assert_eq!(t, "a reconfiguration\nnext");
    }

    #[test]
    fn line_end_hyphens_are_joined_only_when_the_release_settles_the_spelling() {
        let text = "the recon-\nfiguration of the port\nto be re-\nnegotiated later; a well-\nknown case\nreconfiguration again, re-negotiated twice\nand recon-\nfiguration,\nend";
        let vocab = vocabulary([text]);
        let mut r = Repairs::default();
        let t = hyphenation(text, &vocab, &mut r);
        assert_eq!(
            t,
            "the reconfiguration\nof the port\nto be re-negotiated\nlater; a well-\nknown case\nreconfiguration again, re-negotiated twice\nand reconfiguration,\nend"
        );
        assert_eq!((r.hyphenations_joined, r.hyphenations_left), (3, 1));
    }

    #[test]
    fn dashes_and_capitalised_continuations_are_left() {
        let text = "Item -\nnext\nNew Zealand-\nAustralia";
        let mut r = Repairs::default();
        let t = hyphenation(text, &vocabulary([text]), &mut r);
        assert_eq!(t, text);
        assert_eq!(r.hyphenations_joined, 0);
    }

    #[test]
    fn a_code_after_a_line_end_hyphen_is_never_joined() {
        let text = "the pre-\ns6(a) and pres6(a) pre-s6(a)";
        let mut r = Repairs::default();
        assert_eq!(hyphenation(text, &vocabulary([text]), &mut r), text);
        // Joining would leave `9(2)(a)` alone on its line, a marker.
        let text = "the recon-\nfiguration 9(2)(a)\nreconfiguration";
        assert_eq!(hyphenation(text, &vocabulary([text]), &mut r), text);
    }

    #[test]
    fn odd_input_does_not_panic() {
        let mut r = Repairs::default();
        for s in [
            "-",
            "-\n",
            "a-\n",
            "ā-\nā",
            "\u{AD}",
            "\u{AD}\n",
            "x\u{AD}\n  ",
        ] {
            let c = characters(s, &mut r);
            let _ = hyphenation(&c, &vocabulary([c.as_str()]), &mut r);
        }
    }
}

//! Plain text as more than one stage handles it: `import` comparing and
//! naming what it extracted, `export` writing a block's visible text.

/// `text` with whitespace trimmed from both ends and each run of it inside
/// made one space (Unicode whitespace, as [`str::split_whitespace`] means).
pub fn collapse_whitespace(text: &str) -> String {
    // One pass over the bytes into one string: a large release has millions
    // of paragraphs. ASCII (nearly all of a release) is classified a byte at
    // a time, and only other characters are decoded.
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut word_start = None;
    let mut i = 0;
    while i < bytes.len() {
        let (space, len) = match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => (true, 1),
            b if b < 0x80 => (false, 1),
            _ => {
                let c = text[i..].chars().next().unwrap_or_default();
                (c.is_whitespace(), c.len_utf8())
            }
        };
        match (space, word_start) {
            (true, Some(start)) => {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&text[start..i]);
                word_start = None;
            }
            (false, None) => word_start = Some(i),
            _ => {}
        }
        i += len;
    }
    if let Some(start) = word_start {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_any_whitespace_become_one_space_and_the_ends_go() {
        assert_eq!(collapse_whitespace("  a \t b\r\n\nc\u{a0}d  "), "a b c d");
        assert_eq!(collapse_whitespace("one"), "one");
        assert_eq!(collapse_whitespace(" \n\t "), "");
        assert_eq!(collapse_whitespace(""), "");
    }

    #[test]
    fn agrees_with_split_whitespace() {
        let pieces = [
            "a", "é", "中文", " ", "  ", "\t", "\n", "\r\n", "\u{a0}", "\u{85}", "\u{2028}",
            "\u{3000}", "\u{200b}", "\u{1c}", "\u{b}", "\u{c}", "s6(a)", "🙂",
        ];
        let mut draw = crate::testing::Draw::new(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..draw.below(9) {
                text.push_str(pieces[draw.below(pieces.len())]);
            }
            let expected = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_whitespace(&text), expected, "{text:?}");
        }
    }
}

//! Plain text as more than one stage handles it: `import` comparing and
//! naming what it extracted, `export` writing a block's visible text.

/// `text` with whitespace trimmed from both ends and each run of it inside
/// made one space (Unicode whitespace, as [`str::split_whitespace`] means).
pub fn collapse_whitespace(text: &str) -> String {
    // One pass into one string: a large release has millions of
    // paragraphs, and a list of words joined took two more allocations each.
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
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
}

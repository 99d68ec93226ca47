//! HTML escaping, for every string annex writes into a page, an attribute,
//! an SVG or a message: Markdown bodies, badges, charts, cards, citations
//! and the templates' autoescape all go through here.

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    escape_into(&mut out, s);
    out
}

/// `escape`, appending to `out`. Copies the runs between special characters
/// whole: this runs for every badge's name and tooltip on every page, so it
/// is one of the build's hottest loops. The five characters are ASCII and
/// never occur inside a multi-byte UTF-8 sequence, so byte offsets are safe.
pub fn escape_into(out: &mut String, s: &str) {
    escape_runs(s, |run| out.push_str(run));
}

/// Hands `s` to `put` in runs: the text between special characters whole,
/// and each special character's entity.
pub fn escape_runs(s: &str, mut put: impl FnMut(&str)) {
    let bytes = s.as_bytes();
    let (mut run, mut i) = (0, 0);
    while i < bytes.len() {
        // Most text has nothing to escape: pass over it eight bytes at a
        // time (every value, attribute and page goes through here).
        while let Some(word) = bytes.get(i..i + 8) {
            if has_special(u64::from_le_bytes(word.try_into().unwrap_or_default())) {
                break;
            }
            i += 8;
        }
        let Some(&b) = bytes.get(i) else { break };
        i += 1;
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        put(&s[run..i - 1]);
        put(entity);
        run = i;
    }
    put(&s[run..]);
}

/// Whether any of the eight bytes of `word` is one that HTML escapes: for
/// each, a byte equal to it becomes zero under XOR, and the classic test
/// for a zero byte finds it.
fn has_special(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let has = |b: u8| zero(word ^ (ONES * u64::from(b)));
    (has(b'&') | has(b'<') | has(b'>') | has(b'"') | has(b'\'')) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_matches_a_byte_by_byte_escape() {
        let naive = |s: &str| {
            s.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c => c.to_string(),
                })
                .collect::<String>()
        };
        let alphabet = [
            'a', ' ', '&', '<', '>', '"', '\'', 'é', '€', '\u{7f}', '\u{80}', '%', '\n',
        ];
        let mut draw = crate::testing::Draw::new(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let seed = draw.number();
            let len = (seed % 40) as usize;
            let s: String = (0..len)
                .map(|k| alphabet[((seed >> (k % 50)) as usize + k * 7) % alphabet.len()])
                .collect();
            assert_eq!(escape(&s), naive(&s), "{s:?}");
        }
    }

    #[test]
    fn escape_replaces_the_five_specials_and_keeps_everything_else() {
        assert_eq!(
            escape("Tēnā koe <b> & \"quoted\" 'x' s9(2)(g)(i)"),
            "Tēnā koe &lt;b&gt; &amp; &quot;quoted&quot; &#39;x&#39; s9(2)(g)(i)"
        );
        assert_eq!(escape(""), "");
        let mut out = String::from("a");
        escape_into(&mut out, "ō&");
        assert_eq!(out, "aō&amp;");
    }
}

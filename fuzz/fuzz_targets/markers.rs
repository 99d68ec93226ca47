//! The redaction-marker grammar on any text: groups are in order, inside
//! the text, on char boundaries, and every printed code canonicalises to
//! the code `scan` gave it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let groups = annex::markers::scan(text);
    let mut last = 0;
    for g in &groups {
        assert!(g.span.start >= last && g.span.end <= text.len());
        assert!(text.is_char_boundary(g.span.start) && text.is_char_boundary(g.span.end));
        last = g.span.end;
        for c in &g.codes {
            assert!(c.span.start >= g.span.start && c.span.end <= g.span.end);
            let _ = annex::markers::parent(&c.canonical);
            let _ = annex::markers::canonical(&text[c.span.clone()]);
        }
    }
    let total: usize = annex::markers::count_codes(text).values().sum();
    assert_eq!(total, groups.iter().map(|g| g.codes.len()).sum::<usize>());
    for line in text.lines() {
        let _ = annex::markers::paragraph_number(line);
    }
    let _ = annex::grounds::preset_for_act(text);
});

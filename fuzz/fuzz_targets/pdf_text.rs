//! The PDF reader's text stages on any extracted text (what `pdftotext
//! -layout` could print): columns, tables, furniture and repairs never
//! panic, and repairs never lose a redaction code.
#![no_main]

use annex::import::pdf::{columns, furniture, repair, table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let page = match table::columns(text) {
        Some(cols) => table::rows(text, &cols),
        None => columns::reading_order(text).0,
    };
    let mut counts = repair::Repairs::default();
    let pages: Vec<(usize, String)> = page
        .split('\u{c}')
        .enumerate()
        .map(|(i, p)| (i % 2, repair::characters(p, &mut counts)))
        .collect();
    let splits = furniture::split(&pages);
    let vocab = repair::vocabulary(splits.iter().map(|s| s.text.as_str()));
    for s in &splits {
        let fixed = repair::hyphenation(&s.text, &vocab, &mut counts);
        // Joining hyphenated words never removes a code.
        let before: usize = annex::markers::count_codes(&s.text).values().sum();
        let after: usize = annex::markers::count_codes(&fixed).values().sum();
        assert_eq!(before, after, "{:?}", s.text);
    }
});

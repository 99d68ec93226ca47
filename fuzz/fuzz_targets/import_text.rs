//! The text importer on any text: it returns content or diagnostics, never
//! panics, and when it succeeds the written bodies hold every code of the
//! source (it checks that itself; a mismatch is an error, not a crash).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = annex::import::import_text(std::path::Path::new("fuzz.txt"), text);
    }
});

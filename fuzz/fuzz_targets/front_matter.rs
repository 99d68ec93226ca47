//! See `checks::front_matter` for what runs and what is asserted.
#![no_main]

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::front_matter(data));

//! The front-matter splitter and parser on any file: errors are values with
//! a position inside the file, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match annex::yaml::split(text) {
        Ok(split) => {
            let lines = text.lines().count().max(1);
            assert!(split.front_line >= 1 && split.body_line >= 1);
            let _ = annex::yaml::parse::<annex::model::DocumentMeta>(split.front, split.front_line)
                .map_err(|e| assert!(e.line >= 1 && e.line <= lines + 1, "{e:?}"));
            let _ = annex::yaml::parse::<annex::model::MeetingMeta>(split.front, split.front_line);
            let _ = annex::yaml::parse::<annex::model::ReleaseMeta>(split.front, split.front_line);
            let _ = annex::yaml::parse::<annex::model::SiteConfig>(split.front, split.front_line);
        }
        Err(e) => assert!(e.line >= 1, "{e:?}"),
    }
});

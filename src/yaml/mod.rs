//! Front matter: splitting a content file into YAML and body, and parsing
//! YAML into the model with errors located in the file.
//!
//! This is the only module that touches the YAML parser, so it could be
//! swapped for another without the rest of annex noticing. Plain front
//! matter takes a shortcut (`block`); everything else, and every error,
//! goes through serde_yaml.

pub mod block;
pub mod node;

use serde::de::DeserializeOwned;

/// A content file cut into its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences (may be empty).
    pub front: &'a str,
    /// 1-based file line of the YAML's first line.
    pub front_line: usize,
    /// Everything after the closing fence.
    pub body: &'a str,
    /// 1-based file line of the body's first line.
    pub body_line: usize,
}

/// A problem found while splitting or parsing, relative to the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: String,
    /// `front-matter` for fences, `yaml` for syntax, `unknown-field`, `missing-field`,
    /// `wrong-type` or `bad-value` for what the model refuses.
    pub kind: &'static str,
}

/// Cuts `text` at its `---` fences. A UTF-8 byte-order mark and CRLF line
/// endings are accepted, since Windows editors write both.
pub fn split(text: &str) -> Result<Split<'_>, YamlError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let missing = || YamlError {
        line: 1,
        column: 1,
        message: "no front matter: the file must start with a line `---`".into(),
        hint: "add YAML front matter between two `---` lines at the top (see docs/content.md)"
            .into(),
        kind: "front-matter",
    };
    if text.trim().is_empty() {
        return Err(YamlError {
            message: "the file is empty".into(),
            hint: "write front matter between two `---` lines (see docs/content.md), or delete the file".into(),
            ..missing()
        });
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or_default();
    if first.trim_end() != "---" {
        return Err(missing());
    }
    let front_start = first.len();
    let mut offset = front_start;
    let mut line_no = 1;
    for line in lines {
        line_no += 1;
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let front = &text[front_start..offset];
            let body = &text[offset + line.len()..];
            return Ok(Split {
                front,
                front_line: 2,
                body,
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(YamlError {
        line: 1,
        column: 1,
        message: "the front matter is never closed".into(),
        hint: "end the front matter with a line `---` before the body".into(),
        kind: "front-matter",
    })
}

/// Parses the front matter into `T`, turning the parser's error into a
/// position in the file (`front_line` is where the YAML starts).
pub fn parse<T: DeserializeOwned>(front: &str, front_line: usize) -> Result<T, YamlError> {
    // An empty front matter is an empty mapping, so that missing required
    // fields are reported by name rather than as "invalid type: unit".
    let source = if front.trim().is_empty() { "{}" } else { front };
    // The shortcut reads the same value serde_yaml would, or declines; a
    // value that does not fit `T` is parsed again by serde_yaml, whose
    // error knows the line and column.
    if let Some(node) = block::parse(source) {
        if let Ok(parsed) = T::deserialize(node) {
            return Ok(parsed);
        }
    }
    serde_yaml::from_str(source).map_err(|e| {
        let raw = e.to_string();
        // serde_yaml writes positions into its messages (" at line L column
        // C"); take them out, and print our own position in the file.
        let (mut message, positions) = strip_positions(&raw);
        let (mut line, mut column) = match e.location() {
            Some(loc) => (loc.line(), loc.column()),
            None => (1, 1),
        };
        if message.contains("end of stream") && message.contains("quoted scalar") {
            // An unclosed quote: point at where the quoted value starts.
            if let Some(&start) = positions.last() {
                (line, column) = start;
            }
            message = "a quoted value is never closed".into();
        } else if let Some(at) = bad_value(&message).and_then(|v| value_at(front, v)) {
            // A value our own types refused (a page range): the parser
            // points at the mapping that holds it; point at the value.
            (line, column) = at;
        } else if let Some(key) = duplicate_key(&message) {
            // The parser points at the mapping; point at the repeated key.
            if let Some(at) = second_occurrence(front, &key) {
                (line, column) = at;
            }
            message = format!("the key `{key}` appears twice");
        }
        if let Some(field) = message.strip_suffix("expected a YAML tag starting with '!'") {
            // serde_yaml's words for a list or map given to a field that
            // takes one of a few names (`scope: [released]`).
            let field = field.split(": invalid type").next().unwrap_or_default();
            message =
                format!("{field}: takes one of its values as plain text, not a list or a map");
        }
        let (kind, hint) = explain(&message);
        YamlError {
            line: line + front_line - 1,
            column,
            message,
            hint,
            kind,
        }
    })
}

/// Removes every " at line L column C" from a parser message, returning
/// the positions in order.
fn strip_positions(raw: &str) -> (String, Vec<(usize, usize)>) {
    let mut out = String::new();
    let mut positions = Vec::new();
    let mut rest = raw;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let mut nums = after.splitn(3, ' ');
        let line = nums.next().and_then(|n| n.parse().ok());
        let word = nums.next();
        let tail = nums.next().unwrap_or_default();
        let col_len = tail
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(tail.len());
        match (line, word, tail[..col_len].parse().ok()) {
            (Some(l), Some("column"), Some(c)) => {
                positions.push((l, c));
                rest = &tail[col_len..];
            }
            _ => {
                out.push_str(" at line ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, positions)
}

/// `message` without the field path serde puts before a nested error
/// (`participants[0].people: ...`).
fn without_path(message: &str) -> &str {
    match message.find(": ") {
        Some(i) if !message[..i].contains(' ') => &message[i + 2..],
        _ => message,
    }
}

/// The value a message of annex's own types quotes (`` `49-37` is not a
/// page range: ...``, after the field path).
fn bad_value(message: &str) -> Option<&str> {
    let rest = without_path(message).strip_prefix('`')?;
    let (value, after) = rest.split_once('`')?;
    after.starts_with(" is not ").then_some(value)
}

/// 1-based position of `value` as a value in `front`: after a `key:` or a
/// list's `- `, alone or in quotes.
fn value_at(front: &str, value: &str) -> Option<(usize, usize)> {
    front.lines().enumerate().find_map(|(i, line)| {
        let (_, after) = line
            .split_once(": ")
            .or_else(|| line.trim_start().split_once("- "))?;
        let v = after.trim().trim_matches(['"', '\'']);
        (v == value).then(|| {
            let at = line.len() - after.trim_start().len();
            (i + 1, line[..at].chars().count() + 1)
        })
    })
}

fn duplicate_key(message: &str) -> Option<String> {
    let rest = message
        .split_once("duplicate entry with key \"")
        .map(|(_, r)| r.split('"').next())
        .or_else(|| {
            message
                .split_once("duplicate field `")
                .map(|(_, r)| r.split('`').next())
        })??;
    Some(rest.to_string())
}

/// 1-based position of the second line that starts with `key:`.
fn second_occurrence(front: &str, key: &str) -> Option<(usize, usize)> {
    let pattern = format!("{key}:");
    let mut seen = 0;
    for (i, line) in front.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with(&pattern) {
            seen += 1;
            if seen == 2 {
                return Some((i + 1, line.len() - trimmed.len() + 1));
            }
        }
    }
    None
}

/// Reads a whole YAML document (such as `site.yaml`).
pub fn parse_document<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    parse(text, 1)
}

/// A hint for the common parser messages, so the user knows what to do.
fn explain(message: &str) -> (&'static str, String) {
    let message = without_path(message);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or_default();
        let expected: Vec<&str> = message
            .split("expected one of ")
            .nth(1)
            .or_else(|| message.split("expected ").nth(1))
            .unwrap_or_default()
            .split(", ")
            .map(|s| s.trim_matches('`'))
            .filter(|s| !s.is_empty())
            .collect();
        let hint = match crate::diagnostics::did_you_mean(field, expected.iter().copied()) {
            Some(best) => format!("did you mean `{best}`? Fields are listed in docs/content.md"),
            None => "remove the field or fix its name; fields are listed in docs/content.md".into(),
        };
        return ("unknown-field", hint);
    }
    if message.starts_with("missing field") {
        return (
            "missing-field",
            "add the field; docs/content.md shows a complete example".into(),
        );
    }
    if message.starts_with("invalid type") || message.starts_with("invalid value") {
        return (
            "wrong-type",
            "give the field a value of the expected type (see docs/content.md)".into(),
        );
    }
    if bad_value(message).is_some() {
        return (
            "bad-value",
            "write the value as the message says (see docs/content.md)".into(),
        );
    }
    if message.starts_with("takes one of its values") {
        return (
            "wrong-type",
            "write one of the values docs/content.md lists for the field, after the colon".into(),
        );
    }
    if message.starts_with("unknown variant") {
        return (
            "wrong-type",
            "use one of the values listed in the message".into(),
        );
    }
    if message.contains("duplicate entry") {
        return ("yaml", "a key appears twice: keep one of them".into());
    }
    if message.contains("tab") {
        return ("yaml", "YAML indentation must use spaces, not tabs".into());
    }
    if message.contains("recursion limit") || message.contains("repetition limit") {
        return (
            "yaml",
            "the YAML nests or repeats too deeply (aliases?): simplify it".into(),
        );
    }
    (
        "yaml",
        "fix the YAML syntax here (quotes, colons, indentation)".into(),
    )
}

/// Where `value` is written in the front matter of `file_text`, for
/// pointing an error at a reference. Prefers a line that also names `key`.
pub fn locate(file_text: &str, key: &str, value: &str) -> (usize, usize) {
    let text = file_text.strip_prefix('\u{feff}').unwrap_or(file_text);
    let mut fallback = None;
    for (i, line) in text.lines().enumerate() {
        if i > 0 && line.trim_end() == "---" {
            break;
        }
        if let Some(col) = line.find(value) {
            let column = line[..col].chars().count() + 1;
            if line.contains(key) {
                return (i + 1, column);
            }
            fallback.get_or_insert((i + 1, column));
        }
    }
    fallback.unwrap_or((1, 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MeetingMeta;
    use serde::Deserialize;

    #[test]
    fn splits_and_numbers_lines() {
        let s = split("---\ntitle: x\n---\nbody\n").unwrap();
        assert_eq!(s.front, "title: x\n");
        assert_eq!(s.body, "body\n");
        assert_eq!((s.front_line, s.body_line), (2, 4));
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let s = split("\u{feff}---\r\ntitle: x\r\n---\r\nbody\r\n").unwrap();
        assert_eq!(s.body, "body\r\n");
        assert_eq!(s.front, "title: x\r\n");
    }

    #[test]
    fn missing_or_unclosed_fences_are_errors() {
        assert!(split("title: x\n")
            .unwrap_err()
            .message
            .contains("no front matter"));
        assert!(split("---\ntitle: x\n")
            .unwrap_err()
            .message
            .contains("never closed"));
        assert!(split("").unwrap_err().message.contains("empty"));
    }

    #[test]
    fn unknown_field_is_located_with_a_suggestion() {
        let front = "title: x\ndate: 2024-07-09\nscope: released\ntitel: y\n";
        let e = parse::<MeetingMeta>(front, 2).unwrap_err();
        assert_eq!(e.kind, "unknown-field");
        assert_eq!(e.line, 5);
        assert!(e.hint.contains("`title`"), "{}", e.hint);
    }

    #[test]
    fn wrong_type_is_located() {
        let front = "title: x\ndate: 2024-07-09\nscope: released\nparticipants: 7\n";
        let e = parse::<MeetingMeta>(front, 2).unwrap_err();
        assert_eq!(e.kind, "wrong-type");
        assert_eq!(e.line, 5);
    }

    #[test]
    fn a_list_for_a_field_of_names_says_so() {
        let e =
            parse::<MeetingMeta>("title: T\ndate: 2024-07-09\nscope: [released]\n", 2).unwrap_err();
        assert_eq!((e.line, e.column, e.kind), (4, 8, "wrong-type"));
        assert_eq!(
            e.message,
            "scope: takes one of its values as plain text, not a list or a map"
        );
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            y.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n",
                p = i - 1
            ));
        }
        let r = parse::<serde_yaml::Value>(&y, 2);
        assert!(r.is_err());
    }

    /// Every file of the default site takes the shortcut: it is read, not
    /// declined, and fills its kind. (That the shortcut means what
    /// serde_yaml means is `fuzz/checks.rs`'s `front_matter`, run on the
    /// same files by `tests/fuzz_regressions.rs`.)
    #[test]
    fn every_default_site_file_takes_the_shortcut() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/content");
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                let front = split(&text).unwrap().front;
                let node = || block::parse(front).expect("the shortcut reads it");
                let folder = entry.path().parent().unwrap().file_name().unwrap();
                let filled = match folder.to_str().unwrap() {
                    "meetings" => MeetingMeta::deserialize(node()).map(|_| ()),
                    "documents" => crate::model::DocumentMeta::deserialize(node()).map(|_| ()),
                    "press" => crate::model::PressMeta::deserialize(node()).map(|_| ()),
                    _ => crate::model::ReleaseMeta::deserialize(node()).map(|_| ()),
                };
                assert!(filled.is_ok(), "{}: {filled:?}", entry.path().display());
            }
        }
    }

    #[test]
    fn locate_finds_the_reference() {
        let text = "---\ntitle: x\nsources:\n  - document: missing-doc\n---\n";
        assert_eq!(locate(text, "document", "missing-doc"), (4, 15));
    }
}

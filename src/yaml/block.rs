//! A shortcut past the YAML parser for the plain block YAML that front
//! matter is nearly always written in.
//!
//! serde_yaml (over a translation of libyaml) spends about 175,000
//! instructions on a typical meeting's front matter, a seventh of a whole
//! build. Front matter uses a small corner of YAML: block mappings with
//! simple keys, block sequences, and one-line plain or quoted scalars. This
//! reader handles exactly that corner and answers `None` for anything else
//! (anchors, tags, flow collections, multi-line strings, rare escapes,
//! numbers, comments after a value, tabs, ...), and the caller then asks
//! serde_yaml. So it never has to be right about hard YAML: for every input
//! it accepts, it must give the `Value` serde_yaml gives, which the tests
//! check on every content file, a list of edge cases and generated input.
//! Errors always come from serde_yaml, which knows where they are.
//!
//! The result is a [`Node`] tree whose strings borrow from the source
//! (`node.rs`), from which a model type is filled directly.

use std::borrow::Cow;

use serde_yaml::Value;

use super::node::Node;

/// Nesting deeper than this goes to serde_yaml (which has its own limit),
/// so that a hostile file cannot overflow the stack here.
const MAX_DEPTH: usize = 32;

/// Mappings with more keys than this go to serde_yaml: repeated keys are
/// found by comparing each key with those before it.
const MAX_KEYS: usize = 64;

/// Reads `source` as a block mapping, or `None` when it is outside the
/// subset (or not a mapping at all).
pub fn parse(source: &str) -> Option<Node<'_>> {
    let lines = lines(source)?;
    let indent = lines.first()?.indent;
    let mut reader = Reader { lines, pos: 0 };
    let node = reader.mapping(indent, 0)?;
    (reader.pos == reader.lines.len()).then_some(node)
}

/// [`parse`] as serde_yaml's `Value`, for comparing the two readers.
pub fn read(source: &str) -> Option<Value> {
    parse(source).map(Node::into_value)
}

/// One line with content: its indentation and its text without the
/// indentation or trailing spaces.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    text: &'a str,
}

/// The lines that carry content. Blank lines and whole-line comments are
/// dropped (YAML ignores them); characters libyaml treats specially (tabs,
/// lone carriage returns, the other Unicode line breaks, non-printables)
/// send the whole input to serde_yaml.
fn lines(source: &str) -> Option<Vec<Line<'_>>> {
    if !source.chars().all(plain_char) {
        return None;
    }
    let mut out = Vec::with_capacity(32);
    for raw in source.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.contains('\r') {
            return None;
        }
        let unindented = raw.trim_start_matches(' ');
        let text = unindented.trim_end_matches(' ');
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        out.push(Line {
            indent: raw.len() - unindented.len(),
            text,
        });
    }
    Some(out)
}

/// Printable in libyaml's sense, less tab and the line breaks other than
/// `\n` and `\r`, which this reader leaves to serde_yaml.
fn plain_char(c: char) -> bool {
    matches!(c, '\n' | '\r' | ' '..='~')
        || (c >= '\u{a0}'
            && !matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            ))
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A mapping whose keys sit at column `indent`, starting at the current line.
    fn mapping(&mut self, indent: usize, depth: usize) -> Option<Node<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut map: Vec<(&'a str, Node<'a>)> = Vec::new();
        while let Some(&line) = self.lines.get(self.pos) {
            if line.indent < indent || (line.indent == indent && is_item(line.text)) {
                break;
            }
            if line.indent > indent {
                // A continuation line or stray indentation: leave it to serde_yaml.
                return None;
            }
            let (key, rest) = entry(line.text)?;
            self.pos += 1;
            let value = if rest.is_empty() {
                self.nested(indent, depth)?
            } else {
                scalar(rest)?
            };
            // A repeated key is an error serde_yaml will report.
            if map.len() >= MAX_KEYS || map.iter().any(|(k, _)| *k == key) {
                return None;
            }
            map.push((key, value));
        }
        Some(Node::Map(map))
    }

    /// The value of a key written with nothing after its colon: a block on
    /// the following lines, or null.
    fn nested(&mut self, indent: usize, depth: usize) -> Option<Node<'a>> {
        match self.lines.get(self.pos) {
            // A sequence may sit at its key's own indentation.
            Some(next) if next.indent == indent && is_item(next.text) => {
                self.sequence(indent, depth + 1)
            }
            Some(next) if next.indent > indent => {
                if is_item(next.text) {
                    self.sequence(next.indent, depth + 1)
                } else {
                    self.mapping(next.indent, depth + 1)
                }
            }
            _ => Some(Node::Null),
        }
    }

    /// A sequence whose dashes sit at column `indent`.
    fn sequence(&mut self, indent: usize, depth: usize) -> Option<Node<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut items = Vec::new();
        while let Some(&line) = self.lines.get(self.pos) {
            if line.indent < indent || (line.indent == indent && !is_item(line.text)) {
                break;
            }
            if line.indent > indent {
                return None;
            }
            // `- ` then the item, which starts at its own column.
            let after = &line.text[1..];
            let content = after.trim_start_matches(' ');
            if content.is_empty() || is_item(content) {
                return None; // `-` alone or `- - x`: rare, leave to serde_yaml
            }
            let column = indent + 1 + (after.len() - content.len());
            if entry(content).is_some() {
                // `- key: value` opens a mapping at the key's column; the
                // rest of that mapping follows on lines indented to match.
                self.lines[self.pos] = Line {
                    indent: column,
                    text: content,
                };
                items.push(self.mapping(column, depth + 1)?);
            } else {
                items.push(scalar(content)?);
                self.pos += 1;
            }
        }
        Some(Node::Seq(items))
    }
}

/// `- ` or a lone `-` starts a sequence item.
fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// `key: rest` with a simple key (letters, digits, `_`, `-`) that YAML
/// reads as a string; `rest` may be empty.
fn entry(text: &str) -> Option<(&str, &str)> {
    let end = text
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))?;
    let (key, rest) = text.split_at(end);
    let rest = rest.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let first = key.as_bytes().first()?;
    if *first == b'-' || !is_string(key) {
        return None;
    }
    Some((key, rest.trim_start_matches(' ')))
}

/// A one-line scalar: quoted, an empty flow collection, or plain.
fn scalar(text: &str) -> Option<Node<'_>> {
    match text.as_bytes()[0] {
        b'"' => double_quoted(&text[1..]).map(Node::Str),
        b'\'' => {
            let inner = text[1..].strip_suffix('\'')?;
            // Inside single quotes, `''` is one quote and a lone `'` ends the string.
            if inner.split("''").any(|part| part.contains('\'')) {
                return None;
            }
            Some(Node::Str(if inner.contains("''") {
                Cow::Owned(inner.replace("''", "'"))
            } else {
                Cow::Borrowed(inner)
            }))
        }
        _ if text == "[]" => Some(Node::Seq(Vec::new())),
        _ if text == "{}" => Some(Node::Map(Vec::new())),
        first => {
            // Indicators that change what a plain scalar means, and the
            // two sequences that end one (`: ` and ` #`).
            if b"-?:,[]{}#&*!|>'\"%@`".contains(&first)
                || text.contains(": ")
                || text.ends_with(':')
                || text.contains(" #")
            {
                return None;
            }
            // An explicit null (`~`, `null`) is left to serde_yaml: its
            // `Value` reads null as an empty list or mapping where one is
            // expected, but serde_yaml's own parser calls that a wrong type,
            // and only an empty value (`key:`) is an empty list to both.
            match text {
                "true" | "True" | "TRUE" => Some(Node::Bool(true)),
                "false" | "False" | "FALSE" => Some(Node::Bool(false)),
                _ if is_string(text) => Some(Node::Str(Cow::Borrowed(text))),
                _ => None,
            }
        }
    }
}

/// The inside of a one-line double-quoted string (after its opening
/// quote), with the common escapes; the rarer ones go to serde_yaml.
fn double_quoted(text: &str) -> Option<Cow<'_, str>> {
    let inner = text.strip_suffix('"')?;
    if !inner.contains('\\') {
        return (!inner.contains('"')).then_some(Cow::Borrowed(inner));
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return None, // the string ends before the line does
            '\\' => out.push(match chars.next()? {
                '"' => '"',
                '\\' => '\\',
                '/' => '/',
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                'u' => {
                    let hex = chars.as_str().get(..4)?;
                    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return None;
                    }
                    chars = chars.as_str()[4..].chars();
                    char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
                }
                _ => return None,
            }),
            c => out.push(c),
        }
    }
    Some(Cow::Owned(out))
}

/// Whether YAML's core schema, as serde_yaml applies it, reads the plain
/// scalar `text` as a string. Conservative: anything that might be a
/// number (or infinity, or not-a-number) answers no, and serde_yaml decides.
fn is_string(text: &str) -> bool {
    if matches!(
        text,
        "~" | "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
    ) {
        return false;
    }
    let unsigned = text.trim_start_matches(['+', '-']);
    if unsigned.starts_with('.')
        || unsigned.starts_with("0x")
        || unsigned.starts_with("0o")
        || unsigned.starts_with("0b")
    {
        return false;
    }
    // Every integer serde_yaml reads in base ten also parses as a float.
    text.parse::<f64>().is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut either declines or agrees with serde_yaml.
    fn agrees(source: &str) -> bool {
        let expected = serde_yaml::from_str::<Value>(source).ok();
        match read(source) {
            None => true,
            Some(v) => {
                assert_eq!(Some(&v), expected.as_ref(), "differs on {source:?}");
                true
            }
        }
    }

    fn accepted(source: &str) -> Value {
        agrees(source);
        read(source).unwrap_or_else(|| panic!("declined {source:?}"))
    }

    #[test]
    fn reads_the_shapes_front_matter_uses() {
        let v = accepted(
            "title: \"Cabinet: meeting 1\"\ndate: 2024-07-09\nstart: 07:30\n\
             request_item: '1'\nscope: partly-withheld\nparticipants:\n- side: US\n  people:\n  \
             - name: Campbell\n    role: Deputy Secretary\n  - withheld: s6(a)\n\
             sources:\n  - document: d-1\n    pages: \"1-2\"\n    paragraphs:\n    - '4'\n\
             meetings: []\nnotes:\n# a comment\n\nempty:\n",
        );
        let m = v.as_mapping().unwrap();
        assert_eq!(m["date"], Value::String("2024-07-09".into()));
        assert_eq!(m["start"], Value::String("07:30".into()));
        assert_eq!(m["notes"], Value::Null);
        assert_eq!(m["participants"][0]["people"][1]["withheld"], "s6(a)");
        let v = accepted("quote: \"said \\\"consistent themes\\\" \\u2013 then\"\n");
        assert_eq!(v["quote"], "said \"consistent themes\" \u{2013} then");
    }

    #[test]
    fn declines_what_it_does_not_handle() {
        for source in [
            "a: 1\n",
            "a: 1.5\n",
            "a: .inf\n",
            "a: 0x1f\n",
            "a: 007\n",
            "a: inf\n",
            "a: &x b\nc: *x\n",
            "a: !tag b\n",
            "a: [b, c]\n",
            "a: {b: c}\n",
            "a: |\n  text\n",
            "a: >\n  text\n",
            "a: \"esc\\qaped\"\n",
            "a: \"multi\n  line\"\n",
            "a: plain\n  continued\n",
            "a: b # comment\n",
            "a: b: c\n",
            "a: b:\n",
            "a:\tb\n",
            "a: b\n\ta: c\n",
            "a: b\ra: c\n",
            "a: b\na: c\n",
            "1: b\n",
            "true: b\n",
            "\"a\": b\n",
            "a b: c\n",
            "- a\n- b\n",
            "plain\n",
            "",
            "a:\n- - b\n",
            "a:\n-\n  b: c\n",
            "a: 'it''s' x'\n",
            "a: \u{2028}\n",
            "? a\n: b\n",
            "a: -b\n",
            "a: ~\n",
            "a: null\n",
            "%YAML 1.2\n---\na: b\n",
        ] {
            assert!(read(source).is_none(), "accepted {source:?}");
            agrees(source);
        }
    }

    #[test]
    fn agrees_with_serde_yaml_on_edge_cases() {
        for source in [
            "a: it''s\n",
            "a: 'it''s'\n",
            "a: ''\n",
            "a: \"\"\n",
            "a: ~\nb: null\nc: True\nd: FALSE\ne: yes\nf: no\ng: on\n",
            "a: Infinity\nb: nan\nc: NaN\nd: 1e5x\ne: 1_000\n",
            "a: 2024-07-09T10:00:00Z\nb: 10:30:00\nc: 1-5\nd: +x\n",
            "a: x:y\nb: x#y\nc: a, b\nd: [x\ne: x]\n",
            "  a: indented\n  b: c\n",
            "a:\n  - x\n  - y\nb:\n- z\n",
            "a:\n  b:\n    c: d\n  e: f\ng: h\n",
            "a:   spaced   \r\nb: crlf\r\n",
            "a: é ü 中文 🙂\n",
            "a:\n-   b: c\n    d: e\n",
            "a:\n  - b\n c: d\n",
            "a:\n    - b\n  - c\n",
            "a:\n- b\n  - c\n",
            "-a: b\n",
            "a-: b\nb_c: d\n",
            "a: b\n---\n",
            "a: b\n...\n",
            "a: 'x' y\n",
            "a: \"x\" y\n",
            "a: 'x\n",
            "a: \"x\n",
            "a: \"say \\\"hi\\\" \\\\ \\/ \\n \\t \\r \\u00e9 \\u263A\"\n",
            "a: \"\\uD800\"\nb: \"\\u12\"\nc: \"\\x41 \\e \\N\"\nd: \"x\\\"\n",
            "a: \"x\\\\\"\nb: \"\\\\\\\"\"\n",
        ] {
            agrees(source);
        }
    }

    #[test]
    fn agrees_on_generated_input() {
        // Generated front-matter-like lines: an indentation, maybe a dash,
        // maybe a key, maybe a value, drawn from pieces that trip readers up.
        let indents = ["", "", "  ", "  ", "    ", " ", "   ", "      "];
        let keys = [
            "title", "date", "a", "b-c", "d_e", "1", "x y", "-a", "true", "\"q\"",
        ];
        let values = [
            "x",
            "Out of scope",
            "s6(a), s9(2)(g)(i)",
            "2024-07-09",
            "07:30",
            "1-5",
            "'1'",
            "\"New Zealand\"",
            "''",
            "\"\"",
            "'it''s'",
            "'a' b",
            "~",
            "null",
            "true",
            "No",
            "12",
            "-3",
            "1.5",
            "1e5",
            ".inf",
            "0x1f",
            "007",
            "inf",
            "[]",
            "{}",
            "[a]",
            "&a x",
            "*a",
            "!t x",
            "|",
            ">",
            "x # c",
            "x#c",
            "a: b",
            "a:",
            "é 中文",
            "\t",
            "x\r",
            "#",
            "- x",
            "-x",
            "...",
            "---",
            "%x",
            "@x",
            "`x",
            "? x",
            ": x",
            "\"a\\\"b\"",
            "'open",
            "\"\\u00e9\\n\\\\\"",
            "\"\\x41\"",
            "\"a\\\"",
            "\"q: #x\"",
        ];
        let mut draw = crate::testing::Draw::new(0x2545_f491_4f6c_dd1d);
        let mut next = |n: usize| draw.below(n);
        let mut accepted = 0;
        for _ in 0..100_000 {
            let mut source = String::new();
            for _ in 0..1 + next(5) {
                source.push_str(indents[next(indents.len())]);
                if next(3) == 0 {
                    source.push_str(["- ", "-  ", "-"][next(3)]);
                }
                if next(4) != 0 {
                    source.push_str(keys[next(keys.len())]);
                    source.push_str([": ", ":", ":  "][next(3)]);
                }
                if next(3) != 0 {
                    source.push_str(values[next(values.len())]);
                }
                source.push_str(["\n", "\n", "\n", "\r\n", " \n", "\n\n"][next(6)]);
            }
            if read(&source).is_some() {
                accepted += 1;
            }
            agrees(&source);
        }
        // The generator must reach the accepted subset, or it tests nothing.
        assert!(
            accepted > 1_000,
            "only {accepted} generated inputs accepted"
        );
    }

    #[test]
    fn reads_the_default_site_as_serde_yaml_does() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/content");
        let mut declined = Vec::new();
        let mut files = 0;
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let front = crate::yaml::split(&text).unwrap().front;
            files += 1;
            agrees(front);
            if read(front).is_none() {
                declined.push(entry.path().display().to_string());
            }
        }
        assert!(files > 25, "{files} content files");
        assert!(declined.is_empty(), "declined: {declined:?}");
    }
}

//! Stage 1, load: read `site.yaml` and every content file into the model.
//!
//! Files are found with walkdir and parsed in parallel with rayon; the
//! result is sorted by path so that nothing downstream depends on thread
//! timing. Every problem becomes a located `Diagnostic`, and all of them are
//! returned together. Cross-references are `resolve`'s job, not this one's.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::diagnostics::{line_col, Diagnostic, Diagnostics};
use crate::grounds;
use crate::model::{Content, Document, Entry, Meeting, PressItem, SiteConfig};
use crate::yaml;

/// The folders under a project's root that annex reads: the content, the
/// themes, and the project's own templates and static files (which
/// override the theme's, one file at a time).
pub const INPUT_FOLDERS: [&str; 4] = ["content", "themes", "templates", "static"];

/// Everything under a project's root that is the project's own, not
/// output: the input folders, `site.yaml` and the card cache. No build
/// writes into any of them.
pub const PROJECT_INPUTS: [&str; 6] = [
    INPUT_FOLDERS[0],
    INPUT_FOLDERS[1],
    INPUT_FOLDERS[2],
    INPUT_FOLDERS[3],
    "site.yaml",
    ".annex-cache",
];

/// The content folders and what each holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Meeting,
    Document,
    Press,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Meeting, Kind::Document, Kind::Press];

    /// Folder under `content/`, which is also the URL prefix.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Meeting => "meetings",
            Kind::Document => "documents",
            Kind::Press => "press",
        }
    }
}

/// Reads a whole project: `site.yaml`, the grounds table, `content/release.md`
/// and every meeting, document and press file.
pub fn load_project(root: &Path) -> Result<Content, Diagnostics> {
    let mut diags = Diagnostics::default();
    let config = load_config(root).map_err(|d| diags.push(d)).ok();
    let grounds = config
        .as_ref()
        .and_then(|c| match grounds::table(&c.grounds) {
            Ok(t) => {
                let found = check_grounds(root, &c.grounds.codes, &t);
                let ok = found.is_empty();
                diags.extend(found);
                ok.then_some(t)
            }
            Err(name) => {
                let path = display_path(root, Path::new("site.yaml"));
                let text = std::fs::read_to_string(root.join("site.yaml")).unwrap_or_default();
                let (line, col) = yaml::locate(&text, "preset", &name);
                diags.push(
                    Diagnostic::error(
                        "unknown-preset",
                        path,
                        format!("unknown grounds preset `{name}`"),
                    )
                    .at(line, col)
                    .hint(format!(
                        "use one of: {}",
                        grounds::preset_names().join(", ")
                    )),
                );
                None
            }
        });

    let release_path = Path::new("content/release.md");
    let release = if root.join(release_path).is_file() {
        load_entry::<crate::model::ReleaseMeta>(root, release_path)
            .map_err(|d| diags.extend(d))
            .ok()
    } else {
        diags.push(
            Diagnostic::error("missing-file", display_path(root, release_path), "the release file is missing")
                .hint("create content/release.md with the release's reference and agency (see docs/content.md), or run `annex import`"),
        );
        None
    };

    let (files, walk_diags) = content_files(root);
    diags.extend(walk_diags);
    let parsed: Vec<Result<Loaded, Vec<Diagnostic>>> = files
        .par_iter()
        .map(|(kind, rel)| match kind {
            Kind::Meeting => load_entry(root, rel).map(Loaded::Meeting),
            Kind::Document => load_entry(root, rel).map(Loaded::Document),
            Kind::Press => load_entry(root, rel).map(Loaded::Press),
        })
        .collect();

    let (mut meetings, mut documents, mut press) = (Vec::new(), Vec::new(), Vec::new());
    for result in parsed {
        match result {
            Ok(Loaded::Meeting(m)) => meetings.push(m),
            Ok(Loaded::Document(d)) => documents.push(d),
            Ok(Loaded::Press(p)) => press.push(p),
            Err(ds) => diags.extend(ds),
        }
    }
    // Kept to the end of a build: no spare capacity (an entry is ~1 KB).
    meetings.shrink_to_fit();
    documents.shrink_to_fit();
    press.shrink_to_fit();

    match (config, grounds, release) {
        (Some(config), Some(grounds), Some(release)) if !diags.has_errors() => Ok(Content {
            root: root.to_path_buf(),
            config,
            grounds,
            release,
            meetings,
            documents,
            press,
            warnings: diags,
        }),
        _ => {
            diags.sort();
            Err(diags)
        }
    }
}

enum Loaded {
    Meeting(Meeting),
    Document(Document),
    Press(PressItem),
}

/// The site's own codes given twice, and codes whose ground pages would
/// be written to the same URL (`s6(a)` and `s6-a` are both
/// `grounds/s6-a/`): errors located at the site's own code in `site.yaml`.
fn check_grounds(
    root: &Path,
    own: &[crate::model::Ground],
    table: &[crate::model::Ground],
) -> Vec<Diagnostic> {
    let path = display_path(root, Path::new("site.yaml"));
    let text = std::fs::read_to_string(root.join("site.yaml")).unwrap_or_default();
    // The line of the `n`th (0-based) `code:` entry naming `code`.
    let at = |code: &str, n: usize| -> (usize, usize) {
        text.lines()
            .enumerate()
            .filter_map(|(i, line)| {
                let col = line.find(code)?;
                line.contains("code")
                    .then(|| (i + 1, line[..col].chars().count() + 1))
            })
            .nth(n)
            .unwrap_or((1, 1))
    };
    let mut diags = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for g in own {
        let key = grounds::key(&g.code);
        let n = seen.entry(key).or_insert(0);
        *n += 1;
        if *n == 2 {
            let (line, col) = at(&g.code, 1);
            diags.push(
                Diagnostic::error(
                    "duplicate-code",
                    path.clone(),
                    format!("the code `{}` is listed twice in `grounds.codes`", g.code),
                )
                .at(line, col)
                .hint("keep one entry per code: the later one would silently replace the earlier"),
            );
        }
    }
    let mut pages: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for g in table {
        let slug = grounds::ground_slug(&g.code);
        match pages.get(slug.as_str()) {
            Some(first) if grounds::key(first) != grounds::key(&g.code) => {
                let mine = if own.iter().any(|o| o.code == g.code) {
                    &g.code
                } else {
                    *first
                };
                let (line, col) = at(mine, 0);
                diags.push(
                    Diagnostic::error(
                        "duplicate-slug",
                        path.clone(),
                        format!(
                            "the codes `{first}` and `{}` would share the page grounds/{slug}/",
                            g.code
                        ),
                    )
                    .at(line, col)
                    .hint("each code needs a page of its own: write the code as the release prints it, or remove one"),
                );
            }
            Some(_) => {}
            None => {
                pages.insert(slug, &g.code);
            }
        }
    }
    diags
}

/// Reads and checks `site.yaml`.
pub fn load_config(root: &Path) -> Result<SiteConfig, Diagnostic> {
    let rel = Path::new("site.yaml");
    let path = display_path(root, rel);
    let text = read_text(&root.join(rel), &path)?;
    let config =
        yaml::parse_document::<SiteConfig>(&text).map_err(|e| yaml_diagnostic(&path, e))?;
    if let Err(why) = crate::render::check_base_url(&config.base_url) {
        let (line, col) = yaml::locate(&text, "base_url", &config.base_url);
        return Err(Diagnostic::error("bad-value", path, why).at(line, col).hint(
            "base_url is where the site is served from: links, canonical URLs and the feeds are made from it",
        ));
    }
    if config.home_list_limit == 0 {
        let (line, col) = yaml::locate(&text, "home_list_limit", "0");
        return Err(Diagnostic::error(
            "bad-value",
            path,
            "`home_list_limit: 0` would list no meetings on the home page",
        )
        .at(line, col)
        .hint("give the number of meetings and documents the home page lists (1 or more; 50 if left out)"));
    }
    Ok(config)
}

/// Every content file under `content/meetings`, `content/documents` and
/// `content/press`, relative to `root`, sorted. Hidden files (editor swap
/// and lock files such as `.#x.md`) are skipped; anything else that is not
/// a Markdown file gets a warning.
pub fn content_files(root: &Path) -> (Vec<(Kind, PathBuf)>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for kind in Kind::ALL {
        let dir = root.join("content").join(kind.folder());
        if !dir.exists() {
            continue;
        }
        let walker = walkdir::WalkDir::new(&dir)
            .follow_links(true)
            .sort_by_file_name();
        for item in walker
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()))
        {
            let entry = match item {
                Ok(entry) => entry,
                Err(e) => {
                    let at = e
                        .path()
                        .map(|p| relative(root, p))
                        .unwrap_or_else(|| dir.clone());
                    let loop_found = e.loop_ancestor().is_some();
                    diags.push(
                        Diagnostic::error(
                            "unreadable",
                            display_path(root, &at),
                            if loop_found {
                                "symbolic link loop: this folder links back to one of its parents"
                                    .to_string()
                            } else {
                                format!("cannot read: {}", io_message(e.io_error()))
                            },
                        )
                        .hint(if loop_found {
                            "remove the link or point it outside content/"
                        } else {
                            "check the file's permissions"
                        }),
                    );
                    continue;
                }
            };
            let rel = relative(root, entry.path());
            let is_md = entry.path().extension().is_some_and(|e| e == "md");
            if entry.file_type().is_dir() {
                if is_md {
                    diags.push(
                        Diagnostic::error(
                            "not-a-file",
                            display_path(root, &rel),
                            "a folder is named like a content file",
                        )
                        .hint(
                            "content files are Markdown files; rename the folder or move its files",
                        ),
                    );
                }
                continue;
            }
            if is_md {
                files.push((kind, rel));
            } else {
                diags.push(
                    Diagnostic::warning(
                        "ignored-file",
                        display_path(root, &rel),
                        "not a Markdown file: ignored",
                    )
                    .hint("content files end in `.md`"),
                );
            }
        }
    }
    files.sort();
    (files, diags)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// Reads one content file (`rel` is relative to `root`) and checks its
/// front matter against the model.
pub fn load_entry<M: DeserializeOwned + FrontMatter>(
    root: &Path,
    rel: &Path,
) -> Result<Entry<M>, Vec<Diagnostic>> {
    let path = display_path(root, rel);
    let text = read_text(&root.join(rel), &path).map_err(|d| vec![d])?;
    parse_entry(&path, &text)
}

/// Parses a content file's text; `path` is only used in diagnostics and
/// for the default slug.
pub fn parse_entry<M: DeserializeOwned + FrontMatter>(
    path: &Path,
    text: &str,
) -> Result<Entry<M>, Vec<Diagnostic>> {
    let split = yaml::split(text).map_err(|e| vec![yaml_diagnostic(path, e)])?;
    let meta: M =
        yaml::parse(split.front, split.front_line).map_err(|e| vec![yaml_diagnostic(path, e)])?;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let slug = slugify(meta.slug().unwrap_or(stem));
    let mut diags = Vec::new();
    if slug.is_empty() {
        diags.push(match meta.slug() {
            Some(given) => {
                let (line, col) = yaml::locate(text, "slug", given);
                Diagnostic::error(
                    "bad-slug",
                    path,
                    format!("`slug: {given}` gives an empty URL slug"),
                )
                .at(line, col)
                .hint("use letters or digits in the slug, or leave it out to take the file name's")
            }
            None => Diagnostic::error("bad-slug", path, "the file name gives an empty URL slug")
                .hint("rename the file with letters or digits, or set `slug:` in the front matter"),
        });
    }
    for (key, value, what) in meta.checked_values() {
        if let Err(expected) = check_value(what, value) {
            let (line, col) = yaml::locate(text, key, value);
            diags.push(
                Diagnostic::error(
                    "bad-value",
                    path,
                    format!("`{key}: {value}` is not {expected}"),
                )
                .at(line, col)
                .hint(format!("write {expected}")),
            );
        }
    }
    if diags.is_empty() {
        if let Some((key, value, why)) = meta.inconsistent() {
            let (line, col) = yaml::locate(text, key, value);
            diags.push(
                Diagnostic::error("bad-value", path, why)
                    .at(line, col)
                    .hint("correct one of the two values"),
            );
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Entry {
        path: path.to_path_buf(),
        slug,
        meta,
        body: split.body.to_string(),
        body_line: split.body_line,
    })
}

/// What each front-matter type tells the loader: its own slug, and values
/// that have a format beyond their YAML type.
pub trait FrontMatter {
    fn slug(&self) -> Option<&str> {
        None
    }
    /// `(key, value, format)` for every date or time value to check.
    fn checked_values(&self) -> Vec<(&'static str, &str, Format)> {
        Vec::new()
    }
    /// Values that are each well-formed but do not agree: the key and
    /// value to point at, and what is wrong. Asked once the values pass.
    fn inconsistent(&self) -> Option<(&'static str, &str, String)> {
        None
    }
}

/// Value formats the loader checks.
#[derive(Debug, Clone, Copy)]
pub enum Format {
    Date,
    Time,
    /// An http(s) address: it becomes a link, and a `javascript:` or
    /// relative one would be a live link of another kind.
    WebAddress,
}

impl FrontMatter for crate::model::MeetingMeta {
    fn slug(&self) -> Option<&str> {
        self.slug.as_deref()
    }
    fn checked_values(&self) -> Vec<(&'static str, &str, Format)> {
        let mut v = vec![("date", self.date.as_str(), Format::Date)];
        v.extend(self.start.as_deref().map(|t| ("start", t, Format::Time)));
        v.extend(self.end.as_deref().map(|t| ("end", t, Format::Time)));
        v
    }
    fn inconsistent(&self) -> Option<(&'static str, &str, String)> {
        let (start, end) = (self.start.as_deref()?, self.end.as_deref()?);
        // Both checked as HH:MM, so they compare as text.
        (end < start).then(|| {
            (
                "end",
                end,
                format!("the meeting ends (`end: {end}`) before it starts (`start: {start}`)"),
            )
        })
    }
}

impl FrontMatter for crate::model::DocumentMeta {
    fn slug(&self) -> Option<&str> {
        self.slug.as_deref()
    }
    fn checked_values(&self) -> Vec<(&'static str, &str, Format)> {
        self.date
            .as_deref()
            .map(|d| ("date", d, Format::Date))
            .into_iter()
            .collect()
    }
}

impl FrontMatter for crate::model::PressMeta {
    fn slug(&self) -> Option<&str> {
        self.slug.as_deref()
    }
    fn checked_values(&self) -> Vec<(&'static str, &str, Format)> {
        let mut v: Vec<_> = self
            .date
            .as_deref()
            .map(|d| ("date", d, Format::Date))
            .into_iter()
            .collect();
        v.extend(self.url.as_deref().map(|u| ("url", u, Format::WebAddress)));
        v
    }
}

impl FrontMatter for crate::model::ReleaseMeta {
    fn checked_values(&self) -> Vec<(&'static str, &str, Format)> {
        let mut v = Vec::new();
        v.extend(
            self.response_date
                .as_deref()
                .map(|d| ("response_date", d, Format::Date)),
        );
        v.extend(
            self.request_date
                .as_deref()
                .map(|d| ("request_date", d, Format::Date)),
        );
        for (key, event) in [
            ("transferred", &self.transferred),
            ("refined", &self.refined),
            ("extended", &self.extended),
        ] {
            v.extend(event.as_ref().map(|e| (key, e.date.as_str(), Format::Date)));
        }
        v
    }
}

fn check_value(format: Format, value: &str) -> Result<(), &'static str> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match format {
        Format::Date => {
            let parts: Vec<&str> = value.split('-').collect();
            let ok = parts.len() == 3
                && digits(parts[0], 4)
                && digits(parts[1], 2)
                && digits(parts[2], 2)
                && (1..=12).contains(&parts[1].parse::<u32>().unwrap_or(0))
                && (1..=31).contains(&parts[2].parse::<u32>().unwrap_or(0));
            if ok {
                Ok(())
            } else {
                Err("a date in the form YYYY-MM-DD (e.g. 2024-07-09)")
            }
        }
        Format::WebAddress => {
            let host = value
                .strip_prefix("https://")
                .or_else(|| value.strip_prefix("http://"))
                .and_then(|rest| rest.split(['/', '?', '#']).next())
                .unwrap_or_default();
            if !host.is_empty() && !value.chars().any(|c| c.is_whitespace() || c.is_control()) {
                Ok(())
            } else {
                Err("a web address starting with https:// or http:// (e.g. https://example.org/news/story)")
            }
        }
        Format::Time => {
            let ok = value.split_once(':').is_some_and(|(h, m)| {
                digits(h, 2)
                    && digits(m, 2)
                    && h.parse::<u32>().unwrap_or(99) < 24
                    && m.parse::<u32>().unwrap_or(99) < 60
            });
            if ok {
                Ok(())
            } else {
                Err("a 24-hour time in the form HH:MM (e.g. 07:30)")
            }
        }
    }
}

/// Reads a file as UTF-8, locating the first invalid byte if it is not.
pub fn read_text(full: &Path, shown: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(full).map_err(|e| {
        let hint = if full.is_dir() {
            "this is a folder; a content file must be a file"
        } else {
            "check that the file exists and can be read"
        };
        Diagnostic::error(
            "unreadable",
            shown,
            format!("cannot read: {}", io_message(Some(&e))),
        )
        .hint(hint)
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let before = String::from_utf8_lossy(&bytes[..valid]);
        let (line, col) = line_col(&before, before.len());
        Diagnostic::error(
            "not-utf8",
            shown,
            format!("invalid UTF-8 (byte 0x{:02x})", bytes[valid]),
        )
        .at(line, col)
        .hint("save the file as UTF-8 (most editors offer this under \"Save with encoding\")")
    })
}

fn io_message(e: Option<&std::io::Error>) -> String {
    match e {
        Some(e) => match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".into(),
            std::io::ErrorKind::PermissionDenied => "permission denied".into(),
            _ => e.to_string(),
        },
        None => "unknown error".into(),
    }
}

/// A YAML problem as a diagnostic.
pub fn yaml_diagnostic(path: &Path, e: yaml::YamlError) -> Diagnostic {
    let code = match e.kind {
        "unknown-field" => "unknown-field",
        "missing-field" => "missing-field",
        "wrong-type" => "wrong-type",
        "front-matter" => "front-matter",
        "bad-value" => "bad-value",
        _ => "yaml",
    };
    Diagnostic::error(code, path, e.message)
        .at(e.line, e.column)
        .hint(e.hint)
}

/// The path shown to users: `root/rel`, without a leading `./`.
pub fn display_path(root: &Path, rel: &Path) -> PathBuf {
    let joined = root.join(rel);
    joined
        .strip_prefix(".")
        .map(Path::to_path_buf)
        .unwrap_or(joined)
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// A URL-safe slug: lower case ASCII letters, digits and `-`, with macrons
/// folded (`Tēnā` → `tena`) and other runs of characters turned into `-`.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        let c = match c {
            'ā' | 'Ā' => 'a',
            'ē' | 'Ē' => 'e',
            'ī' | 'Ī' => 'i',
            'ō' | 'Ō' => 'o',
            'ū' | 'Ū' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() || c == '_' {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MeetingMeta;

    fn meeting(text: &str) -> Result<Entry<MeetingMeta>, Vec<Diagnostic>> {
        parse_entry(Path::new("content/meetings/a b.md"), text)
    }

    #[test]
    fn a_meeting_loads_with_slug_and_body_line() {
        let m = meeting("---\ntitle: T\ndate: 2024-07-09\nscope: released\n---\nBody\n").unwrap();
        assert_eq!(m.slug, "a-b");
        assert_eq!(m.body_line, 6);
        assert_eq!(m.body, "Body\n");
    }

    #[test]
    fn a_bad_date_is_located() {
        let e = meeting("---\ntitle: T\ndate: 9 July 2024\nscope: released\n---\n").unwrap_err();
        assert_eq!((e[0].line, e[0].column, e[0].code), (3, 7, "bad-value"));
        let e = meeting("---\ntitle: T\ndate: 2024-07-09\nstart: 7.30am\nscope: released\n---\n")
            .unwrap_err();
        assert_eq!(e[0].line, 4);
    }

    #[test]
    fn slugify_folds_macrons_and_spaces() {
        assert_eq!(slugify("Tēnā koe"), "tena-koe");
        assert_eq!(slugify("01 Kurt Campbell"), "01-kurt-campbell");
        assert_eq!(slugify("..."), "");
    }
}

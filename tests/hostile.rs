//! Hostile input: whatever a publisher or an import throws at `annex build`,
//! the answer is a clear error naming the place, or a correct page. Never a
//! panic, never a partial output folder, never a changed content file.
//!
//! Each case starts from a good fixture site that has been built once, so
//! "the previous output is left byte for byte" is checked every time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{copy_dir, manifest};

/// Every file under `dir` with its bytes (symlinks not followed).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return files;
    }
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let Ok(entry) = entry else { continue };
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().to_path_buf();
            files.insert(rel, std::fs::read(entry.path()).unwrap_or_default());
        }
    }
    files
}

/// A project with the good fixture content and the repository's theme,
/// built once into `public/`.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&manifest().join("tests/fixtures/good"), dir.path());
        copy_dir(&manifest().join("themes"), &dir.path().join("themes"));
        let p = Project { dir };
        let out = p.build();
        assert!(
            out.status.success(),
            "the good fixture builds: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        p
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    fn build(&self) -> Output {
        Command::new(env!("CARGO_BIN_EXE_annex"))
            .args(["build", "--root"])
            .arg(self.root())
            .output()
            .expect("annex runs")
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap()
    }

    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    fn meeting(&self, rel: &str, body: &str) {
        self.write(
            rel,
            format!("---\ntitle: Hostile\ndate: 2024-07-10\nscope: released\n---\n{body}"),
        );
    }

    /// Builds and expects a content error located in `file` at `line:col`,
    /// with nothing else changed.
    fn expect_error(&self, file: &str, line: usize, column: usize) -> String {
        let content_before = snapshot(&self.root().join("content"));
        let public_before = snapshot(&self.public());
        let siblings_before = siblings(self.root());
        let out = self.build();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(1),
            "content error exits 1: {stderr}"
        );
        // Line 0 means "anywhere in the file"; column 0 "any column".
        let place = match (line, column) {
            (0, _) => format!("{file}:"),
            (_, 0) => format!("{file}:{line}:"),
            _ => format!("{file}:{line}:{column}: error"),
        };
        assert!(
            stderr.contains(&place),
            "expected an error at {place}, got:\n{stderr}"
        );
        assert!(
            stderr.contains("= hint:"),
            "errors say what to do:\n{stderr}"
        );
        assert_eq!(
            snapshot(&self.root().join("content")),
            content_before,
            "content files unchanged"
        );
        assert_eq!(
            snapshot(&self.public()),
            public_before,
            "previous output unchanged"
        );
        assert_eq!(
            siblings(self.root()),
            siblings_before,
            "no staging folder left behind"
        );
        stderr
    }

    /// Builds and expects success, with content unchanged.
    fn expect_success(&self) -> String {
        let content_before = snapshot(&self.root().join("content"));
        let out = self.build();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "build succeeds: {stderr}");
        assert_eq!(
            snapshot(&self.root().join("content")),
            content_before,
            "content files unchanged"
        );
        stderr
    }

    fn page(&self, rel: &str) -> String {
        std::fs::read_to_string(self.public().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

fn siblings(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const M: &str = "content/meetings";

#[test]
fn unclosed_quote_is_located() {
    let p = Project::new();
    p.write(
        "content/meetings/x.md",
        "---\ntitle: \"Unclosed\ndate: 2024-07-10\nscope: released\n---\n",
    );
    p.expect_error(&format!("{M}/x.md"), 2, 8);
}

#[test]
fn tab_indentation_is_located() {
    let p = Project::new();
    p.write(
        "content/meetings/x.md",
        "---\ntitle: T\ndate: 2024-07-10\nscope: released\nparticipants:\n\t- side: NZ\n---\n",
    );
    p.expect_error(&format!("{M}/x.md"), 6, 0);
}

#[test]
fn duplicate_key_is_located() {
    let p = Project::new();
    p.write(
        "content/meetings/x.md",
        "---\ntitle: T\ndate: 2024-07-10\ntitle: U\nscope: released\n---\n",
    );
    p.expect_error(&format!("{M}/x.md"), 4, 1);
}

#[test]
fn yaml_bomb_of_nested_aliases_is_refused() {
    let p = Project::new();
    let mut y = String::from("---\ntitle: T\ndate: 2024-07-10\nscope: released\nslug: &a0 x\n");
    y.push_str("place: &b0 [a, a, a, a, a, a, a, a, a, a]\n");
    for i in 1..10 {
        y.push_str(&format!(
            "x{i}: &b{i} [*b{p}, *b{p}, *b{p}, *b{p}, *b{p}, *b{p}, *b{p}, *b{p}, *b{p}, *b{p}]\n",
            p = i - 1
        ));
    }
    y.push_str("---\n");
    p.write("content/meetings/x.md", y);
    p.expect_error(&format!("{M}/x.md"), 0, 0);
}

#[test]
fn wrong_types_are_located() {
    let p = Project::new();
    p.write(
        "content/meetings/x.md",
        "---\ntitle: T\ndate: 2024-07-10\nscope: sometimes\n---\n",
    );
    p.expect_error(&format!("{M}/x.md"), 4, 0);
}

#[test]
fn bom_and_crlf_build() {
    let p = Project::new();
    p.write(
        "content/meetings/x.md",
        "\u{feff}---\r\ntitle: With BOM and CRLF\r\ndate: 2024-07-10\r\nscope: released\r\n---\r\nA body.\r\n",
    );
    p.expect_success();
    assert!(p
        .page("meetings/x/index.html")
        .contains("With BOM and CRLF"));
}

#[test]
fn non_utf8_bytes_are_located() {
    let p = Project::new();
    p.write(
        "content/meetings/x.md",
        b"---\ntitle: T\ndate: 2024-07-10\nscope: released\n---\nCaf\xe9\n",
    );
    p.expect_error(&format!("{M}/x.md"), 6, 4);
}

#[test]
fn empty_file_is_an_error() {
    let p = Project::new();
    p.write("content/meetings/x.md", "");
    p.expect_error(&format!("{M}/x.md"), 1, 1);
}

#[test]
fn front_matter_with_no_body_builds() {
    let p = Project::new();
    p.write(
        "content/meetings/x.md",
        "---\ntitle: No body\ndate: 2024-07-10\nscope: released\n---\n",
    );
    p.expect_success();
    assert!(p.page("meetings/x/index.html").contains("No body"));
}

#[test]
fn no_front_matter_is_an_error() {
    let p = Project::new();
    p.write(
        "content/meetings/x.md",
        "# Just Markdown\n\nNo front matter.\n",
    );
    p.expect_error(&format!("{M}/x.md"), 1, 1);
}

#[test]
fn a_20_mb_document_builds() {
    let p = Project::new();
    let mut body = String::from("<!-- page 3 -->\n\n");
    let mut n = 1;
    while body.len() < 20 * 1024 * 1024 {
        body.push_str(&format!(
            "{n}. The Prime Minister said that the relationship was strong. s6(a)\n\n"
        ));
        n += 1;
    }
    p.write(
        "content/documents/big.md",
        format!("---\ntitle: Big\nkind: file-note\npages: 3\n---\n{body}"),
    );
    p.expect_success();
    let page = std::fs::metadata(p.public().join("documents/big/index.html")).unwrap();
    assert!(page.len() > 20 * 1024 * 1024);
}

#[test]
fn ten_thousand_nested_list_items_build() {
    let p = Project::new();
    // `- - - item` opens a list inside a list on one line: 10,000 levels
    // deep in 20 kB, which is what breaks recursive renderers.
    let body = format!("{}deepest item\n", "- ".repeat(10_000));
    p.meeting("content/meetings/nested.md", &body);
    p.expect_success();
    assert!(p
        .page("meetings/nested/index.html")
        .contains("deepest item"));
}

#[test]
fn scripts_handlers_and_javascript_links_are_neutralised() {
    let p = Project::new();
    p.meeting(
        "content/meetings/xss.md",
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3))\n\n<a href=\"javascript:alert(4)\">a</a>\n\nInline <b onclick=\"alert(5)\">bold</b>.\n",
    );
    p.expect_success();
    let html = p.page("meetings/xss/index.html");
    // Read it as a browser would: no element from content may run script.
    let doc = scraper::Html::parse_document(&html);
    let all = scraper::Selector::parse("*").unwrap();
    for el in doc.select(&all) {
        let v = el.value();
        assert!(
            v.attrs().all(|(name, _)| !name.starts_with("on")),
            "event handler on <{}>",
            v.name()
        );
        for attr in ["href", "src", "action", "formaction"] {
            if let Some(url) = v.attr(attr) {
                assert!(
                    !url.trim().to_ascii_lowercase().starts_with("javascript:"),
                    "{attr}={url}"
                );
            }
        }
        if v.name() == "script" {
            assert!(
                !el.inner_html().contains("alert"),
                "script element from content"
            );
        }
    }
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "raw HTML is shown as text"
    );
}

#[test]
fn template_syntax_in_content_is_shown_literally() {
    let p = Project::new();
    p.meeting(
        "content/meetings/tera.md",
        "Total: {{ 7 * 6 }} and {% for x in [1] %}loop{% endfor %}.\n",
    );
    p.expect_success();
    let html = p.page("meetings/tera/index.html");
    assert!(html.contains("{{ 7 * 6 }}"), "expression kept literally");
    assert!(
        html.contains("{% for x in [1] %}loop{% endfor %}"),
        "tag kept literally"
    );
    assert!(!html.contains("Total: 42"));
}

#[test]
fn file_names_with_spaces_and_macrons_build_and_dotfiles_are_skipped() {
    let p = Project::new();
    p.meeting("content/meetings/Tēnā koe meeting.md", "Macron file.\n");
    p.meeting("content/meetings/.hidden.md", "Editor swap file.\n");
    p.expect_success();
    assert!(p
        .page("meetings/tena-koe-meeting/index.html")
        .contains("Macron file."));
    assert!(!p.public().join("meetings/hidden").exists());
    assert!(!p.public().join("meetings/.hidden").exists());
}

#[test]
fn duplicate_slugs_are_an_error_naming_both_files() {
    let p = Project::new();
    p.meeting("content/meetings/dup.md", "One.\n");
    p.write(
        "content/meetings/other.md",
        "---\ntitle: T\nslug: dup\ndate: 2024-07-10\nscope: released\n---\n",
    );
    let stderr = p.expect_error(&format!("{M}/other.md"), 1, 1);
    assert!(stderr.contains("dup.md"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_inside_content_is_an_error() {
    let p = Project::new();
    std::os::unix::fs::symlink("..", p.root().join("content/meetings/loop")).unwrap();
    let stderr = p.expect_error(&format!("{M}/loop"), 1, 1);
    assert!(stderr.contains("loop"), "{stderr}");
}

#[test]
fn a_content_file_that_is_a_directory_is_an_error() {
    let p = Project::new();
    std::fs::create_dir(p.root().join("content/meetings/folder.md")).unwrap();
    p.expect_error(&format!("{M}/folder.md"), 1, 1);
}

/// A meeting saved with the wrong extension drops off the site, so the
/// warning must be printed when the build succeeds too, and by `check`.
#[test]
fn a_content_file_that_is_not_markdown_is_a_warning_on_a_good_build() {
    let p = Project::new();
    p.write("content/meetings/draft.markdown", "---\ntitle: T\n---\n");
    let stderr = p.expect_success();
    assert!(
        stderr.contains("content/meetings/draft.markdown:1:1: warning[ignored-file]"),
        "{stderr}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_annex"))
        .args(["check", "--root"])
        .arg(p.root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("draft.markdown:1:1: warning[ignored-file]"),
        "{stderr}"
    );
}

#[test]
fn a_theme_template_with_a_syntax_error_is_located() {
    let p = Project::new();
    let templates = p.root().join("themes/default/templates");
    let page = std::fs::read_dir(&templates)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().is_some_and(|n| n == "meeting.html"))
        .expect("the default theme has templates/meeting.html");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{{% if %}}\n{text}")).unwrap();
    let public_before = snapshot(&p.public());
    let out = p.build();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("meeting.html"),
        "names the template: {stderr}"
    );
    assert_eq!(snapshot(&p.public()), public_before);
}

/// A template naming a filter, an include or a parent that does not
/// exist is an error in that template's file, at the name.
#[test]
fn a_template_naming_what_does_not_exist_is_located() {
    let p = Project::new();
    for (text, line, column, says) in [
        (
            "line1\n{{ page.title | nosuchfilter }}\n",
            2,
            17,
            "Unknown filter `nosuchfilter`",
        ),
        (
            "x\n{% include \"missing.html\" %}\n",
            2,
            12,
            "Unknown template `missing.html`",
        ),
        (
            "{% extends \"nothere.html\" %}\n",
            1,
            13,
            "extends `nothere.html`",
        ),
    ] {
        p.write("templates/meeting.html", text);
        let stderr = p.expect_error("templates/meeting.html", line, column);
        assert!(stderr.contains(says), "{stderr}");
    }
}

/// A theme holds only the files it changes: the rest are the built-in
/// default theme's, as for the project's own templates/.
#[test]
fn a_theme_with_one_template_builds_on_the_default_theme() {
    let p = Project::new();
    p.write(
        "themes/plain/templates/meeting.html",
        "<p>Plain: {{ page.title }}</p>\n",
    );
    let out = build_with(&p, &["--theme", "plain"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meetings = p.public().join("meetings");
    let page = std::fs::read_dir(&meetings)
        .unwrap()
        .map(|e| e.unwrap().path().join("index.html"))
        .find(|p| p.is_file())
        .unwrap();
    assert!(std::fs::read_to_string(page)
        .unwrap()
        .starts_with("<p>Plain: "));
    assert!(p.public().join("index.html").is_file());
    assert!(p.public().join("assets/style.css").is_file());
}

#[test]
fn an_output_folder_that_is_a_file_is_refused() {
    let p = Project::new();
    let file = p.root().join("out-file");
    std::fs::write(&file, "keep me").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_annex"))
        .args(["build", "--root"])
        .arg(p.root())
        .arg("--output")
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_ne!(out.status.code(), Some(101), "no panic");
    assert!(String::from_utf8_lossy(&out.stderr).contains("out-file"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
}

/// `annex build --root <project> [args]`.
fn build_with(p: &Project, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_annex"))
        .args(["build", "--root"])
        .arg(p.root())
        .args(args)
        .output()
        .unwrap()
}

/// A build replaces its output folder whole, so an output folder that is
/// one of the project's own, or inside one, would delete it: refused
/// before anything is written, `--force` or not, by flag or by site.yaml.
#[test]
fn an_output_folder_inside_the_project_s_own_folders_is_refused() {
    let p = Project::new();
    let project_before = snapshot(p.root());
    for output in [
        "content",
        "content/meetings",
        "content/new-folder",
        "themes",
        ".annex-cache",
        "site.yaml",
    ] {
        for force in [false, true] {
            let mut args = vec!["--output"];
            let path = p.root().join(output);
            let path = path.to_str().unwrap();
            args.push(path);
            if force {
                args.push("--force");
            }
            let out = build_with(&p, &args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{output}: {stderr}");
            assert!(stderr.contains(output), "names the folder: {stderr}");
            assert!(
                stderr.contains("choose") || stderr.contains("refusing"),
                "says what to do: {stderr}"
            );
            assert_eq!(snapshot(p.root()), project_before, "{output}");
        }
    }
    // The same from site.yaml's output_dir.
    let yaml = p.read("site.yaml");
    p.write("site.yaml", format!("{yaml}\noutput_dir: content\n"));
    let before = snapshot(p.root());
    let out = build_with(&p, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`content`"), "{stderr}");
    assert_eq!(snapshot(p.root()), before);
}

/// A folder annex did not write (no release.json of its own) is left
/// alone unless `--force` says to replace it; annex's own output, or an
/// empty folder, is replaced as always.
#[test]
fn an_output_folder_annex_did_not_write_needs_force() {
    let p = Project::new();
    let elsewhere = tempfile::tempdir().unwrap();
    let other = elsewhere.path().join("thesis");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("chapter-1.txt"), "years of work").unwrap();
    let other = other.to_str().unwrap();
    let out = build_with(&p, &["--output", other]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("thesis") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(Path::new(other).join("chapter-1.txt")).unwrap(),
        "years of work"
    );
    let out = build_with(&p, &["--output", other, "--force"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!Path::new(other).join("chapter-1.txt").exists());
    // Now annex's own: replaced without --force, and so is an empty folder.
    let out = build_with(&p, &["--output", other]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let empty = p.root().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = build_with(&p, &["--output", empty.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(empty.join("release.json").is_file());
}

/// A base URL with no scheme, a query or a space would be copied into
/// every link, canonical URL and feed: refused where it is written.
#[test]
fn a_base_url_that_is_not_one_is_located() {
    let p = Project::new();
    let yaml = p.read("site.yaml");
    for (bad, column) in [
        ("example.org/x/", 11),
        ("\"https://example.org/release/?q=1\"", 12),
        ("\"https://example.org/a b/\"", 12),
    ] {
        p.write(
            "site.yaml",
            yaml.replace("base_url: /", &format!("base_url: {bad}")),
        );
        let stderr = p.expect_error("site.yaml", 2, column);
        assert!(stderr.contains("is not a base URL"), "{stderr}");
    }
    for bad in ["example.org", "https://example.org/?q#f"] {
        let out = build_with(&p, &["--base-url", bad]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("--base-url") && stderr.contains(bad),
            "{stderr}"
        );
    }
}

/// Two codes whose ground pages share a URL would overwrite one page with
/// the other, and a code listed twice would silently lose its first entry.
#[test]
fn ground_codes_that_collide_are_located() {
    let p = Project::new();
    let yaml = p.read("site.yaml");
    let own = |codes: &[&str]| {
        let mut text = format!("{}\n  codes:\n", yaml.trim_end());
        for c in codes {
            text += &format!("    - {{code: \"{c}\", section: S, label: L, test: conclusive}}\n");
        }
        text
    };
    let lines = yaml.trim_end().lines().count();
    p.write("site.yaml", own(&["s6-a"]));
    let stderr = p.expect_error("site.yaml", lines + 2, 15);
    assert!(
        stderr.contains("grounds/s6-a/") && stderr.contains("`s6(a)`"),
        "{stderr}"
    );
    p.write("site.yaml", own(&["s99(x)", "s99(x)"]));
    let stderr = p.expect_error("site.yaml", lines + 3, 15);
    assert!(stderr.contains("listed twice"), "{stderr}");
}

/// A page range the model refuses is located at the value, not at the
/// front matter's first line.
#[test]
fn a_page_range_that_is_not_one_is_located() {
    let p = Project::new();
    let rel = "content/documents/p01-file-note.md";
    let good = p.read(rel);
    assert!(good.contains("\npages: 1-2\n"));
    for bad in ["\"49-37\"", "0", "sixty"] {
        p.write(
            rel,
            good.replace("\npages: 1-2\n", &format!("\npages: {bad}\n")),
        );
        let stderr = p.expect_error(rel, 6, 8);
        assert!(
            stderr.contains("error[bad-value]") && stderr.contains("is not a page range"),
            "{stderr}"
        );
    }
}

/// A press item's address becomes a link: a `javascript:` or relative one
/// is refused where it is written. A meeting that ends before it starts
/// would give a calendar event no client accepts.
#[test]
fn a_press_address_that_is_not_a_web_address_and_a_meeting_ending_before_it_starts_are_located() {
    let p = Project::new();
    let rel = "content/press/example-report.md";
    let good = p.read(rel);
    for bad in ["javascript:alert(1)", "/news/story", "https://"] {
        p.write(
            rel,
            good.replacen("---\n", &format!("---\nurl: \"{bad}\"\n"), 1),
        );
        let stderr = p.expect_error(rel, 2, 7);
        assert!(stderr.contains("is not a web address"), "{stderr}");
    }
    p.write(
        rel,
        good.replacen("---\n", "---\nurl: https://example.org/news/story\n", 1),
    );
    p.expect_success();
    let meeting = "content/meetings/01-minister.md";
    let good = p.read(meeting);
    p.write(
        meeting,
        good.replace("start: \"07:30\"\n", "start: \"07:30\"\nend: \"06:45\"\n"),
    );
    let stderr = p.expect_error(meeting, 5, 7);
    assert!(stderr.contains("before it starts"), "{stderr}");
}

/// A meeting's press quote is the press item's own words: one that is not
/// in the item's text is an error at the quote. Line breaks, curly quotes,
/// emphasis and a cut marked with an ellipsis are not differences.
#[test]
fn a_press_quote_that_is_not_in_the_press_item_is_located() {
    let p = Project::new();
    let meeting = "content/meetings/01-minister.md";
    let good = p.read(meeting);
    let quote = "quote: \"The minister met officials yesterday.\"";
    assert!(good.contains(quote));
    p.write(
        meeting,
        good.replace(quote, "quote: \"The minister secured a formal bilateral.\""),
    );
    let stderr = p.expect_error(meeting, 20, 13);
    assert!(
        stderr.contains("not in press item `example-report`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("example-report.md"),
        "names the item's file: {stderr}"
    );
    for same in [
        "quote: \"The minister … yesterday.\"",
        "quote: \"The minister met\\n    officials [...] yesterday\"",
        "quote: \"The minister met *officials* yesterday.\"",
    ] {
        p.write(meeting, good.replace(quote, same));
        p.expect_success();
    }
}

/// A slug of punctuation alone, and a home page told to list nothing, are
/// errors at the value.
#[test]
fn an_empty_slug_and_a_zero_home_list_limit_are_located() {
    let p = Project::new();
    let meeting = "content/meetings/01-minister.md";
    let good = p.read(meeting);
    p.write(meeting, good.replacen("---\n", "---\nslug: \"---\"\n", 1));
    let stderr = p.expect_error(meeting, 2, 8);
    assert!(stderr.contains("empty URL slug"), "{stderr}");
    p.write(meeting, good);
    let yaml = p.read("site.yaml");
    p.write("site.yaml", format!("{yaml}home_list_limit: 0\n"));
    let line = yaml.lines().count() + 1;
    let stderr = p.expect_error("site.yaml", line, 18);
    assert!(stderr.contains("home_list_limit"), "{stderr}");
}

/// A theme that is not there is an error where it was named: site.yaml's
/// `theme:` line, or the `--theme` flag (a usage error).
#[test]
fn a_missing_theme_is_blamed_where_it_was_named() {
    let p = Project::new();
    let out = build_with(&p, &["--theme", "nosuch"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: --theme: no theme `nosuch`"),
        "{stderr}"
    );
    let yaml = p.read("site.yaml");
    p.write("site.yaml", format!("{yaml}theme: nosuch\n"));
    let stderr = p.expect_error("site.yaml", yaml.lines().count() + 1, 8);
    assert!(stderr.contains("theme `nosuch` not found"), "{stderr}");
}

#[test]
fn an_unknown_section_code_is_located() {
    let p = Project::new();
    p.meeting("content/meetings/code.md", "Withheld under s6(z) here.\n");
    p.expect_error(&format!("{M}/code.md"), 6, 16);
}

#[test]
fn a_dangling_cross_link_is_located() {
    let p = Project::new();
    p.write(
        "content/meetings/x.md",
        "---\ntitle: T\ndate: 2024-07-10\nscope: released\npress:\n  - item: nowhere\n    quote: q\n---\n",
    );
    p.expect_error(&format!("{M}/x.md"), 6, 11);
}

/// A link to a file that is gone cannot be read, even by root (CI runs as
/// root, so file permissions would not make a file unreadable there).
#[cfg(unix)]
#[test]
fn an_unreadable_file_is_an_error() {
    let p = Project::new();
    std::os::unix::fs::symlink(
        "/nonexistent/annex-gone.md",
        p.root().join("content/meetings/gone.md"),
    )
    .unwrap();
    let stderr = p.expect_error(&format!("{M}/gone.md"), 1, 1);
    assert!(stderr.contains("cannot read"), "{stderr}");
}

//! `annex serve` end to end: the real binary on a free port, against a
//! temporary copy of the repository's default site (or, when the
//! repository has none, a small site written here), spoken to over plain
//! TCP.
//!
//! Which pages an edit re-rendered is observed through the
//! `X-Annex-Generation` header (the number of the rebuild that last
//! rendered the page: 1 is the initial build), and the served site is
//! checked against a full render after every partial rebuild
//! (`ANNEX_SERVE_VERIFY=1`). No assertion depends on timing: conditions are
//! polled with generous deadlines.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

mod common;
use common::copy_dir;

const DEADLINE: Duration = Duration::from_secs(120);

// ---------------------------------------------------------------------------
// The site under test
// ---------------------------------------------------------------------------

/// A temporary project: a copy of the repository's default site when there
/// is one, else a small site with three meetings.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    if repo.join("site.yaml").is_file() && repo.join("content/meetings").is_dir() {
        std::fs::create_dir_all(&site).unwrap();
        std::fs::copy(repo.join("site.yaml"), site.join("site.yaml")).unwrap();
        copy_dir(&repo.join("content"), &site.join("content"));
    } else {
        write_small_site(&site);
    }
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn write_small_site(site: &Path) {
    write(
        &site.join("site.yaml"),
        "title: A small release\nbase_url: https://example.org/\nlanguage: en-NZ\ngrounds:\n  preset: nz-oia\n",
    );
    write(
        &site.join("content/release.md"),
        "---\nreference: OIA 1\nagency: Ministry of Examples\nresponse_date: 2024-10-11\n---\nTēnā koe\n",
    );
    for (slug, date, doc, pages) in [
        ("alpha", "2024-07-09", "doc-alpha", "1-2"),
        ("bravo", "2024-07-10", "doc-bravo", "3"),
        ("charlie", "2024-07-11", "doc-charlie", "4"),
    ] {
        let press = if slug == "alpha" {
            "press:\n  - item: report\n    quote: \"The minister met officials.\"\n"
        } else {
            ""
        };
        write(
            &site.join(format!("content/meetings/{slug}.md")),
            &format!(
                "---\ntitle: Meeting {slug}\ndate: {date}\nscope: released\nsources:\n  - document: {doc}\n{press}---\nThe meeting {slug}.\n"
            ),
        );
        write(
            &site.join(format!("content/documents/{doc}.md")),
            &format!(
                "---\ntitle: File note {slug}\nkind: file-note\npages: {pages}\n---\n<!-- page {} -->\n\n1. The meeting {slug} took place.\n\n2. s6(a)\n",
                pages.split('-').next().unwrap()
            ),
        );
    }
    write(
        &site.join("content/press/report.md"),
        "---\noutlet: Example News\ntitle: Report of the meeting\n---\nThe minister met officials.\n",
    );
}

/// A meeting file to edit, one of its documents, and a meeting whose page
/// the edit cannot change (not its neighbour in time, no shared document
/// or press item), with their URLs.
struct Choice {
    meeting_file: PathBuf,
    meeting_url: String,
    document_url: String,
    untouched_url: String,
}

fn choose(site: &Path) -> Choice {
    let content = annex::load::load_project(site).expect("the test site loads");
    let (graph, _) = annex::resolve::resolve(content).expect("the test site resolves");
    let c = &graph.content;
    let rank = |m: usize| graph.meeting_order.iter().position(|&x| x == m).unwrap();
    let press_of = |m: usize| -> HashSet<&str> {
        c.meetings[m]
            .meta
            .press
            .iter()
            .map(|p| p.item.as_str())
            .collect()
    };
    let docs_of = |m: usize| -> HashSet<usize> {
        let mut d: HashSet<usize> = graph.meeting_documents[m].iter().copied().collect();
        for p in &c.meetings[m].meta.press {
            for r in &p.release {
                if let Some(i) = c.documents.iter().position(|x| x.slug == r.document) {
                    d.insert(i);
                }
            }
        }
        d
    };
    for a in 0..c.meetings.len() {
        let Some(&doc) = graph.meeting_documents[a].first() else {
            continue;
        };
        for u in 0..c.meetings.len() {
            let apart = rank(a).abs_diff(rank(u)) > 1;
            if apart && docs_of(a).is_disjoint(&docs_of(u)) && press_of(a).is_disjoint(&press_of(u))
            {
                return Choice {
                    meeting_file: c.meetings[a].path.clone(),
                    meeting_url: format!("/meetings/{}/", c.meetings[a].slug),
                    document_url: format!("/documents/{}/", c.documents[doc].slug),
                    untouched_url: format!("/meetings/{}/", c.meetings[u].slug),
                };
            }
        }
    }
    panic!("the test site needs two unrelated meetings");
}

/// Replaces the meeting's `title:` line.
fn retitle(file: &Path, title: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    let mut done = false;
    let edited: Vec<String> = text
        .lines()
        .map(|l| {
            if !done && l.starts_with("title:") {
                done = true;
                format!("title: {title}")
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(done, "{} has a title line", file.display());
    std::fs::write(file, edited.join("\n") + "\n").unwrap();
}

// ---------------------------------------------------------------------------
// The server and a plain HTTP client
// ---------------------------------------------------------------------------

struct Server {
    child: Child,
    port: u16,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(site: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_annex"))
            .args(["serve", "--port", "0", "--root"])
            .arg(site)
            .env("ANNEX_SERVE_VERIFY", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let lines = Arc::clone(&lines);
            thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { return };
                    lines.lock().unwrap().push(line);
                }
            });
        }
        let mut server = Server {
            child,
            port: 0,
            lines,
        };
        let line = server.wait_line(|l| l.starts_with("Serving "));
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        server.port = port;
        server
    }

    fn log(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    fn wait_line(&mut self, want: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            if let Some(l) = self.log().into_iter().find(|l| want(l)) {
                return l;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("annex serve exited ({status}):\n{}", self.log().join("\n"));
            }
            assert!(
                start.elapsed() < DEADLINE,
                "no such line; output so far:\n{}",
                self.log().join("\n")
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    fn get(&self, target: &str) -> Reply {
        request(self.port, "GET", target, &[])
    }

    /// Polls `target` until `cond` holds.
    fn wait_for(&self, target: &str, what: &str, cond: impl Fn(&Reply) -> bool) -> Reply {
        let start = Instant::now();
        loop {
            let reply = self.get(target);
            if cond(&reply) {
                return reply;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "{target}: {what} never happened; log:\n{}",
                self.log().join("\n")
            );
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request on its own connection; the server closes it after the
/// response, so the response is everything read.
fn request(port: u16, method: &str, target: &str, headers: &[(&str, &str)]) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head: {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// Reads the live-reload stream in the background.
fn listen(port: u16) -> Arc<Mutex<String>> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .write_all(b"GET /__annex/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
        .unwrap();
    let seen = Arc::new(Mutex::new(String::new()));
    let out = Arc::clone(&seen);
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 {
                return;
            }
            out.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    seen
}

fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < DEADLINE, "{what} never happened");
        thread::sleep(Duration::from_millis(50));
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[test]
fn pages_and_files_come_back_with_their_types_and_validators() {
    let dir = project();
    let site = dir.path().join("site");
    let choice = choose(&site);
    let server = Server::start(&site);

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        home.text().contains("/__annex/events"),
        "the reload script is injected"
    );
    assert_eq!(home.header("X-Annex-Generation"), Some("1"));

    let meeting = server.get(&choice.meeting_url);
    assert_eq!(meeting.status, 200);
    assert_eq!(
        meeting.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );

    for (target, ty) in [
        ("/assets/style.css", "text/css; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
    ] {
        let r = server.get(target);
        assert_eq!(r.status, 200, "{target}");
        assert_eq!(r.header("Content-Type"), Some(ty), "{target}");
        assert!(
            !r.text().contains("/__annex/events"),
            "{target}: no script outside HTML"
        );
    }

    // The theme's 404 page, with status 404; no directory listings.
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(missing.text().contains("<html"), "the theme's 404 page");
    let folder = server.get("/meetings");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("Location"), Some("/meetings/"));
    assert_eq!(server.get("/assets/").status, 404);

    // HEAD: the same headers, no body.
    let head = request(server.port, "HEAD", &choice.meeting_url, &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("ETag"), meeting.header("ETag"));
    assert_eq!(
        head.header("Content-Length"),
        meeting.header("Content-Length")
    );

    // Conditional GET by ETag and by date.
    let etag = meeting.header("ETag").unwrap().to_string();
    let r = request(
        server.port,
        "GET",
        &choice.meeting_url,
        &[("If-None-Match", &etag)],
    );
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    let r = request(
        server.port,
        "GET",
        &choice.meeting_url,
        &[("If-None-Match", "\"other\"")],
    );
    assert_eq!(r.status, 200);
    let css = server.get("/assets/style.css");
    let date = css.header("Last-Modified").unwrap().to_string();
    let r = request(
        server.port,
        "GET",
        "/assets/style.css",
        &[("If-Modified-Since", &date)],
    );
    assert_eq!(r.status, 304);
    let r = request(
        server.port,
        "GET",
        "/assets/style.css",
        &[("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT")],
    );
    assert_eq!(r.status, 200);

    assert_eq!(request(server.port, "POST", "/", &[]).status, 405);
}

#[test]
fn an_edit_rerenders_what_shows_the_meeting_and_reloads_the_tabs() {
    let dir = project();
    let site = dir.path().join("site");
    let choice = choose(&site);
    let mut server = Server::start(&site);
    let untouched = server.get(&choice.untouched_url);
    assert_eq!(untouched.header("X-Annex-Generation"), Some("1"));
    let events = listen(server.port);
    wait_until("the event stream says hello", || {
        events.lock().unwrap().contains("event: hello")
    });

    let title = "Edited meeting title 7f3a";
    retitle(&site.join(&choice.meeting_file), title);

    let page = server.wait_for(&choice.meeting_url, "the new title", |r| {
        r.text().contains(title)
    });
    assert_eq!(page.header("X-Annex-Generation"), Some("2"));
    let doc = server.get(&choice.document_url);
    assert!(
        doc.text().contains(title),
        "the document page lists the meeting's new title"
    );
    assert_eq!(doc.header("X-Annex-Generation"), Some("2"));
    wait_until("a reload event", || {
        events.lock().unwrap().contains("event: reload")
    });

    // The unrelated meeting's page was not rendered again.
    let after = server.get(&choice.untouched_url);
    assert_eq!(after.header("X-Annex-Generation"), Some("1"));
    assert_eq!(after.body, untouched.body);
    assert_eq!(after.header("ETag"), untouched.header("ETag"));

    let line = server.wait_line(|l| l.starts_with("rebuild 2 "));
    assert!(line.contains("(partial)"), "{line}");
    let verified = server.wait_line(|l| l.starts_with("verify 2:"));
    assert!(verified.contains("equals a full render"), "{verified}");

    // An edit of the annotation alone (the body) re-renders the meeting's
    // page only: nothing else shows it.
    let file = site.join(&choice.meeting_file);
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\nAn added sentence 4b8e.\n");
    std::fs::write(&file, text).unwrap();
    let page = server.wait_for(&choice.meeting_url, "the new sentence", |r| {
        r.text().contains("An added sentence 4b8e.")
    });
    assert_eq!(page.header("X-Annex-Generation"), Some("3"));
    assert_eq!(
        server
            .get(&choice.document_url)
            .header("X-Annex-Generation"),
        Some("2")
    );
    let line = server.wait_line(|l| l.starts_with("rebuild 3 "));
    assert!(line.contains(": 1 of "), "one page re-rendered: {line}");
    let verified = server.wait_line(|l| l.starts_with("verify 3:"));
    assert!(verified.contains("equals a full render"), "{verified}");
}

#[test]
fn a_broken_edit_shows_the_error_over_the_last_good_pages_until_fixed() {
    let dir = project();
    let site = dir.path().join("site");
    let choice = choose(&site);
    let mut server = Server::start(&site);
    let file = site.join(&choice.meeting_file);
    let good = std::fs::read_to_string(&file).unwrap();
    let before = server.get(&choice.meeting_url).text();
    let events = listen(server.port);
    wait_until("the event stream says hello", || {
        events.lock().unwrap().contains("event: hello")
    });

    // The meeting's date becomes one that is not a date.
    let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("date:"))
        .expect("the meeting has a date line");
    lines[at] = "date: 9 July 2024".to_string();
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();

    let name = file.file_name().unwrap().to_str().unwrap();
    let page = server.wait_for(&choice.meeting_url, "the error panel", |r| {
        r.text().contains("annex-errors")
    });
    let text = page.text();
    let located = format!("{name}:{}:7:", at + 1);
    assert!(text.contains(&located), "the panel names {located}: {text}");
    assert!(text.contains("error["), "{text}");
    // The last good page is still there, under the panel.
    let title_line = before
        .find("<main")
        .map(|i| &before[i..])
        .unwrap_or(&before);
    assert!(
        text.contains(&title_line[..title_line.len().min(200)]),
        "the last good page is served"
    );
    let other = server.get(&choice.untouched_url);
    assert_eq!(other.status, 200);
    assert!(other.text().contains("annex-errors"));
    wait_until("a reload event", || {
        events.lock().unwrap().contains("event: reload")
    });
    let failed = server.wait_line(|l| l.contains("failed"));
    assert!(failed.contains("1 error"), "{failed}");
    assert!(
        server.log().iter().any(|l| l.contains(&located)),
        "the terminal names the location too"
    );

    // The fix brings the site back by itself.
    retitle_text(&file, &good, "Fixed meeting title 9c1d");
    let page = server.wait_for(&choice.meeting_url, "the fix", |r| {
        !r.text().contains("annex-errors") && r.text().contains("Fixed meeting title 9c1d")
    });
    assert_eq!(page.status, 200);
    assert!(!server
        .get(&choice.untouched_url)
        .text()
        .contains("annex-errors"));
    // The fix is rebuilt from the last good site, not from scratch.
    let generation = page.header("X-Annex-Generation").unwrap().to_string();
    let fixed = server.wait_line(|l| l.starts_with(&format!("rebuild {generation} ")));
    assert!(fixed.contains("(partial)"), "{fixed}");
    let verified = server.wait_line(|l| l.starts_with(&format!("verify {generation}:")));
    assert!(verified.contains("equals a full render"), "{verified}");
}

/// A release imported again replaces `content/` whole (`mv content
/// content-old`, then a new `content/`): serve loads everything again,
/// reports the missing cover letter in between, and watches the new
/// folder (it used to go on watching the old one, and miss every edit).
#[test]
fn a_content_folder_moved_away_and_replaced_is_watched_anew() {
    let dir = project();
    let site = dir.path().join("site");
    let choice = choose(&site);
    let mut server = Server::start(&site);
    let old = site.join("content-old");
    std::fs::rename(site.join("content"), &old).unwrap();
    server.wait_line(|l| l.contains("failed") && l.contains("1 error"));
    assert!(
        server
            .log()
            .iter()
            .any(|l| l.contains("content/release.md")),
        "names the missing cover letter:\n{}",
        server.log().join("\n")
    );
    // The new folder: a copy of the old, put in place in one rename.
    copy_dir(&old, &site.join("content-new"));
    std::fs::rename(site.join("content-new"), site.join("content")).unwrap();
    server.wait_for(&choice.meeting_url, "the site back", |r| {
        r.status == 200 && !r.text().contains("annex-errors")
    });
    // An edit in the new folder shows, as a partial rebuild again.
    retitle(&site.join(&choice.meeting_file), "New folder title 5e2a");
    let page = server.wait_for(&choice.meeting_url, "the new folder's edit", |r| {
        r.text().contains("New folder title 5e2a")
    });
    let generation = page.header("X-Annex-Generation").unwrap().to_string();
    let line = server.wait_line(|l| l.starts_with(&format!("rebuild {generation} ")));
    assert!(line.contains("(partial)"), "{line}");
    let verified = server.wait_line(|l| l.starts_with(&format!("verify {generation}:")));
    assert!(verified.contains("equals a full render"), "{verified}");
}

fn retitle_text(file: &Path, good: &str, title: &str) {
    std::fs::write(file, good).unwrap();
    retitle(file, title);
}

#[test]
fn nothing_outside_the_site_is_reachable() {
    let dir = project();
    let site = dir.path().join("site");
    let secret = "TOP-SECRET-5e2b";
    write(&dir.path().join("secret.txt"), secret);
    // Links inside the site pointing out of it: a file and a folder.
    let statics = site.join("themes/default/static");
    std::fs::create_dir_all(&statics).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), statics.join("leak.txt"))
            .unwrap();
        std::os::unix::fs::symlink(dir.path(), statics.join("outside")).unwrap();
        std::os::unix::fs::symlink("/etc", statics.join("etc")).unwrap();
    }
    let server = Server::start(&site);
    assert_eq!(server.get("/").status, 200);
    for target in [
        "/../secret.txt",
        "/../../secret.txt",
        "/assets/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/.%2e/secret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/..%2fsecret.txt",
        "/assets%2f..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/assets/leak.txt",
        "/assets/outside/secret.txt",
        "/assets/outside/site/site.yaml",
        "/assets/etc/passwd",
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/site.yaml",
        "/content/release.md",
        "//etc/passwd",
        "/\\..\\secret.txt",
    ] {
        let r = server.get(target);
        assert!(
            r.status == 404 || r.status == 400,
            "{target}: status {}",
            r.status
        );
        let text = r.text();
        assert!(!text.contains(secret), "{target} leaked the secret");
        assert!(!text.contains("root:x:"), "{target} leaked /etc/passwd");
        assert!(!text.contains("base_url"), "{target} leaked site.yaml");
    }
}

#[test]
fn two_hundred_concurrent_requests_are_all_answered() {
    let dir = project();
    let site = dir.path().join("site");
    let choice = choose(&site);
    let server = Server::start(&site);
    let targets = [
        "/".to_string(),
        choice.meeting_url.clone(),
        choice.document_url.clone(),
        "/assets/style.css".to_string(),
        "/no-such-page".to_string(),
    ];
    let barrier = Arc::new(std::sync::Barrier::new(200));
    let handles: Vec<_> = (0..200)
        .map(|i| {
            let target = targets[i % targets.len()].clone();
            let barrier = Arc::clone(&barrier);
            let port = server.port;
            thread::spawn(move || {
                barrier.wait();
                let r = request(port, "GET", &target, &[]);
                (target, r.status, r.body.len())
            })
        })
        .collect();
    for h in handles {
        let (target, status, len) = h.join().unwrap();
        let want = if target == "/no-such-page" { 404 } else { 200 };
        assert_eq!(status, want, "{target}");
        assert!(len > 0, "{target}: empty body");
    }
}

#[test]
fn a_site_under_a_sub_path_is_served_under_it() {
    let dir = project();
    let site = dir.path().join("site");
    let choice = choose(&site);
    let config = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    let config: String = config
        .lines()
        .filter(|l| !l.starts_with("base_url:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(
        site.join("site.yaml"),
        format!("base_url: https://example.org/release/\n{config}"),
    )
    .unwrap();
    let server = Server::start(&site);
    let root = server.get("/");
    assert_eq!(root.status, 302);
    assert_eq!(root.header("Location"), Some("/release/"));
    assert_eq!(server.get("/release/").status, 200);
    let meeting = server.get(&format!("/release{}", choice.meeting_url));
    assert_eq!(meeting.status, 200);
    assert!(meeting
        .text()
        .contains(&format!("http://127.0.0.1:{}/release/", server.port)));
    assert_eq!(server.get("/release/assets/style.css").status, 200);
    assert_eq!(server.get(&choice.meeting_url).status, 404);
}

#[test]
fn the_reload_comes_before_the_indexes_yet_no_stale_index_is_served_after_it() {
    let dir = project();
    let site = dir.path().join("site");
    let choice = choose(&site);
    let mut server = Server::start(&site);
    let events = listen(server.port);
    wait_until("the event stream says hello", || {
        events.lock().unwrap().contains("event: hello")
    });

    let title = "Reordered meeting title 5d2c";
    retitle(&site.join(&choice.meeting_file), title);
    wait_until("a reload event", || {
        events.lock().unwrap().contains("event: reload")
    });
    // Asked for right after the reload, the pages that list every meeting
    // have the new title: a page still being re-rendered is served once it
    // is, never as it was.
    for target in ["/meetings/", "/", &choice.meeting_url, &choice.document_url] {
        let page = server.get(target);
        assert_eq!(page.status, 200, "{target}");
        assert!(page.text().contains(title), "{target} shows the new title");
    }

    // The reload went out with the meeting's own pages rendered; the
    // indexes were left for after it.
    let line = server.wait_line(|l| l.starts_with("rebuild 2 "));
    assert!(line.contains("(partial)"), "{line}");
    let pending: usize = line
        .split("; ")
        .find_map(|p| p.split_once(" pending)").map(|(n, _)| n))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no pending count in {line:?}"));
    assert!(pending > 0, "indexes are rendered after the reload: {line}");
    let done = server.wait_line(|l| l.starts_with("rebuild 2 done:"));
    assert!(done.contains("more pages"), "{done}");
    let verified = server.wait_line(|l| l.starts_with("verify 2:"));
    assert!(verified.contains("equals a full render"), "{verified}");
    assert_eq!(
        server.get("/meetings/").header("X-Annex-Generation"),
        Some("2")
    );
}

#[test]
fn edits_in_a_burst_and_a_press_body_edit_end_equal_to_a_full_render() {
    let dir = project();
    let site = dir.path().join("site");
    let choice = choose(&site);
    let mut server = Server::start(&site);
    let file = site.join(&choice.meeting_file);
    // A front-matter edit, then at once a body edit of the same file: the
    // second may interrupt the first one's work after its reload, which
    // then carries over.
    retitle(&file, "First of a burst 11aa");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\nA burst sentence 22bb.\n");
    std::fs::write(&file, text).unwrap();
    let page = server.wait_for(&choice.meeting_url, "both edits", |r| {
        let t = r.text();
        t.contains("First of a burst 11aa") && t.contains("A burst sentence 22bb.")
    });
    let generation: u64 = page.header("X-Annex-Generation").unwrap().parse().unwrap();
    let verified = server.wait_line(|l| l.starts_with(&format!("verify {generation}:")));
    assert!(verified.contains("equals a full render"), "{verified}");
    assert!(server
        .get("/meetings/")
        .text()
        .contains("First of a burst 11aa"));

    // The body of a press item alone: its page only.
    let press_dir = site.join("content/press");
    let Some(press) = std::fs::read_dir(&press_dir).ok().and_then(|d| {
        d.filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .min()
    }) else {
        return;
    };
    let content = annex::load::load_project(&site).unwrap();
    let item = content
        .press
        .iter()
        .find(|p| site.join(&p.path) == press || p.path == press)
        .or_else(|| {
            content
                .press
                .iter()
                .find(|p| p.path.file_name() == press.file_name())
        })
        .expect("the press item loads");
    let url = format!("/press/{}/", item.slug);
    let before = server.get(&url);
    assert_eq!(before.status, 200);
    let mut text = std::fs::read_to_string(&press).unwrap();
    text.push_str("\nAn added press sentence 33cc.\n");
    std::fs::write(&press, text).unwrap();
    let page = server.wait_for(&url, "the new press sentence", |r| {
        r.text().contains("An added press sentence 33cc.")
    });
    let generation = page.header("X-Annex-Generation").unwrap().to_string();
    let line = server.wait_line(|l| l.starts_with(&format!("rebuild {generation} ")));
    assert!(line.contains(": 1 of "), "one page re-rendered: {line}");
    let verified = server.wait_line(|l| l.starts_with(&format!("verify {generation}:")));
    assert!(verified.contains("equals a full render"), "{verified}");
}

#[test]
fn resolving_again_with_unchanged_files_scans_reused_gives_a_full_resolve() {
    let dir = project();
    let site = dir.path().join("site");
    let content = annex::load::load_project(&site).unwrap();
    let (first, _) = annex::resolve::resolve(content.clone()).unwrap();
    // Edit one document's text: it is scanned again, the others are not.
    let mut edited = content;
    let doc = &mut edited.documents[0];
    doc.body.push_str("\n99. An added paragraph s9(2)(a).\n");
    let changed: HashSet<PathBuf> = [doc.path.clone()].into_iter().collect();
    let reuse =
        annex::resolve::Reuse::from_site(&first.content, first.document_markers.clone(), &changed);
    let (full, _) = annex::resolve::resolve(edited.clone()).unwrap();
    let (incremental, _) = annex::resolve::resolve_reusing(edited, reuse).unwrap();
    let show = |s: &annex::model::Site| {
        format!(
            "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            s.meeting_order,
            s.meeting_documents,
            s.document_meetings,
            s.press_meetings,
            s.document_markers,
            s.participant_markers,
            s.people,
            s.ground_uses
        )
    };
    assert_eq!(show(&incremental), show(&full));
    assert_eq!(incremental.ground_index, full.ground_index);
    assert_ne!(
        full.document_markers[0], first.document_markers[0],
        "the edited document was scanned again"
    );
}

/// The graph as a string, for comparing two resolves.
fn graph(s: &annex::model::Site) -> String {
    format!(
        "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
        s.content.meetings,
        s.meeting_order,
        s.meeting_documents,
        s.document_meetings,
        s.press_meetings,
        s.document_markers,
        s.participant_markers,
        s.people,
        s.ground_uses
    )
}

#[test]
fn meetings_updated_in_place_give_what_a_full_resolve_and_render_give() {
    let dir = project();
    let site = dir.path().join("site");
    let content = annex::load::load_project(&site).unwrap();
    let n = content.meetings.len();
    assert!(n >= 3, "the default site has meetings to edit");
    let (first, _) = annex::resolve::resolve(content.clone()).unwrap();
    let last = first.meeting_order[n - 1];
    let earliest = first.meeting_order[0];
    let with_press = (0..n)
        .find(|&i| !content.meetings[i].meta.press.is_empty())
        .expect("a meeting cites press");
    /// An edit of the content, giving the meetings it changed.
    type Edit = Box<dyn Fn(&mut annex::model::Content) -> Vec<usize>>;
    let edits: Vec<(&str, Edit)> = vec![
        (
            "a title",
            Box::new(|c| {
                c.meetings[1].meta.title.push_str(" (edited)");
                vec![1]
            }),
        ),
        (
            "the last meeting's date, which moves it first",
            Box::new(move |c| {
                c.meetings[last].meta.date = "1999-01-01".into();
                vec![last]
            }),
        ),
        (
            "participants: one added on a new side, a side removed",
            Box::new(|c| {
                let m = &mut c.meetings[0].meta;
                m.participants.pop();
                m.participants.push(annex::model::Side {
                    side: "A new side".into(),
                    people: vec![annex::model::Participant {
                        name: Some("A. New Person".into()),
                        role: Some("Observer".into()),
                        withheld: None,
                    }],
                });
                vec![0]
            }),
        ),
        (
            "sources and press taken from other meetings, two meetings at once",
            Box::new(move |c| {
                let sources = c.meetings[earliest].meta.sources.clone();
                let press = c.meetings[with_press].meta.press.clone();
                let other = if with_press == 2 { 1 } else { 2 };
                c.meetings[other].meta.sources = sources;
                c.meetings[other].meta.press = press;
                c.meetings[with_press].meta.press.clear();
                c.meetings[with_press].meta.sources.clear();
                vec![other, with_press]
            }),
        ),
    ];
    let theme = || annex::render::templates::load_theme(&site, "default").unwrap();
    let options = annex::render::RenderOptions {
        base_url: None,
        theme: None,
    };
    for (what, edit) in edits {
        let mut edited = content.clone();
        let changed = edit(&mut edited);
        let (full, _) = annex::resolve::resolve(edited.clone()).unwrap();
        let mut updated = first.clone();
        let fresh = changed
            .iter()
            .map(|&i| (i, edited.meetings[i].clone()))
            .collect();
        let how = annex::resolve::update_meetings(&mut updated, fresh).unwrap();
        assert_eq!(graph(&updated), graph(&full), "after editing {what}");

        // The renderer made from the last one's parts renders every page
        // as a renderer made from scratch does.
        let mut before = annex::render::Renderer::new(&first, theme(), &options).unwrap();
        // Every page once, so that what is made on first use is made.
        before.render(&before.all_pages()).unwrap();
        let parts = before.take_parts();
        drop(before);
        let keep = !how.claims_changed && !how.order_changed;
        let r =
            annex::render::Renderer::from_parts(&updated, theme(), &options, parts, &changed, keep)
                .unwrap();
        let scratch = annex::render::Renderer::new(&full, theme(), &options).unwrap();
        let mut pages = r.render(&r.all_pages()).unwrap();
        pages.extend(r.site_files());
        let mut want = scratch.render(&scratch.all_pages()).unwrap();
        want.extend(scratch.site_files());
        assert_eq!(pages.len(), want.len(), "after editing {what}");
        for (a, b) in pages.iter().zip(&want) {
            assert_eq!(a.path, b.path, "after editing {what}");
            assert!(
                a.bytes == b.bytes,
                "after editing {what}: {} differs",
                a.path
            );
        }
    }
}

#[test]
fn a_meeting_update_with_a_dangling_reference_leaves_the_site_as_it_was() {
    let dir = project();
    let site = dir.path().join("site");
    let content = annex::load::load_project(&site).unwrap();
    let (first, _) = annex::resolve::resolve(content.clone()).unwrap();
    let mut fresh = content.meetings[0].clone();
    fresh.meta.sources.push(annex::model::SourceRef {
        document: "no-such-document".into(),
        ..Default::default()
    });
    let mut updated = first.clone();
    let err = annex::resolve::update_meetings(&mut updated, vec![(0, fresh)]).unwrap_err();
    let text: String = err.0.iter().map(|d| format!("{d}\n")).collect();
    assert!(text.contains("no-such-document"), "{text}");
    assert!(
        text.contains(&format!("{}:", content.meetings[0].path.display())),
        "names the file: {text}"
    );
    assert!(err.0.iter().all(|d| d.line > 0), "and the line: {text}");
    assert_eq!(graph(&updated), graph(&first));
}

#[test]
fn a_date_and_participants_edit_moves_the_meeting_and_ends_equal_to_a_full_render() {
    let dir = project();
    let site = dir.path().join("site");
    let choice = choose(&site);
    let mut server = Server::start(&site);
    let file = site.join(&choice.meeting_file);
    // An earlier date moves the meeting first in time order (new
    // neighbours, a new place in every list), and a new participant joins
    // the participants page.
    let text = std::fs::read_to_string(&file).unwrap();
    let mut edited = String::new();
    for line in text.lines() {
        if line.starts_with("date:") {
            edited.push_str("date: 2001-02-03\n");
        } else if line == "participants:" {
            edited.push_str(
                "participants:\n- side: Observers\n  people:\n  - name: Wiremu Testperson 5c1d\n    role: Observer\n",
            );
        } else {
            edited.push_str(line);
            edited.push('\n');
        }
    }
    std::fs::write(&file, edited).unwrap();
    let page = server.wait_for(&choice.meeting_url, "the new participant", |r| {
        r.text().contains("Wiremu Testperson 5c1d")
    });
    let generation: u64 = page.header("X-Annex-Generation").unwrap().parse().unwrap();
    let line = server.wait_line(|l| l.starts_with(&format!("rebuild {generation} ")));
    assert!(line.contains("(partial)"), "{line}");
    assert!(line.contains(" update "), "updated in place: {line}");
    let verified = server.wait_line(|l| l.starts_with(&format!("verify {generation}:")));
    assert!(verified.contains("equals a full render"), "{verified}");
    assert!(server
        .get("/participants/")
        .text()
        .contains("Wiremu Testperson 5c1d"));
}

#[test]
fn a_dangling_reference_in_an_edited_meeting_keeps_the_last_good_site_until_fixed() {
    let dir = project();
    let site = dir.path().join("site");
    let choice = choose(&site);
    let mut server = Server::start(&site);
    let file = site.join(&choice.meeting_file);
    let good = std::fs::read_to_string(&file).unwrap();
    let before = server.get(&choice.meeting_url).text();
    let at = good
        .lines()
        .position(|l| l.trim_start().starts_with("- document:"))
        .expect("the meeting cites a document");
    let broken: Vec<String> = good
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == at {
                let indent = &l[..l.len() - l.trim_start().len()];
                format!("{indent}- document: no-such-document-8e2f")
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(&file, broken.join("\n") + "\n").unwrap();
    let page = server.wait_for(&choice.meeting_url, "the error panel", |r| {
        r.text().contains("annex-errors")
    });
    let text = page.text();
    let name = file.file_name().unwrap().to_str().unwrap();
    let located = format!("{name}:{}:", at + 1);
    assert!(text.contains(&located), "the panel names {located}: {text}");
    assert!(text.contains("no-such-document-8e2f"), "{text}");
    let main = before
        .find("<main")
        .map(|i| &before[i..])
        .unwrap_or(&before);
    assert!(
        text.contains(&main[..main.len().min(200)]),
        "the last good page is served under the panel"
    );

    retitle_text(&file, &good, "Fixed reference 3a7c");
    let page = server.wait_for(&choice.meeting_url, "the fix", |r| {
        !r.text().contains("annex-errors") && r.text().contains("Fixed reference 3a7c")
    });
    let generation = page.header("X-Annex-Generation").unwrap().to_string();
    let fixed = server.wait_line(|l| l.starts_with(&format!("rebuild {generation} ")));
    assert!(fixed.contains("(partial)"), "{fixed}");
    let verified = server.wait_line(|l| l.starts_with(&format!("verify {generation}:")));
    assert!(verified.contains("equals a full render"), "{verified}");
}

#[test]
fn cached_cards_are_served_from_the_cache_which_no_build_prunes_meanwhile() {
    let dir = project();
    let site = dir.path().join("site");
    let choice = choose(&site);
    // A build first, so that the cards are in the cache when serve starts.
    let out = dir.path().join("public");
    let out = out.to_str().unwrap();
    let run = common::annex_in(&site, &["build", "--output", out]);
    assert_eq!(run.status.code(), Some(0));
    let mut server = Server::start(&site);
    let slug = choice
        .meeting_url
        .trim_start_matches("/meetings/")
        .trim_end_matches('/');
    let card_url = format!("/cards/{slug}.png");
    let card = server.get(&card_url);
    assert_eq!(card.status, 200);
    assert_eq!(card.header("Content-Type"), Some("image/png"));
    // Its ETag names its file in the cache, whose bytes it is.
    let etag = card.header("ETag").unwrap().to_string();
    let key = etag
        .trim_matches('"')
        .strip_prefix("card-")
        .unwrap_or_else(|| panic!("a cached card's ETag: {etag}"));
    let cached = site.join(format!(".annex-cache/cards/{key}.png"));
    assert_eq!(std::fs::read(&cached).unwrap(), card.body);
    let again = request(server.port, "GET", &card_url, &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);

    // A retitled meeting gets a new card once the work after the reload is
    // done; the old one stays in the cache.
    retitle(
        &site.join(&choice.meeting_file),
        "Edited meeting title 2c9d",
    );
    let new = server.wait_for(&card_url, "a new card", |r| {
        r.status == 200 && r.header("ETag") != Some(etag.as_str())
    });
    assert!(new.body.starts_with(b"\x89PNG") && new.body != card.body);
    let verified = server.wait_line(|l| l.starts_with("verify 2:"));
    assert!(verified.contains("equals a full render"), "{verified}");
    assert!(cached.is_file());

    // A build while serve runs leaves the cache alone...
    let run = common::annex_in(&site, &["build", "--timings", "--output", out]);
    assert_eq!(run.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains("cache in use by another annex, not pruned"),
        "{stdout}"
    );
    assert!(cached.is_file());
    assert_eq!(server.get(&card_url).body, new.body);
    // ...and once serve has stopped, a build prunes the old card.
    drop(server);
    let run = common::annex_in(&site, &["build", "--timings", "--output", out]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("unused removed from the cache"), "{stdout}");
    assert!(!cached.exists());

    // Deleting the cache under a running serve costs the cached cards
    // until a restart, said so, and nothing else.
    let mut server = Server::start(&site);
    std::fs::remove_dir_all(site.join(".annex-cache")).unwrap();
    let gone = server.get(&card_url);
    assert_eq!(gone.status, 404);
    assert!(
        gone.text().contains("restart annex serve"),
        "{}",
        gone.text()
    );
    server.wait_line(|l| l.contains(&format!("cannot serve cards/{slug}.png")));
    assert_eq!(server.get(&choice.meeting_url).status, 200);
}

#[test]
fn a_card_keeps_its_etag_when_it_moves_from_memory_into_the_cache() {
    let dir = project();
    let site = dir.path().join("site");
    assert!(!site.join(".annex-cache").exists());
    let choice = choose(&site);
    let slug = choice
        .meeting_url
        .trim_start_matches("/meetings/")
        .trim_end_matches('/');
    let card_url = format!("/cards/{slug}.png");
    // Drawn by the first build, so held in memory.
    let mut server = Server::start(&site);
    let drawn = server.get(&card_url);
    assert_eq!(drawn.status, 200);
    let etag = drawn.header("ETag").unwrap().to_string();
    assert!(etag.starts_with("\"card-"), "{etag}");
    // A full rebuild finds it in the cache: the same card, the same
    // validators, so a browser's copy stays good.
    let config = site.join("site.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("# touched\n");
    std::fs::write(&config, text).unwrap();
    let line = server.wait_line(|l| l.starts_with("rebuild 2 "));
    assert!(line.contains("(full)"), "{line}");
    let cached = server.get(&card_url);
    assert_eq!(cached.header("X-Annex-Generation"), Some("2"));
    assert_eq!(cached.header("ETag"), Some(etag.as_str()));
    assert_eq!(
        cached.header("Last-Modified"),
        drawn.header("Last-Modified")
    );
    assert_eq!(cached.body, drawn.body);
    let conditional = request(server.port, "GET", &card_url, &[("If-None-Match", &etag)]);
    assert_eq!(conditional.status, 304);
    // And it is now served from the cache, not held.
    std::fs::remove_dir_all(site.join(".annex-cache")).unwrap();
    assert_eq!(server.get(&card_url).status, 404);
}

//! The served site, held in memory, and how a request is answered from it.
//!
//! `serve` answers from the files the last good build rendered, keyed by
//! their output path, and reads no file named by a request: the one kind
//! it reads at all is a cached card (a third of a large site's bytes, kept
//! out of memory), at the cache path the build recorded for it. No URL can
//! therefore reach anything outside the site, whatever its spelling
//! (`http::path_segments` refuses traversal before the lookup anyway), and
//! there is nothing to list: a folder's URL serves its `index.html` or the
//! theme's 404 page.
//!
//! Each file keeps an ETag (a hash of its bytes, or a cached card's name,
//! which is one) and the time its bytes last
//! changed, for conditional requests, and the number of the rebuild that
//! last rendered it, sent as `X-Annex-Generation` so that tests and the
//! curious can see which pages an edit re-rendered.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;

use super::http::{self, Body, Handler, Reply, Request, Response};
use super::reload::{self, Hub};
use crate::cards::Card;
use crate::diagnostics::Diagnostics;
use crate::render::escape::escape;

/// One served file.
#[derive(Debug, Clone)]
struct File {
    bytes: Stored,
    etag: String,
    modified: SystemTime,
    generation: u64,
}

impl File {
    /// Whether this file's bytes are `bytes`, in memory.
    fn holds(&self, bytes: &[u8]) -> bool {
        matches!(&self.bytes, Stored::Memory(b) if b.as_slice() == bytes)
    }
}

/// A served file's bytes.
#[derive(Debug, Clone)]
enum Stored {
    /// As rendered: an `Arc<Vec<u8>>` takes the rendered bytes as they
    /// are, where an `Arc<[u8]>` would copy them (750 MB at 10,000
    /// meetings, each page touched afresh).
    Memory(Arc<Vec<u8>>),
    /// A card in the project's card cache, read when asked for: cards are
    /// a third of a large site's bytes. Its name is a hash of what it
    /// shows, so the file never changes, and `serve` holds the cache so
    /// that no build removes it (`cards::hold`).
    Cache(PathBuf),
}

impl Stored {
    /// The bytes: the ones in memory, or the cached file's, read now.
    fn bytes(&self) -> std::io::Result<Cow<'_, [u8]>> {
        match self {
            Stored::Memory(b) => Ok(Cow::Borrowed(b.as_slice())),
            Stored::Cache(file) => std::fs::read(file).map(Cow::Owned),
        }
    }

    fn same(&self, other: &Stored) -> bool {
        match (self, other) {
            (Stored::Memory(a), Stored::Memory(b)) => a == b,
            (Stored::Cache(a), Stored::Cache(b)) => a == b,
            _ => false,
        }
    }
}

/// A file a rebuild made, as the store takes it.
pub enum Incoming {
    /// A rendered file, whose ETag `put` hashes from its bytes.
    File { path: String, bytes: Arc<Vec<u8>> },
    /// A card as `cards::cards_of` made it, whose ETag is its cache key (a
    /// hash of what it shows), the same whether it was just drawn or found
    /// in the cache.
    Card { path: String, card: Card },
}

impl From<crate::render::OutputFile> for Incoming {
    fn from(f: crate::render::OutputFile) -> Incoming {
        Incoming::File {
            path: f.path,
            bytes: Arc::new(f.bytes),
        }
    }
}

impl From<(String, Card)> for Incoming {
    fn from((path, card): (String, Card)) -> Incoming {
        Incoming::Card { path, card }
    }
}

impl Incoming {
    fn path(&self) -> &str {
        match self {
            Incoming::File { path, .. } | Incoming::Card { path, .. } => path,
        }
    }
}

#[derive(Default)]
struct State {
    files: HashMap<String, File>,
    /// The base URL's path, `/` or `/release/`.
    base_path: String,
    /// The errors of the last rebuild, as an HTML fragment, when it failed.
    errors: Option<String>,
    /// Changes whenever the error state does, so that HTML pages (which
    /// show it) get a new ETag.
    error_epoch: u64,
    error_changed: Option<SystemTime>,
}

/// Paths a rebuild will render again after its reload, and the requests
/// waiting for them.
#[derive(Default)]
struct Pending {
    paths: HashSet<String>,
    /// Pending paths a request waits for: rendered first.
    wanted: HashSet<String>,
}

/// How long a request waits for a pending page before it gets the page as
/// it was (a render that takes this long has gone wrong).
const PENDING_WAIT: Duration = Duration::from_secs(60);

/// The site being served.
pub struct Store {
    state: RwLock<State>,
    pending: Mutex<Pending>,
    rendered: Condvar,
    hub: Arc<Hub>,
}

impl Store {
    pub fn new(hub: Arc<Hub>) -> Arc<Store> {
        Arc::new(Store {
            state: RwLock::new(State {
                base_path: "/".into(),
                ..State::default()
            }),
            pending: Mutex::new(Pending::default()),
            rendered: Condvar::new(),
            hub,
        })
    }

    /// Puts the files of a successful rebuild in place, before its reload.
    /// `rendered` are the files rendered by rebuild `generation`;
    /// `outputs`, when given, is every path the site now has, and files not
    /// in it are dropped, as are the `removed` paths; the `later` paths are
    /// pending until [`Store::fill`] brings them. Clears the error state.
    /// Returns how many files' bytes changed.
    pub fn update(
        &self,
        rendered: Vec<Incoming>,
        outputs: Option<&HashSet<String>>,
        removed: &[String],
        later: &[String],
        base_path: &str,
        generation: u64,
    ) -> usize {
        if !later.is_empty() {
            if let Ok(mut pending) = self.pending.lock() {
                pending.paths.extend(later.iter().cloned());
            }
        }
        let done: Vec<String> = rendered
            .iter()
            .map(|f| f.path().to_string())
            .chain(removed.iter().cloned())
            .collect();
        let changed = self.put(rendered, outputs, removed, generation, |state, now| {
            state.base_path = base_path.to_string();
            if state.errors.take().is_some() {
                state.error_epoch += 1;
                state.error_changed = Some(now);
            }
        });
        self.settle(&done);
        changed
    }

    /// Puts files rendered after a reload in place (`outputs` as for
    /// `update`), leaving the error state as it is, and wakes the requests
    /// waiting for them.
    pub fn fill(
        &self,
        rendered: Vec<Incoming>,
        outputs: Option<&HashSet<String>>,
        generation: u64,
    ) -> usize {
        let done: Vec<String> = rendered.iter().map(|f| f.path().to_string()).collect();
        let changed = self.put(rendered, outputs, &[], generation, |_, _| {});
        self.settle(&done);
        changed
    }

    /// No page is pending any more: the work after a reload is done, or
    /// was given up.
    pub fn clear_pending(&self) {
        if let Ok(mut pending) = self.pending.lock() {
            pending.paths.clear();
            pending.wanted.clear();
        }
        self.rendered.notify_all();
    }

    /// Pending paths that requests are waiting for.
    pub fn wanted(&self) -> HashSet<String> {
        match self.pending.lock() {
            Ok(p) => p.wanted.clone(),
            Err(_) => HashSet::new(),
        }
    }

    /// How many paths are pending.
    pub fn pending(&self) -> usize {
        self.pending.lock().map_or(0, |p| p.paths.len())
    }

    fn settle(&self, done: &[String]) {
        if let Ok(mut pending) = self.pending.lock() {
            if pending.paths.is_empty() {
                return;
            }
            for path in done {
                pending.paths.remove(path);
                pending.wanted.remove(path);
            }
        }
        self.rendered.notify_all();
    }

    /// Waits while `key` is pending (see [`Store::update`]).
    fn wait_rendered(&self, key: &str) {
        let Ok(mut pending) = self.pending.lock() else {
            return;
        };
        let start = Instant::now();
        while pending.paths.contains(key) {
            pending.wanted.insert(key.to_string());
            let left = PENDING_WAIT.saturating_sub(start.elapsed());
            if left.is_zero() {
                return;
            }
            pending = match self.rendered.wait_timeout(pending, left) {
                Ok((p, _)) => p,
                Err(_) => return,
            };
        }
    }

    fn put(
        &self,
        rendered: Vec<Incoming>,
        outputs: Option<&HashSet<String>>,
        removed: &[String],
        generation: u64,
        also: impl FnOnce(&mut State, SystemTime),
    ) -> usize {
        let now = SystemTime::now();
        // Hash outside the lock: requests keep being answered meanwhile.
        // Bytes equal to the served ones need no hash (a rebuild's site
        // files are mostly unchanged, and cards are megabytes in all).
        // In parallel: a first build's files are the whole site.
        let prepared: Vec<(Incoming, Option<String>)> = {
            let Ok(state) = self.state.read() else {
                return 0;
            };
            let files = &state.files;
            rendered
                .into_par_iter()
                .map(|incoming| {
                    let hashed = match &incoming {
                        Incoming::File { path, bytes } => {
                            let same = files.get(path).is_some_and(|old| old.holds(bytes));
                            (!same).then(|| etag(bytes))
                        }
                        Incoming::Card { .. } => None,
                    };
                    (incoming, hashed)
                })
                .collect()
        };
        let Ok(mut state) = self.state.write() else {
            return 0;
        };
        let mut changed = 0;
        for (incoming, hashed) in prepared {
            // A card's ETag is its key: the same ETag is the same card,
            // which may move from memory to the cache meanwhile.
            let (path, bytes, etag, keyed) = match incoming {
                Incoming::Card { path, card } => {
                    let (bytes, key) = match card {
                        Card::Drawn { bytes, key } => (Stored::Memory(Arc::new(bytes)), key),
                        Card::Cached { file, key, .. } => (Stored::Cache(file), key),
                    };
                    (path, bytes, format!("card-{key:016x}"), true)
                }
                Incoming::File { path, bytes } => {
                    let etag = match hashed {
                        Some(etag) => etag,
                        None => match state.files.get_mut(&path) {
                            Some(f) if f.holds(&bytes) => {
                                f.generation = generation;
                                continue;
                            }
                            // Changed since it was compared.
                            _ => self::etag(&bytes),
                        },
                    };
                    (path, Stored::Memory(bytes), etag, false)
                }
            };
            match state.files.get_mut(&path) {
                Some(f) if f.etag == etag && (keyed || f.bytes.same(&bytes)) => {
                    f.generation = generation;
                    f.bytes = bytes;
                }
                _ => {
                    changed += 1;
                    state.files.insert(
                        path,
                        File {
                            bytes,
                            etag,
                            modified: now,
                            generation,
                        },
                    );
                }
            }
        }
        for path in removed {
            if state.files.remove(path).is_some() {
                changed += 1;
            }
        }
        if let Some(outputs) = outputs {
            let before = state.files.len();
            state.files.retain(|p, _| outputs.contains(p));
            changed += before - state.files.len();
        }
        also(&mut state, now);
        changed
    }

    /// Records a failed rebuild: pages stay as they were, and HTML pages
    /// show the errors above them until a rebuild succeeds.
    pub fn set_errors(&self, diags: &Diagnostics) {
        let html = error_html(diags);
        if let Ok(mut state) = self.state.write() {
            state.errors = Some(html);
            state.error_epoch += 1;
            state.error_changed = Some(SystemTime::now());
        }
    }

    pub fn hub(&self) -> &Arc<Hub> {
        &self.hub
    }

    /// Paths where the served site differs from `full` (a full render of
    /// the same site): `missing`, `stale` or `extra`. Used to check partial
    /// rebuilds (`ANNEX_SERVE_VERIFY=1`).
    pub fn differences(&self, full: &[crate::render::OutputFile]) -> Vec<String> {
        let Ok(state) = self.state.read() else {
            return vec!["state unavailable".into()];
        };
        let mut out = Vec::new();
        for f in full {
            match state.files.get(&f.path) {
                None => out.push(format!("missing {}", f.path)),
                Some(s) if !s.bytes.bytes().is_ok_and(|b| *b == *f.bytes) => {
                    out.push(format!("stale {}", f.path))
                }
                Some(_) => {}
            }
        }
        let expected: HashSet<&str> = full.iter().map(|f| f.path.as_str()).collect();
        let mut extra: Vec<&String> = state
            .files
            .keys()
            .filter(|k| !expected.contains(k.as_str()))
            .collect();
        extra.sort();
        out.extend(extra.into_iter().map(|k| format!("extra {k}")));
        out
    }

    fn answer(&self, request: &Request) -> Reply {
        if request.method != "GET" && request.method != "HEAD" {
            return Reply::Full(
                Response::text(405, "Only GET and HEAD are served").header("Allow", "GET, HEAD"),
            );
        }
        let path_only = request.target.split(['?', '#']).next().unwrap_or_default();
        if path_only == reload::EVENTS_PATH {
            let hub = Arc::clone(&self.hub);
            return Reply::Stream(Box::new(move |stream| hub.attach(stream)));
        }
        let segments = match http::path_segments(&request.target) {
            Ok(s) => s,
            Err(_) => return Reply::Full(Response::text(400, "Bad request path")),
        };
        let Ok(mut state) = self.state.read() else {
            return Reply::Full(Response::text(500, "Server state unavailable"));
        };
        let base: Vec<&str> = state
            .base_path
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        let under_base =
            segments.len() > base.len() && segments.iter().zip(&base).all(|(a, b)| a == b);
        if !under_base {
            let toward_base =
                segments.len() <= base.len() && segments.iter().zip(&base).all(|(a, b)| a == b);
            if segments == [""] || toward_base {
                // `/` (or `/release` without its slash) when the site lives
                // under a sub-path: send the browser there.
                return Reply::Full(
                    Response::text(302, "The site is served under its base path")
                        .header("Location", state.base_path.clone()),
                );
            }
            return Reply::Full(not_found(&state));
        }
        let rest = &segments[base.len()..];
        let mut key = rest.join("/");
        if key.is_empty() || key.ends_with('/') {
            key.push_str("index.html");
        }
        // A page an edit is still re-rendering is served once it is, never
        // as it was before the reload.
        let waiting = self.pending.lock().is_ok_and(|p| {
            p.paths.contains(&key) || p.paths.contains(&format!("{key}/index.html"))
        });
        if waiting {
            drop(state);
            self.wait_rendered(&key);
            self.wait_rendered(&format!("{key}/index.html"));
            state = match self.state.read() {
                Ok(s) => s,
                Err(_) => return Reply::Full(Response::text(500, "Server state unavailable")),
            };
        }
        if let Some(file) = state.files.get(&key) {
            return Reply::Full(serve_file(&state, &key, file, 200, request));
        }
        if state.files.contains_key(&format!("{key}/index.html")) {
            // A folder's URL without its slash: relative links in the page
            // only work from the slashed URL.
            return Reply::Full(
                Response::text(301, "Moved").header("Location", format!("{path_only}/")),
            );
        }
        Reply::Full(not_found(&state))
    }
}

impl Handler for Store {
    fn handle(&self, request: &Request) -> Reply {
        self.answer(request)
    }
}

fn not_found(state: &State) -> Response {
    match state.files.get("404.html") {
        Some(file) => serve_file(state, "404.html", file, 404, &no_conditions()),
        None => match &state.errors {
            Some(errors) => error_page(errors),
            None => Response::text(404, "Not found"),
        },
    }
}

fn no_conditions() -> Request {
    Request {
        method: "GET".into(),
        target: "/".into(),
        headers: Vec::new(),
    }
}

/// A file with its headers, or 304 when the client's copy is current.
fn serve_file(state: &State, key: &str, file: &File, status: u16, request: &Request) -> Response {
    let content_type = http::content_type(key);
    let html = content_type.starts_with("text/html");
    let (etag, modified) = if html {
        // HTML carries the reload script and any error panel, so its
        // validators change with the error state too.
        let modified = match state.error_changed {
            Some(t) if t > file.modified => t,
            _ => file.modified,
        };
        (format!("\"{}-{}\"", file.etag, state.error_epoch), modified)
    } else {
        (format!("\"{}\"", file.etag), file.modified)
    };
    let last_modified = httpdate::fmt_http_date(modified);
    if status == 200 && not_modified(request, &etag, modified) {
        return Response::text(304, "")
            .header("ETag", etag)
            .header("Last-Modified", last_modified)
            .header("Cache-Control", "no-cache");
    }
    let body = match &file.bytes {
        Stored::Memory(bytes) if html => Body::Owned(decorate(bytes, state.errors.as_deref())),
        Stored::Memory(bytes) => Body::Shared(Arc::clone(bytes)),
        Stored::Cache(cached) => match std::fs::read(cached) {
            Ok(bytes) => Body::Owned(bytes),
            Err(e) => {
                // Only the folder's removal by hand does this: no build
                // prunes the cache while `serve` holds it.
                eprintln!(
                    "warning: cannot serve {key}: cannot read {}: {e}\n  = hint: restart annex serve to draw the cards again",
                    cached.display()
                );
                return Response::text(404, "This card is no longer in the card cache; restart annex serve to draw it again");
            }
        },
    };
    Response::new(status, content_type, body)
        .header("ETag", etag)
        .header("Last-Modified", last_modified)
        // Always revalidate: the point of a preview is to see edits.
        .header("Cache-Control", "no-cache")
        .header("X-Content-Type-Options", "nosniff")
        .header("X-Annex-Generation", file.generation.to_string())
}

/// RFC 9110: If-None-Match wins over If-Modified-Since.
fn not_modified(request: &Request, etag: &str, modified: SystemTime) -> bool {
    if let Some(inm) = request.header("If-None-Match") {
        return inm
            .split(',')
            .map(str::trim)
            .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag);
    }
    if let Some(ims) = request.header("If-Modified-Since") {
        if let Ok(since) = httpdate::parse_http_date(ims) {
            let secs = |t: SystemTime| {
                t.duration_since(UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0)
            };
            return secs(modified) <= secs(since);
        }
    }
    false
}

/// The page with the reload script before `</body>` and, when the last
/// rebuild failed, the error panel right after `<body>`.
fn decorate(page: &[u8], errors: Option<&str>) -> Vec<u8> {
    let script = reload::SCRIPT.as_bytes();
    let mut out = Vec::with_capacity(page.len() + script.len() + errors.map_or(0, str::len));
    let body_open = errors.and_then(|_| {
        let start = find(page, b"<body")?;
        Some(start + page[start..].iter().position(|&b| b == b'>')? + 1)
    });
    let body_close = rfind(page, b"</body>").unwrap_or(page.len());
    match (errors, body_open) {
        (Some(e), Some(at)) if at <= body_close => {
            out.extend_from_slice(&page[..at]);
            out.extend_from_slice(e.as_bytes());
            out.extend_from_slice(&page[at..body_close]);
        }
        (Some(e), _) => {
            out.extend_from_slice(e.as_bytes());
            out.extend_from_slice(&page[..body_close]);
        }
        (None, _) => out.extend_from_slice(&page[..body_close]),
    }
    out.extend_from_slice(script);
    out.extend_from_slice(&page[body_close..]);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// A whole page for the errors, when there is no good page to show them on
/// (the first build failed).
fn error_page(errors: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>annex serve: errors</title></head><body>{errors}{}</body></html>",
        reload::SCRIPT
    );
    Response::new(
        500,
        "text/html; charset=utf-8",
        Body::Owned(page.into_bytes()),
    )
    .header("Cache-Control", "no-cache")
}

/// The error panel: every diagnostic as the terminal prints it
/// (`path:line:col: error[code]: message` and its hint).
pub fn error_html(diags: &Diagnostics) -> String {
    let mut list = String::new();
    for d in &diags.0 {
        list.push_str(&escape(&d.to_string()));
        list.push('\n');
    }
    format!(
        "<div id=\"annex-errors\" role=\"alert\" style=\"position:relative;z-index:2147483647;margin:0;padding:1rem 1.25rem;\
         background:#fff4f4;color:#5c0000;border-bottom:4px solid #b00020;font:15px/1.5 system-ui,sans-serif\">\
         <h2 style=\"margin:0 0 .5rem;font-size:1.2rem\">annex serve: the site has {}</h2>\
         <p style=\"margin:0 0 .5rem\">The pages below are from the last good build. Fix the file and save: the page reloads by itself.</p>\
         <pre style=\"margin:0;white-space:pre-wrap;font:14px/1.45 ui-monospace,monospace\">{list}</pre></div>",
        escape(&diags.summary())
    )
}

/// A strong validator for bytes: 64 bits of the standard hasher with its
/// fixed keys (`DefaultHasher::new`), so it is the same across restarts.
/// (Cards come with theirs: see [`Incoming`].)
fn etag(bytes: &[u8]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("{:016x}", h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_body_end_and_errors_after_body_start() {
        let page = b"<html><body class=\"x\"><p>hi</p></body></html>";
        let out = String::from_utf8(decorate(page, None)).unwrap();
        assert!(out.starts_with("<html><body class=\"x\"><p>hi</p><script>"));
        assert!(out.ends_with("</script></body></html>"));
        let out = String::from_utf8(decorate(page, Some("<div>E</div>"))).unwrap();
        assert!(out.starts_with("<html><body class=\"x\"><div>E</div><p>hi</p><script>"));
    }

    #[test]
    fn if_none_match_wins_over_if_modified_since() {
        let mut r = no_conditions();
        let t = SystemTime::now();
        r.headers
            .push(("If-None-Match".into(), "W/\"a\", \"b\"".into()));
        assert!(not_modified(&r, "\"b\"", t));
        assert!(!not_modified(&r, "\"c\"", t));
        let mut r = no_conditions();
        r.headers
            .push(("If-Modified-Since".into(), httpdate::fmt_http_date(t)));
        assert!(not_modified(&r, "\"c\"", t));
        assert!(!not_modified(
            &r,
            "\"c\"",
            t + std::time::Duration::from_secs(5)
        ));
    }
}

//! A small HTTP/1.1 server for previewing a site: GET and HEAD only, one
//! request per connection, a fixed number of worker threads.
//!
//! Why not a crate: tiny_http grows its thread pool with the number of open
//! connections, and hyper or axum bring an async runtime whose compile time
//! is minutes on the two-core machines this project builds on. What a
//! preview server needs is small enough to own: request heads are parsed by
//! `httparse` (the parser hyper uses), everything else is here and tested.
//!
//! Bounded by design: `workers` threads answer requests taken from a queue
//! of at most `QUEUE` accepted connections (the accept thread waits when it
//! is full, and the kernel's backlog holds the rest); each connection has
//! read and write timeouts, a request head is at most `MAX_HEAD` bytes, and
//! the connection is closed after the response. A long-lived stream (the
//! live-reload events) is handed off by the handler, so it never holds a
//! worker.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime};

/// Largest request head accepted (request line and headers).
pub const MAX_HEAD: usize = 16 * 1024;
/// Accepted connections waiting for a worker.
pub const QUEUE: usize = 512;
/// How long a client may take to send its request, or to read the response.
const TIMEOUT: Duration = Duration::from_secs(10);

/// A parsed request head.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The request target as sent (`/meetings/x/?a=b`), not decoded.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A response body: shared bytes of the served site, or bytes made for
/// this response.
#[derive(Debug, Clone)]
pub enum Body {
    Shared(Arc<Vec<u8>>),
    Owned(Vec<u8>),
}

impl Body {
    pub fn bytes(&self) -> &[u8] {
        match self {
            Body::Shared(b) => b,
            Body::Owned(b) => b,
        }
    }
}

/// A complete response.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: Body) -> Self {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body,
        }
    }

    /// A short plain-text response (errors, redirects).
    pub fn text(status: u16, text: &str) -> Self {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            Body::Owned(text.as_bytes().to_vec()),
        )
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// What the handler does with a request.
pub enum Reply {
    Full(Response),
    /// Take over the connection (after the request head was read), for a
    /// long-lived stream.
    Stream(Box<dyn FnOnce(TcpStream) + Send>),
}

/// Answers requests; called from several worker threads at once.
pub trait Handler: Send + Sync + 'static {
    fn handle(&self, request: &Request) -> Reply;
}

/// Serves `listener` with `workers` threads until the process ends.
pub fn start(listener: TcpListener, workers: usize, handler: Arc<dyn Handler>) -> io::Result<()> {
    let (tx, rx) = sync_channel::<TcpStream>(QUEUE);
    let rx = Arc::new(Mutex::new(rx));
    for i in 0..workers.max(1) {
        let rx = Arc::clone(&rx);
        let handler = Arc::clone(&handler);
        thread::Builder::new()
            .name(format!("annex-http-{i}"))
            .spawn(move || worker(&rx, handler.as_ref()))?;
    }
    thread::Builder::new()
        .name("annex-accept".into())
        .spawn(move || {
            for stream in listener.incoming() {
                match stream {
                    Ok(s) => {
                        if tx.send(s).is_err() {
                            return;
                        }
                    }
                    // Out of file descriptors or a connection reset before
                    // accept: wait a moment rather than spin.
                    Err(_) => thread::sleep(Duration::from_millis(10)),
                }
            }
        })?;
    Ok(())
}

fn worker(rx: &Mutex<Receiver<TcpStream>>, handler: &dyn Handler) {
    loop {
        let stream = {
            let Ok(rx) = rx.lock() else { return };
            match rx.recv() {
                Ok(s) => s,
                Err(_) => return,
            }
        };
        // A failed connection concerns only its client.
        let _ = connection(stream, handler);
    }
}

fn connection(mut stream: TcpStream, handler: &dyn Handler) -> io::Result<()> {
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let _ = stream.set_nodelay(true);
    let request = match read_head(&mut stream)? {
        Ok(Some(r)) => r,
        Ok(None) => return Ok(()),
        Err(status) => {
            let msg = if status == 431 {
                "Request header too large"
            } else {
                "Bad request"
            };
            return send(&mut stream, &Response::text(status, msg), false);
        }
    };
    let head_only = request.method == "HEAD";
    match handler.handle(&request) {
        Reply::Full(response) => send(&mut stream, &response, head_only),
        Reply::Stream(take) => {
            take(stream);
            Ok(())
        }
    }
}

/// Reads a request head. `Ok(None)`: the client closed without sending
/// one; `Err(status)`: a malformed or oversized head.
fn read_head(stream: &mut TcpStream) -> io::Result<Result<Option<Request>, u16>> {
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(if buf.is_empty() { Ok(None) } else { Err(400) });
        }
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Request::new(&mut headers);
        match parsed.parse(&buf) {
            Ok(httparse::Status::Complete(_)) => {
                let request = Request {
                    method: parsed.method.unwrap_or_default().to_string(),
                    target: parsed.path.unwrap_or_default().to_string(),
                    headers: parsed
                        .headers
                        .iter()
                        .map(|h| {
                            (
                                h.name.to_string(),
                                String::from_utf8_lossy(h.value).into_owned(),
                            )
                        })
                        .collect(),
                };
                return Ok(Ok(Some(request)));
            }
            Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD => return Ok(Err(431)),
            Ok(httparse::Status::Partial) => {}
            Err(httparse::Error::TooManyHeaders) => return Ok(Err(431)),
            Err(_) => return Ok(Err(400)),
        }
    }
}

fn send(stream: &mut TcpStream, response: &Response, head_only: bool) -> io::Result<()> {
    let body = response.body.bytes();
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        // Values come from this program, but a header must never be split.
        let value: String = value.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nDate: {}\r\nConnection: close\r\n\r\n",
        body.len(),
        httpdate::fmt_http_date(SystemTime::now())
    ));
    stream.write_all(head.as_bytes())?;
    // 304 and HEAD responses carry the headers of the full response but no body.
    if !head_only && response.status != 304 {
        stream.write_all(body)?;
    }
    stream.flush()?;
    stream.shutdown(Shutdown::Write)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Why a request target is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadPath {
    /// Not an origin-form path (`/...`), or a bad percent escape.
    Malformed,
    /// A segment that would climb or name a separator once decoded
    /// (`..`, `%2e%2e`, `%2f`, `\`, NUL).
    Traversal,
}

/// The path segments of a request target, each percent-decoded exactly
/// once. A trailing `/` gives a last empty segment. Decoding happens per
/// segment *after* splitting on `/`, so an encoded slash can never create a
/// new segment, and a segment that decodes to `.`, `..` or contains a
/// separator is refused. Double encoding (`%252e`) decodes once to the
/// literal text `%2e`, which names no file.
pub fn path_segments(target: &str) -> Result<Vec<String>, BadPath> {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let Some(rest) = path.strip_prefix('/') else {
        return Err(BadPath::Malformed);
    };
    let raw: Vec<&str> = rest.split('/').collect();
    let mut segments = Vec::with_capacity(raw.len());
    for (i, part) in raw.iter().enumerate() {
        let bytes = percent_decode(part).ok_or(BadPath::Malformed)?;
        let segment = String::from_utf8(bytes).map_err(|_| BadPath::Malformed)?;
        if segment == "." || segment == ".." || segment.contains(['/', '\\', '\0']) {
            return Err(BadPath::Traversal);
        }
        // An empty segment is only allowed last (a trailing slash).
        if segment.is_empty() && i + 1 != raw.len() {
            return Err(BadPath::Malformed);
        }
        segments.push(segment);
    }
    Ok(segments)
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hi = (hex[0] as char).to_digit(16)?;
            let lo = (hex[1] as char).to_digit(16)?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The Content-Type of a served file, by extension. Text types say UTF-8,
/// which is what annex writes.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = match name.rsplit_once('.') {
        Some((_, e)) => e.to_ascii_lowercase(),
        None => String::new(),
    };
    if name == "atom.xml" {
        return "application/atom+xml; charset=utf-8";
    }
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "csv" => "text/csv; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_decoded_once_after_splitting() {
        assert_eq!(
            path_segments("/meetings/a%20b/?x=1").unwrap(),
            vec!["meetings", "a b", ""]
        );
        assert_eq!(path_segments("/").unwrap(), vec![""]);
        // Double encoding stays literal text: it names no file.
        assert_eq!(path_segments("/%252e%252e/x").unwrap(), vec!["%2e%2e", "x"]);
    }

    #[test]
    fn traversal_in_every_spelling_is_refused() {
        for target in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E/x",
            "/.%2e/x",
            "/a%2f..%2f..%2fx",
            "/a%2Fb",
            "/a%5c..%5cx",
            "/a/%00",
            "/./x",
        ] {
            assert_eq!(path_segments(target), Err(BadPath::Traversal), "{target}");
        }
        for target in ["x", "http://h/x", "/a//b", "/%zz", "/%2", "/%ff%fe"] {
            assert_eq!(path_segments(target), Err(BadPath::Malformed), "{target}");
        }
    }

    #[test]
    fn every_emitted_file_type_has_its_content_type() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("assets/style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("a/app.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("logo.svg"), "image/svg+xml");
        assert_eq!(content_type("x.PNG"), "image/png");
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(
            content_type("atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(content_type("data/site.json"), "application/json");
        assert_eq!(content_type("data/meetings.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("meetings.ics"), "text/calendar; charset=utf-8");
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("f.woff2"), "font/woff2");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}

//! `annex check`: what `build` validates, plus the checks a careful editor
//! would make by hand — numbering, coverage, page ranges against the
//! schedule, and every link and anchor of the rendered site.
//!
//! Releases are often inconsistent with themselves, so the content checks
//! here are warnings: they point at something to look at, not something
//! the publisher may "fix" away from what the release says.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::grounds;
use crate::markers;
use crate::model::{Scope, Site};
use crate::yaml;

/// Content-level checks on a resolved site (all warnings).
pub fn content(site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::default();
    unused_grounds(site, &mut diags);
    paragraph_numbering(site, &mut diags);
    coverage(site, &mut diags);
    page_ranges(site, &mut diags);
    diags.sort();
    diags
}

/// What publishing needs beyond a consistent release: a base URL with a
/// host, without which `sitemap.xml`, `robots.txt`, `atom.xml` and
/// `meetings.ics` carry relative addresses, which the sitemap and Atom
/// formats do not allow. A warning: previews and sub-path builds are fine.
pub fn publishing(site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let url = &site.content.config.base_url;
    if !url.contains("://") {
        let text = std::fs::read_to_string(site.content.root.join("site.yaml")).unwrap_or_default();
        let (line, column) = if text.lines().any(|l| l.starts_with("base_url:")) {
            yaml::locate(&text, "base_url", url)
        } else {
            (0, 0)
        };
        diags.push(
            Diagnostic::warning(
                "base-url",
                crate::load::display_path(&site.content.root, Path::new("site.yaml")),
                format!(
                    "base_url `{url}` has no host: sitemap.xml, robots.txt, atom.xml and meetings.ics \
                     will carry relative addresses, which sitemaps and feeds do not allow"
                ),
            )
            .at(line, column)
            .hint("set base_url to the address the site is published at (https://example.org/release/), or build with --base-url"),
        );
    }
    diags
}

/// Codes the site declares itself (or the letter cites) that no marker uses.
/// Preset codes are not reported: a preset lists a whole Act.
fn unused_grounds(site: &Site, diags: &mut Diagnostics) {
    let c = &site.content;
    let used: BTreeSet<usize> = site
        .document_markers
        .iter()
        .flatten()
        .chain(site.participant_markers.iter().flatten())
        .flat_map(|u| u.grounds.iter().copied())
        .collect();
    let is_used = |code: &str| {
        site.ground_index
            .get(&grounds::key(code))
            .is_some_and(|i| used.contains(i))
    };
    let config_path = c.root.join("site.yaml");
    let config_text = std::fs::read_to_string(&config_path).unwrap_or_default();
    for g in &c.config.grounds.codes {
        if !is_used(&g.code) {
            let (line, col) = yaml::locate(&config_text, "code", &g.code);
            diags.push(
                Diagnostic::warning(
                    "unused-ground",
                    shown(&config_path),
                    format!("ground `{}` is declared but never used", g.code),
                )
                .at(line, col)
                .hint(
                    "remove it from `grounds.codes`, or check the documents for a misprinted code",
                ),
            );
        }
    }
    let release_text = std::fs::read_to_string(&c.release.path).unwrap_or_default();
    for g in &c.release.meta.grounds_cited {
        if !is_used(&g.code) {
            let (line, col) = yaml::locate(&release_text, "code", &g.code);
            diags.push(
                Diagnostic::warning(
                    "unused-ground",
                    &c.release.path,
                    format!("the letter cites `{}` but no released document uses it", g.code),
                )
                .at(line, col)
                .hint("check the documents for the code as printed; keep the citation if the letter really says so"),
            );
        }
    }
}

/// Gaps and repeats in each document's top-level paragraph numbers.
fn paragraph_numbering(site: &Site, diags: &mut Diagnostics) {
    for d in &site.content.documents {
        let mut last: Option<u32> = None;
        let mut seen: HashMap<u32, usize> = HashMap::new();
        for (i, line) in d.body.lines().enumerate() {
            let Some(number) = markers::paragraph_number(line) else {
                continue;
            };
            // Sub-paragraphs (`11.2`) follow their own numbering.
            let Ok(n) = number.parse::<u32>() else {
                continue;
            };
            let file_line = d.body_line + i;
            if let Some(&first) = seen.get(&n) {
                diags.push(
                    Diagnostic::warning("numbering", &d.path, format!("paragraph {n} is numbered again (first at line {first})"))
                        .at(file_line, 1)
                        .hint("releases repeat numbers by mistake; keep it as released and say so in `notes`"),
                );
            } else if let Some(prev) = last {
                if n > prev + 1 {
                    diags.push(
                        Diagnostic::warning(
                            "numbering",
                            &d.path,
                            format!("paragraph numbers jump from {prev} to {n}"),
                        )
                        .at(file_line, 1)
                        .hint("paragraphs may have been withheld or lost in extraction; compare with the release"),
                    );
                }
            }
            seen.entry(n).or_insert(file_line);
            last = Some(last.map_or(n, |p| p.max(n)));
        }
    }
}

/// Meetings with no document, and press items that report no meeting.
fn coverage(site: &Site, diags: &mut Diagnostics) {
    let c = &site.content;
    for (mi, m) in c.meetings.iter().enumerate() {
        if site.meeting_documents[mi].is_empty() && m.meta.scope != Scope::Excluded {
            diags.push(
                Diagnostic::warning("no-document", &m.path, "no released document covers this meeting")
                    .hint("add `sources:` naming the documents, or set `scope: excluded` / `withheld-in-full` with a `scope_note`"),
            );
        }
    }
    for (pi, p) in c.press.iter().enumerate() {
        if site.press_meetings[pi].is_empty() {
            diags.push(
                Diagnostic::warning("no-meeting", &p.path, "no meeting cites this press item")
                    .hint("add it to the `press:` list of the meetings it reports"),
            );
        }
    }
}

/// Documents whose release pages overlap each other, or leave gaps or
/// disagree with the schedule.
fn page_ranges(site: &Site, diags: &mut Diagnostics) {
    let c = &site.content;
    let mut docs: Vec<(u32, u32, usize)> = c
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.meta.pages.first, d.meta.pages.last, i))
        .collect();
    docs.sort();
    for pair in docs.windows(2) {
        let (a, b) = (&c.documents[pair[0].2], &c.documents[pair[1].2]);
        if pair[1].0 <= pair[0].1 {
            diags.push(
                Diagnostic::warning(
                    "pages",
                    &b.path,
                    format!("release pages {} overlap `{}` (pages {})", b.meta.pages, a.slug, a.meta.pages),
                )
                .hint("check the page range against the release; if the release itself is inconsistent, add a note"),
            );
        } else if pair[1].0 > pair[0].1 + 1 {
            diags.push(
                Diagnostic::warning(
                    "pages",
                    &b.path,
                    format!(
                        "release pages {}-{} are in no document",
                        pair[0].1 + 1,
                        pair[1].0 - 1
                    ),
                )
                .hint("a document may be missing from content/documents"),
            );
        }
    }
    let by_slug: HashMap<&str, &crate::model::Document> =
        c.documents.iter().map(|d| (d.slug.as_str(), d)).collect();
    let release_text = std::fs::read_to_string(&c.release.path).unwrap_or_default();
    for row in &c.release.meta.schedule {
        for sd in &row.documents {
            let (Some(slug), Some(pages)) = (&sd.document, sd.pages) else {
                continue;
            };
            let Some(doc) = by_slug.get(slug.as_str()) else {
                continue;
            };
            if pages != doc.meta.pages {
                let (line, col) = yaml::locate(&release_text, "pages", &pages.to_string());
                diags.push(
                    Diagnostic::warning(
                        "pages",
                        &c.release.path,
                        format!("the schedule gives pages {pages} for `{slug}`, whose own range is {}", doc.meta.pages),
                    )
                    .at(line, col)
                    .hint("keep what the release says; record the inconsistency in the document's `notes`"),
                );
            }
        }
    }
}

/// Broken internal links and `#anchors` in a rendered site. `files` maps
/// each output file's path relative to the output root
/// (`meetings/x/index.html`, `style.css`) to its bytes; links in the
/// `.html` files are resolved as a browser would against the page's URL,
/// with the site served under `base_path` (`/` or `/release/`).
pub fn links(files: &BTreeMap<PathBuf, Vec<u8>>, base_path: &str) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let pages: BTreeMap<&Path, &str> = files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "html"))
        .filter_map(|(p, b)| Some((p.as_path(), std::str::from_utf8(b).ok()?)))
        .collect();
    let ids: HashMap<&Path, BTreeSet<&str>> = pages
        .iter()
        .map(|(p, html)| (*p, attribute_values(html, "id").map(|(_, v)| v).collect()))
        .collect();
    for (&page, &html) in &pages {
        for (offset, href) in attribute_values(html, "href").chain(attribute_values(html, "src")) {
            if is_external(href) {
                continue;
            }
            let href = decode_entities(href);
            let (target_path, fragment) = split_fragment(&href);
            let target = if target_path.is_empty() {
                Some(page.to_path_buf())
            } else if target_path.starts_with('/') {
                // Root-absolute links (404 pages need them) are fine only
                // inside the base path.
                target_path.strip_prefix(base_path).and_then(|inside| {
                    resolve_link(
                        Path::new("index.html"),
                        if inside.is_empty() { "./" } else { inside },
                    )
                })
            } else {
                resolve_link(page, target_path)
            };
            let (line, col) = crate::diagnostics::line_col(html, offset);
            let Some(target) = target else {
                diags.push(
                    Diagnostic::error(
                        "broken-link",
                        page,
                        format!("link `{href}` leaves the site"),
                    )
                    .at(line, col)
                    .hint("internal links must be relative and stay inside the output folder"),
                );
                continue;
            };
            let exists = files.contains_key(&target);
            if !exists {
                diags.push(
                    Diagnostic::error(
                        "broken-link",
                        page,
                        format!("link `{href}` points to a missing page"),
                    )
                    .at(line, col)
                    .hint(
                        "the target is not part of the built site: check the slug or the template",
                    ),
                );
                continue;
            }
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                if let Some(target_ids) = ids.get(target.as_path()) {
                    if !target_ids.contains(fragment) {
                        diags.push(
                            Diagnostic::error(
                                "broken-anchor",
                                page,
                                format!(
                                    "anchor `#{fragment}` does not exist in {}",
                                    target.display()
                                ),
                            )
                            .at(line, col)
                            .hint("check the paragraph or page number the link points to"),
                        );
                    }
                }
            }
        }
    }
    diags.sort();
    diags
}

/// Puts each broken link or anchor that a content file wrote (its
/// Markdown) on that file, at the link, instead of on the rendered page:
/// the file is what the user edits. A link the page's template made, or
/// one not found as written in the file, stays on the page.
pub fn on_sources(diags: Diagnostics, site: &Site) -> Diagnostics {
    let c = &site.content;
    let page = |folder: &str, slug: &str| Path::new(folder).join(slug).join("index.html");
    let source_of: HashMap<PathBuf, &Path> = (c.meetings.iter())
        .map(|e| (page("meetings", &e.slug), e.path.as_path()))
        .chain(
            c.documents
                .iter()
                .map(|e| (page("documents", &e.slug), e.path.as_path())),
        )
        .chain(
            c.press
                .iter()
                .map(|e| (page("press", &e.slug), e.path.as_path())),
        )
        .collect();
    let mut texts: HashMap<&Path, String> = HashMap::new();
    let moved = diags
        .0
        .into_iter()
        .map(|d| {
            if d.code != "broken-link" && d.code != "broken-anchor" {
                return d;
            }
            let Some(&source) = source_of.get(&d.path) else {
                return d;
            };
            // The link as written: `link `X` ...` or `anchor `#X` ...`.
            let Some(written) = d.message.split('`').nth(1) else {
                return d;
            };
            let text = texts
                .entry(source)
                .or_insert_with(|| std::fs::read_to_string(source).unwrap_or_default());
            let Some(offset) = text
                .find(&format!("]({written}"))
                .map(|i| i + 2)
                .or_else(|| text.find(&format!("({written}")).map(|i| i + 1))
                .or_else(|| {
                    written
                        .starts_with('#')
                        .then(|| text.find(written))
                        .flatten()
                })
            else {
                return d;
            };
            let (line, column) = crate::diagnostics::line_col(text, offset);
            let mut moved = Diagnostic::error(
                d.code,
                source,
                format!("{} (on {})", d.message, d.path.display()),
            )
            .at(line, column);
            moved.hint = d.hint;
            moved
        })
        .collect();
    let mut diags = Diagnostics(moved);
    diags.sort();
    diags
}

/// Fetches every distinct external `http(s)` link of the rendered pages,
/// eight at a time with a ten-second limit each, and reports those that
/// fail at the first place they appear.
pub fn external_links(files: &BTreeMap<PathBuf, Vec<u8>>) -> Diagnostics {
    use rayon::prelude::*;
    let mut first_use: BTreeMap<String, (PathBuf, usize, usize)> = BTreeMap::new();
    for (page, bytes) in files {
        if page.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let Ok(html) = std::str::from_utf8(bytes) else {
            continue;
        };
        for (offset, href) in attribute_values(html, "href").chain(attribute_values(html, "src")) {
            let lower = href.to_ascii_lowercase();
            if lower.starts_with("http://") || lower.starts_with("https://") {
                let url = decode_entities(href);
                first_use.entry(url).or_insert_with(|| {
                    let (line, col) = crate::diagnostics::line_col(html, offset);
                    (page.clone(), line, col)
                });
            }
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(8).build();
    let fetch = || -> Vec<Diagnostic> {
        first_use
            .par_iter()
            .filter_map(|(url, (page, line, col))| {
                let status = match agent.head(url).call() {
                    // Some servers refuse HEAD; ask again with GET before judging.
                    Ok(r) if r.status().as_u16() < 400 => return None,
                    _ => agent.get(url).call(),
                };
                let problem = match status {
                    Ok(r) if r.status().as_u16() < 400 => return None,
                    Ok(r) => format!("HTTP {}", r.status().as_u16()),
                    Err(e) => e.to_string(),
                };
                Some(
                    Diagnostic::error(
                        "external-link",
                        page,
                        format!("external link {url} failed: {problem}"),
                    )
                    .at(*line, *col)
                    .hint("check the address; if the site moved, link to an archived copy"),
                )
            })
            .collect()
    };
    let found = match pool {
        Ok(pool) => pool.install(fetch),
        Err(_) => fetch(),
    };
    let mut diags = Diagnostics(found);
    diags.sort();
    diags
}

fn is_external(href: &str) -> bool {
    let lower = href.trim_start().to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:")
        || lower.starts_with("data:")
        || lower.starts_with("//")
}

fn split_fragment(href: &str) -> (&str, Option<&str>) {
    let href = href.split('?').next().unwrap_or_default();
    match href.split_once('#') {
        Some((path, frag)) => (path, Some(frag)),
        None => (href, None),
    }
}

/// The output file a relative link from `page` reaches, or `None` when it
/// climbs above the output root. Folder links mean their `index.html`.
fn resolve_link(page: &Path, href: &str) -> Option<PathBuf> {
    if href.starts_with('/') {
        return None;
    }
    let mut parts: Vec<String> = page
        .parent()
        .map(|p| p.iter().map(|s| s.to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    for seg in href.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(percent_decode(s)),
        }
    }
    let mut path: PathBuf = parts.iter().collect();
    if href.ends_with('/') || href.is_empty() || href == "." || href.ends_with("/.") {
        path.push("index.html");
    }
    Some(path)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn decode_entities(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
}

/// `(offset, value)` of every `name="value"` attribute in `html`. The
/// pages are annex's own output, so a scan for quoted attributes suffices.
fn attribute_values<'h>(
    html: &'h str,
    name: &'h str,
) -> impl Iterator<Item = (usize, &'h str)> + 'h {
    let needle_dq = format!(" {name}=\"");
    let mut from = 0;
    std::iter::from_fn(move || {
        let i = html[from..].find(&needle_dq)? + from;
        let start = i + needle_dq.len();
        let end = html[start..].find('"')? + start;
        from = end;
        Some((start, &html[start..end]))
    })
}

fn shown(path: &Path) -> PathBuf {
    path.strip_prefix(".")
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(list: &[(&str, &str)]) -> BTreeMap<PathBuf, Vec<u8>> {
        list.iter()
            .map(|(p, h)| (PathBuf::from(p), h.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn relative_links_and_anchors_resolve() {
        let site = pages(&[
            (
                "index.html",
                r#"<a href="meetings/a/">a</a> <a href="meetings/a/#p1">p1</a>"#,
            ),
            (
                "meetings/a/index.html",
                r##"<p id="p1">x</p><a href="../../">home</a><a href="#p1">self</a>"##,
            ),
        ]);
        assert!(links(&site, "/").0.is_empty(), "{:?}", links(&site, "/"));
    }

    #[test]
    fn missing_pages_anchors_and_escapes_are_errors() {
        let site = pages(&[
            ("index.html", r#"<a href="meetings/b/">b</a>"#),
            (
                "meetings/a/index.html",
                r##"<a href="#p9">x</a><a href="../../../up/">up</a><a href="/abs/">abs</a>"##,
            ),
        ]);
        let d = links(&site, "/release/");
        let codes: Vec<&str> = d.0.iter().map(|d| d.code).collect();
        assert_eq!(
            codes.iter().filter(|c| **c == "broken-link").count(),
            3,
            "{d:?}"
        );
        assert_eq!(
            codes.iter().filter(|c| **c == "broken-anchor").count(),
            1,
            "{d:?}"
        );
    }

    #[test]
    fn external_links_are_fetched_and_failures_located() {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(8) {
                let Ok(mut s) = stream else { continue };
                let mut buf = [0u8; 1024];
                let n = s.read(&mut buf).unwrap_or(0);
                let req = String::from_utf8_lossy(&buf[..n]);
                let status = if req.contains("/ok ") {
                    "200 OK"
                } else {
                    "404 Not Found"
                };
                let _ = write!(
                    s,
                    "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
        });
        let html = format!(
            r#"<a href="http://127.0.0.1:{port}/ok">a</a>
<a href="http://127.0.0.1:{port}/missing">b</a>"#
        );
        let files = pages(&[("index.html", &html)]);
        let d = external_links(&files);
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert!(
            d.0[0].message.contains("/missing") && d.0[0].message.contains("404"),
            "{}",
            d.0[0]
        );
        assert_eq!(d.0[0].line, 2);
    }

    #[test]
    fn percent_encoded_links_are_decoded() {
        assert_eq!(percent_decode("t%C4%93n%C4%81"), "tēnā");
        assert_eq!(
            resolve_link(Path::new("a/index.html"), "../b%20c/").unwrap(),
            PathBuf::from("b c/index.html")
        );
    }
}

#!/usr/bin/env python3
"""Fetch a built site through a running web server and fail on anything but 200.

Usage: fetch_site.py SITE_DIR SERVER_BASE [--site-url URL]
  SITE_DIR     the built site on disk
  SERVER_BASE  where a server serves it, e.g. http://127.0.0.1:8080/release/
  --site-url   the site's --base-url (https://example.org/release/): absolute links
               that start with it are fetched through the server as well

Fetched: every file of SITE_DIR (pages by their folder URL `.../meetings/x/` as well
as by `index.html`), and every same-site URL referenced by any HTML page (href, src,
srcset, ...) or CSS file (url(), @import), resolved as a browser would. Checked:
status 200 with no redirect; HTML answers as text/html, CSS as text/css, JavaScript as
javascript, SVG as image/svg+xml; a root-absolute link never leaves the sub-path; an
unknown URL gets 404 (with the site's 404.html as its body when the site has one); the
sub-path without its slash redirects to the sub-path. Prints each failure, then
`fetched=N failed=N`. Exit 1 on any failure.
"""
import argparse
import http.client
import os
import re
import sys
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urljoin, urlsplit

LINK_ATTRS = {("a", "href"), ("link", "href"), ("area", "href"), ("img", "src"),
              ("script", "src"), ("source", "src"), ("iframe", "src"), ("video", "src"),
              ("audio", "src"), ("track", "src"), ("embed", "src"), ("form", "action"),
              ("use", "href"), ("image", "href"), ("video", "poster"), ("object", "data")}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
TYPES = {".html": ("text/html",), ".css": ("text/css",),
         ".js": ("application/javascript", "text/javascript"), ".mjs": ("text/javascript", "application/javascript"),
         ".svg": ("image/svg+xml",)}


class Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if (tag, name) in LINK_ATTRS or (tag in ("use", "image") and name == "xlink:href"):
                self.links.append(value.strip())
            if name in ("srcset", "imagesrcset"):
                for part in value.split(","):
                    if part.strip():
                        self.links.append(part.strip().split()[0])
            if name == "style":
                self.links.extend(a or b for a, b in CSS_URL.findall(value))

    handle_startendtag = handle_starttag


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("server_base")
    ap.add_argument("--site-url", default="")
    a = ap.parse_args()
    site = os.path.realpath(a.site)
    server = urlsplit(a.server_base)
    base = "/" + server.path.strip("/") + "/" if server.path.strip("/") else "/"
    site_url = a.site_url.rstrip("/") + "/" if a.site_url else ""
    failures = []
    wanted = {}  # URL path (quoted) -> where it came from

    def want(path, source):
        wanted.setdefault(path, source)

    for root, dirs, files in os.walk(site):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            rel = os.path.relpath(full, site).replace(os.sep, "/")
            want(base + quote(rel), "file on disk")
            if name == "index.html":
                want(base + quote(rel[: -len("index.html")]), "file on disk")
            if not name.endswith((".html", ".css")):
                continue
            page_url = base + quote(rel[: -len("index.html")] if name == "index.html" else rel)
            with open(full, encoding="utf-8", errors="replace") as f:
                text = f.read()
            if name.endswith(".html"):
                parser = Links()
                parser.feed(text)
                links = parser.links
            else:
                links = [x or y for x, y in CSS_URL.findall(text)]
            for link in links:
                if not link or link.startswith(("#", "mailto:", "tel:", "data:", "javascript:")):
                    continue
                if site_url and link.startswith(site_url):
                    link = base + link[len(site_url):]
                parts = urlsplit(link)
                if parts.scheme or parts.netloc:
                    continue  # external
                resolved = urlsplit(urljoin(page_url, link))
                path = resolved.path + ("?" + resolved.query if resolved.query else "")
                if not resolved.path.startswith(base):
                    failures.append(f"{rel}: {link} leaves the sub-path {base}")
                    continue
                want(path, rel)

    conn = http.client.HTTPConnection(server.hostname, server.port or 80, timeout=20)

    def get(path):
        nonlocal conn
        for attempt in (1, 2):
            try:
                conn.request("GET", path, headers={"Host": server.netloc})
                resp = conn.getresponse()
                return resp.status, resp.getheader("Content-Type") or "", resp.getheader("Location") or "", resp.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = http.client.HTTPConnection(server.hostname, server.port or 80, timeout=20)
                if attempt == 2:
                    raise

    for path in sorted(wanted):
        status, ctype, location, _ = get(path)
        if status != 200:
            extra = f" -> {location}" if location else ""
            failures.append(f"{path}: HTTP {status}{extra} (referenced from {wanted[path]})")
            continue
        plain = unquote(urlsplit(path).path)
        ext = ".html" if plain.endswith("/") else os.path.splitext(plain)[1].lower()
        expected = TYPES.get(ext)
        if expected and not ctype.split(";")[0].strip().lower() in expected:
            failures.append(f"{path}: Content-Type {ctype!r}, expected {expected[0]}")

    missing = base + "annex-ci-no-such-page/"
    status, _, _, body = get(missing)
    if status != 404:
        failures.append(f"{missing}: HTTP {status}, expected 404")
    page404 = os.path.join(site, "404.html")
    if os.path.isfile(page404):
        with open(page404, "rb") as f:
            if body != f.read():
                failures.append(f"{missing}: the 404 answer is not the site's 404.html")
    if base != "/":
        status, _, location, _ = get(base.rstrip("/"))
        if status not in (301, 302, 308) or not location.endswith(base):
            failures.append(f"{base.rstrip('/')}: HTTP {status} -> {location!r}, expected a redirect to {base}")

    for line in failures:
        print(line)
    print(f"fetched={len(wanted)} failed={len(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

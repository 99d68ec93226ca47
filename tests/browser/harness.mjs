// Shared setup for the browser tests: the built site, a static server on 127.0.0.1
// serving it under its base path, and Debian's chromium driven by playwright-core.
//
// Environment (all optional):
//   ANNEX_SITE_DIR        built site (default target/ci/site-release, as .ci/run builds it)
//   ANNEX_BASE_PATH       the path it is served under (default /release/)
//   ANNEX_SCREENSHOT_DIR  where screenshots and print PDFs go (default target/screenshots)
//   VALIDATORS_DIR        where playwright-core is installed (as for ../shared/validators)
//   CHROMIUM              the browser (default /usr/bin/chromium); never a downloaded one
import { createRequire } from "node:module";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

function loadPlaywright() {
  const validators = process.env.VALIDATORS_DIR ||
    path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "annex-validators");
  for (const from of [path.join(validators, "node_modules", "x.js"), import.meta.url]) {
    try {
      return createRequire(from)("playwright-core");
    } catch {
      // try the next place
    }
  }
  throw new Error(
    `playwright-core not found in ${validators}: run ../shared/validators/install.sh ` +
    "(or scripts/validators/install.sh), or bash .ci/run");
}
const { chromium } = loadPlaywright();

export const siteDir = path.resolve(repo, process.env.ANNEX_SITE_DIR || "target/ci/site-release");
export const basePath = (() => {
  const trimmed = (process.env.ANNEX_BASE_PATH ?? "/release/").replace(/^\/+|\/+$/g, "");
  return trimmed ? `/${trimmed}/` : "/";
})();
export const screenshotDir = path.resolve(repo, process.env.ANNEX_SCREENSHOT_DIR || "target/screenshots");

if (!fs.existsSync(path.join(siteDir, "index.html"))) {
  throw new Error(
    `no built site at ${siteDir}: build one first, e.g. ` +
    `cargo run --release -- build --base-url https://example.org${basePath} --output ${siteDir}`);
}

// ------------------------------------------------------------------ pages on disk

/** Site-relative page paths (`meetings/x/`) of every `<section>/<slug>/index.html`. */
export function pagesIn(section) {
  const dir = path.join(siteDir, section);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, "index.html")))
    .map((e) => `${section}/${e.name}/`)
    .sort();
}

/** How many badge groups (`data-grounds`) a page's HTML holds. */
export function badgeCount(page) {
  const html = fs.readFileSync(path.join(siteDir, page, "index.html"), "utf8");
  return (html.match(/\sdata-grounds=/g) || []).length;
}

/** The page of `section` with the most badge groups (first in name order on ties). */
export function pageWithMostBadges(section) {
  let best = null;
  let most = 0;
  for (const page of pagesIn(section)) {
    const n = badgeCount(page);
    if (n > most) { best = page; most = n; }
  }
  return best;
}

// ------------------------------------------------------------------ static server

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json", ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
  ".gif": "image/gif", ".webp": "image/webp", ".ico": "image/x-icon", ".woff2": "font/woff2",
  ".woff": "font/woff", ".csv": "text/csv; charset=utf-8", ".pdf": "application/pdf",
};

/** Serves siteDir under basePath on 127.0.0.1 (ephemeral port), as a static host would. */
export async function startServer() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let pathname;
    try { pathname = decodeURIComponent(url.pathname); } catch { pathname = ""; }
    const send = (status, file, headers = {}) => {
      res.writeHead(status, { "Content-Type": TYPES[path.extname(file).toLowerCase()] || "application/octet-stream", ...headers });
      fs.createReadStream(file).pipe(res);
    };
    const notFound = () => {
      const page404 = path.join(siteDir, "404.html");
      if (fs.existsSync(page404)) return send(404, page404);
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
    };
    if (pathname === basePath.replace(/\/$/, "") && basePath !== "/") {
      return res.writeHead(301, { Location: basePath }).end();
    }
    if (!pathname.startsWith(basePath)) return notFound();
    const file = path.resolve(siteDir, "." + path.posix.normalize("/" + pathname.slice(basePath.length)));
    if (file !== siteDir && !file.startsWith(siteDir + path.sep)) return notFound();
    let stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat && stat.isDirectory()) {
      if (!pathname.endsWith("/")) return res.writeHead(301, { Location: url.pathname + "/" }).end();
      stat = fs.statSync(path.join(file, "index.html"), { throwIfNoEntry: false });
      return stat && stat.isFile() ? send(200, path.join(file, "index.html")) : notFound();
    }
    return stat && stat.isFile() ? send(200, file) : notFound();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    /** Absolute URL of a site-relative page path (`meetings/x/`, `` for home). */
    url: (page = "") => origin + basePath + page,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

// ------------------------------------------------------------------ browser

/** Debian's chromium, headless, with a fresh profile; returns { context, close }. */
export async function launchBrowser() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "annex-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Opens `url` in a new page of `width` px and fails on anything but HTTP 200. */
export async function open(context, url, width = 1280) {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  const resp = await page.goto(url, { waitUntil: "load" });
  if (!resp || resp.status() !== 200) {
    throw new Error(`${url}: HTTP ${resp ? resp.status() : "no response"}`);
  }
  return page;
}

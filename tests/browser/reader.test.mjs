// Reader features in a real browser (issue 7): search by word, across macrons and by a
// ground filter; the cite control and its anchor; the data downloads and their counts.
// The site is served under its base path (ANNEX_BASE_PATH, default /release/).
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { badgeCount, basePath, launchBrowser, open, pagesIn, siteDir, startServer } from "./harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Runs a search on the search page; returns the results' hrefs and badge codes. */
async function search(page, { q = "", ground = "" } = {}) {
  await page.waitForSelector("#search-form:not([hidden])");
  if (ground) await page.selectOption("#f-ground", ground);
  await page.fill("#search-q", q);
  await page.press("#search-q", "Enter");
  await page.waitForFunction(() => /found/.test(document.getElementById("search-status").textContent));
  return page.$$eval("#search-results > li", (lis) => lis.map((li) => ({
    href: li.querySelector("h2 a").getAttribute("href"),
    grounds: Array.from(li.querySelectorAll("[data-grounds]")).map((b) => b.getAttribute("data-grounds")).join(" "),
    badgeLinks: Array.from(li.querySelectorAll("[data-grounds] a")).map((a) => a.href),
  })));
}

test("search finds a word, and finds it without macrons", async () => {
  const page = await open(browser.context, server.url("search/"));
  const hits = await search(page, { q: "Strategic Dialogue" });
  assert.ok(hits.some((h) => h.href === `${basePath}documents/01-kurt-campbell/`),
    `the Campbell file note is found: ${JSON.stringify(hits.map((h) => h.href))}`);
  for (const h of hits) assert.ok(h.href.startsWith(basePath), `${h.href} stays under ${basePath}`);

  // The cover letter (on the home page) opens "Tēnā koe".
  const plain = await search(page, { q: "Tena koe" });
  assert.ok(plain.some((h) => h.href === basePath), `"Tena koe" finds the letter: ${JSON.stringify(plain)}`);
  const macrons = await search(page, { q: "Tēnā koe" });
  assert.deepEqual(plain.map((h) => h.href), macrons.map((h) => h.href));
  // The address keeps the query, so a search can be shared.
  assert.match(page.url(), /\?q=T/);
  await page.close();
});

test("a ground filter returns exactly the pages with that ground, with their badges", async () => {
  const code = "s9(2)(g)(i)";
  const page = await open(browser.context, server.url("search/"));
  const hits = await search(page, { ground: code });
  const expected = pagesIn("documents").filter((p) => {
    const html = fs.readFileSync(path.join(siteDir, p, "index.html"), "utf8");
    const text = html.slice(html.indexOf('class="doc-text"'));
    return new RegExp(`data-grounds="[^"]*${code.replace(/[()]/g, "\\$&")}`).test(text);
  }).map((p) => basePath + p);
  const found = hits.map((h) => h.href);
  for (const doc of expected) assert.ok(found.includes(doc), `${doc} has ${code}: ${JSON.stringify(found)}`);
  for (const h of hits) {
    assert.ok(h.grounds.split(" ").includes(code), `${h.href} shows a ${code} badge (${h.grounds})`);
    assert.ok(h.badgeLinks.every((u) => new URL(u).pathname.startsWith(`${basePath}grounds/`)));
  }
  // A word and a filter together narrow the results.
  const both = await search(page, { q: "Campbell", ground: code });
  assert.ok(both.length > 0 && both.length <= hits.length);
  await page.close();
});

test("without JavaScript the search page offers the indexes", () => {
  const html = fs.readFileSync(path.join(siteDir, "search", "index.html"), "utf8");
  assert.match(html, /<form id="search-form"[^>]* hidden/);
  const noscript = html.slice(html.indexOf("<noscript>"), html.indexOf("</noscript>"));
  for (const index of ["meetings/", "documents/", "grounds/", "participants/"]) {
    assert.ok(noscript.includes(`href="../${index}"`), `noscript links to ${index}`);
  }
});

test("cite a paragraph: the citation names it and its anchor leads back to it", async () => {
  const page = await open(browser.context, server.url("documents/01-kurt-campbell/"));
  const summary = page.locator("#p20 details.cite > summary");
  const box = await summary.boundingBox();
  assert.ok(box.height >= 24 && box.width >= 24, `target size ${box.width}x${box.height}`);
  // Keyboard: focus the control and open it with Enter.
  await summary.focus();
  await page.keyboard.press("Enter");
  const citation = page.locator("#p20 .cite-text");
  await citation.waitFor({ state: "visible" });
  const text = (await citation.textContent()).trim();
  assert.match(text, /^Ministry of Foreign Affairs and Trade, OIA 29619 \(11 October 2024\), ".*Kurt Campbell", para 20, release p\. \d+, <.*#p20>$/);
  // The cited address, served here, lands on the paragraph.
  const cited = new URL(text.slice(text.lastIndexOf("<") + 1, -1));
  const local = server.url(cited.pathname.slice(basePath.length)) + cited.hash;
  const target = await open(browser.context, local);
  const targetId = await target.evaluate(() => document.querySelector(":target")?.id);
  assert.equal(targetId, "p20");
  const inView = await target.evaluate(() => {
    const r = document.getElementById("p20").getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight;
  });
  assert.ok(inView, "the cited paragraph is scrolled into view");
  await target.close();
  await page.close();
});

test("the data downloads open and their counts match the site", async () => {
  const page = await open(browser.context, server.url("data/"));
  const fetchText = (href) => page.evaluate(async (h) => {
    const r = await fetch(h);
    return { status: r.status, type: r.headers.get("content-type"), text: await r.text() };
  }, href);
  const hrefs = await page.$$eval("main h2 a", (as) => as.map((a) => a.getAttribute("href")));
  assert.deepEqual(hrefs, ["../release.json", "../redactions.csv", "../meetings.ics"]);

  const meetings = pagesIn("meetings").length;
  const badges = pagesIn("documents").reduce((n, p) => n + badgeCount(p) - countOutsideText(p), 0);

  const json = await fetchText("../release.json");
  assert.equal(json.status, 200);
  const release = JSON.parse(json.text);
  assert.equal(release.version, 1);
  assert.equal(release.meetings.length, meetings);
  assert.equal(release.documents.length, pagesIn("documents").length);
  assert.equal(release.stats.markers, badges);

  const csv = await fetchText("../redactions.csv");
  assert.equal(csv.status, 200);
  assert.equal(csv.text.trim().split("\r\n").length - 1, badges);

  const ics = await fetchText("../meetings.ics");
  assert.equal(ics.status, 200);
  assert.equal((ics.text.match(/^BEGIN:VEVENT\r$/gm) || []).length, meetings);
  await page.close();
});

/** Badge groups of a document page outside its released text (none expected, but the
 * count of markers is defined on the text alone). */
function countOutsideText(page) {
  const html = fs.readFileSync(path.join(siteDir, page, "index.html"), "utf8");
  const start = html.indexOf('class="doc-text"');
  const end = html.indexOf("</section>", start);
  const inside = (html.slice(start, end).match(/\sdata-grounds=/g) || []).length;
  return badgeCount(page) - inside;
}

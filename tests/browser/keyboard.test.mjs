// Keyboard-only navigation: Tab alone reaches every badge link of a document page, and
// each badge's explanation (the ground's wording) is visible while its link has focus,
// without any script of the page's own needing to run.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, open, pageWithMostBadges, startServer } from "./harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

// Runs in the page for the focused element: is it a badge link, and is an explanation
// of it visible? An explanation is text of at least 20 characters, other than the codes
// themselves, shown by an element inside the badge group (or the link), by an element
// the link names with aria-describedby, or by a ::before/::after box of the link or group.
function inspectFocus() {
  const el = document.activeElement;
  if (!el || el === document.body) return { kind: "none" };
  if (!el.matches("[data-grounds] a")) return { kind: "other" };
  const group = el.closest("[data-grounds]");
  const codes = group.getAttribute("data-grounds");
  const shown = (node) => {
    if (node.checkVisibility && !node.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    const r = node.getBoundingClientRect();
    if (r.width < 4 || r.height < 4) return false; // visually-hidden text is for screen readers
    const cs = getComputedStyle(node);
    if (cs.clip === "rect(0px, 0px, 0px, 0px)" || /inset\(50%\)/.test(cs.clipPath)) return false;
    if (r.right < 0 || r.bottom < 0 || r.left > document.documentElement.scrollWidth) return false;
    return true;
  };
  const explains = (text) => {
    const t = (text || "").replace(/\s+/g, " ").trim();
    let rest = t;
    for (const code of codes.split(/\s+/)) rest = rest.split(code).join("");
    return rest.replace(/[\s,;]/g, "").length >= 20 ? t : "";
  };
  const candidates = [];
  for (const id of (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean)) {
    const target = document.getElementById(id);
    if (target) candidates.push(target);
  }
  candidates.push(...el.querySelectorAll("*"), ...group.querySelectorAll("*"));
  for (const c of candidates) {
    if (c === el) continue;
    if (shown(c) && explains(c.innerText)) return { kind: "badge", index: el.dataset.annexCi, explained: explains(c.innerText) };
  }
  for (const c of [el, group]) {
    for (const pseudo of ["::before", "::after"]) {
      const cs = getComputedStyle(c, pseudo);
      if (cs.display === "none" || cs.visibility !== "visible" || cs.content === "none" || cs.content === "normal") continue;
      const m = /^attr\(([^)]+)\)$/.exec(cs.content);
      const text = m ? c.getAttribute(m[1].trim()) : cs.content.replace(/^"|"$/g, "");
      if (explains(text)) return { kind: "badge", index: el.dataset.annexCi, explained: explains(text) };
    }
  }
  return { kind: "badge", index: el.dataset.annexCi, explained: "", codes };
}

test("Tab reaches every badge link on a document page and shows its explanation", async () => {
  const docPage = pageWithMostBadges("documents");
  assert.ok(docPage, "no document page with a badge group (data-grounds) in the built site");
  const page = await open(browser.context, server.url(docPage));
  const total = await page.evaluate(() => {
    const links = document.querySelectorAll("[data-grounds] a");
    links.forEach((a, i) => { a.dataset.annexCi = String(i); });
    return links.length;
  });
  assert.ok(total > 0, `${docPage}: badge groups hold no links`);
  // Every element Tab could stop at, plus a margin: the walk cannot loop for ever.
  const limit = 10 + await page.evaluate(() =>
    document.querySelectorAll("a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable]").length);

  const reached = new Set();
  const unexplained = [];
  let started = false;
  for (let i = 0; i < limit && reached.size < total; i++) {
    await page.keyboard.press("Tab");
    const focus = await page.evaluate(inspectFocus);
    if (focus.kind === "none") {
      if (started) break; // focus left the page: the walk is complete
      continue;
    }
    started = true;
    if (focus.kind !== "badge" || reached.has(focus.index)) continue;
    reached.add(focus.index);
    if (!focus.explained) unexplained.push(`link #${focus.index} in data-grounds="${focus.codes}"`);
  }
  const missed = [];
  for (let i = 0; i < total; i++) if (!reached.has(String(i))) missed.push(i);
  console.log(`${docPage}: ${reached.size}/${total} badge links reached by Tab`);
  assert.deepEqual(missed, [], `${docPage}: badge links never reached by Tab (indexes among [data-grounds] a)`);
  assert.deepEqual(unexplained, [], `${docPage}: badge links whose explanation is not visible on focus`);
  await page.close();
});

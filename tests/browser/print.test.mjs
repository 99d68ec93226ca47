// Print: with print media, every badge shows its codes as text, and the PDF that
// chromium prints contains them (checked with pdftotext from Debian's poppler-utils).
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { launchBrowser, open, pageWithMostBadges, screenshotDir, startServer } from "./harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const squeeze = (s) => s.replace(/\s+/g, "");

for (const section of ["documents", "meetings"]) {
  test(`print stylesheet prints badges as text (${section})`, async (t) => {
    const target = pageWithMostBadges(section);
    if (section === "documents") assert.ok(target, "no document page with a badge group in the built site");
    if (!target) return t.skip("no meeting page shows a badge");
    const page = await open(browser.context, server.url(target));
    await page.emulateMedia({ media: "print" });
    const groups = await page.evaluate(() => [...document.querySelectorAll("[data-grounds]")].map((g) => {
      const r = g.getBoundingClientRect();
      return { codes: g.getAttribute("data-grounds"), text: g.innerText, width: r.width, height: r.height };
    }));
    assert.ok(groups.length > 0);
    const bad = groups.filter((g) => g.width < 1 || g.height < 1 ||
      !g.codes.split(/\s+/).every((code) => squeeze(g.text).includes(squeeze(code))));
    assert.deepEqual(bad, [], `${target}: badge groups whose codes are not printed as text`);

    fs.mkdirSync(screenshotDir, { recursive: true });
    const pdf = path.join(screenshotDir, `print-${target.replace(/\/$/, "").replace(/\//g, "-")}.pdf`);
    await page.pdf({ path: pdf, format: "A4", printBackground: false });
    let text;
    try {
      text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
    } catch (e) {
      assert.fail(`pdftotext failed (apt-get install poppler-utils): ${e.message}`);
    }
    const printed = squeeze(text);
    const codes = [...new Set(groups.flatMap((g) => g.codes.split(/\s+/)))];
    const missing = codes.filter((code) => !printed.includes(squeeze(code)));
    assert.deepEqual(missing, [], `${pdf}: codes missing from the printed PDF`);
    console.log(`${target}: ${groups.length} badge groups, codes ${codes.join(" ")} printed; ${pdf}`);
    await page.close();
  });
}

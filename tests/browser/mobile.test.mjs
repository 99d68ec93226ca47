// Small screens: no meeting page scrolls sideways at 375 px (an iPhone's width).
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, open, pagesIn, startServer } from "./harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

test("meeting pages at 375 px have no horizontal scroll", async () => {
  const meetings = pagesIn("meetings");
  assert.ok(meetings.length > 0, "no meeting pages (meetings/<slug>/index.html) in the built site");
  const wide = [];
  for (const meeting of meetings) {
    const page = await open(browser.context, server.url(meeting), 375);
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    if (scrollWidth > clientWidth) wide.push(`${meeting}: scrollWidth ${scrollWidth} > clientWidth ${clientWidth}`);
    await page.close();
  }
  console.log(`${meetings.length} meeting pages checked at 375 px`);
  assert.deepEqual(wide, []);
});

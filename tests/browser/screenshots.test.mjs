// Screenshots for review (not compared): the home page and a meeting page at 1280 px
// and 375 px, full length, as PNG files in ANNEX_SCREENSHOT_DIR (target/screenshots).
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launchBrowser, open, pagesIn, screenshotDir, startServer } from "./harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

test("screenshots of the home page and a meeting page at 1280 and 375 px", async () => {
  const meeting = pagesIn("meetings")[0];
  assert.ok(meeting, "no meeting page in the built site");
  fs.mkdirSync(screenshotDir, { recursive: true });
  for (const [name, target] of [["home", ""], [`meeting-${meeting.split("/")[1]}`, meeting]]) {
    for (const width of [1280, 375]) {
      const page = await open(browser.context, server.url(target), width);
      const file = path.join(screenshotDir, `${name}-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await page.close();
      const png = fs.readFileSync(file);
      assert.equal(png.subarray(1, 4).toString(), "PNG", `${file} is not a PNG`);
      // A full-page shot is as wide as the viewport unless the page scrolls sideways.
      assert.ok(png.readUInt32BE(16) >= width, `${file}: ${png.readUInt32BE(16)} px wide`);
      console.log(`wrote ${file} (${png.readUInt32BE(16)}x${png.readUInt32BE(20)})`);
    }
  }
});

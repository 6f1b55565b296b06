// What the browser tests share: Chromium started for a machine with no
// network, and a page that records its errors and any request to a host
// other than the server's.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

/** The URL and screenshot folder from the command line, or exit 2. */
export function args(usage) {
  const [url, outDir] = process.argv.slice(2);
  if (!url || !outDir) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  mkdirSync(outDir, { recursive: true });
  return { url, outDir };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
      "--disable-component-update", "--disable-sync", "--disable-quic", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
    ],
  });
}

/**
 * A page of a new context (1600×900) that adds to result.errors every
 * page error and every answer for which expected(response) is false, and
 * to result.requests every request beyond url's origin.
 */
export async function newPage(browser, url, result, expected) {
  const ctx = await browser.newContext({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1, acceptDownloads: true });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => result.errors.push(`pageerror: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 400 && !expected(r)) result.errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const origin = new URL(url).origin;
  page.on("request", (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith("data:") && !r.url().startsWith("blob:")) result.requests.push(r.url());
  });
  return page;
}

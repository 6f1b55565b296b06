// The map's browser test: loads the page in headless Chromium, checks that
// vessels are drawn, opens a vessel's profile and an event, replays the
// past, and saves a screenshot of each step. Run by browser_test.go, or by
// hand against a running server:
//
//   node e2e/browser.mjs http://127.0.0.1:8090 "$TMPDIR/shots"
//
// It prints one JSON line of results and exits non-zero on failure.
import { join } from "node:path";
import { args, launch, newPage } from "./chromium.mjs";

const { url, outDir } = args("node e2e/browser.mjs URL OUTDIR");
const browser = await launch();
const result = { ok: false, steps: [], errors: [], requests: [] };
const step = (name, data = {}) => result.steps.push({ name, ...data });
let page;
try {
  // A server without a tile URL answers /api/config with 404, and one
  // without logins /api/me: those are expected.
  page = await newPage(browser, url, result, (r) => /\/api\/(config|me)$/.test(r.url()) && r.status() === 404);

  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
  await page.waitForFunction(() => Number(document.body.dataset.rendered || 0) > 0, null, { timeout: 30000 });
  await page.waitForTimeout(1500);
  const rendered = await page.evaluate(() => Number(document.body.dataset.rendered));
  const listed = await page.evaluate(() => Number(document.getElementById("stat-vessels").textContent));
  const events = await page.locator("#events li.ev").count();
  const marking = await page.locator("#marking").textContent();
  step("overview", { rendered, listed, events, marking });
  if (!(rendered > 0)) throw new Error("no vessels rendered");
  // The replay window ends at the latest data, not at the wall clock.
  const lag = await page.evaluate(() => window.picket.replay.window()[1] - window.picket.ref);
  if (!(Math.abs(lag) < 300000)) throw new Error(`the replay window ends ${lag} ms after the latest data`);
  // No /api/me: an open server, said so on the page, and no login.
  if (!/open server/i.test(marking) || (await page.locator("#login").isVisible()) || (await page.locator("#who").isVisible()))
    throw new Error(`an open server should show no login and say it is open, marking ${JSON.stringify(marking)}`);
  await page.screenshot({ path: join(outDir, "01-overview.png") });

  // Open the riskiest vessel by clicking its symbol on the map.
  const target = await page.evaluate(() => {
    const app = window.picket;
    const feats = app.map.queryRenderedFeatures({ layers: ["vessels"] });
    feats.sort((a, b) => b.properties._risk - a.properties._risk);
    const f = feats[0];
    const p = app.map.project(f.geometry.coordinates);
    const r = app.map.getCanvas().getBoundingClientRect();
    return { mmsi: f.properties.mmsi, x: r.left + p.x, y: r.top + p.y };
  });
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction(() => document.getElementById("profile").dataset.loaded === "1", null, { timeout: 15000 });
  await page.waitForTimeout(1500);
  const profileMMSI = await page.evaluate(() => Number(document.getElementById("profile").dataset.mmsi));
  const reasons = await page.locator("#profile .reasons li").count();
  step("profile", { clicked: target.mmsi, shown: profileMMSI, reasons });
  await page.screenshot({ path: join(outDir, "02-profile.png") });

  // Open a pair event (an encounter or dark rendezvous) from the list.
  const pair = page.locator('#events li.ev', { hasText: /encounter|rendezvous/i }).first();
  const ev = (await pair.count()) ? pair : page.locator("#events li.ev").first();
  const evId = await ev.getAttribute("data-event");
  await ev.click();
  await page.waitForFunction((id) => document.querySelector(`#events li.ev.sel[data-event="${id}"]`) !== null, evId, { timeout: 10000 });
  await page.waitForFunction(() => document.getElementById("profile").dataset.loaded === "1", null, { timeout: 15000 });
  await page.waitForTimeout(2500);
  const tracks = await page.evaluate(() => window.picket.tracks.map((t) => ({ role: t.role, fixes: t.fixes.length })));
  step("event", { id: evId, tracks });
  await page.screenshot({ path: join(outDir, "03-event.png") });

  // Show the network of a vessel from the networks tab.
  await page.click('.tabs button[data-tab="networks"]');
  const nets = await page.locator("#networks .shownet").count();
  if (nets) {
    await page.locator("#networks .shownet").first().click();
    await page.waitForTimeout(2000);
  }
  step("network", { networks: nets });
  await page.screenshot({ path: join(outDir, "04-network.png") });
  await page.click('.tabs button[data-tab="events"]');

  // Replay: drag the slider back and let the tracks load.
  await page.keyboard.press("Escape");
  await page.evaluate(() => {
    const s = document.getElementById("slider");
    s.value = "600";
    s.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await page.waitForFunction(() => Number(document.body.dataset.replayTracks || 0) > 0, null, { timeout: 30000 });
  await page.waitForTimeout(1500);
  const replayRendered = await page.evaluate(() => window.picket.map.queryRenderedFeatures({ layers: ["vessels"] }).length);
  const mode = await page.locator("#mode").textContent();
  step("replay", { mode, rendered: replayRendered });
  await page.screenshot({ path: join(outDir, "05-replay.png") });
  if (mode !== "REPLAY" || !(replayRendered > 0)) throw new Error("replay shows no vessels");

  // Back to live, coloured by risk.
  await page.click("#live");
  await page.click('#colorby button[data-v="risk"]');
  await page.waitForFunction(() => document.getElementById("mode").textContent === "LIVE", null, { timeout: 10000 });
  await page.waitForTimeout(2000);
  step("risk", { rendered: await page.evaluate(() => Number(document.body.dataset.rendered)) });
  await page.screenshot({ path: join(outDir, "06-risk.png") });

  if (result.requests.length) throw new Error(`requests beyond the server: ${result.requests.slice(0, 3).join(", ")}`);
  if (result.errors.length) throw new Error(`page errors: ${result.errors.slice(0, 3).join(" | ")}`);
  result.ok = true;
} catch (e) {
  result.error = String(e?.message ?? e);
  if (page) await page.screenshot({ path: join(outDir, "failure.png") }).catch(() => {});
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);

// The watch floor against the real server (TestBrowserRules writes
// $PICKET_RULES: the analyst's and the viewer's tokens, the area to draw
// around, a vessel jpn-coast hears and one only gbr-sat hears, and a URL
// that pushes a position into a feed). JPN's analyst draws an area on the
// map, saves an entry rule of it, and gets the alert of the jpn-coast
// vessel crossing in live (a toast, a ring on the map, the inbox), never
// one of the gbr-sat vessel; assigns and acknowledges it; JPN's viewer
// sees the inbox without buttons; the measure tool gives the distance and
// bearing between two clicked points. Run by TestBrowserRules, or by hand:
//
//   PICKET_RULES=rules.json node e2e/rules.mjs http://127.0.0.1:8093 "$TMPDIR/shots"
//
// It prints one JSON line of results and exits non-zero on failure.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { args, launch, newPage } from "./chromium.mjs";

const { url, outDir } = args("PICKET_RULES=rules.json node e2e/rules.mjs URL OUTDIR");
const c = JSON.parse(readFileSync(process.env.PICKET_RULES ?? "", "utf8"));
const browser = await launch();
const result = { ok: false, steps: [], errors: [], requests: [], failures: [] };
const step = (name, data = {}) => {
  result.steps.push({ name, ...data });
  console.error(`step ${name}`);
};
const check = (ok, what) => {
  if (!ok) throw new Error(what);
};
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const push = async (feed, mmsi, lat, lon, ago) => {
  const r = await fetch(`${c.push_url}?feed=${feed}&mmsi=${mmsi}&lat=${lat}&lon=${lon}&ago=${ago}`, { method: "POST" });
  check(r.status === 204, `push ${feed} ${mmsi}: ${r.status}`);
};
// The distance and initial bearing of a great circle, worked out here
// apart from the page's code: on a meridian, 60 minutes of arc to the
// degree on a sphere of the Earth's mean radius.
const NM_PER_DEG = (6371008.8 * Math.PI) / 180 / 1852;

let page;
try {
  page = await newPage(browser, url, result, () => false);
  const login = async (p, token) => {
    await p.goto(`${url}/#login=${encodeURIComponent(token)}`, { waitUntil: "load" });
    await p.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
    await p.click('.tabs button[data-tab="alerts"]');
  };
  /** Clicks the map at [lon, lat]. */
  const clickAt = async (p, lonlat) => {
    const pt = await p.evaluate((ll) => {
      const m = window.picket.map;
      const r = m.getContainer().getBoundingClientRect();
      const q = m.project(ll);
      return { x: r.left + q.x, y: r.top + q.y };
    }, lonlat);
    await p.mouse.click(pt.x, pt.y);
    await p.waitForTimeout(350); // not a double click
  };
  const apiGet = (p, path) => p.evaluate(async (path) => (await fetch(path, { credentials: "same-origin" })).json(), path);

  // 1. The analyst draws an area and saves an entry rule of it.
  await login(page, c.analyst);
  check(await page.isVisible("#rule-new"), "the analyst has no New rule button");
  await page.click("#rule-new");
  await page.fill("#rule-name", "Strait watch");
  await page.click("#rule-draw");
  const [w, s, e, n] = c.area;
  for (const ll of [[w, s], [e, s], [e, n], [w, n]]) await clickAt(page, ll);
  const drawing = await page.textContent("#rule-area-msg");
  await page.click("#draw-finish");
  const drawn = await page.evaluate(() => window.picket.watch.draft);
  step("drawn", { drawing, points: drawn.length });
  check(drawn.length === 4, `4 clicks drew ${drawn.length} points`);
  for (const [i, [lon, lat]] of drawn.entries()) {
    const want = [[w, s], [e, s], [e, n], [w, n]][i];
    check(Math.abs(lon - want[0]) < 0.01 && Math.abs(lat - want[1]) < 0.01, `point ${i} at ${lon},${lat}, clicked at ${want}`);
  }
  await page.screenshot({ path: join(outDir, "rules-01-drawn.png") });
  await page.click("#rule-save");
  await page.waitForSelector("#rules li.rule", { timeout: 10000 });
  check(await page.isHidden("#rule-form"), "the form stays open after saving");
  const rules = (await apiGet(page, "/api/rules")).rules;
  step("saved", { rules: rules.map((r) => ({ name: r.name, points: r.area.polygon?.length, by: r.created_by })) });
  check(rules.length === 1 && rules[0].area.polygon.length === 4 && rules[0].triggers.entry && rules[0].created_by === c.user,
    `the server keeps ${JSON.stringify(rules)}`);
  const areas = await page.evaluate(() => window.picket.map.querySourceFeatures("rule-areas").length);
  check(areas >= 1, "the rule's area is not on the map");

  // 2. The gbr-sat vessel crosses in first, then the jpn-coast one; each
  // is heard outside a few times first, while the rule's watcher starts.
  const lon = (w + e) / 2;
  for (let i = 0; i < 5; i++) {
    await push("gbr-sat", c.hidden, s - 0.05, lon + 0.05, 40 - i);
    await push("jpn-coast", c.vessel, s - 0.05, lon, 40 - i);
    await sleep(1000);
  }
  await push("gbr-sat", c.hidden, (s + n) / 2, lon + 0.05, 20);
  await push("jpn-coast", c.vessel, (s + n) / 2, lon, 15);
  const row = `#inbox li.ralert:has-text("${c.vessel}")`;
  await page.waitForSelector(row, { timeout: 20000 });
  await page.waitForSelector(".toast.rule", { timeout: 5000 });
  const toast = await page.textContent(".toast.rule");
  await page.waitForTimeout(800);
  const rings = await page.evaluate(() => window.picket.map.queryRenderedFeatures({ layers: ["rule-alerts"] }).map((f) => f.properties));
  const inbox = await page.$$eval("#inbox li.ralert", (ls) => ls.map((l) => l.textContent));
  step("alerted", { toast, rings, inbox });
  check(/entry/i.test(toast) && toast.includes(String(c.vessel)), `the toast says ${toast}`);
  check(rings.some((r) => r.mmsi === c.vessel && r._fresh), "no fresh ring on the map at the vessel");
  check(!inbox.some((t) => t.includes(String(c.hidden))), `JPN's inbox shows the vessel only gbr-sat heard: ${inbox}`);
  const all = (await apiGet(page, "/api/alerts")).alerts;
  check(all.length === 1 && all[0].mmsi === c.vessel && all[0].kind === "entry", `JPN's alerts: ${JSON.stringify(all)}`);
  await page.screenshot({ path: join(outDir, "rules-02-alert.png") });

  // 3. Assign, then acknowledge.
  await page.fill(`${row} input.assign-to`, c.assign);
  await page.click(`${row} button[data-act="assign"]`);
  await page.waitForSelector(`${row} .assignee:has-text("${c.assign}")`, { timeout: 10000 });
  await page.click(`${row} button[data-act="acknowledge"]`);
  await page.waitForSelector(row, { state: "detached", timeout: 10000 }); // the open list lets it go
  await page.click('#inbox-status button[data-v=""]');
  await page.waitForSelector(`#inbox li.ralert.acknowledged:has-text("${c.vessel}")`, { timeout: 10000 });
  const who = await page.textContent(`#inbox li.ralert.acknowledged .who`);
  const acted = (await apiGet(page, "/api/alerts")).alerts[0];
  step("acknowledged", { who, actions: acted.actions });
  check(who.includes(`acknowledged by ${c.user}`), `the row says ${who}`);
  check(acted.status === "acknowledged" && acted.assigned_to === c.assign && acted.actions.map((a) => `${a.action}:${a.user}`).join() === `assign:${c.user},acknowledge:${c.user}`,
    `the server keeps ${JSON.stringify(acted)}`);

  // 4. The measure tool: two points half a degree apart on a meridian.
  await page.click("#measure");
  await clickAt(page, [lon, 35.0]);
  await clickAt(page, [lon, 35.5]);
  const total = Number(await page.textContent("#measure-total"));
  const brg = await page.textContent("#measure-out td:nth-child(3)");
  const want = 0.5 * NM_PER_DEG;
  step("measured", { total, bearing: brg, want });
  check(Math.abs(total - want) < 0.3, `measured ${total} nm, want ${want.toFixed(2)}`);
  check(/^(000|359|001)°T$/.test(brg.trim()), `bearing ${brg}, want north`);
  await page.screenshot({ path: join(outDir, "rules-03-measure.png") });
  await page.keyboard.press("Escape");
  check(await page.isHidden("#measure-out"), "Esc leaves the measure open");

  // 5. A vessel's timeline, 21 days back.
  const h = c.history;
  await page.evaluate((m) => {
    window.picket.select(m);
  }, h.mmsi);
  await page.waitForSelector(`#profile .tlbtn[data-timeline="${h.mmsi}"]`, { timeout: 10000 });
  await page.click(`#profile .tlbtn`);
  await page.waitForSelector('#timeline[data-loaded="1"]', { timeout: 10000 });
  const lanes = await page.$$eval("#timeline g.item", (gs) => {
    const n = {};
    for (const g of gs) n[g.dataset.lane] = (n[g.dataset.lane] ?? 0) + 1;
    return n;
  });
  const meetingIds = await page.$$eval('#timeline g.item[data-lane="Meetings"]', (gs) => gs.map((g) => g.dataset.event));
  step("timeline", { lanes, meetingIds });
  check(lanes["Heard"] === h.days && lanes["Port calls"] === h.ports && lanes["Voyages"] === h.voyages && lanes["Meetings"] === h.meetings &&
    lanes["Gaps"] === h.gaps && lanes["Name"] === h.names, `the timeline's lanes ${JSON.stringify(lanes)}, want ${JSON.stringify(h)}`);
  check(meetingIds.length === 1 && meetingIds[0] === h.meeting, `meetings ${meetingIds}: one JPN may not see is shown`);
  await page.screenshot({ path: join(outDir, "rules-04-timeline.png") });
  await page.click('#timeline g.item[data-lane="Meetings"]');
  await page.waitForFunction((id) => window.picket.selectedEvent?.id === id, h.meeting, { timeout: 10000 });
  await page.click("#timeline .tl-close");
  check(await page.isHidden("#timeline"), "the timeline does not close");

  // 6. JPN's viewer sees the inbox, and may not act or make rules.
  const viewer = await newPage(browser, url, result, () => false);
  await login(viewer, c.viewer);
  await viewer.click('#inbox-status button[data-v=""]');
  await viewer.waitForSelector(`#inbox li.ralert:has-text("${c.vessel}")`, { timeout: 10000 });
  const buttons = await viewer.$$eval("#inbox button[data-act]", (bs) => bs.length);
  step("viewer", { buttons, newRule: await viewer.isVisible("#rule-new") });
  check(buttons === 0 && !(await viewer.isVisible("#rule-new")), "the viewer is offered actions it would be refused");

  result.ok = result.errors.length === 0 && result.requests.length === 0;
  if (!result.ok) result.error = "page errors or requests off the server";
} catch (e) {
  result.error = String(e?.stack ?? e);
  try {
    await page?.screenshot({ path: join(outDir, "rules-failed.png") });
  } catch {
    /* the page is gone */
  }
}
await browser.close();
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);

// The watch floor against the real server (TestBrowserRules writes
// $PICKET_RULES: the analyst's and the viewer's tokens, the area to draw
// around, a vessel jpn-coast hears and one only gbr-sat hears, and a URL
// that pushes a position into a feed). JPN's analyst draws an area on the
// map, saves an entry rule of it, changes its name and triggers, disables
// and enables it, and gets the alert of the jpn-coast vessel crossing in
// live (a toast, a ring on the map, the inbox), never one of the gbr-sat
// vessel; assigns and acknowledges it; draws a zone and makes a rule of
// it, whose alert comes when the vessel sails in; keeps a watchlist of the
// vessel, which is then ringed on the map and named in its panel; JPN's
// viewer sees the inbox, rules, zones and lists without buttons, GBR's
// analyst none of JPN's zones or lists; the measure tool gives the
// distance and bearing between two clicked points. Run by
// TestBrowserRules, or by hand:
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
const began = Date.now();
const step = (name, data = {}) => {
  result.steps.push({ name, ...data });
  console.error(`step ${name} at ${((Date.now() - began) / 1000).toFixed(1)} s`);
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
  /** Brings the map back to the test's view (picking a rule flies to it). */
  const home = (p) => p.evaluate(() => window.picket.map.jumpTo({ center: [124.5, 35.1], zoom: 8 }));
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
  // The source takes its data in a worker: wait for it.
  const areas = await page
    .waitForFunction(() => window.picket.map.querySourceFeatures("rule-areas").length >= 1, null, { timeout: 10000 })
    .then(() => true, () => false);
  check(areas, "the rule's area is not on the map");

  // 1b. The rule changed: a new name, exits too; disabled, enabled again;
  // picked from the list, its area is drawn bold.
  await page.click("#rules li.rule button[data-edit]");
  check(await page.isVisible("#rule-form"), "Edit does not open the form");
  check((await page.inputValue("#rule-name")) === "Strait watch", "the form is not filled with the rule");
  await page.fill("#rule-name", "Strait watch, both ways");
  await page.check("#rule-exit");
  await page.click("#rule-save");
  await page.waitForSelector('#rules li.rule:has-text("Strait watch, both ways")', { timeout: 10000 });
  let kept = (await apiGet(page, "/api/rules")).rules;
  check(kept.length === 1 && kept[0].id === rules[0].id && kept[0].triggers.exit && kept[0].triggers.entry && kept[0].updated_by === c.user &&
    kept[0].area.polygon.length === 4, `after the edit the server keeps ${JSON.stringify(kept)}`);
  await page.click("#rules li.rule button[data-toggle]");
  await page.waitForSelector("#rules li.rule.off", { timeout: 10000 });
  const disabled = (await apiGet(page, "/api/rules")).rules[0].disabled === true;
  await page.click("#rules li.rule button[data-toggle]");
  await page.waitForSelector("#rules li.rule:not(.off)", { timeout: 10000 });
  kept = (await apiGet(page, "/api/rules")).rules;
  check(disabled && !kept[0].disabled, `disable then enable: ${disabled}, ${JSON.stringify(kept)}`);
  await page.click("#rules li.rule .m");
  const picked = await page
    .waitForFunction(() => window.picket.map.querySourceFeatures("rule-areas").some((f) => f.properties._sel), null, { timeout: 10000 })
    .then(() => true, () => false);
  step("edited", { name: kept[0].name, triggers: kept[0].triggers, picked });
  check(picked, "the picked rule's area is not drawn bold");
  await page.screenshot({ path: join(outDir, "rules-01b-edited.png") });
  await home(page);

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

  // 3b. A zone drawn on the map, a rule of it, and its alert.
  const zw = e + 0.1, ze = e + 0.3; // east of the rule's area
  await home(page);
  await page.click("#zone-new");
  await page.fill("#zone-name", "Narrows");
  await page.click("#zone-draw");
  for (const ll of [[zw, s], [ze, s], [ze, n], [zw, n]]) await clickAt(page, ll);
  await page.click("#draw-finish");
  const zoneMsg = await page.textContent("#zone-area-msg");
  await page.click("#zone-save");
  await page.waitForSelector('#zones li.zone[data-name="Narrows"]', { timeout: 10000 });
  const zones = (await apiGet(page, "/api/zones")).features;
  check(/4 points/.test(zoneMsg) && zones.length === 1 && zones[0].properties.own && zones[0].properties.name === "Narrows" &&
    zones[0].geometry.coordinates[0][0].length === 5, `drawn ${zoneMsg}; the server keeps ${JSON.stringify(zones)}`);
  await page.click("#rule-new");
  await page.fill("#rule-name", "Narrows entry");
  await page.selectOption("#rule-zone", "Narrows");
  await page.click("#rule-save");
  await page.waitForSelector('#rules li.rule:has-text("Narrows entry")', { timeout: 10000 });
  const zoneRule = (await apiGet(page, "/api/rules")).rules.find((r) => r.name === "Narrows entry");
  check(zoneRule?.area.zone === "Narrows", `the zone's rule: ${JSON.stringify(zoneRule)}`);
  await page.click('#rules li.rule:has-text("Narrows entry") .m');
  const zoneArea = await page
    .waitForFunction((id) => window.picket.map.querySourceFeatures("rule-areas").some((f) => f.properties.id === id && f.properties._sel), zoneRule.id, { timeout: 10000 })
    .then(() => true, () => false);
  check(zoneArea, "the zone rule's area is not drawn on the map");
  await page.screenshot({ path: join(outDir, "rules-02b-zone.png") });
  await home(page);
  // The partner's watcher has the rule at once (it watches the first
  // rule): a fix outside, then one inside.
  await push("jpn-coast", c.vessel, (s + n) / 2, zw - 0.05, 12);
  await push("jpn-coast", c.vessel, (s + n) / 2, (zw + ze) / 2, 5);
  await page.waitForSelector('#inbox li.ralert:has-text("Narrows entry")', { timeout: 20000 });
  const zoneAlerts = (await apiGet(page, "/api/alerts")).alerts.filter((a) => a.rule_id === zoneRule.id);
  step("zone", { zones: zones.map((z) => z.properties), zoneAlerts: zoneAlerts.map((a) => a.summary) });
  check(zoneAlerts.length === 1 && zoneAlerts[0].kind === "entry" && zoneAlerts[0].mmsi === c.vessel, `the zone rule's alerts: ${JSON.stringify(zoneAlerts)}`);

  // 3c. A watchlist of the vessel: ringed on the map, named in its panel.
  await page.fill("#list-name", "Suspects");
  await page.click("#list-add");
  await page.waitForSelector('#lists li.wlist:has-text("Suspects")', { timeout: 10000 });
  await page.fill("#lists li.wlist input.e-mmsi", String(c.vessel));
  await page.fill("#lists li.wlist input.e-note", "met a dark tanker");
  await page.click('#lists li.wlist button[data-lact="add"]');
  await page.waitForSelector(`#lists li.wlist li.entry:has-text("${c.vessel}")`, { timeout: 10000 });
  await page.waitForFunction((m) => window.picket.map.queryRenderedFeatures({ layers: ["vessels-listed"] }).some((f) => f.properties.mmsi === m),
    c.vessel, { timeout: 10000 });
  await page.evaluate((m) => window.picket.select(m), c.vessel);
  // The panel is drawn again as positions come: read it whole.
  const listed = await page
    .waitForFunction(() => {
      const t = document.querySelector("#profile .listed")?.textContent ?? "";
      return t.includes("Suspects") && t;
    }, null, { timeout: 30000 })
    .then((h) => h.jsonValue());
  const ringed = await page.evaluate(() => window.picket.map.queryRenderedFeatures({ layers: ["vessels-listed"] }).map((f) => f.properties.mmsi));
  step("watchlist", { listed, ringed });
  check(listed.includes("met a dark tanker") && listed.includes(`MMSI ${c.vessel}`) && /matched by mmsi/.test(listed), `the panel says ${listed}`);
  check(ringed.length === 1 && ringed[0] === c.vessel, `ringed on the map: ${ringed}`);
  await page.screenshot({ path: join(outDir, "rules-02c-watchlist.png") });
  await home(page);

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
  const buttons = await viewer.$$eval("#inbox button[data-act], #rules button, #zones button, #lists button, #lists input", (bs) => bs.length);
  await viewer.waitForSelector('#zones li.zone[data-name="Narrows"]', { timeout: 10000 });
  await viewer.waitForSelector('#lists li.wlist:has-text("Suspects")', { timeout: 10000 });
  const viewerForms = [await viewer.isVisible("#rule-new"), await viewer.isVisible("#zone-new"), await viewer.isVisible("#list-new")];
  step("viewer", { buttons, viewerForms });
  check(buttons === 0 && !viewerForms.some(Boolean), "the viewer is offered actions it would be refused");

  // 7. GBR's analyst (its token, from no browser page) sees none of JPN's
  // zones, lists or rules, nor the vessel or its flag.
  const asGBR = async (path) => {
    const r = await fetch(url + path, { headers: { Authorization: `Bearer ${c.other}` } });
    return { status: r.status, body: await r.json() };
  };
  const gbr = { zones: await asGBR("/api/zones"), lists: await asGBR("/api/watchlists"), rules: await asGBR("/api/rules"), vessel: await asGBR(`/api/vessels/${c.vessel}`) };
  step("other partner", { gbr });
  check(gbr.zones.body.features.length === 0 && gbr.lists.body.watchlists.length === 0 && gbr.rules.body.rules.length === 0 && gbr.rules.body.zones.length === 0 &&
    gbr.vessel.status === 404, `GBR sees ${JSON.stringify(gbr)}`);

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

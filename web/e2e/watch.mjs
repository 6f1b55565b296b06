// The watch floor's map against the fixture API (an open server whose
// configured view, far north, holds none of its vessels): the page opens
// where the vessels are and counts "in view / total"; the events list puts
// behaviours first and leaves out withdrawn events and visits of no
// duration; the chart at high latitudes is sea where the sea is and land
// where the land is (Russia's ring across the antimeridian painted bands);
// the search box finds a vessel and opens it; deep links open a view, a
// vessel and an event, and refuse an MMSI never heard. Run by
// TestBrowserWatch, or by hand:
//
//   node e2e/watch.mjs http://127.0.0.1:8090 "$TMPDIR/shots"
//
// It prints one JSON line of results and exits non-zero on failure.
import { join } from "node:path";
import { args, launch, newPage } from "./chromium.mjs";

const { url, outDir } = args("node e2e/watch.mjs URL OUTDIR");
const browser = await launch();
const result = { ok: false, steps: [], errors: [], requests: [], failures: [] };
const step = (name, data = {}) => {
  result.steps.push({ name, ...data });
  console.error(`step ${name}`);
};
const fail = (ok, what) => {
  if (!ok) result.failures.push(what);
};
let page;
try {
  page = await newPage(browser, url, result, (r) => (/\/api\/me$/.test(r.url()) && r.status() === 404) || (/\/api\/vessels\/\d+$/.test(r.url()) && r.status() === 404));
  const ready = async () => {
    await page.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
    await page.waitForTimeout(1500);
  };
  const num = (id) => page.evaluate((id) => Number(document.getElementById(id)?.textContent ?? NaN), id);

  // 1. Where the data is, and "in view / total".
  await page.goto(url, { waitUntil: "load" });
  await ready();
  const all = await page.evaluate(async () => (await (await fetch("/api/vessels?bbox=-180,-90,180,90")).json()).features.map((f) => f.geometry.coordinates));
  const inBounds = await page.evaluate((cs) => {
    const b = window.picket.map.getBounds();
    return cs.filter((c) => b.contains(c)).length;
  }, all);
  const inView = await num("stat-vessels");
  const total = await num("stat-total");
  step("opening", { vessels: all.length, inBounds, inView, total });
  fail(inBounds >= all.length * 0.9, `the map opened where ${inBounds} of ${all.length} vessels are`);
  fail(total === all.length, `the header says ${total} vessels in all, the server ${all.length}`);
  fail(inView === inBounds, `the header says ${inView} in view, ${inBounds} are`);
  await page.screenshot({ path: join(outDir, "watch-01-opening.png") });
  // A named vessel to search for later, picked while all are loaded.
  const target = await page.evaluate(() => {
    const named = [...window.picket.vessels.values()].filter((f) => (f.properties.name ?? "").length >= 5);
    const f = named[Math.floor(named.length / 2)];
    return f ? { mmsi: f.properties.mmsi, name: f.properties.name, at: f.geometry.coordinates } : null;
  });

  // 2. The events list, every type shown, any confidence.
  await page.evaluate(() => {
    const app = window.picket;
    for (const c of document.querySelectorAll("#type-filter .chip:not(.on)")) c.click();
    const conf = document.getElementById("conf");
    conf.value = "0";
    conf.dispatchEvent(new Event("input", { bubbles: true }));
    conf.dispatchEvent(new Event("change", { bubbles: true }));
    app.whenHours = 0;
  });
  await page.waitForTimeout(1500);
  const rows = await page.evaluate(() => {
    const byId = new Map(window.picket.events.map((e) => [e.id, e]));
    return [...document.querySelectorAll("#events li.ev")].map((li) => byId.get(li.dataset.event)).filter(Boolean)
      .map((e) => ({ type: e.type, subtype: e.subtype, conf: e.confidence, ms: Date.parse(e.end) - Date.parse(e.start) }));
  });
  const rank = (e) => (e.type === "port_visit" || e.type === "zone_visit" ? 2 : e.type === "identity_change" || e.subtype === "invalid_identity" ? 1 : 0);
  const firstRoutine = rows.findIndex((e) => rank(e) > 0);
  const misplaced = rows.filter((e, i) => i > 0 && rank(e) < rank(rows[i - 1]));
  const noise = rows.filter((e) => !(e.conf > 0) || ((e.type === "port_visit" || e.type === "zone_visit") && e.ms < 60000));
  step("events", { rows: rows.length, firstRoutine, misplaced: misplaced.length, noise: noise.length, top: rows.slice(0, 5).map((e) => e.subtype ?? e.type) });
  fail(rows.length > 0 && rank(rows[0]) === 0, `the list starts with ${JSON.stringify(rows[0])}, not a behaviour`);
  fail(!misplaced.length, `behaviours after identity findings or visits: ${JSON.stringify(misplaced.slice(0, 3))}`);
  fail(!noise.length, `the list shows withdrawn events or visits of no duration: ${JSON.stringify(noise.slice(0, 3))}`);
  await page.screenshot({ path: join(outDir, "watch-02-events.png") });

  // 3. The chart at high latitudes: sea and land where they are.
  await page.evaluate(() => window.picket.map.jumpTo({ center: [15, 66], zoom: 3.6 }));
  await page.waitForTimeout(500);
  await page.waitForTimeout(2500);
  const points = {
    sea: [[2.5, 67.5], [-2.5, 72.5], [7.5, 71.5], [4.5, 63.5], [27.5, 73.5], [19.5, 57.5]],
    land: [[27.5, 63.5], [17.5, 64.5], [22.5, 67.5], [37.5, 57.5], [14.5, 61.5], [32.5, 66.5]],
  };
  const pixels = await page.evaluate(
    (pts) =>
      new Promise((ok) => {
        const m = window.picket.map;
        m.once("render", () => {
          const c = m.getCanvas();
          const gl = c.getContext("webgl2") || c.getContext("webgl");
          const k = c.width / c.clientWidth;
          const read = ([lon, lat]) => {
            const p = m.project([lon, lat]);
            const px = new Uint8Array(4);
            gl.readPixels(Math.round(p.x * k), Math.round(c.height - p.y * k), 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
            return [...px.slice(0, 3)];
          };
          ok({ sea: pts.sea.map(read), land: pts.land.map(read) });
        });
        m.triggerRepaint();
        setTimeout(() => ok({ sea: [], land: [] }), 5000);
      }),
    points,
  );
  // The chart's sea #081623 and land #222d37.
  const SEA = [8, 22, 35];
  const LAND = [34, 45, 55];
  const d = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
  const isSea = (px) => d(px, SEA) < d(px, LAND);
  const wrongSea = points.sea.filter((_, i) => !isSea(pixels.sea[i]));
  const wrongLand = points.land.filter((_, i) => isSea(pixels.land[i]));
  step("high latitudes", { pixels, wrongSea, wrongLand });
  fail(!wrongSea.length, `land painted over the sea at ${JSON.stringify(wrongSea)}`);
  fail(!wrongLand.length, `sea painted over land at ${JSON.stringify(wrongLand)}`);
  await page.screenshot({ path: join(outDir, "watch-03-north.png") });

  // 4. Search: a named vessel by part of its name, opened with Enter.
  fail(!!target, "no named vessel to search for");
  if (target) {
    await page.click("#search", { timeout: 3000 }).catch(() => fail(false, "no search box"));
    await page.keyboard.type(target.name.slice(1, -1).toLowerCase());
    await page.waitForFunction(() => !document.getElementById("search-results").hidden && document.querySelector("#search-results li[data-mmsi]"), null, { timeout: 10000 }).catch(() => {});
    const listed = await page.evaluate(() => [...document.querySelectorAll("#search-results li[data-mmsi]")].map((li) => Number(li.dataset.mmsi)));
    fail(listed.includes(target.mmsi), `search ${target.name} lists ${listed}`);
    await page.screenshot({ path: join(outDir, "watch-04-search.png") });
    // Enter opens the first: make it the target with the arrows.
    for (let i = 0; i < listed.indexOf(target.mmsi); i++) await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.waitForFunction((m) => document.getElementById("profile").dataset.mmsi === String(m) && document.getElementById("profile").dataset.loaded === "1", target.mmsi, { timeout: 15000 }).catch(() => {});
    await page.waitForTimeout(1500);
    const opened = await page.evaluate((at) => ({ mmsi: Number(document.getElementById("profile").dataset.mmsi), inView: window.picket.map.getBounds().contains(at), zoom: window.picket.map.getZoom(), hash: location.hash }), target.at);
    step("search", { target, listed: listed.length, opened });
    fail(opened.mmsi === target.mmsi, `search opened ${opened.mmsi}, want ${target.mmsi}`);
    fail(opened.inView && opened.zoom >= 7.9, `search flew to z${opened.zoom}, the vessel at ${target.at} in view: ${opened.inView}`);
    fail(opened.hash.includes(`vessel=${target.mmsi}`), `the address bar ${opened.hash} does not link to the vessel`);
    await page.screenshot({ path: join(outDir, "watch-05-found.png") });

    // 5. Deep links, opened in a new page: a view and a vessel; an event;
    // an MMSI never heard, refused.
    const link = `${url}/#map=9/${target.at[1].toFixed(4)}/${target.at[0].toFixed(4)}&vessel=${target.mmsi}`;
    const p2 = await newPage(browser, url, result, () => true);
    await p2.goto(link, { waitUntil: "load" });
    await p2.waitForFunction((m) => document.getElementById("profile").dataset.mmsi === String(m) && document.getElementById("profile").dataset.loaded === "1", target.mmsi, { timeout: 20000 }).catch(() => {});
    const v = await p2.evaluate(() => ({ mmsi: Number(document.getElementById("profile").dataset.mmsi || 0), center: window.picket?.map?.getCenter().toArray(), zoom: window.picket?.map?.getZoom() }));
    step("link to a vessel", { link, ...v });
    fail(v.mmsi === target.mmsi, `the link opened vessel ${v.mmsi}, want ${target.mmsi}`);
    fail(v.center && Math.abs(v.center[0] - target.at[0]) < 0.01 && Math.abs(v.zoom - 9) < 0.01, `the link opened the view at ${v.center} z${v.zoom}`);
    await p2.screenshot({ path: join(outDir, "watch-06-link.png") });

    const ev = await page.evaluate(() => window.picket.events.find((e) => e.type === "encounter" || e.type === "loitering" || e.type === "gap"));
    await p2.close();
    const p3 = await newPage(browser, url, result, () => true);
    await p3.goto(`${url}/#event=${encodeURIComponent(ev.id)}&vessel=${ev.mmsi}`, { waitUntil: "load" });
    await p3.waitForFunction((id) => window.picket?.selectedEvent?.id === id, ev.id, { timeout: 20000 }).catch(() => {});
    const evOpened = await p3.evaluate(() => window.picket.selectedEvent?.id ?? null);
    step("link to an event", { id: ev.id, opened: evOpened });
    fail(evOpened === ev.id, `the event link opened ${evOpened}, want ${ev.id}`);

    await p3.close();
    const p4 = await newPage(browser, url, result, (r) => r.status() === 404);
    await p4.goto(`${url}/#vessel=311999999`, { waitUntil: "load" });
    await p4.waitForFunction(() => document.body.dataset.linkRefused === "1", null, { timeout: 20000 }).catch(() => {});
    const refused = await p4.evaluate(() => ({ refused: document.body.dataset.linkRefused, notice: document.getElementById("notice").textContent, panel: !document.getElementById("right").hidden }));
    step("link refused", refused);
    fail(refused.refused === "1" && /not found, or not yours to see/.test(refused.notice) && !refused.panel, `an unknown vessel's link: ${JSON.stringify(refused)}`);
    await p4.close();
  }

  // An event with no known position (an invalid IMO number heard in
  // static reports only) is listed and opens with "no position known";
  // the map draws nothing for it. The server's answer is given one.
  {
    const p5 = await newPage(browser, url, result, () => true);
    const nopos = { id: "nopos-e2e", type: "spoofing", subtype: "invalid_identity", mmsi: 0, start: "", end: "", confidence: 0.9, summary: "IMO 1234568 fails its check digit" };
    await p5.route(/\/api\/events\?/, async (route) => {
      const r = await route.fetch();
      const body = await r.json();
      const list = Array.isArray(body) ? body : body.events;
      const first = list[0];
      if (first) list.unshift({ ...nopos, mmsi: first.mmsi, start: first.start, end: first.start });
      await route.fulfill({ response: r, json: body });
    });
    await p5.goto(url, { waitUntil: "load" });
    await p5.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
    await p5.evaluate(() => {
      const app = window.picket;
      app.inView = false;
      app.whenHours = 0;
      app.minConf = 0;
      for (const c of document.querySelectorAll("#type-filter .chip")) app.eventTypes.add(c.dataset.type);
    });
    await p5.evaluate(() => window.picket.loadEvents());
    const kept = await p5.evaluate((id) => window.picket.events.some((e) => e.id === id), nopos.id);
    let opened = null;
    if (kept) {
      await p5.evaluate((id) => window.picket.openEvent(window.picket.events.find((e) => e.id === id)), nopos.id).catch(() => {});
      await p5.waitForTimeout(500);
      opened = await p5.evaluate((id) => {
        const li = document.querySelector(`#events li[data-event="${id}"]`);
        const drawn = (window.picket.map.getSource("events")?._data?.features ?? []).some((f) => f.properties?.id === id);
        return { listed: !!li, text: li?.textContent ?? "", drawn };
      }, nopos.id);
    }
    step("event without a position", { kept, ...(opened ?? {}) });
    fail(kept, "an event with no position was dropped from the events the page loaded");
    fail(opened && opened.listed && /no position known/.test(opened.text) && !opened.drawn, `an event with no position: ${JSON.stringify(opened)}`);
    await p5.close();
  }

  if (result.failures.length) throw new Error(result.failures.join(" | "));
  if (result.requests.length) throw new Error(`requests beyond the server: ${result.requests.slice(0, 3).join(", ")}`);
  if (result.errors.length) throw new Error(`page errors: ${result.errors.slice(0, 3).join(" | ")}`);
  result.ok = true;
} catch (e) {
  result.error = String(e?.message ?? e);
  if (page) await page.screenshot({ path: join(outDir, "watch-failure.png") }).catch(() => {});
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);

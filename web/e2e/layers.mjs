// The context layers against the fixture API: each switch of the Layers
// box draws its layer from what picket's API answers and nothing from
// elsewhere: traffic density (the cells drawn are cells of the answer),
// maritime limits, ports, anchorages near Busan once zoomed in, place
// names (countries at small scales, ports at large ones), and the sensors
// (detections matched and dark by sensor, a scene, a radar's coverage, a
// dark detection's candidates on a click); switched off, each draws
// nothing. Run by TestBrowserLayers, or by hand:
//
//   node e2e/layers.mjs http://127.0.0.1:8090 "$TMPDIR/shots"
//
// It prints one JSON line of results and exits non-zero on failure.
import { join } from "node:path";
import { args, launch, newPage } from "./chromium.mjs";

const { url, outDir } = args("node e2e/layers.mjs URL OUTDIR");
const browser = await launch();
const result = { ok: false, steps: [], errors: [], requests: [], failures: [] };
const t0 = Date.now();
const timings = []; // per settle: ms for the layers' requests, ms to draw
const step = (name, data = {}) => {
  result.steps.push({ name, ms: Date.now() - t0, ...data });
  console.error(`step ${name}`);
};
const fail = (ok, what) => {
  if (!ok) result.failures.push(what);
};
let page;
try {
  page = await newPage(browser, url, result, (r) => /\/api\/(me|config)$/.test(r.url()) && r.status() === 404);
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });

  // Waits for the layers' requests, then for the map to draw them.
  const settle = async () => {
    const t = Date.now();
    await page.waitForFunction(() => !document.body.dataset.layersBusy, null, { timeout: 20000, polling: 100 });
    const t2 = Date.now();
    await page.evaluate(
      () =>
        new Promise((ok) => {
          const m = window.picket.map;
          const t = setTimeout(ok, 3000);
          m.once("idle", () => {
            clearTimeout(t);
            ok();
          });
          m.triggerRepaint();
        }),
    );
    timings.push([t2 - t, Date.now() - t2]);
  };
  const rendered = (layer) =>
    page.evaluate((layer) => window.picket.map.queryRenderedFeatures({ layers: [layer] }).map((f) => f.properties), layer);
  const toggle = async (name, on) => {
    const box = page.locator("#layers-box");
    if (await box.isHidden()) await page.click("#layers");
    const input = page.locator(`#layers-box input[data-layer="${name}"]`);
    if ((await input.isChecked()) !== on) await input.click();
    await settle();
  };
  const jump = async (lon, lat, zoom) => {
    await page.evaluate(([lon, lat, zoom]) => window.picket.map.jumpTo({ center: [lon, lat], zoom }), [lon, lat, zoom]);
    await page.waitForTimeout(500); // the layers follow the view 300 ms after it stops
    await settle();
  };

  // 0. Nothing is drawn before a switch is on.
  await jump(128.5, 35, 6);
  const before = {};
  for (const l of ["ctx-density", "ctx-boundaries", "ctx-ports", "ctx-anchorages"]) before[l] = (await rendered(l)).length;
  const namesBefore = await page.locator(".plabel").count();
  step("all off", { ...before, names: namesBefore });
  fail(Object.values(before).every((n) => n === 0) && namesBefore === 0, `layers drawn before any is on: ${JSON.stringify(before)}, ${namesBefore} names`);

  // 1. Traffic density: the cells drawn are cells of the answer.
  const answerP = page.waitForResponse((r) => r.url().includes("/api/layers/density"), { timeout: 20000 });
  await toggle("density", true);
  const answer = await (await answerP).json();
  const cells = new Map(answer.cells.map((c) => [`${c.lon.toFixed(4)},${c.lat.toFixed(4)}`, c.vessel_hours]));
  const drawn = await page.evaluate(() =>
    window.picket.map.queryRenderedFeatures({ layers: ["ctx-density"] }).map((f) => {
      // A tile's clipped part of a cell still carries the cell's values.
      return { vh: f.properties.vh, vessels: f.properties.vessels };
    }),
  );
  const source = await page.evaluate(() => window.picket.map.getSource("ctx-density")._data?.features?.map((f) => [f.geometry.coordinates[0][0], f.properties.vh]) ?? null);
  const legend = await page.locator("#layers-box").innerText();
  step("density", { cells: answer.cells.length, cell: answer.cell, positions: answer.positions, max: answer.max_vessel_hours, drawn: drawn.length, legend });
  fail(answer.cells.length > 0 && answer.positions > 0, `the density answer is empty: ${JSON.stringify(answer).slice(0, 200)}`);
  fail(drawn.length > 0, "no density cell drawn");
  const vhs = new Set(answer.cells.map((c) => c.vessel_hours));
  fail(drawn.every((d) => vhs.has(d.vh)), "a drawn cell's vessel-hours are in no cell of the answer");
  if (source) {
    fail(source.length === answer.cells.length, `the source holds ${source.length} cells, the answer ${answer.cells.length}`);
    fail(source.every(([c, vh]) => cells.get(`${c[0].toFixed(4)},${c[1].toFixed(4)}`) === vh), "a cell of the source is not one of the answer");
  }
  fail(legend.includes(`${answer.max_vessel_hours} vessel-hours per ${answer.cell}° cell`), `the legend does not give the scale: ${legend}`);
  // Under the pointer, a cell says what it holds.
  const spot = await page.evaluate(() => {
    const m = window.picket.map;
    const f = m.queryRenderedFeatures({ layers: ["ctx-density"] }).sort((a, b) => b.properties.vh - a.properties.vh)[0];
    const ring = f.geometry.coordinates[0];
    const c = [(ring[0][0] + ring[2][0]) / 2, (ring[0][1] + ring[2][1]) / 2];
    const p = m.project(c);
    const r = m.getCanvas().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y, vh: f.properties.vh };
  });
  await page.mouse.move(spot.x, spot.y);
  const tip = await page.locator(".density-tip").innerText({ timeout: 5000 }).catch(() => "");
  step("density tip", { vh: spot.vh, tip });
  fail(tip.includes(`${spot.vh} vessel-hours`), `the tip over a cell of ${spot.vh} vessel-hours says ${JSON.stringify(tip)}`);
  await page.screenshot({ path: join(outDir, "layers-density.png") });
  // The time control: one UTC hour of day draws the cells of that hour
  // only, with that hour's vessel-hours; back at every hour, all again.
  fail(answer.cells.every((c) => Array.isArray(c.by_hour) && c.by_hour.length === 24 && c.by_hour.reduce((a, b) => a + b, 0) === c.vessel_hours),
    "the density answer has no hour-of-day profile summing to each cell's vessel-hours");
  const perHour = Array.from({ length: 24 }, (_, h) => answer.cells.filter((c) => c.by_hour[h] > 0).length);
  const busy = perHour.indexOf(Math.max(...perHour));
  const quiet = perHour.findIndex((n, h) => n > 0 && n < perHour[busy] && h !== busy);
  const atHour = async (h) => {
    await page.locator("#density-hour").fill(String(h));
    return page.evaluate(async () => (await window.picket.map.getSource("ctx-density").getData()).features.map((f) => [f.geometry.coordinates[0][0], f.properties.vh]));
  };
  for (const h of [busy, quiet].filter((h) => h >= 0)) {
    const src = await atHour(h);
    const want = new Map(answer.cells.filter((c) => c.by_hour[h] > 0).map((c) => [`${c.lon.toFixed(4)},${c.lat.toFixed(4)}`, c.by_hour[h]]));
    const label = await page.locator("#density-hour-label").innerText();
    step("density at an hour", { hour: h, cells: src.length, want: want.size, label });
    fail(src.length === want.size, `at ${h} h UTC the source holds ${src.length} cells, the answer has ${want.size} with traffic then`);
    fail(src.every(([c, vh]) => want.get(`${c[0].toFixed(4)},${c[1].toFixed(4)}`) === vh), `at ${h} h UTC a cell drawn does not hold that hour's vessel-hours`);
    fail(label.startsWith(`${String(h).padStart(2, "0")}:00`), `the time control says ${JSON.stringify(label)} at ${h} h`);
  }
  await page.waitForTimeout(300);
  // A cell of the hour whose middle is on the map itself (not under the
  // Layers box or a panel).
  const hourSpot = await page.evaluate(() => {
    const m = window.picket.map;
    const r = m.getCanvas().getBoundingClientRect();
    for (const f of m.queryRenderedFeatures({ layers: ["ctx-density"] })) {
      const ring = f.geometry.coordinates[0];
      const p = m.project([(ring[0][0] + ring[2][0]) / 2, (ring[0][1] + ring[2][1]) / 2]);
      const x = r.left + p.x, y = r.top + p.y;
      if (document.elementFromPoint(x, y) === m.getCanvas()) return { x, y, vh: f.properties.vh };
    }
    return null;
  });
  fail(hourSpot !== null, "no cell of the hour drawn in the open map");
  if (hourSpot) {
    await page.mouse.move(0, 0);
    await page.mouse.move(hourSpot.x, hourSpot.y);
    const hourTip = await page.locator(".density-tip").innerText({ timeout: 5000 }).catch(() => "");
    step("density tip at an hour", { tip: hourTip });
    fail(hourTip.includes(`${hourSpot.vh} vessel-hours at `) && hourTip.includes("mean hour"), `the tip at an hour says ${JSON.stringify(hourTip)}`);
    await page.screenshot({ path: join(outDir, "layers-density-hour.png") });
  }
  fail((await atHour(-1)).length === answer.cells.length, "back at every hour, not every cell is drawn");
  await toggle("density", false);
  const densityOff = (await rendered("ctx-density")).length;
  fail(densityOff === 0, `${densityOff} density cells drawn after switching it off`);

  // 2. Maritime limits around Korea and Japan.
  await toggle("boundaries", true);
  const lines = await rendered("ctx-boundaries");
  const kinds = [...new Set(lines.map((p) => p.kind))];
  const countries = [...new Set(lines.map((p) => p.country))];
  step("boundaries", { drawn: lines.length, kinds, countries });
  fail(lines.length > 0 && kinds.includes("territorial_sea"), `maritime limits: ${lines.length} drawn, kinds ${kinds}`);
  fail(countries.includes("KOR") && countries.includes("JPN"), `limits of ${countries}, want KOR and JPN`);
  await page.screenshot({ path: join(outDir, "layers-boundaries.png") });

  // 3. Ports, then anchorages near Busan.
  await toggle("ports", true);
  const ports = await rendered("ctx-ports");
  step("ports", { drawn: ports.length, sample: ports.slice(0, 3).map((p) => p.name) });
  fail(ports.length > 5 && ports.every((p) => p.kind === "port"), `ports: ${ports.length} drawn`);
  fail((await rendered("ctx-anchorages")).length === 0, "anchorages drawn at zoom 6");
  await jump(129.03, 35.08, 10);
  const anchorages = await rendered("ctx-anchorages");
  const names = [...new Set(anchorages.map((p) => p.name))];
  step("anchorages", { drawn: anchorages.length, names: names.slice(0, 5) });
  fail(anchorages.length > 10 && names.includes("BUSAN"), `anchorages at Busan: ${anchorages.length}, ${names.slice(0, 5)}`);
  await page.screenshot({ path: join(outDir, "layers-busan.png") });

  // 4. Place names: ports at Busan, countries over the region.
  await toggle("names", true);
  const portNames = await page.locator(".plabel.port").allInnerTexts();
  step("port names", { names: portNames.slice(0, 8) });
  fail(portNames.includes("Busan"), `port names at Busan: ${portNames.slice(0, 8)}`);
  await jump(128, 36, 4.5);
  const countryNames = await page.locator(".plabel.country").allInnerTexts();
  step("country names", { names: countryNames });
  fail(countryNames.some((n) => /korea/i.test(n)) && countryNames.some((n) => /japan/i.test(n)), `country names: ${countryNames}`);
  await page.screenshot({ path: join(outDir, "layers-names.png") });
  await toggle("names", false);
  fail((await page.locator(".plabel").count()) === 0, "place names left after switching them off");

  // 5. Sensors: the detections drawn are those of the answer, matched and
  // dark, SAR and VIIRS; the scene's footprint and the radar's coverage
  // are drawn; a dark detection's click names its candidate, a link to
  // the vessel; switched off, nothing is drawn.
  await jump(129.0, 35.0, 8);
  const detsP = page.waitForResponse((r) => r.url().includes("/api/detections"), { timeout: 20000 });
  await toggle("sensors", true);
  const dets = (await (await detsP).json()).features;
  const dark = dets.find((f) => f.properties.status === "dark" && f.properties.sensor === "sar" && f.properties.candidates?.length);
  fail(!!dark, `no dark SAR detection with candidates in the answer: ${JSON.stringify(dets).slice(0, 300)}`);
  const drawnDets = await rendered("sensor-detections");
  const kinds6 = [...new Set(drawnDets.map((p) => `${p.sensor}/${p.status}`))].sort();
  const scenes6 = (await rendered("sensor-scenes-line")).length;
  const radars6 = (await rendered("sensor-radars")).length + (await rendered("sensor-radar-sites")).length;
  const ids = new Set(dets.map((f) => f.properties.id));
  step("sensors", { answer: dets.length, drawn: drawnDets.length, kinds: kinds6, scenes: scenes6, radars: radars6 });
  fail(drawnDets.length > 0 && drawnDets.every((p) => ids.has(p.id)), `detections drawn that the answer does not hold: ${JSON.stringify(drawnDets).slice(0, 200)}`);
  fail(["sar/dark", "sar/matched", "viirs/dark", "viirs/matched"].every((k) => kinds6.includes(k)), `detections drawn: ${kinds6}`);
  fail(scenes6 > 0, "no scene footprint drawn");
  fail(radars6 > 0, "no radar coverage drawn");
  const legend6 = await page.locator("#sensor-counts").innerText().catch(() => "");
  fail(/2 matched, 2 dark detections/.test(legend6), `the legend says ${JSON.stringify(legend6)}`);
  const at = await page.evaluate((c) => {
    const m = window.picket.map;
    const p = m.project(c);
    const r = m.getCanvas().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, dark.geometry.coordinates);
  await page.mouse.click(at.x, at.y);
  const pop = await page.locator(".detection-pop .detection").innerText({ timeout: 5000 }).catch(() => "");
  const cand = String(dark.properties.candidates[0]);
  step("dark detection", { popup: pop, candidate: cand });
  fail(pop.includes("dark") && pop.includes(cand), `the dark detection's popup does not name candidate ${cand}: ${JSON.stringify(pop)}`);
  await page.screenshot({ path: join(outDir, "layers-sensors.png") });
  await page.locator(`.detection-pop a[data-mmsi="${cand}"]`).click();
  await page.waitForFunction((m) => document.body.innerText.includes(m), cand, { timeout: 10000 }).catch(() => {});
  await toggle("sensors", false);
  const sensorsOff = (await rendered("sensor-detections")).length + (await rendered("sensor-scenes")).length + (await rendered("sensor-radars")).length;
  fail(sensorsOff === 0, `${sensorsOff} sensor features drawn after switching the layer off`);


  // 6. Density and names together, for docs/web.md.
  await toggle("density", true);
  await toggle("names", true);
  await page.screenshot({ path: join(outDir, "layers-all.png") });

  if (result.failures.length) throw new Error(result.failures.join(" | "));
  if (result.requests.length) throw new Error(`requests beyond the server: ${result.requests.slice(0, 3).join(", ")}`);
  if (result.errors.length) throw new Error(`page errors: ${result.errors.slice(0, 3).join(" | ")}`);
  step("timings", { settle: timings });
  result.ok = true;
} catch (e) {
  result.error = String(e?.message ?? e);
  if (page) await page.screenshot({ path: join(outDir, "layers-failure.png") }).catch(() => {});
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);

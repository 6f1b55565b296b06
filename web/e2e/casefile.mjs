// The evidence package from the map: an analyst opens its demo login
// link, selects a vessel of its own feeds that has events, presses the
// panel's "Export case", then opens one of its events and presses the
// event's, then a network's in the Networks tab; each saved file is
// opened in a context with the network cut and checked for what it must
// show. Run by TestBrowserCase, or by hand:
//
//   PICKET_CASE=case.json node e2e/casefile.mjs http://127.0.0.1:8092 "$TMPDIR/shots"
//
// where case.json is {"token": "pkt_...", "marking": "REL TO JPN, KOR",
// "partner": "JPN", "network": {"token": "pkt_...", "marking": "REL TO NATO",
// "partner": "USA"}}: the network's case is made by the second user, whose
// partner sees a network.
// It prints one JSON line of results and exits non-zero on failure.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { args, launch, newPage } from "./chromium.mjs";

const { url, outDir } = args("PICKET_CASE=case.json node e2e/casefile.mjs URL OUTDIR");
const spec = JSON.parse(readFileSync(process.env.PICKET_CASE ?? "", "utf8"));
const browser = await launch();
const result = { ok: false, steps: [], errors: [], requests: [] };
const step = (name, data = {}) => result.steps.push({ name, ...data });
const check = (ok, what) => {
  if (!ok) throw new Error(what);
};

/** Saves what pressing the button downloads; returns its path. */
async function download(page, button, name) {
  const [dl] = await Promise.all([page.waitForEvent("download", { timeout: 30000 }), button.click()]);
  const path = join(outDir, name);
  await dl.saveAs(path);
  return path;
}

/** Opens a saved case offline and returns what it shows. */
async function readCase(path, shot) {
  const ctx = await browser.newContext({ offline: true, viewport: { width: 1100, height: 1400 } });
  const page = await ctx.newPage();
  const requests = [];
  page.on("request", (r) => {
    if (!r.url().startsWith("file://")) requests.push(r.url());
  });
  page.on("pageerror", (e) => result.errors.push(`case pageerror: ${e.message}`));
  await page.goto(`file://${path}`, { waitUntil: "load" });
  const shows = await page.evaluate(() => {
    const q = (s) => document.querySelector(s);
    const all = (s) => [...document.querySelectorAll(s)];
    return {
      marking: q("#marking")?.textContent.trim(),
      markingBottom: q(".marking.bottom")?.textContent.trim(),
      markingText: q("#marking-text")?.textContent.trim(),
      title: q("#title")?.textContent.trim(),
      land: (q("svg.map path.land")?.getAttribute("d") ?? "").length,
      tracks: all("svg.map path.track").map((p) => Number(p.dataset.mmsi)),
      mapEvents: all("svg.map g.event").length,
      events: all("section.event").map((s) => ({ id: s.id.replace(/^event-/, ""), type: s.dataset.type, evidence: s.querySelectorAll("table.evidence tr").length - 1 })),
      identities: all("table.identity tr").length - 1,
      vessels: all("section.vessel").map((s) => Number(s.id.replace(/^vessel-/, ""))),
      links: all("table.links tr[data-kind]").map((tr) => ({ kind: tr.dataset.kind, a: Number(tr.cells[1].textContent), b: Number(tr.cells[2].textContent), events: tr.querySelectorAll("a[href^='#event-']").length })),
      feeds: all("table.feeds td:first-child").map((td) => td.textContent.trim()),
      hashes: all("table.manifest td.hash").map((td) => td.textContent.trim()),
      made: q('meta[name="generator"]')?.getAttribute("content"),
      // Whether the map is drawn: its box on the page.
      mapBox: (() => {
        const r = q("svg.map")?.getBoundingClientRect();
        return r ? [Math.round(r.width), Math.round(r.height)] : null;
      })(),
    };
  });
  await page.screenshot({ path: join(outDir, shot) });
  const pdf = await page.pdf({ format: "A4" });
  await ctx.close();
  return { ...shows, requests, pdf: pdf.length };
}

let page;
try {
  page = await newPage(browser, url, result, () => false);
  await page.goto(`${url}/#login=${spec.token}`, { waitUntil: "load" });
  await page.waitForFunction(() => document.body.dataset.session === "partner" && document.body.dataset.ready === "1", null, { timeout: 30000 });
  // A vessel of this partner with a behaviour event (not a port call).
  const evs = await page.evaluate(async () => (await (await fetch("/api/events?limit=1000&type=encounter,loitering,gap,dark_rendezvous,spoofing,identity_change", { credentials: "same-origin" })).json()));
  check(Array.isArray(evs) && evs.length > 0, `no behaviour events for ${spec.partner}`);
  const ev = evs.find((e) => e.evidence?.length) ?? evs[0];
  const mmsi = ev.mmsi;
  const mine = await page.evaluate(async (m) => (await (await fetch(`/api/events?mmsi=${m}&limit=1000`, { credentials: "same-origin" })).json()), mmsi);
  step("picked", { mmsi, event: ev.id, type: ev.type, events: mine.length });

  await page.evaluate((m) => {
    window.picket.select(m);
  }, mmsi);
  const vbtn = page.locator("#profile .casebtn");
  await vbtn.waitFor({ timeout: 30000 });
  const vpath = await download(page, vbtn, "case-vessel.html");
  step("vessel case saved", { bytes: statSync(vpath).size });
  const v = await readCase(vpath, "case-vessel.png");
  step("vessel case", { title: v.title, marking: v.marking, events: v.events.length, tracks: v.tracks, pdf: v.pdf, feeds: v.feeds });
  check(v.marking === spec.marking && v.markingBottom === spec.marking && v.markingText === spec.marking, `marking ${v.marking} / ${v.markingBottom} / ${v.markingText}, want ${spec.marking}`);
  check(v.title.includes(String(mmsi)), `title ${v.title}`);
  check(v.land > 100 && v.mapBox && v.mapBox[0] > 500, `the map: land ${v.land}, box ${v.mapBox}`);
  check(v.tracks.includes(mmsi), `no track of ${mmsi} on the map: ${v.tracks}`);
  const ids = new Set(v.events.map((e) => e.id));
  const missing = mine.filter((e) => !ids.has(e.id));
  check(missing.length === 0, `events of ${mmsi} the API gives but the case lacks: ${missing.slice(0, 3).map((e) => e.id)}`);
  check(v.events.length >= mine.length, `${v.events.length} events in the case, ${mine.length} from the API`);
  const withEv = v.events.find((e) => e.id === ev.id);
  check(withEv && withEv.evidence === (ev.evidence?.length ?? 0), `event ${ev.id}: ${withEv?.evidence} evidence rows, ${ev.evidence?.length} fixes`);
  check(v.identities > 0, "no identity timeline");
  check(v.feeds.length > 0 && v.feeds.every((f) => f.startsWith("kor-")), `feeds ${v.feeds}`);
  check(v.hashes.length >= 2 && v.hashes.every((h) => /^[0-9a-f]{64}$/.test(h)), `manifest hashes ${v.hashes}`);
  check(v.requests.length === 0, `the case file asked the network for ${v.requests}`);
  check(v.pdf > 10000, `printed to ${v.pdf} bytes`);

  // The shown track, from the panel's Track buttons: CSV and KML.
  const csvPath = await download(page, page.locator('#profile .trackbtn[data-format="csv"]'), "track.csv");
  const csvRows = readFileSync(csvPath, "utf8").trim().split("\n");
  const trackInfo = await page.evaluate(() => window.picket.trackInfo);
  const shown = Number(/Track: (\d+) fixes/.exec(trackInfo)?.[1] ?? -1);
  step("track csv", { rows: csvRows.length - 1, shown });
  check(csvRows[0] === "mmsi,name,time,lat,lon,sog,cog,heading", `track csv header ${csvRows[0]}`);
  check(csvRows.length - 1 === shown && csvRows.slice(1).every((r) => r.startsWith(`${mmsi},`)), `track csv: ${csvRows.length - 1} rows, the panel shows ${shown} fixes`);
  const kmlPath = await download(page, page.locator('#profile .trackbtn[data-format="kml"]'), "track.kml");
  const kml = readFileSync(kmlPath, "utf8");
  const whens = (kml.match(/<when>/g) ?? []).length;
  check(whens === shown && (kml.match(/<gx:coord>/g) ?? []).length === shown, `track kml: ${whens} when for ${shown} fixes`);

  // The event's own case, from its details.
  await page.evaluate((id) => window.picket.openEventById(id), ev.id);
  const ebtn = page.locator(`li.ev.sel .casebtn, .evdetails + .caserow .casebtn`).first();
  await ebtn.waitFor({ timeout: 30000 });
  const epath = await download(page, ebtn, "case-event.html");
  const e = await readCase(epath, "case-event.png");
  step("event case", { title: e.title, events: e.events.map((x) => x.type), tracks: e.tracks });
  check(e.marking === spec.marking, `event case marking ${e.marking}`);
  check(e.events.some((x) => x.id === ev.id), `the event case lacks ${ev.id}`);
  check(e.events.every((x) => x.id === ev.id || x.type === "watchlist"), `the event case holds other events: ${e.events.map((x) => x.type)}`);
  check(e.tracks.includes(mmsi), "no track in the event case");
  check(e.requests.length === 0, `the event case asked the network for ${e.requests}`);

  // A network's case, from the Networks tab of a user whose partner sees
  // a network: its vessels, its links (each joining the MMSIs of its two
  // members) and its marking.
  const ns = spec.network;
  page = await newPage(browser, url, result, () => false);
  await page.goto(`${url}/#login=${ns.token}`, { waitUntil: "load" });
  await page.waitForFunction(() => document.body.dataset.session === "partner" && document.body.dataset.ready === "1", null, { timeout: 30000 });
  const nets = await page.evaluate(async () => {
    const r = await (await fetch("/api/networks", { credentials: "same-origin" })).json();
    return Array.isArray(r) ? r : (r.networks ?? []);
  });
  check(nets.length > 0, `no network for ${ns.partner}`);
  const net = nets.reduce((a, b) => (b.links.length > a.links.length ? b : a));
  await page.locator('button[data-tab="networks"]').click();
  const nbtn = page.locator(`#networks .net[data-network="${net.id}"] .casebtn`);
  await nbtn.waitFor({ timeout: 30000 });
  const npath = await download(page, nbtn, "case-network.html");
  const n = await readCase(npath, "case-network.png");
  const memberMMSI = new Map(net.members.map((m) => [m.id, m.mmsi]));
  step("network case", { network: net.id, members: net.members.length, links: n.links, vessels: n.vessels, marking: n.marking, feeds: n.feeds });
  check(n.marking === ns.marking && n.markingBottom === ns.marking && n.markingText === ns.marking,
    `network case marking ${n.marking} / ${n.markingBottom} / ${n.markingText}, want ${ns.marking}`);
  const mmsis = [...new Set(net.members.map((m) => m.mmsi))];
  check(mmsis.every((m) => n.vessels.includes(m)) && n.vessels.length === mmsis.length, `network case vessels ${n.vessels}, members ${mmsis}`);
  check(n.links.length === net.links.length, `network case: ${n.links.length} links, the network has ${net.links.length}`);
  check(net.links.every((l, i) => n.links[i].kind === l.kind && n.links[i].a === memberMMSI.get(l.a) && n.links[i].b === memberMMSI.get(l.b)),
    `network case links ${JSON.stringify(n.links)} differ from the network's ${JSON.stringify(net.links.map((l) => [l.kind, l.a, l.b]))}`);
  check(n.links.some((l) => l.events > 0), "no link of the network case names an event behind it");
  check(n.tracks.length > 0 && n.land > 100, `network case map: tracks ${n.tracks}, land ${n.land}`);
  check(n.requests.length === 0, `the network case asked the network for ${n.requests}`);

  if (result.requests.length) throw new Error(`requests beyond the server: ${result.requests.slice(0, 3).join(", ")}`);
  if (result.errors.length) throw new Error(`page errors: ${result.errors.slice(0, 3).join(" | ")}`);
  result.ok = true;
} catch (e) {
  result.error = String(e?.message ?? e);
  if (page) await page.screenshot({ path: join(outDir, "case-failure.png") }).catch(() => {});
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);

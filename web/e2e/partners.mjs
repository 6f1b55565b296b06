// Partners against the real server: each user of $PICKET_PARTNERS (a JSON
// list written by partners_test.go: user, partner, role, token, the feeds
// it is cleared for and those it is not, the MMSIs it must see and those
// it must not, a vessel it must find and one of another feed it must not,
// an MMSI never heard, and a URL that pushes a new vessel into a live
// feed) opens a demo login link in one page, checks that the page shows
// exactly what the partner is cleared for, saves a screenshot and logs
// out; the next user's link is pasted into the same page. Run by
// TestBrowserPartners, or by hand against a server with those users:
//
//   PICKET_PARTNERS=cases.json node e2e/partners.mjs http://127.0.0.1:8092 "$TMPDIR/shots"
//
// It prints one JSON line of results and exits non-zero on failure.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { args, launch, newPage } from "./chromium.mjs";

const { url, outDir } = args("PICKET_PARTNERS=cases.json node e2e/partners.mjs URL OUTDIR");
const cases = JSON.parse(readFileSync(process.env.PICKET_PARTNERS ?? "", "utf8"));
const browser = await launch();
const result = { ok: false, steps: [], errors: [], requests: [], violations: [] };
const step = (name, data = {}) => result.steps.push({ name, ...data });
// check stops the run: the page is not where it should be. rule notes a
// breach of the releasability rule (docs/security.md: a partner sees
// what it is cleared for, all of it and nothing else) and the run goes
// on, so that one run finds them all.
const check = (ok, what) => {
  if (!ok) throw new Error(what);
};
const rule = (ok, what) => {
  if (!ok) result.violations.push(what);
};
/** What a has that b has not, and b that a has not, a few of each. */
const diff = (a, b) => {
  const sa = new Set(a);
  const sb = new Set(b);
  return { missing: [...sb].filter((x) => !sa.has(x)).slice(0, 5), extra: [...sa].filter((x) => !sb.has(x)).slice(0, 5) };
};
const sameSet = (a, b) => a.length === b.length && new Set(a).size === new Set([...a, ...b]).size;

let page;
try {
  // Expected refusals: the viewer's networks and exports, everyone's
  // feeds (403), the panels of hidden and unknown vessels (404).
  const refusals = new Set();
  page = await newPage(browser, url, result, (r) => {
    const p = new URL(r.url()).pathname;
    return (r.status() === 403 && refusals.has(p)) || (r.status() === 404 && /^\/api\/vessels\/\d+$/.test(p));
  });
  const seen = []; // every /api/ answer: {method, path, query, status}
  page.on("response", (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith("/api/")) seen.push({ method: r.request().method(), path: u.pathname, query: u.search, status: r.status() });
  });
  const text = async (sel) => ((await page.locator(sel).textContent()) ?? "").replace(/\s+/g, " ").trim();
  /** fetch in the page, with its session cookie: status and parsed body. */
  const get = (path) =>
    page.evaluate(async (p) => {
      const r = await fetch(p, { credentials: "same-origin" });
      const t = await r.text();
      let body = t;
      try {
        body = JSON.parse(t);
      } catch {
        /* CSV, or an empty answer */
      }
      return { status: r.status, body };
    }, path);
  const until = async (what, fn, timeout = 20000) => {
    const end = Date.now() + timeout;
    for (;;) {
      if (fn()) return;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await page.waitForTimeout(100);
    }
  };
  const panelFor = async (mmsi) => {
    const from = seen.length;
    // Not awaiting select in the page: a later selection aborts it, and
    // its promise would never settle.
    await page.evaluate((m) => {
      window.picket.select(m);
    }, mmsi);
    const done = (p) => seen.slice(from).some((r) => r.path === p);
    await until(`the panel of ${mmsi}`, () => done(`/api/vessels/${mmsi}`) && done(`/api/vessels/${mmsi}/track`) && seen.slice(from).some((r) => r.path === "/api/events" && r.query.includes(`mmsi=${mmsi}`)));
    // The panel is drawn once every answer is in; on a busy machine that
    // takes longer than the answers do.
    await page.waitForFunction(() => !document.getElementById("profile").textContent.includes("Loading"), null, { timeout: 15000 }).catch(() => {});
    await page.waitForTimeout(400);
    return { text: await text("#profile"), loaded: await page.evaluate(() => document.getElementById("profile").dataset.loaded) };
  };
  const byUser = {};

  for (const [i, c] of cases.entries()) {
    const tag = c.user;
    const expect = c.expect;
    const inExpect = new Set(expect);
    for (const p of ["/api/networks", "/api/export/events.csv", "/api/feeds"]) refusals.delete(p);
    if (c.role === "viewer") ["/api/networks", "/api/export/events.csv"].forEach((p) => refusals.add(p));
    // /api/feeds counts what every feed hears: even an admin is refused
    // it unless its partner is cleared for every feed, and none here is.
    refusals.add("/api/feeds");

    // The demo link: opened in a new page for the first user, pasted
    // into the open page (logged out) for the others.
    const from = seen.length;
    const vesselsAnswer = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/vessels" && !new URL(r.url()).searchParams.has("q"), { timeout: 30000 });
    if (i === 0) await page.goto(`${url}/#login=${c.token}`, { waitUntil: "load" });
    else await page.goto(`${url}/#login=${c.token}`);
    const answer = await (await vesselsAnswer).json();
    await page.waitForFunction(() => document.body.dataset.session === "partner" && document.body.dataset.ready === "1", null, { timeout: 30000 });
    await page.waitForFunction(() => Number(document.body.dataset.rendered || 0) > 0, null, { timeout: 30000 });
    await until("the events", () => seen.slice(from).some((r) => r.path === "/api/events"));
    if (c.role !== "viewer") await until("the networks", () => seen.slice(from).some((r) => r.path === "/api/networks"));
    await page.waitForTimeout(1500);
    const href = await page.evaluate(() => location.href);
    check(!href.includes("pkt_"), `${tag}: the token stays in the address bar`);
    check(seen[from]?.path === "/api/login", `${tag}: the link did not log in first: ${seen.slice(from, from + 3).map((r) => r.path)}`);

    // Whose view: the badge, the marking, the clearance.
    const badge = await text("#who-badge");
    const marking = await text("#marking");
    const tip = await page.evaluate(() => document.getElementById("who-tip").textContent);
    check(badge === `${c.user} · ${c.partner} · ${c.role}`, `${tag}: badge ${JSON.stringify(badge)}`);
    check(marking.toLowerCase() === `releasable to ${c.partner}`.toLowerCase(), `${tag}: marking ${JSON.stringify(marking)}`);
    check(c.clearance.every((f) => tip.includes(f)) && !c.hidden_feeds.some((f) => tip.includes(f)), `${tag}: clearance tooltip ${JSON.stringify(tip)}`);
    const me = await get("/api/me");
    check(me.status === 200 && sameSet(me.body.clearance ?? [], c.clearance), `${tag}: /api/me ${JSON.stringify(me)}`);

    // The vessels: the answer the page got, what it holds, the header.
    const got = (answer.features ?? []).map((f) => f.properties.mmsi);
    rule(sameSet(got, expect), `${tag}: /api/vessels answered ${got.length} vessels, want ${expect.length}: ${JSON.stringify(diff(got, expect))}`);
    const held = await page.evaluate(() => [...window.picket.vessels.keys()]);
    rule(sameSet(held, expect), `${tag}: the page holds ${held.length} vessels, want ${expect.length}: ${JSON.stringify(diff(held, expect))}`);
    const count = Number(await text("#stat-total"));
    rule(count === expect.length, `${tag}: the header counts ${count} vessels in all, want ${expect.length}`);
    const rendered = await page.evaluate(() => Number(document.body.dataset.rendered));

    // Search: the vessel of its own feed by name and MMSI, the other
    // feed's by neither.
    const q = async (s) => ((await get(`/api/vessels?q=${encodeURIComponent(s)}`)).body.features ?? []).map((f) => f.properties.mmsi);
    const own = await q(c.visible.name);
    rule(own.length === 1 && own[0] === c.visible.mmsi, `${tag}: search ${c.visible.name} found ${own}`);
    rule((await q(String(c.visible.mmsi))).includes(c.visible.mmsi), `${tag}: search ${c.visible.mmsi} did not find it`);
    const otherByName = await q(c.other.name);
    const otherByMMSI = await q(String(c.other.mmsi));
    rule(!otherByName.length && !otherByMMSI.length, `${tag}: found the other feed's ${c.other.name} (${c.other.mmsi}): ${otherByName} ${otherByMMSI}`);

    // The live stream: a new vessel pushed into kor-live now reaches the
    // map of a partner cleared for it, and only that one.
    const pushed = await fetch(c.push_url, { method: "POST" });
    check(pushed.status === 204, `${tag}: push ${pushed.status}`);
    if (c.push_seen) await page.waitForFunction((m) => window.picket.vessels.has(m), c.push, { timeout: 15000 }).catch(() => {});
    else await page.waitForTimeout(3000);
    await page.waitForTimeout(700); // the next redraw
    const live = await page.evaluate((m) => ({ has: window.picket.vessels.has(m), header: Number(document.getElementById("stat-total").textContent) }), c.push);
    const liveWant = expect.length + (c.push_seen ? 1 : 0);
    rule(live.has === c.push_seen && live.header === liveWant,
      `${tag}: after ${c.push} was pushed into a feed it is ${c.push_seen ? "" : "not "}cleared for, the page ${live.has ? "has" : "has not"} it and counts ${live.header} vessels, want ${liveWant}`);

    // Events: those the list shows and every one the partner may read
    // are of its vessels only.
    // An event's vessels: its own, the other of a pair, and the MMSI a
    // flag change took the IMO number over from.
    const vesselsOf = (e) => [e.mmsi, e.other_mmsi, e.details?.previous_mmsi].filter((m) => m);
    const listed = await page.evaluate(() => window.picket.events);
    const all = await get("/api/events?limit=10000");
    check(all.status === 200, `${tag}: /api/events ${all.status}`);
    const foreign = (evs) =>
      evs.filter((e) => vesselsOf(e).some((m) => !inExpect.has(m))).map((e) => ({ id: e.id, type: e.type, vessels: vesselsOf(e), summary: e.summary }));
    rule(!foreign(listed).length, `${tag}: the list shows events of vessels it may not see: ${JSON.stringify(foreign(listed).slice(0, 3))}`);
    rule(!foreign(all.body).length, `${tag}: /api/events gives events of vessels it may not see: ${JSON.stringify(foreign(all.body).slice(0, 3))}`);
    const evText = await text("#events");
    rule(!evText.includes(c.other.name) && !evText.includes(String(c.other.mmsi)), `${tag}: the events list names ${c.other.name} or ${c.other.mmsi}`);
    const evShown = await page.locator("#events li.ev").count();

    // Every vessel of the feeds it is not cleared for answers as an MMSI
    // never heard: 404, no events, an empty track.
    const probes = await page.evaluate(async (ms) => {
      const out = [];
      for (const m of ms) {
        const [v, e, t] = await Promise.all([`/api/vessels/${m}`, `/api/events?mmsi=${m}`, `/api/vessels/${m}/track`].map((p) => fetch(p, { credentials: "same-origin" })));
        out.push({ mmsi: m, vessel: v.status, events: e.ok ? (await e.json()).length : e.status, track: t.ok ? (await t.json()).points?.length ?? 0 : t.status });
      }
      return out;
    }, c.others);
    const known = probes.filter((p) => p.vessel !== 404 || p.events !== 0 || p.track !== 0);
    rule(!known.length, `${tag}: vessels of feeds it is not cleared for answer: ${JSON.stringify(known.slice(0, 5))}`);

    // A panel: the other feed's vessel reads as an MMSI never heard, its
    // own vessel loads.
    const hidden = await panelFor(c.other.mmsi);
    const unknown = await panelFor(c.unknown);
    const norm = (p, m) => p.text.replaceAll(String(m), "MMSI");
    rule(hidden.loaded === "0" && norm(hidden, c.other.mmsi) === norm(unknown, c.unknown),
      `${tag}: the panel of ${c.other.mmsi} (other feed) differs from that of ${c.unknown} (never heard): ${JSON.stringify(hidden.text)} / ${JSON.stringify(unknown.text)}`);
    rule(!hidden.text.includes(c.other.name), `${tag}: the panel names ${c.other.name}`);
    const ownPanel = await panelFor(c.visible.mmsi);
    rule(ownPanel.loaded === "1" && ownPanel.text.includes(c.visible.name), `${tag}: the panel of ${c.visible.mmsi} ${JSON.stringify(ownPanel.text.slice(0, 200))}`);
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => document.getElementById("right").hidden, null, { timeout: 5000 });

    // Deep links pasted into the address bar open as this user: its own
    // vessel opens; the other feed's is refused as an MMSI never heard is,
    // in the same words, with no panel.
    const linkTo = async (m) => {
      const from = seen.length;
      await page.evaluate((m) => {
        delete document.body.dataset.linkRefused;
        document.getElementById("notice").textContent = "";
        location.hash = `#vessel=${m}`;
      }, m);
      await until(`the link to ${m}`, () => seen.slice(from).some((r) => r.path === `/api/vessels/${m}`));
      await page.waitForTimeout(1200);
      return page.evaluate(() => ({
        refused: document.body.dataset.linkRefused === "1",
        notice: document.getElementById("notice").textContent,
        panel: !document.getElementById("right").hidden,
        shown: document.getElementById("profile").dataset.mmsi,
      }));
    };
    const linkOther = await linkTo(c.other.mmsi);
    const linkUnknown = await linkTo(c.unknown);
    rule(linkOther.refused && !linkOther.panel && linkOther.notice.replaceAll(String(c.other.mmsi), "MMSI") === linkUnknown.notice.replaceAll(String(c.unknown), "MMSI"),
      `${tag}: a link to ${c.other.mmsi} (other feed) ${JSON.stringify(linkOther)}, to ${c.unknown} (never heard) ${JSON.stringify(linkUnknown)}`);
    rule(!linkOther.notice.includes(c.other.name), `${tag}: the refused link names ${c.other.name}`);
    const linkOwn = await linkTo(c.visible.mmsi);
    await page.waitForFunction(() => document.getElementById("profile").dataset.loaded === "1", null, { timeout: 10000 }).catch(() => {});
    rule(!linkOwn.refused && linkOwn.panel && linkOwn.shown === String(c.visible.mmsi), `${tag}: a link to its own ${c.visible.mmsi}: ${JSON.stringify(linkOwn)}`);
    step(`${tag} links`, { other: linkOther, own: linkOwn });
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => document.getElementById("right").hidden, null, { timeout: 5000 });

    // What the role may use.
    const netTab = page.locator('.tabs button[data-tab="networks"]');
    const formats = page.locator("#export .formats");
    let networks = 0;
    let exported = null;
    if (c.role === "viewer") {
      check(!(await formats.isVisible()), `${tag}: export buttons shown to a viewer`);
      const xl = page.locator("#export .xlocked");
      check((await xl.isVisible()) && (await xl.getAttribute("title")) === "Exports need the analyst role", `${tag}: no locked export note`);
      check((await netTab.getAttribute("aria-disabled")) === "true" && (await netTab.getAttribute("title")) === "Networks need the analyst role", `${tag}: the networks tab is not locked`);
      check(!seen.slice(from).some((r) => r.path === "/api/networks"), `${tag}: a viewer's page asked for networks`);
      const n = await get("/api/networks");
      const x = await get("/api/export/events.csv");
      check(n.status === 403 && x.status === 403, `${tag}: networks ${n.status}, export ${x.status}, want 403`);
    } else {
      check((await page.locator("#export .xbtn").count()) === 5 && (await formats.isVisible()), `${tag}: no export buttons (GeoJSON, KML, CSV, Parquet, NVG)`);
      check((await netTab.getAttribute("aria-disabled")) !== "true", `${tag}: networks locked`);
      const members = await page.evaluate(() => window.picket.networks.flatMap((n) => n.members.map((m) => m.mmsi)));
      networks = await page.evaluate(() => window.picket.networks.length);
      const strange = members.filter((m) => !inExpect.has(m));
      rule(!strange.length, `${tag}: networks with vessels it may not see: ${strange.slice(0, 5)}`);
      // An export from the button: every row one of its vessels'.
      const [download] = await Promise.all([page.waitForEvent("download", { timeout: 15000 }), page.click('#export button[data-format="csv"]')]);
      // The id, type, subtype, mmsi and other_mmsi columns come first and
      // hold no comma: a plain split reads them.
      const rows = readFileSync(await download.path(), "utf8").trim().split("\n").map((l) => l.split(","));
      const [head, ...body] = rows;
      const mi = head.indexOf("mmsi");
      const oi = head.indexOf("other_mmsi");
      check(mi >= 0 && oi >= 0, `${tag}: CSV header ${head}`);
      // A dark vessel (a satellite detection no AIS explains) has no MMSI.
      const foreignMMSI = (v) => v !== "" && v !== "0" && !inExpect.has(Number(v));
      const bad = body.filter((r) => foreignMMSI(r[mi]) || foreignMMSI(r[oi]));
      rule(!bad.length, `${tag}: the export has rows of vessels it may not see: ${bad.slice(0, 3).map((r) => r.slice(0, 5))}`);
      const csv = readFileSync(await download.path(), "utf8");
      rule(!csv.includes(c.other.name), `${tag}: the export names ${c.other.name}`);
      exported = body.length;
    }
    const feeds = await get("/api/feeds");
    rule(feeds.status === 403, `${tag}: /api/feeds ${feeds.status}, want 403 (${c.partner} is not cleared for every feed)`);

    // The detections layer: kor-sar's detections (REL TO KOR, JPN) drawn
    // for a partner cleared for the feed, none for another; switched off
    // again so that the screenshot is as before.
    await page.evaluate(() => window.picket.context.set("sensors", true));
    await page.waitForFunction(() => !document.body.dataset.layersBusy, null, { timeout: 20000, polling: 100 });
    await page.evaluate(() => new Promise((ok) => { const m = window.picket.map; const t = setTimeout(ok, 3000); m.once("idle", () => { clearTimeout(t); ok(); }); m.triggerRepaint(); }));
    const dets = await page.evaluate(() => window.picket.map.queryRenderedFeatures({ layers: ["sensor-detections"] }).map((f) => f.properties.feed));
    const detsAnswer = await get("/api/detections");
    rule(dets.length === c.detections && dets.every((f) => f === "kor-sar"), `${tag}: ${dets.length} detections drawn, want ${c.detections}`);
    rule((detsAnswer.body.features ?? []).length === c.detections, `${tag}: /api/detections answered ${(detsAnswer.body.features ?? []).length}, want ${c.detections}`);
    await page.evaluate(() => window.picket.context.set("sensors", false));

    // The live stream stays open (the kor-live feed keeps the pipeline running).
    const conn = await page.evaluate(() => document.getElementById("conn").classList.contains("ok"));
    check(conn, `${tag}: the page says it is not connected`);
    byUser[c.user] = { partner: c.partner, vessels: got.sort((a, b) => a - b), events: all.body.map((e) => e.id).sort() };
    step(tag, { badge, marking, vessels: got.length, header: count, rendered, live, events: all.body.length, listed: evShown, networks, exported, hidden: c.other, found: c.visible, detections: dets.length });
    await page.mouse.move(900, 500);
    await page.screenshot({ path: join(outDir, c.shot) });

    // Log out: nothing of this partner is left on the page.
    await page.click("#logout");
    await page.locator("#login").waitFor({ state: "visible", timeout: 10000 });
    await page.waitForTimeout(500);
    const left = await page.evaluate(() => ({ vessels: window.picket.vessels.size, events: window.picket.events.length, networks: window.picket.networks.length, header: document.getElementById("stat-vessels").textContent, list: document.querySelectorAll("#events li.ev").length }));
    check(left.vessels + left.events + left.networks + left.list === 0 && left.header === "0", `${tag}: left after logout ${JSON.stringify(left)}`);
    check(!(await page.context().cookies()).some((k) => k.name === "picket_session" && k.value), `${tag}: the session cookie stays after logout`);
    check(/not logged in/i.test(await text("#marking")), `${tag}: the marking after logout`);
  }

  // Across users: the two feeds' pictures share no vessel and no event;
  // GBR and USA, cleared for the same feed, see the same.
  const jpn = byUser["jpn-analyst"];
  const gbr = byUser["gbr-viewer"];
  const usa = byUser["usa-admin"];
  rule(!jpn.vessels.some((m) => gbr.vessels.includes(m)), "JPN and GBR share vessels");
  rule(!jpn.events.some((id) => gbr.events.includes(id)), "JPN and GBR share events");
  rule(JSON.stringify(gbr.vessels) === JSON.stringify(usa.vessels) && JSON.stringify(gbr.events) === JSON.stringify(usa.events), "GBR and USA, cleared for the same feed, see different pictures");
  check(jpn.events.length > 0 && gbr.events.length > 0, `events: JPN ${jpn.events.length}, GBR ${gbr.events.length}: the check needs some`);

  if (result.violations.length) throw new Error(`${result.violations.length} breaches of the releasability rule: ${result.violations.join(" | ")}`);
  if (result.requests.length) throw new Error(`requests beyond the server: ${result.requests.slice(0, 3).join(", ")}`);
  if (result.errors.length) throw new Error(`page errors: ${result.errors.slice(0, 3).join(" | ")}`);
  result.ok = true;
} catch (e) {
  result.error = String(e?.message ?? e);
  if (page) await page.screenshot({ path: join(outDir, "partners-failure.png") }).catch(() => {});
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);

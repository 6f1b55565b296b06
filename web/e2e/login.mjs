// The login flow in headless Chromium, against a server that asks for a
// login (login_test.go's stub: ana / "correct horse" is an analyst of JPN,
// the token pkt_demo_viewer a viewer of KOR, a user is refused for 3 s
// after three failed tries, POST /test/revoke ends every session and
// /test/role changes a user's role). Run by TestBrowserLogin, or by hand:
//
//   node e2e/login.mjs http://127.0.0.1:8091 "$TMPDIR/shots"
//
// It prints one JSON line of results and exits non-zero on failure.
import { join } from "node:path";
import { args, launch, newPage } from "./chromium.mjs";

const { url, outDir } = args("node e2e/login.mjs URL OUTDIR");
const browser = await launch();
const result = { ok: false, steps: [], errors: [], requests: [] };
const step = (name, data = {}) => result.steps.push({ name, ...data });
const shot = (name) => page.screenshot({ path: join(outDir, `login-${name}.png`) });
const check = (ok, what) => {
  if (!ok) throw new Error(what);
};
let page;
try {
  // 401 and 403 are what this test is about; 429 too, and /api/config
  // is 404 (no tiles) once logged in.
  page = await newPage(browser, url, result, (r) => [401, 403, 404, 429].includes(r.status()) && new URL(r.url()).pathname.startsWith("/api/"));
  const api = [];
  page.on("request", (r) => {
    const p = new URL(r.url()).pathname;
    if (p.startsWith("/api/")) api.push(`${r.method()} ${p}`);
  });
  const focused = () => page.evaluate(() => document.activeElement?.id ?? "");
  const text = async (sel) => ((await page.locator(sel).textContent()) ?? "").trim();
  const session = () => page.evaluate(() => document.body.dataset.session);
  const loggedIn = async () => {
    await page.waitForFunction(() => document.body.dataset.session === "partner" && document.body.dataset.ready === "1", null, { timeout: 30000 });
    await page.waitForFunction(() => Number(document.body.dataset.rendered || 0) > 0, null, { timeout: 30000 });
  };
  const login = async (user, password) => {
    await page.fill("#login-user", user);
    await page.fill("#login-password", password);
    await page.press("#login-password", "Enter");
  };

  // Nobody logged in: the card over the dimmed map, the focus in it, and
  // no data asked for.
  await page.goto(url, { waitUntil: "load" });
  await page.locator("#login").waitFor({ state: "visible", timeout: 30000 });
  await page.waitForFunction(() => window.picket?.map?.loaded(), null, { timeout: 30000 });
  await page.waitForTimeout(800);
  check((await focused()) === "login-user", `focus on ${await focused()}, want the user name`);
  check((await session()) === "none", `session ${await session()} before a login`);
  check(!api.some((r) => /\/api\/(vessels|events|networks|stream)/.test(r)), `data asked for before a login: ${api}`);
  check(await page.evaluate(() => document.getElementById("main").inert), "the page behind the login is not inert");
  step("login screen", { api: [...api] });
  await shot("01-screen");

  // A wrong password: said under the fields, the focus back in the password.
  await login("ana", "wrong");
  await page.locator("#login-error").waitFor({ state: "visible" });
  const wrong = await text("#login-error");
  check(/wrong user name or password/i.test(wrong), `wrong password says ${JSON.stringify(wrong)}`);
  check((await focused()) === "login-password", `focus on ${await focused()} after a wrong password`);
  step("wrong password", { error: wrong });
  await shot("02-wrong-password");

  // A token instead: the toggle, a refused token.
  await page.click("#login-mode");
  check((await focused()) === "login-token", `focus on ${await focused()} in token mode`);
  check(!(await page.locator("#login-error").isVisible()), "the old error stays in token mode");
  await page.fill("#login-token", "pkt_revoked");
  await page.press("#login-token", "Enter");
  await page.locator("#login-error").waitFor({ state: "visible" });
  const badToken = await text("#login-error");
  check(/token not valid or revoked/i.test(badToken), `bad token says ${JSON.stringify(badToken)}`);
  step("bad token", { error: badToken });
  await shot("03-bad-token");
  await page.click("#login-mode");

  // Three failed tries, then the server says wait: the page counts down.
  for (let i = 0; i < 3; i++) {
    await login("eve", `guess ${i}`);
    await page.waitForFunction(() => /wrong/i.test(document.getElementById("login-error").textContent), null, { timeout: 5000 });
    await page.evaluate(() => (document.getElementById("login-error").textContent = ""));
  }
  await login("eve", "guess 4");
  await page.waitForFunction(() => /too many attempts/i.test(document.getElementById("login-error").textContent), null, { timeout: 5000 });
  const limited = await text("#login-error");
  check(/try again in \d+ s/i.test(limited), `rate limit says ${JSON.stringify(limited)}`);
  check(await page.locator("#login-submit").isDisabled(), "the button is enabled while the server says wait");
  step("rate limited", { error: limited });
  await shot("04-rate-limited");
  await page.waitForFunction(() => !document.getElementById("login-submit").disabled, null, { timeout: 10000 });

  // ana logs in: the partner's marking, the badge, the clearance, exports.
  await login("ana", "correct horse");
  await loggedIn();
  await page.waitForTimeout(1500);
  const badge = (await text("#who-badge")).replace(/\s+/g, " ");
  const marking = await text("#marking");
  check(!(await page.locator("#login").isVisible()), "the login screen stays after a login");
  // The first /api/events was answered 429: the page asked again.
  await page.waitForFunction(() => document.querySelectorAll("#events li.ev").length > 0, null, { timeout: 10000 });
  check(badge === "ana · JPN · analyst", `badge ${JSON.stringify(badge)}`);
  check(/releasable to jpn/i.test(marking), `marking ${JSON.stringify(marking)}`);
  check((await page.locator("#export .xbtn").count()) === 5 && (await page.locator("#export .xbtn").first().isVisible()), "no export buttons for an analyst (GeoJSON, KML, CSV, Parquet, NVG)");
  check(!(await page.locator('.tabs button[data-tab="networks"]').evaluate((b) => b.classList.contains("locked"))), "networks locked for an analyst");
  const cookie = (await page.context().cookies()).find((c) => c.name === "picket_session");
  check(cookie?.httpOnly && cookie.sameSite === "Strict", `session cookie ${JSON.stringify(cookie)}`);
  check(await page.evaluate(() => !JSON.stringify(localStorage).includes("horse") && !JSON.stringify(sessionStorage).includes("horse")), "the password is kept in storage");
  step("analyst", { badge, marking, rendered: await page.evaluate(() => Number(document.body.dataset.rendered)) });
  await shot("05-analyst");
  await page.hover("#who-badge");
  await page.locator("#who-tip").waitFor({ state: "visible" });
  const tip = await text("#who-tip");
  check(tip.includes("jpn-coast") && tip.includes("sim-kor"), `clearance tooltip ${JSON.stringify(tip)}`);
  step("clearance", { tip });
  await shot("06-clearance");
  await page.mouse.move(800, 500);

  // An export saves a file.
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 10000 }), page.click('#export button[data-format="csv"]')]);
  check(download.suggestedFilename() === "events.csv", `export saved as ${download.suggestedFilename()}`);
  await page.waitForFunction(() => /saved/i.test(document.getElementById("export-msg").textContent), null, { timeout: 5000 });
  step("export", { file: download.suggestedFilename() });

  // The session is revoked on the server: the live stream drops, the page
  // asks who is logged in, and shows the login over the same view.
  await page.evaluate(() => window.picket.map.jumpTo({ center: [126.2, 35.1], zoom: 6.5 }));
  await page.waitForTimeout(1200);
  const view = await page.evaluate(() => ({ ...window.picket.map.getCenter(), zoom: window.picket.map.getZoom() }));
  await page.request.post(`${url}/test/revoke`);
  await page.locator("#login").waitFor({ state: "visible", timeout: 20000 });
  await page.waitForTimeout(800);
  const info = await text("#login-info");
  const after = await page.evaluate(() => ({ ...window.picket.map.getCenter(), zoom: window.picket.map.getZoom(), vessels: window.picket.vessels.size, events: window.picket.events.length }));
  check(/session has ended/i.test(info), `expired says ${JSON.stringify(info)}`);
  check(Math.abs(after.lng - view.lng) < 1e-6 && Math.abs(after.lat - view.lat) < 1e-6 && after.zoom === view.zoom, `the view moved: ${JSON.stringify(view)} -> ${JSON.stringify(after)}`);
  check(after.vessels === 0 && after.events === 0, `the page still holds ${after.vessels} vessels and ${after.events} events`);
  check((await page.inputValue("#login-user")) === "ana" && (await focused()) === "login-password", "after expiry the user name is kept and the focus is in the password");
  check(/not logged in/i.test(await text("#marking")), "the marking stays without a session");
  step("expired", { info, view });
  await shot("07-expired");

  // Logged in again: the same view, the data back.
  await page.fill("#login-password", "correct horse");
  await page.press("#login-password", "Enter");
  await loggedIn();
  const again = await page.evaluate(() => ({ ...window.picket.map.getCenter(), zoom: window.picket.map.getZoom() }));
  check(Math.abs(again.lng - view.lng) < 1e-6 && again.zoom === view.zoom, `the view moved at the new login: ${JSON.stringify(again)}`);
  step("again", { view: again });

  // The role is lowered on the server: the export is refused where it was
  // asked for, and the page locks exports.
  await page.request.post(`${url}/test/role?user=ana&role=viewer`);
  await page.click('#export button[data-format="csv"]');
  await page.waitForFunction(() => /exports need the analyst role/i.test(document.getElementById("export-msg").textContent), null, { timeout: 5000 });
  await page.waitForFunction(() => document.querySelector("#export .formats").hidden, null, { timeout: 5000 });
  const badge403 = (await text("#who-badge")).replace(/\s+/g, " ");
  check(badge403 === "ana · JPN · viewer", `badge after the role changed ${JSON.stringify(badge403)}`);
  step("forbidden", { msg: await text("#export-msg"), badge: badge403 });
  await shot("08-forbidden");

  // Log out: the login screen, the cookie gone, nothing left on the page.
  await page.click("#logout");
  await page.locator("#login").waitFor({ state: "visible", timeout: 10000 });
  const out = await text("#login-info");
  const left = await page.evaluate(() => window.picket.vessels.size + window.picket.events.length);
  const kept = (await page.context().cookies()).some((c) => c.name === "picket_session" && c.value);
  check(/logged out/i.test(out), `logout says ${JSON.stringify(out)}`);
  check(!kept, "the session cookie is still there after logout");
  check(left === 0, `${left} vessels and events left after logout`);
  check(api.includes("POST /api/logout"), "no POST /api/logout");
  step("logged out", { info: out });
  await shot("09-logged-out");

  // A demo link opened in the browser: the token logs in a viewer and
  // leaves the address bar.
  await page.goto("about:blank");
  api.length = 0;
  await page.goto(`${url}/#login=pkt_demo_viewer`, { waitUntil: "load" });
  await loggedIn();
  await page.waitForTimeout(1500);
  const href = await page.evaluate(() => location.href);
  const vbadge = (await text("#who-badge")).replace(/\s+/g, " ");
  check(!href.includes("pkt_") && !href.includes("login="), `the token stays in the address bar: ${href}`);
  check(api[0] === "POST /api/login", `the demo link does not log in first: ${api.slice(0, 3)}`);
  check(vbadge === "demo · KOR · viewer", `viewer badge ${JSON.stringify(vbadge)}`);
  check(/releasable to kor/i.test(await text("#marking")), "no KOR marking");
  check(!(await page.locator("#export .formats").isVisible()), "export buttons shown to a viewer");
  const xlocked = page.locator("#export .xlocked");
  check((await xlocked.isVisible()) && (await xlocked.getAttribute("title")) === "Exports need the analyst role", "no locked export note for a viewer");
  const netTab = page.locator('.tabs button[data-tab="networks"]');
  check((await netTab.getAttribute("title")) === "Networks need the analyst role" && (await netTab.getAttribute("aria-disabled")) === "true", "the networks tab is not locked for a viewer");
  check(!api.some((r) => r.includes("/api/networks")), "a viewer's page asked for networks");
  step("viewer", { href, badge: vbadge });
  await shot("10-viewer");
  // aria-disabled: playwright will not click it, an officer can, and
  // finds out why the networks are not there.
  await netTab.click({ force: true });
  await page.locator("#tab-networks .lockbox").waitFor({ state: "visible" });
  step("viewer networks", { text: await text("#tab-networks .lockbox b") });
  await shot("11-viewer-networks");

  // A demo link whose token was revoked, pasted into the open page: the
  // viewer's session ends and the login, in token mode, says why.
  await page.goto(`${url}/#login=pkt_revoked`);
  await page.locator("#login-error").waitFor({ state: "visible", timeout: 30000 });
  const revoked = await text("#login-error");
  check(/token not valid or revoked/i.test(revoked) && (await page.locator("#login-token").isVisible()), `a revoked link says ${JSON.stringify(revoked)}`);
  check(!(await page.evaluate(() => location.href)).includes("pkt_"), "a refused token stays in the address bar");
  step("revoked link", { error: revoked });

  if (result.requests.length) throw new Error(`requests beyond the server: ${result.requests.slice(0, 3).join(", ")}`);
  if (result.errors.length) throw new Error(`page errors: ${result.errors.slice(0, 3).join(" | ")}`);
  result.ok = true;
} catch (e) {
  result.error = String(e?.message ?? e);
  if (page) await page.screenshot({ path: join(outDir, "login-failure.png") }).catch(() => {});
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);

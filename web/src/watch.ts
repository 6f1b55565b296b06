// The watch floor on the map: the partner's alert rules (their areas drawn
// on the map, a form to make or change one, with a polygon drawn by
// clicking; a rule disabled and enabled again), the
// alert inbox (acknowledge, assign, dismiss) and the rule alerts that come
// on the live stream, which flash on the map and in a toast. The server
// decides who may do what (docs/api.md); the page hides what a viewer would
// be refused.
import type { Map as MLMap, GeoJSONSource, MapMouseEvent } from "maplibre-gl";
import * as api from "./api";
import type { Rule, RuleAlert, RulesInfo } from "./api";
import { CATEGORY_LABELS, EVENT_LABELS, esc, ms, zshort, type Category } from "./fmt";
import { Library } from "./library";

const EMPTY: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: [] };

export const KIND_COLORS: Record<string, string> = { entry: "#4be08a", exit: "#4db8ff", event: "#ff9f43", dark: "#e056fd" };
const KIND_LABELS: Record<string, string> = { entry: "Entry", exit: "Exit", event: "Event", dark: "Dark" };

/** What the watch needs of the page. */
export interface Host {
  map: MLMap;
  session: api.Session | null;
  /** A tool takes the map's clicks (or gives them back). */
  own(tool: "draw" | null): void;
  select(mmsi: number): void;
  notice(msg: string): void;
  loadVessels(): Promise<void>;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

export class Watch {
  info: RulesInfo = { rules: [], zones: [], webhooks: [], ship_types: [], event_types: [] };
  inbox: RuleAlert[] = [];
  status = "open";
  /** The polygon being drawn, or drawn and not yet saved. */
  draft: [number, number][] = [];
  drawing = false;
  /** Alerts raised while the page is open, newest first: their markers flash. */
  fresh = new Set<number>();
  /** The partner's zones and watchlists. */
  library: Library;
  /** The rule the form changes (null: the form makes a new one). */
  editing: string | null = null;
  /** The rule whose area is picked out on the map. */
  selectedRule: string | null = null;
  /** Who gets the polygon being drawn: the rule form (null) or another form. */
  private drawDone: ((pts: [number, number][]) => void) | null = null;
  private abort: AbortController | null = null;
  private readonly onClick = (e: MapMouseEvent) => this.addPoint([e.lngLat.lng, e.lngLat.lat], e.point);
  private readonly onDblClick = (e: MapMouseEvent) => {
    e.preventDefault();
    this.finishDraw();
  };
  private lastPx: { x: number; y: number } | null = null;

  constructor(private host: Host) {
    const m = host.map;
    for (const id of ["rule-areas", "rule-draft", "rule-alerts"]) m.addSource(id, { type: "geojson", data: EMPTY });
    m.addLayer({ id: "rule-areas-fill", type: "fill", source: "rule-areas",
      paint: { "fill-color": "#ffb020", "fill-opacity": ["case", ["get", "_sel"], 0.16, 0.06] } });
    m.addLayer({ id: "rule-areas-line", type: "line", source: "rule-areas",
      paint: { "line-color": "#ffb020", "line-width": ["case", ["get", "_sel"], 3, 1.5], "line-opacity": ["case", ["get", "_off"], 0.35, 0.85],
        "line-dasharray": [4, 2] } });
    m.addLayer({ id: "rule-draft-fill", type: "fill", source: "rule-draft", filter: ["==", ["geometry-type"], "Polygon"],
      paint: { "fill-color": "#4fd1ff", "fill-opacity": 0.12 } });
    m.addLayer({ id: "rule-draft-line", type: "line", source: "rule-draft", filter: ["!=", ["geometry-type"], "Point"],
      paint: { "line-color": "#4fd1ff", "line-width": 2 } });
    m.addLayer({ id: "rule-draft-points", type: "circle", source: "rule-draft", filter: ["==", ["geometry-type"], "Point"],
      paint: { "circle-radius": 4, "circle-color": "#4fd1ff", "circle-stroke-color": "#0b1620", "circle-stroke-width": 1.5 } });
    m.addLayer({ id: "rule-alerts", type: "circle", source: "rule-alerts",
      paint: {
        "circle-radius": ["case", ["get", "_fresh"], 14, 9],
        "circle-color": "transparent",
        "circle-stroke-color": ["get", "_c"],
        "circle-stroke-width": ["case", ["get", "_fresh"], 3, 2],
        "circle-stroke-opacity": ["case", ["==", ["get", "status"], "open"], 1, 0.35],
      } });
    m.on("click", "rule-alerts", (e) => {
      if (this.drawing) return;
      const mmsi = Number(e.features?.[0]?.properties?.mmsi);
      if (mmsi) host.select(mmsi);
    });
    const self = this;
    this.library = new Library({
      map: m,
      get session() {
        return host.session;
      },
      notice: (msg) => host.notice(msg),
      draw: (done) => this.startDraw(done),
      clearDraft: () => {
        this.draft = [];
        this.drawDraft();
      },
      changed() {
        self.refreshInfo();
      },
      loadVessels: () => host.loadVessels(),
    });
    this.setupUI();
  }

  /** The zones and lists changed: what a rule may name, and the areas. */
  private async refreshInfo(): Promise<void> {
    try {
      const info = await api.rules();
      this.info = info;
    } catch (e) {
      if (!api.quiet(e)) this.host.notice(`Rules not loaded: ${(e as Error).message}`);
    }
    this.fillForm();
    this.render();
  }

  // ---- loading -----------------------------------------------------------

  /** Loads the rules and the inbox for the session now. */
  async load(): Promise<void> {
    this.abort?.abort();
    const ac = (this.abort = new AbortController());
    try {
      const [info, inbox] = await Promise.all([api.rules(ac.signal), api.ruleAlerts(this.status, ac.signal), this.library.load()]);
      if (ac.signal.aborted) return;
      this.info = info;
      this.inbox = inbox;
    } catch (e) {
      if (!api.quiet(e)) $("inbox").innerHTML = `<li class="empty muted">Alerts not loaded: ${esc((e as Error).message)}</li>`;
      return;
    }
    this.fillForm();
    this.render();
  }

  /** Forgets everything of the session (a logout). */
  forget(): void {
    this.abort?.abort();
    this.stopDraw();
    this.info = { rules: [], zones: [], webhooks: [], ship_types: [], event_types: [] };
    this.inbox = [];
    this.fresh.clear();
    this.draft = [];
    this.editing = this.selectedRule = null;
    $("rule-form").hidden = true;
    this.library.forget();
    this.render();
  }

  /** A rule alert from the live stream: a new one, or one acted on. */
  onAlert(a: RuleAlert): void {
    const i = this.inbox.findIndex((x) => x.id === a.id);
    const isNew = i < 0 && a.actions.length === 0;
    if (i >= 0) this.inbox[i] = a;
    else if (this.status === "" || a.status === this.status) this.inbox.unshift(a);
    if (i >= 0 && this.status && a.status !== this.status) this.inbox.splice(i, 1);
    if (isNew) {
      this.fresh.add(a.id);
      setTimeout(() => {
        this.fresh.delete(a.id);
        this.drawAlerts();
      }, 30_000);
      this.toast(a);
    }
    this.render();
  }

  // ---- drawing -----------------------------------------------------------

  /** Draws a polygon: for the rule form, or for done (another form). */
  startDraw(done?: (pts: [number, number][]) => void): void {
    this.drawDone = done ?? null;
    this.host.own("draw");
    this.drawing = true;
    this.draft = [];
    this.lastPx = null;
    const m = this.host.map;
    m.doubleClickZoom.disable();
    m.getCanvas().style.cursor = "crosshair";
    m.on("click", this.onClick);
    m.on("dblclick", this.onDblClick);
    $("draw-hint").hidden = false;
    this.drawDraft();
    this.renderArea();
  }

  private addPoint(p: [number, number], px: { x: number; y: number }): void {
    // The two clicks of a double click land on one place: one point.
    if (this.lastPx && Math.hypot(px.x - this.lastPx.x, px.y - this.lastPx.y) < 4) return;
    this.lastPx = px;
    this.draft.push(p);
    this.drawDraft();
    this.renderArea();
  }

  finishDraw(): void {
    if (!this.drawing) return;
    this.stopDraw();
    if (this.drawDone) {
      const done = this.drawDone;
      this.drawDone = null;
      if (this.draft.length < 3) {
        if (this.draft.length) this.host.notice("An area needs at least 3 points.");
        this.draft = [];
      }
      this.drawDraft();
      done([...this.draft]);
      return;
    }
    if (this.draft.length < 3) {
      this.draft = [];
      this.host.notice("An area needs at least 3 points.");
    }
    if (this.draft.length >= 3) $<HTMLSelectElement>("rule-zone").value = "";
    this.drawDraft();
    this.renderArea();
  }

  private stopDraw(): void {
    if (!this.drawing) return;
    this.drawing = false;
    const m = this.host.map;
    m.off("click", this.onClick);
    m.off("dblclick", this.onDblClick);
    m.doubleClickZoom.enable();
    m.getCanvas().style.cursor = "";
    $("draw-hint").hidden = true;
    this.host.own(null);
  }

  private drawDraft(): void {
    const fs: GeoJSON.Feature[] = this.draft.map((c) => ({ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: c } }));
    if (this.draft.length >= 3 && !this.drawing)
      fs.push({ type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: [[...this.draft, this.draft[0]]] } });
    else if (this.draft.length >= 2) fs.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: this.draft } });
    (this.host.map.getSource("rule-draft") as GeoJSONSource | undefined)?.setData({ type: "FeatureCollection", features: fs });
  }

  // ---- the form ------------------------------------------------------------

  private setupUI(): void {
    $("rule-new").addEventListener("click", () => {
      this.closeForm();
      $("rule-form").hidden = false;
      $("rule-error").hidden = true;
      $<HTMLInputElement>("rule-name").focus();
    });
    $("rule-draw").addEventListener("click", () => this.startDraw());
    $("draw-finish").addEventListener("click", () => this.finishDraw());
    $("rule-cancel").addEventListener("click", () => this.closeForm());
    $("rule-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.save();
    });
    $("rule-zone").addEventListener("change", () => this.renderArea());
    for (const id of ["rule-events", "rule-types", "rule-lists"])
      $(id).addEventListener("click", (ev) => {
        const b = (ev.target as HTMLElement).closest<HTMLElement>(".chip");
        if (b) b.classList.toggle("on");
      });
    $("inbox-status").addEventListener("click", (ev) => {
      const b = (ev.target as HTMLElement).closest<HTMLElement>("button");
      if (!b) return;
      this.status = b.dataset.v ?? "";
      for (const x of $("inbox-status").querySelectorAll("button")) x.classList.toggle("on", x === b);
      this.load();
    });
    $("inbox").addEventListener("click", (ev) => {
      const el = ev.target as HTMLElement;
      const li = el.closest<HTMLElement>("li.ralert");
      if (!li) return;
      const a = this.inbox.find((x) => x.id === Number(li.dataset.id));
      if (!a) return;
      const act = el.closest<HTMLElement>("button[data-act]")?.dataset.act;
      if (act === "acknowledge" || act === "dismiss") this.act(a, act);
      else if (act === "assign") {
        const to = li.querySelector<HTMLInputElement>("input.assign-to")!.value.trim();
        if (to) this.act(a, "assign", to);
      } else if (!el.closest("input")) {
        this.host.map.flyTo({ center: [a.lon, a.lat], zoom: Math.max(this.host.map.getZoom(), 9) });
        this.host.select(a.mmsi);
      }
    });
    $("rules").addEventListener("click", (ev) => {
      const el = ev.target as HTMLElement;
      const li = el.closest<HTMLElement>("li.rule");
      const r = this.info.rules.find((x) => x.id === li?.dataset.id);
      if (!r) return;
      const b = el.closest<HTMLElement>("button");
      if (b?.dataset.del) this.remove(r.id!);
      else if (b?.dataset.edit) this.openEdit(r);
      else if (b?.dataset.toggle) this.toggle(r);
      else this.pick(r.id!);
    });
    document.addEventListener("keydown", (ev) => {
      if (!this.drawing) return;
      if (ev.key === "Enter") this.finishDraw();
      if (ev.key === "Escape") {
        this.draft = [];
        this.finishDraw();
      }
    });
  }

  /** The zones, event types, ship types and webhooks a rule may name. */
  private fillForm(): void {
    const zone = $<HTMLSelectElement>("rule-zone");
    zone.innerHTML =
      `<option value="">the area drawn on the map</option>` + this.info.zones.map((z) => `<option value="${esc(z)}">zone: ${esc(z)}</option>`).join("");
    $("rule-events").innerHTML = ["any", ...this.info.event_types]
      .map((t) => `<button type="button" class="chip" data-v="${esc(t)}">${esc(t === "any" ? "Any event" : EVENT_LABELS[t] ?? t)}</button>`)
      .join("");
    $("rule-types").innerHTML = this.info.ship_types
      .map((t) => `<button type="button" class="chip" data-v="${esc(t)}">${esc(CATEGORY_LABELS[t as Category] ?? t)}</button>`)
      .join("");
    $("rule-lists").innerHTML = this.library.lists.length
      ? this.library.lists.map((l) => `<button type="button" class="chip" data-v="${esc(l.id)}">${esc(l.name)}</button>`).join("")
      : `<span class="muted">none yet</span>`;
    $("rule-hooks").innerHTML = this.info.webhooks.length
      ? this.info.webhooks.map((h) => `<label class="check"><input type="checkbox" value="${esc(h)}"> ${esc(h)}</label>`).join("")
      : `<span class="muted">none configured for your partner</span>`;
  }

  private renderArea(): void {
    const zone = $<HTMLSelectElement>("rule-zone").value;
    $("rule-area-msg").textContent = zone
      ? `zone ${zone}`
      : this.drawing
        ? `drawing: ${this.draft.length} point${this.draft.length === 1 ? "" : "s"}`
        : this.draft.length >= 3
          ? `drawn: ${this.draft.length} points`
          : "no area yet";
  }

  private chosen(id: string): string[] {
    return [...$(id).querySelectorAll<HTMLElement>(".chip.on")].map((b) => b.dataset.v!);
  }

  /** The rule the form describes. */
  formRule(): Rule {
    const num = (id: string) => {
      const v = $<HTMLInputElement>(id).value.trim();
      return v === "" ? undefined : Number(v);
    };
    const zone = $<HTMLSelectElement>("rule-zone").value;
    const flags = $<HTMLInputElement>("rule-flags").value.split(/[\s,]+/).filter(Boolean).map((f) => f.toUpperCase());
    const r: Rule = {
      name: $<HTMLInputElement>("rule-name").value.trim(),
      area: zone ? { zone } : { polygon: this.draft },
      triggers: {
        entry: $<HTMLInputElement>("rule-entry").checked,
        exit: $<HTMLInputElement>("rule-exit").checked,
        events: this.chosen("rule-events"),
        dark_minutes: num("rule-dark") ?? 0,
      },
      filters: {
        ship_types: this.chosen("rule-types"),
        flags,
        watchlist: $<HTMLInputElement>("rule-watchlist").checked,
        lists: this.chosen("rule-lists"),
        min_speed: num("rule-min-speed"),
        max_speed: num("rule-max-speed"),
      },
      webhooks: [...$("rule-hooks").querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.value),
    };
    return r;
  }

  async save(): Promise<void> {
    const err = $("rule-error");
    err.hidden = true;
    try {
      if (this.editing) {
        const old = this.info.rules.find((x) => x.id === this.editing);
        const r = await api.updateRule(this.editing, { ...this.formRule(), disabled: old?.disabled });
        this.info.rules = this.info.rules.map((x) => (x.id === r.id ? r : x));
      } else this.info.rules.push(await api.addRule(this.formRule()));
      this.closeForm();
      this.render();
    } catch (e) {
      if (api.quiet(e)) return;
      const he = e as api.HTTPError;
      err.textContent = he.detail || he.message;
      err.hidden = false;
    }
  }

  /** Opens the form on a rule, to change it. */
  openEdit(r: Rule): void {
    this.closeForm();
    this.editing = r.id!;
    $("rule-form").hidden = false;
    $("rule-error").hidden = true;
    $<HTMLInputElement>("rule-name").value = r.name;
    this.draft = r.area.polygon ? [...r.area.polygon] : [];
    $<HTMLSelectElement>("rule-zone").value = r.area.zone ?? "";
    const t = r.triggers;
    $<HTMLInputElement>("rule-entry").checked = !!t.entry;
    $<HTMLInputElement>("rule-exit").checked = !!t.exit;
    $<HTMLInputElement>("rule-dark").value = t.dark_minutes ? String(t.dark_minutes) : "";
    const f = r.filters ?? {};
    const on = (id: string, vs: string[] | undefined) => {
      for (const c of $(id).querySelectorAll<HTMLElement>(".chip")) c.classList.toggle("on", (vs ?? []).includes(c.dataset.v!));
    };
    on("rule-events", t.events);
    on("rule-types", f.ship_types);
    on("rule-lists", f.lists);
    $<HTMLInputElement>("rule-flags").value = (f.flags ?? []).join(", ");
    $<HTMLInputElement>("rule-watchlist").checked = !!f.watchlist;
    $<HTMLInputElement>("rule-min-speed").value = f.min_speed !== undefined ? String(f.min_speed) : "";
    $<HTMLInputElement>("rule-max-speed").value = f.max_speed !== undefined ? String(f.max_speed) : "";
    for (const i of $("rule-hooks").querySelectorAll<HTMLInputElement>("input")) i.checked = (r.webhooks ?? []).includes(i.value);
    $("rule-save").textContent = "Save changes";
    this.drawDraft();
    this.renderArea();
    this.pick(r.id!);
    $<HTMLInputElement>("rule-name").focus();
  }

  /** Disables or enables a rule. */
  private async toggle(r: Rule): Promise<void> {
    try {
      const got = await api.updateRule(r.id!, { ...r, disabled: !r.disabled });
      this.info.rules = this.info.rules.map((x) => (x.id === got.id ? got : x));
      this.render();
    } catch (e) {
      if (!api.quiet(e)) this.host.notice(`Rule not changed: ${(e as api.HTTPError).detail || (e as Error).message}`);
    }
  }

  /** Picks a rule out: its area drawn bold, and the map brought to it. */
  pick(id: string): void {
    this.selectedRule = id;
    this.render();
    const r = this.info.rules.find((x) => x.id === id);
    const ring = r && this.areaOf(r);
    if (!ring) return;
    let [w, s, e, n] = [180, 90, -180, -90];
    for (const poly of ring.coordinates)
      for (const [x, y] of poly[0]) {
        w = Math.min(w, x);
        e = Math.max(e, x);
        s = Math.min(s, y);
        n = Math.max(n, y);
      }
    this.host.map.fitBounds([w, s, e, n], { padding: 60, maxZoom: 11, duration: 600 });
  }

  /** A rule's area as a MultiPolygon: drawn, or its zone's (null when unknown). */
  private areaOf(r: Rule): GeoJSON.MultiPolygon | null {
    const p = r.area.polygon;
    if (p && p.length >= 3) return { type: "MultiPolygon", coordinates: [[[...p, p[0]]]] };
    const z = r.area.zone ? this.library.zone(r.area.zone) : undefined;
    return z ? z.geometry : null;
  }

  private closeForm(): void {
    this.stopDraw();
    this.editing = null;
    $("rule-save").textContent = "Save rule";
    this.draft = [];
    this.drawDraft();
    ($("rule-form") as HTMLFormElement).reset();
    for (const c of $("rule-form").querySelectorAll(".chip.on")) c.classList.remove("on");
    $("rule-form").hidden = true;
    this.renderArea();
  }

  private async remove(id: string): Promise<void> {
    try {
      await api.deleteRule(id);
      this.info.rules = this.info.rules.filter((r) => r.id !== id);
      this.render();
    } catch (e) {
      if (!api.quiet(e)) this.host.notice(`Rule not deleted: ${(e as api.HTTPError).detail || (e as Error).message}`);
    }
  }

  private async act(a: RuleAlert, action: "acknowledge" | "dismiss" | "assign", to?: string): Promise<void> {
    try {
      this.onAlert(await api.act(a.id, action, to));
    } catch (e) {
      if (!api.quiet(e)) this.host.notice(`Alert ${a.id} not updated: ${(e as api.HTTPError).detail || (e as Error).message}`);
    }
  }

  // ---- rendering -----------------------------------------------------------

  render(): void {
    const analyst = api.allowed(this.host.session, "rules");
    const open = this.inbox.filter((a) => a.status === "open").length;
    $("inbox-count").textContent = this.status === "open" ? (open ? String(open) : "") : "";
    const ref = Date.now();
    $("inbox").innerHTML = this.inbox.length
      ? this.inbox.map((a) => alertRow(a, analyst, ref)).join("")
      : `<li class="empty muted">${this.status ? `No ${this.status} alerts.` : "No alerts."} ${this.info.rules.length ? "" : "Make a rule to be alerted."}</li>`;
    $("rules").innerHTML = this.info.rules.length
      ? this.info.rules.map((r) => ruleRow(r, analyst, r.id === this.selectedRule)).join("")
      : `<li class="empty muted">No rules yet.</li>`;
    this.drawAreas();
    this.drawAlerts();
  }

  private drawAreas(): void {
    const fs: GeoJSON.Feature[] = [];
    for (const r of this.info.rules) {
      const g = this.areaOf(r);
      if (g) fs.push({ type: "Feature", properties: { id: r.id, name: r.name, _off: !!r.disabled, _sel: r.id === this.selectedRule }, geometry: g });
    }
    (this.host.map.getSource("rule-areas") as GeoJSONSource | undefined)?.setData({ type: "FeatureCollection", features: fs });
  }

  private drawAlerts(): void {
    const fs: GeoJSON.Feature[] = this.inbox
      .filter((a) => isFinite(a.lat) && isFinite(a.lon))
      .map((a) => ({
        type: "Feature",
        properties: { id: a.id, mmsi: a.mmsi, status: a.status, _c: KIND_COLORS[a.kind] ?? "#ffb020", _fresh: this.fresh.has(a.id) },
        geometry: { type: "Point", coordinates: [a.lon, a.lat] },
      }));
    (this.host.map.getSource("rule-alerts") as GeoJSONSource | undefined)?.setData({ type: "FeatureCollection", features: fs });
  }

  private toast(a: RuleAlert): void {
    const el = document.createElement("div");
    el.className = "toast rule";
    el.style.setProperty("--c", KIND_COLORS[a.kind] ?? "#ffb020");
    el.innerHTML = `<b>${esc(KIND_LABELS[a.kind] ?? a.kind)}</b> ${esc(a.summary)}`;
    el.onclick = () => {
      this.host.map.flyTo({ center: [a.lon, a.lat], zoom: Math.max(this.host.map.getZoom(), 9) });
      this.host.select(a.mmsi);
      el.remove();
    };
    const box = $("toasts");
    box.prepend(el);
    while (box.children.length > 4) box.lastElementChild!.remove();
    setTimeout(() => el.classList.add("old"), 8000);
    setTimeout(() => el.remove(), 20000);
  }
}

function alertRow(a: RuleAlert, analyst: boolean, ref: number): string {
  const last = a.actions[a.actions.length - 1];
  const who = last ? `${esc(last.action === "assign" ? `assigned to ${last.to}` : last.action + "d")} by ${esc(last.user)} ${zshort(ms(last.time), ref)}` : "";
  const buttons =
    analyst && a.status === "open"
      ? `<div class="acts"><button data-act="acknowledge">Acknowledge</button><button data-act="dismiss">Dismiss</button>` +
        `<input class="assign-to" placeholder="user" aria-label="Assign to user" spellcheck="false"><button data-act="assign">Assign</button></div>`
      : "";
  return (
    `<li class="ralert ${esc(a.status)}" data-id="${a.id}" style="--c:${KIND_COLORS[a.kind] ?? "#ffb020"}">` +
    `<div class="h"><span class="kind">${esc(KIND_LABELS[a.kind] ?? a.kind)}</span><span class="rname">${esc(a.rule_name)}</span>` +
    `<span class="t">${zshort(ms(a.time), ref)}</span></div>` +
    `<div class="s">${esc(a.summary)}</div>` +
    `<div class="m"><span class="status">${esc(a.status)}</span>${a.assigned_to ? ` · <span class="assignee">${esc(a.assigned_to)}</span>` : ""}${who ? ` · <span class="who">${who}</span>` : ""}</div>` +
    buttons +
    `</li>`
  );
}

function ruleRow(r: Rule, analyst: boolean, selected: boolean): string {
  const t = r.triggers;
  const what = [
    t.entry ? "entry" : "",
    t.exit ? "exit" : "",
    t.events?.length ? t.events.map((e) => (e === "any" ? "any event" : EVENT_LABELS[e] ?? e)).join(", ") : "",
    t.dark_minutes ? `dark ${t.dark_minutes} min` : "",
  ].filter(Boolean);
  const f = r.filters ?? {};
  const only = [
    ...(f.ship_types ?? []).map((s) => CATEGORY_LABELS[s as Category] ?? s),
    ...(f.flags ?? []),
    f.watchlist ? "watchlisted" : "",
    f.lists?.length ? `on ${f.lists.length} of your lists` : "",
    f.min_speed !== undefined || f.max_speed !== undefined ? `${f.min_speed ?? 0}–${f.max_speed ?? "∞"} kn` : "",
  ].filter(Boolean);
  return (
    `<li class="rule${r.disabled ? " off" : ""}${selected ? " sel" : ""}" data-id="${esc(r.id)}" title="Show its area on the map"><div class="h"><b>${esc(r.name)}</b>` +
    (r.disabled ? `<span class="muted">disabled</span>` : "") +
    (analyst
      ? `<button class="ghost" data-edit="1" title="Change the rule">Edit</button>` +
        `<button class="ghost" data-toggle="1" title="${r.disabled ? "Evaluate the rule again" : "Keep the rule without alerts"}">${r.disabled ? "Enable" : "Disable"}</button>` +
        `<button class="ghost" data-del="${esc(r.id)}" title="Delete the rule (its alerts stay)">Delete</button>`
      : "") +
    `</div><div class="m">${esc(r.area.zone ? `zone ${r.area.zone}` : `drawn area, ${r.area.polygon?.length ?? 0} points`)} · ${esc(what.join(", "))}` +
    `${only.length ? ` · only ${esc(only.join(", "))}` : ""} · by ${esc(r.created_by ?? "")}${r.updated_by ? `, changed by ${esc(r.updated_by)}` : ""}</div></li>`
  );
}

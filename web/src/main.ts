// picket's map. One page: the live picture (vessels, alerts), a vessel's
// story in the side panel, the events list, the networks and a time slider
// to replay the past. Everything it draws comes from /api; the basemap and
// icons ship with the page, so it works with no internet at all.
import * as maplibregl from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import "./style.css";
import * as api from "./api";
import type { BBox, Fix, Network, PicketEvent, Profile, VesselFeature } from "./api";
import * as basemap from "./basemap";
import { addIcons } from "./icons";
import { Labels, type Label } from "./labels";
import {
  addLayers, setEvents, setHighlight, setNetwork, setSelection, setTracks, setVessels, LINK_COLORS,
  type ColorBy, type Link, type TrackPart,
} from "./layers";
import { eventRow, network as networkHTML, render as renderPanel, setCaseExport } from "./panel";
import {
  CATEGORY_COLORS, CATEGORY_LABELS, EVENT_COLORS, EVENT_LABELS, EVENT_TYPES, LINK_LABELS, esc, ms, riskColor, zclock, zshort,
  type Category,
} from "./fmt";
import { Replay, positionAt } from "./replay";
import { Gate, takeLoginLink } from "./session";
import { byRank, isNoise } from "./rank";
import { formatLink, hasLink, parseLink, type Link as DeepLink } from "./links";
import { Measure } from "./measure";
import { Watch } from "./watch";
import { TimelineDrawer } from "./timeline";
import { ContextLayers, placesOf, type Place } from "./context";

maplibregl.setWorkerUrl(new URL("maplibre-gl-worker.mjs", import.meta.url).href);

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const HOUR = 3600_000;
/** Vessels not heard for this long are drawn faded in the live picture. */
const STALE = 2 * HOUR;
/** Labels drawn at most, riskiest first. */
const MAX_LABELS = 40;
/** Least time between redraws for live updates, ms. */
const DRAW_EVERY = 500;
/**
 * A configured opening view that holds fewer than this share of the
 * vessels a user may see is not where its data is: the map opens on them.
 */
const FEW_IN_VIEW = 0.1;
/** Event types the list hides until asked: routine, and many. */
const QUIET_TYPES = new Set(["port_visit"]);

export class App {
  map!: maplibregl.Map;
  gate!: Gate;
  /** Who is logged in; null while the login screen shows. */
  session: api.Session | null = null;
  /** The alert rules and inbox; the measure tool. */
  watch!: Watch;
  measure!: Measure;
  /** The context layers: ports, maritime limits, place names, traffic density. */
  context!: ContextLayers;
  timeline!: TimelineDrawer;
  /** The tool that takes the map's clicks (drawing an area, measuring), if any. */
  tool: "draw" | "measure" | null = null;
  labels!: Labels;
  replay!: Replay;
  vessels = new Map<number, VesselFeature>();
  colorBy: ColorBy = "type";
  /** Latest time in the data: the live "now". */
  ref = NaN;
  /** Shown time: ref when live, the slider's time in replay. */
  cursor = NaN;

  events: PicketEvent[] = [];
  eventTypes = new Set(EVENT_TYPES.filter((t) => !QUIET_TYPES.has(t)));
  minConf = 0.3;
  whenHours = 24;
  inView = false;
  alerts = 0;
  selectedEvent: PicketEvent | null = null;

  networks: Network[] = [];
  shownNetwork: Network | null = null;

  selected: number | null = null;
  profile: Profile | null | undefined;
  profileError = "";
  vesselEvents: PicketEvent[] | null = null;
  tracks: TrackPart[] = [];
  trackInfo = "";
  /** The query of the main track shown (mmsi=&from=&to=), for its exports. */
  trackQuery = "";
  partner: number | null = null;

  private stream: EventSource | null = null;
  private streamBox: BBox | null = null;
  private loadAbort: AbortController | null = null;
  private selAbort: AbortController | null = null;
  private drawPending = false;
  private lastDraw = 0;
  private firstFit = true;
  private hasCenter = false;
  private hasTiles = false;
  /** The server's map configuration; null until it has answered one. */
  private cfg: api.Config | null = null;
  private checking = false;
  private restartTimer = 0;
  private networksError = "";
  /** The vessels the user may see anywhere, as the server last said; null when it does not say. */
  total: number | null = null;
  /** A deep link waiting for a session to open it. */
  private pendingLink: DeepLink | null = null;
  /** The address bar follows the page once the link it was opened with is applied. */
  private linkApplied = false;

  async start(): Promise<void> {
    // A demo login link logs in before anything else loads; its token
    // leaves the address bar at once.
    const token = takeLoginLink();
    if (hasLink(location.hash)) this.pendingLink = parseLink(location.hash);
    this.gate = new Gate(
      (s) => this.begin(s),
      () => this.logout(),
    );
    api.onUnauthorized(() => this.endSession("expired"));
    let session: api.Session | null = null;
    let loginError = "";
    if (token) [session, loginError] = await linkLogin(token);
    if (!session && !loginError) session = await api.me();
    // A link pasted into the address bar of the open page.
    window.addEventListener("hashchange", async () => {
      const t = takeLoginLink();
      if (!t) {
        // A deep link pasted into the address bar of the open page.
        if (hasLink(location.hash) && location.hash !== this.currentHash) {
          this.pendingLink = parseLink(location.hash);
          if (this.session) this.applyLink();
        }
        return;
      }
      if (hasLink(location.hash)) this.pendingLink = parseLink(location.hash);
      if (this.session) this.forget();
      const [s, err] = await linkLogin(t);
      if (s) return this.begin(s);
      this.gate.render(null);
      this.gate.show("start", { error: err || "Token not valid or revoked.", token: true });
    });

    // Who is logged in shows before the map is made.
    this.gate.render(session);
    this.cfg = await api.config();
    const cfg = this.cfg ?? {};
    const linked = this.pendingLink?.map;
    this.hasCenter = Array.isArray(cfg.center) || !!linked;
    if (linked) this.firstFit = false;
    this.map = new maplibregl.Map({
      container: "map",
      style: basemap.style(cfg.tiles, cfg.tiles_attribution),
      center: linked ? [linked.lon, linked.lat] : (cfg.center ?? [125, 34]),
      zoom: linked ? linked.zoom : (cfg.zoom ?? 4.2),
      minZoom: 1.5,
      maxZoom: 16,
      maxPitch: 0,
      dragRotate: false,
      renderWorldCopies: true,
      attributionControl: { compact: true, customAttribution: "Natural Earth" },
      fadeDuration: 0,
    });
    this.map.touchZoomRotate.disableRotation();
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    this.map.addControl(new maplibregl.ScaleControl({ unit: "nautical" }), "bottom-right");
    this.labels = new Labels(this.map);
    this.replay = new Replay(this);
    if (cfg.tiles) this.setupBasemapSwitch();
    this.setupUI();
    await new Promise<void>((ok) => this.map.once("load", () => ok()));
    addIcons(this.map);
    addLayers(this.map);
    this.watch = new Watch(this);
    this.measure = new Measure(this.map, $("measure"), $("measure-out"), (t) => this.own(t));
    this.timeline = new TimelineDrawer($("timeline"));
    let places: Place[] | null = null;
    this.context = new ContextLayers(this.map, $("layers-box"), $("layers"), (pad) => this.viewBox(pad),
      () => (places ??= basemap.countries.length ? placesOf(basemap.countries) : null) ?? [], "network-links",
      { vessel: (m) => void this.select(m), event: (id) => void this.openEventById(id) });
    this.setupMapEvents();
    basemap.load(this.map).catch((e) => this.notice(`Basemap not loaded: ${e.message}`));
    this.map.on("idle", () => this.countRendered());
    setInterval(() => this.tick(), 1000);
    if (session) await this.begin(session);
    else {
      this.gate.show("start", { error: loginError, token: !!loginError });
    }
  }

  // ---- the session -------------------------------------------------------

  /**
   * A session begins, at start or after a login: load what it may see. The
   * map keeps the view it has.
   */
  async begin(s: api.Session): Promise<void> {
    this.session = s;
    setCaseExport(api.allowed(this.session, "exports"));
    this.gate.render(s);
    this.gate.hide();
    if (!this.cfg) {
      // The server keeps its configuration for logged-in users.
      this.cfg = (await api.config()) ?? {};
      this.applyConfig(this.cfg);
    }
    if (this.session !== s) return;
    await this.loadVessels(this.firstFit);
    if (this.session !== s) return;
    this.replay.resetWindow();
    this.loadEvents();
    this.loadNetworks();
    this.watch.load();
    this.context.begin();
    this.startStream();
    this.applyLink();
    document.body.dataset.ready = "1";
  }

  // ---- deep links --------------------------------------------------------

  private currentHash = "";

  /**
   * Opens the waiting deep link as the logged-in user: its view, then its
   * vessel and event. What the user's partner may not see is refused as
   * what was never heard: the server answers both alike, and so does the
   * page ("not found, or not yours to see").
   */
  private async applyLink(): Promise<void> {
    const l = this.pendingLink;
    this.pendingLink = null;
    this.linkApplied = true;
    if (!l || !this.session) return this.writeLink();
    if (l.map) {
      this.firstFit = false;
      this.map.jumpTo({ center: [l.map.lon, l.map.lat], zoom: l.map.zoom });
    }
    if (l.event) {
      const e = await this.findEvent(l.event, l.vessel);
      if (e) await this.openEvent(e);
      else this.refused(`Event ${l.event}`);
    } else if (l.vessel != null) {
      const mmsi = l.vessel;
      const known = await api.profile(mmsi).then(
        () => true,
        () => false,
      );
      if (!this.session) return;
      if (known) await this.select(mmsi);
      else this.refused(`Vessel ${mmsi}`);
    }
    this.writeLink();
  }

  private refused(what: string): void {
    this.notice(`${what}: not found, or not yours to see`);
    document.body.dataset.linkRefused = "1";
  }

  /** An event by id: in the list, else among its vessel's. */
  private async findEvent(id: string, mmsi?: number): Promise<PicketEvent | undefined> {
    const e = this.events.find((x) => x.id === id);
    if (e || mmsi == null) return e;
    const list = await api.events({ mmsi, limit: 1000 }).catch(() => [] as PicketEvent[]);
    return list.find((x) => x.id === id);
  }

  /** Keeps the address bar on the view, the vessel and the event shown. */
  writeLink(): void {
    if (!this.linkApplied || !this.session || !this.map) return;
    const c = this.map.getCenter();
    const h = formatLink({
      map: { zoom: this.map.getZoom(), lat: c.lat, lon: c.lng },
      vessel: this.selected ?? undefined,
      event: this.selectedEvent?.id,
    });
    if (h === this.currentHash) return;
    this.currentHash = h;
    history.replaceState(history.state, "", location.pathname + location.search + h);
  }

  /**
   * The session is over: logged out, expired or revoked (a 401). The page
   * forgets everything it showed, since the next officer may be cleared
   * for less, keeps the map's view, and asks for a login.
   */
  endSession(why: "expired" | "logout"): void {
    const old = this.session;
    if (!old) return;
    this.forget();
    this.gate.render(null);
    this.gate.show(why, { user: why === "expired" ? old.user : "" });
  }

  private async logout(): Promise<void> {
    try {
      await api.logout();
    } catch (e: any) {
      this.notice(`Not logged out: ${e?.message ?? e}`);
      return;
    }
    this.endSession("logout");
  }

  /** Drops the session and all data shown for it. */
  private forget(): void {
    this.session = null;
    setCaseExport(api.allowed(this.session, "exports"));
    this.watch?.forget();
    this.measure?.stop();
    this.context?.forget();
    this.timeline?.close();
    api.abortAll();
    clearTimeout(this.restartTimer);
    this.stopStream();
    this.replay.reset();
    this.deselect();
    this.vessels.clear();
    this.events = [];
    this.networks = [];
    this.networksError = "";
    this.alerts = 0;
    this.ref = NaN;
    this.cursor = NaN;
    $("stat-alerts").textContent = "0";
    $("toasts").replaceChildren();
    $("notice").hidden = true;
    $("export-msg").textContent = "";
    delete document.body.dataset.ready;
    delete document.body.dataset.linkRefused;
    this.searchAbort?.abort();
    this.searchHits = [];
    $<HTMLInputElement>("search").value = "";
    $("search-results").hidden = true;
    this.total = null;
    this.linkApplied = false;
    this.renderEvents();
    this.renderNetworks();
    this.scheduleDraw();
  }

  /**
   * Asks the server who is logged in: when the stream fails, after a 403
   * and when the page is shown again. Nobody: the login screen. Another
   * user, partner or clearance (a login in another window shares the
   * cookie): the page starts again for that session. Another role: the
   * controls follow. restart reopens a stream the server closed.
   */
  async checkSession(restart = false): Promise<void> {
    const cur = this.session;
    if (!cur || this.checking) return;
    this.checking = true;
    let s: api.Session | null | undefined;
    try {
      s = await api.me();
    } catch {
      s = undefined; // the server is not answering: the stream retries
    } finally {
      this.checking = false;
    }
    if (this.session !== cur) return;
    if (s === null) return this.endSession("expired");
    if (s && !sameView(cur, s)) {
      this.forget();
      this.notice(s.open ? "The server is now open to all" : `Now logged in as ${s.user} for ${s.partner}: the session changed in another window`);
      return this.begin(s);
    }
    if (s && s.role !== cur.role) {
      this.session = s;
      setCaseExport(api.allowed(this.session, "exports"));
      this.gate.render(s);
      this.loadNetworks();
    }
    if (restart) {
      clearTimeout(this.restartTimer);
      this.restartTimer = window.setTimeout(() => {
        if (this.stream?.readyState === EventSource.CLOSED) {
          this.stopStream();
          this.startStream();
        }
      }, 5000);
    }
  }

  /** A configuration that came after the login: where to open, online tiles. */
  private applyConfig(cfg: api.Config): void {
    if (Array.isArray(cfg.center) && this.firstFit && !this.pendingLink?.map) {
      this.hasCenter = true;
      this.map.jumpTo({ center: cfg.center, zoom: cfg.zoom ?? this.map.getZoom() });
    }
    if (cfg.tiles && !this.hasTiles) {
      basemap.addTiles(this.map, cfg.tiles, cfg.tiles_attribution);
      this.setupBasemapSwitch();
    }
  }

  // ---- vessels -----------------------------------------------------------

  viewBox(pad = 0.25): BBox {
    const b = this.map.getBounds();
    let w = b.getWest();
    let e = b.getEast();
    let s = b.getSouth();
    let n = b.getNorth();
    const dx = (e - w) * pad;
    const dy = (n - s) * pad;
    w -= dx;
    e += dx;
    s -= dy;
    n += dy;
    if (e - w >= 360) {
      w = -180;
      e = 180;
    }
    const wrap = (x: number) => ((((x + 180) % 360) + 360) % 360) - 180;
    if (w < -180 || e > 180) {
      // A view across the antimeridian: ask for the whole band of longitudes.
      const ww = wrap(w);
      const ee = wrap(e);
      if (ww > ee) {
        w = -180;
        e = 180;
      } else {
        w = ww;
        e = ee;
      }
    }
    return [w, Math.max(-90, s), e, Math.min(90, n)];
  }

  async loadVessels(first = false): Promise<void> {
    if (!this.session) return;
    this.loadAbort?.abort();
    const ac = new AbortController();
    this.loadAbort = ac;
    const box: BBox = first && !this.hasCenter ? [-180, -90, 180, 90] : this.viewBox();
    try {
      const { list, total } = await api.vessels(box, ac.signal);
      if (!this.session) return;
      this.total = total;
      // A configured view that holds few of this user's vessels (a
      // partner whose feeds are elsewhere): open where they are.
      if (first && this.hasCenter && this.firstFit && total && list.length < total * FEW_IN_VIEW) {
        this.hasCenter = false;
        return this.loadVessels(true);
      }
      const next = new Map<number, VesselFeature>();
      for (const f of list) next.set(Number(f.properties.mmsi), f);
      // Keep what the panel, an event or a network shows, even off the box.
      for (const keep of [this.selected, this.partner]) {
        const f = keep != null ? this.vessels.get(keep) : undefined;
        if (f && !next.has(keep!)) next.set(keep!, f);
      }
      this.vessels = next;
      for (const f of list) this.bumpRef(ms(f.properties.time));
      this.setConn(true);
      if (first && !this.hasCenter && list.length) this.fitTo(list.map((f) => f.geometry.coordinates));
      this.scheduleDraw();
    } catch (e: any) {
      if (!api.quiet(e)) {
        this.setConn(false);
        this.notice(`Vessels not loaded: ${e.message ?? e}`);
      }
    }
  }

  private fitTo(coords: [number, number][]): void {
    if (!this.firstFit || !coords.length) return;
    this.firstFit = false;
    const b = new maplibregl.LngLatBounds(coords[0], coords[0]);
    for (const c of coords) b.extend(c);
    this.map.fitBounds(b, { padding: 60, maxZoom: 9, duration: 0 });
  }

  bumpRef(t: number): void {
    if (isFinite(t) && !(t <= this.ref)) {
      this.ref = t;
      if (this.replay?.live) this.cursor = t;
    }
  }

  /**
   * Redraws on the next frame. Stream updates pass throttle: a busy feed
   * then redraws at most every DRAW_EVERY ms, however many fixes arrive.
   */
  scheduleDraw(throttle = false): void {
    if (this.drawPending) return;
    this.drawPending = true;
    const wait = throttle ? Math.max(0, this.lastDraw + DRAW_EVERY - performance.now()) : 0;
    const run = () =>
      requestAnimationFrame(() => {
        this.drawPending = false;
        this.lastDraw = performance.now();
        this.draw();
      });
    if (wait > 0) setTimeout(run, wait);
    else run();
  }

  /** Redraws vessels, labels and selection from the live or replay state. */
  draw(): void {
    const list = this.replay.live ? [...this.vessels.values()] : this.replay.vesselsAt(this.cursor);
    const ref = this.replay.live ? this.ref : this.cursor;
    const fade = this.replay.live
      ? (f: VesselFeature) => (ref - ms(f.properties.time) > STALE ? 0.45 : 1)
      : (f: VesselFeature) => (f.properties._interp === false ? 0.55 : 1);
    setVessels(this.map, list, this.colorBy, fade);
    const bounds = this.map.getBounds();
    $("stat-vessels").textContent = String(list.filter((f) => bounds.contains(f.geometry.coordinates)).length);
    $("stat-total").textContent = String(this.replay.live ? Math.max(this.total ?? 0, list.length) : list.length);
    $("stat-risk").textContent = String(list.filter((f) => (Number(f.properties.risk) || 0) >= 50).length);
    this.drawLabels(list);
    this.drawSelection(list);
    this.drawEvents();
    if (this.tracks.length) setTracks(this.map, this.tracks, this.replay.live ? undefined : this.cursor);
  }

  private drawLabels(list: VesselFeature[]): void {
    const bounds = this.map.getBounds();
    const wanted = new Set<number>();
    if (this.selected != null) wanted.add(this.selected);
    if (this.partner != null) wanted.add(this.partner);
    for (const m of this.shownNetwork?.members ?? []) wanted.add(m.mmsi);
    const labels: Label[] = [];
    const risky = list
      .filter((f) => (Number(f.properties.risk) || 0) >= 60 && bounds.contains(f.geometry.coordinates))
      .sort((a, b) => (Number(b.properties.risk) || 0) - (Number(a.properties.risk) || 0))
      .slice(0, MAX_LABELS);
    const zoomedIn = this.map.getZoom() >= 9;
    const shown = new Set<number>();
    for (const f of list) {
      const m = Number(f.properties.mmsi);
      const isRisky = risky.includes(f);
      if (!wanted.has(m) && !isRisky && !(zoomedIn && bounds.contains(f.geometry.coordinates) && labels.length < MAX_LABELS)) continue;
      shown.add(m);
      const [lon, lat] = f.geometry.coordinates;
      const name = String(f.properties.name || m);
      labels.push({
        key: String(m),
        lon,
        lat,
        text: name,
        cls: m === this.selected ? "sel" : m === this.partner ? "partner" : isRisky ? "risky" : "",
      });
    }
    // Vessels that met share one label.
    const gs = this.ghosts();
    if (gs.length) {
      const together = gs.length === 2 && Math.hypot(gs[0].lon - gs[1].lon, gs[0].lat - gs[1].lat) < 0.05;
      const groups = together ? [gs] : gs.map((g) => [g]);
      for (const g of groups)
        labels.push({ key: `${g[0].mmsi}@event`, lon: g[0].lon, lat: g[0].lat, text: `${g.map((x) => x.name).join(" + ")} · ${zshort(g[0].t)}`, cls: "ghost" });
    }
    this.labels.set(labels);
  }

  /**
   * Where the selected event's vessels were when it started, from their
   * tracks: in the live picture they have sailed on since.
   */
  private ghosts(): { mmsi: number; lon: number; lat: number; t: number; name: string; color: string }[] {
    const e = this.selectedEvent;
    if (!e || !this.replay.live) return [];
    const t = ms(e.start);
    const out = [];
    for (const part of this.tracks) {
      const mmsi = part.role === "main" ? e.mmsi : e.other_mmsi;
      const at = positionAt(part.fixes, t);
      if (!mmsi || !at) continue;
      const name = String(this.vessels.get(mmsi)?.properties.name || mmsi);
      out.push({ mmsi, lon: at.lon, lat: at.lat, t, name, color: part.role === "main" ? "#ffffff" : "#e056fd" });
    }
    return out;
  }

  private drawSelection(list: VesselFeature[]): void {
    const rings = [];
    const byId = new Map(list.map((f) => [Number(f.properties.mmsi), f]));
    for (const [m, color] of [[this.selected, "#ffffff"], [this.partner, "#e056fd"]] as const) {
      const f = m != null ? byId.get(m) : undefined;
      if (f) rings.push({ lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1], color });
    }
    for (const g of this.ghosts()) rings.push({ lon: g.lon, lat: g.lat, color: g.color });
    setSelection(this.map, rings);
  }

  private countRendered(): void {
    const n = this.map.getLayer("vessels") ? this.map.queryRenderedFeatures({ layers: ["vessels"] }).length : 0;
    document.body.dataset.rendered = String(n);
  }

  // ---- live stream -------------------------------------------------------

  startStream(): void {
    if (!this.replay.live || !this.session) return;
    const box = this.viewBox(0.5);
    if (this.stream && this.streamBox && contains(this.streamBox, this.viewBox(0))) return;
    this.stream?.close();
    this.streamBox = box;
    this.stream = api.stream(box, [], {
      position: (f) => {
        const m = Number(f.properties.mmsi);
        const old = this.vessels.get(m);
        // A position stream may carry only what changed.
        if (old) f.properties = { ...old.properties, ...f.properties };
        this.vessels.set(m, f);
        this.bumpRef(ms(f.properties.time));
        if (m === this.selected) this.extendTrack(f);
        if (this.replay.live) this.scheduleDraw(true);
      },
      alert: (e) => this.onAlert(e),
      ruleAlert: (a) => this.watch.onAlert(a),
      state: (s) => {
        this.setConn(s === "open");
        // EventSource does not say why it failed: a 401 looks like a
        // dropped connection, so ask who is logged in.
        if (s !== "open") this.checkSession(s === "closed");
      },
    });
  }

  stopStream(): void {
    this.stream?.close();
    this.stream = null;
    this.streamBox = null;
  }

  private extendTrack(f: VesselFeature): void {
    const main = this.tracks.find((t) => t.role === "main");
    const t = ms(f.properties.time);
    if (!main || !isFinite(t)) return;
    const lastFix = main.fixes[main.fixes.length - 1];
    if (lastFix && t <= lastFix.t) return;
    main.fixes.push({ t, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1], sog: f.properties.sog, cog: f.properties.cog });
  }

  private onAlert(e: PicketEvent): void {
    // An episode (an encounter, a port call) is sent as soon as it
    // qualifies and again, under the same id, as it grows: the newer
    // version replaces the older. Confidence 0 withdraws it.
    const i = this.events.findIndex((x) => x.id === e.id);
    if (i >= 0) {
      if (e.confidence === 0) this.events.splice(i, 1);
      else this.events[i] = e;
      this.renderEvents();
      return;
    }
    if (e.confidence === 0) return;
    this.events.unshift(e);
    if (!this.passes(e)) return;
    this.alerts++;
    $("stat-alerts").textContent = String(this.alerts);
    this.renderEvents();
    this.toast(e);
  }

  private toast(e: PicketEvent): void {
    const el = document.createElement("div");
    el.className = "toast";
    el.style.setProperty("--c", EVENT_COLORS[e.type] ?? "#999");
    el.innerHTML = `<b>${esc(EVENT_LABELS[e.type] ?? e.type)}</b> ${esc(e.summary)}`;
    el.onclick = () => {
      this.openEvent(e);
      el.remove();
    };
    const box = $("toasts");
    box.prepend(el);
    while (box.children.length > 4) box.lastElementChild!.remove();
    setTimeout(() => el.classList.add("old"), 8000);
    setTimeout(() => el.remove(), 20000);
  }

  private setConn(ok: boolean): void {
    const el = $("conn");
    el.classList.toggle("ok", ok);
    el.classList.toggle("bad", !ok);
    el.title = ok ? "Connected" : "Not connected: retrying";
  }

  // ---- events ------------------------------------------------------------

  async loadEvents(): Promise<void> {
    if (!this.session) return;
    const q: api.EventQuery = { limit: 1000 };
    if (this.whenHours > 0 && isFinite(this.ref)) q.from = this.ref - this.whenHours * HOUR;
    if (this.minConf > 0) q.minConfidence = this.minConf;
    if (this.inView) q.bbox = this.viewBox(0);
    try {
      const list = await api.events(q);
      if (!this.session) return;
      list.sort((a, b) => ms(b.start) - ms(a.start));
      this.events = list;
      this.renderEvents();
    } catch (e: any) {
      if (!api.quiet(e)) this.notice(`Events not loaded: ${e.message ?? e}`);
    }
  }

  passes(e: PicketEvent): boolean {
    if (!this.eventTypes.has(e.type)) return false;
    if (e.confidence < this.minConf) return false;
    if (this.whenHours > 0 && isFinite(this.ref) && ms(e.end) < this.ref - this.whenHours * HOUR) return false;
    if (this.inView && !(api.hasPosition(e) && this.map.getBounds().contains([e.lon!, e.lat!]))) return false;
    return true;
  }

  /** The list: what passes the filters, less noise, behaviours first. */
  visibleEvents(): PicketEvent[] {
    return this.events.filter((e) => !isNoise(e) && this.passes(e)).sort(byRank);
  }

  renderEvents(): void {
    const list = this.visibleEvents();
    const byType = new Map<string, number>();
    for (const e of this.events) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
    for (const b of document.querySelectorAll<HTMLElement>("#type-filter .chip")) {
      const n = byType.get(b.dataset.type!) ?? 0;
      b.querySelector("b")!.textContent = n ? String(n) : "";
    }
    $("ev-count").textContent = String(list.length);
    const shown = list.slice(0, 300);
    $("events").innerHTML = shown.length
      ? shown.map((e) => eventRow(e, this.ref, e.id === this.selectedEvent?.id)).join("") +
        (list.length > shown.length ? `<li class="more muted">${list.length - shown.length} more: narrow the filters</li>` : "")
      : `<li class="empty muted">No events match the filters.</li>`;
    this.drawEvents();
    this.replay?.drawHistogram();
  }

  drawEvents(): void {
    if (!this.map.getSource("events")) return;
    const list = this.visibleEvents();
    const live = this.replay.live;
    const t = this.cursor;
    const shown = live ? list : list.filter((e) => ms(e.start) <= t);
    const active = live ? (e: PicketEvent) => e.id === this.selectedEvent?.id : (e: PicketEvent) => ms(e.start) <= t && t <= ms(e.end);
    setEvents(this.map, shown, active, this.selectedEvent?.id ?? null);
    setHighlight(this.map, this.selectedEvent);
  }

  async openEvent(e: PicketEvent): Promise<void> {
    this.selectedEvent = e;
    this.writeLink();
    this.renderEvents();
    const el = document.querySelector(`#events li[data-event="${CSS.escape(e.id)}"]`);
    el?.scrollIntoView({ block: "nearest" });
    const pts: [number, number][] = api.hasPosition(e) ? [[e.lon!, e.lat!]] : [];
    if (pts.length && e.end_lat !== undefined && e.end_lon !== undefined) pts.push([e.end_lon, e.end_lat]);
    if (pts.length > 1) {
      const b = new maplibregl.LngLatBounds(pts[0], pts[0]).extend(pts[1]);
      this.map.fitBounds(b, { padding: 160, maxZoom: 9, duration: 1200 });
    } else if (pts.length) {
      this.map.flyTo({ center: pts[0], zoom: Math.max(8, Math.min(this.map.getZoom(), 10)), duration: 1200 });
    }
    const t0 = ms(e.start);
    const t1 = ms(e.end);
    if (!this.replay.live) this.replay.seek(t0);
    // A dark vessel has no MMSI: nothing to select, its place is the event.
    if (e.mmsi) await this.select(e.mmsi, { from: t0 - 6 * HOUR, to: t1 + 6 * HOUR, other: e.other_mmsi, keepEvent: true });
  }

  async openEventById(id: string): Promise<void> {
    let e = this.events.find((x) => x.id === id) ?? this.vesselEvents?.find((x) => x.id === id);
    if (!e && this.selected != null) {
      const list = await api.events({ mmsi: this.selected, limit: 1000 }).catch(() => []);
      e = list.find((x) => x.id === id);
    }
    if (e) this.openEvent(e);
    else if (this.session) this.notice(`Event ${id} not found`);
  }

  // ---- selection ---------------------------------------------------------

  async select(mmsi: number, opts: { from?: number; to?: number; other?: number; keepEvent?: boolean; keepNetwork?: boolean } = {}): Promise<void> {
    if (!this.session) return;
    this.selAbort?.abort();
    const ac = new AbortController();
    this.selAbort = ac;
    if (!opts.keepEvent) this.selectedEvent = null;
    if (!opts.keepNetwork && this.shownNetwork && !this.shownNetwork.members.some((m) => m.mmsi === mmsi)) {
      this.shownNetwork = null;
      setNetwork(this.map, []);
      this.renderLegend();
    }
    this.selected = mmsi;
    this.partner = opts.other ?? null;
    this.writeLink();
    if (this.selected !== mmsi || !opts.keepEvent) this.profile = undefined;
    this.profile = undefined;
    this.profileError = "";
    this.vesselEvents = null;
    this.tracks = [];
    setTracks(this.map, []);
    this.trackInfo = "";
    this.trackQuery = "";
    $("right").hidden = false;
    document.body.classList.add("panel-open");
    this.renderPanel();
    this.scheduleDraw();
    if (!opts.keepEvent) this.renderEvents();

    const [from, to] = opts.from !== undefined && opts.to !== undefined ? [opts.from, opts.to] : this.replay.window();
    const sig = ac.signal;
    api.profile(mmsi, sig).then(
      (p) => {
        this.profile = p;
        // A vessel off the loaded box gets a mark at its latest fix.
        const l = p.latest;
        if (!this.vessels.has(mmsi) && l && isFinite(l.lat) && isFinite(l.lon)) {
          this.vessels.set(mmsi, {
            type: "Feature",
            geometry: { type: "Point", coordinates: [l.lon, l.lat] },
            properties: { mmsi, name: p.name, sog: l.sog ?? undefined, cog: l.cog ?? undefined, heading: l.heading ?? undefined, time: l.time, risk: p.risk?.score },
          });
          this.scheduleDraw();
        }
        this.renderPanel();
      },
      (e) => {
        if (api.quiet(e)) return;
        this.profile = null;
        this.profileError = e.message ?? String(e);
        this.renderPanel();
      },
    );
    api.events({ mmsi, limit: 500 }, sig).then(
      (list) => {
        list.sort((a, b) => ms(b.start) - ms(a.start));
        this.vesselEvents = list;
        this.renderPanel();
      },
      (e) => {
        if (api.quiet(e)) return;
        this.vesselEvents = [];
        this.renderPanel();
      },
    );
    const want: [number, "main" | "other"][] = [[mmsi, "main"]];
    if (opts.other) want.push([opts.other, "other"]);
    await Promise.all(
      want.map(async ([m, role]) => {
        try {
          const fixes = await api.track(m, from, to, sig);
          if (sig.aborted) return;
          this.tracks.push({ role, fixes });
          if (role === "main") this.trackQuery = fixes.length ? `mmsi=${m}&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}` : "";
          if (role === "main") this.trackInfo = fixes.length ? `Track: ${fixes.length} fixes, ${zshort(from)} – ${zshort(to)}` : `No track between ${zshort(from)} and ${zshort(to)}`;
          // A vessel off the loaded box still gets a mark at its last fix.
          if (!this.vessels.has(m) && fixes.length) {
            const l = fixes[fixes.length - 1];
            this.vessels.set(m, {
              type: "Feature",
              geometry: { type: "Point", coordinates: [l.lon, l.lat] },
              properties: { mmsi: m, sog: l.sog, cog: l.cog, time: new Date(l.t).toISOString() },
            });
          }
        } catch (e: any) {
          if (!api.quiet(e) && role === "main") this.trackInfo = `Track unavailable: ${e.message ?? e}`;
        }
      }),
    );
    if (sig.aborted) return;
    const f = this.vessels.get(mmsi);
    // A camera already on its way (the search flies to the vessel) is not
    // cut short: an ease here stopped the flight at its first zoom.
    if (f && !opts.keepEvent && !opts.keepNetwork && !this.map.isMoving() && !this.map.getBounds().contains(f.geometry.coordinates))
      this.map.easeTo({ center: f.geometry.coordinates, duration: 800 });
    setTracks(this.map, this.tracks, this.replay.live ? undefined : this.cursor);
    this.renderPanel();
    this.scheduleDraw();
  }

  deselect(): void {
    this.selAbort?.abort();
    this.selected = null;
    this.partner = null;
    this.selectedEvent = null;
    this.profile = undefined;
    this.tracks = [];
    setTracks(this.map, []);
    this.shownNetwork = null;
    setNetwork(this.map, []);
    this.renderLegend();
    $("right").hidden = true;
    document.body.classList.remove("panel-open");
    this.renderEvents();
    this.scheduleDraw();
    this.writeLink();
  }

  renderPanel(): void {
    if (this.selected == null) return;
    const nets = this.networks.filter((n) => n.members.some((m) => m.mmsi === this.selected));
    $("profile").innerHTML = renderPanel({
      mmsi: this.selected,
      vessel: this.vessels.get(this.selected),
      profile: this.profile,
      profileError: this.profileError,
      events: this.vesselEvents,
      networks: nets,
      ref: this.ref,
      selectedEvent: this.selectedEvent?.id,
      trackInfo: this.trackInfo,
      trackQuery: this.trackQuery,
      networksLocked: api.allowed(this.session, "networks") ? undefined : api.needs("networks"),
    });
    $("profile").dataset.mmsi = String(this.selected);
    $("profile").dataset.loaded = this.profile ? "1" : "0";
  }

  // ---- networks ----------------------------------------------------------

  async loadNetworks(): Promise<void> {
    const s = this.session;
    if (!s) return;
    this.networksError = "";
    if (!api.allowed(s, "networks")) this.networks = [];
    else
      try {
        const list = await api.networks();
        if (this.session !== s) return;
        this.networks = list.sort((a, b) => b.risk - a.risk);
      } catch (e: any) {
        if (api.quiet(e)) return;
        this.networks = [];
        if (e?.status === 403) {
          // The role changed since the page asked: the controls follow.
          this.networksError = api.needs("networks");
          this.checkSession();
        } else this.networksError = `Networks not loaded: ${e?.message ?? e}`;
      }
    this.renderNetworks();
    this.renderPanel();
  }

  private renderNetworks(): void {
    const ok = api.allowed(this.session, "networks");
    $("net-count").textContent = this.networks.length ? String(this.networks.length) : "";
    $("networks").innerHTML = this.networks.length
      ? this.networks.map((n) => `<li class="netitem">${networkHTML(n)}</li>`).join("")
      : !this.session || !ok
        ? ""
        : `<li class="empty muted">${esc(this.networksError || "No networks.")}</li>`;
  }

  // ---- exports -----------------------------------------------------------

  /** Saves the events that match the list's filters as a file. */
  async exportEvents(format: string, button: HTMLButtonElement): Promise<void> {
    const msg = $("export-msg");
    if (!api.allowed(this.session, "exports")) {
      msg.textContent = api.needs("exports");
      return;
    }
    if (!this.eventTypes.size) {
      msg.textContent = "Choose an event type first";
      return;
    }
    const q: api.EventQuery = { types: [...this.eventTypes] };
    if (this.whenHours > 0 && isFinite(this.ref)) q.from = this.ref - this.whenHours * HOUR;
    if (this.minConf > 0) q.minConfidence = this.minConf;
    if (this.inView) q.bbox = this.viewBox(0);
    button.disabled = true;
    msg.classList.remove("bad");
    msg.textContent = "Preparing…";
    try {
      const { blob, name } = await api.exportEvents(format, q);
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
      msg.textContent = `Saved ${name}`;
    } catch (e: any) {
      if (api.quiet(e)) {
        msg.textContent = "";
        return;
      }
      msg.classList.add("bad");
      if (e?.status === 403) {
        msg.textContent = api.needs("exports");
        this.checkSession();
      } else msg.textContent = `Export failed: ${e?.detail || e?.message || e}`;
    } finally {
      button.disabled = false;
    }
  }

  /** Saves the file fetch gets (an evidence package, a track), saying so beside the button. */
  async save(fetch: () => Promise<{ blob: Blob; name: string }>, button: HTMLButtonElement): Promise<void> {
    const msg = button.parentElement?.querySelector<HTMLElement>(".casemsg");
    const say = (t: string, bad = false) => {
      if (!msg) return;
      msg.textContent = t;
      msg.classList.toggle("bad", bad);
    };
    button.disabled = true;
    say("Preparing…");
    try {
      const { blob, name } = await fetch();
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
      say(`Saved ${name}`);
    } catch (e: any) {
      if (api.quiet(e)) return say("");
      if (e?.status === 403) {
        say(api.needs("exports"), true);
        this.checkSession();
      } else say(`Export failed: ${e?.detail || e?.message || e}`, true);
    } finally {
      button.disabled = false;
    }
  }

  async showNetwork(id: string): Promise<void> {
    const n = this.networks.find((x) => x.id === id);
    if (!n) return;
    this.shownNetwork = n;
    const pos = new Map<string, [number, number]>();
    await Promise.all(
      n.members.map(async (m) => {
        const f = this.vessels.get(m.mmsi);
        if (f) return pos.set(m.id, f.geometry.coordinates);
        try {
          const p = await api.profile(m.mmsi);
          const seg = p.segments?.find((s) => s.segment === m.segment) ?? p.segments?.[p.segments.length - 1];
          if (seg) pos.set(m.id, [seg.end.lon, seg.end.lat]);
        } catch {
          /* a member with no known position has no line */
        }
      }),
    );
    const links: Link[] = [];
    for (const l of n.links) {
      const a = pos.get(l.a);
      const b = pos.get(l.b);
      if (a && b) links.push({ a, b, kind: l.kind });
    }
    setNetwork(this.map, links);
    this.renderLegend();
    const pts = [...pos.values()];
    if (pts.length) {
      const b = new maplibregl.LngLatBounds(pts[0], pts[0]);
      for (const p of pts) b.extend(p);
      this.map.fitBounds(b, { padding: 140, maxZoom: 9, duration: 1000 });
    }
    if (pts.length < n.members.length) this.notice(`${n.members.length - pts.length} member(s) of the network have no known position`);
    this.scheduleDraw();
  }

  // ---- UI ----------------------------------------------------------------

  private setupMapEvents(): void {
    const m = this.map;
    m.on("click", "vessels", (e) => {
      if (this.tool) return; // the click is a point of the tool's
      const f = e.features?.[0];
      if (f) this.select(Number(f.properties!.mmsi));
    });
    m.on("click", "events", (e) => {
      if (this.tool) return;
      const id = e.features?.[0]?.properties?.id;
      if (id && !m.queryRenderedFeatures(e.point, { layers: ["vessels"] }).length) this.openEventById(String(id));
    });
    for (const l of ["vessels", "events"]) {
      m.on("mouseenter", l, () => (m.getCanvas().style.cursor = "pointer"));
      m.on("mouseleave", l, () => (m.getCanvas().style.cursor = ""));
    }
    let t: number | undefined;
    m.on("moveend", () => {
      clearTimeout(t);
      t = window.setTimeout(() => {
        if (this.replay.live) {
          this.loadVessels();
          this.startStream();
        } else this.replay.onMove();
        if (this.inView) this.loadEvents();
        else this.scheduleDraw();
        this.writeLink();
      }, 250);
    });
  }

  // ---- search ------------------------------------------------------------

  private searchAbort: AbortController | null = null;
  private searchHits: VesselFeature[] = [];

  /**
   * The search box: a name or call sign (any part), an MMSI or IMO number
   * (its first digits), among the vessels the user may see heard in the
   * last 7 days. Enter or a click opens the vessel and flies to it.
   */
  private setupSearch(): void {
    const input = $<HTMLInputElement>("search");
    const box = $("search-results");
    let timer = 0;
    let on = -1;
    const show = () => {
      box.hidden = !input.value.trim() || document.activeElement !== input;
      box.innerHTML = this.searchHits.length
        ? this.searchHits
            .map((f, i) => {
              const p = f.properties;
              return `<li role="option" data-mmsi="${esc(p.mmsi)}" class="${i === on ? "on" : ""}"><span>${esc(p.name || "(no name)")}</span><span class="muted">${esc(p.mmsi)}${p.flag ? ` · ${esc(p.flag)}` : ""}</span></li>`;
            })
            .join("")
        : `<li class="muted empty">No vessel found</li>`;
    };
    const run = async () => {
      const q = input.value.trim();
      this.searchAbort?.abort();
      if (!q || !this.session) {
        this.searchHits = [];
        box.hidden = true;
        return;
      }
      const ac = new AbortController();
      this.searchAbort = ac;
      try {
        const hits = await api.searchVessels(q, ac.signal);
        if (ac.signal.aborted) return;
        hits.sort((a, b) => (Number(b.properties.risk) || 0) - (Number(a.properties.risk) || 0));
        this.searchHits = hits.slice(0, 20);
        on = this.searchHits.length ? 0 : -1;
        show();
        document.body.dataset.searched = q;
      } catch (e: any) {
        if (!api.quiet(e)) this.notice(`Search failed: ${e.message ?? e}`);
      }
    };
    const go = (f: VesselFeature | undefined) => {
      if (!f) return;
      const m = Number(f.properties.mmsi);
      if (!this.vessels.has(m)) this.vessels.set(m, f);
      box.hidden = true;
      input.blur();
      this.map.flyTo({ center: f.geometry.coordinates, zoom: Math.max(this.map.getZoom(), 8), duration: 800 });
      this.select(m, { keepNetwork: false });
    };
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = window.setTimeout(run, 250);
    });
    input.addEventListener("focus", () => this.searchHits.length && show());
    input.addEventListener("blur", () => setTimeout(() => (box.hidden = true), 200));
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        if (!this.searchHits.length) return;
        on = (on + (ev.key === "ArrowDown" ? 1 : -1) + this.searchHits.length) % this.searchHits.length;
        show();
      } else if (ev.key === "Enter") {
        ev.preventDefault();
        clearTimeout(timer);
        if (this.searchHits.length && document.body.dataset.searched === input.value.trim()) go(this.searchHits[Math.max(0, on)]);
        else run().then(() => go(this.searchHits[0]));
      } else if (ev.key === "Escape") {
        input.value = "";
        this.searchHits = [];
        box.hidden = true;
        input.blur();
      }
    });
    box.addEventListener("mousedown", (ev) => {
      const li = (ev.target as HTMLElement).closest<HTMLElement>("li[data-mmsi]");
      if (!li) return;
      ev.preventDefault();
      go(this.searchHits.find((f) => String(f.properties.mmsi) === li.dataset.mmsi));
    });
  }

  private setupUI(): void {
    this.setupSearch();
    // Exports of the events list, for analysts.
    $("export").querySelector(".formats")!.innerHTML = api.EXPORT_FORMATS.map(
      ([f, name, what]) => `<button class="xbtn" data-format="${f}" title="The events of the list as ${name}, ${esc(what)}">${name}</button>`,
    ).join("");
    $("export").addEventListener("click", (ev) => {
      const b = (ev.target as HTMLElement).closest<HTMLButtonElement>("button[data-format]");
      if (b) this.exportEvents(b.dataset.format!, b);
    });
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) this.checkSession();
    });

    // Event type chips.
    $("type-filter").innerHTML = EVENT_TYPES.map(
      (t) => `<button class="chip${this.eventTypes.has(t) ? " on" : ""}" data-type="${t}" style="--c:${EVENT_COLORS[t]}">${esc(EVENT_LABELS[t])} <b></b></button>`,
    ).join("");
    $("type-filter").addEventListener("click", (ev) => {
      const b = (ev.target as HTMLElement).closest<HTMLElement>(".chip");
      if (!b) return;
      const t = b.dataset.type!;
      if ((ev as MouseEvent).altKey || (ev as MouseEvent).shiftKey) {
        this.eventTypes = new Set([t]);
      } else if (this.eventTypes.has(t)) this.eventTypes.delete(t);
      else this.eventTypes.add(t);
      for (const c of document.querySelectorAll<HTMLElement>("#type-filter .chip")) c.classList.toggle("on", this.eventTypes.has(c.dataset.type!));
      this.renderEvents();
    });
    const conf = $<HTMLInputElement>("conf");
    conf.addEventListener("input", () => {
      this.minConf = Number(conf.value);
      $("conf-val").textContent = this.minConf.toFixed(2);
      this.renderEvents();
    });
    conf.addEventListener("change", () => this.loadEvents());
    $<HTMLSelectElement>("when").addEventListener("change", (ev) => {
      this.whenHours = Number((ev.target as HTMLSelectElement).value);
      this.loadEvents();
    });
    $<HTMLInputElement>("inview").addEventListener("change", (ev) => {
      this.inView = (ev.target as HTMLInputElement).checked;
      this.loadEvents();
    });

    // Clicks in lists and the panel, by delegation.
    document.addEventListener("click", (ev) => {
      const el = ev.target as HTMLElement;
      const vl = el.closest<HTMLElement>(".vlink, .vlabel");
      if (vl) {
        ev.preventDefault();
        const m = Number(vl.dataset.mmsi ?? vl.dataset.key);
        if (m) this.select(m);
        return;
      }
      const tlb = el.closest<HTMLElement>(".tlbtn");
      if (tlb) {
        const m = Number(tlb.dataset.timeline);
        const name = this.profile?.name || (this.vessels.get(m)?.properties.name as string | undefined) || `MMSI ${m}`;
        if (m) this.timeline.open(m, name);
        return;
      }
      const evl = el.closest<HTMLElement>(".evlink");
      if (evl) {
        ev.preventDefault();
        this.openEventById(evl.dataset.event!);
        return;
      }
      const cb = el.closest<HTMLButtonElement>(".casebtn");
      if (cb) {
        ev.preventDefault();
        this.save(() => api.exportCase(cb.dataset.case!), cb);
        return;
      }
      const tb = el.closest<HTMLButtonElement>(".trackbtn");
      if (tb) {
        ev.preventDefault();
        this.save(() => api.exportTrack(tb.dataset.format!, tb.dataset.q!), tb);
        return;
      }
      const sn = el.closest<HTMLElement>(".shownet");
      if (sn) {
        const n = this.networks.find((x) => x.id === sn.dataset.network);
        if (n) {
          const top = [...n.members].sort((a, b) => (b.risk ?? 0) - (a.risk ?? 0))[0];
          const member = n.members.some((m) => m.mmsi === this.selected);
          if (top && !member) this.select(top.mmsi, { keepNetwork: true });
        }
        this.showNetwork(sn.dataset.network!);
        return;
      }
      const row = el.closest<HTMLElement>("li.ev");
      if (row && !el.closest("a")) {
        const id = row.dataset.event!;
        if (this.selectedEvent?.id === id && !row.closest("#profile")) return;
        this.openEventById(id);
      }
    });
    $("close").addEventListener("click", () => this.deselect());
    document.addEventListener("keydown", (ev) => {
      if (ev.target instanceof HTMLInputElement || ev.target instanceof HTMLSelectElement) return;
      if (ev.key === "Escape") {
        if (this.tool === "measure") return this.measure.stop();
        if (this.tool) return; // the drawing's own
        this.deselect();
      }
      if (ev.key === "m" || ev.key === "M") this.measure.active ? this.measure.stop() : this.measure.start();
      if (ev.key === " ") {
        ev.preventDefault();
        this.replay.togglePlay();
      }
    });

    // Tabs.
    for (const b of document.querySelectorAll<HTMLElement>(".tabs button"))
      b.addEventListener("click", () => {
        for (const x of document.querySelectorAll(".tabs button")) x.classList.toggle("on", x === b);
        for (const s of document.querySelectorAll<HTMLElement>(".tab")) s.classList.toggle("on", s.id === `tab-${b.dataset.tab}`);
      });

    // Colour by.
    $("colorby").addEventListener("click", (ev) => {
      const b = (ev.target as HTMLElement).closest<HTMLElement>("button");
      if (!b) return;
      this.colorBy = b.dataset.v as ColorBy;
      for (const x of $("colorby").querySelectorAll("button")) x.classList.toggle("on", x === b);
      this.renderLegend();
      this.scheduleDraw();
    });
    this.renderLegend();
  }

  private setupBasemapSwitch(): void {
    const sw = $("basemap-switch");
    sw.hidden = false;
    sw.addEventListener("click", (ev) => {
      const b = (ev.target as HTMLElement).closest<HTMLElement>("button");
      if (!b) return;
      const tiles = b.dataset.v === "tiles";
      for (const x of sw.querySelectorAll("button")) x.classList.toggle("on", x === b);
      this.map.setLayoutProperty("tiles", "visibility", tiles ? "visible" : "none");
      this.map.setLayoutProperty("land", "visibility", tiles ? "none" : "visible");
      this.map.setLayoutProperty("borders", "visibility", tiles ? "none" : "visible");
    });
    this.hasTiles = true;
  }

  private renderLegend(): void {
    const items =
      this.colorBy === "type"
        ? (Object.keys(CATEGORY_LABELS) as Category[]).map((c) => [CATEGORY_COLORS[c], CATEGORY_LABELS[c]])
        : [
            [riskColor(90), "75–100 high"],
            [riskColor(60), "50–74"],
            [riskColor(30), "25–49"],
            [riskColor(10), "1–24"],
            [riskColor(0), "no findings"],
          ];
    const links = Object.entries(LINK_COLORS)
      .map(([k, c]) => `<span class="li"><i class="line" style="background:${c}"></i>${esc(LINK_LABELS[k] ?? k)}</span>`)
      .join("");
    $("legend").innerHTML =
      `<div class="lt">${this.colorBy === "type" ? "Ship type" : "Risk score"}</div>` +
      items.map(([c, l]) => `<span class="li"><i style="background:${c}"></i>${esc(l)}</span>`).join("") +
      `<span class="li"><i class="halo"></i>risk ≥ 50</span><span class="li"><i class="faded"></i>not heard ${STALE / HOUR} h</span>` +
      (this.shownNetwork ? `<div class="lt">Network links</div>${links}` : "");
  }

  private tick(): void {
    if (this.replay.live && this.session) this.replay.follow();
    const t = this.replay.live ? this.ref : this.cursor;
    $("clock").textContent = zclock(t);
  }

  /** A tool takes the map's clicks; another tool in use stops first. */
  own(tool: "draw" | "measure" | null): void {
    if (tool === "draw" && this.measure.active) this.measure.stop();
    if (tool === "measure" && this.watch.drawing) this.watch.finishDraw();
    this.tool = tool;
  }

  notice(msg: string): void {
    const el = $("notice");
    el.textContent = msg;
    el.hidden = false;
    clearTimeout((el as any)._t);
    (el as any)._t = setTimeout(() => (el.hidden = true), 6000);
  }
}

/**
 * Logs in with a demo link's token: the session, or why not. A server
 * without logins (404) gives neither: /api/me says it is open.
 */
async function linkLogin(token: string): Promise<[api.Session | null, string]> {
  try {
    return [await api.login({ token }), ""];
  } catch (e: any) {
    return [null, e?.status === 404 ? "" : e?.message ?? String(e)];
  }
}

/** Whether two sessions see the same data: the same user, partner and feeds. */
function sameView(a: api.Session, b: api.Session): boolean {
  return a.open === b.open && a.user === b.user && a.partner === b.partner && [...a.clearance].sort().join() === [...b.clearance].sort().join();
}

function contains(outer: BBox, inner: BBox): boolean {
  return outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3];
}

export type { Fix };

const app = new App();
(window as any).picket = app;
app.start().catch((e) => {
  console.error(e);
  const el = document.getElementById("notice");
  if (el) {
    el.textContent = `The map could not start: ${e?.message ?? e}`;
    el.hidden = false;
  }
});

// The picket HTTP API as the page uses it (docs/api.md is the contract).
// Every reader tolerates missing fields: the page must draw what it gets.

export interface VesselProps {
  flag?: string;
  mmsi: number;
  name?: string;
  shiptype?: number | string;
  sog?: number;
  cog?: number;
  heading?: number;
  time?: string;
  risk?: number;
  /** The partner's own watchlists the vessel is on. */
  lists?: string[];
  [k: string]: unknown;
}

export interface VesselFeature {
  type: "Feature";
  id?: number | string;
  geometry: { type: "Point"; coordinates: [number, number] };
  properties: VesselProps;
}

export interface PicketEvent {
  id: string;
  type: string;
  subtype?: string;
  mmsi: number;
  other_mmsi?: number;
  start: string;
  end: string;
  /** Where it happened; absent when no position is known (an identity
   * an invalid or borrowed IMO number was heard in static reports only). */
  lat?: number;
  lon?: number;
  confidence: number;
  summary: string;
  end_lat?: number;
  end_lon?: number;
  intentional?: boolean;
  field?: string;
  from?: string;
  to?: string;
  port?: string;
  zone?: string;
  entry?: { list: string; id?: string; name?: string; imo?: number; mmsi?: number; program?: string[]; by: string };
  segment?: string;
  /** dark_vessel, dark_encounter: what saw it (radar, sar, viirs), the image or radar track, and the vessels in an AIS gap that could be a dark one. */
  sensor?: string;
  scene?: string;
  candidates?: number[];
  details?: Record<string, number>;
}

export interface IdentityValue {
  value: string;
  first: string;
  last: string;
  count: number;
}

export interface Profile {
  mmsi: number;
  segment?: string;
  name?: string;
  flag?: string;
  mmsi_valid?: boolean;
  mmsi_problem?: string;
  class?: string;
  first_seen?: string;
  last_seen?: string;
  positions?: number;
  statics?: number;
  identity?: {
    names?: IdentityValue[];
    callsigns?: IdentityValue[];
    imos?: IdentityValue[];
    shiptypes?: IdentityValue[];
    destinations?: IdentityValue[];
    length?: number;
    beam?: number;
    draught?: number;
  };
  segments?: { segment: string; first: string; last: string; fixes: number; start: { lat: number; lon: number }; end: { lat: number; lon: number } }[];
  events?: Record<string, number>;
  risk?: { score: number; total?: number; reasons?: { code?: string; reason: string; points: number; events?: string[] }[] };
  /** From the server's profile answer, beside the profile proper. */
  latest?: { time: string; lat: number; lon: number; sog?: number | null; cog?: number | null; heading?: number | null };
  recentEvents?: PicketEvent[];
  portCalls?: PicketEvent[];
  networkIds?: string[];
  /** The entries of the partner's own watchlists the vessel matches. */
  watchlists?: ListHit[];
}

export interface NetworkMember {
  id: string;
  mmsi: number;
  segment?: string;
  name?: string;
  imo?: string;
  flag?: string;
  risk?: number;
}

export interface NetworkLink {
  a: string;
  b: string;
  kind: string;
  imo?: string;
  events?: string[];
  weight?: number;
}

export interface Network {
  id: string;
  risk: number;
  summary: string;
  members: NetworkMember[];
  links: NetworkLink[];
}

/** One fix of a track: epoch ms, lon, lat and what the fix said. */
export interface Fix {
  t: number;
  lon: number;
  lat: number;
  sog?: number;
  cog?: number;
}

export interface Config {
  tiles?: string;
  tiles_attribution?: string;
  center?: [number, number];
  zoom?: number;
}

/** An API answer that was not 2xx; detail is the server's {"error"} text. */
export class HTTPError extends Error {
  constructor(
    public status: number,
    url: string,
    public detail = "",
    /** Seconds to wait, from Retry-After (429, 503); 0 when not said. */
    public retryAfter = 0,
  ) {
    super(detail ? `${url}: ${detail}` : `${url}: HTTP ${status}`);
  }
}

// ---- the session --------------------------------------------------------
//
// The server keeps the session in an HttpOnly cookie (picket_session) that
// the browser sends with every request and with the live stream: the page
// never sees or stores a secret. Any /api call may answer 401 (the session
// expired, its token was revoked) or 403 (the role is too low).

export type Role = "viewer" | "analyst" | "admin";

/** Who is logged in, as GET /api/me and POST /api/login answer. */
export interface Session {
  user: string;
  /** The partner whose view this is: what it is cleared to see. */
  partner: string;
  role: Role | string;
  /** The feeds the partner is cleared for, by name. */
  clearance: string[];
  /** An open server: no login, everything allowed. */
  open: boolean;
}

/** A server without access control (no /api/me yet, or open: true). */
export const OPEN: Session = { user: "", partner: "", role: "admin", clearance: [], open: true };

/** What the page offers beyond the map, and the role each needs. */
export type Feature = "networks" | "exports" | "rules" | "feeds" | "metrics" | "audit";

const NEEDS: Record<Feature, Role> = { networks: "analyst", exports: "analyst", rules: "analyst", feeds: "admin", metrics: "admin", audit: "admin" };
const RANK: Record<string, number> = { viewer: 1, analyst: 2, admin: 3 };

/**
 * Whether the session's role may use f. The server decides and answers 403
 * otherwise; the page only hides what would be refused. An unknown role
 * gets the viewer's map and nothing more.
 */
export function allowed(s: Session | null, f: Feature): boolean {
  if (!s) return false;
  return s.open || (RANK[s.role] ?? 0) >= RANK[NEEDS[f]];
}

const NEEDS_TEXT: Record<Feature, string> = {
  networks: "Networks need the analyst role",
  exports: "Exports need the analyst role",
  rules: "Making rules and acting on alerts need the analyst role",
  feeds: "Feeds need the admin role",
  metrics: "Metrics need the admin role",
  audit: "The audit log needs the admin role",
};

/** Why f is refused: "Exports need the analyst role". */
export function needs(f: Feature): string {
  return NEEDS_TEXT[f];
}

let unauthorized: (() => void) | null = null;
let inFlight = new AbortController();

/** f runs when a request is answered 401: the session is over. */
export function onUnauthorized(f: () => void): void {
  unauthorized = f;
}

/**
 * Cancels every request in flight, at logout or when the session ends, so
 * that no answer meant for the old session reaches the page.
 */
export function abortAll(): void {
  inFlight.abort();
  inFlight = new AbortController();
}

/** Aborted requests and a session's end: the caller says nothing of them. */
export function quiet(e: unknown): boolean {
  const err = e as { name?: string; status?: number } | null;
  return err?.name === "AbortError" || err?.status === 401;
}

/** Times a GET answered 429 (the server's limit per token) is tried again. */
const RETRIES_429 = 3;

/**
 * fetch for the API: sends the session cookie, tries a GET again after
 * the Retry-After of a 429 (a replay asks for hundreds of tracks at once),
 * reports a 401 to the onUnauthorized handler, and throws HTTPError for
 * any other answer but 2xx.
 */
export async function request(url: string, init: RequestInit = {}): Promise<Response> {
  const signal = init.signal ? AbortSignal.any([init.signal, inFlight.signal]) : inFlight.signal;
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(url, { credentials: "same-origin", ...init, signal });
    if (r.ok) return r;
    const err = await httpError(r, url);
    if (r.status === 429 && attempt < RETRIES_429 && (init.method ?? "GET") === "GET") {
      await sleep(Math.min(10, err.retryAfter || 1) * 1000, signal);
      continue;
    }
    if (r.status === 401) unauthorized?.();
    throw err;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((ok, fail) => {
    const t = setTimeout(ok, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        fail(signal.reason);
      },
      { once: true },
    );
  });
}

export async function getJSON<T>(url: string, signal?: AbortSignal): Promise<T> {
  const r = await request(url, { signal, headers: { Accept: "application/json" } });
  return (await r.json()) as T;
}

async function httpError(r: Response, url: string): Promise<HTTPError> {
  let detail = "";
  try {
    const body = await r.json();
    if (body && typeof body.error === "string") detail = body.error;
  } catch {
    /* not JSON: the status says it */
  }
  return new HTTPError(r.status, url, detail, retryAfter(r.headers.get("Retry-After")));
}

/** Retry-After in seconds: a number of seconds or an HTTP date. */
export function retryAfter(v: string | null, now = Date.now()): number {
  if (!v) return 0;
  if (/^\s*\d+\s*$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return isFinite(t) ? Math.max(0, Math.ceil((t - now) / 1000)) : 0;
}

function asSession(r: any): Session {
  if (!r || typeof r !== "object") throw new Error("session: not an object");
  if (r.open === true) return { ...OPEN, user: String(r.user ?? ""), partner: String(r.partner ?? "") };
  return {
    user: String(r.user ?? ""),
    partner: String(r.partner ?? ""),
    role: String(r.role ?? ""),
    clearance: Array.isArray(r.clearance) ? r.clearance.map(String) : [],
    open: false,
  };
}

/**
 * Who is logged in; null when nobody is (401). A server that does not know
 * /api/me (404) has no access control yet: it is open.
 */
export async function me(): Promise<Session | null> {
  const r = await fetch("/api/me", { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (r.status === 404) return OPEN;
  if (r.status === 401) return null;
  if (!r.ok) throw await httpError(r, "/api/me");
  return asSession(await r.json());
}

export type Credentials = { user: string; password: string } | { token: string };

/** Why a login failed, in words for the login screen. */
export class LoginError extends Error {
  constructor(
    message: string,
    public status: number,
    /** Seconds before the server takes another try (429). */
    public retryAfter = 0,
  ) {
    super(message);
  }
}

/** Logs in; the server answers with the session and sets its cookie. */
export async function login(c: Credentials): Promise<Session> {
  const r = await fetch("/api/login", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(c),
  });
  if (r.ok) return asSession(await r.json());
  const err = await httpError(r, "/api/login");
  if (r.status === 401) throw new LoginError("token" in c ? "Token not valid or revoked." : "Wrong user name or password.", 401);
  if (r.status === 429) throw new LoginError("Too many attempts.", 429, err.retryAfter || 60);
  throw new LoginError(`Login failed: ${err.detail || `HTTP ${r.status}`}`, r.status);
}

/** Ends the session; the server clears the cookie. */
export async function logout(): Promise<void> {
  const r = await fetch("/api/logout", { method: "POST", credentials: "same-origin" });
  // 401: the session had already ended; 404: a server without logins.
  if (!r.ok && r.status !== 401 && r.status !== 404) throw await httpError(r, "/api/logout");
}

export type BBox = [number, number, number, number];

const bboxParam = (b: BBox) => b.map((v) => +v.toFixed(4)).join(",");

const iso = (t: number) => new Date(t).toISOString().replace(/\.000Z$/, "Z");

/**
 * The optional page configuration; {} when the server has none, null when
 * it is kept for logged-in users (401): ask again after the login.
 */
export async function config(): Promise<Config | null> {
  try {
    const c = await getJSON<Config>("/api/config");
    return c && typeof c === "object" ? c : {};
  } catch (e) {
    return (e as HTTPError)?.status === 401 ? null : {};
  }
}

/**
 * The vessels in a box, and how many the user may see anywhere (the
 * answer's total; null from a server that does not say).
 */
export async function vessels(b: BBox, signal?: AbortSignal): Promise<{ list: VesselFeature[]; total: number | null }> {
  const fc = await getJSON<{ features?: VesselFeature[]; total?: number }>(`/api/vessels?bbox=${bboxParam(b)}`, signal);
  return { list: (fc.features ?? []).filter(validVessel), total: typeof fc.total === "number" ? fc.total : null };
}

/** How far back a search looks: the replay's longest window. */
const SEARCH_AGE = "7d";

/** Vessels by name, call sign (text) or MMSI, IMO number (digits), heard in the last 7 days. */
export async function searchVessels(q: string, signal?: AbortSignal): Promise<VesselFeature[]> {
  const fc = await getJSON<{ features?: VesselFeature[] }>(`/api/vessels?max_age=${SEARCH_AGE}&q=${encodeURIComponent(q)}`, signal);
  return (fc.features ?? []).filter(validVessel);
}

export function validVessel(f: VesselFeature | undefined): f is VesselFeature {
  const c = f?.geometry?.coordinates;
  return !!f && !!f.properties && Array.isArray(c) && isFinite(c[0]) && isFinite(c[1]) && f.properties.mmsi != null;
}

export async function profile(mmsi: number, signal?: AbortSignal): Promise<Profile> {
  return normalizeProfile(await getJSON<any>(`/api/vessels/${mmsi}`, signal));
}

const IDENTITY_FIELDS: Record<string, keyof NonNullable<Profile["identity"]>> = {
  name: "names",
  callsign: "callsigns",
  imo: "imos",
  shiptype: "shiptypes",
  destination: "destinations",
};

/**
 * The server answers a profile as {mmsi, name, flag, latest, identity:
 * {field: [{value, first, last}]}, risk, profile, events, port_calls,
 * networks}, where profile is the full vessels.jsonl line when the vessel
 * is in the live risk picture; a bare vessels.jsonl line is read too.
 */
export function normalizeProfile(r: any): Profile {
  if (!r || typeof r !== "object") return { mmsi: 0 };
  const wrapped = "profile" in r || "latest" in r || "port_calls" in r || Array.isArray(r.events);
  if (!wrapped) return r as Profile;
  const base: Profile = r.profile && typeof r.profile === "object" ? { ...r.profile } : { mmsi: r.mmsi };
  base.mmsi = r.mmsi ?? base.mmsi;
  base.name = r.name || base.name;
  base.flag = base.flag || r.flag;
  if (r.risk) base.risk = r.risk;
  // The store's identity history outlives the live picture: prefer it.
  const id = r.identity;
  if (id && typeof id === "object" && Object.keys(id).some((k) => k in IDENTITY_FIELDS)) {
    const out: NonNullable<Profile["identity"]> = { ...(base.identity ?? {}) };
    for (const [k, to] of Object.entries(IDENTITY_FIELDS))
      if (Array.isArray(id[k]) && id[k].length) (out as any)[to] = id[k].map((v: any) => ({ count: 0, ...v }));
    base.identity = out;
  }
  if (r.latest) base.latest = r.latest;
  if (Array.isArray(r.events)) base.recentEvents = r.events;
  if (Array.isArray(r.port_calls)) base.portCalls = r.port_calls;
  if (Array.isArray(r.networks)) base.networkIds = r.networks;
  if (Array.isArray(r.watchlists)) base.watchlists = r.watchlists;
  return base;
}

/**
 * A vessel's fixes between from and to (epoch ms), in time order. The API
 * answers GeoJSON: a LineString with its fixes' times in properties.times
 * (or coordTimes, or a third coordinate), alone or in a FeatureCollection
 * beside Point features that carry time, sog and cog. All are read.
 */
export async function track(mmsi: number, from: number, to: number, signal?: AbortSignal): Promise<Fix[]> {
  const g = await getJSON<any>(`/api/vessels/${mmsi}/track?from=${iso(from)}&to=${iso(to)}`, signal);
  return parseTrack(g);
}

export function parseTrack(g: any): Fix[] {
  // The server's form: a Feature whose foreign member points lists the fixes.
  if (Array.isArray(g?.points)) {
    const fixes: Fix[] = [];
    for (const p of g.points) {
      const t = ms(p?.time);
      if (isFinite(t) && isFinite(p.lat) && isFinite(p.lon)) fixes.push({ t, lon: p.lon, lat: p.lat, sog: num(p.sog), cog: num(p.cog) });
    }
    if (fixes.length) return fixes.sort((a, b) => a.t - b.t);
  }
  const feats: any[] = g?.type === "FeatureCollection" ? g.features ?? [] : g?.type === "Feature" ? [g] : g?.type ? [{ geometry: g, properties: {} }] : [];
  const points: Fix[] = [];
  const lines: Fix[] = [];
  for (const f of feats) {
    const geom = f?.geometry;
    const p = f?.properties ?? {};
    if (!geom) continue;
    if (geom.type === "Point") {
      const t = ms(p.time ?? p.t ?? p.timestamp);
      const [lon, lat] = geom.coordinates;
      if (isFinite(t)) points.push({ t, lon, lat, sog: num(p.sog), cog: num(p.cog) });
    } else if (geom.type === "LineString" || geom.type === "MultiLineString") {
      const parts: number[][][] = geom.type === "LineString" ? [geom.coordinates] : geom.coordinates;
      const times: unknown[] = p.times ?? p.coordTimes ?? p.coordinateProperties?.times ?? [];
      const flatTimes = Array.isArray(times[0]) ? (times as unknown[][]).flat() : times;
      let i = 0;
      for (const part of parts)
        for (const c of part) {
          const t = ms(flatTimes[i] ?? c[3] ?? c[2]);
          i++;
          if (isFinite(t)) lines.push({ t, lon: c[0], lat: c[1] });
        }
    }
  }
  const fixes = points.length >= lines.length ? points : lines;
  fixes.sort((a, b) => a.t - b.t);
  return fixes;
}

function ms(t: unknown): number {
  if (typeof t === "number") return t < 1e11 ? t * 1000 : t;
  if (typeof t === "string" && t) return Date.parse(t);
  return NaN;
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && isFinite(v) ? v : undefined;
}

export interface EventQuery {
  types?: string[];
  from?: number;
  to?: number;
  bbox?: BBox;
  mmsi?: number;
  minConfidence?: number;
  limit?: number;
}

function eventParams(q: EventQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.types?.length) p.set("type", q.types.join(","));
  if (q.from !== undefined) p.set("from", iso(q.from));
  if (q.to !== undefined) p.set("to", iso(q.to));
  if (q.bbox) p.set("bbox", bboxParam(q.bbox));
  if (q.mmsi !== undefined) p.set("mmsi", String(q.mmsi));
  if (q.minConfidence) p.set("min_confidence", String(q.minConfidence));
  if (q.limit !== undefined) p.set("limit", String(q.limit));
  return p;
}

/** Whether an event has a known position, to draw it or fly to it. */
export function hasPosition(e: PicketEvent): boolean {
  return Number.isFinite(e.lat) && Number.isFinite(e.lon);
}

export async function events(q: EventQuery, signal?: AbortSignal): Promise<PicketEvent[]> {
  const p = eventParams({ ...q, limit: q.limit ?? 500 });
  const r = await getJSON<PicketEvent[] | { events?: PicketEvent[] }>(`/api/events?${p}`, signal);
  const list = Array.isArray(r) ? r : r?.events ?? [];
  return list.filter((e) => e && e.id);
}

export async function networks(signal?: AbortSignal): Promise<Network[]> {
  const r = await getJSON<{ networks?: Network[] } | Network[]>("/api/networks", signal);
  return (Array.isArray(r) ? r : r?.networks ?? []).filter((n) => n && Array.isArray(n.members));
}

/** The export formats of /api/export/events.{format}, with their names. */
export const EXPORT_FORMATS: [string, string, string][] = [
  ["geojson", "GeoJSON", "for GIS"],
  ["kml", "KML", "for Google Earth, with a time span per event"],
  ["csv", "CSV", "for spreadsheets"],
  ["parquet", "Parquet", "GeoParquet, for DuckDB and GeoPandas"],
  ["nvg", "NVG", "NATO Vector Graphics 2.0, an overlay for coalition C2 systems, marked"],
];

/** The events matching q as a file (the analyst role); its name from Content-Disposition. */
export async function exportEvents(format: string, q: EventQuery): Promise<{ blob: Blob; name: string }> {
  const r = await request(`/api/export/events.${format}?${eventParams(q)}`);
  const cd = r.headers.get("Content-Disposition") ?? "";
  const name = /filename="?([^";]+)"?/.exec(cd)?.[1] ?? `events.${format}`;
  return { blob: await r.blob(), name };
}

/**
 * The evidence package of a vessel, an event or a network (the analyst
 * role): one self-contained HTML file, marked with its releasability.
 */
export async function exportCase(param: string): Promise<{ blob: Blob; name: string }> {
  return download(`/api/case?${param}`, "case.html");
}

/** A vessel's track as a file (the analyst role): /api/export/tracks.{format}. */
export async function exportTrack(format: string, param: string): Promise<{ blob: Blob; name: string }> {
  return download(`/api/export/tracks.${format}?${param}`, `tracks.${format}`);
}

async function download(url: string, fallback: string): Promise<{ blob: Blob; name: string }> {
  const r = await request(url);
  const cd = r.headers.get("Content-Disposition") ?? "";
  const name = /filename="?([^";]+)"?/.exec(cd)?.[1] ?? fallback;
  return { blob: await r.blob(), name };
}

/** A position of the stream, flat ({mmsi, lat, lon, ...}) or as a Feature. */
export function asFeature(p: any): VesselFeature | undefined {
  if (!p || typeof p !== "object") return undefined;
  if (p.type === "Feature") return p;
  if (!isFinite(p.lat) || !isFinite(p.lon)) return undefined;
  const { lat, lon, ...props } = p;
  for (const k of Object.keys(props)) if (props[k] === null) delete props[k];
  return { type: "Feature", geometry: { type: "Point", coordinates: [lon, lat] }, properties: props };
}

export interface StreamHandlers {
  position(f: VesselFeature): void;
  alert(e: PicketEvent): void;
  /** An alert of one of the partner's rules: raised, or acted on. */
  ruleAlert?(a: RuleAlert): void;
  /**
   * error: the connection dropped and the browser reconnects by itself;
   * closed: the server refused it (a 401, say) and it will not.
   */
  state(s: "open" | "error" | "closed"): void;
}

/** Subscribes to the live stream; close the returned source to stop. */
export function stream(b: BBox | null, types: string[], h: StreamHandlers): EventSource {
  const p = new URLSearchParams();
  if (b) p.set("bbox", bboxParam(b));
  if (types.length) p.set("types", types.join(","));
  const es = new EventSource(`/api/stream?${p}`);
  es.addEventListener("open", () => h.state("open"));
  es.addEventListener("error", () => h.state(es.readyState === EventSource.CLOSED ? "closed" : "error"));
  es.addEventListener("position", (m) => {
    try {
      const f = asFeature(JSON.parse((m as MessageEvent).data));
      if (validVessel(f)) h.position(f);
    } catch {
      /* a bad message is skipped; the next one carries the state */
    }
  });
  es.addEventListener("alert", (m) => {
    try {
      const e = JSON.parse((m as MessageEvent).data);
      if (e && e.id) h.alert(e);
    } catch {
      /* skipped as above */
    }
  });
  es.addEventListener("rule_alert", (m) => {
    try {
      const a = JSON.parse((m as MessageEvent).data);
      if (a && typeof a.id === "number") h.ruleAlert?.(a);
    } catch {
      /* skipped as above */
    }
  });
  return es;
}

// ---- the watch floor: alert rules and the inbox (docs/api.md) ----------

/** An alert rule: an area, what triggers it, which vessels count. */
export interface Rule {
  id?: string;
  name: string;
  partner?: string;
  created_by?: string;
  created?: string;
  area: { polygon?: [number, number][]; zone?: string };
  triggers: { entry?: boolean; exit?: boolean; events?: string[]; dark_minutes?: number };
  filters?: { ship_types?: string[]; flags?: string[]; watchlist?: boolean; lists?: string[]; min_speed?: number; max_speed?: number };
  webhooks?: string[];
  /** Kept, raising nothing. */
  disabled?: boolean;
  updated_by?: string;
  updated?: string;
}

/** The partner's rules and what a rule may name. */
export interface RulesInfo {
  rules: Rule[];
  zones: string[];
  webhooks: string[];
  ship_types: string[];
  event_types: string[];
}

export interface RuleAction {
  action: string;
  user: string;
  time: string;
  to?: string;
}

/** An alert a rule raised, as the inbox keeps it. */
export interface RuleAlert {
  id: number;
  rule_id: string;
  rule_name: string;
  kind: "entry" | "exit" | "event" | "dark" | string;
  mmsi: number;
  name?: string;
  time: string;
  raised: string;
  lat: number;
  lon: number;
  sog?: number;
  event_id?: string;
  event_type?: string;
  summary: string;
  status: "open" | "acknowledged" | "dismissed" | string;
  assigned_to?: string;
  actions: RuleAction[];
}

export async function rules(signal?: AbortSignal): Promise<RulesInfo> {
  const r = await getJSON<any>("/api/rules", signal);
  return {
    rules: Array.isArray(r?.rules) ? r.rules : [],
    zones: Array.isArray(r?.zones) ? r.zones : [],
    webhooks: Array.isArray(r?.webhooks) ? r.webhooks : [],
    ship_types: Array.isArray(r?.ship_types) ? r.ship_types : [],
    event_types: Array.isArray(r?.event_types) ? r.event_types : [],
  };
}

async function send<T>(method: string, url: string, body?: unknown): Promise<T | null> {
  const init: RequestInit = { method, headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { Accept: "application/json", "Content-Type": "application/json" };
  }
  const r = await request(url, init);
  return r.status === 204 ? null : ((await r.json()) as T);
}

export async function addRule(rule: Rule): Promise<Rule> {
  return (await send<Rule>("POST", "/api/rules", rule))!;
}

export async function updateRule(id: string, rule: Rule): Promise<Rule> {
  return (await send<Rule>("PUT", `/api/rules/${encodeURIComponent(id)}`, rule))!;
}

// ---- the partner's zones and watchlists (docs/api.md) ---------------------

/** A zone a rule may name: the node's (own false) or the partner's own. */
export interface ZoneFeature {
  type: "Feature";
  geometry: GeoJSON.MultiPolygon;
  properties: { name: string; own: boolean; id?: string; created_by?: string; created?: string; updated_by?: string };
}

export async function zones(signal?: AbortSignal): Promise<ZoneFeature[]> {
  const r = await getJSON<any>("/api/zones", signal);
  return Array.isArray(r?.features) ? r.features : [];
}

export async function addZone(name: string, polygon: [number, number][]): Promise<void> {
  await send("POST", "/api/zones", { name, polygon });
}

export async function renameZone(id: string, name: string): Promise<void> {
  await send("PUT", `/api/zones/${encodeURIComponent(id)}`, { name });
}

export async function deleteZone(id: string): Promise<void> {
  await send("DELETE", `/api/zones/${encodeURIComponent(id)}`);
}

export interface ListEntry {
  id: string;
  imo?: number;
  mmsi?: number;
  name?: string;
  note?: string;
  added_by?: string;
  added?: string;
}

export interface Watchlist {
  id: string;
  name: string;
  created_by?: string;
  entries: ListEntry[];
}

/** An entry of the partner's watchlists a vessel matches, and by what. */
export interface ListHit {
  list_id: string;
  list: string;
  entry: ListEntry;
  by: string;
}

export async function watchlists(signal?: AbortSignal): Promise<Watchlist[]> {
  const r = await getJSON<any>("/api/watchlists", signal);
  return Array.isArray(r?.watchlists) ? r.watchlists.map((l: any) => ({ ...l, entries: Array.isArray(l?.entries) ? l.entries : [] })) : [];
}

export async function addWatchlist(name: string): Promise<void> {
  await send("POST", "/api/watchlists", { name });
}

export async function deleteWatchlist(id: string): Promise<void> {
  await send("DELETE", `/api/watchlists/${encodeURIComponent(id)}`);
}

export async function addEntry(list: string, e: { imo?: number; mmsi?: number; name?: string; note?: string }): Promise<void> {
  await send("POST", `/api/watchlists/${encodeURIComponent(list)}/entries`, e);
}

export async function deleteEntry(list: string, entry: string): Promise<void> {
  await send("DELETE", `/api/watchlists/${encodeURIComponent(list)}/entries/${encodeURIComponent(entry)}`);
}

export async function deleteRule(id: string): Promise<void> {
  await send("DELETE", `/api/rules/${encodeURIComponent(id)}`);
}

export async function ruleAlerts(status: string, signal?: AbortSignal): Promise<RuleAlert[]> {
  const q = status ? `?status=${encodeURIComponent(status)}` : "";
  const r = await getJSON<any>(`/api/alerts${q}`, signal);
  return Array.isArray(r?.alerts) ? r.alerts : [];
}

/** Acknowledges, dismisses or assigns (to: a user of the partner) an alert. */
export async function act(id: number, action: "acknowledge" | "dismiss" | "assign", to?: string): Promise<RuleAlert> {
  return (await send<RuleAlert>("POST", `/api/alerts/${id}/${action}`, action === "assign" ? { user: to } : undefined))!;
}

// ---- a vessel's timeline --------------------------------------------------

export interface Timeline {
  mmsi: number;
  first: string | null;
  last: string | null;
  days: { day: string; fixes: number }[];
  identity: Record<string, { value: string; first: string; last: string }[]>;
  voyages: { from: string; to: string; from_port?: string; to_port?: string }[];
  events: PicketEvent[];
  truncated?: boolean;
}

export async function timeline(mmsi: number, signal?: AbortSignal): Promise<Timeline> {
  const r = await getJSON<any>(`/api/vessels/${mmsi}/timeline`, signal);
  return {
    mmsi,
    first: r?.first ?? null,
    last: r?.last ?? null,
    days: Array.isArray(r?.days) ? r.days : [],
    identity: r?.identity && typeof r.identity === "object" ? r.identity : {},
    voyages: Array.isArray(r?.voyages) ? r.voyages : [],
    events: Array.isArray(r?.events) ? r.events : [],
    truncated: !!r?.truncated,
  };
}

// Formatting for people on watch: UTC ("Z") times, degrees and minutes,
// knots, and the names of AIS ship types and event types.

export function esc(s: unknown): string {
  return String(s ?? "").replace(/[&<>"']/g, (c) =>
    ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Parses an RFC 3339 string or epoch (s or ms) to epoch ms; NaN if none. */
export function ms(t: unknown): number {
  if (typeof t === "number") return t < 1e11 ? t * 1000 : t;
  if (typeof t === "string" && t) return Date.parse(t);
  return NaN;
}

/** "2026-03-01 14:05Z" */
export function zdt(t: number): string {
  if (!isFinite(t)) return "—";
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}Z`;
}

/** "14:05Z" or "01 Mar 14:05Z" when not on the day of ref. */
export function zshort(t: number, ref?: number): string {
  if (!isFinite(t)) return "—";
  const d = new Date(t);
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}Z`;
  if (ref !== undefined && new Date(ref).toISOString().slice(0, 10) === d.toISOString().slice(0, 10)) return hm;
  return `${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${hm}`;
}

/** "14:05:09Z 01 Mar 2026" for the clock. */
export function zclock(t: number): string {
  if (!isFinite(t)) return "—";
  const d = new Date(t);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z  ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "3 h 20 min", "2 d 4 h", "45 s" */
export function dur(msec: number): string {
  if (!isFinite(msec)) return "—";
  const s = Math.round(Math.abs(msec) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** "ago" phrase relative to ref. */
export function ago(t: number, ref: number): string {
  if (!isFinite(t)) return "never";
  const d = ref - t;
  if (d < 60_000) return "just now";
  return `${dur(d)} ago`;
}

/** 37°29.6′N 122°10.5′E */
export function latlon(lat: number, lon: number): string {
  const f = (v: number, p: string, n: string, w: number) => {
    const a = Math.abs(v);
    const deg = Math.floor(a);
    const min = (a - deg) * 60;
    return `${String(deg).padStart(w, "0")}°${min.toFixed(1).padStart(4, "0")}′${v >= 0 ? p : n}`;
  };
  if (!isFinite(lat) || !isFinite(lon)) return "—";
  return `${f(lat, "N", "S", 2)} ${f(lon, "E", "W", 3)}`;
}

export function knots(v: unknown): string {
  return typeof v === "number" && isFinite(v) ? `${v.toFixed(1)} kn` : "—";
}

export function deg(v: unknown): string {
  return typeof v === "number" && isFinite(v) && v < 360 ? `${Math.round(v).toString().padStart(3, "0")}°` : "—";
}

// Ship categories, from the AIS ship type (ITU-R M.1371-5 table 53).
export type Category = "tanker" | "cargo" | "passenger" | "fishing" | "service" | "pleasure" | "hsc" | "other";

export const CATEGORY_COLORS: Record<Category, string> = {
  tanker: "#ff9f43",
  cargo: "#52d68a",
  passenger: "#4db8ff",
  fishing: "#f78fb3",
  service: "#3ee0d0",
  hsc: "#ffe066",
  pleasure: "#b8a1ff",
  other: "#a7b6c2",
};

export const CATEGORY_LABELS: Record<Category, string> = {
  tanker: "Tanker",
  cargo: "Cargo",
  passenger: "Passenger",
  fishing: "Fishing",
  service: "Tug / pilot / SAR / law",
  hsc: "High-speed craft",
  pleasure: "Sailing / pleasure",
  other: "Other / unknown",
};

export function shipCode(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d+$/.test(v.trim())) return parseInt(v, 10);
  return NaN;
}

export function category(v: unknown): Category {
  const c = shipCode(v);
  if (isNaN(c)) {
    const s = String(v ?? "").toLowerCase();
    for (const k of ["tanker", "cargo", "passenger", "fishing", "pleasure"] as Category[]) if (s.includes(k)) return k;
    if (/tug|pilot|sar|law|tender|dredg|towing/.test(s)) return "service";
    return "other";
  }
  if (c >= 80 && c <= 89) return "tanker";
  if (c >= 70 && c <= 79) return "cargo";
  if (c >= 60 && c <= 69) return "passenger";
  if (c >= 40 && c <= 49) return "hsc";
  if (c === 30) return "fishing";
  if (c === 36 || c === 37) return "pleasure";
  if ((c >= 31 && c <= 35) || (c >= 50 && c <= 59)) return "service";
  return "other";
}

const TYPE_NAMES: Record<number, string> = {
  30: "Fishing", 31: "Towing", 32: "Towing (large)", 33: "Dredging", 34: "Diving ops", 35: "Military ops",
  36: "Sailing", 37: "Pleasure craft", 50: "Pilot vessel", 51: "Search and rescue", 52: "Tug",
  53: "Port tender", 54: "Anti-pollution", 55: "Law enforcement", 58: "Medical transport", 59: "Noncombatant",
};

export function shipTypeName(v: unknown): string {
  const c = shipCode(v);
  if (isNaN(c)) return v ? String(v) : "Unknown type";
  if (TYPE_NAMES[c]) return TYPE_NAMES[c];
  const cat = category(c);
  const base: Record<Category, string> = {
    tanker: "Tanker", cargo: "Cargo", passenger: "Passenger", hsc: "High-speed craft",
    fishing: "Fishing", pleasure: "Pleasure", service: "Special craft", other: c === 0 ? "Unknown type" : "Other",
  };
  const hz = c % 10 >= 1 && c % 10 <= 4 && c >= 40 ? ` (hazard ${"ABCD"[(c % 10) - 1]})` : "";
  return `${base[cat]}${hz} · ${c}`;
}

export function riskColor(r: number): string {
  if (!(r > 0)) return "#7f8e9b";
  if (r < 25) return "#8fb8d0";
  if (r < 50) return "#ffd24d";
  if (r < 75) return "#ff8c1a";
  return "#ff3b3b";
}

export const EVENT_COLORS: Record<string, string> = {
  encounter: "#ff4d4d",
  dark_rendezvous: "#e056fd",
  loitering: "#ffb020",
  gap: "#8aa4b8",
  spoofing: "#ff4fa3",
  identity_change: "#ffe14d",
  port_visit: "#4fc3f7",
  zone_visit: "#2ec4b6",
  watchlist: "#ff1f4b",
  dark_vessel: "#b388ff",
  dark_encounter: "#ff6e40",
};

export const EVENT_LABELS: Record<string, string> = {
  encounter: "Encounter",
  dark_rendezvous: "Dark rendezvous",
  loitering: "Loitering",
  gap: "AIS gap",
  spoofing: "Spoofing",
  identity_change: "Identity change",
  port_visit: "Port visit",
  zone_visit: "Zone visit",
  watchlist: "Watchlist",
  dark_vessel: "Dark vessel",
  dark_encounter: "Dark encounter",
};

const SENSOR_LABELS: Record<string, string> = { radar: "radar", sar: "satellite radar", optical: "satellite optical", viirs: "night lights" };

export const EVENT_TYPES = Object.keys(EVENT_LABELS);

export function eventLabel(e: { type: string; subtype?: string; intentional?: boolean; sensor?: string }): string {
  let s = EVENT_LABELS[e.type] ?? e.type;
  if (e.subtype) s += ` · ${e.subtype.replace(/_/g, " ")}`;
  if (e.type === "gap" && e.intentional) s += " · likely intentional";
  if (e.sensor) s += ` · ${SENSOR_LABELS[e.sensor] ?? e.sensor}`;
  return s;
}

export const LINK_LABELS: Record<string, string> = {
  encounter: "encounter",
  dark_rendezvous: "dark rendezvous",
  shared_imo: "shared IMO",
  shared_mmsi: "shared MMSI",
  flag_change: "flag change",
  identity: "shared identity",
  name: "shared name",
};

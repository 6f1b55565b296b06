// Deep links: the address bar's fragment names a view, a vessel or an
// event, "#map=6/35.50000/127.50000&vessel=440123000&event=<id>". The page
// opens them as whoever is logged in (after the login, for a link opened
// logged out), so a link shows nothing its reader's partner may not see:
// a vessel or event it may not see reads as one never heard. A fragment
// never reaches the server. The page keeps the fragment up to date as the
// officer moves the map or opens a vessel or an event.

export interface Link {
  map?: { zoom: number; lat: number; lon: number };
  vessel?: number;
  event?: string;
}

/** Reads a fragment (with or without its "#"); what does not parse is left out. */
export function parseLink(hash: string): Link {
  const out: Link = {};
  for (const part of hash.replace(/^#/, "").split("&")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const k = part.slice(0, i);
    let v = part.slice(i + 1);
    try {
      v = decodeURIComponent(v);
    } catch {
      continue;
    }
    if (k === "map") {
      const [z, lat, lon] = v.split("/").map(Number);
      if ([z, lat, lon].every(isFinite) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && z >= 0 && z <= 22) out.map = { zoom: z, lat, lon };
    } else if (k === "vessel" && /^\d{1,9}$/.test(v)) out.vessel = Number(v);
    else if (k === "event" && v.length > 0 && v.length <= 128) out.event = v;
  }
  return out;
}

/** Writes a link as a fragment, "#" and all; "" for an empty link. */
export function formatLink(l: Link): string {
  const parts: string[] = [];
  if (l.map) parts.push(`map=${l.map.zoom.toFixed(2).replace(/\.?0+$/, "")}/${l.map.lat.toFixed(5)}/${l.map.lon.toFixed(5)}`);
  if (l.vessel != null) parts.push(`vessel=${l.vessel}`);
  if (l.event) parts.push(`event=${encodeURIComponent(l.event)}`);
  return parts.length ? `#${parts.join("&")}` : "";
}

/** Whether a fragment holds a deep link (not only a login). */
export function hasLink(hash: string): boolean {
  const l = parseLink(hash);
  return !!(l.map || l.vessel != null || l.event);
}

// The map's own sources and layers above the basemap, bottom to top:
// network links, tracks, events, the highlighted event, vessels and the
// selection ring. Data is decorated in JavaScript (colour, icon, rotation)
// so the style expressions stay simple.
import type { Map as MLMap, GeoJSONSource } from "maplibre-gl";
import type { Fix, PicketEvent, VesselFeature } from "./api";
import { hasPosition } from "./api";
import { CATEGORY_COLORS, EVENT_COLORS, category, riskColor } from "./fmt";

export type ColorBy = "type" | "risk";

const EMPTY: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: [] };

export const LINK_COLORS: Record<string, string> = {
  encounter: "#ff4d4d",
  dark_rendezvous: "#e056fd",
  shared_imo: "#ffe14d",
  shared_mmsi: "#ff4fa3",
  flag_change: "#ffb020",
};

export function addLayers(map: MLMap): void {
  for (const id of ["network", "track", "events", "highlight", "vessels", "selection"])
    map.addSource(id, { type: "geojson", data: EMPTY });

  map.addLayer({
    id: "network-links",
    type: "line",
    source: "network",
    filter: ["==", ["geometry-type"], "LineString"],
    layout: { "line-cap": "round" },
    paint: {
      "line-color": ["coalesce", ["get", "_c"], "#ffe14d"],
      "line-width": 2.5,
      "line-opacity": 0.9,
      "line-dasharray": [2, 1.5],
      "line-offset": ["get", "_off"],
    },
  });
  map.addLayer({
    id: "track-line",
    type: "line",
    source: "track",
    filter: ["==", ["geometry-type"], "LineString"],
    layout: { "line-cap": "round", "line-join": "round" },
    paint: {
      "line-color": ["match", ["get", "role"], "other", "#e056fd", "#4fd1ff"],
      "line-width": ["interpolate", ["linear"], ["zoom"], 4, 1.5, 10, 3],
      "line-opacity": ["match", ["get", "part"], "future", 0.25, 0.9],
    },
  });
  map.addLayer({
    id: "track-points",
    type: "circle",
    source: "track",
    minzoom: 7,
    filter: ["==", ["geometry-type"], "Point"],
    paint: {
      "circle-radius": ["interpolate", ["linear"], ["zoom"], 7, 1.5, 12, 3],
      "circle-color": ["match", ["get", "role"], "other", "#e056fd", "#4fd1ff"],
      "circle-opacity": ["match", ["get", "part"], "future", 0.25, 0.8],
    },
  });
  map.addLayer({
    id: "events-gap",
    type: "line",
    source: "events",
    filter: ["==", ["geometry-type"], "LineString"],
    paint: {
      "line-color": ["get", "_c"],
      "line-width": 1.5,
      "line-opacity": ["case", ["get", "_hl"], 1, 0.55],
      "line-dasharray": [1, 2],
    },
  });
  map.addLayer({
    id: "events",
    type: "circle",
    source: "events",
    filter: ["==", ["geometry-type"], "Point"],
    paint: {
      "circle-radius": ["interpolate", ["linear"], ["zoom"], 3, ["case", ["get", "_active"], 5, 3], 10, ["case", ["get", "_active"], 9, 6]],
      "circle-color": ["get", "_c"],
      "circle-opacity": ["case", ["get", "_active"], 0.95, 0.55],
      "circle-stroke-color": "#071019",
      "circle-stroke-width": 1,
    },
  });
  map.addLayer({
    id: "highlight",
    type: "circle",
    source: "highlight",
    filter: ["==", ["geometry-type"], "Point"],
    paint: {
      "circle-radius": 22,
      "circle-color": ["get", "_c"],
      "circle-opacity": 0.12,
      "circle-stroke-color": ["get", "_c"],
      "circle-stroke-width": 2,
    },
  });
  map.addLayer({
    id: "highlight-line",
    type: "line",
    source: "highlight",
    filter: ["==", ["geometry-type"], "LineString"],
    paint: { "line-color": ["get", "_c"], "line-width": 2.5, "line-dasharray": [1, 1.5] },
  });
  map.addLayer({
    id: "risk-halo",
    type: "circle",
    source: "vessels",
    filter: [">=", ["get", "_risk"], 50],
    paint: {
      "circle-radius": ["interpolate", ["linear"], ["zoom"], 3, 8, 10, 16],
      "circle-color": "#ff2d2d",
      "circle-opacity": ["*", ["get", "_fade"], ["interpolate", ["linear"], ["get", "_risk"], 50, 0.18, 100, 0.32]],
      "circle-stroke-color": "#ff4d4d",
      "circle-stroke-width": 1.2,
      "circle-stroke-opacity": ["*", ["get", "_fade"], 0.85],
    },
  });
  map.addLayer({
    id: "vessels",
    type: "symbol",
    source: "vessels",
    layout: {
      "icon-image": ["get", "_icon"],
      "icon-rotate": ["get", "_rot"],
      "icon-rotation-alignment": "map",
      "icon-allow-overlap": true,
      "icon-ignore-placement": true,
      "icon-size": ["interpolate", ["linear"], ["zoom"], 3, 0.6, 6, 0.85, 10, 1.1],
      "symbol-sort-key": ["get", "_risk"],
    },
    paint: {
      "icon-color": ["get", "_c"],
      "icon-opacity": ["get", "_fade"],
      "icon-halo-color": "#050c14",
      "icon-halo-width": 1.4,
    },
  });
  map.addLayer({
    id: "selection",
    type: "symbol",
    source: "selection",
    layout: {
      "icon-image": "vessel-ring",
      "icon-allow-overlap": true,
      "icon-ignore-placement": true,
      "icon-size": ["interpolate", ["linear"], ["zoom"], 3, 1.1, 10, 1.5],
    },
    paint: { "icon-color": ["coalesce", ["get", "_c"], "#ffffff"], "icon-halo-color": "#050c14", "icon-halo-width": 1 },
  });
}

function set(map: MLMap, id: string, data: GeoJSON.FeatureCollection): void {
  (map.getSource(id) as GeoJSONSource | undefined)?.setData(data);
}

/** Course to draw: course over ground under way, else heading, else none. */
export function course(p: { sog?: unknown; cog?: unknown; heading?: unknown }): number | null {
  const sog = typeof p.sog === "number" ? p.sog : 0;
  if (sog >= 0.5 && typeof p.cog === "number" && p.cog >= 0 && p.cog < 360) return p.cog;
  if (typeof p.heading === "number" && p.heading >= 0 && p.heading < 360) return p.heading;
  return null;
}

export function vesselColor(p: { shiptype?: unknown; risk?: unknown }, by: ColorBy): string {
  return by === "risk" ? riskColor(Number(p.risk) || 0) : CATEGORY_COLORS[category(p.shiptype)];
}

/**
 * Sets the vessels drawn. fade(f) in 0..1 dims vessels not heard for a
 * while (live) or between fixes (replay).
 */
export function setVessels(map: MLMap, list: VesselFeature[], by: ColorBy, fade: (f: VesselFeature) => number): void {
  const features = list.map((f) => {
    const p = f.properties;
    const c = course(p);
    return {
      type: "Feature" as const,
      id: Number(p.mmsi),
      geometry: f.geometry,
      properties: {
        mmsi: p.mmsi,
        _c: vesselColor(p, by),
        _icon: c === null ? "vessel-dot" : "vessel-arrow",
        _rot: c ?? 0,
        _risk: Number(p.risk) || 0,
        _fade: fade(f),
        _listed: Array.isArray(p.lists) && p.lists.length > 0,
      },
    };
  });
  set(map, "vessels", { type: "FeatureCollection", features });
}

export interface Ring {
  lon: number;
  lat: number;
  color: string;
}

export function setSelection(map: MLMap, rings: Ring[]): void {
  set(map, "selection", {
    type: "FeatureCollection",
    features: rings.map((r) => ({ type: "Feature", properties: { _c: r.color }, geometry: { type: "Point", coordinates: [r.lon, r.lat] } })),
  });
}

export interface TrackPart {
  role: "main" | "other";
  fixes: Fix[];
}

/** Draws tracks; with cursor set, the part after it is dimmed. */
export function setTracks(map: MLMap, parts: TrackPart[], cursor?: number): void {
  const features: GeoJSON.Feature[] = [];
  for (const { role, fixes } of parts) {
    if (!fixes.length) continue;
    const split = cursor === undefined ? fixes.length : fixes.findIndex((f) => f.t > cursor);
    const cut = split < 0 ? fixes.length : split;
    const past = fixes.slice(0, cut);
    const future = fixes.slice(Math.max(0, cut - 1));
    for (const [part, fx] of [["past", past], ["future", future]] as const) {
      if (fx.length >= 2)
        features.push(...lines(fx).map((coords) => ({
          type: "Feature" as const,
          properties: { role, part },
          geometry: { type: "LineString" as const, coordinates: coords },
        })));
    }
    fixes.forEach((f, i) =>
      features.push({
        type: "Feature",
        properties: { role, part: i < cut ? "past" : "future" },
        geometry: { type: "Point", coordinates: [f.lon, f.lat] },
      }),
    );
  }
  set(map, "track", { type: "FeatureCollection", features });
}

/**
 * Splits a track where it crosses the antimeridian, so a Pacific crossing
 * is not drawn around the world.
 */
function lines(fx: Fix[]): [number, number][][] {
  const out: [number, number][][] = [[]];
  let prev: Fix | null = null;
  for (const f of fx) {
    if (prev && Math.abs(f.lon - prev.lon) > 180) out.push([]);
    out[out.length - 1].push([f.lon, f.lat]);
    prev = f;
  }
  return out.filter((l) => l.length >= 2);
}

/** Draws the listed events; active ones (by id) are drawn larger. */
export function setEvents(map: MLMap, list: PicketEvent[], active: (e: PicketEvent) => boolean, hl: string | null): void {
  const features: GeoJSON.Feature[] = [];
  for (const e of list) {
    const c = EVENT_COLORS[e.type] ?? "#cccccc";
    const props = { id: e.id, _c: c, _active: active(e), _hl: e.id === hl };
    if (!hasPosition(e)) continue;
    if (e.type === "gap" && isFinite(e.end_lat as number) && isFinite(e.end_lon as number))
      features.push({ type: "Feature", properties: props, geometry: { type: "LineString", coordinates: [[e.lon!, e.lat!], [e.end_lon!, e.end_lat!]] } });
    features.push({ type: "Feature", properties: props, geometry: { type: "Point", coordinates: [e.lon!, e.lat!] } });
  }
  set(map, "events", { type: "FeatureCollection", features });
}

export function setHighlight(map: MLMap, e: PicketEvent | null): void {
  const features: GeoJSON.Feature[] = [];
  if (e && hasPosition(e)) {
    const c = EVENT_COLORS[e.type] ?? "#ffffff";
    features.push({ type: "Feature", properties: { _c: c }, geometry: { type: "Point", coordinates: [e.lon!, e.lat!] } });
    if (isFinite(e.end_lat as number) && isFinite(e.end_lon as number)) {
      features.push({ type: "Feature", properties: { _c: c }, geometry: { type: "Point", coordinates: [e.end_lon!, e.end_lat!] } });
      features.push({ type: "Feature", properties: { _c: c }, geometry: { type: "LineString", coordinates: [[e.lon!, e.lat!], [e.end_lon!, e.end_lat!]] } });
    }
  }
  set(map, "highlight", { type: "FeatureCollection", features });
}

export interface Link {
  a: [number, number];
  b: [number, number];
  kind: string;
}

/** Draws links; several between one pair are drawn side by side. */
export function setNetwork(map: MLMap, links: Link[]): void {
  const pairs = new Map<string, number>();
  const key = (l: Link) => [l.a.join(), l.b.join()].sort().join("|");
  for (const l of links) pairs.set(key(l), (pairs.get(key(l)) ?? 0) + 1);
  const seen = new Map<string, number>();
  set(map, "network", {
    type: "FeatureCollection",
    features: links.map((l) => {
      const k = key(l);
      const i = seen.get(k) ?? 0;
      seen.set(k, i + 1);
      return {
        type: "Feature",
        properties: { kind: l.kind, _c: LINK_COLORS[l.kind] ?? "#ffe14d", _off: (i - (pairs.get(k)! - 1) / 2) * 5 },
        geometry: { type: "LineString", coordinates: [l.a, l.b] },
      };
    }),
  });
}

export { EVENT_COLORS };

// The offline basemap: Natural Earth 1:50m countries from world-atlas,
// drawn as a dark nautical chart (deep water, dark land, pale coastline,
// dashed borders, a graticule). No glyphs, sprites or tiles are needed,
// so the map works with no network at all. An online raster tile URL from
// /api/config can be shown over it instead.
import * as topojson from "topojson-client";
import type { LayerSpecification, RasterSourceSpecification, StyleSpecification } from "maplibre-gl";

export const BASEMAP_URL = "countries-50m.json";

export const SEA = "#081623";

export function style(tiles?: string, attribution?: string): StyleSpecification {
  const s: StyleSpecification = {
    version: 8,
    sources: {
      countries: { type: "geojson", data: { type: "FeatureCollection", features: [] } },
      coast: { type: "geojson", data: { type: "FeatureCollection", features: [] } },
      borders: { type: "geojson", data: { type: "FeatureCollection", features: [] } },
      graticule: { type: "geojson", data: graticule() },
    },
    layers: [
      { id: "sea", type: "background", paint: { "background-color": SEA } },
      {
        id: "graticule",
        type: "line",
        source: "graticule",
        paint: {
          "line-color": "#16324a",
          "line-width": ["interpolate", ["linear"], ["zoom"], 2, 0.5, 8, 1],
          "line-opacity": ["case", ["==", ["%", ["get", "v"], 10], 0], 0.9, 0.45],
        },
      },
      {
        id: "land",
        type: "fill",
        source: "countries",
        paint: { "fill-color": "#222d37", "fill-antialias": true },
      },
      {
        id: "coast-glow",
        type: "line",
        source: "coast",
        paint: {
          "line-color": "#2f6c8f",
          "line-width": ["interpolate", ["linear"], ["zoom"], 2, 1.5, 10, 5],
          "line-opacity": 0.18,
          "line-blur": 2,
        },
      },
      {
        id: "coastline",
        type: "line",
        source: "coast",
        paint: {
          "line-color": "#5d8fae",
          "line-width": ["interpolate", ["linear"], ["zoom"], 2, 0.5, 10, 1.3],
        },
      },
      {
        id: "borders",
        type: "line",
        source: "borders",
        paint: {
          "line-color": "#4a5c6c",
          "line-width": ["interpolate", ["linear"], ["zoom"], 2, 0.4, 10, 1],
          "line-dasharray": [3, 2],
        },
      },
    ],
  };
  if (tiles) {
    s.sources.tiles = tilesSource(tiles, attribution);
    s.layers.splice(1, 0, TILES_LAYER);
  }
  return s;
}

/**
 * Adds the online tiles to a map made without them: a server that keeps
 * its configuration for logged-in users tells them after the login.
 */
export function addTiles(map: import("maplibre-gl").Map, tiles: string, attribution?: string): void {
  if (map.getSource("tiles")) return;
  map.addSource("tiles", tilesSource(tiles, attribution));
  map.addLayer(TILES_LAYER, "graticule");
}

function tilesSource(tiles: string, attribution?: string): RasterSourceSpecification {
  return { type: "raster", tiles: [tiles], tileSize: 256, attribution: attribution ?? "", maxzoom: 19 };
}

/** Above the sea, under the chart's own land, hidden until chosen. */
const TILES_LAYER: LayerSpecification = {
  id: "tiles",
  type: "raster",
  source: "tiles",
  layout: { visibility: "none" },
  paint: { "raster-opacity": 0.85, "raster-saturation": -0.6, "raster-brightness-max": 0.7 },
};

/** The countries of the chart, once loaded (their names label the map). */
export let countries: GeoJSON.Feature[] = [];

/** Loads the TopoJSON and fills the land, coastline and border sources. */
export async function load(map: import("maplibre-gl").Map): Promise<void> {
  const r = await fetch(BASEMAP_URL);
  if (!r.ok) throw new Error(`basemap: HTTP ${r.status}`);
  const topo: any = await r.json();
  const obj = topo.objects.countries;
  const land = topojson.feature(topo, obj) as any;
  const coast = topojson.mesh(topo, obj, (a: unknown, b: unknown) => a === b);
  const borders = topojson.mesh(topo, obj, (a: unknown, b: unknown) => a !== b);
  for (const f of land.features) f.geometry = unwrapPolygons(f.geometry);
  (map.getSource("countries") as any).setData(land);
  countries = land.features;
  (map.getSource("coast") as any).setData({ type: "Feature", properties: {}, geometry: splitLines(coast) });
  (map.getSource("borders") as any).setData({ type: "Feature", properties: {}, geometry: splitLines(borders) });
}

type Pos = number[];

/**
 * Makes the rings of countries that cross the antimeridian (Russia, Fiji,
 * Antarctica) continuous. world-atlas gives their rings jumping from 180°
 * to -180°: such a ring spans every longitude, and its fill painted bands
 * of land over the sea (and sea over land) along tile edges at high
 * latitudes. Continuous, a ring runs past ±180° and MapLibre's tiler wraps
 * it onto the other side. A ring around a pole (it crosses once) is closed
 * along the pole; a ring that lies on the pole (Antarctica's first) is
 * dropped.
 */
export function unwrapPolygons(g: GeoJSON.Geometry | null): GeoJSON.Geometry | null {
  if (!g || (g.type !== "Polygon" && g.type !== "MultiPolygon")) return g;
  const polys: Pos[][][] = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
  const out: Pos[][][] = [];
  for (const p of polys) {
    const rings = p.map(unwrapRing).filter((r): r is Pos[] => r !== null);
    if (rings.length) out.push(rings);
  }
  return { type: "MultiPolygon", coordinates: out };
}

function unwrapRing(r: Pos[]): Pos[] | null {
  if (r.every((c) => Math.abs(c[1]) >= 89.999)) return null;
  const out: Pos[] = [r[0]];
  let shift = 0;
  for (let i = 1; i < r.length; i++) {
    const d = r[i][0] - r[i - 1][0];
    if (d > 180) shift -= 360;
    else if (d < -180) shift += 360;
    out.push([r[i][0] + shift, r[i][1]]);
  }
  if (shift !== 0) {
    // Around a pole: back along it to the start.
    const south = r.reduce((s, c) => s + c[1], 0) < 0;
    const pole = south ? -90 : 90;
    out.push([out[out.length - 1][0], pole], [out[0][0], pole], out[0]);
  }
  return out;
}

/** Cuts lines where they jump across the antimeridian, so that no line crosses the whole map. */
export function splitLines(g: GeoJSON.MultiLineString): GeoJSON.MultiLineString {
  const out: Pos[][] = [];
  for (const l of g.coordinates) {
    let cur: Pos[] = [l[0]];
    for (let i = 1; i < l.length; i++) {
      if (Math.abs(l[i][0] - l[i - 1][0]) > 180) {
        if (cur.length > 1) out.push(cur);
        cur = [];
      }
      cur.push(l[i]);
    }
    if (cur.length > 1) out.push(cur);
  }
  return { type: "MultiLineString", coordinates: out };
}

/** Lines every 5 degrees; v is the line's value for styling tens. */
function graticule(): GeoJSON.FeatureCollection {
  const features: GeoJSON.Feature[] = [];
  for (let lon = -180; lon <= 180; lon += 5) {
    const coords: [number, number][] = [];
    for (let lat = -80; lat <= 80; lat += 2) coords.push([lon, lat]);
    features.push({ type: "Feature", properties: { v: lon }, geometry: { type: "LineString", coordinates: coords } });
  }
  for (let lat = -80; lat <= 80; lat += 5) {
    const coords: [number, number][] = [];
    for (let lon = -180; lon <= 180; lon += 2) coords.push([lon, lat]);
    features.push({ type: "Feature", properties: { v: lat }, geometry: { type: "LineString", coordinates: coords } });
  }
  return { type: "FeatureCollection", features };
}

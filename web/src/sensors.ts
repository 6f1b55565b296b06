// The sensors layer, switched on from the Layers box: satellite
// detections (matched to an AIS vessel or dark; SAR a filled dot, VIIRS
// night lights a ring), the footprints of the scenes they came from, and
// each radar feed's coverage (a circle of its range around its site or
// ship). All of it is what the user's partner is cleared for: the API
// filters it (docs/api.md, Satellite detections). A click on a detection
// says what it is; a dark one lists its candidates, the vessels in an AIS
// gap that could have been there, each a link to the vessel, and opens
// its dark_vessel event when the events list has it.
import { Popup, type Map as MLMap, type GeoJSONSource, type MapMouseEvent } from "maplibre-gl";
import * as api from "./api";
import type { BBox } from "./api";
import { esc } from "./fmt";

const EMPTY: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: [] };

/** The map layers of the sensors layer, bottom to top. */
export const SENSOR_LAYERS = ["sensor-scenes", "sensor-scenes-line", "sensor-radars", "sensor-radar-sites", "sensor-detections"];

export const DETECTION_COLORS = { matched: "#3fd08a", dark: "#ff4fd8" };

export interface SensorActions {
  /** Selects a vessel (a candidate, a matched detection's vessel). */
  vessel(mmsi: number): void;
  /** Opens an event (a dark detection's dark_vessel). */
  event(id: string): void;
}

interface DetectionProps {
  feed: string;
  time: string;
  sensor: string;
  status: "matched" | "dark";
  scene?: string;
  id?: string;
  mmsi?: number;
  distance_m?: number;
  length_m?: number;
  score?: number;
  low_score?: boolean;
  candidates?: number[];
  event?: string;
}

const bboxParam = (b: BBox) => b.map((v) => +v.toFixed(4)).join(",");

export class SensorLayers {
  /** What the last answers held, for the legend. */
  counts = { matched: 0, dark: 0, scenes: 0, radars: 0, truncated: false };
  private popup = new Popup({ closeButton: true, className: "detection-pop", maxWidth: "300px" });

  constructor(private map: MLMap, beforeId: string, private actions: SensorActions) {
    for (const id of ["sensor-scenes", "sensor-radars", "sensor-detections"]) map.addSource(id, { type: "geojson", data: EMPTY });
    const hidden = { visibility: "none" as const };
    map.addLayer({ id: "sensor-scenes", type: "fill", source: "sensor-scenes", layout: hidden,
      paint: { "fill-color": "#f0c040", "fill-opacity": 0.06 } }, beforeId);
    map.addLayer({ id: "sensor-scenes-line", type: "line", source: "sensor-scenes", layout: hidden,
      paint: { "line-color": "#f0c040", "line-width": 1.2, "line-opacity": 0.8, "line-dasharray": [3, 2] } }, beforeId);
    map.addLayer({ id: "sensor-radars", type: "line", source: "sensor-radars", filter: ["==", ["geometry-type"], "Polygon"], layout: hidden,
      paint: { "line-color": "#6fb8ff", "line-width": 1.2, "line-opacity": 0.8 } }, beforeId);
    map.addLayer({ id: "sensor-radar-sites", type: "circle", source: "sensor-radars", filter: ["==", ["geometry-type"], "Point"], layout: hidden,
      paint: { "circle-radius": 4, "circle-color": "#6fb8ff", "circle-stroke-color": "#071019", "circle-stroke-width": 1 } }, beforeId);
    // SAR: a filled dot; VIIRS: a ring. Matched green, dark magenta.
    map.addLayer({ id: "sensor-detections", type: "circle", source: "sensor-detections", layout: hidden,
      paint: {
        "circle-radius": ["interpolate", ["linear"], ["zoom"], 3, 3, 10, 6],
        "circle-color": ["get", "_c"],
        "circle-opacity": ["match", ["get", "sensor"], "viirs", 0, ["case", ["get", "low_score"], 0.35, 0.85]],
        "circle-stroke-color": ["match", ["get", "sensor"], "viirs", ["get", "_c"], "#071019"],
        "circle-stroke-width": ["match", ["get", "sensor"], "viirs", 2.5, 1],
      } }, beforeId);
    map.on("click", "sensor-detections", (e) => this.click(e));
    map.on("mouseenter", "sensor-detections", () => (map.getCanvas().style.cursor = "pointer"));
    map.on("mouseleave", "sensor-detections", () => (map.getCanvas().style.cursor = ""));
  }

  show(on: boolean): void {
    for (const id of SENSOR_LAYERS) this.map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
    if (!on) this.popup.remove();
  }

  /** Asks for what lies in box b. */
  async load(b: BBox, signal: AbortSignal): Promise<void> {
    const q = `bbox=${bboxParam(b)}`;
    const [dets, scenes, radars] = await Promise.all([
      api.getJSON<GeoJSON.FeatureCollection & { truncated?: boolean }>(`/api/detections?${q}`, signal),
      api.getJSON<GeoJSON.FeatureCollection>(`/api/scenes?${q}`, signal),
      api.getJSON<GeoJSON.FeatureCollection>("/api/layers/radars", signal),
    ]);
    for (const f of dets.features) {
      const p = f.properties as DetectionProps;
      (p as any)._c = DETECTION_COLORS[p.status] ?? "#cccccc";
      // maplibre keeps arrays of properties as JSON text: keep them whole.
      (p as any)._cands = JSON.stringify(p.candidates ?? []);
    }
    this.counts = {
      matched: dets.features.filter((f) => f.properties?.status === "matched").length,
      dark: dets.features.filter((f) => f.properties?.status === "dark").length,
      scenes: scenes.features.length,
      radars: radars.features.length,
      truncated: !!dets.truncated,
    };
    (this.map.getSource("sensor-detections") as GeoJSONSource).setData(dets);
    (this.map.getSource("sensor-scenes") as GeoJSONSource).setData(scenes);
    (this.map.getSource("sensor-radars") as GeoJSONSource).setData(coverage(radars));
  }

  /** The session ended: nothing of the partner's stays drawn. */
  forget(): void {
    this.popup.remove();
    this.counts = { matched: 0, dark: 0, scenes: 0, radars: 0, truncated: false };
    for (const id of ["sensor-scenes", "sensor-radars", "sensor-detections"]) (this.map.getSource(id) as GeoJSONSource).setData(EMPTY);
  }

  legend(): string {
    const c = this.counts;
    return (
      `<div class="lg"><i class="dot det-matched"></i>matched to AIS<i class="dot det-dark"></i>dark<i class="dot det-viirs"></i>VIIRS light (ring)</div>` +
      `<div class="lg"><i class="ln" style="border-color:#f0c040"></i>scene footprint<i class="ln" style="border-color:#6fb8ff"></i>radar coverage</div>` +
      `<div class="muted small" id="sensor-counts">${c.matched} matched, ${c.dark} dark detections${c.truncated ? " (more: zoom in)" : ""}, ${c.scenes} scenes, ${c.radars} radars your partner may see.</div>`
    );
  }

  private click(e: MapMouseEvent & { features?: GeoJSON.Feature[] }): void {
    const f = e.features?.[0];
    if (!f) return;
    const p = f.properties as DetectionProps & { _cands?: string };
    const cands: number[] = JSON.parse(p._cands ?? "[]");
    const rows = [
      `<b>${esc(p.sensor.toUpperCase())} detection, ${p.status === "dark" ? "dark" : "matched to AIS"}</b>`,
      `<span class="muted">${esc(String(p.time).slice(0, 19).replace("T", " "))}Z · ${esc(p.feed)}${p.scene ? ` · scene ${esc(p.scene)}` : ""}</span>`,
    ];
    if (p.length_m) rows.push(`length ~${Math.round(p.length_m)} m`);
    if (p.score !== undefined && p.score !== null) rows.push(`score ${(+p.score).toFixed(2)}${p.low_score ? " (too low to report)" : ""}`);
    if (p.status === "matched")
      rows.push(p.mmsi ? `<a href="#" data-mmsi="${p.mmsi}">${p.mmsi}</a>, ${Math.round(p.distance_m ?? 0)} m off` : "a vessel your partner does not see");
    else if (cands.length)
      rows.push(`could be: <span class="cands">${cands.map((m) => `<a href="#" data-mmsi="${m}" class="cand">${m}</a>`).join(", ")}</span>`);
    else rows.push(`<span class="cands muted">no vessel in an AIS gap could have been there</span>`);
    if (p.event) rows.push(`<a href="#" data-event="${esc(p.event)}">the dark vessel event</a>`);
    const el = document.createElement("div");
    el.className = "detection";
    el.innerHTML = rows.join("<br>");
    el.addEventListener("click", (ev) => {
      const a = (ev.target as HTMLElement).closest("a");
      if (!a) return;
      ev.preventDefault();
      if (a.dataset.mmsi) this.actions.vessel(Number(a.dataset.mmsi));
      if (a.dataset.event) this.actions.event(a.dataset.event);
    });
    this.popup.setLngLat(e.lngLat).setDOMContent(el).addTo(this.map);
  }
}

/** Each radar as its site and a circle of its range (a 64-gon). */
export function coverage(fc: GeoJSON.FeatureCollection): GeoJSON.FeatureCollection {
  const out: GeoJSON.Feature[] = [];
  for (const f of fc.features) {
    const [lon, lat] = (f.geometry as GeoJSON.Point).coordinates;
    const r = Number(f.properties?.range_m) || 0;
    out.push(f);
    if (r <= 0) continue;
    const ring: [number, number][] = [];
    const dLat = r / 111_320;
    const dLon = dLat / Math.max(0.01, Math.cos((lat * Math.PI) / 180));
    for (let i = 0; i <= 64; i++) {
      const a = (i / 64) * 2 * Math.PI;
      ring.push([lon + dLon * Math.sin(a), lat + dLat * Math.cos(a)]);
    }
    out.push({ type: "Feature", properties: f.properties, geometry: { type: "Polygon", coordinates: [ring] } });
  }
  return { type: "FeatureCollection", features: out };
}

// The map's context layers, each switched on from the Layers box: ports
// and anchorages, maritime limits (territorial seas, contiguous zones,
// EEZs, boundaries), place names, and the traffic density of the
// positions the user's partner may see (vessel-hours per cell, as Global
// Fishing Watch's presence maps), so that a vessel where traffic never
// goes stands out; a time control shows one UTC hour of day at a time, so
// that one where traffic seldom goes at that hour stands out too. Everything comes from picket's own API: no network
// beyond it is needed.
import { Marker, Popup, type Map as MLMap, type GeoJSONSource } from "maplibre-gl";
import * as api from "./api";
import type { BBox } from "./api";
import { esc } from "./fmt";
import { SensorLayers, type SensorActions } from "./sensors";

const EMPTY: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: [] };

export type LayerName = "ports" | "boundaries" | "names" | "density" | "sensors";

export const LAYER_LABELS: Record<LayerName, string> = {
  ports: "Ports & anchorages",
  boundaries: "Maritime limits",
  names: "Place names",
  density: "Traffic density",
  sensors: "Detections, scenes & radars",
};

export const BOUNDARY_COLORS: Record<string, string> = {
  territorial_sea: "#7fb8d8",
  contiguous_zone: "#5fa08a",
  eez: "#e0a040",
  boundary: "#d070c0",
};

const BOUNDARY_LABELS: Record<string, string> = {
  territorial_sea: "territorial sea (12 nm)",
  contiguous_zone: "contiguous zone",
  eez: "EEZ (US, Australia)",
  boundary: "boundary between states",
};

/** Anchorages are asked for from this zoom, in the view. */
const ANCHORAGE_ZOOM = 8;
/** Port names are drawn from this zoom; country names up to the next. */
const PORT_NAME_ZOOM = 7;
const COUNTRY_NAME_MAX_ZOOM = 8;
/** Place names drawn at most. */
const MAX_NAMES = 80;

interface DensityAnswer {
  cell: number;
  from: string;
  to: string;
  hours: number;
  positions: number;
  vessels: number;
  max_vessel_hours: number;
  cells: { lon: number; lat: number; vessel_hours: number; vessels: number; positions: number; by_hour?: number[] }[];
}

const hh = (h: number) => `${String(h).padStart(2, "0")}:00–${String(h).padStart(2, "0")}:59 UTC`;

/** Country label points, from the basemap's countries: name and where. */
export interface Place {
  name: string;
  lon: number;
  lat: number;
  /** Longitude span of the country's largest part: large ones show first. */
  span: number;
}

const bboxParam = (b: BBox) => b.map((v) => +v.toFixed(4)).join(",");

export class ContextLayers {
  on: Record<LayerName, boolean> = { ports: false, boundaries: false, names: false, density: false, sensors: false };
  private sensors: SensorLayers;
  private sensorBox: BBox | null = null;
  private ports: GeoJSON.Feature[] | null = null;
  private boundariesLoaded = false;
  private anchorBox: BBox | null = null;
  private density: DensityAnswer | null = null;
  /** The UTC hour of day the density shows; null: every hour. */
  private hour: number | null = null;
  private abort: AbortController | null = null;
  private names = new Map<string, Marker>();
  private moveTimer = 0;
  /** Whether a session may read the API (false between sessions). */
  private live = false;

  constructor(
    private map: MLMap,
    private box: HTMLElement,
    button: HTMLElement,
    private viewBox: (pad: number) => BBox,
    private places: () => Place[],
    beforeId: string,
    actions: SensorActions,
  ) {
    this.sensors = new SensorLayers(map, beforeId, actions);
    for (const id of ["ctx-density", "ctx-boundaries", "ctx-ports", "ctx-anchorages"])
      map.addSource(id, { type: "geojson", data: EMPTY });
    map.addLayer({
      id: "ctx-density",
      type: "fill",
      source: "ctx-density",
      layout: { visibility: "none" },
      paint: {
        "fill-color": ["interpolate", ["linear"], ["get", "_r"], 0, "#123a5c", 0.35, "#1f7fa8", 0.7, "#5fd0c0", 1, "#f4f0a0"],
        "fill-opacity": ["interpolate", ["linear"], ["get", "_r"], 0, 0.35, 1, 0.75],
        "fill-antialias": false,
      },
    }, beforeId);
    map.addLayer({
      id: "ctx-boundaries",
      type: "line",
      source: "ctx-boundaries",
      layout: { visibility: "none", "line-join": "round" },
      paint: {
        "line-color": ["match", ["get", "kind"], ...Object.entries(BOUNDARY_COLORS).flat(), "#7fb8d8"] as any,
        "line-width": ["match", ["get", "kind"], "eez", 1.6, "boundary", 1.4, 1],
        "line-opacity": 0.85,
        "line-dasharray": ["match", ["get", "kind"], "territorial_sea", ["literal", [4, 3]], "contiguous_zone", ["literal", [1, 2]], ["literal", [1, 0]]] as any,
      },
    }, beforeId);
    map.addLayer({
      id: "ctx-anchorages",
      type: "circle",
      source: "ctx-anchorages",
      minzoom: ANCHORAGE_ZOOM,
      layout: { visibility: "none" },
      paint: { "circle-radius": 2, "circle-color": "#9a8cd8", "circle-opacity": 0.7 },
    }, beforeId);
    map.addLayer({
      id: "ctx-ports",
      type: "circle",
      source: "ctx-ports",
      layout: { visibility: "none" },
      paint: {
        "circle-radius": ["interpolate", ["linear"], ["zoom"], 2, 1.5, 8, 4],
        "circle-color": "#0b1620",
        "circle-stroke-color": "#c8b6ff",
        "circle-stroke-width": ["interpolate", ["linear"], ["zoom"], 2, 1, 8, 2],
      },
    }, beforeId);
    // A density cell says what it holds under the pointer: how usual
    // traffic is there.
    const tip = new Popup({ closeButton: false, closeOnClick: false, className: "density-tip", offset: 10 });
    map.on("mousemove", "ctx-density", (e) => {
      const p = e.features?.[0]?.properties;
      const d = this.density;
      if (!p || !d) return;
      const days = d.hours / 24;
      const span = days >= 1 ? `${+days.toFixed(1)} d` : `${+d.hours.toFixed(1)} h`;
      if (this.hour !== null) {
        // At one hour of day: how this hour compares with the cell's others.
        const mean = p.all / 24;
        tip.setLngLat(e.lngLat).setHTML(
          `<b>${p.vh}</b> vessel-hours at ${hh(this.hour)} in ${span}<br>` +
            `<span class="muted">${d.cell}° cell; ${mean > 0 ? `${(p.vh / mean).toFixed(1)}× its mean hour` : "no traffic at other hours"} (${p.all} vessel-hours in all)</span>`,
        ).addTo(map);
        return;
      }
      tip.setLngLat(e.lngLat).setHTML(
        `<b>${p.vh}</b> vessel-hours in ${span} · ${p.vessels} vessel${p.vessels === 1 ? "" : "s"}<br>` +
          `<span class="muted">${d.cell}° cell; mean ${(p.vh / d.hours).toFixed(2)} vessels at a time</span>`,
      ).addTo(map);
    });
    map.on("mouseleave", "ctx-density", () => tip.remove());
    button.addEventListener("click", () => {
      box.hidden = !box.hidden;
      button.classList.toggle("on", !box.hidden);
    });
    this.renderBox();
    map.on("moveend", () => {
      clearTimeout(this.moveTimer);
      this.moveTimer = window.setTimeout(() => this.refresh(), 300);
    });
  }

  /** A session began: draw what is switched on, for it. */
  begin(): void {
    this.live = true;
    this.refresh(true);
  }

  /**
   * The session ended: drop the density, which is the partner's own, and
   * stop asking. Reference layers stay loaded: they are the same for all.
   */
  forget(): void {
    this.live = false;
    this.abort?.abort();
    this.density = null;
    this.densityBox = null;
    (this.map.getSource("ctx-density") as GeoJSONSource).setData(EMPTY);
    this.sensors.forget();
    this.sensorBox = null;
    this.renderBox();
  }

  set(name: LayerName, on: boolean): void {
    this.on[name] = on;
    const vis = on ? "visible" : "none";
    const ids: Record<LayerName, string[]> = {
      ports: ["ctx-ports", "ctx-anchorages"],
      boundaries: ["ctx-boundaries"],
      names: [],
      density: ["ctx-density"],
      sensors: [],
    };
    for (const id of ids[name]) this.map.setLayoutProperty(id, "visibility", vis);
    if (name === "sensors") this.sensors.show(on);
    this.renderBox();
    this.refresh(true);
  }

  private async refresh(force = false): Promise<void> {
    this.drawNames();
    if (!this.live) return;
    this.abort?.abort();
    const ac = new AbortController();
    this.abort = ac;
    delete document.body.dataset.layersBusy; // an aborted refresh leaves it to this one
    const errors: string[] = [];
    const tasks: Promise<void>[] = [];
    const z = this.map.getZoom();
    if (this.on.ports || this.on.names) {
      if (!this.ports)
        tasks.push(
          api.getJSON<GeoJSON.FeatureCollection>("/api/layers/ports?kind=port", ac.signal).then((fc) => {
            this.ports = fc.features;
            (this.map.getSource("ctx-ports") as GeoJSONSource).setData(fc);
          }),
        );
      const b = this.viewBox(0.25);
      if (this.on.ports && z >= ANCHORAGE_ZOOM && !inside(b, this.anchorBox))
        tasks.push(
          api.getJSON<GeoJSON.FeatureCollection & { truncated?: boolean }>(`/api/layers/ports?kind=anchorage&bbox=${bboxParam(b)}`, ac.signal).then((fc) => {
            this.anchorBox = fc.truncated ? null : b;
            (this.map.getSource("ctx-anchorages") as GeoJSONSource).setData(fc);
          }),
        );
    }
    if (this.on.boundaries && !this.boundariesLoaded)
      tasks.push(
        api.getJSON<GeoJSON.FeatureCollection>("/api/layers/boundaries", ac.signal).then((fc) => {
          this.boundariesLoaded = true;
          (this.map.getSource("ctx-boundaries") as GeoJSONSource).setData(fc);
        }),
      );
    const view = this.viewBox(0);
    const dz = Math.round(z);
    if (this.on.density && (force || !this.density || !inside(view, this.densityBox) || dz !== this.densityZoom)) {
      const ask = this.viewBox(0.25);
      tasks.push(
        api.getJSON<DensityAnswer>(`/api/layers/density?bbox=${bboxParam(ask)}&profile=hour`, ac.signal).then((d) => {
          this.density = d;
          this.densityBox = ask;
          this.densityZoom = dz;
          this.drawDensity();
        }),
      );
    }
    if (this.on.sensors && (force || !inside(view, this.sensorBox))) {
      const ask = this.viewBox(0.25);
      tasks.push(this.sensors.load(ask, ac.signal).then(() => void (this.sensorBox = ask)));
    }
    if (!tasks.length) return;
    document.body.dataset.layersBusy = "1";
    for (const r of await Promise.allSettled(tasks))
      if (r.status === "rejected" && !api.quiet(r.reason)) errors.push(String(r.reason?.message ?? r.reason));
    if (ac.signal.aborted) return;
    delete document.body.dataset.layersBusy;
    this.error = errors.join("; ");
    this.drawNames();
    this.renderBox();
  }

  /** Draws the density at the hour chosen (or of every hour). */
  private drawDensity(): void {
    const d = this.density;
    (this.map.getSource("ctx-density") as GeoJSONSource).setData(d ? densityFeatures(d, this.hour) : EMPTY);
  }

  /** Shows the density of one UTC hour of day (null: every hour). */
  setHour(hour: number | null): void {
    this.hour = hour;
    this.drawDensity();
    const label = this.box.querySelector<HTMLElement>("#density-hour-label");
    if (label) label.textContent = hour === null ? "every hour" : hh(hour);
    const scale = this.box.querySelector<HTMLElement>("#density-scale");
    if (scale && this.density) scale.textContent = densityScale(this.density, hour);
  }

  private error = "";
  private densityBox: BBox | null = null;
  private densityZoom = NaN;

  /** Country names at small scales, port names at large ones, in HTML (the map has no glyphs). */
  private drawNames(): void {
    const want = new Map<string, { text: string; lon: number; lat: number; cls: string }>();
    if (this.on.names) {
      const z = this.map.getZoom();
      const b = this.map.getBounds();
      const w = this.map.getContainer().clientWidth;
      const degPerPx = (b.getEast() - b.getWest()) / Math.max(1, w);
      if (z < COUNTRY_NAME_MAX_ZOOM)
        for (const p of this.places()) {
          if (want.size >= MAX_NAMES) break;
          if (p.span / degPerPx >= 40 && b.contains([p.lon, p.lat])) want.set(`c:${p.name}`, { text: p.name, lon: p.lon, lat: p.lat, cls: "country" });
        }
      if (z >= PORT_NAME_ZOOM && this.ports)
        for (const f of this.ports) {
          if (want.size >= MAX_NAMES) break;
          const [lon, lat] = (f.geometry as GeoJSON.Point).coordinates;
          const name = String(f.properties?.name ?? "");
          if (name && b.contains([lon, lat])) want.set(`p:${name}@${lon},${lat}`, { text: name, lon, lat, cls: "port" });
        }
    }
    for (const [k, m] of this.names)
      if (!want.has(k)) {
        m.remove();
        this.names.delete(k);
      }
    for (const [k, l] of want) {
      if (this.names.has(k)) continue;
      const el = document.createElement("div");
      el.className = `plabel ${l.cls}`;
      el.textContent = l.text;
      el.dataset.place = l.text;
      this.names.set(k, new Marker({ element: el, anchor: l.cls === "port" ? "left" : "center", offset: l.cls === "port" ? [7, 0] : [0, 0] }).setLngLat([l.lon, l.lat]).addTo(this.map));
    }
  }

  /** The Layers box: a switch per layer, the legend of those on. */
  private renderBox(): void {
    const rows = (Object.keys(LAYER_LABELS) as LayerName[]).map(
      (n) => `<label class="check"><input type="checkbox" data-layer="${n}"${this.on[n] ? " checked" : ""}> ${LAYER_LABELS[n]}</label>`,
    );
    const legend: string[] = [];
    if (this.on.ports) legend.push(`<div class="lg"><i class="dot port"></i>port (World Port Index)<i class="dot anch"></i>anchorage, from zoom ${ANCHORAGE_ZOOM} (GFW)</div>`);
    if (this.on.boundaries)
      legend.push(
        `<div class="lg">${Object.entries(BOUNDARY_LABELS).map(([k, v]) => `<span><i class="ln ${k}" style="border-color:${BOUNDARY_COLORS[k]}"></i>${v}</span>`).join("")}</div>` +
          `<div class="muted small">Territorial seas © OpenStreetMap contributors (ODbL); US: NOAA; Australia: AMSA.</div>`,
      );
    if (this.on.density) {
      const d = this.density;
      legend.push(
        d
          ? `<div class="lg"><i class="ramp"></i><span id="density-scale">${esc(densityScale(d, this.hour))}</span></div>` +
              `<label class="density-hour small">Hour of day <input type="range" id="density-hour" min="-1" max="23" step="1" value="${this.hour ?? -1}"> <span id="density-hour-label">${this.hour === null ? "every hour" : hh(this.hour)}</span></label>` +
              `<div class="muted small">${esc(d.from.slice(0, 16))}Z – ${esc(d.to.slice(0, 16))}Z: ${d.positions.toLocaleString("en")} positions of ${d.vessels} vessels your partner may see. Dark or empty cells are where traffic seldom goes.</div>`
          : `<div class="muted small">${this.live ? "counting…" : "log in to count"}</div>`,
      );
    }
    if (this.on.sensors) legend.push(this.live ? this.sensors.legend() : `<div class="muted small">log in to see detections</div>`);
    if (this.error) legend.push(`<div class="error small">${esc(this.error)}</div>`);
    this.box.innerHTML = `<div class="layers-rows">${rows.join("")}</div>${legend.join("")}`;
    for (const input of this.box.querySelectorAll<HTMLInputElement>("input[data-layer]"))
      input.addEventListener("change", () => this.set(input.dataset.layer as LayerName, input.checked));
    const slider = this.box.querySelector<HTMLInputElement>("#density-hour");
    slider?.addEventListener("input", () => this.setHour(+slider.value < 0 ? null : +slider.value));
  }
}

/** The legend's scale: vessel-hours per cell, of every hour or of one hour of day. */
function densityScale(d: DensityAnswer, hour: number | null): string {
  if (hour === null) return `0 – ${d.max_vessel_hours} vessel-hours per ${d.cell}° cell`;
  const top = d.cells.reduce((m, c) => Math.max(m, c.by_hour?.[hour] ?? 0), 0);
  return `0 – ${top} vessel-hours per ${d.cell}° cell at ${hh(hour)}`;
}

/**
 * The density's cells as polygons, each with vh, its vessel-hours (at the
 * UTC hour of day hour, when not null: a cell with none then is not
 * drawn), all, those of every hour, and _r, vh on a log scale from 0 to 1.
 */
export function densityFeatures(d: DensityAnswer, hour: number | null = null): GeoJSON.FeatureCollection {
  const vhOf = (c: DensityAnswer["cells"][number]) => (hour === null ? c.vessel_hours : (c.by_hour?.[hour] ?? 0));
  const cells = d.cells.filter((c) => vhOf(c) > 0);
  const top = Math.log1p(cells.reduce((m, c) => Math.max(m, vhOf(c)), 1));
  return {
    type: "FeatureCollection",
    features: cells.map((c) => ({
      type: "Feature",
      properties: { vh: vhOf(c), all: c.vessel_hours, vessels: c.vessels, _r: Math.log1p(vhOf(c)) / top },
      geometry: {
        type: "Polygon",
        coordinates: [[[c.lon, c.lat], [c.lon + d.cell, c.lat], [c.lon + d.cell, c.lat + d.cell], [c.lon, c.lat + d.cell], [c.lon, c.lat]]],
      },
    })),
  };
}

/** Whether box a lies inside b (b null: no). Boxes across the antimeridian are never inside. */
function inside(a: BBox, b: BBox | null): boolean {
  if (!b || a[0] > a[2] || b[0] > b[2]) return false;
  return a[0] >= b[0] && a[1] >= b[1] && a[2] <= b[2] && a[3] <= b[3];
}

/** Label points of countries: the middle of each one's largest part's box. */
export function placesOf(countries: GeoJSON.Feature[]): Place[] {
  const out: Place[] = [];
  for (const f of countries) {
    const name = String(f.properties?.name ?? "");
    const g = f.geometry;
    if (!name || !g) continue;
    const polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
    let best: Place | null = null;
    let bestArea = -1;
    for (const p of polys) {
      const ring = p[0];
      if (!ring?.length) continue;
      let w = Infinity, e = -Infinity, s = Infinity, n = -Infinity;
      for (const [x, y] of ring) {
        w = Math.min(w, x);
        e = Math.max(e, x);
        s = Math.min(s, y);
        n = Math.max(n, y);
      }
      const area = (e - w) * (n - s);
      if (area > bestArea) {
        bestArea = area;
        best = { name, lon: (w + e) / 2, lat: (s + n) / 2, span: e - w };
      }
    }
    if (best) out.push(best);
  }
  return out.sort((a, b) => b.span - a.span);
}

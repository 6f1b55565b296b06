// The measure tool: click points on the map; each leg's distance (nautical
// miles) and initial true bearing, and the total, show in a box on the
// map. The button (or M) starts and ends it; Esc ends it.
import type { Map as MLMap, GeoJSONSource, MapMouseEvent } from "maplibre-gl";
import { bearing, distanceNm } from "./geo";

const EMPTY: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: [] };

export interface Leg {
  nm: number;
  bearing: number;
}

export class Measure {
  points: [number, number][] = [];
  active = false;
  private readonly onClick = (e: MapMouseEvent) => this.add([e.lngLat.lng, e.lngLat.lat]);

  constructor(
    private map: MLMap,
    private button: HTMLElement,
    private out: HTMLElement,
    /** Tells the page a tool owns the map's clicks (or no longer does). */
    private own: (tool: "measure" | null) => void,
  ) {
    map.addSource("measure", { type: "geojson", data: EMPTY });
    map.addLayer({ id: "measure-line", type: "line", source: "measure", filter: ["==", ["geometry-type"], "LineString"],
      paint: { "line-color": "#ffe14d", "line-width": 2, "line-dasharray": [3, 2] } });
    map.addLayer({ id: "measure-points", type: "circle", source: "measure", filter: ["==", ["geometry-type"], "Point"],
      paint: { "circle-radius": 4, "circle-color": "#ffe14d", "circle-stroke-color": "#0b1620", "circle-stroke-width": 1.5 } });
    button.addEventListener("click", () => (this.active ? this.stop() : this.start()));
  }

  start(): void {
    if (this.active) return;
    this.own("measure");
    this.active = true;
    this.points = [];
    this.button.classList.add("on");
    this.map.getCanvas().style.cursor = "crosshair";
    this.map.on("click", this.onClick);
    this.render();
  }

  stop(): void {
    if (!this.active) return;
    this.active = false;
    this.points = [];
    this.button.classList.remove("on");
    this.map.getCanvas().style.cursor = "";
    this.map.off("click", this.onClick);
    this.own(null);
    this.render();
  }

  add(p: [number, number]): void {
    this.points.push(p);
    this.render();
  }

  /** Each leg's distance and bearing. */
  legs(): Leg[] {
    const out: Leg[] = [];
    for (let i = 1; i < this.points.length; i++)
      out.push({ nm: distanceNm(this.points[i - 1], this.points[i]), bearing: bearing(this.points[i - 1], this.points[i]) });
    return out;
  }

  private render(): void {
    const fs: GeoJSON.Feature[] = this.points.map((c) => ({ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: c } }));
    if (this.points.length > 1) fs.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: this.points } });
    (this.map.getSource("measure") as GeoJSONSource | undefined)?.setData({ type: "FeatureCollection", features: fs });
    this.out.hidden = !this.active;
    if (!this.active) return;
    const legs = this.legs();
    if (!legs.length) {
      this.out.innerHTML = `<b>Measure</b><div class="muted">Click points on the map. Esc ends.</div>`;
      return;
    }
    const total = legs.reduce((s, l) => s + l.nm, 0);
    const rows = legs
      .map((l, i) => `<tr><td>${i + 1}→${i + 2}</td><td class="num">${l.nm.toFixed(2)} nm</td><td class="num">${(Math.round(l.bearing) % 360).toString().padStart(3, "0")}°T</td></tr>`)
      .join("");
    this.out.innerHTML = `<b>Measure</b><table>${rows}</table><div class="total">Total <span id="measure-total">${total.toFixed(2)}</span> nm</div>`;
  }
}

// Vessel names drawn in HTML beside the map's symbols: the map has no
// glyph server, and a few dozen DOM labels are cheap and crisp.
import { Marker, type Map as MLMap } from "maplibre-gl";
import { esc } from "./fmt";

export interface Label {
  key: string;
  lon: number;
  lat: number;
  text: string;
  cls?: string;
}

export class Labels {
  private markers = new Map<string, { m: Marker; el: HTMLElement; html: string }>();
  constructor(private map: MLMap) {}

  set(list: Label[]): void {
    const keep = new Set<string>();
    for (const l of list) {
      keep.add(l.key);
      const html = esc(l.text);
      let cur = this.markers.get(l.key);
      if (!cur) {
        const el = document.createElement("div");
        el.classList.add("vlabel");
        const m = new Marker({ element: el, anchor: "left", offset: [12, 0] }).setLngLat([l.lon, l.lat]).addTo(this.map);
        cur = { m, el, html: "" };
        this.markers.set(l.key, cur);
      } else {
        cur.m.setLngLat([l.lon, l.lat]);
      }
      if (cur.html !== html) {
        cur.el.innerHTML = html;
        cur.html = html;
      }
      cur.el.classList.remove("sel", "partner", "risky", "ghost");
      if (l.cls) cur.el.classList.add(...l.cls.split(" ").filter(Boolean));
      cur.el.dataset.key = l.key.split("@")[0];
    }
    for (const [k, v] of this.markers)
      if (!keep.has(k)) {
        v.m.remove();
        this.markers.delete(k);
      }
  }
}

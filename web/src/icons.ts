// Vessel icons drawn on a canvas and added with map.addImage: no sprite
// server. They are signed distance fields (the encoding MapLibre's own
// glyphs use), so one white shape takes any icon-color per vessel and a
// dark halo that keeps it legible over land and sea alike.

const RATIO = 2; // device pixels per CSS pixel of the icon
const BUFFER = 6; // device pixels of distance field around the shape
const CUTOFF = 0.25; // MapLibre's SDF edge at alpha 191

type Shape = (x: number, y: number) => number; // signed distance in px, < 0 inside

/** The image of shape in a size x size box, as an SDF. */
function sdf(size: number, shape: Shape): ImageData {
  const data = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const d = shape(x + 0.5, y + 0.5);
      const a = 255 - 255 * (d / BUFFER + CUTOFF);
      const i = (y * size + x) * 4;
      data[i] = data[i + 1] = data[i + 2] = 255;
      data[i + 3] = Math.max(0, Math.min(255, Math.round(a)));
    }
  return new ImageData(data, size, size);
}

function segDist(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

function polygon(pts: [number, number][]): Shape {
  return (x, y) => {
    let d = Infinity;
    let inside = false;
    for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
      const [xi, yi] = pts[i];
      const [xj, yj] = pts[j];
      d = Math.min(d, segDist(x, y, xi, yi, xj, yj));
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside ? -d : d;
  };
}

export interface Icon {
  id: string;
  image: ImageData;
}

/**
 * arrow: a pointed hull, north up, for vessels under way (rotated by course);
 * dot: a round mark for vessels stopped or without a course;
 * ring: a hollow circle to mark the selected vessel.
 */
export function icons(): Icon[] {
  const n = 22 * RATIO + 2 * BUFFER; // 22 CSS px of shape
  const c = n / 2;
  const u = 11 * RATIO; // half-size of the shape
  const arrow = polygon([
    [c, c - u],
    [c + 0.62 * u, c + 0.9 * u],
    [c, c + 0.5 * u],
    [c - 0.62 * u, c + 0.9 * u],
  ]);
  const dot: Shape = (x, y) => Math.hypot(x - c, y - c) - 0.42 * u;
  const ring: Shape = (x, y) => Math.abs(Math.hypot(x - c, y - c) - 0.92 * u) - 0.09 * u;
  return [
    { id: "vessel-arrow", image: sdf(n, arrow) },
    { id: "vessel-dot", image: sdf(n, dot) },
    { id: "vessel-ring", image: sdf(n, ring) },
  ];
}

export function addIcons(map: import("maplibre-gl").Map): void {
  for (const i of icons()) if (!map.hasImage(i.id)) map.addImage(i.id, i.image, { sdf: true, pixelRatio: RATIO });
}

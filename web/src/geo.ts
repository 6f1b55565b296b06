// Great-circle distance and bearing on a sphere of the Earth's mean
// radius (IUGG), as a chart's measure tool gives them: good to about 0.5%
// against the ellipsoid, which is within what a click on a map can place.
const R_M = 6_371_008.8;
const NM_M = 1852;
const rad = (d: number) => (d * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;

/** Distance from a to b ([lon, lat] degrees) in nautical miles. */
export function distanceNm(a: [number, number], b: [number, number]): number {
  const [l1, p1] = [rad(a[0]), rad(a[1])];
  const [l2, p2] = [rad(b[0]), rad(b[1])];
  const h = Math.sin((p2 - p1) / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin((l2 - l1) / 2) ** 2;
  return (2 * R_M * Math.asin(Math.min(1, Math.sqrt(h)))) / NM_M;
}

/** Initial true bearing from a to b ([lon, lat] degrees), 0 to 360. */
export function bearing(a: [number, number], b: [number, number]): number {
  const [l1, p1] = [rad(a[0]), rad(a[1])];
  const [l2, p2] = [rad(b[0]), rad(b[1])];
  const y = Math.sin(l2 - l1) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(l2 - l1);
  return (deg(Math.atan2(y, x)) + 360) % 360;
}

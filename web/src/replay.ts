// The time slider. Live, it sits at the right end and the stream moves the
// ships. Dragged or played, the map shows the past: each vessel in view is
// placed on its track (from /api/vessels/{mmsi}/track, fetched once per
// window) at the slider's time, and events appear as they started.
import * as api from "./api";
import type { Fix, VesselFeature } from "./api";
import { EVENT_COLORS, ms, zshort } from "./fmt";
import type { App } from "./main";

const HOUR = 3600_000;
/** Tracks fetched at most per replay: the riskiest vessels in view first. */
const MAX_TRACKS = 300;
/** Requests in flight at once. */
const PARALLEL = 6;
/** Fixes further apart than this are not interpolated: the ship was dark. */
const MAX_INTERP = 2 * HOUR;
/** After its last fix a vessel stays drawn, faded, this long. */
const HOLD = 30 * 60_000;

const $ = (id: string) => document.getElementById(id)!;

export class Replay {
  live = true;
  private playing = false;
  private speed = 600;
  private hours = 24;
  private t0 = NaN;
  private t1 = NaN;
  private tracks = new Map<number, Fix[]>();
  private loading = new Set<number>();
  private loadedFor = "";
  private raf = 0;
  private lastFrame = 0;
  private slider = document.getElementById("slider") as HTMLInputElement;

  constructor(private app: App) {
    this.slider.addEventListener("input", () => {
      const v = Number(this.slider.value);
      if (v >= 1000 && !this.playing) return this.goLive();
      this.enter();
      this.seek(this.t0 + (v / 1000) * (this.t1 - this.t0));
    });
    $("play").addEventListener("click", () => this.togglePlay());
    $("live").addEventListener("click", () => this.goLive());
    ($("speed") as HTMLSelectElement).addEventListener("change", (e) => (this.speed = Number((e.target as HTMLSelectElement).value)));
    ($("window") as HTMLSelectElement).addEventListener("change", (e) => {
      this.hours = Number((e.target as HTMLSelectElement).value);
      this.resetWindow();
      if (!this.live) this.load();
    });
    window.addEventListener("resize", () => this.drawHistogram());
  }

  /** The replay window [from, to] in epoch ms. */
  window(): [number, number] {
    return [this.t0, this.t1];
  }

  resetWindow(): void {
    const end = isFinite(this.app.ref) ? this.app.ref : Date.now();
    this.t1 = Math.ceil(end / 60_000) * 60_000;
    this.t0 = this.t1 - this.hours * HOUR;
    if (!isFinite(this.app.cursor) || this.live) this.app.cursor = this.t1;
    $("t-from").textContent = zshort(this.t0);
    $("t-to").textContent = zshort(this.t1);
    this.syncSlider();
    this.drawHistogram();
  }

  /** Live: keeps the window's end at the latest data, a minute at a time. */
  follow(): void {
    if (isFinite(this.app.ref) && this.app.ref > this.t1) this.resetWindow();
  }

  private enter(): void {
    if (!this.live) return;
    this.app.stopStream();
    this.resetWindow();
    this.live = false;
    document.body.classList.add("replay");
    $("mode").textContent = "REPLAY";
    $("mode").className = "mode replay";
    $("live").classList.remove("on");
    this.load();
  }

  /**
   * Back to live without loading anything: the session ended, and the
   * tracks it fetched are dropped (workers still running see the window
   * change and stop).
   */
  reset(): void {
    this.pause();
    this.live = true;
    this.tracks.clear();
    this.loading.clear();
    this.loadedFor = "";
    delete document.body.dataset.replayTracks;
    document.body.classList.remove("replay");
    $("mode").textContent = "LIVE";
    $("mode").className = "mode live";
    $("live").classList.add("on");
    $("replay-status").textContent = "";
    this.syncSlider(1000);
  }

  goLive(): void {
    this.pause();
    this.live = true;
    document.body.classList.remove("replay");
    $("mode").textContent = "LIVE";
    $("mode").className = "mode live";
    $("live").classList.add("on");
    $("replay-status").textContent = "";
    this.app.cursor = this.app.ref;
    this.syncSlider(1000);
    this.app.loadVessels();
    this.app.startStream();
    this.app.scheduleDraw();
  }

  togglePlay(): void {
    if (this.playing) return this.pause();
    this.enter();
    if (this.app.cursor >= this.t1) this.seek(this.t0);
    this.playing = true;
    $("play").textContent = "❚❚";
    this.lastFrame = performance.now();
    const step = (now: number) => {
      if (!this.playing) return;
      const dt = Math.min(250, now - this.lastFrame);
      this.lastFrame = now;
      const t = this.app.cursor + dt * this.speed;
      if (t >= this.t1) {
        this.seek(this.t1);
        return this.pause();
      }
      this.seek(t);
      this.raf = requestAnimationFrame(step);
    };
    this.raf = requestAnimationFrame(step);
  }

  pause(): void {
    this.playing = false;
    cancelAnimationFrame(this.raf);
    $("play").textContent = "▶";
  }

  seek(t: number, moveSlider = true): void {
    this.app.cursor = Math.max(this.t0, Math.min(this.t1, t));
    if (moveSlider) this.syncSlider();
    $("clock").textContent = ""; // the app's clock tick fills it in
    this.app.scheduleDraw();
  }

  private syncSlider(v?: number): void {
    const span = this.t1 - this.t0;
    this.slider.value = String(v ?? (span > 0 ? Math.round(((this.app.cursor - this.t0) / span) * 1000) : 1000));
  }

  /**
   * The view moved in replay: learn which vessels are there (by their
   * latest position: the API has no "vessels at time t"), then fetch the
   * tracks not loaded yet.
   */
  async onMove(): Promise<void> {
    await this.app.loadVessels();
    if (!this.live) this.load();
  }

  /** Fetches the tracks of the vessels in view that are not loaded yet. */
  private async load(): Promise<void> {
    const key = `${this.t0}/${this.t1}`;
    if (key !== this.loadedFor) {
      this.tracks.clear();
      this.loadedFor = key;
    }
    const bounds = this.app.map.getBounds();
    const want = [...this.app.vessels.values()]
      .filter((f) => bounds.contains(f.geometry.coordinates) || Number(f.properties.mmsi) === this.app.selected)
      .sort((a, b) => (Number(b.properties.risk) || 0) - (Number(a.properties.risk) || 0))
      .map((f) => Number(f.properties.mmsi))
      .filter((m) => !this.tracks.has(m) && !this.loading.has(m))
      .slice(0, Math.max(0, MAX_TRACKS - this.tracks.size));
    if (!want.length) return;
    let done = 0;
    const total = want.length;
    const status = () => ($("replay-status").textContent = done < total ? `loading tracks ${done}/${total}` : `${this.tracks.size} tracks`);
    status();
    const queue = [...want];
    for (const m of want) this.loading.add(m);
    const worker = async () => {
      while (queue.length && key === this.loadedFor) {
        const m = queue.shift()!;
        try {
          const fixes = await api.track(m, this.t0, this.t1);
          if (key === this.loadedFor) this.tracks.set(m, fixes);
        } catch {
          if (key === this.loadedFor) this.tracks.set(m, []);
        }
        this.loading.delete(m);
        done++;
        status();
        if (done % 20 === 0 || done === total) this.app.scheduleDraw();
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    document.body.dataset.replayTracks = String(this.tracks.size);
    this.drawHistogram();
  }

  /** The vessels at time t, each placed on its track. */
  vesselsAt(t: number): VesselFeature[] {
    const out: VesselFeature[] = [];
    for (const [m, fixes] of this.tracks) {
      const at = positionAt(fixes, t);
      if (!at) continue;
      const base = this.app.vessels.get(m)?.properties ?? { mmsi: m };
      out.push({
        type: "Feature",
        geometry: { type: "Point", coordinates: [at.lon, at.lat] },
        properties: { ...base, sog: at.sog ?? (at.interp && at.cog !== undefined ? 1 : 0), cog: at.cog, heading: undefined, time: new Date(at.t).toISOString(), _interp: at.interp },
      });
    }
    return out;
  }

  /** Event starts over the window, as a strip of ticks behind the slider. */
  drawHistogram(): void {
    const c = document.getElementById("histogram") as HTMLCanvasElement;
    const w = c.clientWidth;
    if (!w || !isFinite(this.t0)) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = w * dpr;
    c.height = 28 * dpr;
    const g = c.getContext("2d")!;
    g.scale(dpr, dpr);
    g.clearRect(0, 0, w, 28);
    const span = this.t1 - this.t0;
    for (const e of this.app.visibleEvents()) {
      const a = ms(e.start);
      const b = ms(e.end);
      if (b < this.t0 || a > this.t1) continue;
      const x0 = ((Math.max(a, this.t0) - this.t0) / span) * w;
      const x1 = ((Math.min(b, this.t1) - this.t0) / span) * w;
      g.fillStyle = EVENT_COLORS[e.type] ?? "#999";
      g.globalAlpha = 0.55;
      g.fillRect(x0, 4, Math.max(2, x1 - x0), 4);
      g.globalAlpha = 1;
      g.fillRect(x0, 2, 2, 8);
    }
  }
}

interface At {
  t: number;
  lon: number;
  lat: number;
  sog?: number;
  cog?: number;
  interp: boolean;
}

/** Where the track puts the vessel at t, or null if it was not heard near t. */
export function positionAt(fixes: Fix[], t: number): At | null {
  if (!fixes.length || t < fixes[0].t) return null;
  let lo = 0;
  let hi = fixes.length - 1;
  if (t >= fixes[hi].t) {
    const f = fixes[hi];
    return t - f.t <= HOLD ? { ...f, interp: false } : null;
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fixes[mid].t <= t) lo = mid;
    else hi = mid;
  }
  const a = fixes[lo];
  const b = fixes[hi];
  if (b.t - a.t > MAX_INTERP) return t - a.t <= HOLD ? { ...a, interp: false } : null;
  const k = (t - a.t) / (b.t - a.t || 1);
  let dlon = b.lon - a.lon;
  if (dlon > 180) dlon -= 360;
  if (dlon < -180) dlon += 360;
  const lon = a.lon + dlon * k;
  const lat = a.lat + (b.lat - a.lat) * k;
  const y = b.lat - a.lat;
  const x = dlon * Math.cos(((a.lat + b.lat) / 2) * (Math.PI / 180));
  const moving = Math.hypot(x, y) > 1e-5;
  const cog = moving ? ((Math.atan2(x, y) * 180) / Math.PI + 360) % 360 : a.cog;
  const sog = a.sog !== undefined && b.sog !== undefined ? a.sog + (b.sog - a.sog) * k : a.sog;
  return { t, lon: ((lon + 540) % 360) - 180, lat, sog, cog, interp: true };
}

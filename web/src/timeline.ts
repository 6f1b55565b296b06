// A vessel's timeline: its voyages, port calls, meetings, gaps, other
// events, identity values and the days it was heard, on one time axis from
// the first record the store holds to the last (GET
// /api/vessels/{mmsi}/timeline). A drawer over the bottom of the map;
// a click on an event opens it.
import * as api from "./api";
import type { PicketEvent, Timeline } from "./api";
import { EVENT_COLORS, EVENT_LABELS, esc, ms, zdt, zshort } from "./fmt";

const MEETINGS = new Set(["encounter", "dark_rendezvous"]);
const LANE_H = 18;
const LABEL_W = 92;

interface Lane {
  name: string;
  items: { from: number; to: number; color: string; label: string; title: string; event?: string }[];
}

/** The lanes of a timeline, top to bottom. */
export function lanes(tl: Timeline): Lane[] {
  const maxFixes = Math.max(1, ...tl.days.map((d) => d.fixes));
  const heard: Lane = {
    name: "Heard",
    items: tl.days.map((d) => {
      const t = Date.parse(`${d.day}T00:00:00Z`);
      return { from: t, to: t + 86_400_000, color: `rgba(79, 209, 255, ${(0.25 + 0.75 * (d.fixes / maxFixes)).toFixed(2)})`, label: "", title: `${d.day}: ${d.fixes} fixes` };
    }),
  };
  const voyages: Lane = {
    name: "Voyages",
    items: tl.voyages.map((v) => ({
      from: ms(v.from), to: ms(v.to), color: "#2f6f8f",
      label: `${v.from_port ?? "…"} → ${v.to_port ?? "…"}`,
      title: `Voyage ${v.from_port ?? "(first heard)"} → ${v.to_port ?? "(last heard)"}, ${zdt(ms(v.from))} – ${zdt(ms(v.to))}`,
    })),
  };
  const item = (e: PicketEvent, label = "") => ({
    from: ms(e.start), to: ms(e.end), color: EVENT_COLORS[e.type] ?? "#999", label, event: e.id,
    title: `${EVENT_LABELS[e.type] ?? e.type}: ${e.summary} (${zdt(ms(e.start))} – ${zdt(ms(e.end))})`,
  });
  const byType = (f: (e: PicketEvent) => boolean) => tl.events.filter(f);
  const ports: Lane = { name: "Port calls", items: byType((e) => e.type === "port_visit" && e.mmsi === tl.mmsi).map((e) => item(e, e.port ?? "")) };
  const meetings: Lane = { name: "Meetings", items: byType((e) => MEETINGS.has(e.type)).map((e) => item(e)) };
  const gaps: Lane = { name: "Gaps", items: byType((e) => e.type === "gap").map((e) => item(e)) };
  const changes: Lane = { name: "Identity changes", items: byType((e) => e.type === "identity_change").map((e) => item(e, `${e.field ?? ""}: ${e.to ?? ""}`)) };
  const other: Lane = {
    name: "Other events",
    items: byType((e) => !MEETINGS.has(e.type) && !["gap", "identity_change"].includes(e.type) && !(e.type === "port_visit" && e.mmsi === tl.mmsi)).map((e) => item(e)),
  };
  const ident: Lane[] = [];
  for (const [field, name] of [["name", "Name"], ["callsign", "Call sign"], ["imo", "IMO"], ["shiptype", "Ship type"], ["destination", "Destination"]]) {
    const vs = tl.identity[field] ?? [];
    if (!vs.length) continue;
    ident.push({
      name,
      items: vs.map((v, i) => ({
        from: ms(v.first), to: ms(v.last), color: i % 2 ? "#8a7bd8" : "#b8a1ff", label: v.value,
        title: `${name} ${v.value}: ${zdt(ms(v.first))} – ${zdt(ms(v.last))}`,
      })),
    });
  }
  return [heard, voyages, ports, meetings, gaps, changes, other, ...ident];
}

/** The SVG of a timeline, width px wide. */
export function svg(tl: Timeline, width: number): string {
  const ls = lanes(tl);
  const all = ls.flatMap((l) => l.items).filter((i) => isFinite(i.from) && isFinite(i.to));
  if (!all.length) return `<div class="muted">Nothing recorded.</div>`;
  const t0 = Math.min(...all.map((i) => i.from));
  const t1 = Math.max(...all.map((i) => i.to), t0 + 3600_000);
  const w = width - LABEL_W - 8;
  const x = (t: number) => LABEL_W + ((t - t0) / (t1 - t0)) * w;
  const h = ls.length * LANE_H + 22;
  const parts: string[] = [];
  ls.forEach((l, row) => {
    const y = row * LANE_H;
    parts.push(`<text class="lane" x="4" y="${y + 13}">${esc(l.name)}</text><line class="grid" x1="${LABEL_W}" x2="${width}" y1="${y + LANE_H - 0.5}" y2="${y + LANE_H - 0.5}"/>`);
    for (const it of l.items) {
      const x0 = x(it.from);
      const bw = Math.max(3, x(it.to) - x0);
      const cls = it.event ? "item evlink" : "item";
      const data = it.event ? ` data-event="${esc(it.event)}"` : "";
      parts.push(`<g class="${cls}"${data} data-lane="${esc(l.name)}"><title>${esc(it.title)}</title>` +
        `<rect x="${x0.toFixed(1)}" y="${y + 3}" width="${bw.toFixed(1)}" height="${LANE_H - 6}" rx="2" fill="${it.color}"/>` +
        (it.label && bw > 40 ? `<text x="${(x0 + 3).toFixed(1)}" y="${y + 13}" class="ilabel">${esc(clip(it.label, Math.floor(bw / 6.5)))}</text>` : "") +
        `</g>`);
    }
  });
  // Ticks at whole days (hours for a span under two days), labelled
  // where there is room.
  const span = t1 - t0;
  const step = span > 2 * 86_400_000 ? Math.ceil(span / 86_400_000 / Math.max(1, Math.floor(w / 110))) * 86_400_000 : Math.max(1, Math.ceil(span / 3600_000 / Math.max(1, Math.floor(w / 110)))) * 3600_000;
  const unit = span > 2 * 86_400_000 ? 86_400_000 : 3600_000;
  for (let t = Math.ceil(t0 / unit) * unit; t <= t1; t += step) {
    const xx = x(t);
    const label = unit === 86_400_000 ? zshort(t).replace(/ 00:00Z$/, "") : zshort(t);
    parts.push(`<line class="tick" x1="${xx}" x2="${xx}" y1="0" y2="${h - 18}"/>` +
      (xx > LABEL_W + 30 && xx < width - 40 ? `<text class="tlabel" x="${xx}" y="${h - 5}" text-anchor="middle">${esc(label)}</text>` : ""));
  }
  return `<svg width="${width}" height="${h}" viewBox="0 0 ${width} ${h}" role="img" aria-label="Timeline">${parts.join("")}</svg>`;
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, Math.max(1, n - 1)) + "…";
}

/** The drawer. */
export class TimelineDrawer {
  data: Timeline | null = null;
  private abort: AbortController | null = null;

  constructor(private el: HTMLElement) {
    el.addEventListener("click", (ev) => {
      if ((ev.target as HTMLElement).closest(".tl-close")) this.close();
    });
    window.addEventListener("resize", () => this.render());
  }

  async open(mmsi: number, name: string): Promise<void> {
    this.abort?.abort();
    const ac = (this.abort = new AbortController());
    this.el.hidden = false;
    this.el.dataset.mmsi = String(mmsi);
    delete this.el.dataset.loaded;
    this.el.innerHTML = `<div class="tl-head"><b>${esc(name)}</b> <span class="muted">timeline: loading…</span><button class="tl-close ghost" title="Close">×</button></div>`;
    try {
      this.data = await api.timeline(mmsi, ac.signal);
    } catch (e) {
      if (api.quiet(e) || ac.signal.aborted) return;
      this.data = null;
      this.el.innerHTML = `<div class="tl-head"><b>${esc(name)}</b> <span class="warn">Timeline unavailable: ${esc((e as api.HTTPError).detail || (e as Error).message)}</span><button class="tl-close ghost">×</button></div>`;
      return;
    }
    this.el.dataset.name = name;
    this.render();
    this.el.dataset.loaded = "1";
  }

  close(): void {
    this.abort?.abort();
    this.data = null;
    this.el.hidden = true;
    this.el.innerHTML = "";
  }

  private render(): void {
    const tl = this.data;
    if (!tl || this.el.hidden) return;
    const span = tl.first ? `heard ${zdt(ms(tl.first))} – ${zdt(ms(tl.last))}, ${tl.days.length} days` : "no position you may see";
    this.el.innerHTML =
      `<div class="tl-head"><b>${esc(this.el.dataset.name ?? "")}</b> <span class="muted">MMSI ${tl.mmsi} · ${esc(span)} · ${tl.events.length} events · ${tl.voyages.length} voyages${tl.truncated ? " (the oldest events left out)" : ""}</span>` +
      `<button class="tl-close ghost" title="Close">×</button></div>` +
      `<div class="tl-body">${svg(tl, Math.max(400, this.el.clientWidth - 20))}</div>`;
  }
}

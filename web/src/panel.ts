// The vessel panel: who the vessel says it is and has said it was, how
// risky it looks and why, what it did, and whom it is tied to.
import type { IdentityValue, Network, PicketEvent, Profile, VesselFeature } from "./api";
import { EXPORT_FORMATS, hasPosition } from "./api";
import {
  EVENT_COLORS, EVENT_LABELS, LINK_LABELS, ago, category, CATEGORY_COLORS, deg, dur, esc, eventLabel, knots, latlon,
  ms, riskColor, shipTypeName, zdt, zshort,
} from "./fmt";
import { entryKeys } from "./library";

export interface PanelData {
  mmsi: number;
  vessel?: VesselFeature;
  profile?: Profile | null;
  profileError?: string;
  events?: PicketEvent[] | null;
  networks?: Network[];
  ref: number;
  selectedEvent?: string | null;
  trackInfo?: string;
  /** Why networks are not shown (the role), if they are not. */
  networksLocked?: string;
  /** The shown track's query (mmsi=&from=&to=), for its exports. */
  trackQuery?: string;
}

/** Whether "Export case" buttons are drawn: the analyst role. */
let caseExport = false;

export function setCaseExport(ok: boolean): void {
  caseExport = ok;
}

/** An "Export case" button for /api/case?param, when the role allows. */
export function caseButton(param: string, what: string): string {
  if (!caseExport) return "";
  return `<button class="btn casebtn" data-case="${esc(param)}" title="Save an evidence package (one HTML file, offline, printable) on this ${esc(what)}">Export case</button>`;
}

export function render(d: PanelData): string {
  const p = d.profile ?? undefined;
  const v = d.vessel?.properties;
  const name = p?.name || v?.name || "Unknown name";
  const score = p?.risk?.score ?? (Number(v?.risk) || 0);
  const stype = v?.shiptype ?? last(p?.identity?.shiptypes)?.value;
  const cat = category(stype);
  const parts: string[] = [];

  parts.push(`<div class="vhead">
    <div class="vtitle"><span class="swatch" style="background:${CATEGORY_COLORS[cat]}"></span>
      <h2>${esc(name)}</h2><button class="ghost tlbtn" data-timeline="${esc(d.mmsi)}" title="Voyages, port calls, meetings, gaps and identity over all the time the store holds">Timeline</button></div>
    <div class="vsub mono">MMSI ${esc(d.mmsi)}${p?.flag ? ` · <span class="flag">${esc(p.flag)}</span>` : ""}${p?.class ? ` · Class ${esc(p.class)}` : ""}</div>
    <div class="vsub">${esc(shipTypeName(stype))}${dims(p)}</div>
    ${p && p.mmsi_valid === false ? `<div class="warn">MMSI not valid${p.mmsi_problem ? `: ${esc(p.mmsi_problem)}` : ""}</div>` : ""}
  </div>`);

  parts.push(`<div class="riskbox" style="--rc:${riskColor(score)}">
    <div class="score"><b>${score}</b><span>risk</span></div>
    <div class="bar"><i style="width:${Math.min(100, score)}%"></i></div>
  </div>`);

  if (p?.watchlists?.length)
    parts.push(`<div class="listed"><b>On your watchlists</b><ul class="list compact">${p.watchlists
      .map((h) => `<li class="hit" data-list="${esc(h.list_id)}"><b class="lname">${esc(h.list)}</b> · <span class="mono">${esc(entryKeys(h.entry))}</span> · matched by ${esc(h.by)}` +
        `${h.entry.note ? `<div class="muted">${esc(h.entry.note)}</div>` : ""}</li>`)
      .join("")}</ul></div>`);

  if (v) {
    const t = ms(v.time);
    const [lon, lat] = d.vessel!.geometry.coordinates;
    parts.push(`<dl class="kv">
      <dt>Position</dt><dd class="mono">${latlon(lat, lon)}</dd>
      <dt>Speed / course</dt><dd class="mono">${knots(v.sog)} · ${deg(v.cog)}${typeof v.heading === "number" && v.heading < 360 ? ` · hdg ${deg(v.heading)}` : ""}</dd>
      <dt>Last fix</dt><dd>${zdt(t)} <span class="muted">(${ago(t, d.ref)})</span></dd>
      ${p?.first_seen ? `<dt>Seen</dt><dd>${zshort(ms(p.first_seen))} – ${zshort(ms(p.last_seen))} · ${p.positions ?? "?"} fixes</dd>` : ""}
    </dl>`);
  }
  if (d.trackInfo) parts.push(`<div class="muted small">${esc(d.trackInfo)}</div>`);
  if (caseExport) {
    const track = d.trackQuery
      ? `<span class="muted small">Track:</span>${EXPORT_FORMATS.map(([f, label, what]) => `<button class="btn trackbtn" data-format="${esc(f)}" data-q="${esc(d.trackQuery!)}" title="The track shown, ${esc(what)}">${esc(label)}</button>`).join("")}`
      : "";
    parts.push(`<div class="caserow">${caseButton(`mmsi=${d.mmsi}`, "vessel")}${track}<span class="xmsg casemsg" role="status"></span></div>`);
  }

  if (d.profileError) parts.push(`<div class="warn">Profile unavailable: ${esc(d.profileError)}</div>`);
  else if (p === undefined) parts.push(`<div class="muted">Loading profile…</div>`);

  const reasons = p?.risk?.reasons ?? [];
  if (p) {
    parts.push(`<h3>Why this score</h3>`);
    if (!reasons.length) parts.push(`<div class="muted">Nothing found against this vessel.</div>`);
    else
      parts.push(`<ul class="reasons">${reasons
        .map((r) => `<li><span class="pts">+${r.points}</span><span>${esc(r.reason)}${(r.events ?? [])
          .slice(0, 6)
          .map((id) => ` <a href="#" class="evlink mono" data-event="${esc(id)}">${esc(id.slice(0, 6))}</a>`)
          .join("")}</span></li>`)
        .join("")}</ul>`);
  }

  if (p?.identity) parts.push(identity(p));

  // The vessel's events.
  const counts = p?.events ?? {};
  const evs = d.events;
  parts.push(`<h3>Events${evs ? ` <span class="count">${evs.length}</span>` : ""}</h3>`);
  const chips = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (chips.length)
    parts.push(`<div class="evcounts">${chips
      .map(([t, n]) => `<span class="tchip" style="--c:${EVENT_COLORS[t] ?? "#999"}">${esc(EVENT_LABELS[t] ?? t)} <b>${n}</b></span>`)
      .join("")}</div>`);
  if (evs === undefined || evs === null) parts.push(`<div class="muted">Loading events…</div>`);
  else if (!evs.length) parts.push(`<div class="muted">No events.</div>`);
  else
    parts.push(`<ol class="list compact">${evs
      .slice(0, 60)
      .map((e) => eventRow(e, d.ref, e.id === d.selectedEvent, d.mmsi))
      .join("")}</ol>`);

  // Networks the vessel belongs to.
  const nets = d.networks ?? [];
  if (nets.length) {
    parts.push(`<h3>Network</h3>`);
    for (const n of nets) parts.push(network(n, d.mmsi));
  } else if (d.networksLocked && p?.networkIds?.length) {
    const n = p.networkIds.length;
    parts.push(`<h3>Network</h3><div class="lockbox small" title="${esc(d.networksLocked)}">In ${n} network${n > 1 ? "s" : ""}. ${esc(d.networksLocked)}.</div>`);
  }
  return parts.join("");
}

function dims(p?: Profile): string {
  const id = p?.identity;
  if (!id) return "";
  const bits: string[] = [];
  if (id.length) bits.push(`${id.length}${id.beam ? ` × ${id.beam}` : ""} m`);
  if (id.draught) bits.push(`draught ${id.draught} m`);
  return bits.length ? ` · ${bits.join(" · ")}` : "";
}

function last(v?: IdentityValue[]): IdentityValue | undefined {
  if (!v?.length) return undefined;
  return v.reduce((a, b) => (ms(b.last) > ms(a.last) ? b : a));
}

/** Identity values over time: one row per value, with a bar of when it was heard. */
function identity(p: Profile): string {
  const id = p.identity!;
  const fields: [string, IdentityValue[] | undefined, (v: string) => string][] = [
    ["Names", id.names, (v) => v],
    ["Call signs", id.callsigns, (v) => v],
    ["IMO", id.imos, (v) => v],
    ["Ship type", id.shiptypes, (v) => shipTypeName(v)],
    ["Destination", id.destinations, (v) => v],
  ];
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const [, vals] of fields)
    for (const v of vals ?? []) {
      t0 = Math.min(t0, ms(v.first));
      t1 = Math.max(t1, ms(v.last));
    }
  if (p.first_seen) t0 = Math.min(t0, ms(p.first_seen));
  if (p.last_seen) t1 = Math.max(t1, ms(p.last_seen));
  const span = Math.max(1, t1 - t0);
  const rows: string[] = [];
  for (const [label, vals, show] of fields) {
    if (!vals?.length) continue;
    const changed = vals.length > 1;
    const sorted = [...vals].sort((a, b) => ms(a.first) - ms(b.first));
    sorted.forEach((v, i) => {
      const a = ((ms(v.first) - t0) / span) * 100;
      const w = Math.max(1.5, ((ms(v.last) - ms(v.first)) / span) * 100);
      rows.push(`<tr class="${changed ? "changed" : ""}">
        <th>${i === 0 ? esc(label) : ""}</th>
        <td class="val">${esc(show(v.value))}</td>
        <td class="span" title="${esc(zdt(ms(v.first)))} – ${esc(zdt(ms(v.last)))}${v.count ? ` · heard ${v.count}×` : ""}"><div class="tl"><i style="left:${a.toFixed(1)}%;width:${Math.min(100 - a, w).toFixed(1)}%"></i></div></td>
      </tr>`);
    });
  }
  if (!rows.length) return "";
  return `<h3>Identity over time</h3>
    <table class="ident"><tbody>${rows.join("")}
      <tr class="axis"><th></th><td></td><td class="span"><div class="tlaxis muted small"><span>${esc(axis(t0, t1))}</span><span>${esc(axis(t1, t0))}</span></div></td></tr>
    </tbody></table>`;
}

/** An end of the identity time axis: the time within one day, else the date. */
function axis(t: number, other: number): string {
  const s = zshort(t, other);
  return s.length <= 6 ? s : s.slice(0, 6);
}

export function eventRow(e: PicketEvent, ref: number, selected: boolean, self?: number): string {
  const t0 = ms(e.start);
  const t1 = ms(e.end);
  const c = EVENT_COLORS[e.type] ?? "#999";
  const other = e.other_mmsi && e.other_mmsi !== self ? e.other_mmsi : e.other_mmsi && e.mmsi !== self ? e.mmsi : 0;
  return `<li class="ev${selected ? " sel" : ""}" data-event="${esc(e.id)}" style="--c:${c}">
    <div class="evtop"><span class="evtype">${esc(eventLabel(e))}</span>
      <span class="conf" title="confidence ${e.confidence.toFixed(2)}"><i style="width:${Math.round(e.confidence * 100)}%"></i></span></div>
    <div class="evsum">${esc(e.summary)}</div>
    <div class="evmeta muted"><span>${esc(zshort(t0, ref))}</span>${t1 > t0 ? `<span>${esc(dur(t1 - t0))}</span>` : ""}${other ? `<a href="#" class="vlink mono" data-mmsi="${other}">↔ ${other}</a>` : ""}</div>
    ${selected ? details(e) : ""}
  </li>`;
}

function details(e: PicketEvent): string {
  const rows: string[] = [];
  if (e.mmsi) rows.push(`<dt>Vessel</dt><dd><a href="#" class="vlink mono" data-mmsi="${e.mmsi}">${e.mmsi}</a>${e.other_mmsi ? ` ↔ <a href="#" class="vlink mono" data-mmsi="${e.other_mmsi}">${e.other_mmsi}</a>` : ""}</dd>`);
  else rows.push(`<dt>Vessel</dt><dd class="muted">no AIS: seen by a sensor only</dd>`);
  if (e.sensor) rows.push(`<dt>Sensor</dt><dd>${esc(e.sensor)}${e.scene ? ` <span class="mono muted">${esc(e.scene)}</span>` : ""}</dd>`);
  if (e.candidates?.length)
    rows.push(`<dt>Could be</dt><dd>${e.candidates.map((m) => `<a href="#" class="vlink mono" data-mmsi="${m}">${m}</a>`).join(" ")}</dd>`);
  rows.push(`<dt>When</dt><dd>${esc(zdt(ms(e.start)))} → ${esc(zdt(ms(e.end)))}</dd>`);
  rows.push(hasPosition(e) ? `<dt>Where</dt><dd class="mono">${latlon(e.lat!, e.lon!)}</dd>` : `<dt>Where</dt><dd class="muted">no position known</dd>`);
  if (e.end_lat !== undefined && e.end_lon !== undefined) rows.push(`<dt>Reappeared</dt><dd class="mono">${latlon(e.end_lat, e.end_lon)}</dd>`);
  rows.push(`<dt>Confidence</dt><dd>${(e.confidence * 100).toFixed(0)} %</dd>`);
  if (e.field) rows.push(`<dt>${esc(e.field)}</dt><dd>${esc(e.from ?? "")} → ${esc(e.to ?? "")}</dd>`);
  if (e.port) rows.push(`<dt>Port</dt><dd>${esc(e.port)}</dd>`);
  if (e.zone) rows.push(`<dt>Zone</dt><dd>${esc(e.zone)}</dd>`);
  if (e.entry) rows.push(`<dt>List</dt><dd>${esc(e.entry.list)}${e.entry.name ? `: ${esc(e.entry.name)}` : ""} (by ${esc(e.entry.by)})</dd>`);
  for (const [k, v] of Object.entries(e.details ?? {}).slice(0, 8))
    rows.push(`<dt>${esc(k.replace(/_/g, " "))}</dt><dd class="mono">${esc(Number.isInteger(v) ? v : v.toFixed(2))}</dd>`);
  rows.push(`<dt>Id</dt><dd class="mono muted">${esc(e.id)}</dd>`);
  const btn = caseButton(`event=${encodeURIComponent(e.id)}`, "event");
  return `<dl class="kv evdetails">${rows.join("")}</dl>${btn ? `<div class="caserow">${btn}<span class="xmsg casemsg" role="status"></span></div>` : ""}`;
}

export function network(n: Network, self?: number): string {
  const byId = new Map(n.members.map((m) => [m.id, m]));
  const nm = (id: string) => {
    const m = byId.get(id);
    return m ? esc(m.name || String(m.mmsi)) : esc(id);
  };
  return `<div class="net" data-network="${esc(n.id)}">
    <div class="nethead"><span class="riskpill" style="--rc:${riskColor(n.risk)}">${n.risk}</span>
      <span>${esc(n.summary)}</span></div>
    <ul class="members">${n.members
      .map((m) => `<li class="${m.mmsi === self ? "self" : ""}"><a href="#" class="vlink" data-mmsi="${m.mmsi}">${esc(m.name || "—")}</a>
        <span class="mono muted">${m.mmsi}</span><span class="flag">${esc(m.flag ?? "")}</span>
        <span class="riskpill small" style="--rc:${riskColor(m.risk ?? 0)}">${m.risk ?? 0}</span></li>`)
      .join("")}</ul>
    <ul class="links">${n.links
      .map((l) => `<li><span class="lk" data-kind="${esc(l.kind)}">${esc(LINK_LABELS[l.kind] ?? l.kind)}</span> ${nm(l.a)} — ${nm(l.b)}${l.events?.length ? ` <span class="muted">(${l.events.length} ev)</span>` : ""}</li>`)
      .join("")}</ul>
    <button class="btn shownet" data-network="${esc(n.id)}">Show network on map</button>
    ${caseButton(`network=${encodeURIComponent(n.id)}`, "network")}<span class="xmsg casemsg" role="status"></span>
  </div>`;
}

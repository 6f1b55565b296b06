// The partner's own zones and watchlists on the map (docs/api.md, "A
// partner's zones and watchlists"): analysts draw, rename and delete
// zones that the partner's rules may name, and keep watchlists whose
// vessels are ringed on the map and named in the vessel panel. Viewers see
// them without the buttons. Nothing here is shown to another partner: the
// server answers each partner with its own.
import type { Map as MLMap } from "maplibre-gl";
import * as api from "./api";
import type { Watchlist, ZoneFeature } from "./api";
import { esc } from "./fmt";

/** The colour of a vessel on one of the partner's watchlists. */
export const LISTED_COLOR = "#ff5fd2";

/** What the library needs of the page. */
export interface LibraryHost {
  map: MLMap;
  session: api.Session | null;
  notice(msg: string): void;
  /** Draws a polygon on the map; done gets its points (none: cancelled). */
  draw(done: (pts: [number, number][]) => void): void;
  /** Drops the polygon drawn. */
  clearDraft(): void;
  /** The zones or lists changed: rules, areas and flags follow. */
  changed(): void;
  /** Asks the vessels again (their watchlist flags). */
  loadVessels(): Promise<void>;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

export class Library {
  zones: ZoneFeature[] = [];
  lists: Watchlist[] = [];
  /** The zone polygon drawn and not yet saved. */
  private drawn: [number, number][] = [];
  private abort: AbortController | null = null;

  constructor(private host: LibraryHost) {
    // Vessels on the partner's watchlists: a ring under their icon.
    host.map.addLayer(
      { id: "vessels-listed", type: "circle", source: "vessels", filter: ["==", ["get", "_listed"], true],
        paint: { "circle-radius": 11, "circle-color": "transparent", "circle-stroke-color": LISTED_COLOR, "circle-stroke-width": 2.5 } },
      "vessels",
    );
    this.setupUI();
  }

  async load(): Promise<void> {
    this.abort?.abort();
    const ac = (this.abort = new AbortController());
    try {
      const [zones, lists] = await Promise.all([api.zones(ac.signal), api.watchlists(ac.signal)]);
      if (ac.signal.aborted) return;
      this.zones = zones;
      this.lists = lists;
    } catch (e) {
      if (!api.quiet(e)) this.host.notice(`Zones and watchlists not loaded: ${(e as Error).message}`);
      return;
    }
    this.render();
  }

  forget(): void {
    this.abort?.abort();
    this.zones = [];
    this.lists = [];
    this.drawn = [];
    $("zone-form").hidden = true;
    this.render();
  }

  /** The shape of a zone a rule may name, by its name. */
  zone(name: string): ZoneFeature | undefined {
    return this.zones.find((z) => z.properties.name === name);
  }

  // ---- the forms -------------------------------------------------------------

  private setupUI(): void {
    $("zone-new").addEventListener("click", () => {
      $("zone-form").hidden = false;
      $("zone-error").hidden = true;
      $<HTMLInputElement>("zone-name").focus();
    });
    $("zone-draw").addEventListener("click", () =>
      this.host.draw((pts) => {
        this.drawn = pts;
        $("zone-area-msg").textContent = pts.length >= 3 ? `drawn: ${pts.length} points` : "no area yet";
      }),
    );
    $("zone-cancel").addEventListener("click", () => this.closeZoneForm());
    $("zone-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.saveZone();
    });
    $("zones").addEventListener("click", (ev) => {
      const b = (ev.target as HTMLElement).closest<HTMLElement>("button[data-zact]");
      if (!b) return;
      const id = b.closest<HTMLElement>("li")!.dataset.id!;
      if (b.dataset.zact === "delete") this.run(() => api.deleteZone(id), "Zone not deleted");
      else {
        const input = b.closest("li")!.querySelector<HTMLInputElement>("input.rename")!;
        if (input.hidden) {
          input.hidden = false;
          input.focus();
          input.select();
        } else if (input.value.trim()) this.run(() => api.renameZone(id, input.value.trim()), "Zone not renamed");
      }
    });
    $("zones").addEventListener("keydown", (ev) => {
      const el = ev.target as HTMLInputElement;
      if (ev.key === "Enter" && el.classList.contains("rename")) el.closest("li")!.querySelector<HTMLElement>('button[data-zact="rename"]')!.click();
    });
    $("list-new").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const name = $<HTMLInputElement>("list-name").value.trim();
      if (name) this.run(() => api.addWatchlist(name), "Watchlist not made").then((ok) => ok && ($<HTMLInputElement>("list-name").value = ""));
    });
    $("lists").addEventListener("click", (ev) => {
      const b = (ev.target as HTMLElement).closest<HTMLElement>("button[data-lact]");
      if (!b) return;
      const li = b.closest<HTMLElement>("li.wlist")!;
      const list = li.dataset.id!;
      if (b.dataset.lact === "delete") this.run(() => api.deleteWatchlist(list), "Watchlist not deleted");
      else if (b.dataset.lact === "remove") this.run(() => api.deleteEntry(list, b.dataset.entry!), "Entry not taken out", true);
      else if (b.dataset.lact === "add") {
        const v = (c: string) => li.querySelector<HTMLInputElement>(`input.${c}`)!.value.trim();
        const e = { imo: Number(v("e-imo")) || undefined, mmsi: Number(v("e-mmsi")) || undefined, name: v("e-name") || undefined, note: v("e-note") || undefined };
        this.run(() => api.addEntry(list, e), "Entry not added", true);
      }
    });
  }

  /** Runs a change, then loads again; says why it failed. */
  private async run(f: () => Promise<void>, what: string, flags = false): Promise<boolean> {
    const msg = $("library-msg");
    msg.hidden = true;
    try {
      await f();
    } catch (e) {
      if (api.quiet(e)) return false;
      msg.textContent = `${what}: ${(e as api.HTTPError).detail || (e as Error).message}`;
      msg.hidden = false;
      return false;
    }
    await this.load();
    this.host.changed();
    if (flags) await this.host.loadVessels();
    return true;
  }

  private async saveZone(): Promise<void> {
    const err = $("zone-error");
    err.hidden = true;
    try {
      await api.addZone($<HTMLInputElement>("zone-name").value.trim(), this.drawn);
    } catch (e) {
      if (api.quiet(e)) return;
      err.textContent = (e as api.HTTPError).detail || (e as Error).message;
      err.hidden = false;
      return;
    }
    this.closeZoneForm();
    await this.load();
    this.host.changed();
  }

  private closeZoneForm(): void {
    this.drawn = [];
    this.host.clearDraft();
    ($("zone-form") as HTMLFormElement).reset();
    $("zone-area-msg").textContent = "no area yet";
    $("zone-form").hidden = true;
  }

  // ---- rendering -------------------------------------------------------------

  render(): void {
    const analyst = api.allowed(this.host.session, "rules");
    $("zones").innerHTML = this.zones.length
      ? this.zones.map((z) => zoneRow(z, analyst)).join("")
      : `<li class="empty muted">No zones yet.</li>`;
    $("lists").innerHTML = this.lists.length
      ? this.lists.map((l) => listRow(l, analyst)).join("")
      : `<li class="empty muted">No watchlists yet.</li>`;
  }
}

function zoneRow(z: ZoneFeature, analyst: boolean): string {
  const p = z.properties;
  const acts =
    analyst && p.own
      ? `<input class="rename" hidden maxlength="80" value="${esc(p.name)}" aria-label="New name">` +
        `<button class="ghost" data-zact="rename">Rename</button><button class="ghost" data-zact="delete" title="Delete the zone (not while a rule names it)">Delete</button>`
      : "";
  return (
    `<li class="rule zone" data-id="${esc(p.id ?? "")}" data-name="${esc(p.name)}"><div class="h"><b>${esc(p.name)}</b>${acts}</div>` +
    `<div class="m">${p.own ? `yours, drawn by ${esc(p.created_by ?? "")}${p.updated_by ? `, renamed by ${esc(p.updated_by)}` : ""}` : "the node's zones file"}</div></li>`
  );
}

function listRow(l: Watchlist, analyst: boolean): string {
  const entries = l.entries
    .map(
      (e) =>
        `<li class="entry" data-id="${esc(e.id)}"><span class="mono">${esc(entryKeys(e))}</span>${e.note ? ` <span class="muted">${esc(e.note)}</span>` : ""}` +
        (analyst ? ` <button class="ghost" data-lact="remove" data-entry="${esc(e.id)}" title="Take it off the list">×</button>` : "") +
        `</li>`,
    )
    .join("");
  const add = analyst
    ? `<div class="addentry"><input class="e-imo short" placeholder="IMO" inputmode="numeric"><input class="e-mmsi" placeholder="MMSI" inputmode="numeric">` +
      `<input class="e-name" placeholder="name"><input class="e-note" placeholder="note"><button class="ghost" data-lact="add">Add</button></div>`
    : "";
  return (
    `<li class="rule wlist" data-id="${esc(l.id)}"><div class="h"><b>${esc(l.name)}</b><span class="muted">${l.entries.length} vessel${l.entries.length === 1 ? "" : "s"}</span>` +
    (analyst ? `<button class="ghost" data-lact="delete" title="Delete the list (not while a rule uses it)">Delete</button>` : "") +
    `</div><ul class="entries">${entries || `<li class="muted">empty</li>`}</ul>${add}</li>`
  );
}

/** An entry's keys: IMO, MMSI, name. */
export function entryKeys(e: { imo?: number; mmsi?: number; name?: string }): string {
  return [e.imo ? `IMO ${e.imo}` : "", e.mmsi ? `MMSI ${e.mmsi}` : "", e.name ?? ""].filter(Boolean).join(" · ");
}

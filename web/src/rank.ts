// The order of the events list. A watch officer looks for behaviours
// (meetings, dark periods, loitering, spoofed positions, watchlist hits);
// identity findings and routine visits come after them, and what says
// nothing is left out: an event withdrawn (confidence 0), a port or zone
// visit of no duration (a ship heard once inside), which are many.
import type { PicketEvent } from "./api";

/** 0 behaviours, 1 identity findings, 2 routine visits. */
export function eventRank(e: PicketEvent): number {
  switch (e.type) {
    case "port_visit":
    case "zone_visit":
      return 2;
    case "identity_change":
      return 1;
    case "spoofing":
      return e.subtype === "invalid_identity" ? 1 : 0;
  }
  return 0;
}

/** Visits shorter than this say nothing: a ship heard once inside. */
const MIN_VISIT = 60_000;

/** Whether the list leaves e out whatever the filters. */
export function isNoise(e: PicketEvent): boolean {
  if (!(e.confidence > 0)) return true;
  if (e.type === "port_visit" || e.type === "zone_visit") return Date.parse(e.end) - Date.parse(e.start) < MIN_VISIT;
  return false;
}

/** Behaviours first, then identity findings, then visits; newest first within each. */
export function byRank(a: PicketEvent, b: PicketEvent): number {
  return eventRank(a) - eventRank(b) || Date.parse(b.start) - Date.parse(a.start);
}

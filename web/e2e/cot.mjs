// Parses every Cursor on Target event picket sent with the parser TAK's
// own web client uses (@tak-ps/node-cot) and prints what it read of each:
// one JSON line {ok, parsed: [{uid, type, how, access, lat, lon, course,
// speed, callsign, remarks, geometry}], errors}. Run by TestCoTParses:
//
//   node e2e/cot.mjs messages.json
//
// where messages.json is a JSON array of the events' XML.
import { readFileSync } from "node:fs";
import { CoTParser } from "@tak-ps/node-cot";

const result = { ok: false, parsed: [], errors: [] };
try {
  const messages = JSON.parse(readFileSync(process.argv[2], "utf8"));
  for (const [i, xml] of messages.entries()) {
    try {
      const cot = CoTParser.from_xml(xml);
      const ev = cot.raw.event;
      const a = ev._attributes;
      const p = ev.point._attributes;
      const d = ev.detail ?? {};
      const f = await CoTParser.to_geojson(cot);
      result.parsed.push({
        uid: cot.uid(),
        type: a.type,
        how: a.how,
        time: a.time,
        access: a.access,
        lat: Number(p.lat),
        lon: Number(p.lon),
        course: d.track?._attributes?.course ?? null,
        speed: d.track?._attributes?.speed ?? null,
        callsign: d.contact?._attributes?.callsign ?? null,
        remarks: d.remarks?._text ?? null,
        geometry: f.geometry,
        fcourse: f.properties.course ?? null,
        fspeed: f.properties.speed ?? null,
      });
    } catch (e) {
      result.errors.push(`message ${i}: ${e?.message ?? e}`);
    }
  }
  result.ok = result.errors.length === 0;
} catch (e) {
  result.errors.push(String(e?.message ?? e));
}
console.log(JSON.stringify(result));
// exitCode, not exit(): a pipe gets all of a long line before node ends.
process.exitCode = result.ok ? 0 : 1;

// Command boundariesgen writes internal/boundaries' embedded file from
// the project's reference data set (reference/boundaries): maritime
// limits as lines, simplified, in one gzip GeoJSON FeatureCollection.
// See internal/boundaries/SOURCES.md for what is taken from where.
//
//	go run ./internal/boundariesgen -data DIR -out boundaries.geojson.gz
package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/picket-ais/picket/internal/geo"
)

// tolerance is the Douglas-Peucker tolerance in degrees (about 200 m),
// and coordinates are rounded to 4 decimals (about 10 m): lines to see
// on a map, not to decide on.
const (
	tolerance = 0.002
	decimals  = 10000.0
)

// shoreCutM: a territorial-sea outline's points closer to the shore than
// this (or inland) are its land part, cut away.
const shoreCutM = 3000

type line = [][2]float64

type feature struct {
	kind, country, source, name string
	lines                       []line
}

func main() {
	data := flag.String("data", "", "the reference/boundaries directory")
	out := flag.String("out", "boundaries.geojson.gz", "output file")
	flag.Parse()
	if *data == "" {
		log.Fatal("-data is required")
	}
	var fs []feature
	var err error
	add := func(more []feature, e error) {
		if e != nil && err == nil {
			err = e
		}
		fs = append(fs, more...)
	}
	add(territorialSeas(filepath.Join(*data, "geo-maps_countries-maritime-10m_0.6.0.geo.json.gz")))
	add(noaa(filepath.Join(*data, "noaa_us_maritime_limits_boundaries_2020_shp.zip")))
	add(amsa(filepath.Join(*data, "amsa_eez_aust_mainland_line_shp.zip")))
	if err != nil {
		log.Fatal(err)
	}
	if err := write(*out, fs); err != nil {
		log.Fatal(err)
	}
}

// territorialSeas: each country's land plus territorial sea (OSM, via
// geo-maps); the outline at sea is the territorial sea's outer limit.
func territorialSeas(path string) ([]feature, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var fc struct {
		Features []struct {
			Properties struct {
				A3 string `json:"A3"`
			} `json:"properties"`
			Geometry struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.NewDecoder(zr).Decode(&fc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	shore := geo.DefaultShore()
	var out []feature
	for i, ft := range fc.Features {
		var polys [][][][2]float64
		switch ft.Geometry.Type {
		case "Polygon":
			var p [][][2]float64
			if err := json.Unmarshal(ft.Geometry.Coordinates, &p); err != nil {
				return nil, fmt.Errorf("%s: feature %d: %w", path, i, err)
			}
			polys = [][][][2]float64{p}
		case "MultiPolygon":
			if err := json.Unmarshal(ft.Geometry.Coordinates, &polys); err != nil {
				return nil, fmt.Errorf("%s: feature %d: %w", path, i, err)
			}
		default:
			return nil, fmt.Errorf("%s: feature %d: geometry %q", path, i, ft.Geometry.Type)
		}
		var ls []line
		for _, p := range polys {
			for _, ring := range p {
				// Cut the ring where it runs on or near land.
				var cur line
				flush := func() {
					if len(cur) >= 2 {
						ls = append(ls, cur)
					}
					cur = nil
				}
				for _, c := range ring {
					if shore.DistanceToShore(c[1], c[0]) < shoreCutM {
						flush()
						continue
					}
					cur = append(cur, c)
				}
				flush()
			}
		}
		if ls = simplifyAll(ls); len(ls) > 0 {
			out = append(out, feature{kind: "territorial_sea", country: ft.Properties.A3, source: "osm", lines: ls})
		}
	}
	return out, nil
}

// noaa: the US maritime limits (territorial sea, contiguous zone, EEZ)
// and boundaries with its neighbours; land boundaries are left out.
func noaa(path string) ([]feature, error) {
	shp, dbf, err := shapefile(path, "USMaritimeLimitsNBoundaries")
	if err != nil {
		return nil, err
	}
	var out []feature
	for i, rec := range dbf {
		kind := ""
		switch {
		case rec["FEAT_TYPE"] == "Land Boundary":
			continue
		case rec["FEAT_TYPE"] == "Maritime Boundary":
			kind = "boundary"
		case one(rec["TS"]):
			kind = "territorial_sea"
		case one(rec["CZ"]):
			kind = "contiguous_zone"
		case one(rec["EEZ"]):
			kind = "eez"
		default:
			return nil, fmt.Errorf("%s: record %d: limit of no kind: %v", path, i+1, rec)
		}
		if ls := simplifyAll(shp[i]); len(ls) > 0 {
			out = append(out, feature{kind: kind, country: "USA", source: "noaa", name: rec["REGION"], lines: ls})
		}
	}
	return out, nil
}

// amsa: the Australian mainland EEZ's outer limit, and its treaty lines
// with neighbours as boundaries.
func amsa(path string) ([]feature, error) {
	shp, dbf, err := shapefile(path, "eez_aust_mainland_pl")
	if err != nil {
		return nil, err
	}
	var eez, treaty []line
	for i, rec := range dbf {
		if rec["LIMIT"] != "Exclusive Economic Zone" {
			return nil, fmt.Errorf("%s: record %d: limit %q", path, i+1, rec["LIMIT"])
		}
		if rec["SOURCE"] == "Treaty line" {
			treaty = append(treaty, shp[i]...)
		} else {
			eez = append(eez, shp[i]...)
		}
	}
	return []feature{
		{kind: "eez", country: "AUS", source: "amsa", name: "Australian mainland & islands", lines: simplifyAll(joinLines(eez))},
		{kind: "boundary", country: "AUS", source: "amsa", name: "Australian mainland & islands", lines: simplifyAll(joinLines(treaty))},
	}, nil
}

func one(s string) bool { v, err := strconv.ParseFloat(s, 64); return err == nil && v == 1 }

// joinLines chains lines whose end is the next one's start, so that a
// limit made of hundreds of arcs is drawn and simplified as one.
func joinLines(ls []line) []line {
	var out []line
	for _, l := range ls {
		if n := len(out); n > 0 && out[n-1][len(out[n-1])-1] == l[0] {
			out[n-1] = append(out[n-1], l[1:]...)
			continue
		}
		out = append(out, append(line(nil), l...))
	}
	return out
}

// shapefile reads the polylines or polygon rings of a zipped shapefile,
// one list of parts per record, and its attributes.
func shapefile(path, name string) ([][]line, []map[string]string, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, nil, err
	}
	defer zr.Close()
	read := func(ext string) ([]byte, error) {
		for _, f := range zr.File {
			if filepath.Base(f.Name) == name+ext {
				rc, err := f.Open()
				if err != nil {
					return nil, err
				}
				defer rc.Close()
				return io.ReadAll(rc)
			}
		}
		return nil, fmt.Errorf("%s: no %s%s", path, name, ext)
	}
	shp, err := read(".shp")
	if err != nil {
		return nil, nil, err
	}
	dbfb, err := read(".dbf")
	if err != nil {
		return nil, nil, err
	}
	var recs [][]line
	for o := 100; o+8 <= len(shp); {
		clen := int(binary.BigEndian.Uint32(shp[o+4:])) * 2
		body := shp[o+8 : o+8+clen]
		o += 8 + clen
		typ := binary.LittleEndian.Uint32(body)
		if typ != 3 && typ != 5 {
			return nil, nil, fmt.Errorf("%s: shape type %d, want polyline or polygon", path, typ)
		}
		nparts := int(binary.LittleEndian.Uint32(body[36:]))
		npts := int(binary.LittleEndian.Uint32(body[40:]))
		parts := make([]int, nparts+1)
		for i := range nparts {
			parts[i] = int(binary.LittleEndian.Uint32(body[44+4*i:]))
		}
		parts[nparts] = npts
		pts := body[44+4*nparts:]
		var ls []line
		for i := range nparts {
			var l line
			for j := parts[i]; j < parts[i+1]; j++ {
				x := math.Float64frombits(binary.LittleEndian.Uint64(pts[16*j:]))
				y := math.Float64frombits(binary.LittleEndian.Uint64(pts[16*j+8:]))
				l = append(l, [2]float64{x, y})
			}
			ls = append(ls, l)
		}
		recs = append(recs, ls)
	}
	n := int(binary.LittleEndian.Uint32(dbfb[4:]))
	hl := int(binary.LittleEndian.Uint16(dbfb[8:]))
	rl := int(binary.LittleEndian.Uint16(dbfb[10:]))
	type field struct {
		name string
		n    int
	}
	var fields []field
	for o := 32; dbfb[o] != 0x0d; o += 32 {
		fields = append(fields, field{string(bytes.TrimRight(dbfb[o:o+11], "\x00")), int(dbfb[o+16])})
	}
	var attrs []map[string]string
	for i := range n {
		r := dbfb[hl+i*rl+1 : hl+(i+1)*rl]
		m := map[string]string{}
		p := 0
		for _, f := range fields {
			m[f.name] = strings.TrimSpace(string(r[p : p+f.n]))
			p += f.n
		}
		attrs = append(attrs, m)
	}
	if len(attrs) != len(recs) {
		return nil, nil, fmt.Errorf("%s: %d shapes but %d attribute rows", path, len(recs), len(attrs))
	}
	return recs, attrs, nil
}

// simplifyAll simplifies each line (Douglas-Peucker), rounds it and drops
// what is left shorter than two points.
func simplifyAll(ls []line) []line {
	var out []line
	for _, l := range ls {
		s := round(simplify(l))
		if len(s) >= 2 {
			out = append(out, s)
		}
	}
	return out
}

func simplify(l line) line {
	if len(l) < 3 {
		return l
	}
	keep := make([]bool, len(l))
	keep[0], keep[len(l)-1] = true, true
	var rec func(a, b int)
	rec = func(a, b int) {
		far, at := 0.0, -1
		for i := a + 1; i < b; i++ {
			if d := segDist(l[i], l[a], l[b]); d > far {
				far, at = d, i
			}
		}
		if at >= 0 && far > tolerance {
			keep[at] = true
			rec(a, at)
			rec(at, b)
		}
	}
	rec(0, len(l)-1)
	var out line
	for i, k := range keep {
		if k {
			out = append(out, l[i])
		}
	}
	return out
}

func segDist(p, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	if dx == 0 && dy == 0 {
		return math.Hypot(p[0]-a[0], p[1]-a[1])
	}
	t := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / (dx*dx + dy*dy)
	t = max(0, min(1, t))
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}

func round(l line) line {
	var out line
	for _, c := range l {
		r := [2]float64{math.Round(c[0]*decimals) / decimals, math.Round(c[1]*decimals) / decimals}
		if n := len(out); n > 0 && out[n-1] == r {
			continue
		}
		out = append(out, r)
	}
	return out
}

// write writes the features as a gzip GeoJSON FeatureCollection of
// MultiLineStrings, sorted, byte for byte reproducible.
func write(path string, fs []feature) error {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.source != b.source {
			return a.source < b.source
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		return a.country < b.country
	})
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, f := range fs {
		if i > 0 {
			buf.WriteByte(',')
		}
		props, _ := json.Marshal(map[string]string{"kind": f.kind, "country": f.country, "source": f.source, "name": f.name})
		coords, _ := json.Marshal(f.lines)
		fmt.Fprintf(&buf, "\n{\"type\":\"Feature\",\"properties\":%s,\"geometry\":{\"type\":\"MultiLineString\",\"coordinates\":%s}}", props, coords)
	}
	buf.WriteString("\n]}\n")
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(buf.Bytes())
	if err := zw.Close(); err != nil {
		return err
	}
	log.Printf("%d features, %d bytes, %d gzip", len(fs), buf.Len(), gz.Len())
	return os.WriteFile(path, gz.Bytes(), 0o644)
}

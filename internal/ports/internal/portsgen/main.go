// Command portsgen builds the port and anchorage list that package ports embeds, from the
// reference data set's ports directory:
//
//   - nga_world_port_index_pub150.csv.gz: NGA World Port Index (Pub 150), every port;
//   - gfw_wpi_ports.csv: Global Fishing Watch's copy of an older World Port Index, used for
//     its ISO 3166 alpha-3 country codes and for the few ports the newer index lacks;
//   - gfw_anchorage_overrides_named.csv.gz: Global Fishing Watch's named anchorage cells.
//
// Run it from internal/ports with the directory as a flag:
//
//	go run ./internal/portsgen -data path/to/reference/ports -out ports.csv.gz
//
// The output is a gzip CSV with the header name,country,lat,lon,kind,source, sorted, so a
// rerun on the same input writes the same bytes.
package main

import (
	"cmp"
	"compress/gzip"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

type port struct {
	name, country string
	lat, lon      float64
	kind, source  string
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("portsgen: ")
	data := flag.String("data", "", "directory holding the reference port files (required)")
	out := flag.String("out", "ports.csv.gz", "output file")
	flag.Parse()
	if *data == "" {
		flag.Usage()
		os.Exit(2)
	}

	wpi, err := readCSV(filepath.Join(*data, "nga_world_port_index_pub150.csv.gz"))
	check(err)
	gfwWPI, err := readCSV(filepath.Join(*data, "gfw_wpi_ports.csv"))
	check(err)
	anch, err := readCSV(filepath.Join(*data, "gfw_anchorage_overrides_named.csv.gz"))
	check(err)

	ports := portsFromWPI(wpi, gfwWPI)
	ports = append(ports, extraGFWPorts(ports, gfwWPI)...)
	ports = append(ports, anchorages(anch)...)

	slices.SortFunc(ports, func(a, b port) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.country, b.country),
			cmp.Compare(a.name, b.name), cmp.Compare(a.lat, b.lat), cmp.Compare(a.lon, b.lon),
			cmp.Compare(a.source, b.source))
	})
	ports = slices.CompactFunc(ports, func(a, b port) bool {
		return a.kind == b.kind && a.country == b.country && a.name == b.name &&
			coord(a.lat) == coord(b.lat) && coord(a.lon) == coord(b.lon)
	})
	check(write(*out, ports))
	counts := map[string]int{}
	for _, p := range ports {
		counts[p.kind+"/"+p.source]++
	}
	log.Printf("%s: %d entries %v", *out, len(ports), counts)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// table is a CSV file with a header, rows addressed by column name.
type table struct {
	path string
	cols map[string]int
	rows [][]string
}

func (t *table) get(row []string, col string) string {
	i, ok := t.cols[col]
	if !ok {
		log.Fatalf("%s: no column %q", t.path, col)
	}
	return strings.TrimSpace(row[i])
}

func readCSV(path string) (*table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		r = zr
	}
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty", path)
	}
	t := &table{path: path, cols: map[string]int{}, rows: recs[1:]}
	for i, name := range recs[0] {
		t.cols[strings.TrimPrefix(name, "\ufeff")] = i
	}
	return t, nil
}

func parseLatLon(t *table, row []string, latCol, lonCol string) (float64, float64, bool) {
	lat, err1 := strconv.ParseFloat(t.get(row, latCol), 64)
	lon, err2 := strconv.ParseFloat(t.get(row, lonCol), 64)
	ok := err1 == nil && err2 == nil && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
	return lat, lon, ok
}

// key rounds a position to about 100 m, enough to pair the same port in two WPI editions.
func key(lat, lon float64) [2]int64 {
	return [2]int64{int64(math.Round(lat * 1000)), int64(math.Round(lon * 1000))}
}

// portsFromWPI converts the NGA index. The index names countries ("North Korea"); GFW's copy
// of the index has ISO 3166 alpha-3 codes for the same coordinates, so each country name
// takes the code most of its ports carry there. Ports of a country name that never pairs
// fall back on their UN/LOCODE's alpha-2 prefix, mapped the same way.
func portsFromWPI(wpi, gfw *table) []port {
	iso3At := map[[2]int64]string{}
	for _, row := range gfw.rows {
		if lat, lon, ok := parseLatLon(gfw, row, "latitude", "longitude"); ok {
			iso3At[key(lat, lon)] = gfw.get(row, "iso3")
		}
	}
	byName := map[string]map[string]int{}
	byAlpha2 := map[string]map[string]int{}
	vote := func(m map[string]map[string]int, k, iso3 string) {
		if m[k] == nil {
			m[k] = map[string]int{}
		}
		m[k][iso3]++
	}
	for _, row := range wpi.rows {
		lat, lon, ok := parseLatLon(wpi, row, "Latitude", "Longitude")
		iso3 := iso3At[key(lat, lon)]
		if !ok || iso3 == "" {
			continue
		}
		if c := wpi.get(row, "Country Code"); c != "" {
			vote(byName, c, iso3)
		}
		if lo := wpi.get(row, "UN/LOCODE"); len(lo) >= 2 {
			vote(byAlpha2, lo[:2], iso3)
		}
	}
	winner := func(votes map[string]int) string {
		best := ""
		for iso3, n := range votes {
			if n > votes[best] || (n == votes[best] && iso3 < best) {
				best = iso3
			}
		}
		return best
	}
	// The few countries whose ports never pair with GFW's list and carry no UN/LOCODE.
	fallback := map[string]string{
		"Svalbard":       "SJM",
		"Namibia":        "NAM",
		"Wake Island":    "UMI",
		"Johnson Atoll":  "UMI",
		"Midway Islands": "UMI",
	}

	var ports []port
	for _, row := range wpi.rows {
		lat, lon, ok := parseLatLon(wpi, row, "Latitude", "Longitude")
		name := wpi.get(row, "Main Port Name")
		if !ok || name == "" {
			log.Printf("skipping WPI %s %q: no position or name", wpi.get(row, "World Port Index Number"), name)
			continue
		}
		country := wpi.get(row, "Country Code")
		iso3 := winner(byName[country])
		if iso3 == "" {
			if lo := wpi.get(row, "UN/LOCODE"); len(lo) >= 2 {
				iso3 = winner(byAlpha2[lo[:2]])
			}
		}
		if iso3 == "" {
			iso3 = fallback[country]
		}
		if iso3 == "" {
			log.Printf("WPI %s %q: no country code for %q", wpi.get(row, "World Port Index Number"), name, country)
		}
		ports = append(ports, port{name: name, country: iso3, lat: lat, lon: lon, kind: "port", source: "wpi"})
	}
	return ports
}

// extraGFWPorts returns the ports of GFW's older index that the NGA index lacks: those with
// no NGA port within 1 km, nor one of the same name within 30 km (a port whose position was
// revised between editions).
func extraGFWPorts(wpi []port, gfw *table) []port {
	var extra []port
	for _, row := range gfw.rows {
		lat, lon, ok := parseLatLon(gfw, row, "latitude", "longitude")
		name := gfw.get(row, "label")
		if !ok || name == "" {
			continue
		}
		dup := false
		for _, p := range wpi {
			d := distanceKm(lat, lon, p.lat, p.lon)
			if d < 1 || (d < 30 && normName(p.name) == normName(name)) {
				dup = true
				break
			}
		}
		if !dup {
			extra = append(extra, port{name: name, country: gfw.get(row, "iso3"), lat: lat, lon: lon, kind: "port", source: "gfw-wpi"})
		}
	}
	return extra
}

// anchorages returns GFW's named anchorage cells, one entry per cell: GFW counts a port
// visit when a vessel comes within 3 km of any cell of the port, so the cells themselves,
// not a centre, are what a detector needs. About 2,000 cells are listed more than once,
// mostly under different labels; the first row wins, as in GFW's pipeline, which takes the
// first override matching a cell. Sublabels are dropped: in this file they are mostly S2
// cell ids and spreadsheet-mangled numbers.
func anchorages(t *table) []port {
	var out []port
	seen := map[[2]string]bool{}
	for _, row := range t.rows {
		lat, lon, ok := parseLatLon(t, row, "latitude", "longitude")
		name, iso3 := t.get(row, "label"), t.get(row, "iso3")
		if !ok || name == "" || !isISO3(iso3) || name == "REMOVE" || math.Abs(lat)+math.Abs(lon) < 0.01 {
			// A cell at the north pole and one whose latitude repeats its longitude have no
			// country, one POINTE NOIRE row has a longitude of 1001, and a "REMOVE" marker
			// sits at 0,0 with country "NA".
			log.Printf("skipping anchorage %s %q %q: no position, name or country", t.get(row, "s2id"), name, iso3)
			continue
		}
		if k := [2]string{coord(lat), coord(lon)}; !seen[k] {
			seen[k] = true
			out = append(out, port{name: name, country: iso3, lat: lat, lon: lon, kind: "anchorage", source: "gfw"})
		}
	}
	return out
}

func isISO3(s string) bool {
	return len(s) == 3 && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
}

func normName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	sφ := math.Sin((lat2 - lat1) * rad / 2)
	sλ := math.Sin((lon2 - lon1) * rad / 2)
	h := sφ*sφ + math.Cos(lat1*rad)*math.Cos(lat2*rad)*sλ*sλ
	return 2 * 6371.0088 * math.Asin(math.Sqrt(min(h, 1)))
}

// coord formats a coordinate with 5 decimals (about 1 m), plenty for a 3 km visit radius.
func coord(v float64) string { return strconv.FormatFloat(v, 'f', 5, 64) }

func write(path string, ports []port) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		return err
	}
	w := csv.NewWriter(zw)
	w.Write([]string{"name", "country", "lat", "lon", "kind", "source"})
	for _, p := range ports {
		w.Write([]string{p.name, p.country, coord(p.lat), coord(p.lon), p.kind, p.source})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

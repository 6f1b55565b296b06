package ports

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The reference data lives next to the repository (see DESIGN.md); point -data elsewhere
// if your copy is not there.
//go:generate go run ./internal/portsgen -data ../../../shared/data/reference/ports -out ports.csv.gz

// portsCSV is written by internal/portsgen: gzip CSV, header name,country,lat,lon,kind,source.
//
//go:embed ports.csv.gz
var portsCSV []byte

var defaultIndex = sync.OnceValue(func() *Index {
	ps, err := decodeDefault(portsCSV)
	if err != nil {
		panic(err) // the embedded list is a build artefact that the tests decode
	}
	ix, err := newIndex(ps, Options{})
	if err != nil {
		panic(err)
	}
	return ix
})

// DefaultPorts returns a copy of the built-in list: 3,815 World Port Index ports and 55,962
// Global Fishing Watch named anchorage cells (see SOURCES.md for origins and licences).
func DefaultPorts() []Port { return Default().Ports() }

// Default returns an index over the built-in list with default Options, built on the first
// call (about 50 ms, 7 MB) and shared afterwards. To add a user's places, or to leave out
// the non-commercial GFW anchorages, build your own with New.
func Default() *Index { return defaultIndex() }

func decodeDefault(b []byte) ([]Port, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("ports: built-in list: %w", err)
	}
	cr := csv.NewReader(zr)
	cr.FieldsPerRecord = 6
	cr.ReuseRecord = true
	if _, err := cr.Read(); err != nil { // header
		return nil, fmt.Errorf("ports: built-in list: %w", err)
	}
	// Names, countries and sources repeat (1,500 cells are called SINGAPORE): keep one copy.
	intern := map[string]string{}
	str := func(s string) string {
		if v, ok := intern[s]; ok {
			return v
		}
		s = strings.Clone(s) // a field shares memory with its whole record
		intern[s] = s
		return s
	}
	ports := make([]Port, 0, 60000)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return slices.Clip(ports), nil
		}
		if err != nil {
			return nil, fmt.Errorf("ports: built-in list: %w", err)
		}
		lat, err1 := strconv.ParseFloat(rec[2], 64)
		lon, err2 := strconv.ParseFloat(rec[3], 64)
		kind, ok := parseKind(rec[4])
		if err1 != nil || err2 != nil || !ok {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("ports: built-in list: line %d: bad record", line)
		}
		ports = append(ports, Port{Name: str(rec[0]), Country: str(rec[1]), Lat: lat, Lon: lon, Kind: kind, Source: str(rec[5])})
	}
}

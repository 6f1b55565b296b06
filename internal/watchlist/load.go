package watchlist

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/picket-ais/picket/internal/identity"
)

// Format is a list's file layout.
type Format uint8

const (
	FormatAuto Format = iota // recognise from the header
	FormatCSV                // imo, mmsi, name columns
	FormatOFAC               // OFAC SDN vessel extract
	FormatUN                 // UN consolidated list, entities with IMO numbers
)

func (f Format) String() string {
	switch f {
	case FormatCSV:
		return "csv"
	case FormatOFAC:
		return "ofac"
	case FormatUN:
		return "un"
	}
	return "auto"
}

// Options control Load. The zero value loads any known format leniently.
type Options struct {
	// Name is Entry.List for every entry. Default: "OFAC SDN" or "UN
	// consolidated" for those formats, else the file's base name without
	// extension (LoadFile) or "watchlist" (Load).
	Name string
	// Format skips header recognition. Default FormatAuto.
	Format Format
	// Programs are the sanctions programmes of every entry of a list
	// whose rows name none, e.g. ["DPRK"] for the UN 1718 Committee's
	// vessels. Default none.
	Programs []string
	// Strict fails the load on the first bad value. Default false: one
	// mistyped IMO in a list of hundreds should not blind the watch to
	// the rest; the bad values are in Warnings.
	Strict bool
}

// LoadFile opens and loads a list; a name ending in .gz is gunzipped.
func LoadFile(path string, opts Options) (*List, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("watchlist: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	base := filepath.Base(path)
	if b, ok := strings.CutSuffix(base, ".gz"); ok {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("watchlist: %s: %w", path, err)
		}
		defer zr.Close()
		r, base = zr, b
	}
	l, err := load(r, opts, strings.TrimSuffix(base, filepath.Ext(base)))
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return l, nil
}

// Load reads a list in one of the formats described in the package
// documentation.
func Load(r io.Reader, opts Options) (*List, error) {
	return load(r, opts, "watchlist")
}

func load(r io.Reader, opts Options, defaultName string) (*List, error) {
	br := bufio.NewReader(r)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // counted here, so a short row is a warning
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: empty file", ErrHeader)
	}
	if err != nil {
		return nil, fmt.Errorf("watchlist: %w", err)
	}
	cols := make([]string, len(header))
	for i, h := range header {
		cols[i] = strings.ToLower(strings.TrimSpace(h))
	}
	format := opts.Format
	if format == FormatAuto {
		format = detect(cols)
	}
	ld := loader{opts: opts, cols: cols, l: &List{}, defaultName: defaultName}
	if err := ld.mapColumns(format); err != nil {
		return nil, err
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("watchlist: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if err := ld.row(line, rec); err != nil {
			return nil, err
		}
	}
	ld.l.index()
	return ld.l, nil
}

// detect recognises a format by its distinctive columns.
func detect(cols []string) Format {
	has := func(names ...string) bool {
		for _, n := range names {
			if !contains(cols, n) {
				return false
			}
		}
		return true
	}
	switch {
	case has("ent_num", "programs", "imo", "mmsi", "remarks"):
		return FormatOFAC
	case has("reference_number", "un_list_type", "imo_numbers"):
		return FormatUN
	case contains(cols, "imo") || contains(cols, "mmsi") || contains(cols, "name"):
		return FormatCSV
	}
	return FormatAuto
}

func contains(cols []string, name string) bool { return slices.Contains(cols, name) }

// loader holds the column mapping of one file while it is read.
type loader struct {
	opts        Options
	defaultName string
	cols        []string
	l           *List
	list        string // Entry.List
	kind        Kind
	// Column indexes, -1 when absent.
	imo, mmsi, name, id, programs, aliases, remarks int
	// progSep and aliasSep split multi-valued columns.
	progSep, aliasSep string
	// multiName: the name column holds all the vessel's names, the
	// first its entry name and the others aliases; multiMMSI: the mmsi
	// column holds several MMSIs.
	multiName, multiMMSI bool
	used                 []bool // columns not copied to Extra
}

func (ld *loader) mapColumns(format Format) error {
	ld.used = make([]bool, len(ld.cols))
	seen := map[string]bool{}
	for _, c := range ld.cols {
		if c != "" && seen[c] {
			return fmt.Errorf("%w: column %q appears twice", ErrHeader, c)
		}
		seen[c] = true
	}
	col := func(name string) int {
		i := slices.Index(ld.cols, name)
		if i >= 0 {
			ld.used[i] = true
		}
		return i
	}
	// need lists the columns without which a forced format makes no sense.
	var need []string
	ld.remarks = -1
	ld.progSep, ld.aliasSep = ";", "|"
	switch format {
	case FormatOFAC:
		need = []string{"ent_num", "name", "imo"}
		ld.list = "OFAC SDN"
		ld.id, ld.name, ld.programs = col("ent_num"), col("name"), col("programs")
		ld.imo, ld.mmsi, ld.aliases = col("imo"), col("mmsi"), col("aliases")
		if ld.remarks = col("remarks"); ld.remarks >= 0 {
			ld.used[ld.remarks] = false // also kept as text
		}
	case FormatUN:
		need = []string{"reference_number", "name", "imo_numbers"}
		ld.list = "UN consolidated"
		ld.kind = KindCompany
		ld.id, ld.name, ld.programs = col("reference_number"), col("name"), col("un_list_type")
		ld.imo, ld.aliases = col("imo_numbers"), col("aliases")
		ld.mmsi = -1
		ld.progSep = "|"
	case FormatCSV:
		ld.imo, ld.mmsi, ld.name = col("imo"), col("mmsi"), col("name")
		ld.id, ld.aliases = col("id"), col("aliases")
		// The UN 1718 and EU vessel lists give every name a vessel has
		// had in one names column, and the UN list every MMSI it used in
		// an mmsis column, both '|'-separated.
		if ld.name < 0 {
			if ld.name = col("names"); ld.name >= 0 {
				ld.multiName = true
			}
		}
		if ld.mmsi < 0 {
			if ld.mmsi = col("mmsis"); ld.mmsi >= 0 {
				ld.multiMMSI = true
			}
		}
		if ld.programs = col("program"); ld.programs == -1 {
			ld.programs = col("programs")
		}
	default:
		return fmt.Errorf("%w: want imo, mmsi or name columns, or an OFAC or UN list; have %q", ErrHeader, ld.cols)
	}
	for _, n := range need {
		if !seen[n] {
			return fmt.Errorf("%w: no %s column for format %v", ErrHeader, n, format)
		}
	}
	if ld.imo < 0 && ld.mmsi < 0 && ld.name < 0 {
		return fmt.Errorf("%w: no imo, mmsi or name column for format %v in %q", ErrHeader, format, ld.cols)
	}
	if ld.opts.Name != "" {
		ld.list = ld.opts.Name
	} else if format == FormatCSV {
		ld.list = ld.defaultName
	}
	return nil
}

// warn records a bad value, or returns it when loading strictly.
func (ld *loader) warn(e *ParseError) error {
	if ld.opts.Strict {
		return e
	}
	ld.l.warnings = append(ld.l.warnings, e)
	return nil
}

func (ld *loader) row(line int, rec []string) error {
	if len(rec) != len(ld.cols) {
		ld.l.skipped++
		return ld.warn(&ParseError{Line: line, Err: ErrFieldCount,
			Value: fmt.Sprintf("%d fields, header has %d", len(rec), len(ld.cols))})
	}
	get := func(i int) string {
		if i < 0 {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	e := Entry{List: ld.list, Kind: ld.kind, Line: line, ID: get(ld.id), Name: get(ld.name)}
	if e.ID == "" {
		e.ID = "line " + strconv.Itoa(line)
	}
	e.Programs = split(get(ld.programs), ld.progSep)
	if e.Programs == nil && len(ld.opts.Programs) > 0 {
		e.Programs = slices.Clone(ld.opts.Programs)
	}
	e.Aliases = split(get(ld.aliases), ld.aliasSep)
	if ld.multiName {
		if names := split(e.Name, "|"); len(names) > 0 {
			e.Name = names[0]
			e.Aliases = append(names[1:len(names):len(names)], e.Aliases...)
		}
	}

	// IMO. The UN list may quote several company numbers for one entity;
	// the first valid one is the entry's and the others become aliases of
	// a sort: extra index keys.
	var imos []int
	imoField := "imo"
	if ld.imo >= 0 {
		imoField = ld.cols[ld.imo]
	}
	rawIMO := get(ld.imo)
	if rawIMO == "" && ld.remarks >= 0 {
		// OFAC leaves the column empty when its remark is malformed
		// ("Vessel Registration Identification IMO 15411"): check it.
		rawIMO = imoInText(get(ld.remarks))
		imoField = "imo (remarks)"
	}
	if rawIMO == "0" {
		rawIMO = "" // AIS's "not available", as exported by some tools
	}
	for _, s := range split(rawIMO, "|") {
		parse := identity.ParseIMO
		if ld.kind == KindCompany {
			parse = identity.ParseCompanyIMO
		}
		n, err := parse(s)
		if err != nil {
			if err := ld.warn(&ParseError{Line: line, Field: imoField, Value: s, Err: ErrBadIMO, Cause: err}); err != nil {
				return err
			}
			continue
		}
		imos = append(imos, n)
	}
	if len(imos) > 0 {
		e.IMO = imos[0]
	}

	rawMMSI := []string{get(ld.mmsi)}
	if ld.multiMMSI {
		rawMMSI = split(rawMMSI[0], "|")
	}
	var mmsis []int
	for _, s := range rawMMSI {
		if s == "" || s == "0" {
			continue
		}
		n, ok := parseMMSI(s)
		if !ok {
			if err := ld.warn(&ParseError{Line: line, Field: ld.cols[ld.mmsi], Value: s, Err: ErrBadMMSI}); err != nil {
				return err
			}
			continue
		}
		if !slices.Contains(mmsis, n) {
			mmsis = append(mmsis, n)
		}
	}
	if len(mmsis) > 0 {
		e.MMSI = mmsis[0]
	}
	if len(mmsis) > 1 {
		e.MMSIs = mmsis
	}

	for i, v := range rec {
		if ld.used[i] {
			continue
		}
		if v = strings.TrimSpace(v); v != "" {
			e.Extra = append(e.Extra, Field{Name: ld.cols[i], Value: v})
		}
	}

	if e.IMO == 0 && e.MMSI == 0 && identity.NameKey(e.Name) == "" {
		ld.l.skipped++
		return ld.warn(&ParseError{Line: line, Err: ErrEmptyEntry})
	}
	ld.l.entries = append(ld.l.entries, e)
	for _, n := range imos[min(1, len(imos)):] {
		ld.l.extraIMO = append(ld.l.extraIMO, extraKey{entry: len(ld.l.entries) - 1, imo: n})
	}
	return nil
}

// parseMMSI accepts one to nine digits: lists write MMSIs with leading
// zeros dropped as often as kept.
func parseMMSI(s string) (int, bool) {
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// imoInText returns the digits after the first "IMO " in s, or "".
func imoInText(s string) string {
	for {
		i := strings.Index(s, "IMO ")
		if i < 0 {
			return ""
		}
		s = s[i+4:]
		j := 0
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j > 0 {
			return s[:j]
		}
	}
}

func split(s, sep string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

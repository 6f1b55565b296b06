package watchlist

import (
	"bytes"
	"embed"
	"fmt"
	"slices"
	"strings"
)

//go:embed lists/*.csv
var builtinFiles embed.FS

// builtin is one list compiled into picket (lists/SOURCES.md says where
// each comes from).
type builtin struct {
	name     string // what --watchlist takes
	file     string
	list     string // Entry.List
	programs []string
	about    string
}

var builtins = []builtin{
	{"un1718", "un1718_designated_vessels_2020-06-04.csv", "UN 1718", []string{"DPRK"},
		"UN Security Council 1718 Committee Designated Vessels List, 2020-06-04 (58 vessels, DPRK)"},
	{"eu", "eu_designated_vessels_dma_2026-08-22.csv", "EU designated", []string{"EU 833/2014"},
		"EU designated vessels, Annex XLII to Regulation 833/2014, 2026-08-22 (597 vessels)"},
	{"ofac", "ofac_sdn_vessels_2021-07.csv", "OFAC SDN", nil,
		"US Treasury OFAC SDN list, vessels, 2021-07 (406 vessels)"},
}

// BuiltinNames returns the names of the lists compiled into picket, in
// the order they are documented: un1718, eu, ofac.
func BuiltinNames() []string {
	out := make([]string, len(builtins))
	for i, b := range builtins {
		out[i] = b.name
	}
	return out
}

// IsBuiltin reports whether name (case-insensitive) is a built-in list.
// A user's file that happens to be called the same is reached with a
// path: ./eu.
func IsBuiltin(name string) bool {
	return slices.ContainsFunc(builtins, func(b builtin) bool { return strings.EqualFold(b.name, name) })
}

// BuiltinAbout returns one line saying what a built-in list is and how
// old it is, or "" for a name that is not one.
func BuiltinAbout(name string) string {
	for _, b := range builtins {
		if strings.EqualFold(b.name, name) {
			return b.about
		}
	}
	return ""
}

// Builtin loads a list compiled into picket by name (BuiltinNames).
func Builtin(name string) (*List, error) {
	for _, b := range builtins {
		if !strings.EqualFold(b.name, name) {
			continue
		}
		data, err := builtinFiles.ReadFile("lists/" + b.file)
		if err != nil {
			panic("watchlist: built-in list missing: " + b.file) // a broken build
		}
		l, err := load(bytes.NewReader(data), Options{Name: b.list, Programs: b.programs}, b.name)
		if err != nil {
			return nil, fmt.Errorf("%w (built-in %s)", err, b.name)
		}
		return l, nil
	}
	return nil, fmt.Errorf("watchlist: no built-in list %q (have %s)", name, strings.Join(BuiltinNames(), ", "))
}

// Open loads a built-in list by name or a list file by path: what
// `--watchlist` and the serve config's watchlists take.
func Open(nameOrPath string, opts Options) (*List, error) {
	if IsBuiltin(nameOrPath) {
		return Builtin(nameOrPath)
	}
	return LoadFile(nameOrPath, opts)
}

package identity

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"sync"
)

//go:generate go run gen_mid.go -itu ../../../shared/data/reference/mid/itu_mid.csv -iso /usr/share/iso-codes/json/iso_3166-1.json -o mid.csv

//go:embed mid.csv
var midCSV []byte

// Country is the administration a MID is allocated to.
type Country struct {
	MID int
	// Name is ITU's "allocated to" text, e.g. "Panama (Republic of)" or,
	// for a territory, "United Kingdom of Great Britain and Northern
	// Ireland - Gibraltar".
	Name string
	// Alpha2 and Alpha3 are ISO 3166-1 codes: the territory's own when it
	// has one (GI for Gibraltar), else the administration's (PT for the
	// Azores). Compare flags by Alpha2: several MIDs share one state.
	Alpha2 string
	Alpha3 string
}

// midTable is indexed by MID; an entry with MID 0 is unallocated.
type midTable [1000]Country

var table = sync.OnceValue(func() *midTable {
	t, err := parseMIDs(midCSV)
	if err != nil {
		panic(err) // the embedded file is checked by the tests
	}
	return t
})

func parseMIDs(b []byte) (*midTable, error) {
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("identity: mid table: %w", err)
	}
	if len(rows) < 2 || len(rows[0]) != 4 || rows[0][0] != "mid" {
		return nil, fmt.Errorf("identity: mid table: unexpected header (%d rows)", len(rows))
	}
	t := new(midTable)
	for i, r := range rows[1:] {
		mid, err := strconv.Atoi(r[0])
		if err != nil || mid < 200 || mid > 799 || len(r[1]) != 2 || len(r[2]) != 3 || r[3] == "" {
			return nil, fmt.Errorf("identity: mid table: line %d: bad row %q", i+2, r)
		}
		if t[mid].MID != 0 {
			return nil, fmt.Errorf("identity: mid table: line %d: duplicate mid %d", i+2, mid)
		}
		t[mid] = Country{MID: mid, Name: r[3], Alpha2: r[1], Alpha3: r[2]}
	}
	return t, nil
}

// ValidMID reports whether ITU has allocated mid to an administration.
func ValidMID(mid int) bool {
	return mid > 0 && mid < len(midTable{}) && table()[mid].MID != 0
}

// LookupMID returns the administration mid is allocated to.
func LookupMID(mid int) (Country, bool) {
	if !ValidMID(mid) {
		return Country{}, false
	}
	return table()[mid], true
}

// Countries returns every allocated MID in ascending order.
func Countries() []Country {
	var out []Country
	for _, c := range table() {
		if c.MID != 0 {
			out = append(out, c)
		}
	}
	return out
}

//go:build ignore

// gen_mid builds mid.csv, the MID table this package embeds, from the ITU
// "Maritime Identification Digits" table (MID, Allocated_to) and the ISO
// 3166-1 list shipped by Debian's iso-codes package, which has the names,
// official names and common names needed to match ITU's wording. Run from
// this directory with shared/ beside the repository:
//
//	apt-get install iso-codes
//	go run gen_mid.go \
//	    -itu ../../../shared/data/reference/mid/itu_mid.csv \
//	    -iso /usr/share/iso-codes/json/iso_3166-1.json -o mid.csv
//
// (or go generate).
//
// Matching is by name only; the handful of ITU names that ISO spells too
// differently are listed in overrides with the reason. A territory that ISO
// gives no code of its own (Azores, Alaska, Adelie Land) gets its
// administration's code, and so does a MID allocated to several coded areas
// (306: Bonaire/Sint Eustatius/Saba, Curaçao, Sint Maarten), so a flag code
// is never guessed.
package main

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"log"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// overrides maps ITU area names to ISO 3166-1 alpha-2 where the name match
// cannot work. Each is ISO 3166's own coverage of the area.
var overrides = map[string]string{
	// ISO: "Virgin Islands, U.S." ("U.S." never matches "United States").
	"United States Virgin Islands": "VI",
	// ISO: "French Guiana"; ITU drops "French" into the parenthesis.
	"Guiana (French Department of)": "GF",
	// ISO's SH is "Saint Helena, Ascension and Tristan da Cunha".
	"Ascension Island": "SH",
	// ISO's TF (French Southern Territories) covers the Crozet, Kerguelen,
	// Saint Paul and Amsterdam islands; Adelie Land is not in TF.
	"Crozet Archipelago":               "TF",
	"Kerguelen Islands":                "TF",
	"Saint Paul and Amsterdam Islands": "TF",
}

type isoEntry struct {
	Alpha2     string `json:"alpha_2"`
	Alpha3     string `json:"alpha_3"`
	Name       string `json:"name"`
	Official   string `json:"official_name"`
	CommonName string `json:"common_name"`
}

func main() {
	ituPath := flag.String("itu", "", "ITU MID table (MID,Allocated_to)")
	isoPath := flag.String("iso", "", "iso-codes iso_3166-1.json")
	outPath := flag.String("o", "", "output file (default standard output)")
	flag.Parse()
	log.SetFlags(0)
	if *ituPath == "" || *isoPath == "" {
		log.Fatal("gen_mid: -itu and -iso are required")
	}

	var iso struct {
		List []isoEntry `json:"3166-1"`
	}
	b, err := os.ReadFile(*isoPath)
	if err != nil {
		log.Fatal(err)
	}
	if err := json.Unmarshal(b, &iso); err != nil {
		log.Fatal(err)
	}
	byForm := map[string]string{} // form -> alpha2, "" when ambiguous
	alpha3 := map[string]string{}
	for _, e := range iso.List {
		alpha3[e.Alpha2] = e.Alpha3
		for _, n := range []string{e.Name, e.Official, e.CommonName} {
			for _, f := range forms(n) {
				if prev, ok := byForm[f]; ok && prev != e.Alpha2 {
					byForm[f] = ""
					continue
				}
				byForm[f] = e.Alpha2
			}
		}
	}
	lookup := func(name string) string {
		if a2, ok := overrides[name]; ok {
			return a2
		}
		for _, f := range forms(name) {
			if a2 := byForm[f]; a2 != "" {
				return a2
			}
		}
		return ""
	}

	f, err := os.Open(*ituPath)
	if err != nil {
		log.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		log.Fatal(err)
	}
	type alloc struct {
		admin  string
		areas  []string
		codes  map[string]bool
		adminC string
	}
	allocs := map[int]*alloc{}
	for i, r := range rows {
		if i == 0 {
			continue // header
		}
		mid, err := strconv.Atoi(r[0])
		if err != nil || len(r) != 2 {
			log.Fatalf("gen_mid: line %d: bad row %q", i+1, r)
		}
		admin, area, _ := strings.Cut(r[1], " - ")
		adminCode := lookup(admin)
		if adminCode == "" {
			log.Fatalf("gen_mid: line %d: no ISO code for administration %q", i+1, admin)
		}
		code := adminCode
		if area != "" {
			if c := lookup(area); c != "" {
				code = c
			} else {
				log.Printf("gen_mid: %d %q: no ISO code of its own, using %s", mid, area, adminCode)
			}
		}
		a := allocs[mid]
		if a == nil {
			a = &alloc{admin: admin, codes: map[string]bool{}, adminC: adminCode}
			allocs[mid] = a
		} else if a.admin != admin {
			log.Fatalf("gen_mid: MID %d allocated to %q and %q", mid, a.admin, admin)
		}
		if area != "" {
			a.areas = append(a.areas, area)
		}
		a.codes[code] = true
	}

	mids := make([]int, 0, len(allocs))
	for m := range allocs {
		mids = append(mids, m)
	}
	sort.Ints(mids)
	out := os.Stdout
	if *outPath != "" {
		if out, err = os.Create(*outPath); err != nil {
			log.Fatal(err)
		}
	}
	w := csv.NewWriter(out)
	w.Write([]string{"mid", "alpha2", "alpha3", "allocated_to"})
	for _, m := range mids {
		a := allocs[m]
		code := a.adminC
		if len(a.codes) == 1 {
			for c := range a.codes {
				code = c
			}
		}
		name := a.admin
		if len(a.areas) > 0 {
			name += " - " + strings.Join(a.areas, "; ")
		}
		w.Write([]string{strconv.Itoa(m), code, alpha3[code], name})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		log.Fatal(err)
	}
	if err := out.Close(); err != nil {
		log.Fatal(err)
	}
}

// forms returns the spellings under which a name is looked up: folded to
// lower-case ASCII words without "the", with "X (Y)" and "X, Y" also tried
// as "Y X", and with a trailing "island(s)" dropped (ITU: "Pitcairn Island",
// ISO: "Pitcairn").
func forms(name string) []string {
	if name == "" {
		return nil
	}
	var out []string
	add := func(s string) {
		s = fold(s)
		if s == "" {
			return
		}
		out = append(out, s)
		if t, ok := strings.CutSuffix(s, " islands"); ok {
			out = append(out, t)
		} else if t, ok := strings.CutSuffix(s, " island"); ok {
			out = append(out, t)
		}
	}
	add(name)
	if x, y, ok := strings.Cut(name, " ("); ok && strings.HasSuffix(y, ")") {
		y = strings.TrimSuffix(y, ")")
		add(y + " " + x)
		add(x)
		add(y)
	}
	if x, y, ok := strings.Cut(name, ", "); ok {
		add(y + " " + x)
		add(x)
	}
	return out
}

var accents = map[rune]rune{
	'á': 'a', 'à': 'a', 'â': 'a', 'ä': 'a', 'å': 'a', 'ã': 'a',
	'ç': 'c', 'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i', 'ñ': 'n',
	'ó': 'o', 'ò': 'o', 'ô': 'o', 'ö': 'o', 'õ': 'o',
	'ú': 'u', 'ù': 'u', 'û': 'u', 'ü': 'u',
}

func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if a, ok := accents[r]; ok {
			r = a
		}
		switch {
		case r == '\'' || r == '’' || r == '.':
			// "People's" -> "peoples", "U.S." -> "us"
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	var words []string
	for _, w := range strings.Fields(b.String()) {
		if w != "the" {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

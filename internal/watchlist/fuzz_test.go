package watchlist

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/identity"
)

// FuzzLoad checks that any input either fails with a watchlist error or
// accounts for every row: an entry or a skipped row with a warning.
func FuzzLoad(f *testing.F) {
	for _, p := range []string{ofacFile, unFile} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b[:min(len(b), 3000)]))
	}
	f.Add("imo,mmsi,name\n7937317,445000001,A\n12345,x,\n,,\n1,2\n")
	f.Add("\ufeffname\n  \n\"a\"\"b\"\n")
	f.Add("mmsi\n")
	f.Fuzz(func(t *testing.T, in string) {
		l, err := Load(strings.NewReader(in), Options{})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "watchlist: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(in, "\ufeff")))
		cr.FieldsPerRecord = -1
		rows := -1 // header
		for {
			_, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("Load accepted what csv rejects: %v", err)
			}
			rows++
		}
		if l.Len()+l.Skipped() != rows {
			t.Fatalf("%d rows, %d entries + %d skipped", rows, l.Len(), l.Skipped())
		}
		skipWarnings := 0
		for _, w := range l.Warnings() {
			if errors.Is(w, ErrFieldCount) || errors.Is(w, ErrEmptyEntry) {
				skipWarnings++
			}
		}
		if skipWarnings != l.Skipped() {
			t.Fatalf("%d skipped, %d warnings saying so", l.Skipped(), skipWarnings)
		}
		for _, e := range l.Entries() {
			if e.IMO == 0 && e.MMSI == 0 && identity.NameKey(e.Name) == "" {
				t.Fatalf("empty entry %+v", e)
			}
			if e.IMO != 0 {
				if hits := l.Match(e.IMO, 0, ""); e.Kind == KindVessel && len(hits) == 0 {
					t.Fatalf("entry %+v not found by IMO", e)
				}
			}
		}
	})
}

package export

import (
	"encoding/csv"
	"io"

	"github.com/picket-ais/picket/internal/event"
)

// WriteCSV writes one row per event (RFC 4180) under a header of Columns.
func WriteCSV(w io.Writer, evs []event.Event) error {
	cw := csv.NewWriter(w)
	cw.Write(Header())
	row := make([]string, len(Columns))
	for i := range evs {
		for k, c := range Columns {
			row[k] = c.Value(&evs[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

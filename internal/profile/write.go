package profile

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// WriteJSONL writes one profile per line, in the order given (Build's
// order), as vessels.jsonl.
func WriteJSONL(w io.Writer, ps []Profile) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false) // names such as "A&B" stay readable
	for i := range ps {
		if err := enc.Encode(&ps[i]); err != nil {
			return fmt.Errorf("profile: mmsi %d: %w", ps[i].MMSI, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	return nil
}

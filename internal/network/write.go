package network

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// document is the shape of networks.json.
type document struct {
	Networks []Network `json:"networks"`
}

// WriteJSON writes networks.json: {"networks": [...]}, indented for
// reading, with an empty list rather than null when there are none.
func WriteJSON(w io.Writer, ns []Network) error {
	if ns == nil {
		ns = []Network{}
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(document{ns}); err != nil {
		return fmt.Errorf("network: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("network: %w", err)
	}
	return nil
}

package cluster

import (
	"bytes"
	"encoding/gob"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// output is what a partition's owner made of a run of lines, one message
// on the output stream: the read model of every node is made of these.
// Feed bits in it are indices into Feeds, the owner's names for its
// feeds; each node maps the names to its own feeds' bits.
type output struct {
	Feeds  []string
	Pos    []store.Position
	Idents []ident
	Events []outEvent
}

type ident struct {
	MMSI uint32
	Rec  store.IdentityRecord
}

type outEvent struct {
	Event event.Event
	Prov  store.Provenance
}

func (o *output) empty() bool { return len(o.Pos) == 0 && len(o.Idents) == 0 && len(o.Events) == 0 }

func (o *output) encode() ([]byte, error) {
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(o)
	return b.Bytes(), err
}

func decodeOutput(b []byte) (*output, error) {
	var o output
	err := gob.NewDecoder(bytes.NewReader(b)).Decode(&o)
	return &o, err
}

package node

import (
	"cmp"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/pipeline"
	"github.com/picket-ais/picket/internal/places"
	"github.com/picket-ais/picket/internal/sim"
	"github.com/picket-ais/picket/internal/store"
)

// TestServeMatchesAnalyze: the same files replayed through a node (file
// replay feeds as fast as they go, then shutdown) and through `picket
// analyze` give the same events: ids, types, vessels, times. Both run
// the one core; only the transport around it differs.
func TestServeMatchesAnalyze(t *testing.T) {
	if testing.Short() {
		t.Skip("a simulated scenario through both runners")
	}
	dir := t.TempDir()
	if _, err := sim.WriteDir(sim.Options{Seed: 9, Vessels: 40, Hours: 24}, filepath.Join(dir, "sim")); err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(dir, "sim", sim.FeedFile)}
	zones := filepath.Join(dir, "sim", sim.ZonesFile)
	watch := filepath.Join(dir, "sim", sim.WatchlistFile)

	pl, err := places.Load(places.Options{Zones: zones, Watchlists: []string{watch}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Analyze(files, pipeline.AnalyzeOptions{Places: pl})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) < 10 {
		t.Fatalf("analyze found %d events: the scenario tests little", len(res.Events))
	}

	data := filepath.Join(dir, "data")
	if err := access.Update(data, func(r *access.Registry) error { return r.AddPartner("KOR", nil) }); err != nil {
		t.Fatal(err)
	}
	cfg := &Config{Listen: "127.0.0.1:0", Data: data, Zones: zones, Watchlists: []string{watch},
		Feeds: []FeedConfig{{Name: "sim", Partner: "KOR", Label: "REL TO KOR", Kind: "file", File: files[0]}}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // a hang guard, not a measure
	defer cancel()
	err = Run(ctx, Options{Config: cfg}, func(r Ready) {
		<-r.Pipeline.Done("sim")
		cancel()
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var served []event.Event
	if err := st.Events(store.EventFilter{Clearance: store.AllFeeds}, func(e event.Event, _ store.Provenance) bool {
		if !e.Withdrawn() {
			served = append(served, e)
		}
		return true
	}); err != nil {
		t.Fatal(err)
	}

	type key struct {
		id, typ, sub string
		mmsi, other  uint32
		start, end   time.Time
	}
	keys := func(evs []event.Event) []key {
		var out []key
		for _, e := range evs {
			out = append(out, key{e.ID, string(e.Type), e.Subtype, e.MMSI, e.OtherMMSI, e.Start.UTC(), e.End.UTC()})
		}
		slices.SortFunc(out, func(a, b key) int { return cmp.Compare(a.id, b.id) })
		return out
	}
	want, got := keys(res.Events), keys(served)
	if !slices.Equal(want, got) {
		t.Errorf("serve stored %d events, analyze found %d", len(got), len(want))
		for _, k := range want {
			if !slices.Contains(got, k) {
				t.Errorf("only analyze: %+v", k)
			}
		}
		for _, k := range got {
			if !slices.Contains(want, k) {
				t.Errorf("only serve: %+v", k)
			}
		}
	}
}

// TestRunRefusesABadListenAddress: an HTTP address whose port is not a
// port is refused before anything is opened or written: the data
// directory stays empty (it used to get a store and an access.json, and
// serve then failed at listening).
func TestRunRefusesABadListenAddress(t *testing.T) {
	for _, listen := range []string{"127.0.0.1:99999", "127.0.0.1:-1", "127.0.0.1:http-ish", "localhost"} {
		data := filepath.Join(t.TempDir(), "data")
		cfg := &Config{Listen: listen, Data: data}
		err := Run(context.Background(), Options{Config: cfg}, func(Ready) { t.Errorf("%s: the node started", listen) })
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "listen") {
			t.Errorf("%s: %v, want a config error about listen", listen, err)
		}
		if _, err := os.Stat(data); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: the data directory was made (%v)", listen, err)
		}
	}
}

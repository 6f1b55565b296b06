package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/store"
)

// TestServeFeedBitsKeptWithStore: access.json restored from a copy made
// before the feeds were known, with the feeds listed in another order,
// would give each feed the other's bit and release every stored record
// of one partner's feed to the other's partners. The store keeps the
// bits its records carry, and serve refuses to start on a difference,
// saying what differs and how to fix it; with the bits put back, it
// starts.
func TestServeFeedBitsKeptWithStore(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	err := access.Update(data, func(r *access.Registry) error {
		for _, p := range []string{"JPN", "GBR"} {
			if err := r.AddPartner(p, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	regPath := filepath.Join(data, access.File)
	backup, err := os.ReadFile(regPath)
	if err != nil {
		t.Fatal(err)
	}
	jpn := `  - {name: jpn-coast, partner: JPN, label: "REL TO JPN", kind: udp, address: "127.0.0.1:0"}` + "\n"
	gbr := `  - {name: gbr-sat, partner: GBR, label: "REL TO GBR", kind: udp, address: "127.0.0.1:0"}` + "\n"
	config := func(feeds string) string {
		return writeConfig(t, "listen: 127.0.0.1:0\ndata: "+data+"\nfeeds:\n"+feeds)
	}
	// serve runs until it is ready, then stops; it reports whether it
	// started.
	serve := func(cfg string) (bool, error) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		started := false
		err := runServe(ctx, &serveFlags{config: cfg}, func(string) { started = true; cancel() })
		return started, err
	}
	if ok, err := serve(config(jpn + gbr)); !ok || err != nil {
		t.Fatalf("first start: %v", err)
	}
	good, _ := os.ReadFile(regPath)

	// The older copy comes back, and the feeds are listed the other way
	// round.
	if err := os.WriteFile(regPath, backup, 0o600); err != nil {
		t.Fatal(err)
	}
	ok, err := serve(config(gbr + jpn))
	if ok || err == nil {
		t.Fatal("started with access.json's feed bits swapped against the stored records'")
	}
	for _, w := range []string{`feed "gbr-sat" has bit 0 here but its stored records carry bit 1`, `feed "jpn-coast" has bit 1`, store.FeedsFile, access.File} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("the refusal does not say %q:\n%v", w, err)
		}
	}
	t.Log(err)
	if now, _ := os.ReadFile(regPath); string(now) != string(backup) {
		t.Error("refused, but access.json was changed")
	}

	if err := os.WriteFile(regPath, good, 0o600); err != nil {
		t.Fatal(err)
	}
	if ok, err := serve(config(gbr + jpn)); !ok || err != nil {
		t.Fatalf("with access.json's bits matching the store's again: %v", err)
	}
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "picket.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

package web

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/sim"
)

// TestBrowserCase: an analyst exports the evidence package of one of its
// vessels, of one of its events and of a network from the map (the
// panel's, the event's and the network's "Export case" buttons), and the
// files, opened in Chromium with
// the network cut, show the vessel, its events with their evidence, the
// map, the manifest and the marking of the feed they come from (kor-shore,
// REL TO KOR, JPN, owned by KOR: REL TO JPN, KOR), load nothing, and
// print. The world is TestBrowserPartners' (a simulated scenario split
// between two partners' feeds); the network's case, exported by
// usa-admin (JPN sees no network there), shows each member vessel, each
// link joining the MMSIs of its two members, and gbr-sat's marking (REL
// TO NATO). Screenshots case-vessel.png, case-event.png
// and case-network.png go beside TestBrowser's.
func TestBrowserCase(t *testing.T) {
	chromium, node := browserTools(t)
	dir := t.TempDir()
	simDir := filepath.Join(dir, "sim")
	res, err := sim.WriteDir(sim.Options{Seed: 1, Vessels: 60, Hours: partnersHours}, simDir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range partnerFeeds[:replayed] {
		files = append(files, filepath.Join(dir, f.name+".nmea"))
	}
	if _, err := splitByParity(filepath.Join(simDir, sim.FeedFile), files); err != nil {
		t.Fatal(err)
	}
	url, secrets, _, stop := servePartners(t, dir, simDir, files, res.Options.Start.Add(partnersHours*time.Hour))
	defer stop()
	// JPN sees no network of this world (it sees the even MMSIs alone);
	// USA, of NATO, sees gbr-sat's: its admin exports the network's case.
	b, _ := json.Marshal(map[string]any{"token": secrets["jpn-analyst"], "marking": "REL TO JPN, KOR", "partner": "JPN",
		"network": map[string]string{"token": secrets["usa-admin"], "marking": "REL TO NATO", "partner": "USA"}})
	spec := filepath.Join(dir, "case.json")
	if err := os.WriteFile(spec, b, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PICKET_CASE", spec)
	runBrowser(t, chromium, node, "casefile.mjs", url)
}

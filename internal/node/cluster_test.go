package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/loopbacktest"
	"github.com/picket-ais/picket/internal/sim"
)

// TestClusterConfig: a cluster section is read with its defaults, and a
// wrong one is refused saying which setting is wrong and why.
func TestClusterConfig(t *testing.T) {
	path := writeConfig(t, "data: store\ncluster:\n  name: n1\n  listen: 127.0.0.1:6222\n  routes: [127.0.0.1:6222, 127.0.0.1:6223, 'nats-route://127.0.0.1:6224']\n")
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.clusterOptions()
	if err != nil {
		t.Fatal(err)
	}
	if o.Replicas != 3 || o.Partitions != 16 || o.StoreDir != filepath.Join(filepath.Dir(path), "store", "jetstream") || o.ClusterName != "picket" {
		t.Errorf("defaults: %+v", o)
	}
	// Without the section there is no cluster.
	c, err = LoadConfig(writeConfig(t, "data: store\n"))
	if err != nil || c.Cluster != nil {
		t.Fatalf("no section: %v %+v", err, c.Cluster)
	}
	for _, tc := range []struct{ body, want string }{
		{"cluster: {listen: 127.0.0.1:6222}", "cluster: name: required"},
		{"cluster: {name: 'a b', listen: 127.0.0.1:6222}", `cluster: name "a b": letters, digits`},
		{"cluster: {name: n1}", "cluster: listen: required"},
		{"cluster: {name: n1, listen: 6222}", `cluster: listen "6222": want host:port`},
		{"cluster: {name: n1, listen: 127.0.0.1:6222, routes: [peer]}", `cluster: routes[0] "peer": want host:port`},
		{"cluster: {name: n1, listen: 127.0.0.1:6222, routes: ['http://peer:1']}", `cluster: routes[0] "http://peer:1": want host:port or nats-route://host:port`},
		{"cluster: {name: n1, listen: 127.0.0.1:6222, replicas: 3}", "cluster: replicas 3: more than the 1 node(s) this node and its routes name"},
		{"cluster: {name: n1, listen: 127.0.0.1:6222, partitions: 5000}", "cluster: partitions 5000: want 1 to 1024"},
		{"cluster: {name: n1, listen: 127.0.0.1:6222, lease: soon}", `cluster: lease "soon": want a duration`},
		{"cluster: {name: n1, listen: 127.0.0.1:6222, lease: 10ms}", "cluster: lease 10ms: at least 500ms"},
		{"cluster: {name: n1, listen: 127.0.0.1:6222, replica: 3}", "field replica not found"},
	} {
		path := writeConfig(t, "data: store\n"+tc.body+"\n")
		_, err := LoadConfig(path)
		var ce *ConfigError
		if err == nil || !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: got %v, want a config error in %s saying %q", tc.body, err, path, tc.want)
		}
	}
}

// TestClusterServe: three `picket serve` nodes in one process, each with
// its own data directory, share one feed list; the simulated feed runs on
// n1 only. Once the cluster has worked through it, n2 and n3 hold its
// events in their stores and their APIs answer a KOR viewer with them,
// and after n1 stops, n3 still answers.
func TestClusterServe(t *testing.T) {
	if testing.Short() {
		t.Skip("three nodes with embedded servers")
	}
	dir := t.TempDir()
	if _, err := sim.WriteDir(sim.Options{Seed: 9, Vessels: 20, Hours: 24}, filepath.Join(dir, "sim")); err != nil {
		t.Fatal(err)
	}
	feed := filepath.Join(dir, "sim", sim.FeedFile)
	addrs := loopbacktest.FreeAddrs(t, 3)
	type running struct {
		ready  chan Ready
		cancel context.CancelFunc
		done   chan error
		token  string
		data   string
	}
	nodes := make([]*running, 3)
	for i := range nodes {
		data := filepath.Join(dir, fmt.Sprintf("n%d", i+1))
		var tok string
		err := access.Update(data, func(r *access.Registry) error {
			if err := r.AddPartner("KOR", nil); err != nil {
				return err
			}
			if err := r.AddUser("ana", "KOR", access.Viewer, "correct horse battery staple"); err != nil {
				return err
			}
			var err error
			tok, _, err = r.CreateToken("ana", "test", time.Hour, time.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		cfg := &Config{Listen: "127.0.0.1:0", Data: data,
			Feeds:   []FeedConfig{{Name: "sim", Partner: "KOR", Label: "REL TO KOR", Kind: "file", File: feed, Node: "n1"}},
			Cluster: &ClusterConfig{Name: fmt.Sprintf("n%d", i+1), Listen: addrs[i], Routes: addrs, Partitions: 4, Lease: "2s"}}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // a hang guard
		rn := &running{ready: make(chan Ready, 1), cancel: cancel, done: make(chan error, 1), token: tok, data: data}
		nodes[i] = rn
		go func() { rn.done <- Run(ctx, Options{Config: cfg}, func(r Ready) { rn.ready <- r }) }()
	}
	readies := make([]Ready, 3)
	for i, rn := range nodes {
		select {
		case readies[i] = <-rn.ready:
		case err := <-rn.done:
			t.Fatalf("node %d: %v", i+1, err)
		}
	}
	defer func() {
		for _, rn := range nodes {
			rn.cancel()
			<-rn.done
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// n3's live stream: positions and alerts found by the cluster's
	// owners reach it (the end of the data closes episodes still open, so
	// alerts come after this subscription whatever the timing).
	sub := readies[2].Pipeline.Hub().Subscribe(live.AllFilter)
	if err := readies[0].Cluster.FeedsDone(); err != nil {
		t.Fatal(err)
	}
	if err := readies[0].Cluster.EndOfData(ctx); err != nil {
		t.Fatal(err)
	}
	apiEvents := func(i int) []map[string]any {
		t.Helper()
		req, _ := http.NewRequest("GET", readies[i].URL+"api/events", nil)
		req.Header.Set("Authorization", "Bearer "+nodes[i].token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("n%d: %v", i+1, err)
		}
		defer resp.Body.Close()
		var evs []map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&evs); resp.StatusCode != 200 || err != nil {
			t.Fatalf("n%d: /api/events: %s, %v", i+1, resp.Status, err)
		}
		return evs
	}
	for i := 1; i < 3; i++ {
		if err := readies[i].Cluster.CaughtUp(ctx); err != nil {
			t.Fatalf("n%d: %v", i+1, err)
		}
		if evs := apiEvents(i); len(evs) == 0 {
			t.Errorf("n%d: its API shows a KOR viewer no event of a KOR feed run on n1", i+1)
		}
	}
	var alerts, positions int
	for len(sub.C) > 0 {
		m := <-sub.C
		if m.Alert != nil {
			alerts++
		}
		if m.Position != nil {
			positions++
		}
	}
	if alerts == 0 {
		t.Errorf("n3's live stream carried %d positions and no alert", positions)
	}
	n2 := len(apiEvents(1))
	nodes[0].cancel()
	if err := <-nodes[0].done; err != nil {
		t.Fatal(err)
	}
	nodes[0].done <- nil // for the deferred stop
	if got := len(apiEvents(2)); got != n2 {
		t.Errorf("after n1 stopped, n3 shows %d events, n2 showed %d", got, n2)
	}
}

package node

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/loopbacktest"
	"github.com/picket-ais/picket/internal/sim"
)

// TestFederationConfig: a federation section is read, its secrets from
// their files, and a wrong one is refused naming the setting.
func TestFederationConfig(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "kor.secret")
	if err := os.WriteFile(secret, []byte("a-secret-of-the-pair-JPN-KOR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cl := "cluster: {name: n1, listen: 127.0.0.1:6222}\n"
	path := writeConfig(t, "data: store\n"+cl+"federation:\n  partner: JPN\n  leaf_listen: 127.0.0.1:7422\n  links:\n    - {partner: KOR, secret_file: "+secret+"}\n")
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.clusterOptions()
	if err != nil {
		t.Fatal(err)
	}
	f := o.Federation
	if f == nil || f.Partner != "JPN" || len(f.Links) != 1 || f.Links[0].Secret != "a-secret-of-the-pair-JPN-KOR" || f.RelMaxAge != 7*24*time.Hour {
		t.Errorf("federation: %+v", f)
	}
	for _, tc := range []struct{ body, want string }{
		{"federation: {partner: JPN, leaf_listen: 127.0.0.1:7422, links: [{partner: KOR, secret_file: " + secret + "}]}", "federation: needs a cluster: section"},
		{cl + "federation: {leaf_listen: 127.0.0.1:7422, links: [{partner: KOR, secret_file: " + secret + "}]}", "federation: partner: required"},
		{cl + "federation: {partner: JPN, leaf_listen: 127.0.0.1:7422, links: [{partner: KOR}]}", "federation: links[0] (KOR): secret_file: required"},
		{cl + "federation: {partner: JPN, leaf_listen: 127.0.0.1:7422, links: [{partner: KOR, secret_file: /nonexistent/x}]}", "federation: links[0] (KOR): secret_file"},
		{cl + "federation: {partner: JPN, links: [{partner: KOR, secret_file: " + secret + "}]}", "federation: links[0] (KOR): url: required"},
		{cl + "federation: {partner: JPN, leaf_listen: 127.0.0.1:7422, rel_max_age: soon, links: [{partner: KOR, secret_file: " + secret + "}]}", "federation: rel_max_age"},
		{cl + "federation: {partner: JPN, leaf_listen: 127.0.0.1:7422, links: [{partner: KOR, url: 'http://x:1', secret_file: " + secret + "}]}", `federation: links[0] (KOR): url "http://x:1"`},
		{cl + "federation: {partner: JPN, leaf_listen: 127.0.0.1:7422, links: [{partner: KOR, secrets: x}]}", "field secrets not found"},
	} {
		path := writeConfig(t, "data: store\n"+tc.body+"\n")
		_, err := LoadConfig(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: got %v, want an error in %s saying %q", tc.body, err, path, tc.want)
		}
	}
}

// TestFederationServe: two partners' `picket serve`, JPN and KOR, each a
// cluster of one, linked (KOR dials JPN). JPN runs two feeds, one
// released to KOR and one to GBR only; KOR's config lists the one
// released to it. KOR's API shows a KOR viewer exactly the vessels JPN's
// own API shows a KOR viewer (what JPN releases to KOR), none of those
// only a GBR viewer sees on JPN's node, and its /api/feeds shows a KOR
// admin the link to JPN, up, with what it received.
func TestFederationServe(t *testing.T) {
	if testing.Short() {
		t.Skip("two partners with embedded servers")
	}
	dir := t.TempDir()
	feedOf := map[string]string{}
	for i, name := range []string{"jpn-kor", "jpn-coast", "kor-shore"} {
		if _, err := sim.WriteDir(sim.Options{Seed: uint64(21 + i), Vessels: 10, Hours: 6, Rate: 4}, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
		feedOf[name] = filepath.Join(dir, name, sim.FeedFile)
	}
	secret := filepath.Join(dir, "jpn-kor.secret")
	if err := os.WriteFile(secret, []byte("the-secret-of-JPN-and-KOR"), 0o600); err != nil {
		t.Fatal(err)
	}
	ports := loopbacktest.FreeAddrs(t, 3) // two cluster listeners, JPN's leaf listener
	type running struct {
		url    string
		tokens map[string]string // by user
		cancel context.CancelFunc
		done   chan error
	}
	start := func(partner string, cfg *Config, users map[string][2]string) *running {
		tokens := map[string]string{}
		err := access.Update(cfg.Data, func(r *access.Registry) error {
			for _, p := range []string{"JPN", "KOR", "GBR"} {
				if err := r.AddPartner(p, nil); err != nil {
					return err
				}
			}
			for user, pr := range users {
				if err := r.AddUser(user, pr[0], access.Role(pr[1]), ""); err != nil {
					return err
				}
				tok, _, err := r.CreateToken(user, "test", time.Hour, time.Now())
				if err != nil {
					return err
				}
				tokens[user] = tok
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute) // a hang guard
		rn := &running{tokens: tokens, cancel: cancel, done: make(chan error, 1)}
		ready := make(chan Ready, 1)
		go func() { rn.done <- Run(ctx, Options{Config: cfg}, func(r Ready) { ready <- r }) }()
		select {
		case r := <-ready:
			rn.url = r.URL
		case err := <-rn.done:
			t.Fatalf("%s: %v", partner, err)
		}
		t.Cleanup(func() { cancel(); <-rn.done })
		return rn
	}
	jpnFeeds := []FeedConfig{
		{Name: "jpn-kor", Partner: "JPN", Label: "REL TO KOR", Kind: "file", File: feedOf["jpn-kor"]},
		{Name: "jpn-coast", Partner: "JPN", Label: "REL TO JPN, GBR", Kind: "file", File: feedOf["jpn-coast"]},
	}
	jpn := start("JPN", &Config{Listen: "127.0.0.1:0", Data: filepath.Join(dir, "jpn"), Feeds: jpnFeeds,
		Cluster: &ClusterConfig{Name: "jpn1", Listen: ports[0], Partitions: 2, Lease: "2s"},
		Federation: &FederationConfig{Partner: "JPN", LeafListen: ports[2], Reconnect: "100ms",
			Links: []LinkConfig{{Partner: "KOR", SecretFile: secret}}}},
		map[string][2]string{"kv": {"KOR", "viewer"}, "gv": {"GBR", "viewer"}})
	kor := start("KOR", &Config{Listen: "127.0.0.1:0", Data: filepath.Join(dir, "kor"),
		Feeds: []FeedConfig{
			{Name: "kor-shore", Partner: "KOR", Label: "REL TO KOR, JPN", Kind: "file", File: feedOf["kor-shore"]},
			{Name: "jpn-kor", Partner: "JPN", Label: "REL TO KOR"}, // JPN's: listed for its bit and label
		},
		Cluster: &ClusterConfig{Name: "kor1", Listen: ports[1], Partitions: 2, Lease: "2s"},
		Federation: &FederationConfig{Partner: "KOR", Reconnect: "100ms",
			Links: []LinkConfig{{Partner: "JPN", URL: ports[2], SecretFile: secret}}}},
		map[string][2]string{"kv": {"KOR", "viewer"}, "ka": {"KOR", "admin"}})

	get := func(rn *running, user, path string, into any) int {
		t.Helper()
		req, _ := http.NewRequest("GET", rn.url+path, nil)
		req.Header.Set("Authorization", "Bearer "+rn.tokens[user])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode == 200 && into != nil {
			if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
				t.Fatal(err)
			}
		}
		return resp.StatusCode
	}
	vessels := func(rn *running, user string) map[float64]bool {
		var fc struct {
			Features []struct {
				Properties map[string]any `json:"properties"`
			} `json:"features"`
		}
		if code := get(rn, user, "api/vessels?max_age=30d", &fc); code != 200 {
			t.Fatalf("%s's vessels: %d", user, code)
		}
		out := map[float64]bool{}
		for _, f := range fc.Features {
			out[f.Properties["mmsi"].(float64)] = true
		}
		return out
	}
	type feedEntry struct {
		Name  string `json:"name"`
		Kind  string `json:"kind"`
		State string `json:"state"`
		Link  *struct {
			Up       bool   `json:"up"`
			Received uint64 `json:"received"`
			Applied  uint64 `json:"applied"`
			Released uint64 `json:"released"`
		} `json:"link"`
	}
	// Wait until JPN's feeds are done and KOR has applied everything JPN
	// released to it.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var fs []feedEntry
		if code := get(kor, "ka", "api/feeds", &fs); code != 200 {
			t.Fatalf("KOR admin's /api/feeds: %d", code)
		}
		var link *feedEntry
		for i := range fs {
			if fs[i].Kind == "link" {
				link = &fs[i]
			}
		}
		if link == nil || link.Link == nil || link.Name != "link JPN" {
			t.Fatalf("KOR's /api/feeds: no link to JPN: %+v", fs)
		}
		want := vessels(jpn, "kv")
		got := vessels(kor, "kv")
		all := len(want) > 0
		for m := range want {
			all = all && got[m]
		}
		if link.State == "connected" && link.Link.Up && link.Link.Received > 0 && link.Link.Applied == link.Link.Received && all {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("KOR never showed JPN's released vessels: link %+v, %d of JPN's KOR view", link.Link, len(want))
		}
		time.Sleep(200 * time.Millisecond)
	}
	korView := vessels(jpn, "kv")
	gbrOnly := 0
	for m := range vessels(jpn, "gv") {
		if korView[m] {
			continue
		}
		gbrOnly++
		if code := get(kor, "kv", fmt.Sprintf("api/vessels/%d", int64(m)), nil); code != 404 {
			t.Errorf("KOR's node answers %d for vessel %d, which JPN released to GBR only", code, int64(m))
		}
		if code := get(kor, "ka", fmt.Sprintf("api/vessels/%d", int64(m)), nil); code != 404 {
			t.Errorf("KOR's node answers its admin %d for vessel %d, which JPN released to GBR only", code, int64(m))
		}
	}
	if gbrOnly == 0 {
		t.Error("no vessel of JPN's released to GBR only: the test proves nothing")
	}
	t.Logf("KOR shows %d of JPN's vessels; %d of JPN's vessels released to GBR only are not there", len(korView), gbrOnly)
}

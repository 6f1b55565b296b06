package node

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/alert"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/live"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "picket.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestServeConfig: the example config reads, paths are taken relative to
// the file, and the feeds become the pipeline's.
func TestConfig(t *testing.T) {
	path := writeConfig(t, Example)
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:8080" || c.Data != "/var/lib/picket" || c.Retention != "90d" || len(c.Feeds) != 6 {
		t.Fatalf("config %+v", c)
	}
	feeds, err := c.LiveFeeds()
	if err != nil {
		t.Fatal(err)
	}
	want := []live.Kind{live.TCPClient, live.TCPListener, live.UDPListener, live.FileReplay, live.Radar, live.Detections}
	for i, f := range feeds {
		if f.Kind != want[i] || f.Name == "" || f.Partner == "" || f.Label == "" {
			t.Errorf("feed %d: %+v", i, f)
		}
	}
	if s := feeds[4].Site; s == nil || *s != [2]float64{37.45, 126.6} || feeds[3].Site != nil {
		t.Errorf("radar site %v, file's %v", s, feeds[3].Site)
	}
	if f := feeds[5]; f.File != "/var/spool/picket/sar" || f.Format != "gfw-sar" {
		t.Errorf("detections feed %+v", f)
	}
	if feeds[0].Label != "REL TO JPN, USA" {
		t.Errorf("label %q", feeds[0].Label)
	}
	if got := feeds[3].File; got != filepath.Join(filepath.Dir(path), "archive.nmea.gz") {
		t.Errorf("file %q: not relative to the config", got)
	}
	if d, err := ParseDays("90d"); err != nil || d != 90*24*time.Hour {
		t.Errorf("90d: %v %v", d, err)
	}

	c, err = LoadConfig(writeConfig(t, "data: store\nfeeds:\n  - {name: seine, kind: file, file: a.log, speed: 1, skip: 10h, rebase: true, tz: Europe/Paris, reorder: 5m}\n"))
	if err != nil {
		t.Fatal(err)
	}
	feeds, err = c.LiveFeeds()
	if err != nil || feeds[0].Skip != 10*time.Hour || feeds[0].Location == nil || feeds[0].Location.String() != "Europe/Paris" || !feeds[0].Rebase || feeds[0].Reorder != 5*time.Minute {
		t.Errorf("feeds %+v, %v", feeds, err)
	}
}

func TestConfigErrors(t *testing.T) {
	for body, says := range map[string]string{
		"listen: x\nfeedz: []\n": "field feedz not found",
		"feeds: {}\n":            "cannot unmarshal",
	} {
		_, err := LoadConfig(writeConfig(t, body))
		var ce *ConfigError
		if err == nil || !errors.As(err, &ce) || !strings.Contains(err.Error(), says) {
			t.Errorf("%q: %v, want a config error saying %q", body, err, says)
		}
	}
	for body, says := range map[string]string{
		"feeds:\n  - {name: a, kind: file, file: x, skip: soon}\n":       "skip",
		"feeds:\n  - {name: a, kind: udp, address: x, reorder: -1m}\n":   "reorder",
		"feeds:\n  - {name: a, kind: file, file: x, tz: Mars/Olympus}\n": "unknown time zone",
		"feeds:\n  - {name: a, kind: detections, path: d, file: x}\n":    "path and file: give one",
		"feeds:\n  - {name: a, kind: file, path: d}\n":                   "path is for detections feeds",
		"feeds:\n  - {name: a, kind: udp, address: x, format: viirs}\n":  "format and scenes are for detections feeds",
		"feeds:\n  - {name: a, kind: file, file: x, range_nm: 24}\n":     "range_nm 24",
	} {
		c, err := LoadConfig(writeConfig(t, body))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.LiveFeeds(); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%q: %v, want %q", body, err, says)
		}
	}
	if _, err := LoadConfig(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("missing file: no error")
	}
}

// TestConfigBuiltinWatchlists: the built-in lists are names, not files
// next to the config; any other name is still a file.
func TestConfigBuiltinWatchlists(t *testing.T) {
	c, err := LoadConfig(writeConfig(t, "watchlists: [un1718, EU, ofac]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Watchlists, []string{"un1718", "EU", "ofac"}) {
		t.Errorf("watchlists %q", c.Watchlists)
	}
	if _, err := LoadConfig(writeConfig(t, "watchlists: [un1719]\n")); err == nil || !strings.Contains(err.Error(), "un1719") {
		t.Errorf("a missing file: %v", err)
	}
}

// TestConfigCoT: CoT streams are read with their durations, and a
// stream without a partner, with an unknown protocol or a bad address is
// refused at start, naming it.
func TestConfigCoT(t *testing.T) {
	c, err := LoadConfig(writeConfig(t, "cot:\n  - {name: tak, partner: JPN, protocol: udp, address: \"239.2.3.1:6969\", min_interval: 5s, stale: 2m}\n"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.CoT[0].options()
	if err != nil || o.Partner != "JPN" || o.Network != "udp" || o.MinInterval != 5*time.Second || o.Stale != 2*time.Minute {
		t.Errorf("%+v %v", o, err)
	}
	for body, says := range map[string]string{
		"cot:\n  - {name: a, address: \"h:1\"}\n":                             "no partner",
		"cot:\n  - {name: a, partner: J, protocol: sctp, address: \"h:1\"}\n": "want tcp or udp",
		"cot:\n  - {name: a, partner: J, address: nohost}\n":                  "want host:port",
		"cot:\n  - {name: a, partner: J, address: \"h:1\", stale: soon}\n":    "stale",
	} {
		if _, err := LoadConfig(writeConfig(t, body)); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%q: %v, want an error saying %q", body, err, says)
		}
	}
}

// TestConfigHostileFiles: a config pointed at a file that is not one (a
// device, a directory) or is too large fails at once, naming it; a file
// that is not YAML is refused without its lines printed.
func TestConfigHostileFiles(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "zones.geojson")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, maxDataBytes+1); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"zones: " + big + "\n": "bytes, at most",
		"zones: " + dir + "\n": "not a regular file",
		"ports: missing.csv\n": "ports",
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		cases["zones: /dev/zero\n"] = "not a regular file"
		cases["watchlists: [/dev/zero]\n"] = "not a regular file"
		cases["detect: /dev/zero\n"] = "not a regular file"
	}
	for body, says := range cases {
		_, err := LoadConfig(writeConfig(t, body))
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), says) {
			t.Errorf("%q: %v, want a config error saying %q", body, err, says)
		}
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := LoadConfig("/dev/zero"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("config /dev/zero: %v", err)
		}
	}
	tooBig := writeConfig(t, "listen: x\n"+strings.Repeat("# padding\n", maxConfigBytes/10+1))
	if _, err := LoadConfig(tooBig); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("a 1 MiB config: %v", err)
	}
	secret := writeConfig(t, "root:x:0:0:s3cr3t-hash-value:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n")
	_, err := LoadConfig(secret)
	var ce *ConfigError
	if !errors.As(err, &ce) || strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "root:x") {
		t.Errorf("a config pointed at a password file: %v", err)
	}
}

// TestLiveSkip: the demo's scenario starts playing in its own time a
// couple of minutes before the first staged behaviour after 12 h of
// history is alerted (an encounter once 2 h together, a gap when the
// vessel reappears, a jump 30 min on), so that its alert comes in while
// the user watches; without one, for the last hour.
func TestLiveSkip(t *testing.T) {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	at := func(h float64) time.Time { return start.Add(time.Duration(h * float64(time.Hour))) }
	truth := []event.Event{
		{Type: event.Encounter, Start: at(3), End: at(9)},                                  // alerted at 5 h: no history before it
		{Type: event.PortVisit, Start: at(13), End: at(14)},                                // not a behaviour alert
		{Type: event.Encounter, Start: at(17), End: at(20)},                                // alerted at 19 h
		{Type: event.Gap, Start: at(6), End: at(18)},                                       // alerted at 18 h: the one
		{Type: event.Spoofing, Subtype: event.ImpossibleSpeed, Start: at(18), End: at(19)}, // 18.5 h
	}
	if got, want := liveSkip(truth, start), 18*time.Hour-2*time.Minute; got != want {
		t.Errorf("skip %v, want %v", got, want)
	}
	if got := liveSkip(truth[:2], start); got != 23*time.Hour {
		t.Errorf("nothing alerted after 12 h: skip %v, want 23h", got)
	}
}

// TestConfigCoTTLS: a stream's TLS files are read at start, relative to
// the config, and a half-given pair or a missing file is refused.
func TestConfigCoTTLS(t *testing.T) {
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	kb, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(filepath.Join(dir, "c.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(filepath.Join(dir, "k.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cfg := filepath.Join(dir, "picket.yaml")
	os.WriteFile(cfg, []byte("cot:\n  - {name: tak, partner: JPN, address: \"h:8089\", tls: {cert: c.pem, key: k.pem, ca: c.pem, server_name: takserver}}\n"), 0o600)
	c, err := LoadConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.CoT[0].options()
	if err != nil || o.TLS == nil || len(o.TLS.Certificates) != 1 || o.TLS.RootCAs == nil || o.TLS.ServerName != "takserver" {
		t.Fatalf("%+v %v", o.TLS, err)
	}
	for body, says := range map[string]string{
		"cot:\n  - {name: a, partner: J, address: \"h:1\", tls: {cert: c.pem}}\n":                            "both cert and key",
		"cot:\n  - {name: a, partner: J, address: \"h:1\", tls: {ca: nothere.pem}}\n":                        "nothere.pem",
		"cot:\n  - {name: a, partner: J, protocol: udp, address: \"h:1\", tls: {cert: c.pem, key: k.pem}}\n": "not udp",
	} {
		os.WriteFile(cfg, []byte(body), 0o600)
		if _, err := LoadConfig(cfg); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%q: %v, want an error saying %q", body, err, says)
		}
	}
}

// TestDemoRule: the demo gives JPN's analyst one rule over the scenario's
// waters, once however often the demo starts on one data directory.
func TestDemoRule(t *testing.T) {
	dir := t.TempDir()
	for range 2 {
		if err := demoRule(dir); err != nil {
			t.Fatal(err)
		}
	}
	d, err := alert.Open(alert.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if rs := d.Rules("JPN"); len(rs) != 1 || rs[0].CreatedBy != "jpn-analyst" || len(rs[0].Triggers.Events) != 3 {
		t.Errorf("the demo's rules: %+v", rs)
	}
}

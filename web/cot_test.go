package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/cot"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/server"
	"github.com/picket-ais/picket/internal/sim"
	"github.com/picket-ais/picket/internal/store"
)

// TestCoTParses runs `picket serve`'s pieces (a live pipeline replaying a
// simulated scenario heard by kor-shore, REL TO KOR, JPN; the server with
// access control) with two Cursor on Target streams of JPN, one to a TCP
// listener as a TAK Server's, one over UDP as to a multicast group, and
// parses every event they sent with @tak-ps/node-cot, the parser of TAK's
// web client (e2e/cot.mjs). Each must parse; its uid names a vessel of
// the scenario; its position, course and speed (m/s) are those of a
// position the store holds for that vessel at that time, or for an alert
// the alert's place; it is marked REL TO JPN, KOR.
func TestCoTParses(t *testing.T) {
	if testing.Short() {
		t.Skip("CoT parse test skipped in -short mode")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node: run web/test.sh")
	}
	if _, err := os.Stat(filepath.Join("node_modules", "@tak-ps", "node-cot", "package.json")); err != nil {
		t.Skip("web/node_modules missing: npm ci in web/")
	}
	dir := t.TempDir()
	simDir := filepath.Join(dir, "sim")
	if _, err := sim.WriteDir(sim.Options{Seed: 3, Vessels: 25, Hours: 8}, simDir); err != nil {
		t.Fatal(err)
	}
	if err := access.Update(dir, func(r *access.Registry) error {
		for _, p := range []string{"KOR", "JPN", "GBR"} {
			if err := r.AddPartner(p, nil); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	guard, err := access.OpenGuard(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "store"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	places, err := simPlaces(simDir)
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	p, err := live.New(live.Options{Places: places, Feeds: []live.Feed{{Name: "kor-shore", Partner: "KOR", Label: "REL TO KOR, JPN",
		Kind: live.FileReplay, File: filepath.Join(simDir, sim.FeedFile)}}}, st, nil, reg)
	if err != nil {
		t.Fatal(err)
	}

	// JPN's TAK Server (TCP) and multicast group (UDP), and GBR's, which
	// may see nothing of kor-shore.
	tcpJ, _ := net.Listen("tcp", "127.0.0.1:0")
	tcpG, _ := net.Listen("tcp", "127.0.0.1:0")
	udpJ, _ := net.ListenPacket("udp", "127.0.0.1:0")
	defer tcpJ.Close()
	defer tcpG.Close()
	defer udpJ.Close()
	var mu sync.Mutex
	got := map[string][]string{}
	readTCP := func(name string, ln net.Listener) {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		sc := bufio.NewScanner(c)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		var cur strings.Builder
		for sc.Scan() {
			cur.WriteString(sc.Text() + "\n")
			if strings.HasSuffix(sc.Text(), "</event>") {
				mu.Lock()
				got[name] = append(got[name], cur.String())
				mu.Unlock()
				cur.Reset()
			}
		}
	}
	go readTCP("jpn-tcp", tcpJ)
	go readTCP("gbr-tcp", tcpG)
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, _, err := udpJ.ReadFrom(buf)
			if err != nil {
				return
			}
			mu.Lock()
			got["jpn-udp"] = append(got["jpn-udp"], string(buf[:n]))
			mu.Unlock()
		}
	}()
	every := 20 * time.Minute // of data time: a few hundred events
	srv := server.New(p, server.Options{Access: guard, Gatherer: reg, CoT: []cot.Options{
		{Name: "jpn-tcp", Partner: "JPN", Network: "tcp", Address: tcpJ.Addr().String(), MinInterval: every},
		{Name: "jpn-udp", Partner: "JPN", Network: "udp", Address: udpJ.LocalAddr().String(), MinInterval: every},
		{Name: "gbr-tcp", Partner: "GBR", Network: "tcp", Address: tcpG.Addr().String(), MinInterval: every},
	}}, nil, reg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hctx, stopHTTP := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(hctx, ln) }()
	for i := 0; p.Stats().Subscribers < 3; i++ {
		if i == 30000 {
			t.Fatal("the CoT streams did not subscribe")
		}
		time.Sleep(time.Millisecond)
	}
	// The alerts as the hub publishes them (an event is published again
	// as it grows: a loitering's place moves with its average), for the
	// alerts' oracle.
	published := map[string]bool{}
	publishedOther := map[string]bool{} // the other vessel of a pair: "mmsi summary"
	hubAlerts := p.Hub().SubscribeBuffer(live.Filter{Alerts: true, Clearance: store.AllFeeds}, 1<<16)
	alertsRead := make(chan struct{})
	go func() {
		defer close(alertsRead)
		for m := range hubAlerts.C {
			if e := m.Alert; e != nil {
				published[fmt.Sprint(e.MMSI, " ", e.Lat, " ", e.Lon, " ", e.Summary)] = true
				if e.OtherMMSI != 0 {
					publishedOther[fmt.Sprint(e.OtherMMSI, " ", e.Summary)] = true
				}
			}
		}
	}()
	pctx, stopPipeline := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- p.Run(pctx) }()
	select {
	case <-p.Done("kor-shore"):
	case <-time.After(2 * time.Minute): // a hang guard, not a measure
		t.Fatalf("replay not done: %+v", p.Stats().Feeds)
	}
	if err := p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // the streams write what they hold
	stopPipeline()
	<-ran
	stopHTTP()
	<-served
	hubAlerts.Close()
	<-alertsRead

	mu.Lock()
	all := append(append([]string{}, got["jpn-tcp"]...), got["jpn-udp"]...)
	gbr := len(got["gbr-tcp"])
	mu.Unlock()
	t.Logf("events: %d over TCP, %d over UDP, %d to GBR", len(got["jpn-tcp"]), len(got["jpn-udp"]), gbr)
	if len(got["jpn-tcp"]) < 20 || len(got["jpn-udp"]) < 20 {
		t.Fatalf("too few events to test: %d TCP, %d UDP", len(got["jpn-tcp"]), len(got["jpn-udp"]))
	}
	if gbr != 0 {
		t.Errorf("GBR, not cleared for kor-shore, got %d events", gbr)
	}
	msgs := filepath.Join(dir, "messages.json")
	b, _ := json.Marshal(all)
	if err := os.WriteFile(msgs, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join("e2e", "cot.mjs"), msgs)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var res struct {
		OK     bool `json:"ok"`
		Parsed []struct {
			UID, Type, How, Time, Access string
			Lat, Lon                     float64
			Course, Speed                *string
			Callsign, Remarks            *string
			Geometry                     struct {
				Coordinates []float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"parsed"`
		Errors []string `json:"errors"`
	}
	if err := json.Unmarshal(lastLine(stdout.Bytes()), &res); err != nil {
		t.Fatalf("node: %v %v\n%s\n%s", runErr, err, stdout.String(), stderr.String())
	}
	if !res.OK || len(res.Parsed) != len(all) {
		t.Fatalf("node-cot parsed %d of %d: %v", len(res.Parsed), len(all), res.Errors[:min(3, len(res.Errors))])
	}
	alerts, pairs := 0, 0
	for i, m := range res.Parsed {
		mmsi, err := strconv.ParseUint(strings.TrimPrefix(m.UID, "picket-"), 10, 32)
		if err != nil || !strings.HasPrefix(m.UID, "picket-") {
			t.Fatalf("uid %q", m.UID)
		}
		if m.Access != "REL TO JPN, KOR" || m.Remarks == nil || !strings.HasSuffix(*m.Remarks, "| REL TO JPN, KOR") {
			t.Errorf("%s: marking %q, remarks %v", m.UID, m.Access, m.Remarks)
		}
		if !strings.HasPrefix(m.Type, "a-u-S") || m.How != "m-g" {
			t.Errorf("%s: type %q how %q", m.UID, m.Type, m.How)
		}
		if len(m.Geometry.Coordinates) < 2 || m.Geometry.Coordinates[0] != m.Lon || m.Geometry.Coordinates[1] != m.Lat {
			t.Errorf("%s: GeoJSON %v for %v,%v", m.UID, m.Geometry.Coordinates, m.Lat, m.Lon)
		}
		at, err := time.Parse(time.RFC3339, m.Time)
		if err != nil {
			t.Fatalf("%s: time %q", m.UID, m.Time)
		}
		if m.Remarks != nil && strings.HasPrefix(*m.Remarks, "ALERT: ") {
			alerts++
			// "ALERT: type (subtype): summary | MMSI n | marking"
			text, _, _ := strings.Cut(strings.TrimPrefix(*m.Remarks, "ALERT: "), " | ")
			_, summary, _ := strings.Cut(text, ": ")
			switch {
			case published[fmt.Sprint(mmsi, " ", m.Lat, " ", m.Lon, " ", summary)]:
			case publishedOther[fmt.Sprint(mmsi, " ", summary)]:
				// The other vessel of a pair, at a position it was heard at.
				pairs++
				heard := false
				st.Track(uint32(mmsi), 0, math.MaxInt64, func(p store.Position) bool {
					heard = p.Lat == m.Lat && p.Lon == m.Lon
					return !heard
				})
				if !heard {
					t.Errorf("%s: pair alert %q at %v,%v, where the vessel was not heard", m.UID, summary, m.Lat, m.Lon)
				}
			default:
				t.Errorf("%s: alert %q at %v,%v, which the hub did not publish", m.UID, summary, m.Lat, m.Lon)
			}
			continue
		}
		var found *store.Position
		st.Track(uint32(mmsi), at.UnixMilli(), at.UnixMilli()+1, func(p store.Position) bool {
			if p.Lat == m.Lat && p.Lon == m.Lon {
				found = &p
				return false
			}
			return true
		})
		if found == nil {
			t.Errorf("message %d %s: no stored position at %s %v,%v", i, m.UID, m.Time, m.Lat, m.Lon)
			continue
		}
		if want := speedCourse(found); want != fmt.Sprint(deref(m.Course), " ", deref(m.Speed)) {
			t.Errorf("%s at %s: course and speed %q %q, want %s", m.UID, m.Time, deref(m.Course), deref(m.Speed), want)
		}
	}
	t.Logf("%d events parsed, %d of them alerts (%d on a pair's other vessel)", len(res.Parsed), alerts, pairs)
}

func deref(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}

// speedCourse is what CoT must say of a stored position: course in
// degrees, speed in m/s from the knots AIS gives ("-" when not known).
func speedCourse(p *store.Position) string {
	c, s := "-", "-"
	if !math.IsNaN(float64(p.COG)) {
		c = strconv.FormatFloat(float64(p.COG), 'f', 1, 64)
	}
	if !math.IsNaN(float64(p.SOG)) {
		s = strconv.FormatFloat(float64(p.SOG)*1852/3600, 'f', 2, 64)
	}
	if c == "-" && s == "-" {
		return "- -"
	}
	return c + " " + s
}

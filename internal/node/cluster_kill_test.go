package node

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/ais"
	"github.com/picket-ais/picket/internal/loopbacktest"
	"github.com/picket-ais/picket/internal/nmea"
)

// killTrialsEnv sets how many trials TestClusterKill9 runs (2 by default).
const killTrialsEnv = "PICKET_KILL_TRIALS"

// Kill trials' feed: killVessels vessels report in turn, one line every
// killLineEvery, killLines lines in all; the victim dies after killAfter
// lines.
const (
	killVessels   = 40
	killLines     = 1500
	killLineEvery = 5 * time.Millisecond
	killAfter     = 500
	killPartition = 8
)

// TestClusterKill9: three `picket serve` processes (the binary built from
// cmd/picket) on loopback ports, each with its own data directory, run one
// cluster; n1 runs a TCP feed that connects to this test, which writes a
// steady feed of distinct position reports (one line each, with its time
// in a tag block). In the middle of the feed one node is killed with
// SIGKILL by its PID (n2, n3, n1 in turn), the others take its partitions
// over, and it is started again on the same directories.
//
// Acknowledged: a line counts as acknowledged when n1's
// picket_cluster_feed_lines_total{outcome="acked"} counts it (JetStream
// stored it on a majority of the replicas). A TCP feed sends nothing back
// to its sender, so this is the node's count, not the sender's.
//   - n2 or n3 killed: n1 lives, retries what a lost stream leader refused,
//     and must acknowledge every line the test wrote; every node (the
//     survivors and the restarted one) must then show through its API
//     every one of those positions exactly once.
//   - n1 killed: lines written to its socket but not yet published die
//     with it. Acknowledged is at least what its counter said just before
//     the kill plus what it counts after its restart; every node must show
//     at least that many, only positions the test wrote, none twice.
//
// The takeover time is from the kill until the survivors' leases cover
// every partition (picket_cluster_partitions_owned).
//
// Two trials by default; PICKET_KILL_TRIALS=20 for the proof in
// docs/cluster.md.
func TestClusterKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("kill -9 trials: builds picket and runs three serve processes per trial")
	}
	trials := 2
	if s := os.Getenv(killTrialsEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a number of trials, 1 or more", killTrialsEnv, s)
		}
		trials = n
	}
	bin := filepath.Join(t.TempDir(), "picket")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/picket")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var takeovers []time.Duration
	for i := range trials {
		victim := (i + 1) % 3 // n2, n3, n1, ...
		r := runKillTrial(t, bin, i+1, victim)
		takeovers = append(takeovers, r.takeover)
		t.Logf("trial %2d: killed n%d after %d lines written; written %d, acknowledged %s%d, stored n1 %d n2 %d n3 %d, doubled %d, takeover %v",
			i+1, victim+1, r.killedAt, r.written, map[bool]string{true: ">= ", false: ""}[victim == 0], r.acked, r.stored[0], r.stored[1], r.stored[2], r.doubled, r.takeover.Round(10*time.Millisecond))
	}
	lo, hi := takeovers[0], takeovers[0]
	for _, d := range takeovers {
		lo, hi = min(lo, d), max(hi, d)
	}
	t.Logf("%d trials: takeover %v to %v", trials, lo.Round(10*time.Millisecond), hi.Round(10*time.Millisecond))
}

type killResult struct {
	killedAt, written, acked int
	stored                   [3]int
	doubled                  int
	takeover                 time.Duration
}

// killFeed is the test's side of n1's TCP feed: it writes killLines
// lines, one every killLineEvery, to whichever connection n1 has open,
// and counts what it wrote (a line written to a connection that then
// dies may be lost with the node; one whose write failed is written
// again on the next connection).
type killFeed struct {
	ln    net.Listener
	base  time.Time
	mu    sync.Mutex
	next  int // the next line to write
	times map[int64]int
	done  chan struct{}
}

func (f *killFeed) line(k int) string {
	mmsi := uint32(440000001 + k%killVessels)
	fix := k / killVessels // the vessel's fix number: 40 s apart, 200 m north
	m := &ais.PositionReport{Header: ais.Header{Type: 1, MMSI: mmsi}, Speed: 100, Accuracy: true,
		Lon: int32((129 + float64(k%killVessels)*0.01) * 600000), Lat: int32((35 + float64(fix)*0.0018) * 600000),
		Course: 0, Heading: 0, Second: uint8(k % 60)}
	payload, fill, err := ais.AppendPayload(nil, m)
	if err != nil {
		panic(err)
	}
	tag := fmt.Sprintf("c:%d", f.base.Unix()+int64(k))
	s := fmt.Sprintf("AIVDM,1,1,,A,%s,%d", payload, fill)
	return "\\" + nmea.Checksummed(tag)[1:] + "\\!" + nmea.Checksummed(s)[1:] + "\r\n"
}

func (f *killFeed) serve() {
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			w := bufio.NewWriter(c)
			tick := time.NewTicker(killLineEvery)
			defer tick.Stop()
			for range tick.C {
				f.mu.Lock()
				k := f.next
				if k == killLines {
					f.mu.Unlock()
					return
				}
				w.WriteString(f.line(k))
				if err := w.Flush(); err != nil {
					f.mu.Unlock()
					return
				}
				f.next++
				if f.next == killLines {
					close(f.done)
				}
				f.mu.Unlock()
			}
		}()
	}
}

func (f *killFeed) written() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.next
}

type killNode struct {
	name, url, config, log string
	cmd                    *exec.Cmd
	exited                 chan struct{}
}

func runKillTrial(t *testing.T, bin string, trial, victim int) killResult {
	t.Helper()
	dir := t.TempDir()
	feedLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer feedLn.Close()
	feed := &killFeed{ln: feedLn, base: time.Now().Add(-2 * time.Hour).Truncate(time.Second), done: make(chan struct{})}
	addrs := loopbacktest.FreeAddrs(t, 6) // three APIs, three cluster routes
	routes := addrs[3:]
	nodes := make([]*killNode, 3)
	for i := range nodes {
		name := fmt.Sprintf("n%d", i+1)
		data := filepath.Join(dir, name)
		err := access.Update(data, func(r *access.Registry) error {
			if err := r.AddPartner("KOR", nil); err != nil {
				return err
			}
			return r.AddUser("adm", "KOR", access.Admin, "correct horse battery staple")
		})
		if err != nil {
			t.Fatal(err)
		}
		cfg := fmt.Sprintf(`listen: %s
data: %s
feeds:
  - {name: shore, partner: KOR, label: REL TO KOR, kind: tcp, address: %s, node: n1}
cluster:
  name: %s
  listen: %s
  routes: [%s]
  partitions: %d
  lease: 2s
`, addrs[i], data, feedLn.Addr(), name, routes[i], strings.Join(routes, ", "), killPartition)
		path := filepath.Join(dir, name+".yaml")
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		nodes[i] = &killNode{name: name, url: "http://" + addrs[i] + "/", config: path, log: filepath.Join(dir, name+".log")}
	}
	// Each node has its own registry: ask each with a token of its own.
	tokens := make([]string, 3)
	for i := range nodes {
		tokens[i] = killToken(t, filepath.Join(dir, nodes[i].name))
	}
	defer func() {
		for _, n := range nodes {
			n.stop()
		}
		if t.Failed() {
			for _, n := range nodes {
				b, _ := os.ReadFile(n.log)
				t.Logf("trial %d, %s's log:\n%s", trial, n.name, tail(string(b), 3000))
			}
		}
	}()
	for _, n := range nodes {
		n.start(t, bin)
	}
	for i, n := range nodes {
		killWait(t, fmt.Sprintf("trial %d: %s answering", trial, n.name), 90*time.Second, func() bool {
			_, err := killGet(n.url+"healthz", tokens[i])
			return err == nil
		})
	}
	go feed.serve()
	killWait(t, fmt.Sprintf("trial %d: %d lines written", trial, killAfter), time.Minute, func() bool { return feed.written() >= killAfter })

	var res killResult
	ackedBefore := 0
	if victim == 0 {
		ackedBefore = killMetric(t, nodes[0].url, tokens[0], `picket_cluster_feed_lines_total{feed="shore",outcome="acked"}`)
	}
	res.killedAt = feed.written()
	killed := time.Now()
	if err := nodes[victim].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-nodes[victim].exited
	killWait(t, fmt.Sprintf("trial %d: survivors own every partition", trial), 2*time.Minute, func() bool {
		owned := 0
		for i, n := range nodes {
			if i != victim {
				owned += killMetric(t, n.url, tokens[i], "picket_cluster_partitions_owned")
			}
		}
		return owned == killPartition
	})
	res.takeover = time.Since(killed)
	nodes[victim].start(t, bin)
	killWait(t, fmt.Sprintf("trial %d: %s answering again", trial, nodes[victim].name), 90*time.Second, func() bool {
		_, err := killGet(nodes[victim].url+"healthz", tokens[victim])
		return err == nil
	})
	select {
	case <-feed.done:
	case <-time.After(2 * time.Minute):
		t.Fatalf("trial %d: the feed stopped at %d of %d lines (n1 did not reconnect?)", trial, feed.written(), killLines)
	}
	res.written = feed.written()
	acked := func() int {
		return killMetric(t, nodes[0].url, tokens[0], `picket_cluster_feed_lines_total{feed="shore",outcome="acked"}`)
	}
	if victim != 0 {
		end := time.Now().Add(2 * time.Minute)
		for acked() < res.written && time.Now().Before(end) {
			time.Sleep(100 * time.Millisecond)
		}
		if a := acked(); a < res.written {
			b, _ := killGet(nodes[0].url+"metrics", tokens[0])
			var m []string
			for _, l := range strings.Split(string(b), "\n") {
				if strings.HasPrefix(l, "picket_cluster_") {
					m = append(m, l)
				}
			}
			t.Errorf("trial %d: n1 acknowledged %d of the %d lines written within 2 minutes of the feed's end; its metrics:\n%s", trial, a, res.written, strings.Join(m, "\n"))
		}
	}
	// Every node's API: the positions of every vessel, until ten looks a
	// second apart find them the same on every node and unchanged (and,
	// with n1 alive, every line written there), or three minutes pass:
	// then what is there is counted.
	var last [3]int
	same := 0
	var counts [3]map[int64]int
	for end := time.Now().Add(3 * time.Minute); same < 10 && time.Now().Before(end); time.Sleep(time.Second) {
		var now [3]int
		for i, n := range nodes {
			counts[i] = killPositions(t, n.url, tokens[i], feed.base)
			for _, c := range counts[i] {
				now[i] += c
			}
		}
		if now == last && now[0] == now[1] && now[1] == now[2] && (victim == 0 || now[0] >= res.written) {
			same++
		} else {
			same = 0
		}
		last = now
	}
	if victim == 0 {
		res.acked = ackedBefore + acked()
	} else {
		res.acked = acked()
		if res.acked != res.written {
			t.Errorf("trial %d: n1 acknowledged %d lines, the test wrote %d", trial, res.acked, res.written)
		}
	}
	for i := range nodes {
		for ts, c := range counts[i] {
			res.stored[i] += c
			if c > 1 {
				res.doubled += c - 1
			}
			if k := ts - feed.base.Unix(); k < 0 || k >= int64(res.written) {
				t.Errorf("trial %d: %s stores a position at %s, which the test never wrote", trial, nodes[i].name, time.Unix(ts, 0).UTC())
			}
		}
		if victim == 0 {
			if len(counts[i]) < res.acked {
				t.Errorf("trial %d: %s stores %d distinct positions, n1 acknowledged at least %d", trial, nodes[i].name, len(counts[i]), res.acked)
			}
		} else {
			for k := range res.written {
				if counts[i][feed.base.Unix()+int64(k)] == 0 {
					t.Errorf("trial %d: %s lost acknowledged line %d (%s)", trial, nodes[i].name, k, strings.TrimSpace(feed.line(k)))
					break
				}
			}
		}
	}
	if res.doubled > 0 {
		t.Errorf("trial %d: positions stored twice: %d (n1 %d, n2 %d, n3 %d stored in all)", trial, res.doubled, res.stored[0], res.stored[1], res.stored[2])
	}
	return res
}

func (n *killNode) start(t *testing.T, bin string) {
	t.Helper()
	log, err := os.OpenFile(n.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	n.cmd = exec.Command(bin, "serve", "--config", n.config)
	n.cmd.Stdout, n.cmd.Stderr = log, log
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n.exited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) {
		cmd.Wait()
		log.Close()
		close(exited)
	}(n.cmd, n.exited)
}

// stop ends the node (SIGTERM, then SIGKILL after 20 s).
func (n *killNode) stop() {
	if n.cmd == nil {
		return
	}
	select {
	case <-n.exited:
		return
	default:
	}
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.exited:
	case <-time.After(20 * time.Second):
		n.cmd.Process.Kill()
		<-n.exited
	}
}

func killToken(t *testing.T, data string) string {
	t.Helper()
	var tok string
	err := access.Update(data, func(r *access.Registry) error {
		var err error
		tok, _, err = r.CreateToken("adm", "trial", time.Hour, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func killGet(url, token string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := bufio.NewReader(resp.Body).WriteTo(&b); err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("%s: %s", url, resp.Status)
	}
	return []byte(b.String()), nil
}

// killMetric reads one sample of the node's /metrics (0 when absent).
func killMetric(t *testing.T, url, token, sample string) int {
	t.Helper()
	b, err := killGet(url+"metrics", token)
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, sample+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%smetrics: %q: %v", url, l, err)
			}
			return int(f)
		}
	}
	return 0
}

// killPositions counts, by time, the positions the node's API shows of
// the trial's vessels (each line has its own time).
func killPositions(t *testing.T, url, token string, base time.Time) map[int64]int {
	t.Helper()
	out := map[int64]int{}
	from, to := base.Add(-time.Minute).Format(time.RFC3339), base.Add(killLines*time.Second+time.Minute).Format(time.RFC3339)
	for v := range killVessels {
		b, err := killGet(fmt.Sprintf("%sapi/vessels/%d/track?from=%s&to=%s", url, 440000001+v, from, to), token)
		if err != nil {
			continue // not heard yet (404) or the node is busy: the caller looks again
		}
		var tr struct {
			Points []struct {
				Time time.Time `json:"time"`
			} `json:"points"`
		}
		if err := json.Unmarshal(b, &tr); err != nil {
			t.Fatalf("%s: track of %d: %v", url, 440000001+v, err)
		}
		for _, p := range tr.Points {
			out[p.Time.Unix()]++
		}
	}
	return out
}

func killWait(t *testing.T, what string, limit time.Duration, ok func() bool) {
	t.Helper()
	end := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(end) {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

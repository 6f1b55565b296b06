package live

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/ingest"
	"github.com/picket-ais/picket/internal/nmea"
	"github.com/picket-ais/picket/internal/sim"
	"github.com/picket-ais/picket/internal/store"
)

// BenchmarkLatency pushes a simulated feed over TCP at a steady rate
// (PICKET_LATENCY_RATE lines/s, default 10,000) and measures, for every
// position, the time from the write of its line to its publication on the
// hub: the point where the detectors have run on it and an alert it
// raised is published. It reports the p50 and p99 in ms over every run,
// the rate achieved, and how the p99 varies from run to run (the lowest,
// median and highest p99 of the runs: -benchtime 10x makes ten).
func BenchmarkLatency(b *testing.B) {
	rate := 10_000
	if v, err := strconv.Atoi(os.Getenv("PICKET_LATENCY_RATE")); err == nil && v > 0 {
		rate = v
	}
	var buf bytes.Buffer
	if _, err := sim.Generate(sim.Options{Seed: 3, Vessels: 1000, Hours: 4}, &buf); err != nil {
		b.Fatal(err)
	}
	lines := bytes.SplitAfter(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n"))
	lines = lines[:min(len(lines), 10*rate)] // ten seconds of feed
	// The position each line completes, if any.
	type key struct {
		mmsi uint32
		t    int64
	}
	idx := map[key]int{}
	{
		in := ingest.NewStream(0, nmea.Options{})
		var rs []fuse.Report
		for i, l := range lines {
			msg := in.Line(l, false)
			if msg == nil || !msg.HasTime {
				continue
			}
			rs = in.Reports(rs[:0], msg, msg.TimeMs)
			for _, r := range rs {
				if r.Kind != fuse.Position {
					continue
				}
				if _, seen := idx[key{r.MMSI, r.Time}]; !seen {
					idx[key{r.MMSI, r.Time}] = i
				}
			}
		}
	}
	sent := make([]atomic.Int64, len(lines))
	var lat []time.Duration
	var runP99 []float64 // each run's p99, ms
	var achieved float64
	var sentLines int64
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	cpu0 := cpuTime()
	for b.Loop() {
		st, err := store.Open(b.TempDir(), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		p, err := New(Options{Feeds: []Feed{{Name: "push", Kind: TCPListener, Address: "127.0.0.1:0"}}, Places: places()}, st, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		sub := p.Hub().Subscribe(Filter{Positions: true, Clearance: store.AllFeeds})
		got := make(chan []time.Duration, 1)
		go func() {
			var l []time.Duration
			for m := range sub.C {
				if m.Position == nil {
					continue
				}
				if i, ok := idx[key{m.Position.MMSI, m.Position.Time}]; ok {
					if t := sent[i].Load(); t != 0 {
						l = append(l, time.Duration(time.Now().UnixNano()-t))
					}
				}
			}
			got <- l
		}()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		c, err := net.Dial("tcp", p.Addr("push").String())
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(c, 64<<10)
		began := time.Now()
		// Every millisecond, send what is due by then: the rate holds even
		// when ticks come late.
		tick := time.NewTicker(time.Millisecond)
		for i := 0; i < len(lines); {
			<-tick.C
			now := time.Now()
			due := min(len(lines), int(now.Sub(began).Seconds()*float64(rate)))
			for ; i < due; i++ {
				sent[i].Store(now.UnixNano())
				w.Write(lines[i])
			}
			w.Flush()
		}
		tick.Stop()
		achieved = float64(len(lines)) / time.Since(began).Seconds()
		sentLines += int64(len(lines))
		c.Close()
		for i := 0; p.Stats().Feeds[0].Lines < int64(len(lines)); i++ {
			if i == 60_000 {
				b.Fatalf("%d of %d lines taken in", p.Stats().Feeds[0].Lines, len(lines))
			}
			time.Sleep(time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		run := <-got
		if len(run) > 0 {
			slices.Sort(run)
			runP99 = append(runP99, float64(run[int(0.99*float64(len(run)-1))])/1e6)
		}
		lat = append(lat, run...)
		st.Close()
		for i := range sent {
			sent[i].Store(0)
		}
	}
	runtime.ReadMemStats(&m1)
	cpu := cpuTime() - cpu0
	if len(lat) == 0 {
		b.Fatal("no latency measured")
	}
	// What the process allocated per line sent (the pipeline's and the
	// sender's and this subscriber's): it does not depend on the load.
	b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(sentLines), "allocs/line")
	b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/float64(sentLines), "B/line")
	b.ReportMetric(float64(cpu)/1e3/float64(sentLines), "cpu-µs/line")
	slices.Sort(lat)
	q := func(f float64) float64 { return float64(lat[int(f*float64(len(lat)-1))]) / 1e6 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(achieved, "lines/s")
	slices.Sort(runP99)
	b.ReportMetric(runP99[0], "p99min-ms")
	b.ReportMetric(runP99[len(runP99)/2], "p99med-ms")
	b.ReportMetric(runP99[len(runP99)-1], "p99max-ms")
}

package store

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

// The kill -9 test: a child process (this test binary, re-executed) ingests
// and prints "ack N" after each batch N is acknowledged; the parent kills
// it with SIGKILL mid-ingest, reopens the store and checks that every
// acknowledged batch is there whole, the batch in flight is there whole or
// not at all, and nothing else. Small windows make the child seal every
// few batches, so kills land in seals as well as in appends.

const (
	crashBatch   = 200
	crashVessels = 500
	envCrashDir  = "PICKET_STORE_CRASH_DIR"
	envCrashFrom = "PICKET_STORE_CRASH_FROM"
)

var crashOpts = Options{BlockSpan: 5 * time.Minute, Grace: 30 * time.Second}

// crashBatchOf returns batch i: every position has a distinct time, 100 ms
// apart, so a vessel reports every 50 s; pairs are swapped so that some
// arrive out of order.
func crashBatchOf(i int) []Position {
	ps := make([]Position, crashBatch)
	for j := range ps {
		k := int64(i*crashBatch + j)
		ps[j] = Position{
			MMSI: uint32(100_000_000 + k%crashVessels), Time: t0 + k*100,
			Lat: float64(30_000_000+k%7919) / 600000, Lon: float64(60_000_000-k%6007) / 600000,
			SOG: float32(k%200) / 10, COG: float32(k%3600) / 10, Heading: int16(k % 360), Status: uint8(k % 16), Feeds: uint64(1 + k%3),
		}
	}
	for j := 0; j+1 < len(ps); j += 10 {
		ps[j], ps[j+1] = ps[j+1], ps[j]
	}
	return ps
}

func crashEvent(i int) event.Event {
	return event.Event{ID: fmt.Sprintf("ev-%d", i), Type: event.Gap, MMSI: uint32(100_000_000 + i%crashVessels),
		Start: time.UnixMilli(t0 + int64(i)*20_000).UTC(), End: time.UnixMilli(t0 + int64(i)*20_000 + 3_600_000).UTC(), Summary: "gap"}
}

// TestCrashChild is the child's side; it runs only when re-executed.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(envCrashDir)
	if dir == "" {
		t.Skip("run by TestKill9")
	}
	from, _ := strconv.Atoi(os.Getenv(envCrashFrom))
	s, err := Open(dir, crashOpts)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	for i := from; i < from+1_000_000; i++ {
		if err := s.Append(crashBatchOf(i)); err != nil {
			fmt.Println("append:", err)
			os.Exit(2)
		}
		if i%7 == 0 {
			if err := s.PutEvent(crashEvent(i), Provenance{Feeds: 1}); err != nil {
				fmt.Println("event:", err)
				os.Exit(2)
			}
		}
		if i%5 == 0 {
			if err := s.PutIdentity(uint32(100_000_000+i%crashVessels), IdentityRecord{Field: "name", Value: fmt.Sprintf("N%d", i), First: t0, Last: t0 + int64(i)}); err != nil {
				fmt.Println("identity:", err)
				os.Exit(2)
			}
		}
		// Unbuffered: the line is in the pipe before the next batch.
		os.Stdout.WriteString("ack " + strconv.Itoa(i) + "\n")
	}
	os.Exit(0)
}

func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	dir := t.TempDir()
	next := 0 // first batch not known to be stored
	// A batch in flight at a kill can have its positions stored and its
	// event and identity not: they were never acknowledged, and the next
	// round starts after it, so they are not expected.
	unacked := make(map[int]bool)
	for round, acks := range []int{1, 40, 400, 1200} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), envCrashDir+"="+dir, envCrashFrom+"="+strconv.Itoa(next))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		last, seen := next-1, 0
		for sc.Scan() {
			line := sc.Text()
			n, ok := strings.CutPrefix(line, "ack ")
			if !ok {
				t.Fatalf("round %d: child says %q", round, line)
			}
			last, _ = strconv.Atoi(n)
			if seen++; seen == acks {
				cmd.Process.Signal(syscall.SIGKILL)
				break
			}
		}
		// What the child acknowledged before it died may still be in the
		// pipe.
		for sc.Scan() {
			if n, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
				last, _ = strconv.Atoi(n)
			}
		}
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child did not die of SIGKILL: %v", round, err)
		}
		inFlight := verifyCrash(t, dir, last, unacked)
		t.Logf("round %d: killed after batch %d acknowledged; batch in flight stored: %v", round, last, inFlight)
		next = last + 1
		if inFlight {
			unacked[next] = true
			next++
		}
	}
}

// verifyCrash opens the store and checks it holds exactly batches up to
// last, and the next one whole or not at all, which it reports.
func verifyCrash(t *testing.T, dir string, last int, unacked map[int]bool) bool {
	t.Helper()
	s, err := Open(dir, crashOpts)
	if err != nil {
		t.Fatalf("reopening after kill -9: %v", err)
	}
	defer s.Close()
	if err := s.Health(); err != nil {
		t.Fatalf("a kill -9 leaves at most a torn tail, not damage: %v", err)
	}
	want := make(map[uint32][]Position)
	for i := 0; i <= last+1; i++ {
		for _, p := range crashBatchOf(i) {
			want[p.MMSI] = append(want[p.MMSI], p)
		}
	}
	inFlightPts := 0
	for mmsi, w := range want {
		got := track(t, s, mmsi, 0, math.MaxInt64)
		// Times are distinct and increasing with the batch number.
		limit := t0 + int64((last+1)*crashBatch)*100
		j := 0
		for _, p := range got {
			for j < len(w) && w[j].Time < p.Time {
				if w[j].Time < limit {
					t.Fatalf("mmsi %d: acknowledged position at %d lost", mmsi, w[j].Time)
				}
				j++
			}
			if j == len(w) || !samePos(p, w[j], 0) {
				t.Fatalf("mmsi %d: stored %+v, not one that was sent", mmsi, p)
			}
			if p.Time >= limit {
				inFlightPts++
			}
			j++
		}
		for ; j < len(w); j++ {
			if w[j].Time < limit {
				t.Fatalf("mmsi %d: acknowledged position at %d lost", mmsi, w[j].Time)
			}
		}
	}
	if inFlightPts != 0 && inFlightPts != crashBatch {
		t.Fatalf("batch in flight half stored: %d of %d positions", inFlightPts, crashBatch)
	}
	ids := make(map[string]bool)
	s.Events(EventFilter{Clearance: AllFeeds}, func(e event.Event, _ Provenance) bool { ids[e.ID] = true; return true })
	for i := 0; i <= last; i += 7 - i%7 {
		if !ids[fmt.Sprintf("ev-%d", i)] && !unacked[i] {
			t.Fatalf("acknowledged event ev-%d lost", i)
		}
	}
	for i := 0; i <= last; i += 5 - i%5 {
		rs, _ := s.Identities(uint32(100_000_000 + i%crashVessels))
		found := false
		for _, r := range rs {
			found = found || r.Value == fmt.Sprintf("N%d", i)
		}
		if !found && !unacked[i] {
			t.Fatalf("acknowledged identity N%d lost", i)
		}
	}
	return inFlightPts == crashBatch
}

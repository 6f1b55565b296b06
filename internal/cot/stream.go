package cot

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"sync/atomic"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/live"
)

// Options configure one CoT stream. Name, Partner and Address are
// required.
type Options struct {
	// Name is the stream's name in logs and metrics.
	Name string
	// Partner is whose clearance the stream has: it sends what that
	// partner's users may see, and nothing when the partner is cleared
	// for nothing.
	Partner string
	// Network is "tcp" (a TAK Server's streaming input, default) or
	// "udp" (a multicast group or a unicast listener).
	Network string
	// Address is host:port, e.g. takserver.example.org:8087 or
	// 239.2.3.1:6969.
	Address string
	// MinInterval thins positions: at most one per vessel per interval
	// of data time. Default 10 s; TAK shows a contact, not a track.
	MinInterval time.Duration
	// Stale is how long after its time TAK keeps a contact. Default
	// 10 min.
	Stale time.Duration
	// Recheck is how often the partner's clearance is looked up again.
	// Default 1 s, as an open live stream and the alert rules check theirs.
	Recheck time.Duration
	// TLS, when set, wraps a TCP connection in TLS: a TAK Server's
	// secure streaming input (8089) wants a client certificate. Default
	// none.
	TLS *tls.Config
	// Dial, when set, opens the connection (tests). Default net.Dialer.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
	// Stats, when set, counts what the stream does (for metrics).
	Stats *Stats
}

// Stats are a stream's counters, safe to read while it runs.
type Stats struct {
	// Sent counts the events written; Failures the connections that
	// could not be made or broke.
	Sent, Failures atomic.Int64
	// Connected is 1 while the stream has a connection.
	Connected atomic.Int64
}

func (o Options) withDefaults() Options {
	if o.Network == "" {
		o.Network = "tcp"
	}
	if o.MinInterval <= 0 {
		o.MinInterval = 10 * time.Second
	}
	if o.Stale <= 0 {
		o.Stale = 10 * time.Minute
	}
	if o.Recheck <= 0 {
		o.Recheck = time.Second
	}
	if o.Dial == nil {
		var d net.Dialer
		o.Dial = d.DialContext
		if o.TLS != nil {
			td := &tls.Dialer{Config: o.TLS}
			o.Dial = td.DialContext
		}
	}
	if o.Stats == nil {
		o.Stats = &Stats{}
	}
	return o
}

// Check reports what is wrong with o, naming the stream.
func (o Options) Check() error {
	switch {
	case o.Name == "":
		return errors.New("cot: a stream has no name")
	case o.Partner == "":
		return fmt.Errorf("cot: stream %s: no partner (whose clearance it has)", o.Name)
	case o.Network != "" && o.Network != "tcp" && o.Network != "udp":
		return fmt.Errorf("cot: stream %s: protocol %q: want tcp or udp", o.Name, o.Network)
	case o.TLS != nil && o.Network == "udp":
		return fmt.Errorf("cot: stream %s: TLS is for tcp, not udp", o.Name)
	}
	if _, _, err := net.SplitHostPort(o.Address); err != nil {
		return fmt.Errorf("cot: stream %s: address %q: want host:port", o.Name, o.Address)
	}
	return nil
}

// Releasability tells a stream what it may send and how to mark it.
type Releasability interface {
	// Clearance is the feeds a partner is cleared for now (0: none).
	Clearance(partner string) uint64
	// Marking is the marking of data resting on each of the feed sets
	// given (already within the clearance), for the partner.
	Marking(partner string, feeds ...uint64) string
}

// Run streams the hub's positions and alerts to o.Address as o.Partner
// may see them, until ctx ends. It dials again, with backoff up to a
// minute, when the connection fails.
func Run(ctx context.Context, hub *live.Hub, rel Releasability, o Options, log *slog.Logger) error {
	o = o.withDefaults()
	if err := o.Check(); err != nil {
		return err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("cot", o.Name, "partner", o.Partner)
	backoff := time.Second
	for ctx.Err() == nil {
		conn, err := o.Dial(ctx, o.Network, o.Address)
		if err != nil {
			o.Stats.Failures.Add(1)
			log.Warn("cot stream: cannot connect", "address", o.Address, "err", err)
		} else {
			o.Stats.Connected.Store(1)
			err = stream(ctx, hub, rel, o, conn, log)
			o.Stats.Connected.Store(0)
			conn.Close()
			if ctx.Err() != nil {
				return nil
			}
			o.Stats.Failures.Add(1)
			log.Warn("cot stream: connection lost", "err", err)
			backoff = time.Second
		}
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Minute)
	}
	return nil
}

// stream sends on conn until ctx ends or a write fails.
func stream(ctx context.Context, hub *live.Hub, rel Releasability, o Options, conn net.Conn, log *slog.Logger) error {
	clearance := rel.Clearance(o.Partner)
	subscribe := func() *live.Subscription {
		return hub.Subscribe(live.Filter{Positions: true, Alerts: true, MinInterval: o.MinInterval, Clearance: clearance})
	}
	sub := subscribe()
	defer func() { sub.Close() }()
	if clearance == 0 {
		log.Warn("cot stream: the partner is cleared for no feed: nothing is sent")
	}
	tick := time.NewTicker(o.Recheck)
	defer tick.Stop()
	names := map[uint32]string{} // names the stream may send, as heard
	types := map[uint32]uint8{}  // ship types, likewise
	last := map[uint32]Contact{} // the last contact sent, for an alert without a position
	var buf []byte
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			if c := rel.Clearance(o.Partner); c != clearance {
				log.Info("cot stream: clearance changed", "from", clearance, "to", c)
				clearance = c
				sub.Close()
				sub = subscribe()
				clear(names)
				clear(types)
				clear(last)
			}
		case m, ok := <-sub.C:
			if !ok {
				return errors.New("cot: the live stream ended")
			}
			var c Contact
			switch {
			case m.Position != nil:
				p := m.Position
				if p.Name != "" && !m.HideName {
					names[p.MMSI] = p.Name
				}
				if p.ShipType != 0 && !m.HideShipType {
					types[p.MMSI] = p.ShipType
				}
				c = Contact{MMSI: p.MMSI, Name: names[p.MMSI], ShipType: types[p.MMSI], Time: time.UnixMilli(p.Time),
					Lat: p.Lat, Lon: p.Lon, SOG: float64(p.SOG), COG: float64(p.COG),
					Marking: rel.Marking(o.Partner, p.Feeds&clearance)}
				last[p.MMSI] = c
			case m.Alert != nil:
				// The alert updates its vessel and, for a pair, the other
				// one (at its own last position): both are the partner's
				// to see, or the alert would not have come. One event a
				// write: over UDP, one event a datagram.
				marking := rel.Marking(o.Partner, m.Prov.Feeds&clearance, m.Prov.OtherFeeds&clearance)
				for _, mmsi := range []uint32{m.Alert.MMSI, m.Alert.OtherMMSI} {
					if mmsi == 0 {
						continue // a dark vessel has no MMSI, and CoT contacts are per vessel
					}
					ac := alertContact(m.Alert, mmsi, last[mmsi], names, types)
					if ac.MMSI == 0 {
						continue // nowhere to put it
					}
					ac.Marking = marking
					if err := send(conn, Append(buf[:0], ac, o.Stale), o.Stats); err != nil {
						return err
					}
				}
				continue
			default:
				continue
			}
			if err := send(conn, Append(buf[:0], c, o.Stale), o.Stats); err != nil {
				return err
			}
		}
	}
}

// send writes one event.
func send(conn net.Conn, b []byte, st *Stats) error {
	conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	if _, err := conn.Write(b); err != nil {
		return err
	}
	st.Sent.Add(1)
	return nil
}

// alertContact is the contact an alert updates: its vessel at the
// alert's position (or its last one), the other vessel of a pair at its
// last position (none when the stream has not sent one), with the alert in
// its remarks.
func alertContact(e *event.Event, mmsi uint32, prev Contact, names map[uint32]string, types map[uint32]uint8) Contact {
	c := Contact{MMSI: mmsi, Name: names[mmsi], ShipType: types[mmsi], Time: e.End, SOG: math.NaN(), COG: math.NaN()}
	if prev.MMSI != 0 {
		c.SOG, c.COG = prev.SOG, prev.COG
	}
	switch {
	case mmsi != e.MMSI && prev.MMSI != 0:
		c.Lat, c.Lon = prev.Lat, prev.Lon
	case mmsi != e.MMSI:
		return Contact{} // the alert's place is its vessel's: a shared IMO's other may be far off
	case e.HasPosition():
		c.Lat, c.Lon = e.Lat, e.Lon
	case prev.MMSI != 0:
		c.Lat, c.Lon = prev.Lat, prev.Lon
	default:
		return Contact{} // nowhere to put it
	}
	c.Alert = string(e.Type)
	if e.Subtype != "" {
		c.Alert += " (" + e.Subtype + ")"
	}
	c.Alert += ": " + e.Summary
	return c
}

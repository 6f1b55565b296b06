package event

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Type is an event type of the contract.
type Type string

// The event types.
const (
	Encounter      Type = "encounter"
	DarkRendezvous Type = "dark_rendezvous"
	Loitering      Type = "loitering"
	Gap            Type = "gap"
	Spoofing       Type = "spoofing"
	IdentityChange Type = "identity_change"
	PortVisit      Type = "port_visit"
	ZoneVisit      Type = "zone_visit"
	Watchlist      Type = "watchlist"
	// DarkVessel is a non-AIS detection (a satellite radar image's
	// vessel) that no AIS vessel explains. Its MMSI is 0: nobody
	// identified it; Candidates names the vessels that could be it.
	DarkVessel Type = "dark_vessel"
	// DarkEncounter is an AIS vessel (MMSI) alongside something only a
	// sensor saw (a dark radar track, or dark detections in repeated
	// satellite passes) long enough to be a transfer with a partner that
	// does not transmit; Sensor says which.
	DarkEncounter Type = "dark_encounter"
)

// Types lists every type in a stable order.
var Types = []Type{Encounter, DarkRendezvous, Loitering, Gap, Spoofing, IdentityChange, PortVisit, ZoneVisit, Watchlist, DarkVessel, DarkEncounter}

// Spoofing subtypes.
const (
	ImpossibleSpeed = "impossible_speed"
	SharedMMSI      = "shared_mmsi"
	InvalidIdentity = "invalid_identity"
	// SharedIMO: one IMO number broadcast by two MMSIs alive at the same
	// time (identity fraud or a typo); OtherMMSI is the other.
	SharedIMO = "shared_imo"
	// UnseenByRadar: AIS positions well inside a working radar's coverage,
	// sweep after sweep, where the radar saw nothing (the position
	// spoofed); Sensor "radar", Scene the radar's feed.
	UnseenByRadar = "unseen_by_radar"
)

// Identity fields an identity_change can name.
const (
	FieldName     = "name"
	FieldCallSign = "callsign"
	FieldIMO      = "imo"
	FieldFlag     = "flag"
	FieldShipType = "shiptype"
)

// Entry is the watchlist entry an event matched.
type Entry struct {
	List    string   `json:"list"`           // e.g. "OFAC SDN"
	ID      string   `json:"id,omitempty"`   // the list's own id
	Name    string   `json:"name,omitempty"` // as listed
	IMO     int      `json:"imo,omitempty"`  // as listed
	MMSI    int      `json:"mmsi,omitempty"` // as listed
	Program []string `json:"program,omitempty"`
	By      string   `json:"by"` // imo, mmsi, name or alias
}

// Event is one detected behaviour. Field order is the JSON order.
type Event struct {
	ID         string    `json:"id"`
	Type       Type      `json:"type"`
	Subtype    string    `json:"subtype,omitempty"`
	MMSI       uint32    `json:"mmsi"`
	OtherMMSI  uint32    `json:"other_mmsi,omitempty"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Lat        float64   `json:"lat"`
	Lon        float64   `json:"lon"`
	Confidence float64   `json:"confidence"`
	Summary    string    `json:"summary"`

	// gap
	EndLat      *float64 `json:"end_lat,omitempty"`
	EndLon      *float64 `json:"end_lon,omitempty"`
	Intentional *bool    `json:"intentional,omitempty"`
	// identity_change
	Field string `json:"field,omitempty"`
	From  string `json:"from,omitempty"`
	To    string `json:"to,omitempty"`
	// port_visit, zone_visit
	Port string `json:"port,omitempty"`
	Zone string `json:"zone,omitempty"`
	// watchlist
	Entry *Entry `json:"entry,omitempty"`
	// dark_vessel: the sensor that saw it ("sar", "optical", "viirs",
	// "radar"), the image (scene) it
	// is in, and the MMSIs in an AIS gap that could have been there.
	Sensor     string   `json:"sensor,omitempty"`
	Scene      string   `json:"scene,omitempty"`
	Candidates []uint32 `json:"candidates,omitempty"`

	// Segment names the transmitter within an MMSI the event belongs to
	// ("<mmsi>-<n>") where one MMSI carries several.
	Segment string `json:"segment,omitempty"`
	// Details holds detector-specific measurements (distances, speeds,
	// durations) that explain the confidence.
	Details map[string]float64 `json:"details,omitempty"`
	// Evidence lists the fixes the event rests on, so that an
	// investigator can check it against the raw data without rebuilding
	// it: for a gap the last fix before the silence and the first after.
	Evidence []Fix `json:"evidence,omitempty"`
}

// Fix is one received position an event rests on.
type Fix struct {
	Time time.Time `json:"time"`
	Lat  float64   `json:"lat"`
	Lon  float64   `json:"lon"`
	// SOG (knots) and COG (degrees) are absent when the report had none:
	// 0 is a speed.
	SOG *float64 `json:"sog,omitempty"`
	COG *float64 `json:"cog,omitempty"`
	// Feed is the input or feed that delivered it (its name, or its
	// number among the inputs when it has none).
	Feed string `json:"feed,omitempty"`
	// Receiver is the station that heard it, where the feed says.
	Receiver string `json:"receiver,omitempty"`
	// MMSI is set when the event is about two vessels: whose fix it is.
	MMSI uint32 `json:"mmsi,omitempty"`
	// Role says what the fix is to the event: "last_before" and
	// "first_after" a silence, for gaps and dark rendezvous.
	Role string `json:"role,omitempty"`
}

// Roles of evidence fixes.
const (
	LastBefore = "last_before"
	FirstAfter = "first_after"
	// First and Last are the fixes that open and close an episode (a
	// port call, a loitering run, a stay in a zone).
	First = "first"
	Last  = "last"
	// Detected is where a sensor saw a dark vessel (its Feed the
	// detections file, its Receiver the file's line).
	Detected = "detected"
	// Site is where the sensor stood that should have seen the vessel (a
	// radar's site, its Feed the radar's).
	Site = "site"
)

// HasPosition reports whether the event has a known position. An event
// whose vessel was never placed (a static report before any position)
// is at exactly 0,0, which no AIS fix is: receivers without a GNSS fix
// send 0,0 too, so no detector takes it for a position. Its lat and lon
// are then left out of the JSON and of every export, never written as
// 0,0.
func (e *Event) HasPosition() bool { return e.Lat != 0 || e.Lon != 0 }

// MarshalJSON is the contract's JSON, without lat and lon when the
// position is unknown (HasPosition).
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event // the fields without this method
	b, err := json.Marshal((*plain)(&e))
	if err != nil || e.HasPosition() {
		return b, err
	}
	// The first match is the event's own: no string before it can hold
	// an unescaped quote, and details and evidence come after.
	return bytes.Replace(b, []byte(`,"lat":0,"lon":0,`), []byte(`,`), 1), nil
}

// Pair reports whether the event involves two vessels.
func (e *Event) Pair() bool { return e.OtherMMSI != 0 }

// PreviousMMSI returns the MMSI a flag change came from (an
// identity_change of the flag, when a vessel took over the IMO number
// another MMSI had: the same hull under its former identity), or 0. That
// vessel is one of the event's inputs, as OtherMMSI is for a pair.
func (e *Event) PreviousMMSI() uint32 {
	if e.Type != IdentityChange || e.Field != FieldFlag {
		return 0
	}
	p := e.Details["previous_mmsi"]
	if p <= 0 || p > 1<<32-1 {
		return 0
	}
	return uint32(p)
}

// Duration is End - Start.
func (e *Event) Duration() time.Duration { return e.End.Sub(e.Start) }

// SetID gives the event a stable id from what identifies it: type,
// subtype, the vessels (unordered), the field or place, and the start.
// The same input always yields the same ids.
func (e *Event) SetID() {
	a, b := e.MMSI, e.OtherMMSI
	if b != 0 && b < a {
		a, b = b, a
	}
	h := sha256.New()
	var buf []byte
	buf = append(buf, e.Type...)
	buf = append(buf, '|')
	buf = append(buf, e.Subtype...)
	buf = append(buf, '|')
	buf = strconv.AppendUint(buf, uint64(a), 10)
	buf = append(buf, '|')
	buf = strconv.AppendUint(buf, uint64(b), 10)
	buf = append(buf, '|')
	buf = append(buf, e.Segment...)
	buf = append(buf, '|')
	buf = append(buf, e.Field...)
	buf = append(buf, e.Port...)
	buf = append(buf, e.Zone...)
	if e.Entry != nil {
		buf = append(buf, e.Entry.List...)
		buf = append(buf, '|')
		buf = append(buf, e.Entry.ID...)
	}
	if e.Sensor != "" {
		// Detections have no MMSI: several in one image differ by place.
		buf = append(buf, '|')
		buf = append(buf, e.Sensor...)
		buf = append(buf, '|')
		buf = append(buf, e.Scene...)
		buf = append(buf, '|')
		buf = strconv.AppendFloat(buf, e.Lat, 'f', 5, 64)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, e.Lon, 'f', 5, 64)
	}
	buf = append(buf, '|')
	buf = strconv.AppendInt(buf, e.Start.UnixMilli(), 10)
	h.Write(buf)
	e.ID = hex.EncodeToString(h.Sum(nil)[:8])
}

// Ptr returns a pointer to v, for the optional fields.
func Ptr[T any](v T) *T { return &v }

// FromIdentities reports whether the event is made of what vessels said
// of themselves in static reports (names, call signs, IMO numbers,
// types) rather than of where they were: an identity change, a
// watchlist hit, an invalid identity, an IMO number two MMSIs share. Its
// provenance is the feeds that heard those static reports.
func (e *Event) FromIdentities() bool {
	switch e.Type {
	case IdentityChange, Watchlist:
		return true
	case Spoofing:
		return e.Subtype == InvalidIdentity || e.Subtype == SharedIMO
	}
	return false
}

// Withdrawn reports whether the event was withdrawn: emitted while its
// episode went on (the live stream sends an encounter as soon as it
// qualifies), it failed its definition when the episode ended, and was
// sent once more with confidence 0, which no detector gives an event it
// reports.
func (e *Event) Withdrawn() bool { return e.Confidence == 0 }

// Compare orders events as events.jsonl, the API and every list of
// events do: by start time, then by id (which makes the order total and
// the same on every run).
func Compare(a, b *Event) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// Sort orders events by Compare; equal events keep their order.
func Sort(evs []Event) {
	sort.SliceStable(evs, func(i, j int) bool { return Compare(&evs[i], &evs[j]) < 0 })
}

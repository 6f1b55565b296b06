package cot

import (
	"encoding/xml"
	"math"
	"strings"
	"testing"
	"time"
)

// cotEvent is the part of the CoT base event the tests read.
type cotEvent struct {
	XMLName xml.Name `xml:"event"`
	Version string   `xml:"version,attr"`
	UID     string   `xml:"uid,attr"`
	Type    string   `xml:"type,attr"`
	How     string   `xml:"how,attr"`
	Time    string   `xml:"time,attr"`
	Start   string   `xml:"start,attr"`
	Stale   string   `xml:"stale,attr"`
	Access  string   `xml:"access,attr"`
	Point   struct {
		Lat float64 `xml:"lat,attr"`
		Lon float64 `xml:"lon,attr"`
		HAE string  `xml:"hae,attr"`
		CE  string  `xml:"ce,attr"`
		LE  string  `xml:"le,attr"`
	} `xml:"point"`
	Detail struct {
		Contact struct {
			Callsign string `xml:"callsign,attr"`
		} `xml:"contact"`
		Track *struct {
			Course string `xml:"course,attr"`
			Speed  string `xml:"speed,attr"`
		} `xml:"track"`
		Remarks string `xml:"remarks"`
	} `xml:"detail"`
}

func TestAppend(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 43, 14, 0, time.UTC)
	tests := []struct {
		c                  Contact
		typ, call          string
		course, speed, rem string
	}{
		// DRAGON MARINER, a cargo ship of the simulated Yellow Sea, at
		// 16.9 kn: 8.69 m/s.
		{Contact{MMSI: 671077420, Name: "DRAGON MARINER", ShipType: 71, Time: t0, Lat: 35.96279, Lon: 120.48931, SOG: 16.9, COG: 290.9, Marking: "REL TO JPN, KOR"},
			"a-u-S-X-M-C", "DRAGON MARINER", "290.9", "8.69", "MMSI 671077420 | REL TO JPN, KOR"},
		{Contact{MMSI: 440123000, ShipType: 84, Time: t0, Lat: 37.5, Lon: 126.5, SOG: math.NaN(), COG: math.NaN(), Alert: `encounter: met "X" & <Y>`, Marking: "REL TO USA"},
			"a-u-S-X-M-O", "MMSI 440123000", "", "", `ALERT: encounter: met "X" & <Y> | MMSI 440123000 | REL TO USA`},
		{Contact{MMSI: 1, Time: t0, Lat: -1, Lon: -179.5, SOG: 0, COG: 0, Marking: "REL TO NATO"}, "a-u-S", "MMSI 1", "0.0", "0.00", "MMSI 1 | REL TO NATO"},
	}
	for _, tt := range tests {
		b := Append(nil, tt.c, 10*time.Minute)
		var e cotEvent
		if err := xml.Unmarshal(b, &e); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if e.Version != "2.0" || e.UID != UID(tt.c.MMSI) || e.Type != tt.typ || e.How != "m-g" || e.Time != "2026-03-01T09:43:14.000Z" ||
			e.Start != e.Time || e.Stale != "2026-03-01T09:53:14.000Z" || e.Access != tt.c.Marking {
			t.Errorf("event attributes %+v", e)
		}
		if e.Point.Lat != tt.c.Lat || e.Point.Lon != tt.c.Lon || e.Point.HAE != "0" || e.Point.LE != "9999999" {
			t.Errorf("point %+v", e.Point)
		}
		if e.Detail.Contact.Callsign != tt.call || e.Detail.Remarks != tt.rem {
			t.Errorf("callsign %q remarks %q", e.Detail.Contact.Callsign, e.Detail.Remarks)
		}
		switch {
		case tt.course == "" && e.Detail.Track != nil:
			t.Errorf("a track for unknown course and speed: %+v", e.Detail.Track)
		case tt.course != "" && (e.Detail.Track == nil || e.Detail.Track.Course != tt.course || e.Detail.Track.Speed != tt.speed):
			t.Errorf("track %+v, want course %s speed %s", e.Detail.Track, tt.course, tt.speed)
		}
		if strings.Count(string(b), "\n") != 2 {
			t.Errorf("an event is two lines (declaration, event): %q", b)
		}
	}
}

func TestCheck(t *testing.T) {
	good := Options{Name: "tak", Partner: "JPN", Network: "udp", Address: "239.2.3.1:6969"}
	if err := good.Check(); err != nil {
		t.Error(err)
	}
	for _, o := range []Options{{Partner: "JPN", Address: "a:1"}, {Name: "x", Address: "a:1"}, {Name: "x", Partner: "J", Network: "sctp", Address: "a:1"}, {Name: "x", Partner: "J", Address: "nohost"}} {
		if err := o.Check(); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

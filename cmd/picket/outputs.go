package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"time"

	"github.com/picket-ais/picket/internal/casefile"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/export"
	"github.com/picket-ais/picket/internal/network"
	"github.com/picket-ais/picket/internal/picture"
	"github.com/picket-ais/picket/internal/pipeline"
	"github.com/picket-ais/picket/internal/profile"
	"github.com/picket-ais/picket/internal/zone"
)

// writeProfiles writes vessels.jsonl and networks.json and keeps the
// profiles for the summary.
func writeProfiles(dir string, res *pipeline.AnalyzeResult) ([]profile.Profile, error) {
	pic := picture.Build(res.Tracker, res.Events, picture.Options{}, time.Now())
	if err := pipeline.WriteFileAtomic(filepath.Join(dir, "vessels.jsonl"), func(w io.Writer) error {
		return profile.WriteJSONL(w, pic.Profiles)
	}); err != nil {
		return nil, err
	}
	if err := pipeline.WriteFileAtomic(filepath.Join(dir, "networks.json"), func(w io.Writer) error {
		return network.WriteJSON(w, pic.Networks)
	}); err != nil {
		return nil, err
	}
	return pic.Profiles, nil
}

// writeTopRisk prints the ten riskiest vessels and why.
func writeTopRisk(w io.Writer, ps []profile.Profile) {
	n := 0
	for _, p := range ps {
		if p.Segment != "" || p.Risk.Score == 0 {
			continue
		}
		if n == 0 {
			fmt.Fprintln(w, "top risk")
		}
		why := ""
		if len(p.Risk.Reasons) > 0 {
			why = p.Risk.Reasons[0].Reason
		}
		fmt.Fprintf(w, "  %3d  %-9d %-20s %s\n", p.Risk.Score, p.MMSI, p.Name, why)
		if n++; n == 10 {
			break
		}
	}
}

// writeManifest writes manifest.json: picket's version and the SHA-256
// of every input, so that a report made from the run can say what it
// rests on.
func writeManifest(dir string, inputs []string) error {
	type input struct {
		Name   string `json:"name"`
		Bytes  int64  `json:"bytes"`
		SHA256 string `json:"sha256"`
	}
	m := struct {
		Picket string  `json:"picket"`
		Inputs []input `json:"inputs"`
	}{Picket: casefile.Version(version)}
	for _, p := range inputs {
		in, err := casefile.HashFile(p, "")
		if err != nil {
			return err
		}
		m.Inputs = append(m.Inputs, input{Name: p, Bytes: in.Bytes, SHA256: in.SHA256})
	}
	return pipeline.WriteFileAtomic(filepath.Join(dir, "manifest.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(m)
	})
}

// nvgOverlay is what analyze's events.nvg holds: the events, the tracks
// when kept (--tracks), the zones when given (--zones).
func nvgOverlay(evs []event.Event, tracks *pipeline.Tracks, zonesFile string) (export.Overlay, error) {
	o := export.Overlay{Events: evs}
	if tracks != nil {
		tracks.Points(func(mmsi uint32, times []int64, lat, lon []float64) {
			t := export.Track{MMSI: mmsi}
			for i := range times {
				t.Points = append(t.Points, export.TrackPoint{Time: time.UnixMilli(times[i]).UTC(), Lat: lat[i], Lon: lon[i],
					SOG: math.NaN(), COG: math.NaN(), Heading: -1})
			}
			o.Tracks = append(o.Tracks, t)
		})
	}
	if zonesFile != "" {
		zs, err := zone.LoadFile(zonesFile)
		if err != nil {
			return o, err
		}
		for _, z := range zs.Zones {
			ez := export.Zone{Name: z.Name}
			for _, poly := range z.Shape {
				var rings [][][2]float64
				for _, ring := range poly {
					r := make([][2]float64, len(ring))
					for i, p := range ring {
						r[i] = [2]float64{p[0], p[1]}
					}
					rings = append(rings, r)
				}
				ez.Polygons = append(ez.Polygons, rings)
			}
			o.Zones = append(o.Zones, ez)
		}
	}
	return o, nil
}

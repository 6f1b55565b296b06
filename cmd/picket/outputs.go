package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/picket-ais/picket/internal/casefile"
	"github.com/picket-ais/picket/internal/network"
	"github.com/picket-ais/picket/internal/picture"
	"github.com/picket-ais/picket/internal/pipeline"
	"github.com/picket-ais/picket/internal/profile"
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

package alert

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// File is the name of the rules and inbox file in the data directory.
const File = "alerts.json"

// maxFile bounds the file read at start.
const maxFile = 512 << 20

// fileBody is File's content.
type fileBody struct {
	Version int     `json:"version"`
	NextID  int64   `json:"next_id"`
	Rules   []Rule  `json:"rules"`
	Alerts  []*kept `json:"alerts"`
}

// load reads File, when there is one.
func (d *Desk) load() error {
	if d.opts.Dir == "" {
		return nil
	}
	path := filepath.Join(d.opts.Dir, File)
	var body fileBody
	if found, err := readVersioned(path, &body); !found {
		return err
	}
	for _, r := range body.Rules {
		// A webhook taken out of the config leaves the rules that used it.
		hooks := d.hookNames(r.Partner)
		r.Webhooks = slices.DeleteFunc(r.Webhooks, func(h string) bool {
			if !slices.Contains(hooks, h) {
				d.log.Warn("alert rule: webhook no longer configured, left out", "rule", r.ID, "partner", r.Partner, "webhook", h)
				return true
			}
			return false
		})
		c, err := d.compileRule(r)
		if err != nil {
			return fmt.Errorf("%s: rule %s (%q) of %s: %w (a zone it names may have left the zones file: put it back, or delete the rule from %s)",
				path, r.ID, r.Name, r.Partner, err, File)
		}
		d.rules[r.Partner] = append(d.rules[r.Partner], c)
	}
	for i, a := range body.Alerts {
		if a == nil || a.ID <= 0 || a.ID > body.NextID {
			return fmt.Errorf("%s: alert %d: no id, or one above next_id", path, i)
		}
		if a.Actions == nil {
			a.Actions = []Action{}
		}
		d.alerts[a.Partner] = append(d.alerts[a.Partner], a)
	}
	d.nextID = body.NextID
	return nil
}

// flush writes File when something changed: a temporary file, fsynced,
// renamed over the old one, so that a crash leaves the old or the new.
func (d *Desk) flush() error {
	d.saveMu.Lock()
	defer d.saveMu.Unlock()
	d.mu.Lock()
	if !d.dirty || d.opts.Dir == "" {
		d.dirty = false
		d.mu.Unlock()
		return nil
	}
	body := fileBody{Version: 1, NextID: d.nextID, Rules: []Rule{}, Alerts: []*kept{}}
	partners := make([]string, 0, len(d.rules)+len(d.alerts))
	for p := range d.rules {
		partners = append(partners, p)
	}
	for p := range d.alerts {
		if _, ok := d.rules[p]; !ok {
			partners = append(partners, p)
		}
	}
	slices.Sort(partners)
	for _, p := range partners {
		for _, r := range d.rules[p] {
			body.Rules = append(body.Rules, r.Rule)
		}
		for _, a := range d.alerts[p] {
			c := *a
			c.Alert = cloneAlert(a.Alert)
			body.Alerts = append(body.Alerts, &c)
		}
	}
	d.dirty = false
	d.mu.Unlock()
	b, err := json.Marshal(body)
	if err == nil {
		err = writeAtomic(filepath.Join(d.opts.Dir, File), b)
	}
	if err != nil {
		d.saveErr.Inc()
		d.log.Error("alert rules and inbox not written", "err", err)
		d.mu.Lock()
		d.dirty = true // tried again at the next flush
		d.mu.Unlock()
		return fmt.Errorf("alert: writing %s: %w", File, err)
	}
	return nil
}

func writeAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+strings.TrimSuffix(filepath.Base(path), ".json")+"-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if dir, err := os.Open(filepath.Dir(path)); err == nil {
		dir.Sync()
		dir.Close()
	}
	return nil
}

package alert

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"

	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/watchlist"
	"github.com/picket-ais/picket/internal/zone"
)

// LibraryFile is the name of the file, in the data directory, of the
// zones and watchlists partners make on the map.
const LibraryFile = "library.json"

// Bounds on the zones and watchlists of one partner.
const (
	MaxZones   = 100    // zones per partner
	MaxLists   = 50     // watchlists per partner
	MaxEntries = 10_000 // entries per watchlist
	maxNoteLen = 200
)

// ErrInUse is returned for a zone or a watchlist a rule still names.
var ErrInUse = errors.New("in use")

// Zone is an area a partner's analyst drew on the map and named. A rule
// of that partner names it as it names a zone of the node's zones file
// (Area.Zone); no other partner sees it or may name it. A partner's
// zones are for its rules only: they make no zone_visit events.
type Zone struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	Partner   string       `json:"partner"`
	CreatedBy string       `json:"created_by"`
	Created   time.Time    `json:"created"`
	UpdatedBy string       `json:"updated_by,omitempty"`
	Updated   *time.Time   `json:"updated,omitempty"`
	Polygon   [][2]float64 `json:"polygon"`
}

// Watchlist is a list of vessels a partner's analysts keep on the map.
// Its partner's rules may keep only vessels on it (Filters.Lists), and
// its partner's map flags the vessels it matches; no other partner sees
// it or its matches.
type Watchlist struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Partner   string      `json:"partner"`
	CreatedBy string      `json:"created_by"`
	Created   time.Time   `json:"created"`
	Entries   []ListEntry `json:"entries"`
}

// ListEntry is one vessel of a watchlist: an IMO number, an MMSI, a name
// (at least one), and a note saying why it is listed.
type ListEntry struct {
	ID      string    `json:"id"`
	IMO     int       `json:"imo,omitempty"`
	MMSI    int       `json:"mmsi,omitempty"`
	Name    string    `json:"name,omitempty"`
	Note    string    `json:"note,omitempty"`
	AddedBy string    `json:"added_by"`
	Added   time.Time `json:"added"`
}

// ListHit is an entry of a partner's watchlist that a vessel matches,
// and by what ("imo", "mmsi", "name", joined by "+").
type ListHit struct {
	ListID string    `json:"list_id"`
	List   string    `json:"list"`
	Entry  ListEntry `json:"entry"`
	By     string    `json:"by"`
}

// library holds the partners' zones and watchlists, guarded by the
// desk's mu; index is read without it (by the watchers).
type library struct {
	zones  map[string][]Zone      // by partner
	lists  map[string][]Watchlist // by partner; Entries replaced, never changed in place
	index  atomic.Pointer[map[string]*indexed]
	dirty  bool
	saveMu sync.Mutex // one write of LibraryFile at a time
}

// indexed is a watchlist ready to match.
type indexed struct {
	partner, name string
	list          *watchlist.List
}

// libraryBody is LibraryFile's content.
type libraryBody struct {
	Version    int         `json:"version"`
	Zones      []Zone      `json:"zones"`
	Watchlists []Watchlist `json:"watchlists"`
}

// loadLibrary reads LibraryFile, when there is one.
func (d *Desk) loadLibrary() error {
	d.lib.zones, d.lib.lists = map[string][]Zone{}, map[string][]Watchlist{}
	d.lib.index.Store(&map[string]*indexed{})
	if d.opts.Dir == "" {
		return nil
	}
	path := filepath.Join(d.opts.Dir, LibraryFile)
	var body libraryBody
	if found, err := readVersioned(path, &body); !found {
		return err
	}
	for _, z := range body.Zones {
		if _, _, err := polygonOf("polygon", z.Polygon); err != nil || z.ID == "" || z.Partner == "" {
			return fmt.Errorf("%s: zone %s (%q) of %s: no id or partner, or %v", path, z.ID, z.Name, z.Partner, err)
		}
		d.lib.zones[z.Partner] = append(d.lib.zones[z.Partner], z)
	}
	for _, l := range body.Watchlists {
		if l.ID == "" || l.Partner == "" {
			return fmt.Errorf("%s: watchlist %q: no id or partner", path, l.Name)
		}
		d.lib.lists[l.Partner] = append(d.lib.lists[l.Partner], l)
		d.reindexLocked(l)
	}
	return nil
}

// readVersioned reads a file of the desk's, JSON of version 1, into v;
// it reports whether there was one.
func readVersioned(path string, v any) (bool, error) {
	b, err := readSmall(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var head struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return false, fmt.Errorf("%s: %w", path, err)
	}
	if head.Version != 1 {
		return false, fmt.Errorf("%s: version %d, want 1", path, head.Version)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("%s: %w", path, err)
	}
	return true, nil
}

// readSmall reads a regular file of at most maxFile bytes.
func readSmall(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxFile {
		return nil, fmt.Errorf("%s: not a regular file of at most %d MiB", path, maxFile>>20)
	}
	return os.ReadFile(path)
}

// flushLibrary writes LibraryFile when something changed.
func (d *Desk) flushLibrary() error {
	d.lib.saveMu.Lock()
	defer d.lib.saveMu.Unlock()
	d.mu.Lock()
	if !d.lib.dirty || d.opts.Dir == "" {
		d.lib.dirty = false
		d.mu.Unlock()
		return nil
	}
	body := libraryBody{Version: 1, Zones: []Zone{}, Watchlists: []Watchlist{}}
	for _, p := range sortedKeys(d.lib.zones) {
		body.Zones = append(body.Zones, d.lib.zones[p]...)
	}
	for _, p := range sortedKeys(d.lib.lists) {
		body.Watchlists = append(body.Watchlists, d.lib.lists[p]...)
	}
	b, err := json.Marshal(body)
	d.lib.dirty = false
	d.mu.Unlock()
	if err == nil {
		err = writeAtomic(filepath.Join(d.opts.Dir, LibraryFile), b)
	}
	if err != nil {
		d.saveErr.Inc()
		d.mu.Lock()
		d.lib.dirty = true
		d.mu.Unlock()
		return fmt.Errorf("alert: writing %s: %w", LibraryFile, err)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// checkName checks a zone's or a watchlist's name.
func checkName(field, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > maxNameLen || strings.ContainsFunc(name, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
		return "", invalid("%s: want 1 to %d printable characters", field, maxNameLen)
	}
	return name, nil
}

// ---- zones ------------------------------------------------------------

// zonesLocked returns the zones a rule of partner may name: the node's,
// then the partner's own.
func (d *Desk) zonesLocked(partner string) *zone.Set {
	s := &zone.Set{}
	if d.opts.Zones != nil {
		s.Zones = append(s.Zones, d.opts.Zones.Zones...)
	}
	for _, z := range d.lib.zones[partner] {
		_, shape, _ := polygonOf("polygon", z.Polygon) // checked when made
		s.Zones = append(s.Zones, zone.Zone{Name: z.Name, Shape: shape, Bound: shape.Bound()})
	}
	return s
}

// ZoneShape is a zone a partner may name, with its shape: one of the
// node's (ID and Partner empty) or one of the partner's own.
type ZoneShape struct {
	Zone
	Shape orb.MultiPolygon
}

// ZoneShapes returns the zones a rule of partner may name, the node's
// first.
func (d *Desk) ZoneShapes(partner string) []ZoneShape {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []ZoneShape
	if d.opts.Zones != nil {
		for _, z := range d.opts.Zones.Zones {
			out = append(out, ZoneShape{Zone: Zone{Name: z.Name}, Shape: z.Shape})
		}
	}
	for _, z := range d.lib.zones[partner] {
		_, shape, _ := polygonOf("polygon", z.Polygon)
		out = append(out, ZoneShape{Zone: z, Shape: shape})
	}
	return out
}

// zoneNameFreeLocked reports an error when partner may already name a
// zone name (but the zone of id except).
func (d *Desk) zoneNameFreeLocked(partner, name, except string) error {
	if d.opts.Zones != nil {
		for _, z := range d.opts.Zones.Zones {
			if z.Name == name {
				return invalid("name: the node has a zone named %q", name)
			}
		}
	}
	for _, z := range d.lib.zones[partner] {
		if z.Name == name && z.ID != except {
			return invalid("name: you have a zone named %q", name)
		}
	}
	return nil
}

// AddZone adds a zone drawn by partner's user (name and polygon); the
// answer is the zone kept, with its id. The file is written before it
// returns.
func (d *Desk) AddZone(partner, user string, z Zone) (Zone, error) {
	name, err := checkName("name", z.Name)
	if err != nil {
		return Zone{}, err
	}
	pts, _, err := polygonOf("polygon", z.Polygon)
	if err != nil {
		return Zone{}, err
	}
	z = Zone{ID: newID(), Name: name, Partner: partner, CreatedBy: user, Created: d.opts.Now().UTC(), Polygon: pts}
	d.mu.Lock()
	if err := d.zoneNameFreeLocked(partner, name, ""); err != nil {
		d.mu.Unlock()
		return Zone{}, err
	}
	if len(d.lib.zones[partner]) >= MaxZones {
		d.mu.Unlock()
		return Zone{}, invalid("a partner keeps at most %d zones: delete one first", MaxZones)
	}
	d.lib.zones[partner] = append(d.lib.zones[partner], z)
	d.lib.dirty = true
	d.mu.Unlock()
	return z, d.flushLibrary()
}

// RenameZone renames one of partner's zones; its rules follow it (they
// name it by its new name). It returns the zone and its old name.
func (d *Desk) RenameZone(partner, user, id, name string) (Zone, string, error) {
	name, err := checkName("name", name)
	if err != nil {
		return Zone{}, "", err
	}
	d.mu.Lock()
	zs := d.lib.zones[partner]
	i := slices.IndexFunc(zs, func(z Zone) bool { return z.ID == id })
	if i < 0 {
		d.mu.Unlock()
		return Zone{}, "", ErrNotFound
	}
	old := zs[i].Name
	if err := d.zoneNameFreeLocked(partner, name, id); err != nil {
		d.mu.Unlock()
		return Zone{}, "", err
	}
	zs = slices.Clone(zs)
	now := d.opts.Now().UTC()
	zs[i].Name, zs[i].UpdatedBy, zs[i].Updated = name, user, &now
	d.lib.zones[partner] = zs
	d.lib.dirty = true
	// The partner's rules of the zone name it anew; their shape is the
	// same, so what their watcher knows stays.
	set := d.zonesLocked(partner)
	rs := slices.Clone(d.rules[partner])
	for j, c := range rs {
		if c.Area.Zone != old {
			continue
		}
		r := c.Rule
		r.Area.Zone = name
		nc, err := d.compileWith(r, set)
		if err != nil { // cannot be: the zone is there by its new name
			panic(fmt.Sprintf("alert: rule %s after renaming zone %q: %v", r.ID, old, err))
		}
		rs[j] = nc
		d.dirty = true
	}
	d.rules[partner] = rs
	d.installLocked(partner)
	z := zs[i]
	d.mu.Unlock()
	if err := d.flushLibrary(); err != nil {
		return z, old, err
	}
	return z, old, d.flush()
}

// DeleteZone deletes one of partner's zones. A zone a rule names is not
// deleted (ErrInUse, naming the rules): change or delete them first.
func (d *Desk) DeleteZone(partner, id string) (Zone, error) {
	d.mu.Lock()
	zs := d.lib.zones[partner]
	i := slices.IndexFunc(zs, func(z Zone) bool { return z.ID == id })
	if i < 0 {
		d.mu.Unlock()
		return Zone{}, ErrNotFound
	}
	z := zs[i]
	if users := d.rulesNamingLocked(partner, func(r *Rule) bool { return r.Area.Zone == z.Name }); users != "" {
		d.mu.Unlock()
		return Zone{}, fmt.Errorf("%w: zone %q is the area of %s: change or delete them first", ErrInUse, z.Name, users)
	}
	d.lib.zones[partner] = slices.Delete(slices.Clone(zs), i, i+1)
	d.lib.dirty = true
	d.mu.Unlock()
	return z, d.flushLibrary()
}

// rulesNamingLocked names the partner's rules for which in is true, or
// returns "".
func (d *Desk) rulesNamingLocked(partner string, in func(*Rule) bool) string {
	var names []string
	for _, c := range d.rules[partner] {
		if in(&c.Rule) {
			names = append(names, fmt.Sprintf("rule %q", c.Name))
		}
	}
	return strings.Join(names, ", ")
}

// ---- watchlists ---------------------------------------------------------

// Watchlists returns partner's watchlists, oldest first.
func (d *Desk) Watchlists(partner string) []Watchlist {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Watchlist{}, d.lib.lists[partner]...)
}

// AddWatchlist makes an empty watchlist of partner, named name.
func (d *Desk) AddWatchlist(partner, user, name string) (Watchlist, error) {
	name, err := checkName("name", name)
	if err != nil {
		return Watchlist{}, err
	}
	l := Watchlist{ID: newID(), Name: name, Partner: partner, CreatedBy: user, Created: d.opts.Now().UTC(), Entries: []ListEntry{}}
	d.mu.Lock()
	ls := d.lib.lists[partner]
	switch {
	case slices.ContainsFunc(ls, func(x Watchlist) bool { return x.Name == name }):
		d.mu.Unlock()
		return Watchlist{}, invalid("name: you have a watchlist named %q", name)
	case len(ls) >= MaxLists:
		d.mu.Unlock()
		return Watchlist{}, invalid("a partner keeps at most %d watchlists: delete one first", MaxLists)
	}
	d.lib.lists[partner] = append(ls, l)
	d.reindexLocked(l)
	d.lib.dirty = true
	d.mu.Unlock()
	return l, d.flushLibrary()
}

// DeleteWatchlist deletes one of partner's watchlists. One a rule keeps
// vessels of is not deleted (ErrInUse).
func (d *Desk) DeleteWatchlist(partner, id string) (Watchlist, error) {
	d.mu.Lock()
	ls := d.lib.lists[partner]
	i := slices.IndexFunc(ls, func(l Watchlist) bool { return l.ID == id })
	if i < 0 {
		d.mu.Unlock()
		return Watchlist{}, ErrNotFound
	}
	l := ls[i]
	if users := d.rulesNamingLocked(partner, func(r *Rule) bool { return slices.Contains(r.Filters.Lists, id) }); users != "" {
		d.mu.Unlock()
		return Watchlist{}, fmt.Errorf("%w: watchlist %q is a filter of %s: change or delete them first", ErrInUse, l.Name, users)
	}
	d.lib.lists[partner] = slices.Delete(slices.Clone(ls), i, i+1)
	idx := maps(d.lib.index.Load())
	delete(idx, id)
	d.lib.index.Store(&idx)
	d.lib.dirty = true
	d.mu.Unlock()
	return l, d.flushLibrary()
}

// AddEntry adds an entry (an IMO number, an MMSI, a name: at least one;
// a note) to one of partner's watchlists. It returns the entry kept and
// the list's name.
func (d *Desk) AddEntry(partner, user, listID string, e ListEntry) (ListEntry, string, error) {
	e.Name = strings.TrimSpace(e.Name)
	e.Note = strings.TrimSpace(e.Note)
	switch {
	case e.IMO != 0 && !identity.ValidIMO(e.IMO):
		return ListEntry{}, "", invalid("imo: %d is not an IMO number (7 digits, the last its check digit)", e.IMO)
	case e.MMSI < 0 || e.MMSI > 999_999_999:
		return ListEntry{}, "", invalid("mmsi: %d is not an MMSI (at most 9 digits)", e.MMSI)
	case len(e.Name) > maxNameLen || strings.ContainsFunc(e.Name, func(c rune) bool { return c < 0x20 || c == 0x7f }):
		return ListEntry{}, "", invalid("name: at most %d printable characters", maxNameLen)
	case len(e.Note) > maxNoteLen || strings.ContainsFunc(e.Note, func(c rune) bool { return c < 0x20 || c == 0x7f }):
		return ListEntry{}, "", invalid("note: at most %d printable characters", maxNoteLen)
	case e.IMO == 0 && e.MMSI == 0 && e.Name == "":
		return ListEntry{}, "", invalid("an entry needs an imo, an mmsi or a name")
	}
	e.ID, e.AddedBy, e.Added = newID(), user, d.opts.Now().UTC()
	d.mu.Lock()
	ls := d.lib.lists[partner]
	i := slices.IndexFunc(ls, func(l Watchlist) bool { return l.ID == listID })
	if i < 0 {
		d.mu.Unlock()
		return ListEntry{}, "", ErrNotFound
	}
	if len(ls[i].Entries) >= MaxEntries {
		d.mu.Unlock()
		return ListEntry{}, "", invalid("a watchlist holds at most %d entries", MaxEntries)
	}
	ls = slices.Clone(ls)
	ls[i].Entries = append(slices.Clip(ls[i].Entries), e)
	d.lib.lists[partner] = ls
	d.reindexLocked(ls[i])
	d.lib.dirty = true
	name := ls[i].Name
	d.mu.Unlock()
	return e, name, d.flushLibrary()
}

// DeleteEntry takes an entry out of one of partner's watchlists and
// returns it with the list's name.
func (d *Desk) DeleteEntry(partner, listID, entryID string) (ListEntry, string, error) {
	d.mu.Lock()
	ls := d.lib.lists[partner]
	i := slices.IndexFunc(ls, func(l Watchlist) bool { return l.ID == listID })
	if i < 0 {
		d.mu.Unlock()
		return ListEntry{}, "", ErrNotFound
	}
	j := slices.IndexFunc(ls[i].Entries, func(e ListEntry) bool { return e.ID == entryID })
	if j < 0 {
		d.mu.Unlock()
		return ListEntry{}, "", ErrNotFound
	}
	e := ls[i].Entries[j]
	ls = slices.Clone(ls)
	ls[i].Entries = slices.Delete(slices.Clone(ls[i].Entries), j, j+1)
	d.lib.lists[partner] = ls
	d.reindexLocked(ls[i])
	d.lib.dirty = true
	name := ls[i].Name
	d.mu.Unlock()
	return e, name, d.flushLibrary()
}

// maps copies an index.
func maps(p *map[string]*indexed) map[string]*indexed {
	out := make(map[string]*indexed, len(*p)+1)
	for k, v := range *p {
		out[k] = v
	}
	return out
}

// reindexLocked indexes a watchlist as it is now, for the watchers and
// ListHits.
func (d *Desk) reindexLocked(l Watchlist) {
	es := make([]watchlist.Entry, len(l.Entries))
	for i, e := range l.Entries {
		es[i] = watchlist.Entry{List: l.Name, ID: e.ID, IMO: e.IMO, MMSI: e.MMSI, Name: e.Name}
	}
	idx := maps(d.lib.index.Load())
	idx[l.ID] = &indexed{partner: l.Partner, name: l.Name, list: watchlist.New(es)}
	d.lib.index.Store(&idx)
}

// listFilter checks that ids are partner's watchlists and returns what
// tells whether a vessel is on one of them, as the lists are when asked
// (nil for none).
func (d *Desk) listFilter(partner string, ids []string) (func(mmsi, imo uint32, name string) bool, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	idx := *d.lib.index.Load()
	for _, id := range ids {
		if l := idx[id]; l == nil || l.partner != partner {
			return nil, invalid("filters.lists: no watchlist %q of yours (GET /api/watchlists lists them)", id)
		}
	}
	ids = slices.Clone(ids)
	return func(mmsi, imo uint32, name string) bool {
		idx := *d.lib.index.Load()
		for _, id := range ids {
			if l := idx[id]; l != nil && len(l.list.Match(int(imo), int(mmsi), name)) > 0 {
				return true
			}
		}
		return false
	}, nil
}

// ListHits returns the entries of partner's watchlists a vessel matches
// by its MMSI, or any of the IMO numbers and names given (those the
// partner's feeds heard it say), list by list.
func (d *Desk) ListHits(partner string, mmsi uint32, imos []int, names []string) []ListHit {
	d.mu.Lock()
	ls := d.lib.lists[partner]
	d.mu.Unlock()
	if len(ls) == 0 {
		return nil
	}
	idx := *d.lib.index.Load()
	var out []ListHit
	for _, l := range ls {
		x := idx[l.ID]
		if x == nil {
			continue
		}
		by := map[string]watchlist.By{}
		add := func(hs []watchlist.Hit) {
			for _, h := range hs {
				by[h.Entry.ID] |= h.By
			}
		}
		add(x.list.Match(0, int(mmsi), ""))
		for _, imo := range imos {
			add(x.list.Match(imo, 0, ""))
		}
		for _, n := range names {
			add(x.list.Match(0, 0, n))
		}
		for _, e := range l.Entries {
			if b, ok := by[e.ID]; ok {
				out = append(out, ListHit{ListID: l.ID, List: l.Name, Entry: e, By: strings.ReplaceAll(b.String(), "alias", "name")})
			}
		}
	}
	return out
}

package alert

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/store"
	"github.com/picket-ais/picket/internal/zone"
)

// watch is a watcher of partner fed by hand: install gives it the
// partner's enabled rules as the desk does, at handles one position.
type watch struct {
	t   *testing.T
	d   *Desk
	w   *watcher
	sub *Subscription
}

func newWatch(t *testing.T, d *Desk, partner string) *watch {
	s := d.Subscribe(partner, clearanceOf(partner))
	t.Cleanup(s.Close)
	return &watch{t: t, d: d, w: newWatcher(d, partner, clearanceOf(partner)), sub: s}
}

func (w *watch) install() {
	w.d.mu.Lock()
	rs := active(w.d.rules[w.w.partner])
	w.d.mu.Unlock()
	w.w.rules.Store(&rs)
}

func (w *watch) at(mmsi uint32, min int, lat, lon float64, name string) {
	w.w.handle(live.Message{Position: &live.Position{Position: store.Position{MMSI: mmsi, Time: t0.Add(time.Duration(min) * time.Minute).UnixMilli(),
		Lat: lat, Lon: lon, SOG: 8, Feeds: clearanceOf(w.w.partner)}, Name: name}})
}

// alerts drains the alerts raised so far, as "kind mmsi rule".
func (w *watch) alerts() []string {
	var out []string
	for {
		select {
		case a := <-w.sub.C:
			out = append(out, a.Kind+" "+itoa(int64(a.MMSI))+" "+a.RuleName)
		default:
			return out
		}
	}
}

// TestPartnerWatchlistByIMO: a rule kept to a partner's list lets
// through a vessel listed by its IMO number alone once the vessel said
// that number on a feed the partner is cleared for, and not when the
// number came only from a feed the partner may not see.
func TestPartnerWatchlistByIMO(t *testing.T) {
	d, err := Open(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	l, err := d.AddWatchlist("JPN", "aiko", "Hulls")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.AddEntry("JPN", "aiko", l.ID, ListEntry{IMO: 9074729, Note: "renamed twice"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddRule("JPN", "aiko", Rule{Name: "Hulls", Area: box, Triggers: Triggers{Entry: true}, Filters: Filters{Lists: []string{l.ID}}}); err != nil {
		t.Fatal(err)
	}
	w := newWatch(t, d, "JPN")
	w.install()
	at := func(mmsi uint32, min int, lat float64, hideIMO bool) {
		w.w.handle(live.Message{HideIMO: hideIMO, Position: &live.Position{Position: store.Position{MMSI: mmsi,
			Time: t0.Add(time.Duration(min) * time.Minute).UnixMilli(), Lat: lat, Lon: 124.05, SOG: 8,
			Feeds: clearanceOf("JPN")}, IMO: 9074729}})
	}
	// 431000009 says the listed IMO on a feed JPN sees; 431000010 says it
	// only on a feed JPN may not see.
	for _, c := range []struct {
		mmsi uint32
		hide bool
	}{{431000009, false}, {431000010, true}} {
		at(c.mmsi, 0, 34.95, c.hide)
		at(c.mmsi, 10, 35.05, c.hide)
	}
	if got := w.alerts(); !slices.Equal(got, []string{"entry 431000009 Hulls"}) {
		t.Errorf("a rule kept to a list of IMO numbers: %v", got)
	}
}

// north is a box north of box.
var north = [][2]float64{{124.0, 35.2}, {124.1, 35.2}, {124.1, 35.3}, {124.0, 35.3}}

// TestRuleEdit: a rule's name, area, triggers and filters are changed
// and it is disabled and enabled again; each change says what changed,
// the watcher follows it (a redrawn area alerts on its own crossings, a
// disabled rule on none), it is kept across a restart, and another
// partner can neither see nor change it.
func TestRuleEdit(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	r, err := d.AddRule("JPN", "aiko", Rule{Name: "Box", Area: box, Triggers: Triggers{Entry: true}})
	if err != nil {
		t.Fatal(err)
	}
	w := newWatch(t, d, "JPN")
	w.install()
	w.at(431000001, 0, 34.95, 124.05, "")
	w.at(431000001, 10, 35.05, 124.05, "")
	if got := w.alerts(); !slices.Equal(got, []string{"entry 431000001 Box"}) {
		t.Fatalf("before the edit: %v", got)
	}

	edit := r
	edit.Name, edit.Area = "North box", Area{Polygon: north}
	edit.Triggers.Exit = true
	edit.Filters.Flags = []string{"kr"}
	got, changed, err := d.UpdateRule("JPN", "kenji", r.ID, edit)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`name "Box" to "North box"`, "area redrawn (4 points)", "triggers", "filters"}
	if !slices.Equal(changed, want) || got.ID != r.ID || got.CreatedBy != "aiko" || got.UpdatedBy != "kenji" || got.Updated == nil || got.Filters.Flags[0] != "KR" {
		t.Errorf("edited: %v, %+v", changed, got)
	}
	w.install()
	// A Korean vessel (MID 440) crossing the old box raises nothing now;
	// crossing the new one raises the edited rule's entry; a Japanese one
	// is filtered out.
	w.at(440000002, 20, 34.95, 124.05, "")
	w.at(440000002, 30, 35.05, 124.05, "")
	w.at(440000002, 40, 35.25, 124.05, "")
	w.at(431000003, 20, 35.15, 124.05, "")
	w.at(431000003, 30, 35.25, 124.05, "")
	if got := w.alerts(); !slices.Equal(got, []string{"entry 440000002 North box"}) {
		t.Errorf("after the edit: %v", got)
	}
	if _, changed, _ := d.UpdateRule("JPN", "kenji", r.ID, got); changed != nil {
		t.Errorf("an edit changing nothing: %v", changed)
	}

	off := got
	off.Disabled = true
	if _, changed, err := d.UpdateRule("JPN", "kenji", r.ID, off); err != nil || !slices.Equal(changed, []string{"disabled"}) {
		t.Fatalf("disable: %v %v", changed, err)
	}
	w.install()
	w.at(440000002, 50, 35.35, 124.05, "") // out
	w.at(440000002, 60, 35.25, 124.05, "") // in
	if got := w.alerts(); len(got) != 0 {
		t.Errorf("a disabled rule raised %v", got)
	}
	on := off
	on.Disabled = false
	if _, changed, err := d.UpdateRule("JPN", "kenji", r.ID, on); err != nil || !slices.Equal(changed, []string{"enabled"}) {
		t.Fatalf("enable: %v %v", changed, err)
	}
	w.install()
	w.at(440000002, 70, 35.35, 124.05, "")
	w.at(440000002, 80, 35.25, 124.05, "")
	if got := w.alerts(); !slices.Equal(got, []string{"exit 440000002 North box", "entry 440000002 North box"}) {
		t.Errorf("enabled again: %v", got)
	}

	bad := on
	bad.Area = Area{Polygon: north[:2]}
	if _, _, err := d.UpdateRule("JPN", "kenji", r.ID, bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("a two-point area: %v", err)
	}
	if _, _, err := d.UpdateRule("GBR", "gwen", r.ID, on); !errors.Is(err, ErrNotFound) {
		t.Errorf("GBR editing JPN's rule: %v", err)
	}
	d2, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if rs := d2.Rules("JPN"); len(rs) != 1 || rs[0].Name != "North box" || rs[0].UpdatedBy != "kenji" || rs[0].Disabled || len(d2.Rules("GBR")) != 0 {
		t.Errorf("after a restart: %+v", rs)
	}
}

// TestPartnerZones: a zone JPN draws is JPN's alone: its rules may name
// it and are alerted of crossings, GBR neither sees it nor may name,
// rename or delete it; a rename carries its rules along; a zone a rule
// names is not deleted; it is kept across a restart.
func TestPartnerZones(t *testing.T) {
	node, err := zone.Load(strings.NewReader(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Node zone"},
		"geometry":{"type":"Polygon","coordinates":[[[120,30],[121,30],[121,31],[120,30]]]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	d, err := Open(Options{Dir: dir, Zones: node})
	if err != nil {
		t.Fatal(err)
	}
	z, err := d.AddZone("JPN", "aiko", Zone{Name: "Strait", Polygon: box.Polygon})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []Zone{{Name: "Node zone", Polygon: north}, {Name: "Strait", Polygon: north}, {Name: "", Polygon: north}, {Name: "Two", Polygon: north[:2]}} {
		if _, err := d.AddZone("JPN", "aiko", bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("zone %q of %d points: %v", bad.Name, len(bad.Polygon), err)
		}
	}
	if _, err := d.AddZone("GBR", "gwen", Zone{Name: "Strait", Polygon: north}); err != nil {
		t.Errorf("GBR's own zone of the same name: %v", err)
	}
	if got := d.Zones("JPN"); !slices.Equal(got, []string{"Node zone", "Strait"}) {
		t.Errorf("JPN's zones: %v", got)
	}
	for _, s := range d.ZoneShapes("GBR") {
		if s.ID == z.ID {
			t.Errorf("GBR sees JPN's zone")
		}
	}
	if _, err := d.AddRule("KOR", "kim", Rule{Name: "x", Area: Area{Zone: "Strait"}, Triggers: Triggers{Entry: true}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("KOR naming JPN's zone: %v", err)
	}
	if _, _, err := d.RenameZone("GBR", "gwen", z.ID, "Mine"); !errors.Is(err, ErrNotFound) {
		t.Errorf("GBR renaming JPN's zone: %v", err)
	}
	if _, err := d.DeleteZone("GBR", z.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("GBR deleting JPN's zone: %v", err)
	}
	r, err := d.AddRule("JPN", "aiko", Rule{Name: "Strait entry", Area: Area{Zone: "Strait"}, Triggers: Triggers{Entry: true}})
	if err != nil {
		t.Fatal(err)
	}
	w := newWatch(t, d, "JPN")
	w.install()
	w.at(431000001, 0, 34.95, 124.05, "")
	w.at(431000001, 10, 35.05, 124.05, "")
	if got := w.alerts(); !slices.Equal(got, []string{"entry 431000001 Strait entry"}) {
		t.Errorf("crossing into JPN's zone: %v", got)
	}
	if _, _, err := d.RenameZone("JPN", "aiko", z.ID, "Node zone"); !errors.Is(err, ErrInvalid) {
		t.Errorf("renamed to the node's zone's name: %v", err)
	}
	got, old, err := d.RenameZone("JPN", "kenji", z.ID, "Narrows")
	if err != nil || old != "Strait" || got.Name != "Narrows" || got.UpdatedBy != "kenji" {
		t.Fatalf("rename: %+v %q %v", got, old, err)
	}
	if rs := d.Rules("JPN"); rs[0].Area.Zone != "Narrows" {
		t.Errorf("the rule names %q after the rename", rs[0].Area.Zone)
	}
	if _, err := d.DeleteZone("JPN", z.ID); !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "Strait entry") {
		t.Errorf("deleting a zone a rule names: %v", err)
	}
	d2, err := Open(Options{Dir: dir, Zones: node})
	if err != nil {
		t.Fatal(err)
	}
	if got := d2.Zones("JPN"); !slices.Equal(got, []string{"Node zone", "Narrows"}) {
		t.Errorf("JPN's zones after a restart: %v", got)
	}
	if rs := d2.Rules("JPN"); len(rs) != 1 || rs[0].Area.Zone != "Narrows" {
		t.Errorf("JPN's rules after a restart: %+v", rs)
	}
	if err := d2.DeleteRule("JPN", r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d2.DeleteZone("JPN", z.ID); err != nil {
		t.Errorf("deleting a zone no rule names: %v", err)
	}
	if got := d2.Zones("JPN"); !slices.Equal(got, []string{"Node zone"}) {
		t.Errorf("JPN's zones after the delete: %v", got)
	}
}

// TestPartnerWatchlists: JPN's watchlist flags the vessels it matches to
// JPN only (by MMSI, IMO or name), keeps a rule to its vessels, and is
// kept across a restart; GBR may neither name it in a rule nor change it;
// a list a rule uses is not deleted.
func TestPartnerWatchlists(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	l, err := d.AddWatchlist("JPN", "aiko", "Suspects")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddWatchlist("JPN", "aiko", "Suspects"); !errors.Is(err, ErrInvalid) {
		t.Errorf("a second list of the name: %v", err)
	}
	byMMSI, _, err := d.AddEntry("JPN", "aiko", l.ID, ListEntry{MMSI: 440000002, Note: "seen with DPRK tankers"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.AddEntry("JPN", "aiko", l.ID, ListEntry{Name: "Sea Dream", IMO: 9074729}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []ListEntry{{IMO: 9074728}, {MMSI: 1_000_000_000}, {Note: "nothing else"}, {Name: "a\nb"}} {
		if _, _, err := d.AddEntry("JPN", "aiko", l.ID, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("entry %+v: %v", bad, err)
		}
	}
	if _, _, err := d.AddEntry("GBR", "gwen", l.ID, ListEntry{MMSI: 232000001}); !errors.Is(err, ErrNotFound) {
		t.Errorf("GBR adding to JPN's list: %v", err)
	}
	hits := d.ListHits("JPN", 440000002, nil, nil)
	if len(hits) != 1 || hits[0].List != "Suspects" || hits[0].Entry.ID != byMMSI.ID || hits[0].By != "mmsi" || hits[0].Entry.Note != "seen with DPRK tankers" {
		t.Errorf("JPN's hits by MMSI: %+v", hits)
	}
	if hits := d.ListHits("JPN", 431000009, []int{9074729}, []string{"SEA DREAM"}); len(hits) != 1 || hits[0].By != "imo+name" {
		t.Errorf("JPN's hits by IMO and name: %+v", hits)
	}
	if hits := d.ListHits("GBR", 440000002, []int{9074729}, []string{"SEA DREAM"}); len(hits) != 0 {
		t.Errorf("GBR sees JPN's list's matches: %+v", hits)
	}
	if _, err := d.AddRule("GBR", "gwen", Rule{Name: "x", Area: box, Triggers: Triggers{Entry: true}, Filters: Filters{Lists: []string{l.ID}}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("GBR's rule on JPN's list: %v", err)
	}
	if _, err := d.AddRule("JPN", "aiko", Rule{Name: "Listed", Area: box, Triggers: Triggers{Entry: true}, Filters: Filters{Lists: []string{l.ID}}}); err != nil {
		t.Fatal(err)
	}
	w := newWatch(t, d, "JPN")
	w.install()
	for _, m := range []uint32{440000002, 431000009, 431000010} {
		name := map[uint32]string{431000009: "SEA DREAM", 431000010: "OTHER"}[m]
		w.at(m, 0, 34.95, 124.05, name)
		w.at(m, 10, 35.05, 124.05, name)
	}
	if got := w.alerts(); !slices.Equal(got, []string{"entry 440000002 Listed", "entry 431000009 Listed"}) {
		t.Errorf("a rule kept to the list: %v", got)
	}
	if _, err := d.DeleteWatchlist("JPN", l.ID); !errors.Is(err, ErrInUse) {
		t.Errorf("deleting a list a rule uses: %v", err)
	}
	if _, _, err := d.DeleteEntry("JPN", l.ID, byMMSI.ID); err != nil {
		t.Fatal(err)
	}
	// The rule follows the list as it is now.
	w.at(440000002, 20, 34.95, 124.05, "")
	w.at(440000002, 40, 35.05, 124.05, "")
	if got := w.alerts(); len(got) != 0 {
		t.Errorf("a vessel taken off the list: %v", got)
	}
	d2, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ls := d2.Watchlists("JPN")
	if len(ls) != 1 || len(ls[0].Entries) != 1 || ls[0].Entries[0].Name != "Sea Dream" || len(d2.Watchlists("GBR")) != 0 {
		t.Errorf("after a restart: %+v", ls)
	}
	if hits := d2.ListHits("JPN", 1, nil, []string{"sea dream"}); len(hits) != 1 {
		t.Errorf("after a restart, by name: %+v", hits)
	}
}

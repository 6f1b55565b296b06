package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/alert"
)

// zoneBody is a zone drawn over ruleBox.
func zoneBody(name string) string {
	b, _ := json.Marshal(map[string]any{"name": name, "polygon": ruleBox})
	return string(b)
}

// TestAccessLibrary: a rule edited and disabled, a partner's zones and
// watchlists, as every partner and role (TestAccessRules calls every
// route without a token, below analyst and from another site). JPN's
// analyst edits its rule, draws a zone and makes a rule of it, keeps a
// watchlist whose vessel is then flagged in JPN's view; a JPN viewer may
// read but not change them; GBR, USA (cleared for the same vessel) and
// the others never see JPN's zone, list or the list's matches, and can
// neither use nor change them; each change is in the audit log with who
// and what changed.
func TestAccessLibrary(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20})
	f.seed()
	tok := func(p string, r access.Role) string { return f.secrets[userName(p, r)] }
	send := func(method, path, token, body string) reply {
		t.Helper()
		return f.do(t, method, path, token, strings.NewReader(body), "Content-Type", "application/json")
	}
	jpn, jpnViewer := tok("JPN", access.Analyst), tok("JPN", access.Viewer)
	others := []string{"GBR", "USA", "KOR", "AUS"}

	// 1. A rule edited, disabled and enabled.
	r := send(http.MethodPost, "/api/rules", jpn, ruleBody("Box"))
	var rule alert.Rule
	if r.code != http.StatusCreated || json.Unmarshal(r.body, &rule) != nil {
		t.Fatalf("JPN's rule: %d %s", r.code, r.body)
	}
	edit := rule
	edit.Name, edit.Disabled = "Box, quiet", true
	edit.Triggers.Exit = false
	b, _ := json.Marshal(edit)
	errorOf(t, "a viewer editing a rule", send(http.MethodPut, "/api/rules/"+rule.ID, jpnViewer, string(b)), http.StatusForbidden)
	for _, p := range others {
		errorOf(t, p+" editing JPN's rule", send(http.MethodPut, "/api/rules/"+rule.ID, tok(p, access.Analyst), string(b)), http.StatusNotFound)
	}
	r = send(http.MethodPut, "/api/rules/"+rule.ID, jpn, string(b))
	var got alert.Rule
	if r.code != http.StatusOK || json.Unmarshal(r.body, &got) != nil || got.Name != "Box, quiet" || !got.Disabled || got.UpdatedBy != "jpn-analyst" || got.CreatedBy != "jpn-analyst" {
		t.Fatalf("edit: %d %s", r.code, r.body)
	}
	bad := strings.Replace(string(b), `"triggers":{"entry":true}`, `"triggers":{}`, 1)
	if !strings.Contains(errorOf(t, "an edit with no trigger", send(http.MethodPut, "/api/rules/"+rule.ID, jpn, bad), http.StatusBadRequest), "triggers") {
		t.Error("the refused edit does not say what is wrong")
	}
	var rules struct{ Rules []alert.Rule }
	f.getOK(t, "/api/rules", jpnViewer, &rules)
	if len(rules.Rules) != 1 || rules.Rules[0].Name != "Box, quiet" || !rules.Rules[0].Disabled {
		t.Errorf("JPN's rules after the edit: %+v", rules.Rules)
	}

	// 2. A zone of JPN's, used in a rule.
	errorOf(t, "a viewer drawing a zone", send(http.MethodPost, "/api/zones", jpnViewer, zoneBody("Strait")), http.StatusForbidden)
	r = send(http.MethodPost, "/api/zones", jpn, zoneBody("Strait"))
	var z alert.Zone
	if r.code != http.StatusCreated || json.Unmarshal(r.body, &z) != nil || z.ID == "" || z.Partner != "JPN" {
		t.Fatalf("JPN's zone: %d %s", r.code, r.body)
	}
	zones := func(p string) []zoneProps {
		var fc struct {
			Features []struct {
				Geometry   geometry
				Properties zoneProps
			}
		}
		f.getOK(t, "/api/zones", tok(p, access.Viewer), &fc)
		var out []zoneProps
		for _, ft := range fc.Features {
			if ft.Geometry.Type != "MultiPolygon" {
				t.Errorf("%s: zone %q is a %s", p, ft.Properties.Name, ft.Geometry.Type)
			}
			out = append(out, ft.Properties)
		}
		return out
	}
	if got := zones("JPN"); len(got) != 1 || got[0].Name != "Strait" || !got[0].Own || got[0].ID != z.ID || got[0].CreatedBy != "jpn-analyst" {
		t.Errorf("JPN's zones: %+v", got)
	}
	zoneRule := `{"name":"In the strait","area":{"zone":"Strait"},"triggers":{"entry":true}}`
	for _, p := range others {
		if got := zones(p); len(got) != 0 {
			t.Errorf("%s sees zones %+v", p, got)
		}
		var rs rulesReply
		f.getOK(t, "/api/rules", tok(p, access.Viewer), &rs)
		if len(rs.Zones) != 0 {
			t.Errorf("%s may name zones %v", p, rs.Zones)
		}
		errorOf(t, p+" naming JPN's zone in a rule", send(http.MethodPost, "/api/rules", tok(p, access.Analyst), zoneRule), http.StatusBadRequest)
		errorOf(t, p+" renaming JPN's zone", send(http.MethodPut, "/api/zones/"+z.ID, tok(p, access.Analyst), `{"name":"Mine"}`), http.StatusNotFound)
		errorOf(t, p+" deleting JPN's zone", send(http.MethodDelete, "/api/zones/"+z.ID, tok(p, access.Analyst), ""), http.StatusNotFound)
	}
	if r := send(http.MethodPost, "/api/rules", jpn, zoneRule); r.code != http.StatusCreated {
		t.Fatalf("JPN's rule of its zone: %d %s", r.code, r.body)
	}
	errorOf(t, "deleting a zone a rule names", send(http.MethodDelete, "/api/zones/"+z.ID, jpn, ""), http.StatusConflict)
	errorOf(t, "a viewer renaming a zone", send(http.MethodPut, "/api/zones/"+z.ID, jpnViewer, `{"name":"Narrows"}`), http.StatusForbidden)
	if r := send(http.MethodPut, "/api/zones/"+z.ID, jpn, `{"name":"Narrows"}`); r.code != http.StatusOK {
		t.Fatalf("rename: %d %s", r.code, r.body)
	}
	f.getOK(t, "/api/rules", jpnViewer, &rules)
	if len(rules.Rules) != 2 || rules.Rules[1].Area.Zone != "Narrows" {
		t.Errorf("JPN's rules after the rename: %+v", rules.Rules)
	}

	// 3. A watchlist of JPN's: the vessel it lists is flagged to JPN only.
	errorOf(t, "a viewer making a watchlist", send(http.MethodPost, "/api/watchlists", jpnViewer, `{"name":"Suspects"}`), http.StatusForbidden)
	r = send(http.MethodPost, "/api/watchlists", jpn, `{"name":"Suspects"}`)
	var l alert.Watchlist
	if r.code != http.StatusCreated || json.Unmarshal(r.body, &l) != nil {
		t.Fatalf("JPN's list: %d %s", r.code, r.body)
	}
	errorOf(t, "a viewer adding an entry", send(http.MethodPost, "/api/watchlists/"+l.ID+"/entries", jpnViewer, `{"mmsi":431100001}`), http.StatusForbidden)
	errorOf(t, "a bad IMO", send(http.MethodPost, "/api/watchlists/"+l.ID+"/entries", jpn, `{"imo":1234568}`), http.StatusBadRequest)
	r = send(http.MethodPost, "/api/watchlists/"+l.ID+"/entries", jpn, `{"mmsi":431100001,"note":"met a dark tanker"}`)
	var e alert.ListEntry
	if r.code != http.StatusCreated || json.Unmarshal(r.body, &e) != nil || e.AddedBy != "jpn-analyst" {
		t.Fatalf("JPN's entry: %d %s", r.code, r.body)
	}
	// An entry for a vessel JPN may not see flags nothing JPN can read.
	if r := send(http.MethodPost, "/api/watchlists/"+l.ID+"/entries", jpn, `{"mmsi":232200002}`); r.code != http.StatusCreated {
		t.Fatalf("an entry of a vessel JPN does not see: %d", r.code)
	}
	errorOf(t, "JPN reading a vessel it may not see", f.get(t, "/api/vessels/"+mmsiPath(mOnlyG), jpn), http.StatusNotFound)
	flagged := func(p string) (panel []alert.ListHit, onMap []string) {
		var vp vesselProfile
		f.getOK(t, "/api/vessels/"+mmsiPath(mOnlyJ), tok(p, access.Viewer), &vp)
		var fc struct {
			Features []struct{ Properties vesselProps }
		}
		f.getOK(t, "/api/vessels?max_age=720h", tok(p, access.Viewer), &fc)
		for _, ft := range fc.Features {
			if ft.Properties.MMSI == mOnlyJ {
				onMap = ft.Properties.Lists
			} else if len(ft.Properties.Lists) > 0 {
				t.Errorf("%s: %d flagged %v", p, ft.Properties.MMSI, ft.Properties.Lists)
			}
		}
		return vp.Watchlists, onMap
	}
	panel, onMap := flagged("JPN")
	if len(panel) != 1 || panel[0].List != "Suspects" || panel[0].Entry.ID != e.ID || panel[0].By != "mmsi" || panel[0].Entry.Note != "met a dark tanker" || !slices.Equal(onMap, []string{"Suspects"}) {
		t.Errorf("JPN's view of the listed vessel: panel %+v, map %v", panel, onMap)
	}
	panel, onMap = flagged("USA") // cleared for jpn-coast: sees the vessel, not JPN's list
	if len(panel) != 0 || onMap != nil {
		t.Errorf("USA sees JPN's list's match: panel %+v, map %v", panel, onMap)
	}
	listRule := `{"name":"Listed","area":{"polygon":[[139,30],[139.1,30],[139.1,30.1]]},"triggers":{"entry":true},"filters":{"lists":["` + l.ID + `"]}}`
	for _, p := range others {
		var ls struct{ Watchlists []alert.Watchlist }
		f.getOK(t, "/api/watchlists", tok(p, access.Viewer), &ls)
		if len(ls.Watchlists) != 0 {
			t.Errorf("%s sees watchlists %+v", p, ls.Watchlists)
		}
		errorOf(t, p+" adding to JPN's list", send(http.MethodPost, "/api/watchlists/"+l.ID+"/entries", tok(p, access.Analyst), `{"mmsi":431100002}`), http.StatusNotFound)
		errorOf(t, p+" taking from JPN's list", send(http.MethodDelete, "/api/watchlists/"+l.ID+"/entries/"+e.ID, tok(p, access.Analyst), ""), http.StatusNotFound)
		errorOf(t, p+" deleting JPN's list", send(http.MethodDelete, "/api/watchlists/"+l.ID, tok(p, access.Analyst), ""), http.StatusNotFound)
		errorOf(t, p+" filtering on JPN's list", send(http.MethodPost, "/api/rules", tok(p, access.Analyst), listRule), http.StatusBadRequest)
	}
	if r := send(http.MethodPost, "/api/rules", jpn, listRule); r.code != http.StatusCreated {
		t.Fatalf("JPN's rule on its list: %d %s", r.code, r.body)
	}
	errorOf(t, "deleting a list a rule uses", send(http.MethodDelete, "/api/watchlists/"+l.ID, jpn, ""), http.StatusConflict)
	var ls struct{ Watchlists []alert.Watchlist }
	f.getOK(t, "/api/watchlists", jpnViewer, &ls)
	if len(ls.Watchlists) != 1 || len(ls.Watchlists[0].Entries) != 2 {
		t.Errorf("JPN's lists: %+v", ls.Watchlists)
	}
	if r := send(http.MethodDelete, "/api/watchlists/"+l.ID+"/entries/"+e.ID, jpn, ""); r.code != http.StatusNoContent {
		t.Errorf("taking the entry out: %d %s", r.code, r.body)
	}
	if panel, onMap := flagged("JPN"); len(panel) != 0 || onMap != nil {
		t.Errorf("the vessel taken off the list is still flagged: %+v %v", panel, onMap)
	}

	// The audit log: who changed what.
	f.close()
	details := changesAudited(t, f.dir, access.ActionRule, access.ActionZone, access.ActionWatchlist)
	for _, want := range []string{
		"jpn-analyst: rule " + rule.ID + ` changed: name "Box" to "Box, quiet", triggers, disabled`,
		"jpn-analyst: zone " + z.ID + " drawn: Strait",
		"jpn-analyst: zone " + z.ID + ` renamed: "Strait" to "Narrows"`,
		"jpn-analyst: watchlist " + l.ID + " made: Suspects",
		"jpn-analyst: watchlist " + l.ID + " (Suspects): entry " + e.ID + " added: MMSI 431100001",
		"jpn-analyst: watchlist " + l.ID + " (Suspects): entry " + e.ID + " taken out: MMSI 431100001",
	} {
		if !slices.Contains(details, want) {
			t.Errorf("the audit log lacks %q:\n%s", want, strings.Join(details, "\n"))
		}
	}
}

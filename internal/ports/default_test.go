package ports

import "testing"

func TestDefaultPorts(t *testing.T) {
	ps := DefaultPorts()
	counts := map[string]int{}
	for _, p := range ps {
		counts[p.Kind.String()+"/"+p.Source]++
		if p.Name == "" || len(p.Country) != 3 {
			t.Errorf("entry without a name or an ISO alpha-3 country: %+v", p)
		}
		if p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180 {
			t.Errorf("entry off the globe: %+v", p)
		}
	}
	want := map[string]int{"port/wpi": 3768, "port/gfw-wpi": 47, "anchorage/gfw": 55962}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%s: %d entries, want %d", k, counts[k], n)
		}
	}
	if len(counts) != len(want) {
		t.Errorf("kinds and sources %v, want %v", counts, want)
	}
	// DefaultPorts hands out copies.
	ps[0].Name = "changed"
	if DefaultPorts()[0].Name == "changed" {
		t.Error("DefaultPorts shares its slice")
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{KindPort: "port", KindAnchorage: "anchorage", 7: "Kind(7)"} {
		if got := k.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", k, got, want)
		}
	}
}

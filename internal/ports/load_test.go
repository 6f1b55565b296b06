package ports

import (
	"encoding/csv"
	"errors"
	"strings"
	"testing"
)

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func TestLoad(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Port
	}{
		{"empty", "", nil},
		{"no header", "Rotterdam,51.95,4.05\n", []Port{{Name: "Rotterdam", Lat: 51.95, Lon: 4.05, Kind: KindPort, Source: "user"}}},
		{
			"header, radius, comments, blank lines, quotes, CRLF",
			"name,lat,lon,radius_km\r\n# our STS areas\r\n\r\n\"Laconian Gulf, STS\", 36.55 , 22.75,12\r\n   \r\nNampo,38.72,125.38,\r\n",
			[]Port{
				{Name: "Laconian Gulf, STS", Lat: 36.55, Lon: 22.75, RadiusKm: 12, Kind: KindPort, Source: "user"},
				{Name: "Nampo", Lat: 38.72, Lon: 125.38, Kind: KindPort, Source: "user"},
			},
		},
		{"byte-order mark, no header", "\ufeffRotterdam,51.95,4.05\n", []Port{{Name: "Rotterdam", Lat: 51.95, Lon: 4.05, Kind: KindPort, Source: "user"}}},
		{"header spelled out", "Name,Latitude,Longitude\nX,-90,180\n", []Port{{Name: "X", Lat: -90, Lon: 180, Kind: KindPort, Source: "user"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Load(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d ports %+v, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("port %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
		msg  string
	}{
		{"latitude out of range", "name,lat,lon\nA,1,2\nB,3,4\nC,5,6\nD,7,8\nE,9,10\nF,91.5,0\n", ErrLatitude, `ports: line 7: bad latitude "91.5"`},
		{"latitude not a number", "A,north,2\n", ErrLatitude, `ports: line 1: bad latitude "north"`},
		{"latitude NaN", "A,NaN,2\n", ErrLatitude, `ports: line 1: bad latitude "NaN"`},
		{"longitude out of range", "A,1,200\n", ErrLongitude, `ports: line 1: bad longitude "200"`},
		{"longitude empty", "A,1,\n", ErrLongitude, `ports: line 1: bad longitude ""`},
		{"negative radius", "A,1,2,-3\n", ErrRadius, `ports: line 1: bad radius "-3"`},
		{"radius infinite", "A,1,2,Inf\n", ErrRadius, `ports: line 1: bad radius "Inf"`},
		{"too few fields", "A,1,2\nB,1\n", ErrFieldCount, `ports: line 2: wrong number of fields (want name,lat,lon[,radius_km]) "B,1"`},
		{"too many fields", "A,1,2,3,4\n", ErrFieldCount, `ports: line 1: wrong number of fields (want name,lat,lon[,radius_km]) "A,1,2,3,4"`},
		{"empty name", "A,1,2\n  ,1,2\n", ErrName, `ports: line 2: empty name`},
		{"header not first", "A,1,2\nname,lat,lon\n", ErrLatitude, `ports: line 2: bad latitude "lat"`},
		{"swapped header", "name,lon,lat\n", ErrLatitude, `ports: line 1: bad latitude "lon"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ports, err := Load(strings.NewReader(tt.in))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Load = %v, %v; want %v", ports, err, tt.want)
			}
			if err.Error() != tt.msg {
				t.Errorf("message %q, want %q", err, tt.msg)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line == 0 {
				t.Errorf("error %v is not a *ParseError with a line", err)
			}
		})
	}

	_, err := Load(strings.NewReader("A,1,2\n\"B,1,2\n"))
	var ce *csv.ParseError
	if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), "ports: ") {
		t.Errorf("unterminated quote: %v, want a wrapped *csv.ParseError", err)
	}
}

// FuzzLoad checks that Load never panics, that every error names a line, and that every
// port it returns is valid.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"name,lat,lon,radius_km\nRotterdam,51.95,4.05,5\n",
		"A,1,2\n\"B,\"\"x\"\"\",3,4\n# c\n\n",
		"A,91,0\n", "A,1\n", ",1,2\n", "A,1,2,-1\n", "\"A\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		ports, err := Load(strings.NewReader(in))
		if err != nil {
			var pe *ParseError
			var ce *csv.ParseError
			if !(errors.As(err, &pe) && pe.Line > 0) && !errors.As(err, &ce) {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		if _, err := New(ports, Options{}); err != nil {
			t.Fatalf("Load accepted ports that New rejects: %v", err)
		}
		for _, p := range ports {
			if p.Name == "" || !(p.RadiusKm >= 0) {
				t.Fatalf("bad port %+v", p)
			}
		}
	})
}

package identity

import (
	"strings"
	"testing"
)

func TestMIDTable(t *testing.T) {
	all := Countries()
	// 294 rows in the ITU table, 306 listed three times.
	if len(all) != 292 {
		t.Errorf("Countries() has %d MIDs, want 292", len(all))
	}
	for i, c := range all {
		if i > 0 && all[i-1].MID >= c.MID {
			t.Errorf("Countries() not ascending at %d", c.MID)
		}
		if !upper(c.Alpha2, 2) || !upper(c.Alpha3, 3) || c.Name == "" {
			t.Errorf("MID %d: codes %q %q look wrong", c.MID, c.Alpha2, c.Alpha3)
		}
	}

	tests := []struct {
		mid            int
		alpha2, alpha3 string
		name           string // substring
	}{
		{201, "AL", "ALB", "Albania"},
		{236, "GI", "GIB", "Gibraltar"},
		{255, "PT", "PRT", "Madeira"},
		{271, "TR", "TUR", "Türkiye"},
		{273, "RU", "RUS", "Russian Federation"},
		{306, "NL", "NLD", "Curaçao"},
		{351, "PA", "PAN", "Panama"},
		{374, "PA", "PAN", "Panama"}, // in ITU's table, missing from libais's
		{379, "VI", "VIR", "United States Virgin Islands"},
		{412, "CN", "CHN", "China"},
		{422, "IR", "IRN", "Iran"},
		{445, "KP", "PRK", "Democratic People's Republic of Korea"},
		{471, "AE", "ARE", "United Arab Emirates"}, // missing from libais's
		{501, "FR", "FRA", "Adelie Land"},
		{538, "MH", "MHL", "Marshall Islands"},
		{550, "TL", "TLS", "Timor-Leste"}, // missing from libais's
		{572, "TV", "TUV", "Tuvalu"},
		{608, "SH", "SHN", "Ascension"},
		{635, "TF", "ATF", "Kerguelen"},
		{667, "SL", "SLE", "Sierra Leone"},
		{676, "CD", "COD", "Democratic Republic of the Congo"},
		{615, "CG", "COG", "Congo (Republic of the)"},
		{745, "GF", "GUF", "Guiana"},
		{775, "VE", "VEN", "Venezuela"},
	}
	for _, tt := range tests {
		c, ok := LookupMID(tt.mid)
		if !ok || c.MID != tt.mid || c.Alpha2 != tt.alpha2 || c.Alpha3 != tt.alpha3 || !strings.Contains(c.Name, tt.name) {
			t.Errorf("LookupMID(%d) = %+v, %v; want %s %s %q", tt.mid, c, ok, tt.alpha2, tt.alpha3, tt.name)
		}
	}

	for _, mid := range []int{-1, 0, 100, 200, 217, 280, 300, 999, 1000, 5000} {
		if ValidMID(mid) {
			t.Errorf("ValidMID(%d) = true", mid)
		}
		if _, ok := LookupMID(mid); ok {
			t.Errorf("LookupMID(%d) ok", mid)
		}
	}
}

func upper(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := range len(s) {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func TestParseMIDsErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"header", "a,b,c,d\n201,AL,ALB,Albania\n", "unexpected header"},
		{"mid", "mid,alpha2,alpha3,allocated_to\n20x,AL,ALB,Albania\n", "line 2: bad row"},
		{"range", "mid,alpha2,alpha3,allocated_to\n101,AL,ALB,Albania\n", "line 2: bad row"},
		{"alpha2", "mid,alpha2,alpha3,allocated_to\n201,ALB,ALB,Albania\n", "line 2: bad row"},
		{"empty", "", "unexpected header"},
		{"dup", "mid,alpha2,alpha3,allocated_to\n201,AL,ALB,Albania\n201,AL,ALB,Albania\n", "line 3: duplicate mid 201"},
		{"fields", "mid,alpha2,alpha3,allocated_to\n201,AL\n", "wrong number of fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseMIDs([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "identity: ") {
				t.Errorf("parseMIDs: err = %v, want %q", err, tt.want)
			}
		})
	}
}

package anonymize

import (
	"slices"
	"strings"
	"testing"
)

// The methodology page's summary gives the audit's floor (whole points
// reached) and, when it differs, the ratio the audit proves an exact
// reader gets to; a ratio at the cap says nothing more, since "2" there
// means "at least 2" on both sides.
func TestPublicSaysBothAuditRatios(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name          string
		lo, bound     *float64
		wantJa, wantE string // "" = no sentence about the bound
		notJa, notE   string
	}{
		{"apart", f(1.0087), f(1.2870), "最小値は 1.29 で", "smallest ratio of 1.29;", "厳密です", "It is exact"},
		{"equal", f(1.1806), f(1.1806), "厳密です", "It is exact", "最小値は 1.18 で", "smallest ratio of 1.18;"},
		{"capped", f(2), f(2), "", "", "厳密です", "It is exact"},
		{"no bound", f(1.5), nil, "", "", "厳密です", "It is exact"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &RiskReport{Audit: AuditSummary{MinRatio: tt.lo, MinInsiderRatio: f(1.9), MinBoundRatio: tt.bound}}
			pub := r.Public()
			for _, c := range []struct{ text, want, not string }{{pub.Ja, tt.wantJa, tt.notJa}, {pub.En, tt.wantE, tt.notE}} {
				if c.want != "" && !strings.Contains(c.text, c.want) {
					t.Errorf("summary lacks %q:\n%s", c.want, c.text)
				}
				if strings.Contains(c.text, c.not) {
					t.Errorf("summary says %q:\n%s", c.not, c.text)
				}
			}
			if tt.wantE == "" && (strings.Contains(pub.En, "solves the equations exactly") || strings.Contains(pub.Ja, "厳密に解いて")) {
				t.Errorf("summary speaks of the bound where it should not:\n%s\n%s", pub.Ja, pub.En)
			}
		})
	}
}

// TestOverDropCapNamesExtractsAboveTheCap: an extract the rules made
// withhold more than microdata.max_dropped_pct is named with its share;
// one at or below it is not.
func TestOverDropCapNamesExtractsAboveTheCap(t *testing.T) {
	r := &RiskReport{Parameters: DefaultConfig(), Extracts: []ExtractRisk{
		{Name: "failure", ShareWithheld: 0.0353},
		{Name: "when_where", ShareWithheld: 0.02},
		{Name: "size", ShareWithheld: 0.0042},
	}}
	if got := r.OverDropCap(); !slices.Equal(got, []string{"failure 3.5%"}) {
		t.Fatalf("over the 2 %% cap: %q", got)
	}
	r.Parameters.Microdata.MaxDroppedPct = 4
	if got := r.OverDropCap(); len(got) != 0 {
		t.Fatalf("over a 4 %% cap: %q", got)
	}
}

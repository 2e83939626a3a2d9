package site

import (
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kensho-jp/kensho"
)

func TestCellFormats(t *testing.T) {
	pub := func(v float64) kensho.Cell { return kensho.Cell{Value: v, Status: kensho.Published} }
	tests := []struct {
		name     string
		cell     kensho.Cell
		decimals int
		html     string
		csv      string
		chart    any
	}{
		{"integer", pub(1234567), 0, "1,234,567", "1234567", 1234567.0},
		{"decimals", pub(1234.56), 1, "1,234.6", "1234.6", 1234.6},
		{"zero", pub(0), 0, "-", "0", 0.0},
		{"zero with decimals", pub(0), 1, "-", "0.0", 0.0},
		{"rounds to zero", pub(0.04), 1, "-", "0.0", 0.0},
		{"negative", pub(-12.5), 1, "-12.5", "-12.5", -12.5},
		{"negative zero", pub(math.Copysign(0, -1)), 0, "-", "0", 0.0},
		{"small negative rounds to zero", pub(-0.01), 1, "-", "0.0", 0.0},
		{"suppressed", kensho.Cell{Value: 42, Status: kensho.Suppressed}, 0, "X", "X", "-"},
		{"not applicable", kensho.Cell{Status: kensho.NotApplicable}, 0, "…", "", "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := htmlCell(tt.cell, tt.decimals); got != tt.html {
				t.Errorf("htmlCell = %q, want %q", got, tt.html)
			}
			if got := csvCell(tt.cell, tt.decimals); got != tt.csv {
				t.Errorf("csvCell = %q, want %q", got, tt.csv)
			}
			if diff := cmp.Diff(tt.chart, chartValue(tt.cell, tt.decimals)); diff != "" {
				t.Errorf("chartValue (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSigned(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		d    int
		want string
	}{{12, 0, "+12"}, {-1234, 0, "−1,234"}, {0, 1, "0.0"}, {0.04, 1, "0.0"}, {3.25, 1, "+3.2"}} {
		if got := signed(tt.v, tt.d); got != tt.want {
			t.Errorf("signed(%v, %d) = %q, want %q", tt.v, tt.d, got, tt.want)
		}
	}
}

func TestLabels(t *testing.T) {
	tests := []struct{ dim, key, lang, want string }{
		{"fiscal_year", "2024", "ja", "2024年度"},
		{"fiscal_year", "2024", "en", "FY2024"},
		{"quarter", "3", "ja", "第3四半期"},
		{"quarter", "3", "en", "Q3"},
		{"form", "full", "ja", "省令"},
		{"form", kensho.Total, "en", "total"},
		{"cause", "hw_failure", "en", "hardware failure"},
		{"disaster", "令和6年能登半島地震", "en", "令和6年能登半島地震"},
		{"third_party", "true", "en", "yes"},
	}
	for _, tt := range tests {
		if got := keyLabel(tt.dim, tt.key, tt.lang); got != tt.want {
			t.Errorf("keyLabel(%s, %s, %s) = %q, want %q", tt.dim, tt.key, tt.lang, got, tt.want)
		}
	}
}

func TestCheckReleaseRefusesUnprotected(t *testing.T) {
	rel := &kensho.Release{Tables: []kensho.StatTable{{
		Name: "t", Dims: []kensho.Dim{{Name: "form"}}, Measures: []kensho.Measure{{Name: "accidents"}},
		Rows: []kensho.Row{{Key: []string{"full"}, Cells: []kensho.Cell{{Value: 3}}}},
	}}}
	err := checkRelease(rel)
	var ue *unprotectedError
	if err == nil || !asUnprotected(err, &ue) || ue.Table != "t" || ue.Measure != "accidents" {
		t.Fatalf("checkRelease = %v, want an unprotected-cell error", err)
	}
	rel.Tables[0].Rows[0].Cells[0].Status = kensho.Published
	if err := checkRelease(rel); err != nil {
		t.Errorf("checkRelease of a published cell = %v", err)
	}
	rel.Tables[0].Rows[0].Cells[0].Value = math.NaN()
	if err := checkRelease(rel); err == nil {
		t.Error("checkRelease accepted NaN")
	}
}

func asUnprotected(err error, target **unprotectedError) bool {
	u, ok := err.(*unprotectedError)
	*target = u
	return ok
}

// Every fixed text exists in both languages, and every key the templates
// and code use exists.
func TestUIText(t *testing.T) {
	for _, k := range uiKeys() {
		if ui[k].Ja == "" || ui[k].En == "" {
			t.Errorf("ui[%q] lacks a language: %+v", k, ui[k])
		}
		if strings.Count(ui[k].Ja, "%s") != strings.Count(ui[k].En, "%s") {
			t.Errorf("ui[%q]: the languages take different arguments", k)
		}
	}
	for _, p := range append(append([]string{}, topicPages...), "report", "downloads", "methodology", "about") {
		for _, k := range []string{"page." + p, "lead." + p} {
			if _, ok := ui[k]; !ok {
				t.Errorf("no ui text %q", k)
			}
		}
	}
}

// uiKeys returns the keys of ui in order.
func uiKeys() []string { return slices.Sorted(maps.Keys(ui)) }

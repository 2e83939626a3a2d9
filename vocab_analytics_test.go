package kensho

import "testing"

func TestKeyLabel(t *testing.T) {
	tests := []struct {
		dim, key string
		want     Text
		wantOK   bool
	}{
		{"cause", "hw_failure", Text{Ja: "ハードウェア故障(自然故障)", En: "hardware failure"}, true},
		{"cause", Total, TotalLabel, true},
		{"region", "multi", Text{Ja: "複数地域", En: "several regions"}, true},
		{"third_party", "true", Text{Ja: "該当", En: "yes"}, true},
		{"meets_serious", "false", Text{Ja: "非該当", En: "no"}, true},
		{"third_party", "maybe", Text{}, false},
		{"cause", "no_such_code", Text{}, false},
		{"fiscal_year", "2024", Text{}, false},
		{"quarter", Total, Text{}, false},
		{"disaster", "令和6年能登半島地震", Text{}, false}, // a name is no code
		{"disaster", "quake_2024_noto", Text{Ja: "令和6年能登半島地震", En: "2024 Noto Peninsula earthquake"}, true},
		{"disaster", OtherDisaster, Text{Ja: "その他の災害", En: "other named disaster"}, true},
	}
	for _, tt := range tests {
		got, ok := KeyLabel(tt.dim, tt.key)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("KeyLabel(%q, %q) = %v, %v; want %v, %v", tt.dim, tt.key, got, ok, tt.want, tt.wantOK)
		}
	}
	if !IsFlagColumn("third_party") || IsFlagColumn("cause") {
		t.Error("IsFlagColumn")
	}
	for dim, want := range map[string]bool{"cause": true, "third_party": true, "form": true, "fiscal_year": false, "quarter": false, "disaster": true} {
		if Labelled(dim) != want {
			t.Errorf("Labelled(%q) = %v", dim, !want)
		}
	}
}

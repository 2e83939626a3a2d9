package anonymize

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	partial := DefaultConfig()
	partial.P = 15
	partial.Microdata.MaxDroppedPct = 1
	tests := []struct {
		name    string
		path    string
		want    Config
		wantErr string
	}{
		{"no file gives the defaults", "", DefaultConfig(), ""},
		{"the example is the defaults", "testdata/config.example.json", DefaultConfig(), ""},
		{"keys left out keep their defaults", write("partial.json", `{"p": 15, "microdata": {"max_dropped_pct": 1}}`), partial, ""},
		{"fewer than 3 operators is refused", write("two.json", `{"min_operators": 2}`), Config{}, "min_operators 2 is below 3"},
		{"an unknown key is refused", write("typo.json", `{"min_operator": 5}`), Config{}, `unknown field "min_operator"`},
		{"a share above one half is refused", write("share.json", `{"microdata": {"max_share": 0.6}}`), Config{}, "max_share 0.6"},
		{"p must be positive", write("p.json", `{"p": 0}`), Config{}, "p 0 must be above 0"},
		{"a bad dominance rule is refused", write("nk.json", `{"dominance": [{"n": 0, "k": 85}]}`), Config{}, "dominance[0]"},
		{"trailing data is refused", write("trail.json", `{"p": 10} {"p": 20}`), Config{}, "trailing data"},
		{"a missing file is an error", filepath.Join(dir, "none.json"), Config{}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadConfig(tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"min_operators": 3, "p": 10}`))
	f.Add([]byte(`{"dominance": [{"n": 1, "k": 85}], "microdata": {"max_share": 0.5}}`))
	f.Add([]byte(`{"min_operators": -1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := parseConfig(b)
		if err == nil {
			if cfg.MinOperators < 3 || cfg.Microdata.MaxShare > 0.5 || cfg.P <= 0 {
				t.Fatalf("accepted an unsafe configuration: %+v", cfg)
			}
		}
	})
}

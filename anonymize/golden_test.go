package anonymize

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/kensho-jp/kensho/internal/testenv"
	"github.com/kensho-jp/kensho/sdc/lp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file; review the change and run go test -update\n--- got:\n%s", name, got)
	}
}

// TestRiskReportGolden fixes the internal and public risk reports of one
// fixture: a change in what is suppressed, or in how it is reported, shows
// up as a diff to review.
func TestRiskReportGolden(t *testing.T) {
	needFull(t)
	if lp.FindCBC() == nil { // the audit asks it where its own search stops short
		testenv.Missing(t, "cbc", testenv.CBCHint)
	}
	db, _, _ := fxDB(t, fxSpec{operators: 30, perYear: 400, years: []int{2022, 2023}, seed: 1, skew: 1.1})
	tables := buildTables(t, db, reportSpecs)
	p, err := protectFx(context.Background(), db, tables, nil, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var js bytes.Buffer
	if err := p.Risk.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	golden(t, "risk.golden.json", js.Bytes())
	pub := p.Risk.Public()
	golden(t, "risk_public.golden.md", []byte(pub.Ja+"\n---\n"+pub.En))
}

package anonymize

import (
	"context"
	"os"
	"testing"
)

func TestSmokeProtect(t *testing.T) {
	db, _, _ := fxDB(t, fxSpec{operators: 30, perYear: 400, years: []int{2022, 2023}, seed: 1, skew: 1.1})
	tables := buildTables(t, db, reportSpecs)
	p, err := Protect(context.Background(), db, tables, DefaultConfig())
	if p != nil && p.Risk != nil {
		p.Risk.WriteJSON(os.Stdout)
	}
	if err != nil {
		t.Fatal(err)
	}
}

package anonymize

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kensho-jp/kensho"
)

// A coded dimension's domain is its whole code list, for the suppression
// and for the audit alike, whether the data has every code or not, and
// whether deid_accident stores the codes as ENUMs or as text (an older
// table): the attacker knows the list.
func TestCodedDomainIsTheWholeList(t *testing.T) {
	ctx := context.Background()
	for _, asText := range []bool{false, true} {
		db := deidentified(t, []accidentRow{
			{"A-1", "1", "2024-04-02 10:00:00", 59, 499, "['13']", false, "ftth", "hw_failure", "router", false, "", nil},
			{"B-2", "1", "2024-04-03 10:00:00", 60, 500, "['01']", false, "isp", "power_outage", "fibre", false, "", nil},
		})
		if asText {
			if _, err := db.Exec("ALTER TABLE deid_accident ALTER service TYPE VARCHAR"); err != nil {
				t.Fatal(err)
			}
		}
		tables := buildTables(t, db, []tableSpec{{name: "t", dims: []string{"service"}, mags: []kensho.Magnitude{kensho.MagAccidents}}})
		want := kensho.Services.CodeStrings()
		cat, err := newCatalog(ctx, db, tables)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, cat.dims["service"].domain); diff != "" {
			t.Errorf("text %v: suppression domain of service (-want +got):\n%s", asText, diff)
		}
		a := &auditor{ctx: ctx, db: db, cfg: DefaultConfig(), out: tables, in: tables,
			res: &auditResult{tableMinRatio: map[string]float64{}}, truth: map[kensho.CellRef]*auditTruth{}}
		dims, err := a.auditDimensions()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, dims["service"].values); diff != "" {
			t.Errorf("text %v: audit values of service (-want +got):\n%s", asText, diff)
		}
	}
}

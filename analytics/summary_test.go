package analytics

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

// publishAll stands in for anonymize: every cell with a value is published,
// and contributions and dependencies are dropped.
func publishAll(tables []kensho.StatTable) []kensho.StatTable {
	out := slices.Clone(tables)
	for ti := range out {
		rows := slices.Clone(out[ti].Rows)
		for ri := range rows {
			cells := slices.Clone(rows[ri].Cells)
			for ci := range cells {
				if cells[ci].Status != kensho.NotApplicable {
					cells[ci].Status = kensho.Published
				}
				cells[ci].Contrib, cells[ci].DependsOn = nil, nil
			}
			rows[ri].Cells = cells
		}
		out[ti].Rows = rows
	}
	return out
}

// suppress marks a cell suppressed but leaves a sentinel value in it, which
// Summarize must never read.
func suppress(t *testing.T, tables []kensho.StatTable, table, measure string, sentinel float64, key ...string) {
	t.Helper()
	tb := findTable(tables, table)
	mi := slices.IndexFunc(tb.Measures, func(m kensho.Measure) bool { return m.Name == measure })
	for ri, r := range tb.Rows {
		if slices.Equal(r.Key, key) {
			tb.Rows[ri].Cells[mi] = kensho.Cell{Status: kensho.Suppressed, Value: sentinel}
			return
		}
	}
	t.Fatalf("%s has no row %v", table, key)
}

func TestSummarizeGolden(t *testing.T) {
	db := mustFixtureDB(t)
	res, err := Compute(context.Background(), db, Config{LatestYear: 2024})
	if err != nil {
		t.Fatal(err)
	}
	got := Summarize(publishAll(res.Tables), 2024)
	text := "# ja\n" + got.Ja + "\n\n# en\n" + got.En + "\n"
	const path = "testdata/summary.golden"
	if *update {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), text); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	// By hand: 5 accidents in FY2024 as in FY2023; the largest change is
	// equipment (0 → 3); 1 accident reported as serious.
	for _, s := range []string{"2024年度に報告された電気通信事故は5件", "設備要因(0件から3件、3件増)", "重大な事故は1件"} {
		if !strings.Contains(got.Ja, s) {
			t.Errorf("Japanese summary lacks %q:\n%s", s, got.Ja)
		}
	}
	for _, s := range []string{"Operators reported 5 telecom accidents in fiscal year 2024", "equipment causes (up 3, from 0 to 3)", "1 accident was reported as a serious accident"} {
		if !strings.Contains(got.En, s) {
			t.Errorf("English summary lacks %q:\n%s", s, got.En)
		}
	}
}

// TestSummarizeUsesOnlyPublished suppresses the cells a summary would quote
// — the year's total, the cause group with the largest change, the serious
// accidents, the trends — with sentinel values left in them, and checks
// that no sentinel, and no change computed from one, reaches the text.
func TestSummarizeUsesOnlyPublished(t *testing.T) {
	db := duck.MustOpenMemory(t)
	mustAccidentTable(t, db)
	genAccidents(t, db, 3000, 8, 2019, 2024, "summary")
	mustDeidentify(t, db)
	res, err := Compute(context.Background(), db, Config{})
	if err != nil {
		t.Fatal(err)
	}
	open := Summarize(publishAll(res.Tables), 2024)
	tables := publishAll(res.Tables)

	// The cause group whose change the open summary quotes first.
	var top string
	for _, g := range kensho.CauseGroups.Codes {
		if strings.Contains(open.Ja, "前年度からの増減が大きかったのは、"+g.Text.Ja+"(") {
			top = g.Code
		}
	}
	if top == "" {
		t.Fatalf("the open summary quotes no cause group first:\n%s", open.Ja)
	}
	cur := findTable(tables, "accidents_by_year")
	var total float64
	for _, r := range cur.Rows {
		if slices.Equal(r.Key, []string{"2024", kensho.Total, kensho.Total}) {
			total = r.Cells[0].Value
		}
	}
	if !strings.Contains(open.Ja, count(total)+"件") {
		t.Fatalf("the open summary lacks the total %v:\n%s", total, open.Ja)
	}

	suppress(t, tables, "accidents_by_year", "accidents", 987654, "2024", kensho.Total, kensho.Total)
	suppress(t, tables, "accidents_by_year_cause_group", "accidents", 876543, "2023", kensho.Total, top)
	suppress(t, tables, "serious_by_year_category", "accidents", 765432, "2024", kensho.Total)
	tr := findTable(tables, "trend_by_cause")
	for ri, r := range tr.Rows {
		if r.Key[0] == "2024" {
			for ci := 1; ci < len(r.Cells); ci++ {
				tr.Rows[ri].Cells[ci] = kensho.Cell{Status: kensho.Suppressed, Value: 654321}
			}
		}
	}
	got := Summarize(tables, 2024)
	for _, text := range []string{got.Ja, got.En} {
		for _, s := range []string{"987", "876", "765", "654", "2024年度に報告された", "reported " + count(total)} {
			if strings.Contains(text, s) {
				t.Errorf("the summary mentions %q from a suppressed cell:\n%s", s, text)
			}
		}
		if strings.Contains(text, kensho.CauseGroups.Get(top).Text.Ja+"(") {
			t.Errorf("the summary quotes the change of %s, whose previous year is suppressed:\n%s", top, text)
		}
	}
	if got.Ja == "" || got.En == "" || got == open {
		t.Errorf("summary:\n%s\n%s", got.Ja, got.En)
	}

	// A partial year says so.
	fix := mustFixtureDB(t)
	partial, err := Compute(context.Background(), fix, Config{})
	if err != nil {
		t.Fatal(err)
	}
	p := Summarize(publishAll(partial.Tables), 2025)
	if !strings.Contains(p.Ja, "2025年度(集計途中") || !strings.Contains(p.En, "not every quarter has data yet") {
		t.Errorf("summary of the partial year 2025:\n%s\n%s", p.Ja, p.En)
	}

	// Nothing published: a sentence that says so.
	none := Summarize(nil, 2024)
	if !strings.Contains(none.Ja, "公表できる集計値はありません") || !strings.Contains(none.En, "No figure") {
		t.Errorf("empty summary: %v", none)
	}
}

package anonymize

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kensho-jp/kensho/analytics"
	"github.com/kensho-jp/kensho/internal/duck"
)

// nationalDB returns the national-volume fixture: 60,000 accidents a year for
// ten years from 300 operators. With KENSHO_BENCH_DB set to a path, the
// database is kept there and reused by later runs.
func nationalDB(b *testing.B) *sql.DB {
	b.Helper()
	path := os.Getenv("KENSHO_BENCH_DB")
	if path != "" {
		if _, err := os.Stat(path); err == nil {
			db, err := duck.Open(context.Background(), path, duck.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			return db
		}
	}
	years := []int{2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024}
	spec := fxSpec{operators: 300, perYear: 60000, years: years, seed: 7, skew: 1.0}
	if path == "" {
		db, _, _ := fxDB(b, spec)
		return db
	}
	db, err := duck.Open(context.Background(), path, duck.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ops, acc := fxGenerate(spec)
	fxLoad(b, db, ops, acc)
	if err := Deidentify(context.Background(), db, 3); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkProtectNational runs Protect (suppression, microdata and the
// audit) on national volume and logs the time of each step.
//
//	go test -run '^$' -bench ProtectNational -benchtime 1x ./anonymize
func BenchmarkProtectNational(b *testing.B) {
	db := nationalDB(b)
	res, err := analytics.Compute(context.Background(), db, analytics.Config{})
	if err != nil {
		b.Fatal(err)
	}
	tables := res.Tables
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		p, err := Protect(context.Background(), db, tables, analytics.Extracts(), DefaultConfig(), Options{ReleaseDate: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/protect")
		r := p.Risk
		b.Logf("%d tables, %d cells, %d suppressed (%.1f%%), totals kept %.1f%%; model: %d components, %d atoms, %d columns, %d protect rounds, %d programmes; audit: %d hidden figures, %d insiders, %d programmes",
			len(r.Tables), r.Overall.Cells, r.Overall.Suppressed, 100*r.Overall.ShareSuppressed, 100*r.Overall.TotalsKept,
			r.Model.Components, r.Model.Atoms, r.Model.Columns, r.Model.Rounds, r.Model.Programmes,
			r.Audit.Hidden, r.Audit.Insiders, r.Audit.Programmes)
		for _, e := range r.Extracts {
			b.Logf("extract %s: %d of %d records released", e.Name, e.Released, e.Records)
		}
		var lines []string
		for _, l := range p.Timings {
			lines = append(lines, fmt.Sprintf("%s %.2f s", l.Step, l.Seconds))
		}
		b.Logf("steps: %s", strings.Join(lines, "; "))
		b.ReportMetric(p.Risk.Audit.seconds, "s/audit")
		b.ReportMetric(p.Risk.Overall.ShareSuppressed, "share-suppressed")
		if p.Risk.Audit.MinRatio != nil {
			b.ReportMetric(*p.Risk.Audit.MinRatio, "min-ratio")
		}
	}
}

package analytics

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/kensho-jp/kensho/internal/duck"
)

// BenchmarkCompute computes every table from a generated deid_accident:
// 600,000 accidents (national volume, about 60,000 a year for ten fiscal
// years) from 300 operators, and, with KENSHO_BENCH_LARGE=1, 10,000,000.
// The database is a file, as the restricted database is: DuckDB stores a
// file's text columns compressed, which makes grouping by them faster than
// in an in-memory database.
//
//	go test ./analytics -run '^$' -bench Compute -benchtime 5x
func BenchmarkCompute(b *testing.B) {
	sizes := []int{600_000}
	if os.Getenv("KENSHO_BENCH_LARGE") == "1" {
		sizes = append(sizes, 10_000_000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			db, err := duck.Open(context.Background(), filepath.Join(b.TempDir(), "bench.duckdb"), duck.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			mustAccidentTable(b, db)
			genAccidents(b, db, n, 300, 2015, 2024, "bench")
			mustDeidentify(b, db)
			ctx := context.Background()
			for b.Loop() {
				if _, err := Compute(ctx, db, Config{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

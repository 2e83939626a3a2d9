package analytics

import (
	"context"
	"testing"

	"github.com/kensho-jp/kensho/internal/duck"
)

// BenchmarkCompute computes every table from a generated deid_accident of
// national volume: 600,000 accidents (about 60,000 a year for ten fiscal
// years) from 300 operators.
//
//	go test ./analytics -run '^$' -bench Compute -benchtime 3x
func BenchmarkCompute(b *testing.B) {
	db := duck.MustOpenMemory(b)
	mustAccidentTable(b, db)
	genAccidents(b, db, 600_000, 300, 2015, 2024, "bench")
	mustDeidentify(b, db)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Compute(ctx, db, Config{}); err != nil {
			b.Fatal(err)
		}
	}
}

package ingest

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/kensho-jp/kensho/ingest/internal/gen"
)

// Run with e.g.
//
//	go test ./ingest -run '^$' -bench Ingest -benchtime 3x -ingest.rows 1000000
//
// make bench runs the same comparison once through Benchmark.
var benchRows = flag.Int("ingest.rows", 100_000, "rows of the files the ingest benchmarks generate")

var benchDir struct {
	once sync.Once
	dir  string
	err  error
}

// TestMain removes the files the benchmarks generated.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir.dir != "" {
		os.RemoveAll(benchDir.dir)
	}
	os.Exit(code)
}

// benchFile writes (once per process) a generated file of *benchRows rows.
func benchFile(b *testing.B, kind string) string {
	b.Helper()
	benchDir.once.Do(func() { benchDir.dir, benchDir.err = os.MkdirTemp("", "kensho-bench-test-") })
	if benchDir.err != nil {
		b.Fatal(benchDir.err)
	}
	write := map[string]func(io.Writer, int, uint64) error{
		"csv": gen.WriteCSV, "cp932.csv": gen.WriteCP932CSV, "xlsx": gen.WriteXLSX,
	}[kind]
	path := filepath.Join(benchDir.dir, fmt.Sprintf("%d.%s", *benchRows, kind))
	if _, err := os.Stat(path); err != nil {
		if err := writeFile(path, func(w io.Writer) error { return write(w, *benchRows, 1) }); err != nil {
			b.Fatal(err)
		}
	}
	return path
}

func benchmarkIngest(b *testing.B, kind string) {
	path := benchFile(b, kind)
	db := filepath.Join(b.TempDir(), "b.duckdb")
	b.ResetTimer()
	for range b.N {
		if err := benchLoad(context.Background(), db, path, *benchRows); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(*benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkIngestUTF8(b *testing.B)  { benchmarkIngest(b, "csv") }
func BenchmarkIngestCP932(b *testing.B) { benchmarkIngest(b, "cp932.csv") }
func BenchmarkIngestXLSX(b *testing.B)  { benchmarkIngest(b, "xlsx") }

// BenchmarkBareReadCSV is the baseline: DuckDB's read_csv of the same UTF-8
// file into a table.
func BenchmarkBareReadCSV(b *testing.B) {
	path := benchFile(b, "csv")
	db := filepath.Join(b.TempDir(), "b.duckdb")
	b.ResetTimer()
	for range b.N {
		if err := benchBare(context.Background(), db, path); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(*benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkValidate times the Go side alone (read, validate, write JSON)
// without the database, per row.
func BenchmarkValidate(b *testing.B) {
	data, err := os.ReadFile(benchFile(b, "csv"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		text, _, fp := decodeCSV("bench.csv", data)
		if fp != nil {
			b.Fatal(fp.msg.En)
		}
		lay, src, fp := openCSV("bench.csv", text)
		if fp != nil {
			b.Fatal(fp.msg.En)
		}
		n := 0
		err := validateAll(context.Background(), src, func() *validator { return newValidator("bench.csv", lay) },
			func(o *batchOut) error {
				n += len(o.ends)
				putBuf(o.acc)
				return nil
			})
		if err != nil || n != *benchRows {
			b.Fatal(err, n)
		}
	}
	b.ReportMetric(float64(*benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// TestBenchmarkSmall runs Benchmark end to end on a small input, so that
// make bench cannot rot unnoticed.
func TestBenchmarkSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and loads three files")
	}
	r, err := Benchmark(context.Background(), BenchOptions{Rows: 1000, XLSXRows: 200, Runs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Kensho <= 0 || r.Bare <= 0 || r.Ratio <= 0 || r.CP932RowsPerS <= 0 || r.XLSXRowsPerS <= 0 {
		t.Errorf("%+v", r)
	}
	if err := r.WriteText(io.Discard); err != nil {
		t.Fatal(err)
	}
}

package ingest

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/internal/gen"
	"github.com/kensho-jp/kensho/reportfile"
)

// Run with e.g.
//
//	go test ./ingest -run '^$' -bench Ingest -benchtime 3x -ingest.rows 1000000
//
// make bench (internal/bench) runs the same comparison on synth's files.
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
		sink := &countSink{}
		res, err := reportfile.Open("bench.csv", data).Check(context.Background(), reportfile.Options{
			Encode:  accidentEncoder(0),
			NewSink: func() (reportfile.Sink, error) { return sink, nil },
		})
		if err != nil || res.Problem != nil || sink.n != *benchRows {
			b.Fatal(err, res, sink.n)
		}
	}
	b.ReportMetric(float64(*benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func writeFile(path string, write func(io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// openFresh opens a new, empty database at dbPath.
func openFresh(ctx context.Context, dbPath string) (*sql.DB, error) {
	os.Remove(dbPath)
	os.Remove(dbPath + ".wal")
	return duck.Open(ctx, dbPath, duck.Options{})
}

// benchLoad loads one file into a new database with kensho's ingest.
func benchLoad(ctx context.Context, dbPath, path string, rows int) error {
	db, err := openFresh(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := Load(ctx, db, []string{path}, Config{})
	if err != nil {
		return err
	}
	if rep.RowsLoaded != rows {
		return fmt.Errorf("bench: %s: %d rows loaded, want %d", path, rep.RowsLoaded, rows)
	}
	return db.Close()
}

// benchBare loads the file with DuckDB alone, as a user would without kensho.
func benchBare(ctx context.Context, dbPath, path string) error {
	db, err := openFresh(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE TABLE bare AS SELECT * FROM read_csv("+duck.QuoteString(path)+")"); err != nil {
		return fmt.Errorf("bench: bare read_csv: %w", err)
	}
	return db.Close()
}

// countSink counts the valid rows it is given.
type countSink struct{ n int }

func (s *countSink) Valid(lines []byte, n, longest int)    { s.n += n }
func (s *countSink) Quarantine(*reportfile.QuarantinedRow) {}
func (s *countSink) Warning(*reportfile.Problem)           {}

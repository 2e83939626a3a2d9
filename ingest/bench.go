package ingest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/kensho-jp/kensho/ingest/internal/gen"
	"github.com/kensho-jp/kensho/internal/duck"
)

// BenchOptions sets up Benchmark.
type BenchOptions struct {
	// Dir holds the generated files and the databases; "" is a temporary
	// directory removed at the end. Generated files are reused when there.
	Dir string
	// Rows of the UTF-8 and CP932 files (default 1,000,000).
	Rows int
	// XLSXRows of the XLSX file (default 200,000; an XLSX of a million
	// rows takes minutes to write).
	XLSXRows int
	// Runs of each load; the fastest counts, as the machine may be busy
	// (default 3).
	Runs int
	// Log, if set, gets a line per step.
	Log io.Writer
}

// BenchResult is what Benchmark measured. Times are the least wall-clock
// time over the runs (open, load, close a new database file); CPU times
// the least user+system time of the process over the runs, which a busy
// machine disturbs less.
type BenchResult struct {
	Rows int
	// Kensho is kensho's ingest of the UTF-8 file, Bare DuckDB's own
	// CREATE TABLE ... AS SELECT * FROM read_csv of the same file.
	Kensho, KenshoCPU, Bare, BareCPU time.Duration
	// Ratio is Kensho / Bare (the target is at most 1.5); CPURatio the
	// same for CPU time.
	Ratio, CPURatio float64

	CP932         time.Duration
	CP932RowsPerS float64 // target ≥ 200,000
	XLSXRows      int
	XLSX          time.Duration
	XLSXRowsPerS  float64 // target ≥ 50,000
}

// Benchmark generates a UTF-8 CSV, a CP932 CSV and an XLSX file of valid
// reports and times kensho's ingest of each, and DuckDB's bare read_csv of
// the UTF-8 file into a table, in the same run, alternating the two.
func Benchmark(ctx context.Context, opt BenchOptions) (*BenchResult, error) {
	if opt.Rows <= 0 {
		opt.Rows = 1_000_000
	}
	if opt.XLSXRows <= 0 {
		opt.XLSXRows = 200_000
	}
	if opt.Runs <= 0 {
		opt.Runs = 3
	}
	logf := func(format string, args ...any) {
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, format+"\n", args...)
		}
	}
	dir := opt.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "kensho-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	const seed = 20261124
	files := []struct {
		name  string
		rows  int
		write func(io.Writer, int, uint64) error
	}{
		{fmt.Sprintf("bench-utf8-%d.csv", opt.Rows), opt.Rows, gen.WriteCSV},
		{fmt.Sprintf("bench-cp932-%d.csv", opt.Rows), opt.Rows, gen.WriteCP932CSV},
		{fmt.Sprintf("bench-%d.xlsx", opt.XLSXRows), opt.XLSXRows, gen.WriteXLSX},
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = filepath.Join(dir, f.name)
		if _, err := os.Stat(paths[i]); err == nil {
			continue
		}
		logf("writing %s", paths[i])
		if err := writeFile(paths[i], func(w io.Writer) error { return f.write(w, f.rows, seed) }); err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
	}
	db := filepath.Join(dir, "bench.duckdb")
	kensho := func(path string, rows int) func(context.Context) error {
		return func(ctx context.Context) error {
			return benchLoad(ctx, db, path, rows)
		}
	}
	bare := func(ctx context.Context) error {
		return benchBare(ctx, db, paths[0])
	}
	r := &BenchResult{Rows: opt.Rows, XLSXRows: opt.XLSXRows}
	for run := 1; run <= opt.Runs; run++ {
		wall, cpu, err := timed(ctx, kensho(paths[0], opt.Rows))
		if err != nil {
			return nil, err
		}
		logf("run %d: kensho ingest %v (cpu %v)", run, wall.Round(time.Millisecond), cpu.Round(time.Millisecond))
		r.Kensho, r.KenshoCPU = least(r.Kensho, wall), least(r.KenshoCPU, cpu)
		wall, cpu, err = timed(ctx, bare)
		if err != nil {
			return nil, err
		}
		logf("run %d: bare read_csv %v (cpu %v)", run, wall.Round(time.Millisecond), cpu.Round(time.Millisecond))
		r.Bare, r.BareCPU = least(r.Bare, wall), least(r.BareCPU, cpu)
	}
	r.Ratio = r.Kensho.Seconds() / r.Bare.Seconds()
	if r.BareCPU > 0 {
		r.CPURatio = r.KenshoCPU.Seconds() / r.BareCPU.Seconds()
	}
	for run := 1; run <= opt.Runs; run++ {
		wall, _, err := timed(ctx, kensho(paths[1], opt.Rows))
		if err != nil {
			return nil, err
		}
		logf("run %d: kensho ingest CP932 %v", run, wall.Round(time.Millisecond))
		r.CP932 = least(r.CP932, wall)
		wall, _, err = timed(ctx, kensho(paths[2], opt.XLSXRows))
		if err != nil {
			return nil, err
		}
		logf("run %d: kensho ingest XLSX %v", run, wall.Round(time.Millisecond))
		r.XLSX = least(r.XLSX, wall)
	}
	r.CP932RowsPerS = float64(opt.Rows) / r.CP932.Seconds()
	r.XLSXRowsPerS = float64(opt.XLSXRows) / r.XLSX.Seconds()
	os.Remove(db)
	os.Remove(db + ".wal")
	return r, nil
}

// least is the smaller of two durations; a zero a is unset.
func least(a, b time.Duration) time.Duration {
	if a == 0 || b < a {
		return b
	}
	return a
}

// WriteText prints the result as make bench shows it.
func (r *BenchResult) WriteText(w io.Writer) error {
	_, err := fmt.Fprintf(w, `ingest benchmark (%s rows; least time over the runs)
  UTF-8 CSV   kensho ingest %8.2f s  (cpu %.2f s)
              bare read_csv %8.2f s  (cpu %.2f s)
              ratio         %8.2f    (cpu %.2f; target ≤ 1.5)
  CP932 CSV   kensho ingest %8.2f s  %s rows/s (target ≥ 200,000)
  XLSX        kensho ingest %8.2f s  %s rows/s (target ≥ 50,000; %s rows)
`, thousands(int64(r.Rows)), r.Kensho.Seconds(), r.KenshoCPU.Seconds(), r.Bare.Seconds(), r.BareCPU.Seconds(),
		r.Ratio, r.CPURatio, r.CP932.Seconds(), thousands(int64(r.CP932RowsPerS)), r.XLSX.Seconds(),
		thousands(int64(r.XLSXRowsPerS)), thousands(int64(r.XLSXRows)))
	return err
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

// benchLoad loads one file into a new database with kensho's ingest.
func benchLoad(ctx context.Context, dbPath, path string, rows int) error {
	os.Remove(dbPath)
	os.Remove(dbPath + ".wal")
	db, err := duck.Open(ctx, dbPath, duck.Options{})
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
	os.Remove(dbPath)
	os.Remove(dbPath + ".wal")
	db, err := duck.Open(ctx, dbPath, duck.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE TABLE bare AS SELECT * FROM read_csv("+duck.QuoteString(path)+")"); err != nil {
		return fmt.Errorf("bench: bare read_csv: %w", err)
	}
	return db.Close()
}

// timed runs fn and returns its wall-clock and CPU time.
func timed(ctx context.Context, fn func(context.Context) error) (time.Duration, time.Duration, error) {
	c0 := cpuTime()
	t0 := time.Now()
	err := fn(ctx)
	return time.Since(t0), cpuTime() - c0, err
}

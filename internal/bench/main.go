// Command bench is kensho's benchmark suite (`make bench`). It generates its
// inputs with the synth package, runs DuckDB's own read_csv beside kensho's
// ingest on the same file in the same run and prints the ratio, then times
// whole builds at national and larger volume as subprocesses, reading their
// peak memory from what each build reports (its VmHWM). It prints a
// Markdown report that BENCHMARKS.md records.
//
// It measures; it asserts nothing. Targets are printed beside the figures.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/kensho-jp/kensho/ingest"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/synth"
)

func main() {
	var (
		work     = flag.String("work", ".bench", "working `DIR` for generated inputs and databases (reused between runs)")
		bin      = flag.String("kensho", "bin/kensho", "the kensho binary to time")
		rows     = flag.Int("rows", 1_000_000, "rows of the ingest comparison file")
		cp932    = flag.Int("cp932-rows", 500_000, "about this many rows of CP932 files for the CP932 throughput")
		xlsx     = flag.Int("xlsx-rows", 200_000, "about this many rows of XLSX files for the XLSX throughput")
		big      = flag.Bool("10m", true, "include the 10M-report build (several minutes)")
		doIngest = flag.Bool("ingest", true, "run the ingest comparisons")
		builds   = flag.Bool("builds", true, "run the whole builds")
		check    = flag.Bool("check", true, "time kensho check and the site's check page (headless chromium) on the ingest comparison's file")
		repeats  = flag.Int("repeat", 3, "runs of each ingest measurement (the median is reported)")
		bRepeats = flag.Int("build-repeat", 3, "runs of each build but the 10M one (the median run is reported, beside every wall)")
	)
	flag.Parse()
	ctx := context.Background()
	sizes := ingestSizes{utf8: *rows, cp932: *cp932, xlsx: *xlsx}
	reps := repeatCounts{ingest: *repeats, builds: *bRepeats}
	if err := run(ctx, *work, *bin, sizes, *big, reps, *doIngest, *builds, *check, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// ingestSizes are the rows of the ingest measurements' inputs.
type ingestSizes struct{ utf8, cp932, xlsx int }

// repeatCounts are the runs of each ingest measurement and of each build
// (the 10M build runs once).
type repeatCounts struct{ ingest, builds int }

func run(ctx context.Context, work, bin string, sizes ingestSizes, big bool, reps repeatCounts, doIngest, builds, check bool, out io.Writer) error {
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(out, "# kensho benchmarks\n\nmachine: %s, %d cores, %s\n\n", machine(), runtime.NumCPU(), time.Now().UTC().Format("2006-01-02"))
	if doIngest {
		if err := benchIngest(ctx, work, sizes, reps.ingest, out); err != nil {
			return err
		}
	}
	if check {
		csvPath, err := ingestFile(ctx, work, sizes.utf8)
		if err != nil {
			return err
		}
		if err := benchCheck(ctx, work, bin, csvPath, reps.ingest, out); err != nil {
			return err
		}
	}
	if builds {
		return benchBuilds(ctx, work, bin, big, reps.builds, out)
	}
	return nil
}

// ingestFile is the ingest comparison's UTF-8 file of rows rows, written
// once and kept in work.
func ingestFile(ctx context.Context, work string, rows int) (string, error) {
	csvPath := filepath.Join(work, fmt.Sprintf("ingest-%d.csv", rows))
	err := ensureFile(csvPath, func(w io.Writer) error {
		_, err := synth.WriteRows(ctx, synth.Config{Seed: 1, From: 2015, To: 2024, Scale: 1}, int64(rows), w)
		return err
	})
	return csvPath, err
}

// benchIngest compares kensho's ingest with DuckDB's bare read_csv on the
// same file, and measures CP932 and XLSX throughput.
func benchIngest(ctx context.Context, work string, sizes ingestSizes, repeats int, out io.Writer) error {
	rows := sizes.utf8

	// 1. Ingest vs DuckDB's bare read_csv on the same file.
	csvPath, err := ingestFile(ctx, work, rows)
	if err != nil {
		return err
	}
	base, err := median(repeats, func() (time.Duration, error) { return readCSV(ctx, work, csvPath) })
	if err != nil {
		return err
	}
	kt, err := median(repeats, func() (time.Duration, error) {
		d, _, err := ingestFiles(ctx, work, csvPath)
		return d, err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "## Ingest\n\n| measurement | rows | time | rows/s | ratio | target |\n|---|---:|---:|---:|---:|---|\n")
	fmt.Fprintf(out, "| DuckDB read_csv into a table (UTF-8) | %d | %s | %s | 1.00× | |\n", rows, secs(base), perSec(rows, base))
	fmt.Fprintf(out, "| kensho ingest (UTF-8) | %d | %s | %s | %.2f× | ≤ 1.5× |\n", rows, secs(kt), perSec(rows, kt), kt.Seconds()/base.Seconds())

	// CP932 and XLSX throughput.
	for _, f := range []struct {
		format, target string
		rows           int
	}{{"cp932", "≥ 200k/s", sizes.cp932}, {"xlsx", "≥ 50k/s", sizes.xlsx}} {
		dir := filepath.Join(work, fmt.Sprintf("ingest-%s-%d", f.format, f.rows))
		files, err := ensureDir(dir, func() error {
			// One fiscal year at scale 1 is about 58,000 reports.
			_, err := synth.Generate(ctx, synth.Config{Seed: 2, From: 2024, To: 2024, Scale: float64(f.rows) / 58_000, Format: f.format, Layout: "export"}, dir)
			return err
		})
		if err != nil {
			return err
		}
		var n, nfiles int
		d, err := median(repeats, func() (time.Duration, error) {
			d, rep, err := ingestFiles(ctx, work, files...)
			n, nfiles = rep.RowsRead, len(rep.Files)
			return d, err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "| kensho ingest (%s, %d files) | %d | %s | %s | | %s |\n", strings.ToUpper(f.format), nfiles, n, secs(d), perSec(n, d), f.target)
	}

	return nil
}

// benchBuilds times whole builds, as subprocesses, with their peak RSS.
// Each build but the 10M one runs repeats times: identical builds on this
// kind of shared machine have varied by up to half, so the median run is
// reported (with its stages) beside every wall, and the highest peak RSS
// of the runs.
func benchBuilds(ctx context.Context, work, bin string, big bool, repeats int, out io.Writer) error {
	type size struct {
		name   string
		scale  float64
		limit  string
		target string
		runs   int
	}
	// Ten fiscal years at scale 1 are about 580,000 reports.
	sizes := []size{
		{"100k", 100_000.0 / 580_000, "", "", repeats},
		{"national (scale 1, 10 FY)", 1, "", "≤ 15 s, ≤ 1.5 GB", repeats},
		{"1M", 1_000_000.0 / 580_000, "", "", repeats},
	}
	if big {
		sizes = append(sizes, size{"10M", 10_000_000.0 / 580_000, "3.5GB", "≤ 180 s, ≤ 4 GB", 1})
	}
	results := map[string]*buildResult{}
	fmt.Fprintf(out, "\n## Whole build (`kensho build`)\n\n| input | reports | runs | wall (median) | walls, sorted (s) | peak RSS (highest) | ingest | deidentify | analytics | protect | site | target |\n|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|\n")
	for _, s := range sizes {
		dir := filepath.Join(work, "build-"+strings.Fields(s.name)[0])
		if _, err := ensureDir(dir, func() error {
			_, err := synth.Generate(ctx, synth.Config{Seed: 3, From: 2015, To: 2024, Scale: s.scale, Format: "csv", Layout: "export"}, dir)
			return err
		}); err != nil {
			return err
		}
		var runs []*buildResult
		for range max(s.runs, 1) {
			res, err := timeBuild(ctx, bin, work, dir, s.limit)
			if err != nil {
				return fmt.Errorf("build %s: %w", s.name, err)
			}
			runs = append(runs, res)
		}
		sort.Slice(runs, func(i, j int) bool { return runs[i].wall < runs[j].wall })
		res := runs[len(runs)/2]
		walls := make([]string, len(runs))
		var peak int64
		for i, r := range runs {
			walls[i] = fmt.Sprintf("%.1f", r.wall.Seconds())
			peak = max(peak, r.maxRSS)
		}
		fmt.Fprintf(out, "| %s | %d | %d | %s | %s | %.2f GB | %s | %s | %s | %s | %s | %s |\n", s.name, res.summary.RowsRead, len(runs),
			secs(res.wall), strings.Join(walls, ", "), float64(peak)/(1<<30), stage(res, "ingest"), stage(res, "deidentify"),
			stage(res, "analytics"), stage(res, "protect"), stage(res, "site"), s.target)
		results[strings.Fields(s.name)[0]] = res
	}
	writeGrowth(out, results)
	writeRSS(out, results)
	return nil
}

// writeRSS prints the build's peak resident memory as it stood after each
// stage: the stage that raised it is the first with the higher figure.
func writeRSS(out io.Writer, results map[string]*buildResult) {
	fmt.Fprintf(out, "\n## Peak RSS after each stage (the median run)\n\n| input | ingest | deidentify | analytics | protect | site |\n|---|---:|---:|---:|---:|---:|\n")
	for _, size := range []string{"100k", "national", "1M", "10M"} {
		r, ok := results[size]
		if !ok {
			continue
		}
		fmt.Fprintf(out, "| %s |", size)
		for _, name := range []string{"ingest", "deidentify", "analytics", "protect", "site"} {
			v := "–"
			for _, st := range r.summary.Stages {
				if st.Name == name && st.PeakRSS > 0 {
					v = fmt.Sprintf("%.2f GB", float64(st.PeakRSS)/(1<<30))
				}
			}
			fmt.Fprintf(out, " %s |", v)
		}
		fmt.Fprintln(out)
	}
}

// writeGrowth prints how each stage's time grows with ten times the
// reports: a factor near 10 is linear, below it the stage has fixed costs
// (or, like protect, grows with cells rather than rows).
func writeGrowth(out io.Writer, results map[string]*buildResult) {
	steps := [][2]string{{"100k", "1M"}, {"1M", "10M"}}
	fmt.Fprintf(out, "\n## Growth per stage\n\n| stage | 100k | 1M | 10M | ×(100k→1M) | ×(1M→10M) |\n|---|---:|---:|---:|---:|---:|\n")
	for _, name := range []string{"ingest", "deidentify", "analytics", "protect", "site", "total"} {
		secsOf := func(size string) (float64, bool) {
			r, ok := results[size]
			if !ok {
				return 0, false
			}
			if name == "total" {
				return r.wall.Seconds(), true
			}
			for _, st := range r.summary.Stages {
				if st.Name == name {
					return st.Seconds, true
				}
			}
			return 0, false
		}
		fmt.Fprintf(out, "| %s |", name)
		for _, size := range []string{"100k", "1M", "10M"} {
			if v, ok := secsOf(size); ok {
				fmt.Fprintf(out, " %.1fs |", v)
			} else {
				fmt.Fprint(out, " – |")
			}
		}
		for _, st := range steps {
			a, okA := secsOf(st[0])
			b, okB := secsOf(st[1])
			if okA && okB && a > 0 {
				fmt.Fprintf(out, " %.1f× |", b/a)
			} else {
				fmt.Fprint(out, " – |")
			}
		}
		fmt.Fprintln(out)
	}
}

// ensureFile writes path with gen unless it already exists (inputs are
// deterministic for their seed, so a previous run's file is the same file).
func ensureFile(path string, gen func(io.Writer) error) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	tmp := path + ".partial"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := gen(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// ensureDir fills dir with gen unless a previous run completed it, and
// returns its files, sorted.
func ensureDir(dir string, gen func() error) ([]string, error) {
	done := filepath.Join(dir, ".complete")
	if _, err := os.Stat(done); err != nil {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		if err := gen(); err != nil {
			return nil, err
		}
		if err := os.WriteFile(done, nil, 0o644); err != nil {
			return nil, err
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(files) // deterministic order
	return files, nil
}

// freshDB returns the path of a database in work, removing any earlier one.
func freshDB(work, name string) string {
	path := filepath.Join(work, name+".duckdb")
	os.Remove(path)
	os.Remove(path + ".wal")
	return path
}

// readCSV is the reference: DuckDB's own reader into a table, nothing else.
func readCSV(ctx context.Context, work, csvPath string) (time.Duration, error) {
	path := freshDB(work, "readcsv")
	db, err := duck.Open(ctx, path, duck.Options{})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	start := time.Now()
	_, err = db.ExecContext(ctx, "CREATE TABLE t AS SELECT * FROM read_csv("+duck.QuoteString(csvPath)+", header = true)")
	return time.Since(start), err
}

// ingestFiles times kensho's ingest of paths into a fresh database and
// returns its report.
func ingestFiles(ctx context.Context, work string, paths ...string) (time.Duration, *ingest.Report, error) {
	path := freshDB(work, "ingest")
	db, err := duck.Open(ctx, path, duck.Options{})
	if err != nil {
		return 0, nil, err
	}
	defer db.Close()
	start := time.Now()
	rep, err := ingest.Load(ctx, db, paths, ingest.Config{})
	d := time.Since(start)
	if err != nil {
		return 0, nil, err
	}
	if rep.Rejected() || rep.RowsQuarantined > 0 {
		return 0, nil, fmt.Errorf("ingest of benchmark input quarantined %d rows (rejected: %v)", rep.RowsQuarantined, rep.Rejected())
	}
	return d, rep, nil
}

type buildResult struct {
	wall    time.Duration
	maxRSS  int64 // bytes
	summary struct {
		RowsRead int `json:"rows_read"`
		Stages   []struct {
			Name    string  `json:"name"`
			Seconds float64 `json:"seconds"`
			PeakRSS int64   `json:"peak_rss_bytes"`
		} `json:"stages"`
	}
}

func timeBuild(ctx context.Context, bin, work, in, memLimit string) (*buildResult, error) {
	db := freshDB(work, "build")
	out := filepath.Join(work, "public")
	args := []string{"build", "--json", "--in", in, "--out", out, "--db", db, "--release-date", "2025-06-30"}
	if memLimit != "" {
		args = append(args, "--memory-limit", memLimit, "--temp-dir", filepath.Join(work, "spill"))
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout strings.Builder
	cmd.Stdout = &stdout
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return nil, err
	}
	res := &buildResult{wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.maxRSS = ru.Maxrss * 1024 // Linux reports KiB
	}
	if err := json.Unmarshal([]byte(stdout.String()), &res.summary); err != nil {
		return nil, fmt.Errorf("reading build summary: %w", err)
	}
	// The child's own high-water mark (VmHWM, read by kensho after each
	// stage): the rusage of a child can start from the parent's resident
	// set at fork, and this process holds the ingest benchmarks' memory.
	if peak := res.peakStage(); peak > 0 {
		res.maxRSS = peak
	}
	return res, nil
}

// peakStage is the highest peak RSS the build reported after a stage.
func (r *buildResult) peakStage() int64 {
	var peak int64
	for _, s := range r.summary.Stages {
		peak = max(peak, s.PeakRSS)
	}
	return peak
}

func stage(r *buildResult, name string) string {
	for _, s := range r.summary.Stages {
		if s.Name == name {
			return fmt.Sprintf("%.1fs", s.Seconds)
		}
	}
	return "–"
}

func median(n int, f func() (time.Duration, error)) (time.Duration, error) {
	var ds []time.Duration
	for i := 0; i < n; i++ {
		d, err := f()
		if err != nil {
			return 0, err
		}
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], nil
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

func perSec(rows int, d time.Duration) string {
	return fmt.Sprintf("%.0fk", float64(rows)/d.Seconds()/1000)
}

func machine() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOOS + "/" + runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "model name") {
			if i := strings.Index(line, ":"); i >= 0 {
				return strings.TrimSpace(line[i+1:])
			}
		}
	}
	return runtime.GOOS + "/" + runtime.GOARCH
}

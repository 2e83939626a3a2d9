// Command bench is kensho's benchmark suite (`make bench`). It generates its
// inputs with the synth package, runs DuckDB's own read_csv beside kensho's
// ingest on the same file in the same run and prints the ratio, ingests one
// fiscal year as per-operator files and as export files alternately and
// prints that ratio, then times whole builds at national and larger volume
// as subprocesses (national volume both as the regulator's exports and as
// the operators' own files in mixed formats, and a quarter's increment),
// reading their peak memory from what each build reports (its VmHWM). It
// prints a Markdown report that BENCHMARKS.md records.
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
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kensho-jp/kensho/ingest"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/internal/gen"
	"github.com/kensho-jp/kensho/synth"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

func main() {
	var (
		work     = flag.String("work", ".bench", "working `DIR` for generated inputs and databases (reused between runs)")
		bin      = flag.String("kensho", "bin/kensho", "the kensho binary to time")
		rows     = flag.Int("rows", 1_000_000, "rows of the ingest comparison file (UTF-8, and the same rows as CP932 and XLSX)")
		shape    = flag.Float64("shape-scale", 1, "scale of the fiscal year ingested as per-operator and as export files")
		national = flag.Float64("national-scale", 1, "scale of the ten fiscal years ingested as per-operator files in mixed formats and as export files, and of the quarter's increment (1 is national volume)")
		big      = flag.Bool("10m", true, "include the 10M-report build (several minutes)")
		doIngest = flag.Bool("ingest", true, "run the ingest comparisons")
		builds   = flag.Bool("builds", true, "run the whole builds")
		check    = flag.Bool("check", true, "time kensho check and the site's check page (headless chromium) on the ingest comparison's file")
		repeats  = flag.Int("repeat", 3, "runs of each ingest measurement (the median is reported)")
		bRepeats = flag.Int("build-repeat", 3, "runs of each build but the 10M one (the median run is reported, beside every wall)")
		only     = flag.String("build-sizes", "100k,national,national-operator,1M,increment", "comma-separated `LIST` of the whole builds to run, of 100k, national, national-operator, 1M and increment (the quarter's increment; it needs national-operator's files, written when missing); -10m adds the 10M build")
	)
	flag.Parse()
	ctx := context.Background()
	sizes := ingestSizes{utf8: *rows, shapeScale: *shape, nationalScale: *national}
	reps := repeatCounts{ingest: *repeats, builds: *bRepeats}
	picked, err := buildSet(*only, *big)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if err := run(ctx, *work, *bin, sizes, picked, reps, *doIngest, *builds, *check, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// ingestSizes are the rows of the ingest measurements' input, the scale
// of the fiscal year loaded as per-operator and as export files, and the
// scale of the ten years loaded in both shapes and as a quarter's
// increment.
type ingestSizes struct {
	utf8          int
	shapeScale    float64
	nationalScale float64
}

// repeatCounts are the runs of each ingest measurement and of each build
// (the 10M build runs once).
type repeatCounts struct{ ingest, builds int }

// buildKeys are the whole builds the bench can run, in the order it runs them.
var buildKeys = []string{"100k", "national", "national-operator", "1M", "10M", "increment"}

// buildSet reads -build-sizes: the builds to run, by key.
func buildSet(list string, big bool) (map[string]bool, error) {
	set := map[string]bool{}
	for _, k := range strings.Split(list, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if !slices.Contains(buildKeys, k) || k == "10M" {
			return nil, fmt.Errorf("-build-sizes: %q is not a build; give some of 100k, national, national-operator, 1M, increment (the 10M build is -10m)", k)
		}
		set[k] = true
	}
	set["10M"] = big
	return set, nil
}

func run(ctx context.Context, work, bin string, sizes ingestSizes, picked map[string]bool, reps repeatCounts, doIngest, builds, check bool, out io.Writer) error {
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(out, "# kensho benchmarks\n\nmachine: %s, %d cores, %s\n\n", machine(), runtime.NumCPU(), time.Now().UTC().Format("2006-01-02"))
	if doIngest {
		if err := benchIngest(ctx, work, bin, sizes, reps.ingest, out); err != nil {
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
		return benchBuilds(ctx, work, bin, picked, reps.builds, out)
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
// same file, and the same rows as CP932 and as XLSX with UTF-8, then runs
// the per-operator/export comparison.
func benchIngest(ctx context.Context, work, bin string, sizes ingestSizes, repeats int, out io.Writer) error {
	rows := sizes.utf8
	csvPath, err := ingestFile(ctx, work, rows)
	if err != nil {
		return err
	}
	// The same rows as CP932 and as a workbook: what differs is only the
	// encoding, or the format.
	twins := []struct{ name, path string }{{"UTF-8", csvPath}, {"CP932", strings.TrimSuffix(csvPath, ".csv") + ".cp932.csv"},
		{"XLSX", strings.TrimSuffix(csvPath, ".csv") + ".xlsx"}}
	if err := ensureFile(twins[1].path, func(w io.Writer) error {
		f, err := os.Open(csvPath)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(transform.NewWriter(w, japanese.ShiftJIS.NewEncoder()), f)
		return err
	}); err != nil {
		return err
	}
	if err := ensureFile(twins[2].path, func(w io.Writer) error {
		f, err := os.Open(csvPath)
		if err != nil {
			return err
		}
		defer f.Close()
		return gen.CSVToXLSX(w, f)
	}); err != nil {
		return err
	}

	// Ingest vs DuckDB's bare read_csv on the same file, then the twins,
	// alternately.
	base, err := median(repeats, func() (time.Duration, error) { return readCSV(ctx, work, csvPath) })
	if err != nil {
		return err
	}
	times, _, err := ingestAlternately(ctx, work, repeats, []string{twins[0].path}, []string{twins[1].path}, []string{twins[2].path})
	if err != nil {
		return err
	}
	peaks := make([]string, len(twins))
	for i, tw := range twins {
		peaks[i] = "–"
		if peak, err := ingestPeak(ctx, bin, work, tw.path); err == nil && peak > 0 {
			peaks[i] = fmt.Sprintf("%.2f GB", float64(peak)/(1<<30))
		} else if err != nil {
			fmt.Fprintf(os.Stderr, "bench: peak memory of %s: %v\n", tw.name, err)
		}
	}
	u8, cp, xl := times[0], times[1], times[2]
	fmt.Fprintf(out, "## Ingest\n\n| measurement | rows | time | rows/s | ratio | target | peak RSS |\n|---|---:|---:|---:|---:|---|---:|\n")
	fmt.Fprintf(out, "| DuckDB read_csv into a table (UTF-8) | %d | %s | %s | 1.00× | | |\n", rows, secs(base), perSec(rows, base))
	fmt.Fprintf(out, "| kensho ingest (UTF-8) | %d | %s | %s | %.2f× read_csv | ≤ 1.5× | %s |\n", rows, secs(u8), perSec(rows, u8), u8.Seconds()/base.Seconds(), peaks[0])
	fmt.Fprintf(out, "| kensho ingest (CP932, the same rows) | %d | %s | %s | %.2f× UTF-8 | ≤ 1.25× | %s |\n", rows, secs(cp), perSec(rows, cp), cp.Seconds()/u8.Seconds(), peaks[1])
	fmt.Fprintf(out, "| kensho ingest (XLSX, the same rows) | %d | %s | %s | %.2f× UTF-8 | ≥ 50k/s | %s |\n", rows, secs(xl), perSec(rows, xl), xl.Seconds()/u8.Seconds(), peaks[2])
	if err := benchShapes(ctx, work, sizes.shapeScale, repeats, out); err != nil {
		return err
	}
	return benchNationalIngest(ctx, work, sizes.nationalScale, repeats, out)
}

// ingestPeak runs kensho ingest on path in a process of its own and
// returns its peak resident memory (VmHWM, which kensho writes where
// KENSHO_TEST_PEAK_FILE says).
func ingestPeak(ctx context.Context, bin, work, path string) (int64, error) {
	peakFile := filepath.Join(work, "peak")
	os.Remove(peakFile)
	cmd := exec.CommandContext(ctx, bin, "ingest", "--db", freshDB(work, "peak"), path)
	cmd.Env = append(os.Environ(), "KENSHO_TEST_PEAK_FILE="+peakFile)
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("%w: %s", err, lastLines(string(out), 5))
	}
	b, err := os.ReadFile(peakFile)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}

// lastLines is the end of a command's output, for an error.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}

// benchShapes ingests the same reports of one fiscal year as the
// operators send them (one file per operator, quarter and form) and as
// the regulator's export (one file per quarter), alternately in one run,
// and prints the ratio: the per-file cost of a load.
func benchShapes(ctx context.Context, work string, scale float64, repeats int, out io.Writer) error {
	var dirs [2][]string
	for i, layout := range []string{"operator", "export"} {
		dir := filepath.Join(work, fmt.Sprintf("shape-%s-%g", layout, scale))
		files, err := ensureDir(dir, func() error {
			_, err := synth.Generate(ctx, synth.Config{Seed: 31, From: 2024, To: 2024, Scale: scale, Format: "csv", Layout: layout}, dir)
			return err
		})
		if err != nil {
			return err
		}
		dirs[i] = files
	}
	times, reps, err := ingestAlternately(ctx, work, repeats, dirs[0], dirs[1])
	if err != nil {
		return err
	}
	op, ex := times[0], times[1]
	fmt.Fprintf(out, "| kensho ingest (UTF-8, FY2024, %d per-operator files) | %d | %s | %s | %.2f× export | ≤ 1.3× | |\n",
		len(reps[0].Files), reps[0].RowsRead, secs(op), perSec(reps[0].RowsRead, op), op.Seconds()/ex.Seconds())
	fmt.Fprintf(out, "| kensho ingest (UTF-8, FY2024, %d export files) | %d | %s | %s | 1.00× | | |\n",
		len(reps[1].Files), reps[1].RowsRead, secs(ex), perSec(reps[1].RowsRead, ex))
	return nil
}

// The two shapes of ten fiscal years (FY2015–FY2024, seed 3): the
// regulator's export (UTF-8 CSV, one file per quarter) and the operators'
// own submissions (one file per operator, quarter and form, in UTF-8,
// CP932 and XLSX with title rows).
var nationalShapes = []struct{ key, format, layout string }{
	{"national", "csv", "export"},
	{"national-operator", "mixed", "operator"},
}

// tenYears generates (once) into dir the ten fiscal years FY2015–FY2024
// at scale, seed 3, in the given format and layout, and returns the files.
func tenYears(ctx context.Context, dir string, scale float64, format, layout string) ([]string, error) {
	return ensureDir(dir, func() error {
		_, err := synth.Generate(ctx, synth.Config{Seed: 3, From: 2015, To: 2024, Scale: scale, Format: format, Layout: layout}, dir)
		return err
	})
}

// benchNationalIngest ingests ten fiscal years as the export and as the
// operators' files in mixed formats, alternately, and prints the ratio;
// then the ingest of a quarter's increment (see incrementInputs) beside
// the ingest of the same files into a new database. These are the ingest
// halves of the whole builds' comparisons, which they repeat without the
// stages after ingest.
func benchNationalIngest(ctx context.Context, work string, scale float64, repeats int, out io.Writer) error {
	var dirs [2]string
	var files [2]int
	for i, sh := range nationalShapes {
		// At scale 1, the whole builds' inputs.
		dir := filepath.Join(work, "build-"+sh.key)
		if scale != 1 {
			dir = fmt.Sprintf("%s-%g", dir, scale)
		}
		fs, err := tenYears(ctx, dir, scale, sh.format, sh.layout)
		if err != nil {
			return err
		}
		dirs[i] = dir
		files[i] = countFiles(fs)
	}
	times, reps, err := ingestAlternately(ctx, work, repeats, []string{dirs[0]}, []string{dirs[1]})
	if err != nil {
		return err
	}
	ex, op := times[0], times[1]
	fmt.Fprintf(out, "| kensho ingest (10 FY at scale %g, %d per-operator files: UTF-8, CP932, XLSX) | %d | %s | %s | %.2f× export | ≤ 1.3× | |\n",
		scale, files[1], reps[1].RowsRead, secs(op), perSec(reps[1].RowsRead, op), op.Seconds()/ex.Seconds())
	fmt.Fprintf(out, "| kensho ingest (10 FY at scale %g, %d export files) | %d | %s | %s | 1.00× | | |\n",
		scale, files[0], reps[0].RowsRead, secs(ex), perSec(reps[0].RowsRead, ex))

	// The quarter's increment, ingest only.
	inc, err := incrementInputs(work, dirs[1])
	if err != nil {
		return err
	}
	baseDB := freshDB(work, "increment-ingest-base")
	if _, _, err := ingestInto(ctx, baseDB, inc.base...); err != nil {
		return fmt.Errorf("increment base: %w", err)
	}
	var scratch, incr []time.Duration
	var scratchRep, incrRep *ingest.Report
	for range max(repeats, 1) {
		d, rep, err := ingestFiles(ctx, work, inc.everything...)
		if err != nil {
			return err
		}
		scratch, scratchRep = append(scratch, d), rep
		db := freshDB(work, "ingest")
		if err := copyFile(baseDB, db); err != nil {
			return err
		}
		if d, rep, err = ingestInto(ctx, db, inc.everything...); err != nil {
			return err
		}
		incr, incrRep = append(incr, d), rep
	}
	s, i := medianOf(scratch), medianOf(incr)
	fmt.Fprintf(out, "| kensho ingest of every file of the 10 FY and a correction, new database | %d | %s | %s | 1.00× | | |\n",
		scratchRep.RowsRead, secs(s), perSec(scratchRep.RowsRead, s))
	fmt.Fprintf(out, "| the same files on a database of %s: a quarter's increment (%d new files, %d skipped) | %d | %s | %s | %.2f× new database | | |\n",
		inc.span, countStatus(incrRep, ""), countStatus(incrRep, ingest.StatusSkipped), incrRep.RowsRead, secs(i), perSec(incrRep.RowsRead, i), i.Seconds()/s.Seconds())
	return nil
}

// countStatus counts a report's files of a status, or not skipped when
// status is "".
func countStatus(rep *ingest.Report, status string) int {
	n := 0
	for _, f := range rep.Files {
		if f.Status == status || status == "" && f.Status != ingest.StatusSkipped {
			n++
		}
	}
	return n
}

// increment is a quarter's increment of per-operator files: base is the
// files of every year but the last and of the last year's first three
// quarters; everything adds the fourth quarter and a correction of the
// second.
type increment struct {
	base, everything []string
	newFiles, corr   []string
	span             string // "FY2015 to FY2024 Q3"
}

// incrementInputs splits dir (FY*/Q*/ files) into an increment, writing
// the correction file into work once.
func incrementInputs(work, dir string) (*increment, error) {
	years, err := filepath.Glob(filepath.Join(dir, "FY*"))
	if err != nil || len(years) == 0 {
		return nil, fmt.Errorf("increment: no fiscal years in %s", dir)
	}
	sort.Strings(years)
	last := years[len(years)-1]
	quarters, err := filepath.Glob(filepath.Join(last, "Q*"))
	if err != nil || len(quarters) != 4 {
		return nil, fmt.Errorf("increment: %s has %d quarters, want 4", last, len(quarters))
	}
	sort.Strings(quarters)
	corrDir := filepath.Join(work, "increment-correction-"+filepath.Base(dir))
	corr, err := ensureDir(corrDir, func() error { return gen.Correction(quarters[1], corrDir) })
	if err != nil {
		return nil, err
	}
	newFiles, err := filepath.Glob(filepath.Join(quarters[3], "*"))
	if err != nil {
		return nil, err
	}
	return &increment{
		base:       append(append([]string{}, years[:len(years)-1]...), quarters[:3]...),
		everything: append(append([]string{}, years...), corrDir),
		newFiles:   newFiles,
		corr:       corr,
		span:       fmt.Sprintf("%s to %s Q3", filepath.Base(years[0]), filepath.Base(last)),
	}, nil
}

// benchBuilds times whole builds, as subprocesses, with their peak RSS.
// Each build but the 10M one runs repeats times: identical builds on this
// kind of shared machine have varied by up to half, so the median run is
// reported (with its stages) beside every wall, and the highest peak RSS
// of the runs.
func benchBuilds(ctx context.Context, work, bin string, picked map[string]bool, repeats int, out io.Writer) error {
	type size struct {
		name, key      string
		scale          float64
		format, layout string
		limit          string
		target         string
		runs           int
	}
	// Ten fiscal years at scale 1 are about 580,000 reports.
	sizes := []size{
		{"100k", "100k", 100_000.0 / 580_000, "csv", "export", "", "", repeats},
		{"national (scale 1, 10 FY)", "national", 1, "csv", "export", "", "≤ 10 s, ≤ 1.5 GB", repeats},
		{"national, per-operator files (mixed formats)", "national-operator", 1, "mixed", "operator", "", "≤ 13 s, ≤ 1.5 GB", repeats},
		{"1M", "1M", 1_000_000.0 / 580_000, "csv", "export", "", "", repeats},
	}
	sizes = append(sizes, size{"10M", "10M", 10_000_000.0 / 580_000, "csv", "export", "3.5GB", "≤ 180 s, ≤ 4 GB", 1})
	sizes = slices.DeleteFunc(sizes, func(s size) bool { return !picked[s.key] })
	results := map[string]*buildResult{}
	fmt.Fprintf(out, "\n## Whole build (`kensho build`)\n\n| input | files | reports | runs | wall (median) | walls, sorted (s) | peak RSS (highest) | ingest | deidentify | analytics | protect | site | target |\n|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|\n")
	for _, s := range sizes {
		dir := filepath.Join(work, "build-"+s.key)
		files, err := tenYears(ctx, dir, s.scale, s.format, s.layout)
		if err != nil {
			return err
		}
		res, err := timeBuilds(ctx, bin, work, []string{dir}, s.limit, "", max(s.runs, 1))
		if err != nil {
			return fmt.Errorf("build %s: %w", s.name, err)
		}
		fmt.Fprintf(out, "| %s | %d | %d | %s | %s | %s |\n", s.name, countFiles(files), res.summary.RowsRead, res.line(), stageCells(res), s.target)
		results[s.key] = res
	}
	if ex, op := results["national"], results["national-operator"]; ex != nil && op != nil {
		fmt.Fprintf(out, "\nPer-operator files against the export, national volume (medians): ingest %s against %s = %.2f×; whole build %s against %s = %.2f×.\n",
			stage(op, "ingest"), stage(ex, "ingest"), stageSecs(op, "ingest")/stageSecs(ex, "ingest"),
			secs(op.wall), secs(ex.wall), op.wall.Seconds()/ex.wall.Seconds())
	}
	writeGrowth(out, results)
	writeRSS(out, results)
	if !picked["increment"] {
		return nil
	}
	dir := filepath.Join(work, "build-national-operator")
	if _, err := tenYears(ctx, dir, 1, "mixed", "operator"); err != nil {
		return err
	}
	return benchIncrement(ctx, work, bin, dir, repeats, out)
}

// benchIncrement times the quarterly cycle: a database that holds nine and
// three quarter years of per-operator files receives the last quarter's
// files and a correction of an earlier quarter. The build is given every
// file, as a user would (it skips the files it loaded, by hash), and is
// timed beside a build of the same files into a new database.
func benchIncrement(ctx context.Context, work, bin, dir string, repeats int, out io.Writer) error {
	inc, err := incrementInputs(work, dir)
	if err != nil {
		return err
	}
	// The database of the first nine and three quarter years, built by
	// the binary being timed.
	baseDB := freshDB(work, "increment-base")
	db := freshDB(work, "build")
	if _, err := timeBuild(ctx, bin, work, inc.base, "", db); err != nil {
		return fmt.Errorf("increment base: %w", err)
	}
	if err := copyFile(db, baseDB); err != nil {
		return err
	}
	scratch, err := timeBuilds(ctx, bin, work, inc.everything, "", "", repeats)
	if err != nil {
		return fmt.Errorf("increment, from scratch: %w", err)
	}
	incr, err := timeBuilds(ctx, bin, work, inc.everything, "", baseDB, repeats)
	if err != nil {
		return fmt.Errorf("increment: %w", err)
	}
	fmt.Fprintf(out, "\n## A quarter's increment (per-operator files)\n\n"+
		"A database holding %s of the per-operator files above receives %d files of Q4 and %d correction file of Q2; the build is given every file and skips those it loaded.\n\n"+
		"| build | reports read | runs | wall (median) | walls, sorted (s) | peak RSS (highest) | ingest | deidentify | analytics | protect | site |\n|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n",
		inc.span, len(inc.newFiles), len(inc.corr))
	fmt.Fprintf(out, "| from scratch | %d | %s | %s |\n", scratch.summary.RowsRead, scratch.line(), stageCells(scratch))
	fmt.Fprintf(out, "| increment | %d | %s | %s |\n", incr.summary.RowsRead, incr.line(), stageCells(incr))
	fmt.Fprintf(out, "\nThe increment takes %.2f× the time of a build from scratch; its ingest %.2f×, the stages after it %.2f×.\n",
		incr.wall.Seconds()/scratch.wall.Seconds(), stageSecs(incr, "ingest")/stageSecs(scratch, "ingest"),
		(incr.wall.Seconds()-stageSecs(incr, "ingest"))/(scratch.wall.Seconds()-stageSecs(scratch, "ingest")))
	return nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o600)
}

// countFiles counts the files below the paths given.
func countFiles(paths []string) int {
	n := 0
	for _, p := range paths {
		filepath.WalkDir(p, func(_ string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
				n++
			}
			return nil
		})
	}
	return n
}

// timeBuilds runs a build runs times (each from a copy of the database
// baseDB, or a new database when it is "") and returns the median run,
// with every wall and the highest peak RSS of the runs.
func timeBuilds(ctx context.Context, bin, work string, in []string, limit, baseDB string, runs int) (*buildResult, error) {
	var all []*buildResult
	for range runs {
		db := freshDB(work, "build")
		if baseDB != "" {
			if err := copyFile(baseDB, db); err != nil {
				return nil, err
			}
		}
		res, err := timeBuild(ctx, bin, work, in, limit, db)
		if err != nil {
			return nil, err
		}
		all = append(all, res)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].wall < all[j].wall })
	res := all[len(all)/2]
	for _, r := range all {
		res.walls = append(res.walls, r.wall)
		res.maxRSS = max(res.maxRSS, r.maxRSS)
	}
	return res, nil
}

// line is the runs, median wall, walls and peak RSS cells of a table row.
func (r *buildResult) line() string {
	walls := make([]string, len(r.walls))
	for i, w := range r.walls {
		walls[i] = fmt.Sprintf("%.1f", w.Seconds())
	}
	return fmt.Sprintf("%d | %s | %s | %.2f GB", len(r.walls), secs(r.wall), strings.Join(walls, ", "), float64(r.maxRSS)/(1<<30))
}

// stageCells are the stage times of a table row.
func stageCells(r *buildResult) string {
	var cells []string
	for _, name := range []string{"ingest", "deidentify", "analytics", "protect", "site"} {
		cells = append(cells, stage(r, name))
	}
	return strings.Join(cells, " | ")
}

// writeRSS prints the build's peak resident memory as it stood after each
// stage: the stage that raised it is the first with the higher figure.
func writeRSS(out io.Writer, results map[string]*buildResult) {
	fmt.Fprintf(out, "\n## Peak RSS after each stage (the median run)\n\n| input | ingest | deidentify | analytics | protect | site |\n|---|---:|---:|---:|---:|---:|\n")
	for _, size := range []string{"100k", "national", "national-operator", "1M", "10M"} {
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
	return ingestInto(ctx, freshDB(work, "ingest"), paths...)
}

// ingestAlternately ingests each input into a new database in turn,
// repeats times, and returns each input's median time and its report.
func ingestAlternately(ctx context.Context, work string, repeats int, inputs ...[]string) ([]time.Duration, []*ingest.Report, error) {
	times := make([][]time.Duration, len(inputs))
	reps := make([]*ingest.Report, len(inputs))
	for range max(repeats, 1) {
		for i, paths := range inputs {
			d, rep, err := ingestFiles(ctx, work, paths...)
			if err != nil {
				return nil, nil, err
			}
			times[i] = append(times[i], d)
			reps[i] = rep
		}
	}
	medians := make([]time.Duration, len(inputs))
	for i := range times {
		medians[i] = medianOf(times[i])
	}
	return medians, reps, nil
}

// ingestInto times kensho's ingest of paths into the database at path
// (new, or one that holds earlier loads) and returns its report.
func ingestInto(ctx context.Context, path string, paths ...string) (time.Duration, *ingest.Report, error) {
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
	walls   []time.Duration // of every run, when it is the median of several
	maxRSS  int64           // bytes
	summary struct {
		RowsRead int `json:"rows_read"`
		Stages   []struct {
			Name    string  `json:"name"`
			Seconds float64 `json:"seconds"`
			PeakRSS int64   `json:"peak_rss_bytes"`
		} `json:"stages"`
	}
}

func timeBuild(ctx context.Context, bin, work string, in []string, memLimit, db string) (*buildResult, error) {
	if db == "" {
		db = freshDB(work, "build")
	}
	out := filepath.Join(work, "public")
	args := []string{"build", "--json", "--out", out, "--db", db, "--release-date", "2025-06-30"}
	for _, p := range in {
		args = append(args, "--in", p)
	}
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

func stageSecs(r *buildResult, name string) float64 {
	for _, s := range r.summary.Stages {
		if s.Name == name {
			return s.Seconds
		}
	}
	return 0
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
	return medianOf(ds), nil
}

func medianOf(ds []time.Duration) time.Duration {
	ds = append([]time.Duration(nil), ds...)
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
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

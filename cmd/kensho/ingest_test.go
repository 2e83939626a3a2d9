package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kensho-jp/kensho/internal/gen"
	"github.com/kensho-jp/kensho/reportfile"
)

// peakLimit is the most memory one file's ingest may take.
const peakLimit = 1 << 30

// TestIngestHostileWorkbooks loads, beside a good file, each workbook of
// issue 17 in a subprocess: a shared-strings bomb (a few MB whose shared
// strings inflate to 1 GiB, and one to 10 GiB) and a sheet with 5 reports
// and then a million rows holding a stray cell each. Each run exits 1
// with a message that names what is wrong and the limit, the good file
// loads, and the process's peak memory stays under peakLimit.
func TestIngestHostileWorkbooks(t *testing.T) {
	if testing.Short() {
		t.Skip("writes workbooks of a few megabytes that inflate to gigabytes")
	}
	for _, tc := range []struct {
		name  string
		write func(io.Writer) error
		code  string
		words []string // in both messages
		ja    string   // in the Japanese one
	}{
		{"shared strings of 1 GiB", func(w io.Writer) error { return gen.SharedStringsBomb(w, 63_161_283) },
			reportfile.CodePartTooLarge, []string{"xl/sharedStrings.xml", "1 GiB", "128 MiB", "CSV"}, "上限"},
		{"shared strings of 10 GiB", func(w io.Writer) error { return gen.SharedStringsBomb(w, 631_612_830) },
			reportfile.CodePartTooLarge, []string{"xl/sharedStrings.xml", "10 GiB", "128 MiB", "CSV"}, "上限"},
		{"a million stray cells", func(w io.Writer) error { return gen.StrayCellWorkbook(w, 5, 1_000_000) },
			reportfile.CodeTooManyErrors, []string{"10,001", "AE", "7", "0"}, "値が AE 列に一つあるだけ"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			bad, good := filepath.Join(dir, "a.xlsx"), filepath.Join(dir, "b.csv")
			writeWith(t, bad, tc.write)
			writeWith(t, good, func(w io.Writer) error { return gen.WriteCSV(w, 50, 9) })
			if fi, err := os.Stat(bad); err != nil || fi.Size() > 32<<20 {
				t.Fatalf("the workbook is not small on disk: %v, %v", fi.Size(), err)
			}
			rep, peak, code := ingestSubprocess(t, dir, bad, good)
			if code != exitFailure {
				t.Errorf("exit status %d, want %d", code, exitFailure)
			}
			if len(rep.Files) != 2 || rep.Files[0].Status != "rejected" || rep.Files[1].Status != "loaded" || rep.Files[1].RowsLoaded != 50 {
				t.Fatalf("files: %+v", rep.Files)
			}
			if len(rep.Errors) != 1 || rep.Errors[0].Code != tc.code {
				t.Fatalf("errors: %+v", rep.Errors)
			}
			e := rep.Errors[0]
			for _, w := range tc.words {
				if !strings.Contains(e.MessageEn, w) || !strings.Contains(e.MessageJa, w) {
					t.Errorf("the messages do not say %q:\n%s\n%s", w, e.MessageJa, e.MessageEn)
				}
			}
			if !strings.Contains(e.MessageJa, tc.ja) {
				t.Errorf("the Japanese message does not say %q:\n%s", tc.ja, e.MessageJa)
			}
			if peak <= 0 || peak >= peakLimit {
				t.Errorf("peak memory %.0f MiB, want under %.0f MiB", float64(peak)/(1<<20), float64(peakLimit)/(1<<20))
			}
			t.Logf("peak %.0f MiB; %s", float64(peak)/(1<<20), e.MessageEn)
		})
	}
}

func writeWith(t *testing.T, path string, write func(io.Writer) error) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := write(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// ingestReport is the part of kensho ingest --json the tests read.
type ingestReport struct {
	Files []struct {
		Path       string `json:"path"`
		Status     string `json:"status"`
		RowsLoaded int    `json:"rows_loaded"`
	} `json:"files"`
	Errors []reportfile.Error `json:"errors"`
}

// ingestSubprocess runs kensho ingest --json on paths in a process of its
// own and returns its report, its peak resident memory and exit status.
func ingestSubprocess(t *testing.T, dir string, paths ...string) (ingestReport, int64, int) {
	t.Helper()
	peakFile := filepath.Join(dir, "peak")
	args := append([]string{"ingest", "--json", "--db", filepath.Join(dir, "k.duckdb")}, paths...)
	// Minutes, not seconds, on a loaded machine: a file read without
	// its limits takes far longer, and fails here rather than hangs.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "KENSHO_TEST_MAIN=1", "KENSHO_TEST_PEAK_FILE="+peakFile)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatalf("kensho ingest did not finish in time\n%s", stderr.String())
	}
	var rep ingestReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("kensho ingest --json: %v\n%s\n%s", err, out, stderr.String())
	}
	b, err := os.ReadFile(peakFile)
	if err != nil {
		t.Fatal(err)
	}
	peak, _ := strconv.ParseInt(string(b), 10, 64)
	return rep, peak, code
}

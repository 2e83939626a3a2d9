package ingest

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/internal/gen"
	"github.com/kensho-jp/kensho/synth"
)

// TestQuarterIncrementIsLikeFromScratch: the quarterly cycle. A database
// holds the operators' files up to the third quarter of the last year; the
// next load is given every file, the fourth quarter and a correction of
// the second quarter with them. It loads only the new files (the others
// are skipped by their hash), and its tables are those of a load of every
// file into a new database.
func TestQuarterIncrementIsLikeFromScratch(t *testing.T) {
	if testing.Short() {
		t.Skip("generates two years of per-operator files")
	}
	ctx := context.Background()
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	if _, err := synth.Generate(ctx, synth.Config{Seed: 3, From: 2023, To: 2024, Scale: 0.02, Format: "mixed", Layout: "operator"}, in); err != nil {
		t.Fatal(err)
	}
	quarters, err := filepath.Glob(filepath.Join(in, "FY2024", "Q*"))
	if err != nil || len(quarters) != 4 {
		t.Fatalf("FY2024 has quarters %v (%v)", quarters, err)
	}
	sort.Strings(quarters)
	corr := filepath.Join(dir, "correction")
	if err := os.Mkdir(corr, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := gen.Correction(quarters[1], corr); err != nil {
		t.Fatal(err)
	}
	base := append([]string{filepath.Join(in, "FY2023")}, quarters[:3]...)
	everything := []string{filepath.Join(in, "FY2023"), filepath.Join(in, "FY2024"), corr}
	newFiles, err := filepath.Glob(filepath.Join(quarters[3], "*"))
	if err != nil || len(newFiles) == 0 {
		t.Fatalf("no files in %s (%v)", quarters[3], err)
	}

	scratch := duck.MustOpenMemory(t)
	if _, err := Load(ctx, scratch, everything, Config{Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	incr := duck.MustOpenMemory(t)
	if _, err := Load(ctx, incr, base, Config{Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	rep, err := Load(ctx, incr, everything, Config{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, rep)
	loaded, skipped := 0, 0
	for _, f := range rep.Files {
		switch f.Status {
		case StatusSkipped:
			skipped++
		case StatusLoaded:
			loaded++
		default:
			t.Errorf("%s: %s", f.Path, f.Status)
		}
	}
	if loaded != len(newFiles)+1 || skipped != len(rep.Files)-loaded {
		t.Errorf("the increment loaded %d files and skipped %d; want the %d new files and the correction loaded, the rest skipped",
			loaded, skipped, len(newFiles))
	}
	if corrected := queryInt(t, incr, "SELECT count(*) FROM accident_history"); corrected < 5 {
		t.Errorf("accident_history holds %d rows after a correction of five or more reports", corrected)
	}
	if diff := cmp.Diff(dumpTables(t, scratch), dumpTables(t, incr)); diff != "" {
		t.Errorf("tables after the increment differ from a load from scratch (-scratch +increment):\n%s", diff)
	}
}

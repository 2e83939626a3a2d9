package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/kensho-jp/kensho/synth"
)

// TestBenchIncrementSmall runs the quarterly increment of make bench on a
// small per-operator set with a kensho binary built for the test: both
// builds are printed, and the increment reads only the new quarter and
// the correction.
func TestBenchIncrementSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds kensho and runs five builds")
	}
	ctx := context.Background()
	work := t.TempDir()
	bin := filepath.Join(work, "kensho")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/kensho").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := filepath.Join(work, "in")
	if _, err := synth.Generate(ctx, synth.Config{Seed: 3, From: 2023, To: 2024, Scale: 0.02, Format: "mixed", Layout: "operator"}, dir); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := benchIncrement(ctx, work, bin, dir, 1, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	row := regexp.MustCompile(`(?m)^\| (from scratch|increment) \| (\d+) \| 1 \| ([0-9.]+)s \|`)
	rows := row.FindAllStringSubmatch(out.String(), -1)
	if len(rows) != 2 {
		t.Fatalf("want the two builds, got:\n%s", out.String())
	}
	scratch, _ := strconv.Atoi(rows[0][2])
	incr, _ := strconv.Atoi(rows[1][2])
	if incr == 0 || incr >= scratch {
		t.Errorf("reports read: from scratch %s, increment %s; the increment must read only what is new", rows[0][2], rows[1][2])
	}
	if !regexp.MustCompile(`The increment takes [0-9.]+× the time`).MatchString(out.String()) {
		t.Errorf("no ratio in:\n%s", out.String())
	}
	t.Log(out.String())
}

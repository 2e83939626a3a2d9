package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"

	"github.com/kensho-jp/kensho/synth"
)

var built struct {
	once sync.Once
	dir  string
	err  error
	out  []byte
}

// kenshoBinary builds kensho once for the tests of this package.
func kenshoBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "kensho-bench-bin-"); built.err != nil {
			return
		}
		built.out, built.err = exec.Command("go", "build", "-o", filepath.Join(built.dir, "kensho"), "../../cmd/kensho").CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return filepath.Join(built.dir, "kensho")
}

// TestMain removes the binary the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

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
	bin := kenshoBinary(t)
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

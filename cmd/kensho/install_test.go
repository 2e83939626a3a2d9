package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstalledBinaryBuildsAnywhere: a binary installed with go install,
// run in an empty directory (no node_modules, no bin/check above it),
// builds a site with the input given by --in and given as arguments
// before --out. ECharts comes from the binary; the check page, without
// its WebAssembly, tells operators to run kensho check.
func TestInstalledBinaryBuildsAnywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("installs the binary and builds two sites")
	}
	tmp := t.TempDir()
	gobin := filepath.Join(tmp, "bin")
	install := exec.Command("go", "install", ".")
	install.Env = append(os.Environ(), "GOBIN="+gobin)
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	exe := filepath.Join(gobin, "kensho")
	work := filepath.Join(tmp, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	// One fiscal year of synthetic reports in mixed formats (the input
	// the other build tests share), given by its absolute path.
	data := testInput(t)
	for i, args := range [][]string{
		{"build", "--in", data, "--out", "site1", "--db", "k1.duckdb"},
		{"build", data, "--out", "site2", "--db", "k2.duckdb"},
	} {
		cmd := exec.Command(exe, args...)
		cmd.Dir = work
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("kensho %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		if !strings.Contains(string(out), "no in-browser check") {
			t.Errorf("kensho %s does not say the check page has no in-browser check:\n%s", strings.Join(args, " "), out)
		}
		site := filepath.Join(work, args[len(args)-3])
		for _, p := range []string{"index.html", "en/index.html", "assets/echarts.min.js", "check/index.html"} {
			if _, err := os.Stat(filepath.Join(site, filepath.FromSlash(p))); err != nil {
				t.Errorf("build %d: %v", i+1, err)
			}
		}
		page, err := os.ReadFile(filepath.Join(site, "check", "index.html"))
		if err == nil && !strings.Contains(string(page), "<code>kensho check") {
			t.Errorf("build %d: the check page does not tell operators to run kensho check", i+1)
		}
	}
}

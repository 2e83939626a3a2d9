package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho/internal/duck"
)

// TestAnonymizeCommand: the stage alone writes the release and the risk
// report; when the audit fails (here: an operator renamed after a code that
// every table shows, which the identifier scan must catch), it exits 1,
// prints the reasons and leaves the previous release byte for byte.
func TestAnonymizeCommand(t *testing.T) {
	needFull(t)
	in := testInput(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "kensho.duckdb")
	reports := filepath.Join(dir, "reports")
	if _, stderr, err := runKensho(t, "ingest", "--db", db, in); err != nil {
		t.Fatalf("ingest: %v\n%s", err, stderr)
	}
	stdout, stderr, err := runKensho(t, "anonymize", "--db", db, "--report", reports, "--release-version", "test")
	if err != nil {
		t.Fatalf("anonymize: %v\n%s", err, stderr)
	}
	for _, want := range []string{"audit passed", "suppressed", "extract"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	release := filepath.Join(dir, "kensho.release.duckdb")
	before, err := os.ReadFile(release)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"kensho.risk.json", "kensho.risk-public.md"} {
		if _, err := os.Stat(filepath.Join(reports, f)); err != nil {
			t.Errorf("risk report: %v", err)
		}
	}

	// An operator's name that every table shows as a code.
	rdb, err := duck.Open(context.Background(), db, duck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rdb.Exec("UPDATE accident SET operator_name = 'hw_failure' WHERE operator_id = (SELECT min(operator_id) FROM accident)"); err != nil {
		t.Fatal(err)
	}
	rdb.Close()
	_, stderr, err = runKensho(t, "anonymize", "--db", db, "--report", reports)
	var se silentError
	if err == nil || !errors.As(err, &se) {
		t.Fatalf("anonymize with an identifying code: error %v, want a failure already reported", err)
	}
	if code := report(err, &bytes.Buffer{}); code != exitFailure {
		t.Errorf("exit code %d, want %d", code, exitFailure)
	}
	if !strings.Contains(stderr, "nothing was published") || !strings.Contains(stderr, "operator_name") {
		t.Errorf("stderr does not give the reason:\n%s", stderr)
	}
	if strings.Contains(stderr, "hw_failure") {
		t.Errorf("stderr repeats the identifier:\n%s", stderr)
	}
	after, err := os.ReadFile(release)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("the previous release changed although the audit failed")
	}
}

func TestAnonymizeUsage(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "public")
	os.MkdirAll(site, 0o755)
	os.WriteFile(filepath.Join(site, "index.html"), []byte("<html>"), 0o644)
	db := filepath.Join(dir, "none.duckdb")
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"anonymize", "extra"}, exitUsage},
		{[]string{"anonymize", "--release-date", "2025-13-01"}, exitUsage},
		{[]string{"anonymize", "--db", db}, exitFailure},
		{[]string{"anonymize", "--db", db, "--report", site}, exitUsage},
	} {
		_, _, err := runKensho(t, tt.args...)
		if code := report(err, &bytes.Buffer{}); code != tt.code {
			t.Errorf("%v: exit %d, want %d (%v)", tt.args, code, tt.code, err)
		}
	}
}

package main

import (
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseArgs: flags are read wherever they stand among the arguments.
func TestParseArgs(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantOut  string
		wantJSON bool
		wantIn   []string
		wantPos  []string
	}{
		{"flags first", []string{"--out", "site", "a.csv", "b.xlsx"}, "site", false, nil, []string{"a.csv", "b.xlsx"}},
		{"flags last", []string{"a.csv", "b.xlsx", "--out", "site"}, "site", false, nil, []string{"a.csv", "b.xlsx"}},
		{"flags between", []string{"a.csv", "--json", "b.xlsx", "--out=site"}, "site", true, nil, []string{"a.csv", "b.xlsx"}},
		{"repeated flag after an argument", []string{"--in", "a", "x", "--in", "b"}, "", false, []string{"a", "b"}, []string{"x"}},
		{"single dash", []string{"-out", "site", "x", "-json"}, "site", true, nil, []string{"x"}},
		{"value that looks like a flag", []string{"--out", "--json"}, "--json", false, nil, nil},
		{"double dash ends the flags", []string{"--out", "site", "--", "--json", "-"}, "site", false, nil, []string{"--json", "-"}},
		{"a lone dash is an argument", []string{"-", "--out", "site"}, "site", false, nil, []string{"-"}},
		{"bool with value", []string{"x", "--json=false", "--out", "s"}, "s", false, nil, []string{"x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			out := fs.String("out", "", "")
			asJSON := fs.Bool("json", false, "")
			var in []string
			fs.Var((*stringList)(&in), "in", "")
			pos, err := parseArgs(fs, tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if *out != tt.wantOut || *asJSON != tt.wantJSON {
				t.Errorf("--out %q --json %v, want %q %v", *out, *asJSON, tt.wantOut, tt.wantJSON)
			}
			if diff := cmp.Diff(tt.wantIn, in); diff != "" {
				t.Errorf("--in (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantPos, pos); diff != "" {
				t.Errorf("arguments (-want +got):\n%s", diff)
			}
		})
	}

	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.String("out", "", "")
	if _, err := parseArgs(fs, []string{"a.csv", "--nope"}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("an unknown flag after an argument: %v, want it named", err)
	}
}

// TestFlagsAfterArguments runs every command with its flags after its
// arguments, through the one parser run uses for all of them: each gets as
// far as an error that only the flag given after the argument can cause.
func TestFlagsAfterArguments(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "site")
	tests := []struct {
		args []string
		want string
	}{
		// --out and --db are read after the files: the database may not lie inside the site.
		{[]string{"build", "a.csv", "b.xlsx", "--out", out, "--db", filepath.Join(out, "k.duckdb")}, "lies inside --out"},
		{[]string{"build", "--in", "a.csv", "--out", out, "b.xlsx", "--release-date", "tomorrow"}, `--release-date "tomorrow"`},
		{[]string{"build", "a.csv", "--out", out, "--base-url", "example.jp"}, "--base-url"},
		{[]string{"serve", empty, "--addr", "127.0.0.1:0"}, "no index.html"},
		{[]string{"site", "--db", filepath.Join(dir, "none.duckdb"), "extra", "--out", out}, `unexpected argument "extra"`},
		{[]string{"ingest", "--db", filepath.Join(dir, "i.duckdb"), "missing.csv", "--json", "--bogus"}, "bogus"},
		{[]string{"synth", "extra", "--out", out}, "unexpected arguments"},
		{[]string{"stats", "extra", "--out", out}, `unexpected argument "extra"`},
		{[]string{"anonymize", "extra", "--db", filepath.Join(dir, "none.duckdb")}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		_, _, err := runKensho(t, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("kensho %s = %v, want an error containing %q", strings.Join(tt.args, " "), err, tt.want)
		}
	}
	// Help after an argument is still help.
	var o strings.Builder
	if err := run(context.Background(), []string{"build", "data", "--help"}, &o, io.Discard); err != nil || !strings.Contains(o.String(), "Usage: kensho build") {
		t.Errorf("kensho build data --help = %v, %q", err, o.String())
	}
}

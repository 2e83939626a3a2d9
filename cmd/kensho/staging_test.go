package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kensho-jp/kensho/site"
)

// TestCleanStagingRemovesOnlyAbandoned: beside --out, a build removes the
// staging directories a stopped build left (kensho's name, a directory,
// kensho's marker, no build holding it) and nothing else.
func TestCleanStagingRemovesOnlyAbandoned(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	mkdir := func(name string, files ...string) string {
		t.Helper()
		dir := filepath.Join(parent, name)
		if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range append(files, "index.html", "data/x.csv") {
			if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	mkdir(".kensho-staging-101", stagingMarker)              // killed while rendering
	mkdir(".kensho-staging-102", site.MarkerFile)            // killed while removing the old site
	mkdir("public.old-.kensho-staging-103", site.MarkerFile) // the same, where the swap is not atomic
	mkdir(".kensho-staging-201")                             // no marker: not provably kensho's
	mkdir(".kensho-staging-2x2", stagingMarker)              // not a name kensho gives
	mkdir("notes.kensho-staging-203", stagingMarker)         // nor this
	mkdir("public", site.MarkerFile)                         // the site itself
	target := mkdir("elsewhere", stagingMarker)              // reached through a link
	if err := os.Symlink(target, filepath.Join(parent, ".kensho-staging-204")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(parent, ".kensho-staging-205"), nil, 0o644); err != nil { // a file
		t.Fatal(err)
	}
	running, err := newStaging(out) // a build still rendering
	if err != nil {
		t.Fatal(err)
	}
	defer running.close()

	var msgs strings.Builder
	cleanStaging(out, &msgs)

	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if e.Name() != filepath.Base(running.dir) {
			got = append(got, e.Name())
		}
	}
	want := []string{".kensho-staging-201", ".kensho-staging-204", ".kensho-staging-205", ".kensho-staging-2x2",
		"elsewhere", "notes.kensho-staging-203", "public"}
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("left beside --out (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(running.dir, stagingMarker)); err != nil {
		t.Errorf("the running build's staging directory was touched: %v", err)
	}
	if _, err := os.Stat(filepath.Join(target, "index.html")); err != nil {
		t.Errorf("the directory behind a link was touched: %v", err)
	}
	for _, name := range []string{".kensho-staging-101", ".kensho-staging-102", "public.old-.kensho-staging-103"} {
		if !strings.Contains(msgs.String(), name) {
			t.Errorf("no message about %s in:\n%s", name, msgs.String())
		}
	}
}

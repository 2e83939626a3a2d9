package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/synth"
)

// TestThreeReleases builds three successive releases into one restricted
// database, as a publisher would: FY2022 and the first half of FY2023 (a
// year still open); then the rest of FY2023 with one operator's correction
// of a FY2022 report; then a second operator's correction. A reader holds
// all three. The test reads the archive the builds left (each operator's
// part of every figure in every release) with code of its own and checks
// what the differences between releases show: every figure published in
// two releases with two values changed by at least three operators, none
// of them dominating (the p% rule on the changes), and a figure that did
// not change has the same status in both. The corrections do move figures
// that the first release published, so the check is not empty, and the
// second release revises figures of FY2023, which its changes page lists.
func TestThreeReleases(t *testing.T) {
	// Three builds of small data: about two and a half minutes, in make test.
	ctx := context.Background()
	tmp := t.TempDir()
	gen := func(name string, from int, corrections float64) string {
		dir := filepath.Join(tmp, name)
		if _, err := synth.Generate(ctx, synth.Config{Seed: 5, From: from, To: from, Scale: 0.03, Format: "csv", Layout: "operator", Corrections: corrections}, dir); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	fy22, fy23 := gen("fy22", 2022, 0), gen("fy23", 2023, 0)
	// The same FY2022 with corrections: the reports are the same files,
	// and each correction a file of its own (…_teisei.csv).
	withCorr := gen("fy22-corrected", 2022, 0.01)
	corrs, err := filepath.Glob(filepath.Join(withCorr, "FY2022", "*", "*_teisei.csv"))
	if err != nil || len(corrs) < 2 {
		t.Fatalf("want two correction files, got %v (%v)", corrs, err)
	}
	sort.Strings(corrs)
	operator := func(path string) string { return strings.SplitN(filepath.Base(path), "_", 2)[0] }
	corr1 := corrs[0]
	i := slices.IndexFunc(corrs, func(p string) bool { return operator(p) != operator(corr1) })
	if i < 0 {
		t.Fatal("every correction file is one operator's")
	}
	corr2 := corrs[i]
	corrDir := func(name, file string) string {
		dir := filepath.Join(tmp, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(file)), b, 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	c1, c2 := corrDir("corr1", corr1), corrDir("corr2", corr2)

	db := filepath.Join(tmp, "kensho.duckdb")
	builds := []struct {
		version string
		in      []string
	}{
		{"2023.1", []string{fy22, filepath.Join(fy23, "FY2023", "Q1"), filepath.Join(fy23, "FY2023", "Q2")}},
		{"2024.1", []string{fy22, fy23, c1}},
		{"2024.2", []string{fy22, fy23, c1, c2}},
	}
	for _, b := range builds {
		args := []string{"build", "--out", filepath.Join(tmp, "public-"+b.version), "--db", db, "--release-version", b.version}
		for _, in := range b.in {
			args = append(args, "--in", in)
		}
		if _, stderr, err := runKensho(t, args...); err != nil {
			t.Fatalf("build %s: %v\n%s", b.version, err, stderr)
		}
	}
	stdout, stderr, err := runKensho(t, "releases", "--db", db, "--json")
	if err != nil {
		t.Fatalf("releases: %v\n%s", err, stderr)
	}
	var listed []struct {
		Version   string `json:"version"`
		Published bool   `json:"published"`
	}
	if err := json.Unmarshal([]byte(stdout), &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 3 {
		t.Fatalf("kensho releases lists %d releases, want 3:\n%s", len(listed), stdout)
	}
	for i, r := range listed {
		if r.Version != builds[i].version || !r.Published {
			t.Errorf("release %d: %+v, want %s published", i+1, r, builds[i].version)
		}
	}

	figs := readArchive(t, db)
	singles, hiddenAgain := 0, 0
	for r := 1; r < 3; r++ {
		for id, now := range figs[r] {
			then, ok := figs[r-1][id]
			if !ok {
				continue
			}
			changes := then.changes(now)
			if len(changes) == 0 {
				switch {
				case !then.published && now.published:
					t.Errorf("%s: unchanged between %s and %s, hidden in the first and published in the second", now.label, builds[r-1].version, builds[r].version)
				case then.published && !now.published:
					hiddenAgain++ // a partner of last resort: its value is out already
				}
				continue
			}
			if len(changes) == 1 && then.published {
				singles++
			}
			if !then.published || !now.published {
				continue
			}
			// Both published: the difference is in every reader's hands.
			if !safeChange(changes) {
				t.Errorf("%s: %v in %s and %v in %s; the difference is the changes %v of %d operators, which the rules would withhold",
					now.label, then.value, builds[r-1].version, now.value, builds[r].version, changes, len(changes))
			}
		}
	}
	if singles == 0 {
		t.Error("no figure an earlier release published was changed by one operator's correction: the test checks nothing")
	}
	// The second release revises figures of FY2023 (its second half came
	// in): its page of changes and data/revisions.csv list them.
	revisions, err := os.ReadFile(filepath.Join(tmp, "public-2024.1", "data", "revisions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(strings.TrimSpace(string(revisions)), "\n"); n == 0 {
		t.Error("release 2024.1 lists no revised figure in data/revisions.csv, though FY2023 filled up since 2023.1")
	} else {
		t.Logf("release 2024.1 revises %d figures", n)
	}
	for _, lang := range []string{"", "en/"} {
		page, err := os.ReadFile(filepath.Join(tmp, "public-2024.1", lang+"changes", "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(page), "2023.1") {
			t.Errorf("%schanges/index.html does not name the previous release 2023.1", lang)
		}
	}
	t.Logf("%d figures changed by one operator's correction since a release that published them, each withheld; %d unchanged figures published before were hidden as partners", singles, hiddenAgain)
}

// archived is one figure of one release, as the test reads the archive.
type archived struct {
	label     string
	published bool
	value     float64
	parts     map[string]float64
}

// changes lists each operator's change from a to b, in absolute value.
func (a archived) changes(b archived) []float64 {
	var out []float64
	for op, v := range b.parts {
		if d := math.Abs(v - a.parts[op]); d > 1e-9 {
			out = append(out, d)
		}
	}
	for op, v := range a.parts {
		if _, ok := b.parts[op]; !ok && math.Abs(v) > 1e-9 {
			out = append(out, math.Abs(v))
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(out)))
	return out
}

// safeChange applies the default rules to a change (three operators at
// least; the p% rule with p = 10: the rest beyond the two largest changes
// is at least a tenth of the largest).
func safeChange(changes []float64) bool {
	if len(changes) < 3 {
		return false
	}
	rest := 0.0
	for _, c := range changes[2:] {
		rest += c
	}
	return rest >= 0.1*changes[0]
}

// readArchive reads every figure of every archived release, by release.
func readArchive(t *testing.T, path string) []map[string]archived {
	t.Helper()
	db, err := duck.Open(context.Background(), path, duck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []map[string]archived
	rows, err := db.Query(`SELECT release_id, figure, label, status = 'published', value FROM release_figure ORDER BY release_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id        int
			fig, lab  string
			published bool
			value     float64
		)
		if err := rows.Scan(&id, &fig, &lab, &published, &value); err != nil {
			t.Fatal(err)
		}
		for len(out) < id {
			out = append(out, map[string]archived{})
		}
		out[id-1][fig] = archived{label: lab, published: published, value: value, parts: map[string]float64{}}
	}
	parts, err := db.Query(`SELECT release_id, figure, operator_id, value FROM release_part`)
	if err != nil {
		t.Fatal(err)
	}
	defer parts.Close()
	for parts.Next() {
		var (
			id      int
			fig, op string
			v       float64
		)
		if err := parts.Scan(&id, &fig, &op, &v); err != nil {
			t.Fatal(err)
		}
		out[id-1][fig].parts[op] += v
	}
	if len(out) != 3 {
		t.Fatalf("the archive holds %d releases, want 3", len(out))
	}
	return out
}

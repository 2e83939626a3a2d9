package anonymize

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

func TestReleasePath(t *testing.T) {
	for in, want := range map[string]string{
		"kensho.duckdb":          "kensho.release.duckdb",
		".build/kensho.duckdb":   ".build/kensho.release.duckdb",
		"/var/lib/k/data.duckdb": "/var/lib/k/data.release.duckdb",
		"restricted.db":          "restricted.db.release.duckdb",
	} {
		if got := ReleasePath(in); got != want {
			t.Errorf("ReleasePath(%q) = %q, want %q", in, got, want)
		}
	}
}

// snapshot reads every file under dir.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameFiles(t *testing.T, before, after map[string][]byte) {
	t.Helper()
	if len(before) != len(after) {
		t.Errorf("files: %d before, %d after", len(before), len(after))
	}
	for p, b := range before {
		if !bytes.Equal(b, after[p]) {
			t.Errorf("%s changed", filepath.Base(p))
		}
	}
}

// TestFailedAuditPublishesNothing: when the published figures no longer
// match the records (the data changed after analytics ran), Protect
// refuses before it protects anything, naming the table, the row and both
// values; a release whose audit did not pass is refused by Publish; and
// in both cases the previous release is left as it was.
func TestFailedAuditPublishesNothing(t *testing.T) {
	ctx := context.Background()
	db, _, _ := fxDB(t, fxSpec{operators: 20, perYear: 250, years: []int{2024}, seed: 31, skew: 1})
	tables := buildTables(t, db, reportSpecs[:3])
	dir := t.TempDir()
	good, _ := buildOutputs(t, db, tables, nil, DefaultConfig(), dir)
	before := snapshot(t, dir)

	// A release whose audit failed is never published.
	failed := *good
	failed.passed = false
	rel := &kensho.Release{Version: "test", Tables: good.Tables, Extracts: good.Extracts}
	if err := Publish(ctx, db, filepath.Join(dir, "kensho.release.duckdb"), rel, &failed); err == nil {
		t.Fatal("Publish accepted a release whose audit did not pass")
	}
	sameFiles(t, before, snapshot(t, dir))

	// The data change after analytics ran: the published figures no longer
	// match the records, which the disclosure model (recomputing every
	// figure from the records) sees before anything is protected.
	if _, err := db.Exec(`UPDATE deid_accident SET affected_users = affected_users + 1000, user_hours = user_hours + 1000
		WHERE record_key IN (SELECT record_key FROM deid_accident ORDER BY record_key LIMIT 3)`); err != nil {
		t.Fatal(err)
	}
	p, err := protectFx(ctx, db, tables, nil, DefaultConfig())
	if err == nil || p.Passed() {
		t.Fatal("Protect passed figures that no longer match the records")
	}
	if !strings.Contains(err.Error(), "the table says") || !strings.Contains(err.Error(), "the disclosure model") {
		t.Errorf("the error does not name both values: %v", err)
	}
	sameFiles(t, before, snapshot(t, dir))
}

// TestPublishRefusesIdentifiers: an operator's name in any published string
// stops the release, and the previous one stays.
func TestPublishRefusesIdentifiers(t *testing.T) {
	ctx := context.Background()
	db, ops, _ := fxDB(t, fxSpec{operators: 20, perYear: 250, years: []int{2024}, seed: 32, skew: 1})
	tables := buildTables(t, db, reportSpecs[:2])
	dir := t.TempDir()
	p, _ := buildOutputs(t, db, tables, nil, DefaultConfig(), dir)
	before := snapshot(t, dir)
	cases := map[string]func(rel *kensho.Release){
		"summary names an operator": func(rel *kensho.Release) {
			rel.Summary.Ja = "今年度は" + strings.TrimSuffix(ops[3].name, "株式会社") + "の障害が目立った。"
		},
		"risk text has a mail address": func(rel *kensho.Release) { rel.Risk.En = "contact noc005@op005.example.jp" },
		"summary has a phone number":   func(rel *kensho.Release) { rel.Summary.En = "call 03 5007 1007" },
		"version carries a model name": func(rel *kensho.Release) { rel.Version = ops[2].vendor },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			rel := &kensho.Release{Version: "test", Tables: p.Tables, Extracts: p.Extracts, Risk: p.Risk.Public()}
			mutate(rel)
			err := Publish(ctx, db, filepath.Join(dir, "kensho.release.duckdb"), rel, p)
			var ae *AuditError
			if !errors.As(err, &ae) {
				t.Fatalf("Publish error = %v, want an *AuditError", err)
			}
			for _, o := range ops {
				if strings.Contains(err.Error(), o.name) || strings.Contains(err.Error(), o.vendor) {
					t.Errorf("the error repeats the identifier: %v", err)
				}
			}
			sameFiles(t, before, snapshot(t, dir))
		})
	}
	// A table that is not the protected one is refused too.
	rel := &kensho.Release{Version: "test", Tables: tables, Extracts: p.Extracts}
	if err := Publish(ctx, db, filepath.Join(dir, "kensho.release.duckdb"), rel, p); err == nil {
		t.Error("Publish accepted unprotected tables")
	}
	sameFiles(t, before, snapshot(t, dir))
}

// TestReleaseRoundTrip: what LoadRelease reads is what Publish wrote.
func TestReleaseRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, _, _ := fxDB(t, fxSpec{operators: 20, perYear: 250, years: []int{2023, 2024}, seed: 33, skew: 1})
	tables := buildTables(t, db, reportSpecs[:2])
	p, err := protectFx(ctx, db, tables, nil, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	rel := &kensho.Release{Version: "v1", BuildDate: "2026-04-01", FiscalYears: []int{2023, 2024}, LatestYear: 2024,
		PartialYears: []int{}, Tables: p.Tables, Summary: kensho.Text{Ja: "要約", En: "summary"}, Risk: p.Risk.Public(), Extracts: p.Extracts}
	path := filepath.Join(t.TempDir(), "r.release.duckdb")
	if err := Publish(ctx, db, path, rel, p); err != nil {
		t.Fatal(err)
	}
	got, err := LoadRelease(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rel, got); diff != "" {
		t.Errorf("release (-wrote +read):\n%s", diff)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("release mode %v, want 0644", fi.Mode().Perm())
	}
	if _, err := os.Stat(path + ".wal"); err == nil {
		t.Error("a write-ahead log is left beside the release")
	}
}

// TestDeterministicOutputs: the same input gives byte-identical outputs.
func TestDeterministicOutputs(t *testing.T) {
	needFull(t)
	spec := fxSpec{operators: 25, perYear: 300, years: []int{2023, 2024}, seed: 34, skew: 1.2}
	var runs [][]string
	for i := 0; i < 2; i++ {
		db, _, _ := fxDB(t, spec)
		_, files := buildOutputs(t, db, buildTables(t, db, reportSpecs), nil, DefaultConfig(), t.TempDir())
		runs = append(runs, files[1:]) // the DuckDB file itself is DuckDB's business; its contents are in release.json
	}
	for i := range runs[0] {
		a, err := os.ReadFile(runs[0][i])
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(runs[1][i])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs on the same data", filepath.Base(runs[0][i]))
		}
	}
}

// TestExportKeepsRecordOrder: the microdata files list the records in
// record-id order, with more records than one DuckDB row group and a
// packed table written from rows in another order.
func TestExportKeepsRecordOrder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "r.release.duckdb")
	const n = 300000
	db, err := duck.Open(ctx, path, duck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rel, err := json.Marshal(kensho.Release{Version: "order", Extracts: []kensho.ExtractInfo{{Name: "order"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"CREATE TABLE release_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
		"CREATE TABLE release_table (ord INTEGER PRIMARY KEY, name VARCHAR NOT NULL UNIQUE, json VARCHAR NOT NULL)",
		fmt.Sprintf("INSERT INTO release_meta VALUES ('format', %s), ('release', %s)", duck.QuoteString(releaseFormat), duck.QuoteString(string(rel))),
		// written in record-id order from rows in another order, as Publish does
		fmt.Sprintf(`CREATE TABLE extract_order AS
		SELECT record_id, (record_id * 7919) %% 1000003 AS v
		FROM (SELECT i AS record_id FROM range(1, %d + 1) t(i) ORDER BY hash(i))
		ORDER BY record_id`, n),
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	site := filepath.Join(dir, "site")
	if err := ExportExtracts(ctx, path, site); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(site, ExtractFile("order")+".csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	if _, err := r.Read(); err != nil { // header
		t.Fatal(err)
	}
	for want := 1; ; want++ {
		rec, err := r.Read()
		if err == io.EOF {
			if want != n+1 {
				t.Errorf("microdata.csv has %d records, want %d", want-1, n)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec[0] != strconv.Itoa(want) {
			t.Fatalf("microdata.csv record %d has record_id %s", want, rec[0])
		}
	}
	mem := duck.MustOpenMemory(t)
	var misplaced, rows int
	if err := mem.QueryRow(`SELECT count(*) FILTER (WHERE record_id <> rn), count(*)
		FROM (SELECT record_id, row_number() OVER () AS rn FROM read_parquet($1))`, filepath.Join(site, ExtractFile("order")+".parquet")).
		Scan(&misplaced, &rows); err != nil {
		t.Fatal(err)
	}
	if misplaced != 0 || rows != n {
		t.Errorf("microdata.parquet: %d of %d records out of record-id order (want 0 of %d)", misplaced, rows, n)
	}
}

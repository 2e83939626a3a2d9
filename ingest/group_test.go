package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/reportfile"
)

// withGroups sets the group limits of the loads of one test.
func withGroups(t *testing.T, g groupLimits) {
	t.Helper()
	saved := groups
	groups = g
	t.Cleanup(func() { groups = saved })
}

// groupFiles writes small valid files named name.csv, each with rows
// reports numbered <name>-1, <name>-2, ... (one operator, so that the
// files of a group have no key in common), and returns their paths.
func groupFiles(t *testing.T, dir string, rows int, names ...string) []string {
	t.Helper()
	var paths []string
	for _, name := range names {
		var rs []map[string]string
		for i := 1; i <= rows; i++ {
			rs = append(rs, map[string]string{"事業者整理番号": fmt.Sprintf("%s-%d", name, i)})
		}
		path := filepath.Join(dir, name+".csv")
		if err := os.WriteFile(path, []byte(validCSV(t, rs)), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	return paths
}

// dumpTables returns every row of every table ingest writes, as text:
// two loads that wrote the same rows give the same dump.
func dumpTables(t *testing.T, db *sql.DB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, tbl := range []string{"ingest_file", "accident", "accident_history", "quarantine_row", "quarantine_error", "ingest_warning"} {
		// Sorted for the comparison: rows of a table have no order.
		rows, err := db.Query("SELECT CAST(r AS VARCHAR) AS v FROM " + tbl + " r ORDER BY v")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			out[tbl] = append(out[tbl], v)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}

// TestGroupingDoesNotChangeTables loads the same files one transaction
// each, in groups of two, and in groups as large as the files allow: the
// tables and the report are the same every time. The files hold rejected
// files, quarantined rows, warnings, a correction of an earlier file of
// the same load and a copy of a file; transactions are told apart by
// what another connection sees when each file is about to commit.
func TestGroupingDoesNotChangeTables(t *testing.T) {
	dir := t.TempDir()
	files := append([]string{}, fixtureFiles...)
	files = append(files, groupFiles(t, dir, 3, "G-A", "G-B", "G-C", "G-D")...)
	data, err := os.ReadFile("testdata/utf8.csv")
	if err != nil {
		t.Fatal(err)
	}
	dup := filepath.Join(dir, "copy.csv")
	if err := os.WriteFile(dup, data, 0o600); err != nil {
		t.Fatal(err)
	}
	files = append(files, dup)

	type result struct {
		tables map[string][]string
		report string
		txs    int // transactions that loaded rows
		loaded int // files loaded
	}
	load := func(t *testing.T, g groupLimits) result {
		withGroups(t, g)
		db := duck.MustOpenMemory(t)
		seen := map[int]bool{}
		rep, err := Load(context.Background(), db, files, Config{Now: fixedNow, BeforeCommit: func(string) {
			// Files of one transaction see the same committed rows.
			seen[queryInt(t, db, "SELECT count(*) FROM accident")] = true
		}})
		if err != nil {
			t.Fatal(err)
		}
		checkCounts(t, rep)
		var js strings.Builder
		if err := rep.WriteJSON(&js); err != nil {
			t.Fatal(err)
		}
		res := result{tables: dumpTables(t, db), report: js.String(), txs: len(seen)}
		for _, f := range rep.Files {
			if f.Status == StatusLoaded {
				res.loaded++
			}
		}
		return res
	}
	defaults := groups
	alone := load(t, groupLimits{maxRows: 1 << 30, maxFiles: 1, fill: true})
	if alone.txs != alone.loaded || alone.loaded < 8 {
		t.Fatalf("one file a transaction: %d transactions for %d loaded files", alone.txs, alone.loaded)
	}
	for _, g := range []groupLimits{
		{maxRows: 1 << 30, maxFiles: 2, fill: true},
		{maxRows: 1 << 30, maxFiles: 256, fill: true},
		defaults,
	} {
		t.Run(fmt.Sprintf("%+v", g), func(t *testing.T) {
			got := load(t, g)
			if g.fill && got.txs >= got.loaded {
				t.Errorf("%d transactions for %d loaded files: no group was formed", got.txs, got.loaded)
			}
			if diff := cmp.Diff(alone.tables, got.tables); diff != "" {
				t.Errorf("tables differ from a load of one file a transaction (-alone +grouped):\n%s", diff)
			}
			if diff := cmp.Diff(alone.report, got.report); diff != "" {
				t.Errorf("report differs (-alone +grouped):\n%s", diff)
			}
		})
	}
}

// refuseReport makes the database refuse an accident with report number
// no: the accident table is made again with a CHECK constraint, as a
// stand-in for anything the database may refuse in one file's rows.
func refuseReport(t *testing.T, db *sql.DB, no string) {
	t.Helper()
	if _, err := Load(context.Background(), db, nil, Config{Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	var create string
	if err := db.QueryRow("SELECT sql FROM duckdb_tables() WHERE table_name = 'accident'").Scan(&create); err != nil {
		t.Fatal(err)
	}
	end := strings.LastIndex(create, ")")
	create = create[:end] + ", CHECK (report_no <> " + duck.QuoteString(no) + ")" + create[end:]
	if _, err := db.Exec("DROP TABLE accident"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(create); err != nil {
		t.Fatal(err)
	}
}

// TestGroupFailureLeavesOutOnlyThatFile: in a group whose transaction
// fails at the database because of one file's row, that file alone is left
// out (rejected, nothing of it stored: no accident, quarantined row or
// warning) and the files before and after it load whole, each then in a
// transaction of its own. The same holds for the file loaded alone.
func TestGroupFailureLeavesOutOnlyThatFile(t *testing.T) {
	for _, g := range []groupLimits{
		{maxRows: 1 << 30, maxFiles: 3, fill: true},
		{maxRows: 1 << 30, maxFiles: 1, fill: true},
	} {
		t.Run(fmt.Sprintf("%d files a group", g.maxFiles), func(t *testing.T) {
			withGroups(t, g)
			dir := t.TempDir()
			paths := groupFiles(t, dir, 3, "G-A", "G-C")
			// The refused file also has a quarantined row and a warning.
			bad := filepath.Join(dir, "G-B.csv")
			if err := os.WriteFile(bad, []byte(validCSV(t, []map[string]string{
				{"事業者整理番号": "G-B-1"},
				{"事業者整理番号": "G-B-2"},
				{"事業者整理番号": "G-B-3", "影響利用者数": "多数"},
				{"事業者整理番号": "G-B-4", "影響利用者数": "10"},
			})), 0o600); err != nil {
				t.Fatal(err)
			}
			paths = []string{paths[0], bad, paths[1]}
			db := duck.MustOpenMemory(t)
			refuseReport(t, db, "G-B-2")
			var committed []string
			rep, err := Load(context.Background(), db, paths, Config{Now: fixedNow,
				BeforeCommit: func(p string) { committed = append(committed, filepath.Base(p)) }})
			if err != nil {
				t.Fatal(err)
			}
			checkCounts(t, rep)
			var statuses []string
			for _, f := range rep.Files {
				statuses = append(statuses, f.Status)
			}
			if diff := cmp.Diff([]string{StatusLoaded, StatusRejected, StatusLoaded}, statuses); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"G-A.csv", "G-C.csv"}, committed); diff != "" {
				t.Errorf("files committed (-want +got):\n%s", diff)
			}
			if !rep.Rejected() {
				t.Error("Rejected() = false")
			}
			var refused []Error
			for _, e := range rep.Errors {
				if e.File == bad {
					refused = append(refused, e)
				}
			}
			if len(refused) != 1 || refused[0].Code != CodeDatabaseRefused ||
				!strings.Contains(refused[0].MessageEn, bad) || !strings.Contains(refused[0].MessageJa, bad) ||
				!strings.Contains(refused[0].MessageEn, "CHECK") {
				t.Errorf("errors of the refused file: %+v", refused)
			}
			want := map[string]int{
				"SELECT count(*) FROM accident WHERE report_no LIKE 'G-A-%'":                                                       3,
				"SELECT count(*) FROM accident WHERE report_no LIKE 'G-B-%'":                                                       0,
				"SELECT count(*) FROM accident WHERE report_no LIKE 'G-C-%'":                                                       3,
				"SELECT count(*) FROM quarantine_row":                                                                              0,
				"SELECT count(*) FROM quarantine_error":                                                                            0,
				"SELECT count(*) FROM ingest_warning":                                                                              0,
				"SELECT count(*) FROM ingest_file WHERE status = 'loaded'":                                                         2,
				"SELECT count(*) FROM ingest_file WHERE status = 'rejected' AND rows_read = 0 AND path = " + duck.QuoteString(bad): 1,
			}
			got := map[string]int{}
			for q := range want {
				got[q] = queryInt(t, db, q)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("tables (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPanicCostsOneFile: a panic while one file is read (a bug of
// kensho's, here made on purpose) rejects that file with an internal
// error; the files before and after it load.
func TestPanicCostsOneFile(t *testing.T) {
	dir := t.TempDir()
	paths := groupFiles(t, dir, 3, "P-A", "P-B", "P-C")
	testPrepare = func(path string) {
		if filepath.Base(path) == "P-B.csv" {
			panic("on purpose")
		}
	}
	defer func() { testPrepare = nil }()
	db := duck.MustOpenMemory(t)
	rep := mustLoad(t, db, paths...)
	var statuses []string
	for _, f := range rep.Files {
		statuses = append(statuses, f.Status)
	}
	if diff := cmp.Diff([]string{StatusLoaded, StatusRejected, StatusLoaded}, statuses); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if len(rep.Errors) != 1 || rep.Errors[0].Code != reportfile.CodeInternalError ||
		!strings.Contains(rep.Errors[0].MessageEn, "on purpose") || !strings.Contains(rep.Errors[0].MessageJa, paths[1]) {
		t.Errorf("errors %+v", rep.Errors)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM accident"); n != 6 {
		t.Errorf("%d accidents, want 6", n)
	}
}

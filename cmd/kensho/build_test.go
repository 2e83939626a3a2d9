package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/anonymize"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/synth"
)

// TestMain lets the test binary act as kensho itself, so the crash tests can
// run the real command in a child process and SIGKILL it.
func TestMain(m *testing.M) {
	if os.Getenv("KENSHO_TEST_MAIN") == "1" {
		main()
		return
	}
	code := m.Run()
	if inputDir != "" {
		os.RemoveAll(inputDir)
	}
	feedbackCleanup()
	os.Exit(code)
}

var (
	inputOnce sync.Once
	inputDir  string
	inputErr  error
)

// testInput generates a small synthetic national sample once per test binary.
func testInput(t *testing.T) string {
	t.Helper()
	inputOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kensho-e2e-input-")
		if err != nil {
			inputErr = err
			return
		}
		_, inputErr = synth.Generate(context.Background(), synth.Config{
			Seed: 7, From: 2017, To: 2017, Scale: 0.03, Format: "mixed", Layout: "mixed",
		}, dir)
		inputDir = dir
	})
	if inputErr != nil {
		t.Fatal(inputErr)
	}
	return inputDir
}

// needFull skips a test that runs several whole builds unless
// KENSHO_FULL=1 (make property): with the disclosure model each build
// costs about a minute of CPU per fiscal year, and make test keeps to the
// builds of TestBuildWithholdsPartialYear and TestDemoSite.
func needFull(t *testing.T) {
	t.Helper()
	if os.Getenv("KENSHO_FULL") != "1" {
		t.Skip("runs whole builds; KENSHO_FULL=1 (make property) runs it")
	}
}

func runKensho(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	err = run(context.Background(), args, &o, &e)
	return o.String(), e.String(), err
}

func mustBuild(t *testing.T, in, out, db string) {
	t.Helper()
	if _, stderr, err := runKensho(t, "build", "--in", in, "--out", out, "--db", db, "--release-version", "test"); err != nil {
		t.Fatalf("build: %v\n%s", err, stderr)
	}
}

// treeHashes maps every file below dir to its SHA-256.
func treeHashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		sum := sha256.Sum256(b)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestBuildIsReproducible(t *testing.T) {
	needFull(t)
	in := testInput(t)
	tmp := t.TempDir()
	out1, out2 := filepath.Join(tmp, "a", "public"), filepath.Join(tmp, "b", "public")
	mustBuild(t, in, out1, filepath.Join(tmp, "a.duckdb"))
	mustBuild(t, in, out2, filepath.Join(tmp, "b.duckdb"))
	h1, h2 := treeHashes(t, out1), treeHashes(t, out2)
	if len(h1) < 20 {
		t.Fatalf("only %d files in the site", len(h1))
	}
	for name, sum := range h1 {
		if h2[name] != sum {
			t.Errorf("%s differs between two builds of the same input", name)
		}
	}
	for name := range h2 {
		if _, ok := h1[name]; !ok {
			t.Errorf("%s exists only in the second build", name)
		}
	}
	// A rebuild over the same database and output is the same too.
	mustBuild(t, in, out1, filepath.Join(tmp, "a.duckdb"))
	for name, sum := range treeHashes(t, out1) {
		if h2[name] != sum {
			t.Errorf("%s differs after a rebuild on the same database", name)
		}
	}
}

func TestBuildRefusesUnsafePaths(t *testing.T) {
	in := testInput(t)
	tmp := t.TempDir()
	// --db inside --out.
	out := filepath.Join(tmp, "public")
	_, _, err := runKensho(t, "build", "--in", in, "--out", out, "--db", filepath.Join(out, "k.duckdb"))
	var ue usageError
	if !errors.As(err, &ue) {
		t.Errorf("--db inside --out: err = %v, want a usage error", err)
	}
	// --public inside --out.
	_, _, err = runKensho(t, "build", "--in", in, "--out", out, "--public", filepath.Join(out, "public.csv"), "--db", filepath.Join(tmp, "k.duckdb"))
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--public") {
		t.Errorf("--public inside --out: err = %v, want a usage error", err)
	}
	// An --out that kensho did not make.
	foreign := filepath.Join(tmp, "home")
	os.MkdirAll(foreign, 0o755)
	os.WriteFile(filepath.Join(foreign, "thesis.tex"), []byte("precious"), 0o644)
	if _, _, err := runKensho(t, "build", "--in", in, "--out", foreign, "--db", filepath.Join(tmp, "k.duckdb")); err == nil {
		t.Error("build replaced a directory kensho did not make")
	}
	if b, _ := os.ReadFile(filepath.Join(foreign, "thesis.tex")); string(b) != "precious" {
		t.Error("the foreign directory was changed")
	}
}

// TestBuildSurvivesSIGKILL kills a build at a pause point during ingest
// (inside a transaction), just before publishing, and while it removes the
// previous site after publishing: the database must open and be
// consistent, the site must be whole (the previous one, or the new one,
// which is the same), and the next build completes and removes the
// staging directory the killed one left.
func TestBuildSurvivesSIGKILL(t *testing.T) {
	needFull(t)
	if testing.Short() {
		t.Skip("runs several builds")
	}
	in := testInput(t)
	points := []string{"ingest-file", "publish", "remove-old-site"}
	if os.Getenv("KENSHO_FULL") != "1" {
		// The two points after the disclosure control take five whole
		// builds; make test and CI kill one during ingest, make property
		// all three.
		points = points[:1]
	}
	for _, point := range points {
		t.Run(point, func(t *testing.T) {
			tmp := t.TempDir()
			out, db := filepath.Join(tmp, "public"), filepath.Join(tmp, "k.duckdb")
			var before map[string]string
			if point != "ingest-file" {
				mustBuild(t, in, out, db)
				before = treeHashes(t, out)
			}
			pauseFile := filepath.Join(tmp, "paused")
			cmd := exec.Command(os.Args[0], "build", "--in", in, "--out", out, "--db", db, "--release-version", "test")
			cmd.Env = append(os.Environ(), "KENSHO_TEST_MAIN=1", "KENSHO_TEST_PAUSE="+point, "KENSHO_TEST_PAUSE_FILE="+pauseFile)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(10 * time.Minute)
			for {
				if _, err := os.Stat(pauseFile); err == nil {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatal("the build never reached the pause point")
				}
				time.Sleep(20 * time.Millisecond)
			}
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()

			// The database opens and its counts add up.
			h, err := duck.Open(context.Background(), db, duck.Options{})
			if err != nil {
				t.Fatalf("database after SIGKILL: %v", err)
			}
			checkIngestConsistent(t, h)
			h.Close()
			left := stagingLeft(t, tmp)
			if point != "ingest-file" && len(left) == 0 {
				t.Errorf("the killed build left no staging directory beside %s, so the cleanup is not tested", out)
			}
			if point != "ingest-file" {
				after := treeHashes(t, out)
				if len(after) != len(before) {
					t.Errorf("site has %d files after the crash, %d before", len(after), len(before))
				}
				for name, sum := range before {
					if after[name] != sum {
						t.Errorf("%s changed by a crashed build", name)
					}
				}
			} else if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a build killed during ingest left %s", out)
			}
			// And a build after the crash completes and removes what the
			// killed one left.
			mustBuild(t, in, out, db)
			if left := stagingLeft(t, tmp); len(left) > 0 {
				t.Errorf("staging directories left after the next build: %v", left)
			}
		})
	}
}

// stagingLeft lists the staging directories in dir.
func stagingLeft(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.Contains(e.Name(), stagingPrefix) {
			out = append(out, e.Name())
		}
	}
	return out
}

// checkIngestConsistent: every loaded file's counts add up and match the
// rows in the tables.
func checkIngestConsistent(t *testing.T, db *sql.DB) {
	t.Helper()
	var bad int
	err := db.QueryRow(`SELECT count(*) FROM ingest_file f
		WHERE f.status = 'loaded' AND (f.rows_read <> f.rows_loaded + f.rows_quarantined
		   OR f.rows_quarantined <> (SELECT count(*) FROM quarantine_row q WHERE q.file_sha256 = f.sha256))`).Scan(&bad)
	if err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d files whose counts do not add up after a crash", bad)
	}
	var orphans int
	if err := db.QueryRow(`SELECT count(*) FROM accident a WHERE a.source_sha256 NOT IN (SELECT sha256 FROM ingest_file WHERE status = 'loaded')`).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 {
		t.Errorf("%d accidents from a file whose load did not commit", orphans)
	}
}

// TestBuildMakesNoNetworkRequest runs a build under strace and fails on any
// connect() to an internet address.
func TestBuildMakesNoNetworkRequest(t *testing.T) {
	needFull(t)
	if testing.Short() {
		t.Skip("runs a build")
	}
	strace, err := exec.LookPath("strace")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("strace not found")
		}
		t.Skip("strace not installed")
	}
	in := testInput(t)
	tmp := t.TempDir()
	log := filepath.Join(tmp, "strace.log")
	cmd := exec.Command(strace, "-f", "-e", "trace=connect,sendto", "-o", log,
		os.Args[0], "build", "--in", in, "--out", filepath.Join(tmp, "public"), "--db", filepath.Join(tmp, "k.duckdb"))
	cmd.Env = append(os.Environ(), "KENSHO_TEST_MAIN=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build under strace: %v\n%s", err, out)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, "AF_INET") {
			t.Errorf("network call: %s", line)
		}
	}
	// And DuckDB refuses to fetch an extension it would need for a URL.
	db := duck.MustOpenMemory(t)
	if _, err := db.Exec("SELECT * FROM read_csv('https://127.0.0.1:9/x.csv')"); err == nil {
		t.Error("DuckDB read an https URL: httpfs was loaded")
	}
}

// TestBuildCanary plants unusual strings in every identifying column and in
// the free texts of several operators, builds, and checks that no byte of
// any output — the site and the release database — contains one.
func TestBuildCanary(t *testing.T) {
	needFull(t)
	if testing.Short() {
		t.Skip("runs a build")
	}
	tmp := t.TempDir()
	in := filepath.Join(tmp, "in")
	if err := os.MkdirAll(in, 0o755); err != nil {
		t.Fatal(err)
	}
	gen := filepath.Join(tmp, "gen")
	sum, err := synth.Generate(context.Background(), synth.Config{Seed: 11, From: 2024, To: 2024, Scale: 0.03, Format: "csv", Layout: "export"}, gen)
	if err != nil {
		t.Fatal(err)
	}
	// Every identifying field of every row of a third of the operators
	// gets a canary naming the operator and the field.
	var canaries []string
	opIDs := map[string]int{}
	for _, rel := range sum.Files {
		b, err := os.ReadFile(filepath.Join(gen, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		recs, col := readReports(t, bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
		for _, r := range recs[1:] {
			id := r[col["operator_id"]]
			if _, ok := opIDs[id]; !ok {
				opIDs[id] = len(opIDs)
			}
			n := opIDs[id]
			if n%3 != 0 {
				continue
			}
			for _, c := range kensho.InputColumns {
				f := c.Field
				i, ok := col[f]
				if !c.Identifier {
					continue
				}
				if !ok || f == "report_no" {
					continue // the key stays unique; it is not published either
				}
				v := fmt.Sprintf("ｶﾅﾘｱ%s·%d·Ω", strings.ToUpper(f), n)
				switch f {
				case "contact":
					v = fmt.Sprintf("canary%d@kanari-ω.example", n)
				case "summary", "prevention":
					v = fmt.Sprintf("%s発生。ｶﾅﾘｱOPERATOR_NAME·%d·Ωの設備。", r[i], n)
				case "site_location", "vendor_model", "partner_operator":
					if r[i] == "" {
						continue // the simplified form leaves them empty
					}
				}
				r[i] = v
				canaries = append(canaries, v)
			}
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.WriteAll(recs)
		if err := os.WriteFile(filepath.Join(in, strings.ReplaceAll(rel, "/", "_")), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if len(canaries) == 0 {
		t.Fatal("no canary planted")
	}
	out, db := filepath.Join(tmp, "public"), filepath.Join(tmp, "k.duckdb")
	mustBuild(t, in, out, db)

	needles := map[string]bool{}
	for _, c := range canaries {
		needles[c] = true
		for _, part := range strings.Split(c, "·") {
			if len([]rune(part)) >= 4 && part != "ｶﾅﾘｱ" {
				needles[part] = true
			}
		}
		needles[kensho.NormalizeText(c)] = true
	}
	needles["ｶﾅﾘｱ"], needles["カナリア"], needles["kanari"] = true, true, true
	for name, b := range outputContents(t, out, anonymize.ReleasePath(db)) {
		for n := range needles {
			if bytes.Contains(b, []byte(n)) {
				t.Errorf("%s contains the canary %q", name, n)
			}
		}
	}
}

// outputContents returns every output's content as bytes a search can see:
// files as they are, the entries of an XLSX (a zip) unpacked, a Parquet
// file and every table of the release database as their values in text.
func outputContents(t *testing.T, out, releaseDB string) map[string][]byte {
	t.Helper()
	db := duck.MustOpenMemory(t)
	dump := func(query string) []byte {
		rows, err := db.Query(query)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var buf bytes.Buffer
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				fmt.Fprintf(&buf, "%v\t", v)
			}
			buf.WriteByte('\n')
		}
		return buf.Bytes()
	}
	contents := map[string][]byte{}
	err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		contents[path] = b
		switch filepath.Ext(path) {
		case ".parquet":
			contents[path+" (values)"] = dump("SELECT * FROM read_parquet(" + duck.QuoteString(path) + ")")
		case ".xlsx":
			zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				return err
			}
			for _, f := range zr.File {
				rc, err := f.Open()
				if err != nil {
					return err
				}
				entry, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					return err
				}
				contents[path+"!"+f.Name] = entry
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("ATTACH " + duck.QuoteString(releaseDB) + " AS rel (READ_ONLY)"); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SELECT table_name FROM information_schema.tables WHERE table_catalog = 'rel' ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) == 0 {
		t.Fatal("the release database has no table")
	}
	for _, tb := range tables {
		contents[releaseDB+":"+tb] = dump("SELECT * FROM rel." + duck.QuoteIdent(tb))
	}
	return contents
}

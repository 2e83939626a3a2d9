package site_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/site"
)

var (
	update = flag.Bool("update", false, "rewrite the golden files in testdata/")
	keep   = flag.String("keep", "", "also leave the rendered fixture site in this `DIR` (must not exist), to look at")
	// -site checks a site rendered elsewhere (e.g. public/ after make run)
	// with the tests that do not depend on the fixture's figures.
	external = flag.String("site", "", "check the site in `DIR` instead of rendering the fixture")
)

// The site rendered once from the fixture, shared by the tests that only
// read it.
var (
	siteDir   string
	siteStats *site.Stats
)

func TestMain(m *testing.M) {
	flag.Parse()
	code, err := runMain(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "site tests:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func runMain(m *testing.M) (int, error) {
	tmp, err := os.MkdirTemp("", "kensho-site-test-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	opt := site.Options{}
	if *external != "" {
		siteDir = *external
		return m.Run(), nil
	}
	// The check page's bundle, built from the code under test into bin/check
	// (where make wasm writes it, and where Render finds it), so that the
	// page never checks with older rules than kensho check.
	if out, err := exec.Command("go", "run", "../internal/wasmbundle", "-out", "../bin/check").CombinedOutput(); err != nil {
		return 0, fmt.Errorf("build the check bundle: %v\n%s", err, out)
	}
	siteDir = filepath.Join(tmp, "public")
	siteStats, err = renderFixture(context.Background(), fixture(), siteDir, opt)
	if err != nil {
		return 0, err
	}
	if *keep != "" {
		if _, err := renderFixture(context.Background(), fixture(), *keep, opt); err != nil {
			return 0, err
		}
	}
	return m.Run(), nil
}

// renderFixture renders the site while it writes the microdata files as
// anonymize.ExportMicrodata would (CSV, and Parquet through DuckDB's COPY).
func renderFixture(ctx context.Context, rel *kensho.Release, dir string, opt site.Options) (*site.Stats, error) {
	opt.Records = func(ctx context.Context, dataDir string) error {
		return writeMicrodata(ctx, dataDir, rel.Microdata.Columns, microRows())
	}
	return site.Render(ctx, rel, dir, opt)
}

func writeMicrodata(ctx context.Context, dataDir string, cols []kensho.FieldSchema, rows [][]string) error {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	var head, types []string
	for _, c := range cols {
		head = append(head, c.Name)
		types = append(types, fmt.Sprintf("%s: %s", duck.QuoteString(c.Name), duckType(c.Type)))
	}
	w.Write(head)
	w.WriteAll(rows)
	csvPath := filepath.Join(dataDir, site.MicrodataCSV)
	if err := os.WriteFile(csvPath, buf.Bytes(), 0o644); err != nil {
		return err
	}
	db, err := duck.Open(ctx, "", duck.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	q := fmt.Sprintf("COPY (SELECT * FROM read_csv(%s, header = true, columns = {%s})) TO %s (FORMAT parquet)",
		duck.QuoteString(csvPath), strings.Join(types, ", "), duck.QuoteString(filepath.Join(dataDir, site.MicrodataParquet)))
	_, err = db.ExecContext(ctx, q)
	return err
}

func duckType(t string) string {
	switch t {
	case "integer":
		return "'BIGINT'"
	case "number":
		return "'DOUBLE'"
	case "boolean":
		return "'BOOLEAN'"
	}
	return "'VARCHAR'"
}

// readSite returns a file of the shared site.
func readSite(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(siteDir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// siteFiles lists every file of a site directory, slash-separated, sorted.
func siteFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// fixtureOnly skips a test that checks the fixture's own figures when the
// tests run against another site (-site).
func fixtureOnly(t *testing.T) {
	t.Helper()
	if *external != "" {
		t.Skip("checks the fixture's figures; -site is set")
	}
}

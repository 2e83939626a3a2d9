package site_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/site"
)

// TestSHA256SUMS: the sums cover every file under data/ but themselves,
// sorted, and each matches.
func TestSHA256SUMS(t *testing.T) {
	sums := string(readSite(t, "data/SHA256SUMS"))
	var listed []string
	for _, line := range strings.Split(strings.TrimSpace(sums), "\n") {
		hash, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("bad line %q", line)
		}
		h := sha256.Sum256(readSite(t, "data/"+name))
		if got := hex.EncodeToString(h[:]); got != hash {
			t.Errorf("%s: sum %s, file hashes to %s", name, hash, got)
		}
		listed = append(listed, name)
	}
	var want []string
	for _, f := range siteFiles(t, siteDir) {
		if strings.HasPrefix(f, "data/") && f != "data/SHA256SUMS" {
			want = append(want, strings.TrimPrefix(f, "data/"))
		}
	}
	sort.Strings(want) // SHA256SUMS is sorted by path
	if diff := cmp.Diff(want, listed); diff != "" {
		t.Errorf("SHA256SUMS lists (-want +got):\n%s", diff)
	}
}

// declaresMissing reports whether a schema's missingValues declare value
// with a label.
func declaresMissing(mvs []any, value string) bool {
	for _, mv := range mvs {
		if m, ok := mv.(map[string]any); ok && m["value"] == value && m["label"] != "" {
			return true
		}
	}
	return false
}

// TestDataPackage: every resource exists with its size and hash; every
// table's schema declares X as a labelled missing value and its fields are
// the CSV's header; every microdata CSV's declares *.
func TestDataPackage(t *testing.T) {
	fixtureOnly(t)
	var dp struct {
		Schema    string `json:"$schema"`
		Licenses  []struct{ Name string }
		Resources []struct {
			Name, Path, Hash string
			Bytes            int64
			Schema           *struct {
				Fields []struct {
					Name, Type string
				}
				PrimaryKey    []string `json:"primaryKey"`
				MissingValues []any    `json:"missingValues"`
			}
		}
	}
	if err := json.Unmarshal(readSite(t, "data/datapackage.json"), &dp); err != nil {
		t.Fatal(err)
	}
	if dp.Schema != "https://datapackage.org/profiles/2.0/datapackage.json" || len(dp.Licenses) != 1 || dp.Licenses[0].Name != "CC-BY-4.0" {
		t.Errorf("profile %q, licences %+v", dp.Schema, dp.Licenses)
	}
	names := map[string]bool{}
	tables := 0
	for _, r := range dp.Resources {
		if names[r.Name] {
			t.Errorf("resource name %s twice", r.Name)
		}
		names[r.Name] = true
		b := readSite(t, "data/"+r.Path)
		h := sha256.Sum256(b)
		if r.Hash != "sha256:"+hex.EncodeToString(h[:]) || r.Bytes != int64(len(b)) {
			t.Errorf("%s: hash %s bytes %d, file has %x and %d", r.Path, r.Hash, r.Bytes, h, len(b))
		}
		if strings.HasPrefix(r.Path, "microdata_") && strings.HasSuffix(r.Path, ".csv") {
			if !declaresMissing(r.Schema.MissingValues, "*") {
				t.Errorf("%s: missing values %+v do not declare * with a label", r.Path, r.Schema.MissingValues)
			}
		}
		if !strings.HasPrefix(r.Path, "tables/") {
			continue
		}
		tables++
		head, err := csv.NewReader(bytes.NewReader(b)).Read()
		if err != nil {
			t.Fatal(err)
		}
		var fields []string
		for _, f := range r.Schema.Fields {
			fields = append(fields, f.Name)
		}
		if diff := cmp.Diff(head, fields); diff != "" {
			t.Errorf("%s: fields (-header +schema):\n%s", r.Path, diff)
		}
		if !declaresMissing(r.Schema.MissingValues, "X") {
			t.Errorf("%s: missing values %+v do not declare X with a label", r.Path, r.Schema.MissingValues)
		}
	}
	if tables != len(fixture().Tables) {
		t.Errorf("%d table resources, want %d", tables, len(fixture().Tables))
	}
}

// TestDictionary: dictionary.csv documents every column of every CSV
// download and of the Parquet files.
func TestDictionary(t *testing.T) {
	recs, err := csv.NewReader(bytes.NewReader(readSite(t, "data/dictionary.csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"file", "column", "type", "meaning_ja", "meaning_en", "codes"}, recs[0]); diff != "" {
		t.Fatalf("header (-want +got):\n%s", diff)
	}
	documented := map[string]bool{}
	for _, r := range recs[1:] {
		documented[r[0]+"\x00"+r[1]] = true
		if r[2] == "" || r[3] == "" || r[4] == "" {
			t.Errorf("%s %s: empty type or meaning", r[0], r[1])
		}
	}
	for _, f := range siteFiles(t, siteDir) {
		if !strings.HasPrefix(f, "data/") || !strings.HasSuffix(f, ".csv") {
			continue
		}
		name := strings.TrimPrefix(f, "data/")
		head, err := csv.NewReader(bytes.NewReader(readSite(t, f))).Read()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range head {
			if !documented[name+"\x00"+c] {
				t.Errorf("dictionary.csv does not document %s column %s", name, c)
			}
		}
	}
	db := duck.MustOpenMemory(t)
	q := "SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(" + duck.QuoteString(filepath.Join(siteDir, "data", site.TablesParquet)) + "))"
	for _, r := range scanStrings(t, mustQuery(t, db, q)) {
		if !documented[site.TablesParquet+"\x00"+r[0]] {
			t.Errorf("dictionary.csv does not document %s column %s", site.TablesParquet, r[0])
		}
	}
	for _, c := range microColumns {
		if *external != "" {
			break // the fixture's columns
		}
		if !documented[microParquet+"\x00"+c.Name] {
			t.Errorf("dictionary.csv does not document %s column %s", microParquet, c.Name)
		}
	}
}

// TestReadBack opens the downloads in DuckDB: the CSV and the Parquet of
// the record-level data hold the same rows, and every table's CSV holds
// exactly the release's rows (X for suppressed, NULL when not applicable).
func TestReadBack(t *testing.T) {
	fixtureOnly(t)
	db := duck.MustOpenMemory(t)
	ctx := context.Background()
	data := filepath.Join(siteDir, "data")
	csvQ := fmt.Sprintf("SELECT * FROM read_csv(%s, header = true)", duck.QuoteString(filepath.Join(data, microCSV)))
	pqQ := fmt.Sprintf("SELECT * FROM read_parquet(%s)", duck.QuoteString(filepath.Join(data, microParquet)))
	var nCSV, nPQ, diff int
	mustScan(t, db.QueryRowContext(ctx, "SELECT count(*) FROM ("+csvQ+")"), &nCSV)
	mustScan(t, db.QueryRowContext(ctx, "SELECT count(*) FROM ("+pqQ+")"), &nPQ)
	mustScan(t, db.QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) FROM ((%s EXCEPT ALL %s) UNION ALL (%s EXCEPT ALL %s))", csvQ, pqQ, pqQ, csvQ)), &diff)
	if nCSV != len(microRows()) || nPQ != nCSV || diff != 0 {
		t.Errorf("microdata: CSV %d rows, Parquet %d rows, %d rows differ; want %d each and none", nCSV, nPQ, diff, len(microRows()))
	}

	for _, tb := range fixture().Tables {
		path := filepath.Join(data, "tables", tb.Name+".csv")
		// The codes and values must read back exactly; the _ja/_en label
		// columns beside coded dimensions are checked below.
		var cols []string
		for _, d := range tb.Dims {
			cols = append(cols, duck.QuoteIdent(d.Name))
		}
		for _, m := range tb.Measures {
			cols = append(cols, duck.QuoteIdent(m.Name))
		}
		rows, err := db.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM read_csv(%s, header = true, all_varchar = true)", strings.Join(cols, ", "), duck.QuoteString(path)))
		if err != nil {
			t.Fatal(err)
		}
		got := scanStrings(t, rows)
		var want [][]string
		for _, r := range tb.Rows {
			rec := append([]string{}, r.Key...)
			for i, c := range r.Cells {
				switch c.Status {
				case kensho.Suppressed:
					rec = append(rec, "X")
				case kensho.NotApplicable:
					rec = append(rec, "NULL")
				default:
					rec = append(rec, strings.TrimSuffix(fmt.Sprintf("%.*f", tb.Measures[i].Decimals, c.Value), ""))
				}
			}
			want = append(want, rec)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-release +DuckDB):\n%s", tb.Name, diff)
		}
		checkMarks(t, tb, readSite(t, "data/tables/"+tb.Name+".csv"))
		for _, d := range tb.Dims {
			if !kensho.Labelled(d.Name) {
				continue
			}
			q := fmt.Sprintf("SELECT DISTINCT %s, %s, %s FROM read_csv(%s, header = true, all_varchar = true) ORDER BY 1",
				duck.QuoteIdent(d.Name), duck.QuoteIdent(d.Name+"_ja"), duck.QuoteIdent(d.Name+"_en"), duck.QuoteString(path))
			rows, err := db.QueryContext(ctx, q)
			if err != nil {
				t.Fatalf("%s: labels of %s: %v", tb.Name, d.Name, err)
			}
			for _, r := range scanStrings(t, rows) {
				if l, _ := kensho.KeyLabel(d.Name, r[0]); r[1] != l.Ja || r[2] != l.En {
					t.Errorf("%s: %s %q labelled %q / %q", tb.Name, d.Name, r[0], r[1], r[2])
				}
			}
		}
	}
}

// checkMarks compares the marks columns of a table's CSV with the
// release: p on every figure of the partial year, withheld ones included,
// r on a published figure that was revised, "p r" for both, and nothing
// on a cell without a figure or on a margin over years.
func checkMarks(t *testing.T, tb kensho.StatTable, b []byte) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	fy := slices.IndexFunc(tb.Dims, func(d kensho.Dim) bool { return d.Name == "fiscal_year" })
	for ri, r := range tb.Rows {
		for mi, c := range r.Cells {
			var want []string
			if fy >= 0 && r.Key[fy] == strconv.Itoa(fixturePartial) && c.Status != kensho.NotApplicable {
				want = append(want, "p")
			}
			if c.Revised && c.Status == kensho.Published {
				want = append(want, "r")
			}
			name := tb.Measures[mi].Name + "_mark"
			i, ok := col[name]
			if !ok {
				t.Errorf("%s: no column %s", tb.Name, name)
				return
			}
			if got := recs[ri+1][i]; got != strings.Join(want, " ") {
				t.Errorf("%s row %v: %s = %q, want %q", tb.Name, r.Key, name, got, strings.Join(want, " "))
			}
		}
	}
}

func mustScan(t *testing.T, r *sql.Row, dest ...any) {
	t.Helper()
	if err := r.Scan(dest...); err != nil {
		t.Fatal(err)
	}
}

func scanStrings(t *testing.T, rows *sql.Rows) [][]string {
	t.Helper()
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		rec := make([]string, len(cols))
		for i, v := range vals {
			rec[i] = "NULL"
			if v.Valid {
				rec[i] = v.String
			}
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestXLSX: the workbook has a contents sheet and one sheet per table, with
// numbers as numbers and X as text.
func TestXLSX(t *testing.T) {
	fixtureOnly(t)
	f, _, sheetOf := openTablesXLSX(t)
	sheets := f.GetSheetList()
	if len(sheets) != len(fixture().Tables)+1 || sheets[0] != "contents" {
		t.Fatalf("sheets %v", sheets)
	}
	rel := fixture()
	for _, tb := range rel.Tables {
		if len(sheetOf[tb.Name]) > 31 {
			t.Errorf("%s: sheet name %q is longer than Excel allows", tb.Name, sheetOf[tb.Name])
		}
		rows, err := f.GetRows(sheetOf[tb.Name])
		if err != nil {
			t.Fatalf("%s: %v", tb.Name, err)
		}
		if len(rows) != len(tb.Rows)+1 {
			t.Errorf("%s: %d rows, want %d", tb.Name, len(rows), len(tb.Rows)+1)
		}
	}
	// A suppressed cell: accidents_by_year, FY2013 simplified serious.
	rows, _ := f.GetRows("accidents_by_year")
	found := false
	for _, r := range rows {
		if len(r) == 4 && r[0] == "2013" && r[1] == "simplified" && r[2] == "serious" {
			found = true
			if r[3] != "X" {
				t.Errorf("suppressed cell reads %q, want X", r[3])
			}
		}
	}
	if !found {
		t.Error("no row for the suppressed cell")
	}
	typ, err := f.GetCellType("accidents_by_year", "D2")
	if err != nil || typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("D2 is of type %v (%v), want a number", typ, err)
	}
}

// openTablesXLSX opens the shared site's tables.xlsx (closed when the test
// ends) and reads its contents sheet: its rows, and each table's sheet by
// the table's name.
func openTablesXLSX(t *testing.T) (*excelize.File, [][]string, map[string]string) {
	t.Helper()
	f, err := excelize.OpenFile(filepath.Join(siteDir, "data", "tables.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	contents, err := f.GetRows("contents")
	if err != nil {
		t.Fatal(err)
	}
	sheetOf := map[string]string{}
	for _, r := range contents[1:] {
		if len(r) >= 2 {
			sheetOf[r[1]] = r[0]
		}
	}
	return f, contents, sheetOf
}

// TestXLSXDictionary: dictionary.csv documents every sheet of tables.xlsx
// and datapackage.json lists them (see checkXLSXDictionary).
func TestXLSXDictionary(t *testing.T) {
	sheets := checkXLSXDictionary(t, siteDir)
	if *external == "" && len(sheets) != len(fixture().Tables)+1 {
		t.Errorf("sheets %v: want the contents and one per table", sheets)
	}
}

// TestXLSXDictionaryLongNames: when two table names share their first 31
// characters, the data dictionary and datapackage.json name the sheets as
// the workbook has them, cut to Excel's 31 characters and made unique.
func TestXLSXDictionaryLongNames(t *testing.T) {
	fixtureOnly(t)
	rel := fixture()
	const long = "accidents_by_fiscal_year_and_cause_" // 35 characters
	renamed := map[string]string{"trend_by_cause_group": long + "a", "seasonality_by_quarter": long + "b"}
	for i, tb := range rel.Tables {
		if n, ok := renamed[tb.Name]; ok {
			rel.Tables[i].Name = n
			delete(renamed, tb.Name)
		}
	}
	if len(renamed) != 0 {
		t.Fatalf("the fixture has no table %v", slices.Sorted(maps.Keys(renamed)))
	}
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := renderFixture(context.Background(), rel, dir, site.Options{}); err != nil {
		t.Fatal(err)
	}
	sheets := checkXLSXDictionary(t, dir)
	var cut []string
	for _, s := range sheets {
		if len(s) > 31 {
			t.Errorf("sheet %q is longer than Excel allows", s)
		}
		if strings.HasPrefix(s, long[:20]) {
			cut = append(cut, s)
		}
	}
	if want := []string{long[:31], long[:29] + "~2"}; !slices.Equal(cut, want) {
		t.Errorf("sheets of the long names %q, want %q", cut, want)
	}
}

// checkXLSXDictionary checks the tables.xlsx of the site in dir against
// its dictionary.csv and datapackage.json, and returns the workbook's
// sheets. Every sheet has rows in dictionary.csv, under the file
// tables.xlsx#<sheet>, for exactly the columns of its header, in order, and
// no other sheet has any; a table's sheet means by each column what the
// table's CSV does. datapackage.json's tables.xlsx lists the workbook's
// sheets in order, each with the table and titles the contents sheet gives
// it and its header's columns as fields.
func checkXLSXDictionary(t *testing.T, dir string) []string {
	t.Helper()
	f, err := excelize.OpenFile(filepath.Join(dir, "data", "tables.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	head := map[string][]string{} // sheet -> its header
	var contents [][]string
	for _, s := range sheets {
		rows, err := f.GetRows(s)
		if err != nil || len(rows) == 0 {
			t.Fatalf("sheet %s: %d rows, %v", s, len(rows), err)
		}
		head[s] = rows[0]
		if s == "contents" {
			contents = rows
		}
	}
	if contents == nil {
		t.Fatalf("sheets %v: no contents", sheets)
	}
	type listed struct{ table, titleJa, titleEn string }
	ofSheet := map[string]listed{"contents": {}}
	for _, r := range contents[1:] {
		if len(r) >= 4 { // the list of tables; the legend below has one column
			ofSheet[r[0]] = listed{r[1], r[2], r[3]}
		}
	}

	b, err := os.ReadFile(filepath.Join(dir, "data", "dictionary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	columns := map[string][]string{} // file -> its documented columns, in order
	meaning := map[string][]string{} // file and column -> type, meanings, codes
	for _, r := range recs[1:] {
		columns[r[0]] = append(columns[r[0]], r[1])
		meaning[r[0]+"\x00"+r[1]] = r[2:]
	}
	for _, s := range sheets {
		file := "tables.xlsx#" + s
		if diff := cmp.Diff(head[s], columns[file]); diff != "" {
			t.Errorf("dictionary.csv documents %s as (-header +dictionary):\n%s", file, diff)
		}
		l, ok := ofSheet[s]
		if !ok {
			t.Errorf("sheet %s is not in the contents", s)
			continue
		}
		if l.table == "" {
			continue
		}
		for _, c := range columns[file] {
			if diff := cmp.Diff(meaning["tables/"+l.table+".csv\x00"+c], meaning[file+"\x00"+c]); diff != "" {
				t.Errorf("%s column %s means (-table's CSV +sheet):\n%s", file, c, diff)
			}
		}
	}
	for file := range columns {
		if s, ok := strings.CutPrefix(file, "tables.xlsx#"); ok && !slices.Contains(sheets, s) {
			t.Errorf("dictionary.csv documents %s, which tables.xlsx does not have", file)
		}
	}

	type xlsxResource struct {
		Path   string
		Sheets []struct {
			Name, Table, Title, Description string
			Schema                          struct {
				Fields []struct{ Name string }
			}
		}
	}
	var dp struct{ Resources []xlsxResource }
	b, err = os.ReadFile(filepath.Join(dir, "data", "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &dp); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(dp.Resources, func(r xlsxResource) bool { return r.Path == "tables.xlsx" })
	if i < 0 {
		t.Fatal("datapackage.json has no tables.xlsx")
	}
	var names []string
	for _, s := range dp.Resources[i].Sheets {
		names = append(names, s.Name)
		var fields []string
		for _, fd := range s.Schema.Fields {
			fields = append(fields, fd.Name)
		}
		if diff := cmp.Diff(head[s.Name], fields); diff != "" {
			t.Errorf("datapackage.json: sheet %s's fields (-header +fields):\n%s", s.Name, diff)
		}
		l := ofSheet[s.Name]
		if s.Table != l.table || s.Title == "" || s.Description == "" || l.table != "" && (s.Title != l.titleEn || s.Description != l.titleJa) {
			t.Errorf("datapackage.json: sheet %s is table %q titled %q / %q; the contents have %+v", s.Name, s.Table, s.Description, s.Title, l)
		}
	}
	if diff := cmp.Diff(sheets, names); diff != "" {
		t.Errorf("datapackage.json's sheets of tables.xlsx (-workbook +datapackage):\n%s", diff)
	}
	return sheets
}

// TestDeterministic renders the fixture twice: every file is byte-identical.
func TestDeterministic(t *testing.T) {
	fixtureOnly(t)
	dir := filepath.Join(t.TempDir(), "again")
	opt := site.Options{}
	if _, err := renderFixture(context.Background(), fixture(), dir, opt); err != nil {
		t.Fatal(err)
	}
	a, b := siteFiles(t, siteDir), siteFiles(t, dir)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("files differ (-first +second):\n%s", diff)
	}
	for _, f := range a {
		x, _ := os.ReadFile(filepath.Join(siteDir, f))
		y, _ := os.ReadFile(filepath.Join(dir, f))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two renders", f)
		}
	}
}

// TestTablesParquet reads tables.parquet back with DuckDB: its columns have
// the declared types, and every table's cells are those of the table's CSV,
// cell by cell, in the CSV's order, with NULL for a dimension the table
// lacks. No withheld cell carries a value.
func TestTablesParquet(t *testing.T) {
	db := duck.MustOpenMemory(t)
	ctx := context.Background()
	pq := "read_parquet(" + duck.QuoteString(filepath.Join(siteDir, "data", site.TablesParquet)) + ", file_row_number = true)"

	types := map[string]string{}
	var names []string
	for _, r := range scanStrings(t, mustQuery(t, db, "SELECT column_name, column_type FROM (DESCRIBE SELECT * EXCLUDE (file_row_number) FROM "+pq+")")) {
		names = append(names, r[0])
		types[r[0]] = r[1]
	}
	if len(names) < 6 || names[0] != "table_name" || !slices.Equal(names[len(names)-4:], []string{"measure", "value", "status", "mark"}) {
		t.Fatalf("columns %v: want table_name, the dimensions, measure, value, status, mark", names)
	}
	for _, n := range names {
		if want := map[bool]string{true: "DOUBLE", false: "VARCHAR"}[n == "value"]; types[n] != want {
			t.Errorf("column %s is %s, want %s", n, types[n], want)
		}
	}

	var withheldValues int
	mustScan(t, db.QueryRowContext(ctx, "SELECT count(*) FROM "+pq+" WHERE status <> 'published' AND value IS NOT NULL"), &withheldValues)
	if withheldValues != 0 {
		t.Errorf("%d withheld or not-applicable cells carry a value", withheldValues)
	}

	var csvTables []string
	for _, f := range siteFiles(t, siteDir) {
		if name, ok := strings.CutPrefix(f, "data/tables/"); ok {
			csvTables = append(csvTables, strings.TrimSuffix(name, ".csv"))
		}
	}
	suppressed := 0
	for _, name := range csvTables {
		recs, err := csv.NewReader(bytes.NewReader(readSite(t, "data/tables/"+name+".csv"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		head := recs[0]
		nKey := 0 // the dimension and label columns come first
		for nKey < len(head) && slices.Contains(names, head[nKey]) {
			nKey++
		}
		// Then each measure and its marks (<measure>_mark), which
		// tables.parquet holds in its column mark (TestTablesParquetMarks).
		var measures []string
		var measureCol []int
		for i, h := range head[nKey:] {
			if i%2 == 1 {
				if h != measures[len(measures)-1]+"_mark" {
					t.Errorf("%s: column %s after measure %s, want its marks", name, h, measures[len(measures)-1])
				}
				continue
			}
			measures = append(measures, h)
			measureCol = append(measureCol, nKey+i)
		}
		// The table's rows, its key columns as in the CSV, and every other
		// dimension column, which must be NULL.
		var others []string
		for _, n := range names[1 : len(names)-4] {
			if !slices.Contains(head[:nKey], n) {
				others = append(others, duck.QuoteIdent(n))
			}
		}
		cols := []string{"measure", "value", "status", "list_value(" + strings.Join(append(others, "NULL"), ", ") + ")::VARCHAR"}
		for _, h := range head[:nKey] {
			cols = append(cols, duck.QuoteIdent(h))
		}
		got := scanStrings(t, mustQuery(t, db, fmt.Sprintf("SELECT %s FROM %s WHERE table_name = %s ORDER BY file_row_number",
			strings.Join(cols, ", "), pq, duck.QuoteString(name))))
		if len(got) != (len(recs)-1)*len(measures) {
			t.Errorf("%s: %d cells in Parquet, %d in CSV", name, len(got), (len(recs)-1)*len(measures))
			continue
		}
		allNull := "[" + strings.TrimSuffix(strings.Repeat("NULL, ", len(others)+1), ", ") + "]"
		for i, rec := range recs[1:] {
			for j, m := range measures {
				g := got[i*len(measures)+j]
				where := fmt.Sprintf("%s row %d %s", name, i+2, m)
				if g[0] != m || !slices.Equal(g[4:], rec[:nKey]) || g[3] != allNull {
					t.Errorf("%s: measure %q keys %v (others %s), CSV has %q %v", where, g[0], g[4:], g[3], m, rec[:nKey])
				}
				switch cell := rec[measureCol[j]]; cell {
				case "X":
					suppressed++
					if g[1] != "NULL" || g[2] != "suppressed" {
						t.Errorf("%s: withheld in CSV, Parquet has value %s status %s", where, g[1], g[2])
					}
				case "":
					if g[1] != "NULL" || g[2] != "not_applicable" {
						t.Errorf("%s: empty in CSV, Parquet has value %s status %s", where, g[1], g[2])
					}
				default:
					want, _ := strconv.ParseFloat(cell, 64)
					v, err := strconv.ParseFloat(g[1], 64)
					if err != nil || v != want || g[2] != "published" {
						t.Errorf("%s: CSV %s, Parquet has value %s status %s", where, cell, g[1], g[2])
					}
				}
			}
		}
	}
	if *external == "" && suppressed == 0 {
		t.Error("the fixture has no suppressed cell to check")
	}
}

func mustQuery(t *testing.T, db *sql.DB, q string) *sql.Rows {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return rows
}

// csvMarks are the marks of a table as its CSV has them: the measures in
// order, and per row (in the CSV's order) each measure's <measure>_mark
// and whether the figure is withheld.
type csvMarks struct {
	measures []string
	marks    [][]string
	withheld [][]bool
}

// readCSVMarks reads the marks of every table's CSV of the shared site,
// by table name. A withheld figure must never be marked r: the mark would
// tell that its hidden value changed.
func readCSVMarks(t *testing.T) map[string]csvMarks {
	t.Helper()
	out := map[string]csvMarks{}
	for _, f := range siteFiles(t, siteDir) {
		name, ok := strings.CutPrefix(f, "data/tables/")
		if !ok {
			continue
		}
		name = strings.TrimSuffix(name, ".csv")
		recs := readCSVRecords(t, siteDir, f)
		var tm csvMarks
		var valueCol, markCol []int
		for i, h := range recs[0] {
			if i+1 < len(recs[0]) && recs[0][i+1] == h+"_mark" {
				tm.measures = append(tm.measures, h)
				valueCol, markCol = append(valueCol, i), append(markCol, i+1)
			}
		}
		if len(tm.measures) == 0 {
			t.Fatalf("%s: no measure followed by its marks in %v", f, recs[0])
		}
		for ri, r := range recs[1:] {
			marks, withheld := make([]string, len(tm.measures)), make([]bool, len(tm.measures))
			for j := range tm.measures {
				marks[j], withheld[j] = r[markCol[j]], r[valueCol[j]] == "X"
				if withheld[j] && slices.Contains(strings.Fields(marks[j]), "r") {
					t.Errorf("%s row %d: withheld %s marked %q", f, ri+2, tm.measures[j], marks[j])
				}
			}
			tm.marks, tm.withheld = append(tm.marks, marks), append(tm.withheld, withheld)
		}
		out[name] = tm
	}
	return out
}

// countMarks adds the p and r of marks to seen.
func countMarks(seen map[string]int, marks string) {
	for _, m := range strings.Fields(marks) {
		seen[m]++
	}
}

// TestXLSXMarks: every sheet of tables.xlsx follows each measure with its
// marks, <measure>_mark, holding for every cell what the table's CSV
// holds (a blank cell where the CSV's is empty), never r on a withheld
// figure; the contents sheet explains p and r in both languages.
func TestXLSXMarks(t *testing.T) {
	want := readCSVMarks(t)
	f, contents, sheetOf := openTablesXLSX(t)
	var legend []string // the lines of one cell below the list of sheets
	for _, r := range contents[1:] {
		if len(r) == 1 {
			legend = append(legend, r[0])
		}
	}
	var missing []string
	for _, w := range []string{"p = 速報値(集計途中の年度)", "r = 訂正値(前回公表から改訂)", "p = provisional (a fiscal year still open)", "r = revised since the previous release"} {
		if !slices.Contains(legend, w) {
			missing = append(missing, w)
		}
	}
	if missing != nil {
		t.Errorf("the contents sheet's legend %q does not say %q", legend, missing)
	}
	seen := map[string]int{}
	for _, name := range slices.Sorted(maps.Keys(want)) { // sorted, so that failures read in order
		tm := want[name]
		sheet, ok := sheetOf[name]
		if !ok {
			t.Errorf("%s: no sheet in the contents", name)
			continue
		}
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(rows) != len(tm.marks)+1 {
			t.Errorf("%s: %d rows in the sheet, %d in the CSV", name, len(rows)-1, len(tm.marks))
			continue
		}
		var cols []int // each measure's column in the sheet
		for _, m := range tm.measures {
			i := slices.Index(rows[0], m)
			if i < 0 || i+1 >= len(rows[0]) || rows[0][i+1] != m+"_mark" {
				t.Fatalf("%s: header %v: want %s followed by %s_mark", name, rows[0], m, m)
			}
			cols = append(cols, i)
		}
		at := func(r []string, i int) string { // GetRows leaves out trailing blank cells
			if i < len(r) {
				return r[i]
			}
			return ""
		}
		for ri, r := range rows[1:] {
			for j, m := range tm.measures {
				got, value := at(r, cols[j]+1), at(r, cols[j])
				countMarks(seen, got)
				if got != tm.marks[ri][j] {
					t.Errorf("%s row %d: %s_mark %q, the CSV has %q", name, ri+2, m, got, tm.marks[ri][j])
				}
				if (value == "X") != tm.withheld[ri][j] {
					t.Errorf("%s row %d: %s reads %q, withheld in the CSV: %v", name, ri+2, m, value, tm.withheld[ri][j])
				}
				if value == "X" && slices.Contains(strings.Fields(got), "r") {
					t.Errorf("%s row %d: withheld %s marked %q", name, ri+2, m, got)
				}
			}
		}
	}
	if *external == "" && (seen["p"] == 0 || seen["r"] == 0) {
		t.Errorf("marks seen %v: the fixture must have figures marked p and r", seen)
	}
}

// TestTablesParquetMarks: tables.parquet's column mark holds every cell's
// marks as the table's CSV has them in <measure>_mark, NULL where the CSV
// has none (never ""), never r on a withheld figure; datapackage.json
// declares the marks as its values.
func TestTablesParquetMarks(t *testing.T) {
	want := readCSVMarks(t)
	db := duck.MustOpenMemory(t)
	pq := "read_parquet(" + duck.QuoteString(filepath.Join(siteDir, "data", site.TablesParquet)) + ", file_row_number = true)"
	got := map[string][][]string{} // table -> its cells in file order: measure, mark, status
	for _, r := range scanStrings(t, mustQuery(t, db, "SELECT table_name, measure, mark, status FROM "+pq+" ORDER BY file_row_number")) {
		got[r[0]] = append(got[r[0]], r[1:])
	}
	seen := map[string]int{}
	for _, name := range slices.Sorted(maps.Keys(want)) { // sorted, so that failures read in order
		tm := want[name]
		cells := got[name]
		if len(cells) != len(tm.marks)*len(tm.measures) {
			t.Errorf("%s: %d cells in Parquet, %d in the CSV", name, len(cells), len(tm.marks)*len(tm.measures))
			continue
		}
		for ri := range tm.marks {
			for j, m := range tm.measures {
				c := cells[ri*len(tm.measures)+j]
				where := fmt.Sprintf("%s row %d %s", name, ri+2, m)
				mark := c[1]
				switch mark {
				case "":
					t.Errorf("%s: mark is \"\", want NULL for no mark", where)
				case "NULL":
					mark = ""
				}
				countMarks(seen, mark)
				if c[0] != m || mark != tm.marks[ri][j] {
					t.Errorf("%s: Parquet has %s marked %s, the CSV %q", where, c[0], c[1], tm.marks[ri][j])
				}
				if (c[2] == "suppressed") != tm.withheld[ri][j] {
					t.Errorf("%s: status %s, withheld in the CSV: %v", where, c[2], tm.withheld[ri][j])
				}
				if c[2] != "published" && slices.Contains(strings.Fields(mark), "r") {
					t.Errorf("%s: a %s cell marked %q", where, c[2], mark)
				}
			}
		}
	}
	if *external == "" && (seen["p"] == 0 || seen["r"] == 0) {
		t.Errorf("marks seen %v: the fixture must have figures marked p and r", seen)
	}

	var dp struct {
		Resources []struct {
			Path   string
			Schema *struct {
				Fields []struct {
					Name, Type, Description string
					Constraints             *struct{ Enum []string }
				}
			}
		}
	}
	if err := json.Unmarshal(readSite(t, "data/datapackage.json"), &dp); err != nil {
		t.Fatal(err)
	}
	declared := false
	for _, r := range dp.Resources {
		if r.Path != site.TablesParquet {
			continue
		}
		for _, f := range r.Schema.Fields {
			if f.Name != "mark" {
				continue
			}
			declared = true
			if f.Type != "string" || f.Constraints == nil || !slices.Equal(f.Constraints.Enum, []string{"p", "r", "p r"}) {
				t.Errorf("%s: mark is %s with constraints %+v, want a string with the enum p, r, \"p r\"", r.Path, f.Type, f.Constraints)
			}
			if !strings.Contains(f.Description, "NULL = 記号なし") || !strings.Contains(f.Description, "NULL = no mark") {
				t.Errorf("%s: mark's description %q does not say that NULL is no mark", r.Path, f.Description)
			}
		}
	}
	if !declared {
		t.Errorf("datapackage.json does not declare %s's column mark", site.TablesParquet)
	}
}

package attack

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Total is the key of a margin in a published table.
const Total = "total"

// Suppressed is how a withheld figure is printed.
const Suppressed = "X"

// Publication is everything the attacker reads from a release's data/
// directory: the tables, the record-level extracts and the code lists.
type Publication struct {
	Dir      string
	Tables   []*Table
	Extracts []*Extract
	Codes    *Codes
	// Public are the accidents the release lists as already public
	// (data/public_cases.csv), known to every reader.
	Public []PublicCase
	// Probes are figures to bound beyond the withheld cells, which the
	// caller names: a microdata class it knows the release left out (the
	// harness knows which from the truth; a reader would bound every
	// class an extract could have).
	Probes []*Figure
	// Created is when the release was made (datapackage.json); zero when
	// the descriptor does not say.
	Created time.Time
}

// Table is one published table: its key columns (the datapackage's
// primaryKey), its measure columns and its rows.
type Table struct {
	Name     string
	Keys     []string
	Measures []string
	Rows     []Row
}

// Row is one row of a table: its keys (in Keys order) and its measures as
// printed ("" not applicable, "X" suppressed).
type Row struct {
	Key    []string
	Values []string
}

// Extract is one record-level file: its fields (record_id left out) and
// its records.
type Extract struct {
	Name    string
	Fields  []string
	Records [][]string
}

// Load reads a release from dir (the --out of a build, or its data/
// directory). It reads only the published files.
func Load(dir string) (*Publication, error) {
	data := dir
	if _, err := os.Stat(filepath.Join(dir, "data", "datapackage.json")); err == nil {
		data = filepath.Join(dir, "data")
	}
	pkg, err := readPackage(filepath.Join(data, "datapackage.json"))
	if err != nil {
		return nil, err
	}
	p := &Publication{Dir: data}
	if pkg.Created != "" {
		if p.Created, err = time.Parse(time.RFC3339, pkg.Created); err != nil {
			return nil, fmt.Errorf("%s: created %q: %w", filepath.Join(data, "datapackage.json"), pkg.Created, err)
		}
	}
	p.Codes, err = loadCodes(filepath.Join(data, "codes"))
	if err != nil {
		return nil, err
	}
	for _, r := range pkg.Resources {
		switch {
		case strings.HasPrefix(r.Path, "tables/") && strings.HasSuffix(r.Path, ".csv"):
			t, err := readTable(filepath.Join(data, filepath.FromSlash(r.Path)), r.Schema.PrimaryKey)
			if err != nil {
				return nil, err
			}
			p.Tables = append(p.Tables, t)
		case strings.HasPrefix(r.Path, "microdata") && strings.HasSuffix(r.Path, ".csv"):
			e, err := readExtract(filepath.Join(data, r.Path))
			if err != nil {
				return nil, err
			}
			p.Extracts = append(p.Extracts, e)
		}
	}
	if len(p.Tables) == 0 {
		return nil, fmt.Errorf("%s: datapackage.json lists no table", data)
	}
	if p.Public, err = readPublicCases(data, p.Codes); err != nil {
		return nil, err
	}
	// Deterministic order whatever the descriptor's.
	sort.Slice(p.Tables, func(i, j int) bool { return p.Tables[i].Name < p.Tables[j].Name })
	sort.Slice(p.Extracts, func(i, j int) bool { return p.Extracts[i].Name < p.Extracts[j].Name })
	return p, nil
}

type dataPackage struct {
	// Created is the release's date (site/data.go: the build date at
	// midnight JST).
	Created   string `json:"created"`
	Resources []struct {
		Name   string `json:"name"`
		Path   string `json:"path"`
		Schema struct {
			PrimaryKey []string `json:"primaryKey"`
		} `json:"schema"`
	} `json:"resources"`
}

func readPackage(path string) (*dataPackage, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var dp dataPackage
	if err := json.Unmarshal(b, &dp); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &dp, nil
}

// readCSV reads a whole CSV file with its header.
func readCSV(path string) ([]string, [][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = false
	head, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: header: %w", path, err)
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff")
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		rows = append(rows, rec)
	}
	return head, rows, nil
}

// readTable reads a table CSV: the key columns are the descriptor's
// primaryKey; a column named <key>_ja or <key>_en is a label, one named
// <measure>_mark the marks of a measure's cells; every other column is a
// measure.
func readTable(path string, keys []string) (*Table, error) {
	head, rows, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: the descriptor gives no primaryKey", path)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	isKey := map[string]bool{}
	var keyIdx []int
	for _, k := range keys {
		i, ok := col[k]
		if !ok {
			return nil, fmt.Errorf("%s: key column %q missing", path, k)
		}
		isKey[k] = true
		keyIdx = append(keyIdx, i)
	}
	t := &Table{Name: strings.TrimSuffix(filepath.Base(path), ".csv"), Keys: keys}
	var measIdx []int
	for i, h := range head {
		base := strings.TrimSuffix(strings.TrimSuffix(h, "_ja"), "_en")
		if isKey[h] || (base != h && isKey[base]) {
			continue
		}
		// <m>_mark holds the e-Stat marks (p, r) of measure <m>'s cells.
		if m, ok := strings.CutSuffix(h, "_mark"); ok {
			if _, isCol := col[m]; isCol {
				continue
			}
		}
		t.Measures = append(t.Measures, h)
		measIdx = append(measIdx, i)
	}
	for n, rec := range rows {
		if len(rec) != len(head) {
			return nil, fmt.Errorf("%s: row %d: %d fields, want %d", path, n+2, len(rec), len(head))
		}
		var r Row
		for _, i := range keyIdx {
			r.Key = append(r.Key, rec[i])
		}
		for _, i := range measIdx {
			r.Values = append(r.Values, rec[i])
		}
		t.Rows = append(t.Rows, r)
	}
	return t, nil
}

func readExtract(path string) (*Extract, error) {
	head, rows, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	e := &Extract{Name: strings.TrimSuffix(filepath.Base(path), ".csv")}
	var idx []int
	for i, h := range head {
		if h == "record_id" {
			continue
		}
		e.Fields = append(e.Fields, h)
		idx = append(idx, i)
	}
	for _, rec := range rows {
		r := make([]string, len(idx))
		for j, i := range idx {
			r[j] = rec[i]
		}
		e.Records = append(e.Records, r)
	}
	return e, nil
}

// parseValue reads a published figure: ok is false for "X" or "".
func parseValue(s string) (float64, bool) {
	if s == "" || s == Suppressed {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

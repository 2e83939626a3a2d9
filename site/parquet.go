package site

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

// TablesParquet holds every table in one Parquet file, one row per cell
// (long format), so that Spark, Trino or DuckDB on object storage can
// query all tables as one: table_name, every dimension of any table with
// its _ja and _en labels (NULL where a table lacks the dimension), measure,
// value, status and mark. value is NULL unless the status is published, so
// a withheld cell carries no value; mark holds the cell's marks as the
// table's CSV has them in <measure>_mark (p, r, "p r"), NULL where the CSV
// has none, as every empty cell of the file reads.
const TablesParquet = "tables.parquet"

// cellStatusName is the status column of tables.parquet.
var cellStatusName = map[kensho.CellStatus]string{
	kensho.Published:     "published",
	kensho.Suppressed:    "suppressed",
	kensho.NotApplicable: "not_applicable",
}

// longColumn is one column of tables.parquet.
type longColumn struct {
	Name string
	Type string // dictionary type: string or number
	// Dim is the dimension whose key (Lang "") or label (Lang "ja", "en")
	// the column holds; nil for table_name, measure, value, status and mark.
	Dim  *kensho.Dim
	Lang string
}

// longColumns lists the columns of tables.parquet: the dimensions in the
// order the tables first use them, so that the file's schema follows the
// pages. It refuses a dimension whose column would clash with another.
func longColumns(tables []*kensho.StatTable) ([]longColumn, error) {
	cols := []longColumn{{Name: "table_name", Type: "string"}}
	for _, t := range tables {
		for i := range t.Dims {
			d := &t.Dims[i]
			if hasColumn(cols, d.Name) {
				continue
			}
			cols = append(cols, longColumn{Name: d.Name, Type: "string", Dim: d})
			if labelled(d.Name) {
				cols = append(cols,
					longColumn{Name: d.Name + "_ja", Type: "string", Dim: d, Lang: "ja"},
					longColumn{Name: d.Name + "_en", Type: "string", Dim: d, Lang: "en"})
			}
		}
	}
	cols = append(cols, longColumn{Name: "measure", Type: "string"}, longColumn{Name: "value", Type: "number"}, longColumn{Name: "status", Type: "string"},
		longColumn{Name: "mark", Type: "string"})
	seen := map[string]bool{}
	for _, c := range cols {
		if seen[c.Name] {
			return nil, fmt.Errorf("%s: two columns named %s; rename the dimension", TablesParquet, c.Name)
		}
		seen[c.Name] = true
	}
	return cols, nil
}

func hasColumn(cols []longColumn, name string) bool {
	for _, c := range cols {
		if c.Dim != nil && c.Lang == "" && c.Dim.Name == name {
			return true
		}
	}
	return false
}

// longCells writes every cell of every table as CSV text in the columns of
// tables.parquet, behind an ordinal that keeps the order of the tables'
// CSV files: tables in page order, rows, then measures. A value is written
// only for a published cell, exactly as the table's CSV has it, and so are
// the marks (the same tableMarks over the same partial years).
func (r *renderer) longCells() []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	head := []string{"ord"}
	for _, c := range r.long {
		head = append(head, c.Name)
	}
	w.Write(head)
	ord := 0
	for _, t := range r.ordered {
		dimIndex := map[string]int{}
		for i, d := range t.Dims {
			dimIndex[d.Name] = i
		}
		marks := tableMarks(t, r.marks.partial)
		for ri, row := range t.Rows {
			for m := range row.Cells {
				rec := make([]string, 0, len(head))
				rec = append(rec, strconv.Itoa(ord))
				ord++
				for _, c := range r.long {
					rec = append(rec, longCell(c, t, row, dimIndex, m, marks[ri][m]))
				}
				w.Write(rec)
			}
		}
	}
	w.Flush()
	return buf.Bytes()
}

// longCell is the value of column c for measure m of a row of table t,
// whose marks are mark; "" reads back as NULL.
func longCell(c longColumn, t *kensho.StatTable, row kensho.Row, dimIndex map[string]int, m int, mark string) string {
	cell := row.Cells[m]
	switch {
	case c.Dim != nil:
		i, ok := dimIndex[c.Dim.Name]
		if !ok {
			return ""
		}
		if c.Lang != "" {
			return csvLabel(c.Dim.Name, row.Key[i], c.Lang)
		}
		return row.Key[i]
	case c.Name == "table_name":
		return t.Name
	case c.Name == "measure":
		return t.Measures[m].Name
	case c.Name == "value":
		if cell.Status != kensho.Published {
			return "" // withheld or not applicable: NULL, never the value
		}
		return csvCell(cell, t.Measures[m].Decimals)
	case c.Name == "status":
		return cellStatusName[cell.Status]
	case c.Name == "mark":
		return mark // no mark: NULL
	}
	return ""
}

// tablesParquet returns data/tables.parquet. site never reads a database:
// an in-memory DuckDB, fed the cells as text from this process, serves only
// to encode them as Parquet. One thread and ORDER BY ord (the order of the
// tables' CSV files) make the bytes the same on every run.
func (r *renderer) tablesParquet() ([]byte, error) {
	tmp, err := os.MkdirTemp("", "kensho-tables-")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", TablesParquet, err)
	}
	defer os.RemoveAll(tmp)
	in, out := filepath.Join(tmp, "cells.csv"), filepath.Join(tmp, TablesParquet)
	if err := os.WriteFile(in, r.longCells(), 0o600); err != nil {
		return nil, fmt.Errorf("%s: %w", TablesParquet, err)
	}
	types := []string{"'ord': 'BIGINT'"}
	var sel []string
	for _, c := range r.long {
		typ := "VARCHAR"
		if c.Type == "number" {
			typ = "DOUBLE"
		}
		types = append(types, duck.QuoteString(c.Name)+": "+duck.QuoteString(typ))
		sel = append(sel, duck.QuoteIdent(c.Name))
	}
	db, err := duck.Open(r.ctx, "", duck.Options{Threads: 1})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", TablesParquet, err)
	}
	defer db.Close()
	q := fmt.Sprintf(`COPY (SELECT %s FROM read_csv(%s, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {%s}) ORDER BY ord)
		TO %s (FORMAT PARQUET, COMPRESSION zstd)`,
		strings.Join(sel, ", "), duck.QuoteString(in), strings.Join(types, ", "), duck.QuoteString(out))
	if _, err := db.ExecContext(r.ctx, q); err != nil {
		return nil, fmt.Errorf("%s: %w", TablesParquet, err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", TablesParquet, err)
	}
	return b, nil
}

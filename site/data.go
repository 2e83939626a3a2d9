package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kensho-jp/kensho"
	"github.com/xuri/excelize/v2"
)

// dataFile is one download under data/.
type dataFile struct {
	Path   string // below data/
	Format string
	Size   int64
	SHA256 string
	What   kensho.Text
}

// dictEntry documents one column of one download.
type dictEntry struct {
	File    string
	Column  string
	Type    string // string, integer, number, boolean
	Meaning kensho.Text
	// Codes lists the values with a meaning of their own (the codes of a
	// coded column, the symbols of a measure), in order.
	Codes []codeMeaning
	// Values, when set, are the only values the column may hold ("" among
	// them when an empty cell is a value of its own, not a missing one);
	// datapackage.json declares them as the field's enum.
	Values []string
}

// codeMeaning is a value of a column and what it means.
type codeMeaning struct {
	Code    string
	Meaning kensho.Text
}

// codesCSV is the codes column of dictionary.csv: code=日本語/English; ...
func codesCSV(codes []codeMeaning) string {
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = c.Code + "=" + c.Meaning.Ja + "/" + c.Meaning.In("en")
	}
	return strings.Join(parts, "; ")
}

// codesIn lists codes for a page in one language: code = label, ...
func codesIn(codes []codeMeaning, lang string) string {
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = c.Code + " = " + c.Meaning.In(lang)
	}
	return strings.Join(parts, listSep(lang))
}

// symbolCodes are the symbols a measure column of a table's CSV holds
// besides numbers.
func symbolCodes() []codeMeaning {
	return []codeMeaning{
		{symSuppressed, legendOfSymbol("legend.X", symSuppressed)},
		{"(empty)", legendOfSymbol("legend.na", symNA)},
	}
}

// The marks of a figure in a table's CSV, e-Stat's symbols beside a value,
// held in the column <measure>_mark after each measure's column.
const (
	// markProvisional: the row's fiscal year is still open (a partial
	// year), so the figure will change as its quarters come in (速報).
	markProvisional = "p"
	// markRevised: the previous release published the figure with another
	// value (訂正).
	markRevised = "r"
)

// markValues are every value a marks column may hold, in the order the
// data dictionary lists them.
var markValues = []string{"", markProvisional, markRevised, markProvisional + " " + markRevised}

// markColumn is the name of the marks column of a measure.
func markColumn(measure string) string { return measure + "_mark" }

// cellMarks are the marks of a cell: p when its row's fiscal year is
// partial, r when it was revised, "p r" for both. A cell without a figure
// (not applicable) has no mark; a withheld one may be provisional but is
// never marked revised, since a mark on it would tell that its hidden
// value changed.
func cellMarks(c kensho.Cell, provisional bool) string {
	var marks []string
	if provisional && c.Status != kensho.NotApplicable {
		marks = append(marks, markProvisional)
	}
	if c.Revised && c.Status == kensho.Published {
		marks = append(marks, markRevised)
	}
	return strings.Join(marks, " ")
}

// tableMarks are the marks of every cell of a table, by row and measure,
// given the partial fiscal years: the one reckoning of them that the
// table's CSV, tables.xlsx and tables.parquet all write, so that the three
// agree. A row over a partial year is provisional; a margin over years
// ("total") and a table without years are not marked.
func tableMarks(t *kensho.StatTable, partial map[int]bool) [][]string {
	fy := slices.IndexFunc(t.Dims, func(d kensho.Dim) bool { return d.Name == "fiscal_year" })
	out := make([][]string, len(t.Rows))
	for i, row := range t.Rows {
		provisional := false
		if fy >= 0 {
			y, err := strconv.Atoi(row.Key[fy])
			provisional = err == nil && partial[y]
		}
		out[i] = make([]string, len(row.Cells))
		for j, c := range row.Cells {
			out[i][j] = cellMarks(c, provisional)
		}
	}
	return out
}

// markCodes are the values of a marks column and what each means; none
// names the value without a mark, "(empty)" in CSV, NULL in Parquet.
func markCodes(none string) []codeMeaning {
	return []codeMeaning{
		{none, kensho.Text{Ja: "記号なし(数値のないセルは常に記号なし)", En: "no mark (always so for a cell without a figure)"}},
		{markProvisional, ui["mark.provisional"]},
		{markRevised, ui["mark.revisedlong"]},
		{markProvisional + " " + markRevised, kensho.Text{Ja: "速報値かつ訂正値", En: "provisional and revised"}},
	}
}

// markMeaning is the meaning of the marks column of a measure whose own
// column means m; the marks themselves are its codes (markCodes).
func markMeaning(m kensho.Text) kensho.Text {
	return kensho.Text{Ja: m.Ja + "の表章記号(e-Statの記号)", En: "marks of " + m.In("en") + " (e-Stat's symbols)"}
}

// legendOfSymbol is a symbol's legend without the symbol.
func legendOfSymbol(key, sym string) kensho.Text {
	return kensho.Text{Ja: strings.TrimPrefix(T("ja", key), sym+" "), En: strings.TrimPrefix(T("en", key), sym+" ")}
}

// writeTables writes the downloads made from the tables: every table as
// CSV, all of them in one XLSX and in one Parquet file, and the data
// dictionary. They need nothing from the record-level files, so they are
// written while those are still being exported.
func (r *renderer) writeTables() error {
	for _, t := range r.ordered {
		if err := r.write("data/tables/"+t.Name+".csv", tableCSV(t, r.marks.partial)); err != nil {
			return err
		}
	}
	x, err := r.tablesXLSX()
	if err != nil {
		return err
	}
	if err := r.write("data/tables.xlsx", x); err != nil {
		return err
	}
	pq, err := r.tablesParquet()
	if err != nil {
		return err
	}
	if err := r.write("data/"+TablesParquet, pq); err != nil {
		return err
	}
	if err := r.writeCodes(); err != nil {
		return err
	}
	if err := r.write("data/"+PublicCasesFile, publicCasesCSV(r.rel.PublicCases)); err != nil {
		return err
	}
	if err := r.write("data/"+RevisionsFile, r.revisionsCSV()); err != nil {
		return err
	}
	codes, err := codesDictionary()
	if err != nil {
		return err
	}
	r.dict = append(append(append(r.dictionary(), publicCasesDictionary()...), revisionsDictionary()...), codes...)
	return r.write("data/dictionary.csv", dictionaryCSV(r.dict))
}

// codeFiles lists the code lists published under data/codes/, by name
// (fs.ReadDir sorts them, so the order is deterministic).
func codeFiles() ([]string, error) {
	ents, err := fs.ReadDir(kensho.CodeFiles(), ".")
	if err != nil {
		return nil, fmt.Errorf("code lists: %w", err)
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".csv") {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// writeCodes copies the code lists byte for byte to data/codes/: every code
// of every dimension, the rollups (hierarchy.csv) and the attributes that
// imply structural zeros are what a reader combines with the tables, so
// they are published with them.
func (r *renderer) writeCodes() error {
	names, err := codeFiles()
	if err != nil {
		return err
	}
	for _, n := range names {
		b, err := fs.ReadFile(kensho.CodeFiles(), n)
		if err != nil {
			return fmt.Errorf("code list %s: %w", n, err)
		}
		if err := r.write("data/codes/"+n, b); err != nil {
			return err
		}
	}
	return nil
}

// describeData hashes every download, the record-level files included (so
// it runs after they are written), and writes the Data Package descriptor.
func (r *renderer) describeData() error {
	var files []dataFile
	for _, e := range r.rel.Extracts {
		files = append(files,
			dataFile{Path: ExtractFile(e.Name) + ".csv", Format: "CSV", What: kensho.Text{Ja: Tf("ja", "file.microcsv", e.Title.Ja), En: Tf("en", "file.microcsv", e.Title.In("en"))}},
			dataFile{Path: ExtractFile(e.Name) + ".parquet", Format: "Parquet", What: kensho.Text{Ja: Tf("ja", "file.microparq", e.Title.Ja), En: Tf("en", "file.microparq", e.Title.In("en"))}})
	}
	files = append(files, []dataFile{
		{Path: "tables.xlsx", Format: "XLSX", What: ui["file.xlsx"]},
		{Path: TablesParquet, Format: "Parquet", What: ui["file.tablesparq"]},
		{Path: "dictionary.csv", Format: "CSV", What: ui["file.dictionary"]},
		{Path: PublicCasesFile, Format: "CSV", What: ui["file.publiccases"]},
		{Path: RevisionsFile, Format: "CSV", What: ui["file.revisions"]},
	}...)
	for _, t := range r.ordered {
		files = append(files, dataFile{Path: "tables/" + t.Name + ".csv", Format: "CSV",
			What: kensho.Text{Ja: Tf("ja", "file.table", t.Title.Ja), En: Tf("en", "file.table", t.Title.In("en"))}})
	}
	codes, err := codeFiles()
	if err != nil {
		return err
	}
	for _, n := range codes {
		name := strings.TrimSuffix(n, ".csv")
		files = append(files, dataFile{Path: "codes/" + n, Format: "CSV",
			What: kensho.Text{Ja: Tf("ja", "file.codes", name), En: Tf("en", "file.codes", name)}})
	}
	for i := range files {
		if err := r.hashFile(&files[i]); err != nil {
			return err
		}
	}
	dp, err := r.datapackage(files, r.dict)
	if err != nil {
		return err
	}
	if err := r.write("data/datapackage.json", dp); err != nil {
		return err
	}
	pkg := dataFile{Path: "datapackage.json", Format: "JSON", What: ui["file.datapackage"]}
	if err := r.hashFile(&pkg); err != nil {
		return err
	}
	r.data = append(files, pkg, dataFile{Path: "SHA256SUMS", Format: "text", What: ui["file.sums"]})
	return nil
}

func (r *renderer) hashFile(f *dataFile) error {
	h, err := r.hashData(f.Path)
	if err != nil {
		return err
	}
	f.Size, f.SHA256 = h.size, h.sum
	return nil
}

// fileHash is the SHA-256 (hex) and size of a file under data/.
type fileHash struct {
	sum  string
	size int64
}

// hashData hashes a file under data/ (path below data/) once: the
// descriptor and SHA256SUMS both list it, and the record-level files run to
// tens of megabytes at national volume. Nothing under data/ changes after
// describeData, so the first hash holds for SHA256SUMS too. The file is
// streamed, never held whole in memory.
func (r *renderer) hashData(rel string) (fileHash, error) {
	if h, ok := r.hashes[rel]; ok {
		return h, nil
	}
	f, err := os.Open(filepath.Join(r.dir, "data", filepath.FromSlash(rel)))
	if err != nil {
		return fileHash{}, err
	}
	defer f.Close()
	d := sha256.New()
	n, err := io.Copy(d, f)
	if err != nil {
		return fileHash{}, err
	}
	h := fileHash{sum: hex.EncodeToString(d.Sum(nil)), size: n}
	r.hashes[rel] = h
	return h, nil
}

// TableCSV writes a whole table as published under data/tables/: one
// column per dimension (codes; fiscal years as digits; "total" for a
// margin), followed for a coded dimension by its <dim>_ja and <dim>_en
// labels, then per measure its column (plain numbers, X for a suppressed
// cell, empty when not applicable) and its marks, <measure>_mark: p when
// the row's fiscal year is one of partialYears, r when the cell was
// revised since the previous release, "p r" for both (see cellMarks). A
// caller that does not know the partial years (kensho stats) may leave
// them out, and no figure is marked p. It refuses a table with an
// unprotected cell.
func TableCSV(t *kensho.StatTable, partialYears ...int) ([]byte, error) {
	if err := checkRelease(&kensho.Release{Tables: []kensho.StatTable{*t}}); err != nil {
		return nil, err
	}
	partial := map[int]bool{}
	for _, y := range partialYears {
		partial[y] = true
	}
	return tableCSV(t, partial), nil
}

// labelled reports whether a dimension's codes get _ja and _en label
// columns in CSV (coded and yes/no dimensions; the analytics dictionary
// documents the same columns).
func labelled(dim string) bool { return kensho.Labelled(dim) }

// csvLabel is a key's label in CSV: the shared vocabulary's, so that CSV
// and dictionary agree.
func csvLabel(dim, key, lang string) string {
	if l, ok := kensho.KeyLabel(dim, key); ok {
		return l.In(lang)
	}
	return keyLabel(dim, key, lang)
}

// tableCSVHead is the header of a table's CSV (see TableCSV).
func tableCSVHead(t *kensho.StatTable) []string {
	var head []string
	for _, d := range t.Dims {
		head = append(head, d.Name)
		if labelled(d.Name) {
			head = append(head, d.Name+"_ja", d.Name+"_en")
		}
	}
	for _, m := range t.Measures {
		head = append(head, m.Name, markColumn(m.Name))
	}
	return head
}

// tableCSV writes a table's CSV (see TableCSV); partial holds the partial
// fiscal years.
func tableCSV(t *kensho.StatTable, partial map[int]bool) []byte {
	var buf bytes.Buffer
	w := newCSVWriter(&buf)
	w.Write(tableCSVHead(t))
	marks := tableMarks(t, partial)
	for ri, row := range t.Rows {
		var rec []string
		for i, k := range row.Key {
			rec = append(rec, k)
			if d := t.Dims[i].Name; labelled(d) {
				rec = append(rec, csvLabel(d, k, "ja"), csvLabel(d, k, "en"))
			}
		}
		for i, c := range row.Cells {
			rec = append(rec, csvCell(c, t.Measures[i].Decimals), marks[ri][i])
		}
		w.Write(rec)
	}
	w.Flush()
	return buf.Bytes()
}

// tablesXLSX writes every table in one workbook for Excel users: a contents
// sheet, then one sheet per table with numbers as numbers and X as text,
// each measure followed by its marks (<measure>_mark) as the table's CSV
// has them, a cell without a mark left blank.
func (r *renderer) tablesXLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	date := r.rel.BuildDate + "T00:00:00Z"
	if err := f.SetDocProps(&excelize.DocProperties{
		Title: T("ja", "site.title") + " / " + T("en", "site.title"), Creator: "kensho", Version: r.rel.Version,
		Created: date, Modified: date, Language: "ja-JP",
	}); err != nil {
		return nil, fmt.Errorf("tables.xlsx: %w", err)
	}
	if err := f.SetSheetName("Sheet1", contentsSheet); err != nil {
		return nil, fmt.Errorf("tables.xlsx: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, fmt.Errorf("tables.xlsx: %w", err)
	}
	var contentsHead []any // the columns the data dictionary documents, in its order
	for _, e := range contentsDictionary() {
		contentsHead = append(contentsHead, e.Column)
	}
	rows := [][]any{contentsHead}
	sheets := r.tableSheets()
	for ti, t := range r.ordered {
		name := sheets[ti]
		// The columns of contentsHead, in its order.
		rows = append(rows, []any{name, t.Name, t.Title.Ja, t.Title.In("en"), t.Page})
		if _, err := f.NewSheet(name); err != nil {
			return nil, fmt.Errorf("tables.xlsx: %w", err)
		}
		var head []any
		for _, d := range t.Dims {
			head = append(head, d.Name)
		}
		for _, m := range t.Measures {
			head = append(head, m.Name, markColumn(m.Name))
		}
		if err := f.SetSheetRow(name, "A1", &head); err != nil {
			return nil, fmt.Errorf("tables.xlsx: %w", err)
		}
		f.SetRowStyle(name, 1, 1, bold)
		marks := tableMarks(t, r.marks.partial)
		for i, row := range t.Rows {
			rec := make([]any, 0, len(head))
			for _, k := range row.Key {
				if n, err := strconv.Atoi(k); err == nil && k == strconv.Itoa(n) {
					rec = append(rec, n)
				} else {
					rec = append(rec, k)
				}
			}
			for j, c := range row.Cells {
				switch c.Status {
				case kensho.Published:
					v, _ := strconv.ParseFloat(fixed(c.Value, t.Measures[j].Decimals, false), 64)
					rec = append(rec, v)
				case kensho.Suppressed:
					rec = append(rec, symSuppressed)
				default:
					rec = append(rec, nil)
				}
				if mk := marks[i][j]; mk != "" {
					rec = append(rec, mk)
				} else {
					rec = append(rec, nil) // blank, as a cell without a figure is
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := f.SetSheetRow(name, cell, &rec); err != nil {
				return nil, fmt.Errorf("tables.xlsx: %w", err)
			}
		}
		f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
	rows = append(rows, []any{}, []any{"X = " + T("ja", "legend.X")}, []any{"X = " + T("en", "legend.X")})
	// The marks, in the words the data dictionary gives them.
	for _, c := range markCodes("") {
		if c.Code == markProvisional || c.Code == markRevised {
			rows = append(rows, []any{c.Code + " = " + c.Meaning.Ja}, []any{c.Code + " = " + c.Meaning.In("en")})
		}
	}
	rows = append(rows, []any{T("ja", "footer.licence") + " / " + T("en", "footer.licence")})
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(contentsSheet, cell, &row); err != nil {
			return nil, fmt.Errorf("tables.xlsx: %w", err)
		}
	}
	f.SetRowStyle(contentsSheet, 1, 1, bold)
	f.SetColWidth(contentsSheet, "A", "B", 34)
	f.SetColWidth(contentsSheet, "C", "D", 48)
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("tables.xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

// contentsSheet is the first sheet of tables.xlsx: the list of the
// tables' sheets, then the legend of the symbols and the licence.
const contentsSheet = "contents"

// tableSheets are the names of the tables' sheets in tables.xlsx, in the
// order of r.ordered: the one reckoning of them that the workbook, the data
// dictionary and datapackage.json all use, so that the sheet each names is
// the sheet the workbook has.
func (r *renderer) tableSheets() []string {
	used := map[string]bool{contentsSheet: true}
	out := make([]string, len(r.ordered))
	for i, t := range r.ordered {
		out[i] = sheetName(t.Name, used)
	}
	return out
}

// sheetFile names a sheet of tables.xlsx in the data dictionary's file
// column: tables.xlsx#<sheet>.
func sheetFile(sheet string) string { return "tables.xlsx#" + sheet }

// contentsDictionary documents the columns of the contents sheet of
// tables.xlsx, in order; the sheet's header is their names.
func contentsDictionary() []dictEntry {
	file := sheetFile(contentsSheet)
	return []dictEntry{
		{File: file, Column: "sheet", Type: "string", Meaning: kensho.Text{
			Ja: "シート名(表の一覧の下には記号の説明と利用条件)", En: "sheet name (below the list of tables: the symbols and the licence)"}},
		{File: file, Column: "table", Type: "string", Meaning: kensho.Text{
			Ja: "表の名前(その表のCSVは tables/<表の名前>.csv)", En: "table name (its CSV is tables/<table name>.csv)"}},
		{File: file, Column: "title_ja", Type: "string", Meaning: kensho.Text{Ja: "表題(日本語)", En: "title in Japanese"}},
		{File: file, Column: "title_en", Type: "string", Meaning: kensho.Text{Ja: "表題(英語)", En: "title in English"}},
		{File: file, Column: "page", Type: "string", Meaning: kensho.Text{
			Ja: "表を掲載しているサイトのページ(<page>/)", En: "the site's page that shows the table (<page>/)"}},
	}
}

// contentsWhat is what the contents sheet of tables.xlsx holds.
var contentsWhat = kensho.Text{Ja: "表の一覧(シートと表の対応)、記号の説明と利用条件", En: "list of the tables (which sheet is which table), the symbols and the licence"}

// sheetName fits a table name into Excel's 31 characters, uniquely.
func sheetName(name string, used map[string]bool) string {
	s := name
	if len(s) > 31 {
		s = s[:31]
	}
	for i := 2; used[s]; i++ {
		suffix := "~" + strconv.Itoa(i)
		s = name[:min(len(name), 31-len(suffix))] + suffix
	}
	used[s] = true
	return s
}

// dictionary documents every column of every download: the record-level
// file (from the release's schema), each table's CSV, each sheet of
// tables.xlsx (as tables.xlsx#<sheet>), tables.parquet and the dictionary
// itself.
func (r *renderer) dictionary() []dictEntry {
	var out []dictEntry
	for _, e := range r.rel.Extracts {
		for _, f := range []string{ExtractFile(e.Name) + ".csv", ExtractFile(e.Name) + ".parquet"} {
			for _, c := range e.Columns {
				out = append(out, dictEntry{File: f, Column: c.Name, Type: c.Type, Meaning: c.Title, Codes: codesOf(c.Codes, false)})
			}
		}
	}
	for _, t := range r.ordered {
		out = append(out, r.tableDictionary("tables/"+t.Name+".csv", t, true)...)
	}
	out = append(out, contentsDictionary()...)
	sheets := r.tableSheets()
	for i, t := range r.ordered {
		out = append(out, r.tableDictionary(sheetFile(sheets[i]), t, false)...)
	}
	out = append(out, r.longDictionary()...)
	for _, c := range []struct{ col, ja, en string }{
		{"file", "ファイル(data/ からの相対パス。tables.xlsx のシートは tables.xlsx#<シート名>)", "file (path below data/; a sheet of tables.xlsx is tables.xlsx#<sheet>)"},
		{"column", "列名", "column name"},
		{"type", "型(string, integer, number, boolean)", "type (string, integer, number, boolean)"},
		{"meaning_ja", "意味(日本語)", "meaning in Japanese"},
		{"meaning_en", "意味(英語)", "meaning in English"},
		{"codes", "コードと表記(コード=日本語/英語)", "codes and their labels (code=Japanese/English)"},
	} {
		out = append(out, dictEntry{File: "dictionary.csv", Column: c.col, Type: "string", Meaning: kensho.Text{Ja: c.ja, En: c.en}})
	}
	return out
}

// tableDictionary documents the columns of a table as file holds them:
// each dimension, followed by its _ja and _en labels when labels is set
// (the table's CSV has them, its sheet of tables.xlsx does not), then each
// measure and its marks. A blank cell of the sheet reads as the CSV's
// empty one, so both get the same codes.
func (r *renderer) tableDictionary(file string, t *kensho.StatTable, labels bool) []dictEntry {
	var out []dictEntry
	ix := r.idx[t.Name]
	for d, dim := range t.Dims {
		keys := ix.keysOf(d, nil, false)
		e := dimEntries(file, dim, keys, keyType(keys), kensho.Text{})
		if !labels {
			e = e[:1] // the dimension's own column, which its labels follow
		}
		out = append(out, e...)
	}
	for _, m := range t.Measures {
		typ := "number"
		if m.Decimals == 0 {
			typ = "integer"
		}
		meaning := kensho.Text{Ja: measureTitle(m, "ja"), En: measureTitle(m, "en")}
		out = append(out, dictEntry{File: file, Column: m.Name, Type: typ, Meaning: meaning,
			Codes: symbolCodes()},
			dictEntry{File: file, Column: markColumn(m.Name), Type: "string", Meaning: markMeaning(meaning),
				Codes: markCodes("(empty)"), Values: markValues})
	}
	return out
}

// dimEntries documents a dimension's column in file, holding keys, and
// its _ja and _en label columns; note is added to every meaning.
func dimEntries(file string, dim kensho.Dim, keys []string, typ string, note kensho.Text) []dictEntry {
	hasTotal := false
	for _, k := range keys {
		hasTotal = hasTotal || k == kensho.Total
	}
	meaning := kensho.Text{Ja: dimTitle(dim, "ja"), En: dimTitle(dim, "en")}
	codes := codesOf(dim.Name, hasTotal)
	if codes == nil && hasTotal {
		codes = []codeMeaning{{kensho.Total, kensho.TotalLabel}}
	}
	if dim.Name == "fiscal_year" {
		meaning.Ja += "(4月1日から翌年3月31日)"
		meaning.En += " (1 April to 31 March)"
	}
	out := []dictEntry{{File: file, Column: dim.Name, Type: typ, Meaning: meaning, Codes: codes}}
	if labelled(dim.Name) {
		out = append(out,
			dictEntry{File: file, Column: dim.Name + "_ja", Type: "string", Meaning: kensho.Text{Ja: meaning.Ja + "(日本語表記)", En: meaning.En + " (Japanese label)"}},
			dictEntry{File: file, Column: dim.Name + "_en", Type: "string", Meaning: kensho.Text{Ja: meaning.Ja + "(英語表記)", En: meaning.En + " (English label)"}})
	}
	for i := range out {
		out[i].Meaning.Ja += note.Ja
		out[i].Meaning.En += note.En
	}
	return out
}

// longDictionary documents the columns of tables.parquet.
func (r *renderer) longDictionary() []dictEntry {
	var out []dictEntry
	for _, c := range r.long {
		switch {
		case c.Dim != nil && c.Lang == "":
			var keys []string // the dimension's keys in every table that has it
			for _, t := range r.ordered {
				if d, ok := r.idx[t.Name].dim[c.Dim.Name]; ok {
					keys = append(keys, r.idx[t.Name].keysOf(d, nil, false)...)
				}
			}
			out = append(out, dimEntries(TablesParquet, *c.Dim, keys, c.Type,
				kensho.Text{Ja: "(この分類のない表では NULL)", En: " (NULL for a table without it)"})...)
		case c.Dim != nil:
			// documented with its dimension above
		case c.Name == "table_name":
			out = append(out, dictEntry{File: TablesParquet, Column: c.Name, Type: c.Type,
				Meaning: kensho.Text{Ja: "表の名前(その表のCSVは tables/<表の名前>.csv)", En: "table name (its CSV is tables/<table name>.csv)"}})
		case c.Name == "measure":
			out = append(out, dictEntry{File: TablesParquet, Column: c.Name, Type: c.Type,
				Meaning: kensho.Text{Ja: "指標(表のCSVの列名。意味はその列の説明のとおり)", En: "measure (a column of the table's CSV, documented there)"}})
		case c.Name == "value":
			out = append(out, dictEntry{File: TablesParquet, Column: c.Name, Type: c.Type,
				Meaning: kensho.Text{Ja: "公表した値(表のCSVと同じ桁数)。status が published でなければ NULL", En: "the published value (rounded as in the table's CSV); NULL unless status is published"}})
		case c.Name == "status":
			out = append(out, dictEntry{File: TablesParquet, Column: c.Name, Type: c.Type,
				Meaning: kensho.Text{Ja: "セルの状態", En: "the cell's status"},
				Codes: []codeMeaning{
					{cellStatusName[kensho.Published], kensho.Text{Ja: "公表", En: "published"}},
					{cellStatusName[kensho.Suppressed], legendOfSymbol("legend.X", symSuppressed)},
					{cellStatusName[kensho.NotApplicable], legendOfSymbol("legend.na", symNA)},
				}})
		case c.Name == "mark":
			// The marks of the table's CSV, but NULL where the CSV has ""
			// (no mark), as every empty cell of this file reads: the
			// values are the marks alone.
			out = append(out, dictEntry{File: TablesParquet, Column: c.Name, Type: c.Type,
				Meaning: kensho.Text{Ja: "セルの表章記号(e-Statの記号。表のCSVの <指標>_mark 列と同じ)", En: "the cell's marks (e-Stat's symbols, as in the <measure>_mark column of the table's CSV)"},
				Codes:   markCodes("NULL"), Values: slices.DeleteFunc(slices.Clone(markValues), func(v string) bool { return v == "" })})
		}
	}
	return out
}

// codesOf lists the codes of a code list with their labels, and Total.
func codesOf(list string, withTotal bool) []codeMeaning {
	l := kensho.ListByName(list)
	if l == nil {
		return nil
	}
	var out []codeMeaning
	for _, c := range l.Codes {
		out = append(out, codeMeaning{c.Code, c.Text})
	}
	if withTotal {
		out = append(out, codeMeaning{kensho.Total, kensho.TotalLabel})
	}
	return out
}

// keyType is integer when every key is a whole number, else string.
func keyType(keys []string) string {
	if len(keys) == 0 {
		return "string"
	}
	for _, k := range keys {
		if _, err := strconv.Atoi(k); err != nil {
			return "string"
		}
	}
	return "integer"
}

func dictionaryCSV(dict []dictEntry) []byte {
	var buf bytes.Buffer
	w := newCSVWriter(&buf)
	w.Write([]string{"file", "column", "type", "meaning_ja", "meaning_en", "codes"})
	for _, e := range dict {
		w.Write([]string{e.File, e.Column, e.Type, e.Meaning.Ja, e.Meaning.In("en"), codesCSV(e.Codes)})
	}
	w.Flush()
	return buf.Bytes()
}

// datapackage writes the Frictionless Data Package (v2) descriptor of the
// downloads. A suppressed cell is a labelled missing value "X".
func (r *renderer) datapackage(files []dataFile, dict []dictEntry) ([]byte, error) {
	byFile := map[string][]dictEntry{}
	for _, e := range dict {
		byFile[e.File] = append(byFile[e.File], e)
	}
	fields := func(file string, t *kensho.StatTable) []map[string]any {
		var out []map[string]any
		for _, e := range byFile[file] {
			f := map[string]any{"name": e.Column, "type": e.Type, "title": e.Meaning.In("en"), "description": e.Meaning.Ja}
			if e.Values != nil {
				// A closed set of values (the marks): declared as an enum,
				// described in both languages, since the marks are new to
				// readers of either. "" is one of the values, not a missing
				// one, so the field overrides the table's missing values.
				f["constraints"] = map[string]any{"enum": e.Values}
				f["description"] = e.Meaning.Ja + ": " + codesIn(e.Codes, "ja") + " / " + e.Meaning.In("en") + ": " + codesIn(e.Codes, "en")
				if slices.Contains(e.Values, "") {
					f["missingValues"] = []any{}
				}
			}
			if t != nil {
				if d, ok := r.idx[t.Name].dim[e.Column]; ok && kensho.ListByName(e.Column) != nil {
					f["categories"] = categories(e.Column, r.idx[t.Name].keysOf(d, nil, false))
				}
			}
			out = append(out, f)
		}
		return out
	}
	// tableSchema describes a table's columns as file holds them (its CSV,
	// or its sheet of tables.xlsx, where a blank cell is the CSV's empty
	// one).
	tableSchema := func(file string, t *kensho.StatTable) map[string]any {
		var pk []string
		for _, d := range t.Dims {
			pk = append(pk, d.Name)
		}
		return map[string]any{
			"fields":     fields(file, t),
			"primaryKey": pk,
			"missingValues": []any{
				map[string]any{"value": "", "label": "not applicable / 数値なし"},
				map[string]any{"value": symSuppressed, "label": "suppressed to protect operators' confidentiality / 秘匿"},
			},
		}
	}
	var res []map[string]any
	for _, f := range files {
		item := map[string]any{
			"name":  resourceName(f.Path),
			"path":  f.Path,
			"title": f.What.In("en"), "description": f.What.Ja,
			"bytes": f.Size, "hash": "sha256:" + f.SHA256,
		}
		switch {
		case isExtractFile(f.Path) && strings.HasSuffix(f.Path, ".csv"):
			item["format"], item["mediatype"], item["encoding"] = "csv", "text/csv", "utf-8"
			// A record's field is empty where it has no value, and "*" where
			// it is starred (its value replaced to protect operators: an
			// extract's Star fields, kensho.Extract).
			item["schema"] = map[string]any{"fields": fields(f.Path, nil), "missingValues": []any{
				map[string]any{"value": "", "label": "no value / 値なし"},
				map[string]any{"value": "*", "label": "starred to protect operators' confidentiality / 秘匿のため非表示"},
			}}
		case isExtractFile(f.Path) || f.Path == TablesParquet:
			// Parquet has NULL of its own: no missing-value markers.
			item["format"], item["mediatype"] = "parquet", mediaType(f.Path)
			item["schema"] = map[string]any{"fields": fields(f.Path, nil)}
		case f.Path == "tables.xlsx":
			item["format"], item["mediatype"] = "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			// Its sheets in the workbook's order, each with the columns
			// the data dictionary gives it (tables.xlsx#<sheet>): a Data
			// Package has no sheets of its own, so this property is ours.
			sheets := []map[string]any{{
				"name": contentsSheet, "title": contentsWhat.In("en"), "description": contentsWhat.Ja,
				"schema": map[string]any{"fields": fields(sheetFile(contentsSheet), nil)},
			}}
			for i, name := range r.tableSheets() {
				t := r.ordered[i]
				sheets = append(sheets, map[string]any{
					"name": name, "table": t.Name, "title": t.Title.In("en"), "description": t.Title.Ja,
					"schema": tableSchema(sheetFile(name), t),
				})
			}
			item["sheets"] = sheets
		case f.Path == "dictionary.csv":
			item["format"], item["mediatype"], item["encoding"] = "csv", "text/csv", "utf-8"
			item["schema"] = map[string]any{"fields": fields("dictionary.csv", nil)}
		case f.Path == RevisionsFile:
			item["format"], item["mediatype"], item["encoding"] = "csv", "text/csv", "utf-8"
			item["schema"] = map[string]any{"fields": fields(RevisionsFile, nil), "primaryKey": []string{"table_name", "key", "measure"}}
		case strings.HasPrefix(f.Path, "codes/"):
			item["format"], item["mediatype"], item["encoding"] = "csv", "text/csv", "utf-8"
		case strings.HasPrefix(f.Path, "tables/"):
			name := strings.TrimSuffix(strings.TrimPrefix(f.Path, "tables/"), ".csv")
			t := r.rel.Table(name)
			item["format"], item["mediatype"], item["encoding"] = "csv", "text/csv", "utf-8"
			item["title"], item["description"] = t.Title.In("en"), t.Title.Ja
			item["schema"] = tableSchema(f.Path, t)
		}
		res = append(res, item)
	}
	dp := map[string]any{
		"$schema":     "https://datapackage.org/profiles/2.0/datapackage.json",
		"name":        "kensho-telecom-accidents",
		"title":       T("en", "site.title"),
		"description": T("en", "site.subtitle") + " / " + T("ja", "site.subtitle"),
		"version":     r.rel.Version,
		"created":     r.rel.BuildDate + "T00:00:00+09:00",
		"licenses": []any{map[string]any{
			"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
			"title": "Creative Commons Attribution 4.0 International",
		}},
		"resources": res,
	}
	if r.base != "" {
		// The package's address and home; the resources' paths stay
		// relative to the descriptor, so that a downloaded copy of data/
		// still validates without a network (and one read from the site
		// resolves them against its address).
		dp["id"] = r.base + "data/datapackage.json"
		dp["homepage"] = r.base + "downloads/"
	}
	b, err := json.MarshalIndent(dp, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("datapackage.json: %w", err)
	}
	return append(b, '\n'), nil
}

// categories lists the codes a coded column holds, with English labels.
func categories(dim string, keys []string) []any {
	var out []any
	for _, k := range keys {
		out = append(out, map[string]any{"value": k, "label": keyLabel(dim, k, "en")})
	}
	return out
}

// resourceName is a Data Package resource name: lower case, digits, - _ .
func resourceName(p string) string {
	ext := filepath.Ext(p)
	base := strings.ReplaceAll(strings.TrimSuffix(p, ext), "/", ".")
	switch ext {
	case ".xlsx", ".parquet":
		return base + "-" + ext[1:] // beside the CSV of the same content
	}
	return base
}

// writeSums writes data/SHA256SUMS, the last file of the site: the hash of
// every other file under data/, by path below data/, sorted, in the format
// sha256sum -c reads.
func (r *renderer) writeSums() error {
	root := filepath.Join(r.dir, "data")
	sums := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == "SHA256SUMS" {
			return nil
		}
		h, err := r.hashData(rel)
		if err != nil {
			return err
		}
		sums[rel] = h.sum
		return nil
	})
	if err != nil {
		return fmt.Errorf("SHA256SUMS: %w", err)
	}
	var b strings.Builder
	for _, p := range sortedPaths(sums) {
		fmt.Fprintf(&b, "%s  %s\n", sums[p], p)
	}
	return r.write("data/SHA256SUMS", []byte(b.String()))
}

// sortFiles orders downloads for the page: records, workbook, dictionary,
// descriptor, sums, then tables by path.
func sortFiles(files []dataFile) {
	sort.SliceStable(files, func(i, j int) bool {
		ti, tj := strings.HasPrefix(files[i].Path, "tables/"), strings.HasPrefix(files[j].Path, "tables/")
		return !ti && tj
	})
}

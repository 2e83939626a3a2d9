package site

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/kensho-jp/kensho"
)

// The page of changes since the previous release, and data/revisions.csv:
// which figures the previous release published with another value (the
// figures marked r in the tables and their CSV files), with both values,
// and how many figures one of the two releases withholds and the other
// publishes. anonymize decides all of it (Release.Revision); the site
// shows it as it is, and refuses a revision that would show the value of
// a figure it withholds.

// changesSlug is the page's slug and key.
const changesSlug = "changes"

// RevisionsFile is the list of revised figures below data/.
const RevisionsFile = "revisions.csv"

// revisedFigure is a figure of the release that the previous release
// published with another value.
type revisedFigure struct {
	t        *kensho.StatTable
	row      int
	measure  int
	previous float64
}

// cell is the figure as this release publishes it.
func (f revisedFigure) cell() kensho.Cell { return f.t.Rows[f.row].Cells[f.measure] }

// checkRevision refuses a revision the site cannot show as it is: a
// revised figure that names no cell, or a cell that is not published now
// (the page and revisions.csv print its value), or one listed twice; and
// a cell marked revised that the revision does not list, whose previous
// value the page could not give. It runs after checkRelease and
// checkTables, so rows have a cell per measure and names are unique.
func checkRevision(rel *kensho.Release) error {
	listed := map[kensho.CellRef]bool{}
	if rv := rel.Revision; rv != nil {
		for i, rc := range rv.Revised {
			where := fmt.Sprintf("revision: revised figure %d (table %s, row %d, measure %d)", i+1, rc.Table, rc.Row, rc.Measure)
			t := rel.Table(rc.Table)
			if t == nil {
				return fmt.Errorf("%s: the release has no such table", where)
			}
			if rc.Row < 0 || rc.Row >= len(t.Rows) || rc.Measure < 0 || rc.Measure >= len(t.Measures) {
				return fmt.Errorf("%s: the table has no such cell", where)
			}
			c := t.Rows[rc.Row].Cells[rc.Measure]
			switch {
			case c.Status != kensho.Published:
				return fmt.Errorf("%s: the cell is not published in this release, and the page of changes would show its value; a withheld figure is never listed as revised", where)
			case !c.Revised:
				return fmt.Errorf("%s: the cell is not marked revised (kensho.Cell.Revised)", where)
			case math.IsNaN(rc.Previous) || math.IsInf(rc.Previous, 0):
				return fmt.Errorf("%s: the previous value %v is not a number", where, rc.Previous)
			}
			ref := kensho.CellRef{Table: rc.Table, Row: rc.Row, Measure: rc.Measure}
			if listed[ref] {
				return fmt.Errorf("%s: listed twice", where)
			}
			listed[ref] = true
		}
	}
	for _, t := range rel.Tables {
		for i, row := range t.Rows {
			for j, c := range row.Cells {
				if c.Revised && c.Status == kensho.Published && !listed[kensho.CellRef{Table: t.Name, Row: i, Measure: j}] {
					return fmt.Errorf("table %s row %d measure %s: the cell is marked revised, but the release's revision does not list it with its previous value", t.Name, i, t.Measures[j].Name)
				}
			}
		}
	}
	return nil
}

// revisedFigures lists the revised figures of a checked release in the
// order the site shows its tables (ordered), then by row and measure.
func revisedFigures(rel *kensho.Release, ordered []*kensho.StatTable) []revisedFigure {
	if rel.Revision == nil {
		return nil
	}
	pos := map[string]int{}
	for i, t := range ordered {
		pos[t.Name] = i
	}
	var out []revisedFigure
	for _, rc := range rel.Revision.Revised {
		out = append(out, revisedFigure{t: ordered[pos[rc.Table]], row: rc.Row, measure: rc.Measure, previous: rc.Previous})
	}
	// The release lists them in its order of tables; the page and the CSV
	// follow the site's, so that they read like it, and stay the same
	// whatever order the release came in.
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if pa, pb := pos[a.t.Name], pos[b.t.Name]; pa != pb {
			return pa < pb
		}
		if a.row != b.row {
			return a.row < b.row
		}
		return a.measure < b.measure
	})
	return out
}

// rowKey names a row of a table by its keys, as the table's CSV has them:
// dimension=code, separated by semicolons, in the table's order of
// dimensions.
func rowKey(t *kensho.StatTable, row int) string {
	parts := make([]string, len(t.Dims))
	for i, d := range t.Dims {
		parts[i] = d.Name + "=" + t.Rows[row].Key[i]
	}
	return strings.Join(parts, ";")
}

// rowLabel names a row of a table for a reader of lang, out of its table:
// the label of each key, separated by " / ".
func rowLabel(t *kensho.StatTable, row int, lang string) string {
	parts := make([]string, len(t.Dims))
	for i, d := range t.Dims {
		parts[i] = keyPhrase(d, t.Rows[row].Key[i], lang)
	}
	return strings.Join(parts, " / ")
}

// keyPhrase is a key as a reader names it out of its table: its label,
// after the dimension's title where the label alone does not say which
// dimension it is (合計, 該当). The margin over fiscal years says it
// (全年度の計).
func keyPhrase(d kensho.Dim, key, lang string) string {
	label := keyLabel(d.Name, key, lang)
	switch {
	case d.Name == "fiscal_year":
		return label
	case key == kensho.Total, key == "true", key == "false":
		if lang == "ja" {
			return dimTitle(d, lang) + ":" + label
		}
		return dimTitle(d, lang) + ": " + label
	}
	return label
}

// revisionsColumns are the columns of data/revisions.csv.
var revisionsColumns = []struct {
	name, typ string
	meaning   kensho.Text
}{
	{"table_name", "string", kensho.Text{Ja: "表の名前(その表のCSVは tables/<表の名前>.csv)", En: "table name (its CSV is tables/<table name>.csv)"}},
	{"key", "string", kensho.Text{Ja: "行のキー(分類=コードを ; で区切ったもの。表のCSVの行を示す)", En: "the row's keys, as dimension=code separated by semicolons (a row of the table's CSV)"}},
	{"key_ja", "string", kensho.Text{Ja: "行のキー(日本語表記)", En: "the row's keys (Japanese labels)"}},
	{"key_en", "string", kensho.Text{Ja: "行のキー(英語表記)", En: "the row's keys (English labels)"}},
	{"measure", "string", kensho.Text{Ja: "指標(表のCSVの列名)", En: "measure (a column of the table's CSV)"}},
	{"previous_value", "number", kensho.Text{Ja: "前回の公表の値(表のCSVと同じ桁数)", En: "the value the previous release published (rounded as in the table's CSV)"}},
	{"value", "number", kensho.Text{Ja: "この版の値(表のCSVと同じ桁数)", En: "the value this release publishes (rounded as in the table's CSV)"}},
}

// revisionsCSV writes the revised figures, one row each, in the order of
// the page. Without a previous release it holds the header alone.
func (r *renderer) revisionsCSV() []byte {
	var b bytes.Buffer
	w := newCSVWriter(&b)
	head := make([]string, len(revisionsColumns))
	for i, c := range revisionsColumns {
		head[i] = c.name
	}
	w.Write(head)
	for _, f := range r.revised {
		m := f.t.Measures[f.measure]
		w.Write([]string{f.t.Name, rowKey(f.t, f.row), rowLabel(f.t, f.row, "ja"), rowLabel(f.t, f.row, "en"),
			m.Name, fixed(f.previous, m.Decimals, false), csvCell(f.cell(), m.Decimals)})
	}
	w.Flush()
	return b.Bytes()
}

// revisionsDictionary documents data/revisions.csv.
func revisionsDictionary() []dictEntry {
	out := make([]dictEntry, len(revisionsColumns))
	for i, c := range revisionsColumns {
		out[i] = dictEntry{File: RevisionsFile, Column: c.name, Type: c.typ, Meaning: c.meaning}
	}
	return out
}

// changesView is the page of changes.
type changesView struct {
	Lang string
	// First: there is no previous release to compare with.
	First bool
	// Against names both releases; the counts are formatted.
	Against                              string
	Revised, NowSuppressed, NowPublished string
	Rows                                 []revisionRow
	CSVHref                              string
}

// revisionRow is a revised figure on the page.
type revisionRow struct {
	TableHref, Table, Key, Measure, Previous, Value string
}

func (r *renderer) writeChanges(lang string) error {
	p := r.newPage(lang, changesSlug, changesSlug, T(lang, "changes.title"), T(lang, "lead.changes"))
	v := &changesView{Lang: lang, CSVHref: p.Root + "data/" + RevisionsFile}
	rv := r.rel.Revision
	if rv == nil {
		v.First = true
	} else {
		v.Against = Tf(lang, "changes.against", r.rel.Version, dayLabel(r.rel.BuildDate, lang), rv.Previous, dayLabel(rv.PreviousDate, lang))
		v.Revised = fixed(float64(len(rv.Revised)), 0, true)
		v.NowSuppressed = fixed(float64(rv.NowSuppressed), 0, true)
		v.NowPublished = fixed(float64(rv.NowPublished), 0, true)
	}
	for _, f := range r.revised {
		m := f.t.Measures[f.measure]
		v.Rows = append(v.Rows, revisionRow{
			TableHref: p.LangRoot + pageFile(topicSlug(f.t.Page)) + "#" + f.t.Name,
			Table:     f.t.Title.In(lang), Key: rowLabel(f.t, f.row, lang), Measure: measureTitle(m, lang),
			Previous: htmlCell(kensho.Cell{Value: f.previous, Status: kensho.Published}, m.Decimals),
			Value:    htmlCell(f.cell(), m.Decimals),
		})
	}
	p.Changes = v
	return r.emit(p, "changes")
}

// topicSlug is the slug of a topic page: the overview is the language's
// root.
func topicSlug(key string) string {
	if key == "overview" {
		return ""
	}
	return key
}

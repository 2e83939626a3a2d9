package site

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kensho-jp/kensho"
)

// The table explorer of the data page (assets/explore.js) reads one file
// per table, assets/tables/<table>.js, which it loads with a script element
// when the reader chooses the table: a script, not a fetch, so that it
// works from file:// too. The file holds the table's published CSV as it
// is under data/tables/ (read back from there, so the two cannot differ),
// and what the explorer needs to label it in both languages. Without
// JavaScript the explorer stays hidden; the tables and their CSV files are
// listed below it, and each page shows its tables whole.
func explorerData(name string) string { return "assets/tables/" + name + ".js" }

// explorerTable is what assets/tables/<table>.js hands the explorer.
type explorerTable struct {
	Name     string            `json:"name"`
	Title    kensho.Text       `json:"title"`
	Dims     []explorerDim     `json:"dims"`
	Measures []explorerMeasure `json:"measures"`
	CSV      string            `json:"csv"`
}

type explorerDim struct {
	Name  string        `json:"name"`
	Title kensho.Text   `json:"title"`
	Keys  []explorerKey `json:"keys"` // in table order, the margin last
}

type explorerKey struct {
	Key   string      `json:"key"`
	Label kensho.Text `json:"label"`
}

type explorerMeasure struct {
	Name     string      `json:"name"`
	Title    kensho.Text `json:"title"`
	Decimals int         `json:"decimals"`
}

// writeExplorer writes the explorer's file of every table, after the
// tables' CSV files.
func (r *renderer) writeExplorer() error {
	for _, t := range r.ordered {
		b, err := os.ReadFile(filepath.Join(r.dir, "data", "tables", t.Name+".csv"))
		if err != nil {
			return fmt.Errorf("explorer: %w", err)
		}
		et := explorerTable{Name: t.Name, Title: kensho.Text{Ja: t.Title.Ja, En: t.Title.In("en")}, CSV: string(b)}
		ix := r.idx[t.Name]
		for d, dim := range t.Dims {
			ed := explorerDim{Name: dim.Name, Title: kensho.Text{Ja: dimTitle(dim, "ja"), En: dimTitle(dim, "en")}}
			for _, k := range ix.keysOf(d, nil, false) {
				ed.Keys = append(ed.Keys, explorerKey{Key: k, Label: kensho.Text{Ja: keyLabel(dim.Name, k, "ja"), En: keyLabel(dim.Name, k, "en")}})
			}
			et.Dims = append(et.Dims, ed)
		}
		for _, m := range t.Measures {
			et.Measures = append(et.Measures, explorerMeasure{Name: m.Name, Title: kensho.Text{Ja: measureTitle(m, "ja"), En: measureTitle(m, "en")}, Decimals: m.Decimals})
		}
		js, err := json.Marshal(et) // escapes <, > and &: the data cannot end a script
		if err != nil {
			return fmt.Errorf("explorer: %s: %w", t.Name, err)
		}
		out := append([]byte("window.kenshoExplore && window.kenshoExplore("), js...)
		if err := r.write(explorerData(t.Name), append(out, ");\n"...)); err != nil {
			return err
		}
	}
	return nil
}

// explorerView is the explorer's form on the data page: the tables to
// choose from and its words.
type explorerView struct {
	Tables []tableRow
	Root   string // the site root, relative to the page
	// Words the script shows, in the page's language; Revised titles the
	// mark r of a revised figure.
	All, Rows, Shown, Empty, Loading, Revised string
}

func (r *renderer) explorer(p *page) *explorerView {
	ev := &explorerView{Root: p.Root,
		All: T(p.Lang, "explore.all"), Rows: T(p.Lang, "explore.rows"), Shown: T(p.Lang, "explore.shown"),
		Empty: T(p.Lang, "explore.empty"), Loading: T(p.Lang, "explore.loading"), Revised: T(p.Lang, "mark.revised")}
	for _, t := range r.ordered {
		ev.Tables = append(ev.Tables, tableRow{Name: t.Name, Title: t.Title.In(p.Lang)})
	}
	return ev
}

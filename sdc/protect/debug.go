package protect

import (
	"fmt"
	"os"

	"github.com/kensho-jp/kensho/sdc/model"
)

func debugShortfall(pr *model.Program, f shortfall, res *Result) {
	if os.Getenv("KENSHO_DEBUG") == "" {
		return
	}
	fmt.Printf("shortfall %s upper %v op %d: status %v bound %v, %d binding rows, truth %v\n", f.col.Label(), f.upper, f.op, f.reach.Status, f.reach.Bound, len(f.reach.Binding), res.Truth[f.col.ID].Value)
	pub, known, public := 0, 0, 0
	for _, c := range pr.Comp.Columns {
		if res.Pattern.Status[c.ID] == model.Published {
			pub++
			if pr.KnownZero(c) {
				known++
			} else if allPublic(res.Truth[c.ID]) {
				public++
			}
		}
	}
	fmt.Printf("  component: %d columns, %d published (%d known zeros, %d of public facts only)\n", len(pr.Comp.Columns), pub, known, public)
	rc := pr.RowColumn()
	for _, r := range f.reach.Binding {
		row := pr.LP.Rows[r]
		id := -1
		if r < len(rc) {
			id = rc[r]
		}
		desc := "code-list/separator"
		if id >= 0 {
			c := pr.Comp.ModelColumn(id)
			desc = fmt.Sprintf("%s status %d value %v", c.Label(), res.Pattern.Status[id], res.Truth[id].Value)
		}
		fmt.Printf("  binding row %d: %d terms [%v,%v] %s | %s\n", r, len(row.Terms), row.Lo, row.Hi, desc, pr.DescribeRow(r))
	}
	fmt.Printf("  col %s cond dims %v atoms %v clique %d\n", f.col.Label(), f.col.Cond.Dims, f.col.Atoms, f.col.Clique)
}

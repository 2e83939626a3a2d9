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
	rc := pr.RowColumn()
	for _, r := range f.binding {
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
		fmt.Printf("  binding row %d: %d terms [%v,%v] %s\n", r, len(row.Terms), row.Lo, row.Hi, desc)
	}
	fmt.Printf("  col %s cond dims %v atoms %v clique %d\n", f.col.Label(), f.col.Cond.Dims, f.col.Atoms, f.col.Clique)
}

package model

import (
	"fmt"
	"os"
	"slices"

	"github.com/kensho-jp/kensho"
)

// omit names one implication of the code lists that this binary's model
// leaves out. It is empty in every kensho that publishes: only the removal
// test (internal/attack, TestEveryImplicationIsNeeded) links a kensho with
// it set,
//
//	go build -ldflags '-X github.com/kensho-jp/kensho/sdc/model.omit=hierarchy:cause_group'
//
// to show that the attacker, who reads the implication from the published
// code lists, then narrows a figure the protection thought safe. A model
// built so says so on standard error every time.
var omit string

// Implications names every implication of the code lists the model holds,
// as a reader of the published lists finds them:
//   - "hierarchy:<dim>" for each row of codes/hierarchy.csv (a coarse code
//     is the set of its fine codes: cause_group is a union of causes);
//   - "<list>.<column>" for each kensho.Relation, named by the attribute
//     column of the code list that states it (equipment.simplified_form,
//     eu_root_causes.third_party).
func Implications() []string {
	var out []string
	for _, r := range kensho.Rollups {
		out = append(out, "hierarchy:"+r.Dim)
	}
	for _, r := range kensho.Relations {
		out = append(out, r.Name)
	}
	return out
}

// checkOmit refuses a name that is not an implication (a typo would make
// the removal test pass for the wrong reason) and warns that the model is
// incomplete.
func checkOmit() error {
	if omit == "" {
		return nil
	}
	if !slices.Contains(Implications(), omit) {
		return fmt.Errorf("model: this kensho was linked to leave out %q, which is not an implication of the code lists (%v)", omit, Implications())
	}
	fmt.Fprintf(os.Stderr, "kensho: WARNING: the disclosure model leaves out %s (a removal-test build): this release is not protected\n", omit)
	return nil
}

// omitted reports whether the implication name is left out of the model.
func omitted(name string) bool { return omit != "" && omit == name }

// rollupOf is kensho.RollupOf without an omitted rollup: the coarse
// dimension is then a dimension of its own, unrelated to its base.
func rollupOf(dim string) (kensho.Rollup, bool) {
	r, ok := kensho.RollupOf(dim)
	if !ok || omitted("hierarchy:"+dim) {
		return kensho.Rollup{}, false
	}
	return r, true
}

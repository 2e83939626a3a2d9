package attack

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Codes are the published code lists (data/codes/*.csv) and what a reader
// derives from them.
type Codes struct {
	lists map[string]*codeList // by file name without .csv
	// rollup maps a coarse dimension (cause_group) to its base (cause) and
	// each base code to its coarse code, from hierarchy.csv.
	rollup map[string]rollup
}

type codeList struct {
	name    string
	columns []string
	codes   []string
	attr    map[string]map[string]string // code → column → value
}

type rollup struct {
	base string
	of   map[string]string // base code → coarse code
}

func loadCodes(dir string) (*Codes, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no code lists published (data/codes/*.csv)", dir)
	}
	sort.Strings(files)
	c := &Codes{lists: map[string]*codeList{}, rollup: map[string]rollup{}}
	var hier [][]string
	for _, f := range files {
		head, rows, err := readCSV(f)
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(filepath.Base(f), ".csv")
		if name == "hierarchy" {
			hier = rows
			continue
		}
		if len(head) == 0 || head[0] != "code" {
			continue // not a code list (eras, thresholds, ...)
		}
		l := &codeList{name: name, columns: head, attr: map[string]map[string]string{}}
		for _, r := range rows {
			l.codes = append(l.codes, r[0])
			a := map[string]string{}
			for i, h := range head {
				if i < len(r) {
					a[h] = r[i]
				}
			}
			l.attr[r[0]] = a
		}
		c.lists[name] = l
	}
	for _, h := range hier {
		if len(h) < 3 {
			return nil, fmt.Errorf("%s: hierarchy row %v", dir, h)
		}
		dim, base, column := h[0], h[1], h[2]
		l := c.list(base)
		if l == nil {
			return nil, fmt.Errorf("hierarchy.csv: no code list for %q", base)
		}
		r := rollup{base: base, of: map[string]string{}}
		for _, code := range l.codes {
			r.of[code] = l.attr[code][column]
		}
		c.rollup[dim] = r
	}
	return c, nil
}

// list finds the code list of a dimension by its name: the list's file is
// the dimension's English plural (cause → causes, service_category →
// service_categories) or the name itself (equipment).
func (c *Codes) list(dim string) *codeList {
	cands := []string{dim, dim + "s", dim + "es"}
	if strings.HasSuffix(dim, "y") {
		cands = append(cands, strings.TrimSuffix(dim, "y")+"ies")
	}
	for _, n := range cands {
		if l, ok := c.lists[n]; ok {
			return l
		}
	}
	return nil
}

// base returns the base dimension of a published dimension and the base
// codes each of its codes stands for (nil: the dimension is its own base).
func (c *Codes) base(dim string) (string, map[string][]string) {
	r, ok := c.rollup[dim]
	if !ok {
		return dim, nil
	}
	m := map[string][]string{}
	for _, b := range c.list(r.base).codes {
		m[r.of[b]] = append(m[r.of[b]], b)
	}
	return r.base, m
}

// zeroRule says that no accident has base dimension A in setA and B in
// setB at once: a structural zero a reader derives from the code lists.
type zeroRule struct {
	A, B       string
	SetA, SetB map[string]bool
	Why        string
	// Source is the list and the column that state the rule
	// (equipment.simplified_form).
	Source string
}

// implications derives the structural zeros from the code lists'
// boolean attribute columns:
//   - a column "<c>_<E>" of dimension D's list, where c is a code of the
//     dimension E (equipment.simplified_form: form simplified): E = c
//     only with the codes of D marked true;
//   - a column named after a yes/no dimension E (eu_root_causes.third_party):
//     a code marked true implies E = true.
//
// boolDims are the yes/no dimensions published anywhere.
func (c *Codes) implications(boolDims map[string]bool) []zeroRule {
	var out []zeroRule
	names := make([]string, 0, len(c.lists))
	for n := range c.lists {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		l := c.lists[n]
		dim := c.dimOfList(n)
		bdim, _ := c.base(dim)
		for _, col := range l.columns {
			if !isBoolColumn(l, col) {
				continue
			}
			trues, falses := map[string]bool{}, map[string]bool{}
			for _, code := range l.codes {
				if l.attr[code][col] == "true" {
					trues[code] = true
				} else {
					falses[code] = true
				}
			}
			toBase := func(set map[string]bool) map[string]bool {
				if bdim == dim {
					return set
				}
				out := map[string]bool{}
				r := c.rollup[dim]
				for b, coarse := range r.of {
					if set[coarse] {
						out[b] = true
					}
				}
				return out
			}
			if boolDims[col] {
				out = append(out, zeroRule{A: bdim, SetA: toBase(trues), B: col, SetB: map[string]bool{"false": true},
					Why: fmt.Sprintf("%s.%s: a %s marked true has %s = true", n, col, dim, col), Source: n + "." + col})
				continue
			}
			for other, ol := range c.lists {
				odim := c.dimOfList(other)
				if !strings.HasSuffix(col, "_"+odim) {
					continue
				}
				code := strings.TrimSuffix(col, "_"+odim)
				if ol.attr[code] == nil {
					continue
				}
				obase, omap := c.base(odim)
				setB := map[string]bool{code: true}
				if omap != nil {
					setB = map[string]bool{}
					for _, b := range omap[code] {
						setB[b] = true
					}
				}
				out = append(out, zeroRule{A: bdim, SetA: toBase(falses), B: obase, SetB: setB,
					Why: fmt.Sprintf("%s.%s: %s %s only with the %s marked true", n, col, odim, code, dim), Source: n + "." + col})
			}
		}
	}
	return out
}

// dimOfList is the dimension a list codes: the singular of its file name
// (service_categories → service_category, equipment_classes →
// equipment_class, causes → cause, equipment → equipment).
func (c *Codes) dimOfList(name string) string {
	switch {
	case strings.HasSuffix(name, "ies"):
		return strings.TrimSuffix(name, "ies") + "y"
	case strings.HasSuffix(name, "sses"), strings.HasSuffix(name, "ches"), strings.HasSuffix(name, "shes"), strings.HasSuffix(name, "xes"):
		return strings.TrimSuffix(name, "es")
	case strings.HasSuffix(name, "s"):
		return strings.TrimSuffix(name, "s")
	}
	return name
}

func isBoolColumn(l *codeList, col string) bool {
	if col == "code" {
		return false
	}
	for _, code := range l.codes {
		if v := l.attr[code][col]; v != "true" && v != "false" {
			return false
		}
	}
	return len(l.codes) > 0
}

// band is what a band's code list says of its accidents: a value in
// [lo, hi] (hi < 0: unbounded), in whole units.
type band struct{ lo, hi float64 }

// bands reads a band list whose column minCol holds each band's lower
// limit; a band ends one unit below the next band's lower limit.
func (c *Codes) bands(dim, minCol string) map[string]band {
	l := c.list(dim)
	if l == nil {
		return nil
	}
	out := map[string]band{}
	for i, code := range l.codes {
		lo, err := strconv.ParseFloat(l.attr[code][minCol], 64)
		if err != nil {
			return nil
		}
		b := band{lo: lo, hi: -1}
		if i+1 < len(l.codes) {
			next, err := strconv.ParseFloat(l.attr[l.codes[i+1]][minCol], 64)
			if err != nil {
				return nil
			}
			b.hi = next - 1
		}
		out[code] = b
	}
	return out
}

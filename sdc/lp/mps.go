package lp

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// writeMPS writes min −Σ terms subject to p in free MPS (CBC minimizes).
// Rows free on both sides are left out; every variable gets both bounds
// (some readers take a whole variable without an upper bound for 0/1).
func writeMPS(path string, p *Problem, integer []bool, terms []Term) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	type entry struct {
		row  int
		coef float64
	}
	cols := make([][]entry, len(p.Lower))
	written := make([]bool, len(p.Rows))
	fmt.Fprintln(w, "NAME kensho FREE")
	fmt.Fprintln(w, "ROWS")
	fmt.Fprintln(w, " N obj")
	for i, r := range p.Rows {
		switch {
		case math.IsInf(r.Lo, -1) && math.IsInf(r.Hi, 1):
			continue
		case r.Lo == r.Hi:
			fmt.Fprintf(w, " E r%d\n", i)
		case math.IsInf(r.Lo, -1):
			fmt.Fprintf(w, " L r%d\n", i)
		default:
			fmt.Fprintf(w, " G r%d\n", i)
		}
		written[i] = true
		for _, t := range r.Terms {
			cols[t.Var] = append(cols[t.Var], entry{i, t.Coef})
		}
	}
	obj := make([]float64, len(p.Lower))
	for _, t := range terms {
		obj[t.Var] -= t.Coef
	}
	fmt.Fprintln(w, "COLUMNS")
	inInt := false
	for j := range p.Lower {
		if integer[j] != inInt {
			if integer[j] {
				fmt.Fprintln(w, " MARKER 'MARKER' 'INTORG'")
			} else {
				fmt.Fprintln(w, " MARKER 'MARKER' 'INTEND'")
			}
			inInt = integer[j]
		}
		fmt.Fprintf(w, " x%d obj %s\n", j, num(obj[j]))
		for _, e := range cols[j] {
			fmt.Fprintf(w, " x%d r%d %s\n", j, e.row, num(e.coef))
		}
	}
	if inInt {
		fmt.Fprintln(w, " MARKER 'MARKER' 'INTEND'")
	}
	fmt.Fprintln(w, "RHS")
	for i, r := range p.Rows {
		if !written[i] {
			continue
		}
		rhs := r.Lo
		if math.IsInf(r.Lo, -1) {
			rhs = r.Hi
		}
		fmt.Fprintf(w, " rhs r%d %s\n", i, num(rhs))
	}
	ranges := false // an empty RANGES section trips CBC's reader
	for i, r := range p.Rows {
		if written[i] && !math.IsInf(r.Lo, -1) && !math.IsInf(r.Hi, 1) && r.Lo != r.Hi {
			if !ranges {
				fmt.Fprintln(w, "RANGES")
				ranges = true
			}
			fmt.Fprintf(w, " rng r%d %s\n", i, num(r.Hi-r.Lo))
		}
	}
	fmt.Fprintln(w, "BOUNDS")
	for j := range p.Lower {
		lo, hi := p.Lower[j], p.Upper[j]
		if lo == hi {
			fmt.Fprintf(w, " FX bnd x%d %s\n", j, num(lo))
			continue
		}
		if math.IsInf(lo, -1) {
			fmt.Fprintf(w, " LO bnd x%d -1e30\n", j) // CBC's minus infinity
		} else {
			fmt.Fprintf(w, " LO bnd x%d %s\n", j, num(lo))
		}
		if math.IsInf(hi, 1) {
			fmt.Fprintf(w, " UP bnd x%d 1e30\n", j)
		} else {
			fmt.Fprintf(w, " UP bnd x%d %s\n", j, num(hi))
		}
	}
	fmt.Fprintln(w, "ENDATA")
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ReadMPS reads the free MPS writeMPS writes (and kensho's fixtures
// hold): rows rN, columns xN, the objective row obj to minimise (returned
// as the terms to maximise, its negation), RHS, RANGES and BOUNDS (FX, LO,
// UP; ±10³⁰ is infinite), integer columns between INTORG and INTEND
// markers. Rows are numbered in the order of their indices; a row the file
// leaves out (free on both sides) is left out.
func ReadMPS(r io.Reader) (*Problem, []bool, []Term, error) {
	var bad error
	index := func(s string) int {
		n, err := strconv.Atoi(s[1:])
		if err != nil || n < 0 {
			bad = fmt.Errorf("mps: name %q", s)
		}
		return max(n, 0)
	}
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			bad = fmt.Errorf("mps: number %q", s)
		}
		switch {
		case v >= 1e30:
			return math.Inf(1)
		case v <= -1e30:
			return math.Inf(-1)
		}
		return v
	}
	kind := map[int]string{}
	terms := map[int][]Term{}
	rhs, rng := map[int]float64{}, map[int]float64{}
	var lower, upper []float64
	var integer []bool
	var obj []Term
	section, inInt := "", false
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() && bad == nil {
		line := sc.Text()
		fs := strings.Fields(line)
		if len(fs) == 0 {
			continue
		}
		if !strings.HasPrefix(line, " ") {
			section = fs[0]
			continue
		}
		switch section {
		case "ROWS":
			if len(fs) == 2 && fs[1] != "obj" {
				kind[index(fs[1])] = fs[0]
			}
		case "COLUMNS":
			if len(fs) == 3 && fs[1] == "'MARKER'" {
				inInt = fs[2] == "'INTORG'"
				continue
			}
			if len(fs) != 3 {
				return nil, nil, nil, fmt.Errorf("mps: column line %q", line)
			}
			j := index(fs[0])
			for len(lower) <= j {
				lower, upper, integer = append(lower, 0), append(upper, math.Inf(1)), append(integer, false)
			}
			integer[j] = inInt
			if fs[1] == "obj" {
				if v := num(fs[2]); v != 0 {
					obj = append(obj, Term{Var: j, Coef: -v})
				}
				continue
			}
			i := index(fs[1])
			terms[i] = append(terms[i], Term{Var: j, Coef: num(fs[2])})
		case "RHS", "RANGES", "BOUNDS":
			if len(fs) < 3 || (section == "BOUNDS" && len(fs) < 4) {
				return nil, nil, nil, fmt.Errorf("mps: %s line %q", section, line)
			}
			switch section {
			case "RHS":
				rhs[index(fs[1])] = num(fs[2])
			case "RANGES":
				rng[index(fs[1])] = num(fs[2])
			default:
				j := index(fs[2])
				if j >= len(lower) {
					return nil, nil, nil, fmt.Errorf("mps: bound of an unknown column %q", line)
				}
				switch fs[0] {
				case "FX":
					lower[j], upper[j] = num(fs[3]), num(fs[3])
				case "LO":
					lower[j] = num(fs[3])
				case "UP":
					upper[j] = num(fs[3])
				default:
					return nil, nil, nil, fmt.Errorf("mps: bound type %q", fs[0])
				}
			}
		}
	}
	if bad != nil {
		return nil, nil, nil, bad
	}
	if err := sc.Err(); err != nil {
		return nil, nil, nil, err
	}
	p := &Problem{}
	for j := range lower {
		p.AddVar(lower[j], upper[j])
	}
	n := 0
	for i := range kind {
		n = max(n, i+1)
	}
	for i := 0; i < n; i++ {
		k, ok := kind[i]
		if !ok {
			continue
		}
		lo, hi := math.Inf(-1), math.Inf(1)
		switch k {
		case "E":
			lo, hi = rhs[i], rhs[i]
		case "L":
			hi = rhs[i]
		case "G":
			lo = rhs[i]
			if r, ok := rng[i]; ok {
				hi = lo + r
			}
		default:
			return nil, nil, nil, fmt.Errorf("mps: row type %q", k)
		}
		p.AddRow(terms[i], lo, hi)
	}
	return p, integer, obj, nil
}

package attack

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// A published quantile of the accidents' durations says how many of a
// row's accidents lie on each side of it. The table's description states
// the definition (R's type 7: with n accidents and h = (n − 1)·p, the
// value lies between the ⌊h⌋-th and the ⌈h⌉-th of the ordered durations,
// counted from 0), the code lists give the duration bands in whole
// minutes, and the value is printed rounded to the decimals it shows. So,
// of the row's n accidents (its published count), at least ⌊h⌋ + 1 lie in
// a band that can hold a duration no longer than the value, and at least
// n − ⌈h⌉ in a band that can hold one no shorter.

// durationBand is the dimension whose bands read a quantile of
// duration_min.
const durationBand = "duration_band"

// quantile is one published quantile with its row's count.
type quantile struct {
	id     string
	sel    map[string]string
	p      float64
	n      float64
	lo, hi float64 // the printed value's rounding interval
}

// quantileOf reads a measure's name: median_duration_min is the median of
// the durations in minutes, pNN_duration_min their NNth percentile.
func quantileOf(measure string) (float64, bool) {
	q, ok := strings.CutSuffix(measure, "_duration_min")
	if !ok {
		return 0, false
	}
	if q == "median" {
		return 0.5, true
	}
	pct, ok := strings.CutPrefix(q, "p")
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(pct)
	if err != nil || v <= 0 || v >= 100 {
		return 0, false
	}
	return float64(v) / 100, true
}

// halfStep is half the last printed digit's unit of a value as printed.
func halfStep(s string) float64 {
	_, frac, ok := strings.Cut(s, ".")
	if !ok {
		return 0.5
	}
	return 0.5 * math.Pow(10, -float64(len(frac)))
}

// quantiles lists the year's quantiles whose value and count are both
// published.
func (p *Publication) quantiles(year string) []quantile {
	var out []quantile
	for _, t := range p.Tables {
		fy, count := indexOf(t.Keys, "fiscal_year"), indexOf(t.Measures, "accidents")
		if fy < 0 || count < 0 {
			continue
		}
		for _, r := range t.Rows {
			if r.Key[fy] != year {
				continue
			}
			n, ok := parseValue(r.Values[count])
			if !ok || n == 0 {
				continue
			}
			for mi, m := range t.Measures {
				pr, isQ := quantileOf(m)
				v, ok := parseValue(r.Values[mi])
				if !isQ || !ok {
					continue
				}
				sel := map[string]string{}
				for i, k := range t.Keys {
					if i != fy {
						sel[k] = r.Key[i]
					}
				}
				for k, v := range tableFilters[t.Name] {
					sel[k] = v
				}
				h := halfStep(r.Values[mi])
				out = append(out, quantile{id: t.Name + "/" + strings.Join(r.Key, "/") + "/" + m,
					sel: sel, p: pr, n: n, lo: v - h, hi: v + h})
			}
		}
	}
	return out
}

// addQuantiles writes each quantile's two rows: the row's accidents in the
// bands that reach the value from below, and from above.
func (ym *yearModel) addQuantiles(p *Publication, qs []quantile) error {
	c := ym.component
	d, ok := c.dimIdx[durationBand]
	bands := p.Codes.bands(durationBand, "min_minutes")
	if !ok || bands == nil {
		return nil
	}
	for _, q := range qs {
		s, ok, err := c.specOf(p.Codes, q.sel)
		if err != nil {
			return fmt.Errorf("%s: %w", q.id, err)
		}
		if !ok {
			continue
		}
		h := (q.n - 1) * q.p
		below := math.Floor(h+1e-9) + 1
		above := q.n - math.Ceil(h-1e-9)
		low, high := map[int]bool{}, map[int]bool{}
		for i, code := range c.dims[d].codes {
			b := bands[code]
			if b.lo <= q.hi {
				low[i] = true
			}
			if b.hi < 0 || b.hi >= q.lo {
				high[i] = true
			}
		}
		for _, side := range []struct {
			set  map[int]bool
			need float64
		}{{low, below}, {high, above}} {
			sd := spec{}
			for k, v := range s {
				sd[k] = v
			}
			set := side.set
			if prev, ok := s[d]; ok {
				set = map[int]bool{}
				for i := range side.set {
					if prev[i] {
						set[i] = true
					}
				}
			}
			sd[d] = set
			idx, err := c.linear(sd, "")
			if err != nil {
				return fmt.Errorf("%s: %w", q.id, err)
			}
			c.rows = append(c.rows, lrow{idx: idx, coef: ones(len(idx)), lo: side.need, hi: math.Inf(1)})
		}
	}
	return nil
}

package attack

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// PublicCase is an accident the release lists as already public
// (data/public_cases.csv: the serious accidents the ministry announced, an
// operator's own notice). Every reader knows it: its fiscal year, service
// and cause, its duration and its affected users as the source states
// them — which may be rounded, so the attacker reads a figure with k
// trailing zeros as anything within half of 10^k of it.
type PublicCase struct {
	Year             string
	Fields           map[string]string // base dimension → code, what the case states
	UsersLo, UsersHi float64
	Minutes          float64
}

// readPublicCases reads data/public_cases.csv, if the release has one.
func readPublicCases(dir string, codes *Codes) ([]PublicCase, error) {
	path := filepath.Join(dir, "public_cases.csv")
	if _, err := os.Stat(path); err != nil {
		return nil, nil
	}
	head, rows, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, need := range []string{"fiscal_year", "service", "cause", "affected_users", "duration_min"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s: no column %s", path, need)
		}
	}
	users := codes.bands("users_band", "min_users")
	minutes := codes.bands("duration_band", "min_minutes")
	var out []PublicCase
	for n, r := range rows {
		get := func(c string) string { return r[col[c]] }
		u, err1 := strconv.ParseFloat(get("affected_users"), 64)
		m, err2 := strconv.ParseFloat(get("duration_min"), 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s row %d: affected_users %q, duration_min %q", path, n+2, get("affected_users"), get("duration_min"))
		}
		c := PublicCase{Year: get("fiscal_year"), Minutes: m, Fields: map[string]string{
			"service": get("service"), "cause": get("cause"),
		}}
		half := 0.0
		if u > 0 {
			s := get("affected_users")
			k := len(s) - len(strings.TrimRight(s, "0"))
			half = math.Pow(10, float64(k)) / 2
		}
		c.UsersLo, c.UsersHi = math.Max(0, u-half), u+half
		if b, ok := bandOf(users, c.UsersLo, c.UsersHi); ok {
			c.Fields["users_band"] = b
		}
		if b, ok := bandOf(minutes, m, m); ok {
			c.Fields["duration_band"] = b
		}
		out = append(out, c)
	}
	return out, nil
}

// sortedKeys returns a map's keys in order, for a deterministic programme.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// bandOf returns the band that holds every whole value of [lo, hi], if one
// does.
func bandOf(bands map[string]band, lo, hi float64) (string, bool) {
	lo, hi = math.Ceil(lo), math.Floor(hi)
	for code, b := range bands {
		if lo >= b.lo && (b.hi < 0 || hi <= b.hi) {
			return code, true
		}
	}
	return "", false
}

// addPublic: in every clique, the public cases of the year lie among the
// atoms that agree with what they state there, so those atoms count at
// least as many accidents — and, in the magnitudes' clique, at least their
// users and user-hours. Each clique gets one row per distinct projection
// of the cases on its dimensions.
func (ym *yearModel) addPublic(p *Publication) {
	c := ym.component
	type acc struct {
		s            spec
		n, u, uhours float64
	}
	for qi, q := range c.cliques {
		groups := map[string]*acc{}
		for _, pc := range p.Public {
			if pc.Year != c.year {
				continue
			}
			s := spec{}
			var key []string
			for f, v := range pc.Fields {
				d, ok := c.dimIdx[f]
				if !ok || q.has(d) < 0 {
					continue
				}
				code, ok := c.dims[d].idx[v]
				if !ok {
					continue
				}
				s[d] = map[int]bool{code: true}
				key = append(key, f+"="+v)
			}
			sort.Strings(key)
			k := strings.Join(key, ",")
			g := groups[k]
			if g == nil {
				g = &acc{s: s}
				groups[k] = g
			}
			g.n++
			g.u += pc.UsersLo
			g.uhours += pc.UsersLo * pc.Minutes / 60
		}
		for _, k := range sortedKeys(groups) {
			g := groups[k]
			at := c.atoms(qi, g.s)
			idx := make([]int, len(at))
			for i, a := range at {
				idx[i] = q.off + a
			}
			c.rows = append(c.rows, lrow{idx: idx, coef: ones(len(idx)), lo: g.n, hi: math.Inf(1)})
			if qi != c.magC {
				continue
			}
			for mag, v := range map[string]float64{"affected_users": g.u, "user_hours": g.uhours} {
				off, ok := c.magOff[mag]
				if !ok || v <= 0 {
					continue
				}
				midx := make([]int, len(at))
				for i, a := range at {
					midx[i] = off + a
				}
				c.rows = append(c.rows, lrow{idx: midx, coef: ones(len(midx)), lo: v / magScale, hi: math.Inf(1)})
			}
		}
	}
}

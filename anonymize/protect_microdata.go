package anonymize

// The record-level microdata (issue item 5). A class is the set of records
// with the same published values; it is released only when it has at least
// MinOperators operators and no operator holds more than MaxShare of its
// records (k-anonymity by operator with a dominance cap; sdcMicro and ARX
// measure the same for persons). The steps, in order of cost to users:
//
//  1. global generalization: fields are generalized away ("*" for every
//     record) one at a time along a fixed ladder until the records left in
//     unsafe classes fit the caps;
//  2. local suppression: the values of one field, then of two, of an unsafe
//     class become "*", when that merges it into a safe class;
//  3. withholding: records of classes still unsafe are dropped.
//
// A fourth step protects the tables: a suppressed cell must not be
// recoverable from the microdata, so records are withheld where the linked
// programme with microdata bounds (protect_secondary.go) would otherwise
// narrow a cell below its protection.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

// mdField is one published field of the microdata.
type mdField struct {
	Name  string
	Type  string // integer or string, as in kensho.FieldSchema
	Title kensho.Text
	Codes string
}

// microdataFields are the published fields, in file order. Each is a column
// of deid_accident; every value but fiscal_year may be "*".
var microdataFields = []mdField{
	{"fiscal_year", "integer", kensho.Text{Ja: "報告年度", En: "fiscal year"}, ""},
	{"quarter", "string", kensho.Text{Ja: "四半期 (1 = 4–6月 … 4 = 1–3月)", En: "fiscal quarter (1 = Apr–Jun … 4 = Jan–Mar)"}, ""},
	{"form", "string", kensho.Text{Ja: "様式", En: "report form"}, "form"},
	{"impact", "string", kensho.Text{Ja: "事故の態様", En: "impact"}, "impact"},
	{"service_category", "string", kensho.Text{Ja: "役務の区分 (重大な事故の基準)", En: "service category (serious-accident criteria)"}, "service_category"},
	{"cause_group", "string", kensho.Text{Ja: "発生要因 (大分類)", En: "cause group"}, "cause_group"},
	{"equipment_class", "string", kensho.Text{Ja: "故障設備の区分", En: "equipment class"}, "equipment_class"},
	{"region", "string", kensho.Text{Ja: "影響地域 (総合通信局の区域・複数地域・全国)", En: "region (bureau area, several regions, nationwide)"}, "region"},
	{"duration_band", "string", kensho.Text{Ja: "継続時間の区分", En: "duration band"}, "duration_band"},
	{"users_band", "string", kensho.Text{Ja: "影響利用者数の区分", En: "affected users band"}, "users_band"},
	{"cyber_attack", "string", kensho.Text{Ja: "サイバー攻撃 (true/false)", En: "cyber attack (true/false)"}, ""},
	{"other_operator_origin", "string", kensho.Text{Ja: "他事業者設備起因 (true/false)", En: "failure in another operator's equipment (true/false)"}, ""},
	{"disaster", "string", kensho.Text{Ja: "災害 (災害の一覧のコード。一覧にない災害は other)", En: "named disaster (a code of the list of named disasters; other for one not on it)"}, "disaster"},
}

// microdataLadder is the order in which fields are generalized away: first
// what dates an accident (the quarter), then what points at an operator's
// network (equipment, region), then the rarer flags, keeping longest the
// breakdowns of the verification report (impact, service, cause).
var microdataLadder = []string{
	"quarter", "equipment_class", "region", "disaster", "other_operator_origin", "cyber_attack",
	"form", "duration_band", "users_band", "impact", "service_category", "cause_group",
}

const starValue = "*"

func fieldIndex(name string) int {
	for i, f := range microdataFields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

type opCount struct {
	op int32
	n  int
}

// mdUnit is one class at the chosen level of global generalization, before
// local suppression: the unit every decision applies to.
type mdUnit struct {
	key     int64    // the class's packed codes at the level
	orig    []string // values at the level; "*" for fields generalized away; nullValue for NULL
	vals    []string // published values
	ops     []opCount
	n       int
	year    string
	star    uint32
	dropped bool
	linkage bool // dropped to protect a table cell
}

// LadderStep records what one level of global generalization would cost.
type LadderStep struct {
	Level          int      `json:"level"`
	Generalized    []string `json:"generalized_away"`
	UnsafeRecords  int      `json:"unsafe_records"`
	StarredRecords int      `json:"starred_records"`
	StarredValues  int      `json:"starred_values"`
	DroppedRecords int      `json:"dropped_records"`
	Tried          bool     `json:"local_suppression_tried"`
	Chosen         bool     `json:"chosen"`
}

type microdata struct {
	cfg    Config
	coding *mdCoding
	level  int
	units  []*mdUnit
	total  int
	steps  []LadderStep
	gen    uint32 // bumped on every change, to invalidate cached bounds
}

func (md *microdata) generalized(level int) map[string]bool {
	out := map[string]bool{}
	for _, f := range microdataLadder[:level] {
		out[f] = true
	}
	return out
}

// mdCoding packs the microdata fields of a record into one BIGINT: each
// field is the position of its value in the field's dictionary (code-list
// order, fiscal years ascending, NULL first), and the code one past the
// dictionary stands for "*".
type mdCoding struct {
	dicts [][]string
	shift []uint
	bits  []uint
}

func (c *mdCoding) star(i int) int64 { return int64(len(c.dicts[i])) }

func (c *mdCoding) field(key int64, i int) int64 {
	return (key >> c.shift[i]) & (1<<c.bits[i] - 1)
}

// mask keeps the bits of the fields a level publishes.
func (c *mdCoding) mask(gen map[string]bool) int64 {
	var m int64
	for i, f := range microdataFields {
		if !gen[f.Name] {
			m |= (1<<c.bits[i] - 1) << c.shift[i]
		}
	}
	return m
}

// newCoding builds the dictionaries and the packed-key table anon_md_codes.
// The first field takes the highest bits, so sorting keys sorts records by
// their fields in file order.
func newCoding(ctx context.Context, q querier) (*mdCoding, error) {
	c := &mdCoding{}
	for _, f := range microdataFields {
		var dict []string
		switch {
		case f.Name == "disaster":
			// NULL (no disaster named) first, then the list's codes.
			dict = append([]string{nullValue}, kensho.Disasters.CodeStrings()...)
		case kensho.ListByName(f.Name) != nil:
			dict = kensho.ListByName(f.Name).CodeStrings()
		case f.Name == "quarter":
			dict = []string{"1", "2", "3", "4"}
		case f.Name == "cyber_attack" || f.Name == "other_operator_origin":
			dict = []string{"false", "true"}
		default:
			vals, err := distinctValues(ctx, q, f.Name)
			if err != nil {
				return nil, err
			}
			if f.Name == "fiscal_year" {
				sort.Slice(vals, func(i, j int) bool { // numeric order of years
					a, _ := strconv.Atoi(vals[i])
					b, _ := strconv.Atoi(vals[j])
					return a < b
				})
			}
			dict = vals
		}
		bits := uint(1)
		for int64(1)<<bits <= int64(len(dict)) { // room for the codes and "*"
			bits++
		}
		c.dicts = append(c.dicts, dict)
		c.bits = append(c.bits, bits)
	}
	var total uint
	for _, b := range c.bits {
		total += b
	}
	if total > 62 {
		return nil, fmt.Errorf("microdata: the fields need %d bits to pack; at most 62 fit", total)
	}
	var parts []string
	shift := total
	for i, f := range microdataFields {
		shift -= c.bits[i]
		c.shift = append(c.shift, shift)
		lits := make([]string, len(c.dicts[i]))
		nullCode := "-1"
		for k, v := range c.dicts[i] {
			if v == nullValue {
				lits[k] = "NULL"
				nullCode = strconv.Itoa(k)
			} else {
				lits[k] = duck.QuoteString(v)
			}
		}
		col := duck.QuoteIdent(f.Name)
		parts = append(parts, fmt.Sprintf("((CASE WHEN %s IS NULL THEN %s ELSE coalesce(list_position([%s]::VARCHAR[], CAST(%s AS VARCHAR)), 0) - 1 END)::BIGINT << %d)",
			col, nullCode, strings.Join(lits, ", "), col, shift))
	}
	qs, err := render("md_codes.sql", map[string]string{"Key": strings.Join(parts, " | ")})
	if err != nil {
		return nil, err
	}
	if _, err := q.ExecContext(ctx, qs); err != nil {
		return nil, fmt.Errorf("microdata codes: %w", err)
	}
	var bad int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM anon_md_codes WHERE k < 0").Scan(&bad); err != nil {
		return nil, err
	}
	if bad > 0 {
		return nil, fmt.Errorf("microdata: %d records hold a value outside the code lists", bad)
	}
	return c, nil
}

func dropScratch(ctx context.Context, q querier) {
	q.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS anon_md_codes")
	q.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS anon_md_decision")
}

// buildMicrodata chooses the level of global generalization, starting at
// from, and applies local suppression and withholding, over the packed
// codes newCoding made.
func buildMicrodata(ctx context.Context, q querier, cfg Config, coding *mdCoding, from int) (*microdata, error) {
	md := &microdata{cfg: cfg, coding: coding}
	sum, err := render("md_summary.sql", nil)
	if err != nil {
		return nil, err
	}
	for level := from; level <= len(microdataLadder); level++ {
		gen := md.generalized(level)
		mask := coding.mask(gen)
		step := LadderStep{Level: level, Generalized: append([]string{}, microdataLadder[:level]...)}
		var unsafe, total int
		if err := q.QueryRowContext(ctx, sum, sql.Named("mask", mask), sql.Named("min_operators", cfg.MinOperators),
			sql.Named("max_share", cfg.Microdata.MaxShare)).Scan(&unsafe, &total); err != nil {
			return nil, fmt.Errorf("microdata level %d: %w", level, err)
		}
		md.total = total
		step.UnsafeRecords = unsafe
		last := level == len(microdataLadder)
		budget := (cfg.Microdata.MaxStarredPct + cfg.Microdata.MaxDroppedPct) / 100 * float64(total)
		if !last && float64(unsafe) > budget {
			md.steps = append(md.steps, step)
			continue
		}
		units, err := md.loadUnits(ctx, q, gen)
		if err != nil {
			return nil, err
		}
		md.units, md.level = units, level
		md.localSuppression(gen)
		step.Tried = true
		for _, u := range md.units {
			switch {
			case u.dropped:
				step.DroppedRecords += u.n
			case u.star != 0:
				step.StarredRecords += u.n
				step.StarredValues += u.n * bits.OnesCount32(u.star)
			}
		}
		within := float64(step.StarredRecords) <= cfg.Microdata.MaxStarredPct/100*float64(total) &&
			float64(step.DroppedRecords) <= cfg.Microdata.MaxDroppedPct/100*float64(total)
		if within || last {
			step.Chosen = true
			md.steps = append(md.steps, step)
			return md, nil
		}
		md.steps = append(md.steps, step)
	}
	return nil, fmt.Errorf("microdata: no level of generalization chosen")
}

func (md *microdata) loadUnits(ctx context.Context, q querier, gen map[string]bool) ([]*mdUnit, error) {
	qs, err := render("md_classes.sql", nil)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, qs, sql.Named("mask", md.coding.mask(gen)))
	if err != nil {
		return nil, fmt.Errorf("microdata classes: %w", err)
	}
	defer rows.Close()
	var units []*mdUnit
	var cur *mdUnit
	for rows.Next() {
		var key int64
		var op int32
		var n int
		if err := rows.Scan(&key, &op, &n); err != nil {
			return nil, err
		}
		if cur == nil || cur.key != key {
			orig := make([]string, len(microdataFields))
			for i, f := range microdataFields {
				if gen[f.Name] {
					orig[i] = starValue
					continue
				}
				code := md.coding.field(key, i)
				if code >= int64(len(md.coding.dicts[i])) {
					return nil, fmt.Errorf("microdata: field %s has code %d outside its dictionary", f.Name, code)
				}
				orig[i] = md.coding.dicts[i][code]
			}
			cur = &mdUnit{key: key, orig: orig, vals: append([]string{}, orig...), year: orig[0]}
			units = append(units, cur)
		}
		cur.ops = append(cur.ops, opCount{op, n})
		cur.n += n
	}
	return units, rows.Err()
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// safeClass applies the microdata rules to merged operator counts.
func (md *microdata) safeClass(ops map[int32]int, n int) bool {
	if len(ops) < md.cfg.MinOperators {
		return false
	}
	top := 0
	for _, c := range ops {
		top = max(top, c)
	}
	return float64(top) <= md.cfg.Microdata.MaxShare*float64(n)+1e-9
}

func addOps(dst map[int32]int, src []opCount) {
	for _, c := range src {
		dst[c.op] += c.n
	}
}

func (md *microdata) unitSafe(u *mdUnit) bool {
	m := map[int32]int{}
	addOps(m, u.ops)
	return md.safeClass(m, u.n)
}

// localSuppression stars the values of one, then two, fields of each unsafe
// class where that merges it into a safe class, and withholds the rest.
func (md *microdata) localSuppression(gen map[string]bool) {
	var candidates []int // field indexes that may be starred, least valuable first
	for _, f := range microdataLadder {
		if !gen[f] {
			candidates = append(candidates, fieldIndex(f))
		}
	}
	var patterns []uint32
	for _, i := range candidates {
		patterns = append(patterns, 1<<uint(i))
	}
	for a := 0; a < len(candidates); a++ {
		for b := a + 1; b < len(candidates); b++ {
			patterns = append(patterns, 1<<uint(candidates[a])|1<<uint(candidates[b]))
		}
	}
	var unsafe []*mdUnit
	for _, u := range md.units {
		if !md.unitSafe(u) {
			unsafe = append(unsafe, u)
		}
	}
	type group struct {
		units []*mdUnit
		ops   map[int32]int
		n     int
	}
	accepted := map[string]*group{} // published key -> class already formed by starring
	for _, pat := range patterns {
		if len(unsafe) == 0 {
			break
		}
		groups := map[string]*group{}
		var order []string
		for _, u := range unsafe {
			k := strings.Join(starred(u.orig, pat), "\x1f")
			g := groups[k]
			if g == nil {
				g = &group{ops: map[int32]int{}}
				if a := accepted[k]; a != nil {
					addOpsMap(g.ops, a.ops)
					g.n = a.n
				}
				groups[k] = g
				order = append(order, k)
			}
			g.units = append(g.units, u)
			addOps(g.ops, u.ops)
			g.n += u.n
		}
		var rest []*mdUnit
		for _, k := range order {
			g := groups[k]
			if !md.safeClass(g.ops, g.n) {
				rest = append(rest, g.units...)
				continue
			}
			a := accepted[k]
			if a == nil {
				a = &group{ops: map[int32]int{}}
				accepted[k] = a
			}
			for _, u := range g.units {
				u.star = pat
				u.vals = starred(u.orig, pat)
				a.units = append(a.units, u)
				addOps(a.ops, u.ops)
				a.n += u.n
			}
		}
		unsafe = rest
	}
	for _, u := range unsafe {
		u.dropped = true
	}
	md.gen++
}

func addOpsMap(dst, src map[int32]int) {
	for k, v := range src {
		dst[k] += v
	}
}

func starred(vals []string, pat uint32) []string {
	out := append([]string{}, vals...)
	for i := range out {
		if pat&(1<<uint(i)) != 0 {
			out[i] = starValue
		}
	}
	return out
}

// releasedClasses groups the records not withheld by their published
// values: the equivalence classes, in order of first appearance.
func (md *microdata) releasedClasses() (order []string, groups map[string][]*mdUnit) {
	groups = map[string][]*mdUnit{}
	for _, u := range md.units {
		if u.dropped {
			continue
		}
		k := strings.Join(u.vals, "\x1f")
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], u)
	}
	return order, groups
}

// cascade withholds every published class that is no longer safe (after
// records were withheld from it), until all are.
func (md *microdata) cascade() int {
	dropped := 0
	for {
		order, groups := md.releasedClasses()
		changed := false
		for _, k := range order {
			g := groups[k]
			ops := map[int32]int{}
			n := 0
			for _, u := range g {
				addOps(ops, u.ops)
				n += u.n
			}
			if !md.safeClass(ops, n) {
				for _, u := range g {
					u.dropped, u.linkage = true, true
					dropped += u.n
				}
				changed = true
			}
		}
		if !changed {
			md.gen++
			return dropped
		}
	}
}

// bandLimits returns the lower and upper limit of each band of a list whose
// lower bounds are in attr; the last band has no upper limit.
func bandLimits(l *kensho.CodeList, attr string) map[string][2]float64 {
	out := map[string][2]float64{}
	for i, c := range l.Codes {
		lo, _ := strconv.ParseFloat(c.Attr[attr], 64)
		hi := math.Inf(1)
		if i+1 < len(l.Codes) {
			next, _ := strconv.ParseFloat(l.Codes[i+1].Attr[attr], 64)
			hi = next - 1
		}
		out[c.Code] = [2]float64{lo, hi}
	}
	return out
}

var (
	usersLimits    = bandLimits(kensho.UsersBands, "min_users")
	durationLimits = bandLimits(kensho.DurationBands, "min_minutes")
)

// recordLimits returns what a record's published bands say about its
// magnitude: (lo, hi).
func recordLimits(mag kensho.Magnitude, vals []string) (float64, float64) {
	switch mag {
	case kensho.MagAccidents:
		return 1, 1
	case kensho.MagAffectedUsers:
		if l, ok := usersLimits[vals[fieldIndex("users_band")]]; ok {
			return l[0], l[1]
		}
		return 0, math.Inf(1)
	case kensho.MagUserHours:
		u, uok := usersLimits[vals[fieldIndex("users_band")]]
		d, dok := durationLimits[vals[fieldIndex("duration_band")]]
		if uok && dok {
			return u[0] * d[0] / 60, u[1] * d[1] / 60
		}
		return 0, math.Inf(1)
	}
	return 0, math.Inf(1)
}

// mdMatch is what a cell's conditions ask of a published record.
type mdMatch struct {
	canBeExact bool
	checks     []mdCheck
	years      map[string]bool // nil: every year
}

type mdCheck struct {
	field   int
	allowed map[string]bool
}

// deriveTable maps a base value to a coarse value for each coarse field.
func deriveTable(coarse string) map[string]string {
	c, ok := coarseOf[coarse]
	if !ok {
		return nil
	}
	out := map[string]string{}
	for _, code := range kensho.ListByName(c.base).Codes {
		out[code.Code] = code.Attr[c.attr]
	}
	return out
}

// matchFor translates a cell's conditions into checks on published fields.
func matchFor(cs conds, gen map[string]bool) mdMatch {
	m := mdMatch{canBeExact: true}
	for _, c := range cs {
		if f := fieldIndex(c.dim); f >= 0 {
			m.checks = append(m.checks, mdCheck{f, map[string]bool{c.val: true}})
			if gen[c.dim] {
				m.canBeExact = false
			}
			if c.dim == "fiscal_year" {
				m.years = intersectYears(m.years, map[string]bool{c.val: true})
			}
			continue
		}
		if c.dim == "criteria_era" {
			if years, ok := eraYears(c.val); ok {
				m.checks = append(m.checks, mdCheck{0, years})
				m.years = intersectYears(m.years, years)
				continue
			}
			m.canBeExact = false
			continue
		}
		// A finer or sibling dimension of a published coarse field: records
		// of the coarse values it allows may match, none exactly.
		m.canBeExact = false
		base := c.dim
		var baseVals []string
		if co, ok := coarseOf[c.dim]; ok {
			base = co.base
			d := deriveTable(c.dim)
			for _, code := range kensho.ListByName(base).Codes {
				if d[code.Code] == c.val {
					baseVals = append(baseVals, code.Code)
				}
			}
		} else {
			baseVals = []string{c.val}
		}
		for _, f := range microdataFields {
			co, ok := coarseOf[f.Name]
			if !ok || co.base != base {
				continue
			}
			d := deriveTable(f.Name)
			allowed := map[string]bool{}
			for _, v := range baseVals {
				allowed[d[v]] = true
			}
			m.checks = append(m.checks, mdCheck{fieldIndex(f.Name), allowed})
		}
	}
	return m
}

// eraYears lists the fiscal years (1985–2100) in which the serious-accident
// rule set era was in force, when eras begin and end with fiscal years.
func eraYears(era string) (map[string]bool, bool) {
	var all []string
	years := map[string]bool{}
	for y := 1985; y <= 2100; y++ {
		all = append(all, strconv.Itoa(y))
		if kensho.CriteriaEra(kensho.FiscalQuarter{Year: y, Quarter: 1}.Start()) == era {
			years[strconv.Itoa(y)] = true
		}
	}
	return years, eraFollowsYear(all)
}

func intersectYears(a, b map[string]bool) map[string]bool {
	if a == nil {
		return b
	}
	out := map[string]bool{}
	for y := range a {
		if b[y] {
			out[y] = true
		}
	}
	return out
}

func (m mdMatch) test(vals []string) (exact, possible bool) {
	exact, possible = m.canBeExact, true
	for _, c := range m.checks {
		v := vals[c.field]
		if c.allowed[v] {
			continue
		}
		exact = false
		if v != starValue {
			return false, false
		}
	}
	return exact, possible
}

// mdBounds gives the engine the microdata's bounds on cells of one magnitude.
type mdBounds struct {
	md    *microdata
	mag   kensho.Magnitude
	gen   uint32
	cache map[string]cellBound
}

func (b *mdBounds) cellBounds(c *pcell) cellBound {
	if b.gen != b.md.gen || b.cache == nil {
		b.cache, b.gen = map[string]cellBound{}, b.md.gen
	}
	if cb, ok := b.cache[c.key]; ok {
		return cb
	}
	cb := b.md.bounds(c.conds, b.mag)
	b.cache[c.key] = cb
	return cb
}

// bounds computes the microdata's bounds on a cell, overall and per
// operator.
func (md *microdata) bounds(cs conds, mag kensho.Magnitude) cellBound {
	m := matchFor(cs, md.generalized(md.level))
	cb := cellBound{perOp: map[int32][2]float64{}}
	add := func(op int32, lo, hi float64) {
		p := cb.perOp[op]
		p[0] += lo
		p[1] += hi
		cb.perOp[op] = p
		cb.lo += lo
		cb.hi += hi
	}
	for _, u := range md.units {
		if m.years != nil && !m.years[u.year] {
			continue
		}
		if u.dropped {
			// The attacker knows how many records each year withholds.
			hi := math.Inf(1)
			if mag == kensho.MagAccidents {
				hi = 1
			}
			for _, c := range u.ops {
				add(c.op, 0, hi*float64(c.n))
			}
			continue
		}
		exact, possible := m.test(u.vals)
		if !possible {
			continue
		}
		lo, hi := recordLimits(mag, u.vals)
		if !exact {
			lo = 0
		}
		for _, c := range u.ops {
			add(c.op, lo*float64(c.n), hi*float64(c.n))
		}
	}
	return cb
}

// repair withholds records so that the failing cells' microdata bounds
// loosen. It reports whether anything changed.
func (md *microdata) repair(s *psystem, fails []failure) bool {
	gen := md.generalized(md.level)
	changed := false
	for _, f := range fails {
		c := s.cells[f.cell]
		if f.capped {
			// Withhold the smallest class of the same years that cannot be
			// in the cell, so the count withheld hides the cell's size. A
			// withheld record's users and user-hours have no upper limit,
			// so for those a class that may be in the cell serves too.
			// Against an insider only other operators' records hide
			// anything.
			m := matchFor(c.conds, gen)
			var best, inside *mdUnit
			for _, u := range md.units {
				if u.dropped || (m.years != nil && !m.years[u.year]) {
					continue
				}
				if f.insider && len(u.ops) == 1 && u.ops[0].op == f.op {
					continue
				}
				if _, possible := m.test(u.vals); possible {
					if s.mag != kensho.MagAccidents && (inside == nil || u.n < inside.n) {
						inside = u
					}
					continue
				}
				if best == nil || u.n < best.n {
					best = u
				}
			}
			if best == nil {
				best = inside
			}
			if best != nil {
				best.dropped, best.linkage = true, true
				changed = true
			}
			continue
		}
		comp := f.comp
		if comp == nil {
			comp = []int{f.cell}
		}
		for _, id := range comp {
			cc := s.cells[id]
			if !cc.unknown() {
				continue
			}
			m := matchFor(cc.conds, gen)
			for _, u := range md.units {
				if u.dropped || (m.years != nil && !m.years[u.year]) {
					continue
				}
				if exact, _ := m.test(u.vals); exact {
					u.dropped, u.linkage = true, true
					changed = true
				}
			}
		}
	}
	if changed {
		md.cascade()
	}
	return changed
}

// counts returns the records released, starred (records and values) and
// withheld (by the class rules and to protect tables).
func (md *microdata) counts() (released, starredRecords, starredValues, droppedClass, droppedLinkage int) {
	for _, u := range md.units {
		switch {
		case u.dropped && u.linkage:
			droppedLinkage += u.n
		case u.dropped:
			droppedClass += u.n
		default:
			released += u.n
			if u.star != 0 {
				starredRecords += u.n
				starredValues += u.n * bits.OnesCount32(u.star)
			}
		}
	}
	return
}

// write stores the decisions and builds microdata_release in the restricted
// database (a view over the packed codes of microdata_release_packed), then
// drops the scratch tables. It returns the view's columns: the expressions
// that spell out pk.
func (md *microdata) write(ctx context.Context, db *sql.DB) ([]string, error) {
	defer dropScratch(ctx, db)
	gen := md.generalized(md.level)
	c := md.coding
	if _, err := db.ExecContext(ctx, "CREATE OR REPLACE TABLE anon_md_decision (lk BIGINT, star_mask INTEGER, dropped BOOLEAN)"); err != nil {
		return nil, fmt.Errorf("microdata decisions: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "anon_md_decision")
		if err != nil {
			return err
		}
		for _, u := range md.units {
			if u.star == 0 && !u.dropped {
				continue
			}
			if err := app.AppendRow(u.key, int32(u.star), u.dropped); err != nil {
				app.Close()
				return err
			}
		}
		return app.Close()
	})
	if err != nil {
		return nil, fmt.Errorf("microdata decisions: %w", err)
	}
	var pub, cols []string
	for i, f := range microdataFields {
		field := fmt.Sprintf("((lk >> %d) & %d)", c.shift[i], int64(1)<<c.bits[i]-1)
		var code string
		if gen[f.Name] {
			code = strconv.FormatInt(c.star(i), 10)
		} else {
			code = fmt.Sprintf("CASE WHEN (star_mask >> %d) & 1 = 1 THEN %d ELSE %s END", i, c.star(i), field)
		}
		pub = append(pub, fmt.Sprintf("((%s)::BIGINT << %d)", code, c.shift[i]))
		var dec strings.Builder
		fmt.Fprintf(&dec, "CASE (pk >> %d) & %d", c.shift[i], int64(1)<<c.bits[i]-1)
		for k, v := range c.dicts[i] {
			lit := "NULL"
			if v != nullValue {
				lit = duck.QuoteString(v)
			}
			fmt.Fprintf(&dec, " WHEN %d THEN %s", k, lit)
		}
		// Only string fields are ever starred. An integer field's branch
		// for the star is never taken, but must be NULL, not '*': DuckDB
		// folds the cast of each branch when a query filters on the field
		// (WHERE fiscal_year = 2024), and CAST('*' AS INTEGER) fails.
		val := dec.String() + " ELSE " + duck.QuoteString(starValue) + " END"
		if f.Type == "integer" {
			val = "CAST(" + dec.String() + " ELSE NULL END AS INTEGER)"
		}
		cols = append(cols, val+" AS "+duck.QuoteIdent(f.Name))
	}
	qs, err := render("md_release.sql", map[string]string{
		"Mask": strconv.FormatInt(c.mask(gen), 10), "Published": strings.Join(pub, " | "),
	})
	if err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, qs); err != nil {
		return nil, fmt.Errorf("microdata release: %w", err)
	}
	// An earlier version kept microdata_release as a table.
	var kind string
	err = db.QueryRowContext(ctx, "SELECT table_type FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'microdata_release'").Scan(&kind)
	switch {
	case err == sql.ErrNoRows:
	case err != nil:
		return nil, fmt.Errorf("microdata release: %w", err)
	case kind == "BASE TABLE":
		if _, err := db.ExecContext(ctx, "DROP TABLE microdata_release"); err != nil {
			return nil, fmt.Errorf("microdata release: %w", err)
		}
	}
	view := "CREATE OR REPLACE VIEW microdata_release AS SELECT record_key, record_id,\n       " + strings.Join(cols, ",\n       ") +
		"\nFROM microdata_release_packed"
	if _, err := db.ExecContext(ctx, view); err != nil {
		return nil, fmt.Errorf("microdata release: %w", err)
	}
	return cols, nil
}

// histogram bins.
type HistBin struct {
	From  int `json:"from"`
	To    int `json:"to"` // inclusive; 0 = no upper limit
	Count int `json:"classes"`
}

func histogram(values []int, edges []int) []HistBin {
	bins := make([]HistBin, len(edges))
	for i, e := range edges {
		bins[i].From = e
		if i+1 < len(edges) {
			bins[i].To = edges[i+1] - 1
		}
	}
	for _, v := range values {
		for i := len(edges) - 1; i >= 0; i-- {
			if v >= edges[i] {
				bins[i].Count++
				break
			}
		}
	}
	return bins
}

// classStats summarizes the released classes.
func (md *microdata) classStats() (sizes, ops []int, largest float64) {
	order, groups := md.releasedClasses()
	sort.Strings(order) // deterministic order
	for _, k := range order {
		m := map[int32]int{}
		n := 0
		for _, u := range groups[k] {
			addOps(m, u.ops)
			n += u.n
		}
		top := 0
		for _, c := range m {
			top = max(top, c)
		}
		sizes = append(sizes, n)
		ops = append(ops, len(m))
		largest = math.Max(largest, float64(top)/float64(n))
	}
	return sizes, ops, largest
}

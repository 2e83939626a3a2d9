package kensho

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/width"
)

//go:embed codes/*.csv
var codeFiles embed.FS

// CodeFiles returns the code lists byte for byte as shipped (codes/*.csv,
// hierarchy.csv included), for publication beside the data: a reader
// derives the rollups and the structural zeros from them.
func CodeFiles() fs.FS {
	sub, err := fs.Sub(codeFiles, "codes")
	if err != nil {
		panic(err) // "codes" is a valid path in every build
	}
	return sub
}

// Code is one entry of a code list: a stable ASCII code, its Japanese and
// English labels, and the attributes some lists carry.
type Code struct {
	Code string
	Text Text
	// Attr holds the list's extra columns by header (group, category,
	// class, eu_root_cause, region, ...).
	Attr map[string]string
}

// CodeList is an ordered code list. Order is the order of the published
// tables and charts (the order of the spec), not alphabetical.
type CodeList struct {
	Name  string
	Codes []Code
	index map[string]int // normalized code or label -> position
	exact map[string]int // code as stored -> position (the hot path)
}

// Lookup finds a code by its code, Japanese label or English label, ignoring
// surrounding spaces, case and full-width/half-width differences.
func (l *CodeList) Lookup(s string) (Code, bool) {
	if i, ok := l.exact[s]; ok {
		return l.Codes[i], true
	}
	i, ok := l.index[NormalizeKey(s)]
	if !ok {
		return Code{}, false
	}
	return l.Codes[i], true
}

// Get returns the entry for an exact code; it panics on an unknown code,
// which is a programming error, not bad input.
func (l *CodeList) Get(code string) Code {
	i, ok := l.exact[code]
	if !ok {
		panic(fmt.Sprintf("kensho: %s has no code %q", l.Name, code))
	}
	return l.Codes[i]
}

// Has reports whether code is one of the list's codes (exact match).
func (l *CodeList) Has(code string) bool {
	_, ok := l.exact[code]
	return ok
}

// Label returns the label of code in lang; the code itself when unknown
// (and Total as 合計/total).
func (l *CodeList) Label(code, lang string) string {
	if code == Total {
		return TotalLabel.In(lang)
	}
	if i, ok := l.exact[code]; ok {
		return l.Codes[i].Text.In(lang)
	}
	return code
}

// CodeStrings returns the codes in list order.
func (l *CodeList) CodeStrings() []string {
	out := make([]string, len(l.Codes))
	for i, c := range l.Codes {
		out[i] = c.Code
	}
	return out
}

// SQLEnum is the DuckDB type ENUM('a', 'b', ...) of the list's codes.
func (l *CodeList) SQLEnum() string { return SQLEnum(l.CodeStrings()) }

// SQLEnumOf is the ENUM type of the coded column dim (ListByName); an error
// when dim has no code list.
func SQLEnumOf(dim string) (string, error) {
	l := ListByName(dim)
	if l == nil {
		return "", fmt.Errorf("no code list for %s", dim)
	}
	return l.SQLEnum(), nil
}

// SQLEnum is the DuckDB type ENUM('a', 'b', ...) of codes in byte order,
// so the ENUM sorts and compares as the codes do as text: a column
// turned from text into it gives every query the order it gave. Coded
// columns are stored so (docs/contract.md): a table of one-byte codes is
// written, joined and grouped several times faster than one of strings.
func SQLEnum(codes []string) string {
	sorted := slices.Clone(codes)
	sort.Strings(sorted)
	quoted := make([]string, len(sorted))
	for i, c := range sorted {
		quoted[i] = "'" + strings.ReplaceAll(c, "'", "''") + "'"
	}
	return "ENUM(" + strings.Join(quoted, ", ") + ")"
}

// TotalLabel is how a margin is labelled.
var TotalLabel = Text{Ja: "合計", En: "total"}

// NormalizeKey folds a header, code or label for comparison: full-width
// ASCII to half-width, half-width katakana to full-width, surrounding and
// inner spaces (including the ideographic space) removed, ASCII lower-cased.
func NormalizeKey(s string) string {
	s = width.Fold.String(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\u3000', '\u00a0', '\r', '\n':
			return -1
		}
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
	return s
}

// The code lists of the report format, loaded from codes/*.csv.
var (
	Forms             = mustList("forms")
	ReportTypes       = mustList("report_types")
	Impacts           = mustList("impacts")
	Services          = mustList("services")
	ServiceCategories = mustList("service_categories")
	CauseGroups       = mustList("cause_groups")
	Causes            = mustList("causes")
	EURootCauses      = mustList("eu_root_causes")
	EquipmentCodes    = mustList("equipment")
	EquipmentClasses  = mustList("equipment_classes")
	// MinistryEquipmentClasses are the classes of failed equipment of the
	// ministry's annual statistics, as far as kensho could establish them
	// (codes/README.md); codes/equipment.csv maps each equipment to one.
	MinistryEquipmentClasses = mustList("ministry_equipment_classes")
	Regions                  = mustList("regions")
	Prefectures              = mustPrefectures()
	DurationBands            = mustList("duration_bands")
	UsersBands               = mustList("users_bands")
)

// ListByName returns a code list by the name of the dimension it codes, as
// used in statistical tables and the deid_accident table (form, cause,
// region, ...); nil when the dimension has no code list (fiscal_year).
func ListByName(dim string) *CodeList {
	switch dim {
	case "form":
		return Forms
	case "report_type":
		return ReportTypes
	case "impact":
		return Impacts
	case "service":
		return Services
	case "service_category", "serious_category":
		return ServiceCategories
	case "cause_group":
		return CauseGroups
	case "cause":
		return Causes
	case "eu_root_cause":
		return EURootCauses
	case "equipment":
		return EquipmentCodes
	case "equipment_class":
		return EquipmentClasses
	case "ministry_equipment_class":
		return MinistryEquipmentClasses
	case "region":
		return Regions
	case "duration_band":
		return DurationBands
	case "users_band":
		return UsersBands
	case "disaster":
		return Disasters
	}
	return nil
}

// readTable reads codes/<name>.csv into header-keyed records.
func readTable(name string) ([]map[string]string, []string, error) {
	f, err := codeFiles.Open("codes/" + name + ".csv")
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("codes/%s.csv: %w", name, err)
	}
	if len(recs) < 2 {
		return nil, nil, fmt.Errorf("codes/%s.csv: no rows", name)
	}
	header := recs[0]
	out := make([]map[string]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		m := make(map[string]string, len(header))
		for i, h := range header {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out, header, nil
}

func mustList(name string) *CodeList {
	rows, _, err := readTable(name)
	if err != nil {
		panic("kensho: " + err.Error())
	}
	l := &CodeList{Name: name, index: map[string]int{}, exact: map[string]int{}}
	for i, r := range rows {
		c := Code{Code: r["code"], Text: Text{Ja: r["label_ja"], En: r["label_en"]}, Attr: map[string]string{}}
		for k, v := range r {
			if k != "code" && k != "label_ja" && k != "label_en" {
				c.Attr[k] = v
			}
		}
		l.Codes = append(l.Codes, c)
		// Codes win over labels: index labels first, codes last.
		for _, key := range []string{c.Text.Ja, c.Text.En, r["short_ja"]} {
			if key == "" {
				continue
			}
			if _, dup := l.index[NormalizeKey(key)]; !dup {
				l.index[NormalizeKey(key)] = i
			}
		}
	}
	for i, c := range l.Codes {
		l.index[NormalizeKey(c.Code)] = i
		l.exact[c.Code] = i
	}
	return l
}

func mustPrefectures() *CodeList {
	l := mustList("prefectures")
	for _, c := range l.Codes {
		if !Regions.Has(c.Attr["region"]) {
			panic("kensho: prefecture " + c.Code + " has unknown region " + c.Attr["region"])
		}
	}
	return l
}

// Nationwide is the 影響範囲 value for a nationwide accident.
const Nationwide = "全国"

// CauseGroupOf returns the group a cause belongs to.
func CauseGroupOf(cause string) string { return Causes.Get(cause).Attr["group"] }

// ServiceCategoryOf returns the serious-accident category of a service
// (施行規則 第58条).
func ServiceCategoryOf(service string) string { return Services.Get(service).Attr["category"] }

// SimplifiedFormEquipment reports whether equipment may be named on the
// simplified form (告示).
func SimplifiedFormEquipment(equipment string) bool {
	c, ok := EquipmentCodes.Lookup(equipment)
	return ok && c.Attr["simplified_form"] == "true"
}

// NormalizeText folds a free-text value for storage and comparison:
// full-width ASCII to half-width, half-width katakana to full-width, runs of
// spaces (including the ideographic space) to one, trimmed. Case is kept.
func NormalizeText(s string) string {
	s = width.Fold.String(s)
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case ' ', '\t', '\u3000', '\u00a0', '\r', '\n':
			return true
		}
		return false
	}), " ")
}

// BandOf returns the banded dimension of a per-accident quantity (a column
// of deid_accident) with the code list of its bands and the attribute
// holding each band's inclusive lower bound; ok is false when the quantity
// is not banded.
func BandOf(quantity string) (dim string, list *CodeList, attr string, ok bool) {
	switch quantity {
	case "duration_min":
		return "duration_band", DurationBands, "min_minutes", true
	case "affected_users":
		return "users_band", UsersBands, "min_users", true
	}
	return "", nil, "", false
}

// BandLimits returns the inclusive lower and the exclusive upper bound of
// each band of a banded quantity, in list order; the last band's upper
// bound is +Inf.
func BandLimits(quantity string) (lo, hi []float64) {
	_, l, attr, ok := BandOf(quantity)
	if !ok {
		panic("kensho: " + quantity + " has no bands")
	}
	for i, c := range l.Codes {
		v, err := strconv.ParseFloat(c.Attr[attr], 64)
		if err != nil {
			panic(fmt.Sprintf("kensho: %s: bad %s %q", l.Name, attr, c.Attr[attr]))
		}
		lo = append(lo, v)
		if i > 0 {
			hi = append(hi, v)
		}
	}
	hi = append(hi, math.Inf(1))
	return lo, hi
}

// band finds the band of v in a list whose entries carry a lower bound in
// attribute attr (inclusive), ordered ascending.
func band(l *CodeList, attr string, v int64) string {
	code := l.Codes[0].Code
	for _, c := range l.Codes {
		lo, err := strconv.ParseInt(c.Attr[attr], 10, 64)
		if err != nil {
			panic(fmt.Sprintf("kensho: %s: bad %s %q", l.Name, attr, c.Attr[attr]))
		}
		if v >= lo {
			code = c.Code
		}
	}
	return code
}

// DurationBand returns the published duration band of a duration in minutes.
func DurationBand(minutes int64) string { return band(DurationBands, "min_minutes", minutes) }

// UsersBand returns the published band of a number of affected users.
func UsersBand(users int64) string { return band(UsersBands, "min_users", users) }

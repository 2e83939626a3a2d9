package synth

// A test-only reader and validator of the input contract
// (docs/report-format.md), built on the root package's vocabulary. It lets
// synth's tests check every generated row against every rule without
// depending on the ingest stage; it is deliberately strict about what the
// contract allows and nothing more.

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kensho-jp/kensho"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/width"
)

// rawRow is one data row as read: field name -> cell text.
type rawRow struct {
	file   string
	row    int // spreadsheet row number
	xlsx   bool
	fields map[string]string
}

// parsed is a valid row's values.
type parsed struct {
	raw         rawRow
	operatorID  string
	reportNo    string
	fy, quarter int
	form        string
	reportType  string
	occurred    time.Time
	recovered   time.Time
	duration    int64
	impact      string
	service     string
	users       int64
	prefs       []string
	nationwide  bool
	causeGroup  string
	cause       string
	equipment   string
	otherOrigin bool
	cyber       bool
	disaster    string
}

func (p parsed) key() string { return p.operatorID + "\x00" + p.reportNo }

// readReports reads every CSV and XLSX under dir, in lexical path order
// (the order in which a later file supersedes an earlier one).
func readReports(t *testing.T, dir string) []rawRow {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := strings.ToLower(filepath.Ext(p)); !d.IsDir() && (ext == ".csv" || ext == ".xlsx") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths) // the load order
	var out []rawRow
	for _, p := range paths {
		rows, err := readFile(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, rows...)
	}
	return out
}

func readFile(path string) ([]rawRow, error) {
	var recs [][]string
	isX := strings.HasSuffix(path, ".xlsx")
	if isX {
		f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		defer f.Close()
		sheet := f.GetSheetName(0)
		if idx, _ := f.GetSheetIndex(reportSheet); idx >= 0 {
			sheet = reportSheet
		}
		if recs, err = f.GetRows(sheet); err != nil {
			return nil, err
		}
	} else {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		b = bytes.TrimPrefix(b, []byte("\uFEFF"))
		if !utf8.Valid(b) {
			if b, err = japanese.ShiftJIS.NewDecoder().Bytes(b); err != nil {
				return nil, fmt.Errorf("neither UTF-8 nor CP932: %w", err)
			}
		}
		if recs, err = csv.NewReader(bytes.NewReader(b)).ReadAll(); err != nil {
			return nil, err
		}
	}
	// The header is the first row in which most cells are known headers.
	hdr := -1
	for i, rec := range recs {
		known := 0
		for _, c := range rec {
			if _, ok := kensho.ColumnByHeader(c); ok {
				known++
			}
		}
		if known >= 10 {
			hdr = i
			break
		}
	}
	if hdr < 0 {
		return nil, fmt.Errorf("no header row")
	}
	fields := make([]string, len(recs[hdr]))
	present := map[string]bool{}
	for i, h := range recs[hdr] {
		c, ok := kensho.ColumnByHeader(h)
		if !ok {
			return nil, fmt.Errorf("unknown header %q", h)
		}
		fields[i] = c.Field
		present[c.Field] = true
	}
	for _, c := range kensho.InputColumns {
		if c.Required && !present[c.Field] {
			return nil, fmt.Errorf("missing required column %s", c.HeaderJa)
		}
	}
	var out []rawRow
	for i := hdr + 1; i < len(recs); i++ {
		m := map[string]string{}
		empty := true
		for j, v := range recs[i] {
			if j < len(fields) {
				m[fields[j]] = v
				empty = empty && strings.TrimSpace(v) == ""
			}
		}
		if empty {
			continue
		}
		out = append(out, rawRow{file: path, row: i + 1, xlsx: isX, fields: m})
	}
	return out, nil
}

func fold(s string) string { return strings.TrimSpace(width.Fold.String(s)) }

func parseCount(s string) (int64, error) {
	s = strings.ReplaceAll(fold(s), ",", "")
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("not a count: %q", s)
	}
	return v, nil
}

var eraDate = regexp.MustCompile(`^(\p{Han}+)(\d+)年(\d+)月(\d+)日 ?(\d+)時(\d+)分$`)

func parseDate(s string, xlsx bool) (time.Time, error) {
	s = fold(s)
	for _, layout := range []string{"2006/01/02 15:04", "2006-01-02 15:04", "2006-01-02T15:04:05-07:00"} {
		if t, err := time.ParseInLocation(layout, s, kensho.JST); err == nil {
			return t.In(kensho.JST), nil
		}
	}
	if m := eraDate.FindStringSubmatch(s); m != nil {
		n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
		y, ok := kensho.EraYear(m[1], n(2))
		if ok {
			return time.Date(y, time.Month(n(3)), n(4), n(5), n(6), 0, 0, kensho.JST), nil
		}
	}
	if xlsx {
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			mins := math.Round(v * 1440)
			base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Add(time.Duration(mins) * time.Minute)
			return time.Date(base.Year(), base.Month(), base.Day(), base.Hour(), base.Minute(), 0, 0, kensho.JST), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date-time: %q", s)
}

func parseYear(s string) (int, error) {
	s = fold(s)
	if v, err := strconv.Atoi(s); err == nil {
		return v, nil
	}
	for _, e := range kensho.Eras {
		if rest, ok := strings.CutPrefix(s, e.Name); ok {
			if n, err := strconv.Atoi(rest); err == nil {
				if y, ok := kensho.EraYear(e.Name, n); ok {
					return y, nil
				}
			}
		}
	}
	return 0, fmt.Errorf("not a fiscal year: %q", s)
}

// validate checks a row against every rule of the contract and returns its
// values and its errors.
func validate(r rawRow) (parsed, []string) {
	f := r.fields
	p := parsed{raw: r}
	var errs []string
	bad := func(field, format string, args ...any) {
		errs = append(errs, field+": "+fmt.Sprintf(format, args...))
	}
	code := func(field string, l *kensho.CodeList) string {
		c, ok := l.Lookup(f[field])
		if !ok {
			bad(field, "unknown code %q", f[field])
		}
		return c.Code
	}
	for _, fl := range []string{"operator_name", "operator_id", "report_no"} {
		if strings.TrimSpace(f[fl]) == "" {
			bad(fl, "empty")
		}
	}
	p.operatorID, p.reportNo = f["operator_id"], f["report_no"]
	var err error
	if p.fy, err = parseYear(f["fiscal_year"]); err != nil {
		bad("fiscal_year", "%v", err)
	}
	if p.quarter, err = strconv.Atoi(fold(f["quarter"])); err != nil || p.quarter < 1 || p.quarter > 4 {
		bad("quarter", "%q", f["quarter"])
	}
	p.form = code("form", kensho.Forms)
	p.reportType = "quarterly"
	if strings.TrimSpace(f["report_type"]) != "" {
		p.reportType = code("report_type", kensho.ReportTypes)
	}
	var e1, e2 error
	p.occurred, e1 = parseDate(f["occurred_at"], r.xlsx)
	p.recovered, e2 = parseDate(f["recovered_at"], r.xlsx)
	if e1 != nil {
		bad("occurred_at", "%v", e1)
	}
	if e2 != nil {
		bad("recovered_at", "%v", e2)
	}
	if e1 == nil && e2 == nil {
		if p.recovered.Before(p.occurred) {
			bad("recovered_at", "before occurred_at")
		}
		p.duration = int64(p.recovered.Sub(p.occurred) / time.Minute)
		if p.quarter >= 1 && p.quarter <= 4 && !(kensho.FiscalQuarter{Year: p.fy, Quarter: p.quarter}).Contains(p.occurred) {
			bad("occurred_at", "%s not in FY%dQ%d", p.occurred, p.fy, p.quarter)
		}
		if d := strings.TrimSpace(f["duration_min"]); d != "" {
			v, err := parseCount(d)
			if err != nil {
				bad("duration_min", "%v", err)
			} else if v-p.duration > 1 || p.duration-v > 1 {
				bad("duration_min", "%d, dates say %d", v, p.duration)
			}
		}
	}
	p.impact = code("impact", kensho.Impacts)
	p.service = code("service", kensho.Services)
	if p.users, err = parseCount(f["affected_users"]); err != nil {
		bad("affected_users", "%v", err)
	}
	pr := strings.TrimSpace(f["prefectures"])
	switch {
	case pr == "":
		bad("prefectures", "empty")
	case fold(pr) == kensho.Nationwide:
		p.nationwide = true
	default:
		for _, part := range kensho.SplitPrefectures(pr) {
			c, ok := kensho.Prefectures.Lookup(part)
			if !ok {
				bad("prefectures", "unknown prefecture %q", part)
			}
			p.prefs = append(p.prefs, c.Code)
		}
	}
	p.causeGroup = code("cause_group", kensho.CauseGroups)
	p.cause = code("cause", kensho.Causes)
	if p.cause != "" && p.causeGroup != "" && kensho.CauseGroupOf(p.cause) != p.causeGroup {
		bad("cause", "%s not in group %s", p.cause, p.causeGroup)
	}
	p.equipment = code("equipment", kensho.EquipmentCodes)
	if p.form == "simplified" && p.equipment != "" && !kensho.SimplifiedFormEquipment(p.equipment) {
		bad("equipment", "%s not allowed on the simplified form", p.equipment)
	}
	var ok bool
	if p.otherOrigin, ok = kensho.ParseBool(f["other_operator_origin"]); !ok {
		bad("other_operator_origin", "%q", f["other_operator_origin"])
	}
	if p.cyber, ok = kensho.ParseBool(f["cyber_attack"]); !ok {
		bad("cyber_attack", "%q", f["cyber_attack"])
	}
	if c := strings.TrimSpace(f["critical_infra_users"]); c != "" {
		if _, err := parseCount(c); err != nil {
			bad("critical_infra_users", "%v", err)
		}
	}
	p.disaster = kensho.NormalizeText(f["disaster_name"])
	return p, errs
}

// thresholds returns the values the root package judges thresholds on.
func (p parsed) thresholds() kensho.Accident {
	return kensho.Accident{OccurredAt: p.occurred, Service: p.service, Impact: p.impact, Equipment: p.equipment,
		DurationMin: p.duration, AffectedUsers: p.users}
}

// loadValid validates every row of dir, applies corrections (a later row
// with the same key replaces the earlier one) and returns the current
// accidents, the invalid rows and the number of corrections.
func loadValid(t *testing.T, dir string) (current []parsed, invalid []rawRow, corrections int) {
	t.Helper()
	byKey := map[string]int{}
	for _, r := range readReports(t, dir) {
		p, errs := validate(r)
		if len(errs) > 0 {
			invalid = append(invalid, r)
			continue
		}
		if i, ok := byKey[p.key()]; ok {
			current[i] = p
			corrections++
			continue
		}
		byKey[p.key()] = len(current)
		current = append(current, p)
	}
	return current, invalid, corrections
}

// Package feedback writes one operator's private report: its own accidents
// of a fiscal year by cause, service, equipment, duration and affected
// users, beside the national figures the release published, with its
// share of each national figure that was published, its own trend over
// the years, and its quarantined rows and warnings of the year. The report
// thanks an operator for reporting well by showing it where it stands.
//
// What it must never do: show a figure derived from another operator's
// unpublished contribution. So every national figure comes from the
// release (*kensho.Release), and only from a cell whose status is
// Published; the restricted database is read only for the operator's own
// rows (sql/own.sql selects by operator_id in every statement that counts).
// A share is the operator's own figure over a published national one. A
// comparison whose table or cell the release does not publish is shown as
// not published, never estimated. Tables are looked up by name, so a
// release without one of them (the table set may change) loses only that
// comparison.
//
// The report is static HTML in Japanese and English, printable, with its
// styles inline and a Content-Security-Policy that allows no request at
// all; it holds the operator's own identifiers and must never be
// published (the command refuses to write it into a site).
package feedback

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/reportfile"
)

//go:embed sql/own.sql
var ownSQL string

// steps are the statements of sql/own.sql by name.
var steps = func() map[string]string {
	out := map[string]string{}
	re := regexp.MustCompile(`(?m)^-- step ([a-z_]+)\n`)
	locs := re.FindAllStringSubmatchIndex(ownSQL, -1)
	for i, l := range locs {
		end := len(ownSQL)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		out[ownSQL[l[2]:l[3]]] = strings.TrimSpace(ownSQL[l[1]:end])
	}
	return out
}()

// Config says whose report to write, for which fiscal year.
type Config struct {
	Operator string // 登録・届出番号 (operator_id), as the operator writes it
	Year     int    // fiscal year; 0 = the latest year of the release
}

// Report is one operator's feedback for one fiscal year.
type Report struct {
	OperatorID   string
	OperatorName string
	Year         int
	// YearPublished: the release has the year (a year withheld whole has
	// no national figures).
	YearPublished bool
	Version       string // of the release
	BuildDate     string

	Totals     []Comparison // accidents, affected users, user-hours
	Breakdowns []Breakdown
	Trend      []Comparison // accidents by fiscal year
	Quarantine []QuarantinedRow
	Warnings   []reportfile.Error
	Files      []FileRow
}

// Comparison is one of the operator's figures beside the national one.
type Comparison struct {
	Key      string      // the code, fiscal year or measure compared
	Label    kensho.Text // what the row is
	Measure  string      // accidents, affected_users or user_hours
	Decimals int
	Own      float64
	National National
}

// National is a national figure as the release published it.
type National struct {
	Table string // the release table it comes from
	Key   []string
	Value float64
	// Published: the release has the table and the cell, and the cell's
	// status is Published. Otherwise there is no value to show.
	Published bool
	Absent    bool // the release has no such table
}

// Share is the operator's figure as a percentage of the national one,
// when the national one is published and not zero.
func (c Comparison) Share() (float64, bool) {
	if !c.National.Published || c.National.Value == 0 {
		return 0, false
	}
	return 100 * c.Own / c.National.Value, true
}

// Breakdown compares the operator's accidents of the year by one dimension.
type Breakdown struct {
	Dim   string // cause, service, equipment, duration_band, users_band
	Title kensho.Text
	Table string // the release table of the national figures
	Rows  []Comparison
	Total Comparison
}

// QuarantinedRow is one of the operator's rows that did not load.
type QuarantinedRow struct {
	File      string
	Row       int
	ReportNo  string
	Errors    []reportfile.Error
	Corrected bool // a later file loaded the same report number
}

// FileRow is a file the operator's accidents of the year came from.
type FileRow struct {
	Path     string
	LoadedAt string
	Rows     int
}

// breakdowns are the comparisons of the year, each with the release table
// of its national figures (accidents by fiscal year, form and the
// dimension).
var breakdowns = []struct {
	dim   string
	list  *kensho.CodeList
	title kensho.Text
}{
	{"cause", kensho.Causes, kensho.Text{Ja: "発生要因別", En: "By cause"}},
	{"service", kensho.Services, kensho.Text{Ja: "役務別", En: "By service"}},
	{"equipment", kensho.EquipmentCodes, kensho.Text{Ja: "故障設備別", En: "By failed equipment"}},
	{"duration_band", kensho.DurationBands, kensho.Text{Ja: "継続時間別", En: "By duration"}},
	{"users_band", kensho.UsersBands, kensho.Text{Ja: "影響利用者数別", En: "By affected users"}},
}

// Release tables and measures the report reads.
const (
	tableByYear    = "accidents_by_year"
	tableUserHours = "user_hours_by_year_cause_group"
)

// Build gathers the report: the operator's own rows from db (the
// restricted database), national figures from rel.
func Build(ctx context.Context, db *sql.DB, rel *kensho.Release, cfg Config) (*Report, error) {
	op := kensho.NormalizeText(cfg.Operator)
	if op == "" {
		return nil, fmt.Errorf("feedback: no operator given")
	}
	r := &Report{OperatorID: op, Year: cfg.Year, Version: rel.Version, BuildDate: rel.BuildDate}
	if r.Year == 0 {
		r.Year = rel.LatestYear
	}
	for _, y := range rel.FiscalYears {
		r.YearPublished = r.YearPublished || y == r.Year
	}
	var n int
	var name sql.NullString
	if err := db.QueryRowContext(ctx, steps["operator"], sql.Named("op", op)).Scan(&name, &n); err != nil {
		return nil, fmt.Errorf("feedback: %w", err)
	}
	if n == 0 {
		return nil, fmt.Errorf("feedback: no accident of operator %q in the database; give the 登録・届出番号 as the reports write it", cfg.Operator)
	}
	r.OperatorName = name.String
	if err := r.years(ctx, db, rel, op); err != nil {
		return nil, err
	}
	if err := r.breakdown(ctx, db, rel, op); err != nil {
		return nil, err
	}
	if err := r.quarantined(ctx, db, op); err != nil {
		return nil, err
	}
	if err := r.warnings(ctx, db, op); err != nil {
		return nil, err
	}
	if err := r.files(ctx, db, op); err != nil {
		return nil, err
	}
	return r, nil
}

// national looks a cell up in the release: table by name, measure by name,
// the row whose key has the given code for each named dimension and Total
// for every other. A table, measure or row the release does not have, or a
// cell that is not Published, gives no value.
func national(rel *kensho.Release, table, measure string, key map[string]string) National {
	n := National{Table: table}
	t := rel.Table(table)
	if t == nil {
		n.Absent = true
		return n
	}
	mi := -1
	for i, m := range t.Measures {
		if m.Name == measure {
			mi = i
		}
	}
	n.Key = make([]string, len(t.Dims))
	used := 0
	for i, d := range t.Dims {
		n.Key[i] = kensho.Total
		if v, ok := key[d.Name]; ok {
			n.Key[i] = v
			used++
		}
	}
	if mi < 0 || used != len(key) {
		n.Absent = true // the table no longer has this measure or dimension
		return n
	}
	for _, row := range t.Rows {
		if slices.Equal(row.Key, n.Key) {
			if c := row.Cells[mi]; c.Status == kensho.Published {
				n.Value, n.Published = c.Value, true
			}
			return n
		}
	}
	return n
}

// measureTitles name the totals.
var measureTitles = map[string]kensho.Text{
	"accidents":      {Ja: "事故件数", En: "accidents"},
	"affected_users": {Ja: "影響利用者数(延べ)", En: "affected users (summed over accidents)"},
	"user_hours":     {Ja: "利用者時間", En: "user-hours"},
}

// years reads the operator's figures by fiscal year: the totals of the
// report's year and the trend.
func (r *Report) years(ctx context.Context, db *sql.DB, rel *kensho.Release, op string) error {
	rows, err := db.QueryContext(ctx, steps["years"], sql.Named("op", op))
	if err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	defer rows.Close()
	own := map[int][3]float64{}
	var years []int
	for rows.Next() {
		var y, n int
		var users int64
		var hours float64
		if err := rows.Scan(&y, &n, &users, &hours); err != nil {
			return fmt.Errorf("feedback: %w", err)
		}
		own[y] = [3]float64{float64(n), float64(users), hours}
		years = append(years, y)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	// The trend covers the release's years and the operator's own.
	seen := map[int]bool{}
	for _, y := range years {
		seen[y] = true
	}
	for _, y := range rel.FiscalYears {
		if !seen[y] {
			years = append(years, y)
		}
	}
	sort.Ints(years) // the trend reads by year
	for _, y := range years {
		fy := strconv.Itoa(y)
		r.Trend = append(r.Trend, Comparison{Key: fy, Label: yearLabel(y), Measure: "accidents", Own: own[y][0],
			National: national(rel, tableByYear, "accidents", map[string]string{"fiscal_year": fy})})
	}
	fy := strconv.Itoa(r.Year)
	o := own[r.Year]
	r.Totals = []Comparison{
		{Key: "accidents", Measure: "accidents", Own: o[0],
			National: national(rel, tableByYear, "accidents", map[string]string{"fiscal_year": fy})},
		{Key: "affected_users", Measure: "affected_users", Own: o[1],
			National: national(rel, tableUserHours, "affected_users", map[string]string{"fiscal_year": fy})},
		{Key: "user_hours", Measure: "user_hours", Own: o[2], Decimals: measureDecimals(rel, tableUserHours, "user_hours"),
			National: national(rel, tableUserHours, "user_hours", map[string]string{"fiscal_year": fy})},
	}
	for i := range r.Totals {
		r.Totals[i].Label = measureTitles[r.Totals[i].Key]
	}
	return nil
}

// measureDecimals is how many decimals the release shows a measure with.
func measureDecimals(rel *kensho.Release, table, measure string) int {
	if t := rel.Table(table); t != nil {
		for _, m := range t.Measures {
			if m.Name == measure {
				return m.Decimals
			}
		}
	}
	return 0
}

func yearLabel(y int) kensho.Text {
	return kensho.Text{Ja: strconv.Itoa(y) + "年度", En: "FY" + strconv.Itoa(y)}
}

// breakdown counts the operator's accidents of the year by each dimension.
func (r *Report) breakdown(ctx context.Context, db *sql.DB, rel *kensho.Release, op string) error {
	rows, err := db.QueryContext(ctx, steps["accidents"], sql.Named("op", op), sql.Named("fy", r.Year))
	if err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	defer rows.Close()
	counts := map[string]map[string]float64{}
	for _, b := range breakdowns {
		counts[b.dim] = map[string]float64{}
	}
	total := 0.0
	for rows.Next() {
		var cause, service, equipment string
		var minutes, users int64
		if err := rows.Scan(&cause, &service, &equipment, &minutes, &users); err != nil {
			return fmt.Errorf("feedback: %w", err)
		}
		counts["cause"][cause]++
		counts["service"][service]++
		counts["equipment"][equipment]++
		counts["duration_band"][kensho.DurationBand(minutes)]++
		counts["users_band"][kensho.UsersBand(users)]++
		total++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	fy := strconv.Itoa(r.Year)
	for _, b := range breakdowns {
		table := "accidents_by_year_" + b.dim
		bd := Breakdown{Dim: b.dim, Title: b.title, Table: table}
		for _, c := range b.list.Codes {
			bd.Rows = append(bd.Rows, Comparison{Key: c.Code, Label: c.Text, Measure: "accidents", Own: counts[b.dim][c.Code],
				National: national(rel, table, "accidents", map[string]string{"fiscal_year": fy, b.dim: c.Code})})
		}
		bd.Total = Comparison{Key: kensho.Total, Label: kensho.TotalLabel, Measure: "accidents", Own: total,
			National: national(rel, table, "accidents", map[string]string{"fiscal_year": fy})}
		r.Breakdowns = append(r.Breakdowns, bd)
	}
	return nil
}

// quarantined finds the operator's quarantined rows of the year: those
// whose 登録・届出番号 is the operator's and whose 報告年度 is the year
// (or cannot be read).
func (r *Report) quarantined(ctx context.Context, db *sql.DB, op string) error {
	loaded := map[string]time.Time{}
	krows, err := db.QueryContext(ctx, steps["keys"], sql.Named("op", op))
	if err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	for krows.Next() {
		var no string
		var at time.Time
		if err := krows.Scan(&no, &at); err != nil {
			krows.Close()
			return fmt.Errorf("feedback: %w", err)
		}
		loaded[no] = at
	}
	krows.Close()
	if err := krows.Err(); err != nil {
		return fmt.Errorf("feedback: %w", err)
	}

	rows, err := db.QueryContext(ctx, steps["quarantined"])
	if err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	type where struct {
		sha string
		row int
	}
	index := map[where]int{}
	var shas []string
	for rows.Next() {
		var sha, file string
		var row int
		var keys, values []any
		var at time.Time
		if err := rows.Scan(&sha, &file, &row, &keys, &values, &at); err != nil {
			rows.Close()
			return fmt.Errorf("feedback: %w", err)
		}
		cell := map[string]string{} // field -> raw value
		for i := range keys {
			k, _ := keys[i].(string)
			v, _ := values[i].(string)
			if c, ok := kensho.ColumnByHeader(k); ok {
				cell[c.Field] = v
			}
		}
		if kensho.NormalizeText(cell["operator_id"]) != op {
			continue
		}
		if y, ok := reportfile.ParseFiscalYear(cell["fiscal_year"]); ok && y != r.Year {
			continue
		}
		q := QuarantinedRow{File: file, Row: row, ReportNo: kensho.NormalizeText(cell["report_no"])}
		if t, ok := loaded[q.ReportNo]; ok && q.ReportNo != "" && t.After(at) {
			q.Corrected = true
		}
		if _, ok := index[where{sha, row}]; ok {
			continue
		}
		index[where{sha, row}] = len(r.Quarantine)
		if len(shas) == 0 || shas[len(shas)-1] != sha {
			shas = append(shas, sha)
		}
		r.Quarantine = append(r.Quarantine, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	done := map[string]bool{}
	for _, sha := range shas {
		if done[sha] {
			continue
		}
		done[sha] = true
		erows, err := db.QueryContext(ctx, steps["quarantine_errors"], sql.Named("sha", sha))
		if err != nil {
			return fmt.Errorf("feedback: %w", err)
		}
		for erows.Next() {
			var e reportfile.Error
			if err := erows.Scan(&e.Row, &e.Column, &e.Value, &e.Code, &e.MessageJa, &e.MessageEn); err != nil {
				erows.Close()
				return fmt.Errorf("feedback: %w", err)
			}
			if i, ok := index[where{sha, e.Row}]; ok {
				e.File = r.Quarantine[i].File
				r.Quarantine[i].Errors = append(r.Quarantine[i].Errors, e)
			}
		}
		erows.Close()
		if err := erows.Err(); err != nil {
			return fmt.Errorf("feedback: %w", err)
		}
	}
	return nil
}

// warnings reads the warnings of the operator's accidents of the year.
func (r *Report) warnings(ctx context.Context, db *sql.DB, op string) error {
	rows, err := db.QueryContext(ctx, steps["warnings"], sql.Named("op", op), sql.Named("fy", r.Year))
	if err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e reportfile.Error
		if err := rows.Scan(&e.File, &e.Row, &e.Column, &e.Value, &e.Code, &e.MessageJa, &e.MessageEn); err != nil {
			return fmt.Errorf("feedback: %w", err)
		}
		r.Warnings = append(r.Warnings, e)
	}
	return rows.Err()
}

// files lists the files of the operator's accidents of the year.
func (r *Report) files(ctx context.Context, db *sql.DB, op string) error {
	rows, err := db.QueryContext(ctx, steps["files"], sql.Named("op", op), sql.Named("fy", r.Year))
	if err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f FileRow
		if err := rows.Scan(&f.Path, &f.LoadedAt, &f.Rows); err != nil {
			return fmt.Errorf("feedback: %w", err)
		}
		r.Files = append(r.Files, f)
	}
	return rows.Err()
}

package anonymize

import (
	"bytes"
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

//go:embed sql/deidentify.sql
var deidentifySQL string

// Deidentify rebuilds deid_accident from accident (docs/contract.md): it
// drops every direct identifier and free text, replaces the operator by an
// internal op_key, and adds the generalized columns that tables and
// microdata are built from. The 災害名 an operator typed becomes the code
// of the named disaster it matches (codes/disasters.csv, with the list
// this version carries, so a disaster named after its reports came in
// still counts), or "other": no typed text is published, so the name
// needs no rule of its own (the earlier "≥ minOperators distinct operators
// typed it" rule is gone) and the disaster is protected as any coded
// dimension is. minOperators is only checked here.
//
// When the register of public facts was loaded (ingest.LoadPublicFacts),
// its entries are matched to the accidents first (public_fact_match) and
// deid_accident gets the column public_fact: the first register entry
// that describes the accident, NULL when none does (public.go reads it).
func Deidentify(ctx context.Context, db *sql.DB, minOperators int) error {
	if minOperators < 3 {
		return fmt.Errorf("deidentify: min_operators %d is below 3, which is never accepted", minOperators)
	}
	public, err := matchPublicFacts(ctx, db)
	if err != nil {
		return fmt.Errorf("deidentify: %w", err)
	}
	q, err := deidentifyQuery(public)
	if err != nil {
		return fmt.Errorf("deidentify: %w", err)
	}
	names, days, codes, err := matchDisasters(ctx, db)
	if err != nil {
		return fmt.Errorf("deidentify: %w", err)
	}
	// The operators' internal keys, kept in the restricted database: the
	// archive of releases holds each operator's part of a figure under its
	// operator_id, and reads it back under this build's keys.
	if _, err := db.ExecContext(ctx, `CREATE OR REPLACE TABLE deid_operator AS
		SELECT operator_id, row_number() OVER (ORDER BY operator_id)::INTEGER AS op_key
		FROM (SELECT DISTINCT operator_id FROM accident)`); err != nil {
		return fmt.Errorf("deidentify: %w", err)
	}
	if _, err := db.ExecContext(ctx, q, sql.Named("disaster_names", names), sql.Named("disaster_days", days), sql.Named("disaster_codes", codes)); err != nil {
		if duck.IsConversionError(err) {
			// A code that no list has: only a database written by hand or
			// by a kensho with other code lists holds one.
			return fmt.Errorf("deidentify: accident holds a value outside this version's code lists (codes/*.csv): %w\n"+
				"load the reports into a new --db with this version (ingest checks every code against the lists), or correct the value in the database", err)
		}
		return fmt.Errorf("deidentify: %w", err)
	}
	// deid_accident is new and whole: no year is withheld from it yet.
	if _, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS "+withheldYearTable); err != nil {
		return fmt.Errorf("deidentify: %w", err)
	}
	return nil
}

// matchDisasters matches every distinct (災害名, day) of accident to the
// named disasters (kensho.MatchDisaster), as three lists of the same
// length: the name, the day (YYYY-MM-DD) and the code.
func matchDisasters(ctx context.Context, db *sql.DB) (names, days, codes []string, err error) {
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT disaster_name, strftime(occurred_at, '%Y-%m-%d') FROM accident
		WHERE disaster_name IS NOT NULL ORDER BY 1, 2`)
	if err != nil {
		return nil, nil, nil, err
	}
	defer rows.Close()
	names, days, codes = []string{}, []string{}, []string{}
	for rows.Next() {
		var name, day string
		if err := rows.Scan(&name, &day); err != nil {
			return nil, nil, nil, err
		}
		t, err := time.ParseInLocation("2006-01-02", day, kensho.JST)
		if err != nil {
			return nil, nil, nil, err
		}
		code, ok := kensho.MatchDisaster(name, t)
		if !ok {
			code = kensho.OtherDisaster
		}
		names, days, codes = append(names, name), append(days, day), append(codes, code)
	}
	return names, days, codes, rows.Err()
}

// deidentifyQuery renders sql/deidentify.sql; with public, deid_accident
// gets the public_fact column from public_fact_match.
func deidentifyQuery(public bool) (string, error) {
	t, err := template.New("deidentify").Funcs(template.FuncMap{"enum": kensho.SQLEnumOf}).Parse(deidentifySQL)
	if err != nil {
		return "", err
	}
	eras := map[string]bool{}
	for _, r := range kensho.SeriousRules {
		eras[r.EffectiveFrom.Format("2006-01-02")] = true
	}
	eraCodes := make([]string, 0, len(eras))
	for d := range eras {
		eraCodes = append(eraCodes, d)
	}
	var buf bytes.Buffer
	err = t.Execute(&buf, map[string]any{
		"Public":           public,
		"EURootCause":      mapCase("cause", kensho.Causes, "eu_root_cause"),
		"PrefectureRegion": mapCase("p", kensho.Prefectures, "region"),
		"ServiceCategory":  mapCase("service", kensho.Services, "category"),
		"EquipmentClass":   mapCase("equipment", kensho.EquipmentCodes, "class"),
		"MinistryClass":    mapCase("equipment", kensho.EquipmentCodes, "ministry_class"),
		"DurationBand":     bandCase("duration_min", kensho.DurationBands, "min_minutes"),
		"UsersBand":        bandCase("affected_users", kensho.UsersBands, "min_users"),
		"CriteriaEra":      eraCase("occurred_at", eras),
		"CriteriaEraEnum":  kensho.SQLEnum(eraCodes),
		"ThirdPartyEU":     thirdPartyEU(),
	})
	return buf.String(), err
}

// thirdPartyEU lists, as SQL literals, the EU root-cause categories whose
// accidents always count as third-party failures (kensho.Relations).
func thirdPartyEU() string {
	var lits []string
	for _, c := range kensho.EURootCauses.Codes {
		if kensho.EURootCauseImpliesThirdParty(c.Code) {
			lits = append(lits, duck.QuoteString(c.Code))
		}
	}
	return strings.Join(lits, ", ")
}

// mapCase renders CASE col WHEN code THEN attr ... END for a code list.
func mapCase(col string, l *kensho.CodeList, attr string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CASE %s", col)
	for _, c := range l.Codes {
		fmt.Fprintf(&b, " WHEN %s THEN %s", duck.QuoteString(c.Code), duck.QuoteString(c.Attr[attr]))
	}
	b.WriteString(" END")
	return b.String()
}

// bandCase renders a CASE that maps a value to the band whose inclusive
// lower bound (attr) is the largest not above it.
func bandCase(col string, l *kensho.CodeList, attr string) string {
	var b strings.Builder
	b.WriteString("CASE")
	for i := len(l.Codes) - 1; i >= 0; i-- {
		c := l.Codes[i]
		lo, err := strconv.ParseInt(c.Attr[attr], 10, 64)
		if err != nil {
			panic(fmt.Sprintf("anonymize: %s: bad %s %q", l.Name, attr, c.Attr[attr]))
		}
		fmt.Fprintf(&b, " WHEN %s >= %d THEN %s", col, lo, duck.QuoteString(c.Code))
	}
	fmt.Fprintf(&b, " ELSE %s END", duck.QuoteString(l.Codes[0].Code))
	return b.String()
}

// eraCase names the serious-accident rule set in force when an accident
// occurred (kensho.CriteriaEra, in SQL).
func eraCase(col string, eras map[string]bool) string {
	dates := make([]string, 0, len(eras))
	for d := range eras {
		dates = append(dates, d)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(dates))) // newest first: the first match wins
	var b strings.Builder
	b.WriteString("CASE")
	for _, d := range dates {
		fmt.Fprintf(&b, " WHEN %s >= TIMESTAMP %s THEN %s", col, duck.QuoteString(d+" 00:00:00"), duck.QuoteString(d))
	}
	b.WriteString(" END")
	return b.String()
}

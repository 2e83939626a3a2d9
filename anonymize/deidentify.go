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

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

//go:embed sql/deidentify.sql
var deidentifySQL string

// Deidentify rebuilds deid_accident from accident (docs/contract.md): it
// drops every direct identifier and free text, replaces the operator by an
// internal op_key, and adds the generalized columns that tables and
// microdata are built from. A 災害名 is kept only when at least
// minOperators distinct operators reported it and it contains no
// operator's identifier (a disaster named after a building or a company
// would name it).
func Deidentify(ctx context.Context, db *sql.DB, minOperators int) error {
	if minOperators < 3 {
		return fmt.Errorf("deidentify: min_operators %d is below 3, which is never accepted", minOperators)
	}
	q, err := deidentifyQuery()
	if err != nil {
		return fmt.Errorf("deidentify: %w", err)
	}
	if _, err := db.ExecContext(ctx, q, sql.Named("min_operators", minOperators)); err != nil {
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
	if err := dropIdentifyingDisasters(ctx, db); err != nil {
		return fmt.Errorf("deidentify: %w", err)
	}
	return nil
}

// dropIdentifyingDisasters removes every disaster name that contains an
// identifier held in the restricted database, with the same scan Publish
// applies, so a name that would stop the release never reaches a table.
func dropIdentifyingDisasters(ctx context.Context, db *sql.DB) error {
	ids, err := loadIdentifiers(ctx, db)
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, "SELECT DISTINCT disaster FROM deid_accident WHERE disaster IS NOT NULL ORDER BY disaster")
	if err != nil {
		return err
	}
	var bad []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		if len(ids.scan([]labelled{{"disaster", name}})) > 0 {
			bad = append(bad, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, name := range bad {
		if _, err := db.ExecContext(ctx, "UPDATE deid_accident SET disaster = NULL WHERE disaster = ?", name); err != nil {
			return err
		}
	}
	return nil
}

func deidentifyQuery() (string, error) {
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
	err = t.Execute(&buf, map[string]string{
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

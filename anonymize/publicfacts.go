package anonymize

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/kensho-jp/kensho"
)

//go:embed sql/match_public_facts.sql
var matchPublicFactsSQL string

// The stated tolerance of a match between an entry of the register of
// public facts and a report (docs/public-facts.md): published figures are
// often rounded (約129万人, 約2時間30分), so users may differ by up to
// PublicUsersPct % of the published figure and the duration by up to
// PublicDurationMin minutes. An exact candidate always wins over an
// approximate one.
const (
	PublicUsersPct    = 1
	PublicDurationMin = 5
)

// matchPublicFacts writes public_fact_match from public_fact_register and
// accident, when the register exists (ingest.LoadPublicFacts); it reports
// whether it did. Deidentify runs it, so the public_fact column of
// deid_accident always follows the register and the reports it is built
// from.
func matchPublicFacts(ctx context.Context, db *sql.DB) (bool, error) {
	ok, err := tableExists(ctx, db, "public_fact_register")
	if err != nil || !ok {
		if err == nil {
			_, err = db.ExecContext(ctx, "DROP TABLE IF EXISTS public_fact_match")
		}
		return false, err
	}
	entries, ops, err := entryOperators(ctx, db)
	if err != nil {
		return false, err
	}
	_, err = db.ExecContext(ctx, matchPublicFactsSQL, sql.Named("entries", entries), sql.Named("ops", ops),
		sql.Named("users_pct", PublicUsersPct), sql.Named("duration_min", PublicDurationMin))
	if err != nil {
		return false, fmt.Errorf("match public facts: %w", err)
	}
	return true, nil
}

// operatorNameKey folds an operator's name for matching: widths, case and
// spaces folded, legal forms (株式会社, (株), Co., Ltd.) left out, as the
// publish scan forms its aliases.
func operatorNameKey(name string) string { return stripLegalForms(kensho.NormalizeText(name)) }

// entryOperators lists, for every entry of the register, the operators it
// may describe, as two lists of the same length: the registration number
// the entry gives, else every operator one of whose names in accident or
// accident_history has the entry's name key.
func entryOperators(ctx context.Context, db *sql.DB) (entries []int32, ops []string, err error) {
	tables := "SELECT operator_id, operator_name FROM accident"
	if hist, err := tableExists(ctx, db, "accident_history"); err != nil {
		return nil, nil, err
	} else if hist {
		tables += " UNION SELECT operator_id, operator_name FROM accident_history"
	}
	byName := map[string][]string{}
	rows, err := db.QueryContext(ctx, "SELECT DISTINCT operator_id, operator_name FROM ("+tables+") ORDER BY 1, 2")
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, nil, err
		}
		k := operatorNameKey(name)
		if l := byName[k]; len(l) == 0 || l[len(l)-1] != id { // sorted by id: a repeat is the last one
			byName[k] = append(l, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = db.QueryContext(ctx, "SELECT entry, operator_name, coalesce(operator_id, '') FROM public_fact_register ORDER BY entry")
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	entries, ops = []int32{}, []string{}
	for rows.Next() {
		var e int32
		var name, id string
		if err := rows.Scan(&e, &name, &id); err != nil {
			return nil, nil, err
		}
		cands := []string{id}
		if id == "" {
			cands = byName[operatorNameKey(name)]
		}
		for _, op := range cands {
			entries, ops = append(entries, e), append(ops, op)
		}
	}
	return entries, ops, rows.Err()
}

// PublicFactMatches summarizes public_fact_match for the pipeline's
// summary line. It names no operator: the entries not matched are given
// by their file and row in the register.
type PublicFactMatches struct {
	Entries     int `json:"entries"`
	Matched     int `json:"matched"`
	Approximate int `json:"matched_approximately"` // matched within the tolerance, not exactly
	CauseDiffer int `json:"cause_differs"`         // matched, but the register's cause is not the report's
	Unmatched   int `json:"unmatched"`
	Ambiguous   int `json:"ambiguous"`
	// UnmatchedRows and AmbiguousRows are "file:row" of those entries, in
	// register order.
	UnmatchedRows []string `json:"unmatched_rows"`
	AmbiguousRows []string `json:"ambiguous_rows"`
}

// LoadPublicFactMatches reads the summary of public_fact_match; nil when
// no register was given.
func LoadPublicFactMatches(ctx context.Context, db *sql.DB) (*PublicFactMatches, error) {
	ok, err := tableExists(ctx, db, "public_fact_match")
	if err != nil || !ok {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT status, coalesce(exact, false), coalesce(same_cause, true), source_file, source_row
		FROM public_fact_match ORDER BY entry`)
	if err != nil {
		return nil, fmt.Errorf("public facts: %w", err)
	}
	defer rows.Close()
	m := &PublicFactMatches{UnmatchedRows: []string{}, AmbiguousRows: []string{}}
	for rows.Next() {
		var status, file string
		var exact, sameCause bool
		var row int
		if err := rows.Scan(&status, &exact, &sameCause, &file, &row); err != nil {
			return nil, err
		}
		m.Entries++
		where := file + ":" + strconv.Itoa(row)
		switch status {
		case "matched":
			m.Matched++
			if !exact {
				m.Approximate++
			}
			if !sameCause {
				m.CauseDiffer++
			}
		case "unmatched":
			m.Unmatched++
			m.UnmatchedRows = append(m.UnmatchedRows, where)
		case "ambiguous":
			m.Ambiguous++
			m.AmbiguousRows = append(m.AmbiguousRows, where)
		}
	}
	return m, rows.Err()
}

// Line is the summary line of the match (the build's stage lines are in
// English).
func (m *PublicFactMatches) Line() string {
	s := fmt.Sprintf("%d public facts: %d matched (%d within the tolerance, %d with another cause), %d unmatched, %d ambiguous",
		m.Entries, m.Matched, m.Approximate, m.CauseDiffer, m.Unmatched, m.Ambiguous)
	if m.Unmatched+m.Ambiguous > 0 {
		s += "; see public_fact_match in --db" + rowsNote("unmatched", m.UnmatchedRows) + rowsNote("ambiguous", m.AmbiguousRows)
	}
	return s
}

// rowsNote lists up to five register rows.
func rowsNote(what string, rows []string) string {
	if len(rows) == 0 {
		return ""
	}
	shown := rows
	if len(shown) > 5 {
		shown = shown[:5]
	}
	s := "; " + what + ": " + strings.Join(shown, ", ")
	if len(rows) > len(shown) {
		s += fmt.Sprintf(" and %d more", len(rows)-len(shown))
	}
	return s
}

// PublicCases lists the accidents of deid_accident that the register of
// public facts describes, as the register states them: the first entry
// matched to the accident gives the facts, every entry matched to it a
// source. register is false when no register was loaded. Accidents of a
// withheld year are not in deid_accident and so not listed. Nothing here
// names an operator; the sources do, as they are public.
func PublicCases(ctx context.Context, db *sql.DB) (register bool, cases []kensho.PublicCase, err error) {
	var pf publicFacts
	if pf, err = loadPublicFacts(ctx, db); err != nil || !pf.present {
		return false, nil, err
	}
	cases = []kensho.PublicCase{}
	// Ordered by the accident's start (record_key), then register entry:
	// the order of the page and the CSV.
	rows, err := db.QueryContext(ctx, `SELECT d.record_key, strftime(r.occurred_on, '%Y-%m-%d'), d.fiscal_year,
			CAST(r.service AS VARCHAR), r.affected_users, r.duration_min, CAST(r.cause AS VARCHAR), s.source_url
		FROM deid_accident d
		JOIN public_fact_register r ON r.entry = d.public_fact
		JOIN public_fact_match m ON m.status = 'matched' AND m.operator_id IS NOT NULL
		JOIN public_fact_match first ON first.entry = d.public_fact AND first.operator_id = m.operator_id AND first.report_no = m.report_no
		JOIN public_fact_register s ON s.entry = m.entry
		ORDER BY d.record_key, m.entry`)
	if err != nil {
		return false, nil, fmt.Errorf("public cases: %w", err)
	}
	defer rows.Close()
	last := int64(-1)
	for rows.Next() {
		var key int64
		var c kensho.PublicCase
		var src string
		if err := rows.Scan(&key, &c.OccurredOn, &c.FiscalYear, &c.Service, &c.AffectedUsers, &c.DurationMin, &c.Cause, &src); err != nil {
			return false, nil, err
		}
		if key != last {
			cases = append(cases, c)
			last = key
		}
		cases[len(cases)-1].Sources = append(cases[len(cases)-1].Sources, src)
	}
	return true, cases, rows.Err()
}

package anonymize

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/sdc/model"
)

// publicFacts tells which accidents are already public: deid_accident's
// public_fact column holds the register entry an accident was matched to
// (NULL when none), and publicKnown lists the dimensions the register
// states of every entry.
type publicFacts struct {
	present bool // deid_accident has the public_fact column
}

// publicKnown are the base dimensions a public source states of an
// accident: when it began (fiscal year, quarter), the service, the cause,
// how long it lasted and how many users it affected, and that it was a
// serious accident. Form, impact, equipment, region and the rest are not
// public.
var publicKnown = []string{"fiscal_year", "quarter", "service", "cause", "duration_band", "users_band", "report_type"}

func loadPublicFacts(ctx context.Context, db *sql.DB) (publicFacts, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.columns
		WHERE table_name = 'deid_accident' AND column_name = 'public_fact'`).Scan(&n)
	return publicFacts{present: n > 0}, err
}

func (p publicFacts) notPublicSQL() string {
	if !p.present {
		return "TRUE"
	}
	return "public_fact IS NULL"
}

// records reads every public accident with the model's base dimensions.
func (p publicFacts) records(ctx context.Context, db *sql.DB, dims []string) ([]*model.PublicRecord, error) {
	if !p.present {
		return nil, nil
	}
	cols := make([]string, len(dims))
	for i, d := range dims {
		cols[i] = "coalesce(CAST(" + duck.QuoteIdent(d) + " AS VARCHAR), '')"
	}
	q := fmt.Sprintf(`SELECT record_key, op_key, fiscal_year, affected_users, affected_users::HUGEINT * duration_min, %s
		FROM deid_accident WHERE public_fact IS NOT NULL ORDER BY record_key`, strings.Join(cols, ", "))
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("public facts: %w", err)
	}
	defer rows.Close()
	var out []*model.PublicRecord
	for rows.Next() {
		r := &model.PublicRecord{Codes: map[string]string{}}
		vals := make([]string, len(dims))
		var um int64
		dest := []any{&r.Key, &r.Op, &r.Year, &r.Users, &um}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		r.UserMin = um
		for i, d := range dims {
			r.Codes[d] = vals[i]
		}
		for _, d := range publicKnown {
			if _, ok := r.Codes[d]; ok {
				r.Known = append(r.Known, d)
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

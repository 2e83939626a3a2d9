package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/anonymize"
	"github.com/kensho-jp/kensho/internal/duck"
)

// mustAccidentTable creates the accident table of docs/contract.md from the
// anonymize stage's test schema, so these tests do not depend on ingest.
func mustAccidentTable(t testing.TB, db *sql.DB) {
	t.Helper()
	ddl, err := os.ReadFile("../anonymize/testdata/accident_schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(string(ddl)); err != nil {
		t.Fatal(err)
	}
}

// accident is one row of the hand-made fixture; everything else in the
// accident table is derived from it the way ingest would.
type accident struct {
	op, no     string
	fy, q      int
	form, rtyp string
	at         string // occurred_at, JST
	minutes    int64
	impact     string
	service    string
	users      int64
	prefs      []string // JIS codes; nil = nationwide
	cause      string
	equipment  string
	otherOrig  bool
	disaster   string
}

func insertAccidents(t testing.TB, db *sql.DB, rows []accident) {
	t.Helper()
	for _, r := range rows {
		occ, err := time.ParseInLocation("2006-01-02 15:04", r.at, kensho.JST)
		if err != nil {
			t.Fatal(err)
		}
		a := kensho.Accident{OccurredAt: occ, Service: r.service, Impact: r.impact, Equipment: r.equipment,
			DurationMin: r.minutes, AffectedUsers: r.users}
		prefs := "[]"
		if r.prefs != nil {
			prefs = "['" + strings.Join(r.prefs, "','") + "']"
		}
		var disaster any
		if r.disaster != "" {
			disaster = r.disaster
		}
		_, err = db.Exec(`INSERT INTO accident VALUES (
			$1, $2, 'name of ' || $1, NULL, NULL, $3, $4, $5, $6,
			$7::TIMESTAMP, $7::TIMESTAMP + to_minutes($8::BIGINT), $8, NULL, $9, $10, $11, `+prefs+`::VARCHAR[], $12,
			NULL, $13, $14, $15, NULL, $16, NULL, NULL, $17, false, NULL, NULL,
			NULL, $18, $19, 'sha', 'file.csv', 2, TIMESTAMP '2025-06-01 00:00:00')`,
			r.op, r.no, r.fy, r.q, r.form, r.rtyp, r.at+":00", r.minutes, r.impact, r.service, r.users, r.prefs == nil,
			kensho.CauseGroupOf(r.cause), r.cause, r.equipment, r.otherOrig, disaster,
			kensho.BelowReportingThreshold(a), kensho.MeetsSeriousCriteria(a))
		if err != nil {
			t.Fatal(err)
		}
	}
}

// mustDeidentify builds deid_accident as the pipeline does.
func mustDeidentify(t testing.TB, db *sql.DB) {
	t.Helper()
	if err := anonymize.Deidentify(context.Background(), db, 3); err != nil {
		t.Fatal(err)
	}
}

// sqlList renders a code list as a DuckDB list literal.
func sqlList(codes []string) string {
	q := make([]string, len(codes))
	for i, c := range codes {
		q[i] = duck.QuoteString(c)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// genAccidents fills the accident table with n pseudo-random accidents from
// fiscal year from to fiscal year to, all in SQL (hash of the row number and
// the seed), for the property test and the benchmark. ops operators report,
// the first ones far more than the last. The rows are consistent enough for
// deid_accident: the cause's group, the quarter of occurred_at, and a
// disaster name only on natural disasters.
func genAccidents(t testing.TB, db *sql.DB, n, ops, from, to int, seed string) {
	t.Helper()
	var groupOf []string
	for _, c := range kensho.Causes.Codes {
		groupOf = append(groupOf, fmt.Sprintf("WHEN %s THEN %s", duck.QuoteString(c.Code), duck.QuoteString(c.Attr["group"])))
	}
	q := fmt.Sprintf(`
INSERT INTO accident
WITH r AS (
    SELECT i,
        ((hash(%[1]s || ':op:' || i) %% 1000000)::BIGINT) / 1000000.0 AS u_op,
        %[2]d + (hash(%[1]s || ':fy:' || i) %% %[3]d)::BIGINT AS fy,
        (hash(%[1]s || ':minute:' || i) %% (365 * 24 * 60))::BIGINT AS minute_of_year,
        ((hash(%[1]s || ':users:' || i) %% 1000000)::BIGINT) / 1000000.0 AS u_users,
        ((hash(%[1]s || ':dur:' || i) %% 1000000)::BIGINT) / 1000000.0 AS u_dur,
        %[4]s[1 + (hash(%[1]s || ':cause:' || i) %% %[5]d)::BIGINT] AS cause,
        %[6]s[1 + (hash(%[1]s || ':svc:' || i) %% %[7]d)::BIGINT] AS service,
        %[8]s[1 + (hash(%[1]s || ':eq:' || i) %% %[9]d)::BIGINT] AS equipment,
        (hash(%[1]s || ':form:' || i) %% 5)::BIGINT = 0 AS simplified,
        (hash(%[1]s || ':rt:' || i) %% 20)::BIGINT = 0 AS serious,
        (hash(%[1]s || ':deg:' || i) %% 6)::BIGINT = 0 AS degradation,
        (hash(%[1]s || ':pref:' || i) %% 60)::BIGINT AS pref,
        (hash(%[1]s || ':pref2:' || i) %% 47)::BIGINT AS pref2,
        (hash(%[1]s || ':dis:' || i) %% 3)::BIGINT AS dis,
        (hash(%[1]s || ':oo:' || i) %% 9)::BIGINT = 0 AS other_origin
    FROM range(%[10]d) t(i)
), s AS (
    SELECT *,
        make_timestamp(fy, 4, 1, 0, 0, 0) + to_minutes(minute_of_year) AS occurred_at,
        'OP' || lpad((floor(u_op * u_op * %[11]d))::VARCHAR, 4, '0') AS operator_id,
        floor(exp(u_users * 15))::BIGINT AS users,
        floor(exp(u_dur * 8))::INTEGER AS minutes
    FROM r
)
SELECT operator_id, 'R' || i, 'name', NULL, NULL, fy,
    ((month(occurred_at) + 8) %% 12) // 3 + 1,
    CASE WHEN simplified THEN 'simplified' ELSE 'full' END,
    CASE WHEN serious THEN 'serious' ELSE 'quarterly' END,
    occurred_at, occurred_at + to_minutes(minutes), minutes, NULL,
    CASE WHEN degradation THEN 'degradation' ELSE 'outage' END,
    service, users,
    CASE WHEN pref >= 47 THEN []::VARCHAR[]
         WHEN pref2 %% 4 = 0 THEN [lpad((pref + 1)::VARCHAR, 2, '0'), lpad((pref2 + 1)::VARCHAR, 2, '0')]
         ELSE [lpad((pref + 1)::VARCHAR, 2, '0')] END,
    pref >= 47, NULL,
    CASE cause %[12]s END, cause, equipment, NULL, other_origin, NULL, NULL,
    CASE WHEN cause = 'natural_disaster' THEN ['大雨A', '台風B', '地震C'][1 + dis] END,
    cause = 'cyber_attack', NULL, NULL, NULL,
    users < 30000 AND minutes < 120,
    minutes >= 120 AND users >= 30000,
    'sha', 'gen.csv', i + 2, TIMESTAMP '2025-06-01 00:00:00'
FROM s`,
		duck.QuoteString(seed), from, to-from+1,
		sqlList(kensho.Causes.CodeStrings()), len(kensho.Causes.Codes),
		sqlList(kensho.Services.CodeStrings()), len(kensho.Services.Codes),
		sqlList(kensho.EquipmentCodes.CodeStrings()), len(kensho.EquipmentCodes.Codes),
		n, ops, strings.Join(groupOf, " "))
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

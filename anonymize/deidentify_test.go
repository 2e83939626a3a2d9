package anonymize

import (
	"context"
	"database/sql"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

// mustAccidentTable creates the accident table of docs/contract.md.
func mustAccidentTable(t *testing.T, db *sql.DB) {
	t.Helper()
	ddl, err := os.ReadFile("testdata/accident_schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(string(ddl)); err != nil {
		t.Fatal(err)
	}
}

// deidentified returns an in-memory database holding rows in accident and
// Deidentify's deid_accident made from them (min_operators 3).
func deidentified(t *testing.T, rows []accidentRow) *sql.DB {
	t.Helper()
	db := duck.MustOpenMemory(t)
	mustAccidentTable(t, db)
	insertAccidents(t, db, rows)
	if err := Deidentify(context.Background(), db, 3); err != nil {
		t.Fatal(err)
	}
	return db
}

type accidentRow struct {
	op, no, at     string
	minutes        int
	users          int64
	prefs          string // DuckDB list literal
	nationwide     bool
	service, cause string
	equipment      string
	otherOrigin    bool
	disaster       any
	critical       any
}

func insertAccidents(t *testing.T, db *sql.DB, rows []accidentRow) {
	t.Helper()
	for _, r := range rows {
		_, err := db.Exec(`INSERT INTO accident VALUES (
			$1, $2, 'name of ' || $1, 'contact person', 'x@example.jp', 2024, 1, 'full', 'quarterly',
			$3::TIMESTAMP, $3::TIMESTAMP + to_minutes($4::BIGINT), $4, NULL, 'outage', $5, $6, `+r.prefs+`::VARCHAR[], $7,
			'building', $8, $9, $10, 'vendor X', $11, NULL, NULL, NULL, false, 'summary', 'prevention',
			NULL, false, false, 'sha', 'file.csv', 2, TIMESTAMP '2025-01-01 00:00:00')`,
			r.op, r.no, r.at, r.minutes, r.service, r.users, r.nationwide,
			causeGroupOf(r.cause), r.cause, r.equipment, r.otherOrigin)
		if err != nil {
			t.Fatal(err)
		}
		// Disaster and critical infra are nullable and set separately.
		if _, err := db.Exec(`UPDATE accident SET disaster_name = $1, critical_infra_users = $2 WHERE operator_id = $3 AND report_no = $4`,
			r.disaster, r.critical, r.op, r.no); err != nil {
			t.Fatal(err)
		}
	}
}

func causeGroupOf(cause string) string {
	switch cause {
	case "hw_failure", "sw_bug", "capacity":
		return "equipment"
	case "work_error", "config_error", "procedure":
		return "human"
	case "unknown":
		return "unknown"
	}
	return "external"
}

func TestDeidentify(t *testing.T) {
	db := deidentified(t, []accidentRow{
		{"B-2", "1", "2024-04-02 10:00:00", 59, 499, "['13']", false, "voice_fixed", "hw_failure", "switch_local", false, "令和6年台風第10号", nil},
		{"A-1", "7", "2016-04-16 01:25:00", 60, 500, "['13','14']", false, "ftth", "power_outage", "fibre", false, "平成28年熊本地震", 2},
		{"C-3", "x", "2024-08-30 00:00:00", 1440, 1000000, "[]", true, "free_internet", "config_error", "server", true, "令和６年　台風第１０号", 0},
		{"C-3", "y", "2024-05-02 00:00:00", 120, 30000, "['01','47']", false, "isp", "cyber_attack", "satellite_cable", false, nil, nil},
	})
	rows, err := db.Query(`SELECT record_key, op_key, duration_band, users_band, service_category, eu_root_cause,
		third_party, equipment_class, region, critical_infra, criteria_era, coalesce(disaster, '') , user_hours
		FROM deid_accident ORDER BY record_key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type out struct {
		Key, Op               int
		DBand, UBand, Cat, EU string
		Third                 bool
		EqClass, Region       string
		Critical              bool
		Era, Disaster         string
		UserHours             float64
	}
	var got []out
	for rows.Next() {
		var o out
		if err := rows.Scan(&o.Key, &o.Op, &o.DBand, &o.UBand, &o.Cat, &o.EU, &o.Third, &o.EqClass, &o.Region,
			&o.Critical, &o.Era, &o.Disaster, &o.UserHours); err != nil {
			t.Fatal(err)
		}
		got = append(got, o)
	}
	want := []out{
		// A-1 is op 1; its accident comes first. Its 災害名 is an alias of
		// a disaster of the list, on the disaster's days.
		{1, 1, "1-2h", "500-4999", "other", "third_party_failure", true, "transmission", "kanto", true, "2015-04-01", "quake_2016_kumamoto", 500},
		// A disaster of the list, but months before it: other.
		{2, 2, "<1h", "<500", "emergency_voice", "system_failure", false, "switching", "kanto", false, "2015-04-01", "other", 499 * 59 / 60.0},
		// No disaster named; Hokkaido + Okinawa span regions.
		{3, 3, "2-6h", "30000-99999", "other", "malicious_action", false, "transmission", "multi", false, "2015-04-01", "", 60000},
		// The typhoon's name in full-width digits with a wide space, on its days.
		{4, 3, "24h+", "1000000+", "free_internet", "human_error", true, "server", "national", false, "2015-04-01", "typhoon_2024_10", 24e6},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("deid_accident (-want +got):\n%s", diff)
	}

	// No identifier column survives.
	for _, col := range []string{"operator_id", "operator_name", "contact_name", "contact", "report_no",
		"site_location", "vendor_model", "partner_operator", "summary", "prevention", "disaster_name", "extra", "source_file"} {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM information_schema.columns WHERE table_name = 'deid_accident' AND column_name = $1`, col).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("deid_accident has identifier column %s", col)
		}
	}
}

func TestDeidentifyRefusesFewerThanThreeOperators(t *testing.T) {
	db := duck.MustOpenMemory(t)
	mustAccidentTable(t, db)
	if err := Deidentify(context.Background(), db, 2); err == nil {
		t.Fatal("min_operators 2 accepted")
	}
}

func TestDeidentifyEraBoundary(t *testing.T) {
	db := duck.MustOpenMemory(t)
	mustAccidentTable(t, db)
	insertAccidents(t, db, []accidentRow{
		{"A", "1", "2015-03-31 23:59:00", 10, 1, "['13']", false, "isp", "unknown", "other", false, nil, nil},
		{"A", "2", "2015-04-01 00:00:00", 10, 1, "['13']", false, "isp", "unknown", "other", false, nil, nil},
	})
	if err := Deidentify(context.Background(), db, 3); err != nil {
		t.Fatal(err)
	}
	var eras []string
	rows, err := db.Query(`SELECT criteria_era FROM deid_accident ORDER BY record_key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var e string
		rows.Scan(&e)
		eras = append(eras, e)
	}
	if diff := cmp.Diff([]string{"1985-04-01", "2015-04-01"}, eras); diff != "" {
		t.Error(diff)
	}
}

// The coded columns of deid_accident are ENUMs of their whole code lists
// in byte order: a code outside the list cannot be stored, and sorting or
// comparing the column gives what sorting the text gives.
func TestDeidentifyCodedColumnsAreEnums(t *testing.T) {
	db := deidentified(t, []accidentRow{
		{"A-1", "1", "2024-04-02 10:00:00", 59, 499, "['13']", false, "voice_fixed", "hw_failure", "switch_local", false, "", nil},
		{"B-2", "1", "2024-04-03 10:00:00", 60, 500, "['01']", false, "ftth", "power_outage", "fibre", false, "", nil},
	})
	for _, col := range []string{"form", "report_type", "impact", "service", "cause_group", "cause", "equipment",
		"duration_band", "users_band", "service_category", "eu_root_cause", "equipment_class", "region"} {
		var typ string
		if err := db.QueryRow(`SELECT data_type FROM duckdb_columns() WHERE table_name = 'deid_accident' AND column_name = $1`, col).Scan(&typ); err != nil {
			t.Fatalf("%s: %v", col, err)
		}
		codes := kensho.ListByName(col).CodeStrings()
		sort.Strings(codes)
		want := "ENUM('" + strings.Join(codes, "', '") + "')"
		if typ != want {
			t.Errorf("deid_accident.%s is %s, want %s", col, typ, want)
		}
	}
	// ftth < voice_fixed as text: the ENUM must order the rows the same way.
	var first string
	if err := db.QueryRow(`SELECT service FROM deid_accident ORDER BY service LIMIT 1`).Scan(&first); err != nil {
		t.Fatal(err)
	}
	if first != "ftth" {
		t.Errorf("ORDER BY service gives %q first, want ftth", first)
	}
	if _, err := db.Exec(`UPDATE deid_accident SET service = 'telegraph'`); err == nil {
		t.Error("deid_accident.service accepted a code outside services.csv")
	}
}

// A code outside this version's lists in accident (an older or hand-made
// database) stops Deidentify with the value and what to do.
func TestDeidentifyNamesAStrayCode(t *testing.T) {
	db := duck.MustOpenMemory(t)
	mustAccidentTable(t, db)
	insertAccidents(t, db, []accidentRow{
		{"A-1", "1", "2024-04-02 10:00:00", 59, 499, "['13']", false, "telegraph", "hw_failure", "router", false, "", nil},
	})
	err := Deidentify(context.Background(), db, 3)
	if err == nil || !strings.Contains(err.Error(), "telegraph") || !strings.Contains(err.Error(), "code lists") ||
		!strings.Contains(err.Error(), "new --db") {
		t.Errorf("err = %v", err)
	}
}

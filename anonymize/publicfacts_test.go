package anonymize

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/ingest"
	"github.com/kensho-jp/kensho/internal/duck"
)

// TestMatchPublicFacts: an entry matches the one accident of its
// operator, day and service whose users and duration agree (exactly, or
// within the stated tolerance, an exact candidate winning); two equal
// candidates make it ambiguous, none unmatched; deid_accident.public_fact
// names the entry of every matched accident and only theirs.
func TestMatchPublicFacts(t *testing.T) {
	ctx := context.Background()
	db := duck.MustOpenMemory(t)
	mustAccidentTable(t, db)
	insertAccidents(t, db, []accidentRow{
		// B-2's serious outage, and another of the same day, service and size.
		{"B-2", "1", "2024-05-03 10:00:00", 150, 1290000, "['13']", false, "voice_mobile", "sw_bug", "switch_local", false, nil, nil},
		{"B-2", "2", "2024-05-03 18:00:00", 150, 1290000, "['13']", false, "voice_mobile", "sw_bug", "switch_local", false, nil, nil},
		// one exact and one approximate candidate on one day.
		{"A-1", "7", "2024-06-01 01:25:00", 121, 30000, "['13']", false, "ftth", "config_error", "router", false, nil, nil},
		{"A-1", "8", "2024-06-01 09:00:00", 124, 30200, "['13']", false, "ftth", "config_error", "router", false, nil, nil},
		// C-3: published rounded (約13万人, 約2時間).
		{"C-3", "x", "2024-07-10 00:00:00", 118, 129500, "['01']", false, "isp", "hw_failure", "server", false, nil, nil},
		{"C-3", "y", "2024-07-11 00:00:00", 118, 129500, "['01']", false, "isp", "hw_failure", "server", false, nil, nil},
	})
	reg := "事業者名,登録・届出番号,発生日,役務区分,影響利用者数,継続時間(分),発生要因(小分類),出典URL\n" +
		"name of A-1,,2024/06/01,ftth,30000,121,config_error,https://example.jp/a\n" + // entry 1: exact (by name)
		",,,,,,,\n" +
		"whatever,C-3,2024/07/10,isp,130000,120,sw_bug,https://example.jp/c\n" + // entry 2: within tolerance, by id; another cause
		"name of B-2,,2024/05/03,voice_mobile,1290000,150,sw_bug,https://example.jp/b\n" + // entry 3: two candidates
		"株式会社 name of A-1,,2024/06/02,ftth,30000,121,config_error,https://example.jp/a2\n" + // entry 4: no accident that day
		"name of A-1,,2024/06/01,ftth,33000,121,config_error,https://example.jp/a3\n" + // entry 5: users 10 % off
		"name of A-1,A-1,2024-06-01 01:25,ftth,30000,121,config_error,https://www.soumu.go.jp/a\n" // entry 6: the same accident as entry 1, another source
	path := filepath.Join(t.TempDir(), "public.csv")
	if err := os.WriteFile(path, []byte(reg), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := ingest.LoadPublicFacts(ctx, db, []string{path}, nil)
	if err != nil || !rep.Clean() {
		t.Fatalf("load: %v %+v", err, rep)
	}
	if err := Deidentify(ctx, db, 3); err != nil {
		t.Fatal(err)
	}
	type match struct {
		Entry             int
		Status            string
		Op, No            string
		Exact, SameCause  bool
		UsersD, DurationD int64
	}
	rows, err := db.Query(`SELECT entry, status, coalesce(operator_id, ''), coalesce(report_no, ''), coalesce(exact, false),
		coalesce(same_cause, false), coalesce(users_diff, 0), coalesce(duration_diff, 0) FROM public_fact_match ORDER BY entry`)
	if err != nil {
		t.Fatal(err)
	}
	var got []match
	for rows.Next() {
		var m match
		if err := rows.Scan(&m.Entry, &m.Status, &m.Op, &m.No, &m.Exact, &m.SameCause, &m.UsersD, &m.DurationD); err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	rows.Close()
	want := []match{
		{1, "matched", "A-1", "7", true, true, 0, 0},
		{2, "matched", "C-3", "x", false, false, -500, -2},
		{3, "ambiguous", "", "", false, false, 0, 0},
		{4, "unmatched", "", "", false, false, 0, 0},
		{5, "unmatched", "", "", false, false, 0, 0},
		{6, "matched", "A-1", "7", true, true, 0, 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("public_fact_match (-want +got):\n%s", diff)
	}

	// deid_accident: A-1/7 carries entry 1 (the first of its two), C-3/x
	// entry 2, nothing else is public.
	type pub struct {
		Key  int
		Fact int
	}
	rows, err = db.Query(`SELECT record_key, public_fact FROM deid_accident WHERE public_fact IS NOT NULL ORDER BY record_key`)
	if err != nil {
		t.Fatal(err)
	}
	var pubs []pub
	for rows.Next() {
		var p pub
		if err := rows.Scan(&p.Key, &p.Fact); err != nil {
			t.Fatal(err)
		}
		pubs = append(pubs, p)
	}
	rows.Close()
	// record keys: by fiscal year, time, op_key: B-2/1 (1), B-2/2 (2), A-1/7 (3), A-1/8 (4), C-3/x (5), C-3/y (6).
	if diff := cmp.Diff([]pub{{3, 1}, {5, 2}}, pubs); diff != "" {
		t.Errorf("deid_accident.public_fact (-want +got):\n%s", diff)
	}

	// The public cases: as the register states them, one per accident,
	// every source of it; no operator.
	registered, cases, err := PublicCases(ctx, db)
	if err != nil || !registered {
		t.Fatalf("public cases: %v %v", registered, err)
	}
	wantCases := []kensho.PublicCase{
		{OccurredOn: "2024-06-01", FiscalYear: 2024, Service: "ftth", AffectedUsers: 30000, DurationMin: 121, Cause: "config_error",
			Sources: []string{"https://example.jp/a", "https://www.soumu.go.jp/a"}},
		{OccurredOn: "2024-07-10", FiscalYear: 2024, Service: "isp", AffectedUsers: 130000, DurationMin: 120, Cause: "sw_bug",
			Sources: []string{"https://example.jp/c"}},
	}
	if diff := cmp.Diff(wantCases, cases); diff != "" {
		t.Errorf("public cases (-want +got):\n%s", diff)
	}

	m, err := LoadPublicFactMatches(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	wantM := &PublicFactMatches{Entries: 6, Matched: 3, Approximate: 1, CauseDiffer: 1, Unmatched: 2, Ambiguous: 1,
		UnmatchedRows: []string{path + ":6", path + ":7"}, AmbiguousRows: []string{path + ":5"}}
	if diff := cmp.Diff(wantM, m); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}

	// Without a register, no column and no match table.
	if _, err := ingest.LoadPublicFacts(ctx, db, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := Deidentify(ctx, db, 3); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.columns WHERE table_name = 'deid_accident' AND column_name = 'public_fact'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("public_fact column without a register: %d %v", n, err)
	}
	if m, err := LoadPublicFactMatches(ctx, db); m != nil || err != nil {
		t.Errorf("matches without a register: %+v %v", m, err)
	}
	if reg, cases, err := PublicCases(ctx, db); reg || cases != nil || err != nil {
		t.Errorf("public cases without a register: %v %+v %v", reg, cases, err)
	}
}

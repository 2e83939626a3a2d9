package ingest

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/internal/gen"
	"github.com/kensho-jp/kensho/reportfile"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"
)

var update = flag.Bool("update", false, "rewrite golden files and generated fixtures in testdata/")

// fixedNow is the load clock of every test.
func fixedNow() time.Time { return time.Date(2025, 4, 1, 9, 30, 0, 0, kensho.JST) }

func mustLoad(t *testing.T, db *sql.DB, paths ...string) *Report {
	t.Helper()
	rep, err := Load(context.Background(), db, paths, Config{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, rep)
	return rep
}

// checkCounts asserts the invariant of every report: rows read = loaded +
// quarantined, per file and in total.
func checkCounts(t *testing.T, rep *Report) {
	t.Helper()
	var read, loaded, quarantined int
	for _, f := range rep.Files {
		if f.RowsRead != f.RowsLoaded+f.RowsQuarantined {
			t.Errorf("%s: %d read != %d loaded + %d quarantined", f.Path, f.RowsRead, f.RowsLoaded, f.RowsQuarantined)
		}
		read, loaded, quarantined = read+f.RowsRead, loaded+f.RowsLoaded, quarantined+f.RowsQuarantined
	}
	if read != rep.RowsRead || loaded != rep.RowsLoaded || quarantined != rep.RowsQuarantined {
		t.Errorf("totals %d/%d/%d, files add up to %d/%d/%d", rep.RowsRead, rep.RowsLoaded, rep.RowsQuarantined,
			read, loaded, quarantined)
	}
	if rep.RowsRead != rep.RowsLoaded+rep.RowsQuarantined {
		t.Errorf("%d read != %d loaded + %d quarantined", rep.RowsRead, rep.RowsLoaded, rep.RowsQuarantined)
	}
}

func queryInt(t *testing.T, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// tableCounts counts the rows of every table ingest writes.
func tableCounts(t *testing.T, db *sql.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tbl := range []string{"ingest_file", "accident", "accident_history", "quarantine_row", "quarantine_error", "ingest_warning"} {
		out[tbl] = queryInt(t, db, "SELECT count(*) FROM "+tbl)
	}
	return out
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got); if the change is right, run go test -update:\n%s", path, diff)
	}
}

// fixtureFiles are the hand-written files of testdata/, in the order the
// golden test loads them.
var fixtureFiles = []string{
	"testdata/utf8.csv",
	"testdata/utf8_bom.csv",
	"testdata/cp932.csv",
	"testdata/title_block.xlsx",
	"testdata/mistakes.csv",
	"testdata/broken_row2.csv",
	"testdata/missing_column.csv",
	"testdata/not_utf8_or_sjis.csv",
	"testdata/not_a_spreadsheet.xlsx",
	"testdata/no_such_file.csv",
}

// TestGoldenReport loads every fixture and compares the human summary and
// the JSON report with their golden files.
func TestGoldenReport(t *testing.T) {
	db := duck.MustOpenMemory(t)
	rep := mustLoad(t, db, fixtureFiles...)
	var text, js bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.txt", text.Bytes())
	golden(t, "report.json", js.Bytes())
	if !rep.Rejected() {
		t.Error("Rejected() = false with rejected files")
	}
	// The database holds what the report says.
	if got := queryInt(t, db, "SELECT count(*) FROM quarantine_error"); got != countFileErrors(rep) {
		t.Errorf("quarantine_error has %d rows, the report %d row errors", got, countFileErrors(rep))
	}
	if got, want := queryInt(t, db, "SELECT count(*) FROM quarantine_row"), rep.RowsQuarantined; got != want {
		t.Errorf("quarantine_row has %d rows, want %d", got, want)
	}
	if got, want := queryInt(t, db, "SELECT count(*) FROM accident")+queryInt(t, db, "SELECT count(*) FROM accident_history"), rep.RowsLoaded; got != want {
		t.Errorf("accident + history hold %d rows, want %d loaded", got, want)
	}
}

// countFileErrors counts the report's errors that belong to rows (not to
// a rejected file).
func countFileErrors(rep *Report) int {
	n := 0
	for _, e := range rep.Errors {
		if e.Row > 0 && e.Code != reportfile.CodeMissingColumn && e.Code != reportfile.CodeDuplicateColumn {
			n++
		}
	}
	return n
}

// TestSecondLoadChangesNothing loads the fixtures twice: the second run
// reads nothing, skips every file it loaded and leaves every table as it was.
func TestSecondLoadChangesNothing(t *testing.T) {
	db := duck.MustOpenMemory(t)
	first := mustLoad(t, db, fixtureFiles...)
	before := tableCounts(t, db)
	second := mustLoad(t, db, fixtureFiles...)
	if diff := cmp.Diff(before, tableCounts(t, db)); diff != "" {
		t.Errorf("second load changed tables (-before +after):\n%s", diff)
	}
	for i, f := range second.Files {
		want := StatusSkipped
		if first.Files[i].Status == StatusRejected {
			want = StatusRejected // a rejected file is tried again, and fails again
		}
		if f.Status != want {
			t.Errorf("%s: second status %s, want %s", f.Path, f.Status, want)
		}
		if f.Status == StatusSkipped && f.RowsRead != 0 {
			t.Errorf("%s: skipped but %d rows read", f.Path, f.RowsRead)
		}
	}
	if second.RowsLoaded != 0 {
		t.Errorf("second load loaded %d rows", second.RowsLoaded)
	}
}

// TestCorrectionKeepsHistory loads a file, then a correction of one of its
// rows from another file: the accident holds the new version, history the
// old one with its source file and the file that replaced it. The
// correction comes in a later load, and in the same load as the original.
func TestCorrectionKeepsHistory(t *testing.T) {
	for _, tc := range []struct {
		name string
		load func(t *testing.T, db *sql.DB) *Report
	}{
		{"later load", func(t *testing.T, db *sql.DB) *Report {
			mustLoad(t, db, "testdata/utf8.csv")
			return mustLoad(t, db, "testdata/utf8_bom.csv")
		}},
		{"same load", func(t *testing.T, db *sql.DB) *Report {
			return mustLoad(t, db, "testdata/utf8.csv", "testdata/utf8_bom.csv")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { testCorrectionKeepsHistory(t, tc.load) })
	}
}

func testCorrectionKeepsHistory(t *testing.T, load func(t *testing.T, db *sql.DB) *Report) {
	db := duck.MustOpenMemory(t)
	rep := load(t, db)
	var corrSHA string
	for _, f := range rep.Files {
		corrSHA = f.SHA256
	}
	type version struct {
		Recovered, Source, SupersededBy string
		Users                           int64
	}
	var cur version
	err := db.QueryRow(`SELECT strftime(recovered_at, '%Y-%m-%d %H:%M'), source_file, '', affected_users
		FROM accident WHERE operator_id = 'A-0001' AND report_no = 'MN-2024-001'`).
		Scan(&cur.Recovered, &cur.Source, &cur.SupersededBy, &cur.Users)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(version{"2024-05-03 16:10", "testdata/utf8_bom.csv", "", 33000}, cur); diff != "" {
		t.Errorf("current version (-want +got):\n%s", diff)
	}
	var old version
	err = db.QueryRow(`SELECT strftime(recovered_at, '%Y-%m-%d %H:%M'), source_file, superseded_by_sha256, affected_users
		FROM accident_history WHERE operator_id = 'A-0001' AND report_no = 'MN-2024-001'`).
		Scan(&old.Recovered, &old.Source, &old.SupersededBy, &old.Users)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(version{"2024-05-03 16:00", "testdata/utf8.csv", corrSHA, 32500}, old); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM accident WHERE operator_id = 'A-0001' AND report_no = 'MN-2024-001'"); n != 1 {
		t.Errorf("%d current versions, want 1", n)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM accident_history"); n != 1 {
		t.Errorf("%d rows in history, want 1 (only the corrected accident)", n)
	}
	// Loading the first file again changes nothing: its bytes are known.
	before := tableCounts(t, db)
	mustLoad(t, db, "testdata/utf8.csv")
	if diff := cmp.Diff(before, tableCounts(t, db)); diff != "" {
		t.Errorf("reloading the first file changed tables:\n%s", diff)
	}
}

// TestSameBytesTwiceInOneLoad: a copy of a file in the same load is
// skipped, although it was read before the first copy committed.
func TestSameBytesTwiceInOneLoad(t *testing.T) {
	db := duck.MustOpenMemory(t)
	data, err := os.ReadFile("testdata/utf8.csv")
	if err != nil {
		t.Fatal(err)
	}
	dup := filepath.Join(t.TempDir(), "copy.csv")
	if err := os.WriteFile(dup, data, 0o600); err != nil {
		t.Fatal(err)
	}
	rep := mustLoad(t, db, "testdata/utf8.csv", dup)
	if got := []string{rep.Files[0].Status, rep.Files[1].Status}; got[0] != StatusLoaded || got[1] != StatusSkipped {
		t.Fatalf("statuses %v, want [loaded skipped]", got)
	}
	if rep.Files[1].RowsRead != 0 || rep.RowsLoaded != rep.Files[0].RowsLoaded {
		t.Errorf("the copy counted rows: %+v", rep.Files[1])
	}
	if n := queryInt(t, db, "SELECT count(*) FROM accident"); n != rep.Files[0].RowsLoaded {
		t.Errorf("%d accidents, want %d", n, rep.Files[0].RowsLoaded)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM ingest_file"); n != 1 {
		t.Errorf("%d files recorded, want 1", n)
	}
}

// TestBrokenRow2StillLoadsTheRest: a file whose row 2 is broken loads rows 3..N.
func TestBrokenRow2StillLoadsTheRest(t *testing.T) {
	db := duck.MustOpenMemory(t)
	rep := mustLoad(t, db, "testdata/broken_row2.csv")
	f := rep.Files[0]
	if f.Status != StatusLoaded || f.RowsRead != 4 || f.RowsLoaded != 3 || f.RowsQuarantined != 1 {
		t.Fatalf("got %+v", f)
	}
	rows, err := db.Query("SELECT source_row FROM accident ORDER BY source_row")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []int
	for rows.Next() {
		var r int
		rows.Scan(&r)
		got = append(got, r)
	}
	if diff := cmp.Diff([]int{3, 4, 5}, got); diff != "" {
		t.Errorf("loaded rows (-want +got):\n%s", diff)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM quarantine_row WHERE source_row = 2"); n != 1 {
		t.Errorf("row 2 quarantined %d times", n)
	}
}

// TestUnclosedQuoteRecovers: a quote that never closes breaks its own row
// only; the rows after it load with their own row numbers.
func TestUnclosedQuoteRecovers(t *testing.T) {
	dir := t.TempDir()
	// No other quote follows (40000 is written without a separator):
	// like Excel, a later quote would close this one.
	rows := validCSV(t, []map[string]string{
		{"事業者整理番号": "Q-2", "影響利用者数": "40000"},
		{"事業者整理番号": "Q-3", "影響利用者数": "40000", "事故概要": "\"閉じない"},
		{"事業者整理番号": "Q-4", "影響利用者数": "40000"},
		{"事業者整理番号": "Q-5", "影響利用者数": "40000"},
	})
	path := filepath.Join(dir, "quote.csv")
	if err := os.WriteFile(path, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	db := duck.MustOpenMemory(t)
	rep := mustLoad(t, db, path)
	want := []Error{{File: path, Row: 3, Column: "事故概要", Value: "閉じない,対策", Code: reportfile.CodeUnclosedQuote}}
	if diff := cmp.Diff(want, rep.Errors, ignoreMessages); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if f := rep.Files[0]; f.RowsLoaded != 3 || f.RowsQuarantined != 1 {
		t.Errorf("got %+v", f)
	}
}

// TestRejectedFileDoesNotStopOthers: files that cannot be read are
// rejected one by one; the good files around them load.
func TestRejectedFileDoesNotStopOthers(t *testing.T) {
	db := duck.MustOpenMemory(t)
	rep := mustLoad(t, db, "testdata/not_utf8_or_sjis.csv", "testdata/utf8.csv", "testdata/missing_column.csv", "testdata/cp932.csv")
	var got []string
	for _, f := range rep.Files {
		got = append(got, f.Status)
	}
	if diff := cmp.Diff([]string{StatusRejected, StatusLoaded, StatusRejected, StatusLoaded}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if !rep.Rejected() {
		t.Error("Rejected() = false")
	}
	var status, msg string
	if err := db.QueryRow("SELECT status, message_en FROM ingest_file WHERE path = 'testdata/missing_column.csv'").Scan(&status, &msg); err != nil {
		t.Fatal(err)
	}
	if status != StatusRejected || msg == "" {
		t.Errorf("ingest_file: %s %q", status, msg)
	}
}

// TestDirectoryWalk loads a directory: .csv and .xlsx only, in name order,
// lock files skipped.
func TestDirectoryWalk(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"b.csv": "testdata/utf8.csv", "a/c.CSV": "testdata/utf8_bom.csv", "notes.txt": "testdata/utf8.csv",
		"~$b.xlsx": "testdata/not_a_spreadsheet.xlsx", ".hidden.csv": "testdata/mistakes.csv",
	} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := duck.MustOpenMemory(t)
	rep := mustLoad(t, db, dir)
	var got []string
	for _, f := range rep.Files {
		got = append(got, filepath.ToSlash(f.Path[len(dir)+1:]))
	}
	if diff := cmp.Diff([]string{"a/c.CSV", "b.csv"}, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

// TestAccidentRowValues checks the columns of loaded rows against the
// contract: codes, JST timestamps, sorted prefecture codes, provenance.
// Row numbers count records as Excel shows them: row 3 of utf8.csv holds
// a line break inside quotes and is still one row; row 7 is blank.
func TestAccidentRowValues(t *testing.T) {
	db := duck.MustOpenMemory(t)
	mustLoad(t, db, "testdata/utf8.csv")
	type row struct {
		FY, Q                           int
		Form, Type, Occurred, Recovered string
		Duration                        int
		DurationReported                sql.NullInt64
		Impact, Service                 string
		Users                           int64
		Prefs                           string
		Nationwide                      bool
		Group, Cause, Equipment         string
		OtherOrigin                     bool
		Partner                         sql.NullString
		Critical                        sql.NullInt64
		Disaster                        sql.NullString
		Cyber, Below, Serious           bool
		SourceRow                       int
		LoadedAt                        string
	}
	q := `SELECT fiscal_year, quarter, form, report_type, strftime(occurred_at, '%Y-%m-%d %H:%M'),
		strftime(recovered_at, '%Y-%m-%d %H:%M'), duration_min, duration_min_reported, impact, service,
		affected_users, array_to_string(prefectures, ','), nationwide, cause_group, cause, equipment,
		other_operator_origin, partner_operator, critical_infra_users, disaster_name, cyber_attack,
		below_threshold, meets_serious, source_row, strftime(loaded_at, '%Y-%m-%d %H:%M')
		FROM accident WHERE report_no = ?`
	scan := func(no string) row {
		var r row
		err := db.QueryRow(q, no).Scan(&r.FY, &r.Q, &r.Form, &r.Type, &r.Occurred, &r.Recovered, &r.Duration,
			&r.DurationReported, &r.Impact, &r.Service, &r.Users, &r.Prefs, &r.Nationwide, &r.Group, &r.Cause,
			&r.Equipment, &r.OtherOrigin, &r.Partner, &r.Critical, &r.Disaster, &r.Cyber, &r.Below, &r.Serious,
			&r.SourceRow, &r.LoadedAt)
		if err != nil {
			t.Fatalf("%s: %v", no, err)
		}
		return r
	}
	tests := []struct {
		no   string
		want row
	}{
		{"MN-2024-002", row{2024, 1, "full", "serious", "2024-06-01 09:00", "2024-06-01 13:30", 270,
			sql.NullInt64{Int64: 270, Valid: true}, "outage", "voice_mobile", 120000, "", true, "external",
			"power_outage", "power", false, sql.NullString{}, sql.NullInt64{Int64: 3, Valid: true}, sql.NullString{},
			false, false, true, 3, "2025-04-01 09:30"}},
		{"MN-2024-003", row{2024, 1, "simplified", "quarterly", "2024-06-10 10:00", "2024-06-10 12:30", 150,
			sql.NullInt64{Int64: 150, Valid: true}, "degradation", "isp", 28000, "11,12", false, "human",
			"config_error", "radio_base", false, sql.NullString{}, sql.NullInt64{}, sql.NullString{},
			false, false, false, 4, "2025-04-01 09:30"}},
		{"MN-2024-006", row{2024, 4, "full", "serious", "2025-01-02 03:04", "2025-01-03 03:04", 1440,
			sql.NullInt64{Int64: 1440, Valid: true}, "outage", "data_mobile", 1200000, "16,17", false, "external",
			"natural_disaster", "radio_base", true, sql.NullString{String: "北陸モバイル株式会社", Valid: true},
			sql.NullInt64{Int64: 12, Valid: true}, sql.NullString{String: "令和6年能登半島地震", Valid: true},
			false, false, true, 8, "2025-04-01 09:30"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, scan(tt.no)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.no, diff)
		}
	}
}

// cp932Source is the text of testdata/cp932.csv before encoding: a file as
// Japanese Excel saves it, with characters only CP932 has (①, 髙).
const cp932Source = "報告事業者名,登録・届出番号,報告担当者,連絡先,事業者整理番号,報告年度,四半期,様式,報告区分,発生日時,復旧日時,継続時間(分),事故の態様,役務区分,影響利用者数,影響範囲,発生場所,発生要因(大分類),発生要因(小分類),故障設備,設備メーカー・機種,他事業者設備起因,卸元・接続先事業者名,重要インフラ事業者数,災害名,サイバー攻撃,事故概要,再発防止策\r\n" +
	"株式会社北海ネット,H-0042,髙橋 次郎,jiro@hokkai.example.jp,HK-24-07,2024,3,省令,四半期,2024/11/05 06:10,2024/11/05 09:40,210,停止,CATVインターネット,\"45,000\",北海道,札幌市中央区 センター局,外的要因,第三者による設備損壊(ケーブル切断等),伝送路設備(光ファイバ・ケーブル),,いいえ,,0,,いいえ,道路工事で幹線ケーブルが切断された①。,工事事業者への周知を強化する。\r\n" +
	"株式会社北海ネット,H-0042,髙橋 次郎,jiro@hokkai.example.jp,HK-24-08,2024,3,省令,重大,2024/12/24 20:00,2024/12/25 02:30,390,停止,電子メール(有料),\"150,000\",北海道、青森県,札幌市中央区 センター局,外的要因,サイバー攻撃,サーバ(認証・DNS・メール等),,いいえ,,2,,はい,メールサーバへのDDoS攻撃で送受信が停止した。,攻撃遮断装置を増強する。\r\n" +
	"株式会社北海ネット,H-0042,髙橋 次郎,jiro@hokkai.example.jp,HK-24-09,2024,3,省令,四半期,2024/10/01 00:00,2024/10/01 01:00,60,品質低下,その他,\"1,000\",北海道,,設備要因,設備容量不足・輻輳,その他,,いいえ,,,,いいえ,,\r\n"

// TestCP932Fixture keeps testdata/cp932.csv the CP932 encoding of
// cp932Source (written with -update).
func TestCP932Fixture(t *testing.T) {
	path := "testdata/cp932.csv"
	if *update {
		b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(cp932Source))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if enc := reportfile.Open(path, b).Encoding; enc != "cp932" {
		t.Fatalf("read as %q, want cp932", enc)
	}
	text, err := japanese.ShiftJIS.NewDecoder().String(string(b))
	if err != nil {
		t.Fatal(err)
	}
	if text != cp932Source {
		t.Error("testdata/cp932.csv does not decode to cp932Source; run go test -update")
	}
}

// TestXLSXFixture writes testdata/title_block.xlsx with -update: a cover
// sheet first, then the sheet 報告 with a title block, serial dates,
// numbers, a boolean cell, a gap and one bad row. Without -update it only
// checks the file is there (excelize stamps the time into a workbook).
func TestXLSXFixture(t *testing.T) {
	path := "testdata/title_block.xlsx"
	if !*update {
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "表紙"))
	must(f.SetCellValue("表紙", "A1", "四半期報告 表紙"))
	_, err := f.NewSheet("報告")
	must(err)
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 22})
	must(err)
	jst := func(s string) time.Time {
		tm, err := time.Parse("2006-01-02 15:04", s)
		must(err)
		return tm
	}
	rows := [][]any{
		{"電気通信事故 四半期報告(令和6年度 第2四半期)"},
		{"報告事業者", "株式会社みちのく通信"},
		nil,
		{"報告事業者名", "登録・届出番号", "事業者整理番号", "報告年度", "四半期", "様式", "発生日時", "復旧日時",
			"継続時間（分）", "事故の態様", "役務区分", "影響利用者数", "影響範囲", "発生要因(大分類)", "発生要因(小分類)",
			"故障設備", "他事業者設備起因", "サイバー攻撃", "事故概要"},
		{"株式会社みちのく通信", "T-0300", "MC-201", 2024, 2, "省令", jst("2024-07-15 04:30"), jst("2024-07-15 07:00"),
			150, "停止", "携帯電話(データ通信)", 45000, "宮城県、岩手県", "設備要因", "ソフトウェア不具合", "無線基地局",
			false, false, "基地局ソフトの不具合"},
		{"株式会社みちのく通信", "T-0300", "MC-202", "令和6", "2", "告示", "2024/08/01 10:00", "2024/08/01 12:00",
			"120", "品質低下", "DSLアクセス", "31,000", "秋田", "不明", "不明", "DSLAM", "いいえ", "いいえ", ""},
		nil,
		{"株式会社みちのく通信", "T-0300", "MC-203", 2024, 2, "省令", jst("2024-09-10 12:00"), jst("2024-09-10 11:00"),
			nil, "停止", "FTTHアクセス", "多数", "宮城県", "人為要因", "設定誤り", "ルータ・伝送装置", false, true, ""},
		{"株式会社みちのく通信", "T-0300", "MC-204", 2024, 2, "省令", jst("2024-09-30 23:00"), jst("2024-10-01 03:00"),
			240, "停止", "インターネット接続(ISP)", 52000, "山形県", "外的要因", "商用電源の停電", "電源設備", false, false, ""},
	}
	for i, r := range rows {
		for j, v := range r {
			cell, err := excelize.CoordinatesToCellName(j+1, i+1)
			must(err)
			must(f.SetCellValue("報告", cell, v))
			if _, ok := v.(time.Time); ok {
				must(f.SetCellStyle("報告", cell, cell, dateStyle))
			}
		}
	}
	must(f.SaveAs(path))
}

// TestUnknownColumnKeptInExtra: a column outside the report format is
// warned about once and its non-empty values kept in accident.extra.
func TestUnknownColumnKeptInExtra(t *testing.T) {
	db := duck.MustOpenMemory(t)
	mustLoad(t, db, "testdata/utf8_bom.csv")
	rows, err := db.Query(`SELECT report_no, coalesce(extra['備考'], '-') FROM accident ORDER BY report_no`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var no, v string
		if err := rows.Scan(&no, &v); err != nil {
			t.Fatal(err)
		}
		got[no] = v
	}
	want := map[string]string{"KT-0101": "-", "KT-0102": "夜間作業中", "MN-2024-001": "訂正報告(復旧日時を修正)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("extra (-want +got):\n%s", diff)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM ingest_warning WHERE code = 'unknown_column' AND source_row = 0 AND column_header = '備考'"); n != 1 {
		t.Errorf("%d unknown_column warnings, want 1", n)
	}
}

// TestBeforeCommitSeesOpenTransaction: the hook runs inside the file's
// transaction (another connection does not see the rows yet), once per
// loaded file.
func TestBeforeCommitSeesOpenTransaction(t *testing.T) {
	db := duck.MustOpenMemory(t)
	var calls []string
	rep, err := Load(context.Background(), db, []string{"testdata/utf8.csv", "testdata/missing_column.csv"}, Config{
		Now: fixedNow,
		BeforeCommit: func(path string) {
			calls = append(calls, path)
			if n := queryInt(t, db, "SELECT count(*) FROM accident"); n != 0 {
				t.Errorf("%d rows visible before commit", n)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"testdata/utf8.csv"}, calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM accident"); n != rep.RowsLoaded {
		t.Errorf("%d rows after commit, want %d", n, rep.RowsLoaded)
	}
}

// TestLoadRestoresSettings: a load changes five DuckDB settings for its
// own writing (insertion order, checkpoint threshold, FSST, threads,
// memory limit) and gives them back as they were, whatever they were; what
// it checkpointed holds no FSST segment. While files load, DuckDB's memory
// is held to loadMemoryLimit, and set back exactly after (DuckDB shows it
// rounded): to its default, or to the limit the database was opened with.
func TestLoadRestoresSettings(t *testing.T) {
	for _, limit := range []string{"", "3GB", "256MB"} {
		t.Run("memory limit "+limit, func(t *testing.T) { testLoadRestoresSettings(t, limit) })
	}
}

func testLoadRestoresSettings(t *testing.T, limit string) {
	ctx := context.Background()
	db, err := duck.Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), duck.Options{MemoryLimit: limit})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	settings := func() [5]string { return loadSettingsNow(t, db) }
	if _, err := db.Exec(`SET checkpoint_threshold = '32MiB'; SET disabled_compression_methods = 'rle'; SET threads = 3`); err != nil {
		t.Fatal(err)
	}
	before := settings()
	// Enough varied free text that DuckDB would pick FSST for it.
	path := filepath.Join(t.TempDir(), "gen.csv")
	if err := writeFile(path, func(w io.Writer) error { return gen.WriteCSV(w, 20000, 1) }); err != nil {
		t.Fatal(err)
	}
	var during string
	rep, err := Load(ctx, db, []string{path}, Config{Now: fixedNow, BeforeCommit: func(string) {
		during = settings()[4]
	}})
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, rep)
	want := "512.0 MiB"
	if limit == "256MB" {
		want = before[4] // already lower
	}
	if during != want {
		t.Errorf("memory limit while loading %q, want %q", during, want)
	}
	if after := settings(); after != before {
		t.Errorf("settings after the load %q, before %q", after, before)
	}
	var fsst int
	if err := db.QueryRow(`SELECT count(*) FROM pragma_storage_info('accident') WHERE compression = 'FSST'`).Scan(&fsst); err != nil {
		t.Fatal(err)
	}
	if fsst != 0 {
		t.Errorf("the load wrote %d FSST segments", fsst)
	}
}

// loadSettingsNow returns the five DuckDB settings a load changes.
func loadSettingsNow(t *testing.T, db *sql.DB) [5]string {
	t.Helper()
	var s [5]string
	if err := db.QueryRow(`SELECT current_setting('preserve_insertion_order')::VARCHAR,
		current_setting('checkpoint_threshold')::VARCHAR, current_setting('disabled_compression_methods')::VARCHAR,
		current_setting('threads')::VARCHAR, current_setting('memory_limit')::VARCHAR`).
		Scan(&s[0], &s[1], &s[2], &s[3], &s[4]); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSmallFileLoadsOnOneThread: a file of fewer than smallLoad valid rows
// is inserted on one DuckDB thread, a larger one on all the threads the
// database had, and the checkpoint at the end runs on all of them again.
func TestSmallFileLoadsOnOneThread(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a file of smallLoad rows")
	}
	dir := t.TempDir()
	small, large := filepath.Join(dir, "small.csv"), filepath.Join(dir, "large.csv")
	for _, f := range []struct {
		path string
		rows int
	}{{small, 2000}, {large, smallLoad}} {
		if err := writeFile(f.path, func(w io.Writer) error { return gen.WriteCSV(w, f.rows, 7) }); err != nil {
			t.Fatal(err)
		}
	}
	db := duck.MustOpenMemory(t)
	if _, err := db.Exec("SET threads = 3"); err != nil {
		t.Fatal(err)
	}
	threads := map[string]int{}
	rep, err := Load(context.Background(), db, []string{small, large}, Config{
		Now:          fixedNow,
		BeforeCommit: func(path string) { threads[filepath.Base(path)] = queryInt(t, db, "SELECT current_setting('threads')") },
	})
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, rep)
	if rep.RowsLoaded != 2000+smallLoad {
		t.Fatalf("%d rows loaded, want %d", rep.RowsLoaded, 2000+smallLoad)
	}
	if diff := cmp.Diff(map[string]int{"small.csv": 1, "large.csv": 3}, threads); diff != "" {
		t.Errorf("DuckDB threads while each file was loaded (-want +got):\n%s", diff)
	}
	if n := queryInt(t, db, "SELECT current_setting('threads')"); n != 3 {
		t.Errorf("threads after the load: %d, want 3", n)
	}

	// A load that stops while a small file is in its transaction (here:
	// cancelled, which closes the loading connection) gives every setting
	// back too.
	before := loadSettingsNow(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	other := filepath.Join(dir, "other.csv")
	if err := writeFile(other, func(w io.Writer) error { return gen.WriteCSV(w, 500, 8) }); err != nil {
		t.Fatal(err)
	}
	_, err = Load(ctx, db, []string{other}, Config{Now: fixedNow, BeforeCommit: func(string) { cancel() }})
	if err == nil {
		t.Fatal("a cancelled load reported no error")
	}
	if after := loadSettingsNow(t, db); after != before {
		t.Errorf("settings after a cancelled load %q, before %q", after, before)
	}
}

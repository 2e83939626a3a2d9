package ingest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho/internal/duck"
)

const testRegister = "事業者名,発生日,役務区分,影響利用者数,継続時間(分),発生要因(小分類),出典URL\n" +
	"テスト通信,2024/05/03,voice_mobile,1290000,150,sw_bug,https://www.soumu.go.jp/a\n" +
	"テスト通信,2024/05/04,voice_mobile,abc,150,sw_bug,https://www.soumu.go.jp/b\n"

func writeRegister(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLoadPublicFacts: valid rows load numbered, a bad row is kept whole
// with its error in both languages, a file that cannot be read is
// rejected, and the report says the register is not clean.
func TestLoadPublicFacts(t *testing.T) {
	ctx := context.Background()
	db := duck.MustOpenMemory(t)
	good := writeRegister(t, "register.csv", testRegister)
	missing := filepath.Join(t.TempDir(), "nowhere.csv")
	rep, err := LoadPublicFacts(ctx, db, []string{good, missing}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, rep)
	if rep.Clean() || !rep.Rejected() || rep.RowsLoaded != 1 || rep.RowsQuarantined != 1 {
		t.Fatalf("report %+v", rep)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM public_fact_register WHERE entry = 1 AND source_row = 2 AND affected_users = 1290000"); n != 1 {
		t.Errorf("register rows: %d", n)
	}
	var col, val, code, ja, en string
	if err := db.QueryRow(`SELECT column_header, value, code, message_ja, message_en FROM public_fact_problem
		WHERE source_file = ? AND source_row = 3`, good).Scan(&col, &val, &code, &ja, &en); err != nil {
		t.Fatal(err)
	}
	if col != "影響利用者数" || val != "abc" || code != "bad_integer" || !strings.Contains(ja, "abc") || !strings.Contains(en, "whole number") {
		t.Errorf("problem %q %q %q %q %q", col, val, code, ja, en)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM public_fact_quarantine_row WHERE source_row = 3 AND raw['影響利用者数'] = 'abc'"); n != 1 {
		t.Errorf("quarantined row not kept whole")
	}
	if n := queryInt(t, db, "SELECT count(*) FROM public_fact_file WHERE status = 'rejected' AND path = ?", missing); n != 1 {
		t.Errorf("rejected file not recorded")
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"register.csv", "row 3, 影響利用者数 = \"abc\" [bad_integer]", "nowhere.csv", "rejected:"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}

	// The register is replaced, not added to; no file at all drops it.
	clean := writeRegister(t, "clean.csv", strings.Join(strings.Split(testRegister, "\n")[:2], "\n")+"\n")
	rep, err = LoadPublicFacts(ctx, db, []string{clean}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Clean() || queryInt(t, db, "SELECT count(*) FROM public_fact_register") != 1 || queryInt(t, db, "SELECT count(*) FROM public_fact_problem") != 0 {
		t.Errorf("second load: %+v", rep)
	}
	if _, err := LoadPublicFacts(ctx, db, nil, fixedNow); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'public_fact%'"); n != 0 {
		t.Errorf("%d register tables left after a load without files", n)
	}
}

// TestPublicFactsLongErrorList: the summary of a register with many errors
// says where all of them are.
func TestPublicFactsLongErrorList(t *testing.T) {
	text := strings.Split(testRegister, "\n")[0] + "\n" + strings.Repeat("テスト通信,2024/05/04,fax,1,1,sw_bug,https://x.example/\n", 12)
	rep, err := LoadPublicFacts(context.Background(), duck.MustOpenMemory(t), []string{writeRegister(t, "many.csv", text)}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "... and 2 more errors (all are in the table public_fact_problem of the database)") {
		t.Errorf("summary:\n%s", b.String())
	}
}

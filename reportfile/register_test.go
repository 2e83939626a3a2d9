package reportfile

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kensho-jp/kensho"
	"golang.org/x/text/encoding/japanese"
)

const registerHeader = "事業者名,登録・届出番号,発生日,役務区分,影響利用者数,継続時間(分),発生要因(小分類),出典URL\n"

func TestReadRegisterValid(t *testing.T) {
	text := registerHeader +
		"株式会社テスト通信,A-001,2024/05/03,携帯電話・PHS(音声),\"1,290,000\",150,sw_bug,https://www.soumu.go.jp/menu_news/s-news/01kiban05_02000001.html\n" +
		"\n" + // a blank row is no row
		"ＴＥＳＴネット,,令和6年5月4日 14時20分,ftth,30000,121,設定誤り,https://example.jp/news/2024/0504\n"
	reg := ReadRegister("public.csv", []byte(text))
	if reg.Problem != nil || len(reg.Rejected) != 0 {
		t.Fatalf("problem %+v, rejected %+v", reg.Problem, reg.Rejected)
	}
	want := []PublicFact{
		{Row: 2, OperatorName: "株式会社テスト通信", OperatorID: "A-001", OccurredOn: time.Date(2024, 5, 3, 0, 0, 0, 0, kensho.JST),
			Service: "voice_mobile", AffectedUsers: 1290000, DurationMin: 150, Cause: "sw_bug",
			SourceURL: "https://www.soumu.go.jp/menu_news/s-news/01kiban05_02000001.html"},
		{Row: 4, OperatorName: "TESTネット", OccurredOn: time.Date(2024, 5, 4, 0, 0, 0, 0, kensho.JST),
			Service: "ftth", AffectedUsers: 30000, DurationMin: 121, Cause: "config_error", SourceURL: "https://example.jp/news/2024/0504"},
	}
	if diff := cmp.Diff(want, reg.Facts); diff != "" {
		t.Errorf("facts (-want +got):\n%s", diff)
	}
	if reg.RowsRead != 2 || reg.Encoding != "utf-8" {
		t.Errorf("rows read %d, encoding %q", reg.RowsRead, reg.Encoding)
	}
}

// TestReadRegisterErrors: every error names the row, the column as
// written, the value, and says what to do in both languages; the other
// rows load.
func TestReadRegisterErrors(t *testing.T) {
	text := "operator_name,occurred_on,service,affected_users,duration_min,cause,source_url,note\n" +
		"Op,2024/13/40,fax,-5,two hours,sw_bug,ftp://x\n" +
		",2024-05-03,ftth,100,60,nonsense,https://ok.example/a\n" +
		"Op,2024-05-03,ftth,100,60,sw_bug,https://ok.example/b\n"
	reg := ReadRegister("reg.csv", []byte(text))
	if reg.Problem != nil {
		t.Fatal(reg.Problem)
	}
	type e struct {
		Row           int
		Column, Value string
		Code          string
	}
	var got []e
	for _, r := range reg.Rejected {
		for _, p := range r.Errs {
			got = append(got, e{p.Row, p.Column, p.Value, p.Code})
			if !strings.Contains(p.Msg.Ja, "。") || p.Msg.En == "" {
				t.Errorf("row %d %s: message %+v", p.Row, p.Column, p.Msg)
			}
			if p.Value != "" && (!strings.Contains(p.Msg.Ja, p.Value) || !strings.Contains(p.Msg.En, p.Value)) {
				t.Errorf("row %d %s: message does not show the value %q: %+v", p.Row, p.Column, p.Value, p.Msg)
			}
		}
	}
	want := []e{
		{2, "occurred_on", "2024/13/40", CodeBadDate},
		{2, "service", "fax", CodeUnknownCode},
		{2, "affected_users", "-5", CodeNegative},
		{2, "duration_min", "two hours", CodeBadInteger},
		{2, "source_url", "ftp://x", CodeBadURL},
		{3, "operator_name", "", CodeMissingValue},
		{3, "cause", "nonsense", CodeUnknownCode},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if reg.RowsRead != 3 || len(reg.Facts) != 1 || reg.Facts[0].Row != 4 {
		t.Errorf("rows read %d, facts %+v", reg.RowsRead, reg.Facts)
	}
	if len(reg.Warnings) != 1 || reg.Warnings[0].Code != CodeRegisterUnknownColumn || reg.Warnings[0].Column != "note" {
		t.Errorf("warnings %+v", reg.Warnings)
	}
	if raw := reg.Rejected[0].Raw; len(raw) != 7 || raw[1] != [2]string{"occurred_on", "2024/13/40"} {
		t.Errorf("raw %v", raw)
	}
	ja := reg.Rejected[0].Errs[1].Msg.Ja
	if !strings.Contains(ja, "役務区分") || !strings.Contains(ja, "携帯電話") {
		t.Errorf("unknown code message lists no choices: %s", ja)
	}
}

func TestReadRegisterRejected(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		code string
	}{
		{"missing columns", []byte("事業者名,発生日\nA,2024/05/03\n"), CodeRegisterMissingColumn},
		{"empty", []byte("\n\n"), CodeRegisterMissingColumn},
		{"workbook", []byte("PK\x03\x04rest"), CodeRegisterNotCSV},
		{"neither utf-8 nor cp932", []byte{0x81, 0x20, 0xff, 0xfe, 0x80}, CodeBadEncoding},
		{"duplicate column", []byte(strings.TrimSuffix(registerHeader, "\n") + ",service\n"), CodeDuplicateColumn},
	} {
		reg := ReadRegister("x.csv", tc.data)
		if reg.Problem == nil || reg.Problem.Code != tc.code {
			t.Errorf("%s: problem %+v, want %s", tc.name, reg.Problem, tc.code)
			continue
		}
		if !strings.Contains(reg.Problem.Msg.Ja, "x.csv") || !strings.Contains(reg.Problem.Msg.En, "x.csv") {
			t.Errorf("%s: message does not name the file: %+v", tc.name, reg.Problem.Msg)
		}
	}
}

// TestReadRegisterCP932: a register saved by Japanese Excel reads the same.
func TestReadRegisterCP932(t *testing.T) {
	utf := registerHeader + "テスト通信,,2024/05/03,ftth,30000,121,sw_bug,https://example.jp/n\n"
	enc, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(utf))
	if err != nil {
		t.Fatal(err)
	}
	reg := ReadRegister("sjis.csv", enc)
	if reg.Problem != nil || len(reg.Facts) != 1 || reg.Encoding != "cp932" || reg.Facts[0].OperatorName != "テスト通信" {
		t.Fatalf("%+v", reg)
	}
}

// TestRegisterDocumented holds docs/public-facts.md to
// kensho.PublicFactColumns: every column's headers and whether it is
// required, in one row of the table.
func TestRegisterDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/public-facts.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) > 4 {
			rows[strings.TrimSpace(cells[3])] = line
		}
	}
	for _, c := range kensho.PublicFactColumns {
		line, ok := rows[c.Field]
		if !ok {
			t.Errorf("docs/public-facts.md has no row for %s", c.Field)
			continue
		}
		req := "| no |"
		if c.Required {
			req = "| yes |"
		}
		if !strings.Contains(line, "| "+c.HeaderJa+" |") || !strings.Contains(line, req) {
			t.Errorf("docs/public-facts.md row of %s: %s", c.Field, line)
		}
		for _, a := range c.Aliases {
			if !strings.Contains(line, a) {
				t.Errorf("docs/public-facts.md row of %s lacks the alias %s", c.Field, a)
			}
		}
	}
}

// FuzzReadRegister: any bytes are read or rejected without a panic; the
// rows add up, every fact holds codes of its lists, a day, counts of 0 or
// more and an http(s) address, and every error names its row.
func FuzzReadRegister(f *testing.F) {
	f.Add([]byte(registerHeader + "A,,2024/05/03,ftth,\"30,000\",121,sw_bug,https://x.example/a\n"))
	f.Add([]byte(registerHeader + "A,,令和6年5月3日,携帯電話(データ通信),３００００,121,不明,http://x.example/\"\n,,\n"))
	f.Add([]byte("operator_name,occurred_on,service,affected_users,duration_min,cause,source_url\r\nA,x,y,-1,z,w,ftp://\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := ReadRegister("f.csv", data)
		if r.Problem != nil {
			if len(r.Facts)+len(r.Rejected) != 0 {
				t.Fatalf("rejected file with rows: %+v", r)
			}
			return
		}
		if r.RowsRead != len(r.Facts)+len(r.Rejected) {
			t.Fatalf("%d rows read, %d facts, %d rejected", r.RowsRead, len(r.Facts), len(r.Rejected))
		}
		for _, x := range r.Facts {
			if x.OperatorName == "" || x.OccurredOn.IsZero() || !kensho.Services.Has(x.Service) || !kensho.Causes.Has(x.Cause) ||
				x.AffectedUsers < 0 || x.DurationMin < 0 {
				t.Fatalf("fact %+v", x)
			}
			if _, ok := publicURL(x.SourceURL); !ok {
				t.Fatalf("fact with address %q", x.SourceURL)
			}
		}
		for _, q := range r.Rejected {
			if len(q.Errs) == 0 {
				t.Fatalf("row %d rejected without an error", q.Row)
			}
			for _, e := range q.Errs {
				if e.Row != q.Row || e.Msg.Ja == "" || e.Msg.En == "" {
					t.Fatalf("error %+v of row %d", e, q.Row)
				}
			}
		}
	})
}

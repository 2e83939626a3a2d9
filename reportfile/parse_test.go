package reportfile

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/gen"
)

func TestParseInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"30000", 30000, true},
		{" 30,000 ", 30000, true},
		{"30，000", 30000, true},
		{"３０，０００", 30000, true},
		{"1,234,567", 1234567, true},
		{"-5", -5, true},
		{"−5", -5, true}, // U+2212 minus sign
		{"+7", 7, true},
		{"0", 0, true},
		{"3,0000", 0, false},
		{"1234,567", 0, false},
		{",123", 0, false},
		{"123,", 0, false},
		{"1.5", 0, false},
		{"3万", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{"99999999999999999999", 0, false},
		{"１２３、４５６", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseInt(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseInt(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseFiscalYear(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"2024", 2024, true},
		{"２０２４", 2024, true},
		{"2024年度", 2024, true},
		{"FY2024", 2024, true},
		{"令和6", 2024, true},
		{"令和６年度", 2024, true},
		{"令和元年度", 2019, true},
		{"平成27", 2015, true},
		{"24", 0, false},
		{"令和", 0, false},
		{"令和-1", 0, false},
		{"1900", 0, false},
		{"2O24", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseFiscalYear(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseFiscalYear(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseQuarter(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1", 1, true}, {"４", 4, true}, {"第2四半期", 2, true}, {"Q3", 3, true}, {"3Q", 3, true},
		{"0", 0, false}, {"5", 0, false}, {"12", 0, false}, {"", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseQuarter(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseQuarter(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	jst := func(y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, kensho.JST)
	}
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2024/05/03 14:20", jst(2024, 5, 3, 14, 20, 0), true},
		{"2024-05-03 14:20", jst(2024, 5, 3, 14, 20, 0), true},
		{"2024/5/3 4:05", jst(2024, 5, 3, 4, 5, 0), true},
		{"2024.5.3 14:20:30", jst(2024, 5, 3, 14, 20, 30), true},
		{"2024-05-03T14:20:00+09:00", jst(2024, 5, 3, 14, 20, 0), true},
		{"2024-05-03T05:20:00Z", jst(2024, 5, 3, 14, 20, 0), true},
		{"2024-05-03T14:20:00+0900", jst(2024, 5, 3, 14, 20, 0), true},
		{"2024-05-03T06:20:00+01:00", jst(2024, 5, 3, 14, 20, 0), true},
		{"2024-05-03 14:20 JST", jst(2024, 5, 3, 14, 20, 0), true},
		{"2024年5月3日 14時20分", jst(2024, 5, 3, 14, 20, 0), true},
		{"2024年5月3日14時20分30秒", jst(2024, 5, 3, 14, 20, 30), true},
		{"令和6年5月3日 14時20分", jst(2024, 5, 3, 14, 20, 0), true},
		{"令和元年5月1日 0時00分", jst(2019, 5, 1, 0, 0, 0), true},
		{"平成31年4月30日 23:59", jst(2019, 4, 30, 23, 59, 0), true},
		{"２０２４／０５／０３　１４：２０", jst(2024, 5, 3, 14, 20, 0), true},
		{"2024/5/3(金) 14:20", jst(2024, 5, 3, 14, 20, 0), true},
		{" 2024/05/03 14:20 ", jst(2024, 5, 3, 14, 20, 0), true},
		{"2024/05/03", time.Time{}, false},
		{"2024/02/30 10:00", time.Time{}, false},
		{"2024/13/01 10:00", time.Time{}, false},
		{"2024/05/03 24:00", time.Time{}, false},
		{"2024/05/03 14:60", time.Time{}, false},
		{"24/05/03 14:20", time.Time{}, false},
		{"2024/05/0314:20", time.Time{}, false},
		{"2024-05-03T14:20:00+25:00", time.Time{}, false},
		{"45415.5972222", time.Time{}, false}, // a serial is XLSX only (xlsxCell)
		{"昨日", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := parseDateTime(tt.in)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("parseDateTime(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
		if ok && got.Location() != kensho.JST {
			t.Errorf("parseDateTime(%q) in %v, want JST", tt.in, got.Location())
		}
	}
}

func TestXLSXCell(t *testing.T) {
	tests := []struct {
		kind cellKind
		in   string
		want string
	}{
		{kindDateTime, "45415.597222222219", "2024/05/03 14:20"},
		{kindDateTime, "45415.5972337963", "2024/05/03 14:20:01"},
		{kindDateTime, "45415", "2024/05/03 00:00"},
		{kindDateTime, "2024/05/03 14:20", "2024/05/03 14:20"},
		{kindDateTime, "60", "60"}, // before 1 March 1900: not a date this reader trusts
		{kindInt, "30000", "30000"},
		{kindInt, "30000.0", "30000"},
		{kindInt, "3E+4", "30000"},
		{kindInt, "1.5", "1.5"},
		{kindText, "1.0", "1.0"},
	}
	for _, tt := range tests {
		if got := xlsxCell(tt.kind, tt.in); got != tt.want {
			t.Errorf("xlsxCell(%d, %q) = %q, want %q", tt.kind, tt.in, got, tt.want)
		}
	}
}

func TestParsePrefectures(t *testing.T) {
	tests := []struct {
		in   string
		want prefectureList
	}{
		{"東京都、神奈川県", prefectureList{codes: []string{"13", "14"}}},
		{"神奈川,東京,東京都", prefectureList{codes: []string{"13", "14"}}},
		{"Tokyo; Osaka", prefectureList{codes: []string{"13", "27"}}},
		{"01/47", prefectureList{codes: []string{"01", "47"}}},
		{"全国", prefectureList{nationwide: true}},
		{"全国、東京都", prefectureList{codes: []string{"13"}, nationwide: true, mixed: true}},
		{"東京都、大坂", prefectureList{codes: []string{"13"}, unknown: []string{"大坂"}}},
	}
	for _, tt := range tests {
		got := parsePrefectures(tt.in)
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(prefectureList{})); diff != "" {
			t.Errorf("parsePrefectures(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestTrimCell(t *testing.T) {
	for in, want := range map[string]string{
		"a": "a", " a ": "a", "\u3000東京\u3000": "東京", "\u00a0x\t": "x", "": "", "東": "東", "  ": "",
	} {
		if got := trimCell(in); got != want {
			t.Errorf("trimCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFastXLSXMatchesExcelize reads workbooks with the fast scanner and
// with excelize: every non-blank row must come back the same, with the
// same row number.
func TestFastXLSXMatchesExcelize(t *testing.T) {
	var gen500 bytes.Buffer
	if err := gen.WriteXLSX(&gen500, 500, 7); err != nil {
		t.Fatal(err)
	}
	fixture, err := os.ReadFile("../ingest/testdata/title_block.xlsx") // written by ingest's TestXLSXFixture
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		N     int
		Cells []string
	}
	read := func(data []byte, slow bool) (string, []row) {
		lay, src, sheet, fp := openXLSX("f.xlsx", data, slow)
		if fp != nil {
			t.Fatal(fp.Msg.En)
		}
		defer src.close()
		if (src.fast != nil) == slow {
			t.Fatalf("slow=%v but fast=%v", slow, src.fast != nil)
		}
		out := []row{{lay.headerRow, lay.headers}}
		for {
			rows, err := src.next(nil, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) == 0 {
				return sheet, out
			}
			for _, r := range rows {
				c := r.cells
				if r.xml != nil {
					if c, err = src.rowCells(r.row, r.xml); err != nil {
						t.Fatal(err)
					}
				}
				for len(c) > 0 && c[len(c)-1] == "" {
					c = c[:len(c)-1]
				}
				if len(c) > 0 {
					out = append(out, row{r.row, c})
				}
			}
		}
	}
	for name, data := range map[string][]byte{"generated": gen500.Bytes(), "fixture": fixture} {
		fastSheet, fast := read(data, false)
		slowSheet, slow := read(data, true)
		if fastSheet != slowSheet {
			t.Errorf("%s: sheet %q vs %q", name, fastSheet, slowSheet)
		}
		if diff := cmp.Diff(slow, fast); diff != "" {
			t.Errorf("%s: (-excelize +fast):\n%s", name, diff)
		}
		if len(fast) < 5 {
			t.Errorf("%s: only %d rows", name, len(fast))
		}
	}
}

func TestSheetXMLPieces(t *testing.T) {
	shared, err := parseSharedStrings([]byte(`<sst><si><t>a&amp;b</t></si><si><r><t>東</t></r><r><t xml:space="preserve">京 </t></r>` +
		`<rPh sb="0" eb="1"><t>トウ</t></rPh></si><si/><si><t>x_x000D_y</t></si></sst>`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a&b", "東京 ", "", "x\ry"}, shared); diff != "" {
		t.Errorf("shared strings (-want +got):\n%s", diff)
	}
	sheet := `<?xml version="1.0"?><x:worksheet><x:sheetData><x:row r="2"><x:c r="B2" t="s"><x:v>1</x:v></x:c>` +
		`<x:c r="D2" t="inlineStr"><x:is><x:t>in&lt;line</x:t></x:is></x:c><x:c r="E2"><x:f>1+1</x:f><x:v>2</x:v></x:c>` +
		`<x:c r="F2" t="b"><x:v>1</x:v></x:c></x:row><x:row r="4"/><x:row><x:c><x:v>3.5</x:v></x:c><x:c/></x:row>` +
		`</x:sheetData></x:worksheet>`
	sc := newSheetScanner(strings.NewReader(sheet), "xl/worksheets/sheet1.xml", shared, 0)
	type row struct {
		N     int
		Cells []string
	}
	var got []row
	for {
		n, cells, ok, err := sc.next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		got = append(got, row{n, cells})
	}
	want := []row{{2, []string{"", "東京 ", "", "in<line", "2", "1"}}, {4, nil}, {5, []string{"3.5"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

// TestSheetCells pins the values the fast scanner reads from cells, both
// the plain shapes it reads without a copy of each tag (a <v>, an inline
// string of one <t> run, with or without xml:space) and those that take
// the general path (entities, rich text runs, phonetic runs, prefixes).
func TestSheetCells(t *testing.T) {
	for _, tc := range []struct {
		name, cells string
		want        []string
	}{
		{"value", `<c r="A1"><v>42</v></c>`, []string{"42"}},
		{"shared", `<c r="B1" t="s"><v>1</v></c>`, []string{"", "s1"}},
		{"inline", `<c r="A1" t="inlineStr"><is><t>報告</t></is></c>`, []string{"報告"}},
		{"inline preserve", `<c r="A1" t="inlineStr"><is><t xml:space="preserve"> a b </t></is></c>`, []string{" a b "}},
		{"inline entity", `<c r="A1" t="inlineStr"><is><t>a&amp;b&lt;c</t></is></c>`, []string{"a&b<c"}},
		{"rich text", `<c r="A1" t="inlineStr"><is><r><t>ab</t></r><r><rPr><b/></rPr><t>cd</t></r></is></c>`, []string{"abcd"}},
		{"phonetic", `<c r="A1" t="inlineStr"><is><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></is></c>`, []string{"東京"}},
		{"prefixed", `<x:c r="A1" t="inlineStr"><x:is><x:t>p</x:t></x:is></x:c>`, []string{"p"}},
		{"ooxml escape", `<c r="A1" t="inlineStr"><is><t>a_x000D_b</t></is></c>`, []string{"a\rb"}},
		{"attribute entity", `<c r="A1" t="inline&#83;tr"><is><t>q</t></is></c>`, []string{"q"}},
		{"spaced attributes", "<c  r = 'C1'\n t=\"inlineStr\"><is><t>z</t></is></c>", []string{"", "", "z"}},
		{"no reference", `<c><v>1</v></c><c t="inlineStr"><is><t>2</t></is></c>`, []string{"1", "2"}},
		{"empty", `<c r="A1"/><c r="B1" t="inlineStr"><is><t></t></is></c>`, []string{"", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sheet := `<worksheet><sheetData><row r="1">` + tc.cells + `</row></sheetData></worksheet>`
			sc := newSheetScanner(strings.NewReader(sheet), "xl/worksheets/sheet1.xml", []string{"s0", "s1"}, 0)
			row, cells, ok, err := sc.next()
			if err != nil || !ok || row != 1 {
				t.Fatalf("row %d ok %v err %v", row, ok, err)
			}
			if diff := cmp.Diff(tc.want, cells); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

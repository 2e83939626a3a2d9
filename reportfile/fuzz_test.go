package reportfile

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/gen"
)

// FuzzParseDateTime: never panics; what it reads is a JST time that reads
// back the same when written in the plainest layout.
func FuzzParseDateTime(f *testing.F) {
	for _, s := range []string{"2024/05/03 14:20", "令和6年5月3日 14時20分", "2024-05-03T14:20:00+09:00",
		"２０２４／５／３ １４：２０", "2024/5/3(金) 4:05:06.5Z", "平成31年4月30日23時59分59秒"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseDateTime(s)
		if !ok {
			return
		}
		if got.Location() != kensho.JST {
			t.Fatalf("%q: zone %v", s, got.Location())
		}
		again, ok := parseDateTime(got.Format("2006-01-02 15:04:05.999999999"))
		if !ok || !again.Equal(got) {
			t.Fatalf("%q read as %v, which reads back as %v, %v", s, got, again, ok)
		}
	})
}

// FuzzXLSXCell: a raw XLSX value of any column kind becomes text without
// panicking; a date-time column's serial becomes text that parseDateTime
// reads, and an integer column's integral number an integer parseInt reads.
func FuzzXLSXCell(f *testing.F) {
	for _, s := range []string{"45415.597222222219", "45415", "30000.0", "3E+4", "1e308", "-0", "NaN", "2024/05/03 14:20"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if got := xlsxCell(kindText, raw); got != raw {
			t.Fatalf("text cell %q changed to %q", raw, got)
		}
		if got := xlsxCell(kindDateTime, raw); got != raw {
			if _, ok := parseDateTime(got); !ok {
				t.Fatalf("serial %q became %q, which does not read", raw, got)
			}
		}
		if got := xlsxCell(kindInt, raw); got != raw {
			if _, ok := parseInt(got); !ok {
				t.Fatalf("number %q became %q, which does not read", raw, got)
			}
		}
	})
}

// FuzzParseInt: never panics; what it reads, written plainly or with
// separators, reads back.
func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"30,000", "３０，０００", "-5", "1,234,567", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := parseInt(s)
		if !ok {
			return
		}
		for _, w := range []string{strconv.FormatInt(v, 10), Thousands(v)} {
			if back, ok := parseInt(w); !ok || back != v {
				t.Fatalf("%q read as %d; %q reads back as %d, %v", s, v, w, back, ok)
			}
		}
	})
}

// FuzzSheetXML: the fast XLSX scanner reads any worksheet XML without
// panicking; what it cannot read is an error (and excelize reads the
// workbook instead), never a wrong row number.
func FuzzSheetXML(f *testing.F) {
	for _, s := range []string{
		`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`,
		`<x:sheetData><x:row><x:c t="inlineStr"><x:is><x:t>a&amp;b</x:t></x:is></x:c></x:row><x:row r="9"/></x:sheetData>`,
		`<sheetData><row r="2"><c r="XFD2"><f>1</f><v>2</v></c><c/></row>`,
		`<sheetData><row r="x">`, `<!-- c --><sheetData/>`,
	} {
		f.Add(s)
	}
	f.Add(`<sheetData><row r="3"><c r="B3" s="2" t="s"><v>1</v></c><c r="C3" t="inlineStr"><is><t xml:space="preserve"> a </t></is></c>` +
		`<c r="D3" t="str"><v>_x000D_</v></c><c r="E3" t="inlineStr"><is><t>&lt;</t></is></c><c r="F3" t="b"><v>1</v></c></row></sheetData>`)
	f.Fuzz(func(t *testing.T, sheet string) {
		// The cells read by prefix (plainCell) are the cells the general
		// path reads; and a buffer too small for the part grows.
		sc := newSheetScanner(strings.NewReader(sheet), "xl/worksheets/sheet1.xml", []string{"s0", "s1"}, int64(len(sheet)/3))
		general := newSheetScanner(strings.NewReader(sheet), "xl/worksheets/sheet1.xml", []string{"s0", "s1"}, 0)
		general.generalOnly = true
		for i := 0; i < 1000; i++ {
			row, cells, ok, err := sc.next()
			grow, gcells, gok, gerr := general.next()
			if err == nil && gerr == nil && (row != grow || ok != gok || !slices.Equal(cells, gcells)) {
				t.Fatalf("row %d %q, the general path reads row %d %q", row, cells, grow, gcells)
			}
			if err != nil || !ok {
				return
			}
			if row <= 0 || len(cells) > 16384 {
				t.Fatalf("row %d with %d cells", row, len(cells))
			}
		}
	})
}

// FuzzSharedStrings: the shared strings part is read without panicking,
// never into more strings than it has <si> elements, and a plain string
// (no markup, no control character) reads back as written.
func FuzzSharedStrings(f *testing.F) {
	for _, s := range []string{"x", "a&amp;b", "_x000D_", "<r><t>a</t></r>", "", "テレコム<rPh><t>テ</t></rPh>"} {
		f.Add(`<sst><si><t>`+s+`</t></si><si/></sst>`, s)
	}
	f.Fuzz(func(t *testing.T, part, plain string) {
		got, err := parseSharedStrings([]byte(part))
		if err == nil && len(got) > strings.Count(part, "<si") {
			t.Fatalf("%d strings from %d <si>", len(got), strings.Count(part, "<si"))
		}
		if strings.ContainsAny(plain, "<>&\r\n\t\x00") || strings.Contains(plain, "_x") || !utf8.ValidString(plain) {
			return
		}
		for _, r := range plain {
			if r < 0x20 {
				return
			}
		}
		got, err = parseSharedStrings([]byte(`<sst><si><t>` + plain + `</t></si></sst>`))
		if err != nil || len(got) != 1 || got[0] != plain {
			t.Fatalf("%q read back as %q, %v", plain, got, err)
		}
	})
}

// FuzzWorkbookParts: a workbook whose workbook.xml, its relationships and
// its shared strings are anything is opened or refused without panicking.
func FuzzWorkbookParts(f *testing.F) {
	f.Add(`<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="報告" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		`<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml"/></Relationships>`,
		`<sst><si><t>報告事業者名</t></si></sst>`)
	f.Add(`<workbook><sheets/></workbook>`, `<Relationships/>`, ``)
	f.Add(`<workbook><sheets><sheet r:id="x"/></sheets>`, `<Relationships><Relationship Id="x" Target="../../../etc"/>`, `<sst>`)
	f.Fuzz(func(t *testing.T, workbook, rels, shared string) {
		data := zipOf(t, map[string]string{
			"xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": rels, "xl/sharedStrings.xml": shared,
			"xl/worksheets/sheet1.xml": `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`,
		})
		checkDoesNotPanic(t, "fuzz.xlsx", data)
	})
}

// FuzzXLSXFile: any bytes named .xlsx are read or refused, never with an
// internal error (a panic the reader caught).
func FuzzXLSXFile(f *testing.F) {
	var good bytes.Buffer
	if err := gen.WriteXLSX(&good, 3, 1); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add(good.Bytes()[:len(good.Bytes())/2])
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDoesNotPanic(t, "fuzz.xlsx", data)
	})
}

// checkDoesNotPanic checks a file: it must give a result, not an error,
// and no internal error.
func checkDoesNotPanic(t *testing.T, name string, data []byte) {
	t.Helper()
	res, err := Open(name, data).Check(context.Background(), (&countSink{}).options())
	if err != nil {
		t.Fatal(err)
	}
	if res.Problem != nil && res.Problem.Code == CodeInternalError {
		t.Fatalf("internal error: %s", res.Problem.Msg.En)
	}
}

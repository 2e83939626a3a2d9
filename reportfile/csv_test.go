package reportfile

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
)

// scanned is a record as the scanner and splitter read it.
type scanned struct {
	Row    int
	Cells  []string
	Broken bool
}

func scanAll(text string) []scanned {
	sc := &csvScanner{text: text}
	var out []scanned
	for {
		rec, row, broken, ok := sc.next()
		if !ok {
			return out
		}
		cells, _ := splitRecord(rec, nil)
		out = append(out, scanned{row, cells, broken})
	}
}

func TestCSVScanner(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []scanned
	}{
		{"lf", "a,b\nc,d\n", []scanned{{1, []string{"a", "b"}, false}, {2, []string{"c", "d"}, false}}},
		{"crlf no final newline", "a,b\r\nc,d", []scanned{{1, []string{"a", "b"}, false}, {2, []string{"c", "d"}, false}}},
		{"blank rows count", "a\n\n\nb\n", []scanned{{1, []string{"a"}, false}, {2, []string{""}, false},
			{3, []string{""}, false}, {4, []string{"b"}, false}}},
		{"quoted comma and quote", `"a,b","say ""hi""",c` + "\n", []scanned{{1, []string{"a,b", `say "hi"`, "c"}, false}}},
		{"line break in quotes is one row", "\"x\ny\",z\nnext\n", []scanned{{1, []string{"x\ny", "z"}, false},
			{2, []string{"next"}, false}}},
		{"crlf in quotes kept", "\"x\r\ny\"\r\nnext\r\n", []scanned{{1, []string{"x\r\ny"}, false}, {2, []string{"next"}, false}}},
		{"bare quote is text", "5\" disk,b\nc\n", []scanned{{1, []string{`5" disk`, "b"}, false}, {2, []string{"c"}, false}}},
		{"text after closing quote", `"ab"c,d` + "\n", []scanned{{1, []string{"abc", "d"}, false}}},
		{"empty cells", ",,\n", []scanned{{1, []string{"", "", ""}, false}}},
		{"empty quoted", `"",x` + "\n", []scanned{{1, []string{"", "x"}, false}}},
		{"unclosed quote breaks one row", "a,\"open\nb,c\nd\n", []scanned{{1, []string{"a", "open"}, true},
			{2, []string{"b", "c"}, false}, {3, []string{"d"}, false}}},
		{"unclosed at end", "a\n\"", []scanned{{1, []string{"a"}, false}, {2, []string{""}, true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, scanAll(tt.in)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeCSV(t *testing.T) {
	sjis, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte("見出し,髙①\n値,～\n"))
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte("見出し\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		in       []byte
		text     string
		encoding string
		code     string
	}{
		{"utf-8", []byte("見出し\n"), "見出し\n", encUTF8, ""},
		{"utf-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, "見出し\n"...), "見出し\n", encUTF8, ""},
		{"ascii", []byte("a,b\n"), "a,b\n", encUTF8, ""},
		{"cp932", sjis, "見出し,髙①\n値,～\n", encCP932, ""},
		{"utf-16", utf16, "", "", CodeBadEncoding},
		{"neither", []byte("ok\n\x82\xff\n"), "", "", CodeBadEncoding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, enc, fp := decodeCSV("f.csv", tt.in)
			code := ""
			if fp != nil {
				code = fp.Code
				if !strings.Contains(fp.Msg.Ja, "f.csv") || !strings.Contains(fp.Msg.En, "f.csv") {
					t.Errorf("message does not name the file: %+v", fp.Msg)
				}
			}
			if text != tt.text || enc != tt.encoding || code != tt.code {
				t.Errorf("got %q, %q, %q; want %q, %q, %q", text, enc, code, tt.text, tt.encoding, tt.code)
			}
		})
	}
}

// TestValidUTF8Parallel checks the parallel check on pieces cut inside
// multi-byte characters.
func TestValidUTF8Parallel(t *testing.T) {
	good := bytes.Repeat([]byte("報告a"), 1<<19)
	if !validUTF8(good) {
		t.Error("valid text reported invalid")
	}
	bad := append([]byte(nil), good...)
	bad[len(bad)/2] = 0xFF
	if validUTF8(bad) {
		t.Error("invalid text reported valid")
	}
	cut := append([]byte(nil), good[:len(good)-2]...) // ends inside 報
	if validUTF8(cut) != utf8.Valid(cut) {
		t.Error("disagrees with utf8.Valid at the end")
	}
}

// FuzzCSV: any input scans and splits without panicking, rows are
// numbered 1, 2, 3, ...; and records written by encoding/csv come back
// cell for cell.
func FuzzCSV(f *testing.F) {
	for _, s := range []string{"a,b\nc\n", "\"x\ny\",\"\"\"\"\r\n", "a,\"b\n", "\"\"\"", ",,\n\n", "5\" x,y"} {
		f.Add(s, "a\"b", "c\nd")
	}
	f.Fuzz(func(t *testing.T, in, c1, c2 string) {
		for i, r := range scanAll(in) {
			if r.Row != i+1 {
				t.Fatalf("record %d numbered %d", i, r.Row)
			}
		}
		if !utf8.ValidString(c1) || !utf8.ValidString(c2) {
			return
		}
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		rec := []string{c1, c2, "end"}
		w.Write(rec)
		w.Flush()
		// encoding/csv writes \r inside a quoted cell as is, and so
		// keeps \r\n; it only may not start a cell with a bare quote
		// unquoted, which it never does.
		got := scanAll(b.String())
		if len(got) != 1 || got[0].Broken {
			t.Fatalf("%q: got %+v", b.String(), got)
		}
		if diff := cmp.Diff(rec, got[0].Cells); diff != "" {
			t.Fatalf("%q (-want +got):\n%s", b.String(), diff)
		}
	})
}

// FuzzCP932: any bytes either decode (to valid UTF-8, in a known
// encoding) or are rejected with a message naming the file; never a panic.
// The table decoder agrees with golang.org/x/text on every input.
func FuzzCP932(f *testing.F) {
	for _, s := range []string{"見出し,値\n", "\x82\xa0,\x87\x40\n", "\x82", "\xff\xfe", "\xef\xbb\xbfa", "\xa0\x80\xfd"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		ref, err := japanese.ShiftJIS.NewDecoder().Bytes(in)
		refOK := err == nil && !bytes.ContainsRune(ref, utf8.RuneError)
		n, bad := decodeSJIS(nil, in)
		if refOK != (bad < 0) {
			t.Fatalf("%q: x/text ok %v, table decoder bad at %d", in, refOK, bad)
		}
		if refOK {
			got := make([]byte, n)
			decodeSJIS(got, in)
			if !bytes.Equal(got, ref) {
				t.Fatalf("%q: got %q, x/text %q", in, got, ref)
			}
		}
		text, enc, fp := decodeCSV("f.csv", in)
		if fp != nil {
			if fp.Code != CodeBadEncoding || !strings.Contains(fp.Msg.En, "f.csv") {
				t.Fatalf("bad rejection %+v", fp)
			}
			return
		}
		if !utf8.ValidString(text) {
			t.Fatalf("%q decoded to invalid UTF-8", in)
		}
		switch enc {
		case encUTF8:
			if !utf8.Valid(in) {
				t.Fatalf("invalid UTF-8 taken for UTF-8: %q", in)
			}
		case encCP932:
			if utf8.Valid(in) || strings.ContainsRune(text, utf8.RuneError) {
				t.Fatalf("%q taken for CP932 as %q", in, text)
			}
		default:
			t.Fatalf("encoding %q", enc)
		}
	})
}

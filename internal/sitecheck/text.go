package sitecheck

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// JapaneseOutsideJa lists the text of a page that is written in Japanese
// but not inside an element marked lang="ja" (scripts and styles aside), and
// the alt, title, aria-label and content attributes the same way: what a
// screen reader set to the page's language would read wrongly.
func JapaneseOutsideJa(n *html.Node) []string {
	var out []string
	var visit func(n *html.Node, ja bool)
	visit = func(n *html.Node, ja bool) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "lang" {
					ja = a.Val == "ja" || strings.HasPrefix(a.Val, "ja-")
				}
			}
			if n.DataAtom == atom.Script || n.DataAtom == atom.Style {
				return
			}
			if !ja {
				for _, a := range n.Attr {
					switch a.Key {
					case "alt", "title", "aria-label", "content":
						if HasJapanese(a.Val) {
							out = append(out, "<"+n.Data+" "+a.Key+"="+a.Val+">")
						}
					}
				}
			}
		}
		if n.Type == html.TextNode && !ja && HasJapanese(n.Data) {
			out = append(out, strings.TrimSpace(n.Data))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c, ja)
		}
	}
	visit(n, false)
	return out
}

// HasJapanese reports whether s holds a kana, a kanji or a full-width form.
func HasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef) {
			return true
		}
	}
	return false
}

// plainNumber is a cell a spreadsheet reads as a number, never a formula.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// FormulaCells lists every cell of every CSV file below dir that a
// spreadsheet would run as a formula: one that begins with =, +, -, @, a
// tab or a carriage return and is not a plain number (OWASP's rule). It
// also returns how many CSV files it read.
func FormulaCells(dir string) (cells []string, files int, err error) {
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".csv") {
			return err
		}
		files++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		for i, rec := range recs {
			for j, c := range rec {
				if c != "" && strings.IndexByte("=+-@\t\r", c[0]) >= 0 && !plainNumber.MatchString(c) {
					cells = append(cells, fmt.Sprintf("%s: record %d field %d: %q", filepath.ToSlash(rel), i+1, j+1, c))
				}
			}
		}
		return nil
	})
	return cells, files, err
}

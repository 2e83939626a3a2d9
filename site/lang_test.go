package site_test

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// japaneseOutsideJa lists the text of a page that is written in Japanese
// but not inside an element marked lang="ja" (scripts and styles aside),
// and alt, title and aria-label attributes the same way.
func japaneseOutsideJa(n *html.Node) []string {
	var out []string
	var visit func(n *html.Node, ja bool)
	visit = func(n *html.Node, ja bool) {
		if n.Type == html.ElementNode {
			if l, ok := attr(n, "lang"); ok {
				ja = l == "ja" || strings.HasPrefix(l, "ja-")
			}
			if n.DataAtom == atom.Script || n.DataAtom == atom.Style {
				return
			}
			if !ja {
				for _, a := range []string{"alt", "title", "aria-label", "content"} {
					if v, ok := attr(n, a); ok && hasJapanese(v) {
						out = append(out, "<"+n.Data+" "+a+"="+v+">")
					}
				}
			}
		}
		if n.Type == html.TextNode && !ja && hasJapanese(n.Data) {
			out = append(out, strings.TrimSpace(n.Data))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c, ja)
		}
	}
	visit(n, false)
	return out
}

// hasJapanese reports whether s holds a kana, a kanji or a full-width form.
func hasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef) {
			return true
		}
	}
	return false
}

// TestEnglishPagesSpeakEnglish: every page under en/ holds no Japanese
// text outside an element marked lang="ja" (a Japanese name, marked so that
// a screen reader reads it in Japanese).
func TestEnglishPagesSpeakEnglish(t *testing.T) {
	for _, p := range pages(t, siteDir) {
		if !strings.HasPrefix(p, "en/") {
			continue
		}
		d := parsePage(t, siteDir, p)
		seen := map[string]bool{}
		for _, s := range japaneseOutsideJa(d.root) {
			if !seen[s] {
				seen[s] = true
				t.Errorf("%s: Japanese outside lang=\"ja\": %q", p, s)
			}
		}
	}
}

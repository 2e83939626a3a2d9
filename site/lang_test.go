package site_test

import (
	"strings"
	"testing"

	"github.com/kensho-jp/kensho/internal/sitecheck"
)

// TestEnglishPagesSpeakEnglish: every page under en/ holds no Japanese
// text outside an element marked lang="ja" (a Japanese name or term,
// marked so that a screen reader reads it in Japanese).
func TestEnglishPagesSpeakEnglish(t *testing.T) {
	n := 0
	for _, p := range pages(t, siteDir) {
		if !strings.HasPrefix(p, "en/") {
			continue
		}
		n++
		seen := map[string]bool{}
		for _, s := range sitecheck.JapaneseOutsideJa(parsePage(t, siteDir, p).root) {
			if !seen[s] {
				seen[s] = true
				t.Errorf("%s: Japanese outside lang=\"ja\": %q", p, s)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d English pages", n)
	}
}

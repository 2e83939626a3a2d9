package sitecheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestIndependent: the checker imports nothing of the code that renders
// the site, so that the two cannot share a mistake.
func TestIndependent(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "github.com/kensho-jp/kensho" || strings.HasPrefix(dep, "github.com/kensho-jp/kensho/") && dep != "github.com/kensho-jp/kensho/internal/sitecheck" {
			t.Errorf("sitecheck imports %s", dep)
		}
	}
}

func TestJapaneseOutsideJa(t *testing.T) {
	doc, err := html.Parse(strings.NewReader(`<html lang="en"><head><meta name="description" content="総務省"><script>var s = "日本語";</script></head>
<body><p>The full form (<span lang="ja">省令</span>) and FY2024.</p><p>Bureau (総合通信局)</p><p lang="ja">電気通信 <b>事故</b></p><img alt="グラフ"></body></html>`))
	if err != nil {
		t.Fatal(err)
	}
	got := JapaneseOutsideJa(doc)
	want := []string{"<meta content=総務省>", "Bureau (総合通信局)", "<img alt=グラフ>"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("JapaneseOutsideJa = %q, want %q", got, want)
	}
}

func TestFormulaCells(t *testing.T) {
	dir := t.TempDir()
	csv := "\ufeffa,b,c\n-3.2,+4,=1+1\n'=x,@SUM(A1),\"\t1\"\n"
	if err := os.WriteFile(filepath.Join(dir, "t.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	cells, files, err := FormulaCells(dir)
	if err != nil || files != 1 || len(cells) != 3 {
		t.Errorf("FormulaCells = %q, %d files, %v; want the =, @ and tab cells of one file", cells, files, err)
	}
}

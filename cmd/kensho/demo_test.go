package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/kensho-jp/kensho/internal/sitecheck"
	"github.com/kensho-jp/kensho/reportfile"
)

// screenshots, when set, is where TestDemoSite leaves the screenshots the
// README shows (docs/screenshots): go test ./cmd/kensho -run TestDemoSite
// -screenshots ../../docs/screenshots.
var screenshots = flag.String("screenshots", "", "also write the README's screenshots of the demo site into `DIR`")

// demoSite and demoPages narrow TestDemoSite while working on the site: a
// site already built (make run: -demo-site ../../public) and the pages
// whose path matches a pattern.
var (
	demoSite  = flag.String("demo-site", "", "check the site in `DIR` instead of building the demo site")
	demoPages = flag.String("demo-pages", "", "check only the pages whose path matches `REGEXP`")
)

// Widths at which a reader sees the site: a phone and a laptop.
var widths = []int{390, 1366}

// A4's margins as the stylesheet sets them (@page), in points.
const (
	a4Top    = 14 * 72 / 25.4
	a4Bottom = 16 * 72 / 25.4
)

// TestDemoSite builds a site from the sample in data/ with the demo's
// flags (its last two fiscal years unless KENSHO_FULL=1; make run's demo is
// the same site at national volume, -demo-site checks it), and looks at it
// as its readers do. In chromium, every page at 390
// and 1366 px: nothing overflows the window or its box, no table's numbers
// are off-screen without a scroll container, every category of a bar chart
// shows a bar or a mark that it is withheld, no chart's description reads
// NaN or "series count". On paper (chromium's PDF): the annual reports have
// page numbers, no page but the last is more than half blank, and nothing
// laid out for the page is wider than it (it would be cut off). Every
// page under en/ holds no Japanese outside lang="ja"; no CSV cell would run
// as a formula in a spreadsheet.
func TestDemoSite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo site and opens every page in chromium")
	}
	exe := sitecheck.Chromium()
	if exe == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed; CI must install Debian's chromium (apt-get install -y chromium fonts-noto-cjk)")
		}
		t.Skip("chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
	}
	tmp := t.TempDir()
	out := filepath.Join(tmp, "public")
	if *demoSite != "" {
		out = *demoSite
	} else {
		// The whole sample with KENSHO_FULL=1; in make test and CI its
		// last two fiscal years, which hold every kind of page.
		in := []string{filepath.Join("..", "..", "data")}
		if os.Getenv("KENSHO_FULL") != "1" {
			in = []string{filepath.Join("..", "..", "data", "FY2023"), filepath.Join("..", "..", "data", "FY2024")}
		}
		args := append([]string{"build", "--in"}, in...)
		// The sample's register (entries of the years left out match
		// nothing and are only counted).
		args = append(args, "--public", filepath.Join("..", "..", "register", "public-facts.csv"))
		args = append(args, "--out", out, "--db", filepath.Join(tmp, "k.duckdb"),
			"--synthetic", "--publisher", "kensho デモ(合成データ)|kensho demo (synthetic data)", "--contact", "demo@kensho.example")
		if _, stderr, err := runKensho(t, args...); err != nil {
			t.Fatalf("build: %v\n%s", err, stderr)
		}
	}
	only, err := regexp.Compile(*demoPages)
	if err != nil {
		t.Fatal(err)
	}
	var pages []string
	err = filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			rel, _ := filepath.Rel(out, p)
			if only.MatchString(filepath.ToSlash(rel)) {
				pages = append(pages, filepath.ToSlash(rel))
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(pages) // a stable order for the log
	if *demoPages == "" {
		// Every page of the site in both languages, and an annual report
		// for each fiscal year built.
		have := map[string]bool{}
		for _, p := range pages {
			have[p] = true
		}
		want := []string{"index.html", "report/index.html"}
		for _, slug := range []string{"causes", "services", "equipment", "regions", "impact", "serious", "disasters", "trends",
			"public-cases", "downloads", "methodology", "about", "check", "dictionary"} {
			want = append(want, slug+"/index.html")
		}
		years, err := filepath.Glob(filepath.Join(out, "report", "[0-9][0-9][0-9][0-9]", "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if len(years) < 2 {
			t.Errorf("annual reports for %d fiscal years, want at least the 2 built", len(years))
		}
		for _, p := range append([]string(nil), want...) {
			want = append(want, "en/"+p)
		}
		for _, p := range want {
			if !have[p] {
				t.Errorf("the demo site has no %s", p)
			}
		}
		for _, y := range years {
			rel, _ := filepath.Rel(out, y)
			if p := "en/" + filepath.ToSlash(rel); !have[p] {
				t.Errorf("the demo site has no %s", p)
			}
		}
		if t.Failed() {
			t.FailNow()
		}
	}

	t.Run("static", func(t *testing.T) {
		for _, p := range pages {
			if !strings.HasPrefix(p, "en/") {
				continue
			}
			f, err := os.Open(filepath.Join(out, filepath.FromSlash(p)))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := html.Parse(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, s := range sitecheck.JapaneseOutsideJa(doc) {
				if !seen[s] {
					seen[s] = true
					t.Errorf("%s: Japanese outside lang=\"ja\": %q", p, s)
				}
			}
		}
		// The overview's key figure of serious accidents is the year's
		// total of serious_by_year_category, and the number the summary
		// (on the trends page) gives.
		if err := seriousAgree(out); err != nil {
			t.Error(err)
		}
		cells, files, err := sitecheck.FormulaCells(out)
		if err != nil {
			t.Fatal(err)
		}
		if files < 20 {
			t.Errorf("only %d CSV files", files)
		}
		for _, c := range cells {
			t.Errorf("a cell a spreadsheet runs as a formula: %s", c)
		}
	})

	b, err := sitecheck.Open(exe, out, filepath.Join(tmp, "chromium"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	t.Run("screens", func(t *testing.T) {
		for _, w := range widths {
			for _, p := range pages {
				if err := b.Visit(p, w); err != nil {
					t.Error(err)
					continue
				}
				problems, err := b.Problems()
				if err != nil {
					t.Fatalf("%s at %d px: %v", p, w, err)
				}
				for _, pr := range problems {
					t.Errorf("%s at %d px: %s", p, w, pr)
				}
			}
		}
	})

	t.Run("paper", func(t *testing.T) {
		// The first and the last fiscal year's annual reports, in both
		// languages.
		type printed struct {
			page     string
			maxPages int // the FY2024 report printed as 22 pages before it was laid out for paper
		}
		var reports []printed
		var years []string
		for _, p := range pages {
			if m := regexp.MustCompile(`^report/(\d{4})/index\.html$`).FindStringSubmatch(p); m != nil {
				years = append(years, m[1])
			}
		}
		if len(years) == 0 && *demoPages == "" {
			t.Fatal("no annual report in the demo site")
		}
		if len(years) > 1 {
			years = []string{years[0], years[len(years)-1]}
		}
		for _, y := range years {
			reports = append(reports, printed{"report/" + y + "/index.html", 17}, printed{"en/report/" + y + "/index.html", 17})
		}
		for _, c := range reports {
			if !only.MatchString(c.page) {
				continue
			}
			// Laid out for paper, nothing may be wider than the page: what
			// is wider is cut off at its edge.
			if err := b.VisitPaper(c.page); err != nil {
				t.Fatal(err)
			}
			problems, err := b.Problems()
			if err != nil {
				t.Fatal(err)
			}
			for _, pr := range problems {
				t.Errorf("%s on paper: %s", c.page, pr)
			}
			if err := b.Screen(); err != nil {
				t.Fatal(err)
			}
			if err := b.Visit(c.page, 1366); err != nil {
				t.Fatal(err)
			}
			pdf, err := b.PrintPDF()
			if err != nil {
				t.Fatalf("%s: print: %v", c.page, err)
			}
			if *screenshots != "" && c.page == "report/2024/index.html" {
				if err := os.WriteFile(filepath.Join(*screenshots, "report-2024.pdf"), pdf, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			printed, err := sitecheck.ReadPDF(pdf)
			if err != nil {
				t.Fatalf("%s: read the PDF: %v", c.page, err)
			}
			n := len(printed)
			t.Logf("%s prints as %d A4 pages", c.page, n)
			if n == 0 || n > c.maxPages {
				t.Errorf("%s prints as %d pages, want at most %d", c.page, n, c.maxPages)
			}
			for i, pg := range printed {
				want := fmt.Sprintf("%d / %d", i+1, n)
				if got := strings.TrimSpace(pg.Footer(a4Bottom)); got != want {
					t.Errorf("%s page %d: the footer reads %q, want the page number %q", c.page, i+1, got, want)
				}
				if used := pg.Used(a4Top, a4Bottom); i < n-1 && used < 0.5 {
					t.Errorf("%s page %d of %d is %.0f%% blank", c.page, i+1, n, 100*(1-used))
				}
			}
		}
	})

	if *screenshots != "" {
		for _, s := range []struct {
			page  string
			width int
			file  string
		}{
			{"index.html", 390, "overview-390.png"},
			{"serious/index.html", 390, "serious-390.png"},
			{"services/index.html", 390, "services-390.png"},
			{"en/index.html", 1366, "overview-en-1366.png"},
		} {
			if err := b.WritePNG(s.page, s.width, filepath.Join(*screenshots, s.file)); err != nil {
				t.Error(err)
			}
		}
	}
}

// seriousAgree checks that the overview's key figure of serious accidents,
// the total of serious_by_year_category for the key figures' year and the
// summary on the trends page give the same number.
func seriousAgree(out string) error {
	overview, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		return err
	}
	trends, err := os.ReadFile(filepath.Join(out, "trends", "index.html"))
	if err != nil {
		return err
	}
	year := regexp.MustCompile(`<h2 id="headline-h">(\d{4})年度`).FindSubmatch(overview)
	card := regexp.MustCompile(`<span class="figure-label">うち重大な事故</span>\s*<span class="figure-value">([0-9,X]+)`).FindSubmatch(overview)
	said := regexp.MustCompile(`重大な事故は([0-9,]+)件でした`).FindSubmatch(trends)
	if year != nil && card != nil && string(card[1]) == "X" {
		// Withheld by the disclosure control: the summary must not state
		// it, nor the table hold it.
		if said != nil {
			return fmt.Errorf("the overview withholds FY%s's serious accidents, but the summary says %s", year[1], said[1])
		}
		said = [][]byte{nil, []byte("X")}
	}
	if year == nil || card == nil || said == nil {
		return fmt.Errorf("the overview's key figures (year %q, serious accidents %q) or the summary's serious accidents (%q) are missing", last(year), last(card), last(said))
	}
	f, err := os.Open(filepath.Join(out, "data", "tables", "serious_by_year_category.csv"))
	if err != nil {
		return err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return err
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	total := ""
	for _, r := range recs[1:] {
		if r[col["fiscal_year"]] == string(year[1]) && r[col["service_category"]] == "total" {
			total = r[col["accidents"]]
		}
	}
	if string(card[1]) == "X" {
		if total != "X" {
			return fmt.Errorf("the overview withholds FY%s's serious accidents, but serious_by_year_category holds %q", year[1], total)
		}
		return nil
	}
	if n, err := strconv.ParseInt(total, 10, 64); err != nil {
		return fmt.Errorf("serious_by_year_category holds %q for FY%s in all service categories, not a published count", total, year[1])
	} else if want := reportfile.Thousands(n); string(card[1]) != want || string(said[1]) != want {
		return fmt.Errorf("serious accidents in FY%s: the overview shows %s, the summary says %s, serious_by_year_category holds %s", year[1], card[1], said[1], want)
	}
	return nil
}

// last is the last submatch, or nil.
func last(m [][]byte) []byte {
	if len(m) == 0 {
		return nil
	}
	return m[len(m)-1]
}

package site_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/site"
)

// TestGolden keeps the HTML of one small page byte for byte; regenerate
// with go test ./site -update and review the diff like code.
func TestGolden(t *testing.T) {
	fixtureOnly(t)
	for _, page := range []string{"en/disasters/index.html", "serious/index.html"} {
		got := readSite(t, page)
		golden := filepath.Join("testdata", "golden", strings.ReplaceAll(page, "/", "_"))
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./site -update to create it)", err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s differs from %s (-want +got):\n%s", page, golden, diff)
		}
	}
}

func TestRenderRefusesUnprotectedCell(t *testing.T) {
	rel := fixture()
	rel.Tables[3].Rows[5].Cells[0].Status = kensho.Unprotected
	dir := filepath.Join(t.TempDir(), "site")
	_, err := renderFixture(context.Background(), rel, dir, site.Options{})
	if err == nil || !strings.Contains(err.Error(), "disclosure control") || !strings.Contains(err.Error(), rel.Tables[3].Name) {
		t.Fatalf("Render = %v, want a refusal naming the table", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a page was written despite the refusal")
	}
}

func TestRenderRefusesBadTables(t *testing.T) {
	tests := []struct {
		name   string
		change func(*kensho.Release)
		want   string
	}{
		{"unknown page", func(r *kensho.Release) { r.Tables[0].Page = "elsewhere" }, `page "elsewhere"`},
		{"unknown chart", func(r *kensho.Release) { r.Tables[0].Chart = "pie" }, `chart "pie"`},
		{"unsafe name", func(r *kensho.Release) { r.Tables[0].Name = "../x" }, "lower-case"},
		{"name twice", func(r *kensho.Release) { r.Tables[1].Name = r.Tables[0].Name }, "twice"},
		{"short row", func(r *kensho.Release) { r.Tables[0].Rows[0].Key = r.Tables[0].Rows[0].Key[:1] }, "keys for"},
		{"dimension named like a column of tables.parquet", func(r *kensho.Release) { r.Tables[0].Dims[1].Name = "measure" }, "two columns named measure"},
		{"no release", nil, "no release"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rel *kensho.Release
			if tt.change != nil {
				rel = fixture()
				tt.change(rel)
			}
			dir := filepath.Join(t.TempDir(), "site")
			if err := writeMicrodata(context.Background(), filepath.Join(dir, "data"), microColumns, microRows()[:3]); err != nil {
				t.Fatal(err)
			}
			_, err := site.Render(context.Background(), rel, dir, site.Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Render = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestRenderNeedsMicrodataAndECharts(t *testing.T) {
	dir := t.TempDir()
	_, err := site.Render(context.Background(), fixture(), dir, site.Options{})
	if err == nil || !strings.Contains(err.Error(), "ExportExtracts") {
		t.Errorf("without microdata: %v", err)
	}
	if err := writeMicrodata(context.Background(), filepath.Join(dir, "data"), microColumns, microRows()[:3]); err != nil {
		t.Fatal(err)
	}
	_, err = site.Render(context.Background(), fixture(), dir, site.Options{EChartsJS: filepath.Join(dir, "missing.js")})
	if err == nil || !strings.Contains(err.Error(), "--echarts") {
		t.Errorf("without ECharts: %v", err)
	}
}

// TestRenderRecords: Render runs Options.Records beside the rendering. A
// failed export fails the render with the export's error, and a failed
// render stops the export through its context.
func TestRenderRecords(t *testing.T) {
	ctx := context.Background()
	opt := site.Options{}

	broken := errors.New("export broke")
	opt.Records = func(context.Context, string) error { return broken }
	if _, err := site.Render(ctx, fixture(), filepath.Join(t.TempDir(), "site"), opt); !errors.Is(err, broken) {
		t.Errorf("with a failing export: Render = %v, want %v", err, broken)
	}

	opt.Records = func(context.Context, string) error { return nil }
	if _, err := site.Render(ctx, fixture(), filepath.Join(t.TempDir(), "site"), opt); err == nil || !strings.Contains(err.Error(), "ExportExtracts") {
		t.Errorf("with an export that writes nothing: Render = %v, want the missing file named", err)
	}

	dir := filepath.Join(t.TempDir(), "site")
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data", "tables"), nil, 0o644); err != nil {
		t.Fatal(err) // a file where the tables' directory goes: rendering fails
	}
	stopped := make(chan error, 1)
	opt.Records = func(ctx context.Context, _ string) error {
		<-ctx.Done()
		stopped <- ctx.Err()
		return ctx.Err()
	}
	_, err := site.Render(ctx, fixture(), dir, opt)
	if err == nil || errors.Is(err, context.Canceled) {
		t.Errorf("with a failing render: Render = %v, want the render's own error", err)
	}
	if err := <-stopped; !errors.Is(err, context.Canceled) {
		t.Errorf("the export saw %v, want its context cancelled", err)
	}
}

func TestPublish(t *testing.T) {
	base := t.TempDir()
	newSite := func(marker string) string {
		d, err := os.MkdirTemp(base, ".kensho-staging-")
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(d, site.MarkerFile), nil, 0o644)
		os.WriteFile(filepath.Join(d, "index.html"), []byte(marker), 0o644)
		return d
	}
	out := filepath.Join(base, "public")

	// A fresh --out.
	if err := site.Publish(newSite("one"), out); err != nil {
		t.Fatal(err)
	}
	// A site made by kensho is replaced.
	if err := site.Publish(newSite("two"), out); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "index.html")); string(b) != "two" {
		t.Errorf("published %q, want two", b)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o755 {
		t.Errorf("published directory mode %v, want 0755", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(base)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("left behind beside --out: %v", names)
	}

	// Anything else is refused and left alone.
	mine := filepath.Join(base, "mine")
	os.MkdirAll(mine, 0o755)
	os.WriteFile(filepath.Join(mine, "thesis.tex"), []byte("keep"), 0o644)
	staging := newSite("three")
	if err := site.Publish(staging, mine); err == nil || !strings.Contains(err.Error(), "not made by kensho") {
		t.Errorf("Publish over a foreign directory = %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(mine, "thesis.tex")); string(b) != "keep" {
		t.Error("a foreign directory was touched")
	}
	file := filepath.Join(base, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	if err := site.CheckOut(file); err == nil {
		t.Error("CheckOut accepted a file")
	}
	if err := site.CheckOut(filepath.Join(base, "does-not-exist")); err != nil {
		t.Errorf("CheckOut of a new path: %v", err)
	}
	// A staging directory that holds no site is refused.
	empty := filepath.Join(base, "empty")
	os.MkdirAll(empty, 0o755)
	if err := site.Publish(empty, out); err == nil {
		t.Error("Publish accepted a staging directory without a site")
	}
}

func TestHandler(t *testing.T) {
	srv := httptest.NewServer(site.Handler(siteDir))
	defer srv.Close()
	tests := []struct {
		path   string
		status int
		ctype  string
	}{
		{"/", 200, "text/html; charset=utf-8"},
		{"/en/causes/", 200, "text/html; charset=utf-8"},
		{"/data/tables/accidents_by_year.csv", 200, "text/csv; charset=utf-8"},
		{"/data/" + microParquet, 200, "application/vnd.apache.parquet"},
		{"/data/SHA256SUMS", 200, "text/plain; charset=utf-8"},
		{"/" + site.MarkerFile, 404, ""},
		{"/data/", 404, ""},
		{"/nope.html", 404, ""},
	}
	for _, tt := range tests {
		resp, err := http.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("GET %s: %d, want %d", tt.path, resp.StatusCode, tt.status)
		}
		if tt.ctype != "" && resp.Header.Get("Content-Type") != tt.ctype {
			t.Errorf("GET %s: Content-Type %q, want %q", tt.path, resp.Header.Get("Content-Type"), tt.ctype)
		}
		if tt.status == 200 && !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("GET %s: no Content-Security-Policy", tt.path)
		}
	}
	resp, err := http.Post(srv.URL+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}

// BenchmarkRender renders the fixture site (both languages, every page and
// download); the microdata files are written once.
func BenchmarkRender(b *testing.B) {
	ctx := context.Background()
	base := b.TempDir()
	micro := filepath.Join(base, "micro")
	if err := writeMicrodata(ctx, micro, microColumns, microRows()); err != nil {
		b.Fatal(err)
	}
	rel := fixture()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		dir := filepath.Join(base, "site", strconv.Itoa(i))
		os.MkdirAll(filepath.Join(dir, "data"), 0o755)
		for _, f := range []string{microCSV, microParquet} {
			data, _ := os.ReadFile(filepath.Join(micro, f))
			os.WriteFile(filepath.Join(dir, "data", f), data, 0o644)
		}
		b.StartTimer()
		if _, err := site.Render(ctx, rel, dir, site.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEquipmentClasses: the methodology page maps every kind of equipment
// to its class and to the ministry's, as codes/hierarchy.csv says.
func TestEquipmentClasses(t *testing.T) {
	d := parsePage(t, siteDir, "methodology/index.html")
	tables := find(d.root, func(n *html.Node) bool { id, _ := attr(n, "id"); return id == "equipment-classes-table" })
	if len(tables) != 1 {
		t.Fatal("no table of equipment classes on the methodology page")
	}
	rows := tableRows(tables[0])
	if len(rows) != len(kensho.EquipmentCodes.Codes)+1 {
		t.Fatalf("%d rows, want a heading and one per equipment code (%d)", len(rows), len(kensho.EquipmentCodes.Codes))
	}
	want := map[string][]string{ // code → kensho's class, the ministry's class
		"router": {"伝送設備", "伝送交換設備"},
		"fibre":  {"伝送設備", "伝送路設備"},
		"hvac":   {"電源・空調設備", "その他"},
		"power":  {"電源・空調設備", "電源設備"},
	}
	for _, r := range rows[1:] {
		if w, ok := want[r[1]]; ok {
			if diff := cmp.Diff(w, r[2:]); diff != "" {
				t.Errorf("%s: classes (-want +got):\n%s", r[1], diff)
			}
			delete(want, r[1])
		}
	}
	if len(want) > 0 {
		t.Errorf("not listed: %v", want)
	}
}

// TestPublicCasesPage: the public cases are listed in both languages as
// the register states them, each linking to its sources, with the CSV and
// its columns in the data dictionary; the navigation and the methodology
// link to the page.
func TestPublicCasesPage(t *testing.T) {
	fixtureOnly(t)
	for _, tc := range []struct {
		page     string
		cells    [][]string
		nav, how string
	}{
		{"public-cases/index.html", [][]string{
			{"2022年7月2日", "2022年度", "携帯電話・PHS(音声)", "39,150,000", "61時間6分", "設定誤り", "出典, 出典"},
			{"2023年4月10日", "2023年度", "無料のインターネット関連サービス", "1,000,000", "45分", "ソフトウェア不具合", "出典"},
		}, "公表済みの事例", "methodology/index.html"},
		{"en/public-cases/index.html", [][]string{
			{"2 July 2022", "FY2022", "mobile voice", "39,150,000", "61 h 6 min", "misconfiguration", "source, source"},
			{"10 April 2023", "FY2023", "free internet service", "1,000,000", "45 min", "software bug", "source"},
		}, "Public cases", "en/methodology/index.html"},
	} {
		doc, err := html.Parse(bytes.NewReader(readSite(t, tc.page)))
		if err != nil {
			t.Fatal(err)
		}
		tables := find(doc, func(n *html.Node) bool { id, _ := attr(n, "id"); return id == "public-cases-table" })
		if len(tables) != 1 {
			t.Fatalf("%s: %d tables", tc.page, len(tables))
		}
		table := tables[0]
		var got [][]string
		var hrefs []string
		walk(table, func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "tr" && n.Parent.Data == "tbody" {
				var row []string
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode {
						row = append(row, text(c))
					}
				}
				got = append(got, row)
			}
			if n.Type == html.ElementNode && n.Data == "a" {
				href, _ := attr(n, "href")
				hrefs = append(hrefs, href)
			}
		})
		if diff := cmp.Diff(tc.cells, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.page, diff)
		}
		wantHrefs := []string{"https://www.soumu.go.jp/menu_news/s-news/01kiban05_02000300.html", "https://news.example/outage/20220702",
			"https://news.example/outage/20230410?a=1&b=%3c2%3e"} // html/template escapes what a URL may not hold
		if diff := cmp.Diff(wantHrefs, hrefs); diff != "" {
			t.Errorf("%s: source links (-want +got):\n%s", tc.page, diff)
		}
		nav := false
		walk(doc, func(n *html.Node) {
			href, _ := attr(n, "href")
			if n.Data == "a" && strings.HasSuffix(href, "public-cases/index.html") && text(n) == tc.nav {
				nav = true
			}
		})
		if !nav {
			t.Errorf("%s: no navigation link to the page", tc.page)
		}
		if !strings.Contains(string(readSite(t, tc.how)), `public-cases/index.html">`) {
			t.Errorf("%s does not link to the public cases", tc.how)
		}
	}
	csv := string(readSite(t, "data/public_cases.csv"))
	want := "occurred_on,fiscal_year,service,affected_users,duration_min,cause,source_urls\n" +
		"2022-07-02,2022,voice_mobile,39150000,3666,config_error,https://www.soumu.go.jp/menu_news/s-news/01kiban05_02000300.html https://news.example/outage/20220702\n" +
		"2023-04-10,2023,free_internet,1000000,45,sw_bug,https://news.example/outage/20230410?a=1&b=<2>\n"
	if csv != want {
		t.Errorf("public_cases.csv:\n%s\nwant\n%s", csv, want)
	}
	dict := string(readSite(t, "data/dictionary.csv"))
	for _, col := range []string{"occurred_on", "fiscal_year", "service", "affected_users", "duration_min", "cause", "source_urls"} {
		if !strings.Contains(dict, "\npublic_cases.csv,"+col+",") {
			t.Errorf("dictionary.csv does not describe public_cases.csv column %s", col)
		}
	}
}

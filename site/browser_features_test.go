package site_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"image/png"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/site"
)

// TestBrowserTools uses the reader's tools in headless chromium: a chart
// saved as PNG and as SVG, an address that opens the table explorer with
// its choices (and keeps them through the language switch), the explorer
// filtered and its CSV downloaded, the anchor of a chart, and the dark
// page following the system's setting, with the charts' colours.
func TestBrowserTools(t *testing.T) {
	fixtureOnly(t)
	srv := httptest.NewServer(site.Handler(siteDir)) // loopback only
	defer srv.Close()
	ctx, bl := newBrowser(t, srv.URL)
	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
		t.Fatal(err)
	}
	problems := func(where string) {
		t.Helper()
		for _, p := range bl.take() {
			t.Errorf("%s: %s", where, p)
		}
	}

	t.Run("chart saved as PNG and SVG", func(t *testing.T) {
		page := "en/causes/index.html"
		if err := open(ctx, srv.URL+"/"+page); err != nil {
			t.Fatal(err)
		}
		if pr, err := waitCharts(ctx, strings.Count(string(readSite(t, page)), ` data-option="`)); err != nil || len(pr) > 0 {
			t.Fatalf("charts: %v %v", err, pr)
		}
		click(t, ctx, `#chart-accidents_by_year_cause-figure button.chart-save:nth-of-type(1)`)
		b := waitFile(t, downloads, "accidents_by_year_cause.png")
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("the PNG does not decode: %v", err)
		}
		w, h := js[int](t, ctx, `echarts.getInstanceByDom(document.getElementById('chart-accidents_by_year_cause')).getWidth()`),
			js[int](t, ctx, `echarts.getInstanceByDom(document.getElementById('chart-accidents_by_year_cause')).getHeight()`)
		// The page's legend is HTML; the file draws its own in a strip
		// below the chart.
		if img.Bounds().Dx() != 2*w || img.Bounds().Dy() <= 2*h || img.Bounds().Dy() > 2*(h+120) {
			t.Errorf("PNG of %v, want twice the chart's %d×%d with a legend below", img.Bounds(), w, h)
		}
		colours := map[uint32]bool{}
		for y := 0; y < img.Bounds().Dy(); y += 7 {
			for x := 0; x < img.Bounds().Dx(); x += 7 {
				r, g, b, _ := img.At(x, y).RGBA()
				colours[r>>8<<16|g>>8<<8|b>>8] = true
			}
		}
		if len(colours) < 5 {
			t.Errorf("the PNG has %d colours: nothing drawn", len(colours))
		}
		click(t, ctx, `#chart-accidents_by_year_cause-figure button.chart-save:nth-of-type(2)`)
		svg := string(waitFile(t, downloads, "accidents_by_year_cause.svg"))
		if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, "<path") || !strings.Contains(svg, "Hardware failure") && !strings.Contains(svg, "hardware failure") {
			t.Errorf("the SVG is not the chart: %.200q", svg)
		}
		problems(page)
	})

	t.Run("address that keeps the explorer's state", func(t *testing.T) {
		q := "?table=accidents_by_year_cause&fiscal_year=2022&form=full&sort=accidents&order=desc#explorer"
		if err := open(ctx, srv.URL+"/en/downloads/index.html"+q); err != nil {
			t.Fatal(err)
		}
		st := explorerState(t, ctx)
		if st.Table != "accidents_by_year_cause" || st.Filters["fiscal_year"] != "2022" || st.Filters["form"] != "full" || st.Filters["cause"] != "" {
			t.Fatalf("the explorer opened as %+v", st)
		}
		if len(st.Rows) != len(kensho.Causes.Codes)+1 { // every cause and the total
			t.Errorf("%d rows, want %d", len(st.Rows), len(kensho.Causes.Codes)+1)
		}
		prev := -1.0
		for _, r := range st.Rows {
			if r[0] != "FY2022" || r[1] != kensho.Forms.Label("full", "en") {
				t.Errorf("row %v is not of FY2022 and the full form", r)
			}
			if v, err := strconv.ParseFloat(strings.ReplaceAll(r[len(r)-1], ",", ""), 64); err == nil {
				if prev >= 0 && v > prev {
					t.Errorf("not sorted by accidents, descending: %v after %v", v, prev)
				}
				prev = v
			}
		}
		// The language switch opens the same choices in Japanese.
		click(t, ctx, "#lang-switch")
		waitFor(t, ctx, `document.readyState === 'complete' && document.documentElement.lang === 'ja' && !!document.querySelector('#explorer-result tbody tr')`)
		// (The server answers downloads/index.html at downloads/.)
		loc := strings.Replace(js[string](t, ctx, `location.pathname + location.search + location.hash`), "/index.html", "/", 1)
		if want := "/downloads/" + q; loc != want {
			t.Errorf("the switch led to %s, want %s", loc, want)
		}
		ja := explorerState(t, ctx)
		if ja.Table != st.Table || ja.Filters["fiscal_year"] != "2022" || ja.Filters["form"] != "full" || len(ja.Rows) != len(st.Rows) || ja.Rows[0][0] != "2022年度" {
			t.Errorf("in Japanese the explorer opened as %+v", ja)
		}
		// A chart's anchor: the address scrolls to it, and a report's
		// table links to the explorer with its year.
		if err := open(ctx, srv.URL+"/en/report/2022/index.html#accidents_by_year_cause"); err != nil {
			t.Fatal(err)
		}
		if top := js[int](t, ctx, `Math.round(document.getElementById('accidents_by_year_cause').getBoundingClientRect().top)`); top < 0 || top > 100 {
			t.Errorf("the anchor left the chart at %d px from the top", top)
		}
		href := js[string](t, ctx, `document.querySelector('#accidents_by_year_cause a.explore-link').href`)
		if u, err := url.Parse(href); err != nil || strings.TrimSuffix(u.Path, "index.html") != "/en/downloads/" || u.Query().Get("table") != "accidents_by_year_cause" || u.Query().Get("fiscal_year") != "2022" || u.Fragment != "explorer" {
			t.Errorf("the report's link to the explorer is %s", href)
		}
		problems("state")
	})

	t.Run("explorer filtered, then downloaded", func(t *testing.T) {
		if err := open(ctx, srv.URL+"/en/downloads/index.html"); err != nil {
			t.Fatal(err)
		}
		explorerState(t, ctx)
		choose(t, ctx, "#explorer-table-select", "accidents_by_year_service")
		waitFor(t, ctx, `!!document.getElementById('explorer-f-service')`)
		choose(t, ctx, "#explorer-f-fiscal_year", "2023")
		choose(t, ctx, "#explorer-f-form", "simplified")
		st := explorerState(t, ctx)
		if !strings.Contains(js[string](t, ctx, `location.search`), "fiscal_year=2023") {
			t.Errorf("the address does not keep the filter: %s", js[string](t, ctx, `location.search`))
		}
		click(t, ctx, "#explorer-csv")
		got := readCSV(t, waitFile(t, downloads, "accidents_by_year_service_fiscal_year-2023_form-simplified.csv"))
		all := readCSV(t, readSite(t, "data/tables/accidents_by_year_service.csv"))
		want := [][]string{all[0]}
		for _, r := range all[1:] {
			if r[0] == "2023" && r[1] == "simplified" {
				want = append(want, r)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("the filtered CSV:\n%v\nwant the published rows of FY2023, simplified form:\n%v", got, want)
		}
		if len(st.Rows) != len(want)-1 {
			t.Errorf("%d rows shown, %d in the CSV", len(st.Rows), len(want)-1)
		}
		problems("explorer")
	})

	t.Run("explorer marks a revised figure", func(t *testing.T) {
		if err := open(ctx, srv.URL+"/downloads/index.html?table=accidents_by_year&fiscal_year=2023&form=full#explorer"); err != nil {
			t.Fatal(err)
		}
		explorerState(t, ctx)
		// FY2023, full form, quarterly: the one figure of the table the
		// fixture revises, marked as the site's tables mark it.
		got := js[[]string](t, ctx, `[...document.querySelectorAll('#explorer-result sup.mark')].map(m => m.title + ':' + m.closest('tr').firstChild.textContent)`)
		if len(got) != 1 || !strings.HasPrefix(got[0], "訂正:") {
			t.Errorf("the explorer marks %v, want the one revised figure titled 訂正", got)
		}
		problems("explorer marks")
	})

	t.Run("dark mode", func(t *testing.T) {
		page := "index.html"
		if err := open(ctx, srv.URL+"/"+page); err != nil {
			t.Fatal(err)
		}
		if _, err := waitCharts(ctx, strings.Count(string(readSite(t, page)), ` data-option="`)); err != nil {
			t.Fatal(err)
		}
		light := js[string](t, ctx, `getComputedStyle(document.body).backgroundColor`)
		lightPalette := js[string](t, ctx, `JSON.stringify(echarts.getInstanceByDom(document.querySelector('div.chart')).getOption().color)`)
		setScheme(t, ctx, "dark")
		// The page and its charts follow the setting without a reload.
		waitFor(t, ctx, `getComputedStyle(document.body).backgroundColor !== `+strconv.Quote(light))
		waitFor(t, ctx, `JSON.stringify(echarts.getInstanceByDom(document.querySelector('div.chart')).getOption().color) !== `+strconv.Quote(lightPalette))
		// Every chart colour and the charts' text keep 4.5:1 against the page.
		report := js[string](t, ctx, contrastReport)
		if report != "" {
			t.Errorf("dark mode: %s", report)
		}
		if l := js[float64](t, ctx, `lum(getComputedStyle(document.body).backgroundColor)`); l > 0.05 {
			t.Errorf("dark mode: the page's luminance is %.2f", l)
		}
		if pr, err := waitCharts(ctx, strings.Count(string(readSite(t, page)), ` data-option="`)); err != nil || len(pr) > 0 {
			t.Errorf("dark mode: charts %v %v", err, pr)
		}
		if err := os.MkdirAll(artifacts, 0o755); err == nil {
			if shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
				os.WriteFile(filepath.Join(artifacts, "overview-dark.png"), shot, 0o644)
			}
		}
		// A page opened on a dark system draws its charts dark from the start.
		if err := open(ctx, srv.URL+"/en/causes/index.html"); err != nil {
			t.Fatal(err)
		}
		setScheme(t, ctx, "dark") // the page's helpers again
		waitFor(t, ctx, `!!document.querySelector('div.chart canvas') && JSON.stringify(echarts.getInstanceByDom(document.querySelector('div.chart')).getOption().color) !== `+strconv.Quote(lightPalette))
		if report := js[string](t, ctx, contrastReport); report != "" {
			t.Errorf("dark mode, en/causes: %s", report)
		}
		setScheme(t, ctx, "light")
		waitFor(t, ctx, `JSON.stringify(echarts.getInstanceByDom(document.querySelector('div.chart')).getOption().color) === `+strconv.Quote(lightPalette))
		if report := js[string](t, ctx, contrastReport); report != "" {
			t.Logf("light mode (the palette of chart.go): %s", report)
		}
		problems("dark mode")
	})
}

// contrastReport lists, in the page, what falls short of 4.5:1 against the
// page's background in the first chart: its colours, its text and axes.
const contrastReport = `(() => {
  const ch = echarts.getInstanceByDom(document.querySelector('div.chart'));
  const o = ch.getOption();
  const bg = getComputedStyle(document.body).backgroundColor;
  const out = [];
  const need = (what, c) => { const r = ratio(c, bg); if (r < 4.5) out.push(what + ' ' + c + ' ' + r.toFixed(2) + ':1'); };
  o.color.forEach((c, i) => need('colour ' + (i + 1), c));
  need('text', o.textStyle.color);
  need('axis labels', o.yAxis[0].axisLabel.color);
  return out.join('; ');
})()`

// pageHelpers are the colour functions the checks above use.
const pageHelpers = `
window.rgb = (c) => {
  if (c.startsWith('#')) { const h = c.length === 4 ? c.replace(/./g, (x, i) => i ? x + x : x) : c; return [1, 3, 5].map(i => parseInt(h.slice(i, i + 2), 16)); }
  return c.match(/[\d.]+/g).slice(0, 3).map(Number);
};
window.lum = (c) => rgb(c).map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4)).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
window.ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
`

func setScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](pageHelpers+";true")); err != nil {
		t.Fatal(err)
	}
}

// explorerView is what the explorer shows.
type explorerView struct {
	Table   string
	Filters map[string]string
	Rows    [][]string
}

// explorerState waits until the explorer has drawn a table and reads it.
func explorerState(t *testing.T, ctx context.Context) explorerView {
	t.Helper()
	waitFor(t, ctx, `!document.getElementById('explorer').hidden && document.querySelectorAll('#explorer-result tbody tr').length > 0`)
	v, err := chromedp.Run(ctx, chromedp.Evaluate[explorerView](`(() => {
  const f = {};
  for (const s of document.querySelectorAll('#explorer-filters select')) f[s.name] = s.value;
  const rows = [...document.querySelectorAll('#explorer-result tbody tr')].map(tr => [...tr.children].map(c => c.textContent));
  return {table: document.getElementById('explorer-table-select').value, filters: f, rows};
})()`))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(cctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// choose picks value in a select as a reader would, with its change event.
func choose(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	ok := js[bool](t, ctx, fmt.Sprintf(`(() => { const s = document.querySelector(%q); if (!s) return false; s.value = %q; s.dispatchEvent(new Event('change', {bubbles: true})); return s.value === %q; })()`, sel, value, value))
	if !ok {
		t.Fatalf("%s has no option %s", sel, value)
	}
}

// waitFor polls a condition in the page (across navigations) for up to 10 s.
func waitFor(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	for range 100 {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("waited 10 s for %s", cond)
}

// waitFile waits for a download to be complete and returns it.
func waitFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	p := filepath.Join(dir, name)
	for range 100 {
		if b, err := os.ReadFile(p); err == nil && len(b) > 0 {
			if _, err := os.Stat(p + ".crdownload"); os.IsNotExist(err) {
				return b
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	t.Fatalf("no download %s after 10 s (downloaded: %v)", name, names)
	return nil
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// js evaluates expr in the page and returns its value as a T.
func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

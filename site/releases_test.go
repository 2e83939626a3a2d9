package site_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/kensho-jp/kensho/site"
)

// feed is what the tests read of an Atom feed.
type feed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Links   []struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Content string `xml:"content"`
	} `xml:"entry"`
}

func readFeed(t *testing.T, dir, file string) feed {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	var f feed
	if err := xml.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return f
}

var urnUUID = regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestFeed: each language has an Atom feed of its releases whose links,
// relative to the feed, lead to the release on the about page, which lists
// it too.
func TestFeed(t *testing.T) {
	fixtureOnly(t)
	for _, lang := range []string{"", "en/"} {
		f := readFeed(t, siteDir, lang+"feed.xml")
		if !urnUUID.MatchString(f.ID) || f.Updated != "2025-03-31T00:00:00+09:00" || len(f.Entries) != 1 {
			t.Fatalf("%sfeed.xml: id %q, updated %q, %d entries", lang, f.ID, f.Updated, len(f.Entries))
		}
		e := f.Entries[0]
		if !urnUUID.MatchString(e.ID) || e.ID == f.ID || !strings.Contains(e.Title, "2025.1-test") || e.Updated != f.Updated {
			t.Errorf("%sfeed.xml: entry %+v", lang, e)
		}
		if !strings.Contains(e.Content, "<li>") {
			t.Errorf("%sfeed.xml: the entry's content is not the changelog as HTML: %q", lang, e.Content)
		}
		// Every link resolves against the feed's address to a file and id of the site.
		for _, href := range append([]string{e.Links[0].Href}, f.Links[0].Href, f.Links[1].Href) {
			file, frag, local := resolve(lang+"feed.xml", href)
			if !local {
				t.Errorf("%sfeed.xml links to %s without --base-url", lang, href)
				continue
			}
			if _, err := os.Stat(filepath.Join(siteDir, file)); err != nil {
				t.Errorf("%sfeed.xml: %s does not resolve: %v", lang, href, err)
			}
			if frag != "" && len(find(parsePage(t, siteDir, file).root, func(n *html.Node) bool { id, _ := attr(n, "id"); return id == frag })) != 1 {
				t.Errorf("%sfeed.xml: %s: no id %s", lang, href, frag)
			}
		}
		about := parsePage(t, siteDir, lang+"about/index.html")
		rows := find(about.root, func(n *html.Node) bool { id, _ := attr(n, "id"); return id == "releases-table" })
		if len(rows) != 1 || !strings.Contains(text(rows[0]), "2025.1-test") || !strings.Contains(text(rows[0]), "2025-03-31") {
			t.Errorf("%sabout/index.html: no release list with the release", lang)
		}
	}
	// The feed is announced on every page.
	for _, p := range pages(t, siteDir) {
		links := find(parsePage(t, siteDir, p).root, func(n *html.Node) bool {
			typ, _ := attr(n, "type")
			return n.DataAtom == atom.Link && typ == "application/atom+xml"
		})
		if len(links) != 1 {
			t.Errorf("%s: %d feed links in the head", p, len(links))
		}
	}
}

// TestBaseURL: with the site's address the descriptions carry absolute
// URLs; without it (the shared fixture) they stay relative.
func TestBaseURL(t *testing.T) {
	fixtureOnly(t)
	ld := func(dir, page string) map[string]any {
		t.Helper()
		s := find(parsePage(t, dir, page).root, func(n *html.Node) bool { typ, _ := attr(n, "type"); return typ == "application/ld+json" })
		if len(s) != 1 {
			t.Fatalf("%s: %d JSON-LD scripts", page, len(s))
		}
		var d map[string]any
		if err := json.Unmarshal([]byte(text(s[0])), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	contentURLs := func(d map[string]any) []string {
		var out []string
		for _, x := range d["distribution"].([]any) {
			out = append(out, x.(map[string]any)["contentUrl"].(string))
		}
		return out
	}
	for _, u := range contentURLs(ld(siteDir, "en/causes/index.html")) {
		if !strings.HasPrefix(u, "../../data/tables/") {
			t.Errorf("without a base URL, contentUrl %s", u)
		}
	}
	var dp map[string]any
	if err := json.Unmarshal(readSite(t, "data/datapackage.json"), &dp); err != nil {
		t.Fatal(err)
	}
	if dp["id"] != nil || dp["homepage"] != nil {
		t.Errorf("without a base URL, datapackage.json has id %v, homepage %v", dp["id"], dp["homepage"])
	}

	const base = "https://example.jp/stats/"
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := renderFixture(context.Background(), fixture(), dir, site.Options{BaseURL: "https://example.jp/stats"}); err != nil {
		t.Fatal(err)
	}
	d := ld(dir, "en/causes/index.html")
	if d["url"] != base+"en/causes/" {
		t.Errorf("JSON-LD url %v, want %sen/causes/", d["url"], base)
	}
	for _, u := range contentURLs(d) {
		if !strings.HasPrefix(u, base+"data/tables/") {
			t.Errorf("with a base URL, contentUrl %s", u)
		}
	}
	for _, u := range contentURLs(ld(dir, "downloads/index.html")) {
		if !strings.HasPrefix(u, base+"data/") {
			t.Errorf("data page: contentUrl %s", u)
		}
	}
	canon := find(parsePage(t, dir, "en/causes/index.html").root, func(n *html.Node) bool { rel, _ := attr(n, "rel"); return rel == "canonical" })
	if len(canon) != 1 {
		t.Error("no canonical link")
	} else if h, _ := attr(canon[0], "href"); h != base+"en/causes/" {
		t.Errorf("canonical %s", h)
	}
	b, err := os.ReadFile(filepath.Join(dir, "data", "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	dp = nil
	if err := json.Unmarshal(b, &dp); err != nil {
		t.Fatal(err)
	}
	if dp["id"] != base+"data/datapackage.json" || dp["homepage"] != base+"downloads/" {
		t.Errorf("datapackage.json: id %v, homepage %v", dp["id"], dp["homepage"])
	}
	f := readFeed(t, dir, "en/feed.xml")
	want := map[string]bool{base + "en/feed.xml": true, base + "en/about/#releases": true, base + "en/about/#release-2025.1-test": true}
	for _, h := range []string{f.Links[0].Href, f.Links[1].Href, f.Entries[0].Links[0].Href} {
		if !want[h] {
			t.Errorf("en/feed.xml links to %s, want one of %v", h, want)
		}
	}
	// The ids do not depend on the address.
	if g := readFeed(t, siteDir, "en/feed.xml"); g.ID != f.ID || g.Entries[0].ID != f.Entries[0].ID {
		t.Errorf("the feed's ids change with the base URL")
	}

	for _, bad := range []string{"example.jp", "ftp://example.jp/", "https://example.jp/?a=1", "https:///x", "/stats/"} {
		if err := site.CheckBaseURL(bad); err == nil {
			t.Errorf("CheckBaseURL(%q) accepted it", bad)
		}
	}
}

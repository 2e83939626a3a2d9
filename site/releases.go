package site

import (
	"crypto/sha1"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/kensho-jp/kensho"
)

// releaseNote is one release of the site as the about page and the Atom
// feed list it.
type releaseNote struct {
	Version string
	Date    string // YYYY-MM-DD, Japan time
	// Changes says what changed, in Markdown.
	Changes kensho.Text
}

// releaseNotes lists the site's releases, newest first: the one place the
// about page and the feed read them from. kensho keeps no archive of
// earlier releases yet, so the list holds the release being rendered, with
// the changelog shipped in content/; the archive of releases (issue 15)
// extends this function.
func releaseNotes(rel *kensho.Release) []releaseNote {
	return []releaseNote{{
		Version: rel.Version,
		Date:    rel.BuildDate,
		Changes: kensho.Text{Ja: changelog("ja"), En: changelog("en")},
	}}
}

// releaseAnchor is the id of a release on the about page.
func releaseAnchor(version string) string {
	return "release-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_' {
			return r
		}
		return '-'
	}, version)
}

// checkBaseURL reads the site's public address (--base-url): an absolute
// http or https URL without query or fragment, returned with a trailing
// slash; "" stays "" (every link relative).
func checkBaseURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("base URL %q is not the address of a site: give an absolute http or https URL such as https://example.jp/stats/, without query or fragment", s)
	}
	return strings.TrimSuffix(u.String(), "/") + "/", nil
}

// CheckBaseURL reports whether s may be given as Options.BaseURL.
func CheckBaseURL(s string) error {
	_, err := checkBaseURL(s)
	return err
}

// siteURL is the address of a file below the site root as page p links to
// it: absolute when the site's address is known, else relative to p.
func (r *renderer) siteURL(p *page, rel string) string {
	if r.base != "" {
		return r.base + rel
	}
	return p.Root + rel
}

// The Atom feed of releases, one per language at the language's root.
const feedFile = "feed.xml"

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Rights  string      `xml:"rights"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Content atomText   `xml:"content"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// writeFeed writes the Atom feed of releases of lang. Its links are
// absolute when the site's address is known, else relative to the feed
// (Atom resolves them against the feed's own address). Ids are URNs made
// from the version, so they stay the same wherever the site moves.
func (r *renderer) writeFeed(lang string) error {
	file := langPrefix(lang) + feedFile
	href := func(rel string) string { // rel is below the language root
		if r.base != "" {
			return r.base + langPrefix(lang) + strings.Replace(rel, "index.html", "", 1)
		}
		return rel
	}
	notes := releaseNotes(r.rel)
	f := atomFeed{
		Lang: lang, ID: nameUUID("feed/" + lang), Title: T(lang, "site.title") + " — " + T(lang, "feed.title"),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: href(feedFile)},
			{Rel: "alternate", Type: "text/html", Href: href(pageFile("about") + "#releases")},
		},
		Author: atomPerson{Name: T(lang, "site.owner")},
		Rights: T(lang, "footer.licence"),
	}
	for _, n := range notes {
		updated, err := releaseTime(n.Date)
		if err != nil {
			return err
		}
		if f.Updated == "" || updated > f.Updated {
			f.Updated = updated
		}
		f.Entries = append(f.Entries, atomEntry{
			ID: nameUUID("release/" + lang + "/" + n.Version), Title: Tf(lang, "footer.version", n.Version, n.Date), Updated: updated,
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: href(pageFile("about") + "#" + releaseAnchor(n.Version))}},
			Content: atomText{Type: "html", Body: string(markdown(n.Changes.In(lang), 2))},
		})
	}
	b, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return r.write(file, append(append([]byte(xml.Header), b...), '\n'))
}

// releaseTime is the start of a release day in Japan time, as Atom dates
// are written.
func releaseTime(date string) (string, error) {
	d, err := time.ParseInLocation("2006-01-02", date, kensho.JST)
	if err != nil {
		return "", fmt.Errorf("release date %q is not YYYY-MM-DD", date)
	}
	return d.Format(time.RFC3339), nil
}

// nameUUID is the name-based (version 5) UUID URN of name in kensho's
// space (the URL namespace, https://github.com/kensho-jp/kensho/<name>).
func nameUUID(name string) string {
	ns := [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte("https://github.com/kensho-jp/kensho/" + name))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

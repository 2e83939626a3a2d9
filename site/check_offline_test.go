package site_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/kensho-jp/kensho/site"
)

// TestCheckPageWithoutBundle: a binary installed with go install and run
// outside the repository finds no bin/check. The site is still built; its
// check page says to use kensho check, lists the report forms, loads no
// script of the bundle, and every local link of every page resolves.
func TestCheckPageWithoutBundle(t *testing.T) {
	fixtureOnly(t)
	t.Chdir(t.TempDir()) // no bin/check here or above
	dir := filepath.Join(t.TempDir(), "public")
	st, err := renderFixture(context.Background(), fixture(), dir, site.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !st.CheckOffline {
		t.Error("Stats.CheckOffline = false without a bundle")
	}
	for _, p := range []string{"check/index.html", "en/check/index.html"} {
		b, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if !strings.Contains(s, "<code>kensho check") {
			t.Errorf("%s does not tell operators to run kensho check", p)
		}
		if strings.Contains(s, "kensho-check.js") || strings.Contains(s, `type="file"`) {
			t.Errorf("%s offers the in-browser check without its bundle", p)
		}
		if !strings.Contains(s, `class="forms"`) {
			t.Errorf("%s lists no report form", p)
		}
	}
	for _, p := range []string{"downloads/index.html", "en/downloads/index.html"} {
		b, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		if s := string(b); strings.Contains(s, "ブラウザの中でできます") || strings.Contains(s, "runs the same check in your browser") {
			t.Errorf("%s offers the in-browser check the site does not have", p)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "assets", "check")); !os.IsNotExist(err) {
		t.Errorf("assets/check/ written without a bundle (%v)", err)
	}
	for _, p := range pages(t, dir) {
		walk(parsePage(t, dir, p).root, func(n *html.Node) {
			for _, key := range []string{"src", "href"} {
				if v, ok := attr(n, key); ok {
					if file, _, local := resolve(p, v); local {
						if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(file))); err != nil {
							t.Errorf("%s: %s=%q does not resolve (%s)", p, key, v, file)
						}
					}
				}
			}
		})
	}
}

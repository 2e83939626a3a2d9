package site_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// TestExplorerData: the data page offers every table in the explorer, and
// each table's file for it holds the table's published CSV as it is, with
// a label for every key the CSV holds.
func TestExplorerData(t *testing.T) {
	for _, p := range []string{"downloads/index.html", "en/downloads/index.html"} {
		d := parsePage(t, siteDir, p)
		ex := find(d.root, func(n *html.Node) bool { id, _ := attr(n, "id"); return id == "explorer" })
		if len(ex) != 1 {
			t.Fatalf("%s: no explorer", p)
		}
		if _, hidden := attr(ex[0], "hidden"); !hidden {
			t.Errorf("%s: the explorer shows without its script", p)
		}
		var names []string
		for _, o := range find(ex[0], func(n *html.Node) bool { return n.DataAtom == atom.Option }) {
			v, _ := attr(o, "value")
			names = append(names, v)
		}
		var listed []string // the tables listed below, with their CSV, for a reader without JavaScript
		for _, a := range find(d.root, func(n *html.Node) bool { return n.DataAtom == atom.A }) {
			if h, _ := attr(a, "href"); strings.Contains(h, "data/tables/") {
				listed = append(listed, strings.TrimSuffix(h[strings.LastIndex(h, "/")+1:], ".csv"))
			}
		}
		if len(names) == 0 || strings.Join(names, ",") != strings.Join(listed, ",") {
			t.Errorf("%s: the explorer offers %v, the page lists %v", p, names, listed)
		}
		if p != "downloads/index.html" {
			continue
		}
		for _, name := range names {
			et := explorerFile(t, name)
			published := string(readSite(t, "data/tables/"+name+".csv"))
			if et.CSV != published {
				t.Errorf("assets/tables/%s.js does not hold data/tables/%s.csv as published", name, name)
			}
			recs, err := csv.NewReader(strings.NewReader(published)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			col := map[string]int{}
			for i, h := range recs[0] {
				col[h] = i
			}
			for _, dim := range et.Dims {
				i, ok := col[dim.Name]
				if !ok {
					t.Errorf("%s: dimension %s is not a column of the CSV", name, dim.Name)
					continue
				}
				labelled := map[string]bool{}
				for _, k := range dim.Keys {
					labelled[k.Key] = k.Label["ja"] != "" && k.Label["en"] != ""
				}
				for _, r := range recs[1:] {
					if !labelled[r[i]] {
						t.Errorf("%s: %s=%s has no label in both languages", name, dim.Name, r[i])
						break
					}
				}
			}
			for _, m := range et.Measures {
				if _, ok := col[m.Name]; !ok {
					t.Errorf("%s: measure %s is not a column of the CSV", name, m.Name)
				}
			}
		}
	}
}

type explorerTable struct {
	Name string
	Dims []struct {
		Name string
		Keys []struct {
			Key   string
			Label map[string]string
		}
	}
	Measures []struct{ Name string }
	CSV      string
}

func explorerFile(t *testing.T, name string) explorerTable {
	t.Helper()
	b := readSite(t, "assets/tables/"+name+".js")
	const pre, post = "window.kenshoExplore && window.kenshoExplore(", ");\n"
	if !bytes.HasPrefix(b, []byte(pre)) || !bytes.HasSuffix(b, []byte(post)) {
		t.Fatalf("assets/tables/%s.js is not a call of kenshoExplore", name)
	}
	var et explorerTable
	if err := json.Unmarshal(b[len(pre):len(b)-len(post)], &et); err != nil {
		t.Fatalf("assets/tables/%s.js: %v", name, err)
	}
	if et.Name != name {
		t.Fatalf("assets/tables/%s.js names %s", name, et.Name)
	}
	return et
}

// cssVars reads the custom properties of a stylesheet's :root rules.
func cssVars(t *testing.T, file string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`(--[a-z0-9-]+):\s*([^;]+);`).FindAllStringSubmatch(string(readSite(t, file)), -1) {
		out[m[1]] = strings.TrimSpace(m[2])
	}
	return out
}

// luminance is the WCAG relative luminance of #rrggbb.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	if len(hex) != 7 || hex[0] != '#' {
		t.Fatalf("colour %q is not #rrggbb", hex)
	}
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			t.Fatal(err)
		}
		c := float64(v) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}

func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// TestDarkPalette: on the dark page, text keeps at least 7:1 (4.5:1 for
// the muted and the links) against its background, and every chart colour
// and the charts' text and axes at least 4.5:1 against the chart's
// background; there is a chart colour for every colour of the light
// palette. The light charts' text and axes keep 4.5:1 on white.
func TestDarkPalette(t *testing.T) {
	dark, light := cssVars(t, "assets/dark.css"), cssVars(t, "assets/tools.css")
	need := func(vars map[string]string, fg, bg string, min float64) {
		t.Helper()
		if c := contrast(t, vars[fg], vars[bg]); c < min {
			t.Errorf("%s %s on %s %s: contrast %.2f, want ≥ %.1f", fg, vars[fg], bg, vars[bg], c, min)
		}
	}
	need(dark, "--ink", "--page", 7)
	need(dark, "--muted", "--page", 4.5)
	need(dark, "--link", "--page", 4.5)
	need(dark, "--tag-ink", "--tag", 4.5)
	for _, v := range []string{"--chart-text", "--chart-axis", "--chart-mark"} {
		need(dark, v, "--chart-bg", 4.5)
		need(light, v, "--chart-bg", 4.5)
	}
	n := 0
	for k := 1; dark[fmt.Sprintf("--chart-%d", k)] != ""; k++ {
		need(dark, fmt.Sprintf("--chart-%d", k), "--chart-bg", 4.5)
		n++
	}
	// The light palette is the option's own: as many colours as there.
	opt := find(parsePage(t, siteDir, "index.html").root, func(n *html.Node) bool {
		id, _ := attr(n, "id")
		return n.DataAtom == atom.Script && strings.HasSuffix(id, "-option")
	})
	if len(opt) == 0 {
		t.Fatal("no chart option on the overview")
	}
	var o struct{ Color []string }
	if err := json.Unmarshal([]byte(text(opt[0])), &o); err != nil {
		t.Fatal(err)
	}
	if n != len(o.Color) {
		t.Errorf("dark.css has %d chart colours, the light palette %d", n, len(o.Color))
	}
}

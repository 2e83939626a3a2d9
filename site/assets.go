package site

import (
	"embed"
	"fmt"
	"html/template"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets/style.css assets/site.js assets/favicon.svg assets/check.js assets/check.css assets/tools.css assets/dark.css assets/tools.js assets/explore.js
var assetFS embed.FS

//go:embed content/*.md
var contentFS embed.FS

// pageKinds are the templates of the page kinds, each defining "content".
var pageKinds = []string{"topic", "reports", "report", "downloads", "methodology", "about", "check", "dictionary", "publiccases", "changes"}

var funcs = template.FuncMap{
	"t":    T,
	"tf":   Tf,
	"ja":   properName,
	"text": marked,
	"criteriaTitle": func(lang string) string {
		return T(lang, "page.serious") + map[string]string{"ja": "の基準", "en": ": criteria"}[lang]
	},
	"criteriaCaption": func(lang, from string) string {
		if lang == "en" {
			return "Serious-accident criteria in force from " + from
		}
		return from + " から適用する重大な事故の基準"
	},
	"criteriaHead": func(lang string, i int) string {
		heads := map[string][]string{
			"ja": {"役務の区分など", "継続時間", "影響利用者数"},
			"en": {"Service category", "Duration at least", "Affected users at least"},
		}
		return heads[lang][i]
	},
	"criteriaNote": func(lang string) string {
		if lang == "en" {
			return "An accident is serious when it reaches both the duration and the users of any one row for its category."
		}
		return "いずれかの行の継続時間と影響利用者数の両方を満たす事故が重大な事故です。"
	},
}

// parseTemplates parses the layout with each page kind.
func parseTemplates() (map[string]*template.Template, error) {
	base, err := template.New("site").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/operators.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	out := map[string]*template.Template{}
	for _, k := range pageKinds {
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		if _, err := t.ParseFS(templateFS, "templates/"+k+".html"); err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		out[k] = t
	}
	return out, nil
}

// changelog is the site's changelog in lang (Markdown).
func changelog(lang string) string {
	b, err := contentFS.ReadFile("content/changelog." + lang + ".md")
	if err != nil {
		return ""
	}
	return string(b)
}

// writeAssets copies the stylesheet, the chart script and ECharts (with its
// licences, which the Apache License asks to travel with it).
func (r *renderer) writeAssets() error {
	for _, name := range []string{"style.css", "site.js", "favicon.svg", "tools.css", "dark.css", "tools.js", "explore.js"} {
		b, err := assetFS.ReadFile("assets/" + name)
		if err != nil {
			return err
		}
		if err := r.write(assetPath(name), b); err != nil {
			return err
		}
	}
	js, licence, err := echartsAssets(r.echarts)
	if err != nil {
		return err
	}
	if err := r.write(assetPath("echarts.min.js"), js); err != nil {
		return err
	}
	return r.write(assetPath("echarts-LICENSE.txt"), licence)
}

package site

import (
	"html"
	"html/template"
	"strings"
)

// markdown renders the small Markdown the release texts use (the generated
// summary, the disclosure-risk summary): paragraphs, "-" or "*" lists,
// "#" headings (shifted below the page's own), and **bold**. Everything
// else is text: the input is escaped first, so no tag or attribute of the
// source reaches the page.
func markdown(src string, headingBase int) template.HTML {
	var b strings.Builder
	var para []string
	inList := false
	flushPara := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + inline(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
	}
	closeList := func() {
		if inList {
			b.WriteString("</ul>\n")
			inList = false
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flushPara()
			closeList()
		case strings.HasPrefix(t, "#"):
			flushPara()
			closeList()
			level := len(t) - len(strings.TrimLeft(t, "#"))
			text := strings.TrimSpace(t[level:])
			h := headingBase + level - 1
			if h > 6 {
				h = 6
			}
			tag := "h" + string(rune('0'+h))
			b.WriteString("<" + tag + ">" + inline(text) + "</" + tag + ">\n")
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* ") || strings.HasPrefix(t, "・"):
			flushPara()
			if !inList {
				b.WriteString("<ul>\n")
				inList = true
			}
			item := strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(t, "- "), "* "), "・")
			b.WriteString("<li>" + inline(strings.TrimSpace(item)) + "</li>\n")
		default:
			if inList {
				closeList()
			}
			para = append(para, t)
		}
	}
	flushPara()
	closeList()
	return template.HTML(b.String()) // built only from escaped text and fixed tags
}

// inline escapes text and turns **x** into <strong>x</strong>.
func inline(s string) string {
	parts := strings.Split(s, "**")
	var b strings.Builder
	for i, p := range parts {
		open := i%2 == 1 && i < len(parts)-1 // an unmatched ** stays as text
		switch {
		case open:
			b.WriteString("<strong>" + html.EscapeString(p) + "</strong>")
		case i%2 == 1:
			b.WriteString("**" + html.EscapeString(p))
		default:
			b.WriteString(html.EscapeString(p))
		}
	}
	return b.String()
}

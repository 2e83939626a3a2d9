package site

import (
	"io"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"one\ntwo\n\nthree", "<p>one\ntwo</p>\n<p>three</p>\n"},
		{"## Head\n- a\n- **b**\n\nafter", "<h3>Head</h3>\n<ul>\n<li>a</li>\n<li><strong>b</strong></li>\n</ul>\n<p>after</p>\n"},
		{"<script>alert(1)</script> & \"x\"", "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;</p>\n"},
		{"<div>\nblock\n</div>", "<p>&lt;div&gt;\nblock\n&lt;/div&gt;</p>\n"},
		{"**open only", "<p>**open only</p>\n"},
		{"###### deep", "<h6>deep</h6>\n"},
		{"![a chart](https://example.com/x.png)", "<p>a chart</p>\n"},
		{"", ""},
		{"### 今回の処理\n\n| 表 | セル |\n|---|---:|\n| a_b | 1,234 |\n",
			"<h4>今回の処理</h4>\n<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"今回の処理\">\n<table>\n<caption class=\"visually-hidden\">今回の処理</caption>\n" +
				"<thead>\n<tr>\n<th scope=\"col\">表</th>\n<th scope=\"col\" class=\"num\">セル</th>\n</tr>\n</thead>\n" +
				"<tbody>\n<tr>\n<td>a_b</td>\n<td class=\"num\">1,234</td>\n</tr>\n</tbody>\n</table>\n</div>\n"},
		{"| a | b |\n|:-:|---|\n| 1 | 2 |", "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"a / b\">\n<table>\n<caption class=\"visually-hidden\">a / b</caption>\n" +
			"<thead>\n<tr>\n<th scope=\"col\">a</th>\n<th scope=\"col\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n</div>\n"},
	}
	for _, tt := range tests {
		if got := string(markdown(tt.in, 2)); got != tt.want {
			t.Errorf("markdown(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
		}
	}
}

// mdAllowed are the elements and attributes markdown may write.
var (
	mdElements = map[string]bool{"p": true, "ul": true, "ol": true, "li": true, "strong": true, "em": true, "code": true, "pre": true,
		"blockquote": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "a": true, "br": true, "hr": true,
		"div": true, "table": true, "caption": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true}
	mdAttrs = map[string]bool{"href": true, "title": true, "start": true, "class": true, "scope": true, "role": true, "tabindex": true, "aria-label": true}
)

// FuzzMarkdown: whatever the release text holds, the output has only the
// elements and attributes markdown makes, and no link that runs script
// or opens a local file.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"# h\n- a\n**b**", "<img src=x onerror=alert(1)>", "a**b**c**", "\r\n- \n#", "<<>>&&",
		"| a | b |\n|---|--:|\n| <b>x</b> | [l](javascript:alert(1)) |", "![x](http://h/i.png)", "<http://a.b/>", "```\n<script>\n```"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := string(markdown(s, 2))
		z := html.NewTokenizer(strings.NewReader(out))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				if z.Err() != io.EOF {
					t.Fatalf("markdown(%q): %v", s, z.Err())
				}
				return
			}
			if tt != html.StartTagToken && tt != html.EndTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			tok := z.Token()
			if !mdElements[tok.Data] {
				t.Errorf("markdown(%q) writes <%s>: %q", s, tok.Data, out)
			}
			for _, a := range tok.Attr {
				if !mdAttrs[a.Key] {
					t.Errorf("markdown(%q) writes the attribute %s: %q", s, a.Key, out)
				}
				if scheme, _, ok := strings.Cut(strings.ToLower(strings.TrimSpace(a.Val)), ":"); a.Key == "href" && ok &&
					(scheme == "javascript" || scheme == "vbscript" || scheme == "data" || scheme == "file") {
					t.Errorf("markdown(%q) writes a %s: link: %q", s, scheme, out)
				}
			}
		}
	})
}

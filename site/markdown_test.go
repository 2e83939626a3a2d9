package site

import (
	"strings"
	"testing"
)

func TestMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"one\ntwo\n\nthree", "<p>one two</p>\n<p>three</p>\n"},
		{"## Head\n- a\n- **b**\n\nafter", "<h3>Head</h3>\n<ul>\n<li>a</li>\n<li><strong>b</strong></li>\n</ul>\n<p>after</p>\n"},
		{"<script>alert(1)</script> & \"x\"", "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;x&#34;</p>\n"},
		{"**open only", "<p>**open only</p>\n"},
		{"・項目\n・二つ目", "<ul>\n<li>項目</li>\n<li>二つ目</li>\n</ul>\n"},
		{"###### deep", "<h6>deep</h6>\n"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := string(markdown(tt.in, 2)); got != tt.want {
			t.Errorf("markdown(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
		}
	}
}

// FuzzMarkdown: whatever the release text holds, the output has only the
// tags markdown makes, and no raw < or > from the input.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"# h\n- a\n**b**", "<img src=x onerror=alert(1)>", "a**b**c**", "\r\n- \n#", "<<>>&&"} {
		f.Add(s)
	}
	allowed := []string{"<p>", "</p>", "<ul>", "</ul>", "<li>", "</li>", "<strong>", "</strong>",
		"<h2>", "</h2>", "<h3>", "</h3>", "<h4>", "</h4>", "<h5>", "</h5>", "<h6>", "</h6>"}
	f.Fuzz(func(t *testing.T, s string) {
		out := string(markdown(s, 2))
		for _, a := range allowed {
			out = strings.ReplaceAll(out, a, "")
		}
		if strings.ContainsAny(out, "<>") {
			t.Errorf("markdown(%q) lets a tag through: %q", s, out)
		}
	})
}

package ingest

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// FuzzAppendString: the JSON writer's strings decode back to themselves.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "引用\"符", "tab\there\n", "\x00\x1f\\", "12345678\"12345678\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // readers never produce it
		}
		var got string
		if err := json.Unmarshal(appendString(nil, s), &got); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if got != s {
			t.Fatalf("%q came back as %q", s, got)
		}
	})
}

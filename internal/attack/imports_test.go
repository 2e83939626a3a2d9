package attack

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestIndependence: the attacker shares no code with what it checks. Its
// package imports the standard library only, and nothing in the directory,
// tests included, imports a kensho package (the root package, anonymize,
// sdc/*, analytics, site, reportfile, ...).
func TestIndependence(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files: %v", err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range af.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			if strings.HasPrefix(path, "github.com/kensho-jp/") {
				t.Errorf("%s imports %s: the attacker must not share code with kensho", f, path)
			}
			first := strings.SplitN(path, "/", 2)[0]
			if !strings.HasSuffix(f, "_test.go") && strings.Contains(first, ".") {
				t.Errorf("%s imports %s: the attacker's package uses the standard library only", f, path)
			}
		}
	}
}

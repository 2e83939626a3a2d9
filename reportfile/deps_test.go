package reportfile

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The dependency rules of reportfile, checked with go list as the Go
// project's go/build deps_test.go checks the standard library's layers:
// the parsing and row rules of the input contract are pure Go, so that
// kensho check and the browser's WebAssembly build run the code ingest
// runs (STYLE.md rule 18).

const self = "github.com/kensho-jp/kensho/reportfile"

// goList runs go list -deps with the given environment and returns one
// line per package, formatted by format.
func goList(t *testing.T, env []string, format string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-f", format, self)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

func TestDependencies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	// What reportfile must never reach: the database, and the stages
	// that use it.
	forbidden := []string{"database/sql", "github.com/duckdb/", "github.com/apache/arrow",
		"github.com/kensho-jp/kensho/internal/duck", "github.com/kensho-jp/kensho/ingest",
		"github.com/kensho-jp/kensho/anonymize", "github.com/kensho-jp/kensho/analytics",
		"github.com/kensho-jp/kensho/site"}
	var ours []string
	for _, line := range goList(t, nil, "{{.ImportPath}} {{.Standard}} {{len .CgoFiles}}") {
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("go list line %q", line)
		}
		path, std, cgo := f[0], f[1] == "true", f[2] != "0"
		for _, bad := range forbidden {
			if under(path, bad) {
				t.Errorf("reportfile depends on %s", path)
			}
		}
		// The standard library's net has an optional cgo resolver
		// (excelize imports net/http); CGO_ENABLED=0 below shows that
		// nothing needs it. Outside the standard library, no cgo at all.
		if cgo && !std {
			t.Errorf("reportfile depends on %s, which uses cgo", path)
		}
		if strings.HasPrefix(path, "github.com/kensho-jp/kensho") {
			ours = append(ours, path)
		}
	}
	// Of this module, only the root vocabulary (and reportfile itself).
	for _, p := range ours {
		if p != "github.com/kensho-jp/kensho" && p != self {
			t.Errorf("reportfile depends on %s; it may use only the root package of the module", p)
		}
	}
	for _, line := range goList(t, []string{"CGO_ENABLED=0"}, "{{.ImportPath}} {{len .CgoFiles}}") {
		if path, n, _ := strings.Cut(line, " "); n != "0" || path == "runtime/cgo" {
			t.Errorf("with CGO_ENABLED=0, %s still needs cgo", path)
		}
	}
}

// under reports whether package path is prefix or inside it; a prefix
// ending in / is a directory of modules (github.com/duckdb/).
func under(path, prefix string) bool {
	if strings.HasSuffix(prefix, "/") {
		return strings.HasPrefix(path, prefix)
	}
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// TestBuildsForWebAssembly builds reportfile for the browser.
func TestBuildsForWebAssembly(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(t.TempDir(), "reportfile.a"), self)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=js GOARCH=wasm go build %s: %v\n%s", self, err, out)
	}
}

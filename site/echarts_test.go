package site_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/kensho-jp/kensho/site"
)

var updateECharts = flag.Bool("update-echarts", false, "copy ECharts from node_modules (after npm ci) into assets/echarts/, the copy kensho embeds")

// TestEmbeddedECharts: the ECharts kensho embeds is, file for file, what npm
// installs for the version package-lock.json pins (make echarts copies it
// with -update-echarts). Without node_modules it skips, except under
// CI=true, where make test has run npm ci first.
func TestEmbeddedECharts(t *testing.T) {
	root := filepath.Join("..", "node_modules")
	pinned := lockedVersion(t, filepath.Join("..", "package-lock.json"), "node_modules/echarts")
	var installed struct{ Version string }
	b, err := os.ReadFile(filepath.Join(root, "echarts", "package.json"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and ECharts is not installed from npm (make npm): %v", err)
		}
		t.Skipf("ECharts is not installed from npm (make npm): %v", err)
	}
	if err := json.Unmarshal(b, &installed); err != nil {
		t.Fatal(err)
	}
	if installed.Version != pinned {
		t.Fatalf("node_modules holds ECharts %s, package-lock.json pins %s; run npm ci", installed.Version, pinned)
	}
	names := make([]string, 0, len(site.EChartsFiles))
	for n := range site.EChartsFiles {
		names = append(names, n)
	}
	sort.Strings(names) // a stable order of messages
	for _, name := range names {
		npm, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(site.EChartsFiles[name])))
		if err != nil {
			t.Fatal(err)
		}
		if *updateECharts {
			if err := os.WriteFile(filepath.Join("assets", "echarts", name), npm, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		embedded, err := site.EmbeddedECharts(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(embedded, npm) {
			t.Errorf("the embedded assets/echarts/%s differs from npm's %s (ECharts %s); run make echarts and rebuild", name, site.EChartsFiles[name], pinned)
		}
	}
	// The published copy is the embedded one.
	js := readSite(t, "assets/echarts.min.js")
	if want, _ := site.EmbeddedECharts("echarts.min.js"); !bytes.Equal(js, want) {
		t.Error("the site's assets/echarts.min.js is not the embedded ECharts")
	}
	if !bytes.Contains(js, []byte(`version="`+pinned+`"`)) {
		t.Errorf("the embedded echarts.min.js does not say it is version %s", pinned)
	}
	licence := readSite(t, "assets/echarts-LICENSE.txt")
	for _, want := range []string{"Apache License", "Apache ECharts", "d3", "Baidu"} {
		if !bytes.Contains(licence, []byte(want)) {
			t.Errorf("assets/echarts-LICENSE.txt does not mention %s", want)
		}
	}
}

// lockedVersion reads the version package-lock.json pins for a package.
func lockedVersion(t *testing.T, lockFile, pkg string) string {
	t.Helper()
	b, err := os.ReadFile(lockFile)
	if err != nil {
		t.Fatal(err)
	}
	var lock struct {
		Packages map[string]struct{ Version string } `json:"packages"`
	}
	if err := json.Unmarshal(b, &lock); err != nil {
		t.Fatal(err)
	}
	v := lock.Packages[pkg].Version
	if v == "" {
		t.Fatalf("%s pins no version of %s", lockFile, pkg)
	}
	return v
}

// TestEChartsOverride: --echarts serves the given file, with the LICENSE
// and NOTICE of its npm package, instead of the embedded copy.
func TestEChartsOverride(t *testing.T) {
	pkg := filepath.Join(t.TempDir(), "echarts")
	if err := os.MkdirAll(filepath.Join(pkg, "dist"), 0o755); err != nil {
		t.Fatal(err)
	}
	js := filepath.Join(pkg, "dist", "echarts.min.js")
	for name, body := range map[string]string{js: "/* another ECharts */\n", filepath.Join(pkg, "LICENSE"): "another licence\n"} {
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := renderFixture(context.Background(), fixture(), dir, site.Options{EChartsJS: js}); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{"echarts.min.js": "/* another ECharts */\n", "echarts-LICENSE.txt": "another licence\n\n"} {
		if b, _ := os.ReadFile(filepath.Join(dir, "assets", file)); string(b) != want {
			t.Errorf("assets/%s = %q, want %q", file, b, want)
		}
	}
}

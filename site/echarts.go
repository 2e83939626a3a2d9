package site

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
)

// The ECharts the site serves, embedded in the binary so that kensho needs
// neither npm nor a node_modules directory at run time: a binary installed
// with 'go install' builds a site anywhere. assets/echarts/ holds npm's
// dist/echarts.min.js of the version package-lock.json pins, committed to
// the repository, with the licences of what it bundles (ECharts' LICENSE
// and NOTICE, d3's and zrender's BSD licences). 'make echarts' copies them
// from node_modules after 'npm ci' (TestEmbeddedECharts -update-echarts);
// TestEmbeddedECharts checks that the committed copy is byte for byte
// npm's.
//
//go:embed assets/echarts/echarts.min.js assets/echarts/LICENSE assets/echarts/NOTICE assets/echarts/LICENSE-d3 assets/echarts/LICENSE-zrender
var echartsFS embed.FS

// EChartsFiles maps each embedded ECharts file (below assets/echarts/) to
// the file of the npm package it is a copy of (below node_modules/).
var EChartsFiles = map[string]string{
	"echarts.min.js":  "echarts/dist/echarts.min.js",
	"LICENSE":         "echarts/LICENSE",
	"NOTICE":          "echarts/NOTICE",
	"LICENSE-d3":      "echarts/licenses/LICENSE-d3",
	"LICENSE-zrender": "zrender/LICENSE",
}

// echartsLicences are the licence files published beside echarts.min.js,
// in the order they are joined into assets/echarts-LICENSE.txt.
var echartsLicences = []string{"LICENSE", "NOTICE", "LICENSE-d3", "LICENSE-zrender"}

// EmbeddedECharts returns an embedded ECharts file by its name in
// EChartsFiles.
func EmbeddedECharts(name string) ([]byte, error) {
	return echartsFS.ReadFile("assets/echarts/" + name)
}

// FindECharts checks the path of an echarts.min.js given to override the
// embedded one (--echarts); "" means the embedded copy and is always fine.
func FindECharts(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("echarts.min.js: %w; give the path of an echarts.min.js with --echarts, or leave it out to use the ECharts built into kensho", err)
	}
	return path, nil
}

// echartsAssets returns echarts.min.js and its licence text: the embedded
// copy, or the file at path with the LICENSE and NOTICE of its npm package
// (two levels above dist/echarts.min.js) when there are any.
func echartsAssets(path string) (js, licence []byte, err error) {
	if path == "" {
		if js, err = EmbeddedECharts("echarts.min.js"); err != nil {
			return nil, nil, err
		}
		for _, name := range echartsLicences {
			b, err := EmbeddedECharts(name)
			if err != nil {
				return nil, nil, err
			}
			licence = append(append(licence, b...), '\n')
		}
		return js, licence, nil
	}
	if js, err = os.ReadFile(path); err != nil {
		return nil, nil, fmt.Errorf("echarts.min.js: %w", err)
	}
	pkg := filepath.Dir(filepath.Dir(path))
	for _, f := range []string{"LICENSE", "NOTICE"} {
		if b, err := os.ReadFile(filepath.Join(pkg, f)); err == nil {
			licence = append(append(licence, b...), '\n')
		}
	}
	if len(licence) == 0 {
		licence = []byte("Apache ECharts is licensed under the Apache License, Version 2.0: http://www.apache.org/licenses/LICENSE-2.0\n")
	}
	return js, licence, nil
}

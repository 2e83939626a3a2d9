package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"encoding/json"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/site"
)

// renderSite: LoadRelease, a local export (ExportMicrodata's NEWLINE option fails on DuckDB 1.5), Render, Publish.
func renderSite(relPath, out string) {
	ctx := context.Background()
	rel, err := loadRelease(ctx, relPath)
	must(err)
	staging, err := os.MkdirTemp(filepath.Dir(out), ".kensho-staging-")
	must(err)
	db, err := duck.Open(ctx, relPath, duck.Options{ReadOnly: true})
	must(err)
	os.MkdirAll(filepath.Join(staging, "data"), 0o755)
	for _, x := range []struct{ name, opts string }{{"microdata.csv", "FORMAT CSV, HEADER true"}, {"microdata.parquet", "FORMAT PARQUET, COMPRESSION zstd"}} {
		_, err := db.ExecContext(ctx, fmt.Sprintf("COPY (SELECT * FROM microdata ORDER BY record_id) TO %s (%s)", duck.QuoteString(filepath.Join(staging, "data", x.name)), x.opts))
		must(err)
	}
	db.Close()
	st, err := site.Render(ctx, rel, staging, site.Options{})
	must(err)
	must(site.Publish(staging, out))
	fmt.Printf("%d pages, %d files, %d bytes, overview %d bytes gzip\n", st.Pages, st.Files, st.Bytes, st.Weight("index.html"))
}

func loadRelease(ctx context.Context, releasePath string) (*kensho.Release, error) {
	db, err := duck.Open(ctx, releasePath, duck.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var meta string
	if err := db.QueryRowContext(ctx, "SELECT value FROM release_meta WHERE key = 'release'").Scan(&meta); err != nil {
		return nil, err
	}
	rel := &kensho.Release{}
	if err := json.Unmarshal([]byte(meta), rel); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, "SELECT json FROM release_table ORDER BY ord")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var js string
		if err := rows.Scan(&js); err != nil {
			return nil, err
		}
		var t kensho.StatTable
		if err := json.Unmarshal([]byte(js), &t); err != nil {
			return nil, err
		}
		rel.Tables = append(rel.Tables, t)
	}
	return rel, rows.Err()
}

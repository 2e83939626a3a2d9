package anonymize

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

// ReleasePath returns the release database beside a restricted database:
// kensho.duckdb → kensho.release.duckdb.
func ReleasePath(dbPath string) string {
	if strings.HasSuffix(dbPath, ".duckdb") {
		return strings.TrimSuffix(dbPath, ".duckdb") + ".release.duckdb"
	}
	return dbPath + ".release.duckdb"
}

// releaseFormat is the version of the release database's layout.
const releaseFormat = "1"

// Publish audits the strings of rel (every table title and key, the
// summary, the risk text, the microdata's values) against the identifiers in
// the restricted database and, only if clean, writes the release database
// at releasePath atomically (temporary file, then rename): release_meta,
// release_table (each StatTable as JSON, without contributions) and
// microdata (a view that spells out the packed codes of microdata_packed,
// which costs a fraction of storing its text). rel.Tables must be p.Tables.
// A previous release is left untouched on any failure.
func Publish(ctx context.Context, db *sql.DB, releasePath string, rel *kensho.Release, p *Protected) error {
	if !p.Passed() {
		return errors.New("publish: the disclosure audit has not passed; nothing is published / 秘匿監査に合格していないため公表しません")
	}
	if rel == nil {
		return errors.New("publish: no release")
	}
	got, err := json.Marshal(rel.Tables)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	want, err := json.Marshal(p.Tables)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if !bytes.Equal(got, want) {
		return errors.New("publish: the release's tables are not the protected tables; nothing is published")
	}
	for _, t := range rel.Tables {
		for ri, r := range t.Rows {
			for mi, c := range r.Cells {
				if c.Status != kensho.Published && c.Status != kensho.Suppressed && c.Status != kensho.NotApplicable {
					return fmt.Errorf("publish: table %s row %d measure %d has no publishable status", t.Name, ri, mi)
				}
				if c.Contrib != nil || c.DependsOn != nil || (c.Status != kensho.Published && c.Value != 0) {
					return fmt.Errorf("publish: table %s row %d measure %d still carries restricted content", t.Name, ri, mi)
				}
			}
		}
	}
	if err := checkPublicCases(rel.PublicCases); err != nil {
		return err
	}
	ids, err := loadIdentifiers(ctx, db)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	strs := releaseStrings(rel)
	mstr, err := extractStrings(ctx, db, rel.Extracts)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if findings := ids.scan(append(strs, mstr...)); len(findings) > 0 {
		return &AuditError{Reasons: findings}
	}
	if err := writeRelease(ctx, db, releasePath, rel); err != nil {
		return fmt.Errorf("publish %s: %w", releasePath, err)
	}
	return nil
}

// checkPublicCases holds the public cases to what the register's columns
// allow: codes of their lists, a day, and http(s) addresses. Their source
// addresses are not scanned for identifiers: they are the public sources
// themselves, and an operator's own outage notice names the operator by
// its address (docs/public-facts.md).
func checkPublicCases(cases []kensho.PublicCase) error {
	for i, c := range cases {
		_, derr := time.Parse("2006-01-02", c.OccurredOn)
		ok := derr == nil && kensho.Services.Has(c.Service) && kensho.Causes.Has(c.Cause) && len(c.Sources) > 0
		for _, s := range c.Sources {
			ok = ok && (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) && !strings.ContainsAny(s, " \t\r\n\"<>")
		}
		if !ok {
			return fmt.Errorf("publish: public case %d holds something other than the register's public facts; nothing is published", i+1)
		}
	}
	return nil
}

// releaseStrings lists every string of the release the site shows.
func releaseStrings(rel *kensho.Release) []labelled {
	out := []labelled{{"release version", rel.Version}, {"release build date", rel.BuildDate},
		{"summary", rel.Summary.Ja}, {"summary", rel.Summary.En}, {"risk text", rel.Risk.Ja}, {"risk text", rel.Risk.En}}
	for _, t := range rel.Tables {
		out = append(out, tableStrings(t)...)
	}
	for _, e := range rel.Extracts {
		out = append(out, labelled{"extract name", e.Name}, labelled{"extract title", e.Title.Ja}, labelled{"extract title", e.Title.En},
			labelled{"extract description", e.Description.Ja}, labelled{"extract description", e.Description.En})
		for _, c := range e.Columns {
			out = append(out, labelled{"extract schema", c.Name}, labelled{"extract schema", c.Title.Ja},
				labelled{"extract schema", c.Title.En}, labelled{"extract schema", c.Codes}, labelled{"extract schema", c.Type})
		}
	}
	return out
}

// writeRelease builds the release database in a temporary file beside
// releasePath and renames it into place.
func writeRelease(ctx context.Context, db *sql.DB, releasePath string, rel *kensho.Release) (err error) {
	dir := filepath.Dir(releasePath)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(releasePath)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	f.Close()
	os.Remove(tmp) // DuckDB creates the file itself
	defer func() {
		if err != nil {
			os.Remove(tmp)
			os.Remove(tmp + ".wal")
		}
	}()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "ATTACH "+duck.QuoteString(tmp)+" AS kensho_release"); err != nil {
		return err
	}
	attached := true
	defer func() {
		if attached {
			conn.ExecContext(context.WithoutCancel(ctx), "DETACH kensho_release")
		}
	}()
	meta := *rel
	meta.Tables = nil
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	stmts := []string{
		"CREATE TABLE kensho_release.release_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
		"CREATE TABLE kensho_release.release_table (ord INTEGER PRIMARY KEY, name VARCHAR NOT NULL UNIQUE, json VARCHAR NOT NULL)",
	}
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	if _, err := conn.ExecContext(ctx, "INSERT INTO kensho_release.release_meta VALUES ('format', ?), ('release', ?)", releaseFormat, string(metaJSON)); err != nil {
		return err
	}
	for i, t := range rel.Tables {
		b, err := json.Marshal(t)
		if err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO kensho_release.release_table VALUES (?, ?, ?)", i, t.Name, string(b)); err != nil {
			return err
		}
	}
	// The extracts' records, in record-id order, which ExportExtracts
	// relies on: DuckDB keeps an ORDER BY's order in the table while
	// preserve_insertion_order is on (the default; a load turns it off
	// while it runs).
	var order string
	if err := conn.QueryRowContext(ctx, "SELECT current_setting('preserve_insertion_order')::VARCHAR").Scan(&order); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "SET preserve_insertion_order = true"); err != nil {
		return err
	}
	for _, e := range rel.Extracts {
		t := duck.QuoteIdent(extractTable(e.Name))
		if _, err = conn.ExecContext(ctx, "CREATE TABLE kensho_release."+t+" AS SELECT * FROM "+t+" ORDER BY record_id"); err != nil {
			break
		}
	}
	if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "SET preserve_insertion_order = "+order); err == nil {
		err = rerr
	}
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "CHECKPOINT kensho_release"); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "DETACH kensho_release"); err != nil {
		return err
	}
	attached = false
	if err := checkExtractRows(ctx, tmp, rel.Extracts); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, releasePath); err != nil {
		return err
	}
	os.Remove(releasePath + ".wal") // a stale log of an earlier release must not replay into this one
	return nil
}

// checkExtractRows checks that the release database at path holds the
// records the release describes.
func checkExtractRows(ctx context.Context, path string, extracts []kensho.ExtractInfo) error {
	rdb, err := duck.Open(ctx, path, duck.Options{ReadOnly: true, Threads: 1})
	if err != nil {
		return err
	}
	defer rdb.Close()
	for _, e := range extracts {
		var n int
		if err := rdb.QueryRowContext(ctx, "SELECT count(*) FROM "+duck.QuoteIdent(extractTable(e.Name))).Scan(&n); err != nil {
			return err
		}
		if n != e.Rows {
			return fmt.Errorf("extract %s holds %d records but the release describes %d", e.Name, n, e.Rows)
		}
	}
	return rdb.Close()
}

// LoadRelease reads a release database into the value the site renders.
func LoadRelease(ctx context.Context, releasePath string) (*kensho.Release, error) {
	db, err := duck.Open(ctx, releasePath, duck.Options{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("load release: %w", err)
	}
	defer db.Close()
	var format, meta string
	if err := db.QueryRowContext(ctx, "SELECT value FROM release_meta WHERE key = 'format'").Scan(&format); err != nil {
		return nil, fmt.Errorf("load release %s: %w", releasePath, err)
	}
	if format != releaseFormat {
		return nil, fmt.Errorf("load release %s: format %q, this kensho reads %q; rebuild the release", releasePath, format, releaseFormat)
	}
	if err := db.QueryRowContext(ctx, "SELECT value FROM release_meta WHERE key = 'release'").Scan(&meta); err != nil {
		return nil, fmt.Errorf("load release %s: %w", releasePath, err)
	}
	rel := &kensho.Release{}
	if err := json.Unmarshal([]byte(meta), rel); err != nil {
		return nil, fmt.Errorf("load release %s: %w", releasePath, err)
	}
	rows, err := db.QueryContext(ctx, "SELECT json FROM release_table ORDER BY ord")
	if err != nil {
		return nil, fmt.Errorf("load release %s: %w", releasePath, err)
	}
	defer rows.Close()
	for rows.Next() {
		var js string
		if err := rows.Scan(&js); err != nil {
			return nil, err
		}
		var t kensho.StatTable
		if err := json.Unmarshal([]byte(js), &t); err != nil {
			return nil, fmt.Errorf("load release %s: %w", releasePath, err)
		}
		rel.Tables = append(rel.Tables, t)
	}
	return rel, rows.Err()
}

// ExtractFile is the base name of an extract's files in the site's data
// directory: microdata_<name>.csv and .parquet.
func ExtractFile(name string) string { return "microdata_" + name }

// ExportExtracts writes every extract of the release database as
// dir/microdata_<name>.csv and .parquet, in record-id order, with fixed
// formats, so the same release gives the same bytes.
//
// The extract tables are written in record-id order (Publish), and DuckDB
// keeps a single table's row order through COPY while
// preserve_insertion_order is on (set here, whatever the default): so the
// files come out in record-id order without a sort.
func ExportExtracts(ctx context.Context, releasePath, dir string) error {
	rel, err := LoadRelease(ctx, releasePath)
	if err != nil {
		return fmt.Errorf("export extracts: %w", err)
	}
	db, err := duck.Open(ctx, releasePath, duck.Options{ReadOnly: true, Threads: 1})
	if err != nil {
		return fmt.Errorf("export extracts: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "SET preserve_insertion_order = true"); err != nil {
		return fmt.Errorf("export extracts: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("export extracts: %w", err)
	}
	for _, e := range rel.Extracts {
		for _, x := range []struct{ ext, opts string }{
			{".csv", "FORMAT CSV, HEADER true, DELIMITER ',', QUOTE '\"'"},
			{".parquet", "FORMAT PARQUET, COMPRESSION zstd, ROW_GROUP_SIZE 122880"},
		} {
			name := ExtractFile(e.Name) + x.ext
			final := filepath.Join(dir, name)
			tmp := filepath.Join(dir, "."+name+".tmp")
			q := fmt.Sprintf("COPY (SELECT * FROM %s) TO %s (%s)", duck.QuoteIdent(extractTable(e.Name)), duck.QuoteString(tmp), x.opts)
			if _, err := db.ExecContext(ctx, q); err != nil {
				os.Remove(tmp)
				return fmt.Errorf("export extracts %s: %w", name, err)
			}
			if err := os.Rename(tmp, final); err != nil {
				os.Remove(tmp)
				return fmt.Errorf("export extracts %s: %w", name, err)
			}
		}
	}
	return nil
}

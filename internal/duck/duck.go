// Package duck opens DuckDB databases the one way kensho allows: extension
// autoloading and autoinstalling off (kensho makes no network request at run
// time; only the statically linked core_functions, icu, json and parquet
// exist), a fixed time zone, and an optional memory limit and spill
// directory. It must never hold domain logic.
package duck

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Options tune a database opened by Open.
type Options struct {
	// MemoryLimit, e.g. "3GB"; empty leaves DuckDB's default (80% of RAM).
	MemoryLimit string
	// TempDir is where DuckDB spills when over MemoryLimit.
	TempDir string
	// Threads; 0 leaves DuckDB's default (one per core).
	Threads int
	// ReadOnly opens an existing database without write access.
	ReadOnly bool
}

// Open opens (creating if needed) the DuckDB database at path; "" is an
// in-memory database. A new file is created readable by its owner only,
// since the restricted database holds operator names and free text.
func Open(ctx context.Context, path string, opt Options) (*sql.DB, error) {
	q := url.Values{}
	q.Set("autoinstall_known_extensions", "false")
	q.Set("autoload_known_extensions", "false")
	if opt.MemoryLimit != "" {
		q.Set("memory_limit", opt.MemoryLimit)
	}
	if opt.TempDir != "" {
		q.Set("temp_directory", opt.TempDir)
	}
	if opt.Threads > 0 {
		q.Set("threads", fmt.Sprint(opt.Threads))
	}
	if opt.ReadOnly {
		q.Set("access_mode", "READ_ONLY")
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
	}
	if path != "" && !opt.ReadOnly {
		if err := checkTarget(path); err != nil {
			return nil, err
		}
	}
	connector, err := duckdb.NewConnector(path+"?"+q.Encode(), func(execer driver.ExecerContext) error {
		// Autoload is already off in the DSN; the time zone is an ICU
		// setting that the DSN does not accept. Timestamps in kensho are
		// naive Japan time, so this matters only for functions that
		// convert (now(), casts to TIMESTAMPTZ).
		for _, s := range []string{
			"SET autoinstall_known_extensions = false",
			"SET autoload_known_extensions = false",
			"SET TimeZone = 'Asia/Tokyo'",
		} {
			if _, err := execer.ExecContext(ctx, s, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db := sql.OpenDB(connector)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if path != "" && !opt.ReadOnly {
		// The restricted database holds operator names and free text:
		// owner-only, whatever the umask.
		if err := Restrict(path); err != nil {
			db.Close()
			return nil, err
		}
	}
	opened.Store(db, opt.MemoryLimit)
	return db, nil
}

// opened holds the memory limit each database was opened with.
var opened sync.Map // *sql.DB -> string

// OpenedMemoryLimit returns the memory limit db was opened with ("" for
// DuckDB's default), and false when Open did not open it. DuckDB shows
// its memory limit rounded, so a stage that lowers it for a while sets it
// back from this value (or with RESET, for the default), exactly.
func OpenedMemoryLimit(db *sql.DB) (string, bool) {
	v, ok := opened.Load(db)
	if !ok {
		return "", false
	}
	return v.(string), true
}

// ParseBytes reads a size as DuckDB writes one ("512.0 MiB", "18.8 GiB",
// "0 bytes"): binary units. ok is false for anything else.
func ParseBytes(s string) (int64, bool) {
	num, unit, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 {
		return 0, false
	}
	scale := map[string]float64{"bytes": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40, "PiB": 1 << 50}[unit]
	if scale == 0 {
		return 0, false
	}
	return int64(v * scale), true
}

// checkTarget refuses a path that exists and is not a DuckDB database, so a
// mistyped --db never overwrites a user's file.
func checkTarget(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	if fi.IsDir() || !isDuckDB(path) {
		return fmt.Errorf("open database %s: the path exists and is not a DuckDB database; choose another --db", path)
	}
	return nil
}

// isDuckDB checks the DuckDB file magic ("DUCK" at offset 8).
func isDuckDB(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var b [12]byte
	if _, err := f.ReadAt(b[:], 0); err != nil {
		return false
	}
	return string(b[8:12]) == "DUCK"
}

// Restrict makes the database file at path (and its WAL) readable and
// writable by the owner only. Call it after Open on a file database.
func Restrict(path string) error {
	if path == "" {
		return nil
	}
	for _, p := range []string{path, path + ".wal"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restrict %s: %w", p, err)
		}
	}
	return nil
}

// IsConversionError reports whether err is DuckDB failing to cast a
// value, such as a text that an ENUM does not list.
func IsConversionError(err error) bool {
	var de *duckdb.Error
	return errors.As(err, &de) && de.Type == duckdb.ErrorTypeConversion
}

// QuoteString quotes s as a SQL string literal (for statements such as
// COPY ... TO 'path' that take no parameters).
func QuoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// QuoteIdent quotes s as a SQL identifier.
func QuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// MustOpenMemory opens an in-memory database for a test and closes it when
// the test ends.
func MustOpenMemory(t interface {
	Helper()
	Fatal(...any)
	Cleanup(func())
}) *sql.DB {
	t.Helper()
	db, err := Open(context.Background(), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

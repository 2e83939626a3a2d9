package ingest

import (
	"bytes"
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"text/template"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

//go:embed sql/load.sql
var loadSQL string

// loadSteps are the statements of sql/load.sql, by step name.
type loadSteps struct {
	sql map[string]*template.Template
	// DuckDB's threads before the load (loadSettings), and now.
	threads, threadsNow int

	accidentColumns string // read_ndjson columns of a valid row's line: {c0: 'VARCHAR', ...}
	accidentSelect  string // c0 AS operator_id, ...
}

var (
	stepHeader = regexp.MustCompile(`(?m)^-- step ([a-z_]+)\n`)
	paramName  = regexp.MustCompile(`\$([a-z_]+)`)
)

func newLoadSteps(ctx context.Context, conn *sql.Conn) (*loadSteps, error) {
	s := &loadSteps{sql: map[string]*template.Template{}}
	locs := stepHeader.FindAllStringSubmatchIndex(loadSQL, -1)
	for i, l := range locs {
		end := len(loadSQL)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		name := loadSQL[l[2]:l[3]]
		t, err := template.New(name).Option("missingkey=error").Parse(strings.TrimSpace(loadSQL[l[1]:end]))
		if err != nil {
			return nil, fmt.Errorf("ingest: sql/load.sql step %s: %w", name, err)
		}
		s.sql[name] = t
	}
	q, args, err := s.render("accident_columns", nil, nil)
	if err != nil {
		return nil, err
	}
	rows, err := conn.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("ingest: accident columns: %w", err)
	}
	defer rows.Close()
	var names, cols, sel []string
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, fmt.Errorf("ingest: accident columns: %w", err)
		}
		key := fmt.Sprintf("c%d", len(cols))
		names = append(names, name)
		cols = append(cols, key+": "+duck.QuoteString(typ))
		sel = append(sel, key+" AS "+duck.QuoteIdent(name))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ingest: accident columns: %w", err)
	}
	// The Go code writes the columns in its own order; a database made
	// by another version of the schema must not receive them shifted.
	if strings.Join(names, ",") != strings.Join(accidentFields, ",") {
		return nil, fmt.Errorf("ingest: the accident table has columns %s, but this version of kensho writes %s; use a new --db",
			strings.Join(names, ", "), strings.Join(accidentFields, ", "))
	}
	s.accidentColumns = "{" + strings.Join(cols, ", ") + "}"
	s.accidentSelect = strings.Join(sel, ", ")
	return s, nil
}

// render fills a step's template and picks, from params, the named
// parameters the statement uses (DuckDB refuses unused ones).
func (s *loadSteps) render(step string, data any, params map[string]any) (string, []any, error) {
	t, ok := s.sql[step]
	if !ok {
		return "", nil, fmt.Errorf("ingest: sql/load.sql has no step %s", step)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", nil, fmt.Errorf("ingest: step %s: %w", step, err)
	}
	q := b.String()
	var args []any
	seen := map[string]bool{}
	for _, m := range paramName.FindAllStringSubmatch(q, -1) {
		if seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		v, ok := params[m[1]]
		if !ok {
			return "", nil, fmt.Errorf("ingest: step %s needs $%s", step, m[1])
		}
		args = append(args, sql.Named(m[1], v))
	}
	return q, args, nil
}

// timestampText renders a JST time as the naive TIMESTAMP text DuckDB
// stores (passing a time.Time would store its UTC wall clock).
func timestampText(t time.Time) string {
	return t.In(kensho.JST).Format("2006-01-02 15:04:05.999999")
}

func jst() *time.Location { return kensho.JST }

// queryRower is a connection or the pool: loadedAt runs on a connection
// of its own while the loading one is in another file's transaction.
type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// loadedAt returns when a file with this SHA-256 was loaded, if it was.
func (s *loadSteps) loadedAt(ctx context.Context, q queryRower, sha string) (time.Time, bool, error) {
	query, args, err := s.render("loaded_at", nil, map[string]any{"sha": sha})
	if err != nil {
		return time.Time{}, false, err
	}
	var at time.Time
	switch err := q.QueryRowContext(ctx, query, args...).Scan(&at); {
	case err == sql.ErrNoRows:
		return time.Time{}, false, nil
	case err != nil:
		return time.Time{}, false, err
	}
	return at, true, nil
}

// hasAccidents reports whether the accident table holds any row.
func (s *loadSteps) hasAccidents(ctx context.Context, q queryRower) (bool, error) {
	query, _, err := s.render("has_accidents", nil, nil)
	if err != nil {
		return false, err
	}
	var has bool
	if err := q.QueryRowContext(ctx, query).Scan(&has); err != nil {
		return false, fmt.Errorf("has_accidents: %w", err)
	}
	return has, nil
}

func fileParams(fr *FileReport, loadedAt time.Time) map[string]any {
	var ja, en any
	if fr.note.Ja != "" {
		ja, en = fr.note.Ja, fr.note.En
	}
	var enc any
	if fr.encoding != "" {
		enc = fr.encoding
	}
	return map[string]any{
		"sha": fr.SHA256, "file": fr.Path, "format": fr.format, "encoding": enc, "status": fr.Status,
		"message_ja": ja, "message_en": en, "rows_read": fr.RowsRead, "rows_loaded": fr.RowsLoaded,
		"rows_quarantined": fr.RowsQuarantined, "warnings": fr.Warnings, "loaded_at": timestampText(loadedAt),
	}
}

// inTx runs fn in a transaction on conn.
func inTx(ctx context.Context, conn *sql.Conn, fn func(tx *sql.Tx) error) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (s *loadSteps) exec(ctx context.Context, tx *sql.Tx, step string, data any, params map[string]any) (int64, error) {
	q, args, err := s.render(step, data, params)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", step, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", step, err)
	}
	return n, nil
}

// recordFile records a rejected file.
func (s *loadSteps) recordFile(ctx context.Context, conn *sql.Conn, fr *FileReport, loadedAt time.Time) error {
	p := fileParams(fr, loadedAt)
	return inTx(ctx, conn, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, "forget_attempt", nil, p); err != nil {
			return err
		}
		_, err := s.exec(ctx, tx, "file", nil, p)
		return err
	})
}

// load moves a validated file from its temporary files into the tables,
// in one transaction: the new rows, superseded versions to history (only
// when corrects says a row may replace one), quarantine, warnings, and
// the file's own record.
func (s *loadSteps) load(ctx context.Context, conn *sql.Conn, fr *FileReport, w *fileWriter, loadedAt time.Time,
	corrects bool, beforeCommit func(string)) error {
	p := fileParams(fr, loadedAt)
	maxObject := 16 << 20
	if w.maxLine+1 > maxObject {
		maxObject = w.maxLine + 1
	}
	parts, accLines := w.accidentParts()
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = duck.QuoteString(p)
	}
	data := map[string]any{
		"Accident":      "[" + strings.Join(quoted, ", ") + "]",
		"QuarantineRow": duck.QuoteString(w.qrow.path), "QuarantineError": duck.QuoteString(w.qerr.path),
		"Warning": duck.QuoteString(w.warn.path), "AccidentColumns": s.accidentColumns,
		"AccidentSelect": s.accidentSelect, "MaxObject": maxObject,
	}
	threads := s.threads
	if accLines < smallLoad {
		threads = 1
	}
	if err := s.useThreads(ctx, conn, threads); err != nil {
		return err
	}
	return inTx(ctx, conn, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, "forget_attempt", data, p); err != nil {
			return err
		}
		if accLines > 0 {
			n, err := s.exec(ctx, tx, "accident", data, p)
			if err != nil {
				return err
			}
			if n != int64(accLines) {
				return fmt.Errorf("accident: %d rows validated but %d inserted", accLines, n)
			}
			for _, step := range []string{"history", "supersede"} {
				if !corrects {
					break
				}
				if _, err := s.exec(ctx, tx, step, data, p); err != nil {
					return err
				}
			}
		}
		for _, f := range []struct {
			step string
			file *ndjsonFile
		}{{"quarantine_row", w.qrow}, {"quarantine_error", w.qerr}, {"warning", w.warn}} {
			if f.file.lines == 0 {
				continue
			}
			n, err := s.exec(ctx, tx, f.step, data, p)
			if err != nil {
				return err
			}
			if n != int64(f.file.lines) {
				return fmt.Errorf("%s: %d rows written but %d inserted", f.step, f.file.lines, n)
			}
		}
		if _, err := s.exec(ctx, tx, "file", data, p); err != nil {
			return err
		}
		if beforeCommit != nil {
			beforeCommit(fr.Path)
		}
		return nil
	})
}

// loadCheckpointThreshold is the write-ahead log size at which DuckDB
// checkpoints during a load (its default is 16 MiB, a few files' worth).
const loadCheckpointThreshold = "1GiB"

// smallLoad is the number of valid rows below which a file is loaded on
// one DuckDB thread (see the threads step of sql/load.sql).
const smallLoad = 100_000

// loadSettings turns off preserve_insertion_order and FSST compression
// and raises the checkpoint threshold for the load (see sql/load.sql),
// and notes DuckDB's threads, which useThreads changes file by file; it
// returns the function that restores all four. The settings are the
// database's, not conn's: when a cancelled transaction has closed conn,
// another connection of db restores them.
func (s *loadSteps) loadSettings(ctx context.Context, db *sql.DB, conn *sql.Conn) (func(), error) {
	q, _, err := s.render("load_settings", nil, nil)
	if err != nil {
		return nil, err
	}
	var order, threshold, disabled string
	if err := conn.QueryRowContext(ctx, q).Scan(&order, &threshold, &disabled, &s.threads); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	s.threadsNow = s.threads
	set := func(ctx context.Context, on execer, order, threshold, disabled string) error {
		q, _, err := s.render("set_load_settings", map[string]any{
			"InsertionOrder": order, "CheckpointThreshold": duck.QuoteString(threshold),
			"DisabledCompression": duck.QuoteString(disabled)}, nil)
		if err != nil {
			return err
		}
		_, err = on.ExecContext(ctx, q)
		return err
	}
	noFSST := "fsst"
	if disabled != "" {
		noFSST = disabled + ",fsst"
	}
	if err := set(ctx, conn, "false", loadCheckpointThreshold, noFSST); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	// Restored even when the load was cancelled.
	return func() {
		ctx := context.WithoutCancel(ctx)
		if set(ctx, conn, order, threshold, disabled) != nil {
			set(ctx, db, order, threshold, disabled)
		}
		if s.useThreads(ctx, conn, s.threads) != nil {
			s.useThreads(ctx, db, s.threads)
		}
	}, nil
}

// execer is a connection or the pool.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// useThreads sets DuckDB's threads to n, unless they are n already.
func (s *loadSteps) useThreads(ctx context.Context, on execer, n int) error {
	if n == s.threadsNow {
		return nil
	}
	q, _, err := s.render("threads", map[string]any{"Threads": n}, nil)
	if err != nil {
		return err
	}
	if _, err := on.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	s.threadsNow = n
	return nil
}

// checkpoint writes what the load committed into the database file, on
// all of DuckDB's threads.
func (s *loadSteps) checkpoint(ctx context.Context, conn *sql.Conn) error {
	if err := s.useThreads(ctx, conn, s.threads); err != nil {
		return err
	}
	q, _, err := s.render("checkpoint", nil, nil)
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("ingest: checkpoint: %w", err)
	}
	return nil
}

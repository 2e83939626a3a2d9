package ingest

import (
	"bytes"
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"regexp"
	"strconv"
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

	accidentColumns string // read_ndjson columns of a valid row's line: c0: 'VARCHAR', ...
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
	s.accidentColumns = strings.Join(cols, ", ")
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

// queryRower is a connection or the pool.
type queryRower interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// loadedFiles returns, for the SHA-256 of every file loaded before, when
// it was first loaded (a second load of the same bytes changes nothing).
func (s *loadSteps) loadedFiles(ctx context.Context, q queryRower) (map[string]time.Time, error) {
	query, _, err := s.render("loaded_files", nil, nil)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("ingest: loaded files: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var sha string
		var at time.Time
		if err := rows.Scan(&sha, &at); err != nil {
			return nil, fmt.Errorf("ingest: loaded files: %w", err)
		}
		out[sha] = at
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ingest: loaded files: %w", err)
	}
	return out, nil
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

// fileRow is a file's row of ingest_file as SQL values ($loaded_at is the
// group's load time).
func fileRow(fr *FileReport) string {
	text := func(v string) string {
		if v == "" {
			return "NULL"
		}
		return duck.QuoteString(v)
	}
	return fmt.Sprintf("(%s, %s, %s, %s, %s, %s, %s, %d, %d, %d, %d, $loaded_at::TIMESTAMP)",
		duck.QuoteString(fr.SHA256), duck.QuoteString(fr.Path), duck.QuoteString(fr.format), text(fr.encoding),
		duck.QuoteString(fr.Status), text(fr.note.Ja), text(fr.note.En),
		fr.RowsRead, fr.RowsLoaded, fr.RowsQuarantined, fr.Warnings)
}

// partList is the temporary files of one kind of a group's files: the
// list read_ndjson reads, and where the lines of each file of the group
// are (a part of its own, or a spool segment and its index there).
type partList struct {
	files, parts []string
	segs         []*segment
	seen         map[string]bool
	lines        int
}

func (l *partList) add(n *ndjsonFile, fr *FileReport) {
	if n.lines == 0 {
		return
	}
	path, index, seg := n.source()
	q := duck.QuoteString(path)
	if !l.seen[path] {
		if l.seen == nil {
			l.seen = map[string]bool{}
		}
		l.seen[path] = true
		l.files = append(l.files, q)
		if seg != nil {
			l.segs = append(l.segs, seg)
		}
	}
	l.parts = append(l.parts, "("+q+", "+strconv.Itoa(index)+", "+duck.QuoteString(fr.SHA256)+", "+duck.QuoteString(fr.Path)+")")
	l.lines += n.lines
}

// data is the template data of the step that reads these parts.
func (l *partList) data(common map[string]any) map[string]any {
	d := map[string]any{
		"Files": "[" + strings.Join(l.files, ", ") + "]",
		"Parts": "(VALUES " + strings.Join(l.parts, ", ") + ") AS g(part, f, sha256, path)",
	}
	for k, v := range common {
		d[k] = v
	}
	return d
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

// loadGroup moves files from their temporary files into the tables, in
// one transaction: for each, its earlier rejected attempt is forgotten,
// its new rows inserted, the versions they replace moved to history (only
// when corrects says a row may replace one), its quarantine and warnings
// inserted, and its own record written. A rejected file gets its record
// only. Each step is one statement for all the files.
func (s *loadSteps) loadGroup(ctx context.Context, conn *sql.Conn, sp *spool, files []*preparedFile, loadedAt time.Time,
	corrects bool, beforeCommit func(string)) error {
	var shas, fileRows []string
	var acc, qrow, qerr, warn partList
	maxLine := 0
	for _, p := range files {
		shas = append(shas, duck.QuoteString(p.fr.SHA256))
		fileRows = append(fileRows, fileRow(&p.fr))
		w := p.w
		if w == nil {
			continue
		}
		for _, n := range w.accParts {
			acc.add(n, &p.fr)
		}
		qrow.add(w.qrow, &p.fr)
		qerr.add(w.qerr, &p.fr)
		warn.add(w.warn, &p.fr)
		maxLine = max(maxLine, w.maxLine)
	}
	for _, l := range []*partList{&acc, &qrow, &qerr, &warn} {
		if err := sp.seal(l.segs); err != nil {
			return fmt.Errorf("ingest: %w", err)
		}
	}
	common := map[string]any{
		"Shas": strings.Join(shas, ", "), "FileRows": strings.Join(fileRows, ",\n       "),
		"AccidentColumns": s.accidentColumns, "AccidentSelect": s.accidentSelect,
		"MaxObject": max(16<<20, maxLine+1),
	}
	params := map[string]any{"loaded_at": timestampText(loadedAt)}
	threads := s.threads
	if acc.lines < smallLoad {
		threads = 1
	}
	if err := s.useThreads(ctx, conn, threads); err != nil {
		return err
	}
	return inTx(ctx, conn, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, "forget_attempt", common, params); err != nil {
			return err
		}
		steps := []struct {
			step  string
			parts *partList
		}{{"accident", &acc}, {"history", &acc}, {"supersede", &acc},
			{"quarantine_row", &qrow}, {"quarantine_error", &qerr}, {"warning", &warn}}
		for _, st := range steps {
			if st.parts.lines == 0 || (st.step == "history" || st.step == "supersede") && !corrects {
				continue
			}
			n, err := s.exec(ctx, tx, st.step, st.parts.data(common), params)
			if err != nil {
				return err
			}
			if st.step != "history" && st.step != "supersede" && n != int64(st.parts.lines) {
				return fmt.Errorf("%s: %d rows written but %d inserted", st.step, st.parts.lines, n)
			}
		}
		if _, err := s.exec(ctx, tx, "file", common, params); err != nil {
			return err
		}
		if beforeCommit != nil {
			for _, p := range files {
				if p.w != nil {
					beforeCommit(p.fr.Path)
				}
			}
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

// loadMemoryLimit is DuckDB's memory limit while files load (see the step
// load_settings), when it was higher.
const loadMemoryLimit = 512 << 20

// loadSettings turns off preserve_insertion_order and FSST compression,
// raises the checkpoint threshold and lowers DuckDB's memory limit for
// the load (see sql/load.sql), and notes DuckDB's threads, which
// useThreads changes file by file; it returns the function that restores
// all five. The settings are the database's, not conn's: when a
// cancelled transaction has closed conn, another connection of db
// restores them. The memory limit is lowered only in a database file that
// duck.Open opened, whose limit it can set back exactly.
func (s *loadSteps) loadSettings(ctx context.Context, db *sql.DB, conn *sql.Conn) (func(), error) {
	q, _, err := s.render("load_settings", nil, nil)
	if err != nil {
		return nil, err
	}
	var order, threshold, disabled, memory string
	var onDisk bool
	if err := conn.QueryRowContext(ctx, q).Scan(&order, &threshold, &disabled, &s.threads, &memory, &onDisk); err != nil {
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
	setMemory := func(ctx context.Context, on execer, limit string) error {
		if limit != "" {
			limit = duck.QuoteString(limit)
		}
		q, _, err := s.render("memory_limit", map[string]any{"Limit": limit}, nil)
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
	opened, known := duck.OpenedMemoryLimit(db)
	current, parsed := duck.ParseBytes(memory)
	lower := onDisk && known && (!parsed || current > loadMemoryLimit)
	if lower {
		if err := setMemory(ctx, conn, strconv.Itoa(loadMemoryLimit)+"B"); err != nil {
			return nil, fmt.Errorf("ingest: %w", err)
		}
	}
	// Restored even when the load was cancelled.
	return func() {
		ctx := context.WithoutCancel(ctx)
		if set(ctx, conn, order, threshold, disabled) != nil {
			set(ctx, db, order, threshold, disabled)
		}
		if lower && setMemory(ctx, conn, opened) != nil {
			setMemory(ctx, db, opened)
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

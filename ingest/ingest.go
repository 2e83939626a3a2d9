// Package ingest loads operators' quarterly accident reports (CSV in UTF-8
// or Shift_JIS/CP932, XLSX) into the restricted DuckDB database, as
// docs/report-format.md defines them and docs/contract.md lays out the
// tables.
//
// Every row is validated against every rule of the spec. A row with any
// error goes whole to quarantine with all its errors (file, row as a
// spreadsheet user counts it, column header as written, value, code, and a
// message in Japanese and English); the other rows load. A file that
// cannot be read at all is rejected with one message and the others still
// load. A row whose (operator_id, report_no) exists replaces it, the old
// version kept in history; a file already loaded (same SHA-256) changes
// nothing; each file loads whole or not at all.
//
// ingest must never drop a row silently, never guess an encoding or a code
// it cannot read, and never publish anything: its tables hold identifiers.
//
// How: package reportfile reads each file (CSV decoded from UTF-8 or
// CP932, XLSX) and validates every row on every core, using the root
// vocabulary for every code list and threshold; it also keeps keys unique
// within a file. ingest gives it the writer (writer.go), which writes what
// reportfile finds to temporary NDJSON files (ndjson.go, spool.go); DuckDB
// then loads them set-based, one statement per table, in one transaction
// (sql/load.sql) for a file or a group of small files (group.go). The next
// files are read and validated while the database loads (ahead.go).
// LoadPublicFacts (publicfacts.go) loads the register of public facts
// (docs/public-facts.md), which reportfile reads too, into tables of its
// own, replacing the previous register.
// Everything that reads a user's file is in
// reportfile, which must stay free of the database so that kensho check
// and the browser's check run the very same rules.
package ingest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"slices"
	"time"

	"github.com/kensho-jp/kensho/reportfile"
)

// Config tunes a load.
type Config struct {
	Now      func() time.Time // load time clock; nil = time.Now
	Progress io.Writer        // where a progress bar goes (nil = none); only when it is a terminal
	// BeforeCommit, if set, is called with a file's path while its
	// transaction is open, just before it commits: a seam for crash tests
	// (a process killed there must leave none of the file's rows).
	BeforeCommit func(path string)
}

// Load reads every file of paths (a directory is walked for .csv and
// .xlsx, in sorted order) into db, creating the tables when missing. It
// returns an error only when the database fails; files that cannot be
// read, and a file the database refuses, are in the report, rejected.
//
// Files are read and validated ahead of the database on the other cores
// (up to prepareAhead bytes of input ahead), and small files are loaded
// in groups, one transaction each (see loader): a file still loads whole
// or not at all, and a file that fails never stops the others. Load takes
// one connection from db.
func Load(ctx context.Context, db *sql.DB, paths []string, cfg Config) (*Report, error) {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	if err := createTables(ctx, db); err != nil {
		return nil, err
	}
	targets := reportfile.Targets(paths)
	// Temporary tables and transactions belong to one connection.
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	defer conn.Close()
	steps, err := newLoadSteps(ctx, conn)
	if err != nil {
		return nil, err
	}
	restore, err := steps.loadSettings(ctx, db, conn)
	if err != nil {
		return nil, err
	}
	defer restore()
	if prev := debug.SetMemoryLimit(-1); prev == math.MaxInt64 {
		debug.SetMemoryLimit(loadGoMemory)
		defer debug.SetMemoryLimit(prev)
	}
	keys, err := newRunKeys(ctx, conn, steps)
	if err != nil {
		return nil, err
	}
	// Whether a file's bytes were loaded before is looked up here, once:
	// the database is this process's while it is open for writing.
	before, err := steps.loadedFiles(ctx, conn)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "kensho-ingest-")
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	defer os.RemoveAll(tmp)

	sp := newSpool(tmp)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ahead := startReadAhead(ctx, targets, func(i int, t reportfile.Target) *preparedFile {
		if t.Err != nil {
			p := &preparedFile{}
			p.fr, p.errs = unreadable(t.Path, t.Err)
			return p
		}
		p := prepareFile(ctx, before, sp, i, t.Path)
		if t.Size >= prepareAlone {
			// A large file's text and the garbage of its validation go
			// back to the system before the database loads its rows.
			debug.FreeOSMemory()
		}
		return p
	})
	// Whatever is still prepared when the load stops is removed.
	defer func() {
		cancel()
		ahead.drain()
	}()

	rep := &Report{Files: []FileReport{}, Errors: []Error{}}
	prog := newProgress(cfg.Progress, len(targets))
	defer prog.finish()
	l := &loader{conn: conn, steps: steps, spool: sp, keys: keys, now: now, beforeCommit: cfg.BeforeCommit, rep: rep,
		loaded: map[string]time.Time{}, limits: groups}
	defer l.discard()
	i := 0
	for {
		p, ok := ahead.next(false)
		if ok && p == nil {
			// Nothing is ready: a group worth its transaction loads
			// while the next files are read.
			if l.worthLoading() {
				if err := l.flush(ctx); err != nil {
					return rep, err
				}
			}
			p, ok = ahead.next(true)
		}
		if !ok {
			break
		}
		prog.show(i, p.fr.Path)
		i++
		if err := l.take(ctx, p); err != nil {
			return rep, err
		}
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	if err := l.flush(ctx); err != nil {
		return rep, err
	}
	prog.show(len(targets), "")
	if rep.RowsRead > 0 {
		if err := steps.checkpoint(ctx, conn); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// loadGoMemory is the soft limit of Go's heap while files load, unless the
// program has set one: a large file's text is held while it is read, and
// without a limit the garbage of reading it would double that (a file of
// a million rows peaked at 880 MB before the database loaded a row; 706 MB
// with this limit).
const loadGoMemory = 640 << 20

// unreadable reports a path that cannot be read at all; with no bytes
// there is no SHA-256 to record it under, so it is in the report only.
func unreadable(path string, err error) (FileReport, []Error) {
	p := reportfile.Unreadable(path, err)
	return FileReport{Path: path, Status: StatusRejected, note: p.Msg}, []Error{p.ErrorIn(path)}
}

// preparedFile is a file read and validated, waiting for its transaction:
// rows to load (w), or a file to record as rejected (reject), or one
// already loaded (skipped), or a failure that stops the load (err).
type preparedFile struct {
	fr     FileReport
	errs   []Error
	w      *fileWriter
	keys   []uint64 // the hashes of the keys of the rows in w (reportfile.Keys.Hashes)
	reject bool
	err    error
	size   int64 // of the file, for the read-ahead backlog
}

// discard removes the temporary files of a file that will not load.
func (p *preparedFile) discard() {
	if p.w != nil {
		p.w.remove()
		p.w = nil
	}
}

// testPrepare, if set, is called as each file's preparation begins (a
// seam for tests: a panic there must cost that file only).
var testPrepare func(path string)

// rejectWith marks p as rejected whole for problem: recorded in the
// database under its SHA-256, or in the report only when it has none.
func (p *preparedFile) rejectWith(problem *reportfile.Problem) {
	p.discard()
	p.reject = p.fr.SHA256 != ""
	p.fr = FileReport{Path: p.fr.Path, SHA256: p.fr.SHA256, Status: StatusRejected, note: problem.Msg,
		format: p.fr.format, encoding: p.fr.encoding, sheet: p.fr.sheet}
	p.errs = []Error{problem.ErrorIn(p.fr.Path)}
}

// skip marks p as the same bytes as a file loaded at at.
func (p *preparedFile) skip(at time.Time) {
	p.discard()
	p.fr = FileReport{Path: p.fr.Path, SHA256: p.fr.SHA256, Status: StatusSkipped, note: reportfile.Message{
		Ja: "同じ内容のファイル(SHA-256 " + p.fr.SHA256[:12] + "…)を " + at.Format("2006/01/02 15:04") + " に読み込み済みです。何も変えていません。",
		En: "a file with the same bytes (SHA-256 " + p.fr.SHA256[:12] + "…) was loaded on " + at.Format("2006-01-02 15:04") + "; nothing changed.",
	}}
	p.errs = nil
}

// prepareFile reads and validates the index-th file of the load into
// temporary files (see spool). A file whose bytes before says were loaded
// is skipped.
//
// A panic while it does (a bug of kensho's) rejects this file alone.
func prepareFile(ctx context.Context, before map[string]time.Time, sp *spool, index int, path string) (p *preparedFile) {
	p = &preparedFile{fr: FileReport{Path: path}}
	defer func() {
		if r := recover(); r != nil {
			p.rejectWith((&reportfile.InternalError{Value: r, Stack: debug.Stack()}).Problem(path))
		}
	}()
	if testPrepare != nil {
		testPrepare(path)
	}
	data, err := reportfile.ReadFile(path)
	if err != nil {
		p.fr, p.errs = unreadable(path, err)
		return p
	}
	// The digest is computed while the reader checks the encoding.
	digest := make(chan string, 1)
	go func() {
		sum := sha256.Sum256(data)
		digest <- hex.EncodeToString(sum[:])
	}()
	f := reportfile.Open(path, data)
	p.fr = FileReport{Path: path, SHA256: <-digest, Status: StatusLoaded}
	if at, ok := before[p.fr.SHA256]; ok {
		p.skip(at)
		return p
	}

	res, err := f.Check(ctx, reportfile.Options{
		Encode: accidentEncoder(index),
		NewSink: func() (reportfile.Sink, error) {
			p.discard() // a workbook read again from its start
			p.w = newFileWriter(sp, index, path)
			return p.w, nil
		},
	})
	p.fr.format, p.fr.encoding, p.fr.sheet = f.Format, f.Encoding, f.Sheet
	if err != nil {
		p.discard()
		p.err = err
		return p
	}
	if res.Problem != nil {
		p.rejectWith(res.Problem)
		return p
	}
	if err := p.w.close(); err != nil {
		p.discard()
		p.err = err
		return p
	}
	// Only the hashes are kept: the keys themselves are views of the
	// file's text, which is not needed once the rows are written.
	p.keys = slices.Collect(res.Keys.Hashes())
	p.fr.RowsRead, p.fr.RowsLoaded, p.fr.RowsQuarantined = res.RowsRead, res.RowsValid, res.RowsQuarantined
	p.fr.Warnings = res.Warnings
	p.fr.fileWarnings = res.FileWarnings
	p.errs = p.w.errs
	p.fr.Errors = p.w.errCount
	return p
}

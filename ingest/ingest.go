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
// How: readers turn files into rows of cell text (csv.go: RFC 4180 over the
// whole text, UTF-8 or CP932 decoded first; xlsx.go and xlsxfast.go: a
// byte scanner over the worksheet XML, excelize for workbooks it does not
// handle); the validator (validate.go), on every core, turns each row into
// an accident or its errors, using the root vocabulary for every code list
// and threshold; the writer keeps keys unique within a file and writes
// temporary NDJSON files (spool.go); DuckDB then loads them set-based, one
// statement per table, in one transaction (sql/load.sql) for a file or a
// group of small files (group.go). The next files are read and validated
// while the database loads (ahead.go).
package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
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
	targets := expandPaths(paths)
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
	ahead := startReadAhead(ctx, targets, func(i int, t target) *preparedFile {
		if t.err != nil {
			p := &preparedFile{}
			p.fr, p.errs = unreadable(t.path, t.err)
			return p
		}
		return prepareFile(ctx, before, sp, i, t.path)
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

// target is a file to load, or a command-line path that cannot be.
type target struct {
	path string
	size int64
	err  error
}

// expandPaths lists the files to load: files as given, directories walked
// for .csv and .xlsx (WalkDir visits names in lexical order, so the order
// is deterministic). Editor lock files (~$name.xlsx) and hidden files are
// not reports.
func expandPaths(paths []string) []target {
	var out []target
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			out = append(out, target{path: p, err: err})
			continue
		}
		if !fi.IsDir() {
			out = append(out, target{path: p, size: fi.Size()})
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				out = append(out, target{path: path, err: err})
				return nil
			}
			name := d.Name()
			if path != p && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$")) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			switch strings.ToLower(filepath.Ext(name)) {
			case ".csv", ".xlsx":
				var size int64
				if fi, err := d.Info(); err == nil {
					size = fi.Size()
				}
				out = append(out, target{path: path, size: size})
			}
			return nil
		})
		if err != nil {
			out = append(out, target{path: p, err: err})
		}
	}
	return out
}

// unreadable reports a path that cannot be read at all; with no bytes
// there is no SHA-256 to record it under, so it is in the report only.
func unreadable(path string, err error) (FileReport, []Error) {
	detail := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		detail = pe.Err.Error()
	}
	m := newMessage(CodeUnreadable, "file", path, "detail", detail)
	return FileReport{Path: path, Status: StatusRejected, note: m},
		[]Error{{File: path, Code: CodeUnreadable, MessageJa: m.Ja, MessageEn: m.En}}
}

// preparedFile is a file read and validated, waiting for its transaction:
// rows to load (w), or a file to record as rejected (reject), or one
// already loaded (skipped), or a failure that stops the load (err).
type preparedFile struct {
	fr     FileReport
	errs   []Error
	w      *fileWriter
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

// skip marks p as the same bytes as a file loaded at at.
func (p *preparedFile) skip(at time.Time) {
	p.discard()
	p.fr = FileReport{Path: p.fr.Path, SHA256: p.fr.SHA256, Status: StatusSkipped, note: message{
		Ja: "同じ内容のファイル(SHA-256 " + p.fr.SHA256[:12] + "…)を " + at.Format("2006/01/02 15:04") + " に読み込み済みです。何も変えていません。",
		En: "a file with the same bytes (SHA-256 " + p.fr.SHA256[:12] + "…) was loaded on " + at.Format("2006-01-02 15:04") + "; nothing changed.",
	}}
	p.errs = nil
}

// prepareFile reads and validates the index-th file of the load into
// temporary files (see spool). A file whose bytes before says were loaded
// is skipped.
func prepareFile(ctx context.Context, before map[string]time.Time, sp *spool, index int, path string) *preparedFile {
	p := &preparedFile{fr: FileReport{Path: path}}
	data, err := readWhole(path)
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
	xlsx := bytes.HasPrefix(data, zipMagic) || bytes.HasPrefix(data, oleMagic) || strings.EqualFold(filepath.Ext(path), ".xlsx")
	var text, encoding string
	var fp *fileProblem
	if !xlsx {
		text, encoding, fp = decodeCSV(path, data)
	}
	p.fr = FileReport{Path: path, SHA256: <-digest, Status: StatusLoaded}
	if at, ok := before[p.fr.SHA256]; ok {
		p.skip(at)
		return p
	}

	// A workbook the fast XLSX scanner cannot finish is read again,
	// from the start, with excelize.
	for slow := false; ; slow = true {
		var lay *layout
		var src rowSource
		var xs *xlsxSource
		rowsHint := 1024
		if xlsx {
			p.fr.format, p.fr.encoding = "xlsx", encXLSX
			lay, xs, p.fr.sheet, fp = openXLSX(path, data, slow)
			if xs != nil {
				defer xs.close()
				src = xs
			}
		} else {
			p.fr.format, p.fr.encoding = "csv", encoding
			if fp == nil {
				var cs *csvSource
				lay, cs, fp = openCSV(path, text)
				src = cs
				if cs != nil {
					rowsHint = cs.rowsHint()
				}
			}
		}
		if fp != nil {
			p.reject = true
			p.fr.Status = StatusRejected
			p.fr.note = fp.msg
			p.errs = []Error{{File: path, Row: fp.row, Column: fp.column, Value: fp.value, Code: fp.code,
				MessageJa: fp.msg.Ja, MessageEn: fp.msg.En}}
			return p
		}

		p.w = newFileWriter(sp, index, path, lay, rowsHint)
		err = validateAll(ctx, src, func() *validator {
			v := newValidator(path, lay)
			v.xlsx = xs
			return v
		}, p.w.batch)
		var re *readError
		switch {
		case err == nil:
		case errors.As(err, &re) && xs != nil && xs.fast != nil && errors.Is(err, errNotPlain):
			p.discard()
			continue
		case errors.As(err, &re):
			// The workbook broke off in the middle: reject it whole
			// rather than load part of it.
			p.discard()
			m := newMessage(CodeNotSpreadsheet, "file", path, "detail_ja", "途中で読めなくなりました: "+re.err.Error(),
				"detail_en", "reading stopped part way: "+re.err.Error())
			p.reject = true
			p.fr.Status, p.fr.note = StatusRejected, m
			p.errs = []Error{{File: path, Code: CodeNotSpreadsheet, MessageJa: m.Ja, MessageEn: m.En}}
			return p
		default:
			p.discard()
			p.err = err
			return p
		}
		break
	}
	err = p.w.close()
	if err != nil {
		p.discard()
		p.err = err
		return p
	}
	w := p.w
	p.fr.RowsRead, p.fr.RowsLoaded, p.fr.RowsQuarantined = w.read, w.loaded, w.quarantined
	p.fr.Warnings = w.warnings
	p.fr.fileWarnings = w.fileWarnings
	p.errs = w.errs
	return p
}

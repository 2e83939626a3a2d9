package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/kensho-jp/kensho/reportfile"
)

// Loading in groups. An operator's quarterly submission is a few hundred
// rows, and a quarter brings in a few hundred of them; loaded one
// transaction each, the fixed cost of a transaction and its statements
// (about 12 ms a file on the benchmark machine) was most of the load:
// 496 files took 6.9-12.6 s against 1.0-1.5 s for the same rows in 4
// files. So consecutive small files go into one transaction, and their
// rows into one statement per table.
//
// The contract does not change: a file loads whole or not at all, and a
// file that fails never touches the others. A group commits all its files
// or none; when its transaction fails, it is rolled back and every file of
// it is loaded again in a transaction of its own, so that only the file
// the database refuses is left out (it is reported rejected, with the
// database's reason) and the others load. A file that can replace an
// accident loaded earlier in the group (same operator_id and report_no) is
// never grouped with it, so the order of corrections is the order of the
// files, as before.

// groupLimits say when a group is loaded. It is loaded when it reaches
// maxRows valid rows or maxFiles files, or when the next file cannot join
// it (a file of smallLoad rows or more loads alone, on all of DuckDB's
// threads), or, once it holds minRows rows or minFiles files, when no
// prepared file is waiting: then the database works while the next files
// are read, and the groups are as large as the reading lets them be.
// Which files share a transaction therefore depends on timing; what the
// tables hold does not.
type groupLimits struct {
	minRows, minFiles, maxRows, maxFiles int
	// fill makes every group wait for maxRows or maxFiles (tests).
	fill bool
}

// groups are the limits of every load. A group's transaction has a fixed
// cost of about 35 ms here (five statements, each parsed and planned, and
// a commit), so a group is worth loading from 40,000 rows or 256 files:
// the 473 files of a fiscal year then load in two or three transactions.
// Measured alternately on those files, against the same rows in 4 export
// files (machine under load, medians of 7): minimums of 5,000 rows or 32
// files, 4.06 s and 2.82 s of CPU against 2.65 s and 1.79 s; 10,000 or 64,
// 3.47 s and 2.27 s; 20,000 or 128, 3.40 s and 2.22 s. On a quiet machine
// (session 9, medians of 7): 20,000 or 128, 1.45 s against 1.13 s for the
// export; 40,000 or 256, 1.37 s against 1.07 s.
var groups = groupLimits{minRows: 40_000, minFiles: 256, maxRows: 100_000, maxFiles: 512}

// CodeDatabaseRefused is the code of a file that was read and validated but
// that the database would not store (it is rejected whole).
const CodeDatabaseRefused = "database_refused"

// loader gives prepared files their transactions, in order, in groups.
type loader struct {
	conn         *sql.Conn
	steps        *loadSteps
	spool        *spool
	keys         *runKeys
	now          func() time.Time
	beforeCommit func(string)
	rep          *Report
	// loaded holds the SHA-256 of the files this load committed.
	loaded map[string]time.Time

	limits    groupLimits
	group     []*preparedFile
	groupRows int
	groupKeys map[uint64]struct{}
	groupSHA  map[string]bool
}

// take adds a prepared file to the group, first loading the group when
// the file cannot join it, and loads the group when it is full.
func (l *loader) take(ctx context.Context, p *preparedFile) error {
	if p.err != nil {
		// The files before it still load, as they would have alone.
		err := l.flush(ctx)
		p.discard()
		if err != nil {
			return err
		}
		return fmt.Errorf("ingest %s: %w", p.fr.Path, p.err)
	}
	if p.w == nil && !p.reject {
		// Unreadable or skipped: nothing to record, but reported in order.
		l.group = append(l.group, p)
		return nil
	}
	rows := 0
	if p.w != nil {
		rows = p.fr.RowsRead
	}
	joins := len(l.group) < l.limits.maxFiles && rows < smallLoad && !l.groupSHA[p.fr.SHA256]
	if joins && p.w != nil {
		for _, h := range p.keys {
			if _, ok := l.groupKeys[h]; ok {
				joins = false
				break
			}
		}
	}
	if !joins {
		if err := l.flush(ctx); err != nil {
			return err
		}
	}
	if l.groupKeys == nil {
		l.groupKeys, l.groupSHA = map[uint64]struct{}{}, map[string]bool{}
	}
	l.group = append(l.group, p)
	l.groupSHA[p.fr.SHA256] = true
	l.groupRows += rows
	if p.w != nil {
		for _, h := range p.keys {
			l.groupKeys[h] = struct{}{}
		}
	}
	if l.groupRows >= l.limits.maxRows || len(l.group) >= l.limits.maxFiles || rows >= smallLoad {
		return l.flush(ctx)
	}
	return nil
}

// worthLoading reports whether the group is large enough to load when no
// other file is ready.
func (l *loader) worthLoading() bool {
	return !l.limits.fill && (l.groupRows >= l.limits.minRows || len(l.group) >= l.limits.minFiles)
}

// flush loads the group and reports its files in order.
func (l *loader) flush(ctx context.Context) error {
	group := l.group
	l.group, l.groupRows, l.groupKeys, l.groupSHA = nil, 0, nil, nil
	defer func() {
		for _, p := range group {
			p.discard()
		}
	}()
	loadedAt := l.now().In(jst())
	// Files whose bytes this load already committed are skipped; the
	// group never holds the same bytes twice.
	var members []*preparedFile
	for _, p := range group {
		if p.w != nil {
			if at, ok := l.loaded[p.fr.SHA256]; ok {
				p.skip(at)
				continue
			}
		}
		if p.w != nil || p.reject {
			members = append(members, p)
		}
	}
	if len(members) > 0 {
		err := l.commit(ctx, members, loadedAt)
		if err != nil && len(members) > 1 && ctx.Err() == nil {
			// One of them (or the database) failed: each file again on
			// its own, so that only the files the database refuses are
			// left out.
			for _, p := range members {
				if err := l.commit(ctx, []*preparedFile{p}, loadedAt); err != nil {
					if err := l.refused(ctx, p, err, loadedAt); err != nil {
						return err
					}
				}
			}
		} else if err != nil {
			if err := l.refused(ctx, members[0], err, loadedAt); err != nil {
				return err
			}
		}
	}
	for _, p := range group {
		l.report(p)
	}
	return nil
}

// commit loads files in one transaction and notes what it committed.
func (l *loader) commit(ctx context.Context, files []*preparedFile, loadedAt time.Time) error {
	corrects := false
	for _, p := range files {
		if p.w != nil && l.keys.overlaps(p.keys) {
			corrects = true
		}
	}
	if err := l.steps.loadGroup(ctx, l.conn, l.spool, files, loadedAt, corrects, l.beforeCommit); err != nil {
		return err
	}
	for _, p := range files {
		if p.w != nil {
			l.loaded[p.fr.SHA256] = loadedAt
			l.keys.add(p.keys)
		}
	}
	return nil
}

// refused records a file whose own transaction failed as rejected, with
// the database's reason. A load that was cancelled, or a database that
// cannot record even that, stops the load.
func (l *loader) refused(ctx context.Context, p *preparedFile, cause error, loadedAt time.Time) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	detail := cause.Error()
	m := reportfile.Message{
		Ja: p.fr.Path + " の行をデータベースが受け付けませんでした(" + detail + ")。このファイルは何も取り込んでいません。ほかのファイルは取り込みました。内容を確認して、もう一度取り込んでください。",
		En: "the database refused the rows of " + p.fr.Path + " (" + detail + "); nothing of this file was loaded, the other files were. Check it and load it again.",
	}
	p.rejectWith(&reportfile.Problem{Code: CodeDatabaseRefused, Msg: m})
	if err := l.steps.loadGroup(ctx, l.conn, l.spool, []*preparedFile{p}, loadedAt, false, nil); err != nil {
		return fmt.Errorf("ingest %s: %w (recording it as rejected: %w)", p.fr.Path, cause, err)
	}
	return nil
}

// report adds a file's outcome to the report.
func (l *loader) report(p *preparedFile) {
	fr := p.fr
	fr.ErrorsListed = len(p.errs)
	fr.Errors = max(fr.Errors, len(p.errs))
	l.rep.Files = append(l.rep.Files, fr)
	l.rep.Errors = append(l.rep.Errors, p.errs...)
	l.rep.RowsRead += fr.RowsRead
	l.rep.RowsLoaded += fr.RowsLoaded
	l.rep.RowsQuarantined += fr.RowsQuarantined
}

// discard removes the temporary files of a group that will not load.
func (l *loader) discard() {
	for _, p := range l.group {
		p.discard()
	}
	l.group = nil
}

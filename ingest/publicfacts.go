package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"fmt"
	"text/template"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/reportfile"
)

//go:embed sql/public_facts.sql
var publicFactsSQL string

// PublicFactTables are the tables LoadPublicFacts owns, all replaced by
// every load.
var PublicFactTables = []string{"public_fact_file", "public_fact_register", "public_fact_quarantine_row", "public_fact_problem"}

// LoadPublicFacts replaces the register of public facts in db
// (docs/public-facts.md) with the files of paths, read and checked by
// reportfile.ReadRegister: valid rows go to public_fact_register,
// numbered (entry) in the order of the files as given and of their rows;
// a row with errors goes whole to public_fact_quarantine_row, its errors
// to public_fact_problem; a file that cannot be read is recorded as
// rejected. The register is the set of files given now, not an
// accumulation: with no path at all its tables are dropped (no fact is
// public). It all happens in one transaction.
//
// The report says what was loaded; a caller that publishes must stop
// when it has quarantined rows or a rejected file (Report.Clean), since
// a public fact left out makes the protection assume the reader knows
// less than it does.
func LoadPublicFacts(ctx context.Context, db *sql.DB, paths []string, now func() time.Time) (*Report, error) {
	if now == nil {
		now = time.Now
	}
	loadedAt := now()
	rep := &Report{Files: []FileReport{}, Errors: []Error{}, errorTable: "public_fact_problem"}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("public facts: %w", err)
	}
	defer tx.Rollback()
	if len(paths) == 0 {
		for _, t := range PublicFactTables {
			if _, err := tx.ExecContext(ctx, "DROP TABLE IF EXISTS "+t); err != nil {
				return nil, fmt.Errorf("public facts: %w", err)
			}
		}
		return rep, tx.Commit()
	}
	t, err := template.New("public_facts").Funcs(template.FuncMap{"enum": kensho.SQLEnumOf}).Parse(publicFactsSQL)
	if err != nil {
		return nil, fmt.Errorf("public facts: sql/public_facts.sql: %w", err)
	}
	var q bytes.Buffer
	if err := t.Execute(&q, nil); err != nil {
		return nil, fmt.Errorf("public facts: sql/public_facts.sql: %w", err)
	}
	if _, err := tx.ExecContext(ctx, q.String()); err != nil {
		return nil, fmt.Errorf("public facts: create tables: %w", err)
	}
	entry := 0
	for _, path := range paths {
		fr, errs, err := loadRegisterFile(ctx, tx, path, loadedAt, &entry)
		if err != nil {
			return nil, fmt.Errorf("public facts %s: %w", path, err)
		}
		rep.Files = append(rep.Files, fr)
		rep.Errors = append(rep.Errors, errs...)
		rep.RowsRead += fr.RowsRead
		rep.RowsLoaded += fr.RowsLoaded
		rep.RowsQuarantined += fr.RowsQuarantined
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("public facts: %w", err)
	}
	return rep, nil
}

// Clean reports whether every file loaded whole: none rejected and no
// row quarantined.
func (r *Report) Clean() bool { return !r.Rejected() && r.RowsQuarantined == 0 }

func loadRegisterFile(ctx context.Context, tx *sql.Tx, path string, loadedAt time.Time, entry *int) (FileReport, []Error, error) {
	data, err := reportfile.ReadFile(path)
	if err != nil {
		fr, errs := unreadable(path, err)
		fr.format = reportfile.FormatCSV
		_, err := tx.ExecContext(ctx, `INSERT INTO public_fact_file VALUES ('', ?, NULL, ?, ?, ?, 0, 0, 0, 0, ?)`,
			path, StatusRejected, fr.note.Ja, fr.note.En, loadedAt)
		if err == nil {
			err = insertProblem(ctx, tx, "", path, "error", errs[0])
		}
		return fr, errs, err
	}
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	reg := reportfile.ReadRegister(path, data)
	fr := FileReport{Path: path, SHA256: sha, format: reportfile.FormatCSV, encoding: reg.Encoding, fileWarnings: reg.Warnings}
	var errs []Error
	if reg.Problem != nil {
		fr.Status, fr.note = StatusRejected, reg.Problem.Msg
		e := reg.Problem.ErrorIn(path)
		errs = append(errs, e)
		fr.Errors, fr.ErrorsListed = 1, 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO public_fact_file VALUES (?, ?, NULLIF(?, ''), ?, ?, ?, 0, 0, 0, 0, ?)`,
			sha, path, reg.Encoding, StatusRejected, e.MessageJa, e.MessageEn, loadedAt); err != nil {
			return fr, nil, err
		}
		return fr, errs, insertProblem(ctx, tx, sha, path, "error", e)
	}
	fr.Status = StatusLoaded
	fr.RowsRead, fr.RowsLoaded, fr.RowsQuarantined, fr.Warnings = reg.RowsRead, len(reg.Facts), len(reg.Rejected), len(reg.Warnings)
	for _, f := range reg.Facts {
		*entry++
		var opID any
		if f.OperatorID != "" {
			opID = f.OperatorID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO public_fact_register VALUES (?, ?, ?, ?::DATE, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			*entry, f.OperatorName, opID, f.OccurredOn.Format("2006-01-02"), f.Service, f.AffectedUsers, f.DurationMin,
			f.Cause, f.SourceURL, sha, path, f.Row, loadedAt); err != nil {
			return fr, nil, err
		}
	}
	for _, r := range reg.Rejected {
		keys, vals := make([]string, len(r.Raw)), make([]string, len(r.Raw))
		for i, kv := range r.Raw {
			keys[i], vals[i] = kv[0], kv[1]
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO public_fact_quarantine_row VALUES (?, ?, ?, map(?::VARCHAR[], ?::VARCHAR[]), ?)`,
			sha, path, r.Row, keys, vals, loadedAt); err != nil {
			return fr, nil, err
		}
		for _, p := range r.Errs {
			e := p.ErrorIn(path)
			errs = append(errs, e)
			if err := insertProblem(ctx, tx, sha, path, "error", e); err != nil {
				return fr, nil, err
			}
		}
	}
	for _, p := range reg.Warnings {
		if err := insertProblem(ctx, tx, sha, path, "warning", p.ErrorIn(path)); err != nil {
			return fr, nil, err
		}
	}
	fr.Errors, fr.ErrorsListed = len(errs), len(errs)
	_, err = tx.ExecContext(ctx, `INSERT INTO public_fact_file VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?)`,
		sha, path, reg.Encoding, StatusLoaded, fr.RowsRead, fr.RowsLoaded, fr.RowsQuarantined, fr.Warnings, loadedAt)
	return fr, errs, err
}

func insertProblem(ctx context.Context, tx *sql.Tx, sha, path, severity string, e Error) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO public_fact_problem VALUES (?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?, ?, ?)`,
		sha, path, e.Row, e.Column, e.Value, severity, e.Code, e.MessageJa, e.MessageEn)
	return err
}

package anonymize

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/sdc/model"
	"github.com/kensho-jp/kensho/sdc/protect"
	"github.com/kensho-jp/kensho/sdc/rules"
)

// The archive of releases lives in the restricted database, beside the
// reports it was built from, and only grows: every release the build
// published, with the files it was built from and every figure of the
// disclosure model (table cells and microdata classes) as it stood — its
// status, its true value, the requirement the rules gave it and each
// operator's part. A reader holds every release; the next release is
// protected against all of them (rules.Earlier, Protect).
const archiveSchema = `
CREATE TABLE IF NOT EXISTS release_archive (
    release_id INTEGER NOT NULL,
    version VARCHAR NOT NULL,
    release_date DATE NOT NULL,
    archived_at TIMESTAMP NOT NULL,
    inputs_hash VARCHAR NOT NULL,
    figures INTEGER NOT NULL,
    hidden INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS release_published (
    release_id INTEGER NOT NULL,
    published_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS release_input (
    release_id INTEGER NOT NULL,
    sha256 VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    rows_loaded INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS release_figure (
    release_id INTEGER NOT NULL,
    figure VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    rule VARCHAR,
    need_upper DOUBLE NOT NULL,
    need_lower DOUBLE NOT NULL
);
CREATE TABLE IF NOT EXISTS release_part (
    release_id INTEGER NOT NULL,
    figure VARCHAR NOT NULL,
    operator_id VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    public DOUBLE NOT NULL
);`

// Archived figure statuses.
const (
	archPublished = "published"
	archHidden    = "hidden" // an X in a table, or a class left out of an extract
)

// ArchivedRelease is one release of the archive.
type ArchivedRelease struct {
	ID      int
	Version string
	Date    string // YYYY-MM-DD
	// Published: the build replaced the site with it. A release archived
	// by a build that stopped before that counts as published all the
	// same when the next release is protected (it may have gone out).
	Published bool
	Inputs    int
	Figures   int
	Hidden    int
	inputs    string // the hash of its input files (inputsHash)
}

// archivedFigure is one figure of an archived release.
type archivedFigure struct {
	published bool
	value     float64
	req       rules.Requirement
	parts     []archivedPart
}

type archivedPart struct {
	operator      string
	value, public float64
}

// history is the archive as a build reads it: the earlier releases,
// oldest first, with their figures by identity.
type history struct {
	releases []ArchivedRelease
	figures  []map[string]*archivedFigure
	// same is the archived release this build makes again: the same
	// version from the same input files. It is not an earlier release.
	same *ArchivedRelease
	// inputs is the hash of this build's input files.
	inputs string
}

// ListReleases lists the archive, oldest first (kensho releases).
func ListReleases(ctx context.Context, db *sql.DB) ([]ArchivedRelease, error) {
	if _, err := db.ExecContext(ctx, archiveSchema); err != nil {
		return nil, fmt.Errorf("releases: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT r.release_id, r.version, strftime(r.release_date, '%Y-%m-%d'), r.inputs_hash, r.figures, r.hidden,
		EXISTS (SELECT 1 FROM release_published p WHERE p.release_id = r.release_id),
		(SELECT count(*) FROM release_input i WHERE i.release_id = r.release_id)
		FROM release_archive r ORDER BY r.release_id`)
	if err != nil {
		return nil, fmt.Errorf("releases: %w", err)
	}
	defer rows.Close()
	var out []ArchivedRelease
	for rows.Next() {
		var r ArchivedRelease
		if err := rows.Scan(&r.ID, &r.Version, &r.Date, &r.inputs, &r.Figures, &r.Hidden, &r.Published, &r.Inputs); err != nil {
			return nil, fmt.Errorf("releases: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// inputsHash is the SHA-256 of the sorted hashes of every file loaded
// into the database: the data a release is built from.
// A database written without ingest (a test's) has no files: "".
func inputsHash(ctx context.Context, db *sql.DB) (string, error) {
	if ok, err := hasIngestFiles(ctx, db); err != nil || !ok {
		return "", err
	}
	var h sql.NullString
	err := db.QueryRowContext(ctx, `SELECT sha256(string_agg(sha256, ',' ORDER BY sha256)) FROM ingest_file WHERE status = 'loaded'`).Scan(&h)
	if err != nil {
		return "", fmt.Errorf("releases: %w", err)
	}
	return h.String, nil
}

// hasIngestFiles reports whether the database has ingest's list of files.
func hasIngestFiles(ctx context.Context, db *sql.DB) (bool, error) {
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'ingest_file'").Scan(&n); err != nil {
		return false, fmt.Errorf("releases: %w", err)
	}
	return n > 0, nil
}

// loadHistory reads the archive for a build of release version: every
// archived release is an earlier one (a reader may hold it), but the one
// this build makes again — the same version from the same files — which is
// returned as same. A release of the same version from other files (a
// correction arrived after it went out) is an earlier release like any.
func loadHistory(ctx context.Context, db *sql.DB, version string) (*history, error) {
	all, err := ListReleases(ctx, db)
	if err != nil {
		return nil, err
	}
	h := &history{}
	if h.inputs, err = inputsHash(ctx, db); err != nil {
		return nil, err
	}
	for _, r := range all {
		if r.Version == version && r.inputs == h.inputs {
			r := r
			h.same = &r
			continue
		}
		figs, err := loadFigures(ctx, db, r.ID)
		if err != nil {
			return nil, err
		}
		h.releases = append(h.releases, r)
		h.figures = append(h.figures, figs)
	}
	return h, nil
}

func loadFigures(ctx context.Context, db *sql.DB, id int) (map[string]*archivedFigure, error) {
	out := map[string]*archivedFigure{}
	rows, err := db.QueryContext(ctx, `SELECT figure, status, value, coalesce(rule, ''), need_upper, need_lower FROM release_figure WHERE release_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("releases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id, status string
			f          archivedFigure
		)
		if err := rows.Scan(&id, &status, &f.value, &f.req.Rule, &f.req.Upper, &f.req.Lower); err != nil {
			return nil, fmt.Errorf("releases: %w", err)
		}
		f.published = status == archPublished
		f.req.Primary = f.req.Rule != ""
		out[id] = &f
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("releases: %w", err)
	}
	parts, err := db.QueryContext(ctx, `SELECT figure, operator_id, value, public FROM release_part WHERE release_id = ? ORDER BY figure, operator_id`, id)
	if err != nil {
		return nil, fmt.Errorf("releases: %w", err)
	}
	defer parts.Close()
	for parts.Next() {
		var (
			fig string
			p   archivedPart
		)
		if err := parts.Scan(&fig, &p.operator, &p.value, &p.public); err != nil {
			return nil, fmt.Errorf("releases: %w", err)
		}
		if f := out[fig]; f != nil {
			f.parts = append(f.parts, p)
		}
	}
	return out, parts.Err()
}

// operatorKeys maps operator_id to this build's op_key (deid_operator).
func operatorKeys(ctx context.Context, db *sql.DB) (map[string]int32, error) {
	rows, err := db.QueryContext(ctx, "SELECT operator_id, op_key FROM deid_operator")
	if err != nil {
		return nil, fmt.Errorf("operators: %w", err)
	}
	defer rows.Close()
	out := map[string]int32{}
	for rows.Next() {
		var id string
		var k int32
		if err := rows.Scan(&id, &k); err != nil {
			return nil, err
		}
		out[id] = k
	}
	return out, rows.Err()
}

// earlier gives every column the figure as each earlier release had it
// (model.Data.Earlier, read by the rules) and returns the statuses the
// earlier releases fix: a figure unchanged since the latest release that
// had it keeps that release's status (the same value or the same X, so no
// release shows what another hides). A figure that release hid stays
// hidden, changed or not, while its change is smaller than the largest
// protection that release gave a figure of its year and magnitude: a
// reader who takes the new value for the old one would then hold the
// earlier pattern's partner within less than any protection it served
// (a year still filling up changes by more, and is shown as it fills).
func (h *history) earlier(m *model.Model, ids map[int]string, data []*model.Data, keys map[string]int32) map[int]model.Status {
	forced := map[int]model.Status{}
	if len(h.releases) == 0 {
		return forced
	}
	// The largest protection of each release, by year and magnitude.
	needs := make([]map[string]float64, len(h.figures))
	for i, figs := range h.figures {
		needs[i] = map[string]float64{}
		for id, f := range figs {
			if f.req.Primary && !f.published {
				k := yearAndMagnitude(id)
				needs[i][k] = math.Max(needs[i][k], math.Max(f.req.Upper, f.req.Lower))
			}
		}
	}
	// Operators of an earlier release that have no accident now get keys
	// of their own, below zero.
	next := int32(0)
	key := func(op string) int32 {
		if k, ok := keys[op]; ok {
			return k
		}
		next--
		keys[op] = next
		return next
	}
	for _, col := range m.Columns {
		if col.Comp == nil {
			continue
		}
		id := ids[col.ID]
		d := data[col.Comp.Index]
		now := d.Truth(col)
		var list []rules.Earlier
		var last *rules.Earlier
		lastNeed := 0.0
		for i, figs := range h.figures {
			f := figs[id]
			if f == nil {
				continue
			}
			lastNeed = needs[i][yearAndMagnitude(id)]
			e := rules.Earlier{Published: f.published, Value: f.value, Req: f.req}
			per, pub := map[int32]float64{}, map[int32]float64{}
			for _, p := range f.parts {
				k := key(p.operator)
				per[k] += p.value
				if p.public != 0 {
					pub[k] += p.public
				}
			}
			e.Contrib, e.Public = model.Contribs(per), model.Contribs(pub)
			list = append(list, e)
			last = &list[len(list)-1]
		}
		if len(list) == 0 {
			continue
		}
		if d.Earlier == nil {
			d.Earlier = map[int][]rules.Earlier{}
		}
		d.Earlier[col.ID] = list
		switch {
		case sameParts(now.Contrib, last.Contrib) && sameParts(now.Public, last.Public):
			if last.Published {
				forced[col.ID] = model.Published
			} else {
				forced[col.ID] = hiddenStatus(col)
			}
		case !last.Published && math.Abs(now.Value-last.Value) < lastNeed:
			forced[col.ID] = hiddenStatus(col)
		}
	}
	return forced
}

// identities names every column across releases (model.Identity). Two
// columns the identity would not tell apart (their conditions differ only
// in groups they do not name) get the model's canonical key beside it.
func identities(m *model.Model) map[int]string {
	out := make(map[int]string, len(m.Columns))
	seen := map[string]int{}
	for _, col := range m.Columns {
		if col.Comp == nil {
			continue
		}
		id := m.Identity(col)
		out[col.ID] = id
		seen[id]++
	}
	for _, col := range m.Columns {
		if id, ok := out[col.ID]; ok && seen[id] > 1 {
			out[col.ID] = id + "|#" + col.Cond.Key()
		}
	}
	return out
}

// yearAndMagnitude is the part of a figure's identity (model.Identity)
// that names its magnitude and fiscal years.
func yearAndMagnitude(id string) string {
	if i := strings.Index(id, "|"); i >= 0 {
		if j := strings.Index(id[i+1:], "|"); j >= 0 {
			return id[:i+1+j]
		}
	}
	return id
}

func hiddenStatus(col *model.Column) model.Status {
	if col.Extract {
		return model.Withheld
	}
	return model.Suppressed
}

func sameParts(a, b []kensho.Contribution) bool {
	return slices.EqualFunc(a, b, func(x, y kensho.Contribution) bool {
		return x.Op == y.Op && math.Abs(x.Value-y.Value) <= 1e-9*math.Max(1, math.Abs(x.Value))
	})
}

// archiveFigure is a figure of the release being built, as Archive writes it.
type archiveFigure struct {
	id, label string
	published bool
	value     float64
	req       rules.Requirement
	parts     []kensho.Contribution
	public    []kensho.Contribution
}

// archivePayload is what Archive writes of a protected release.
type archivePayload struct {
	inputs    string // inputsHash
	figures   []archiveFigure
	operators map[int32]string // op_key -> operator_id
	// same is the archived release this build makes again, if any, and
	// once Archive wrote this one, this one.
	same *ArchivedRelease
}

func newArchivePayload(m *model.Model, ids map[int]string, pat *model.Pattern, truth []model.Truth, req []rules.Requirement, keys map[string]int32, h *history) *archivePayload {
	a := &archivePayload{operators: map[int32]string{}, same: h.same, inputs: h.inputs}
	for id, k := range keys {
		if k > 0 {
			a.operators[k] = id
		}
	}
	for _, col := range m.Columns {
		if col.Comp == nil {
			continue
		}
		t := truth[col.ID]
		f := archiveFigure{id: ids[col.ID], label: col.Label(), published: pat.Status[col.ID] == model.Published,
			value: t.Value, parts: t.Contrib, public: t.Public}
		if r := req[col.ID]; r.Primary {
			f.req = r
		}
		a.figures = append(a.figures, f)
	}
	return a
}

// Archive appends the release to the archive in one transaction: its
// version and date, the files it was built from, and every figure. The
// same release made again (same version, same input files, same figures)
// is not written twice, so a rebuild publishes the same site. The same
// version and files with other figures is an error before anything is
// published (kensho or its configuration changed since): the new figures
// were not protected against the ones already out.
func Archive(ctx context.Context, db *sql.DB, version, date string, p *Protected) error {
	if !p.Passed() || p.archive == nil {
		return errors.New("archive: only a release that passed the audit is archived")
	}
	a := p.archive
	if a.same != nil {
		old, err := loadFigures(ctx, db, a.same.ID)
		if err != nil {
			return err
		}
		if differ := a.differences(old); differ > 0 {
			return fmt.Errorf("archive: release %s was already published from the same input files with other figures (%d differ: kensho or its configuration changed since), and the new figures were not protected against those; give this release its own version with --release-version (e.g. %s-r1), or build into a new --db. "+
				"リリース %s は同じ入力から別の数値で公表済みです。--release-version で新しい版名を指定してください", version, differ, version, version)
		}
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer tx.Rollback()
	var id int
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(release_id), 0) + 1 FROM release_archive").Scan(&id); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	hidden := 0
	for _, f := range a.figures {
		if !f.published {
			hidden++
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO release_archive VALUES (?, ?, ?::DATE, ?, ?, ?, ?)",
		id, version, date, time.Now().UTC(), a.inputs, len(a.figures), hidden); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if ok, err := hasIngestFiles(ctx, db); err != nil {
		return err
	} else if ok {
		if _, err := tx.ExecContext(ctx, `INSERT INTO release_input SELECT ?, sha256, path, rows_loaded FROM ingest_file WHERE status = 'loaded'`, id); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
	}
	// The figures and parts go in through DuckDB's appender-free path:
	// one multi-row statement per batch.
	if err := insertBatches(ctx, tx, "release_figure", 8, len(a.figures), func(i int) []any {
		f := a.figures[i]
		status := archHidden
		if f.published {
			status = archPublished
		}
		var rule any
		if f.req.Primary {
			rule = f.req.Rule
		}
		return []any{id, f.id, f.label, status, f.value, rule, f.req.Upper, f.req.Lower}
	}); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	type part struct {
		fig, op       string
		value, public float64
	}
	var parts []part
	for _, f := range a.figures {
		pub := map[int32]float64{}
		for _, c := range f.public {
			pub[c.Op] = c.Value
		}
		for _, c := range f.parts {
			parts = append(parts, part{f.id, a.operators[c.Op], c.Value, pub[c.Op]})
		}
	}
	if err := insertBatches(ctx, tx, "release_part", 5, len(parts), func(i int) []any {
		p := parts[i]
		return []any{id, p.fig, p.op, p.value, p.public}
	}); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	a.same = &ArchivedRelease{ID: id, Version: version, Date: date}
	return nil
}

// differences counts the figures of the payload that the archived ones
// (of the same version) do not have as they are now.
func (a *archivePayload) differences(old map[string]*archivedFigure) int {
	n := 0
	for _, f := range a.figures {
		o := old[f.id]
		if o == nil || o.published != f.published || math.Abs(o.value-f.value) > 1e-9*math.Max(1, math.Abs(f.value)) {
			n++
		}
	}
	return n + max(0, len(old)-len(a.figures))
}

// MarkPublished records that the release archived for p went out (the
// build replaced the site with it).
func MarkPublished(ctx context.Context, db *sql.DB, p *Protected) error {
	if p.archive == nil || p.archive.same == nil {
		return errors.New("archive: the release was not archived")
	}
	id := p.archive.same.ID
	var done bool
	if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM release_published WHERE release_id = ?)", id).Scan(&done); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if done {
		return nil
	}
	_, err := db.ExecContext(ctx, "INSERT INTO release_published VALUES (?, ?)", id, time.Now().UTC())
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	return nil
}

// insertBatches inserts n rows of width columns into table, 500 to a
// statement.
func insertBatches(ctx context.Context, tx *sql.Tx, table string, width, n int, row func(int) []any) error {
	const batch = 500
	for start := 0; start < n; start += batch {
		end := min(n, start+batch)
		var q []byte
		q = append(q, "INSERT INTO "+table+" VALUES "...)
		args := make([]any, 0, (end-start)*width)
		for i := start; i < end; i++ {
			if i > start {
				q = append(q, ',')
			}
			q = append(q, '(')
			for j := 0; j < width; j++ {
				if j > 0 {
					q = append(q, ',')
				}
				q = append(q, '?')
			}
			q = append(q, ')')
			args = append(args, row(i)...)
		}
		if _, err := tx.ExecContext(ctx, string(q), args...); err != nil {
			return err
		}
	}
	return nil
}

// checkForced fails the release when a figure an earlier release hid,
// and whose status it fixed (history.earlier), is published now. (One it
// published may be hidden now: protect does so only when no other
// partner is left, and hiding more shows nothing.)
func checkForced(m *model.Model, pr *protect.Result, forced map[int]model.Status, h *history) []string {
	var out []string
	for id, st := range forced {
		got := pr.Pattern.Status[id]
		if got == st || st == model.Published {
			continue // hiding more hides nothing (protect does it only when it must)
		}
		col := m.Columns[id]
		out = append(out, fmt.Sprintf("%s is published, but an earlier release hid it and it has not changed enough since to be shown (the latest release is %s)", col.Label(), h.releases[len(h.releases)-1].Version))
	}
	return out
}

// markRevised compares the release with the latest earlier one: a table
// cell both publish with another value now is marked Revised (rounded as
// published: user-hours to whole user-hours).
func markRevised(m *model.Model, ids map[int]string, pat *model.Pattern, tables []kensho.StatTable, h *history) *kensho.Revision {
	if len(h.releases) == 0 {
		return nil
	}
	last := h.releases[len(h.releases)-1]
	prev := h.figures[len(h.figures)-1]
	rev := &kensho.Revision{Previous: last.Version, PreviousDate: last.Date, Revised: []kensho.RevisedCell{}}
	byName := map[string]int{}
	for i, t := range tables {
		byName[t.Name] = i
	}
	for _, col := range m.Columns {
		if col.Comp == nil {
			continue
		}
		f := prev[ids[col.ID]]
		if f == nil {
			continue
		}
		now := pat.Status[col.ID] == model.Published
		for _, ref := range col.Refs {
			ti, ok := byName[ref.Table]
			if ref.Table == "" || !ok {
				continue // a microdata class
			}
			switch {
			case now && f.published && shownDiffers(col.Mag, f.value, pat.Value[col.ID]):
				tables[ti].Rows[ref.Row].Cells[ref.Measure].Revised = true
				rev.Revised = append(rev.Revised, kensho.RevisedCell{Table: ref.Table, Row: ref.Row, Measure: ref.Measure, Previous: f.value})
			case now && !f.published:
				rev.NowPublished++
			case !now && f.published:
				rev.NowSuppressed++
			}
		}
	}
	slices.SortFunc(rev.Revised, func(a, b kensho.RevisedCell) int {
		if a.Table != b.Table {
			return byName[a.Table] - byName[b.Table]
		}
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return a.Measure - b.Measure
	})
	return rev
}

// shownDiffers reports whether two values of a magnitude read differently
// as published.
func shownDiffers(mag kensho.Magnitude, a, b float64) bool {
	if mag == kensho.MagUserHours {
		return math.Round(a) != math.Round(b)
	}
	return math.Abs(a-b) > 1e-9*math.Max(1, math.Abs(a))
}

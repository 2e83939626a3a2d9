package kensho

// This file holds the types that carry statistics from analytics through
// anonymize to site. A StatTable leaves analytics with per-operator
// contributions on every additive cell; anonymize decides each cell's
// status, strips the contributions and hands the protected tables to site.
// See docs/contract.md.

// Magnitude is an additive quantity summed over accidents. Every published
// cell of an additive measure is the sum of one magnitude over the accidents
// that match the cell's key, so cells of different tables are linear
// combinations of the same records — which is what secondary suppression
// and the audit reason about.
type Magnitude string

const (
	MagAccidents     Magnitude = "accidents"      // each accident counts 1
	MagAffectedUsers Magnitude = "affected_users" // deid_accident.affected_users
	MagUserHours     Magnitude = "user_hours"     // deid_accident.user_hours
)

// Dim is a dimension (a key column) of a table. Name is a column of the
// deid_accident table (fiscal_year, form, cause, region, ...), so a key value
// selects accidents; Total selects all of them.
type Dim struct {
	Name  string `json:"name"`
	Title Text   `json:"title"`
}

// Measure is a value column of a table.
type Measure struct {
	Name  string `json:"name"` // snake_case CSV header
	Title Text   `json:"title"`
	Unit  Text   `json:"unit"`
	// Magnitude is set for additive measures (sums of a magnitude over the
	// cell's accidents) and empty for derived ones (median, percentile,
	// change, trend estimate), which are published only when every cell
	// they depend on is.
	Magnitude Magnitude `json:"magnitude,omitempty"`
	Decimals  int       `json:"decimals"` // digits after the point in CSV and HTML
	// Quantile is set on a derived measure that is a quantile of a
	// per-accident quantity within the cell (the median duration). Unlike a
	// change or a trend, which are functions of published cells, a
	// quantile tells how many of the cell's accidents lie on each side of
	// it: the disclosure model holds that as constraints on the cell's
	// counts by band of the quantity.
	Quantile *Quantile `json:"quantile,omitempty"`
}

// Quantile names a quantile of a per-accident quantity: Of is a column of
// deid_accident whose bands are a code list (duration_min → duration_band,
// BandOf), P the probability (0.5 for the median), computed as R's type 7.
type Quantile struct {
	Of string  `json:"of"`
	P  float64 `json:"p"`
}

// Extract defines a record-level extract of the microdata: one record per
// accident of a fiscal year, with a few fields. Its classes (the records
// with the same fields) are published counts like a table's cells, so the
// disclosure control treats them as cells; a class that fails the rules is
// withheld whole, or, where the extract names Star fields, released with
// those fields starred ("*": local suppression).
type Extract struct {
	// Name is stable across releases: microdata_<name>.csv.
	Name        string
	Title       Text
	Description Text
	// Fields are dimensions (columns of deid_accident), fiscal_year first.
	Fields []Dim
	// Star names fields a hidden class may be released with starred
	// instead of being withheld. The records of the hidden classes that
	// agree on every other field form a starred class ("*" in the Star
	// fields), whose count is the published count of that group less its
	// unstarred classes: the disclosure model holds it as the group's
	// count, published or not like any figure. All of a group's hidden
	// records are starred or none is.
	Star []string
}

// FieldNames lists the extract's field names in file order.
func (e Extract) FieldNames() []string {
	out := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f.Name
	}
	return out
}

// ExtractInfo describes a released extract for the site: its file is
// data/microdata_<Name>.csv (and .parquet).
type ExtractInfo struct {
	Name        string `json:"name"`
	Title       Text   `json:"title"`
	Description Text   `json:"description"`
	// Rows are the records released (Starred of them with the Star fields
	// starred); Withheld those left out because their class failed the
	// rules, per fiscal year and in all.
	Rows    int `json:"rows"`
	Starred int `json:"starred"`
	// Star names the fields a record may have starred ("*").
	Star     []string      `json:"star,omitempty"`
	Withheld int           `json:"withheld"`
	ByYear   []YearCount   `json:"by_year"`
	Columns  []FieldSchema `json:"columns"`
}

// YearCount is one fiscal year's released and withheld records.
type YearCount struct {
	FiscalYear int `json:"fiscal_year"`
	Released   int `json:"released"`
	Starred    int `json:"starred"`
	Withheld   int `json:"withheld"`
}

// Additive reports whether the measure is a sum of a magnitude.
func (m Measure) Additive() bool { return m.Magnitude != "" }

// CellStatus is what the disclosure control decided about a cell.
type CellStatus uint8

const (
	// Unprotected: not yet through anonymize. Never published.
	Unprotected CellStatus = iota
	// Published: the value may be shown.
	Published
	// Suppressed: shown as X. Primary and secondary suppression are never
	// told apart in public.
	Suppressed
	// NotApplicable: no value exists (a change from a year with no data, a
	// trend with too few years). Shown empty, "…" in HTML.
	NotApplicable
)

// Contribution is one operator's share of an additive cell. Op is an
// internal key (deid_accident.op_key) that never leaves the restricted side.
type Contribution struct {
	Op    int32   `json:"-"`
	Value float64 `json:"-"`
}

// CellRef names a cell: table, row index, measure index.
type CellRef struct {
	Table   string `json:"table"`
	Row     int    `json:"row"`
	Measure int    `json:"measure"`
}

// Cell is one value of a table.
type Cell struct {
	Value  float64    `json:"value"`
	Status CellStatus `json:"status"`
	// Contrib: per-operator contributions of an additive cell, sorted by
	// Op. Set by analytics, removed by anonymize before publication.
	Contrib []Contribution `json:"-"`
	// DependsOn: the additive cells a derived cell is computed from. A
	// derived cell is published only if all of them are.
	DependsOn []CellRef `json:"-"`
	// Revised: the previous release published this figure with another
	// value (e-Stat's mark r).
	Revised bool `json:"revised,omitempty"`
}

// Row is one row of a table: a key per dimension (a code, a fiscal year as
// decimal digits, or Total) and a cell per measure.
type Row struct {
	Key   []string `json:"key"`
	Cells []Cell   `json:"cells"`
}

// StatTable is one published statistical table.
type StatTable struct {
	// Name is stable across releases: the CSV file name and the anchor.
	Name        string `json:"name"`
	Title       Text   `json:"title"`
	Description Text   `json:"description"`
	// Page is where the site shows the table: overview, causes, services,
	// equipment, regions, impact, serious, disasters, trends.
	Page string `json:"page"`
	// Chart is how the site draws it: "bar" (stacked bars, first dim on
	// the x axis, second dim as series), "line", "table" (no chart).
	Chart string `json:"chart"`
	// Filter restricts the accidents the table counts before its keys do
	// (dimension name -> code), e.g. {"meets_serious": "true"}.
	Filter   map[string]string `json:"filter,omitempty"`
	Dims     []Dim             `json:"dims"`
	Measures []Measure         `json:"measures"`
	Rows     []Row             `json:"rows"`
	// FiscalYears the table covers, ascending; partial years are listed in
	// Release.PartialYears.
	FiscalYears []int `json:"fiscal_years,omitempty"`
}

// Release is everything the site may show: only values that passed the
// disclosure control. It holds no operator, no contribution, no free text
// beyond what anonymize released.
type Release struct {
	Version   string `json:"version"`    // release version (an input, never the clock)
	BuildDate string `json:"build_date"` // YYYY-MM-DD (an input, never the clock)
	// FiscalYears with data, ascending; LatestYear the last of them.
	FiscalYears []int `json:"fiscal_years"`
	LatestYear  int   `json:"latest_year"`
	// PartialYears: fiscal years for which not all four quarters have data.
	PartialYears []int       `json:"partial_years"`
	Tables       []StatTable `json:"tables"`
	// Summary of the latest year for the committee, built from published
	// figures only.
	Summary Text `json:"summary"`
	// Risk is the public disclosure-risk summary (Markdown), without
	// parameter values or intervals.
	Risk Text `json:"risk"`
	// Extracts describes the record-level files written beside the site.
	Extracts []ExtractInfo `json:"extracts"`
	// PublicRegister tells whether the release was built with a register
	// of public facts (docs/public-facts.md); PublicCases are the
	// accidents of the release it describes, as their sources state
	// them, in the order they began.
	PublicRegister bool         `json:"public_register"`
	PublicCases    []PublicCase `json:"public_cases"`
	// Revision compares the release with the previous one (nil for the
	// first release kensho archived).
	Revision *Revision `json:"revision,omitempty"`
}

// Revision is what changed since the previous release, as a reader may
// see it: the figures both releases publish with different values (each
// change passed the disclosure rules as a figure of its own), and how many
// figures one of the two withholds and the other publishes.
type Revision struct {
	Previous     string `json:"previous"`      // its version
	PreviousDate string `json:"previous_date"` // YYYY-MM-DD
	// Revised are the cells marked r, in table order.
	Revised []RevisedCell `json:"revised"`
	// NowSuppressed: cells published then and X now; NowPublished: X then
	// and published now.
	NowSuppressed int `json:"now_suppressed"`
	NowPublished  int `json:"now_published"`
}

// RevisedCell is a cell of this release whose value the previous release
// published otherwise.
type RevisedCell struct {
	Table    string  `json:"table"`
	Row      int     `json:"row"`
	Measure  int     `json:"measure"`
	Previous float64 `json:"previous"`
}

// PublicCase is an accident already made public by the ministry or its
// operator, as the register of public facts states it (not as the report
// does). It never names the operator: the sources do.
type PublicCase struct {
	OccurredOn    string   `json:"occurred_on"` // YYYY-MM-DD, JST
	FiscalYear    int      `json:"fiscal_year"`
	Service       string   `json:"service"` // code
	AffectedUsers int64    `json:"affected_users"`
	DurationMin   int64    `json:"duration_min"`
	Cause         string   `json:"cause"`   // code
	Sources       []string `json:"sources"` // the register's source URLs, in register order
}

// FieldSchema documents one column of a released file (data dictionary).
type FieldSchema struct {
	Name  string `json:"name"`
	Type  string `json:"type"` // string, integer, number, boolean
	Title Text   `json:"title"`
	// Codes names the code list of a coded column (ListByName), if any.
	Codes string `json:"codes,omitempty"`
}

// Table returns the table with the given name, or nil.
func (r *Release) Table(name string) *StatTable {
	for i := range r.Tables {
		if r.Tables[i].Name == name {
			return &r.Tables[i]
		}
	}
	return nil
}

package reportfile

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kensho-jp/kensho"
)

// Problem is one error or warning in a file, where the user can find it.
// Column and Value may be substrings of the file's text: copy them to
// keep them longer than the file (ErrorIn does).
type Problem struct {
	Row    int    // spreadsheet row; 0 for the file as a whole
	Col    int    // 0-based file column, to order a row's problems; -1 when none
	Column string // header as written in the file
	Value  string // the cell as written
	Code   string
	Msg    Message
}

// Accident is one valid row, normalized to the codes and types of the
// accident table (docs/contract.md). Times are in JST.
type Accident struct {
	OperatorID, ReportNo, OperatorName string
	ContactName, Contact               string
	FiscalYear, Quarter                int
	Form, ReportType                   string
	OccurredAt, RecoveredAt            time.Time
	DurationMin                        int64 // from the two times
	DurationReported                   int64 // as the file wrote it, when HasDurationReported
	HasDurationReported                bool
	Impact, Service                    string
	AffectedUsers                      int64
	Prefectures                        []string // JIS codes, sorted
	Nationwide                         bool
	SiteLocation                       string
	CauseGroup, Cause, Equipment       string
	VendorModel                        string
	OtherOperatorOrigin                bool
	PartnerOperator                    string
	CriticalInfraUsers                 int64
	HasCriticalInfraUsers              bool
	DisasterName                       string
	CyberAttack                        bool
	Summary, Prevention                string
	Extra                              [][2]string // unknown columns: key, value; non-empty values only
	BelowThreshold, MeetsSerious       bool
}

// rowResult is what validating one row gives: the errors that quarantine
// it, or its key and warnings (the accident itself is written out as JSON
// by the worker and not kept).
type rowResult struct {
	row   int
	rec   string   // the CSV record, to split again if the row is needed later
	cells []string // kept only for rows with errors, and XLSX rows
	errs  []Problem
	warns []Problem
	// operatorID and reportNo, normalized: the key of a valid row, and
	// its hash for the writer's duplicate check.
	operatorID, reportNo string
	keyHash              uint64
	// blankHeaderCols lists columns without a header that hold a value.
	blankHeaderCols []int
}

// cacheLimit bounds each per-worker cache of parsed cell values; the
// caches only pay off for the few distinct values of code columns.
const cacheLimit = 4096

type codeResult struct {
	code string
	pos  int // position in the code list
	ok   bool
}

// validator checks rows of one file. It is not safe for concurrent use;
// each worker has its own (its caches are not shared).
type validator struct {
	file   string
	lay    *layout
	codes  []memo[codeResult] // by field
	bools  memo[codeResult]
	ops    memo[string]
	prefs  memo[prefectureList]
	years  memo[int]
	quarts memo[int]

	xlsx   *xlsxSource // reads rows that arrive as XLSX XML
	encode Encoder     // writes each valid row (Options.Encode), or nil

	scratch Accident
	pos     []int // code-list position of each code field's value in the current row
	cellBuf []string
	accCap  int // JSON bytes the next batch is expected to need
}

func newValidator(file string, lay *layout) *validator {
	return &validator{
		file: file, lay: lay,
		codes: make([]memo[codeResult], len(kensho.InputColumns)),
		pos:   make([]int, len(kensho.InputColumns)),
	}
}

// codeLists gives the code list of every code field.
var codeLists = map[int]*kensho.CodeList{
	fForm: kensho.Forms, fReportType: kensho.ReportTypes, fImpact: kensho.Impacts,
	fService: kensho.Services, fCauseGroup: kensho.CauseGroups, fCause: kensho.Causes,
	fEquipment: kensho.EquipmentCodes,
}

// causeGroup maps each cause code to its group, read once from the root
// vocabulary (kensho.CauseGroupOf) so that the hot path does no lookups.
var causeGroup = func() map[string]string {
	m := map[string]string{}
	for _, c := range kensho.Causes.Codes {
		m[c.Code] = kensho.CauseGroupOf(c.Code)
	}
	return m
}()

var simplifiedOK = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range kensho.EquipmentCodes.Codes {
		m[c.Code] = kensho.SimplifiedFormEquipment(c.Code)
	}
	return m
}()

// row validates one data row into a (a scratch value the caller reuses).
// cells may be shorter or longer than the header.
func (v *validator) row(rowNo int, cells []string, a *Accident) rowResult {
	*a = Accident{}
	v.pos[fService], v.pos[fImpact], v.pos[fEquipment] = -1, -1, -1
	r := rowResult{row: rowNo}
	lay := v.lay
	cell := func(f int) string {
		c := lay.colOf[f]
		if c < 0 || c >= len(cells) {
			return ""
		}
		return cells[c]
	}
	fail := func(f int, code string, args ...string) {
		c := lay.colOf[f]
		ic := kensho.InputColumns[f]
		args = append(args, "col_ja", ic.HeaderJa, "col_en", ic.Field, "value", Shown(cell(f)))
		r.errs = append(r.errs, Problem{Row: rowNo, Col: c, Column: lay.header(c), Value: cell(f), Code: code,
			Msg: newMessage(code, args...)})
	}
	for col := len(lay.headers); col < len(cells); col++ {
		if trimCell(cells[col]) == "" {
			continue
		}
		n := len(cells)
		for n > 0 && trimCell(cells[n-1]) == "" {
			n--
		}
		r.errs = append(r.errs, Problem{Row: rowNo, Col: col, Column: "", Value: cells[col], Code: CodeTooManyCells,
			Msg: newMessage(CodeTooManyCells, "n", strconv.Itoa(n), "width", strconv.Itoa(len(lay.headers)))})
		break
	}
	text := func(f int) string { return trimCell(cell(f)) }
	required := func(f int) (string, bool) {
		s := text(f)
		if s == "" {
			fail(f, CodeMissingValue)
			return "", false
		}
		return s, true
	}

	if s, ok := required(fOperatorName); ok {
		a.OperatorName = s
	}
	if s, ok := required(fOperatorID); ok {
		a.OperatorID = v.operatorKey(s)
	}
	if s, ok := required(fReportNo); ok {
		a.ReportNo = normalizeKeyText(s)
	}
	a.ContactName = text(fContactName)
	a.Contact = text(fContact)

	fyOK, qOK := false, false
	if s, ok := required(fFiscalYear); ok {
		if a.FiscalYear, fyOK = v.fiscalYear(s); !fyOK {
			fail(fFiscalYear, CodeBadFiscalYear)
		}
	}
	if s, ok := required(fQuarter); ok {
		if a.Quarter, qOK = v.quarter(s); !qOK {
			fail(fQuarter, CodeBadQuarter)
		}
	}

	code := func(f int, req bool) (string, bool) {
		s := cell(f)
		if trimCell(s) == "" {
			if req {
				fail(f, CodeMissingValue)
			}
			return "", false
		}
		c := v.lookup(f, s)
		if !c.ok {
			l := codeLists[f]
			fail(f, CodeUnknownCode, "choices_ja", choices(l, "ja", nil), "choices_en", choices(l, "en", nil))
		}
		v.pos[f] = c.pos
		return c.code, c.ok
	}
	formOK := false
	a.Form, formOK = code(fForm, true)
	if rt, ok := code(fReportType, false); ok {
		a.ReportType = rt
	} else if text(fReportType) == "" {
		a.ReportType = "quarterly" // the spec's default when 報告区分 is empty
	}

	occOK, recOK := false, false
	datetime := func(f int) (time.Time, bool) {
		s, ok := required(f)
		if !ok {
			return time.Time{}, false
		}
		t, ok := parseDateTime(s)
		if !ok {
			fail(f, CodeBadDatetime)
		}
		return t, ok
	}
	a.OccurredAt, occOK = datetime(fOccurredAt)
	a.RecoveredAt, recOK = datetime(fRecoveredAt)

	count := func(f int, req bool) (int64, bool) {
		s := text(f)
		if s == "" {
			if req {
				fail(f, CodeMissingValue)
			}
			return 0, false
		}
		n, ok := parseInt(s)
		if !ok {
			fail(f, CodeBadInteger)
			return 0, false
		}
		if n < 0 {
			fail(f, CodeNegative)
			return 0, false
		}
		return n, true
	}
	durOK := false
	a.DurationReported, durOK = count(fDurationMin, false)
	a.HasDurationReported = durOK

	a.Impact, _ = code(fImpact, true)
	a.Service, _ = code(fService, true)
	usersOK := false
	a.AffectedUsers, usersOK = count(fAffectedUsers, true)

	if s, ok := required(fPrefectures); ok {
		p := v.prefectures(s)
		switch {
		case len(p.unknown) > 0:
			fail(fPrefectures, CodeUnknownPrefecture, "unknown", strings.Join(p.unknown, "、"))
		case p.mixed:
			fail(fPrefectures, CodeNationwideMixed)
		default:
			a.Prefectures, a.Nationwide = p.codes, p.nationwide
		}
	}
	a.SiteLocation = text(fSiteLocation)

	groupOK, causeOK, equipOK := false, false, false
	a.CauseGroup, groupOK = code(fCauseGroup, true)
	a.Cause, causeOK = code(fCause, true)
	if groupOK && causeOK && causeGroup[a.Cause] != a.CauseGroup {
		in := func(c kensho.Code) bool { return causeGroup[c.Code] == a.CauseGroup }
		fail(fCause, CodeCauseNotInGroup, "group", Shown(cell(fCauseGroup)),
			"choices_ja", choices(kensho.Causes, "ja", in), "choices_en", choices(kensho.Causes, "en", in))
	}
	a.Equipment, equipOK = code(fEquipment, true)
	if formOK && equipOK && a.Form == "simplified" && !simplifiedOK[a.Equipment] {
		in := func(c kensho.Code) bool { return simplifiedOK[c.Code] }
		fail(fEquipment, CodeSimplifiedEquipment,
			"choices_ja", choices(kensho.EquipmentCodes, "ja", in), "choices_en", choices(kensho.EquipmentCodes, "en", in))
	}
	a.VendorModel = text(fVendorModel)

	boolean := func(f int) bool {
		s, ok := required(f)
		if !ok {
			return false
		}
		b, ok := v.boolean(s)
		if !ok {
			fail(f, CodeBadBool)
		}
		return b
	}
	a.OtherOperatorOrigin = boolean(fOtherOperatorOrigin)
	a.PartnerOperator = text(fPartnerOperator)
	a.CriticalInfraUsers, a.HasCriticalInfraUsers = count(fCriticalInfraUsers, false)
	if s := text(fDisasterName); s != "" {
		a.DisasterName = kensho.NormalizeText(s)
	}
	a.CyberAttack = boolean(fCyberAttack)
	a.Summary = text(fSummary)
	a.Prevention = text(fPrevention)

	// Rules across fields, checked only when the fields they compare read.
	if fyOK && qOK && occOK {
		fq := kensho.FiscalQuarter{Year: a.FiscalYear, Quarter: a.Quarter}
		if !fq.Contains(a.OccurredAt) {
			last := fq.End().AddDate(0, 0, -1)
			fail(fOccurredAt, CodeOutsideQuarter, "fy", strconv.Itoa(a.FiscalYear), "q", strconv.Itoa(a.Quarter),
				"start_ja", fq.Start().Format("2006/01/02"), "end_ja", last.Format("2006/01/02"),
				"start_en", fq.Start().Format("2006-01-02"), "end_en", last.Format("2006-01-02"))
		}
	}
	if occOK && recOK {
		d := a.RecoveredAt.Sub(a.OccurredAt)
		if d < 0 {
			fail(fRecoveredAt, CodeRecoveredBeforeOccurred, "occurred", Shown(cell(fOccurredAt)))
		} else {
			a.DurationMin = int64(d / time.Minute)
			if durOK && absDuration(time.Duration(a.DurationReported)*time.Minute-d) > time.Minute {
				fail(fDurationMin, CodeDurationMismatch, "computed", strconv.FormatInt(a.DurationMin, 10))
			}
		}
	}
	// int32 columns: a value that does not fit is a typo.
	if durOK && a.DurationReported > maxInt32 {
		fail(fDurationMin, CodeBadInteger)
	}
	if a.HasCriticalInfraUsers && a.CriticalInfraUsers > maxInt32 {
		fail(fCriticalInfraUsers, CodeBadInteger)
	}

	for _, c := range lay.unknown {
		if c < len(cells) && trimCell(cells[c]) != "" {
			a.Extra = append(a.Extra, [2]string{lay.keys[c], cells[c]})
		}
	}
	for c := 0; c < len(cells) && c < len(lay.headers); c++ {
		if lay.fieldAt[c] < 0 && trimCell(lay.headers[c]) == "" && trimCell(cells[c]) != "" {
			r.blankHeaderCols = append(r.blankHeaderCols, c)
			a.Extra = append(a.Extra, [2]string{lay.keys[c], cells[c]})
		}
	}

	r.operatorID, r.reportNo = a.OperatorID, a.ReportNo
	if len(r.errs) > 0 {
		// Errors in the order of the file's columns, then by code.
		sort.SliceStable(r.errs, func(i, j int) bool {
			if r.errs[i].Col != r.errs[j].Col {
				return r.errs[i].Col < r.errs[j].Col
			}
			return r.errs[i].Code < r.errs[j].Code
		})
		return r
	}

	r.keyHash = keyHash(a.OperatorID, a.ReportNo)
	ka := kensho.Accident{OccurredAt: a.OccurredAt, Service: a.Service, Impact: a.Impact, Equipment: a.Equipment,
		DurationMin: a.DurationMin, AffectedUsers: a.AffectedUsers}
	a.BelowThreshold = kensho.BelowReportingThreshold(ka)
	a.MeetsSerious = meetsSerious(v.pos[fService], v.pos[fImpact], v.pos[fEquipment], ka)
	if a.BelowThreshold && usersOK {
		t := thresholdInForce(a.OccurredAt)
		c := lay.colOf[fAffectedUsers]
		r.warns = append(r.warns, Problem{Row: rowNo, Col: c, Column: lay.header(c), Value: cell(fAffectedUsers),
			Code: CodeBelowThreshold, Msg: newMessage(CodeBelowThreshold,
				"users", Thousands(a.AffectedUsers), "minutes", strconv.FormatInt(a.DurationMin, 10),
				"min_users", Thousands(t.MinUsers), "min_minutes", strconv.FormatInt(t.MinMinutes, 10))})
	}
	if a.MeetsSerious && a.ReportType == "quarterly" {
		c := lay.colOf[fReportType]
		r.warns = append(r.warns, Problem{Row: rowNo, Col: c, Column: lay.header(c), Value: cell(fReportType),
			Code: CodeSeriousAsQuarterly, Msg: newMessage(CodeSeriousAsQuarterly,
				"users", Thousands(a.AffectedUsers), "minutes", strconv.FormatInt(a.DurationMin, 10))})
	}
	return r
}

const maxInt32 = 1<<31 - 1

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// choices lists a code list's labels in lang for a message, restricted by
// keep when given.
func choices(l *kensho.CodeList, lang string, keep func(kensho.Code) bool) string {
	var out []string
	for _, c := range l.Codes {
		if keep != nil && !keep(c) {
			continue
		}
		if lang == "ja" {
			out = append(out, c.Text.Ja)
		} else {
			out = append(out, c.Code+" ("+c.Text.Ja+")")
		}
	}
	if lang == "ja" {
		return strings.Join(out, "、")
	}
	return strings.Join(out, ", ")
}

// Thousands formats n with comma separators.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// thresholdInForce returns the quarterly-reporting threshold in force at t.
func thresholdInForce(t time.Time) kensho.ReportingThreshold {
	for _, th := range kensho.ReportingThresholds {
		if !t.Before(th.EffectiveFrom) {
			return th
		}
	}
	return kensho.ReportingThreshold{}
}

// normalizeKeyText folds a key field (operator_id, report_no) as
// kensho.NormalizeText does, so that a correction typed in another width
// still finds its accident. ASCII without doubled spaces is returned as is.
func normalizeKeyText(s string) string {
	if isASCII(s) && !strings.Contains(s, "  ") && !strings.ContainsAny(s, "\t\r\n") {
		return s
	}
	return kensho.NormalizeText(s)
}

func (v *validator) operatorKey(s string) string {
	if k, ok := v.ops.get(s); ok {
		return k
	}
	k := normalizeKeyText(s)
	v.ops.put(s, k)
	return k
}

func (v *validator) lookup(f int, s string) codeResult {
	if r, ok := v.codes[f].get(s); ok {
		return r
	}
	l := codeLists[f]
	c, ok := l.Lookup(s)
	r := codeResult{code: c.Code, pos: -1, ok: ok}
	for i := range l.Codes {
		if ok && l.Codes[i].Code == c.Code {
			r.pos = i
		}
	}
	v.codes[f].put(s, r)
	return r
}

func (v *validator) boolean(s string) (bool, bool) {
	if r, ok := v.bools.get(s); ok {
		return r.code == "t", r.ok
	}
	b, ok := kensho.ParseBool(s)
	c := "f"
	if b {
		c = "t"
	}
	v.bools.put(s, codeResult{code: c, ok: ok})
	return b, ok
}

func (v *validator) prefectures(s string) prefectureList {
	if p, ok := v.prefs.get(s); ok {
		return p
	}
	p := parsePrefectures(s)
	v.prefs.put(s, p)
	return p
}

func (v *validator) fiscalYear(s string) (int, bool) {
	if y, ok := v.years.get(s); ok {
		return y, y != 0
	}
	y, ok := parseFiscalYear(s)
	v.years.put(s, y)
	return y, ok
}

func (v *validator) quarter(s string) (int, bool) {
	if q, ok := v.quarts.get(s); ok {
		return q, q != 0
	}
	q, ok := parseQuarter(s)
	v.quarts.put(s, q)
	return q, ok
}

// memo remembers what a cell's text was read as. A column of codes holds
// a handful of distinct values: the first few are compared directly,
// which beats hashing long labels; more go to a map, up to cacheLimit.
type memo[V any] struct {
	keys []string
	vals []V
	m    map[string]int32 // position in vals, past the first memoLinear
}

const memoLinear = 16

func (c *memo[V]) get(s string) (V, bool) {
	for i, k := range c.keys {
		if k == s {
			return c.vals[i], true
		}
	}
	if c.m == nil {
		var zero V
		return zero, false
	}
	if i, ok := c.m[s]; ok {
		return c.vals[i], true
	}
	var zero V
	return zero, false
}

func (c *memo[V]) put(s string, v V) {
	if len(c.keys) < memoLinear {
		c.keys = append(c.keys, s)
		c.vals = append(c.vals, v)
		return
	}
	if c.m == nil {
		c.m = map[string]int32{}
	}
	if len(c.m) < cacheLimit {
		c.m[s] = int32(len(c.vals))
		c.vals = append(c.vals, v)
	}
}

// The serious-accident criteria (kensho.MeetsSeriousCriteria) depend on
// the service, impact and equipment codes, the rule set in force when the
// accident occurred, and whether duration and users reach each threshold.
// Every rule compares with ≥, so replacing the duration (users) by the
// largest threshold not above it, and the date by the day its rule set
// took effect, gives the same answer. seriousTable holds that answer for
// every combination, computed once by kensho.MeetsSeriousCriteria itself.
type seriousIndex struct {
	eras             []time.Time // effective dates, newest first
	minutes, users   []int64     // thresholds ascending, 0 first
	nS, nI, nE, nEra int
	table            []bool
}

var seriousTable = sync.OnceValue(func() *seriousIndex {
	t := &seriousIndex{minutes: []int64{0}, users: []int64{0}}
	seen := map[time.Time]bool{}
	for _, r := range kensho.SeriousRules { // newest first
		if !seen[r.EffectiveFrom] {
			seen[r.EffectiveFrom] = true
			t.eras = append(t.eras, r.EffectiveFrom)
		}
		t.minutes = append(t.minutes, r.MinMinutes)
		t.users = append(t.users, r.MinUsers)
	}
	t.minutes, t.users = distinctSorted(t.minutes), distinctSorted(t.users)
	t.nS, t.nI, t.nE, t.nEra = len(kensho.Services.Codes), len(kensho.Impacts.Codes), len(kensho.EquipmentCodes.Codes), len(t.eras)
	t.table = make([]bool, t.nS*t.nI*t.nE*t.nEra*len(t.minutes)*len(t.users))
	for s, svc := range kensho.Services.Codes {
		for i, imp := range kensho.Impacts.Codes {
			for e, eq := range kensho.EquipmentCodes.Codes {
				for era, from := range t.eras {
					for m, mins := range t.minutes {
						for u, users := range t.users {
							t.table[t.at(s, i, e, era, m, u)] = kensho.MeetsSeriousCriteria(kensho.Accident{
								OccurredAt: from, Service: svc.Code, Impact: imp.Code, Equipment: eq.Code,
								DurationMin: mins, AffectedUsers: users})
						}
					}
				}
			}
		}
	}
	return t
})

func (t *seriousIndex) at(s, i, e, era, m, u int) int {
	return ((((s*t.nI+i)*t.nE+e)*t.nEra+era)*len(t.minutes)+m)*len(t.users) + u
}

func distinctSorted(v []int64) []int64 {
	slices.Sort(v)
	return slices.Compact(v)
}

// floorIndex returns the index of the largest of ts (ascending, ts[0] = 0)
// not above v ≥ 0.
func floorIndex(v int64, ts []int64) int {
	i := 0
	for j, t := range ts {
		if t <= v {
			i = j
		}
	}
	return i
}

// meetsSerious is kensho.MeetsSeriousCriteria by table lookup. a's codes
// are given by their positions in the code lists.
func meetsSerious(service, impact, equipment int, a kensho.Accident) bool {
	t := seriousTable()
	era := -1
	for i, from := range t.eras {
		if !a.OccurredAt.Before(from) {
			era = i
			break
		}
	}
	if era < 0 || service < 0 || impact < 0 || equipment < 0 {
		return kensho.MeetsSeriousCriteria(a)
	}
	return t.table[t.at(service, impact, equipment, era, floorIndex(a.DurationMin, t.minutes), floorIndex(a.AffectedUsers, t.users))]
}

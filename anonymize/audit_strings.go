package anonymize

// The identifier scan: no published string may contain an operator's name,
// an alias of it, its registration number, a contact's name, mail address or
// phone number, a partner operator's name, an equipment model or a site
// location, as held in the restricted database.

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
	"golang.org/x/text/width"
)

// identifierColumns are the accident columns whose values must never be
// published (codes/columns.csv marks them; report_no is only the operator's
// own number and summary/prevention are free text, checked by the canary
// tests instead since they are long prose).
var identifierColumns = []string{"operator_name", "operator_id", "contact_name", "contact", "partner_operator", "vendor_model", "site_location"}

// legalForms are stripped from names to form aliases (株式会社カナリア → カナリア).
var legalForms = []string{
	"株式会社", "有限会社", "合同会社", "合名会社", "合資会社", "一般社団法人", "一般財団法人", "公益社団法人", "公益財団法人",
	"(株)", "(有)", "(同)", "㈱", "㈲",
	"co.,ltd.", "co., ltd.", "co.ltd.", "co ltd", "corporation", "corp.", "inc.", "ltd.", "llc", "k.k.", "g.k.",
}

var (
	mailPattern  = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	phonePattern = regexp.MustCompile(`[0-9+(（][0-9\-‐－ー() （）.]{6,}[0-9]`)
)

type needle struct {
	text   string // normalized
	kind   byte   // 'a' ASCII word, 'w' other text, 'd' phone digits
	column string
}

type identifiers struct {
	needles []needle
	skipped int // values too short to tell apart from ordinary words or counts
}

// asciiFold folds widths, lower-cases and collapses spaces (word boundaries
// are kept for ASCII needles).
func asciiFold(s string) string {
	s = strings.ToLower(width.Fold.String(s))
	return strings.Join(strings.Fields(s), " ")
}

func isASCII(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range width.Fold.String(s) {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (ids *identifiers) add(column, value string) {
	value = strings.TrimSpace(value)
	if value == "" {
		return
	}
	folded := asciiFold(value)
	switch {
	case isASCII(folded):
		alnum := 0
		for _, r := range folded {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				alnum++
			}
		}
		if d := digitsOnly(folded); len(d) == alnum && len(d) < 8 {
			ids.skipped++ // a short number cannot be told apart from a count
			return
		}
		if alnum < 3 {
			ids.skipped++
			return
		}
		ids.needles = append(ids.needles, needle{folded, 'a', column})
	default:
		k := kensho.NormalizeKey(value)
		if utf8.RuneCountInString(k) < 2 {
			ids.skipped++
			return
		}
		ids.needles = append(ids.needles, needle{k, 'w', column})
	}
	if d := digitsOnly(value); len(d) >= 8 {
		ids.needles = append(ids.needles, needle{d, 'd', column})
	}
}

// loadIdentifiers reads every identifier value of accident (and of its
// history, when it exists) and derives aliases, mail addresses and phone
// numbers.
func loadIdentifiers(ctx context.Context, db *sql.DB) (*identifiers, error) {
	tables := []string{"accident"}
	hist, err := tableExists(ctx, db, "accident_history")
	if err != nil {
		return nil, err
	}
	if hist {
		tables = append(tables, "accident_history")
	}
	ids := &identifiers{}
	seen := map[string]bool{}
	for _, col := range identifierColumns {
		var parts []string
		for _, t := range tables {
			parts = append(parts, fmt.Sprintf("SELECT %s AS v FROM %s", duck.QuoteIdent(col), duck.QuoteIdent(t)))
		}
		rows, err := db.QueryContext(ctx, "SELECT DISTINCT v FROM ("+strings.Join(parts, " UNION ALL ")+") WHERE v IS NOT NULL ORDER BY v")
		if err != nil {
			return nil, fmt.Errorf("identifiers %s: %w", col, err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return nil, err
			}
			var values []string
			values = append(values, v)
			if col == "operator_name" || col == "partner_operator" {
				values = append(values, stripLegalForms(v))
			}
			if col == "contact" || col == "contact_name" {
				values = append(values, mailPattern.FindAllString(v, -1)...)
				values = append(values, phonePattern.FindAllString(width.Fold.String(v), -1)...)
			}
			for _, x := range values {
				if key := col + "\x00" + x; !seen[key] {
					seen[key] = true
					ids.add(col, x)
				}
			}
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return nil, err
		}
		rows.Close()
	}
	return ids, nil
}

func stripLegalForms(name string) string {
	s := asciiFold(name)
	s = strings.NewReplacer("（", "(", "）", ")").Replace(s)
	for _, f := range legalForms {
		s = strings.ReplaceAll(s, f, " ")
	}
	return strings.Join(strings.Fields(s), " ")
}

// labelled is a published string and where it is published.
type labelled struct {
	where string
	text  string
}

// scan returns one finding per published string that contains an
// identifier. The identifier itself is never repeated in the finding.
func (ids *identifiers) scan(strs []labelled) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range strs {
		if s.text == "" || seen[s.text] {
			continue
		}
		seen[s.text] = true
		a := asciiFold(s.text)
		w := kensho.NormalizeKey(s.text)
		var phones []string
		for _, p := range phonePattern.FindAllString(width.Fold.String(s.text), -1) {
			phones = append(phones, digitsOnly(p))
		}
		for _, n := range ids.needles {
			hit := false
			switch n.kind {
			case 'a':
				hit = containsWord(a, n.text)
			case 'w':
				hit = strings.Contains(w, n.text)
			case 'd':
				for _, p := range phones {
					if strings.Contains(p, n.text) {
						hit = true
					}
				}
			}
			if hit {
				out = append(out, fmt.Sprintf("%s contains an operator's %s from the restricted database", s.where, n.column))
				break
			}
		}
	}
	sort.Strings(out) // deterministic report
	return out
}

// containsWord finds needle in hay where it is not part of a longer ASCII
// word or number.
func containsWord(hay, needle string) bool {
	for start := 0; ; {
		i := strings.Index(hay[start:], needle)
		if i < 0 {
			return false
		}
		i += start
		before, after := rune(' '), rune(' ')
		if i > 0 {
			before, _ = utf8.DecodeLastRuneInString(hay[:i])
		}
		if j := i + len(needle); j < len(hay) {
			after, _ = utf8.DecodeRuneInString(hay[j:])
		}
		if !isWordRune(before) && !isWordRune(after) {
			return true
		}
		start = i + 1
	}
}

func isWordRune(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// tableStrings lists every string of a table that the site shows.
func tableStrings(t kensho.StatTable) []labelled {
	w := "table " + t.Name
	out := []labelled{{w + " name", t.Name}, {w + " title", t.Title.Ja}, {w + " title", t.Title.En},
		{w + " description", t.Description.Ja}, {w + " description", t.Description.En}, {w + " page", t.Page}, {w + " chart", t.Chart}}
	for k, v := range t.Filter {
		out = append(out, labelled{w + " filter", k}, labelled{w + " filter", v})
	}
	for _, d := range t.Dims {
		out = append(out, labelled{w + " dimension", d.Name}, labelled{w + " dimension title", d.Title.Ja}, labelled{w + " dimension title", d.Title.En})
	}
	for _, m := range t.Measures {
		out = append(out, labelled{w + " measure", m.Name}, labelled{w + " measure title", m.Title.Ja}, labelled{w + " measure title", m.Title.En},
			labelled{w + " unit", m.Unit.Ja}, labelled{w + " unit", m.Unit.En})
	}
	for ri, r := range t.Rows {
		for _, k := range r.Key {
			out = append(out, labelled{fmt.Sprintf("%s row %d key", w, ri), k})
		}
	}
	return out
}

// extractStrings lists the distinct values of every field of every
// extract's released records.
func extractStrings(ctx context.Context, q *sql.DB, extracts []kensho.ExtractInfo) ([]labelled, error) {
	var out []labelled
	for _, e := range extracts {
		for _, c := range e.Columns {
			if c.Name == "record_id" {
				continue
			}
			r, err := q.QueryContext(ctx, fmt.Sprintf("SELECT DISTINCT CAST(%s AS VARCHAR) AS v FROM %s WHERE %s IS NOT NULL ORDER BY v",
				duck.QuoteIdent(c.Name), duck.QuoteIdent(extractTable(e.Name)), duck.QuoteIdent(c.Name)))
			if err != nil {
				return nil, err
			}
			for r.Next() {
				var v string
				if err := r.Scan(&v); err != nil {
					r.Close()
					return nil, err
				}
				out = append(out, labelled{"extract " + e.Name + " column " + c.Name, v})
			}
			r.Close()
		}
	}
	return out, nil
}

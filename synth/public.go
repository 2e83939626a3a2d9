package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/kensho-jp/kensho"
)

// The register of public facts (docs/public-facts.md) for the generated
// data: every serious accident filed as 重大 (報告区分), as the ministry
// would announce it — the operator's name (no registration number), the
// day it began, the service and cause by their Japanese labels, the users
// rounded to three significant figures (約129万人) and the duration in
// minutes — with a link under the reserved .example domain, since no such
// announcement exists: the register is as synthetic as the reports.

// publicFact is an accident as the register states it.
type publicFact struct {
	op       *operator
	occurred int64 // Unix seconds, to sort
	day      string
	service  string
	users    int64
	duration int64
	cause    string
	fy       int
}

// notePublic remembers a final (corrected, if corrected) valid accident
// filed as serious.
func (r *run) notePublic(a *accident) {
	if r.cfg.PublicFacts == "" || a.reportType != "serious" {
		return
	}
	r.public = append(r.public, publicFact{op: a.op, occurred: a.occurred.Unix(), day: a.occurred.In(kensho.JST).Format("2006/01/02"),
		service: a.service, users: roundSignificant(a.users, 3), duration: a.duration, cause: a.cause, fy: a.fy})
}

// roundSignificant rounds n to d significant figures, half up.
func roundSignificant(n int64, d int) int64 {
	var p int64 = 1
	for x := n; x >= pow10(d); x /= 10 {
		p *= 10
	}
	return (n + p/2) / p * p
}

func pow10(d int) int64 {
	v := int64(1)
	for range d {
		v *= 10
	}
	return v
}

// writePublicFacts writes the register to path (never over an existing
// file; complete or not at all), in the order the accidents began.
func (r *run) writePublicFacts(path string) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s already exists: remove the earlier register or choose another --public / 既に存在します", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	// Sort by start, then operator: the order of the announcements.
	sort.SliceStable(r.public, func(i, j int) bool {
		a, b := r.public[i], r.public[j]
		if a.occurred != b.occurred {
			return a.occurred < b.occurred
		}
		return a.op.index < b.op.index
	})
	f, err := os.OpenFile(path+".part", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	s, err := newCSVSheet(f, style{bom: true, crlf: true}, false)
	if err != nil {
		f.Close()
		os.Remove(path + ".part")
		return err
	}
	s.f, s.path, s.final = f, path+".part", path
	var head []string
	for _, c := range kensho.PublicFactColumns {
		head = append(head, c.HeaderJa)
	}
	if err := s.header(head); err != nil {
		s.abort()
		return err
	}
	n := map[int]int{}
	for _, p := range r.public {
		n[p.fy]++
		cells := make([]any, len(kensho.PublicFactColumns))
		for i, c := range kensho.PublicFactColumns {
			switch c.Field {
			case "operator_name":
				cells[i] = p.op.name
			case "operator_id":
				cells[i] = ""
			case "occurred_on":
				cells[i] = p.day
			case "service":
				cells[i] = kensho.Services.Label(p.service, "ja")
			case "affected_users":
				cells[i] = strconv.FormatInt(p.users, 10)
			case "duration_min":
				cells[i] = strconv.FormatInt(p.duration, 10)
			case "cause":
				cells[i] = kensho.Causes.Label(p.cause, "ja")
			case "source_url":
				cells[i] = fmt.Sprintf("https://www.mic.example/press/jiko/FY%d-%03d.html", p.fy, n[p.fy])
			default:
				panic("synth: no value for register column " + c.Field)
			}
		}
		if err := s.row(cells); err != nil {
			s.abort()
			return err
		}
	}
	return s.close()
}

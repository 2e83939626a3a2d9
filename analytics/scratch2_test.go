package analytics

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestScratchEnum(t *testing.T) {
	db := duck.MustOpenMemory(t)
	mustAccidentTable(t, db)
	genAccidents(t, db, 600_000, 300, 2015, 2024, "bench")
	mustDeidentify(t, db)
	ctx := context.Background()
	conn, _ := db.Conn(ctx)
	defer conn.Close()
	c0 := cpuNow()
	_, err := conn.ExecContext(ctx, `CREATE TEMP TABLE e AS SELECT fiscal_year, op_key, TRY_CAST(form AS ENUM('full','simplified')) AS form,
	  TRY_CAST(cause AS ENUM`+enumList(kensho.Causes)+`) AS cause FROM deid_accident`)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("create cpu", cpuNow()-c0)
	vs := []struct{ n, q string }{
		{"varchar", "SELECT fiscal_year::VARCHAR AS fiscal_year, form, cause, op_key, count(*) AS accidents FROM deid_accident GROUP BY fiscal_year, form, cause, op_key ORDER BY fiscal_year, form, cause, op_key"},
		{"varchar-noorder", "SELECT fiscal_year::VARCHAR AS fiscal_year, form, cause, op_key, count(*) AS accidents FROM deid_accident GROUP BY fiscal_year, form, cause, op_key"},
		{"varchar-count", "SELECT count(*) FROM (SELECT fiscal_year, form, cause, op_key, count(*) AS accidents FROM deid_accident GROUP BY ALL)"},
		{"enum", "SELECT fiscal_year::VARCHAR AS fiscal_year, form::VARCHAR AS form, cause::VARCHAR AS cause, op_key, count(*) AS accidents FROM e GROUP BY e.fiscal_year, e.form, e.cause, op_key ORDER BY e.fiscal_year, e.form, e.cause, op_key"},
		{"enum-count", "SELECT count(*) FROM (SELECT fiscal_year, form, cause, op_key, count(*) AS accidents FROM e GROUP BY ALL)"},
	}
	for round := 0; round < 3; round++ {
		for _, v := range vs {
			c0 := cpuNow()
			t0 := time.Now()
			r, err := conn.QueryContext(ctx, v.q)
			if err != nil {
				t.Fatal(v.n, err)
			}
			n := 0
			var a, b, c, d, e any
			for r.Next() {
				if v.n[len(v.n)-5:] != "count" {
					r.Scan(&a, &b, &c, &d, &e)
				}
				n++
			}
			r.Close()
			fmt.Printf("%-20s rows=%7d wall=%v cpu=%v\n", v.n, n, time.Since(t0), cpuNow()-c0)
		}
	}
}

func enumList(l *kensho.CodeList) string {
	s := "("
	for i, c := range l.CodeStrings() {
		if i > 0 {
			s += ","
		}
		s += duck.QuoteString(c)
	}
	return s + ")"
}

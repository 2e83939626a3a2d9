package analytics

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kensho-jp/kensho/internal/duck"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

const bigPath = "/tmp/kensho_analytics_10m.duckdb"

func TestScratchMakeBig(t *testing.T) {
	if _, err := os.Stat(bigPath); err == nil {
		t.Skip("exists")
	}
	db, err := duck.Open(context.Background(), bigPath, duck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mustAccidentTable(t, db)
	genAccidents(t, db, 10_000_000, 300, 2015, 2024, "bench")
	mustDeidentify(t, db)
	db.Exec("DROP TABLE accident")
}

func TestScratchBigPhases(t *testing.T) {
	db, err := duck.Open(context.Background(), bigPath, duck.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	cal, _ := readCalendar(ctx, db)
	c0, w0 := cpuNow(), time.Now()
	st, err := prepare(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	fmt.Printf("prepare wall=%v cpu=%v\n", time.Since(w0), cpuNow()-c0)
	b := &builder{db: db, cal: cal, latest: 2024, accidents: st.Accidents, rows: map[string]map[string]int{}}
	for _, s := range specs() {
		c0, w0 := cpuNow(), time.Now()
		if _, err := b.count(ctx, s); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("%-36s wall=%v cpu=%v\n", s.name, time.Since(w0), cpuNow()-c0)
	}
}

func TestScratchPrepVariants(t *testing.T) {
	db, err := duck.Open(context.Background(), bigPath, duck.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	conn, _ := db.Conn(ctx)
	defer conn.Close()
	conn.ExecContext(ctx, "ATTACH ':memory:' AS p (READ_WRITE)")
	data := map[string]any{"Accidents": "p.a1", "Coded": coded()}
	base := render("prepare", data)
	run := func(name, q string) {
		c0, w0 := cpuNow(), time.Now()
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(name, err)
		}
		fmt.Printf("%-30s wall=%v cpu=%v\n", name, time.Since(w0), cpuNow()-c0)
	}
	run("try_cast", base)
	data["Accidents"] = "p.a2"
	run("cast", strings.ReplaceAll(render("prepare", data), "TRY_CAST(", "CAST("))
	run("set-order", "SET preserve_insertion_order = false")
	data["Accidents"] = "p.a3"
	run("try_cast-noorder", render("prepare", data))
	run("reset-order", "RESET preserve_insertion_order")
	run("copy-varchar", "CREATE TABLE p.a4 AS SELECT op_key, fiscal_year, form, cause FROM deid_accident")
	run("group-varchar", "CREATE TABLE p.g1 AS SELECT fiscal_year, form, cause, op_key, count(*) FROM deid_accident GROUP BY ALL")
	run("group-enum", "CREATE TABLE p.g2 AS SELECT fiscal_year, form, cause, op_key, count(*) FROM p.a1 GROUP BY ALL")
}

func TestScratchBigVarchar(t *testing.T) {
	path := bigPath
	if p := os.Getenv("SCRATCH_DB"); p != "" {
		path = p
	}
	db, err := duck.Open(context.Background(), path, duck.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	cal, _ := readCalendar(ctx, db)
	b := &builder{db: db, cal: cal, latest: 2024, accidents: "deid_accident", rows: map[string]map[string]int{}}
	var total time.Duration
	c0, w0 := cpuNow(), time.Now()
	for _, s := range specs() {
		c0, w0 := cpuNow(), time.Now()
		if _, err := b.count(ctx, s); err != nil {
			t.Fatal(err)
		}
		total += cpuNow() - c0
		fmt.Printf("%-36s wall=%v cpu=%v\n", s.name, time.Since(w0), cpuNow()-c0)
	}
	fmt.Printf("ALL varchar wall=%v cpu=%v\n", time.Since(w0), cpuNow()-c0)
}

func TestScratchMakeSmall(t *testing.T) {
	p := "/tmp/kensho_analytics_600k.duckdb"
	if _, err := os.Stat(p); err == nil {
		t.Skip("exists")
	}
	db, err := duck.Open(context.Background(), p, duck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mustAccidentTable(t, db)
	genAccidents(t, db, 600_000, 300, 2015, 2024, "bench")
	mustDeidentify(t, db)
	db.Exec("DROP TABLE accident")
}

func TestScratchBothSmall(t *testing.T) {
	db, err := duck.Open(context.Background(), "/tmp/kensho_analytics_600k.duckdb", duck.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	cal, _ := readCalendar(ctx, db)
	for round := 0; round < 3; round++ {
		c0, w0 := cpuNow(), time.Now()
		b := &builder{db: db, cal: cal, latest: 2024, accidents: "deid_accident", rows: map[string]map[string]int{}}
		for _, s := range specs() {
			if _, err := b.count(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		fmt.Printf("varchar wall=%v cpu=%v\n", time.Since(w0), cpuNow()-c0)
		c0, w0 = cpuNow(), time.Now()
		st, err := prepare(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		b = &builder{db: db, cal: cal, latest: 2024, accidents: st.Accidents, rows: map[string]map[string]int{}}
		for _, s := range specs() {
			if _, err := b.count(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		st.close()
		fmt.Printf("enum+prep wall=%v cpu=%v\n", time.Since(w0), cpuNow()-c0)
	}
}

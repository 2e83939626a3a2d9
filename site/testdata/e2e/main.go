// Temporary end-to-end driver (not part of the repository).
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/analytics"
	"github.com/kensho-jp/kensho/anonymize"
	"github.com/kensho-jp/kensho/ingest"
	"github.com/kensho-jp/kensho/internal/duck"
)

func main() {
	ctx := context.Background()
	dbPath := os.Args[1]
	in := os.Args[2]
	db, err := duck.Open(ctx, dbPath, duck.Options{})
	must(err)
	t0 := time.Now()
	rep, err := ingest.Load(ctx, db, []string{in}, ingest.Config{})
	must(err)
	fmt.Println("ingest", rep.RowsRead, rep.RowsLoaded, time.Since(t0))
	sdc, err := anonymize.LoadConfig("")
	must(err)
	must(anonymize.Deidentify(ctx, db, sdc.MinOperators))
	res, err := analytics.Compute(ctx, db, analytics.Config{})
	must(err)
	fmt.Println("analytics", len(res.Tables), time.Since(t0))
	p, err := anonymize.Protect(ctx, db, res.Tables, sdc)
	must(err)
	fmt.Println("protect", time.Since(t0))
	rel := &kensho.Release{Version: "e2e", BuildDate: "2025-03-31", FiscalYears: res.FiscalYears, LatestYear: res.LatestYear,
		PartialYears: res.PartialYears, Tables: p.Tables, Risk: p.Risk.Public(), Microdata: p.Microdata,
		Summary: kensho.Text{Ja: "(要約は analytics が作成します)", En: "(the summary comes from analytics)"}}
	must(anonymize.Publish(ctx, db, anonymize.ReleasePath(dbPath), rel, p))
	fmt.Println("published", anonymize.ReleasePath(dbPath), filepath.Base(dbPath))
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

package anonymize

// The canary test: operators named with unusual strings in every
// identifying column and in the free texts; after a full build of this
// stage, no byte of any output contains any of them, compressed files
// included once decoded.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho/analytics"
	"github.com/kensho-jp/kensho/internal/duck"
)

type canary struct {
	name, id, contactName, contact, partner, vendor, site, summary, prevention string
}

var canaries = []canary{
	{"ＣＡＮＡＲＹ・カナリア通信株式会社", "CANARY-ID-0042", "金糸雀 太郎", "canary.noc@canary-telecom.example.jp / 03-9876-5432",
		"ZZ-PARTNER-カナリア卸", "CanaryVendor QX-9000", "金糸雀市鳴町1-2-3 カナリアビル", "CANARY-SUMMARY-7731 が故障", "CANARY-PREVENTION-7731 を交換"},
	{`O'Canary"; DROP TABLE accident;--`, "ｶﾅﾘｱ-0001", "Canary\tTab", "+81 3-1111-2222 noc@o-canary.example.com",
		"卸元カナリア\n改行", "Ｃａｎａｒｙ-Model/7", "カナリア局舎 B2F", "概要 canarysummary", "防止 canaryprevention"},
	{"🐤カナリア🐤合同会社", "第カナリア123号", "カナリア 花子", "090-8765-4321", "🐤PARTNER🐤", "vendor-🐤-canary", "🐤site🐤",
		"🐤summary🐤", "🐤prevention🐤"},
}

// canaryTokens are the strings no output may contain: every canary value
// and the distinctive pieces of them.
func canaryTokens() []string {
	var out []string
	for _, c := range canaries {
		out = append(out, c.name, c.id, c.contactName, c.contact, c.partner, c.vendor, c.site, c.summary, c.prevention)
	}
	return append(out, "CANARY", "Canary", "canary", "カナリア", "ｶﾅﾘｱ", "金糸雀", "🐤", "Ｃａｎａｒｙ", "ＣＡＮＡＲＹ",
		"9876-5432", "1111-2222", "8765-4321", "7731")
}

func TestCanary(t *testing.T) {
	needFull(t)
	ctx := context.Background()
	db := duck.MustOpenMemory(t)
	ops, acc := fxGenerate(fxSpec{operators: 24, perYear: 350, years: []int{2023, 2024}, seed: 21, skew: 0.9})
	for i, c := range canaries {
		o := &ops[i]
		o.name, o.id, o.contactName, o.contact, o.partner, o.vendor, o.site = c.name, c.id, c.contactName, c.contact, c.partner, c.vendor, c.site
	}
	// The three canary operators each report a disaster named after one of
	// them: enough operators to publish a name, but the name identifies.
	named := map[int]int{}
	for i := range acc {
		if a := &acc[i]; a.op < len(canaries) {
			a.summary, a.prevention = canaries[a.op].summary, canaries[a.op].prevention
			if named[a.op] < 3 {
				a.cause, a.disaster = "natural_disaster", "🐤カナリア🐤豪雨"
				named[a.op]++
			}
		}
	}
	fxLoad(t, db, ops, acc)
	var reporters int
	if err := db.QueryRow("SELECT count(DISTINCT operator_id) FROM accident WHERE disaster_name = '🐤カナリア🐤豪雨'").Scan(&reporters); err != nil {
		t.Fatal(err)
	}
	if reporters < 3 {
		t.Fatalf("only %d operators report the canary disaster; the test needs 3", reporters)
	}
	if err := Deidentify(ctx, db, 3); err != nil {
		t.Fatal(err)
	}
	var kept int
	if err := db.QueryRow("SELECT count(*) FROM deid_accident WHERE disaster LIKE '%カナリア%'").Scan(&kept); err != nil {
		t.Fatal(err)
	}
	if kept != 0 {
		t.Errorf("deid_accident keeps %d disaster names that contain an operator's name", kept)
	}
	tables := buildTables(t, db, reportSpecs)
	dir := t.TempDir()
	p, files := buildOutputs(t, db, tables, analytics.Extracts(), DefaultConfig(), dir)
	tokens := canaryTokens()
	checkNoIdentifiers(t, files, tokens)

	// Decoded contents of the compressed outputs.
	rdb, err := duck.Open(ctx, files[0], duck.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	var text bytes.Buffer
	queries := []string{"SELECT * FROM release_meta", "SELECT * FROM release_table"}
	for _, e := range p.Extracts {
		queries = append(queries, "SELECT * FROM "+duck.QuoteIdent(extractTable(e.Name)))
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".parquet") {
			queries = append(queries, fmt.Sprintf("SELECT * FROM read_parquet(%s)", duck.QuoteString(f)))
		}
	}
	if len(queries) < 4 {
		t.Fatalf("the release has %d extracts; the canary needs the microdata", len(p.Extracts))
	}
	queries = append(queries, "SELECT table_name, column_name FROM duckdb_columns()")
	for _, q := range queries {
		rows, err := rdb.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			dest := make([]any, len(cols))
			for i := range vals {
				dest[i] = &vals[i]
			}
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&text, vals...)
		}
		rows.Close()
		if strings.Contains(q, "duckdb_columns") && strings.Contains(text.String(), "op_key") {
			t.Error("the release database has an op_key column")
		}
	}
	decoded := filepath.Join(dir, "decoded.txt")
	if err := os.WriteFile(decoded, text.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	checkNoIdentifiers(t, []string{decoded}, tokens)
	if text.Len() < 1000 {
		t.Fatalf("decoded outputs hold only %d bytes; the scan proves nothing", text.Len())
	}
}

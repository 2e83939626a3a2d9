package ingest

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestProfValidate(t *testing.T) {
	data, err := os.ReadFile("/tmp/kexp/big.csv")
	if err != nil {
		t.Skip()
	}
	t0 := time.Now()
	text, enc, fp := decodeCSV("big.csv", data)
	t.Log("decode", time.Since(t0), enc, fp)
	lay, src, fp := openCSV("big.csv", text)
	if fp != nil {
		t.Fatal(fp)
	}
	w, err := newFileWriter(t.TempDir(), "big.csv", lay)
	if err != nil {
		t.Fatal(err)
	}
	t0 = time.Now()
	err = validateAll(context.Background(), src, func() *validator { return newValidator("big.csv", lay) }, w.batch)
	w.close()
	t.Log("validate", time.Since(t0), err, w.read, w.loaded)
}

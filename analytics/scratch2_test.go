package analytics

import (
	"context"
	"fmt"
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

func TestScratchCPU(t *testing.T) {
	db := duck.MustOpenMemory(t)
	mustAccidentTable(t, db)
	genAccidents(t, db, 600_000, 300, 2015, 2024, "bench")
	mustDeidentify(t, db)
	for i := 0; i < 4; i++ {
		c0, t0 := cpuNow(), time.Now()
		if _, err := Compute(context.Background(), db, Config{}); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("compute wall=%v cpu=%v\n", time.Since(t0), cpuNow()-c0)
	}
}

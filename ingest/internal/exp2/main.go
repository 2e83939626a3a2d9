package main

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/kensho-jp/kensho/internal/duck"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	for _, q := range os.Args[2:] {
		os.Remove(os.Args[1])
		os.Remove(os.Args[1] + ".wal")
		db, err := duck.Open(context.Background(), os.Args[1], duck.Options{})
		if err != nil {
			panic(err)
		}
		t, c := time.Now(), cpu()
		if _, err := db.Exec(q); err != nil {
			fmt.Println(err)
		}
		fmt.Printf("wall %v cpu %v  %s\n", time.Since(t).Round(time.Millisecond), (cpu() - c).Round(time.Millisecond), q[:min(len(q), 70)])
		db.Close()
	}
}

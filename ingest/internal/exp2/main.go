package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/kensho-jp/kensho/internal/duck"
)

func main() {
	os.Remove(os.Args[1])
	os.Remove(os.Args[1] + ".wal")
	db, err := duck.Open(context.Background(), os.Args[1], duck.Options{})
	if err != nil {
		panic(err)
	}
	for _, q := range os.Args[2:] {
		t := time.Now()
		if _, err := db.Exec(q); err != nil {
			fmt.Println(err)
		}
		fmt.Println(time.Since(t), q[:min(len(q), 70)])
	}
	db.Close()
}

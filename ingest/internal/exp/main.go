package main

import (
	"context"
	"fmt"
	"os"

	"github.com/kensho-jp/kensho/internal/duck"
)

func main() {
	db, err := duck.Open(context.Background(), os.Args[1], duck.Options{})
	if err != nil {
		panic(err)
	}
	for _, q := range os.Args[2:] {
		rows, err := db.Query(q)
		if err != nil {
			fmt.Println("ERR", err)
			continue
		}
		cols, _ := rows.Columns()
		fmt.Println(cols)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			fmt.Printf("%v\n", vals)
		}
		rows.Close()
	}
}

package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/kensho-jp/kensho/ingest/internal/gen"
)

func main() {
	n, _ := strconv.Atoi(os.Args[2])
	f, _ := os.Create(os.Args[1])
	var err error
	switch os.Args[3] {
	case "csv":
		err = gen.WriteCSV(f, n, 1)
	case "cp932":
		err = gen.WriteCP932CSV(f, n, 1)
	case "xlsx":
		err = gen.WriteXLSX(f, n, 1)
	}
	if err != nil {
		fmt.Println(err)
	}
	f.Close()
}

// Temporary end-to-end driver (not part of the repository).
package main

import (
	"fmt"
	"os"
)

func main() { renderSite(os.Args[2], os.Args[3]) }

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

package attack

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runKensho runs a program in this checkout's root (go, or a kensho the
// test built) and returns its output, failing t with that output when it
// fails. The tests that build releases use it: kensho is run as a
// subprocess, never imported.
func runKensho(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := tryKensho(t, name, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// tryKensho is runKensho returning the failure, with the output, as an
// error.
func tryKensho(t testing.TB, name string, args ...string) (string, error) {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = root
	b, err := cmd.CombinedOutput()
	if err != nil {
		return string(b), fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, b)
	}
	return string(b), nil
}

// buildKensho builds this checkout's kensho into dir/kensho, with extra
// go build flags (the removal test's -ldflags), and returns its path.
func buildKensho(t testing.TB, dir string, flags ...string) string {
	t.Helper()
	bin := filepath.Join(dir, "kensho")
	runKensho(t, "go", append(append([]string{"build"}, flags...), "-o", bin, "./cmd/kensho")...)
	return bin
}

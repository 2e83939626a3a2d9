// Package testenv is what tests need of the machine beside Go: the
// programs .ci/run installs. A test that lacks one skips on a developer's
// machine and fails under CI=true, where it must have been installed.
package testenv

import (
	"os"
	"testing"
)

// Missing skips t, or fails it under CI=true, for a program that is not
// there; hint says how to install it.
func Missing(t testing.TB, what, hint string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found under CI=true (%s; .ci/run installs it)", what, hint)
	}
	t.Skipf("%s not found: %s", what, hint)
}

// CBCHint is how to get the cbc program the audit asks.
const CBCHint = "install Debian's coinor-cbc, or unset KENSHO_CBC=off"

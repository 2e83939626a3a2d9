package site

import "golang.org/x/sys/unix"

// exchange swaps two directories in one atomic step (renameat2 with
// RENAME_EXCHANGE), so the published path never goes missing.
func exchange(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}

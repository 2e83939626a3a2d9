//go:build !unix

package main

import (
	"errors"
	"os"
)

// lockDir opens dir; without flock it cannot be locked.
func lockDir(dir string) (*os.File, error) { return os.Open(dir) }

// tryLockDir cannot tell whether a running build holds dir, so nothing is
// ever cleaned up here.
func tryLockDir(dir string) (*os.File, error) {
	return nil, errors.New("staging directories are only cleaned up where flock exists")
}

//go:build !linux

package site

import "errors"

// exchange is only atomic on Linux; elsewhere Publish moves the old site
// aside and the new one in.
func exchange(a, b string) error { return errors.New("atomic exchange not supported") }

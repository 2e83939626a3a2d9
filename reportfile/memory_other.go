//go:build !linux

package reportfile

// populate does nothing where MADV_POPULATE_WRITE does not exist.
func populate([]byte) {}

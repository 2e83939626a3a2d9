//go:build !linux

package ingest

// populate does nothing where MADV_POPULATE_WRITE does not exist.
func populate([]byte) {}

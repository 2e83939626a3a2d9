package reportfile

import (
	"io"
	"os"
)

// A file is read whole: its cells are substrings of its text (see
// bytesToString). On a virtual machine, the first touch of each 4 KiB
// page of a fresh buffer is a page fault that can cost more than the
// copy itself (measured on the 2-core benchmark machine: 1.3 s to
// fault in 375 MB page by page; 0.06 s to populate it in one call, after
// which writing it took 0.3-0.5 s). So newBuffer asks the kernel for all
// of a large buffer's pages at once.

// prefaultMin is the size from which a buffer is populated in one call.
const prefaultMin = 1 << 20

// newBuffer returns a zeroed buffer of n bytes, its pages populated.
func newBuffer(n int) []byte {
	b := make([]byte, n)
	if n >= prefaultMin {
		populate(b)
	}
	return b
}

// ReadFile is os.ReadFile with its buffer from newBuffer.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := 0
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
		if s := info.Size(); int64(int(s)) == s {
			size = int(s)
		}
	}
	// One byte more than the size, so that a file that did not grow is
	// read to its end without a second buffer.
	data := newBuffer(size + 1)[:0]
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err // a *PathError, as from os.ReadFile
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}

package reportfile

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// populate faults in the whole pages of b with one madvise call. The
// pages are only mapped, their contents unchanged (zero for memory the
// process never touched). Kernels before 5.14 refuse the advice; the
// pages are then faulted in as they are written, as without it.
func populate(b []byte) {
	page := uintptr(os.Getpagesize())
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	skip := int((page - addr%page) % page)
	if skip >= len(b) {
		return
	}
	whole := (len(b) - skip) / int(page) * int(page)
	if whole == 0 {
		return
	}
	_ = unix.Madvise(b[skip:skip+whole], unix.MADV_POPULATE_WRITE)
}

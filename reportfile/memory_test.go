package reportfile

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func TestReadWhole(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 1, 4095, prefaultMin + 12345} {
		want := make([]byte, size)
		for i := range want {
			want[i] = byte(i*7 + i/251)
		}
		path := filepath.Join(dir, "f")
		if err := os.WriteFile(path, want, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%d bytes: read %d bytes, not the same", size, len(got))
		}
	}
	if _, err := ReadFile(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
	// A file whose size is not known beforehand is read to its end.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		w.Write(bytes.Repeat([]byte("x"), 70000))
		w.Close()
	}()
	got, err := ReadFile("/dev/fd/" + itoa(int(r.Fd())))
	r.Close()
	if err != nil || len(got) != 70000 {
		t.Errorf("pipe: %d bytes, %v", len(got), err)
	}
}

// populate only maps pages: what a buffer holds stays as it was.
func TestPopulateKeepsContents(t *testing.T) {
	b := make([]byte, 3*prefaultMin+5)
	for i := 0; i < len(b); i += 97 {
		b[i] = byte(i)
	}
	want := bytes.Clone(b)
	populate(b)
	populate(b[1:]) // not page-aligned
	if !bytes.Equal(b, want) {
		t.Fatal("populate changed the buffer")
	}
	if z := newBuffer(2 * prefaultMin); bytes.IndexFunc(z, func(r rune) bool { return r != 0 }) >= 0 {
		t.Fatal("newBuffer is not zero")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

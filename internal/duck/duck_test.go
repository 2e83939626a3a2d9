package duck

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestOpenSettings(t *testing.T) {
	db := MustOpenMemory(t)
	for _, name := range []string{"autoload_known_extensions", "autoinstall_known_extensions"} {
		var v string
		if err := db.QueryRow("SELECT current_setting('" + name + "')::VARCHAR").Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v != "false" {
			t.Errorf("%s = %s, want false", name, v)
		}
	}
	var tz string
	if err := db.QueryRow("SELECT current_setting('TimeZone')").Scan(&tz); err != nil {
		t.Fatal(err)
	}
	if tz != "Asia/Tokyo" {
		t.Errorf("TimeZone = %s", tz)
	}
}

func TestOpenFileIsOwnerOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.duckdb")
	db, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE t AS SELECT 1 AS a"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("mode = %v, want 0600", got)
	}
}

func TestOpenRefusesForeignFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte("my notes, not a database"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), path, Options{}); err == nil {
		t.Fatal("Open of a text file succeeded")
	}
	b, _ := os.ReadFile(path)
	if string(b) != "my notes, not a database" {
		t.Error("the file was changed")
	}
}

func TestIsConversionError(t *testing.T) {
	db := MustOpenMemory(t)
	_, cast := db.Exec("SELECT 'x'::INTEGER")
	_, syntax := db.Exec("SELEC 1")
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{{"cast", cast, true}, {"syntax", syntax, false}, {"nil", nil, false}} {
		if got := IsConversionError(tc.err); got != tc.want {
			t.Errorf("%s (%v): %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

// TestOpenedMemoryLimit: Open remembers the memory limit it was given,
// which sets DuckDB's limit back exactly (DuckDB shows it rounded), and
// ParseBytes reads what DuckDB shows.
func TestOpenedMemoryLimit(t *testing.T) {
	ctx := context.Background()
	for _, limit := range []string{"", "3GB"} {
		db, err := Open(ctx, "", Options{MemoryLimit: limit})
		if err != nil {
			t.Fatal(err)
		}
		got, ok := OpenedMemoryLimit(db)
		if !ok || got != limit {
			t.Errorf("OpenedMemoryLimit = %q, %v; want %q", got, ok, limit)
		}
		var shown string
		if err := db.QueryRow("SELECT current_setting('memory_limit')::VARCHAR").Scan(&shown); err != nil {
			t.Fatal(err)
		}
		if n, ok := ParseBytes(shown); !ok || n <= 0 {
			t.Errorf("ParseBytes(%q) = %d, %v", shown, n, ok)
		}
		db.Close()
	}
	if _, ok := OpenedMemoryLimit(nil); ok {
		t.Error("a database Open did not open has a limit")
	}
	for s, want := range map[string]int64{"512.0 MiB": 512 << 20, "18.5 GiB": 37 << 29, "0 bytes": 0, "1.0 KiB": 1024} {
		if got, ok := ParseBytes(s); !ok || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "512MiB", "x MiB", "-1 GiB", "3 GB"} {
		if _, ok := ParseBytes(s); ok {
			t.Errorf("ParseBytes(%q) read a size", s)
		}
	}
}

package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/kensho-jp/kensho/site"
)

// A site is rendered into a staging directory beside --out and published
// with one rename (site.Publish). A build that is killed leaves its staging
// directory behind: the site it was rendering, or after the rename the
// previous site it was removing. The next build removes such directories,
// but only those it can prove are a kensho build's and abandoned:
//   - the name is one kensho gives (.kensho-staging-<digits>, or
//     <out>.old-.kensho-staging-<digits> where the rename is not atomic);
//   - it is a directory, not a link, holding kensho's marker: stagingMarker,
//     written as soon as the directory is made, or the site's
//     site.MarkerFile, which site.RemoveSite removes last;
//   - no running build holds it: a build holds a lock on its staging
//     directory (flock, released by the kernel when the process dies), and
//     a directory whose lock is taken is left alone.

// stagingPrefix begins the name of every staging directory.
const stagingPrefix = ".kensho-staging-"

// stagingMarker is the file that marks a staging directory while the site
// in it is being rendered (removed before it is published).
const stagingMarker = ".kensho-staging"

// stagingName matches the names of staging directories and of old sites
// moved aside by a non-atomic publish.
var stagingName = regexp.MustCompile(`(^|\.old-)` + regexp.QuoteMeta(stagingPrefix) + `[0-9]+$`)

// staging is a build's staging directory, locked while the build runs.
type staging struct {
	dir  string
	lock *os.File // the directory, opened and locked
}

// newStaging makes a staging directory beside out.
func newStaging(out string) (*staging, error) {
	// Staging beside --out keeps the final rename on one file system.
	parent := filepath.Dir(filepath.Clean(out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(parent, stagingPrefix)
	if err != nil {
		return nil, err
	}
	// Locked before it is marked: a marked directory that is not locked
	// is abandoned.
	lock, err := lockDir(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &staging{dir: dir, lock: lock}
	msg := "kensho renders a site here; a directory left by a build that stopped is removed by the next build.\n"
	if err := os.WriteFile(filepath.Join(dir, stagingMarker), []byte(msg), 0o600); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// publish replaces out with the rendered site and removes the old one;
// removed is called after each entry of the old site is removed.
func (s *staging) publish(out string, removed func(string)) error {
	if err := os.Remove(filepath.Join(s.dir, stagingMarker)); err != nil {
		return fmt.Errorf("publish %s: %w", out, err)
	}
	old, err := site.Swap(s.dir, out)
	if err != nil {
		return err
	}
	if old != "" {
		if err := site.RemoveSite(old, removed); err != nil {
			return fmt.Errorf("publish %s: the new site is in place; removing the old one in %s: %w", out, old, err)
		}
	}
	return nil
}

// close releases the lock and removes the staging directory if it is
// still there (a build that did not publish).
func (s *staging) close() {
	if s == nil {
		return
	}
	s.lock.Close()
	if fi, err := os.Lstat(s.dir); err == nil && fi.IsDir() {
		os.RemoveAll(s.dir)
	}
}

// cleanStaging removes the staging directories that builds which stopped
// left beside out, and says so on w.
func cleanStaging(out string, w io.Writer) {
	parent := filepath.Dir(filepath.Clean(out))
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !stagingName.MatchString(e.Name()) || e.Type()&fs.ModeType != fs.ModeDir {
			continue
		}
		dir := filepath.Join(parent, e.Name())
		if !isMarked(dir) {
			continue
		}
		lock, err := tryLockDir(dir)
		if err != nil || lock == nil {
			continue // in use by a running build, or not ours to open
		}
		err = site.RemoveSite(dir, nil)
		lock.Close()
		if err != nil {
			fmt.Fprintf(w, "kensho: could not remove %s, left by an earlier build that stopped: %v\n", dir, err)
			continue
		}
		fmt.Fprintf(w, "kensho: removed %s, left by an earlier build that stopped. 中断したビルドが残した %s を削除しました。\n", dir, dir)
	}
}

// isMarked reports whether dir holds one of kensho's markers as a regular
// file.
func isMarked(dir string) bool {
	for _, name := range []string{stagingMarker, site.MarkerFile} {
		if fi, err := os.Lstat(filepath.Join(dir, name)); err == nil && fi.Mode().IsRegular() {
			return true
		}
	}
	return false
}

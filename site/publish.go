package site

import (
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Publish replaces outDir with stagingDir, a site that Render wrote. outDir
// may not exist, may be empty, or must hold a site made by kensho
// (MarkerFile); anything else is refused and left untouched. On Linux the
// two directories are swapped with one atomic rename, so a reader sees the
// old site or the new one, never a mixture; elsewhere the old site is moved
// aside first. stagingDir must be on the same file system as outDir (make it
// beside outDir). The old site is then removed (RemoveSite).
func Publish(stagingDir, outDir string) error {
	old, err := Swap(stagingDir, outDir)
	if err != nil || old == "" {
		return err
	}
	if err := RemoveSite(old, nil); err != nil {
		return fmt.Errorf("publish %s: the new site is in place; removing the old one in %s: %w", outDir, old, err)
	}
	return nil
}

// Swap does what Publish does but remove the old site: it returns the
// directory that now holds it ("" when there was none), for the caller to
// remove with RemoveSite.
func Swap(stagingDir, outDir string) (old string, err error) {
	if _, err := os.Stat(filepath.Join(stagingDir, MarkerFile)); err != nil {
		return "", fmt.Errorf("publish %s: the staging directory holds no rendered site: %w", outDir, err)
	}
	if err := CheckOut(outDir); err != nil {
		return "", fmt.Errorf("publish: %w", err)
	}
	// MkdirTemp makes the staging directory owner-only; a site is public.
	if err := os.Chmod(stagingDir, 0o755); err != nil {
		return "", fmt.Errorf("publish %s: %w", outDir, err)
	}
	fi, err := os.Stat(outDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Rename(stagingDir, outDir); err != nil {
			return "", fmt.Errorf("publish %s: %w", outDir, err)
		}
		return "", nil
	case err != nil:
		return "", fmt.Errorf("publish %s: %w", outDir, err)
	case !fi.IsDir():
		return "", fmt.Errorf("publish %s: not a directory", outDir)
	}
	if err := exchange(stagingDir, outDir); err == nil {
		// stagingDir now holds the old site.
		return stagingDir, nil
	}
	old = outDir + ".old-" + filepath.Base(stagingDir)
	if err := os.Rename(outDir, old); err != nil {
		return "", fmt.Errorf("publish %s: %w", outDir, err)
	}
	if err := os.Rename(stagingDir, outDir); err != nil {
		// Put the old site back: better the old one than none.
		if rerr := os.Rename(old, outDir); rerr != nil {
			return "", fmt.Errorf("publish %s: %w; the previous site is in %s", outDir, err, old)
		}
		return "", fmt.Errorf("publish %s: %w", outDir, err)
	}
	return old, nil
}

// RemoveSite removes a site directory with its MarkerFile last, so that a
// removal cut short (a killed process) leaves a directory that still shows
// it was kensho's and may be removed later. removed, if set, is called
// after each entry of dir is removed.
func RemoveSite(dir string, removed func(path string)) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == MarkerFile {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if err := os.RemoveAll(p); err != nil {
			return err
		}
		if removed != nil {
			removed(p)
		}
	}
	if err := os.Remove(filepath.Join(dir, MarkerFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Remove(dir)
}

// Handler serves a rendered site from dir: static files only, directory
// paths answered with their index.html, no directory listings, and a
// Content-Security-Policy that allows nothing from another host.
func Handler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := path.Clean("/" + r.URL.Path)
		if strings.HasPrefix(path.Base(p), ".") && p != "/" {
			http.NotFound(w, r) // the marker and any other dot file stay private
			return
		}
		if strings.HasSuffix(r.URL.Path, "/") {
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p), "index.html")); err != nil {
				http.NotFound(w, r) // no directory listings
				return
			}
		}
		h := w.Header()
		csp := "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
		if isCheckPage(p) {
			csp = CheckCSP + "; frame-ancestors 'none'" // WebAssembly, and no connection
		}
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if ct := contentType(p); ct != "" {
			h.Set("Content-Type", ct)
		}
		files.ServeHTTP(w, r)
	})
}

// isCheckPage reports whether the clean URL path p is a check page.
func isCheckPage(p string) bool {
	for _, lang := range langs {
		dir := "/" + langPrefix(lang) + CheckPageSlug
		if p == dir || p == dir+"/index.html" {
			return true
		}
	}
	return false
}

// contentType fixes the types the system's MIME table may not know.
func contentType(p string) string {
	switch strings.ToLower(path.Ext(p)) {
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".parquet":
		return "application/vnd.apache.parquet"
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".json":
		return "application/json"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".xml":
		return "application/atom+xml; charset=utf-8" // the feeds are the site's only XML
	case ".html":
		return "text/html; charset=utf-8"
	case "":
		if path.Base(p) == "SHA256SUMS" {
			return "text/plain; charset=utf-8"
		}
	}
	return mime.TypeByExtension(path.Ext(p))
}

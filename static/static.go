// Package static embeds the portal's CSS, JavaScript, images and fonts and
// serves them under content-hashed URLs (/static/css/site.1a2b3c4d.css)
// that can be cached for a year, gzip-compressed ahead of time.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

//go:embed css js img brochures fonts
var files embed.FS

// Asset is one embedded file, ready to serve.
type Asset struct {
	Name  string // path under static/, e.g. css/site.css
	URL   string // hashed URL, e.g. /static/css/site.1a2b3c4d.css
	Type  string
	Body  []byte
	Gzip  []byte // nil when compression does not pay
	ETag  string
	Bytes int
}

// Set is every embedded asset, by name and by hashed URL.
type Set struct {
	byName map[string]*Asset
	byURL  map[string]*Asset
}

var (
	once    sync.Once
	defSet  *Set
	loadErr error
)

// Assets returns the embedded assets, hashed and compressed once.
func Assets() *Set {
	once.Do(func() { defSet, loadErr = build(files) })
	if loadErr != nil {
		panic(loadErr)
	}
	return defSet
}

func build(fsys fs.FS) (*Set, error) {
	s := &Set{byName: map[string]*Asset{}, byURL: map[string]*Asset{}}
	// Stylesheets go last: their url(/static/NAME) references are rewritten
	// to the hashed URLs of files hashed before them.
	var paths, sheets []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if path.Ext(p) == ".css" {
			sheets = append(sheets, p)
		} else {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, p := range append(paths, sheets...) {
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		if path.Ext(p) == ".css" {
			for name, a := range s.byName {
				body = bytes.ReplaceAll(body, []byte("url(/static/"+name+")"), []byte("url("+a.URL+")"))
			}
		}
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:])[:12]
		ext := path.Ext(p)
		a := &Asset{
			Name:  p,
			URL:   "/static/" + strings.TrimSuffix(p, ext) + "." + h + ext,
			Type:  contentType(ext),
			Body:  body,
			ETag:  `"` + h + `"`,
			Bytes: len(body),
		}
		if compressible(a.Type) {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			_, _ = zw.Write(body)
			_ = zw.Close()
			if buf.Len() < len(body)*9/10 {
				a.Gzip = buf.Bytes()
			}
		}
		s.byName[p] = a
		s.byURL[a.URL] = a
	}
	return s, nil
}

func contentType(ext string) string {
	switch ext {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".woff2":
		return "font/woff2"
	case ".pdf":
		return "application/pdf"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(t string) bool {
	return strings.HasPrefix(t, "text/") || t == "image/svg+xml" || strings.HasPrefix(t, "application/json")
}

// Path returns the hashed URL of a file under static/ (css/site.css). An
// unknown name panics: it is a programming error caught by every test
// that renders the page.
func Path(name string) string {
	a, ok := Assets().byName[name]
	if !ok {
		panic("static: no file " + name)
	}
	return a.URL
}

// Lookup returns the asset by name.
func (s *Set) Lookup(name string) (*Asset, bool) {
	a, ok := s.byName[name]
	return a, ok
}

// ServeHTTP serves an asset by its hashed URL with a year of immutable
// caching, gzip when the client accepts it, and 404 for anything else.
func (s *Set) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a, ok := s.byURL[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.Type)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", a.ETag)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Encoding")
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, a.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.Body
	if a.Gzip != nil && AcceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = a.Gzip
	}
	h.Set("Content-Length", itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// AcceptsGzip reports whether the request's Accept-Encoding allows gzip.
func AcceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			return !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") || strings.Contains(params, "q=0.")
		}
	}
	return false
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// Package web serves the single-page UI embedded in the binary: the Vite
// build in embedded/dist when it was built, else a placeholder page that
// says how to build it (so `go build` works on a fresh clone).
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed all:embedded
var files embed.FS

// Built reports whether the UI was built into the binary.
func Built() bool {
	_, err := fs.Stat(files, "embedded/dist/index.html")
	return err == nil
}

// Handler serves the UI: real files as they are, and index.html for every
// other path so the client-side router can take over.
func Handler() http.Handler {
	root, index := "embedded/dist", "index.html"
	if !Built() {
		root, index = "embedded", "placeholder.html"
	}
	sub, _ := fs.Sub(files, root)
	indexHTML, _ := fs.ReadFile(sub, index)
	fileServer := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name != "" && name != index {
			if st, err := fs.Stat(sub, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					// Vite puts a content hash in every asset name.
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				fileServer.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(indexHTML)
	})
}

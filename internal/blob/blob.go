// Package blob stores files (uploads, attachments) by tenant and key.
//
// The only implementation is a local directory, <data-dir>/blobs/<tenant>/<key>.
// A PostgreSQL deployment uses the same local directory: with several
// instances it must be a shared volume (NFS, a mounted bucket) reachable at
// the same path from each, or an object-store implementation of Store.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotFound is returned by Get and Delete for a missing blob.
var ErrNotFound = errors.New("blob: not found")

// Store keeps files per tenant.
type Store interface {
	// Put writes r under tenant/key, replacing any blob there, and returns
	// the bytes written. A failed Put leaves nothing behind.
	Put(ctx context.Context, tenant, key string, r io.Reader) (int64, error)
	// Get opens the blob; the caller closes it.
	Get(ctx context.Context, tenant, key string) (ReadSeekCloser, error)
	// Delete removes the blob.
	Delete(ctx context.Context, tenant, key string) error
}

// ReadSeekCloser is an opened blob.
type ReadSeekCloser interface {
	io.ReadSeeker
	io.ReaderAt
	io.Closer
}

// Dir is a Store in a local directory.
type Dir struct{ Root string }

// NewDir returns the store under <dataDir>/blobs.
func NewDir(dataDir string) *Dir { return &Dir{Root: filepath.Join(dataDir, "blobs")} }

// path maps tenant/key to a file, refusing anything that could escape the root.
func (d *Dir) path(tenant, key string) (string, error) {
	for _, part := range append([]string{tenant}, strings.Split(key, "/")...) {
		if part == "" || part == "." || part == ".." || strings.ContainsAny(part, `\:`) || strings.ContainsRune(part, 0) {
			return "", fmt.Errorf("blob: bad key %q/%q", tenant, key)
		}
	}
	return filepath.Join(d.Root, tenant, filepath.FromSlash(key)), nil
}

// Put writes to a temporary file and renames it into place.
func (d *Dir) Put(ctx context.Context, tenant, key string, r io.Reader) (int64, error) {
	p, err := d.path(tenant, key)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return 0, err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, ctxReader{ctx, r})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return 0, err
	}
	return n, nil
}

// Get opens the file.
func (d *Dir) Get(_ context.Context, tenant, key string) (ReadSeekCloser, error) {
	p, err := d.path(tenant, key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// Delete removes the file.
func (d *Dir) Delete(_ context.Context, tenant, key string) error {
	p, err := d.path(tenant, key)
	if err != nil {
		return err
	}
	err = os.Remove(p)
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNotFound
	}
	return err
}

// ctxReader stops a long copy when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

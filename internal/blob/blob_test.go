package blob

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestDir(t *testing.T) {
	ctx := context.Background()
	d := NewDir(t.TempDir())
	if n, err := d.Put(ctx, "t1", "imports/a", strings.NewReader("hello")); err != nil || n != 5 {
		t.Fatalf("put: %d %v", n, err)
	}
	f, err := d.Get(ctx, "t1", "imports/a")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "hello" {
		t.Fatalf("got %q", b)
	}
	if _, err := d.Get(ctx, "t2", "imports/a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other tenant: %v", err)
	}
	for _, bad := range []string{"../x", "a/../../x", "", "a//b"} {
		if _, err := d.Put(ctx, "t1", bad, strings.NewReader("x")); err == nil {
			t.Fatalf("key %q accepted", bad)
		}
	}
	if err := d.Delete(ctx, "t1", "imports/a"); err != nil {
		t.Fatal(err)
	}
	if err := d.Delete(ctx, "t1", "imports/a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/rudder-crm/rudder/internal/platform/db"
)

// TestMoveSubtree moves a branch of a small tree and checks every path,
// including that another tenant's identical ids are left alone.
func TestMoveSubtree(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Write.ExecContext(ctx, `CREATE TABLE nodes (tenant_id TEXT, id TEXT, path TEXT)`); err != nil {
			t.Fatal(err)
		}
		for _, r := range [][3]string{{"t1", "a", "/a/"}, {"t1", "b", "/a/b/"}, {"t1", "c", "/a/b/c/"}, {"t1", "x", "/x/"},
			{"t2", "b", "/a/b/"}, {"t2", "c", "/a/b/c/"}} {
			if _, err := d.Write.ExecContext(ctx, `INSERT INTO nodes VALUES (?, ?, ?)`, r[0], r[1], r[2]); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.MoveSubtree(ctx, d.Write, "nodes", "t1", "a", "/a/", "/a/b/"); !errors.Is(err, db.ErrTreeCycle) {
			t.Fatalf("moving a under its own child: %v", err)
		}
		path, err := db.MoveSubtree(ctx, d.Write, "nodes", "t1", "b", "/a/b/", "/x/")
		if err != nil || path != "/x/b/" {
			t.Fatalf("move b under x: %q %v", path, err)
		}
		want := map[string]string{"t1/c": "/x/b/c/", "t1/b": "/a/b/", "t2/b": "/a/b/", "t2/c": "/a/b/c/"} // b itself is the caller's to write
		for k, w := range want {
			var got string
			if err := d.Read.QueryRowContext(ctx, `SELECT path FROM nodes WHERE tenant_id = ? AND id = ?`, k[:2], k[3:]).Scan(&got); err != nil || got != w {
				t.Errorf("%s: path %q (%v), want %q", k, got, err, w)
			}
		}
		if top, _ := db.MoveSubtree(ctx, d.Write, "nodes", "t1", "x", "/x/", ""); top != "/x/" {
			t.Errorf("x to the top: %q", top)
		}
	})
}

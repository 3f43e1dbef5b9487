package db_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/platform/db"
)

// Commits reach the database file without the writer checkpointing (its
// threshold is well above this write, TestSQLitePragmas): the checkpointer
// copies them from the log in the background, soon after they commit.
func TestSQLiteCheckpointer(t *testing.T) {
	d := open(t, db.SQLite)
	ctx := context.Background()
	file := dbFile(t, d)
	size := func() int64 {
		fi, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	const rows, width = 2000, 2000 // 4 MB: a thousand pages, a quarter of the writer's threshold
	if _, err := d.Write.ExecContext(ctx, "CREATE TABLE t_big (s TEXT)"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Write.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO t_big SELECT ? || i FROM n`, rows, strings.Repeat("x", width)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for size() < before+rows*width && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := size(); got < before+rows*width {
		t.Fatalf("the database file holds %d bytes, was %d: the commit stayed in the log", got, before)
	}
}

package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// open and each come from dbtest: a fresh migrated database per test, with
// PostgreSQL in a schema of its own.
func open(t *testing.T, dialect db.Dialect) *db.DB { return dbtest.Open(t, dialect) }

func each(t *testing.T, fn func(t *testing.T, d *db.DB)) { dbtest.Each(t, fn) }

// itemsTable creates a table for the test and returns a row counter.
func itemsTable(t *testing.T, d *db.DB) func() int {
	t.Helper()
	ctx := context.Background()
	if _, err := d.Write.ExecContext(ctx, "CREATE TABLE t_items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)"); err != nil {
		t.Fatal(err)
	}
	return func() int {
		t.Helper()
		n, err := d.Write.NewSelect().Table("t_items").Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
}

func insert(ctx context.Context, tx bun.IDB, id int, name string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO t_items (id, name) VALUES (?, ?)", id, name)
	return err
}

func TestSQLitePragmas(t *testing.T) {
	d := open(t, db.SQLite)
	ctx := context.Background()
	for _, c := range []struct {
		pragma, want string
	}{
		{"journal_mode", "wal"}, {"synchronous", "2"}, {"foreign_keys", "1"}, {"busy_timeout", "10000"}, {"query_only", "0"},
		// The checkpointer checkpoints; the writer only should it fall behind.
		{"wal_autocheckpoint", "4000"}, {"journal_size_limit", "67108864"},
		// Import chunks of 10,000 leads keep their dirty pages in memory.
		{"cache_size", "-65536"},
	} {
		var got string
		if err := d.Write.QueryRowContext(ctx, "PRAGMA "+c.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("write handle PRAGMA %s = %q, want %q", c.pragma, got, c.want)
		}
	}
	var fk, qo string
	if err := d.Read.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		t.Fatal(err)
	}
	if err := d.Read.QueryRowContext(ctx, "PRAGMA query_only").Scan(&qo); err != nil {
		t.Fatal(err)
	}
	if fk != "1" || qo != "1" {
		t.Errorf("read handle: foreign_keys %q query_only %q, want 1 and 1", fk, qo)
	}
	if d.Write.DB.Stats().MaxOpenConnections != 1 {
		t.Errorf("write pool allows %d connections, want 1", d.Write.DB.Stats().MaxOpenConnections)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dbFile(t, d)), "rudder.db")); err != nil {
		t.Errorf("database file: %v", err)
	}
}

func dbFile(t *testing.T, d *db.DB) string {
	t.Helper()
	var seq int
	var name, file string
	if err := d.Write.QueryRowContext(context.Background(), "PRAGMA database_list").Scan(&seq, &name, &file); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestSQLiteReadHandleRefusesWrites(t *testing.T) {
	d := open(t, db.SQLite)
	ctx := context.Background()
	count := itemsTable(t, d)
	if err := insert(ctx, d.Write, 1, "a"); err != nil {
		t.Fatal(err)
	}
	if err := insert(ctx, d.Read, 2, "b"); err == nil {
		t.Fatal("the read handle accepted an INSERT")
	}
	if _, err := d.Read.ExecContext(ctx, "CREATE TABLE sneaky (x INTEGER)"); err == nil {
		t.Fatal("the read handle accepted CREATE TABLE")
	}
	// It does see what the writer committed.
	n, err := d.Read.NewSelect().Table("t_items").Count(ctx)
	if err != nil || n != 1 || count() != 1 {
		t.Fatalf("read handle sees %d rows (%v), want 1", n, err)
	}
}

func TestForeignKeysEnforced(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Write.ExecContext(ctx, "CREATE TABLE t_parent (id INTEGER PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write.ExecContext(ctx, "CREATE TABLE t_child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES t_parent(id))"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write.ExecContext(ctx, "INSERT INTO t_child (id, parent_id) VALUES (1, 42)"); err == nil {
			t.Fatal("a dangling foreign key was accepted")
		}
	})
}

func TestPostgresSettings(t *testing.T) {
	d := open(t, db.Postgres)
	ctx := context.Background()
	var sc string
	if err := d.Write.QueryRowContext(ctx, "SHOW synchronous_commit").Scan(&sc); err != nil {
		t.Fatal(err)
	}
	if sc != "on" {
		t.Errorf("synchronous_commit = %q, want on", sc)
	}
	if d.Read != d.Write {
		t.Error("PostgreSQL should share one pool for reads and writes")
	}
	var schema string
	if err := d.Write.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(schema, "t_") {
		t.Errorf("search_path from the URL ignored: current_schema %q", schema)
	}
}

func TestOpenRefusesOtherURLsWithoutLeakingSecrets(t *testing.T) {
	ctx := context.Background()
	_, err := db.Open(ctx, db.Options{URL: "mysql://root:hunter2secret@db.example/rudder"})
	if err == nil || strings.Contains(err.Error(), "hunter2secret") || !strings.Contains(err.Error(), "postgres://") {
		t.Fatalf("mysql URL: %v", err)
	}
	// Nothing listens on port 1: the connection fails, the password stays out of the message.
	_, err = db.Open(ctx, db.Options{URL: "postgres://u:hunter2secret@127.0.0.1:1/rudder?connect_timeout=2"})
	if err == nil || strings.Contains(err.Error(), "hunter2secret") {
		t.Fatalf("unreachable postgres: %v", err)
	}
}

func TestInTx(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		count := itemsTable(t, d)

		// commit on nil
		err := d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			if got, ok := db.InTxFrom(ctx); !ok || got != tx {
				t.Error("ctx does not carry the transaction")
			}
			if d.R(ctx) != bun.IDB(tx) {
				t.Error("R(ctx) inside a transaction is not the transaction")
			}
			if err := insert(ctx, tx, 1, "one"); err != nil {
				return err
			}
			// The transaction sees its own write; other connections do not.
			if n, err := d.R(ctx).NewSelect().Table("t_items").Count(ctx); err != nil || n != 1 {
				t.Errorf("inside: %d rows (%v)", n, err)
			}
			if n, err := d.R(context.Background()).NewSelect().Table("t_items").Count(ctx); err != nil || n != 0 {
				t.Errorf("outside, before commit: %d rows (%v)", n, err)
			}
			return nil
		})
		if err != nil || count() != 1 {
			t.Fatalf("commit: err %v, %d rows", err, count())
		}
		if _, ok := db.InTxFrom(ctx); ok {
			t.Fatal("background ctx carries a transaction")
		}
		if d.R(ctx) != bun.IDB(d.Read) {
			t.Fatal("R outside a transaction is not the read handle")
		}

		// roll back on error, which is returned as is
		boom := errors.New("boom")
		err = d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			if err := insert(ctx, tx, 2, "two"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) || count() != 1 {
			t.Fatalf("rollback: err %v, %d rows", err, count())
		}

		// a failing statement rolls back the earlier ones
		err = d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			if err := insert(ctx, tx, 3, "three"); err != nil {
				return err
			}
			return insert(ctx, tx, 4, "one") // duplicate name
		})
		if !db.IsUniqueViolation(err) || count() != 1 {
			t.Fatalf("unique violation: err %v, %d rows", err, count())
		}
	})
}

func TestInTxNested(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		count := itemsTable(t, d)

		inner := errors.New("inner failed")
		err := d.InTx(ctx, func(ctx context.Context, outer bun.Tx) error {
			if err := insert(ctx, outer, 1, "outer"); err != nil {
				return err
			}
			return d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
				if tx != outer {
					t.Error("nested InTx did not join the outer transaction")
				}
				if err := insert(ctx, tx, 2, "inner"); err != nil {
					return err
				}
				return inner
			})
		})
		if !errors.Is(err, inner) || count() != 0 {
			t.Fatalf("inner error: err %v, %d rows; want both rolled back", err, count())
		}

		err = d.InTx(ctx, func(ctx context.Context, outer bun.Tx) error {
			if err := insert(ctx, outer, 1, "outer"); err != nil {
				return err
			}
			if err := d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error { return insert(ctx, tx, 2, "inner") }); err != nil {
				return err
			}
			return errors.New("outer failed after inner succeeded")
		})
		if err == nil || count() != 0 {
			t.Fatalf("outer error: err %v, %d rows; want the inner write rolled back too", err, count())
		}

		err = d.InTx(ctx, func(ctx context.Context, outer bun.Tx) error {
			if err := insert(ctx, outer, 1, "outer"); err != nil {
				return err
			}
			return d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error { return insert(ctx, tx, 2, "inner") })
		})
		if err != nil || count() != 2 {
			t.Fatalf("both succeed: err %v, %d rows", err, count())
		}
	})
}

func TestInTxPanic(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		count := itemsTable(t, d)
		func() {
			defer func() {
				if p := recover(); p != "kaboom" {
					t.Errorf("recovered %v, want the original panic value", p)
				}
			}()
			_ = d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
				if err := insert(ctx, tx, 1, "x"); err != nil {
					return err
				}
				panic("kaboom")
			})
		}()
		if count() != 0 {
			t.Fatalf("%d rows after a panic, want 0", count())
		}
		// The connection went back to the pool in a usable state.
		if err := d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error { return insert(ctx, tx, 1, "x") }); err != nil || count() != 1 {
			t.Fatalf("after a panic: err %v, %d rows", err, count())
		}
	})
}

func TestInTxRetries(t *testing.T) {
	d := open(t, db.SQLite)
	ctx := context.Background()
	count := itemsTable(t, d)

	calls := 0
	err := d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		calls++
		if err := insert(ctx, tx, calls, fmt.Sprint("try", calls)); err != nil {
			return err
		}
		if calls < 3 {
			return fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: "40001"})
		}
		return nil
	})
	if err != nil || calls != 3 || count() != 1 {
		t.Fatalf("retry: err %v, %d calls, %d rows; want nil, 3, 1 (failed attempts rolled back)", err, calls, count())
	}

	calls = 0
	err = d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		calls++
		return &pgconn.PgError{Code: "40P01"}
	})
	if !db.Retryable(err) || calls != db.MaxAttempts {
		t.Fatalf("always failing: err %v after %d calls, want %d", err, calls, db.MaxAttempts)
	}

	calls = 0
	_ = d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error { calls++; return errors.New("plain") })
	if calls != 1 {
		t.Fatalf("non-retryable error retried: %d calls", calls)
	}

	cctx, cancel := context.WithCancel(ctx)
	calls = 0
	err = d.InTx(cctx, func(ctx context.Context, tx bun.Tx) error {
		calls++
		cancel()
		return &pgconn.PgError{Code: "40001"}
	})
	if calls != 1 || err == nil {
		t.Fatalf("canceled ctx: %d calls, err %v; want no retry", calls, err)
	}
}

func TestRetryable(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "40001"}, true},
		{&pgconn.PgError{Code: "40P01"}, true},
		{fmt.Errorf("update lead: %w", &pgconn.PgError{Code: "40001"}), true},
		{errors.New("database is locked (5) (SQLITE_BUSY)"), true},
		{errors.New("sqlite: step: SQLITE_BUSY"), true},
		{&pgconn.PgError{Code: "23505"}, false},
		{&pgconn.PgError{Code: "40000"}, false},
		{errors.New("boom"), false},
		{sql.ErrNoRows, false},
		{context.Canceled, false},
	} {
		if got := db.Retryable(c.err); got != c.want {
			t.Errorf("Retryable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

func TestRetryableNil(t *testing.T) {
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("Retryable(nil) panicked: %v; want false", p)
		}
	}()
	if db.Retryable(nil) {
		t.Fatal("Retryable(nil) = true")
	}
}

// A real lock conflict on the SQLite file is reported as retryable.
func TestRetryableRealSQLiteBusy(t *testing.T) {
	d := open(t, db.SQLite)
	ctx := context.Background()
	itemsTable(t, d)
	other, err := sql.Open("sqlite", "file:"+dbFile(t, d)+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	err = d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := insert(ctx, tx, 1, "held"); err != nil {
			return err
		}
		_, err := other.ExecContext(ctx, "INSERT INTO t_items (id, name) VALUES (2, 'blocked')")
		if err == nil {
			t.Error("second writer was not blocked")
		} else if !db.Retryable(err) {
			t.Errorf("lock conflict %q is not Retryable", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestIsUniqueViolation(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "23505"}, true},
		{fmt.Errorf("x: %w", &pgconn.PgError{Code: "23505"}), true},
		{errors.New("constraint failed: UNIQUE constraint failed: users.email (2067)"), true},
		{&pgconn.PgError{Code: "23503"}, false},
		{errors.New("constraint failed: FOREIGN KEY constraint failed (787)"), false},
		{nil, false},
	} {
		if got := db.IsUniqueViolation(c.err); got != c.want {
			t.Errorf("IsUniqueViolation(%v) = %v, want %v", c.err, got, c.want)
		}
	}
	each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		itemsTable(t, d)
		if err := insert(ctx, d.Write, 1, "same"); err != nil {
			t.Fatal(err)
		}
		err := insert(ctx, d.Write, 2, "same")
		if err == nil || !db.IsUniqueViolation(err) {
			t.Fatalf("duplicate insert: %v is not a unique violation", err)
		}
		if db.Retryable(err) {
			t.Fatalf("unique violation %v is Retryable", err)
		}
	})
}

func TestBackup(t *testing.T) {
	d := open(t, db.SQLite)
	ctx := context.Background()
	count := itemsTable(t, d)
	for i := 1; i <= 50; i++ {
		if err := insert(ctx, d.Write, i, fmt.Sprint("row-", i, "-张三")); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "backup 1.db")
	if err := d.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	b, err := sql.Open("sqlite", "file:"+out+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var n int
	var name, check string
	if err := b.QueryRow("SELECT count(*) FROM t_items").Scan(&n); err != nil || n != count() {
		t.Fatalf("backup holds %d rows (%v), want %d", n, err, count())
	}
	if err := b.QueryRow("SELECT name FROM t_items WHERE id = 50").Scan(&name); err != nil || name != "row-50-张三" {
		t.Fatalf("backup row 50: %q %v", name, err)
	}
	if err := b.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}

	// An existing file is never overwritten.
	before, _ := os.ReadFile(out)
	if err := insert(ctx, d.Write, 51, "later"); err != nil {
		t.Fatal(err)
	}
	if err := d.Backup(ctx, out); err == nil {
		t.Fatal("Backup overwrote an existing file")
	}
	if after, _ := os.ReadFile(out); string(after) != string(before) {
		t.Fatal("the existing file was changed")
	}
	junk := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(junk, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := d.Backup(ctx, junk); err == nil {
		t.Fatal("Backup overwrote an unrelated file")
	}
	if got, _ := os.ReadFile(junk); string(got) != "keep me" {
		t.Fatal("unrelated file changed")
	}
}

func TestBackupPostgresRefused(t *testing.T) {
	d := open(t, db.Postgres)
	err := d.Backup(context.Background(), filepath.Join(t.TempDir(), "x.db"))
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("Backup on PostgreSQL: %v; want a pointer to pg_dump", err)
	}
}

func TestMigrate(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		// dbtest.Open has migrated once already (the first run applying every
		// migration is checked by cmd/rudder's TestCommands): again is a no-op.
		ctx := context.Background()
		n, err := d.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second migrate: %d, %v; want 0, nil", n, err)
		}
		for _, table := range []string{"tenants", "users", "audit_log", "idempotency_keys"} {
			if _, err := d.Read.NewSelect().Table(table).Count(ctx); err != nil {
				t.Errorf("table %s after migrate: %v", table, err)
			}
		}
	})
}

func TestHelpers(t *testing.T) {
	if !apperr.Is(db.NotFound(sql.ErrNoRows, "lead"), apperr.KindNotFound) {
		t.Error("NotFound(ErrNoRows) is not a not-found error")
	}
	if !apperr.Is(db.NotFound(fmt.Errorf("scan: %w", sql.ErrNoRows), "lead"), apperr.KindNotFound) {
		t.Error("NotFound(wrapped ErrNoRows) is not a not-found error")
	}
	other := errors.New("disk on fire")
	if db.NotFound(other, "lead") != other || db.NotFound(nil, "lead") != nil {
		t.Error("NotFound changed an unrelated error")
	}
	if err := db.CheckVersion("lead", 4, 4); err != nil {
		t.Errorf("CheckVersion equal: %v", err)
	}
	err := db.CheckVersion("lead", 5, 4)
	if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindStale || !strings.Contains(e.Message, "version 5") {
		t.Errorf("CheckVersion stale: %v", err)
	}
	each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		itemsTable(t, d)
		if err := insert(ctx, d.Write, 1, "a"); err != nil {
			t.Fatal(err)
		}
		res, err := d.Write.ExecContext(ctx, "UPDATE t_items SET name = 'b' WHERE id = 1")
		if err := db.Versioned(res, err, "item", 1); err != nil {
			t.Errorf("Versioned, one row: %v", err)
		}
		res, err = d.Write.ExecContext(ctx, "UPDATE t_items SET name = 'c' WHERE id = 99")
		if err := db.Versioned(res, err, "item", 1); !apperr.Is(err, apperr.KindStale) {
			t.Errorf("Versioned, no row: %v", err)
		}
		boom := errors.New("boom")
		if err := db.Versioned(nil, boom, "item", 1); err != boom {
			t.Errorf("Versioned passes errors on: %v", err)
		}
	})
}

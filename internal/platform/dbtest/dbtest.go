// Package dbtest gives tests a fresh, migrated database of each dialect:
// SQLite in a temp dir always, PostgreSQL when RUDDER_TEST_PG names a server.
// With RUDDER_TEST_REQUIRE_PG=1 (as `make test` sets) a missing or broken
// PostgreSQL fails the test instead of skipping it, so nothing is skipped silently.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/rudder-crm/rudder/internal/platform/db"
)

// Dialects lists the dialects a test should run on.
func Dialects() []db.Dialect {
	return []db.Dialect{db.SQLite, db.Postgres}
}

// Open returns a fresh migrated database of the dialect, closed and removed
// when the test ends. PostgreSQL gets a schema of its own per test.
func Open(t testing.TB, dialect db.Dialect) *db.DB {
	t.Helper()
	ctx := context.Background()
	var d *db.DB
	var err error
	switch dialect {
	case db.SQLite:
		d, err = db.Open(ctx, db.Options{DataDir: t.TempDir()})
	case db.Postgres:
		d, err = db.Open(ctx, db.Options{URL: pgSchema(t)})
	}
	if err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", dialect, err)
	}
	return d
}

// pgSchema creates a throw-away schema and returns a URL that uses it.
func pgSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv("RUDDER_TEST_PG")
	if base == "" {
		if os.Getenv("RUDDER_TEST_REQUIRE_PG") == "1" {
			t.Fatal("RUDDER_TEST_REQUIRE_PG=1 but RUDDER_TEST_PG is empty")
		}
		t.Skip("PostgreSQL tests skipped: set RUDDER_TEST_PG=postgres://… (make test does)")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("PostgreSQL at RUDDER_TEST_PG: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err == nil {
			_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Each runs fn as a subtest on every dialect, each with a fresh database.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, dialect := range Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			fn(t, Open(t, dialect))
		})
	}
}

// Package db opens Rudder's database (embedded SQLite or PostgreSQL), applies
// migrations and runs every write inside one retrying transaction helper.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Dialect names the SQL engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB holds a writer and a reader handle. On SQLite the writer is a single
// connection (SQLite allows one writer at a time; queueing in Go is cheaper than
// lock retries) and readers use a separate pool. On PostgreSQL both are the same pool.
type DB struct {
	Dialect Dialect
	Write   *bun.DB
	Read    *bun.DB
	path    string // SQLite file path, for backups
	stmts   stmts
	ckpt    *checkpointer // SQLite
}

// Options configure Open.
type Options struct {
	// URL is empty for SQLite in DataDir, or a postgres:// URL.
	URL     string
	DataDir string
	// ReadConns bounds the SQLite read pool (default 4).
	ReadConns int
}

// Open connects, tunes durability settings and verifies the connection.
func Open(ctx context.Context, o Options) (*DB, error) {
	if strings.HasPrefix(o.URL, "postgres://") || strings.HasPrefix(o.URL, "postgresql://") {
		return openPostgres(ctx, o.URL)
	}
	if o.URL != "" {
		return nil, fmt.Errorf("database url %q: only postgres:// URLs are supported (leave it empty for SQLite)", redact(o.URL))
	}
	return openSQLite(ctx, o)
}

func openPostgres(ctx context.Context, raw string) (*DB, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("database url: %w", err)
	}
	q := u.Query()
	// Durability: a commit returns only once it is on disk, whatever the server default.
	q.Set("synchronous_commit", "on")
	u.RawQuery = q.Encode()
	sqldb, err := sql.Open("pgx", u.String())
	if err != nil {
		return nil, err
	}
	sqldb.SetMaxOpenConns(20)
	sqldb.SetMaxIdleConns(20)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	b := bun.NewDB(sqldb, pgdialect.New())
	d := &DB{Dialect: Postgres, Write: b, Read: b}
	if err := d.Ping(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("connect to %s: %w", redact(raw), err)
	}
	return d, nil
}

// writerCacheKiB is the write connection's page cache (SQLite's default is
// 2 MiB). A large transaction, an import chunk of 10,000 leads say, dirties
// pages all over a large table's indexes; with the default cache it spills
// them to the log before the commit and reads them back for the next rows
// (a file of 1,000,000 leads: 66 s with 2 MiB, 57 s with 64 MiB and larger
// chunks). Pages are taken as they are used: an idle server keeps none.
const writerCacheKiB = 64 << 10

func openSQLite(ctx context.Context, o Options) (*DB, error) {
	dir := o.DataDir
	if dir == "" {
		dir = "data"
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(dir, "rudder.db")
	pragmas := "_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)"
	w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=temp_store(MEMORY)&_txlock=immediate"+
		fmt.Sprintf("&_pragma=cache_size(-%d)&_pragma=wal_autocheckpoint(%d)&_pragma=journal_size_limit(%d)",
			writerCacheKiB, writerCheckpointPages, walSizeLimit))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	n := o.ReadConns
	if n <= 0 {
		n = 4
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	d := &DB{Dialect: SQLite, Write: bun.NewDB(w, sqlitedialect.New()), Read: bun.NewDB(r, sqlitedialect.New()), path: path}
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	c, err := sql.Open("sqlite", "file:"+path+"?"+pragmas)
	if err != nil {
		d.Close()
		return nil, err
	}
	c.SetMaxOpenConns(1)
	d.ckpt = startCheckpointer(c)
	return d, nil
}

// Ping checks both handles.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.Write.PingContext(ctx); err != nil {
		return err
	}
	return d.Read.PingContext(ctx)
}

// Close closes both handles.
func (d *DB) Close() error {
	if d.ckpt != nil {
		d.ckpt.close()
	}
	err := d.Write.Close()
	if d.Read != d.Write {
		err = errors.Join(err, d.Read.Close())
	}
	return err
}

// Backup writes a consistent copy of a SQLite database to out while it is in use.
func (d *DB) Backup(ctx context.Context, out string) error {
	if d.Dialect != SQLite {
		return errors.New("backup of PostgreSQL: use pg_dump (for example `pg_dump --format=custom --file=rudder.dump \"$RUDDER_DATABASE_URL\"`); Rudder does not copy a server database itself")
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s already exists; choose a new file", out)
	}
	// VACUUM INTO reads one snapshot, so writers may go on meanwhile.
	_, err := d.Write.ExecContext(ctx, "VACUUM INTO ?", out)
	return err
}

// R returns the handle for reads: the transaction in ctx when there is one
// (so a service sees its own uncommitted writes), else the read pool.
func (d *DB) R(ctx context.Context) bun.IDB {
	if tx, ok := ctx.Value(txKey{}).(bun.Tx); ok {
		return tx
	}
	return d.Read
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable url)"
	}
	return u.Redacted()
}

package db

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
)

// stmts caches prepared statements of the read pool by query text.
type stmts struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// QueryRow runs a hot read query through a prepared statement of the read
// pool (or of the transaction in ctx). Parsing SQL is a large part of a
// small query's cost on SQLite, and bun interpolates arguments into the SQL
// text, so hot paths that run on every request use this instead. The query
// uses ? placeholders; they become $1, $2, … on PostgreSQL.
func (d *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if tx, ok := InTxFrom(ctx); ok {
		return tx.Tx.QueryRowContext(ctx, d.rebind(query), args...) // the raw tx: bun would re-format the SQL
	}
	st, err := d.prepare(ctx, query)
	if err != nil {
		// Let the caller see the error through Scan.
		return d.Read.DB.QueryRowContext(ctx, d.rebind(query), args...)
	}
	return st.QueryRowContext(ctx, args...)
}

func (d *DB) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	d.stmts.mu.Lock()
	defer d.stmts.mu.Unlock()
	if st, ok := d.stmts.m[query]; ok {
		return st, nil
	}
	st, err := d.Read.DB.PrepareContext(ctx, d.rebind(query))
	if err != nil {
		return nil, err
	}
	if d.stmts.m == nil {
		d.stmts.m = map[string]*sql.Stmt{}
	}
	d.stmts.m[query] = st
	return st, nil
}

// rebind turns ? placeholders into PostgreSQL's $n. Queries given to it hold
// no ? inside string literals.
func (d *DB) rebind(q string) string {
	if d.Dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Query runs a hot read query through a prepared statement, like QueryRow.
func (d *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if tx, ok := InTxFrom(ctx); ok {
		return tx.Tx.QueryContext(ctx, d.rebind(query), args...)
	}
	st, err := d.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// GetOne runs a hot read query and scans its single row into a bun model
// by column name; no row is sql.ErrNoRows.
func (d *DB) GetOne(ctx context.Context, dest any, query string, args ...any) error {
	rows, err := d.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := d.Read.ScanRow(ctx, rows, dest); err != nil {
		return err
	}
	return rows.Close()
}

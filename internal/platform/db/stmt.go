package db

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
	"time"
)

// stmts caches prepared statements of the read pool by query text.
type stmts struct {
	mu  sync.Mutex
	m   map[string]*sql.Stmt
	hot map[*Hot]*sql.Stmt // on the write pool
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

// Hot is a statement run often inside write transactions (an audit entry,
// a duplicate lookup). PrepareHot prepares every Hot statement on the write
// pool once; a transaction then binds the prepared statement to its own
// connection (sql.Tx.StmtContext reuses it there), so SQLite does not parse
// the SQL again while the write lock is held. It must be prepared before any
// transaction needs it: SQLite has a single write connection, and preparing
// on the pool from inside a transaction would wait for that connection.
type Hot struct {
	query string
	only  Dialect // "" for both
}

var hot struct {
	mu  sync.Mutex
	all []*Hot
}

// NewHot registers a hot statement (with ? placeholders); call it at
// package initialisation.
func NewHot(query string) *Hot {
	h := &Hot{query: query}
	hot.mu.Lock()
	hot.all = append(hot.all, h)
	hot.mu.Unlock()
	return h
}

// NewHotFor registers a hot statement of one dialect only.
func NewHotFor(d Dialect, query string) *Hot {
	h := NewHot(query)
	h.only = d
	return h
}

// PrepareHot prepares every registered hot statement on the write pool.
// A statement that fails to prepare is left to run unprepared (and its
// error shows when it runs).
func (d *DB) PrepareHot(ctx context.Context) {
	hot.mu.Lock()
	all := append([]*Hot(nil), hot.all...)
	hot.mu.Unlock()
	d.stmts.mu.Lock()
	defer d.stmts.mu.Unlock()
	if d.stmts.hot == nil {
		d.stmts.hot = map[*Hot]*sql.Stmt{}
	}
	for _, h := range all {
		if _, ok := d.stmts.hot[h]; ok || (h.only != "" && h.only != d.Dialect) {
			continue
		}
		if st, err := d.Write.DB.PrepareContext(ctx, d.rebind(h.query)); err == nil {
			d.stmts.hot[h] = st
		}
	}
}

// hotStmt is h bound to the transaction in ctx, or to the write pool.
func (d *DB) hotStmt(ctx context.Context, h *Hot) (*sql.Stmt, bool) {
	d.stmts.mu.Lock()
	st, ok := d.stmts.hot[h]
	d.stmts.mu.Unlock()
	if !ok {
		return nil, false
	}
	if tx, in := InTxFrom(ctx); in {
		return tx.Tx.StmtContext(ctx, st), true
	}
	return st, true
}

// ExecHot runs a hot statement in the transaction in ctx (or alone).
func (d *DB) ExecHot(ctx context.Context, h *Hot, args ...any) (sql.Result, error) {
	if st, ok := d.hotStmt(ctx, h); ok {
		return st.ExecContext(ctx, args...)
	}
	if tx, in := InTxFrom(ctx); in {
		return tx.Tx.ExecContext(ctx, d.rebind(h.query), args...)
	}
	return d.Write.DB.ExecContext(ctx, d.rebind(h.query), args...)
}

// QueryHot runs a hot query in the transaction in ctx (or on the write pool).
func (d *DB) QueryHot(ctx context.Context, h *Hot, args ...any) (*sql.Rows, error) {
	if st, ok := d.hotStmt(ctx, h); ok {
		return st.QueryContext(ctx, args...)
	}
	if tx, in := InTxFrom(ctx); in {
		return tx.Tx.QueryContext(ctx, d.rebind(h.query), args...)
	}
	return d.Write.DB.QueryContext(ctx, d.rebind(h.query), args...)
}

// TimeArg is t as a statement argument stored exactly as bun stores times
// (UTC, microseconds): text on SQLite, so that stored times compare and
// sort as text the same whichever path wrote them.
func (d *DB) TimeArg(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if d.Dialect == SQLite {
		return t.Format("2006-01-02 15:04:05.999999-07:00")
	}
	return t
}

// Unregistered is a statement run through the Hot functions without being
// prepared (for a shape not known at start): it is parsed every time.
func Unregistered(query string) *Hot { return &Hot{query: query} }

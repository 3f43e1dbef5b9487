package db

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
)

type txKey struct{}

// dbKey carries the *DB whose transaction txKey holds, so code given only
// a transaction (audit.Record) can reach its hot statements.
type dbKey struct{}

// InTxOf reports the database whose transaction ctx carries.
func InTxOf(ctx context.Context) (*DB, bool) {
	d, ok := ctx.Value(dbKey{}).(*DB)
	return d, ok
}

// MaxAttempts bounds how often a transaction is retried after a serialization failure.
const MaxAttempts = 5

// InTx runs fn inside one transaction, committing when it returns nil. When ctx
// already carries a transaction fn joins it, so cross-feature work (convert a
// lead, sign a contract) commits or rolls back as one. Serialization failures
// and deadlocks are retried a bounded number of times with jittered backoff;
// fn must therefore be safe to run again (no side effects outside the database).
func (d *DB) InTx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	if tx, ok := ctx.Value(txKey{}).(bun.Tx); ok {
		return fn(ctx, tx)
	}
	var err error
	for attempt := 1; attempt <= MaxAttempts; attempt++ {
		err = d.once(ctx, fn)
		if err == nil || !Retryable(err) || ctx.Err() != nil {
			return err
		}
		backoff := time.Duration(attempt*attempt)*5*time.Millisecond + time.Duration(rand.IntN(5))*time.Millisecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
	}
	return err
}

func (d *DB) once(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) (err error) {
	tx, err := d.Write.BeginTx(ctx, &sql.TxOptions{})
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err = fn(context.WithValue(context.WithValue(ctx, txKey{}, tx), dbKey{}, d), tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Retryable reports whether err is a transient conflict worth running the
// transaction again for: PostgreSQL 40001/40P01, SQLite BUSY/LOCKED.
func Retryable(err error) bool {
	if err == nil {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01"
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

// IsUniqueViolation reports whether err is a unique-constraint failure.
func IsUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// InTxFrom reports whether ctx carries a transaction.
func InTxFrom(ctx context.Context) (bun.Tx, bool) {
	tx, ok := ctx.Value(txKey{}).(bun.Tx)
	return tx, ok
}

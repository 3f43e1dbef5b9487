package db

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"

	"github.com/rudder-crm/rudder/migrations"
)

// Migrate applies every pending migration for the dialect and returns how many ran.
func (d *DB) Migrate(ctx context.Context) (int, error) {
	dialect, dir := goose.DialectSQLite3, "sqlite"
	if d.Dialect == Postgres {
		dialect, dir = goose.DialectPostgres, "postgres"
	}
	sub, err := fs.Sub(migrations.FS, dir)
	if err != nil {
		return 0, err
	}
	p, err := goose.NewProvider(dialect, d.Write.DB, sub)
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrate: %w", err)
	}
	return len(res), nil
}

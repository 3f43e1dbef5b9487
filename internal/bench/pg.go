package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
)

// PGDatabase is a database created for one benchmark run.
type PGDatabase struct {
	adminURL string
	Name     string
	URL      string // connection URL of the new database
	Version  string
}

// CreatePGDatabase connects with adminURL (e.g. RUDDER_TEST_PG) and creates a
// fresh database bench_<random>.
func CreatePGDatabase(ctx context.Context, adminURL string) (*PGDatabase, error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return nil, fmt.Errorf("parse PostgreSQL URL: %w", err)
	}
	if err := CheckLoopback("http://" + u.Host); err != nil {
		return nil, err
	}
	var rb [6]byte
	if _, err := rand.Read(rb[:]); err != nil {
		return nil, err
	}
	name := "bench_" + hex.EncodeToString(rb[:])

	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	var version string
	if err := conn.QueryRow(ctx, "SHOW server_version").Scan(&version); err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	if f := strings.Fields(version); len(f) > 0 {
		version = f[0] // "15.18 (Debian 15.18-0+deb12u1)" -> "15.18"
	}
	nu := *u
	nu.Path = "/" + name
	return &PGDatabase{adminURL: adminURL, Name: name, URL: nu.String(), Version: "PostgreSQL " + version}, nil
}

// Drop removes the database, disconnecting anyone still connected.
func (d *PGDatabase) Drop(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, d.adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{d.Name}.Sanitize()+" WITH (FORCE)")
	return err
}

package api_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/importer"
	"github.com/rudder-crm/rudder/internal/lead"
	"github.com/rudder-crm/rudder/internal/platform/db"
	idgen "github.com/rudder-crm/rudder/internal/platform/ids"
)

// rawLeadCols are the columns an imported lead is written with.
var rawLeadCols = []string{"id", "tenant_id", "contact_name", "company", "title", "phone", "email", "wechat", "source",
	"region", "industry", "status", "owner_id", "department_id", "assigned_at", "notes", "phone_key", "email_key",
	"company_key", "created_by", "created_at", "updated_at", "version", "import_id"}

// rawImportRows are n leads shaped like BenchmarkImportLeads' file rows
// (numbered from first), ready to write as import importID's, keys and all.
func rawImportRows(tenant, owner, importID string, first, n int, sqliteTimes bool) [][]any {
	now := time.Now().UTC()
	var at any = now
	if sqliteTimes { // SQLite keeps times as text, as bun writes them
		at = now.Format("2006-01-02 15:04:05.999999-07:00")
	}
	rows := make([][]any, n)
	for r := range rows {
		i := first + r
		company, phone, email := fmt.Sprintf("测试公司%d有限公司", i%5000), fmt.Sprintf("139%08d", i), fmt.Sprintf("user%d@bench.test", i)
		rows[r] = []any{idgen.New(), tenant, fmt.Sprintf("联系人%d", i), company, "", phone, email, "", "展会", "华东", "制造",
			"new", owner, nil, at, "", lead.PhoneKey(phone), lead.EmailKey(email), lead.CompanyKey(company), owner, at, at, 1, importID}
	}
	return rows
}

// rawBulkInsert is the import's raw-database limit: the rows written
// straight into leads in transactions of the importer's chunk size, with nothing
// read, parsed, looked up or counted. PostgreSQL gets COPY on two
// connections at once (as the importer keeps two chunks in flight);
// SQLite, with its one writer, prepared 100-row INSERTs and one statement
// per chunk that indexes them for search (what its insert trigger leaves
// to the importer). It returns rows per second.
func rawBulkInsert(b *testing.B, e *apitest.Env, rows [][]any) float64 {
	ctx := context.Background()
	size := importer.ChunkRowsOf(e.DB.Dialect)
	chunks := make(chan [][]any, len(rows)/size+1)
	for s := 0; s < len(rows); s += size {
		chunks <- rows[s:min(s+size, len(rows))]
	}
	close(chunks)
	write := rawSQLiteChunk
	workers := 1
	if e.DB.Dialect == db.Postgres {
		write, workers = rawCopyChunk, 2
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	t0 := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range chunks {
				if err := write(ctx, e.DB, c); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(t0)
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	return float64(len(rows)) / took.Seconds()
}

func rawCopyChunk(ctx context.Context, d *db.DB, rows [][]any) error {
	conn, err := d.Write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(ctx) }()
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"leads"}, rawLeadCols, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}

func rawSQLiteChunk(ctx context.Context, d *db.DB, rows [][]any) error {
	const batch = 100
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(rawLeadCols)), ", ") + ")"
	stmt := func(n int) string {
		return "INSERT INTO leads (" + strings.Join(rawLeadCols, ", ") + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(tuple+", ", n), ", ")
	}
	tx, err := d.Write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	var last int64
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(rowid), 0) FROM leads").Scan(&last); err != nil {
		return err
	}
	full, err := tx.PrepareContext(ctx, stmt(batch))
	if err != nil {
		return err
	}
	defer full.Close()
	for s := 0; s < len(rows); s += batch {
		part := rows[s:min(s+batch, len(rows))]
		args := make([]any, 0, len(part)*len(rawLeadCols))
		for _, r := range part {
			args = append(args, r...)
		}
		if len(part) == batch {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, stmt(len(part)), args...)
		}
		if err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO lead_search (rowid, contact_name, company, phone, email)
		SELECT rowid, contact_name, company, phone, email FROM leads WHERE rowid > ?`, last); err != nil {
		return err
	}
	return tx.Commit()
}

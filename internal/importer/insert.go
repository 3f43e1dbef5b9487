package importer

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/rudder-crm/rudder/internal/lead"
)

// insertBatch is how many leads one prepared multi-row INSERT writes.
// Preparing once per chunk and binding values (rather than formatting a
// 1,000-row statement for the database to parse) is most of the import's
// speed on SQLite.
const insertBatch = 100

var leadCols = []string{"id", "tenant_id", "contact_name", "company", "title", "phone", "email", "wechat", "source", "region",
	"industry", "status", "owner_id", "department_id", "assigned_at", "notes", "phone_key", "email_key", "company_key",
	"created_by", "created_at", "updated_at", "version", "import_id"}

// insertSQL is a multi-row INSERT of n leads with ? placeholders (SQLite).
func insertSQL(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO leads (" + strings.Join(leadCols, ", ") + ") VALUES ")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range leadCols {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('?')
		}
		b.WriteByte(')')
	}
	return b.String()
}

// bunTime formats a time as bun writes it, so rows written here compare
// and scan like every other row (SQLite keeps times as text).
func bunTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.999999-07:00") }

// copyLeads writes a chunk's leads with COPY (binary), through the
// connection the chunk's transaction runs on: no statement to parse, no
// per-row parameters, far less work per row than any INSERT.
func copyLeads(ctx context.Context, conn *sql.Conn, leads []lead.Lead, importID string) error {
	rows := make([][]any, len(leads))
	for i := range leads {
		l := &leads[i]
		var dept any
		if l.DepartmentID != nil {
			dept = *l.DepartmentID
		}
		rows[i] = []any{l.ID, l.TenantID, l.ContactName, l.Company, l.Title, l.Phone, l.Email, l.WeChat, l.Source,
			l.Region, l.Industry, l.Status, *l.OwnerID, dept, *l.AssignedAt, l.Notes, l.PhoneKey, l.EmailKey,
			l.CompanyKey, l.CreatedBy, l.CreatedAt, l.UpdatedAt, l.Version, importID}
	}
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("importer: COPY needs a pgx connection, not %T", dc)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{"leads"}, leadCols, pgx.CopyFromRows(rows))
		return err
	})
}

// insertLeads writes leads of import importID inside tx: on PostgreSQL by
// COPY through conn (the connection tx runs on), on SQLite with prepared
// multi-row INSERTs, then indexed for search.
func insertLeads(ctx context.Context, tx *sql.Tx, conn *sql.Conn, leads []lead.Lead, importID string) error {
	if conn != nil {
		return copyLeads(ctx, conn, leads, importID)
	}
	// The rows inserted next get rowids above the largest one now (SQLite
	// takes max(rowid)+1), which is how they are found to be indexed.
	var last int64
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(rowid), 0) FROM leads").Scan(&last); err != nil {
		return err
	}
	if err := insertRows(ctx, tx, leads, importID); err != nil {
		return err
	}
	return indexForSearch(ctx, tx, importID, last)
}

// indexForSearch adds the leads of import importID above rowid last to
// SQLite's search index (lead_search), in one statement: the insert
// trigger leaves imported leads to the importer (migration 00024), since
// FTS5 writes a segment per statement and a chunk of multi-row INSERTs
// would otherwise leave twenty small segments to merge.
func indexForSearch(ctx context.Context, tx *sql.Tx, importID string, last int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO lead_search (rowid, contact_name, company, phone, email)
		SELECT rowid, contact_name, company, phone, email FROM leads WHERE rowid > ? AND import_id = ?`, last, importID)
	return err
}

// insertRows writes leads with prepared multi-row INSERTs (SQLite).
func insertRows(ctx context.Context, tx *sql.Tx, leads []lead.Lead, importID string) error {
	var full *sql.Stmt
	defer func() {
		if full != nil {
			_ = full.Close()
		}
	}()
	args := make([]any, 0, insertBatch*len(leadCols))
	for start := 0; start < len(leads); start += insertBatch {
		batch := leads[start:min(start+insertBatch, len(leads))]
		args = args[:0]
		for i := range batch {
			l := &batch[i]
			var dept any
			if l.DepartmentID != nil {
				dept = *l.DepartmentID
			}
			now := bunTime(l.CreatedAt)
			args = append(args, l.ID, l.TenantID, l.ContactName, l.Company, l.Title, l.Phone, l.Email, l.WeChat, l.Source,
				l.Region, l.Industry, l.Status, *l.OwnerID, dept, bunTime(*l.AssignedAt), l.Notes, l.PhoneKey, l.EmailKey,
				l.CompanyKey, l.CreatedBy, now, bunTime(l.UpdatedAt), l.Version, importID)
		}
		var err error
		if len(batch) == insertBatch {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, insertSQL(insertBatch)); err != nil {
					return err
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, insertSQL(len(batch)), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

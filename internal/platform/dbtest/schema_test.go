package dbtest_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// TestSchemasMatch proves the SQLite and PostgreSQL migrations produce the
// same tables, columns and indexes, so one set of models fits both.
func TestSchemasMatch(t *testing.T) {
	lite := describe(t, dbtest.Open(t, db.SQLite))
	pg := describe(t, dbtest.Open(t, db.Postgres))
	if len(lite) < 5 {
		t.Fatalf("SQLite schema looks empty: %v", lite)
	}
	for _, line := range lite {
		if !slices.Contains(pg, line) {
			t.Errorf("only in SQLite: %s", line)
		}
	}
	for _, line := range pg {
		if !slices.Contains(lite, line) {
			t.Errorf("only in PostgreSQL: %s", line)
		}
	}
}

// Where the dialects differ by design: full-text search (migration
// 00018), SQLite's FTS5 table and its shadow tables against PostgreSQL's
// trigram index over an expression; and the descending follow-up index
// only PostgreSQL needs (migration 00019).
const (
	searchTables = "lead_search%"
	searchIndex  = "leads_search"
	pgOnlyIndex  = "leads_tenant_last_follow_up_desc"
)

// describe lists "table.column" and "index name on table(cols) [unique]" lines.
func describe(t *testing.T, d *db.DB) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	add := func(q string, args ...any) {
		rows, err := d.Read.QueryContext(ctx, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if d.Dialect == db.SQLite {
		add(`SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'goose_db_version' AND m.name NOT LIKE ?`, searchTables)
		add(`SELECT 'index ' || il.name || ' on ' || m.name || '(' ||
				(SELECT group_concat(name, ',') FROM (SELECT ii.name FROM pragma_index_info(il.name) ii ORDER BY ii.seqno)) || ')' ||
				CASE WHEN il."unique" THEN ' unique' ELSE '' END
			FROM sqlite_master m JOIN pragma_index_list(m.name) il
			WHERE m.type = 'table' AND il.origin = 'c' AND m.name <> 'goose_db_version' AND m.name NOT LIKE ?`, searchTables)
	} else {
		add(`SELECT table_name || '.' || column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'`)
		add(`SELECT 'index ' || i.relname || ' on ' || t.relname || '(' ||
				(SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
				 JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) || ')' ||
				CASE WHEN ix.indisunique THEN ' unique' ELSE '' END
			FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
			JOIN pg_namespace n ON n.oid = t.relnamespace
			WHERE n.nspname = current_schema() AND NOT ix.indisprimary AND t.relname <> 'goose_db_version'
				AND i.relname NOT IN (?, ?)`, searchIndex, pgOnlyIndex)
	}
	slices.Sort(out)
	for i := range out {
		out[i] = strings.ToLower(out[i])
	}
	if testing.Verbose() {
		fmt.Println(d.Dialect, len(out), "schema lines")
	}
	return out
}

// SQLite walks leads_tenant_last_follow_up backwards for "most recently
// followed up first", NULLs last, with no sort of its own: why it needs no
// descending index (migration 00019).
func TestLastFollowUpOrderUsesIndex(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	rows, err := d.Read.QueryContext(context.Background(), `EXPLAIN QUERY PLAN SELECT l.id FROM leads AS l
		WHERE l.tenant_id = ? AND l.merged_into_id IS NULL
		ORDER BY l.last_follow_up_at DESC NULLS LAST, l.id DESC LIMIT 50`, "t1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	all := strings.Join(plan, "; ")
	if !strings.Contains(all, "USING INDEX leads_tenant_last_follow_up ") || strings.Contains(all, "TEMP B-TREE") {
		t.Fatalf("plan: %s", all)
	}
}

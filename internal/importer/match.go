package importer

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/rudder-crm/rudder/internal/lead"
	"github.com/rudder-crm/rudder/internal/platform/db"
)

// Kinds of import_errors rows: a refused row, or a note on a row that
// matched an existing lead or customer (or an earlier row).
const (
	kindError     = "error"
	kindDuplicate = "duplicate"
)

// existing is a lead that shares a phone or email key with a row.
type existing struct {
	ID           string  `bun:"id"`
	ContactName  string  `bun:"contact_name"`
	Company      string  `bun:"company"`
	Title        string  `bun:"title"`
	Phone        string  `bun:"phone"`
	Email        string  `bun:"email"`
	WeChat       string  `bun:"wechat"`
	Source       string  `bun:"source"`
	Region       string  `bun:"region"`
	Industry     string  `bun:"industry"`
	Notes        string  `bun:"notes"`
	PhoneKey     string  `bun:"phone_key"`
	EmailKey     string  `bun:"email_key"`
	OwnerID      *string `bun:"owner_id"`
	DepartmentID *string `bun:"department_id"`
	Version      int64   `bun:"version"`
	InScope      int     `bun:"in_scope"`
}

func (e *existing) vals() [numFields]string {
	return [numFields]string{e.ContactName, e.Company, e.Title, e.Phone, e.Email, e.WeChat, e.Source, e.Region, e.Industry, e.Notes}
}

// customerHit is a customer sharing a key with a row: its own phone,
// email or company key, or a contact's phone or email (Key is "p:…",
// "e:…" or "c:…").
type customerHit struct {
	ID      string `bun:"id"`
	Name    string `bun:"name"`
	InScope int    `bun:"in_scope"`
	Key     string `bun:"key"`
}

// matches are the chunk's leads and customers by key ("p:", "e:", "c:"
// and the key), the oldest record first.
type matches struct {
	leads     map[string]*existing
	customers map[string]*customerHit
}

// hit is what one row matched, and on which key.
type hit struct {
	lead                 *existing
	cust                 *customerHit
	leadField, custField string
}

func (h hit) any() bool { return h.lead != nil || h.cust != nil }

// field is the key the note names: the customer's, else the lead's.
func (h hit) field() string {
	if h.cust != nil {
		return h.custField
	}
	return h.leadField
}

// phrase says what matched. A record outside the importer's data scope is
// named by kind only, as lead.Match does.
func (h hit) phrase() string {
	var parts []string
	if c := h.cust; c != nil {
		if c.InScope == 1 {
			parts = append(parts, "customer "+c.Name)
		} else {
			parts = append(parts, "an existing customer")
		}
	}
	if l := h.lead; l != nil {
		if l.InScope == 1 {
			parts = append(parts, "lead "+l.ContactName+" ("+l.ID+")")
		} else {
			parts = append(parts, "an existing lead")
		}
	}
	return "matches " + strings.Join(parts, " and ")
}

// of finds the row's lead (by phone or email) and customer (by phone,
// email or company).
func (m *matches) of(rw *row) hit {
	var h hit
	for _, k := range []struct{ name, key string }{{"phone", "p:" + rw.pk}, {"email", "e:" + rw.ek}, {"company", "c:" + rw.ck}} {
		if len(k.key) == 2 {
			continue
		}
		if e, ok := m.leads[k.key]; ok && h.lead == nil {
			h.lead, h.leadField = e, k.name
		}
		if c, ok := m.customers[k.key]; ok && h.cust == nil {
			h.cust, h.custField = c, k.name
		}
	}
	return h
}

// leadKeys are the row's keys that find a duplicate lead or row.
func (rw *row) leadKeys() []string {
	keys := make([]string, 0, 2)
	if rw.pk != "" {
		keys = append(keys, "p:"+rw.pk)
	}
	if rw.ek != "" {
		keys = append(keys, "e:"+rw.ek)
	}
	return keys
}

// keysByKind are the non-empty keys of the chunk's rows.
func (c *chunk) keysByKind() (phones, emails, companies []string) {
	for i := range c.rows {
		rw := &c.rows[i]
		if rw.pk != "" {
			phones = append(phones, rw.pk)
		}
		if rw.ek != "" {
			emails = append(emails, rw.ek)
		}
		if rw.ck != "" {
			companies = append(companies, rw.ck)
		}
	}
	return phones, emails, companies
}

// lookup finds the tenant's leads and customers sharing a key with the
// chunk's rows, whoever owns them; in_scope says whether the caller may
// see (and, for a lead, update) them. lock (PostgreSQL) locks the leads
// found until tx ends, so that no one changes them before the chunk writes.
func (r *runner) lookup(ctx context.Context, tx bun.IDB, c *chunk, lock bool) (*matches, error) {
	m := &matches{leads: map[string]*existing{}, customers: map[string]*customerHit{}}
	phones, emails, companies := c.keysByKind()
	if len(phones)+len(emails)+len(companies) == 0 {
		return m, nil
	}
	found, err := r.findLeads(ctx, tx, phones, emails, lock)
	if err != nil {
		return nil, err
	}
	for i := range found {
		e := &found[i]
		for _, k := range []string{"p:" + e.PhoneKey, "e:" + e.EmailKey} {
			if _, ok := m.leads[k]; !ok && len(k) > 2 {
				m.leads[k] = e
			}
		}
	}
	custs, err := r.findCustomers(ctx, tx, phones, emails, companies)
	if err != nil {
		return nil, err
	}
	for i := range custs {
		if _, ok := m.customers[custs[i].Key]; !ok {
			m.customers[custs[i].Key] = &custs[i]
		}
	}
	return m, nil
}

// keyBranch is one indexed search of table for the rows whose col is one
// of keys, selecting sel (columns of alias k; selArgs are its arguments).
// SQLite walks the partial index for the keys, sent as one JSON array
// (json_each): one string to parse instead of thousands of literals.
// PostgreSQL gets one index
// probe per key (unnest × LATERAL; OFFSET 0 keeps the subquery from being
// flattened into a join): during a large import the statistics lag far
// behind the table, and with a plain "= ANY" the planner then takes the
// tenant's rows from the index and filters them, a scan that grows with
// every chunk.
func (r *runner) keyBranch(sel string, selArgs []any, table, col string, keys []string, lock bool) (string, []any) {
	t := r.job.TenantID
	if r.s.DB.Dialect == db.Postgres {
		forUpdate := ""
		if lock {
			forUpdate = " FOR UPDATE"
		}
		q := "SELECT m.* FROM unnest(?::text[]) AS x(key) CROSS JOIN LATERAL (SELECT " + sel + " FROM " + table +
			" AS k WHERE k.tenant_id = ? AND k." + col + " = x.key AND k." + col + " <> '' OFFSET 0" + forUpdate + ") AS m"
		return q, append(append([]any{pgdialect.Array(keys)}, selArgs...), t)
	}
	js, _ := json.Marshal(keys)
	q := "SELECT " + sel + " FROM " + table + " AS k WHERE k.tenant_id = ? AND k." + col + " <> '' AND k." + col +
		" IN (SELECT value FROM json_each(?))"
	return q, append(append(append([]any{}, selArgs...), t), string(js))
}

// leadCols are what a lead match reads (alias k).
const leadMatchCols = "k.id, k.contact_name, k.company, k.title, k.phone, k.email, k.wechat, k.source, k.region, k.industry, " +
	"k.notes, k.phone_key, k.email_key, k.owner_id, k.department_id, k.version"

// findLeads reads the leads sharing a phone or email key with the chunk,
// one indexed branch per key (an OR of the two makes SQLite scan the
// tenant's leads), then sorts them oldest first so the match a row meets
// does not depend on the plan (an ORDER BY would lead SQLite to walk the
// tenant's leads by id).
func (r *runner) findLeads(ctx context.Context, tx bun.IDB, phones, emails []string, lock bool) ([]existing, error) {
	scope, sargs := r.p.ScopeSQL("k.tenant_id", "k.owner_id", "k.department_id")
	sel := leadMatchCols + ", CASE WHEN " + scope + " THEN 1 ELSE 0 END AS in_scope"
	var parts []string
	var args []any
	for _, b := range []struct {
		col  string
		keys []string
	}{{"phone_key", phones}, {"email_key", emails}} {
		if len(b.keys) > 0 {
			q, a := r.keyBranch(sel, sargs, "leads", b.col, b.keys, lock)
			parts, args = append(parts, q), append(args, a...)
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	var out []existing
	if err := tx.NewRaw(strings.Join(parts, " UNION ALL "), args...).Scan(ctx, &out); err != nil {
		return nil, err
	}
	// A lead found by both its phone and its email comes twice.
	slices.SortFunc(out, func(a, b existing) int { return strings.Compare(a.ID, b.ID) })
	return slices.CompactFunc(out, func(a, b existing) bool { return a.ID == b.ID }), nil
}

// findCustomers reads, per matching key, the customers sharing it with the
// chunk: by their own phone, email or company key, or a contact's phone or
// email. Oldest customer first.
func (r *runner) findCustomers(ctx context.Context, tx bun.IDB, phones, emails, companies []string) ([]customerHit, error) {
	var parts []string
	var args []any
	for _, b := range []struct {
		table, idCol, col, prefix string
		keys                      []string
	}{
		{"customers", "id", "phone_key", "p:", phones}, {"customers", "id", "email_key", "e:", emails},
		{"customers", "id", "company_key", "c:", companies},
		{"contacts", "customer_id", "phone_key", "p:", phones}, {"contacts", "customer_id", "email_key", "e:", emails},
	} {
		if len(b.keys) > 0 {
			q, a := r.keyBranch("k."+b.idCol+" AS cid, '"+b.prefix+"' || k."+b.col+" AS key", nil, b.table, b.col, b.keys, false)
			parts, args = append(parts, q), append(args, a...)
		}
	}
	t := r.job.TenantID
	scope, sargs := r.p.ScopeSQL("c.tenant_id", "c.owner_id", "c.department_id")
	var out []customerHit
	err := tx.NewSelect().TableExpr("("+strings.Join(parts, " UNION ALL ")+") AS m", args...).
		Join("JOIN customers AS c ON c.id = m.cid AND c.tenant_id = ?", t).
		ColumnExpr("c.id, c.name, m.key").
		ColumnExpr("CASE WHEN "+scope+" THEN 1 ELSE 0 END AS in_scope", sargs...).
		Scan(ctx, &out)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b customerHit) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// keysOf fills a row's dedupe keys.
func (rw *row) keysOf() {
	rw.pk, rw.ek, rw.ck = lead.PhoneKey(rw.vals[fPhone]), lead.EmailKey(rw.vals[fEmail]), lead.CompanyKey(rw.vals[fCompany])
}

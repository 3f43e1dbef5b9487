package lead

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/db"
)

// maxMatches bounds a duplicate answer: enough to warn, not a list.
const maxMatches = 20

// Keys are the dedupe keys of a record (see PhoneKey, EmailKey, CompanyKey);
// an empty key matches nothing.
type Keys struct {
	Phone, Email, Company string
}

// KeysOf computes the dedupe keys of a phone, an email and a company name.
func KeysOf(phone, email, company string) Keys {
	return Keys{Phone: PhoneKey(phone), Email: EmailKey(email), Company: CompanyKey(company)}
}

func (k Keys) empty() bool { return k.Phone == "" && k.Email == "" && k.Company == "" }

// MatchOptions say what a duplicate check searches: leads, customers, or
// both.
type MatchOptions struct {
	Leads, Customers bool
}

// Duplicates lists the tenant's customers, then leads, that share a key with
// the given phone, email or company, each newest first.
func (s *Service) Duplicates(ctx context.Context, phone, email, company string) ([]Match, error) {
	return s.Matches(ctx, KeysOf(phone, email, company), MatchOptions{Leads: true, Customers: true})
}

// matchRow is a matching lead or customer as read, before it is reduced to
// what the caller may see. OnPhone and OnEmail are set for a customer whose
// contacts match.
type matchRow struct {
	ID          string  `bun:"id"`
	ContactName string  `bun:"contact_name"`
	Company     string  `bun:"company"`
	Phone       string  `bun:"phone"`
	Status      string  `bun:"status"`
	OwnerID     *string `bun:"owner_id"`
	OwnerName   string  `bun:"owner_name"`
	PhoneKey    string  `bun:"phone_key"`
	EmailKey    string  `bun:"email_key"`
	CompanyKey  string  `bun:"company_key"`
	OnPhone     int     `bun:"on_phone"`
	OnEmail     int     `bun:"on_email"`
	InScope     int     `bun:"in_scope"`
}

// Matches finds records of the whole tenant by key, whatever the caller's
// scope, because a duplicate is a duplicate whoever owns it; records
// outside the scope come back reduced to their id (see Match). Customers
// come first (they are what a lead may be converted into), then leads, each
// newest first, at most 20 in all. The customers table is read here rather
// than through the customer package, which depends on this one.
func (s *Service) Matches(ctx context.Context, k Keys, o MatchOptions) ([]Match, error) {
	out := []Match{}
	if k.empty() {
		return out, nil
	}
	if o.Customers {
		rows, err := s.customerMatches(ctx, k)
		if err != nil {
			return nil, err
		}
		out = appendMatches(out, KindCustomer, k, rows)
	}
	if o.Leads && len(out) < maxMatches {
		rows, err := s.leadMatches(ctx, k, maxMatches-len(out))
		if err != nil {
			return nil, err
		}
		out = appendMatches(out, KindLead, k, rows)
	}
	return out, nil
}

// keyCols pairs each key with its name and column suffix.
func (k Keys) cols() []struct{ name, col, key string } {
	return []struct{ name, col, key string }{
		{"phone", "phone_key", k.Phone}, {"email", "email_key", k.Email}, {"company", "company_key", k.Company},
	}
}

// The duplicate lookups run inside every lead create, while SQLite's write
// lock is held, so they are hot statements (db.Hot: prepared once, never
// parsed again) of fixed shapes, in two steps. First the ids: one index
// search per key on the key's partial index (an empty key matches nothing:
// key <> ''), put together with UNION ALL and ordered here. Then, only when
// there are some, the rows by primary key. Any ORDER BY id … LIMIT in the
// SQL makes the planners walk the tenant's whole id index instead (SQLite
// even for a UNION's merge; PostgreSQL 0.7 s at a million leads).
//
// The caller's data scope decides how much of a match is told, not whether
// it is; it is a column (in_scope), and its SQL has one text per kind of
// scope, so the row statements come one per kind.

var leadIDs = db.NewHot(`SELECT k.id FROM leads AS k WHERE k.tenant_id = ? AND k.phone_key = ? AND k.phone_key <> ''
	UNION ALL SELECT k.id FROM leads AS k WHERE k.tenant_id = ? AND k.email_key = ? AND k.email_key <> ''
	UNION ALL SELECT k.id FROM leads AS k WHERE k.tenant_id = ? AND k.company_key = ? AND k.company_key <> ''`)

// A customer also matches through its contacts' phone and email.
const byContact = `SELECT ct.customer_id FROM contacts AS ct WHERE ct.tenant_id = ? AND ct.%[1]s = ? AND ct.%[1]s <> ''`

var customerIDs = db.NewHot(`SELECT k.id FROM customers AS k WHERE k.tenant_id = ? AND k.phone_key = ? AND k.phone_key <> ''
	UNION ALL SELECT k.id FROM customers AS k WHERE k.tenant_id = ? AND k.email_key = ? AND k.email_key <> ''
	UNION ALL SELECT k.id FROM customers AS k WHERE k.tenant_id = ? AND k.company_key = ? AND k.company_key <> ''
	UNION ALL ` + fmt.Sprintf(byContact, "phone_key") + `
	UNION ALL ` + fmt.Sprintf(byContact, "email_key"))

// idSlots is the row statements' id list: maxMatches placeholders, the
// unused ones given an id no record has.
var idSlots = strings.TrimSuffix(strings.Repeat("?, ", maxMatches), ", ")

var leadRowsSQL = `SELECT l.id, l.contact_name, l.company, l.phone, l.status, l.owner_id, l.phone_key, l.email_key, l.company_key,
	COALESCE(u.name, '') AS owner_name, CASE WHEN %s THEN 1 ELSE 0 END AS in_scope
	FROM leads AS l LEFT JOIN users AS u ON u.id = l.owner_id
	WHERE l.id IN (` + idSlots + `)`

var customerRowsSQL = `SELECT c.id, c.name AS company, c.phone, c.owner_id, c.phone_key, c.email_key, c.company_key,
	COALESCE(u.name, '') AS owner_name, CASE WHEN %s THEN 1 ELSE 0 END AS in_scope,
	CASE WHEN c.id IN (` + fmt.Sprintf(byContact, "phone_key") + `) THEN 1 ELSE 0 END AS on_phone,
	CASE WHEN c.id IN (` + fmt.Sprintf(byContact, "email_key") + `) THEN 1 ELSE 0 END AS on_email
	FROM customers AS c LEFT JOIN users AS u ON u.id = c.owner_id
	WHERE c.id IN (` + idSlots + `)`

// The row statements look records up by primary key alone (a tenant term
// there leads SQLite to scan the tenant): the ids come from the tenant's
// own lookup in the same transaction.
var leadRows, customerRows = scopedHot(leadRowsSQL, "l"), scopedHot(customerRowsSQL, "c")

// scopedHot registers query once per kind of data scope (all, department,
// own), keyed by the scope's SQL text.
func scopedHot(query, alias string) map[string]*db.Hot {
	out := map[string]*db.Hot{}
	for _, p := range []auth.Principal{{Scope: auth.ScopeAll}, {Scope: auth.ScopeDepartment, DeptPath: "/x/"}, {Scope: auth.ScopeOwn}} {
		scope, _ := p.ScopeSQL(alias+".tenant_id", alias+".owner_id", alias+".department_id")
		out[scope] = db.NewHot(fmt.Sprintf(query, scope))
	}
	return out
}

// scopedStmt is the statement for the caller's scope (one made on the spot,
// unprepared, for a scope text not seen at start).
func scopedStmt(stmts map[string]*db.Hot, query, scope string) *db.Hot {
	if h, ok := stmts[scope]; ok {
		return h
	}
	return db.Unregistered(fmt.Sprintf(query, scope))
}

func (s *Service) leadMatches(ctx context.Context, k Keys, limit int) ([]matchRow, error) {
	p := auth.From(ctx)
	t := p.TenantID
	ids, err := s.matchIDs(ctx, limit, leadIDs, t, k.Phone, t, k.Email, t, k.Company)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	scope, args := p.ScopeSQL("l.tenant_id", "l.owner_id", "l.department_id")
	return s.matchRows(ctx, scopedStmt(leadRows, leadRowsSQL, scope), args, ids)
}

// customerMatches finds customers by their own keys or their contacts'
// phone and email.
func (s *Service) customerMatches(ctx context.Context, k Keys) ([]matchRow, error) {
	p := auth.From(ctx)
	t := p.TenantID
	ids, err := s.matchIDs(ctx, maxMatches, customerIDs, t, k.Phone, t, k.Email, t, k.Company, t, k.Phone, t, k.Email)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	scope, args := p.ScopeSQL("c.tenant_id", "c.owner_id", "c.department_id")
	args = append(args, t, k.Phone, t, k.Email)
	return s.matchRows(ctx, scopedStmt(customerRows, customerRowsSQL, scope), args, ids)
}

// matchIDs runs an id lookup and keeps the newest limit distinct ids
// (ids are time-ordered), newest first.
func (s *Service) matchIDs(ctx context.Context, limit int, h *db.Hot, args ...any) ([]string, error) {
	rows, err := s.DB.QueryHot(ctx, h, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	slices.Reverse(ids)
	return ids[:min(limit, len(ids))], nil
}

// matchRows reads the records of ids (at most maxMatches), newest first.
func (s *Service) matchRows(ctx context.Context, h *db.Hot, args []any, ids []string) ([]matchRow, error) {
	for i := 0; i < maxMatches; i++ {
		id := "" // no record has an empty id
		if i < len(ids) {
			id = ids[i]
		}
		args = append(args, id)
	}
	rows, err := s.DB.QueryHot(ctx, h, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []matchRow
	if err := s.DB.Read.ScanRows(ctx, rows, &out); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b matchRow) int { return strings.Compare(b.ID, a.ID) })
	return out, rows.Err()
}

// appendMatches reduces rows to what the caller may see.
func appendMatches(out []Match, kind string, k Keys, rows []matchRow) []Match {
	for _, r := range rows {
		on := []string{}
		theirs := []string{r.PhoneKey, r.EmailKey, r.CompanyKey}
		via := []bool{r.OnPhone == 1, r.OnEmail == 1, false}
		for i, c := range k.cols() {
			if c.key != "" && (c.key == theirs[i] || via[i]) {
				on = append(on, c.name)
			}
		}
		if r.InScope == 0 {
			out = append(out, Match{Kind: kind, ID: r.ID, MatchedOn: on})
			continue
		}
		out = append(out, Match{Kind: kind, ID: r.ID, Visible: true, MatchedOn: on, ContactName: r.ContactName,
			Company: r.Company, Phone: r.Phone, Status: r.Status, OwnerID: r.OwnerID, OwnerName: r.OwnerName})
	}
	return out
}

package lead

import (
	"context"
	"fmt"
	"strings"

	"github.com/rudder-crm/rudder/internal/auth"
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

// keyIDs is "alias.tenant_id = ? AND alias.id IN (SELECT k.id FROM table
// AS k WHERE k.tenant_id = ? AND k.phone_key = ? AND k.phone_key <> ”
// UNION ALL …)" over the non-empty keys, plus extra branches. One indexed
// search per key: written as an OR of key terms, SQLite walks the
// (tenant, id) index instead to honour ORDER BY id, testing every row of
// the tenant — a create that slows down with every lead. Each branch
// repeats its partial index's condition (key <> ”) so the index applies.
func keyIDs(alias, table, tenantID string, k Keys, extra ...keyBranch) (string, []any) {
	var parts []string
	var args []any
	for _, c := range k.cols() {
		if c.key != "" {
			parts = append(parts, fmt.Sprintf("SELECT k.id FROM %s AS k WHERE k.tenant_id = ? AND k.%[2]s = ? AND k.%[2]s <> ''", table, c.col))
			args = append(args, tenantID, c.key)
		}
	}
	for _, e := range extra {
		if e.key != "" {
			parts = append(parts, e.sql)
			args = append(args, tenantID, e.key)
		}
	}
	return alias + ".tenant_id = ? AND " + alias + ".id IN (" + strings.Join(parts, " UNION ALL ") + ")",
		append([]any{tenantID}, args...)
}

// keyBranch is one more way to find ids: sql takes the tenant and the key.
type keyBranch struct{ sql, key string }

func (s *Service) leadMatches(ctx context.Context, k Keys, limit int) ([]matchRow, error) {
	p := auth.From(ctx)
	// The scope rule becomes a column rather than a filter: it decides how
	// much of each match the caller is told, not whether it is told.
	scope, args := p.ScopeSQL("l.tenant_id", "l.owner_id", "l.department_id")
	where, wargs := keyIDs("l", "leads", p.TenantID, k)
	var rows []matchRow
	err := s.DB.R(ctx).NewSelect().TableExpr("leads AS l").Join("LEFT JOIN users AS u ON u.id = l.owner_id").
		ColumnExpr("l.id, l.contact_name, l.company, l.phone, l.status, l.owner_id, l.phone_key, l.email_key, l.company_key").
		ColumnExpr("COALESCE(u.name, '') AS owner_name").
		ColumnExpr("CASE WHEN "+scope+" THEN 1 ELSE 0 END AS in_scope", args...).
		Where(where, wargs...).
		OrderExpr("l.id DESC").Limit(int64(limit)).Scan(ctx, &rows)
	return rows, err
}

// customerMatches finds customers by their own keys or their contacts'
// phone and email.
func (s *Service) customerMatches(ctx context.Context, k Keys) ([]matchRow, error) {
	p := auth.From(ctx)
	scope, args := p.ScopeSQL("c.tenant_id", "c.owner_id", "c.department_id")
	// A contact matches on a non-empty key only (contacts without a phone
	// have an empty phone_key).
	const byContact = "SELECT ct.customer_id FROM contacts AS ct WHERE ct.tenant_id = ? AND ct.%[1]s = ? AND ct.%[1]s <> ''"
	onPhone, onEmail := fmt.Sprintf(byContact, "phone_key"), fmt.Sprintf(byContact, "email_key")
	t := p.TenantID
	where, wargs := keyIDs("c", "customers", t, k, keyBranch{onPhone, k.Phone}, keyBranch{onEmail, k.Email})
	var rows []matchRow
	err := s.DB.R(ctx).NewSelect().TableExpr("customers AS c").Join("LEFT JOIN users AS u ON u.id = c.owner_id").
		ColumnExpr("c.id, c.name AS company, c.phone, c.owner_id, c.phone_key, c.email_key, c.company_key").
		ColumnExpr("COALESCE(u.name, '') AS owner_name").
		ColumnExpr("CASE WHEN "+scope+" THEN 1 ELSE 0 END AS in_scope", args...).
		ColumnExpr("CASE WHEN c.id IN ("+onPhone+") THEN 1 ELSE 0 END AS on_phone", t, k.Phone).
		ColumnExpr("CASE WHEN c.id IN ("+onEmail+") THEN 1 ELSE 0 END AS on_email", t, k.Email).
		Where(where, wargs...).
		OrderExpr("c.id DESC").Limit(maxMatches).Scan(ctx, &rows)
	return rows, err
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

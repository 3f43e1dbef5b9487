package customer

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/lead"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// Filter narrows a customer list. Zero values do not filter.
type Filter struct {
	Q, OwnerID, Industry, Region, Grade string
	PoolID                              string // the customers in one pool (those in the caller's scope)
	KeyCustomer                         *bool
	// Inclusive ranges of the scored won amount and open weighted
	// pipeline (the customer matrix's drill-down); nil: no bound.
	WonMin, WonMax, PipelineMin, PipelineMax *int64
	Sort                                     string
}

// ContactFilter narrows a contact list.
type ContactFilter struct {
	Q, CustomerID, DecisionRole string
	Sort                        string
}

// SortNames lists the sorts of both lists, for documentation and errors.
const SortNames = "created_at,-created_at,name,-name"

// sortKey is one list order: by id alone (ids are time-ordered, so that is
// creation order) or by name then id.
type sortKey struct {
	byName bool
	desc   bool
}

var sorts = map[string]sortKey{
	"created_at": {}, "-created_at": {desc: true}, "name": {byName: true}, "-name": {byName: true, desc: true},
}

// keyset pages q (over table alias a) in the named sort: rows scanned with
// limit+1, the cursor resuming after the last row's (name, id).
func keyset[T any](ctx context.Context, q *bun.SelectQuery, a, sortName string, limit int, cursor string,
	key func(*T) (name, id string)) (httpx.Page[T], error) {
	var page httpx.Page[T]
	sort, ok := sorts[sortName]
	if !ok {
		return page, apperr.Invalid("query.sort", "must be one of %s", SortNames)
	}
	nkeys := 1
	if sort.byName {
		nkeys = 2
	}
	keys, err := httpx.DecodeCursor(cursor, sortName, nkeys)
	if err != nil {
		return page, err
	}
	op, dir := ">", " ASC"
	if sort.desc {
		op, dir = "<", " DESC"
	}
	idCol, nameCol := bun.Ident(a+".id"), bun.Ident(a+".name")
	if keys != nil {
		id := keys[len(keys)-1]
		if !ids.Valid(id) {
			return page, apperr.Invalid("query.cursor", "is not a cursor this list gave out")
		}
		if sort.byName {
			q = q.Where("(? "+op+" ? OR (? = ? AND ? "+op+" ?))", nameCol, keys[0], nameCol, keys[0], idCol, id)
		} else {
			q = q.Where("? "+op+" ?", idCol, id)
		}
	}
	if sort.byName {
		q = q.OrderExpr("?"+dir+", ?"+dir, nameCol, idCol)
	} else {
		q = q.OrderExpr("?"+dir, idCol)
	}
	var rows []T
	if err := q.Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return page, err
	}
	rows, more := httpx.Trim(rows, limit)
	page.Items = rows
	if more {
		name, id := key(&rows[len(rows)-1])
		if sort.byName {
			page.NextCursor = httpx.EncodeCursor(sortName, name, id)
		} else {
			page.NextCursor = httpx.EncodeCursor(sortName, id)
		}
	}
	return page, nil
}

// List returns one keyset page of the customers in the caller's scope.
func (s *Service) List(ctx context.Context, f Filter, limit int, cursor string) (httpx.Page[Customer], error) {
	q := s.customers(ctx)
	for _, c := range []struct{ col, v string }{
		{"c.owner_id", f.OwnerID}, {"c.pool_id", f.PoolID}, {"c.industry", f.Industry}, {"c.region", f.Region}, {"c.grade", f.Grade},
	} {
		if c.v != "" {
			q = q.Where("? = ?", bun.Ident(c.col), c.v)
		}
	}
	if f.KeyCustomer != nil {
		q = q.Where("c.key_customer = ?", *f.KeyCustomer)
	}
	for _, r := range []struct {
		cond string
		v    *int64
	}{{"c.won_amount >= ?", f.WonMin}, {"c.won_amount <= ?", f.WonMax}, {"c.open_pipeline >= ?", f.PipelineMin},
		{"c.open_pipeline <= ?", f.PipelineMax}} {
		if r.v != nil {
			q = q.Where(r.cond, *r.v)
		}
	}
	if col, key := lead.SearchKey(f.Q); col != "" {
		// A whole number or address: the customer's own, or one of its
		// contacts' (as duplicate checks match them), by key.
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("? = ? AND ? <> ''", bun.Ident("c."+col), key, bun.Ident("c."+col)).
				WhereOr("c.id IN (SELECT k.customer_id FROM contacts AS k WHERE k.tenant_id = c.tenant_id AND ? = ? AND ? <> '')",
					bun.Ident("k."+col), key, bun.Ident("k."+col))
		})
	} else {
		q = search(q, f.Q, "c.name", "c.phone", "c.email", "c.website")
	}
	return keyset(ctx, q, "c", f.Sort, limit, cursor, func(c *Customer) (string, string) { return c.Name, c.ID })
}

// ListContacts returns one keyset page of the contacts in the caller's scope.
func (s *Service) ListContacts(ctx context.Context, f ContactFilter, limit int, cursor string) (httpx.Page[Contact], error) {
	q := s.contacts(ctx)
	if f.CustomerID != "" {
		q = q.Where("ct.customer_id = ?", f.CustomerID)
	}
	if f.DecisionRole != "" {
		q = q.Where("ct.decision_role = ?", f.DecisionRole)
	}
	if col, key := lead.SearchKey(f.Q); col != "" {
		q = q.Where("? = ? AND ? <> ''", bun.Ident("ct."+col), key, bun.Ident("ct."+col))
	} else {
		q = search(q, f.Q, "ct.name", "ct.phone", "ct.email", "ct.title")
	}
	return keyset(ctx, q, "ct", f.Sort, limit, cursor, func(c *Contact) (string, string) { return c.Name, c.ID })
}

// search matches text as a substring of any of cols, ASCII case-folded
// (Chinese has no case, so it matches as typed), % and _ taken literally.
func search(q *bun.SelectQuery, text string, cols ...string) *bun.SelectQuery {
	text = strings.TrimSpace(text)
	if text == "" {
		return q
	}
	like := "%" + strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(strings.ToLower(text)) + "%"
	return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
		for _, col := range cols {
			q = q.WhereOr("LOWER(?) LIKE ? ESCAPE '!'", bun.Ident(col), like)
		}
		return q
	})
}

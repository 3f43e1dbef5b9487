package activity

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// Filter narrows an activity list. Zero values do not filter.
type Filter struct {
	SubjectType, SubjectID, Kind, Status, OwnerID string
	// CustomerID keeps the activities on the customer, its contacts, its
	// opportunities and the leads converted into it: the customer's whole
	// timeline, as one list.
	CustomerID                               string
	DueFrom, DueTo, OccurredFrom, OccurredTo time.Time
	Sort                                     string
}

// SortNames lists the sorts for documentation and errors.
const SortNames = "created_at,-created_at,occurred_at,-occurred_at,due_at,-due_at"

// sortKey is one list order: by id alone (ids are time-ordered) or by a
// nullable time column then id, NULLs last in both directions; the cursor
// holds "" for a NULL.
type sortKey struct {
	col  string
	desc bool
	key  func(*Activity) *time.Time
}

var sorts = map[string]sortKey{
	"created_at": {}, "-created_at": {desc: true},
	"occurred_at":  {col: "a.occurred_at", key: func(a *Activity) *time.Time { return a.OccurredAt }},
	"-occurred_at": {col: "a.occurred_at", desc: true, key: func(a *Activity) *time.Time { return a.OccurredAt }},
	"due_at":       {col: "a.due_at", key: func(a *Activity) *time.Time { return a.DueAt }},
	"-due_at":      {col: "a.due_at", desc: true, key: func(a *Activity) *time.Time { return a.DueAt }},
}

// List returns one keyset page of the activities the caller may see.
func (s *Service) List(ctx context.Context, f Filter, limit int, cursor string) (httpx.Page[Activity], error) {
	var page httpx.Page[Activity]
	sort, ok := sorts[f.Sort]
	if !ok {
		return page, apperr.Invalid("query.sort", "must be one of %s", SortNames)
	}
	nkeys := 1
	if sort.col != "" {
		nkeys = 2
	}
	keys, err := httpx.DecodeCursor(cursor, f.Sort, nkeys)
	if err != nil {
		return page, err
	}
	q := filter(s.activities(ctx), f)
	op, dir := ">", " ASC"
	if sort.desc {
		op, dir = "<", " DESC"
	}
	if keys != nil {
		bad := apperr.Invalid("query.cursor", "is not a cursor this list gave out")
		id := keys[len(keys)-1]
		if !ids.Valid(id) {
			return page, bad
		}
		switch {
		case sort.col == "":
			q = q.Where("a.id "+op+" ?", id)
		case keys[0] == "":
			q = q.Where("(? IS NULL AND a.id "+op+" ?)", bun.Safe(sort.col), id)
		default:
			v, err := time.Parse(time.RFC3339Nano, keys[0])
			if err != nil {
				return page, bad
			}
			col := bun.Safe(sort.col)
			q = q.Where("(? "+op+" ? OR (? = ? AND a.id "+op+" ?) OR ? IS NULL)", col, v, col, v, id, col)
		}
	}
	if sort.col == "" {
		q = q.OrderExpr("a.id" + dir)
	} else {
		q = q.OrderExpr(sort.col + dir + " NULLS LAST, a.id" + dir)
	}
	var rows []Activity
	if err := q.Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return page, err
	}
	rows, more := httpx.Trim(rows, limit)
	page.Items = rows
	if more {
		last := &rows[len(rows)-1]
		if sort.col == "" {
			page.NextCursor = httpx.EncodeCursor(f.Sort, last.ID)
		} else {
			k := ""
			if t := sort.key(last); t != nil {
				k = t.UTC().Format(time.RFC3339Nano)
			}
			page.NextCursor = httpx.EncodeCursor(f.Sort, k, last.ID)
		}
	}
	return page, nil
}

// filter adds the list filters to q.
func filter(q *bun.SelectQuery, f Filter) *bun.SelectQuery {
	for _, c := range []struct{ col, v string }{
		{"a.subject_type", f.SubjectType}, {"a.subject_id", f.SubjectID}, {"a.kind", f.Kind}, {"a.status", f.Status},
		{"a.owner_id", f.OwnerID},
	} {
		if c.v != "" {
			q = q.Where("? = ?", bun.Safe(c.col), c.v)
		}
	}
	if f.CustomerID != "" {
		// The leads converted into the customer are its history before it
		// was one (a lead merged into another has its activities moved to
		// the survivor, so converted_customer_id finds them all). Their
		// activities are listed in the caller's activity scope like the
		// rest: a lead out of scope keeps its activities out of sight.
		q = q.Where(`((a.subject_type = 'customer' AND a.subject_id = ?)
			OR (a.subject_type = 'contact' AND a.subject_id IN (SELECT ct.id FROM contacts AS ct WHERE ct.tenant_id = a.tenant_id AND ct.customer_id = ?))
			OR (a.subject_type = 'opportunity' AND a.subject_id IN (SELECT o.id FROM opportunities AS o WHERE o.tenant_id = a.tenant_id AND o.customer_id = ?))
			OR (a.subject_type = 'lead' AND a.subject_id IN (SELECT l.id FROM leads AS l WHERE l.tenant_id = a.tenant_id AND l.converted_customer_id = ?)))`,
			f.CustomerID, f.CustomerID, f.CustomerID, f.CustomerID)
	}
	for _, c := range []struct {
		cond string
		t    time.Time
	}{
		{"a.due_at >= ?", f.DueFrom}, {"a.due_at < ?", f.DueTo},
		{"a.occurred_at >= ?", f.OccurredFrom}, {"a.occurred_at < ?", f.OccurredTo},
	} {
		if !c.t.IsZero() {
			q = q.Where(c.cond, c.t.UTC())
		}
	}
	return q
}

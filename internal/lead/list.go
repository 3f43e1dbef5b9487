package lead

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// Filter narrows a lead list. Zero values do not filter.
type Filter struct {
	Status, OwnerID, PoolID, Source, Industry string
	// Region matches that region and every region below it in the
	// tenant's territory tree (leads carry a region by name).
	Region                           string
	Q                                string
	CreatedFrom, CreatedTo           time.Time
	FollowUpFrom, FollowUpTo         time.Time // on next_follow_up_at: the leads due in a window
	LastFollowUpFrom, LastFollowUpTo time.Time // on last_follow_up_at, the pool clock
	Sort                             string

	regions []string // Region and the names below it, set by where
}

// sortKey is one list order and how its keyset cursor resumes.
type sortKey struct {
	col  string // "" orders by id alone (ids are time-ordered)
	desc bool
	// nullable columns put NULLs last in both directions; the cursor then
	// holds "" for a NULL, which no real value encodes to.
	nullable bool
	arg      func(string) (any, error) // a cursor key as a query argument
	key      func(*Lead) string        // a row's cursor key
}

func timeArg(s string) (any, error) { return time.Parse(time.RFC3339Nano, s) }
func intArg(s string) (any, error)  { return strconv.Atoi(s) }

func lastFollowUpKey(l *Lead) string {
	if l.LastFollowUpAt == nil {
		return ""
	}
	return l.LastFollowUpAt.UTC().Format(time.RFC3339Nano)
}

func scoreKey(l *Lead) string { return strconv.Itoa(l.Score) }

// sorts are the orders a list may ask for.
var sorts = map[string]sortKey{
	"created_at": {}, "-created_at": {desc: true},
	"last_follow_up_at":  {col: "l.last_follow_up_at", nullable: true, arg: timeArg, key: lastFollowUpKey},
	"-last_follow_up_at": {col: "l.last_follow_up_at", desc: true, nullable: true, arg: timeArg, key: lastFollowUpKey},
	"score":              {col: "l.score", arg: intArg, key: scoreKey},
	"-score":             {col: "l.score", desc: true, arg: intArg, key: scoreKey},
}

// SortNames lists the sorts for documentation and errors.
const SortNames = "created_at,-created_at,last_follow_up_at,-last_follow_up_at,score,-score"

// List returns one keyset page of the leads in the caller's scope.
func (s *Service) List(ctx context.Context, f Filter, limit int, cursor string) (httpx.Page[Lead], error) {
	var page httpx.Page[Lead]
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
	q, err := s.where(ctx, s.leads(ctx), f)
	if err != nil {
		return page, err
	}
	if keys != nil {
		if q, err = sort.after(q, keys); err != nil {
			return page, err
		}
	}
	var rows []Lead
	if err := sort.order(q).Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return page, err
	}
	rows, more := httpx.Trim(rows, limit)
	page.Items = rows
	if more {
		last := &rows[len(rows)-1]
		if sort.col == "" {
			page.NextCursor = httpx.EncodeCursor(f.Sort, last.ID)
		} else {
			page.NextCursor = httpx.EncodeCursor(f.Sort, sort.key(last), last.ID)
		}
	}
	return page, nil
}

// after resumes q behind the row whose sort keys are keys (value, id).
func (k sortKey) after(q *bun.SelectQuery, keys []string) (*bun.SelectQuery, error) {
	bad := apperr.Invalid("query.cursor", "is not a cursor this list gave out")
	op := ">"
	if k.desc {
		op = "<"
	}
	id := keys[len(keys)-1]
	if !ids.Valid(id) {
		return nil, bad
	}
	if k.col == "" {
		return q.Where("l.id "+op+" ?", id), nil
	}
	col := bun.Safe(k.col)
	if k.nullable && keys[0] == "" {
		// Behind a NULL row only NULL rows follow, in id order.
		return q.Where("(? IS NULL AND l.id "+op+" ?)", col, id), nil
	}
	v, err := k.arg(keys[0])
	if err != nil {
		return nil, bad
	}
	cond := "? " + op + " ? OR (? = ? AND l.id " + op + " ?)"
	if k.nullable {
		cond += " OR ? IS NULL" // the NULLs all come after every value
		return q.Where("("+cond+")", col, v, col, v, id, col), nil
	}
	return q.Where("("+cond+")", col, v, col, v, id), nil
}

// order sorts q by the key, then by id so equal values page stably.
func (k sortKey) order(q *bun.SelectQuery) *bun.SelectQuery {
	dir := " ASC"
	if k.desc {
		dir = " DESC"
	}
	if k.col == "" {
		return q.OrderExpr("l.id" + dir)
	}
	nulls := ""
	if k.nullable {
		nulls = " NULLS LAST" // both dialects' default differs by direction; say it
	}
	return q.OrderExpr(k.col + dir + nulls + ", l.id" + dir)
}

// where adds f to q: it resolves the search and the region subtree, which
// filter then puts in the query.
func (s *Service) where(ctx context.Context, q *bun.SelectQuery, f Filter) (*bun.SelectQuery, error) {
	m, err := s.match(ctx, f.Q)
	if err != nil {
		return nil, err
	}
	if f.Region != "" {
		if f.regions, err = s.subRegions(ctx, f.Region); err != nil {
			return nil, err
		}
	}
	return filter(q, f, m), nil
}

// subRegions returns name and the names of the regions below every region
// so named in the caller's tenant's tree. A name outside the tree matches
// itself only (the API takes any region text). The tree is small and its
// own, so the names are looked up first and the leads query stays a plain IN.
func (s *Service) subRegions(ctx context.Context, name string) ([]string, error) {
	var names []string
	err := s.DB.R(ctx).NewSelect().TableExpr("regions AS sub").ColumnExpr("DISTINCT sub.name").
		Join("JOIN regions AS top ON top.tenant_id = sub.tenant_id").
		Where("top.tenant_id = ? AND top.name = ? AND sub.path LIKE top.path || '%'", auth.From(ctx).TenantID, name).
		Scan(ctx, &names)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(names, name) {
		names = append(names, name)
	}
	return names, nil
}

// filter adds the list filters to q, with m the search for f.Q. Merged
// leads stay readable by id (for their history) but are in no list and no
// bulk action.
func filter(q *bun.SelectQuery, f Filter, m match) *bun.SelectQuery {
	q = q.Where("l.merged_into_id IS NULL")
	for _, c := range []struct{ col, v string }{
		{"l.status", f.Status}, {"l.owner_id", f.OwnerID}, {"l.pool_id", f.PoolID}, {"l.source", f.Source}, {"l.industry", f.Industry},
	} {
		if c.v != "" {
			q = q.Where("? = ?", bun.Safe(c.col), c.v)
		}
	}
	if len(f.regions) > 0 {
		q = q.Where("l.region IN (?)", bun.In(f.regions))
	}
	for _, c := range []struct {
		cond string
		t    time.Time
	}{
		{"l.created_at >= ?", f.CreatedFrom}, {"l.created_at < ?", f.CreatedTo},
		{"l.next_follow_up_at >= ?", f.FollowUpFrom}, {"l.next_follow_up_at < ?", f.FollowUpTo},
		{"l.last_follow_up_at >= ?", f.LastFollowUpFrom}, {"l.last_follow_up_at < ?", f.LastFollowUpTo},
	} {
		if !c.t.IsZero() {
			q = q.Where(c.cond, c.t.UTC())
		}
	}
	return m.where(q)
}

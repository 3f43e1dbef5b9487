package deal

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// Filter narrows an opportunity list. Zero values do not filter.
type Filter struct {
	Q, PipelineID, StageID, OwnerID, CustomerID, ForecastCategory string
	DepartmentID                                                  string // with its sub-departments
	CloseMonth                                                    string // YYYY-MM
	CreatedFrom, CreatedTo                                        string // UTC days, [from, to)
	Stalled                                                       *bool
	Sort                                                          string
}

// SortNames lists the sorts of the opportunity list.
const SortNames = "created_at,-created_at,expected_close,-expected_close,amount,-amount"

// sortKey is one list order: by id alone (ids are time-ordered, so that is
// creation order) or by a column then id.
type sortKey struct {
	col  string // "" for id alone
	num  bool   // the column is an integer
	desc bool
}

var sorts = map[string]sortKey{
	"created_at": {}, "-created_at": {desc: true},
	"expected_close": {col: "o.expected_close"}, "-expected_close": {col: "o.expected_close", desc: true},
	"amount": {col: "o.amount", num: true}, "-amount": {col: "o.amount", num: true, desc: true},
}

// List returns one keyset page of the opportunities in the caller's scope.
func (s *Service) List(ctx context.Context, f Filter, limit int, cursor string) (httpx.Page[Opportunity], error) {
	var page httpx.Page[Opportunity]
	now := time.Now().UTC()
	q, err := s.filter(ctx, s.opportunities(ctx), f, now)
	if err != nil {
		return page, err
	}
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
	op, dir := ">", " ASC"
	if sort.desc {
		op, dir = "<", " DESC"
	}
	bad := apperr.Invalid("query.cursor", "is not a cursor this list gave out")
	if keys != nil {
		id := keys[len(keys)-1]
		if !ids.Valid(id) {
			return page, bad
		}
		if sort.col == "" {
			q = q.Where("o.id "+op+" ?", id)
		} else {
			var v any = keys[0]
			if sort.num {
				n, err := strconv.ParseInt(keys[0], 10, 64)
				if err != nil {
					return page, bad
				}
				v = n
			}
			col := bun.Ident(sort.col)
			q = q.Where("(? "+op+" ? OR (? = ? AND o.id "+op+" ?))", col, v, col, v, id)
		}
	}
	if sort.col != "" {
		q = q.OrderExpr("?"+dir+", o.id"+dir, bun.Ident(sort.col))
	} else {
		q = q.OrderExpr("o.id" + dir)
	}
	var rows []Opportunity
	if err := q.Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return page, err
	}
	rows, more := httpx.Trim(rows, limit)
	for i := range rows {
		rows[i].finish(now)
	}
	page.Items = rows
	if page.Items == nil {
		page.Items = []Opportunity{}
	}
	if more {
		last := rows[len(rows)-1]
		switch {
		case sort.col == "":
			page.NextCursor = httpx.EncodeCursor(f.Sort, last.ID)
		case sort.num:
			page.NextCursor = httpx.EncodeCursor(f.Sort, strconv.FormatInt(last.Amount.Amount, 10), last.ID)
		default:
			page.NextCursor = httpx.EncodeCursor(f.Sort, last.ExpectedClose, last.ID)
		}
	}
	return page, nil
}

// filter adds f's conditions (all but the sort) to a query over
// opportunities AS o; a text filter needs the customer joined as cu. The
// list and the stage totals share it, so a board's cards and its column
// headers count the same opportunities.
func (s *Service) filter(ctx context.Context, q *bun.SelectQuery, f Filter, now time.Time) (*bun.SelectQuery, error) {
	for _, c := range []struct{ col, v string }{
		{"o.pipeline_id", f.PipelineID}, {"o.stage_id", f.StageID}, {"o.owner_id", f.OwnerID},
		{"o.customer_id", f.CustomerID}, {"o.forecast_category", f.ForecastCategory},
	} {
		if c.v != "" {
			q = q.Where("? = ?", bun.Ident(c.col), c.v)
		}
	}
	if f.DepartmentID != "" {
		var err error
		if q, err = s.inDepartment(ctx, q, f.DepartmentID); err != nil {
			return q, err
		}
	}
	if f.CloseMonth != "" {
		m, err := time.Parse("2006-01", f.CloseMonth)
		if err != nil || len(f.CloseMonth) != 7 {
			return q, apperr.Invalid("query.close_month", "must be a month YYYY-MM")
		}
		q = q.Where("o.expected_close >= ? AND o.expected_close < ?", m.Format(time.DateOnly), m.AddDate(0, 1, 0).Format(time.DateOnly))
	}
	from, err := dateBound("query.created_from", f.CreatedFrom)
	if err != nil {
		return q, err
	}
	if to, err := dateBound("query.created_to", f.CreatedTo); err != nil {
		return q, err
	} else if to != nil {
		q = q.Where("o.created_at < ?", *to)
	}
	if from != nil {
		q = q.Where("o.created_at >= ?", *from)
	}
	if f.Stalled != nil {
		if *f.Stalled {
			q = q.Where("o.rots_at IS NOT NULL AND o.rots_at <= ?", now)
		} else {
			q = q.Where("(o.rots_at IS NULL OR o.rots_at > ?)", now)
		}
	}
	if text := strings.TrimSpace(f.Q); text != "" {
		like := "%" + strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(strings.ToLower(text)) + "%"
		q = q.Where("(LOWER(o.name) LIKE ? ESCAPE '!' OR LOWER(cu.name) LIKE ? ESCAPE '!')", like, like)
	}
	return q, nil
}

// dateBound parses an optional UTC day YYYY-MM-DD of a query parameter.
func dateBound(field, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != 10 {
		return nil, apperr.Invalid(field, "must be a date YYYY-MM-DD")
	}
	return &t, nil
}

// inDepartment narrows q to opportunities of a department's subtree, the
// same departments.path prefix rule as the department data scope, so a
// team filter and a manager's scope agree on who is in a team. An id that
// is no department of the tenant is refused rather than answered empty.
func (s *Service) inDepartment(ctx context.Context, q *bun.SelectQuery, id string) (*bun.SelectQuery, error) {
	tenant := auth.From(ctx).TenantID
	var path string
	err := s.DB.R(ctx).NewSelect().Table("departments").Column("path").
		Where("id = ? AND tenant_id = ?", id, tenant).Scan(ctx, &path)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && path == "") {
		return q, apperr.Invalid("query.department_id", "is not a department")
	}
	if err != nil {
		return q, err
	}
	return q.Where("o.department_id IN (SELECT fd.id FROM departments fd WHERE fd.tenant_id = ? AND fd.path LIKE ?)",
		tenant, path+"%"), nil
}

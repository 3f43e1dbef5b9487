package lead

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// BulkCap bounds the leads one bulk action touches: it runs in one
// transaction, so a bigger selection must be narrowed or split.
const BulkCap = 5000

// Bulk actions.
const (
	BulkAssign     = "assign"
	BulkMoveToPool = "move_to_pool"
	BulkDelete     = "delete"
)

// BulkOps are the single-lead operations assign and move-to-pool run for
// each lead of a bulk action. The assignment and pool features own them
// (and import this package), so the server hands them in.
type BulkOps struct {
	// Assign gives a lead to owner with a reason, as POST /leads/{id}/assign.
	Assign func(ctx context.Context, leadID, owner, reason string) error
	// MoveToPool puts a lead into a pool of the caller's scope with a reason.
	MoveToPool func(ctx context.Context, leadID, poolID, reason string) error
}

// BulkLeadFilter selects leads like the list's query parameters do.
type BulkLeadFilter struct {
	Q                string    `json:"q,omitempty" maxLength:"100"`
	Status           string    `json:"status,omitempty" enum:"new,contacted,qualified,converted,disqualified"`
	OwnerID          string    `json:"owner_id,omitempty" format:"uuid"`
	PoolID           string    `json:"pool_id,omitempty" format:"uuid" doc:"The leads in this pool."`
	Source           string    `json:"source,omitempty" maxLength:"40"`
	Region           string    `json:"region,omitempty" maxLength:"40" doc:"This region and every region below it."`
	Industry         string    `json:"industry,omitempty" maxLength:"40"`
	CreatedFrom      time.Time `json:"created_from,omitempty"`
	CreatedTo        time.Time `json:"created_to,omitempty"`
	FollowUpFrom     time.Time `json:"follow_up_from,omitempty" doc:"On the next follow-up."`
	FollowUpTo       time.Time `json:"follow_up_to,omitempty" doc:"On the next follow-up."`
	LastFollowUpFrom time.Time `json:"last_follow_up_from,omitempty" doc:"On the last recorded follow-up."`
	LastFollowUpTo   time.Time `json:"last_follow_up_to,omitempty" doc:"On the last recorded follow-up."`
}

// BulkLeadInput is one bulk action on leads chosen by ids or by a filter.
type BulkLeadInput struct {
	Action  string          `json:"action" enum:"assign,move_to_pool,delete"`
	IDs     []string        `json:"ids,omitempty" maxItems:"5000" uniqueItems:"true" doc:"The leads; or give filter."`
	Filter  *BulkLeadFilter `json:"filter,omitempty" doc:"Every lead of your data scope the list would show with these filters."`
	OwnerID string          `json:"owner_id,omitempty" format:"uuid" doc:"assign: the new owner."`
	PoolID  string          `json:"pool_id,omitempty" format:"uuid" doc:"move_to_pool: a pool in your data scope."`
	Reason  string          `json:"reason,omitempty" maxLength:"200" doc:"assign and move_to_pool: why (required); kept in each lead's pool history."`
}

// BulkLeadResult counts the leads a bulk action changed.
type BulkLeadResult struct {
	Affected int `json:"affected"`
}

// RegisterBulk mounts POST /api/v1/leads/bulk.
func RegisterBulk(api huma.API, s *Service, ops BulkOps) {
	httpx.Register(api, huma.Operation{OperationID: "bulk-leads", Method: http.MethodPost, Path: "/api/v1/leads/bulk",
		Tags: []string{"leads"}, Summary: "Assign, move to a pool or delete many leads at once", Errors: []int{404, 409},
		Description: fmt.Sprintf("All or nothing, in one transaction; each lead is changed and audited exactly as its "+
			"single-lead action would. At most %d leads per call (more: 422, narrow the filter). An id outside your "+
			"data scope is a 404 naming body.ids[i], and nothing is written. assign and move_to_pool need lead.assign; "+
			"leads already where the action would put them are left alone and not counted.", BulkCap)},
		httpx.Perm("lead.write"),
		func(ctx context.Context, in *struct{ Body BulkLeadInput }) (*struct{ Body BulkLeadResult }, error) {
			n, err := s.Bulk(ctx, in.Body, ops)
			return &struct{ Body BulkLeadResult }{Body: BulkLeadResult{Affected: n}}, err
		})
}

// Bulk runs one bulk action and answers how many leads it changed.
func (s *Service) Bulk(ctx context.Context, in BulkLeadInput, ops BulkOps) (int, error) {
	step, err := s.bulkStep(ctx, &in, ops)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		n = 0
		targets, err := s.bulkTargets(ctx, in)
		if err != nil {
			return err
		}
		for i, id := range targets {
			changed, err := step(ctx, id)
			if err != nil {
				return bulkError(err, in, i, id)
			}
			if changed {
				n++
			}
		}
		return nil
	})
	return n, err
}

// bulkStep checks the action's own fields and returns what it does to one
// lead (reporting whether the lead changed).
func (s *Service) bulkStep(ctx context.Context, in *BulkLeadInput, ops BulkOps) (func(context.Context, string) (bool, error), error) {
	p := auth.From(ctx)
	in.Reason = strings.TrimSpace(in.Reason)
	needs := func(field, v string) error {
		if v == "" {
			return apperr.Invalid(field, "is required for %s", in.Action)
		}
		return nil
	}
	switch in.Action {
	case BulkAssign, BulkMoveToPool:
		if !p.Can("lead.assign") {
			return nil, apperr.Forbidden("%s needs the permission lead.assign", in.Action)
		}
	}
	switch in.Action {
	case BulkAssign:
		if err := needs("body.owner_id", in.OwnerID); err != nil {
			return nil, err
		}
		if err := needs("body.reason", in.Reason); err != nil {
			return nil, err
		}
		return func(ctx context.Context, id string) (bool, error) {
			l, err := s.Get(ctx, id)
			if err != nil || (l.OwnerID != nil && *l.OwnerID == in.OwnerID) {
				return false, err
			}
			return true, ops.Assign(ctx, id, in.OwnerID, in.Reason)
		}, nil
	case BulkMoveToPool:
		if err := needs("body.pool_id", in.PoolID); err != nil {
			return nil, err
		}
		if err := needs("body.reason", in.Reason); err != nil {
			return nil, err
		}
		return func(ctx context.Context, id string) (bool, error) {
			l, err := s.Get(ctx, id)
			if err != nil || (l.OwnerID == nil && l.PoolID != nil && *l.PoolID == in.PoolID) {
				return false, err
			}
			return true, ops.MoveToPool(ctx, id, in.PoolID, in.Reason)
		}, nil
	case BulkDelete:
		return func(ctx context.Context, id string) (bool, error) {
			l, err := s.Get(ctx, id)
			if err != nil {
				return false, err
			}
			return true, s.Delete(ctx, id, l.Version)
		}, nil
	}
	return nil, apperr.Invalid("body.action", "must be one of assign, move_to_pool, delete")
}

// bulkTargets resolves the leads of a bulk action inside the caller's data
// scope: every id must be one (else 404 naming it), a filter must match at
// most BulkCap.
func (s *Service) bulkTargets(ctx context.Context, in BulkLeadInput) ([]string, error) {
	switch {
	case len(in.IDs) > 0 && in.Filter != nil:
		return nil, apperr.Invalid("body.filter", "give either ids or a filter, not both")
	case in.Filter != nil:
		return s.bulkFilter(ctx, *in.Filter)
	case len(in.IDs) == 0:
		return nil, apperr.Invalid("body.ids", "give the ids of the leads, or a filter")
	}
	for i, id := range in.IDs {
		if !ids.Valid(id) {
			return nil, apperr.Invalid(fmt.Sprintf("body.ids[%d]", i), "is not an id")
		}
	}
	var found []string
	for chunk := range chunks(in.IDs, 500) {
		var got []string
		if err := s.leadIDs(ctx).Where("l.id IN (?)", bun.In(chunk)).Scan(ctx, &got); err != nil {
			return nil, err
		}
		found = append(found, got...)
	}
	seen := make(map[string]bool, len(found))
	for _, id := range found {
		seen[id] = true
	}
	for i, id := range in.IDs {
		if !seen[id] {
			return nil, huma.Error404NotFound(fmt.Sprintf("body.ids[%d]: no lead of that id in your data scope", i),
				&huma.ErrorDetail{Location: fmt.Sprintf("body.ids[%d]", i), Value: id, Message: "no lead of that id in your data scope"})
		}
	}
	return in.IDs, nil
}

// leadIDs selects the ids of the leads the caller may see.
func (s *Service) leadIDs(ctx context.Context) *bun.SelectQuery {
	q := s.DB.R(ctx).NewSelect().TableExpr("leads AS l").Column("l.id")
	return auth.From(ctx).Scoped(q, "l.tenant_id", "l.owner_id", "l.department_id")
}

func chunks(s []string, n int) func(func([]string) bool) {
	return func(yield func([]string) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

func (s *Service) bulkFilter(ctx context.Context, bf BulkLeadFilter) ([]string, error) {
	f := Filter{Q: bf.Q, Status: bf.Status, OwnerID: bf.OwnerID, PoolID: bf.PoolID, Source: bf.Source, Region: bf.Region,
		Industry: bf.Industry, CreatedFrom: bf.CreatedFrom, CreatedTo: bf.CreatedTo, FollowUpFrom: bf.FollowUpFrom,
		FollowUpTo: bf.FollowUpTo, LastFollowUpFrom: bf.LastFollowUpFrom, LastFollowUpTo: bf.LastFollowUpTo}
	if err := checkWindows("body.filter.", f); err != nil {
		return nil, err
	}
	q, err := s.where(ctx, s.leadIDs(ctx), f)
	if err != nil {
		return nil, err
	}
	var out []string
	if err := q.OrderExpr("l.id ASC").Limit(BulkCap+1).Scan(ctx, &out); err != nil {
		return nil, err
	}
	if len(out) > BulkCap {
		return nil, apperr.Invalid("body.filter", "matches more than %d leads; narrow the filter or split the action", BulkCap)
	}
	return out, nil
}

// bulkError says which lead a single-lead refusal was about. A field the
// single action names (body.owner_id, body.pool_id) is the bulk body's too.
func bulkError(err error, in BulkLeadInput, i int, id string) error {
	e, ok := apperr.As(err)
	if !ok || e.Field != "" {
		return err
	}
	loc := "body.filter"
	if len(in.IDs) > 0 {
		loc = fmt.Sprintf("body.ids[%d]", i)
	}
	switch e.Kind {
	case apperr.KindNotFound:
		return huma.Error404NotFound(loc+": "+e.Message, &huma.ErrorDetail{Location: loc, Value: id, Message: e.Message})
	case apperr.KindConflict, apperr.KindStale:
		return apperr.ConflictField(loc, "lead %s: %s", id, e.Message)
	case apperr.KindInvalid:
		return apperr.Invalid(loc, "lead %s: %s", id, e.Message)
	}
	return err
}

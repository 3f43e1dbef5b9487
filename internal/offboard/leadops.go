package offboard

import (
	"context"
	"errors"

	"github.com/rudder-crm/rudder/internal/assign"
	"github.com/rudder-crm/rudder/internal/lead"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/pool"
)

// LeadOps are the single-lead moves the bulk lead actions run, built from
// the assignment and pool features (which import the lead package, so it
// cannot call them itself).
func LeadOps(d *db.DB) lead.BulkOps {
	as := &assign.Service{DB: d}
	pools := &pool.Service{DB: d}
	return lead.BulkOps{
		Assign: func(ctx context.Context, leadID, owner, reason string) error {
			_, err := as.Assign(ctx, leadID, &owner, reason)
			return err
		},
		MoveToPool: func(ctx context.Context, leadID, poolID, reason string) error {
			return moveToPool(ctx, d, pools, leadID, poolID, reason)
		},
	}
}

// moveToPool puts a lead of the caller's scope into a named pool of the
// caller's scope, as a return (from an owner) or an assignment (from
// another pool) in the lead's pool history. A converted lead stays with its
// owner, as in a return.
func moveToPool(ctx context.Context, d *db.DB, pools *pool.Service, leadID, poolID, reason string) error {
	if ok, err := pool.LeadInScope(ctx, d, leadID); err != nil {
		return err
	} else if !ok {
		return apperr.NotFound("lead")
	}
	pl, err := pools.Get(ctx, poolID)
	if apperr.Is(err, apperr.KindNotFound) {
		return apperr.Invalid("body.pool_id", "no pool of that id in your data scope")
	} else if err != nil {
		return err
	}
	switch {
	case pl.Kind != "" && pl.Kind != "lead":
		return apperr.Invalid("body.pool_id", "is not a pool of leads")
	case !pl.Enabled:
		return apperr.Invalid("body.pool_id", "the pool is switched off")
	}
	l, err := pool.LoadLead(ctx, d, leadID)
	if err != nil {
		return err
	}
	if l.Status == lead.StatusConverted {
		return apperr.Conflict("a converted lead stays with its owner")
	}
	kind := pool.KindReturn
	if l.OwnerID == nil {
		kind = pool.KindAssign
	}
	err = pool.Apply(ctx, d, pool.Move{Lead: l, Kind: kind, ToPool: &pl.ID, ToDept: &pl.DepartmentID, Reason: reason})
	if errors.Is(err, pool.ErrMoved) {
		return apperr.Conflict("the lead changed owner meanwhile; reload it")
	}
	return err
}

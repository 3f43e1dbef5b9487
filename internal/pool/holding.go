package pool

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
)

// holding is where a pooled record (a lead or a customer) stands before a
// move: who owns it, which pool holds it, and the department copy. Both
// kinds move the same way; only the table, the event table and what else
// follows the record (a customer's contacts) differ.
type holding struct {
	table, objectType string
	id, tenantID      string
	owner, pool, dept *string
}

// target is where a move puts a record: exactly one of owner and pool.
type target struct {
	owner, pool, dept *string
}

// moveHolding applies a move to the record's row with one conditional
// UPDATE: it applies only while the record is owned by, or pooled in, what
// was read, so of two racing moves exactly one wins (the loser gets
// ErrMoved). It answers the time of the move.
func moveHolding(ctx context.Context, tx bun.Tx, h holding, to target) (time.Time, error) {
	now := time.Now().UTC()
	var pooledAt, assignedAt *time.Time
	if to.pool != nil {
		pooledAt = &now
	} else {
		assignedAt = &now
	}
	q := tx.NewUpdate().Table(h.table).Set("owner_id = ?", to.owner).Set("pool_id = ?", to.pool).
		Set("department_id = ?", to.dept).Set("pooled_at = ?", pooledAt).Set("assigned_at = ?", assignedAt).
		Set("updated_at = ?", now).Set("version = version + 1").
		Where("id = ? AND tenant_id = ?", h.id, h.tenantID)
	if h.owner != nil {
		q = q.Where("owner_id = ?", *h.owner)
	} else {
		q = q.Where("owner_id IS NULL AND pool_id = ?", h.pool)
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return now, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return now, err
	} else if n == 0 {
		return now, ErrMoved
	}
	return now, nil
}

// eventParties are the pool and user a pool event names: for a return, the
// pool it went to and the owner it left; otherwise the pool it came from (or
// was routed into) and its new owner.
func eventParties(kind string, h holding, to target) (poolID, userID *string) {
	switch kind {
	case KindReturn, KindAutoReturn:
		return to.pool, h.owner
	}
	if to.pool != nil {
		return to.pool, to.owner
	}
	return h.pool, to.owner
}

// recordMove writes the audit entry of a move: the fields that changed.
func recordMove(ctx context.Context, tx bun.Tx, h holding, to target) error {
	var changes []audit.Change
	for _, c := range []struct {
		field    string
		old, new *string
	}{{"owner_id", h.owner, to.owner}, {"department_id", h.dept, to.dept}, {"pool_id", h.pool, to.pool}} {
		if !same(c.old, c.new) {
			changes = append(changes, audit.Change{Field: c.field, Old: val(c.old), New: val(c.new)})
		}
	}
	return audit.Record(ctx, tx, audit.Update, h.objectType, h.id, changes)
}

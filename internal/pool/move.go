package pool

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// LeadState is what a move needs to know of a lead.
type LeadState struct {
	ID           string  `bun:"id"`
	TenantID     string  `bun:"tenant_id"`
	OwnerID      *string `bun:"owner_id"`
	PoolID       *string `bun:"pool_id"`
	DepartmentID *string `bun:"department_id"`
	Status       string  `bun:"status"`
	Source       string  `bun:"source"`
	Region       string  `bun:"region"`
	Industry     string  `bun:"industry"`
	Version      int64   `bun:"version"`
}

// LoadLead reads a lead of the caller's tenant, whatever the caller's data
// scope (callers decide what the caller may do with it).
func LoadLead(ctx context.Context, d *db.DB, id string) (*LeadState, error) {
	var l LeadState
	err := d.R(ctx).NewSelect().TableExpr("leads AS l").
		Column("l.id", "l.tenant_id", "l.owner_id", "l.pool_id", "l.department_id", "l.status", "l.source", "l.region",
			"l.industry", "l.version").
		Where("l.id = ? AND l.tenant_id = ?", id, auth.From(ctx).TenantID).Scan(ctx, &l)
	return &l, db.NotFound(err, "lead")
}

// LeadInScope reports whether the caller's data scope covers the lead.
func LeadInScope(ctx context.Context, d *db.DB, id string) (bool, error) {
	scope, args := auth.From(ctx).ScopeSQL("l.tenant_id", "l.owner_id", "l.department_id")
	n, err := d.R(ctx).NewSelect().TableExpr("leads AS l").Where("l.id = ?", id).Where(scope, args...).Count(ctx)
	return n > 0, err
}

// Move is one change of a lead's owner or pool.
type Move struct {
	Lead *LeadState // as read: the update applies only if the lead is still so
	Kind string
	// Exactly one of ToOwner and ToPool is set.
	ToOwner, ToPool *string
	ToDept          *string
	Reason          string
}

// ErrMoved means the lead changed owner or pool between reading and moving it.
var ErrMoved = errors.New("pool: the lead was moved meanwhile")

// Apply moves a lead with one conditional UPDATE (it applies only while the
// lead is owned by, or pooled in, what was read, so of two racing moves
// exactly one wins; the loser gets ErrMoved), and records the move in the
// lead's pool history and the audit trail, inside the transaction of ctx.
func Apply(ctx context.Context, d *db.DB, m Move) error {
	return d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		l := m.Lead
		h := holding{table: "leads", objectType: "lead", id: l.ID, tenantID: l.TenantID, owner: l.OwnerID, pool: l.PoolID, dept: l.DepartmentID}
		to := target{owner: m.ToOwner, pool: m.ToPool, dept: m.ToDept}
		now, err := moveHolding(ctx, tx, h, to)
		if err != nil {
			return err
		}
		e := &PoolEvent{ID: ids.New(), TenantID: l.TenantID, LeadID: l.ID, Kind: m.Kind, ActorID: auth.From(ctx).UserID,
			Reason: m.Reason, At: now}
		e.PoolID, e.UserID = eventParties(m.Kind, h, to)
		if _, err := tx.NewInsert().Model(e).Exec(ctx); err != nil {
			return err
		}
		l.OwnerID, l.PoolID, l.DepartmentID, l.Version = m.ToOwner, m.ToPool, m.ToDept, l.Version+1
		return recordMove(ctx, tx, h, to)
	})
}

// RecordEvent writes one event of the lead's pool history (used for owner
// changes made by a lead update, whose audit entry the lead feature writes).
func RecordEvent(ctx context.Context, tx bun.IDB, leadID string, fromPool, to *string, kind, reason string) error {
	p := auth.From(ctx)
	_, err := tx.NewInsert().Model(&PoolEvent{ID: ids.New(), TenantID: p.TenantID, LeadID: leadID, PoolID: fromPool,
		Kind: kind, UserID: to, ActorID: p.UserID, Reason: reason, At: time.Now().UTC()}).Exec(ctx)
	return err
}

func same(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func val(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// LockUser serializes the transaction's work for one user: on PostgreSQL it
// locks the user's row until commit, so counting what the user holds and
// then giving them more cannot interleave with another such transaction. On
// SQLite every write transaction already runs alone (one writer connection,
// BEGIN IMMEDIATE).
func LockUser(ctx context.Context, d *db.DB, tx bun.Tx, userID string) error {
	if d.Dialect != db.Postgres {
		return nil
	}
	var id string
	err := tx.NewSelect().Table("users").Column("id").Where("id = ?", userID).For("UPDATE").Scan(ctx, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound("user")
	}
	return err
}

// OpenLeads counts the open leads a user owns.
func OpenLeads(ctx context.Context, tx bun.IDB, tenantID, userID string) (int, error) {
	n, err := tx.NewSelect().Table("leads").Where("tenant_id = ? AND owner_id = ? AND status IN (?)", tenantID, userID,
		bun.In(OpenStatuses)).Count(ctx)
	return int(n), err
}

// DepartmentPool finds the enabled pool nearest to a department: its own
// (the first made, when it has several), else its parent's, and so on up.
// It answers nil when there is none.
func DepartmentPool(ctx context.Context, tx bun.IDB, tenantID string, deptID *string) (*Pool, error) {
	return departmentPool(ctx, tx, tenantID, deptID, KindLeadPool)
}

// departmentPool is DepartmentPool among the pools of one kind.
func departmentPool(ctx context.Context, tx bun.IDB, tenantID string, deptID *string, kind string) (*Pool, error) {
	if deptID == nil {
		return nil, nil
	}
	var path string
	err := tx.NewSelect().Table("departments").Column("path").Where("id = ? AND tenant_id = ?", *deptID, tenantID).Scan(ctx, &path)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var out []Pool
	err = tx.NewSelect().Model(&out).ColumnExpr("p.*").Join("JOIN departments AS d ON d.id = p.department_id").
		Where("p.tenant_id = ? AND p.kind = ? AND p.enabled = ? AND ? LIKE d.path || '%'", tenantID, kind, true, path).
		OrderExpr("LENGTH(d.path) DESC, p.id ASC").Limit(1).Scan(ctx)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return &out[0], nil
}

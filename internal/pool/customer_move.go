package pool

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// CustomerState is what a move needs to know of a customer.
type CustomerState struct {
	ID           string  `bun:"id"`
	TenantID     string  `bun:"tenant_id"`
	Name         string  `bun:"name"`
	OwnerID      *string `bun:"owner_id"`
	PoolID       *string `bun:"pool_id"`
	DepartmentID *string `bun:"department_id"`
	Version      int64   `bun:"version"`
}

var customerStateCols = []string{"c.id", "c.tenant_id", "c.name", "c.owner_id", "c.pool_id", "c.department_id", "c.version"}

// LoadCustomer reads a customer of the caller's tenant, whatever the
// caller's data scope (callers decide what the caller may do with it).
func LoadCustomer(ctx context.Context, d *db.DB, id string) (*CustomerState, error) {
	var c CustomerState
	err := d.R(ctx).NewSelect().TableExpr("customers AS c").Column(customerStateCols...).
		Where("c.id = ? AND c.tenant_id = ?", id, auth.From(ctx).TenantID).Scan(ctx, &c)
	return &c, db.NotFound(err, "customer")
}

// CustomerInScope reports whether the caller's data scope covers the customer.
func CustomerInScope(ctx context.Context, d *db.DB, id string) (bool, error) {
	scope, args := auth.From(ctx).ScopeSQL("c.tenant_id", "c.owner_id", "c.department_id")
	n, err := d.R(ctx).NewSelect().TableExpr("customers AS c").Where("c.id = ?", id).Where(scope, args...).Count(ctx)
	return n > 0, err
}

// CustomerPoolEvent is one change of a customer's owner or pool.
type CustomerPoolEvent struct {
	bun.BaseModel `bun:"table:customer_pool_events,alias:e"`
	ID            string    `bun:"id,pk" json:"id"`
	TenantID      string    `bun:"tenant_id" json:"-"`
	CustomerID    string    `bun:"customer_id" json:"customer_id"`
	PoolID        *string   `bun:"pool_id" json:"pool_id" doc:"The pool the customer came from (claim, assign) or went to (return, auto_return)."`
	Kind          string    `bun:"kind" json:"kind" enum:"claim,return,auto_return,assign"`
	UserID        *string   `bun:"user_id" json:"user_id" doc:"The new owner of a claim or assign, the previous owner of a return."`
	ActorID       string    `bun:"actor_id" json:"actor_id" doc:"Who did it; \"system\" for the automatic return."`
	Reason        string    `bun:"reason" json:"reason"`
	At            time.Time `bun:"at" json:"at"`
	// Names for a person reading the history; "" when gone (or the system).
	ActorName string `bun:"actor_name,scanonly" json:"actor_name"`
	UserName  string `bun:"user_name,scanonly" json:"user_name"`
	PoolName  string `bun:"pool_name,scanonly" json:"pool_name"`
}

// CustomerMove is one change of a customer's owner or pool.
type CustomerMove struct {
	Customer *CustomerState // as read: the update applies only if the customer is still so
	Kind     string
	// Exactly one of ToOwner and ToPool is set.
	ToOwner, ToPool *string
	ToDept          *string
	Reason          string
}

// ApplyCustomer moves a customer like Apply moves a lead: one conditional
// UPDATE (of racing moves exactly one wins, the others get ErrMoved), the
// contacts' copies of owner and department kept in step, a pool event and
// an audit entry, inside the transaction of ctx.
func ApplyCustomer(ctx context.Context, d *db.DB, m CustomerMove) error {
	return d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		c := m.Customer
		h := holding{table: "customers", objectType: "customer", id: c.ID, tenantID: c.TenantID, owner: c.OwnerID, pool: c.PoolID, dept: c.DepartmentID}
		to := target{owner: m.ToOwner, pool: m.ToPool, dept: m.ToDept}
		now, err := moveHolding(ctx, tx, h, to)
		if err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Table("contacts").Set("owner_id = ?, department_id = ?", m.ToOwner, m.ToDept).
			Where("customer_id = ? AND tenant_id = ?", c.ID, c.TenantID).Exec(ctx); err != nil {
			return err
		}
		e := &CustomerPoolEvent{ID: ids.New(), TenantID: c.TenantID, CustomerID: c.ID, Kind: m.Kind,
			ActorID: auth.From(ctx).UserID, Reason: m.Reason, At: now}
		e.PoolID, e.UserID = eventParties(m.Kind, h, to)
		if _, err := tx.NewInsert().Model(e).Exec(ctx); err != nil {
			return err
		}
		c.OwnerID, c.PoolID, c.DepartmentID, c.Version = m.ToOwner, m.ToPool, m.ToDept, c.Version+1
		return recordMove(ctx, tx, h, to)
	})
}

// CustomerHook records, in the customer's pool history, an owner change made
// by a customer update (a manager handing out a pooled customer).
func CustomerHook(ctx context.Context, customerID string, fromPool, to *string) error {
	tx, ok := db.InTxFrom(ctx)
	if !ok {
		return ErrNoTx
	}
	p := auth.From(ctx)
	_, err := tx.NewInsert().Model(&CustomerPoolEvent{ID: ids.New(), TenantID: p.TenantID, CustomerID: customerID,
		PoolID: fromPool, Kind: KindAssign, UserID: to, ActorID: p.UserID, At: time.Now().UTC()}).Exec(ctx)
	return err
}

// OwnedCustomers counts the customers a user owns (a customer pool's claim
// limit counts them all, however the rep got them).
func OwnedCustomers(ctx context.Context, tx bun.IDB, tenantID, userID string) (int, error) {
	n, err := tx.NewSelect().Table("customers").Where("tenant_id = ? AND owner_id = ?", tenantID, userID).Count(ctx)
	return int(n), err
}

package pool

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// CustomerOwnership is where a customer is after a claim or return.
type CustomerOwnership struct {
	CustomerID   string  `json:"customer_id"`
	OwnerID      *string `json:"owner_id"`
	PoolID       *string `json:"pool_id"`
	DepartmentID *string `json:"department_id"`
	Version      int64   `json:"version" doc:"The customer's new version."`
}

func customerOwnership(c *CustomerState) *CustomerOwnership {
	return &CustomerOwnership{CustomerID: c.ID, OwnerID: c.OwnerID, PoolID: c.PoolID, DepartmentID: c.DepartmentID, Version: c.Version}
}

// PoolCustomer is a pooled customer as its pool's members see it before
// claiming: no phone, email or address (they come with the customer).
type PoolCustomer struct {
	bun.BaseModel  `bun:"table:customers,alias:c"`
	ID             string     `bun:"id" json:"id"`
	Name           string     `bun:"name" json:"name"`
	Industry       string     `bun:"industry" json:"industry"`
	Size           string     `bun:"size" json:"size"`
	Region         string     `bun:"region" json:"region"`
	Source         string     `bun:"source" json:"source"`
	Grade          *string    `bun:"grade" json:"grade"`
	Score          int        `bun:"score" json:"score"`
	KeyCustomer    bool       `bun:"key_customer" json:"key_customer"`
	PoolID         *string    `bun:"pool_id" json:"pool_id"`
	PooledAt       *time.Time `bun:"pooled_at" json:"pooled_at"`
	LastActivityAt *time.Time `bun:"last_activity_at" json:"last_activity_at"`
	CreatedAt      time.Time  `bun:"created_at" json:"created_at"`
	Version        int64      `bun:"version" json:"version"`
}

// customerVisible loads a customer the caller may act on: in their data
// scope, or pooled in a pool they are a member of. Anyone else learns
// nothing of it (404), except a member who just lost a race to claim it
// from their pool (409).
func (s *Service) customerVisible(ctx context.Context, tx bun.IDB, id string) (*CustomerState, bool, error) {
	c, err := LoadCustomer(ctx, s.DB, id)
	if err != nil {
		return nil, false, err
	}
	inScope, err := CustomerInScope(ctx, s.DB, id)
	if err != nil || inScope {
		return c, inScope, err
	}
	if c.PoolID != nil {
		if ok, err := s.isMember(ctx, *c.PoolID); err != nil || ok {
			return c, false, err
		}
		return nil, false, apperr.NotFound("customer")
	}
	var last []CustomerPoolEvent
	err = tx.NewSelect().Model(&last).Where("tenant_id = ? AND customer_id = ?", c.TenantID, id).OrderExpr("id DESC").Limit(1).Scan(ctx)
	if err != nil {
		return nil, false, err
	}
	if len(last) > 0 && last[0].PoolID != nil && last[0].Kind == KindClaim {
		if ok, err := s.isMember(ctx, *last[0].PoolID); err != nil {
			return nil, false, err
		} else if ok {
			return nil, false, apperr.Conflict("someone else claimed this customer first")
		}
	}
	return nil, false, apperr.NotFound("customer")
}

// ClaimCustomer gives a pooled customer to the caller, under the same rules
// as Claim for leads; a customer pool's claim_limit counts the customers the
// caller owns. Refused (409) while customer pools are switched off.
func (s *Service) ClaimCustomer(ctx context.Context, id string) (*CustomerOwnership, error) {
	p := auth.From(ctx)
	var out *CustomerOwnership
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		c, _, err := s.customerVisible(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.customerPoolsOn(ctx); err != nil {
			return err
		}
		if c.PoolID == nil {
			if c.OwnerID != nil && *c.OwnerID == p.UserID {
				return apperr.Conflict("you already own this customer")
			}
			return apperr.Conflict("the customer has an owner and is not in a pool; only pooled customers can be claimed")
		}
		var pl Pool
		if err := tx.NewSelect().Model(&pl).Where("p.id = ?", *c.PoolID).Scan(ctx); err != nil {
			return err
		}
		if ok, err := s.isMember(ctx, pl.ID); err != nil {
			return err
		} else if !ok {
			return apperr.Forbidden("only members of pool %q may claim its customers", pl.Name)
		}
		if !pl.Enabled {
			return apperr.Conflict("pool %q is switched off; its customers cannot be claimed", pl.Name)
		}
		if err := LockUser(ctx, s.DB, tx, p.UserID); err != nil {
			return err
		}
		if err := s.customerClaimRules(ctx, tx, &pl, id); err != nil {
			return err
		}
		var dept *string
		if p.DepartmentID != "" {
			dept = &p.DepartmentID
		}
		err = ApplyCustomer(ctx, s.DB, CustomerMove{Customer: c, Kind: KindClaim, ToOwner: &p.UserID, ToDept: dept})
		if errors.Is(err, ErrMoved) {
			return apperr.Conflict("someone else claimed this customer first")
		}
		out = customerOwnership(c)
		return err
	})
	return out, err
}

// customerClaimRules checks the pool's claim limit and reclaim cooldown for
// the caller, who holds the lock on their user row.
func (s *Service) customerClaimRules(ctx context.Context, tx bun.Tx, pl *Pool, customerID string) error {
	p := auth.From(ctx)
	if pl.ClaimLimit > 0 {
		n, err := OwnedCustomers(ctx, tx, p.TenantID, p.UserID)
		if err != nil {
			return err
		}
		if n >= pl.ClaimLimit {
			return apperr.Conflict("claim_limit: you own %d customers and pool %q lets a rep claim only while owning fewer than %d",
				n, pl.Name, pl.ClaimLimit)
		}
	}
	if pl.ReclaimCooldownDays <= 0 {
		return nil
	}
	var last []CustomerPoolEvent
	err := tx.NewSelect().Model(&last).Where("tenant_id = ? AND customer_id = ? AND user_id = ? AND kind IN (?)",
		p.TenantID, customerID, p.UserID, bun.In([]string{KindReturn, KindAutoReturn})).
		OrderExpr("id DESC").Limit(1).Scan(ctx)
	if err != nil || len(last) == 0 {
		return err
	}
	if until := last[0].At.AddDate(0, 0, pl.ReclaimCooldownDays); time.Now().UTC().Before(until) {
		return apperr.Conflict("reclaim_cooldown_days: this customer was returned from you on %s; pool %q lets you claim it again from %s",
			last[0].At.Format(time.RFC3339), pl.Name, until.Format(time.RFC3339))
	}
	return nil
}

// ReturnCustomer puts an owned customer back into a customer pool: its last
// pool while enabled, else the nearest enabled customer pool of its
// department or above. Its owner may return it, and so may a caller with
// pool.manage whose data scope covers it.
func (s *Service) ReturnCustomer(ctx context.Context, id, reason string) (*CustomerOwnership, error) {
	p := auth.From(ctx)
	reason = strings.TrimSpace(reason)
	var out *CustomerOwnership
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		c, inScope, err := s.customerVisible(ctx, tx, id)
		if err != nil {
			return err
		}
		if !inScope {
			return apperr.NotFound("customer")
		}
		if err := s.customerPoolsOn(ctx); err != nil {
			return err
		}
		if reason == "" {
			return apperr.Invalid("body.reason", "is required")
		}
		if c.OwnerID == nil {
			return apperr.Conflict("the customer is already in a pool")
		}
		if *c.OwnerID != p.UserID && !p.Can("pool.manage") {
			return apperr.Forbidden("only the customer's owner, or someone with pool.manage, may return it to a pool")
		}
		pl, err := s.customerReturnPool(ctx, tx, c)
		if err != nil {
			return err
		}
		if pl == nil {
			return apperr.Conflict("no enabled customer pool takes this customer: neither its last pool nor a customer pool of its department or above")
		}
		err = ApplyCustomer(ctx, s.DB, CustomerMove{Customer: c, Kind: KindReturn, ToPool: &pl.ID, ToDept: &pl.DepartmentID, Reason: reason})
		if errors.Is(err, ErrMoved) {
			return apperr.Conflict("the customer changed owner meanwhile; reload it")
		}
		out = customerOwnership(c)
		return err
	})
	return out, err
}

func (s *Service) customerReturnPool(ctx context.Context, tx bun.Tx, c *CustomerState) (*Pool, error) {
	return returnPoolFor(ctx, tx, "customer_pool_events", "customer_id", KindCustomerPool, c.TenantID, c.ID, c.DepartmentID)
}

// CustomerEvents lists a customer's pool history, newest first, to a caller
// whose scope covers the customer or who is a member of its pool.
func (s *Service) CustomerEvents(ctx context.Context, id string) ([]CustomerPoolEvent, error) {
	r := s.DB.R(ctx)
	if _, _, err := s.customerVisible(ctx, r, id); err != nil {
		return nil, err
	}
	out := []CustomerPoolEvent{}
	err := withNames(r.NewSelect().Model(&out)).Where("e.tenant_id = ? AND e.customer_id = ?", auth.From(ctx).TenantID, id).
		OrderExpr("e.id DESC").Limit(500).Scan(ctx)
	return out, err
}

// Customers lists one keyset page of the customers in a pool the caller may
// see, newest first.
func (s *Service) Customers(ctx context.Context, poolID string, limit int, cursor string) (httpx.Page[PoolCustomer], error) {
	if _, err := s.Get(ctx, poolID); err != nil {
		return httpx.Page[PoolCustomer]{}, err
	}
	q := s.DB.R(ctx).NewSelect().Model((*PoolCustomer)(nil)).Where("c.tenant_id = ? AND c.pool_id = ?", auth.From(ctx).TenantID, poolID)
	return httpx.NewestFirst(ctx, q, "c.id", limit, cursor, func(c *PoolCustomer) string { return c.ID })
}

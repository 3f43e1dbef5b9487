package pool

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
)

// Claim gives a pooled lead to the caller. The caller must be a member of
// the lead's pool, hold fewer open leads than the pool's claim_limit, and
// not have had the lead returned from them within reclaim_cooldown_days.
// Of several callers claiming one lead at once exactly one wins: the others
// get a 409. The per-rep limit holds under concurrency because the count
// and the claim run under a lock on the rep (see LockUser).
func (s *Service) Claim(ctx context.Context, leadID string) (*Ownership, error) {
	p := auth.From(ctx)
	var out *Ownership
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		l, err := LoadLead(ctx, s.DB, leadID)
		if err != nil {
			return err
		}
		if l.PoolID == nil {
			if ok, err := LeadInScope(ctx, s.DB, leadID); err != nil {
				return err
			} else if !ok {
				// A member who lost the race to claim it hears so; anyone
				// else learns nothing of a lead outside their scope.
				if lost, err := s.claimedFromMyPool(ctx, tx, leadID); err != nil {
					return err
				} else if lost {
					return apperr.Conflict("someone else claimed this lead first")
				}
				return apperr.NotFound("lead")
			}
			if l.OwnerID != nil && *l.OwnerID == p.UserID {
				return apperr.Conflict("you already own this lead")
			}
			return apperr.Conflict("the lead has an owner and is not in a pool; only pooled leads can be claimed")
		}
		var pl Pool
		if err := tx.NewSelect().Model(&pl).Where("p.id = ?", *l.PoolID).Scan(ctx); err != nil {
			return err
		}
		if ok, err := s.isMember(ctx, pl.ID); err != nil {
			return err
		} else if !ok {
			if ok, err := LeadInScope(ctx, s.DB, leadID); err != nil {
				return err
			} else if !ok {
				return apperr.NotFound("lead")
			}
			return apperr.Forbidden("only members of pool %q may claim its leads", pl.Name)
		}
		if !pl.Enabled {
			return apperr.Conflict("pool %q is switched off; its leads cannot be claimed", pl.Name)
		}
		if err := LockUser(ctx, s.DB, tx, p.UserID); err != nil {
			return err
		}
		now := time.Now().UTC()
		if pl.ClaimLimit > 0 {
			n, err := OpenLeads(ctx, tx, p.TenantID, p.UserID)
			if err != nil {
				return err
			}
			if n >= pl.ClaimLimit {
				return apperr.Conflict("claim_limit: you hold %d open leads and pool %q lets a rep claim only while holding fewer than %d",
					n, pl.Name, pl.ClaimLimit)
			}
		}
		if pl.ReclaimCooldownDays > 0 {
			var last []PoolEvent
			err := tx.NewSelect().Model(&last).Where("tenant_id = ? AND lead_id = ? AND user_id = ? AND kind IN (?)",
				p.TenantID, leadID, p.UserID, bun.In([]string{KindReturn, KindAutoReturn})).
				OrderExpr("id DESC").Limit(1).Scan(ctx)
			if err != nil {
				return err
			}
			if len(last) > 0 {
				until := last[0].At.AddDate(0, 0, pl.ReclaimCooldownDays)
				if now.Before(until) {
					return apperr.Conflict("reclaim_cooldown_days: this lead was returned from you on %s; pool %q lets you claim it again from %s",
						last[0].At.Format(time.RFC3339), pl.Name, until.Format(time.RFC3339))
				}
			}
		}
		var dept *string
		if p.DepartmentID != "" {
			dept = &p.DepartmentID
		}
		err = Apply(ctx, s.DB, Move{Lead: l, Kind: KindClaim, ToOwner: &p.UserID, ToDept: dept})
		if errors.Is(err, ErrMoved) {
			return apperr.Conflict("someone else claimed this lead first")
		}
		out = ownership(l)
		return err
	})
	return out, err
}

func ownership(l *LeadState) *Ownership {
	return &Ownership{LeadID: l.ID, OwnerID: l.OwnerID, PoolID: l.PoolID, DepartmentID: l.DepartmentID, Version: l.Version}
}

// Return puts an owned lead back into a pool: its last pool when that is
// still enabled, else the nearest enabled pool of its department (up the
// tree). Its owner may return it, and so may a caller with lead.assign whose
// data scope covers it.
func (s *Service) Return(ctx context.Context, leadID, reason string) (*Ownership, error) {
	p := auth.From(ctx)
	reason = strings.TrimSpace(reason)
	var out *Ownership
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if ok, err := LeadInScope(ctx, s.DB, leadID); err != nil {
			return err
		} else if !ok {
			return apperr.NotFound("lead")
		}
		if reason == "" { // checked after the scope: a lead out of scope is not found, whatever the body
			return apperr.Invalid("body.reason", "is required")
		}
		l, err := LoadLead(ctx, s.DB, leadID)
		if err != nil {
			return err
		}
		if l.OwnerID == nil {
			return apperr.Conflict("the lead is already in a pool")
		}
		if *l.OwnerID != p.UserID && !p.Can("lead.assign") {
			return apperr.Forbidden("only the lead's owner, or someone with lead.assign, may return it to a pool")
		}
		if l.Status == "converted" {
			return apperr.Conflict("a converted lead stays with its owner")
		}
		pl, err := s.returnPool(ctx, tx, l)
		if err != nil {
			return err
		}
		if pl == nil {
			return apperr.Conflict("no enabled pool takes this lead: neither its last pool nor a pool of its department or above")
		}
		err = Apply(ctx, s.DB, Move{Lead: l, Kind: KindReturn, ToPool: &pl.ID, ToDept: &pl.DepartmentID, Reason: reason})
		if errors.Is(err, ErrMoved) {
			return apperr.Conflict("the lead changed owner meanwhile; reload it")
		}
		out = ownership(l)
		return err
	})
	return out, err
}

// returnPool is where a returned lead goes (see returnPoolFor).
func (s *Service) returnPool(ctx context.Context, tx bun.Tx, l *LeadState) (*Pool, error) {
	return returnPoolFor(ctx, tx, "lead_pool_events", "lead_id", KindLeadPool, l.TenantID, l.ID, l.DepartmentID)
}

// returnPoolFor is where a returned record goes: the last pool its pool
// history names, if that pool is enabled, else the nearest enabled pool of
// its kind up the department tree.
func returnPoolFor(ctx context.Context, tx bun.Tx, events, idCol, kind, tenantID, id string, dept *string) (*Pool, error) {
	var last []string
	err := tx.NewSelect().Table(events).Column("pool_id").
		Where("tenant_id = ? AND ? = ? AND pool_id IS NOT NULL", tenantID, bun.Ident(idCol), id).
		OrderExpr("id DESC").Limit(1).Scan(ctx, &last)
	if err != nil {
		return nil, err
	}
	if len(last) > 0 {
		var pools []Pool
		err := tx.NewSelect().Model(&pools).Where("p.id = ? AND p.tenant_id = ? AND p.kind = ? AND p.enabled = ?",
			last[0], tenantID, kind, true).Scan(ctx)
		if err != nil || len(pools) > 0 {
			return first(pools), err
		}
	}
	return departmentPool(ctx, tx, tenantID, dept, kind)
}

func first(p []Pool) *Pool {
	if len(p) == 0 {
		return nil
	}
	return &p[0]
}

// ErrNoTx means a hook was called outside a transaction.
var ErrNoTx = errors.New("pool: owner change outside a transaction")

// claimedFromMyPool reports whether a lead's latest move took it out of a
// pool the caller is a member of.
func (s *Service) claimedFromMyPool(ctx context.Context, tx bun.Tx, leadID string) (bool, error) {
	var last []PoolEvent
	err := tx.NewSelect().Model(&last).Where("tenant_id = ? AND lead_id = ?", auth.From(ctx).TenantID, leadID).
		OrderExpr("id DESC").Limit(1).Scan(ctx)
	if err != nil || len(last) == 0 || last[0].PoolID == nil || last[0].Kind != KindClaim && last[0].Kind != KindAssign {
		return false, err
	}
	return s.isMember(ctx, *last[0].PoolID)
}

package assign

import (
	"context"
	"errors"
	"strings"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/pool"
)

// Outcomes of routing a lead.
const (
	Assigned  = "assigned"
	Pooled    = "pooled"
	Unchanged = "unchanged"
)

// AssignResult is what an assignment did.
type AssignResult struct {
	Outcome string  `json:"outcome" enum:"assigned,pooled,unchanged" doc:"assigned: to owner_id; pooled: into pool_id; unchanged: no rule and no pool took it."`
	RuleID  *string `json:"rule_id,omitempty" doc:"The rule that matched, if any."`
	pool.Ownership
}

// Route gives a lead to its owner by the tenant's assignment rules, inside
// the transaction of ctx (or its own): the first enabled rule whose
// conditions match picks the next active rep of its team, round-robin,
// skipping reps who hold per_rep_cap open leads or more. When no rule
// matches, or every rep of the matching rule's team is at the cap, the lead
// goes into the nearest enabled pool of that team's department (no match:
// of the lead's own department); with no such pool it stays where it is.
// Import and the web-to-lead form call it too.
func (s *Service) Route(ctx context.Context, leadID, reason string) (*AssignResult, error) {
	var out *AssignResult
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		l, err := pool.LoadLead(ctx, s.DB, leadID)
		if err != nil {
			return err
		}
		out = &AssignResult{Outcome: Unchanged}
		rules, err := s.enabledRules(ctx, tx, l.TenantID)
		if err != nil {
			return err
		}
		dept := l.DepartmentID
		for i := range rules {
			r := &rules[i]
			ok, err := s.matches(ctx, tx, r, l)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			out.RuleID, dept = &r.ID, &r.DepartmentID
			rep, err := s.nextRep(ctx, tx, r)
			if err != nil {
				return err
			}
			if rep != nil {
				if l.OwnerID == nil || *l.OwnerID != rep.ID {
					if err := pool.Apply(ctx, s.DB, pool.Move{Lead: l, Kind: pool.KindAssign, ToOwner: &rep.ID, ToDept: rep.DepartmentID,
						Reason: reason}); err != nil {
						return err
					}
				}
				out.Outcome, out.Ownership = Assigned, *own(l)
				return nil
			}
			break
		}
		pl, err := pool.DepartmentPool(ctx, tx, l.TenantID, dept)
		if err != nil {
			return err
		}
		if pl == nil || (l.PoolID != nil && *l.PoolID == pl.ID) {
			out.Ownership = *own(l)
			return nil
		}
		if err := pool.Apply(ctx, s.DB, pool.Move{Lead: l, Kind: pool.KindAssign, ToPool: &pl.ID, ToDept: &pl.DepartmentID,
			Reason: reason}); err != nil {
			return err
		}
		out.Outcome, out.Ownership = Pooled, *own(l)
		return nil
	})
	if errors.Is(err, pool.ErrMoved) {
		return nil, apperr.Conflict("the lead changed owner meanwhile; reload it")
	}
	return out, err
}

func own(l *pool.LeadState) *pool.Ownership {
	return &pool.Ownership{LeadID: l.ID, OwnerID: l.OwnerID, PoolID: l.PoolID, DepartmentID: l.DepartmentID, Version: l.Version}
}

func (s *Service) enabledRules(ctx context.Context, tx bun.Tx, tenantID string) ([]AssignmentRule, error) {
	var out []AssignmentRule
	err := tx.NewSelect().Model(&out).Where("tenant_id = ? AND enabled = ?", tenantID, true).
		OrderExpr("position ASC, id ASC").Limit(1000).Scan(ctx)
	if err != nil {
		return nil, err
	}
	return out, decode(out)
}

// matches reports whether a lead meets a rule's conditions. Source and
// industry compare exactly (spaces trimmed); a region matches itself and
// every region below it in the territory tree.
func (s *Service) matches(ctx context.Context, tx bun.Tx, r *AssignmentRule, l *pool.LeadState) (bool, error) {
	c := r.Conditions
	if c.Source != "" && c.Source != strings.TrimSpace(l.Source) || c.Industry != "" && c.Industry != strings.TrimSpace(l.Industry) {
		return false, nil
	}
	region := strings.TrimSpace(l.Region)
	if c.Region == "" || c.Region == region {
		return true, nil
	}
	if region == "" {
		return false, nil
	}
	n, err := tx.NewSelect().TableExpr("regions AS sub").Join("JOIN regions AS top ON top.tenant_id = sub.tenant_id").
		Where("sub.tenant_id = ? AND sub.name = ? AND top.name = ? AND sub.path LIKE top.path || '%'", l.TenantID, region, c.Region).
		Count(ctx)
	return n > 0, err
}

type rep struct {
	ID           string  `bun:"id"`
	DepartmentID *string `bun:"department_id"`
}

// nextRep picks the rule's next rep after its cursor, skipping reps at the
// cap, and moves the cursor. On PostgreSQL the rule's row is locked first,
// so routings through one rule take turns, and each candidate's row while
// counting their leads (as claims do).
func (s *Service) nextRep(ctx context.Context, tx bun.Tx, r *AssignmentRule) (*rep, error) {
	q := tx.NewSelect().Table("assignment_rules").Column("last_assigned_user_id").Where("id = ?", r.ID)
	if s.DB.Dialect == "postgres" {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx, &r.LastAssignedUserID); err != nil {
		return nil, err
	}
	var reps []rep
	err := tx.NewSelect().TableExpr("users AS u").Column("u.id", "u.department_id").
		Join("JOIN roles AS ro ON ro.id = u.role_id").
		Join("JOIN departments AS d ON d.id = u.department_id").
		Join("JOIN departments AS team ON team.id = ?", r.DepartmentID).
		Where("u.tenant_id = ? AND u.status = 'active' AND d.path LIKE team.path || '%'", r.TenantID).
		// Reps: roles of the own data scope that may work leads (the built-in
		// rep, and any an admin made like it); the team's manager is not one.
		Where("ro.data_scope = 'own' AND ro.permissions LIKE ?", `%"lead.write"%`).
		OrderExpr("u.id ASC").Scan(ctx, &reps)
	if err != nil || len(reps) == 0 {
		return nil, err
	}
	start := 0
	if r.LastAssignedUserID != nil {
		for i, c := range reps {
			if c.ID > *r.LastAssignedUserID {
				start = i
				break
			}
		}
	}
	for k := range reps {
		c := reps[(start+k)%len(reps)]
		if r.PerRepCap > 0 {
			if err := pool.LockUser(ctx, s.DB, tx, c.ID); err != nil {
				return nil, err
			}
			n, err := pool.OpenLeads(ctx, tx, r.TenantID, c.ID)
			if err != nil {
				return nil, err
			}
			if n >= r.PerRepCap {
				continue
			}
		}
		// The cursor is bookkeeping, not an edit: the version stays.
		if _, err := tx.NewUpdate().Table("assignment_rules").Set("last_assigned_user_id = ?", c.ID).
			Where("id = ?", r.ID).Exec(ctx); err != nil {
			return nil, err
		}
		return &c, nil
	}
	return nil, nil
}

// Assign gives a lead in the caller's data scope to owner (an active user
// in the same scope), or, without owner, routes it by the rules. A reason
// is required either way; it is kept in the lead's pool history.
func (s *Service) Assign(ctx context.Context, leadID string, owner *string, reason string) (*AssignResult, error) {
	reason = strings.TrimSpace(reason)
	var out *AssignResult
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if ok, err := pool.LeadInScope(ctx, s.DB, leadID); err != nil {
			return err
		} else if !ok {
			return apperr.NotFound("lead")
		}
		if reason == "" { // checked after the scope: a lead out of scope is not found, whatever the body
			return apperr.Invalid("body.reason", "is required")
		}
		if owner == nil {
			var err error
			out, err = s.Route(ctx, leadID, reason)
			return err
		}
		l, err := pool.LoadLead(ctx, s.DB, leadID)
		if err != nil {
			return err
		}
		u, err := s.assignee(ctx, *owner)
		if err != nil {
			return err
		}
		if l.OwnerID != nil && *l.OwnerID == u.ID {
			return apperr.ConflictField("body.owner_id", "the lead already belongs to that user")
		}
		err = pool.Apply(ctx, s.DB, pool.Move{Lead: l, Kind: pool.KindAssign, ToOwner: &u.ID, ToDept: u.DepartmentID, Reason: reason})
		if errors.Is(err, pool.ErrMoved) {
			return apperr.Conflict("the lead changed owner meanwhile; reload it")
		}
		out = &AssignResult{Outcome: Assigned, Ownership: *own(l)}
		return err
	})
	return out, err
}

// assignee is an active user of the caller's data scope.
func (s *Service) assignee(ctx context.Context, id string) (*rep, error) {
	scope, args := auth.From(ctx).ScopeSQL("u.tenant_id", "u.id", "u.department_id")
	var rows []rep
	err := s.DB.R(ctx).NewSelect().TableExpr("users AS u").Column("u.id", "u.department_id").
		Where("u.id = ? AND u.status = 'active'", id).Where(scope, args...).Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, apperr.Invalid("body.owner_id", "no active user of that id in your data scope")
	}
	return &rows[0], nil
}

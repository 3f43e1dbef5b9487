package pool

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// Service is the pool feature's logic over its store.
type Service struct {
	DB *db.DB
}

// PoolInput creates a pool.
type PoolInput struct {
	Name                        string   `json:"name" minLength:"1" maxLength:"80"`
	Kind                        string   `json:"kind,omitempty" enum:"lead,customer" doc:"Default lead; customer needs the tenant setting customer_pools_enabled."`
	DepartmentID                string   `json:"department_id" format:"uuid" doc:"The department whose pool it is; must be in your data scope."`
	ClaimLimit                  int      `json:"claim_limit,omitempty" minimum:"0" maximum:"100000"`
	ReturnAfterDaysNoFollowUp   int      `json:"return_after_days_no_follow_up,omitempty" minimum:"0" maximum:"3650"`
	ReturnAfterDaysNoConversion int      `json:"return_after_days_no_conversion,omitempty" minimum:"0" maximum:"3650"`
	ReclaimCooldownDays         int      `json:"reclaim_cooldown_days,omitempty" minimum:"0" maximum:"3650"`
	Enabled                     *bool    `json:"enabled,omitempty" doc:"Default true."`
	MemberIDs                   []string `json:"member_ids,omitempty" maxItems:"1000" uniqueItems:"true"`
}

// PoolPatch changes some fields of a pool; member_ids replaces the members.
type PoolPatch struct {
	Name                        *string   `json:"name,omitempty" minLength:"1" maxLength:"80"`
	ClaimLimit                  *int      `json:"claim_limit,omitempty" minimum:"0" maximum:"100000"`
	ReturnAfterDaysNoFollowUp   *int      `json:"return_after_days_no_follow_up,omitempty" minimum:"0" maximum:"3650"`
	ReturnAfterDaysNoConversion *int      `json:"return_after_days_no_conversion,omitempty" minimum:"0" maximum:"3650"`
	ReclaimCooldownDays         *int      `json:"reclaim_cooldown_days,omitempty" minimum:"0" maximum:"3650"`
	Enabled                     *bool     `json:"enabled,omitempty"`
	MemberIDs                   *[]string `json:"member_ids,omitempty" maxItems:"1000" uniqueItems:"true"`
}

// memberOf is the SQL condition "the caller is a member of pool p".
const memberOf = "EXISTS (SELECT 1 FROM pool_members AS pm WHERE pm.pool_id = p.id AND pm.user_id = ?)"

// pools selects the pools the caller may see: those of the departments in
// their data scope, and those they are a member of.
func (s *Service) pools(ctx context.Context) *bun.SelectQuery {
	p := auth.From(ctx)
	scope, args := p.ScopeSQL("p.tenant_id", "", "p.department_id")
	return s.DB.R(ctx).NewSelect().Model((*Pool)(nil)).ColumnExpr("p.*").
		ColumnExpr("COALESCE(d.name, '') AS department_name").
		Join("LEFT JOIN departments AS d ON d.id = p.department_id").
		Where("p.tenant_id = ?", p.TenantID).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where(scope, args...).WhereOr(memberOf, p.UserID)
		})
}

// Get returns one pool the caller may see, with its members.
func (s *Service) Get(ctx context.Context, id string) (*Pool, error) {
	var out Pool
	if err := s.pools(ctx).Where("p.id = ?", id).Scan(ctx, &out); err != nil {
		return nil, db.NotFound(err, "pool")
	}
	rows := []Pool{out}
	if err := s.members(ctx, rows); err != nil {
		return nil, err
	}
	return &rows[0], nil
}

// members fills in the member ids of pools.
func (s *Service) members(ctx context.Context, pools []Pool) error {
	if len(pools) == 0 {
		return nil
	}
	idx := map[string]int{}
	var pids []string
	for i := range pools {
		idx[pools[i].ID] = i
		pids = append(pids, pools[i].ID)
		pools[i].MemberIDs = []string{}
	}
	var ms []member
	if err := s.DB.R(ctx).NewSelect().Model(&ms).Where("pool_id IN (?)", bun.In(pids)).OrderExpr("user_id").Scan(ctx); err != nil {
		return err
	}
	for _, m := range ms {
		p := &pools[idx[m.PoolID]]
		p.MemberIDs = append(p.MemberIDs, m.UserID)
	}
	return nil
}

// ListFilter narrows a pool list; zero values do not filter.
type ListFilter struct{ DepartmentID, Kind string }

// List returns one page of the pools the caller may see, oldest first.
func (s *Service) List(ctx context.Context, f ListFilter, limit int, cursor string) (httpx.Page[Pool], error) {
	var page httpx.Page[Pool]
	keys, err := httpx.DecodeCursor(cursor, "id", 1)
	if err != nil {
		return page, err
	}
	q := s.pools(ctx)
	if f.DepartmentID != "" {
		q = q.Where("p.department_id = ?", f.DepartmentID)
	}
	if f.Kind != "" {
		q = q.Where("p.kind = ?", f.Kind)
	}
	if keys != nil {
		q = q.Where("p.id > ?", keys[0])
	}
	var rows []Pool
	if err := q.OrderExpr("p.id ASC").Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return page, err
	}
	rows, more := httpx.Trim(rows, limit)
	if err := s.members(ctx, rows); err != nil {
		return page, err
	}
	page.Items = rows
	if more {
		page.NextCursor = httpx.EncodeCursor("id", rows[len(rows)-1].ID)
	}
	return page, nil
}

// DepartmentInScope reports whether a department of the caller's tenant is
// in their data scope (all: every one; department: theirs and below).
func DepartmentInScope(ctx context.Context, d *db.DB, id string) (bool, error) {
	scope, args := auth.From(ctx).ScopeSQL("d.tenant_id", "", "d.id")
	n, err := d.R(ctx).NewSelect().TableExpr("departments AS d").Where("d.id = ?", id).Where(scope, args...).Count(ctx)
	return n > 0, err
}

// checkMembers refuses member ids that are not active users of the tenant.
func (s *Service) checkMembers(ctx context.Context, idsIn []string) ([]string, error) {
	out := slices.Clone(idsIn)
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) == 0 {
		return []string{}, nil
	}
	for _, id := range out {
		if !ids.Valid(id) {
			return nil, apperr.Invalid("body.member_ids", "%q is not an id", id)
		}
	}
	n, err := s.DB.R(ctx).NewSelect().Table("users").
		Where("tenant_id = ? AND status = 'active' AND id IN (?)", auth.From(ctx).TenantID, bun.In(out)).Count(ctx)
	if err != nil {
		return nil, err
	}
	if int(n) != len(out) {
		return nil, apperr.Invalid("body.member_ids", "every member must be an active user of your company")
	}
	return out, nil
}

func (s *Service) uniqueName(ctx context.Context, deptID, name, self string) error {
	n, err := s.DB.R(ctx).NewSelect().Table("pools").Where("tenant_id = ? AND department_id = ? AND name = ? AND id <> ?",
		auth.From(ctx).TenantID, deptID, name, self).Count(ctx)
	if err == nil && n > 0 {
		return apperr.ConflictField("body.name", "the department already has a pool named %q", name)
	}
	return err
}

func (s *Service) setMembers(ctx context.Context, tx bun.Tx, p *Pool) error {
	if _, err := tx.NewDelete().Table("pool_members").Where("pool_id = ?", p.ID).Exec(ctx); err != nil {
		return err
	}
	for _, u := range p.MemberIDs {
		if _, err := tx.NewInsert().Model(&member{PoolID: p.ID, UserID: u, TenantID: p.TenantID}).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Create adds a pool to a department in the caller's data scope.
func (s *Service) Create(ctx context.Context, in PoolInput) (*Pool, error) {
	p := auth.From(ctx)
	now := time.Now().UTC()
	pl := &Pool{ID: ids.New(), TenantID: p.TenantID, DepartmentID: in.DepartmentID, Name: strings.TrimSpace(in.Name), Kind: kindOf(in.Kind),
		ClaimLimit: in.ClaimLimit, ReturnAfterDaysNoFollowUp: in.ReturnAfterDaysNoFollowUp,
		ReturnAfterDaysNoConversion: in.ReturnAfterDaysNoConversion, ReclaimCooldownDays: in.ReclaimCooldownDays,
		Enabled: in.Enabled == nil || *in.Enabled, CreatedAt: now, UpdatedAt: now, Version: 1}
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if ok, err := DepartmentInScope(ctx, s.DB, in.DepartmentID); err != nil {
			return err
		} else if !ok {
			return apperr.Invalid("body.department_id", "no department of that id in your data scope")
		}
		if err := s.kindAllowed(ctx, pl.Kind); err != nil {
			return err
		}
		var err error
		if pl.MemberIDs, err = s.checkMembers(ctx, in.MemberIDs); err != nil {
			return err
		}
		if err := s.uniqueName(ctx, pl.DepartmentID, pl.Name, ""); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(pl).Exec(ctx); err != nil {
			return err
		}
		if err := s.setMembers(ctx, tx, pl); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Create, "pool", pl.ID, audit.Diff(nil, pl))
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, pl.ID)
}

// manageable refuses changes to a pool outside the caller's data scope
// (a member may see a pool of another department, not manage it).
func manageable(ctx context.Context, d *db.DB, pl *Pool) error {
	ok, err := DepartmentInScope(ctx, d, pl.DepartmentID)
	if err == nil && !ok {
		return apperr.Forbidden("pool %q belongs to a department outside your data scope", pl.Name)
	}
	return err
}

// Update changes a pool at the caller's version.
func (s *Service) Update(ctx context.Context, id string, version int64, in PoolPatch) (*Pool, error) {
	p := auth.From(ctx)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("pool", old.Version, version); err != nil {
			return err
		}
		if err := manageable(ctx, s.DB, old); err != nil {
			return err
		}
		pl := *old
		if in.Name != nil {
			pl.Name = strings.TrimSpace(*in.Name)
		}
		for _, f := range []struct {
			dst *int
			src *int
		}{{&pl.ClaimLimit, in.ClaimLimit}, {&pl.ReturnAfterDaysNoFollowUp, in.ReturnAfterDaysNoFollowUp},
			{&pl.ReturnAfterDaysNoConversion, in.ReturnAfterDaysNoConversion}, {&pl.ReclaimCooldownDays, in.ReclaimCooldownDays}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		if in.Enabled != nil {
			pl.Enabled = *in.Enabled
		}
		if in.MemberIDs != nil {
			if pl.MemberIDs, err = s.checkMembers(ctx, *in.MemberIDs); err != nil {
				return err
			}
		}
		changes := audit.Diff(old, &pl)
		if len(changes) == 0 {
			return nil
		}
		if err := s.uniqueName(ctx, pl.DepartmentID, pl.Name, pl.ID); err != nil {
			return err
		}
		pl.UpdatedAt, pl.Version = time.Now().UTC(), old.Version+1
		res, err := tx.NewUpdate().Model(&pl).Column("name", "claim_limit", "return_after_days_no_follow_up",
			"return_after_days_no_conversion", "reclaim_cooldown_days", "enabled", "updated_at", "version").
			Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "pool", old.Version); err != nil {
			return err
		}
		if in.MemberIDs != nil {
			if err := s.setMembers(ctx, tx, &pl); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Update, "pool", id, changes)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Delete removes an empty pool at the caller's version.
func (s *Service) Delete(ctx context.Context, id string, version int64) error {
	p := auth.From(ctx)
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := db.CheckVersion("pool", old.Version, version); err != nil {
			return err
		}
		if err := manageable(ctx, s.DB, old); err != nil {
			return err
		}
		table := "leads"
		if old.Kind == KindCustomerPool {
			table = "customers"
		}
		n, err := tx.NewSelect().Table(table).Where("tenant_id = ? AND pool_id = ?", p.TenantID, id).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflict("pool %q still holds %d %s; assign them or move them to another pool first", old.Name, n, table)
		}
		if _, err := tx.NewDelete().Table("pool_members").Where("pool_id = ?", id).Exec(ctx); err != nil {
			return err
		}
		res, err := tx.NewDelete().Table("pools").Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if err := db.Versioned(res, err, "pool", old.Version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Delete, "pool", id, audit.Diff(old, nil))
	})
}

// Leads lists one keyset page of the leads in a pool the caller may see,
// newest first.
func (s *Service) Leads(ctx context.Context, poolID string, limit int, cursor string) (httpx.Page[PoolLead], error) {
	if _, err := s.Get(ctx, poolID); err != nil {
		return httpx.Page[PoolLead]{}, err
	}
	q := s.DB.R(ctx).NewSelect().Model((*PoolLead)(nil)).Where("l.tenant_id = ? AND l.pool_id = ?", auth.From(ctx).TenantID, poolID)
	return httpx.NewestFirst(ctx, q, "l.id", limit, cursor, func(l *PoolLead) string { return l.ID })
}

// Events lists a lead's pool history, newest first. The lead must be in the
// caller's data scope or in a pool they are a member of.
func (s *Service) Events(ctx context.Context, leadID string) ([]PoolEvent, error) {
	if err := s.leadVisible(ctx, leadID); err != nil {
		return nil, err
	}
	var out []PoolEvent
	err := withNames(s.DB.R(ctx).NewSelect().Model(&out)).
		Where("e.tenant_id = ? AND e.lead_id = ?", auth.From(ctx).TenantID, leadID).
		OrderExpr("e.id DESC").Limit(500).Scan(ctx)
	return out, err
}

// withNames reads pool events (alias e) with the names a person reading
// the history needs: who did it, whose the record became or was, the pool.
func withNames(q *bun.SelectQuery) *bun.SelectQuery {
	return q.ColumnExpr("e.*").
		ColumnExpr("COALESCE(a.name, '') AS actor_name, COALESCE(u.name, '') AS user_name, COALESCE(p.name, '') AS pool_name").
		Join("LEFT JOIN users AS a ON a.id = e.actor_id AND a.tenant_id = e.tenant_id").
		Join("LEFT JOIN users AS u ON u.id = e.user_id AND u.tenant_id = e.tenant_id").
		Join("LEFT JOIN pools AS p ON p.id = e.pool_id AND p.tenant_id = e.tenant_id")
}

func (s *Service) leadVisible(ctx context.Context, leadID string) error {
	if ok, err := LeadInScope(ctx, s.DB, leadID); err != nil || ok {
		return err
	}
	l, err := LoadLead(ctx, s.DB, leadID)
	if err != nil {
		return err
	}
	if l.PoolID != nil {
		if ok, err := s.isMember(ctx, *l.PoolID); err != nil || ok {
			return err
		}
	}
	return apperr.NotFound("lead")
}

func (s *Service) isMember(ctx context.Context, poolID string) (bool, error) {
	n, err := s.DB.R(ctx).NewSelect().Table("pool_members").Where("pool_id = ? AND user_id = ?", poolID, auth.From(ctx).UserID).Count(ctx)
	return n > 0, err
}

package org

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/auth/session"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// RoleInput is what a caller may set on a role.
type RoleInput struct {
	Name        string   `json:"name" minLength:"1" maxLength:"60"`
	Permissions []string `json:"permissions" maxItems:"100" uniqueItems:"true"`
	DataScope   string   `json:"data_scope" enum:"own,department,all"`
}

// RolePatch changes some fields of a role.
type RolePatch struct {
	Name        *string   `json:"name,omitempty" minLength:"1" maxLength:"60"`
	Permissions *[]string `json:"permissions,omitempty" maxItems:"100" uniqueItems:"true"`
	DataScope   *string   `json:"data_scope,omitempty" enum:"own,department,all"`
}

// Service is the org feature's logic over its store.
type Service struct {
	DB *db.DB
	// Sessions is told after every change that can alter what a signed-in
	// user may do or see (nil outside a server).
	Sessions *session.Cache
	// OnTenantCreated run inside CreateTenant's transaction, after the
	// tenant, its roles, top department and admin exist, so other features
	// can seed their per-tenant data (the default pipeline, say).
	OnTenantCreated []func(ctx context.Context, tx bun.IDB, tenantID string) error
	// OnUserMoved run inside the transaction of a user update that changes
	// the user's department (see userMoved).
	OnUserMoved []UserMovedHook
}

// changed runs after a committed change to the tenant's users, roles or
// departments: cached principals of the tenant are dropped.
func (s *Service) changed(ctx context.Context, err error) error {
	if err == nil {
		s.Sessions.ForgetTenant(auth.From(ctx).TenantID)
	}
	return err
}

// ListRoles returns every role of the caller's tenant (roles are tenant-wide:
// everyone who may read roles sees them all).
func (s *Service) ListRoles(ctx context.Context) ([]Role, error) {
	p := auth.From(ctx)
	var out []Role
	err := s.DB.R(ctx).NewSelect().Model(&out).Where("tenant_id = ?", p.TenantID).
		OrderExpr("builtin DESC, name ASC").Limit(1000).Scan(ctx)
	return out, err
}

// GetRole returns one role of the caller's tenant.
func (s *Service) GetRole(ctx context.Context, id string) (*Role, error) {
	p := auth.From(ctx)
	var r Role
	err := s.DB.R(ctx).NewSelect().Model(&r).Where("id = ? AND tenant_id = ?", id, p.TenantID).Scan(ctx)
	return &r, db.NotFound(err, "role")
}

// checkGrant refuses permissions outside the catalog and, to prevent
// escalation, permissions the caller does not hold.
func checkGrant(p *auth.Principal, field string, perms []string, scope string) error {
	for i, perm := range perms {
		if !auth.KnownPermission(perm) {
			return apperr.Invalid(field+"["+strconv.Itoa(i)+"]", "unknown permission %q", perm)
		}
		if !p.Can(perm) {
			return apperr.Invalid(field+"["+strconv.Itoa(i)+"]", "you cannot grant %q: your own role does not hold it", perm)
		}
	}
	if scopeRank[scope] > scopeRank[p.Scope] {
		return apperr.Invalid("body.data_scope", "you cannot grant a wider data scope than your own")
	}
	return nil
}

var scopeRank = map[string]int{auth.ScopeOwn: 1, auth.ScopeDepartment: 2, auth.ScopeAll: 3}

// CreateRole adds a custom role.
func (s *Service) CreateRole(ctx context.Context, in RoleInput) (*Role, error) {
	p := auth.From(ctx)
	if err := checkGrant(p, "body.permissions", in.Permissions, in.DataScope); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	perms := slices.Clone(in.Permissions)
	slices.Sort(perms)
	r := &Role{ID: ids.New(), TenantID: p.TenantID, Name: in.Name, Permissions: perms, DataScope: in.DataScope,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(r).Exec(ctx); err != nil {
			if db.IsUniqueViolation(err) {
				return apperr.ConflictField("body.name", "a role named %q already exists", in.Name)
			}
			return err
		}
		return audit.Record(ctx, tx, audit.Create, "role", r.ID, audit.Diff(nil, r))
	})
	return r, err
}

// UpdateRole changes a custom role; built-in roles are fixed.
func (s *Service) UpdateRole(ctx context.Context, id string, version int64, in RolePatch) (*Role, error) {
	p := auth.From(ctx)
	var out *Role
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.GetRole(ctx, id)
		if err != nil {
			return err
		}
		if old.Builtin {
			return apperr.Conflict("built-in roles cannot be changed; create a custom role instead")
		}
		if err := db.CheckVersion("role", old.Version, version); err != nil {
			return err
		}
		r := *old
		if in.Name != nil {
			r.Name = *in.Name
		}
		if in.Permissions != nil {
			r.Permissions = slices.Clone(*in.Permissions)
			slices.Sort(r.Permissions)
		}
		if in.DataScope != nil {
			r.DataScope = *in.DataScope
		}
		if len(audit.Diff(old, &r)) == 0 {
			out = old
			return nil // nothing changes: keep the version, write nothing
		}
		if err := checkGrant(p, "body.permissions", r.Permissions, r.DataScope); err != nil {
			return err
		}
		r.UpdatedAt, r.Version = time.Now().UTC(), old.Version+1
		res, err := tx.NewUpdate().Model(&r).Column("name", "permissions", "data_scope", "updated_at", "version").
			Where("id = ? AND tenant_id = ? AND version = ?", id, p.TenantID, old.Version).Exec(ctx)
		if db.IsUniqueViolation(err) {
			return apperr.ConflictField("body.name", "a role named %q already exists", r.Name)
		}
		if err := db.Versioned(res, err, "role", old.Version); err != nil {
			return err
		}
		out = &r
		return audit.Record(ctx, tx, audit.Update, "role", id, audit.Diff(old, &r))
	})
	err = s.changed(ctx, err)
	return out, err
}

// DeleteRole removes a custom role nobody holds.
func (s *Service) DeleteRole(ctx context.Context, id string) error {
	p := auth.From(ctx)
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.GetRole(ctx, id)
		if err != nil {
			return err
		}
		if old.Builtin {
			return apperr.Conflict("built-in roles cannot be deleted")
		}
		n, err := tx.NewSelect().Table("users").Where("tenant_id = ? AND role_id = ?", p.TenantID, id).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflict("%d users still hold this role; give them another role first", n)
		}
		if _, err := tx.NewDelete().Model((*Role)(nil)).Where("id = ? AND tenant_id = ?", id, p.TenantID).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Delete, "role", id, audit.Diff(old, nil))
	})
}
